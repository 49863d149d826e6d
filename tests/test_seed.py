"""The seed graph: the five reference articles, completely and verifiably in the graph.

Needs the articles in ../shared/corpus/seeds (the fixture skips with the reason otherwise).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from exilekg.check import check_file, check_shacl
from exilekg.corpus import read_corpus
from exilekg.pipeline import ALL_FORMATS, output_name
from exilekg.stats import corpus_stats
from exilekg.validation import validate

from .conftest import SEED_CORPUS

MAX_EVIDENCE_WORDS = 12
"""Evidence phrases are a few words: the repository holds no sentence of the articles."""
SHINGLE = 12
"""Descriptions written in our own words share no run of this many words with an article (a role's
name such as "chair of the board of the ..." may be shorter); a cited work's name is its title."""


def _records() -> list[dict[str, Any]]:
    corpus = read_corpus(SEED_CORPUS)
    return [{"kind": record.kind, **record.data} for record in corpus.all_records()]


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c)))


def test_every_reference_article_has_a_document_record(seeds_dir: Path) -> None:
    paths = (SEED_CORPUS / "documents").glob("*.json")
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    assert sorted(d["text"] for d in documents) == sorted(p.name for p in seeds_dir.glob("*.txt"))
    for document in documents:
        assert document.get("headline"), document["id"]
        assert document.get("language") == "en", document["id"]


def test_the_seed_corpus_is_valid_and_every_evidence_phrase_is_verified(seeds_dir: Path) -> None:
    report = validate(read_corpus(SEED_CORPUS, texts_dir=seeds_dir))
    assert report.problems == [], "\n".join(str(p) for p in report.problems[:20])
    assert report.skipped == []
    assert report.evidence_total > 0
    assert report.evidence_verified == report.evidence_total


def test_every_name_the_articles_give_has_a_record_or_a_reason(seeds_dir: Path) -> None:
    stats = corpus_stats(SEED_CORPUS, texts_dir=seeds_dir)
    assert stats.unrecorded_names == {}
    assert all(item.reason.strip() for item in stats.left_out)
    assert stats.evidence_verified == stats.evidence_total


def test_every_fact_has_evidence() -> None:
    kinds = {"Relation", "Designation", "Observation", "Quotation", "Claim"}
    facts = [r for r in _records() if r["kind"] in kinds]
    assert facts
    assert [r["id"] for r in facts if not r.get("evidence")] == []


def test_evidence_phrases_are_short_and_descriptions_are_our_own_words(seeds_dir: Path) -> None:
    shingles: set[tuple[str, ...]] = set()
    for text in seeds_dir.glob("*.txt"):
        words = _words(text.read_text(encoding="utf-8"))
        shingles.update(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    long_phrases = []
    copied = []
    for record in _records():
        for item in record.get("evidence", []):
            if len(_words(item["exact"])) > MAX_EVIDENCE_WORDS:
                long_phrases.append((record["id"], item["exact"]))
        if record["kind"] == "Quotation" and len(_words(record["text"])) > MAX_EVIDENCE_WORDS:
            long_phrases.append((record["id"], record["text"]))  # a quotation is a short phrase too
        fields = ("description",) if record["kind"] == "CreativeWork" else ("description", "name")
        for field in fields:
            value = record.get(field)
            if not isinstance(value, str):
                continue
            words = _words(value)
            runs = {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
            if runs & shingles:
                copied.append((record["id"], field))
    assert long_phrases == []
    assert copied == []


def test_one_entity_per_name() -> None:
    """Spellings that differ between articles are alternate names of one entity, never two entities."""
    owners: dict[str, set[str]] = defaultdict(set)
    for record in _records():
        if record["kind"] not in {"Person", "Organization", "Collective", "Place", "Event", "CreativeWork"}:
            continue
        for name in [record["name"], *record.get("alternateNames", [])]:
            owners[" ".join(_words(name))].add(record["id"])
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_the_seed_build_conforms_to_its_vocabularies(seed_build: Path) -> None:
    for fmt in ALL_FORMATS:
        result = check_file(seed_build / output_name(fmt))
        assert result.triples > 1000
        assert result.violations == [], (fmt, [str(v) for v in result.violations[:5]])


def test_the_seed_build_conforms_to_the_shacl_shapes(seed_build: Path) -> None:
    pytest.importorskip("pyshacl", reason="SHACL needs the exilekg[shacl] extra")
    result = check_shacl(seed_build / "exilekg.nq")
    assert result.violations == [], [str(v) for v in result.violations[:5]]


def test_every_designation_names_its_legal_basis_or_listing_body() -> None:
    # A designation is a legal status; a label without either is rhetoric (an Epithet).
    designations = [r for r in _records() if r.get("kind") == "Designation"]
    assert designations
    lacking = [r["id"] for r in designations if not (r.get("legalBasis") or r.get("designatedBy"))]
    assert not lacking, f"designations without a legal basis or a listing body: {lacking}"


def test_rhetoric_is_an_epithet_with_who_uses_it() -> None:
    epithets = [r for r in _records() if r.get("kind") == "Epithet"]
    assert {r["label"] for r in epithets} >= {"traitors", "fugitives"}
    assert all(r.get("usedBy") or r.get("usedByText") for r in epithets), epithets
    labels = {r["label"].casefold() for r in _records() if r.get("kind") == "Designation"}
    assert not labels & {"traitor", "traitors", "fugitive", "fugitives"}, labels


def test_the_statistics_query_writes_each_figure_as_the_site_does(seed_build: Path) -> None:
    from exilekg.quantities import qualifier_of_iri, quantity_text
    from exilekg.sparql import query

    qualifiers = query(
        seed_build,
        "SELECT ?o ?q WHERE { GRAPH ?g { ?o <https://w3id.org/exilekg/vocab#valueQualifier> ?q } }",
    )
    qualifier = {row["o"]: qualifier_of_iri(str(row["q"])) for row in qualifiers.rows}
    rows = query(seed_build, "statistics").rows
    assert any(row["figure"] == "4,074 applicants" for row in rows)
    for row in rows:
        value, low, high, unit = (
            None if row[k] is None else str(row[k]) for k in ("value", "minValue", "maxValue", "unit")
        )
        site = quantity_text(value, low, high, qualifier.get(row["observation"]), unit)
        assert row["figure"] == site, row["observation"]
