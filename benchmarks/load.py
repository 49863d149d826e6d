"""exilekg load into a local Oxigraph server against Oxigraph's own bulk loader, on generated corpora.

    python benchmarks/load.py --triples 100k,1m [--json benchmarks/results/latest.json]

For each size: a corpus of about that many triples (benchmarks/generate.py, kept in ``--work`` and
reused) is built to N-Quads once. Then, each end to end in a child process (wall time and peak RSS
from ``os.wait4``):

- the baseline, ``oxigraph load --location DIR --file exilekg.nq``: the server's bulk loader writing
  its store directly, no HTTP;
- ``exilekg load BUILD --endpoint URL``, into an ``oxigraph serve`` on 127.0.0.1 started empty for
  the run: the quads of many graphs a request to the server's bulk loader, each graph's triples
  counted afterwards;
- ``exilekg load BUILD --endpoint URL --replace`` of the same build into that server, and into
  another one started empty: each graph's triples read, and only the difference written, in one
  transaction (nothing, then everything).

Both stores must hold the dump's quads (the served one also holds ``void.ttl``). The rows are merged
into ``--json`` under ``load`` (the other rows of that file are kept).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from index import exilekg, timed  # noqa: E402

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def count(url: str) -> int:
    answer = requests.get(
        f"{url}/query",
        params={"query": _COUNT},
        headers={"Accept": "application/sparql-results+json"},
        timeout=600,
    )
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def serve(binary: str, location: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``oxigraph serve`` on a free port of 127.0.0.1, once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"oxigraph serve exited with status {process.returncode}")
        try:
            if requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2).ok:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("oxigraph serve did not answer within 60 s")


def served(
    binary: str, location: Path, build: Path, loads: list[list[str] | None]
) -> list[tuple[dict[str, Any], int]]:
    """Start ``oxigraph serve`` on ``location``; for each of ``loads``, ``exilekg load BUILD`` with
    those options timed (None: nothing run) and the quads the server then holds; then stop it."""
    server, url = serve(binary, location)
    results: list[tuple[dict[str, Any], int]] = []
    try:
        for options in loads:
            command = (
                None
                if options is None
                else exilekg("load", str(build), "--endpoint", url, *options, "--quiet")
            )
            results.append(({} if command is None else timed(command), count(url)))
    finally:
        server.terminate()
        server.wait()
    return results


def main(argv: list[str] | None = None) -> None:
    from run import compile_package, corpus_for, merge_rows, sized_parser

    args = sized_parser(__doc__, "load", [100_000, 1_000_000]).parse_args(argv)
    compile_package()
    binary = shutil.which("oxigraph")
    if binary is None:
        raise SystemExit("the oxigraph command is needed: pip install oxigraph")
    rows: list[dict[str, Any]] = []
    for triples in args.triples:
        corpus = corpus_for(args.work, triples, args.seed)
        out = args.work / f"load-{triples}-build"
        shutil.rmtree(out, ignore_errors=True)
        timed(exilekg("build", str(corpus), "--out", str(out), "--format", "nq", "--quiet"))
        bulk_store, served_store = args.work / f"load-{triples}-bulk", args.work / f"load-{triples}-served"
        for folder in (bulk_store, served_store):
            shutil.rmtree(folder, ignore_errors=True)
        bulk = timed([binary, "load", "--location", str(bulk_store), "--file", str(out / "exilekg.nq")])
        print(
            f"[{triples:,}] oxigraph load --file: {bulk['seconds']:.2f} s, {bulk['peak_mb']:.0f} MB",
            flush=True,
        )
        ((_, bulk_quads),) = served(binary, bulk_store, out, [None])
        # Into a server started empty: a load; then the same build again with --replace (nothing to
        # write). Into another one started empty: --replace (everything written, as one transaction).
        (loaded, served_quads), (replaced, replaced_quads) = served(
            binary, served_store, out, [[], ["--replace"]]
        )
        print(
            f"[{triples:,}] exilekg load over HTTP: {loaded['seconds']:.2f} s, {loaded['peak_mb']:.0f} MB",
            flush=True,
        )
        fresh_store = args.work / f"load-{triples}-replaced"
        shutil.rmtree(fresh_store, ignore_errors=True)
        ((first, first_quads),) = served(binary, fresh_store, out, [["--replace"]])
        print(
            f"[{triples:,}] exilekg load --replace into an empty store: {first['seconds']:.2f} s, "
            f"{first['peak_mb']:.0f} MB",
            flush=True,
        )
        print(
            f"[{triples:,}] exilekg load --replace of the same build: {replaced['seconds']:.2f} s, "
            f"{replaced['peak_mb']:.0f} MB",
            flush=True,
        )
        if served_quads < bulk_quads or replaced_quads != served_quads or first_quads != served_quads:
            raise SystemExit(
                f"the served store holds {served_quads} quads ({replaced_quads} after --replace, "
                f"{first_quads} replaced into an empty store), the bulk-loaded one {bulk_quads}"
            )
        row = {
            "triples": triples,
            "dump_quads": bulk_quads,
            "served_quads": served_quads,
            "oxigraph_load_s": bulk["seconds"],
            "oxigraph_load_peak_mb": bulk["peak_mb"],
            "exilekg_load_s": loaded["seconds"],
            "exilekg_load_peak_mb": loaded["peak_mb"],
            "ratio": round(loaded["seconds"] / bulk["seconds"], 2),
            "exilekg_replace_empty_s": first["seconds"],
            "exilekg_replace_empty_peak_mb": first["peak_mb"],
            "replace_empty_ratio": round(first["seconds"] / bulk["seconds"], 2),
            "exilekg_replace_s": replaced["seconds"],
            "exilekg_replace_peak_mb": replaced["peak_mb"],
            "replace_ratio": round(replaced["seconds"] / bulk["seconds"], 2),
        }
        rows.append(row)
        print(
            f"[{triples:,}] exilekg load {row['ratio']}x the bulk loader (target <= 3); "
            f"{served_quads:,} quads served, {bulk_quads:,} bulk-loaded",
            flush=True,
        )
    merge_rows(args.json, "load", rows)


if __name__ == "__main__":
    main()
