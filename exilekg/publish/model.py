"""What each page shows, worked out from the graph: plain data for the templates to lay out.

Nothing here writes HTML: values stay plain strings (the templates escape them)
and links are relative URLs between the site's files, so a site works from any
folder, from ``file://`` and behind any prefix. The figures are the one
exception: SVG markup made by :mod:`exilekg.publish.figures`.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from exilekg.model import ENTITY_KINDS, FACT_KINDS
from exilekg.publish.figures import Bar, Neighbour, bar_chart, neighbourhood_diagram
from exilekg.publish.store import Store
from exilekg.publish.texts import Snippet, TextLibrary, snippet_from_quote, snippet_from_text
from exilekg.publish.vocab import class_label, predicate_label, prefixed
from exilekg.reconcile.spec import same_as_label
from exilekg.terms import EXILEKG, IRI, OA, PROV, RDF, SCHEMA, Literal, Term

__all__ = [
    "ENTITY_SEGMENTS",
    "FACT_SEGMENTS",
    "Connection",
    "EvidenceItem",
    "FactItem",
    "Figure",
    "Link",
    "MentionGroup",
    "Property",
    "RecordView",
    "Series",
    "SiteModel",
]

ENTITY_SEGMENTS: tuple[str, ...] = tuple(kind.segment for kind in ENTITY_KINDS.values())
FACT_SEGMENTS: tuple[str, ...] = tuple(kind.segment for kind in FACT_KINDS.values())

SNIPPETS_PER_DOCUMENT = 3
"""Mentions shown in context per article on an entity's page; the count gives the rest."""

_HIDDEN_PROPERTIES = frozenset(
    {RDF.type, SCHEMA.name, SCHEMA.alternateName, SCHEMA.description, SCHEMA.mentions, SCHEMA.headline}
    | {SCHEMA.sameAs}
)
"""Shown in the page's heading or its own section rather than in the property list."""

_NOT_CONNECTIONS = frozenset({RDF.type, PROV.wasDerivedFrom, SCHEMA.mentions, SCHEMA.isPartOf, RDF.predicate})
"""Links that every record has (its sources, its dataset) or that are not links between things."""

_REIFYING = frozenset({RDF.subject, RDF.object})
"""A relation record's links to its two ends: an entity's page shows the direct link instead."""

_EVIDENCE_NUMBER = re.compile(r"/evidence/(\d+)$")


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


def _sort_text(text: str) -> str:
    return text.casefold()


