"""exilekg.sparql against real stores: the example graph loaded into Oxigraph and into Virtuoso, and
every named query asked of the store and in-process, with the same answers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.errors import QueryError, StoreError
from exilekg.sparql import (
    Endpoint,
    QueryEngine,
    QueryKind,
    QueryResult,
    Source,
    named_query,
    open_source,
    query,
)
from exilekg.stores import load, select, update

from ..test_sparql import BASE, CASES, INJECTIONS

VARIANTS: list[tuple[str, dict[str, str]]] = [
    *CASES.items(),
    ("events", {}),
    ("events", {"place": "lithuania"}),
    ("events", {"to": "2024"}),
    ("statements", {}),
    ("statistics", {}),
    ("about", {"entity": f"{BASE}place/riga"}),
    ("timeline", {"entity": "Free Voices Foundation"}),
    ("members", {"organization": "northern-research-centre"}),
    (
        "evidence-for-role",
        {"person": "pavel-orlov", "organization": "Northern Research Centre", "role": "dir"},
    ),
    ("designations", {}),
    ("citations", {}),
    # Entities by IRI: Virtuoso 7 lost every row while the IRI given was only COALESCEd in.
    ("people-in-place", {"place": f"{BASE}place/latvia"}),
    ("events", {"place": f"{BASE}place/germany"}),
    ("members", {"organization": f"<{BASE}organization/free-voices-foundation>"}),
    ("mentions", {"entity": f"{BASE}person/anna-petrova"}),
    ("timeline", {"entity": f"{BASE}person/anna-petrova"}),
    ("statements", {"person": f"{BASE}person/pavel-orlov"}),
    ("statistics", {"producer": f"{BASE}organization/northern-research-centre"}),
    ("citations", {"document": f"{BASE}document/berlin-survey"}),
    (
        "evidence-for-role",
        {
            "person": f"{BASE}person/anna-petrova",
            "organization": f"{BASE}organization/free-voices-foundation",
        },
    ),
]
"""Every named query with the parameters of the library tests, and some with others or none."""


def normalised(result: QueryResult) -> Counter[tuple[tuple[str, object], ...]]:
    """The rows as a multiset of (variable, Python value) tuples."""
    return Counter(tuple(sorted(row.items())) for row in result.rows)


def clear(url: str) -> None:
    for row in select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        if row["g"]["value"].startswith(("https://example.org/", "urn:exilekg:")):
            update(url, f"DROP SILENT GRAPH <{row['g']['value']}>")


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, example_build: Path) -> Iterator[str]:
    """The URL of a store holding exactly the example build (loaded once per store)."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    clear(url)
    load(example_build, url, replace=True)
    yield url
    clear(url)


@pytest.fixture(scope="module")
def in_process(example_build: Path) -> dict[QueryEngine, Source]:
    return {
        engine: open_source(example_build, engine=engine)
        for engine in (QueryEngine.RDFLIB, QueryEngine.OXIGRAPH)
    }


@pytest.mark.parametrize(
    ("name", "params"), VARIANTS, ids=[f"{n}-{'-'.join(p.values())}" for n, p in VARIANTS]
)
def test_every_named_query_answers_the_same_in_the_store(
    store: str, in_process: dict[QueryEngine, Source], name: str, params: dict[str, str]
) -> None:
    remote = query(store, name, params=params)
    local = query(in_process[QueryEngine.OXIGRAPH], name, params=params)
    assert remote.vars == local.vars
    assert normalised(remote) == normalised(local)
    assert Counter(remote.terms) == Counter(local.terms), "the same terms: types and languages too"
    if (name, params) in CASES.items():
        assert len(local) > 0
        assert normalised(query(in_process[QueryEngine.RDFLIB], name, params=params)) == normalised(local)


@pytest.mark.parametrize("value", INJECTIONS[:4])
def test_no_parameter_value_changes_a_query_sent_to_the_store(store: str, value: str) -> None:
    endpoint = Endpoint(store)
    for name, params in CASES.items():
        entities = {p.name for p in named_query(name).params if p.entity}
        for param in params:
            if param in entities:
                # Naming no record, an entity parameter fails the query rather than answer nothing.
                with pytest.raises(QueryError, match="no entity matches"):
                    query(endpoint, name, params={**params, param: value})
                continue
            assert len(query(endpoint, name, params={**params, param: value})) == 0, (name, param)
    adhoc = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(STR(?o) = ?v) } }"
    assert len(query(endpoint, adhoc, params={"v": value})) == 0
    assert query(endpoint, "ASK { GRAPH ?g { ?s ?p ?v } }", params={"v": value}).boolean is False


