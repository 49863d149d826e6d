"""exilekg check on material nobody here wrote: schema.org's own examples (release 30.0).

The JSON-LD examples are converted to N-Quads with the official context, served from the local
copy in ``tests/data/schemaorg`` by this test's document loader (test input conversion: nothing is
fetched), then checked as files, strict and lenient.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from pyld import jsonld

from exilekg.check import RANGE, check_file

DATA = Path(__file__).parent / "data" / "schemaorg"
DATE_TYPES = {"schema:Date", "schema:DateTime", "xsd:date", "xsd:dateTime"}
"""Typed dates: schema.org's context types the values of date properties ``schema:Date``."""

SCHEMA_CONTEXTS = {"https://schema.org", "http://schema.org"}

LISTED_REASONS = {
    "text for an entity or a value": re.compile(
        r"the value is a literal .* of type (xsd:string|rdf:langString), but the range is .*", re.DOTALL
    ),
}
"""Why an example may fail strict checking: schema.org's data model lets text stand where its ranges
name an entity (``"author": "Jane Doe"``, ``"eventStatus": "https://schema.org/EventScheduled"``) or
a datatype its context does not type (``"numberOfPages": "224"``); strict mode says so, and lenient
mode makes it a warning."""


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") in SCHEMA_CONTEXTS:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": _context(),
        }
    raise jsonld.JsonLdError(
        f"no local copy of {url}", "jsonld.LoadDocumentError", code="loading remote context failed"
    )


@cache
def _context() -> dict[str, Any]:
    return json.loads((DATA / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def examples() -> Iterator[tuple[str, str]]:
    """(name, JSON text) of every JSON-LD script of every example."""
    text = (DATA / "schemaorg-all-examples.txt").read_text(encoding="utf-8")
    for block in re.split(r"^TYPES: ", text, flags=re.MULTILINE)[1:]:
        name = block.split(None, 1)[0]
        parts = re.split(r"^JSON:\s*$", block, flags=re.MULTILINE)
        if len(parts) < 2:
            continue
        scripts = re.findall(r"<script[^>]*ld\+json[^>]*>(.*?)</script>", parts[1], flags=re.DOTALL)
        for index, script in enumerate(scripts):
            yield f"{name.lstrip('#')}-{index}", script


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], list[str]]:
    """Each example as an N-Quads file; and those left out: they name a context we have no copy of,
    or hold an IRI that is not one (``https://example.com/solve?q={expression}``)."""
    folder = tmp_path_factory.mktemp("schemaorg-examples")
    files: dict[str, Path] = {}
    foreign: list[str] = []
    for name, script in examples():
        document = json.loads(script)
        options = {
            "format": "application/n-quads",
            "documentLoader": _loader,
            "base": f"https://example.com/{name}/",
        }
        try:
            nquads = jsonld.to_rdf(document, options)
        except jsonld.JsonLdError:
            foreign.append(name)  # another vocabulary's context (W3C credentials, health-lifesci)
            continue
        try:
            list(pyoxigraph.parse(str(nquads), format=pyoxigraph.RdfFormat.N_QUADS))
        except SyntaxError:
            foreign.append(name)  # an IRI template with braces, which no RDF syntax can hold
            continue
        path = files[name] = folder / f"{name}.nq"
        path.write_text(str(nquads), encoding="utf-8")
    return files, foreign


def test_schemaorg_examples_strict_and_lenient(converted: tuple[dict[str, Path], list[str]]) -> None:
    files, foreign = converted
    assert len(files) >= 450, "the example file holds about 460 JSON-LD scripts"
    assert len(foreign) <= 8, foreign  # 6 in release 30.0
    strict_pass = lenient_pass = 0
    reasons: Counter[str] = Counter()
    for name, path in sorted(files.items()):
        strict = check_file(path)
        lenient = check_file(path, lenient=True)
        assert strict.triples > 0, f"{name}: no triples"
        strict_pass += not strict.violations
        lenient_pass += not lenient.violations
        for violation in strict.violations:
            text = str(violation)
            literal = re.search(r"of type (\S+), but the range", violation.message)
            assert literal is None or literal.group(1) not in DATE_TYPES, (
                f"{name}: flagged for a date: {text}"
            )
            assert "has no term ''" not in violation.message, (
                f"{name}: the vocabulary IRI taken for a term: {text}"
            )
            reason = next(
                (
                    r
                    for r, pattern in LISTED_REASONS.items()
                    if violation.rule == RANGE and pattern.fullmatch(violation.message)
                ),
                None,
            )
            assert reason is not None, f"{name}: flagged for a reason not listed here: {text}"
            reasons[reason] += 1
            assert violation in lenient.warnings, f"{name}: lenient mode still calls it a violation: {text}"
    total = len(files)
    print(
        f"\nschema.org 30.0 JSON-LD examples: {total} checked ({len(foreign)} left out: they name "
        "contexts of other vocabularies or are not RDF); "
        f"pass strict {strict_pass} ({strict_pass / total:.0%}), "
        f"pass lenient {lenient_pass} ({lenient_pass / total:.0%}); strict reasons: {dict(reasons)}"
    )
    assert lenient_pass >= 0.95 * total
    assert strict_pass < total, "strict mode still reports text where schema.org's ranges name entities"
