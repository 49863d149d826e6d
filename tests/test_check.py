"""Conformance checking: the example build passes; hand-written bad graphs give the expected violations."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest
import rdflib
from click.testing import CliRunner

from exilekg import CheckError, FormatError, SerializationError, map_corpus, read_corpus
from exilekg.check import (
    DOMAIN,
    KIND,
    LEXICAL,
    RANGE,
    SUPERSEDED,
    UNKNOWN,
    Checker,
    Violation,
    check_file,
    check_graph,
    check_quads,
    check_shacl,
    checked,
    read_triples,
    shapes_path,
)
from exilekg.check.checker import _FOREIGN_WINDOW
from exilekg.cli import cli
from exilekg.mentions import find_mentions
from exilekg.pipeline import ALL_FORMATS, output_name
from exilekg.rdf.read import graph_name
from exilekg.terms import IRI, VOID, XSD, Literal
from exilekg.validation import validate

from .conftest import EXAMPLE, REPO, imported_by

PREFIXES = """
@prefix schema: <http://schema.org/> .
@prefix exilekg: <https://w3id.org/exilekg/vocab#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix ex: <http://example.org/> .
"""

SCHEMAORG_TTL = REPO.parent / "shared" / "reference" / "schemaorg" / "schemaorg-current-http.ttl"


def check_turtle(tmp_path: Path, body: str, name: str = "data.ttl") -> list[Violation]:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return check_file(path).violations


def triples_of(violations: list[Violation]) -> set[tuple[str, str, str]]:
    return {(v.subject, v.term, v.rule) for v in violations}


@pytest.fixture(params=["pyoxigraph", "rdflib"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each parser: pyoxigraph when installed, and rdflib as without it."""
    if request.param == "rdflib":
        monkeypatch.setattr("exilekg.rdf.read._use_pyoxigraph", lambda: False)
    else:
        pytest.importorskip("pyoxigraph")
    return str(request.param)


# -- our own output conforms ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [output_name(fmt) for fmt in ALL_FORMATS] + ["void.ttl"])
def test_every_dump_of_the_example_build_conforms(example_build: Path, name: str, parser: str) -> None:
    result = check_file(example_build / name)
    assert result.violations == []
    assert result.triples > 100


def test_the_mapper_stream_conforms() -> None:
    corpus = read_corpus(EXAMPLE)
    report = validate(corpus)
    quads = list(map_corpus(corpus, report.anchors, find_mentions(corpus)))
    assert check_quads(quads) == []


def test_the_exilekg_vocabulary_conforms_to_itself_and_schema_org() -> None:
    assert check_file(REPO / "vocab" / "exilekg.ttl").violations == []


def test_checked_passes_a_conforming_stream_through_unchanged() -> None:
    corpus = read_corpus(EXAMPLE)
    quads = list(map_corpus(corpus))
    assert list(checked(iter(quads))) == quads


def test_checked_raises_after_the_last_quad_of_a_broken_stream() -> None:
    g = IRI("http://example.org/g")
    org = IRI("http://example.org/org")
    quads = [
        (
            org,
            IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            IRI("http://schema.org/Organization"),
            g,
        ),
        (org, IRI("http://schema.org/spouse"), IRI("http://example.org/p"), g),
    ]
    seen = []
    with pytest.raises(SerializationError, match="schema:spouse: domain"):
        for quad in checked(quads):
            seen.append(quad)
    assert seen == quads


# -- the rules, one bad file each -------------------------------------------------------------------


def test_unknown_schema_term(tmp_path: Path, parser: str) -> None:
    found = check_turtle(tmp_path, 'ex:a a schema:Persn ; schema:nmae "A" .')
    assert triples_of(found) == {
        ("http://example.org/a", "http://schema.org/Persn", UNKNOWN),
        ("http://example.org/a", "http://schema.org/nmae", UNKNOWN),
    }
    assert "did you mean schema:Person?" in str(next(v for v in found if v.term.endswith("Persn")))


def test_wrong_domain_spouse_on_an_organization(tmp_path: Path, parser: str) -> None:
    found = check_turtle(
        tmp_path, "ex:org a schema:Organization ; schema:spouse ex:p . ex:p a schema:Person ."
    )
    assert triples_of(found) == {("http://example.org/org", "http://schema.org/spouse", DOMAIN)}
    assert "schema:Organization" in found[0].message and "schema:Person" in found[0].message


