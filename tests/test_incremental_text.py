"""exilekg.incremental.text: Turtle and TriG spliced from the previous build's statements."""

from __future__ import annotations

import re
import shutil
import time
from itertools import pairwise
from pathlib import Path
from typing import IO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg.incremental import files, splice
from exilekg.incremental.files import BinaryOut, OldFile
from exilekg.pipeline import build
from exilekg.writers import oxigraph
from exilekg.writers._oxworker import Statements

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


def test_a_first_build_has_turtle_and_trig_read_from_the_dumps_as_they_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out, fresh = tmp_path / "corpus", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(EXAMPLE, corpus)
    build(corpus, fresh)  # Turtle and TriG converted in this process
    monkeypatch.setattr(oxigraph, "IN_PROCESS_LIMIT", 0)  # a worker from the first unit on
    spooled: list[object] = []
    monkeypatch.setattr(oxigraph.Conversion, "_start_worker", lambda self: spooled.append(self))
    # The N-Triples and N-Quads threads lag behind the build (as they may), the others do not.
    lagging: set[int] = set()
    do = files._Writing._do

    class Lagging(BinaryOut):
        def __init__(self, stream: IO[str]) -> None:
            super().__init__(stream)
            lagging.add(self.writing.fd)

    def late(self: files._Writing, op: bytes | tuple[OldFile, int, int]) -> None:
        if self.fd in lagging:
            time.sleep(1.0)
        do(self, op)

    monkeypatch.setattr(splice, "BinaryOut", Lagging)
    monkeypatch.setattr(files._Writing, "_do", late)
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and result.reuse.reason is not None
    assert "no exilekg.state.json" in result.reuse.reason  # spliceable: the state is recorded
    assert (out / "exilekg.state.json").is_file()
    assert spooled == []  # the workers followed the N-Triples and N-Quads files
    assert _outputs(out) == _outputs(fresh)
    # Each unit found in what the workers wrote: a rebuild after an edit is a full build's bytes.
    _apply(corpus, ("describe", 2, "Another description"))
    build(corpus, out, incremental=True)
    build(corpus, fresh)
    assert _outputs(out) == _outputs(fresh)


