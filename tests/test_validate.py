"""A table of invalid records, each with the pointer and message its error must carry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exilekg import read_corpus, validate
from exilekg.corpus import Record, Source
from exilekg.validation.characters import BAD_CHARS, suspects
from exilekg.validation.fields import DATE_FIELDS, WHOLE_RECORD, field_plan, find_fields

VALID_PERSON = {"kind": "Person", "id": "p1", "name": "Ann"}
VALID_ORG = {"kind": "Organization", "id": "o1", "name": "Org", "type": "ngo"}
VALID_PLACE = {"kind": "Place", "id": "pl1", "name": "Riga", "type": "city"}
EVIDENCE = [{"document": "riga-congress", "exact": "chair of the board, Anna Petrova"}]


def observation(**changes: Any) -> dict[str, Any]:
    record = {"kind": "Observation", "id": "x", "measure": "m", "unit": "percent", "value": 41}
    return record | {"evidence": EVIDENCE} | changes


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
    ("backspace", {"kind": "Person", "id": "x", "name": "A\bB"}, "/1/name", "U+0008"),
    ("form feed", {"kind": "Person", "id": "x", "name": "A\fB"}, "/1/name", "U+000C"),
    ("vertical tab", {"kind": "Person", "id": "x", "name": "A\vB"}, "/1/name", "U+000B"),
    ("delete", {"kind": "Person", "id": "x", "name": "A\x7fB"}, "/1/name", "U+007F"),
    (
        "control character in a nested string",
        {"kind": "Person", "id": "x", "name": "X", "localNames": [{"value": "Икс\x1f", "language": "ru"}]},
        "/1/localNames/0/value",
        "U+001F",
    ),
    (
        "control character in a field name",
        {"kind": "Person", "id": "x", "name": "X", "a/b\x01": "y"},
        "/1/a~1b\x01",
        "U+0001",
    ),
    (
        "language tag",
        {"kind": "Person", "id": "x", "name": "X", "localNames": [{"value": "Икс", "language": "en-a"}]},
        "/1/localNames/0/language",
        "not a well-formed BCP 47 language tag",
    ),
    (
        "time of day",
        {"kind": "Event", "id": "x", "name": "X", "type": "protest", "startDate": "2024-05-01T24:00"},
        "/1/startDate",
        "the time of day does not exist",
    ),
    ("day 29 of a common year", observation(date="2023-02-29"), "/1/date", "day 29 does not exist"),
    (
        "impossible date in a period",
        observation(period={"start": "2024-04-31", "end": "2024-05"}),
        "/1/period/start",
        "day 31 does not exist in 2024-04",
    ),
    (
        "period ends before it starts",
        observation(period={"start": "2024-05", "end": "2024-04-30"}),
        "/1/period/end",
        "end '2024-04-30' is before start '2024-05'",
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
    report = validate(read_corpus(example_copy))
    ours = [p for p in report.problems if p.location.path == path]
    assert ours, f"no problem reported for {name}"
    matching = [p for p in ours if p.location.pointer == pointer and message in p.message]
    assert matching, [str(p) for p in ours]
    assert all(p.location.line is not None for p in ours)
    assert all(p.hint for p in matching)


def test_a_group_of_people_as_an_organisation_is_pointed_to_the_collective_kind(example_copy: Path) -> None:
    write_records(example_copy, {"kind": "Organization", "id": "x", "name": "X", "type": "community"})
    report = validate(read_corpus(example_copy))
    [problem] = [p for p in report.problems if p.location.pointer == "/1/type"]
    assert problem.hint is not None and "use one of: foundation" in problem.hint
    assert "Collective" in problem.hint


def test_every_problem_of_a_run_is_reported(example_copy: Path) -> None:
    write_records(example_copy, relation(object="nobody"), {"kind": "Person", "id": "bad id", "name": "X"})
    report = validate(read_corpus(example_copy))
    pointers = {p.location.pointer for p in report.problems}
    assert {"/1/object", "/2/id"} <= pointers


def test_line_numbers_point_at_the_field(example_copy: Path) -> None:
    path = write_records(example_copy, relation(object="nobody"))
    report = validate(read_corpus(example_copy))
    (problem,) = [p for p in report.problems if p.location.path == path]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert '"nobody"' in lines[problem.location.line - 1]  # type: ignore[operator]


def test_text_whose_checksum_changed(example_copy: Path) -> None:
    text = example_copy / "texts" / "riga-congress.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
    report = validate(read_corpus(example_copy))
    assert any(p.location.pointer == "/sha256" and "SHA-256" in p.message for p in report.problems)


def test_curator_note_replaces_evidence(example_copy: Path) -> None:
    write_records(
        example_copy, relation(evidence=None) | {"curatorNote": "Known from the organisation's own site."}
    )
    assert validate(read_corpus(example_copy)).ok


def test_jsonl_records_report_their_line(example_copy: Path) -> None:
    path = example_copy / "records" / "more.jsonl"
    lines = [json.dumps(VALID_PERSON | {"id": "p9"}), "", json.dumps({"kind": "Person", "id": "p10"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(read_corpus(example_copy))
    (problem,) = [p for p in report.problems if p.location.path == path]
    assert problem.location.line == 3


def test_example_corpus_is_valid() -> None:
    from .conftest import EXAMPLE

    report = validate(read_corpus(EXAMPLE))
    assert report.ok, [str(p) for p in report.problems]
    assert report.evidence_verified == report.evidence_total > 0


def test_strings_that_only_look_like_control_characters_are_clean(example_copy: Path) -> None:
    # Written as JSON these hold "\\b", "\\f" and "\\u0001", what a control character looks like
    # there, and surrogate pairs; none of them is one.
    person = VALID_PERSON | {
        "id": "p2",
        "description": "C:\\bin\\f.txt, a literal \\u0001, 😀 \U0001f3f3\ufe0f, \u2028 and \x85",
    }
    write_records(example_copy, person)
    report = validate(read_corpus(example_copy))
    assert report.ok, [str(p) for p in report.problems]


def test_dates_in_inline_records_are_checked_when_the_document_is_invalid(example_copy: Path) -> None:
    path = example_copy / "documents" / "riga-congress.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["authors"][0]["birthDate"] = "2023-02-30"
    document["nickname"] = "not a field"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    report = validate(read_corpus(example_copy))
    assert any("'nickname'" in p.message for p in report.problems)
    dates = [p for p in report.problems if p.message.startswith("impossible date '2023-02-30'")]
    assert [p.location.pointer for p in dates] == ["/authors/0/birthDate"]


BAD = ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f", "\ud800", "\udbff", "\udc00", "\udfff"]
LOOKALIKES = ["\\", "b", "f", "u", "0", "1", "\t", "\n", "\r", '"', "\x85", "\u2028", "😀"]


@given(
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(BAD + LOOKALIKES)), max_size=8).map("".join),
    st.booleans(),
)
def test_every_string_with_a_bad_character_is_suspected(text: str, as_name: bool) -> None:
    data: dict[str, Any] = {"kind": "Person", "tags": [{text: 1} if as_name else text]}
    records = [
        Record({"kind": "Person", "id": f"p{i}"}, Source(Path("r.json"), f"/{i}"), "Person")
        for i in range(600)
    ]
    records[555] = Record(data, Source(Path("r.json"), "/555"), "Person")
    flagged = suspects(records)
    if BAD_CHARS.search(text):
        assert id(records[555]) in flagged
    assert flagged <= {id(records[555])}


SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


@pytest.mark.parametrize("name", sorted(p.name.split(".")[0] for p in SCHEMAS.glob("*.schema.json")))
def test_field_plans_hold_every_date_and_language_field_of_their_schema(name: str) -> None:
    if name == "common":
        return
    declared: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key in node.get("properties", {}):
                if key in DATE_FIELDS or key == "language":
                    declared.add(key)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")))
    plan = field_plan(name)
    planned = {str(path[-1]) for path in plan.deep} | set(plan.top)
    assert declared <= planned
    assert not plan.open  # every object of the schemas is closed


def test_field_plans_find_what_a_walk_of_the_whole_record_finds() -> None:
    from .conftest import EXAMPLE, SEED_CORPUS

    for root in (EXAMPLE, SEED_CORPUS):
        corpus = read_corpus(root)
        for record in corpus.all_records():
            schema = "document" if record.kind == "Document" else record.kind.lower()
            assert find_fields(record.data, field_plan(schema)) == find_fields(record.data, WHOLE_RECORD), (
                record.id
            )


def test_a_problem_of_an_inline_record_is_reported_once() -> None:
    corpus = read_corpus(Path(__file__).resolve().parents[1] / "examples" / "example-corpus")
    author = next(r for r in corpus.records if r.inline and r.kind == "Person")
    author.data["birthDate"] = "2023-02-30"
    problems = [str(p) for p in validate(corpus).problems]
    assert len(problems) == 1 and "impossible date '2023-02-30'" in problems[0], problems