def test_a_plain_string_on_a_date_range_is_a_violation(tmp_path: Path, parser: str) -> None:
    found = check_turtle(tmp_path, 'ex:p a schema:Person ; schema:birthDate "yesterday" .')
    assert triples_of(found) == {("http://example.org/p", "http://schema.org/birthDate", RANGE)}


def test_a_date_typed_literal_must_be_a_date(tmp_path: Path) -> None:
    found = check_turtle(tmp_path, 'ex:p a schema:Person ; schema:birthDate "yesterday"^^xsd:date .')
    assert triples_of(found) == {("http://example.org/p", "http://schema.org/birthDate", LEXICAL)}


def test_unknown_exilekg_term(tmp_path: Path, parser: str) -> None:
    found = check_turtle(tmp_path, 'ex:p a schema:Person, exilekg:Dissident ; exilekg:exiledSince "2022" .')
    assert triples_of(found) == {
        ("http://example.org/p", "https://w3id.org/exilekg/vocab#Dissident", UNKNOWN),
        ("http://example.org/p", "https://w3id.org/exilekg/vocab#exiledSince", UNKNOWN),
    }


def test_a_class_as_predicate_and_a_member_as_type(tmp_path: Path) -> None:
    found = check_turtle(tmp_path, 'ex:e a schema:EventScheduled ; schema:Person "x" .')
    assert triples_of(found) == {
        ("http://example.org/e", "http://schema.org/EventScheduled", KIND),
        ("http://example.org/e", "http://schema.org/Person", KIND),
    }


def test_a_superseded_term_names_its_replacement(tmp_path: Path) -> None:
    found = check_turtle(tmp_path, "ex:p a schema:Person ; schema:colleagues ex:q .")
    assert triples_of(found) == {("http://example.org/p", "http://schema.org/colleagues", SUPERSEDED)}
    assert "schema:colleague" in found[0].message


def test_exilekg_property_domain_and_range(tmp_path: Path, parser: str) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:d a exilekg:Designation ; exilekg:designee ex:riga ; schema:roleName "foreign agent" .
        ex:riga a schema:City .
        ex:ev a exilekg:Evidence ; exilekg:verified "yes" .
        ex:city a schema:City ; exilekg:exiledIn ex:riga .
        """,
    )
    assert triples_of(found) == {
        ("http://example.org/d", "https://w3id.org/exilekg/vocab#designee", RANGE),
        ("http://example.org/ev", "https://w3id.org/exilekg/vocab#verified", RANGE),
        ("http://example.org/city", "https://w3id.org/exilekg/vocab#exiledIn", DOMAIN),
    }


def test_exilekg_subclasses_reach_schema_org(tmp_path: Path) -> None:
    # Parliament < GovernmentOrganization < Organization; Killing < exilekg:Death < schema:Event.
    found = check_turtle(
        tmp_path,
        """
        ex:duma a exilekg:Parliament ; schema:foundingDate "1993"^^xsd:gYear ; schema:location ex:moscow .
        ex:moscow a exilekg:Neighbourhood .
        ex:k a exilekg:Killing ; schema:startDate "2024-02-16"^^xsd:date ; schema:location ex:moscow ;
            schema:about ex:duma .
        ex:bad a exilekg:Parliament ; schema:birthDate "1993"^^xsd:gYear .
        """,
    )
    assert triples_of(found) == {("http://example.org/bad", "http://schema.org/birthDate", DOMAIN)}


def test_types_may_come_after_their_use_and_from_another_graph(tmp_path: Path) -> None:
    path = tmp_path / "data.nq"
    path.write_text(
        "<http://e/org> <http://schema.org/spouse> <http://e/p> <http://e/g1> .\n"
        "<http://e/p> <http://schema.org/knows> <http://e/org> <http://e/g1> .\n"
        "<http://e/org> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/Organization> "
        "<http://e/g2> .\n",
        encoding="utf-8",
    )
    found = check_file(path).violations
    assert triples_of(found) == {
        ("http://e/org", "http://schema.org/spouse", DOMAIN),
        ("http://e/p", "http://schema.org/knows", RANGE),
    }


def test_untyped_nodes_are_lenient_but_an_iri_is_not_text(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:nobody schema:spouse ex:someone ; schema:birthDate "1990-01-01"^^xsd:date .
        ex:p a schema:Person ; schema:knows ex:stranger ; schema:name ex:stranger ;
            schema:url ex:home ; schema:sameAs "https://example.org/p" .
        """,
    )
    assert triples_of(found) == {("http://example.org/p", "http://schema.org/name", RANGE)}


