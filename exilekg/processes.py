"""What a command that forks worker processes asks of the machine: whether it can, and how many cores."""

from __future__ import annotations

import multiprocessing
import os
import sys

__all__ = ["available_cores", "can_fork"]


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system says, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here (not on Windows)."""
    return sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()
