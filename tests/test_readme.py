"""The README's SPARQL examples run against the example build and give the answers it shows."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from .conftest import REPO


def readme_queries() -> list[tuple[str, list[list[str]]]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"```sparql\n(.*?)```\n\n((?:\|[^\n]*\|\n)+)", readme, re.DOTALL):
        rows = [
            [cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in match.group(2).splitlines()[2:]
        ]
        found.append((match.group(1), rows))
    return found


def test_readme_sparql_answers(example_build: Path) -> None:
    queries = readme_queries()
    assert queries, "the README shows no query with its answer"
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(example_build / "exilekg.nq", format="nquads")
    for query, expected in queries:
        rows = [[str(value) for value in row] for row in dataset.query(query)]
        assert sorted(rows) == sorted(expected), query
