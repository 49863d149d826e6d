"""exilekg.sparql on the example build: named queries, parameters, both engines, output formats."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib.query import Result

from exilekg.errors import QueryError
from exilekg.sparql import (
    BlankNode,
    NamedQuery,
    OutputFormat,
    QueryEngine,
    QueryKind,
    QueryResult,
    Source,
    Value,
    named_queries,
    named_query,
    open_source,
    query,
)
from exilekg.terms import IRI, Literal

BASE = "https://example.org/exilekg/"
ENGINES = [QueryEngine.RDFLIB, QueryEngine.OXIGRAPH]

CASES: dict[str, dict[str, str]] = {
    "about": {"entity": "anna-petrova"},
    "citations": {"document": "berlin-survey"},
    "designations": {"label": "Foreign Agent"},
    "events": {"place": "Germany", "from": "2025"},
    "evidence-for-role": {"person": "Anna Petrova", "organization": "free-voices-foundation"},
    "members": {"organization": "Free Voices Foundation"},
    "mentions": {"entity": "Petrova"},
    "people-in-place": {"place": "latvia"},
    "statements": {"person": "anna-petrova"},
    "statistics": {"producer": "Northern Research Centre"},
    "timeline": {"entity": "anna-petrova"},
}
"""A sensible parameter for every named query, from the example corpus's records: ids, names and
alternate names, in any case; the store tests and the CLI tests use them too."""

INJECTIONS = [
    'x" } ?s ?p ?o . { #',
    "x' } ?s ?p ?o . { #",
    'x""" } UNION { ?s ?p ?o } #',
    'x\\" } ?s ?p ?o {',
    'anna-petrova" || true) } { ?s ?p ?o } #\n}',
    "<https://example.org/exilekg/person/anna-petrova> } ?s ?p ?o {",
    "https://example.org/exilekg/person/anna-petrova> } ?s ?p ?o { <x",
]
"""Values that would change a query pasted together as text: quotes, braces, comments, IRIs."""


def multiset(result: QueryResult) -> Counter[tuple[object, ...]]:
    return Counter(result.terms)


def as_rdflib(term: IRI | BlankNode | Literal) -> rdflib.term.Identifier:
    if isinstance(term, BlankNode):
        return rdflib.BNode(term)
    if isinstance(term, IRI):
        return rdflib.URIRef(term)
    datatype = rdflib.URIRef(term.datatype) if term.datatype else None
    return rdflib.Literal(term.value, lang=term.language, datatype=datatype)


def person(name: str) -> IRI:
    return IRI(f"{BASE}person/{name}")


@pytest.fixture(scope="module")
def sources(example_build: Path) -> dict[QueryEngine, Source]:
    """The example build opened once per engine."""
    return {engine: open_source(example_build, engine=engine) for engine in ENGINES}


@pytest.fixture(params=ENGINES, ids=lambda e: e.value)
def source(request: pytest.FixtureRequest, sources: dict[QueryEngine, Source]) -> Source:
    engine: QueryEngine = request.param
    return sources[engine]


# -- the named queries ------------------------------------------------------------------------------


def test_the_named_queries_are_those_the_issue_asks_for() -> None:
    names = {q.name for q in named_queries()}
    # rhetoric: the example corpus has no epithet; tests/test_fidelity.py asks it of its fixture.
    assert names == {*CASES, "rhetoric"}
    for shipped in named_queries():
        assert shipped.description, shipped.name
        assert named_query(shipped.name) is shipped
        assert shipped.path is not None and shipped.path.stem == shipped.name
        variables = set(re.findall(r"[?$](\w+)", shipped.text))
        for param in shipped.params:
            assert param.description, (shipped.name, param.name)
            assert param.name in variables, f"{shipped.name}: ?{param.name} is declared but not used"


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_named_query_gives_rows_and_the_same_with_both_engines(
    name: str, sources: dict[QueryEngine, Source]
) -> None:
    results = {engine: query(sources[engine], name, params=CASES[name]) for engine in ENGINES}
    rdflib_result, oxigraph_result = results[QueryEngine.RDFLIB], results[QueryEngine.OXIGRAPH]
    assert rdflib_result.kind is QueryKind.SELECT
    assert rdflib_result.vars == oxigraph_result.vars
    assert len(rdflib_result) > 0, f"{name} {CASES[name]} gives no rows"
    assert multiset(rdflib_result) == multiset(oxigraph_result)
    assert rdflib_result.rows == oxigraph_result.rows, "ORDER BY gives the same order"


