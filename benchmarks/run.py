"""exilekg build against the floor and the rdflib + pyld pipeline, on generated corpora.

    python benchmarks/run.py --triples 100k,1m --stream 1m,10m --json benchmarks/results/latest.json

For each size in ``--triples``: a corpus of about that many triples is generated
(benchmarks/generate.py, kept in ``--work`` and reused), then three things run, one at
a time, each in a child process whose wall time and peak RSS (``os.wait4``) are taken (``--repeat
N``: N rounds of the three, one after the other, keeping the run of median time of each and every
run's time as ``samples``):

- ``exilekg build CORPUS --out OUT --quiet``, end to end, every format (interpreter
  start, imports, read, validate, mentions, map, N-Triples, N-Quads, Turtle, TriG,
  JSON-LD, void.ttl), with the time of each stage; its peak memory is its own plus
  that of its Turtle and TriG worker processes, counted as if they peaked together, or the
  sampled peak PSS of its whole process tree when larger;
- on a machine of several cores, the same build with ``--workers 0`` (mapped in one process per
  core), whose dumps must be the same bytes;
- the floor: the same triples as Python dicts (read from the build's N-Quads, not
  timed) written as N-Triples with f-strings;
- the rdflib + pyld pipeline on the same triples: rdflib ``Dataset`` and ``Graph.add``
  of every quad, rdflib's Turtle and N-Quads serializers, and pyld's ``from_rdf`` and
  ``compact`` with exilekg's context to JSON-LD.

For each size in ``--stream``: ``exilekg build --format nt --format nq`` alone, to see
that N-Triples and N-Quads stream (flat memory, time linear in the triples).

For each size in ``--incremental``: a copy of the corpus is built with ``--incremental`` (a full
build that records its state), one fact's description is changed, and the corpus is built again with
``--incremental`` and, as the baseline in the same run, without it into a fresh folder; the two
folders' dumps must be the same bytes. Each round also times the floor of a rebuild that writes
every dump again: the rebuilt dumps copied in the kernel, digested (SHA-256) and synced, a thread
each, side by side, and the copies removed. ``--repeat N`` makes that N rounds (a change, the
rebuild, the full build, the floor) and keeps the median of each, which a machine whose speed
varies needs. ``--incremental-index`` does the same with ``--index``, and ``--incremental-entity``
after one added person that no text names instead of a changed fact: the table of names changes,
so every document's mentions are found again (and found the same); ``--incremental-text`` after
a paragraph added to one article's text (its record's ``sha256`` and ``wordCount`` updated): the
document's graph and the facts whose evidence lies after the paragraph are mapped again.

For each size in ``--recording``: the first ``--incremental`` build (a full build that records its
state) in one process and with ``--workers 0`` (one mapping process per core), and a full build
both ways, in turns, ``--repeat`` rounds; the two recording builds' folders (the state included)
must be the same bytes.

Prints a table of times and ratios, checks the targets of the performance issue, and
writes everything (with the machine it ran on) as JSON.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FLOOR_CHUNK = 250_000
"""Quads held as dicts at a time by the floor: its input is made in chunks so that 10M fit, and only
the writing is timed."""


# -- children -------------------------------------------------------------------------------------


class _StageTimer:
    """A Progress that records when each stage of the build starts."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        self.marks.append((name, time.perf_counter()))

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        self.marks.append(("end", time.perf_counter()))

    def seconds(self) -> dict[str, float]:
        return {
            name: round(after - before, 3)
            for (name, before), (_, after) in zip(self.marks, self.marks[1:], strict=False)
        }


def child_build(corpus: str, out: str, formats: list[str], *extra: str) -> dict[str, Any]:
    """``exilekg build`` through its click command, with a stage timer in place of the bars."""
    import contextlib
    import io

    import exilekg.cli.build as cli_build
    from exilekg.cli import cli
    from exilekg.terms import PREFIXES

    timer = _StageTimer()
    cli_build._progress = lambda quiet: timer  # type: ignore[assignment]
    results: list[Any] = []
    library_build = cli_build.build

    def recorded(*args: Any, **kwargs: Any) -> Any:
        results.append(library_build(*args, **kwargs))
        return results[-1]

    cli_build.build = recorded  # type: ignore[assignment]
    args = ["build", corpus, "--out", out, "--quiet", *[a for f in formats for a in ("--format", f)], *extra]
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        cli.main(args, standalone_mode=False)
    return {
        "stages": timer.seconds(),
        "main_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "prefixes": PREFIXES,  # for the workers measured again on the build's text
        "summary": said.getvalue().strip(),
        "workers": results[-1].workers,
        "unsharded": results[-1].unsharded,
    }


def count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b""))


