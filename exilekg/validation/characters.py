"""Characters RDF text cannot carry: control characters and unpaired surrogates, in any string of a
record (member names included)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from exilekg.corpus import Record
from exilekg.validation.report import Token, ValidationReport, nodes, pointer

__all__ = ["BAD_CHARS", "check_characters", "suspects"]

BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

_ESCAPED_CONTROL = re.compile(rb"\\(?:u00[01]|[bf])")
"""How orjson writes a control character of BAD_CHARS: \\u0000-\\u001f, \\b or \\f. DEL comes out
raw, and a string with a surrogate cannot be written at all. A backslash before 'b' in the text
matches too, so a match is only a suspicion."""

_CHUNK = 512
"""Records dumped at once: one call per record would cost more than the dumping itself."""


def suspects(records: list[Record]) -> set[int]:
    """``id`` of every record that may hold a character of BAD_CHARS (a superset).

    Searching the records' JSON, written and searched in C, spares walking their strings one by
    one in Python; only the records flagged here are walked by :func:`check_characters`.
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


def _strings(value: Any) -> Iterator[tuple[tuple[Token, ...], str]]:
    """Every string of ``value``, member names included (at their member's path)."""
    for path, node in nodes(value):
        if path and isinstance(path[-1], str):
            yield path, path[-1]
        if isinstance(node, str):
            yield path, node


def check_characters(report: ValidationReport, record: Record) -> bool:
    clean = True
    for path, text in _strings(record.data):
        match = BAD_CHARS.search(text)
        if match:
            char = match.group()
            report.add(
                record.source,
                pointer(path),
                f"contains the character U+{ord(char):04X}, which RDF text cannot carry",
                "remove control characters and unpaired surrogates (\\ud800-\\udfff escapes)",
                code="character",
            )
            clean = False
    return clean
