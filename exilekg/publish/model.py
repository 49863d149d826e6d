"""What each page shows, worked out from the graph: plain data for the templates to lay out.

Nothing here writes HTML: values stay plain strings (the templates escape them)
and links are relative URLs between the site's files, so a site works from any
folder, from ``file://`` and behind any prefix. The figures are the one
exception: SVG markup made by :mod:`exilekg.publish.figures`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import cached_property

from exilekg.kinds import kind_of_segment
from exilekg.phrasing import Phrasing, Word
from exilekg.publish.figures import Bar, Neighbour, bar_chart, neighbourhood_diagram
from exilekg.publish.links import ENTITY_SEGMENTS, EVIDENCE_NUMBER, SiteLinks
from exilekg.publish.store import Store
from exilekg.publish.texts import Snippet, TextLibrary, snippet_from_quote, snippet_from_text
from exilekg.publish.views import (
    Connection,
    EvidenceItem,
    FactItem,
    Figure,
    Link,
    MentionGroup,
    ObservationPoint,
    Property,
    RecordView,
    Series,
)
from exilekg.publish.vocab import predicate_label
from exilekg.reconcile.spec import same_as_label
from exilekg.terms import EXILEKG, IRI, OA, PROV, RDF, SCHEMA, Literal, Term

__all__ = ["SNIPPETS_PER_DOCUMENT", "SiteModel"]

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


FIGURE_POINTS = 24
"""The most figures of a series a record's page charts (the statistics page charts them all)."""


def _with_unit(figure: str, unit: str) -> str:
    if unit in ("percent", "%"):
        return f"{figure}%"
    return f"{figure} {unit}".rstrip()


def _sort_text(text: str) -> str:
    return text.casefold()


