"""Reading a corpus folder: corpus.json, documents/*.json, records/*.json(l) and the texts.

Reading checks only that files can be read and parsed; whether the records make
sense is :mod:`exilekg.validation`'s job. Every record remembers where it came from
so that any later error can name the file, the JSON pointer and the line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from exilekg.anchor import NormalizedText
from exilekg.errors import CorpusError, ExilekgError, Location
from exilekg.sourcemap import escape_pointer, pointer_lines

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_INTEGER_DIGITS",
    "DEFAULT_MAX_JSON_DEPTH",
    "Corpus",
    "ReadPolicy",
    "Record",
    "Source",
    "Text",
    "read_corpus",
    "read_file",
    "read_json",
    "read_records",
    "read_text",
]

DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024
"""Bytes one text or record file may hold: far beyond any article or record file, well below memory."""
DEFAULT_MAX_JSON_DEPTH = 64
"""Levels of nesting a JSON file may have; records need a handful."""
DEFAULT_MAX_INTEGER_DIGITS = 100
"""Digits a JSON integer may have; counts and years need a few."""


@dataclass(frozen=True, slots=True)
class ReadPolicy:
    """What reading a corpus may do: how large a file and how deep its JSON may be, and whether
    symbolic links may lead out of the corpus (or texts) folder.

    Whatever the policy, only regular files are read (never a FIFO, a device or a file of
    /proc, /sys or /dev), a file name never climbs out of its folder with ``..`` or an absolute
    path, and no file is read past ``max_file_size`` bytes.
    """

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    max_integer_digits: int = DEFAULT_MAX_INTEGER_DIGITS
    follow_symlinks: bool = False
    """Follow symbolic links wherever they lead; by default only those that stay inside."""


DEFAULT_POLICY = ReadPolicy()
_SYSTEM_FOLDERS = tuple(Path(p) for p in ("/proc", "/sys", "/dev"))
_CHUNK = 1 << 20

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
            raise CorpusError(
                "the text file changed while the corpus was being read",
                path=path,
                hint="build again once nothing writes to the texts folder",
            )
        return Text(_decode(raw, path), digest, path)


def _decode(raw: bytes, path: Path, error: type[ExilekgError] = CorpusError) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(
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
        raise error(
            f"the file is not valid UTF-8 (byte {exc.start} is {raw[exc.start : exc.start + 1]!r})",
            path=path,
            line=line,
            hint="save it as UTF-8",
        ) from None


def _excerpt(value: str, limit: int = 60) -> str:
    """``value`` quoted and escaped for a message, cut to about ``limit`` characters."""
    cut = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(cut)


def _inside(path: str, folders: Sequence[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file(
    path: Path | str,
    *,
    inside: Sequence[Path | str],
    policy: ReadPolicy = DEFAULT_POLICY,
    error: type[ExilekgError] = CorpusError,
) -> bytes:
    """The bytes of the regular file ``path``, which must lie in one of the folders ``inside``.

    The one way exilekg reads a file of a corpus (records, texts, drafts, reviews). Refused,
    with ``error`` naming the file: a path that climbs out of those folders (``..``, an absolute
    name); a symbolic link that leads out of them unless ``policy.follow_symlinks``; anything but
    a regular file (FIFOs, devices, sockets: checked with ``stat`` before opening, and opened
    non-blocking, so nothing can make the read wait); files of /proc, /sys and /dev; and a file
    larger than ``policy.max_file_size`` (checked before reading and while reading, since /proc
    files and growing files report a smaller size). A missing file raises FileNotFoundError,
    for the caller to say where it was expected.
    """
    path = Path(path)
    # Lexically, before any link is followed: a name must not climb out by itself.
    here = os.getcwd()  # noqa: PTH109 -- strings throughout: this runs once per file of a corpus
    given = os.path.normpath(os.path.join(here, path))  # noqa: PTH118
    folders = [os.path.normpath(os.path.join(here, folder)) for folder in inside]  # noqa: PTH118
    if not _inside(given, folders):
        raise error(
            f"the path leads out of {folders[0] if len(folders) == 1 else ' and '.join(folders)}",
            path=path,
            hint="name a file inside the folder (no '..', no absolute path)",
        )
    real = os.path.realpath(given)
    # A path with no link in it is where it says it is: the folders need resolving only otherwise.
    linked = real != given
    if linked and not policy.follow_symlinks and not _inside(real, [os.path.realpath(f) for f in folders]):
        raise error(
            f"a symbolic link that leads out of {' and '.join(folders)} (to {real})",
            path=path,
            hint="copy the file into the folder, or pass --follow-symlinks if the link is meant",
        )
    if any(_inside(real, [str(system)]) for system in _SYSTEM_FOLDERS):
        raise error(
            f"leads to the system file {real}, not a corpus file",
            path=path,
            hint="a corpus reads only ordinary files: replace the link with the file itself",
        )
    try:
        before = os.stat(real)  # noqa: PTH116
        if not stat.S_ISREG(before.st_mode):
            raise error(
                f"{_kind_of(before.st_mode)}, not a regular file: not read",
                path=path,
                hint="replace it with an ordinary file holding the content",
            )
        _check_size(before.st_size, path, policy, error)
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(real, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", path=path) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise error(
                "the file was replaced while it was being read",
                path=path,
                hint="read the corpus again once nothing changes it",
            )
        chunks: list[bytes] = []
        total = 0
        # One read takes the whole file as stat saw it; more reads only for a file that grew, or
        # one whose size stat cannot know (procfs-like files are refused above, but be safe).
        want = before.st_size + 1
        while True:
            chunk = os.read(fd, min(want, policy.max_file_size + 1 - total))
            want = _CHUNK
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > policy.max_file_size:
                _check_size(total, path, policy, error, grew=True)
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", path=path) from None
    finally:
        os.close(fd)


def _check_size(
    size: int, path: Path, policy: ReadPolicy, error: type[ExilekgError], *, grew: bool = False
) -> None:
    if size > policy.max_file_size:
        what = "holds more than" if grew else f"is {size:,} bytes, more than"
        raise error(
            f"the file {what} the limit of {policy.max_file_size:,} bytes: not read",
            path=path,
            hint="split it, or raise the limit with --max-file-size (ReadPolicy(max_file_size=...))",
        )


def read_text(
    path: Path | str,
    *,
    inside: Sequence[Path | str],
    policy: ReadPolicy = DEFAULT_POLICY,
    error: type[ExilekgError] = CorpusError,
) -> str:
    """The text of the file ``path``, read by :func:`read_file` and decoded as UTF-8 (a
    byte-order mark dropped); ``error`` names a UTF-16 file or the line of a bad byte."""
    path = Path(path)
    return _decode(read_file(path, inside=inside, policy=policy, error=error), path, error)


def read_json(
    path: Path | str,
    *,
    inside: Sequence[Path | str],
    policy: ReadPolicy = DEFAULT_POLICY,
    error: type[ExilekgError] = CorpusError,
) -> Any:
    """The JSON value of the file ``path``, read by :func:`read_file` and decoded within the
    policy's depth and integer limits; ``error`` locates any problem (file, line, column)."""
    path = Path(path)
    raw = read_file(path, inside=inside, policy=policy, error=error)
    return _parse_file(raw, path, {}, policy, error)


