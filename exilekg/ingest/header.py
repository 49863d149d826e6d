"""Drafting a document record from an article's text (and, for a saved page, its markup).

The header fields come from the top of the text: its first :data:`HEADER_LINES` non-empty
lines, up to the first paragraph-length line, so that a date or a name in the body is never
taken for the article's. What a page's markup states (:class:`PageMeta`) is trusted first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from exilekg.ingest.bylines import Byline, is_marker_only, is_person_name, marked_byline, unmarked_byline
from exilekg.ingest.credits import PHOTO, citations, images, unique_images
from exilekg.ingest.dates import DateSignal, date_line, find_date, is_revision, settle, url_date
from exilekg.ingest.draft import DOCUMENT_KEYS, EXPECTED_FIELDS, Extraction, PageMeta
from exilekg.ingest.sites import (
    COPYRIGHT,
    URL,
    URL_LABEL,
    Found,
    copyright_holder,
    dateline_agency,
    disclaimer_name,
    find_url,
    is_masthead,
    publisher_record,
    same_site,
    split_title,
)
from exilekg.ingest.text import (
    clean,
    count_words,
    detect_language,
    entity_id,
    header_zone,
    is_boilerplate,
    next_nonblank,
    nonblank,
    slugify,
)

__all__ = ["extract", "extract_text", "is_metadata"]

_MAX_HEADLINE = 250
_HANDLE = re.compile(r"@[A-Za-z0-9_.]{3,40}")
"""A channel's or an account's handle, under its name in a pasted post."""
_AUTHOR_NOTE = re.compile(
    r"^(?P<name>[^,.:;]{5,60}?)\s+(?:is|est|ist|является|є|—|–)\s+(?:an?\s+|the\s+|une?\s+|eine?r?\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:journalist|reporter|writer|author|editor|researcher|professor|fellow|analyst|"
    r"historian|political scientist|lecturer|chercheu|journaliste|écrivain|professeur|politologue|"
    r"forscher|journalist|autor|politikwissenschaftler|журналист|исследовател|писател|политолог|"
    r"профессор|редактор|журналіст|дослідни|письменни|політолог|редактор)\w*",
    re.IGNORECASE,
)
"""An op-ed's closing note on its author: "Sophie Martin est chercheuse ...", "Jane Doe is a ..."."""
_CREDIT_TAIL = re.compile(
    r"(?:/|\bvia\s+|\b)(?:getty images|reuters|afp|ap photo|ap|epa(?:-efe)?|tass|ria novosti|"
    r"shutterstock|imago|dpa|sipa|anadolu|ap images|риа новости|тасс|фото)\)?$",
    re.IGNORECASE,
)


def is_metadata(line: str) -> bool:
    """A line about the article rather than of it: byline, date, credit, URL, copyright, boilerplate."""
    text = clean(line)
    return (
        is_boilerplate(line)
        or date_line(line) is not None
        or marked_byline(line) is not None
        or is_marker_only(line)
        or PHOTO.match(text) is not None
        or URL_LABEL.match(text) is not None
        or COPYRIGHT.match(text) is not None
        or URL.fullmatch(text.strip("<>")) is not None
        or (len(text.split()) <= 8 and "." not in text[:-1] and _CREDIT_TAIL.search(text) is not None)
        or is_revision(text)
        or (_is_meta_row(line) and find_date(text) is not None)
        or _HANDLE.fullmatch(text) is not None
    )


@dataclass
class _Draft:
    """What is being drafted: the lines, the notes so far and where each field came from."""

    lines: list[str]
    zone: list[int]
    language: str | None
    page: PageMeta
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    outlets: list[Found] = field(default_factory=list)
    """Outlet names the text gives (a title's suffix, a byline's outlet), most trusted first."""

    def sites(self, url: str | None) -> list[str]:
        """Names and the URL of the site, to tell its name from a title or an author."""
        return [s.value for s in (*self.page.site_names, *self.outlets)] + ([url] if url else [])

    def line(self, index: int) -> str:
        return f"line {index + 1}"


# --------------------------------------------------------------------------- headline


def _headline_line(draft: _Draft, sites: Sequence[str]) -> int | None:
    """The index of the title: a ``# `` heading near the top, else the first title-like line."""
    lines = draft.lines
    top = list(nonblank(lines))
    for index in top[:15]:
        if re.match(r"#\s+\S", lines[index].strip()):
            return index
    for position, index in enumerate(top):
        text = clean(lines[index])
        if not text or is_metadata(lines[index]) or position > 80:
            continue
        if len(text) > _MAX_HEADLINE:
            draft.notes.append("the first line of text is paragraph-length, not a title; no headline taken")
            return None
        if _is_furniture(draft, index, text, sites):
            continue
        return index
    return None


