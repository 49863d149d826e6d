"""The JSON-LD a page embeds for search engines: its slice, with what they need to read it alone.

A page's slice (:attr:`~exilekg.publish.store.Store.slices`) names the records it
links to only by IRI; a search engine reads one page at a time and takes a bare
reference for a thing without a name. So the embedded description adds, for each
record the slice links to through a schema.org property, that record's schema.org
types, its names and a URL (its own when the data gives one, else its page on this
site), and nests it where it is linked, as the search engines' own examples do.
Besides that it states in schema.org what the data says in other words:

- an image's ``contentUrl`` also as its ``url``;
- on the dataset page, the DCAT and Dublin Core description as a ``schema:Dataset``:
  each ``dcat:Distribution`` as a ``schema:DataDownload`` with ``contentUrl`` and
  ``encodingFormat``, the maintainer as ``creator``, the stated publisher (else the
  maintainer) as ``publisher``, ``dcterms:issued``/``modified`` as
  ``datePublished``/``dateModified``, and the landing page as ``url``;
- on a person's page, the page itself as a ``schema:ProfilePage`` whose ``mainEntity``
  is the person.

Nothing is invented: a value the data lacks (an event's place, an image's URL) is
left out rather than filled with a guess, and an image without a URL is left out of
the embedded JSON-LD altogether (search engines reject an image they cannot fetch;
the page still shows its caption and credit). Every added statement is one of those
above, so the embedded JSON-LD is the slice (less such images) plus statements the
graph already makes or that follow from it; the ``.jsonld`` file beside the page
stays the bare slice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeGuard

from exilekg.jsonld import inline_context
from exilekg.publish.store import Store, Triple
from exilekg.terms import DCAT, DCTERMS, IRI, RDF, SCHEMA, Literal, Term
from exilekg.writers import jsonld_document

__all__ = ["COERCED", "FIRST_EMBEDDED", "page_jsonld", "search_triples"]

_GRAPH = IRI("urn:x-exilekg:slice")
_FOAF = "http://xmlns.com/foaf/0.1/"
_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

_NOT_SUMMARISED = frozenset({SCHEMA.mentions, SCHEMA.isPartOf, SCHEMA.sameAs, SCHEMA.url, SCHEMA.license})
"""Links whose targets stay bare references: every record an article mentions, the dataset every
record is part of, and IRIs of things outside the graph."""

FIRST_EMBEDDED: tuple[str, ...] = (
    "mainEntity",
    "author",
    "creator",
    "publisher",
    "image",
    "location",
    "organizer",
    "distribution",
)
"""Where a node linked from several places is nested (once): the properties search engines read."""

_SUMMARY_KEYS = frozenset({"@id", "@type", "name", "url"})

COERCED: tuple[str, ...] = (
    "url",
    "contentUrl",
    "sameAs",
    "license",
    "datePublished",
    "dateModified",
    "dateCreated",
    "startDate",
    "endDate",
    "birthDate",
    "deathDate",
    "foundingDate",
    "dissolutionDate",
    "observationDate",
)
"""Properties given as plain strings (the context says their type), as search engines' examples write
them: URLs rather than ``{"@id": …}``, dates rather than ``{"@value": …, "@type": "xsd:date"}``.
A property is coerced only where every value on the page has the same type."""


def _record_summary(store: Store, node: IRI, url: str | None) -> Iterable[Triple]:
    """What a search engine needs of a record linked from a page: its schema.org types, names, URL."""
    for cls in store.types(node):
        if cls.startswith(str(SCHEMA)):
            yield node, RDF.type, cls
    names = store.values(node, SCHEMA.name) or store.values(node, SCHEMA.headline)
    for name in names:
        yield node, SCHEMA.name, name
    own = store.values(node, SCHEMA.url)
    if own:
        for value in own:
            yield node, SCHEMA.url, value
    elif url is not None:
        yield node, SCHEMA.url, IRI(url)


def _dataset_in_schema(store: Store, ds: IRI, landing: str) -> Iterable[Triple]:
    """The dataset's DCAT, VoID and Dublin Core description restated as schema.org says it."""
    yield ds, SCHEMA.url, IRI(landing)
    maintainers = store.iris(ds, SCHEMA.maintainer)
    for maintainer in maintainers:
        yield ds, SCHEMA.creator, maintainer
    publishers = store.iris(ds, DCTERMS.publisher)
    for publisher in publishers:
        yield ds, SCHEMA.publisher, publisher
        # The corpus names its publisher as a FOAF agent: an organisation in schema.org's words.
        yield publisher, RDF.type, SCHEMA.Organization
        for name in store.values(publisher, IRI(f"{_FOAF}name")):
            yield publisher, SCHEMA.name, name
        for page in store.values(publisher, IRI(f"{_FOAF}homepage")):
            yield publisher, SCHEMA.url, page
    if not publishers:
        for maintainer in maintainers:
            yield ds, SCHEMA.publisher, maintainer
    for source, target in ((DCTERMS.issued, SCHEMA.datePublished), (DCTERMS.modified, SCHEMA.dateModified)):
        for value in store.values(ds, source):
            yield ds, target, value
    for dist in store.iris(ds, DCAT.distribution):
        yield from _download_in_schema(store, ds, dist)


