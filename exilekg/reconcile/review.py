"""Asking a reconciliation service about a corpus's entities, and the review file of its answers.

:func:`reconcile_corpus` builds a query for every name of every entity that has no
identifier yet in the service's identifier space (its name, alternate names and names in
other scripts, its kind as the service's type, and what the corpus says of its places and
organisations as the service's properties), asks the service in batches, and writes a
review file: JSON for :func:`~exilekg.reconcile.accept.accept_review`, and a Markdown
table beside it for people. No record is changed.

The review file, ``{"exilekgReview": 1, "service": {...}, "entities": [...]}``, lists per
entity its candidates (``id``, ``iri``, ``name``, ``description``, ``score``, ``match``,
``types``) each with a ``decision``: ``null`` until the curator writes ``"accept"`` or
``"reject"``. Candidates a curator rejected before (kept in the record's
``reconciliation``) are not proposed again.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.atomic import atomic_files
from exilekg.corpus import Corpus, ReadPolicy, Record, read_corpus, read_json
from exilekg.errors import ReconcileError
from exilekg.kinds import ENTITY_KINDS
from exilekg.progress import Progress, as_progress
from exilekg.reconcile.client import CachedResult, ReconciliationClient
from exilekg.reconcile.spec import Candidate, Manifest, ServiceVocabulary, vocabulary_for

__all__ = [
    "REVIEW_FORMAT",
    "ReconcileReport",
    "build_queries",
    "default_review_path",
    "reconcile_corpus",
    "render_table",
]

REVIEW_FORMAT = 1
"""The version of the review file's layout (its ``exilekgReview`` member)."""

RELATION_FIELDS = {"Place": {"containedIn": "containedIn"}, "Event": {"location": "location"}}
"""Entity fields that name other records the way relations do: field to relation name."""


def default_review_path(corpus_dir: Path | str) -> Path:
    return Path(corpus_dir) / "reconcile-review.json"


@dataclass
class EntityQueries:
    """The queries for one entity: one per name asked, sharing type and properties."""

    record: Record
    queries: list[dict[str, Any]]
    rejected: list[str]


@dataclass
class ReconcileReport:
    """What a reconciliation run did."""

    service: str
    entities: int
    skipped_linked: int
    queries: int
    requests: int
    queries_sent: int
    cache_hits: int
    retries: int
    with_candidates: int
    with_match: int
    review: Path
    table: Path
    seconds: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.entities} entities asked ({self.skipped_linked} already linked skipped) with "
            f"{self.queries} queries: {self.queries_sent} sent in {self.requests} requests, "
            f"{self.cache_hits} answered from the cache; {self.with_candidates} have candidates, "
            f"{self.with_match} a match flagged by the service; review in {self.review} and {self.table}"
        )


def _names(record: Record, max_names: int) -> list[str]:
    """The names to ask for: the name, then names in other scripts, then longer alternate names."""
    data = record.data
    out = [data["name"]]
    for local in data.get("localNames", []):
        if isinstance(local, dict) and isinstance(local.get("value"), str):
            out.append(local["value"])
    for alt in data.get("alternateNames", []):
        # A lone word ("Putin", "FBK") finds namesakes more than the entity itself.
        if isinstance(alt, str) and len(alt.split()) >= 2:
            out.append(alt)
    seen: dict[str, str] = {}
    for name in out:
        seen.setdefault(" ".join(name.casefold().split()), name)
    return list(seen.values())[:max_names]


def _links(corpus: Corpus) -> dict[str, list[tuple[str, str]]]:
    """Each entity's outgoing links: (relation name, object id), from relations and fields."""
    links: dict[str, list[tuple[str, str]]] = {}
    for record in corpus.records:
        data = record.data
        if (
            record.kind == "Relation"
            and isinstance(data.get("subject"), str)
            and isinstance(data.get("object"), str)
        ):
            links.setdefault(data["subject"], []).append((str(data.get("relation")), data["object"]))
        for name, relation in RELATION_FIELDS.get(record.kind, {}).items():
            value = data.get(name)
            for target in value if isinstance(value, list) else [value]:
                if isinstance(target, str) and record.id is not None:
                    links.setdefault(record.id, []).append((relation, target))
    return links


