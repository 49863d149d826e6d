"""``exilekg load --replace`` SIGKILLed at random moments on a real Oxigraph server: the target
graphs are all old or all new, never mixed, and the next load leaves no staging graph behind.
Both ways a replace can go are killed: writing only the difference (what a load does on
Oxigraph), and staging every graph, then swapping all in (what it does on other stores).

Half the kills fall at random moments spread over a whole load's run time (measured first); the
other half at a random moment shortly after the first target graph is seen replaced, where a
client that replaced graph after graph would be caught halfway."""

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

from exilekg.stores import STAGING_PREFIX, load, select, update

GRAPHS = 150
TRIPLES = 12
ROUNDS = 24
CHUNK = 4
"""Small chunks: many requests per graph, so that kills land in every phase of a load."""
SPREAD = 1.3
"""Kills of the first half spread over this many times a whole load's run time."""
AFTER_SWAP = 0.4
"""Kills of the second half fall up to this many seconds after a target graph turned new."""
TIME_LIMIT = 1200.0
"""Rounds stop after this many seconds (a machine shared by many runs is slow); 20 must be done."""
MIN_ROUNDS = 20
TARGET = "https://example.org/kill/"


def write_version(path: Path, version: str) -> Path:
    """GRAPHS graphs of TRIPLES triples; every triple names its version, the graph IRIs do not."""
    with path.open("w", encoding="utf-8") as out:
        for g in range(GRAPHS):
            for t in range(TRIPLES):
                out.write(
                    f'<https://example.org/s/{g}/{t}> <https://example.org/p> "{version} {g} {t}" '
                    f"<{TARGET}{g}> .\n"
                )
    return path


@dataclass
class State:
    versions: dict[str, int] = field(default_factory=dict)
    """How many target graphs hold each version, wholly."""
    broken: int = 0
    """Target graphs that hold neither version wholly."""
    staging: int = 0

    @property
    def mixed(self) -> bool:
        return self.broken > 0 or len(self.versions) != 1


def staging_count(url: str) -> int:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), '%s')) }"
    rows = select(url, query % STAGING_PREFIX)
    return len(rows)


def state(url: str) -> State:
    rows = select(
        url,
        "SELECT ?g (SAMPLE(?v) AS ?version) (COUNT(*) AS ?n) (COUNT(DISTINCT ?v) AS ?kinds) WHERE { "
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{TARGET}')) "
        'BIND(STRBEFORE(STR(?o), " ") AS ?v) } GROUP BY ?g',
    )
    found = State(staging=staging_count(url))
    for row in rows:
        if int(row["n"]["value"]) != TRIPLES or int(row["kinds"]["value"]) != 1:
            found.broken += 1
            continue
        version = row["version"]["value"]
        found.versions[version] = found.versions.get(version, 0) + 1
    found.broken += GRAPHS - len(rows)
    return found


def any_new(url: str) -> bool:
    rows = select(
        url,
        f"SELECT ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), '{TARGET}')) "
        'FILTER(STRSTARTS(STR(?o), "new ")) } LIMIT 1',
    )
    return bool(rows)


STAGED = (
    "import sys; from pathlib import Path; from exilekg.stores import Endpoint, load; u = sys.argv[2]; "
    "load(Path(sys.argv[1]), Endpoint(u + '/query', u + '/update', u + '/store', 'generic'), "
    "replace=True, chunk_triples=int(sys.argv[3]))"
)
"""A load that takes the server for a generic store: each graph staged, then all swapped in."""


def cli_load(source: Path, url: str, way: str) -> subprocess.Popen[bytes]:
    if way == "staged":
        command = [sys.executable, "-c", STAGED, str(source), url, str(CHUNK)]
    else:  # the command line, which writes only the difference to an Oxigraph server
        command = [sys.executable, "-m", "exilekg", "load", str(source), "--endpoint", url, "--replace"]
        command += ["--quiet", "--chunk", str(CHUNK)]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@dataclass
class Round:
    how: str
    moment: float
    after: State
    staging_after_next_load: int = 0


def kill_rounds(
    url: str, old: Path, new: Path, rounds: int, rng: random.Random, way: str
) -> tuple[float, list[Round]]:
    """Load ``old``, start loading ``new`` in a child process, SIGKILL it; again ``rounds`` times.
    Each round begins with a whole load of ``old``: the next load after a killed one."""
    for row in select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        update(url, f"DROP SILENT GRAPH <{row['g']['value']}>")
    load(old, url, replace=True, chunk_triples=CHUNK)
    started = time.monotonic()
    whole = cli_load(new, url, way)
    assert whole.wait(timeout=300) == 0
    duration = time.monotonic() - started
    assert state(url).versions == {"new": GRAPHS}

    deadline = time.monotonic() + TIME_LIMIT
    done: list[Round] = []
    for number in range(rounds):
        if time.monotonic() > deadline:
            break
        load(old, url, replace=True, chunk_triples=CHUNK)
        if done:
            done[-1].staging_after_next_load = staging_count(url)
        assert state(url).versions == {"old": GRAPHS}
        child = cli_load(new, url, way)
        begun = time.monotonic()
        if number % 2 == 0:  # one stratum of the run time per round, a random moment inside it
            how = "spread over the run"
            strata = (rounds + 1) // 2
            time.sleep(duration * SPREAD * (number // 2 + rng.random()) / strata)
        else:
            how = "just after the first target turned new"
            while child.poll() is None and not any_new(url):
                time.sleep(0.01)
            time.sleep(rng.uniform(0, AFTER_SWAP))
        moment = time.monotonic() - begun
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        time.sleep(0.2)  # the server finishes a request it had whole before the kill
        done.append(Round(how, moment, state(url)))
    load(old, url, replace=True, chunk_triples=CHUNK)
    done[-1].staging_after_next_load = staging_count(url)
    return duration, done


@pytest.mark.slow
@pytest.mark.parametrize("way", ["staged", "difference"])
def test_a_killed_replace_leaves_old_or_new_and_no_staging(
    own_oxigraph_url: str, tmp_path: Path, way: str
) -> None:
    old = write_version(tmp_path / "old.nq", "old")
    new = write_version(tmp_path / "new.nq", "new")
    seed = int(os.environ.get("EXILEKG_KILL_SEED", "0")) or random.randrange(1 << 30)
    duration, rounds = kill_rounds(own_oxigraph_url, old, new, ROUNDS, random.Random(seed), way)
    assert len(rounds) >= MIN_ROUNDS, f"only {len(rounds)} rounds in {TIME_LIMIT:g} s"
    report = "\n".join(
        f"{r.how:40} {r.moment:5.2f} s  {r.after}  after the next load: {r.staging_after_next_load}"
        for r in rounds
    )
    print(f"\nseed {seed}, a whole load takes {duration:.2f} s\n{report}")
    for r in rounds:
        assert not r.after.mixed, f"seed {seed}: killed {r.how} at {r.moment:.2f} s: {r.after}\n{report}"
        assert r.staging_after_next_load == 0, f"seed {seed}: staging graphs survived the next load\n{report}"
    # Kills landed before the replacement and after it, or the test proved little.
    if way == "staged":
        assert any("old" in r.after.versions and r.after.staging for r in rounds), report
    else:
        assert not any(r.after.staging for r in rounds), report  # one write request, nothing staged
        assert any("old" in r.after.versions for r in rounds), report
    assert any("new" in r.after.versions for r in rounds), report
