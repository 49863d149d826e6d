"""exilekg publish from the query index against publishing from the dumps, on generated corpora.

    python benchmarks/publish.py --triples 100k,1m [--json benchmarks/results/latest.json]

For each size: a corpus of about that many triples (benchmarks/generate.py, kept in ``--work`` and
reused) is built once with ``--index``, and a copy of the build folder without its index is made.
Then, each end to end in a child process (wall time and peak RSS from ``os.wait4``):

- ``exilekg publish BUILD --site SITE`` on the folder with the index: pages are made from rows read
  from the index as they are asked for;
- the same on the copy without it, the baseline: the dump is parsed into memory whole.

Both sites must be the same bytes. The rows give time, peak memory, pages and files, time per
thousand pages (constant when publishing is linear) and the ratios; they are merged into ``--json``
under ``publish`` (the other rows of that file are kept).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from index import exilekg, timed  # noqa: E402


def site_digest(site: Path) -> tuple[str, int]:
    """One digest of every file of ``site`` (path and bytes), and the number of files."""
    sha = hashlib.sha256()
    files = sorted(p for p in site.rglob("*") if p.is_file())
    for path in files:
        sha.update(str(path.relative_to(site)).encode())
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest(), len(files)


def main(argv: list[str] | None = None) -> None:
    from run import corpus_for, machine, sizes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--triples", type=sizes, default=[100_000, 1_000_000], help="corpus sizes, e.g. 100k,1m"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/exilekg-bench"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="merge the rows into this file under 'publish'")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for triples in args.triples:
        corpus = corpus_for(args.work, triples, args.seed)
        indexed, plain = args.work / f"publish-{triples}-indexed", args.work / f"publish-{triples}-plain"
        shutil.rmtree(indexed, ignore_errors=True)
        shutil.rmtree(plain, ignore_errors=True)
        timed(exilekg("build", str(corpus), "--out", str(indexed), "--quiet", "--index"))
        shutil.copytree(indexed, plain)
        shutil.rmtree(plain / "exilekg.index")
        site = args.work / f"publish-{triples}-site"  # one path for both: the server configurations name it
        runs: dict[str, dict[str, Any]] = {}
        for name, out in (("index", indexed), ("dumps", plain)):
            shutil.rmtree(site, ignore_errors=True)
            runs[name] = timed(exilekg("publish", str(out), "--site", str(site)))
            runs[name]["digest"], runs[name]["files"] = site_digest(site)
            print(
                f"[{triples:,}] publish from the {name}: {runs[name]['seconds']:.2f} s, "
                f"{runs[name]['peak_mb']:.0f} MB, {runs[name]['files']} files",
                flush=True,
            )
        if runs["index"]["digest"] != runs["dumps"]["digest"]:
            raise SystemExit("the sites published from the index and from the dumps differ")
        summary = runs["index"]["output"].decode("utf-8").strip().splitlines()[-1]
        pages = int(summary.split(" pages", 1)[0].split()[-1])
        row = {
            "triples": triples,
            "pages": pages,
            "files": runs["index"]["files"],
            "index_s": runs["index"]["seconds"],
            "index_peak_mb": runs["index"]["peak_mb"],
            "dumps_s": runs["dumps"]["seconds"],
            "dumps_peak_mb": runs["dumps"]["peak_mb"],
            "index_ms_per_page": round(1000 * runs["index"]["seconds"] / pages, 2),
            "dumps_ms_per_page": round(1000 * runs["dumps"]["seconds"] / pages, 2),
            "time_ratio": round(runs["index"]["seconds"] / runs["dumps"]["seconds"], 2),
            "memory_ratio": round(runs["index"]["peak_mb"] / runs["dumps"]["peak_mb"], 2),
            "identical": True,
        }
        rows.append(row)
        print(
            f"[{triples:,}] {pages:,} pages: from the index {row['index_s']:.1f} s and "
            f"{row['index_peak_mb']:.0f} MB ({row['index_ms_per_page']} ms a page), from the dumps "
            f"{row['dumps_s']:.1f} s and {row['dumps_peak_mb']:.0f} MB; the same bytes",
            flush=True,
        )
    if args.json is not None:
        report: dict[str, Any] = (
            json.loads(args.json.read_text(encoding="utf-8")) if args.json.is_file() else {}
        )
        report["publish"] = {"command": " ".join(sys.argv), "machine": machine(), "rows": rows}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
