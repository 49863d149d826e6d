"""The reconciliation server at scale: a batch of 100 queries on a graph of 100,000 entities.

    python benchmarks/reconcile.py [--entities 100000] [--queries 100] [--json PATH] [--keep DIR]

Generates a corpus of the real shape with benchmarks/generate.py (people with alternate and
Cyrillic names, organisations, places, events, works; random syllables, nothing copied), builds
its N-Quads, reads the build with EntityIndex.from_build (the project's dump reader), starts the
real server on 127.0.0.1 and times a batch of queries sent over HTTP: exact names, names with a
typo, names in Cyrillic, and names with their words swapped, some with a type. In the same run
it times the baseline one would write first, a rapidfuzz scan of every name reading with the
same scorer for each query, and reports how often both put the same entity first. It also
times a client run of the seed corpus against its own build served the same way, then the
rerun, which the cache answers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import CorpusPlan, Generator  # noqa: E402

from exilekg.formats import RdfFormat  # noqa: E402
from exilekg.pipeline import build  # noqa: E402
from exilekg.reconcile import (  # noqa: E402
    EntityIndex,
    QueryCache,
    ReconciliationClient,
    make_reconcile_server,
    reconcile_corpus,
)
from exilekg.reconcile.index import readings  # noqa: E402

ENTITIES_PER_ARTICLE = CorpusPlan(1000).persons / 1000 + 1 + 1 / 3 + 1 / 2 + 1 / 3


def entity_corpus(entities: int, out: Path, seed: int = 1) -> Path:
    """A corpus of about ``entities`` entities made by benchmarks/generate.py, without its articles.

    The articles' facts, evidence and mentions are most of a build and none of what the
    reconciliation index reads, so they are left out; each person gets a residence in exile and
    an organisation instead (curated relations), so that the entities have links as in the seed.
    """
    plan = CorpusPlan(max(1, round(entities / ENTITIES_PER_ARTICLE)), seed)
    generator = Generator(plan, out)
    countries, cities = generator.places()
    persons = generator.persons()
    orgs = generator.organizations()
    events = generator.events(cities, orgs)
    works = generator.works(persons, orgs)
    rng = random.Random(seed)
    (out / "records").mkdir(parents=True, exist_ok=True)
    (out / "corpus.json").write_text(
        json.dumps(
            {
                "id": "synthetic-entities",
                "title": f"exilekg synthetic entities ({entities})",
                "base": "https://example.org/synthetic/",
                "license": "https://creativecommons.org/publicdomain/zero/1.0/",
                "version": "0.0.0",
            }
        ),
        encoding="utf-8",
    )
    with (out / "records" / "entities.jsonl").open("w", encoding="utf-8") as stream:
        for entity in (*countries, *cities, *persons, *orgs, *events, *works):
            stream.write(json.dumps(entity.record, ensure_ascii=False) + "\n")
        for person in persons:
            for relation, target in (("exiledIn", rng.choice(cities)), ("memberOf", rng.choice(orgs))):
                record = {
                    "kind": "Relation",
                    "id": f"{person.id}-{relation.lower()}",
                    "relation": relation,
                    "subject": person.id,
                    "object": target.id,
                    "curatorNote": "generated for the benchmark",
                }
                stream.write(json.dumps(record) + "\n")
    return out


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, max(2, len(name) - 1))
    if rng.random() < 0.5:
        return name[:i] + name[i + 1 :]  # a letter dropped
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]  # two letters swapped


def make_queries(index: EntityIndex, count: int, seed: int = 7) -> list[tuple[dict[str, Any], str]]:
    """(query, the entity id it means) pairs: a quarter each exact, typo, Cyrillic, words swapped."""
    rng = random.Random(seed)
    people = [e for e in index.entities if "http://schema.org/Person" in e.types]
    cyrillic = [e for e in people if any(lang == "ru" for _, lang in e.names)]
    out: list[tuple[dict[str, Any], str]] = []
    for number in range(count):
        style = number % 4
        if style == 2 and cyrillic:
            entity = rng.choice(cyrillic)
            text = next(n for n, lang in entity.names if lang == "ru")
        else:
            entity = rng.choice(index.entities if style != 3 else people)
            text = entity.name
            if style == 1:
                text = _typo(rng, text)
            elif style == 3:
                text = " ".join(reversed(text.split()))
        query: dict[str, Any] = {"query": text, "limit": 5}
        if number % 2:
            query["type"] = entity.types[0]
        out.append((query, entity.id))
    return out


def naive_scan(index: EntityIndex, query: dict[str, Any]) -> str | None:
    """The baseline: every reading of every name scored against the query, best entity first."""
    best: tuple[float, int] | None = None
    for reading in readings(query["query"]):
        found = process.extractOne(reading, index.keys, scorer=fuzz.token_sort_ratio)
        if found is not None and (best is None or found[1] > best[0]):
            best = (found[1], found[2])
    return index.entities[index.key_entity[best[1]]].id if best else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="timed batches (the median is reported)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep", type=Path, help="build here and keep it (reused when it exists)")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="exilekg-reconcile-bench-"))
    out = work / "build"
    started = time.perf_counter()
    if not (out / "exilekg.nq").is_file():
        entity_corpus(args.entities, work / "corpus")
        build(work / "corpus", out, formats=[RdfFormat.NQUADS])
    prepared = time.perf_counter() - started

    started = time.perf_counter()
    index = EntityIndex.from_build(out)
    load = time.perf_counter() - started
    queries = make_queries(index, args.queries)
    batch = {f"q{n}": q for n, (q, _) in enumerate(queries)}

    server = make_reconcile_server(index, port=0, quiet=True)
    server.start_in_thread()
    try:
        session = requests.Session()
        payload = {"queries": json.dumps(batch, ensure_ascii=False)}
        session.post(server.url, data=payload, timeout=600)  # warm: lazy caches, first connection
        times = []
        answer: dict[str, Any] = {}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = session.post(server.url, data=payload, timeout=600)
            times.append(time.perf_counter() - t0)
            answer = response.json()
        http_seconds = statistics.median(times)
    finally:
        server.shutdown()
        server.server_close()
    in_process = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for query, _ in queries:
            index.search(query)
        in_process.append(time.perf_counter() - t0)
    found = [
        bool(answer[f"q{n}"]["result"]) and answer[f"q{n}"]["result"][0]["id"] == wanted
        for n, (_, wanted) in enumerate(queries)
    ]

    t0 = time.perf_counter()
    scanned = [naive_scan(index, q) for q, _ in queries]
    scan_seconds = time.perf_counter() - t0
    scan_found = [got == wanted for got, (_, wanted) in zip(scanned, queries, strict=True)]
    agree = sum(
        1
        for n, got in enumerate(scanned)
        if answer[f"q{n}"]["result"] and answer[f"q{n}"]["result"][0]["id"] == got
    )

    cache = _cache_effect()
    figures = {
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 1),
        },
        "entities": len(index.entities),
        "name_readings": len(index.keys),
        "queries": len(queries),
        "prepare_seconds": round(prepared, 1),
        "index_load_seconds": round(load, 2),
        "batch_http_seconds": round(http_seconds, 3),
        "batch_http_seconds_each": [round(s, 3) for s in times],
        "batch_in_process_seconds": round(statistics.median(in_process), 3),
        "queries_per_second": round(len(queries) / http_seconds, 1),
        "naive_scan_seconds": round(scan_seconds, 2),
        "speedup": round(scan_seconds / http_seconds, 1),
        "top1_right": sum(found),
        "top1_right_naive": sum(scan_found),
        "top1_same_as_naive": agree,
        "cache": cache,
    }
    print(json.dumps(figures, indent=2))
    print(
        f"{len(queries)} queries on {len(index.entities):,} entities: {http_seconds:.3f} s over HTTP "
        f"({len(queries) / http_seconds:.0f} queries/s); naive scan {scan_seconds:.2f} s "
        f"({scan_seconds / http_seconds:.0f}x slower); right entity first: {sum(found)} "
        f"(scan: {sum(scan_found)})",
        file=sys.stderr,
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


def _cache_effect() -> dict[str, Any]:
    """The seed corpus reconciled against its own build, served; then again from the cache."""
    seed = ROOT / "examples" / "seed-corpus"
    with tempfile.TemporaryDirectory() as tmp:
        build(seed, Path(tmp) / "build", formats=[RdfFormat.NQUADS])
        corpus = Path(tmp) / "corpus"
        shutil.copytree(seed, corpus)
        server = make_reconcile_server(Path(tmp) / "build", port=0, quiet=True)
        server.start_in_thread()
        try:
            runs = []
            for _ in range(2):
                client = ReconciliationClient(server.url, rate=0, cache=QueryCache(Path(tmp) / "cache"))
                t0 = time.perf_counter()
                report = reconcile_corpus(corpus, client, review=Path(tmp) / "review.json")
                runs.append(
                    {
                        "seconds": round(time.perf_counter() - t0, 3),
                        "requests": report.requests,
                        "queries_sent": report.queries_sent,
                        "cache_hits": report.cache_hits,
                    }
                )
        finally:
            server.shutdown()
            server.server_close()
    return {"queries": report.queries, "first": runs[0], "rerun": runs[1]}


if __name__ == "__main__":
    main()
