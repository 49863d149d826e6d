"""Reading a corpus folder: corpus.json, documents/*.json, records/*.json(l), and where the texts are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exilekg.corpus.files import DEFAULT_POLICY, ReadPolicy, _decode, read_file
from exilekg.corpus.jsontext import _Limit, _parse, _parse_file
from exilekg.corpus.model import Corpus, Record, Source
from exilekg.errors import CorpusError
from exilekg.sourcemap import escape_pointer

__all__ = ["INLINE_FIELDS", "read_corpus", "read_records"]


INLINE_FIELDS = {"authors": "Person", "publisher": "Organization", "citations": "CreativeWork"}
"""Document fields that may hold a record inline instead of an id, and the kind it must be."""


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
