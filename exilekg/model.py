"""The corpus model as data: record kinds, their RDF classes, and the relations.

Mapping, validation and the vocabulary all read these tables, so adding a kind of
organisation or a relation is a one-line change here (plus its schema enum).
"""

from __future__ import annotations

from dataclasses import dataclass

from exilekg.terms import EXILEKG, IRI, SCHEMA

__all__ = [
    "ENTITY_KINDS",
    "FACT_KINDS",
    "KINDS",
    "RELATIONS",
    "Kind",
    "RelationType",
    "class_for",
]


@dataclass(frozen=True)
class Kind:
    """A record kind: where its IRIs live and which RDF class each ``type`` value gets."""

    name: str
    segment: str
    """The path segment of its IRIs: ``{base}{segment}/{id}``."""
    default_class: IRI
    classes_by_type: dict[str, IRI]
    is_fact: bool


ENTITY_KINDS: dict[str, Kind] = {
    "Person": Kind("Person", "person", SCHEMA.Person, {}, False),
    "Organization": Kind(
        "Organization",
        "organization",
        SCHEMA.Organization,
        {
            "foundation": EXILEKG.Foundation,
            "ngo": SCHEMA.NGO,
            "media": SCHEMA.NewsMediaOrganization,
            "government": SCHEMA.GovernmentOrganization,
            "parliament": EXILEKG.Parliament,
            "research": SCHEMA.ResearchOrganization,
            "company": SCHEMA.Corporation,
            "party": SCHEMA.PoliticalParty,
            "movement": EXILEKG.Movement,
            "initiative": EXILEKG.Initiative,
            "community": EXILEKG.DiasporaCommunity,
        },
        False,
    ),
    "Place": Kind(
        "Place",
        "place",
        SCHEMA.Place,
        {
            "country": SCHEMA.Country,
            "region": SCHEMA.AdministrativeArea,
            "city": SCHEMA.City,
            "neighbourhood": EXILEKG.Neighbourhood,
        },
        False,
    ),
    "Event": Kind(
        "Event",
        "event",
        SCHEMA.Event,
        {
            "congress": EXILEKG.Congress,
            "conference": EXILEKG.Conference,
            "election": EXILEKG.Election,
            "protest": EXILEKG.Protest,
            "commemoration": EXILEKG.Commemoration,
            "workshop": EXILEKG.Workshop,
            "meeting": EXILEKG.Meeting,
            "campaign": EXILEKG.Campaign,
            "war": EXILEKG.War,
            "death": EXILEKG.Death,
            "killing": EXILEKG.Killing,
        },
        False,
    ),
    "CreativeWork": Kind(
        "CreativeWork",
        "work",
        SCHEMA.CreativeWork,
        {
            "study": SCHEMA.ScholarlyArticle,
            "survey": SCHEMA.Report,
            "report": SCHEMA.Report,
            "video": SCHEMA.VideoObject,
            "appeal": EXILEKG.Appeal,
            "petition": EXILEKG.Appeal,
            "article": SCHEMA.Article,
            "book": SCHEMA.Book,
            "website": SCHEMA.WebSite,
            "image": SCHEMA.ImageObject,
        },
        False,
    ),
}

FACT_KINDS: dict[str, Kind] = {
    "Relation": Kind("Relation", "relation", EXILEKG.Relation, {}, True),
    "Designation": Kind("Designation", "designation", EXILEKG.Designation, {}, True),
    "Observation": Kind("Observation", "observation", SCHEMA.Observation, {}, True),
    "Quotation": Kind("Quotation", "quotation", SCHEMA.Quotation, {}, True),
    "Claim": Kind("Claim", "claim", SCHEMA.Claim, {}, True),
}

DOCUMENT_CLASSES: dict[str, IRI] = {
    "news": SCHEMA.NewsArticle,
    "opinion": SCHEMA.OpinionNewsArticle,
    "analysis": SCHEMA.AnalysisNewsArticle,
    "reportage": SCHEMA.ReportageNewsArticle,
    "other": SCHEMA.Article,
}

KINDS: dict[str, Kind] = {**ENTITY_KINDS, **FACT_KINDS}


def class_for(kind: str, type_: str | None) -> IRI:
    """The RDF class of a record of ``kind`` whose ``type`` field is ``type_``."""
    k = KINDS[kind]
    if type_ is None:
        return k.default_class
    return k.classes_by_type.get(type_, k.default_class)


PERSON = frozenset({"Person"})
ORG = frozenset({"Organization"})
AGENT = frozenset({"Person", "Organization"})
PLACE = frozenset({"Place"})
EVENT = frozenset({"Event"})
WORK = frozenset({"CreativeWork", "Document"})
ANY = frozenset({"Person", "Organization", "Place", "Event", "CreativeWork", "Document"})


@dataclass(frozen=True)
class RelationType:
    """A relation a Relation record may state: the property it becomes and what it links."""

    name: str
    predicate: IRI
    subjects: frozenset[str]
    objects: frozenset[str]


def _rel(name: str, predicate: IRI, subjects: frozenset[str], objects: frozenset[str]) -> RelationType:
    return RelationType(name, predicate, subjects, objects)


RELATIONS: dict[str, RelationType] = {
    r.name: r
    for r in (
        _rel("memberOf", SCHEMA.memberOf, AGENT, ORG),
        _rel("worksFor", SCHEMA.worksFor, PERSON, ORG),
        _rel("affiliation", SCHEMA.affiliation, PERSON, ORG),
        _rel("founder", SCHEMA.founder, ORG, AGENT),
        _rel("funder", SCHEMA.funder, AGENT | EVENT | WORK, AGENT),
        _rel("sponsor", SCHEMA.sponsor, AGENT | EVENT | WORK, AGENT),
        _rel("owner", EXILEKG.owner, ORG | WORK, AGENT),
        _rel("parentOrganization", SCHEMA.parentOrganization, ORG, ORG),
        _rel("subOrganization", SCHEMA.subOrganization, ORG, ORG),
        _rel("homeLocation", SCHEMA.homeLocation, PERSON, PLACE),
        _rel("exiledIn", EXILEKG.exiledIn, PERSON, PLACE),
        _rel("location", SCHEMA.location, ORG | EVENT, PLACE),
        _rel("nationality", SCHEMA.nationality, PERSON, PLACE),
        _rel("birthPlace", SCHEMA.birthPlace, PERSON, PLACE),
        _rel("deathPlace", SCHEMA.deathPlace, PERSON, PLACE),
        _rel("spouse", SCHEMA.spouse, PERSON, PERSON),
        _rel("widowOf", EXILEKG.widowOf, PERSON, PERSON),
        _rel("parent", SCHEMA.parent, PERSON, PERSON),
        _rel("children", SCHEMA.children, PERSON, PERSON),
        _rel("sibling", SCHEMA.sibling, PERSON, PERSON),
        _rel("relatedTo", SCHEMA.relatedTo, PERSON, PERSON),
        _rel("knows", SCHEMA.knows, PERSON, PERSON),
        _rel("organizer", SCHEMA.organizer, EVENT, AGENT),
        _rel("attendee", SCHEMA.attendee, EVENT, AGENT),
        _rel("about", SCHEMA.about, EVENT | WORK, ANY),
        _rel("author", SCHEMA.author, WORK, AGENT),
        _rel("publisher", SCHEMA.publisher, WORK, AGENT),
        _rel("containedInPlace", SCHEMA.containedInPlace, PLACE, PLACE),
        _rel("supports", EXILEKG.supports, AGENT, ANY),
        _rel("opposes", EXILEKG.opposes, AGENT, ANY),
    )
}
