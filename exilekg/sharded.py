"""A full build's mapping, checking and formatting split across worker processes, by ranges of units.

The corpus maps a :class:`~exilekg.map.Unit` at a time (the dataset, each document, each record),
each unit's quads whole subject runs, so the dumps are the units' texts one after the other:
N-Triples and N-Quads line by line, JSON-LD node by node (sorted there by graph and subject).
:func:`write_sharded` cuts the units into chunks of about equal weight and has ``workers`` forked
processes map them, a chunk at a time, in order: each checks its quads against the vocabularies,
formats their N-Triples and N-Quads lines and JSON-LD nodes (sorted by graph and subject) into chunk
files, and sends where they are and what they count. The build's process appends the chunk files to
the dumps in order, in the kernel (``copy_file_range``), while the Turtle and TriG workers read the
dumps as they grow, and lays the JSON-LD out from the nodes: each graph's runs of sorted nodes, one
a chunk, merged, a stretch of nodes of one run that no other run's node falls within at a time.

The outputs are those of the single-process build, byte for byte, when the chunks do not share a
subject run (whose repeated triples N-Triples gives once) or a JSON-LD node (which would be one
object), and the vocabulary check of the parts reaches the whole stream's verdict
(:meth:`~exilekg.check.checker.Checker.judge`). When a split could differ (a run or a node across
two chunks, a violation to report, a worker that failed or died), :class:`Unshardable` is raised
and the caller builds in one process, which also raises the error a build must.

Forked workers share the read and validated corpus, and the table of entity names mentions are
found with, with the build (copy on write: each page a worker touches becomes its own, so memory
grows with the workers); a worker holds one chunk's quads at a time, and dies with the build.
Where processes cannot be forked (Windows), builds stay in one process.
"""

from __future__ import annotations

import io
import mmap
import multiprocessing
import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from heapq import heapify, heappop, heappush
from itertools import accumulate
from multiprocessing.connection import Connection, wait
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from exilekg.atomic import remove_leftovers, temporary_file
from exilekg.check.checker import Checker, OpenChecks
from exilekg.corpus import Corpus
from exilekg.formats import RdfFormat
from exilekg.incremental.digests import mentions_digest, unit_digest
from exilekg.incremental.files import copy_in_kernel, write_all
from exilekg.incremental.jsonld import NODE_SEPARATOR, Layout, Place, Span, node_texts, write_jsonld
from exilekg.incremental.splice import OneDocument, UnitMapping, count_subjects, finding_of, mapped_state
from exilekg.incremental.state import Numbers, UnitState
from exilekg.manifest import OutputDigest, digest_and_sync
from exilekg.map import Mapper, Unit
from exilekg.mentions import DocumentMentions, MentionList, find_mentions
from exilekg.processes import available_cores, can_fork
from exilekg.progress import Progress
from exilekg.terms import RDF, Quad
from exilekg.validation import ValidationReport
from exilekg.writers._oxworker import die_with_parent
from exilekg.writers.base import BATCH
from exilekg.writers.jsonld import _OutputCheck
from exilekg.writers.lines import LineWriter, TripleRuns
from exilekg.writers.oxigraph import Conversion

__all__ = [
    "CHUNKS_PER_WORKER",
    "CHUNK_WEIGHT",
    "Prepared",
    "Unshardable",
    "Written",
    "prepare",
    "worker_count",
    "write_sharded",
]

CHUNKS_PER_WORKER = 8
"""Chunks per worker: enough that a worker that drew light chunks takes more, few enough that the
build's process appends a few files of some megabytes, not thousands of small ones."""

CHUNK_WEIGHT = 4096
"""The most a chunk weighs (records, and documents by their text): a worker holds one chunk's quads
at a time, some 70,000 quads at this weight in the generated corpora, so that a worker's memory
stays bounded however large the corpus. A corpus weighing more than ``CHUNK_WEIGHT *
CHUNKS_PER_WORKER`` a worker is cut into more chunks than :data:`CHUNKS_PER_WORKER` a worker
(10M triples, two workers: about 150 chunks, not 16 of 750,000 quads each)."""

