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
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
import requests

from exilekg.errors import StoreError
from exilekg.rdf import Statement, find_dumps, rdflib_statements, read_statements
from exilekg.sparql.endpoint import Auth, Endpoint, safe_url
from exilekg.terms import IRI, BlankNode
from exilekg.writers import ntriples_term

__all__ = ["Auth", "Endpoint", "LoadReport", "count_triples", "load", "select", "update"]

STAGING_PREFIX = "urn:exilekg:staging:"
"""Staging graphs are named ``urn:exilekg:staging:<uuid>``; a later load removes stale ones."""

SentCallback = Callable[[int, int], None]
"""Told how many triples a load has sent so far, and how many it will send in all."""


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
    """Requests to one store, retried with backoff, and counted."""

    def __init__(
        self,
        endpoint: Endpoint,
        auth: Auth | None,
        session: requests.Session | None,
        retries: int,
        timeout: float = 120.0,
    ) -> None:
        self.endpoint = endpoint
        self.auth = auth.requests_auth() if auth else None
        self.http = session or requests.Session()
        self.retries = retries
        self.timeout = timeout
        self.requests = 0

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP request, retried with backoff on connection errors and 5xx; 4xx raise at once."""
        delay = 0.5
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                response = self.http.request(method, url, auth=self.auth, timeout=self.timeout, **kwargs)
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
                        f"{method} {safe_url(url)} was refused with HTTP {response.status_code}: {message}",
                        hint=_hint_for(response.status_code),
                    )
                problem = f"HTTP {response.status_code}: {message}"
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise StoreError(
            f"{method} {safe_url(url)} failed after {self.retries + 1} attempt(s): {problem}",
            hint="check that the store is running and reachable",
        )

    def _url(self, url: str | None, what: str) -> str:
        if url is None:
            raise StoreError(
                f"{safe_url(self.endpoint.url)} has no {what} endpoint that exilekg knows of",
                hint="give the store's SPARQL endpoint URL, e.g. http://host:8890/sparql or http://host:7878",
            )
        return url

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
        self.send("POST", self._url(self.endpoint.update_url, "SPARQL Update"), data={field_name: statement})

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    def put_or_post(self, method: str, graph: str, body: str) -> None:
        self.send(
            method,
            self._url(self.endpoint.graph_store_url, "Graph Store Protocol"),
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


def _statements(source: Path | rdflib.Dataset, graph: str | None) -> Iterator[Statement]:
    """The quads of an rdflib Dataset, or of a dump file or a build folder's best dump."""
    if isinstance(source, rdflib.Dataset):
        yield from rdflib_statements(source)
        return
    path = Path(source)
    dump = find_dumps([path], error=StoreError)[0]  # of a folder, its dump and not its void.ttl
    if not dump.fmt.supports_datasets and graph is None:
        raise StoreError(
            f"{dump.path.name} holds triples without graph names",
            path=dump.path,
            hint="say which graph to load them into with --graph IRI",
        )
    yield from read_statements(dump, error=StoreError)


def _read_source(source: Path | rdflib.Dataset, graph: str | None) -> dict[str, list[str]]:
    """N-Triples lines per graph IRI, each distinct line once."""
    lines: dict[str, dict[str, None]] = {}
    for s, p, o, g in _statements(source, graph):
        target = graph or g
        if isinstance(s, BlankNode) or isinstance(o, BlankNode) or isinstance(target, BlankNode):
            raise StoreError(
                "the data holds a blank node, which cannot be sent in parts",
                path=None if isinstance(source, rdflib.Dataset) else Path(source),
                hint="give every node an IRI (exilekg's own dumps have no blank nodes)",
            )
        if target is None:
            raise StoreError(
                "the data holds triples in the default graph",
                path=None if isinstance(source, rdflib.Dataset) else Path(source),
                hint="say which graph to load them into with --graph IRI",
            )
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
    timeout: float = 120.0,
    progress: SentCallback | None = None,
    session: requests.Session | None = None,
) -> LoadReport:
    """Load an output folder, a dump file or an rdflib Dataset into the store at ``endpoint``.

    Each named graph is sent with the Graph Store Protocol in chunks of
    ``chunk_triples``; ``graph`` puts everything into one graph (required for
    N-Triples and Turtle). Afterwards every graph is counted in the store. With
    ``replace`` the graphs' old content is replaced only once all new content
    has been loaded completely; otherwise triples are added. Each request may take
    ``timeout`` seconds, and is tried ``retries`` more times on a connection error,
    a time-out or a 5xx answer.
    """
    started = time.perf_counter()
    data = _read_source(source if isinstance(source, rdflib.Dataset) else Path(source), graph)
    where = (
        endpoint
        if isinstance(endpoint, Endpoint)
        else Endpoint.detect(endpoint, auth=auth, session=session, timeout=timeout)
    )
    client = _Client(where, auth, session, retries, timeout)
    sender = _Sender(client, chunk_triples, sum(len(v) for v in data.values()), progress)
    _drop_stale_staging(client)
    if replace:
        _replace_graphs(sender, data)
    else:
        for target, lines in data.items():
            sender.send(target, lines, put_first=False)
    counted = {target: client.count(target) for target in data}
    for target, lines in data.items():
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


class _Sender:
    """Sends graphs in chunks, telling ``progress`` how many triples of all are sent."""

    def __init__(self, client: _Client, chunk: int, total: int, progress: SentCallback | None) -> None:
        self.client = client
        self.chunk = chunk
        self.total = total
        self.done = 0
        self.progress = progress

    def send(self, graph: str, lines: list[str], *, put_first: bool) -> None:
        """``lines`` into ``graph``: the first chunk PUT (replacing) if ``put_first``, the rest POSTed."""
        for number, body in enumerate(_chunks(lines, self.chunk)):
            self.client.put_or_post("PUT" if put_first and number == 0 else "POST", graph, body)
            self.done += min(self.chunk, len(lines) - number * self.chunk)
            if self.progress:
                self.progress(self.done, self.total)


def _replace_graphs(sender: _Sender, data: dict[str, list[str]]) -> None:
    """Each graph into a staging graph, counted; then every staging graph MOVEd onto its target.
    Whatever fails, the staging graphs made are dropped."""
    client = sender.client
    staged: dict[str, str] = {}
    try:
        for target, lines in data.items():
            stage = staged[target] = f"{STAGING_PREFIX}{uuid.uuid4()}"
            sender.send(stage, lines, put_first=True)
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
