"""Where the shipped data files live: inside the wheel, or beside the package in a checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONTEXT_IRI", "context_path", "schemas_dir", "vocab_dir"]

CONTEXT_IRI = "https://w3id.org/exilekg/context.jsonld"
"""The IRI our JSON-LD output names as its ``@context``; served from :func:`context_path`."""

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # A wheel carries the folder under exilekg/_data/; an editable install or a
    # checkout finds it at the repository's top level.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"exilekg data folder {name!r} is missing from the installation")


def schemas_dir() -> Path:
    return _data_dir("schemas")


def vocab_dir() -> Path:
    return _data_dir("vocab")


def context_path() -> Path:
    return vocab_dir() / "context.jsonld"
