"""Finding every mention of every known entity in the documents' texts.

One pass over each text, whatever the number of names. Texts in a language without inflection
to speak of (English, German, French ...) are folded as evidence phrases are (diacritics, quotes,
whitespace) and searched with one Aho-Corasick automaton (pyahocorasick) of every folded name.
Russian and Ukrainian texts (the document's ``language``) are matched word by word instead:
every name's word is expanded once into every form of its paradigm
(:mod:`exilekg.language.morphology`), one automaton of those forms finds the text's words that
are one, and a name matches where its words follow each other, so «Навального», «Навальному»
and «Навальный» are all mentions of a person named «Алексей Навальный» and «Фонда борьбы с
коррупцией» of «Фонд борьбы с коррупцией». The text's own words are never analysed: a corpus
has far more distinct words than its names have forms. The stored ``exact`` is always the
text's own words, and offsets are code points of the stored text.

Rules, the same in every language:

- whole words only; a possessive ("Navalny's", "Navalny’s") and the German genitive
  ("Nawalnys") still count, as the name;
- the longest match wins, so "Marina Litvinenko" is not also "Litvinenko", and "Free Russia
  Forum" is no mention of Russia; only a person's name inside the longer name of something
  else ("Tikhanovskaya's office", "the rally against Putin") is a mention of that person too;
- a one-word name of a person (a surname, given or derived from the full name, or a one-word
  alternate name such as "Marina") counts wherever it occurs when one known entity carries it;
  when several do, it counts for the one the document names in full, if exactly one of them;
- a name several entities share, and that the document does not settle that way, counts for
  none: it is an :class:`AmbiguousMention` with its candidates, never resolved silently;
- a one-word name that is only an adjective ("Soviet" for the Soviet Union: the first word of
  a longer name of the same entity, or an adjective in the dictionary) does not match inside a
  hyphenated compound ("post-Soviet");
- capitals count: "Moss" is not "moss", «Волков» is not «волков» (wolves); an acronym (FBK,
  ФБК) matches only in capitals. A Russian or Ukrainian organisation or place whose name has
  three words or more that are not prepositions also answers to its initials («Фонд борьбы с
  коррупцией» is «ФБК»).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick

from exilekg.anchor import CONTEXT_CHARS, NormalizedText, normalize_phrase
from exilekg.corpus import Corpus, Record
from exilekg.kinds import ENTITY_KINDS
from exilekg.language import INFLECTED, base_language
from exilekg.language.morphology import Morphology, morphology

__all__ = [
    "AmbiguousMention",
    "DocumentMentions",
    "Mention",
    "MentionFinder",
    "MentionList",
    "entity_names",
    "find_mentions",
]


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity's name: code-point offsets into the stored text."""

    entity: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class AmbiguousMention:
    """An occurrence of a name that several entities carry, none of them settled by the text."""

    candidates: tuple[str, ...]
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class MentionList(list[Mention]):
    """A document's mentions in text order, and beside them its ambiguous occurrences."""

    def __init__(self, mentions: Iterable[Mention] = (), ambiguous: Iterable[AmbiguousMention] = ()) -> None:
        super().__init__(mentions)
        self.ambiguous: list[AmbiguousMention] = list(ambiguous)


def entity_names(corpus: Corpus) -> Iterator[tuple[str, str, list[str]]]:
    """(id, kind, names) of every entity record: primary, alternate and local names."""
    seen: set[str] = set()
    for record in corpus.records:
        rid = record.id
        if rid is None or rid in seen or record.kind not in ENTITY_KINDS:
            continue
        seen.add(rid)
        data = record.data
        names = [data.get("name"), *data.get("alternateNames", [])]
        names += [n.get("value") for n in data.get("localNames", []) if isinstance(n, dict)]
        yield rid, record.kind, [n for n in names if isinstance(n, str)]


# --------------------------------------------------------------------------- the names


@dataclass
class _Name:
    """One distinct name (folded) and what is known of it."""

    owners: dict[str, None] = field(default_factory=dict)
    """The entities that carry it, in corpus order."""
    single: bool = False
    """A one-word name of a person: it alone does not name the person "in full"."""
    adjective: bool = False
    persons: set[str] = field(default_factory=set)
    """Owners that are people."""


