"""Names in German texts: the Hanover Tagger's parts of speech tell the common nouns German
capitalises from proper nouns and from adjectives that are part of a name."""

from __future__ import annotations

import re

from exilekg.language.names.rules import _WORD, NameSpan, _is_acronym, _lines, _rule_spans, _tokens
from exilekg.language.recognizer import german_tags

__all__ = ["german_names"]


_GERMAN_NAME_TAGS = frozenset({"NE", "FM", "XY"})


def german_names(text: str) -> list[NameSpan]:
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
