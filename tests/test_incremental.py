"""Incremental builds: after random edits of a corpus, the spliced dumps are the bytes a full build
writes; a build that cannot reuse the previous one says why and is a full one."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exilekg.cli import cli
from exilekg.errors import ExilekgError
from exilekg.formats import RdfFormat
from exilekg.incremental import STATE_NAME, read_state
from exilekg.incremental.state import BuildState
from exilekg.mentions import DocumentMentions, MentionList
from exilekg.pipeline import ALL_FORMATS, build

from .test_engines import load_generator

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example-corpus"
OUTPUTS = [f"exilekg.{fmt.extension}" for fmt in ALL_FORMATS] + ["void.ttl"]

HOSTILE = st.sampled_from(
    ['He said "no"', "line one\nline two", "<script>&amp;", "Пётр Иванов", "emoji 🕊️ here", "back\\slash"]
)
NAMES_IN_TEXTS = st.sampled_from(["Riga", "Berlin", "Anna Petrova", "Sokolova", "Free Voices", "Jonas Weber"])


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS if (out / name).exists()}


def _apply(corpus: Path, edit: tuple[str, int, str]) -> None:
    """One edit of the corpus, of the kinds users make."""
    what, pick, value = edit
    entities_path, facts_path = corpus / "records" / "entities.json", corpus / "records" / "facts.json"
    entities, facts = _load(entities_path), _load(facts_path)
    if what == "describe" and facts:  # change a fact
        facts[pick % len(facts)]["description"] = value
    elif what == "rename" and entities:  # rename an entity: mentions everywhere may change
        entities[pick % len(entities)]["name"] = value
    elif what == "add":  # a new entity, perhaps named as something in the texts is
        entities.append({"kind": "Person", "id": f"added-{pick}-{len(entities)}", "name": value})
    elif what == "remove" and facts:
        del facts[pick % len(facts)]
    elif what == "misdate" and facts:  # a date that does not exist: this record must be checked again
        facts[pick % len(facts)]["startDate"] = "2023-02-30"
    elif what == "text":  # edit a text (and its digest in the document record)
        documents = sorted((corpus / "documents").glob("*.json"))
        if not documents:
            return
        document_path = documents[pick % len(documents)]
        document = _load(document_path)
        text_path = corpus / "texts" / document["text"]
        text = text_path.read_text(encoding="utf-8")
        at = (pick * 7919) % (len(text) + 1)
        text = f"{text[:at]} {value} {text[at:]}"
        text_path.write_text(text, encoding="utf-8")
        document["sha256"] = hashlib.sha256(text_path.read_bytes()).hexdigest()
        _save(document_path, document)
    elif what == "delete":  # a document goes, with the facts only it supported
        documents = sorted((corpus / "documents").glob("*.json"))
        if len(documents) < 2:
            return
        gone = _load(documents[pick % len(documents)])["id"]
        documents[pick % len(documents)].unlink()
        kept = []
        for record in facts:
            evidence = [item for item in record.get("evidence", []) if item["document"] != gone]
            if record.get("evidence") and not evidence:
                continue
            if "evidence" in record:
                record["evidence"] = evidence
            kept.append(record)
        facts = kept
        for record in entities:
            if "evidence" in record:
                record["evidence"] = [item for item in record["evidence"] if item["document"] != gone]
                if not record["evidence"]:
                    del record["evidence"]
    _save(entities_path, entities)
    _save(facts_path, facts)


def _build_both(corpus: Path, full: Path, spliced: Path) -> tuple[Any, Any]:
    """A full build into a fresh folder and an incremental one into ``spliced``; both fail alike."""
    shutil.rmtree(full, ignore_errors=True)
    try:
        expected = build(corpus, full)
    except ExilekgError as error:
        before = _outputs(spliced)
        with pytest.raises(type(error)) as caught:
            build(corpus, spliced, incremental=True)
        # Validation trusts what the previous build found, and still reports every problem.
        assert str(caught.value) == str(error)
        assert _outputs(spliced) == before  # a failed build replaces nothing
        return None, None
    result = build(corpus, spliced, incremental=True)
    assert [str(w) for w in result.report.warnings] == [str(w) for w in expected.report.warnings]
    assert result.report.anchors == expected.report.anchors
    return expected, result


EDITS = st.tuples(
    st.sampled_from(["describe", "rename", "add", "remove", "misdate", "text", "delete"]),
    st.integers(0, 1000),
    st.one_of(HOSTILE, NAMES_IN_TEXTS),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(st.lists(EDITS, min_size=1, max_size=3), min_size=1, max_size=3))
def test_incremental_builds_write_the_bytes_of_full_builds(
    tmp_path_factory: pytest.TempPathFactory, rounds: list[list[tuple[str, int, str]]]
) -> None:
    work = tmp_path_factory.mktemp("edits")
    corpus, full, spliced = work / "corpus", work / "full", work / "spliced"
    shutil.copytree(EXAMPLE, corpus)
    build(corpus, spliced, incremental=True)
    for edits in rounds:
        for edit in edits:
            _apply(corpus, edit)
        expected, result = _build_both(corpus, full, spliced)
        if expected is None:
            continue
        assert _outputs(spliced) == _outputs(full)
        assert result.reuse is not None
        assert result.reuse.incremental, result.reuse.reason
        # What the state holds is what it reads back as: nothing is lost between builds.
        state = (spliced / STATE_NAME).read_bytes()
        assert BuildState.from_bytes(state).to_bytes() == state
        assert (result.triples, result.quads, result.graphs) == (
            expected.triples,
            expected.quads,
            expected.graphs,
        )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    return root


def test_an_unchanged_corpus_maps_nothing_and_one_changed_record_maps_one_unit(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = build(corpus, out, incremental=True)
    assert first.reuse is not None and not first.reuse.incremental
    assert first.reuse.mapped == first.reuse.units
    again = build(corpus, out, incremental=True)
    assert again.reuse is not None and again.reuse.incremental and again.reuse.mapped == 0
    _apply(corpus, ("describe", 0, "a new description"))
    changed = build(corpus, out, incremental=True)
    assert changed.reuse is not None and changed.reuse.mapped == 1
    full = build(corpus, tmp_path / "full")
    assert _outputs(out) == _outputs(tmp_path / "full")
    assert changed.build_id == full.build_id


def test_renaming_an_entity_remaps_the_documents_whose_mentions_change(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    _apply(corpus, ("rename", 0, "Someone Unmentioned"))  # anna-petrova: no longer found by that name
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and result.reuse.incremental
    # The entity itself, and the documents naming her (her alternate name still matches).
    assert 1 <= result.reuse.mapped <= 3
    build(corpus, tmp_path / "full")
    assert _outputs(out) == _outputs(tmp_path / "full")


def _count_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents whose mentions are found from now on, each id as its lookup comes."""
    looked_up: list[str] = []
    lookup = DocumentMentions.__getitem__

    def counted(self: DocumentMentions, document_id: str) -> MentionList:
        looked_up.append(document_id)
        return lookup(self, document_id)

    monkeypatch.setattr(DocumentMentions, "__getitem__", counted)
    return looked_up


