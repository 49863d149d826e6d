"""The bytes of the dumps: the previous build's, mapped into memory, and the new ones, counted
and digested as they are written."""

from __future__ import annotations

import errno
import hashlib
import mmap
import os
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from queue import SimpleQueue
from typing import IO

from exilekg.manifest import OutputDigest
from exilekg.writeback import Writeback

__all__ = [
    "BinaryOut",
    "OldDumps",
    "OldFile",
    "Parts",
    "Unspliceable",
    "copy_in_kernel",
    "mapped_file",
    "write_all",
]


class Unspliceable(Exception):
    """The corpus maps one subject in two units, which splicing cannot keep apart (a full build must)."""


class Parts:
    """A text target that keeps what is written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.write = self.parts.append

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


@dataclass(frozen=True, eq=False)
class OldFile:
    """One of the previous build's dumps: its bytes (mapped into memory) and, where it is a file
    still open, its descriptor, for copies made in the kernel."""

    data: mmap.mmap | bytes
    fd: int | None = None


_EMPTY = OldFile(b"")


class OldDumps:
    """The previous build's dumps, mapped into memory to copy unchanged units' text from."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.files: dict[str, OldFile] = {}
        self.out = out
        self.stack = stack

    def file(self, name: str) -> OldFile:
        found = self.files.get(name)
        if found is None:
            path = self.out / name
            if not path.stat().st_size:
                found = _EMPTY
            else:
                stream = self.stack.enter_context(path.open("rb"))
                found = OldFile(_mapped(stream, self.stack), stream.fileno())
            self.files[name] = found
        return found


_Copy = tuple[OldFile, int, int]


