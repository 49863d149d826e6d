"""Editing one member of one object in place: the rest of the file keeps every byte."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg.reconcile.jsonedit import find_object, set_member

LAYOUT = """[
  {"kind": "Person", "id": "a", "name": "A \\"quoted\\" name",
   "description": "two lines, as a curator writes them"},

  {"kind": "Place", "id": "b", "name": "B", "sameAs": ["urn:x:1"]},
  {"kind": "Place", "id": "c", "name": "C", "nested": {"sameAs": "not this one"}}
]
"""


def test_a_new_member_of_a_multiline_object_gets_a_line_indented_like_the_others() -> None:
    out = set_member(LAYOUT, "/0", "sameAs", ["urn:x:a"])
    assert out == LAYOUT.replace(
        'as a curator writes them"},',
        'as a curator writes them",\n   "sameAs": ["urn:x:a"]},',
    )


def test_an_existing_member_keeps_its_place() -> None:
    out = set_member(LAYOUT, "/1", "sameAs", ["urn:x:1", "urn:x:2"])
    assert out == LAYOUT.replace('"sameAs": ["urn:x:1"]}', '"sameAs": ["urn:x:1", "urn:x:2"]}')


def test_a_one_line_object_stays_on_one_line_and_nested_members_are_not_touched() -> None:
    out = set_member(LAYOUT, "/2", "sameAs", ["urn:x:c"])
    assert out == LAYOUT.replace('"not this one"}}', '"not this one"}, "sameAs": ["urn:x:c"]}')


def test_a_list_of_objects_in_a_multiline_object_gets_one_item_to_a_line() -> None:
    out = set_member(LAYOUT, "/0", "reconciliation", [{"iri": "urn:x:a"}, {"iri": "urn:x:b"}])
    assert '   "reconciliation": [\n     {"iri": "urn:x:a"},\n     {"iri": "urn:x:b"}]}' in out


def test_the_whole_document_and_an_empty_object() -> None:
    assert set_member('{"a": 1}', "", "b", [2]) == '{"a": 1, "b": [2]}'
    assert set_member("{}", "", "b", "x") == '{"b": "x"}'
    assert set_member('{\n  "a": {}\n}\n', "/a", "b", 1) == '{\n  "a": {"b": 1}\n}\n'


def test_pointers_that_lead_nowhere_are_refused() -> None:
    for pointer in ("/9", "/0/name", "/x"):
        with pytest.raises(KeyError):
            find_object(LAYOUT, pointer)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.dictionaries(st.text(max_size=6), json_values, max_size=4), min_size=1, max_size=4),
    which=st.integers(min_value=0, max_value=3),
    key=st.text(max_size=8),
    value=json_values,
    indent=st.sampled_from([None, 1, 2, 4]),
)
def test_any_edit_changes_that_member_only(
    records: list[dict[str, Any]], which: int, key: str, value: Any, indent: int | None
) -> None:
    which %= len(records)
    text = json.dumps(records, indent=indent, ensure_ascii=False)
    out = set_member(text, f"/{which}", key, value)  # raises if anything else changed
    expected = [dict(r) for r in records]
    expected[which][key] = value
    assert json.loads(out) == expected
    if key not in records[which]:
        # Every other record's text is still in the file as it was.
        for number, record in enumerate(records):
            if number != which and record:
                span = find_object(text, f"/{number}")
                assert text[span.start : span.end] in out
