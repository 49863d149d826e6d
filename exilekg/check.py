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
  a literal by the datatype table :data:`LITERAL_DATATYPES`; an IRI or blank
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

A class of another vocabulary counts as known when schema.org declares it
equivalent to one of its own (``void:Dataset`` is ``schema:Dataset``), or when
exilekg's vocabulary makes it a superclass of one of its classes.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any, TypeVar

import rdflib

from exilekg.errors import CheckError, ExilekgError, SerializationError
from exilekg.formats import RdfFormat
from exilekg.resources import vocab_dir
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA, XSD, Literal, Quad, prefixed_name

__all__ = [
    "LITERAL_DATATYPES",
    "RULES",
    "CheckResult",
    "Checker",
    "Violation",
    "Vocabulary",
    "check_file",
    "check_graph",
    "check_quads",
    "check_shacl",
    "checked",
    "load_vocabulary",
    "read_triples",
    "shapes_path",
]

_SCHEMA = str(SCHEMA)
_SCHEMA_HTTPS = "https://schema.org/"
_EXILEKG = str(EXILEKG)
_CHECKED = (_SCHEMA, _EXILEKG)
_RDF_TYPE = str(RDF.type)
_THING = _SCHEMA + "Thing"
_ROLE = _SCHEMA + "Role"
_URL = _SCHEMA + "URL"

UNKNOWN = "unknown-term"
KIND = "term-kind"
SUPERSEDED = "superseded"
DOMAIN = "domain"
RANGE = "range"
LEXICAL = "ill-typed-literal"
RULES = (UNKNOWN, KIND, SUPERSEDED, DOMAIN, RANGE, LEXICAL)
"""Every rule a :class:`Violation` can name (SHACL results name ``shacl:<component>``)."""

Node = str
"""A subject or object node: an IRI, or ``_:label`` for a blank node (no absolute IRI starts so)."""
Object = str | Literal
Triple = tuple[Node, str, Object]


@dataclass(frozen=True, order=True)
class Violation:
    """One breach of a vocabulary: on which subject, of which term, under which rule, and why."""

    subject: str
    term: str
    rule: str
    message: str

    def __str__(self) -> str:
        subject = self.subject if self.subject.startswith("_:") else f"<{self.subject}>"
        return f"{subject} {_compact(self.term)}: {self.rule}: {self.message}"


def _compact(iri: str) -> str:
    name = prefixed_name(iri)
    return f"<{iri}>" if name == iri and ":" in iri else name


def _names(iris: Iterable[str]) -> str:
    return ", ".join(sorted(_compact(i) for i in iris)) or "nothing"


# -- literal datatypes ---------------------------------------------------------------------------

_X = str(XSD)
_STRINGS = frozenset(
    {
        _X + "string",
        _X + "normalizedString",
        _X + "token",
        _X + "language",
        _X + "Name",
        _X + "NCName",
        _X + "NMTOKEN",
        _X + "anyURI",
        str(RDF.langString),
    }
)
_INTEGERS = frozenset(
    _X + name
    for name in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_NUMBERS = _INTEGERS | {_X + "decimal", _X + "float", _X + "double"}
_DATES = frozenset({_X + "date", _X + "gYear", _X + "gYearMonth"})

LITERAL_DATATYPES: dict[str, frozenset[str]] = {
    _SCHEMA + "Text": _STRINGS,
    _SCHEMA + "URL": _STRINGS,
    _SCHEMA + "Number": _NUMBERS,
    _SCHEMA + "Float": _NUMBERS,
    _SCHEMA + "Integer": _INTEGERS,
    _SCHEMA + "Date": _DATES,
    _SCHEMA + "DateTime": frozenset({_X + "dateTime", _X + "dateTimeStamp"}),
    _SCHEMA + "Time": frozenset({_X + "time"}),
    _SCHEMA + "Boolean": frozenset({_X + "boolean"}),
    # schema.org writes quantities ("3 kg", "PT1H" for a Duration) as text.
    _SCHEMA + "Quantity": _STRINGS,
}
"""The literal datatypes each schema.org datatype accepts; a plain literal is an ``xsd:string``.

A schema.org datatype not listed (PronounceableText, Distance ...) takes the entry
of its nearest listed superclass.
"""

_TZ = r"(Z|[+-](0\d|1[0-4]):[0-5]\d)?"
_YEAR = r"-?([1-9]\d{4,}|\d{4})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12]\d|3[01])"
_CLOCK = r"(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)"
_INTEGER = r"[+-]?\d+"
_LEXICAL: dict[str, re.Pattern[str]] = {
    _X + "boolean": re.compile(r"true|false|1|0"),
    _X + "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    _X + "double": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    _X + "float": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    _X + "integer": re.compile(_INTEGER),
    _X + "nonNegativeInteger": re.compile(r"\+?\d+|-0+"),
    _X + "positiveInteger": re.compile(r"\+?0*[1-9]\d*"),
    _X + "date": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}"),
    _X + "gYear": re.compile(f"{_YEAR}{_TZ}"),
    _X + "gYearMonth": re.compile(f"{_YEAR}-{_MONTH}{_TZ}"),
    _X + "dateTime": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}T{_CLOCK}{_TZ}"),
    _X + "time": re.compile(f"{_CLOCK}{_TZ}"),
}


