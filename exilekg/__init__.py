"""exilekg: a linked-data knowledge graph of the Russian political opposition in exile.

The pipeline, one module per stage: :mod:`~exilekg.corpus` reads a corpus folder,
:mod:`~exilekg.validation` checks it, :mod:`~exilekg.map` turns it into a stream
of quads, :mod:`~exilekg.writers` writes them; :func:`build` (:mod:`~exilekg.pipeline`)
runs them all.

The names below are imported when first used (PEP 562), so that ``import exilekg`` (and the
command line's ``--help``) costs nothing until something is asked of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from exilekg._version import __version__

if TYPE_CHECKING:
    from exilekg.corpus import Corpus, ReadPolicy, read_corpus
    from exilekg.errors import (
        CheckError,
        CorpusError,
        EvidenceError,
        ExilekgError,
        FormatError,
        IngestError,
        Location,
        OutputError,
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
    from exilekg.pipeline import BuildResult, build, build_dataset
    from exilekg.terms import IRI, Literal, Quad
    from exilekg.validation import ValidationReport, validate
    from exilekg.writers import WriterEngine, dump, serialize, to_dataset

_LAZY: dict[str, str] = {
    "CheckError": "exilekg.errors",
    "CorpusError": "exilekg.errors",
    "EvidenceError": "exilekg.errors",
    "ExilekgError": "exilekg.errors",
    "FormatError": "exilekg.errors",
    "IngestError": "exilekg.errors",
    "Location": "exilekg.errors",
    "OutputError": "exilekg.errors",
    "Problem": "exilekg.errors",
    "PublishError": "exilekg.errors",
    "QueryError": "exilekg.errors",
    "ReconcileError": "exilekg.errors",
    "SerializationError": "exilekg.errors",
    "StoreError": "exilekg.errors",
    "ValidationError": "exilekg.errors",
    "Corpus": "exilekg.corpus",
    "ReadPolicy": "exilekg.corpus",
    "read_corpus": "exilekg.corpus",
    "RdfFormat": "exilekg.formats",
    "map_corpus": "exilekg.map",
    "BuildResult": "exilekg.pipeline",
    "build": "exilekg.pipeline",
    "build_dataset": "exilekg.pipeline",
    "IRI": "exilekg.terms",
    "Literal": "exilekg.terms",
    "Quad": "exilekg.terms",
    "ValidationReport": "exilekg.validation",
    "validate": "exilekg.validation",
    "WriterEngine": "exilekg.writers",
    "dump": "exilekg.writers",
    "serialize": "exilekg.writers",
    "to_dataset": "exilekg.writers",
}
"""Each lazily imported name and the module that defines it."""

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
    "OutputError",
    "Problem",
    "PublishError",
    "Quad",
    "QueryError",
    "RdfFormat",
    "ReadPolicy",
    "ReconcileError",
    "SerializationError",
    "StoreError",
    "ValidationError",
    "ValidationReport",
    "WriterEngine",
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'exilekg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