def _is_furniture(draft: _Draft, index: int, text: str, sites: Sequence[str]) -> bool:
    """A masthead, a section label or a caption above the title: short lines the title follows."""
    lines = draft.lines
    following = next_nonblank(lines, index)
    if following is None:
        return False
    if following == index + 1 and PHOTO.match(clean(lines[following])):
        return True  # a caption: its credit comes straight after it
    if not (is_masthead(text, sites) or _is_short(text)):
        return False
    # Past other short lines (a menu, labels) and metadata, a title must follow.
    for below in list(nonblank(lines, following))[:60]:
        raw = lines[below]
        caption = below + 1 < len(lines) and PHOTO.match(clean(lines[below + 1])) is not None
        if is_metadata(raw) or caption or (_is_short(clean(raw)) and not _styled(raw)):
            continue
        return _is_title_like(raw)
    return False


def _is_short(text: str) -> bool:
    """A label rather than a title: one to three words, not a sentence."""
    return len(text.split()) <= 3 and not text.endswith((".", "?", "!", ":"))


def _styled(raw: str) -> bool:
    return re.match(r"\s*(?:#|[*_]\S)", raw) is not None


def _is_title_like(raw: str) -> bool:
    text = clean(raw)
    words = len(text.split())
    return 4 <= words <= 30 and len(text) <= _MAX_HEADLINE and not text.endswith(".") and not _styled(raw)


def _headline(draft: _Draft, url: str | None) -> tuple[int | None, str | None]:
    """The title's line (if it is a line of the text) and the title."""
    sites = draft.sites(url)
    page = draft.page
    if page.headlines:
        chosen = page.headlines[0]
        title, _ = split_title(chosen.value, sites)
        draft.sources["headline"] = chosen.source
        index = next((i for i in draft.zone if clean(draft.lines[i]) == title), None)
        return index, title
    index = _headline_line(draft, sites)
    if index is None:
        return None, None
    text = clean(draft.lines[index])
    title, site = split_title(text, sites)
    draft.sources["headline"] = draft.line(index)
    if site:
        draft.sources["headline"] += f" (without the site's name {site!r})"
        draft.outlets.append(Found(site, f"{draft.line(index)} (the title's suffix)"))
    if title.endswith(".") and len(title.split()) > 12:
        draft.notes.append("the headline reads like a sentence (a standfirst?); check it")
    return index, title


def _subtitle_line(lines: Sequence[str], head: int) -> int | None:
    """The index of a subtitle: a ``##`` heading or italic line under the title, or a short line
    directly followed by the byline or date."""
    following = next_nonblank(lines, head)
    if following is None:
        return None
    raw = lines[following].strip()
    text = clean(raw)
    if not text or is_metadata(raw) or len(text) > 200 or len(text.split()) > 30:
        return None
    if lines[head].strip().startswith("# ") and raw.startswith("## "):
        return following
    if re.fullmatch(r"([*_])[^*_].*[^*_]\1", raw):
        return following
    after = next_nonblank(lines, following)
    if after is None:
        return None
    if marked_byline(lines[after]) is not None or is_marker_only(lines[after]):
        return following
    # A bare name over a date is the author line, not a subtitle.
    if date_line(lines[after]) is not None and not is_person_name(text) and unmarked_byline(raw) is None:
        return following
    return None


# --------------------------------------------------------------------------- authors


def _marked(draft: _Draft, sites: Sequence[str]) -> tuple[Byline, int] | None:
    lines = draft.lines
    for index in draft.zone:
        byline = marked_byline(lines[index])
        if byline is None and is_marker_only(lines[index]):
            following = next_nonblank(lines, index)
            byline = unmarked_byline(lines[following]) if following is not None else None
        if byline is None:
            continue
        if byline.names:
            return byline, index
        if byline.outlet and any(_names_site(byline.outlet, s) for s in sites):
            draft.outlets.append(Found(byline.outlet, f"{draft.line(index)} ('by' the site)"))
    return None


def _names_site(name: str, site: str) -> bool:
    from exilekg.ingest.text import compact

    return same_site(name, site) if "://" in site else compact(name) == compact(site)


def _unmarked(draft: _Draft, after: int | None) -> tuple[Byline, int] | None:
    """A line of names under the title, beside a date line or ending with an outlet's name."""
    lines = draft.lines
    zone = [i for i in draft.zone if after is None or i > after]
    for position, index in enumerate(zone):
        byline = unmarked_byline(lines[index])
        if byline is None or not byline.names or len(byline.names) > 6:
            continue
        if _beside_date(draft, index) or byline.outlet or (position == 0 and _before_body(lines, index)):
            return byline, index
    return None


def _beside_date(draft: _Draft, index: int) -> bool:
    """Whether the line before or after line ``index`` is a date line."""
    lines = draft.lines
    neighbours = [i for i in (_previous_nonblank(lines, index), next_nonblank(lines, index)) if i is not None]
    return any(date_line(lines[i], language=draft.language) for i in neighbours)


