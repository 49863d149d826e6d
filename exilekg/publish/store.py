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

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib

from exilekg.errors import PublishError
from exilekg.formats import RdfFormat
from exilekg.model import KINDS
from exilekg.terms import IRI, RDF, VOID, Literal, Quad, Term
from exilekg.writers import ntriples_term, quads_of

__all__ = [
    "DUMP_PREFERENCE",
    "RECORD_SEGMENTS",
    "Store",
    "Triple",
    "load_store",
]

Triple = tuple[IRI, IRI, Term]

RECORD_SEGMENTS: frozenset[str] = frozenset({"document", *(kind.segment for kind in KINDS.values())})
"""The first path segment of every record IRI."""

DUMP_PREFERENCE: tuple[RdfFormat, ...] = (
    RdfFormat.NQUADS,
    RdfFormat.TRIG,
    RdfFormat.NTRIPLES,
    RdfFormat.TURTLE,
)
"""Which dump to read when a build wrote several: quad formats first, line-based ones before the rest."""


@dataclass
class Store:
    """The quads of a build, indexed for page making. ``base`` is the corpus base IRI."""

    base: str
    quads: list[Quad]
    by_subject: dict[IRI, list[tuple[IRI, Term, IRI]]] = field(default_factory=dict)
    by_object: dict[IRI, list[tuple[IRI, IRI, IRI]]] = field(default_factory=dict)
    slices: dict[IRI, list[Triple]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_subject: dict[IRI, list[tuple[IRI, Term, IRI]]] = defaultdict(list)
        by_object: dict[IRI, list[tuple[IRI, IRI, IRI]]] = defaultdict(list)
        slices: dict[IRI, dict[Triple, None]] = defaultdict(dict)
        for s, p, o, g in self.quads:
            by_subject[s].append((p, o, g))
            if isinstance(o, IRI):
                by_object[o].append((s, p, g))
            owner = self.owner(s)
            if owner is not None:
                # A dict keeps the first-seen order and drops a triple stated in two graphs.
                slices[owner][(s, p, o)] = None
        self.by_subject = dict(by_subject)
        self.by_object = dict(by_object)
        self.slices = {page: list(triples) for page, triples in slices.items()}

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

    def pages(self) -> list[IRI]:
        return sorted(self.slices)

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

    def graphs_of(self, subject: IRI) -> list[IRI]:
        return list(dict.fromkeys(g for _, _, g in self.by_subject.get(subject, ())))


def _read_dump(path: Path, fmt: RdfFormat) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    try:
        if fmt.supports_datasets:
            dataset.parse(path, format=fmt.rdflib_name)
        else:
            # A triple-only dump is read into one named graph so quads_of accepts it.
            graph = dataset.graph(rdflib.URIRef(f"file://{path.resolve()}"))
            graph.parse(path, format=fmt.rdflib_name)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise PublishError(f"cannot read the dump: {exc}", path=path) from None
    return dataset


def _base_from_void(void: rdflib.Graph, path: Path) -> str:
    for _, _, space in void.triples((None, rdflib.URIRef(VOID.uriSpace), None)):
        return str(space)
    raise PublishError(
        "void.ttl names no void:uriSpace, so the corpus base IRI is unknown",
        path=path,
        hint="publish the folder a current `exilekg build` wrote",
    )


def _void_quads(void: rdflib.Graph, base: str) -> Iterable[Quad]:
    dataset = rdflib.Dataset()
    graph = dataset.graph(rdflib.URIRef(f"{base}void"))
    for triple in void:
        graph.add(triple)
    return quads_of(dataset)


def load_store(out_dir: Path | str) -> Store:
    """The quads of the build in ``out_dir`` (one of its dumps) plus its ``void.ttl``."""
    out = Path(out_dir)
    void_path = out / "void.ttl"
    if not void_path.is_file():
        raise PublishError(
            "no void.ttl in the build folder",
            path=out,
            hint="run `exilekg build CORPUS --out DIR` first and publish DIR",
        )
    for fmt in DUMP_PREFERENCE:
        dump = out / f"exilekg.{fmt.extension}"
        if dump.is_file():
            break
    else:
        raise PublishError(
            "the build folder holds no N-Quads, TriG, N-Triples or Turtle dump",
            path=out,
            hint="build with at least one of --format nq, trig, nt or ttl",
        )
    void = rdflib.Graph()
    try:
        void.parse(void_path, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise PublishError(f"cannot read void.ttl: {exc}", path=void_path) from None
    base = _base_from_void(void, void_path)
    try:
        quads = list(quads_of(_read_dump(dump, fmt)))
        quads.extend(_void_quads(void, base))
    except PublishError:
        raise
    except Exception as exc:  # quads_of's SerializationError: blank nodes or a default graph
        raise PublishError(f"cannot publish this dump: {exc}", path=dump) from None
    # rdflib hands quads back in hash order, which changes from run to run; a sorted store makes
    # every page the same for the same build, so a republished site differs only where the data does.
    quads.sort(key=lambda q: (q[0], q[1], ntriples_term(q[2]), q[3]))
    return Store(base, quads)
