"""The reference engine: every format through an rdflib Graph or Dataset and rdflib's serializers.

A hundred times slower than the fast writers, and what they are tested against. The
conversions between exilekg's quads and rdflib's datasets live in :mod:`exilekg.rdf.convert`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from exilekg.formats import RdfFormat
from exilekg.jsonld import context_value
from exilekg.rdf.convert import to_dataset, to_graph
from exilekg.terms import Quad
from exilekg.writers.base import QuadWriter

__all__ = ["RdflibWriter"]


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
