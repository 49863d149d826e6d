"""Every record kind and relation, as data: the one description each stage reads.

A :class:`Kind` says where a kind's JSON Schema is, which RDF class each ``type``
value gets, where its IRIs live, which fields refer to other records and what they
may point at, which mapper writes its facts, which output schema its JSON-LD nodes
meet, and how the site names and phrases it. Validation (:mod:`exilekg.validation`),
mapping (:mod:`exilekg.map`), the JSON-LD checks (:mod:`exilekg.jsonld`) and the site
(:mod:`exilekg.publish`) all read these tables; ``tests/test_kinds.py`` checks them
against the schemas and the vocabularies, so a kind added here but not there (or
the other way round) fails a test.

The site's phrases are templates of :mod:`exilekg.phrasing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from exilekg.phrasing import Phrasing, Slot, phrasing
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA

__all__ = [
    "ANY",
    "DOCUMENT",
    "ENTITY_KINDS",
    "FACT_KINDS",
    "KINDS",
    "RELATIONS",
    "Kind",
    "RelationType",
    "class_for",
    "kind_of_segment",
]


@dataclass(frozen=True)
class Kind:
    """A record kind, and everything each stage needs to know of it."""

    name: str
    """The ``kind`` of its records (``Person``)."""
    segment: str
    """The path segment of its IRIs: ``{base}{segment}/{id}``."""
    schema: str
    """Its JSON Schema: ``schemas/{schema}.schema.json``."""
    output_schema: str
    """The schema its JSON-LD nodes meet: ``schemas/output/{output_schema}.schema.json``."""
    default_class: IRI
    """Its RDF class; every record of the kind has it, whatever its type."""
    title: str
    """What the site calls one record of the kind."""
    classes_by_type: Mapping[str, IRI] = field(default_factory=dict)
    """The more specific class of each value of :attr:`type_field` ("other" has only the default)."""
    type_field: str = "type"
    is_fact: bool = False
    references: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Fields holding ids of other records, and the kinds each may point at (a Relation's subject
    and object depend on its relation: :data:`RELATIONS`)."""
    inline: Mapping[str, str] = field(default_factory=dict)
    """Reference fields that may hold a whole record instead of an id, and that record's kind."""
    date_pairs: tuple[tuple[str, str], ...] = ()
    """(start, end) fields of which the end may not come first."""
    mapper: str | None = None
    """The :class:`exilekg.map.Mapper` method that gives a fact's own triples (entities and documents
    are mapped by ``entity`` and ``document``)."""
    phrasing: Phrasing = field(default_factory=lambda: Phrasing({}))
    additional_types: Mapping[str, IRI] = field(default_factory=dict)
    """A class of another vocabulary (Wikidata's) for some values of :attr:`type_field`, stated with
    ``schema:additionalType`` beside the record's own classes."""


PERSON = frozenset({"Person"})
ORG = frozenset({"Organization"})
COLLECTIVE = frozenset({"Collective"})
AGENT = frozenset({"Person", "Organization", "Collective"})
"""Who can act, speak or be designated: people, organisations and groups of people."""
PLACE = frozenset({"Place"})
EVENT = frozenset({"Event"})
WORK = frozenset({"CreativeWork", "Document"})
ANY = frozenset({"Person", "Organization", "Collective", "Place", "Event", "CreativeWork", "Document"})
"""Every kind of record a fact can be about: the entities and the documents."""


