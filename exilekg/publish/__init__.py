"""Publishing the graph as a static web site whose identifiers resolve.

:func:`publish` turns a build folder into a site: a page per record (HTML, with
Turtle and JSON-LD beside it), indexes, the vocabulary, the dumps, a sitemap and
server configuration for content negotiation. :func:`make_server` previews a
site with the same negotiation rules the configuration files give nginx and Apache.
"""

from __future__ import annotations

from exilekg.publish.negotiate import VARIANTS, negotiate
from exilekg.publish.server import SiteServer, make_server, resolve, serve_forever
from exilekg.publish.site import MARKER, PublishResult, publish, slice_jsonld, slice_turtle
from exilekg.publish.store import Store, read_store

__all__ = [
    "MARKER",
    "VARIANTS",
    "PublishResult",
    "SiteServer",
    "Store",
    "make_server",
    "negotiate",
    "publish",
    "read_store",
    "resolve",
    "serve_forever",
    "slice_jsonld",
    "slice_turtle",
]
