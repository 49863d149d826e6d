"""Where an article comes from: its URL, and the outlet that published it.

The URL is read from a labelled line ("Original url:", "Source:", "Источник:", "Quelle:"), a bare
URL line at the top or the bottom of the text, or a canonical link. The publisher is the URL's
site, named by whatever the page says that plainly is that site (a site name, a ``<title>``
suffix, a masthead, a copyright line); without a URL, a wire agency's dateline (``/TASS/``,
``(AP)``), a masthead or a copyright line names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from exilekg.ingest.text import clean, compact, entity_id, next_nonblank, nonblank

__all__ = [
    "URL",
    "Found",
    "clean_url",
    "copyright_holder",
    "dateline_agency",
    "disclaimer_name",
    "find_url",
    "is_masthead",
    "publisher_record",
    "same_site",
    "site_label",
    "split_title",
]

URL = re.compile(r"https?://[^\s<>\"{}|\\^`\[\]]+", re.I)
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`\u0000-\u001f]+$")
URL_LABEL = re.compile(
    r"^(?:original\s+url|original\s+link|original|source\s+url|source|url|canonical(?:\s+url)?|link|"
    r"read (?:it|more|the original) (?:at|on)|источник|оригинал|ссылка|quelle|originalartikel|"
    r"lien|lien original|джерело|посилання)\s*:\s*(?P<rest>.*)$",
    re.I,
)
COPYRIGHT = re.compile(r"^(?:(?:copyright|©|\(c\))\s*)+", re.I)
_SOCIAL = re.compile(
    r"(?:^|\.)(?:t\.me|twitter\.com|x\.com|facebook\.com|instagram\.com|vk\.com|ok\.ru|youtube\.com|"
    r"youtu\.be|tiktok\.com|linkedin\.com|wa\.me|telegram\.me|patreon\.com|paypal\.com)$"
)
_FILLER = frozenset({"the", "and", "der", "die", "das", "les", "des"})
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "gv", "in"})


@dataclass(frozen=True)
class Found:
    """A value and where in the text it was found."""

    value: str
    source: str


def clean_url(text: str) -> str | None:
    match = URL.search(text)
    if match is None:
        return None
    url = match.group(0).rstrip(".,;:!?'’”»*")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    try:
        return url if _IRI.match(url) and urlsplit(url).hostname else None
    except ValueError:  # an IPv6 address cut short, a port out of range
        return None


def _is_article_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if _SOCIAL.search(host) or re.search(r"\.(?:jpe?g|png|gif|webp|svg|pdf|mp3|mp4)$", parts.path, re.I):
        return False
    return len(parts.path.strip("/")) > 0


def find_url(text: str, lines: Sequence[str]) -> Found | None:
    """The article's own URL: a labelled line, a bare URL line at the top or bottom, a canonical link."""
    return _labelled_url(lines) or _bare_url(lines) or _canonical_url(text)


def _labelled_url(lines: Sequence[str]) -> Found | None:
    """A URL after a label ("Source: ..."), on the label's line or on one of the next three."""
    for index, line in enumerate(lines):
        match = URL_LABEL.match(clean(line)) if line.strip() else None
        if match is None:
            continue
        found = clean_url(line[line.find(":") + 1 :]) if match.group("rest") else None
        if found is None and not match.group("rest").strip():
            following = next_nonblank(lines, index)
            if following is not None and following - index <= 3:
                found = clean_url(lines[following])
        if found:
            return Found(found, f"line {index + 1} ({clean(line).split(':')[0]!r} label)")
    return None


def _bare_url(lines: Sequence[str]) -> Found | None:
    """An article's URL alone on one of the first or last four lines."""
    indices = list(nonblank(lines))
    for where, chosen in (("top", indices[:4]), ("bottom", indices[-4:][::-1])):
        for index in chosen:
            bare = clean(lines[index]).strip("<>()[] ")
            if URL.fullmatch(bare) and (url := clean_url(bare)) and _is_article_url(url):
                return Found(url, f"line {index + 1} (a bare URL at the {where})")
    return None


