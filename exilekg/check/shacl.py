"""SHACL: a file against shapes (exilekg's ``vocab/shapes.ttl`` by default), with pySHACL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from exilekg.check.files import CheckResult, read_triples
from exilekg.check.violations import Object, Violation, _short
from exilekg.errors import CheckError
from exilekg.formats import RdfFormat
from exilekg.rdf import parse_error, to_rdflib
from exilekg.resources import vocab_dir
from exilekg.terms import IRI, BlankNode, Literal

if TYPE_CHECKING:
    import rdflib

__all__ = ["check_shacl", "shapes_path"]


def shapes_path() -> Path:
    """The shipped SHACL shapes of the exilekg graph (``vocab/shapes.ttl``)."""
    return vocab_dir() / "shapes.ttl"


_SH = "http://www.w3.org/ns/shacl#"


def check_shacl(
    path: Path | str,
    shapes: Path | str | None = None,
    *,
    fmt: RdfFormat | None = None,
    base: str | None = None,
) -> CheckResult:
    """Validate an RDF file against SHACL shapes (exilekg's by default) with pySHACL.

    The named graphs are merged first: an entity's types sit in the corpus graph
    while the facts about it sit in the graphs of their documents. Needs the
    ``shacl`` extra; raises :class:`CheckError` without it.
    """
    try:
        import pyshacl
    except ImportError:
        raise CheckError(
            "SHACL validation needs pySHACL, which is not installed",
            hint="pip install 'exilekg[shacl]'",
        ) from None
    import rdflib  # with pySHACL, which needs it, not with every check

    path = Path(path)
    data = rdflib.Graph()
    for s, p, o in read_triples(path, fmt=fmt, base=base):
        data.add((_node(s), rdflib.URIRef(p), _node(o)))
    shapes_file = Path(shapes) if shapes is not None else shapes_path()
    shape_graph = rdflib.Graph()
    try:
        shape_graph.parse(shapes_file, format="turtle")
    except Exception as exc:  # rdflib raises many types for a bad shapes file
        raise parse_error(CheckError, shapes_file, exc) from None
    try:
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=shape_graph, inference="none", advanced=False, allow_warnings=False
        )
    except Exception as exc:  # pySHACL reports broken shapes with its own exception types
        raise CheckError(f"pySHACL could not run the shapes: {exc}", path=shapes_file) from None
    return CheckResult(path, len(data), _shacl_violations(report))


def _node(term: Object) -> rdflib.URIRef | rdflib.BNode | rdflib.Literal:
    if isinstance(term, Literal):
        return to_rdflib(term)
    return to_rdflib(BlankNode(term[2:]) if term.startswith("_:") else IRI(term))


def _shacl_violations(report: rdflib.Graph) -> list[Violation]:
    import rdflib

    sh = rdflib.Namespace(_SH)
    found = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        component = report.value(result, sh.sourceConstraintComponent)
        message = report.value(result, sh.resultMessage)
        shape = report.value(result, sh.sourceShape)
        value = report.value(result, sh.value)
        subject = f"_:{focus}" if isinstance(focus, rdflib.BNode) else str(focus)
        term = str(path) if isinstance(path, rdflib.URIRef) else str(shape)
        rule = "shacl:" + str(component).removeprefix(_SH).removesuffix("ConstraintComponent")
        text = str(message) if message is not None else "breaks its shape"
        if value is not None and value != focus and not isinstance(value, rdflib.BNode):
            text += f" (value: {_short(str(value))})"
        found.append(Violation(subject, term, rule, text))
    return sorted(found)
