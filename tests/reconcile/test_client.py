"""The reconciliation client against real HTTP servers on 127.0.0.1: a corpus against another's build."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exilekg.errors import ReconcileError
from exilekg.reconcile import QueryCache, ReconciliationClient, ReconciliationServer, reconcile_corpus
from exilekg.reconcile.client import RateLimiter

from .conftest import NEWSROOM, Answer, Recorder, assert_valid, json_answer


@pytest.fixture
def newsroom(tmp_path: Path) -> Path:
    target = tmp_path / "newsroom"
    shutil.copytree(NEWSROOM, target)
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_corpus_reconciled_against_another_corpus_build(
    newsroom: Path, example_server: ReconciliationServer, tmp_path: Path
) -> None:
    before = _snapshot(newsroom)
    client = ReconciliationClient(example_server.url, rate=0, cache=QueryCache(tmp_path / "cache"))
    report = reconcile_corpus(newsroom, client, batch_size=4)
    # Nothing but the review and its table is written; every record is as it was.
    after = _snapshot(newsroom)
    assert set(after) - set(before) == {"reconcile-review.json", "reconcile-review.md"}
    assert all(after[name] == content for name, content in before.items())
    review = json.loads((newsroom / "reconcile-review.json").read_text(encoding="utf-8"))
    top: dict[str, Any] = {
        e["id"]: (e["candidates"][0] if e["candidates"] else None) for e in review["entities"]
    }
    assert top["petrova"]["iri"] == "https://example.org/exilekg/person/anna-petrova"
    assert top["sokolov"]["iri"] == "https://example.org/exilekg/person/ivan-sokolov"
    assert top["orlov"]["iri"] == "https://example.org/exilekg/person/pavel-orlov" and top["orlov"]["match"]
    assert top["weber"]["iri"] == "https://example.org/exilekg/person/jonas-weber"  # from a .jsonl file
    assert top["fvf"]["iri"] == "https://example.org/exilekg/organization/free-voices-foundation"
    assert top["riga"]["iri"] == "https://example.org/exilekg/place/riga"
    assert top["unknown-writer"] is None or top["unknown-writer"]["score"] < 60
    assert all(c["decision"] is None for e in review["entities"] for c in e["candidates"])
    # What was sent: the kind as the service's type, names in every script, properties from relations.
    petrova = next(e for e in review["entities"] if e["id"] == "petrova")
    assert petrova["queries"][0]["type"] == "http://schema.org/Person"
    properties = {p["pid"]: p["v"] for p in petrova["queries"][0]["properties"]}
    assert properties == {
        "http://schema.org/homeLocation": "Riga",
        "http://schema.org/memberOf": "Free Voices Foundation",
    }
    sokolov = next(e for e in review["entities"] if e["id"] == "sokolov")
    assert [q["query"] for q in sokolov["queries"]] == ["Иван Соколов", "I. Sokolov"]
    fvf = next(e for e in review["entities"] if e["id"] == "fvf")
    assert [q["query"] for q in fvf["queries"]] == ["Free Voices Foundation"]  # "FVF" alone finds namesakes
    for entity in review["entities"]:
        assert_valid("reconciliation-query-batch", {f"q{i}": q for i, q in enumerate(entity["queries"])})
    # A place already linked to the graph is not asked again, and is sent as the entity it is.
    assert report.skipped_linked == 1 and "vilnius" not in top
    orlov = next(e for e in review["entities"] if e["id"] == "orlov")
    assert orlov["queries"][0]["properties"] == [
        {"pid": "http://schema.org/homeLocation", "v": {"id": "place/vilnius", "name": "Vilnius"}}
    ]
    assert orlov["candidates"][0]["score"] == 100  # the server matched the property by its id
    # Batching: 8 entities, one query each but Sokolov's two names: 9 queries in batches of 4.
    assert report.entities == 8 and report.queries == 9 and report.queries_sent == 9
    assert report.requests == 1 + 3  # the manifest, then three POSTs
    table = (newsroom / "reconcile-review.md").read_text(encoding="utf-8")
    assert "| petrova | Anna Petrowa | [person/anna-petrova Anna Petrova](" in table


def test_a_rerun_asks_nothing_twice_and_refresh_asks_again(
    newsroom: Path, example_server: ReconciliationServer, tmp_path: Path
) -> None:
    cache = QueryCache(tmp_path / "cache")
    first = reconcile_corpus(newsroom, ReconciliationClient(example_server.url, rate=0, cache=cache))
    review = (newsroom / "reconcile-review.json").read_bytes()
    asked = example_server.queries_answered
    again = reconcile_corpus(newsroom, ReconciliationClient(example_server.url, rate=0, cache=cache))
    assert again.requests == 0 and again.cache_hits == first.queries == again.queries
    assert example_server.queries_answered == asked
    assert (newsroom / "reconcile-review.json").read_bytes() == review  # same answers, same review
    # Batches that fall differently still find every query in the cache.
    third = reconcile_corpus(
        newsroom, ReconciliationClient(example_server.url, rate=0, cache=cache), batch_size=3
    )
    assert third.requests == 0
    fresh = reconcile_corpus(
        newsroom, ReconciliationClient(example_server.url, rate=0, cache=cache, refresh=True)
    )
    assert fresh.queries_sent == first.queries and example_server.queries_answered == asked + first.queries


def _forwarding(
    server: ReconciliationServer, fail: Callable[[int], tuple[int, dict[str, str], bytes] | None]
) -> Answer:
    """An answer function that fails as ``fail`` says, else forwards to the real server."""
    import requests

    def answer(
        method: str, path: str, form: dict[str, list[str]], number: int
    ) -> tuple[int, dict[str, str], bytes]:
        failure = fail(number)
        if failure is not None:
            return failure
        if method == "POST":
            upstream = requests.post(server.url, data={"queries": form["queries"][0]}, timeout=10)
        else:
            upstream = requests.get(server.url, timeout=10)
        return upstream.status_code, {"Content-Type": "application/json"}, upstream.content

    return answer


def test_retries_after_a_503_and_a_429(
    newsroom: Path,
    example_server: ReconciliationServer,
    http_server: Callable[[Answer], tuple[str, Recorder]],
    tmp_path: Path,
) -> None:
    unavailable = (503, {"Content-Type": "text/plain"}, b"down for a moment")
    slow_down = (429, {"Retry-After": "0", "Content-Type": "text/plain"}, b"slow down")
    url, recorder = http_server(_forwarding(example_server, lambda n: {1: unavailable, 3: slow_down}.get(n)))
    client = ReconciliationClient(url, rate=0, backoff=0.01, cache=QueryCache(tmp_path / "cache"))
    report = reconcile_corpus(newsroom, client, batch_size=4)
    assert report.queries_sent == 9
    assert client.stats.retries == 2
    assert len(recorder.posts) == 3 + 2  # three batches, two of them asked twice
    review = json.loads((newsroom / "reconcile-review.json").read_text(encoding="utf-8"))
    assert next(e for e in review["entities"] if e["id"] == "orlov")["candidates"][0]["match"] is True


def test_a_service_that_keeps_failing_is_a_clear_error_and_nothing_is_written(
    newsroom: Path,
    example_server: ReconciliationServer,
    http_server: Callable[[Answer], tuple[str, Recorder]],
) -> None:
    url, recorder = http_server(_forwarding(example_server, lambda n: (503, {}, b"") if n > 0 else None))
    client = ReconciliationClient(url, rate=0, retries=2, backoff=0.01)
    with pytest.raises(ReconcileError, match="HTTP 503 after 2 retries"):
        reconcile_corpus(newsroom, client)
    assert len(recorder.posts) == 3
    assert not (newsroom / "reconcile-review.json").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"q0": {"result": [{"id": "x", "name": "X"}]}}, "has no score"),
        ({"q0": {"result": [{"id": 7, "name": "X", "score": 1}]}}, "has no id"),
        ({"q0": {"candidates": []}}, "has no result list"),
        ({"other": {"result": []}}, "no answer for query 'q0'"),
        ([], "not a JSON object"),
    ],
)
def test_a_malformed_answer_is_a_clear_error_and_nothing_is_written(
    newsroom: Path,
    example_server: ReconciliationServer,
    http_server: Callable[[Answer], tuple[str, Recorder]],
    tmp_path: Path,
    body: Any,
    message: str,
) -> None:
    manifest = json.loads(__import__("requests").get(example_server.url, timeout=10).content)

    def answer(
        method: str, path: str, form: dict[str, list[str]], number: int
    ) -> tuple[int, dict[str, str], bytes]:
        return json_answer(manifest if method == "GET" else body)

    url, _ = http_server(answer)
    before = _snapshot(newsroom)
    cache = QueryCache(tmp_path / "cache")
    with pytest.raises(ReconcileError, match=message) as caught:
        reconcile_corpus(newsroom, ReconciliationClient(url, rate=0, cache=cache), batch_size=1)
    assert "answered wrongly" in str(caught.value) and "nothing was written" in str(caught.value)
    assert _snapshot(newsroom) == before
    assert [p.name for p in (tmp_path / "cache").rglob("*.json")] and all(
        "manifest" in p.read_text(encoding="utf-8") for p in (tmp_path / "cache").rglob("*.json")
    )  # only the manifest was kept: no wrong answer is cached


def test_an_answer_that_is_not_json_is_a_clear_error(
    newsroom: Path, http_server: Callable[[Answer], tuple[str, Recorder]]
) -> None:
    url, _ = http_server(lambda *_: (200, {"Content-Type": "text/html"}, b"<html>a login page</html>"))
    with pytest.raises(ReconcileError, match="not JSON"):
        reconcile_corpus(newsroom, ReconciliationClient(url, rate=0))


def test_requests_are_spaced_by_the_rate_limit(
    newsroom: Path,
    example_server: ReconciliationServer,
    http_server: Callable[[Answer], tuple[str, Recorder]],
) -> None:
    url, recorder = http_server(_forwarding(example_server, lambda n: None))
    reconcile_corpus(newsroom, ReconciliationClient(url, rate=5.0), batch_size=3)
    times = [r["at"] for r in recorder.requests]
    assert len(times) == 4  # the manifest and three batches
    # The client spaces the starts of its requests by 0.2 s; the server sees each one a latency
    # later, so only the span is bounded (by 3 intervals, less what the latencies may differ).
    # A lower bound only: a busy machine makes it longer, never shorter.
    assert times[-1] - times[0] >= 3 * 0.2 - 0.1, times


def test_the_rate_limiter_spaces_calls_evenly() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.25, 0.25]
    now[0] += 10
    limiter.wait()
    assert slept == [0.25, 0.25]  # after a pause nothing waits
    unlimited = RateLimiter(0, clock=lambda: now[0], sleep=sleep)
    unlimited.wait()
    unlimited.wait()
    assert slept == [0.25, 0.25]


def test_an_unreachable_service_is_a_clear_error(newsroom: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ReconciliationClient(f"http://127.0.0.1:{port}/", rate=0, retries=1, backoff=0.01)
    with pytest.raises(ReconcileError, match="cannot reach"):
        reconcile_corpus(newsroom, client)