class SiteModel(SiteLinks):
    """The graph seen as a site: what every page shows (paths, links and labels: :class:`SiteLinks`)."""

    def __init__(self, store: Store, texts: TextLibrary) -> None:
        super().__init__(store)
        self.texts = texts

    def prepare(self) -> None:
        """Make now what pages find once and keep: the series of figures, the texts' table."""
        _ = self._series_by_point
        self.texts.prepare()

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
            number = EVIDENCE_NUMBER.search(annotation)
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
        kind = kind_of_segment(self.segment(fact))
        words: list[Link] = []
        notes: list[str] = []
        if kind is None or not kind.phrasing.sentence:
            words = [Link(self.label(fact))]
        else:
            phrasing = kind.phrasing
            for word in phrasing.sentence:
                words += self._words(from_file, fact, phrasing, word)
            for note in phrasing.notes:
                text = self._fill(note, fact, phrasing)
                if text is not None:
                    notes.append(text)
        if s.text(fact, EXILEKG.former) == "true":
            notes.append("former: no longer so")
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

    def _words(self, from_file: str, fact: IRI, phrasing: Phrasing, word: Word) -> Sequence[Link]:
        """One word of a sentence as links: ``{slot*}`` one per value; a run of words all or none."""
        run = word if isinstance(word, tuple) else (word,)
        out: list[Link] = []
        for template in run:
            slot = template.links
            if slot is not None:
                values = self.store.values(fact, phrasing.slots[slot].predicate)
                found = [self.link(from_file, value) for value in values]
            else:
                text = self._fill(template, fact, phrasing)
                found = [] if text is None else [Link(text)]
            if not found and isinstance(word, tuple):
                return ()
            out += found
        return out

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
                and obj in self.page_set
                and self._connects(predicate, obj)
                and (is_fact or predicate not in _REIFYING)
            ):
                edges[(page, predicate, obj)] = None
        for subject, predicate in s.incoming(page):
            if subject != page and predicate not in _REIFYING and self._connects(predicate, subject):
                edges[(subject, predicate, page)] = None
        return sorted(
            edges,
            key=lambda e: (e[0] != page, self.kind(e[2] if e[0] == page else e[0]), predicate_label(e[1]), e),
        )

    def _connects(self, predicate: IRI, other: IRI) -> bool:
        """Whether ``predicate`` links a page to the record ``other`` (not one of its parts)."""
        if predicate in _NOT_CONNECTIONS:
            return False
        return self.store.owner(other) == other and self.kind(other) != "other"

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
        grouped: dict[tuple[str, str | None, str], Series] = {}
        observations = [p for p in sorted(self.page_set) if self.segment(p) == "observation"]
        for obs in observations:
            found = self._point(obs)
            if found is None:
                continue
            key, point = found
            grouped.setdefault(key, Series(*key)).points.append(point)
        for series in grouped.values():
            series.points.sort(key=lambda p: (p.date or "", p.population or "", p.about or "", p.iri))
        return sorted(
            grouped.values(), key=lambda item: (_sort_text(item.measure), item.answer or "", item.unit)
        )

    def _point(self, obs: IRI) -> tuple[tuple[str, str | None, str], ObservationPoint] | None:
        """An observation's series (measure, answer, unit) and its point; None without a number."""
        s = self.store
        measure = s.text(obs, SCHEMA.variableMeasured)
        # A bound or a range is charted at the number the text gives first (its lower bound
        # for a range) and labelled as the text gives it ("over 150", "35–40").
        number = s.text(obs, SCHEMA.value) or s.text(obs, SCHEMA.minValue) or s.text(obs, SCHEMA.maxValue)
        value_text = self.quantity(obs, unit=False)
        if measure is None or number is None or value_text is None:
            return None
        try:
            value = float(number)
        except ValueError:
            return None
        answer = s.text(obs, EXILEKG.answer)
        unit = s.text(obs, SCHEMA.unitText) or ""
        about = [self.label(a) for a in s.iris(obs, SCHEMA.observationAbout)]
        point = ObservationPoint(
            obs,
            value,
            value_text,
            s.text(obs, SCHEMA.observationDate),
            s.text(obs, EXILEKG.population),
            ", ".join(about) or None,
        )
        return (measure, answer, unit), point

    def related_points(self, iri: IRI) -> set[IRI]:
        """``iri`` and the observations that link to it: the points its page's charts are about."""
        return {iri} | {
            subject for subject, _ in self.store.incoming(iri) if self.segment(subject) == "observation"
        }

    def series_of(self, iri: IRI) -> list[Series]:
        """The series that hold ``iri`` (an observation) or an observation linked to it."""
        related = self.related_points(iri)
        holding = {id(series) for node in related for series in self._series_by_point.get(node, ())}
        return [series for series in self.series if id(series) in holding]

    @cached_property
    def _series_by_point(self) -> dict[IRI, list[Series]]:
        """The series each observation is a point of: asked for every page, so found once."""
        found: dict[IRI, list[Series]] = defaultdict(list)
        for series in self.series:
            for point in dict.fromkeys(p.iri for p in series.points):
                found[point].append(series)
        return found

    def figure(
        self,
        from_file: str,
        series: Series,
        number: int,
        highlight: IRI | None = None,
        near: Collection[IRI] = (),
    ) -> Figure:
        """``series`` as a chart and a table; on a record's page (``near`` given: the points the page
        is about) at most :data:`FIGURE_POINTS` of its points, around the first of ``near``."""
        shown = list(zip(series.bar_labels(), series.points, strict=True))
        note, whole = None, None
        if near and len(shown) > FIGURE_POINTS:
            # Each point's page shows its series: the whole of it on every page made a site's time
            # grow with the square of a series' length.
            at = next((k for k, (_, point) in enumerate(shown) if point.iri in near), 0)
            start = max(0, min(at - FIGURE_POINTS // 2, len(shown) - FIGURE_POINTS))
            shown = shown[start : start + FIGURE_POINTS]
            note = f"{start + 1}–{start + FIGURE_POINTS} of the series' {len(series.points)} figures"
            anchor = f"#figure-{self.series.index(series) + 1}-caption"
            whole = Link("the whole series", self.relative(from_file, "statistics.html") + anchor)
        bars = [
            Bar(label, point.value, self.href(from_file, point.iri), point.iri == highlight, point.value_text)
            for label, point in shown
        ]
        svg = bar_chart(bars, series.unit, f"chart-{number}") if len(bars) > 1 else ""
        rows = tuple(
            (Link(label, self.href(from_file, point.iri)), Link(_with_unit(point.value_text, series.unit)))
            for label, point in shown
        )
        return Figure(series.title, svg, ("Group", series.unit or "value"), rows, note, whole)

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
        record_kind = kind_of_segment(segment)
        if kind == "fact" or (record_kind is not None and record_kind.phrasing.sentence):
            statement, _ = self.sentence(here, page)
        quote = self._quote(page, segment)
        edges = self.connections(page)
        connections = tuple(
            Connection(self.link(here, a), predicate_label(p), self.link(here, b)) for a, p, b in edges
        )
        facts = self._facts(here, page, segment, kind)
        near = self.related_points(page)
        figures = tuple(
            self.figure(here, series, number, page if segment == "observation" else None, near)
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

    def _quote(self, page: IRI, segment: str) -> str | None:
        """The words a record of a quoting kind (a quotation, a label) quotes."""
        record_kind = kind_of_segment(segment)
        if record_kind is None or record_kind.phrasing.quote is None:
            return None
        return self.store.text(page, record_kind.phrasing.slots[record_kind.phrasing.quote].predicate)

    def _facts(self, here: str, page: IRI, segment: str, kind: str) -> tuple[FactItem, ...]:
        """The facts a document supports, or those about an entity (none on a fact's own page)."""
        if segment == "document":
            return tuple(self.fact_item(here, f, page) for f in self.facts_from(page))
        if kind == "fact":
            return ()
        return tuple(self.fact_item(here, f) for f in self.facts_about(page))

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


def _mention_start(annotation: IRI) -> int:
    tail = annotation.rsplit("/", 1)[-1]
    start = tail.split("-", 1)[0]
    return int(start) if start.isdigit() else 0
