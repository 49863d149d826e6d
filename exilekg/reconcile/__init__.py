"""Reconciliation: linking the corpus's entities to Wikidata (or any service), and serving the graph as one.

Both directions speak the W3C Entity Reconciliation Community Group's Reconciliation Service API
v0.2:

- as a client, :func:`reconcile_corpus` asks a service (Wikidata's by default,
  :data:`WIKIDATA_ENDPOINT`) about every entity not yet linked to it and writes a review file;
  :func:`accept_review` writes the curator's decisions into the records as ``sameAs`` with their
  provenance;
- as a server, :func:`make_reconcile_server` answers queries, previews and suggestions from a
  built graph (:class:`EntityIndex`), so a spreadsheet can be reconciled against it in OpenRefine.

The names are imported on first use, so that a module needing only :mod:`.spec` (the site, for
its Wikidata links) does not load the string matching and HTTP machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exilekg.reconcile.accept import AcceptReport, accept_review
    from exilekg.reconcile.client import QueryCache, ReconciliationClient, default_cache_dir
    from exilekg.reconcile.index import EntityIndex
    from exilekg.reconcile.review import ReconcileReport, default_review_path, read_review, reconcile_corpus
    from exilekg.reconcile.server import ReconciliationServer, make_reconcile_server, serve_reconcile_forever
    from exilekg.reconcile.spec import WIKIDATA_ENDPOINT, Manifest

__all__ = [
    "WIKIDATA_ENDPOINT",
    "AcceptReport",
    "EntityIndex",
    "Manifest",
    "QueryCache",
    "ReconcileReport",
    "ReconciliationClient",
    "ReconciliationServer",
    "accept_review",
    "default_cache_dir",
    "default_review_path",
    "make_reconcile_server",
    "read_review",
    "reconcile_corpus",
    "serve_reconcile_forever",
]

_HOMES = {
    "AcceptReport": "accept",
    "accept_review": "accept",
    "QueryCache": "client",
    "ReconciliationClient": "client",
    "default_cache_dir": "client",
    "EntityIndex": "index",
    "ReconcileReport": "review",
    "default_review_path": "review",
    "read_review": "review",
    "reconcile_corpus": "review",
    "ReconciliationServer": "server",
    "make_reconcile_server": "server",
    "serve_reconcile_forever": "server",
    "WIKIDATA_ENDPOINT": "spec",
    "Manifest": "spec",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'exilekg.reconcile' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"exilekg.reconcile.{home}"), name)
    globals()[name] = value
    return value
