"""Suggesting names an article mentions that the corpus has no record for yet.

A curator adding an article wants to know which people, organisations and places
it names that are not yet entities of the corpus. :func:`suggest` finds name-like
spans in each text and keeps those that match no known name:

* runs of capitalised words (Latin or Cyrillic), with lowercase particles such as
  "of", "for", "the", "de", "von" allowed between them ("Institute for the Study
  of War"); a possessive ends the run and is dropped ("Putin's" gives "Putin");
* organisation names in quotes, when title-like ("International Congress of Foreign
  Agents", «Мемориал»);
* acronyms (FBK, PACE, ФБК).

Capitals that say nothing are skipped: common words starting a sentence ("The",
"In", "This" ...) and, at a sentence start, any word the text also writes in
lowercase ("Politician Boris Alder" gives "Boris Alder"); a single capitalised word
at a sentence start unless the text capitalises it mid-sentence too; month and day
names; titles before a name ("President"); nationality adjectives standing alone
("Russian"); and spans found only in titles (title-case lines such as headlines,
long linked or quoted titles of works), whose every word is capitalised anyway.

A span is known when, compared without diacritics and case, it is a known name or
a run of whole words inside one ("Navalny" is known from "Alexei Navalny").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from exilekg.corpus import ReadPolicy, Record, read_records, read_text
from exilekg.errors import CorpusError

__all__ = ["CorpusNames", "KnownNames", "Suggestion", "name_spans", "read_corpus", "suggest"]


class Suggestion(NamedTuple):
    """A name the text uses (its most frequent spelling) and how often it occurs."""

    name: str
    frequency: int


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
    """The line as plain text, keeping offsets stable after Markdown links are reduced to their text."""
    parts: list[str] = []
    titles: list[tuple[int, int]] = []
    position = length = 0
    for match in _LINK.finditer(raw):
        parts.append(raw[position : match.start()])
        length += match.start() - position
        label = match.group(1)
        if len(_WORD.findall(label)) >= 6 and _is_title_case(label, max_words=30):
            titles.append((length, length + len(label)))  # a linked title, such as a related article
        parts.append(label)
        length += len(label)
        position = match.end()
    parts.append(raw[position:])
    text = "".join(parts)
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


def _line_spans(line: _Line, vocabulary: _Vocabulary) -> Iterator[tuple[str, bool]]:
    """(span, whether it lies in a title) for each name-like span of the line."""

    def in_title(start: int, end: int) -> bool:
        return any(t_start <= start and end <= t_end for t_start, t_end in line.titles)

    quoted = list(_quoted_names(line.text))
    for name, start, end in quoted:
        yield name, in_title(start, end)
    masked = [(start, end) for _, start, end in quoted]
    for run in _runs(line.text, _tokens(line.text), masked):
        trimmed = _trim(run, vocabulary)
        if not trimmed or not _keep(trimmed, vocabulary):
            continue
        start, end = trimmed[0].start, trimmed[-1].start + len(trimmed[-1].text)
        yield line.text[start:end], in_title(start, end)


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


def name_spans(text: str) -> list[str]:
    """The name-like spans of ``text`` in order of appearance, known or not.

    A span inside a title (a title-case line such as a headline, a linked or quoted
    title of a work) counts only when the prose uses it too: in a title every word
    is capitalised, so capitals say nothing there.
    """
    lines = [_prepare(raw) for raw in text.splitlines() if raw.strip()]
    vocabulary = _vocabulary(lines)
    spans = [found for line in lines for found in _line_spans(line, vocabulary)]
    in_prose = {_words(span) for span, titled in spans if not titled}
    return [span for span, titled in spans if not titled or _words(span) in in_prose]


# --------------------------------------------------------------------------- known names


def _words(name: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(re.findall(r"\w+", folded.replace("’", "'")))


@dataclass(frozen=True)
class KnownNames:
    """The names of the corpus's entities, ready for matching spans against."""

    phrases: frozenset[tuple[str, ...]]
    """Every run of whole words of every known name, normalised."""

    @classmethod
    def of(cls, names: Iterable[str]) -> KnownNames:
        phrases: set[tuple[str, ...]] = set()
        for name in names:
            words = _words(name)
            phrases.update(words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1))
        return cls(frozenset(phrases))

    def __contains__(self, span: object) -> bool:
        return isinstance(span, str) and _words(span) in self.phrases


