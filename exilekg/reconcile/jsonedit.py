"""Editing one member of one object in a curated JSON file, leaving every other byte as it was.

Records are written by hand, in a layout their curators chose (several members to a line,
records grouped with blank lines). Re-serialising a whole file would lose that, so a member
is changed in place: its value's text is replaced, or a new member is written after the
object's last one, on a line of its own when the object spans several lines (indented like
its other members), inline when it is a one-line object. The scanner finds spans only; the
caller checks the result by parsing it (see :func:`set_member`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["ObjectSpan", "find_object", "render_value", "set_member"]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^,\]\}\s]+")


@dataclass(frozen=True)
class ObjectSpan:
    """Where an object sits in the text: ``start`` at ``{``, ``end`` just past ``}``, and its members."""

    start: int
    end: int
    members: dict[str, tuple[int, int, int]]
    """Each key: (offset of the key's opening quote, start of its value, end of its value)."""


def _skip(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _value_end(text: str, pos: int) -> int:
    """The end of the JSON value starting at ``pos`` (which is not whitespace)."""
    ch = text[pos]
    if ch in "{[":
        close = "}" if ch == "{" else "]"
        pos = _skip(text, pos + 1)
        if text[pos] == close:
            return pos + 1
        while True:
            if ch == "{":
                m = _STRING.match(text, pos)
                if m is None:
                    raise ValueError(f"expected a key at offset {pos}")
                pos = _skip(text, m.end())
                if text[pos] != ":":
                    raise ValueError(f"expected ':' at offset {pos}")
                pos = _skip(text, pos + 1)
            pos = _skip(text, _value_end(text, pos))
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
                continue
            if text[pos] != close:
                raise ValueError(f"expected {close!r} at offset {pos}")
            return pos + 1
    m = _STRING.match(text, pos) if ch == '"' else _SCALAR.match(text, pos)
    if m is None:
        raise ValueError(f"no JSON value at offset {pos}")
    return m.end()


def _members(text: str, start: int) -> tuple[int, dict[str, tuple[int, int, int]]]:
    members: dict[str, tuple[int, int, int]] = {}
    pos = _skip(text, start + 1)
    if text[pos] == "}":
        return pos + 1, members
    while True:
        m = _STRING.match(text, pos)
        if m is None:
            raise ValueError(f"expected a key at offset {pos}")
        key = json.loads(m.group())
        pos = _skip(text, m.end()) + 1  # past ':'
        value_start = _skip(text, pos)
        value_end = _value_end(text, value_start)
        members[key] = (m.start(), value_start, value_end)
        pos = _skip(text, value_end)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
            continue
        return pos + 1, members


def find_object(text: str, pointer: str) -> ObjectSpan:
    """The object at JSON ``pointer`` (``""`` for the whole text) of a valid JSON ``text``."""
    pos = _skip(text, 0)
    tokens = [_unescape_token(t) for t in pointer.split("/")[1:]] if pointer else []
    for token in tokens:
        ch = text[pos]
        if ch == "{":
            _, members = _members(text, pos)
            if token not in members:
                raise KeyError(pointer)
            pos = members[token][1]
        elif ch == "[":
            if not token.isdigit():
                raise KeyError(pointer)
            index = int(token)
            pos = _skip(text, pos + 1)
            for _ in range(index):
                pos = _skip(text, _value_end(text, pos))
                if text[pos] != ",":
                    raise KeyError(pointer)
                pos = _skip(text, pos + 1)
            if text[pos] == "]":
                raise KeyError(pointer)
        else:
            raise KeyError(pointer)
    if text[pos] != "{":
        raise KeyError(pointer)
    end, members = _members(text, pos)
    return ObjectSpan(pos, end, members)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _member_indent(text: str, span: ObjectSpan) -> str | None:
    """The indentation of a member that starts its own line, if the object has one."""
    for key_start, _, _ in sorted(span.members.values(), reverse=True):
        line_start = _line_start(text, key_start)
        if line_start > span.start and not text[line_start:key_start].strip():
            return text[line_start:key_start]
    return None


def render_value(value: Any, *, indent: str | None = None) -> str:
    """``value`` as compact JSON (``", "`` and ``": "``, non-ASCII kept); a list of objects with
    ``indent`` gets one item to a line, indented two spaces deeper."""
    if indent is not None and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        inner = indent + "  "
        items = ",\n".join(inner + json.dumps(item, ensure_ascii=False) for item in value)
        return f"[\n{items}]"
    return json.dumps(value, ensure_ascii=False)


def set_member(text: str, pointer: str, key: str, value: Any) -> str:
    """``text`` with member ``key`` of the object at ``pointer`` set to ``value``.

    An existing member keeps its place and only its value's text changes; a new one goes
    after the last member. Raises ``ValueError`` if the result does not parse to the same
    document with only that member changed, so a scanner mistake can never corrupt a file.
    """
    span = find_object(text, pointer)
    multiline = "\n" in text[span.start : span.end]
    indent = _member_indent(text, span) if multiline else None
    rendered = render_value(value, indent=indent)
    if key in span.members:
        _, value_start, value_end = span.members[key]
        result = text[:value_start] + rendered + text[value_end:]
    else:
        member = f"{json.dumps(key, ensure_ascii=False)}: {rendered}"
        if not span.members:
            result = text[: span.start + 1] + member + text[span.end - 1 :]
        else:
            last_end = max(end for _, _, end in span.members.values())
            addition = f",\n{indent}{member}" if indent is not None else f", {member}"
            result = text[:last_end] + addition + text[last_end:]
    _check(text, result, pointer, key, value)
    return result


def _resolve(document: Any, pointer: str) -> Any:
    node = document
    for token in [_unescape_token(t) for t in pointer.split("/")[1:]] if pointer else []:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _check(before: str, after: str, pointer: str, key: str, value: Any) -> None:
    expected = json.loads(before)
    target = _resolve(expected, pointer)
    target[key] = value
    if json.loads(after) != expected:
        raise ValueError(f"editing {pointer or '/'} member {key!r} changed more than that member")
