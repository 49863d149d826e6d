"""Writing drafts into a corpus folder: new articles, articles ingested again, shared records.

Every source is read, drafted and checked before anything is written, and all files of a
run are then replaced together (:func:`exilekg.atomic.atomic_files`), so a bad file or an
unreachable URL leaves the corpus as it was.

* A document's text goes into the texts folder: a plain-text article byte for byte under its
  own file name; a page's extracted main text as ``<id>.txt`` beside the page itself as
  ``<id>.html`` (its SHA-256 in the record's ``snapshot``).
* Authors and publishers become records of their own, ``records/<id>.json``, that every
  document naming them refers to by id; deleting one document never breaks another.
* Ingesting an article again merges: each field the curator has not touched since the last
  draft takes the new draft's value, each field they edited stays as they left it. The last
  draft of each document is kept in ``.exilekg/drafts/<id>.json`` for that comparison.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from exilekg.atomic import atomic_files
from exilekg.corpus import ReadPolicy, read_file, read_json, read_records
from exilekg.errors import CorpusError, ExilekgError, IngestError
from exilekg.ingest.draft import DOCUMENT_KEYS, Extraction
from exilekg.ingest.fetch import Fetched, fetch_page, is_url
from exilekg.ingest.header import extract_text
from exilekg.ingest.text import MAX_DOCUMENT_ID, slugify

__all__ = ["DRAFTS_DIR", "HTML_SUFFIXES", "IngestResult", "ingest"]

DRAFTS_DIR = Path(".exilekg") / "drafts"
"""Where, inside a corpus folder, the last draft of each document is kept for merging."""

_NAMED = ReadPolicy(follow_symlinks=True)
"""How files the user names are read: wherever a link leads, but regular files of bounded size only."""

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_SHARED = {"authors": "Person", "publisher": "Organization"}
_DERIVED = frozenset({"text", "sha256", "wordCount", "snapshot"})
"""Fields that describe the stored files: always those of the latest ingest."""


@dataclass(frozen=True)
class IngestResult:
    """One article ingested: where it came from, what was written, and how it changed the corpus.

    ``status`` is ``new``, ``updated`` (merged into the record ingested before), ``unchanged``
    or ``replaced`` (with ``overwrite``); ``kept`` names the fields left as the curator edited
    them, ``updated_fields`` those the new draft changed.
    """

    source: Path | str
    document: Path
    text: Path
    extraction: Extraction
    status: str = "new"
    snapshot: Path | None = None
    records: tuple[Path, ...] = ()
    kept: tuple[str, ...] = ()
    updated_fields: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.extraction.id

    @property
    def missing(self) -> tuple[str, ...]:
        return self.extraction.missing

    @property
    def notes(self) -> tuple[str, ...]:
        return self.extraction.notes


@dataclass
class _Source:
    """An article read and not yet placed: its text, and for a page the page and where it came from."""

    origin: Path | str
    stem: str
    text: str
    raw_text: bytes
    html: bytes | None = None
    fetched: Fetched | None = None
    page: Any = None


@dataclass
class _Corpus:
    """Ids in use in the corpus (and planned in this run), and what each document names."""

    kinds: dict[str, str]
    documents: dict[str, tuple[Path, dict[str, Any]]]
    text_owner: dict[str, str]
    url_owner: dict[str, str]
    record_files: set[str]

    @classmethod
    def scan(cls, corpus_dir: Path) -> _Corpus:
        documents, records = read_records(corpus_dir)
        found = cls({}, {}, {}, {}, set())
        for record in (*documents, *records):
            rid = record.id
            if rid is None:
                continue
            found.kinds.setdefault(rid, record.kind)
            if record.kind != "Document":
                continue
            data = record.data
            found.documents[rid] = (record.source.path, data)
            if isinstance(data.get("text"), str):
                found.text_owner.setdefault(data["text"], rid)
            snapshot = data.get("snapshot")
            for url in (data.get("url"), snapshot.get("requested") if isinstance(snapshot, dict) else None):
                if isinstance(url, str):
                    found.url_owner.setdefault(url, rid)
        found.record_files = {p.name for p in (corpus_dir / "records").glob("*.json*")}
        return found

    def free(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.kinds:
            n += 1
            candidate = f"{base[: MAX_DOCUMENT_ID - len(str(n)) - 1]}-{n}"
        return candidate


# --------------------------------------------------------------------------- reading sources


def _error(origin: Path | str, message: str, hint: str) -> IngestError:
    """An error about ``origin``: a file's path is its location, a URL starts the message."""
    if isinstance(origin, Path):
        return IngestError(message, path=origin, hint=hint)
    return IngestError(f"{origin}: {message}", hint=hint)


