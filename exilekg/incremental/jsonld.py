"""JSON-LD: each unit's node objects, and the document laid out from the new and the copied ones."""

from __future__ import annotations

import mmap
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import IO

import orjson

from exilekg.errors import SerializationError
from exilekg.incremental.files import BinaryOut, OldDumps, OldFile, Unspliceable
from exilekg.incremental.state import Numbering, UnitState
from exilekg.jsonld import context_value, raise_for_output
from exilekg.manifest import OutputDigest
from exilekg.terms import Quad
from exilekg.writers.jsonld import Grouped, _node, _OutputCheck

__all__ = [
    "NODE_SEPARATOR",
    "LaidOut",
    "Layout",
    "Place",
    "Span",
    "fresh_nodes",
    "node_texts",
    "subject_at",
    "write_jsonld",
]

_INDENT = b"\n    "
_NODE_INDENT = b"\n        "
NODE_SEPARATOR = b",\n        "
"""What comes between two node objects of a graph, as the dump lays them out."""


def node_texts(
    quads: Sequence[Quad], check: _OutputCheck, context: str | None
) -> Iterator[tuple[str, str, bytes]]:
    """Each node object the quads make, checked against the output schemas, as its graph, its
    subject and its text laid out as :func:`write_jsonld` places it."""
    grouped = Grouped()
    grouped.add_many(quads)
    for g, subjects in grouped.graphs.items():
        for s, props in subjects.items():
            node = _node(s, props)
            if not check.ok([node]):
                raise_for_output(
                    {"@context": context_value(context), "@graph": [{"@id": str(g), "@graph": [node]}]}
                )
                raise SerializationError("the JSON-LD to write breaks its output schemas")
            try:
                text = orjson.dumps(node, option=orjson.OPT_INDENT_2).replace(b"\n", _NODE_INDENT)
            except orjson.JSONEncodeError as exc:
                raise SerializationError(f"JSON-LD cannot hold a value of graph <{g}>: {exc}") from exc
            yield str(g), str(s), text


Place = tuple[list[int], int]
"""Where the layout notes a node's new place: a unit's node list (:attr:`UnitState.nodes`), and
the index of the node's first number in it."""

Layout = tuple[str, bool, int, int, "Place | None"]
"""A node object to lay out: its subject (or "" for a copy, whose ``@id`` is read from the
previous dump where needed), whether it is in the fresh text (else in the previous dump), its
offset and length there (in the dump, not in its graph), and where to note its new place, if
anywhere."""


def fresh_nodes(
    quads: Sequence[Quad],
    state: UnitState,
    nodes: dict[str, list[Layout]],
    seen: set[tuple[str, str]],
    fresh: bytearray,
    check: _OutputCheck,
    context: str | None,
    graph_ids: Numbering,
) -> None:
    for g, s, text in node_texts(quads, check, context):
        key = (g, s)
        if key in seen:
            raise Unspliceable(f"<{s}> in graph <{g}> is made by two units")
        seen.add(key)
        start = len(fresh)
        fresh += text
        index = len(state.nodes)
        state.nodes += (graph_ids.id(g), -1, -1)  # placed once written
        nodes.setdefault(g, []).append((s, True, start, len(text), (state.nodes, index)))


def subject_at(data: mmap.mmap | bytes, start: int, length: int) -> str:
    """The ``@id`` of the node object at ``start`` in a JSON-LD dump this module laid out (where
    ``@id`` is a node's first member, on a line of its own)."""
    head = start + len(_NODE_HEAD)
    end = data.find(b"\n", head, start + length)
    line = data[head : end if end >= 0 else start + length].rstrip(b",")
    if data[start:head] != _NODE_HEAD:
        raise Unspliceable(f"the previous JSON-LD dump has no node object at byte {start}")
    try:
        subject = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise Unspliceable(f"the previous JSON-LD dump has no node @id at byte {start}") from exc
    if not isinstance(subject, str):
        raise Unspliceable(f"the previous JSON-LD dump has no node @id at byte {start}")
    return subject


_NODE_HEAD = b"{" + _NODE_INDENT + b'  "@id": '


Span = tuple[int, int]
"""Where a graph's node objects lie in a JSON-LD dump: the first one's offset, and the length from
there to the end of the last one."""


@dataclass
class LaidOut:
    """A JSON-LD dump written: its digest, and where each graph's nodes lie in it."""

    digest: OutputDigest
    spans: dict[str, Span]