def test_a_changed_table_of_names_finds_again_only_the_mentions_it_may_change(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    looked_up = _count_lookups(monkeypatch)
    _apply(corpus, ("add", 1, "Zyxwv Unnamed"))  # in no text: no document's mentions change
    nobody = build(corpus, out, incremental=True)
    assert nobody.reuse is not None and nobody.reuse.incremental and nobody.reuse.mapped == 1
    assert looked_up == []
    _apply(corpus, ("add", 2, "Lajos Kovacs"))  # his surname is in one text
    build(corpus, out, incremental=True)
    assert looked_up == ["riga-congress"]
    build(corpus, tmp_path / "full")
    assert _outputs(out) == _outputs(tmp_path / "full")


def test_a_changed_table_of_names_finds_again_the_mentions_of_every_inflected_text(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Matched by dictionary form, a Russian text's words are not compared as written.
    document = corpus / "documents" / "berlin-survey.json"
    document.write_text(document.read_text(encoding="utf-8").replace('"en"', '"ru"'), encoding="utf-8")
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    looked_up = _count_lookups(monkeypatch)
    _apply(corpus, ("add", 1, "Зыхв Безымянный"))
    build(corpus, out, incremental=True)
    assert looked_up == ["berlin-survey"]
    build(corpus, tmp_path / "full")
    assert _outputs(out) == _outputs(tmp_path / "full")


def test_a_state_whose_table_of_names_is_damaged_gives_a_full_build(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    state = _load(out / STATE_NAME)
    state["entityNames"][0] = ["an-id", "Person", "not a list of names"]
    _save(out / STATE_NAME, state)
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and result.reuse.reason is not None
    assert "damaged" in result.reuse.reason


def _spoil_nodes(out: Path, nodes: list[Any]) -> None:
    """The state with one unit's JSON-LD node list replaced by ``nodes``."""
    _spoil_unit(out, 5, nodes)


def _spoil_unit(out: Path, column: int, value: Any) -> None:
    """The state with one column of its first unit's row replaced by ``value``."""
    state = _load(out / STATE_NAME)
    next(iter(state["units"].values()))[column] = value
    _save(out / STATE_NAME, state)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda out: (out / STATE_NAME).unlink(), "no exilekg.state.json"),
        (lambda out: (out / STATE_NAME).write_bytes(b"{not json"), "is damaged"),
        (lambda out: (out / STATE_NAME).write_bytes(b'{"version": 99}'), "another version of exilekg"),
        (lambda out: _spoil_nodes(out, [10**6, 0, 10]), "a unit's JSON-LD nodes are not three numbers"),
        (lambda out: _spoil_nodes(out, [0, 0]), "a unit's JSON-LD nodes are not three numbers"),
        (lambda out: _spoil_nodes(out, [0, "x", 10]), "is damaged"),
        # Graph and class counts, and TriG lines, name their graph, class or line by its number.
        (lambda out: _spoil_unit(out, 6, [-1, 3]), "a count names none of the"),
        (lambda out: _spoil_unit(out, 7, [10**6, 1]), "a count names none of the"),
        (lambda out: _spoil_unit(out, 17, -1), "names none of the"),
        (lambda out: (out / "exilekg.nq").write_bytes(b""), "is not the file the previous build wrote"),
        (lambda out: (out / "exilekg.nt").unlink(), "is not the file the previous build wrote"),
        (lambda out: (out / "void.ttl").unlink(), "not those of the build"),
    ],
)
def test_missing_or_damaged_state_gives_a_full_build_that_says_why(
    corpus: Path, tmp_path: Path, spoil: Any, reason: str
) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    spoil(out)
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and not result.reuse.incremental
    assert reason in str(result.reuse.reason)
    build(corpus, tmp_path / "full")
    assert _outputs(out) == _outputs(tmp_path / "full")
    assert not isinstance(read_state(out), str)  # the full build recorded a state again


