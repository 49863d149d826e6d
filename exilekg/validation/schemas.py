"""Records against their JSON Schemas, and schema errors in the user's terms.

jsonschema-rs answers "valid?" first, in Rust; only a record it refuses is looked at again by
jsonschema, whose errors are the ones described and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from exilekg.corpus import Record
from exilekg.kinds import KINDS
from exilekg.resources import schema_uri, schemas
from exilekg.sourcemap import escape_pointer
from exilekg.validation.report import ValidationReport, short
from exilekg.validation.syntax import iri_problem

# jsonschema (with referencing, 0.08 s to import) only describes the records jsonschema-rs refuses,
# so a build of valid records never imports it.
if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError as SchemaError
    from referencing import Registry

__all__ = ["describe", "quickly_valid", "registry", "schema_name", "schema_problems", "validator_for"]


def schema_name(kind: str) -> str:
    """The input schema of records of ``kind`` (``Corpus`` for corpus.json)."""
    known = KINDS.get(kind)
    return known.schema if known is not None else kind.lower()


@cache
def registry() -> Registry:
    """The input schemas, for jsonschema (and for reading the schemas themselves)."""
    from referencing import Registry, Resource

    return Registry().with_resources(
        (uri, Resource.from_contents(schema)) for uri, schema in schemas().items()
    )


def _check_iri(value: object) -> bool:
    if isinstance(value, str):
        why = iri_problem(value)
        if why is not None:
            raise ValueError(why)
    return True


@cache
def _format_checker() -> jsonschema.FormatChecker:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("iri", raises=ValueError)(_check_iri)
    return checker


@cache
def validator_for(name: str) -> jsonschema.protocols.Validator:
    """The compiled validator of ``schemas/<name>.schema.json`` (compiled once per process)."""
    import jsonschema

    schema = registry().contents(schema_uri(name))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry(), format_checker=_format_checker())


def _iri_format(value: object) -> bool:
    return not isinstance(value, str) or iri_problem(value) is None


@cache
def _quick_validator(name: str) -> Any:
    """The same schema compiled by jsonschema-rs, which answers "valid?" for a record in Rust.

    Its regular expressions are stricter than Python's where they differ (``$`` before a final
    newline, ``\\s`` and the control characters the character check refuses anyway); a record it
    refuses is always looked at again by :func:`validator_for`, whose errors are the ones reported.
    """
    contents = schemas()
    return jsonschema_rs.Draft202012Validator(
        contents[schema_uri(name)],
        registry=jsonschema_rs.Registry(list(contents.items())),
        formats={"iri": _iri_format},
        validate_formats=True,
    )


def quickly_valid(record: Record, name: str) -> bool:
    """Whether ``record`` passes the schema ``name``, asked of jsonschema-rs."""
    try:
        return bool(_quick_validator(name).is_valid(record.data))
    except (ValueError, UnicodeError):  # lone surrogates cannot cross into Rust
        return False


def schema_problems(report: ValidationReport, record: Record, name: str) -> bool:
    """Report every error of ``record`` against the schema ``name``; whether it had none."""
    if quickly_valid(record, name):
        return True
    errors = sorted(validator_for(name).iter_errors(record.data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        pointer, message, hint = describe(error)
        report.add(record.source, pointer, message, hint, code="schema")
    return not errors


# -- schema errors in the user's terms ------------------------------------------------------------


def describe(error: SchemaError) -> tuple[str, str, str | None]:
    """A schema error as (sub-pointer, message, hint) in the user's terms."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        # A branch that wants another type of value (an id string where an inline record was
        # written) is not the one the author meant; the errors of the other branches say more.
        wrong_type = {
            e.relative_schema_path[0] for e in error.context if e.validator == "type" and not e.relative_path
        }
        meant = [e for e in error.context if e.relative_schema_path[0] not in wrong_type]
        from jsonschema.exceptions import best_match

        error = best_match(meant or error.context)
    pointer = "".join(f"/{escape_pointer(p)}" for p in error.absolute_path)
    where = str(error.absolute_path[-1]) if error.absolute_path else "the record"
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description")
    describer = _DESCRIBERS.get(str(error.validator))
    if describer is None:
        return pointer, f"{where}: {short(error.message, 120)}", hint
    message, better_hint = describer(error, where, schema)
    return pointer, message, better_hint or hint


_Describer = Callable[["SchemaError", str, dict[str, Any]], tuple[str, str | None]]
"""(error, the name of the value, the failing schema) -> (message, hint); a hint of None: the
schema's description."""


def _required(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    missing = re.findall(r"'([^']+)' is a required property", error.message)
    name = missing[0] if missing else "?"
    return f"missing required field {name!r}", f"add {name!r} to the record"


def _additional(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    instance: Any = error.instance
    extra = sorted(set(instance) - set(schema.get("properties", {})))
    allowed = ", ".join(sorted(schema.get("properties", {})))
    return f"unknown field(s) {', '.join(map(repr, extra))}", f"allowed fields: {allowed}"


def _enum(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    allowed_values: Any = error.validator_value
    options = ", ".join(map(str, allowed_values))
    # The enum's own description says what the field is for, and where a value that is not
    # allowed here belongs instead (a "community" is a Collective, not an Organization type).
    about = f". {schema['description']}" if schema.get("description") else ""
    hint = f"use one of: {options}{about}"
    return f"{where} is {short(error.instance)}, not one of the allowed values", hint


def _const(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    return f"{where} must be {error.validator_value!r}, not {short(error.instance)}", None


def _type(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    return f"{where} must be of type {error.validator_value}, not {type(error.instance).__name__}", None


def _pattern(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    return f"{where} {short(error.instance)} is not well-formed", None


def _format(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    reason = f": {error.cause}" if error.cause is not None else ""
    return f"{where} {short(error.instance)} is not a valid {error.validator_value}{reason}", None


def _empty(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    return f"{where} must not be empty", None


def _too_long(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    return f"{where} is too long (at most {error.validator_value})", None


def _repeated(error: SchemaError, where: str, schema: dict[str, Any]) -> tuple[str, str | None]:
    return f"{where} lists the same value twice", "remove the repeated value"


_DESCRIBERS: dict[str, _Describer] = {
    "required": _required,
    "additionalProperties": _additional,
    "enum": _enum,
    "const": _const,
    "type": _type,
    "pattern": _pattern,
    "format": _format,
    "minLength": _empty,
    "minItems": _empty,
    "maxLength": _too_long,
    "maxItems": _too_long,
    "uniqueItems": _repeated,
}
"""How each JSON Schema keyword's failure is told; any other keyword gets jsonschema's own message."""
