"""Query results: :class:`QueryResult`, its Python values and its renderings (table, CSV, TSV,
SPARQL Results JSON, Turtle)."""

from __future__ import annotations

import csv
import datetime
import enum
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from exilekg.errors import QueryError
from exilekg.rdf import Object, to_rdflib
from exilekg.sparql.prepare import QueryKind, sparql_term
from exilekg.terms import IRI, PREFIXES, RDF, XSD, BlankNode, Literal, prefixed_name

__all__ = ["OutputFormat", "QueryKind", "QueryResult", "ResultTerm", "Value", "result_term", "to_python"]


class OutputFormat(enum.Enum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    TURTLE = "ttl"


ResultTerm = IRI | BlankNode | Literal
"""An RDF term of a result. Literals of type ``xsd:string`` or ``rdf:langString`` have no datatype."""

Value = str | int | Decimal | float | bool | datetime.date | datetime.datetime | None
"""A result value as Python sees it (see the module's documentation)."""

_GRAPH_VARS = ("subject", "predicate", "object")
_PLAIN_TYPES = frozenset({XSD.string, RDF.langString})

_Triple = tuple[ResultTerm, ResultTerm, ResultTerm]


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
        widths = [max([_width(var), *(_width(row[i]) for row in cells)]) for i, var in enumerate(self.vars)]

        def line(values: Sequence[str]) -> str:
            return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

        lines = [line(self.vars), line(["-" * w for w in widths]), *(line(row) for row in cells)]
        lines.append(f"({self._footer(cells)})")
        return "\n".join(lines) + "\n"

    def _footer(self, cells: list[list[str]]) -> str:
        """The row count, and the base where a cell shows an IRI relative to it."""
        count = len(self.terms)
        footer = f"{count} {'triple' if self.kind.is_graph else 'row'}{'' if count == 1 else 's'}"
        relative = bool(self.base) and any(
            isinstance(term, IRI) and cell.startswith("<")
            for row, cell_row in zip(self.terms, cells, strict=True)
            for term, cell in zip(row, cell_row, strict=True)
        )
        return f"{footer}; <...> relative to {self.base}" if relative else footer

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
        import rdflib  # Turtle is rdflib's to write; the other renderings need no rdflib

        graph = rdflib.Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        for s, p, o in self.terms:
            if s is not None and p is not None and o is not None:
                graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
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


def result_term(term: Object) -> ResultTerm:
    """A term an engine gave, as results hold it: integer types narrowed as :func:`_literal` does."""
    if isinstance(term, Literal) and term.datatype in _INTEGER_TYPES:
        return Literal(term.value, XSD.integer)
    return term


def _select(vars_: Iterable[str], rows: Iterable[Iterable[ResultTerm | None]]) -> QueryResult:
    return QueryResult(QueryKind.SELECT, tuple(vars_), tuple(tuple(row) for row in rows))


def _graph(kind: QueryKind, triples: Iterable[tuple[ResultTerm, ResultTerm, ResultTerm]]) -> QueryResult:
    """A graph result: a set of triples, though an engine may give one once per named graph."""
    return QueryResult(kind, _GRAPH_VARS, tuple(dict.fromkeys(triples)))
