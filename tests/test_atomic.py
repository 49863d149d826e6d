"""One atomic writer: every file replaces its target whole, with a plain file's permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from exilekg.atomic import atomic_files, discard, releasing, remove_leftovers, write_bytes, write_text
from exilekg.errors import OutputError
from exilekg.ingest import ingest


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _plain_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def test_written_files_get_plain_permissions(tmp_path: Path) -> None:
    write_bytes(tmp_path / "a.bin", b"\x00\x01")
    write_text(tmp_path / "sub" / "b.txt", "Привет\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "sub" / "b.txt").read_text(encoding="utf-8") == "Привет\n"
    assert _mode(tmp_path / "a.bin") == _plain_mode()
    assert _mode(tmp_path / "sub" / "b.txt") == _plain_mode()


def test_a_failed_block_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.nq"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_files() as files:
        files.open(target).write("new\n")
        files.open_binary(tmp_path / "other.bin").write(b"x")
        raise RuntimeError("killed halfway")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nq"]


def test_a_set_of_files_is_renamed_over_targets_that_are_still_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Renaming over a file's last link frees its blocks within the rename (milliseconds for a large
    # dump), which widened the window in which a kill leaves a mixture of old and new files.
    names = ["exilekg.ttl", "exilekg.nt", "void.ttl"]
    for name in names:
        (tmp_path / name).write_text(f"old {name}\n", encoding="utf-8")
    links: dict[str, int] = {}
    rename = Path.replace

    def spy(self: Path, target: Path) -> Path:
        links[target.name] = target.stat().st_nlink
        return rename(self, target)

    monkeypatch.setattr(Path, "replace", spy)
    with atomic_files() as files:
        for name in names:
            files.open(tmp_path / name).write(f"new {name}\n")
    assert links == dict.fromkeys(names, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # the second links are gone
    assert all((tmp_path / n).read_text(encoding="utf-8") == f"new {n}\n" for n in names)


def test_within_releasing_the_earlier_versions_are_unlinked_by_a_thread_before_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    names = ["exilekg.nt", "void.ttl"]
    for name in names:
        (tmp_path / name).write_text(f"old {name}\n", encoding="utf-8")
    unlinked_by: list[str] = []
    unlink = Path.unlink

    def spy(self: Path, missing_ok: bool = False) -> None:
        if ".old." in self.name:
            unlinked_by.append(threading.current_thread().name)
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", spy)
    with releasing(), atomic_files() as files:
        for name in names:
            files.open(tmp_path / name).write(f"new {name}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert unlinked_by == ["exilekg-release"] * 2
    # Outside the block the commit unlinks them itself.
    with atomic_files() as files:
        for name in names:
            files.open(tmp_path / name).write(f"newer {name}\n")
    assert unlinked_by[2:] == [threading.current_thread().name] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_a_folder_discarded_within_releasing_is_removed_whole_by_its_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import threading

    removed_by: list[str] = []
    rmtree = shutil.rmtree

    def spy(path: Path, ignore_errors: bool = False) -> None:
        removed_by.append(threading.current_thread().name)
        rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(shutil, "rmtree", spy)
    old = tmp_path / ".exilekg.index.x1.tmp"
    (old / "old" / "store").mkdir(parents=True)
    (old / "old" / "store" / "000001.sst").write_bytes(b"\0" * 1024)
    with releasing():
        discard([old])
    assert not old.exists() and removed_by == ["exilekg-release"]
    (old / "old").mkdir(parents=True)
    discard([old])  # outside the block: at once, here
    assert not old.exists() and removed_by[1:] == [threading.current_thread().name]


def test_an_earlier_version_that_cannot_be_unlinked_fails_the_releasing_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fault that cannot be caused for real here (the folder must stay writable for the renames).
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("old\n", encoding="utf-8")
    unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if ".old." in self.name:
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    with (
        pytest.raises(OutputError, match="Permission denied") as raised,
        releasing(),
        atomic_files() as files,
    ):
        files.open(tmp_path / "a.txt").write("new\n")
        files.open(tmp_path / "b.txt").write("new\n")
    assert raised.value.path is not None and ".a.txt.old." in str(raised.value.path)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new\n"


def test_a_second_link_left_by_a_killed_commit_is_a_leftover(tmp_path: Path) -> None:
    (tmp_path / "exilekg.nt").write_text("new\n", encoding="utf-8")
    gone = 2**22 + 1  # above the default pid_max: no process has it
    aside = tmp_path / f".exilekg.nt.old.{gone}.a1b2c3d4.tmp"
    aside.write_text("old\n", encoding="utf-8")
    assert remove_leftovers(tmp_path, ["exilekg.nt"]) == [aside]


def test_ingested_documents_and_texts_are_readable_like_dumps(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("A Headline Of Our Own\n\nBy Anna Petrova\n\nSome words of ours.\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "corpus.json").write_text(
        '{"id": "c", "title": "C", "base": "https://example.org/c/", "license": "CC-BY-4.0", "version": "1"}',
        encoding="utf-8",
    )
    [result] = ingest([article], corpus)
    assert _mode(result.document) == _plain_mode()
    assert _mode(result.text) == _plain_mode()