_TEXT_PER_WEIGHT = 128
"""Bytes of a document's text that weigh as much as a record: a document's quads (its mentions
and their annotations) grow with its text."""


class Unshardable(Exception):
    """This corpus's split build could differ from the single-process one; build in one process."""


@dataclass
class Written:
    """What a write of the dumps counted (what :class:`~exilekg.pipeline.BuildResult` reports)."""

    quads: int = 0
    triples: int = 0
    subjects: int = 0
    graphs: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)
    digests: dict[RdfFormat, OutputDigest] = field(default_factory=dict)
    """The digests of the dumps written here (not those pyoxigraph's workers wrote)."""
    workers: int = 0
    units: dict[str, UnitState] | None = None
    """When the write recorded them (``record``): each unit's state, in the corpus's order, its
    places in Turtle and TriG not yet found."""
    jsonld: dict[str, Span] = field(default_factory=dict)
    """When the write recorded its units: where each graph's nodes lie in the JSON-LD dump."""
    numbers: Numbers = field(default_factory=Numbers)
    """When the write recorded its units: how their nodes' graphs are numbered."""


def worker_count(requested: int) -> int:
    """How many mapping processes a build asked for ``requested`` uses: that many, one per core for
    0, and 1 (the build's own process, no worker) where processes cannot be forked."""
    if not can_fork():
        return 1
    return available_cores() if requested == 0 else max(1, requested)


def _weight_of_document(corpus: Corpus, document: Any) -> int:
    name = document.data.get("text")
    if corpus.texts_dir is None or not isinstance(name, str):
        return 1
    try:
        return 1 + (corpus.texts_dir / name).stat().st_size // _TEXT_PER_WEIGHT
    except OSError:
        return 1