def _canonical_url(text: str) -> Found | None:
    canonical = re.search(
        r"<link\b(?=[^>]*\brel=[\"']canonical[\"'])[^>]*\bhref=[\"']([^\"']+)[\"']", text, re.IGNORECASE
    )
    if canonical and (url := clean_url(canonical.group(1))):
        return Found(url, "a <link rel=canonical> in the text")
    return None


# --------------------------------------------------------------------------- names of sites


def site_label(url: str) -> str:
    """The distinctive label of a URL's host: ``bbc`` for www.bbc.co.uk, ``spektr`` for spektr.press."""
    labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def same_site(name: str, url: str) -> bool:
    """Whether ``name`` plainly names the site of ``url`` ("The Moscow Times" and themoscowtimes.com)."""
    named = compact(re.sub(r"^(?:the|die|der|le|la|les)\s+", "", name, flags=re.I))
    host = compact((urlsplit(url).hostname or "").removeprefix("www."))
    label = compact(site_label(url))
    if not named or not label:
        return False
    if named in host or (len(label) >= 3 and label in named) or named == label:
        return True
    # "The Baltic Exile Courier" and balticcourier.example: most of its words are in the host.
    words = [compact(w) for w in re.findall(r"\w{3,}", name) if w.casefold() not in _FILLER]
    inside = [w for w in words if w in host]
    return len(words) >= 2 and len(inside) >= 2 and len(inside) * 2 >= len(words)


def split_title(title: str, sites: Iterable[str] = (), *, loose: bool = False) -> tuple[str, str | None]:
    """``title`` without a suffix naming the site ("Headline | Spektr"), and that suffix.

    The suffix is dropped when it names one of ``sites`` (names or URLs); with ``loose`` (a
    page's ``<title>``), also when it is short and set off by ``|``, ``::``, `` - `` or `` — ``.
    """
    known = list(sites)
    for separator in (" | ", " :: ", " — ", " – ", " - ", " · ", " / "):
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        tail = tail.strip()
        if not head.strip() or not tail:
            continue
        names_site = any(
            (
                same_site(tail, s)
                if "://" in s
                else compact(s) == compact(tail) or same_site(s, f"https://{tail}")
            )
            for s in known
        )
        short = len(tail.split()) <= 4 and len(tail) <= 40 and len(head.split()) >= 3
        if names_site or (short and (loose or separator in (" | ", " :: "))):
            inner, site = split_title(head.strip(), known, loose=loose)
            return inner, site or tail
    return title, None


_MASTHEAD_WORDS = re.compile(
    r"\b(?:times|post|gazette|media|journal|press|daily|weekly|review|herald|tribune|radio|tv|"
    r"service|agency|monitor|magazine|газета|агентство|медиа|журнал|zeitung|"
    r"rundschau|presse|правда|вісті)\b|\.[a-z]{2,6}$",
    re.IGNORECASE,
)


def is_masthead(text: str, sites: Iterable[str] = ()) -> bool:
    """A short line that is an outlet's name: it names a known site, or reads like a masthead."""
    if len(text) > 50 or len(text.split()) > 5 or re.search(r"[.!?:]\s|[!?]$", text):
        return False
    for site in sites:
        if ("://" in site and same_site(text, site)) or (
            "://" not in site and compact(site) == compact(text)
        ):
            return True
    words = text.split()
    if 2 <= len(words) <= 4 and sum(c.isalpha() for c in text) >= 4 and text == text.upper():
        return True  # a name set in capitals: "THE EXILE BRIEF"
    return 2 <= len(words) <= 3 and _MASTHEAD_WORDS.search(text) is not None and text[:1].isupper()


# --------------------------------------------------------------------------- named in the text

_DATELINE = (
    # MOSCOW, March 3 /TASS/. ; Москва. 3 марта. /ТАСС/. Группа
    re.compile(r"^[A-ZА-ЯЁІЇЄ][\w .,'’-]{1,60}?\s*/(?P<agency>[^\W\d_][\w .&-]{1,24}?)/\s*[.:,—–-]\s*\S"),
    # KYIV (Reuters) - ; BERLIN (AP) — ; BERLIN (dpa) -
    re.compile(r"^[A-ZА-ЯЁІЇЄ][\w .,'’-]{1,60}?\s*\((?P<agency>[^\W\d_][\w .&-]{1,24}?)\)\s*[.—–-]\s*\S"),
    # МОСКВА, 14 окт — РИА Новости. ; BERLIN, 3. März - dpa -
    re.compile(
        r"^[A-ZА-ЯЁІЇЄ][A-ZА-ЯЁІЇЄ .-]{2,30}(?:,\s*[^—–-]{1,25})?\s+[—–-]\s+(?P<agency>[\w][\w .&-]{1,24}?)"
        r"\s*(?:[—–-]\s+|\.\s+)\S"
    ),
)


