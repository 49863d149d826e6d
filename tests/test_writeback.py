"""exilekg.writeback: the disk's writes started as a file grows, ahead of its sync."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from exilekg import writeback
from exilekg.writeback import Writeback, start_writeback

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sync_file_range is Linux's")


@linux
def test_the_kernel_takes_the_writeback_of_a_file_and_refuses_a_pipe(tmp_path: Path) -> None:
    with (tmp_path / "dump.nt").open("wb") as stream:
        stream.write(b"<a> <b> <c> .\n" * 10_000)
        stream.flush()
        assert start_writeback(stream.fileno(), 0, 140_000)
        assert not start_writeback(stream.fileno(), 0, 0)  # nothing to write back
    read_end, write_end = os.pipe()
    try:
        assert not start_writeback(write_end, 0, 10)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_closed_descriptor_is_refused_without_an_error(tmp_path: Path) -> None:
    with (tmp_path / "x").open("wb") as stream:
        fd = stream.fileno()
    assert not start_writeback(fd, 0, 10)


def test_a_growing_file_is_written_back_a_step_at_a_time_and_whole_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[int, int]] = []
    real = writeback.start_writeback

    def recorded(fd: int, start: int, length: int) -> bool:
        started.append((start, length))
        return real(fd, start, length)

    monkeypatch.setattr(writeback, "start_writeback", recorded)
    monkeypatch.setattr(writeback, "WRITEBACK_STEP", 1000)
    with (tmp_path / "dump.nq").open("wb") as stream:
        pages = Writeback(stream.fileno())
        for _ in range(25):
            stream.write(b"x" * 130)
            stream.flush()
            pages.reached(stream.tell())
        pages.complete(stream.tell())
        pages.complete(stream.tell())  # nothing new: nothing started
    # Contiguous ranges from the start, each at least a step but the last, up to the file's end.
    assert [start for start, _ in started] == [0, *[s + n for s, n in started[:-1]]]
    assert all(n >= 1000 for _, n in started[:-1])
    assert sum(n for _, n in started) == 25 * 130
