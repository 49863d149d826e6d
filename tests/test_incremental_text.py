"""exilekg.incremental.text: Turtle and TriG spliced from the previous build's statements."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exilekg.incremental import files
from exilekg.incremental.files import BinaryOut, OldFile
from exilekg.pipeline import build

from .test_incremental import EXAMPLE, _apply, _outputs


def _watch(monkeypatch: pytest.MonkeyPatch) -> tuple[list[bytes], list[tuple[int, int, int]]]:
    """The short writes compared with the previous dump, and the copies handed to the threads
    (the size of the file copied from, the start and the end)."""
    compared: list[bytes] = []
    copies: list[tuple[int, int, int]] = []
    continues, copy = BinaryOut._continues, files._Writing.copy

    def watched_continues(self: BinaryOut, data: bytes) -> bool:
        compared.append(data)
        return continues(self, data)

    def watched_copy(self: files._Writing, source: OldFile, start: int, end: int) -> None:
        copies.append((len(source.data), start, end))
        copy(self, source, start, end)

    monkeypatch.setattr(BinaryOut, "_continues", watched_continues)
    monkeypatch.setattr(files._Writing, "copy", watched_copy)
    return compared, copies


def test_units_that_followed_each_other_are_copied_over_their_graph_switch_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(EXAMPLE, corpus)
    build(corpus, out, incremental=True)
    before = _outputs(out)
    assert before["exilekg.trig"].count(b"\n}\n") > 5  # graph switches between the units
    compared, copies = _watch(monkeypatch)
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and result.reuse.mapped == 0
    assert _outputs(out) == before
    # None of the switches between two graphs read back from the previous dump to be compared:
    # each dump is one copy of the previous one past its header (JSON-LD, a copy of each graph).
    switches = [data for data in compared if data.startswith(b"}\n<")]
    assert switches == []
    trig = [(start, end) for size, start, end in copies if size == len(before["exilekg.trig"])]
    assert len(trig) == 1 and trig[0][1] == len(before["exilekg.trig"])


def test_a_unit_removed_between_two_others_leaves_their_switch_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out, fresh = tmp_path / "corpus", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(EXAMPLE, corpus)
    build(corpus, out, incremental=True)
    _apply(corpus, ("remove", 3, ""))
    build(corpus, out, incremental=True)
    build(corpus, fresh)
    assert _outputs(out)["exilekg.trig"] == _outputs(fresh)["exilekg.trig"]
