"""The whole pipeline in one call: read, validate, map, write every output atomically."""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from operator import itemgetter, ne
from pathlib import Path

import rdflib

from exilekg.atomic import atomic_files
from exilekg.check import checked
from exilekg.corpus import Corpus, ReadPolicy, read_corpus
from exilekg.describe import describe_dataset
from exilekg.errors import OutputError
from exilekg.formats import RdfFormat
from exilekg.kinds import ENTITY_KINDS, FACT_KINDS
from exilekg.map import map_corpus
from exilekg.progress import Progress, StageCallback, as_progress
from exilekg.terms import RDF, Quad
from exilekg.validation import ValidationReport, validate
from exilekg.writers import BATCH, QuadSink, WriterEngine, to_dataset

__all__ = ["ALL_FORMATS", "BuildResult", "build", "build_dataset", "output_name"]

ALL_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.NTRIPLES,
    RdfFormat.NQUADS,
    RdfFormat.TRIG,
    RdfFormat.JSONLD,
)


def output_name(fmt: RdfFormat) -> str:
    return f"exilekg.{fmt.extension}"


@dataclass
class BuildResult:
    """What a build wrote and counted.

    ``quads`` counts the statements of the named graphs (what N-Quads, TriG and JSON-LD hold);
    ``triples`` the distinct triples (what N-Triples and Turtle hold): fewer when a triple is
    stated in two graphs. ``graphs`` gives each graph's triples, ``classes`` each class's subjects.
    """

    out_dir: Path
    outputs: dict[RdfFormat, Path]
    report: ValidationReport
    entities: int
    facts: int
    documents: int
    triples: int
    seconds: float
    classes: Counter[str] = field(default_factory=Counter)
    graphs: Counter[str] = field(default_factory=Counter)
    quads: int = 0
    subjects: int = 0
    """Distinct subjects with an IRI under the corpus's base: VoID's entities of the dataset."""

    def summary(self) -> str:
        return (
            f"{self.entities} entities, {self.facts} facts, {self.documents} documents, "
            f"{self.quads} quads, {self.triples} distinct triples in {self.seconds:.2f} s"
        )


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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration of a build.

    A build creates millions of small objects and frees them by reference counting;
    it makes no garbage cycles worth collecting, yet each generation-2 collection
    walks every live object (the whole corpus and grouping): a third of a large
    build's time went there. The collector's earlier state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _remove_leftovers(out: Path) -> None:
    """Delete temporary files a killed build left behind (``.exilekg.nq.<random>.tmp``)."""
    if not out.is_dir():
        return
    names = [output_name(fmt) for fmt in ALL_FORMATS] + ["void.ttl"]
    for name in names:
        for leftover in out.glob(f".{name}.*.tmp"):
            leftover.unlink(missing_ok=True)


def _count_kinds(corpus: Corpus) -> tuple[int, int]:
    ids_by_kind: dict[str, set[str]] = {}
    for record in corpus.records:
        if record.id is not None:
            ids_by_kind.setdefault(record.kind, set()).add(record.id)
    entities = sum(len(v) for k, v in ids_by_kind.items() if k in ENTITY_KINDS)
    facts = sum(len(v) for k, v in ids_by_kind.items() if k in FACT_KINDS)
    return entities, facts


def build_dataset(corpus: Corpus, report: ValidationReport | None = None) -> rdflib.Dataset:
    """The corpus as an rdflib Dataset (validating it first unless a report is given)."""
    report = report or validate(corpus)
    report.raise_for_problems()
    return to_dataset(map_corpus(corpus, report))


def build(
    corpus_dir: Path | str,
    out_dir: Path | str,
    *,
    texts_dir: Path | str | None = None,
    formats: Iterable[RdfFormat] = ALL_FORMATS,
    progress: Progress | StageCallback | None = None,
    engine: WriterEngine = WriterEngine.FAST,
    jsonld_context: str | None = None,
    policy: ReadPolicy | None = None,
) -> BuildResult:
    """Read, validate and map the corpus, and write the dumps and ``void.ttl`` into ``out_dir``.

    Raises :class:`~exilekg.errors.ValidationError` (with every problem) before
    writing anything when the corpus is invalid, and :class:`~exilekg.errors.OutputError`
    when an output cannot be written. Each output replaces its earlier version only once
    it is completely written. ``progress`` is told of each stage, either as a
    :class:`~exilekg.progress.Progress` or as a callback of stage names.
    ``engine=WriterEngine.RDFLIB`` writes every format with rdflib's serializers (the
    reference the default engine is tested against; a hundred times slower).
    ``jsonld_context`` names a hosted JSON-LD context by URL in ``exilekg.jsonld`` instead
    of carrying the context inline. ``policy`` bounds what reading the corpus may do
    (:class:`~exilekg.corpus.ReadPolicy`: file size, JSON nesting, links out of the corpus).
    """
    reporter = as_progress(progress)
    try:
        with _collector_paused():
            return _build(corpus_dir, out_dir, texts_dir, formats, reporter, engine, jsonld_context, policy)
    finally:
        reporter.finish()


def _build(
    corpus_dir: Path | str,
    out_dir: Path | str,
    texts_dir: Path | str | None,
    formats: Iterable[RdfFormat],
    reporter: Progress,
    engine: WriterEngine,
    jsonld_context: str | None,
    policy: ReadPolicy | None = None,
) -> BuildResult:
    started = time.perf_counter()
    reporter.stage("read")
    corpus = read_corpus(corpus_dir, texts_dir=texts_dir, policy=policy)
    reporter.stage("validate")
    report = validate(corpus)
    report.raise_for_problems()
    out = Path(out_dir)
    try:
        result = _write(corpus, report, out, tuple(dict.fromkeys(formats)), reporter, engine, jsonld_context)
    except OSError as exc:
        raise OutputError.from_os_error(exc) from exc
    result.seconds = time.perf_counter() - started
    return result


def _write(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    formats: tuple[RdfFormat, ...],
    reporter: Progress,
    engine: WriterEngine,
    jsonld_context: str | None,
) -> BuildResult:
    _remove_leftovers(out)
    counter = _Counter(str(corpus.meta["base"]))
    outputs: dict[RdfFormat, Path] = {}
    reporter.stage("mentions")
    # Found lazily, a document at a time as mapping reaches it.
    quads = map_corpus(corpus, report)
    reporter.stage("map and write", unit="triples")
    # Every output, void.ttl included, replaces its earlier version only once all are written.
    with atomic_files() as files:
        streams = {}
        for fmt in formats:
            path = out / output_name(fmt)
            streams[fmt] = files.open(path)
            outputs[fmt] = path
        # The graph is checked against schema.org and the exilekg vocabulary as it streams past;
        # a violation raises once the stream ends, inside this block, so no output is replaced.
        stream = checked(iter(quads))
        with QuadSink(streams, engine, spool_dir=out, jsonld_context=jsonld_context) as sink:
            while batch := list(islice(stream, BATCH)):
                counter.add(batch)
                sink.write_many(batch)
                reporter.advance(len(batch))
            sink.close(reporter)
        entities, facts = _count_kinds(corpus)
        result = BuildResult(
            out_dir=out,
            outputs=outputs,
            report=report,
            entities=entities,
            facts=facts,
            documents=len(corpus.documents),
            triples=sink.triples,
            seconds=0.0,
            classes=counter.classes,
            graphs=counter.graphs,
            quads=sink.quads,
            subjects=counter.subjects,
        )
        reporter.stage("describe")
        describe_dataset(corpus, result, files.open(out / "void.ttl"))
    return result
