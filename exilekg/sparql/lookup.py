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

Where the block names one IRI, the node variable is also replaced by that IRI in the rest of the
``WHERE`` group (it stays bound by its ``VALUES``, for the projection): pyoxigraph plans a pattern
with a constant as a lookup by it, but joins a variable bound outside the pattern by hash, reading
every triple the pattern matches. Not where the variable is an operand of ``BOUND`` or the target
of ``AS``, and not inside a subquery, ``VALUES`` or ``MINUS`` (where a constant would not mean
what the variable does): a query with one there keeps the variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from exilekg.sparql.prepare import Prepared, _shape, _Token, _tokens, sparql_term
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


def _the_node(rows: Sequence[Row], value: IRI | Literal | None) -> str | None:
    """The one IRI (in N-Triples syntax) a block and its ``BIND`` give the node variable, if one."""
    nodes = {node for node, _, _ in rows}
    if not rows:
        return sparql_term(value) if isinstance(value, IRI) else None
    return nodes.pop() if len(nodes) == 1 and next(iter(nodes)).startswith("<") else None


_SCOPED = frozenset({"SELECT", "VALUES", "MINUS"})

_Edit = tuple[int, int, str]


@dataclass
class _Scope:
    """A subquery, ``VALUES`` or ``MINUS`` the scan is in: a variable there is not the group's."""

    depth: int
    subquery: bool
    began: bool = False
    """Whether the block of a ``VALUES`` or ``MINUS`` has been entered."""

    def ended(self, depth: int) -> bool:
        """Whether a ``}`` that leaves the scan at ``depth`` closes the scope."""
        return depth < self.depth or (not self.subquery and self.began and depth == self.depth)


def _track(token: _Token, depth: int, scopes: list[_Scope]) -> tuple[int, list[_Scope]]:
    """The brace depth and the open scopes after ``token``."""
    if token.text == "{":
        depth += 1
        for scope in scopes:
            scope.began = scope.began or depth == scope.depth + 1
    elif token.text == "}":
        depth -= 1
        scopes = [scope for scope in scopes if not scope.ended(depth)]
    elif token.kind == "word" and token.text.upper() in _SCOPED:
        # A subquery's SELECT is just inside its braces; VALUES and MINUS open a block after them.
        scopes = [*scopes, _Scope(depth, subquery=token.text.upper() == "SELECT")]
    return depth, scopes


def _constant_edits(tokens: Sequence[_Token], start: int, end: int, name: str, node: str) -> list[_Edit]:
    """The edits that put ``node`` for the variable ``name`` between the offsets ``start`` and
    ``end`` (the rest of its group); none where the variable cannot be a constant (see the module)."""
    edits: list[_Edit] = []
    depth = 0
    scopes: list[_Scope] = []
    previous = ["", ""]
    for token in (t for t in tokens if start <= t.start < end):
        depth, scopes = _track(token, depth, scopes)
        if token.kind == "var" and token.text[1:] == name:
            if scopes or previous[-1] == "AS" or previous == ["BOUND", "("]:
                return []
            edits.append((token.start, token.start + len(token.text), node))
        previous = [previous[-1], token.text.upper()]
    return edits


def _group_end(tokens: Sequence[_Token], where: int) -> int:
    """The offset of the ``}`` that closes the group opened at ``where``."""
    depth = 0
    for token in tokens:
        if token.start < where:
            continue
        depth += {"{": 1, "}": -1}.get(token.text, 0)
        if depth == 0:
            return token.start
    return tokens[-1].start if tokens else 0


def resolve_lookups(prepared: Prepared, find: Find) -> Prepared:
    """``prepared`` with each lookup block replaced by its solutions (see the module); as it is
    when it has none, or a solution holds a blank node."""
    found = lookups(prepared.text)
    if not found or prepared.shape.where is None:
        return prepared
    tokens = _tokens(prepared.text)
    end = _group_end(tokens, prepared.shape.where)
    edits: list[_Edit] = []
    for lookup in found:
        value = prepared.bindings.get(lookup.param)
        rows = sorted(set(find(lookup, value))) if value is not None else []
        if any(term.startswith("_:") for row in rows for term in row):
            return prepared
        edits.append((lookup.start, lookup.end, _values(lookup, rows, value)))
        node = _the_node(rows, value)
        if lookup.node is not None and node is not None:
            edits += _constant_edits(tokens, lookup.end, end, lookup.node, node)
    text = prepared.text
    for start, stop, replacement in sorted(edits, reverse=True):  # from the end: offsets stay
        text = text[:start] + replacement + text[stop:]
    return replace(prepared, text=text, shape=_shape(text))
