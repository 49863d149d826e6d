"""Drafting document records from plain-text articles.

:func:`extract` reads one article and drafts its document record (see
``schemas/document.schema.json``) from what the text itself says: the headline and
a subtitle, the byline, the publication date, the original URL, the publisher, the
cited works, image credits, the language and the word count. Nothing is guessed:
a field the text does not state is left out and named in ``missing``.
:func:`ingest` writes such drafts into a corpus folder beside a byte-for-byte copy
of each text, so that a curator only has to review and complete them.

Rules worth knowing when reading a draft:

* Only the top of the article (its first :data:`HEADER_LINES` non-empty lines, up
  to the first paragraph-length line) is searched for the byline and the date, so
  a date mentioned in the body is never taken for the publication date. A date in
  the article URL's path (``/2024/01/02/``) is used when the top has none.
* ``wordCount`` is the number of ``\\w+`` runs (Unicode letters, digits and ``_``)
  in the whole stored text, markup and URLs included: crude, but reproducible by
  anyone with one regular expression.
* ``language`` comes from script and stopwords (see :func:`detect_language`).
* Inline records get ids from their names (``Alexander Finiarel`` becomes
  ``alexander-finiarel``; a publisher seen only as a URL is named by its host), and
  citations get ``<document id>.ref-<n>``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from exilekg.atomic import write_bytes
from exilekg.errors import CorpusError, IngestError

__all__ = [
    "EXPECTED_FIELDS",
    "HEADER_LINES",
    "Extraction",
    "IngestResult",
    "StoredRecord",
    "corpus_records",
    "count_words",
    "detect_language",
    "extract",
    "ingest",
    "slugify",
]

HEADER_LINES = 12
"""How many non-empty lines at the top of an article may hold its byline and date."""

EXPECTED_FIELDS = ("headline", "authors", "datePublished", "publisher", "url", "language")
"""Fields every article should have; those not found are listed in :attr:`Extraction.missing`."""

_MAX_HEADLINE = 250
_MAX_DOCUMENT_ID = 100  # leaves room for the ".ref-<n>" of citation ids within the schema's 128
_DOCUMENT_KEYS = (
    "id",
    "headline",
    "alternativeHeadline",
    "authors",
    "datePublished",
    "publisher",
    "url",
    "language",
    "text",
    "sha256",
    "wordCount",
    "citations",
    "images",
)
_INLINE_KINDS = {"authors": "Person", "publisher": "Organization", "citations": "CreativeWork"}


@dataclass(frozen=True)
class Extraction:
    """A draft document record, the expected fields it lacks, and remarks for the curator."""

    record: dict[str, Any]
    missing: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def id(self) -> str:
        return str(self.record["id"])


# --------------------------------------------------------------------------- text helpers

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
        "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    }
)  # fmt: skip


def slugify(value: str, max_length: int = _MAX_DOCUMENT_ID) -> str | None:
    """A record id made of ``value``: ASCII lowercase, Cyrillic transliterated; None if nothing is left."""
    text = unicodedata.normalize("NFKD", value.casefold().translate(_CYRILLIC))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9._]+", "-", text.encode("ascii", "ignore").decode("ascii"))
    text = re.sub(r"-{2,}", "-", text).strip("-._")[:max_length].rstrip("-._")
    return text or None


def count_words(text: str) -> int:
    """The number of ``\\w+`` runs in ``text``."""
    return len(re.findall(r"\w+", text))


_STOPWORDS = {
    "en": "the and of to is that with for was are this have from which were been has their they not but "
    "will would its it be an or by on at as",
    "de": "der die das und ist nicht mit sich auf dem den ein eine auch wird sind wurde für von aus bei "
    "nach über wie oder im zum zur des",
    "fr": "le les des est et une dans pour qui sur pas par au aux du avec sont ce cette ont mais plus été "
    "leur ses",
    "es": "el los las del y es por con para se lo su como más pero fue está muy sus",
    "it": "il di che è della per non sono gli nel alla delle anche questo più dei",
    "nl": "het een van en dat niet zijn voor ook worden naar wordt maar deze bij",
    "pl": "nie się jest że jak ale są przez który która oraz także dla od",
    "pt": "os da do das dos não em um para mais foi ao pelo pela também são",
    "ru": "и в не на что как это по но из от для он она они же так уже бы был была были его ее их "
    "также только",
    "uk": "і та що як це від для але він вона вони вже був була були його її їх також тільки",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_CYRILLIC_LANGUAGES = ("ru", "uk")


def detect_language(text: str, *, min_hits: int = 3) -> str | None:
    """The text's language as a BCP 47 tag, or None when the evidence is too thin.

    The heuristic: a text mostly in Cyrillic letters is ``ru`` unless Ukrainian
    stopwords outnumber Russian ones. Otherwise each candidate language (en, de,
    fr, es, it, nl, pl, pt) scores one point per word of the text that is among its
    own few dozen most common function words; the best score wins if it is at least
    ``min_hits`` and strictly ahead of the runner-up.
    """
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isalpha() and c < "\u0250")
    words = re.findall(r"\w+", text.casefold())
    if cyrillic > latin:
        scores = {lang: sum(w in _STOPWORD_SETS[lang] for w in words) for lang in _CYRILLIC_LANGUAGES}
        return "uk" if scores["uk"] > scores["ru"] else "ru"
    ranked = sorted(
        ((sum(w in words_set for w in words), lang) for lang, words_set in _STOPWORD_SETS.items()
         if lang not in _CYRILLIC_LANGUAGES),
        reverse=True,
    )  # fmt: skip
    (best, lang), (second, _) = ranked[0], ranked[1]
    return lang if best >= min_hits and best > second else None


def _clean(line: str) -> str:
    """A line without Markdown decoration: heading marks, emphasis, link targets."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    text = re.sub(r"^\s*(?:#{1,6}|>)\s+", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"^[*_]+(?=\S)|(?<=\S)[*_]+$", "", text.strip())
    return text.strip()


# --------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier januar январь января",
        "february feb febr février fevrier februar февраль февраля",
        "march mar mars märz maerz март марта",
        "april apr avril апрель апреля",
        "may mai май мая",
        "june jun juin juni июнь июня",
        "july jul juillet juli июль июля",
        "august aug août aout август августа",
        "september sep sept septembre сентябрь сентября",
        "october oct octobre oktober okt октябрь октября",
        "november nov novembre ноябрь ноября",
        "december dec décembre decembre dezember dez декабрь декабря",
    ),
    1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DATE_FORMS = (
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"),
    re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})"),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"),
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th|er)?\.?\s+" + _MONTH + r",?\s+(?P<year>\d{4})(?:\s*г\.?|\s+года)?"
    ),
)
_DATE_PREFIX = re.compile(
    r"^(?:(?:published|posted|date|dated|publication date|veröffentlicht|publié|опубликовано)"
    r"(?:\s+(?:on|am|le))?\s*:?\s*)?"
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)"
    r"\.?,?\s+)?",
    re.IGNORECASE,
)
_TIME_SUFFIX = re.compile(
    r"(?:\s*[,|·•–—-]\s*|\s+)(?:at\s+|um\s+|à\s+|в\s+)?\d{1,2}[:h]\d{2}\b.*$", re.IGNORECASE
)


def _iso(year: str, month: int | None, day: str) -> str | None:
    if month is None:
        return None
    try:
        found = date(int(year), month, int(day))
    except ValueError:
        return None
    return found.isoformat() if 1900 <= found.year <= 2100 else None


def _match_date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month = _MONTHS.get(groups["month"].casefold()) if groups.get("month") else int(groups["mon"])
    return _iso(groups["year"], month, groups["day"])


def _parse_date(text: str) -> str | None:
    """The ISO form of ``text`` when all of it is one date (a trailing time is allowed)."""
    text = _TIME_SUFFIX.sub("", text.strip()).strip(" .,")
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            return _match_date(match)
    return None


def _date_line(line: str) -> str | None:
    """The date of a line that states only a publication date, such as "Published 2 May 2024"."""
    text = _clean(line)
    if re.match(r"(?:updated|last updated|modified|обновлено|aktualisiert|mis à jour)\b", text, re.I):
        return None  # a revision date is not the publication date
    return _parse_date(_DATE_PREFIX.sub("", text, count=1))


def _find_date(text: str) -> str | None:
    """The first date anywhere in ``text`` (used only inside a byline)."""
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            found = _match_date(match)
            if found:
                return found
    return None


def _url_date(url: str) -> str | None:
    match = re.search(r"/(\d{4})(?:/(\d{2})/|-(\d{2})-)(\d{2})(?=/|$|[-_.?#])", urlsplit(url).path)
    if match is None:
        return None
    return _iso(match.group(1), int(match.group(2) or match.group(3)), match.group(4))


# --------------------------------------------------------------------------- line kinds

