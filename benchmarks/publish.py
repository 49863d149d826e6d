"""exilekg publish from the query index against publishing from the dumps, on generated corpora.

    python benchmarks/publish.py --triples 100k,1m [--json benchmarks/results/latest.json]

For each size: a corpus of about that many triples (benchmarks/generate.py, kept in ``--work`` and
reused) is built once with ``--index``, and a copy of the build folder without its index is made.
Then, each end to end in a child process (wall time and peak RSS from ``os.wait4``):

- ``exilekg publish BUILD --site SITE`` on the folder with the index: pages are made from rows read
  from the index as they are asked for, by one process per core (the default);
- the same with ``--workers 1``;
- the same on the copy without the index, the baseline: the dump is parsed into memory whole, and
  one process writes the pages.

Peak memory is that of the whole process tree (the workers with their parent, shared pages counted
once: the sum of their proportional set sizes), sampled every 0.2 s.

Both sites must be the same bytes. The rows give time, peak memory, pages and files, time per
thousand pages (constant when publishing is linear) and the ratios; they are merged into ``--json``
under ``publish`` (the other rows of that file are kept).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from index import exilekg, timed  # noqa: E402


def _tree_memory_mb(root: int) -> float:
    """The memory of ``root`` and every process below it (Linux): the sum of their proportional set
    sizes, so that the pages forked workers share with their parent are counted once."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
    total_kb, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total_kb / 1024


def timed_tree(command: list[str]) -> dict[str, Any]:
    """Run ``command``: its wall time, standard output, and the peak of its process tree's memory
    (sampled every 0.2 s: ``os.wait4`` gives one process's peak, not the sum of a parent's workers)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = 0.0
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read() if process.stdout else b""))
    reader.start()
    while process.poll() is None:
        peak = max(peak, _tree_memory_mb(process.pid))
        time.sleep(0.2)
    reader.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "peak_mb": round(peak, 1),
        "output": b"".join(chunks),
    }


def site_digest(site: Path) -> tuple[str, int]:
    """One digest of every file of ``site`` (path and bytes), and the number of files."""
    sha = hashlib.sha256()
    files = sorted(p for p in site.rglob("*") if p.is_file())
    for path in files:
        sha.update(str(path.relative_to(site)).encode())
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest(), len(files)


def main(argv: list[str] | None = None) -> None:
    from run import compile_package, corpus_for, merge_rows, sized_parser

    args = sized_parser(__doc__, "publish", [100_000, 1_000_000]).parse_args(argv)
    compile_package()
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
        for name, out, extra in (
            ("index", indexed, []),
            ("index, one process", indexed, ["--workers", "1"]),
            ("dumps", plain, []),
        ):
            shutil.rmtree(site, ignore_errors=True)
            runs[name] = timed_tree(exilekg("publish", str(out), "--site", str(site), *extra))
            runs[name]["digest"], runs[name]["files"] = site_digest(site)
            print(
                f"[{triples:,}] publish from the {name}: {runs[name]['seconds']:.2f} s, "
                f"{runs[name]['peak_mb']:.0f} MB, {runs[name]['files']} files",
                flush=True,
            )
        if len({run["digest"] for run in runs.values()}) != 1:
            raise SystemExit("the sites published from the index, by one process and from the dumps differ")
        summary = runs["index"]["output"].decode("utf-8").strip().splitlines()[-1]
        pages = int(summary.split(" pages", 1)[0].split()[-1])
        row = {
            "triples": triples,
            "pages": pages,
            "files": runs["index"]["files"],
            "index_s": runs["index"]["seconds"],
            "index_peak_mb": runs["index"]["peak_mb"],
            "index_one_process_s": runs["index, one process"]["seconds"],
            "index_one_process_peak_mb": runs["index, one process"]["peak_mb"],
            "dumps_s": runs["dumps"]["seconds"],
            "dumps_peak_mb": runs["dumps"]["peak_mb"],
            "index_ms_per_page": round(1000 * runs["index"]["seconds"] / pages, 2),
            "dumps_ms_per_page": round(1000 * runs["dumps"]["seconds"] / pages, 2),
            "time_ratio": round(runs["index"]["seconds"] / runs["dumps"]["seconds"], 2),
            "workers_speedup": round(runs["index, one process"]["seconds"] / runs["index"]["seconds"], 2),
            "memory_ratio": round(runs["index"]["peak_mb"] / runs["dumps"]["peak_mb"], 2),
            "identical": True,
        }
        rows.append(row)
        print(
            f"[{triples:,}] {pages:,} pages: from the index {row['index_s']:.1f} s and "
            f"{row['index_peak_mb']:.0f} MB ({row['index_ms_per_page']} ms a page; one process "
            f"{row['index_one_process_s']:.1f} s), from the dumps {row['dumps_s']:.1f} s and "
            f"{row['dumps_peak_mb']:.0f} MB; the same bytes",
            flush=True,
        )
    merge_rows(args.json, "publish", rows)


if __name__ == "__main__":
    main()
