"""The entities of a built graph as the reconciliation index holds them, read from a build or an endpoint.

Only the statements the index needs are read: the entities' types, names, descriptions,
``sameAs`` links and the properties a query may match on (where a person lives or is
exiled, where an organisation or event is, a place's containing place, the organisations
a person belongs to).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.errors import ReconcileError
from exilekg.kinds import ENTITY_KINDS
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA, VOID, Literal

__all__ = ["Entity", "TypeInfo", "entities_of", "entity_triples", "types_of"]


_SOURCES: dict[str, str] = {
    str(SCHEMA.homeLocation): str(SCHEMA.homeLocation),
    str(EXILEKG.exiledIn): str(SCHEMA.homeLocation),
    str(SCHEMA.location): str(SCHEMA.location),
    str(SCHEMA.containedInPlace): str(SCHEMA.containedInPlace),
    str(SCHEMA.memberOf): str(SCHEMA.memberOf),
    str(SCHEMA.worksFor): str(SCHEMA.memberOf),
    str(SCHEMA.affiliation): str(SCHEMA.memberOf),
}
"""Graph predicates and the query property each feeds."""

_PLACE_PROPERTIES = {str(SCHEMA.homeLocation), str(SCHEMA.location), str(SCHEMA.containedInPlace)}

_PREDICATES = (
    RDF.type,
    SCHEMA.name,
    SCHEMA.alternateName,
    SCHEMA.description,
    SCHEMA.sameAs,
    *(IRI(p) for p in _SOURCES),
)


_TYPE_TOKEN = f"<{RDF.type}>".encode()
_ENTITY_SEGMENTS = {kind.segment.encode() for kind in ENTITY_KINDS.values()}


def _wanted(line: bytes, tokens: set[bytes]) -> bool:
    """Whether an N-Quads line states one of ``tokens`` (types only of entities and datasets)."""
    start = line.find(b" ") + 1
    if not start:
        return False
    predicate = line[start : line.find(b" ", start)]
    if predicate not in tokens:
        return False
    if predicate != _TYPE_TOKEN:
        return True
    subject = line[: start - 1]
    # <{base}{segment}/{id}>: relations, evidence and other nodes have types the index ignores.
    parts = subject.rsplit(b"/", 2)
    return len(parts) == 3 and (parts[1] in _ENTITY_SEGMENTS or parts[2] == b"dataset>")


def _statements(dump: Any) -> Iterator[Any]:
    """The statements of one dump whose predicate the index needs."""
    import pyoxigraph

    from exilekg.formats import RdfFormat
    from exilekg.rdf import oxigraph_statements, parse_error, read_statements

    wanted = {str(p) for p in _PREDICATES} | {str(VOID.uriSpace)}
    if dump.fmt in (RdfFormat.NQUADS, RdfFormat.NTRIPLES) and str(dump.path) != "-":
        tokens = {f"<{p}>".encode() for p in wanted}
        try:
            with dump.path.open("rb") as stream:
                kept = b"".join(line for line in stream if _wanted(line, tokens))
        except OSError as exc:
            raise ReconcileError(f"cannot read the file: {exc.strerror or exc}", path=dump.path) from None
        ox_format = (
            pyoxigraph.RdfFormat.N_QUADS if dump.fmt is RdfFormat.NQUADS else pyoxigraph.RdfFormat.N_TRIPLES
        )
        try:
            yield from oxigraph_statements(pyoxigraph.parse(kept, format=ox_format))
        except SyntaxError as exc:
            raise parse_error(ReconcileError, dump.path, exc) from None
        return
    for statement in read_statements(dump, error=ReconcileError):
        if statement[1] in wanted:
            yield statement


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


@dataclass
class Entity:
    """One entity of the graph, as the service shows it."""

    iri: str
    id: str
    name: str
    names: list[tuple[str, str | None]] = field(default_factory=list)
    """Every name (the name first), with its language tag when it has one."""
    types: list[str] = field(default_factory=list)
    description: str | None = None
    same_as: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)
    """Query property id to the IRIs of the entities it leads to."""


@dataclass(frozen=True)
class TypeInfo:
    id: str
    name: str
    broader: tuple[str, ...]


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def types_of(entities: Iterable[Entity]) -> dict[str, TypeInfo]:
    """The classes entities have, each with the kind's class above it (City below Place)."""
    defaults = {str(kind.default_class) for kind in ENTITY_KINDS.values()}
    by_class: dict[str, set[str]] = {}
    for e in entities:
        kinds = [t for t in e.types if t in defaults]
        for t in e.types:
            by_class.setdefault(t, set()).update(k for k in kinds if k != t)
    for default in defaults:
        by_class.setdefault(default, set())
    names = {str(kind.default_class): kind.name for kind in ENTITY_KINDS.values()}
    return {
        t: TypeInfo(t, names.get(t) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local_name(t)), tuple(sorted(up)))
        for t, up in sorted(by_class.items())
    }


Triples = Iterable[tuple[Any, Any, Any]]