_BOILERPLATE = frozenset(
    {
        "published", "updated", "close", "menu", "search", "share", "share this article", "top of page",
        "bottom of page", "back to top", "introduction", "skip to content", "skip to main content",
        "advertisement", "leave a comment", "comments", "print", "subscribe", "sign in", "log in",
        "home", "listen", "listen to this article", "related", "related articles", "read more", "loading",
        "more news",
    }
)  # fmt: skip
_READING_TIME = re.compile(
    r"(?:reading time|read time|время чтения)\s*:?\s*\d+\s*\w*|\d+\s*min(?:ute)?s?\s+read", re.I
)
_IMAGE_FILE = re.compile(r"[^\s/\\]+\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|avif|heic)", re.I)
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`\[\]]+", re.I)
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`\u0000-\u001f]+$")
_URL_LABEL = re.compile(
    r"^(?:original\s+url|original\s+link|original|source\s+url|source|url|canonical(?:\s+url)?|link"
    r"|источник|quelle)\s*:\s*(?P<rest>.*)$",
    re.I,
)
_COPYRIGHT = re.compile(r"^(?:(?:copyright|©|\(c\))\s*)+", re.I)
_LICENSE = (
    r"CC[ -]?(?:BY|0|PDM)(?:[ -](?:SA|NC|ND))*(?:[ -]\d\.\d)?(?:\s+[A-Z]{2,5})?"
    r"|CC0(?:\s*1\.0)?|[Pp]ublic [Dd]omain"
)
_PHOTO = re.compile(
    r"^(?:(?P<caption>.{0,300}?[.!?])\s+)?\(?"
    r"(?:photo(?:graph)?(?:\s+credit)?|image|picture|illustration|credit|foto|фото)"
    r"(?:\s*:\s*|\s+by\s+)(?P<credit>.{1,120}?)\)?$",
    re.I,
)


def _is_boilerplate(line: str) -> bool:
    text = _clean(line)
    return (
        text.casefold().strip(" :.…") in _BOILERPLATE
        or _READING_TIME.fullmatch(text) is not None
        or _IMAGE_FILE.fullmatch(text) is not None
    )


def _is_metadata(line: str) -> bool:
    """A line about the article rather than of it: byline, date, credit, URL, copyright, boilerplate."""
    text = _clean(line)
    return (
        _is_boilerplate(line)
        or _date_line(line) is not None
        or _byline(line) is not None
        or _PHOTO.match(text) is not None
        or _URL_LABEL.match(text) is not None
        or _COPYRIGHT.match(text) is not None
        or _URL.fullmatch(text.strip("<>")) is not None
    )


def _nonblank(lines: Sequence[str], start: int = 0) -> Iterator[int]:
    return (i for i in range(start, len(lines)) if lines[i].strip())


def _next_nonblank(lines: Sequence[str], index: int) -> int | None:
    return next(_nonblank(lines, index + 1), None)


def _header_zone(lines: Sequence[str]) -> list[int]:
    """Indices of the lines at the top that may hold metadata: until the first paragraph-length line."""
    zone: list[int] = []
    for index in _nonblank(lines):
        if len(zone) >= HEADER_LINES or len(lines[index].strip()) > 300:
            break
        zone.append(index)
    return zone


# --------------------------------------------------------------------------- headline


def _headline(lines: Sequence[str], notes: list[str]) -> int | None:
    """The index of the title: a ``# `` heading near the top, else the first line that is not metadata."""
    top = list(_nonblank(lines))[:15]
    for index in top:
        if re.match(r"#\s+\S", lines[index].strip()):
            return index
    for index in _nonblank(lines):
        if _is_metadata(lines[index]):
            continue
        text = _clean(lines[index])
        if not text:
            continue
        if len(text) > _MAX_HEADLINE:
            notes.append("the first line of text is paragraph-length, not a title; no headline taken")
            return None
        return index
    return None


def _alternative_headline(lines: Sequence[str], head: int) -> int | None:
    """The index of a subtitle: a ``##`` heading or italic line under the title, or a short line
    directly followed by the byline or date."""
    following = _next_nonblank(lines, head)
    if following is None:
        return None
    raw = lines[following].strip()
    text = _clean(raw)
    if not text or _is_metadata(raw) or len(text) > 200 or len(text.split()) > 30:
        return None
    if lines[head].strip().startswith("# ") and raw.startswith("## "):
        return following
    if re.fullmatch(r"([*_])[^*_].*[^*_]\1", raw):
        return following
    after = _next_nonblank(lines, following)
    if after is None:
        return None
    if _byline(lines[after]) is not None:
        return following
    # A bare name over a date is the author line, not a subtitle.
    if _date_line(lines[after]) is not None and not _is_person_name(text):
        return following
    return None


# --------------------------------------------------------------------------- authors

_PARTICLES = frozenset(
    {"ul", "al", "el", "bin", "ibn", "de", "del", "della", "der", "den", "di", "du", "da", "dos", "van",
     "von", "la", "le", "ten", "ter", "zu", "y"}
)  # fmt: skip
_BYLINE = re.compile(
    r"^(?:by|written by|words by|text by|authors?\s*:|von|par|автор(?:ы)?\s*:?|текст\s*:)\s+(?P<names>.+)$",
    re.I,
)
_SEPARATORS = re.compile(r"\s+[|·•—–]\s+|\s*\|\s*")