def dateline_agency(lines: Sequence[str], start: int = 0) -> Found | None:
    """The agency of a dateline opening the article's first paragraph: ``/TASS/``, ``(AP)``."""
    for index in list(nonblank(lines, start))[:20]:
        text = clean(lines[index])
        if len(text) < 60:
            continue  # the dateline opens a paragraph
        for form in _DATELINE:
            match = form.match(text)
            if match and not re.fullmatch(r"\d+|photo|фото|video|видео", match["agency"], re.I):
                agency = match["agency"].strip()
                if not agency[:1].isalpha():
                    continue
                return Found(agency, f"line {index + 1} (the dateline)")
        return None
    return None


def copyright_holder(lines: Sequence[str]) -> Found | None:
    """The holder named in the last copyright line that has a year ("© 2025 by X", "(c) X 2024")."""
    holder: Found | None = None
    for index, line in enumerate(lines):
        text = clean(line)
        rest = COPYRIGHT.sub("", text, count=1)
        if rest == text:
            continue
        match = re.match(
            r"(?P<year>\d{4})(?:\s*[-–]\s*\d{4})?,?\s+(?:by\s+)?(?P<holder>.+)", rest, re.I
        ) or re.match(r"(?P<holder>[^/]+?),?\s+(?P<year>\d{4})(?:[.\s]+all rights reserved\.?)?$", rest, re.I)
        if match is None:
            continue
        name = re.split(
            r"\.\s|\s[|·]\s|,?\s+(?:all rights reserved|все права защищены|alle rechte vorbehalten|"
            r"tous droits réservés|усі права захищені)",
            match.group("holder"),
            flags=re.I,
        )[0]
        name = name.strip(" .,")
        if name:
            holder = Found(name, f"line {index + 1} (copyright)")
    return holder


def disclaimer_name(lines: Sequence[str]) -> Found | None:
    """The outlet in "... do not necessarily reflect the position of X"."""
    for index, line in enumerate(lines):
        match = re.search(
            r"\b(?:reflect|represent)s?\s+(?:the\s+)?(?:position|views?|opinions?|editorial\s+\w+|stance)\s+of\s+"
            r"(?P<name>[^.]+?)\s*\.?$",
            clean(line),
            re.I,
        )
        if match:
            return Found(match.group("name"), f"line {index + 1} (disclaimer)")
    return None


def publisher_record(
    url: str | None, names: Sequence[Found], notes: list[str], *, trusted: Sequence[Found] = ()
) -> tuple[dict[str, Any], str] | None:
    """The publisher's Organization record and where its name came from, or None.

    ``names`` are the outlet names the page gives, most trusted first. With a URL the
    publisher is its site, named by the first of them that plainly is that site (else by
    the first of ``trusted``, the site names a page declares, else by its host); without one,
    by the first name.
    """
    names = [*trusted, *names]
    if url is None:
        if not names:
            return None
        first = names[0]
        record = {"kind": "Organization", "id": entity_id(first.value, "organization"), "name": first.value}
        return {**record, "type": "media"}, first.source
    parts = urlsplit(url)
    host = parts.hostname or ""
    bare = host.removeprefix("www.")
    name, source = bare, "the URL's host"
    for candidate in names:
        if same_site(candidate.value, url):
            name, source = candidate.value, f"{candidate.source}, matching the URL's site"
            break
    else:
        if trusted:
            name, source = trusted[0].value, trusted[0].source
        for candidate in names[len(trusted) :]:
            notes.append(f"{candidate.value!r} ({candidate.source}) is not the URL's site ({bare}); not used")
    record = {"kind": "Organization", "id": entity_id(bare, "organization"), "name": name, "type": "media"}
    return {**record, "url": f"{parts.scheme.lower()}://{host}/"}, source
