"""JSON text to Python values within a read policy's limits, with one string object per distinct string.

The limits (nesting depth, integer digits) are checked while decoding, and a broken one is
located (line, column) in the text, so an error names where to fix the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from exilekg.corpus.files import DEFAULT_POLICY, ReadPolicy, _decode, read_file
from exilekg.errors import CorpusError, ExilekgError

__all__ = ["read_json"]


def read_json(
    path: Path | str,
    *,
    inside: Sequence[Path | str],
    policy: ReadPolicy = DEFAULT_POLICY,
    error: type[ExilekgError] = CorpusError,
) -> Any:
    """The JSON value of the file ``path``, read by :func:`read_file` and decoded within the
    policy's depth and integer limits; ``error`` locates any problem (file, line, column)."""
    path = Path(path)
    raw = read_file(path, inside=inside, policy=policy, error=error)
    return _parse_file(raw, path, {}, policy, error)


def _parse_file(
    raw: bytes, path: Path, strings: dict[str, str], policy: ReadPolicy, error: type[ExilekgError]
) -> Any:
    text = _decode(raw, path, error)
    try:
        return _parse(text, strings, policy)
    except json.JSONDecodeError as exc:
        raise error(
            f"malformed JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint="fix the JSON syntax at that line and column",
        ) from None
    except _Limit as exc:
        line, column = _position(text, exc.offset)
        raise error(exc.message, path=path, line=line, column=column, hint=exc.hint) from None


class _MaybeRounded(Exception):
    """orjson's value holds a float, which may be an integer beyond 64 bits that it rounded."""


class _Limit(Exception):
    """A JSON text breaks a limit of the policy at character ``offset`` (-1: not yet known)."""

    def __init__(self, message: str, hint: str, offset: int = -1) -> None:
        super().__init__(message)
        self.message, self.hint, self.offset = message, hint, offset


def _too_deep(policy: ReadPolicy, offset: int = -1) -> _Limit:
    return _Limit(
        f"JSON nested deeper than the limit of {policy.max_json_depth} levels",
        "records need only a few levels of nesting: write the value flatter "
        "(the limit is ReadPolicy(max_json_depth=...))",
        offset,
    )


def _too_long(policy: ReadPolicy, digits: int, offset: int = -1) -> _Limit:
    return _Limit(
        f"an integer of {digits:,} digits, more than the limit of {policy.max_integer_digits}",
        "write an identifier or code as a string; check the number otherwise "
        "(the limit is ReadPolicy(max_integer_digits=...))",
        offset,
    )


_ORJSON_DIGITS = 20
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?', re.DOTALL)


def _locate_limit(text: str, policy: ReadPolicy) -> _Limit:
    """Where in ``text`` the first broken limit sits. Only run once a limit is known to be
    broken, so a clean file never pays for a second scan."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            continue
        if first in "[{":
            depth += 1
            if depth > policy.max_json_depth:
                return _too_deep(policy, match.start())
        elif first in "]}":
            depth -= 1
        elif token.lstrip("-").isdigit() and len(token.lstrip("-")) > policy.max_integer_digits:
            return _too_long(policy, len(token.lstrip("-")), match.start())
    return _too_deep(policy, 0)


def _position(text: str, offset: int) -> tuple[int | None, int | None]:
    if offset < 0:
        return None, None
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse(text: str, strings: dict[str, str], policy: ReadPolicy = DEFAULT_POLICY) -> Any:
    """``json.loads(text)``, with one string object per distinct key and string value, within
    the policy's nesting and integer limits (:class:`_Limit`, located in ``text``, if not).

    json.loads shares keys only within one call, and JSON Lines takes a call per line: every
    record would own its copies of "kind", "id" and "evidence", of the ids it refers to and
    of its dates. orjson parses twice as fast and keeps the keys it has seen, so mostly only
    values are left to share. Its value is kept only if it holds no float, as orjson rounds
    integers beyond 64 bits to floats; what it refuses goes through json.loads, which takes
    NaN, Infinity, lone surrogates and 1e400, and says what is wrong with malformed JSON.
    The limits are checked while decoding (json.loads hands every integer's digits to a
    check before converting them) and on the decoded value, so neither Python's integer
    conversion limit nor its recursion limit can be reached.
    """
    try:
        # orjson's integers have at most 20 digits (64 bits); a stricter limit is json.loads's to check.
        if policy.max_integer_digits >= _ORJSON_DIGITS:
            try:
                return _share(orjson.loads(text), strings, floats=False, policy=policy)
            except (orjson.JSONDecodeError, _MaybeRounded):
                pass
        try:
            value = json.loads(text, parse_int=_integer_parser(policy))
        except RecursionError:
            raise _too_deep(policy) from None
        return _share(value, strings, floats=True, policy=policy)
    except _Limit as exc:
        if exc.offset >= 0:
            raise
        raise _locate_limit(text, policy) from None


def _integer_parser(policy: ReadPolicy) -> Any:
    limit = policy.max_integer_digits

    def parse(digits: str) -> int:
        count = len(digits) - digits.startswith("-")
        if count > limit:
            raise _too_long(policy, count)
        return int(digits)

    return parse


def _share(value: Any, strings: dict[str, str], *, floats: bool, policy: ReadPolicy = DEFAULT_POLICY) -> Any:
    """``value`` with its strings replaced by those of ``strings``, changed in place.

    A loop rather than recursion, so that nesting as deep as the parser takes cannot
    exhaust the stack here. It walks one level of nesting at a time, which counts the
    depth for the limit at no cost per value.
    """
    # It runs once per value of every record file, so it stays one loop with its lookups in local
    # variables: its cyclomatic complexity (22) is one branch per JSON type at each of the two
    # container kinds, and a helper per branch would add a call per value of every corpus read.
    setdefault = strings.setdefault
    kind = type(value)
    if kind is str:
        return setdefault(value, value)
    if kind is float and not floats:
        raise _MaybeRounded
    level = [value] if kind in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > policy.max_json_depth:
            raise _too_deep(policy)
        deeper: list[Any] = []
        push = deeper.append
        for node in level:
            if type(node) is dict:
                fresh_keys = False
                for key, item in node.items():
                    fresh_keys = fresh_keys or setdefault(key, key) is not key
                    kind = type(item)
                    if kind is str:
                        node[key] = setdefault(item, item)
                    elif kind in _CONTAINERS:
                        push(item)
                    elif kind is float and not floats:
                        raise _MaybeRounded
                if fresh_keys:
                    # A key is swapped only by inserting it anew: the dict is refilled, same order.
                    items = [(setdefault(key, key), item) for key, item in node.items()]
                    node.clear()
                    node.update(items)
            else:
                for index, item in enumerate(node):
                    kind = type(item)
                    if kind is str:
                        node[index] = setdefault(item, item)
                    elif kind in _CONTAINERS:
                        push(item)
                    elif kind is float and not floats:
                        raise _MaybeRounded
        level = deeper
    return value


_CONTAINERS = frozenset({dict, list})
