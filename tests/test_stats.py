"""``exilekg stats``: counts per kind and document, evidence verified, names without a record."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from exilekg.cli import cli
from exilekg.stats import corpus_stats

from .conftest import EXAMPLE


def test_example_counts() -> None:
    stats = corpus_stats(EXAMPLE)
    assert stats.entities["Person"] == 6 and stats.entities["Document"] == 2
    assert stats.facts == {"Relation": 9, "Designation": 1, "Observation": 4, "Quotation": 1, "Claim": 1}
    assert stats.facts_per_document["riga-congress"]["Relation"] == 6
    assert stats.evidence_verified == stats.evidence_total == 20
    assert stats.mentions_per_document["riga-congress"] > 10
    assert stats.unrecorded_names == {}


def add_unrecorded_name(corpus: Path) -> None:
    text = corpus / "texts" / "riga-congress.txt"
    text.write_text(
        text.read_text("utf-8") + "\nThe photographer Karl Lindqvist took the pictures.\n", "utf-8"
    )
    document = corpus / "documents" / "riga-congress.json"
    record = json.loads(document.read_text("utf-8"))
    record.pop("sha256")
    document.write_text(json.dumps(record), "utf-8")


def test_names_without_a_record_are_listed_until_left_out_with_a_reason(example_copy: Path) -> None:
    add_unrecorded_name(example_copy)
    assert corpus_stats(example_copy).unrecorded_names == {"riga-congress": [("Karl Lindqvist", 1)]}
    (example_copy / "left-out-names.json").write_text(
        json.dumps(
            [{"name": "Karl Lindqvist", "document": "riga-congress", "reason": "photographer's credit"}]
        )
    )
    stats = corpus_stats(example_copy)
    assert stats.unrecorded_names == {}
    assert stats.left_out[0].reason == "photographer's credit"


def test_cli_text_and_json(example_copy: Path) -> None:
    add_unrecorded_name(example_copy)
    result = CliRunner().invoke(cli, ["stats", str(example_copy)])
    assert result.exit_code == 0, result.output
    assert "evidence verified: 20 of 20 (100.0%)" in result.output
    assert "riga-congress: Karl Lindqvist (1)" in result.output
    as_json = json.loads(CliRunner().invoke(cli, ["stats", str(example_copy), "--json"]).output)
    assert as_json["evidence"] == {"total": 20, "verified": 20}


def test_left_out_file_must_give_reasons(example_copy: Path) -> None:
    (example_copy / "left-out-names.json").write_text(json.dumps([{"name": "X"}]))
    result = CliRunner().invoke(cli, ["stats", str(example_copy)])
    assert result.exit_code == 1
    assert "left-out-names.json /0: each left-out name needs a 'name' and a 'reason'" in result.output
