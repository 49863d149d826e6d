"""jsonld.js and N3.js (npm, pinned in node/package-lock.json) in one node run per build.

jsonld.js turns the JSON-LD dump into RDF in safe mode (it fails rather than drop or lossily
convert anything) with its default document loader, as a user runs it: the dump carries its
context inline, so nothing is loaded. Its RDF must be isomorphic to our N-Quads dump. N3.js
parses the N-Triples, N-Quads, Turtle and TriG dumps, each with the parser for exactly its format.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from exilekg.jsonld import context_value

from .conftest import BROKEN, BROKEN_SUFFIX, NODE_DIR, SYNTAX_DUMPS, quad_count, unavailable

SCRIPT = NODE_DIR / "validate.mjs"
CONTEXT = context_value()
N3_FORMATS = {"ntriples": "N-Triples", "nquads": "N-Quads", "turtle": "Turtle", "trig": "TriG"}
# JSON-LD documents jsonld.js must refuse, with our context inline: things safe mode does not let
# pass silently. (A remote context is left out: the default loader would go to the network.)
BROKEN_JSONLD = {
    "relative-id": {"@context": CONTEXT, "@id": "relative/a", "name": "a"},
    "dropped-key": {"@context": CONTEXT, "@id": "https://example.org/a", "@nonsense": 1, "name": "a"},
}


@dataclass
class NodeRun:
    versions: dict[str, str]
    results: dict[str, dict[str, Any]]  # label -> result


def node_tools() -> str:
    node = shutil.which("node")
    if node is None:
        unavailable("node", "apt-get install nodejs")
    for package in ("jsonld", "n3"):
        if not (NODE_DIR / "node_modules" / package / "package.json").is_file():
            unavailable(f"the npm package {package}", f"cd {NODE_DIR} && npm ci")
    return node


def run_node(build_dir: Path, work: Path) -> NodeRun:
    node = node_tools()
    checks: list[tuple[str, str, Path]] = [("jsonld", "JSON-LD", build_dir / "exilekg.jsonld")]
    checks += [(dump.name, dump.n3, build_dir / dump.name) for dump in SYNTAX_DUMPS]
    for name, document in BROKEN_JSONLD.items():
        path = work / f"{name}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        checks.append((f"broken {name}", "JSON-LD", path))
    for syntax, text in BROKEN.items():
        path = work / f"broken{BROKEN_SUFFIX[syntax]}"
        path.write_text(text, encoding="utf-8")
        checks.append((f"broken {syntax}", N3_FORMATS[syntax], path))
    # N-Triples with a prefix, and Turtle with a named graph: valid elsewhere, not in that format.
    checks.append(("broken ttl as N-Triples", "N-Triples", build_dir / "exilekg.ttl"))
    checks.append(("broken trig as Turtle", "Turtle", build_dir / "exilekg.trig"))
    command = [node, str(SCRIPT), "--out-dir", str(work), *(f"{fmt}={path}" for _, fmt, path in checks)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stderr}"
    report = json.loads(result.stdout)
    results = {label: item for (label, _, _), item in zip(checks, report["results"], strict=True)}
    return NodeRun(report["versions"], results)


def canonical_quads(path: Path) -> set[Any]:
    dataset = ox.Dataset(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def jsonld_problems(run: NodeRun, build_dir: Path) -> list[str]:
    result = run.results["jsonld"]
    if not result["ok"]:
        return [f"jsonld.js could not turn {result['file']} into RDF: {result['error']}"]
    problems = []
    theirs = canonical_quads(Path(result["nquads"]))
    ours = canonical_quads(build_dir / "exilekg.nq")
    if theirs != ours:
        only_theirs = sorted(map(str, theirs - ours))[:10]
        only_ours = sorted(map(str, ours - theirs))[:10]
        problems.append(
            "jsonld.js's RDF of exilekg.jsonld is not isomorphic to exilekg.nq:"
            f"\n  only from the JSON-LD: {only_theirs}\n  only in exilekg.nq: {only_ours}"
        )
    if not ours:
        problems.append("exilekg.nq is empty")
    return problems


def n3_problems(run: NodeRun, build_dir: Path) -> list[str]:
    problems = []
    for dump in SYNTAX_DUMPS:
        result = run.results[dump.name]
        expected = quad_count(build_dir / dump.name, dump.oxigraph)
        if not result["ok"]:
            problems.append(f"N3.js {dump.n3} {result['file']}: {result['error']}")
        elif result["quads"] != expected:
            problems.append(
                f"N3.js read {result['quads']} statements from {dump.name}, pyoxigraph {expected}"
            )
    return problems


def canary_problems(run: NodeRun) -> list[str]:
    broken = {label: item for label, item in run.results.items() if label.startswith("broken ")}
    problems = [
        f"{label} passed: {item}" for label, item in broken.items() if item["ok"] or not item["error"]
    ]
    expected_errors = {
        "broken relative-id": "Safe mode",
        "broken dropped-key": "Safe mode",
    }
    for label, text in expected_errors.items():
        if text not in (broken[label]["error"] or ""):
            problems.append(f"{label}: expected an error with {text!r}, got {broken[label]['error']!r}")
    return problems


def test_jsonld_js_and_n3_read_every_dump(build_dir: Path, tmp_path: Path) -> None:
    """One test (one node run) per build: the JSON-LD checks, the N3.js parses, the broken files."""
    run = run_node(build_dir, tmp_path)
    problems = jsonld_problems(run, build_dir) + n3_problems(run, build_dir) + canary_problems(run)
    assert not problems, "\n".join(problems)
    lock = json.loads((NODE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    for package in ("jsonld", "n3"):
        assert run.versions[package] == lock["packages"][f"node_modules/{package}"]["version"]
