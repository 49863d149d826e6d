"""Builds killed with SIGKILL mid-write: no worker outlives its build, the next build leaves no
temporary file behind, and the outputs are always whole."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest

from exilekg.writers import _oxworker

from .test_engines import load_generator

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find processes")

ROUNDS = 3
WAIT = 20.0
"""Seconds a killed build's workers get to die (they take milliseconds; the bound is for a loaded machine)."""


def _state(pid: int) -> str | None:
    """A process's state letter (``Z`` for a zombie), or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[0]


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z")


def _stop(pids: list[int]) -> None:
    """SIGSTOP each process still there: stopped, only the kernel can end it."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)


def _survivors(pids: list[int]) -> list[int]:
    """The processes of ``pids`` still alive after :data:`WAIT` seconds; they are killed, so that
    none is left behind even when the test fails."""
    deadline = time.monotonic() + WAIT
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    survivors = [pid for pid in pids if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
        os.kill(pid, signal.SIGCONT)
    return survivors


def _workers(out: Path) -> list[int]:
    """The Turtle and TriG workers writing into ``out`` (their spool file is named in their command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        mine = str(out).encode()
        ours = any(a.endswith(b"_oxworker.py") for a in argv) and any(mine in a for a in argv)
        if ours and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _reading(pid: int) -> bool:
    """Whether a worker has its text open (a spool, or the N-Triples or N-Quads output it follows,
    both temporary files): it has then asked to die with its build."""
    try:
        return any(
            int(fd.name) > 2 and str(fd.readlink()).endswith(".tmp")
            for fd in Path(f"/proc/{pid}/fd").iterdir()
        )
    except OSError:
        return False


def _build_command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "exilekg", "build", str(corpus), "--out", str(out)]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Large enough (about 70,000 triples) for Turtle and TriG to be written by workers.
    return load_generator().generate(100, tmp_path_factory.mktemp("killed") / "corpus")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("reference")
    subprocess.run(_build_command(corpus, out), check=True, capture_output=True)
    return _outputs(out)


def _stop_mid_write(build: subprocess.Popen[bytes], out: Path, delay: float) -> list[int] | None:
    """Stop (SIGSTOP) ``build`` about ``delay`` seconds after its workers start: the workers alive
    at that moment, or None when the build ended first or none was still writing.

    Stopping the build before looking means it cannot finish between the look and the kill.
    """
    deadline = time.monotonic() + 120
    while not _workers(out) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)  # somewhere in the middle of writing
    with contextlib.suppress(ProcessLookupError):
        os.kill(build.pid, signal.SIGSTOP)
    if build.poll() is not None:
        return None
    return _workers(out) or None


def test_a_killed_build_leaves_no_worker_and_the_next_build_no_temporary_file(
    corpus: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    chance = random.Random(15)
    for round_ in range(ROUNDS):
        delay = chance.uniform(0, 0.5)
        workers = None
        for _attempt in range(6):  # a build that ended, or whose workers had all ended, is tried again sooner
            build = subprocess.Popen(
                _build_command(corpus, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                workers = _stop_mid_write(build, out, delay)
                if workers is not None and round_ == 0:
                    # A worker may already have finished its part (a small Turtle file): it is not
                    # waited for, nor stopped, and is no survivor.
                    ready = time.monotonic() + 60
                    while not all(_reading(p) for p in workers if _alive(p)) and time.monotonic() < ready:
                        time.sleep(0.01)
                    # Workers that cannot run when their build dies: only the kernel can end them, so
                    # this round fails for workers that merely notice their build is gone, and finish.
                    _stop(workers)
            finally:
                build.send_signal(signal.SIGKILL)
                build.wait()
            if workers is not None:
                break
            delay /= 4
        assert workers, f"round {round_}: every build ended before it could be stopped with a worker writing"
        assert build.returncode == -signal.SIGKILL, "the build finished before it could be killed"
        assert _survivors(workers) == [], f"round {round_}: workers outlived their build"
        assert list(out.glob(".*.tmp")), "the build was not killed mid-write: nothing to clean up"
        # Whatever the kill left, the outputs are an earlier build's, whole.
        assert {k: v for k, v in _outputs(out).items() if not k.startswith(".")} in ({}, reference)

        subprocess.run(_build_command(corpus, out), check=True, capture_output=True)
        assert sorted(p.name for p in out.iterdir()) == sorted(reference)
        assert _outputs(out) == reference


# -- the worker on its own ---------------------------------------------------------------------------

TEXT = b'<https://example.org/a> <https://example.org/p> "\\u0430" .\n'


def _worker(tmp_path: Path, parent: int) -> tuple[subprocess.Popen[bytes], Path]:
    spool = tmp_path / "spool.nt"
    spool.write_bytes(TEXT)
    out = tmp_path / "out.ttl"
    with out.open("wb") as target:
        worker = subprocess.Popen(
            [sys.executable, "-P", _oxworker.__file__, "turtle", json.dumps({}), str(spool), str(parent)],
            stdin=subprocess.PIPE,
            stdout=target,
            stderr=subprocess.PIPE,
        )
    return worker, out


def test_a_worker_told_the_text_is_complete_writes_turtle(tmp_path: Path) -> None:
    worker, out = _worker(tmp_path, os.getpid())
    _, errors = worker.communicate(_oxworker.COMPLETE, timeout=60)
    assert worker.returncode == 0, errors
    expected = set(pyoxigraph.parse(TEXT, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert set(pyoxigraph.parse(path=out)) == expected


def test_a_worker_writing_into_a_pipe_it_cannot_sync_succeeds(tmp_path: Path) -> None:
    # A worker syncs the file it writes before it ends; a pipe has nothing to sync.
    spool = tmp_path / "spool.nt"
    spool.write_bytes(TEXT)
    worker = subprocess.Popen(
        [sys.executable, "-P", _oxworker.__file__, "turtle", json.dumps({}), str(spool), str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    written, errors = worker.communicate(_oxworker.COMPLETE, timeout=60)
    assert worker.returncode == 0, errors
    expected = set(pyoxigraph.parse(TEXT, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert set(pyoxigraph.parse(written, format=pyoxigraph.RdfFormat.TURTLE)) == expected


def test_a_worker_whose_pipe_closes_early_stops_without_writing(tmp_path: Path) -> None:
    # What a build that dies does to the pipe, on any system: its end closes without a word.
    worker, out = _worker(tmp_path, os.getpid())
    _, errors = worker.communicate(b"", timeout=60)
    assert worker.returncode == 1
    assert b"ended before all its text was written" in errors
    assert out.read_bytes() == b""


def test_a_worker_whose_build_is_already_gone_stops(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    worker, out = _worker(tmp_path, gone.pid)
    _, errors = worker.communicate(_oxworker.COMPLETE, timeout=60)
    assert worker.returncode == 1
    assert f"process {gone.pid}".encode() in errors
    assert out.read_bytes() == b""