_WORD = re.compile(r"\w+(?:['’ʼ\-‐]\w+)*")
"""A word of a Russian or Ukrainian text: hyphenated compounds («Санкт-Петербург») and
apostrophes («Прем'єр») inside it."""
_GAP = re.compile(r"[\s\"'«»“”„‟‘’‚]*")
"""What may stand between two words of one name: spaces and quotes («Фонд "Свобода"»)."""
_FUNCTION_WORDS = frozenset(
    {"с", "со", "и", "в", "во", "на", "по", "за", "для", "от", "до", "из", "к", "ко", "о", "об", "обо",
     "при", "против", "без", "над", "под", "через", "у", "й", "та", "з", "із", "зі", "і", "проти",
     "від", "де", "of", "for", "the", "and", "in", "on"}
)  # fmt: skip
_ADJECTIVE_ENDINGS = ("ian", "ish", "ese")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ACRONYM_MIN_WORDS = 3


def _is_acronym(word: str) -> bool:
    if not word.isupper():  # a cased letter in lowercase, or none cased: no acronym
        return False
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _person_parts(words: list[str], morph: Morphology | None) -> tuple[str, list[str]] | None:
    """(surname, first name + surname) of a person's name of two words or more."""
    if len(words) < 2:
        return None
    last = words[-1]
    patronymic = last.casefold().endswith(("вич", "вна", "ична", "ічна", "івна")) or (
        morph is not None and morph.name_part(last) == "Patr"
    )
    if patronymic and len(words) >= 3:  # «Навальный Алексей Анатольевич»: the surname first
        return words[0], [words[1], words[0]]
    return last, [words[0], last]


class _Names:
    """Every name of every entity: its owners, and the one-word names of people."""

    def __init__(self) -> None:
        self.by_key: dict[str, _Name] = {}

    def add(self, key: str, entity: str, *, person: bool, single: bool, adjective: bool = False) -> None:
        if not key:
            return
        name = self.by_key.setdefault(key, _Name())
        name.owners[entity] = None
        if person:
            name.persons.add(entity)
        name.single = name.single or single
        name.adjective = name.adjective or adjective


def _collect(
    entities: Iterable[tuple[str, str, list[str]]],
    split: Callable[[str], list[str]],
    join: Callable[[list[str]], str],
    morph: Morphology | None,
) -> _Names:
    """The names of ``entities``, each written as ``join(split(name))``."""
    names = _Names()
    for entity, kind, given in entities:
        person = kind == "Person"
        keys = [(join(words), words) for words in (split(n) for n in given) if words]
        first_words = {words[0] for _, words in keys if len(words) > 1}
        for key, words in keys:
            if len(words) == 1:
                word = words[0]
                adjective = not person and (
                    word in first_words
                    or word.casefold().endswith(_ADJECTIVE_ENDINGS)
                    or (morph is not None and _CYRILLIC.search(word) is not None and _adjective(morph, word))
                )
                names.add(key, entity, person=person, single=person, adjective=adjective)
                continue
            names.add(key, entity, person=person, single=False)
            if person:
                parts = _person_parts(words, morph)
                if parts is not None:
                    surname, short = parts
                    names.add(join([surname]), entity, person=True, single=True)
                    if len(words) > 2:
                        names.add(join(short), entity, person=True, single=False)
            elif kind in ("Organization", "Place") and _CYRILLIC.search(key):
                content = [w for w in words if w.casefold() not in _FUNCTION_WORDS]
                if len(content) >= _ACRONYM_MIN_WORDS and all(w[:1].isalpha() for w in content):
                    acronym = "".join(w[0] for w in content).upper()
                    names.add(join([acronym]), entity, person=False, single=False)
    return names


def _adjective(morph: Morphology, word: str) -> bool:
    parses = morph._parses(word)
    return bool(parses) and parses[0].tag.POS == "ADJF"


# --------------------------------------------------------------------------- finding


class _Candidate(NamedTuple):
    """A name found at ``[start, end)`` of the original text (a tuple: texts yield thousands)."""

    start: int
    end: int
    name: int


