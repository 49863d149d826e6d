"""Where queries run on rdflib: a build's dumps read into an rdflib Dataset.

Its own module, imported only for ``--engine rdflib`` (or where pyoxigraph is missing): rdflib and
its SPARQL parser take longer to import than a query on the index takes to answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import rdflib
from rdflib.plugins.sparql import prepareQuery

from exilekg.errors import QueryError
from exilekg.rdf import Dump, from_rdflib, into_rdflib, to_rdflib
from exilekg.sparql.prepare import (
    Prepared,
    QueryKind,
    _locate_syntax_error,
    _rdflib_message,
    _syntax_error,
    refuse_reaching_out,
)
from exilekg.sparql.results import QueryResult, ResultTerm, _graph, _select, result_term
from exilekg.sparql.sources import QueryEngine, Source, _Triple

__all__ = ["RdflibSource"]


def _from_rdflib(term: Any) -> ResultTerm | None:
    if term is None:
        return None
    try:
        return result_term(from_rdflib(term))
    except ValueError:
        raise QueryError(f"cannot represent the result term {term!r}") from None


def _rdflib_triple(triple: tuple[Any, Any, Any]) -> _Triple:
    s, p, o = (_from_rdflib(term) for term in triple)
    assert s is not None and p is not None and o is not None
    return s, p, o


class RdflibSource(Source):
    """Dumps in an rdflib Dataset whose default graph is the union of its named graphs."""

    def __init__(self, dumps: Sequence[Dump], *, allow_service: bool = False) -> None:
        self.dataset = into_rdflib(dumps, rdflib.Dataset(default_union=True), error=QueryError)
        self.allow_service = allow_service

    @property
    def engine(self) -> QueryEngine:
        return QueryEngine.RDFLIB

    def close(self) -> None:
        self.dataset = rdflib.Dataset(default_union=True)

    def _parse(self, prepared: Prepared) -> Any:
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
        return parsed

    def execute(self, prepared: Prepared) -> QueryResult:
        parsed = self._parse(prepared)
        if not self.allow_service:
            refuse_reaching_out(prepared)
        bindings = {name: to_rdflib(term) for name, term in prepared.bindings.items()}
        try:
            return self._run(parsed, prepared.shape.kind, bindings)
        except QueryError:
            raise
        except Exception as exc:  # evaluation errors: unknown functions, a failing SERVICE, ...
            raise QueryError(f"{prepared.label} failed in rdflib: {exc}", path=prepared.path) from exc

    def _run(
        self, parsed: Any, kind: QueryKind, bindings: Mapping[str, rdflib.term.Identifier]
    ) -> QueryResult:
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

    def _described(self, algebra: Any, bindings: Mapping[str, rdflib.term.Identifier]) -> set[Any]:
        """The resources a DESCRIBE names: its IRIs, and the values of its variables in each solution."""
        from rdflib.plugins.sparql.evaluate import evalPart
        from rdflib.plugins.sparql.sparql import QueryContext

        wanted = [item for item in algebra.PV if isinstance(item, rdflib.Variable)]
        named = {item for item in algebra.PV if isinstance(item, rdflib.URIRef)}
        if algebra.get("p") is None:
            return set(named)
        resources: set[Any] = set()
        # As in pyoxigraph, the IRIs named are described once per solution: not without one.
        # rdflib's own evalQuery keys initial bindings by Variable, though it types them by str.
        initial: Any = {rdflib.Variable(name): term for name, term in bindings.items()}
        context = QueryContext(self.dataset, initBindings=initial, datasetClause=algebra.datasetClause)
        for solution in evalPart(context, algebra.p):
            resources.update(named)
            resources.update(solution[v] for v in wanted if solution.get(v) is not None)
        return resources

    def _describe(
        self, algebra: Any, bindings: Mapping[str, rdflib.term.Identifier]
    ) -> set[tuple[Any, Any, Any]]:
        """``DESCRIBE`` as pyoxigraph answers it, not as rdflib does.

        The resources described are the IRIs named and the values of the variables named (rdflib
        takes every variable of the pattern); each one's description is the triples it is the
        subject of, and those of the blank nodes they reach (a concise bounded description without
        rdflib's reifications, which in this graph would pull in every Relation about it).
        """
        resources = self._described(algebra, bindings)
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