def test_members_of_an_organisation_with_role_and_source(source: Source) -> None:
    rows = query(source, "members", params={"organization": "free voices foundation"}).rows
    assert rows == [
        {
            "member": person("anna-petrova"),
            "name": "Anna Petrova",
            "relation": "http://schema.org/memberOf",
            "roleName": "chair of the board",
            "start": None,
            "end": None,
            "state": "current",
            "document": f"{BASE}document/riga-congress",
        }
    ]
    staff = query(source, "members", params={"organization": "northern-research-centre"}).rows
    assert [(r["name"], r["relation"], r["roleName"]) for r in staff] == [
        ("Pavel Orlov", "http://schema.org/worksFor", "director")
    ]


def test_people_in_a_place_count_the_places_inside_it(source: Source) -> None:
    for place in ("riga", "Riga", "Latvia", f"{BASE}place/latvia", f"<{BASE}place/riga>"):
        rows = query(source, "people-in-place", params={"place": place}).rows
        assert [(r["name"], r["residenceName"], r["since"]) for r in rows] == [
            ("Anna Petrova", "Riga", "2022")
        ]
    assert len(query(source, "people-in-place", params={"place": "Lithuania"})) == 0


def test_about_gives_each_fact_with_article_and_evidence_phrase(source: Source) -> None:
    rows = query(source, "about", params={"entity": "Анна Петрова"}).rows
    by_property = {(r["property"], r["object"]): r for r in rows}
    member = by_property["http://schema.org/memberOf", f"{BASE}organization/free-voices-foundation"]
    assert member["role"] == "chair of the board"
    assert member["headline"] == "Exiles Gather in Riga for a Second Congress"
    assert member["exact"] == "chair of the board, Anna Petrova"
    assert member["fact"] == f"{BASE}relation/petrova-chairs-fvf"
    exile = by_property["https://w3id.org/exilekg/vocab#exiledIn", f"{BASE}place/riga"]
    assert exile["exact"] == "lived in exile in Riga since 2022"
    # Statements about the entity from the other side: the quotation it spoke, the protest it attended.
    subjects = {r["subject"] for r in rows if r["object"] == person("anna-petrova")}
    assert f"{BASE}quotation/petrova-government-in-waiting" in subjects
    assert f"{BASE}event/kreuzberg-protest-2025" in subjects
    # Its own plain properties have no fact behind them.
    name = by_property["http://schema.org/name", "Anna Petrova"]
    assert name["fact"] is None and name["document"] is None


def test_evidence_for_role_names_the_phrase_and_its_offsets(source: Source) -> None:
    params = {"person": "pavel-orlov", "organization": "Northern Research Centre", "role": "DIRECT"}
    rows = query(source, "evidence-for-role", params=params).rows
    assert len(rows) == 1
    row = rows[0]
    assert (row["roleName"], row["exact"]) == ("director", "director, Pavel Orlov")
    assert isinstance(row["start"], int) and isinstance(row["end"], int)
    assert row["end"] - row["start"] == len("director, Pavel Orlov")
    assert len(query(source, "evidence-for-role", params={**params, "role": "chair"})) == 0


def test_mentions_counts_per_document(source: Source) -> None:
    rows = query(source, "mentions", params={"entity": "free-voices-foundation"}).rows
    assert [r["document"] for r in rows] == [f"{BASE}document/riga-congress"]
    assert isinstance(rows[0]["occurrences"], int) and rows[0]["occurrences"] >= 1
    assert rows[0]["datePublished"] == datetime.date(2025, 5, 19)


