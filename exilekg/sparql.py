"""SPARQL over the knowledge graph: a build's dumps in-process, or a SPARQL endpoint over HTTP.

:func:`query` takes a *source* and a *query*:

- the source is an output folder of ``exilekg build`` (its ``exilekg.nq``, or the best dump it
  holds, plus ``void.ttl``), one or more dump files, or the URL of a SPARQL endpoint;
- the query is a ``.rq`` file, a query string, or the name of a query shipped in
  ``exilekg/queries/`` (see :func:`named_queries`).

Dumps are queried in-process with rdflib or with pyoxigraph (:class:`Engine`; ``AUTO`` takes
pyoxigraph, a dependency of exilekg, when it can be imported, else rdflib); both give the same
answers, ``DESCRIBE`` included (the triples of each resource described, and of the blank nodes they
reach). The default graph is the union of the named graphs; a triple-only dump (Turtle, N-Triples)
is read into a named graph called by its file's URI and ``void.ttl`` into ``{base}void``, so that
``GRAPH ?g { ... }`` patterns see every triple. To run several queries on the same dumps, open them
once with :func:`open_source` and pass the source to :func:`query` (or call :meth:`Source.run`).

**Parameters** are bound as RDF terms, never pasted into the text: rdflib takes them as initial
bindings, pyoxigraph as substitutions (which it accepts only for variables a ``SELECT`` projects;
other queries get a ``VALUES`` block, as endpoints do), and for an endpoint a ``VALUES`` block of
N-Triples-escaped terms is inserted at the start of the ``WHERE`` group, where no value can change
the query's structure. A string value is an IRI when written ``<...>`` or when it starts with a
URL scheme (``https://``, ``urn:``); any other string is a plain literal. The named queries take
an entity as its record id, name, alternate name or IRI.

A query file may declare its parameters in comment lines at its top::

    # name: people-in-place
    # description: one line
    # param: place — what it is
    # param: from? — a trailing ? marks an optional parameter

A declared parameter that is not optional must be given; a parameter the query does not declare
(or, in a query without declarations, does not use as a variable) is an error.

**Results** are a :class:`QueryResult`: ``vars`` and ``rows`` (dicts of Python values: ``str`` for
literals without a better type, :class:`~exilekg.terms.IRI` (a ``str``) for IRIs, :class:`BlankNode`
for blank nodes, ``int``, ``Decimal``, ``float``, ``bool``, ``datetime.date`` and
``datetime.datetime`` for the XSD types of those names, ``None`` for unbound), the raw ``terms``,
and the renderings ``to_table``, ``to_csv``, ``to_tsv`` (SPARQL 1.1 CSV and TSV), ``to_json``
(SPARQL 1.1 Results JSON) and, for ``CONSTRUCT`` and ``DESCRIBE``, ``to_turtle``. A graph result
is a set of triples, and also reads as a table of ``subject``, ``predicate`` and ``object``; an
``ASK`` result has ``boolean``.

A malformed query raises :class:`QueryError` with the line and column rdflib's parser finds, for
every engine and for endpoints (their own message where rdflib accepts the query).
"""

from __future__ import annotations

import csv
import datetime
import enum
import importlib.util
import io
import json
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import rdflib
import requests
from rdflib.plugins.sparql import prepareQuery

from exilekg.errors import ExilekgError, FormatError, QueryError, StoreError
from exilekg.formats import RdfFormat
from exilekg.terms import IRI, PREFIXES, RDF, VOID, XSD, Literal, prefixed_name

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "BlankNode",
    "Endpoint",
    "Engine",
    "NamedQuery",
    "OutputFormat",
    "ParamValue",
    "QueryKind",
    "QueryParam",
    "QueryResult",
    "ResultTerm",
    "Source",
    "SourceLike",
    "Value",
    "named_queries",
    "named_query",
    "open_source",
    "query",
    "sparql_term",
]

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


class Engine(enum.Enum):
    """Which SPARQL engine runs a query over dumps. ``AUTO`` is pyoxigraph when installed, else rdflib."""

    AUTO = "auto"
    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


class QueryKind(enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def is_graph(self) -> bool:
        return self in (QueryKind.CONSTRUCT, QueryKind.DESCRIBE)


class OutputFormat(enum.Enum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    TURTLE = "ttl"


class BlankNode(str):
    """A blank node's label (without ``_:``), as the engine named it."""

    __slots__ = ()


ResultTerm = IRI | BlankNode | Literal
"""An RDF term of a result. Literals of type ``xsd:string`` or ``rdf:langString`` have no datatype."""

Value = str | int | Decimal | float | bool | datetime.date | datetime.datetime | None
"""A result value as Python sees it (see the module's documentation)."""

ParamValue = str | rdflib.URIRef | rdflib.Literal | Literal
"""A parameter: a string (an IRI if it looks like one, else a literal) or an explicit RDF term."""

_GRAPH_VARS = ("subject", "predicate", "object")

_Triple = tuple[ResultTerm, ResultTerm, ResultTerm]


# -- named queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str
    optional: bool = False


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
def _load_named_queries() -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        named = parse_header(path.read_text(encoding="utf-8"), name=path.stem, path=path)
        found[named.name] = named
    return found


def named_queries() -> list[NamedQuery]:
    """The queries shipped with exilekg, by name."""
    return sorted(_load_named_queries().values(), key=lambda q: q.name)


def named_query(name: str) -> NamedQuery:
    """A shipped query by name; :class:`QueryError` naming the known ones if there is none."""
    known = _load_named_queries()
    if name in known:
        return known[name]
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise QueryError(
        f"no named query {name!r}",
        hint=f"{hint}named queries: {', '.join(sorted(known))} (`exilekg queries` describes them)",
    )


# -- reading a query's shape ----------------------------------------------------------------------

_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\r\n]*)",
            r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
            r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
            r'|"(?:[^"\\\n\r]|\\.)*"'
            r"|'(?:[^'\\\n\r]|\\.)*')",
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
            r"(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)",
            r"(?P<word>[^\s{}()\[\]<>\"'#,;?$]+)",
            r"(?P<punct>.)",
        )
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int


