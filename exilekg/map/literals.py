"""Literals as the mapping writes them: dates of any precision, numbers, plain text, licence names."""

from __future__ import annotations

from decimal import Decimal

from exilekg.terms import XSD, Literal

__all__ = ["LICENSES", "date_literal", "number_literal", "text"]


LICENSES = {
    "cc by 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc by-sa 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc by 3.0": "https://creativecommons.org/licenses/by/3.0/",
    "cc by-sa 3.0": "https://creativecommons.org/licenses/by-sa/3.0/",
    "cc by-sa 2.0": "https://creativecommons.org/licenses/by-sa/2.0/",
    "cc by 2.0": "https://creativecommons.org/licenses/by/2.0/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
"""License names as captions write them, to the license's IRI."""


def date_literal(value: str) -> Literal:
    """An ISO date of any precision as a literal of the matching XSD type."""
    body = value.lstrip("-")
    if "T" in body:
        # ISO 8601 lets a time stop at minutes; xsd:dateTime needs the seconds.
        day, clock = value.split("T", 1)
        hours_minutes, zone = clock[:5], clock[5:]
        if not zone.startswith(":"):
            clock = f"{hours_minutes}:00{zone}"
        return Literal(f"{day}T{clock}", XSD.dateTime)
    dashes = body.count("-")
    datatype = (XSD.gYear, XSD.gYearMonth, XSD.date)[dashes]
    return Literal(value, datatype)


def number_literal(value: float | int) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", XSD.boolean)
    if isinstance(value, int):
        return Literal(str(value), XSD.integer)
    text = format(Decimal(repr(value)), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, XSD.decimal)


def text(value: str) -> Literal:
    return Literal(value)
