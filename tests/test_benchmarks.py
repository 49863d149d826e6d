"""The benchmark scripts keep working: a small generated corpus builds clean, the runner runs.

No timing is asserted here; benchmarks/run.py measures, these only keep it from rotting.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exilekg.pipeline import ALL_FORMATS, build, output_name

from .conftest import REPO

GENERATE = REPO / "benchmarks" / "generate.py"
RUN = REPO / "benchmarks" / "run.py"


def test_generated_corpus_builds_clean_with_about_the_asked_triples(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GENERATE), "--triples", "2k", "--out", str(corpus)],
        check=True,
        capture_output=True,
    )
    assert (corpus / "corpus.json").is_file() and any((corpus / "texts").glob("*.txt"))
    result = build(corpus, tmp_path / "out")
    assert result.report.ok and result.report.evidence_verified > 0
    assert result.report.warnings == []  # a corpus of the real shape: articles on their publishers' sites
    assert 1_000 <= result.triples <= 4_000, result.triples
    for fmt in ALL_FORMATS:
        assert (tmp_path / "out" / output_name(fmt)).stat().st_size > 0


def test_generator_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, str(GENERATE), "--triples", "1k", "--out", str(tmp_path / name)],
            check=True,
            capture_output=True,
        )
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for relative in files:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), relative


def test_runner_measures_every_side_on_a_tiny_corpus(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--triples",
            "2k",
            "--stream",
            "1k,2k",
            "--incremental",
            "2k",
            "--incremental-index",
            "2k",
            "--incremental-entity",
            "2k",
            "--incremental-text",
            "2k",
            "--recording",
            "2k",
            "--repeat",
            "2",
            "--work",
            str(tmp_path / "work"),
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    (row,) = report["full"]
    assert row["triples"] > 1_000
    assert row["exilekg"]["wall_seconds"] > 0 and row["exilekg"]["peak_mb"] > 0
    stages = set(row["exilekg"]["stages"])
    assert {"read", "validate", "map and write", "write Turtle", "write JSON-LD"} <= stages
    assert row["floor"]["triples"] == row["triples"]
    # --repeat 2: two rounds of the full row too, the run of median time kept with every run's time.
    assert len(row["exilekg"]["samples"]) == len(row["floor"]["samples"]) == 2
    assert row["exilekg"]["wall_seconds"] in row["exilekg"]["samples"]
    assert row["floor"]["seconds"] == sorted(row["floor"]["samples"])[1]
    if "split" in row:
        assert len(row["split"]["samples"]) == 2 and row["split"]["same_bytes"] is True
    assert row["parsed_back"]["exilekg.jsonld"] == row["parsed_back"]["exilekg.nq"] == row["triples"]
    assert row["rdflib_pyld"]["triples"] == row["triples"]
    assert [r["target"] for r in report["stream"]] == [1_000, 2_000]
    plain, indexed, entity, text = report["incremental"]
    assert plain["options"] == [] and indexed["options"] == ["index"] and entity["options"] == []
    assert [row["change"] for row in report["incremental"]] == ["record", "record", "entity", "text"]
    # A paragraph added to one text: its document is mapped again, with the facts whose evidence
    # lies after the paragraph in it (their positions moved), and nothing else.
    assert text["identical"] and 1 <= text["units_mapped"] < text["units"] == plain["units"]
    assert plain["identical"] and indexed["identical"] and indexed["units_mapped"] == 1
    # The person added is the one unit mapped: every document's mentions are found again, the same.
    # A person is added each round, and the units counted are those of the median round's rebuild.
    assert entity["identical"] and entity["units_mapped"] == 1
    assert plain["units"] < entity["units"] <= plain["units"] + entity["rounds"]
    assert len(plain["incremental_samples"]) == len(plain["full_samples"]) == plain["rounds"] == 2
    assert plain["incremental_seconds"] in plain["incremental_samples"]
    # The floor rewrote the dumps the rebuild wrote, in each round.
    assert len(plain["rewrite_floor_samples"]) == 2
    assert plain["rewrite_floor_seconds"] in plain["rewrite_floor_samples"]
    assert plain["rewrite_floor_bytes"] > 0
    assert "| dumps rewritten alone (floor) |" in completed.stdout
    (recording,) = report["recording"]
    assert recording["identical"] and recording["rounds"] == 2
    assert recording["recording"]["workers"] == 1 and recording["full"]["workers"] == 1
    for kind in ("recording", "recording_split", "full", "full_split"):
        assert (
            len(recording[kind]["samples"]) == 2 and recording[kind]["seconds"] in recording[kind]["samples"]
        )
    assert recording["split_over_one"] == round(
        recording["recording_split"]["seconds"] / recording["recording"]["seconds"], 2
    )
    assert "| first --incremental, one process |" in completed.stdout
    assert {t["met"] for t in report["targets"]} <= {True, False}
    assert "| triples |" in completed.stdout and "targets:" in completed.stdout
    assert report["machine"]["cores"] and report["machine"]["python"]


def test_rows_kept_through_several_updates_name_the_run_that_measured_them(tmp_path: Path) -> None:
    out = tmp_path / "results.json"

    def run(*args: str) -> dict[str, Any]:
        command = [sys.executable, str(RUN), "--triples", "", "--incremental", "", *args]
        command += ["--work", str(tmp_path / "work"), "--json", str(out)]
        subprocess.run(command, check=True, capture_output=True, text=True)
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return report

    measured = run("--stream", "1k")
    run("--stream", "", "--update")
    again = run("--stream", "", "--update")
    assert again["stream"] == measured["stream"]
    assert again["kept"]["stream"]["command"] == measured["command"]
    assert "--stream 1k" in measured["command"]


def _runner() -> Any:
    """benchmarks/run.py loaded as a module (with its folder on the path, for its own imports)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmark_run", RUN)
    assert spec is not None and spec.loader is not None
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return module


