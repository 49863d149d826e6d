"""Which documents' mentions a change to the corpus's table of entity names can change."""

from __future__ import annotations

from collections.abc import Sequence

import ahocorasick

from exilekg.anchor import NormalizedText
from exilekg.language import INFLECTED, base_language
from exilekg.mentions import name_keys

__all__ = ["Entry", "NameChange"]

Entry = tuple[str, str, list[str]]
"""An entity's id, kind and names, as :func:`exilekg.mentions.entity_names` gives them."""


class NameChange:
    """The entities whose kind or names differ between two builds' tables (those added and removed
    among them), and the names a mention finder looks for on their behalf, before and after.

    A document's mentions are found with the whole table, but a change to some entities changes
    them only where one of those entities' names occurs: elsewhere the candidates, and the names'
    owners that settle them, are the same. Texts in an inflected language, whose words are matched
    by dictionary form rather than as written, are taken to be changed whenever anything is; and so
    is every text when the unchanged entities come in another order.
    """

    def __init__(self, before: Sequence[Entry], after: Sequence[Entry]) -> None:
        old = {entity: (kind, list(names)) for entity, kind, names in before}
        new = {entity: (kind, list(names)) for entity, kind, names in after}
        changed = {entity for entity in old.keys() | new.keys() if old.get(entity) != new.get(entity)}
        self.changed = frozenset(changed)
        self.reordered = [e[0] for e in before if e[0] not in changed] != [
            e[0] for e in after if e[0] not in changed
        ]
        self.keys = name_keys([e for e in [*before, *after] if e[0] in changed])
        # One pass over a text for all the keys, however many entities changed (as mention finding
        # does), rather than a search of the whole text for each key.
        self._automaton: ahocorasick.Automaton | None = None
        if self.keys:
            self._automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
            for key in self.keys:
                self._automaton.add_word(key)
            self._automaton.make_automaton()

    def may_change(self, text: NormalizedText | None, language: object) -> bool:
        """Whether the mentions found in ``text`` (of a document in ``language``) may differ from
        those found with the earlier table."""
        if not self.changed and not self.reordered:
            return False
        if self.reordered or text is None:
            return True
        if base_language(language) in INFLECTED:
            return True
        if self._automaton is None:
            return False
        return next(self._automaton.iter(text.folded.casefold()), None) is not None
