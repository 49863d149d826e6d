"""Loading dumps into SPARQL 1.1 stores, and asking them questions over HTTP.

Only the standard protocols are spoken: the Graph Store HTTP Protocol to send
triples (one request series per named graph, since stores such as Virtuoso take
no N-Quads there) and SPARQL over HTTP to count and to swap graphs. Store quirks
handled here: Virtuoso hangs on POSTed ``application/sparql-query`` (queries go
as GET or form POST), answers counts as ``typed-literal``, keeps its Graph Store
endpoint at ``/sparql-graph-crud`` (``-auth`` with digest authentication, and
updates at ``/sparql-auth``), answers a missing permission with HTTP 500 and
``SR186``, and sees its own system triples in queries without ``GRAPH``;
Oxigraph's endpoints are ``/query``, ``/update`` and ``/store``.

``changed=True`` loads only the graphs of a build folder that changed since that folder's build
was last loaded into the store: the store keeps, in a graph of its own, each loaded graph's digest
(from the build's ``exilekg.state.json``), replaced in the same request as the graphs.

``replace=True`` is all or nothing, even if the client dies: every graph is first
loaded into a staging graph and counted; only when all staged graphs are complete
do they replace their targets, all in one SPARQL Update request (``MOVE`` after
``MOVE``, joined by ``;``), which the store applies as a whole or not at all. Staging
graphs are named ``urn:exilekg:staging:<UTC time>:<host>-<pid>:<load id>:<n>``, so
that a later load (or :func:`cleanup`) can tell leftovers of a dead load (older than
``stale_after``, or made on this machine by a process that is gone) from the live
staging graphs of a load running beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rdflib
import requests

from exilekg.errors import StoreError
from exilekg.rdf import Statement, find_dumps, rdflib_statements, read_statements
from exilekg.sparql.endpoint import Auth, Endpoint, safe_url
from exilekg.terms import IRI, BlankNode, Literal
from exilekg.writers import ntriples_term

__all__ = [
    "STAGING_PREFIX",
    "Auth",
    "Endpoint",
    "LoadReport",
    "StagingGraph",
    "cleanup",
    "count_triples",
    "load",
    "select",
    "staging_graphs",
    "update",
]

STAGING_PREFIX = "urn:exilekg:staging:"
"""The marker every staging graph's IRI starts with; see :class:`StagingGraph` for the rest."""

STALE_AFTER = 3600.0
"""Seconds after which a staging graph is taken as a dead load's leftover wherever it was made."""

_STAGING = re.compile(
    re.escape(STAGING_PREFIX)
    + r"(?P<time>\d{8}T\d{6}(?:\.\d{1,6})?Z):(?P<host>[0-9a-f]+)-(?P<pid>\d+):(?P<load>[0-9a-f-]+):\d+"
)
_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_DROP_BATCH = 500
"""Staging graphs dropped per request when cleaning up."""

SentCallback = Callable[[int, int], None]
"""Told how many triples a load has sent so far, and how many it will send in all."""


