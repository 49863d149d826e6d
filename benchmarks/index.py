"""The query index against parsing the dumps, on a generated corpus.

    python benchmarks/index.py --triples 1m [--json benchmarks/results/latest.json]

On a corpus of about that many triples (benchmarks/generate.py, kept in ``--work`` and reused):

- ``exilekg build CORPUS --out A`` and ``exilekg build CORPUS --out B --index`` (the index
  written too), each end to end in a child process, wall time and peak RSS (``os.wait4``): the
  ratio is what the index adds to a build;
- ``exilekg query DIR members --param organization=IRI`` end to end, process start included, on
  ``A`` (no index: the N-Quads are parsed into a store at each call) and on ``B`` (the index
  opened read-only), ``--repeat`` times each; the median and the peak RSS of each, and the ratio.

Both answers are compared: they must be identical. The rows are merged into ``--json`` under
``index`` (the other rows of that file are kept).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

QUERY = "members"


def timed(command: list[str]) -> dict[str, Any]:
    """Run ``command``: its wall time, peak RSS and standard output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return {"seconds": round(wall, 3), "peak_mb": round(usage.ru_maxrss / 1024, 1), "output": output}


def exilekg(*args: str) -> list[str]:
    return [sys.executable, "-m", "exilekg", *args]


def an_organization(out: Path) -> str:
    """An organisation with members in the build, so the query has rows to give.

    Asked in a child process: a parent that had parsed the dump would be as large as that, and on
    Linux a child's peak RSS (``os.wait4``) counts the parent's pages it was forked with.
    """
    command = exilekg(
        "query",
        str(out),
        "SELECT ?org (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?r <http://schema.org/memberOf> ?org } } "
        "GROUP BY ?org ORDER BY DESC(?n) ?org LIMIT 1",
        "-f",
        "csv",
    )
    rows = timed(command)["output"].decode("utf-8").splitlines()
    return rows[1].split(",", 1)[0]


def main(argv: list[str] | None = None) -> None:
    from run import compile_package, corpus_for, merge_rows, sized_parser

    parser = sized_parser(__doc__, "index", [1_000_000])
    parser.add_argument("--repeat", type=int, default=5, help="query runs per source")
    args = parser.parse_args(argv)
    compile_package()
    rows: list[dict[str, Any]] = []
    for triples in args.triples:
        corpus = corpus_for(args.work, triples, args.seed)
        plain, indexed = args.work / f"index-{triples}-plain", args.work / f"index-{triples}-indexed"
        builds = {}
        for name, out, extra in (("no index", plain, []), ("index", indexed, ["--index"])):
            shutil.rmtree(out, ignore_errors=True)
            builds[name] = timed(exilekg("build", str(corpus), "--out", str(out), "--quiet", *extra))
            print(
                f"build, {name}: {builds[name]['seconds']:.2f} s, {builds[name]['peak_mb']:.0f} MB",
                flush=True,
            )
        organization = an_organization(plain)
        runs: dict[str, list[dict[str, Any]]] = {"dumps": [], "index": []}
        for _ in range(args.repeat):
            for name, out in (("dumps", plain), ("index", indexed)):
                command = exilekg(
                    "query", str(out), QUERY, "--param", f"organization={organization}", "-f", "csv"
                )
                runs[name].append(timed(command))
        answers = {name: {run["output"] for run in found} for name, found in runs.items()}
        if len(answers["dumps"] | answers["index"]) != 1:
            raise SystemExit("the index and the dumps answered differently")
        query_s = {name: statistics.median(r["seconds"] for r in found) for name, found in runs.items()}
        query_mb = {name: max(r["peak_mb"] for r in found) for name, found in runs.items()}
        index_mb = (
            sum(f.stat().st_size for f in (indexed / "exilekg.index").rglob("*") if f.is_file()) / 2**20
        )
        row = {
            "triples": triples,
            "build_no_index_s": builds["no index"]["seconds"],
            "build_index_s": builds["index"]["seconds"],
            "build_index_ratio": round(builds["index"]["seconds"] / builds["no index"]["seconds"], 3),
            "build_no_index_peak_mb": builds["no index"]["peak_mb"],
            "build_index_peak_mb": builds["index"]["peak_mb"],
            "index_disk_mb": round(index_mb, 1),
            "query": f"{QUERY} --param organization=...",
            "query_rows": len(next(iter(answers["index"])).splitlines()) - 1,
            "query_dumps_s": query_s["dumps"],
            "query_index_s": query_s["index"],
            "query_speedup": round(query_s["dumps"] / query_s["index"], 1),
            "query_dumps_peak_mb": query_mb["dumps"],
            "query_index_peak_mb": query_mb["index"],
            "query_runs": args.repeat,
        }
        rows.append(row)
        limit = 0.2 if triples <= 1_000_000 else 0.5  # the targets: 0.2 s at 1M, 0.5 s at 10M
        print(
            f"{triples:,} triples: query {row['query_index_s']:.3f} s with the index vs "
            f"{row['query_dumps_s']:.3f} s parsing the dump ({row['query_speedup']}x), "
            f"{row['query_index_peak_mb']:.0f} vs {row['query_dumps_peak_mb']:.0f} MB; "
            f"build {row['build_index_ratio']:.2f}x with the index (target <= 1.30), "
            f"query target < {limit} s: {'met' if row['query_index_s'] < limit else 'not met'}",
            flush=True,
        )
    merge_rows(args.json, "index", rows)


if __name__ == "__main__":
    main()
