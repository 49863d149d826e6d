"""Writing quads: streaming N-Triples and N-Quads, Turtle and TriG through rdflib,
and compact JSON-LD emitted directly from the quads with the shipped context.

Two ways in, as in pyoxigraph: :func:`serialize` returns a string, :func:`dump`
writes a file atomically. Both take the quad stream mapping produces or an
rdflib Dataset (see :func:`quads_of`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import rdflib

from exilekg.errors import SerializationError
from exilekg.formats import RdfFormat
from exilekg.jsonld import raise_for_output
from exilekg.resources import CONTEXT_IRI
from exilekg.terms import IRI, PREFIXES, RDF, SCHEMA, XSD, Literal, Quad, Term

__all__ = [
    "QuadWriter",
    "atomic_path",
    "dump",
    "jsonld_document",
    "ntriples_term",
    "quads_of",
    "serialize",
    "to_dataset",
    "to_graph",
    "writer_for",
]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def ntriples_term(term: Term) -> str:
    """A term in N-Triples syntax."""
    if isinstance(term, IRI):
        return f"<{term}>"
    lexical = term.value.translate(_ESCAPES)
    if term.language:
        return f'"{lexical}"@{term.language}'
    if term.datatype:
        return f'"{lexical}"^^<{term.datatype}>'
    return f'"{lexical}"'


class QuadWriter:
    """Consumes quads one at a time; ``close`` finishes the output."""

    def write(self, quad: Quad) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish writing; the default writer has nothing buffered."""


class _LineWriter(QuadWriter):
    """N-Triples or N-Quads, written as the quads arrive: memory stays flat."""

    def __init__(self, out: IO[str], with_graph: bool) -> None:
        self.out = out
        self.with_graph = with_graph
        self.buffer: list[str] = []

    def write(self, quad: Quad) -> None:
        s, p, o, g = quad
        if self.with_graph:
            self.buffer.append(f"<{s}> <{p}> {ntriples_term(o)} <{g}> .\n")
        else:
            self.buffer.append(f"<{s}> <{p}> {ntriples_term(o)} .\n")
        if len(self.buffer) >= 8192:
            self.out.write("".join(self.buffer))
            self.buffer.clear()

    def close(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()


class _CollectingWriter(QuadWriter):
    """Formats that need the whole graph before writing (Turtle, TriG, JSON-LD)."""

    def __init__(self, out: IO[str], render: Callable[[list[Quad]], str]) -> None:
        self.out = out
        self.render = render
        self.quads: list[Quad] = []

    def write(self, quad: Quad) -> None:
        self.quads.append(quad)

    def close(self) -> None:
        self.out.write(self.render(self.quads))


def writer_for(fmt: RdfFormat, out: IO[str]) -> QuadWriter:
    """A writer of ``fmt`` onto the text stream ``out``."""
    if fmt is RdfFormat.NTRIPLES:
        return _LineWriter(out, with_graph=False)
    if fmt is RdfFormat.NQUADS:
        return _LineWriter(out, with_graph=True)
    if fmt is RdfFormat.TURTLE:
        return _CollectingWriter(out, _turtle)
    if fmt is RdfFormat.TRIG:
        return _CollectingWriter(out, _trig)
    return _CollectingWriter(out, lambda quads: _json_text(raise_for_output(jsonld_document(quads))))


# -- rdflib ---------------------------------------------------------------------------------------


def _rdflib_term(term: Term) -> rdflib.term.Identifier:
    if isinstance(term, IRI):
        return rdflib.URIRef(term)
    datatype = rdflib.URIRef(term.datatype) if term.datatype else None
    # normalize=False keeps our lexical forms exactly as written in the other formats.
    return rdflib.Literal(term.value, lang=term.language, datatype=datatype, normalize=False)


def _bind(graph: rdflib.Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rdflib.Namespace(namespace), override=True, replace=True)


def to_dataset(quads: Iterable[Quad]) -> rdflib.Dataset:
    """An rdflib Dataset of the quads, one named graph per graph IRI."""
    dataset = rdflib.Dataset()
    _bind(dataset)
    graphs: dict[IRI, rdflib.Graph] = {}
    for s, p, o, g in quads:
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = dataset.graph(rdflib.URIRef(g))
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), _rdflib_term(o)))
    return dataset


