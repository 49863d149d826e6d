"""Turtle or TriG from N-Triples or N-Quads text, written by pyoxigraph.

:mod:`exilekg.writers.oxigraph` calls :func:`convert` in-process for small outputs and, for large
ones, runs this file as a process of its own (``python -P _oxworker.py FORMAT PREFIXES SPOOL
PARENT``, the output file as stdout), so that a build's Turtle and TriG are written on another
core while it maps the corpus and writes JSON-LD (with a fifth argument, a file to write the
output's :class:`Statements` into, for a build that places its units in the output). The build
appends the text to the spool file as
it goes and, once the text is complete, writes :data:`COMPLETE` to the worker's stdin and closes
it; the worker reads the file as it grows, so the build never waits for it. The file imports
nothing of exilekg: the process starts in the time pyoxigraph takes to import, not the whole
library's.

A worker dies with its build. On Linux the kernel kills it when its parent does
(``PR_SET_PDEATHSIG``); everywhere, a stdin that ends without :data:`COMPLETE` means the build
died (its end of the pipe closed with it), and the worker stops at once instead of writing
Turtle from half the text into a file nobody will rename.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import re
import select
import signal
import sys
from contextlib import suppress
from pathlib import Path
from typing import IO, Any, cast

import orjson
import pyoxigraph as ox

__all__ = [
    "COMPLETE",
    "FORMATS",
    "BuildGone",
    "Statements",
    "convert",
    "convert_finding",
    "die_with_parent",
    "main",
]

COMPLETE = b"complete\n"
"""What the build writes to a worker's stdin once all the text is in the spool."""

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

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
    # Lenient: the text is exilekg's own, its IRIs and language tags checked when the records were
    # validated and the terms minted. pyoxigraph's checking them again took a third of the
    # conversion (1M triples: 2.97 s of CPU for Turtle and TriG, 1.90 s lenient, the same bytes).
    # The syntax is still checked.
    ox.serialize(ox.parse(source, format=given, lenient=True), target, wanted, prefixes=prefixes)


_TURTLE_STATEMENT = re.compile(rb"^[^\t@\n]", re.MULTILINE)
_TRIG_LINE = re.compile(rb"^(\t?)[^\t@\n]", re.MULTILINE)


class Statements:
    """Where the statements of the Turtle or TriG pyoxigraph writes begin, found as it writes them.

    pyoxigraph starts each statement (a subject's run of triples) on a line of its own that no tab,
    ``@`` or newline begins, and in TriG indents the statements of a graph block by a tab, opening
    the block with a line ``<g> {`` and closing it with ``}``. Turtle gives :attr:`starts`; TriG
    gives :attr:`blocks`, each statement's start, its end (where the next line that is not a
    continuation begins, or the end of the text) and the number of its block's opening line in
    :attr:`graphs` (-1 before any). Only whole lines are looked at: the end of a write is kept
    until the next one completes its line.
    """

    def __init__(self, output: str) -> None:
        self.trig = output == "trig"
        self.starts: list[int] = []
        self.blocks: list[tuple[int, int, int]] = []
        self.graphs: list[str] = []
        self.size = 0
        """Bytes written so far."""
        self._tail: list[bytes] = []
        """The writes since the last newline (kept apart, so that a long line is joined once)."""
        self._open = -1
        self._graph = -1

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        whole = chunk.rfind(b"\n") + 1
        if not whole:
            self._tail.append(chunk)
            return
        tail = b"".join(self._tail)
        data = tail + chunk if tail else chunk
        self._scan(data, len(tail) + whole, self.size - len(data))
        self._tail = [chunk[whole:]] if whole < len(chunk) else []

    def close(self) -> None:
        """The text has ended: its last line is looked at, and the last statement ended."""
        tail = b"".join(self._tail)
        self._tail = []
        self._scan(tail, len(tail), self.size - len(tail))
        if self._open >= 0:
            self.blocks.append((self._open, self.size, self._graph))
            self._open = -1

    def _scan(self, data: bytes, end: int, base: int) -> None:
        if not self.trig:
            self.starts += [base + m.start() for m in _TURTLE_STATEMENT.finditer(data, 0, end)]
            return
        blocks, graphs = self.blocks, self.graphs
        for m in _TRIG_LINE.finditer(data, 0, end):
            at = m.start()
            if self._open >= 0:
                blocks.append((self._open, base + at, self._graph))
                self._open = -1
            if m.group(1):
                self._open = base + at
            elif data[at : at + 1] != b"}":
                line = data.find(b"\n", at, end)
                graphs.append(data[at : line if line >= 0 else end].decode("utf-8"))
                self._graph = len(graphs) - 1

    def to_bytes(self) -> bytes:
        return orjson.dumps([self.trig, self.starts, self.blocks, self.graphs, self.size])

    @classmethod
    def from_bytes(cls, data: bytes) -> Statements:
        """What :meth:`to_bytes` wrote; raises ValueError for anything else."""
        try:
            trig, starts, blocks, graphs, size = orjson.loads(data)
            numbers = [*starts, *(n for block in blocks for n in block), size]
            sound = (
                isinstance(trig, bool)
                and all(type(n) is int for n in numbers)
                and all(len(block) == 3 for block in blocks)
                and all(isinstance(graph, str) for graph in graphs)
            )
        except (orjson.JSONDecodeError, TypeError, ValueError):
            sound = False
        if not sound:
            raise ValueError("not a list of statements")
        found = cls("trig" if trig else "turtle")
        found.starts, found.graphs, found.size = starts, graphs, size
        found.blocks = [(start, end, graph) for start, end, graph in blocks]
        return found


