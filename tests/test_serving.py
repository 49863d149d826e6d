"""The local servers log a client that hangs up in one line, not a traceback: real sockets, reset."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exilekg.publish import make_server
from exilekg.reconcile import EntityIndex, make_reconcile_server
from exilekg.serving import LocalServer

BIG = 32 << 20
"""Bytes of the file the client stops reading: more than any socket buffers on loopback."""


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (linger 0), as a client that crashes or is killed does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _wait_for_log(capsys: pytest.CaptureFixture[str], wanted: str) -> str:
    seen = ""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen += capsys.readouterr().err
        if wanted in seen:
            break
        time.sleep(0.05)
    return seen


def _assert_one_line(log: str, client: tuple[str, int]) -> None:
    host, port = client
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines == [
        line for line in lines if line.startswith(f"{host}:{port} closed the connection before the answer")
    ], log
    assert len(lines) == 1, log
    assert "Traceback" not in log
    assert "BrokenPipeError" in lines[0] or "ConnectionResetError" in lines[0]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><title>x</title>\n", encoding="utf-8")
    (root / "big.nt").write_bytes(b"#" * BIG)
    return root


@pytest.fixture
def preview(site: Path) -> Iterator[LocalServer]:
    server = make_server(site, port=0)
    server.start_in_thread()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_client_closing_mid_response_is_one_log_line(
    preview: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    host, port = preview.server_address[:2]
    client = socket.create_connection((str(host), port), timeout=10)
    client.sendall(b"GET /big.nt HTTP/1.1\r\nHost: localhost\r\n\r\n")
    first = client.recv(4096)
    assert first.startswith(b"HTTP/1.0 200"), first  # the answer is under way
    address = client.getsockname()[:2]
    _reset(client)
    log = _wait_for_log(capsys, "closed the connection")
    # The request's own access line comes first (the server is not quiet); the disconnect is the rest.
    _assert_one_line("\n".join(line for line in log.splitlines() if '"GET /big.nt' not in line), address)
    # The server still answers.
    again = socket.create_connection((str(host), port), timeout=10)
    again.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
    assert again.recv(4096).startswith(b"HTTP/1.0 200")
    again.close()


def test_a_quiet_server_says_nothing_of_a_disconnect(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = make_server(site, port=0, quiet=True)
    server.start_in_thread()
    try:
        host, port = server.server_address[:2]
        client = socket.create_connection((str(host), port), timeout=10)
        client.sendall(b"GET /big.nt HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert client.recv(4096)
        _reset(client)
        time.sleep(1.0)
    finally:
        server.shutdown()
        server.server_close()
    assert capsys.readouterr().err == ""


def test_the_reconciliation_server_logs_a_reset_in_one_line(
    example_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = make_reconcile_server(EntityIndex.from_build(example_build), port=0)
    server.start_in_thread()
    try:
        host, port = server.server_address[:2]
        client = socket.create_connection((str(host), port), timeout=10)
        # A body announced but never sent: the server is reading it when the client resets.
        client.sendall(
            b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100000\r\n\r\n{"q0": '
        )
        address = client.getsockname()[:2]
        time.sleep(0.2)
        _reset(client)
        log = _wait_for_log(capsys, "closed the connection")
    finally:
        server.shutdown()
        server.server_close()
    _assert_one_line(log, address)