# -- the vocabularies ----------------------------------------------------------------------------


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
        """The literal datatypes a schema.org datatype (or a subclass of one) accepts."""
        todo = [datatype_class]
        seen: set[str] = set()
        while todo:
            cls = todo.pop(0)
            if cls in LITERAL_DATATYPES:
                return LITERAL_DATATYPES[cls]
            seen.add(cls)
            todo.extend(p for p in self.superclasses.get(cls, ()) if p not in seen)
        return frozenset()


def _schema_index() -> dict[str, Any]:
    text = importlib_resources.files("exilekg").joinpath("data/schemaorg-index.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _full(name: str) -> str:
    return name if ":" in name else _SCHEMA + name


@cache
def load_vocabulary() -> Vocabulary:
    """The shipped schema.org index and ``vocab/exilekg.ttl``, read once per process."""
    index = _schema_index()
    kinds: dict[str, str] = {}
    superclasses: dict[str, set[str]] = {}
    properties: dict[str, _Property] = {}
    member_types: dict[str, frozenset[str]] = {}
    superseded: dict[str, tuple[str, ...]] = {}
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

    graph = rdflib.Graph()
    graph.parse(vocab_dir() / "exilekg.ttl", format="turtle")
    domain = rdflib.URIRef(_SCHEMA + "domainIncludes")
    range_ = rdflib.URIRef(_SCHEMA + "rangeIncludes")
    classes = {rdflib.RDFS.Class, rdflib.OWL.Class}
    for subject in set(graph.subjects()):
        iri = str(subject)
        if not iri.startswith(_EXILEKG):
            continue
        types = set(graph.objects(subject, rdflib.RDF.type))
        if types & classes:
            kinds[iri] = "class"
            superclasses.setdefault(iri, set()).update(
                str(o) for o in graph.objects(subject, rdflib.RDFS.subClassOf)
            )
        elif types & {rdflib.RDF.Property, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty}:
            kinds[iri] = "property"
            properties[iri] = _Property(
                frozenset(str(o) for o in graph.objects(subject, domain)),
                frozenset(str(o) for o in graph.objects(subject, range_)),
            )
        else:
            kinds[iri] = "other"
    return Vocabulary(
        kinds=kinds,
        superclasses={cls: tuple(sorted(parents)) for cls, parents in superclasses.items()},
        properties=properties,
        member_types=member_types,
        superseded_by=superseded,
        schema_names=tuple(sorted(index["terms"])),
    )


# -- the checker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """How one predicate is checked, worked out once per predicate."""

    property: str
    domain: frozenset[str] | None
    """None: not domain-checked (no domain, or schema:Thing in it)."""
    range: frozenset[str]
    datatypes: frozenset[str]
    """The literal datatypes the range accepts."""
    nodes_need_types: bool
    """False when any IRI or blank node passes (URL or Thing in the range, or no range at all)."""
    takes_untyped_nodes: bool
    """A node with no known type passes: the range names a class."""
    literal_ok: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    """Whether a literal fits the range, by its datatype; filled in as datatypes turn up."""


class _TypeSet:
    """One distinct set of types, shared by every node that has exactly these types.

    A build types hundreds of thousands of nodes with a few dozen distinct sets, so each
    node refers to a shared instance rather than owning a set, and the domain and range
    verdicts are worked out once per set and predicate.
    """

    __slots__ = ("ancestors", "domain_ok", "known", "range_ok", "role", "types", "wider")

    def __init__(self, types: frozenset[str], vocab: Vocabulary) -> None:
        self.types = types
        known = [t for t in types if vocab.is_known_class(t)]
        self.known = bool(known)
        self.ancestors: frozenset[str] = frozenset().union(*(vocab.ancestors(t) for t in known))
        self.role = _ROLE in self.ancestors
        self.wider: dict[str, _TypeSet] = {}
        """The set with one type more, by that type."""
        # By predicate. True: the node passes whatever types it gains later, since types only
        # grow and a pass rests on a Role or an allowed type among them. False: the verdict
        # waits for the node's final types.
        self.domain_ok: dict[str, bool] = {}
        self.range_ok: dict[str, bool] = {}

    def passes_domain(self, rule: _Rule) -> bool:
        ok = self.domain_ok.get(rule.property)
        if ok is None:
            assert rule.domain is not None
            ok = self.domain_ok[rule.property] = self.role or not self.ancestors.isdisjoint(rule.domain)
        return ok

    def passes_range(self, rule: _Rule) -> bool:
        ok = self.range_ok.get(rule.property)
        if ok is None:
            ok = self.range_ok[rule.property] = (
                self.role and rule.takes_untyped_nodes
            ) or not self.ancestors.isdisjoint(rule.range)
        return ok


_UNSEEN = _Rule("", None, frozenset(), frozenset(), False, False)
"""Marks a predicate not yet looked at, in :attr:`Checker._rules` lookups."""

_LANG_STRING = str(RDF.langString)
_XSD_STRING = _X + "string"

_Item = TypeVar("_Item", Quad, Triple)

_FOREIGN_WINDOW = 4096
"""How many nodes with only foreign types :class:`Checker` remembers (up to twice as many)."""


class Checker:
    """Checks triples as they stream past (:meth:`add_many`, :meth:`watch`); :meth:`violations` finishes.

    A domain or range check is settled as its triple passes when the types known by then
    already satisfy it: types only grow, so a pass stays a pass. Only the others are kept,
    looked at again when their node gains a type, and judged once the input has ended.

    Memory grows with the nodes that have a known type (one reference each to a shared
    :class:`_TypeSet`) and with the checks still open, which are few when a node's
    ``rdf:type`` comes before, or soon after, the triples that use it, as in exilekg's own
    stream. A node whose types are all foreign (``oa:SpecificResource``) is judged exactly
    as an untyped one, so it is not kept: only the last few thousand such nodes are, so that
    when one of them gains a known type (``oa:Annotation``, then ``exilekg:Mention``) its
    messages still name all its types (a node forgotten by then is judged the same, but its
    messages name only the types it got since). Time is linear.
    """

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.vocab = vocabulary or load_vocabulary()
        self.triples = 0
        self._typesets: dict[frozenset[str], _TypeSet] = {}
        self._untyped = self._typeset(frozenset())
        self._types: dict[Node, _TypeSet] = {}
        """Every node with a known type -> its types."""
        self._foreign: dict[Node, _TypeSet] = {}
        self._foreign_before: dict[Node, _TypeSet] = {}
        """Nodes with only foreign types so far, the latest ones and those before them: each
        stays for at least :data:`_FOREIGN_WINDOW` others, so the memory they take is bounded."""
        self._open_domains: dict[Node, list[str]] = {}
        """Subject -> the predicates on it whose domain check waits for its final types."""
        self._open_ranges: dict[Node, set[tuple[str, Node]]] = {}
        """Object -> the (predicate, subject) pairs whose range check waits for its final types."""
        self._rules: dict[str, _Rule | None] = {}
        self._seen_terms: set[str] = set()
        self._seen_classes: set[str] = set()
        """Every class seen as an rdf:type object, of any vocabulary: there are few, and the
        namespace test is then made once per class rather than once per type triple."""
        self._seen_datatypes: set[str] = set()
        """Likewise for the datatypes of literals."""
        self._reported: set[str] = set()
        self._found: list[Violation] = []

    # -- streaming pass ------------------------------------------------------------------------

    def add(self, subject: Node, predicate: str, obj: Object) -> None:
        """Take one triple (the graph does not matter: types hold across graphs).

        Terms must be in ``http://schema.org/``; the file readers rewrite ``https://schema.org/``.
        :meth:`add_many` takes many triples faster.
        """
        for _ in self._stream(((subject, predicate, obj),)):
            pass

    def add_many(self, triples: Iterable[Triple]) -> None:
        """Take triples, as :meth:`add` takes one."""
        deque(self._stream(triples), maxlen=0)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        deque(self._stream(quads), maxlen=0)

    def watch(self, quads: Iterable[Quad]) -> Iterator[Quad]:
        """Yield the quads unchanged while checking them (for a pipeline that writes them)."""
        return self._stream(quads)

    def _stream(self, items: Iterable[_Item]) -> Iterator[_Item]:
        # One loop, with what it uses in local variables, because it runs once per triple of a
        # build: no method call on the common paths, only on the rare ones (a vocabulary term
        # first seen, a check left open, a violation).
        types = self._types
        rules = self._rules
        open_domains = self._open_domains
        open_ranges = self._open_ranges
        seen_terms = self._seen_terms
        seen_classes = self._seen_classes
        seen_datatypes = self._seen_datatypes
        see_term = self._see_term
        lexical = _LEXICAL
        foreign = self._foreign
        foreign_before = self._foreign_before
        member_types = self.vocab.member_types
        untyped = self._untyped
        # Triples come in runs on one subject (three in four in a build), so the subject's
        # entry in ``types`` is looked up once per run. Should another stream on this checker
        # add types meanwhile, the entry held here is only smaller, which can leave a domain
        # check open but never pass it wrongly; an rdf:type triple reads the entry afresh.
        last: Node | None = None
        kept: _TypeSet | None = None
        count = 0
        try:
            for item in items:
                count += 1
                subject = item[0]
                predicate = item[1]
                obj = item[2]
                if subject is not last:
                    last = subject
                    kept = types.get(subject)
                    if subject.startswith(_CHECKED) and subject not in seen_terms:
                        see_term(subject, subject, None)
                if predicate == _RDF_TYPE:
                    if isinstance(obj, str):
                        kept = types.get(subject)
                        if obj not in seen_classes:
                            seen_classes.add(obj)
                            if obj.startswith(_CHECKED):
                                see_term(subject, obj, "class")
                        before = kept or foreign.get(subject) or foreign_before.get(subject)
                        if before is None:
                            members = member_types.get(subject)
                            before = untyped if members is None else self._typeset(members)
                        after = before.wider.get(obj) or self._widen(before, obj)
                        if after is not before:
                            if kept is not None or after.known:
                                types[subject] = kept = after
                                if subject in open_domains or subject in open_ranges:
                                    self._retry(subject, after)
                            else:
                                if len(foreign) >= _FOREIGN_WINDOW:
                                    self._age_foreign()
                                foreign[subject] = after
                    yield item
                    continue
                rule = rules.get(predicate, _UNSEEN)
                if rule is _UNSEEN:
                    rule = self._rule(subject, predicate)
                if rule is not None and rule.domain is not None:
                    typeset = kept or self._initial(subject)
                    ok = typeset.domain_ok.get(predicate)
                    if not (typeset.passes_domain(rule) if ok is None else ok):
                        self._keep_domain(subject, predicate)
                if isinstance(obj, str):
                    if obj.startswith(_CHECKED) and obj not in seen_terms:
                        see_term(subject, obj, None)
                    if rule is not None and rule.nodes_need_types:
                        typeset = types.get(obj) or self._initial(obj)
                        ok = typeset.range_ok.get(predicate)
                        if not (typeset.passes_range(rule) if ok is None else ok):
                            self._keep_range(subject, predicate, obj)
                else:
                    datatype = obj.datatype or (_LANG_STRING if obj.language else _XSD_STRING)
                    if datatype not in seen_datatypes:
                        seen_datatypes.add(datatype)
                        if datatype.startswith(_CHECKED) and datatype not in seen_terms:
                            see_term(subject, datatype, None)
                    pattern = lexical.get(datatype)
                    if pattern is not None and not pattern.fullmatch(obj.value):
                        self._ill_typed(subject, predicate, obj, datatype)
                    if rule is not None and rule.range:
                        ok = rule.literal_ok.get(datatype)
                        if ok is None:
                            ok = rule.literal_ok[datatype] = datatype in rule.datatypes
                        if not ok:
                            self._literal_out_of_range(subject, predicate, obj, datatype, rule)
                yield item
        finally:
            self.triples += count

    def _typeset(self, types: frozenset[str]) -> _TypeSet:
        typeset = self._typesets.get(types)
        if typeset is None:
            typeset = self._typesets[types] = _TypeSet(types, self.vocab)
        return typeset

    def _widen(self, typeset: _TypeSet, cls: str) -> _TypeSet:
        wider = typeset.wider[cls] = self._typeset(typeset.types | {cls})
        return wider

    def _initial(self, node: Node) -> _TypeSet:
        """The types of a node not in ``_types``, as far as verdicts go: an enumeration member's, or none."""
        members = self.vocab.member_types.get(node)
        return self._untyped if members is None else self._typeset(members)

    def _age_foreign(self) -> None:
        # Copied, not swapped, so that the names the loop holds for the two stay right.
        self._foreign_before.clear()
        self._foreign_before.update(self._foreign)
        self._foreign.clear()

    def _keep_domain(self, subject: Node, predicate: str) -> None:
        predicates = self._open_domains.get(subject)
        if predicates is None:
            self._open_domains[subject] = [predicate]
        elif predicate not in predicates:
            predicates.append(predicate)

    def _keep_range(self, subject: Node, predicate: str, obj: Node) -> None:
        uses = self._open_ranges.get(obj)
        if uses is None:
            self._open_ranges[obj] = {(predicate, subject)}
        else:
            uses.add((predicate, subject))

    def _retry(self, node: Node, typeset: _TypeSet) -> None:
        """Close the open checks on ``node`` that its new types pass (a failure waits for the end)."""
        predicates = self._open_domains.get(node)
        if predicates is not None:
            left = [p for p in predicates if not typeset.passes_domain(self._checked_rule(p))]
            if left:
                self._open_domains[node] = left
            else:
                del self._open_domains[node]
        uses = self._open_ranges.get(node)
        if uses is not None:
            uses = {use for use in uses if not typeset.passes_range(self._checked_rule(use[0]))}
            if uses:
                self._open_ranges[node] = uses
            else:
                del self._open_ranges[node]

    def _checked_rule(self, predicate: str) -> _Rule:
        rule = self._rules[predicate]
        assert rule is not None  # only checked predicates leave checks open
        return rule

    def _rule(self, subject: Node, predicate: str) -> _Rule | None:
        rule: _Rule | None = None
        if predicate.startswith(_CHECKED):
            kind = self.vocab.kinds.get(predicate)
            self._see_term(subject, predicate, "property")
            if kind == "property":
                rule = self._make_rule(predicate)
        self._rules[predicate] = rule
        return rule

    def _make_rule(self, predicate: str) -> _Rule:
        prop = self.vocab.properties[predicate]
        domain = None if not prop.domain or _THING in prop.domain else prop.domain
        datatypes: set[str] = set()
        classes = False
        for cls in prop.range:
            if self.vocab.kinds.get(cls) == "datatype":
                datatypes |= self.vocab.literal_datatypes(cls)
            else:
                classes = True
        any_node = not prop.range or _THING in prop.range or _URL in prop.range
        return _Rule(predicate, domain, prop.range, frozenset(datatypes), not any_node, classes)

    def _see_term(self, subject: Node, term: str, position: str | None) -> None:
        """Check a vocabulary term the first time it appears (``position``: what it must be there).

        Existence and supersession are reported once per term, the kind once per term and position.
        """
        if position == "class":
            self._seen_classes.add(term)
        elif position is None:
            self._seen_terms.add(term)
        kind = self.vocab.kinds.get(term)
        first = term not in self._reported
        self._reported.add(term)
        if kind is None:
            if first:
                self._found.append(Violation(subject, term, UNKNOWN, self._unknown_message(term)))
            return
        if position == "property" and kind != "property":
            self._found.append(
                Violation(subject, term, KIND, f"{_compact(term)} is {_kind_name(kind)}, not a property")
            )
        elif position == "class" and kind not in ("class", "datatype"):
            self._found.append(
                Violation(subject, term, KIND, f"{_compact(term)} is {_kind_name(kind)}, not a class")
            )
        replacements = self.vocab.superseded_by.get(term)
        if replacements and first:
            self._found.append(
                Violation(
                    subject,
                    term,
                    SUPERSEDED,
                    f"schema.org supersedes {_compact(term)} by {_names(replacements)}",
                )
            )

    def _unknown_message(self, term: str) -> str:
        if term.startswith(_SCHEMA):
            name = term[len(_SCHEMA) :]
            close = difflib.get_close_matches(name, self.vocab.schema_names, n=2, cutoff=0.8)
            hint = f" (did you mean {' or '.join('schema:' + c for c in close)}?)" if close else ""
            return f"schema.org has no term {name!r}{hint}"
        return f"the exilekg vocabulary (vocab/exilekg.ttl) has no term {term[len(_EXILEKG) :]!r}"

    def _ill_typed(self, subject: Node, predicate: str, obj: Literal, datatype: str) -> None:
        self._found.append(
            Violation(subject, predicate, LEXICAL, f"{_short(obj.value)} is not a valid {_compact(datatype)}")
        )

    def _literal_out_of_range(
        self, subject: Node, predicate: str, obj: Literal, datatype: str, rule: _Rule
    ) -> None:
        self._found.append(
            Violation(
                subject,
                predicate,
                RANGE,
                f"the value is a literal {_short(obj.value)} of type {_compact(datatype)}, "
                f"but the range is {_names(rule.range)}",
            )
        )

    # -- once the input has ended --------------------------------------------------------------

    def violations(self) -> list[Violation]:
        """Every violation, sorted; the domain and range checks left open are judged here."""
        found = list(self._found)
        for subject, predicates in self._open_domains.items():
            typeset = self._types.get(subject) or self._initial(subject)
            if not typeset.known or typeset.role:
                continue
            for predicate in predicates:
                rule = self._checked_rule(predicate)
                assert rule.domain is not None  # only domain-checked predicates are kept
                if typeset.ancestors.isdisjoint(rule.domain):
                    types, domain = _names(typeset.types), _names(rule.domain)
                    found.append(
                        Violation(
                            subject,
                            predicate,
                            DOMAIN,
                            f"the subject is a {types}, but the domain is {domain}",
                        )
                    )
        for obj, uses in self._open_ranges.items():
            typeset = self._types.get(obj) or self._initial(obj)
            target = obj if obj.startswith("_:") else f"<{obj}>"
            for predicate, subject in uses:
                rule = self._checked_rule(predicate)
                if typeset.known:
                    if typeset.passes_range(rule):
                        continue
                    what = f"a {_names(typeset.types)}"
                elif rule.takes_untyped_nodes:
                    continue
                else:
                    what = "a node (an IRI or blank node)"
                found.append(
                    Violation(
                        subject,
                        predicate,
                        RANGE,
                        f"the value {target} is {what}, but the range is {_names(rule.range)}",
                    )
                )
        return sorted(set(found))


def _kind_name(kind: str) -> str:
    return {
        "class": "a class",
        "datatype": "a datatype",
        "property": "a property",
        "member": "an enumeration member",
    }.get(kind, "neither a class nor a property")


def _short(value: str, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- entry points ------------------------------------------------------------------------------------


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


def _iri(value: str) -> str:
    """An IRI, with ``https://schema.org/`` read as schema.org's canonical ``http://schema.org/``."""
    return _SCHEMA + value[len(_SCHEMA_HTTPS) :] if value.startswith(_SCHEMA_HTTPS) else value


def _rdflib_object(term: rdflib.term.Node) -> Object:
    if isinstance(term, rdflib.Literal):
        return Literal(
            str(term),
            IRI(_iri(term.datatype)) if term.datatype else None,
            term.language if term.language else None,
        )
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return _iri(str(term))


def check_graph(graph: rdflib.Graph, vocabulary: Vocabulary | None = None) -> list[Violation]:
    """The violations of an rdflib Graph, or of all graphs of a Dataset together."""
    checker = Checker(vocabulary)
    checker.add_many(_graph_triples(graph))
    return checker.violations()


def _graph_triples(graph: rdflib.Graph) -> Iterator[Triple]:
    source: Iterable[tuple[Any, Any, Any]]
    if isinstance(graph, rdflib.Dataset):
        source = ((s, p, o) for s, p, o, _ in graph.quads((None, None, None, None)))
    else:
        source = graph
    for s, p, o in source:
        subject = _rdflib_object(s)
        if isinstance(subject, Literal):
            continue  # generalized RDF; no vocabulary rule applies to a literal subject
        yield subject, _iri(str(p)), _rdflib_object(o)


# -- reading files ----------------------------------------------------------------------------------

_POSITION = re.compile(r"line (\d+)(?: between columns (\d+))?")


def _pyoxigraph() -> Any:
    try:
        import pyoxigraph
    except ImportError:
        return None
    return pyoxigraph


def _parse_error(path: Path, exc: BaseException) -> CheckError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    match = _POSITION.search(message)
    line = int(match.group(1)) if match else None
    column = int(match.group(2)) if match and match.group(2) else None
    return CheckError(
        f"cannot parse the file: {message}",
        path=path,
        line=line,
        column=column,
        hint="check that the file is complete and that its extension names its format",
    )


def _ox_triples(items: Iterable[Any]) -> Iterator[Triple]:
    for quad in items:
        s, p, o = quad.subject, quad.predicate, quad.object
        # Type names rather than isinstance: pyoxigraph is optional, so its classes cannot be imported here.
        subject = _iri(s.value) if type(s).__name__ == "NamedNode" else f"_:{getattr(s, 'value', s)}"
        obj: Object
        kind = type(o).__name__
        if kind == "NamedNode":
            obj = _iri(o.value)
        elif kind == "Literal":
            obj = Literal(o.value, IRI(_iri(o.datatype.value)), o.language)
        else:
            obj = f"_:{getattr(o, 'value', o)}"
        yield subject, _iri(p.value), obj


def _jsonld_document(path: Path) -> Any:
    from exilekg.jsonld import inline_context

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CheckError(f"malformed JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError as exc:
        raise CheckError(f"the file is not valid UTF-8 (byte {exc.start})", path=path) from None
    return inline_context(document) if isinstance(document, dict) else document


def read_triples(path: Path | str) -> Iterator[Triple]:
    """The triples of an RDF file (named graphs merged), in the format its extension names.

    Parsed with pyoxigraph when it is installed, else with rdflib; JSON-LD contexts
    are never fetched (exilekg's own is served from the installed file). Raises
    :class:`CheckError` for a missing, unreadable or unparsable file and
    :class:`~exilekg.errors.FormatError` for an unknown extension.
    """
    path = Path(path)
    fmt = RdfFormat.from_path(path)
    if not path.is_file():
        raise CheckError("no such file", path=path)
    ox = _pyoxigraph()
    try:
        if fmt is RdfFormat.JSONLD:
            document = _jsonld_document(path)
            if ox is not None:
                yield from _ox_triples(ox.parse(json.dumps(document), format=ox.RdfFormat.JSON_LD))
            else:
                yield from _rdflib_jsonld(document)
        elif ox is not None:
            ox_format = {
                RdfFormat.TURTLE: ox.RdfFormat.TURTLE,
                RdfFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
                RdfFormat.NQUADS: ox.RdfFormat.N_QUADS,
                RdfFormat.TRIG: ox.RdfFormat.TRIG,
            }[fmt]
            yield from _ox_triples(
                ox.parse(path=str(path), format=ox_format, base_iri=path.resolve().as_uri())
            )
        else:
            dataset = rdflib.Dataset()
            dataset.parse(path, format=fmt.rdflib_name)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                subject = _rdflib_object(s)
                if not isinstance(subject, Literal):
                    yield subject, _iri(str(p)), _rdflib_object(o)
    except ExilekgError:
        raise
    except OSError as exc:
        raise CheckError(f"cannot read the file: {exc.strerror or exc}", path=path) from None
    except Exception as exc:  # parsers raise many exception types for bad input; all mean "unparsable"
        raise _parse_error(path, exc) from None


def _rdflib_jsonld(document: Any) -> Iterator[Triple]:
    from pyld import jsonld

    from exilekg.jsonld import document_loader

    try:
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": document_loader})
    except ExilekgError:
        raise
    except Exception as exc:  # pyld wraps a refused context load in its own error type
        raise CheckError(f"cannot read the JSON-LD: {exc}") from None
    dataset = rdflib.Dataset()
    dataset.parse(data=nquads, format="nquads")
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        subject = _rdflib_object(s)
        if not isinstance(subject, Literal):
            yield subject, _iri(str(p)), _rdflib_object(o)


@dataclass
class CheckResult:
    """The outcome of checking one file."""

    path: Path
    triples: int
    violations: list[Violation]


def check_file(
    path: Path | str,
    vocabulary: Vocabulary | None = None,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check one RDF file against the vocabularies it uses (see the module's rules)."""
    path = Path(path)
    checker = Checker(vocabulary)
    triples = read_triples(path)
    checker.add_many(triples if progress is None else _reporting(triples, progress))
    return CheckResult(path, checker.triples, checker.violations())


def _reporting(triples: Iterable[Triple], progress: Callable[[int], None]) -> Iterator[Triple]:
    """``triples``, calling ``progress`` with the count every million (once the checker took them)."""
    for count, triple in enumerate(triples, 1):
        yield triple
        if count % 1_000_000 == 0:
            progress(count)


# -- SHACL -------------------------------------------------------------------------------------------


def shapes_path() -> Path:
    """The shipped SHACL shapes of the exilekg graph (``vocab/shapes.ttl``)."""
    return vocab_dir() / "shapes.ttl"


_SH = "http://www.w3.org/ns/shacl#"


def check_shacl(path: Path | str, shapes: Path | str | None = None) -> CheckResult:
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
    path = Path(path)
    data = rdflib.Graph()
    for s, p, o in read_triples(path):
        data.add((_rdflib_node(s), rdflib.URIRef(p), _rdflib_node(o)))
    shapes_file = Path(shapes) if shapes is not None else shapes_path()
    shape_graph = rdflib.Graph()
    try:
        shape_graph.parse(shapes_file, format="turtle")
    except Exception as exc:  # rdflib raises many types for a bad shapes file
        raise _parse_error(shapes_file, exc) from None
    try:
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=shape_graph, inference="none", advanced=False, allow_warnings=False
        )
    except Exception as exc:  # pySHACL reports broken shapes with its own exception types
        raise CheckError(f"pySHACL could not run the shapes: {exc}", path=shapes_file) from None
    return CheckResult(path, len(data), _shacl_violations(report))


def _rdflib_node(term: Object) -> rdflib.term.Identifier:
    if isinstance(term, Literal):
        datatype = rdflib.URIRef(term.datatype) if term.datatype and not term.language else None
        return rdflib.Literal(term.value, lang=term.language, datatype=datatype, normalize=False)
    if term.startswith("_:"):
        return rdflib.BNode(term[2:])
    return rdflib.URIRef(term)


def _shacl_violations(report: rdflib.Graph) -> list[Violation]:
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
