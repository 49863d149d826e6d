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

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from exilekg.language import base_language
from exilekg.language.morphology import Morphology, morphology
from exilekg.language.recognizer import NamedSpan, german_tags, russian_names

__all__ = ["NameSpan", "find_names", "name_spans", "words_of"]


class NameSpan(NamedTuple):
    """A name-like span: its text and code-point offsets into the whole text."""

    text: str
    start: int
    end: int
    in_title: bool
    kind: str | None
    """"Person", "Organization" or "Place" when a recogniser said so."""
    quoted: bool


_PARTICLES = frozenset(
    {"of", "for", "the", "de", "del", "della", "der", "den", "di", "du", "da", "dos", "van", "von", "la",
     "le", "ul", "al", "el", "bin", "ibn", "on", "and"}
)  # fmt: skip
# "and" and "on" join names ("Ministry of Defence and Security") but also join two names
# ("Germany and France"), so they are allowed only inside quotes.
_QUOTE_ONLY_PARTICLES = frozenset({"and", "on"})
_SENTENCE_STOPWORDS = frozenset(
    {"The", "A", "An", "In", "On", "At", "To", "Of", "For", "From", "With", "By", "As", "This", "That",
     "These", "Those", "It", "Its", "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our",
     "My", "Your", "But", "And", "Or", "If", "When", "While", "After", "Before", "Although", "Though",
     "However", "Yet", "So", "Also", "Even", "Such", "Many", "Some", "Most", "All", "Both", "Each", "Every",
     "One", "Two", "There", "Here", "What", "Who", "How", "Why", "Where", "Which", "Since", "Until",
     "According", "Among", "Despite", "Under", "Over", "Then", "Now", "Meanwhile", "Moreover", "Furthermore",
     "Instead", "Still", "Later", "Earlier", "Today", "Yesterday", "Tomorrow", "Last", "Next", "First",
     "Second", "Finally", "Recently", "Previously", "Currently", "Soon", "Thus", "Therefore", "Indeed",
     "Perhaps", "Maybe", "Already", "Again", "Only", "Just", "Not", "No", "Several", "Other", "Another",
     "During", "Through", "Across", "Against", "Between", "Within", "Without", "Because", "Whether",
     "Unless", "Once", "Like", "Unlike", "Nobody", "Everyone", "Someone", "Nothing", "В", "Во", "На", "И",
     "Но", "А", "Это", "Как", "По", "Для", "Он", "Она", "Они", "Мы", "Я", "Что", "Так", "Также", "Однако",
     "При", "После", "До", "Из", "С", "К", "О", "У", "Его", "Ее", "Её", "Их", "Если", "Когда", "Хотя", "Все",
     "Эти", "Этот", "Эта"}
)  # fmt: skip
# "Jan" is left out: in this region it is as often a first name as January.
_CALENDAR = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
     "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "januar",
     "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "montag", "dienstag", "mittwoch",
     "donnerstag", "freitag", "samstag", "sonntag", "январь", "февраль", "март", "апрель", "май", "июнь",
     "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь", "понедельник", "вторник", "среда",
     "четверг", "пятница", "суббота", "воскресенье"}
)  # fmt: skip