def test_literal_datatypes_per_schema_datatype(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:a a schema:Article ; schema:wordCount "12.5"^^xsd:decimal ;
            schema:datePublished "2025"^^xsd:gYear ; schema:headline "x"@en ;
            schema:isAccessibleForFree "true"^^xsd:boolean ;
            schema:dateModified "2025-01-01"^^xsd:date ; schema:url "https://example.org/a"^^xsd:anyURI .
        ex:o a schema:Observation ; schema:value "41"^^xsd:integer ; schema:unitText "percent" .
        ex:e a schema:Event ; schema:doorTime "2025-01-01"^^xsd:date .
        """,
    )
    assert triples_of(found) == {
        ("http://example.org/a", "http://schema.org/wordCount", RANGE),  # Integer takes no decimal
        ("http://example.org/e", "http://schema.org/doorTime", RANGE),  # DateTime/Time take no xsd:date
    }


def test_enumeration_members_are_typed_by_the_index(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:e a schema:Event ; schema:eventStatus schema:EventScheduled .
        ex:f a schema:Event ; schema:eventStatus schema:InStock .
        """,
    )
    assert triples_of(found) == {("http://example.org/f", "http://schema.org/eventStatus", RANGE)}


def test_role_nodes_carry_any_property_and_stand_in_for_any_value(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:anna a schema:Person ; schema:memberOf ex:role .
        ex:role a schema:OrganizationRole ; schema:memberOf ex:fvf ; schema:roleName "chair" ;
            schema:startDate "2022"^^xsd:gYear ; schema:spouse ex:bob .
        ex:fvf a schema:Organization .
        ex:rel a exilekg:Relation ; schema:founder ex:anna ; schema:startDate "2022"^^xsd:gYear .
        ex:role2 a schema:Role ; schema:spouse ex:fvf ; schema:name ex:fvf .
        """,
    )
    # The domain is waived on Role nodes; ranges still hold.
    assert triples_of(found) == {
        ("http://example.org/role2", "http://schema.org/spouse", RANGE),
        ("http://example.org/role2", "http://schema.org/name", RANGE),
    }


def test_https_schema_org_is_the_same_vocabulary(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        "<http://e/o> a <https://schema.org/Organization> ; <https://schema.org/spouse> <http://e/p> .",
    )
    assert triples_of(found) == {("http://e/o", "http://schema.org/spouse", DOMAIN)}


def test_foreign_classes_equivalent_to_schema_org_count(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        """
        @prefix void: <http://rdfs.org/ns/void#> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        ex:d a void:Dataset ; schema:version "1" .
        ex:p a foaf:Person ; schema:foundingDate "2020"^^xsd:gYear .
        ex:x a <http://unknown.example/Thing> ; schema:foundingDate "2020"^^xsd:gYear .
        """,
    )
    assert triples_of(found) == {("http://example.org/p", "http://schema.org/foundingDate", DOMAIN)}


def test_blank_nodes_are_checked_like_iris(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path, 'ex:p a schema:Person ; schema:knows [ a schema:Place ; schema:name "x" ] .'
    )
    assert len(found) == 1 and found[0].rule == RANGE and found[0].subject == "http://example.org/p"
    assert "_:" in found[0].message


def test_check_graph_takes_rdflib_graphs_and_datasets() -> None:
    data = PREFIXES + "ex:org a schema:Organization ; schema:spouse ex:p ."
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert triples_of(check_graph(graph)) == {("http://example.org/org", "http://schema.org/spouse", DOMAIN)}
    dataset = rdflib.Dataset()
    dataset.graph(rdflib.URIRef("http://example.org/g")).parse(data=data, format="turtle")
    assert triples_of(check_graph(dataset)) == {
        ("http://example.org/org", "http://schema.org/spouse", DOMAIN)
    }


def test_violations_are_reported_once_and_sorted() -> None:
    checker = Checker()
    for n in range(3):
        subject = f"http://e/{n}"
        checker.add(subject, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", IRI("http://schema.org/Nope"))
    found = checker.violations()
    assert [v.rule for v in found] == [UNKNOWN]  # an unknown term is reported where it first appears
    assert found == sorted(found)


# -- checks that wait for types ------------------------------------------------------------------------

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
S = "http://schema.org/"
E = "https://w3id.org/exilekg/vocab#"
OA = "http://www.w3.org/ns/oa#"

MIXED = """
ex:org schema:spouse ex:p .
ex:p schema:spouse ex:q ; schema:knows _:place ; schema:name ex:place2 ; schema:birthDate "yesterday" .
ex:p a schema:Person .
_:place a schema:Place .
ex:q a schema:Person .
ex:org a schema:Organization .
ex:later schema:birthDate "1990-01-01"^^xsd:date .
ex:later a schema:Organization .
ex:later a schema:Person .
ex:ann a oa:Annotation .
ex:ann a exilekg:Mention ; schema:birthDate "1990-01-01"^^xsd:date .
ex:sel a oa:TextQuoteSelector .
ex:p schema:knows ex:sel ; schema:url ex:sel ; schema:address ex:sel .
ex:role a schema:OrganizationRole ; schema:spouse ex:org ; schema:memberOf ex:org .
ex:q schema:memberOf ex:role .
ex:e a schema:Event ; schema:eventStatus schema:EventScheduled ; schema:location ex:nowhere .
ex:f a schema:Event ; schema:eventStatus schema:InStock .
ex:untyped schema:spouse ex:org .
"""


def mixed_triples(tmp_path: Path) -> list[tuple[str, str, str | Literal]]:
    path = tmp_path / "mixed.ttl"
    path.write_text(PREFIXES + MIXED, encoding="utf-8")
    return list(read_triples(path))


def test_checks_wait_for_types_that_come_later() -> None:
    checker = Checker()
    checker.add_many(
        [
            ("http://e/p", S + "spouse", "http://e/q"),
            ("http://e/org", S + "spouse", "http://e/p"),
            ("http://e/p", S + "knows", "_:place"),
            ("http://e/x", S + "birthDate", Literal("1990-01-01", IRI(str(XSD) + "date"))),
            ("http://e/x", RDF_TYPE, S + "Organization"),
            ("http://e/p", RDF_TYPE, S + "Person"),
            ("http://e/q", RDF_TYPE, S + "Person"),
            ("http://e/org", RDF_TYPE, S + "Organization"),
            ("_:place", RDF_TYPE, S + "Place"),
            # A check the types so far would fail is judged on all of them: x is a Person too.
            ("http://e/x", RDF_TYPE, S + "Person"),
        ]
    )
    assert checker.violations() == [
        Violation(
            "http://e/org",
            S + "spouse",
            DOMAIN,
            "the subject is a schema:Organization, but the domain is schema:Person",
        ),
        Violation(
            "http://e/p",
            S + "knows",
            RANGE,
            "the value _:place is a schema:Place, but the range is schema:Person",
        ),
    ]


def test_a_node_typed_first_with_foreign_classes_is_named_with_all_its_types() -> None:
    checker = Checker()
    checker.add_many(
        [
            ("http://e/a", RDF_TYPE, OA + "Annotation"),
            ("http://e/a", RDF_TYPE, E + "Mention"),
            ("http://e/a", S + "birthDate", Literal("2000-01-01", IRI(str(XSD) + "date"))),
            ("http://e/sel", RDF_TYPE, OA + "TextQuoteSelector"),
            ("http://e/p", RDF_TYPE, S + "Person"),
            # Only foreign types: as lenient as an untyped node, and as little a text.
            ("http://e/p", S + "knows", "http://e/sel"),
            ("http://e/p", S + "name", "http://e/sel"),
        ]
    )
    assert checker.violations() == [
        Violation(
            "http://e/a",
            S + "birthDate",
            DOMAIN,
            "the subject is a exilekg:Mention, oa:Annotation, but the domain is schema:Person",
        ),
        Violation(
            "http://e/p",
            S + "name",
            RANGE,
            "the value <http://e/sel> is a node (an IRI or blank node), but the range is schema:Text",
        ),
    ]


def test_types_added_while_a_watched_stream_is_paused_are_kept() -> None:
    checker = Checker()
    x, g = IRI("http://e/x"), IRI("http://e/g")
    stream = checker.watch(
        iter(
            [
                (x, IRI(RDF_TYPE), IRI(S + "Organization"), g),
                (x, IRI(RDF_TYPE), IRI(S + "CreativeWork"), g),
                (x, IRI(S + "birthDate"), Literal("1990-01-01", IRI(str(XSD) + "date")), g),
            ]
        )
    )
    next(stream)
    checker.add(x, RDF_TYPE, S + "Person")
    assert len(list(stream)) == 2
    assert checker.violations() == []  # birthDate's domain is Person


def test_the_violations_do_not_depend_on_the_order_of_the_triples(tmp_path: Path) -> None:
    triples = mixed_triples(tmp_path)
    checker = Checker()
    checker.add_many(triples)
    expected = checker.violations()
    assert {v.rule for v in expected} == {DOMAIN, RANGE}
    assert len(expected) >= 6
    rng = random.Random(1)
    for _ in range(30):
        rng.shuffle(triples)
        checker = Checker()
        checker.add_many(triples)
        assert checker.violations() == expected


def test_add_add_many_add_quads_and_watch_agree(tmp_path: Path) -> None:
    triples = mixed_triples(tmp_path)
    quads = [
        (IRI(s), IRI(p), o if isinstance(o, Literal) else IRI(o), IRI("http://e/g")) for s, p, o in triples
    ]
    one = Checker()
    for s, p, o in triples:
        one.add(s, p, o)
    many = Checker()
    many.add_many(iter(triples))
    by_quads = Checker()
    by_quads.add_quads(iter(quads))
    watched = Checker()
    assert list(watched.watch(iter(quads))) == quads
    results = [(checker.triples, checker.violations()) for checker in (one, many, by_quads, watched)]
    assert results[0][0] == len(triples) and results[0][1]
    assert all(result == results[0] for result in results)


def test_the_mapper_stream_leaves_nothing_waiting() -> None:
    # What the checker keeps is what a large build pays for: a node's rdf:type comes first
    # in exilekg's stream, so every check is settled as its triple passes.
    corpus = read_corpus(EXAMPLE)
    report = validate(corpus)
    checker = Checker()
    checker.add_quads(map_corpus(corpus, report.anchors, find_mentions(corpus)))
    assert checker.violations() == []
    assert checker._open_domains == {} and checker._open_ranges == {}
    assert checker._types and all(typeset.known for typeset in checker._types.values())


def test_nodes_with_only_foreign_types_are_remembered_only_for_a_while() -> None:
    checker = Checker()
    checker.add_many((f"http://e/{n}", RDF_TYPE, OA + "SpecificResource") for n in range(3 * _FOREIGN_WINDOW))
    assert checker._types == {}
    assert len(checker._foreign) + len(checker._foreign_before) <= 2 * _FOREIGN_WINDOW
    # Forgotten, the first node is judged as before (only its messages may miss the foreign type).
    checker.add_many(
        [("http://e/0", RDF_TYPE, S + "Organization"), ("http://e/0", S + "spouse", "http://e/1")]
    )
    assert triples_of(checker.violations()) == {("http://e/0", S + "spouse", DOMAIN)}


# -- reading files ----------------------------------------------------------------------------------


def test_jsonld_with_a_foreign_remote_context_is_refused_not_fetched(tmp_path: Path, parser: str) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org/", "@type": "Person"}), encoding="utf-8")
    with pytest.raises(CheckError):
        check_file(path)


def test_unparsable_file_gives_the_line(tmp_path: Path, parser: str) -> None:
    path = tmp_path / "broken.nt"
    path.write_text(
        '<http://e/a> <http://e/b> "x" .\n<http://e/a> <http://e/b> "unterminated .\n', encoding="utf-8"
    )
    with pytest.raises(CheckError) as caught:
        check_file(path)
    assert caught.value.path == path
    if parser == "pyoxigraph":
        assert caught.value.line == 2


def test_malformed_jsonld_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n  "@id": "http://e/a",\n  "x": }\n', encoding="utf-8")
    with pytest.raises(CheckError) as caught:
        check_file(path)
    assert (caught.value.line, caught.value.column) == (3, 8)


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="no such file"):
        check_file(tmp_path / "absent.ttl")
    # .rdf was unknown here until RDF/XML was read; .xyz still is.
    (tmp_path / "data.xyz").write_text("<rdf:RDF/>", encoding="utf-8")
    with pytest.raises(FormatError):
        check_file(tmp_path / "data.xyz")


# -- SHACL ----------------------------------------------------------------------------------------------


def test_the_example_build_conforms_to_the_shapes(example_build: Path) -> None:
    pytest.importorskip("pyshacl")
    result = check_shacl(example_build / "exilekg.nq")
    assert result.violations == []


def test_an_observation_without_value_breaks_the_shapes(example_build: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyshacl")
    broken = tmp_path / "broken.nq"
    lines = (example_build / "exilekg.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    target = "<https://example.org/exilekg/observation/nrc-2023-against-war> <http://schema.org/value> "
    kept = [line for line in lines if not line.startswith(target)]
    assert len(kept) == len(lines) - 1
    broken.write_text("".join(kept), encoding="utf-8")
    found = check_shacl(broken).violations
    # Neither a value nor a bound: the shape's sh:or (value, minValue or maxValue) fails.
    assert triples_of(found) == {
        (
            "https://example.org/exilekg/observation/nrc-2023-against-war",
            "https://w3id.org/exilekg/shapes#ObservationShape",
            "shacl:Or",
        )
    }


def test_position_selectors_need_start_before_end(example_build: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyshacl")
    lines = (example_build / "exilekg.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "<http://www.w3.org/ns/oa#start>" in line)
    subject = lines[start].split(" ", 1)[0]
    lines[start] = lines[start].replace('"', '"9999', 1)
    broken = tmp_path / "positions.nq"
    broken.write_text("".join(lines), encoding="utf-8")
    found = check_shacl(broken).violations
    assert triples_of(found) == {(subject.strip("<>"), "http://www.w3.org/ns/oa#start", "shacl:LessThan")}


def test_the_shapes_file_is_shipped() -> None:
    graph = rdflib.Graph().parse(shapes_path(), format="turtle")
    shapes = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    assert len(shapes) >= 10


def test_shacl_without_pyshacl_says_how_to_install_it(
    example_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyshacl", None)  # makes `import pyshacl` raise ImportError
    with pytest.raises(CheckError) as caught:
        check_shacl(example_build / "exilekg.nq")
    assert caught.value.hint == "pip install 'exilekg[shacl]'"
    result = CliRunner().invoke(cli, ["check", "--shacl", str(example_build / "exilekg.nq")])
    assert result.exit_code == 1
    assert "pip install 'exilekg[shacl]'" in result.output
    assert "Traceback" not in result.output


# -- the command line -----------------------------------------------------------------------------------


def test_cli_passes_the_example_build(example_build: Path) -> None:
    dumps = [str(example_build / output_name(fmt)) for fmt in ALL_FORMATS]
    result = CliRunner().invoke(cli, ["check", *dumps, str(example_build / "void.ttl")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 6 files")


def test_cli_prints_one_line_per_violation_and_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(
        PREFIXES + 'ex:org a schema:Organization ; schema:spouse ex:p ; exilekg:nope "x" .', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{path}: <http://example.org/org> schema:spouse: domain: " in lines[0]
    assert f"{path}: <http://example.org/org> exilekg:nope: unknown-term: " in lines[1]
    assert lines[2] == "Error: 2 violations in 1 file (3 triples): domain 1, unknown-term 1"


def test_cli_reports_an_unparsable_dump_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}:1")
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, CheckError)  # turned into a clean message by the CLI


def test_cli_shacl_on_the_example_build(example_build: Path) -> None:
    pytest.importorskip("pyshacl")
    result = CliRunner().invoke(cli, ["check", "--shacl", str(example_build / "exilekg.trig")])
    assert result.exit_code == 0, result.output
    assert "SHACL" in result.output


# -- the shipped schema.org index -------------------------------------------------------------------


def _derive_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "derive_schemaorg_index", REPO / "scripts" / "derive_schemaorg_index.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_index_is_derived_from_the_reference_vocabulary() -> None:
    if not SCHEMAORG_TTL.is_file():
        pytest.skip(f"the schema.org vocabulary is not at {SCHEMAORG_TTL} (../shared beside the repository)")
    script = _derive_script()
    shipped = (REPO / "exilekg" / "data" / "schemaorg-index.json").read_text(encoding="utf-8")
    assert script.render(script.derive(SCHEMAORG_TTL)) == shipped


def test_the_index_holds_no_prose() -> None:
    index = json.loads((REPO / "exilekg" / "data" / "schemaorg-index.json").read_text(encoding="utf-8"))
    allowed = {
        "kind",
        "subClassOf",
        "equivalentClass",
        "domainIncludes",
        "rangeIncludes",
        "types",
        "supersededBy",
    }
    assert all(set(entry) <= allowed for entry in index["terms"].values())
    assert index["terms"]["Role"] == {"kind": "class", "subClassOf": ["Intangible"]}
    assert index["terms"]["URL"]["kind"] == "datatype"


# -- material nobody here wrote ---------------------------------------------------------------------


def test_schemaorg_datatypes_are_literal_datatypes_where_the_range_allows(
    tmp_path: Path, parser: str
) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:e a schema:Event ;
            schema:startDate "2024-05-01"^^schema:Date, "2024-05-01T10:00"^^schema:DateTime ;
            schema:doorTime "19:00:00"^^schema:Time ; schema:name "x"^^schema:Text ;
            schema:isAccessibleForFree "true"^^schema:Boolean ;
            schema:maximumAttendeeCapacity "10"^^schema:Integer ;
            schema:url "https://example.org/e"^^schema:URL .
        ex:p a schema:Person ; schema:name "2024-05-01"^^schema:Date .
        """,
    )
    assert triples_of(found) == {("http://example.org/p", "http://schema.org/name", RANGE)}


