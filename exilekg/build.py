"""The whole pipeline in one call: load, validate, map, write every output atomically."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import rdflib

from exilekg.describe import describe_dataset
from exilekg.formats import RdfFormat
from exilekg.load import Corpus, load_corpus
from exilekg.map import map_corpus
from exilekg.mentions import find_mentions
from exilekg.model import ENTITY_KINDS, FACT_KINDS
from exilekg.serialize import atomic_path, to_dataset, writer_for
from exilekg.terms import RDF, Quad
from exilekg.validate import ValidationReport, validate

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
    """What a build wrote and counted."""

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

    def summary(self) -> str:
        return (
            f"{self.entities} entities, {self.facts} facts, {self.documents} documents, "
            f"{self.triples} triples in {self.seconds:.2f} s"
        )


class _Counter:
    """Counts quads per graph and subjects per class while they stream past."""

    def __init__(self) -> None:
        self.triples = 0
        self.graphs: Counter[str] = Counter()
        self.classes: Counter[str] = Counter()

    def count(self, quads: Iterable[Quad]) -> Iterator[Quad]:
        for quad in quads:
            self.triples += 1
            self.graphs[quad[3]] += 1
            if quad[1] == RDF.type:
                self.classes[str(quad[2])] += 1
            yield quad


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
    return to_dataset(map_corpus(corpus, report.anchors, find_mentions(corpus)))


def build(
    corpus_dir: Path | str,
    out_dir: Path | str,
    *,
    texts_dir: Path | str | None = None,
    formats: Iterable[RdfFormat] = ALL_FORMATS,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Load, validate and map the corpus, and write the dumps and ``void.ttl`` into ``out_dir``.

    Raises :class:`~exilekg.errors.ValidationError` (with every problem) before
    writing anything when the corpus is invalid. Each output replaces its earlier
    version only once it is completely written.
    """
    started = time.perf_counter()
    say = progress or (lambda _stage: None)
    say("load")
    corpus = load_corpus(corpus_dir, texts_dir=texts_dir)
    say("validate")
    report = validate(corpus)
    report.raise_for_problems()
    out = Path(out_dir)
    _remove_leftovers(out)
    formats = tuple(dict.fromkeys(formats))
    counter = _Counter()
    outputs: dict[RdfFormat, Path] = {}
    say("mentions")
    mentions = find_mentions(corpus)
    say("map and write")
    with ExitStack() as stack:
        writers = []
        for fmt in formats:
            path = out / output_name(fmt)
            stream = stack.enter_context(atomic_path(path))
            writers.append(writer_for(fmt, stream))
            outputs[fmt] = path
        for quad in counter.count(map_corpus(corpus, report.anchors, mentions)):
            for writer in writers:
                writer.write(quad)
        for writer in writers:
            writer.close()
    entities, facts = _count_kinds(corpus)
    result = BuildResult(
        out_dir=out,
        outputs=outputs,
        report=report,
        entities=entities,
        facts=facts,
        documents=len(corpus.documents),
        triples=counter.triples,
        seconds=0.0,
        classes=counter.classes,
        graphs=counter.graphs,
    )
    say("describe")
    describe_dataset(corpus, result)
    result.seconds = time.perf_counter() - started
    return result
