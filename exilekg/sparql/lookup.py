"""Entity parameters looked up before a shipped query runs, not inside it.

The named queries find the record a parameter names with one block each::

    OPTIONAL {
      GRAPH ?keyGraph { ?match schema:identifier|schema:name|schema:alternateName ?key }
      FILTER(?match = ?organization || LCASE(STR(?key)) = LCASE(STR(?organization)))
    }
    BIND(COALESCE(?match, ?organization) AS ?orgNode)

which every store evaluates by reading every name and identifier of the graph, and then joins the
rest of the query with an ``?orgNode`` it cannot use to reach that record's triples directly. A
store on disk pays for that on every call. :func:`resolve_lookups` runs the block's pattern on its
own first (a :data:`Find` asks a store, or the index's key table) and writes its solutions into
the query as ``VALUES``, which the store then starts from.

The answers are those of the query as written: the block's variables are its own (bound nowhere
else in the group), and its parameter is bound before the group starts, so the ``OPTIONAL`` gives
exactly its pattern's solutions (or, without one, a single solution binding none of them), and
``BIND`` the first of ``?match`` and the parameter. A solution holding a blank node cannot be
written as ``VALUES``: a query with one runs as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from exilekg.sparql.prepare import Prepared, _shape, sparql_term
from exilekg.terms import IRI, Literal

__all__ = ["Find", "Lookup", "lookups", "resolve_lookups"]

_BLOCK = re.compile(
    r"OPTIONAL\s*\{\s*"
    r"(?P<inner>GRAPH\s+\?(?P<g>\w+)\s*\{\s*\?(?P<m>\w+)\s+(?P<path>[^\s{}?]+)\s+\?(?P<k>\w+)\s*\}\s*"
    r"FILTER\s*\(\s*\?(?P=m)\s*=\s*\?(?P<x>\w+)\s*\|\|\s*"
    r"LCASE\(\s*STR\(\s*\?(?P=k)\s*\)\s*\)\s*=\s*LCASE\(\s*STR\(\s*\?(?P=x)\s*\)\s*\)\s*\))\s*\}"
    r"(?:\s*BIND\(\s*COALESCE\(\s*\?(?P=m)\s*,\s*\?(?P=x)\s*\)\s+AS\s+\?(?P<node>\w+)\s*\))?"
)
_PREFIX = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


@dataclass(frozen=True)
class Lookup:
    """One lookup block of a query: where it is, its variables and the properties it looks at."""

    start: int
    end: int
    graph: str
    match: str
    key: str
    param: str
    node: str | None
    """The variable its ``BIND(COALESCE(?match, ?param) AS ?node)`` right after it sets, if any."""
    properties: tuple[str, ...]
    inner: str
    """The block's pattern and filter, as written in the query."""
    prologue: str = ""
    """The query's PREFIX declarations, which ``inner`` may use."""


def _properties(path: str, prefixes: dict[str, str]) -> tuple[str, ...] | None:
    """The IRIs of a path of alternatives (``schema:name|schema:identifier``); None for another path."""
    found: list[str] = []
    for step in path.split("|"):
        if step.startswith("<") and step.endswith(">"):
            found.append(step[1:-1])
            continue
        prefix, colon, local = step.partition(":")
        if not colon or prefix not in prefixes or not re.fullmatch(r"\w+", local):
            return None
        found.append(prefixes[prefix] + local)
    return tuple(found)


def lookups(text: str) -> list[Lookup]:
    """The lookup blocks of a query's text, in order."""
    prefixes = {name: iri for name, iri in _PREFIX.findall(text)}
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    found: list[Lookup] = []
    for match in _BLOCK.finditer(text):
        properties = _properties(match.group("path"), prefixes)
        if properties is None:
            continue
        found.append(
            Lookup(
                match.start(),
                match.end(),
                match.group("g"),
                match.group("m"),
                match.group("k"),
                match.group("x"),
                match.group("node"),
                properties,
                match.group("inner"),
                prologue,
            )
        )
    return found


Row = tuple[str, str, str]
"""A solution of a lookup's pattern: its ``?match``, ``?key`` and graph, in N-Triples syntax."""

Find = Callable[[Lookup, IRI | Literal], Sequence[Row]]
"""The solutions of a lookup's pattern with its parameter bound to a value."""


def _values(lookup: Lookup, rows: Sequence[Row], value: IRI | Literal | None) -> str:
    """The ``VALUES`` that bind what the block and its ``BIND`` would."""
    nodes = sorted({node for node, _, _ in rows})
    text = ""
    if rows:
        names = f"?{lookup.match} ?{lookup.key} ?{lookup.graph}"
        text = f"VALUES ({names}) {{ {' '.join(f'({m} {k} {g})' for m, k, g in rows)} }}"
    if lookup.node is None:
        return text
    # One node is bound as a VALUES of its own: the store then starts from that one term.
    if len(nodes) > 1:
        names = f"?{lookup.match} ?{lookup.key} ?{lookup.graph} ?{lookup.node}"
        return f"VALUES ({names}) {{ {' '.join(f'({m} {k} {g} {m})' for m, k, g in rows)} }}"
    node = nodes[0] if nodes else sparql_term(value) if value is not None else None
    return text if node is None else f"{text} VALUES ?{lookup.node} {{ {node} }}"


def resolve_lookups(prepared: Prepared, find: Find) -> Prepared:
    """``prepared`` with each lookup block replaced by its solutions (see the module); as it is
    when it has none, or a solution holds a blank node."""
    found = lookups(prepared.text)
    if not found:
        return prepared
    text = prepared.text
    for lookup in reversed(found):  # from the end, so the offsets of the others stay
        value = prepared.bindings.get(lookup.param)
        rows = sorted(set(find(lookup, value))) if value is not None else []
        if any(term.startswith("_:") for row in rows for term in row):
            return prepared
        text = text[: lookup.start] + _values(lookup, rows, value) + text[lookup.end :]
    return replace(prepared, text=text, shape=_shape(text))
