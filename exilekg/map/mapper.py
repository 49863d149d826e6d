"""The mapper: a validated corpus as a stream of quads, each subject's quads as one run."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from exilekg.anchor import Anchor
from exilekg.corpus import Corpus, Record
from exilekg.iris import Minter
from exilekg.kinds import DOCUMENT, ENTITY_KINDS, FACT_KINDS, RELATIONS, class_for
from exilekg.map.annotations import AnnotationMapping
from exilekg.map.facts import FactMapping
from exilekg.map.literals import LICENSES, date_literal, number_literal, text
from exilekg.mentions import Mention, find_mentions
from exilekg.terms import EXILEKG, IRI, PROV, RDF, SCHEMA, XSD, Literal, Quad, Term
from exilekg.validation import EvidenceKey, ValidationReport

__all__ = ["Mapper", "Unit", "map_corpus"]


_SUPERCLASS = {kind.name: kind.default_class for kind in ENTITY_KINDS.values()}


@dataclass(frozen=True)
class Unit:
    """One piece of the corpus's mapping: the dataset, a document, a record, or the triples facts
    state about a subject no record maps; ``quads`` maps it."""

    key: str
    id: str | None
    record: Record | None
    quads: Callable[[], Iterator[Quad]]


@dataclass
class Mapper(FactMapping, AnnotationMapping):
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

    def again(
        self,
        mentions: Mapping[str, Sequence[Mention]] | None = None,
        *,
        anchors: Mapping[EvidenceKey, Anchor] | None = None,
    ) -> Mapper:
        """A mapper for another pass over the corpus (with ``mentions`` and ``anchors``, or this
        one's), sharing this one's lookups: only what a pass uses up is new."""
        fresh = copy.copy(self)
        if mentions is not None:
            fresh.mentions = mentions
        if anchors is not None:
            fresh.anchors = anchors
        fresh._stated = dict(self._stated)  # a pass pops its entries; their lists stay as they are
        fresh._emitted_repeated = set()
        return fresh

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
        job_nodes: list[Quad] = []
        yield from self.job_titles(e, data, g, job_nodes)
        for p, o in self.entity_links(record.kind, data):
            yield e, p, o, g
        wider = ENTITY_KINDS[record.kind].additional_types.get(data.get("type", ""))
        if wider is not None:
            yield e, SCHEMA.additionalType, wider, g
        if data["id"] in self._stated:
            yield from self.stated(data["id"], e)
        yield from job_nodes  # after the entity's own run: each subject's quads come as one run
        yield from self.evidence(record, e)

    def job_titles(self, e: IRI, data: dict[str, Any], g: IRI, nodes: list[Quad]) -> Iterator[Quad]:
        """A person's titles in time, each a schema:Role node of schema:hasOccupation (the Role
        pattern: the node stands between the person and the occupation, with its dates). A title
        held now is also the person's schema:jobTitle; a former one is not, so that "what does X
        do" never answers with it. Yields the person's triples; the nodes' go into ``nodes``."""
        for number, title in enumerate(data.get("jobTitles", []), 1):
            node = Minter.part(e, f"job-{number}")
            ended = bool(title.get("former")) or "endDate" in title
            if not ended and title["title"] != data.get("jobTitle"):
                yield e, SCHEMA.jobTitle, text(title["title"]), g
            yield e, SCHEMA.hasOccupation, node, g
            nodes += [
                (node, RDF.type, SCHEMA.Role, g),
                (node, RDF.type, SCHEMA.Occupation, g),
                (node, SCHEMA.name, text(title["title"]), g),
                (node, SCHEMA.roleName, text(title["title"]), g),
            ]
            if title.get("former"):
                nodes.append((node, EXILEKG.former, Literal("true", XSD.boolean), g))
            if "startDate" in title:
                nodes.append((node, SCHEMA.startDate, date_literal(title["startDate"]), g))
            if "endDate" in title:
                nodes.append((node, SCHEMA.endDate, date_literal(title["endDate"]), g))

    def entity_links(self, kind: str, data: dict[str, Any]) -> Iterator[tuple[IRI, Term]]:
        """The (predicate, object) pairs of the links only some entity kinds have."""
        if kind == "Place":
            for place in self.refs(data.get("containedIn")):
                yield SCHEMA.containedInPlace, place
        elif kind == "Event":
            for place in self.refs(data.get("location")):
                yield SCHEMA.location, place
            for thing in self.refs(data.get("about")):
                yield SCHEMA.about, thing
            if data.get("announced"):
                yield SCHEMA.eventStatus, SCHEMA.EventScheduled
        elif kind == "CreativeWork":
            for author in self.refs(data.get("authors")):
                yield SCHEMA.author, author
            for publisher in self.refs(data.get("publisher")):
                yield SCHEMA.publisher, publisher
        elif kind == "Collective":
            for place in self.refs(data.get("location")):
                yield SCHEMA.location, place

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


_ENTITY_DATES: dict[str, tuple[tuple[str, IRI], ...]] = {
    "Person": (("birthDate", SCHEMA.birthDate), ("deathDate", SCHEMA.deathDate)),
    "Organization": (("foundingDate", SCHEMA.foundingDate),),
    "Event": (("startDate", SCHEMA.startDate), ("endDate", SCHEMA.endDate)),
    "CreativeWork": (("datePublished", SCHEMA.datePublished),),
}


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
