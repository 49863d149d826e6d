"""Reading RDF: dump files and build folders, in any format exilekg knows, into one form.

- :func:`find_dumps` says what to read: a build folder's best dump (:data:`DUMP_PREFERENCE`)
  and its ``void.ttl``, or the files named, each with its format (from its extension, or given)
  and, for a triple-only format, the named graph its triples are read into
  (:func:`graph_name`), so that ``GRAPH ?g { ... }`` patterns and quad-only consumers see them.
- :func:`read_statements` streams one file's quads as exilekg terms (pyoxigraph's parser);
  :func:`into_rdflib` and :func:`into_oxigraph` read dumps into an rdflib Dataset or a
  pyoxigraph Store.

Relative IRIs resolve against ``base``, or the file's own ``file:`` URL. JSON-LD contexts are
never fetched: exilekg's own is served from the installed file, and a document that names any
other remote context cannot be read. Errors are raised as the ``error`` class the caller names
(:class:`~exilekg.errors.QueryError` for ``query``, :class:`~exilekg.errors.CheckError` for
``check`` ...), so each command keeps its own error kind, with the file, the line and column
where the parser gives them, and a hint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

from exilekg.errors import ExilekgError, FormatError
from exilekg.formats import RdfFormat
from exilekg.rdf.convert import Statement, oxigraph_statements, rdflib_statements
from exilekg.terms import VOID

__all__ = [
    "DUMP_PREFERENCE",
    "Dump",
    "build_dumps",
    "find_dumps",
    "graph_name",
    "into_oxigraph",
    "into_rdflib",
    "jsonld_document",
    "parse_error",
    "read_statements",
]

DUMP_PREFERENCE: tuple[RdfFormat, ...] = (
    RdfFormat.NQUADS,
    RdfFormat.TRIG,
    RdfFormat.NTRIPLES,
    RdfFormat.TURTLE,
    RdfFormat.JSONLD,
)
"""Which dump of a build folder is read when it holds several: quad formats first, line-based
ones before the others, JSON-LD (the slowest to read) last."""

OXIGRAPH_FORMATS: dict[RdfFormat, ox.RdfFormat] = {
    RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
    RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
    RdfFormat.TRIG: ox.RdfFormat.TRIG,
    RdfFormat.JSONLD: ox.RdfFormat.JSON_LD,
    RdfFormat.RDFXML: ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Dump:
    """One file to read: its path (``-`` for standard input), format, and the named graph a
    triple-only file is read into (None for a format with graphs)."""

    path: Path
    fmt: RdfFormat
    graph: str | None
    base: str | None = None
    """Relative IRIs resolve against this; None: the file's ``file:`` URL."""

    @property
    def base_iri(self) -> str:
        if self.base is not None:
            return self.base
        if str(self.path) == "-":
            return "file:///dev/stdin"
        return self.path.resolve().as_uri()


def graph_name(path: Path) -> str:
    """The graph a triple-only dump is read into: ``{base}void`` for a build's ``void.ttl`` (its
    ``void:uriSpace``, as ``exilekg publish`` names it), else the file's ``file:`` URL."""
    if path.name == "void.ttl":
        try:
            for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
                if quad.predicate.value == str(VOID.uriSpace):
                    return f"{quad.object.value}void"
        except (SyntaxError, OSError, ValueError):  # reading the dump itself says what is wrong
            return path.resolve().as_uri()
    return path.resolve().as_uri()


