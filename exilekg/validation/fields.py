"""Dates and language tags, which the schemas can only shape: dates that exist, ends after starts,
well-formed BCP 47 tags; and names short enough to look for in texts.

The fields are found by a plan read from each schema (:func:`field_plan`), not by walking
every value of every record.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from exilekg.corpus import Record
from exilekg.kinds import KINDS
from exilekg.resources import schema_uri
from exilekg.validation.report import Token, ValidationReport, nodes, pointer
from exilekg.validation.schemas import quickly_valid, registry, schema_name
from exilekg.validation.syntax import language_problem

__all__ = [
    "DATE_FIELDS",
    "MAX_NAME_LENGTH",
    "WHOLE_RECORD",
    "FieldPlan",
    "Fields",
    "check_fields",
    "check_name_lengths",
    "field_plan",
    "find_fields",
    "plan_of",
]

DATE_FIELDS = frozenset(
    {
        "birthDate",
        "deathDate",
        "foundingDate",
        "startDate",
        "endDate",
        "datePublished",
        "date",
        "start",
        "end",
    }
)
"""The names of the date fields, wherever they are in a record."""


def _date_problem(value: str) -> str | None:
    """Why an ISO date string that matched the schema's pattern is impossible, or None."""
    date_part = value.split("T", 1)[0].lstrip("-")
    parts = date_part.split("-")
    year = int(parts[0])
    if len(parts) >= 2:
        month = int(parts[1])
        if not 1 <= month <= 12:
            return f"month {month} does not exist"
        if len(parts) == 3:
            day = int(parts[2])
            last = calendar.monthrange(year, month)[1] if year > 0 else 31
            if not 1 <= day <= last:
                return f"day {day} does not exist in {year:04d}-{month:02d}"
    if "T" in value:
        clock = value.split("T", 1)[1][:8].split(":")
        if int(clock[0]) > 23 or int(clock[1]) > 59 or (len(clock) > 2 and int(clock[2][:2]) > 59):
            return "the time of day does not exist"
    return None


_CHECKED_FIELDS = DATE_FIELDS | {"language"}
_DATE_LIKE = re.compile(r"-?\d{4}.*")
_PLAIN_DATE = re.compile("[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|1[0-9]|2[0-8]))?)?")
"""Dates that exist in every year and month: most dates, and no need to ask the calendar."""

Fields = dict[tuple[Token, ...], tuple[str, str]]
"""Date and language fields of a record: path -> (member name, string value)."""

FieldPath = tuple[str | None, ...]
"""Member names from a record down to a value; None stands for every item of an array."""


@dataclass(frozen=True)
class FieldPlan:
    """Where the date and language fields of a record valid against a schema can be.

    Looking up these few paths instead of walking every value of every record is what keeps
    the date and language checks cheap; the schemas close their objects, so no field of those
    names can be anywhere else.
    """

    top: tuple[str, ...]
    """Fields of the record itself."""
    deep: tuple[FieldPath, ...]
    """Fields inside its members."""
    open: tuple[FieldPath, ...]
    """Values the schema leaves open (any member may appear): looked through whole."""


WHOLE_RECORD = FieldPlan((), (), ((),))


class _Resolver(Protocol):
    """What of a referencing resolver the plans use (its class is not public)."""

    def lookup(self, ref: str) -> Any: ...