@dataclass
class LoadReport:
    """What a load sent and what the store holds afterwards, per graph."""

    sent: dict[str, int]
    counted: dict[str, int]
    requests: int
    seconds: float
    unchanged: int | None = None
    """With ``changed``: the graphs not sent, their digests the same as at the last load."""
    dropped: list[str] = field(default_factory=list)
    """With ``changed``: the graphs dropped from the store, gone from the build."""

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
        self.auth_user = auth.user if auth else None
        self.http = session or requests.Session()
        self.retries = retries
        self.timeout = timeout
        self.requests = 0

    def send(self, method: str, url: str, *, retry: bool = True, **kwargs: Any) -> requests.Response:
        """One HTTP request, retried with backoff on connection errors, time-outs and 5xx (unless
        ``retry`` is false); 4xx answers and permission errors raise at once."""
        delay = 0.5
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            self.requests += 1
            try:
                response = self.http.request(method, url, auth=self.auth, timeout=self.timeout, **kwargs)
            except requests.ConnectionError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            except requests.Timeout:
                problem = f"the request timed out after {self.timeout:g} s"
            else:
                if response.status_code < 400:
                    return response
                message = _message(response)
                denied = _permission_denied(response.status_code, message)
                if denied:
                    raise StoreError(
                        f"{method} {safe_url(url)} was refused: permission denied "
                        f"(HTTP {response.status_code}: {message})",
                        hint=self._grant_hint(),
                    )
                if response.status_code < 500:
                    raise StoreError(
                        f"{method} {safe_url(url)} was refused with HTTP {response.status_code}: {message}",
                        hint=_hint_for(response.status_code),
                    )
                problem = f"HTTP {response.status_code}: {message}"
            if attempt < attempts - 1:
                time.sleep(delay)
                delay *= 2
        raise StoreError(
            f"{method} {safe_url(url)} failed after {attempts} attempt(s): {problem}",
            hint="check that the store is running and reachable"
            + (", or give a longer --timeout" if "timed out" in problem else ""),
        )

    def _grant_hint(self) -> str:
        """How to give the user the load runs as the right to update the store."""
        if self.endpoint.product != "virtuoso":
            return "give credentials of a user that may update the store with --user and --password"
        user = self.auth_user or "SPARQL"
        grants = (
            f'GRANT SPARQL_UPDATE TO "{user}"; '
            f'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "{user}"; '
            f'GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "{user}";'
        )
        if self.auth_user is None:
            return (
                "Virtuoso's anonymous SPARQL user may not update: give a user that may "
                "(--user dba --auth digest, which sends updates to /sparql-auth), or let the "
                f"anonymous user update by running, as dba in isql-vt: {grants}"
            )
        return (
            f"user {user} may not update: as dba in isql-vt run {grants} "
            f"(Virtuoso 7.2.8 and later also need DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 3);)"
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

    def update(self, statement: str, *, retry: bool = True) -> None:
        # A form POST: Virtuoso reads it, and it hangs on application/sparql-update bodies too.
        field_name = "query" if self.endpoint.product == "virtuoso" else "update"
        url = self._url(self.endpoint.update_url, "SPARQL Update")
        self.send("POST", url, retry=retry, data={field_name: statement})

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


def _message(response: requests.Response) -> str:
    """The store's answer in one line: Virtuoso's without the query it echoes, HTML without tags."""
    text = response.content.decode("utf-8", "replace").split("SPARQL query:")[0]
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= 500 else text[:499] + "…"


_PERMISSION = re.compile(r"\bSR186\b|\bSECURITY\b|permission denied|no permission", re.IGNORECASE)


def _permission_denied(status: int, message: str) -> bool:
    """Whether an answer says the user may not do this: Virtuoso answers HTTP 500 with ``SR186``
    (or 403 with ``SECURITY``) where a GRANT is missing; retrying cannot help."""
    return status in (403, 500) and _PERMISSION.search(message) is not None


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
    changed: bool = False,
    auth: Auth | None = None,
    chunk_triples: int = 5000,
    retries: int = 4,
    timeout: float = 120.0,
    stale_after: float = STALE_AFTER,
    progress: SentCallback | None = None,
    session: requests.Session | None = None,
) -> LoadReport:
    """Load an output folder, a dump file or an rdflib Dataset into the store at ``endpoint``.

    Each named graph is sent with the Graph Store Protocol in chunks of
    ``chunk_triples``; ``graph`` puts everything into one graph (required for
    N-Triples and Turtle). Afterwards every graph is counted in the store. With
    ``replace`` the graphs' old content is replaced only once all new content
    has been loaded completely, by one SPARQL Update request for all graphs;
    otherwise triples are added. Each request may take ``timeout`` seconds, and is
    tried ``retries`` more times on a connection error, a time-out or a 5xx answer
    (never the request that replaces the graphs, nor one refused for lack of
    permission). First, staging graphs of dead loads are dropped: those older than
    ``stale_after`` seconds, and those made on this machine by a process that is gone.

    With ``changed`` (for a folder an incremental build wrote, see :mod:`exilekg.incremental`), only
    the graphs whose digest differs from the one the store recorded at this dataset's last load are
    sent, and graphs the build no longer has are dropped, all replaced as ``replace`` does (in the
    same request that records the new digests); :attr:`LoadReport.unchanged` counts the graphs not
    sent. A store that has no record of an earlier load gets every graph.
    """
    started = time.perf_counter()
    where = (
        endpoint
        if isinstance(endpoint, Endpoint)
        else Endpoint.detect(endpoint, auth=auth, session=session, timeout=timeout)
    )
    client = _Client(where, auth, session, retries, timeout)
    if changed:
        if isinstance(source, rdflib.Dataset) or graph is not None:
            raise StoreError(
                "--changed loads the graphs of a build folder",
                hint="give the folder an `exilekg build --incremental` wrote, without --graph",
            )
        return _load_changed(Path(source), client, chunk_triples, stale_after, progress, started)
    data = _read_source(source if isinstance(source, rdflib.Dataset) else Path(source), graph)
    sender = _Sender(client, chunk_triples, sum(len(v) for v in data.values()), progress)
    _cleanup(client, stale_after)
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


