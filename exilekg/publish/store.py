"""The built graph held for publishing: quads indexed by subject and object, and the pages they make.

A *page* is one IRI that gets its own HTML, Turtle and JSON-LD files: a record
(``{base}{segment}/{id}``), the dataset (``{base}dataset``) or a graph
(``{base}graph/corpus``, ``{base}graph/document/{id}``). Every other node of the
graph that the build minted hangs off one of those (``{record}/evidence/{n}``,
``{record}#target``, ``{document}/mention/{start}-{end}``, ``{dataset}#maintainer``)
and is described on the page of its *owner*; see :meth:`Store.owner`.

The *slice* of a page is every triple, whatever its graph, whose subject is the
page's IRI or a node it owns. It is what the page's Turtle and JSON-LD files and
its embedded JSON-LD hold, and it is exactly the set of triples whose subject is
described on that page, so the slices of all pages partition the graph's triples
(less those about nodes no page owns, such as IRIs outside the base).
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

import pyoxigraph as ox

from exilekg.errors import PublishError
from exilekg.formats import RdfFormat
from exilekg.index import index_path, open_index
from exilekg.kinds import KINDS
from exilekg.rdf import Dump, Statement, build_dumps, from_oxigraph, read_statements
from exilekg.terms import IRI, RDF, VOID, BlankNode, Literal, Quad, Term
from exilekg.writers import ntriples_term

__all__ = [
    "RECORD_SEGMENTS",
    "IndexStore",
    "Lookup",
    "MemoryStore",
    "Store",
    "Triple",
    "read_store",
]

Triple = tuple[IRI, IRI, Term]

RECORD_SEGMENTS: frozenset[str] = frozenset({"document", *(kind.segment for kind in KINDS.values())})
"""The first path segment of every record IRI."""


T = TypeVar("T")


class Lookup(Generic[T]):
    """Rows by node, each list in the store's order: held in a dict, or fetched from the query
    index on demand with the ``cached`` most recent kept (what a page reads is mostly its own and
    its neighbours' rows, so a publish from the index holds that many lists, not the graph)."""

    def __init__(
        self,
        rows: dict[IRI, list[T]] | None = None,
        fetch: Callable[[IRI], list[T]] | None = None,
        cached: int = 1 << 14,
    ):
        self._rows = rows
        self._fetch = lru_cache(maxsize=cached)(fetch) if fetch is not None else None

    def get(self, key: IRI, default: Sequence[T] = ()) -> Sequence[T]:
        if self._rows is not None:
            return self._rows.get(key, default)
        assert self._fetch is not None
        return self._fetch(key) or default


class Store(ABC):
    """The quads of a build, indexed for page making. ``base`` is the corpus base IRI.

    ``by_subject`` gives a subject's ``(predicate, object, graph)`` rows, ``by_object`` an IRI's
    ``(subject, predicate, graph)`` rows, ``slices`` a page's triples (see the module's text), all
    in the order of the quads sorted by subject, predicate, object (in N-Triples) and graph: the same
    for the same build whether it is read from a dump (:class:`MemoryStore`) or from the query
    index (:class:`IndexStore`), so the site is the same bytes.
    """

    base: str
    by_subject: Lookup[tuple[IRI, Term, IRI]]
    by_object: Lookup[tuple[IRI, IRI, IRI]]
    slices: Lookup[Triple]

    @abstractmethod
    def pages(self) -> list[IRI]:
        """Every page's IRI, sorted."""

    # -- which page describes a node ------------------------------------------------------------

    def local_path(self, iri: str) -> str | None:
        """The part of ``iri`` after the base, without a fragment; None for IRIs outside the base."""
        if not iri.startswith(self.base):
            return None
        return iri[len(self.base) :].split("#", 1)[0]

    def owner(self, iri: str) -> IRI | None:
        """The page IRI whose page describes ``iri``, or None when no page does."""
        path = self.local_path(iri)
        if not path:
            return None
        parts = path.split("/")
        if parts[0] in RECORD_SEGMENTS and len(parts) >= 2 and parts[1]:
            return IRI(f"{self.base}{parts[0]}/{parts[1]}")
        if path == "dataset":
            return IRI(f"{self.base}dataset")
        if parts[0] == "graph" and (path == "graph/corpus" or (len(parts) == 3 and parts[1] == "document")):
            return IRI(f"{self.base}{path}")
        return None

    def segment(self, page: IRI) -> str:
        """``person``, ``document``, …, ``dataset`` or ``graph``."""
        path = self.local_path(page) or ""
        return path.split("/", 1)[0]

    # -- reading ---------------------------------------------------------------------------------

    def values(self, subject: IRI, predicate: IRI) -> list[Term]:
        """The objects of ``subject predicate ?``, once each, in the order stated."""
        seen: dict[Term, None] = {}
        for p, o, _ in self.by_subject.get(subject, ()):
            if p == predicate:
                seen[o] = None
        return list(seen)

    def value(self, subject: IRI, predicate: IRI) -> Term | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def text(self, subject: IRI, predicate: IRI) -> str | None:
        found = self.value(subject, predicate)
        return found.value if isinstance(found, Literal) else None

    def iris(self, subject: IRI, predicate: IRI) -> list[IRI]:
        return [o for o in self.values(subject, predicate) if isinstance(o, IRI)]

    def types(self, subject: IRI) -> list[IRI]:
        return self.iris(subject, RDF.type)

    def has_type(self, subject: IRI, cls: IRI) -> bool:
        return cls in self.types(subject)

    def subjects(self, predicate: IRI, obj: IRI) -> list[IRI]:
        """The subjects of ``? predicate obj``, once each."""
        return list(dict.fromkeys(s for s, p, _ in self.by_object.get(obj, ()) if p == predicate))

    def incoming(self, obj: IRI) -> Iterator[tuple[IRI, IRI]]:
        """``(subject, predicate)`` of every triple pointing at ``obj``, once each."""
        yield from dict.fromkeys((s, p) for s, p, _ in self.by_object.get(obj, ()))

    def page_graphs(self) -> dict[IRI, set[IRI]]:
        """The graphs each record's page IRI has statements in (the pages a graph's page lists)."""
        return {page: set(self.graphs_of(page)) for page in self.pages() if self.owner(page) == page}

    def graphs_of(self, subject: IRI) -> list[IRI]:
        return list(dict.fromkeys(g for _, _, g in self.by_subject.get(subject, ())))


class MemoryStore(Store):
    """A store of quads held in memory (sorted as :class:`Store` says), for a build without an index."""

    def __init__(self, base: str, quads: list[Quad]) -> None:
        self.base = base
        by_subject: dict[IRI, list[tuple[IRI, Term, IRI]]] = defaultdict(list)
        by_object: dict[IRI, list[tuple[IRI, IRI, IRI]]] = defaultdict(list)
        slices: dict[IRI, dict[Triple, None]] = defaultdict(dict)
        for s, p, o, g in quads:
            by_subject[s].append((p, o, g))
            if isinstance(o, IRI):
                by_object[o].append((s, p, g))
            owner = self.owner(s)
            if owner is not None:
                # A dict keeps the first-seen order and drops a triple stated in two graphs.
                slices[owner][(s, p, o)] = None
        self.by_subject = Lookup(dict(by_subject))
        self.by_object = Lookup(dict(by_object))
        self._pages = sorted(slices)
        self.slices = Lookup({page: list(triples) for page, triples in slices.items()})

    def pages(self) -> list[IRI]:
        return self._pages


class IndexStore(Store):
    """A store read from a build's query index (:mod:`exilekg.index`) as pages ask for its rows.

    Opening it reads the distinct subjects once (to know the pages and the nodes each owns); the
    quads stay on disk, so memory grows with the subjects, not with the statements.
    """

    def __init__(self, base: str, index: ox.Store, path: Path, location: Path) -> None:
        self.base = base
        self.index = index
        self.path = path
        self.location = location
        # Each page's nodes as what follows the page's IRI in theirs ("", "/evidence/1#target", ...),
        # interned: most recur on every page, so the table costs pointers rather than strings.
        owned: dict[IRI, dict[str, None]] = defaultdict(dict)
        self._page_graphs: dict[IRI, set[IRI]] = defaultdict(set)
        intern = sys.intern
        solutions = index.query(_SUBJECTS)
        assert isinstance(solutions, ox.QuerySolutions)
        for subject, graph in solutions:
            if not isinstance(subject, ox.NamedNode) or not isinstance(graph, ox.NamedNode):
                raise _blank(path)
            value = subject.value
            owner = self.owner(value)
            if owner is not None:
                owned[owner][intern(value[len(owner) :])] = None
                if owner == value:
                    self._page_graphs[owner].add(IRI(graph.value))
        self._owned = {page: tuple(sorted(tails)) for page, tails in owned.items()}
        self._pages = sorted(self._owned)
        self.by_subject = Lookup(fetch=self._subject_rows)
        self.by_object = Lookup(fetch=self._object_rows)
        self.slices = Lookup(fetch=self._slice, cached=8)  # a page's, asked for while it is made
        self._values = lru_cache(maxsize=1 << 16)(self._property_values)
        # Predicates and graphs recur in row after row: one IRI each, which the rows share. The rows
        # kept for later pages then hold fewer objects, for memory and for the collector to walk.
        self._names: dict[str, IRI] = {}

    def pages(self) -> list[IRI]:
        return self._pages

    def page_graphs(self) -> dict[IRI, set[IRI]]:
        return dict(self._page_graphs)

    def reopen(self) -> None:
        """Open the index again, for a process forked from the one that opened it."""
        self.index = ox.Store.read_only(str(self.location))

    def values(self, subject: IRI, predicate: IRI) -> list[Term]:
        # Most questions of a page's neighbour are one property (its name, its type): asked of the
        # index alone, they do not read an article's hundred mentions to find its headline. A node
        # a page owns (an annotation, a selector, an evidence item) has a few rows and is asked
        # most of them (a mention's target, source, selector and its offsets and phrase): read
        # whole, once. A 100k-triple publish: 111,700 one-property reads and 21,715 whole-node reads
        # became 45,204 and 31,345, 3.2 s of reading the index 2.9 s.
        if self.owner(subject) not in (subject, None):
            return super().values(subject, predicate)
        return list(self._values(subject, predicate))

    def _property_values(self, subject: IRI, predicate: IRI) -> tuple[Term, ...]:
        found: list[tuple[str, Term]] = []
        for quad in self.index.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None):
            obj = from_oxigraph(quad.object)
            if isinstance(obj, BlankNode) or not isinstance(quad.graph_name, ox.NamedNode):
                raise _blank(self.path)
            found.append((ntriples_term(obj), obj))
        found.sort(key=lambda item: item[0])  # as by_subject orders them, graph names aside
        return tuple(dict.fromkeys(obj for _, obj in found))

    def _name(self, value: str) -> IRI:
        name = self._names.get(value)
        if name is None:
            name = self._names[value] = IRI(value)
        return name

    def _subject_rows(self, subject: IRI) -> list[tuple[IRI, Term, IRI]]:
        rows = []
        name = self._name
        for quad in self.index.quads_for_pattern(ox.NamedNode(subject), None, None):
            graph, obj = quad.graph_name, from_oxigraph(quad.object)
            if isinstance(obj, BlankNode) or not isinstance(graph, ox.NamedNode):
                raise _blank(self.path)
            rows.append((name(quad.predicate.value), obj, name(graph.value)))
        rows.sort(key=lambda row: (row[0], ntriples_term(row[1]), row[2]))
        return rows

    def _object_rows(self, obj: IRI) -> list[tuple[IRI, IRI, IRI]]:
        rows = []
        name = self._name
        for quad in self.index.quads_for_pattern(None, None, ox.NamedNode(obj)):
            graph = quad.graph_name
            if not isinstance(quad.subject, ox.NamedNode) or not isinstance(graph, ox.NamedNode):
                raise _blank(self.path)
            rows.append((IRI(quad.subject.value), name(quad.predicate.value), name(graph.value)))
        rows.sort()
        return rows

    def _slice(self, page: IRI) -> list[Triple]:
        triples: dict[Triple, None] = {}
        for tail in self._owned.get(page, ()):
            subject = IRI(page + tail)
            for p, o, _ in self.by_subject.get(subject):
                triples[(subject, p, o)] = None
        return list(triples)


