"""Named queries: the ``.rq`` files shipped in ``exilekg/queries/`` and the header comments that
declare a query's name, description and parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from exilekg.errors import QueryError

__all__ = ["QUERIES_DIR", "NamedQuery", "QueryParam", "named_queries", "named_query", "parse_header"]

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str
    optional: bool = False

    @property
    def entity(self) -> bool:
        """Whether the parameter names a record ("record id, name or IRI" in its description): a
        value that matches no record makes the query fail with "did you mean", not answer nothing."""
        return "record id" in self.description


@dataclass(frozen=True)
class NamedQuery:
    """A query with its header: name, one-line description and declared parameters."""

    name: str
    description: str
    params: tuple[QueryParam, ...]
    text: str
    path: Path | None = None


_HEADER = re.compile(r"#\s*(name|description|param)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\?)?\s*(?:—|–|--|-|:)\s*(.*)")


def parse_header(text: str, *, name: str = "", path: Path | None = None) -> NamedQuery:
    """The header comments of a query (lines before its first non-comment line)."""
    description = ""
    params: list[QueryParam] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match is None:
            continue
        key, value = match.groups()
        if key == "name":
            name = value
        elif key == "description":
            description = value
        else:
            param = _PARAM.fullmatch(value)
            if param is None:
                raise QueryError(
                    f"cannot read the parameter declaration {value!r}",
                    path=path,
                    line=number,
                    hint="write it as `# param: NAME — description`, with NAME? for an optional one",
                )
            params.append(QueryParam(param.group(1), param.group(3), param.group(2) == "?"))
    return NamedQuery(name, description, tuple(params), text, path)


@cache
def _shipped_queries() -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        named = parse_header(path.read_text(encoding="utf-8"), name=path.stem, path=path)
        found[named.name] = named
    return found


def named_queries() -> list[NamedQuery]:
    """The queries shipped with exilekg, by name."""
    return sorted(_shipped_queries().values(), key=lambda q: q.name)


def named_query(name: str) -> NamedQuery:
    """A shipped query by name; :class:`QueryError` naming the known ones if there is none."""
    known = _shipped_queries()
    if name in known:
        return known[name]
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise QueryError(
        f"no named query {name!r}",
        hint=f"{hint}named queries: {', '.join(sorted(known))} (`exilekg queries` describes them)",
    )
