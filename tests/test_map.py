"""Mapping of single values: dates keep their precision and always form a valid XSD literal."""

from __future__ import annotations

import pytest

from exilekg.map import date_literal
from exilekg.terms import XSD, Literal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", Literal("2024", XSD.gYear)),
        ("-0044", Literal("-0044", XSD.gYear)),
        ("2024-03", Literal("2024-03", XSD.gYearMonth)),
        ("2024-03-17", Literal("2024-03-17", XSD.date)),
        ("2024-03-17T10:05:30", Literal("2024-03-17T10:05:30", XSD.dateTime)),
        ("2024-03-17T10:05:30.25Z", Literal("2024-03-17T10:05:30.25Z", XSD.dateTime)),
        # ISO 8601 allows a time without seconds; xsd:dateTime does not.
        ("2024-03-17T10:05", Literal("2024-03-17T10:05:00", XSD.dateTime)),
        ("2024-03-17T10:05Z", Literal("2024-03-17T10:05:00Z", XSD.dateTime)),
        ("2024-03-17T10:05+03:00", Literal("2024-03-17T10:05:00+03:00", XSD.dateTime)),
        ("2024-03-17T10:05-05:00", Literal("2024-03-17T10:05:00-05:00", XSD.dateTime)),
    ],
)
def test_date_literal(value: str, expected: Literal) -> None:
    assert date_literal(value) == expected
