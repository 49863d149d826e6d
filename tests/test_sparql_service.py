"""Queries run in-process cannot reach other hosts: SERVICE is refused unless allowed, LOAD always.

A real HTTP server on 127.0.0.1 stands for the other host; it records every request it gets.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.errors import QueryError
from exilekg.sparql import QueryEngine, open_source, query

ENGINES = [QueryEngine.RDFLIB, QueryEngine.OXIGRAPH]

ANSWER = {
    "head": {"vars": ["far"]},
    "results": {"bindings": [{"far": {"type": "literal", "value": "from afar"}}]},
}


class _Recorder(BaseHTTPRequestHandler):
    server: _OtherHost

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, body))
        data = json.dumps(ANSWER).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _OtherHost(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        super().__init__(("127.0.0.1", 0), _Recorder)

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


@pytest.fixture
def other_host() -> Iterator[_OtherHost]:
    server = _OtherHost()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _federated(endpoint: str) -> str:
    return (
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?name ?far WHERE {\n"
        "  ?person a schema:Person ; schema:name ?name .\n"
        f"  SERVICE <{endpoint}> {{ ?person schema:name ?far }}\n"
        "} LIMIT 1\n"
    )


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_service_is_refused_and_nothing_is_sent(
    example_build: Path, other_host: _OtherHost, engine: QueryEngine
) -> None:
    with pytest.raises(QueryError) as caught:
        query(example_build, _federated(other_host.sparql), engine=engine)
    assert "SERVICE" in caught.value.message
    assert other_host.sparql in caught.value.message
    assert "--allow-service" in (caught.value.hint or "")
    # Through an open source too, where query() cannot check first.
    with open_source(example_build, engine=engine) as source, pytest.raises(QueryError, match="SERVICE"):
        source.run(_federated(other_host.sparql))
    assert other_host.requests == []


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_a_service_named_by_a_variable_is_refused(
    example_build: Path, other_host: _OtherHost, engine: QueryEngine
) -> None:
    text = (
        f"SELECT * WHERE {{ VALUES ?where {{ <{other_host.sparql}> }} "
        "OPTIONAL { SERVICE SILENT ?where { ?s ?p ?o } } }"
    )
    with pytest.raises(QueryError, match=r"SERVICE clause \(\?where\)"):
        query(example_build, text, engine=engine)
    assert other_host.requests == []


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_the_word_service_in_a_string_or_comment_is_no_service(
    example_build: Path, engine: QueryEngine
) -> None:
    text = "# a SERVICE <http://127.0.0.1:1/> here\nASK { FILTER('SERVICE <http://127.0.0.1:1/> {}' != '') }"
    assert query(example_build, text, engine=engine).boolean is True


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.value)
def test_allowed_service_reaches_the_other_host(
    example_build: Path, other_host: _OtherHost, engine: QueryEngine
) -> None:
    # The control: the same query, allowed, does reach the server the other tests see untouched.
    # How each engine reads this small server's answer is not what is tested here.
    with contextlib.suppress(QueryError):
        query(example_build, _federated(other_host.sparql), engine=engine, allow_service=True)
    assert len(other_host.requests) >= 1
    assert other_host.requests[0][1].startswith("/sparql")


def test_cli_refuses_a_service_in_an_rq_file(
    example_build: Path, other_host: _OtherHost, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.rq"
    shared.write_text(_federated(other_host.sparql), encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(example_build), str(shared)])
    assert result.exit_code != 0
    assert "SERVICE" in result.output and "--allow-service" in result.output
    assert "shared.rq" in result.output
    assert "Traceback" not in result.output
    assert other_host.requests == []
    allowed = CliRunner().invoke(cli, ["query", str(example_build), str(shared), "--allow-service"])
    assert "SERVICE clause" not in allowed.output
    assert len(other_host.requests) >= 1


@pytest.mark.parametrize("allow", [False, True])
def test_load_is_refused_even_when_service_is_allowed(
    example_build: Path, other_host: _OtherHost, allow: bool
) -> None:
    with pytest.raises(QueryError, match="LOAD is not run here"):
        query(example_build, f"LOAD <{other_host.sparql}>", allow_service=allow)
    args = ["query", str(example_build), f"LOAD <{other_host.sparql}> INTO GRAPH <urn:x>"]
    result = CliRunner().invoke(cli, args + (["--allow-service"] if allow else []))
    assert result.exit_code != 0
    assert "LOAD is not run here" in result.output
    assert other_host.requests == []