def _is_person_name(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 6 or len(text) > 60 or re.search(r"\d", text):
        return False
    if not (tokens[0][0].isupper() and tokens[-1][0].isupper()):
        return False
    return all(
        re.fullmatch(r"[^\W\d_][\w.'’-]*", t) is not None and (t[0].isupper() or t in _PARTICLES)
        for t in tokens
    )


def _byline(line: str) -> list[str] | None:
    """The author names of a "By ..." line, or None when it is not one."""
    first = _SEPARATORS.split(_clean(line))[0]
    match = _BYLINE.match(first)
    if match is None:
        return None
    names = match.group("names").strip(" .")
    parts = re.split(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\bи\b)\s*", names)
    found = [p.strip() for p in parts if _is_person_name(p.strip())]
    return found or None


def _authors(
    lines: Sequence[str], zone: Sequence[int], after_title: int | None
) -> tuple[list[str], int | None]:
    """Author names and the index of the line they were on."""
    for index in zone:
        names = _byline(lines[index])
        if names:
            return names, index
    # No "By": a bare name counts only where a date line follows it straight under the title.
    if after_title is not None:
        candidate = _next_nonblank(lines, after_title)
        if candidate is not None and candidate in zone and _is_person_name(_clean(lines[candidate])):
            following = _next_nonblank(lines, candidate)
            if following is not None and _date_line(lines[following]) is not None:
                return [_clean(lines[candidate])], candidate
    return [], None


def _entity_id(name: str, kind: str) -> str:
    # A name with no Latin or Cyrillic letters leaves no slug; a digest keeps such ids distinct.
    return slugify(name) or f"{kind}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def _person(name: str) -> dict[str, Any]:
    return {"kind": "Person", "id": _entity_id(name, "person"), "name": name}


# --------------------------------------------------------------------------- date, url, publisher


def _date_published(
    lines: Sequence[str], zone: Sequence[int], byline_index: int | None, url: str | None, notes: list[str]
) -> str | None:
    stated: str | None = None
    for index in zone:
        stated = _date_line(lines[index])
        if stated is None and index == byline_index:
            stated = _find_date(lines[index])
        if stated:
            break
    in_url = _url_date(url) if url else None
    if stated and in_url and stated != in_url:
        notes.append(f"the date line says {stated} but the URL says {in_url}; the date line was used")
    if stated is None and in_url:
        notes.append("the date was read from the URL")
    return stated or in_url


def _clean_url(text: str) -> str | None:
    match = _URL.search(text)
    if match is None:
        return None
    url = match.group(0).rstrip(".,;:!?'’”»*")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url if _IRI.match(url) and urlsplit(url).hostname else None


def _url(text: str, lines: Sequence[str]) -> str | None:
    """The article's own URL: from an "Original url:"/"Source:"/"URL:" line or a canonical link."""
    for index, line in enumerate(lines):
        match = _URL_LABEL.match(_clean(line)) if line.strip() else None
        if match is None:
            continue
        found = _clean_url(line[line.find(":") + 1 :]) if match.group("rest") else None
        if found is None and not match.group("rest").strip():
            following = _next_nonblank(lines, index)
            if following is not None and following - index <= 3:
                found = _clean_url(lines[following])
        if found:
            return found
    canonical = re.search(
        r"<link\b(?=[^>]*\brel=[\"']canonical[\"'])[^>]*\bhref=[\"']([^\"']+)[\"']", text, re.IGNORECASE
    )
    return _clean_url(canonical.group(1)) if canonical else None


def _copyright_holder(lines: Sequence[str]) -> str | None:
    """The holder named in the last copyright line that has a year ("© 2025 by X", "(c) X 2024")."""
    holder: str | None = None
    for line in lines:
        text = _clean(line)
        rest = _COPYRIGHT.sub("", text, count=1)
        if rest == text:
            continue
        match = re.match(
            r"(?P<year>\d{4})(?:\s*[-–]\s*\d{4})?,?\s+(?:by\s+)?(?P<holder>.+)", rest, re.I
        ) or re.match(r"(?P<holder>[^/]+?),?\s+(?P<year>\d{4})(?:[.\s]+all rights reserved\.?)?$", rest, re.I)
        if match is None:
            continue
        name = re.split(r"\.\s|\s[|·]\s|,?\s+all rights reserved", match.group("holder"), flags=re.I)[0]
        name = name.strip(" .,")
        if name:
            holder = name
    return holder


def _disclaimer_name(lines: Sequence[str]) -> str | None:
    """The outlet in "... do not necessarily reflect the position of X"."""
    for line in lines:
        match = re.search(
            r"\b(?:reflect|represent)s?\s+(?:the\s+)?(?:position|views?|opinions?|editorial\s+\w+|stance)\s+of\s+"
            r"(?P<name>[^.]+?)\s*\.?$",
            _clean(line),
            re.I,
        )
        if match:
            return match.group("name")
    return None


def _compact(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if c.isalnum())


def _publisher(lines: Sequence[str], url: str | None, notes: list[str]) -> dict[str, Any] | None:
    holder = _copyright_holder(lines)
    if url is None:
        if holder is None:
            return None
        return {
            "kind": "Organization",
            "id": _entity_id(holder, "organization"),
            "name": holder,
            "type": "media",
        }
    parts = urlsplit(url)
    host = parts.hostname or ""
    bare = host.removeprefix("www.")
    name = bare
    for candidate in (holder, _disclaimer_name(lines)):
        # A name found in the text is used only when it is plainly the URL's own site.
        if candidate and _compact(re.sub(r"^the\s+", "", candidate, flags=re.I)) in _compact(bare):
            name = candidate
            break
    else:
        if holder:
            notes.append(
                f"the copyright holder {holder!r} is not the URL's site ({bare}); the URL's site was used"
            )
    return {
        "kind": "Organization",
        "id": _entity_id(bare, "organization"),
        "name": name,
        "type": "media",
        "url": f"{parts.scheme.lower()}://{host}/",
    }


# --------------------------------------------------------------------------- citations

_NOTE_ITEM = re.compile(
    r"^(?:\[(?P<a>\d{1,3})\]|\^(?P<b>\d{1,3})|(?P<c>\d{1,3})[.)]|(?P<d>[¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*(?P<body>\S.*)$"
)
_SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
_REFERENCE_HEADINGS = frozenset(
    {
        "references", "sources", "notes", "footnotes", "endnotes", "bibliography", "further reading", "links",
        "источники", "примечания", "ссылки", "литература", "quellen", "anmerkungen", "einzelnachweise",
        "literatur", "références", "notes et références",
    }
)  # fmt: skip


class _Note(NamedTuple):
    number: int
    body: str
    marked: bool  # "[1]", "^1" or a superscript: unambiguously a footnote, unlike "1." which may be a list


def _note_item(line: str) -> _Note | None:
    match = _NOTE_ITEM.match(line.strip())
    if match is None:
        return None
    digits = (
        match.group("a") or match.group("b") or match.group("c") or match.group("d").translate(_SUPERSCRIPTS)
    )
    return _Note(int(digits), match.group("body").strip(), match.group("c") is None)


def _note_runs(lines: Sequence[str]) -> Iterator[list[_Note]]:
    """Runs of consecutive numbered items (blank lines between allowed)."""
    run: list[_Note] = []
    for index in _nonblank(lines):
        item = _note_item(lines[index])
        if item is not None and item.number == len(run) + 1:
            run.append(item)
            continue
        if run:
            yield run
        run = [item] if item is not None and item.number == 1 else []
    if run:
        yield run


def _reference_list(lines: Sequence[str]) -> list[str]:
    """Bodies of items under a "References"/"Sources"/"Notes" heading: bullets, or lines with a URL."""
    items: list[str] = []
    heading = False
    for index in _nonblank(lines):
        text = _clean(lines[index])
        if text.casefold().strip(" :") in _REFERENCE_HEADINGS:
            heading = True
            continue
        if not heading:
            continue
        bullet = re.match(r"^[-*•]\s+(\S.*)$", lines[index].strip())
        if bullet or (_URL.search(text) and _note_item(lines[index]) is None):
            items.append(bullet.group(1) if bullet else lines[index].strip())
        elif _note_item(lines[index]) is None:
            heading = False  # prose again: the list is over
    return items


def _cited_work(body: str, work_id: str) -> dict[str, Any] | None:
    url = _clean_url(body)
    title = re.search(r"[“\"«„]([^”\"»“]{3,300}?)[.,]?[”\"»“]", body)
    if title:
        name = title.group(1).strip()
    else:
        name = _clean(_URL.sub("", body)).strip(" .,;:–—-") if url else _clean(body).strip(" .,;")
        name = name or url or ""
    if not name:
        return None
    work: dict[str, Any] = {"kind": "CreativeWork", "id": work_id, "name": name}
    work["type"] = "article" if title else "other"
    if url:
        work["url"] = url
    year = re.search(r"\((?:[^()]*\s)?(\d{4})\)", body)
    published = _url_date(url) if url else None
    if published or year:
        work["datePublished"] = published or (year.group(1) if year else None)
    return work


def _citations(lines: Sequence[str], document_id: str) -> list[dict[str, Any]]:
    bodies: list[str] = []
    for run in _note_runs(lines):
        with_url = sum(1 for note in run if _URL.search(note.body))
        # "1." items are an ordinary list unless URLs make them a reference list.
        if all(note.marked for note in run) or with_url * 2 >= len(run):
            bodies.extend(note.body for note in run)
    bodies.extend(_reference_list(lines))
    works: list[dict[str, Any]] = []
    for body in bodies:
        work = _cited_work(body, f"{document_id}.ref-{len(works) + 1}")
        if work is not None:
            works.append(work)
    return works


# --------------------------------------------------------------------------- images


def _split_license(credit: str) -> tuple[str, str | None]:
    match = re.search(r"\s*[(,/]\s*(" + _LICENSE + r")\s*\)?\s*$", credit)
    if match is None:
        return credit, None
    return credit[: match.start()].strip(" ,/"), match.group(1)


def _image(caption: str | None, credit: str | None, license_: str | None = None) -> dict[str, Any]:
    image: dict[str, Any] = {}
    if caption:
        image["caption"] = caption
    if credit:
        image["credit"] = credit
    if license_:
        image["license"] = license_
    return image


def _caption_above(lines: Sequence[str], index: int, headline: int | None) -> str | None:
    """The line right above a credit (no blank line between) when it can be a caption."""
    if index == 0 or not lines[index - 1].strip() or index - 1 == headline:
        return None
    above = lines[index - 1]
    text = _clean(above)
    if _is_metadata(above) or len(text) > 300:
        return None
    return text or None


def _credit_line(lines: Sequence[str], index: int, headline: int | None) -> dict[str, Any] | None:
    raw = lines[index].strip()
    text = _clean(raw)
    bold = re.match(
        r"^(?P<caption>.*?)\s*\*\*(?P<credit>[^*]+?)\s*\((?P<license>" + _LICENSE + r")\)\s*\*\*$", raw
    )
    if bold:
        return _image(
            _clean(bold.group("caption")) or None, bold.group("credit").strip(), bold.group("license")
        )
    photo = _PHOTO.match(text)
    if photo:
        credit, license_ = _split_license(photo.group("credit").strip(" *_"))
        caption = photo.group("caption") or _caption_above(lines, index, headline)
        return _image(caption, credit, license_) if credit else None
    if _COPYRIGHT.match(text) and _copyright_holder([raw]) is None:
        credit, license_ = _split_license(_COPYRIGHT.sub("", text, count=1).strip())
        return _image(_caption_above(lines, index, headline), credit, license_) if credit else None
    inline = re.match(r"^(?P<caption>.{1,300}?[.!?])\s+©\s*(?P<credit>[^©\d][^©]{0,120})$", text)
    if inline:
        credit, license_ = _split_license(inline.group("credit").strip())
        return _image(inline.group("caption"), credit, license_)
    licensed = re.match(
        r"^(?:(?P<caption>.*[.!?])\s+)?(?P<credit>[^.!?()]{2,80}?)\s*\((?P<license>" + _LICENSE + r")\)$",
        text,
    )
    if licensed:
        return _image(licensed.group("caption"), licensed.group("credit").strip(), licensed.group("license"))
    return None


def _images(lines: Sequence[str], headline: int | None) -> list[dict[str, Any]]:
    images: list[dict[str, Any]] = []
    for index in _nonblank(lines):
        image = _credit_line(lines, index, headline)
        if image is None:
            for alt, target in re.findall(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)", lines[index]):
                url = _clean_url(target)
                image = _image(_clean(alt) or None, None)
                if url:
                    image["url"] = url
                if image:
                    images.append(image)
            continue
        images.append(image)
    return images


# --------------------------------------------------------------------------- extract


def extract(text: str, *, file_name: str | None = None) -> Extraction:
    """Draft the document record of the article ``text``, stored as ``file_name`` in the texts folder.

    Never raises: what cannot be found is left out and listed in ``missing``. A draft
    without a headline (an empty text, or one whose first line is a whole paragraph)
    is not yet valid against the document schema.
    """
    return _extract(text, file_name, None)


def _extract(text: str, file_name: str | None, document_id: str | None) -> Extraction:
    notes: list[str] = []
    body = text
    if body.startswith("\ufeff"):
        body = body[1:]
        notes.append(
            "the text starts with a byte-order mark, ignored when reading (the stored copy keeps it)"
        )
    lines = body.splitlines()
    zone = _header_zone(lines)
    head = _headline(lines, notes)
    headline = _clean(lines[head]) if head is not None else None
    if headline and headline.endswith(".") and len(headline.split()) > 12:
        notes.append("the headline reads like a sentence (a standfirst?); check it")
    subtitle = _alternative_headline(lines, head) if head is not None else None
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if document_id is None:
        stem = Path(file_name).stem if file_name else ""
        document_id = slugify(stem) or (slugify(headline) if headline else None) or f"document-{digest[:12]}"
    names, byline_index = _authors(lines, zone, subtitle if subtitle is not None else head)
    url = _url(body, lines)
    fields: dict[str, Any] = {
        "id": document_id,
        "headline": headline,
        "alternativeHeadline": _clean(lines[subtitle]) if subtitle is not None else None,
        "authors": _unique_people(names) or None,
        "datePublished": _date_published(lines, zone, byline_index, url, notes),
        "publisher": _publisher(lines, url, notes),
        "url": url,
        "language": detect_language(body),
        "text": _text_name(file_name),
        "sha256": digest,
        "wordCount": count_words(body),
        "citations": _citations(lines, document_id) or None,
        "images": _images(lines, head) or None,
    }
    record = {key: fields[key] for key in _DOCUMENT_KEYS if fields[key] is not None}
    missing = tuple(name for name in EXPECTED_FIELDS if name not in record)
    return Extraction(record, missing, tuple(notes))


def _unique_people(names: Sequence[str]) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for name in names:
        person = _person(name)
        people.setdefault(person["id"], person)
    return list(people.values())


def _text_name(file_name: str | None) -> str | None:
    name = Path(file_name).name if file_name else ""
    return name if re.fullmatch(r"[^/\\\x00]+", name) else None


# --------------------------------------------------------------------------- corpus scanning


class StoredRecord(NamedTuple):
    """A record of a corpus folder: its file, its data, its kind and whether it sits inside a document."""

    path: Path
    data: dict[str, Any]
    kind: str
    inline: bool


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise CorpusError("the file is not valid UTF-8", path=path, hint="save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"malformed JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint="fix the JSON syntax",
        ) from None


def corpus_records(corpus_dir: Path) -> Iterator[StoredRecord]:
    """Every record of ``corpus_dir``: documents, records written inline in them, and records/*.json(l)."""
    for path in sorted((corpus_dir / "documents").glob("*.json")):
        document = _load_json(path)
        if not isinstance(document, dict):
            continue
        yield StoredRecord(path, document, "Document", False)
        for field, kind in _INLINE_KINDS.items():
            value = document.get(field)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    yield StoredRecord(path, item, kind, True)
    for path in sorted((corpus_dir / "records").glob("*.json*")):
        if path.suffix == ".json":
            content = _load_json(path)
            items = content if isinstance(content, list) else [content]
        elif path.suffix == ".jsonl":
            items = [_jsonl_item(path, number, line) for number, line in _jsonl_lines(path)]
        else:
            continue
        for item in items:
            if isinstance(item, dict):
                yield StoredRecord(path, item, str(item.get("kind", "")), False)


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}", path=path) from None
    except UnicodeDecodeError:
        raise CorpusError("the file is not valid UTF-8", path=path, hint="save it as UTF-8") from None
    return ((n, line) for n, line in enumerate(content.splitlines(), 1) if line.strip())