def _dict_chunks(nquads: str) -> Any:
    """The quads of a dump as plain dicts of strings, ``FLOOR_CHUNK`` at a time."""
    import pyoxigraph as ox

    chunk: list[dict[str, Any]] = []
    for quad in ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS):
        o = quad.object
        if isinstance(o, ox.Literal):
            datatype = o.datatype.value
            chunk.append(
                {
                    "s": quad.subject.value,
                    "p": quad.predicate.value,
                    "value": o.value,
                    "language": o.language,
                    "datatype": None if datatype.endswith("#string") or o.language else datatype,
                }
            )
        else:
            chunk.append({"s": quad.subject.value, "p": quad.predicate.value, "iri": o.value})
        if len(chunk) == FLOOR_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def child_floor(nquads: str, out: str) -> dict[str, Any]:
    """The floor: dicts to N-Triples with f-strings; only the formatting and writing is timed."""
    seconds = 0.0
    triples = 0
    with Path(out).open("w", encoding="utf-8", newline="\n") as stream:
        for chunk in _dict_chunks(nquads):
            started = time.perf_counter()
            lines = []
            for t in chunk:
                if "iri" in t:
                    lines.append(f"<{t['s']}> <{t['p']}> <{t['iri']}> .\n")
                    continue
                value = t["value"].translate(_ESCAPES)
                if t["language"]:
                    lines.append(f'<{t["s"]}> <{t["p"]}> "{value}"@{t["language"]} .\n')
                elif t["datatype"]:
                    lines.append(f'<{t["s"]}> <{t["p"]}> "{value}"^^<{t["datatype"]}> .\n')
                else:
                    lines.append(f'<{t["s"]}> <{t["p"]}> "{value}" .\n')
            stream.write("".join(lines))
            seconds += time.perf_counter() - started
            triples += len(chunk)
    return {"seconds": round(seconds, 3), "triples": triples}


def child_rdflib(nquads: str, out: str) -> dict[str, Any]:
    """rdflib Graph.add, rdflib Turtle and N-Quads, pyld from_rdf + compact; reading the input untimed."""
    import pyoxigraph as ox
    import rdflib
    from pyld import jsonld

    from exilekg.jsonld import _context, document_loader
    from exilekg.terms import PREFIXES

    quads = []
    for q in ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS):
        o = q.object
        if isinstance(o, ox.Literal):
            obj: Any = (o.value, o.datatype.value, o.language)
        else:
            obj = o.value
        quads.append((q.subject.value, q.predicate.value, obj, q.graph_name.value))
    steps: dict[str, float] = {}
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    dataset = rdflib.Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, rdflib.Namespace(namespace))
    graphs: dict[str, rdflib.Graph] = {}
    union = rdflib.Graph()
    for s, p, o, g in quads:
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = dataset.graph(rdflib.URIRef(g))
        if isinstance(o, tuple):
            term: Any = rdflib.Literal(
                o[0], lang=o[2], datatype=None if o[2] else rdflib.URIRef(o[1]), normalize=False
            )
        else:
            term = rdflib.URIRef(o)
        triple = (rdflib.URIRef(s), rdflib.URIRef(p), term)
        graph.add(triple)
        union.add(triple)
    steps["Graph.add"] = time.perf_counter() - started

    mark = time.perf_counter()
    for prefix, namespace in PREFIXES.items():
        union.bind(prefix, rdflib.Namespace(namespace))
    union.serialize(folder / "rdflib.ttl", format="turtle")
    steps["Turtle"] = time.perf_counter() - mark

    mark = time.perf_counter()
    dataset.serialize(folder / "rdflib.nq", format="nquads")
    steps["N-Quads"] = time.perf_counter() - mark

    mark = time.perf_counter()
    # pyld's own N-Quads parser checks each new triple against every triple already in its graph
    # (quadratic: it had not finished one 1M-triple dump after 20 minutes), so pyld is handed its
    # dataset form directly, which favours this baseline.
    expanded = jsonld.from_rdf(_pyld_dataset(quads), {})
    compacted = jsonld.compact(expanded, _context(), {"documentLoader": document_loader})
    (folder / "pyld.jsonld").write_text(json.dumps(compacted, ensure_ascii=False, indent=1), encoding="utf-8")
    steps["pyld compact"] = time.perf_counter() - mark
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "steps": {k: round(v, 3) for k, v in steps.items()},
        "triples": len(quads),
    }


def _pyld_dataset(quads: list[tuple[str, str, Any, str]]) -> dict[str, list[dict[str, Any]]]:
    """The quads (unique, as a build writes them) in pyld's RDF dataset form."""
    dataset: dict[str, list[dict[str, Any]]] = {}
    for s, p, o, g in quads:
        if isinstance(o, tuple):
            value, datatype, language = o
            obj: dict[str, str] = {"type": "literal", "value": value, "datatype": datatype}
            if language:
                obj["language"] = language
        else:
            obj = {"type": "IRI", "value": o}
        dataset.setdefault(g, []).append(
            {"subject": {"type": "IRI", "value": s}, "predicate": {"type": "IRI", "value": p}, "object": obj}
        )
    return dataset


def child_verify(out: str) -> dict[str, Any]:
    """Every dump of a build parsed back (pyoxigraph; rapper too when installed): its triple count."""
    import pyoxigraph as ox

    counts: dict[str, Any] = {}
    formats = {
        "exilekg.nt": ox.RdfFormat.N_TRIPLES,
        "exilekg.nq": ox.RdfFormat.N_QUADS,
        "exilekg.ttl": ox.RdfFormat.TURTLE,
        "exilekg.trig": ox.RdfFormat.TRIG,
    }
    for name, fmt in formats.items():
        counts[name] = sum(1 for _ in ox.parse(path=Path(out) / name, format=fmt))
    # The JSON-LD carries its context inline: nothing is fetched.
    counts["exilekg.jsonld"] = sum(1 for _ in ox.parse(path=Path(out) / "exilekg.jsonld"))
    rapper = shutil.which("rapper")
    if rapper:
        syntax = {
            "exilekg.nt": "ntriples",
            "exilekg.nq": "nquads",
            "exilekg.ttl": "turtle",
            "exilekg.trig": "trig",
        }
        for name, kind in syntax.items():
            done = subprocess.run(
                [rapper, "-c", "-i", kind, str(Path(out) / name)], capture_output=True, text=True
            )
            found = re.search(r"returned (\d+) (?:triples|statements)", done.stderr)
            counts[f"{name} (rapper)"] = int(found.group(1)) if done.returncode == 0 and found else None
    return {"counts": counts}


