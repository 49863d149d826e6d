"""Saved web pages: the main text (by trafilatura) and what the page's markup says about it.

The markup is read first, each value with the tag it came from: schema.org JSON-LD
(``NewsArticle``, ``Article``, ``BlogPosting`` ..., inside ``@graph`` too), OpenGraph and
``article:*`` properties, the ``author``/``date`` meta names that content systems write,
``<link rel=canonical>``, ``<html lang>``, ``<title>`` and figures with their captions.
What the markup leaves open, trafilatura's own metadata (its date comes from htmldate) fills
in, and what it still leaves open is drafted from the extracted text like any plain article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from exilekg.ingest.bylines import names_of
from exilekg.ingest.credits import PHOTO
from exilekg.ingest.dates import DateSignal, parse_date
from exilekg.ingest.draft import PageMeta
from exilekg.ingest.sites import Found, clean_url, copyright_holder, split_title
from exilekg.ingest.text import clean

__all__ = ["Page", "decode_html", "read_page"]

_ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
     "scholarlyarticle", "socialmediaposting", "report", "techarticle"}
)  # fmt: skip
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "citation_author",
    "parsely-author",
    "sailthru.author",
)
_DATE_META = (
    ("article:published_time", 85),
    ("og:published_time", 84),
    ("datepublished", 82),
    ("citation_publication_date", 80),
    ("dc.date.issued", 80),
    ("dc.date", 78),
    ("parsely-pub-date", 78),
    ("sailthru.date", 76),
    ("pubdate", 76),
    ("publish-date", 76),
    ("date", 70),
)
_CREDIT_CLASS = r"credit|copyright|author|source|photographer"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """A page read: its main text, what its markup says, and the encoding it was read in."""

    text: str
    meta: PageMeta
    encoding: str


def decode_html(raw: bytes, declared: str | None = None) -> tuple[str, str]:
    """The page as text and the encoding used: the declared one, the page's ``<meta charset>``,
    UTF-8, or charset-normalizer's best guess, in that order."""
    sniffed = _CHARSET.search(raw[:4096])
    for name in (declared, sniffed.group(1).decode("ascii") if sniffed else None, "utf-8"):
        if not name:
            continue
        try:
            return raw.decode(name), name.lower()
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        return raw.decode("utf-8", "replace"), "utf-8"
    return str(best), best.encoding


def read_page(raw: bytes, *, url: str | None = None, encoding: str | None = None) -> Page:
    """The main text of the page ``raw`` and its metadata; ``url`` is where it was fetched from."""
    html, used = decode_html(raw, encoding)
    meta = PageMeta()
    text = ""
    # lxml refuses a str that still declares its encoding; the bytes already were decoded.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        tree = lxml.html.document_fromstring(markup) if markup.strip() else None
    except (etree.ParserError, ValueError):
        tree = None
    if tree is not None:
        _read_markup(tree, meta)
    text = _main_text(markup, url, meta)
    if url and not meta.urls:
        meta.urls.append(Found(url, "the address the page was fetched from"))
    return Page(text, meta, used)


def _read_markup(tree: Any, meta: PageMeta) -> None:
    for item in _json_ld(tree):
        _from_json_ld(item, meta)
    properties = _meta_tags(tree)
    _from_meta_tags(properties, meta)
    canonical = tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    if canonical and (found := clean_url(str(canonical[0]))):
        meta.urls.insert(0, Found(found, "<link rel=canonical>"))
    if (og_url := properties.get("og:url")) and (found := clean_url(og_url[0])):
        meta.urls.append(Found(found, '<meta property="og:url">'))
    lang = tree.xpath("/html/@lang") or tree.xpath("/html/@xml:lang")
    if lang and re.match(r"[a-zA-Z]{2,3}\b", str(lang[0])):
        meta.languages.append(Found(str(lang[0])[:2].lower(), "<html lang>"))
    if (locale := properties.get("og:locale")) and re.match(r"[a-zA-Z]{2,3}\b", locale[0]):
        meta.languages.append(Found(locale[0][:2].lower(), '<meta property="og:locale">'))
    title = tree.findtext(".//title")
    if title and title.strip():
        meta.title = " ".join(title.split())
    _titles(properties, meta)
    _figures(tree, meta)
    notices = tree.xpath("//body//text()[contains(., '©') or contains(., 'opyright') or contains(., '(c)')]")
    meta.copyright = copyright_holder([" ".join(str(t).split()) for t in notices])
    if meta.copyright is not None:
        meta.copyright = Found(meta.copyright.value, "the page's copyright line")


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """Every article object of the page's JSON-LD blocks (a ``@graph`` is looked into)."""
    for script in tree.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)
            types = item.get("@type")
            names = {str(t).casefold() for t in (types if isinstance(types, list) else [types])}
            if names & _ARTICLE_TYPES:
                yield item


