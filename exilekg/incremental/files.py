"""The bytes of the dumps: the previous build's, mapped into memory, and the new ones, counted
and digested as they are written."""

from __future__ import annotations

import hashlib
import mmap
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from exilekg.manifest import OutputDigest

__all__ = ["BinaryOut", "OldDumps", "Parts", "Unspliceable", "mapped_file"]


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


class OldDumps:
    """The previous build's dumps, mapped into memory to copy unchanged units' text from."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.maps: dict[str, mmap.mmap | bytes] = {}
        self.out = out
        self.stack = stack

    def data(self, name: str) -> mmap.mmap | bytes:
        data = self.maps.get(name)
        if data is None:
            data = self.maps[name] = mapped_file(self.out / name, self.stack)
        return data

    def slice(self, name: str, start: int, length: int) -> bytes:
        return self.data(name)[start : start + length]


class BinaryOut:
    """An output text stream written as bytes, counting its offset and digesting what it writes.

    Copies from the previous build's file that follow each other there are written as one.
    """

    def __init__(self, stream: IO[str]) -> None:
        stream.flush()
        self.raw = stream.buffer  # type: ignore[attr-defined]
        self.offset = 0
        self.sha = hashlib.sha256()
        self.source: mmap.mmap | bytes = b""
        self.pending: tuple[int, int] | None = None

    def write(self, data: bytes) -> tuple[int, int]:
        if self.pending is not None:
            self._copy_pending()
        start = self.offset
        self.raw.write(data)
        self.sha.update(data)
        self.offset += len(data)
        return start, len(data)

    def copy(self, source: mmap.mmap | bytes, start: int, length: int) -> tuple[int, int]:
        """Write ``length`` bytes of ``source`` from ``start``; where they are in this file."""
        at = self.offset
        if self.pending is not None and self.source is source and self.pending[1] == start:
            self.pending = (self.pending[0], start + length)
        else:
            if self.pending is not None:
                self._copy_pending()
            self.source, self.pending = source, (start, start + length)
        self.offset += length
        return at, length

    def copy_joined(
        self, joint: bytes, source: mmap.mmap | bytes, start: int, length: int
    ) -> tuple[int, int]:
        """``joint``, then a copy: one copy with the last when ``source`` has ``joint`` between them."""
        if (
            self.pending is not None
            and self.source is source
            and self.pending[1] + len(joint) == start
            and source[self.pending[1] : start] == joint
        ):
            self.pending = (self.pending[0], start + length)
            at = self.offset + len(joint)
            self.offset += len(joint) + length
            return at, length
        if joint:
            self.write(joint)
        return self.copy(source, start, length)

    def _copy_pending(self) -> None:
        assert self.pending is not None
        with memoryview(self.source) as whole, whole[self.pending[0] : self.pending[1]] as view:
            self.raw.write(view)
            self.sha.update(view)
        self.pending = None

    def close(self) -> OutputDigest:
        """Write what is pending; the digest of everything written."""
        if self.pending is not None:
            self._copy_pending()
        return OutputDigest(self.sha.hexdigest(), self.offset)


def mapped_file(path: Path, stack: ExitStack) -> mmap.mmap | bytes:
    if not path.stat().st_size:
        return b""
    stream = stack.enter_context(path.open("rb"))
    data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    stack.callback(data.close)
    return data
