"""Turtle or TriG from N-Triples or N-Quads text, written by pyoxigraph.

:mod:`exilekg.serialize` calls :func:`convert` in-process for small outputs and, for large
ones, runs this file as a process of its own (``python -P _oxworker.py FORMAT PREFIXES``,
text on stdin, the output file as stdout), so that a build's Turtle and TriG are written on
another core while it maps the corpus and writes JSON-LD. The file imports nothing of exilekg:
the process starts in the time pyoxigraph takes to import, not the whole library's.
"""

from __future__ import annotations

import json
import sys
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


def main(argv: list[str]) -> int:
    output, prefixes = argv[1], json.loads(argv[2])
    try:
        convert(sys.stdin.buffer, sys.stdout.buffer, output, prefixes)
        sys.stdout.buffer.flush()
    except (ValueError, SyntaxError, OSError) as exc:
        # The parent reports this text as the reason its output could not be written.
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
