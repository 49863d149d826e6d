"""Derive exilekg's schema.org index from the schema.org vocabulary file.

The index ships inside the package (``exilekg/data/schemaorg-index.json``) so that
``exilekg check`` needs neither the network nor ``../shared`` at run time. It keeps
only what conformance checking reads: each term's kind (class, property, datatype
or enumeration member), its superclasses, its domains and ranges, which terms
supersede it, and the equivalences of schema.org classes to other vocabularies'.
Labels and comments are left out on purpose: they are schema.org's prose, and
the checker has no use for them.

Usage::

    python scripts/derive_schemaorg_index.py [SCHEMAORG_TTL] [OUT_JSON]

Defaults: ``../shared/reference/schemaorg/schemaorg-current-http.ttl`` relative to the
repository, and ``exilekg/data/schemaorg-index.json``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import rdflib

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "reference" / "schemaorg" / "schemaorg-current-http.ttl"
DEFAULT_OUT = REPO / "exilekg" / "data" / "schemaorg-index.json"

SCHEMA = "http://schema.org/"
_RDF_TYPE = rdflib.RDF.type
_RDFS_CLASS = rdflib.RDFS.Class
_RDF_PROPERTY = rdflib.RDF.Property
_SUBCLASS = rdflib.RDFS.subClassOf
_EQUIVALENT = rdflib.OWL.equivalentClass
_DATATYPE = rdflib.URIRef(SCHEMA + "DataType")
_DOMAIN = rdflib.URIRef(SCHEMA + "domainIncludes")
_RANGE = rdflib.URIRef(SCHEMA + "rangeIncludes")
_SUPERSEDED = rdflib.URIRef(SCHEMA + "supersededBy")


def _name(term: rdflib.term.Node) -> str:
    """A schema.org IRI as its local name; any other IRI in full (it cannot be mistaken for a name)."""
    text = str(term)
    return text[len(SCHEMA) :] if text.startswith(SCHEMA) else text


def _names(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> list[str]:
    return sorted({_name(o) for o in graph.objects(subject, predicate) if isinstance(o, rdflib.URIRef)})


def derive(source: Path) -> dict[str, Any]:
    """The index of the schema.org Turtle file ``source``, as plain JSON data."""
    raw = source.read_bytes()
    graph = rdflib.Graph()
    graph.parse(data=raw.decode("utf-8"), format="turtle")

    subjects = sorted(
        {
            s
            for s in graph.subjects(_RDF_TYPE, None)
            if isinstance(s, rdflib.URIRef) and str(s).startswith(SCHEMA)
        }
    )
    classes = {s for s in subjects if (s, _RDF_TYPE, _RDFS_CLASS) in graph}
    properties = {s for s in subjects if (s, _RDF_TYPE, _RDF_PROPERTY) in graph}

    # A datatype is DataType itself, a class typed schema:DataType, or a subclass of one (URL, Integer ...).
    datatypes = {s for s in classes if (s, _RDF_TYPE, _DATATYPE) in graph or s == _DATATYPE}
    changed = True
    while changed:
        changed = False
        for cls in classes - datatypes:
            if any(parent in datatypes for parent in graph.objects(cls, _SUBCLASS)):
                datatypes.add(cls)
                changed = True

    terms: dict[str, dict[str, Any]] = {}
    for subject in subjects:
        entry: dict[str, Any]
        if subject in properties:
            entry = {
                "kind": "property",
                "domainIncludes": _names(graph, subject, _DOMAIN),
                "rangeIncludes": _names(graph, subject, _RANGE),
            }
        elif subject in classes:
            entry = {"kind": "datatype" if subject in datatypes else "class"}
            entry["subClassOf"] = _names(graph, subject, _SUBCLASS)
            entry["equivalentClass"] = _names(graph, subject, _EQUIVALENT)
        else:
            entry = {"kind": "member", "types": _names(graph, subject, _RDF_TYPE)}
        entry["supersededBy"] = _names(graph, subject, _SUPERSEDED)
        terms[_name(subject)] = {key: value for key, value in entry.items() if value}
    return {
        "namespace": SCHEMA,
        "source": source.name,
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "derived_by": "scripts/derive_schemaorg_index.py",
        "terms": terms,
    }


def render(index: dict[str, Any]) -> str:
    """The index as JSON text, one term a line, so that a new schema.org release diffs readably."""
    head = {key: value for key, value in index.items() if key != "terms"}
    lines = ["{"]
    for key in sorted(head):
        lines.append(f"{json.dumps(key)}: {json.dumps(head[key], ensure_ascii=False)},")
    lines.append('"terms": {')
    terms = index["terms"]
    names = sorted(terms)
    for number, name in enumerate(names):
        entry = json.dumps(terms[name], sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
        lines.append(f"{json.dumps(name)}: {entry}{',' if number < len(names) - 1 else ''}")
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    if not source.is_file():
        print(f"no schema.org vocabulary at {source}", file=sys.stderr)
        return 1
    index = derive(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(index), encoding="utf-8")
    kinds: dict[str, int] = {}
    for entry in index["terms"].values():
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    print(f"{out}: {len(index['terms'])} terms ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
