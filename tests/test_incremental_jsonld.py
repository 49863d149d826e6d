"""exilekg.incremental.jsonld: a JSON-LD dump laid out again from kept graphs, copied nodes and
fresh ones gives the bytes of a layout from scratch."""

from __future__ import annotations

import hashlib
from contextlib import ExitStack
from pathlib import Path
from unittest.mock import patch

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exilekg.incremental import jsonld
from exilekg.incremental.files import OldDumps, Unspliceable
from exilekg.incremental.jsonld import LaidOut, Layout, Place, subject_at, write_jsonld
from exilekg.incremental.state import Numbering

GRAPHS = [f"https://example.org/graph/{i}" for i in range(6)]
SUBJECTS = [f"https://example.org/id/{i}" for i in range(9)] + ["https://example.org/id/ёж-🎉"]
# Names with quotes, newlines, angle brackets, Cyrillic and emoji: the texts a node may hold.
NAMES = st.text(alphabet=st.sampled_from('ab"\\\n<>ёЖ🎉 '), max_size=12)
DOCUMENTS = st.dictionaries(
    st.sampled_from(GRAPHS), st.dictionaries(st.sampled_from(SUBJECTS), NAMES, max_size=6), max_size=5
)

Document = dict[str, dict[str, str]]


def _text(subject: str, name: str) -> bytes:
    node = {"@id": subject, "http://schema.org/name": name}
    return orjson.dumps(node, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n        ")


IDS = Numbering()


def _place(g: str) -> Place:
    """A node's place, in a node list of its own (a unit's holds several)."""
    return [0, 0, IDS.id(g), -1, -1], 2


def _fresh(document: Document) -> tuple[dict[str, list[Layout]], bytearray, dict[tuple[str, str], Place]]:
    """Every node of ``document`` as fresh text, in no particular order."""
    nodes: dict[str, list[Layout]] = {}
    fresh = bytearray()
    places = {}
    for g, subjects in reversed(document.items()):
        for s, name in subjects.items():
            text = _text(s, name)
            places[g, s] = _place(g)
            nodes.setdefault(g, []).append((s, True, len(fresh), len(text), places[g, s]))
            fresh += text
    return nodes, fresh, places


def _write(
    path: Path,
    nodes: dict[str, list[Layout]],
    fresh: bytearray,
    old: OldDumps | None,
    kept: dict[str, tuple[int, int]] | None = None,
) -> LaidOut:
    with path.open("w", encoding="utf-8") as stream:
        return write_jsonld(stream, nodes, fresh, old, None, kept)


def _placed(data: bytes, spans: dict[str, tuple[int, int]], place: Place) -> bytes:
    flat, i = place
    start = spans[IDS.names[flat[i]]][0] + flat[i + 1]
    return data[start : start + flat[i + 2]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=DOCUMENTS, data=st.data(), piece=st.sampled_from([1, 200, 1 << 20]))
def test_a_layout_from_kept_graphs_and_copies_is_a_fresh_layout(
    tmp_path: Path, before: Document, data: st.DataObject, piece: int
) -> None:
    # Fresh nodes are gathered into pieces of at most about `piece` bytes: one node each, a few,
    # or whole graphs.
    with patch.object(jsonld, "_PIECE", piece):
        _check_layout_again(tmp_path, before, data)


def _check_layout_again(tmp_path: Path, before: Document, data: st.DataObject) -> None:
    old_dir, new_dir, fresh_dir = (tmp_path / name for name in ("old", "new", "fresh"))
    for folder in (old_dir, new_dir, fresh_dir):
        folder.mkdir(exist_ok=True)
    nodes, fresh, previous = _fresh(before)
    first = _write(old_dir / "exilekg.jsonld", nodes, fresh, old=None)
    old = (old_dir / "exilekg.jsonld").read_bytes()
    assert orjson.loads(old)["@graph"] == [
        {"@id": g, "@graph": [orjson.loads(_text(s, before[g][s])) for s in sorted(before[g])]}
        for g in sorted(g for g in before if before[g])
    ]
    for (g, s), place in previous.items():
        assert _placed(old, first.spans, place) == _text(s, before[g][s])
        flat, i = place
        assert subject_at(old, first.spans[g][0] + flat[i + 1], flat[i + 2]) == s

    # The next build: each graph kept whole, laid out again from its copies, edited, or dropped;
    # new graphs may come.
    after: Document = {}
    kept: dict[str, tuple[int, int]] = {}
    again: dict[str, list[Layout]] = {}
    fresh_again = bytearray()
    records: dict[tuple[str, str], Place] = {}
    for g in sorted(before):
        how = data.draw(st.sampled_from(["keep", "copy", "edit", "drop"] if before[g] else ["drop"]))
        if how == "drop":
            continue
        after[g] = dict(before[g])
        if how == "keep":
            kept[g] = first.spans[g]
            records.update({(g, s): previous[g, s] for s in before[g]})
            continue
        if how == "edit":
            after[g] = data.draw(st.dictionaries(st.sampled_from(SUBJECTS), NAMES, max_size=6))
        for s, name in after[g].items():
            if before[g].get(s) == name:
                place = previous[g, s]
                flat, i = place
                start = first.spans[g][0] + flat[i + 1]
                # A spliced build leaves a copy's subject to be read back from the dump.
                subject = s if data.draw(st.booleans()) else ""
                again.setdefault(g, []).append((subject, False, start, flat[i + 2], place))
            else:
                text = _text(s, name)
                place = _place(g)
                again.setdefault(g, []).append((s, True, len(fresh_again), len(text), place))
                fresh_again += text
            records[g, s] = place
    for g in data.draw(st.lists(st.sampled_from([g for g in GRAPHS if g not in before]), unique=True)):
        after[g] = data.draw(st.dictionaries(st.sampled_from(SUBJECTS), NAMES, max_size=6))
        for s, name in after[g].items():
            text = _text(s, name)
            records[g, s] = _place(g)
            again.setdefault(g, []).append((s, True, len(fresh_again), len(text), records[g, s]))
            fresh_again += text

    with ExitStack() as stack:
        second = _write(
            new_dir / "exilekg.jsonld", again, fresh_again, old=OldDumps(old_dir, stack), kept=kept
        )
    expected_nodes, expected_fresh, _ = _fresh(after)
    expected = _write(fresh_dir / "exilekg.jsonld", expected_nodes, expected_fresh, old=None)
    new = (new_dir / "exilekg.jsonld").read_bytes()
    assert new == (fresh_dir / "exilekg.jsonld").read_bytes()
    assert second.digest.sha256 == hashlib.sha256(new).hexdigest() == expected.digest.sha256
    assert second.spans == expected.spans
    # Every node's record, kept or moved, says where its text now is.
    for (g, s), place in records.items():
        assert _placed(new, second.spans, place) == _text(s, after[g][s])


def test_a_graph_cannot_be_both_kept_and_laid_out(tmp_path: Path) -> None:
    nodes, fresh, _ = _fresh({GRAPHS[0]: {SUBJECTS[0]: "x"}})
    with pytest.raises(ValueError, match="both kept whole and laid out"):
        _write(tmp_path / "exilekg.jsonld", nodes, fresh, old=None, kept={GRAPHS[0]: (0, 1)})


def test_a_fresh_node_of_a_copied_nodes_subject_is_refused(tmp_path: Path) -> None:
    """Two units making one node cannot be spliced: the build is then a full one."""
    (tmp_path / "old").mkdir()
    before = {GRAPHS[0]: {SUBJECTS[0]: "a", SUBJECTS[1]: "b", SUBJECTS[2]: "c"}}
    nodes, fresh, places = _fresh(before)
    first = _write(tmp_path / "old" / "exilekg.jsonld", nodes, fresh, old=None)
    flat, i = places[GRAPHS[0], SUBJECTS[1]]
    copy: Layout = ("", False, first.spans[GRAPHS[0]][0] + flat[i + 1], flat[i + 2], None)
    text = _text(SUBJECTS[1], "another")
    again: dict[str, list[Layout]] = {GRAPHS[0]: [copy, (SUBJECTS[1], True, 0, len(text), None)]}
    with ExitStack() as stack, pytest.raises(Unspliceable, match="made by two units"):
        _write(tmp_path / "exilekg.jsonld", again, bytearray(text), old=OldDumps(tmp_path / "old", stack))


def test_a_node_that_breaks_its_output_schema_is_named_among_the_others_of_its_graph() -> None:
    from exilekg.errors import SerializationError
    from exilekg.incremental.jsonld import node_texts
    from exilekg.terms import IRI, RDF, SCHEMA, Literal
    from exilekg.writers.jsonld import _OutputCheck

    g, person, name = IRI(GRAPHS[0]), IRI(f"{SCHEMA}Person"), IRI(f"{SCHEMA}name")
    good = [
        (IRI(s), p, o, g)
        for s in SUBJECTS[:3]
        for p, o in ((RDF.type, person), (name, Literal("N", None, None)))
    ]
    nameless = (IRI(SUBJECTS[5]), RDF.type, person, g)  # a Person must have a name
    assert len(list(node_texts(good, _OutputCheck(), None))) == 3
    with pytest.raises(SerializationError, match="name"):
        list(node_texts([*good, nameless], _OutputCheck(), None))
