"""Rules within one fact that a JSON Schema says badly: which fields of a figure go together."""

from __future__ import annotations

from exilekg.corpus import Record
from exilekg.quantities import QUALIFIERS
from exilekg.validation.report import ValidationReport

__all__ = ["check_rules"]


def check_rules(report: ValidationReport, record: Record) -> None:
    """The kind's own rules for a record that met its schema."""
    if record.kind == "Observation":
        _check_quantity(report, record)


def _check_quantity(report: ValidationReport, record: Record) -> None:
    data = record.data
    given = [name for name in ("value", "minValue", "maxValue") if name in data]
    if "value" in data and len(given) > 1:
        report.add(
            record.source,
            "/value",
            "an observation gives either value or minValue/maxValue, not both",
            "one number: value (with qualifier 'approximately' if the text says 'about'); "
            "a bound or a range: minValue and/or maxValue",
        )
        return
    low, high = data.get("minValue"), data.get("maxValue")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        report.add(
            record.source,
            "/maxValue",
            f"maxValue {high} is below minValue {low}",
            "swap the bounds or correct one of them",
        )
    name = data.get("qualifier")
    qualifier = QUALIFIERS.get(name) if isinstance(name, str) else None
    if qualifier is None:
        return
    if qualifier.bound is None:
        if given == ["minValue"] or given == ["maxValue"]:
            report.add(
                record.source,
                "/qualifier",
                f"qualifier {name!r} goes with value or a range, not a single {given[0]}",
                "for 'over 150' write minValue 150 with qualifier 'moreThan'",
            )
    elif given != [qualifier.bound]:
        report.add(
            record.source,
            "/qualifier",
            f"qualifier {name!r} bounds the figure from one side: it needs {qualifier.bound} alone",
            f"write the number as {qualifier.bound} (not {' and '.join(given)})",
        )