def _download_in_schema(store: Store, ds: IRI, dist: IRI) -> Iterable[Triple]:
    """A DCAT distribution with a download URL as a schema.org DataDownload of the dataset."""
    downloads = store.iris(dist, DCAT.downloadURL)
    if not downloads:
        return
    yield ds, SCHEMA.distribution, dist
    yield dist, RDF.type, SCHEMA.DataDownload
    for url in downloads:
        yield dist, SCHEMA.contentUrl, url
    for media in store.iris(dist, DCAT.mediaType):
        if media.startswith(_MEDIA_TYPES):
            yield dist, SCHEMA.encodingFormat, Literal(media[len(_MEDIA_TYPES) :])
    for title in store.values(dist, DCTERMS.title):
        yield dist, SCHEMA.name, title
    for license_iri in store.iris(dist, DCTERMS.license):
        yield dist, SCHEMA.license, license_iri


def search_triples(
    store: Store, page: IRI, triples: Sequence[Triple], page_urls: dict[IRI, str], base_url: str
) -> list[Triple]:
    """The slice and the statements search engines need beside it (see the module's description).

    ``page_urls`` gives the site URL of every record that has a page (the key is the record's IRI).
    """
    # An image without a URL is an invalid item to a search engine (Google's image metadata and
    # Article's ``image`` both need one): the page shows its caption and credit, the JSON-LD skips it.
    unlocated = {
        s
        for s, p, o in triples
        if p == RDF.type and o == SCHEMA.ImageObject and not store.values(s, SCHEMA.contentUrl)
    }
    triples = [t for t in triples if t[0] not in unlocated and t[2] not in unlocated]
    out: dict[Triple, None] = dict.fromkeys(triples)
    described = {s for s, _, _ in triples}
    linked: dict[IRI, None] = {}
    for s, p, o in triples:
        if _links_a_page(o, p, store, described, page_urls):
            linked[o] = None
        if p == SCHEMA.contentUrl and store.has_type(s, SCHEMA.ImageObject):
            out[(s, SCHEMA.url, o)] = None
    for node in linked:
        out.update(dict.fromkeys(_record_summary(store, node, page_urls.get(node))))
    out.update(dict.fromkeys(_page_kind_triples(store, page, page_urls, base_url)))
    return list(out)


def _links_a_page(
    o: Term, p: IRI, store: Store, described: set[IRI], page_urls: dict[IRI, str]
) -> TypeGuard[IRI]:
    """Whether ``o`` is a record with a page of its own that a schema.org property links to and
    the slice does not describe: the page's JSON-LD then summarises it."""
    return (
        isinstance(o, IRI)
        and p.startswith(str(SCHEMA))
        and p not in _NOT_SUMMARISED
        and o not in described
        and store.owner(o) == o
        and o in page_urls
    )


def _page_kind_triples(store: Store, page: IRI, page_urls: dict[IRI, str], base_url: str) -> list[Triple]:
    """The dataset's page as a schema.org Dataset; a person's page as their ProfilePage."""
    if store.segment(page) == "dataset" and store.has_type(page, SCHEMA.Dataset):
        return list(_dataset_in_schema(store, page, page_urls.get(page, base_url)))
    if store.has_type(page, SCHEMA.Person) and page in page_urls:
        profile = IRI(f"{page_urls[page]}.html")
        return [(profile, RDF.type, SCHEMA.ProfilePage), (profile, SCHEMA.mainEntity, page)]
    return []