def _tokens(text: str) -> list[_Token]:
    """The significant tokens of a query: strings, IRIs and comments are whole tokens, so that
    a brace or a keyword inside them is never taken for the query's own."""
    found: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            found.append(_Token(kind, match.group(), match.start()))
    return found


_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)


@dataclass(frozen=True)
class _Shape:
    kind: QueryKind
    where: int | None
    """Offset of the ``{`` that opens the top-level WHERE group; None for ``CONSTRUCT WHERE { }``."""
    projection: frozenset[str] | None
    """The variables a SELECT names in its projection; None for ``SELECT *`` and other forms."""
    variables: frozenset[str]
    distinct: bool = False
    """``SELECT DISTINCT``."""


def _shape(text: str) -> _Shape:
    tokens = _tokens(text)
    i = 0
    while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() in ("BASE", "PREFIX"):
        i += 2 if tokens[i].text.upper() == "BASE" else 3
    if i >= len(tokens) or tokens[i].kind != "word" or tokens[i].text.upper() not in QueryKind.__members__:
        word = tokens[i].text.upper() if i < len(tokens) else ""
        if word in _UPDATE_WORDS:
            raise QueryError(
                "SPARQL updates are not run here: exilekg only queries",
                hint="load data into a store with its own tools",
            )
        if not word:
            raise QueryError("empty query: no SELECT, CONSTRUCT, DESCRIBE or ASK")
        raise QueryError(
            f"not a SPARQL query: it says {tokens[i].text[:40]!r} where SELECT, CONSTRUCT, DESCRIBE or ASK "
            "should be",
            hint="a query is SPARQL text, a .rq file or the name of a named query (`exilekg queries`)",
        )
    kind = QueryKind[tokens[i].text.upper()]
    variables = frozenset(t.text[1:] for t in tokens if t.kind == "var")
    j = i + 1
    distinct = kind is QueryKind.SELECT and j < len(tokens) and tokens[j].text.upper() == "DISTINCT"
    if kind is QueryKind.CONSTRUCT:
        if j < len(tokens) and tokens[j].text == "{":
            j = _after_group(tokens, j)
        else:
            return _Shape(kind, None, None, variables)
    where: int | None = None
    projection: set[str] | None = set() if kind is QueryKind.SELECT else None
    parens = 0
    previous = ""
    for token in tokens[j:]:
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and parens == 0:
            where = token.start
            break
        elif projection is not None:
            if token.text == "*" and parens == 0:
                projection = None
            elif token.kind == "var" and (parens == 0 or previous.upper() == "AS"):
                projection.add(token.text[1:])
        previous = token.text
    return _Shape(kind, where, frozenset(projection) if projection is not None else None, variables, distinct)


