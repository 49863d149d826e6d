"""Writing a review's decisions into the records: sameAs with provenance, layout kept, never twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.corpus import read_corpus
from exilekg.errors import ReconcileError
from exilekg.reconcile import (
    QueryCache,
    ReconciliationClient,
    ReconciliationServer,
    accept_review,
    reconcile_corpus,
)
from exilekg.validation import validate

from .conftest import NEWSROOM

EXAMPLE_BASE = "https://example.org/exilekg/"


@pytest.fixture
def reviewed(tmp_path: Path, example_server: ReconciliationServer) -> tuple[Path, Path]:
    """A copy of the newsroom corpus and its review against the example graph."""
    corpus = tmp_path / "newsroom"
    shutil.copytree(NEWSROOM, corpus)
    client = ReconciliationClient(example_server.url, rate=0, cache=QueryCache(tmp_path / "cache"))
    reconcile_corpus(corpus, client)
    return corpus, corpus / "reconcile-review.json"


def _decide(review: Path, decisions: dict[tuple[str, str], str | None]) -> None:
    """Set decisions: (record id, candidate IRI) to "accept", "reject" or None."""
    document = json.loads(review.read_text(encoding="utf-8"))
    for entity in document["entities"]:
        for candidate in entity["candidates"]:
            key = (entity["id"], candidate["iri"])
            if key in decisions:
                candidate["decision"] = decisions[key]
    review.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def _record(corpus: Path, rid: str) -> dict[str, Any]:
    return next(r.data for r in read_corpus(corpus).records if r.id == rid)


def test_accepted_links_go_into_the_records_with_provenance_and_layout_kept(
    reviewed: tuple[Path, Path],
) -> None:
    corpus, review = reviewed
    people = corpus / "records" / "people.json"
    facts = corpus / "records" / "facts.jsonl"
    before_people, before_facts = people.read_text(encoding="utf-8"), facts.read_text(encoding="utf-8")
    _decide(
        review,
        {
            ("petrova", EXAMPLE_BASE + "person/anna-petrova"): "accept",
            ("weber", EXAMPLE_BASE + "person/jonas-weber"): "accept",
        },
    )
    report = accept_review(corpus, review)
    assert sorted(report.accepted) == [
        ("petrova", EXAMPLE_BASE + "person/anna-petrova"),
        ("weber", EXAMPLE_BASE + "person/jonas-weber"),
    ]
    petrova = _record(corpus, "petrova")
    assert petrova["sameAs"] == [EXAMPLE_BASE + "person/anna-petrova"]
    (entry,) = petrova["reconciliation"]
    queried = json.loads(review.read_text(encoding="utf-8"))["entities"][0]["queried"]
    assert entry == {
        "iri": EXAMPLE_BASE + "person/anna-petrova",
        "status": "accepted",
        "service": json.loads(review.read_text(encoding="utf-8"))["service"]["url"],
        "date": queried,
        "name": "Anna Petrova",
        "score": entry["score"],
        "match": entry["match"],
        "by": "curator",
    }
    # Only the edited records' text changed; every other line is as the curator wrote it.
    new_people = people.read_text(encoding="utf-8")
    old_lines, new_lines = before_people.splitlines(), new_people.splitlines()
    assert [line for line in old_lines if line not in new_lines] == [
        '   "description": "Chair of a foundation of exiles, as our desk spells her name."},'
    ]
    assert new_lines[2].startswith(
        '   "description": "Chair of a foundation of exiles, as our desk spells her name.",'
    )
    assert new_lines[3].startswith('   "sameAs": ["https://example.org/exilekg/person/anna-petrova"],')
    assert new_lines[4] == '   "reconciliation": ['
    new_facts = facts.read_text(encoding="utf-8").split("\n")
    assert new_facts[:3] == before_facts.split("\n")[:3]
    assert json.loads(new_facts[3])["sameAs"] == [EXAMPLE_BASE + "person/jonas-weber"]
    assert validate(read_corpus(corpus)).ok


def test_accepting_twice_changes_nothing(reviewed: tuple[Path, Path]) -> None:
    corpus, review = reviewed
    _decide(review, {("orlov", EXAMPLE_BASE + "person/pavel-orlov"): "accept"})
    first = accept_review(corpus, review)
    assert len(first.accepted) == 1 and len(first.files) == 1
    snapshot = {p: p.read_bytes() for p in corpus.rglob("*.json*")}
    second = accept_review(corpus, review)
    assert second.accepted == [] and second.files == [] and second.unchanged == 1
    assert {p: p.read_bytes() for p in corpus.rglob("*.json*")} == snapshot


def test_auto_accept_takes_the_service_match_above_the_score(reviewed: tuple[Path, Path]) -> None:
    corpus, review = reviewed
    report = accept_review(corpus, review, auto_accept_match=99)
    linked = dict(report.accepted)
    assert linked["orlov"] == EXAMPLE_BASE + "person/pavel-orlov"
    assert linked["fvf"] == EXAMPLE_BASE + "organization/free-voices-foundation"
    assert "unknown-writer" not in linked and "petrova" not in linked  # no match flag, or below 99
    assert _record(corpus, "orlov")["reconciliation"][0]["by"] == "auto-match"
    again = accept_review(corpus, review, auto_accept_match=99)
    assert again.accepted == [] and again.files == []


def test_a_rejected_candidate_is_remembered_and_not_proposed_again(
    reviewed: tuple[Path, Path], example_server: ReconciliationServer, tmp_path: Path
) -> None:
    corpus, review = reviewed
    wrong = EXAMPLE_BASE + "person/pavel-orlov"
    _decide(review, {("orlov", wrong): "reject"})
    report = accept_review(corpus, review)
    assert report.rejected == [("orlov", wrong)]
    orlov = _record(corpus, "orlov")
    assert "sameAs" not in orlov and orlov["reconciliation"][0]["status"] == "rejected"
    # --auto-accept-match never takes it, even from a review where it is left undecided.
    _decide(review, {("orlov", wrong): None})
    auto = accept_review(corpus, review, auto_accept_match=50)
    assert "orlov" not in dict(auto.accepted) and "weber" in dict(auto.accepted)
    assert "sameAs" not in _record(corpus, "orlov")
    # A new run leaves it out of the candidates and says it was rejected before.
    client = ReconciliationClient(example_server.url, rate=0, cache=QueryCache(tmp_path / "cache"))
    reconcile_corpus(corpus, client, review=tmp_path / "again.json")
    entity = next(
        e for e in json.loads((tmp_path / "again.json").read_text())["entities"] if e["id"] == "orlov"
    )
    assert wrong not in [c["iri"] for c in entity["candidates"]] and entity["rejectedBefore"] == [wrong]


def test_a_different_link_already_accepted_is_never_replaced(reviewed: tuple[Path, Path]) -> None:
    corpus, review = reviewed
    _decide(review, {("riga", EXAMPLE_BASE + "place/riga"): "accept"})
    accept_review(corpus, review)
    # The curator later accepts another candidate for the same record: refused, nothing written.
    document = json.loads(review.read_text(encoding="utf-8"))
    riga = next(e for e in document["entities"] if e["id"] == "riga")
    riga["candidates"] = [dict(riga["candidates"][0], iri=EXAMPLE_BASE + "place/vilnius", id="place/vilnius")]
    review.write_text(json.dumps(document), encoding="utf-8")
    snapshot = {p: p.read_bytes() for p in corpus.rglob("*.json*")}
    with pytest.raises(
        ReconcileError, match=r"already linked to .*place/riga, not .*place/vilnius"
    ) as caught:
        accept_review(corpus, review)
    assert "nothing was written" in str(caught.value)
    assert {p: p.read_bytes() for p in corpus.rglob("*.json*")} == snapshot


def test_rejecting_an_accepted_link_is_refused(reviewed: tuple[Path, Path]) -> None:
    corpus, review = reviewed
    iri = EXAMPLE_BASE + "organization/baltic-exile-media"
    _decide(review, {("bem", iri): "accept"})
    accept_review(corpus, review)
    _decide(review, {("bem", iri): "reject"})
    with pytest.raises(ReconcileError, match="which this review rejects"):
        accept_review(corpus, review)
    assert _record(corpus, "bem")["sameAs"] == [iri]


def test_two_accepted_candidates_for_one_record_are_refused(reviewed: tuple[Path, Path]) -> None:
    corpus, review = reviewed
    document = json.loads(review.read_text(encoding="utf-8"))
    entity = next(e for e in document["entities"] if e["candidates"])
    if len(entity["candidates"]) < 2:  # a second candidate, as a service may answer for a common name
        entity["candidates"].append({**entity["candidates"][0], "iri": entity["candidates"][0]["iri"] + "-2"})
    for candidate in entity["candidates"][:2]:
        candidate["decision"] = "accept"
    review.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReconcileError, match=f"2 candidates of '{entity['id']}' are accepted"):
        accept_review(corpus, review)


def test_a_broken_review_file_is_a_clear_error(reviewed: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, review = reviewed
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "exilekgReview": 1,\n  oops\n}', encoding="utf-8")
    with pytest.raises(ReconcileError, match="malformed JSON") as caught:
        accept_review(corpus, broken)
    assert caught.value.line == 3
    document = json.loads(review.read_text(encoding="utf-8"))
    document["entities"][0]["candidates"][0]["decision"] = "yes please"
    broken.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReconcileError, match="unknown decision") as caught:
        accept_review(corpus, broken)
    assert caught.value.pointer == "/entities/0/candidates/0/decision"
    broken.write_text("[]", encoding="utf-8")
    with pytest.raises(ReconcileError, match="not an exilekg review file"):
        accept_review(corpus, broken)


def test_the_cli_reconciles_and_accepts(tmp_path: Path, example_server: ReconciliationServer) -> None:
    corpus = tmp_path / "newsroom"
    shutil.copytree(NEWSROOM, corpus)
    runner = CliRunner()
    cache = str(tmp_path / "cache")
    result = runner.invoke(
        cli,
        ["reconcile", str(corpus), "--service", example_server.url, "--cache", cache, "--rate", "0", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert "8 entities asked" in result.output and "review in" in result.output
    result = runner.invoke(
        cli,
        [
            "reconcile",
            str(corpus),
            "--accept",
            str(corpus / "reconcile-review.json"),
            "--auto-accept-match",
            "99",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "links accepted" in result.output
    assert _record(corpus, "orlov")["sameAs"] == [EXAMPLE_BASE + "person/pavel-orlov"]
    # Asking and accepting in one go: already linked records are skipped.
    result = runner.invoke(
        cli,
        [
            "reconcile",
            str(corpus),
            "--service",
            example_server.url,
            "--cache",
            cache,
            "--rate",
            "0",
            "--auto-accept-match",
            "99",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "already linked skipped" in result.output and "0 links accepted" in result.output
    # Errors: one message, a hint, no traceback, exit status 1.
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    result = runner.invoke(cli, ["reconcile", str(corpus), "--accept", str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not an exilekg review file" in result.output and "hint:" in result.output
    result = runner.invoke(cli, ["reconcile", str(corpus), "--property", "Person.nonsense=P1"])
    assert result.exit_code == 2 and "KIND.RELATION" in result.output


def test_accepted_links_become_schema_sameas_in_the_graph(
    reviewed: tuple[Path, Path], tmp_path: Path
) -> None:
    from exilekg.pipeline import build
    from exilekg.sparql import query

    corpus, review = reviewed
    accept_review(corpus, review, auto_accept_match=99)
    build(corpus, tmp_path / "out")
    result = query(
        tmp_path / "out",
        "SELECT ?same WHERE { <https://newsroom.example/kg/person/orlov> <http://schema.org/sameAs> ?same }",
    )
    assert [row["same"] for row in result.rows] == [EXAMPLE_BASE + "person/pavel-orlov"]


def test_the_site_shows_a_wikidata_link_on_the_entity_page(seed_build: Path, tmp_path: Path) -> None:
    from exilekg.publish import publish

    publish(seed_build, tmp_path / "site")
    page = (tmp_path / "site" / "person" / "garry-kasparov.html").read_text(encoding="utf-8")
    assert (
        '<p class="same-as">Same as: <a href="https://www.wikidata.org/wiki/Q28614" rel="external">'
        "Wikidata Q28614</a></p>"
    ) in page
