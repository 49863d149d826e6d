"""Mentions: whole words, possessives, longest match, the surname rule, exact offsets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg.anchor import NormalizedText
from exilekg.corpus import read_corpus
from exilekg.errors import CorpusError
from exilekg.mentions import MentionFinder, entity_names, find_mentions

PEOPLE = [
    ("marina", "Person", ["Marina Litvinenko"]),
    ("alexander", "Person", ["Alexander Litvinenko"]),
    ("navalny", "Person", ["Alexei Navalny", "Alexeï Navalny"]),
    ("london", "Place", ["London"]),
    ("fbk", "Organization", ["Anti-Corruption Foundation", "FBK"]),
]


def found(text: str, entities: list[tuple[str, str, list[str]]] = PEOPLE) -> list[tuple[str, str]]:
    return [(m.entity, m.exact) for m in MentionFinder(entities).find(NormalizedText(text))]


def test_longest_match_wins() -> None:
    assert found("Marina Litvinenko spoke.") == [("marina", "Marina Litvinenko")]


def test_shared_surname_alone_counts_for_nobody() -> None:
    assert found("Alexander Litvinenko and Marina Litvinenko. Litvinenko was killed.") == [
        ("alexander", "Alexander Litvinenko"),
        ("marina", "Marina Litvinenko"),
    ]


def test_an_unshared_surname_counts_anywhere_even_before_the_full_name() -> None:
    text = "Navalny's allies. Alexeï Navalny died. Navalny’s widow."
    assert found(text) == [("navalny", "Navalny"), ("navalny", "Alexeï Navalny"), ("navalny", "Navalny")]


def test_whole_words_and_diacritics() -> None:
    assert found("Londoner FBKs; the FBK in London; Alexei Navalny") == [
        ("fbk", "FBK"),
        ("london", "London"),
        ("navalny", "Alexei Navalny"),
    ]


def test_a_numeral_or_generation_after_a_name_is_no_surname() -> None:
    entities = [
        ("elizabeth", "Person", ["Elizabeth II"]),
        ("king", "Person", ["Martin Luther King Jr."]),
        ("newcomer", "Person", ["Zed Newcomer 3"]),
        ("nicholas", "Person", ["Николай II"]),
    ]
    text = "After World War II, Elizabeth II reigned. In 3 cities, Jr. King and Newcomer spoke; II."
    assert found(text, entities) == [
        ("elizabeth", "Elizabeth II"),
        ("king", "King"),
        ("newcomer", "Newcomer"),
    ]
    assert found("Martin King, Zed Newcomer and Николай II.", entities) == [
        ("king", "Martin King"),
        ("newcomer", "Zed Newcomer"),
        ("nicholas", "Николай II"),
    ]


def test_a_numeral_after_a_russian_name_is_no_surname_in_any_form() -> None:
    finder = MentionFinder([("nicholas", "Person", ["Николай II"]), ("petrov", "Person", ["Иван Петров 3"])])
    text = NormalizedText("В годы правления Николая II, во II веке. В 3 городах Петрова видели.")
    assert [(m.entity, m.exact) for m in finder.find(text, "ru")] == [
        ("nicholas", "Николая II"),
        ("petrov", "Петрова"),
    ]


def test_ambiguous_full_name_counts_for_neither() -> None:
    entities = [("a", "Place", ["Georgia"]), ("b", "Place", ["Georgia"])]
    assert found("In Georgia.", entities) == []


def test_build_writes_mentions_in_document_graphs(example_build: Path) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(example_build / "exilekg.nq", format="nquads")
    mentions = rdflib.URIRef("http://schema.org/mentions")
    graph = rdflib.URIRef("https://example.org/exilekg/graph/document/riga-congress")
    mentioned = {str(o).rsplit("/", 1)[-1] for _, _, o, g in dataset.quads((None, mentions, None, graph))}
    assert {"anna-petrova", "free-voices-foundation", "riga", "ivan-sokolov", "marta-sokolova"} <= mentioned
    text = (Path(__file__).parents[1] / "examples/example-corpus/texts/riga-congress.txt").read_text("utf-8")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    checked = 0
    for position, _, start, g in dataset.quads((None, oa.start, None, graph)):
        quote = rdflib.URIRef(str(position).replace("#position", "#quote"))
        (end,) = [o for _, _, o, _ in dataset.quads((position, oa.end, None, g))]
        (exact,) = [o for _, _, o, _ in dataset.quads((quote, oa.exact, None, g))]
        assert text[int(start) : int(end)] == str(exact)
        checked += 1
    assert checked > 20


name_chars = st.characters(codec="utf-8", categories=("L",))
names = st.lists(
    st.text(alphabet=name_chars, min_size=2, max_size=8).map(str.title), min_size=1, max_size=3
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    entity_names=st.lists(names, min_size=1, max_size=5, unique=True),
    filler=st.lists(st.text(max_size=15), min_size=1, max_size=6),
    picks=st.lists(st.integers(min_value=0, max_value=4), max_size=6),
)
def test_mention_offsets_slice_the_text_to_exact(
    entity_names: list[str], filler: list[str], picks: list[int]
) -> None:
    entities = [(f"e{i}", "Person", [name]) for i, name in enumerate(entity_names)]
    parts = []
    for i, chunk in enumerate(filler):
        parts.append(chunk)
        if i < len(picks):
            parts.append(" " + entity_names[picks[i] % len(entity_names)] + "'s ")
    text = "".join(parts)
    for mention in MentionFinder(entities).find(NormalizedText(text)):
        assert text[mention.start : mention.end] == mention.exact
        assert text[max(0, mention.start - 32) : mention.start] == mention.prefix


def test_find_mentions_reads_a_text_only_when_its_document_is_looked_up(example_copy: Path) -> None:
    corpus = read_corpus(example_copy)
    expected = MentionFinder(entity_names(corpus)).find(NormalizedText(_text(example_copy, "riga-congress")))
    mentions = find_mentions(corpus)
    assert sorted(mentions) == ["berlin-survey", "riga-congress"]
    (example_copy / "texts" / "berlin-survey.txt").unlink()
    assert "berlin-survey" in mentions and len(mentions) == 2  # nothing read yet
    assert mentions["riga-congress"] == expected and len(expected) > 10
    with pytest.raises(CorpusError, match=r"berlin-survey\.txt"):
        mentions["berlin-survey"]
    with pytest.raises(KeyError):
        mentions["no-such-document"]


def test_prepared_mentions_make_nothing_at_lookup(
    example_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = example_copy / "documents" / "berlin-survey.json"
    document.write_text(document.read_text(encoding="utf-8").replace('"en"', '"ru"'), encoding="utf-8")
    corpus = read_corpus(example_copy)
    lazy = find_mentions(corpus)
    expected = {doc_id: lazy[doc_id] for doc_id in lazy}
    prepared = find_mentions(corpus)
    prepared.prepare()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("made at a lookup, not by prepare()")

    monkeypatch.setattr(MentionFinder, "__init__", refuse)
    monkeypatch.setattr("exilekg.mentions.WordIndex", refuse)  # the Russian document's
    assert {doc_id: prepared[doc_id] for doc_id in prepared} == expected
    assert all(expected.values())


def test_no_texts_no_mentions(example_copy: Path) -> None:
    shutil.rmtree(example_copy / "texts")
    assert dict(find_mentions(read_corpus(example_copy))) == {}


def _text(corpus: Path, document: str) -> str:
    return (corpus / "texts" / f"{document}.txt").read_text(encoding="utf-8")


RUSSIAN = [
    ("kara-murza", "Person", ["Владимир Кара-Мурза"]),
    ("navalny", "Person", ["Алексей Навальный"]),
    ("vilnius", "Place", ["Вильнюс"]),
    ("fbk", "Organization", ["Фонд борьбы с коррупцией"]),
]
_PIECES = [
    "Навального",
    "Навальному",
    "Алексея",
    "Вильнюсе",
    "Кара-Мурзы",
    "Мурзы",
    "Кара",
    "Фонда",
    "борьбы",
    "коррупцией",
    "ФБК",
    "и",
    "в",
    "сказал",
]
_JOINS = [" ", "  ", "-", "--", "'", "’", "«", "»", ",", ".", "_", "1", "\n", " - ", "\u00a0", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_JOINS)), max_size=12))
def test_russian_words_are_the_texts_whole_words(pieces: list[tuple[str, str]]) -> None:
    """The words found in a Russian text are exactly its whole words (as ``WORD`` reads
    words: hyphens and apostrophes inside a word belong to it) that are some name's form."""
    from exilekg.mentions.names import WORD  # the definition of a word the index must agree with

    text = "".join(piece + join for piece, join in pieces)
    normalized = NormalizedText(text)
    finder = MentionFinder(RUSSIAN)
    finder.find(normalized, "ru")
    index = finder._word_index("ru")
    if index is None:
        pytest.skip("pymorphy3 is not installed")
    low = normalized.folded.lower()
    expected = [
        normalized.span(*m.span())
        for m in WORD.finditer(low)
        if m[0] in {form.strip() for form in index.forms()}
    ]
    assert [(start, end) for start, end, _, _ in index._words(normalized)] == expected
