"""A build's dumps written from the corpus's quad stream, in this process or in several.

:func:`write_outputs` maps the corpus and writes every dump :mod:`exilekg.pipeline` opened: in this
process through a :class:`~exilekg.writers.QuadSink`, or in worker processes
(:mod:`exilekg.sharded`), for the same bytes; it counts what the build reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import compress, islice, repeat
from operator import itemgetter, ne
from pathlib import Path
from typing import IO

from exilekg.check import checked
from exilekg.corpus import Corpus
from exilekg.formats import RdfFormat
from exilekg.incremental.splice import place_statements
from exilekg.manifest import OutputDigest, digest_and_sync
from exilekg.map import map_corpus
from exilekg.progress import Progress
from exilekg.sharded import Prepared, Written, write_sharded
from exilekg.terms import RDF, Quad
from exilekg.validation import ValidationReport
from exilekg.writers import BATCH, QuadSink, WriterEngine
from exilekg.writers.oxigraph import Conversion

__all__ = ["write_outputs"]


class _Counter:
    """Counts quads per graph, subjects per class and subjects, a batch of quads at a time.

    Mapping gives each subject's quads as one run, so counting runs counts distinct subjects
    without remembering them.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.graphs: Counter[str] = Counter()
        self.classes: Counter[str] = Counter()
        self.subjects = 0
        self.last: object = None

    def add(self, quads: Sequence[Quad]) -> None:
        # map, compress and Counter.update iterate in C: these passes see every quad.
        rdf_type = RDF.type
        self.graphs.update(map(_GRAPH, quads))
        self.classes.update([str(q[2]) for q in quads if q[1] == rdf_type])
        subjects = list(map(_SUBJECT, quads))
        starts = compress(subjects, map(ne, subjects, [self.last, *subjects[:-1]]))
        self.subjects += sum(map(str.startswith, starts, repeat(self.base)))
        self.last = subjects[-1]


_SUBJECT = itemgetter(0)
_GRAPH = itemgetter(3)


def _write_streams(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    outputs: dict[RdfFormat, tuple[IO[str], Path]],
    reporter: Progress,
    engine: WriterEngine,
    jsonld_context: str | None,
) -> Written:
    """The whole quad stream to every output, in this process; with the digests of the N-Triples
    and N-Quads dumps."""
    counter = _Counter(str(corpus.meta["base"]))
    # Found lazily, a document at a time as mapping reaches it.
    quads = map_corpus(corpus, report)
    reporter.stage("map and write", unit="triples")
    # The graph is checked against schema.org and the exilekg vocabulary as it streams past;
    # a violation raises once the stream ends, inside the caller's block, so no output is replaced.
    stream = checked(iter(quads))
    texts = {fmt: text for fmt, (text, _) in outputs.items()}
    sources = {fmt: path for fmt, (_, path) in outputs.items()}
    with (
        QuadSink(texts, engine, spool_dir=out, jsonld_context=jsonld_context, sources=sources) as sink,
        ThreadPoolExecutor(1) as digester,
    ):
        while batch := list(islice(stream, BATCH)):
            counter.add(batch)
            sink.write_many(batch)
            reporter.advance(len(batch))
        # N-Triples and N-Quads are whole once the stream ends: a thread digests and syncs them
        # (hashlib and fsync let go of the interpreter) while this one writes JSON-LD and the
        # workers Turtle and TriG, so that the commit finds them on disk.
        digests: dict[RdfFormat, Future[OutputDigest]] = {}
        for fmt in (RdfFormat.NTRIPLES, RdfFormat.NQUADS):
            if fmt in outputs and engine is WriterEngine.FAST:
                outputs[fmt][0].flush()
                digests[fmt] = digester.submit(digest_and_sync, outputs[fmt][1], outputs[fmt][0].fileno())
        sink.close(reporter)
        known: dict[RdfFormat, OutputDigest] = {fmt: f.result() for fmt, f in digests.items()}
    return Written(
        quads=sink.quads,
        triples=sink.triples,
        subjects=counter.subjects,
        graphs=counter.graphs,
        classes=counter.classes,
        digests=known,
        workers=1,
    )


def write_outputs(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    outputs: dict[RdfFormat, tuple[IO[str], Path]],
    reporter: Progress,
    engine: WriterEngine = WriterEngine.FAST,
    jsonld_context: str | None = None,
    workers: int = 1,
    prepared: Prepared | None = None,
    record: str | None = None,
) -> Written:
    """Every output of a build that is not spliced (each a stream and the file it writes into
    ``out``), mapped in ``workers`` processes or in this one; what was counted, and the digests of
    the dumps known by then (the others are read back by the caller). ``prepared``: what
    :func:`~exilekg.sharded.prepare` made of ``corpus``, for ``workers`` processes.

    With ``record`` (the digest of the table of entity names:
    :func:`~exilekg.incremental.splice.names_digest`), a first incremental build's: each unit's
    state in :attr:`~exilekg.sharded.Written.units`, as
    :func:`~exilekg.incremental.splice.write_spliced` records it in one process, placed in Turtle
    and TriG too; ``workers`` must be more than one, and the outputs include N-Triples and N-Quads.

    Raises :class:`~exilekg.sharded.Unshardable` when a split could change the outputs, which are
    then half written."""
    if workers > 1:
        return _write_sharded(
            corpus, report, out, outputs, reporter, jsonld_context, workers, prepared, record
        )
    if record is not None:
        raise ValueError("a first incremental build in one process is written by write_spliced")
    return _write_streams(corpus, report, out, outputs, reporter, engine, jsonld_context)


def _write_sharded(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    outputs: dict[RdfFormat, tuple[IO[str], Path]],
    reporter: Progress,
    jsonld_context: str | None,
    workers: int,
    prepared: Prepared | None,
    record: str | None = None,
) -> Written:
    """Every output, mapped in ``workers`` processes; with ``record`` (see
    :func:`~exilekg.sharded.write_sharded`), each unit's state, placed in Turtle and TriG too."""
    conversions: dict[RdfFormat, Conversion] = {
        fmt: Conversion(outputs[fmt][0], fmt, out, find_statements=record is not None)
        for fmt in (RdfFormat.TURTLE, RdfFormat.TRIG)
        if fmt in outputs
    }
    lines = {fmt: output for fmt, output in outputs.items() if fmt not in conversions}
    try:
        written = write_sharded(
            corpus, report, lines, conversions, workers, jsonld_context, reporter, out, prepared, record
        )
    except BaseException:
        for conversion in conversions.values():
            conversion.abort()  # no worker outlives a failed build
        raise
    if written.units is not None:
        place_statements(conversions, written.units)
    return written
