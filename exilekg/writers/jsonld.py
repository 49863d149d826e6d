"""Compact JSON-LD, written straight from a grouping of the quads by graph, subject and predicate.

The document carries its context inline (so that any JSON-LD processor reads it with its
default settings, fetching nothing), or names a hosted context by URL when asked to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import IO, Any

import jsonschema_rs
import orjson

from exilekg.errors import SerializationError
from exilekg.formats import RdfFormat
from exilekg.jsonld import OUTPUT_SCHEMAS, context_value, raise_for_output
from exilekg.progress import Progress
from exilekg.resources import OUTPUT_SCHEMA_BASE, output_schemas
from exilekg.terms import IRI, PREFIXES, RDF, SCHEMA, XSD, Quad, Term
from exilekg.writers.base import LABELS, QuadWriter

__all__ = ["Grouped", "JsonLdWriter", "jsonld_document"]

Node = dict[IRI, list[Term]]
"""A subject's properties in one graph: predicate to objects, in the order they arrived."""


class Grouped:
    """The quads grouped by graph, subject and predicate; what JSON-LD is written from.

    Holds only references to the terms mapping made (one list slot per quad), not the quads.
    """

    def __init__(self) -> None:
        self.graphs: dict[IRI, dict[IRI, Node]] = {}

    def add_many(self, quads: Iterable[Quad]) -> None:
        graphs = self.graphs
        last_s: object = None
        last_g: object = None
        node: Node = {}
        for s, p, o, g in quads:
            # Mapping emits a subject's quads in runs, reusing the same string objects: an identity
            # test skips two dictionary lookups for most quads.
            if s is not last_s or g is not last_g:
                subjects = graphs.get(g)
                if subjects is None:
                    subjects = graphs[g] = {}
                found = subjects.get(s)
                if found is None:
                    found = subjects[s] = {}
                node, last_s, last_g = found, s, g
            values = node.get(p)
            if values is None:
                node[p] = [o]
            else:
                values.append(o)

    def sorted_graphs(self) -> list[IRI]:
        return sorted(self.graphs)

    def subjects(self) -> int:
        """Nodes in all graphs together: the work of writing JSON-LD."""
        return sum(len(subjects) for subjects in self.graphs.values())


class JsonLdWriter(QuadWriter):
    """Groups the quads as they arrive and writes compact JSON-LD on ``close``.

    ``context`` is the URL of a hosted context to name instead of carrying it inline.
    """

    def __init__(self, out: IO[str], context: str | None = None) -> None:
        self.out = out
        self.context = context
        self.grouped = Grouped()

    def write_many(self, quads: Sequence[Quad], repeats: Sequence[int] = ()) -> None:
        self.grouped.add_many(quads)

    def close(self) -> None:
        _write_jsonld(self.grouped, self.out, _ignore, self.context)

    def finish(self, progress: Progress) -> None:
        progress.stage(f"write {LABELS[RdfFormat.JSONLD]}", self.grouped.subjects(), "nodes")
        _write_jsonld(self.grouped, self.out, progress.advance, self.context)


def _ignore(amount: int) -> None:
    pass


_SCHEMA = str(SCHEMA)
_COMPACT_PREFIXES = sorted(
    ((ns, prefix) for prefix, ns in PREFIXES.items() if prefix != "schema"), reverse=True
)


@cache
def _compact(iri: str) -> str:
    """A property or class IRI as the shipped context writes it: schema terms bare, others prefixed."""
    if iri.startswith(_SCHEMA):
        local = iri[len(_SCHEMA) :]
        if local and ":" not in local and not local.startswith("@"):
            return local
    for namespace, prefix in _COMPACT_PREFIXES:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri


def _value(term: Term) -> Any:
    if type(term) is IRI:
        return {"@id": str(term)}
    value, datatype, language = term
    if language:
        return {"@value": value, "@language": language}
    if datatype and datatype != XSD.string:
        return {"@value": value, "@type": _compact(datatype)}
    return value


