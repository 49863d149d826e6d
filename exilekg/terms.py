"""The RDF terms of exilekg: small, immutable and cheap to create.

Mapping emits a stream of :data:`Quad` tuples built from :class:`IRI` and
:class:`Literal`; writers and the rdflib/pyoxigraph converters of :mod:`exilekg.rdf`
consume that stream. They are deliberately lighter than rdflib's terms because a
large build creates millions of them. Data read from elsewhere may also hold
blank nodes, which are :class:`BlankNode` everywhere (query results, the checker,
the readers).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "DCAT",
    "DCTERMS",
    "EXILEKG",
    "IRI",
    "OA",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "VOID",
    "XSD",
    "BlankNode",
    "Literal",
    "Namespace",
    "Node",
    "Quad",
    "Term",
    "prefixed_name",
]


class IRI(str):
    """An absolute IRI. A ``str`` so that it sorts, hashes and formats as one."""

    __slots__ = ()


class BlankNode(str):
    """A blank node's label, without ``_:``, as its parser or engine named it.

    A ``str`` like :class:`IRI`; the two never collide, since a label has no ``:`` and an
    absolute IRI always has one.
    """

    __slots__ = ()


class Literal(NamedTuple):
    """A literal: lexical form, optional datatype IRI, optional language tag."""

    value: str
    datatype: IRI | None = None
    language: str | None = None


Term = IRI | Literal
Node = IRI | BlankNode
"""A subject or object that is not a literal."""
Quad = tuple[IRI, IRI, Term, IRI]
"""(subject, predicate, object, graph). Every quad sits in a named graph."""


class Namespace:
    """An IRI prefix; ``NS.term`` and ``NS["term"]`` give :class:`IRI` values.

    Not a ``str`` subclass on purpose: ``NS.title`` or ``NS.format`` must be
    vocabulary terms, not string methods. Each term is made once and then kept as an
    instance attribute: mapping looks terms up millions of times, and a plain
    attribute read costs a twentieth of a ``__getattr__`` call.
    """

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("__"):
            raise AttributeError(name)
        term = IRI(self._prefix + name)
        self.__dict__[name] = term
        return term

    def __getitem__(self, name: str) -> IRI:
        if name.startswith("__") or name == "_prefix":
            return IRI(self._prefix + name)
        term: IRI = getattr(self, name)
        return term

    def __str__(self) -> str:
        return self._prefix

    def __repr__(self) -> str:
        return f"Namespace({self._prefix!r})"


SCHEMA = Namespace("http://schema.org/")
EXILEKG = Namespace("https://w3id.org/exilekg/vocab#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")

PREFIXES: dict[str, str] = {
    "schema": str(SCHEMA),
    "exilekg": str(EXILEKG),
    "prov": str(PROV),
    "oa": str(OA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
}
"""Prefixes used in readable outputs (Turtle, TriG) and in the JSON-LD context."""


def prefixed_name(iri: str) -> str:
    """``schema:Person`` for the schema.org IRI, and so on for every prefix of :data:`PREFIXES`;
    any other IRI unchanged."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri
