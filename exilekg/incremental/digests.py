"""The digest of what each unit of the mapping is made from."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

from exilekg.corpus import Record
from exilekg.map import Mapper, Unit
from exilekg.mentions import Mention, MentionList
from exilekg.validation import ValidationReport

__all__ = ["mentions_digest", "unit_digest"]


def _strings(value: Any, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)


def _record_digest(record: Record, kinds: Mapping[str, str], sha: Any, key: str | None) -> None:
    data = record.data
    if key is not None:  # validation's digest of the record's kind and data, made already
        sha.update(key.encode())
    else:
        sha.update(record.kind.encode())
        sha.update(orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str))
    # A reference's IRI is minted from the referenced record's kind, and ids no record has are left
    # out: the kind (or absence) of every string the record holds stands for all its references.
    strings: list[str] = []
    _strings(data, strings)
    sha.update(orjson.dumps([kinds.get(s) for s in strings]))


def _mention_key(mention: Mention) -> list[Any]:
    return [mention.entity, mention.start, mention.end, mention.exact, mention.prefix, mention.suffix]


def mentions_digest(mentions: MentionList, kinds: Mapping[str, str]) -> str:
    """The digest of the mentions found in a document's text, with the kinds of the entities they
    name (their annotations' bodies are those entities' IRIs)."""
    entities = [m.entity for m in mentions]
    ambiguous = [
        [list(a.candidates), a.start, a.end, a.exact, a.prefix, a.suffix] for a in mentions.ambiguous
    ]
    for a in mentions.ambiguous:
        entities.extend(a.candidates)
    found = orjson.dumps([[_mention_key(m) for m in mentions], ambiguous, [kinds.get(e) for e in entities]])
    return hashlib.blake2b(found, digest_size=16).hexdigest()


def unit_digest(
    unit: Unit,
    mapper: Mapper,
    report: ValidationReport,
    mentions: str | None,
) -> str:
    """The digest of everything ``unit``'s quads are made from (beyond the build's ``inputs``)."""
    sha = hashlib.blake2b(digest_size=16)
    sha.update(unit.key.encode())
    kinds = mapper.kinds
    if unit.record is not None:
        _record_digest(unit.record, kinds, sha, report.record_key(unit.record))
        rid = unit.record.id
        # Evidence positions and verification come from the texts, through validation's anchors.
        for number in range(len(unit.record.data.get("evidence", []) or [])):
            anchor = report.anchors.get((rid or "", number))
            sha.update(repr(anchor).encode())
    elif unit.id is not None:
        sha.update(str(kinds.get(unit.id)).encode())  # a subject no record maps: its IRI's kind
    if unit.id is not None:
        # Facts stating a triple about this unit's subject put it in this unit's run: what of them
        # that triple is made from (its predicate, object and graph).
        stated = [
            [
                r.kind,
                r.id,
                r.data.get("relation"),
                r.data.get("object"),
                kinds.get(r.data.get("object") or ""),
                bool(r.data.get("former")),
                [item.get("document") for item in r.data.get("evidence", [])[:1]],
            ]
            for r in mapper.stating(unit.id)
        ]
        sha.update(orjson.dumps(stated, default=str))
    if mentions is not None:
        # The mentions found in the text (see mentions_digest): they change with the text and with
        # the corpus-wide table of entity names.
        sha.update(mentions.encode())
    return sha.hexdigest()
