"""What exilekg knows about the languages of its texts.

- :mod:`exilekg.language.morphology`: Russian and Ukrainian word forms compared by their
  dictionary form (pymorphy3 and its OpenCorpora and LanguageTool dictionaries), so that
  «Навального» is a form of «Навальный» and «Вильнюсе» of «Вильнюс»;
- :mod:`exilekg.language.transliteration`: Cyrillic names and their Latin spellings (ISO 9 /
  GOST 7.79, the English and German press spellings) compared through iuliia's schemes;
- :mod:`exilekg.language.recognizer`: names in running text for ``suggest`` (natasha's Russian
  named-entity recogniser, the Hanover Tagger's German parts of speech).

Every analyser is optional at run time: without it the texts are still read, names match only
in the form they are written, and :class:`LanguageNote` says so once.
"""

from __future__ import annotations

import warnings

__all__ = ["INFLECTED", "LanguageNote", "base_language", "note"]

INFLECTED = frozenset({"ru", "uk"})
"""Languages whose names are compared by dictionary form (those pymorphy3 has dictionaries for)."""


class LanguageNote(UserWarning):
    """An analyser a language needs is not installed: its texts are matched less well."""


_NOTED: set[str] = set()


def note(message: str) -> None:
    """Say ``message`` once per process (a build reads many texts of the same language)."""
    if message not in _NOTED:
        _NOTED.add(message)
        warnings.warn(message, LanguageNote, stacklevel=3)


def base_language(tag: object) -> str | None:
    """The primary subtag of a BCP 47 language tag, lowercased: "ru-RU" gives "ru"."""
    if not isinstance(tag, str) or not tag:
        return None
    return tag.split("-", 1)[0].split("_", 1)[0].casefold() or None
