"""Raptor's ``rapper`` (Debian ``raptor2-utils``) parses every N-Triples, N-Quads, Turtle and TriG
dump without an error or a warning, and finds as many statements as pyoxigraph does."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import SYNTAX_DUMPS, Dump, quad_count, require_command

HOW = "apt-get install raptor2-utils"


def rapper(syntax: str, path: Path) -> subprocess.CompletedProcess[str]:
    """``rapper -i SYNTAX -c FILE``: parse and count; exit status 0 ok, 1 error, 2 warning."""
    binary = require_command("rapper", HOW)
    return subprocess.run(
        [binary, "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("dump", SYNTAX_DUMPS, ids=lambda dump: dump.name)
def test_rapper_parses_dump(build_dir: Path, dump: Dump) -> None:
    path = build_dir / dump.name
    result = rapper(dump.rapper, path)
    problems = [line for line in result.stderr.splitlines() if re.search(r"\b(error|warning)\b", line, re.I)]
    assert result.returncode == 0 and not problems, f"rapper -i {dump.rapper} {path}:\n{result.stderr}"
    counted = re.search(r"Parsing returned (\d+) triples", result.stderr)
    assert counted, result.stderr
    assert int(counted.group(1)) == quad_count(path, dump.oxigraph)


@pytest.mark.parametrize("syntax", ["ntriples", "nquads", "turtle", "trig"])
def test_rapper_rejects_broken_file(broken_files: dict[str, Path], syntax: str) -> None:
    result = rapper(syntax, broken_files[syntax])
    assert result.returncode == 1 and "Error" in result.stderr, result.stderr