def test_the_vocabulary_iri_and_its_pages_are_no_terms(tmp_path: Path) -> None:
    found = check_turtle(
        tmp_path,
        """
        ex:d a schema:Dataset ; schema:isBasedOn <http://schema.org/>, <https://schema.org/>,
            <https://schema.org/docs/faq.html> ; schema:about schema:Nope .
        """,
    )
    assert triples_of(found) == {("http://example.org/d", "http://schema.org/Nope", UNKNOWN)}


def test_lenient_mode_makes_text_for_an_entity_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text(
        PREFIXES
        + """ex:a a schema:Article ; schema:author "Jane Doe" ; schema:wordCount "224" ;
        schema:genre ex:g ; schema:dateCreated "someday"^^xsd:date ; schema:wordCount "many" .""",
        encoding="utf-8",
    )
    strict = check_file(path)
    lenient = check_file(path, lenient=True)
    assert {(v.term, v.rule) for v in strict.violations} == {
        (S + "author", RANGE),
        (S + "wordCount", RANGE),
        (S + "dateCreated", LEXICAL),
    }
    assert len([v for v in strict.violations if v.term == S + "wordCount"]) == 2
    # Text naming a person, and text that spells an Integer, may stand; "many" and a bad date may not.
    assert {(v.term, v.rule, v.message.split("'")[1]) for v in lenient.warnings} == {
        (S + "author", RANGE, "Jane Doe"),
        (S + "wordCount", RANGE, "224"),
    }
    assert {(v.term, v.message.split("'")[1]) for v in lenient.violations} == {
        (S + "wordCount", "many"),
        (S + "dateCreated", "someday"),
    }
    assert lenient.violations == [v for v in strict.violations if v not in lenient.warnings]


