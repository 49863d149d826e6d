"""Fixtures for the reconciliation tests: the official v0.2 schemas, and real servers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from exilekg.reconcile import EntityIndex, ReconciliationServer, make_reconcile_server

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "reconciliation"
NEWSROOM = HERE.parent / "fixtures" / "reconcile" / "newsroom"
SCHEMA_BASE = "https://reconciliation-api.github.io/specs/0.2/schemas/"


def _registry() -> Registry:
    resources = []
    for path in sorted((DATA / "schemas").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def spec_validator(name: str) -> jsonschema.Draft7Validator:
    """A validator for one of the official v0.2 schemas (``manifest``, ``reconciliation-result-batch`` ...).

    The schemas declare ``http://json-schema.org/schema#`` and are tested upstream with ajv's
    draft-07 defaults, so draft 7 it is.
    """
    schema = json.loads((DATA / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, registry=REGISTRY)


def assert_valid(name: str, instance: Any) -> None:
    errors = sorted(spec_validator(name).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.fixture(scope="session")
def example_index(example_build: Path) -> EntityIndex:
    return EntityIndex.from_build(example_build)


@pytest.fixture
def example_server(example_index: EntityIndex) -> Iterator[ReconciliationServer]:
    """The example graph served on a free port of 127.0.0.1."""
    server = make_reconcile_server(example_index, port=0, quiet=True, site="https://site.example/kg")
    server.start_in_thread()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class Recorder:
    """What a test server was asked: method, path, form fields, and when."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def add(self, **entry: Any) -> None:
        with self.lock:
            self.requests.append(entry)

    @property
    def posts(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST"]


Answer = Callable[[str, str, dict[str, list[str]], int], tuple[int, dict[str, str], bytes]]
"""(method, path, form, number of the request) -> (status, headers, body)."""


@pytest.fixture
def http_server() -> Iterator[Callable[[Answer], tuple[str, Recorder]]]:
    """Start a real HTTP server on 127.0.0.1 answering with a function; yields a starter."""
    import time
    import urllib.parse

    servers: list[ThreadingHTTPServer] = []

    def start(answer: Answer) -> tuple[str, Recorder]:
        recorder = Recorder()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                url = urllib.parse.urlsplit(self.path)
                form = urllib.parse.parse_qs(url.query)
                form.update(urllib.parse.parse_qs(body))
                number = len(recorder.requests)
                recorder.add(method=self.command, path=url.path, form=form, at=time.monotonic())
                status, headers, payload = answer(self.command, url.path, form, number)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _handle
            do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host!s}:{port}/", recorder

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def json_answer(data: Any, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode("utf-8")
