"""Loading dumps into a store: a request series per named graph, and the all-or-nothing replace."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import rdflib
import requests

from exilekg.errors import StoreError
from exilekg.rdf import Statement, find_dumps, rdflib_statements, read_statements
from exilekg.sparql.endpoint import Auth, Endpoint
from exilekg.stores.client import SentCallback, _Client
from exilekg.stores.staging import STALE_AFTER, _cleanup, _drop, _list_staging, _StagingNames
from exilekg.terms import BlankNode
from exilekg.writers import ntriples_term

__all__ = ["LoadReport", "load"]


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


def _replace_graphs(sender: _Sender, data: dict[str, list[str]]) -> None:
    """Each graph into a staging graph, counted; then all targets replaced by one update request.
    Whatever fails before that request is answered, the staging graphs made are dropped; if the
    client dies instead, they are left to a later load's :func:`cleanup`."""
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
        _swap(client, staged, names.prefix)
    except BaseException:
        with contextlib.suppress(StoreError):  # a later load removes what is left
            _drop(client, staged.values())
        raise


def _swap(client: _Client, staged: dict[str, str], prefix: str) -> None:
    """Every staging graph MOVEd onto its target in one request: one transaction on Oxigraph, one
    request that a client's death cannot cut on any store. Never retried: had the store applied
    it, a second MOVE from the emptied staging graphs would empty the targets (Virtuoso does so
    without an error). When the answer is lost, the staging graphs left tell what happened."""
    statement = " ;\n".join(f"MOVE <{stage}> TO <{target}>" for target, stage in staged.items())
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
