"""The Reconciliation Service API v0.2, as far as exilekg speaks it: manifests, queries, results.

The W3C Entity Reconciliation Community Group's specification (final report of
2023-04-10) defines a *manifest* that a service returns on a GET of its endpoint,
*query batches* (``{"q0": {"query": ..., "type": ..., "properties": [...]}}``) sent as
the form field ``queries``, and *result batches* (``{"q0": {"result": [candidate, ...]}}``)
whose candidates carry ``id``, ``name``, ``score`` and optionally ``description``,
``type``, ``match`` and ``features``. The checks here are what a client needs to trust
an answer (the official JSON Schemas are used in the tests); every failure says which
part of the answer is wrong.

How a record is asked for depends on the service: its types and properties live in its
*schema space*. Two are known here: Wikidata's (``http://www.wikidata.org/prop/direct/``)
and schema.org's, which exilekg's own server speaks; for any other service the kinds are
matched by name against the manifest's default types, and properties are sent only when
given by the user.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from exilekg.errors import ReconcileError

__all__ = [
    "SCHEMA_ORG_SPACE",
    "WIKIDATA_ENDPOINT",
    "WIKIDATA_IDENTIFIER_SPACE",
    "WIKIDATA_SCHEMA_SPACE",
    "Candidate",
    "Manifest",
    "ServiceVocabulary",
    "check_result_batch",
    "in_identifier_space",
    "same_as_label",
    "vocabulary_for",
]

WIKIDATA_ENDPOINT = "https://wikidata.reconci.link/en/api"
"""Wikidata's public reconciliation service (the one OpenRefine offers), English labels."""

WIKIDATA_IDENTIFIER_SPACE = "http://www.wikidata.org/entity/"
WIKIDATA_SCHEMA_SPACE = "http://www.wikidata.org/prop/direct/"
SCHEMA_ORG_SPACE = "http://schema.org/Thing"
"""The schema space of exilekg's own service: its types and properties are schema.org's."""


@dataclass(frozen=True)
class Manifest:
    """What a service says about itself (the fields a client uses; ``raw`` holds all of it)."""

    url: str
    name: str
    identifier_space: str
    schema_space: str
    versions: tuple[str, ...]
    default_types: tuple[tuple[str, str], ...]
    """(id, name) of each default type."""
    view: str | None
    batch_size: int | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def parse(cls, url: str, data: Any) -> Manifest:
        """Check a manifest as v0.2 defines it (``versions``, ``name``, ``identifierSpace`` and
        ``schemaSpace`` are required); raises :class:`ReconcileError` naming what is wrong."""
        if not isinstance(data, dict):
            raise _bad(url, "the manifest is not a JSON object", "/")
        for key in ("name", "identifierSpace", "schemaSpace"):
            if not isinstance(data.get(key), str) or not data[key]:
                raise _bad(url, f"the manifest has no {key} (a non-empty string)", f"/{key}")
        versions = data.get("versions", ["0.1"])
        if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
            raise _bad(url, "the manifest's versions is not a list of strings", "/versions")
        view = data.get("view")
        view_url = view.get("url") if isinstance(view, dict) else None
        batch = data.get("batchSize")
        return cls(
            url=url,
            name=data["name"],
            identifier_space=data["identifierSpace"],
            schema_space=data["schemaSpace"],
            versions=tuple(versions),
            default_types=_default_types(url, data.get("defaultTypes") or []),
            view=view_url if isinstance(view_url, str) and "{{id}}" in view_url else None,
            batch_size=batch
            if isinstance(batch, int) and not isinstance(batch, bool) and batch > 0
            else None,
            raw=data,
        )

    def iri(self, candidate_id: str) -> str:
        """The IRI of a candidate: the identifier space followed by its id (an IRI id is kept)."""
        if candidate_id.startswith(("http://", "https://")):
            return candidate_id
        return self.identifier_space + candidate_id

    def local_id(self, iri: str) -> str:
        """The service's id of an entity IRI of its space (the inverse of :meth:`iri`)."""
        if iri.startswith(self.identifier_space):
            return iri[len(self.identifier_space) :]
        return iri.rstrip("/").rsplit("/", 1)[-1]  # Wikidata's other spellings end in the item's id

    def owns(self, iri: str) -> bool:
        """Whether ``iri`` lies in this service's identifier space."""
        return in_identifier_space(iri, self.identifier_space)