def _after_group(tokens: list[_Token], start: int) -> int:
    """The index after the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].text == "{":
            depth += 1
        elif tokens[index].text == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(tokens)


# -- parameters -----------------------------------------------------------------------------------

_IRI_CHARS = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_LOOKS_LIKE_IRI = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|urn:)[^\s<>\"{}|^`\\]*")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_PLAIN_TYPES = frozenset({XSD.string, RDF.langString})


def _iri(name: str, value: str) -> IRI:
    if not value or _IRI_CHARS.fullmatch(value) is None or ":" not in value:
        raise QueryError(
            f"parameter {name}: {value!r} is not an absolute IRI",
            hint="an IRI has a scheme (https:, urn:) and no spaces, quotes, braces or backslashes",
        )
    return IRI(value)


def _param_term(name: str, value: ParamValue) -> IRI | Literal:
    """A parameter value as an RDF term, checked so that it serializes to exactly one term."""
    if isinstance(value, rdflib.URIRef):
        return _iri(name, str(value))
    if isinstance(value, rdflib.Literal):
        datatype = str(value.datatype) if value.datatype is not None else None
        return _param_term(name, Literal(str(value), IRI(datatype) if datatype else None, value.language))
    if isinstance(value, Literal):
        if value.language is not None and _LANGUAGE.fullmatch(value.language) is None:
            raise QueryError(f"parameter {name}: {value.language!r} is not a language tag")
        datatype = value.datatype
        if datatype is not None:
            datatype = None if datatype in _PLAIN_TYPES else _iri(name, datatype)
        return Literal(value.value, datatype, value.language)
    if isinstance(value, IRI):
        return _iri(name, value)
    if isinstance(value, str):
        if value.startswith("<") and value.endswith(">"):
            return _iri(name, value[1:-1])
        if _LOOKS_LIKE_IRI.fullmatch(value):
            return _iri(name, value)
        return Literal(value)
    raise QueryError(f"parameter {name}: cannot bind a {type(value).__name__}; give a string or an RDF term")


_STRING_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)


def sparql_term(term: IRI | Literal) -> str:
    """A term in N-Triples syntax, which SPARQL reads as that one term whatever its characters."""
    if isinstance(term, IRI):
        return f"<{term}>"
    text = f'"{term.value.translate(_STRING_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text


def _values_block(bindings: Mapping[str, IRI | Literal]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(sparql_term(term) for term in bindings.values())
    return f" VALUES ({names}) {{ ({values}) }} "


def _with_values(text: str, shape: _Shape, bindings: Mapping[str, IRI | Literal]) -> str:
    """The query with a one-row VALUES block opening its WHERE group.

    The block goes on the line of the ``{``, so the lines of the query keep their numbers.
    """
    if not bindings:
        return text
    if shape.where is None:
        raise QueryError(
            "parameters cannot be bound in the short form CONSTRUCT WHERE { ... }",
            hint="write it as CONSTRUCT { template } WHERE { pattern }",
        )
    return text[: shape.where + 1] + _values_block(bindings) + text[shape.where + 1 :]


def _original_column(
    text: str, shape: _Shape, bindings: Mapping[str, IRI | Literal], line: int, column: int
) -> int:
    """Where an error column of the query :func:`_with_values` made falls in the query as written."""
    if not bindings or shape.where is None:
        return column
    where_line = text.count("\n", 0, shape.where) + 1
    inserted_at = shape.where + 1 - (text.rfind("\n", 0, shape.where) + 1) + 1
    if line != where_line or column <= inserted_at:
        return column
    return max(column - len(_values_block(bindings)), inserted_at)


# -- preparing a query ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    text: str
    shape: _Shape
    bindings: dict[str, IRI | Literal]
    path: Path | None
    label: str
    """How errors name the query: a named query's name, a file's name, or "the query"."""


def _query_text(query_arg: str | Path | NamedQuery) -> NamedQuery:
    """A named query by name, a query file, or query text, in that order of preference."""
    if isinstance(query_arg, NamedQuery):
        return query_arg
    if isinstance(query_arg, str):
        if query_arg in _load_named_queries():
            return _load_named_queries()[query_arg]
        looks_like_text = "{" in query_arg or "\n" in query_arg or not query_arg.strip()
        if looks_like_text or not (Path(query_arg).is_file() or query_arg.endswith(".rq")):
            if looks_like_text or any(c.isspace() for c in query_arg.strip()):
                return parse_header(query_arg)
            return named_query(query_arg)  # not a name we ship: fails naming the ones we do
    path = Path(query_arg)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError("no such query file", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read the query file: {exc}", path=path) from None
    return parse_header(text, name=path.stem, path=path)


def prepare(query_arg: str | Path | NamedQuery, params: Mapping[str, ParamValue] | None = None) -> _Prepared:
    """Resolve the query, check it is a query, and check and convert its parameters."""
    named = _query_text(query_arg)
    label = named.name or "the query"
    shape = _shape(named.text)
    given = dict(params or {})
    if named.params:
        declared = {p.name: p for p in named.params}
        unknown = [name for name in given if name not in declared]
        usage = "; ".join(
            f"{p.name}{' (optional)' if p.optional else ''} — {p.description}" for p in named.params
        )
        # A shipped query's file is no business of its user's: errors name the query, not the file.
        where = None if named.path is not None and named.path.parent == QUERIES_DIR else named.path
        if unknown:
            import difflib

            close = difflib.get_close_matches(unknown[0], declared, n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise QueryError(
                f"{label} has no parameter {unknown[0]!r}", path=where, hint=f"{guess}parameters: {usage}"
            )
        missing = [p.name for p in named.params if not p.optional and p.name not in given]
        if missing:
            raise QueryError(
                f"{label} needs the parameter {missing[0]!r}", path=where, hint=f"parameters: {usage}"
            )
    else:
        unknown = [name for name in given if name not in shape.variables]
        if unknown:
            raise QueryError(
                f"{label} has no variable ?{unknown[0]} to bind",
                path=named.path,
                hint=f"its variables: {', '.join(sorted(shape.variables)) or 'none'}",
            )
    bindings = {name: _param_term(name, value) for name, value in given.items()}
    return _Prepared(named.text, shape, bindings, named.path, label)


# -- results --------------------------------------------------------------------------------------

_INTEGER_TYPES = frozenset(
    XSD[name]
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)  # fmt: skip


def to_python(term: ResultTerm | None) -> Value:
    """A result term as a Python value; a literal whose lexical form is not valid stays a ``str``."""
    if term is None or isinstance(term, str):
        return term  # IRI and BlankNode are str subclasses
    datatype, text = term.datatype, term.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype == XSD.decimal:
            return Decimal(text)
        if datatype in (XSD.double, XSD.float):
            return float(text)
        if datatype == XSD.boolean and text in ("true", "false", "1", "0"):
            return text in ("true", "1")
        if datatype == XSD.date:
            return datetime.date.fromisoformat(text)
        if datatype == XSD.dateTime:
            return datetime.datetime.fromisoformat(text)
    except (ValueError, InvalidOperation):
        pass
    return text


def _char_width(char: str) -> int:
    """Columns a terminal gives ``char``: 0 for combining marks and joiners, 2 for wide ones
    (CJK, most emoji), else 1."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters and the bidi controls that would reorder the rest of a table's line."""


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", " ".join(text.split()))


def _width(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _fit(text: str, width: int, *, keep_end: bool) -> str:
    """``text`` cut to ``width`` columns with an ellipsis; IRIs keep their informative end."""
    if _width(text) <= width:
        return text
    if not keep_end:
        head, used = [], 1
        for char in text:
            used += _char_width(char)
            if used > width:
                break
            head.append(char)
        return "".join(head) + "…"
    tail: list[str] = []
    used = 1 + width // 3
    for char in reversed(text):
        used += _char_width(char)
        if used > width:
            break
        tail.append(char)
    return _fit(text, width // 3 + 1, keep_end=False) + "".join(reversed(tail))


def _table_cell(term: ResultTerm | None, width: int, base: str | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term}"
    if isinstance(term, IRI):
        if base and term.startswith(base) and len(term) > len(base):
            return _fit(f"<{_printable(term[len(base) :])}>", width, keep_end=True)
        return _fit(_printable(prefixed_name(term)), width, keep_end=True)
    return _fit(_printable(term.value), width, keep_end=False)


def _json_term(term: ResultTerm) -> dict[str, str]:
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, IRI):
        return {"type": "uri", "value": str(term)}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def _turtle_term(term: ResultTerm) -> str:
    if isinstance(term, BlankNode):
        return f"_:{term}"
    return sparql_term(term)


def _rdflib_term(term: ResultTerm) -> rdflib.term.Identifier:
    if isinstance(term, BlankNode):
        return rdflib.BNode(str(term))
    if isinstance(term, IRI):
        return rdflib.URIRef(term)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype) if term.datatype else None)


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query, whatever its form.

    ``SELECT``: ``vars`` and one tuple of terms per solution in ``terms``. ``ASK``: ``boolean``,
    with no vars or rows. ``CONSTRUCT`` and ``DESCRIBE``: the triples, as rows of ``subject``,
    ``predicate`` and ``object``, which :meth:`to_turtle` writes as a graph.
    """

    kind: QueryKind
    vars: tuple[str, ...]
    terms: tuple[tuple[ResultTerm | None, ...], ...]
    boolean: bool | None = None
    base: str | None = field(default=None, compare=False)
    """The graph's URI space (``void:uriSpace``) where the source has one: tables show IRIs in it
    relative to it."""

    @cached_property
    def rows(self) -> list[dict[str, Value]]:
        """One dict per solution (or triple), variable to Python value."""
        return [
            {var: to_python(term) for var, term in zip(self.vars, row, strict=True)} for row in self.terms
        ]

    def __len__(self) -> int:
        return len(self.terms)

    def to_table(self, max_width: int = 48) -> str:
        """Aligned columns for a terminal, cells cut to ``max_width`` columns, and a row count.

        IRIs show with the prefixes of :data:`exilekg.terms.PREFIXES` (``schema:Person``), and those
        of the graph's own URI space (``base``) relative to it, as ``<person/anna-petrova>``.
        Control and bidi characters show as ``\\uXXXX``, so no value can break the alignment.
        """
        if self.kind is QueryKind.ASK:
            return f"{'true' if self.boolean else 'false'}\n"
        cells = [[_table_cell(term, max_width, self.base) for term in row] for row in self.terms]
        relative = bool(self.base) and any(
            isinstance(term, IRI) and cell.startswith("<")
            for row, cell_row in zip(self.terms, cells, strict=True)
            for term, cell in zip(row, cell_row, strict=True)
        )
        widths = [max([_width(var), *(_width(row[i]) for row in cells)]) for i, var in enumerate(self.vars)]

        def line(values: Sequence[str]) -> str:
            return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

        lines = [line(self.vars), line(["-" * w for w in widths]), *(line(row) for row in cells)]
        count = len(self.terms)
        footer = f"{count} {'triple' if self.kind.is_graph else 'row'}{'' if count == 1 else 's'}"
        if relative:
            footer += f"; <...> relative to {self.base}"
        lines.append(f"({footer})")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: lexical forms only, CRLF line ends."""
        if self.kind is QueryKind.ASK:
            return f"boolean\r\n{'true' if self.boolean else 'false'}\r\n"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.vars)
        for row in self.terms:
            writer.writerow(
                [
                    "" if term is None else f"_:{term}" if isinstance(term, BlankNode) else
                    str(term) if isinstance(term, IRI) else term.value
                    for term in row
                ]
            )  # fmt: skip
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: every term in Turtle syntax, so types and languages survive."""
        if self.kind is QueryKind.ASK:
            return f"?boolean\n{'true' if self.boolean else 'false'}\n"
        lines = ["\t".join(f"?{var}" for var in self.vars)]
        lines.extend(
            "\t".join("" if term is None else _turtle_term(term) for term in row) for row in self.terms
        )
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (a graph result as bindings of subject, predicate, object)."""
        document: dict[str, Any]
        if self.kind is QueryKind.ASK:
            document = {"head": {}, "boolean": bool(self.boolean)}
        else:
            bindings = [
                {var: _json_term(term) for var, term in zip(self.vars, row, strict=True) if term is not None}
                for row in self.terms
            ]
            document = {"head": {"vars": list(self.vars)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """The triples of a CONSTRUCT or DESCRIBE result as Turtle."""
        if not self.kind.is_graph:
            raise QueryError(
                f"a {self.kind.value} result is not a graph and has no Turtle form",
                hint="use table, csv, tsv or json, or write a CONSTRUCT query",
            )
        graph = rdflib.Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        for s, p, o in self.terms:
            if s is not None and p is not None and o is not None:
                graph.add((_rdflib_term(s), _rdflib_term(p), _rdflib_term(o)))
        return graph.serialize(format="turtle")

    def render(self, fmt: OutputFormat) -> str:
        renderers = {
            OutputFormat.TABLE: self.to_table,
            OutputFormat.CSV: self.to_csv,
            OutputFormat.TSV: self.to_tsv,
            OutputFormat.JSON: self.to_json,
            OutputFormat.TURTLE: self.to_turtle,
        }
        return renderers[fmt]()


def _literal(value: str, datatype: str | None, language: str | None) -> Literal:
    """A result literal, its datatype normalized the way every engine can agree on."""
    if datatype is None or datatype in _PLAIN_TYPES:
        return Literal(value, None, language or None)
    # pyoxigraph (and some stores) keep xsd:integer for every integer type they read, so the
    # finer types (xsd:nonNegativeInteger of offsets) cannot survive a round trip anyway.
    return Literal(value, XSD.integer if datatype in _INTEGER_TYPES else IRI(datatype))


def _select(vars_: Iterable[str], rows: Iterable[Iterable[ResultTerm | None]]) -> QueryResult:
    return QueryResult(QueryKind.SELECT, tuple(vars_), tuple(tuple(row) for row in rows))


def _graph(kind: QueryKind, triples: Iterable[tuple[ResultTerm, ResultTerm, ResultTerm]]) -> QueryResult:
    """A graph result: a set of triples, though an engine may give one once per named graph."""
    return QueryResult(kind, _GRAPH_VARS, tuple(dict.fromkeys(triples)))


# -- sources --------------------------------------------------------------------------------------


_URI_SPACE_QUERY = f"""SELECT ?space ?dataset ?graph WHERE {{
  {{ GRAPH ?graph {{ ?dataset <{VOID.uriSpace}> ?space }} }}
  UNION {{ GRAPH ?graph {{ ?dataset a <http://schema.org/Dataset> }} }}
}} LIMIT 100"""


class Source(ABC):
    """Somewhere queries run: dumps loaded in-process, or an endpoint."""

    @abstractmethod
    def execute(self, prepared: _Prepared) -> QueryResult:
        """Run a prepared query."""

    @property
    @abstractmethod
    def engine(self) -> Engine | None:
        """The in-process engine, or None for an endpoint."""

    @cached_property
    def uri_space(self) -> str | None:
        """The graph's URI space, asked once: ``void:uriSpace`` of its VoID description, else the
        base of its ``{base}dataset`` described in ``{base}graph/corpus`` (which is what ``exilekg
        load`` puts in a store); None if neither is there or the source does not answer."""
        try:
            found = self.execute(prepare(_URI_SPACE_QUERY))
        except ExilekgError:
            return None
        spaces = [space.value for space, _, _ in found.terms if isinstance(space, Literal)]
        for _, dataset, graph in found.terms:
            if isinstance(dataset, IRI) and dataset.endswith("dataset") and graph is not None:
                base = dataset[: -len("dataset")]
                if graph == f"{base}graph/corpus":
                    spaces.append(base)
        return spaces[0] if spaces else None

    def run(
        self, query_arg: str | Path | NamedQuery, params: Mapping[str, ParamValue] | None = None
    ) -> QueryResult:
        """Run a query (a named query, a ``.rq`` file or SPARQL text) with ``params`` here."""
        result = self.execute(prepare(query_arg, params))
        return replace(result, base=self.uri_space)


_DUMP_PREFERENCE = (RdfFormat.NQUADS, RdfFormat.TRIG, RdfFormat.NTRIPLES, RdfFormat.TURTLE, RdfFormat.JSONLD)


@dataclass(frozen=True)
class _Dump:
    path: Path
    fmt: RdfFormat
    graph: str | None
    """The named graph a triple-only file is read into."""


def _void_graph(path: Path) -> str:
    """``{base}void`` for a build's void.ttl, as ``exilekg publish`` names it; else the file's URI."""
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise QueryError(f"cannot read the dump: {exc}", path=path) from None
    for space in graph.objects(None, rdflib.URIRef(VOID.uriSpace)):
        return f"{space}void"
    return path.resolve().as_uri()


def _dumps(paths: Sequence[Path]) -> list[_Dump]:
    dumps: list[_Dump] = []
    for path in paths:
        if path.is_dir():
            for fmt in _DUMP_PREFERENCE:
                candidate = path / f"exilekg.{fmt.extension}"
                if candidate.is_file():
                    dumps.extend(_dumps([candidate]))
                    break
            else:
                raise QueryError(
                    "the folder holds no exilekg dump (exilekg.nq, .trig, .nt, .ttl or .jsonld)",
                    path=path,
                    hint="build into it with `exilekg build CORPUS --out DIR`, or name a dump file",
                )
            if (path / "void.ttl").is_file():
                dumps.extend(_dumps([path / "void.ttl"]))
        elif path.is_file():
            fmt = RdfFormat.from_path(path)
            graph = None
            if not fmt.supports_datasets:
                graph = _void_graph(path) if path.name == "void.ttl" else path.resolve().as_uri()
            dumps.append(_Dump(path, fmt, graph))
        else:
            raise QueryError("no such file or folder", path=path)
    return dumps


def _jsonld_nquads(path: Path) -> str:
    from pyld import jsonld

    from exilekg.jsonld import document_loader

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": document_loader})
    except (ValueError, OSError, jsonld.JsonLdError, ExilekgError) as exc:
        raise QueryError(f"cannot read the JSON-LD dump: {exc}", path=path) from None
    return str(nquads)


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def _syntax_error(prepared: _Prepared, message: str, line: int | None, column: int | None) -> QueryError:
    message = " ".join(message.split())
    if len(message) > 160:
        message = message[:159] + "…"
    hint = None
    if line is not None and column is not None:
        lines = prepared.text.splitlines()
        if 0 < line <= len(lines):
            hint = f"near “{lines[line - 1][max(column - 1, 0) :][:40].strip() or '(end of line)'}”"
        if prepared.path is None:
            message = f"line {line}, column {column}: {message}"
    return QueryError(
        f"malformed SPARQL in {prepared.label}: {message}",
        path=prepared.path,
        line=line if prepared.path else None,
        column=column if prepared.path else None,
        hint=hint,
    )


_RDFLIB_WHOLE_QUERY = re.compile(r"Expected \{?(?:Select|Construct|Describe|Ask)Query\b.*", re.DOTALL)
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")


def _rdflib_message(message: str) -> str:
    """rdflib's parser names the grammar rule it was in; say what that means."""
    if _RDFLIB_WHOLE_QUERY.fullmatch(message):
        return "syntax error"
    if message == "Expected end of text":
        return "unexpected text after the end of the query"
    return message


def _locate_syntax_error(prepared: _Prepared) -> QueryError | None:
    """The error rdflib's parser finds in the query, with its line and column; None if it finds none.

    rdflib names the clause where parsing stopped; pyoxigraph and the stores often name the end of
    the last clause they could read instead, so their positions are used only where rdflib's parser
    accepts the query.
    """
    import pyparsing
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(prepared.text)
    except pyparsing.ParseBaseException as exc:
        return _syntax_error(prepared, _rdflib_message(exc.msg), exc.lineno, exc.col)
    try:
        translateQuery(parsed)
    except Exception as exc:  # rdflib reports an unknown prefix and the like as a bare Exception
        unknown = _UNKNOWN_PREFIX.fullmatch(str(exc))
        if unknown is None:
            return None
        prefix = unknown.group(1)
        for token in _tokens(prepared.text):
            if token.kind == "word" and token.text.startswith(f"{prefix}:"):
                line = prepared.text.count("\n", 0, token.start) + 1
                column = token.start - (prepared.text.rfind("\n", 0, token.start) + 1) + 1
                return _syntax_error(
                    prepared, f"unknown prefix {prefix}: (no PREFIX declares it)", line, column
                )
        return _syntax_error(prepared, f"unknown prefix {prefix}: (no PREFIX declares it)", None, None)
    return None


class RdflibSource(Source):
    """Dumps in an rdflib Dataset whose default graph is the union of its named graphs."""

    def __init__(self, dumps: Sequence[_Dump]) -> None:
        self.dataset = rdflib.Dataset(default_union=True)
        for dump in dumps:
            try:
                if dump.fmt is RdfFormat.JSONLD:
                    self.dataset.parse(data=_jsonld_nquads(dump.path), format="nquads")
                elif dump.graph is None:
                    self.dataset.parse(dump.path, format=dump.fmt.rdflib_name)
                else:
                    self.dataset.graph(rdflib.URIRef(dump.graph)).parse(
                        dump.path, format=dump.fmt.rdflib_name
                    )
            except QueryError:
                raise
            except Exception as exc:  # rdflib raises many unrelated types for bad input
                raise QueryError(f"cannot read the dump: {exc}", path=dump.path) from None

    @property
    def engine(self) -> Engine:
        return Engine.RDFLIB

    def execute(self, prepared: _Prepared) -> QueryResult:
        import pyparsing

        try:
            parsed = prepareQuery(prepared.text)
        except pyparsing.ParseBaseException as exc:
            raise _syntax_error(prepared, _rdflib_message(exc.msg), exc.lineno, exc.col) from None
        except Exception as exc:  # rdflib reports an unknown prefix and the like as a bare Exception
            located = _locate_syntax_error(prepared)
            if located is not None:
                raise located from None
            if prepared.shape.kind is QueryKind.DESCRIBE:
                raise QueryError(
                    f"rdflib cannot run {prepared.label} (a DESCRIBE * perhaps): {exc}",
                    path=prepared.path,
                    hint="name the variables to describe (not DESCRIBE *), or use --engine oxigraph",
                ) from None
            raise _syntax_error(prepared, str(exc), None, None) from None
        _lazy_joins(parsed.algebra)
        bindings = {name: _rdflib_term(term) for name, term in prepared.bindings.items()}
        kind = prepared.shape.kind
        try:
            if kind is QueryKind.DESCRIBE:
                return _graph(kind, (_rdflib_triple(t) for t in self._describe(parsed.algebra, bindings)))
            result = self.dataset.query(parsed, initBindings=bindings)
            if kind is QueryKind.ASK:
                return QueryResult(kind, (), (), bool(result.askAnswer))
            if kind.is_graph:
                assert result.graph is not None
                return _graph(kind, (_rdflib_triple(triple) for triple in result.graph))
            vars_ = [str(v) for v in result.vars or ()]
            return _select(
                vars_, ([_from_rdflib(row.get(v)) for v in result.vars or ()] for row in result.bindings)
            )
        except QueryError:
            raise
        except Exception as exc:  # evaluation errors: unknown functions, a failing SERVICE, ...
            raise QueryError(f"{prepared.label} failed in rdflib: {exc}", path=prepared.path) from exc

    def _describe(
        self, algebra: Any, bindings: Mapping[str, rdflib.term.Identifier]
    ) -> set[tuple[Any, Any, Any]]:
        """``DESCRIBE`` as pyoxigraph answers it, not as rdflib does.

        The resources described are the IRIs named and the values of the variables named (rdflib
        takes every variable of the pattern); each one's description is the triples it is the
        subject of, and those of the blank nodes they reach (a concise bounded description without
        rdflib's reifications, which in this graph would pull in every Relation about it).
        """
        from rdflib.plugins.sparql.evaluate import evalPart
        from rdflib.plugins.sparql.sparql import QueryContext

        wanted = [item for item in algebra.PV if isinstance(item, rdflib.Variable)]
        named = {item for item in algebra.PV if isinstance(item, rdflib.URIRef)}
        resources: set[rdflib.term.Node] = set()
        if algebra.get("p") is None:
            resources = set(named)
        else:
            # As in pyoxigraph, the IRIs named are described once per solution: not without one.
            # rdflib's own evalQuery keys initial bindings by Variable, though it types them by str.
            initial: Any = {rdflib.Variable(name): term for name, term in bindings.items()}
            context = QueryContext(self.dataset, initBindings=initial, datasetClause=algebra.datasetClause)
            for solution in evalPart(context, algebra.p):
                resources.update(named)
                resources.update(solution[v] for v in wanted if solution.get(v) is not None)
        triples: set[tuple[Any, Any, Any]] = set()
        todo = [r for r in resources if isinstance(r, rdflib.URIRef | rdflib.BNode)]
        seen = set(todo)
        while todo:
            for triple in self.dataset.triples((todo.pop(), None, None)):
                triples.add(triple)
                if isinstance(triple[2], rdflib.BNode) and triple[2] not in seen:
                    seen.add(triple[2])
                    todo.append(triple[2])
        return triples


_NOT_SUBSTITUTABLE = frozenset(
    {
        "SelectQuery", "Project", "Group", "AggregateJoin", "Distinct", "Reduced", "OrderBy", "Slice",
        "Minus", "ToMultiSet", "values", "ServiceGraphPattern",
    }
)  # fmt: skip


def _lazy_joins(node: object) -> None:
    """Let rdflib evaluate joins by substitution wherever that gives the same answers.

    rdflib joins lazily (each solution of the left side substituted into the right side) only
    where neither side holds another join; every other join evaluates its right side unbound and
    compares all pairs of solutions, so a query of a few GRAPH blocks takes minutes on a graph of
    ten thousand triples. Substitution is marked here for every join whose right side rdflib
    evaluates with the same scoping either way: no subquery, VALUES, MINUS or SERVICE, no OPTIONAL
    with a condition (whose condition rdflib would evaluate without the substituted variables) and
    no BIND to a variable of the left side.
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "Join" and not node.get("lazy"):
            outer = getattr(node.p1, "_vars", None)
            if outer is not None and _substitutable(node.p2, outer):
                node["lazy"] = True
        for child in node.values():
            _lazy_joins(child)
    elif isinstance(node, list | tuple):
        for child in node:
            _lazy_joins(child)


def _substitutable(node: object, outer: set[Any]) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in _NOT_SUBSTITUTABLE:
            return False
        if node.name == "LeftJoin":
            condition = node.get("expr")
            if condition is not None and getattr(condition, "name", "") != "TrueFilter":
                return False
        if node.name == "Extend" and node.get("var") in outer:
            return False
        return all(_substitutable(child, outer) for child in node.values())
    if isinstance(node, list | tuple):
        return all(_substitutable(child, outer) for child in node)
    return True


def _rdflib_triple(triple: tuple[Any, Any, Any]) -> tuple[ResultTerm, ResultTerm, ResultTerm]:
    s, p, o = (_from_rdflib(term) for term in triple)
    assert s is not None and p is not None and o is not None
    return s, p, o


def _from_rdflib(term: Any) -> ResultTerm | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return IRI(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        return _literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise QueryError(f"cannot represent the result term {term!r}")


class OxigraphSource(Source):
    """Dumps in an in-memory pyoxigraph Store, queried with the union default graph."""

    def __init__(self, dumps: Sequence[_Dump]) -> None:
        import pyoxigraph as ox

        formats = {
            RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
            RdfFormat.TRIG: ox.RdfFormat.TRIG,
            RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
            RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
        }
        self.store = ox.Store()
        for dump in dumps:
            try:
                if dump.fmt is RdfFormat.JSONLD:
                    self.store.load(_jsonld_nquads(dump.path), format=ox.RdfFormat.N_QUADS)
                elif dump.graph is None:
                    self.store.load(path=dump.path, format=formats[dump.fmt])
                else:
                    self.store.load(
                        path=dump.path, format=formats[dump.fmt], to_graph=ox.NamedNode(dump.graph)
                    )
            except (SyntaxError, OSError, ValueError) as exc:
                raise QueryError(f"cannot read the dump: {exc}", path=dump.path) from None

    @property
    def engine(self) -> Engine:
        return Engine.OXIGRAPH

    def execute(self, prepared: _Prepared) -> QueryResult:
        import pyoxigraph as ox

        shape = prepared.shape
        text = prepared.text
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        # pyoxigraph substitutes only variables a SELECT projects; anything else gets VALUES.
        if shape.projection is not None and set(prepared.bindings) <= shape.projection:
            substitutions = {ox.Variable(n): _oxigraph_term(t) for n, t in prepared.bindings.items()}
        else:
            text = _with_values(text, shape, prepared.bindings)
        try:
            result = self.store.query(
                text, use_default_graph_as_union=True, substitutions=substitutions or None
            )
        except SyntaxError as exc:
            located = _locate_syntax_error(prepared)
            if located is not None:
                raise located from None
            match = _POSITION.match(str(exc))
            if match is None:
                raise _syntax_error(prepared, str(exc), None, None) from None
            line, column = int(match.group(1)), int(match.group(2))
            if not substitutions:
                column = _original_column(prepared.text, shape, prepared.bindings, line, column)
            raise _syntax_error(prepared, match.group(3), line, column) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"{prepared.label} failed in pyoxigraph: {exc}", path=prepared.path) from exc
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(QueryKind.ASK, (), (), bool(result))
        if isinstance(result, ox.QueryTriples):
            return _graph(shape.kind, (_oxigraph_triple(triple) for triple in result))
        variables = list(result.variables)
        return _select(
            (v.value for v in variables),
            ([_from_oxigraph(solution[v]) for v in variables] for solution in result),
        )


def _oxigraph_term(term: IRI | Literal) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    import pyoxigraph as ox

    if isinstance(term, IRI):
        return ox.NamedNode(term)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None)


def _from_oxigraph(term: Any) -> ResultTerm | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BlankNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value, term.language)
    raise QueryError(f"cannot represent the result term {term!r} (RDF-star triples are not supported)")


def _oxigraph_triple(triple: pyoxigraph.Triple) -> tuple[ResultTerm, ResultTerm, ResultTerm]:
    s, p, o = _from_oxigraph(triple.subject), _from_oxigraph(triple.predicate), _from_oxigraph(triple.object)
    assert s is not None and p is not None and o is not None
    return s, p, o


# -- endpoints ------------------------------------------------------------------------------------

_MAX_GET = 6000
"""Longest query sent in a GET URL; longer ones go as a form POST (never application/sparql-query,
on which Virtuoso hangs)."""

_VIRTUOSO_ERROR = re.compile(r"SPARQL compiler, line (\d+): (.*)", re.DOTALL)


class Endpoint(Source):
    """A SPARQL endpoint, queried over HTTP with the SPARQL 1.1 Protocol.

    ``url`` is the query endpoint (Virtuoso's ``/sparql``, Oxigraph's ``/query``, any other) or, as
    ``exilekg load`` takes it, the root of an Oxigraph server, whose ``/query`` is then used, with
    the union of the named graphs as default graph as in-process. Store quirks handled: Virtuoso
    hangs on POSTed ``application/sparql-query`` (queries go as GET, long ones as a form POST),
    writes typed literals as ``typed-literal``, answers ASK as a one-row SELECT of
    ``__ASK_RETVAL``, and may repeat rows of a ``SELECT DISTINCT`` when OPTIONALs leave variables
    unbound (the rows are made distinct here).
    """

    def __init__(self, url: str, *, timeout: float = 60.0, session: requests.Session | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.http = session or requests.Session()
        self._located: tuple[str, dict[str, str]] | None = None

    @property
    def engine(self) -> None:
        return None

    def _locate(self) -> tuple[str, dict[str, str]]:
        """The query URL and the parameters every query adds, found once."""
        if self._located is None:
            path = urlsplit(self.url).path.rstrip("/")
            self._located = (self.url, {})
            if not path.endswith(("/sparql", "/query")):
                root = self.url.rstrip("/")
                try:
                    probe = self.http.get(
                        f"{root}/query",
                        params={"query": "ASK {}"},
                        headers={"Accept": "application/sparql-results+json"},
                        timeout=self.timeout,
                    )
                except requests.RequestException as exc:
                    raise _unreachable(self.url, exc) from None
                if probe.ok and probe.headers.get("Server", "").startswith("Oxigraph"):
                    self._located = (f"{root}/query", {"union-default-graph": ""})
        return self._located

    def _request(self, prepared: _Prepared, text: str, accept: str) -> requests.Response:
        url, extra = self._locate()
        headers = {"Accept": accept}
        try:
            if len(text) <= _MAX_GET:
                response = self.http.get(
                    url, params={**extra, "query": text}, headers=headers, timeout=self.timeout
                )
            else:
                response = self.http.post(
                    url, params=extra, data={"query": text}, headers=headers, timeout=self.timeout
                )
        except requests.RequestException as exc:
            raise _unreachable(self.url, exc) from None
        if response.status_code >= 300:
            message = _excerpt(response.content.decode("utf-8", "replace").split("\n\nSPARQL query:")[0])
            if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404):
                raise _endpoint_syntax_error(prepared, text, message)
            raise StoreError(
                f"{_safe_url(self.url)} answered HTTP {response.status_code}: {message}",
                hint="check the endpoint URL" if response.status_code == 404 else None,
            )
        return response

    def execute(self, prepared: _Prepared) -> QueryResult:
        text = _with_values(prepared.text, prepared.shape, prepared.bindings)
        kind = prepared.shape.kind
        if kind.is_graph:
            response = self._request(prepared, text, "application/n-triples, text/turtle;q=0.9")
            return _graph(kind, _parse_graph(self.url, response))
        response = self._request(prepared, text, "application/sparql-results+json")
        try:
            document = response.json()
            if kind is QueryKind.ASK:
                return QueryResult(kind, (), (), _ask_answer(document))
            vars_ = [str(v) for v in document["head"]["vars"]]
            rows = [
                tuple(_from_json(binding[v]) if v in binding else None for v in vars_)
                for binding in document["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(
                f"{_safe_url(self.url)} did not answer with SPARQL JSON results ({type(exc).__name__}: {exc})"
            ) from None
        if prepared.shape.distinct:
            rows = list(dict.fromkeys(rows))
        return _select(vars_, rows)


def _safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _unreachable(url: str, exc: requests.RequestException) -> StoreError:
    return StoreError(
        f"cannot reach the SPARQL endpoint {_safe_url(url)} ({type(exc).__name__})",
        hint="check the URL and that the store is running",
    )


def _endpoint_syntax_error(prepared: _Prepared, sent: str, message: str) -> QueryError:
    """A query the endpoint rejected, with the line and column it names where it names them."""
    located = _locate_syntax_error(prepared)
    if located is not None:
        return located
    line = column = None
    oxigraph = _POSITION.match(message)
    virtuoso = _VIRTUOSO_ERROR.search(message)
    if oxigraph is not None:
        line, column, message = int(oxigraph.group(1)), int(oxigraph.group(2)), oxigraph.group(3)
        column = _original_column(prepared.text, prepared.shape, prepared.bindings, line, column)
    elif virtuoso is not None:
        line, message = int(virtuoso.group(1)), virtuoso.group(2)
    error = _syntax_error(prepared, message, line, column)
    if line is not None and column is None:  # a line without a column: name the line only
        lines = sent.splitlines()
        hint = f"line {line}: “{lines[line - 1].strip()[:60]}”" if 0 < line <= len(lines) else None
        return QueryError(error.message, path=prepared.path, line=line if prepared.path else None, hint=hint)
    return error


def _ask_answer(document: Mapping[str, Any]) -> bool:
    if "boolean" in document:
        return bool(document["boolean"])
    # Virtuoso answers ASK in JSON as a SELECT of one variable, __ASK_RETVAL, 1 or 0.
    bindings = document["results"]["bindings"]
    value = str(bindings[0]["__ASK_RETVAL"]["value"]) if bindings else "0"
    return value in ("1", "true")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def _from_json(binding: Mapping[str, str]) -> ResultTerm:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return BlankNode(value)
    if kind in ("literal", "typed-literal"):  # typed-literal: Virtuoso's pre-1.1 JSON
        return _literal(value, binding.get("datatype"), binding.get("xml:lang"))
    raise KeyError(f"unknown term type {kind!r}")


def _parse_graph(url: str, response: requests.Response) -> Iterator[_Triple]:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    readers = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
    fmt = readers.get(media, "nt")
    graph = rdflib.Graph()
    try:
        graph.parse(data=response.content.decode("utf-8"), format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise StoreError(
            f"cannot read the {media or 'untyped'} answer of {_safe_url(url)}: {_excerpt(str(exc))}"
        ) from None
    for triple in graph:
        yield _rdflib_triple(triple)


# -- the entry points -----------------------------------------------------------------------------

SourceLike = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Source


def _resolve_engine(engine: Engine) -> Engine:
    if engine is not Engine.AUTO:
        if engine is Engine.OXIGRAPH and importlib.util.find_spec("pyoxigraph") is None:
            raise QueryError("pyoxigraph is not installed", hint="pip install 'exilekg[fast]'")
        return engine
    return Engine.OXIGRAPH if importlib.util.find_spec("pyoxigraph") is not None else Engine.RDFLIB


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def open_source(source: SourceLike, *, engine: Engine = Engine.AUTO, timeout: float = 60.0) -> Source:
    """A source to run several queries on: dumps are read once.

    ``engine`` applies to dumps; an endpoint runs its own.
    """
    if isinstance(source, Source):
        if engine is not Engine.AUTO and source.engine is not engine:
            raise QueryError(f"this source was opened with {source.engine}, not {engine.value}")
        return source
    if _is_url(source):
        if engine is not Engine.AUTO:
            raise QueryError(
                f"--engine {engine.value} applies to dumps; {source} runs its own engine",
                hint="leave the engine at auto for an endpoint",
            )
        return Endpoint(str(source), timeout=timeout)
    items: Sequence[str | os.PathLike[str]] = [source] if isinstance(source, str | os.PathLike) else source
    if not items:
        raise QueryError("no source to query", hint="give an output folder, dump files or an endpoint URL")
    try:
        dumps = _dumps([Path(item) for item in items])
    except FormatError as exc:
        raise QueryError(exc.message, path=exc.path, hint=exc.hint) from None
    if _resolve_engine(engine) is Engine.OXIGRAPH:
        return OxigraphSource(dumps)
    return RdflibSource(dumps)


def query(
    source: SourceLike,
    query: str | Path | NamedQuery,
    *,
    params: Mapping[str, ParamValue] | None = None,
    engine: Engine = Engine.AUTO,
    timeout: float = 60.0,
) -> QueryResult:
    """Run ``query`` (a named query, a ``.rq`` file or SPARQL text) on ``source`` with ``params``.

    Raises :class:`QueryError` for a malformed or unknown query or a missing or unknown
    parameter, and :class:`StoreError` when an endpoint cannot be reached.
    """
    prepared = prepare(query, params)  # a bad query fails before any dump is read
    opened = open_source(source, engine=engine, timeout=timeout)
    return replace(opened.execute(prepared), base=opened.uri_space)
