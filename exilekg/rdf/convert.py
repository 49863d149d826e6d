"""Term conversion between exilekg's terms, rdflib's and pyoxigraph's: the only place it happens.

exilekg's terms (:mod:`exilekg.terms`) are :class:`~exilekg.terms.IRI`,
:class:`~exilekg.terms.BlankNode` and :class:`~exilekg.terms.Literal`. A literal read from
either library comes back in one form, whatever its parser: a plain string (``xsd:string``)
and a language-tagged string (``rdf:langString``) have no datatype, every other literal keeps
its datatype IRI and its lexical form exactly as written (rdflib's literals are made with
``normalize=False``, so ``"01"^^xsd:integer`` stays ``01``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

from exilekg.errors import SerializationError
from exilekg.terms import IRI, PREFIXES, RDF, XSD, BlankNode, Literal, Quad

__all__ = [
    "Object",
    "Statement",
    "from_oxigraph",
    "from_rdflib",
    "node_from_oxigraph",
    "node_from_rdflib",
    "oxigraph_quad",
    "oxigraph_statements",
    "quads_of",
    "rdflib_statements",
    "to_dataset",
    "to_graph",
    "to_oxigraph",
    "to_rdflib",
]

Object = IRI | BlankNode | Literal
"""Any RDF term exilekg reads: a node or a literal."""

Statement = tuple[IRI | BlankNode, IRI, Object, IRI | BlankNode | None]
"""A quad as read from anywhere: blank nodes allowed, graph None for the default graph."""

_PLAIN = frozenset({str(XSD.string), str(RDF.langString)})
_RDFLIB_DEFAULT = "urn:x-rdflib:default"
_UNSEEN: Any = object()


def _literal(value: str, datatype: str | None, language: str | None) -> Literal:
    if language:
        return Literal(value, None, language)
    if datatype is None or datatype in _PLAIN:
        return Literal(value)
    return Literal(value, IRI(datatype))


# -- rdflib ----------------------------------------------------------------------------------------


def from_rdflib(term: Any) -> Object:
    """An rdflib URIRef, BNode or Literal as an exilekg term; :class:`ValueError` for anything else
    (a variable, a quoted graph)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return IRI(term)
    if isinstance(term, rdflib.BNode):
        return BlankNode(term)
    if isinstance(term, rdflib.Literal):
        return _literal(str(term), term.datatype, term.language)
    raise ValueError(f"not an RDF term exilekg represents: {term!r}")


def node_from_rdflib(term: Any) -> IRI | BlankNode:
    """A subject or graph name; :class:`ValueError` for a literal (generalized RDF)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return IRI(term)
    if isinstance(term, rdflib.BNode):
        return BlankNode(term)
    raise ValueError(f"not an IRI or blank node: {term!r}")


def to_rdflib(term: Object) -> rdflib.URIRef | rdflib.BNode | rdflib.Literal:
    """An exilekg term as rdflib's, lexical forms kept exactly as written."""
    import rdflib

    if isinstance(term, BlankNode):
        return rdflib.BNode(term)
    if isinstance(term, IRI):
        return rdflib.URIRef(term)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=False)
    datatype = rdflib.URIRef(term.datatype) if term.datatype else None
    return rdflib.Literal(term.value, datatype=datatype, normalize=False)


def rdflib_statements(graph: rdflib.Graph) -> Iterator[Statement]:
    """Every quad of an rdflib Dataset (graph None for its default graph), or every triple of a
    Graph (graph None); triples with a literal subject (generalized RDF) are left out."""
    import rdflib

    if isinstance(graph, rdflib.Dataset):
        for s, p, o, g in graph.quads((None, None, None, None)):
            if isinstance(s, rdflib.Literal):
                continue
            name = g.identifier if isinstance(g, rdflib.Graph) else g
            default = name is None or (isinstance(name, rdflib.URIRef) and str(name) == _RDFLIB_DEFAULT)
            target = None if default else node_from_rdflib(name)
            yield node_from_rdflib(s), IRI(p), from_rdflib(o), target
        return
    for s, p, o in graph:
        if not isinstance(s, rdflib.Literal):
            yield node_from_rdflib(s), IRI(p), from_rdflib(o), None


# Namespaces of the dataset description that rdflib does not bind: left to it, they would be named
# ns1, ns2 in the order it meets them, which changes from run to run.
_DESCRIPTION_PREFIXES = {
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
}


def _bind(graph: rdflib.Graph) -> None:
    import rdflib

    for prefix, namespace in {**PREFIXES, **_DESCRIPTION_PREFIXES}.items():
        graph.bind(prefix, rdflib.Namespace(namespace), override=True, replace=True)