def test_statements_by_person_and_all(source: Source) -> None:
    everyone = query(source, "statements").rows
    assert {(r["name"], r["kind"]) for r in everyone} == {
        ("Anna Petrova", "http://schema.org/Quotation"),
        ("Pavel Orlov", "http://schema.org/Claim"),
    }
    petrova = query(source, "statements", params={"person": "Petrova"}).rows
    assert [(r["text"], r["date"], r["exact"]) for r in petrova] == [
        ("we are a government in waiting", datetime.date(2025, 5, 17), "we are a government in waiting")
    ]


def test_statistics_by_producer_with_values_as_numbers(source: Source) -> None:
    rows = query(source, "statistics", params={"producer": "northern-research-centre"}).rows
    assert [(r["measure"], r["date"], r["value"]) for r in rows] == [
        ("attitude to the war", "2023", 33),
        ("attitude to the war", "2025", 41),
        ("plans to return to Russia", "2025", 12),
    ]
    assert all(r["producerName"] == "Northern Research Centre" and r["unit"] == "percent" for r in rows)
    assert len(query(source, "statistics")) == 4  # and the congress's delegates, without a producer


def test_events_by_place_and_period(source: Source) -> None:
    def names(**params: str) -> list[Value]:
        return [r["name"] for r in query(source, "events", params=params).rows]

    every = names()
    assert len(every) == 4
    assert names(place="Germany") == ["Protest in Berlin-Kreuzberg"]  # Kreuzberg, in Berlin, in Germany
    assert names(place="lithuania") == ["Third Congress of Free Russians"]
    assert names(to="2024") == ["Death of Ivan Sokolov"]
    assert names(**{"from": "2025-06", "to": "2025-12-31"}) == ["Protest in Berlin-Kreuzberg"]
    assert names(**{"from": "2026-03-01"}) == ["Third Congress of Free Russians"]  # "2026" is in it


def test_timeline_is_in_date_order(source: Source) -> None:
    rows = query(source, "timeline", params={"entity": "anna-petrova"}).rows
    dates = [str(r["date"]) for r in rows]
    assert dates == sorted(dates)
    assert ("2022", "start", "https://w3id.org/exilekg/vocab#exiledIn") in {
        (str(r["date"]), r["what"], r["link"]) for r in rows
    }
    assert {r["what"] for r in rows} >= {"start", "said", "published"}


# -- parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", INJECTIONS)
def test_no_parameter_value_changes_a_named_query(value: str, sources: dict[QueryEngine, Source]) -> None:
    for name, params in CASES.items():
        entities = {p.name for p in named_query(name).params if p.entity}
        for param in params:
            if param in entities:
                # Naming no record, an entity parameter fails the query rather than answer nothing.
                for engine in ENGINES:
                    with pytest.raises(QueryError, match="no entity matches"):
                        query(sources[engine], name, params={**params, param: value})
                continue
            answers = [query(sources[e], name, params={**params, param: value}) for e in ENGINES]
            assert multiset(answers[0]) == multiset(answers[1]), (name, param)
            assert len(answers[0]) == 0, f"{name} --param {param}={value!r} matched {len(answers[0])} rows"


ADHOC = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STR(?o) = ?v) }"


@pytest.mark.parametrize("value", INJECTIONS)
def test_no_parameter_value_changes_a_query_text(value: str, source: Source) -> None:
    assert len(query(source, ADHOC, params={"v": value})) == 0
    assert len(query(source, "SELECT * WHERE { ?s ?p ?v }", params={"v": value})) == 0
    assert query(source, "ASK { ?s ?p ?v }", params={"v": value}).boolean is False
    graph = query(source, "CONSTRUCT { ?s ?p ?v } WHERE { ?s ?p ?v }", params={"v": value})
    assert len(graph) == 0


HOSTILE_VALUES = [*INJECTIONS, 'tab\tnew line\n"quoted" \\ back', "Кириллица 🙂 \u202eRTL"]


