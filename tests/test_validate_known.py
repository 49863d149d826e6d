"""What validation trusts of an earlier one (exilekg.validation.known): the report is the one a
fresh validation gives, whatever changed between the two."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg import read_corpus, validate
from exilekg.corpus import Corpus
from exilekg.validation import Known, ValidationReport
from exilekg.validation.known import anchor_key, record_key

from .conftest import EXAMPLE


def _seen(report: ValidationReport) -> tuple[Any, ...]:
    return (
        [str(p) for p in report.problems],
        [str(w) for w in report.warnings],
        report.anchors,
        report.evidence_total,
        report.skipped,
    )


def _first() -> Known:
    report = validate(read_corpus(EXAMPLE), known=Known())
    assert report.ok and report.known is not None
    return report.known


VALUES = st.one_of(
    st.sampled_from(
        [
            "2023-02-30",
            "2024-05-01",
            "1999",
            "anna-petrova",
            "riga",
            "free-voices-foundation",
            "Bad Id!",
            "",
            "Free Voices Foundation",
            "https://free-voices.example.org/news/2024/05/01/x",
            "Exiles Gather in Riga",
        ]
    ),
    st.text(max_size=12),
    st.integers(-5, 5),
    st.none(),
)
FIELDS = st.sampled_from(
    [
        "id",
        "name",
        "subject",
        "object",
        "startDate",
        "endDate",
        "value",
        "minValue",
        "language",
        "headline",
        "publisher",
        "url",
        "datePublished",
    ]
)


def _edit(corpus: Corpus, edits: list[tuple[int, str, Any]]) -> None:
    records = list(corpus.all_records())
    for pick, name, value in edits:
        data = records[pick % len(records)].data
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 1000), FIELDS, VALUES), min_size=1, max_size=4))
def test_what_an_earlier_validation_found_changes_no_report(edits: list[tuple[int, str, Any]]) -> None:
    known = _first()
    corpus = read_corpus(EXAMPLE)
    _edit(corpus, edits)
    assert _seen(validate(corpus, known=known)) == _seen(validate(corpus))


def test_a_changed_text_is_searched_again(tmp_path: Path) -> None:
    known = _first()
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, corpus_dir)
    texts = sorted((corpus_dir / "texts").iterdir())
    texts[0].write_text("An unrelated text.\n" + texts[0].read_text(encoding="utf-8"), encoding="utf-8")
    corpus = read_corpus(corpus_dir)
    again, fresh = validate(corpus, known=known), validate(corpus)
    assert _seen(again) == _seen(fresh)
    assert any(p.code == "text" for p in fresh.problems)  # the recorded SHA-256 no longer matches
    moved = [
        key for key, anchor in fresh.anchors.items() if anchor != validate(read_corpus(EXAMPLE)).anchors[key]
    ]
    assert moved  # the phrases of that text sit 19 characters further on


def test_trusted_records_are_not_checked_again() -> None:
    """The keys are what is trusted: a record known to have passed is not checked again (so its key
    must change with anything its checks read)."""
    corpus = read_corpus(EXAMPLE)
    record = next(r for r in corpus.records if r.kind == "Person" and not r.inline)
    record.data["birthDate"] = "2023-02-30"
    assert not validate(corpus).ok
    assert validate(corpus, known=Known(records=frozenset({record_key(record) or ""}))).ok
    before = record_key(record)
    record.data["birthDate"] = "2023-02-28"
    assert record_key(record) != before


def test_keys_of_what_json_cannot_hold_are_none() -> None:
    corpus = read_corpus(EXAMPLE)
    record = corpus.records[0]
    record.data["name"] = "lone \ud800 surrogate"
    assert record_key(record) is None
    assert anchor_key("0" * 64, {"exact": "\ud800"}) is None
    assert anchor_key("0" * 64, {"exact": "a"}) != anchor_key("1" * 64, {"exact": "a"})


def test_known_findings_survive_json() -> None:
    known = _first()
    assert known.records and known.anchors and known.headlines
    assert Known.from_json(known.to_json()) == known


@pytest.mark.parametrize(
    "damaged", [{}, {"records": {}, "anchors": {}}, {"records": [], "anchors": {"k": [1]}, "headlines": []}]
)
def test_damaged_findings_are_refused(damaged: dict[str, Any]) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        Known.from_json(damaged)


def test_a_headline_is_checked_again_when_its_publisher_is_renamed_to_it() -> None:
    known = _first()
    corpus = read_corpus(EXAMPLE)
    document = next(d for d in corpus.documents if "publisher" in d.data)
    publisher = document.data["publisher"]
    organization = (
        publisher
        if isinstance(publisher, dict)
        else next(r.data for r in corpus.records if r.id == publisher)
    )
    organization["name"] = document.data["headline"]
    fresh = validate(corpus)
    assert any("is the publisher's name" in w.message for w in fresh.warnings)
    assert _seen(validate(corpus, known=known)) == _seen(fresh)


def test_the_report_gives_the_key_of_each_record_it_validated_and_of_no_other() -> None:
    corpus = read_corpus(EXAMPLE)
    report = validate(corpus, known=Known())
    records = list(corpus.all_records())
    assert records and all(report.record_key(r) == record_key(r) for r in records)
    again = read_corpus(EXAMPLE).records[0]  # the same record, read into another object
    assert again == corpus.records[0] and report.record_key(again) is None
    assert validate(corpus).record_key(records[0]) is None  # no keys without ``known``
