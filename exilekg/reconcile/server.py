"""``exilekg serve-reconcile``: a built graph as a Reconciliation Service API v0.2 endpoint.

Paths (relative to the server's root, which is the endpoint):

- ``GET /``: the manifest; ``GET /?queries=...`` or ``POST /`` with the form field
  ``queries``: a result batch (a ``query`` or ``extend`` field is refused with 400);
- ``GET /preview?id=ID``: an HTML summary of an entity, for OpenRefine's preview pane;
- ``GET /view?id=ID``: a redirect (303) to the entity's page on the published site;
- ``GET /suggest/entity?prefix=P&cursor=N``, ``/suggest/type``, ``/suggest/property``:
  auto-completion.

Entity ids are IRIs relative to the graph's base (``person/anna-petrova``), so the identifier
space plus an id is the entity's IRI. Every answer allows cross-origin use (CORS), as v0.2
requires. It binds to loopback by default: it is meant for a curator's own OpenRefine.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from exilekg import __version__
from exilekg.errors import ReconcileError
from exilekg.reconcile.index import PROPERTIES, EntityIndex
from exilekg.reconcile.spec import SCHEMA_ORG_SPACE
from exilekg.serving import LocalServer, QuietHandler, serve_forever

__all__ = ["ReconciliationServer", "make_reconcile_server", "manifest", "serve_reconcile_forever"]

BATCH_SIZE = 100
MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True)
class ServiceSettings:
    name: str
    root: str
    """The endpoint URL, ending in ``/``."""
    site: str
    """Where entity pages are: ``{site}{id}`` (the published site, or the graph's base IRI)."""


def manifest(index: EntityIndex, settings: ServiceSettings) -> dict[str, Any]:
    """The service's v0.2 manifest."""
    root = settings.root
    kinds = [t for t in index.types.values() if not t.broader]
    return {
        "versions": ["0.2"],
        "name": settings.name,
        "identifierSpace": index.base,
        "schemaSpace": SCHEMA_ORG_SPACE,
        "documentation": "https://w3id.org/exilekg",
        "serviceVersion": __version__,
        "defaultTypes": [{"id": t.id, "name": t.name} for t in kinds],
        "view": {"url": f"{root}view?id={{{{id}}}}"},
        "preview": {"url": f"{root}preview?id={{{{id}}}}", "width": 430, "height": 160},
        "suggest": {
            "entity": {"service_url": root.rstrip("/"), "service_path": "/suggest/entity"},
            "type": {"service_url": root.rstrip("/"), "service_path": "/suggest/type"},
            "property": {"service_url": root.rstrip("/"), "service_path": "/suggest/property"},
        },
        "batchSize": BATCH_SIZE,
    }


class _Handler(QuietHandler):
    server: ReconciliationServer
    server_version = f"exilekg-reconcile/{__version__}"
    protocol_version = "HTTP/1.1"

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        self._route(url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True))

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json({"error": "the request is too large"}, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        ctype = self.headers.get("Content-Type", "")
        if "json" in ctype:
            params.setdefault("queries", [body])
        else:
            for key, values in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        self._route(url.path, params)

    def _route(self, path: str, params: dict[str, list[str]]) -> None:
        server = self.server
        try:
            if path in ("", "/"):
                if "queries" in params:
                    self._json(server.answer(params["queries"][0]))
                elif "query" in params or "extend" in params:
                    self._error(HTTPStatus.BAD_REQUEST, "only query batches (queries=...) are served here")
                else:
                    self._json(manifest(server.index, server.settings))
            elif path == "/preview":
                self._preview(_one(params, "id"))
            elif path == "/view":
                self._view(_one(params, "id"))
            elif path == "/suggest/entity":
                self._json(server.suggest_entities(_one(params, "prefix"), _int(params, "cursor")))
            elif path == "/suggest/type":
                self._json(server.suggest_types(_one(params, "prefix")))
            elif path == "/suggest/property":
                self._json(server.suggest_properties(_one(params, "prefix")))
            else:
                self._error(HTTPStatus.NOT_FOUND, "no such path")
        except _BadRequest as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))

    # -- answers -----------------------------------------------------------------------------------

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: int = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, "application/json; charset=utf-8", body)

    def _error(self, status: int, message: str) -> None:
        self._json({"error": message}, status)

    def _preview(self, identifier: str) -> None:
        entity = self.server.index.lookup(identifier)
        if entity is None:
            self._error(HTTPStatus.NOT_FOUND, f"no entity {identifier!r}")
            return
        index = self.server.index
        types = ", ".join(index.type_json(t)["name"] for t in entity.types)
        others = [n for n, _ in entity.names[1:]]
        page = self.server.settings.site + entity.id
        parts = [
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>',
            html.escape(entity.name),
            "</title><style>body{font:14px/1.35 sans-serif;margin:6px}h1{font-size:16px;margin:0 0 4px}"
            "p{margin:2px 0}.t{color:#555}</style></head><body>",
            f'<h1><a href="{html.escape(page)}" target="_blank">{html.escape(entity.name)}</a></h1>',
            f'<p class="t">{html.escape(types)}</p>',
        ]
        if others:
            parts.append(f"<p>Also: {html.escape('; '.join(others))}</p>")
        if entity.description:
            parts.append(f"<p>{html.escape(entity.description)}</p>")
        parts.append(f'<p class="t"><code>{html.escape(entity.iri)}</code></p></body></html>')
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", "".join(parts).encode("utf-8"))

    def _view(self, identifier: str) -> None:
        entity = self.server.index.lookup(identifier)
        if entity is None:
            self._error(HTTPStatus.NOT_FOUND, f"no entity {identifier!r}")
            return
        self._send(
            HTTPStatus.SEE_OTHER,
            "text/plain; charset=utf-8",
            b"",
            {"Location": self.server.settings.site + entity.id},
        )