def _read_file(path: Path) -> bytes:
    # An article the user names: a link is followed, but only a regular file of bounded size is read.
    try:
        return read_file(path, inside=(path.parent,), policy=_NAMED, error=IngestError)
    except FileNotFoundError:
        raise IngestError("no such file", path=path, hint="check the article's path") from None
    except IngestError as exc:
        if path.is_dir():
            raise IngestError("a folder, not an article", path=path, hint="give the article files") from None
        raise exc from None


def _decode_text(path: Path, raw: bytes) -> str:
    """The article decoded as UTF-8; IngestError for a non-UTF-8 or empty file."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("the file is UTF-16 encoded", path=path, hint="save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"the file is not valid UTF-8 (byte {exc.start} is {raw[exc.start : exc.start + 1]!r})",
            path=path,
            line=raw.count(b"\n", 0, exc.start) + 1,
            hint="save it as UTF-8",
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise IngestError(
            "the file is empty", path=path, hint="give the article's text, title on the first line"
        )
    return text


def _page_source(origin: Path | str, stem: str, raw: bytes, fetched: Fetched | None) -> _Source:
    from exilekg.ingest.html import read_page

    page = read_page(
        raw, url=fetched.url if fetched else None, encoding=fetched.encoding if fetched else None
    )
    if not page.text.strip():
        raise _error(
            origin,
            "found no article text in the page",
            "save the article's text from the browser and ingest it as a plain-text file",
        )
    text = page.text
    return _Source(origin, stem, text, text.encode("utf-8"), raw, fetched, page.meta)


def _read_source(item: Path | str, fetch: Callable[[str], Fetched]) -> _Source:
    if isinstance(item, str) and is_url(item):
        fetched = fetch(item)
        segments = [s for s in fetched.url.split("?")[0].rstrip("/").split("/")[3:] if s]
        stem = Path(segments[-1]).stem if segments else ""
        return _page_source(item, stem, fetched.content, fetched)
    path = Path(item)
    raw = _read_file(path)
    if path.suffix.lower() in HTML_SUFFIXES:
        if not raw.strip():
            raise IngestError("the file is empty", path=path, hint="save the whole page from the browser")
        return _page_source(path, path.stem, raw, None)
    return _Source(path, path.stem, _decode_text(path, raw), raw)


# --------------------------------------------------------------------------- placing drafts


def _draft(source: _Source, document_id: str | None) -> Extraction:
    if source.html is None:
        assert isinstance(source.origin, Path)
        return extract_text(source.text, file_name=source.origin.name, document_id=document_id)
    draft = extract_text(source.text, file_name=f"{document_id or 'page'}.txt", document_id=document_id,
                         page=source.page)  # fmt: skip
    return draft


def _previous(source: _Source, draft: Extraction, corpus: _Corpus) -> str | None:
    """The id of the document this article was ingested as before, if any."""
    if source.html is None and isinstance(source.origin, Path):
        owner = corpus.text_owner.get(source.origin.name)
        if owner in corpus.documents:
            return owner
    for url in (source.origin if isinstance(source.origin, str) else None, draft.record.get("url")):
        owner = corpus.url_owner.get(url) if isinstance(url, str) else None
        if owner in corpus.documents:
            return owner
    if source.html is not None:
        candidate = slugify(source.stem) or ""
        known = corpus.documents.get(candidate)
        snapshot = known[1].get("snapshot") if known else None
        if isinstance(snapshot, dict) and snapshot.get("file") == f"{candidate}.html":
            return candidate
    return None


def _with_snapshot(draft: Extraction, source: _Source) -> Extraction:
    if source.html is None:
        return draft
    import hashlib

    snapshot: dict[str, Any] = {"file": f"{draft.id}.html", "sha256": hashlib.sha256(source.html).hexdigest()}
    if source.fetched is not None:
        snapshot["requested"] = source.fetched.requested
        if source.fetched.redirects:
            snapshot["redirects"] = list(source.fetched.redirects)
        snapshot["retrieved"] = source.fetched.retrieved
    record = {**draft.record, "text": f"{draft.id}.txt", "snapshot": snapshot}
    return replace(draft, record={k: record[k] for k in DOCUMENT_KEYS if k in record})


@dataclass
class _Plan:
    source: _Source
    draft: Extraction
    document: dict[str, Any]
    status: str
    text_name: str
    shared: list[dict[str, Any]]
    kept: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def _share(draft: Extraction, corpus: _Corpus) -> tuple[Extraction, list[dict[str, Any]]]:
    """The draft referring by id to its authors and publisher, and those of them that are new."""
    record = dict(draft.record)
    notes = list(draft.notes)
    new: list[dict[str, Any]] = []
    for field, kind in _SHARED.items():
        value = record.get(field)
        if value is None:
            continue
        linked: list[str] = []
        for item in value if isinstance(value, list) else [value]:
            known = corpus.kinds.get(item["id"])
            if known == kind:
                linked.append(item["id"])
                continue
            if known is not None:
                notes.append(
                    f"the id {item['id']!r} is a {known} of the corpus; the {kind} was named otherwise"
                )
                item = {**item, "id": corpus.free(item["id"])}
            corpus.kinds[item["id"]] = kind
            new.append(item)
            linked.append(item["id"])
        record[field] = linked if isinstance(value, list) else linked[0]
    return replace(draft, record=record, notes=tuple(notes)), new


def _read_json(path: Path, corpus_dir: Path) -> dict[str, Any] | None:
    """A kept draft, or None when there is none or it cannot be read (it is only a hint for merging)."""
    try:
        data = read_json(path, inside=(corpus_dir,))
    except (OSError, ExilekgError):
        return None
    return data if isinstance(data, dict) else None


def _merge(
    current: dict[str, Any], base: dict[str, Any] | None, new: dict[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """``current`` with what the new draft says, keeping what the curator changed since ``base``.

    Without the last draft (a corpus from before drafts were kept) nothing the curator may
    have written is replaced: only the stored files' fields and fields still empty are filled.
    """
    merged = dict(current)
    kept: list[str] = []
    updated: list[str] = []
    for key in dict.fromkeys([*current, *new]):
        old, fresh = current.get(key), new.get(key)
        if key == "id" or old == fresh:
            continue
        untouched = base is not None and base.get(key) == old
        if key in _DERIVED or key not in current or untouched:
            if fresh is None:
                merged.pop(key, None)
            else:
                merged[key] = fresh
            updated.append(key)
        else:
            kept.append(key)
    order = [k for k in DOCUMENT_KEYS if k in merged] + [k for k in merged if k not in DOCUMENT_KEYS]
    return {k: merged[k] for k in order}, tuple(kept), tuple(updated)


def _place(source: _Source, corpus: _Corpus, corpus_dir: Path, overwrite: bool) -> _Plan:
    draft = _draft(source, None)
    if "headline" not in draft.record:
        raise _error(
            source.origin,
            "found no headline",
            "put the article's title on a line of its own at the top, followed by a blank line",
        )
    previous = _previous(source, draft, corpus)
    if previous is None:
        document_id = corpus.free(slugify(source.stem) or draft.id)
        corpus.kinds[document_id] = "Document"
    else:
        document_id = previous
    if document_id != draft.id or source.html is not None:
        draft = _draft(source, document_id)
    draft = _with_snapshot(draft, source)
    draft, shared = _share(draft, corpus)
    text_name = str(draft.record.get("text") or f"{document_id}.txt")
    corpus.text_owner[text_name] = document_id
    if isinstance(draft.record.get("url"), str):
        corpus.url_owner.setdefault(draft.record["url"], document_id)
    if previous is None:
        corpus.documents[document_id] = (corpus_dir / "documents" / f"{document_id}.json", draft.record)
        return _Plan(source, draft, draft.record, "new", text_name, shared)
    current = corpus.documents[previous][1]
    if overwrite:
        return _Plan(source, draft, draft.record, "replaced", text_name, shared)
    base = _read_json(corpus_dir / DRAFTS_DIR / f"{document_id}.json", corpus_dir)
    merged, kept, updated = _merge(current, base, draft.record)
    status = "updated" if merged != current else "unchanged"
    return _Plan(source, draft, merged, status, text_name, shared, kept, updated)


def _record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _record_file(corpus: _Corpus, rid: str) -> str:
    name, n = f"{rid}.json", 1
    while name in corpus.record_files:
        n += 1
        name = f"{rid}-{n}.json"
    corpus.record_files.add(name)
    return name


def _check_text_file(plan: _Plan, texts: Path, overwrite: bool) -> None:
    target = texts / plan.text_name
    if plan.status != "new" or overwrite or not target.exists():
        return
    try:
        held = read_file(target, inside=(texts,), policy=_NAMED, error=IngestError)
    except FileNotFoundError:
        return
    if held != plan.source.raw_text:
        raise _error(
            plan.source.origin,
            f"{target} already holds a different text",
            "rename the article file, or pass --overwrite to replace that text",
        )


def ingest(
    sources: Sequence[Path | str],
    corpus_dir: Path,
    *,
    texts_dir: Path | None = None,
    overwrite: bool = False,
    fetch: Callable[[str], Fetched] = fetch_page,
) -> list[IngestResult]:
    """Draft a document record for each article (a text file, a saved page or a URL) into ``corpus_dir``.

    Writes ``documents/<id>.json``, the text (and a page's snapshot) into ``texts_dir``
    (default ``<corpus_dir>/texts``) and a record under ``records/`` for each new author and
    publisher. An article ingested before is merged into its record (see the module's notes),
    or replaced with ``overwrite``. Ids are kept unique across the corpus (``-2``, ``-3`` ...).
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise IngestError(
            "no such corpus folder", path=corpus_dir, hint=f"create it with: exilekg init {corpus_dir}"
        )
    if not (corpus_dir / "corpus.json").is_file():
        raise IngestError(
            "the folder has no corpus.json, so it is not a corpus yet",
            path=corpus_dir,
            hint=f"create one with: exilekg init {corpus_dir}",
        )
    texts = Path(texts_dir) if texts_dir is not None else corpus_dir / "texts"
    try:
        corpus = _Corpus.scan(corpus_dir)
    except CorpusError as exc:
        raise IngestError(exc.message, path=exc.path, line=exc.line, hint=exc.hint) from None
    plans: list[_Plan] = []
    seen: set[str] = set()
    for item in sources:
        source = _read_source(item, fetch)
        if isinstance(source.origin, Path) and source.html is None:
            if source.origin.name in seen:
                raise IngestError(
                    "another article of this run has the same file name", path=source.origin,
                    hint="rename one of them",
                )  # fmt: skip
            seen.add(source.origin.name)
        plan = _place(source, corpus, corpus_dir, overwrite)
        _check_text_file(plan, texts, overwrite)
        plans.append(plan)
    try:
        return _write(plans, corpus, corpus_dir, texts)
    except OSError as exc:
        where = exc.filename or corpus_dir
        raise IngestError(
            f"cannot write the drafts: {exc.strerror or exc}", path=where,
            hint="check that the corpus and texts folders are writable",
        ) from None  # fmt: skip


def _write(plans: Sequence[_Plan], corpus: _Corpus, corpus_dir: Path, texts: Path) -> list[IngestResult]:
    results: list[IngestResult] = []
    with atomic_files() as files:
        for plan in plans:
            document_id = plan.draft.id
            document_path = corpus_dir / "documents" / f"{document_id}.json"
            text_path = texts / plan.text_name
            snapshot_path = texts / f"{document_id}.html" if plan.source.html is not None else None
            written: list[Path] = []
            for record in plan.shared:
                path = corpus_dir / "records" / _record_file(corpus, record["id"])
                files.open_binary(path).write(_record_bytes(record))
                written.append(path)
            if plan.status != "unchanged":
                files.open_binary(document_path).write(_record_bytes(plan.document))
                files.open_binary(text_path).write(plan.source.raw_text)
                if snapshot_path is not None and plan.source.html is not None:
                    files.open_binary(snapshot_path).write(plan.source.html)
            files.open_binary(corpus_dir / DRAFTS_DIR / f"{document_id}.json").write(
                _record_bytes(plan.draft.record)
            )
            results.append(
                IngestResult(
                    plan.source.origin, document_path, text_path, plan.draft, plan.status, snapshot_path,
                    tuple(written), plan.kept, plan.updated,
                )
            )  # fmt: skip
    return results
