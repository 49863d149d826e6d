"""Turtle or TriG from N-Triples or N-Quads text, written by pyoxigraph.

:mod:`exilekg.writers.oxigraph` calls :func:`convert` in-process for small outputs and, for large
ones, runs this file as a process of its own (``python -P _oxworker.py FORMAT PREFIXES SPOOL``,
the output file as stdout), so that a build's Turtle and TriG are written on another core while
it maps the corpus and writes JSON-LD. The build appends the text to the spool file as it goes
and closes the worker's stdin once the text is complete; the worker reads the file as it grows,
so the build never waits for it. The file imports nothing of exilekg: the process starts in the
time pyoxigraph takes to import, not the whole library's.
"""

from __future__ import annotations

import io
import json
import os
import select
import sys
from pathlib import Path
from typing import IO

import pyoxigraph as ox

__all__ = ["FORMATS", "convert", "main"]

FORMATS: dict[str, tuple[ox.RdfFormat, ox.RdfFormat]] = {
    "turtle": (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE),
    "trig": (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG),
}
"""Each output this worker writes, with the syntax of its input."""


def convert(source: IO[bytes] | bytes, target: IO[bytes], output: str, prefixes: dict[str, str]) -> None:
    """Parse ``source`` and write it to ``target`` as ``output`` (a key of :data:`FORMATS`).

    Both ends stream: pyoxigraph reads the input in chunks and writes a subject's
    triples as one block when they arrive together, so memory stays flat.
    """
    given, wanted = FORMATS[output]
    ox.serialize(ox.parse(source, format=given), target, wanted, prefixes=prefixes)


class GrowingFile(io.RawIOBase):
    """A file another process is still appending to; it ends once ``done`` (a pipe) is closed."""

    def __init__(self, path: str, done: int) -> None:
        self.file = Path(path).open("rb", buffering=0)  # noqa: SIM115 -- closed with this reader
        self.done = done
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            count = self.file.readinto(buffer)
            if count or self.finished:
                return count or 0
            # Nothing new yet: wait for more text, or for the writer to say it has all been written
            # (after which one more read takes what was appended meanwhile).
            ready, _, _ = select.select([self.done], [], [], 0.05)
            if ready and not os.read(self.done, 4096):
                self.finished = True

    def close(self) -> None:
        self.file.close()
        super().close()


def main(argv: list[str]) -> int:
    output, prefixes, spool = argv[1], json.loads(argv[2]), argv[3]
    try:
        with GrowingFile(spool, sys.stdin.fileno()) as source:
            convert(io.BufferedReader(source, 1 << 20), sys.stdout.buffer, output, prefixes)
        sys.stdout.buffer.flush()
    except (ValueError, SyntaxError, OSError) as exc:
        # The parent reports this text as the reason its output could not be written.
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
