"""Builds mapped in several processes: the bytes of one process, or one process when they could differ."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exilekg import pipeline, sharded
from exilekg.check.checker import Checker
from exilekg.cli import cli
from exilekg.corpus import Corpus, read_corpus
from exilekg.errors import CorpusError, ValidationError
from exilekg.formats import RdfFormat
from exilekg.incremental import STATE_NAME
from exilekg.incremental.jsonld import NODE_SEPARATOR, Layout, write_jsonld
from exilekg.incremental.state import UnitState
from exilekg.map import Mapper, Unit
from exilekg.mentions import DocumentMentions, MentionFinder
from exilekg.pipeline import ALL_FORMATS, build
from exilekg.processes import available_cores
from exilekg.progress import Progress, as_progress
from exilekg.terms import IRI, RDF, SCHEMA, Literal

from .conftest import EXAMPLE
from .test_build_killed import _alive, _stop, _survivors
from .test_engines import load_generator

pytestmark = pytest.mark.skipif(not sharded.can_fork(), reason="split builds fork their workers")


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 40 articles and their records (about 15,000 triples)."""
    return Path(load_generator().generate(40, tmp_path_factory.mktemp("generated") / "corpus"))


@pytest.fixture(scope="module")
def one_process(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("one-process")
    result = build(generated, out, workers=1)
    assert result.workers == 1
    return out


@pytest.fixture(scope="module")
def recorded_in_one_process(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("recorded-one-process")
    result = build(generated, out, incremental=True)
    assert result.workers == 1 and result.reuse is not None and not result.reuse.incremental
    return out


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "first-incremental"])
@pytest.mark.parametrize(("workers", "chunks"), [(2, 8), (3, 1), (2, 40)])
def test_a_split_build_writes_the_bytes_of_one_process(
    generated: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    workers: int,
    chunks: int,
    incremental: bool,
) -> None:
    """A full build, or a first incremental one, which maps every unit and records each one's state:
    split, the same dumps (and the same exilekg.state.json) as in one process."""
    expected: Path = request.getfixturevalue("recorded_in_one_process" if incremental else "one_process")
    monkeypatch.setattr(sharded, "CHUNKS_PER_WORKER", chunks)
    result = build(generated, tmp_path / "out", workers=workers, incremental=incremental)
    assert result.unsharded is None
    assert result.workers == workers
    assert _files(tmp_path / "out") == _files(expected)
    assert (STATE_NAME in _files(expected)) is incremental
    if incremental:
        assert result.reuse is not None and result.reuse.mapped == result.reuse.units > 0
    alone = build(generated, tmp_path / "again", workers=1, incremental=incremental)
    assert (result.quads, result.triples, result.subjects) == (alone.quads, alone.triples, alone.subjects)
    assert (result.graphs, result.classes) == (alone.graphs, alone.classes)


def _units(corpus_dir: Path) -> tuple[Corpus, list[Unit]]:
    corpus = read_corpus(corpus_dir)
    mapper = Mapper(corpus, {}, {})
    units = []
    for unit in mapper.units():
        mapper.skip(unit)
        units.append(unit)
    return corpus, units


