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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz, process

from exilekg.reconcile.entities import Entity, TypeInfo, _local_name, entities_of, entity_triples, types_of
from exilekg.reconcile.folding import fold, readings
from exilekg.terms import SCHEMA

__all__ = ["MATCH_GAP", "MATCH_SCORE", "PROPERTIES", "Entity", "EntityIndex", "TypeInfo", "fold", "readings"]

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
        triples, base = entity_triples(source)
        return cls.from_triples(triples, base=base)

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[Any, Any, Any]], *, base: str) -> EntityIndex:
        """The entities among ``triples`` (subjects in the entity segments of ``base``)."""
        entities = entities_of(triples, base=base)
        return cls(entities, base=base, types=types_of(entities))

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
            matches = self._token_matches(token)
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

    def _token_matches(self, token: str) -> list[tuple[int, float]]:
        """The vocabulary's tokens a query token stands for, with their similarity to it."""
        exact = self._token_ids.get(token)
        if exact is not None:
            # A token the names hold is taken as written; near spellings are looked for only for
            # one they do not (a typo, another transliteration).
            return [(exact, 100.0)]
        if len(token) < 3:
            return []
        return [(i, score) for i, score in self._near(token) if len(self.postings[i]) <= self._common]

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
                if self._names_target(str(value.get("id", "")), targets):
                    return 100.0
                value = value.get("name")
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                continue
            best = max(best, self._name_similarity(readings(str(value)), targets))
        return best

    def _names_target(self, ident: str, targets: list[str]) -> bool:
        """Whether ``ident`` is one of the targets (its IRI, service id, ``sameAs`` or a path's end)."""
        for target in targets:
            t = self.by_iri.get(target)
            ids = {target, self.entities[t].id} | set(self.entities[t].same_as) if t is not None else {target}
            if ident in ids or any(i.endswith("/" + ident) for i in ids if ident):
                return True
        return False

    def _name_similarity(self, wanted: list[str], targets: list[str]) -> float:
        """The best token-sort ratio of the readings ``wanted`` against any name of the targets."""
        best = 0.0
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
        text, limit, wanted, strict, props = _query_parts(query)
        scored = self._scored(text, props)
        results: list[tuple[float, int, dict[str, Any]]] = []
        for n, name_score in scored.items():
            if name_score < 40 or not self._type_ok(n, wanted, strict):
                continue
            final, features = self._weighed(n, name_score, props)
            results.append((final, n, {"features": features}))
        results.sort(key=lambda r: (-r[0], self.entities[r[1]].name, r[1]))
        out: list[dict[str, Any]] = []
        for rank, (score, n, extra) in enumerate(results[:limit]):
            following = results[rank + 1][0] if rank + 1 < len(results) else 0.0
            out.append(
                self._candidate(
                    n, score, rank == 0 and score >= MATCH_SCORE and score - following >= MATCH_GAP, extra
                )
            )
        return out

    def _scored(self, text: Any, props: list[tuple[str, list[Any]]]) -> dict[int, float]:
        """The candidate entities of a query and their names' scores."""
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
        return scored

    def _weighed(
        self, n: int, name_score: float, props: list[tuple[str, list[Any]]]
    ) -> tuple[float, list[dict[str, Any]]]:
        """The name's score averaged with each known property's, and the features that made it."""
        features: list[dict[str, Any]] = [{"id": "name", "value": round(name_score, 2)}]
        total, weight = name_score, 1.0
        for pid, values in props:
            score = self._property_score(n, pid, values)
            if score is None:
                continue
            features.append({"id": pid, "value": round(score, 2)})
            total += PROPERTY_WEIGHT * score
            weight += PROPERTY_WEIGHT
        return total / weight, features

    def _candidate(self, n: int, score: float, match: bool, extra: dict[str, Any]) -> dict[str, Any]:
        entity = self.entities[n]
        candidate: dict[str, Any] = {
            "id": entity.id,
            "name": entity.name,
            "score": round(score, 2),
            "match": match,
            "type": [self.type_json(t) for t in entity.types],
            **extra,
        }
        if entity.description:
            candidate["description"] = entity.description
        return candidate

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


def _query_parts(query: Mapping[str, Any]) -> tuple[Any, int, list[str], str, list[tuple[str, list[Any]]]]:
    """A v0.2 query's text, limit (10 unless a positive number), types, type strictness and properties."""
    limit = query.get("limit")
    limit = int(limit) if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0 else 10
    wanted = query.get("type") or []
    wanted = [wanted] if isinstance(wanted, str) else [str(t) for t in wanted]
    strict = str(query.get("type_strict") or "any")
    props: list[tuple[str, list[Any]]] = []
    for item in query.get("properties") or []:
        if isinstance(item, dict) and isinstance(item.get("pid"), str) and "v" in item:
            v = item["v"]
            props.append((item["pid"], v if isinstance(v, list) else [v]))
    return query.get("query"), limit, wanted, strict, props
