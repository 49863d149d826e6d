"""What a corpus or a build holds: entities and facts per kind and per document, evidence
verified, mentions, and the names in the texts that no record covers yet."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from exilekg.corpus import Corpus, read_corpus
from exilekg.errors import CorpusError
from exilekg.kinds import ENTITY_KINDS, FACT_KINDS
from exilekg.map import map_corpus
from exilekg.mentions import entity_names, find_mentions
from exilekg.suggest import suggest
from exilekg.validation import ValidationReport, validate
from exilekg.writers import BATCH
from exilekg.writers.lines import TripleRuns

__all__ = ["LeftOutName", "Stats", "corpus_stats", "load_left_out_names"]

LEFT_OUT_FILE = "left-out-names.json"


@dataclass(frozen=True)
class LeftOutName:
    """A name in the texts that deliberately has no record, and why."""

    name: str
    reason: str
    document: str | None = None


@dataclass
class Stats:
    entities: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)
    facts_per_document: dict[str, Counter[str]] = field(default_factory=dict)
    mentions_per_document: dict[str, int] = field(default_factory=dict)
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


def load_left_out_names(corpus_dir: Path) -> list[LeftOutName]:
    """The corpus's ``left-out-names.json``: names deliberately without a record, with reasons."""
    path = corpus_dir / LEFT_OUT_FILE
    if not path.is_file():
        return []
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read the list of left-out names: {exc}", path=path) from None
    out: list[LeftOutName] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("reason"), str)
        ):
            raise CorpusError(
                "each left-out name needs a 'name' and a 'reason'",
                path=path,
                pointer=f"/{index}",
                hint='write {"name": "...", "reason": "...", "document": "optional id"}',
            )
        out.append(LeftOutName(item["name"], item["reason"], item.get("document")))
    return out


def corpus_stats(corpus_dir: Path | str, *, texts_dir: Path | str | None = None) -> Stats:
    """Counts for a corpus folder, validating it and reading its texts when there are any."""
    corpus = read_corpus(corpus_dir, texts_dir=texts_dir)
    report = validate(corpus)
    stats = Stats(
        evidence_total=report.evidence_total,
        evidence_verified=report.evidence_verified,
        texts_read=corpus.has_texts,
        problems=len(report.problems),
        left_out=load_left_out_names(Path(corpus_dir)),
    )
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
    if report.ok:
        for doc, mentions in find_mentions(corpus).items():
            stats.mentions_per_document[doc] = len(mentions)
        stats.quads, stats.triples = _graph_size(corpus, report)
    stats.unrecorded_names = _unrecorded(corpus, stats.left_out)
    return stats


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


def _unrecorded(corpus: Corpus, left_out: list[LeftOutName]) -> dict[str, list[tuple[str, int]]]:
    """Name-like spans the texts hold that match no record and are not listed as left out."""
    texts: dict[str, str] = {}
    for document in corpus.documents:
        text = corpus.text(document) if document.id is not None else None
        if text is not None and document.id is not None:
            texts[document.id] = text.text
    known = [name for _, _, names in entity_names(corpus) for name in names]
    excluded = {(item.document, item.name) for item in left_out}
    result: dict[str, list[tuple[str, int]]] = {}
    for doc, names in suggest(texts, known).items():
        kept = [(n, c) for n, c in names if (doc, n) not in excluded and (None, n) not in excluded]
        if kept:
            result[doc] = kept
    return result
