"""Which texts a change to the table of entity names can give other mentions (exilekg.incremental.names)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg.anchor import NormalizedText
from exilekg.incremental.names import Entry, NameChange
from exilekg.mentions import MentionFinder, MentionList


def _found(table: list[Entry], text: NormalizedText, language: str) -> tuple[list[object], list[object]]:
    mentions: MentionList = MentionFinder(table).find(text, language)
    return list(mentions), list(mentions.ambiguous)


def test_a_name_whose_other_case_folds_otherwise_is_looked_for_in_both() -> None:
    # Dotless ı is I in the other case, and I casefolds to i: "Ilıca ..." at a sentence start names
    # the organisation, and a text holding only that spelling may change.
    before: list[Entry] = [("forum", "Organization", ["Free Forum"])]
    after: list[Entry] = [*before, ("ilica", "Organization", ["ılıca Birliği"])]
    text = NormalizedText("Then Ilıca Birliği met at the Free Forum.")
    assert _found(before, text, "en") != _found(after, text, "en")
    assert NameChange(before, after).may_change(text, "en")


def test_a_text_without_any_changed_name_keeps_its_mentions() -> None:
    before: list[Entry] = [("p1", "Person", ["Anna Berg"]), ("o1", "Organization", ["Free Forum"])]
    after: list[Entry] = [*before, ("p2", "Person", ["Lajos Kovacs"])]
    change = NameChange(before, after)
    assert not change.may_change(NormalizedText("Anna Berg spoke at the Free Forum."), "en")
    assert change.may_change(NormalizedText("Berg met KOVACS at the Free Forum."), "en")
    assert change.may_change(NormalizedText("Anna Berg spoke."), "ru")  # matched by dictionary form
    assert change.may_change(None, "en")


_WORDS = ["Anna", "Berg", "ılıca", "Ilıca", "Straße", "STRASSE", "Free", "free", "Forum", "Kovacs", "II"]
_KINDS = ["Person", "Organization", "Place"]
_name = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)
_names = st.lists(_name, min_size=1, max_size=2)
_entries = st.lists(st.tuples(st.sampled_from(_KINDS), _names), max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    _entries,
    _entries,
    st.lists(st.sampled_from([*_WORDS, ".", ",", "the", "met"]), max_size=14).map(" ".join),
    st.sampled_from(["en", "de"]),
)
def test_a_text_said_to_keep_its_mentions_has_the_same_mentions_with_either_table(
    kept: list[tuple[str, list[str]]], changed: list[tuple[str, list[str]]], words: str, language: str
) -> None:
    shared: list[Entry] = [(f"kept-{i}", kind, names) for i, (kind, names) in enumerate(kept)]
    before = shared[: len(shared) // 2] + [(f"old-{i}", k, n) for i, (k, n) in enumerate(changed[:2])]
    before += shared[len(shared) // 2 :]
    after = [*shared, *[(f"new-{i}", k, n) for i, (k, n) in enumerate(changed[1:])]]
    if changed:  # one entity renamed, or given another kind
        before.insert(0, ("renamed", *changed[0]))
        after.insert(0, ("renamed", *changed[-1]))
    text = NormalizedText(words)
    if not NameChange(before, after).may_change(text, language):
        assert _found(before, text, language) == _found(after, text, language)
