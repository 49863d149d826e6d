"""Russian and Ukrainian word forms by their dictionary form, with pymorphy3.

pymorphy3 (the maintained fork of pymorphy2) analyses a word form with the OpenCorpora
dictionary for Russian and the LanguageTool dictionary for Ukrainian, and guesses the forms
of words it does not know (most surnames) from their endings. exilekg uses it two ways:

- matching (:meth:`Morphology.keys`): a text's word is compared with a name's word through
  every lemma the word may be a form of, *with the gender of that reading* (pymorphy's normal
  form alone is masculine), so «Навального» is «навальный» (masculine) while «Навальной» is
  «навальный» (feminine) and Alexei and Yulia Navalny stay two people; «Волкова» is both the
  masculine «волков» (the genitive of Volkov) and the feminine one (Volkova), as a reader would
  hesitate too. The lemma and gender come with the parse; inflecting every reading back into
  the nominative, as an earlier version did, cost six times as much;
- naming (:meth:`Morphology.nominative`): the dictionary form of a name as ``suggest`` lists it
  («Леонида Волкова» → «Леонид Волков», «Фонда борьбы с коррупцией» → «Фонд борьбы с коррупцией»).

Keys are folded as evidence phrases are (no diacritics, so «ё» is «е» and «й» is «и»), in
lowercase: capitals are checked apart, by the matcher. A lemma key carries its gender after
:data:`LEMMA_MARK`, so it never equals a word's own folded form.

pymorphy3 reads its dictionaries with DAWG2 (its C extension) when that is installed, as it is
with exilekg, and falls back to the pure-Python reader otherwise; a parse costs 0.06 ms with
the former and 0.24 ms with the latter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from exilekg.language import INFLECTED, note

__all__ = ["LEMMA_MARK", "Morphology", "WordInfo", "fold_word", "morphology"]

LEMMA_MARK = "\u0002"
"""Between a lemma and its gender in a key (a character no word contains)."""

# Grammemes of pymorphy3's tag set (shared by its Russian and Ukrainian dictionaries).
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_PROPER_TAGS = _NAME_TAGS | {"Geox", "Orgn", "Trad"}
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2")
_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO", "PRED"})
_NOT_NAME_POS = frozenset({"ADVB", "COMP", "VERB", "INFN", "GRND", "PRTF", "PRTS", "NUMR"}) | _FUNCTION_POS


@lru_cache(maxsize=1 << 16)  # a name's paradigm and the texts repeat their forms
def fold_word(word: str) -> str:
    """A word folded for comparison: lowercase, no diacritics, typographic apostrophes straight."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("’", "'").replace("ʼ", "'")


@dataclass(frozen=True, slots=True)
class WordInfo:
    """What ``suggest`` needs to know of one word form."""

    nominative: str
    """The word's dictionary form in the nominative singular of its gender, lowercase."""
    cases: frozenset[str]
    """The grammatical cases the form may be in (empty for an unknown or indeclinable word)."""
    name_part: str | None
    """"Name", "Surn" or "Patr" when the dictionary knows the form as part of a person's name."""
    proper: bool
    """Known to the dictionary as a proper name (a person's, a place's, an organisation's)."""
    common: bool
    """Known to the dictionary as a common word that is no name (an adverb, a verb, a pronoun ...)."""
    function: bool
    """A preposition, conjunction or particle."""
    gender: str | None
    pos: str | None
    """The part of speech of the likeliest reading (NOUN, ADJF, PREP ...)."""
    known: bool
    """In the dictionary, not guessed from its ending."""


