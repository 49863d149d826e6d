"""Where queries run in-process: a build's dumps read into rdflib or pyoxigraph.

:class:`Source` is what every source (these and :class:`~exilekg.sparql.endpoint.Endpoint`)
offers: :meth:`Source.run`, the graph's URI space, and use as a context manager.
"""

from __future__ import annotations

import difflib
import enum
import importlib.util
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox

from exilekg.errors import ExilekgError, QueryError
from exilekg.index import KEY_PROPERTIES, KeyTable
from exilekg.rdf import Dump, from_oxigraph, into_oxigraph, to_oxigraph
from exilekg.sparql.lookup import Lookup, Row, resolve_lookups
from exilekg.sparql.named import NamedQuery
from exilekg.sparql.prepare import (
    _POSITION,
    ParamValue,
    Prepared,
    QueryKind,
    _locate_syntax_error,
    _original_column,
    _syntax_error,
    _with_values,
    prepare,
    refuse_reaching_out,
    sparql_term,
    without_graphs,
)
from exilekg.sparql.results import QueryResult, ResultTerm, _graph, _select, result_term
from exilekg.terms import IRI, VOID, Literal

__all__ = ["IndexSource", "OxigraphSource", "QueryEngine", "Source"]


class QueryEngine(enum.Enum):
    """Which SPARQL engine runs a query over dumps. ``AUTO`` is pyoxigraph when installed, else rdflib."""

    AUTO = "auto"
    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


_URI_SPACE_QUERY = f"""SELECT ?space ?dataset ?graph WHERE {{
  {{ GRAPH ?graph {{ ?dataset <{VOID.uriSpace}> ?space }} }}
  UNION {{ GRAPH ?graph {{ ?dataset a <http://schema.org/Dataset> }} }}
}} LIMIT 100"""

_Triple = tuple[ResultTerm, ResultTerm, ResultTerm]

_KEYS = "<http://schema.org/identifier>|<http://schema.org/name>|<http://schema.org/alternateName>|<http://schema.org/headline>"

_ENTITY_QUERY = """SELECT ?node WHERE {{
  GRAPH ?g {{ ?node ?property ?key }}
  FILTER(?property IN ({keys}) && LCASE(STR(?key)) = LCASE(STR({value})))
}} LIMIT 1"""
_IRI_QUERY = """SELECT ?p WHERE {{
  {{ GRAPH ?g {{ {value} ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?p {value} }} }}
}} LIMIT 1"""
"""A record that a parameter value names: its id, a name, a headline, or its IRI."""


def _text(term: Any) -> str:
    return str(term.value) if isinstance(term, Literal) else str(term)


def _close_names(text: str, known: Sequence[str]) -> list[str]:
    """Up to three of ``known`` that ``text`` may have meant: names holding it, then similar ones."""
    wanted = text.casefold()
    by_fold: dict[str, str] = {}
    for name in known:  # one spelling per name, whatever its case
        by_fold.setdefault(name.casefold(), name)
    holding = [name for fold, name in by_fold.items() if wanted and wanted in fold]
    similar = [by_fold[f] for f in difflib.get_close_matches(wanted, list(by_fold), n=3, cutoff=0.6)]
    return list(dict.fromkeys(sorted(holding, key=len) + similar))[:3]


_NAMES_QUERY = f"SELECT DISTINCT ?key WHERE {{ GRAPH ?g {{ ?node {_KEYS} ?key }} }}"