def _chunks(corpus: Corpus, units: list[Unit], count: int, largest: int) -> list[tuple[int, int]]:
    """``units`` cut into runs of consecutive units of about equal weight: ``count`` of them, or more
    where ``count`` runs would each weigh more than ``largest``. A run ends at the unit that brings
    it to its share, so it weighs less than its share and the heaviest unit together."""
    weights = [
        _weight_of_document(corpus, u.record) if u.key.startswith("document ") and u.record else 1
        for u in units
    ]
    total = sum(weights)
    share = max(1, min(-(-total // max(1, count)), largest))
    chunks: list[tuple[int, int]] = []
    start = carried = 0
    for index, weight in enumerate(weights):
        carried += weight
        if carried >= share:
            chunks.append((start, index + 1))
            start, carried = index + 1, 0
    if start < len(units):
        chunks.append((start, len(units)))
    return chunks


@dataclass
class _Chunk:
    """One chunk, as a worker sends it: where its text is, and its counts."""

    index: int
    files: dict[RdfFormat, Path]
    """The files holding the chunk's N-Triples and N-Quads text and JSON-LD nodes, by format."""
    runs: list[tuple[str, list[str], list[int]]]
    """The JSON-LD nodes of each graph the chunk makes, in the order of their file: the graph, its
    nodes' subjects (sorted) and their lengths. A run's nodes are in the file as
    :func:`~exilekg.incremental.jsonld.write_jsonld` lays a graph's nodes out, one after the other
    with their separator, so that a stretch of them is one text to lay out."""
    quads: int
    triples: int
    subjects: int
    graphs: dict[str, int]
    classes: dict[str, int]
    first: str | None
    last: str | None
    units: list[tuple[str, UnitState, list[int]]] | None = None
    """When the build records its units: each unit's key and state (its text's offsets counted in
    the chunk's files), and its JSON-LD nodes in their order, two numbers a node: the index of its
    graph's run in :attr:`runs` and its place in that run."""


@dataclass(frozen=True)
class _Job:
    corpus: Corpus
    mapper: Mapper
    mentions: DocumentMentions
    chunks: list[tuple[int, int]]
    formats: frozenset[RdfFormat]
    """What each chunk gives: N-Triples, N-Quads, JSON-LD."""
    context: str | None
    folder: Path
    parent: int
    report: ValidationReport | None = None
    record: str | None = None
    """To record each unit's state (see :func:`write_sharded`): the digest of the table of entity
    names the documents' mentions are found with."""


def _work(job: _Job, claim: Any, conn: Connection) -> None:
    """A worker: map the chunks it claims, in increasing order, and send where each one's text is;
    then what its vocabulary check left open. Any failure is sent as such: the build then starts
    again in one process, which reports it as a build does."""
    try:
        die_with_parent(job.parent)
        # A unit recorded has its document's mentions found once, for its digest and its quads.
        current = OneDocument()
        mapper = job.mapper.again(job.mentions if job.record is None else current)
        units = mapper.units()
        checker = Checker()
        output_check = _OutputCheck()
        base = str(job.corpus.meta["base"])
        position = 0
        while True:
            with claim.get_lock():
                index = claim.value
                claim.value += 1
            if index >= len(job.chunks):
                break
            start, stop = job.chunks[index]
            for unit in _take(units, start - position):
                mapper.skip(unit)
            position = stop
            if job.record is not None:
                taken = list(_take(units, stop - start))
                conn.send(_recorded_chunk(index, taken, mapper, current, checker, job, output_check, base))
                continue
            quads: list[Quad] = []
            for unit in _take(units, stop - start):
                quads.extend(checker.watch(unit.quads()))
            conn.send(_chunk(index, quads, job, output_check, base))
        conn.send(("done", checker.open_checks()))
    except BaseException as exc:  # reported to the build, which builds again without workers
        with suppress(OSError):
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _take(units: Iterator[Unit], count: int) -> Iterator[Unit]:
    for _ in range(count):
        yield next(units)


_GRAPH = itemgetter(3)
_FIRST = itemgetter(0)


def _chunk_file(job: _Job, fmt: RdfFormat, index: int) -> tuple[IO[bytes], Path]:
    # Named as a spool of the output, with this worker's process id: a build's clean-up
    # (exilekg.atomic.remove_leftovers) deletes what a killed worker leaves.
    fd, path = temporary_file(job.folder, f"exilekg.{fmt.extension}.chunk{index}")
    return os.fdopen(fd, "wb", buffering=1 << 20), path


def _chunk(index: int, quads: list[Quad], job: _Job, output_check: _OutputCheck, base: str) -> _Chunk:
    files: dict[RdfFormat, Path] = {}
    with ExitStack() as stack:
        streams: dict[RdfFormat, IO[str]] = {}
        for fmt in (RdfFormat.NTRIPLES, RdfFormat.NQUADS):
            if fmt in job.formats:
                binary, files[fmt] = _chunk_file(job, fmt, index)
                streams[fmt] = stack.enter_context(io.TextIOWrapper(binary, encoding="utf-8", newline="\n"))
        nt = [streams[RdfFormat.NTRIPLES]] if RdfFormat.NTRIPLES in streams else []
        nq = [streams[RdfFormat.NQUADS]] if RdfFormat.NQUADS in streams else []
        lines, runs = LineWriter(nt, nq), TripleRuns()
        for at in range(0, len(quads), BATCH):
            batch = quads[at : at + BATCH]
            lines.write_many(batch, runs.repeats(batch))
        graphs: list[tuple[str, list[str], list[int]]] = []
        if RdfFormat.JSONLD in job.formats:
            by_graph: dict[str, list[tuple[str, bytes]]] = {}
            for g, s, text in node_texts(quads, output_check, job.context):
                by_graph.setdefault(g, []).append((s, text))
            out, files[RdfFormat.JSONLD] = _chunk_file(job, RdfFormat.JSONLD, index)
            with out:
                graphs = _write_runs(out, by_graph)
    rdf_type = RDF.type
    return _Chunk(
        index,
        files,
        graphs,
        lines.count,
        lines.triples,
        count_subjects(quads, base),
        {str(g): n for g, n in Counter(map(_GRAPH, quads)).items()},
        {str(c): n for c, n in Counter([q[2] for q in quads if q[1] == rdf_type]).items()},
        str(quads[0][0]) if quads else None,
        str(quads[-1][0]) if quads else None,
    )


def _write_runs(
    out: IO[bytes],
    by_graph: dict[str, list[tuple[str, bytes]]],
    places: dict[tuple[str, str], tuple[int, int]] | None = None,
) -> list[tuple[str, list[str], list[int]]]:
    """A chunk's node objects (subject and text, by graph) written to ``out`` as :attr:`_Chunk.runs`
    describes them; with ``places``, each node's run and place in it noted there by graph and
    subject. A subject twice in a graph would be one node object of a single-process build."""
    graphs: list[tuple[str, list[str], list[int]]] = []
    for g, made in by_graph.items():
        made.sort(key=_FIRST)
        subjects = [s for s, _ in made]
        if places is not None:
            run = len(graphs)
            for at, s in enumerate(subjects):
                if places.setdefault((g, s), (run, at)) != (run, at):
                    raise Unshardable(f"<{s}> in graph <{g}> is made by two units")
        out.write(NODE_SEPARATOR.join([text for _, text in made]))
        graphs.append((g, subjects, [len(text) for _, text in made]))
    return graphs


def _recorded_chunk(
    index: int,
    units: list[Unit],
    mapper: Mapper,
    current: OneDocument,
    checker: Checker,
    job: _Job,
    output_check: _OutputCheck,
    base: str,
) -> _Chunk:
    """A chunk mapped a unit at a time, each unit's state recorded as a single-process incremental
    build records it (:func:`~exilekg.incremental.splice.write_spliced`): its digest, its text's
    place in the chunk's N-Triples and N-Quads, its counts, and its JSON-LD nodes."""
    mapping = UnitMapping(current, checker)
    files: dict[RdfFormat, Path] = {}
    sizes = [0, 0]
    made: list[tuple[str, UnitState, list[tuple[str, str]]]] = []
    by_graph: dict[str, list[tuple[str, bytes]]] = {}
    with_jsonld = RdfFormat.JSONLD in job.formats
    first: str | None = None
    with ExitStack() as stack:
        nt, files[RdfFormat.NTRIPLES] = _chunk_file(job, RdfFormat.NTRIPLES, index)
        nq, files[RdfFormat.NQUADS] = _chunk_file(job, RdfFormat.NQUADS, index)
        stack.enter_context(nt)
        stack.enter_context(nq)
        for unit in units:
            finding, found, digest, mentions = _unit_digest(unit, mapper, job)
            # A run across two units is reported as a failure: one process then says why.
            quads, nt_lines, nq_lines, repeats = mapping.map(unit, mentions)
            if quads and first is None:
                first = str(quads[0][0])
            nt_text, nq_text = nt_lines.encode("utf-8"), nq_lines.encode("utf-8")
            state = mapped_state(
                digest, (sizes[0], len(nt_text)), (sizes[1], len(nq_text)), quads, repeats, base
            )
            state.finding, state.found = finding, found
            nt.write(nt_text)
            nq.write(nq_text)
            sizes[0] += len(nt_text)
            sizes[1] += len(nq_text)
            nodes = _unit_nodes(quads, by_graph, output_check, job.context) if with_jsonld else []
            made.append((unit.key, state, nodes))
    graphs: list[tuple[str, list[str], list[int]]] = []
    places: dict[tuple[str, str], tuple[int, int]] = {}
    if with_jsonld:
        out, files[RdfFormat.JSONLD] = _chunk_file(job, RdfFormat.JSONLD, index)
        with out:
            graphs = _write_runs(out, by_graph, places)
    recorded = [(key, state, [n for node in nodes for n in places[node]]) for key, state, nodes in made]
    last = mapping.last
    return _summed(index, files, graphs, recorded, first, None if last is None else str(last))


def _unit_digest(unit: Unit, mapper: Mapper, job: _Job) -> tuple[str, str, str, MentionList | None]:
    """What a unit's state records of its inputs, as a single-process incremental build records
    them: its document's finding and the digest of its mentions (empty for other units), its digest,
    and the mentions found (for mapping it)."""
    assert job.report is not None and job.record is not None
    finding = finding_of(job.corpus, unit, job.mentions, job.record)
    mentions = job.mentions[str(unit.id)] if finding else None
    found = mentions_digest(mentions, mapper.kinds) if mentions is not None else ""
    return finding, found, unit_digest(unit, mapper, job.report, found or None), mentions


def _unit_nodes(
    quads: list[Quad],
    by_graph: dict[str, list[tuple[str, bytes]]],
    output_check: _OutputCheck,
    context: str | None,
) -> list[tuple[str, str]]:
    """The graph and subject of each JSON-LD node a unit's quads make, in their order; the nodes
    (subject and text) added to their graphs' in ``by_graph``."""
    nodes: list[tuple[str, str]] = []
    for g, s, text in node_texts(quads, output_check, context):
        by_graph.setdefault(g, []).append((s, text))
        nodes.append((g, s))
    return nodes


def _summed(
    index: int,
    files: dict[RdfFormat, Path],
    graphs: list[tuple[str, list[str], list[int]]],
    recorded: list[tuple[str, UnitState, list[int]]],
    first: str | None,
    last: str | None,
) -> _Chunk:
    """A recorded chunk, counted from its units' states."""
    states = [state for _, state, _ in recorded]
    counted_graphs: Counter[str] = Counter()
    counted_classes: Counter[str] = Counter()
    for state in states:
        counted_graphs.update(state.graphs)
        counted_classes.update(state.classes)
    return _Chunk(
        index,
        files,
        graphs,
        sum(state.quads for state in states),
        sum(state.triples for state in states),
        sum(state.subjects for state in states),
        dict(counted_graphs),
        dict(counted_classes),
        first,
        last,
        recorded,
    )


def _append(source: Path, target: int) -> int:
    """The whole of the file ``source`` appended to the file open as ``target``: in the kernel where
    it can (Linux), else read and written a megabyte at a time; its size."""
    with source.open("rb") as src:
        size = os.fstat(src.fileno()).st_size
        done = copy_in_kernel(src.fileno(), 0, size, target)
        while done < size:
            chunk = os.pread(src.fileno(), min(size - done, 1 << 20), done)
            if not chunk:
                raise OSError(f"{source} ended before its end")
            write_all(target, chunk)
            done += len(chunk)
    return size


class _Writer:
    """The build's side: each chunk's text into the outputs, in order, as the chunks come."""

    def __init__(self, sinks: dict[RdfFormat, int]) -> None:
        self.sinks = sinks
        self.counts = Written()
        self.runs: dict[str, list[_Run]] = {}
        self.offset = 0
        self.last: str | None = None
        self.sizes: dict[RdfFormat, int] = {}
        self.recorded: list[tuple[list[tuple[str, UnitState, list[int]]], list[_Run]]] = []
        """The recorded units of each chunk, with the chunk's runs their nodes are placed in."""

    def write(self, chunk: _Chunk) -> None:
        if chunk.first is not None:
            if chunk.first == self.last:
                raise Unshardable(f"the run of <{chunk.first}> spans two chunks")
            self.last = chunk.last
        before = dict(self.sizes)
        for fmt, path in chunk.files.items():
            self.sizes[fmt] = self.sizes.get(fmt, 0) + _append(path, self.sinks[fmt])
            path.unlink()
        offset = self.offset
        runs = []
        for g, subjects, lengths in chunk.runs:
            run = _Run(subjects, lengths, offset, g)
            self.runs.setdefault(g, []).append(run)
            runs.append(run)
            offset += sum(lengths) + len(NODE_SEPARATOR) * (len(lengths) - 1)
        self.offset = offset
        if chunk.units is not None:
            # A unit's text was placed in its chunk's files: in the dumps, after the chunks before.
            nt, nq = before.get(RdfFormat.NTRIPLES, 0), before.get(RdfFormat.NQUADS, 0)
            for _, state, _ in chunk.units:
                state.nt = (state.nt[0] + nt, state.nt[1])
                state.nq = (state.nq[0] + nq, state.nq[1])
            self.recorded.append((chunk.units, runs))
        counts = self.counts
        counts.quads += chunk.quads
        counts.triples += chunk.triples
        counts.subjects += chunk.subjects
        counts.graphs.update(chunk.graphs)
        counts.classes.update(chunk.classes)

    def write_jsonld(self, stream: IO[str], nodes_file: int, context: str | None, reporter: Progress) -> None:
        pieces: list[_Piece] | None = [] if self.recorded else None
        nodes = {g: _layout(g, runs, pieces) for g, runs in self.runs.items()}
        reporter.stage("write JSON-LD", sum(len(r.subjects) for v in self.runs.values() for r in v), "nodes")
        with ExitStack() as stack:
            fresh: mmap.mmap | bytes = b""
            if self.offset:
                fresh = stack.enter_context(mmap.mmap(nodes_file, 0, access=mmap.ACCESS_READ))
            laid_out = write_jsonld(stream, nodes, fresh, None, context)
            self.counts.digests[RdfFormat.JSONLD] = laid_out.digest
        self.counts.jsonld = laid_out.spans
        for run, first, count, offsets, slot in pieces or []:
            # A piece is its run's nodes from ``first`` on, one after the other with their separator.
            place = slot[1] - offsets[first]
            run.places[first : first + count] = [place + at for at in offsets[first : first + count]]

    def recorded_units(self) -> None:
        """The recorded units' states, once the JSON-LD is laid out, in :attr:`Written.units`: each
        node as its graph's number, its place in its graph and its length, graphs numbered in the
        order a single-process build meets them."""
        units: dict[str, UnitState] = {}
        graph_ids = self.counts.numbers.graphs
        for recorded, runs in self.recorded:
            for key, state, refs in recorded:
                if key in units:
                    raise Unshardable(f"two units are keyed {key!r}")
                flat: list[int] = []
                for i in range(0, len(refs), 2):
                    run, at = runs[refs[i]], refs[i + 1]
                    flat += (graph_ids.id(run.graph), run.places[at], run.lengths[at])
                state.nodes = flat
                units[key] = state
        self.counts.units = units


@dataclass(frozen=True)
class _Run:
    """A graph's nodes made in one chunk, sorted, where they lie in the file of the chunks' nodes."""

    subjects: list[str]
    lengths: list[int]
    offset: int
    graph: str = ""
    places: list[int] = field(default_factory=list)
    """When the build records its units: each node's offset from its graph's first, once laid out."""


_Piece = tuple[_Run, int, int, list[int], list[int]]
"""A piece of a run laid out, as a build that records its units follows it: the run, the index of
the piece's first node, how many nodes it holds, the run's nodes' offsets in the file of nodes,
and the entry the layout notes the piece's place in."""


def _layout(graph: str, runs: list[_Run], pieces: list[_Piece] | None = None) -> list[Layout]:
    """What :func:`~exilekg.incremental.jsonld.write_jsonld` lays ``graph`` out from: its chunks' runs
    merged by subject, as pieces of runs whose nodes follow each other in the graph's order (a run's
    nodes lie in its file one after the other, laid out with their separator, so a piece is one
    text); :class:`Unshardable` when a subject is in two chunks (its node would be one object).
    With ``pieces``, each piece is noted there, for its nodes' places once laid out."""
    starts = [list(accumulate(run.lengths[:-1], _after, initial=run.offset)) for run in runs]
    heads = [(run.subjects[0], at, 0) for at, run in enumerate(runs)]
    heapify(heads)
    laid: list[Layout] = []
    if pieces is not None:
        for run in runs:
            run.places[:] = [-1] * len(run.subjects)
    while heads:
        subject, at, first = heappop(heads)
        run = runs[at]
        if heads and heads[0][0] == subject:
            raise Unshardable(f"<{subject}> in graph <{graph}> is made in two chunks")
        # The run's nodes up to the next run's head: a graph of one unit is one piece, the records
        # of a kind mapped in another order than their IRIs' (most corpora) a piece per node or so.
        end = bisect_left(run.subjects, heads[0][0], first + 1) if heads else len(run.subjects)
        last = end - 1
        place: Place | None = None
        if pieces is not None:
            slot = [0, -1, -1]
            place = (slot, 0)
            pieces.append((run, first, end - first, starts[at], slot))
        laid.append(
            (
                subject,
                True,
                starts[at][first],
                starts[at][last] + run.lengths[last] - starts[at][first],
                place,
            )
        )
        if end < len(run.subjects):
            heappush(heads, (run.subjects[end], at, end))
    return laid


def _after(offset: int, length: int) -> int:
    return offset + length + len(NODE_SEPARATOR)


@dataclass(frozen=True)
class Prepared:
    """What the workers of a split build share, made before they are forked (each maps with its own
    copy of what a pass uses up): what :func:`prepare` makes."""

    mapper: Mapper
    """The corpus's lookups, without the anchors of its evidence, which validation finds."""
    units: list[Unit]
    mentions: DocumentMentions
    """With the table of entity names made (some 280 MB at 10M triples)."""


def prepare(corpus: Corpus) -> Prepared:
    """What a split build of ``corpus`` needs besides its validation, which it does not depend on:
    a build can make it while the corpus is validated (:func:`~exilekg.processes.beside`). Raises
    whatever a corpus that fails validation makes it raise."""
    mapper = Mapper(corpus, {}, {})
    units: list[Unit] = []
    counting = mapper.again()
    for unit in counting.units():
        counting.skip(unit)
        units.append(unit)
    mentions = find_mentions(corpus)
    mentions.prepare()
    return Prepared(mapper, units, mentions)


def write_sharded(
    corpus: Corpus,
    report: ValidationReport,
    outputs: dict[RdfFormat, tuple[IO[str], Path]],
    conversions: dict[RdfFormat, Conversion],
    workers: int,
    jsonld_context: str | None,
    reporter: Progress,
    folder: Path,
    prepared: Prepared | None = None,
    record: str | None = None,
) -> Written:
    """Map ``corpus`` in ``workers`` processes into ``outputs`` (N-Triples, N-Quads and JSON-LD: each
    a stream and the file it writes) and ``conversions`` (Turtle, TriG), as a single-process build
    writes them; raises :class:`Unshardable` when that cannot be promised (the outputs are then half
    written). Temporary files go in ``folder``. The caller finishes the conversions. ``prepared``:
    what :func:`prepare` made of ``corpus`` (made here when not given).

    With ``record`` (the digest of the table of entity names, see
    :func:`~exilekg.incremental.splice.names_digest`), the workers map a unit at a time and the
    write records each unit's state in :attr:`Written.units` as a single-process incremental build
    does, and raises :class:`Unshardable` where that build would find the corpus unspliceable
    (which it then says); ``outputs`` must include N-Triples and N-Quads."""
    if record is not None and not {RdfFormat.NTRIPLES, RdfFormat.NQUADS} <= outputs.keys():
        raise ValueError("a write that records its units writes N-Triples and N-Quads")
    ready = prepared or prepare(corpus)
    mapper = ready.mapper.again(anchors=report.anchors)
    chunks = _chunks(corpus, ready.units, workers * CHUNKS_PER_WORKER, CHUNK_WEIGHT)
    sources = {RdfFormat.TURTLE: RdfFormat.NTRIPLES, RdfFormat.TRIG: RdfFormat.NQUADS}
    formats = frozenset(outputs) | {sources[fmt] for fmt in conversions}
    job = _Job(
        corpus, mapper, ready.mentions, chunks, formats, jsonld_context, folder, os.getpid(), report, record
    )
    context = multiprocessing.get_context("fork")
    claim = context.Value("i", 0)
    processes: list[Any] = []  # the fork context's processes
    conns: list[Connection] = []
    with ExitStack() as stack:
        sinks, paths = _sinks(formats, outputs, folder, stack)
        for fmt, conversion in conversions.items():
            conversion.follow(paths[sources[fmt]])
        for stream, _ in outputs.values():
            stream.flush()  # a forked worker must not hold unwritten text of the outputs
        try:
            for _ in range(min(workers, len(chunks))):
                ours, theirs = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(job, claim, theirs), daemon=True)
                process.start()
                theirs.close()
                processes.append(process)
                conns.append(ours)
            reporter.stage("map and write", unit="triples")
            writer = _Writer(sinks)
            _receive(conns, writer, len(chunks), reporter)
            counts = _finish(writer, outputs, sinks, paths, conversions, jsonld_context, reporter)
            counts.workers = len(processes)
            if record is not None:
                writer.recorded_units()
            return counts
        finally:
            for conn in conns:
                conn.close()
            for process in processes:
                if process.is_alive():
                    process.kill()
                process.join()
            # The chunks' files that a failed build did not take (their workers have ended).
            remove_leftovers(folder, [f"exilekg.{fmt.extension}" for fmt in formats])


def _finish(
    writer: _Writer,
    outputs: dict[RdfFormat, tuple[IO[str], Path]],
    sinks: dict[RdfFormat, int],
    paths: dict[RdfFormat, Path],
    conversions: dict[RdfFormat, Conversion],
    context: str | None,
    reporter: Progress,
) -> Written:
    """Once every chunk is in: JSON-LD laid out, Turtle and TriG waited for (before the spools they
    may read are removed), and the digests of the dumps written here."""
    counts = writer.counts
    with ThreadPoolExecutor(1) as digester:
        # N-Triples and N-Quads are whole: digested and synced by a thread (both let go of the
        # interpreter) while JSON-LD is laid out and Turtle and TriG are written.
        lines = [fmt for fmt in (RdfFormat.NTRIPLES, RdfFormat.NQUADS) if fmt in outputs]
        digests = {fmt: digester.submit(digest_and_sync, paths[fmt], sinks[fmt]) for fmt in lines}
        if RdfFormat.JSONLD in outputs:
            writer.write_jsonld(outputs[RdfFormat.JSONLD][0], sinks[RdfFormat.JSONLD], context, reporter)
        for fmt, conversion in conversions.items():  # Turtle holds the distinct triples, TriG every quad
            conversion.finish(reporter, counts.quads if fmt.supports_datasets else counts.triples)
        counts.digests.update({fmt: future.result() for fmt, future in digests.items()})
    return counts


def _sinks(
    formats: frozenset[RdfFormat],
    outputs: dict[RdfFormat, tuple[IO[str], Path]],
    folder: Path,
    stack: ExitStack,
) -> tuple[dict[RdfFormat, int], dict[RdfFormat, Path]]:
    """Where the chunks' text goes, by format, as descriptors and paths: the outputs' files, or
    spools (removed with ``stack``) for Turtle or TriG alone and for the JSON-LD nodes, laid out
    once all are in."""
    sinks: dict[RdfFormat, int] = {}
    paths: dict[RdfFormat, Path] = {}
    for fmt in formats:
        if fmt in outputs and fmt is not RdfFormat.JSONLD:
            stream, paths[fmt] = outputs[fmt]
            stream.flush()
            sinks[fmt] = stream.fileno()
        else:
            fd, paths[fmt] = temporary_file(folder, f"exilekg.{fmt.extension}.chunks")
            stack.callback(paths[fmt].unlink, missing_ok=True)
            stack.callback(os.close, fd)
            sinks[fmt] = fd
    return sinks, paths


def _receive(conns: list[Connection], writer: _Writer, chunks: int, reporter: Progress) -> None:
    """Every chunk written in order as the workers send them, and their vocabulary checks judged."""
    waiting: dict[int, _Chunk] = {}
    following = 0
    checks: list[OpenChecks] = []
    live = list(conns)
    while live:
        for conn in wait(live):
            assert isinstance(conn, Connection)
            try:
                message = conn.recv()
            except EOFError:
                raise Unshardable("a worker process ended before its chunks were sent") from None
            if isinstance(message, _Chunk):
                waiting[message.index] = message
                while following in waiting:
                    chunk = waiting.pop(following)
                    writer.write(chunk)
                    reporter.advance(chunk.quads)
                    following += 1
                continue
            kind, detail = message
            if kind == "failed":
                raise Unshardable(f"a worker failed: {detail}")
            checks.append(detail)
            live.remove(conn)
    if following != chunks:
        raise Unshardable("a chunk was not sent")
    if Checker.judge(checks):
        raise Unshardable("the graph breaks its vocabularies")  # reported by the build in one process
