"""Names in Russian, Ukrainian and Belarusian texts: runs of capitals cut where two names meet,
organisation names completed, and the recogniser's spans trimmed by the dictionary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from exilekg.language.morphology import Morphology
from exilekg.language.names.rules import _WORD, NameSpan, _is_acronym, _lines, _quoted_names, _Token, _tokens
from exilekg.language.recognizer import NamedSpan

__all__ = ["SlavicPieces", "recognised_names"]


@dataclass(frozen=True)
class SlavicPieces:
    """Cuts a run of capitals where two names meet, and completes organisation names."""

    morph: Morphology

    def __call__(self, run: list[_Token], line_tokens: list[_Token]) -> list[list[_Token]]:
        if not run:
            return []
        pieces: list[list[_Token]] = [[]]
        for token in run:
            piece = pieces[-1]
            if piece and self._meet(piece, token):
                pieces.append([])
            pieces[-1].append(token)
        out = [self._edges(p) for p in pieces]
        out = [p for p in out if p]
        if out:
            out[-1] = self._complete(out[-1], line_tokens)
        return out

    def _meet(self, piece: list[_Token], token: _Token) -> bool:
        info = self.morph.info(token.text)
        before = self.morph.info(piece[-1].text)
        if before.cases and info.cases and not (before.cases & info.cases):
            return True
        # «Алексей Навальный Кира Ярмыш»: a first name after a first name and a surname.
        names = [self.morph.info(t.text).name_part for t in piece]
        return info.name_part == "Name" and "Name" in names and len(piece) >= 2

    def _edges(self, piece: list[_Token]) -> list[_Token]:
        start, end = 0, len(piece)
        # «Позже Леонид Волков», «Пізніше ...»: a dictionary word that is no name, capitalised only
        # because it starts the sentence (in mid-sentence a capital means a name, whatever the
        # dictionary says: «Ярмиш» is also a Ukrainian verb).
        while start < end and piece[start].sentence_start and self._plain_word(piece[start]):
            start += 1
        while end > start and self._function_word(piece[end - 1]):
            end -= 1
        return piece[start:end]

    def _function_word(self, token: _Token) -> bool:
        return self.morph.info(token.text).function and not token.text.isupper()

    def _plain_word(self, token: _Token) -> bool:
        if token.text.isupper():
            return False
        info = self.morph.info(token.text)
        return info.common or info.function or (info.known and not info.proper)

    def _complete(self, piece: list[_Token], line_tokens: list[_Token]) -> list[_Token]:
        """«Фонд» in mid-sentence, a common noun with a capital: the start of an organisation's
        name, which takes the lowercase words that depend on it."""
        last = piece[-1]
        info = self.morph.info(last.text)
        if last.sentence_start or info.proper or info.pos not in ("NOUN", "ADJF") or last.text.isupper():
            return piece  # at a sentence start, every word has a capital
        position = next((i for i, t in enumerate(line_tokens) if t.start == last.start), None)
        if position is None:
            return piece
        taken: list[_Token] = []
        previous_pos: str | None = info.pos
        for token in line_tokens[position + 1 : position + 7]:
            previous_pos = self._dependent(token, previous_pos)
            if previous_pos is None:
                break
            taken.append(token)
        while taken and self.morph.info(taken[-1].text).pos == "PREP":
            taken.pop()
        return piece + taken if taken else piece

    def _dependent(self, token: _Token, previous_pos: str | None) -> str | None:
        """The part of speech of ``token`` if it may depend on the words before it in a name
        (a preposition, an oblique noun or adjective, a noun after its adjective), else None."""
        if token.text[:1].isupper() and not self.morph.info(token.text).proper:
            return None
        word = self.morph.info(token.text)
        if word.pos == "PREP":
            return "PREP"
        oblique = bool(word.cases - {"nomn", "accs", "voct"})  # may depend on the noun before
        head = previous_pos == "ADJF" and word.pos == "NOUN"
        if word.pos in ("NOUN", "ADJF") and (oblique or head or previous_pos == "PREP"):
            return word.pos
        return None


def recognised_names(text: str, found: list[NamedSpan], morph: Morphology | None) -> list[NameSpan]:
    out = [name for span in found for name in _trimmed(text, span, morph)]
    covered = [(s.start, s.end) for s in out]

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in covered)

    for offset, line in _lines(text):
        for name, start, end in _quoted_names(line.text):
            if free(start + offset, end + offset):
                out.append(NameSpan(name, start + offset, end + offset, False, None, True))
        for token in _tokens(line.text):
            if _is_acronym(token.text) and free(token.start + offset, token.end + offset):
                s, e = token.start + offset, token.start + offset + len(token.text)
                out.append(NameSpan(token.text, s, e, False, None, False))
    return sorted(out, key=lambda s: s.start)


def _trimmed(text: str, span: NamedSpan, morph: Morphology | None) -> Iterator[NameSpan]:
    """The recogniser's span without the punctuation and the common words at its edges."""
    # «Фонд борьбы с коррупцией (ФБК)»: the name and its acronym are two spans.
    for match in re.finditer(r"[^()\[\]]+", text[span.start : span.end]):
        start, end = span.start + match.start(), span.start + match.end()
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        words = list(_WORD.finditer(text, start, end))
        if morph is not None:
            while words and _drop_word(morph, words[0].group()):
                words.pop(0)
            while words and _drop_word(morph, words[-1].group()):
                words.pop()
        if words:
            start, end = words[0].start(), words[-1].end()
            yield NameSpan(text[start:end], start, end, False, span.kind, False)


def _drop_word(morph: Morphology, word: str) -> bool:
    if word.isupper():
        return False
    info = morph.info(word)
    return info.common or info.function
