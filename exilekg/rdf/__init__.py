"""The one RDF I/O layer: reading dumps and build folders, and converting terms.

- :mod:`exilekg.rdf.read`: which files a folder or a list of paths means (:func:`find_dumps`,
  :data:`DUMP_PREFERENCE`), in which format and which graph, and reading them as exilekg terms
  (:func:`read_statements`) or into an rdflib Dataset or a pyoxigraph Store.
- :mod:`exilekg.rdf.convert`: exilekg terms to and from rdflib's and pyoxigraph's, with one
  blank-node type (:class:`~exilekg.terms.BlankNode`) and one form for plain literals.

``exilekg query``, ``check``, ``load`` and ``publish`` all read through here.
"""

from __future__ import annotations

from exilekg.rdf.convert import (
    Object,
    Statement,
    from_oxigraph,
    from_rdflib,
    node_from_oxigraph,
    node_from_rdflib,
    oxigraph_quad,
    oxigraph_statements,
    quads_of,
    rdflib_statements,
    to_dataset,
    to_graph,
    to_oxigraph,
    to_rdflib,
)
from exilekg.rdf.read import (
    DUMP_PREFERENCE,
    Dump,
    build_dumps,
    find_dumps,
    graph_name,
    into_oxigraph,
    into_rdflib,
    jsonld_document,
    parse_error,
    read_statements,
)
from exilekg.terms import BlankNode

__all__ = [
    "DUMP_PREFERENCE",
    "BlankNode",
    "Dump",
    "Object",
    "Statement",
    "build_dumps",
    "find_dumps",
    "from_oxigraph",
    "from_rdflib",
    "graph_name",
    "into_oxigraph",
    "into_rdflib",
    "jsonld_document",
    "node_from_oxigraph",
    "node_from_rdflib",
    "oxigraph_quad",
    "oxigraph_statements",
    "parse_error",
    "quads_of",
    "rdflib_statements",
    "read_statements",
    "to_dataset",
    "to_graph",
    "to_oxigraph",
    "to_rdflib",
]
