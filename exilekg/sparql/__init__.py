"""SPARQL over the knowledge graph: a build's dumps in-process, or a SPARQL endpoint over HTTP.

:func:`query` takes a *source* and a *query*:

- the source is an output folder of ``exilekg build`` (its ``exilekg.nq``, or the best dump it
  holds, plus ``void.ttl``), one or more dump files, or the URL of a SPARQL endpoint;
- the query is a ``.rq`` file, a query string, or the name of a query shipped in
  ``exilekg/queries/`` (see :func:`named_queries`).

Dumps are read by :mod:`exilekg.rdf` and queried in-process with rdflib or with pyoxigraph
(:class:`QueryEngine`; ``AUTO`` takes pyoxigraph, a dependency of exilekg, when it can be
imported, else rdflib); both give the same answers, ``DESCRIBE`` included (the triples of each
resource described, and of the blank nodes they reach). The default graph is the union of the named
graphs; a triple-only dump (Turtle, N-Triples, RDF/XML) is read into a named graph called by its
file's URI and ``void.ttl`` into ``{base}void``, so that ``GRAPH ?g { ... }`` patterns see every
triple. A store whose triples all sit in its default graph (a Turtle dump loaded as it is) has no
named graph to match: the named queries run there without their ``GRAPH`` patterns, which gives
the same rows. To run several queries on the same dumps, open them once with :func:`open_source`
(a context manager) and pass the source to :func:`query` (or call :meth:`Source.run`).

The package: :mod:`~exilekg.sparql.named` (the shipped queries), :mod:`~exilekg.sparql.prepare`
(a query's shape, its parameters, syntax errors), :mod:`~exilekg.sparql.results`
(:class:`QueryResult` and its renderings), :mod:`~exilekg.sparql.sources` (in-process sources)
and :mod:`~exilekg.sparql.endpoint` (stores over HTTP).

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

**Queries that reach out.** A ``SERVICE`` clause makes rdflib and pyoxigraph send the query, with
values from the data, to another host; a query run in-process that has one is refused with a
:class:`QueryError` unless ``allow_service=True`` is given (``--allow-service`` on the command
line), so that a shared ``.rq`` file cannot send anything away. ``LOAD`` (which fetches a document)
is an update, and updates are never run. An endpoint runs queries with its own engine and rules.

A malformed query raises :class:`QueryError` with the line and column rdflib's parser finds, for
every engine and for endpoints (their own message where rdflib accepts the query).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exilekg.errors import QueryError
from exilekg.rdf import find_dumps
from exilekg.sparql.named import NamedQuery, QueryParam, named_queries, named_query
from exilekg.sparql.prepare import ParamValue, QueryKind, prepare, refuse_reaching_out, sparql_term
from exilekg.sparql.results import OutputFormat, QueryResult, ResultTerm, Value
from exilekg.sparql.sources import (
    IndexSource,
    OxigraphSource,
    QueryEngine,
    Source,
    open_dumps,
    open_index_source,
)
from exilekg.terms import BlankNode

if TYPE_CHECKING:
    from exilekg.sparql.endpoint import Endpoint
    from exilekg.sparql.rdflib_source import RdflibSource

__all__ = [
    "BlankNode",
    "Endpoint",
    "IndexSource",
    "NamedQuery",
    "OutputFormat",
    "OxigraphSource",
    "ParamValue",
    "QueryEngine",
    "QueryKind",
    "QueryParam",
    "QueryResult",
    "RdflibSource",
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

SourceLike = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Source

_LAZY = {"Endpoint": "exilekg.sparql.endpoint", "RdflibSource": "exilekg.sparql.rdflib_source"}
"""Imported when first used (PEP 562): requests and rdflib cost more to import than a query on the
index takes to answer."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def open_source(
    source: SourceLike,
    *,
    engine: QueryEngine = QueryEngine.AUTO,
    timeout: float = 60.0,
    allow_service: bool = False,
) -> Source:
    """A source to run several queries on: dumps are read once. Use it in a ``with`` block to
    close it afterwards.

    ``engine`` applies to dumps; an endpoint runs its own. A build folder with a current query
    index (``exilekg.index/``, see :mod:`exilekg.index`) is queried there, read-only, unless
    ``engine`` is rdflib; its answers are those of its dumps.
    ``allow_service`` lets queries run in-process follow ``SERVICE`` clauses to other hosts (a
    :class:`Source` given keeps its own).
    """
    if isinstance(source, Source):
        if engine is not QueryEngine.AUTO and source.engine is not engine:
            raise QueryError(f"this source was opened with {source.engine}, not {engine.value}")
        return source
    if _is_url(source):
        if engine is not QueryEngine.AUTO:
            raise QueryError(
                f"--engine {engine.value} applies to dumps; {source} runs its own engine",
                hint="leave the engine at auto for an endpoint",
            )
        from exilekg.sparql.endpoint import Endpoint

        return Endpoint(str(source), timeout=timeout)
    items: Sequence[str | os.PathLike[str]] = [source] if isinstance(source, str | os.PathLike) else source
    if not items:
        raise QueryError("no source to query", hint="give an output folder, dump files or an endpoint URL")
    if len(items) == 1 and Path(items[0]).is_dir():
        indexed = open_index_source(Path(items[0]), engine, allow_service=allow_service)
        if indexed is not None:
            return indexed
    dumps = find_dumps([Path(item) for item in items], error=QueryError)
    return open_dumps(dumps, engine, allow_service=allow_service)


def query(
    source: SourceLike,
    query: str | Path | NamedQuery,
    *,
    params: Mapping[str, ParamValue] | None = None,
    engine: QueryEngine = QueryEngine.AUTO,
    timeout: float = 60.0,
    allow_service: bool = False,
) -> QueryResult:
    """Run ``query`` (a named query, a ``.rq`` file or SPARQL text) on ``source`` with ``params``.

    A source given as a path or URL is opened for this query and closed afterwards; a
    :class:`Source` is left open. Raises :class:`QueryError` for a malformed or unknown query or a
    missing or unknown parameter, or for a ``SERVICE`` clause run in-process without
    ``allow_service=True``, and :class:`StoreError` when an endpoint cannot be reached.
    """
    prepared = prepare(query, params)  # a bad query fails before any dump is read
    if (
        not allow_service
        and not (isinstance(source, Source) and source.allow_service)
        and not _is_url(source)
    ):
        refuse_reaching_out(prepared)  # before any dump is read, too
    opened = open_source(source, engine=engine, timeout=timeout, allow_service=allow_service)
    try:
        result = opened.execute(opened.fitted(prepared))
        if len(result) == 0 and prepared.entities and opened.holds_triples:
            opened.check_entities(prepared)
        return replace(result, base=opened.uri_space)
    finally:
        if opened is not source:
            opened.close()