class Morphology:
    """One language's analyser, with its answers kept per word form (texts repeat their words)."""

    def __init__(self, language: str, analyzer: Any) -> None:
        self.language = language
        self._analyzer = analyzer
        self._keys: dict[str, tuple[str, ...]] = {}
        self._parsed: dict[str, list[Any]] = {}
        self._readings: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self._info: dict[str, WordInfo] = {}

    def _parses(self, word: str) -> list[Any]:
        found = self._parsed.get(word)
        if found is None:
            found = self._parsed[word] = list(self._analyzer.parse(word))
        return found

    def name_readings(self, word: str) -> list[tuple[str, frozenset[str]]]:
        """The keys a name's word is looked for by, each with the folded word forms that carry
        it: the word itself, and the lemma of each of its readings in the nominative with every
        form of that reading's paradigm in its gender (names are given in the nominative, and
        «Лев» must not also be the short adjective «лев», 'left'); the readings in any case only
        when the dictionary knows the word in no nominative form at all (a curator who wrote
        «Навального»).

        Texts are then matched by looking their words up among these forms, with no analysis
        of the text's own words: a text has many more distinct words than the names have.
        """
        cached = self._readings.get(word)
        if cached is not None:
            return cached
        found = self._readings[word] = self._name_readings(word)
        return found

    def _name_readings(self, word: str) -> list[tuple[str, frozenset[str]]]:
        own = fold_word(word)
        readings: dict[str, set[str]] = {own: {own}}
        if not any(c.isalpha() and not c.isascii() for c in word):
            return [(own, frozenset({own}))]
        parses = self._parses(word)
        nominative = [p for p in parses if p.tag.case == "nomn" or "Fixd" in p.tag.grammemes]
        if parses and not nominative and not _guessed(parses):
            readings.pop(own)
            nominative = parses
        for parse in nominative:
            forms = readings.setdefault(_lemma_key(parse), set())
            forms.update(_paradigm(parse))
        return [(key, frozenset(forms)) for key, forms in readings.items()]

    def name_part(self, word: str) -> str | None:
        """ "Name", "Surn" or "Patr" when the dictionary knows ``word`` as part of a person's name."""
        for parse in self._parses(word):
            grammemes = parse.tag.grammemes
            for tag in ("Name", "Surn", "Patr"):
                if tag in grammemes:
                    return tag
        return None

    def info(self, word: str) -> WordInfo:
        found = self._info.get(word)
        if found is None:
            found = self._info[word] = self._describe(word)
        return found

    def _describe(self, word: str) -> WordInfo:
        parses = self._parses(word)
        known = [p for p in parses if not _is_guess(p)]
        named = [p for p in parses if _NAME_TAGS & set(p.tag.grammemes)]
        proper = [p for p in parses if _PROPER_TAGS & set(p.tag.grammemes)]
        best = (named or proper or parses or [None])[0]
        if best is None:
            return WordInfo(word.casefold(), frozenset(), None, False, False, False, None, None, False)
        grammemes = set(best.tag.grammemes)
        name_part = next((t for t in ("Name", "Surn", "Patr") if t in grammemes), None)
        # A known word whose every reading is an adverb, a verb, a pronoun ...: «Позже», «Однако».
        common = bool(known) and not proper and all(p.tag.POS in _NOT_NAME_POS for p in known)
        function = bool(known) and all(p.tag.POS in _FUNCTION_POS for p in known)
        cases = frozenset(p.tag.case for p in (named or proper or parses) if p.tag.case)
        return WordInfo(
            nominative=_nominative(best),
            cases=cases,
            name_part=name_part,
            proper=bool(proper),
            common=common,
            function=function,
            gender=best.tag.gender,
            pos=best.tag.POS,
            known=bool(known),
        )

    def nominative(self, words: Sequence[str], *, person: bool | None = None) -> list[str]:
        """``words`` of one name in the nominative, capitals as written.

        A person's name agrees in every word (gender taken from the given name); any other name
        is inflected up to its head, the first noun, and keeps the rest as written («Фонда
        борьбы с коррупцией» → «Фонд борьбы с коррупцией»).
        """
        infos = [self.info(w) for w in words]
        if person is None:
            person = any(i.name_part for i in infos) and all(
                i.name_part or not i.cases or i.proper for i in infos
            )
        gender = next((i.gender for i in infos if i.name_part == "Name" and i.gender), None)
        shared = _shared_case(infos)
        out: list[str] = []
        head_seen = False
        for word in words:
            if head_seen or word.isupper() or not any(c.isalpha() for c in word):
                out.append(word)
                continue
            form = self._inflect(word, gender if person else None, shared)
            out.append(_recase(form, word))
            if not person:
                head_seen = self._is_noun(word)
        return out

    def _is_noun(self, word: str) -> bool:
        parses = self._parses(word)
        return bool(parses) and parses[0].tag.POS == "NOUN"

    def _inflect(self, word: str, gender: str | None, case: str | None) -> str:
        parses = self._parses(word)
        if not parses:
            return word
        ranked = sorted(
            parses,
            key=lambda p: (
                not (_NAME_TAGS & set(p.tag.grammemes)),
                gender is not None and p.tag.gender not in (None, gender),
                case is not None and p.tag.case != case,
                -p.score,
            ),
        )
        return _nominative(ranked[0])


