"""Preparing a query: its text (a named query, a ``.rq`` file or SPARQL text), its shape (form,
WHERE group, projection), its parameters as RDF terms, and malformed-SPARQL errors with the line
and column rdflib's parser finds."""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from exilekg.errors import QueryError
from exilekg.sparql.named import QUERIES_DIR, NamedQuery, _shipped_queries, named_query, parse_header
from exilekg.terms import IRI, RDF, XSD, Literal

__all__ = [
    "ParamValue",
    "Prepared",
    "QueryKind",
    "prepare",
    "refuse_reaching_out",
    "sparql_term",
    "without_graphs",
]


class QueryKind(enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def is_graph(self) -> bool:
        return self in (QueryKind.CONSTRUCT, QueryKind.DESCRIBE)


if TYPE_CHECKING:
    import rdflib

ParamValue: TypeAlias = "str | rdflib.URIRef | rdflib.Literal | Literal"
"""A parameter: a string (an IRI if it looks like one, else a literal) or an explicit RDF term.
(A string at run time: a query on the index imports no rdflib.)"""

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


def _form_index(tokens: list[_Token]) -> int:
    """The index of the query form's keyword, after the prologue; :class:`QueryError` if none."""
    i = 0
    while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() in ("BASE", "PREFIX"):
        i += 2 if tokens[i].text.upper() == "BASE" else 3
    if i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() in QueryKind.__members__:
        return i
    word = tokens[i].text.upper() if i < len(tokens) else ""
    if word == "LOAD":
        raise QueryError(
            "LOAD is not run here: it would fetch a document from another host, and exilekg only queries",
            hint="load data into a store with `exilekg load` or the store's own tools",
        )
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


def _where_and_projection(
    tokens: list[_Token], start: int, select: bool
) -> tuple[int | None, frozenset[str] | None]:
    """The offset of the WHERE group's ``{`` from ``start`` on, and a SELECT's projected variables
    (None for ``SELECT *`` and for other forms)."""
    projection: set[str] | None = set() if select else None
    parens = 0
    previous = ""
    for token in tokens[start:]:
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{" and parens == 0:
            return token.start, frozenset(projection) if projection is not None else None
        elif projection is not None:
            if token.text == "*" and parens == 0:
                projection = None
            elif token.kind == "var" and (parens == 0 or previous.upper() == "AS"):
                projection.add(token.text[1:])
        previous = token.text
    return None, frozenset(projection) if projection is not None else None


def _shape(text: str) -> _Shape:
    tokens = _tokens(text)
    i = _form_index(tokens)
    kind = QueryKind[tokens[i].text.upper()]
    variables = frozenset(t.text[1:] for t in tokens if t.kind == "var")
    j = i + 1
    distinct = kind is QueryKind.SELECT and j < len(tokens) and tokens[j].text.upper() == "DISTINCT"
    if kind is QueryKind.CONSTRUCT:
        if j < len(tokens) and tokens[j].text == "{":
            j = _after_group(tokens, j)
        else:
            return _Shape(kind, None, None, variables)
    where, projection = _where_and_projection(tokens, j, kind is QueryKind.SELECT)
    return _Shape(kind, where, projection, variables, distinct)


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


def _from_rdflib_term(value: ParamValue) -> ParamValue:
    """An rdflib URIRef or Literal as exilekg's term; any other value as it is."""
    # A value can be an rdflib term only if rdflib was imported: the index's path never imports it.
    rdflib = sys.modules.get("rdflib")
    if rdflib is None:
        return value
    if isinstance(value, rdflib.URIRef):
        return IRI(str(value))
    if isinstance(value, rdflib.Literal):
        datatype = str(value.datatype) if value.datatype is not None else None
        return Literal(str(value), IRI(datatype) if datatype else None, value.language)
    return value


def _param_term(name: str, value: ParamValue) -> IRI | Literal:
    """A parameter value as an RDF term, checked so that it serializes to exactly one term."""
    value = _from_rdflib_term(value)
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
class Prepared:
    text: str
    shape: _Shape
    bindings: dict[str, IRI | Literal]
    path: Path | None
    label: str
    """How errors name the query: a named query's name, a file's name, or "the query"."""
    shipped: bool = False
    """A query of ``exilekg/queries/``."""
    entities: tuple[str, ...] = ()
    """The bound parameters that name a record (:attr:`~exilekg.sparql.named.QueryParam.entity`)."""


def _query_text(query_arg: str | Path | NamedQuery) -> NamedQuery:
    """A named query by name, a query file, or query text, in that order of preference."""
    if isinstance(query_arg, NamedQuery):
        return query_arg
    if isinstance(query_arg, str):
        if query_arg in _shipped_queries():
            return _shipped_queries()[query_arg]
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


def _check_declared(named: NamedQuery, given: Mapping[str, ParamValue], label: str) -> None:
    """Every parameter given is declared, and every declared one that is not optional is given."""
    declared = {p.name: p for p in named.params}
    unknown = [name for name in given if name not in declared]
    usage = "; ".join(
        f"{p.name}{' (optional)' if p.optional else ''} — {p.description}" for p in named.params
    )
    # A shipped query's file is no business of its user's: errors name the query, not the file.
    where = None if _is_shipped(named) else named.path
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


def _is_shipped(named: NamedQuery) -> bool:
    return named.path is not None and named.path.parent == QUERIES_DIR


def prepare(query_arg: str | Path | NamedQuery, params: Mapping[str, ParamValue] | None = None) -> Prepared:
    """Resolve the query, check it is a query, and check and convert its parameters."""
    named = _query_text(query_arg)
    label = named.name or "the query"
    shape = _shape(named.text)
    given = dict(params or {})
    if named.params:
        _check_declared(named, given, label)
    else:
        unknown = [name for name in given if name not in shape.variables]
        if unknown:
            raise QueryError(
                f"{label} has no variable ?{unknown[0]} to bind",
                path=named.path,
                hint=f"its variables: {', '.join(sorted(shape.variables)) or 'none'}",
            )
    bindings = {name: _param_term(name, value) for name, value in given.items()}
    entities = tuple(p.name for p in named.params if p.entity and p.name in bindings)
    return Prepared(named.text, shape, bindings, named.path, label, _is_shipped(named), entities)


def without_graphs(prepared: Prepared) -> Prepared:
    """The query with every ``GRAPH ?var`` dropped before its group, for a source whose triples
    sit in the default graph only.

    Only for the shipped queries: they name graphs only so that Virtuoso leaves its own system
    graphs out, never project or join on a graph variable, and so give the same rows either way.
    The words are blanked, not cut, so that lines and columns stay where they were.
    """
    tokens = _tokens(prepared.text)
    text = list(prepared.text)
    for first, second, third in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if (
            first.kind == "word"
            and first.text.upper() == "GRAPH"
            and second.kind == "var"
            and third.text == "{"
        ):
            for index in range(first.start, second.start + len(second.text)):
                text[index] = " "
    rewritten = "".join(text)
    return replace(prepared, text=rewritten, shape=_shape(rewritten))


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def _syntax_error(prepared: Prepared, message: str, line: int | None, column: int | None) -> QueryError:
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


def _locate_syntax_error(prepared: Prepared) -> QueryError | None:
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


# -- queries that would reach other hosts ---------------------------------------------------------


def _services(node: object) -> list[object]:
    """The ``SERVICE`` clauses of an rdflib parse tree: each one's endpoint (an IRI or a variable)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list[object] = []
    todo = [node]
    seen: set[int] = set()  # the tree shares nodes (and may reach one twice): visit each once
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                found.append(item.get("term"))
            todo.extend(item.values())
        elif isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            todo.extend(item)  # type: ignore[arg-type]
    return found


def _endpoint_name(term: object) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Variable):
        return f"?{term}"
    return str(term)


def refuse_reaching_out(prepared: Prepared) -> None:
    """Raise :class:`QueryError` if running ``prepared`` in-process would send requests to other
    hosts: a ``SERVICE`` clause (federated query), which rdflib and pyoxigraph both follow.

    The clauses are found in the query's parse tree (rdflib's parser), so that the word in a string,
    an IRI or a comment, or a variable or prefixed name like it, is not taken for one; only a query
    with the keyword among its tokens is parsed. A query rdflib's parser does not accept (one only
    pyoxigraph reads) is refused when the keyword is among its tokens. ``LOAD``, the other statement
    that fetches, is an update: never run here.
    """
    words = [t for t in _tokens(prepared.text) if t.kind == "word" and t.text.upper() == "SERVICE"]
    if not words:  # no clause can be without its keyword: spare the (slow) parse, and its import
        return
    import pyparsing
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        endpoints = _services(parseQuery(prepared.text))
    except pyparsing.ParseBaseException:
        endpoints = ["an endpoint"] * len(words)
    if not endpoints:
        return
    named = sorted({_endpoint_name(e) for e in endpoints})
    raise QueryError(
        f"{prepared.label} has a SERVICE clause ({', '.join(named)}): running it would send the query, "
        "and values from the data, to another host",
        path=prepared.path,
        hint="if you trust the query and that host, allow it with --allow-service (allow_service=True)",
    )
