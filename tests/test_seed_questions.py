"""The README's "What the seed graph answers": every question's named query gives the answer shown.

Each question is an ``exilekg query dist/seed NAME [--param k=v ...]`` command followed by a
table of some of the answer's columns; the rows of the table must be exactly the distinct rows of
those columns in the query's result over the seed build, with both SPARQL engines. Needs the
articles in ../shared/corpus/seeds (the fixture skips with the reason otherwise).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from exilekg.sparql import QueryEngine, named_query, query

from .conftest import REPO

SECTION = "## What the seed graph answers"


@dataclass(frozen=True)
class Question:
    title: str
    name: str
    params: dict[str, str]
    columns: list[str]
    rows: set[tuple[str, ...]]


def _section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert SECTION in readme, f"the README has no section {SECTION!r}"
    body = readme.split(SECTION, 1)[1]
    return body.split("\n## ", 1)[0]


def _cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|") for cell in line.strip().strip("|").split("|")]


def readme_questions() -> list[Question]:
    found = []
    pattern = r"\*\*(.+?)\*\*\n\n```sh\n(exilekg query dist/seed [^\n]*)\n```\n\n((?:\|.*\|\n)+)"
    for match in re.finditer(pattern, _section()):
        title, command, table = match.groups()
        words = shlex.split(command)[3:]
        name, options = words[0], words[1:]
        params = {}
        for flag, value in zip(options[::2], options[1::2], strict=True):
            assert flag == "--param", command
            key, _, text = value.partition("=")
            params[key] = text
        lines = table.splitlines()
        found.append(
            Question(
                title=title,
                name=name,
                params=params,
                columns=_cells(lines[0]),
                rows={tuple(_cells(line)) for line in lines[2:]},
            )
        )
    return found


def cell(value: object) -> str:
    """A result value as the README's tables show it."""
    return "" if value is None else str(value)


def test_the_readme_asks_at_least_ten_questions_with_named_queries() -> None:
    questions = readme_questions()
    assert len(questions) >= 10, [q.title for q in questions]
    for question in questions:
        named_query(question.name)  # raises for a query that is not shipped
        assert question.rows, f"{question.title}: the README shows no answer"


@pytest.mark.parametrize("engine", [QueryEngine.RDFLIB, QueryEngine.OXIGRAPH], ids=lambda e: e.value)
@pytest.mark.parametrize("question", readme_questions(), ids=lambda q: q.title[:50])
def test_each_question_gets_the_answer_the_readme_shows(
    seed_build: Path, question: Question, engine: QueryEngine
) -> None:
    result = query(seed_build, question.name, params=question.params, engine=engine)
    rows = result.rows
    assert rows, f"{question.title}: no rows"
    missing = [c for c in question.columns if c not in result.vars]
    assert not missing, f"{question.title}: the query has no column {missing}"
    got = {tuple(cell(row[c]) for c in question.columns) for row in rows}
    assert got == question.rows, (
        f"{question.title}\n  only in the result: {sorted(got - question.rows)}"
        f"\n  only in the README: {sorted(question.rows - got)}"
    )
