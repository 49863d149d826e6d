"""Name-like spans in running text, by language: the raw material of ``exilekg suggest``.

Every language starts from the same rules, written for English:

* runs of capitalised words (Latin or Cyrillic), with lowercase particles such as "of",
  "for", "the", "de", "von" allowed between them ("Institute for the Study of War"); a
  possessive ends the run and is dropped ("Putin's" gives "Putin");
* organisation names in quotes, when title-like ("International Congress of Foreign Agents",
  «Мемориал»);
* acronyms (FBK, PACE, ФБК).

Capitals that say nothing are skipped: common words starting a sentence ("The", "In", "This"
...) and, at a sentence start, any word the text also writes in lowercase ("Politician Boris
Alder" gives "Boris Alder"); a single capitalised word at a sentence start unless the text
capitalises it mid-sentence too; month and day names; titles before a name ("President");
nationality adjectives standing alone ("Russian"); and spans found only in titles (title-case
lines such as headlines, long linked or quoted titles of works), whose every word is
capitalised anyway.

Then, per language:

* Russian: natasha's named-entity recogniser finds the names, lowercase words of organisation
  names included, and tells people, places and organisations apart
  (:mod:`exilekg.language.recognizer`); quoted names and acronyms are added;
* Ukrainian (and Russian without natasha): the runs of capitals are cut where two neighbouring
  names meet (their grammatical cases disagree, or a first name follows a full name:
  «Алексея Навального Кира Ярмыш»), words the dictionary knows only as adverbs, verbs or
  pronouns are dropped at their edges («Позже», «Пізніше»), and a capitalised common noun in
  mid-sentence takes the lowercase words that depend on it («Фонд боротьби з корупцією»);
* German: the Hanover Tagger's parts of speech drop the common nouns German capitalises
  ("Krieg", "Jubel") and keep proper nouns, and adjectives capitalised mid-sentence as part of
  a name ("Deutsche Welle").
"""

from __future__ import annotations

from exilekg.language import base_language
from exilekg.language.morphology import morphology
from exilekg.language.names.german import german_names
from exilekg.language.names.rules import NameSpan, _rule_spans, name_spans, words_of
from exilekg.language.names.slavic import SlavicPieces, recognised_names
from exilekg.language.recognizer import russian_names

__all__ = ["NameSpan", "find_names", "name_spans", "words_of"]


def find_names(text: str, language: str | None = None) -> list[NameSpan]:
    """The name-like spans of ``text``, a text in ``language`` (a BCP 47 tag), in text order."""
    lang = base_language(language)
    morph = morphology(lang)
    if lang == "ru":
        found = russian_names(text)
        if found is not None:
            return recognised_names(text, found, morph)
    if lang in ("ru", "uk", "be"):
        if morph is None:
            return _rule_spans(text)
        return _rule_spans(text, SlavicPieces(morph))
    if lang == "de":
        return german_names(text)
    return _rule_spans(text)
