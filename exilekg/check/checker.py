"""The streaming checker: triples in, violations out, in time linear in the input."""

from __future__ import annotations

import difflib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from exilekg.check.literals import _LEXICAL, _X, STRING_DATATYPES
from exilekg.check.violations import (
    _CHECKED,
    _EXILEKG,
    _RDF_TYPE,
    _ROLE,
    _SCHEMA,
    _THING,
    _URL,
    DOMAIN,
    KIND,
    LEXICAL,
    RANGE,
    SUPERSEDED,
    UNKNOWN,
    Node,
    Object,
    Triple,
    Violation,
    _compact,
    _kind_name,
    _names,
    _node_name,
    _node_text,
    _short,
)
from exilekg.check.vocabulary import Vocabulary, read_vocabulary
from exilekg.terms import RDF, Literal, Quad

__all__ = ["Checker", "OpenChecks"]

_TERM_NAME = re.compile(r"[A-Za-z0-9_]+")
"""A term's local name; an IRI of the namespaces with any other is not a term."""


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


@dataclass
class OpenChecks:
    """What a checker that saw one part of a stream leaves for the end: picklable, so that the
    parts of a stream can be checked in several processes and judged together
    (:meth:`Checker.open_checks`, :meth:`Checker.judge`)."""

    settled: bool
    """Whether the part broke the vocabularies already (an unknown term, an ill-typed literal...)."""
    domains: dict[Node, list[str]]
    ranges: dict[Node, set[tuple[str, Node]]]
    types: dict[Node, frozenset[str]]
    """Every node the part gave a known type, with its types."""


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

    def __init__(self, vocabulary: Vocabulary | None = None, *, lenient: bool = False) -> None:
        self.vocab = vocabulary or read_vocabulary()
        self.lenient = lenient
        """schema.org's data model rather than its ranges: text where an entity is expected is a
        warning (:meth:`warnings`), not a violation."""
        self._warned: list[Violation] = []
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
        # first seen, a check left open, a violation). Its cyclomatic complexity (45) is the price
        # of that: each branch is a kind of triple (rdf:type, node object, literal object) or a
        # first sighting, and a method per branch would cost a call per triple of every build.
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
        An IRI of the namespaces that cannot be a term's (the vocabulary's own IRI
        ``http://schema.org/``, a page such as ``https://schema.org/docs/faq.html``) is no term.
        """
        if position == "class":
            self._seen_classes.add(term)
        elif position is None:
            self._seen_terms.add(term)
        if _TERM_NAME.fullmatch(term, len(_SCHEMA) if term.startswith(_SCHEMA) else len(_EXILEKG)) is None:
            return
        kind = self.vocab.kinds.get(term)
        first = term not in self._reported
        self._reported.add(term)
        if kind is None:
            if first:
                self._found.append(Violation(_node_name(subject), term, UNKNOWN, self._unknown_message(term)))
            return
        if position == "property" and kind != "property":
            self._found.append(
                Violation(
                    _node_name(subject), term, KIND, f"{_compact(term)} is {_kind_name(kind)}, not a property"
                )
            )
        elif position == "class" and kind not in ("class", "datatype"):
            self._found.append(
                Violation(
                    _node_name(subject), term, KIND, f"{_compact(term)} is {_kind_name(kind)}, not a class"
                )
            )
        replacements = self.vocab.superseded_by.get(term)
        if replacements and first:
            self._found.append(
                Violation(
                    _node_name(subject),
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
            Violation(
                _node_name(subject),
                predicate,
                LEXICAL,
                f"{_short(obj.value)} is not a valid {_compact(datatype)}",
            )
        )

    def _literal_out_of_range(
        self, subject: Node, predicate: str, obj: Literal, datatype: str, rule: _Rule
    ) -> None:
        lenient = self.lenient and datatype in STRING_DATATYPES and self._text_may_stand(obj.value, rule)
        (self._warned if lenient else self._found).append(
            Violation(
                _node_name(subject),
                predicate,
                RANGE,
                f"the value is a literal {_short(obj.value)} of type {_compact(datatype)}, "
                f"but the range is {_names(rule.range)}",
            )
        )

    # -- once the input has ended --------------------------------------------------------------

    @staticmethod
    def _text_may_stand(text: str, rule: _Rule) -> bool:
        """Whether schema.org's data model lets text stand for a value of ``rule``'s range.

        It does where an entity is expected ("where we expect a property value of type Person,
        Place, Organization or some other subClassOf Thing, we will get a text string", and a
        string may name an enumeration member), and where the text spells a value of one of the
        range's datatypes (``"25"`` for a Number, ``"09:00:00"`` for a Time), as microdata and
        JSON-LD without a typed context always give them.
        """
        if rule.takes_untyped_nodes:
            return True
        return any(pattern.fullmatch(text) for t, pattern in _LEXICAL.items() if t in rule.datatypes)

    def warnings(self) -> list[Violation]:
        """What :attr:`lenient` let stand (text where an entity is expected), sorted."""
        return sorted(set(self._warned))

    def open_checks(self) -> OpenChecks:
        """What this checker leaves to judge once the other parts of the stream are seen."""
        return OpenChecks(
            bool(self._found),
            {s: list(p) for s, p in self._open_domains.items()},
            {o: set(uses) for o, uses in self._open_ranges.items()},
            {node: typeset.types for node, typeset in self._types.items()},
        )

    @classmethod
    def judge(cls, parts: Iterable[OpenChecks], vocabulary: Vocabulary | None = None) -> bool:
        """Whether the stream whose consecutive parts left ``parts`` breaks its vocabularies.

        The verdict is the one checker would reach on the whole stream: a check a part passed
        as it went stays passed (a part knows no more types than the whole stream by then, and
        types only grow), and every check a part left open is judged here with the types all
        the parts gave. Only the verdict: the messages name the first subject each part saw a
        term on, so a caller that must report the violations checks the whole stream again.
        """
        judge = cls(vocabulary)
        types: dict[Node, frozenset[str]] = {}
        for part in parts:
            if part.settled:
                return True
            for node, given in part.types.items():
                known = types.get(node)
                types[node] = given if known is None else known | given
            for subject, predicates in part.domains.items():
                for predicate in predicates:
                    judge._keep_domain(subject, predicate)
            for obj, uses in part.ranges.items():
                judge._open_ranges.setdefault(obj, set()).update(uses)
        open_predicates = {p for ps in judge._open_domains.values() for p in ps}
        open_predicates.update(p for uses in judge._open_ranges.values() for p, _ in uses)
        for predicate in open_predicates:
            judge._rules[predicate] = judge._make_rule(predicate)
        judge._types = {node: judge._typeset(given) for node, given in types.items()}
        return bool(judge.violations())

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
                            _node_name(subject),
                            predicate,
                            DOMAIN,
                            f"the subject is a {types}, but the domain is {domain}",
                        )
                    )
        for obj, uses in self._open_ranges.items():
            typeset = self._types.get(obj) or self._initial(obj)
            target = _node_text(obj)
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
                        _node_name(subject),
                        predicate,
                        RANGE,
                        f"the value {target} is {what}, but the range is {_names(rule.range)}",
                    )
                )
        return sorted(set(found))
