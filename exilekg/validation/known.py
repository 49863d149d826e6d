"""What an earlier validation found, trusted again by the next one of an incremental build.

A record's own checks (characters, schema, dates, languages, names, its kind's rules) depend on the
record alone, a phrase's place in a text on the text and the phrase alone, and the check of a
headline on the headline and its publisher's name and site; an incremental build records them for
the next one, which checks again only the records and phrases that changed. What
depends on other records (ids, references) and the texts' digests are checked every time. The
build's state, which holds this, is only trusted under the same code, schemas and options.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

from exilekg.anchor import Anchor
from exilekg.corpus import Record

__all__ = ["Known", "anchor_key", "record_key"]


@dataclass
class Known:
    """Records that passed their own checks, and phrases located in texts, each by its key."""

    records: frozenset[str] = frozenset()
    """The :func:`record_key` of each record that passed its own checks."""
    anchors: dict[str, Anchor] = field(default_factory=dict)
    """Where each phrase was found, by :func:`anchor_key`."""
    headlines: frozenset[str] = frozenset()
    """The keys of the headline checks that found nothing to warn of
    (:func:`exilekg.ingest.plausibility.document_warnings`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "records": sorted(self.records),
            "anchors": {
                k: [a.start, a.end, a.exact, a.prefix, a.suffix] for k, a in sorted(self.anchors.items())
            },
            "headlines": sorted(self.headlines),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Known:
        """The inverse of :meth:`to_json`; ``KeyError``, ``TypeError`` or ``ValueError`` when damaged."""
        records, anchors, headlines = raw["records"], raw["anchors"], raw["headlines"]
        if not isinstance(records, list) or not isinstance(anchors, dict) or not isinstance(headlines, list):
            raise TypeError("validated records, anchors or headlines are not a list, an object and a list")
        return cls(
            frozenset(str(k) for k in records),
            {
                str(k): Anchor(int(s), int(e), str(x), str(p), str(f))
                for k, (s, e, x, p, f) in anchors.items()
            },
            frozenset(str(k) for k in headlines),
        )


def _digest(*parts: bytes) -> str:
    sha = hashlib.blake2b(digest_size=16)
    for part in parts:
        sha.update(part)
    return sha.hexdigest()


def record_key(record: Record) -> str | None:
    """What a record's own checks depend on: its kind, whether it is written inline, and its data;
    None for data that cannot be written as JSON (a lone surrogate), which is always checked."""
    try:
        data = orjson.dumps(record.data, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return _digest(f"{record.kind}\0{record.inline}\0".encode(), data)


def anchor_key(sha256: str, item: dict[str, Any]) -> str | None:
    """What locating an evidence item depends on: the text's SHA-256 and what the item says of the
    phrase (None for an item that cannot be written as JSON)."""
    try:
        said = orjson.dumps([item.get(k) for k in ("exact", "prefix", "suffix", "occurrence")])
    except TypeError:
        return None
    return _digest(sha256.encode(), b"\0", said)
