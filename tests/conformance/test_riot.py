"""Apache Jena's ``riot --validate`` (Debian ``libapache-jena-java``, run through
``jena_riot.py``, which works around Debian's packaging) finds no error and no warning in any
N-Triples, N-Quads, Turtle or TriG dump. ``--validate`` is strict and also checks terms: IRIs,
language tags and the lexical forms of XSD literals.

The JVM starts slowly, so one riot run per build reads every dump and the broken files together;
riot goes on to the next file after an error and names each file before its messages.
Debian's Jena cannot read JSON-LD 1.1 (see jena_riot.py); its JSON-LD 1.0 reader reads the JSON-LD
dump in test_jsonld_readers.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import jena_riot
from .conftest import SYNTAX_DUMPS, unavailable

LINE = re.compile(r"^\[[^\]]*\] (?P<level>[A-Z]+) (?P<logger>\S+) - (?P<message>.*)$")
# A file that breaks a rule riot only warns about: a lexical form outside its datatype.
ILL_TYPED = (
    '<http://example.org/a> <http://example.org/b> "twelve"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
)


@dataclass
class RiotRun:
    files: list[Path]
    messages: dict[str, list[str]]  # file -> its WARN and ERROR lines
    returncode: int
    output: str


def run_validate(files: list[Path]) -> RiotRun:
    if not jena_riot.available():
        what = "java" if jena_riot.java() is None else "Jena (" + ", ".join(jena_riot.missing_jars()) + ")"
        unavailable(what, "apt-get install --no-install-recommends libapache-jena-java default-jre-headless")
    result = jena_riot.run_riot(["--validate", *(str(path) for path in files)])
    output = result.stdout + result.stderr
    messages: dict[str, list[str]] = {}
    current: str | None = None
    for line in output.splitlines():
        match = LINE.match(line)
        if match and match["message"].startswith("File: "):
            current = match["message"].removeprefix("File: ")
            messages[current] = []
        elif match is None or match["level"] != "INFO":
            # Anything but riot's INFO lines counts against the file being read (or the run).
            messages.setdefault(current or "(before any file)", []).append(line)
    return RiotRun(files, messages, result.returncode, output)


def test_riot_validates_every_dump(build_dir: Path, broken_files: dict[str, Path]) -> None:
    """One test (one JVM) per build: every dump clean, every broken file flagged."""
    ill_typed = broken_files["ntriples"].with_name("ill-typed.nt")
    ill_typed.write_text(ILL_TYPED, encoding="utf-8")
    dumps = [build_dir / dump.name for dump in SYNTAX_DUMPS]
    broken = [*broken_files.values(), ill_typed]
    run = run_validate([*dumps, *broken])
    problems = []
    for path in map(str, dumps):
        if path not in run.messages:
            problems.append(f"riot did not read {path}")
        elif run.messages[path]:
            problems.append(f"riot --validate {path}:\n" + "\n".join(run.messages[path]))
    if "(before any file)" in run.messages:
        problems.append("riot failed before reading any file")
    for path in map(str, broken):
        if not any(re.search(r" (ERROR|WARN) ", line) for line in run.messages.get(path, [])):
            problems.append(f"riot --validate did not flag the broken file {path}")
    if run.returncode == 0:
        problems.append("riot --validate exited 0 although it read broken files")
    assert not problems, "\n".join(problems) + f"\n\nriot's output:\n{run.output}"