@cache
def field_plan(name: str) -> FieldPlan:
    """The plan of ``schemas/<name>.schema.json``, read from the schema itself."""
    uri = schema_uri(name)
    resolver = registry().resolver(base_uri=uri)
    fields: list[FieldPath] = []
    opened: list[FieldPath] = []

    def value(schema: Any, resolver: _Resolver, path: FieldPath, active: frozenset[int]) -> None:
        if not closed(schema, resolver, path, active):
            opened.append(path)

    def closed(schema: Any, resolver: _Resolver, path: FieldPath, active: frozenset[int]) -> bool:
        """Collect the fields ``schema`` allows at ``path``; whether it allows no member it does not name."""
        if schema is False:
            return True
        if not isinstance(schema, dict):
            return False
        # An instance must satisfy every conjunct, so one closed conjunct closes the whole.
        conjuncts = [own(schema, resolver, path, active)]
        if "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            key = id(resolved.contents)
            # A schema that contains itself is looked through whole rather than unrolled forever.
            conjuncts.append(
                key not in active and closed(resolved.contents, resolved.resolver, path, active | {key})
            )
        conjuncts.extend([closed(sub, resolver, path, active) for sub in schema.get("allOf", [])])
        for word in ("anyOf", "oneOf"):
            if word in schema:
                conjuncts.append(all([closed(sub, resolver, path, active) for sub in schema[word]]))
        if any(word in schema for word in ("$dynamicRef", "unevaluatedProperties", "unevaluatedItems")):
            return False  # not followed here; the whole value is looked through instead
        return any(conjuncts)

    def own(schema: dict[str, Any], resolver: _Resolver, path: FieldPath, active: frozenset[int]) -> bool:
        for name, sub in schema.get("properties", {}).items():
            if name in _CHECKED_FIELDS:
                fields.append((*path, name))
            value(sub, resolver, (*path, name), active)
        if "items" in schema:
            value(schema["items"], resolver, (*path, None), active)
        kinds = _json_kinds(schema)
        object_closed = schema.get("additionalProperties") is False and "patternProperties" not in schema
        array_closed = "items" in schema and "prefixItems" not in schema
        return ("object" not in kinds or object_closed) and ("array" not in kinds or array_closed)

    value(resolver.lookup(uri).contents, resolver, (), frozenset())
    unique = list(dict.fromkeys(fields))
    return FieldPlan(
        top=tuple(str(field[0]) for field in unique if len(field) == 1),
        deep=tuple(field for field in unique if len(field) > 1),
        open=tuple(dict.fromkeys(opened)),
    )


