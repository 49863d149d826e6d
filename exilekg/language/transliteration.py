"""Cyrillic names and their Latin spellings.

A name written in Cyrillic («Навальный») is spelt in Latin by each standard scheme iuliia
implements (ISO 9 / GOST 7.79, the Wikipedia and BGN/PCGN schemes the English-language press
follows, the passport scheme ICAO Doc 9303, ALA-LC, scholarly transliteration ...), and by two
more given here as data for iuliia's engine: the German press's Duden spelling ("Nawalny",
"Chodorkowski") and Ukraine's national scheme of 2010 ("Zelenskyi"). Two spellings are taken
for the same name when their *skeletons* agree: lowercase, no diacritics or apostrophes, x as
ks, w as v, j and y as i, doubled letters single, so "Navalny", "Navalnyi", "Naval'nyj" and
"Nawalny" are one skeleton, as are "Alexei", "Aleksei" and "Alexey".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

__all__ = ["latin_spelling", "same_name", "skeleton", "skeletons"]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

_RUSSIAN_SCHEMES = (
    "wikipedia",
    "bgn_pcgn",
    "gost_779",
    "icao_doc_9303",
    "mosmetro",
    "scientific",
    "ala_lc",
    "telegram",
)

# The Duden spelling of Russian names in the German press.
_GERMAN = {
    "name": "german_press",
    "description": "Russian names as the German-language press spells them (Duden)",
    "mapping": {
        "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch", "з": "s",
        "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
        "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja",
    },
    "prev_mapping": {"е": "je", "ае": "je", "ие": "je", "ое": "je", "уе": "je", "ье": "je", "ъе": "je"},
    "next_mapping": {"ье": "j", "ьё": "j", "ью": "j", "ья": "j"},
    "ending_mapping": {"ий": "i", "ый": "y"},
}  # fmt: skip

# Ukraine's national transliteration (Cabinet of Ministers resolution 55, 2010).
_UKRAINIAN = {
    "name": "ukrainian_national",
    "description": "Ukrainian national transliteration of 2010",
    "mapping": {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
        "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
        "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
    },
    "prev_mapping": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "зг": "gh"},
}  # fmt: skip


@cache
def _schemes() -> tuple[Any, ...]:
    import iuliia
    import iuliia.schema

    built = [iuliia.schemas.get(name) for name in _RUSSIAN_SCHEMES]
    for data in (_GERMAN, _UKRAINIAN):
        built.append(iuliia.schema.TranslitSchema(**data))
    return tuple(s for s in built if s is not None)


def available() -> bool:
    """Whether iuliia is installed."""
    try:
        _schemes()
    except ImportError:
        return False
    return True


def latin_spelling(name: str) -> str:
    """``name`` in Latin as the English-language press writes Russian names (Wikipedia's scheme);
    a Latin name as it is. Without iuliia, the name unchanged."""
    if not _CYRILLIC.search(name):
        return name
    try:
        return str(_schemes()[0].translate(name))
    except ImportError:
        return name


@lru_cache(maxsize=65536)
def skeleton(latin: str) -> str:
    """The spelling-independent form of a Latin word (see the module's description)."""
    decomposed = unicodedata.normalize("NFKD", latin.casefold())
    text = "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())
    text = text.replace("x", "ks").replace("w", "v").replace("j", "i").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", text)


@lru_cache(maxsize=65536)
def skeletons(word: str) -> frozenset[str]:
    """Every skeleton of ``word``: one for a Latin word, one per scheme for a Cyrillic word
    (none without iuliia)."""
    if not _CYRILLIC.search(word):
        return frozenset({skeleton(word)})
    try:
        schemes = _schemes()
    except ImportError:
        return frozenset()
    return frozenset(skeleton(str(s.translate(word))) for s in schemes)


def same_name(first: list[str], second: list[str]) -> bool:
    """Whether two names, given as words, spell the same words in different scripts."""
    return len(first) == len(second) and all(
        skeletons(a) & skeletons(b) for a, b in zip(first, second, strict=True)
    )