def build_dumps(folder: Path, *, error: type[ExilekgError] = ExilekgError) -> list[Dump]:
    """A build folder's best dump (by :data:`DUMP_PREFERENCE`) and its ``void.ttl``.

    Raises ``error`` when the folder's dumps come from different builds (see :mod:`exilekg.manifest`).
    """
    from exilekg.manifest import ensure_consistent

    ensure_consistent(folder, error)
    found: list[Dump] = []
    for fmt in DUMP_PREFERENCE:
        candidate = folder / f"exilekg.{fmt.extension}"
        if candidate.is_file():
            found.append(Dump(candidate, fmt, None if fmt.supports_datasets else graph_name(candidate)))
            break
    else:
        raise error(
            "the folder holds no exilekg dump (exilekg.nq, .trig, .nt, .ttl or .jsonld)",
            path=folder,
            hint="build into it with `exilekg build CORPUS --out DIR`, or name a dump file",
        )
    void = folder / "void.ttl"
    if void.is_file():
        found.append(Dump(void, RdfFormat.TURTLE, graph_name(void)))
    return found


def find_dumps(
    paths: Sequence[Path],
    *,
    fmt: RdfFormat | None = None,
    base: str | None = None,
    error: type[ExilekgError] = ExilekgError,
) -> list[Dump]:
    """What to read for ``paths``: build folders (see :func:`build_dumps`) and files, each in
    ``fmt`` or the format its extension names; ``-`` is standard input (``fmt`` needed)."""
    dumps: list[Dump] = []
    for path in paths:
        if str(path) == "-":
            if fmt is None:
                raise error("standard input has no extension to tell its format", hint="give --format")
            dumps.append(Dump(path, fmt, None if fmt.supports_datasets else "file:///dev/stdin", base))
        elif path.is_dir():
            dumps.extend(Dump(d.path, d.fmt, d.graph, base) for d in build_dumps(path, error=error))
        elif path.is_file():
            try:
                chosen = fmt or RdfFormat.from_path(path)
            except FormatError as exc:
                raise error(exc.message, path=exc.path, hint=exc.hint) from None
            dumps.append(Dump(path, chosen, None if chosen.supports_datasets else graph_name(path), base))
        else:
            raise error("no such file or folder", path=path)
    return dumps


# -- parsing -----------------------------------------------------------------------------------------

_POSITION = re.compile(r"(?:line (\d+)(?: between columns (\d+))?|error at (\d+):(\d+))")


def parse_error(
    error: type[ExilekgError], path: Path, exc: BaseException, what: str = "file"
) -> ExilekgError:
    """A parser's exception as ``error``, with the line and column it names."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    match = _POSITION.search(message)
    line = column = None
    if match is not None:
        line = int(match.group(1) or match.group(3))
        col = match.group(2) or match.group(4)
        column = int(col) if col else None
    hint = "check that the file is complete and that its extension (or --format) names its format"
    if "LoadDocumentCallback" in message or "remote context" in message:
        message = "the JSON-LD names a remote @context, and exilekg fetches nothing"
        hint = "inline the context in the file (or expand it to N-Quads with your own loader)"
    return error(f"cannot parse the {what}: {message}", path=path, line=line, column=column, hint=hint)


def _read_bytes(dump: Dump, error: type[ExilekgError]) -> bytes:
    import sys

    try:
        if str(dump.path) == "-":
            return sys.stdin.buffer.read()
        return dump.path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=dump.path) from None


def jsonld_document(dump: Dump, error: type[ExilekgError] = ExilekgError) -> Any:
    """A JSON-LD file's document, with exilekg's context IRI replaced by the installed context."""
    from exilekg.jsonld import inline_context

    data = _read_bytes(dump, error)
    try:
        document = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise error(f"malformed JSON: {exc.msg}", path=dump.path, line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError as exc:
        raise error(f"the file is not valid UTF-8 (byte {exc.start})", path=dump.path) from None
    return inline_context(document) if isinstance(document, dict) else document


def _jsonld_nquads(dump: Dump, error: type[ExilekgError]) -> str:
    """A JSON-LD file as N-Quads, by pyld (the rdflib path: rdflib's own JSON-LD parser differs)."""
    from pyld import jsonld

    from exilekg.jsonld import document_loader

    document = jsonld_document(dump, error)
    options = {"format": "application/n-quads", "documentLoader": document_loader, "base": dump.base_iri}
    try:
        return str(jsonld.to_rdf(document, options))
    except (jsonld.JsonLdError, ExilekgError) as exc:
        raise error(f"cannot read the JSON-LD: {exc}", path=dump.path) from None


def _use_pyoxigraph() -> bool:
    """Whether :func:`read_statements` parses with pyoxigraph (fast, streaming). The tests turn it
    off to read the same files with rdflib, the reference parser, and compare."""
    return True


def read_statements(dump: Dump, *, error: type[ExilekgError] = ExilekgError) -> Iterator[Statement]:
    """The quads of one file as exilekg terms, as they are parsed (graph None for the default
    graph; a triple-only file's triples come with graph None too, whatever ``dump.graph``)."""
    try:
        if _use_pyoxigraph():
            if dump.fmt is RdfFormat.JSONLD:
                text = json.dumps(jsonld_document(dump, error))
                parsed = ox.parse(text, format=ox.RdfFormat.JSON_LD, base_iri=dump.base_iri)
            elif str(dump.path) == "-":
                parsed = ox.parse(
                    _read_bytes(dump, error), format=OXIGRAPH_FORMATS[dump.fmt], base_iri=dump.base_iri
                )
            else:
                parsed = ox.parse(path=dump.path, format=OXIGRAPH_FORMATS[dump.fmt], base_iri=dump.base_iri)
            yield from oxigraph_statements(parsed)
            return
        import rdflib  # the reference parser, for the tests that compare with it

        dataset = rdflib.Dataset()
        if dump.fmt is RdfFormat.JSONLD:
            dataset.parse(data=_jsonld_nquads(dump, error), format="nquads")
        else:
            dataset.parse(data=_read_bytes(dump, error), format=dump.fmt.rdflib_name, publicID=dump.base_iri)
        yield from rdflib_statements(dataset)
    except ExilekgError:
        raise
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=dump.path) from None
    except Exception as exc:  # parsers raise many exception types for bad input; all mean "unparsable"
        raise parse_error(error, dump.path, exc) from None