def test_changed_options_give_a_full_build(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    result = build(corpus, out, incremental=True, jsonld_context="https://example.org/context.jsonld")
    assert result.reuse is not None and "JSON-LD context" in str(result.reuse.reason)
    meta = _load(corpus / "corpus.json")
    meta["title"] = "Another title"
    _save(corpus / "corpus.json", meta)
    result = build(corpus, out, incremental=True, jsonld_context="https://example.org/context.jsonld")
    assert result.reuse is not None and "corpus metadata" in str(result.reuse.reason)
    fewer = build(corpus, out, incremental=True, formats=[RdfFormat.TURTLE])
    assert fewer.reuse is not None and "N-Triples and N-Quads" in str(fewer.reuse.reason)
    assert not (out / STATE_NAME).exists()


def test_a_full_build_removes_the_state(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    assert (out / STATE_NAME).exists()
    build(corpus, out)
    assert not (out / STATE_NAME).exists()


def test_cli_incremental_says_what_it_mapped(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "--incremental", "-q"])
    assert first.exit_code == 0, first.output
    assert "full build: no exilekg.state.json" in first.output
    second = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "--incremental", "-q"])
    assert second.exit_code == 0, second.output
    assert "incremental: 0 of" in second.output


def _change_a_fact(corpus: Path) -> None:
    path = max((corpus / "records").rglob("*.json"), key=lambda p: p.stat().st_size)
    records = _load(path)
    records[len(records) // 2]["description"] = "changed by the test"
    _save(path, records)


def test_a_killed_incremental_build_leaves_the_previous_outputs_whole(tmp_path: Path) -> None:
    corpus = load_generator().generate(60, tmp_path / "corpus")
    out, full = tmp_path / "out", tmp_path / "full"
    command = [
        sys.executable,
        "-m",
        "exilekg",
        "build",
        str(corpus),
        "--out",
        str(out),
        "--incremental",
        "-q",
    ]
    subprocess.run(command, check=True, capture_output=True)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _change_a_fact(corpus)
    build(corpus, full)
    after = _outputs(full)
    killed = False
    for delay in (0.0, 0.05, 0.2):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not list(out.glob(".*.tmp")) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        process.kill()
        process.wait()
        if process.returncode != -9:
            break  # it finished first: the outputs are the new build's
        killed = True
        now = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
        assert now == before, f"killed after {delay} s, the previous outputs changed"
    assert killed, "no build was killed mid-write"
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and result.reuse.incremental, result.reuse
    assert _outputs(out) == after


def _index_contents(out: Path) -> tuple[set[str], list[tuple[str, ...]]]:
    """The index's quads and key table rows, blank node labels (new at every load) left out."""
    import re
    import sqlite3

    from exilekg.index import KEYS_FILE, index_path, open_index

    store = open_index(out)
    assert store is not None  # the index is the current build's, not stale
    unlabelled = re.compile(r"_:[A-Za-z0-9]+")
    quads = {unlabelled.sub("_:", str(q)) for q in store.quads_for_pattern(None, None, None)}
    del store
    connection = sqlite3.connect(index_path(out) / KEYS_FILE)
    rows = sorted(
        tuple(unlabelled.sub("_:", str(v)) for v in row) for row in connection.execute("SELECT * FROM keys")
    )
    connection.close()
    return quads, rows


def test_an_incremental_build_brings_its_index_up_to_date(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exilekg.pipeline

    updated: list[Path] = []
    real = exilekg.pipeline.update_index
    monkeypatch.setattr(exilekg.pipeline, "update_index", lambda *a: updated.append(real(*a)) or updated[-1])
    out, full = tmp_path / "out", tmp_path / "full"
    build(corpus, out, incremental=True, index=True)
    assert not updated  # nothing to bring up to date: written afresh
    _apply(corpus, ("describe", 1, "a description only the new index has"))
    result = build(corpus, out, incremental=True, index=True)
    assert result.reuse is not None and result.reuse.incremental and len(updated) == 1
    monkeypatch.setattr(exilekg.pipeline, "_UPDATE_SHARE", 1)  # a rename changes many of its graphs
    _apply(corpus, ("rename", 2, "A Renamed Entity"))
    build(corpus, out, incremental=True, index=True)
    assert len(updated) == 2
    build(corpus, full, index=True)
    assert _index_contents(out) == _index_contents(full)
    quads, rows = _index_contents(out)
    assert any('"a description only the new index has"' in q for q in quads)
    assert any(row[4] == "A Renamed Entity" for row in rows)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_an_updated_index_holds_what_a_full_build_indexes(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[str, int, str]],
) -> None:
    monkeypatch.setattr("exilekg.pipeline._UPDATE_SHARE", 1)  # brought up to date however much changed
    work = tmp_path_factory.mktemp("index-edits")
    corpus, full, spliced = work / "corpus", work / "full", work / "spliced"
    shutil.copytree(EXAMPLE, corpus)
    build(corpus, spliced, incremental=True, index=True)
    for edit in edits:
        _apply(corpus, edit)
    try:
        build(corpus, full, index=True)
    except ExilekgError:
        return  # an edit that makes the corpus invalid: both builds refuse it (tested above)
    build(corpus, spliced, incremental=True, index=True)
    assert _index_contents(spliced) == _index_contents(full)


def test_a_hosted_context_and_fewer_formats_splice_too(corpus: Path, tmp_path: Path) -> None:
    context = "https://example.org/exilekg/context.jsonld"
    formats = [RdfFormat.NTRIPLES, RdfFormat.NQUADS, RdfFormat.JSONLD]
    out, full = tmp_path / "out", tmp_path / "full"
    build(corpus, out, incremental=True, jsonld_context=context, formats=formats)
    _apply(corpus, ("rename", 3, 'Pavel "the" Orlov'))
    result = build(corpus, out, incremental=True, jsonld_context=context, formats=formats)
    assert result.reuse is not None and result.reuse.incremental
    build(corpus, full, jsonld_context=context, formats=formats)
    assert _outputs(out) == _outputs(full)
    assert not (out / "exilekg.ttl").exists()


def test_the_code_digest_covers_the_schemas_and_vocabularies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout keeps them beside the package: a changed schema changes what validation accepts
    (which the next build trusts), a changed vocabulary or context what is checked and written."""
    from exilekg.incremental import state
    from exilekg.resources import schemas_dir, vocab_dir

    before = state._code_digest()
    for name, folder in (("schemas_dir", schemas_dir()), ("vocab_dir", vocab_dir())):
        copy = tmp_path / folder.name
        shutil.copytree(folder, copy)
        monkeypatch.setattr(state, name, lambda copy=copy: copy)
        assert state._code_digest() == before
        first = sorted(p for p in copy.rglob("*") if p.is_file())[0]
        first.write_bytes(first.read_bytes() + b" ")
        assert state._code_digest() != before
        first.write_bytes(first.read_bytes()[:-1])