def _reference_statements(data: bytes, output: str) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Where the statements begin, found in the whole text at once (Turtle: starts; TriG: blocks,
    each with its graph's opening line)."""
    starts = [m.start() for m in re.finditer(rb"^[^\t@\n]", data, re.MULTILINE)]
    if output == "turtle":
        return starts, []
    blocks: list[tuple[int, int, str]] = []
    graph, open_start = "", -1
    for m in re.finditer(rb"^(\t?)[^\t@\n]", data, re.MULTILINE):
        at = m.start()
        if open_start >= 0:
            blocks.append((open_start, at, graph))
            open_start = -1
        if m.group(1):
            open_start = at
        elif data[at : at + 1] != b"}":
            graph = data[at : data.index(b"\n", at)].decode("utf-8")
    if open_start >= 0:
        blocks.append((open_start, len(data), graph))
    return [], blocks


@pytest.fixture(scope="module")
def example_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("statements") / "out"
    build(EXAMPLE, out)
    return {"turtle": (out / "exilekg.ttl").read_bytes(), "trig": (out / "exilekg.trig").read_bytes()}


@settings(max_examples=40, deadline=None)
@given(output=st.sampled_from(["turtle", "trig"]), cuts=st.lists(st.floats(0, 1), max_size=30))
def test_statements_found_as_written_are_those_of_the_whole_text_however_it_is_cut(
    example_texts: dict[str, bytes], output: str, cuts: list[float]
) -> None:
    data = example_texts[output]
    at = sorted({int(c * len(data)) for c in cuts} | {0, len(data)})
    found = Statements(output)
    for start, end in pairwise(at):
        found.feed(data[start:end])
    found.close()
    starts, blocks = _reference_statements(data, output)
    assert found.size == len(data)
    assert found.starts == starts
    named = [(s, e, found.graphs[g] if g >= 0 else "") for s, e, g in found.blocks]
    assert named == blocks
    assert len(starts or blocks) > 20


def test_a_worker_finds_the_statements_this_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first incremental build places each unit where its conversion saw pyoxigraph write it,
    # in a worker process or in this one: the same places.
    build(EXAMPLE, tmp_path / "here", incremental=True)
    monkeypatch.setattr(oxigraph, "IN_PROCESS_LIMIT", 0)
    launched: list[list[str]] = []
    popen = oxigraph.subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> object:
        launched.append(args)
        return popen(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(oxigraph.subprocess, "Popen", spy)
    build(EXAMPLE, tmp_path / "workers", incremental=True)
    assert len(launched) == 2 and all(".statements." in args[-1] for args in launched)
    assert (tmp_path / "workers" / "exilekg.state.json").read_bytes() == (
        tmp_path / "here" / "exilekg.state.json"
    ).read_bytes()
    assert not list((tmp_path / "workers").glob(".*statements*"))  # removed once read


@pytest.mark.parametrize("output", ["turtle", "trig"])
@pytest.mark.parametrize("size", [1, 7, 4096])
def test_statements_found_in_writes_shorter_than_a_line(
    example_texts: dict[str, bytes], output: str, size: int
) -> None:
    data = example_texts[output]
    found = Statements(output)
    for start in range(0, len(data), size):
        found.feed(data[start : start + size])
    found.close()
    starts, blocks = _reference_statements(data, output)
    assert found.starts == starts
    assert [(s, e, found.graphs[g] if g >= 0 else "") for s, e, g in found.blocks] == blocks


def test_statements_read_back_as_written_and_anything_else_refused() -> None:
    found = Statements("trig")
    found.feed(b"<g> {\n\t<s> <p> <o> .\n}\n")
    found.close()
    again = Statements.from_bytes(found.to_bytes())
    assert (again.trig, again.blocks, again.graphs, again.size) == (True, [(6, 21, 0)], ["<g> {"], 23)
    for bad in (
        b"",
        b"[]",
        b"[true, [1], [[1, 2]], [], 3]",
        b'[true, ["1"], [], [], 3]',
        b"[1, [], [], [2], 3]",
        b"[true, 5, [], [], 3]",
        b'{"a": 1}',
    ):
        with pytest.raises(ValueError, match="not a list of statements"):
            Statements.from_bytes(bad)


def test_statements_a_worker_left_unreadable_give_a_full_build_that_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oxigraph, "IN_PROCESS_LIMIT", 0)

    def unreadable(data: bytes) -> Statements:
        raise ValueError("not a list of statements")

    monkeypatch.setattr(Statements, "from_bytes", staticmethod(unreadable))
    result = build(EXAMPLE, tmp_path / "out", incremental=True)
    assert result.reuse is not None and result.reuse.reason is not None
    assert "did not say where its statements are" in result.reuse.reason
    assert not (tmp_path / "out" / "exilekg.state.json").exists()
    build(EXAMPLE, tmp_path / "fresh")
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "fresh")


@pytest.mark.parametrize("output", ["turtle", "trig"])
def test_statements_that_are_not_the_units_are_refused(output: str) -> None:
    from exilekg.incremental.files import Unspliceable
    from exilekg.incremental.state import UnitState
    from exilekg.incremental.text import find_trig, find_turtle

    text = (
        b"<a> <p> <o> .\n<b> <p> <o> .\n"
        if output == "turtle"
        else b"<g> {\n\t<a> <p> <o> .\n\t<b> <p> <o> .\n}\n"
    )
    found = Statements(output)
    found.feed(text)
    found.close()
    place = find_turtle if output == "turtle" else find_trig

    def units(*runs: int) -> list[UnitState]:
        return [UnitState("", (0, 0), (0, 0), [], {}, {}, n, n, n, n, n) for n in runs]

    placed = units(1, 0, 1)
    place(found, placed)
    if output == "turtle":
        assert [u.ttl for u in placed] == [(0, 14), (0, 0), (14, 14)]
    else:
        assert [u.trig for u in placed] == [(6, 15), (0, 0), (21, 15)]
        assert placed[0].trig_first == placed[2].trig_last == "<g> {"
    for runs, wrong in (((1, 2), "fewer"), ((1,), "more")):
        with pytest.raises(Unspliceable, match=f"holds {wrong} statements"):
            place(found, units(*runs))
