"""Writing files atomically: a reader sees the old file or the new one, never half of either.

Every file exilekg writes (dumps, ``void.ttl``, ingested documents and texts, records, review
files, site pages) goes through here, so that they all get the same guarantees: a temporary
file beside its target, flushed and synced, given the permissions a plain ``open`` would
give (``mkstemp``'s 0600 would hide dumps from a web server), then renamed over the target.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import IO

from exilekg.errors import OutputError

__all__ = [
    "LEGACY_AGE",
    "TEMPORARY_GLOB",
    "AtomicFiles",
    "atomic_files",
    "atomic_path",
    "discard",
    "releasing",
    "remove_leftovers",
    "temporary_file",
    "write_bytes",
    "write_text",
]

TEMPORARY_GLOB = ".*.*.tmp"
"""What the temporary files look like (``.exilekg.nq.<pid>.<random>.tmp``): to find a killed run's."""

_TEMPORARY = re.compile(r"\.(?P<name>.+?)(?:\.(?P<pid>[0-9]+))?\.(?P<random>[a-z0-9_]+)\.tmp")

LEGACY_AGE = 24 * 3600.0
"""Seconds after its last change that a temporary file without a process id in its name (as
earlier versions named them) is taken for a leftover: nothing says whether its writer lives."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temporary_file(folder: Path | None, name: str) -> tuple[int, Path]:
    """A new temporary file for ``name`` in ``folder`` (the system's temporary folder if None),
    open for writing: its descriptor and path.

    The name, ``.{name}.{pid}.{random}.tmp``, carries the writing process's id, so that
    :func:`remove_leftovers` can tell the file of a killed run from that of a live one.
    """
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    return fd, Path(tmp)


def _temporary(path: Path) -> tuple[int, Path]:
    return temporary_file(path.parent, path.name)


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (which may hold spaces and
    parentheses, so is cut at its last ``)``): the state first; None where there is no such file."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text.rsplit(")", 1)[-1].split()


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text(encoding="ascii").splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), where ``/proc`` tells; else None."""
    boot = _boot_time()
    if boot is None:
        return None
    fields = _proc_stat(pid)
    try:
        return None if fields is None else boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _writer_alive(pid: int, changed: float) -> bool:
    """Whether the process that wrote a file last changed at ``changed`` may still be running."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and another user's
        pass
    except OSError:
        return True
    if sys.platform.startswith("linux"):
        fields = _proc_stat(pid)
        if fields is None or fields[:1] == ["Z"]:
            return False  # gone meanwhile, or killed and not yet reaped by its parent
        started = _started(pid)
        # A process started after the file last changed cannot have written it: the id was
        # reused by another process after the writer died (a second's slack for clock rounding).
        if started is not None and started > changed + 1.0:
            return False
    return True


def remove_leftovers(folder: Path, names: Iterable[str]) -> list[Path]:
    """Delete the temporary files of ``names`` in ``folder`` that a killed run left; the deleted paths.

    Only files of this module's pattern (``.{name}.{pid}.{random}.tmp``, or
    ``.{name}.{anything}.{pid}.{random}.tmp`` for the spools of a name) whose writing process is
    no longer running are deleted: a live run's files in the same folder are never touched. A
    file named without a process id is deleted once unchanged for :data:`LEGACY_AGE` seconds.
    """
    if not folder.is_dir():
        return []
    wanted = tuple(names)
    removed: list[Path] = []
    now = time.time()
    for candidate in sorted(folder.glob(TEMPORARY_GLOB)):
        match = _TEMPORARY.fullmatch(candidate.name)
        if match is None:
            continue
        name = match.group("name")
        if not any(name == w or name.startswith(f"{w}.") for w in wanted):
            continue
        try:
            info = candidate.lstat()
        except FileNotFoundError:
            continue
        if not candidate.is_file() or candidate.is_symlink():
            continue
        pid = match.group("pid")
        if pid is None:
            stale = now - info.st_mtime > LEGACY_AGE
        else:
            stale = not _writer_alive(int(pid), info.st_mtime)
        if stale:
            with suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


class AtomicFiles:
    """Several outputs that replace their earlier versions together, once every one is written.

    Each :meth:`open` gives a text stream onto a temporary file beside its target; on
    :meth:`commit` all are flushed and synced first, and only then renamed over their
    targets one after the other (earlier versions still linked aside, see :meth:`_link_aside`),
    so that a build killed at any moment leaves either the old set of files or (but for the
    microseconds of the renames themselves) the new one.
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
        asides = self._link_aside() if len(self.pending) > 1 else []
        try:
            for _, tmp, path in self.pending:
                tmp.replace(path)
            self.pending.clear()
        finally:
            discard(asides)

    def _link_aside(self) -> list[Path]:
        """A second link to each earlier version, so that the renames only drop a name.

        Renaming over a file's last link frees its blocks within the rename: about 12 ms for a
        60 MB dump on ext4, so that the renames of a set of dumps took long enough for a kill to
        land between them (a mixture of old and new files, seen about once in 150 kills near the
        end of a build). With the old versions still linked, the renames take microseconds, and
        the blocks are freed afterwards, when the set is already whole. The links are named as
        temporary files, so a run killed before removing them leaves what :func:`remove_leftovers`
        deletes. Where hard links are not possible, the renames simply free the blocks themselves.
        """
        asides: list[Path] = []
        for _, _, path in self.pending:
            aside = path.with_name(f".{path.name}.old.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            try:
                os.link(path, aside, follow_symlinks=False)
            except OSError:  # no earlier version, or no hard links on this file system
                continue
            asides.append(aside)
        return asides

    def discard(self) -> None:
        for stream, tmp, _ in self.pending:
            stream.close()
            tmp.unlink(missing_ok=True)
        self.pending.clear()


class _Release:
    """Earlier versions of committed files, removed by threads of their own."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[OSError] = []

    def remove(self, paths: list[Path]) -> None:
        if paths:
            thread = threading.Thread(target=self._remove, args=(paths,), name="exilekg-release")
            thread.start()
            self.threads.append(thread)

    def _remove(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                _remove(path)
            except OSError as exc:
                self.errors.append(exc)

    def wait(self) -> list[OSError]:
        for thread in self.threads:
            thread.join()
        return self.errors


_RELEASE: ContextVar[_Release | None] = ContextVar("exilekg_release", default=None)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        # What of a folder cannot be removed is a leftover, named as one, for a later run to remove.
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def discard(paths: list[Path]) -> None:
    """Remove earlier versions of outputs that nothing names any more: files (an error raises), or
    folders whole (what cannot be removed is left); by the thread of the :func:`releasing` block
    this runs in, else here and now."""
    release = _RELEASE.get()
    if release is not None:
        release.remove(paths)
        return
    for path in paths:
        _remove(path)


@contextmanager
def releasing() -> Iterator[None]:
    """Within the block, the earlier versions that commits replace (and whatever else is given to
    :func:`discard`) are removed by a thread, not by the commit, and the block's end waits for
    them; a block that succeeded then raises :class:`~exilekg.errors.OutputError` for the first
    that could not be removed.

    The renames drop only a name (see :meth:`AtomicFiles._link_aside`); the unlinking frees the old
    files' blocks, which takes long for large ones (0.13 to 0.17 s for the 630 MB of a 1M-triple
    build's dumps on ext4): in the thread (the call lets go of the interpreter) it passes beside what
    the block does after the commit, as a build freeing its corpus and mapping."""
    release = _Release()
    token = _RELEASE.set(release)
    try:
        yield
    finally:
        _RELEASE.reset(token)
        errors = release.wait()
    if errors:
        raise OutputError.from_os_error(errors[0]) from errors[0]


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
