"""Every record kind and relation, as data: the one description each stage reads.

A :class:`Kind` says where a kind's JSON Schema is, which RDF class each ``type``
value gets, where its IRIs live, which fields refer to other records and what they
may point at, which mapper writes its facts, which output schema its JSON-LD nodes
meet, and how the site names and phrases it. Validation (:mod:`exilekg.validation`),
mapping (:mod:`exilekg.map`), the JSON-LD checks (:mod:`exilekg.jsonld`) and the site
(:mod:`exilekg.publish`) all read these tables; ``tests/test_kinds.py`` checks them
against the schemas and the vocabularies, so a kind added here but not there (or
the other way round) fails a test.

The site's phrases are small templates over a kind's *slots* (the properties its
pages read): ``{name}`` is the slot's first value (a literal's text, a record's
label, or for a property slot the property's words), ``{name|default}`` gives a
default when it has none (``{name|}`` an empty one), ``{name:90}`` clips the text to
90 characters, ``{name*}`` takes every value (joined by ", "; alone as a sentence
word, one link per value), and ``[...]`` is left out when a slot inside it has no
value. A template whose required slot has no value yields nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA

__all__ = [
    "ANY",
    "DOCUMENT",
    "ENTITY_KINDS",
    "FACT_KINDS",
    "KINDS",
    "RELATIONS",
    "Group",
    "Kind",
    "Phrasing",
    "Placeholder",
    "RelationType",
    "Slot",
    "Template",
    "class_for",
    "kind_of_segment",
]


# -- the site's templates -----------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    """``{slot|default:clip*}`` in a template."""

    slot: str
    default: str | None = None
    """The text when the slot has no value; None: the template (or its group) needs a value."""
    clip: int | None = None
    every: bool = False
    """Every value of the slot, not only the first."""


@dataclass(frozen=True)
class Group:
    """``[...]``: text left out when one of its placeholders has no value."""

    parts: tuple[str | Placeholder, ...]


_TOKEN = re.compile(
    r"\{(?P<slot>\w+)(?:\|(?P<default>[^}:]*))?(?::(?P<clip>\d+))?(?P<every>\*)?\}|\[|\]|[^{}\[\]]+"
)


@dataclass(frozen=True)
class Template:
    """A phrase with slots, parsed once from its source (see the module's description)."""

    source: str
    parts: tuple[str | Placeholder | Group, ...]

    @classmethod
    def parse(cls, source: str) -> Template:
        parts: list[str | Placeholder | Group] = []
        group: list[str | Placeholder] | None = None
        position = 0
        for match in _TOKEN.finditer(source):
            if match.start() != position:
                break
            position = match.end()
            token = match.group()
            if token == "[":
                if group is not None:
                    raise ValueError(f"template {source!r}: groups do not nest")
                group = []
            elif token == "]":
                if group is None:
                    raise ValueError(f"template {source!r}: ']' without '['")
                parts.append(Group(tuple(group)))
                group = None
            else:
                part: str | Placeholder = token
                if match.group("slot"):
                    clip = match.group("clip")
                    part = Placeholder(
                        match.group("slot"),
                        match.group("default"),
                        int(clip) if clip else None,
                        bool(match.group("every")),
                    )
                (parts if group is None else group).append(part)
        if position != len(source) or group is not None:
            raise ValueError(f"template {source!r} is malformed at character {position}")
        return cls(source, tuple(parts))

    @property
    def slots(self) -> tuple[str, ...]:
        found: list[str] = []
        for part in self.parts:
            for item in part.parts if isinstance(part, Group) else (part,):
                if isinstance(item, Placeholder):
                    found.append(item.slot)
        return tuple(dict.fromkeys(found))

    @property
    def links(self) -> str | None:
        """The slot of a template that is nothing but ``{slot*}``: a sentence shows its values as links."""
        if len(self.parts) == 1:
            only = self.parts[0]
            if isinstance(only, Placeholder) and only.every and only.default is None and only.clip is None:
                return only.slot
        return None

    def fill(self, texts: Callable[[str], Sequence[str]]) -> str | None:
        """The phrase, with ``texts(slot)`` giving each slot's values; None if a required slot has none."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Group):
                filled = [_fill(item, texts) for item in part.parts]
                if all(text is not None for text in filled):
                    out.extend(text for text in filled if text is not None)
                continue
            text = _fill(part, texts)
            if text is None:
                return None
            out.append(text)
        return "".join(out)


def _fill(part: str | Placeholder, texts: Callable[[str], Sequence[str]]) -> str | None:
    if isinstance(part, str):
        return part
    values = [text for text in texts(part.slot) if text]
    if values:
        text = ", ".join(values) if part.every else values[0]
    elif part.default is not None:
        text = part.default
    else:
        return None
    if part.clip is not None and len(text) > part.clip:
        text = text[: part.clip - 1].rstrip() + "…"
    return text


@dataclass(frozen=True)
class Slot:
    """A value a kind's phrases show: the property it is read from."""

    predicate: IRI
    is_property: bool = False
    """The value is itself a property (a Relation's ``rdf:predicate``): shown by its words."""


Word = Template | tuple[Template, ...]
"""A word of a sentence; a tuple is a run of words left out when one of its slots has no value."""


@dataclass(frozen=True)
class Phrasing:
    """How the site names a record of a kind (its page title) and states it (its sentence and notes)."""

    slots: Mapping[str, Slot]
    label: Template | None = None
    """The record's name on the site; without one (or without its values), its ``schema:name``."""
    sentence: tuple[Word, ...] = ()
    """The words that state a fact; without them, its label."""
    notes: tuple[Template, ...] = ()
    """Remarks after the sentence, each shown only when its slots have values."""


def _phrasing(
    slots: Mapping[str, IRI | Slot],
    label: str | None = None,
    sentence: Sequence[str | tuple[str, ...]] = (),
    notes: Sequence[str] = (),
) -> Phrasing:
    phrasing = Phrasing(
        {name: slot if isinstance(slot, Slot) else Slot(slot) for name, slot in slots.items()},
        Template.parse(label) if label is not None else None,
        tuple(
            tuple(Template.parse(w) for w in word) if isinstance(word, tuple) else Template.parse(word)
            for word in sentence
        ),
        tuple(Template.parse(note) for note in notes),
    )
    templates = [
        *([phrasing.label] if phrasing.label else []),
        *(t for word in phrasing.sentence for t in (word if isinstance(word, tuple) else (word,))),
        *phrasing.notes,
    ]
    for template in templates:
        unknown = set(template.slots) - set(phrasing.slots)
        if unknown:
            raise ValueError(f"template {template.source!r} names unknown slots {sorted(unknown)}")
    return phrasing


# -- kinds --------------------------------------------------------------------------------------


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


PERSON = frozenset({"Person"})
ORG = frozenset({"Organization"})
AGENT = frozenset({"Person", "Organization"})
PLACE = frozenset({"Place"})
EVENT = frozenset({"Event"})
WORK = frozenset({"CreativeWork", "Document"})
ANY = frozenset({"Person", "Organization", "Place", "Event", "CreativeWork", "Document"})
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
            "community": EXILEKG.DiasporaCommunity,
        },
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
        phrasing=_phrasing(
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
        phrasing=_phrasing(
            {"designee": EXILEKG.designee, "role": SCHEMA.roleName, "by": EXILEKG.designatedBy},
            label="[{designee}: ]{role|designation}",
            sentence=("{designee*}", "designated", "“{role|}”", ("by", "{by*}")),
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
        phrasing=_phrasing(
            {
                "measure": SCHEMA.variableMeasured,
                "answer": EXILEKG.answer,
                "value": SCHEMA.value,
                "unit": SCHEMA.unitText,
                "date": SCHEMA.observationDate,
                "about": SCHEMA.observationAbout,
                "population": EXILEKG.population,
                "producer": EXILEKG.producer,
            },
            label="{measure|observation}[ — “{answer}”]: {value|?}[ {unit}][ ({date})]",
            sentence=("{measure|}[ — “{answer}”]: {value|?}[ {unit}]", ("about", "{about*}")),
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
        phrasing=_phrasing(
            {"text": SCHEMA.text, "speaker": SCHEMA.spokenByCharacter},
            label="“{text|:90}”[ — {speaker}]",
            sentence=("“{text|}”", "—", "{speaker*}"),
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
        phrasing=_phrasing(
            {"text": SCHEMA.text, "claimant": SCHEMA.author},
            label="{text|claim:110}",
            sentence=("{claimant*}", "claims", "“{text|}”"),
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
"""Every relation a Relation record may state (the ``relation`` enum of its schema), by name."""
