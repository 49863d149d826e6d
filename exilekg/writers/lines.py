"""N-Triples and N-Quads, line by line as the quads arrive, and the triples a stream repeats.

Memory stays flat: each batch of quads is formatted once, with f-strings, and its text goes
to every target that wants it (the outputs, and the spools Turtle and TriG are written from).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import compress
from operator import itemgetter, ne

from exilekg.terms import IRI, Quad, Term
from exilekg.writers.base import QuadWriter, Target

__all__ = ["LineWriter", "TripleRuns", "ntriples_term"]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')
_GRAPH = itemgetter(3)


def ntriples_term(term: Term) -> str:
    """A term in N-Triples syntax."""
    if isinstance(term, IRI):
        return f"<{term}>"
    lexical = term.value.translate(_ESCAPES)
    if term.language:
        return f'"{lexical}"@{term.language}'
    if term.datatype:
        return f'"{lexical}"^^<{term.datatype}>'
    return f'"{lexical}"'


def object_terms(objects: Iterable[Term]) -> list[str]:
    """N-Triples forms of many objects; the common cases are inlined, the call per term is what costs."""
    out: list[str] = []
    append = out.append
    search = _NEEDS_ESCAPE.search
    for o in objects:
        if type(o) is IRI:
            append(f"<{o}>")
            continue
        value, datatype, language = o
        if search(value):
            value = value.translate(_ESCAPES)
        if language:
            append(f'"{value}"@{language}')
        elif datatype:
            append(f'"{value}"^^<{datatype}>')
        else:
            append(f'"{value}"')
    return out


class TripleRuns:
    """Finds the quads of a stream whose triple its subject's run already gave, in another graph.

    A triple can sit in two named graphs (a relation an entity's record states and an article
    states too); a triple-only output must give it once. Mapping emits each subject's quads as
    one run, so a repeat can only follow a change of graph inside a run: only such runs are
    remembered, and only while they last, so memory does not grow with the stream. (A stream
    that gives a subject in several runs may still repeat a triple across them.)
    """

    def __init__(self) -> None:
        self.subject: object = None
        """The subject of the last quad seen."""
        self.graph: object = None
        """The graph of the last quad seen."""
        self.tail: list[Quad] = []
        """The quads of the run the last batch ended in, while that run kept to one graph."""
        self.seen: set[tuple[IRI, IRI, Term]] | None = None
        """The triples of the run the last batch ended in, once that run has changed graph."""

    def repeats(self, quads: Sequence[Quad]) -> list[int]:
        """The positions in ``quads`` (the next batch of the stream) of quads that repeat a triple."""
        n = len(quads)
        if not n:
            return []
        drop: list[int] = []
        done = 0
        if self.seen is not None:  # a run that changed graph goes on from the last batch
            done = self._follow(quads, 0, self.subject, self.seen, drop)
            if done < n:
                self.seen = None
        for k in self._graph_changes(quads, done):
            subject = quads[k][0]
            if k < done or subject != (quads[k - 1][0] if k else self.subject):
                continue  # the new graph starts a new run
            first = _run_start(quads, k)
            seen = {q[:3] for q in quads[first:k]}
            if first == 0 and subject == self.subject:
                seen.update(q[:3] for q in self.tail)
            done = self._follow(quads, k, subject, seen, drop)
            if done == n:
                self.seen = seen
        self._remember_tail(quads)
        return drop

    def _graph_changes(self, quads: Sequence[Quad], start: int) -> list[int]:
        """Positions from ``start`` on whose graph differs from the quad's before (the last batch's).

        Compared with ``map`` and ``compress``, which run in C: this pass sees every quad.
        """
        graphs = list(map(_GRAPH, quads))
        changed = map(ne, graphs, [self.graph, *graphs[:-1]])
        return [k for k in compress(range(len(graphs)), changed) if k >= start]

    def _remember_tail(self, quads: Sequence[Quad]) -> None:
        """Keep the run the batch ends in, which the next batch may go on with."""
        last = quads[-1][0]
        if self.seen is not None:
            self.tail = []
        else:
            first = _run_start(quads, len(quads) - 1)
            continued = first == 0 and last == self.subject
            self.tail = [*self.tail, *quads] if continued else list(quads[first:])
        self.subject, self.graph = last, quads[-1][3]

    @staticmethod
    def _follow(
        quads: Sequence[Quad], k: int, subject: object, seen: set[tuple[IRI, IRI, Term]], drop: list[int]
    ) -> int:
        """Mark the repeats of ``subject``'s run from ``k`` on; return where the run ends."""
        n = len(quads)
        while k < n and quads[k][0] == subject:
            triple = quads[k][:3]
            if triple in seen:
                drop.append(k)
            else:
                seen.add(triple)
            k += 1
        return k


def _run_start(quads: Sequence[Quad], k: int) -> int:
    """Where, in ``quads``, the run of the subject of ``quads[k]`` begins."""
    subject = quads[k][0]
    while k > 0 and quads[k - 1][0] == subject:
        k -= 1
    return k


class LineWriter(QuadWriter):
    """N-Triples and/or N-Quads, written as the quads arrive: memory stays flat.

    One writer serves both formats so that each quad is formatted once; each format's text
    may go to several targets (the output, and a spool that Turtle or TriG is written from).
    N-Triples leaves out the quads whose triple the stream already gave (``repeats``).
    """

    def __init__(self, ntriples: Sequence[Target], nquads: Sequence[Target]) -> None:
        self.ntriples = list(ntriples)
        self.nquads = list(nquads)
        self.count = 0
        """Quads written."""
        self.triples = 0
        """Triples written (quads less their repeats)."""

    def write_many(self, quads: Sequence[Quad], repeats: Sequence[int] = ()) -> None:
        if not quads:
            return
        self.count += len(quads)
        self.triples += len(quads) - len(repeats)
        objects = object_terms([q[2] for q in quads])
        heads = [f"<{q[0]}> <{q[1]}> {o}" for q, o in zip(quads, objects, strict=True)]
        if self.ntriples:
            if repeats:
                dropped = set(repeats)
                text = "".join([f"{h} .\n" for k, h in enumerate(heads) if k not in dropped])
            else:
                text = " .\n".join(heads) + " .\n"
            for out in self.ntriples:
                out.write(text)
        if self.nquads:
            text = "".join([f"{h} <{q[3]}> .\n" for h, q in zip(heads, quads, strict=True)])
            for out in self.nquads:
                out.write(text)