def entity_triples(source: Any) -> tuple[Triples, str]:
    """The statements the index needs from a build folder, dump files (any the project reads)
    or a SPARQL endpoint, and the graph's URI space.

    Files are read through :mod:`exilekg.rdf`. Line-based dumps (N-Quads, N-Triples) are
    first cut down to the lines whose predicate the index needs: most of a build is facts,
    evidence and mentions, so 100,000 entities load in seconds rather than minutes.
    """
    if isinstance(source, str) and _is_url(source):
        return _endpoint_triples(source)
    from exilekg.rdf import find_dumps

    paths = [Path(p) for p in (source if isinstance(source, list | tuple) else [source])]
    statements: list[Any] = []
    for dump in find_dumps(paths, error=ReconcileError):
        statements.extend(_statements(dump))
    spaces = _uri_spaces(statements)
    if not spaces:
        raise ReconcileError(
            "the graph says nothing of its URI space (no void:uriSpace and no {base}dataset)",
            path=paths[0] if len(paths) == 1 else None,
            hint="give the output folder of `exilekg build` (with its void.ttl)",
        )
    return ((s, p, o) for s, p, o, _ in statements), spaces[0]


def _uri_spaces(statements: list[Any]) -> list[str]:
    """The URI spaces the statements give: void:uriSpace, then each ``{base}dataset`` in its corpus graph."""
    spaces = [str(o.value) for _, p, o, _ in statements if p == VOID.uriSpace and isinstance(o, Literal)]
    for s, p, o, g in statements:
        if p == RDF.type and o == SCHEMA.Dataset and str(s).endswith("/dataset"):
            candidate = str(s)[: -len("dataset")]
            if g == f"{candidate}graph/corpus":
                spaces.append(candidate)
    return spaces


def _endpoint_triples(url: str) -> tuple[Triples, str]:
    from exilekg.sparql import open_source

    opened = open_source(url)
    base = opened.uri_space
    if not base:
        raise ReconcileError(
            f"the graph at {url} says nothing of its URI space (no void:uriSpace and no {{base}}dataset)",
            hint="load the build with its void.ttl (exilekg load)",
        )
    values = " ".join(f"<{p}>" for p in _PREDICATES)
    result = opened.run(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
    return ((s, p, o) for s, p, o in result.terms), base


def entities_of(triples: Triples, *, base: str) -> list[Entity]:
    """The entities among ``triples`` (subjects in the entity segments of ``base``), by IRI."""
    prefixes = tuple(f"{base}{kind.segment}/" for kind in ENTITY_KINDS.values())
    found: dict[str, Entity] = {}
    alt: dict[str, list[tuple[str, str | None]]] = {}
    raw_links: dict[str, dict[str, list[str]]] = {}
    for s, p, o in triples:
        if not isinstance(s, str) or not s.startswith(prefixes) or "/" in s[len(base) :].split("/", 1)[1]:
            continue
        e = found.get(s)
        if e is None:
            e = found[s] = Entity(s, s[len(base) :], "")
        _take(e, p, o, alt, raw_links)
    entities = [_finished(found[iri], alt.get(iri)) for iri in sorted(found) if found[iri].name]
    # A place's containing places count too: someone in Kreuzberg lives in Berlin and in Germany.
    parents = {s: links.get(str(SCHEMA.containedInPlace), []) for s, links in raw_links.items()}
    for e in entities:
        for pid, targets in raw_links.get(e.iri, {}).items():
            e.links[pid] = _closure(targets, parents) if pid in _PLACE_PROPERTIES else _distinct(targets)
    return entities


def _take(
    e: Entity,
    p: Any,
    o: Any,
    alt: dict[str, list[tuple[str, str | None]]],
    raw_links: dict[str, dict[str, list[str]]],
) -> None:
    """Note one statement about the entity ``e``: a type, a name, a description or a link."""
    if p == RDF.type and isinstance(o, str):
        e.types.append(str(o))
    elif isinstance(o, Literal):
        if p == SCHEMA.name:
            e.name = o.value
        elif p == SCHEMA.alternateName:
            alt.setdefault(e.iri, []).append((o.value, o.language))
        elif p == SCHEMA.description:
            e.description = o.value
    elif not isinstance(o, str):
        return
    elif p == SCHEMA.sameAs:
        e.same_as.append(str(o))
    elif str(p) in _SOURCES:
        raw_links.setdefault(e.iri, {}).setdefault(_SOURCES[str(p)], []).append(str(o))


def _finished(e: Entity, others: list[tuple[str, str | None]] | None) -> Entity:
    """``e`` with its names listed (the name first) and its types and links sorted, once each."""
    if others:
        e.names = [(e.name, None), *sorted(set(others), key=lambda n: (n[1] or "", n[0]))]
    else:
        e.names = [(e.name, None)]
    if len(e.types) > 1:
        e.types = sorted(set(e.types))
    if len(e.same_as) > 1:
        e.same_as = sorted(set(e.same_as))
    return e


def _distinct(targets: list[str]) -> list[str]:
    return list(dict.fromkeys(sorted(targets))) if len(targets) > 1 else list(targets)


def _closure(targets: list[str], parents: dict[str, list[str]]) -> list[str]:
    """``targets`` and every place containing one of them, all the way up."""
    closure = _distinct(targets)
    stack = list(closure)
    while stack:
        for up in parents.get(stack.pop(), []):
            if up not in closure:
                closure.append(up)
                stack.append(up)
    return closure
