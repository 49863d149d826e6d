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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ahocorasick

from exilekg.anchor import CONTEXT_CHARS, NormalizedText, normalize_phrase
from exilekg.load import Corpus, Record
from exilekg.model import ENTITY_KINDS

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


@dataclass(frozen=True)
class _Name:
    entity: str
    surname_only: bool


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
        full: dict[str, set[str]] = {}
        surnames: dict[str, set[str]] = {}
        for entity, kind, names in entities:
            for name in names:
                folded = normalize_phrase(name)
                if not folded:
                    continue
                words = folded.split(" ")
                if kind == "Person" and len(words) == 1:
                    surnames.setdefault(folded, set()).add(entity)
                else:
                    full.setdefault(folded, set()).add(entity)
                if kind == "Person" and len(words) > 1:
                    surnames.setdefault(words[-1], set()).add(entity)
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        for folded, owners in full.items():
            if len(owners) == 1:
                self.automaton.add_word(folded, (len(folded), _Name(next(iter(owners)), False)))
                self.size += 1
        for folded, owners in surnames.items():
            if len(owners) == 1 and folded not in full:
                self.automaton.add_word(folded, (len(folded), _Name(next(iter(owners)), True)))
                self.size += 1
        if self.size:
            self.automaton.make_automaton()

    def find(self, text: NormalizedText) -> list[Mention]:
        if not self.size:
            return []
        folded = text.folded
        candidates: list[tuple[int, int, _Name]] = []
        for last, (length, name) in self.automaton.iter(folded):
            start = last - length + 1
            end = last + 1
            if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
                continue
            if not (text.on_boundary(start) and text.on_boundary(end)):
                continue
            candidates.append((start, end, name))
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        mentions: list[Mention] = []
        named_in_full: set[str] = set()
        covered_to = 0
        raw = text.text
        for start, end, name in candidates:
            if start < covered_to:
                continue  # inside a longer match that started earlier or at the same place
            covered_to = end
            if name.surname_only and name.entity not in named_in_full:
                continue
            if not name.surname_only:
                named_in_full.add(name.entity)
            o_start, o_end = text.span(start, end)
            mentions.append(
                Mention(
                    entity=name.entity,
                    start=o_start,
                    end=o_end,
                    exact=raw[o_start:o_end],
                    prefix=raw[max(0, o_start - CONTEXT_CHARS) : o_start],
                    suffix=raw[o_end : o_end + CONTEXT_CHARS],
                )
            )
        return mentions


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