_SUBJECTS = "SELECT DISTINCT ?s ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
"""Every subject with each graph it is in (none for the default graph, which a build has no triple in)."""


def _blank(path: Path) -> PublishError:
    return PublishError(
        "cannot publish this dump: it holds a blank node or a triple outside any named graph",
        path=path,
        hint="publish the folder a current `exilekg build` wrote",
    )


def _quads(dump: Dump, graph: IRI | None) -> Iterator[Quad]:
    """The dump's quads; a triple-only dump's (and void.ttl's) in ``graph``."""
    return _checked(read_statements(dump, error=PublishError), graph, dump.path)


def _checked(statements: Iterator[Statement], graph: IRI | None, path: Path) -> Iterator[Quad]:
    for s, p, o, g in statements:
        target = graph or g
        if isinstance(s, BlankNode) or isinstance(o, BlankNode) or not isinstance(target, IRI):
            raise _blank(path)
        yield s, p, o, target


def _base(void: list[Quad], path: Path) -> str:
    for _, p, o, _ in void:
        if p == VOID.uriSpace:
            return o.value if isinstance(o, Literal) else str(o)
    raise PublishError(
        "void.ttl names no void:uriSpace, so the corpus base IRI is unknown",
        path=path,
        hint="publish the folder a current `exilekg build` wrote",
    )