def _text_of(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _from_json_ld(item: dict[str, Any], meta: PageMeta) -> None:
    kind = _text_of(item.get("@type")) or "Article"
    where = f"JSON-LD {kind}"
    if headline := _text_of(item.get("headline")) or _text_of(item.get("name")):
        meta.headlines.append(Found(headline, f"{where}.headline"))
    if subtitle := _text_of(item.get("alternativeHeadline")):
        meta.subtitles.append(Found(subtitle, f"{where}.alternativeHeadline"))
    _json_ld_authors(item.get("author"), meta, where)
    published = _text_of(item.get("datePublished"))
    if published and (found := parse_date(published)):
        meta.dates.append(DateSignal(found, f"{where}.datePublished", 90))
    if publisher := _text_of(item.get("publisher")):
        meta.site_names.append(Found(publisher, f"{where}.publisher"))
    _json_ld_urls(item, meta, where)
    if language := _text_of(item.get("inLanguage")):
        meta.languages.append(Found(language[:2].lower(), f"{where}.inLanguage"))
    _json_ld_images(item.get("image"), meta)


def _json_ld_authors(authors: Any, meta: PageMeta, where: str) -> None:
    """A JSON-LD item's authors: people's names, and organisations as the site's names."""
    people: list[str] = []
    for author in authors if isinstance(authors, list) else [authors]:
        name = _text_of(author)
        is_org = isinstance(author, dict) and str(author.get("@type", "")).casefold() == "organization"
        if name and is_org:
            meta.site_names.append(Found(name, f"{where}.author (an Organization)"))
        elif name:
            people.extend(names_of(name) or ())
    if people:
        meta.authors.append((tuple(people), f"{where}.author"))


def _json_ld_urls(item: dict[str, Any], meta: PageMeta, where: str) -> None:
    for key in ("url", "mainEntityOfPage"):
        value = item.get(key)
        value = value.get("@id") or value.get("url") if isinstance(value, dict) else value
        if isinstance(value, str) and (found := clean_url(value)) and found == value.strip():
            meta.urls.append(Found(found, f"{where}.{key}"))


def _json_ld_images(image: Any, meta: PageMeta) -> None:
    for picture in image if isinstance(image, list) else [image]:
        if isinstance(picture, dict):
            credit = next(
                filter(None, (_text_of(picture.get(k)) for k in ("creditText", "copyrightHolder", "author"))),
                None,
            )
            _add_image(meta, _text_of(picture.get("caption")), credit)


def _meta_tags(tree: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in tree.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().casefold(), []).append(" ".join(content.split()))
    return found


def _from_meta_tags(properties: dict[str, list[str]], meta: PageMeta) -> None:
    for key, rank in _DATE_META:
        for value in properties.get(key, [])[:1]:
            if found := parse_date(value):
                meta.dates.append(DateSignal(found, f'<meta {_attribute(key)}="{key}">', rank))
    for key in _AUTHOR_META:
        values = [v for v in properties.get(key, []) if not clean_url(v)]
        people = [name for value in values for name in (names_of(value) or ())]
        if people:
            meta.authors.append((tuple(dict.fromkeys(people)), f'<meta {_attribute(key)}="{key}">'))
    for key in ("og:site_name", "application-name", "publisher", "dc.publisher", "citation_publisher"):
        for value in properties.get(key, [])[:1]:
            meta.site_names.append(Found(value, f'<meta {_attribute(key)}="{key}">'))


def _attribute(key: str) -> str:
    return "property" if ":" in key and not key.startswith("dc.") else "name"


def _titles(properties: dict[str, list[str]], meta: PageMeta) -> None:
    sites = [s.value for s in meta.site_names]
    for key in ("og:title", "twitter:title"):
        for value in properties.get(key, [])[:1]:
            title, site = split_title(value, sites)
            meta.headlines.append(Found(title, f'<meta {_attribute(key)}="{key}">'))
            if site:
                meta.site_names.append(Found(site, f'<meta {_attribute(key)}="{key}"> (its suffix)'))
    if meta.title:
        title, site = split_title(meta.title, sites, loose=True)
        source = "<title>" + (f" (without the site's name {site!r})" if site else "")
        meta.headlines.append(Found(title, source))
        if site:
            meta.site_names.append(Found(site, "<title> (its suffix)"))


def _figures(tree: Any, meta: PageMeta) -> None:
    for figure in tree.iter("figure"):
        caption_element = figure.find(".//figcaption")
        if caption_element is None:
            continue
        caption, credit = _caption_and_credit(caption_element)
        if caption and credit is None and (photo := PHOTO.match(caption)):
            caption, credit = photo.group("caption"), photo.group("credit")
        credit = re.sub(
            r"^(?:photo|foto|фото|image|credit|bild)\s*[:©]\s*|^©\s*", "", credit or "", flags=re.I
        )
        _add_image(meta, caption, credit or None)


def _caption_and_credit(caption_element: Any) -> tuple[str | None, str | None]:
    """A figcaption's text and its credit (an element with a credit-like class), told apart."""
    credit_parts = [
        " ".join(e.text_content().split())
        for e in caption_element.iter()
        if re.search(_CREDIT_CLASS, str(e.get("class", "")), re.I)
    ]
    credits = [
        e for e in caption_element.iter()
        if e is not caption_element and re.search(_CREDIT_CLASS, str(e.get("class", "")), re.I)
    ]  # fmt: skip
    for element in credits:
        element.drop_tree()
    caption = " ".join(caption_element.text_content().split()) or None
    return caption, credit_parts[0] if credit_parts else None


def _add_image(meta: PageMeta, caption: str | None, credit: str | None) -> None:
    image = {key: clean(value) for key, value in (("caption", caption), ("credit", credit)) if value}
    if image.get("credit") or image.get("caption"):
        meta.images.append(image)


def _main_text(html: str, url: str | None, meta: PageMeta) -> str:
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        return ""
    text = str(getattr(document, "text", "") or "")
    _extracted_metadata(document, meta)
    # trafilatura ends paragraphs with one newline; a blank line between them reads as in a plain text.
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip()) + "\n" if text else ""


def _extracted_metadata(document: Any, meta: PageMeta) -> None:
    """What trafilatura found of the title, byline, date and site name, as signals of ``meta``."""
    title = getattr(document, "title", None)
    if isinstance(title, str) and title.strip():
        at = next((i for i, h in enumerate(meta.headlines) if h.source.startswith("<title>")), None)
        found = Found(" ".join(title.split()), "the page's main heading (trafilatura)")
        meta.headlines.insert(len(meta.headlines) if at is None else at, found)
    author = getattr(document, "author", None)
    if isinstance(author, str) and (people := names_of(author.replace(";", ","))):
        meta.authors.append((people, "the page's byline (trafilatura)"))
    found_date = getattr(document, "date", None)
    if isinstance(found_date, str) and (value := parse_date(found_date)):
        meta.dates.append(DateSignal(value, "the page's dates (htmldate)", 55))
    site = getattr(document, "sitename", None)
    if isinstance(site, str) and site.strip() and not meta.site_names and "." not in site:
        meta.site_names.append(Found(site.strip(), "the page's site name (trafilatura)"))
