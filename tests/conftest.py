"""Shared fixtures: the example corpus, fresh copies of it, and the real seed texts when present."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from pyld import jsonld

from exilekg.formats import RdfFormat

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "example-corpus"


def imported_by(argv: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` the CLI run with ``argv`` imports, in a fresh interpreter (it must succeed)."""
    script = (
        "import sys\n"
        "from exilekg.cli import cli\n"
        f"try:\n    cli({argv!r})\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(*(m for m in {modules!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[-1].split()


SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
SEED_CORPUS = REPO / "examples" / "seed-corpus"


def parse_dataset(path: Path) -> rdflib.Dataset:
    """A dump of any format as an rdflib Dataset (JSON-LD through pyld, at its default settings)."""
    fmt = RdfFormat.from_path(path)
    dataset = rdflib.Dataset()
    if fmt is RdfFormat.JSONLD:
        nquads = jsonld.to_rdf(
            json.loads(path.read_text(encoding="utf-8")), {"format": "application/n-quads"}
        )
        dataset.parse(data=nquads, format="nquads")
        return dataset
    dataset.parse(path, format=fmt.rdflib_name)
    return dataset


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the example corpus (records, documents and texts)."""
    target = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus built once per session, with its texts."""
    from exilekg.pipeline import build

    out = tmp_path_factory.mktemp("example-build")
    build(EXAMPLE, out, index=True)  # with the index: query tests read it, as users with one do
    return out


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS.is_dir() and any(SEEDS.glob("*.txt"))):
        pytest.skip(
            f"the reference articles are not at {SEEDS} (they live in ../shared/corpus/seeds beside the repo)"
        )
    return SEEDS


@pytest.fixture(scope="session")
def seed_build(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus built once per session with the reference articles (skips without them)."""
    from exilekg.pipeline import build

    out = tmp_path_factory.mktemp("seed-build")
    build(SEED_CORPUS, out, texts_dir=seeds_dir, index=True)
    return out
