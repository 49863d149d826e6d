"""``serdi`` (Debian ``serdi``, the serd library's tool) reads every N-Triples, N-Quads, Turtle and
TriG dump in its strict mode with nothing on stderr, and writes as many statements as pyoxigraph
reads."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import SYNTAX_DUMPS, Dump, quad_count, require_command

HOW = "apt-get install serdi"


def serdi(syntax: str, path: Path) -> subprocess.CompletedProcess[str]:
    """``serdi -i SYNTAX -o nquads FILE``: strict parsing (no ``-l``), statements out as N-Quads."""
    binary = require_command("serdi", HOW)
    return subprocess.run(
        [binary, "-i", syntax, "-o", "nquads", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("dump", SYNTAX_DUMPS, ids=lambda dump: dump.name)
def test_serdi_parses_dump(build_dir: Path, dump: Dump) -> None:
    path = build_dir / dump.name
    result = serdi(dump.rapper, path)
    clean = result.returncode == 0 and not result.stderr.strip()
    assert clean, f"serdi -i {dump.rapper} {path}:\n{result.stderr}"
    statements = sum(1 for line in result.stdout.splitlines() if line.strip())
    assert statements == quad_count(path, dump.oxigraph)


@pytest.mark.parametrize("syntax", ["ntriples", "nquads", "turtle", "trig"])
def test_serdi_rejects_broken_file(broken_files: dict[str, Path], syntax: str) -> None:
    result = serdi(syntax, broken_files[syntax])
    assert result.returncode != 0 and "error" in result.stderr, result.stderr
