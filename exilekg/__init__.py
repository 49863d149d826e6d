"""exilekg: a linked-data knowledge graph of the Russian political opposition in exile.

The pipeline, one module per stage: :mod:`~exilekg.corpus` reads a corpus folder,
:mod:`~exilekg.validate` checks it, :mod:`~exilekg.map` turns it into a stream
of quads, :mod:`~exilekg.serialize` writes them; :func:`build` runs them all.
"""

from __future__ import annotations

__version__ = "0.1.0"

from exilekg.build import BuildResult, build, build_dataset
from exilekg.corpus import Corpus, read_corpus
from exilekg.errors import (
    CheckError,
    CorpusError,
    EvidenceError,
    ExilekgError,
    FormatError,
    IngestError,
    Location,
    Problem,
    PublishError,
    QueryError,
    ReconcileError,
    SerializationError,
    StoreError,
    ValidationError,
)
from exilekg.formats import RdfFormat
from exilekg.map import map_corpus
from exilekg.serialize import dump, serialize, to_dataset
from exilekg.terms import IRI, Literal, Quad
from exilekg.validate import ValidationReport, validate

__all__ = [
    "IRI",
    "BuildResult",
    "CheckError",
    "Corpus",
    "CorpusError",
    "EvidenceError",
    "ExilekgError",
    "FormatError",
    "IngestError",
    "Literal",
    "Location",
    "Problem",
    "PublishError",
    "Quad",
    "QueryError",
    "RdfFormat",
    "ReconcileError",
    "SerializationError",
    "StoreError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "build",
    "build_dataset",
    "dump",
    "map_corpus",
    "read_corpus",
    "serialize",
    "to_dataset",
    "validate",
]
