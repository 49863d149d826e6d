"""``exilekg query`` and ``exilekg queries`` through click's runner, on the example build."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner, Result

from exilekg.cli import cli
from exilekg.sparql import named_queries

from .test_sparql import BASE, CASES


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str | Path, code: int = 1) -> str:
    """The output of a command that must fail cleanly: an exit status, a message, no traceback."""
    result = run(*args)
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


def params(name: str) -> list[str]:
    return [word for key, value in CASES[name].items() for word in ("--param", f"{key}={value}")]


# -- exilekg queries --------------------------------------------------------------------------------


def test_queries_lists_every_named_query_with_its_parameters() -> None:
    output = ok("queries")
    blocks = {block.split("  ", 1)[0]: block.splitlines() for block in output.split("\n\n")}
    assert set(blocks) >= {shipped.name for shipped in named_queries()}
    for shipped in named_queries():
        first, *lines = blocks[shipped.name]
        assert first == f"{shipped.name}  {shipped.description}"
        assert len(lines) == len(shipped.params)
        for param, line in zip(shipped.params, lines, strict=True):
            assert line.strip().startswith(f"--param {param.name}=...")
            assert line.endswith(f"  {param.description}")
            assert ("(optional)" in line) == param.optional


def test_queries_name_prints_the_query() -> None:
    output = ok("queries", "members")
    assert output.startswith("# name: members\n")
    assert "SELECT DISTINCT ?member" in output
    output = fails("queries", "memberz")
    assert "no named query 'memberz'" in output and "did you mean 'members'" in output


# -- exilekg query ------------------------------------------------------------------------------


def test_query_by_name_prints_an_aligned_table(example_build: Path) -> None:
    output = ok("query", example_build, "members", *params("members"))
    header, rule, row, footer = output.splitlines()
    assert header.split() == ["member", "name", "relation", "roleName", "start", "end", "state", "document"]
    assert row.split("  ")[0] == "<person/anna-petrova>"
    assert "Anna Petrova" in row and "schema:memberOf" in row and "chair of the board" in row
    assert "<document/riga-congress>" in row
    assert footer == f"(1 row; <...> relative to {BASE})"
    # Each column starts where its header's rule does.
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    assert [header[i - 1 : i + 1].strip() != "" for i in starts[1:]] == [True] * (len(starts) - 1)
    assert [row[i - 2 : i] for i in starts[1:]] == ["  "] * (len(starts) - 1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_named_query_runs_from_the_command_line(name: str, example_build: Path) -> None:
    document = json.loads(ok("query", example_build, name, *params(name), "--format", "json"))
    assert document["results"]["bindings"], f"{name} gives no rows"


def test_query_by_file_and_by_string(example_build: Path, tmp_path: Path) -> None:
    text = (
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?name WHERE { ?place a schema:Country ; schema:name ?name } ORDER BY ?name\n"
    )
    path = tmp_path / "countries.rq"
    path.write_text(text, encoding="utf-8")
    by_file = ok("query", example_build, path, "--format", "csv")
    by_string = ok("query", example_build, text, "--format", "csv")
    assert by_file == by_string
    assert list(csv.reader(io.StringIO(by_file))) == [["name"], ["Germany"], ["Latvia"], ["Lithuania"]]


def test_query_dump_files_with_both_engines(example_build: Path) -> None:
    dumps = [example_build / "exilekg.trig", example_build / "void.ttl"]
    answers = {
        engine: json.loads(
            ok("query", *dumps, "statistics", *params("statistics"), "--format", "json", "--engine", engine)
        )
        for engine in ("rdflib", "oxigraph", "auto")
    }
    assert answers["rdflib"] == answers["oxigraph"] == answers["auto"]
    values = [b["value"]["value"] for b in answers["rdflib"]["results"]["bindings"]]
    assert sorted(values) == ["12", "33", "41"]


def test_formats(example_build: Path) -> None:
    args: list[str | Path] = ["query", example_build, "statements", "--param", "person=Pavel Orlov"]
    document = json.loads(ok(*args, "-f", "json"))
    assert document["head"]["vars"] == ["name", "kind", "date", "text", "statement", "document", "exact"]
    (binding,) = document["results"]["bindings"]
    assert binding["kind"] == {"type": "uri", "value": "http://schema.org/Claim"}
    assert binding["name"] == {"type": "literal", "value": "Pavel Orlov"}
    assert "date" not in binding  # unbound
    rows = list(csv.reader(io.StringIO(ok(*args, "-f", "csv"))))
    assert rows[1][:2] == ["Pavel Orlov", "http://schema.org/Claim"]
    tsv = ok(*args, "-f", "tsv").splitlines()
    assert tsv[0].split("\t")[:2] == ["?name", "?kind"]
    assert tsv[1].split("\t")[:2] == ['"Pavel Orlov"', "<http://schema.org/Claim>"]
    output = fails(*args, "-f", "ttl")
    assert "not a graph" in output


def test_construct_and_describe_give_turtle(example_build: Path) -> None:
    construct = (
        "CONSTRUCT { ?p <http://schema.org/name> ?n } "
        "WHERE { ?p a <http://schema.org/Person> ; <http://schema.org/name> ?n }"
    )
    turtle = ok("query", example_build, construct)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 6
    assert ok("query", example_build, construct, "-f", "ttl") == turtle
    described = ok("query", example_build, f"DESCRIBE <{BASE}person/anna-petrova>")
    graph = rdflib.Graph().parse(data=described, format="turtle")
    assert (
        rdflib.URIRef(f"{BASE}person/anna-petrova"),
        rdflib.SDO.name,
        None,
    ) not in graph  # http, not https
    assert (
        rdflib.URIRef(f"{BASE}person/anna-petrova"),
        rdflib.URIRef("http://schema.org/name"),
        None,
    ) in graph
    table = ok("query", example_build, construct, "-f", "table")
    assert table.splitlines()[0].split() == ["subject", "predicate", "object"]
    assert ok("query", example_build, "ASK { ?s ?p ?o }") == "true\n"


def test_a_hostile_parameter_matches_nothing(example_build: Path) -> None:
    for name in ("about", "members", "mentions"):
        key = next(iter(CASES[name]))
        hostile = 'x" }} ?s ?p ?o . {{ #'
        output = fails("query", example_build, name, "--param", f"{key}={hostile}", "-f", "json")
        assert f"no entity matches {key}={hostile!r}" in output, name


# -- errors ---------------------------------------------------------------------------------------


def test_unknown_query_name_lists_the_names(example_build: Path) -> None:
    output = fails("query", example_build, "peoplein-place")
    assert "no named query 'peoplein-place'" in output
    assert "did you mean 'people-in-place'" in output
    for name in CASES:
        assert name in output


def test_missing_and_unknown_parameters(example_build: Path) -> None:
    output = fails("query", example_build, "people-in-place")
    assert "people-in-place needs the parameter 'place'" in output
    assert "place — the place" in output
    output = fails("query", example_build, "people-in-place", "-p", "city=Riga")
    assert "has no parameter 'city'" in output
    output = fails("query", example_build, "people-in-place", "-p", "place", code=2)
    assert "'place' is not NAME=VALUE" in output


def test_malformed_sparql_gives_line_and_column(example_build: Path, tmp_path: Path) -> None:
    output = fails("query", example_build, "SELECT ?x WHERE {\n  ?x ?y\n}")
    assert "malformed SPARQL in the query: line 2, column 3" in output
    path = tmp_path / "broken.rq"
    path.write_text(
        "SELECT ?x\nWHERE {\n  ?x <https://a.example/p> ?y .\n  FILTER(?x = )\n}\n", encoding="utf-8"
    )
    for engine in ("rdflib", "oxigraph"):
        output = fails("query", example_build, path, "--engine", engine)
        assert f"{path}:4:3: malformed SPARQL in broken" in output


def test_bad_sources(tmp_path: Path) -> None:
    assert "no such file or folder" in fails("query", tmp_path / "nowhere", "members", "-p", "organization=x")
    assert "holds no exilekg dump" in fails("query", tmp_path, "ASK { ?s ?p ?o }")
    output = fails("query", "http://127.0.0.1:9/sparql", "ASK { ?s ?p ?o }", "--timeout", "5")
    assert "cannot reach the SPARQL endpoint" in output
    output = fails("query", "http://127.0.0.1:9/sparql", "ASK { ?s ?p ?o }", "--engine", "rdflib")
    assert "applies to dumps" in output


# -- answers that say when they could not answer ------------------------------------------------------


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_an_entity_parameter_that_names_nothing_fails_with_did_you_mean(
    example_build: Path, engine: str
) -> None:
    output = fails(
        "query", example_build, "members", "--param", "organization=Free Voice Foundation", "--engine", engine
    )
    assert "no entity matches organization='Free Voice Foundation'" in output
    assert "did you mean 'Free Voices Foundation'" in output
    output = fails("query", example_build, "statistics", "--param", "producer=Northern", "--engine", engine)
    assert "did you mean 'Northern Research Centre'" in output


def test_an_entity_parameter_that_names_a_record_answers_even_with_no_rows(example_build: Path) -> None:
    # A record that exists but has no figures: an empty answer, not an error.
    output = ok("query", example_build, "statistics", "--param", "producer=anna-petrova")
    assert "(0 rows" in output
