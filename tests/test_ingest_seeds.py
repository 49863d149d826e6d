"""exilekg.ingest.extract on the five reference articles in ../shared/corpus/seeds.

The expected values were read off the articles by hand. Where an article does not
state an author, a date, a URL or a publisher, the draft must leave the field out
and list it as missing rather than guess. The articles live beside the repository,
not in it; without them these tests are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exilekg.ingest import extract

from .test_ingest import schema_errors

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"

# headline None: the headline is the file's first line, compared with the file itself. A URL is
# given as its start and end (kept short here), and must also appear whole in the text.
EXPECTED: dict[str, dict[str, Any]] = {
    "000_1a48d588c9d993b9.txt": {
        "headline": None,
        "authors": None,
        "datePublished": None,
        "url": None,
        "publisher": None,
    },
    "001_e76632863b594440.txt": {
        "headline": "Unleashed: Opposition Leaders in Exile Rally Against Putin’s Iron Grip",
        "authors": None,
        "datePublished": None,
        "url": None,
        "publisher": None,
    },
    "002_2828f24c64c479fb.txt": {
        "headline": "Putin's Unintended Unity: Russians Globally Unite in Opposition",
        "alternativeHeadline": "Russians Abroad Forge Unprecedented Solidarity in New Era",
        "authors": ["Zain ul Abedin"],
        "datePublished": None,
        "url": None,
        "publisher": None,
    },
    "003_f5bdc8b959ae89b8.txt": {
        "headline": "What Can Russia's Opposition Do in 2024?",
        "authors": ["Alexander Finiarel"],
        "datePublished": "2024-01-02",
        "url": ("https://www.themoscowtimes.com/2024/01/02/", "-a83629"),
        "publisher": {
            "kind": "Organization",
            "id": "themoscowtimes.com",
            "name": "The Moscow Times",
            "type": "media",
            "url": "https://www.themoscowtimes.com/",
        },
    },
    "004_f5de48e6d15edab9.txt": {
        "headline": "The Chasm Between Us: The Myth of the Opposition's Connection to Russia",
        "authors": None,
        "datePublished": "2025-12-08",
        "url": None,
        "publisher": {"kind": "Organization", "id": "rem", "name": "REM", "type": "media"},
    },
}


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the reference articles are not at {SEEDS} (they live in ../shared/corpus/seeds)")
    return SEEDS


def seed(seeds: Path, name: str) -> tuple[str, Any]:
    path = seeds / name
    if not path.is_file():
        pytest.skip(f"reference article {name} is not in {seeds}")
    text = path.read_bytes().decode("utf-8")
    return text, extract(text, file_name=name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_metadata(seeds: Path, name: str) -> None:
    text, result = seed(seeds, name)
    record = result.record
    expected = EXPECTED[name]
    headline = expected["headline"] or next(line.strip() for line in text.splitlines() if line.strip())
    assert record["headline"] == headline
    assert record.get("alternativeHeadline") == expected.get("alternativeHeadline")
    authors = [a["name"] for a in record["authors"]] if "authors" in record else None
    assert authors == expected["authors"]
    for field in ("datePublished", "publisher"):
        assert record.get(field) == expected[field], field
    if expected["url"] is None:
        assert "url" not in record
    else:
        start, end = expected["url"]
        assert record["url"].startswith(start) and record["url"].endswith(end)
        assert f"<{record['url']}>" in text
    for field in ("authors", "datePublished", "url", "publisher"):
        assert (field in result.missing) == (expected[field] is None), field
    assert record["language"] == "en"
    assert schema_errors(record) == []


def test_first_line_standfirst_is_flagged(seeds: Path) -> None:
    _, result = seed(seeds, "000_1a48d588c9d993b9.txt")
    assert any("reads like a sentence" in note for note in result.notes)


def test_photo_credits(seeds: Path) -> None:
    _, with_getty = seed(seeds, "002_2828f24c64c479fb.txt")
    assert [i["credit"] for i in with_getty.record["images"]] == ["Pier Marco Tacca/Getty Images"]
    _, with_license = seed(seeds, "003_f5bdc8b959ae89b8.txt")
    [image] = with_license.record["images"]
    assert (image["credit"], image["license"]) == ("Jan Beránek", "CC BY-SA 3.0")
    assert image["caption"].startswith("Russians in Prague")
    _, with_photo_line = seed(seeds, "004_f5de48e6d15edab9.txt")
    assert with_photo_line.record["images"] == [{"credit": "EP 2014"}]


def test_numbered_notes_become_citations(seeds: Path) -> None:
    _, result = seed(seeds, "004_f5de48e6d15edab9.txt")
    citations = result.record["citations"]
    assert [c["id"] for c in citations] == [f"004_f5de48e6d15edab9.ref-{n}" for n in range(1, 9)]
    with_url = [n for n, c in enumerate(citations, 1) if "url" in c]
    assert with_url == [1, 3, 4, 6, 7, 8]  # notes 2 and 5 are printed references without a link
    assert citations[0]["url"].startswith("https://newizv.ru/news/2023-07-07/")
    assert citations[2]["url"].startswith("https://www.levada.ru/2025/05/27/")
    assert citations[5]["url"] == "https://www.youtube.com/watch?v=003_8gBbpO8"
    assert [citations[1]["type"], citations[4]["type"]] == ["article", "article"]
    assert citations[4]["datePublished"] == "2022"


def test_no_citations_where_links_lead_nowhere(seeds: Path) -> None:
    _, result = seed(seeds, "003_f5bdc8b959ae89b8.txt")
    assert "citations" not in result.record
