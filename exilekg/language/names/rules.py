"""Name-like spans by the rules every language starts from, written for English.

Runs of capitalised words with particles between them, title-like quoted names and
acronyms, with the capitals that say nothing skipped (see :mod:`exilekg.language.names`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["NameSpan", "name_spans", "words_of"]


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
        if run and (not _joins(line, (pending or run)[-1], token) or run[-1].possessive):
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


def _joins(line: str, previous: _Token, token: _Token) -> bool:
    """Whether ``token`` continues the run ending at ``previous``: only spaces between them, or
    the period after an initial ("J. R. Tolman": initials join a name across their periods)."""
    gap = line[previous.end : token.start]
    return gap.isspace() or (len(previous.text) == 1 and re.fullmatch(r"\.\s+", gap) is not None)


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
