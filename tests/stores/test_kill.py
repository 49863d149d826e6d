"""``exilekg load --replace`` SIGKILLed at random moments on a real Oxigraph server: the target
graphs are all old or all new, never mixed, and the next load leaves no staging graph behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from exilekg.stores import STAGING_PREFIX, load, select, staging_graphs, update

GRAPHS = 150
TRIPLES = 12
ROUNDS = 24
CHUNK = 4
"""Small chunks: many requests per graph, so that kills land in every phase of a load."""


def write_version(path: Path, version: str) -> Path:
    """GRAPHS graphs of TRIPLES triples; every triple names its version, the graph IRIs do not."""
    with path.open("w", encoding="utf-8") as out:
        for g in range(GRAPHS):
            for t in range(TRIPLES):
                out.write(
                    f'<https://example.org/s/{g}/{t}> <https://example.org/p> "{version} {g} {t}" '
                    f"<https://example.org/kill/{g}> .\n"
                )
    return path


@dataclass
class State:
    versions: dict[str, int] = field(default_factory=dict)
    """How many target graphs hold each version, wholly."""
    broken: int = 0
    """Target graphs that hold neither one version wholly."""
    staging: int = 0


def state(url: str) -> State:
    rows = select(
        url,
        "SELECT ?g (SAMPLE(?v) AS ?version) (COUNT(*) AS ?n) (COUNT(DISTINCT ?v) AS ?kinds) WHERE { "
        "GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://example.org/kill/')) "
        'BIND(STRBEFORE(STR(?o), " ") AS ?v) } GROUP BY ?g',
    )
    found = State(staging=len(staging_graphs(url)))
    for row in rows:
        if int(row["n"]["value"]) != TRIPLES or int(row["kinds"]["value"]) != 1:
            found.broken += 1
            continue
        version = row["version"]["value"]
        found.versions[version] = found.versions.get(version, 0) + 1
    found.broken += GRAPHS - len(rows)
    return found


def cli_load(source: Path, url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "exilekg", "load", str(source), "--endpoint", url, "--replace", "-q"]
        + ["--chunk", str(CHUNK)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.mark.slow
def test_a_killed_replace_leaves_old_or_new_and_no_staging(own_oxigraph_url: str, tmp_path: Path) -> None:
    url = own_oxigraph_url
    old = write_version(tmp_path / "old.nq", "old")
    new = write_version(tmp_path / "new.nq", "new")
    for row in select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        update(url, f"DROP SILENT GRAPH <{row['g']['value']}>")

    # How long a whole load takes here, from the process's start: kills spread over that time.
    load(old, url, replace=True, chunk_triples=CHUNK)
    started = time.monotonic()
    whole = cli_load(new, url)
    assert whole.wait(timeout=300) == 0, whole.stderr.read().decode() if whole.stderr else ""
    duration = time.monotonic() - started
    assert state(url).versions == {"new": GRAPHS}

    rng = random.Random(int(os.environ.get("EXILEKG_KILL_SEED", "0")) or None)
    rounds: list[tuple[float, State]] = []
    deadline = time.monotonic() + 600
    for number in range(ROUNDS):
        assert time.monotonic() < deadline, f"only {number} rounds in 600 s"
        # The next load after a killed one: it must drop the dead load's staging graphs.
        load(old, url, replace=True, chunk_triples=CHUNK)
        after_next = state(url)
        assert after_next.staging == 0, f"round {number}: staging graphs survived the next load"
        assert after_next.versions == {"old": GRAPHS}
        # One stratum of the load's run time per round, a random moment inside it.
        moment = duration * (number + rng.random()) / ROUNDS * 1.05
        child = cli_load(new, url)
        time.sleep(moment)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        time.sleep(0.2)  # let the server finish a request it had whole before the kill
        found = state(url)
        rounds.append((moment, found))
        assert found.broken == 0, f"round {number}, killed at {moment:.2f} s: {found}"
        assert len(found.versions) == 1, f"round {number}, killed at {moment:.2f} s: mixed {found}"

    load(old, url, replace=True, chunk_triples=CHUNK)
    assert state(url).staging == 0
    assert not [g for g in staging_graphs(url) if g.iri.startswith(STAGING_PREFIX)]
    print(
        f"\n{ROUNDS} kills over {duration:.2f} s: "
        f"{sum(1 for _, s in rounds if 'new' in s.versions)} left all new, "
        f"{sum(1 for _, s in rounds if 'old' in s.versions)} all old, "
        f"0 mixed; staging graphs left by a kill: up to {max(s.staging for _, s in rounds)}"
    )
    # Kills landed both before and after the swap, or the test proved little.
    assert any("old" in s.versions for _, s in rounds)
    assert any(s.staging for _, s in rounds)