class SiteModel:
    """The graph seen as a site: paths, labels, links and the content of every page."""

    def __init__(self, store: Store, texts: TextLibrary) -> None:
        self.store = store
        self.texts = texts
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
        """The relative URL from one site file to another (both relative to the site root)."""
        return posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")

    def anchor(self, iri: str) -> str | None:
        """The id of the place on its owner's page that describes a node, or None for the page itself."""
        owner = self.store.owner(iri)
        if owner is None or owner == iri:
            return None
        rest = iri[len(owner) :]
        number = _EVIDENCE_NUMBER.search(rest.split("#", 1)[0])
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
        name = s.text(iri, SCHEMA.name) or s.text(iri, SCHEMA.headline) or s.text(iri, SCHEMA.caption)
        segment = self.segment(iri) if s.owner(iri) == iri else ""
        if segment == "relation":
            subject, predicate, obj = (s.value(iri, p) for p in (RDF.subject, RDF.predicate, RDF.object))
            if isinstance(subject, IRI) and isinstance(predicate, IRI) and isinstance(obj, IRI):
                return f"{self.label(subject)} {predicate_label(predicate)} {self.label(obj)}"
        if segment == "designation":
            designees = s.iris(iri, EXILEKG.designee)
            role = s.text(iri, SCHEMA.roleName) or "designation"
            if designees:
                return f"{self.label(designees[0])}: {role}"
            return role
        if segment == "observation":
            measure = s.text(iri, SCHEMA.variableMeasured) or "observation"
            answer = s.text(iri, EXILEKG.answer)
            value = s.text(iri, SCHEMA.value) or "?"
            unit = s.text(iri, SCHEMA.unitText) or ""
            date = s.text(iri, SCHEMA.observationDate)
            text = f"{measure}{f' — “{answer}”' if answer else ''}: {value} {unit}".rstrip()
            return f"{text} ({date})" if date else text
        if segment == "quotation":
            speakers = s.iris(iri, SCHEMA.spokenByCharacter)
            quote = _clip(s.text(iri, SCHEMA.text) or "", 90)
            return f"“{quote}” — {self.label(speakers[0])}" if speakers else f"“{quote}”"
        if segment == "claim":
            return _clip(s.text(iri, SCHEMA.text) or "claim", 110)
        if name:
            return name
        if segment == "graph" or (self.store.local_path(iri) or "").startswith("graph/"):
            sources = s.iris(iri, PROV.wasDerivedFrom)
            return f"Graph of “{self.label(sources[0])}”" if sources else "Corpus graph"
        path = self.store.local_path(iri)
        return path.rsplit("/", 1)[-1] if path else str(iri)

    def type_labels(self, iri: IRI) -> tuple[str, ...]:
        return tuple(sorted({class_label(t) for t in self.store.types(iri)}))

    def kind_label(self, iri: IRI) -> str:
        segment = self.segment(iri)
        labels = {
            "person": "Person",
            "organization": "Organisation",
            "place": "Place",
            "event": "Event",
            "work": "Work",
            "document": "Article",
            "relation": "Relation",
            "designation": "Designation",
            "observation": "Statistic",
            "quotation": "Quotation",
            "claim": "Claim",
            "dataset": "Dataset",
            "graph": "Graph",
        }
        return labels.get(segment, segment.title())

    # -- documents and their texts --------------------------------------------------------------

    def document_text(self, document: IRI) -> str | None:
        doc_id = self.store.text(document, SCHEMA.identifier)
        if doc_id is None:
            return None
        return self.texts.text(doc_id, self.store.text(document, EXILEKG.sha256))

    def _selectors(self, target: IRI) -> tuple[str | None, str | None, str | None, int | None, int | None]:
        s = self.store
        exact = prefix = suffix = None
        start = end = None
        for selector in s.iris(target, OA.hasSelector):
            if s.has_type(selector, OA.TextQuoteSelector):
                exact, prefix, suffix = (s.text(selector, p) for p in (OA.exact, OA.prefix, OA.suffix))
            elif s.has_type(selector, OA.TextPositionSelector):
                start_text, end_text = s.text(selector, OA.start), s.text(selector, OA.end)
                if start_text is not None and end_text is not None:
                    start, end = int(start_text), int(end_text)
        return exact, prefix, suffix, start, end

    def snippet(self, annotation: IRI) -> tuple[IRI | None, Snippet | None]:
        """The document an annotation points into, and its phrase in context."""
        targets = self.store.iris(annotation, OA.hasTarget)
        if not targets:
            return None, None
        target = targets[0]
        sources = self.store.iris(target, OA.hasSource)
        document = sources[0] if sources else None
        exact, prefix, suffix, start, end = self._selectors(target)
        if exact is None:
            return document, None
        if document is not None and start is not None and end is not None:
            text = self.document_text(document)
            if text is not None:
                found = snippet_from_text(text, start, end, exact)
                if found is not None:
                    return document, found
        return document, snippet_from_quote(exact, prefix, suffix)

    def evidence_items(
        self, from_file: str, body: IRI, document: IRI | None = None
    ) -> tuple[EvidenceItem, ...]:
        """The evidence annotations of a record (only those into ``document`` when given), in order."""
        s = self.store
        items: list[tuple[int, EvidenceItem]] = []
        for annotation in s.subjects(OA.hasBody, body):
            if not s.has_type(annotation, EXILEKG.Evidence):
                continue
            source, snippet = self.snippet(annotation)
            if source is None or snippet is None or (document is not None and source != document):
                continue
            number = _EVIDENCE_NUMBER.search(annotation)
            items.append(
                (
                    int(number.group(1)) if number else 0,
                    EvidenceItem(
                        anchor=self.anchor(annotation) if s.owner(annotation) == body else None,
                        document=self.link(from_file, source),
                        published=s.text(source, SCHEMA.datePublished),
                        snippet=snippet,
                        verified=s.text(annotation, EXILEKG.verified) == "true",
                    ),
                )
            )
        return tuple(item for _, item in sorted(items, key=lambda pair: pair[0]))

    # -- facts ----------------------------------------------------------------------------------

    def sentence(self, from_file: str, fact: IRI) -> tuple[tuple[Link, ...], tuple[str, ...]]:
        """A fact as words with links, and its notes (role, dates, population)."""
        s = self.store
        segment = self.segment(fact)

        def links(predicate: IRI) -> list[Link]:
            return [self.link(from_file, o) for o in s.values(fact, predicate)]

        notes: list[str] = []
        words: list[Link] = []
        if segment == "relation":
            predicate = s.value(fact, RDF.predicate)
            words = [
                *links(RDF.subject),
                Link(predicate_label(predicate) if isinstance(predicate, IRI) else "—"),
            ]
            words += links(RDF.object)
            role = s.text(fact, SCHEMA.roleName)
            if role:
                notes.append(f"role: {role}")
        elif segment == "designation":
            words = [
                *links(EXILEKG.designee),
                Link("designated"),
                Link(f"“{s.text(fact, SCHEMA.roleName) or ''}”"),
            ]
            by = links(EXILEKG.designatedBy)
            if by:
                words += [Link("by"), *by]
        elif segment == "observation":
            measure = s.text(fact, SCHEMA.variableMeasured) or ""
            answer = s.text(fact, EXILEKG.answer)
            value = f"{s.text(fact, SCHEMA.value) or '?'} {s.text(fact, SCHEMA.unitText) or ''}".rstrip()
            words = [Link(f"{measure}{f' — “{answer}”' if answer else ''}: {value}")]
            about = links(SCHEMA.observationAbout)
            if about:
                words += [Link("about"), *about]
            population = s.text(fact, EXILEKG.population)
            if population:
                notes.append(f"population: {population}")
            producers = [self.label(p) for p in s.iris(fact, EXILEKG.producer)]
            if producers:
                notes.append(f"by {', '.join(producers)}")
        elif segment == "quotation":
            words = [
                Link(f"“{s.text(fact, SCHEMA.text) or ''}”"),
                Link("—"),
                *links(SCHEMA.spokenByCharacter),
            ]
        elif segment == "claim":
            words = [*links(SCHEMA.author), Link("claims"), Link(f"“{s.text(fact, SCHEMA.text) or ''}”")]
        else:
            words = [Link(self.label(fact))]
        start, end = s.text(fact, SCHEMA.startDate), s.text(fact, SCHEMA.endDate)
        if start and end:
            notes.append(f"{start} – {end}")
        elif start:
            notes.append(f"from {start}")
        elif end:
            notes.append(f"until {end}")
        for predicate in (SCHEMA.observationDate, SCHEMA.dateCreated):
            date = s.text(fact, predicate)
            if date:
                notes.append(date)
        return tuple(words), tuple(notes)

    def fact_item(self, from_file: str, fact: IRI, document: IRI | None = None) -> FactItem:
        words, notes = self.sentence(from_file, fact)
        return FactItem(
            kind=self.kind_label(fact),
            link=self.link(from_file, fact),
            sentence=words,
            notes=notes,
            evidence=self.evidence_items(from_file, fact, document),
        )

    def facts_about(self, entity: IRI) -> list[IRI]:
        """Fact records that link to ``entity`` (other than through their sources)."""
        found: dict[IRI, None] = {}
        for subject, predicate in self.store.incoming(entity):
            if predicate != PROV.wasDerivedFrom and self.kind(subject) == "fact":
                found[subject] = None
        return sorted(found, key=lambda f: (self.segment(f), self._date_key(f), self.label(f)))

    def _date_key(self, iri: IRI) -> str:
        s = self.store
        for predicate in (SCHEMA.startDate, SCHEMA.observationDate, SCHEMA.dateCreated, SCHEMA.datePublished):
            value = s.text(iri, predicate)
            if value:
                return value
        return ""

    def facts_from(self, document: IRI) -> list[IRI]:
        """Records (facts, and entities with evidence) that an article supports."""
        s = self.store
        found: dict[IRI, None] = {}
        for target in s.subjects(OA.hasSource, document):
            for annotation in s.subjects(OA.hasTarget, target):
                if s.has_type(annotation, EXILEKG.Evidence):
                    for body in s.iris(annotation, OA.hasBody):
                        found[body] = None
        return sorted(found, key=lambda f: (self.kind(f) != "fact", self.segment(f), self.label(f)))

    # -- connections ----------------------------------------------------------------------------

    def connections(self, page: IRI) -> list[tuple[IRI, IRI, IRI]]:
        """Links between ``page`` and other pages' records, as ``(subject, predicate, object)``."""
        s = self.store
        edges: dict[tuple[IRI, IRI, IRI], None] = {}
        is_fact = self.kind(page) == "fact"
        for predicate, obj, _ in s.by_subject.get(page, ()):
            if (
                isinstance(obj, IRI)
                and obj != page
                and predicate not in _NOT_CONNECTIONS
                and s.owner(obj) == obj
                and obj in self.page_set
                and self.kind(obj) != "other"
                and (is_fact or predicate not in _REIFYING)
            ):
                edges[(page, predicate, obj)] = None
        for subject, predicate in s.incoming(page):
            if (
                subject != page
                and predicate not in _NOT_CONNECTIONS
                and predicate not in _REIFYING
                and s.owner(subject) == subject
                and self.kind(subject) != "other"
            ):
                edges[(subject, predicate, page)] = None
        return sorted(
            edges,
            key=lambda e: (e[0] != page, self.kind(e[2] if e[0] == page else e[0]), predicate_label(e[1]), e),
        )

    def diagram(self, from_file: str, page: IRI, edges: list[tuple[IRI, IRI, IRI]]) -> str | None:
        if not edges:
            return None
        merged: dict[IRI, tuple[list[str], bool]] = {}
        for subject, predicate, obj in edges:
            other = obj if subject == page else subject
            entry = merged.setdefault(other, ([], subject == page))
            words = predicate_label(predicate)
            if words not in entry[0]:
                entry[0].append(words)
        neighbours = [
            Neighbour(
                label=self.label(other),
                kind=self.kind(other),
                href=self.href(from_file, other) or "",
                links=tuple(words),
                outgoing=outgoing,
            )
            for other, (words, outgoing) in merged.items()
        ]
        return neighbourhood_diagram(self.label(page), self.kind(page), neighbours, "neighbourhood")

    # -- statistics -----------------------------------------------------------------------------

    @cached_property
    def series(self) -> list[Series]:
        s = self.store
        grouped: dict[tuple[str, str | None, str], Series] = {}
        observations = [p for p in sorted(self.page_set) if self.segment(p) == "observation"]
        for obs in observations:
            measure = s.text(obs, SCHEMA.variableMeasured)
            value_text = s.text(obs, SCHEMA.value)
            if measure is None or value_text is None:
                continue
            try:
                value = float(value_text)
            except ValueError:
                continue
            answer = s.text(obs, EXILEKG.answer)
            unit = s.text(obs, SCHEMA.unitText) or ""
            key = (measure, answer, unit)
            about = [self.label(a) for a in s.iris(obs, SCHEMA.observationAbout)]
            series = grouped.setdefault(key, Series(measure, answer, unit))
            series.points.append(
                ObservationPoint(
                    obs,
                    value,
                    value_text,
                    s.text(obs, SCHEMA.observationDate),
                    s.text(obs, EXILEKG.population),
                    ", ".join(about) or None,
                )
            )
        for series in grouped.values():
            series.points.sort(key=lambda p: (p.date or "", p.population or "", p.about or "", p.iri))
        return sorted(
            grouped.values(), key=lambda item: (_sort_text(item.measure), item.answer or "", item.unit)
        )

    def series_of(self, iri: IRI) -> list[Series]:
        """The series that hold ``iri`` (an observation) or an observation linked to it."""
        s = self.store
        related = {iri} | {
            subject for subject, _ in s.incoming(iri) if self.segment(subject) == "observation"
        }
        return [series for series in self.series if any(p.iri in related for p in series.points)]

    def figure(self, from_file: str, series: Series, number: int, highlight: IRI | None = None) -> Figure:
        labels = series.bar_labels()
        bars = [
            Bar(label, point.value, self.href(from_file, point.iri), point.iri == highlight)
            for label, point in zip(labels, series.points, strict=True)
        ]
        svg = bar_chart(bars, series.unit, f"chart-{number}") if len(bars) > 1 else ""
        rows = tuple(
            (Link(label, self.href(from_file, point.iri)), Link(f"{point.value_text} {series.unit}".rstrip()))
            for label, point in zip(labels, series.points, strict=True)
        )
        return Figure(series.title, svg, ("Group", series.unit or "value"), rows)

    # -- mentions -------------------------------------------------------------------------------

    def mentions_of(self, from_file: str, entity: IRI) -> tuple[MentionGroup, ...]:
        s = self.store
        by_document: dict[IRI, list[IRI]] = defaultdict(list)
        for annotation in s.subjects(OA.hasBody, entity):
            if not s.has_type(annotation, EXILEKG.Mention):
                continue
            for target in s.iris(annotation, OA.hasTarget):
                for document in s.iris(target, OA.hasSource):
                    by_document[document].append(annotation)
        groups = []
        for document in sorted(by_document, key=lambda d: (s.text(d, SCHEMA.datePublished) or "", d)):
            annotations = sorted(by_document[document], key=_mention_start)
            snippets = []
            for annotation in annotations[:SNIPPETS_PER_DOCUMENT]:
                _, snippet = self.snippet(annotation)
                if snippet is not None:
                    snippets.append(snippet)
            groups.append(MentionGroup(self.link(from_file, document), len(annotations), tuple(snippets)))
        return tuple(groups)

    def mentioned_in(self, from_file: str, document: IRI) -> tuple[tuple[Link, int], ...]:
        """The entities an article mentions, with how often."""
        s = self.store
        counts: dict[IRI, int] = defaultdict(int)
        for target in s.subjects(OA.hasSource, document):
            for annotation in s.subjects(OA.hasTarget, target):
                if s.has_type(annotation, EXILEKG.Mention):
                    for body in s.iris(annotation, OA.hasBody):
                        counts[body] += 1
        for entity in s.iris(document, SCHEMA.mentions):
            counts.setdefault(entity, 0)
        ordered = sorted(counts, key=lambda e: (-counts[e], _sort_text(self.label(e))))
        return tuple((self.link(from_file, e), counts[e]) for e in ordered)

    # -- one record's page ----------------------------------------------------------------------

    def properties(self, from_file: str, iri: IRI) -> tuple[Property, ...]:
        grouped: dict[IRI, list[Term]] = {}
        for predicate, obj, _ in self.store.by_subject.get(iri, ()):
            if predicate in _HIDDEN_PROPERTIES:
                continue
            values = grouped.setdefault(predicate, [])
            if obj not in values:
                values.append(obj)
        out = []
        for predicate in sorted(grouped, key=predicate_label):
            links = sorted(
                (self.link(from_file, o) for o in grouped[predicate]), key=lambda link: _sort_text(link.text)
            )
            out.append(
                Property(predicate_label(predicate), self.predicate_href(from_file, predicate), tuple(links))
            )
        return tuple(out)

    def names(self, iri: IRI) -> tuple[Link, ...]:
        out = []
        for value in self.store.values(iri, SCHEMA.alternateName):
            if isinstance(value, Literal):
                out.append(Link(value.value, lang=value.language))
        return tuple(out)

    def record(self, page: IRI) -> RecordView:
        s = self.store
        path = self.path(page)
        here = f"{path}.html"
        segment = self.segment(page)
        kind = self.kind(page)
        statement: tuple[Link, ...] = ()
        quote = None
        if kind == "fact":
            statement, _ = self.sentence(here, page)
        if segment in ("quotation", "claim"):
            quote = s.text(page, SCHEMA.text)
        edges = self.connections(page)
        connections = tuple(
            Connection(self.link(here, a), predicate_label(p), self.link(here, b)) for a, p, b in edges
        )
        if segment == "document":
            facts = tuple(self.fact_item(here, f, page) for f in self.facts_from(page))
        elif kind == "fact":
            facts = ()
        else:
            facts = tuple(self.fact_item(here, f) for f in self.facts_about(page))
        figures = tuple(
            self.figure(here, series, number, page if segment == "observation" else None)
            for number, series in enumerate(self.series_of(page), 1)
        )
        return RecordView(
            iri=page,
            path=path,
            segment=segment,
            title=self.label(page),
            kind=self.kind_label(page),
            types=self.type_labels(page),
            names=self.names(page),
            description=s.text(page, SCHEMA.description),
            statement=statement,
            quote=quote,
            properties=self.properties(here, page),
            evidence=self.evidence_items(here, page),
            facts=facts,
            connections=connections,
            diagram=self.diagram(here, page, edges),
            figures=figures,
            mentions=self.mentions_of(here, page) if kind not in ("document", "fact", "other") else (),
            mentioned=self.mentioned_in(here, page) if segment == "document" else (),
            graphs=tuple(self.link(here, g) for g in s.graphs_of(page) if g in self.page_set),
            identifier=s.text(page, SCHEMA.identifier),
            parts=self.parts(here, page),
            same_as=tuple(
                Link(*same_as_label(i), external=True) for i in sorted(s.iris(page, SCHEMA.sameAs))
            ),
        )

    def parts(self, from_file: str, page: IRI) -> tuple[tuple[str, str, tuple[Property, ...]], ...]:
        """Sub-nodes that links point at by fragment (images, a maintainer), each with its properties."""
        out = []
        subjects = dict.fromkeys(t[0] for t in self.store.slices.get(page, []))
        for subject in subjects:
            anchor = self.anchor(subject)
            if subject == page or anchor is None or anchor == "mentions" or anchor.startswith("evidence-"):
                continue
            types = ", ".join(self.type_labels(subject))
            out.append(
                (
                    anchor,
                    f"{types}: {self.label(subject)}" if types else self.label(subject),
                    self.properties(from_file, subject),
                )
            )
        return tuple(out)

    def pages_of(self, *segments: str) -> list[IRI]:
        return sorted(
            (p for p in self.page_set if self.segment(p) in segments),
            key=lambda p: (_sort_text(self.label(p)), p),
        )

    def all_names(self) -> Iterable[tuple[str, str | None, IRI]]:
        """Every name and alternate name of every entity and article: ``(name, language, page)``."""
        s = self.store
        for page in self.page_set:
            if self.kind(page) not in (*ENTITY_SEGMENTS, "document"):
                continue
            for predicate in (SCHEMA.name, SCHEMA.alternateName, SCHEMA.alternativeHeadline):
                for value in s.values(page, predicate):
                    if isinstance(value, Literal):
                        yield value.value, value.language, page


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mention_start(annotation: IRI) -> int:
    tail = annotation.rsplit("/", 1)[-1]
    start = tail.split("-", 1)[0]
    return int(start) if start.isdigit() else 0
