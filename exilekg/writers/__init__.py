"""Writing quads: one small writer per format, and the sink that feeds them all from one stream.

Two ways in, as in pyoxigraph: :func:`serialize` returns a string, :func:`dump` writes a file
atomically. Both take the quad stream mapping produces or an rdflib Dataset.

- :mod:`~exilekg.writers.lines`: N-Triples and N-Quads, formatted with f-strings line by line
  as the quads arrive, so memory stays flat; a triple the stream gives in two graphs is one
  N-Triples line;
- :mod:`~exilekg.writers.oxigraph`: Turtle and TriG, converted by pyoxigraph (Rust, with our
  prefixes) from that text, for large outputs in worker processes of their own
  (:mod:`~exilekg.writers._oxworker`) on the other core;
- :mod:`~exilekg.writers.jsonld`: compact JSON-LD, straight from a grouping of the quads by
  graph, subject and predicate, its context inline;
- :mod:`~exilekg.writers.reference`: the rdflib engine (``WriterEngine.RDFLIB``), every format
  through rdflib's serializers: the reference the fast writers are tested against, a hundred
  times slower;
- :mod:`~exilekg.writers.sink`: :class:`QuadSink`, one stream to several formats at once.
"""

from __future__ import annotations

from exilekg.rdf.convert import quads_of, to_dataset, to_graph
from exilekg.writers.base import BATCH, ENGINES, QuadWriter, WriterEngine
from exilekg.writers.jsonld import jsonld_document
from exilekg.writers.lines import ntriples_term
from exilekg.writers.sink import QuadSink, dump, serialize, writer_for

__all__ = [
    "BATCH",
    "ENGINES",
    "QuadSink",
    "QuadWriter",
    "WriterEngine",
    "dump",
    "jsonld_document",
    "ntriples_term",
    "quads_of",
    "serialize",
    "to_dataset",
    "to_graph",
    "writer_for",
]
