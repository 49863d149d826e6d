"""The articles' texts, found again at publish time, and evidence phrases shown in their context.

A build does not record where its texts were, so :class:`TextLibrary` looks for
each document's text in a folder: first the file whose SHA-256 is the one the
graph records for the document (``exilekg:sha256``), whatever its name, then
``{id}.txt``. Offsets in the graph count code points of the text as stored
(UTF-8, a byte-order mark dropped), as :mod:`exilekg.anchor` defines them; a
snippet is cut from the text only when ``text[start:end]`` is the recorded
phrase, so a text edited since the build can never put the wrong words in a
reader's mouth. Without a usable text, the quote selector's own prefix and
suffix give a shorter context.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from exilekg.corpus import ReadPolicy, read_file
from exilekg.errors import CorpusError

__all__ = ["CONTEXT_CHARS", "Snippet", "TextLibrary", "snippet_from_quote", "snippet_from_text"]

CONTEXT_CHARS = 200
"""At most this many characters of text on either side of a phrase."""

_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)]*\s+|\n\s*\n")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """A phrase with the text around it, ready to show: ``before``, ``exact``, ``after``."""

    before: str
    exact: str
    after: str
    cut_before: bool
    cut_after: bool
    from_text: bool
    """True when cut from the article's text; False when built from the quote selector alone."""


def _flat(text: str) -> str:
    return _SPACES.sub(" ", text)


def snippet_from_text(text: str, start: int, end: int, exact: str) -> Snippet | None:
    """The phrase at ``text[start:end]`` with up to a sentence of context; None if it is not ``exact``."""
    if not (0 <= start <= end <= len(text)) or text[start:end] != exact:
        return None
    window_start = max(0, start - CONTEXT_CHARS)
    before = text[window_start:start]
    # Begin at the start of the phrase's sentence when it lies inside the window.
    boundaries = list(_SENTENCE_END.finditer(before))
    if boundaries:
        before = before[boundaries[-1].end() :]
        cut_before = False
    else:
        cut_before = window_start > 0
        if cut_before and " " in before:
            before = before[before.index(" ") + 1 :]
    window_end = min(len(text), end + CONTEXT_CHARS)
    after = text[end:window_end]
    boundary = _SENTENCE_END.search(after)
    if boundary:
        after = after[: boundary.start() + 1].rstrip()
        cut_after = False
    else:
        cut_after = window_end < len(text)
        if cut_after and " " in after:
            after = after[: after.rindex(" ")]
    return Snippet(_flat(before).lstrip(), _flat(exact), _flat(after).rstrip(), cut_before, cut_after, True)


def snippet_from_quote(exact: str, prefix: str | None, suffix: str | None) -> Snippet:
    """The phrase with the prefix and suffix its quote selector keeps."""
    return Snippet(
        _flat(prefix or "").lstrip(),
        _flat(exact),
        _flat(suffix or "").rstrip(),
        bool(prefix),
        bool(suffix),
        False,
    )


def _decode(raw: bytes) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


@dataclass
class TextLibrary:
    """Texts by document id, looked up in ``folder`` (searched recursively; a corpus folder will do)."""

    folder: Path | None
    policy: ReadPolicy = field(default_factory=ReadPolicy)
    """How the folder's files are read: only regular files inside it (links that lead out are
    skipped unless ``follow_symlinks``), none larger than ``max_file_size``."""
    warnings: list[str] = field(default_factory=list)
    _index: tuple[dict[str, Path], dict[str, Path]] | None = field(default=None, repr=False)
    _cache: dict[str, str | None] = field(default_factory=dict, repr=False)

    def _files(self) -> Iterable[Path]:
        if self.folder is None or not self.folder.is_dir():
            return []
        return sorted(
            p
            for p in self.folder.rglob("*")
            if not p.is_dir() and not any(part.startswith(".") for part in p.relative_to(self.folder).parts)
        )

    def _read(self, path: Path) -> bytes | None:
        """The file's bytes, or None (with a warning) when it may not be read: a text of the
        site comes only from a regular file of the texts folder."""
        assert self.folder is not None
        try:
            return read_file(path, inside=(self.folder,), policy=self.policy)
        except FileNotFoundError:
            return None
        except CorpusError as exc:
            self.warnings.append(f"{path}: {exc.message}; not used")
            return None

    def _lookup(self) -> tuple[dict[str, Path], dict[str, Path]]:
        """Files by SHA-256 and by name, built once: hashing every file is the price of any name."""
        if self._index is None:
            by_hash: dict[str, Path] = {}
            by_name: dict[str, Path] = {}
            for path in self._files():
                if path.suffix.lower() in {".json", ".jsonl"}:
                    continue  # records, not texts
                raw = self._read(path)
                if raw is None:
                    continue
                by_hash.setdefault(hashlib.sha256(raw).hexdigest(), path)
                by_name.setdefault(path.name, path)
            self._index = (by_hash, by_name)
        return self._index

    def prepare(self) -> None:
        """Hash the folder's files now (the first text asked for would)."""
        if self.folder is not None:
            self._lookup()

    def text(self, document_id: str, sha256: str | None) -> str | None:
        """The text of a document, or None when it is not found (or not the text the build used)."""
        if document_id in self._cache:
            return self._cache[document_id]
        found: str | None = None
        if self.folder is not None:
            by_hash, by_name = self._lookup()
            path = by_hash.get(sha256) if sha256 else None
            named = by_name.get(f"{document_id}.txt")
            if path is None and named is not None:
                if sha256:
                    self.warnings.append(
                        f"{named} is not the text document {document_id!r} was built from "
                        "(its SHA-256 differs); its evidence is shown without the text"
                    )
                else:
                    path = named
            raw = self._read(path) if path is not None else None
            if path is not None and raw is not None:
                found = _decode(raw)
                if found is None:
                    self.warnings.append(
                        f"{path} is not valid UTF-8; document {document_id!r} shown without it"
                    )
        self._cache[document_id] = found
        return found
