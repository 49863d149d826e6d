"""Writing quads: N-Triples and N-Quads streamed, Turtle and TriG by pyoxigraph, compact JSON-LD directly.

Two ways in, as in pyoxigraph: :func:`serialize` returns a string, :func:`dump`
writes a file atomically. Both take the quad stream mapping produces or an
rdflib Dataset (see :func:`quads_of`).

Two engines write the same graphs. ``"fast"`` (the default) formats N-Triples and
N-Quads with f-strings, line by line as the quads arrive, so memory stays flat;
hands the same text to pyoxigraph's Turtle and TriG writers (Rust, with our
prefixes; for large outputs in processes of their own, on other cores); and
writes compact JSON-LD straight from a grouping of the quads by graph, subject
and predicate. ``"rdflib"`` builds an rdflib Dataset and uses rdflib's
serializers; it is the reference the fast engine is tested against,
and costs about a hundred times as much.
"""

from __future__ import annotations

import enum
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from functools import cache
from itertools import islice
from pathlib import Path
from typing import IO, Any, Protocol

import jsonschema_rs
import orjson
import rdflib

from exilekg import _oxworker
from exilekg.atomic import AtomicFiles, atomic_files, atomic_path
from exilekg.errors import SerializationError
from exilekg.formats import RdfFormat
from exilekg.jsonld import OUTPUT_SCHEMAS, raise_for_output
from exilekg.progress import Progress
from exilekg.resources import CONTEXT_IRI, output_schemas
from exilekg.terms import IRI, PREFIXES, RDF, SCHEMA, XSD, Literal, Quad, Term

