"""What drafting produces: a document record, the fields it lacks, where each field came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from exilekg.ingest.dates import DateSignal
from exilekg.ingest.sites import Found

__all__ = ["DOCUMENT_KEYS", "EXPECTED_FIELDS", "Extraction", "PageMeta"]

EXPECTED_FIELDS = ("headline", "authors", "datePublished", "publisher", "url", "language")
"""Fields every article should have; those not found are listed in :attr:`Extraction.missing`."""

DOCUMENT_KEYS = (
    "id",
    "headline",
    "alternativeHeadline",
    "authors",
    "datePublished",
    "publisher",
    "url",
    "language",
    "text",
    "sha256",
    "wordCount",
    "citations",
    "images",
    "snapshot",
)
"""The order of a drafted record's fields (the document schema's order)."""


@dataclass(frozen=True)
class Extraction:
    """A draft document record, the expected fields it lacks, and remarks for the curator.

    ``sources`` says for each drafted field where it came from: a line of the text
    ("line 3"), a tag of the page (``<meta property="og:title">``) or a rule ("the URL's host").
    """

    record: dict[str, Any]
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def id(self) -> str:
        return str(self.record["id"])

    def provenance(self) -> tuple[str, ...]:
        """One line per drafted field saying where it came from, then one naming what is missing."""
        lines = [f"{name}: from {where}" for name, where in self.sources.items()]
        if self.missing:
            lines.append(f"not stated: {', '.join(self.missing)}")
        return tuple(lines)


@dataclass
class PageMeta:
    """What a page's markup says about its article, each field's candidates most trusted first."""

    headlines: list[Found] = field(default_factory=list)
    subtitles: list[Found] = field(default_factory=list)
    authors: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    dates: list[DateSignal] = field(default_factory=list)
    urls: list[Found] = field(default_factory=list)
    site_names: list[Found] = field(default_factory=list)
    languages: list[Found] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    copyright: Found | None = None
    """The page's copyright line (often in a footer the main text leaves out)."""
    title: str | None = None
    """The page's ``<title>``, which may carry the site's name as a suffix."""
