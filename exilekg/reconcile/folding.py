"""Names as the reconciliation index compares them: folded, and read in Latin transliteration.

Every name, and every query, is folded (case, diacritics, punctuation and apostrophes
dropped) and also read through ``anyascii`` (any script, letter by letter) and, when it is
Cyrillic, through ``iuliia``'s Wikipedia scheme (the spelling the English-language press
mostly uses: Navalny, Khodorkovsky), so ``Алексей Навальный`` finds ``Alexei Navalny``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import anyascii
import iuliia

__all__ = ["fold", "readings"]


_APOSTROPHES = re.compile(r"['’ʼ`´ʹ]")
_NON_WORD = re.compile(r"[^\w]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def fold(text: str) -> str:
    """Lower case, no diacritics, no punctuation, apostrophes dropped, single spaces."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def readings(text: str) -> list[str]:
    """``text`` folded, and folded in each Latin transliteration that differs (anyascii; iuliia
    Wikipedia for Cyrillic)."""
    out = [fold(text)]
    for variant in _transliterations(text):
        folded = fold(variant)
        if folded and folded not in out:
            out.append(folded)
    return [r for r in out if r]


def _transliterations(text: str) -> Iterable[str]:
    if text.isascii():
        return
    if _CYRILLIC.search(text):
        yield iuliia.WIKIPEDIA.translate(text)
    yield anyascii.anyascii(text)