def _term_key(term: Term) -> tuple[int, str, str, str]:
    """An order of a property's values, so that each node is written the same way whatever the input order."""
    if type(term) is IRI:
        return (0, term, "", "")
    value, datatype, language = term
    return (1, value, datatype or "", language or "")


def _node(subject: IRI, props: Node) -> dict[str, Any]:
    """One JSON-LD node object: ``@id``, ``@type`` (sorted), then properties in compact-name order."""
    # It runs once per node of a build (a quarter of a million at 1M triples). Nodes come in few
    # shapes (the same predicates in the same order, the same types), so the order of a shape's
    # keys and the value of a set of types are worked out once each; the common case (one value)
    # is written out here rather than through _value. Measured at 1M (229,042 nodes): 1.64 s
    # through _value and _compact's cache, 1.15 s so, and 0.96 s to 0.65 s with the shapes.
    node: dict[str, Any] = {"@id": str(subject)}
    shape = tuple(props)
    layout = _SHAPES.get(shape)
    if layout is None:
        layout = _shape(shape)
    typed, order = layout
    if typed:
        listed = tuple(props[_RDF_TYPE])
        types = _TYPES.get(listed)
        if types is None:
            types = _types(listed)
        if types:
            # A tuple for several (a list each time, the node's own); one type is a string (or,
            # without a prefix, the IRI, a string too).
            node["@type"] = list(types) if type(types) is tuple else types
    for p, key in order:
        values = props[p]
        if len(values) != 1:
            node[key] = [_value(v) for v in sorted(values, key=_term_key)]
            continue
        term = values[0]
        if type(term) is IRI:
            node[key] = {"@id": str(term)}
            continue
        value, datatype, language = term
        if language:
            node[key] = {"@value": value, "@language": language}
        elif datatype and datatype != _XSD_STRING:
            node[key] = {"@value": value, "@type": _compact(datatype)}
        else:
            node[key] = value
    return node


_RDF_TYPE = RDF.type
_XSD_STRING = XSD.string

_Layout = tuple[bool, list[tuple[IRI, str]]]
"""Whether a shape of node has types, and its other predicates with their keys, in key order."""

_SHAPES: dict[tuple[IRI, ...], _Layout] = {}
"""The layout of each shape of node seen: its predicates, in the order they arrived."""

_TYPES: dict[tuple[Term, ...], str | tuple[str, ...]] = {}
"""The ``@type`` of each list of types seen (a tuple for several; "" for no IRI among them)."""

_CACHED = 4096
"""How many shapes and lists of types are kept: a graph whose nodes come in more shapes than a
mapping makes has the others worked out each time."""


def _shape(shape: tuple[IRI, ...]) -> _Layout:
    keyed = sorted((_compact(p), p) for p in shape if p != _RDF_TYPE)
    layout = (len(keyed) < len(shape), [(p, key) for key, p in keyed])
    if len(_SHAPES) < _CACHED:
        _SHAPES[shape] = layout
    return layout


def _types(listed: tuple[Term, ...]) -> str | tuple[str, ...]:
    names = sorted(_compact(t) for t in listed if type(t) is IRI)
    types = names[0] if len(names) == 1 else tuple(names) if names else ""
    if len(_TYPES) < _CACHED:
        _TYPES[listed] = types
    return types


def _graph_nodes(grouped: Grouped, g: IRI) -> list[dict[str, Any]]:
    subjects = grouped.graphs[g]
    return [_node(s, subjects[s]) for s in sorted(subjects)]


def _document(grouped: Grouped, context: str | None) -> dict[str, Any]:
    graphs = [{"@id": str(g), "@graph": _graph_nodes(grouped, g)} for g in grouped.sorted_graphs()]
    return {"@context": context_value(context), "@graph": graphs}


def jsonld_document(quads: Iterable[Quad], *, context: str | None = None) -> dict[str, Any]:
    """Compact JSON-LD of the quads: one ``@graph`` object per named graph, nodes sorted by ``@id``.

    The context is inline, or the URL ``context`` names when given.
    """
    grouped = Grouped()
    grouped.add_many(quads)
    return _document(grouped, context)