def _json_kinds(schema: dict[str, Any]) -> set[str]:
    """Which of "object", "array" and "scalar" a value valid against ``schema``'s own keywords may be."""
    declared = schema.get("type")
    names = [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else None
    kinds = (
        {"object", "array", "scalar"}
        if names is None
        else {name if name in ("object", "array") else "scalar" for name in names}
    )
    allowed = [schema["const"]] if "const" in schema else schema.get("enum")
    if isinstance(allowed, list):
        kinds &= {_json_kind(item) for item in allowed}
    return kinds


def _json_kind(value: Any) -> str:
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "scalar"


def find_fields(data: dict[str, Any], plan: FieldPlan) -> Fields:
    """The date and language fields of ``data`` where ``plan`` says they can be."""
    found: Fields = {}
    for name in plan.top:
        item = data.get(name)
        if isinstance(item, str):
            found[(name,)] = (name, item)
    for steps in plan.deep:
        if steps[0] in data:
            for path, item in _resolve(data, steps):
                if isinstance(item, str):
                    found[path] = (str(path[-1]), item)
    for steps in plan.open:
        for path, node in _resolve(data, steps):
            for sub, item in nodes(node):
                whole = (*path, *sub)
                member = whole[-1] if whole else None
                if isinstance(member, str) and member in _CHECKED_FIELDS and isinstance(item, str):
                    found[whole] = (member, item)
    return found


def _resolve(data: Any, steps: FieldPath) -> list[tuple[tuple[Token, ...], Any]]:
    reached: list[tuple[tuple[Token, ...], Any]] = [((), data)]
    for step in steps:
        found: list[tuple[tuple[Token, ...], Any]] = []
        for path, node in reached:
            if step is None:
                if isinstance(node, list):
                    found.extend(((*path, index), item) for index, item in enumerate(node))
            elif isinstance(node, dict) and step in node:
                found.append(((*path, step), node[step]))
        reached = found
    return reached


MAX_NAME_LENGTH = 1000
"""The longest entity name: names are looked for in every text, and the string-search automaton
(pyahocorasick 2.x) crashes the process when freeing a name of some hundred thousand characters."""


def check_name_lengths(report: ValidationReport, record: Record) -> None:
    for path, name in _names(record.data):
        if isinstance(name, str) and len(name) > MAX_NAME_LENGTH:
            report.add(
                record.source,
                pointer(path),
                f"the name is {len(name)} characters long; a name may have at most {MAX_NAME_LENGTH}",
                "put a long text in 'description'",
            )


def _names(data: dict[str, Any]) -> Iterator[tuple[tuple[Token, ...], Any]]:
    yield ("name",), data.get("name")
    alternate = data.get("alternateNames")
    if isinstance(alternate, list):
        for index, name in enumerate(alternate):
            yield ("alternateNames", index), name
    local = data.get("localNames")
    if isinstance(local, list):
        for index, item in enumerate(local):
            if isinstance(item, dict):
                yield ("localNames", index, "value"), item.get("value")


def _date_key(value: str) -> tuple[int, ...]:
    parts = value.split("T", 1)[0]
    negative = parts.startswith("-")
    numbers = [int(p) for p in parts.lstrip("-").split("-")]
    if negative:
        numbers[0] = -numbers[0]
    return tuple(numbers)


def check_fields(report: ValidationReport, record: Record, fields: Fields) -> None:
    """Dates that do not exist, ends before starts, and malformed language tags."""
    languages: list[tuple[tuple[Token, ...], str]] = []
    for path, (name, value) in fields.items():
        if name == "language":
            languages.append((path, value))
        elif not _PLAIN_DATE.fullmatch(value) and _DATE_LIKE.fullmatch(value):
            why = _date_problem(value)
            if why:
                report.add(
                    record.source,
                    pointer(path),
                    f"impossible date {value!r}: {why}",
                    "give a real calendar date",
                )
    if len(fields) > len(languages) + 1:  # two dates at least
        _check_date_pairs(report, record, fields)
    for path, value in languages:
        why = language_problem(value)
        if why:
            report.add(
                record.source,
                pointer(path),
                f"language {value!r}: {why}",
                "write a language subtag, then optionally script, region and variants: de-CH-1901",
            )


def _check_date_pairs(report: ValidationReport, record: Record, fields: Fields) -> None:
    for start_path, end_path in _DATE_PAIR_PATHS.get(record.kind, _PERIOD):
        start = fields.get(start_path)
        end = fields.get(end_path)
        if start is not None and end is not None:
            (start_name, start_value), (end_name, end_value) = start, end
            try:
                a, b = _date_key(start_value), _date_key(end_value)
            except ValueError:
                continue
            n = min(len(a), len(b))
            if b[:n] < a[:n]:
                report.add(
                    record.source,
                    pointer(end_path),
                    f"{end_name} {end_value!r} is before {start_name} {start_value!r}",
                    "swap the dates or correct one of them",
                )


_PERIOD = ((("period", "start"), ("period", "end")),)
_DATE_PAIR_PATHS = {
    kind.name: (*(((a,), (b,)) for a, b in kind.date_pairs), *_PERIOD) for kind in KINDS.values()
}
"""Each kind's date pairs as paths into a record's date fields, and an observation's period for every kind."""


def plan_of(record: Record) -> FieldPlan:
    """The field plan of a record that passed its checks so far."""
    plan = _PLANS.get(record.kind)
    if plan is None:
        plan = _PLANS[record.kind] = field_plan(schema_name(record.kind))
    # An inline record was only checked as part of its document, which may have failed.
    if record.inline and not quickly_valid(record, schema_name(record.kind)):
        return WHOLE_RECORD
    return plan


_PLANS: dict[str, FieldPlan] = {}
"""field_plan by record kind, looked up once per record."""
