"""Line and column of a JSON pointer in a JSON text, for error messages.

Only computed when an error needs it, so a clean build never pays for it. The
text is known to be valid JSON (it parsed), so the scanner can be small.
"""

from __future__ import annotations

import bisect
import json
import re
import sys

__all__ = ["escape_pointer", "pointer_lines"]

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^,\]\}\s]+")


def escape_pointer(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_lines(text: str) -> dict[str, tuple[int, int]]:
    """Map every JSON pointer in ``text`` to the (line, column) where its value starts, 1-based."""
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    positions: dict[str, int] = {}

    def skip(pos: int) -> int:
        m = _WS.match(text, pos)
        return m.end() if m else pos

    def value(pos: int, pointer: str) -> int:
        pos = skip(pos)
        positions[pointer] = pos
        ch = text[pos]
        if ch == "{":
            pos = skip(pos + 1)
            if text[pos] == "}":
                return pos + 1
            while True:
                m = _STRING.match(text, pos)
                if m is None:
                    raise ValueError("not JSON")
                key = json.loads(m.group())
                pos = skip(m.end())
                pos = value(pos + 1, f"{pointer}/{escape_pointer(key)}")  # past ':'
                pos = skip(pos)
                if text[pos] == ",":
                    pos = skip(pos + 1)
                    continue
                return pos + 1  # '}'
        if ch == "[":
            pos = skip(pos + 1)
            if text[pos] == "]":
                return pos + 1
            index = 0
            while True:
                pos = skip(value(pos, f"{pointer}/{index}"))
                index += 1
                if text[pos] == ",":
                    pos += 1
                    continue
                return pos + 1  # ']'
        m = _STRING.match(text, pos) if ch == '"' else _SCALAR.match(text, pos)
        if m is None:
            raise ValueError("not JSON")
        return m.end()

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        value(0, "")
    except (ValueError, IndexError, RecursionError):
        pass  # best effort: whatever was mapped before the scanner gave up is still right
    finally:
        sys.setrecursionlimit(limit)
    result: dict[str, tuple[int, int]] = {}
    for pointer, pos in positions.items():
        line = bisect.bisect_right(line_starts, pos)
        result[pointer] = (line, pos - line_starts[line - 1] + 1)
    return result