def test_jsonld_relative_ids_resolve_against_the_file_or_the_base(tmp_path: Path, parser: str) -> None:
    path = tmp_path / "page.jsonld"
    document = {
        "@context": {"@vocab": "http://schema.org/"},
        "@id": "#anna",
        "@type": "Person",
        "name": "Anna",
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    assert {s for s, _, _ in read_triples(path)} == {f"{path.resolve().as_uri()}#anna"}
    assert {s for s, _, _ in read_triples(path, base="https://example.org/p")} == {
        "https://example.org/p#anna"
    }
    assert check_file(path).triples == 2


def test_rdfxml_is_read(tmp_path: Path, parser: str) -> None:
    path = tmp_path / "data.rdf"
    path.write_text(
        """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:schema="http://schema.org/">
  <schema:Organization rdf:about="http://example.org/org"><schema:spouse rdf:resource="http://example.org/p"/>
  </schema:Organization>
</rdf:RDF>""",
        encoding="utf-8",
    )
    assert triples_of(check_file(path).violations) == {
        ("http://example.org/org", "http://schema.org/spouse", DOMAIN)
    }


def test_cli_checks_every_file_and_sums_up(tmp_path: Path, example_build: Path) -> None:
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "ex:org a schema:Organization ; schema:spouse ex:p .", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(broken), str(example_build), str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Error: {broken}:1")
    assert any(line.startswith(f"{bad}: <http://example.org/org> schema:spouse: domain: ") for line in lines)
    assert lines[-1].startswith("Error: 1 violation in 3 files (")
    assert lines[-1].endswith("domain 1; 1 of 3 files could not be read")
    only_broken = CliRunner().invoke(cli, ["check", str(broken), str(example_build)])
    assert only_broken.exit_code == 1
    assert only_broken.output.splitlines()[-1].startswith(
        "Error: 1 of 2 files could not be read; no violations"
    )


def test_cli_reads_standard_input_and_a_format_override(tmp_path: Path, example_build: Path) -> None:
    data = (example_build / "exilekg.nt").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "nt", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 1 file, ")
    misnamed = tmp_path / "dump.txt"
    misnamed.write_text(data, encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", "-f", "nt", str(misnamed)]).exit_code == 0
    no_format = CliRunner().invoke(cli, ["check", "-"], input=data)
    assert no_format.exit_code == 1 and "--format" in no_format.output


def test_cli_lenient_prints_warnings_and_passes(tmp_path: Path) -> None:
    path = tmp_path / "page.jsonld"
    document = {
        "@context": {"@vocab": "http://schema.org/"},
        "@id": "https://example.org/a",
        "@type": "Article",
        "author": "Jane Doe",
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    strict = CliRunner().invoke(cli, ["check", str(path)])
    assert strict.exit_code == 1 and "range" in strict.output
    lenient = CliRunner().invoke(cli, ["check", "--lenient", str(path)])
    assert lenient.exit_code == 0, lenient.output
    assert lenient.output.splitlines()[0].startswith(
        f"{path}: warning: <https://example.org/a> schema:author"
    )
    assert lenient.output.splitlines()[-1].endswith("; 1 warning (lenient)")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{out}"],
        ["check", "{out}/exilekg.ttl"],
        ["query", "{out}/exilekg.nq", "timeline", "--param", "entity=anna-petrova"],
    ],
)
def test_checking_and_querying_dumps_import_no_rdflib(example_build: Path, args: list[str]) -> None:
    """rdflib is the reference parser and an engine, imported where it is used: reading, checking
    and querying dumps go through pyoxigraph without it (some 0.08 s of each command)."""
    assert imported_by([arg.format(out=example_build) for arg in args], ("rdflib",)) == []


def test_void_ttl_is_read_into_the_graph_its_uri_space_names(example_build: Path, tmp_path: Path) -> None:
    space = next(
        rdflib.Graph().parse(example_build / "void.ttl").objects(None, rdflib.URIRef(str(VOID.uriSpace)))
    )
    assert graph_name(example_build / "void.ttl") == f"{space}void"
    (tmp_path / "void.ttl").write_text("not Turtle <<<", encoding="utf-8")
    # Reading the file itself then says what is wrong with it.
    assert graph_name(tmp_path / "void.ttl") == (tmp_path / "void.ttl").resolve().as_uri()
    assert graph_name(example_build / "exilekg.ttl") == (example_build / "exilekg.ttl").resolve().as_uri()
