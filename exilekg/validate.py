"""Validating a loaded corpus: JSON Schemas first, then what a schema cannot say.

All problems of a run are collected into one :class:`ValidationReport`; nothing
stops at the first. The checks beyond the schemas: unknown and duplicate ids,
references to the wrong kind of record, impossible dates, ends before starts,
evidence pointing at unknown documents, and, when texts are given, evidence
phrases that do not occur in their document and texts whose SHA-256 changed.
"""

from __future__ import annotations

import calendar
import difflib
import ipaddress
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import jsonschema
import jsonschema_rs
import orjson
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from exilekg.anchor import Anchor, AnchorProblem, locate
from exilekg.corpus import Corpus, Record, Source, Text
from exilekg.errors import CorpusError, Problem, ValidationError
from exilekg.model import ENTITY_KINDS, FACT_KINDS, RELATIONS
from exilekg.resources import schemas_dir
from exilekg.sourcemap import escape_pointer

__all__ = ["EvidenceKey", "ValidationReport", "validate", "validator_for"]

PLACE = frozenset({"Place"})
AGENT = frozenset({"Person", "Organization"})
WORK = frozenset({"CreativeWork", "Document"})
ANY = frozenset({*ENTITY_KINDS, "Document"})

REFERENCE_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "Document": {"authors": AGENT, "publisher": AGENT, "citations": WORK},
    "Place": {"containedIn": PLACE},
    "Event": {"location": PLACE, "about": ANY},
    "CreativeWork": {"authors": AGENT, "publisher": AGENT},
    "Designation": {"subject": AGENT, "designatedBy": frozenset({"Organization"})},
    "Observation": {"about": ANY, "producer": AGENT, "source": WORK},
    "Quotation": {"speaker": AGENT, "place": PLACE, "about": ANY},
    "Claim": {"claimant": AGENT, "about": ANY},
}
"""Which kinds each reference field may point at. Relation's subject and object come from RELATIONS."""

DATE_PAIRS: dict[str, list[tuple[str, str]]] = {
    "Person": [("birthDate", "deathDate")],
    "Event": [("startDate", "endDate")],
    "Relation": [("startDate", "endDate")],
    "Designation": [("date", "endDate")],
}

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

EvidenceKey = tuple[str, int]
"""(record id, index of the evidence item)."""

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass
class ValidationReport:
    """Everything validation found, plus what it located and what it could not check."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """What is valid but unlikely to be right (a boilerplate headline, a placeholder date): never fails."""
    skipped: list[str] = field(default_factory=list)
    anchors: dict[EvidenceKey, Anchor] = field(default_factory=dict)
    evidence_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def evidence_verified(self) -> int:
        return len(self.anchors)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def add(
        self, source: Source, sub_pointer: str, message: str, hint: str | None = None, code: str = "invalid"
    ) -> None:
        self.problems.append(Problem(source.locate(sub_pointer), message, hint, code))


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(schemas_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@cache
def validator_for(name: str) -> jsonschema.protocols.Validator:
    """The compiled validator of ``schemas/<name>.schema.json`` (compiled once per process)."""
    registry = _registry()
    schema = registry.contents(f"https://w3id.org/exilekg/schemas/{name}.schema.json")
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=_FORMATS)


# -- IRIs and language tags, as strictly as RDF parsers read them -------------------------------
# The schemas' patterns keep out spaces and angle brackets; these check the rest of RFC 3987
# (percent-encoding, ports, IP literals, which characters may stand where) and RFC 5646, so
# that no value a record may hold makes a dump that pyoxigraph or rdflib refuse to parse.

_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr((plane << 16) | 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED = f"A-Za-z0-9\\-._~{_UCSCHAR}"
_PCHAR = f"(?:[{_UNRESERVED}!$&'()*+,;=:@]|%[0-9A-Fa-f]{{2}})"
_IRI = re.compile(
    "(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):"
    "(?://"
    f"(?:(?:[{_UNRESERVED}!$&'()*+,;=:]|%[0-9A-Fa-f]{{2}})*@)?"
    f"(?P<host>\\[[^\\]]*\\]|(?:[{_UNRESERVED}!$&'()*+,;=]|%[0-9A-Fa-f]{{2}})*)"
    "(?::[0-9]*)?"
    f"(?:/{_PCHAR}*)*"
    f"|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?"
    f"|{_PCHAR}+(?:/{_PCHAR}*)*"
    "|)"
    f"(?:\\?(?:{_PCHAR}|[{_IPRIVATE}/?])*)?"
    f"(?:#(?:{_PCHAR}|[/?])*)?"
)
_IP_FUTURE = re.compile(f"v[0-9A-Fa-f]+\\.[{_UNRESERVED}!$&'()*+,;=:]+")


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute IRI (RFC 3987), or None."""
    match = _IRI.fullmatch(value)
    if match is None:
        for index, char in enumerate(value):
            if char == "%" and not re.fullmatch("[0-9A-Fa-f]{2}", value[index + 1 : index + 3]):
                return "'%' must start a percent-encoded byte such as %20"
        return "it is not a well-formed absolute IRI (RFC 3987)"
    host = match.group("host") or ""
    if host.startswith("["):
        literal = host[1:-1]
        if _IP_FUTURE.fullmatch(literal):
            return None
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            return f"the host {host} is not an IPv6 address"
        if "%" in literal:
            return f"the host {host} has a zone index, which IRIs do not allow"
    return None


