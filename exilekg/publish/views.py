"""What the site's pages show, as plain data for the templates: links, properties, evidence, facts,
figures and the view of one record's page. :class:`~exilekg.publish.model.SiteModel` makes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from exilekg.publish.texts import Snippet
from exilekg.terms import IRI

__all__ = [
    "Connection",
    "EvidenceItem",
    "FactItem",
    "Figure",
    "Link",
    "MentionGroup",
    "ObservationPoint",
    "Property",
    "RecordView",
    "Series",
]


@dataclass(frozen=True)
class Link:
    """A value as shown: its text, and where it leads (a page of the site, or outside)."""

    text: str
    href: str | None = None
    external: bool = False
    lang: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Property:
    label: str
    href: str | None
    values: tuple[Link, ...]


@dataclass(frozen=True)
class EvidenceItem:
    anchor: str | None
    document: Link
    published: str | None
    snippet: Snippet
    verified: bool


@dataclass(frozen=True)
class FactItem:
    kind: str
    link: Link
    sentence: tuple[Link, ...]
    notes: tuple[str, ...]
    evidence: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class Connection:
    subject: Link
    predicate: str
    object: Link


@dataclass(frozen=True)
class MentionGroup:
    document: Link
    count: int
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True)
class Figure:
    """A chart or diagram with the same figures as a table: ``rows`` of cells."""

    title: str
    svg: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Link, ...], ...]
    note: str | None = None
    whole: Link | None = None
    """Where the whole of a figure shown in part is."""


@dataclass(frozen=True)
class ObservationPoint:
    iri: IRI
    value: float
    value_text: str
    date: str | None
    population: str | None
    about: str | None


@dataclass
class Series:
    """Observations of one measure (and answer, in one unit) over years or groups."""

    measure: str
    answer: str | None
    unit: str
    points: list[ObservationPoint] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.measure} — “{self.answer}”" if self.answer else self.measure

    def bar_labels(self) -> list[str]:
        varying = [
            name
            for name in ("date", "population", "about")
            if len({getattr(p, name) for p in self.points}) > 1
        ] or [name for name in ("date", "population", "about") if getattr(self.points[0], name)]
        labels = []
        for point in self.points:
            parts = [str(getattr(point, name)) for name in varying[:2] if getattr(point, name)]
            labels.append(" · ".join(parts) or "value")
        return labels


@dataclass
class RecordView:
    """Everything one record's page shows."""

    iri: IRI
    path: str
    segment: str
    title: str
    kind: str
    types: tuple[str, ...]
    names: tuple[Link, ...]
    description: str | None
    statement: tuple[Link, ...]
    quote: str | None
    properties: tuple[Property, ...]
    evidence: tuple[EvidenceItem, ...]
    facts: tuple[FactItem, ...]
    connections: tuple[Connection, ...]
    diagram: str | None
    figures: tuple[Figure, ...]
    mentions: tuple[MentionGroup, ...]
    mentioned: tuple[tuple[Link, int], ...]
    graphs: tuple[Link, ...]
    identifier: str | None
    parts: tuple[tuple[str, str, tuple[Property, ...]], ...] = ()
    """Nodes of the page with an anchor of their own (``#image-1``): anchor id, heading, properties."""
    same_as: tuple[Link, ...] = ()
    """The same thing elsewhere (``schema:sameAs``): Wikidata items as "Wikidata Q…"."""
