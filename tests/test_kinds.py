"""The kind table against the schemas, the vocabularies and the stages that read it.

Adding a kind, a type or a relation is one edit of ``exilekg/kinds.py`` plus its schema enum;
each test here fails when one of the two is forgotten or the vocabulary lacks the class.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import rdflib
from pyld import jsonld

from exilekg.corpus import read_corpus
from exilekg.jsonld import OUTPUT_SCHEMAS, document_loader, written_type
from exilekg.kinds import ENTITY_KINDS, FACT_KINDS, KINDS, RELATIONS, Kind, class_for, kind_of_segment
from exilekg.map import Mapper, map_corpus
from exilekg.phrasing import Template, phrasing
from exilekg.resources import CONTEXT_IRI, output_schema_uri, output_schemas, schema_uri, schemas
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA
from exilekg.validation.fields import DATE_FIELDS

from .conftest import EXAMPLE, REPO, SEED_CORPUS

KIND_NAMES = sorted(KINDS)
NOT_KINDS = {"common", "corpus"}
"""Input schemas that describe no kind of record."""


def schema_of(kind: Kind) -> dict[str, Any]:
    found: dict[str, Any] = schemas()[schema_uri(kind.schema)]
    return found


# -- the vocabularies -------------------------------------------------------------------------------


@cache
def schema_org() -> dict[str, Any]:
    index = json.loads((REPO / "exilekg" / "data" / "schemaorg-index.json").read_text(encoding="utf-8"))
    terms: dict[str, Any] = index["terms"]
    return terms


@cache
def exilekg_vocabulary() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(REPO / "vocab" / "exilekg.ttl", format="turtle")
    return graph


def term_kind(iri: str) -> str | None:
    """``class`` or ``property`` as the vocabulary that owns ``iri`` declares it; None if it does not."""
    if iri.startswith(str(SCHEMA)):
        entry = schema_org().get(iri[len(str(SCHEMA)) :])
        return None if entry is None else str(entry["kind"])
    if iri.startswith(str(EXILEKG)):
        types = set(exilekg_vocabulary().objects(rdflib.URIRef(iri), rdflib.RDF.type))
        if rdflib.RDFS.Class in types:
            return "class"
        if rdflib.RDF.Property in types:
            return "property"
        return None
    if iri in (RDF.subject, RDF.predicate, RDF.object):
        return "property"
    return None


def superclasses(iri: str) -> Iterator[str]:
    if iri.startswith(str(SCHEMA)):
        for name in schema_org().get(iri[len(str(SCHEMA)) :], {}).get("subClassOf", []):
            yield name if ":" in name else f"{SCHEMA}{name}"
    else:
        for parent in exilekg_vocabulary().objects(rdflib.URIRef(iri), rdflib.RDFS.subClassOf):
            yield str(parent)


def ancestors(iri: str) -> set[str]:
    seen = {iri}
    todo = [iri]
    while todo:
        for parent in superclasses(todo.pop()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


# -- kinds and schemas ------------------------------------------------------------------------------


def test_every_schema_describes_one_kind() -> None:
    names = {uri.rsplit("/", 1)[-1].removesuffix(".schema.json") for uri in schemas()}
    assert names - NOT_KINDS == {kind.schema for kind in KINDS.values()}
    assert len({kind.schema for kind in KINDS.values()}) == len(KINDS)
    assert len({kind.segment for kind in KINDS.values()}) == len(KINDS)
    assert all(kind_of_segment(kind.segment) is kind for kind in KINDS.values())


@pytest.mark.parametrize("name", KIND_NAMES)
def test_a_schema_names_its_kind(name: str) -> None:
    kind = KINDS[name]
    declared = schema_of(kind)["properties"].get("kind")
    if name == "Document":
        assert declared is None  # documents are known by their folder
    else:
        assert declared == {"const": name}
    assert (name in FACT_KINDS) == kind.is_fact
    assert (name in ENTITY_KINDS) == (not kind.is_fact and name != "Document")


@pytest.mark.parametrize("name", KIND_NAMES)
def test_every_type_of_the_schema_has_its_class(name: str) -> None:
    """Every value of the type enum but "other" has a class, and no class is for a value not in it."""
    kind = KINDS[name]
    declared = schema_of(kind)["properties"].get(kind.type_field, {}).get("enum", [])
    assert set(kind.classes_by_type) == set(declared) - {"other"}
    if declared:
        assert "other" in declared
        assert class_for(name, "other") == kind.default_class


def test_the_relation_enum_is_the_relation_table() -> None:
    declared = schema_of(FACT_KINDS["Relation"])["properties"]["relation"]["enum"]
    assert declared == list(RELATIONS)


def _reference_fields(schema: dict[str, Any]) -> tuple[set[str], dict[str, str]]:
    """The fields holding ids of records, and those that may hold a whole record (with its schema)."""
    ids: set[str] = set()
    inline: dict[str, str] = {}
    for name, prop in schema["properties"].items():
        branches = [prop.get("items", prop)]
        branches = branches[0].get("oneOf", branches)
        for branch in branches:
            ref = branch.get("$ref", "")
            if ref.startswith("common.schema.json#/$defs/ref"):
                ids.add(name)
            elif ref.endswith(".schema.json"):
                inline[name] = ref.removesuffix(".schema.json")
    return ids, inline


@pytest.mark.parametrize("name", KIND_NAMES)
def test_reference_fields_are_the_schemas_references(name: str) -> None:
    kind = KINDS[name]
    ids, inline = _reference_fields(schema_of(kind))
    relation_ends = {"subject", "object"} if name == "Relation" else set()  # from RELATIONS
    assert ids == set(kind.references) | relation_ends
    assert {field: KINDS[kind].schema for field, kind in kind.inline.items()} == inline
    for field_name, targets in kind.references.items():
        assert targets and targets <= set(KINDS), field_name
        assert kind.inline.get(field_name, next(iter(targets))) in targets


def test_relations_link_kinds_that_exist_by_properties_that_exist() -> None:
    for relation in RELATIONS.values():
        assert relation.subjects <= set(KINDS) and relation.objects <= set(KINDS), relation.name
        assert term_kind(relation.predicate) == "property", relation.predicate


@pytest.mark.parametrize("name", KIND_NAMES)
def test_date_pairs_are_date_fields_of_the_schema(name: str) -> None:
    kind = KINDS[name]
    properties = schema_of(kind)["properties"]
    for start, end in kind.date_pairs:
        assert {start, end} <= DATE_FIELDS
        assert start in properties and end in properties


# -- kinds and the vocabularies ---------------------------------------------------------------------


@pytest.mark.parametrize("name", KIND_NAMES)
def test_every_class_is_in_its_vocabulary_below_the_kinds_class(name: str) -> None:
    kind = KINDS[name]
    assert term_kind(kind.default_class) == "class", kind.default_class
    for type_, cls in kind.classes_by_type.items():
        assert term_kind(cls) == "class", f"{name} {type_}: {cls} is not a class of its vocabulary"
        assert kind.default_class in ancestors(cls), f"{name} {type_}: {cls} is not a {kind.default_class}"


def test_a_venue_is_a_place_where_events_happen() -> None:
    assert class_for("Place", "venue") == SCHEMA.EventVenue
    assert SCHEMA.Place in ancestors(SCHEMA.EventVenue)


@pytest.mark.parametrize("name", KIND_NAMES)
def test_every_slot_the_site_reads_is_a_property(name: str) -> None:
    for slot_name, slot in KINDS[name].phrasing.slots.items():
        assert term_kind(slot.predicate) == "property", f"{name}.{slot_name}: {slot.predicate}"


@cache
def mapped_predicates() -> dict[str, set[IRI]]:
    """The predicates of each kind's nodes in the example and seed graphs."""
    found: dict[str, set[IRI]] = {}
    for root in (EXAMPLE, SEED_CORPUS):
        for s, p, _, _ in map_corpus(read_corpus(root)):
            path = s.split("/")
            kind = kind_of_segment(path[-2]) if len(path) > 2 else None
            if kind is not None:
                found.setdefault(kind.name, set()).add(p)
    return found