def into_rdflib(
    dumps: Sequence[Dump], dataset: rdflib.Dataset, *, error: type[ExilekgError] = ExilekgError
) -> rdflib.Dataset:
    """Read ``dumps`` into ``dataset``, a triple-only one into its named graph."""
    import rdflib

    for dump in dumps:
        try:
            if dump.fmt is RdfFormat.JSONLD:
                dataset.parse(data=_jsonld_nquads(dump, error), format="nquads")
                continue
            target = dataset if dump.graph is None else dataset.graph(rdflib.URIRef(dump.graph))
            target.parse(data=_read_bytes(dump, error), format=dump.fmt.rdflib_name, publicID=dump.base_iri)
        except ExilekgError:
            raise
        except Exception as exc:  # rdflib raises many unrelated types for bad input
            raise error(f"cannot read the dump: {exc}", path=dump.path) from None
    return dataset


def into_oxigraph(
    dumps: Sequence[Dump], store: ox.Store, *, error: type[ExilekgError] = ExilekgError
) -> ox.Store:
    """Read ``dumps`` into ``store``, a triple-only one into its named graph."""
    for dump in dumps:
        graph = ox.NamedNode(dump.graph) if dump.graph is not None else None
        try:
            if dump.fmt is RdfFormat.JSONLD:
                text = json.dumps(jsonld_document(dump, error))
                store.load(text, format=ox.RdfFormat.JSON_LD, base_iri=dump.base_iri)
            elif str(dump.path) == "-":
                data = _read_bytes(dump, error)
                store.load(data, format=OXIGRAPH_FORMATS[dump.fmt], base_iri=dump.base_iri, to_graph=graph)
            else:
                store.load(
                    path=dump.path, format=OXIGRAPH_FORMATS[dump.fmt], base_iri=dump.base_iri, to_graph=graph
                )
        except (SyntaxError, OSError, ValueError) as exc:
            raise error(f"cannot read the dump: {exc}", path=dump.path) from None
    return store