_ALNUM = "[A-Za-z0-9]"
_LANGUAGE_TAG = re.compile(
    "(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language, with up to three extlangs
    "(?:-[A-Za-z]{4})?"  # script
    "(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    f"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    f"(?:-[0-9A-WY-Za-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    f"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"  # private use
    f"|[xX](?:-{_ALNUM}{{1,8}})+"
)


def language_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed BCP 47 language tag (RFC 5646), or None."""
    if _LANGUAGE_TAG.fullmatch(value):
        return None
    return "it is not a well-formed BCP 47 language tag (such as en, ru, de-CH or sr-Latn)"


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("iri", raises=ValueError)
def _check_iri(value: object) -> bool:
    if isinstance(value, str):
        why = iri_problem(value)
        if why is not None:
            raise ValueError(why)
    return True


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: SchemaError) -> tuple[str, str, str | None]:
    """A schema error as (sub-pointer, message, hint) in the user's terms."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        # A branch that wants another type of value (an id string where an inline record was
        # written) is not the one the author meant; the errors of the other branches say more.
        wrong_type = {
            e.relative_schema_path[0] for e in error.context if e.validator == "type" and not e.relative_path
        }
        meant = [e for e in error.context if e.relative_schema_path[0] not in wrong_type]
        error = best_match(meant or error.context)
    pointer = "".join(f"/{escape_pointer(p)}" for p in error.absolute_path)
    where = str(error.absolute_path[-1]) if error.absolute_path else "the record"
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description")
    v = error.validator
    if v == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else "?"
        return pointer, f"missing required field {name!r}", f"add {name!r} to the record"
    if v == "additionalProperties":
        instance: Any = error.instance
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        allowed = ", ".join(sorted(schema.get("properties", {})))
        return pointer, f"unknown field(s) {', '.join(map(repr, extra))}", f"allowed fields: {allowed}"
    if v == "enum":
        allowed_values: Any = error.validator_value
        options = ", ".join(map(str, allowed_values))
        return (
            pointer,
            f"{where} is {_short(error.instance)}, not one of the allowed values",
            f"use one of: {options}",
        )
    if v == "const":
        return pointer, f"{where} must be {error.validator_value!r}, not {_short(error.instance)}", hint
    if v == "type":
        return (
            pointer,
            f"{where} must be of type {error.validator_value}, not {type(error.instance).__name__}",
            hint,
        )
    if v == "pattern":
        return pointer, f"{where} {_short(error.instance)} is not well-formed", hint
    if v == "format":
        reason = f": {error.cause}" if error.cause is not None else ""
        message = f"{where} {_short(error.instance)} is not a valid {error.validator_value}{reason}"
        return pointer, message, hint
    if v in ("minLength", "minItems"):
        return pointer, f"{where} must not be empty", hint
    if v in ("maxLength", "maxItems"):
        return pointer, f"{where} is too long (at most {error.validator_value})", hint
    if v == "uniqueItems":
        return pointer, f"{where} lists the same value twice", "remove the repeated value"
    return pointer, f"{where}: {_short(error.message, 120)}", hint


def _iri_format(value: object) -> bool:
    return not isinstance(value, str) or iri_problem(value) is None