def same_as_label(iri: str) -> tuple[str, str]:
    """How a page shows a ``sameAs`` link: (text, address to open), e.g. ("Wikidata Q7747", its page)."""
    if in_identifier_space(iri, WIKIDATA_IDENTIFIER_SPACE):
        item = iri.rstrip("/").rsplit("/", 1)[-1]
        return f"Wikidata {item}", f"https://www.wikidata.org/wiki/{item}"
    return iri, iri


def in_identifier_space(iri: str, space: str) -> bool:
    """Whether ``iri`` names an entity of the identifier space ``space``."""
    if iri.startswith(space):
        return True
    # Wikidata IRIs are often written with https or as the /wiki/ page; they name the same item.
    if space == WIKIDATA_IDENTIFIER_SPACE:
        return iri.startswith(("https://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/Q"))
    return False


@dataclass(frozen=True)
class Candidate:
    """One candidate of a reconciliation result."""

    id: str
    name: str
    score: float
    match: bool
    description: str | None
    types: tuple[tuple[str, str], ...]
    """(id, name) of each type; the name is the id when the service gave only an id."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "score": self.score, "match": self.match}
        if self.description is not None:
            out["description"] = self.description
        if self.types:
            out["type"] = [{"id": i, "name": n} for i, n in self.types]
        return out


def _bad(url: str, message: str, pointer: str) -> ReconcileError:
    return ReconcileError(
        f"the reconciliation service at {url} answered wrongly: {message}",
        pointer=pointer,
        hint="check that the URL is a Reconciliation Service API endpoint (v0.2); nothing was written",
    )


def _default_types(url: str, items: Any) -> tuple[tuple[str, str], ...]:
    """A manifest's default types as (id, name) pairs."""
    types: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise _bad(url, "a default type has no id", f"/defaultTypes/{index}")
        types.append((item["id"], str(item.get("name") or item["id"])))
    return tuple(types)


def _candidate(url: str, item: Any, pointer: str) -> Candidate:
    if not isinstance(item, dict):
        raise _bad(url, "a candidate is not a JSON object", pointer)
    for key in ("id", "name"):
        if not isinstance(item.get(key), str):
            raise _bad(url, f"a candidate has no {key} (a string)", f"{pointer}/{key}")
    score = item.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        raise _bad(url, "a candidate has no score (a number)", f"{pointer}/score")
    match = item.get("match", False)
    if not isinstance(match, bool):
        raise _bad(url, "a candidate's match is not true or false", f"{pointer}/match")
    description = item.get("description")
    if description is not None and not isinstance(description, str):
        raise _bad(url, "a candidate's description is not a string", f"{pointer}/description")
    types = _candidate_types(url, item.get("type", []), pointer)
    return Candidate(item["id"], item["name"], float(score), match, description or None, types)


def _candidate_types(url: str, raw_types: Any, pointer: str) -> tuple[tuple[str, str], ...]:
    """A candidate's types, each written as an id or as {id, name}, as (id, name) pairs."""
    if not isinstance(raw_types, list):
        raise _bad(url, "a candidate's type is not a list", f"{pointer}/type")
    types: list[tuple[str, str]] = []
    for index, typ in enumerate(raw_types):
        if isinstance(typ, str):
            types.append((typ, typ))
        elif isinstance(typ, dict) and isinstance(typ.get("id"), str):
            name = typ.get("name")
            types.append((typ["id"], name if isinstance(name, str) and name else typ["id"]))
        else:
            raise _bad(url, "a candidate's type is neither an id nor {id, name}", f"{pointer}/type/{index}")
    return tuple(types)


def check_result_batch(url: str, sent: Mapping[str, Any], data: Any) -> dict[str, list[Candidate]]:
    """The candidates of each query of ``sent`` in a result batch, checked.

    Raises :class:`ReconcileError` for anything v0.2 does not allow, and for an answer that
    leaves out a query that was sent.
    """
    if not isinstance(data, dict):
        raise _bad(url, "the result batch is not a JSON object", "/")
    out: dict[str, list[Candidate]] = {}
    for key in sent:
        if key not in data:
            raise _bad(url, f"the result batch has no answer for query {key!r}", "/")
        entry = data[key]
        pointer = f"/{key}"
        if not isinstance(entry, dict) or not isinstance(entry.get("result"), list):
            raise _bad(url, "an answer has no result list", pointer)
        out[key] = [
            _candidate(url, item, f"{pointer}/result/{index}") for index, item in enumerate(entry["result"])
        ]
    return out