def read_store(out_dir: Path | str) -> Store:
    """The quads of the build in ``out_dir`` (its best dump) plus its ``void.ttl``: from its query
    index when it has a current one (:mod:`exilekg.index`), else parsed from the files."""
    out = Path(out_dir)
    void_path = out / "void.ttl"
    if not void_path.is_file():
        raise PublishError(
            "no void.ttl in the build folder",
            path=out,
            hint="run `exilekg build CORPUS --out DIR` first and publish DIR",
        )
    dump = build_dumps(out, error=PublishError)[0]
    void_dump = Dump(void_path, RdfFormat.TURTLE, None)
    void = list(_quads(void_dump, IRI("urn:exilekg:void")))
    base = _base(void, void_path)
    index = open_index(out)
    if index is not None:
        # The index holds the dump and void.ttl (in {base}void) as read here, already parsed.
        return IndexStore(base, index, out, index_path(out) / "store")
    quads = list(_quads(dump, IRI(dump.graph) if dump.graph else None))
    quads.extend((s, p, o, IRI(f"{base}void")) for s, p, o, _ in void)
    # A sorted store makes every page the same for the same build, whatever order the dump's
    # parser gives, so a republished site differs only where the data does.
    quads.sort(key=lambda q: (q[0], q[1], ntriples_term(q[2]), q[3]))
    return MemoryStore(base, quads)
