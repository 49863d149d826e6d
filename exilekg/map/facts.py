"""Each fact kind's own triples: relations, designations, labels, statistics, quotations and claims.

The kind table (:mod:`exilekg.kinds`) names the method that maps each kind; the triples a fact
states about another record (a relation's direct triple, the designee's link to its designation)
are emitted in that record's run (:meth:`exilekg.map.Mapper.stated`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from exilekg.kinds import RELATIONS
from exilekg.map.ids import RecordIris
from exilekg.map.literals import date_literal, number_literal, text
from exilekg.quantities import QUALIFIERS
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA, XSD, Literal, Term

__all__ = ["FactMapping"]

_QUANTITY_FIELDS = (("value", SCHEMA.value), ("minValue", SCHEMA.minValue), ("maxValue", SCHEMA.maxValue))


class FactMapping(RecordIris):
    """The triples of each fact kind, about the fact node ``f`` (the graph is the caller's)."""

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
