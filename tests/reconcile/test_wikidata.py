"""Reconciling the seed corpus with Wikidata's service, replayed from hand-written v0.2 answers.

See tests/data/reconciliation/wikidata/README.md for how the answers were made; no test here
reaches the internet.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exilekg.reconcile import QueryCache, ReconciliationClient, accept_review, reconcile_corpus

from .conftest import DATA, Answer, Recorder, assert_valid, json_answer

WIKIDATA = DATA / "wikidata"
SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-corpus"
ENTITY = "http://www.wikidata.org/entity/"

CONFIRMED = {
    "garry-kasparov": ENTITY + "Q28614",
    "germany": ENTITY + "Q183",
    "united-states": ENTITY + "Q30",
    "france": ENTITY + "Q142",
    "israel": ENTITY + "Q801",
    "belarus": ENTITY + "Q184",
    "china": ENTITY + "Q148",
    "prague": ENTITY + "Q1085",
    "europe": ENTITY + "Q46",
}
"""The links a curator confirms among the replayed answers (each item checked by hand)."""


def replay() -> Answer:
    manifest = json.loads((WIKIDATA / "manifest.json").read_text(encoding="utf-8"))
    responses = json.loads((WIKIDATA / "responses.json").read_text(encoding="utf-8"))

    def answer(
        method: str, path: str, form: dict[str, list[str]], number: int
    ) -> tuple[int, dict[str, str], bytes]:
        if "queries" not in form:
            return json_answer(manifest)
        batch = json.loads(form["queries"][0])
        return json_answer(
            {
                key: {"result": responses.get(q.get("query"), [])[: q.get("limit", 25)]}
                for key, q in batch.items()
            }
        )

    return answer


def test_the_replayed_answers_are_valid_v02() -> None:
    assert_valid("manifest", json.loads((WIKIDATA / "manifest.json").read_text(encoding="utf-8")))
    responses = json.loads((WIKIDATA / "responses.json").read_text(encoding="utf-8"))
    assert_valid("reconciliation-result-batch", {name: {"result": r} for name, r in responses.items()})


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """The seed corpus as it was before its review was accepted: without the links reconciled."""
    target = tmp_path / "seed"
    shutil.copytree(SEED, target, ignore=shutil.ignore_patterns("reconcile-*"))
    for path in (target / "records").glob("*.json"):
        records = json.loads(path.read_text(encoding="utf-8"))
        for record in records:
            matched = {e["iri"] for e in record.pop("reconciliation", []) if e["status"] == "accepted"}
            same = [iri for iri in record.get("sameAs", []) if iri not in matched]
            if same:
                record["sameAs"] = same
            else:
                record.pop("sameAs", None)
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return target


def test_the_seed_corpus_asks_wikidata_in_its_own_terms(
    seed_copy: Path, http_server: Callable[[Answer], tuple[str, Recorder]], tmp_path: Path
) -> None:
    url, recorder = http_server(replay())
    report = reconcile_corpus(seed_copy, ReconciliationClient(url, rate=0, cache=QueryCache(tmp_path / "c")))
    sent: dict[str, dict[str, Any]] = {}
    for post in recorder.posts:
        batch = json.loads(post["form"]["queries"][0])
        assert_valid("reconciliation-query-batch", batch)
        assert len(batch) <= 10  # the service declares no batchSize: ten, as OpenRefine sends
        sent.update({q["query"]: q for q in batch.values()})
    # Entities already linked to Wikidata (Putin, Stalin, London ...) are not asked for again.
    assert "Vladimir Putin" not in sent and "London" not in sent and report.skipped_linked >= 16
    assert sent["Garry Kasparov"]["type"] == "Q5"
    assert sent["Levada Center"]["type"] == "Q43229" and sent["Prague"]["type"] == "Q2221906"
    assert sent["Марат Гельман"]["type"] == "Q5"  # a name in another script is asked too
    # Properties only where the object is already linked, as the entity it is.
    assert sent["Brighton Beach"]["properties"] == [
        {"pid": "P131", "v": {"id": "Q18419", "name": "Brooklyn"}}
    ]
    assert "properties" not in sent["Garry Kasparov"]
    review = json.loads((seed_copy / "reconcile-review.json").read_text(encoding="utf-8"))
    kasparov = next(e for e in review["entities"] if e["id"] == "garry-kasparov")
    assert [c["iri"] for c in kasparov["candidates"]] == [ENTITY + "Q28614", ENTITY + "Q3918615"]
    assert kasparov["candidates"][0]["types"] == [{"id": "Q5", "name": "human"}]
    table = (seed_copy / "reconcile-review.md").read_text(encoding="utf-8")
    assert "[Q28614 Garry Kasparov](https://www.wikidata.org/wiki/Q28614)" in table


def test_suggested_links_against_the_confirmed_ones(
    seed_copy: Path, http_server: Callable[[Answer], tuple[str, Recorder]], tmp_path: Path
) -> None:
    url, _ = http_server(replay())
    reconcile_corpus(seed_copy, ReconciliationClient(url, rate=0))
    report = accept_review(seed_copy, seed_copy / "reconcile-review.json", auto_accept_match=95)
    suggested = dict(report.accepted)
    right = {rid for rid, iri in suggested.items() if CONFIRMED.get(rid) == iri}
    precision = len(right) / len(suggested)
    recall = len(right) / len(CONFIRMED)
    assert precision == 1.0 and recall == 1.0, (suggested, CONFIRMED)


def test_the_seed_review_file_is_what_the_seed_records_hold(tmp_path: Path) -> None:
    # examples/seed-corpus/reconcile-wikidata.json holds the curator's decisions; applying it to
    # the seed as committed changes nothing, and every accepted link is in the records.
    review = SEED / "reconcile-wikidata.json"
    copy = tmp_path / "seed"
    shutil.copytree(SEED, copy)
    report = accept_review(copy, copy / review.name)
    assert report.accepted == [] and report.files == []
    document = json.loads(review.read_text(encoding="utf-8"))
    from exilekg.corpus import read_corpus

    records = {r.id: r.data for r in read_corpus(copy).records}
    accepted = {
        e["id"]: c["iri"] for e in document["entities"] for c in e["candidates"] if c["decision"] == "accept"
    }
    assert accepted == CONFIRMED
    for rid, iri in accepted.items():
        assert iri in records[rid]["sameAs"]
        (entry,) = [x for x in records[rid]["reconciliation"] if x["iri"] == iri]
        assert entry["status"] == "accepted" and entry["by"] == "curator"
        assert entry["service"] == "https://wikidata.reconci.link/en/api"