class _BadRequest(Exception):
    pass


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name)
    if not values:
        raise _BadRequest(f"the parameter {name} is missing")
    return values[0]


def _int(params: dict[str, list[str]], name: str) -> int:
    values = params.get(name)
    if not values or not values[0]:
        return 0
    try:
        return max(0, int(values[0]))
    except ValueError:
        raise _BadRequest(f"the parameter {name} is not a whole number") from None


class ReconciliationServer(LocalServer):
    """A threading HTTP server answering reconciliation queries from one :class:`EntityIndex`."""

    thread_name = "exilekg-reconcile"

    def __init__(
        self, index: EntityIndex, host: str, port: int, *, name: str, site: str | None, quiet: bool = False
    ) -> None:
        self.index = index
        self.queries_answered = 0
        self.seconds_answering = 0.0
        self._lock = threading.Lock()
        super().__init__((host, port), _Handler, quiet=quiet)
        bound_host, bound_port = self.server_address[:2]
        root = f"http://{bound_host!s}:{bound_port}/"
        self.settings = ServiceSettings(name=name, root=root, site=site or index.base)

    @property
    def url(self) -> str:
        return self.settings.root

    def answer(self, raw: str) -> dict[str, Any]:
        try:
            batch = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _BadRequest(f"queries is not JSON: {exc.msg}") from None
        if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
            raise _BadRequest("queries must be a JSON object of query objects")
        if len(batch) > BATCH_SIZE * 10:
            raise _BadRequest(f"at most {BATCH_SIZE * 10} queries per batch")
        started = time.perf_counter()
        out = {key: {"result": self.index.search(query)} for key, query in batch.items()}
        with self._lock:
            self.queries_answered += len(batch)
            self.seconds_answering += time.perf_counter() - started
        return out

    def suggest_entities(self, prefix: str, cursor: int) -> dict[str, Any]:
        result = []
        for entity in self.index.suggest(prefix, cursor=cursor):
            item: dict[str, Any] = {
                "id": entity.id,
                "name": entity.name,
                "notable": [self.index.type_json(t) for t in entity.types],
            }
            if entity.description:
                item["description"] = entity.description
            result.append(item)
        return {"result": result}

    def suggest_types(self, prefix: str) -> dict[str, Any]:
        return {
            "result": [
                {
                    "id": t.id,
                    "name": t.name,
                    **({"broader": [self.index.type_json(b) for b in t.broader]} if t.broader else {}),
                }
                for t in self.index.suggest_types(prefix)
            ]
        }

    def suggest_properties(self, prefix: str) -> dict[str, Any]:
        from exilekg.reconcile.index import fold

        wanted = fold(prefix)
        return {
            "result": [
                {"id": pid, "name": name, "description": description}
                for pid, (name, description) in PROPERTIES.items()
                if not wanted or wanted in fold(name) or wanted in fold(pid.rsplit("/", 1)[-1])
            ]
        }


def make_reconcile_server(
    source: Path | str | EntityIndex,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    name: str | None = None,
    site: str | None = None,
    quiet: bool = False,
) -> ReconciliationServer:
    """A server for the graph of a build folder (or dumps, or an endpoint, or a ready index).

    ``site`` is where the published site is hosted (its ``--base-url``): the entity view
    redirects to ``{site}{id}``; by default the graph's base IRI, which resolves there.
    Port 0 picks a free one (see :attr:`ReconciliationServer.url`).
    """
    index = source if isinstance(source, EntityIndex) else EntityIndex.from_build(source)
    if site is not None and not site.endswith("/"):
        site += "/"
    title = name or f"exilekg ({index.base})"
    try:
        return ReconciliationServer(index, host, port, name=title, site=site, quiet=quiet)
    except OSError as exc:
        raise ReconcileError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


serve_reconcile_forever = serve_forever
"""Serve until interrupted (Ctrl-C), then close the socket: :func:`exilekg.serving.serve_forever`."""
