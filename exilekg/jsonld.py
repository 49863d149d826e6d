"""JSON-LD without the network: the shipped context, a document loader, and output checks.

Our JSON-LD carries its context inline (:func:`context_value`), so every JSON-LD
processor reads it at its default settings and fetches nothing. A build asked to name
a hosted context instead (``--jsonld-context URL``) writes that URL; documents that
name the canonical context IRI (:data:`~exilekg.resources.CONTEXT_IRI`, as dumps of
earlier versions did) are read offline with :func:`document_loader`, which serves that
IRI from the installed file and refuses every other URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from exilekg.errors import Location, Problem, SerializationError
from exilekg.kinds import KINDS
from exilekg.resources import CONTEXT_IRI, context_path, output_schema_uri, output_schemas
from exilekg.terms import IRI, prefixed_name

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "OUTPUT_SCHEMAS",
    "check_output",
    "context_value",
    "document_loader",
    "expand_to_dataset",
    "inline_context",
    "raise_for_output",
    "written_type",
]


@cache
def _context() -> dict[str, Any]:
    return json.loads(context_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def context_value(url: str | None = None) -> str | dict[str, Any]:
    """What a document's ``@context`` holds: the shipped context itself, or ``url`` when given."""
    if url is not None:
        return url
    return dict(_context()["@context"])


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves the exilekg context from disk and nothing else.

    Only needed for documents that name :data:`~exilekg.resources.CONTEXT_IRI` rather than
    carrying the context inline (dumps of earlier versions, or pages that link it).
    """
    if url == CONTEXT_IRI:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": _context(),
        }
    raise SerializationError(
        f"refusing to fetch {url!r}: exilekg reads JSON-LD contexts from local files only",
        hint="inline the context, or load it yourself and pass a document loader",
    )


def inline_context(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its context IRI replaced by the context itself (for tools without a loader)."""
    if document.get("@context") == CONTEXT_IRI:
        return {**document, "@context": _context()["@context"]}
    return document


def expand_to_dataset(document: dict[str, Any]) -> rdflib.Dataset:
    """An rdflib Dataset of a JSON-LD document, via pyld, with the local context."""
    # Imported here: pyld brings requests and aiohttp's loaders (0.2 s), which no build needs.
    import rdflib
    from pyld import jsonld

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": document_loader})
    dataset = rdflib.Dataset()
    dataset.parse(data=nquads, format="nquads")
    return dataset


def written_type(cls: IRI) -> str:
    """A class as our JSON-LD writes it in ``@type``: schema.org's bare (the context's ``@vocab``),
    others with their prefix (``exilekg:Relation``)."""
    return prefixed_name(cls).removeprefix("schema:")


OUTPUT_SCHEMAS: dict[str, str] = {
    **{written_type(kind.default_class): kind.output_schema for kind in KINDS.values()},
    "Dataset": "dataset",
    "oa:Annotation": "annotation",
    "oa:SpecificResource": "target",
    "oa:TextQuoteSelector": "quote-selector",
    "oa:TextPositionSelector": "position-selector",
}
"""The output schema (in ``schemas/output/``) each node type must satisfy; every node satisfies ``node``.
A record's node meets its kind's (every record has its kind's class, whatever its type)."""


@cache
def _validator(name: str) -> Any:
    # Imported here: only output that jsonschema-rs refused is described by jsonschema.
    import jsonschema
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (uri, Resource.from_contents(schema)) for uri, schema in output_schemas().items()
    )
    schema = registry.contents(output_schema_uri(name))
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _nodes(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for graph in document.get("@graph", []):
        yield from graph.get("@graph", [])


def check_output(document: dict[str, Any]) -> list[Problem]:
    """Check every node of emitted JSON-LD against the output schemas of its types."""
    problems: list[Problem] = []
    for node in _nodes(document):
        types = node.get("@type", [])
        names = {"node"} | {
            OUTPUT_SCHEMAS[t] for t in ([types] if isinstance(types, str) else types) if t in OUTPUT_SCHEMAS
        }
        for name in sorted(names):
            for error in _validator(name).iter_errors(node):
                pointer = "".join(f"/{p}" for p in error.absolute_path)
                problems.append(
                    Problem(
                        Location(pointer=pointer),
                        f"node {node.get('@id')} breaks {name}.schema.json: {error.message[:200]}",
                    )
                )
    return problems


def raise_for_output(document: dict[str, Any]) -> dict[str, Any]:
    """Return ``document`` unchanged if every node passes its output schema; else raise."""
    problems = check_output(document)
    if problems:
        raise SerializationError(
            f"the JSON-LD to write breaks its output schemas ({len(problems)} problems; "
            f"first: {problems[0].message})",
            hint="this is a bug in exilekg's mapping; please report it with the record that caused it",
        )
    return document