class MentionFinder:
    """All entity names, prepared once and run over each text in one pass."""

    def __init__(self, entities: Iterable[tuple[str, str, list[str]]]) -> None:
        self._entities = list(entities)
        self._kinds = {entity: kind for entity, kind, _ in self._entities}
        names = _collect(self._entities, _folded_words, " ".join, None)
        # A name of several words also matches with its first letter in the other case: "the
        # second Congress of Free Russians" is the "Second Congress of Free Russians", "The West"
        # at a sentence start is "the West". A variant another name already has is left to it.
        keys = dict(names.by_key)
        for key, name in names.by_key.items():
            if " " in key and key[:1].isalpha():
                keys.setdefault(key[:1].swapcase() + key[1:], name)
        self._names: list[_Name] = list(keys.values())
        # The automaton stores plain integers, not Python objects: the name's number, whose
        # length is looked up in an array holding no new objects.
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._lengths = array("L")
        for number, key in enumerate(keys):
            self.automaton.add_word(key, number)
            self._lengths.append(len(key))
        if self._names:
            self.automaton.make_automaton()
        self._inflected: dict[str, _WordIndex | None] = {}

    @property
    def size(self) -> int:
        """How many names are looked for."""
        return len(self._names)

    def find(self, text: NormalizedText, language: str | None = None) -> MentionList:
        """The mentions of every known entity in ``text``, a text in ``language`` (a BCP 47 tag)."""
        if not self.size:
            return MentionList()
        lang = base_language(language)
        index = self._word_index(lang) if lang in INFLECTED else None
        if index is not None:
            candidates = index.candidates(text)
            names = index.names
        else:
            candidates = self._folded_candidates(text, genitive_s=lang == "de")
            names = self._names
        return _resolve(candidates, names, self._kinds, text.text)

    def _word_index(self, language: str) -> _WordIndex | None:
        if language not in self._inflected:
            morph = morphology(language)
            self._inflected[language] = _WordIndex(self._entities, morph) if morph is not None else None
        return self._inflected[language]

    def _folded_candidates(self, text: NormalizedText, *, genitive_s: bool) -> list[_Candidate]:
        folded = text.folded
        size = len(folded)
        lengths = self._lengths
        names = self._names
        on_boundary = text.on_boundary
        found: list[_Candidate] = []
        for last, number in self.automaton.iter(folded):
            end = last + 1
            start = end - lengths[number]
            if start > 0 and folded[start - 1].isalnum():
                continue
            # "Nawalnys": a German genitive is the name.
            genitive = genitive_s and folded[end : end + 1] == "s"
            if (
                end < size
                and folded[end].isalnum()
                and not (genitive and (end + 1 == size or not folded[end + 1].isalnum()))
            ):
                continue
            if names[number].adjective and _in_compound(folded, start, end):
                continue
            if on_boundary(start) and on_boundary(end):
                o_start, o_end = text.span(start, end)
                found.append(_Candidate(o_start, o_end, number))
        return found


