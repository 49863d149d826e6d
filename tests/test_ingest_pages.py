"""Ingesting saved pages and URLs, ``exilekg init``, --json output, and the validate warnings.

Pages are fetched from a real HTTP server on 127.0.0.1 started by the test; nothing leaves
the machine. The pages are the fixtures of fixtures/articles/ingest.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from exilekg import __version__
from exilekg.cli import cli
from exilekg.corpus import read_corpus
from exilekg.errors import IngestError
from exilekg.ingest import USER_AGENT, ingest, init_corpus
from exilekg.validation import validate

from .test_ingest import schema_errors

PAGES = Path(__file__).resolve().parent / "fixtures" / "articles" / "ingest"
ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"


class _Handler(BaseHTTPRequestHandler):
    seen_agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen_agents.append(self.headers.get("User-Agent", ""))
        routes = {
            "/old/lawyers": (301, "text/html", b"", "/news/lawyers"),
            "/news/lawyers": (
                200,
                "text/html; charset=utf-8",
                (PAGES / "en-jsonld-newsarticle.html").read_bytes(),
                None,
            ),
            "/cp1251": (200, "text/html; charset=windows-1251", _cp1251_page(), None),
            "/report.pdf": (200, "application/pdf", b"%PDF-1.4", None),
            "/gone": (404, "text/html", b"<h1>Not found</h1>", None),
            "/loop": (302, "text/html", b"", "/loop"),
        }
        status, media, body, location = routes.get(self.path, (404, "text/html", b"", None))
        self.send_response(status)
        self.send_header("Content-Type", media)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _cp1251_page() -> bytes:
    text = (PAGES / "ru-opengraph-novaya.html").read_text(encoding="utf-8").replace('charset="utf-8"', "")
    return text.encode("cp1251")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    init_corpus(root)
    return root


def test_init_makes_a_valid_empty_corpus(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "mine"), "--title", "My Articles"])
    assert result.exit_code == 0, result.output
    assert "fill in corpus.json" in result.output
    root = tmp_path / "mine"
    assert sorted(p.name for p in root.iterdir()) == ["corpus.json", "documents", "records", "texts"]
    meta = json.loads((root / "corpus.json").read_text(encoding="utf-8"))
    assert meta["title"] == "My Articles" and meta["id"] == "mine"
    assert validate(read_corpus(root)).ok
    again = CliRunner().invoke(cli, ["init", str(root)])
    assert again.exit_code == 1 and "already holds a corpus" in again.output


def test_ingest_into_a_folder_without_corpus_json_points_at_init(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    result = CliRunner().invoke(
        cli, ["ingest", str(ARTICLES / "cyrillic.txt"), "--into", str(tmp_path / "plain")]
    )
    assert result.exit_code == 1
    assert "no corpus.json" in result.output and "exilekg init" in result.output


def test_saved_page_keeps_the_html_beside_the_extracted_text(corpus: Path) -> None:
    [result] = ingest([PAGES / "en-jsonld-newsarticle.html"], corpus)
    record = json.loads(result.document.read_text(encoding="utf-8"))
    assert result.text == corpus / "texts" / "en-jsonld-newsarticle.txt"
    assert result.snapshot == corpus / "texts" / "en-jsonld-newsarticle.html"
    assert result.snapshot.read_bytes() == (PAGES / "en-jsonld-newsarticle.html").read_bytes()
    assert record["text"] == "en-jsonld-newsarticle.txt"
    assert record["sha256"] == hashlib.sha256(result.text.read_bytes()).hexdigest()
    assert record["snapshot"] == {
        "file": "en-jsonld-newsarticle.html",
        "sha256": hashlib.sha256(result.snapshot.read_bytes()).hexdigest(),
    }
    text = result.text.read_text(encoding="utf-8")
    assert "legal aid desk in the centre of Riga" in text
    assert "Skip to content" not in text and "Subscribe to our newsletter" not in text
    assert result.extraction.sources["headline"].startswith("JSON-LD NewsArticle")
    assert result.extraction.sources["url"] == "<link rel=canonical>"
    assert schema_errors(record) == []
    report = validate(read_corpus(corpus))
    assert report.ok and report.warnings == []


def test_url_is_fetched_with_redirects_recorded(corpus: Path, server: str) -> None:
    [result] = ingest([f"{server}/old/lawyers"], corpus)
    record = json.loads(result.document.read_text(encoding="utf-8"))
    assert record["url"] == "https://www.balticcourier.example/news/2024/06/03/exiled-lawyers-legal-aid-riga"
    snapshot = record["snapshot"]
    assert snapshot["requested"] == f"{server}/old/lawyers"
    assert snapshot["redirects"] == [f"{server}/old/lawyers", f"{server}/news/lawyers"]
    assert snapshot["retrieved"].endswith("Z")
    assert result.id == "lawyers"
    assert _Handler.seen_agents[-1] == USER_AGENT and f"exilekg/{__version__}" in USER_AGENT
    assert schema_errors(record) == []
    # The same URL again is the same article: merged, not a second document; only the
    # snapshot's retrieval time is new.
    [again] = ingest([f"{server}/old/lawyers"], corpus)
    assert again.id == "lawyers" and again.status in ("unchanged", "updated")
    assert set(again.updated_fields) <= {"snapshot"}
    assert sorted(p.name for p in (corpus / "documents").iterdir()) == ["lawyers.json"]


def test_page_in_a_declared_legacy_encoding(corpus: Path, server: str) -> None:
    [result] = ingest([f"{server}/cp1251"], corpus)
    assert result.extraction.record["headline"] == "В Вильнюсе прошел форум российской эмиграции"
    assert "форум" in result.text.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/report.pdf", "not an HTML page (Content-Type application/pdf)"),
        ("/gone", "HTTP 404"),
        ("/loop", "too many redirects"),
    ],
)
def test_unusable_urls_are_refused_clearly(corpus: Path, server: str, path: str, message: str) -> None:
    before = sorted(corpus.rglob("*"))
    result = CliRunner().invoke(cli, ["ingest", f"{server}{path}", "--into", str(corpus)])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert sorted(corpus.rglob("*")) == before


def test_unreachable_url(corpus: Path, server: str) -> None:
    port = server.rsplit(":", 1)[1]
    with pytest.raises(IngestError, match="cannot fetch it"):
        ingest([f"http://127.0.0.1:{int(port) + 1 if int(port) < 65535 else 1}/x"], corpus)


def test_json_output_lists_fields_sources_and_missing(corpus: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(PAGES / "ru-tass-dateline.txt"), "--into", str(corpus), "--json"]
    )
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.output)
    assert item["status"] == "new" and item["id"] == "ru-tass-dateline"
    assert item["missing"] == ["authors", "url"]
    assert item["sources"]["publisher"] == "line 9 (the dateline)"
    assert item["record"]["publisher"] == "tass"
    assert [Path(p).name for p in item["records"]] == ["tass.json"]


def test_batch_goes_on_past_articles_ingested_before(corpus: Path) -> None:
    first = ingest([PAGES / "en-title-suffix.txt"], corpus)
    assert [r.status for r in first] == ["new"]
    both = ingest([PAGES / "en-title-suffix.txt", PAGES / "en-by-site.txt"], corpus)
    assert [r.status for r in both] == ["unchanged", "new"]


def test_shared_publisher_is_one_record(corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "second.txt"
    other.write_text(
        (PAGES / "en-title-suffix.txt").read_text(encoding="utf-8").replace("Tour Europe", "Tour Asia")
        .replace("exiled-musicians-tour-europe", "exiled-musicians-tour-asia"),
        encoding="utf-8",
    )  # fmt: skip
    a, b = ingest([PAGES / "en-title-suffix.txt", other], corpus)
    assert a.extraction.record["publisher"] == b.extraction.record["publisher"] == "spektr.press"
    assert [p.name for p in a.records] == ["spektr.press.json"] and b.records == ()
    a.document.unlink()
    assert validate(read_corpus(corpus)).ok


def test_a_jsonl_record_holding_u2028_does_not_break_ingest(corpus: Path) -> None:
    # U+2028 is a line break to str.splitlines but not to JSON Lines: the record is one line.
    line = json.dumps({"kind": "Person", "id": "en-by-site", "name": "A\u2028B"}, ensure_ascii=False)
    (corpus / "records" / "people.jsonl").write_text(line + "\n", encoding="utf-8")
    assert validate(read_corpus(corpus)).ok
    [result] = ingest([PAGES / "en-by-site.txt"], corpus)
    assert result.id == "en-by-site-2"  # the id the JSON Lines record holds is taken


def test_validate_warns_on_boilerplate_headline_and_placeholder_date(corpus: Path) -> None:
    [result] = ingest([PAGES / "en-epoch-placeholder.txt"], corpus)
    assert any("placeholder" in note for note in result.notes)
    record = json.loads(result.document.read_text(encoding="utf-8"))
    record.update(headline="Skip to content", datePublished="1970-01-01")
    record["publisher"] = {"kind": "Organization", "id": "other", "name": "Other", "type": "media",
                           "url": "https://other.example/"}  # fmt: skip
    result.document.write_text(json.dumps(record), encoding="utf-8")
    report = validate(read_corpus(corpus))
    assert report.ok  # warnings never fail validation
    messages = [w.message for w in report.warnings]
    assert any("looks like page furniture" in m for m in messages)
    assert any("placeholder" in m for m in messages)
    assert any("is not the site of the document's URL" in m for m in messages)
    printed = CliRunner().invoke(cli, ["validate", str(corpus)])
    assert printed.exit_code == 0 and "warning:" in printed.output


@pytest.mark.parametrize("headline", ["logo", "World", "1. Skip to content", "#Политика", "Exile Insider"])
def test_boilerplate_headlines_are_warned_about(corpus: Path, headline: str) -> None:
    [result] = ingest([PAGES / "en-author-organization.html"], corpus)
    record = json.loads(result.document.read_text(encoding="utf-8"))
    record["headline"] = headline
    result.document.write_text(json.dumps(record), encoding="utf-8")
    report = validate(read_corpus(corpus))
    assert report.ok
    assert [w.location.pointer for w in report.warnings] == ["/headline"]
