"""How the site names and points at every node: page paths, relative links, anchors, and labels
(a record's from its kind's phrasing, :mod:`exilekg.phrasing`)."""

from __future__ import annotations

import posixpath
import re

from exilekg.kinds import ENTITY_KINDS, FACT_KINDS, kind_of_segment
from exilekg.phrasing import Phrasing, Slot, Template
from exilekg.publish.store import Store
from exilekg.publish.views import Link
from exilekg.publish.vocab import class_label, predicate_label, prefixed
from exilekg.quantities import qualifier_of_iri, quantity_text
from exilekg.terms import EXILEKG, IRI, PROV, SCHEMA, Literal, Term

__all__ = ["ENTITY_SEGMENTS", "EVIDENCE_NUMBER", "FACT_SEGMENTS", "SiteLinks"]

ENTITY_SEGMENTS: tuple[str, ...] = tuple(kind.segment for kind in ENTITY_KINDS.values())
FACT_SEGMENTS: tuple[str, ...] = tuple(kind.segment for kind in FACT_KINDS.values())

EVIDENCE_NUMBER = re.compile(r"/evidence/(\d+)$")
"""The number of an evidence annotation, at the end of its IRI."""


class SiteLinks:
    """Paths, links and labels of the graph's nodes as the site shows them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.page_set = set(store.pages())
        self._labels: dict[IRI, str] = {}

    # -- paths and links ------------------------------------------------------------------------

    def path(self, page: IRI) -> str:
        """The page's path below the site root, without extension: ``person/anna-petrova``."""
        return self.store.local_path(page) or ""

    def segment(self, page: IRI) -> str:
        return self.store.segment(page)

    def kind(self, iri: IRI) -> str:
        """A node's kind for colours and grouping: an entity segment, ``document``, ``fact`` or ``other``."""
        segment = self.segment(iri) if self.store.owner(iri) == iri else ""
        if segment in ENTITY_SEGMENTS or segment == "document":
            return segment
        if segment in FACT_SEGMENTS:
            return "fact"
        return "other"

    @staticmethod
    def relative(from_file: str, to_file: str) -> str:
        """The relative URL from one site file to another (both relative to the site root).

        What ``posixpath.relpath`` gives for such paths, from their parts alone: relpath makes both
        absolute against the working directory first, which took a tenth of a large publish.
        """
        start = [part for part in posixpath.dirname(from_file).split("/") if part]
        target = [part for part in to_file.split("/") if part]
        common = 0
        while common < len(start) and common < len(target) and start[common] == target[common]:
            common += 1
        return "/".join([".."] * (len(start) - common) + target[common:]) or "."

    def anchor(self, iri: str) -> str | None:
        """The id of the place on its owner's page that describes a node, or None for the page itself."""
        owner = self.store.owner(iri)
        if owner is None or owner == iri:
            return None
        rest = iri[len(owner) :]
        number = EVIDENCE_NUMBER.search(rest.split("#", 1)[0])
        if number:
            return f"evidence-{number.group(1)}"
        if "/mention/" in rest:
            return "mentions"
        if rest.startswith("#"):
            fragment = rest[1:]
            if fragment.startswith("class-"):
                return "classes"
            if fragment.startswith("distribution-"):
                return "dumps"
            return fragment
        return None

    def href(self, from_file: str, iri: str) -> str | None:
        owner = self.store.owner(iri)
        if owner is None or owner not in self.page_set:
            if iri.startswith(str(EXILEKG)) and len(iri) > len(str(EXILEKG)):
                return self.relative(from_file, "vocab.html") + "#" + iri[len(str(EXILEKG)) :]
            return None
        url = self.relative(from_file, f"{self.path(owner)}.html")
        anchor = self.anchor(iri)
        return f"{url}#{anchor}" if anchor else url

    def link(self, from_file: str, term: Term) -> Link:
        if isinstance(term, Literal):
            note = None
            if term.datatype and not term.datatype.endswith(("#string", "#integer", "#decimal")):
                note = prefixed(term.datatype)
            return Link(term.value, lang=term.language, note=note)
        href = self.href(from_file, term)
        if href is not None:
            return Link(self.label(term), href)
        if term.startswith(("http://", "https://")):
            return Link(str(term), str(term), external=True)
        return Link(str(term))

    def predicate_href(self, from_file: str, predicate: IRI) -> str | None:
        if predicate.startswith(str(EXILEKG)):
            return self.href(from_file, predicate)
        if predicate.startswith(str(SCHEMA)):
            return f"https://schema.org/{predicate[len(str(SCHEMA)) :]}"
        return None

    # -- labels ---------------------------------------------------------------------------------

    def label(self, iri: IRI) -> str:
        if iri not in self._labels:
            self._labels[iri] = self._make_label(iri)
        return self._labels[iri]

    def _make_label(self, iri: IRI) -> str:
        s = self.store
        segment = self.segment(iri) if s.owner(iri) == iri else ""
        kind = kind_of_segment(segment)
        if kind is not None and kind.phrasing.label is not None:
            label = self._fill(kind.phrasing.label, iri, kind.phrasing)
            if label is not None:
                return label
        name = s.text(iri, SCHEMA.name) or s.text(iri, SCHEMA.headline) or s.text(iri, SCHEMA.caption)
        if name:
            return name
        if segment == "graph" or (self.store.local_path(iri) or "").startswith("graph/"):
            sources = s.iris(iri, PROV.wasDerivedFrom)
            return f"Graph of “{self.label(sources[0])}”" if sources else "Corpus graph"
        path = self.store.local_path(iri)
        return path.rsplit("/", 1)[-1] if path else str(iri)

    def _texts(self, iri: IRI, slot: Slot) -> list[str]:
        """A slot's values as a phrase shows them: a literal's text, a record's label, a property's words."""
        if slot.quantity:
            return [text] if (text := self.quantity(iri)) else []
        texts = []
        for value in self.store.values(iri, slot.predicate):
            if isinstance(value, Literal):
                texts.append(value.value)
            else:
                texts.append(predicate_label(value) if slot.is_property else self.label(value))
        return texts

    def quantity(self, iri: IRI, unit: bool = True) -> str | None:
        """An observation's figure in words, with its unit unless ``unit`` is false."""
        s = self.store
        qualifier = s.iris(iri, EXILEKG.valueQualifier)
        return quantity_text(
            s.text(iri, SCHEMA.value),
            s.text(iri, SCHEMA.minValue),
            s.text(iri, SCHEMA.maxValue),
            qualifier_of_iri(qualifier[0]) if qualifier else None,
            s.text(iri, SCHEMA.unitText) if unit else None,
        )

    def _fill(self, template: Template, iri: IRI, phrasing: Phrasing) -> str | None:
        return template.fill(lambda slot: self._texts(iri, phrasing.slots[slot]))

    def type_labels(self, iri: IRI) -> tuple[str, ...]:
        return tuple(sorted({class_label(t) for t in self.store.types(iri)}))

    def kind_label(self, iri: IRI) -> str:
        segment = self.segment(iri)
        kind = kind_of_segment(segment)
        return kind.title if kind is not None else segment.title()
