"""Facts as the text qualifies them: each modelling case's graph against its golden graph.

The fixture corpus ``tests/fixtures/fidelity`` is one short invented article with a case of each:
a lower bound ("more than 40"), an upper bound ("fewer than 10"), an approximation ("about a
quarter"), a range over two groups ("20-25% of readers aged 18-30 and 31-45"), a former role
("previously the owner"), a former job title ("a former harbour pilot"), a rhetorical label, a
legal designation and a collective (the exiles of a city, part of a wider group, never typed an
organisation). A fact's graph is every triple whose
subject is the fact, plus the triples other nodes state about it or for it; an entity's graph is
its own triples; each is compared by isomorphism with ``tests/golden/cases/<case>.nt``.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic, to_isomorphic

from exilekg import build
from exilekg.cli import cli
from exilekg.quantities import quantity_text

from .conftest import REPO, parse_dataset

FIXTURE = REPO / "tests" / "fixtures" / "fidelity"
GOLDEN = REPO / "tests" / "golden" / "cases"
BASE = "https://example.org/fidelity/"
CASES = {
    "lower-bound": "observation/exiled-journalists",
    "upper-bound": "observation/met-editors",
    "approximation": "observation/lantern-share",
    "range-over-groups": "observation/trust-18-45",
    "former-role": "relation/brandt-owned-lantern",
    "rhetorical-label": "epithet/exiles-called-deserters",
    "designation": "designation/lantern-undesirable",
}
ENTITY_CASES = {"collective": "collective/portmere-exiles", "former-job-title": "person/ines-varga"}
EXILEKG_NS = rdflib.Namespace("https://w3id.org/exilekg/vocab#")
SCHEMA_NS = rdflib.Namespace("http://schema.org/")
JOB_PROPERTIES = {SCHEMA_NS.jobTitle, SCHEMA_NS.hasOccupation}
EVIDENCE = EXILEKG_NS.Evidence


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    out = tmp_path_factory.mktemp("fidelity")
    build(FIXTURE, out)
    merged = rdflib.Graph()
    for s, p, o, _ in parse_dataset(out / "exilekg.nq").quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def case_graph(graph: rdflib.Graph, fact: rdflib.URIRef) -> rdflib.Graph:
    """The fact's own triples and the links to it, without its evidence annotations."""
    found = rdflib.Graph()
    for triple in graph.triples((fact, None, None)):
        found.add(triple)
    for s, p, o in graph.triples((None, None, fact)):
        if (s, rdflib.RDF.type, EVIDENCE) not in graph:
            found.add((s, p, o))
    return found


def entity_case_graph(graph: rdflib.Graph, entity: rdflib.URIRef, case: str) -> rdflib.Graph:
    """An entity's own triples; for a job title, its titles and their Role nodes."""
    found = rdflib.Graph()
    for s, p, o in graph.triples((entity, None, None)):
        if case != "former-job-title" or p in JOB_PROPERTIES:
            found.add((s, p, o))
            if p == SCHEMA_NS.hasOccupation:
                for triple in graph.triples((o, None, None)):
                    found.add(triple)
    return found


@pytest.mark.parametrize("case", sorted(CASES) + sorted(ENTITY_CASES))
def test_each_case_maps_to_its_golden_graph(graph: rdflib.Graph, case: str) -> None:
    if case in ENTITY_CASES:
        got = entity_case_graph(graph, rdflib.URIRef(BASE + ENTITY_CASES[case]), case)
    else:
        got = case_graph(graph, rdflib.URIRef(BASE + CASES[case]))
    golden = rdflib.Graph().parse(GOLDEN / f"{case}.nt", format="nt")
    if not isomorphic(got, golden):
        only_got = sorted(str(t) for t in to_isomorphic(got) - to_isomorphic(golden))
        only_golden = sorted(str(t) for t in to_isomorphic(golden) - to_isomorphic(got))
        pytest.fail(f"{case}: only in the build {only_got}; only in the golden graph {only_golden}")


def test_a_former_relation_states_no_direct_triple(graph: rdflib.Graph) -> None:
    owner = rdflib.URIRef("https://w3id.org/exilekg/vocab#owner")
    assert not list(graph.triples((rdflib.URIRef(BASE + "organization/lantern"), owner, None)))


def test_a_former_job_title_is_no_job_title(graph: rdflib.Graph) -> None:
    titles = {str(t) for t in graph.objects(rdflib.URIRef(BASE + "person/ines-varga"), SCHEMA_NS.jobTitle)}
    assert titles == {"editor"}


def test_a_collective_is_no_organisation(graph: rdflib.Graph) -> None:
    organizations = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://schema.org/Organization")))
    assert not {str(o) for o in organizations if "/collective/" in str(o)}
    exiles = rdflib.URIRef(BASE + "collective/portmere-exiles")
    assert (exiles, rdflib.RDF.type, EXILEKG_NS.Community) in graph