class Source(ABC):
    """Somewhere queries run: dumps loaded in-process, or an endpoint.

    A context manager: ``with open_source(...) as source:`` closes it (an endpoint's HTTP
    connections, a store's memory) on the way out.
    """

    allow_service = False
    """Whether queries run in-process may follow ``SERVICE`` clauses to other hosts (off by
    default: a shared ``.rq`` file must not send data away). An endpoint runs its own engine."""

    @abstractmethod
    def execute(self, prepared: Prepared) -> QueryResult:
        """Run a prepared query as it is."""

    @property
    @abstractmethod
    def engine(self) -> QueryEngine | None:
        """The in-process engine, or None for an endpoint."""

    @abstractmethod
    def close(self) -> None:
        """Let go of what the source holds; it answers no query afterwards."""

    def __enter__(self) -> Source:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    @cached_property
    def has_named_graphs(self) -> bool:
        """Whether any triple sits in a named graph (asked once; True if the source does not say)."""
        try:
            return bool(self.execute(prepare("ASK { GRAPH ?g { ?s ?p ?o } }")).boolean)
        except ExilekgError:
            return True

    @cached_property
    def holds_triples(self) -> bool:
        """Whether the source holds any triple at all, in any graph (asked once)."""
        try:
            return bool(self.execute(prepare("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")).boolean)
        except ExilekgError:
            return True

    def fitted(self, prepared: Prepared) -> Prepared:
        """``prepared`` as it runs here: a shipped query without its ``GRAPH`` patterns where all
        triples sit in the default graph (a Turtle dump loaded into a store as it is)."""
        if prepared.shipped and not self.has_named_graphs:
            return without_graphs(prepared)
        return prepared

    @cached_property
    def uri_space(self) -> str | None:
        """The graph's URI space, asked once: ``void:uriSpace`` of its VoID description, else the
        base of its ``{base}dataset`` described in ``{base}graph/corpus`` (which is what ``exilekg
        load`` puts in a store); None if neither is there or the source does not answer."""
        try:
            found = self.execute(self.fitted(replace(prepare(_URI_SPACE_QUERY), shipped=True)))
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
        """Run a query (a named query, a ``.rq`` file or SPARQL text) with ``params`` here.

        A query that finds nothing while one of its entity parameters names no record fails with
        :class:`QueryError` ("no entity matches ...; did you mean ..."), over dumps and against an
        endpoint alike (a source that holds no triples at all answers nothing, and is not asked:
        the CLI says it is empty).
        """
        prepared = prepare(query_arg, params)
        result = self.execute(self.fitted(prepared))
        if len(result) == 0 and prepared.entities and self.holds_triples:
            self.check_entities(prepared)
        return replace(result, base=self.uri_space)

    def check_entities(self, prepared: Prepared) -> None:
        """Raise :class:`QueryError` for the first entity parameter that names no record here."""
        for name in prepared.entities:
            value = prepared.bindings[name]
            if self.names_a_record(value):
                continue
            text = _text(value)
            close = _close_names(text, self.known_names())
            guess = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            raise QueryError(
                f"no entity matches {name}={text!r}",
                hint=f"{guess}give a record id, a name or an IRI of the graph "
                "(exilekg query SOURCE about --param entity=... shows a record)",
            )

    def names_a_record(self, value: IRI | Literal) -> bool:
        """Whether ``value`` is a record's id, name or headline (in any case), or an IRI of the graph."""
        # The value is written into the query as one RDF term (sparql_term escapes it): bound
        # as a parameter, some stores do not see it inside the FILTER.
        term = sparql_term(value)
        keys = _KEYS.replace("|", ", ")
        text = (
            _IRI_QUERY.format(value=term)
            if isinstance(value, IRI)
            else _ENTITY_QUERY.format(keys=keys, value=term)
        )
        return bool(len(self.execute(self.fitted(replace(prepare(text), shipped=True)))))

    def known_names(self) -> list[str]:
        """Every id, name and headline of the graph, sorted: what "did you mean" chooses from."""
        names = self.execute(self.fitted(replace(prepare(_NAMES_QUERY), shipped=True)))
        return sorted({_text(row[0]) for row in names.terms if row[0] is not None})


# -- pyoxigraph ------------------------------------------------------------------------------------


def _from_oxigraph(term: Any) -> ResultTerm | None:
    if term is None:
        return None
    try:
        return result_term(from_oxigraph(term))
    except ValueError:
        raise QueryError(
            f"cannot represent the result term {term!r} (RDF-star triples are not supported)"
        ) from None


def _oxigraph_triple(triple: ox.Triple) -> _Triple:
    s, p, o = _from_oxigraph(triple.subject), _from_oxigraph(triple.predicate), _from_oxigraph(triple.object)
    assert s is not None and p is not None and o is not None
    return s, p, o


class OxigraphSource(Source):
    """Dumps in an in-memory pyoxigraph Store, queried with the union default graph."""

    def __init__(self, dumps: Sequence[Dump], *, allow_service: bool = False) -> None:
        self.store = into_oxigraph(dumps, ox.Store(), error=QueryError)
        self.allow_service = allow_service

    @property
    def engine(self) -> QueryEngine:
        return QueryEngine.OXIGRAPH

    def close(self) -> None:
        self.store = ox.Store()

    def fitted(self, prepared: Prepared) -> Prepared:
        """As :meth:`Source.fitted`, with a shipped query's entity lookups resolved first
        (:mod:`~exilekg.sparql.lookup`); the dumps and the index run the same query text."""
        fitted = super().fitted(prepared)
        return resolve_lookups(fitted, self.find) if fitted.shipped else fitted

    def find(self, lookup: Lookup, value: IRI | Literal) -> list[Row]:
        """The solutions of a lookup's own pattern, asked of the store (terms as it holds them:
        a result's are normalised)."""
        query = lookup.prologue + (
            f"SELECT ?{lookup.match} ?{lookup.key} ?{lookup.graph} "
            f"WHERE {{ VALUES ?{lookup.param} {{ {sparql_term(value)} }} {lookup.inner} }}"
        )
        solutions = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        return [(str(row[0]), str(row[1]), str(row[2])) for row in solutions]

    def execute(self, prepared: Prepared) -> QueryResult:
        if not self.allow_service:
            refuse_reaching_out(prepared)
        shape = prepared.shape
        text = prepared.text
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        # pyoxigraph substitutes only variables a SELECT projects; anything else gets VALUES.
        if shape.projection is not None and set(prepared.bindings) <= shape.projection:
            substitutions = {ox.Variable(n): to_oxigraph(t) for n, t in prepared.bindings.items()}
        else:
            text = _with_values(text, shape, prepared.bindings)
        try:
            result = self.store.query(
                text, use_default_graph_as_union=True, substitutions=substitutions or None
            )
        except SyntaxError as exc:
            raise _oxigraph_syntax_error(prepared, exc, substituted=bool(substitutions)) from None
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


