"""The entities of a built graph, indexed for reconciliation queries and suggestions.

Names are compared folded (case, diacritics, punctuation and apostrophes dropped) and in
Latin transliteration: every name, and every query, is also read through ``anyascii``
(any script, letter by letter) and, when it is Cyrillic, through ``iuliia``'s Wikipedia
scheme (the spelling the English-language press mostly uses: Navalny, Khodorkovsky), so
``Алексей Навальный`` finds ``Alexei Navalny``. Scoring is rapidfuzz's token-sort ratio
(0 to 100), taking the best of every name against every reading of the query.

A query is not compared with every name: candidates come from an inverted index of name
tokens, where each token of the query is looked up exactly and, for typos and other
transliterations, among the tokens within rapidfuzz's ratio 75 of it; a token shared by
too many names (``russian``) only counts once the rarer ones have found their candidates.
Only those candidates are scored.

Types are the graph's classes (``broader`` gives their superclass); properties for
matching are where a person lives or is exiled (``homeLocation``), where an organisation
or event is (``location``), a place's containing place (``containedInPlace``, all the way
up) and the organisations a person belongs to or works for (``memberOf``). A property the
candidate has no value for is left out of its score rather than counted against it; one
whose values all differ lowers it. The score is the name's, averaged with each known
property's at weight 0.4 (the weighting Wikidata's reconciliation service uses), and a
candidate is flagged as a match when it scores at least 90 and 10 more than the next.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyascii
import iuliia
from rapidfuzz import fuzz, process

from exilekg.errors import ReconcileError
from exilekg.kinds import ENTITY_KINDS
from exilekg.terms import EXILEKG, IRI, RDF, SCHEMA, VOID, Literal

__all__ = ["MATCH_GAP", "MATCH_SCORE", "PROPERTIES", "Entity", "EntityIndex", "fold", "readings"]

MATCH_SCORE = 90.0
MATCH_GAP = 10.0
PROPERTY_WEIGHT = 0.4

PROPERTIES: dict[str, tuple[str, str]] = {
    str(SCHEMA.homeLocation): (
        "lives or is exiled in",
        "Where a person lives or lives in exile, or a place containing it",
    ),
    str(SCHEMA.location): ("located in", "Where an organisation or an event is, or a place containing it"),
    str(SCHEMA.containedInPlace): ("contained in", "A place that contains the place (a region, a country)"),
    str(SCHEMA.memberOf): (
        "member of",
        "An organisation the person belongs to, works for or is affiliated with",
    ),
}
"""The properties a query may give: id to (name, description)."""

_SOURCES: dict[str, str] = {
    str(SCHEMA.homeLocation): str(SCHEMA.homeLocation),
    str(EXILEKG.exiledIn): str(SCHEMA.homeLocation),
    str(SCHEMA.location): str(SCHEMA.location),
    str(SCHEMA.containedInPlace): str(SCHEMA.containedInPlace),
    str(SCHEMA.memberOf): str(SCHEMA.memberOf),
    str(SCHEMA.worksFor): str(SCHEMA.memberOf),
    str(SCHEMA.affiliation): str(SCHEMA.memberOf),
}
"""Graph predicates and the query property each feeds."""

_PLACE_PROPERTIES = {str(SCHEMA.homeLocation), str(SCHEMA.location), str(SCHEMA.containedInPlace)}

_PREDICATES = (
    RDF.type,
    SCHEMA.name,
    SCHEMA.alternateName,
    SCHEMA.description,
    SCHEMA.sameAs,
    *(IRI(p) for p in _SOURCES),
)


_TYPE_TOKEN = f"<{RDF.type}>".encode()
_ENTITY_SEGMENTS = {kind.segment.encode() for kind in ENTITY_KINDS.values()}


def _wanted(line: bytes, tokens: set[bytes]) -> bool:
    """Whether an N-Quads line states one of ``tokens`` (types only of entities and datasets)."""
    start = line.find(b" ") + 1
    if not start:
        return False
    predicate = line[start : line.find(b" ", start)]
    if predicate not in tokens:
        return False
    if predicate != _TYPE_TOKEN:
        return True
    subject = line[: start - 1]
    # <{base}{segment}/{id}>: relations, evidence and other nodes have types the index ignores.
    parts = subject.rsplit(b"/", 2)
    return len(parts) == 3 and (parts[1] in _ENTITY_SEGMENTS or parts[2] == b"dataset>")


def _statements(dump: Any) -> Iterator[Any]:
    """The statements of one dump whose predicate the index needs."""
    import pyoxigraph

    from exilekg.formats import RdfFormat
    from exilekg.rdf import oxigraph_statements, parse_error, read_statements

    wanted = {str(p) for p in _PREDICATES} | {str(VOID.uriSpace)}
    if dump.fmt in (RdfFormat.NQUADS, RdfFormat.NTRIPLES) and str(dump.path) != "-":
        tokens = {f"<{p}>".encode() for p in wanted}
        try:
            with dump.path.open("rb") as stream:
                kept = b"".join(line for line in stream if _wanted(line, tokens))
        except OSError as exc:
            raise ReconcileError(f"cannot read the file: {exc.strerror or exc}", path=dump.path) from None
        ox_format = (
            pyoxigraph.RdfFormat.N_QUADS if dump.fmt is RdfFormat.NQUADS else pyoxigraph.RdfFormat.N_TRIPLES
        )
        try:
            yield from oxigraph_statements(pyoxigraph.parse(kept, format=ox_format))
        except SyntaxError as exc:
            raise parse_error(ReconcileError, dump.path, exc) from None
        return
    for statement in read_statements(dump, error=ReconcileError):
        if statement[1] in wanted:
            yield statement


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


_APOSTROPHES = re.compile(r"['’ʼ`´ʹ]")
_NON_WORD = re.compile(r"[^\w]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def fold(text: str) -> str:
    """Lower case, no diacritics, no punctuation, apostrophes dropped, single spaces."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def readings(text: str) -> list[str]:
    """``text`` folded, and folded in each Latin transliteration that differs (anyascii; iuliia
    Wikipedia for Cyrillic)."""
    out = [fold(text)]
    for variant in _transliterations(text):
        folded = fold(variant)
        if folded and folded not in out:
            out.append(folded)
    return [r for r in out if r]


