"""Mention and suggestion recall and precision per language, on short articles written for the
tests (tests/fixtures/articles/mentions: Russian, Ukrainian, German), against what a reader
marks in them (expected.json). The figures are printed (pytest -s shows them)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from exilekg.anchor import NormalizedText
from exilekg.language.names import words_of
from exilekg.mentions import MentionFinder
from exilekg.suggest import suggest

FOLDER = Path(__file__).resolve().parent / "fixtures" / "articles" / "mentions"


def _load() -> tuple[list[tuple[str, str, list[str]]], dict[str, dict[str, object]]]:
    data = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))
    return [tuple(e) for e in data["entities"]], data["articles"]  # type: ignore[misc]


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 1.0


def test_mention_recall_and_precision_per_language() -> None:
    entities, articles = _load()
    finder = MentionFinder(entities)
    hits: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    found_total: Counter[str] = Counter()
    for name, article in articles.items():
        language = str(article["language"])
        text = (FOLDER / name).read_text(encoding="utf-8")
        want = Counter((e, x) for e, x in article["mentions"])  # type: ignore[attr-defined]
        found = finder.find(NormalizedText(text), language)
        got = Counter((m.entity, m.exact) for m in found)
        hits[language] += sum((want & got).values())
        expected[language] += sum(want.values())
        found_total[language] += sum(got.values())
    for language in sorted(expected):
        recall = _ratio(hits[language], expected[language])
        precision = _ratio(hits[language], found_total[language])
        print(f"mentions {language}: recall {recall:.1%}, precision {precision:.1%}")
        assert recall >= 0.95 and precision >= 0.95, language


def test_suggestion_recall_and_precision_per_language() -> None:
    entities, articles = _load()
    by_language: dict[str, list[tuple[set[tuple[str, ...]], set[tuple[str, ...]]]]] = defaultdict(list)
    for name, article in articles.items():
        language = str(article["language"])
        text = (FOLDER / name).read_text(encoding="utf-8")
        found = suggest({name: text}, entities, languages={name: language})[name]
        got = {words_of(s.name) for s in found}
        want = {words_of(n) for n in article["suggestions"]}  # type: ignore[attr-defined]
        by_language[language].append((want, got))
    for language, pairs in sorted(by_language.items()):
        hit = sum(len(w & g) for w, g in pairs)
        recall = _ratio(hit, sum(len(w) for w, _ in pairs))
        precision = _ratio(hit, sum(len(g) for _, g in pairs))
        print(f"suggestions {language}: recall {recall:.1%}, precision {precision:.1%}")
        assert recall >= 0.5 and precision >= 0.5, (language, pairs)