def write_jsonld(
    stream: IO[str],
    nodes: dict[str, list[Layout]],
    fresh: bytearray | bytes | mmap.mmap,
    old: OldDumps | None,
    context: str | None,
    kept: Mapping[str, Span] | None = None,
) -> LaidOut:
    """The JSON-LD document as :mod:`exilekg.writers.jsonld` lays it out, from node objects already
    written: graphs sorted, each graph's nodes sorted by ``@id`` (a subject is once in a graph).
    Each node's place, where its entry gives one, is noted as it now is in its graph.

    ``kept`` names graphs whose nodes are all as the previous build laid them out, with their span
    in its dump: each is copied in one piece, and its nodes' places in it stand."""
    kept = kept or {}
    if kept.keys() & nodes.keys():
        raise ValueError("a graph is both kept whole and laid out")
    copies = bool(kept) or any(not f for v in nodes.values() for _, f, _, _, _ in v)
    previous = old.file("exilekg.jsonld") if copies and old is not None else OldFile(b"")
    target = BinaryOut(stream)
    try:
        return _write_jsonld(target, nodes, kept, fresh, previous, context)
    finally:
        target.abandon()


def _write_jsonld(
    target: BinaryOut,
    nodes: dict[str, list[Layout]],
    kept: Mapping[str, Span],
    fresh: bytearray | bytes | mmap.mmap,
    previous: OldFile,
    context: str | None,
) -> LaidOut:
    header = orjson.dumps(context_value(context), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  ")
    target.write(b'{\n  "@context": ' + header + b',\n  "@graph": [')
    graphs = sorted({g for g, entries in nodes.items() if entries} | kept.keys())
    spans: dict[str, Span] = {}
    for index, g in enumerate(graphs):
        target.write(
            (b"," if index else b"")
            + _INDENT
            + b'{\n      "@id": '
            + orjson.dumps(g)
            + b',\n      "@graph": [\n        '
        )
        span = kept.get(g)
        if span is not None:
            spans[g] = target.copy(previous, *span)
        else:
            spans[g] = _lay_out(target, nodes[g], fresh, previous)
        target.write(b"\n      ]\n    }")
    target.write(b"\n  ]\n}\n" if graphs else b"]\n}\n")
    return LaidOut(target.close(), spans)


def _lay_out(
    target: BinaryOut, entries: list[Layout], fresh: bytearray | bytes | mmap.mmap, previous: OldFile
) -> Span:
    """One graph's nodes sorted by subject and written; where they now lie."""
    # Fresh nodes that follow each other go to the target as one piece (up to _PIECE): a write
    # each cost more than the rest of the layout (229,042 of them in a first build at 1M).
    piece: list[bytes | bytearray] = []
    size = 0
    joint = b""
    first = end = -1
    for _, is_fresh, start, length, place in _in_order(entries, previous):
        if is_fresh:
            piece.append(joint)
            at = target.offset + size + len(joint)
            piece.append(fresh[start : start + length])
            size += len(joint) + length
            if size >= _PIECE:
                target.write(b"".join(piece))
                piece, size = [], 0
        else:
            if piece:
                target.write(b"".join(piece))
                piece, size = [], 0
            at, _ = target.copy_joined(joint, previous, start, length)
        if first < 0:
            first = at
        if place is not None:
            flat, i = place
            flat[i + 1], flat[i + 2] = at - first, length
        end = at + length
        joint = NODE_SEPARATOR
    if piece:
        target.write(b"".join(piece))
    return first, end - first


_PIECE = 1 << 20
"""The most fresh text :func:`_lay_out` gathers before writing it."""


def _in_order(entries: list[Layout], previous: OldFile) -> list[Layout]:
    """A graph's nodes in the order of their subjects.

    The copies lie in the previous dump in that order already (they are of one graph there, laid
    out sorted), so they are sorted by place; each fresh node is put among them by bisection, which
    reads a copy's ``@id`` from the previous dump only where it compares with one."""
    copies = sorted((e for e in entries if not e[1]), key=_START)
    news = sorted((e for e in entries if e[1]), key=_SUBJECT)
    if not news:
        return copies
    data = previous.data

    def subject(entry: Layout) -> str:
        return entry[0] or subject_at(data, entry[2], entry[3])

    ordered: list[Layout] = []
    done = 0
    for new in news:
        at = bisect_left(copies, new[0], done, key=subject)
        if at < len(copies) and subject(copies[at]) == new[0]:
            raise Unspliceable(f"<{new[0]}> is made by two units")
        ordered += copies[done:at]
        ordered.append(new)
        done = at
    ordered += copies[done:]
    return ordered


_SUBJECT = itemgetter(0)
_START = itemgetter(2)