def test_an_epithet_is_no_designation(graph: rdflib.Graph) -> None:
    designation = rdflib.URIRef("https://w3id.org/exilekg/vocab#Designation")
    designations = set(graph.subjects(rdflib.RDF.type, designation))
    assert designations == {rdflib.URIRef(BASE + "designation/lantern-undesirable")}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("4074", None, None, None, "applicants"), "4,074 applicants"),
        (("33", None, None, "approximately", "percent"), "about 33%"),
        ((None, "150", None, "moreThan", "people"), "over 150 people"),
        ((None, "10000", None, "atLeast", "people"), "at least 10,000 people"),
        ((None, None, "10", "lessThan", "percent"), "under 10%"),
        ((None, None, "20", None, None), "at most 20"),
        ((None, "35", "40", None, "percent"), "35–40%"),
        (("0.5", None, None, None, None), "0.5"),
        ((None, None, None, None, "percent"), None),
    ],
)
def test_quantity_text(args: tuple[str | None, ...], expected: str | None) -> None:
    assert quantity_text(*args) == expected


def test_rhetoric_and_designations_are_answered_apart(tmp_path: Path) -> None:
    build(FIXTURE, tmp_path)
    rhetoric = CliRunner().invoke(cli, ["query", str(tmp_path), "rhetoric", "--format", "csv"])
    assert rhetoric.exit_code == 0, rhetoric.output
    rows = rhetoric.output.splitlines()[1:]
    assert len(rows) == 1 and "deserters" in rows[0] and "state television hosts" in rows[0]
    legal = CliRunner().invoke(cli, ["query", str(tmp_path), "designations", "--format", "csv"])
    assert legal.exit_code == 0, legal.output
    rows = legal.output.splitlines()[1:]
    assert len(rows) == 1 and "undesirable organisation" in rows[0] and "deserters" not in legal.output


def test_the_statistics_query_phrases_each_figure_once(tmp_path: Path) -> None:
    build(FIXTURE, tmp_path)
    result = CliRunner().invoke(cli, ["query", str(tmp_path), "statistics", "--format", "csv"])
    assert result.exit_code == 0, result.output
    figures = [line.split(",")[4] for line in result.output.splitlines()[1:]]
    assert sorted(figures) == ["20–25%", "about 25%", "over 40 people", "under 10%"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": 5, "minValue": 4}, "either value or minValue/maxValue"),
        ({"minValue": 9, "maxValue": 3}, "maxValue 3 is below minValue 9"),
        ({"value": 5, "qualifier": "moreThan"}, "needs minValue alone"),
        ({"minValue": 5, "qualifier": "approximately"}, "goes with value or a range"),
        ({}, "value"),
    ],
)
def test_a_figure_with_fields_that_do_not_go_together_is_refused(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    import json
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE, corpus)
    path = corpus / "records" / "records.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    figure = next(r for r in records if r["id"] == "lantern-share")
    for key in ("value", "minValue", "maxValue", "qualifier"):
        figure.pop(key, None)
    figure.update(change)
    path.write_text(json.dumps(records), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(corpus)])
    assert result.exit_code == 1, result.output
    assert message in result.output


# -- the site shows each case ------------------------------------------------------------------------------

SITE_CASES = {
    "observation/exiled-journalists": ("over 40 people",),
    "observation/met-editors": ("under 10%",),
    "observation/lantern-share": ("about 25%",),
    "observation/trust-18-45": ("20–25%",),
    # A fact's notes show where it is listed: on the pages of what it is about.
    "organization/lantern": ("former: no longer so",),
    # A collective's page says where it lives and what it is part of, and what it is called.
    "collective/portmere-exiles": (
        "Group of people",
        "living in",
        "— part of",
        "rhetoric, not a legal status",
    ),
    "organization/ministry-of-records": ("legal basis: Foreign Influence Act",),
    # A former job title is shown as an occupation that has ended, not as the job title.
    "person/ines-varga": ("has occupation", "harbour pilot", "former"),
}


@pytest.fixture(scope="module")
def fidelity_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exilekg.publish import publish

    root = tmp_path_factory.mktemp("fidelity-site")
    build(FIXTURE, root / "dist")
    publish(root / "dist", root / "site", texts_dir=FIXTURE)
    return root / "site"


@pytest.mark.parametrize("page", sorted(SITE_CASES))
def test_the_site_shows_each_case_as_the_text_gives_it(fidelity_site: Path, page: str) -> None:
    text = html.unescape((fidelity_site / f"{page}.html").read_text(encoding="utf-8"))
    for expected in SITE_CASES[page]:
        assert expected in text, (page, expected)


def test_chromium_shows_each_case(fidelity_site: Path, tmp_path: Path) -> None:
    from exilekg.publish import make_server

    from .test_publish import _artifacts, _browse

    running = make_server(fidelity_site, port=0, quiet=True)
    running.start_in_thread()
    try:
        for page, expected in sorted(SITE_CASES.items()):
            url = running.url + page
            dom = html.unescape(_browse(url, tmp_path, "--dump-dom"))
            assert all(phrase in dom for phrase in expected), page
            shot = _artifacts() / f"fidelity-{page.replace('/', '-')}.png"
            _browse(url, tmp_path, f"--screenshot={shot}", "--window-size=1280,1400")
            assert shot.stat().st_size > 10_000, page
    finally:
        running.shutdown()
        running.server_close()
