"""Loading dumps into SPARQL 1.1 stores, and asking them questions over HTTP.

Only the standard protocols are spoken: the Graph Store HTTP Protocol to send
triples (one request series per named graph, since stores such as Virtuoso take
no N-Quads there) and SPARQL over HTTP to count and to swap graphs. Store quirks
handled here: Virtuoso hangs on POSTed ``application/sparql-query`` (queries go
as GET or form POST), answers counts as ``typed-literal``, keeps its Graph Store
endpoint at ``/sparql-graph-crud`` (``-auth`` with digest authentication), and
sees its own system triples in queries without ``GRAPH``; Oxigraph's endpoints
are ``/query``, ``/update`` and ``/store``.

``replace=True`` is safe: every graph is first loaded into a staging graph and
counted; only when all staged graphs are complete do they replace their targets
(``MOVE``). A load that fails leaves the target graphs as they were and drops
the staging graphs it made.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import rdflib
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from exilekg.errors import StoreError
from exilekg.formats import RdfFormat
from exilekg.terms import IRI
from exilekg.writers import ntriples_term, quads_of

__all__ = ["Auth", "Endpoint", "LoadReport", "count_triples", "load", "select", "update"]

STAGING_PREFIX = "urn:exilekg:staging:"
"""Staging graphs are named ``urn:exilekg:staging:<uuid>``; a later load removes stale ones."""

SentCallback = Callable[[int, int], None]
"""Told how many triples a load has sent so far, and how many it will send in all."""


@dataclass(frozen=True)
class Auth:
    """HTTP credentials. The password is never shown: not in repr, errors or logs."""

    user: str
    password: str = field(repr=False)
    scheme: Literal["basic", "digest"] = "basic"

    def requests_auth(self) -> AuthBase:
        if self.scheme == "digest":
            return HTTPDigestAuth(self.user, self.password)
        return HTTPBasicAuth(self.user, self.password)

    def __repr__(self) -> str:
        return f"Auth(user={self.user!r}, password='***', scheme={self.scheme!r})"


def _safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Endpoint:
    """Where a store answers queries, updates and Graph Store Protocol requests."""

    query_url: str
    update_url: str
    graph_store_url: str
    product: str = "generic"

    @classmethod
    def detect(
        cls, url: str, *, auth: Auth | None = None, session: requests.Session | None = None
    ) -> Endpoint:
        """The endpoint layout of the store at ``url``: Virtuoso's ``/sparql`` or Oxigraph's root."""
        http = session or requests.Session()
        base = url.rstrip("/")
        if base.endswith("/sparql"):
            root = base[: -len("/sparql")]
            crud = "/sparql-graph-crud-auth" if auth is not None else "/sparql-graph-crud"
            return cls(base, base, root + crud, "virtuoso")
        if base.endswith("/query"):
            base = base[: -len("/query")]
        try:
            probe = http.get(
                f"{base}/query",
                params={"query": "ASK {}"},
                timeout=10,
                headers={"Accept": "application/sparql-results+json"},
            )
        except requests.RequestException as exc:
            raise StoreError(
                f"cannot reach the store at {_safe_url(url)}: {type(exc).__name__}",
                hint="check the URL and that the store is running",
            ) from None
        if probe.ok:
            return cls(f"{base}/query", f"{base}/update", f"{base}/store", "oxigraph")
        try:
            sparql = http.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=10)
        except requests.RequestException:
            sparql = None
        if sparql is not None and sparql.ok:
            return cls.detect(f"{base}/sparql", auth=auth, session=http)
        raise StoreError(
            f"{_safe_url(url)} answers neither as Oxigraph (/query) nor as a /sparql endpoint",
            hint="give the store's SPARQL endpoint URL, e.g. http://host:8890/sparql or http://host:7878",
        )


@dataclass
class LoadReport:
    """What a load sent and what the store holds afterwards, per graph."""

    sent: dict[str, int]
    counted: dict[str, int]
    requests: int
    seconds: float

    @property
    def triples(self) -> int:
        return sum(self.sent.values())


class _Client:
    def __init__(self, endpoint: Endpoint, auth: Auth | None, session: requests.Session | None, retries: int):
        self.endpoint = endpoint
        self.auth = auth.requests_auth() if auth else None
        self.http = session or requests.Session()
        self.retries = retries
        self.requests = 0

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP request, retried with backoff on connection errors and 5xx; 4xx raise at once."""
        delay = 0.5
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                response = self.http.request(method, url, auth=self.auth, timeout=120, **kwargs)
            except requests.ConnectionError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            except requests.Timeout:
                problem = "the request timed out"
            else:
                if response.status_code < 400:
                    return response
                message = response.text.strip()[:500]
                if response.status_code < 500:
                    raise StoreError(
                        f"{method} {_safe_url(url)} was refused with HTTP {response.status_code}: {message}",
                        hint=_hint_for(response.status_code),
                    )
                problem = f"HTTP {response.status_code}: {message}"
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise StoreError(
            f"{method} {_safe_url(url)} failed after {self.retries + 1} attempt(s): {problem}",
            hint="check that the store is running and reachable",
        )

    def select(self, query: str) -> list[dict[str, Any]]:
        response = self.send(
            "GET",
            self.endpoint.query_url,
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
        except (ValueError, KeyError) as exc:
            raise StoreError(f"the store's answer is not SPARQL JSON results ({exc})") from None
        return bindings

    def update(self, statement: str) -> None:
        # A form POST: Virtuoso reads it, and it hangs on application/sparql-update bodies too.
        field_name = "query" if self.endpoint.product == "virtuoso" else "update"
        self.send("POST", self.endpoint.update_url, data={field_name: statement})

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    def put_or_post(self, method: str, graph: str, body: str) -> None:
        self.send(
            method,
            self.endpoint.graph_store_url,
            params={"graph": graph} if self.endpoint.product != "virtuoso" else {"graph-uri": graph},
            data=body.encode("utf-8"),
            headers={"Content-Type": "text/turtle; charset=utf-8"},
        )


def _hint_for(status: int) -> str:
    if status in (401, 403):
        return "give credentials with --user and --password (Virtuoso: digest auth, or GRANT SPARQL_UPDATE)"
    if status == 404:
        return "check the endpoint URL"
    return "the store's message above says what it could not accept"


def _read_source(source: Path | rdflib.Dataset, graph: str | None) -> dict[str, list[str]]:
    """N-Triples lines per graph IRI, each distinct line once."""
    if isinstance(source, rdflib.Dataset):
        dataset = source
    else:
        path = Path(source)
        if path.is_dir():
            path = path / "exilekg.nq"
            if not path.is_file():
                raise StoreError(
                    "the output folder has no exilekg.nq",
                    path=path.parent,
                    hint="build with N-Quads (the default), or give a dump file",
                )
        fmt = RdfFormat.from_path(path)
        dataset = rdflib.Dataset()
        try:
            if fmt.supports_datasets and fmt is not RdfFormat.JSONLD:
                dataset.parse(path, format=fmt.rdflib_name)
            elif fmt is RdfFormat.JSONLD:
                from exilekg.jsonld import expand_to_dataset

                dataset = expand_to_dataset(json.loads(path.read_text(encoding="utf-8")))
            else:
                if graph is None:
                    raise StoreError(
                        f"{path.name} holds triples without graph names",
                        path=path,
                        hint="say which graph to load them into with --graph IRI",
                    )
                dataset.graph(rdflib.URIRef(graph)).parse(path, format=fmt.rdflib_name)
        except StoreError:
            raise
        except Exception as exc:  # rdflib raises many unrelated types for bad syntax
            raise StoreError(f"cannot parse the dump: {exc}", path=path) from None
    lines: dict[str, dict[str, None]] = {}
    for s, p, o, g in quads_of(dataset):
        target = graph or g
        lines.setdefault(target, {})[f"<{s}> <{p}> {ntriples_term(o)} ."] = None
    return {g: list(v) for g, v in sorted(lines.items())}


def _chunks(lines: list[str], size: int) -> Iterator[str]:
    for start in range(0, len(lines), size):
        yield "\n".join(lines[start : start + size]) + "\n"


def load(
    source: Path | str | rdflib.Dataset,
    endpoint: str | Endpoint,
    *,
    graph: str | None = None,
    replace: bool = False,
    auth: Auth | None = None,
    chunk_triples: int = 5000,
    retries: int = 4,
    progress: SentCallback | None = None,
    session: requests.Session | None = None,
) -> LoadReport:
    """Load an output folder, a dump file or an rdflib Dataset into the store at ``endpoint``.

    Each named graph is sent with the Graph Store Protocol in chunks of
    ``chunk_triples``; ``graph`` puts everything into one graph (required for
    N-Triples and Turtle). Afterwards every graph is counted in the store. With
    ``replace`` the graphs' old content is replaced only once all new content
    has been loaded completely; otherwise triples are added.
    """
    started = time.perf_counter()
    data = _read_source(source if isinstance(source, rdflib.Dataset) else Path(source), graph)
    where = (
        endpoint if isinstance(endpoint, Endpoint) else Endpoint.detect(endpoint, auth=auth, session=session)
    )
    client = _Client(where, auth, session, retries)
    total = sum(len(v) for v in data.values())
    done = 0
    counted: dict[str, int] = {}
    _drop_stale_staging(client)
    if replace:
        staged: dict[str, str] = {}
        try:
            for target, lines in data.items():
                stage = f"{STAGING_PREFIX}{uuid.uuid4()}"
                staged[target] = stage
                for number, body in enumerate(_chunks(lines, chunk_triples)):
                    client.put_or_post("PUT" if number == 0 else "POST", stage, body)
                    done += min(chunk_triples, len(lines) - number * chunk_triples)
                    if progress:
                        progress(done, total)
                found = client.count(stage)
                if found != len(lines):
                    raise StoreError(
                        f"the store holds {found} triples of graph <{target}> after loading {len(lines)}",
                        hint="the store dropped or merged triples; see its log",
                    )
            for target, stage in staged.items():
                client.update(f"MOVE <{stage}> TO <{target}>")
        except BaseException:
            for stage in staged.values():
                with contextlib.suppress(StoreError):  # a later load removes stale staging graphs
                    client.update(f"DROP SILENT GRAPH <{stage}>")
            raise
    else:
        for target, lines in data.items():
            for body in _chunks(lines, chunk_triples):
                client.put_or_post("POST", target, body)
                done += body.count("\n")
                if progress:
                    progress(done, total)
    for target, lines in data.items():
        counted[target] = client.count(target)
        if replace and counted[target] != len(lines):
            raise StoreError(
                f"graph <{target}> holds {counted[target]} triples after the load, not the {len(lines)} sent",
                hint="another client may have written to it",
            )
        if not replace and counted[target] < len(lines):
            raise StoreError(
                f"graph <{target}> holds {counted[target]} triples after adding {len(lines)}",
                hint="the store did not keep everything it was sent; see its log",
            )
    sent = {g: len(v) for g, v in data.items()}
    return LoadReport(sent, counted, client.requests, time.perf_counter() - started)


def _drop_stale_staging(client: _Client) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), %s)) }"
    rows = client.select(query % f'"{STAGING_PREFIX}"')
    for row in rows:
        client.update(f"DROP SILENT GRAPH <{IRI(row['g']['value'])}>")


def _endpoint(url: str | Endpoint, auth: Auth | None) -> Endpoint:
    return url if isinstance(url, Endpoint) else Endpoint.detect(url, auth=auth)


def select(url: str | Endpoint, query: str, *, auth: Auth | None = None) -> list[dict[str, Any]]:
    """Run a SELECT query over HTTP; the SPARQL 1.1 JSON bindings (Virtuoso's typed-literal included)."""
    bindings = _Client(_endpoint(url, auth), auth, None, 2).select(query)
    for row in bindings:
        for value in row.values():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"  # Virtuoso's pre-standard name for a typed literal
    return bindings


def update(url: str | Endpoint, statement: str, *, auth: Auth | None = None) -> None:
    """Run a SPARQL Update statement."""
    _Client(_endpoint(url, auth), auth, None, 2).update(statement)


def count_triples(url: str | Endpoint, graph: str, *, auth: Auth | None = None) -> int:
    return _Client(_endpoint(url, auth), auth, None, 2).count(graph)
