"""A table of invalid records, each with the pointer and message its error must carry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exilekg import load_corpus, validate

VALID_PERSON = {"kind": "Person", "id": "p1", "name": "Ann"}
VALID_ORG = {"kind": "Organization", "id": "o1", "name": "Org", "type": "ngo"}
VALID_PLACE = {"kind": "Place", "id": "pl1", "name": "Riga", "type": "city"}
EVIDENCE = [{"document": "riga-congress", "exact": "chair of the board, Anna Petrova"}]


def relation(**changes: Any) -> dict[str, Any]:
    record = {
        "kind": "Relation",
        "id": "r1",
        "relation": "memberOf",
        "subject": "p1",
        "object": "o1",
        "evidence": EVIDENCE,
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown kind", {"kind": "Persn", "id": "x", "name": "X"}, "/1/kind", "unknown kind"),
    ("no kind", {"id": "x", "name": "X"}, "/1", "no 'kind'"),
    ("missing name", {"kind": "Person", "id": "x"}, "/1", "missing required field 'name'"),
    (
        "unknown field",
        {"kind": "Person", "id": "x", "name": "X", "nickname": "Y"},
        "/1",
        "unknown field(s) 'nickname'",
    ),
    ("bad id", {"kind": "Person", "id": "Has Space", "name": "X"}, "/1/id", "is not well-formed"),
    ("empty name", {"kind": "Person", "id": "x", "name": ""}, "/1/name", "must not be empty"),
    (
        "bad org type",
        {"kind": "Organization", "id": "x", "name": "X", "type": "club"},
        "/1/type",
        "not one of the allowed values",
    ),
    (
        "bad sameAs",
        {"kind": "Person", "id": "x", "name": "X", "sameAs": ["not an iri"]},
        "/1/sameAs/0",
        "is not well-formed",
    ),
    (
        "impossible date",
        {"kind": "Person", "id": "x", "name": "X", "birthDate": "2023-02-30"},
        "/1/birthDate",
        "impossible date",
    ),
    (
        "month 13",
        {"kind": "Event", "id": "x", "name": "X", "type": "protest", "startDate": "2023-13"},
        "/1/startDate",
        "month 13 does not exist",
    ),
    (
        "end before start",
        {
            "kind": "Event",
            "id": "x",
            "name": "X",
            "type": "protest",
            "startDate": "2024-05-02",
            "endDate": "2024-05-01",
        },
        "/1/endDate",
        "is before startDate",
    ),
    ("duplicate id", {"kind": "Person", "id": "p1", "name": "Again"}, "/1/id", "duplicate id 'p1'"),
    ("unknown reference", relation(object="nobody"), "/1/object", "unknown id 'nobody'"),
    (
        "wrong kind of reference",
        relation(object="pl1"),
        "/1/object",
        "is a Place, but the relation 'memberOf' needs",
    ),
    (
        "person as location",
        {"kind": "Event", "id": "x", "name": "X", "type": "protest", "location": "p1"},
        "/1/location",
        "is a Person, but location needs a Place",
    ),
    ("unknown relation", relation(relation="likes"), "/1/relation", "not one of the allowed values"),
    ("no evidence", relation(evidence=None), "/1", "has no evidence"),
    (
        "evidence of unknown document",
        relation(evidence=[{"document": "nodoc", "exact": "x"}]),
        "/1/evidence/0/document",
        "unknown document 'nodoc'",
    ),
    (
        "evidence not in text",
        relation(evidence=[{"document": "riga-congress", "exact": "chair of the bored"}]),
        "/1/evidence/0/exact",
        "does not occur",
    ),
    (
        "ambiguous evidence",
        relation(evidence=[{"document": "riga-congress", "exact": "Riga"}]),
        "/1/evidence/0/exact",
        "occurs",
    ),
    ("control character", {"kind": "Person", "id": "x", "name": "A\u0000B"}, "/1/name", "U+0000"),
    ("lone surrogate", {"kind": "Person", "id": "x", "name": "A\ud800B"}, "/1/name", "U+D800"),
    (
        "observation without value",
        {"kind": "Observation", "id": "x", "measure": "m", "unit": "percent", "evidence": EVIDENCE},
        "/1",
        "missing required field 'value'",
    ),
    (
        "string value",
        {
            "kind": "Observation",
            "id": "x",
            "measure": "m",
            "unit": "percent",
            "value": "41",
            "evidence": EVIDENCE,
        },
        "/1/value",
        "must be of type number",
    ),
]


def write_records(corpus: Path, *records: dict[str, Any]) -> Path:
    path = corpus / "records" / "zz-test.json"
    # ensure_ascii keeps lone surrogates writable; JSON escapes them as \ud800
    path.write_text(json.dumps([VALID_PERSON, *records, VALID_ORG, VALID_PLACE], indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "record", "pointer", "message"), CASES, ids=[c[0] for c in CASES])
def test_invalid_record(
    example_copy: Path, name: str, record: dict[str, Any], pointer: str, message: str
) -> None:
    path = write_records(example_copy, record)
    report = validate(load_corpus(example_copy))
    ours = [p for p in report.problems if p.location.path == path]
    assert ours, f"no problem reported for {name}"
    matching = [p for p in ours if p.location.pointer == pointer and message in p.message]
    assert matching, [str(p) for p in ours]
    assert all(p.location.line is not None for p in ours)
    assert all(p.hint for p in matching)


def test_every_problem_of_a_run_is_reported(example_copy: Path) -> None:
    write_records(example_copy, relation(object="nobody"), {"kind": "Person", "id": "bad id", "name": "X"})
    report = validate(load_corpus(example_copy))
    pointers = {p.location.pointer for p in report.problems}
    assert {"/1/object", "/2/id"} <= pointers


def test_line_numbers_point_at_the_field(example_copy: Path) -> None:
    path = write_records(example_copy, relation(object="nobody"))
    report = validate(load_corpus(example_copy))
    (problem,) = [p for p in report.problems if p.location.path == path]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert '"nobody"' in lines[problem.location.line - 1]  # type: ignore[operator]


def test_text_whose_checksum_changed(example_copy: Path) -> None:
    text = example_copy / "texts" / "riga-congress.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
    report = validate(load_corpus(example_copy))
    assert any(p.location.pointer == "/sha256" and "SHA-256" in p.message for p in report.problems)


def test_curator_note_replaces_evidence(example_copy: Path) -> None:
    write_records(
        example_copy, relation(evidence=None) | {"curatorNote": "Known from the organisation's own site."}
    )
    assert validate(load_corpus(example_copy)).ok


def test_jsonl_records_report_their_line(example_copy: Path) -> None:
    path = example_copy / "records" / "more.jsonl"
    lines = [json.dumps(VALID_PERSON | {"id": "p9"}), "", json.dumps({"kind": "Person", "id": "p10"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(load_corpus(example_copy))
    (problem,) = [p for p in report.problems if p.location.path == path]
    assert problem.location.line == 3


def test_example_corpus_is_valid() -> None:
    from .conftest import EXAMPLE

    report = validate(load_corpus(EXAMPLE))
    assert report.ok, [str(p) for p in report.problems]
    assert report.evidence_verified == report.evidence_total > 0
