"""Reading corpus folders: malformed files are named with line and column, encodings are handled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exilekg import CorpusError, read_corpus


def test_malformed_json_names_file_line_and_column(example_copy: Path) -> None:
    path = example_copy / "records" / "broken.json"
    path.write_text('[\n  {"kind": "Person",\n   "id": "x" "name": "X"}\n]\n', encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        read_corpus(example_copy)
    assert info.value.path == path
    assert (info.value.line, info.value.column) == (3, 14)
    assert "malformed JSON" in str(info.value)


def test_utf8_bom_is_accepted(example_copy: Path) -> None:
    path = example_copy / "records" / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf[{"kind": "Person", "id": "bom", "name": "B"}]')
    corpus = read_corpus(example_copy)
    assert any(r.id == "bom" for r in corpus.records)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('[{"kind": "Person", "id": "x", "name": "X"}]'.encode("utf-16"), "UTF-16"),
        ('[{"kind": "Person", "id": "x", "name": "Jos\u00e9"}]'.encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_wrong_encoding_is_named(example_copy: Path, raw: bytes, message: str) -> None:
    (example_copy / "records" / "enc.json").write_bytes(raw)
    with pytest.raises(CorpusError, match=message) as info:
        read_corpus(example_copy)
    assert info.value.hint and "UTF-8" in info.value.hint


def test_missing_corpus_json(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"corpus\.json"):
        read_corpus(tmp_path)


def test_missing_texts_folder(example_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="texts folder"):
        read_corpus(example_copy, texts_dir=tmp_path / "nowhere")


def test_record_that_is_not_an_object(example_copy: Path) -> None:
    (example_copy / "records" / "odd.json").write_text('[{"kind": "Person", "id": "a", "name": "A"}, 42]')
    with pytest.raises(CorpusError, match="must be a JSON object") as info:
        read_corpus(example_copy)
    assert info.value.pointer == "/1"


def test_inline_records_of_documents_are_records(example_copy: Path) -> None:
    corpus = read_corpus(example_copy)
    inline = [r for r in corpus.records if r.inline]
    assert [(r.kind, r.id) for r in inline] == [("Person", "lena-kovacs")]
    assert inline[0].source.pointer == "/authors/0"


def test_records_share_their_keys_and_repeated_values(example_copy: Path) -> None:
    lines = [
        {"kind": "Person", "id": "a", "name": "A"},
        {"kind": "Relation", "id": "r1", "relation": "knows", "subject": "a", "object": "b"},
        {"kind": "Relation", "id": "r2", "relation": "knows", "subject": "a", "object": "b"},
    ]
    (example_copy / "records" / "more.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    records = [r for r in read_corpus(example_copy).records if r.id in {"a", "r1", "r2"}]
    keys = {id(key) for r in records for key in r.data if key == "kind"}
    assert len(keys) == 1
    assert records[1].data["subject"] is records[2].data["subject"] is records[0].data["id"]


def test_texts_are_read_afresh_but_must_not_change(example_copy: Path) -> None:
    corpus = read_corpus(example_copy)
    document = next(d for d in corpus.documents if d.id == "riga-congress")
    first = corpus.text(document)
    assert first is not None
    assert corpus.text(document) is not first
    first.path.write_text(first.text + "\nA late addition.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="changed") as info:
        corpus.text(document)
    assert info.value.path == first.path


def test_a_texts_digest_is_the_one_first_read(example_copy: Path) -> None:
    """Stages that need only the digest (an incremental build's mention check) take the one
    validation read, without reading the file again; text() still refuses a changed file."""
    corpus = read_corpus(example_copy)
    document = next(d for d in corpus.documents if "text" in d.data)
    first = corpus.text(document)
    assert first is not None
    assert corpus.text_sha256(document) == first.sha256
    path = example_copy / "texts" / document.data["text"]
    path.write_text(path.read_text(encoding="utf-8") + " changed", encoding="utf-8")
    assert corpus.text_sha256(document) == first.sha256
    with pytest.raises(CorpusError, match="changed while the corpus was being read"):
        corpus.text(document)
    fresh = read_corpus(example_copy)
    assert fresh.text_sha256(document) not in (None, first.sha256)  # never read: read now
    del document.data["text"]
    assert corpus.text_sha256(document) is None


def test_texts_read_by_a_copy_elsewhere_are_held_to_what_it_read(example_copy: Path) -> None:
    """What a copy of the corpus in another process read (a split build's validation) binds the
    reads here as if they had been made here."""
    elsewhere = read_corpus(example_copy)
    document = next(d for d in elsewhere.documents if d.id == "riga-congress")
    text = elsewhere.text(document)
    assert text is not None
    digests = elsewhere.text_digests()
    assert digests == {text.path: text.sha256}
    here = read_corpus(example_copy)
    here.read_elsewhere(digests)
    assert here.text_digests() == digests
    text.path.write_text(text.text + " changed", encoding="utf-8")
    with pytest.raises(CorpusError, match="changed while the corpus was being read") as info:
        here.text(next(d for d in here.documents if d.id == "riga-congress"))
    assert info.value.path == text.path


def test_texts_read_differently_elsewhere_are_refused(example_copy: Path) -> None:
    here = read_corpus(example_copy)
    document = next(d for d in here.documents if d.id == "riga-congress")
    text = here.text(document)
    assert text is not None
    here.read_elsewhere({text.path: text.sha256})  # the same bytes: nothing to say
    with pytest.raises(CorpusError, match="changed while the corpus was being read") as info:
        here.read_elsewhere({text.path: "0" * 64})
    assert info.value.path == text.path
    assert here.text_digests() == {text.path: text.sha256}
