"""Literal datatypes: which ones each schema.org datatype accepts, and the lexical forms of the
common XSD ones."""

from __future__ import annotations

import re

from exilekg.check.violations import _SCHEMA
from exilekg.terms import RDF, XSD

__all__ = ["LITERAL_DATATYPES", "STRING_DATATYPES"]


_X = str(XSD)
_STRINGS = frozenset(
    {
        _X + "string",
        _X + "normalizedString",
        _X + "token",
        _X + "language",
        _X + "Name",
        _X + "NCName",
        _X + "NMTOKEN",
        _X + "anyURI",
        str(RDF.langString),
    }
)
_INTEGERS = frozenset(
    _X + name
    for name in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_NUMBERS = _INTEGERS | {_X + "decimal", _X + "float", _X + "double"}
_DATES = frozenset({_X + "date", _X + "gYear", _X + "gYearMonth"})
_S = _SCHEMA

LITERAL_DATATYPES: dict[str, frozenset[str]] = {
    _S + "Text": _STRINGS | {_S + "Text"},
    _S + "URL": _STRINGS | {_S + "URL", _S + "Text"},
    _S + "Number": _NUMBERS | {_S + "Number"},
    _S + "Float": _NUMBERS | {_S + "Float", _S + "Number"},
    _S + "Integer": _INTEGERS | {_S + "Integer"},
    _S + "Date": _DATES | {_S + "Date"},
    _S + "DateTime": frozenset({_X + "dateTime", _X + "dateTimeStamp", _S + "DateTime"}),
    _S + "Time": frozenset({_X + "time", _S + "Time"}),
    _S + "Boolean": frozenset({_X + "boolean", _S + "Boolean"}),
    # schema.org writes quantities ("3 kg", "PT1H" for a Duration) as text.
    _S + "Quantity": _STRINGS,
}
"""The literal datatypes each schema.org datatype accepts; a plain literal is an ``xsd:string``.

A schema.org datatype accepts literals typed with itself (``"2024-05-01"^^schema:Date``, as
schema.org's own JSON-LD context types them) and with its schema.org subtypes
(``schema:Integer`` for a Number), besides its XSD counterparts. A schema.org datatype not listed
(PronounceableText, Distance ...) takes the entry of its nearest listed superclass.
"""

STRING_DATATYPES: frozenset[str] = _STRINGS | {_S + "Text", _S + "URL"}
"""The datatypes of text: what ``--lenient`` lets stand where schema.org expects an entity."""

_TZ = r"(Z|[+-](0\d|1[0-4]):[0-5]\d)?"
_YEAR = r"-?([1-9]\d{4,}|\d{4})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12]\d|3[01])"
_CLOCK = r"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)"
_INTEGER = r"[+-]?\d+"
_LEXICAL: dict[str, re.Pattern[str]] = {
    _X + "boolean": re.compile(r"true|false|1|0"),
    _X + "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    _X + "double": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    _X + "float": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    _X + "integer": re.compile(_INTEGER),
    _X + "nonNegativeInteger": re.compile(r"\+?\d+|-0+"),
    _X + "positiveInteger": re.compile(r"\+?0*[1-9]\d*"),
    _X + "date": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}"),
    _X + "gYear": re.compile(f"{_YEAR}{_TZ}"),
    _X + "gYearMonth": re.compile(f"{_YEAR}-{_MONTH}{_TZ}"),
    _X + "dateTime": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}T{_CLOCK}{_TZ}"),
    _X + "time": re.compile(f"{_CLOCK}{_TZ}"),
}