REWRITTEN = ("exilekg.nt", "exilekg.nq", "exilekg.ttl", "exilekg.trig", "exilekg.jsonld")
"""The dumps an incremental rebuild writes again in full."""

REWRITE_CHUNK = 8 << 20


def _rewrite_one(source: Path) -> None:
    """``source`` copied in the kernel to a temporary file beside it, digested (SHA-256, read back
    with ``pread`` as the rebuild's threads read it) and synced; the copy then removed, which frees
    its blocks as the rebuild frees the previous dump's."""
    target = source.with_name(f".{source.name}.floor.tmp")
    sha = hashlib.sha256()
    src = os.open(source, os.O_RDONLY)
    dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        size, offset = os.fstat(src).st_size, 0
        while offset < size:
            length = min(REWRITE_CHUNK, size - offset)
            copied = os.copy_file_range(src, dst, length, offset, offset)
            if not copied:
                raise OSError(f"{source} ended before its end")
            sha.update(os.pread(src, copied, offset))
            offset += copied
        os.fsync(dst)
    finally:
        os.close(src)
        os.close(dst)
    sha.hexdigest()
    target.unlink()


def child_rewrite(out: str) -> dict[str, Any]:
    """The floor of a rebuild that rewrites every dump: each of the build's dumps copied, digested and
    synced by a thread of its own, side by side, as the rebuild's threads do, and nothing else."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [Path(out) / name for name in REWRITTEN if (Path(out) / name).is_file()]
    started = time.perf_counter()
    with ThreadPoolExecutor(len(paths)) as pool:
        list(pool.map(_rewrite_one, paths))
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "bytes": sum(path.stat().st_size for path in paths),
    }


CHILDREN = {
    "build": child_build,
    "floor": child_floor,
    "rdflib": child_rdflib,
    "verify": child_verify,
    "rewrite": child_rewrite,
}


# -- the parent -----------------------------------------------------------------------------------


class TreeMemory:
    """The largest proportional set size (PSS) of a process and all its descendants together,
    sampled every :data:`SAMPLE_SECONDS` while it runs (Linux).

    PSS counts a page shared by several processes (a forked worker's copy-on-write view of the
    build's corpus) once in all, where adding up each process's RSS would count it in every one.
    """

    SAMPLE_SECONDS = 0.1

    def __init__(self, pid: int) -> None:
        import threading

        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[-1].split()[1])
        tree, grown = {self.pid}, True
        while grown:
            more = {pid for pid, parent in parents.items() if parent in tree and pid not in tree}
            tree |= more
            grown = bool(more)
        return sorted(tree)

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="utf-8").splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _run(self) -> None:
        while not self.done.wait(self.SAMPLE_SECONDS):
            self.peak_kb = max(self.peak_kb, sum(self._pss_kb(pid) for pid in self._tree()))

    def stop(self) -> float | None:
        """The peak in MB, or None where it could not be sampled."""
        self.done.set()
        self.thread.join()
        return round(self.peak_kb / 1024, 1) if self.peak_kb else None


def same_bytes(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes, read a piece at a time: the benchmark's own size would
    count into the peak memory Linux reports for every child it starts afterwards."""
    filecmp.clear_cache()  # its cache trusts size and mtime
    return filecmp.cmp(a, b, shallow=False)


def run_child(kind: str, *args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter: its JSON answer, wall time, peak RSS, and the
    sampled peak PSS of its process tree (``tree_pss_peak_mb``)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
    memory = TreeMemory(process.pid) if Path("/proc/self/smaps_rollup").exists() else None
    assert process.stdout is not None
    output = process.stdout.read()
    tree_peak = memory.stop() if memory is not None else None
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark child {kind} failed with exit code {process.returncode}")
    answer: dict[str, Any] = json.loads(output.decode("utf-8").strip().splitlines()[-1])
    answer["wall_seconds"] = round(wall, 3)
    answer["peak_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    answer["tree_pss_peak_mb"] = tree_peak
    return answer


def measured_build(corpus: Path, out: Path, formats: str, *flags: str) -> dict[str, Any]:
    """``exilekg build`` of ``corpus`` into a fresh ``out`` (``formats``: comma-separated, empty for all;
    ``flags``: build options without their dashes, such as ``workers=1``)."""
    shutil.rmtree(out, ignore_errors=True)
    build = run_child("build", str(corpus), str(out), formats, *flags)
    build["triples"] = count_lines(out / "exilekg.nq")
    # wait4 gives the largest process of the tree, not the sum: the peak reported is the build's
    # own plus that of the largest worker for each Turtle or TriG output, as if all peaked at once.
    conversions = sum(f in ("ttl", "trig") for f in formats.split(",")) if formats else 2
    build["largest_process_mb"] = build["peak_mb"]
    prefixes = build.pop("prefixes")
    if conversions:
        build["worker_peak_mb"] = worker_peak(out, prefixes)
        build["peak_mb"] = round(build["main_peak_mb"] + conversions * build["worker_peak_mb"], 1)
    # A build mapped in worker processes has more than its Turtle and TriG workers: the sampled
    # peak of the whole tree counts them all (each shared page once); the larger figure is kept.
    if build.get("tree_pss_peak_mb"):
        build["peak_mb"] = max(build["peak_mb"], build["tree_pss_peak_mb"])
    return build


WORKER_COMPLETE = b"complete\n"
"""``exilekg.writers._oxworker.COMPLETE``, written out: importing exilekg would grow this process."""


def worker_peak(out: Path, prefixes: dict[str, str]) -> float:
    """The peak memory of a Turtle or TriG worker, run again on the text the build gave it.

    Measured apart because a worker started by the build inherits, in its maximum RSS, the
    build's own RSS at the moment it was started (Linux keeps the larger across exec); started
    from this small process, that part is this process's size, so the figure is on the high side.
    """
    # Found without importing exilekg, which would make this process (and the figure) larger.
    spec = importlib.util.find_spec("exilekg")
    assert spec is not None and spec.origin is not None
    worker = str(Path(spec.origin).parent / "writers" / "_oxworker.py")
    peaks = []
    for output, source in (("turtle", "exilekg.nt"), ("trig", "exilekg.nq")):
        # As the build starts it: this process is the parent it dies with, and the text is whole
        # once the marker is on its stdin (a worker whose stdin closes without it stops).
        command = [
            sys.executable,
            "-P",
            worker,
            output,
            json.dumps(prefixes),
            str(out / source),
            str(os.getpid()),
        ]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        assert process.stdin is not None
        process.stdin.write(WORKER_COMPLETE)
        process.stdin.close()
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the {output} worker failed on {out / source}")
        peaks.append(usage.ru_maxrss / 1024)
    return round(max(peaks), 1)


def corpus_for(work: Path, triples: int, seed: int) -> Path:
    """The generated corpus of about ``triples`` triples, made once and kept in ``work``."""
    from generate import articles_for, generate

    folder = work / f"corpus-{triples}-seed{seed}"
    marker = folder / ".complete"
    # The generator's own digest: a corpus kept from an earlier version of it is made again.
    version = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]
    if not marker.exists() or marker.read_text(encoding="utf-8").strip() != version:
        say(f"generating a corpus of about {triples:,} triples in {folder}")
        generate(articles_for(triples, seed), folder, seed)
        marker.write_text(f"{version}\n", encoding="utf-8")
    return folder


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        memory_gib = None
    versions = {}
    for package in ("exilekg", "pyoxigraph", "rdflib", "PyLD", "jsonschema", "jsonschema-rs"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


def compile_package() -> None:
    """exilekg's modules compiled to bytecode beside their sources, as ``pip install`` leaves an
    installed package. Each timed process then reads them compiled, as a user's does: a checkout run
    with ``PYTHONDONTWRITEBYTECODE`` set (as CI sets it) compiles every module again in every
    process, 50 to 70 ms of a 0.2 s query here."""
    import compileall

    import exilekg

    if not compileall.compile_dir(Path(exilekg.__file__).parent, quiet=1):
        raise SystemExit("exilekg's modules could not be compiled to bytecode")


def sized_parser(doc: str, section: str, default: list[int]) -> argparse.ArgumentParser:
    """The options every size-driven benchmark script takes: sizes, work folder, seed, results file."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--triples", type=sizes, default=default, help="corpus sizes, e.g. 100k,1m")
    parser.add_argument("--work", type=Path, default=Path("/tmp/exilekg-bench"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help=f"merge the rows into this file under {section!r}")
    return parser


def merge_rows(path: Path | None, section: str, rows: list[dict[str, Any]]) -> None:
    """``rows`` into the results file at ``path`` under ``section``, with the command and the
    machine; the file's other sections are kept (nothing without a path)."""
    if path is None:
        return
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    report[section] = {"command": " ".join(sys.argv), "machine": machine(), "rows": rows}
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def sizes(text: str) -> list[int]:
    from generate import iter_sizes

    return list(iter_sizes(text)) if text else []


def _fmt_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else round(a / b, 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--triples", default="100k,1m", help="sizes for the full comparison (default 100k,1m)"
    )
    parser.add_argument(
        "--stream", default="1m,10m", help="sizes for the N-Triples + N-Quads only builds (default 1m,10m)"
    )
    parser.add_argument(
        "--incremental", default="1m", help="sizes for the one-changed-record rebuild (default 1m)"
    )
    parser.add_argument(
        "--incremental-index",
        default="",
        help="sizes for the same rebuild with --index, the query index brought up to date (default none)",
    )
    parser.add_argument(
        "--incremental-entity",
        default="",
        help="sizes for the rebuild after one added entity, which has every text's mentions found "
        "again (default none)",
    )
    parser.add_argument(
        "--incremental-text",
        default="",
        help="sizes for the rebuild after a paragraph added to one article's text (its record's "
        "sha256 brought up to date): the document and the facts whose evidence follows it are "
        "mapped again (default none)",
    )
    parser.add_argument(
        "--recording",
        default="",
        help="sizes for the first --incremental build (which records its state) in one process and "
        "split across the cores, against full builds both ways (default none)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of the full rows (the build, the floor, the split build) and of the incremental "
        "rows (a change, the rebuild, a full build); medians are kept",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--update",
        action="store_true",
        help="keep the rows of --json that this run does not measure (each section says which run made it)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/exilekg-bench"), help="corpora and outputs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib + pyld pipeline")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            # Flags for the build are passed without their dashes, which would read as this runner's.
            flags = [f"--{flag}" for flag in rest[3:]]
            answer = child_build(
                rest[0], rest[1], rest[2].split(",") if len(rest) > 2 and rest[2] else [], *flags
            )
        else:
            answer = CHILDREN[kind](*rest)
        print(json.dumps(answer))
        return

    compile_package()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "command": " ".join(["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "full": [],
        "stream": [],
        "incremental": [],
        "recording": [],
    }
    for target in sizes(args.triples):
        corpus = corpus_for(work, target, args.seed)
        out = work / f"out-{target}"
        builds: list[dict[str, Any]] = []
        floors: list[dict[str, Any]] = []
        splits: list[dict[str, Any]] = []
        for round_ in range(1, args.repeat + 1):
            rounds = f"round {round_}/{args.repeat}: " if args.repeat > 1 else ""
            say(f"[{target:,}] {rounds}exilekg build, every format")
            builds.append(measured_build(corpus, out, ""))
            say(f"[{target:,}] {rounds}floor: f-string N-Triples from dicts")
            floors.append(run_child("floor", str(out / "exilekg.nq"), str(work / f"floor-{target}.nt")))
            if (os.cpu_count() or 1) > 1:
                say(f"[{target:,}] {rounds}exilekg build --workers 0 (one per core), every format")
                split_out = work / f"out-split-{target}"
                split = measured_build(corpus, split_out, "", "workers=0")
                names = sorted(p.name for p in out.iterdir() if p.is_file())
                same = all(same_bytes(out / name, split_out / name) for name in names)
                splits.append({**split, "same_bytes": same})
                shutil.rmtree(split_out, ignore_errors=True)
        say(f"[{target:,}] every dump parsed back")
        verify = run_child("verify", str(out))
        row: dict[str, Any] = {
            "target": target,
            "triples": builds[0]["triples"],
            "exilekg": median_run(builds, "wall_seconds"),
            "floor": median_run(floors, "seconds"),
            "parsed_back": verify["counts"],
        }
        if splits:
            row["split"] = median_run(splits, "wall_seconds")
            row["split"]["same_bytes"] = all(split["same_bytes"] for split in splits)
        if not args.no_rdflib:
            say(f"[{target:,}] rdflib Graph.add + Turtle + N-Quads + pyld compact")
            row["rdflib_pyld"] = run_child("rdflib", str(out / "exilekg.nq"), str(work / f"rdflib-{target}"))
            shutil.rmtree(work / f"rdflib-{target}", ignore_errors=True)
        report["full"].append(row)
        (work / f"floor-{target}.nt").unlink(missing_ok=True)
    for target in sizes(args.stream):
        corpus = corpus_for(work, target, args.seed)
        out = work / f"out-stream-{target}"
        say(f"[{target:,}] exilekg build --format nt --format nq")
        build = measured_build(corpus, out, "nt,nq")
        report["stream"].append({"target": target, "triples": build["triples"], "exilekg": build})
        shutil.rmtree(out, ignore_errors=True)
    for target in sizes(args.incremental):
        report["incremental"].append(
            incremental_row(work, corpus_for(work, target, args.seed), target, repeat=args.repeat)
        )
    for target in sizes(args.incremental_index):
        report["incremental"].append(
            incremental_row(work, corpus_for(work, target, args.seed), target, "index", repeat=args.repeat)
        )
    for target in sizes(args.incremental_entity):
        corpus = corpus_for(work, target, args.seed)
        report["incremental"].append(
            incremental_row(work, corpus, target, repeat=args.repeat, change=add_one_entity)
        )
    for target in sizes(args.incremental_text):
        corpus = corpus_for(work, target, args.seed)
        report["incremental"].append(
            incremental_row(work, corpus, target, repeat=args.repeat, change=change_one_text)
        )
    for target in sizes(args.recording):
        report["recording"].append(
            recording_row(work, corpus_for(work, target, args.seed), target, repeat=args.repeat)
        )
    report["targets"] = targets(report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(table(report))
    if args.json and args.update and args.json.exists():
        earlier = json.loads(args.json.read_text(encoding="utf-8"))
        for section in ("full", "stream", "incremental", "recording"):
            if not report[section] and earlier.get(section):
                report[section] = earlier[section]
                # The run that measured them: the earlier file's own, or the one it had kept them from.
                report.setdefault("kept", {})[section] = earlier.get("kept", {}).get(section) or {
                    "command": earlier.get("command"),
                    "machine": earlier.get("machine"),
                }
        # Sections the other benchmarks write (index, publish, load ...) are theirs to replace.
        for section, rows in earlier.items():
            report.setdefault(section, rows)
        report["targets"] = targets(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        say(f"wrote {args.json}")


def median_run(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The run whose ``key`` is the median of ``runs`` (the upper one of an even number), whole, so
    that its stages are its own; with several, every run's ``key`` as ``samples``, and the largest
    peak memory of all as ``peak_mb`` (a limit on memory must hold for every run)."""
    chosen = dict(sorted(runs, key=lambda run: run[key])[len(runs) // 2])
    if len(runs) > 1:
        chosen["samples"] = [run[key] for run in runs]
        if all("peak_mb" in run for run in runs):
            chosen["peak_mb"] = max(run["peak_mb"] for run in runs)
    return chosen


def change_one_record(corpus: Path) -> str:
    """Change the description of one fact of ``corpus`` (the middle one of its largest records file)."""
    files = sorted((corpus / "records").rglob("*.json"), key=lambda p: p.stat().st_size)
    path = files[-1]
    records = json.loads(path.read_text(encoding="utf-8"))
    facts = [r for r in records if r.get("kind") not in (None, "Person", "Organization", "Place", "Event")]
    record = (facts or records)[len(facts or records) // 2]
    record["description"] = f"{record.get('description', '')} (corrected)".strip()
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(record.get("id"))


def add_one_entity(corpus: Path) -> str:
    """Add a person no text names to ``corpus``, in a records file of its own: the table of names
    mentions are found with changes, so every document's mentions are found again (and found the
    same)."""
    records = corpus / "records"
    number = len(list(records.glob("added-entity-*.json"))) + 1
    suffix = "".join(chr(ord("a") + int(digit)) for digit in str(number))  # letters: names no text has
    entity = {"kind": "Person", "id": f"added-entity-{number}", "name": f"Zyxwv Qjorkenbeck{suffix}"}
    (records / f"added-entity-{number}.json").write_text(json.dumps([entity]), encoding="utf-8")
    return entity["id"]


def change_one_text(corpus: Path) -> str:
    """Add a paragraph to one article's text (the middle document's), after the paragraph that
    holds the text's middle, with its record's ``sha256`` and ``wordCount`` brought up to date: the
    document's mentions after it move, and so does the evidence that the text's later paragraphs
    hold."""
    documents = sorted((corpus / "documents").glob("*.json"))
    path = documents[len(documents) // 2]
    record = json.loads(path.read_text(encoding="utf-8"))
    text_path = corpus / "texts" / record["text"]
    text = text_path.read_bytes().decode("utf-8")
    at = text.find("\n\n", len(text) // 2)
    changed = f"{text[:at]}\n\nA paragraph added in revision.{text[at:]}" if at >= 0 else f"{text}\n\nAdded."
    raw = changed.encode("utf-8")
    text_path.write_bytes(raw)
    record["sha256"] = hashlib.sha256(raw).hexdigest()
    record["wordCount"] = len(changed.split())
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(record["id"])


CHANGES = {change_one_record: "record", add_one_entity: "entity", change_one_text: "text"}
"""What each change makes of a corpus, by the name its rows carry."""


def incremental_row(
    work: Path,
    corpus: Path,
    target: int,
    *options: str,
    repeat: int = 1,
    change: Callable[[Path], str] = change_one_record,
) -> dict[str, Any]:
    """A full build against a rebuild after ``change`` (one changed record, one added entity, or
    one changed text), measured in the same run; both with the build flags ``options`` (``index``:
    the query index too). With ``repeat``, that many rounds (a change, the rebuild, then a full
    build of the changed corpus), and the medians of each."""
    copy = work / f"incremental-corpus-{target}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(corpus, copy)
    spliced, full = work / f"incremental-out-{target}", work / f"incremental-full-{target}"
    shutil.rmtree(spliced, ignore_errors=True)
    flags = "".join(f" --{option}" for option in options)
    say(f"[{target:,}] exilekg build --incremental{flags} (a full build that records its state)")
    recording = run_child("build", str(copy), str(spliced), "", "incremental", *options)
    load = [round(x, 2) for x in os.getloadavg()]
    rebuilds: list[dict[str, Any]] = []
    baselines: list[dict[str, Any]] = []
    floors: list[dict[str, Any]] = []
    identical = True
    for round_ in range(1, repeat + 1):
        changed = change(copy)
        say(
            f"[{target:,}] round {round_}/{repeat}: one {CHANGES[change]} changed or added ({changed}): "
            f"exilekg build --incremental{flags}"
        )
        rebuilds.append(run_child("build", str(copy), str(spliced), "", "incremental", *options))
        say(f"[{target:,}] round {round_}/{repeat}: the same corpus, a full build{flags}")
        shutil.rmtree(full, ignore_errors=True)
        baselines.append(run_child("build", str(copy), str(full), "", *options))
        names = [p.name for p in sorted(full.iterdir()) if p.is_file() and p.name != "exilekg.state.json"]
        identical = identical and all(same_bytes(full / n, spliced / n) for n in names)
        say(f"[{target:,}] round {round_}/{repeat}: the floor, every dump copied, digested and synced")
        floors.append(run_child("rewrite", str(spliced)))
    rebuild = median_run(rebuilds, "wall_seconds")
    baseline = median_run(baselines, "wall_seconds")
    floor = median_run(floors, "seconds")["seconds"]
    mapped = re.search(r"incremental: (\d+) of (\d+) units mapped", rebuild["summary"])
    row = {
        "target": target,
        "options": list(options),
        "change": CHANGES[change],
        "triples": count_lines(full / "exilekg.nq"),
        "changed_record": changed,
        "load_average": load,
        "rounds": repeat,
        "full_seconds": baseline["wall_seconds"],
        "full_samples": [r["wall_seconds"] for r in baselines],
        "recording_seconds": recording["wall_seconds"],
        "incremental_seconds": rebuild["wall_seconds"],
        "incremental_samples": [r["wall_seconds"] for r in rebuilds],
        "incremental_stages": rebuild["stages"],
        "incremental_peak_mb": max(r["peak_mb"] for r in rebuilds),
        "incremental_peaks_mb": [r["peak_mb"] for r in rebuilds],
        "units_mapped": int(mapped.group(1)) if mapped else None,
        "units": int(mapped.group(2)) if mapped else None,
        "identical": identical,
        "ratio": _ratio(rebuild["wall_seconds"], baseline["wall_seconds"]),
        # The least a rebuild that writes every dump again can take, against the full build.
        "rewrite_floor_seconds": floor,
        "rewrite_floor_samples": [f["seconds"] for f in floors],
        "rewrite_floor_bytes": floors[-1]["bytes"],
        "rewrite_floor_ratio": _ratio(floor, baseline["wall_seconds"]),
    }
    for folder in (copy, spliced, full):
        shutil.rmtree(folder, ignore_errors=True)
    return row


def recording_row(work: Path, corpus: Path, target: int, repeat: int = 1) -> dict[str, Any]:
    """The first ``--incremental`` build of ``corpus`` (it records its state) in one process and
    split across the cores, and a full build both ways, in turns, ``repeat`` rounds (medians)."""
    kinds = {
        "recording": ("incremental",),
        "recording_split": ("incremental", "workers=0"),
        "full": (),
        "full_split": ("workers=0",),
    }
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    differing: set[str] = set()
    for round_ in range(1, repeat + 1):
        for kind, flags in kinds.items():
            shown = " ".join(f"--{flag}".replace("=", " ") for flag in flags)
            say(f"[{target:,}] round {round_}/{repeat}: exilekg build {shown}")
            out = work / f"recording-{kind}-{target}"
            shutil.rmtree(out, ignore_errors=True)
            runs[kind].append(run_child("build", str(corpus), str(out), "", *flags))
        one, split = work / f"recording-recording-{target}", work / f"recording-recording_split-{target}"
        names = sorted(p.name for p in one.iterdir() if p.is_file())
        others = sorted(p.name for p in split.iterdir() if p.is_file())
        differing |= set(names) ^ set(others)
        differing |= {n for n in names if n in others and not same_bytes(one / n, split / n)}
    row: dict[str, Any] = {"target": target, "triples": count_lines(one / "exilekg.nq"), "rounds": repeat}
    for kind in kinds:
        chosen = median_run(runs[kind], "wall_seconds")
        row[kind] = {
            "seconds": chosen["wall_seconds"],
            "samples": [r["wall_seconds"] for r in runs[kind]],
            "peak_mb": max(r.get("tree_pss_peak_mb") or r["peak_mb"] for r in runs[kind]),
            "stages": chosen["stages"],
            "workers": chosen["workers"],
        }
        shutil.rmtree(work / f"recording-{kind}-{target}", ignore_errors=True)
    row["identical"] = not differing
    row["differing"] = sorted(differing)
    row["split_over_one"] = _ratio(row["recording_split"]["seconds"], row["recording"]["seconds"])
    row["recording_over_full"] = _ratio(row["recording"]["seconds"], row["full"]["seconds"])
    row["split_recording_over_split_full"] = _ratio(
        row["recording_split"]["seconds"], row["full_split"]["seconds"]
    )
    return row


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and whether it is met."""
    found: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float, smaller_is_better: bool = True) -> None:
        met = None if value is None else (value <= limit if smaller_is_better else value >= limit)
        found.append({"target": name, "value": value, "limit": limit, "met": met})

    full = {row["target"]: row for row in report["full"]}
    big = full.get(max(full)) if full else None
    if big is not None:
        build = big["exilekg"]["wall_seconds"]
        add(f"full build / floor at {big['target']:,}", _ratio(build, big["floor"]["seconds"]), 10)
        if "rdflib_pyld" in big:
            add(
                f"rdflib+pyld / full build at {big['target']:,}",
                _ratio(big["rdflib_pyld"]["wall_seconds"], build),
                10,
                smaller_is_better=False,
            )
        add(f"peak memory of the full build at {big['target']:,} (MB)", big["exilekg"]["peak_mb"], 600)
        if "split" in big:
            split = big["split"]
            add(
                f"full build / floor at {big['target']:,}, on every core (--workers 0)",
                _ratio(split["wall_seconds"], big["floor"]["seconds"]),
                4,
            )
            add(
                f"peak memory of that build at {big['target']:,}, workers included (MB)",
                split["peak_mb"],
                577,
            )
            add(f"--workers 0 / one process at {big['target']:,}", _ratio(split["wall_seconds"], build), 1.0)
            same = split["same_bytes"]
            found.append(
                {
                    "target": f"--workers 0 writes one process's bytes at {big['target']:,}",
                    "value": same,
                    "limit": None,
                    "met": same,
                }
            )
        validate = big["exilekg"]["stages"].get("validate")
        add(f"validation / full build at {big['target']:,}", _ratio(validate, build), 0.2)
        counts = big["parsed_back"]
        triples = {
            counts[n]
            for n in ("exilekg.nt", "exilekg.ttl", "exilekg.nt (rapper)", "exilekg.ttl (rapper)")
            if n in counts
        }
        quads = {counts[n] for n in counts if n.startswith(("exilekg.nq", "exilekg.trig", "exilekg.jsonld"))}
        agree = len(triples) == 1 and quads == {big["triples"]}
        found.append(
            {
                "target": f"every dump at {big['target']:,} parses back whole"
                " (N-Triples = Turtle, N-Quads = TriG = JSON-LD)",
                "value": counts,
                "limit": None,
                "met": agree,
            }
        )
    stream = {row["target"]: row for row in report["stream"]}
    if len(stream) >= 2:
        small, large = stream[min(stream)], stream[max(stream)]
        scale = large["triples"] / small["triples"]
        growth = large["exilekg"]["wall_seconds"] / small["exilekg"]["wall_seconds"]
        add(
            f"NT+NQ time growth {small['target']:,} -> {large['target']:,} per 10x triples",
            round(growth * 10 / scale, 2),
            11,
        )
        add(f"peak memory of the NT+NQ build at {large['target']:,} (MB)", large["exilekg"]["peak_mb"], 1024)
    for row in report.get("incremental", []):
        flags = "".join(f" --{option}" for option in row.get("options", []))
        change = row.get("change", "record")
        if change == "record":  # the target; an added entity has no target of its own
            name = f"one-record incremental rebuild / full build at {row['target']:,}{flags}"
            add(name, row["ratio"], 0.15)
        found.append(
            {
                "target": f"incremental dumps at {row['target']:,}{flags}, one {change} changed or added, "
                "are the full build's bytes",
                "value": row["identical"],
                "limit": None,
                "met": row["identical"],
            }
        )
    return found


def table(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}",
        "",
        "| triples | exilekg build, all formats | peak RSS | floor (f-string NT) | build / floor "
        "| rdflib + pyld | rdflib+pyld / build | validate | validate / build |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["full"]:
        build = row["exilekg"]["wall_seconds"]
        rdf = row.get("rdflib_pyld", {}).get("wall_seconds")
        validate = row["exilekg"]["stages"].get("validate")
        lines.append(
            f"| {row['triples']:,} | {build:.2f} s | {row['exilekg']['peak_mb']:.0f} MB "
            f"| {row['floor']['seconds']:.2f} s | {_ratio(build, row['floor']['seconds'])}x "
            f"| {_fmt_seconds(rdf)} s | {_ratio(rdf, build) or '-'}x "
            f"| {_fmt_seconds(validate)} s | {_ratio(validate, build)} |"
        )
    split = [row for row in report["full"] if row.get("split")]
    if split:
        lines += [
            "",
            "| triples | `--workers 0` (processes) | build | peak (tree PSS) | one process | peak "
            "| one / split | same bytes |",
            "|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in split:
            alone, build = row["exilekg"], row["split"]
            lines.append(
                f"| {row['triples']:,} | {build['workers']} | {build['wall_seconds']:.2f} s "
                f"| {build['peak_mb']:.0f} MB | {alone['wall_seconds']:.2f} s | {alone['peak_mb']:.0f} MB "
                f"| {_ratio(alone['wall_seconds'], build['wall_seconds'])}x | {build['same_bytes']} |"
            )
    if report["stream"]:
        lines += ["", "| triples | exilekg build, N-Triples + N-Quads only | peak RSS |", "|---:|---:|---:|"]
        for row in report["stream"]:
            lines.append(
                f"| {row['triples']:,} | {row['exilekg']['wall_seconds']:.2f} s "
                f"| {row['exilekg']['peak_mb']:.0f} MB |"
            )
    if report.get("incremental"):
        lines += [
            "",
            "| triples | options | change | full build | rebuild, --incremental | ratio "
            "| dumps rewritten alone (floor) | floor / full | units mapped "
            "| same bytes | rounds (medians) | load average |",
            "|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
        ]
        for row in report["incremental"]:
            options = " ".join(f"--{option}" for option in row.get("options", [])) or "-"
            lines.append(
                f"| {row['triples']:,} | {options} | one {row.get('change', 'record')} "
                f"| {row['full_seconds']:.2f} s "
                f"| {row['incremental_seconds']:.2f} s "
                f"| {row['ratio']} | {_fmt_seconds(row.get('rewrite_floor_seconds'))} s "
                f"| {row.get('rewrite_floor_ratio') or '-'} "
                f"| {row['units_mapped']} of {row['units']} | {row['identical']} "
                f"| {row.get('rounds', 1)} | {row['load_average']} |"
            )
    if report.get("recording"):
        lines += [
            "",
            "| triples | first --incremental, one process | with --workers 0 | split / one "
            "| full build, one process | with --workers 0 | same bytes (state included) | rounds |",
            "|---:|---:|---:|---:|---:|---:|---|---:|",
        ]
        for row in report["recording"]:
            one, split = row["recording"], row["recording_split"]
            lines.append(
                f"| {row['triples']:,} | {one['seconds']:.2f} s, {one['peak_mb']:.0f} MB "
                f"| {split['seconds']:.2f} s, {split['peak_mb']:.0f} MB "
                f"| {row['split_over_one']} | {row['full']['seconds']:.2f} s "
                f"| {row['full_split']['seconds']:.2f} s | {row['identical']} | {row['rounds']} |"
            )
    stages = [row for row in report["full"]]
    if stages:
        lines += ["", "stages of the largest full build (s):"]
        for name, seconds in stages[-1]["exilekg"]["stages"].items():
            lines.append(f"  {name:<14} {seconds:7.2f}")
        if "rdflib_pyld" in stages[-1]:
            steps = ", ".join(f"{k} {v:.1f}" for k, v in stages[-1]["rdflib_pyld"]["steps"].items())
            lines.append(f"rdflib + pyld steps (s): {steps}")
    lines += ["", "targets:"]
    for t in report["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
        lines.append(f"  {t['target']}: {t['value']} (limit {t['limit']}) {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
