"""What a command that forks worker processes asks of the machine: whether it can, and how many
cores; and :func:`beside`, which has a forked process work while this one does something else."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from contextlib import suppress
from multiprocessing.connection import Connection
from typing import TypeVar, cast

__all__ = ["available_cores", "beside", "can_fork"]

T = TypeVar("T")
U = TypeVar("U")


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system says, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here (not on Windows)."""
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()


def beside(away: Callable[[], T], here: Callable[[], U]) -> tuple[T, U]:
    """``away()`` in a forked process while ``here()`` runs in this one; both results.

    ``away`` sees this process's memory as it was at the fork, and its result comes back pickled:
    it must leave nothing behind that this process needs but its result. Where it cannot be forked,
    or the process fails or dies, ``away()`` is called here afterwards, and raises what it raises
    (a process's failure is not its error: the traceback, the exception's type, and whatever it
    changed in memory stay there). An exception of ``here()`` stops the process and is raised.
    """
    if not can_fork() or available_cores() < 2:
        return away(), here()
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, OSError, ValueError):
            stream.flush()  # what is still buffered would be written again by the process
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_away, args=(away, theirs, os.getpid()), daemon=True)
    process.start()
    theirs.close()
    try:
        near = here()
        try:
            kind, far = ours.recv()
        except (EOFError, OSError):  # it died without a word
            kind, far = "failed", None
    finally:
        ours.close()
        if process.is_alive():
            process.kill()
        process.join()
    if kind != "done":
        return away(), near
    return cast("T", far), near


def _away(away: Callable[[], object], conn: Connection, parent: int) -> None:
    try:
        from exilekg.writers._oxworker import die_with_parent

        die_with_parent(parent)
        result = away()
        conn.send(("done", result))
    except BaseException:  # told as a failure: the caller calls ``away`` again, and sees the error
        with suppress(OSError, ValueError):
            conn.send(("failed", None))
    finally:
        conn.close()
