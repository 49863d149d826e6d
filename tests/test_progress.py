"""Progress of ``exilekg build``: a bar per stage on a terminal's stderr, nothing otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.cli.build import StageBars
from exilekg.pipeline import build
from exilekg.progress import Progress

from .conftest import EXAMPLE


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "triples in" in result.stdout


def test_a_bar_per_stage_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("exilekg.cli.build._stderr_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    finished = [line.rsplit("\r", 1)[-1] for line in result.stderr.split("\n") if line]
    names = [line[:14].strip() for line in finished]
    assert names == [
        "read",
        "validate",
        "mentions",
        "map and write",
        "write JSON-LD",
        "write Turtle",
        "write TriG",
        "describe",
    ]
    turtle = finished[names.index("write Turtle")]
    assert "[" in turtle and "] 100% " in turtle and "triples" in turtle
    assert "triples" in finished[names.index("map and write")]
    assert "triples in" in result.stdout and "\r" not in result.stdout


def test_quiet_silences_the_bars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("exilekg.cli.build._stderr_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_stage_bars_draw_in_place_and_keep_each_finished_stage() -> None:
    out: list[str] = []
    clock = Clock()
    bars = StageBars(out.append, width=100, interval=0.1, clock=clock)
    assert isinstance(bars, Progress)
    bars.stage("write Turtle", 1000, "triples")
    clock.now = 0.05
    bars.advance(100)  # too soon to redraw
    clock.now = 0.5
    bars.advance(400)
    bars.stage("describe")
    clock.now = 1.0
    bars.finish()
    text = "".join(out)
    lines = text.split("\n")
    assert lines[-1] == ""
    assert [line.rsplit("\r", 1)[-1].split()[0:2] for line in lines[:-1]] == [
        ["write", "Turtle"],
        ["describe", "0.5s"],
    ]
    drawn = lines[0].split("\r")[1:]
    assert len(drawn) == 3  # at the start, after 500 triples, and full when the stage ended
    assert " 50% 500/1.0k triples" in drawn[1] and "[" + "#" * 15 + "-" * 15 + "]" in drawn[1]
    assert " 100% 1.0k/1.0k triples" in drawn[2]


def test_a_stage_without_a_total_shows_a_count() -> None:
    out: list[str] = []
    bars = StageBars(out.append, width=80, interval=0, clock=Clock())
    bars.stage("map and write", unit="triples")
    bars.advance(2_500_000)
    assert bars.line().split() == ["map", "and", "write", "2.5M", "triples", "0.0s"]
    bars.finish()
    bars.finish()  # a second finish draws nothing more
    assert "".join(out).count("\n") == 1


def test_the_library_reports_without_printing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stages: list[tuple[str, int | None, str]] = []
    advanced: list[int] = []

    class Recorder:
        def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
            stages.append((name, total, unit))

        def advance(self, amount: int = 1) -> None:
            advanced.append(amount)

        def finish(self) -> None:
            stages.append(("finished", None, ""))

    result = build(EXAMPLE, tmp_path, progress=Recorder())
    assert capsys.readouterr() == ("", "")
    assert [s[0] for s in stages][-2:] == ["describe", "finished"]
    assert ("write Turtle", result.triples, "triples") in stages
    assert sum(advanced) >= result.triples


def test_library_modules_never_import_click() -> None:
    code = "import sys, exilekg.pipeline, exilekg.progress, exilekg.writers; print('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "False\n"
