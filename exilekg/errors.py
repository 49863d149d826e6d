"""The one exception tree of exilekg.

Every error the library raises on purpose derives from :class:`ExilekgError` and
carries where the problem is (``path``, a JSON ``pointer``, ``line`` and
``column`` where known), what is wrong (``message``) and how to fix it
(``hint``)::

    ExilekgError
    ├── CorpusError          a corpus cannot be read (missing file, malformed JSON, bad encoding)
    ├── ValidationError      the corpus was read but breaks the rules; holds every problem found
    ├── EvidenceError        an evidence phrase cannot be anchored in its document's text
    ├── SerializationError   a graph cannot be written in the requested format
    ├── OutputError          an output file or folder cannot be written (a file in the way, no
    │                        permission, a full disk): the operating system's error, with the path
    ├── FormatError          an unknown RDF format name or file extension
    ├── QueryError           a SPARQL query is malformed, unknown, or misses a parameter
    ├── StoreError           a triple store refused or failed a request
    ├── CheckError           a dump cannot be checked (unreadable, unparsable)
    ├── IngestError          a plain-text article cannot be ingested
    ├── PublishError         a static site cannot be written
    └── ReconcileError       a reconciliation service failed, answered wrongly, or a review cannot be applied
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CheckError",
    "CorpusError",
    "EvidenceError",
    "ExilekgError",
    "FormatError",
    "IngestError",
    "Location",
    "OutputError",
    "Problem",
    "PublishError",
    "QueryError",
    "ReconcileError",
    "SerializationError",
    "StoreError",
    "ValidationError",
]


@dataclass(frozen=True)
class Location:
    """Where in the input a problem sits. Every part is optional."""

    path: Path | None = None
    pointer: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.pointer is not None:
            parts.append(self.pointer if self.pointer else "/")
        return " ".join(parts) if parts else "<input>"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, what, and how to fix it."""

    location: Location
    message: str
    hint: str | None = None
    code: str = "invalid"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class ExilekgError(Exception):
    """Base of every error exilekg raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        pointer: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.pointer = pointer
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def location(self) -> Location:
        return Location(self.path, self.pointer, self.line, self.column)

    def __str__(self) -> str:
        loc = self.location
        text = self.message if loc == Location() else f"{loc}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class CorpusError(ExilekgError):
    """A corpus folder or one of its files cannot be read."""


class ValidationError(ExilekgError):
    """The corpus breaks the rules. ``problems`` lists every problem of the run."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the corpus")
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return "\n".join([*(str(p) for p in self.problems), self.message])


class EvidenceError(ExilekgError):
    """An evidence phrase does not occur in its document, or occurs ambiguously."""


class SerializationError(ExilekgError):
    """A graph cannot be written in the requested format."""


class OutputError(ExilekgError):
    """An output file or folder cannot be written; made from the operating system's error."""

    @classmethod
    def from_os_error(cls, exc: OSError, path: Path | str | None = None) -> OutputError:
        """The error for ``exc`` met while writing ``path`` (or the file ``exc`` names)."""
        where = path if path is not None else exc.filename
        reason = exc.strerror or str(exc)
        if isinstance(exc, NotADirectoryError | FileExistsError):
            hint = "a file stands where a folder is needed: give a folder path, or move the file away"
        elif isinstance(exc, IsADirectoryError):
            hint = "a folder stands where the file should be written: remove it or choose another path"
        elif isinstance(exc, PermissionError):
            hint = "choose a folder you may write to, or change its permissions"
        elif exc.errno == errno.ENOSPC:
            hint = "free some disk space, or write somewhere else"
        else:
            hint = "check that the folder exists and can be written to"
        return cls(f"cannot write: {reason}", path=where, hint=hint)


class FormatError(ExilekgError):
    """An RDF format name or file extension is not known."""


class QueryError(ExilekgError):
    """A SPARQL query is malformed, unknown, or lacks a parameter."""


class StoreError(ExilekgError):
    """A triple store refused or failed a request."""


class CheckError(ExilekgError):
    """A dump cannot be read for checking."""


class IngestError(ExilekgError):
    """A plain-text article cannot be ingested."""


class PublishError(ExilekgError):
    """A static site cannot be written."""


class ReconcileError(ExilekgError):
    """A reconciliation service cannot be reached or answers wrongly, or a review file cannot be applied."""
