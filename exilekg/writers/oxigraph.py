"""Turtle and TriG, written by pyoxigraph from the N-Triples or N-Quads text the line writer makes.

Small outputs are converted in-process; large ones in worker processes
(:mod:`exilekg.writers._oxworker`) that run on the other core while the build maps.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import IO

from exilekg.atomic import temporary_file
from exilekg.errors import SerializationError
from exilekg.formats import RdfFormat
from exilekg.progress import Progress
from exilekg.terms import PREFIXES
from exilekg.writers import _oxworker
from exilekg.writers.base import LABELS
from exilekg.writers.lines import LineWriter

__all__ = ["IN_PROCESS_LIMIT", "WORKER_FORMATS", "Conversion"]

WORKER_FORMATS = {RdfFormat.TURTLE: "turtle", RdfFormat.TRIG: "trig"}

IN_PROCESS_LIMIT = 4 << 20
"""Bytes of N-Triples or N-Quads text below which Turtle or TriG is written in-process.

Beyond it (some 30,000 quads) the text is handed to a process of its own as it is written, so
that pyoxigraph parses and writes on another core while this one maps: on a million triples,
that takes Turtle and TriG (three to four seconds each) off the build's time. Below it, starting
a process would cost more than it saves."""

_WORKER_NICENESS = 10


def _yield_to_the_build(pid: int) -> None:
    """Let the build's own process have the CPU first: the workers catch up on the cores it leaves.

    The build's process is the one everything waits for; with two workers and two cores, equal
    shares slowed its mapping by a third, while the workers need less than the other core.
    """
    if hasattr(os, "setpriority"):
        with suppress(OSError):  # a worker that has already ended, or a platform that refuses
            os.setpriority(os.PRIO_PROCESS, pid, _WORKER_NICENESS)


def _file_descriptor(out: IO[str]) -> int | None:
    """The descriptor a worker process can write ``out`` through, or None (an in-memory stream)."""
    try:
        return out.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


class Conversion:
    """Turtle or TriG, converted by pyoxigraph from the N-Triples or N-Quads text the line writer makes.

    Parsing that text back is done in Rust, and measured faster than making a pyoxigraph term in
    Python for every quad. The text is kept in memory until it passes :data:`IN_PROCESS_LIMIT`;
    then (when ``out`` is a file, on a POSIX system) a worker process (:mod:`exilekg.writers._oxworker`)
    is started with ``out`` as its standard output, and the text is appended to a spool file the
    worker reads as it grows. A file rather than a pipe: the build never waits for the worker.
    ``source``, the N-Triples or N-Quads output the same text goes to (its stream and file), spares
    the spool: the worker reads that file as it grows.
    """

    def __init__(
        self,
        out: IO[str],
        fmt: RdfFormat,
        spool_dir: Path | None,
        source: tuple[IO[str], Path] | None = None,
        *,
        find_statements: bool = False,
    ) -> None:
        self.out = out
        self.source = source
        self.fmt = fmt
        self.spool_dir = spool_dir
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.descriptor = _file_descriptor(out) if os.name == "posix" else None
        self.worker: subprocess.Popen[bytes] | None = None
        self.errors: IO[bytes] | None = None
        self.spool: IO[bytes] | None = None
        self.spool_path: Path | None = None
        self.lines: LineWriter | None = None
        """The writer of the text, whose counts are this output's progress."""
        self.find_statements = find_statements
        self.statements: _oxworker.Statements | None = None
        """Where the output's statements begin, once it is written, when asked (``find_statements``):
        found as pyoxigraph writes them, by the worker when there is one."""
        self.statements_path: Path | None = None

    # the line writer's target

    def write(self, text: str) -> None:
        if self.worker is not None and self.spool is None:
            return  # the worker follows the source's file, which holds the same text
        self.write_bytes(text.encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        """Append text already encoded (UTF-8)."""
        if self.spool is not None:
            self.spool.write(data)
            return
        if self.worker is not None:
            return  # following the source's file
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size > IN_PROCESS_LIMIT and self.descriptor is not None:
            if self.source is not None:
                self.follow(self.source[1])
            else:
                self._start_worker()

    def _start_worker(self) -> None:
        # Named so that the worker opens it with an offset of its own; a build's clean-up
        # (exilekg.atomic.remove_leftovers) finds it by this name if a killed build leaves it behind.
        fd, spool_path = temporary_file(self.spool_dir, f"exilekg.{self.fmt.extension}.source")
        self.spool_path = spool_path
        self.spool = os.fdopen(fd, "wb", buffering=1 << 20)
        pending, self.pending, self.pending_size = self.pending, [], 0
        self.spool.write(b"".join(pending))
        self.spool.flush()
        self._launch(spool_path)

    def follow(self, source: Path) -> None:
        """Convert the text another writer appends to the file ``source`` (flushed as it goes)
        rather than text given here; a worker process starts at once. Call before any write, or
        with all that was written already in ``source``."""
        assert self.worker is None
        self.pending, self.pending_size = [], 0
        if self.source is not None:
            self.source[0].flush()
        self._launch(source)

    def _launch(self, source: Path) -> None:
        if self.descriptor is None:
            raise SerializationError(f"{LABELS[self.fmt]} is written by a worker only into a file")
        path = str(source)
        self.out.flush()
        found: list[str] = []
        if self.find_statements:
            # Named as a spool, which a build's clean-up removes if a killed build leaves it.
            fd, self.statements_path = temporary_file(
                self.spool_dir, f"exilekg.{self.fmt.extension}.statements"
            )
            os.close(fd)
            found = [str(self.statements_path)]
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in _wait
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-P",  # the worker's folder must not shadow modules on sys.path
                _oxworker.__file__,
                WORKER_FORMATS[self.fmt],
                json.dumps(PREFIXES),
                path,
                str(os.getpid()),  # the worker dies with this process
                *found,
            ],
            stdin=subprocess.PIPE,  # closed once all the text is in the spool
            stdout=self.descriptor,
            stderr=self.errors,
        )
        _yield_to_the_build(self.worker.pid)

    def _wait(self) -> None:
        assert self.worker is not None and self.errors is not None
        try:
            if self.spool is not None:
                self.spool.close()  # flushes the last of the text before the worker is told it is all there
            if self.spool is None and self.source is not None:
                self.source[0].flush()
            with suppress(OSError):  # a worker that failed has closed its end
                assert self.worker.stdin is not None
                self.worker.stdin.write(_oxworker.COMPLETE)
                self.worker.stdin.close()
            code = self.worker.wait()
            self.errors.seek(0)
            message = self.errors.read().decode("utf-8", "replace").strip()
            if code == 0 and self.statements_path is not None:
                # Unreadable, they are left unknown: a build that needs them then says so.
                with suppress(OSError, ValueError):
                    self.statements = _oxworker.Statements.from_bytes(self.statements_path.read_bytes())
        finally:
            self._release()
        if code != 0:
            raise SerializationError(
                f"pyoxigraph could not write {LABELS[self.fmt]}: {message or f'exit status {code}'}"
            )

    def _release(self) -> None:
        if self.errors is not None:
            self.errors.close()
        if self.spool is not None:
            with suppress(OSError):
                self.spool.close()
        if self.spool_path is not None:
            self.spool_path.unlink(missing_ok=True)
        if self.statements_path is not None:
            self.statements_path.unlink(missing_ok=True)
        if self.worker is not None and self.worker.stdin is not None:
            with suppress(OSError):
                self.worker.stdin.close()

    # finishing

    def close(self) -> None:
        if self.worker is not None:
            self._wait()
            return
        source = b"".join(self.pending)
        self.pending = []
        output = WORKER_FORMATS[self.fmt]
        try:
            binary = getattr(self.out, "buffer", None)
            if binary is not None:  # a file: pyoxigraph writes its bytes straight into it
                self.out.flush()
                self._convert(source, binary, output)
                binary.flush()
            else:
                buffer = io.BytesIO()
                self._convert(source, buffer, output)
                self.out.write(buffer.getvalue().decode("utf-8"))
        except (ValueError, SyntaxError) as exc:  # pyoxigraph refused a term validation let through
            raise SerializationError(f"pyoxigraph could not write {LABELS[self.fmt]}: {exc}") from exc

    def _convert(self, source: bytes, target: IO[bytes], output: str) -> None:
        if self.find_statements:
            self.statements = _oxworker.convert_finding(source, target, output, PREFIXES)
        else:
            _oxworker.convert(source, target, output, PREFIXES)

    def finish(self, progress: Progress, total: int | None = None) -> None:
        """Wait for the output, as a stage of ``progress`` of ``total`` triples (by default, those
        the line writer gave)."""
        if total is None and self.lines is not None:  # Turtle holds the distinct triples, TriG every quad
            total = self.lines.count if self.fmt.supports_datasets else self.lines.triples
        progress.stage(f"write {LABELS[self.fmt]}", total, "triples")
        self.close()
        if total is not None:
            progress.advance(total)

    def abort(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.kill()
            self.worker.wait()
        self._release()