def _before_body(lines: Sequence[str], index: int) -> bool:
    """Whether the line after line ``index`` is a paragraph of the body (over 150 characters)."""
    following = next_nonblank(lines, index)
    return following is not None and len(lines[following].strip()) > 150


def _previous_nonblank(lines: Sequence[str], index: int) -> int | None:
    return next((i for i in range(index - 1, -1, -1) if lines[i].strip()), None)


def _authors(draft: _Draft, after: int | None, url: str | None) -> tuple[list[str], int | None]:
    sites = draft.sites(url)
    if draft.page.authors:
        names, source = draft.page.authors[0]
        people = [n for n in names if not any(_names_site(n, s) for s in sites)]
        if people:
            draft.sources["authors"] = source
            return people, None
    found = _marked(draft, sites) or _unmarked(draft, after)
    if found is None:
        return _author_note(draft), None
    byline, index = found
    authors = [n for n in byline.names if not any(_names_site(n, s) for s in sites)]
    if byline.outlet:
        draft.outlets.append(Found(byline.outlet, f"{draft.line(index)} (the byline's outlet)"))
    if authors:
        draft.sources["authors"] = draft.line(index)
    return authors, index


def _author_note(draft: _Draft) -> list[str]:
    """The author named by a note at the end of the text, when no byline names one."""
    indices = list(nonblank(draft.lines))
    for index in indices[4:][-4:]:
        text = clean(draft.lines[index])
        match = _AUTHOR_NOTE.match(text) if len(text) <= 250 else None
        if match and is_person_name(match["name"]):
            draft.sources["authors"] = f"{draft.line(index)} (the note on the author at the end)"
            return [match["name"]]
    return []


# --------------------------------------------------------------------------- date


def _date_signals(draft: _Draft, head: int | None, byline: int | None, base: date | None) -> list[DateSignal]:
    lines = draft.lines
    signals: list[DateSignal] = []
    for index in draft.zone:
        found = date_line(lines[index], language=draft.language, base=base)
        rank = 50 if head is None or index > head else 30  # a date over the title may be a "today" banner
        if found is None and (index == byline or _is_meta_row(lines[index])):
            found = find_date(clean(lines[index]), language=draft.language)
            rank -= 5
        if found:
            signals.append(DateSignal(found, draft.line(index), rank))
    tail = list(nonblank(lines))[-6:]
    for index in tail:
        if index in draft.zone:
            continue
        text = clean(lines[index])
        if re.match(r"(?:published|опубликовано|veröffentlicht|publié|опубліковано)\b", text, re.I):
            found = date_line(text, language=draft.language)
            if found:
                signals.append(DateSignal(found, f"{draft.line(index)} (at the end)", 40))
    return signals


def _is_meta_row(line: str) -> bool:
    """A row of short items set apart ("Jane Doe · 5 min read · Mar 3, 2024"), not a sentence."""
    parts = [p for p in re.split(r"\s[|·•—–]\s|,\s", clean(line)) if p.strip()]
    return len(parts) >= 2 and len(line) <= 120 and all(len(p.split()) <= 5 for p in parts)


def _date(draft: _Draft, head: int | None, byline: int | None, url: str | None) -> str | None:
    signals = list(draft.page.dates)
    in_url = url_date(url) if url else None
    if in_url:
        signals.append(DateSignal(in_url, "the URL's path", 20))
    base = max((s.day for s in signals), default=None)
    signals.extend(_date_signals(draft, head, byline, base))
    chosen = settle(signals, draft.notes)
    if chosen is None:
        return None
    draft.sources["datePublished"] = chosen.source
    if chosen.source == "the URL's path":
        draft.notes.append("the date was read from the URL")
    return chosen.value


# --------------------------------------------------------------------------- url and publisher


def _url(draft: _Draft, text: str) -> str | None:
    found = draft.page.urls[0] if draft.page.urls else find_url(text, draft.lines)
    if found is None:
        return None
    draft.sources["url"] = found.source
    return found.value


def _publisher(draft: _Draft, url: str | None, head: int | None) -> dict[str, Any] | None:
    lines = draft.lines
    names = list(draft.outlets)
    sites = draft.sites(url)
    for index in draft.zone:
        if head is not None and index >= head:
            break
        text = clean(lines[index])
        following = next_nonblank(lines, index)
        handle = following is not None and _HANDLE.fullmatch(clean(lines[following])) is not None
        if not is_metadata(lines[index]) and (is_masthead(text, sites) or handle):
            names.append(Found(text, f"{draft.line(index)} (the masthead)"))
    start = head + 1 if head is not None else 0
    for found in (dateline_agency(lines, start), copyright_holder(lines) or draft.page.copyright,
                  disclaimer_name(lines)):  # fmt: skip
        if found is not None:
            names.append(found)
    result = publisher_record(url, names, draft.notes, trusted=draft.page.site_names)
    if result is None:
        return None
    record, source = result
    draft.sources["publisher"] = source
    return record


