"""Locating evidence phrases in document texts.

Offsets are in Unicode code points of the text as stored: the file decoded as
UTF-8, a leading byte-order mark removed, line endings kept as they are. A phrase
matches its text tolerantly (runs of whitespace, curly versus straight quotes and
apostrophes, dashes, diacritics: "Alexei" finds "Alexeï"), but what is reported as
``exact`` is always the text's own slice ``text[start:end]``.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Anchor", "AnchorProblem", "NormalizedText", "locate", "normalize_phrase"]

CONTEXT_CHARS = 32
"""How much text around a match goes into a TextQuoteSelector's prefix and suffix."""

_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u02bc": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u00a0": " ",
}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character folded for matching: no diacritics, straight quotes, plain dashes."""
    if ch in _QUOTES:
        return _QUOTES[ch]
    if ch.isspace():
        return " "
    if ch.isascii():
        return ch
    # Combining marks fold to nothing, so "Alexeï" (precomposed or not) matches "Alexei".
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_RUNS = re.compile(r"\s+|\S+(?: \S+)*")
"""Whitespace runs fold to one space; a run of anything else (single spaces inside) maps
linearly when each of its characters folds to exactly one other than a space, as nearly every
run does, and is folded a character at a time otherwise."""

_UNEVEN: set[str] = set()
"""Characters met so far whose folding is not one character, or is a space ("¾", "¸", "ﬁ", a
lone combining mark): a run holding one is folded a character at a time."""


class _FoldTable(dict[int, str]):
    """``str.translate``'s table of :func:`_fold_char`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_char(char)
        if len(folded) != 1 or (folded == " " and char != " "):
            _UNEVEN.add(char)
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()

# The scripts and punctuation of the corpus's languages, whose folding is known in advance so
# that a run of them is folded by replacing the few characters that change (Cyrillic's «й» and
# «ё», Latin's accented letters, curly quotes) instead of looking every character up.
_COMMON = "\x00-\u052f\u2000-\u206f"
_CHANGED = {c: _fold_char(c) for c in map(chr, [*range(0x530), *range(0x2000, 0x2070)])}
_CHANGED = {c: f for c, f in _CHANGED.items() if f != c and not c.isspace()}
_CHANGES = re.compile("[" + "".join(map(re.escape, _CHANGED)) + "]")
_UNEVEN_COMMON = re.compile(
    "[" + "".join(re.escape(c) for c, f in _CHANGED.items() if len(f) != 1 or f == " ") + "]"
)
_UNCOMMON = re.compile(f"[^{_COMMON}]")


def _fold_common(match: re.Match[str]) -> str:
    return _CHANGED[match.group()]


