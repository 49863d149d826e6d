"""exilekg.incremental.files: the spliced dumps' bytes, written and digested in a thread."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from contextlib import ExitStack
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg import writeback
from exilekg.errors import CorpusError
from exilekg.incremental import files
from exilekg.incremental.files import BinaryOut, OldDumps, OldFile
from exilekg.manifest import OutputDigest
from exilekg.pipeline import build
from exilekg.progress import Progress

from .test_incremental import EXAMPLE, _apply, _outputs

OLD = bytes(range(256)) * 64 + "\nстрока «в кавычках» 🎉\n".encode() * 50

# A write of fresh bytes, or a copy of OLD[start:start + length].
OPS = st.lists(
    st.one_of(
        st.binary(max_size=3000).map(lambda b: ("write", b)),
        st.tuples(st.integers(0, len(OLD)), st.integers(0, 5000)).map(lambda t: ("copy", t)),
        st.tuples(st.integers(0, len(OLD)), st.integers(0, 5000)).map(lambda t: ("joined", t)),
        # A write of the bytes the previous dump holds right after the last copy, as a changed
        # unit's text or its TriG graph switch may be: the copy goes on over them.
        st.integers(0, 5000).map(lambda n: ("follow", n)),
    ),
    max_size=40,
)


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "exilekg-output"]


def _replay(path: Path, source: OldFile, ops: list[tuple[str, object]]) -> tuple[bytes, object]:
    """``ops`` through a BinaryOut into ``path``: the bytes they should give, and the digest."""
    expected = bytearray()
    copied_to = 0
    with path.open("w", encoding="utf-8") as stream:
        out = BinaryOut(stream)
        for kind, arg in ops:
            if kind in ("write", "follow"):
                if kind == "follow":
                    assert isinstance(arg, int)
                    arg = OLD[copied_to : copied_to + arg]
                assert isinstance(arg, bytes)
                assert out.write(arg) == (len(expected), len(arg))
                expected += arg
                copied_to += len(arg) if kind == "follow" else 0
            else:
                assert isinstance(arg, tuple)
                start, length = arg[0], min(arg[1], len(OLD) - arg[0])
                if kind == "copy":
                    at = out.copy(source, start, length)
                else:
                    joint = OLD[max(0, start - 2) : start]
                    at = out.copy_joined(joint, source, start, length)
                    expected += joint
                assert at == (len(expected), length)
                expected += OLD[start : start + length]
                copied_to = start + length
        digest = out.close()
    return bytes(expected), digest


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.nt"
    path.write_bytes(OLD)
    return path


@settings(max_examples=100, deadline=None)
@given(ops=OPS, kernel=st.booleans(), issue=st.sampled_from([files._ISSUE, 1, 4000]))
def test_writes_and_copies_land_in_order_with_their_digest(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, object]], kernel: bool, issue: int
) -> None:
    work = tmp_path_factory.mktemp("out")
    (work / "old.nt").write_bytes(OLD)
    with (
        ExitStack() as stack,
        patch.object(files, "_ISSUE", issue),
        patch.object(writeback, "WRITEBACK_STEP", 1),
    ):
        source = OldDumps(work, stack).file("old.nt")
        assert source.fd is not None
        if not kernel:  # as on a system without copy_file_range: the bytes are written by hand
            source = OldFile(source.data)
        expected, digest = _replay(work / "new.nt", source, ops)
    assert (work / "new.nt").read_bytes() == expected
    assert digest == OutputDigest(hashlib.sha256(expected).hexdigest(), len(expected))
    assert not _threads()


def test_a_source_the_kernel_cannot_copy_from_is_written_by_hand(old_file: Path, tmp_path: Path) -> None:
    """copy_file_range refuses a pipe (EINVAL): the copy falls back to writing the mapped bytes."""
    read_end, write_end = os.pipe()
    try:
        with ExitStack() as stack:
            data = OldDumps(old_file.parent, stack).file(old_file.name).data
            expected, digest = _replay(tmp_path / "new.nt", OldFile(data, read_end), [("copy", (100, 9000))])
    finally:
        os.close(read_end)
        os.close(write_end)
    assert (tmp_path / "new.nt").read_bytes() == expected == OLD[100:9100]
    assert digest.sha256 == hashlib.sha256(expected).hexdigest()


def test_a_failed_write_is_raised_by_close(tmp_path: Path) -> None:
    path = tmp_path / "read-only.nt"
    path.write_bytes(b"")
    with path.open("r", encoding="utf-8") as stream:  # os.write on it fails with EBADF
        out = BinaryOut(stream)
        out.write(b"<a> <b> <c> .\n" * 10)
        with pytest.raises(OSError):
            out.close()
    assert not _threads()


def test_abandon_ends_the_writing_thread(tmp_path: Path) -> None:
    with (tmp_path / "x.nt").open("w", encoding="utf-8") as stream:
        out = BinaryOut(stream)
        out.write(b"x" * (3 << 20))
        assert _threads()
        out.abandon()
        out.abandon()  # a second time does nothing
    assert not _threads()


def test_an_ended_output_is_completed_and_synced_before_it_is_closed(old_file: Path, tmp_path: Path) -> None:
    with ExitStack() as stack:
        source = OldDumps(old_file.parent, stack).file(old_file.name)
        with (tmp_path / "x.nt").open("w", encoding="utf-8") as stream:
            out = BinaryOut(stream)
            out.write(b"fresh\n")
            out.copy(source, 10, 5000)
            out.end()
            (thread,) = _threads()
            thread.join(timeout=30)  # the thread writes the rest and syncs without waiting for close()
            assert not thread.is_alive()
            assert (tmp_path / "x.nt").read_bytes() == b"fresh\n" + OLD[10:5010]
            for late in (lambda: out.write(b"late"), lambda: out.copy(source, 0, 1)):
                with pytest.raises(ValueError, match="after its end"):
                    late()
            out.end()  # a second time does nothing
            digest = out.close()
    assert digest == OutputDigest(hashlib.sha256(b"fresh\n" + OLD[10:5010]).hexdigest(), 5006)
    assert not _threads()


class _RemoveText(Progress):
    """Deletes a document's text once the incremental build starts writing."""

    def __init__(self, text: Path) -> None:
        self.text = text

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        if name == "map and write":
            self.text.unlink(missing_ok=True)

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


