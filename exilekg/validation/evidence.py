"""Evidence anchoring: each phrase located in its document's text, and each text against its
recorded SHA-256. The located phrases are the report's anchors, which mapping turns into position
selectors."""

from __future__ import annotations

from collections import Counter
from typing import Any

from exilekg.anchor import Anchor, AnchorProblem, locate
from exilekg.corpus import Corpus, Record, Text
from exilekg.errors import CorpusError, Problem
from exilekg.validation.known import Known, anchor_key
from exilekg.validation.report import EvidenceKey, ValidationReport

__all__ = ["check_texts"]

_Evidence = tuple[int, Record, int, dict[str, Any]]
"""An evidence item to locate: its place among all items (for the order of problems), its record,
its number in the record, and the item."""

_Unlocated = list[tuple[_Evidence, AnchorProblem | None]]
"""Phrases not found, with why (None: the document names no text to look in)."""


def check_texts(
    report: ValidationReport,
    corpus: Corpus,
    failed: set[int],
    known: Known | None = None,
    new: Known | None = None,
) -> None:
    """Locate every evidence phrase of the records not in ``failed`` (by ``id``) in its document,
    taking the places of the phrases in ``known`` as found, and recording each place in ``new``."""
    wanted, report.evidence_total = _wanted(corpus, failed)
    if not corpus.has_texts:
        report.skipped.append("evidence phrases were not located in their documents (no texts folder)")
        report.skipped.append("the SHA-256 of document texts was not compared (no texts folder)")
        return
    cache = _Cache(known.anchors if known is not None else {}, new.anchors if new is not None else None)
    unlocated = _locate_in_texts(report, corpus, failed, wanted, cache)
    # Reported in the records' order, as if each phrase had been looked up in turn.
    for (_, record, number, item), problem in sorted(unlocated, key=lambda u: u[0][0]):
        doc_id = item["document"]
        pointer = f"/evidence/{number}/exact"
        if problem is None:
            report.add(
                record.source,
                pointer,
                f"document {doc_id!r} names no text file, so the phrase cannot be checked",
                f"add a 'text' file name to document {doc_id!r}",
                code="evidence",
            )
        else:
            report.add(
                record.source,
                pointer,
                f"in document {doc_id!r}: {problem.message}",
                problem.hint,
                code="evidence",
            )


def _wanted(corpus: Corpus, failed: set[int]) -> tuple[dict[str, list[_Evidence]], int]:
    """The phrases to look for, by document id, and how many evidence items there are in all."""
    wanted: dict[str, list[_Evidence]] = {}
    total = 0
    for record in corpus.records:
        if id(record) in failed:
            continue
        items = record.data.get("evidence")
        if not isinstance(items, list):
            continue
        for number, item in enumerate(i for i in items if isinstance(i, dict)):
            doc_id = item.get("document")
            if isinstance(doc_id, str) and isinstance(item.get("exact"), str):
                wanted.setdefault(doc_id, []).append((total, record, number, item))
            total += 1
    return wanted, total


class _Cache:
    """Places found by an earlier validation (``known``), and those of this one (``found``: None
    when nobody asked for them)."""

    def __init__(self, known: dict[str, Anchor], found: dict[str, Anchor] | None) -> None:
        self.known = known
        self.found = found


def _locate_in_texts(
    report: ValidationReport,
    corpus: Corpus,
    failed: set[int],
    wanted: dict[str, list[_Evidence]],
    cache: _Cache,
) -> _Unlocated:
    documents = [d for d in corpus.documents if id(d) not in failed and d.id is not None]
    counts = Counter(d.id for d in documents)
    # Each text is read, folded and searched for all its phrases at once, then let go: the corpus
    # keeps no texts, and holding them all (with their folded copies) until the end would cost
    # several times the texts' size at once.
    unlocated: _Unlocated = []
    repeated: dict[str, Text | None] = {}
    for document in documents:
        doc_id = document.id
        assert doc_id is not None
        try:
            text = corpus.text(document)
        except CorpusError as exc:
            report.problems.append(Problem(document.source.locate("/text"), exc.message, exc.hint, "text"))
            continue
        expected = document.data.get("sha256")
        if text is not None and expected is not None and expected != text.sha256:
            report.add(
                document.source,
                "/sha256",
                f"the text {document.data.get('text')!r} does not match its recorded SHA-256",
                f"if the text is the right one, set sha256 to {text.sha256}",
                code="text",
            )
        if counts[doc_id] > 1:
            repeated[doc_id] = text  # a duplicate id (reported already): its last readable text counts
        else:
            _locate_all(text, wanted.get(doc_id, []), report.anchors, unlocated, cache)
    for doc_id, text in repeated.items():
        _locate_all(text, wanted.get(doc_id, []), report.anchors, unlocated, cache)
    return unlocated


def _locate_all(
    text: Text | None,
    evidence: list[_Evidence],
    anchors: dict[EvidenceKey, Anchor],
    unlocated: _Unlocated,
    cache: _Cache,
) -> None:
    """Locate each phrase of ``evidence`` in ``text``; None: the document names no text to look in."""
    if text is None:
        unlocated.extend((each, None) for each in evidence)
        return
    if not evidence:
        return  # folding a text no phrase is looked for in would be wasted
    for each in evidence:
        _, record, number, item = each
        exact = item["exact"]
        key = anchor_key(text.sha256, item) if cache.known or cache.found is not None else None
        found: Anchor | AnchorProblem | None = cache.known.get(key) if key is not None else None
        if found is None:
            # Folded on the first phrase not found before (the folding is the costly part).
            found = locate(
                text.normalized,
                exact,
                prefix=item.get("prefix"),
                suffix=item.get("suffix"),
                occurrence=item.get("occurrence"),
            )
        if key is not None and cache.found is not None and isinstance(found, Anchor):
            cache.found[key] = found
        if isinstance(found, AnchorProblem):
            unlocated.append((each, found))
        elif record.id is not None:
            if found.exact == exact:
                # The phrase as written is the text's own: keep one copy of it alive, not two.
                found = Anchor(found.start, found.end, exact, found.prefix, found.suffix)
            anchors[(record.id, number)] = found
