"""Independent validators over every dump of the example build and of the seed build.

Each validator's tests skip when the tool is not installed; with ``EXILEKG_REQUIRE_VALIDATORS=1``
(set by ``.ci/run``) they fail instead, so CI cannot pass without running them. The tools come
from ``.ci/install-conformance.sh``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NoReturn

import pyoxigraph as ox
import pytest

REQUIRE_ENV = "EXILEKG_REQUIRE_VALIDATORS"
HERE = Path(__file__).resolve().parent
NODE_DIR = HERE / "node"


@dataclass(frozen=True)
class Dump:
    """One RDF file of a build, with the names each tool gives its syntax."""

    name: str
    rapper: str  # also serdi's name
    n3: str  # N3.js's format name
    oxigraph: str  # pyoxigraph.RdfFormat attribute


# Every file `exilekg build` writes apart from the JSON-LD, which jsonld.js (test_node.py) and the
# JSON-LD readers of test_jsonld_readers.py read.
SYNTAX_DUMPS = (
    Dump("exilekg.nt", "ntriples", "N-Triples", "N_TRIPLES"),
    Dump("exilekg.nq", "nquads", "N-Quads", "N_QUADS"),
    Dump("exilekg.ttl", "turtle", "Turtle", "TURTLE"),
    Dump("exilekg.trig", "trig", "TriG", "TRIG"),
    Dump("void.ttl", "turtle", "Turtle", "TURTLE"),
)
JSONLD_DUMP = "exilekg.jsonld"
ALL_DUMPS = frozenset({JSONLD_DUMP, *(dump.name for dump in SYNTAX_DUMPS)})

# A broken file per syntax: each validator must reject it, so a validator that is run wrongly
# (reads nothing, ignores errors) cannot pass the tests.
BROKEN = {
    "ntriples": '<http://example.org/a> <http://example.org/b> "unterminated .\n',
    "nquads": "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g>"
    " <http://example.org/extra> .\n",
    "turtle": "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\n",
    "trig": "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c .\n",
}
BROKEN_SUFFIX = {"ntriples": ".nt", "nquads": ".nq", "turtle": ".ttl", "trig": ".trig"}


def validators_required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def unavailable(what: str, how: str) -> NoReturn:
    """Skip a validator's test (or fail it, when the validators are required)."""
    if validators_required():
        pytest.fail(f"{what} is not installed, and {REQUIRE_ENV}=1 requires it ({how})")
    pytest.skip(f"{what} is not installed ({how}; .ci/install-conformance.sh installs it)")


def require_command(name: str, how: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(name, how)
    return path


@cache
def quad_count(path: Path, oxigraph_format: str) -> int:
    """The number of triples or quads in a dump, as pyoxigraph reads it."""
    return sum(1 for _ in ox.parse(path=path, format=getattr(ox.RdfFormat, oxigraph_format)))


@pytest.fixture(scope="session", params=["example", "seed"])
def build_dir(request: pytest.FixtureRequest) -> Path:
    """The example build, then the seed build (which skips without ../shared/corpus/seeds)."""
    out: Path = request.getfixturevalue(f"{request.param}_build")
    written = {path.name for path in out.iterdir() if path.is_file()}
    # A new kind of dump must get its validators before it ships.
    assert written == ALL_DUMPS, f"the build wrote {sorted(written)}, the validators know {sorted(ALL_DUMPS)}"
    return out


@pytest.fixture(scope="session")
def broken_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("broken")
    files = {}
    for syntax, text in BROKEN.items():
        path = folder / f"broken{BROKEN_SUFFIX[syntax]}"
        path.write_text(text, encoding="utf-8")
        files[syntax] = path
    return files