def _sameas(data: dict[str, Any]) -> list[str]:
    value = data.get("sameAs", [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def build_queries(
    corpus: Corpus,
    manifest: Manifest,
    vocabulary: ServiceVocabulary,
    *,
    kinds: Iterable[str] | None = None,
    limit: int = 5,
    max_names: int = 3,
    properties: bool = True,
) -> tuple[list[EntityQueries], int]:
    """The queries for every entity not yet linked to the service's space, and how many were linked."""
    wanted = set(kinds) if kinds is not None else set(ENTITY_KINDS)
    by_id: dict[str, Record] = {}
    for record in corpus.records:
        if record.id is not None and record.kind in ENTITY_KINDS:
            by_id.setdefault(record.id, record)
    links = _links(corpus) if properties else {}
    out: list[EntityQueries] = []
    skipped = 0
    for rid, record in by_id.items():
        if record.kind not in wanted or not isinstance(record.data.get("name"), str):
            continue
        if any(manifest.owns(iri) for iri in _sameas(record.data)):
            skipped += 1
            continue
        base = _query_base(record, vocabulary, limit)
        values = _property_values(record, links.get(rid, []), by_id, manifest, vocabulary)
        if values:
            base["properties"] = [{"pid": pid, "v": v[0] if len(v) == 1 else v} for pid, v in values.items()]
        queries = [{"query": name, **base} for name in _names(record, max_names)]
        out.append(EntityQueries(record, queries, _rejected(record)))
    return out, skipped


def _query_base(record: Record, vocabulary: ServiceVocabulary, limit: int) -> dict[str, Any]:
    """What every query about ``record`` asks: the limit, and the service's type for its kind."""
    base: dict[str, Any] = {"limit": limit}
    subtype = record.data.get("type")
    type_id = vocabulary.type_for(record.kind, subtype if isinstance(subtype, str) else None)
    if type_id is not None:
        base["type"] = type_id
    return base


def _property_values(
    record: Record,
    links: list[tuple[str, str]],
    by_id: dict[str, Record],
    manifest: Manifest,
    vocabulary: ServiceVocabulary,
) -> dict[str, list[Any]]:
    """The values a query about ``record`` gives for each service property its links map to:
    the linked entity's name, or its id in the service when the service takes entities."""
    values: dict[str, list[Any]] = {}
    for relation, target in links:
        pid = vocabulary.properties.get((record.kind, relation))
        other = by_id.get(target)
        if pid is None or other is None or not isinstance(other.data.get("name"), str):
            continue
        value: Any = other.data["name"]
        if vocabulary.entity_values:
            for iri in _sameas(other.data):
                if manifest.owns(iri):
                    value = {"id": manifest.local_id(iri), "name": other.data["name"]}
                    break
        if vocabulary.linked_values_only and not isinstance(value, dict):
            continue
        if value not in values.setdefault(pid, []):
            values[pid].append(value)
    return values


def _rejected(record: Record) -> list[str]:
    """The IRIs a curator has already rejected for ``record``."""
    return [
        str(item["iri"])
        for item in record.data.get("reconciliation", [])
        if isinstance(item, dict) and item.get("status") == "rejected" and isinstance(item.get("iri"), str)
    ]


def _merge(manifest: Manifest, results: list[CachedResult], rejected: set[str]) -> list[Candidate]:
    """One list of candidates from the answers to several names: best score first."""
    best: dict[str, Candidate] = {}
    for result in results:
        for candidate in result.candidates:
            if manifest.iri(candidate.id) in rejected:
                continue
            known = best.get(candidate.id)
            if known is None or candidate.score > known.score or (candidate.match and not known.match):
                match = candidate.match or (known.match if known else False)
                score = max(candidate.score, known.score if known else candidate.score)
                best[candidate.id] = Candidate(
                    candidate.id, candidate.name, score, match, candidate.description, candidate.types
                )
    return sorted(best.values(), key=lambda c: (-c.score, not c.match, c.id))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def reconcile_corpus(
    corpus_dir: Path | str,
    client: ReconciliationClient,
    *,
    review: Path | str | None = None,
    kinds: Iterable[str] | None = None,
    types: dict[str, str] | None = None,
    properties: dict[tuple[str, str], str] | None = None,
    send_properties: bool = True,
    limit: int = 5,
    max_names: int = 3,
    batch_size: int | None = None,
    progress: Progress | Callable[[str], None] | None = None,
    policy: ReadPolicy | None = None,
) -> ReconcileReport:
    """Ask ``client``'s service about every entity of the corpus and write the review file.

    ``policy`` bounds how the corpus is read (:class:`~exilekg.corpus.ReadPolicy`).

    The review goes to ``review`` (default: ``reconcile-review.json`` in the corpus folder)
    with a Markdown table beside it (``.md``); both are written only once every answer is in
    and checked, so a failure leaves an earlier review as it was.
    """
    started = time.monotonic()
    reporter = as_progress(progress)
    corpus = read_corpus(corpus_dir, policy=policy)
    manifest = client.manifest()
    vocabulary = vocabulary_for(manifest, types=types, properties=properties)
    asks, skipped = build_queries(
        corpus,
        manifest,
        vocabulary,
        kinds=kinds,
        limit=limit,
        max_names=max_names,
        properties=send_properties,
    )
    keyed: dict[str, dict[str, Any]] = {}
    owners: list[list[str]] = []
    for number, ask in enumerate(asks):
        keys = []
        for index, query in enumerate(ask.queries):
            key = f"{number}.{index}"
            keyed[key] = query
            keys.append(key)
        owners.append(keys)
    reporter.stage("reconcile", total=len(keyed), unit="queries")
    try:
        size = batch_size or manifest.batch_size or 10
        answers = client.reconcile(keyed, batch_size=size, progress=reporter.advance)
    finally:
        reporter.finish()
    entities: list[dict[str, Any]] = []
    with_candidates = with_match = 0
    for ask, keys in zip(asks, owners, strict=True):
        results = [answers[k] for k in keys]
        candidates = _merge(manifest, results, set(ask.rejected))
        with_candidates += bool(candidates)
        with_match += any(c.match for c in candidates)
        entities.append(_review_entry(ask, results, candidates, manifest, corpus.root))
    document = {
        "exilekgReview": REVIEW_FORMAT,
        "service": {
            "url": manifest.url,
            "name": manifest.name,
            "identifierSpace": manifest.identifier_space,
            "schemaSpace": manifest.schema_space,
            **({"view": manifest.view} if manifest.view else {}),
        },
        "corpus": str(corpus.meta.get("id", "")),
        "instructions": (
            'Set each candidate\'s decision to "accept" or "reject" (null: undecided), then run '
            "`exilekg reconcile CORPUS_DIR --accept THIS_FILE`."
        ),
        "entities": entities,
    }
    review_path = Path(review) if review is not None else default_review_path(corpus_dir)
    table_path = review_path.with_suffix(".md")
    with atomic_files() as files:
        files.open(review_path).write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        files.open(table_path).write(render_table(document))
    kinds_count: dict[str, int] = {}
    for ask in asks:
        kinds_count[ask.record.kind] = kinds_count.get(ask.record.kind, 0) + 1
    return ReconcileReport(
        service=manifest.url,
        entities=len(asks),
        skipped_linked=skipped,
        queries=len(keyed),
        requests=client.stats.requests,
        queries_sent=client.stats.queries_sent,
        cache_hits=client.stats.cache_hits,
        retries=client.stats.retries,
        with_candidates=with_candidates,
        with_match=with_match,
        review=review_path,
        table=table_path,
        seconds=time.monotonic() - started,
        kinds=kinds_count,
    )


def _review_entry(
    ask: EntityQueries,
    results: list[CachedResult],
    candidates: list[Candidate],
    manifest: Manifest,
    root: Path,
) -> dict[str, Any]:
    """One entity of the review file: what was asked, and the candidates, each undecided."""
    entry: dict[str, Any] = {
        "id": ask.record.id,
        "kind": ask.record.kind,
        "name": ask.record.data["name"],
        "record": _relative(ask.record.source.path, root),
        "queried": max(r.fetched for r in results),
        "queries": ask.queries,
        "candidates": [
            {
                "id": c.id,
                "iri": manifest.iri(c.id),
                "name": c.name,
                **({"description": c.description} if c.description else {}),
                "score": round(c.score, 3),
                "match": c.match,
                "types": [{"id": i, "name": n} for i, n in c.types],
                "decision": None,
            }
            for c in candidates
        ],
    }
    if ask.rejected:
        entry["rejectedBefore"] = ask.rejected
    return entry


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_table(document: dict[str, Any]) -> str:
    """The review as a Markdown table: one row per candidate, entities without any listed too."""
    service = document.get("service", {})
    view = service.get("view")
    lines = [
        f"# Reconciliation review: {_cell(str(document.get('corpus', '')))} against "
        f"{_cell(str(service.get('name', '')))}",
        "",
        f"Service: <{service.get('url', '')}>. Edit the JSON file beside this one to decide "
        '(`"decision": "accept"` or `"reject"`); this table is for reading.',
        "",
        "| record | name | candidate | score | match | type | description | decision |",
        "|---|---|---|---:|:---:|---|---|---|",
    ]
    for entity in document.get("entities", []):
        rid, name = _cell(str(entity.get("id", ""))), _cell(str(entity.get("name", "")))
        candidates = entity.get("candidates", [])
        if not candidates:
            lines.append(f"| {rid} | {name} | (no candidate) |  |  |  |  |  |")
        for candidate in candidates:
            label = _cell(f"{candidate.get('id', '')} {candidate.get('name', '')}")
            if view:
                target = view.replace("{{id}}", urllib.parse.quote(str(candidate.get("id", "")), safe=""))
                label = f"[{label}]({target})"
            types = ", ".join(_cell(str(t.get("name", t.get("id", "")))) for t in candidate.get("types", []))
            lines.append(
                f"| {rid} | {name} | {label} | {candidate.get('score', '')} | "
                f"{'yes' if candidate.get('match') else ''} | {types} | "
                f"{_cell(str(candidate.get('description', '')))} | {candidate.get('decision') or ''} |"
            )
    return "\n".join(lines) + "\n"


def read_review(path: Path | str) -> dict[str, Any]:
    """A review file, checked for the members :func:`accept_review` needs."""
    path = Path(path)
    try:
        # Named by the user, so a link is followed; the file's size and JSON are bounded as a corpus's.
        document = read_json(
            path, inside=(path.parent,), policy=ReadPolicy(follow_symlinks=True), error=ReconcileError
        )
    except FileNotFoundError:
        raise ReconcileError("no such review file", path=path, hint="give the review file's path") from None
    if not isinstance(document, dict) or document.get("exilekgReview") != REVIEW_FORMAT:
        raise ReconcileError(
            'not an exilekg review file (it has no "exilekgReview": 1)',
            path=path,
            hint="write one with `exilekg reconcile CORPUS_DIR --service URL`",
        )
    service = document.get("service")
    if not isinstance(service, dict) or not all(
        isinstance(service.get(k), str) for k in ("url", "identifierSpace")
    ):
        raise ReconcileError(
            "the review names no service url and identifierSpace", path=path, pointer="/service"
        )
    entities = document.get("entities")
    if not isinstance(entities, list):
        raise ReconcileError("the review has no entities list", path=path, pointer="/entities")
    _check_review_entities(entities, path)
    return document


def _check_review_entities(entities: list[Any], path: Path) -> None:
    for index, entity in enumerate(entities):
        pointer = f"/entities/{index}"
        if not isinstance(entity, dict) or not isinstance(entity.get("id"), str):
            raise ReconcileError("an entity has no id", path=path, pointer=pointer)
        if not isinstance(entity.get("candidates"), list):
            raise ReconcileError(
                "an entity has no candidates list", path=path, pointer=f"{pointer}/candidates"
            )
        for number, candidate in enumerate(entity["candidates"]):
            where = f"{pointer}/candidates/{number}"
            if not isinstance(candidate, dict) or not isinstance(candidate.get("iri"), str):
                raise ReconcileError("a candidate has no iri", path=path, pointer=where)
            if candidate.get("decision") not in (None, "accept", "reject"):
                raise ReconcileError(
                    f"unknown decision {candidate.get('decision')!r}",
                    path=path,
                    pointer=f"{where}/decision",
                    hint='write "accept", "reject" or null',
                )
