"""Loading dumps into SPARQL 1.1 stores, and asking them questions over HTTP.

Only the standard protocols are spoken: the Graph Store HTTP Protocol to send
triples (one request series per named graph, since stores such as Virtuoso take
no N-Quads there; to Oxigraph, the N-Quads of many graphs a request to its dataset
endpoint) and SPARQL over HTTP to count and to swap graphs. Store quirks
handled here: Virtuoso hangs on POSTed ``application/sparql-query`` (queries go
as GET or form POST), answers counts as ``typed-literal``, keeps its Graph Store
endpoint at ``/sparql-graph-crud`` (``-auth`` with digest authentication, and
updates at ``/sparql-auth``), answers a missing permission with HTTP 500 and
``SR186``, and sees its own system triples in queries without ``GRAPH``;
Oxigraph's endpoints are ``/query``, ``/update`` and ``/store``.

``changed=True`` loads only the graphs of a build folder that changed since that folder's build
was last loaded into the store: the store keeps, in a graph of its own, each loaded graph's digest
(from the build's ``exilekg.state.json``), replaced in the same request as the graphs.

``replace=True`` is all or nothing, even if the client dies. On Oxigraph, only the difference
between the graphs in the store and the build is written, in one request
(:mod:`~exilekg.stores.difference`). Otherwise every graph is first
loaded into a staging graph and counted; only when all staged graphs are complete
do they replace their targets, all in one SPARQL Update request (``MOVE`` after
``MOVE``, joined by ``;``), which the store applies as a whole or not at all. Staging
graphs are named ``urn:exilekg:staging:<UTC time>:<host>-<pid>:<load id>:<n>``, so
that a later load (or :func:`cleanup`) can tell leftovers of a dead load (older than
``stale_after``, or made on this machine by a process that is gone) from the live
staging graphs of a load running beside it.

The package's parts: :mod:`~exilekg.stores.loading` loads dumps; :mod:`~exilekg.stores.difference`
replaces graphs by their difference; :mod:`~exilekg.stores.staging` names staging graphs and cleans
them up; :mod:`~exilekg.stores.client` speaks to the store.
"""

from __future__ import annotations

from exilekg.sparql.endpoint import Auth, Endpoint
from exilekg.stores.client import count_triples, select, update
from exilekg.stores.loading import LOADS_PREFIX, LoadReport, load
from exilekg.stores.staging import (
    STAGING_PREFIX,
    STALE_AFTER,
    StagingGraph,
    cleanup,
    staging_graphs,
)

# How a load on this machine names its staging graphs, for the tests of telling leftovers apart.
from exilekg.stores.staging import _host_id as _host_id
from exilekg.stores.staging import _StagingNames as _StagingNames

__all__ = [
    "LOADS_PREFIX",
    "STAGING_PREFIX",
    "STALE_AFTER",
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