def _replace_graphs(sender: _Sender, data: dict[str, list[str]], drop: Iterable[str] = ()) -> None:
    """Each graph into a staging graph, counted; then all targets replaced (and the graphs of
    ``drop`` dropped) by one update request. Whatever fails before that request is answered, the
    staging graphs made are dropped; if the client dies instead, they are left to a later load's
    :func:`cleanup`."""
    client = sender.client
    names = _StagingNames()
    staged: dict[str, str] = {}
    try:
        for target, lines in data.items():
            stage = staged[target] = names.next()
            sender.send(stage, lines, put_first=True)
            found = client.count(stage)
            if found != len(lines):
                raise StoreError(
                    f"the store holds {found} triples of graph <{target}> after loading {len(lines)}",
                    hint="the store dropped or merged triples; see its log",
                )
        _swap(client, staged, names.prefix, drop)
    except BaseException:
        with contextlib.suppress(StoreError):  # a later load removes what is left
            _drop(client, staged.values())
        raise


def _swap(client: _Client, staged: dict[str, str], prefix: str, drop: Iterable[str] = ()) -> None:
    """Every staging graph MOVEd onto its target in one request: one transaction on Oxigraph, one
    request that a client's death cannot cut on any store. Never retried: had the store applied
    it, a second MOVE from the emptied staging graphs would empty the targets (Virtuoso does so
    without an error). When the answer is lost, the staging graphs left tell what happened."""
    statements = [f"MOVE <{stage}> TO <{target}>" for target, stage in staged.items()]
    statements += [f"DROP SILENT GRAPH <{g}>" for g in drop]
    statement = " ;\n".join(statements)
    try:
        client.update(statement, retry=False)
    except StoreError as failure:
        try:
            left = {g.iri for g in _list_staging(client) if g.iri.startswith(prefix)}
        except StoreError:
            raise failure from None
        mine = set(staged.values())
        remaining = mine & left
        if not remaining:
            return  # applied: only the store's answer was lost
        if remaining != mine:
            raise StoreError(
                f"the store replaced {len(mine) - len(remaining)} of {len(mine)} graphs, then failed: "
                f"{failure.message}",
                hint="this store does not apply one update request as a whole; load again with --replace",
            ) from None
        raise


LOADS_PREFIX = "urn:exilekg:loaded:"
"""The graphs where a store keeps what ``load --changed`` loaded, one per dataset (base IRI)."""

_DIGEST = "urn:exilekg:digest"
_BUILD = "urn:exilekg:build"


def _loads_graph(base: str) -> str:
    return LOADS_PREFIX + hashlib.sha256(base.encode("utf-8")).hexdigest()[:32]


def _load_changed(
    folder: Path,
    client: _Client,
    chunk: int,
    stale_after: float,
    progress: SentCallback | None,
    started: float,
) -> LoadReport:
    from exilekg.incremental import changed_graph_lines, read_loadable

    build = read_loadable(folder)
    record = _loads_graph(build.base)
    rows = client.select(f"SELECT ?g ?d WHERE {{ GRAPH <{record}> {{ ?g <{_DIGEST}> ?d }} }}")
    loaded = {row["g"]["value"]: row["d"]["value"] for row in rows}
    wanted = {g for g, digest in build.state.graphs.items() if loaded.get(g) != digest}
    gone = sorted(set(loaded) - set(build.state.graphs))
    data = changed_graph_lines(folder, build.state, wanted)
    # What the store will hold once the swap is applied, replaced with the graphs themselves.
    data[record] = [
        *(f"<{g}> <{_DIGEST}> {ntriples_term(Literal(d))} ." for g, d in sorted(build.state.graphs.items())),
        f"<{record}> <{_BUILD}> {ntriples_term(Literal(build.state.build_id))} .",
    ]
    sender = _Sender(client, chunk, sum(len(v) for v in data.values()), progress)
    _cleanup(client, stale_after)
    _replace_graphs(sender, data, gone)
    counted = {target: client.count(target) for target in data}
    for target, lines in data.items():
        if counted[target] != len(lines):
            raise StoreError(
                f"graph <{target}> holds {counted[target]} triples after the load, not the {len(lines)} sent",
                hint="another client may have written to it",
            )
    del data[record]
    sent = {g: len(v) for g, v in data.items()}
    return LoadReport(
        sent,
        {g: counted[g] for g in sent},
        client.requests,
        time.perf_counter() - started,
        unchanged=len(build.state.graphs) - len(sent),
        dropped=gone,
    )