def test_the_runner_tells_a_worker_its_text_is_complete_as_the_build_does() -> None:
    from exilekg.writers._oxworker import COMPLETE

    assert _runner().WORKER_COMPLETE == COMPLETE


def test_mentions_benchmark_finds_what_it_planted_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "mentions.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "mentions.py"),
            *("--entities", "40", "--articles", "6", "--size", "2000", "--repeat", "2"),
            *("--baseline-sample", "2", "--json", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    # About one word in twenty of each text is a name, in any case form in the Russian texts.
    assert figures["mentions"] > 6 * 2000 / 20 / 10
    assert figures["russian_mentions"] > 6 * 2000 / 20 / 10
    assert figures["clock"] == "cpu" and figures["repeat"] == 2
    assert figures["russian_to_english"] > 0


def test_publish_benchmark_compares_the_index_with_the_dumps(tmp_path: Path) -> None:
    out = tmp_path / "publish.json"
    subprocess.run(
        [
            *(sys.executable, str(REPO / "benchmarks" / "publish.py"), "--triples", "2k"),
            *("--work", str(tmp_path), "--json", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    (row,) = json.loads(out.read_text(encoding="utf-8"))["publish"]["rows"]
    assert row["identical"] and row["pages"] > 10 and row["files"] > row["pages"]
    assert row["index_s"] > 0 and row["dumps_s"] > 0 and row["index_peak_mb"] > 0


def test_load_benchmark_loads_both_stores_in_full(tmp_path: Path) -> None:
    if shutil.which("oxigraph") is None:
        pytest.fail("the oxigraph command is missing: pip install oxigraph (.ci/run installs it)")
    out = tmp_path / "load.json"
    subprocess.run(
        [
            *(sys.executable, str(REPO / "benchmarks" / "load.py"), "--triples", "2k"),
            *("--work", str(tmp_path), "--json", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    (row,) = json.loads(out.read_text(encoding="utf-8"))["load"]["rows"]
    assert row["dump_quads"] > 1_000 and row["served_quads"] >= row["dump_quads"]
    assert row["oxigraph_load_s"] > 0 and row["exilekg_load_s"] > 0 and row["exilekg_replace_s"] > 0


def test_benchmarks_time_exilekg_with_its_modules_compiled() -> None:
    """The timed processes read bytecode, as an installed package's do, even where the environment
    keeps Python from writing it (PYTHONDONTWRITEBYTECODE, as CI sets)."""
    import importlib.util

    import exilekg.pipeline

    _runner().compile_package()
    source = Path(exilekg.pipeline.__file__)
    cached = Path(importlib.util.cache_from_source(str(source)))
    assert cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime
