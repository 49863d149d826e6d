"""Entity parameters resolved before a shipped query runs (exilekg.sparql.lookup): from the index's
key table, or by asking the store; the answers and errors are those of the query as written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from exilekg.errors import QueryError
from exilekg.index import INDEX_NAME, KEYS_FILE
from exilekg.rdf import build_dumps
from exilekg.sparql import (
    IndexSource,
    OxigraphSource,
    QueryEngine,
    QueryResult,
    Source,
    named_queries,
    open_dumps,
    open_source,
)
from exilekg.sparql.lookup import Lookup, lookups, resolve_lookups
from exilekg.sparql.prepare import prepare
from exilekg.terms import IRI, Literal

_ORGANIZATION = "http://schema.org/Organization"
_PERSON = "http://schema.org/Person"


def _first(source: Source, cls: str) -> tuple[str, str, str]:
    """An entity of class ``cls``: its IRI, its name and its record id."""
    found = source.run(
        "SELECT ?s ?name ?id WHERE { GRAPH ?g { ?s a ?class ; <http://schema.org/name> ?name ;"
        " <http://schema.org/identifier> ?id } } ORDER BY ?s LIMIT 1",
        {"class": IRI(cls)},
    )
    row = found.rows[0]
    return str(row["s"]), str(row["name"]), str(row["id"])


def _values(source: Source, *, every: bool = True) -> Iterator[str]:
    """Parameter values of every kind a user gives: IRIs, names and ids in other cases, nothing
    (``every=False``: one of each kind, for rdflib, which is slow)."""
    for cls in (_ORGANIZATION, _PERSON, "http://schema.org/Place"):
        iri, name, ident = _first(source, cls)
        if every:
            yield from (iri, f"<{iri}>", name, name.upper(), name.lower(), ident, ident.upper())
        else:
            yield from (iri, name.upper(), ident)
    yield from ("No Such Foundation", "https://example.org/nothing/here", "")


def _answer(source: Source, query: str, params: dict[str, str]) -> Counter[object] | str:
    try:
        result: QueryResult = source.run(query, params)
    except QueryError as exc:
        return str(exc)
    return Counter((result.vars, row) for row in result.terms)


@pytest.fixture(scope="module")
def sources(example_build: Path) -> Iterator[tuple[Source, Source, Source]]:
    with (
        open_source(example_build) as indexed,
        open_dumps(build_dumps(example_build), QueryEngine.OXIGRAPH) as dumps,
        open_dumps(build_dumps(example_build), QueryEngine.RDFLIB) as rdflib_dumps,
    ):
        assert isinstance(indexed, IndexSource) and indexed.keys is not None
        yield indexed, dumps, rdflib_dumps


def test_every_shipped_entity_parameter_has_a_lookup_block() -> None:
    for shipped in named_queries():
        params = {lookup.param for lookup in lookups(shipped.text)}
        assert params == {p.name for p in shipped.params if p.entity}, shipped.name


def test_entity_parameters_answer_as_the_query_as_written(sources: tuple[Source, Source, Source]) -> None:
    indexed, dumps, rdflib_dumps = sources
    values = list(_values(dumps, every=False))
    for shipped in named_queries():
        entity = [p for p in shipped.params if p.entity]
        if not entity:
            continue
        for value in values:
            params = {p.name: value for p in entity}
            expected = _answer(rdflib_dumps, shipped.name, params)  # rdflib runs the text as written
            assert _answer(indexed, shipped.name, params) == expected, (shipped.name, value)
            assert _answer(dumps, shipped.name, params) == expected, (shipped.name, value)


def test_an_optional_entity_parameter_left_out(sources: tuple[Source, Source, Source]) -> None:
    indexed, _, rdflib_dumps = sources
    for name in ("statements", "statistics", "citations", "events"):
        assert _answer(indexed, name, {}) == _answer(rdflib_dumps, name, {}), name


def test_the_key_table_finds_what_the_store_finds(sources: tuple[Source, Source, Source]) -> None:
    indexed, dumps, _ = sources
    assert isinstance(indexed, IndexSource) and isinstance(dumps, OxigraphSource)
    blocks = [lookup for shipped in named_queries() for lookup in lookups(shipped.text)]
    for value in _values(dumps):
        term = prepare("members", {"organization": value}).bindings["organization"]
        for lookup in blocks:
            from_keys = sorted(set(indexed.find(lookup, term)))
            assert from_keys == sorted(set(dumps.find(lookup, term))), (lookup.param, value)


def test_resolved_queries_have_no_lookup_left(sources: tuple[Source, Source, Source]) -> None:
    indexed, dumps, _ = sources
    iri, _, _ = _first(dumps, _ORGANIZATION)
    fitted = indexed.fitted(prepare("members", {"organization": iri}))
    assert lookups(fitted.text) == [] and "VALUES ?orgNode" in fitted.text
    assert fitted.text == dumps.fitted(prepare("members", {"organization": iri})).text


def test_a_blank_node_leaves_the_query_as_written() -> None:
    prepared = prepare("members", {"organization": "Somebody"})

    def find(lookup: Lookup, value: IRI | Literal) -> list[tuple[str, str, str]]:
        return [("_:b0", '"Somebody"', "<https://example.org/graph>")]

    assert resolve_lookups(prepared, find) == prepared


def test_an_index_without_a_key_table_asks_the_store(example_build: Path, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    shutil.copytree(example_build, folder)
    (folder / INDEX_NAME / KEYS_FILE).unlink()
    with open_source(folder) as indexed, open_source(example_build) as with_keys:
        assert isinstance(indexed, IndexSource) and indexed.keys is None
        iri, name, _ = _first(indexed, _ORGANIZATION)
        for value in (iri, name.upper(), "Free Voice Foundation"):
            params = {"organization": value}
            assert _answer(indexed, "members", params) == _answer(with_keys, "members", params)


def test_did_you_mean_from_the_key_table(sources: tuple[Source, Source, Source]) -> None:
    indexed, dumps, _ = sources
    for source in (indexed, dumps):
        with pytest.raises(QueryError) as info:
            source.run("members", {"organization": "Free Voice Foundation"})
        assert "did you mean 'Free Voices Foundation'" in str(info.value)
    assert isinstance(indexed, IndexSource)
    assert indexed.known_names() == Source.known_names(indexed)


def test_a_query_on_the_index_imports_neither_rdflib_nor_requests(example_build: Path) -> None:
    """Imports are most of what a query on the index takes: rdflib, its SPARQL parser, requests
    and pyld stay unimported on that path (a fresh interpreter, so nothing else imported them)."""
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from exilekg.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['query', {str(example_build)!r}, 'members', '-p',"
        " 'organization=Free Voices Foundation', '-f', 'csv'])\n"
        "assert result.exit_code == 0 and len(result.output.splitlines()) > 1, result.output\n"
        "heavy = {'rdflib', 'requests', 'pyld', 'pyparsing'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stderr


def _constant(text: str) -> str:
    """``text`` (a query with one lookup block) resolved to one record, ``<urn:x:o>``."""
    prepared = prepare(text, {"organization": "urn:x:o"})

    def find(lookup: Lookup, value: IRI | Literal) -> list[tuple[str, str, str]]:
        return [("<urn:x:o>", '"O"', "<urn:x:g>")]

    return resolve_lookups(prepared, find).text


_BLOCK = """PREFIX schema: <http://schema.org/>
SELECT ?member WHERE {
  OPTIONAL {
    GRAPH ?keyGraph { ?match schema:identifier|schema:name ?key }
    FILTER(?match = ?organization || LCASE(STR(?key)) = LCASE(STR(?organization)))
  }
  BIND(COALESCE(?match, ?organization) AS ?orgNode)
  %s
}"""


def test_the_node_becomes_a_constant_only_where_it_can_be() -> None:
    pattern = "?member schema:memberOf ?orgNode . FILTER(?x = ?orgNode) BIND(?orgNode AS ?y)"
    resolved = _constant(_BLOCK % pattern)
    assert "schema:memberOf <urn:x:o>" in resolved and "?x = <urn:x:o>" in resolved
    assert "BIND(<urn:x:o> AS ?y)" in resolved
    assert "VALUES ?orgNode { <urn:x:o> }" in resolved  # still bound, for a projection
    for kept in (
        "FILTER(BOUND(?orgNode))",
        "BIND(2 AS ?orgNode)",
        "{ SELECT ?member WHERE { ?member schema:memberOf ?orgNode } }",
        "MINUS { ?member schema:memberOf ?orgNode }",
        "VALUES ?orgNode { <urn:x:p> }",
    ):
        resolved = _constant(_BLOCK % f"?member schema:memberOf ?orgNode . {kept}")
        assert "schema:memberOf ?orgNode" in resolved, kept
    # A VALUES block that ends before the variable does not keep it.
    resolved = _constant(_BLOCK % "VALUES ?y { 1 } ?member schema:memberOf ?orgNode")
    assert "schema:memberOf <urn:x:o>" in resolved