def to_dataset(quads: Iterable[Quad]) -> rdflib.Dataset:
    """An rdflib Dataset of the quads, one named graph per graph IRI, with exilekg's prefixes."""
    import rdflib

    dataset = rdflib.Dataset()
    _bind(dataset)
    graphs: dict[IRI, rdflib.Graph] = {}
    for s, p, o, g in quads:
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = dataset.graph(rdflib.URIRef(g))
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), to_rdflib(o)))
    return dataset


def to_graph(quads: Iterable[Quad]) -> rdflib.Graph:
    """An rdflib Graph of the quads' triples, graph names dropped."""
    import rdflib

    graph = rdflib.Graph()
    _bind(graph)
    for s, p, o, _ in quads:
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), to_rdflib(o)))
    return graph


def quads_of(dataset: rdflib.Dataset) -> Iterator[Quad]:
    """The quads of an rdflib Dataset as exilekg quads: IRI-named nodes in named graphs only.

    Raises :class:`~exilekg.errors.SerializationError` for a blank node or a triple in the
    default graph, which exilekg's quads cannot hold.
    """
    for s, p, o, g in rdflib_statements(dataset):
        if isinstance(s, BlankNode) or isinstance(g, BlankNode):
            raise SerializationError(
                "the dataset holds a blank node or a triple outside any named graph",
                hint="exilekg writes named graphs of IRI-named nodes only",
            )
        if g is None:
            raise SerializationError(
                "the dataset holds triples in the default graph", hint="put them in a named graph"
            )
        if isinstance(o, BlankNode):
            raise SerializationError("the dataset holds a blank node", hint="give every node an IRI")
        yield s, p, o, g


# -- pyoxigraph ------------------------------------------------------------------------------------


def from_oxigraph(term: Any) -> Object:
    """A pyoxigraph NamedNode, BlankNode or Literal as an exilekg term; :class:`ValueError` for
    an RDF-star triple term."""
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BlankNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value, term.language)
    raise ValueError(f"not an RDF term exilekg represents (RDF-star triples are not): {term!r}")


def node_from_oxigraph(term: Any) -> IRI | BlankNode:
    """A subject as an exilekg node; :class:`ValueError` for an RDF-star triple term."""
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BlankNode(term.value)
    raise ValueError(f"not an IRI or blank node (RDF-star triples are not read): {term!r}")


def oxigraph_quad(quad: Any) -> Statement:
    """A pyoxigraph Quad (or Triple: graph None) as a statement."""
    graph = getattr(quad, "graph_name", None)
    name = None if graph is None or isinstance(graph, ox.DefaultGraph) else node_from_oxigraph(graph)
    return node_from_oxigraph(quad.subject), IRI(quad.predicate.value), from_oxigraph(quad.object), name


def oxigraph_statements(quads: Iterable[Any]) -> Iterator[Statement]:
    """pyoxigraph's quads (or triples) as statements, as :func:`oxigraph_quad` gives them.

    The loop a file's every quad goes through, so the common cases (an IRI subject and object, a
    plain or typed literal) are written out, and the few distinct predicates, datatypes and graph
    names are converted once each.
    """
    named, literal = ox.NamedNode, ox.Literal
    predicates: dict[str, IRI] = {}
    datatypes: dict[str, IRI | None] = {}
    graphs: dict[Any, IRI | BlankNode | None] = {}
    for quad in quads:
        s, o = quad.subject, quad.object
        subject = IRI(s.value) if type(s) is named else node_from_oxigraph(s)
        p = quad.predicate.value
        predicate = predicates.get(p)
        if predicate is None:
            predicate = predicates[p] = IRI(p)
        obj: Object
        kind = type(o)
        if kind is named:
            obj = IRI(o.value)
        elif kind is literal:
            if o.language:
                obj = Literal(o.value, None, o.language)
            else:
                d = o.datatype.value
                datatype = datatypes.get(d, _UNSEEN)
                if datatype is _UNSEEN:
                    datatype = datatypes[d] = None if d in _PLAIN else IRI(d)
                obj = Literal(o.value, datatype)
        else:
            obj = from_oxigraph(o)
        g = getattr(quad, "graph_name", None)
        graph = graphs.get(g, _UNSEEN) if g is not None else None
        if graph is _UNSEEN:
            graph = graphs[g] = None if isinstance(g, ox.DefaultGraph) else node_from_oxigraph(g)
        yield subject, predicate, obj, graph


def to_oxigraph(term: Object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An exilekg term as pyoxigraph's."""
    if isinstance(term, BlankNode):
        return ox.BlankNode(term)
    if isinstance(term, IRI):
        return ox.NamedNode(term)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None)
