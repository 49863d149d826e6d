"""Replacing graphs in an Oxigraph server by their difference, in one transaction.

Oxigraph applies one request as one transaction, but writes in a transaction about five times
slower than its bulk loader, and a ``MOVE`` from a staging graph writes every triple three times
(the target's old triples removed, the new ones added, the staging graph emptied): replacing a
1M-triple build so took 112 s, and a second time more than the default 120 s time-out. Here the
graphs' current triples are read instead, and only what differs is written, in one request:

- when nothing is to be removed (a first load, or graphs that only grow), the added quads go in
  one N-Quads ``POST`` to ``/store``, which Oxigraph loads as one transaction (19 s for 1M);
- otherwise one SPARQL Update request removes and adds the differing triples (``DELETE DATA``,
  ``INSERT DATA``) and drops the graphs to drop, if it stays within Oxigraph's size limit.

Where neither fits (blank nodes in a graph, which ``DELETE DATA`` cannot name, or a difference too
large for one update), :func:`replace_by_difference` says so and the load stages its graphs. A
client killed at any moment leaves the graphs as they were, or (once its one request is in) as
they are to be: no other request writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import pyoxigraph

from exilekg.stores.client import _Client

__all__ = ["UPDATE_LIMIT", "nquads", "replace_by_difference"]

UPDATE_LIMIT = 96 * 2**20
"""Characters of the largest update sent: Oxigraph refuses SPARQL bodies over 128 MiB."""

_READ_TOGETHER = 200
"""Graphs whose triples one query reads."""


class _BlankNodes(Exception):
    """A graph holds a blank node: its triples cannot be named in ``DELETE DATA``."""


def _canonical(lines: list[str]) -> set[str]:
    """The triples of N-Triples ``lines`` as pyoxigraph writes them (no final `` .``)."""
    text = "\n".join(lines).encode("utf-8")
    return {str(t) for t in pyoxigraph.parse(input=text, format=pyoxigraph.RdfFormat.N_TRIPLES)}


def _current(client: _Client, graphs: list[str]) -> Iterator[tuple[str, set[str]]]:
    """Each graph's triples in the store, as pyoxigraph writes them."""
    for start in range(0, len(graphs), _READ_TOGETHER):
        batch = graphs[start : start + _READ_TOGETHER]
        found: dict[str, set[str]] = {g: set() for g in batch}
        values = " ".join(f"<{g}>" for g in batch)
        body = client.select_tsv(
            f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        results = pyoxigraph.parse_query_results(input=body, format=pyoxigraph.QueryResultsFormat.TSV)
        assert isinstance(results, pyoxigraph.QuerySolutions)
        for row in results:
            s, p, o, g = row["s"], row["p"], row["o"], row["g"]
            if isinstance(s, pyoxigraph.BlankNode) or isinstance(o, pyoxigraph.BlankNode):
                raise _BlankNodes
            found[str(g.value) if isinstance(g, pyoxigraph.NamedNode) else str(g)].add(f"{s} {p} {o}")
        yield from found.items()


def _update(removed: dict[str, set[str]], added: dict[str, set[str]], drop: Iterable[str]) -> str:
    parts = [f"DROP SILENT GRAPH <{g}>" for g in drop]
    if any(removed.values()):
        graphs = " ".join(f"GRAPH <{g}> {{ {' . '.join(sorted(t))} }}" for g, t in removed.items() if t)
        parts.append(f"DELETE DATA {{ {graphs} }}")
    if any(added.values()):
        graphs = " ".join(f"GRAPH <{g}> {{ {' . '.join(sorted(t))} }}" for g, t in added.items() if t)
        parts.append(f"INSERT DATA {{ {graphs} }}")
    return " ;\n".join(parts)


def nquads(triples: dict[str, list[str]]) -> Iterator[str]:
    """The N-Quads lines of triples per graph. A triple is an N-Triples line (ending `` .``) or as
    pyoxigraph writes it (which never ends so)."""
    for graph, lines in triples.items():
        suffix = f" <{graph}> .\n"
        for triple in lines:
            yield (triple[:-2] if triple.endswith(" .") else triple) + suffix


class _Quads:
    """A request body of N-Quads (:func:`nquads`) made as it is sent (a body of 1M quads is 220 MB,
    which would be held twice, as text and as bytes), and made again if a request is retried."""

    def __init__(self, triples: dict[str, list[str]]) -> None:
        self.triples = triples
        self.size: int | None = None

    def __len__(self) -> int:
        # Its length in bytes, so that the request says it (Content-Length) instead of being sent
        # in chunks, which not every proxy passes on.
        if self.size is None:
            self.size = sum(len(chunk) for chunk in self)
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        lines = nquads(self.triples)
        while batch := list(itertools.islice(lines, 10_000)):
            yield "".join(batch).encode("utf-8")


def replace_by_difference(client: _Client, data: dict[str, list[str]], drop: Iterable[str] = ()) -> bool:
    """Make each graph of ``data`` hold exactly its N-Triples lines, and drop the graphs of ``drop``,
    with one write request; False (nothing written) where this cannot be done so."""
    dropped = list(drop)
    removed: dict[str, set[str]] = {}
    added: dict[str, list[str]] = {}
    try:
        for graph, old in _current(client, list(data)):
            if not old:  # all of it new: sent as it is, compared with nothing
                added[graph] = data[graph]
                continue
            new = _canonical(data[graph])
            removed[graph], added[graph] = old - new, sorted(new - old)
    except _BlankNodes:
        return False
    if not dropped and not any(removed.values()):
        if any(added.values()):
            client.post_quads(_Quads(added), transaction=True)
        return True
    statement = _update(
        removed, {g: {t.removesuffix(" .") for t in triples} for g, triples in added.items()}, dropped
    )
    if len(statement) > UPDATE_LIMIT:
        return False
    # Retried as any request: unlike MOVE from staging graphs, applying it twice changes nothing.
    client.update(statement)
    return True