def _in_compound(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a hyphenated compound ("post-Soviet", "Soviet-era")."""
    before = start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha()
    after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha()
    return before or after


def _folded_words(name: str) -> list[str]:
    folded = normalize_phrase(name)
    return folded.split(" ") if folded else []


_ANY, _CAPITAL, _CAPITALS = 0, 1, 2
"""How a name's word constrains the case of the text's word: not at all (a lowercase word such
as «борьбы»), a capital first letter (a proper name), or all capitals (an acronym). As bits of a
text word's :func:`_shape`, a word fits a rule when ``rule & shape == rule``."""


class _WordIndex:
    """The names of every entity word by word, for Russian or Ukrainian texts."""

    def __init__(self, entities: list[tuple[str, str, list[str]]], morph: Morphology) -> None:
        self.morph = morph
        names = _collect(entities, _WORD.findall, "\u0001".join, morph)
        self.names: list[_Name] = list(names.by_key.values())
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
                _CAPITALS if _is_acronym(w) else _CAPITAL if w[:1].isupper() else _ANY for w in words
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

    def candidates(self, text: NormalizedText) -> list[_Candidate]:
        words = self._words(text)
        raw = text.text
        single, pairs = self.single, self.pairs
        found: list[_Candidate] = []
        count = len(words)

        def adjacent(end: int, start: int) -> bool:
            # The next word of a longer name must be the text's next word: only spaces and
            # quotes between them (one space, by far the commonest, without the regex).
            return (start - end == 1 and raw[end] == " ") or _GAP.fullmatch(raw, end, start) is not None

        for i, (start, end, shape, word_keys) in enumerate(words):
            for key in word_keys:
                for rules, number in single.get(key, ()):
                    if rules[0] & shape == rules[0]:
                        found.append(_Candidate(start, end, number))
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
                            found.append(_Candidate(start, following[1], number))
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
                            found.append(_Candidate(start, words[j][1], number))
        return found


_INSIDE = "'’ʼ-‐"
"""Characters that continue a word when they stand between two word characters."""
_PUNCTUATION = re.compile(r"[^\w '’ʼ\-‐]")


def _spaced(text: str) -> str:
    """``text`` with a space for every character that is not part of a word as :data:`_WORD`
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
    return (_CAPITAL if word[:1].isupper() else 0) | (_CAPITALS if _is_acronym(word) else 0)


def _product(options: list[tuple[str, ...]], limit: int = 16) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for choice in options:
        out = [(*prefix, c) for prefix in out for c in choice][:limit]
    return out


# --------------------------------------------------------------------------- resolving


def _select(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """The longest candidates that do not overlap, leftmost first."""
    chosen: list[_Candidate] = []
    covered_to = -1
    for candidate in sorted(candidates, key=lambda c: (c.start, c.start - c.end)):
        if candidate.start < covered_to:
            continue  # inside a longer match that started earlier or at the same place
        chosen.append(candidate)
        covered_to = candidate.end
    return chosen


def _resolve(
    candidates: list[_Candidate], names: Sequence[_Name], kinds: Mapping[str, str], raw: str
) -> MentionList:
    if not candidates:
        return MentionList()
    chosen = _select(candidates)
    # A person's name inside the longer name of something else is a mention of the person too.
    outer = [c for c in chosen if not names[c.name].persons]
    if outer:
        inner = [
            c
            for c in candidates
            if names[c.name].persons
            and any(
                o.start <= c.start and c.end <= o.end and (o.start, o.end) != (c.start, c.end) for o in outer
            )
        ]
        chosen = sorted([*chosen, *_select(inner)], key=lambda c: (c.start, c.end))
    # Who the document names in full: an unshared name that is not a person's one word.
    in_full = {
        next(iter(names[c.name].owners))
        for c in chosen
        if not names[c.name].single and len(names[c.name].owners) == 1
    }
    mentions: list[Mention] = []
    ambiguous: list[AmbiguousMention] = []
    for c in chosen:
        owners = list(names[c.name].owners)
        if len(owners) > 1:
            settled = [o for o in owners if o in in_full]
            if len(settled) == 1:
                owners = settled
            elif settled:
                owners = settled  # named in full alike: still ambiguous, between those only
        prefix = raw[max(0, c.start - CONTEXT_CHARS) : c.start]
        suffix = raw[c.end : c.end + CONTEXT_CHARS]
        if len(owners) == 1:
            mentions.append(Mention(owners[0], c.start, c.end, raw[c.start : c.end], prefix, suffix))
        else:
            ambiguous.append(
                AmbiguousMention(tuple(sorted(owners)), c.start, c.end, raw[c.start : c.end], prefix, suffix)
            )
    return MentionList(mentions, ambiguous)


# --------------------------------------------------------------------------- documents


class DocumentMentions(Mapping[str, MentionList]):
    """Mentions per document id, for every document whose text is available.

    A document's mentions are found when it is looked up, from its text read afresh, and
    nothing is kept: held for every document at once, the mentions and the folded texts
    they are found in took more memory than the records. Look each document up once.
    """

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self._documents: dict[str, Record] = {}
        if corpus.has_texts:
            for document in corpus.documents:
                if document.id is not None and isinstance(document.data.get("text"), str):
                    self._documents[document.id] = document
        self._finder = MentionFinder(entity_names(corpus)) if self._documents else None

    def __getitem__(self, document_id: str) -> MentionList:
        document = self._documents[document_id]
        text = self._corpus.text(document)
        if text is None or self._finder is None:  # neither can be: the document names a text file
            raise KeyError(document_id)
        return self._finder.find(text.normalized, document.data.get("language"))

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._documents

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)


def find_mentions(corpus: Corpus) -> DocumentMentions:
    """Mentions per document id, for every document whose text is available, found on lookup."""
    return DocumentMentions(corpus)
