"""What every writer shares: the engine enum, the writer interface, the batch size and format labels."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Protocol

from exilekg.formats import RdfFormat
from exilekg.progress import Progress
from exilekg.terms import Quad

__all__ = ["BATCH", "ENGINES", "LABELS", "Finisher", "QuadWriter", "Target", "WriterEngine"]


class WriterEngine(enum.Enum):
    """Which writers a build uses: ``FAST`` (the default) or ``RDFLIB``, the tested-against reference."""

    FAST = "fast"
    RDFLIB = "rdflib"


ENGINES: tuple[WriterEngine, ...] = tuple(WriterEngine)

BATCH = 4096
"""Quads handed to the writers at a time: large enough that per-call costs vanish, small enough to stay
in the CPU caches."""

LABELS = {
    RdfFormat.TURTLE: "Turtle",
    RdfFormat.TRIG: "TriG",
    RdfFormat.JSONLD: "JSON-LD",
    RdfFormat.NTRIPLES: "N-Triples",
    RdfFormat.NQUADS: "N-Quads",
}
"""Each format's name as people write it, for progress stages and distribution titles."""


class QuadWriter:
    """Consumes quads; ``close`` finishes the output.

    ``repeats`` (in :meth:`write_many`) are the positions of quads whose triple an earlier quad
    of the stream already gave in another graph: writers of triple-only formats leave them out.
    """

    def write(self, quad: Quad) -> None:
        self.write_many((quad,))

    def write_many(self, quads: Sequence[Quad], repeats: Sequence[int] = ()) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish writing; the default writer has nothing buffered."""

    def finish(self, progress: Progress) -> None:
        """``close``, telling ``progress`` how it goes when there is much left to write."""
        self.close()

    def abort(self) -> None:
        """Give up: release what the writer holds (a worker process) without finishing."""


class Target(Protocol):
    """Where text goes: an output stream, or a conversion fed with it."""

    def write(self, text: str, /) -> Any: ...


class Finisher(Protocol):
    """What finishes an output once every quad is in: a writer, or a Turtle or TriG conversion."""

    def close(self) -> None: ...

    def finish(self, progress: Progress) -> None: ...

    def abort(self) -> None: ...
