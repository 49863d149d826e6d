"""What a corpus or a build holds: entities and facts per kind and per document, evidence
verified, mentions, and the names in the texts that no record covers yet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from exilekg.corpus import Corpus, ReadPolicy, read_corpus
from exilekg.kinds import ENTITY_KINDS, FACT_KINDS
from exilekg.map import map_corpus
from exilekg.mentions import find_mentions
from exilekg.suggest import LEFT_OUT_FILE, LeftOutName, load_left_out_names, suggest_corpus
from exilekg.validation import ValidationReport, validate
from exilekg.writers import BATCH
from exilekg.writers.lines import TripleRuns

__all__ = ["LEFT_OUT_FILE", "LeftOutName", "Stats", "corpus_stats", "load_left_out_names"]


@dataclass
class Stats:
    entities: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)
    facts_per_document: dict[str, Counter[str]] = field(default_factory=dict)
    mentions_per_document: dict[str, int] = field(default_factory=dict)
    ambiguous: dict[str, list[tuple[str, tuple[str, ...], int]]] = field(default_factory=dict)
    """Per document, each name several entities share and the text does not settle: the
    text's words, the candidate entities, and how often."""
    evidence_total: int = 0
    evidence_verified: int = 0
    texts_read: bool = False
    problems: int = 0
    unrecorded_names: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    left_out: list[LeftOutName] = field(default_factory=list)
    quads: int | None = None
    """The statements of the graph a build writes (None when the corpus has problems)."""
    triples: int | None = None
    """Its distinct triples: fewer than the quads when two named graphs state one triple."""

    @property
    def evidence_share(self) -> float:
        return self.evidence_verified / self.evidence_total if self.evidence_total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "entities": dict(sorted(self.entities.items())),
            "facts": dict(sorted(self.facts.items())),
            "factsPerDocument": {
                d: dict(sorted(c.items())) for d, c in sorted(self.facts_per_document.items())
            },
            "mentionsPerDocument": dict(sorted(self.mentions_per_document.items())),
            "ambiguousMentions": {
                d: [{"exact": e, "candidates": list(c), "occurrences": n} for e, c, n in items]
                for d, items in sorted(self.ambiguous.items())
            },
            "evidence": {"total": self.evidence_total, "verified": self.evidence_verified},
            "textsRead": self.texts_read,
            "problems": self.problems,
            "unrecordedNames": {
                d: [[n, c] for n, c in names] for d, names in sorted(self.unrecorded_names.items())
            },
            "leftOut": [vars(item) for item in self.left_out],
            "quads": self.quads,
            "triples": self.triples,
        }


def corpus_stats(
    corpus_dir: Path | str, *, texts_dir: Path | str | None = None, policy: ReadPolicy | None = None
) -> Stats:
    """Counts for a corpus folder, validating it and reading its texts when there are any
    (within ``policy``, as :func:`~exilekg.corpus.read_corpus` reads them)."""
    corpus = read_corpus(corpus_dir, texts_dir=texts_dir, policy=policy)
    report = validate(corpus)
    stats = Stats(
        evidence_total=report.evidence_total,
        evidence_verified=report.evidence_verified,
        texts_read=corpus.has_texts,
        problems=len(report.problems),
        left_out=load_left_out_names(Path(corpus_dir), corpus.policy),
    )
    _count_records(corpus, stats)
    if report.ok:
        _count_mentions(corpus, stats)
        stats.quads, stats.triples = _graph_size(corpus, report)
    if corpus.has_texts:
        for doc, names in suggest_corpus(corpus, left_out=stats.left_out).items():
            if names:
                stats.unrecorded_names[doc] = [(s.name, s.frequency) for s in names]
    return stats


def _count_records(corpus: Corpus, stats: Stats) -> None:
    """Entities and facts by kind (each id once), and the facts each document supports."""
    seen: set[str] = set()
    for record in corpus.records:
        if record.id is None or record.id in seen:
            continue
        seen.add(record.id)
        if record.kind in ENTITY_KINDS:
            stats.entities[record.kind] += 1
        elif record.kind in FACT_KINDS:
            stats.facts[record.kind] += 1
            for doc in dict.fromkeys(_evidence_documents(record.data)):
                stats.facts_per_document.setdefault(doc, Counter())[record.kind] += 1
    stats.entities["Document"] = len(corpus.documents)


def _count_mentions(corpus: Corpus, stats: Stats) -> None:
    """The mentions found in each document, and the names in it that several entities share."""
    for doc, mentions in find_mentions(corpus).items():
        stats.mentions_per_document[doc] = len(mentions)
        shared = Counter((a.exact, a.candidates) for a in mentions.ambiguous)
        if shared:
            stats.ambiguous[doc] = [(e, c, n) for (e, c), n in sorted(shared.items())]


def _graph_size(corpus: Corpus, report: ValidationReport) -> tuple[int, int]:
    """The quads and distinct triples of the corpus's graph, counted as the build counts them."""
    runs = TripleRuns()
    quads = triples = 0
    stream = map_corpus(corpus, report)
    while batch := list(islice(stream, BATCH)):
        quads += len(batch)
        triples += len(batch) - len(runs.repeats(batch))
    return quads, triples


def _evidence_documents(data: dict[str, Any]) -> list[str]:
    items = data.get("evidence")
    if not isinstance(items, list):
        return []
    return [i["document"] for i in items if isinstance(i, dict) and isinstance(i.get("document"), str)]
