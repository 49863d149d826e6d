"""Suggesting names an article mentions that the corpus has no record for yet.

A curator adding an article wants to know which people, organisations and places it names
that are not yet entities of the corpus. :func:`suggest_corpus` finds name-like spans in each
text (:func:`exilekg.language.names.find_names`, by the document's language) and keeps those
that no mention covers: a span is known when the mentions of the corpus's entities
(:mod:`exilekg.mentions`, inflection and all) cover every word of it, so "Russia" is hidden
only where "Free Russia Forum" occurs, not in every document once that forum has a record.

One line per name: each name is given in its dictionary form (the nominative for Russian and
Ukrainian: «Алексея Навального» and «Навальному» are counted under «Алексей Навальный»), a
surname alone is counted under the full name the document uses, spellings that differ only in
diacritics or case are counted together, and the names of ``left-out-names.json`` are left out.
A name in one script that spells, in the other, the name of a known entity («Навальный» in a
Russian text, Alexei Navalny in the corpus) is proposed as that entity's local name.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.anchor import NormalizedText, normalize_phrase
from exilekg.atomic import write_text
from exilekg.corpus import Corpus, ReadPolicy, Record, read_json
from exilekg.errors import CorpusError
from exilekg.kinds import ENTITY_KINDS
from exilekg.language import INFLECTED, base_language
from exilekg.language.morphology import morphology
from exilekg.language.names import NameSpan, find_names, name_spans, words_of
from exilekg.language.transliteration import latin_spelling, same_name
from exilekg.mentions import MentionFinder, entity_names

__all__ = [
    "LEFT_OUT_FILE",
    "LeftOutName",
    "Suggestion",
    "Transliteration",
    "draft_records",
    "load_left_out_names",
    "name_spans",
    "suggest",
    "suggest_corpus",
    "transliteration_patch",
]

LEFT_OUT_FILE = "left-out-names.json"


@dataclass(frozen=True)
class LeftOutName:
    """A name in the texts that deliberately has no record, and why."""

    name: str
    reason: str
    document: str | None = None


@dataclass(frozen=True)
class Transliteration:
    """A name that spells, in another script, a name of a known entity."""

    entity: str
    language: str | None
    """The document's language: the local name's language tag."""


@dataclass(frozen=True)
class Suggestion:
    """A name a text uses that no record covers: its dictionary form and how often it occurs."""

    name: str
    frequency: int
    forms: tuple[str, ...] = ()
    """The text's own spellings, most frequent first."""
    kind: str | None = None
    """"Person", "Organization" or "Place" when a recogniser or the context says so."""
    first: tuple[int, int] = (0, 0)
    """Code-point offsets of its first occurrence."""
    looks_like: tuple[Transliteration, ...] = ()


def load_left_out_names(corpus_dir: Path, policy: ReadPolicy | None = None) -> list[LeftOutName]:
    """The corpus's ``left-out-names.json``: names deliberately without a record, with reasons
    (read within ``policy``, as :func:`~exilekg.corpus.read_corpus` reads a corpus)."""
    path = corpus_dir / LEFT_OUT_FILE
    try:
        items = read_json(path, inside=(corpus_dir,), policy=policy or ReadPolicy())
    except FileNotFoundError:
        return []
    out: list[LeftOutName] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        named = isinstance(item, dict) and isinstance(item.get("name"), str)
        if not (named and isinstance(item.get("reason"), str)):
            raise CorpusError(
                "each left-out name needs a 'name' and a 'reason'",
                path=path,
                pointer=f"/{index}",
                hint='write {"name": "...", "reason": "...", "document": "optional id"}',
            )
        out.append(LeftOutName(item["name"], item["reason"], item.get("document")))
    return out


# --------------------------------------------------------------------------- one text


@dataclass
class _Group:
    name: str
    forms: Counter[str] = field(default_factory=Counter)
    absorbed: Counter[str] = field(default_factory=Counter)
    """Forms of shorter names counted under this one (a surname alone)."""
    first: tuple[int, int] = (0, 0)
    kinds: Counter[str] = field(default_factory=Counter)