@dataclass(frozen=True)
class StagingGraph:
    """A staging graph found in a store, read from its name
    ``urn:exilekg:staging:<UTC time>:<host>-<pid>:<load id>:<n>``."""

    iri: str
    created: datetime | None
    """When the load that made it started; None for a name without a time (older exilekg)."""
    host: str | None
    """A digest of the machine (and process namespace) the load ran on."""
    pid: int | None
    load_id: str | None

    @classmethod
    def parse(cls, iri: str) -> StagingGraph:
        match = _STAGING.fullmatch(iri)
        if match is None:
            return cls(iri, None, None, None, None)
        text = match["time"]
        created = datetime.strptime(text if "." in text else text[:-1] + ".0Z", _TIME_FORMAT)
        return cls(iri, created.replace(tzinfo=UTC), match["host"], int(match["pid"]), match["load"])

    def age(self, now: datetime | None = None) -> float | None:
        """Seconds since the load that made it started."""
        if self.created is None:
            return None
        return ((now or datetime.now(UTC)) - self.created).total_seconds()

    def stale_because(self, older_than: float, now: datetime | None = None) -> str | None:
        """Why this is a dead load's leftover, or None if its load may still be running."""
        age = self.age(now)
        if age is None:
            return "its name carries no time (made by an older exilekg)"
        if self.host == _host_id() and self.pid is not None and not _alive(self.pid):
            return f"process {self.pid} on this machine, which made it, is gone"
        if age > older_than:
            return f"made {_duration(age)} ago"
        return None


class _StagingNames:
    """The staging graph names of one load: its start, its machine and process, and a load id."""

    def __init__(self) -> None:
        created = datetime.now(UTC).strftime(_TIME_FORMAT)
        self.prefix = f"{STAGING_PREFIX}{created}:{_host_id()}-{os.getpid()}:{uuid.uuid4()}:"
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count - 1}"


_HOST_ID: list[str] = []


def _host_id() -> str:
    """This machine and process namespace, as a short digest: a process id means the same
    process only within one (a container has its own)."""
    if not _HOST_ID:
        parts = [socket.gethostname()]
        with contextlib.suppress(OSError):
            parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
        with contextlib.suppress(OSError):
            parts.append(str(Path("/proc/self/ns/pid").stat().st_ino))
        _HOST_ID.append(hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12])
    return _HOST_ID[0]


def _alive(pid: int) -> bool:
    """Whether a process of this machine is running; a zombie (killed, not yet waited for) is not.
    Where this cannot be known, it is taken as running, so that only age makes its graphs stale."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _list_staging(client: _Client) -> list[StagingGraph]:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), %s)) }"
    rows = client.select(query % f'"{STAGING_PREFIX}"')
    return sorted((StagingGraph.parse(str(IRI(row["g"]["value"]))) for row in rows), key=lambda g: g.iri)


def _drop(client: _Client, graphs: Iterable[str]) -> None:
    """Drop graphs, a few hundred per update request."""
    names = list(graphs)
    for start in range(0, len(names), _DROP_BATCH):
        batch = names[start : start + _DROP_BATCH]
        client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in batch))


def _cleanup(client: _Client, older_than: float) -> list[StagingGraph]:
    now = datetime.now(UTC)
    stale = [g for g in _list_staging(client) if g.stale_because(older_than, now) is not None]
    _drop(client, (g.iri for g in stale))
    return stale


def staging_graphs(
    url: str | Endpoint, *, auth: Auth | None = None, timeout: float = 60.0
) -> list[StagingGraph]:
    """Every staging graph in the store, of live loads and of dead ones."""
    return _list_staging(_Client(_endpoint(url, auth, timeout), auth, None, 2, timeout))


def cleanup(
    url: str | Endpoint,
    *,
    older_than: float = STALE_AFTER,
    auth: Auth | None = None,
    timeout: float = 60.0,
    dry_run: bool = False,
) -> list[StagingGraph]:
    """Drop the staging graphs that dead loads left in the store, and return them: those older than
    ``older_than`` seconds, those made on this machine by a process that is gone, and those named
    without a time. Staging graphs of a load that may still run are kept. ``dry_run`` drops nothing."""
    client = _Client(_endpoint(url, auth, timeout), auth, None, 2, timeout)
    if dry_run:
        now = datetime.now(UTC)
        return [g for g in _list_staging(client) if g.stale_because(older_than, now) is not None]
    return _cleanup(client, older_than)


def _endpoint(url: str | Endpoint, auth: Auth | None, timeout: float = 60.0) -> Endpoint:
    return url if isinstance(url, Endpoint) else Endpoint.detect(url, auth=auth, timeout=timeout)


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