def _nest(nodes: list[dict[str, Any]], root: str) -> list[dict[str, Any]]:
    """Flat node objects as trees: each node nested once where it is first linked, the rest at the top.

    The walk starts at ``root`` and goes breadth first, taking the properties of
    :data:`FIRST_EMBEDDED` before the others, so an author linked also as a mention
    is described under ``author``; a node those properties link to again (a maintainer
    who is also the publisher) is repeated there by its id, type, name and URL only.
    No node is nested inside itself.
    """
    by_id = {node["@id"]: node for node in nodes if "@id" in node}
    placed: set[str] = set()
    order = {key: rank for rank, key in enumerate(FIRST_EMBEDDED)}
    tops: list[dict[str, Any]] = []

    def walk(start: dict[str, Any]) -> None:
        queue = [start]
        while queue:
            node = queue.pop(0)
            for key in sorted(
                (k for k in node if not k.startswith("@")), key=lambda k: (order.get(k, 99), k)
            ):
                value = node[key]
                values = value if isinstance(value, list) else [value]
                changed = [place(key, item, queue) for item in values]
                node[key] = changed if isinstance(value, list) else changed[0]

    def place(key: str, item: Any, queue: list[dict[str, Any]]) -> Any:
        """A value of ``key``: a bare reference becomes its node where first met (walked in turn)."""
        bare = isinstance(item, dict) and set(item) == {"@id"} and key not in COERCED
        target = item.get("@id") if bare else None
        if target is None or target not in by_id:
            return item
        if target not in placed:
            placed.add(target)
            queue.append(by_id[target])
            return by_id[target]
        if key in order:
            # Described elsewhere on the page: its type and name again here, as
            # search engines read each property alone (the same node, merged).
            return {k: v for k, v in by_id[target].items() if k in _SUMMARY_KEYS}
        return item

    for start_id in [root, *by_id]:
        if start_id in placed or start_id not in by_id:
            continue
        placed.add(start_id)
        tops.append(by_id[start_id])
        walk(by_id[start_id])
    tops += [node for node in nodes if "@id" not in node]
    return tops


def _values(tree: Any, keys: frozenset[str]) -> dict[str, list[Any]]:
    """The values of each of ``keys`` in ``tree``, not counting those inside a value of the same
    key; one walk for all the keys (a walk per key took a tenth of a publish)."""
    found: dict[str, list[Any]] = {key: [] for key in keys}

    def walk(node: Any, inside: frozenset[str]) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, inside)
        elif isinstance(node, dict):
            for name, value in node.items():
                if name in keys and name not in inside:
                    found[name].extend(value if isinstance(value, list) else [value])
                    walk(value, inside | {name})
                else:
                    walk(value, inside)

    walk(tree, frozenset())
    return found


def _coerce(tree: Any, key: str, kind: str) -> None:
    """Values of ``key`` as their bare strings (the context now gives their type)."""
    if isinstance(tree, list):
        for item in tree:
            _coerce(item, key, kind)
    elif isinstance(tree, dict):
        for name, value in tree.items():
            if name == key:
                values = [v[kind] for v in (value if isinstance(value, list) else [value])]
                tree[name] = values if isinstance(value, list) else values[0]
            else:
                _coerce(value, key, kind)


def _coerced(context: dict[str, Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The context with a typed term for each property of :data:`COERCED` that one type fits."""
    out = dict(context)
    # Coercing one key leaves the others' values as they were: they can all be found first.
    values = _values(nodes, frozenset(COERCED))
    for key in COERCED:
        found = values[key]
        if not found or key in context:
            continue
        if all(isinstance(v, dict) and set(v) == {"@id"} for v in found):
            out[key] = {"@id": f"{SCHEMA}{key}", "@type": "@id"}
            _coerce(nodes, key, "@id")
            continue
        types = {
            v.get("@type") if isinstance(v, dict) and set(v) == {"@value", "@type"} else None for v in found
        }
        if len(types) == 1 and None not in types:
            out[key] = {"@id": f"{SCHEMA}{key}", "@type": types.pop()}
            _coerce(nodes, key, "@value")
    return out


def page_jsonld(
    store: Store, page: IRI, triples: Sequence[Triple], page_urls: dict[IRI, str], base_url: str
) -> dict[str, Any]:
    """The JSON-LD a page embeds: compact, its context inline, the page's main thing first and nested."""
    statements = search_triples(store, page, triples, page_urls, base_url)
    document = jsonld_document((s, p, o, _GRAPH) for s, p, o in statements)
    nodes: list[dict[str, Any]] = document["@graph"][0]["@graph"] if document["@graph"] else []
    profile = next((s for s, p, o in statements if p == SCHEMA.mainEntity and o == page), None)
    root = str(profile if profile is not None else page)
    tree = _nest(nodes, root)
    context = inline_context({"@context": document["@context"]})["@context"]
    if isinstance(context, dict):
        context = _coerced(context, tree)
    return {"@context": context, "@graph": tree}
