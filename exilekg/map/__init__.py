"""Mapping a validated corpus to RDF: a stream of quads.

Mapping yields :data:`~exilekg.terms.Quad` tuples record by record, so writers
can stream them to disk; nothing here holds the whole graph. Graphs: the
corpus's own graph holds the dataset description, the documents' metadata and
the entities; each document's graph holds the facts it supports, their
evidence annotations, and the mentions found in its text.

The package's parts: :mod:`~exilekg.map.mapper` walks the corpus (the dataset, documents,
entities, facts) and keeps each subject's quads together; :mod:`~exilekg.map.facts` gives each
fact kind's triples; :mod:`~exilekg.map.annotations` the evidence and mention annotations;
:mod:`~exilekg.map.literals` the literals; :mod:`~exilekg.map.ids` the records' IRIs.
"""

from __future__ import annotations

from exilekg.map.literals import LICENSES, date_literal
from exilekg.map.mapper import Mapper, Unit, map_corpus

__all__ = ["LICENSES", "Mapper", "Unit", "date_literal", "map_corpus"]