_WORD = re.compile(r"[^\W\d_](?:[\w-]|['’](?=\w))*")
_QUOTED = re.compile(r"“([^”\n]{2,300})”|\"([^\"\n]{2,300})\"|«([^»\n]{2,300})»|„([^“”\n]{2,300})[“”]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"[.!?…:“«„\"]")  # quoted speech starts a sentence too
_CONTRACTIONS = frozenset({"m", "ll", "re", "ve", "d", "t"})
_TITLES = frozenset(
    {"President", "Prime", "Minister", "Chancellor", "Politician", "Senator", "Deputy", "General", "Colonel",
     "Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "Lady", "Professor", "Prof", "Judge", "Mayor", "Governor"}
)  # fmt: skip
# Nationality adjectives of the region are capitalised in English and crowd every list, yet name
# no entity on their own ("Russian", "Soviet"); inside a longer name they still count.
_DEMONYMS = frozenset(
    {"russian", "russians", "ukrainian", "ukrainians", "belarusian", "belarusians", "georgian", "georgians",
     "armenian", "armenians", "european", "europeans", "american", "americans", "british", "german",
     "germans", "french", "polish", "latvian", "latvians", "lithuanian", "lithuanians", "estonian",
     "estonians", "czech", "jewish", "arab", "soviet", "western", "eastern", "westerners", "kazakh",
     "israeli"}
)  # fmt: skip


# --------------------------------------------------------------------------- spans


class _Token(NamedTuple):
    text: str
    start: int
    end: int
    sentence_start: bool
    possessive: bool


class _Line(NamedTuple):
    """A line of text with Markdown and URLs blanked out, and the ranges that are titles of works."""

    text: str
    titles: list[tuple[int, int]]


@dataclass(frozen=True)
class _Vocabulary:
    """What the whole text says about its words' usual case."""

    mid_sentence_capitals: frozenset[str]
    lowercase: frozenset[str]

    def is_common(self, word: str) -> bool:
        """Whether the text also uses ``word`` in lowercase (singular or plural): a common word."""
        folded = word.casefold()
        return bool({folded, folded + "s", folded.removesuffix("s")} & self.lowercase)


def _split_apostrophe(word: str) -> tuple[str, str]:
    match = re.fullmatch(r"(.+?)['’](\w*)", word)
    return (match.group(1), match.group(2)) if match else (word, "")


def _tokens(line: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    previous_text = ""
    for match in _WORD.finditer(line):
        word = match.group(0)
        if not word[0].isalpha():
            continue  # superscript digits match \w, but they are footnote marks
        gap = line[previous_end : match.start()]
        # "F. Kennedy": a period after a single capital is an initial, not a sentence end.
        ends_sentence = _SENTENCE_END.search(gap) is not None and not (
            len(previous_text) == 1 and previous_text.isupper() and gap.strip() == "."
        )
        base, suffix = _split_apostrophe(word)
        possessive = base != word and suffix.casefold() in {"s", ""}
        if possessive:
            word = base
        elif base != word and suffix.casefold() in _CONTRACTIONS:
            word = word.casefold()  # "I’m", "Don’t" are never part of a name
        tokens.append(_Token(word, match.start(), match.end(), not tokens or ends_sentence, possessive))
        previous_end, previous_text = match.end(), word
    return tokens


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_title_case(text: str, *, max_words: int = 15) -> bool:
    """Most longer words capitalised: a headline, subheading or the title of a work."""
    words = _WORD.findall(text)
    if not 1 < len(words) <= max_words:
        return False
    significant = [w for w in words if w.casefold() not in _PARTICLES and len(w) > 3]
    return bool(significant) and sum(_is_capitalised(w) for w in significant) >= 0.6 * len(significant)


def _prepare(raw: str) -> _Line:
    """The line as plain text, each Markdown link blanked to its label so that every offset
    stays that of the original line."""
    titles: list[tuple[int, int]] = []

    def label_only(match: re.Match[str]) -> str:
        label = match.group(1)
        if len(_WORD.findall(label)) >= 6 and _is_title_case(label, max_words=30):
            titles.append((match.start(1), match.end(1)))  # a linked title, such as a related article
        return " " * (match.start(1) - match.start()) + label + " " * (match.end() - match.end(1))

    text = _LINK.sub(label_only, raw)
    # Same-length blanks keep every offset valid while hiding what is not prose.
    text = re.sub(
        r"https?://\S+|\*\*|__|[¹²³⁴⁵⁶⁷⁸⁹⁰]|\((?:CC[ -][^)]*|CC0[^)]*|[Pp]ublic [Dd]omain)\)",
        lambda m: " " * len(m.group(0)),
        text,
    )
    text = re.sub(r"^(\s*)(#{1,6}|[-*•>]|\d+[.)])(?=\s)", lambda m: m.group(1) + " " * len(m.group(2)), text)
    stripped = text.strip()
    one_sentence = not re.search(r"[.!?;]\s+\S", stripped) and not stripped.endswith((".", ";", ",", ":"))
    if stripped and one_sentence and _is_title_case(stripped):
        titles.append((0, len(text)))
    for match in _QUOTED.finditer(text):
        group = next(i for i in range(1, 5) if match.group(i) is not None)
        if len(_WORD.findall(match.group(group))) > 8 and _is_title_case(match.group(group), max_words=40):
            titles.append((match.start(group), match.end(group)))  # a quoted title of an article or book
    return _Line(text, titles)


def _runs(line: str, tokens: list[_Token], masked: list[tuple[int, int]]) -> Iterator[list[_Token]]:
    """Runs of capitalised tokens joined by spaces, particles allowed between them."""
    run: list[_Token] = []
    pending: list[_Token] = []  # particles waiting for a capitalised word to follow
    for token in tokens:
        if any(start <= token.start < end for start, end in masked):
            continue
        previous = (pending or run)[-1] if run else None
        gap = line[previous.end : token.start] if previous else ""
        # "J. R. Tolman": initials join a name across their periods.
        initial = previous is not None and len(previous.text) == 1 and re.fullmatch(r"\.\s+", gap) is not None
        joined = bool(run) and (gap.isspace() or initial)
        if run and (not joined or run[-1].possessive):
            yield run
            run, pending = [], []
        if _is_capitalised(token.text):
            run.extend(pending)
            run.append(token)
            pending = []
        elif run and token.text in _PARTICLES and token.text not in _QUOTE_ONLY_PARTICLES:
            pending.append(token)
        else:
            if run:
                yield run
            run, pending = [], []
    if run:
        yield run


def _trim(run: list[_Token], vocabulary: _Vocabulary) -> list[_Token]:
    """The run without what only looks like part of a name at its edges."""
    start, end = 0, len(run)
    while start < end and _drop_first(run, start, end, vocabulary):
        start += 1
    while end > start and (
        run[end - 1].text.casefold() in _CALENDAR or not _is_capitalised(run[end - 1].text)
    ):
        end -= 1
    return run[start:end]


def _drop_first(run: list[_Token], start: int, end: int, vocabulary: _Vocabulary) -> bool:
    token = run[start]
    word = token.text
    at_sentence_start = token.sentence_start or (start > 0 and run[start - 1].sentence_start)
    if not _is_capitalised(word) or word.casefold() in _CALENDAR:
        return True
    if at_sentence_start and word in _SENTENCE_STOPWORDS:
        return True
    if end - start > 1 and word in _TITLES:
        return True
    # "Politician Dmitry Gudkov" at a sentence start: a word the text also writes in lowercase.
    return (
        end - start > 1
        and token.sentence_start
        and word not in vocabulary.mid_sentence_capitals
        and vocabulary.is_common(word)
    )


def _quoted_names(line: str) -> Iterator[tuple[str, int, int]]:
    """Names in quotes: title-like, up to eight words ("Free Russia Forum", «Мемориал»)."""
    for match in _QUOTED.finditer(line):
        group = next(i for i in range(1, 5) if match.group(i) is not None)
        inner = match.group(group).strip().rstrip(".,;:")
        words = _WORD.findall(inner)
        if not words or len(words) > 8 or not _is_capitalised(words[0]):
            continue
        cyrillic = any("\u0400" <= c <= "\u04ff" for c in inner)
        # Russian capitalises only a name's first word («Новая газета»); English capitalises each.
        title_like = (
            len(words) <= 5 if cyrillic else all(_is_capitalised(w) or w in _PARTICLES for w in words)
        )
        if title_like and (len(words) > 1 or _is_acronym(words[0]) or cyrillic):
            start = match.start(group) + (len(match.group(group)) - len(match.group(group).lstrip()))
            yield inner, start, start + len(inner)


def _line_spans(line: _Line, vocabulary: _Vocabulary, pieces: _Pieces) -> Iterator[NameSpan]:
    """Each name-like span of the line (offsets within the line)."""

    def in_title(start: int, end: int) -> bool:
        return any(t_start <= start and end <= t_end for t_start, t_end in line.titles)

    quoted = list(_quoted_names(line.text))
    for name, start, end in quoted:
        yield NameSpan(name, start, end, in_title(start, end), None, True)
    masked = [(start, end) for _, start, end in quoted]
    tokens = _tokens(line.text)
    for run in _runs(line.text, tokens, masked):
        for piece in pieces(_trim(run, vocabulary), tokens):
            if not piece or not _keep(piece, vocabulary):
                continue
            start, end = piece[0].start, piece[-1].start + len(piece[-1].text)
            yield NameSpan(line.text[start:end], start, end, in_title(start, end), None, False)


def _keep(span: list[_Token], vocabulary: _Vocabulary) -> bool:
    if len(span) > 1:
        return True
    word = span[0].text
    if len(word) < 2 or word.casefold() in _DEMONYMS or word in _SENTENCE_STOPWORDS:
        return False
    # A capital that only ever starts a sentence is no evidence of a name.
    return not span[0].sentence_start or _is_acronym(word) or word in vocabulary.mid_sentence_capitals


def _vocabulary(lines: list[_Line]) -> _Vocabulary:
    capitals: set[str] = set()
    lowercase: set[str] = set()
    for line in lines:
        for token in _tokens(line.text):
            if not _is_capitalised(token.text):
                lowercase.add(token.text.casefold())
            elif not token.sentence_start and not any(s <= token.start < e for s, e in line.titles):
                capitals.add(token.text)
    return _Vocabulary(frozenset(capitals), frozenset(lowercase))


_Pieces = Callable[[list[_Token], list[_Token]], list[list[_Token]]]


def _whole(run: list[_Token], line_tokens: list[_Token]) -> list[list[_Token]]:
    return [run]


def words_of(name: str) -> tuple[str, ...]:
    """The words of ``name`` folded for grouping: lowercase, no diacritics."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(re.findall(r"\w+", folded.replace("’", "'")))


def _lines(text: str) -> Iterator[tuple[int, _Line]]:
    offset = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        if body.strip():
            yield offset, _prepare(body)
        offset += len(raw)


def _rule_spans(text: str, pieces: _Pieces = _whole) -> list[NameSpan]:
    lines = list(_lines(text))
    vocabulary = _vocabulary([line for _, line in lines])
    spans = [
        found._replace(start=found.start + offset, end=found.end + offset)
        for offset, line in lines
        for found in _line_spans(line, vocabulary, pieces)
    ]
    in_prose = {words_of(s.text) for s in spans if not s.in_title}
    return [s for s in spans if not s.in_title or words_of(s.text) in in_prose]


def name_spans(text: str) -> list[str]:
    """The name-like spans of ``text`` by the rules written for English, in order of appearance.

    A span inside a title (a title-case line such as a headline, a linked or quoted title of a
    work) counts only when the prose uses it too: in a title every word is capitalised, so
    capitals say nothing there.
    """
    return [s.text for s in _rule_spans(text)]


def find_names(text: str, language: str | None = None) -> list[NameSpan]:
    """The name-like spans of ``text``, a text in ``language`` (a BCP 47 tag), in text order."""
    lang = base_language(language)
    morph = morphology(lang)
    if lang == "ru":
        found = russian_names(text)
        if found is not None:
            return _recognised(text, found, morph)
    if lang in ("ru", "uk", "be"):
        if morph is None:
            return _rule_spans(text)
        return _rule_spans(text, _SlavicPieces(morph))
    if lang == "de":
        return _german(text)
    return _rule_spans(text)


# --------------------------------------------------------------------------- Russian and Ukrainian


@dataclass(frozen=True)
class _SlavicPieces:
    """Cuts a run of capitals where two names meet, and completes organisation names."""

    morph: Morphology

    def __call__(self, run: list[_Token], line_tokens: list[_Token]) -> list[list[_Token]]:
        if not run:
            return []
        pieces: list[list[_Token]] = [[]]
        for token in run:
            piece = pieces[-1]
            if piece and self._meet(piece, token):
                pieces.append([])
            pieces[-1].append(token)
        out = [self._edges(p) for p in pieces]
        out = [p for p in out if p]
        if out:
            out[-1] = self._complete(out[-1], line_tokens)
        return out

    def _meet(self, piece: list[_Token], token: _Token) -> bool:
        info = self.morph.info(token.text)
        before = self.morph.info(piece[-1].text)
        if before.cases and info.cases and not (before.cases & info.cases):
            return True
        # «Алексей Навальный Кира Ярмыш»: a first name after a first name and a surname.
        names = [self.morph.info(t.text).name_part for t in piece]
        return info.name_part == "Name" and "Name" in names and len(piece) >= 2

    def _edges(self, piece: list[_Token]) -> list[_Token]:
        start, end = 0, len(piece)
        # «Позже Леонид Волков», «Пізніше ...»: a dictionary word that is no name, capitalised only
        # because it starts the sentence (in mid-sentence a capital means a name, whatever the
        # dictionary says: «Ярмиш» is also a Ukrainian verb).
        while start < end and piece[start].sentence_start and self._plain_word(piece[start]):
            start += 1
        while end > start and self._function_word(piece[end - 1]):
            end -= 1
        return piece[start:end]

    def _function_word(self, token: _Token) -> bool:
        return self.morph.info(token.text).function and not token.text.isupper()

    def _plain_word(self, token: _Token) -> bool:
        if token.text.isupper():
            return False
        info = self.morph.info(token.text)
        return info.common or info.function or (info.known and not info.proper)

    def _complete(self, piece: list[_Token], line_tokens: list[_Token]) -> list[_Token]:
        """«Фонд» in mid-sentence, a common noun with a capital: the start of an organisation's
        name, which takes the lowercase words that depend on it."""
        last = piece[-1]
        info = self.morph.info(last.text)
        if last.sentence_start or info.proper or info.pos not in ("NOUN", "ADJF") or last.text.isupper():
            return piece  # at a sentence start, every word has a capital
        position = next((i for i, t in enumerate(line_tokens) if t.start == last.start), None)
        if position is None:
            return piece
        taken: list[_Token] = []
        previous_pos = info.pos
        for token in line_tokens[position + 1 : position + 7]:
            if token.text[:1].isupper() and not self.morph.info(token.text).proper:
                break
            word = self.morph.info(token.text)
            if word.pos == "PREP":
                taken.append(token)
                previous_pos = "PREP"
                continue
            oblique = bool(word.cases - {"nomn", "accs", "voct"})  # may depend on the noun before
            head = previous_pos == "ADJF" and word.pos == "NOUN"
            if word.pos in ("NOUN", "ADJF") and (oblique or head or previous_pos == "PREP"):
                taken.append(token)
                previous_pos = word.pos
                continue
            break
        while taken and self.morph.info(taken[-1].text).pos == "PREP":
            taken.pop()
        return piece + taken if taken else piece


def _recognised(text: str, found: list[NamedSpan], morph: Morphology | None) -> list[NameSpan]:
    out: list[NameSpan] = []
    for span in found:
        # «Фонд борьбы с коррупцией (ФБК)»: the name and its acronym are two spans.
        for match in re.finditer(r"[^()\[\]]+", text[span.start : span.end]):
            start, end = span.start + match.start(), span.start + match.end()
            while start < end and not text[start].isalnum():
                start += 1
            while end > start and not text[end - 1].isalnum():
                end -= 1
            words = list(_WORD.finditer(text, start, end))
            if morph is not None:
                while words and _drop_word(morph, words[0].group()):
                    words.pop(0)
                while words and _drop_word(morph, words[-1].group()):
                    words.pop()
            if words:
                start, end = words[0].start(), words[-1].end()
                out.append(NameSpan(text[start:end], start, end, False, span.kind, False))
    covered = [(s.start, s.end) for s in out]

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in covered)

    for offset, line in _lines(text):
        for name, start, end in _quoted_names(line.text):
            if free(start + offset, end + offset):
                out.append(NameSpan(name, start + offset, end + offset, False, None, True))
        for token in _tokens(line.text):
            if _is_acronym(token.text) and free(token.start + offset, token.end + offset):
                s, e = token.start + offset, token.start + offset + len(token.text)
                out.append(NameSpan(token.text, s, e, False, None, False))
    return sorted(out, key=lambda s: s.start)


def _drop_word(morph: Morphology, word: str) -> bool:
    if word.isupper():
        return False
    info = morph.info(word)
    return info.common or info.function


# --------------------------------------------------------------------------- German

_GERMAN_NAME_TAGS = frozenset({"NE", "FM", "XY"})


def _german(text: str) -> list[NameSpan]:
    lines = list(_lines(text))
    tags_by_line: dict[int, dict[int, str]] = {}
    for offset, line in lines:
        tokens = _tokens(line.text)
        tags = german_tags([t.text for t in tokens])
        if tags is None:
            return _rule_spans(text)
        tags_by_line[offset] = {t.start + offset: tag for t, tag in zip(tokens, tags, strict=True)}
    out: list[NameSpan] = []
    for span in _rule_spans(text):
        if span.quoted:
            out.append(span)
            continue
        line_tags = next(
            (tags for offset, tags in sorted(tags_by_line.items(), reverse=True) if offset <= span.start), {}
        )
        words = list(_WORD.finditer(text, span.start, span.end))
        for part in _german_parts(words):
            kept = _german_name([(w, line_tags.get(w.start(), "")) for w in part])
            if kept:
                start, end = kept[0].start(), kept[-1].end()
                out.append(span._replace(text=text[start:end], start=start, end=end))
    return out


_GERMAN_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den", "und"})


def _german_parts(words: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """A run cut at German articles: in German they start the next phrase far more often than
    they join a name ("von der Leyen" is cut too)."""
    parts: list[list[re.Match[str]]] = [[]]
    for word in words:
        if word.group() in _GERMAN_ARTICLES:
            parts.append([])
            continue
        parts[-1].append(word)
    for part in parts:
        while part and part[-1].group() in ("von", "van", "zu"):
            part.pop()  # "Katrin Albrecht von der Organisation ...": the name ends before "von"
    return [p for p in parts if p]


def _german_name(tagged: list[tuple[re.Match[str], str]]) -> list[re.Match[str]]:
    """The words of a run of capitals that name something: proper nouns, and the capitalised
    adjectives and nouns of a multi-word name ("Deutsche Welle"); nothing when all are common."""
    if len(tagged) == 1:
        word, tag = tagged[0]
        return [word] if tag in _GERMAN_NAME_TAGS or _is_acronym(word.group()) else []
    if not any(tag in _GERMAN_NAME_TAGS or tag.startswith("ADJ") for _, tag in tagged):
        return []
    start, end = 0, len(tagged)
    # "Oppositionspolitiker Leonid Wolkow": common nouns before a proper noun are titles.
    while start < end and not (tagged[start][1] in _GERMAN_NAME_TAGS or tagged[start][1].startswith("ADJ")):
        start += 1
    # "Navalnys Witwe": a common noun after a proper noun is not part of its name.
    while end > start + 1 and tagged[end - 1][1] == "NN" and tagged[end - 2][1] in _GERMAN_NAME_TAGS:
        end -= 1
    return [w for w, _ in tagged[start:end]]