def to_graph(quads: Iterable[Quad]) -> rdflib.Graph:
    """An rdflib Graph of the quads' triples, graph names dropped."""
    graph = rdflib.Graph()
    _bind(graph)
    for s, p, o, _ in quads:
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), _rdflib_term(o)))
    return graph


def quads_of(dataset: rdflib.Dataset) -> Iterator[Quad]:
    """The quads of an rdflib Dataset as exilekg terms (blank nodes and the default graph refused)."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = g.identifier if isinstance(g, rdflib.Graph) else g
        if (
            not isinstance(s, rdflib.URIRef)
            or not isinstance(p, rdflib.URIRef)
            or not isinstance(graph, rdflib.URIRef)
        ):
            raise SerializationError(
                "the dataset holds a blank node or a triple outside any named graph",
                hint="exilekg writes named graphs of IRI-named nodes only",
            )
        if graph == rdflib.URIRef("urn:x-rdflib:default"):
            raise SerializationError(
                "the dataset holds triples in the default graph", hint="put them in a named graph"
            )
        obj: Term
        if isinstance(o, rdflib.URIRef):
            obj = IRI(o)
        elif isinstance(o, rdflib.Literal):
            obj = Literal(str(o), IRI(o.datatype) if o.datatype else None, o.language)
        else:
            raise SerializationError("the dataset holds a blank node", hint="give every node an IRI")
        yield IRI(s), IRI(p), obj, IRI(graph)


def _turtle(quads: list[Quad]) -> str:
    return to_graph(quads).serialize(format="turtle")


def _trig(quads: list[Quad]) -> str:
    return to_dataset(quads).serialize(format="trig")


# -- JSON-LD --------------------------------------------------------------------------------------

_SCHEMA = str(SCHEMA)
_COMPACT_PREFIXES = sorted(
    ((ns, prefix) for prefix, ns in PREFIXES.items() if prefix != "schema"), reverse=True
)


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
    if isinstance(term, IRI):
        return {"@id": str(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype and term.datatype != XSD.string:
        return {"@value": term.value, "@type": _compact(term.datatype)}
    return term.value


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def jsonld_document(quads: Iterable[Quad]) -> dict[str, Any]:
    """Compact JSON-LD of the quads: one ``@graph`` object per named graph, nodes sorted by ``@id``."""
    graphs: dict[IRI, dict[IRI, dict[IRI, list[Term]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for s, p, o, g in quads:
        graphs[g][s][p].append(o)
    out_graphs = []
    for g in sorted(graphs):
        nodes = []
        for s in sorted(graphs[g]):
            props = graphs[g][s]
            node: dict[str, Any] = {"@id": str(s)}
            types = props.pop(RDF.type, [])
            if types:
                compact_types = sorted(_compact(t) for t in types if isinstance(t, IRI))
                node["@type"] = compact_types[0] if len(compact_types) == 1 else compact_types
            for p in sorted(props, key=_compact):
                values = sorted((_value(v) for v in props[p]), key=_sort_key)
                node[_compact(p)] = values[0] if len(values) == 1 else values
            if types:
                props[RDF.type] = types
            nodes.append(node)
        out_graphs.append({"@id": str(g), "@graph": nodes})
    return {"@context": CONTEXT_IRI, "@graph": out_graphs}


def _json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# -- public entry points ----------------------------------------------------------------------------


def _quads(source: Iterable[Quad] | rdflib.Dataset) -> Iterable[Quad]:
    return quads_of(source) if isinstance(source, rdflib.Dataset) else source


def serialize(source: Iterable[Quad] | rdflib.Dataset, fmt: RdfFormat) -> str:
    """The quads (or an rdflib Dataset) as a string in ``fmt``."""
    import io

    buffer = io.StringIO()
    writer = writer_for(fmt, buffer)
    for quad in _quads(source):
        writer.write(quad)
    writer.close()
    return buffer.getvalue()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path) -> Iterator[IO[str]]:
    """A text stream whose content replaces ``path`` only once the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).chmod(0o666 & ~_umask())  # mkstemp's 0600 would hide dumps from a web server
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump(source: Iterable[Quad] | rdflib.Dataset, path: Path | str, fmt: RdfFormat | None = None) -> None:
    """Write the quads to ``path`` atomically, in ``fmt`` or the format its extension names."""
    path = Path(path)
    fmt = fmt or RdfFormat.from_path(path)
    with atomic_path(path) as out:
        writer = writer_for(fmt, out)
        for quad in _quads(source):
            writer.write(quad)
        writer.close()