def _transliterations(text: str) -> Iterable[str]:
    if text.isascii():
        return
    if _CYRILLIC.search(text):
        yield iuliia.WIKIPEDIA.translate(text)
    yield anyascii.anyascii(text)


@dataclass
class Entity:
    """One entity of the graph, as the service shows it."""

    iri: str
    id: str
    name: str
    names: list[tuple[str, str | None]] = field(default_factory=list)
    """Every name (the name first), with its language tag when it has one."""
    types: list[str] = field(default_factory=list)
    description: str | None = None
    same_as: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)
    """Query property id to the IRIs of the entities it leads to."""


@dataclass(frozen=True)
class TypeInfo:
    id: str
    name: str
    broader: tuple[str, ...]


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


class EntityIndex:
    """Entities with their names, types and links, ready to answer queries fast."""

    def __init__(self, entities: Sequence[Entity], *, base: str, types: Mapping[str, TypeInfo]) -> None:
        self.base = base
        self.entities = list(entities)
        self.types = dict(types)
        self.by_id = {e.id: n for n, e in enumerate(self.entities)}
        self.by_iri = {e.iri: n for n, e in enumerate(self.entities)}
        self._record_ids: dict[str, int] = {}
        for n, e in enumerate(self.entities):
            self._record_ids.setdefault(e.id.rsplit("/", 1)[-1], n)
        self._subtypes = self._subtype_closure()
        # Every reading of every name is a key; keys are what queries are scored against.
        self.keys: list[str] = []
        self.key_entity: list[int] = []
        self.entity_keys: list[list[int]] = [[] for _ in self.entities]
        postings: dict[str, list[int]] = {}
        for n, entity in enumerate(self.entities):
            seen: set[str] = set()
            for name, _ in entity.names:
                for reading in readings(name):
                    if reading in seen:
                        continue
                    seen.add(reading)
                    key = len(self.keys)
                    self.keys.append(reading)
                    self.key_entity.append(n)
                    self.entity_keys[n].append(key)
                    for token in set(reading.split()):
                        postings.setdefault(token, []).append(key)
        self.vocabulary = sorted(postings)
        self.postings = [postings[t] for t in self.vocabulary]
        self._token_ids = {t: i for i, t in enumerate(self.vocabulary)}
        # Near spellings of a token are looked for among the tokens with the same first letter
        # (rapidfuzz's ratio), and, for a first letter mistyped, among those one deletion away.
        self._by_initial: dict[str, tuple[list[str], list[int]]] = {}
        self._deletions: dict[str, list[int]] = {}
        for i, token in enumerate(self.vocabulary):
            words, ids = self._by_initial.setdefault(token[0], ([], []))
            words.append(token)
            ids.append(i)
            if len(token) >= 4:
                self._deletions.setdefault(token[1:], []).append(i)
        self._common = max(200, len(self.keys) // 500)
        self._prefix_table: tuple[list[tuple[str, int]], list[str]] | None = None
        self._folded_names: dict[int, list[list[str]]] = {}

    def _prefixes(self) -> tuple[list[tuple[str, int]], list[str]]:
        """(a key or a token of it, entity) pairs, sorted, for suggestions; made on first use."""
        if self._prefix_table is None:
            pairs = {(key, self.key_entity[k]) for k, key in enumerate(self.keys)}
            pairs |= {(token, self.key_entity[k]) for k, key in enumerate(self.keys) for token in key.split()}
            ordered = sorted(pairs)
            self._prefix_table = (ordered, [p[0] for p in ordered])
        return self._prefix_table

    # -- construction from a build ---------------------------------------------------------------

    @classmethod
    def from_build(cls, source: Any) -> EntityIndex:
        """The entities of a build folder, dump files (any the project reads) or a SPARQL endpoint.

        Files are read through :mod:`exilekg.rdf`. Line-based dumps (N-Quads, N-Triples) are
        first cut down to the lines whose predicate the index needs: most of a build is facts,
        evidence and mentions, so 100,000 entities load in seconds rather than minutes.
        """
        if isinstance(source, str) and _is_url(source):
            return cls._from_endpoint(source)
        from exilekg.rdf import find_dumps

        paths = [Path(p) for p in (source if isinstance(source, list | tuple) else [source])]
        statements: list[Any] = []
        for dump in find_dumps(paths, error=ReconcileError):
            statements.extend(_statements(dump))
        spaces = [str(o.value) for _, p, o, _ in statements if p == VOID.uriSpace and isinstance(o, Literal)]
        for s, p, o, g in statements:
            if p == RDF.type and o == SCHEMA.Dataset and str(s).endswith("/dataset"):
                candidate = str(s)[: -len("dataset")]
                if g == f"{candidate}graph/corpus":
                    spaces.append(candidate)
        if not spaces:
            raise ReconcileError(
                "the graph says nothing of its URI space (no void:uriSpace and no {base}dataset)",
                path=paths[0] if len(paths) == 1 else None,
                hint="give the output folder of `exilekg build` (with its void.ttl)",
            )
        return cls.from_triples(((s, p, o) for s, p, o, _ in statements), base=spaces[0])

    @classmethod
    def _from_endpoint(cls, url: str) -> EntityIndex:
        from exilekg.sparql import open_source

        opened = open_source(url)
        base = opened.uri_space
        if not base:
            raise ReconcileError(
                f"the graph at {url} says nothing of its URI space (no void:uriSpace and no {{base}}dataset)",
                hint="load the build with its void.ttl (exilekg load)",
            )
        values = " ".join(f"<{p}>" for p in _PREDICATES)
        result = opened.run(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
        return cls.from_triples(((s, p, o) for s, p, o in result.terms), base=base)

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[Any, Any, Any]], *, base: str) -> EntityIndex:
        """The entities among ``triples`` (subjects in the entity segments of ``base``)."""
        prefixes = tuple(f"{base}{kind.segment}/" for kind in ENTITY_KINDS.values())
        found: dict[str, Entity] = {}
        alt: dict[str, list[tuple[str, str | None]]] = {}
        raw_links: dict[str, dict[str, list[str]]] = {}

        def entity(iri: str) -> Entity:
            known = found.get(iri)
            if known is None:
                known = found[iri] = Entity(iri, iri[len(base) :], "")
            return known

        for s, p, o in triples:
            if not isinstance(s, str) or not s.startswith(prefixes) or "/" in s[len(base) :].split("/", 1)[1]:
                continue
            e = entity(s)
            if p == RDF.type and isinstance(o, str):
                e.types.append(str(o))
            elif p == SCHEMA.name and isinstance(o, Literal):
                e.name = o.value
            elif p == SCHEMA.alternateName and isinstance(o, Literal):
                alt.setdefault(s, []).append((o.value, o.language))
            elif p == SCHEMA.description and isinstance(o, Literal):
                e.description = o.value
            elif p == SCHEMA.sameAs and isinstance(o, str) and not isinstance(o, Literal):
                e.same_as.append(str(o))
            elif str(p) in _SOURCES and isinstance(o, str) and not isinstance(o, Literal):
                raw_links.setdefault(s, {}).setdefault(_SOURCES[str(p)], []).append(str(o))
        entities = []
        for iri in sorted(found):
            e = found[iri]
            if not e.name:
                continue
            others = alt.get(iri)
            if others:
                e.names = [(e.name, None), *sorted(set(others), key=lambda n: (n[1] or "", n[0]))]
            else:
                e.names = [(e.name, None)]
            if len(e.types) > 1:
                e.types = sorted(set(e.types))
            if len(e.same_as) > 1:
                e.same_as = sorted(set(e.same_as))
            entities.append(e)
        # A place's containing places count too: someone in Kreuzberg lives in Berlin and in Germany.
        parents = {s: links.get(str(SCHEMA.containedInPlace), []) for s, links in raw_links.items()}
        for e in entities:
            for pid, targets in raw_links.get(e.iri, {}).items():
                closure = list(dict.fromkeys(sorted(targets))) if len(targets) > 1 else list(targets)
                if pid in _PLACE_PROPERTIES:
                    stack = list(closure)
                    while stack:
                        for up in parents.get(stack.pop(), []):
                            if up not in closure:
                                closure.append(up)
                                stack.append(up)
                e.links[pid] = closure
        return cls(entities, base=base, types=_types_of(entities))

    def _subtype_closure(self) -> dict[str, set[str]]:
        """Each type id to itself and every type below it."""
        below: dict[str, set[str]] = {t: {t} for t in self.types}
        for type_id, info in self.types.items():
            stack = list(info.broader)
            while stack:
                up = stack.pop()
                if type_id not in below.setdefault(up, {up}):
                    below[up].add(type_id)
                    stack.extend(self.types[up].broader if up in self.types else ())
        return below

    # -- answering --------------------------------------------------------------------------------

    def lookup(self, identifier: str) -> Entity | None:
        """The entity with this service id, IRI or record id."""
        for table, key in (
            (self.by_id, identifier),
            (self.by_iri, identifier),
            (self._record_ids, identifier),
        ):
            if key in table:
                return self.entities[table[key]]
        if identifier.startswith(self.base) and identifier[len(self.base) :] in self.by_id:
            return self.entities[self.by_id[identifier[len(self.base) :]]]
        return None

    def _candidate_keys(self, query_readings: list[str], limit: int = 300) -> list[int]:
        """Keys sharing a token (or a token within ratio 75 of one) with the query, best first.

        Tokens are taken rarest first, each weighted by its inverse document frequency; a
        common token is looked up exactly only (its near spellings would bring thousands of
        names), and none is looked up at all once rarer tokens have found enough candidates.
        """
        weights: dict[int, float] = {}
        tokens = {t for r in query_readings for t in r.split()}
        total = len(self.keys) or 1
        ranked: list[tuple[int, str, list[tuple[int, float]]]] = []
        for token in tokens:
            matches: list[tuple[int, float]] = []
            exact = self._token_ids.get(token)
            if exact is not None:
                matches.append((exact, 100.0))
            # A token the names hold is taken as written; near spellings are looked for only for
            # one they do not (a typo, another transliteration).
            if len(token) >= 3 and exact is None:
                for index, score in self._near(token):
                    if index != exact and len(self.postings[index]) <= self._common:
                        matches.append((index, score))
            size = sum(len(self.postings[i]) for i, _ in matches)
            ranked.append((size, token, matches))
        ranked.sort()
        for number, (size, _, matches) in enumerate(ranked):
            if number > 0 and size > self._common and len(weights) >= 20:
                break  # a common token adds nothing once rarer ones have found candidates
            for index, similarity in matches:
                postings = self.postings[index]
                weight = math.log(1 + total / len(postings)) * similarity / 100.0
                get = weights.get
                for key in postings:
                    weights[key] = get(key, 0.0) + weight
        if len(weights) <= limit:
            return list(weights)
        return sorted(weights, key=weights.__getitem__, reverse=True)[:limit]

    def _near(self, token: str) -> list[tuple[int, float]]:
        """Tokens of the vocabulary within rapidfuzz's ratio 75 of ``token`` (85 for short ones)."""
        cutoff = 75.0 if len(token) >= 5 else 85.0
        found: dict[int, float] = {}
        words, ids = self._by_initial.get(token[0], ([], []))
        for _, score, position in process.extract(
            token, words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=10
        ):
            found[ids[position]] = float(score)
        for index in self._deletions.get(token[1:], []) + self._deletions.get(token, []):
            found.setdefault(index, float(fuzz.ratio(token, self.vocabulary[index])))
        if len(token) >= 4 and token[1:] in self._token_ids:  # a letter too many at the start
            index = self._token_ids[token[1:]]
            found.setdefault(index, float(fuzz.ratio(token, token[1:])))
        return sorted(found.items(), key=lambda item: -item[1])[:12]

    def _name_scores(self, query_readings: list[str], keys: list[int]) -> dict[int, float]:
        """The best token-sort ratio of each candidate entity's names against the query."""
        entities = list(dict.fromkeys(self.key_entity[k] for k in keys))
        choices: list[str] = []
        owners: list[int] = []
        for n in entities:
            for key in self.entity_keys[n]:
                choices.append(self.keys[key])
                owners.append(n)
        best: dict[int, float] = dict.fromkeys(entities, 0.0)
        for reading in query_readings:
            for _, score, index in process.extract(
                reading, choices, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=40
            ):
                n = owners[index]
                if score > best[n]:
                    best[n] = score
        return best

    def _names_of(self, n: int) -> list[list[str]]:
        cached = self._folded_names.get(n)
        if cached is None:
            cached = self._folded_names[n] = [readings(name) for name, _ in self.entities[n].names]
        return cached

    def _property_score(self, n: int, pid: str, values: list[Any]) -> float | None:
        """How well one property's query values match the entity's, or None if it has none."""
        targets = self.entities[n].links.get(pid)
        if not targets:
            return None
        best = 0.0
        for value in values:
            if isinstance(value, dict):
                ident = str(value.get("id", ""))
                for target in targets:
                    t = self.by_iri.get(target)
                    ids = (
                        {target, self.entities[t].id} | set(self.entities[t].same_as)
                        if t is not None
                        else {target}
                    )
                    if ident in ids or any(i.endswith("/" + ident) for i in ids if ident):
                        return 100.0
                value = value.get("name")
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                continue
            wanted = readings(str(value))
            for target in targets:
                t = self.by_iri.get(target)
                if t is None:
                    continue
                for name_readings in self._names_of(t):
                    for name in name_readings:
                        for reading in wanted:
                            best = max(best, fuzz.token_sort_ratio(reading, name))
        return best

    def _type_ok(self, n: int, wanted: list[str], strict: str) -> bool:
        if not wanted:
            return True
        have = set(self.entities[n].types)
        allowed = [self._subtypes.get(t, {t}) for t in wanted]
        if strict == "all":
            return all(have & a for a in allowed)
        return any(have & a for a in allowed)

    def search(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The candidates for one v0.2 query, best first, as result objects."""
        text = query.get("query")
        limit = query.get("limit")
        limit = (
            int(limit) if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0 else 10
        )
        wanted = query.get("type") or []
        wanted = [wanted] if isinstance(wanted, str) else [str(t) for t in wanted]
        strict = str(query.get("type_strict") or "any")
        props: list[tuple[str, list[Any]]] = []
        for item in query.get("properties") or []:
            if isinstance(item, dict) and isinstance(item.get("pid"), str) and "v" in item:
                v = item["v"]
                props.append((item["pid"], v if isinstance(v, list) else [v]))
        scored: dict[int, float] = {}
        if isinstance(text, str) and text.strip():
            direct = self.lookup(text.strip())
            query_readings = readings(text)
            scored = self._name_scores(query_readings, self._candidate_keys(query_readings))
            if direct is not None:
                scored[self.by_iri[direct.iri]] = 100.0
        else:
            # No name: the candidates are the entities with a matching property value.
            for n in range(len(self.entities)):
                if all(self._property_score(n, pid, values) for pid, values in props):
                    scored[n] = 100.0
        results: list[tuple[float, int, dict[str, Any]]] = []
        for n, name_score in scored.items():
            if name_score < 40 or not self._type_ok(n, wanted, strict):
                continue
            features: list[dict[str, Any]] = [{"id": "name", "value": round(name_score, 2)}]
            total, weight = name_score, 1.0
            for pid, values in props:
                score = self._property_score(n, pid, values)
                if score is None:
                    continue
                features.append({"id": pid, "value": round(score, 2)})
                total += PROPERTY_WEIGHT * score
                weight += PROPERTY_WEIGHT
            final = total / weight
            results.append((final, n, {"features": features}))
        results.sort(key=lambda r: (-r[0], self.entities[r[1]].name, r[1]))
        out: list[dict[str, Any]] = []
        for rank, (score, n, extra) in enumerate(results[:limit]):
            entity = self.entities[n]
            following = results[rank + 1][0] if rank + 1 < len(results) else 0.0
            candidate: dict[str, Any] = {
                "id": entity.id,
                "name": entity.name,
                "score": round(score, 2),
                "match": rank == 0 and score >= MATCH_SCORE and score - following >= MATCH_GAP,
                "type": [self.type_json(t) for t in entity.types],
                **extra,
            }
            if entity.description:
                candidate["description"] = entity.description
            out.append(candidate)
        return out

    def suggest(self, prefix: str, *, cursor: int = 0, limit: int = 10) -> list[Entity]:
        """Entities one of whose names, or a word of one, starts with ``prefix`` (in any reading)."""
        found: dict[int, tuple[int, str]] = {}
        for reading in readings(prefix) or [""]:
            if not reading:
                continue
            pairs, keys = self._prefixes()
            start = bisect.bisect_left(keys, reading)
            for position in range(start, len(pairs)):
                key, n = pairs[position]
                if not key.startswith(reading):
                    break
                rank = 0 if fold(self.entities[n].name).startswith(reading) else 1
                if n not in found or rank < found[n][0]:
                    found[n] = (rank, self.entities[n].name)
        ordered = sorted(found, key=lambda n: (found[n][0], len(found[n][1]), found[n][1], n))
        return [self.entities[n] for n in ordered[cursor : cursor + limit]]

    def type_json(self, type_id: str) -> dict[str, str]:
        info = self.types.get(type_id)
        return {"id": type_id, "name": info.name if info else _local_name(type_id)}

    def suggest_types(self, prefix: str) -> list[TypeInfo]:
        wanted = fold(prefix)
        return sorted(
            (t for t in self.types.values() if fold(t.name).startswith(wanted) or wanted in fold(t.id)),
            key=lambda t: (not fold(t.name).startswith(wanted), t.name),
        )


def _types_of(entities: Iterable[Entity]) -> dict[str, TypeInfo]:
    """The classes entities have, each with the kind's class above it (City below Place)."""
    defaults = {str(kind.default_class) for kind in ENTITY_KINDS.values()}
    by_class: dict[str, set[str]] = {}
    for e in entities:
        kinds = [t for t in e.types if t in defaults]
        for t in e.types:
            by_class.setdefault(t, set()).update(k for k in kinds if k != t)
    for default in defaults:
        by_class.setdefault(default, set())
    names = {str(kind.default_class): kind.name for kind in ENTITY_KINDS.values()}
    return {
        t: TypeInfo(t, names.get(t) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local_name(t)), tuple(sorted(up)))
        for t, up in sorted(by_class.items())
    }
