"""Drafting document records from plain-text articles (exilekg.ingest) and ``exilekg ingest``.

The articles under fixtures/articles are short texts written for these tests; every
person, outlet and address in them is invented.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from exilekg.cli.ingest import ingest_command
from exilekg.errors import IngestError
from exilekg.ingest import EXPECTED_FIELDS, count_words, detect_language, extract, ingest, slugify

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
EXAMPLE = REPO / "examples" / "example-corpus"
ARTICLE_FILES = sorted(p.name for p in ARTICLES.glob("*.txt") if p.stat().st_size > 0)
DOCUMENT_KEYS = list(json.loads((SCHEMAS / "document.schema.json").read_text(encoding="utf-8"))["properties"])


@cache
def document_validator() -> Draft202012Validator:
    """The document schema, with every schema of the folder registered under its $id."""
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = registry.contents("https://w3id.org/exilekg/schemas/document.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


def schema_errors(record: dict[str, Any]) -> list[str]:
    return [f"/{'/'.join(map(str, e.path))}: {e.message}" for e in document_validator().iter_errors(record)]


def fixture_text(name: str) -> str:
    return (ARTICLES / name).read_bytes().decode("utf-8")


def draft(name: str) -> Any:
    return extract(fixture_text(name), file_name=name)


def article(*lines: str) -> str:
    return "\n".join(lines) + "\n"


BODY = "The body of the article follows here, in a paragraph of ordinary prose about events."
PARAGRAPH = " ".join([BODY] * 5)  # longer than any title: where the top of an article ends


# --------------------------------------------------------------------------- every fixture


@pytest.mark.parametrize("name", ARTICLE_FILES)
def test_fixture_drafts_are_valid_documents(name: str) -> None:
    result = draft(name)
    assert schema_errors(result.record) == []
    raw = (ARTICLES / name).read_bytes()
    assert result.record["sha256"] == hashlib.sha256(raw).hexdigest()
    assert result.record["wordCount"] == len(re.findall(r"\w+", raw.decode("utf-8")))
    assert result.record["text"] == name
    assert result.record["id"] == Path(name).stem
    assert list(result.record) == [key for key in DOCUMENT_KEYS if key in result.record]
    assert result.missing == tuple(f for f in EXPECTED_FIELDS if f not in result.record)


# --------------------------------------------------------------------------- header forms


def test_title_subtitle_byline_and_date() -> None:
    result = draft("title-byline-date.txt")
    record = result.record
    assert record["headline"] == "Exiled Editors Open a Newsroom in Vilnius"
    assert record["alternativeHeadline"] == "A small team plans weekly broadcasts for readers at home"
    assert record["authors"] == [
        {"kind": "Person", "id": "jonas-vaitkus", "name": "Jonas Vaitkus"},
        {"kind": "Person", "id": "irena-kowal", "name": "Irena Kowal"},
    ]
    assert record["datePublished"] == "2025-03-14"  # not the date in the last paragraph
    assert record["language"] == "en"
    assert result.missing == ("publisher", "url")


def test_markdown_heading_and_linked_byline() -> None:
    record = draft("markdown-heading.txt").record
    assert record["headline"] == "How Exile Groups Count Their Supporters"
    assert "alternativeHeadline" not in record
    assert record["authors"] == [{"kind": "Person", "id": "marta-velez", "name": "Marta Velez"}]
    assert record["datePublished"] == "2024-02-03"
    assert record["images"] == [
        {
            "caption": "Volunteers in Prague sort letters from readers.",
            "credit": "Petr Hanak",
            "license": "CC BY-SA 4.0",
        }
    ]
    assert "citations" not in record  # links to "#" and a related-article teaser cite nothing


def test_date_only_in_the_url() -> None:
    result = draft("url-date-only.txt")
    record = result.record
    assert record["url"] == "https://news.example.org/culture/2023/11/05/diaspora-choirs-winter-concert"
    assert record["datePublished"] == "2023-11-05"
    assert record["publisher"] == {
        "kind": "Organization",
        "id": "news.example.org",
        "name": "news.example.org",
        "type": "media",
        "url": "https://news.example.org/",
    }
    assert result.missing == ("authors",)
    assert "the date was read from the URL" in result.notes


def test_copyright_line_names_the_publisher() -> None:
    result = draft("copyright.txt")
    record = result.record
    assert record["headline"] == "Letters Across the Border: A Quiet Correspondence"
    assert record["datePublished"] == "2023-05-12"  # 12.05.2023 is day.month.year
    assert record["publisher"] == {
        "kind": "Organization",
        "id": "northern-exile-review",
        "name": "Northern Exile Review",
        "type": "media",
    }
    assert record["images"] == [{"credit": "Anna Lind", "license": "CC BY 4.0"}]
    assert result.missing == ("authors", "url")


def test_footnotes_with_urls_become_cited_works() -> None:
    record = draft("footnotes.txt").record
    assert record["citations"] == [
        {
            "kind": "CreativeWork",
            "id": "footnotes.ref-1",
            "name": "Leaving and Staying: A Panel Study of Emigrants",
            "type": "article",
            "url": "https://research.example.net/2024/03/leaving-and-staying.pdf",
        },
        {
            "kind": "CreativeWork",
            "id": "footnotes.ref-2",
            "name": "https://data.example.org/surveys/2024/02/14/safety-first/",
            "type": "other",
            "url": "https://data.example.org/surveys/2024/02/14/safety-first/",
            "datePublished": "2024-02-14",
        },
        {
            "kind": "CreativeWork",
            "id": "footnotes.ref-3",
            "name": "Return Intentions Among Recent Emigrants",
            "type": "article",
            "datePublished": "2023",
        },
        {
            "kind": "CreativeWork",
            "id": "footnotes.ref-4",
            "name": "https://polls.example.com/spring-wave.html",
            "type": "other",
            "url": "https://polls.example.com/spring-wave.html",
        },
    ]
    # The copyright holder is the site of the "Source:" URL, so its name is used.
    assert record["publisher"]["name"] == "Baltic Exile Media"
    assert record["publisher"]["id"] == "balticexilemedia.example"
    assert record["url"] == "https://www.balticexilemedia.example/2024/06/18/what-the-surveys-say"
    assert record["datePublished"] == "2024-06-18"


def test_photo_credits_with_captions_and_licenses() -> None:
    record = draft("photo-credits.txt").record
    assert record["authors"] == [{"kind": "Person", "id": "hanna-roos", "name": "Hanna Roos"}]
    assert record["datePublished"] == "2024-10-09"
    assert record["images"] == [
        {
            "caption": "Protesters outside the consulate in Hamburg.",
            "credit": "Mara Olsen",
            "license": "CC BY-SA 4.0",
        },
        {"caption": "A student reads in a café in Yerevan.", "credit": "Tomas Berg/Example Images"},
        {"credit": "Lena Ivanova"},
    ]
    assert "publisher" not in record  # "© Tomas Berg/..." credits a photo, it names no publisher


def test_cyrillic_article() -> None:
    record = draft("cyrillic.txt").record
    assert record["headline"] == "Эмигранты открыли библиотеку в Берлине"
    assert record["authors"] == [{"kind": "Person", "id": "irina-smirnova", "name": "Ирина Смирнова"}]
    assert record["datePublished"] == "2024-03-15"
    assert record["language"] == "ru"


def test_boilerplate_lines_before_the_title_are_skipped() -> None:
    result = draft("boilerplate-first.txt")
    assert result.record["headline"] == "Volunteers Map Shelters for New Arrivals"
    assert result.record["images"] == [{"credit": "Example Agency"}]
    assert result.missing == ("authors", "datePublished", "publisher", "url")


def test_byte_order_mark_is_ignored_and_noted() -> None:
    text = fixture_text("bom.txt")
    assert text.startswith("\ufeff")
    result = extract(text, file_name="bom.txt")
    assert result.record["headline"] == "A Byte-Order Mark Leads This Title"
    assert result.record["sha256"] == hashlib.sha256((ARTICLES / "bom.txt").read_bytes()).hexdigest()
    assert any("byte-order mark" in note for note in result.notes)


def test_empty_text_has_no_headline() -> None:
    result = extract("", file_name="empty.txt")
    assert "headline" not in result.record
    assert result.missing == EXPECTED_FIELDS
    assert result.record["wordCount"] == 0


# --------------------------------------------------------------------------- headline and subtitle


@pytest.mark.parametrize(
    "noise",
    [
        "Published",
        "close",
        "top of page",
        "Reading time: 2 min",
        "Introduction",
        "x.jpg",
        "Photo: Someone Else",
        "5 min read",
        "Skip to main content",
    ],
)
def test_headline_skips_boilerplate(noise: str) -> None:
    record = extract(article(noise, "", "The Real Title Of The Piece", "", BODY)).record
    assert record["headline"] == "The Real Title Of The Piece"


def test_paragraph_length_first_line_is_not_a_headline() -> None:
    result = extract(article("word " * 80, "", BODY))
    assert "headline" not in result.record
    assert "headline" in result.missing
    assert any("paragraph-length" in note for note in result.notes)


def test_sentence_like_headline_is_flagged() -> None:
    first = "An opening line that is really a whole sentence about what the piece will go on to describe."
    result = extract(article(first, BODY))
    assert result.record["headline"] == first
    assert any("reads like a sentence" in note for note in result.notes)


@pytest.mark.parametrize(
    ("text", "subtitle"),
    [
        (article("# Main Title", "## The Subtitle Line", "", BODY), "The Subtitle Line"),
        (article("Main Title", "", "*An italic standfirst*", "", BODY), "An italic standfirst"),
        (article("Main Title", "A plain subtitle", "By Jane Doe", "", BODY), "A plain subtitle"),
        (article("Main Title", "", "A short first paragraph.", "", BODY), None),
        (article("Main Title", "", "Published", "A Line After Boilerplate", BODY), None),
        (article("Main Title", "", "By Jane Doe", "", BODY), None),
    ],
)
def test_alternative_headline_only_when_clearly_a_subtitle(text: str, subtitle: str | None) -> None:
    assert extract(text).record.get("alternativeHeadline") == subtitle


# --------------------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("by Jane Doe", ["Jane Doe"]),
        ("By [Jane Doe](#)", ["Jane Doe"]),
        ("**By Jane Doe**", ["Jane Doe"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("By Jane Doe, John Roe & Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
        ("By Jane Doe, Staff", ["Jane Doe"]),
        ("by Zara bin Rashid", ["Zara bin Rashid"]),
        ("Author: Jane Doe", ["Jane Doe"]),
        ("Автор: Анна Орлова", ["Анна Орлова"]),
        ("By the end of the year", None),
        ("By Monday", None),
    ],
)
def test_bylines(line: str, names: list[str] | None) -> None:
    record = extract(article("A Title", "", line, "", BODY)).record
    found = [a["name"] for a in record["authors"]] if "authors" in record else None
    assert found == names


def test_author_line_under_the_title_needs_a_date_under_it() -> None:
    with_date = extract(article("A Title", "Jane Doe", "May 2, 2024", "", BODY)).record
    assert with_date["authors"] == [{"kind": "Person", "id": "jane-doe", "name": "Jane Doe"}]
    without_date = extract(article("A Title", "", "Jane Doe", "", BODY)).record
    assert "authors" not in without_date


def test_byline_only_searched_at_the_top() -> None:
    record = extract(article("A Title", "", PARAGRAPH, "", "By Jane Doe")).record
    assert "authors" not in record


def test_same_author_twice_is_one_person() -> None:
    record = extract(article("A Title", "By Jane Doe and Jane Doe", "", BODY)).record
    assert record["authors"] == [{"kind": "Person", "id": "jane-doe", "name": "Jane Doe"}]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("January 02, 2024", "2024-01-02"),
        ("08 Dec 2025", "2025-12-08"),
        ("2024-01-02", "2024-01-02"),
        ("02.01.2024", "2024-01-02"),
        ("2 January 2024", "2024-01-02"),
        ("Jan 2, 2024", "2024-01-02"),
        ("Sept. 9, 2023", "2023-09-09"),
        ("Published: Tuesday, 2 January 2024 10:32", "2024-01-02"),
        ("Posted on March 3rd, 2022", "2022-03-03"),
        ("2024-01-02T08:00:00Z", "2024-01-02T08:00:00Z"),  # a time with its zone is kept
        ("3. März 2024", "2024-03-03"),
        ("1er janvier 2024", "2024-01-01"),
        ("15 марта 2024 г.", "2024-03-15"),
        ("31.02.2024", None),
        ("February 30, 2024", None),
        ("Updated 3 May 2024", None),
        ("13.13.2024", None),
    ],
)
def test_date_forms(line: str, iso: str | None) -> None:
    record = extract(article("A Title", "", line, "", BODY)).record
    assert record.get("datePublished") == iso


def test_date_in_the_body_is_not_the_publication_date() -> None:
    text = article("A Title", "", PARAGRAPH, "", "March 3, 2024", "", "May 2, 2024")
    result = extract(text)
    assert "datePublished" not in result.record
    assert "datePublished" in result.missing


def test_date_in_byline() -> None:
    record = extract(article("A Title", "By Jane Doe | 4 April 2024", "", BODY)).record
    assert record["authors"][0]["name"] == "Jane Doe"
    assert record["datePublished"] == "2024-04-04"


def test_date_line_wins_over_url_and_disagreement_is_noted() -> None:
    text = article("A Title", "May 2, 2024", "", BODY, "", "URL: https://site.example/2024/05/03/a-title")
    result = extract(text)
    assert result.record["datePublished"] == "2024-05-02"
    assert any("2024-05-03" in note for note in result.notes)


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("https://site.example/2024/01/02/slug", "2024-01-02"),
        ("https://site.example/news/2023-07-07/slug", "2023-07-07"),
        ("https://site.example/2024/01/slug", None),
        ("https://site.example/2024/13/40/slug", None),
        ("https://site.example/article-2024.html", None),
    ],
)
def test_url_dates(url: str, iso: str | None) -> None:
    record = extract(article("A Title", "", BODY, "", f"Original url: {url}")).record
    assert record["url"] == url
    assert record.get("datePublished") == iso


# --------------------------------------------------------------------------- url and publisher


@pytest.mark.parametrize(
    "lines",
    [
        ("Original url:", "", "<https://site.example/a>"),
        ("Source: https://site.example/a",),
        ("URL: <https://site.example/a>.",),
        ("Source: [the site](https://site.example/a)",),
        ('<link rel="canonical" href="https://site.example/a">',),
    ],
)
def test_url_forms(lines: tuple[str, ...]) -> None:
    record = extract(article("A Title", "", BODY, "", *lines)).record
    assert record["url"] == "https://site.example/a"
    assert record["publisher"]["url"] == "https://site.example/"


def test_source_line_without_url_is_not_a_url() -> None:
    record = extract(article("A Title", "", BODY, "", "Source: a press release")).record
    assert "url" not in record and "publisher" not in record


def test_publisher_name_from_a_disclaimer_matching_the_host() -> None:
    text = article(
        "A Title",
        "",
        BODY,
        "",
        "*The views expressed here do not necessarily reflect the position of The Exile Gazette.*",
        "Original url: https://www.theexilegazette.example/2024/02/02/a-title",
    )
    publisher = extract(text).record["publisher"]
    assert publisher == {
        "kind": "Organization",
        "id": "theexilegazette.example",
        "name": "The Exile Gazette",
        "type": "media",
        "url": "https://www.theexilegazette.example/",
    }


def test_copyright_holder_other_than_the_host_is_noted_not_used() -> None:
    text = article("A Title", "", BODY, "", "© 2024 Wire Agency", "Source: https://reposter.example/a")
    result = extract(text)
    assert result.record["publisher"]["name"] == "reposter.example"
    assert any("Wire Agency" in note for note in result.notes)


@pytest.mark.parametrize(
    ("line", "holder"),
    [
        ("© 2025 by Exile Weekly. Proudly made with a site builder", "Exile Weekly"),
        ("Copyright © 2021-2024 Exile Weekly. All rights reserved.", "Exile Weekly"),
        ("(c) 2023 Exile Weekly", "Exile Weekly"),
        ("© Exile Weekly 2024", "Exile Weekly"),
        ("© Jane Doe/Getty Images", None),
    ],
)
def test_copyright_lines(line: str, holder: str | None) -> None:
    record = extract(article("A Title", "", BODY, "", line)).record
    assert (record["publisher"]["name"] if "publisher" in record else None) == holder


# --------------------------------------------------------------------------- citations


@pytest.mark.parametrize(
    "notes",
    [
        ("[1] A report https://a.example/r1", "[2] Another https://a.example/r2"),
        ("1. A report https://a.example/r1", "2. Another https://a.example/r2"),
        ("1.https://a.example/r1", "2. Another https://a.example/r2"),
        ("^1 A report https://a.example/r1", "^2 Another https://a.example/r2"),
        ("¹ A report https://a.example/r1", "² Another https://a.example/r2"),
        ("Sources", "- A report, https://a.example/r1", "- Another: https://a.example/r2"),
        ("References", "A report https://a.example/r1", "Another https://a.example/r2"),
    ],
)
def test_footnote_styles(notes: tuple[str, ...]) -> None:
    record = extract(article("A Title", "", BODY, "", *notes), file_name="doc.txt").record
    assert [(c["id"], c["url"]) for c in record["citations"]] == [
        ("doc.ref-1", "https://a.example/r1"),
        ("doc.ref-2", "https://a.example/r2"),
    ]


def test_numbered_list_without_urls_cites_nothing() -> None:
    text = article("A Title", "", BODY, "", "1. First point", "2. Second point", "3. Third point")
    assert "citations" not in extract(text).record


def test_footnotes_must_be_numbered_from_one_in_order() -> None:
    text = article("A Title", "", BODY, "", "[2] https://a.example/r2", "[5] https://a.example/r5")
    assert "citations" not in extract(text).record


def test_url_in_parentheses_loses_only_unbalanced_brackets() -> None:
    text = article(
        "A Title", "", BODY, "", "[1] (see https://w.example/wiki/A_(b))", "[2] (https://w.example/c)"
    )
    urls = [c["url"] for c in extract(text).record["citations"]]
    assert urls == ["https://w.example/wiki/A_(b)", "https://w.example/c"]


# --------------------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("lines", "image"),
    [
        (("Photo: Jane Doe (CC BY 4.0)",), {"credit": "Jane Doe", "license": "CC BY 4.0"}),
        (("Photo by Jane Doe",), {"credit": "Jane Doe"}),
        (
            ("A crowd on the square. Photo: Jane Doe",),
            {"caption": "A crowd on the square.", "credit": "Jane Doe"},
        ),
        (("(c) Jane Doe / Getty Images",), {"credit": "Jane Doe / Getty Images"}),
        (("Jane Doe (CC0)",), {"credit": "Jane Doe", "license": "CC0"}),
        (
            ("Marchers at dusk. © Jane Doe/Agency",),
            {"caption": "Marchers at dusk.", "credit": "Jane Doe/Agency"},
        ),
        (("**Jane Doe (CC BY-SA 3.0)**",), {"credit": "Jane Doe", "license": "CC BY-SA 3.0"}),
        (
            ("![A banner in the rain](https://img.example/b.jpg)",),
            {"caption": "A banner in the rain", "url": "https://img.example/b.jpg"},
        ),
        (("photo.jpg", "", "Photo: Jane Doe*"), {"credit": "Jane Doe"}),
    ],
)
def test_image_credits(lines: tuple[str, ...], image: dict[str, str]) -> None:
    record = extract(article("A Title", "", BODY, "", *lines, "", BODY)).record
    assert record["images"] == [image]


def test_prose_mentioning_photos_or_copyright_is_not_a_credit() -> None:
    text = article(
        "A Title",
        "",
        PARAGRAPH,
        "",
        "He listed three options. (c) was the cheapest, he said, and nobody argued with that.",
        "She paused. Image by image, the exhibition builds a picture of lives " + "spent waiting " * 12,
    )
    assert "images" not in extract(text).record


def test_names_without_latin_or_cyrillic_letters_get_distinct_ids() -> None:
    first = extract(article("A Title", "By Ελένη Παππά", "", BODY)).record["authors"][0]
    second = extract(article("A Title", "By Νίκος Λάμπρου", "", BODY)).record["authors"][0]
    assert re.fullmatch(r"person-[0-9a-f]{12}", first["id"])
    assert first["id"] != second["id"]
    assert first["name"] == "Ελένη Παππά"


# --------------------------------------------------------------------------- language, words, ids


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The opposition has been in exile for years and it is not clear when they will return.", "en"),
        ("Die Opposition ist seit Jahren im Exil, und es ist nicht klar, wann sie zurückkehren wird.", "de"),
        (
            "L'opposition est en exil depuis des années et il n'est pas clair quand elle reviendra.",
            "fr",
        ),
        ("La oposición está en el exilio desde hace años y no está claro cuándo volverá por su país.", "es"),
        ("Оппозиция уже много лет находится в эмиграции, и неясно, когда она вернется.", "ru"),
        (
            "Опозиція вже багато років перебуває в еміграції, і що буде далі, ще не відомо, але вона працює.",
            "uk",
        ),
        ("Berlin, Riga, Vilnius", None),
        ("", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_word_count_rule() -> None:
    assert count_words("It's 2024: twenty-five words? https://a.example/x_y") == 10


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("My Article (final)", "my-article-final"),
        ("Алексей Навальный", "aleksei-navalnyi"),
        ("Jan Beránek", "jan-beranek"),
        ("000_1a2b", "000_1a2b"),
        ("--.--", None),
        ("", None),
    ],
)
def test_slugify(value: str, slug: str | None) -> None:
    assert slugify(value) == slug


def test_long_slugs_are_cut_at_100_characters() -> None:
    slug = slugify("word " * 60)
    assert slug is not None and len(slug) <= 100 and not slug.endswith("-")


def test_id_from_headline_or_digest_without_a_file_name() -> None:
    assert extract(article("Exiles Meet In Riga", "", BODY)).record["id"] == "exiles-meet-in-riga"
    record = extract("   \n").record
    assert re.fullmatch(r"document-[0-9a-f]{12}", record["id"])
    assert "text" not in record


# --------------------------------------------------------------------------- property


_FRAGMENTS = st.sampled_from(
    [
        "",
        "# A Heading",
        "## Sub Heading",
        "By Jane Doe",
        "by [Ann Lee](#)",
        "Jane Doe",
        "January 02, 2024",
        "02.01.2024",
        "2024-13-45",
        "Published",
        "close",
        "Photo: Someone (CC BY 4.0)",
        "© 2024 by Some Outlet. More",
        "© Someone/Agency",
        "Original url:",
        "<https://x.example/2024/01/02/s>",
        "Source: https://x.example/a",
        "[1] https://x.example/r",
        "1. A report https://x.example/r",
        "2. Another",
        "References",
        "- item https://x.example/q",
        "«Мемориал»",
        "Автор: Анна Орлова",
        "x.jpg",
    ]
)
_ARTICLES = st.one_of(
    st.text(),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=60)), max_size=30).map("\n".join),
)


@given(_ARTICLES)
@settings(max_examples=400, deadline=None)
def test_extract_never_raises_and_drafts_are_valid(text: str) -> None:
    result = extract(text, file_name="article.txt")
    record = dict(result.record)
    assert ("headline" in result.missing) == ("headline" not in record)
    if "headline" not in record:
        record["headline"] = "a headline the curator adds"  # every other field must already be valid
    assert schema_errors(record) == []
    assert record["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert record["wordCount"] == len(re.findall(r"\w+", text))


@given(
    st.lists(st.one_of(_FRAGMENTS, st.text(alphabet=st.characters(exclude_characters="*_[]#"), max_size=60)))
)
@settings(max_examples=300, deadline=None)
def test_extracted_strings_come_from_the_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    record = extract(text).record
    found = [record.get("headline"), record.get("alternativeHeadline"), record.get("url")]
    found += [a["name"] for a in record.get("authors", []) if isinstance(a, dict)]
    found += [i.get("credit") for i in record.get("images", [])]
    for value in filter(None, found):
        assert value in plain


# --------------------------------------------------------------------------- ingest


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    return root


def copy_article(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(ARTICLES / name, folder / name))


def test_ingest_writes_record_and_byte_identical_text(corpus: Path, tmp_path: Path) -> None:
    source = copy_article("cyrillic.txt", tmp_path / "in")
    [result] = ingest([source], corpus)
    assert result.document == corpus / "documents" / "cyrillic.json"
    assert result.text == corpus / "texts" / "cyrillic.txt"
    assert result.text.read_bytes() == source.read_bytes()
    content = result.document.read_text(encoding="utf-8")
    assert content.endswith("}\n") and "Эмигранты" in content  # UTF-8, not \u escapes
    assert content == json.dumps(result.extraction.record, ensure_ascii=False, indent=2) + "\n"
    assert result.extraction.record["authors"] == ["irina-smirnova"]
    [author] = result.records
    assert json.loads(author.read_text(encoding="utf-8")) == {
        "kind": "Person",
        "id": "irina-smirnova",
        "name": "Ирина Смирнова",
    }
    record = json.loads(content)
    assert list(record) == [key for key in DOCUMENT_KEYS if key in record]
    assert schema_errors(record) == []
    assert result.missing == ("publisher", "url")
    assert not [p for p in (corpus / "documents").iterdir() if p.name.startswith(".")]  # no temp files left


def test_ingest_keeps_a_byte_order_mark_in_the_copy(corpus: Path, tmp_path: Path) -> None:
    source = copy_article("bom.txt", tmp_path / "in")
    [result] = ingest([source], corpus)
    assert result.text.read_bytes() == source.read_bytes()
    assert result.extraction.record["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert any("byte-order mark" in note for note in result.notes)


def test_ingested_corpus_passes_the_core_validation(corpus: Path, tmp_path: Path) -> None:
    from exilekg.corpus import read_corpus
    from exilekg.validation import validate

    sources = [copy_article(name, tmp_path / "in") for name in ARTICLE_FILES]
    ingest(sources, corpus)
    report = validate(read_corpus(corpus))
    assert [str(p) for p in report.problems] == []


def test_ingest_again_merges_and_overwrite_replaces(corpus: Path, tmp_path: Path) -> None:
    source = copy_article("copyright.txt", tmp_path / "in")
    [first] = ingest([source], corpus)
    assert first.status == "new"
    [again] = ingest([source], corpus)
    assert again.status == "unchanged" and again.id == "copyright"
    document = corpus / "documents" / "copyright.json"
    edited = json.loads(document.read_text(encoding="utf-8"))
    edited["headline"] = "A Title The Curator Chose"
    document.write_text(json.dumps(edited), encoding="utf-8")
    source.write_text(
        source.read_text(encoding="utf-8").replace("12.05.2023", "13.05.2023"), encoding="utf-8"
    )
    [merged] = ingest([source], corpus)
    assert merged.status == "updated" and merged.kept == ("headline",)
    record = json.loads(document.read_text(encoding="utf-8"))
    assert record["headline"] == "A Title The Curator Chose"  # the curator's edit is kept
    assert record["datePublished"] == "2023-05-13"  # what the text now says
    assert record["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert (corpus / "texts" / "copyright.txt").read_bytes() == source.read_bytes()
    [replaced] = ingest([source], corpus, overwrite=True)
    assert replaced.status == "replaced"
    assert json.loads(document.read_text(encoding="utf-8"))["headline"].endswith("A Quiet Correspondence")


def test_overwrite_does_not_refer_to_its_own_old_inline_records(corpus: Path, tmp_path: Path) -> None:
    source = copy_article("photo-credits.txt", tmp_path / "in")
    ingest([source], corpus)
    [again] = ingest([source], corpus, overwrite=True)
    assert again.extraction.record["authors"] == ["hanna-roos"]
    assert again.records == ()  # the author's record was written by the first run


def test_ingest_ids_avoid_every_id_of_the_corpus(corpus: Path, tmp_path: Path) -> None:
    (corpus / "records" / "more.json").write_text(
        '[{"kind": "Place", "id": "footnotes", "name": "Footnotes", "type": "other"}]', encoding="utf-8"
    )
    (corpus / "records" / "more.jsonl").write_text(
        '{"kind": "Place", "id": "footnotes-2", "name": "Footnotes 2", "type": "other"}\n', encoding="utf-8"
    )
    [result] = ingest([copy_article("footnotes.txt", tmp_path / "in")], corpus)
    assert result.id == "footnotes-3"
    assert result.document.name == "footnotes-3.json"
    assert [c["id"] for c in result.extraction.record["citations"]][:2] == [
        "footnotes-3.ref-1",
        "footnotes-3.ref-2",
    ]
    assert result.extraction.record["text"] == "footnotes.txt"


def test_known_author_is_referred_to_by_id(corpus: Path, tmp_path: Path) -> None:
    (corpus / "records" / "more.json").write_text(
        '[{"kind": "Person", "id": "hanna-roos", "name": "Hanna Roos", "jobTitle": "photo editor"},'
        ' {"kind": "Place", "id": "oskar-brandt", "name": "Oskar Brandt Square", "type": "venue"}]',
        encoding="utf-8",
    )
    a, b = ingest([copy_article(n, tmp_path / "in") for n in ("photo-credits.txt", "footnotes.txt")], corpus)
    assert a.extraction.record["authors"] == ["hanna-roos"]
    assert a.records == ()
    assert b.extraction.record["authors"] == ["oskar-brandt-2"]
    person = json.loads((corpus / "records" / "oskar-brandt-2.json").read_text(encoding="utf-8"))
    assert person == {"kind": "Person", "id": "oskar-brandt-2", "name": "Oskar Brandt"}


def test_second_article_by_the_same_author_refers_to_the_first(corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "in" / "second.txt"
    other.parent.mkdir(parents=True)
    other.write_text(article("Another Report", "By Irena Kowal", "June 1, 2025", "", BODY), encoding="utf-8")
    first, second = ingest([copy_article("title-byline-date.txt", tmp_path / "in"), other], corpus)
    assert first.extraction.record["authors"] == ["jonas-vaitkus", "irena-kowal"]
    assert second.extraction.record["authors"] == ["irena-kowal"]
    assert [p.name for p in first.records] == ["jonas-vaitkus.json", "irena-kowal.json"]
    assert second.records == ()
    # Deleting the first draft leaves the second valid: the author is a record of its own.
    first.document.unlink()
    from exilekg.corpus import read_corpus
    from exilekg.validation import validate

    assert [str(p) for p in validate(read_corpus(corpus)).problems] == []


def test_ingest_into_another_texts_folder(corpus: Path, tmp_path: Path) -> None:
    texts = tmp_path / "elsewhere"
    [result] = ingest([copy_article("footnotes.txt", tmp_path / "in")], corpus, texts_dir=texts)
    assert result.text == texts / "footnotes.txt"
    assert not (corpus / "texts" / "footnotes.txt").exists()


def test_different_text_under_the_same_name_is_refused(corpus: Path, tmp_path: Path) -> None:
    (corpus / "texts" / "stray.txt").write_text("something else\n", encoding="utf-8")
    source = tmp_path / "stray.txt"
    source.write_text(article("A Stray Title", "", BODY), encoding="utf-8")
    with pytest.raises(IngestError, match="already holds a different text"):
        ingest([source], corpus)


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"A Title\n\nCaf\xe9 culture\n", "not valid UTF-8", 3),
        ("A Title\n".encode("utf-16"), "UTF-16", None),
        (b"", "empty", None),
        (b"\xef\xbb\xbf \n\n", "empty", None),
        (("word " * 80).encode(), "no headline", None),
    ],
)
def test_unusable_articles_raise_ingest_error(
    corpus: Path, tmp_path: Path, content: bytes, message: str, line: int | None
) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    with pytest.raises(IngestError, match=message) as caught:
        ingest([source], corpus)
    assert caught.value.path == source
    assert caught.value.line == line
    assert caught.value.hint


def test_a_bad_article_leaves_the_corpus_untouched(corpus: Path, tmp_path: Path) -> None:
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    good = copy_article("footnotes.txt", tmp_path / "in")
    with pytest.raises(IngestError) as caught:
        ingest([good, ARTICLES / "empty.txt"], corpus)
    assert caught.value.path == ARTICLES / "empty.txt"
    assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before


def test_missing_file_and_missing_corpus(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        ingest([tmp_path / "nope.txt"], corpus)
    with pytest.raises(IngestError, match="no such corpus folder"):
        ingest([ARTICLES / "footnotes.txt"], tmp_path / "no-corpus")


def test_same_file_name_twice_in_one_run(corpus: Path, tmp_path: Path) -> None:
    a = copy_article("footnotes.txt", tmp_path / "a")
    b = copy_article("footnotes.txt", tmp_path / "b")
    with pytest.raises(IngestError, match="same file name"):
        ingest([a, b], corpus)


# --------------------------------------------------------------------------- command line


def cli() -> click.Group:
    group = click.Group()
    group.add_command(ingest_command)
    return group


def test_cli_reports_files_and_missing_fields(corpus: Path, tmp_path: Path) -> None:
    sources = [str(copy_article(n, tmp_path / "in")) for n in ("title-byline-date.txt", "footnotes.txt")]
    result = CliRunner().invoke(cli(), ["ingest", *sources, "--into", str(corpus)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{sources[0]}: wrote {corpus / 'documents' / 'title-byline-date.json'}"
    assert lines[1] == (
        "  found: headline (line 1); author (line 5); date (line 6); "
        "language (the text's words (stopwords and script))"
    )
    assert lines[2] == "  could not find: publisher, url"
    assert lines[3].startswith("  new record: ") and lines[3].endswith("jonas-vaitkus.json")
    assert lines[5] == f"{sources[1]}: wrote {corpus / 'documents' / 'footnotes.json'}"


def test_cli_prints_notes_and_uses_texts_option(corpus: Path, tmp_path: Path) -> None:
    source = str(copy_article("url-date-only.txt", tmp_path / "in"))
    texts = tmp_path / "texts"
    result = CliRunner().invoke(cli(), ["ingest", source, "--into", str(corpus), "--texts", str(texts)])
    assert result.exit_code == 0, result.output
    assert "  could not find: author" in result.output
    assert "  note: the date was read from the URL" in result.output
    assert (texts / "url-date-only.txt").is_file()


def test_cli_lets_library_errors_through_to_the_group(corpus: Path) -> None:
    result = CliRunner().invoke(cli(), ["ingest", str(ARTICLES / "empty.txt"), "--into", str(corpus)])
    assert isinstance(result.exception, IngestError)


def test_cli_overwrite_flag(corpus: Path, tmp_path: Path) -> None:
    source = str(copy_article("footnotes.txt", tmp_path / "in"))
    runner = CliRunner()
    assert runner.invoke(cli(), ["ingest", source, "--into", str(corpus)]).exit_code == 0
    same = runner.invoke(cli(), ["ingest", source, "--into", str(corpus)])
    assert same.exit_code == 0 and same.output.startswith(f"{source}: unchanged ")
    again = runner.invoke(cli(), ["ingest", source, "--into", str(corpus), "--overwrite"])
    assert again.exit_code == 0 and again.output.startswith(f"{source}: replaced "), again.output


def test_cli_needs_articles_and_a_corpus() -> None:
    assert CliRunner().invoke(cli(), ["ingest", "--into", "x"]).exit_code == 2
    assert CliRunner().invoke(cli(), ["ingest", "a.txt"]).exit_code == 2