def _covered(span: NameSpan, covered: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The parts of ``span`` (word runs) that no mention covers."""
    words = [m.span() for m in re.finditer(r"\w+(?:['’\-]\w+)*", text[span.start : span.end])]
    free = [
        (span.start + a, span.start + b)
        for a, b in words
        if not any(s < span.start + b and span.start + a < e for s, e in covered)  # "Navalnys"
    ]
    if len(free) == len(words):
        return [(span.start, span.end)]
    runs: list[tuple[int, int]] = []
    for a, b in free:
        if runs and re.fullmatch(r"[\s\"'«»“”„-]*", text[runs[-1][1] : a]):
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def _dictionary_form(text: str, language: str | None, kind: str | None) -> str:
    morph = morphology(language)
    if morph is None or not re.search(r"[\u0400-\u04ff]", text):
        return text
    words = re.findall(r"\w+(?:['’\-]\w+)*|\S", text)
    nominative = morph.nominative(
        [w for w in words if w[0].isalnum()], person=None if kind is None else kind == "Person"
    )
    out, index = [], 0
    for word in words:
        if word[0].isalnum():
            out.append(nominative[index])
            index += 1
        else:
            out.append(word)
    return re.sub(r"\s+([»\"”)])", r"\1", re.sub(r"([«\"„(])\s+", r"\1", " ".join(out)))


def _document_suggestions(
    text: str, language: str | None, finder: MentionFinder, min_count: int
) -> list[Suggestion]:
    lang = base_language(language)
    found = finder.find(NormalizedText(text), language)
    covered = [(m.start, m.end) for m in found] + [(a.start, a.end) for a in found.ambiguous]
    groups: dict[tuple[str, ...], _Group] = {}
    for span in find_names(text, language):
        for start, end in _covered(span, covered, text):
            form = text[start:end]
            if len(form) < 2 or (form != text[span.start : span.end] and not form[:1].isupper()):
                continue
            name = _dictionary_form(form, lang, span.kind) if lang in INFLECTED else form
            key = words_of(name)
            if not key:
                continue
            group = groups.setdefault(key, _Group(name, first=(start, end)))
            group.forms[form] += 1
            if span.kind:
                group.kinds[span.kind] += 1
    _merge_short_forms(groups, german=lang == "de")
    out = []
    for group in groups.values():
        frequency = sum(group.forms.values()) + sum(group.absorbed.values())
        if frequency < min_count:
            continue
        own = tuple(sorted(group.forms, key=lambda f: (-group.forms[f], f)))
        forms = own + tuple(sorted(set(group.absorbed) - set(own), key=lambda f: (-group.absorbed[f], f)))
        name = group.name if lang in INFLECTED else own[0]
        kind = group.kinds.most_common(1)[0][0] if group.kinds else _guess_kind(name, text, group.first)
        out.append(Suggestion(name, frequency, forms, kind, group.first))
    return sorted(out, key=lambda s: (-s.frequency, s.name.casefold(), s.name))


def _merge_short_forms(groups: dict[tuple[str, ...], _Group], *, german: bool) -> None:
    """A surname alone under the one full name ending in it; a German genitive under its name."""
    for key in list(groups):
        if german and len(key) == 1 and key[0].endswith("s") and (key[0][:-1],) in groups:
            _absorb(groups, key, (key[0][:-1],))
            continue
        if len(key) != 1:
            continue
        longer = [k for k in groups if len(k) > 1 and k[-1] == key[0]]
        if len(longer) == 1:
            _absorb(groups, key, longer[0])


def _absorb(groups: dict[tuple[str, ...], _Group], key: tuple[str, ...], into: tuple[str, ...]) -> None:
    short = groups.pop(key)
    target = groups[into]
    target.absorbed.update(short.forms)
    target.absorbed.update(short.absorbed)
    target.kinds.update(short.kinds)
    target.first = min(target.first, short.first)


_ORGANISATION_WORDS = re.compile(
    r"(?i)\b(foundation|fund|institute|center|centre|committee|council|party|forum|movement|"
    r"agency|ministry|union|association|congress|parliament|times|news|media|network|group|"
    r"stiftung|partei|zeitung|verein|bund|фонд|комитет|комітет|совет|рада|партия|партія|движение|"
    r"рух|союз|газета|центр|институт|інститут|министерство|міністерство|общество|товариство)\b"
)
_PLACE_BEFORE = re.compile(r"(?i)(?:^|\W)(in|to|from|at|nach|aus|im|в|во|из|у|до|з|із)\s+$")


_ORGANISATION_TYPES = [
    (re.compile(r"(?i)\b(foundation|fund|stiftung|фонд)\b"), "foundation"),
    (re.compile(r"(?i)\b(party|partei|партия|партія)\b"), "party"),
    (re.compile(r"(?i)\b(movement|рух|движение)\b"), "movement"),
    (re.compile(r"(?i)\b(times|news|media|zeitung|газета|медиа)\b"), "media"),
    (re.compile(r"(?i)\b(institute|center|centre|інститут|институт|центр)\b"), "research"),
    (re.compile(r"(?i)\b(ministry|министерство|міністерство)\b"), "government"),
]


def _guess_kind(name: str, text: str, first: tuple[int, int]) -> str:
    if _ORGANISATION_WORDS.search(name) or name.isupper():
        return "Organization"
    if _PLACE_BEFORE.search(text[max(0, first[0] - 8) : first[0]]):
        return "Place"
    return "Person" if len(name.split()) in (2, 3) else "Organization"


# --------------------------------------------------------------------------- the corpus


def _entities(corpus: Corpus) -> list[tuple[str, str, list[str]]]:
    return list(entity_names(corpus))


def _transliterations(
    suggestions: list[Suggestion], entities: list[tuple[str, str, list[str]]], language: str | None
) -> list[Suggestion]:
    out = []
    for s in suggestions:
        words = re.findall(r"\w+", s.name)
        cyrillic = bool(re.search(r"[\u0400-\u04ff]", s.name))
        matches: list[str] = []
        for entity, kind, names in entities:
            for name in names:
                if bool(re.search(r"[\u0400-\u04ff]", name)) == cyrillic:
                    continue
                other = re.findall(r"\w+", name)
                if same_name(words, other) or (
                    len(words) == 1 and kind == "Person" and len(other) > 1 and same_name(words, other[-1:])
                ):
                    matches.append(entity)
                    break
        if matches:
            s = Suggestion(s.name, s.frequency, s.forms, s.kind, s.first,
                           tuple(Transliteration(e, base_language(language)) for e in matches))  # fmt: skip
        out.append(s)
    return out


def _left_out(name: str, forms: Iterable[str], document: str, left_out: Iterable[LeftOutName]) -> bool:
    keys = {words_of(name), *(words_of(f) for f in forms)}
    return any(item.document in (None, document) and words_of(item.name) in keys for item in left_out)


def suggest_corpus(
    corpus: Corpus, *, min_count: int = 1, left_out: Iterable[LeftOutName] | None = None
) -> dict[str, list[Suggestion]]:
    """For each document of ``corpus`` with a text, the names it uses that match no entity.

    Each list is sorted by count, most frequent first, then alphabetically; names seen fewer
    than ``min_count`` times, and the names of ``left_out`` (by default the corpus's
    ``left-out-names.json``), are left out.
    """
    skipped = list(left_out) if left_out is not None else load_left_out_names(corpus.root, corpus.policy)
    entities = _entities(corpus)
    finder = MentionFinder(entities)
    result: dict[str, list[Suggestion]] = {}
    for document in corpus.documents:
        if document.id is None:
            continue
        text = corpus.text(document)
        if text is None:
            continue
        language = document.data.get("language")
        found = _document_suggestions(text.text, language, finder, min_count)
        found = [s for s in found if not _left_out(s.name, s.forms, document.id, skipped)]
        result[document.id] = _transliterations(found, entities, language)
    return result


def suggest(
    texts: Mapping[str, str],
    entities: Iterable[tuple[str, str, list[str]]],
    *,
    languages: Mapping[str, str] | None = None,
    min_count: int = 1,
) -> dict[str, list[Suggestion]]:
    """For each document id of ``texts``, the names it mentions that match no entity of
    ``entities`` ((id, kind, names) triples), the text read as in ``languages[id]``."""
    listed = list(entities)
    finder = MentionFinder(listed)
    return {
        doc: _transliterations(
            _document_suggestions(text, (languages or {}).get(doc), finder, min_count),
            listed,
            (languages or {}).get(doc),
        )
        for doc, text in texts.items()
    }


# --------------------------------------------------------------------------- curating


def _records(corpus: Corpus) -> dict[str, Record]:
    return {r.id: r for r in corpus.records if r.id is not None and r.kind in ENTITY_KINDS}


def transliteration_patch(corpus: Corpus, suggestions: Mapping[str, list[Suggestion]]) -> dict[str, Any]:
    """JSON Patches (RFC 6902), one per record file, adding every name that spells a known
    entity's name in another script as that entity's local name (``{"records/people.json":
    [{"op": "add", "path": "/3/localNames/-", "value": {...}}]}``)."""
    records = _records(corpus)
    patches: dict[str, list[dict[str, Any]]] = {}
    added: dict[str, set[str]] = {}
    for found in suggestions.values():
        for s in found:
            for match in s.looks_like:
                record = records.get(match.entity)
                if record is None or record.source.line is not None or match.language is None:
                    continue  # a JSON Lines record has no pointer to patch: add the name by hand
                if s.name in added.setdefault(match.entity, set()):
                    continue
                added[match.entity].add(s.name)
                file = record.source.path.relative_to(corpus.root).as_posix()
                value = {"value": s.name, "language": match.language}
                pointer = record.source.pointer
                ops = patches.setdefault(file, [])
                has_list = "localNames" in record.data or any(
                    op["path"].startswith(f"{pointer}/localNames") for op in ops
                )
                if has_list:
                    ops.append({"op": "add", "path": f"{pointer}/localNames/-", "value": value})
                else:
                    ops.append({"op": "add", "path": f"{pointer}/localNames", "value": [value]})
    return patches


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", normalize_phrase(latin_spelling(name)).casefold()).strip("-")[:100]
    base = base or "entity"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def draft_records(corpus: Corpus, suggestions: Mapping[str, list[Suggestion]]) -> list[dict[str, Any]]:
    """Skeleton entity records for the suggested names, for a curator to review: the kind the
    recogniser or the context gives, the name in its dictionary form (in Latin, the Cyrillic as a
    local name), other spellings as alternate names, and one evidence phrase."""
    taken = {r.id for r in corpus.all_records() if r.id is not None}
    languages = {d.id: base_language(d.data.get("language")) for d in corpus.documents}
    drafts: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    for document_id, found in suggestions.items():
        text = next((corpus.text(d) for d in corpus.documents if d.id == document_id), None)
        for s in found:
            key = words_of(s.name)
            if s.looks_like or key in seen or text is None:
                continue
            seen.add(key)
            drafts.append(_draft(s, document_id, languages.get(document_id), text.normalized, taken))
    return drafts


def _draft(
    s: Suggestion, document: str, language: str | None, text: NormalizedText, taken: set[str]
) -> dict[str, Any]:
    kind = s.kind or "Organization"
    cyrillic = bool(re.search(r"[\u0400-\u04ff]", s.name))
    record: dict[str, Any] = {"kind": kind, "id": _slug(s.name, taken), "name": latin_spelling(s.name)}
    if kind == "Organization":
        record["type"] = next((t for pattern, t in _ORGANISATION_TYPES if pattern.search(s.name)), "other")
    elif kind == "Place":
        record["type"] = "other"
    alternates = [f for f in s.forms if words_of(f) != words_of(s.name)] if language not in INFLECTED else []
    if alternates:
        record["alternateNames"] = alternates
    if cyrillic:
        record["localNames"] = [{"value": s.name, "language": language or "ru"}]
    exact = text.text[s.first[0] : s.first[1]]
    evidence: dict[str, Any] = {"document": document, "exact": exact}
    hits = text.find_all(normalize_phrase(exact))
    if len(hits) > 1:
        starts = [text.span(h, h + len(normalize_phrase(exact)))[0] for h in hits]
        evidence["occurrence"] = starts.index(s.first[0]) + 1 if s.first[0] in starts else 1
    record["evidence"] = [evidence]
    return record


def write_json(path: Path, value: Any) -> None:
    """``value`` as indented UTF-8 JSON, written atomically."""
    write_text(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def iter_lines(suggestions: Mapping[str, list[Suggestion]]) -> Iterator[str]:
    """The CLI's listing: per document its id, then one line per name."""
    for document_id, found in suggestions.items():
        yield document_id
        if not found:
            yield "  (no unknown names)"
        for s in found:
            line = f"  {s.frequency:4d}  {s.name}"
            others = [f for f in s.forms if f != s.name]
            if others and len(others) <= 4:
                line += f"  ({', '.join(others)})"
            for match in s.looks_like:
                line += f"  looks like {match.entity} (transliteration): add it as a local name"
            yield line
