"""The names the mention finder looks for: every name of every entity, with what is known of
it (its owners, whether it is a person's one word or only an adjective), and a person's surname
and short form derived from the full name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from exilekg.language.morphology import Morphology

__all__ = ["GAP", "WORD", "Candidate", "Name", "Names", "collect_names", "is_acronym"]


@dataclass
class Name:
    """One distinct name (folded) and what is known of it."""

    owners: dict[str, None] = field(default_factory=dict)
    """The entities that carry it, in corpus order."""
    single: bool = False
    """A one-word name of a person: it alone does not name the person "in full"."""
    adjective: bool = False
    persons: set[str] = field(default_factory=set)
    """Owners that are people."""


WORD = re.compile(r"\w+(?:['’ʼ\-‐]\w+)*")
"""A word of a Russian or Ukrainian text: hyphenated compounds («Санкт-Петербург») and
apostrophes («Прем'єр») inside it."""
GAP = re.compile(r"[\s\"'«»“”„‟‘’‚]*")
"""What may stand between two words of one name: spaces and quotes («Фонд "Свобода"»)."""
_FUNCTION_WORDS = frozenset(
    {"с", "со", "и", "в", "во", "на", "по", "за", "для", "от", "до", "из", "к", "ко", "о", "об", "обо",
     "при", "против", "без", "над", "под", "через", "у", "й", "та", "з", "із", "зі", "і", "проти",
     "від", "де", "of", "for", "the", "and", "in", "on"}
)  # fmt: skip
_ADJECTIVE_ENDINGS = ("ian", "ish", "ese")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ACRONYM_MIN_WORDS = 3
_GENERATIONS = frozenset({"jr", "jr.", "jnr", "jnr.", "sr", "sr.", "snr", "snr."})
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
"""A regnal or generational numeral up to XXXIX, written in capitals: «Николай II», "Louis XVI"."""


def is_acronym(word: str) -> bool:
    if not word.isupper():  # a cased letter in lowercase, or none cased: no acronym
        return False
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_suffix(word: str) -> bool:
    """Whether a person's name's last word is a numeral or a generation ("II", "3", "Jr."), which
    names nobody alone: "World War II" is no mention of Elizabeth II."""
    return (
        not any(c.isalpha() for c in word)
        or word.casefold() in _GENERATIONS
        or (word != "" and _ROMAN.fullmatch(word) is not None)
    )


def _person_parts(words: list[str], morph: Morphology | None) -> tuple[str, list[str]] | None:
    """(surname, first name + surname) of a person's name of two words or more, numerals and
    generations after the surname left out."""
    while words and _is_suffix(words[-1]):
        words = words[:-1]
    if len(words) < 2:
        return None
    last = words[-1]
    patronymic = last.casefold().endswith(("вич", "вна", "ична", "ічна", "івна")) or (
        morph is not None and morph.name_part(last) == "Patr"
    )
    if patronymic and len(words) >= 3:  # «Навальный Алексей Анатольевич»: the surname first
        return words[0], [words[1], words[0]]
    return last, [words[0], last]


class Names:
    """Every name of every entity: its owners, and the one-word names of people."""

    def __init__(self) -> None:
        self.by_key: dict[str, Name] = {}

    def add(self, key: str, entity: str, *, person: bool, single: bool, adjective: bool = False) -> None:
        if not key:
            return
        name = self.by_key.setdefault(key, Name())
        name.owners[entity] = None
        if person:
            name.persons.add(entity)
        name.single = name.single or single
        name.adjective = name.adjective or adjective


def collect_names(
    entities: Iterable[tuple[str, str, list[str]]],
    split: Callable[[str], list[str]],
    join: Callable[[list[str]], str],
    morph: Morphology | None,
) -> Names:
    """The names of ``entities``, each written as ``join(split(name))``."""
    names = Names()
    for entity, kind, given in entities:
        person = kind == "Person"
        keys = [(join(words), words) for words in (split(n) for n in given) if words]
        first_words = {words[0] for _, words in keys if len(words) > 1}
        for key, words in keys:
            if len(words) == 1:
                adjective = not person and _reads_as_adjective(words[0], first_words, morph)
                names.add(key, entity, person=person, single=person, adjective=adjective)
                continue
            names.add(key, entity, person=person, single=False)
            if person:
                _add_person_parts(names, entity, words, join, morph)
            elif kind in ("Organization", "Place") and _CYRILLIC.search(key):
                _add_acronym(names, entity, words, join)
    return names


def _reads_as_adjective(word: str, first_words: set[str], morph: Morphology | None) -> bool:
    """Whether a one-word name of an organisation or place may stand as an adjective ("Russian")."""
    return (
        word in first_words
        or word.casefold().endswith(_ADJECTIVE_ENDINGS)
        or (morph is not None and _CYRILLIC.search(word) is not None and _adjective(morph, word))
    )


def _add_person_parts(
    names: Names, entity: str, words: list[str], join: Callable[[list[str]], str], morph: Morphology | None
) -> None:
    """A person's surname alone, and the name without its patronymic, as further names."""
    parts = _person_parts(words, morph)
    if parts is not None:
        surname, short = parts
        names.add(join([surname]), entity, person=True, single=True)
        if len(words) > 2:
            names.add(join(short), entity, person=True, single=False)


def _add_acronym(names: Names, entity: str, words: list[str], join: Callable[[list[str]], str]) -> None:
    """The acronym of a Cyrillic organisation or place name of enough content words («ФБК»)."""
    content = [w for w in words if w.casefold() not in _FUNCTION_WORDS]
    if len(content) >= _ACRONYM_MIN_WORDS and all(w[:1].isalpha() for w in content):
        acronym = "".join(w[0] for w in content).upper()
        names.add(join([acronym]), entity, person=False, single=False)


def _adjective(morph: Morphology, word: str) -> bool:
    parses = morph._parses(word)
    return bool(parses) and parses[0].tag.POS == "ADJF"


class Candidate(NamedTuple):
    """A name found at ``[start, end)`` of the original text (a tuple: texts yield thousands)."""

    start: int
    end: int
    name: int
