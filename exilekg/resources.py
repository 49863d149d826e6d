"""Where the shipped data files live (inside the wheel, or beside the package in a checkout), and
the one reader of the JSON Schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CONTEXT_IRI",
    "OUTPUT_SCHEMA_BASE",
    "SCHEMA_BASE",
    "context_path",
    "output_schema_uri",
    "output_schemas",
    "schema_uri",
    "schemas",
    "schemas_dir",
    "vocab_dir",
]

CONTEXT_IRI = "https://w3id.org/exilekg/context.jsonld"
"""The IRI our JSON-LD output names as its ``@context``; served from :func:`context_path`."""

SCHEMA_BASE = "https://w3id.org/exilekg/schemas/"
"""The ``$id`` of ``schemas/{name}.schema.json`` is ``{SCHEMA_BASE}{name}.schema.json``."""

OUTPUT_SCHEMA_BASE = f"{SCHEMA_BASE}output/"
"""Likewise for the output schemas in ``schemas/output/``."""

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


def schema_uri(name: str) -> str:
    """The ``$id`` of the input schema ``name`` (``person``, ``document``, ``common`` ...)."""
    return f"{SCHEMA_BASE}{name}.schema.json"


def output_schema_uri(name: str) -> str:
    """The ``$id`` of the output schema ``name`` (``node``, ``person``, ``annotation`` ...)."""
    return f"{OUTPUT_SCHEMA_BASE}{name}.schema.json"


@cache
def schemas() -> dict[str, Any]:
    """Every input schema (``schemas/*.schema.json``) by its ``$id``, read once per process.

    Shared by every validator built from them: read it, never change it.
    """
    return _read_schemas(schemas_dir())


@cache
def output_schemas() -> dict[str, Any]:
    """Every output schema (``schemas/output/*.schema.json``) by its ``$id``, read once per process."""
    return _read_schemas(schemas_dir() / "output")


def _read_schemas(folder: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in sorted(folder.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[schema["$id"]] = schema
    return found
