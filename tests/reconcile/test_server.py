"""The reconciliation server over real HTTP: every answer valid against the official v0.2 schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exilekg.reconcile import EntityIndex, ReconciliationServer, make_reconcile_server
from exilekg.reconcile.index import readings

from .conftest import DATA, assert_valid, spec_validator


def _batch(server: ReconciliationServer, queries: dict[str, Any], *, method: str = "POST") -> dict[str, Any]:
    payload = json.dumps(queries)
    if method == "POST":
        response = requests.post(server.url, data={"queries": payload}, timeout=10)
    else:
        response = requests.get(server.url, params={"queries": payload}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert_valid("reconciliation-result-batch", data)
    return data  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("schema", "folder"),
    [
        ("manifest", "manifest"),
        ("reconciliation-query-batch", "reconciliation-query-batch"),
        ("reconciliation-result-batch", "reconciliation-result-batch"),
        ("suggest-entities-response", "suggest-entities-response"),
        ("suggest-properties-response", "suggest-properties-response"),
        ("suggest-types-response", "suggest-types-response"),
    ],
)
def test_the_official_schemas_accept_their_valid_examples_and_refuse_the_invalid(
    schema: str, folder: str
) -> None:
    # The schemas are loaded the way these tests use them; the specification's own examples say it is right.
    validator = spec_validator(schema)
    examples = DATA / "examples" / folder
    valid = sorted((examples / "valid").glob("*.json"))
    invalid = sorted((examples / "invalid").glob("*.json")) if (examples / "invalid").is_dir() else []
    assert valid
    for path in valid:
        assert validator.is_valid(json.loads(path.read_text(encoding="utf-8"))), path.name
    for path in invalid:
        assert not validator.is_valid(json.loads(path.read_text(encoding="utf-8"))), path.name


def test_manifest_is_valid_v02_and_names_the_graph(example_server: ReconciliationServer) -> None:
    response = requests.get(example_server.url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    manifest = response.json()
    assert_valid("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://example.org/exilekg/"
    kinds = {t["name"] for t in manifest["defaultTypes"]}
    assert kinds == {"Person", "Organization", "Collective", "Place", "Event", "CreativeWork"}
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]


def test_a_batch_answers_each_query_with_the_entity_first_and_a_match_flag(
    example_server: ReconciliationServer,
) -> None:
    data = _batch(
        example_server,
        {
            "exact": {"query": "Anna Petrova"},
            "cyrillic": {"query": "Анна Петрова", "type": "http://schema.org/Person"},
            "spelling": {"query": "Anna Petrowa", "limit": 3},
            "org": {"query": "Free Voices Fdn", "type": "http://schema.org/Organization"},
            "none": {"query": "Kasimir Wendelbrook"},
        },
    )
    assert data["exact"]["result"][0]["id"] == "person/anna-petrova"
    assert data["exact"]["result"][0]["match"] is True and data["exact"]["result"][0]["score"] == 100
    assert data["cyrillic"]["result"][0]["id"] == "person/anna-petrova"
    assert data["spelling"]["result"][0]["id"] == "person/anna-petrova"
    assert len(data["spelling"]["result"]) <= 3
    assert data["org"]["result"][0]["id"] == "organization/free-voices-foundation"
    assert all(c["score"] < 60 for c in data["none"]["result"])
    for answer in data.values():
        scores = [c["score"] for c in answer["result"]]
        assert scores == sorted(scores, reverse=True)


def test_get_answers_as_post_does(example_server: ReconciliationServer) -> None:
    queries = {"q0": {"query": "Riga"}, "q1": {"query": "Baltic Exile Media"}}
    assert _batch(example_server, queries, method="GET") == _batch(example_server, queries)


def test_types_filter_and_include_subclasses(example_server: ReconciliationServer) -> None:
    data = _batch(
        example_server,
        {
            "place": {"query": "Berlin", "type": "http://schema.org/Place"},
            "person": {"query": "Berlin", "type": "http://schema.org/Person"},
        },
    )
    ids = [c["id"] for c in data["place"]["result"]]
    assert ids[0] == "place/berlin"  # a City is a Place
    assert all(not c["id"].startswith("place/") for c in data["person"]["result"])


def test_properties_raise_the_entity_that_has_them(example_server: ReconciliationServer) -> None:
    data = _batch(
        example_server,
        {
            "home": {
                "query": "Petrova",
                "properties": [{"pid": "http://schema.org/homeLocation", "v": "Latvia"}],
            },
            "wrong": {
                "query": "Anna Petrova",
                "properties": [{"pid": "http://schema.org/homeLocation", "v": "Lithuania"}],
            },
            "member": {
                "query": "A. Petrova",
                "properties": [
                    {"pid": "http://schema.org/memberOf", "v": {"id": "organization/free-voices-foundation"}}
                ],
            },
        },
    )
    home = data["home"]["result"][0]
    assert home["id"] == "person/anna-petrova"
    features = {f["id"]: f["value"] for f in home["features"]}
    assert features["http://schema.org/homeLocation"] == 100  # Riga is in Latvia
    assert data["wrong"]["result"][0]["score"] < 100 and data["wrong"]["result"][0]["match"] is False
    member = {f["id"]: f["value"] for f in data["member"]["result"][0]["features"]}
    assert member["http://schema.org/memberOf"] == 100


def test_an_identifier_as_query_finds_its_entity(example_server: ReconciliationServer) -> None:
    data = _batch(
        example_server,
        {"id": {"query": "person/pavel-orlov"}, "iri": {"query": "https://example.org/exilekg/place/riga"}},
    )
    assert data["id"]["result"][0]["id"] == "person/pavel-orlov"
    assert data["iri"]["result"][0]["id"] == "place/riga"


def test_suggest_services_answer_valid_responses(example_server: ReconciliationServer) -> None:
    base = example_server.url
    entities = requests.get(f"{base}suggest/entity", params={"prefix": "pet"}, timeout=10).json()
    assert_valid("suggest-entities-response", entities)
    assert entities["result"][0]["id"] == "person/anna-petrova"
    cyrillic = requests.get(f"{base}suggest/entity", params={"prefix": "Пет"}, timeout=10).json()
    assert [r["id"] for r in cyrillic["result"]] == ["person/anna-petrova"]
    more = requests.get(f"{base}suggest/entity", params={"prefix": "b", "cursor": "1"}, timeout=10).json()
    first = requests.get(f"{base}suggest/entity", params={"prefix": "b"}, timeout=10).json()
    assert more["result"][: len(first["result"]) - 1] == first["result"][1:]
    types = requests.get(f"{base}suggest/type", params={"prefix": "ci"}, timeout=10).json()
    assert_valid("suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == ["http://schema.org/City"]
    props = requests.get(f"{base}suggest/property", params={"prefix": "home"}, timeout=10).json()
    assert_valid("suggest-properties-response", props)
    assert [p["id"] for p in props["result"]] == ["http://schema.org/homeLocation"]


def test_preview_is_escaped_html_and_view_leads_to_the_site(example_server: ReconciliationServer) -> None:
    preview = requests.get(f"{example_server.url}preview", params={"id": "person/anna-petrova"}, timeout=10)
    assert preview.status_code == 200 and preview.headers["Content-Type"].startswith("text/html")
    assert "Anna Petrova" in preview.text and "Анна Петрова" in preview.text
    view = requests.get(
        f"{example_server.url}view", params={"id": "person/anna-petrova"}, timeout=10, allow_redirects=False
    )
    assert view.status_code == 303
    assert view.headers["Location"] == "https://site.example/kg/person/anna-petrova"
    missing = requests.get(f"{example_server.url}preview", params={"id": "person/nobody"}, timeout=10)
    assert missing.status_code == 404


def test_bad_requests_get_400_with_a_message(example_server: ReconciliationServer) -> None:
    for form in ({"queries": "{not json"}, {"queries": "[1, 2]"}, {"query": "Anna"}):
        response = requests.post(example_server.url, data=form, timeout=10)
        assert response.status_code == 400
        assert response.json()["error"]
    assert requests.get(f"{example_server.url}suggest/entity", timeout=10).status_code == 400


def test_hostile_names_are_escaped_in_previews(tmp_path: Path) -> None:
    from exilekg.reconcile.index import Entity, TypeInfo

    entity = Entity(
        "https://x.example/person/a",
        "person/a",
        '<script>alert("x")</script> & Co',
        names=[('<script>alert("x")</script> & Co', None)],
        types=["http://schema.org/Person"],
        description="<b>bold</b>",
    )
    index = EntityIndex(
        [entity],
        base="https://x.example/",
        types={
            "http://schema.org/Person": TypeInfo("http://schema.org/Person", "Person", ()),
        },
    )
    server = make_reconcile_server(index, port=0, quiet=True)
    server.start_in_thread()
    try:
        page = requests.get(f"{server.url}preview", params={"id": "person/a"}, timeout=10).text
        assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page
        data = requests.post(
            server.url, data={"queries": json.dumps({"q": {"query": "script alert"}})}, timeout=10
        )
        assert data.json()["q"]["result"][0]["name"] == entity.name
    finally:
        server.shutdown()
        server.server_close()


def test_readings_join_scripts_and_spellings() -> None:
    assert "anna petrova" in readings("Анна Петрова")
    assert readings("Alexeï Naval’ny") == ["alexei navalny"]
    assert "aleksey navalny" in readings("Алексей Навальный")


def test_the_seed_graph_answers_cyrillic_and_transliterated_names(seed_build: Path) -> None:
    index = EntityIndex.from_build(seed_build)
    for query, expected in [
        ("Виталий Манский", "person/vitalij-manski"),
        ("Mikhail Chodorkowski", "person/mikhail-khodorkovsky"),
        ("Sviatlana Tsikhanouskaya", "person/svetlana-tikhanovskaya"),
        ("Михаил Ходорковский", "person/mikhail-khodorkovsky"),
    ]:
        assert index.search({"query": query})[0]["id"] == expected, query


def test_the_public_names_exist() -> None:
    import exilekg.reconcile

    for name in exilekg.reconcile.__all__:
        assert hasattr(exilekg.reconcile, name), name
    assert sorted(exilekg.reconcile._HOMES) == sorted(exilekg.reconcile.__all__)


@pytest.mark.parametrize("dump", ["exilekg.ttl", "exilekg.nt", "exilekg.trig", "exilekg.jsonld"])
def test_every_dump_format_gives_the_index_the_nquads_give(example_build: Path, dump: str) -> None:
    def shape(index: EntityIndex) -> list[Any]:
        return [(e.iri, e.names, e.types, e.links, e.same_as, e.description) for e in index.entities]

    from_build = EntityIndex.from_build(example_build)
    assert len(from_build.entities) == 24
    assert shape(EntityIndex.from_build([example_build / dump, example_build / "void.ttl"])) == shape(
        from_build
    )


def test_a_dump_without_its_uri_space_is_a_clear_error(example_build: Path) -> None:
    from exilekg.errors import ReconcileError

    with pytest.raises(ReconcileError, match="URI space") as caught:
        EntityIndex.from_build([example_build / "exilekg.ttl"])  # triples only, no void.ttl
    assert "void.ttl" in str(caught.value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40), prefix=st.text(max_size=6))
def test_any_query_text_gets_an_answer_valid_against_the_schema(
    example_index: EntityIndex, text: str, prefix: str
) -> None:
    candidates = example_index.search({"query": text, "limit": 3})
    assert_valid("reconciliation-result-batch", {"q": {"result": candidates}})
    assert len(candidates) <= 3
    for entity in example_index.suggest(prefix):
        assert entity.iri.startswith(example_index.base)