@cache
def _quick_validator(name: str) -> Any:
    """The same schema compiled by jsonschema-rs, which answers "valid?" for a record in Rust.

    Its regular expressions are stricter than Python's where they differ (``$`` before a final
    newline, ``\\s`` and the control characters the character check refuses anyway); a record it
    refuses is always looked at again by :func:`validator_for`, whose errors are the ones reported.
    """
    resources = []
    for path in sorted(schemas_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], schema))
    contents = dict(resources)
    return jsonschema_rs.Draft202012Validator(
        contents[f"https://w3id.org/exilekg/schemas/{name}.schema.json"],
        registry=jsonschema_rs.Registry(resources),
        formats={"iri": _iri_format},
        validate_formats=True,
    )


def _quickly_valid(record: Record, schema_name: str) -> bool:
    try:
        return bool(_quick_validator(schema_name).is_valid(record.data))
    except (ValueError, UnicodeError):  # lone surrogates cannot cross into Rust
        return False


def _schema_problems(report: ValidationReport, record: Record, schema_name: str) -> bool:
    if _quickly_valid(record, schema_name):
        return True
    errors = sorted(validator_for(schema_name).iter_errors(record.data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        pointer, message, hint = _describe(error)
        report.add(record.source, pointer, message, hint, code="schema")
    return not errors


Token = str | int
"""A step of a JSON pointer: a member name or an array index."""

_ESCAPED_CONTROL = re.compile(rb"\\(?:u00[01]|[bf])")
"""How orjson writes a control character of _BAD_CHARS: \\u0000-\\u001f, \\b or \\f. DEL comes out
raw, and a string with a surrogate cannot be written at all. A backslash before 'b' in the text
matches too, so a match is only a suspicion."""

_CHUNK = 512
"""Records dumped at once: one call per record would cost more than the dumping itself."""


def _suspects(records: list[Record]) -> set[int]:
    """``id`` of every record that may hold a character of _BAD_CHARS (a superset).

    Searching the records' JSON, written and searched in C, spares walking their strings one by
    one in Python; only the records flagged here are walked by :func:`_check_characters`.
    """
    flagged: set[int] = set()
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        if _suspect([record.data for record in chunk]):
            flagged.update(id(record) for record in chunk if _suspect(record.data))
    return flagged


def _suspect(value: Any) -> bool:
    try:
        dumped = orjson.dumps(value)
    except TypeError:  # orjson refuses surrogates, integers beyond 64 bits and deep nesting
        return True
    return b"\x7f" in dumped or _ESCAPED_CONTROL.search(dumped) is not None


def _nodes(value: Any) -> Iterator[tuple[tuple[Token, ...], Any]]:
    """``value`` and every member and item below it, with its path, in document order.

    A loop rather than recursion, so that no nesting depth json.loads accepted stops it.
    """
    stack: list[tuple[tuple[Token, ...], Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            stack.extend(reversed([((*path, key), item) for key, item in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([((*path, index), item) for index, item in enumerate(node)]))


def _strings(value: Any) -> Iterator[tuple[tuple[Token, ...], str]]:
    """Every string of ``value``, member names included (at their member's path)."""
    for path, node in _nodes(value):
        if path and isinstance(path[-1], str):
            yield path, path[-1]
        if isinstance(node, str):
            yield path, node


def _pointer(path: tuple[Token, ...]) -> str:
    return "".join(f"/{escape_pointer(token)}" for token in path)


def _check_characters(report: ValidationReport, record: Record) -> bool:
    clean = True
    for path, text in _strings(record.data):
        match = _BAD_CHARS.search(text)
        if match:
            char = match.group()
            report.add(
                record.source,
                _pointer(path),
                f"contains the character U+{ord(char):04X}, which RDF text cannot carry",
                "remove control characters and unpaired surrogates (\\ud800-\\udfff escapes)",
                code="character",
            )
            clean = False
    return clean


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

_Fields = dict[tuple[Token, ...], tuple[str, str]]
"""Date and language fields of a record: path -> (member name, string value)."""

FieldPath = tuple[str | None, ...]
"""Member names from a record down to a value; None stands for every item of an array."""


@dataclass(frozen=True)
class _FieldPlan:
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


_WHOLE_RECORD = _FieldPlan((), (), ((),))


class _Resolver(Protocol):
    """What of a referencing resolver the plans use (its class is not public)."""

    def lookup(self, ref: str) -> Any: ...


@cache
def _field_plan(schema_name: str) -> _FieldPlan:
    """The plan of ``schemas/<schema_name>.schema.json``, read from the schema itself."""
    uri = f"https://w3id.org/exilekg/schemas/{schema_name}.schema.json"
    resolver = _registry().resolver(base_uri=uri)
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
    return _FieldPlan(
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


def _fields(data: dict[str, Any], plan: _FieldPlan) -> _Fields:
    found: _Fields = {}
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
            for sub, item in _nodes(node):
                whole = (*path, *sub)
                member = whole[-1] if whole else None
                if isinstance(member, str) and member in _CHECKED_FIELDS and isinstance(item, str):
                    found[whole] = (member, item)
    return found


def _resolve(data: Any, steps: FieldPath) -> list[tuple[tuple[Token, ...], Any]]:
    nodes: list[tuple[tuple[Token, ...], Any]] = [((), data)]
    for step in steps:
        found: list[tuple[tuple[Token, ...], Any]] = []
        for path, node in nodes:
            if step is None:
                if isinstance(node, list):
                    found.extend(((*path, index), item) for index, item in enumerate(node))
            elif isinstance(node, dict) and step in node:
                found.append(((*path, step), node[step]))
        nodes = found
    return nodes


MAX_NAME_LENGTH = 1000
"""The longest entity name: names are looked for in every text, and the string-search automaton
(pyahocorasick 2.x) crashes the process when freeing a name of some hundred thousand characters."""


def _check_name_lengths(report: ValidationReport, record: Record) -> None:
    for path, name in _names(record.data):
        if isinstance(name, str) and len(name) > MAX_NAME_LENGTH:
            report.add(
                record.source,
                _pointer(path),
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


def _check_fields(report: ValidationReport, record: Record, fields: _Fields) -> None:
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
                    _pointer(path),
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
                _pointer(path),
                f"language {value!r}: {why}",
                "write a language subtag, then optionally script, region and variants: de-CH-1901",
            )


def _check_date_pairs(report: ValidationReport, record: Record, fields: _Fields) -> None:
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
                    _pointer(end_path),
                    f"{end_name} {end_value!r} is before {start_name} {start_value!r}",
                    "swap the dates or correct one of them",
                )


_PERIOD = ((("period", "start"), ("period", "end")),)
_DATE_PAIR_PATHS = {kind: (*(((a,), (b,)) for a, b in pairs), *_PERIOD) for kind, pairs in DATE_PAIRS.items()}
"""DATE_PAIRS as paths into a record's date fields, and an observation's period for every kind."""


def _refs(value: Any) -> Iterator[tuple[str, str]]:
    """(sub-pointer, id) for a reference field holding an id, a list of ids or inline records."""
    if isinstance(value, str):
        yield "", value
    elif isinstance(value, dict) and isinstance(value.get("id"), str):
        yield "/id", value["id"]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for sub, ref in _refs(item):
                yield f"/{index}{sub}", ref


def validate(corpus: Corpus) -> ValidationReport:
    """Check ``corpus`` and return every problem found (never raises for bad records)."""
    report = ValidationReport()
    meta = Record(corpus.meta, corpus.meta_source, "Corpus")
    _check_characters(report, meta)  # corpus.json's strings reach the dumps too (title, description ...)
    _schema_problems(report, meta, "corpus")
    records = list(corpus.all_records())
    suspects = _suspects(records)
    failed: set[int] = set()
    """``id`` of the records with problems so far: deeper checks would only echo them."""

    for record in records:
        clean = id(record) not in suspects or _check_characters(report, record)
        if record.kind == "Document":
            clean = _schema_problems(report, record, "document") and clean
        elif record.inline:
            pass  # an inline record is checked by its document's schema
        elif record.kind in ENTITY_KINDS or record.kind in FACT_KINDS:
            clean = _schema_problems(report, record, record.kind.lower()) and clean
        else:
            kinds = ", ".join([*ENTITY_KINDS, *FACT_KINDS])
            got = record.data.get("kind")
            message = "the record has no 'kind'" if got is None else f"unknown kind {_short(got)}"
            report.add(record.source, "/kind" if got is not None else "", message, f"use one of: {kinds}")
            clean = False
        if not clean:
            failed.add(id(record))

    index = _index_ids(report, corpus)
    for record in records:
        if id(record) in failed:
            continue
        data = record.data
        fields = _fields(data, _plan_of(record))
        if fields:
            _check_fields(report, record, fields)
        if record.kind in ENTITY_KINDS:
            _check_name_lengths(report, record)
        _check_references(report, record, index)
        if record.kind in FACT_KINDS and "evidence" not in data and "curatorNote" not in data:
            report.add(
                record.source,
                "",
                f"the {record.kind} {record.id!r} has no evidence",
                'add "evidence": [{"document": ..., "exact": "a few words of it"}], '
                'or "curatorNote": "why it is known without a source"',
                code="evidence",
            )
    _check_texts(report, corpus, failed)
    from exilekg.ingest.plausibility import document_warnings

    report.warnings.extend(document_warnings(corpus))
    return report


def _plan_of(record: Record) -> _FieldPlan:
    """The field plan of a record that passed its checks so far."""
    plan = _PLANS.get(record.kind)
    if plan is None:
        plan = _PLANS[record.kind] = _field_plan(_schema_name(record.kind))
    # An inline record was only checked as part of its document, which may have failed.
    if record.inline and not _quickly_valid(record, _schema_name(record.kind)):
        return _WHOLE_RECORD
    return plan


_PLANS: dict[str, _FieldPlan] = {}
"""_field_plan by record kind, looked up once per record."""


def _schema_name(kind: str) -> str:
    return "document" if kind == "Document" else kind.lower()


def _index_ids(report: ValidationReport, corpus: Corpus) -> dict[str, Record]:
    index: dict[str, Record] = {}
    for record in corpus.all_records():
        rid = record.id
        if rid is None:
            continue
        first = index.get(rid)
        if first is None:
            index[rid] = record
        elif first.kind == record.kind and first.data == record.data and record.kind != "Document":
            continue  # the same inline record repeated in several documents is one record
        else:
            where = first.source.locate("/id")
            report.add(
                record.source,
                "/id",
                f"duplicate id {rid!r}: already used by a {first.kind} at {where}",
                "ids are unique across the whole corpus; rename one of them",
                code="duplicate",
            )
    return index


def _reference_fields(record: Record) -> dict[str, frozenset[str]]:
    if record.kind == "Relation":
        relation = record.data.get("relation")
        return _relation_fields(relation if isinstance(relation, str) else "")
    return REFERENCE_FIELDS.get(record.kind, {})


@cache
def _relation_fields(relation: str) -> dict[str, frozenset[str]]:
    spec = RELATIONS.get(relation)
    return {} if spec is None else {"subject": spec.subjects, "object": spec.objects}


def _resolves(value: Any, allowed: frozenset[str], index: dict[str, Record]) -> bool:
    """Whether every id of a reference field names a record of an allowed kind (the usual case)."""
    for ref in value if isinstance(value, list) else (value,):
        if isinstance(ref, str):
            target = index.get(ref)
            if target is None or target.kind not in allowed:
                return False
        elif not isinstance(ref, dict):
            return False  # let _refs decide what it is
    return True


def _check_references(report: ValidationReport, record: Record, index: dict[str, Record]) -> None:
    data = record.data
    for name, allowed in _reference_fields(record).items():
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            target = index.get(value)
            if target is not None and target.kind in allowed:
                continue
        elif _resolves(value, allowed, index):
            continue
        for sub, ref in _refs(value):
            if sub.endswith("/id") or sub == "/id":
                continue  # an inline record is its own target
            target = index.get(ref)
            pointer = f"/{name}{sub}"
            if target is None:
                report.add(
                    record.source, pointer, f"unknown id {ref!r}", _suggest_ids(ref, index), code="reference"
                )
            elif target.kind not in allowed:
                what = f"the relation {record.data.get('relation')!r}" if record.kind == "Relation" else name
                report.add(
                    record.source,
                    pointer,
                    f"{ref!r} is a {target.kind}, but {what} needs a {' or '.join(sorted(allowed))} here",
                    "point at a record of the right kind",
                    code="reference",
                )
    items = data.get("evidence")
    if not isinstance(items, list):
        return
    for number, item in enumerate(item for item in items if isinstance(item, dict)):
        doc = item.get("document")
        if isinstance(doc, str):
            target = index.get(doc)
            if target is not None and target.kind == "Document":
                continue
            pointer = f"/evidence/{number}/document"
            if target is None:
                report.add(
                    record.source,
                    pointer,
                    f"evidence names an unknown document {doc!r}",
                    _suggest_ids(doc, index),
                    code="reference",
                )
            else:
                report.add(
                    record.source,
                    pointer,
                    f"evidence must name a document, and {doc!r} is a {target.kind}",
                    "give the id of a record in documents/",
                    code="reference",
                )


def _evidence(record: Record) -> list[dict[str, Any]]:
    items = record.data.get("evidence")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _suggest_ids(ref: str, index: dict[str, Record]) -> str:
    close = difflib.get_close_matches(ref, list(index), n=3, cutoff=0.6)
    return (
        f"did you mean {' or '.join(map(repr, close))}?"
        if close
        else "define a record with that id, or fix the reference"
    )


_Evidence = tuple[int, Record, int, dict[str, Any]]
"""An evidence item to locate: its place among all items (for the order of problems), its record,
its number in the record, and the item."""


def _check_texts(report: ValidationReport, corpus: Corpus, failed: set[int]) -> None:
    wanted: dict[str, list[_Evidence]] = {}
    total = 0
    for record in corpus.records:
        if id(record) in failed:
            continue
        for number, item in enumerate(_evidence(record)):
            doc_id = item.get("document")
            if isinstance(doc_id, str) and isinstance(item.get("exact"), str):
                wanted.setdefault(doc_id, []).append((total, record, number, item))
            total += 1
    report.evidence_total = total
    if not corpus.has_texts:
        report.skipped.append("evidence phrases were not located in their documents (no texts folder)")
        report.skipped.append("the SHA-256 of document texts was not compared (no texts folder)")
        return
    documents = [d for d in corpus.documents if id(d) not in failed and d.id is not None]
    counts = Counter(d.id for d in documents)
    # Each text is read, folded and searched for all its phrases at once, then let go: the corpus
    # keeps no texts, and holding them all (with their folded copies) until the end would cost
    # several times the texts' size at once.
    unlocated: list[tuple[_Evidence, AnchorProblem | None]] = []
    repeated: dict[str, Text | None] = {}
    for document in documents:
        doc_id = document.id
        assert doc_id is not None
        try:
            text = corpus.text(document)
        except CorpusError as exc:
            report.problems.append(Problem(document.source.locate("/text"), exc.message, exc.hint, "text"))
            continue
        expected = document.data.get("sha256")
        if text is not None and expected is not None and expected != text.sha256:
            report.add(
                document.source,
                "/sha256",
                f"the text {document.data.get('text')!r} does not match its recorded SHA-256",
                f"if the text is the right one, set sha256 to {text.sha256}",
                code="text",
            )
        if counts[doc_id] > 1:
            repeated[doc_id] = text  # a duplicate id (reported already): its last readable text counts
        else:
            _locate_all(text, wanted.get(doc_id, []), report.anchors, unlocated)
    for doc_id, text in repeated.items():
        _locate_all(text, wanted.get(doc_id, []), report.anchors, unlocated)

    # Reported in the records' order, as if each phrase had been looked up in turn.
    for (_, record, number, item), problem in sorted(unlocated, key=lambda u: u[0][0]):
        doc_id = item["document"]
        pointer = f"/evidence/{number}/exact"
        if problem is None:
            report.add(
                record.source,
                pointer,
                f"document {doc_id!r} names no text file, so the phrase cannot be checked",
                f"add a 'text' file name to document {doc_id!r}",
                code="evidence",
            )
        else:
            report.add(
                record.source,
                pointer,
                f"in document {doc_id!r}: {problem.message}",
                problem.hint,
                code="evidence",
            )


def _locate_all(
    text: Text | None,
    evidence: list[_Evidence],
    anchors: dict[EvidenceKey, Anchor],
    unlocated: list[tuple[_Evidence, AnchorProblem | None]],
) -> None:
    """Locate each phrase of ``evidence`` in ``text``; None: the document names no text to look in."""
    if text is None:
        unlocated.extend((each, None) for each in evidence)
        return
    if not evidence:
        return  # folding a text no phrase is looked for in would be wasted
    normalized = text.normalized
    for each in evidence:
        _, record, number, item = each
        exact = item["exact"]
        found = locate(
            normalized,
            exact,
            prefix=item.get("prefix"),
            suffix=item.get("suffix"),
            occurrence=item.get("occurrence"),
        )
        if isinstance(found, AnchorProblem):
            unlocated.append((each, found))
        elif record.id is not None:
            if found.exact == exact:
                # The phrase as written is the text's own: keep one copy of it alive, not two.
                found = Anchor(found.start, found.end, exact, found.prefix, found.suffix)
            anchors[(record.id, number)] = found