# -- how a record is asked for, per schema space ------------------------------------------------


@dataclass(frozen=True)
class ServiceVocabulary:
    """How the kinds and the relations of a corpus are said to one service."""

    types: dict[str, str]
    """Record kind (or ``Kind/type``, e.g. ``Place/country``) to the service's type id."""
    properties: dict[tuple[str, str], str]
    """(record kind, relation name) to the service's property id; ``containedIn`` is a Place's field."""
    entity_values: bool = True
    """Whether a property value may be sent as an entity ``{"id": ...}`` when the object is linked."""
    linked_values_only: bool = False
    """Send a property value only when the object is linked to the service (as an entity)."""

    def type_for(self, kind: str, subtype: str | None) -> str | None:
        if subtype is not None and f"{kind}/{subtype}" in self.types:
            return self.types[f"{kind}/{subtype}"]
        return self.types.get(kind)


# Wikidata's items and properties, each as its own item or property page names it: the
# classes human (Q5), organization (Q43229), geographic location (Q2221906), event (Q1656682)
# and creative work (Q17537576); the properties country of citizenship (P27), place of birth
# (P19), headquarters location (P159), located in the administrative territorial entity (P131)
# and location (P276). The service matches a type with its subclasses, so broad classes lose
# no candidate. Its score averages the name's with each property's, a property the item lacks
# counting 0, so only statements Wikidata usually holds are sent, and only as items the corpus
# already links (a name alone would be matched against every item's label); residence (P551),
# employer (P108) and member of (P463) are sparse there and can be asked for with --property.
_WIKIDATA = ServiceVocabulary(
    types={
        "Person": "Q5",
        "Organization": "Q43229",
        "Place": "Q2221906",
        "Event": "Q1656682",
        "CreativeWork": "Q17537576",
    },
    properties={
        ("Person", "nationality"): "P27",
        ("Person", "birthPlace"): "P19",
        ("Organization", "location"): "P159",
        ("Place", "containedIn"): "P131",
        ("Event", "location"): "P276",
    },
    linked_values_only=True,
)

# exilekg's own service (see exilekg.reconcile.server): schema.org classes and properties.
_SCHEMA_ORG = ServiceVocabulary(
    types={
        "Person": "http://schema.org/Person",
        "Organization": "http://schema.org/Organization",
        "Place": "http://schema.org/Place",
        "Event": "http://schema.org/Event",
        "CreativeWork": "http://schema.org/CreativeWork",
    },
    properties={
        ("Person", "homeLocation"): "http://schema.org/homeLocation",
        ("Person", "exiledIn"): "http://schema.org/homeLocation",
        ("Person", "memberOf"): "http://schema.org/memberOf",
        ("Person", "worksFor"): "http://schema.org/memberOf",
        ("Person", "affiliation"): "http://schema.org/memberOf",
        ("Organization", "location"): "http://schema.org/location",
        ("Event", "location"): "http://schema.org/location",
        ("Place", "containedIn"): "http://schema.org/containedInPlace",
    },
)


def vocabulary_for(
    manifest: Manifest,
    *,
    types: Mapping[str, str] | None = None,
    properties: Mapping[tuple[str, str], str] | None = None,
) -> ServiceVocabulary:
    """How to ask ``manifest``'s service: a known schema space's tables, else the manifest's
    default types matched to the kinds by name; ``types`` and ``properties`` override."""
    if manifest.schema_space == WIKIDATA_SCHEMA_SPACE:
        base = _WIKIDATA
    elif manifest.schema_space.startswith(("http://schema.org/", "https://schema.org/")):
        base = _SCHEMA_ORG
    else:
        base = ServiceVocabulary({}, {}, entity_values=False)
    found = dict(base.types)
    by_name = {name.strip().lower(): type_id for type_id, name in manifest.default_types}
    by_id = {type_id for type_id, _ in manifest.default_types}
    for kind in ("Person", "Organization", "Place", "Event", "CreativeWork"):
        if kind in found:
            continue
        named = by_name.get(kind.lower()) or by_name.get({"CreativeWork": "creative work"}.get(kind, ""))
        if named is not None:
            found[kind] = named
        elif kind in by_id:
            found[kind] = kind
    found.update(types or {})
    props = dict(base.properties)
    props.update(properties or {})
    # A property the user names is sent by name too: they asked for it.
    linked_only = base.linked_values_only and not properties
    return ServiceVocabulary(found, props, base.entity_values, linked_only)
