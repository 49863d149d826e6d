"""Figures as the text gives them: exact, approximate, a bound or a range.

An article rarely gives a bare number: "tens of thousands", "over 150", "about a third",
"35–40%". An Observation record keeps what the text says: ``value`` (exact, or with
``qualifier`` "approximately"), ``minValue`` (with "atLeast" or "moreThan"), ``maxValue``
(with "atMost" or "lessThan"), or both bounds for a range. Mapping writes schema.org's
``QuantitativeValue`` terms (``schema:Observation`` is one) and, for the qualifier that
schema.org has no term for, ``exilekg:valueQualifier``; the site and the ``statistics``
query phrase the figure with :func:`quantity_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from exilekg.terms import EXILEKG, IRI

__all__ = ["QUALIFIERS", "Qualifier", "qualifier_of_iri", "quantity_text"]


@dataclass(frozen=True)
class Qualifier:
    """How a figure relates to the number the text gives."""

    name: str
    """The ``qualifier`` of an Observation record."""
    iri: IRI
    """The exilekg:ValueQualifier individual it maps to."""
    words: str
    """What the site and the ``statistics`` query put before the number."""
    bound: str | None
    """The field the number must be in: ``minValue``, ``maxValue``, or None (``value`` or a range)."""


QUALIFIERS: Mapping[str, Qualifier] = {
    q.name: q
    for q in (
        Qualifier("approximately", EXILEKG.Approximately, "about", None),
        Qualifier("atLeast", EXILEKG.AtLeast, "at least", "minValue"),
        Qualifier("moreThan", EXILEKG.MoreThan, "over", "minValue"),
        Qualifier("atMost", EXILEKG.AtMost, "at most", "maxValue"),
        Qualifier("lessThan", EXILEKG.LessThan, "under", "maxValue"),
    )
}
"""Every qualifier, by the name records use."""

_BY_IRI = {q.iri: q for q in QUALIFIERS.values()}


def qualifier_of_iri(iri: IRI | str | None) -> Qualifier | None:
    """The qualifier an ``exilekg:valueQualifier`` value names, if it is one."""
    if iri is None:
        return None
    return _BY_IRI.get(IRI(str(iri)))


def _number(text: str) -> str:
    """A number as an article would print it: 4,074; 0.5; no trailing ``.0``."""
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,}".rstrip("0").rstrip(".")


def quantity_text(
    value: str | None,
    min_value: str | None = None,
    max_value: str | None = None,
    qualifier: Qualifier | str | None = None,
    unit: str | None = None,
) -> str | None:
    """A figure in words: "about 33%", "over 150 people", "35–40%"; None without any number.

    ``qualifier`` is a :class:`Qualifier` or the name of one; an unknown name is left out.
    ``unit`` "percent" becomes "%"; any other unit follows the number after a space.
    """
    q = QUALIFIERS.get(qualifier) if isinstance(qualifier, str) else qualifier
    if value is not None:
        number = _number(value)
    elif min_value is not None and max_value is not None:
        number = f"{_number(min_value)}–{_number(max_value)}"
    elif min_value is not None:
        number = _number(min_value)
        q = q or QUALIFIERS["atLeast"]
    elif max_value is not None:
        number = _number(max_value)
        q = q or QUALIFIERS["atMost"]
    else:
        return None
    if unit in ("percent", "%"):
        number += "%"
    elif unit:
        number += f" {unit}"
    return f"{q.words} {number}" if q is not None else number
