"""Evidence anchoring: tolerant matching, exact offsets into the stored text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exilekg.anchor import Anchor, AnchorProblem, NormalizedText, locate, normalize_phrase


def anchor(text: str, phrase: str, **kw: object) -> Anchor:
    found = locate(NormalizedText(text), phrase, **kw)  # type: ignore[arg-type]
    assert isinstance(found, Anchor), found
    return found


def test_diacritics_quotes_and_whitespace_are_tolerated() -> None:
    text = "The death of Alexeï  Navalny’s\nally was “sudden”."
    found = anchor(text, 'Alexei Navalny\'s ally was "sudden"')
    assert found.exact == "Alexeï  Navalny’s\nally was “sudden”"
    assert text[found.start : found.end] == found.exact


def test_decomposed_accents_stay_inside_the_match() -> None:
    text = "Alexe\u0308i spoke."
    found = anchor(text, "Alexei")
    assert found.exact == "Alexe\u0308i"


def test_ambiguous_phrase_lists_its_occurrences() -> None:
    found = locate(NormalizedText("Riga here, Riga there"), "Riga")
    assert isinstance(found, AnchorProblem)
    assert "occurs 2 times" in found.message and "#1 at 0" in found.message and "#2 at 11" in found.message


def test_prefix_suffix_and_occurrence_disambiguate() -> None:
    text = "Riga here, Riga there"
    assert anchor(text, "Riga", suffix="there").start == 11
    assert anchor(text, "Riga", prefix="here,").start == 11
    assert anchor(text, "Riga", occurrence=1).start == 0


def test_missing_phrase_names_the_closest_passage() -> None:
    found = locate(NormalizedText("the chair of the board said no"), "chair of the bored")
    assert isinstance(found, AnchorProblem)
    assert "chair of the board" in found.hint


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(before=st.text(max_size=40), phrase=words, after=st.text(max_size=40))
def test_offsets_always_slice_the_stored_text_to_exact(before: str, phrase: str, after: str) -> None:
    text = before + phrase + after
    found = locate(NormalizedText(text), phrase, occurrence=1)
    if isinstance(found, Anchor):
        assert text[found.start : found.end] == found.exact
        assert NormalizedText(found.exact).folded.strip() == NormalizedText(phrase).folded.strip()


def reference_fold(text: str) -> tuple[str, list[int]]:
    """Folding one character at a time: the definition the fast segmented folding must match."""
    from exilekg.anchor import _fold_char

    out: list[str] = []
    origin: list[int] = []
    last_space = True
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            if c == " ":
                if last_space:
                    continue
                last_space = True
            else:
                last_space = False
            out.append(c)
            origin.append(i)
    return "".join(out), origin


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab Z.'`\"\n\t\u00a0’“éе\u0308ﬁ  \u2003-–йЁ«»¸ǅ¾\u2028😀")), max_size=60
    )
    | st.text()
)
def test_segmented_folding_matches_the_per_character_definition(text: str) -> None:
    normalized = NormalizedText(text)
    folded, origin = reference_fold(text)
    assert normalized.folded == folded
    for position in range(len(folded)):
        assert normalized.span(position, position + 1)[0] == origin[position]


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab Z.'`\"\n\t\x1c\u00a0’“éе\u0308ﬁ¾  \u2003-–")), max_size=30)
    | st.text(alphabet=st.sampled_from(list("йЙёЁїЇіа Б-–—\u00a0\n\t«»’¸\u0301\u0308ǅÅ")), max_size=30)
    | st.text(alphabet=st.characters(codec="utf-8"))
)
def test_phrases_fold_like_texts(phrase: str) -> None:
    assert normalize_phrase(phrase) == NormalizedText(phrase).folded.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ¾½ﬁ¨\u0308e’ \n")), max_size=30) | st.text())
def test_matches_start_and_end_only_between_original_characters(text: str) -> None:
    normalized = NormalizedText(text)
    _, origin = reference_fold(text)
    for position in range(-1, len(origin) + 2):
        between = position <= 0 or position >= len(origin) or origin[position - 1] != origin[position]
        assert normalized.on_boundary(position) == between
