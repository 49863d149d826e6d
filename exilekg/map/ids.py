"""What every part of the mapping looks up: a record id's IRI, and the IRIs of a reference field."""

from __future__ import annotations

from typing import Any

from exilekg.iris import Minter
from exilekg.terms import IRI

__all__ = ["RecordIris"]


class RecordIris:
    """The IRIs of the corpus's records, by id (the mapper fills ``mint`` and ``kinds``)."""

    mint: Minter
    kinds: dict[str, str]
    """Each record id's kind."""

    def iri(self, record_id: str) -> IRI:
        return self.mint.record(self.kinds[record_id], record_id)

    def refs(self, value: Any) -> list[IRI]:
        """IRIs of a reference field: an id, a list of ids, or inline records."""
        items = value if isinstance(value, list) else [value] if value is not None else []
        out: list[IRI] = []
        for item in items:
            rid = item.get("id") if isinstance(item, dict) else item
            if isinstance(rid, str) and rid in self.kinds:
                out.append(self.iri(rid))
        return out