def _is_guess(parse: Any) -> bool:
    return not any(type(method[0]).__name__ == "DictionaryAnalyzer" for method in parse.methods_stack)


def _guessed(parses: Iterable[Any]) -> bool:
    return all(_is_guess(p) for p in parses)


def _paradigm(parse: Any) -> set[str]:
    """Every folded form of the parse's lexeme in the parse's own gender: «Навального»,
    «Навальному» ... for «Навальный», not «Навальной» (Yulia Navalnaya)."""
    gender = parse.tag.gender
    varies = parse.tag.POS in ("ADJF", "PRTF")
    return {fold_word(str(form.word)) for form in parse.lexeme if not varies or form.tag.gender == gender} | {
        fold_word(str(parse.word))
    }


def _lemma_key(parse: Any) -> str:
    return f"{fold_word(str(parse.normal_form))}{LEMMA_MARK}{parse.tag.gender or ''}"


def _nominative(parse: Any) -> str:
    """The parse's word in the nominative singular of its own gender (pymorphy's normal form
    would make «Навальной» masculine)."""
    tag = parse.tag
    if tag.case in (None, "nomn") and tag.number != "plur":
        return str(parse.word)
    if "Fixd" in tag.grammemes:
        return str(parse.word)
    for wanted in ({"nomn", "sing"}, {"nomn"}):
        try:
            form = parse.inflect(wanted)
        except (ValueError, KeyError):  # pymorphy raises for grammemes a paradigm lacks
            form = None
        if form is not None:
            return str(form.word)
    return str(parse.normal_form)


def _shared_case(infos: Sequence[WordInfo]) -> str | None:
    sets = [i.cases for i in infos if i.cases]
    if not sets:
        return None
    common = frozenset.intersection(*sets)
    return next((c for c in _CASES if c in common), None)


def _recase(form: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return form.upper()
    parts = form.split("-")
    originals = original.split("-")
    if len(parts) == len(originals):
        return "-".join(
            p[:1].upper() + p[1:] if o[:1].isupper() else p for p, o in zip(parts, originals, strict=True)
        )
    return form[:1].upper() + form[1:] if original[:1].isupper() else form


@cache
def morphology(language: str | None) -> Morphology | None:
    """The analyser for ``language`` ("ru", "uk"), or None for a language without one or when
    pymorphy3 or its dictionary is not installed (then a :class:`~exilekg.language.LanguageNote`
    says so once)."""
    if language not in INFLECTED:
        return None
    try:
        import pymorphy3
    except ImportError:
        note(
            "pymorphy3 is not installed: Russian and Ukrainian names match only in the form they "
            "are written (pip install pymorphy3 pymorphy3-dicts-ru pymorphy3-dicts-uk)"
        )
        return None
    try:
        analyzer = pymorphy3.MorphAnalyzer(lang=language)
    except (ValueError, OSError, ImportError) as exc:  # the language's dictionary is missing
        note(
            f"pymorphy3 has no {language!r} dictionary ({exc}): names in {language!r} texts match only "
            f"in the form they are written (pip install pymorphy3-dicts-{language})"
        )
        return None
    return Morphology(language, analyzer)