# --------------------------------------------------------------------------- the draft


def extract(text: str, *, file_name: str | None = None) -> Extraction:
    """Draft the document record of the article ``text``, stored as ``file_name`` in the texts folder.

    Never raises: what cannot be found is left out and listed in ``missing``. A draft
    without a headline (an empty text, or one whose first line is a whole paragraph)
    is not yet valid against the document schema.
    """
    return extract_text(text, file_name=file_name)


def extract_text(
    text: str,
    *,
    file_name: str | None = None,
    document_id: str | None = None,
    page: PageMeta | None = None,
) -> Extraction:
    """:func:`extract`, with the record's id given and what a page's markup says."""
    body = text
    notes: list[str] = []
    if body.startswith("\ufeff"):
        body = body[1:]
        notes.append(
            "the text starts with a byte-order mark, ignored when reading (the stored copy keeps it)"
        )
    lines = body.splitlines()
    page = page or PageMeta()
    language, language_source = _language(body, page)
    draft = _Draft(lines, header_zone(lines), language, page, notes)
    if language_source is not None:
        draft.sources["language"] = language_source
    url = _url(draft, body)
    head, headline = _headline(draft, url)
    if head is not None and head not in draft.zone[:4]:
        # A page copied whole puts its menus first: the header is around the title, wherever it is.
        draft.zone = _zone_around(lines, head)
    subtitle = _subtitle_line(lines, head) if head is not None else None
    alternative = _alternative(draft, subtitle, headline)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if document_id is None:
        document_id = _document_id(file_name, headline, digest)
    names, byline = _authors(draft, subtitle if subtitle is not None else head, url)
    fields: dict[str, Any] = {
        "id": document_id,
        "headline": headline,
        "alternativeHeadline": alternative,
        "authors": _unique_people(names) or None,
        "datePublished": _date(draft, head, byline, url),
        "publisher": _publisher(draft, url, head),
        "url": url,
        "language": language,
        "text": _text_name(file_name),
        "sha256": digest,
        "wordCount": count_words(body),
        "citations": citations(lines, document_id) or None,
        "images": unique_images([*page.images, *images(lines, head, is_metadata)]) or None,
        "snapshot": None,
    }
    return _extraction(fields, draft)


def _extraction(fields: dict[str, Any], draft: _Draft) -> Extraction:
    """The record of the fields found (in the schema's order), what is missing, and the sources."""
    record = {key: fields[key] for key in DOCUMENT_KEYS if fields.get(key) is not None}
    missing = tuple(name for name in EXPECTED_FIELDS if name not in record)
    sources = {key: draft.sources[key] for key in DOCUMENT_KEYS if key in draft.sources and key in record}
    return Extraction(record, missing, tuple(draft.notes), sources)


def _zone_around(lines: list[str], head: int) -> list[int]:
    above = [i for i in nonblank(lines) if i < head][-4:]
    return above + header_zone(lines, start=head)


def _language(body: str, page: PageMeta) -> tuple[str | None, str | None]:
    """The language the page's markup declares, else the one its words give, and where it came from."""
    if page.languages:
        return page.languages[0].value, page.languages[0].source
    language = detect_language(body)
    return language, "the text's words (stopwords and script)" if language else None


def _alternative(draft: _Draft, subtitle: int | None, headline: str | None) -> str | None:
    """The subtitle (its line below the headline, else the page's markup), unless it repeats the headline."""
    alternative = clean(draft.lines[subtitle]) if subtitle is not None else None
    page = draft.page
    if page.subtitles and alternative is None:
        alternative = page.subtitles[0].value
        draft.sources["alternativeHeadline"] = page.subtitles[0].source
    elif alternative:
        draft.sources["alternativeHeadline"] = draft.line(subtitle or 0)
    return None if alternative == headline else alternative


def _document_id(file_name: str | None, headline: str | None, digest: str) -> str:
    """The record id: from the file's name, else the headline, else the text's digest."""
    stem = Path(file_name).stem if file_name else ""
    return slugify(stem) or (slugify(headline) if headline else None) or f"document-{digest[:12]}"


def _unique_people(names: Sequence[str]) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for name in names:
        person = {"kind": "Person", "id": entity_id(name, "person"), "name": name}
        people.setdefault(person["id"], person)
    return list(people.values())


def _text_name(file_name: str | None) -> str | None:
    name = Path(file_name).name if file_name else ""
    return name if re.fullmatch(r"[^/\\\x00]+", name) else None