@pytest.fixture(scope="module")
def hostile_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dump whose literals are the hostile values, each the name of one thing."""
    graph = rdflib.Graph()
    for number, value in enumerate(HOSTILE_VALUES):
        graph.add(
            (
                rdflib.URIRef(f"https://example.org/thing/{number}"),
                rdflib.URIRef("http://schema.org/name"),
                rdflib.Literal(value),
            )
        )
    path = tmp_path_factory.mktemp("hostile") / "hostile.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_a_hostile_value_is_one_literal(engine: QueryEngine, hostile_dump: Path) -> None:
    """Bound as a term, a value with quotes, braces and comments matches exactly the literal it is."""
    source = open_source(hostile_dump, engine=engine)
    for number, value in enumerate(HOSTILE_VALUES):
        for text in (
            "SELECT ?thing WHERE { ?thing <http://schema.org/name> ?name }",
            "SELECT ?thing WHERE { ?thing ?p ?o FILTER(?o = ?name) }",
            "SELECT ?thing WHERE { { SELECT ?thing ?o WHERE { ?thing ?p ?o } } FILTER(?o = ?name) }",
        ):
            result = query(source, text, params={"name": value})
            assert result.rows == [{"thing": f"https://example.org/thing/{number}"}], (text, value)


def test_iris_and_typed_terms_as_parameters(source: Source) -> None:
    text = "SELECT ?name WHERE { ?who <http://schema.org/name> ?name }"
    for who in (
        str(person("anna-petrova")),
        f"<{person('anna-petrova')}>",
        rdflib.URIRef(person("anna-petrova")),
        IRI(person("anna-petrova")),
    ):
        assert query(source, text, params={"who": who}).rows == [{"name": "Anna Petrova"}], who
    russian = "SELECT ?who WHERE { ?who <http://schema.org/alternateName> ?name }"
    for name in (Literal("Анна Петрова", language="ru"), rdflib.Literal("Анна Петрова", lang="ru")):
        assert query(source, russian, params={"name": name}).rows == [{"who": person("anna-petrova")}]
    assert len(query(source, russian, params={"name": "Анна Петрова"})) == 0  # no language: not it
    count = "SELECT ?o WHERE { ?o <http://schema.org/value> ?v }"
    assert len(query(source, count, params={"v": Literal("41", IRI(rdflib.XSD.integer))})) == 1


@pytest.mark.parametrize(
    "bad",
    [
        rdflib.URIRef("https://x.example/a> } ?s ?p ?o { <b"),
        IRI("not an iri"),
        Literal("x", language="en } ?s ?p ?o {"),
        Literal("x", IRI("https://x.example/t> } {")),
        "<https://x.example/a b>",
    ],
)
def test_terms_that_are_not_one_term_are_refused(bad: object, source: Source) -> None:
    with pytest.raises(QueryError, match="parameter v"):
        query(source, ADHOC, params={"v": bad})  # type: ignore[dict-item]


# -- errors ---------------------------------------------------------------------------------------


def test_unknown_named_query_lists_the_names(example_build: Path) -> None:
    with pytest.raises(QueryError) as info:
        query(example_build, "memberz")
    assert "did you mean 'members'" in str(info.value)
    for name in CASES:
        assert name in str(info.value)


def test_missing_and_unknown_parameters(source: Source) -> None:
    with pytest.raises(QueryError, match="members needs the parameter 'organization'"):
        query(source, "members")
    with pytest.raises(QueryError, match="has no parameter 'organisation'") as info:
        query(source, "members", params={"organisation": "x"})
    assert "did you mean 'organization'" in str(info.value)
    with pytest.raises(QueryError, match=r"no variable \?nope"):
        query(source, "SELECT ?s WHERE { ?s ?p ?o }", params={"nope": "x"})


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("SELECT ?x WHERE {\n  ?x ?y \n}", 2, 3),
        ("SELECT ?x WHERE {\n ?x <https://a.example/> ?y .\n FILTER(?x = ) }", 3, 2),
        ("SELECT ?x WHERE { ?x ?p ?y } LIMT 3", 1, 30),
        ("PREFIX s: <https://a.example/>\nSELECT ?x WHERE {\n ?x foo:bar ?y }", 3, 5),
    ],
)
def test_malformed_sparql_names_line_and_column(text: str, line: int, column: int, source: Source) -> None:
    with pytest.raises(QueryError, match=f"line {line}, column {column}:"):
        query(source, text)
    with pytest.raises(QueryError, match=f"line {line}, column {column}:"):
        query(source, text, params={"x": "bound"})  # the VALUES block does not move the position


def test_malformed_query_file_names_file_line_and_column(tmp_path: Path, source: Source) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# name: bad\nSELECT ?x\nWHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    with pytest.raises(QueryError) as info:
        query(source, path)
    error = info.value
    assert (error.path, error.line, error.column) == (path, 4, 3)
    assert str(error).startswith(f"{path}:4:3: malformed SPARQL in bad")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT DATA { <https://a.example/> <https://a.example/> 1 }", "updates are not run"),
        ("SELEC ?x WHERE { ?x ?y ?z }", "not a SPARQL query"),
        ("   ", "empty query"),
        ("no-such-query-file.rq", "no such query file"),
    ],
)
def test_not_a_query(text: str, message: str, source: Source) -> None:
    with pytest.raises(QueryError, match=message):
        query(source, text)


def test_sources_that_are_not_there(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no such file or folder"):
        open_source(tmp_path / "missing")
    with pytest.raises(QueryError, match="holds no exilekg dump"):
        open_source(tmp_path)


# -- sources ------------------------------------------------------------------------------------------


def test_query_file_with_declared_parameters(tmp_path: Path, example_build: Path) -> None:
    path = tmp_path / "names.rq"
    path.write_text(
        "# name: names\n# description: things of a type\n# param: type — a class IRI\n"
        "SELECT ?name WHERE { ?thing a ?type ; <http://schema.org/name> ?name } ORDER BY ?name\n",
        encoding="utf-8",
    )
    for engine in ENGINES:
        result = query(example_build, path, params={"type": "http://schema.org/Country"}, engine=engine)
        assert [r["name"] for r in result.rows] == ["Germany", "Latvia", "Lithuania"]
        assert (
            query(example_build, str(path), params={"type": "http://schema.org/Country"}).rows == result.rows
        )
    with pytest.raises(QueryError, match="names needs the parameter 'type'"):
        query(example_build, path)


def test_every_dump_format_gives_the_same_answers(example_build: Path) -> None:
    expected = multiset(query(example_build, "about", params=CASES["about"], engine=QueryEngine.OXIGRAPH))
    for dumps in (
        [example_build / "exilekg.trig", example_build / "void.ttl"],
        [example_build / "exilekg.nt", example_build / "void.ttl"],
        [example_build / "exilekg.ttl"],
    ):
        for engine in ENGINES:
            got = query(dumps, "about", params=CASES["about"], engine=engine)
            assert multiset(got) == expected, (dumps, engine)


def test_an_open_source_is_reused_and_sets_the_base(sources: dict[QueryEngine, Source]) -> None:
    for source in sources.values():
        assert source.uri_space == BASE
        result = source.run("members", {"organization": "free-voices-foundation"})
        assert result.base == BASE
        assert "<person/anna-petrova>" in result.to_table()


def test_describe_and_construct_agree_between_engines(sources: dict[QueryEngine, Source]) -> None:
    for text in (
        f"DESCRIBE <{person('anna-petrova')}>",
        "DESCRIBE ?p WHERE { ?p a <http://schema.org/Person> }",
        "CONSTRUCT { ?p <http://schema.org/name> ?n } WHERE { ?p a <http://schema.org/Person> ; "
        "<http://schema.org/name> ?n }",
        "CONSTRUCT WHERE { ?p <http://schema.org/alternateName> ?n }",
    ):
        answers = [query(sources[e], text) for e in ENGINES]
        assert answers[0].kind.is_graph
        assert len(answers[0]) > 0, text
        assert multiset(answers[0]) == multiset(answers[1]), text
    described = query(sources[QueryEngine.RDFLIB], f"DESCRIBE <{person('anna-petrova')}>")
    assert {row[0] for row in described.terms} == {person("anna-petrova")}


# -- results ------------------------------------------------------------------------------------------


TYPED = """
SELECT ?int ?dec ?dbl ?yes ?day ?moment ?year ?text ?lang ?iri ?none WHERE {
  VALUES (?int ?dec ?dbl ?yes ?day ?moment ?year ?text ?lang ?iri) {
    (42 3.25 1.5e0 true "2025-05-17"^^<http://www.w3.org/2001/XMLSchema#date>
     "2025-05-17T10:30:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>
     "2022"^^<http://www.w3.org/2001/XMLSchema#gYear> "plain" "слово"@ru <https://example.org/x>)
  }
  OPTIONAL { ?iri <https://example.org/never> ?none }
}
"""


def test_rows_are_python_values(source: Source) -> None:
    (row,) = query(source, TYPED).rows
    assert row == {
        "int": 42,
        "dec": Decimal("3.25"),
        "dbl": 1.5,
        "yes": True,
        "day": datetime.date(2025, 5, 17),
        "moment": datetime.datetime(2025, 5, 17, 10, 30),
        "year": "2022",
        "text": "plain",
        "lang": "слово",
        "iri": "https://example.org/x",
        "none": None,
    }
    assert type(row["int"]) is int and type(row["yes"]) is bool and type(row["dec"]) is Decimal
    assert isinstance(row["iri"], IRI) and not isinstance(row["text"], IRI)
    (terms,) = query(source, TYPED).terms
    assert terms[8] == Literal("слово", None, "ru")


def test_blank_nodes_are_their_own_type(tmp_path: Path) -> None:
    dump = tmp_path / "b.nt"
    dump.write_text('_:b1 <https://example.org/p> "x" .\n', encoding="utf-8")
    for engine in ENGINES:
        (row,) = query(dump, "SELECT ?b WHERE { ?b ?p ?o }", engine=engine).rows
        assert isinstance(row["b"], BlankNode)


def test_json_is_sparql_results_json(source: Source) -> None:
    result = query(source, "statistics", params=CASES["statistics"])
    document = json.loads(result.to_json())
    assert document["head"]["vars"] == list(result.vars)
    bindings = document["results"]["bindings"]
    assert len(bindings) == len(result)
    for binding in bindings:
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode")
            assert set(term) <= {"type", "value", "datatype", "xml:lang"}
    assert {"type": "literal", "value": "41", "datatype": "http://www.w3.org/2001/XMLSchema#integer"} in [
        b["value"] for b in bindings
    ]
    # A SPARQL JSON reader reads back the same terms, types and languages included.
    parsed = Result.parse(io.StringIO(result.to_json()), format="json")
    assert [[b.get(v) for v in parsed.vars or ()] for b in parsed.bindings] == [
        [None if t is None else as_rdflib(t) for t in row] for row in result.terms
    ]
    ask = json.loads(query(source, "ASK { ?s ?p ?o }").to_json())
    assert ask == {"head": {}, "boolean": True}


def test_csv_and_tsv(source: Source) -> None:
    result = query(source, "statements")
    rows = list(csv.reader(io.StringIO(result.to_csv(), newline="")))
    assert rows[0] == list(result.vars)
    assert len(rows) == len(result) + 1
    assert ["" if v is None else str(v) for v in result.rows[0].values()] == rows[1]
    assert result.to_csv().endswith("\r\n")
    parsed = Result.parse(io.StringIO(result.to_tsv()), format="tsv")
    assert [str(v) for v in parsed.vars or ()] == list(result.vars)
    assert [[b.get(v) for v in parsed.vars or ()] for b in parsed.bindings] == [
        [None if t is None else as_rdflib(t) for t in row] for row in result.terms
    ]


def test_construct_turtle_parses_to_the_same_triples(source: Source) -> None:
    result = query(
        source,
        "CONSTRUCT { ?p ?property ?value } WHERE { ?p a <http://schema.org/Person> ; ?property ?value }",
    )
    turtle = result.render(OutputFormat.TURTLE)
    assert "@prefix schema: <http://schema.org/> ." in turtle
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(graph) == len(result) > 0
    assert ("Анна Петрова", "ru") in {
        (str(o), o.language) for o in graph.objects() if isinstance(o, rdflib.Literal)
    }
    with pytest.raises(QueryError, match="not a graph"):
        query(source, "members", params=CASES["members"]).to_turtle()


def _display_width(text: str) -> int:
    return sum(
        0
        if unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in "WF"
        else 1
        for c in text
    )


def _column_starts(line: str) -> Iterator[int]:
    """Display columns where a cell starts: after two or more spaces."""
    for match in re.finditer(r"(?:^|(?<=  ))\S", line):
        yield _display_width(line[: match.start()])


def test_table_is_aligned_with_wide_and_hostile_characters(hostile_dump: Path) -> None:
    result = query(
        hostile_dump,
        "SELECT ?name ?thing ?more WHERE { ?thing <http://schema.org/name> ?name "
        "BIND(STRLEN(?name) AS ?more) }",
    )
    table = result.to_table()
    lines = table.splitlines()
    header, rule, *body, footer = lines
    assert header.split() == ["name", "thing", "more"]
    starts = list(_column_starts(rule))
    assert len(starts) == 3
    for line in body:
        assert "\u202e" not in line and "\t" not in line
        cells = re.split(r"  +", line)
        assert len(cells) == 3, line
        assert list(_column_starts(line)) == starts, line
    assert footer == f"({len(HOSTILE_VALUES)} rows)"
    assert "Кириллица 🙂 \\u202eRTL" in table
    assert query(hostile_dump, "ASK { ?s ?p ?o }").to_table() == "true\n"


def test_every_output_format_renders(source: Source) -> None:
    result = query(source, "timeline", params=CASES["timeline"])
    for fmt in OutputFormat:
        if fmt is OutputFormat.TURTLE:
            continue
        assert result.render(fmt).strip(), fmt


def test_named_query_objects_run_as_given(source: Source) -> None:
    shipped = named_query("members")
    copy = NamedQuery("mine", "", shipped.params, shipped.text)
    assert (
        query(source, copy, params=CASES["members"]).rows
        == query(source, "members", params=CASES["members"]).rows
    )


# -- however the data was written ---------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
@pytest.mark.parametrize("dump", ["exilekg.ttl", "exilekg.nt"])
def test_named_queries_answer_on_triple_only_dumps(
    example_build: Path, sources: dict[QueryEngine, Source], dump: str, engine: QueryEngine
) -> None:
    with open_source(example_build / dump, engine=engine) as triples:
        for name, params in CASES.items():
            expected = multiset(sources[engine].run(name, params))
            assert multiset(triples.run(name, params)) == expected, name


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_named_queries_answer_on_default_graph_triples(
    example_build: Path, sources: dict[QueryEngine, Source], tmp_path: Path, engine: QueryEngine
) -> None:
    # N-Quads without graph names: every triple in the default graph, no named graph at all.
    flat = tmp_path / "flat.nq"
    flat.write_bytes((example_build / "exilekg.nt").read_bytes())
    with open_source(flat, engine=engine) as source:
        assert not source.has_named_graphs
        for name, params in CASES.items():
            result = source.run(name, params)
            assert len(result) > 0, name
            assert multiset(result) == multiset(sources[engine].run(name, params)), name
        assert multiset(query(source, "members", params=CASES["members"])) == multiset(
            sources[engine].run("members", CASES["members"])
        )


def test_a_source_is_a_context_manager(example_build: Path) -> None:
    with open_source(example_build) as source:
        assert len(source.run("members", CASES["members"])) > 0
    assert isinstance(source, Source)
