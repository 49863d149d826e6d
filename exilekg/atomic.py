"""Writing files atomically: a reader sees the old file or the new one, never half of either.

Every file exilekg writes (dumps, ``void.ttl``, ingested documents and texts, records, review
files, site pages) goes through here, so that they all get the same guarantees: a temporary
file beside its target, flushed and synced, given the permissions a plain ``open`` would
give (``mkstemp``'s 0600 would hide dumps from a web server), then renamed over the target.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["TEMPORARY_GLOB", "AtomicFiles", "atomic_files", "atomic_path", "write_bytes", "write_text"]

TEMPORARY_GLOB = ".*.*.tmp"
"""What the temporary files look like (``.exilekg.nq.<random>.tmp``), to find those a killed run left."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(path: Path) -> tuple[int, Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    return fd, Path(tmp)


class AtomicFiles:
    """Several outputs that replace their earlier versions together, once every one is written.

    Each :meth:`open` gives a text stream onto a temporary file beside its target; on
    :meth:`commit` all are flushed and synced first, and only then renamed over their
    targets one after the other, so that a build killed at any moment leaves either the
    old set of files or (but for a few microseconds of renames) the new one.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[IO[str] | IO[bytes], Path, Path]] = []

    def open(self, path: Path) -> IO[str]:
        """A text stream (UTF-8, ``\\n`` line endings) whose content becomes ``path`` on commit."""
        fd, tmp = _temporary(path)
        stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self.pending.append((stream, tmp, path))
        return stream

    def open_binary(self, path: Path) -> IO[bytes]:
        """A binary stream whose content becomes ``path`` on commit."""
        fd, tmp = _temporary(path)
        stream = os.fdopen(fd, "wb")
        self.pending.append((stream, tmp, path))
        return stream

    def written(self, path: Path) -> Path:
        """The temporary file that becomes ``path``, flushed so far, for reading before commit."""
        for stream, tmp, target in self.pending:
            if target == path:
                stream.flush()
                return tmp
        raise KeyError(path)

    def commit(self) -> None:
        for stream, _, _ in self.pending:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        mode = 0o666 & ~_umask()
        for _, tmp, _ in self.pending:
            tmp.chmod(mode)
        for _, tmp, path in self.pending:
            tmp.replace(path)
        self.pending.clear()

    def discard(self) -> None:
        for stream, tmp, _ in self.pending:
            stream.close()
            tmp.unlink(missing_ok=True)
        self.pending.clear()


@contextmanager
def atomic_files() -> Iterator[AtomicFiles]:
    """:class:`AtomicFiles` committed when the block succeeds, discarded when it raises."""
    files = AtomicFiles()
    try:
        yield files
        files.commit()
    except BaseException:
        files.discard()
        raise


@contextmanager
def atomic_path(path: Path) -> Iterator[IO[str]]:
    """A text stream whose content replaces ``path`` only once the block succeeds."""
    with atomic_files() as files:
        yield files.open(path)


def write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_files() as files:
        files.open_binary(path).write(data)


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line endings) atomically."""
    with atomic_path(path) as out:
        out.write(text)
