"""Reading what to check (files, standard input, build folders, rdflib graphs) and checking it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exilekg.check.checker import Checker
from exilekg.check.violations import _SCHEMA, _SCHEMA_HTTPS, Object, Triple, Violation
from exilekg.check.vocabulary import Vocabulary
from exilekg.errors import CheckError, SerializationError
from exilekg.formats import RdfFormat
from exilekg.rdf import Statement, find_dumps, rdflib_statements, read_statements
from exilekg.terms import IRI, BlankNode, Literal, Quad

if TYPE_CHECKING:
    import rdflib

__all__ = ["CheckResult", "check_file", "check_graph", "check_quads", "checked", "read_triples"]


def check_quads(quads: Iterable[Quad], vocabulary: Vocabulary | None = None) -> list[Violation]:
    """The violations of exilekg quads (as :func:`exilekg.map.map_corpus` yields them)."""
    checker = Checker(vocabulary)
    checker.add_quads(quads)
    return checker.violations()


def checked(quads: Iterable[Quad]) -> Iterator[Quad]:
    """Yield ``quads`` unchanged; once they run out, raise if any broke its vocabulary.

    For the build: wrapped around the mapper's stream, it raises
    :class:`~exilekg.errors.SerializationError` inside the block that writes the
    dumps, so a non-conforming graph replaces no earlier output.
    """
    checker = Checker()
    yield from checker.watch(quads)
    violations = checker.violations()
    if violations:
        shown = "\n".join(f"    {v}" for v in violations[:10])
        more = f"\n    … and {len(violations) - 10} more" if len(violations) > 10 else ""
        raise SerializationError(
            f"the graph breaks its vocabularies ({len(violations)} violations):\n{shown}{more}",
            hint="this is a bug in exilekg's mapping; please report it with the records that caused it",
        )


def _iri(value: IRI) -> IRI:
    """An IRI, with ``https://schema.org/`` read as schema.org's canonical ``http://schema.org/``."""
    return IRI(_SCHEMA + value[len(_SCHEMA_HTTPS) :]) if value.startswith(_SCHEMA_HTTPS) else value


def _object(term: IRI | BlankNode | Literal) -> Object:
    if isinstance(term, Literal):
        if term.datatype is not None and term.datatype.startswith(_SCHEMA_HTTPS):
            return Literal(term.value, IRI(_iri(term.datatype)), term.language)
        return term
    return f"_:{term}" if isinstance(term, BlankNode) else _iri(term)


def _triples(statements: Iterable[Statement]) -> Iterator[Triple]:
    """Statements as the checker's triples, whose blank nodes are written ``_:label`` (as in
    N-Triples): the checker takes plain strings, from files or from a caller's hand."""
    for s, p, o, _ in statements:
        yield (f"_:{s}" if isinstance(s, BlankNode) else _iri(s)), _iri(p), _object(o)


def check_graph(graph: rdflib.Graph, vocabulary: Vocabulary | None = None) -> list[Violation]:
    """The violations of an rdflib Graph, or of all graphs of a Dataset together."""
    checker = Checker(vocabulary)
    checker.add_many(_triples(rdflib_statements(graph)))
    return checker.violations()


def read_triples(
    path: Path | str, *, fmt: RdfFormat | None = None, base: str | None = None
) -> Iterator[Triple]:
    """The triples of an RDF file, standard input (``-``, with ``fmt``) or a build folder (its
    best dump and ``void.ttl``), named graphs merged, as the checker takes them.

    The format is ``fmt`` or the one the file's extension names; relative IRIs resolve against
    ``base`` or the file's own ``file:`` URL. Parsed with pyoxigraph (rdflib where the tests ask);
    JSON-LD contexts are never fetched (exilekg's own is served from the installed file). Raises
    :class:`CheckError` for a missing, unreadable or unparsable file and
    :class:`~exilekg.errors.FormatError` for an unknown extension.
    """
    path = Path(path)
    if fmt is None and str(path) != "-" and not path.is_dir():
        RdfFormat.from_path(path)  # an unknown extension is a FormatError, whether the file exists or not
    for dump in find_dumps([path], fmt=fmt, base=base, error=CheckError):
        yield from _triples(read_statements(dump, error=CheckError))


@dataclass
class CheckResult:
    """The outcome of checking one file: its triples, violations and (``lenient``) warnings."""

    path: Path
    triples: int
    violations: list[Violation]
    warnings: list[Violation] = field(default_factory=list)


def check_file(
    path: Path | str,
    vocabulary: Vocabulary | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    fmt: RdfFormat | None = None,
    base: str | None = None,
    lenient: bool = False,
) -> CheckResult:
    """Check one RDF file (or ``-``, or a build folder: see :func:`read_triples`) against the
    vocabularies it uses. ``lenient`` follows schema.org's data model: text where an entity is
    expected becomes a warning."""
    path = Path(path)
    checker = Checker(vocabulary, lenient=lenient)
    triples = read_triples(path, fmt=fmt, base=base)
    checker.add_many(triples if progress is None else _reporting(triples, progress))
    return CheckResult(path, checker.triples, checker.violations(), checker.warnings())


def _reporting(triples: Iterable[Triple], progress: Callable[[int], None]) -> Iterator[Triple]:
    """``triples``, calling ``progress`` with the count every million (once the checker took them)."""
    for count, triple in enumerate(triples, 1):
        yield triple
        if count % 1_000_000 == 0:
            progress(count)
