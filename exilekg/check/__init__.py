"""Conformance checking: does an RDF graph use schema.org and the exilekg vocabulary as they define?

The rules, for every triple whose predicate or terms are in ``http://schema.org/``
(``https://schema.org/`` is read as the same namespace) or in the exilekg
vocabulary (``https://w3id.org/exilekg/vocab#``):

* **unknown-term**: every term of those namespaces, in any position, exists;
  schema.org's from the shipped index (``exilekg/data/schemaorg-index.json``),
  exilekg's from ``vocab/exilekg.ttl``.
* **term-kind**: a predicate is a property, and an ``rdf:type`` object is a
  class (or datatype), not a property or an enumeration member.
* **superseded**: a schema.org term that schema.org marks superseded is named
  with its replacement.
* **domain**: a property sits on a subject that has at least one type its
  ``schema:domainIncludes`` allows, subclasses included. Subjects with no type
  known to the checker are not domain-checked, nor are schema:Role nodes (see
  below).
* **range**: a property's value is allowed by its ``schema:rangeIncludes``:
  a literal by the datatype table :data:`LITERAL_DATATYPES` (XSD datatypes, and the
  schema.org datatypes themselves, ``"2024-05-01"^^schema:Date`` as schema.org's own
  JSON-LD context writes dates); an IRI or blank
  node by its types (subclasses included), or by ``schema:URL`` (any IRI is a
  URL) or ``schema:Thing`` in the range; a node with no known type passes any
  range that names a class.
* **ill-typed-literal**: a literal of a common XSD datatype has a lexical form
  of that datatype (``"yesterday"^^xsd:date`` does not).

Types are gathered over the whole input (all named graphs together), because a
node's ``rdf:type`` may come after, or in another graph than, the triples that use
it: a domain or range check that the types seen so far do not pass waits for the
node's later types, and is judged once the input has ended.

**Roles.** schema.org's Role pattern (https://schema.org/Role) inserts a Role
node between a subject and the value of one of its properties, and repeats the
property on the Role node (``Person memberOf [Role memberOf Organization]``).
So: any property may sit on a subject typed schema:Role or a subclass of it
(exilekg:Relation, exilekg:Designation, OrganizationRole ...): its domain is not
checked, its range still is; and a Role node passes any range that names a class.

IRIs of the two namespaces that cannot name a term (the vocabulary's own IRI
``https://schema.org/``, a page of schema.org's site) are not terms and are never reported.

**Lenient mode** (``Checker(lenient=True)``, ``exilekg check --lenient``) follows
schema.org's data model rather than its ranges, for data nobody checked against them:
text where an entity is expected (``"author": "Jane Doe"``, or a string naming an
enumeration member, ``"eventStatus": "EventScheduled"``) is a warning, not a violation.
Strict is the default, and what ``exilekg build`` applies to its own graph.

The package: :mod:`~exilekg.check.vocabulary` (what the checker knows),
:mod:`~exilekg.check.literals` (datatypes), :mod:`~exilekg.check.checker` (the streaming
checker), :mod:`~exilekg.check.files` (reading and checking files),
:mod:`~exilekg.check.shacl` and :mod:`~exilekg.check.violations` (what is reported).

A class of another vocabulary counts as known when schema.org declares it
equivalent to one of its own (``void:Dataset`` is ``schema:Dataset``), or when
exilekg's vocabulary makes it a superclass of one of its classes.
"""

from __future__ import annotations

from exilekg.check.checker import Checker
from exilekg.check.files import CheckResult, check_file, check_graph, check_quads, checked, read_triples
from exilekg.check.literals import LITERAL_DATATYPES
from exilekg.check.shacl import check_shacl, shapes_path
from exilekg.check.violations import (
    DOMAIN,
    KIND,
    LEXICAL,
    RANGE,
    RULES,
    SUPERSEDED,
    UNKNOWN,
    Node,
    Object,
    Triple,
    Violation,
)
from exilekg.check.vocabulary import Vocabulary, read_vocabulary

__all__ = [
    "DOMAIN",
    "KIND",
    "LEXICAL",
    "LITERAL_DATATYPES",
    "RANGE",
    "RULES",
    "SUPERSEDED",
    "UNKNOWN",
    "CheckResult",
    "Checker",
    "Node",
    "Object",
    "Triple",
    "Violation",
    "Vocabulary",
    "check_file",
    "check_graph",
    "check_quads",
    "check_shacl",
    "checked",
    "read_triples",
    "read_vocabulary",
    "shapes_path",
]
