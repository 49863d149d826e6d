"""Reading a corpus folder: corpus.json, documents/*.json, records/*.json(l) and the texts.

Reading checks only that files can be read and parsed; whether the records make
sense is :mod:`exilekg.validation`'s job. Every record remembers where it came from
so that any later error can name the file, the JSON pointer and the line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from exilekg.anchor import NormalizedText
from exilekg.errors import CorpusError, Location
from exilekg.sourcemap import escape_pointer, pointer_lines

__all__ = ["Corpus", "Record", "Source", "Text", "read_corpus", "read_records"]

INLINE_FIELDS = {"authors": "Person", "publisher": "Organization", "citations": "CreativeWork"}
"""Document fields that may hold a record inline instead of an id, and the kind it must be."""


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


def _line_of(path: Path, pointer: str) -> tuple[int | None, int | None]:
    if path not in _LINE_CACHE:
        try:
            _LINE_CACHE[path] = pointer_lines(_decode(path.read_bytes(), path))
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
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CorpusError(
                f"the text file {name!r} of document {document.id or ''!r} is not in {self.texts_dir}",
                path=document.source.path,
                pointer=document.source.pointer + "/text",
                hint="put the article's text there, or give the right folder with --texts",
            ) from None
        except OSError as exc:
            raise CorpusError(f"cannot read {path}: {exc.strerror}", path=path) from None
        digest = hashlib.sha256(raw).hexdigest()
        if self._digests.setdefault(path, digest) != digest:
            raise CorpusError(
                "the text file changed while the corpus was being read",
                path=path,
                hint="build again once nothing writes to the texts folder",
            )
        return Text(_decode(raw, path), digest, path)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CorpusError(
            "the file is UTF-16 encoded",
            path=path,
            hint="save it as UTF-8 (exilekg reads UTF-8 only)",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark carries no content
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CorpusError(
            f"the file is not valid UTF-8 (byte {exc.start} is {raw[exc.start : exc.start + 1]!r})",
            path=path,
            line=line,
            hint="save it as UTF-8",
        ) from None


def _read_json(path: Path, strings: dict[str, str]) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}", path=path) from None
    text = _decode(raw, path)
    try:
        return _parse(text, strings)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"malformed JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint="fix the JSON syntax at that line and column",
        ) from None


def _read_jsonl(path: Path, strings: dict[str, str]) -> Iterator[tuple[int, Any]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}", path=path) from None
    # JSON Lines ends records at "\n" only: str.splitlines would also split at U+2028 and U+0085,
    # which JSON strings may hold raw (json.dumps(ensure_ascii=False) writes them so).
    for number, line in enumerate(_decode(raw, path).split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            yield number, _parse(line, strings)
        except json.JSONDecodeError as exc:
            raise CorpusError(
                f"malformed JSON: {exc.msg}",
                path=path,
                line=number,
                column=exc.colno,
                hint="each line of a .jsonl file holds one complete JSON object",
            ) from None


class _MaybeRounded(Exception):
    """orjson's value holds a float, which may be an integer beyond 64 bits that it rounded."""


def _parse(text: str, strings: dict[str, str]) -> Any:
    """``json.loads(text)``, with one string object per distinct key and string value.

    json.loads shares keys only within one call, and JSON Lines takes a call per line: every
    record would own its copies of "kind", "id" and "evidence", of the ids it refers to and
    of its dates. orjson parses twice as fast and keeps the keys it has seen, so mostly only
    values are left to share. Its value is kept only if it holds no float, as orjson rounds
    integers beyond 64 bits to floats; what it refuses goes through json.loads, which takes
    NaN, Infinity, lone surrogates and 1e400, and says what is wrong with malformed JSON.
    """
    try:
        return _share(orjson.loads(text), strings, floats=False)
    except (orjson.JSONDecodeError, _MaybeRounded):
        return _share(json.loads(text), strings, floats=True)


