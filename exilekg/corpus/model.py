"""What a corpus is once read: its records, where each came from, and its texts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from exilekg.anchor import NormalizedText
from exilekg.corpus.files import DEFAULT_POLICY, ReadPolicy, _decode, _excerpt, read_file
from exilekg.errors import CorpusError, Location
from exilekg.sourcemap import pointer_lines

__all__ = ["Corpus", "Record", "Source", "Text"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record sits: a file, the JSON pointer of the record, and for JSON Lines its line."""

    path: Path
    pointer: str
    line: int | None = None

    def locate(self, sub_pointer: str = "") -> Location:
        """The location of a field of this record, with the line looked up in the file."""
        pointer = self.pointer + sub_pointer
        if self.line is not None:  # JSON Lines: the record's own line is precise enough
            return Location(self.path, sub_pointer or "/", self.line)
        line, column = _line_of(self.path, pointer)
        return Location(self.path, pointer, line, column)


_LINE_CACHE: dict[Path, dict[str, tuple[int, int]]] = {}

_CHANGED = "the text file changed while the corpus was being read"
_CHANGED_HINT = "build again once nothing writes to the texts folder"


def _line_of(path: Path, pointer: str) -> tuple[int | None, int | None]:
    if path not in _LINE_CACHE:
        try:
            # The file was read (and vetted) before; links are followed as they were then.
            raw = read_file(path, inside=(path.parent,), policy=ReadPolicy(follow_symlinks=True))
            _LINE_CACHE[path] = pointer_lines(_decode(raw, path))
        except (OSError, CorpusError):
            _LINE_CACHE[path] = {}
    table = _LINE_CACHE[path]
    # A missing member has no line of its own; the nearest enclosing value's will do.
    while pointer not in table and pointer:
        pointer = pointer.rsplit("/", 1)[0]
    found = table.get(pointer)
    return found if found else (None, None)


# Slots: a large corpus holds hundreds of thousands of records and their sources, and an
# instance __dict__ would cost more than the fields it holds.
@dataclass(frozen=True, slots=True)
class Record:
    """One JSON object of the corpus (a document, an entity or a fact) and where it came from."""

    data: dict[str, Any]
    source: Source
    kind: str
    """``Document`` for document records; otherwise the record's ``kind`` field (may be invalid)."""
    inline: bool = False
    """Written inside a document record (an author, the publisher, a citation)."""

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Text:
    """A document's text as stored, and the SHA-256 of its bytes.

    Its folded form is computed once per Text object and lives as long as the object;
    :meth:`Corpus.text` returns a new one each time, so nothing outlives its user.
    """

    text: str
    sha256: str
    path: Path

    @cached_property
    def normalized(self) -> NormalizedText:
        return NormalizedText(self.text)


@dataclass
class Corpus:
    """A corpus read from disk: its metadata, documents, records and (optionally) texts."""

    root: Path
    meta: dict[str, Any]
    meta_source: Source
    documents: list[Record]
    records: list[Record]
    """Entity and fact records, including those written inline in documents."""
    texts_dir: Path | None
    policy: ReadPolicy = DEFAULT_POLICY
    """The limits the corpus was read with; its texts are read with them too."""
    _digests: dict[Path, str] = field(default_factory=dict, repr=False)
    """The SHA-256 of every text file read so far. Texts are not kept (all of them, with their
    folded copies, would stay alive through the whole build), so each use reads the file again;
    the digest makes sure every stage sees the bytes that validation checked."""

    def all_records(self) -> Iterator[Record]:
        yield from self.documents
        yield from self.records

    @property
    def has_texts(self) -> bool:
        return self.texts_dir is not None

    def text_sha256(self, document: Record) -> str | None:
        """The SHA-256 of the text of ``document`` as first read (by validation, in a build), read now
        if nothing has read it; None when there are no texts or it names no file. Raises as
        :meth:`text` does."""
        name = document.data.get("text")
        if self.texts_dir is None or not isinstance(name, str):
            return None
        known = self._digests.get(self.texts_dir / name)
        if known is not None:
            return known
        text = self.text(document)
        return text.sha256 if text is not None else None

    def text_digests(self) -> dict[Path, str]:
        """The SHA-256 of every text file read so far, by path."""
        return dict(self._digests)

    def read_elsewhere(self, digests: dict[Path, str]) -> None:
        """Take the digests of texts that a copy of this corpus in another process read
        (:meth:`text_digests`), as if read here; raises :class:`CorpusError` when one differs from
        what was read here."""
        for path, digest in digests.items():
            if self._digests.setdefault(path, digest) != digest:
                raise CorpusError(_CHANGED, path=path, hint=_CHANGED_HINT)

    def text(self, document: Record) -> Text | None:
        """The text of ``document``, read from its file, or None when there are no texts or it names no file.

        Raises :class:`CorpusError` when the file is named but missing or unreadable, or when it
        has changed since an earlier call read it.
        """
        name = document.data.get("text")
        if self.texts_dir is None or not isinstance(name, str):
            return None
        path = self.texts_dir / name
        try:
            raw = read_file(path, inside=(self.texts_dir, self.root), policy=self.policy)
        except FileNotFoundError:
            raise CorpusError(
                f"the text file {_excerpt(name)} of document {_excerpt(document.id or '')} is not in "
                f"{self.texts_dir}",
                path=document.source.path,
                pointer=document.source.pointer + "/text",
                hint="put the article's text there, or give the right folder with --texts",
            ) from None
        except CorpusError as exc:
            if exc.line is not None:
                raise  # a bad byte of the text: its line in the text file says more
            raise CorpusError(
                f"the text file {_excerpt(name)} of document {_excerpt(document.id or '')}: {exc.message}",
                path=document.source.path,
                pointer=document.source.pointer + "/text",
                hint=exc.hint,
            ) from None
        digest = hashlib.sha256(raw).hexdigest()
        if self._digests.setdefault(path, digest) != digest:
            raise CorpusError(_CHANGED, path=path, hint=_CHANGED_HINT)
        return Text(_decode(raw, path), digest, path)