def _parse_file(
    raw: bytes, path: Path, strings: dict[str, str], policy: ReadPolicy, error: type[ExilekgError]
) -> Any:
    text = _decode(raw, path, error)
    try:
        return _parse(text, strings, policy)
    except json.JSONDecodeError as exc:
        raise error(
            f"malformed JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint="fix the JSON syntax at that line and column",
        ) from None
    except _Limit as exc:
        line, column = _position(text, exc.offset)
        raise error(exc.message, path=path, line=line, column=column, hint=exc.hint) from None


def _read_json(path: Path, root: Path, strings: dict[str, str], policy: ReadPolicy) -> Any:
    raw = _read_corpus_file(path, root, policy)
    return _parse_file(raw, path, strings, policy, CorpusError)


def _read_corpus_file(path: Path, root: Path, policy: ReadPolicy) -> bytes:
    try:
        return read_file(path, inside=(root,), policy=policy)
    except FileNotFoundError:
        raise CorpusError("the file vanished while the corpus was being read", path=path) from None


def _read_jsonl(
    path: Path, root: Path, strings: dict[str, str], policy: ReadPolicy
) -> Iterator[tuple[int, Any]]:
    raw = _read_corpus_file(path, root, policy)
    # JSON Lines ends records at "\n" only: str.splitlines would also split at U+2028 and U+0085,
    # which JSON strings may hold raw (json.dumps(ensure_ascii=False) writes them so).
    for number, line in enumerate(_decode(raw, path).split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            yield number, _parse(line, strings, policy)
        except json.JSONDecodeError as exc:
            raise CorpusError(
                f"malformed JSON: {exc.msg}",
                path=path,
                line=number,
                column=exc.colno,
                hint="each line of a .jsonl file holds one complete JSON object",
            ) from None
        except _Limit as exc:
            raise CorpusError(
                exc.message, path=path, line=number, column=exc.offset + 1, hint=exc.hint
            ) from None


class _MaybeRounded(Exception):
    """orjson's value holds a float, which may be an integer beyond 64 bits that it rounded."""


class _Limit(Exception):
    """A JSON text breaks a limit of the policy at character ``offset`` (-1: not yet known)."""

    def __init__(self, message: str, hint: str, offset: int = -1) -> None:
        super().__init__(message)
        self.message, self.hint, self.offset = message, hint, offset


def _too_deep(policy: ReadPolicy, offset: int = -1) -> _Limit:
    return _Limit(
        f"JSON nested deeper than the limit of {policy.max_json_depth} levels",
        "records need only a few levels of nesting: write the value flatter "
        "(the limit is ReadPolicy(max_json_depth=...))",
        offset,
    )


def _too_long(policy: ReadPolicy, digits: int, offset: int = -1) -> _Limit:
    return _Limit(
        f"an integer of {digits:,} digits, more than the limit of {policy.max_integer_digits}",
        "write an identifier or code as a string; check the number otherwise "
        "(the limit is ReadPolicy(max_integer_digits=...))",
        offset,
    )


_ORJSON_DIGITS = 20
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?', re.DOTALL)


def _locate_limit(text: str, policy: ReadPolicy) -> _Limit:
    """Where in ``text`` the first broken limit sits. Only run once a limit is known to be
    broken, so a clean file never pays for a second scan."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            continue
        if first in "[{":
            depth += 1
            if depth > policy.max_json_depth:
                return _too_deep(policy, match.start())
        elif first in "]}":
            depth -= 1
        elif token.lstrip("-").isdigit() and len(token.lstrip("-")) > policy.max_integer_digits:
            return _too_long(policy, len(token.lstrip("-")), match.start())
    return _too_deep(policy, 0)


def _position(text: str, offset: int) -> tuple[int | None, int | None]:
    if offset < 0:
        return None, None
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse(text: str, strings: dict[str, str], policy: ReadPolicy = DEFAULT_POLICY) -> Any:
    """``json.loads(text)``, with one string object per distinct key and string value, within
    the policy's nesting and integer limits (:class:`_Limit`, located in ``text``, if not).

    json.loads shares keys only within one call, and JSON Lines takes a call per line: every
    record would own its copies of "kind", "id" and "evidence", of the ids it refers to and
    of its dates. orjson parses twice as fast and keeps the keys it has seen, so mostly only
    values are left to share. Its value is kept only if it holds no float, as orjson rounds
    integers beyond 64 bits to floats; what it refuses goes through json.loads, which takes
    NaN, Infinity, lone surrogates and 1e400, and says what is wrong with malformed JSON.
    The limits are checked while decoding (json.loads hands every integer's digits to a
    check before converting them) and on the decoded value, so neither Python's integer
    conversion limit nor its recursion limit can be reached.
    """
    try:
        # orjson's integers have at most 20 digits (64 bits); a stricter limit is json.loads's to check.
        if policy.max_integer_digits >= _ORJSON_DIGITS:
            try:
                return _share(orjson.loads(text), strings, floats=False, policy=policy)
            except (orjson.JSONDecodeError, _MaybeRounded):
                pass
        try:
            value = json.loads(text, parse_int=_integer_parser(policy))
        except RecursionError:
            raise _too_deep(policy) from None
        return _share(value, strings, floats=True, policy=policy)
    except _Limit as exc:
        if exc.offset >= 0:
            raise
        raise _locate_limit(text, policy) from None


def _integer_parser(policy: ReadPolicy) -> Any:
    limit = policy.max_integer_digits

    def parse(digits: str) -> int:
        count = len(digits) - digits.startswith("-")
        if count > limit:
            raise _too_long(policy, count)
        return int(digits)

    return parse


def _share(value: Any, strings: dict[str, str], *, floats: bool, policy: ReadPolicy = DEFAULT_POLICY) -> Any:
    """``value`` with its strings replaced by those of ``strings``, changed in place.

    A loop rather than recursion, so that nesting as deep as the parser takes cannot
    exhaust the stack here. It walks one level of nesting at a time, which counts the
    depth for the limit at no cost per value.
    """
    setdefault = strings.setdefault
    kind = type(value)
    if kind is str:
        return setdefault(value, value)
    if kind is float and not floats:
        raise _MaybeRounded
    level = [value] if kind in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > policy.max_json_depth:
            raise _too_deep(policy)
        deeper: list[Any] = []
        push = deeper.append
        for node in level:
            if type(node) is dict:
                fresh_keys = False
                for key, item in node.items():
                    fresh_keys = fresh_keys or setdefault(key, key) is not key
                    kind = type(item)
                    if kind is str:
                        node[key] = setdefault(item, item)
                    elif kind in _CONTAINERS:
                        push(item)
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
                        push(item)
                    elif kind is float and not floats:
                        raise _MaybeRounded
        level = deeper
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


def read_corpus(
    root: Path | str, *, texts_dir: Path | str | None = None, policy: ReadPolicy | None = None
) -> Corpus:
    """Read the corpus folder ``root``.

    ``texts_dir`` is where documents' texts are read from; by default the ``texts``
    folder beside the records when it exists. Without texts a corpus still loads,
    and validation says which checks it could not run. Every file is read within
    ``policy`` (default :class:`ReadPolicy`'s limits): inside ``root`` or ``texts_dir``,
    regular files only, of bounded size and JSON nesting.
    """
    policy = policy if policy is not None else DEFAULT_POLICY
    root = Path(root)
    if not root.is_dir():
        raise CorpusError("no such corpus folder", path=root, hint="give the folder that holds corpus.json")
    meta_path = root / "corpus.json"
    if not meta_path.exists() and not meta_path.is_symlink():
        raise CorpusError(
            "the corpus has no corpus.json",
            path=root,
            hint="create corpus.json with id, title, base, license and version",
        )
    meta_source = Source(meta_path, "")
    strings: dict[str, str] = {}
    meta = _object(_read_json(meta_path, root, strings, policy), meta_source, "corpus.json")

    if texts_dir is not None:
        texts = Path(texts_dir)
        if not texts.is_dir():
            raise CorpusError("no such texts folder", path=texts, hint="give the folder holding the articles")
    else:
        default = root / "texts"
        texts = default if default.is_dir() else None  # type: ignore[assignment]

    documents, records = _read_records(root, strings, policy)
    return Corpus(root, meta, meta_source, documents, records, texts, policy)


def read_records(root: Path | str, *, policy: ReadPolicy | None = None) -> tuple[list[Record], list[Record]]:
    """The document records and the other records of the corpus folder ``root``, without its
    corpus.json (for tools that only look records up, such as ingest and suggest)."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError("no such corpus folder", path=root, hint="give the folder that holds corpus.json")
    return _read_records(root, {}, policy if policy is not None else DEFAULT_POLICY)


def _read_records(
    root: Path, strings: dict[str, str], policy: ReadPolicy
) -> tuple[list[Record], list[Record]]:
    documents: list[Record] = []
    records: list[Record] = []
    for path in sorted((root / "documents").glob("*.json")):
        source = Source(path, "")
        data = _object(_read_json(path, root, strings, policy), source, "a document record")
        documents.append(Record(data, source, "Document"))
        records.extend(_inline_records(data, source))

    for path in sorted((root / "records").glob("*.json*")):
        if path.suffix == ".json":
            content = _read_json(path, root, strings, policy)
            items = content if isinstance(content, list) else [content]
            for index, item in enumerate(items):
                pointer = f"/{index}" if isinstance(content, list) else ""
                source = Source(path, pointer)
                records.append(_record(item, source))
        elif path.suffix == ".jsonl":
            for number, item in _read_jsonl(path, root, strings, policy):
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