def suggest(
    texts: Mapping[str, str], known_names: Iterable[str], *, min_count: int = 1
) -> dict[str, list[Suggestion]]:
    """For each document id of ``texts``, the names it mentions that match no known name.

    Spellings that differ only in diacritics or case are counted together under the
    most frequent one. Each list is sorted by count, most frequent first, then
    alphabetically; names seen fewer than ``min_count`` times are left out.
    """
    known = KnownNames.of(known_names)
    result: dict[str, list[Suggestion]] = {}
    for document_id, text in texts.items():
        spellings: dict[tuple[str, ...], Counter[str]] = {}
        for span in name_spans(text):
            if span not in known:
                spellings.setdefault(_words(span), Counter())[span] += 1
        found = [
            Suggestion(min(forms, key=lambda s: (-forms[s], s)), sum(forms.values()))
            for forms in spellings.values()
        ]
        result[document_id] = sorted(
            (s for s in found if s.frequency >= min_count),
            key=lambda s: (-s.frequency, s.name.casefold(), s.name),
        )
    return result


# --------------------------------------------------------------------------- reading a corpus


class CorpusNames(NamedTuple):
    """What :func:`suggest` needs from a corpus: document texts by id, and the entities' names."""

    texts: dict[str, str]
    known_names: list[str]


def read_corpus(
    corpus_dir: Path, *, texts_dir: Path | None = None, policy: ReadPolicy | None = None
) -> CorpusNames:
    """The texts and entity names of ``corpus_dir``, read straight from its JSON files.

    Names are every entity's ``name``, ``alternateNames`` and ``localNames`` values
    (Cyrillic spellings too, so that Russian texts match), including records written
    inline in documents; texts are the files the documents name, in ``texts_dir``
    (default ``<corpus_dir>/texts``). Files are read within ``policy``, as
    :func:`exilekg.corpus.read_corpus` reads them.
    """
    texts_folder = texts_dir if texts_dir is not None else corpus_dir / "texts"
    if not corpus_dir.is_dir():
        raise CorpusError(
            "no such corpus folder", path=corpus_dir, hint="give the folder that holds corpus.json"
        )
    texts: dict[str, str] = {}
    names: list[str] = []
    policy = policy if policy is not None else ReadPolicy()
    documents, records = read_records(corpus_dir, policy=policy)
    for stored in (*documents, *records):
        if stored.kind == "Document":
            document_id, file_name = stored.data.get("id"), stored.data.get("text")
            if isinstance(document_id, str) and isinstance(file_name, str):
                texts[document_id] = _read_text(
                    texts_folder / file_name, stored, (texts_folder, corpus_dir), policy
                )
            continue
        names.extend(_entity_names(stored.data))
    return CorpusNames(texts, names)


def _entity_names(data: Mapping[str, object]) -> Iterator[str]:
    name, alternates, local = data.get("name"), data.get("alternateNames"), data.get("localNames")
    if isinstance(name, str):
        yield name
    for value in alternates if isinstance(alternates, list) else []:
        if isinstance(value, str):
            yield value
    for item in local if isinstance(local, list) else []:
        if isinstance(item, dict) and isinstance(item.get("value"), str):
            yield item["value"]


def _read_text(path: Path, document: Record, inside: tuple[Path, ...], policy: ReadPolicy) -> str:
    try:
        return read_text(path, inside=inside, policy=policy)
    except FileNotFoundError:
        raise CorpusError(
            f"the text file {path.name!r} is not in {path.parent}",
            path=document.source.path,
            pointer=document.source.pointer + "/text",
            hint="put the article's text there, or give the right folder with --texts",
        ) from None
    except CorpusError as exc:
        if exc.line is not None:
            raise  # a bad byte of the text: its line in the text file says more
        raise CorpusError(
            f"the text file of document {document.id!r}: {exc.message}",
            path=document.source.path,
            pointer=document.source.pointer + "/text",
            hint=exc.hint,
        ) from None