def test_a_spliced_build_that_fails_leaves_no_thread_and_replaces_nothing(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(EXAMPLE, corpus)
    build(corpus, out, incremental=True)
    before = _outputs(out)
    text = sorted((corpus / "texts").glob("*.txt"))[-1]
    # A renamed entity: every document's mentions are found again, so each text is read again.
    _apply(corpus, ("rename", 0, "A New Name"))
    with pytest.raises(CorpusError, match="text"):
        build(corpus, out, incremental=True, progress=_RemoveText(text))
    assert _outputs(out) == before
    assert not _threads()
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left"


def test_a_write_of_what_follows_a_copy_in_the_previous_dump_makes_one_copy(
    old_file: Path, tmp_path: Path
) -> None:
    with ExitStack() as stack:
        source = OldDumps(old_file.parent, stack).file(old_file.name)
        with (tmp_path / "x.nt").open("w", encoding="utf-8") as stream:
            out = BinaryOut(stream)
            out.copy(source, 10, 100)
            assert out.write(OLD[110:130]) == (100, 20)
            assert out.pending == (10, 130) and not out.buffer  # the copy goes on over the write
            assert out.copy(source, 130, 50) == (120, 50)
            assert out.write(b"not what follows") == (170, 16)
            assert out.pending is None and bytes(out.buffer) == b"not what follows"
            out.close()
    assert (tmp_path / "x.nt").read_bytes() == OLD[10:180] + b"not what follows"


def test_a_long_run_of_copies_is_handed_to_the_thread_as_it_grows(
    old_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_ISSUE", 1000)
    with ExitStack() as stack:
        source = OldDumps(old_file.parent, stack).file(old_file.name)
        with (tmp_path / "x.nt").open("w", encoding="utf-8") as stream:
            out = BinaryOut(stream)
            out.copy(source, 0, 600)
            assert out.pending == (0, 600)
            out.copy(source, 600, 600)  # 1,200 bytes pending: handed over, not kept for the end
            assert out.pending is None
            out.close()
    assert (tmp_path / "x.nt").read_bytes() == OLD[:1200]