def _share(value: Any, strings: dict[str, str], *, floats: bool) -> Any:
    """``value`` with its strings replaced by those of ``strings``, changed in place.

    A loop rather than recursion, so that nesting as deep as the parser takes cannot
    exhaust the stack here.
    """
    setdefault = strings.setdefault
    if type(value) is str:
        return setdefault(value, value)
    if type(value) is float and not floats:
        raise _MaybeRounded
    stack = [value] if type(value) in _CONTAINERS else []
    while stack:
        node = stack.pop()
        if type(node) is dict:
            fresh_keys = False
            for key, item in node.items():
                fresh_keys = fresh_keys or setdefault(key, key) is not key
                kind = type(item)
                if kind is str:
                    node[key] = setdefault(item, item)
                elif kind in _CONTAINERS:
                    stack.append(item)
                elif kind is float and not floats:
                    raise _MaybeRounded
            if fresh_keys:
                # A key is swapped only by inserting it anew: the dict is refilled, same order.
                items = [(setdefault(key, key), item) for key, item in node.items()]
                node.clear()
                node.update(items)
        else:
            for index, item in enumerate(node):
                kind = type(item)
                if kind is str:
                    node[index] = setdefault(item, item)
                elif kind in _CONTAINERS:
                    stack.append(item)
                elif kind is float and not floats:
                    raise _MaybeRounded
    return value


_CONTAINERS = frozenset({dict, list})


def _object(value: Any, source: Source, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        loc = source.locate()
        raise CorpusError(
            f"{what} must be a JSON object, not {type(value).__name__}",
            path=loc.path,
            pointer=loc.pointer,
            line=loc.line,
            hint="write it as {...}",
        )
    return value


def read_corpus(root: Path | str, *, texts_dir: Path | str | None = None) -> Corpus:
    """Read the corpus folder ``root``.

    ``texts_dir`` is where documents' texts are read from; by default the ``texts``
    folder beside the records when it exists. Without texts a corpus still loads,
    and validation says which checks it could not run.
    """
    root = Path(root)
    if not root.is_dir():
        raise CorpusError("no such corpus folder", path=root, hint="give the folder that holds corpus.json")
    meta_path = root / "corpus.json"
    if not meta_path.is_file():
        raise CorpusError(
            "the corpus has no corpus.json",
            path=root,
            hint="create corpus.json with id, title, base, license and version",
        )
    meta_source = Source(meta_path, "")
    strings: dict[str, str] = {}
    meta = _object(_read_json(meta_path, strings), meta_source, "corpus.json")

    if texts_dir is not None:
        texts = Path(texts_dir)
        if not texts.is_dir():
            raise CorpusError("no such texts folder", path=texts, hint="give the folder holding the articles")
    else:
        default = root / "texts"
        texts = default if default.is_dir() else None  # type: ignore[assignment]

    documents, records = _read_records(root, strings)
    return Corpus(root, meta, meta_source, documents, records, texts)


def read_records(root: Path | str) -> tuple[list[Record], list[Record]]:
    """The document records and the other records of the corpus folder ``root``, without its
    corpus.json (for tools that only look records up, such as ingest and suggest)."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError("no such corpus folder", path=root, hint="give the folder that holds corpus.json")
    return _read_records(root, {})


def _read_records(root: Path, strings: dict[str, str]) -> tuple[list[Record], list[Record]]:
    documents: list[Record] = []
    records: list[Record] = []
    for path in sorted((root / "documents").glob("*.json")):
        source = Source(path, "")
        data = _object(_read_json(path, strings), source, "a document record")
        documents.append(Record(data, source, "Document"))
        records.extend(_inline_records(data, source))

    for path in sorted((root / "records").glob("*.json*")):
        if path.suffix == ".json":
            content = _read_json(path, strings)
            items = content if isinstance(content, list) else [content]
            for index, item in enumerate(items):
                pointer = f"/{index}" if isinstance(content, list) else ""
                source = Source(path, pointer)
                records.append(_record(item, source))
        elif path.suffix == ".jsonl":
            for number, item in _read_jsonl(path, strings):
                records.append(_record(item, Source(path, "", number)))
    return documents, records


def _record(item: Any, source: Source) -> Record:
    data = _object(item, source, "a record")
    kind = data.get("kind")
    return Record(data, source, kind if isinstance(kind, str) else "")


def _inline_records(document: dict[str, Any], source: Source) -> Iterator[Record]:
    for name, kind in INLINE_FIELDS.items():
        value = document.get(name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, dict):
                pointer = f"/{escape_pointer(name)}" + (f"/{index}" if isinstance(value, list) else "")
                yield Record(item, Source(source.path, pointer), kind, inline=True)
