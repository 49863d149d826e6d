"""Deterministic identifiers: the same input always gives the same IRIs.

Every IRI is ``{base}{segment}/{id}`` for a record, with fixed sub-paths and
fragments for the nodes that hang off a record (evidence annotations, their
targets and selectors, images, mentions). Record ids are restricted by the
schemas to characters that need no escaping in an IRI.
"""

from __future__ import annotations

from dataclasses import dataclass

from exilekg.kinds import KINDS
from exilekg.terms import IRI

__all__ = ["Minter"]


@dataclass(frozen=True)
class Minter:
    base: str

    def record(self, kind: str, record_id: str) -> IRI:
        return IRI(f"{self.base}{KINDS[kind].segment}/{record_id}")

    def document(self, document_id: str) -> IRI:
        return IRI(f"{self.base}document/{document_id}")

    def dataset(self) -> IRI:
        return IRI(f"{self.base}dataset")

    def maintainer(self) -> IRI:
        return IRI(f"{self.base}dataset#maintainer")

    def corpus_graph(self) -> IRI:
        return IRI(f"{self.base}graph/corpus")

    def document_graph(self, document_id: str) -> IRI:
        return IRI(f"{self.base}graph/document/{document_id}")

    def evidence(self, subject: IRI, number: int) -> IRI:
        """The annotation of a record's ``number``-th evidence item (1-based)."""
        return IRI(f"{subject}/evidence/{number}")

    def mention(self, document_id: str, start: int, end: int) -> IRI:
        return IRI(f"{self.base}document/{document_id}/mention/{start}-{end}")

    @staticmethod
    def part(node: IRI, name: str) -> IRI:
        """A node that only exists as part of another: ``#target``, ``#quote``, ``#position``."""
        return IRI(f"{node}#{name}")
