"""Named queries however the data was loaded: a store whose triples all sit in its default graph
(a Turtle dump POSTed as it is), one named graph (N-Triples loaded with --graph), or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.sparql import Endpoint, open_source, query
from exilekg.stores import load

from ..test_sparql import CASES
from .test_query import normalised


def _drop_all(url: str) -> None:
    requests.post(f"{url}/update", data={"update": "DROP ALL"}, timeout=30).raise_for_status()


@pytest.fixture(scope="module")
def expected(example_build: Path) -> dict[str, object]:
    with open_source(example_build) as local:
        return {name: normalised(local.run(name, params)) for name, params in CASES.items()}


@pytest.fixture
def default_graph_store(own_oxigraph_url: str, example_build: Path) -> Iterator[str]:
    """The example build's Turtle dump in the store's default graph, and nothing else."""
    _drop_all(own_oxigraph_url)
    turtle = (example_build / "exilekg.ttl").read_bytes()
    response = requests.post(
        f"{own_oxigraph_url}/store?default", data=turtle, headers={"Content-Type": "text/turtle"}, timeout=60
    )
    response.raise_for_status()
    yield own_oxigraph_url
    _drop_all(own_oxigraph_url)


@pytest.mark.parametrize("path", ["", "/query"], ids=["root", "query-url"])
def test_named_queries_answer_on_the_default_graph(
    default_graph_store: str, expected: dict[str, object], path: str
) -> None:
    endpoint = Endpoint(default_graph_store + path)
    assert not endpoint.has_named_graphs and endpoint.holds_triples
    for name, params in CASES.items():
        result = endpoint.run(name, params)
        assert len(result) > 0, name
        assert normalised(result) == expected[name], name
    # The GRAPH patterns of a query of one's own are left as written: it asked for named graphs.
    assert len(endpoint.run("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")) == 0


def test_named_queries_answer_on_one_named_graph(
    own_oxigraph_url: str, example_build: Path, expected: dict[str, object]
) -> None:
    _drop_all(own_oxigraph_url)
    load(example_build / "exilekg.nt", own_oxigraph_url, graph="https://example.org/exilekg/all")
    try:
        for name, params in CASES.items():
            assert normalised(query(own_oxigraph_url, name, params=params)) == expected[name], name
    finally:
        _drop_all(own_oxigraph_url)


def test_query_says_why_an_empty_store_answers_nothing(own_oxigraph_url: str) -> None:
    _drop_all(own_oxigraph_url)
    params = [f"--param={k}={v}" for k, v in CASES["members"].items()]
    result = CliRunner().invoke(cli, ["query", own_oxigraph_url, "members", *params])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {own_oxigraph_url} holds no triples, so no query can answer: "
        "load a build into it first (exilekg load DIR --endpoint URL)"
    ]
    assert "(0 rows)" in result.output