@pytest.mark.parametrize("name", sorted(FACT_KINDS))
def test_every_slot_the_site_reads_is_mapped(name: str) -> None:
    slots = {slot.predicate for slot in KINDS[name].phrasing.slots.values()}
    assert slots <= mapped_predicates()[name]


# -- kinds and the stages ----------------------------------------------------------------------------


def test_fact_kinds_name_their_mapper() -> None:
    for kind in KINDS.values():
        if kind.is_fact:
            assert callable(getattr(Mapper, str(kind.mapper), None)), kind.name
        else:
            assert kind.mapper is None


def test_every_kind_has_an_output_schema_keyed_as_our_json_ld_writes_its_class() -> None:
    context = {"@context": CONTEXT_IRI}
    for kind in KINDS.values():
        assert output_schema_uri(kind.output_schema) in output_schemas(), kind.name
        node = {"@id": "https://example.org/x", "@type": str(kind.default_class)}
        compacted = jsonld.compact(node, context, {"documentLoader": document_loader})
        assert compacted["@type"] == written_type(kind.default_class)
        assert OUTPUT_SCHEMAS[compacted["@type"]] == kind.output_schema
    assert {output_schema_uri(name) for name in OUTPUT_SCHEMAS.values()} <= set(output_schemas())


@pytest.mark.parametrize("name", KIND_NAMES)
def test_every_kind_has_a_title_and_well_formed_phrases(name: str) -> None:
    kind = KINDS[name]
    assert kind.title
    for template in kind.phrasing.templates:
        assert set(template.slots) <= set(kind.phrasing.slots)
    if kind.is_fact:
        assert kind.phrasing.label is not None and kind.phrasing.sentence


