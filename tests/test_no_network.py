"""A full build, and the check of its dumps (the JSON-LD included), need no network: they run in a
process whose network access is disabled (tests/netguard.py), and any attempt fails the test even
when the code under test catches the error."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import EXAMPLE, REPO
from .netguard import LOG_ENV

OUTPUTS = ("exilekg.nt", "exilekg.nq", "exilekg.ttl", "exilekg.trig", "exilekg.jsonld", "void.ttl")


def guarded(args: list[str], log: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, LOG_ENV: str(log)}
    return subprocess.run(
        [sys.executable, "-m", "tests.netguard", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def local_server() -> Iterator[tuple[str, int]]:
    """A TCP server on 127.0.0.1 that answers every connection with an HTTP 200."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        server.close()


def test_guard_blocks_every_way_out(local_server: tuple[str, int], tmp_path: Path) -> None:
    host, port = local_server
    log = tmp_path / "network.log"
    # The control: without the guard, the same attempts reach the local server.
    control = guarded(["--probe", host, str(port), "--no-guard"], log)
    assert control.returncode == 0, control.stderr
    assert set(json.loads(control.stdout).values()) == {"connected"}, control.stdout
    assert not log.exists()
    # Under the guard, every attempt is refused by the guard itself (not by a missing network) and logged.
    result = guarded(["--probe", host, str(port)], log)
    assert result.returncode == 0, result.stderr
    outcomes = json.loads(result.stdout)
    assert set(outcomes.values()) == {"blocked"}, outcomes
    assert len(log.read_text(encoding="utf-8").splitlines()) >= len(outcomes)


def test_guard_stops_exilekg_reaching_a_store(
    local_server: tuple[str, int], example_build: Path, tmp_path: Path
) -> None:
    """The guard is in force for exilekg's commands too: loading into a (local) store is refused."""
    host, port = local_server
    log = tmp_path / "network.log"
    dump = str(example_build / "exilekg.nq")
    result = guarded(["exilekg", "load", dump, "--endpoint", f"http://{host}:{port}/", "-q"], log)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "network access blocked" in log.read_text(encoding="utf-8")


def test_build_check_and_publish_need_no_network(tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = tmp_path / "network.log"

    def attempts() -> str:
        return log.read_text(encoding="utf-8") if log.exists() else ""

    texts = str(EXAMPLE / "texts")
    # The build checks the JSON-LD it writes against the output JSON Schemas before writing it.
    build = guarded(["exilekg", "build", str(EXAMPLE), "--texts", texts, "--out", str(out)], log)
    assert build.returncode == 0, build.stdout + build.stderr
    assert attempts() == "", f"exilekg build attempted network access:\n{attempts()}"
    assert all((out / name).stat().st_size > 0 for name in OUTPUTS)
    # exilekg check reads every dump; for the JSON-LD that means expanding it against its context.
    check = guarded(["exilekg", "check", *(str(out / name) for name in OUTPUTS)], log)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"ok: {len(OUTPUTS)} files" in check.stdout, check.stdout
    assert attempts() == "", f"exilekg check attempted network access:\n{attempts()}"
    site = tmp_path / "site"
    publish = guarded(["exilekg", "publish", str(out), "--site", str(site), "--texts", texts, "-q"], log)
    assert publish.returncode == 0, publish.stdout + publish.stderr
    assert (site / "index.html").is_file()
    assert attempts() == "", f"exilekg publish attempted network access:\n{attempts()}"
