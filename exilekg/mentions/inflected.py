"""Russian and Ukrainian names word by word: every form of every name's word in one automaton
that looks at a text's whole words, and the names whose words follow each other."""

from __future__ import annotations

import re

import ahocorasick

from exilekg.anchor import NormalizedText, normalize_phrase
from exilekg.language.morphology import Morphology
from exilekg.mentions.names import GAP, WORD, Candidate, Name, collect_names, is_acronym

__all__ = ["WordIndex"]

_ANY, _CAPITAL, _CAPITALS = 0, 1, 2
"""How a name's word constrains the case of the text's word: not at all (a lowercase word such
as «борьбы»), a capital first letter (a proper name), or all capitals (an acronym). As bits of a
text word's :func:`_shape`, a word fits a rule when ``rule & shape == rule``."""


class WordIndex:
    """The names of every entity word by word, for Russian or Ukrainian texts."""

    def __init__(self, entities: list[tuple[str, str, list[str]]], morph: Morphology) -> None:
        self.morph = morph
        names = collect_names(entities, WORD.findall, "\u0001".join, morph)
        self.names: list[Name] = list(names.by_key.values())
        # A one-word name's key -> (its case rule, name number); the keys of a longer name's
        # first two words -> (keys of its other words, case rules of all words, name number).
        self.single: dict[str, list[tuple[tuple[int, ...], int]]] = {}
        self.pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[int, ...], int]]] = {}
        forms: dict[str, dict[str, None]] = {}
        # A word's reading keys, once per distinct word: names share their words.
        word_keys: dict[str, tuple[str, ...]] = {}
        for number, key in enumerate(names.by_key):
            words = key.split("\u0001")
            rules = tuple(
                _CAPITALS if is_acronym(w) else _CAPITAL if w[:1].isupper() else _ANY for w in words
            )
            if len(rules) > 1 and rules[0] == _CAPITAL and _CAPITAL in rules[1:]:
                rules = (_ANY, *rules[1:])  # as in English: «второй Конгресс свободных ...» is fine
            options: list[tuple[str, ...]] = []
            for word in words:
                known = word_keys.get(word)
                if known is None:
                    word_readings = morph.name_readings(word)
                    for reading, word_forms in word_readings:
                        for form in word_forms:
                            forms.setdefault(form, {})[reading] = None
                    known = word_keys[word] = tuple([reading for reading, _ in word_readings])
                options.append(known)
            for variant in _product(options):
                if len(variant) == 1:
                    self.single.setdefault(variant[0], []).append((rules, number))
                else:
                    self.pairs.setdefault((variant[0], variant[1]), []).append((variant[2:], rules, number))
        # Every form of every name's word, folded as texts are and lowercased, in one automaton
        # whose values number (length, keys of the names' words it is a form of) entries. Each
        # form is stored between two spaces and looked for in a copy of the text whose
        # punctuation is spaces (:func:`_spaced`): the automaton then reports whole words, not
        # the dozens of forms found inside longer words only to be dropped.
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.entries: list[tuple[int, tuple[str, ...]]] = []
        merged: dict[str, dict[str, None]] = {}
        for form, keys in forms.items():
            merged.setdefault(normalize_phrase(form).lower(), {}).update(keys)
        for number, (form, keys) in enumerate(merged.items()):
            self.automaton.add_word(f" {form} ", number)
            self.entries.append((len(form), tuple(keys)))
        if self.entries:
            self.automaton.make_automaton()

    def forms(self) -> list[str]:
        """Every folded, lowercased form looked for."""
        return [form.strip(" ") for form in self.automaton.keys()]  # noqa: SIM118 (not a dict)

    def _words(self, text: NormalizedText) -> list[tuple[int, int, int, tuple[str, ...]]]:
        """The text's words that are a form of some name's word, in order: (start, end, the
        word's :func:`_shape`, keys). One pass of an automaton of every form over the text."""
        folded = text.folded
        low = folded.lower()
        if len(low) != len(folded):  # "İ" lowercases to two characters: keep positions
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
        raw = text.text
        entries = self.entries
        on_boundary = text.on_boundary
        found: list[tuple[int, int, int, tuple[str, ...]]] = []
        # The spaced copy has one more character in front: its position p is the text's p - 1.
        for last, number in self.automaton.iter(_spaced(low)):
            length, keys = entries[number]
            end = last - 1
            start = end - length
            if not (on_boundary(start) and on_boundary(end)):
                continue
            o_start, o_end = text.span(start, end)
            found.append((o_start, o_end, _shape(raw[o_start:o_end]), keys))
        return found

    def candidates(self, text: NormalizedText) -> list[Candidate]:
        words = self._words(text)
        raw = text.text
        single, pairs = self.single, self.pairs
        found: list[Candidate] = []
        count = len(words)

        def adjacent(end: int, start: int) -> bool:
            # The next word of a longer name must be the text's next word: only spaces and
            # quotes between them (one space, by far the commonest, without the regex).
            return (start - end == 1 and raw[end] == " ") or GAP.fullmatch(raw, end, start) is not None

        for i, (start, end, shape, word_keys) in enumerate(words):
            for key in word_keys:
                for rules, number in single.get(key, ()):
                    if rules[0] & shape == rules[0]:
                        found.append(Candidate(start, end, number))
            if i + 1 == count:
                continue
            following = words[i + 1]
            if not adjacent(end, following[0]):
                continue
            for key in word_keys:
                for second in following[3]:
                    for rest, rules, number in pairs.get((key, second), ()):
                        if rules[0] & shape != rules[0] or rules[1] & following[2] != rules[1]:
                            continue
                        if not rest:
                            found.append(Candidate(start, following[1], number))
                            continue
                        j = i + 1
                        for wanted, rule in zip(rest, rules[2:], strict=True):
                            j += 1
                            if (
                                j >= count
                                or wanted not in words[j][3]
                                or rule & words[j][2] != rule
                                or not adjacent(words[j - 1][1], words[j][0])
                            ):
                                break
                        else:
                            found.append(Candidate(start, words[j][1], number))
        return found


_INSIDE = "'’ʼ-‐"
"""Characters that continue a word when they stand between two word characters."""
_PUNCTUATION = re.compile(r"[^\w '’ʼ\-‐]")


def _spaced(text: str) -> str:
    """``text`` with a space for every character that is not part of a word as :data:`WORD`
    reads words, and one more space at each end, so that every word stands between two spaces
    at its position plus one."""
    copy = _PUNCTUATION.sub(" ", text)
    # Hyphens and apostrophes are few: those not between two word characters are found with
    # str.find rather than with a lookaround at every character of the text.
    blank: list[int] = []
    last = len(copy) - 1
    for char in _INSIDE:
        position = copy.find(char)
        while position != -1:
            if not (0 < position < last and _in_word(copy[position - 1]) and _in_word(copy[position + 1])):
                blank.append(position)
            position = copy.find(char, position + 1)
    if blank:
        blank.sort()
        pieces, previous = [], 0
        for position in blank:
            pieces.append(copy[previous:position])
            previous = position + 1
        pieces.append(copy[previous:])
        copy = " ".join(pieces)
    return f" {copy} "


def _in_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _shape(word: str) -> int:
    """The case rules a text's word satisfies, as bits: a capital first letter, all capitals."""
    return (_CAPITAL if word[:1].isupper() else 0) | (_CAPITALS if is_acronym(word) else 0)


def _product(options: list[tuple[str, ...]], limit: int = 16) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for choice in options:
        out = [(*prefix, c) for prefix in out for c in choice][:limit]
    return out
