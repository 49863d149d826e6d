"""Staging graphs: named by time, machine, process and load; a later load or ``exilekg store
cleanup`` drops dead loads' leftovers and never a live load's."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.cli.store import DURATION
from exilekg.stores import (
    STAGING_PREFIX,
    StagingGraph,
    _host_id,
    _StagingNames,
    cleanup,
    load,
    select,
    staging_graphs,
    update,
)

OTHER_HOST = "0123456789ab"


def name(when: datetime, host: str, pid: int) -> str:
    return f"{STAGING_PREFIX}{when.strftime('%Y%m%dT%H%M%S.%fZ')}:{host}-{pid}:{uuid.uuid4()}:0"


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def leftovers(own_oxigraph_url: str) -> dict[str, str]:
    """One staging graph of each kind, in a store that holds nothing else."""
    for row in select(own_oxigraph_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        update(own_oxigraph_url, f"DROP SILENT GRAPH <{row['g']['value']}>")
    now = datetime.now(UTC)
    graphs = {
        "live here": _StagingNames().next(),
        "dead here": name(now, _host_id(), dead_pid()),
        "young elsewhere": name(now - timedelta(minutes=5), OTHER_HOST, 1),
        "old elsewhere": name(now - timedelta(hours=2), OTHER_HOST, 1),
        "without a time": f"{STAGING_PREFIX}{uuid.uuid4()}",
    }
    for graph in graphs.values():
        update(own_oxigraph_url, f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:s> <urn:p> <urn:o> }} }}")
    return graphs


def test_names_carry_time_machine_process_and_load() -> None:
    names = _StagingNames()
    first, second = names.next(), names.next()
    graph = StagingGraph.parse(first)
    assert first.startswith(STAGING_PREFIX) and first != second
    assert graph.host == _host_id() and graph.load_id is not None
    assert graph.pid is not None and graph.pid > 0
    age = graph.age()
    assert age is not None and 0 <= age < 60
    assert graph.stale_because(3600) is None  # this process runs
    assert StagingGraph.parse(f"{STAGING_PREFIX}{uuid.uuid4()}").created is None


def test_a_load_drops_dead_loads_leftovers_only(
    own_oxigraph_url: str, leftovers: dict[str, str], example_build: Path
) -> None:
    report = load(example_build, own_oxigraph_url, replace=True)
    assert report.sent == report.counted
    kept = {g.iri for g in staging_graphs(own_oxigraph_url)}
    assert kept == {leftovers["live here"], leftovers["young elsewhere"]}


def test_cleanup_command(own_oxigraph_url: str, leftovers: dict[str, str]) -> None:
    dry = CliRunner().invoke(cli, ["store", "cleanup", own_oxigraph_url, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would drop 3 staging graphs" in dry.output
    assert leftovers["dead here"] in dry.output and "is gone" in dry.output
    assert len(staging_graphs(own_oxigraph_url)) == 5
    done = CliRunner().invoke(cli, ["store", "cleanup", own_oxigraph_url])
    assert done.exit_code == 0 and "dropped 3 staging graphs" in done.output
    assert len(staging_graphs(own_oxigraph_url)) == 2
    dropped = cleanup(own_oxigraph_url, older_than=60)
    assert [g.iri for g in dropped] == [leftovers["young elsewhere"]]
    bad = CliRunner().invoke(cli, ["store", "cleanup", own_oxigraph_url, "--older-than", "soon"])
    assert bad.exit_code == 2 and "duration" in bad.output


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("1h", 3600), ("2d", 172800)]
)
def test_durations(text: str, seconds: float) -> None:
    assert DURATION.convert(text, None, None) == seconds


def test_concurrent_loads_keep_each_others_staging_graphs(own_oxigraph_url: str, tmp_path: Path) -> None:
    """Two loads at once, each of its own graphs: neither drops the other's staging graphs."""
    sources = []
    for n in range(2):
        source = tmp_path / f"{n}.nq"
        source.write_text(
            "".join(
                f'<https://example.org/s/{i}> <https://example.org/p> "{n} {i}" '
                f"<https://example.org/c{n}/{i % 40}> .\n"
                for i in range(2000)
            )
        )
        sources.append(source)
    children = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "exilekg", "load", str(source)),
                *("--endpoint", own_oxigraph_url, "--replace", "--quiet", "--chunk", "10"),
            ],
            stderr=subprocess.PIPE,
        )
        for source in sources
    ]
    for child in children:
        _, err = child.communicate(timeout=300)
        assert child.returncode == 0, err.decode()
    counts = select(
        own_oxigraph_url,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://example.org/c')) }",
    )
    assert int(counts[0]["n"]["value"]) == 4000
