"""Mapping a validated corpus to RDF: a stream of quads.

Mapping yields :data:`~exilekg.terms.Quad` tuples record by record, so writers
can stream them to disk; nothing here holds the whole graph. Graphs: the
corpus's own graph holds the dataset description, the documents' metadata and
the entities; each document's graph holds the facts it supports, their
evidence annotations, and the mentions found in its text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from exilekg.anchor import Anchor
from exilekg.corpus import Corpus, Record
from exilekg.iris import Minter
from exilekg.kinds import DOCUMENT, ENTITY_KINDS, FACT_KINDS, RELATIONS, class_for
from exilekg.mentions import AmbiguousMention, Mention, MentionList, find_mentions
from exilekg.quantities import QUALIFIERS
from exilekg.terms import EXILEKG, IRI, OA, PROV, RDF, SCHEMA, XSD, Literal, Quad, Term
from exilekg.validation import EvidenceKey, ValidationReport

__all__ = ["LICENSES", "Mapper", "Unit", "date_literal", "map_corpus"]

LICENSES = {
    "cc by 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc by-sa 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc by 3.0": "https://creativecommons.org/licenses/by/3.0/",
    "cc by-sa 3.0": "https://creativecommons.org/licenses/by-sa/3.0/",
    "cc by-sa 2.0": "https://creativecommons.org/licenses/by-sa/2.0/",
    "cc by 2.0": "https://creativecommons.org/licenses/by/2.0/",
    "cc0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
"""License names as captions write them, to the license's IRI."""

_SUPERCLASS = {kind.name: kind.default_class for kind in ENTITY_KINDS.values()}


def date_literal(value: str) -> Literal:
    """An ISO date of any precision as a literal of the matching XSD type."""
    body = value.lstrip("-")
    if "T" in body:
        # ISO 8601 lets a time stop at minutes; xsd:dateTime needs the seconds.
        day, clock = value.split("T", 1)
        hours_minutes, zone = clock[:5], clock[5:]
        if not zone.startswith(":"):
            clock = f"{hours_minutes}:00{zone}"
        return Literal(f"{day}T{clock}", XSD.dateTime)
    dashes = body.count("-")
    datatype = (XSD.gYear, XSD.gYearMonth, XSD.date)[dashes]
    return Literal(value, datatype)


def number_literal(value: float | int) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", XSD.boolean)
    if isinstance(value, int):
        return Literal(str(value), XSD.integer)
    text = format(Decimal(repr(value)), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, XSD.decimal)


def text(value: str) -> Literal:
    return Literal(value)


@dataclass(frozen=True)
class Unit:
    """One piece of the corpus's mapping: the dataset, a document, a record, or the triples facts
    state about a subject no record maps; ``quads`` maps it."""

    key: str
    id: str | None
    record: Record | None
    quads: Callable[[], Iterator[Quad]]


@dataclass
class Mapper:
    """Maps one corpus. Holds only the lookups mapping needs: ids to IRIs and kinds."""

    corpus: Corpus
    anchors: Mapping[EvidenceKey, Anchor]
    mentions: Mapping[str, Sequence[Mention]]

    def __post_init__(self) -> None:
        self.mint = Minter(str(self.corpus.meta["base"]))
        self.corpus_graph = self.mint.corpus_graph()
        self.kinds: dict[str, str] = {}
        # Ids that more than one record has: only those need remembering once mapped. An inline
        # record repeated in several documents is the usual case, and they are few.
        self._repeated: set[str] = set()
        for record in self.corpus.all_records():
            rid = record.id
            if rid is None:
                continue
            if rid in self.kinds:
                self._repeated.add(rid)
            else:
                self.kinds[rid] = record.kind
        self._emitted_repeated: set[str] = set()
        # The facts that state a triple about another record (a relation's direct triple, a
        # designation's link from its designee), by that record's id: they are emitted in the
        # run of its subject, so that every subject's triples come as one run.
        self._stated: dict[str, list[Record]] = {}
        indexed: set[str] = set()
        for record in self.corpus.records:
            if record.kind in _STATING and record.id is not None and record.id not in indexed:
                indexed.add(record.id)
                self._stated.setdefault(record.data["subject"], []).append(record)

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

    def quads(self) -> Iterator[Quad]:
        """Every quad of the corpus; each subject's quads come as one run, whatever their graphs."""
        for unit in self.units():
            yield from unit.quads()

    def units(self) -> Iterator[Unit]:
        """The corpus in the pieces mapping makes it from, in the order of :meth:`quads`.

        Each unit's quads are whole subject runs. A consumer takes each unit's quads, or calls
        :meth:`skip` on it, before the next one: a unit's run includes the triples other facts
        state about it, and what is left over once every record has been mapped is known only then.
        """
        yield Unit("dataset", None, None, self.dataset)
        for document in self.corpus.documents:
            yield Unit(f"document {document.id}", document.id, document, partial(self.document, document))
        for record in self.corpus.records:
            rid = record.id
            if rid is None:
                continue
            if rid in self._repeated:
                if rid in self._emitted_repeated:
                    continue  # an inline record repeated in several documents is mapped once
                self._emitted_repeated.add(rid)
            make = self.entity if record.kind in ENTITY_KINDS else self.fact
            yield Unit(f"record {rid}", rid, record, partial(make, record))
        for subject in list(self._stated):  # subjects no record of this corpus maps
            yield Unit(f"stated {subject}", subject, None, partial(self.stated, subject, self.iri(subject)))

    def stating(self, record_id: str) -> list[Record]:
        """The facts that state a triple about ``record_id`` in its run, not yet mapped."""
        return self._stated.get(record_id, [])

    def skip(self, unit: Unit) -> None:
        """Pass over ``unit`` without mapping it (its quads are known from an earlier build)."""
        if unit.id is not None:
            self._stated.pop(unit.id, None)

    def stated(self, subject_id: str, subject: IRI) -> Iterator[Quad]:
        """The triples other records state about ``subject``, each in the graph of the fact stating it.

        A relation's direct triple can be stated by several records; it is emitted once, in the
        graph of the first. The key holds the object's id rather than a new IRI: the schemas
        keep "/" out of ids, so two ids never make the same IRI.
        """
        facts = self._stated.pop(subject_id, None)
        if not facts:
            return
        given: set[tuple[IRI, str]] = set()
        for record in facts:
            data = record.data
            g = self.graph_of(record)
            if record.kind == "Designation":
                yield subject, EXILEKG.designation, self.iri(data["id"]), g
                continue
            if data.get("former"):
                continue  # an ended relation is stated only as its Relation node: see relation()
            predicate = RELATIONS[data["relation"]].predicate
            if (predicate, data["object"]) not in given:
                given.add((predicate, data["object"]))
                yield subject, predicate, self.iri(data["object"]), g

    # -- the corpus graph -------------------------------------------------------------------

    def dataset(self) -> Iterator[Quad]:
        meta = self.corpus.meta
        g = self.corpus_graph
        ds = self.mint.dataset()
        yield ds, RDF.type, SCHEMA.Dataset, g
        yield ds, SCHEMA.name, text(meta["title"]), g
        if "description" in meta:
            yield ds, SCHEMA.description, text(meta["description"]), g
        yield ds, SCHEMA.license, IRI(meta["license"]), g
        yield ds, SCHEMA.version, text(meta["version"]), g
        yield ds, SCHEMA.identifier, text(meta["id"]), g
        maintainer = meta.get("maintainer")
        if isinstance(maintainer, dict):
            m = self.mint.maintainer()
            yield ds, SCHEMA.maintainer, m, g
            yield m, RDF.type, SCHEMA.Organization, g
            yield m, SCHEMA.name, text(maintainer["name"]), g
            if "url" in maintainer:
                yield m, SCHEMA.url, IRI(maintainer["url"]), g
            if "email" in maintainer:
                yield m, SCHEMA.email, text(maintainer["email"]), g

    def document(self, record: Record) -> Iterator[Quad]:
        """A document's run (its metadata, its mentions' links, what facts state about it), then the
        nodes it links to: its images, its graph, its mention annotations."""
        data = record.data
        g = self.corpus_graph
        d = self.mint.document(data["id"])
        yield from self.document_metadata(d, data)
        images = data.get("images", [])
        for number in range(1, len(images) + 1):
            yield d, SCHEMA.image, Minter.part(d, f"image-{number}"), g
        mentions = self.mentions[data["id"]] if record.id in self.mentions else None
        bodies: dict[str, IRI] = {}
        if mentions:
            # One IRI per entity, for its schema:mentions and the bodies of all its annotations: a
            # text names the same people over and over.
            bodies = {entity: self.iri(entity) for entity in dict.fromkeys(m.entity for m in mentions)}
            doc_graph = self.mint.document_graph(data["id"])
            for body in bodies.values():
                yield d, SCHEMA.mentions, body, doc_graph
        if data["id"] in self._stated:
            yield from self.stated(data["id"], d)
        for number, image in enumerate(images, 1):
            yield from self.image(d, number, image)
        graph = self.mint.document_graph(data["id"])
        yield graph, RDF.type, EXILEKG.DocumentGraph, g
        yield graph, PROV.wasDerivedFrom, d, g
        if mentions:
            yield from self.document_mentions(data["id"], mentions, bodies)

    def document_metadata(self, d: IRI, data: dict[str, Any]) -> Iterator[Quad]:
        g = self.corpus_graph
        genre = data.get("genre", "other")
        specific = class_for(DOCUMENT.name, genre)
        yield d, RDF.type, specific, g
        if specific != DOCUMENT.default_class:
            yield d, RDF.type, DOCUMENT.default_class, g
        yield d, SCHEMA.identifier, text(data["id"]), g
        yield d, SCHEMA.headline, text(data["headline"]), g
        yield d, SCHEMA.name, text(data["headline"]), g
        yield d, SCHEMA.isPartOf, self.mint.dataset(), g
        if "alternativeHeadline" in data:
            yield d, SCHEMA.alternativeHeadline, text(data["alternativeHeadline"]), g
        for author in self.refs(data.get("authors")):
            yield d, SCHEMA.author, author, g
        for publisher in self.refs(data.get("publisher")):
            yield d, SCHEMA.publisher, publisher, g
        if "datePublished" in data:
            yield d, SCHEMA.datePublished, date_literal(data["datePublished"]), g
        if "url" in data:
            yield d, SCHEMA.url, IRI(data["url"]), g
        if "language" in data:
            yield d, SCHEMA.inLanguage, text(data["language"]), g
        if "genre" in data:
            yield d, SCHEMA.genre, text(genre), g
        if "wordCount" in data:
            yield d, SCHEMA.wordCount, number_literal(data["wordCount"]), g
        if "sha256" in data:
            yield d, EXILEKG.sha256, text(data["sha256"]), g
        for work in self.refs(data.get("citations")):
            yield d, SCHEMA.citation, work, g

    def image(self, document: IRI, number: int, image: dict[str, Any]) -> Iterator[Quad]:
        """An image's node (the document's ``schema:image`` link is part of the document's run)."""
        g = self.corpus_graph
        node = Minter.part(document, f"image-{number}")
        yield node, RDF.type, SCHEMA.ImageObject, g
        if "caption" in image:
            yield node, SCHEMA.caption, text(image["caption"]), g
        if "credit" in image:
            yield node, SCHEMA.creditText, text(image["credit"]), g
        if "url" in image:
            yield node, SCHEMA.contentUrl, IRI(image["url"]), g
        if "license" in image:
            known = LICENSES.get(" ".join(image["license"].lower().split()))
            if known:
                yield node, SCHEMA.license, IRI(known), g
            yield node, SCHEMA.copyrightNotice, text(image["license"]), g

    def entity(self, record: Record) -> Iterator[Quad]:
        data = record.data
        g = self.corpus_graph
        e = self.iri(data["id"])
        specific = class_for(record.kind, data.get("type"))
        yield e, RDF.type, specific, g
        if specific != _SUPERCLASS[record.kind]:
            yield e, RDF.type, _SUPERCLASS[record.kind], g
        yield e, SCHEMA.identifier, text(data["id"]), g
        yield e, SCHEMA.name, text(data["name"]), g
        for name in data.get("alternateNames", []):
            yield e, SCHEMA.alternateName, text(name), g
        for local in data.get("localNames", []):
            yield e, SCHEMA.alternateName, Literal(local["value"], language=local["language"].lower()), g
        if "description" in data:
            yield e, SCHEMA.description, text(data["description"]), g
        for same in data.get("sameAs", []):
            yield e, SCHEMA.sameAs, IRI(same), g
        if "url" in data:
            yield e, SCHEMA.url, IRI(data["url"]), g
        for field_name, prop in _ENTITY_DATES.get(record.kind, ()):
            if field_name in data:
                yield e, prop, date_literal(data[field_name]), g
        if "jobTitle" in data:
            yield e, SCHEMA.jobTitle, text(data["jobTitle"]), g
        if record.kind == "Place":
            for place in self.refs(data.get("containedIn")):
                yield e, SCHEMA.containedInPlace, place, g
        elif record.kind == "Event":
            for place in self.refs(data.get("location")):
                yield e, SCHEMA.location, place, g
            for thing in self.refs(data.get("about")):
                yield e, SCHEMA.about, thing, g
            if data.get("announced"):
                yield e, SCHEMA.eventStatus, SCHEMA.EventScheduled, g
        elif record.kind == "CreativeWork":
            for author in self.refs(data.get("authors")):
                yield e, SCHEMA.author, author, g
            for publisher in self.refs(data.get("publisher")):
                yield e, SCHEMA.publisher, publisher, g
        if data["id"] in self._stated:
            yield from self.stated(data["id"], e)
        yield from self.evidence(record, e)

    # -- facts, in the graphs of the documents that support them -----------------------------

    def graph_of(self, record: Record) -> IRI:
        """A fact sits in the graph of its first evidence document (the corpus graph if it has none).

        Further documents that support it hold their evidence annotations in their
        own graphs, and the fact names them all with ``prov:wasDerivedFrom``; a
        fact repeated in every graph would repeat its triples in triple-only dumps.
        """
        for item in record.data.get("evidence", []):
            return self.mint.document_graph(item["document"])
        return self.corpus_graph

    def fact(self, record: Record) -> Iterator[Quad]:
        data = record.data
        f = self.iri(data["id"])
        triples = list(_FACT_MAPPERS[record.kind](self, f, data))
        triples.append((f, SCHEMA.identifier, text(data["id"])))
        if "description" in data:
            triples.append((f, SCHEMA.description, text(data["description"])))
        if "curatorNote" in data:
            triples.append((f, EXILEKG.curatorNote, text(data["curatorNote"])))
        for doc in dict.fromkeys(item["document"] for item in data.get("evidence", [])):
            triples.append((f, PROV.wasDerivedFrom, self.mint.document(doc)))
        g = self.graph_of(record)
        for s, p, o in triples:
            yield s, p, o, g
        if data["id"] in self._stated:
            yield from self.stated(data["id"], f)
        yield from self.evidence(record, f)

    def relation(self, f: IRI, data: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
        relation = RELATIONS[data["relation"]]
        s = self.iri(data["subject"])
        o = self.iri(data["object"])
        yield f, RDF.type, EXILEKG.Relation
        yield f, RDF.type, SCHEMA.Role
        yield f, RDF.subject, s
        yield f, RDF.predicate, relation.predicate
        yield f, RDF.object, o
        # The direct triple (s, predicate, o) is emitted in the run of s: see stated(). A former
        # relation has none: "s worksFor o" would say it holds now.
        if data.get("former"):
            yield f, EXILEKG.former, Literal("true", XSD.boolean)
        if "roleName" in data:
            yield f, SCHEMA.roleName, text(data["roleName"])
        if "startDate" in data:
            yield f, SCHEMA.startDate, date_literal(data["startDate"])
        if "endDate" in data:
            yield f, SCHEMA.endDate, date_literal(data["endDate"])

    def designation(self, f: IRI, data: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
        s = self.iri(data["subject"])
        yield f, RDF.type, EXILEKG.Designation
        yield f, RDF.type, SCHEMA.Role
        yield f, EXILEKG.designee, s
        # The link back from the designee (s exilekg:designation f) is in the run of s: see stated().
        yield f, SCHEMA.roleName, text(data["label"])
        for by in self.refs(data.get("designatedBy")):
            yield f, EXILEKG.designatedBy, by
        if "legalBasis" in data:
            yield f, EXILEKG.legalBasis, text(data["legalBasis"])
        if "register" in data:
            yield f, EXILEKG.register, text(data["register"])
        if "date" in data:
            yield f, SCHEMA.startDate, date_literal(data["date"])
        if "endDate" in data:
            yield f, SCHEMA.endDate, date_literal(data["endDate"])

    def epithet(self, f: IRI, data: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
        # Rhetoric is not a Role a state gives: no link from the labelled back to it, unlike a
        # designation, so that "what is X's status" never finds a label.
        yield f, RDF.type, EXILEKG.Epithet
        yield f, EXILEKG.appliedTo, self.iri(data["subject"])
        yield f, SCHEMA.name, text(data["label"])
        for user in self.refs(data.get("usedBy")):
            yield f, EXILEKG.usedBy, user
        if "usedByText" in data:
            yield f, EXILEKG.usedByText, text(data["usedByText"])
        if "date" in data:
            yield f, SCHEMA.dateCreated, date_literal(data["date"])

    def observation(self, f: IRI, data: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
        yield f, RDF.type, SCHEMA.Observation
        yield f, SCHEMA.variableMeasured, text(data["measure"])
        # schema:Observation is a schema:QuantitativeValue: value, minValue and maxValue fit it as
        # they are; only the qualifier ("about", "more than") needs the exilekg vocabulary.
        for field_name, prop in _QUANTITY_FIELDS:
            if field_name in data:
                yield f, prop, number_literal(data[field_name])
        if "qualifier" in data:
            yield f, EXILEKG.valueQualifier, QUALIFIERS[data["qualifier"]].iri
        yield f, SCHEMA.unitText, text(data["unit"])
        if "answer" in data:
            yield f, EXILEKG.answer, text(data["answer"])
        if "population" in data:
            yield f, EXILEKG.population, text(data["population"])
        for thing in self.refs(data.get("about")):
            yield f, SCHEMA.observationAbout, thing
        if "date" in data:
            yield f, SCHEMA.observationDate, date_literal(data["date"])
        period = data.get("period")
        if isinstance(period, dict) and period:
            yield f, SCHEMA.observationPeriod, text(f"{period.get('start', '..')}/{period.get('end', '..')}")
        for producer in self.refs(data.get("producer")):
            yield f, EXILEKG.producer, producer
        for source in self.refs(data.get("source")):
            yield f, EXILEKG.reportedIn, source

    def quotation(self, f: IRI, data: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
        yield f, RDF.type, SCHEMA.Quotation
        yield f, SCHEMA.text, text(data["text"])
        yield f, SCHEMA.spokenByCharacter, self.iri(data["speaker"])
        if "date" in data:
            yield f, SCHEMA.dateCreated, date_literal(data["date"])
        for place in self.refs(data.get("place")):
            yield f, SCHEMA.locationCreated, place
        for thing in self.refs(data.get("about")):
            yield f, SCHEMA.about, thing

    def claim(self, f: IRI, data: dict[str, Any]) -> Iterator[tuple[IRI, IRI, Term]]:
        yield f, RDF.type, SCHEMA.Claim
        yield f, SCHEMA.text, text(data["text"])
        yield f, SCHEMA.author, self.iri(data["claimant"])
        if "date" in data:
            yield f, SCHEMA.dateCreated, date_literal(data["date"])
        for thing in self.refs(data.get("about")):
            yield f, SCHEMA.about, thing
        for doc in dict.fromkeys(item["document"] for item in data.get("evidence", [])):
            yield f, SCHEMA.appearance, self.mint.document(doc)

    # -- mentions and evidence ------------------------------------------------------------------

    # Offsets are xsd:integer, not the Web Annotation model's xsd:nonNegativeInteger: stores such as
    # Oxigraph keep only xsd:integer, so the finer type would not survive a load and a query.

    def document_mentions(
        self, doc_id: str, mentions: Sequence[Mention], bodies: Mapping[str, IRI]
    ) -> Iterator[Quad]:
        """An annotation per occurrence, in the document's graph (``schema:mentions`` is in its run)."""
        g = self.mint.document_graph(doc_id)
        d = self.mint.document(doc_id)
        for mention in mentions:
            ann = self.mint.mention(doc_id, mention.start, mention.end)
            target = Minter.part(ann, "target")
            quote = Minter.part(ann, "quote")
            position = Minter.part(ann, "position")
            yield ann, RDF.type, OA.Annotation, g
            yield ann, RDF.type, EXILEKG.Mention, g
            yield ann, OA.motivatedBy, OA.identifying, g
            yield ann, OA.hasBody, bodies[mention.entity], g
            yield ann, OA.hasTarget, target, g
            yield target, RDF.type, OA.SpecificResource, g
            yield target, OA.hasSource, d, g
            yield target, OA.hasSelector, quote, g
            yield target, OA.hasSelector, position, g
            # The quote's triples written here rather than by _quote: a generator fewer per mention.
            yield quote, OA.exact, Literal(mention.exact), g
            if mention.prefix:
                yield quote, OA.prefix, Literal(mention.prefix), g
            if mention.suffix:
                yield quote, OA.suffix, Literal(mention.suffix), g
            yield quote, RDF.type, OA.TextQuoteSelector, g
            yield position, RDF.type, OA.TextPositionSelector, g
            yield position, OA.start, Literal(str(mention.start), XSD.integer), g
            yield position, OA.end, Literal(str(mention.end), XSD.integer), g
        if isinstance(mentions, MentionList):
            for occurrence in mentions.ambiguous:
                yield from self.ambiguous_mention(doc_id, occurrence)

    def ambiguous_mention(self, doc_id: str, occurrence: AmbiguousMention) -> Iterator[Quad]:
        """A name several entities carry: questioned, with each candidate as a body, and no
        ``schema:mentions`` (nothing is resolved silently)."""
        g = self.mint.document_graph(doc_id)
        ann = self.mint.mention(doc_id, occurrence.start, occurrence.end)
        target = Minter.part(ann, "target")
        quote = Minter.part(ann, "quote")
        position = Minter.part(ann, "position")
        yield ann, RDF.type, OA.Annotation, g
        yield ann, RDF.type, EXILEKG.AmbiguousMention, g
        yield ann, OA.motivatedBy, OA.questioning, g
        for candidate in occurrence.candidates:
            yield ann, OA.hasBody, self.iri(candidate), g
        yield ann, OA.hasTarget, target, g
        yield target, RDF.type, OA.SpecificResource, g
        yield target, OA.hasSource, self.mint.document(doc_id), g
        yield target, OA.hasSelector, quote, g
        yield target, OA.hasSelector, position, g
        yield quote, RDF.type, OA.TextQuoteSelector, g
        yield quote, OA.exact, Literal(occurrence.exact), g
        if occurrence.prefix:
            yield quote, OA.prefix, Literal(occurrence.prefix), g
        if occurrence.suffix:
            yield quote, OA.suffix, Literal(occurrence.suffix), g
        yield position, RDF.type, OA.TextPositionSelector, g
        yield position, OA.start, Literal(str(occurrence.start), XSD.integer), g
        yield position, OA.end, Literal(str(occurrence.end), XSD.integer), g

    def evidence(self, record: Record, body: IRI) -> Iterator[Quad]:
        rid = record.data["id"]
        for number, item in enumerate(record.data.get("evidence", [])):
            doc_id = item["document"]
            g = self.mint.document_graph(doc_id)
            ann = self.mint.evidence(body, number + 1)
            target = Minter.part(ann, "target")
            quote = Minter.part(ann, "quote")
            anchor = self.anchors.get((rid, number))
            yield ann, RDF.type, OA.Annotation, g
            yield ann, RDF.type, EXILEKG.Evidence, g
            yield ann, OA.motivatedBy, OA.describing, g
            yield ann, OA.hasBody, body, g
            yield ann, OA.hasTarget, target, g
            yield ann, EXILEKG.verified, Literal("true" if anchor else "false", XSD.boolean), g
            yield target, RDF.type, OA.SpecificResource, g
            yield target, OA.hasSource, self.mint.document(doc_id), g
            yield target, OA.hasSelector, quote, g
            position = Minter.part(ann, "position") if anchor is not None else None
            if position is not None:
                yield target, OA.hasSelector, position, g
            yield quote, RDF.type, OA.TextQuoteSelector, g
            if anchor is not None and position is not None:
                yield from _quote(quote, anchor.exact, anchor.prefix, anchor.suffix, g)
                yield position, RDF.type, OA.TextPositionSelector, g
                yield position, OA.start, Literal(str(anchor.start), XSD.integer), g
                yield position, OA.end, Literal(str(anchor.end), XSD.integer), g
            else:
                yield from _quote(quote, item["exact"], item.get("prefix"), item.get("suffix"), g)


def _quote(quote: IRI, exact: str, prefix: str | None, suffix: str | None, g: IRI) -> Iterator[Quad]:
    yield quote, OA.exact, text(exact), g
    if prefix:
        yield quote, OA.prefix, text(prefix), g
    if suffix:
        yield quote, OA.suffix, text(suffix), g


_ENTITY_DATES: dict[str, tuple[tuple[str, IRI], ...]] = {
    "Person": (("birthDate", SCHEMA.birthDate), ("deathDate", SCHEMA.deathDate)),
    "Organization": (("foundingDate", SCHEMA.foundingDate),),
    "Event": (("startDate", SCHEMA.startDate), ("endDate", SCHEMA.endDate)),
    "CreativeWork": (("datePublished", SCHEMA.datePublished),),
}

_QUANTITY_FIELDS = (("value", SCHEMA.value), ("minValue", SCHEMA.minValue), ("maxValue", SCHEMA.maxValue))

_STATING = frozenset({"Relation", "Designation"})
"""Fact kinds that state a triple whose subject is another record."""

_FACT_MAPPERS: dict[str, Callable[[Mapper, IRI, dict[str, Any]], Iterator[tuple[IRI, IRI, Term]]]] = {
    kind.name: getattr(Mapper, str(kind.mapper)) for kind in FACT_KINDS.values()
}
"""Each fact kind's mapper, as the kind table names it."""


def map_corpus(
    corpus: Corpus,
    report: ValidationReport | Mapping[EvidenceKey, Anchor] | None = None,
    mentions: Mapping[str, Sequence[Mention]] | None = None,
) -> Iterator[Quad]:
    """The quads of a validated corpus, in a deterministic order: with a report, exactly the build's.

    ``map_corpus(corpus, report)``, ``report`` the corpus's
    :class:`~exilekg.validation.ValidationReport`, yields the quads ``exilekg build`` writes:
    evidence with its position selectors (from ``report.anchors``) and the documents' mentions
    (found by :func:`exilekg.mentions.find_mentions`, a document at a time as mapping reaches
    it). Given instead the anchors alone, or nothing, it maps without what is not given:
    ``mentions`` then adds the mention annotations. Each subject's quads come as one run.
    """
    if isinstance(report, ValidationReport):
        anchors: Mapping[EvidenceKey, Anchor] = report.anchors
        if mentions is None:
            mentions = find_mentions(corpus)
    else:
        anchors = report or {}
    return Mapper(corpus, anchors, mentions or {}).quads()
