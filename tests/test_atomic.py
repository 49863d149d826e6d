"""One atomic writer: every file replaces its target whole, with a plain file's permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from exilekg.atomic import atomic_files, remove_leftovers, write_bytes, write_text
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
