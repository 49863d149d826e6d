"""Mapping: dates keep their precision and form valid XSD literals; repeated statements are written once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exilekg.corpus import read_corpus
from exilekg.map import date_literal, map_corpus
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA, XSD, Literal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", Literal("2024", XSD.gYear)),
        ("-0044", Literal("-0044", XSD.gYear)),
        ("2024-03", Literal("2024-03", XSD.gYearMonth)),
        ("2024-03-17", Literal("2024-03-17", XSD.date)),
        ("2024-03-17T10:05:30", Literal("2024-03-17T10:05:30", XSD.dateTime)),
        ("2024-03-17T10:05:30.25Z", Literal("2024-03-17T10:05:30.25Z", XSD.dateTime)),
        # ISO 8601 allows a time without seconds; xsd:dateTime does not.
        ("2024-03-17T10:05", Literal("2024-03-17T10:05:00", XSD.dateTime)),
        ("2024-03-17T10:05Z", Literal("2024-03-17T10:05:00Z", XSD.dateTime)),
        ("2024-03-17T10:05+03:00", Literal("2024-03-17T10:05:00+03:00", XSD.dateTime)),
        ("2024-03-17T10:05-05:00", Literal("2024-03-17T10:05:00-05:00", XSD.dateTime)),
    ],
)
def test_date_literal(value: str, expected: Literal) -> None:
    assert date_literal(value) == expected


def test_repeated_records_and_direct_triples_are_mapped_once(example_copy: Path) -> None:
    facts_path = example_copy / "records" / "facts.json"
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    first = next(r for r in facts if r["id"] == "petrova-exiled-in-riga")
    evidence = [{"document": "berlin-survey", "exact": "Berlin"}]
    facts.append({**first, "id": "petrova-exiled-in-riga-again", "evidence": evidence})
    facts_path.write_text(json.dumps(facts), encoding="utf-8")
    # The same inline author in both documents: one record, written twice.
    riga = json.loads((example_copy / "documents" / "riga-congress.json").read_text(encoding="utf-8"))
    berlin_path = example_copy / "documents" / "berlin-survey.json"
    berlin = json.loads(berlin_path.read_text(encoding="utf-8"))
    berlin["authors"] = [*berlin["authors"], riga["authors"][0]]
    berlin_path.write_text(json.dumps(berlin), encoding="utf-8")

    quads = list(map_corpus(read_corpus(example_copy)))

    base = "https://example.org/exilekg/"
    direct = [
        q for q in quads if q[:3] == (f"{base}person/anna-petrova", EXILEKG.exiledIn, f"{base}place/riga")
    ]
    assert [q[3] for q in direct] == [f"{base}graph/document/riga-congress"]
    again = IRI(f"{base}relation/petrova-exiled-in-riga-again")
    assert (again, RDF.object, f"{base}place/riga", f"{base}graph/document/berlin-survey") in quads
    author = f"{base}person/lena-kovacs"
    assert [q[2] for q in quads if q[:2] == (author, SCHEMA.name)] == [Literal("Lena Kovacs")]
    assert len(quads) == len(set(quads))


@pytest.mark.parametrize(
    ("kind", "record", "classes"),
    [
        ("Place", {"name": "Oskar Brandt Square", "type": "venue"}, [SCHEMA.EventVenue, SCHEMA.Place]),
        ("Place", {"name": "the West", "type": "other"}, [SCHEMA.Place]),
        ("Event", {"name": "Vigil", "type": "commemoration"}, [EXILEKG.Commemoration, SCHEMA.Event]),
        ("CreativeWork", {"name": "Appeal", "type": "petition"}, [EXILEKG.Appeal, SCHEMA.CreativeWork]),
    ],
)
def test_each_type_gets_its_class_and_its_kinds(
    example_copy: Path, kind: str, record: dict[str, str], classes: list[IRI]
) -> None:
    path = example_copy / "records" / "more.json"
    path.write_text(json.dumps([{"kind": kind, "id": "new-record", **record}]), encoding="utf-8")
    quads = list(map_corpus(read_corpus(example_copy)))
    segment = {"Place": "place", "Event": "event", "CreativeWork": "work"}[kind]
    node = f"https://example.org/exilekg/{segment}/new-record"
    assert [q[2] for q in quads if q[:2] == (node, RDF.type)] == classes


@pytest.mark.parametrize("which", ["example", "seed"])
def test_each_subject_comes_as_one_run_and_each_of_its_graphs_as_one_run_within_it(
    which: str, request: pytest.FixtureRequest
) -> None:
    """The mapper's stream (the N-Quads dump keeps its order) gives every subject's quads together,
    and within them every graph's together, so Turtle and TriG write each subject once per graph."""
    import pyoxigraph

    out: Path = request.getfixturevalue(f"{which}_build")
    quads = list(pyoxigraph.parse(path=out / "exilekg.nq"))
    subject_runs = [q.subject for i, q in enumerate(quads) if i == 0 or q.subject != quads[i - 1].subject]
    graph_runs = [
        (q.subject, q.graph_name)
        for i, q in enumerate(quads)
        if i == 0 or (q.subject, q.graph_name) != (quads[i - 1].subject, quads[i - 1].graph_name)
    ]
    assert len(subject_runs) == len(set(subject_runs))
    assert len(graph_runs) == len(set(graph_runs))
    assert len(graph_runs) > len(subject_runs)  # some subjects have statements in several graphs
