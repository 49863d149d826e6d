"""Work in a forked process beside this one: its result comes back, its failures are made here."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from exilekg.processes import available_cores, beside, can_fork

pytestmark = pytest.mark.skipif(
    not can_fork() or available_cores() < 2, reason="work is forked beside only with two cores or more"
)


def test_the_work_away_is_done_in_another_process() -> None:
    away, here = beside(os.getpid, os.getpid)
    assert here == os.getpid()
    assert away != os.getpid()
    assert multiprocessing.active_children() == []


def test_what_the_work_away_changes_stays_away() -> None:
    seen: list[int] = []

    def away() -> int:
        seen.append(os.getpid())
        return len(seen)

    assert beside(away, lambda: "here") == (1, "here")
    assert seen == []


def test_work_that_fails_away_is_done_here_and_raises_here() -> None:
    tried: list[int] = []

    def away() -> None:
        tried.append(os.getpid())
        raise ValueError("a bad corpus")

    with pytest.raises(ValueError, match="a bad corpus"):
        beside(away, lambda: None)
    assert tried == [os.getpid()]  # the forked attempt appended in its own memory


def test_work_whose_process_dies_is_done_here() -> None:
    parent = os.getpid()

    def away() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return os.getpid()

    assert beside(away, lambda: 2) == (parent, 2)


def test_a_result_that_cannot_be_sent_is_made_here() -> None:
    def away() -> object:
        pid = os.getpid()
        return lambda: pid  # a closure does not pickle

    made, _ = beside(away, lambda: None)
    assert callable(made) and made() == os.getpid()


def test_an_error_here_stops_the_work_away(tmp_path: Path) -> None:
    started = tmp_path / "pid"

    def away() -> None:
        started.write_text(str(os.getpid()))
        time.sleep(60)

    def here() -> None:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise KeyboardInterrupt

    begun = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        beside(away, here)
    assert time.monotonic() - begun < 30
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)
    assert multiprocessing.active_children() == []
