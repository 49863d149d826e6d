"""Finding every mention of every known entity in the documents' texts.

One pass over each text, whatever the number of names: all names go into one
Aho-Corasick automaton (pyahocorasick) over the folded text, so diacritics,
quotes and whitespace differ as freely as in evidence matching. Rules:

- whole words only; a possessive ("Navalny's", "Navalny’s") still counts;
- the longest match wins, so "Marina Litvinenko" is not also "Litvinenko";
- a person's surname alone (a one-word name, given or derived from the full
  name) counts only after the document has named that person in full, and only
  if no other known entity shares that word;
- a name shared by two entities is ambiguous and counts for neither.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ahocorasick

from exilekg.anchor import CONTEXT_CHARS, NormalizedText, normalize_phrase
from exilekg.corpus import Corpus, Record
from exilekg.kinds import ENTITY_KINDS

__all__ = ["DocumentMentions", "Mention", "MentionFinder", "entity_names", "find_mentions"]


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity's name: code-point offsets into the stored text."""

    entity: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


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


class MentionFinder:
    """An automaton of all entity names, built once and run over each text."""

    def __init__(self, entities: Iterable[tuple[str, str, list[str]]]) -> None:
        # Each folded name to the one entity that has it, or None once a second one does.
        full: dict[str, str | None] = {}
        surnames: dict[str, str | None] = {}
        for entity, kind, names in entities:
            for name in names:
                folded = normalize_phrase(name)
                if not folded:
                    continue
                words = folded.split(" ")
                if kind == "Person" and len(words) == 1:
                    _claim(surnames, folded, entity)
                else:
                    _claim(full, folded, entity)
                if kind == "Person" and len(words) > 1:
                    _claim(surnames, words[-1], entity)
        # The automaton stores plain integers, not Python objects: word number * 2, plus 1 for a
        # surname alone. Its entity and length are looked up in two lists holding no new objects.
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._entities: list[str] = []
        self._lengths = array("L")
        for folded, owner in full.items():
            if owner is not None:
                self._add(folded, owner, surname_only=False)
        for folded, owner in surnames.items():
            if owner is not None and folded not in full:
                self._add(folded, owner, surname_only=True)
        if self.size:
            self.automaton.make_automaton()

    @property
    def size(self) -> int:
        """How many names are looked for."""
        return len(self._entities)

    def _add(self, folded: str, entity: str, *, surname_only: bool) -> None:
        self.automaton.add_word(folded, len(self._entities) * 2 + surname_only)
        self._entities.append(entity)
        self._lengths.append(len(folded))

    def find(self, text: NormalizedText) -> list[Mention]:
        if not self.size:
            return []
        folded = text.folded
        size = len(folded)
        lengths = self._lengths
        on_boundary = text.on_boundary
        candidates: list[tuple[int, int, int]] = []
        for last, value in self.automaton.iter(folded):
            end = last + 1
            start = end - lengths[value >> 1]
            if (start > 0 and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum()):
                continue
            if on_boundary(start) and on_boundary(end):
                candidates.append((start, end, value))
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        mentions: list[Mention] = []
        named_in_full: set[str] = set()
        covered_to = 0
        raw = text.text
        for start, end, value in candidates:
            if start < covered_to:
                continue  # inside a longer match that started earlier or at the same place
            covered_to = end
            entity = self._entities[value >> 1]
            if value & 1:
                if entity not in named_in_full:
                    continue
            else:
                named_in_full.add(entity)
            o_start, o_end = text.span(start, end)
            mentions.append(
                Mention(
                    entity=entity,
                    start=o_start,
                    end=o_end,
                    exact=raw[o_start:o_end],
                    prefix=raw[max(0, o_start - CONTEXT_CHARS) : o_start],
                    suffix=raw[o_end : o_end + CONTEXT_CHARS],
                )
            )
        return mentions


def _claim(owners: dict[str, str | None], name: str, entity: str) -> None:
    owner = owners.get(name, entity)
    owners[name] = entity if owner == entity else None


class DocumentMentions(Mapping[str, list[Mention]]):
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

    def __getitem__(self, document_id: str) -> list[Mention]:
        text = self._corpus.text(self._documents[document_id])
        if text is None or self._finder is None:  # neither can be: the document names a text file
            raise KeyError(document_id)
        return self._finder.find(text.normalized)

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._documents

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)


def find_mentions(corpus: Corpus) -> DocumentMentions:
    """Mentions per document id, for every document whose text is available, found on lookup."""
    return DocumentMentions(corpus)
