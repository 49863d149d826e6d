"""``exilekg init``: a new, empty corpus folder ready for ``exilekg ingest``."""

from __future__ import annotations

import json
from pathlib import Path

from exilekg.atomic import write_bytes
from exilekg.errors import IngestError
from exilekg.ingest.text import slugify

__all__ = ["CORPUS_FOLDERS", "TO_FILL", "init_corpus"]

CORPUS_FOLDERS = ("documents", "records", "texts")

TO_FILL = ("title", "description", "base", "license", "maintainer")
"""The fields of the new corpus.json whose values are only a starting point for the curator."""


def init_corpus(
    folder: Path,
    *,
    title: str | None = None,
    base: str | None = None,
    license_url: str = "https://creativecommons.org/licenses/by/4.0/",
) -> Path:
    """Create ``folder`` as a corpus: a valid ``corpus.json`` to complete, and empty
    ``documents/``, ``records/`` and ``texts/``. Returns the path of corpus.json.

    Refuses a folder that already holds a corpus.json, so that nothing is overwritten.
    """
    folder = Path(folder)
    meta_path = folder / "corpus.json"
    if meta_path.exists():
        raise IngestError(
            "the folder already holds a corpus", path=meta_path, hint="ingest into it, or pick a new folder"
        )
    if folder.exists() and not folder.is_dir():
        raise IngestError("not a folder", path=folder, hint="give a new folder's path")
    corpus_id = slugify(folder.resolve().name) or "corpus"
    meta = {
        "id": corpus_id,
        "title": title or folder.resolve().name,
        "description": "What this corpus collects, and why.",
        "base": base or f"https://example.org/{corpus_id}/",
        "license": license_url,
        "version": "0.1.0",
        "maintainer": {"name": "Who maintains it"},
    }
    for name in CORPUS_FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    write_bytes(meta_path, (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return meta_path
