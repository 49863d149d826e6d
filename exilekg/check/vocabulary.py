"""What the checker knows: schema.org's terms (from the shipped index of the official vocabulary)
and exilekg's (from ``vocab/exilekg.ttl``), as one :class:`Vocabulary`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

from exilekg.check.literals import LITERAL_DATATYPES
from exilekg.check.violations import _EXILEKG, _SCHEMA
from exilekg.formats import RdfFormat
from exilekg.rdf import Dump, read_statements
from exilekg.resources import vocab_dir
from exilekg.terms import IRI

__all__ = ["Vocabulary", "read_vocabulary"]


@dataclass(frozen=True)
class _Property:
    domain: frozenset[str]
    range: frozenset[str]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """What the checker knows: schema.org's index and the exilekg vocabulary, merged.

    ``kinds`` maps every term of the two namespaces to ``class``, ``datatype``,
    ``property``, ``member`` or ``other``; ``superclasses`` maps classes (of any
    vocabulary) to their direct superclasses, equivalences included.
    """

    kinds: dict[str, str]
    superclasses: dict[str, tuple[str, ...]]
    properties: dict[str, _Property]
    member_types: dict[str, frozenset[str]]
    superseded_by: dict[str, tuple[str, ...]]
    schema_names: tuple[str, ...]

    @cache  # noqa: B019 -- vocabularies live as long as the process; caching per instance is the point
    def ancestors(self, cls: str) -> frozenset[str]:
        """``cls`` and all its superclasses (cycle-safe)."""
        seen = {cls}
        todo = [cls]
        while todo:
            for parent in self.superclasses.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return frozenset(seen)

    def is_known_class(self, cls: str) -> bool:
        return cls in self.superclasses or self.kinds.get(cls) in ("class", "datatype")

    @cache  # noqa: B019
    def literal_datatypes(self, datatype_class: str) -> frozenset[str]:
        """The literal datatypes a schema.org datatype (or a subclass of one) accepts: those of
        :data:`LITERAL_DATATYPES`, and every schema.org datatype that is it or a subtype of it."""
        todo = [datatype_class]
        seen: set[str] = set()
        found: frozenset[str] = frozenset()
        while todo:
            cls = todo.pop(0)
            if cls in LITERAL_DATATYPES:
                found = LITERAL_DATATYPES[cls]
                break
            seen.add(cls)
            todo.extend(p for p in self.superclasses.get(cls, ()) if p not in seen)
        subtypes = {
            t for t, kind in self.kinds.items() if kind == "datatype" and datatype_class in self.ancestors(t)
        }
        return found | subtypes


def _schema_index() -> dict[str, Any]:
    text = importlib_resources.files("exilekg").joinpath("data/schemaorg-index.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _full(name: str) -> str:
    return name if ":" in name else _SCHEMA + name


def _schema_terms(
    kinds: dict[str, str],
    superclasses: dict[str, set[str]],
    properties: dict[str, _Property],
    member_types: dict[str, frozenset[str]],
    superseded: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """Fill the tables from the shipped schema.org index; the names of its terms."""
    index = _schema_index()
    for name, entry in index["terms"].items():
        iri = _SCHEMA + name
        kind = entry["kind"]
        kinds[iri] = kind
        if kind in ("class", "datatype"):
            superclasses.setdefault(iri, set()).update(_full(p) for p in entry.get("subClassOf", []))
            for other in entry.get("equivalentClass", []):
                # Another vocabulary's equivalent class inherits everything the schema.org class allows.
                superclasses.setdefault(_full(other), set()).add(iri)
        elif kind == "property":
            properties[iri] = _Property(
                frozenset(_full(d) for d in entry.get("domainIncludes", [])),
                frozenset(_full(r) for r in entry.get("rangeIncludes", [])),
            )
        else:
            member_types[iri] = frozenset(_full(t) for t in entry.get("types", []))
        if entry.get("supersededBy"):
            superseded[iri] = tuple(_full(s) for s in entry["supersededBy"])
    return tuple(sorted(index["terms"]))


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_CLASSES = frozenset({_RDFS + "Class", _OWL + "Class"})
_PROPERTIES = frozenset({_RDF + "Property", _OWL + "ObjectProperty", _OWL + "DatatypeProperty"})


def _exilekg_terms(
    kinds: dict[str, str], superclasses: dict[str, set[str]], properties: dict[str, _Property]
) -> None:
    """Fill the tables from ``vocab/exilekg.ttl``."""
    objects: dict[str, dict[str, set[str]]] = {}
    for s, p, o, _ in read_statements(Dump(vocab_dir() / "exilekg.ttl", RdfFormat.TURTLE, None)):
        if type(s) is IRI and s.startswith(_EXILEKG) and type(o) is IRI:
            objects.setdefault(str(s), {}).setdefault(str(p), set()).add(str(o))
    for iri, about in objects.items():
        types = about.get(_RDF + "type", set())
        if types & _CLASSES:
            kinds[iri] = "class"
            superclasses.setdefault(iri, set()).update(about.get(_RDFS + "subClassOf", ()))
        elif types & _PROPERTIES:
            kinds[iri] = "property"
            properties[iri] = _Property(
                frozenset(about.get(_SCHEMA + "domainIncludes", ())),
                frozenset(about.get(_SCHEMA + "rangeIncludes", ())),
            )
        else:
            kinds[iri] = "other"


@cache
def read_vocabulary() -> Vocabulary:
    """The shipped schema.org index and ``vocab/exilekg.ttl``, read once per process."""
    kinds: dict[str, str] = {}
    superclasses: dict[str, set[str]] = {}
    properties: dict[str, _Property] = {}
    member_types: dict[str, frozenset[str]] = {}
    superseded: dict[str, tuple[str, ...]] = {}
    names = _schema_terms(kinds, superclasses, properties, member_types, superseded)
    _exilekg_terms(kinds, superclasses, properties)
    return Vocabulary(
        kinds=kinds,
        superclasses={cls: tuple(sorted(parents)) for cls, parents in superclasses.items()},
        properties=properties,
        member_types=member_types,
        superseded_by=superseded,
        schema_names=names,
    )
