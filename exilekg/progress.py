"""Progress of a long build, for whoever wants to show it: the CLI draws bars on stderr.

The stages of a build, in order: ``read`` (the corpus), ``validate``, ``mentions``, ``map and
write`` (in triples), then ``write JSON-LD`` (in nodes), ``write Turtle`` and ``write TriG``
(in triples) for the outputs finished after the stream, and ``describe`` (``void.ttl``).

The library only reports; it never prints. A reporter is told when a stage starts
(with its total when known beforehand) and how far it has got. Reports come in
batches of work, so a reporter costs nothing measurable even on a large build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["Progress", "StageCallback", "StageNames", "as_progress"]

StageCallback = Callable[[str], None]
"""What a caller may give instead of a :class:`Progress`: a function told each stage's name."""


@runtime_checkable
class Progress(Protocol):
    """Receives a build's progress: stages in order, each advanced by amounts of ``unit``."""

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        """A new stage begins (the previous one is done); ``total`` is None when not known beforehand."""

    def advance(self, amount: int = 1) -> None:
        """``amount`` more units of the current stage are done."""

    def finish(self) -> None:
        """The build is over (successfully or not)."""


class StageNames:
    """A :class:`Progress` that passes only stage names on, to a :data:`StageCallback`."""

    def __init__(self, callback: StageCallback) -> None:
        self.callback = callback

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        self.callback(name)

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class _Silent:
    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


def as_progress(progress: Progress | StageCallback | None) -> Progress:
    """A reporter from what a caller gave: a :class:`Progress`, a callback of stage names, or nothing."""
    if progress is None:
        return _Silent()
    if isinstance(progress, Progress):
        return progress
    return StageNames(progress)
