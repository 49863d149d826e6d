"""Turtle and TriG: spliced from the previous build's statements, and each unit found in what
pyoxigraph wrote."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from operator import attrgetter
from typing import IO

from exilekg.formats import RdfFormat
from exilekg.incremental.files import BinaryOut, OldDumps, Unspliceable
from exilekg.incremental.state import UnitState
from exilekg.manifest import OutputDigest
from exilekg.terms import PREFIXES
from exilekg.writers._oxworker import Statements, convert

__all__ = ["TextSplicer", "find_trig", "find_turtle"]


@cache
def _header(output: str) -> bytes:
    """The prefix lines pyoxigraph starts a non-empty Turtle or TriG document with."""
    sample = (
        b"<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n"
        if output == "trig"
        else b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"
    )
    buffer = io.BytesIO()
    convert(sample, buffer, output, PREFIXES)
    text = buffer.getvalue()
    cut = text.find(b"<urn:x:")
    return text[:cut]


def _converted(text: str, output: str) -> bytes:
    """``text`` (N-Triples or N-Quads) as Turtle or TriG statements, without the prefix lines."""
    buffer = io.BytesIO()
    convert(text.encode("utf-8"), buffer, output, PREFIXES)
    body = buffer.getvalue()
    header = _header(output)
    if not body.startswith(header):
        raise Unspliceable(f"pyoxigraph began a {output} document with other prefixes")
    return body[len(header) :]


class TextSplicer:
    """Turtle and TriG from the previous build's statements and the changed units', converted alone.

    pyoxigraph writes a subject's run as one statement starting on a line of its own, and TriG
    opens a graph block (``<g> {``) whenever the graph changes: so the document of the whole stream
    is the prefix lines, then each unit's statements, with a graph block closed and opened between
    two units whose graphs differ.
    """

    def __init__(self, streams: dict[RdfFormat, IO[str]], old: OldDumps) -> None:
        self.old = old
        self.ttl = BinaryOut(streams[RdfFormat.TURTLE]) if RdfFormat.TURTLE in streams else None
        self.trig = BinaryOut(streams[RdfFormat.TRIG]) if RdfFormat.TRIG in streams else None
        self.graph = ""

    def copy(self, known: UnitState, state: UnitState) -> None:
        if self.ttl is not None and known.ttl[1]:
            self._turtle_start()
            state.ttl = self.ttl.copy(self.old.file("exilekg.ttl"), *known.ttl)
        if self.trig is not None and known.trig[1]:
            # Where the previous dump has the unit right after the one copied before it, what lies
            # between them there is the same graph switch: the copy then goes on over it.
            joint = self._trig_joint(known.trig_first)
            state.trig = self.trig.copy_joined(joint, self.old.file("exilekg.trig"), *known.trig)
            state.trig_first, state.trig_last = known.trig_first, known.trig_last
            self.graph = known.trig_last

    def fresh(self, state: UnitState, nt: str, nq: str) -> None:
        if self.ttl is not None and nt:
            body = _converted(nt, "turtle")
            self._turtle_start()
            state.ttl = self.ttl.write(body)
        if self.trig is not None and nq:
            body = _converted(nq, "trig")
            first_end = body.find(b"\n")
            first = body[:first_end]
            if not first.endswith(b" {") or not body.endswith(b"\n}\n"):
                raise Unspliceable("pyoxigraph wrote TriG outside graph blocks")
            inner = body[first_end + 1 : -2]
            switch = inner.rfind(b"\n}\n")
            last = inner[switch + 3 : inner.find(b"\n", switch + 3)] if switch >= 0 else first
            self._trig_switch(first.decode("utf-8"))
            state.trig = self.trig.write(inner)
            state.trig_first, state.trig_last = first.decode("utf-8"), last.decode("utf-8")
            self.graph = state.trig_last

    def _turtle_start(self) -> None:
        assert self.ttl is not None
        if not self.ttl.offset:
            self.ttl.write(_header("turtle"))

    def _trig_switch(self, first: str) -> None:
        """Start the document, or close the graph block open, before a unit starting in ``first``."""
        assert self.trig is not None
        joint = self._trig_joint(first)
        if joint:
            self.trig.write(joint)

    def _trig_joint(self, first: str) -> bytes:
        """The document started if it is not; then what goes before a unit starting in the graph
        line ``first``: nothing in the graph block open, else that block closed and one opened.

        Between two units, a TriG dump this module or pyoxigraph wrote holds only such a switch
        (neither writes an empty graph block), so a stretch of it as long as the switch, from
        where one unit ends to where the other starts, holds no statement and is that switch:
        any statement between them would come on top of the opening of the second unit's graph.
        """
        assert self.trig is not None
        if not self.trig.offset:
            self.trig.write(_header("trig"))
        if first == self.graph:
            return b""
        return (b"}\n" if self.graph else b"") + first.encode("utf-8") + b"\n"

    def end(self) -> None:
        """Both texts complete (the last graph block closed): their threads sync them beside the
        build; :meth:`finish` waits for them."""
        if self.trig is not None and self.graph:
            self.trig.write(b"}\n")
            self.graph = ""
        for out in (self.ttl, self.trig):
            if out is not None:
                out.end()

    def abandon(self) -> None:
        for out in (self.ttl, self.trig):
            if out is not None:
                out.abandon()

    def finish(self) -> dict[RdfFormat, OutputDigest]:
        self.end()
        digests = {}
        if self.ttl is not None:
            digests[RdfFormat.TURTLE] = self.ttl.close()
        if self.trig is not None:
            digests[RdfFormat.TRIG] = self.trig.close()
        return digests


def find_turtle(found: Statements, units: Iterable[UnitState]) -> None:
    """Each unit's statements in the Turtle pyoxigraph wrote from the whole stream, where ``found``
    (as it wrote them) says they begin."""
    starts, end = found.starts, found.size
    for state, k, n in _shares(units, _RUNS, len(starts), "Turtle", "subjects"):
        state.ttl = (starts[k], (starts[k + n] if k + n < len(starts) else end) - starts[k])


def find_trig(found: Statements, units: Iterable[UnitState]) -> None:
    """Each unit's statements, and the graphs they are in, in the TriG pyoxigraph wrote, where
    ``found`` (as it wrote them) says they lie."""
    blocks, graphs = found.blocks, found.graphs
    for state, k, n in _shares(units, _TRIG_RUNS, len(blocks), "TriG", "runs"):
        (start, _, first), (_, end, last) = blocks[k], blocks[k + n - 1]
        state.trig = (start, end - start)
        state.trig_first = graphs[first] if first >= 0 else ""
        state.trig_last = graphs[last] if last >= 0 else ""


def _shares(
    units: Iterable[UnitState], count: Callable[[UnitState], int], total: int, output: str, what: str
) -> Iterator[tuple[UnitState, int, int]]:
    """Each unit that has statements in ``output``, with the number of its first one and how many it
    has (``count``: one a subject run, or a run in one graph): the units' statements, one after the
    other, must be the ``total`` the output holds."""
    k = 0
    for state in units:
        n = count(state)
        if not n:
            continue
        if k + n > total:
            raise Unspliceable(f"the {output} holds fewer statements than the units' {what}")
        yield state, k, n
        k += n
    if k != total:
        raise Unspliceable(f"the {output} holds more statements than the units' {what}")


_RUNS = attrgetter("runs")
_TRIG_RUNS = attrgetter("trig_runs")