class IndexSource(OxigraphSource):
    """A build's query index (:mod:`exilekg.index`), opened read-only: the same store as
    :class:`OxigraphSource` over the folder's dumps, without parsing them."""

    def __init__(
        self, store: ox.Store, folder: Path, *, allow_service: bool = False, keys: KeyTable | None = None
    ) -> None:
        self.store = store
        self.folder = folder
        self.allow_service = allow_service
        self.keys = keys
        """The index's key table; None for an index made before there was one (the store is asked)."""

    def close(self) -> None:
        super().close()
        if self.keys is not None:
            self.keys.close()
            self.keys = None

    def _fold(self, value: IRI | Literal) -> str:
        """``LCASE(STR(value))``, as the store computes it."""
        solutions = self.store.query(f"SELECT (LCASE(STR({sparql_term(value)})) AS ?fold) {{}}")
        assert isinstance(solutions, ox.QuerySolutions)
        fold = next(iter(solutions))[0]
        assert isinstance(fold, ox.Literal)
        return fold.value

    def find(self, lookup: Lookup, value: IRI | Literal) -> list[Row]:
        """The solutions of a lookup's pattern, from the key table (which holds every key its
        properties can be)."""
        if self.keys is None or not set(lookup.properties) <= set(KEY_PROPERTIES):
            return super().find(lookup, value)
        node = sparql_term(value) if isinstance(value, IRI) else None
        return self.keys.rows(fold=self._fold(value), node=node, properties=lookup.properties)

    def names_a_record(self, value: IRI | Literal) -> bool:
        if self.keys is None or isinstance(value, IRI):  # an IRI is looked up by exact term: fast
            return super().names_a_record(value)
        return bool(self.keys.rows(fold=self._fold(value), node=None, properties=KEY_PROPERTIES))

    def known_names(self) -> list[str]:
        return super().known_names() if self.keys is None else sorted(set(self.keys.texts()))


def _oxigraph_syntax_error(prepared: Prepared, exc: SyntaxError, *, substituted: bool) -> QueryError:
    located = _locate_syntax_error(prepared)
    if located is not None:
        return located
    match = _POSITION.match(str(exc))
    if match is None:
        return _syntax_error(prepared, str(exc), None, None)
    line, column = int(match.group(1)), int(match.group(2))
    if not substituted:
        column = _original_column(prepared.text, prepared.shape, prepared.bindings, line, column)
    return _syntax_error(prepared, match.group(3), line, column)


def resolve_engine(engine: QueryEngine) -> QueryEngine:
    """``AUTO`` made definite; :class:`QueryError` for pyoxigraph where it cannot be imported."""
    if engine is not QueryEngine.AUTO:
        if engine is QueryEngine.OXIGRAPH and importlib.util.find_spec("pyoxigraph") is None:
            raise QueryError("pyoxigraph is not installed", hint="pip install 'exilekg[fast]'")
        return engine
    return QueryEngine.OXIGRAPH if importlib.util.find_spec("pyoxigraph") is not None else QueryEngine.RDFLIB


def open_index_source(
    folder: Path, engine: QueryEngine, *, allow_service: bool = False
) -> IndexSource | None:
    """The build folder's query index as a source, when it has a current one and the engine is
    pyoxigraph's; None otherwise (the dumps are read)."""
    if resolve_engine(engine) is not QueryEngine.OXIGRAPH:
        return None
    from exilekg.index import open_index, open_keys
    from exilekg.manifest import ensure_consistent

    store = open_index(folder, ensure_consistent(folder, QueryError))
    if store is None:
        return None
    return IndexSource(store, folder, allow_service=allow_service, keys=open_keys(folder))


def open_dumps(dumps: Sequence[Dump], engine: QueryEngine, *, allow_service: bool = False) -> Source:
    """``dumps`` read into the engine's store; ``allow_service`` lets queries follow ``SERVICE``."""
    if resolve_engine(engine) is QueryEngine.OXIGRAPH:
        return OxigraphSource(dumps, allow_service=allow_service)
    from exilekg.sparql.rdflib_source import RdflibSource

    return RdflibSource(dumps, allow_service=allow_service)


def __getattr__(name: str) -> Any:
    # RdflibSource lives in its own module, so that a query on the index imports no rdflib.
    if name == "RdflibSource":
        from exilekg.sparql.rdflib_source import RdflibSource

        return RdflibSource
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
