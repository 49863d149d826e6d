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

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick

from exilekg.anchor import CONTEXT_CHARS, NormalizedText, normalize_phrase
from exilekg.corpus import Corpus, Record
from exilekg.kinds import ENTITY_KINDS
from exilekg.language import INFLECTED, base_language
from exilekg.language.morphology import morphology
from exilekg.mentions.inflected import WordIndex
from exilekg.mentions.names import Candidate, Name, Names, collect_names

__all__ = [
    "AmbiguousMention",
    "DocumentMentions",
    "Mention",
    "MentionFinder",
    "MentionList",
    "entity_names",
    "find_mentions",
    "name_keys",
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


def name_keys(entities: Iterable[tuple[str, str, list[str]]]) -> frozenset[str]:
    """The names a :class:`MentionFinder` looks for on behalf of ``entities`` in a text of a language
    not inflected, casefolded: each is made from one entity's own names (a person's surname and short
    form, its variants in the other case), so a text in which none of them occurs, casefolded, has
    no mention of these entities, and its other mentions are the same with or without them."""
    keys = _looked_up(collect_names(entities, _folded_words, " ".join, None))
    return frozenset(key.casefold() for key in keys)


def _looked_up(names: Names) -> dict[str, Name]:
    """Every key a finder looks up, with its name: ``names``' own, and each name of several words
    with its first letter in the other case ("the second Congress of Free Russians" is the "Second
    Congress of Free Russians", "The West" at a sentence start is "the West"). A variant another
    name already has is left to it. Its casefolded form can differ from the name's (the variant of
    "ılıca ..." is "Ilıca ..."), so :func:`name_keys` looks for these keys, not only the names."""
    keys = dict(names.by_key)
    for key, name in names.by_key.items():
        if " " in key and key[:1].isalpha():
            keys.setdefault(key[:1].swapcase() + key[1:], name)
    return keys


class MentionFinder:
    """All entity names, prepared once and run over each text in one pass."""

    def __init__(self, entities: Iterable[tuple[str, str, list[str]]]) -> None:
        self._entities = list(entities)
        self._kinds = {entity: kind for entity, kind, _ in self._entities}
        keys = _looked_up(collect_names(self._entities, _folded_words, " ".join, None))
        self._names: list[Name] = list(keys.values())
        # The automaton stores plain integers, not Python objects: the name's number, whose
        # length is looked up in an array holding no new objects.
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._lengths = array("L")
        for number, key in enumerate(keys):
            self.automaton.add_word(key, number)
            self._lengths.append(len(key))
        if self._names:
            self.automaton.make_automaton()
        self._inflected: dict[str, WordIndex | None] = {}

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

    def prepare(self, languages: Iterable[str | None]) -> None:
        """The word index of each inflected language among ``languages`` (BCP 47 tags) made now,
        rather than at the first text in it."""
        for language in set(languages):
            lang = base_language(language)
            if lang in INFLECTED:
                self._word_index(lang)

    def _word_index(self, language: str) -> WordIndex | None:
        if language not in self._inflected:
            morph = morphology(language)
            self._inflected[language] = WordIndex(self._entities, morph) if morph is not None else None
        return self._inflected[language]

    def _folded_candidates(self, text: NormalizedText, *, genitive_s: bool) -> list[Candidate]:
        folded = text.folded
        size = len(folded)
        lengths = self._lengths
        names = self._names
        on_boundary = text.on_boundary
        found: list[Candidate] = []
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
                found.append(Candidate(o_start, o_end, number))
        return found


def _in_compound(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of a hyphenated compound ("post-Soviet", "Soviet-era")."""
    before = start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha()
    after = end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha()
    return before or after


def _folded_words(name: str) -> list[str]:
    folded = normalize_phrase(name)
    return folded.split(" ") if folded else []


# --------------------------------------------------------------------------- resolving


def _select(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The longest candidates that do not overlap, leftmost first."""
    chosen: list[Candidate] = []
    covered_to = -1
    for candidate in sorted(candidates, key=lambda c: (c.start, c.start - c.end)):
        if candidate.start < covered_to:
            continue  # inside a longer match that started earlier or at the same place
        chosen.append(candidate)
        covered_to = candidate.end
    return chosen


def _resolve(
    candidates: list[Candidate], names: Sequence[Name], kinds: Mapping[str, str], raw: str
) -> MentionList:
    if not candidates:
        return MentionList()
    chosen = _with_inner_persons(_select(candidates), candidates, names)
    # Who the document names in full: an unshared name that is not a person's one word.
    in_full = {
        next(iter(names[c.name].owners))
        for c in chosen
        if not names[c.name].single and len(names[c.name].owners) == 1
    }
    mentions: list[Mention] = []
    ambiguous: list[AmbiguousMention] = []
    for c in chosen:
        owners = _owners(names[c.name], in_full)
        prefix = raw[max(0, c.start - CONTEXT_CHARS) : c.start]
        suffix = raw[c.end : c.end + CONTEXT_CHARS]
        if len(owners) == 1:
            mentions.append(Mention(owners[0], c.start, c.end, raw[c.start : c.end], prefix, suffix))
        else:
            ambiguous.append(
                AmbiguousMention(tuple(sorted(owners)), c.start, c.end, raw[c.start : c.end], prefix, suffix)
            )
    return MentionList(mentions, ambiguous)


def _with_inner_persons(
    chosen: list[Candidate], candidates: list[Candidate], names: Sequence[Name]
) -> list[Candidate]:
    """``chosen`` and the persons' names inside the longer names of something else among them:
    a person's name inside the longer name of something else is a mention of the person too."""
    outer = [c for c in chosen if not names[c.name].persons]
    if not outer:
        return chosen
    inner = [
        c
        for c in candidates
        if names[c.name].persons
        and any(o.start <= c.start and c.end <= o.end and (o.start, o.end) != (c.start, c.end) for o in outer)
    ]
    return sorted([*chosen, *_select(inner)], key=lambda c: (c.start, c.end))


def _owners(name: Name, in_full: set[str]) -> list[str]:
    """Whom a name may mean: of several owners, those the document names in full, if any."""
    owners = list(name.owners)
    if len(owners) > 1:
        settled = [o for o in owners if o in in_full]
        if settled:
            owners = settled  # one: settled; several named in full alike: ambiguous between those only
    return owners


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
        # Made at the first lookup: an incremental build that finds no mentions never needs it.
        self._finder: MentionFinder | None = None

    def __getitem__(self, document_id: str) -> MentionList:
        document = self._documents[document_id]
        text = self._corpus.text(document)
        if text is None:  # cannot be: the document names a text file
            raise KeyError(document_id)
        return self._made().find(text.normalized, document.data.get("language"))

    def prepare(self) -> None:
        """What finding the documents' mentions needs made now (the table of names, and the word
        index of each inflected language they are in), not at the first lookup: made before
        processes are forked, it is shared by them instead of made again in each."""
        if self._documents:
            self._made().prepare(document.data.get("language") for document in self._documents.values())

    def _made(self) -> MentionFinder:
        if self._finder is None:
            self._finder = MentionFinder(entity_names(self._corpus))
        return self._finder

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._documents

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)


def find_mentions(corpus: Corpus) -> DocumentMentions:
    """Mentions per document id, for every document whose text is available, found on lookup."""
    return DocumentMentions(corpus)