class NormalizedText:
    """A text folded for matching, with a map from folded positions back to the original.

    The map is kept as segments rather than one entry per character: a run of text that
    folds character for character maps linearly, so folding a long text, English or Russian,
    costs a handful of regex matches per paragraph instead of a Python step per character.
    """

    __slots__ = ("_folded_starts", "_inside", "_segments", "folded", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        out: list[str] = []
        # (folded start, original start, linear): a linear segment maps position by position,
        # any other maps every folded character to the one original character it came from.
        segments: list[tuple[int, int, bool]] = []
        # Folded positions that continue the folding of the character before them: the only
        # places where a match may not start or end. Usually none.
        inside: list[int] = []
        length = 0
        last_space = True  # leading whitespace folds away entirely
        for match in _RUNS.finditer(text):
            run = match.group()
            if run[0].isspace():
                if not last_space:
                    segments.append((length, match.start(), False))
                    out.append(" ")
                    length += 1
                    last_space = True
                continue
            # Printable ASCII but the backtick folds to itself; translating it would cost more.
            if run.isascii() and "`" not in run:
                folded, even = run, True
            elif _UNCOMMON.search(run) is None:
                even = _UNEVEN_COMMON.search(run) is None
                folded = _CHANGES.sub(_fold_common, run) if even else run
            else:
                folded = run.translate(_FOLD_TABLE)
                even = _UNEVEN.isdisjoint(run)
            if even:
                segments.append((length, match.start(), True))
                out.append(folded)
                length += len(folded)
                last_space = False
                continue
            for offset, char in enumerate(run):
                continued = False
                for c in _fold_char(char):
                    if c == " ":
                        if last_space:
                            continue
                        last_space = True
                    else:
                        last_space = False
                    if continued:
                        inside.append(length)
                    segments.append((length, match.start() + offset, False))
                    out.append(c)
                    length += 1
                    continued = True
        self.folded = "".join(out)
        self._segments = segments
        self._folded_starts = [seg[0] for seg in segments]
        self._inside = frozenset(inside)

    def _origin(self, position: int) -> int:
        index = bisect.bisect_right(self._folded_starts, position) - 1
        folded_start, original_start, linear = self._segments[index]
        return original_start + (position - folded_start) if linear else original_start

    def on_boundary(self, position: int) -> bool:
        """Whether a match may start or end at ``position``: not inside one character's folding
        (NFKD turns "¾" into three characters; "3" alone must not match it)."""
        return position not in self._inside

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original code-point span of folded positions ``[start, end)``."""
        o_start = self._origin(start)
        o_end = self._origin(end - 1) + 1
        # A decomposed letter in the original ("e" + combining acute) ends after its marks.
        while o_end < len(self.text) and unicodedata.combining(self.text[o_end]):
            o_end += 1
        return o_start, o_end

    def find_all(self, phrase: str) -> list[int]:
        hits: list[int] = []
        pos = self.folded.find(phrase)
        while pos != -1:
            if self.on_boundary(pos) and self.on_boundary(pos + len(phrase)):
                hits.append(pos)
            pos = self.folded.find(phrase, pos + 1)
        return hits

    def closest(self, phrase: str) -> str | None:
        """The passage of the text most like ``phrase``, for a helpful error message."""
        words = self.folded.split(" ")
        width = max(1, len(phrase.split(" ")))
        if not words:
            return None
        windows = [" ".join(words[i : i + width]) for i in range(max(1, len(words) - width + 1))]
        best = difflib.get_close_matches(phrase, windows, n=1, cutoff=0.0)
        return best[0] if best else None


def normalize_phrase(phrase: str) -> str:
    """``phrase`` folded as :class:`NormalizedText` folds, without leading or trailing space.

    A phrase needs no map back to its original positions, so it is folded without one:
    several times faster, and every evidence phrase and entity name is folded.
    """
    if phrase.isascii():
        # ASCII folds to itself but for whitespace runs and the backtick.
        return " ".join(phrase.split()).replace("`", "'")
    if _UNCOMMON.search(phrase) is None:
        # The corpus's scripts: only the few characters that change are replaced, as
        # NormalizedText does. Whitespace is left to split(), which knows the same characters
        # as str.isspace; a character folding to a space ("¸") becomes one before it.
        return " ".join(_CHANGES.sub(_fold_common, phrase).split())
    return " ".join([word for word in "".join(map(_fold_char, phrase)).split(" ") if word])


@dataclass(frozen=True)
class Anchor:
    """Where a phrase sits in a text: code-point offsets and the text's own words."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class AnchorProblem:
    """Why a phrase could not be anchored, with what would help fix it."""

    message: str
    hint: str


def locate(
    text: NormalizedText,
    exact: str,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    occurrence: int | None = None,
) -> Anchor | AnchorProblem:
    """Find ``exact`` in ``text``, narrowed by prefix, suffix and occurrence (1-based)."""
    phrase = normalize_phrase(exact)
    if not phrase:
        return AnchorProblem(
            "the evidence phrase is empty once whitespace is folded", "give a few words of the text"
        )
    hits = text.find_all(phrase)
    if not hits:
        near = text.closest(phrase)
        hint = f"the closest passage is {near!r}" if near else "the text is empty"
        return AnchorProblem(f"the phrase {exact!r} does not occur in the text", hint)
    if prefix:
        want = normalize_phrase(prefix)
        hits = [h for h in hits if text.folded[:h].rstrip().endswith(want)]
    if suffix:
        want = normalize_phrase(suffix)
        hits = [h for h in hits if text.folded[h + len(phrase) :].lstrip().startswith(want)]
    if not hits:
        return AnchorProblem(
            f"the phrase {exact!r} occurs, but never with the given prefix/suffix",
            "check the prefix and suffix against the text, or drop them",
        )
    if occurrence is not None:
        if occurrence > len(hits):
            return AnchorProblem(
                f"occurrence {occurrence} asked for, but the phrase occurs {len(hits)} time(s)",
                f"use an occurrence between 1 and {len(hits)}",
            )
        hits = [hits[occurrence - 1]]
    if len(hits) > 1:
        places = "; ".join(
            f"#{n} at {text.span(h, h + len(phrase))[0]}: …{_context(text, h, len(phrase))}…"
            for n, h in enumerate(hits[:5], 1)
        )
        return AnchorProblem(
            f"the phrase {exact!r} occurs {len(hits)} times ({places})",
            "add a prefix or suffix of a few words, or an occurrence number",
        )
    start, end = text.span(hits[0], hits[0] + len(phrase))
    raw = text.text
    return Anchor(
        start=start,
        end=end,
        exact=raw[start:end],
        prefix=raw[max(0, start - CONTEXT_CHARS) : start],
        suffix=raw[end : end + CONTEXT_CHARS],
    )


def _context(text: NormalizedText, hit: int, length: int) -> str:
    return text.folded[max(0, hit - 20) : hit + length + 20]
