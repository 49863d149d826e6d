"""Starting and stopping real servers on 127.0.0.1 for the tests: a free port, waiting until a
SPARQL endpoint answers, stopping by pid, and an in-memory Oxigraph server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the store exited with status {process.returncode}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the store did not answer at {url} within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def oxigraph_server(missing: Callable[[str, str], None]) -> Iterator[str]:
    """An in-memory Oxigraph server on 127.0.0.1, stopped by its pid afterwards.

    ``missing(what, how)`` is called when the ``oxigraph`` command is absent: each test folder
    decides whether that skips or fails its tests."""
    binary = shutil.which("oxigraph")
    if binary is None:
        missing("the oxigraph server", "pip install oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/query", process, 30)
        yield url
    finally:
        stop(process)