__all__ = [
    "ENGINES",
    "AtomicFiles",
    "Engine",
    "QuadSink",
    "QuadWriter",
    "atomic_files",
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


class Engine(enum.Enum):
    """Which writers a build uses: ``FAST`` (the default) or ``RDFLIB``, the tested-against reference."""

    FAST = "fast"
    RDFLIB = "rdflib"


ENGINES: tuple[Engine, ...] = tuple(Engine)

BATCH = 4096
"""Quads handed to the writers at a time: large enough that per-call costs vanish, small enough to stay
in the CPU caches."""

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')


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


def _object_terms(objects: Iterable[Term]) -> list[str]:
    """N-Triples forms of many objects; the common cases are inlined, the call per term is what costs."""
    out: list[str] = []
    append = out.append
    search = _NEEDS_ESCAPE.search
    for o in objects:
        if type(o) is IRI:
            append(f"<{o}>")
            continue
        value, datatype, language = o
        if search(value):
            value = value.translate(_ESCAPES)
        if language:
            append(f'"{value}"@{language}')
        elif datatype:
            append(f'"{value}"^^<{datatype}>')
        else:
            append(f'"{value}"')
    return out


class QuadWriter:
    """Consumes quads; ``close`` finishes the output."""

    def write(self, quad: Quad) -> None:
        self.write_many((quad,))

    def write_many(self, quads: Sequence[Quad]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish writing; the default writer has nothing buffered."""

    def finish(self, progress: Progress) -> None:
        """``close``, telling ``progress`` how it goes when there is much left to write."""
        self.close()

    def abort(self) -> None:
        """Give up: release what the writer holds (a worker process) without finishing."""


# -- N-Triples and N-Quads ------------------------------------------------------------------------


class _LineWriter(QuadWriter):
    """N-Triples and/or N-Quads, written as the quads arrive: memory stays flat.

    One writer serves both formats so that each quad is formatted once; each format's text
    may go to several targets (the output, and a spool that Turtle or TriG is written from).
    """

    def __init__(self, ntriples: Sequence[_Target], nquads: Sequence[_Target]) -> None:
        self.ntriples = list(ntriples)
        self.nquads = list(nquads)
        self.count = 0

    def write_many(self, quads: Sequence[Quad]) -> None:
        if not quads:
            return
        self.count += len(quads)
        objects = _object_terms([q[2] for q in quads])
        heads = [f"<{q[0]}> <{q[1]}> {o}" for q, o in zip(quads, objects, strict=True)]
        if self.ntriples:
            text = " .\n".join(heads) + " .\n"
            for out in self.ntriples:
                out.write(text)
        if self.nquads:
            text = "".join([f"{h} <{q[3]}> .\n" for h, q in zip(heads, quads, strict=True)])
            for out in self.nquads:
                out.write(text)


class _Target(Protocol):
    def write(self, text: str, /) -> Any: ...


class _Finisher(Protocol):
    """What finishes an output once every quad is in: a writer, or a Turtle or TriG conversion."""

    def close(self) -> None: ...

    def finish(self, progress: Progress) -> None: ...

    def abort(self) -> None: ...


# -- the grouped graph: JSON-LD ----------------------------------------------------------------------

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


class _JsonLdWriter(QuadWriter):
    """Groups the quads as they arrive and writes compact JSON-LD on ``close``."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.grouped = Grouped()

    def write_many(self, quads: Sequence[Quad]) -> None:
        self.grouped.add_many(quads)

    def close(self) -> None:
        _write_jsonld(self.grouped, self.out, _ignore)

    def finish(self, progress: Progress) -> None:
        progress.stage(f"write {_LABELS[RdfFormat.JSONLD]}", self.grouped.subjects(), "nodes")
        _write_jsonld(self.grouped, self.out, progress.advance)


def _ignore(amount: int) -> None:
    pass


_LABELS = {
    RdfFormat.TURTLE: "Turtle",
    RdfFormat.TRIG: "TriG",
    RdfFormat.JSONLD: "JSON-LD",
    RdfFormat.NTRIPLES: "N-Triples",
    RdfFormat.NQUADS: "N-Quads",
}


# Turtle and TriG: pyoxigraph's writers --------------------------------------------------------------

_WORKER_FORMATS = {RdfFormat.TURTLE: "turtle", RdfFormat.TRIG: "trig"}

IN_PROCESS_LIMIT = 4 << 20
"""Characters of N-Triples or N-Quads text below which Turtle or TriG is written in-process.

Beyond it (some 30,000 quads) the text is handed to a process of its own as it is written, so
that pyoxigraph parses and writes on another core while this one maps: on a million triples,
that takes Turtle and TriG (three to four seconds each) off the build's time. Below it, starting
a process would cost more than it saves."""

_WORKER_NICENESS = 10


def _yield_to_the_build(pid: int) -> None:
    """Let the build's own process have the CPU first: the workers catch up on the cores it leaves.

    The build's process is the one everything waits for; with two workers and two cores, equal
    shares slowed its mapping by a third, while the workers need less than the other core.
    """
    if hasattr(os, "setpriority"):
        with suppress(OSError):  # a worker that has already ended, or a platform that refuses
            os.setpriority(os.PRIO_PROCESS, pid, _WORKER_NICENESS)


def _file_descriptor(out: IO[str]) -> int | None:
    """The descriptor a worker process can write ``out`` through, or None (an in-memory stream)."""
    try:
        return out.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


class _Conversion:
    """Turtle or TriG, converted by pyoxigraph from the N-Triples or N-Quads text the line writer makes.

    Parsing that text back is done in Rust, and measured faster than making a pyoxigraph term in
    Python for every quad. The text is kept in memory until it passes :data:`IN_PROCESS_LIMIT`;
    then (when ``out`` is a file, on a POSIX system) a worker process (:mod:`exilekg._oxworker`)
    is started with ``out`` as its standard output, and the text is appended to a spool file the
    worker reads as it grows. A file rather than a pipe: the build never waits for the worker.
    """

    def __init__(self, out: IO[str], fmt: RdfFormat, spool_dir: Path | None) -> None:
        self.out = out
        self.fmt = fmt
        self.spool_dir = spool_dir
        self.pending: list[str] = []
        self.pending_size = 0
        self.descriptor = _file_descriptor(out) if os.name == "posix" else None
        self.worker: subprocess.Popen[bytes] | None = None
        self.errors: IO[bytes] | None = None
        self.spool: IO[str] | None = None
        self.spool_path: Path | None = None
        self.lines: _LineWriter | None = None
        """The writer of the text, whose count of quads is this output's progress."""

    # the line writer's target

    def write(self, text: str) -> None:
        if self.spool is not None:
            self.spool.write(text)
            return
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size > IN_PROCESS_LIMIT and self.descriptor is not None:
            self._start_worker()

    def _start_worker(self) -> None:
        assert self.descriptor is not None
        # Named so that the worker opens it with an offset of its own; the leftover pattern of
        # exilekg.build (".exilekg.ttl.*.tmp") matches it if a killed build leaves it behind.
        name = f".exilekg.{self.fmt.extension}.source."
        fd, path = tempfile.mkstemp(prefix=name, suffix=".tmp", dir=self.spool_dir)
        self.spool_path = Path(path)
        self.spool = os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        pending, self.pending, self.pending_size = self.pending, [], 0
        self.spool.write("".join(pending))
        self.spool.flush()
        self.out.flush()
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in _wait
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-P",  # the worker's folder must not shadow modules on sys.path
                _oxworker.__file__,
                _WORKER_FORMATS[self.fmt],
                json.dumps(PREFIXES),
                path,
            ],
            stdin=subprocess.PIPE,  # closed once all the text is in the spool
            stdout=self.descriptor,
            stderr=self.errors,
        )
        _yield_to_the_build(self.worker.pid)

    def _wait(self) -> None:
        assert self.worker is not None and self.errors is not None and self.spool is not None
        try:
            self.spool.close()  # flushes the last of the text before the worker is told it is all there
            with suppress(OSError):
                assert self.worker.stdin is not None
                self.worker.stdin.close()
            code = self.worker.wait()
            self.errors.seek(0)
            message = self.errors.read().decode("utf-8", "replace").strip()
        finally:
            self._release()
        if code != 0:
            raise SerializationError(
                f"pyoxigraph could not write {_LABELS[self.fmt]}: {message or f'exit status {code}'}"
            )

    def _release(self) -> None:
        if self.errors is not None:
            self.errors.close()
        if self.spool is not None:
            with suppress(OSError):
                self.spool.close()
        if self.spool_path is not None:
            self.spool_path.unlink(missing_ok=True)
        if self.worker is not None and self.worker.stdin is not None:
            with suppress(OSError):
                self.worker.stdin.close()

    # finishing

    def close(self) -> None:
        if self.worker is not None:
            self._wait()
            return
        source = "".join(self.pending).encode("utf-8")
        self.pending = []
        try:
            binary = getattr(self.out, "buffer", None)
            if binary is not None:  # a file: pyoxigraph writes its bytes straight into it
                self.out.flush()
                _oxworker.convert(source, binary, _WORKER_FORMATS[self.fmt], PREFIXES)
                binary.flush()
            else:
                buffer = io.BytesIO()
                _oxworker.convert(source, buffer, _WORKER_FORMATS[self.fmt], PREFIXES)
                self.out.write(buffer.getvalue().decode("utf-8"))
        except (ValueError, SyntaxError) as exc:  # pyoxigraph refused a term validation let through
            raise SerializationError(f"pyoxigraph could not write {_LABELS[self.fmt]}: {exc}") from exc

    def finish(self, progress: Progress) -> None:
        total = self.lines.count if self.lines is not None else None
        progress.stage(f"write {_LABELS[self.fmt]}", total, "triples")
        self.close()
        if total is not None:
            progress.advance(total)

    def abort(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.kill()
            self.worker.wait()
        self._release()


# JSON-LD -------------------------------------------------------------------------------------------

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


def _first(item: tuple[str, Any]) -> str:
    return item[0]


def _node(subject: IRI, props: Node) -> dict[str, Any]:
    """One JSON-LD node object: ``@id``, ``@type`` (sorted), then properties in compact-name order."""
    node: dict[str, Any] = {"@id": str(subject)}
    rdf_type = RDF.type
    types = props.get(rdf_type)
    if types:
        compact_types = sorted(_compact(t) for t in types if type(t) is IRI)
        if compact_types:
            node["@type"] = compact_types[0] if len(compact_types) == 1 else compact_types
    keyed = sorted([(_compact(p), values) for p, values in props.items() if p != rdf_type], key=_first)
    for key, values in keyed:
        if len(values) == 1:
            node[key] = _value(values[0])
        else:
            node[key] = [_value(v) for v in sorted(values, key=_term_key)]
    return node


def _graph_nodes(grouped: Grouped, g: IRI) -> list[dict[str, Any]]:
    subjects = grouped.graphs[g]
    return [_node(s, subjects[s]) for s in sorted(subjects)]


def _document(grouped: Grouped) -> dict[str, Any]:
    graphs = [{"@id": str(g), "@graph": _graph_nodes(grouped, g)} for g in grouped.sorted_graphs()]
    return {"@context": CONTEXT_IRI, "@graph": graphs}


def jsonld_document(quads: Iterable[Quad]) -> dict[str, Any]:
    """Compact JSON-LD of the quads: one ``@graph`` object per named graph, nodes sorted by ``@id``."""
    grouped = Grouped()
    grouped.add_many(quads)
    return _document(grouped)


class _OutputCheck:
    """Every node against the output schemas of its types, before the JSON-LD is written.

    ``jsonschema_rs`` answers "valid?" in Rust, some 300 times faster than ``jsonschema``; only
    when it says no does :func:`exilekg.jsonld.raise_for_output` run, to describe the problems.
    """

    def __init__(self) -> None:
        self.validators: dict[frozenset[str], Any] = {}

    def ok(self, nodes: list[dict[str, Any]]) -> bool:
        for node in nodes:
            types = node.get("@type", ())
            if type(types) is str:
                types = (types,)
            names = frozenset(OUTPUT_SCHEMAS[t] for t in types if t in OUTPUT_SCHEMAS)
            validator = self.validators.get(names)
            if validator is None:
                validator = self.validators[names] = _rust_validator(names)
            if not validator.is_valid(node):
                return False
        return True


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
    base = "https://w3id.org/exilekg/schemas/output/"
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


def _write_jsonld(grouped: Grouped, out: IO[str], advance: Callable[[int], None]) -> None:
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
    write(b'{\n  "@context": ' + orjson.dumps(CONTEXT_IRI) + b',\n  "@graph": [')
    check = _OutputCheck()
    for index, g in enumerate(graphs):
        nodes = _graph_nodes(grouped, g)
        if not check.ok(nodes):
            # The half-written file is the caller's temporary file, removed when this raises.
            raise_for_output(_document(grouped))  # names every problem of the document
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


# -- rdflib: the reference engine -------------------------------------------------------------------


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


class _RdflibWriter(QuadWriter):
    """The reference engine: every format through an rdflib Graph or Dataset and rdflib's serializers."""

    def __init__(self, out: IO[str], fmt: RdfFormat) -> None:
        self.out = out
        self.fmt = fmt
        self.quads: list[Quad] = []

    def write_many(self, quads: Sequence[Quad]) -> None:
        self.quads.extend(quads)

    def close(self) -> None:
        if self.fmt is RdfFormat.JSONLD:
            from exilekg.jsonld import _context

            text = to_dataset(self.quads).serialize(format="json-ld", context=_context()["@context"])
        elif self.fmt.supports_datasets:
            text = to_dataset(self.quads).serialize(format=self.fmt.rdflib_name)
        else:
            text = to_graph(self.quads).serialize(format=self.fmt.rdflib_name)
        self.out.write(text)


# -- public entry points ----------------------------------------------------------------------------


class QuadSink:
    """Writes one quad stream to several formats at once, formatting or grouping each quad only once.

    ``streams`` maps each format to its text stream. With the fast engine, N-Triples and
    N-Quads are written by one line writer as the quads arrive; JSON-LD from a grouping of
    the quads; Turtle and TriG by pyoxigraph from the N-Triples or N-Quads text, in worker
    processes when that text is large and the stream is a file (the text is spooled to
    temporary files in ``spool_dir``, or the system's temporary folder, for them). Use it as a context manager
    (or call :meth:`abort` on failure) so that no worker outlives a failed write.
    """

    def __init__(
        self,
        streams: dict[RdfFormat, IO[str]],
        engine: Engine = Engine.FAST,
        *,
        spool_dir: Path | None = None,
    ) -> None:
        self.writers: list[QuadWriter] = []
        self.finishers: list[_Finisher] = []
        if engine is Engine.RDFLIB:
            self.writers = [_RdflibWriter(out, fmt) for fmt, out in streams.items()]
            self.finishers = list(self.writers)
            return
        if RdfFormat.JSONLD in streams:
            # First to finish: any worker goes on writing Turtle and TriG meanwhile.
            self.writers.append(_JsonLdWriter(streams[RdfFormat.JSONLD]))
            self.finishers.append(self.writers[-1])
        nt: list[_Target] = [streams[RdfFormat.NTRIPLES]] if RdfFormat.NTRIPLES in streams else []
        nq: list[_Target] = [streams[RdfFormat.NQUADS]] if RdfFormat.NQUADS in streams else []
        for fmt, targets in ((RdfFormat.TURTLE, nt), (RdfFormat.TRIG, nq)):
            if fmt in streams:
                conversion = _Conversion(streams[fmt], fmt, spool_dir)
                targets.append(conversion)
                self.finishers.append(conversion)
        if nt or nq:
            lines = _LineWriter(nt, nq)
            self.writers.append(lines)
            for finisher in self.finishers:
                if isinstance(finisher, _Conversion):
                    finisher.lines = lines

    def __enter__(self) -> QuadSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        if kind is not None:
            self.abort()

    def write_many(self, quads: Sequence[Quad]) -> None:
        for writer in self.writers:
            writer.write_many(quads)

    def close(self, progress: Progress | None = None) -> None:
        try:
            for writer in self.finishers:
                if progress is None:
                    writer.close()
                else:
                    writer.finish(progress)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Stop writing: end any worker process; what was written stays incomplete."""
        for writer in self.finishers:
            writer.abort()

    def consume(self, quads: Iterable[Quad], progress: Callable[[int], None] | None = None) -> int:
        """Write every quad of ``quads`` (in batches) and return how many there were."""
        count = 0
        iterator = iter(quads)
        while batch := list(islice(iterator, BATCH)):
            self.write_many(batch)
            count += len(batch)
            if progress is not None:
                progress(len(batch))
        return count


class _SinkWriter(QuadWriter):
    def __init__(self, sink: QuadSink) -> None:
        self.sink = sink

    def write_many(self, quads: Sequence[Quad]) -> None:
        self.sink.write_many(quads)

    def close(self) -> None:
        self.sink.close()

    def finish(self, progress: Progress) -> None:
        self.sink.close(progress)

    def abort(self) -> None:
        self.sink.abort()


def writer_for(fmt: RdfFormat, out: IO[str], engine: Engine = Engine.FAST) -> QuadWriter:
    """A writer of ``fmt`` onto the text stream ``out``."""
    return _SinkWriter(QuadSink({fmt: out}, engine))


def _quads(source: Iterable[Quad] | rdflib.Dataset) -> Iterable[Quad]:
    return quads_of(source) if isinstance(source, rdflib.Dataset) else source


def serialize(
    source: Iterable[Quad] | rdflib.Dataset, fmt: RdfFormat, *, engine: Engine = Engine.FAST
) -> str:
    """The quads (or an rdflib Dataset) as a string in ``fmt``."""
    buffer = io.StringIO()
    with QuadSink({fmt: buffer}, engine) as sink:
        sink.consume(_quads(source))
        sink.close()
    return buffer.getvalue()


def dump(
    source: Iterable[Quad] | rdflib.Dataset,
    path: Path | str,
    fmt: RdfFormat | None = None,
    *,
    engine: Engine = Engine.FAST,
) -> None:
    """Write the quads to ``path`` atomically, in ``fmt`` or the format its extension names."""
    path = Path(path)
    fmt = fmt or RdfFormat.from_path(path)
    with atomic_path(path) as out, QuadSink({fmt: out}, engine) as sink:
        sink.consume(_quads(source))
        sink.close()