# -- the templates -----------------------------------------------------------------------------------


def fill(source: str, **values: list[str]) -> str | None:
    return Template.parse(source).fill(lambda slot: values.get(slot, []))


def test_templates_fill_defaults_groups_clips_and_lists() -> None:
    assert fill("{a} {b} {c}", a=["x"], b=["y"], c=["z"]) == "x y z"
    assert fill("{a} {b}", a=["x"]) is None  # a required slot without a value
    assert fill("{a|none}", a=[""]) == "none"  # an empty value is no value
    assert fill("“{a|}”") == "“”"
    assert fill("[{a}: ]{b|b}") == "b"
    assert fill("[{a}: ]{b|b}", a=["x"], b=["y", "z"]) == "x: y"
    assert fill("by {a*}", a=["x", "", "y"]) == "by x, y"
    assert fill("{a:5}", a=["abcdefgh"]) == "abcd…"
    assert fill("{a|long default:5}") == "long…"
    assert fill("{m}[ — “{n}”]: {v|?}[ {u}][ ({d})]", m=["m"], d=["2020"]) == "m: ? (2020)"
    assert Template.parse("{a*}").links == "a"
    assert Template.parse("{a*} and").links is None
    assert Template.parse("{a}").links is None


@pytest.mark.parametrize("source", ["{a", "a}", "[{a}", "{a}]", "[[{a}]]", "{a b}", "{|x}"])
def test_malformed_templates_are_refused(source: str) -> None:
    with pytest.raises(ValueError, match="template"):
        Template.parse(source)


def test_a_phrase_naming_an_unknown_slot_is_refused() -> None:
    with pytest.raises(ValueError, match="'b', which is not a slot"):
        phrasing({"a": SCHEMA.name}, label="{a} {b}")
    with pytest.raises(ValueError, match="not a slot"):
        phrasing({"a": SCHEMA.name}, quote="text")
