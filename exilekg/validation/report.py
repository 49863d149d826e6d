"""What validation found: the report every check adds to, and the pointers it names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exilekg.anchor import Anchor
from exilekg.corpus import Record, Source
from exilekg.errors import Problem, ValidationError
from exilekg.sourcemap import escape_pointer

if TYPE_CHECKING:
    from exilekg.validation.known import Known

__all__ = ["EvidenceKey", "Token", "ValidationReport", "nodes", "pointer", "short"]

EvidenceKey = tuple[str, int]
"""(record id, index of the evidence item)."""

Token = str | int
"""A step of a JSON pointer: a member name or an array index."""


@dataclass
class ValidationReport:
    """Everything validation found, plus what it located and what it could not check."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """What is valid but unlikely to be right (a boilerplate headline, a placeholder date): never fails."""
    skipped: list[str] = field(default_factory=list)
    anchors: dict[EvidenceKey, Anchor] = field(default_factory=dict)
    evidence_total: int = 0
    known: Known | None = None
    """What the next validation may trust of this one (see :mod:`exilekg.validation.known`): set by
    ``validate(..., known=...)`` when the corpus passed."""
    record_keys: dict[int, tuple[Record, str]] = field(default_factory=dict, repr=False)
    """Each record with its :func:`~exilekg.validation.known.record_key` (its kind and data), by
    ``id(record)`` (the record is held, so that the number stays its own): made by
    ``validate(..., known=...)``, and what an incremental build's digest of the record's unit takes
    in place of its data again (:meth:`record_key`)."""

    def record_key(self, record: Record) -> str | None:
        """The key validation made of ``record`` (this very object), if it made one."""
        found = self.record_keys.get(id(record))
        return found[1] if found is not None and found[0] is record else None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def evidence_verified(self) -> int:
        return len(self.anchors)

    def raise_for_problems(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def add(
        self, source: Source, sub_pointer: str, message: str, hint: str | None = None, code: str = "invalid"
    ) -> None:
        self.problems.append(Problem(source.locate(sub_pointer), message, hint, code))


def pointer(path: tuple[Token, ...]) -> str:
    """The JSON pointer of a path below a record."""
    return "".join(f"/{escape_pointer(token)}" for token in path)


def short(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it, cut to ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def nodes(value: Any) -> Iterator[tuple[tuple[Token, ...], Any]]:
    """``value`` and every member and item below it, with its path, in document order.

    A loop rather than recursion, so that no nesting depth json.loads accepted stops it.
    """
    stack: list[tuple[tuple[Token, ...], Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            stack.extend(reversed([((*path, key), item) for key, item in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([((*path, index), item) for index, item in enumerate(node)]))