class _Finding(io.RawIOBase):
    """A binary output that passes what is written on, finding its statements."""

    def __init__(self, target: IO[bytes], found: Statements) -> None:
        super().__init__()
        self.target, self.found = target, found

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.target.write(chunk)
        self.found.feed(chunk)
        return len(chunk)

    def flush(self) -> None:
        self.target.flush()


def convert_finding(
    source: IO[bytes] | bytes, target: IO[bytes], output: str, prefixes: dict[str, str]
) -> Statements:
    """:func:`convert`, and where the statements it wrote begin."""
    found = Statements(output)
    convert(source, cast("IO[bytes]", _Finding(target, found)), output, prefixes)  # a raw writer
    found.close()
    return found


class BuildGone(Exception):
    """The build that started this worker died before its text was complete."""


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies (Linux), and stop now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no usable C library: the pipe still tells
            pass
    # The parent may have died before prctl took effect: this process was then handed to another.
    if os.getppid() != parent:
        raise BuildGone(f"the build (process {parent}) ended before this worker started")


class GrowingFile(io.RawIOBase):
    """A file another process is still appending to; it ends once ``done`` (a pipe) says
    :data:`COMPLETE` and is closed, and raises :class:`BuildGone` if the pipe closes without."""

    def __init__(self, path: str, done: int) -> None:
        self.file = Path(path).open("rb", buffering=0)  # noqa: SIM115 -- closed with this reader
        self.done = done
        self.said = b""
        self.finished = False

    def readable(self) -> bool:
        return True

    def _listen(self, timeout: float) -> None:
        ready, _, _ = select.select([self.done], [], [], timeout)
        if not ready:
            return
        chunk = os.read(self.done, 4096)
        if chunk:
            self.said += chunk
        elif self.said == COMPLETE:
            self.finished = True
        else:
            raise BuildGone("the build ended before all its text was written")

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            if not self.finished:
                self._listen(0)  # a build killed while this worker is behind stops it here
            count = self.file.readinto(buffer)
            if count or self.finished:
                return count or 0
            # Nothing new yet: wait for more text, or for the writer to say it has all been written
            # (after which one more read takes what was appended meanwhile).
            self._listen(0.05)

    def close(self) -> None:
        self.file.close()
        super().close()


def _sync(fd: int) -> None:
    """The output on disk, synced here beside the build, so that the build's own sync before it
    renames the file finds nothing left to write (an output that cannot be synced, such as a
    pipe, is left to the build)."""
    with suppress(OSError):
        os.fsync(fd)


def main(argv: list[str]) -> int:
    output, prefixes, spool, parent = argv[1], json.loads(argv[2]), argv[3], int(argv[4])
    statements = argv[5] if len(argv) > 5 else None  # where to write Statements, when asked
    try:
        die_with_parent(parent)
        with GrowingFile(spool, sys.stdin.fileno()) as source:
            reader = io.BufferedReader(source, 1 << 20)
            if statements is None:
                convert(reader, sys.stdout.buffer, output, prefixes)
            else:
                found = convert_finding(reader, sys.stdout.buffer, output, prefixes)
        sys.stdout.buffer.flush()
        if statements is not None:
            Path(statements).write_bytes(found.to_bytes())
        _sync(sys.stdout.fileno())
    except (ValueError, SyntaxError, OSError) as exc:
        # The parent reports this text as the reason its output could not be written.
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 1
    except BuildGone as exc:  # nobody is left to read a message
        sys.stderr.write(f"{exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
