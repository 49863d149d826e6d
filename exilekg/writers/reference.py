"""The reference engine: every format through an rdflib Graph or Dataset and rdflib's serializers.

A hundred times slower than the fast writers, and what they are tested against; also the
conversions between exilekg's quads and rdflib's datasets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import rdflib

from exilekg.errors import SerializationError
from exilekg.formats import RdfFormat
from exilekg.jsonld import context_value
from exilekg.terms import IRI, PREFIXES, Literal, Quad, Term
from exilekg.writers.base import QuadWriter

__all__ = ["RdflibWriter", "quads_of", "to_dataset", "to_graph"]


def _rdflib_term(term: Term) -> rdflib.term.Identifier:
    if isinstance(term, IRI):
        return rdflib.URIRef(term)
    datatype = rdflib.URIRef(term.datatype) if term.datatype else None
    # normalize=False keeps our lexical forms exactly as written in the other formats.
    return rdflib.Literal(term.value, lang=term.language, datatype=datatype, normalize=False)


def _bind(graph: rdflib.Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rdflib.Namespace(namespace), override=True, replace=True)


def to_dataset(quads: Iterable[Quad]) -> rdflib.Dataset:
    """An rdflib Dataset of the quads, one named graph per graph IRI."""
    dataset = rdflib.Dataset()
    _bind(dataset)
    graphs: dict[IRI, rdflib.Graph] = {}
    for s, p, o, g in quads:
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = dataset.graph(rdflib.URIRef(g))
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), _rdflib_term(o)))
    return dataset


def to_graph(quads: Iterable[Quad]) -> rdflib.Graph:
    """An rdflib Graph of the quads' triples, graph names dropped."""
    graph = rdflib.Graph()
    _bind(graph)
    for s, p, o, _ in quads:
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), _rdflib_term(o)))
    return graph


def quads_of(dataset: rdflib.Dataset) -> Iterator[Quad]:
    """The quads of an rdflib Dataset as exilekg terms (blank nodes and the default graph refused)."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = g.identifier if isinstance(g, rdflib.Graph) else g
        if (
            not isinstance(s, rdflib.URIRef)
            or not isinstance(p, rdflib.URIRef)
            or not isinstance(graph, rdflib.URIRef)
        ):
            raise SerializationError(
                "the dataset holds a blank node or a triple outside any named graph",
                hint="exilekg writes named graphs of IRI-named nodes only",
            )
        if graph == rdflib.URIRef("urn:x-rdflib:default"):
            raise SerializationError(
                "the dataset holds triples in the default graph", hint="put them in a named graph"
            )
        obj: Term
        if isinstance(o, rdflib.URIRef):
            obj = IRI(o)
        elif isinstance(o, rdflib.Literal):
            obj = Literal(str(o), IRI(o.datatype) if o.datatype else None, o.language)
        else:
            raise SerializationError("the dataset holds a blank node", hint="give every node an IRI")
        yield IRI(s), IRI(p), obj, IRI(graph)


class RdflibWriter(QuadWriter):
    """The reference engine: every format through an rdflib Graph or Dataset and rdflib's serializers."""

    def __init__(self, out: IO[str], fmt: RdfFormat, jsonld_context: str | None = None) -> None:
        self.out = out
        self.fmt = fmt
        self.jsonld_context = jsonld_context
        self.quads: list[Quad] = []

    def write_many(self, quads: Sequence[Quad], repeats: Sequence[int] = ()) -> None:
        self.quads.extend(quads)

    def close(self) -> None:
        if self.fmt is RdfFormat.JSONLD:
            context = context_value()
            text = to_dataset(self.quads).serialize(format="json-ld", context=context)
            if self.jsonld_context is not None:  # compacted with the context, then named by its URL
                text = _name_context(text, self.jsonld_context)
        elif self.fmt.supports_datasets:
            text = to_dataset(self.quads).serialize(format=self.fmt.rdflib_name)
        else:
            text = to_graph(self.quads).serialize(format=self.fmt.rdflib_name)
        self.out.write(text)


def _name_context(text: str, url: str) -> str:
    document = json.loads(text)
    document["@context"] = url
    return json.dumps(document, indent=2, ensure_ascii=False)