def _jsonl_item(path: Path, number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"malformed JSON: {exc.msg}", path=path, line=number, column=exc.colno,
            hint="each line of a .jsonl file holds one complete JSON object",
        ) from None  # fmt: skip


# --------------------------------------------------------------------------- ingest


@dataclass(frozen=True)
class IngestResult:
    """One article ingested: where it came from, the record and text written, and the draft itself."""

    source: Path
    document: Path
    text: Path
    extraction: Extraction

    @property
    def id(self) -> str:
        return self.extraction.id

    @property
    def missing(self) -> tuple[str, ...]:
        return self.extraction.missing

    @property
    def notes(self) -> tuple[str, ...]:
        return self.extraction.notes


@dataclass
class _Ids:
    """Ids in use in the corpus (and planned in this run): their kinds, the files defining them, and
    which document owns which text file name."""

    kinds: dict[str, str]
    files: dict[str, set[Path]]
    documents: dict[str, Path]
    text_owner: dict[str, str]

    @classmethod
    def scan(cls, corpus_dir: Path) -> _Ids:
        ids = cls({}, {}, {}, {})
        for stored in corpus_records(corpus_dir):
            rid = stored.data.get("id")
            if not isinstance(rid, str):
                continue
            ids.claim(rid, stored.kind, stored.path)
            if stored.kind == "Document":
                ids.documents[rid] = stored.path
                if isinstance(stored.data.get("text"), str):
                    ids.text_owner.setdefault(stored.data["text"], rid)
        return ids

    def claim(self, rid: str, kind: str, path: Path) -> None:
        self.kinds.setdefault(rid, kind)
        self.files.setdefault(rid, set()).add(path)

    def release(self, path: Path) -> None:
        """Forget the ids only ``path`` defines: its record is about to be replaced."""
        for rid in [rid for rid, files in self.files.items() if path in files]:
            self.files[rid].discard(path)
            if not self.files[rid]:
                del self.files[rid], self.kinds[rid]

    def free(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.kinds:
            n += 1
            candidate = f"{base[: _MAX_DOCUMENT_ID - len(str(n)) - 1]}-{n}"
        return candidate


def _read_article(path: Path) -> str:
    """The article decoded as UTF-8; IngestError for an unreadable, non-UTF-8 or empty file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IngestError("no such file", path=path, hint="check the article's path") from None
    except OSError as exc:
        raise IngestError(f"cannot read the file: {exc.strerror}", path=path) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("the file is UTF-16 encoded", path=path, hint="save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"the file is not valid UTF-8 (byte {exc.start} is {raw[exc.start : exc.start + 1]!r})",
            path=path,
            line=raw.count(b"\n", 0, exc.start) + 1,
            hint="save it as UTF-8",
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise IngestError(
            "the file is empty", path=path, hint="give the article's text, title on the first line"
        )
    return text


def _place_document(path: Path, text: str, ids: _Ids, documents_dir: Path, overwrite: bool) -> Extraction:
    """The draft of ``path`` with a document id free in the corpus, or IngestError if it would replace one."""
    draft = _extract(text, path.name, None)
    if "headline" not in draft.record:
        raise IngestError(
            "found no headline",
            path=path,
            hint="put the article's title on a line of its own at the top, followed by a blank line",
        )
    # A document naming the same text file is this article ingested before.
    previous = ids.text_owner.get(path.name)
    if previous is not None and previous in ids.documents:
        if not overwrite:
            raise IngestError(
                f"{ids.documents[previous]} already holds this article's record",
                path=path,
                hint="pass --overwrite to replace it",
            )
        ids.release(ids.documents[previous])
        document_id = previous
    else:
        document_id = ids.free(draft.id)
        target = documents_dir / f"{document_id}.json"
        if target.exists() and not overwrite:
            raise IngestError(f"{target} already exists", path=path, hint="pass --overwrite to replace it")
    if document_id != draft.id:
        draft = _extract(text, path.name, document_id)
    document_path = documents_dir / f"{document_id}.json"
    ids.claim(document_id, "Document", document_path)
    ids.documents[document_id] = document_path
    ids.text_owner[path.name] = document_id
    return _link_inline_records(draft, ids, document_path)


def _link_inline_records(draft: Extraction, ids: _Ids, document_path: Path) -> Extraction:
    """Refer by id to corpus records of the same kind and id; rename inline ids clashing with other kinds."""
    record = dict(draft.record)
    notes = list(draft.notes)
    for field, kind in _INLINE_KINDS.items():
        value = record.get(field)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        linked: list[Any] = []
        for item in items:
            known = ids.kinds.get(item["id"])
            if known == kind:
                linked.append(item["id"])
                notes.append(
                    f"{item['name']!r} is already the {kind} {item['id']!r} of the corpus; referred to by id"
                )
                continue
            if known is not None:
                item = {**item, "id": ids.free(item["id"])}
            ids.claim(item["id"], kind, document_path)
            linked.append(item)
        record[field] = linked if isinstance(value, list) else linked[0]
    return replace(draft, record=record, notes=tuple(notes))


def _record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def ingest(
    paths: Sequence[Path], corpus_dir: Path, *, texts_dir: Path | None = None, overwrite: bool = False
) -> list[IngestResult]:
    """Draft a document record for each article and write it into ``corpus_dir``.

    Writes ``documents/<id>.json`` and copies each text byte for byte into
    ``texts_dir`` (default ``<corpus_dir>/texts``). Every article is read and checked
    before anything is written, so a bad file leaves the corpus untouched.

    Ids are kept unique across the corpus: a document id already used by another
    record gets ``-2``, ``-3`` ...; an author or publisher whose id is already a record
    of the same kind is referred to by that id. Re-ingesting an article whose text
    file name a document already names is refused unless ``overwrite``.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise IngestError("no such corpus folder", path=corpus_dir, hint="create it (with corpus.json) first")
    texts = Path(texts_dir) if texts_dir is not None else corpus_dir / "texts"
    documents_dir = corpus_dir / "documents"
    ids = _Ids.scan(corpus_dir)
    planned: list[tuple[Path, bytes, Extraction]] = []
    seen_names: set[str] = set()
    for path in map(Path, paths):
        text = _read_article(path)
        if path.name in seen_names:
            raise IngestError(
                "another article of this run has the same file name", path=path, hint="rename one of them"
            )
        seen_names.add(path.name)
        draft = _place_document(path, text, ids, documents_dir, overwrite)
        raw = text.encode("utf-8")
        target = texts / path.name
        if target.exists() and target.read_bytes() != raw and not overwrite:
            raise IngestError(
                f"{target} already holds a different text",
                path=path,
                hint="rename the article file, or pass --overwrite to replace that text",
            )
        planned.append((path, raw, draft))
    results: list[IngestResult] = []
    for path, raw, draft in planned:
        text_path = texts / path.name
        document_path = documents_dir / f"{draft.id}.json"
        write_bytes(text_path, raw)
        write_bytes(document_path, _record_bytes(draft.record))
        results.append(IngestResult(path, document_path, text_path, draft))
    return results
