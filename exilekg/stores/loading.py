"""Loading dumps into a store: a request series per named graph, and the all-or-nothing replace."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
import requests

from exilekg.errors import StoreError
from exilekg.rdf import Statement, find_dumps, rdflib_statements, read_statements
from exilekg.sparql.endpoint import Auth, Endpoint
from exilekg.stores.client import SentCallback, _Client
from exilekg.stores.difference import nquads, replace_by_difference
from exilekg.stores.staging import STALE_AFTER, _cleanup, _drop, _list_staging, _StagingNames
from exilekg.terms import BlankNode, Literal
from exilekg.writers import ntriples_term

__all__ = ["LOADS_PREFIX", "LoadReport", "load"]


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
    chunk_triples: int | None = None,
    retries: int = 4,
    timeout: float = 120.0,
    stale_after: float = STALE_AFTER,
    progress: SentCallback | None = None,
    session: requests.Session | None = None,
) -> LoadReport:
    """Load an output folder, a dump file or an rdflib Dataset into the store at ``endpoint``.

    Each named graph is sent with the Graph Store Protocol in chunks of
    ``chunk_triples`` (by default :data:`GRAPH_CHUNK`); to an Oxigraph server, the quads of
    many graphs go together to its bulk loader instead, ``chunk_triples`` (by default
    :data:`BULK_CHUNK`) a request. ``graph`` puts everything into one graph (required for
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
        sender.send(data)
    counted = _counted(client, data, replaced=replace)
    sent = {g: len(v) for g, v in data.items()}
    return LoadReport(sent, counted, client.requests, time.perf_counter() - started)


def _counted(client: _Client, data: dict[str, list[str]], *, replaced: bool) -> dict[str, int]:
    """Each graph's triples in the store, checked against what was sent: as many if the graph was
    replaced, at least as many if they were added."""
    counted = client.counts(data)
    for target, lines in data.items():
        if replaced and counted[target] != len(lines):
            raise StoreError(
                f"graph <{target}> holds {counted[target]} triples after the load, not the {len(lines)} sent",
                hint="another client may have written to it",
            )
        if not replaced and counted[target] < len(lines):
            raise StoreError(
                f"graph <{target}> holds {counted[target]} triples after adding {len(lines)}",
                hint="the store did not keep everything it was sent; see its log",
            )
    return counted


GRAPH_CHUNK = 5000
"""Triples a Graph Store request sends by default."""

BULK_CHUNK = 100_000
"""Quads a request to Oxigraph's bulk loader sends by default: each request starts a bulk load of
its own, so that 100,000 quads took 2.1 s in requests of 5,000 and 0.7 s in requests of 50,000."""


class _Sender:
    """Sends graphs in chunks, telling ``progress`` how many triples of all are sent.

    To Oxigraph, the quads of many graphs go in one N-Quads request to its bulk loader; to other
    stores (Virtuoso takes no N-Quads), each graph is sent in requests of its own.
    """

    def __init__(self, client: _Client, chunk: int | None, total: int, progress: SentCallback | None) -> None:
        self.client = client
        self.bulk = client.endpoint.product == "oxigraph"
        """Whether the store is an Oxigraph server, which takes N-Quads and has a bulk loader."""
        self.chunk = chunk or (BULK_CHUNK if self.bulk else GRAPH_CHUNK)
        self.total = total
        self.done = 0
        self.progress = progress

    def sent_all(self) -> None:
        self._sent(self.total - self.done)

    def _sent(self, triples: int) -> None:
        self.done += triples
        if self.progress:
            self.progress(self.done, self.total)

    def send(self, data: dict[str, list[str]], into: dict[str, str] | None = None) -> None:
        """Each graph's ``lines`` into ``into[graph]`` (a new staging graph, whose first request
        replaces whatever it might hold) or added to the graph itself."""
        if self.bulk:
            self._send_quads(data, into or {})
            return
        for graph, lines in data.items():
            target = into[graph] if into is not None else graph
            for number, body in enumerate(_chunks(lines, self.chunk)):
                method = "PUT" if into is not None and number == 0 else "POST"
                self.client.put_or_post(method, target, body)
                self._sent(min(self.chunk, len(lines) - number * self.chunk))

    def _send_quads(self, data: dict[str, list[str]], into: dict[str, str]) -> None:
        lines = nquads({into.get(graph, graph): triples for graph, triples in data.items()})
        while batch := list(itertools.islice(lines, self.chunk)):
            self.client.post_quads("".join(batch))
            self._sent(len(batch))


def _replace_graphs(sender: _Sender, data: dict[str, list[str]], drop: Iterable[str] = ()) -> None:
    """On Oxigraph, only the difference written, in one request (:mod:`~exilekg.stores.difference`)
    where it can be. Otherwise each graph into a staging graph, all counted; then all targets
    replaced (and the graphs of ``drop`` dropped) by one update request. Whatever fails before
    that request is answered, the staging graphs made are dropped; if the client dies instead,
    they are left to a later load's :func:`cleanup`."""
    client = sender.client
    if sender.bulk and replace_by_difference(client, data, drop):
        sender.sent_all()
        return
    names = _StagingNames()
    staged = {target: names.next() for target in data}
    try:
        sender.send(data, staged)
        found = client.counts(staged.values())
        for target, lines in data.items():
            if found[staged[target]] != len(lines):
                raise StoreError(
                    f"the store holds {found[staged[target]]} triples of graph <{target}> after loading "
                    f"{len(lines)}",
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
    chunk: int | None,
    stale_after: float,
    progress: SentCallback | None,
    started: float,
) -> LoadReport:
    # Imported here: the build's modules (mapping, checking) are not needed by other loads.
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
    counted = _counted(client, data, replaced=True)
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