ENTITY_KINDS: dict[str, Kind] = {
    "Person": Kind(
        "Person",
        segment="person",
        schema="person",
        output_schema="person",
        default_class=SCHEMA.Person,
        title="Person",
        date_pairs=(("birthDate", "deathDate"),),
    ),
    "Organization": Kind(
        "Organization",
        segment="organization",
        schema="organization",
        output_schema="organization",
        default_class=SCHEMA.Organization,
        title="Organisation",
        classes_by_type={
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
        },
    ),
    "Collective": Kind(
        "Collective",
        segment="collective",
        schema="collective",
        output_schema="collective",
        # schema.org has no class for a group of people that is not organised: its agent
        # properties (attendee, organizer, author, memberOf) admit only a Person or an
        # Organization, so exilekg:Collective is a subclass of schema:Organization in the
        # vocabulary, but no node of it is typed schema:Organization: "every organisation"
        # never lists a diaspora. The Wikidata class of its type goes in schema:additionalType.
        default_class=EXILEKG.Collective,
        title="Group of people",
        classes_by_type={
            "diaspora": EXILEKG.Diaspora,
            "community": EXILEKG.Community,
            "refugees": EXILEKG.Refugees,
            "population": EXILEKG.Population,
            "bloc": EXILEKG.Bloc,
        },
        references={"location": PLACE},
        additional_types={
            "diaspora": IRI("http://www.wikidata.org/entity/Q133004"),
            "community": IRI("http://www.wikidata.org/entity/Q28790362"),
        },
        phrasing=phrasing(
            {
                "name": SCHEMA.name,
                "place": SCHEMA.location,
                "whole": EXILEKG.partOf,
            },
            sentence=("{name}", ("living in", "{place*}"), ("— part of", "{whole*}")),
        ),
    ),
    "Place": Kind(
        "Place",
        segment="place",
        schema="place",
        output_schema="place",
        default_class=SCHEMA.Place,
        title="Place",
        classes_by_type={
            "country": SCHEMA.Country,
            "region": SCHEMA.AdministrativeArea,
            "city": SCHEMA.City,
            "neighbourhood": EXILEKG.Neighbourhood,
            "venue": SCHEMA.EventVenue,
        },
        references={"containedIn": PLACE},
    ),
    "Event": Kind(
        "Event",
        segment="event",
        schema="event",
        output_schema="event",
        default_class=SCHEMA.Event,
        title="Event",
        classes_by_type={
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
        references={"location": PLACE, "about": ANY},
        date_pairs=(("startDate", "endDate"),),
    ),
    "CreativeWork": Kind(
        "CreativeWork",
        segment="work",
        schema="creativework",
        output_schema="work",
        default_class=SCHEMA.CreativeWork,
        title="Work",
        classes_by_type={
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
        references={"authors": AGENT, "publisher": AGENT},
    ),
}

DOCUMENT = Kind(
    "Document",
    segment="document",
    schema="document",
    output_schema="work",
    default_class=SCHEMA.Article,
    title="Article",
    classes_by_type={
        "news": SCHEMA.NewsArticle,
        "opinion": SCHEMA.OpinionNewsArticle,
        "analysis": SCHEMA.AnalysisNewsArticle,
        "reportage": SCHEMA.ReportageNewsArticle,
    },
    type_field="genre",
    references={"authors": AGENT, "publisher": AGENT, "citations": WORK},
    inline={"authors": "Person", "publisher": "Organization", "citations": "CreativeWork"},
)
"""An article the corpus is built from (``documents/*.json``)."""

FACT_KINDS: dict[str, Kind] = {
    "Relation": Kind(
        "Relation",
        segment="relation",
        schema="relation",
        output_schema="relation",
        default_class=EXILEKG.Relation,
        title="Relation",
        is_fact=True,
        date_pairs=(("startDate", "endDate"),),
        mapper="relation",
        phrasing=phrasing(
            {
                "subject": RDF.subject,
                "relation": Slot(RDF.predicate, is_property=True),
                "object": RDF.object,
                "role": SCHEMA.roleName,
            },
            label="{subject} {relation} {object}",
            sentence=("{subject*}", "{relation|—}", "{object*}"),
            notes=("role: {role}",),
        ),
    ),
    "Designation": Kind(
        "Designation",
        segment="designation",
        schema="designation",
        output_schema="designation",
        default_class=EXILEKG.Designation,
        title="Designation",
        is_fact=True,
        references={"subject": AGENT, "designatedBy": ORG},
        date_pairs=(("date", "endDate"),),
        mapper="designation",
        phrasing=phrasing(
            {
                "designee": EXILEKG.designee,
                "role": SCHEMA.roleName,
                "by": EXILEKG.designatedBy,
                "basis": EXILEKG.legalBasis,
                "register": EXILEKG.register,
            },
            label="[{designee}: ]{role|designation}",
            sentence=("{designee*}", "designated", "“{role|}”", ("by", "{by*}")),
            notes=("legal basis: {basis}", "listed in: {register}"),
        ),
    ),
    "Epithet": Kind(
        "Epithet",
        segment="epithet",
        schema="epithet",
        output_schema="epithet",
        default_class=EXILEKG.Epithet,
        title="Label (rhetoric)",
        is_fact=True,
        references={"subject": ANY, "usedBy": AGENT},
        mapper="epithet",
        phrasing=phrasing(
            {
                "labelled": EXILEKG.appliedTo,
                "label": SCHEMA.name,
                "users": EXILEKG.usedBy,
                "usersText": EXILEKG.usedByText,
            },
            label="[{labelled}: ]“{label|label}” (rhetoric)",
            sentence=("{labelled*}", "called", "“{label|}”", ("by", "{users*}")),
            notes=("used by {usersText}", "rhetoric, not a legal status"),
        ),
    ),
    "Observation": Kind(
        "Observation",
        segment="observation",
        schema="observation",
        output_schema="observation",
        default_class=SCHEMA.Observation,
        title="Statistic",
        is_fact=True,
        references={"about": ANY, "producer": AGENT, "source": WORK},
        mapper="observation",
        phrasing=phrasing(
            {
                "measure": SCHEMA.variableMeasured,
                "answer": EXILEKG.answer,
                "value": Slot(SCHEMA.value, quantity=True),
                "date": SCHEMA.observationDate,
                "about": SCHEMA.observationAbout,
                "population": EXILEKG.population,
                "producer": EXILEKG.producer,
            },
            label="{measure|observation}[ — “{answer}”]: {value|?}[ ({date})]",
            sentence=("{measure|}[ — “{answer}”]: {value|?}", ("about", "{about*}")),
            notes=("population: {population}", "by {producer*}"),
        ),
    ),
    "Quotation": Kind(
        "Quotation",
        segment="quotation",
        schema="quotation",
        output_schema="quotation",
        default_class=SCHEMA.Quotation,
        title="Quotation",
        is_fact=True,
        references={"speaker": AGENT, "place": PLACE, "about": ANY},
        mapper="quotation",
        phrasing=phrasing(
            {"text": SCHEMA.text, "speaker": SCHEMA.spokenByCharacter},
            label="“{text|:90}”[ — {speaker}]",
            sentence=("“{text|}”", "—", "{speaker*}"),
            quote="text",
        ),
    ),
    "Claim": Kind(
        "Claim",
        segment="claim",
        schema="claim",
        output_schema="claim",
        default_class=SCHEMA.Claim,
        title="Claim",
        is_fact=True,
        references={"claimant": AGENT, "about": ANY},
        mapper="claim",
        phrasing=phrasing(
            {"text": SCHEMA.text, "claimant": SCHEMA.author},
            label="{text|claim:110}",
            sentence=("{claimant*}", "claims", "“{text|}”"),
            quote="text",
        ),
    ),
}

KINDS: dict[str, Kind] = {**ENTITY_KINDS, DOCUMENT.name: DOCUMENT, **FACT_KINDS}
"""Every kind of record, by name."""

_BY_SEGMENT = {kind.segment: kind for kind in KINDS.values()}


def kind_of_segment(segment: str) -> Kind | None:
    """The kind whose IRIs live under ``{base}{segment}/``, if any."""
    return _BY_SEGMENT.get(segment)


def class_for(kind: str, type_: str | None) -> IRI:
    """The RDF class of a record of ``kind`` whose type field is ``type_``."""
    k = KINDS[kind]
    if type_ is None:
        return k.default_class
    return k.classes_by_type.get(type_, k.default_class)


# -- relations ----------------------------------------------------------------------------------


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
        _rel("memberOf", SCHEMA.memberOf, AGENT, ORG | COLLECTIVE),
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
        _rel("location", SCHEMA.location, ORG | COLLECTIVE | EVENT, PLACE),
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
        _rel("partOf", EXILEKG.partOf, COLLECTIVE, COLLECTIVE),
        _rel("supports", EXILEKG.supports, AGENT, ANY),
        _rel("opposes", EXILEKG.opposes, AGENT, ANY),
    )
}
"""Every relation a Relation record may state (the ``relation`` enum of its schema), by name."""