class _OutputCheck:
    """Every node against the output schemas of its types, before the JSON-LD is written.

    ``jsonschema_rs`` answers "valid?" in Rust, some 300 times faster than ``jsonschema``; only
    when it says no does :func:`exilekg.jsonld.raise_for_output` run, to describe the problems.
    """

    def __init__(self) -> None:
        self.validators: dict[frozenset[str], Any] = {}
        self.by_type: dict[str | tuple[str, ...] | None, Any] = {}
        """The validator of each ``@type`` value seen (a list as a tuple), found without building
        the set of its schemas for every node."""

    def ok(self, nodes: list[dict[str, Any]]) -> bool:
        by_type = self.by_type
        for node in nodes:
            types = node.get("@type")
            key = tuple(types) if type(types) is list else types
            validator = by_type.get(key)
            if validator is None:
                validator = by_type[key] = self._validator(types)
            if not validator.is_valid(node):
                return False
        return True

    def _validator(self, types: str | list[str] | None) -> Any:
        listed = () if types is None else (types,) if type(types) is str else types
        names = frozenset(OUTPUT_SCHEMAS[t] for t in listed if t in OUTPUT_SCHEMAS)
        validator = self.validators.get(names)
        if validator is None:
            validator = self.validators[names] = _rust_validator(names)
        return validator


@cache
def _output_registry() -> Any:
    contents = output_schemas()
    return jsonschema_rs.Registry(list(contents.items())), contents


def _rust_validator(names: frozenset[str]) -> Any:
    """One validator for a node's schemas together, so the node crosses into Rust once.

    Every type schema starts from ``node.schema.json`` (checked here), so the node schema is
    only added for nodes without a typed schema.
    """
    registry, contents = _output_registry()
    base = OUTPUT_SCHEMA_BASE
    refs = sorted(names)
    for name in refs:
        if contents[f"{base}{name}.schema.json"].get("$ref") != "node.schema.json":
            refs = sorted({*refs, "node"})
            break
    if not refs:
        refs = ["node"]
    schema = {"allOf": [{"$ref": f"{base}{name}.schema.json"} for name in refs]}
    return jsonschema_rs.Draft202012Validator(schema, registry=registry, validate_formats=False)


_INDENT = b"\n    "


def _write_jsonld(
    grouped: Grouped, out: IO[str], advance: Callable[[int], None], context: str | None
) -> None:
    """The document, one named graph at a time, each checked against the output schemas first.

    orjson writes each graph object (indented by two, in its place four deep): the standard
    library falls back to its pure-Python encoder whenever it is asked to indent, and writing
    the same layout by hand cost five times as long.
    """
    binary = getattr(out, "buffer", None)
    if binary is not None:  # a file: the bytes go straight into it
        out.flush()
        write: Callable[[bytes], Any] = binary.write
    else:

        def write(chunk: bytes) -> None:
            out.write(chunk.decode("utf-8"))

    graphs = grouped.sorted_graphs()
    header = orjson.dumps(context_value(context), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  ")
    write(b'{\n  "@context": ' + header + b',\n  "@graph": [')
    check = _OutputCheck()
    for index, g in enumerate(graphs):
        nodes = _graph_nodes(grouped, g)
        if not check.ok(nodes):
            # The half-written file is the caller's temporary file, removed when this raises.
            raise_for_output(_document(grouped, context))  # names every problem of the document
            raise SerializationError("the JSON-LD to write breaks its output schemas")
        try:
            body = orjson.dumps({"@id": str(g), "@graph": nodes}, option=orjson.OPT_INDENT_2)
        except orjson.JSONEncodeError as exc:  # a lone surrogate, which UTF-8 cannot hold
            raise SerializationError(f"JSON-LD cannot hold a value of graph <{g}>: {exc}") from exc
        write((b"," if index else b"") + _INDENT + body.replace(b"\n", _INDENT))
        advance(len(nodes))
    write(b"\n  ]\n}\n" if graphs else b"]\n}\n")
    if binary is not None:
        binary.flush()