class _Writing:
    """A thread that writes one output's text in order and digests it, beside the build: the
    kernel's copies and the hashing (both without the GIL) run while the build maps and lays out
    the rest. Every :data:`~exilekg.writeback.WRITEBACK_STEP` bytes it starts their writeback, so
    that the disk writes beside the build; once all is written the thread syncs the file (waiting
    for what is still in flight), which the commit then finds clean."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.sha = hashlib.sha256()
        self.written = 0
        """Bytes written so far (the file's end, as the thread writes it from its start)."""
        self.writeback = Writeback(fd)
        self.queue: SimpleQueue[bytes | _Copy | None] = SimpleQueue()
        self.error: BaseException | None = None
        self.stopping = False
        self.ended = False
        self.thread = threading.Thread(target=self._run, name="exilekg-output", daemon=True)
        self.thread.start()

    def write(self, data: bytes) -> None:
        self.queue.put(data)

    def copy(self, source: OldFile, start: int, end: int) -> None:
        self.queue.put((source, start, end))

    def end(self) -> None:
        """Nothing more is to be written: the thread syncs the file once it has written the rest."""
        if not self.ended:
            self.ended = True
            self.queue.put(None)

    def finish(self) -> str:
        """The digest of the whole text, once written and synced."""
        self.end()
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.sha.hexdigest()

    def stop(self) -> None:
        """The write failed: what is queued is dropped, and the thread ends."""
        self.stopping = True
        self.queue.put(None)
        self.thread.join()

    def _run(self) -> None:
        while (op := self.queue.get()) is not None:
            if self.error is not None or self.stopping:
                continue  # the writer learns of the error at finish(); the rest is dropped
            try:
                self._do(op)
                self.writeback.reached(self.written)
            except BaseException as exc:
                self.error = exc
        if self.error is None and not self.stopping:
            try:
                os.fsync(self.fd)
            except OSError as exc:
                self.error = exc

    def _do(self, op: bytes | _Copy) -> None:
        if isinstance(op, bytes):
            write_all(self.fd, op)
            self.sha.update(op)
            self.written += len(op)
            return
        source, start, end = op
        self.written += end - start
        at = start
        if source.fd is not None:
            at += copy_in_kernel(source.fd, start, end, self.fd)
            if at == end:
                self._digest_file(source.fd, start, end)
                return
        with memoryview(source.data) as whole:
            if at < end:  # no kernel copy, or the kernel refused the rest
                with whole[at:end] as rest:
                    write_all(self.fd, rest)
            with whole[start:end] as copied:
                self.sha.update(copied)

    def _digest_file(self, fd: int, start: int, end: int) -> None:
        """Bytes ``start`` to ``end`` of the file ``fd`` digested as read from it, not from its
        mapping: the previous dumps' pages then stay out of this process's resident memory."""
        while start < end:
            chunk = os.pread(fd, min(end - start, _STEP), start)
            if not chunk:
                raise OSError(f"the previous dump ended at byte {start}, before {end}")
            self.sha.update(chunk)
            start += len(chunk)


class BinaryOut:
    """An output text stream written as bytes, counting its offset and digesting what it writes.

    Copies from the previous build's file that follow each other there are made as one, in the
    kernel where it can (``copy_file_range``). The writing and digesting happen in a thread, in
    order; :meth:`close` (or :meth:`abandon`, should the write fail) waits for it.
    """

    def __init__(self, stream: IO[str]) -> None:
        stream.flush()
        self.offset = 0
        self.source: OldFile = _EMPTY
        self.pending: tuple[int, int] | None = None
        self.buffer = bytearray()
        self.writing = _Writing(stream.fileno())
        self.closed = False

    def write(self, data: bytes) -> tuple[int, int]:
        self._still_open()
        start = self.offset
        if self.pending is not None:
            if self._continues(data):
                # The previous dump holds these bytes right after the copy (a changed unit's text
                # as it was there, the graph switch before it, the end of the last graph block):
                # the copy goes on over them.
                self.pending = (self.pending[0], self.pending[1] + len(data))
                self.offset += len(data)
                self._issue_long_copy()
                return start, len(data)
            self._copy_pending()
        self.buffer += data
        self.offset += len(data)
        if len(self.buffer) >= _BUFFER:
            self._write_buffer()
        return start, len(data)

    def _continues(self, data: bytes) -> bool:
        """Whether the previous dump holds ``data`` right where the pending copy ends (compared
        for short texts only, read with ``pread`` so that no page of it is mapped in)."""
        assert self.pending is not None
        if not data or len(data) > _JOINT:
            return False
        end, source = self.pending[1], self.source
        if source.fd is None:
            return source.data[end : end + len(data)] == data
        return os.pread(source.fd, len(data), end) == data

    def _issue_long_copy(self) -> None:
        """A pending copy handed to the thread once it is long, so that the thread copies and
        digests while the build goes on rather than all of a long unchanged stretch at the end."""
        if self.pending is not None and self.pending[1] - self.pending[0] >= _ISSUE:
            self._copy_pending()

    def _write_buffer(self) -> None:
        self.writing.write(bytes(self.buffer))
        self.buffer.clear()

    def copy(self, source: OldFile, start: int, length: int) -> tuple[int, int]:
        """Write ``length`` bytes of ``source`` from ``start``; where they are in this file."""
        self._still_open()
        at = self.offset
        if self.pending is not None and self.source is source and self.pending[1] == start:
            self.pending = (self.pending[0], start + length)
        else:
            if self.pending is not None:
                self._copy_pending()
            if self.buffer:
                self._write_buffer()
            self.source, self.pending = source, (start, start + length)
        self.offset += length
        self._issue_long_copy()
        return at, length

    def copy_joined(self, joint: bytes, source: OldFile, start: int, length: int) -> tuple[int, int]:
        """``joint``, then a copy: one copy with the last when ``source`` has ``joint`` between them.

        Only the gap's length is compared, for a layout where that is enough: the offsets are the
        previous build's, and ``joint`` the separator its layout put between two pieces, any other
        text between them being longer. So are the separator between two nodes of one JSON-LD graph
        (a graph's end and the next one's start, or another node, is longer) and the graph switch
        between two units of TriG (see :meth:`~exilekg.incremental.text.TextSplicer.copy`)."""
        self._still_open()
        if self.pending is not None and self.source is source and self.pending[1] + len(joint) == start:
            self.pending = (self.pending[0], start + length)
            at = self.offset + len(joint)
            self.offset += len(joint) + length
            self._issue_long_copy()
            return at, length
        if joint:
            self.write(joint)
        return self.copy(source, start, length)

    def _still_open(self) -> None:
        if self.writing.ended:
            raise ValueError("an output is written after its end")

    def _copy_pending(self) -> None:
        assert self.pending is not None
        self.writing.copy(self.source, *self.pending)
        self.pending = None

    def flush(self) -> None:
        """Hand what is pending to the writing thread, which goes on while the build does."""
        if self.pending is not None:
            self._copy_pending()
        if self.buffer:
            self._write_buffer()

    def end(self) -> None:
        """Nothing more to write: the thread writes what is pending and syncs the file while the
        build goes on, so that the dumps are synced side by side rather than each once the one
        before is closed; :meth:`close` waits for it."""
        self.flush()
        self.writing.end()

    def close(self) -> OutputDigest:
        """Everything written; its digest."""
        self.end()
        self.closed = True
        return OutputDigest(self.writing.finish(), self.offset)

    def abandon(self) -> None:
        """The write failed: the writing thread ends (a no-op once closed)."""
        if not self.closed:
            self.closed = True
            self.writing.stop()


_STEP = 1 << 22
"""Previous dumps are read back for their digest four megabytes at a time."""

_BUFFER = 1 << 20
"""Fresh text is written a megabyte at a time (and before each copy)."""

_ISSUE = 8 << 20
"""Copies that follow each other are made as one up to eight megabytes."""

_JOINT = 4096
"""Text this short is compared with the previous dump's where a copy ends, to go on copying."""


def copy_in_kernel(source: int, start: int, end: int, target: int) -> int:
    """Copy bytes ``start`` to ``end`` of the file ``source`` to the end of ``target`` in the
    kernel; how many it copied (fewer where the kernel has no ``copy_file_range``, as on macOS, or
    the file systems refuse: the caller writes the rest)."""
    if not hasattr(os, "copy_file_range"):
        return 0
    done = start
    while done < end:
        try:
            copied = os.copy_file_range(source, target, end - done, done)
        except OSError as exc:
            if exc.errno in (errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                break
            raise
        if copied == 0:
            break
        done += copied
    return done - start


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """All of ``data`` written to the file ``fd``, however many writes it takes."""
    with memoryview(data) as view:
        while view:
            written = os.write(fd, view)
            view = view[written:]


def mapped_file(path: Path, stack: ExitStack) -> mmap.mmap | bytes:
    if not path.stat().st_size:
        return b""
    return _mapped(stack.enter_context(path.open("rb")), stack)


def _mapped(stream: IO[bytes], stack: ExitStack) -> mmap.mmap:
    data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    stack.callback(data.close)
    return data
