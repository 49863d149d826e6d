"""Reading one file of a corpus safely: the read policy, the checks before and while reading, UTF-8.

Every file exilekg reads from a corpus (records, texts, drafts, reviews) goes through
:func:`read_file`, so the limits of :class:`ReadPolicy` hold everywhere.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exilekg.errors import CorpusError, ExilekgError

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_INTEGER_DIGITS",
    "DEFAULT_MAX_JSON_DEPTH",
    "DEFAULT_POLICY",
    "ReadPolicy",
    "read_file",
    "read_text",
]


DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024
"""Bytes one text or record file may hold: far beyond any article or record file, well below memory."""
DEFAULT_MAX_JSON_DEPTH = 64
"""Levels of nesting a JSON file may have; records need a handful."""
DEFAULT_MAX_INTEGER_DIGITS = 100
"""Digits a JSON integer may have; counts and years need a few."""


@dataclass(frozen=True, slots=True)
class ReadPolicy:
    """What reading a corpus may do: how large a file and how deep its JSON may be, and whether
    symbolic links may lead out of the corpus (or texts) folder.

    Whatever the policy, only regular files are read (never a FIFO, a device or a file of
    /proc, /sys or /dev), a file name never climbs out of its folder with ``..`` or an absolute
    path, and no file is read past ``max_file_size`` bytes.
    """

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    max_integer_digits: int = DEFAULT_MAX_INTEGER_DIGITS
    follow_symlinks: bool = False
    """Follow symbolic links wherever they lead; by default only those that stay inside."""


DEFAULT_POLICY = ReadPolicy()
_SYSTEM_FOLDERS = tuple(Path(p) for p in ("/proc", "/sys", "/dev"))
_CHUNK = 1 << 20


def _decode(raw: bytes, path: Path, error: type[ExilekgError] = CorpusError) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(
            "the file is UTF-16 encoded",
            path=path,
            hint="save it as UTF-8 (exilekg reads UTF-8 only)",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark carries no content
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(
            f"the file is not valid UTF-8 (byte {exc.start} is {raw[exc.start : exc.start + 1]!r})",
            path=path,
            line=line,
            hint="save it as UTF-8",
        ) from None


def _excerpt(value: str, limit: int = 60) -> str:
    """``value`` quoted and escaped for a message, cut to about ``limit`` characters."""
    cut = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(cut)


def _inside(path: str, folders: Sequence[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_file(
    path: Path | str,
    *,
    inside: Sequence[Path | str],
    policy: ReadPolicy = DEFAULT_POLICY,
    error: type[ExilekgError] = CorpusError,
) -> bytes:
    """The bytes of the regular file ``path``, which must lie in one of the folders ``inside``.

    The one way exilekg reads a file of a corpus (records, texts, drafts, reviews). Refused,
    with ``error`` naming the file: a path that climbs out of those folders (``..``, an absolute
    name); a symbolic link that leads out of them unless ``policy.follow_symlinks``; anything but
    a regular file (FIFOs, devices, sockets: checked with ``stat`` before opening, and opened
    non-blocking, so nothing can make the read wait); files of /proc, /sys and /dev; and a file
    larger than ``policy.max_file_size`` (checked before reading and while reading, since /proc
    files and growing files report a smaller size). A missing file raises FileNotFoundError,
    for the caller to say where it was expected.
    """
    path = Path(path)
    real = _vetted_path(path, inside, policy, error)
    try:
        before = os.stat(real)  # noqa: PTH116
        if not stat.S_ISREG(before.st_mode):
            raise error(
                f"{_kind_of(before.st_mode)}, not a regular file: not read",
                path=path,
                hint="replace it with an ordinary file holding the content",
            )
        _check_size(before.st_size, path, policy, error)
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(real, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", path=path) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise error(
                "the file was replaced while it was being read",
                path=path,
                hint="read the corpus again once nothing changes it",
            )
        return _read_all(fd, before.st_size, path, policy, error)
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror}", path=path) from None
    finally:
        os.close(fd)


def _vetted_path(
    path: Path, inside: Sequence[Path | str], policy: ReadPolicy, error: type[ExilekgError]
) -> str:
    """The real path of ``path`` once it is known to lie in one of the folders ``inside``, not
    through a link leading out of them (unless the policy follows links), nor in a system folder."""
    # Lexically, before any link is followed: a name must not climb out by itself.
    here = os.getcwd()  # noqa: PTH109 -- strings throughout: this runs once per file of a corpus
    given = os.path.normpath(os.path.join(here, path))  # noqa: PTH118
    folders = [os.path.normpath(os.path.join(here, folder)) for folder in inside]  # noqa: PTH118
    if not _inside(given, folders):
        raise error(
            f"the path leads out of {folders[0] if len(folders) == 1 else ' and '.join(folders)}",
            path=path,
            hint="name a file inside the folder (no '..', no absolute path)",
        )
    real = os.path.realpath(given)
    # A path with no link in it is where it says it is: the folders need resolving only otherwise.
    linked = real != given
    if linked and not policy.follow_symlinks and not _inside(real, [os.path.realpath(f) for f in folders]):
        raise error(
            f"a symbolic link that leads out of {' and '.join(folders)} (to {real})",
            path=path,
            hint="copy the file into the folder, or pass --follow-symlinks if the link is meant",
        )
    if any(_inside(real, [str(system)]) for system in _SYSTEM_FOLDERS):
        raise error(
            f"leads to the system file {real}, not a corpus file",
            path=path,
            hint="a corpus reads only ordinary files: replace the link with the file itself",
        )
    return real


def _read_all(fd: int, size: int, path: Path, policy: ReadPolicy, error: type[ExilekgError]) -> bytes:
    """The bytes of the open file ``fd``, of ``size`` bytes when stat saw it, within the policy's limit."""
    chunks: list[bytes] = []
    total = 0
    # One read takes the whole file as stat saw it; more reads only for a file that grew, or
    # one whose size stat cannot know (procfs-like files are refused above, but be safe).
    want = size + 1
    while True:
        chunk = os.read(fd, min(want, policy.max_file_size + 1 - total))
        want = _CHUNK
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > policy.max_file_size:
            _check_size(total, path, policy, error, grew=True)
    return b"".join(chunks)


def _check_size(
    size: int, path: Path, policy: ReadPolicy, error: type[ExilekgError], *, grew: bool = False
) -> None:
    if size > policy.max_file_size:
        what = "holds more than" if grew else f"is {size:,} bytes, more than"
        raise error(
            f"the file {what} the limit of {policy.max_file_size:,} bytes: not read",
            path=path,
            hint="split it, or raise the limit with --max-file-size (ReadPolicy(max_file_size=...))",
        )


def read_text(
    path: Path | str,
    *,
    inside: Sequence[Path | str],
    policy: ReadPolicy = DEFAULT_POLICY,
    error: type[ExilekgError] = CorpusError,
) -> str:
    """The text of the file ``path``, read by :func:`read_file` and decoded as UTF-8 (a
    byte-order mark dropped); ``error`` names a UTF-16 file or the line of a bad byte."""
    path = Path(path)
    return _decode(read_file(path, inside=inside, policy=policy, error=error), path, error)
