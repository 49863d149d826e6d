"""``load --changed`` into a real Oxigraph server: only the graphs an incremental build changed are
sent, graphs gone from the build are dropped, and the store ends up holding exactly the build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exilekg import StoreError, build
from exilekg.cli import cli
from exilekg.incremental import read_state
from exilekg.stores import LOADS_PREFIX, load, select, update

from ..conftest import EXAMPLE
from .test_load import dump_quads, store_quads


def _data_quads(url: str) -> set[tuple[str, str, str, str]]:
    return {q for q in store_quads(url) if not q[3].startswith(f"<{LOADS_PREFIX}")}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def empty_store(own_oxigraph_url: str) -> str:
    update(own_oxigraph_url, "DROP ALL")
    return own_oxigraph_url


def _describe_first_fact(corpus: Path, text: str) -> str:
    path = corpus / "records" / "facts.json"
    facts = json.loads(path.read_text("utf-8"))
    facts[-1]["description"] = text
    path.write_text(json.dumps(facts, ensure_ascii=False), "utf-8")
    return str(facts[-1]["evidence"][0]["document"])


def test_only_changed_graphs_are_sent_and_the_store_holds_the_build(
    corpus: Path, tmp_path: Path, empty_store: str
) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    state = read_state(out)
    assert not isinstance(state, str)
    first = load(out, empty_store, changed=True)
    assert set(first.sent) == set(state.graphs)  # nothing recorded yet: every graph
    assert first.unchanged == 0
    assert _data_quads(empty_store) == dump_quads(out)

    again = load(out, empty_store, changed=True)
    assert again.sent == {} and again.unchanged == len(state.graphs)

    document = _describe_first_fact(corpus, 'changed "description"\nwith a new line')
    build(corpus, out, incremental=True)
    changed = load(out, empty_store, changed=True)
    assert list(changed.sent) == [f"https://example.org/exilekg/graph/document/{document}"]
    assert changed.unchanged == len(state.graphs) - 1
    assert _data_quads(empty_store) == dump_quads(out)


def test_a_deleted_document_drops_its_graph(corpus: Path, tmp_path: Path, empty_store: str) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    load(out, empty_store, changed=True)
    (corpus / "documents" / "berlin-survey.json").unlink()
    for name in ("entities.json", "facts.json"):
        path = corpus / "records" / name
        records = json.loads(path.read_text("utf-8"))
        kept = []
        for record in records:
            evidence = [e for e in record.get("evidence", []) if e["document"] != "berlin-survey"]
            if record.get("evidence") and not evidence:
                if record["kind"] not in ("Person", "Organization", "Place", "Event", "CreativeWork"):
                    continue
                del record["evidence"]
            elif "evidence" in record:
                record["evidence"] = evidence
            kept.append(record)
        path.write_text(json.dumps(kept, ensure_ascii=False), "utf-8")
    result = build(corpus, out, incremental=True)
    assert result.reuse is not None and result.reuse.incremental
    report = load(out, empty_store, changed=True)
    assert report.dropped == ["https://example.org/exilekg/graph/document/berlin-survey"]
    assert _data_quads(empty_store) == dump_quads(out)
    graphs = {
        row["g"]["value"] for row in select(empty_store, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    }
    assert "https://example.org/exilekg/graph/document/berlin-survey" not in graphs


def test_a_store_that_lost_its_record_gets_every_graph(
    corpus: Path, tmp_path: Path, empty_store: str
) -> None:
    out = tmp_path / "out"
    build(corpus, out, incremental=True)
    load(out, empty_store, changed=True)
    update(empty_store, "DROP ALL")
    report = load(out, empty_store, changed=True)
    assert report.unchanged == 0
    assert _data_quads(empty_store) == dump_quads(out)


def test_changed_needs_a_folder_an_incremental_build_wrote(
    corpus: Path, tmp_path: Path, empty_store: str
) -> None:
    out = tmp_path / "out"
    build(corpus, out)
    with pytest.raises(StoreError, match="cannot tell which graphs changed") as caught:
        load(out, empty_store, changed=True)
    assert "--incremental" in (caught.value.hint or "")
    build(corpus, out, incremental=True)
    (out / "exilekg.nq").write_bytes(b"")
    with pytest.raises(StoreError, match="does not describe the dumps"):
        load(out, empty_store, changed=True)
    assert _data_quads(empty_store) == set()


def test_cli_load_changed(corpus: Path, tmp_path: Path, empty_store: str) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    built = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "--incremental", "-q"])
    assert built.exit_code == 0, built.output
    first = runner.invoke(cli, ["load", str(out), "--endpoint", empty_store, "--changed", "-q"])
    assert first.exit_code == 0, first.output
    assert "0 graphs unchanged since the last load" in first.output
    second = runner.invoke(cli, ["load", str(out), "--endpoint", empty_store, "--changed", "-q"])
    assert second.exit_code == 0, second.output
    assert "loaded 0 triples in 0 graphs" in second.output
    plain = runner.invoke(cli, ["build", str(corpus), "--out", str(out), "-q"])
    assert plain.exit_code == 0, plain.output
    refused = runner.invoke(cli, ["load", str(out), "--endpoint", empty_store, "--changed", "-q"])
    assert refused.exit_code != 0
    assert "Traceback" not in refused.output and "--incremental" in refused.output
