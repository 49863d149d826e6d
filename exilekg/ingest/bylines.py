"""Bylines: who wrote an article, marked ("By ...", "Автор: ...") or not ("Мария Киселева, Би-би-си").

A byline is split at commas, "&", "and", "и", "und", "et", "та", "і"; each part that looks like a
person's name (two to six capitalised words, particles such as "von" or "bin" allowed) is an
author, and a trailing part that does not (", BBC", ", Reuters") is the outlet, kept apart so that
it can name the publisher. Names printed in capitals are given ordinary case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exilekg.ingest.text import clean

__all__ = [
    "Byline",
    "is_marker_only",
    "is_person_name",
    "marked_byline",
    "names_of",
    "normalise_name",
    "unmarked_byline",
]

_PARTICLES = frozenset(
    {"ul", "al", "el", "bin", "ibn", "de", "del", "della", "der", "den", "di", "du", "da", "dos", "van",
     "von", "la", "le", "ten", "ter", "zu", "y", "d'"}
)  # fmt: skip
_MARKER = (
    r"by|written by|words by|text by|story by|reporting by|report by|authors?|author\(s\)|von|text|"
    r"texte|par|écrit par|автор(?:ы)?|текст|автори?|текст|материал подготовил[аи]?|підготував(?:ла)?"
)
_BYLINE = re.compile(r"^(?:" + _MARKER + r")(?:\s*[:—–-]\s*|\s+)(?P<names>\S.*)$", re.IGNORECASE)
_MARKER_ONLY = re.compile(r"^(?:" + _MARKER + r")\s*:?$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|·•—–]\s+|\s*\|\s*")
_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\bи\b|\bта\b|\bі\b|\by\b)\s*", re.IGNORECASE)
_ROLE = re.compile(
    r"^(?:staff|staff writer|correspondent|reporter|editor|special correspondent|contributor|"
    r"korrespondent\w*|корреспондент\w*|редактор\w*|кореспондент\w*|journaliste|rédaction)$",
    re.IGNORECASE,
)
_NAME_TOKEN = re.compile(r"[^\W\d_][\w.'’-]*")


@dataclass(frozen=True)
class Byline:
    """The names of a byline, and the outlet named at its end, if any."""

    names: tuple[str, ...]
    outlet: str | None = None


def normalise_name(name: str) -> str:
    """``name`` in ordinary case when it is printed in capitals ("JANE DOE" becomes "Jane Doe")."""
    name = re.sub(r"\s+", " ", name.strip(" .,;:"))
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters):
        return name
    words: list[str] = []
    for word in name.split(" "):
        lower = word.lower()
        if lower in _PARTICLES and words:
            words.append(lower)
            continue
        words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def is_person_name(text: str) -> bool:
    """Two to six capitalised words without digits: the shape of a person's name."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 6 or len(text) > 60 or re.search(r"\d", text):
        return False
    if not (tokens[0][0].isupper() and tokens[-1][0].isupper()):
        return False
    return all(
        _NAME_TOKEN.fullmatch(t) is not None and (t[0].isupper() or t.casefold() in _PARTICLES)
        for t in tokens
    )


def _split(names: str, *, min_names: int = 1) -> Byline | None:
    parts = [normalise_name(p) for p in _SPLIT.split(names.strip(" .")) if p.strip(" .")]
    found: list[str] = []
    outlet: str | None = None
    for index, part in enumerate(parts):
        if is_person_name(part):
            found.append(part)
        elif _ROLE.fullmatch(part):
            continue
        elif index == len(parts) - 1 and found and len(part.split()) <= 4 and part[:1].isupper():
            outlet = part  # "..., BBC", "..., Би-би-си": the outlet that published it
        elif index == 0 or not found:
            return None  # prose, not a byline
    return Byline(tuple(found), outlet) if len(found) >= min_names else None


def marked_byline(line: str) -> Byline | None:
    """The byline of a line starting with a marker ("By", "Von", "Par", "Автор:"), or None."""
    first = _SEPARATORS.split(clean(line))[0]
    match = _BYLINE.match(first)
    if match is None:
        return None
    rest = match.group("names")
    # "By The Exile Gazette" names no person: whether it is the site is for the caller to judge.
    return _split(rest) or _site_byline(rest)


def _site_byline(rest: str) -> Byline | None:
    """ "By Meduza", "By The Insider": a byline naming no person but an outlet."""
    text = rest.strip(" .")
    words = text.split()
    if 1 <= len(words) <= 4 and text[:1].isupper() and not re.search(r"\d", text):
        return Byline((), text)
    return None


def is_marker_only(line: str) -> bool:
    """A line holding only a byline marker ("By", "Автор:"), whose names follow on the next line."""
    return _MARKER_ONLY.fullmatch(clean(line)) is not None


def unmarked_byline(line: str) -> Byline | None:
    """The names of a line made only of names (and maybe an outlet), such as "Anna Lee, Reuters"."""
    text = clean(line)
    first = _SEPARATORS.split(text)[0]
    if len(first) > 120 or re.search(r"[.!?:]$", first.strip()):
        return None
    return _split(first)


def names_of(value: str) -> tuple[str, ...] | None:
    """The person names of a markup value ("Jane Doe and John Roe", "By JANE DOE"), or None."""
    text = " ".join(value.split())
    byline = marked_byline(text) or _split(text)
    return byline.names if byline is not None and byline.names else None
