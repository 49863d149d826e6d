"""Words for the terms: labels of classes and properties for readers, and the vocabulary's own page data.

exilekg terms take their ``rdfs:label`` from vocab/exilekg.ttl; schema.org and
other terms are spelled out from their local names (``memberOf`` → "member of"),
which reads well for schema.org's camel-case names and needs no copy of schema.org.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rdflib

from exilekg.resources import vocab_dir
from exilekg.terms import EXILEKG, RDF, RDFS, SCHEMA, prefixed_name

__all__ = [
    "VocabTerm",
    "class_label",
    "local_name",
    "predicate_label",
    "prefixed",
    "vocab_terms",
    "vocab_ttl_path",
]

_OWL = "http://www.w3.org/2002/07/owl#"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_WORDS: dict[str, str] = {
    str(RDF.type): "type",
    str(RDF.subject): "subject",
    str(RDF.predicate): "relation",
    str(RDF.object): "object",
    str(SCHEMA.spokenByCharacter): "spoken by",
    str(SCHEMA.sameAs): "same as",
    str(SCHEMA.url): "web site",
    str(SCHEMA.isPartOf): "part of",
    str(SCHEMA.containedInPlace): "in",
    str(SCHEMA.observationAbout): "about",
    str(SCHEMA.variableMeasured): "measure",
    str(SCHEMA.unitText): "unit",
    str(SCHEMA.locationCreated): "place",
    str(SCHEMA.dateCreated): "date",
    str(SCHEMA.observationDate): "date",
    str(SCHEMA.inLanguage): "language",
    str(SCHEMA.creditText): "credit",
    str(SCHEMA.copyrightNotice): "licence",
    str(SCHEMA.citation): "cites",
    str(SCHEMA.appearance): "appears in",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "source",
}
"""Readers' words where the local name reads badly."""


def vocab_ttl_path() -> Path:
    return vocab_dir() / "exilekg.ttl"


@dataclass(frozen=True)
class VocabTerm:
    """One exilekg class or property as the vocabulary page shows it."""

    iri: str
    name: str
    is_class: bool
    label: str
    comment: str
    parents: tuple[str, ...]
    domains: tuple[str, ...]
    ranges: tuple[str, ...]


@cache
def _vocab_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(vocab_ttl_path(), format="turtle")
    return graph


def _strings(graph: rdflib.Graph, subject: rdflib.term.Node, *predicates: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for predicate in predicates:
        for value in graph.objects(subject, rdflib.URIRef(predicate)):
            found[str(value)] = None
    return tuple(sorted(found))


@cache
def vocab_terms() -> tuple[VocabTerm, ...]:
    """Every exilekg class and property, classes first, each group by name."""
    graph = _vocab_graph()
    namespace = str(EXILEKG)
    terms: list[VocabTerm] = []
    kinds = {str(RDFS.Class): True, f"{_OWL}Class": True, str(RDF.Property): False}
    for subject in set(graph.subjects(rdflib.URIRef(RDF.type), None)):
        iri = str(subject)
        if not iri.startswith(namespace) or iri == namespace:
            continue
        types = {str(t) for t in graph.objects(subject, rdflib.URIRef(RDF.type))}
        is_class = any(kinds.get(t, False) for t in types)
        if not is_class and not any(t in kinds for t in types):
            continue
        label = graph.value(subject, rdflib.URIRef(RDFS.label))
        comment = graph.value(subject, rdflib.URIRef(RDFS.comment))
        terms.append(
            VocabTerm(
                iri=iri,
                name=iri[len(namespace) :],
                is_class=is_class,
                label=str(label) if label is not None else iri[len(namespace) :],
                comment=str(comment) if comment is not None else "",
                parents=_strings(graph, subject, str(RDFS.subClassOf), str(RDFS.subPropertyOf)),
                domains=_strings(graph, subject, str(SCHEMA.domainIncludes), str(RDFS.domain)),
                ranges=_strings(graph, subject, str(SCHEMA.rangeIncludes), str(RDFS.range)),
            )
        )
    return tuple(sorted(terms, key=lambda t: (not t.is_class, t.name.lower())))


@cache
def _exilekg_labels() -> dict[str, str]:
    return {term.iri: term.label for term in vocab_terms()}


def local_name(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri:
            tail = iri.rsplit(separator, 1)[1]
            if tail:
                return tail
    return iri


prefixed = prefixed_name


def _spelled(name: str) -> str:
    return _CAMEL.sub(" ", name).lower()


def predicate_label(iri: str) -> str:
    if iri in _WORDS:
        return _WORDS[iri]
    label = _exilekg_labels().get(iri)
    return label if label else _spelled(local_name(iri))


def class_label(iri: str) -> str:
    label = _exilekg_labels().get(iri)
    if label:
        return label
    name = local_name(iri)
    if name.isupper():  # an acronym such as NGO stays as it is
        return name
    spelled = _spelled(name)
    return spelled[:1].upper() + spelled[1:]