@pytest.mark.parametrize("largest", [1, 40, 300, 10**9])
def test_units_are_cut_into_runs_of_bounded_weight(generated: Path, largest: int) -> None:
    corpus, units = _units(generated)
    chunks = sharded._chunks(corpus, units, 4, largest)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(units)
    assert all(start < stop for start, stop in chunks)
    assert all(before[1] == after[0] for before, after in itertools.pairwise(chunks))
    weights = [
        sharded._weight_of_document(corpus, u.record) if u.key.startswith("document ") and u.record else 1
        for u in units
    ]
    total, heaviest = sum(weights), max(weights)
    assert heaviest > 1  # documents weigh by their text
    share = min(-(-total // 4), largest)
    assert all(sum(weights[start:stop]) < share + heaviest for start, stop in chunks)
    if largest >= total:
        assert len(chunks) <= 4
    else:
        assert len(chunks) > total // (largest + heaviest)


def test_a_split_build_in_chunks_of_bounded_weight_writes_the_bytes_of_one_process(
    generated: Path, one_process: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cut: list[int] = []
    chunks = sharded._chunks

    def counted(corpus: Corpus, units: list[Unit], count: int, largest: int) -> list[tuple[int, int]]:
        cut.append(len(found := chunks(corpus, units, count, largest)))
        return found

    monkeypatch.setattr(sharded, "CHUNK_WEIGHT", 60)
    monkeypatch.setattr(sharded, "_chunks", counted)
    result = build(generated, tmp_path / "out", workers=2)
    assert result.unsharded is None and result.workers == 2
    assert cut and cut[0] > 2 * sharded.CHUNKS_PER_WORKER  # the weight, not the workers, set the count
    assert _files(tmp_path / "out") == _files(one_process)


def test_workers_share_the_table_of_names_made_before_they_are_forked(
    generated: Path, one_process: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare = DocumentMentions.prepare

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a table of names made after prepare()")

    made: list[DocumentMentions] = []

    def prepared(self: DocumentMentions) -> None:
        prepare(self)
        made.append(self)
        # What the workers are forked with: making the table again fails them (and the build).
        monkeypatch.setattr(MentionFinder, "__init__", refuse)

    monkeypatch.setattr(DocumentMentions, "prepare", prepared)
    result = build(generated, tmp_path / "out", workers=2)
    assert len(made) == 1
    assert result.unsharded is None and result.workers == 2
    assert _files(tmp_path / "out") == _files(one_process)


def test_the_example_corpus_split_in_many_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharded, "CHUNKS_PER_WORKER", 20)
    build(EXAMPLE, tmp_path / "one", workers=1)
    result = build(EXAMPLE, tmp_path / "split", workers=2)
    assert result.unsharded is None and result.workers == 2
    assert _files(tmp_path / "split") == _files(tmp_path / "one")


@pytest.mark.parametrize(
    "formats",
    [
        (RdfFormat.TURTLE,),
        (RdfFormat.JSONLD,),
        (RdfFormat.NQUADS, RdfFormat.TRIG),
        (RdfFormat.NTRIPLES, RdfFormat.JSONLD),
    ],
    ids=lambda formats: "+".join(f.extension for f in formats),
)
def test_some_formats_split(generated: Path, tmp_path: Path, formats: tuple[RdfFormat, ...]) -> None:
    build(generated, tmp_path / "one", formats=formats, workers=1)
    result = build(generated, tmp_path / "split", formats=formats, workers=2)
    assert result.unsharded is None and result.workers == 2
    split = _files(tmp_path / "split")
    assert split == _files(tmp_path / "one")
    assert set(split) == {f"exilekg.{f.extension}" for f in formats} | {"void.ttl"}


def test_the_cli_takes_a_number_of_workers(generated: Path, one_process: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    answer = CliRunner().invoke(
        cli, ["build", str(generated), "--out", str(out), "--quiet", "--workers", "2"]
    )
    assert answer.exit_code == 0, answer.output
    assert _files(out) == _files(one_process)
    refused = CliRunner().invoke(cli, ["build", str(generated), "--out", str(out), "--workers", "-1"])
    assert refused.exit_code == 2 and "--workers" in refused.output


def test_a_build_maps_in_its_own_process_unless_asked(tmp_path: Path) -> None:
    assert build(EXAMPLE, tmp_path / "out").workers == 1
    assert sharded.worker_count(3) == 3
    assert sharded.worker_count(0) == available_cores()


class _RemoveText(Progress):
    """Deletes a document's text once the corpus is validated, before any worker maps it."""

    def __init__(self, text: Path) -> None:
        self.text = text

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        if name == "mentions":
            self.text.unlink(missing_ok=True)  # a build made again reports the stage again

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


def test_a_failing_worker_gives_the_error_of_one_process(generated: Path, tmp_path: Path) -> None:
    """A text gone between validation and mapping: the workers fail to read it, and the build,
    made again in one process, reports it as a single-process build does; nothing is replaced."""
    errors = []
    for workers in (1, 2):
        corpus = tmp_path / f"corpus-{workers}"
        shutil.copytree(generated, corpus)
        out = tmp_path / f"out-{workers}"
        build(corpus, out, workers=1)
        before = _files(out)
        text = sorted((corpus / "texts").glob("*.txt"))[-1]
        with pytest.raises(CorpusError) as caught:
            build(corpus, out, workers=workers, progress=_RemoveText(text))
        errors.append(str(caught.value).replace(str(corpus), "CORPUS"))
        assert _files(out) == before
        assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left"
    assert errors[0] == errors[1]
    assert "text" in errors[0]


def _chunk(
    index: int, first: str, last: str, graphs: list[tuple[str, list[str], list[int]]] | None = None
) -> object:
    return sharded._Chunk(index, {}, graphs or [], 1, 1, 1, {}, {}, first, last)


def test_a_run_across_two_chunks_is_unshardable() -> None:
    writer = sharded._Writer({})
    writer.write(_chunk(0, "http://x/a", "http://x/b"))  # type: ignore[arg-type]
    writer.write(_chunk(1, "http://x/c", "http://x/d"))  # type: ignore[arg-type]
    with pytest.raises(sharded.Unshardable, match="spans two chunks"):
        writer.write(_chunk(2, "http://x/d", "http://x/e"))  # type: ignore[arg-type]


def test_a_node_made_in_two_chunks_is_unshardable(tmp_path: Path) -> None:
    writer = sharded._Writer({})
    writer.write(_chunk(0, "http://x/a", "http://x/a", [("http://g", ["http://x/a"], [3])]))  # type: ignore[arg-type]
    writer.write(_chunk(1, "http://x/b", "http://x/b", [("http://g", ["http://x/a"], [3])]))  # type: ignore[arg-type]
    with (
        (tmp_path / "out.jsonld").open("w") as stream,
        pytest.raises(sharded.Unshardable, match="two chunks"),
    ):
        writer.write_jsonld(stream, -1, None, as_progress(None))


# The JSON-LD of a split build: each chunk's nodes of a graph are a sorted run in the file of nodes,
# and the graph is laid out from the runs merged, as pieces of runs, in the order of the whole graph.


def _runs_file(tmp_path: Path, runs: list[list[tuple[str, bytes]]]) -> tuple[object, int]:
    """A writer fed ``runs`` (each a chunk's sorted nodes of one graph, as subjects and texts) as
    chunks, and the descriptor of the file of nodes they are in, laid out as the workers write it."""
    writer = sharded._Writer({})
    path = tmp_path / "nodes"
    with path.open("wb") as nodes:
        for index, run in enumerate(runs):
            nodes.write(NODE_SEPARATOR.join(text for _, text in run))
            graphs = [("http://g", [s for s, _ in run], [len(text) for _, text in run])]
            writer.write(_chunk(index, f"http://x/{index}", f"http://x/{index}", graphs))  # type: ignore[arg-type]
    return writer, os.open(path, os.O_RDONLY)


def _node_text(subject: str, size: int) -> bytes:
    return b"{\n          " + b'"@id": "' + subject.encode() + b'", "x": "' + b"y" * size + b'"\n        }'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    owners=st.lists(st.integers(0, 3), min_size=1, max_size=30),
    sizes=st.lists(st.sampled_from([0, 5, 300, 70_000]), min_size=30, max_size=30),
)
def test_a_graph_laid_out_from_its_runs_is_its_nodes_sorted(
    owners: list[int], sizes: list[int], tmp_path: Path
) -> None:
    """Nodes dealt out to up to four chunks (each chunk's own sorted), of lengths short and long:
    the graph is the nodes of all chunks sorted, as one process writes it."""
    subjects = [f"http://x/n{k:02d}" for k in range(len(owners))]
    texts = {s: _node_text(s, size) for s, size in zip(subjects, sizes, strict=False)}
    runs = [
        [(s, texts[s]) for s, o in zip(subjects, owners, strict=True) if o == owner] for owner in range(4)
    ]
    writer, fd = _runs_file(tmp_path, [run for run in runs if run])
    try:
        with (tmp_path / "split.jsonld").open("w") as stream:
            writer.write_jsonld(stream, fd, None, as_progress(None))  # type: ignore[attr-defined]
    finally:
        os.close(fd)
    whole = b"".join(texts[s] for s in subjects)
    one_by_one: list[Layout] = []
    at = 0
    for s in subjects:
        one_by_one.append((s, True, at, len(texts[s]), None))
        at += len(texts[s])
    with (tmp_path / "whole.jsonld").open("w") as stream:
        write_jsonld(stream, {"http://g": one_by_one}, whole, None, None)
    assert (tmp_path / "split.jsonld").read_bytes() == (tmp_path / "whole.jsonld").read_bytes()


def test_a_graph_of_one_chunk_is_laid_out_in_one_piece() -> None:
    run = sharded._Run(["http://x/a", "http://x/b", "http://x/c"], [10, 20, 30], 100)
    length = 60 + 2 * len(NODE_SEPARATOR)
    assert sharded._layout("http://g", [run]) == [("http://x/a", True, 100, length, None)]


def test_runs_that_interleave_are_cut_where_another_run_comes_first() -> None:
    sep = len(NODE_SEPARATOR)
    early_length, late_length = 6 + 2 * sep, 9 + sep
    early = sharded._Run(["http://x/a", "http://x/b", "http://x/e"], [1, 2, 3], 0)
    late = sharded._Run(["http://x/c", "http://x/d"], [4, 5], early_length)
    assert sharded._layout("http://g", [late, early]) == [
        ("http://x/a", True, 0, 3 + sep, None),
        ("http://x/c", True, early_length, late_length, None),
        ("http://x/e", True, 3 + 2 * sep, 3, None),
    ]


def test_a_subject_in_two_runs_is_unshardable() -> None:
    one = sharded._Run(["http://x/a", "http://x/c"], [1, 1], 0)
    other = sharded._Run(["http://x/b", "http://x/c"], [1, 1], 2 + len(NODE_SEPARATOR))
    with pytest.raises(sharded.Unshardable, match="<http://x/c> in graph <http://g> is made in two chunks"):
        sharded._layout("http://g", [one, other])


# The split vocabulary check: judged together, the parts reach the whole stream's verdict.

_NODES = [IRI(f"http://example.org/n{k}") for k in range(5)]
_CLASSES = [
    SCHEMA.Person,
    SCHEMA.Organization,
    SCHEMA.Place,
    SCHEMA.Role,
    IRI("http://www.w3.org/ns/oa#Annotation"),
]
_PREDICATES = [SCHEMA.memberOf, SCHEMA.homeLocation, SCHEMA.founder, SCHEMA.about, SCHEMA.birthDate]
_triple = st.one_of(
    st.tuples(st.sampled_from(_NODES), st.just(RDF.type), st.sampled_from(_CLASSES)),
    st.tuples(st.sampled_from(_NODES), st.sampled_from(_PREDICATES), st.sampled_from(_NODES)),
    st.tuples(
        st.sampled_from(_NODES),
        st.just(SCHEMA.birthDate),
        st.sampled_from([Literal("1970-01-01", IRI("http://www.w3.org/2001/XMLSchema#date"), None)]),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(triples=st.lists(_triple, max_size=14), cuts=st.lists(st.integers(0, 14), max_size=3))
def test_the_parts_of_a_stream_judged_together_agree_with_the_whole(
    triples: list[tuple[IRI, IRI, object]], cuts: list[int]
) -> None:
    quads = [(s, p, o, IRI("http://example.org/g")) for s, p, o in triples]
    whole = Checker()
    whole.add_quads(quads)  # type: ignore[arg-type]
    bounds = [0, *sorted(min(c, len(quads)) for c in cuts), len(quads)]
    parts = []
    for start, stop in itertools.pairwise(bounds):
        part = Checker()
        part.add_quads(quads[start:stop])  # type: ignore[arg-type]
        parts.append(part.open_checks())
    assert Checker.judge(parts) == bool(whole.violations())


def test_formats_of_a_split_build_parse_back(generated: Path, tmp_path: Path) -> None:
    """Sanity beyond byte equality: the split build's dumps hold the same number of statements."""
    import pyoxigraph as ox

    result = build(generated, tmp_path / "out", workers=2)
    for fmt in ALL_FORMATS:
        if fmt is RdfFormat.JSONLD:
            continue
        path = tmp_path / "out" / f"exilekg.{fmt.extension}"
        count = sum(1 for _ in ox.parse(path=path, format=ox.RdfFormat.from_extension(fmt.extension)))
        assert count == (result.quads if fmt.supports_datasets else result.triples)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the forked mapping workers and the Turtle and TriG ones).

    Read from the kernel's list of each thread's children where it keeps one (Linux 3.5 on): a
    scan of every process takes long enough on a loaded machine for a small build to end first."""
    tasks = Path(f"/proc/{pid}/task")
    try:
        lists = [(task / "children").read_text(encoding="utf-8") for task in tasks.iterdir()]
    except OSError:
        lists = []
    if lists:
        return [int(child) for text in lists for child in text.split()]
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[-1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _asked_to_die(pid: int, out: Path) -> bool:
    """Whether a child of the build is past its start, where it asks the kernel to end it with the
    build: a mapping worker once it writes a chunk (named with its process id), a Turtle or TriG
    worker once it reads the text (a descriptor past the standard three into ``out``)."""
    if any(out.glob(f".exilekg.*.chunk*.{pid}.*.tmp")):
        return True
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"_oxworker.py" not in command:
            return False
        return any(
            int(fd.name) > 2 and str(fd.readlink()).startswith(str(out))
            for fd in Path(f"/proc/{pid}/fd").iterdir()
        )
    except (OSError, ValueError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find processes")
def test_a_split_build_killed_leaves_no_worker_and_its_outputs_whole(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """SIGKILL to a split build while its workers map: they die with it (stopped first, so only the
    kernel can end them), the earlier outputs stay whole, and the next build cleans up after it."""
    # Large enough (about 100,000 triples) to be stopped while it maps.
    generated = Path(load_generator().generate(150, tmp_path_factory.mktemp("killed") / "corpus"))
    one_process = tmp_path / "one"
    build(generated, one_process, workers=1)
    out = tmp_path / "out"
    shutil.copytree(one_process, out)
    command = [sys.executable, "-m", "exilekg", "build", str(generated), "--out", str(out), "--workers", "2"]
    for _attempt in range(5):
        build_process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            workers: list[int] = []
            ready: set[int] = set()
            while build_process.poll() is None and time.monotonic() < deadline:
                workers = _children(build_process.pid)
                ready.update(pid for pid in workers if pid not in ready and _asked_to_die(pid, out))
                if len(workers) >= 3 and ready.issuperset(workers):
                    break
                time.sleep(0.001)
            with contextlib.suppress(ProcessLookupError):
                os.kill(build_process.pid, signal.SIGSTOP)
            workers = [pid for pid in _children(build_process.pid) if _alive(pid)]
            _stop(workers)
        finally:
            build_process.send_signal(signal.SIGKILL)
            build_process.wait()
        if build_process.returncode == -signal.SIGKILL and len(workers) >= 2:
            break
    assert build_process.returncode == -signal.SIGKILL and len(workers) >= 2, (
        "the build ended before its kill"
    )
    assert _survivors(workers) == [], "workers outlived their build"
    assert {k: v for k, v in _files(out).items() if not k.startswith(".")} == _files(one_process)
    subprocess.run(command, check=True, capture_output=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(_files(one_process))
    assert _files(out) == _files(one_process)


@pytest.mark.parametrize("workers", [1, 2])
def test_void_lists_the_digests_of_the_dumps_as_written(
    generated: Path, tmp_path: Path, workers: int
) -> None:
    """Digests taken as the dumps are written (a thread for N-Triples and N-Quads in one process,
    the chunks' writer in a split build) are those of the files."""
    import hashlib

    from exilekg.manifest import read_manifest

    build(generated, tmp_path / "out", workers=workers)
    manifest = read_manifest(tmp_path / "out")
    assert manifest is not None and len(manifest.outputs) == len(ALL_FORMATS)
    for name, listed in manifest.outputs.items():
        data = (tmp_path / "out" / name).read_bytes()
        assert (listed.sha256, listed.size) == (hashlib.sha256(data).hexdigest(), len(data)), name


def test_without_copy_file_range_the_chunks_are_copied_by_hand(
    generated: Path, one_process: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the kernel has no copy_file_range (macOS), the chunks are read and written instead."""
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    result = build(generated, tmp_path / "out", workers=2)
    assert result.workers == 2 and result.unsharded is None
    assert _files(tmp_path / "out") == _files(one_process)


def test_a_split_build_validates_in_a_process_of_its_own_while_it_prepares(
    generated: Path, one_process: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the workers share is made while the corpus is validated: validation in a forked
    process, the mapper and the table of names here, where the workers are forked from."""
    where = tmp_path / "where"
    where.mkdir()

    def noted(name: str, work: Callable[..., object]) -> Callable[..., object]:
        def run(*args: object, **kwargs: object) -> object:
            (where / f"{name}-{os.getpid()}").touch()  # a file: a forked process's memory stays there
            return work(*args, **kwargs)

        return run

    monkeypatch.setattr(pipeline, "validate", noted("validate", pipeline.validate))
    monkeypatch.setattr(pipeline, "prepare", noted("prepare", pipeline.prepare))
    result = build(generated, tmp_path / "out", workers=2)
    assert result.unsharded is None and result.workers == 2
    assert _files(tmp_path / "out") == _files(one_process)
    done = sorted(p.name.split("-") for p in where.iterdir())
    assert [name for name, _ in done] == ["prepare", "validate"]
    assert int(done[0][1]) == os.getpid() != int(done[1][1])


def _break_a_relation(corpus: Path) -> None:
    """A relation without its subject: the schema refuses it, and preparing its mapping fails."""
    for path in sorted((corpus / "records").glob("facts-*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            record = json.loads(line)
            if record.get("kind") == "Relation":
                del record["subject"]
                lines[number] = json.dumps(record)
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
                return
    raise AssertionError("no relation to break")


def test_an_invalid_corpus_split_is_refused_as_in_one_process(generated: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(generated, corpus)
    _break_a_relation(corpus)
    with pytest.raises(KeyError):
        sharded.prepare(read_corpus(corpus))  # what validation beside it must win over
    errors = []
    for workers in (1, 2):
        out = tmp_path / f"out-{workers}"
        with pytest.raises(ValidationError) as caught:
            build(corpus, out, workers=workers)
        errors.append(str(caught.value))
        assert not out.exists() or not list(out.iterdir())
    assert errors[0] == errors[1]
    assert "subject" in errors[0]


class _ChangeText(_RemoveText):
    """Changes a document's text once the corpus is validated, before any worker maps it."""

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        if name == "mentions":
            self.text.write_text(self.text.read_text(encoding="utf-8") + " A late line.", encoding="utf-8")


def test_a_text_changed_after_a_split_validation_is_refused(generated: Path, tmp_path: Path) -> None:
    """The texts' digests validation took in its own process bind the workers' reads, and those of
    the build made again in one process: the graph's evidence positions are those validated."""
    errors = []
    for workers in (1, 2):
        corpus = tmp_path / f"corpus-{workers}"
        shutil.copytree(generated, corpus)
        text = sorted((corpus / "texts").glob("*.txt"))[-1]
        with pytest.raises(CorpusError, match="changed while the corpus was being read") as caught:
            build(corpus, tmp_path / f"out-{workers}", workers=workers, progress=_ChangeText(text))
        errors.append(str(caught.value).replace(str(corpus), "CORPUS"))
    assert errors[0] == errors[1]


# A first incremental build split across workers records the state one process records.


@pytest.mark.parametrize("formats", [(RdfFormat.NTRIPLES, RdfFormat.NQUADS), ALL_FORMATS])
def test_a_rebuild_splices_the_outputs_of_a_split_first_build(
    generated: Path, tmp_path: Path, formats: tuple[RdfFormat, ...]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(generated, corpus)
    out = tmp_path / "out"
    build(corpus, out, formats=formats, incremental=True, workers=2)
    path = max((corpus / "records").rglob("*.json"), key=lambda p: p.stat().st_size)
    records = json.loads(path.read_text(encoding="utf-8"))
    records[len(records) // 2]["description"] = "changed since the split build"
    path.write_text(json.dumps(records), encoding="utf-8")
    again = build(corpus, out, formats=formats, incremental=True, workers=2)
    assert again.reuse is not None and again.reuse.incremental and again.reuse.mapped == 1
    full = build(corpus, tmp_path / "full", formats=formats)
    spliced = {n: b for n, b in _files(out).items() if n != STATE_NAME}
    assert spliced == _files(tmp_path / "full")
    assert full.triples == again.triples


def test_a_failing_worker_of_a_first_incremental_build_records_in_one_process(
    generated: Path, recorded_in_one_process: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that fails (here made to: the failures of a valid corpus are those of the machine)
    has the build made again in one process, which records the same state."""

    def failing(*args: object) -> object:
        raise OSError("no space left for the chunk")

    monkeypatch.setattr(sharded, "_recorded_chunk", failing)
    result = build(generated, tmp_path / "out", incremental=True, workers=2)
    assert result.unsharded is not None and "no space left for the chunk" in result.unsharded
    assert result.workers == 1
    assert _files(tmp_path / "out") == _files(recorded_in_one_process)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")], "temporary files left"


def test_a_subject_made_twice_in_a_chunk_that_records_is_unshardable(tmp_path: Path) -> None:
    """Two units of one chunk making a node of the same subject in a graph: one process would make
    one node of them, which no unit's state could hold (the build in one process says so)."""
    by_graph = {"http://g": [("http://x/a", b"{}"), ("http://x/b", b"{}"), ("http://x/a", b"{}")]}
    with (tmp_path / "nodes").open("wb") as out, pytest.raises(sharded.Unshardable, match="two units"):
        sharded._write_runs(out, by_graph, {})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    owners=st.lists(st.integers(0, 3), min_size=1, max_size=30),
    sizes=st.lists(st.sampled_from([0, 5, 300]), min_size=30, max_size=30),
)
def test_each_recorded_node_is_placed_where_the_layout_put_it(
    owners: list[int], sizes: list[int], tmp_path: Path
) -> None:
    """Nodes of one graph dealt out to up to four chunks, a unit each: every unit's state places its
    node (its graph's number, its offset from the graph's first node, its length) where the laid-out
    graph holds it."""
    subjects = [f"http://x/n{k:02d}" for k in range(len(owners))]
    texts = {s: _node_text(s, size) for s, size in zip(subjects, sizes, strict=False)}
    writer = sharded._Writer({})
    path = tmp_path / "nodes"
    states: dict[str, UnitState] = {}
    with path.open("wb") as nodes:
        index = 0
        for owner in range(4):
            run = [s for s, o in zip(subjects, owners, strict=True) if o == owner]
            if not run:
                continue
            nodes.write(NODE_SEPARATOR.join(texts[s] for s in run))
            units = []
            for at, s in enumerate(run):
                states[s] = UnitState("", (0, 0), (0, 0), [], {}, {}, 0, 0, 0)
                units.append((s, states[s], [0, at]))
            graphs = [("http://g", run, [len(texts[s]) for s in run])]
            chunk = sharded._Chunk(index, {}, graphs, 1, 1, 1, {}, {}, run[0], run[-1], units)
            writer.write(chunk)
            index += 1
    fd = os.open(path, os.O_RDONLY)
    try:
        with (tmp_path / "split.jsonld").open("w") as stream:
            writer.write_jsonld(stream, fd, None, as_progress(None))
    finally:
        os.close(fd)
    writer.recorded_units()
    laid_out = (tmp_path / "split.jsonld").read_bytes()
    first, _ = writer.counts.jsonld["http://g"]
    assert writer.counts.units is not None and list(writer.counts.units) == [
        s for owner in range(4) for s, o in zip(subjects, owners, strict=True) if o == owner
    ]
    for s, state in states.items():
        graph, place, length = state.nodes
        assert writer.counts.numbers.graphs.name(graph) == "http://g"
        assert laid_out[first + place : first + place + length] == texts[s]