def test_a_bound_literal_matches_in_the_store(store: str) -> None:
    text = "SELECT ?who WHERE { GRAPH ?g { ?who <http://schema.org/alternateName> ?name } }"
    russian = rdflib.Literal("Анна Петрова", lang="ru")
    assert query(store, text, params={"name": russian}).rows == [{"who": f"{BASE}person/anna-petrova"}]
    assert query(store, text, params={"name": "Petrova"}).rows == [{"who": f"{BASE}person/anna-petrova"}]


def test_ask_construct_and_json_from_the_store(store: str, in_process: dict[QueryEngine, Source]) -> None:
    local = in_process[QueryEngine.OXIGRAPH]
    ask = "ASK { GRAPH ?g { ?s <http://schema.org/name> 'Anna Petrova' } }"
    assert query(store, ask).boolean is True
    construct = (
        "CONSTRUCT { ?p <http://schema.org/name> ?n } WHERE { GRAPH ?g { ?p a <http://schema.org/Person> ; "
        "<http://schema.org/name> ?n } }"
    )
    remote = query(store, construct)
    assert remote.kind is QueryKind.CONSTRUCT
    assert set(remote.terms) == set(query(local, construct).terms)
    graph = rdflib.Graph().parse(data=remote.to_turtle(), format="turtle")
    assert len(graph) == len(remote) == 6
    document = json.loads(query(store, "statistics", params=CASES["statistics"]).to_json())
    values = {b["value"]["value"] for b in document["results"]["bindings"]}
    assert values == {"33", "41", "12"}
    assert {b["value"]["datatype"] for b in document["results"]["bindings"]} == {
        "http://www.w3.org/2001/XMLSchema#integer"
    }


def test_the_store_reports_malformed_sparql_with_a_line(store: str) -> None:
    with pytest.raises(QueryError, match="line 2, column 3"):
        query(store, "SELECT ?x WHERE {\n  ?x ?y\n}")


def test_an_endpoint_that_is_not_there() -> None:
    from ..servers import free_port

    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint"):
        query(f"http://127.0.0.1:{free_port()}/sparql", "ASK { ?s ?p ?o }", timeout=5)


def test_the_cli_queries_the_store(store: str) -> None:
    result = CliRunner().invoke(
        cli, ["query", store, "members", "--param", "organization=Free Voices Foundation", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "member,name,relation,roleName,start,end,state,document"
    assert lines[1].startswith(f"{BASE}person/anna-petrova,Anna Petrova,http://schema.org/memberOf,")
    assert len(lines) == 2
    table = CliRunner().invoke(cli, ["query", store, "people-in-place", "-p", "place=Latvia"])
    assert table.exit_code == 0, table.output
    assert "<person/anna-petrova>" in table.output and "(1 row;" in table.output


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"organization": "Free Voice Foundation"}, "did you mean 'Free Voices Foundation'"),
        ({"organization": f"{BASE}organization/free-voice-foundation"}, "no entity matches organization="),
        ({"person": "ANNA PETROVA", "organization": "free-voices-foundation", "role": "no such role"}, None),
        ({"person": "pavel-orlov", "organization": "Free Voices Foundation", "role": "no such role"}, None),
    ],
)
def test_an_entity_parameter_that_names_nothing_fails_in_the_store(
    store: str, params: dict[str, str], expected: str | None
) -> None:
    if expected is None:  # the entities are there (by name in any case, or by id): an empty answer is one
        assert len(query(store, "evidence-for-role", params=params)) == 0
        return
    with pytest.raises(QueryError, match="no entity matches") as info:
        query(store, "members", params=params)
    assert expected in str(info.value) + (info.value.hint or "")


def test_the_cli_says_did_you_mean_for_an_endpoint(store: str) -> None:
    result = CliRunner().invoke(
        cli, ["query", store, "members", "--param", "organization=Free Voice Foundation"]
    )
    assert result.exit_code == 1, result.output
    assert "no entity matches organization='Free Voice Foundation'" in result.output
    assert "did you mean 'Free Voices Foundation'" in result.output
