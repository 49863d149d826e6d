"""The kernel asked to start writing a file's pages to disk ahead of the sync that waits for them.

A dump is synced before it replaces its earlier version. Synced only at the end, the whole file's
dirty pages are submitted and written then, and the build waits for all of them (about 0.2 s for
the 634 MB of a 1M-triple build's dumps on the machine measured). Started as the file grows, by the
thread that writes it, the disk writes while the build goes on, and the sync finds little left to
wait for. (Submitting the pages is itself work, done in the calling thread: a build's own thread
gains nothing by starting them, which is why only the incremental build's writing threads do.)

Linux's ``sync_file_range`` with ``SYNC_FILE_RANGE_WRITE`` does this without waiting for the disk
and without dropping the pages from the page cache (which the next incremental build reads the
dumps from); ``os`` has no binding for it, so it is called through ``ctypes``. Elsewhere, or where
the kernel refuses, nothing is started and the sync does all the writing, as before: durability
rests on the sync alone.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache

__all__ = ["WRITEBACK_STEP", "Writeback", "start_writeback"]

WRITEBACK_STEP = 16 << 20
"""How many written bytes a writer lets pile up before it starts their writeback."""

_SYNC_FILE_RANGE_WRITE = 2


@cache
def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):  # a C library without it
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def start_writeback(fd: int, start: int, length: int) -> bool:
    """Start writing bytes ``start`` to ``start + length`` of the file ``fd`` to disk, without waiting;
    whether the kernel took the request (False where there is no ``sync_file_range``, or for a
    descriptor it cannot write back, such as a pipe)."""
    function = _sync_file_range()
    if function is None or length <= 0:
        return False
    return function(fd, start, length, _SYNC_FILE_RANGE_WRITE) == 0


class Writeback:
    """The writeback of a file that grows, started each time :data:`WRITEBACK_STEP` more bytes of it
    are written."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.started = 0
        """The end of the bytes whose writeback has been started."""

    def reached(self, end: int) -> None:
        """The file is written up to ``end``: its writeback started if enough is new."""
        if end - self.started >= WRITEBACK_STEP:
            self.complete(end)

    def complete(self, end: int) -> None:
        """The writeback of everything up to ``end`` started."""
        if end > self.started:
            start_writeback(self.fd, self.started, end - self.started)
            self.started = end
