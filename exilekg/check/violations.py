"""What the checker reports: the rules, :class:`Violation`, and how terms are named in messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exilekg.terms import EXILEKG, RDF, SCHEMA, BlankNode, Literal, prefixed_name

__all__ = [
    "DOMAIN",
    "KIND",
    "LEXICAL",
    "RANGE",
    "RULES",
    "SUPERSEDED",
    "UNKNOWN",
    "Node",
    "Object",
    "Triple",
    "Violation",
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
"""A subject or object node: an IRI, a :class:`~exilekg.terms.BlankNode`, or (as a caller may
write one) ``_:label`` for a blank node; no absolute IRI starts so, and no label has a ``:``."""
Object = str | Literal
Triple = tuple[Node, str, Object]


@dataclass(frozen=True, order=True)
class Violation:
    """One breach of a vocabulary: on which subject, of which term, under which rule, and why.

    ``subject`` is an IRI, or ``_:label`` for a blank node.
    """

    subject: str
    term: str
    rule: str
    message: str

    def __str__(self) -> str:
        subject = self.subject if self.subject.startswith("_:") else f"<{self.subject}>"
        return f"{subject} {_compact(self.term)}: {self.rule}: {self.message}"


def _node_name(node: Node) -> str:
    """How a violation names a node: the IRI, or ``_:label``."""
    return f"_:{node}" if isinstance(node, BlankNode) else node


def _node_text(node: Node) -> str:
    """A node as a message shows it: ``<iri>`` or ``_:label``."""
    name = _node_name(node)
    return name if name.startswith("_:") else f"<{name}>"


def _compact(iri: str) -> str:
    name = prefixed_name(iri)
    return f"<{iri}>" if name == iri and ":" in iri else name


def _names(iris: Iterable[str]) -> str:
    return ", ".join(sorted(_compact(i) for i in iris)) or "nothing"


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
