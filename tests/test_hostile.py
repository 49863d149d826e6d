"""Hostile input: whatever a corpus holds, a build gives valid dumps or a clean, located error.

Property tests mutate copies of the example corpus (any string in any field,
odd encodings, cycles, self-references, many records on one entity); process
tests kill builds mid-way.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exilekg import CorpusError, ExilekgError, RdfFormat, ReconcileError, ValidationError, __version__, build
from exilekg.cli import INTERNAL_ERROR_STATUS, ExilekgGroup, cli
from exilekg.corpus import ReadPolicy, read_corpus
from exilekg.jsonld import inline_context
from exilekg.pipeline import ALL_FORMATS, output_name
from exilekg.sourcemap import escape_pointer

from .conftest import EXAMPLE

# -- the example corpus as data ---------------------------------------------------------------------

JSON_FILES = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*.json"))
TREES: dict[Path, Any] = {p: json.loads((EXAMPLE / p).read_text(encoding="utf-8")) for p in JSON_FILES}


def _leaves(value: Any, pointer: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*pointer, index))
    else:
        yield pointer


LEAVES: list[tuple[Path, tuple[str | int, ...]]] = [
    (path, pointer) for path, tree in TREES.items() for pointer in _leaves(tree)
]
OBJECTS: list[tuple[Path, tuple[str | int, ...]]] = []
for _path, _tree in TREES.items():

    def _objects(value: Any, pointer: tuple[str | int, ...] = (), path: Path = _path) -> None:
        if isinstance(value, dict):
            OBJECTS.append((path, pointer))
            for key, item in value.items():
                _objects(item, (*pointer, key), path)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                _objects(item, (*pointer, index), path)

    _objects(_tree)

LITERAL_FIELDS = {
    "name",
    "title",
    "description",
    "headline",
    "alternativeHeadline",
    "jobTitle",
    "roleName",
    "label",
    "caption",
    "credit",
    "answer",
    "population",
    "measure",
    "unit",
    "curatorNote",
    "alternateNames",
    "value",
}
"""Fields whose string becomes a literal of the same value (a localName's ``value``; alternateNames items)."""

NASTY = [
    '"',
    "'",
    "\\",
    '\\"',
    '"""',
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
    "\ud800",
    "\udfff",
    "\ud83d",
    ">",
    "<",
    " ",
    "\u00a0",
    "{",
    "}",
    "|",
    "^",
    "`",
    "%",
    "%zz",
    "%41",
    "#",
    "?",
    "@",
    ":",
    "/",
    "..",
    "_:b0",
    "^^",
    "@en",
    "<http://x/>",
    "Анна Петрова",
    "😀",
    "👩🏽‍⚖️",
    "\u200f",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "e\u0301",
    "ﬁ",
    "İ",
    "ß",
    "¾",
    "２０２５",
]

hostile_strings = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), min_size=1, max_size=6
).map("".join)
values = st.one_of(
    hostile_strings,
    hostile_strings.map(lambda s: "https://example.org/" + s),
    hostile_strings.map(lambda s: "Anna " + s),
    st.sampled_from(["en-a", "en-abcd-abcd", "de-CH-1901", "x", "2025-05-17T10:00", "2025-02-30", "-0001"]),
)


def _get(tree: Any, pointer: tuple[str | int, ...]) -> Any:
    for part in pointer:
        tree = tree[part]
    return tree


def _set(tree: Any, pointer: tuple[str | int, ...], value: Any) -> None:
    _get(tree, pointer[:-1])[pointer[-1]] = value


def json_pointer(pointer: tuple[str | int, ...]) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in pointer)


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def write_corpus(root: Path, trees: dict[Path, Any], *, ascii_only: bool) -> None:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EXAMPLE, root)
    for path, tree in trees.items():
        # Lone surrogates can only be written as \\u escapes; everything else both ways.
        ensure_ascii = ascii_only or not _encodable(tree)
        (root / path).write_text(json.dumps(tree, ensure_ascii=ensure_ascii, indent=1), encoding="utf-8")


# -- reading the dumps back ---------------------------------------------------------------------------

OX_FORMATS = {
    RdfFormat.TURTLE: pyoxigraph.RdfFormat.TURTLE,
    RdfFormat.NTRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
    RdfFormat.NQUADS: pyoxigraph.RdfFormat.N_QUADS,
    RdfFormat.TRIG: pyoxigraph.RdfFormat.TRIG,
}

Key = tuple[str, str, tuple[str, str, str], str]


def _ox_key(term: Any) -> tuple[str, str, str]:
    if isinstance(term, pyoxigraph.Literal):
        return ("literal", term.value, term.language or term.datatype.value)
    assert isinstance(term, pyoxigraph.NamedNode), term
    return ("iri", term.value, "")


def _rdflib_key(term: Any) -> tuple[str, str, str]:
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else "http://www.w3.org/2001/XMLSchema#string"
        return ("literal", str(term), term.language or datatype)
    assert isinstance(term, rdflib.URIRef), term
    return ("iri", str(term), "")


def ox_quads(path: Path) -> set[Key]:
    fmt = RdfFormat.from_path(path)
    if fmt is RdfFormat.JSONLD:
        document = inline_context(json.loads(path.read_text(encoding="utf-8")))
        parsed = pyoxigraph.parse(json.dumps(document), format=pyoxigraph.RdfFormat.JSON_LD)
    else:
        parsed = pyoxigraph.parse(path=str(path), format=OX_FORMATS[fmt])
    out = set()
    for q in parsed:
        graph = q.graph_name.value if isinstance(q.graph_name, pyoxigraph.NamedNode) else ""
        out.add((q.subject.value, q.predicate.value, _ox_key(q.object), graph))
    return out


def rdflib_quads(path: Path) -> set[Key]:
    fmt = RdfFormat.from_path(path)
    dataset = rdflib.Dataset()
    if fmt is RdfFormat.JSONLD:
        document = inline_context(json.loads(path.read_text(encoding="utf-8")))
        dataset.parse(data=json.dumps(document), format="json-ld")
    else:
        dataset.parse(path, format=fmt.rdflib_name)
    out = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = str(g.identifier if isinstance(g, rdflib.Graph) else g)
        if graph == "urn:x-rdflib:default":
            graph = ""
        out.add((str(s), str(p), _rdflib_key(o), graph))
    return out


def triples(quads: set[Key]) -> set[tuple[str, str, tuple[str, str, str]]]:
    return {(s, p, o) for s, p, o, _ in quads}


def assert_dumps_agree(out: Path, formats: tuple[RdfFormat, ...]) -> set[Key]:
    """Every dump parses with pyoxigraph and rdflib, and holds the N-Quads' statements exactly."""
    reference = ox_quads(out / "exilekg.nq")
    assert reference, "an empty N-Quads dump"
    for fmt in formats:
        path = out / output_name(fmt)
        for parsed in (ox_quads(path), rdflib_quads(path)):
            if fmt.supports_datasets:
                assert parsed == reference, (fmt, sorted(parsed ^ reference)[:3])
            else:
                assert triples(parsed) == triples(reference), (
                    fmt,
                    sorted(triples(parsed) ^ triples(reference))[:3],
                )
    return reference


def problem_names(error: ValidationError, path: Path, pointer: str) -> bool:
    """Some problem of ``error`` sits in ``path`` at ``pointer``, or at an enclosing object naming its key."""
    key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    for problem in error.problems:
        where = problem.location
        if where.path is None or where.path.name != path.name or where.pointer is None:
            continue
        if where.pointer == pointer or where.pointer.startswith(pointer + "/"):
            return True
        inside = pointer.startswith(where.pointer + "/")
        if inside and (key in problem.message or repr(key) in problem.message):
            return True
    return False


FAST_FORMATS = (RdfFormat.NQUADS, RdfFormat.NTRIPLES)


# -- any string in any field ---------------------------------------------------------------------------


@settings(
    max_examples=int(os.environ.get("EXILEKG_HOSTILE_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mutations=st.lists(st.tuples(st.sampled_from(LEAVES), values), min_size=1, max_size=3),
    ascii_only=st.booleans(),
)
def test_any_string_in_any_field_builds_or_names_the_field(
    tmp_path: Path, mutations: list[tuple[tuple[Path, tuple[str | int, ...]], str]], ascii_only: bool
) -> None:
    trees = copy.deepcopy(TREES)
    replaced = []
    for (path, pointer), value in mutations:
        replaced.append(_get(trees[path], pointer))
        _set(trees[path], pointer, value)
    root = tmp_path / "corpus"
    out = tmp_path / "out"
    write_corpus(root, trees, ascii_only=ascii_only)
    try:
        build(root, out, formats=FAST_FORMATS)
    except ValidationError as error:
        assert error.problems
        named = [problem_names(error, path, json_pointer(pointer)) for (path, pointer), _ in mutations]
        # A well-formed new id is no problem itself: the references to the old one are.
        gone = [
            old for ((_, pointer), _), old in zip(mutations, replaced, strict=True) if pointer[-1] == "id"
        ]
        dangling = any(repr(old) in p.message for old in gone for p in error.problems)
        assert any(named) or dangling, (mutations, [str(p) for p in error.problems])
        return
    quads = assert_dumps_agree(out, FAST_FORMATS)
    literals = {o[1] for _, _, o, _ in quads if o[0] == "literal"}
    for (path, pointer), value in mutations:
        field = next((str(p) for p in reversed(pointer) if isinstance(p, str)), "")
        if field in LITERAL_FIELDS and _get(trees[path], pointer) == value:
            assert value in literals, (path, pointer, value)


@settings(
    max_examples=int(os.environ.get("EXILEKG_HOSTILE_FULL_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(
        [leaf for leaf in LEAVES if any(isinstance(p, str) and p in LITERAL_FIELDS for p in leaf[1])]
    ),
    value=hostile_strings.map(lambda s: "Anna " + s),
)
def test_hostile_literals_survive_every_format(
    tmp_path: Path, target: tuple[Path, tuple[str | int, ...]], value: str
) -> None:
    trees = copy.deepcopy(TREES)
    path, pointer = target
    _set(trees[path], pointer, value)
    root = tmp_path / "corpus"
    out = tmp_path / "out"
    write_corpus(root, trees, ascii_only=False)
    try:
        build(root, out)
    except ValidationError as error:
        assert problem_names(error, path, json_pointer(pointer)), [str(p) for p in error.problems]
        return
    quads = assert_dumps_agree(out, ALL_FORMATS)
    assert value in {o[1] for _, _, o, _ in quads if o[0] == "literal"}


@settings(
    max_examples=int(os.environ.get("EXILEKG_HOSTILE_KEY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target=st.sampled_from(OBJECTS), key=hostile_strings, value=values)
def test_an_unknown_field_with_any_name_is_named(
    tmp_path: Path, target: tuple[Path, tuple[str | int, ...]], key: str, value: str
) -> None:
    trees = copy.deepcopy(TREES)
    path, pointer = target
    obj = _get(trees[path], pointer)
    if key in obj:
        return
    obj[key] = value
    root = tmp_path / "corpus"
    write_corpus(root, trees, ascii_only=not _encodable(key))
    with pytest.raises(ValidationError) as caught:
        build(root, tmp_path / "out", formats=FAST_FORMATS)
    assert problem_names(caught.value, path, json_pointer((*pointer, key))), [
        str(p) for p in caught.value.problems
    ]


IRI_FIELDS = {"url", "sameAs", "license", "base"}
IRI_LEAVES = [leaf for leaf in LEAVES if any(p in IRI_FIELDS for p in leaf[1] if isinstance(p, str))]
LANGUAGE_LEAVES = [leaf for leaf in LEAVES if "language" in leaf[1]]
IRI_PARTS = [
    "a",
    "Z",
    "9",
    "-",
    ".",
    "_",
    "~",
    "Й",
    "😀",
    "/",
    "//",
    ":",
    ":80",
    ":port",
    "?",
    "#",
    "@",
    "[",
    "]",
    "[::1]",
    "[v1.x]",
    "[fe80::1%25x]",
    "%",
    "%4",
    "%41",
    "%zz",
    "!",
    "$",
    "&",
    "'",
    "(",
    "*",
    "+",
    ",",
    ";",
    "=",
    "\ue000",
    "\ufffe",
    "\U0001fffe",
    "\U000e0001",
    "\u00a0",
    "\u200f",
]
iris = st.tuples(
    st.sampled_from(["https://example.org/", "http://", "https://", "urn:x:", "mailto:", "", "a+b:"]),
    st.lists(st.sampled_from(IRI_PARTS), max_size=6),
).map(lambda t: t[0] + "".join(t[1]))
SUBTAGS = [
    "en",
    "ru",
    "abc",
    "abcd",
    "abcdefghi",
    "Latn",
    "DE",
    "419",
    "1901",
    "a",
    "x",
    "u",
    "ca",
    "b",
    "12",
    "",
]
language_tags = st.lists(st.sampled_from(SUBTAGS), min_size=1, max_size=5).map("-".join)


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("EXILEKG_HOSTILE_IRI_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mutation=st.one_of(
        st.tuples(st.sampled_from(IRI_LEAVES), iris),
        st.tuples(st.sampled_from(LANGUAGE_LEAVES), language_tags),
    )
)
def test_iris_and_language_tags_build_or_are_named(
    tmp_path: Path, mutation: tuple[tuple[Path, tuple[str | int, ...]], str]
) -> None:
    (path, pointer), value = mutation
    trees = copy.deepcopy(TREES)
    _set(trees[path], pointer, value)
    root = tmp_path / "corpus"
    out = tmp_path / "out"
    write_corpus(root, trees, ascii_only=False)
    try:
        build(root, out, formats=FAST_FORMATS)
    except ValidationError as error:
        assert problem_names(error, path, json_pointer(pointer)), [str(p) for p in error.problems]
        return
    assert_dumps_agree(out, FAST_FORMATS)


MEGABYTE = ('Анна "Петрова" \\ 😀 \u200f > <\n' * 50_000)[: 1 << 20]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "pointer", "builds"),
    [
        (Path("records/entities.json"), (0, "description"), True),
        (Path("records/facts.json"), (0, "roleName"), True),
        (Path("documents/riga-congress.json"), ("headline",), True),
        (Path("records/entities.json"), (0, "name"), False),
        (Path("records/entities.json"), (0, "alternateNames", 0), False),
    ],
)
def test_a_one_megabyte_string_round_trips_or_is_refused(
    tmp_path: Path, path: Path, pointer: tuple[str | int, ...], builds: bool
) -> None:
    trees = copy.deepcopy(TREES)
    _set(trees[path], pointer, MEGABYTE)
    root = tmp_path / "corpus"
    write_corpus(root, trees, ascii_only=False)
    if not builds:
        # A name this long crashed the process in the mention search (a pyahocorasick segfault).
        with pytest.raises(ValidationError) as caught:
            build(root, tmp_path / "out")
        assert problem_names(caught.value, path, json_pointer(pointer))
        return
    build(root, tmp_path / "out")
    quads = assert_dumps_agree(tmp_path / "out", ALL_FORMATS)
    assert MEGABYTE in {o[1] for _, _, o, _ in quads if o[0] == "literal"}


# -- bad files ----------------------------------------------------------------------------------------------


def _example(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('[\n  {"kind": "Person", "id": "x", "name": "X"},\n  {"kind": "Person",, }\n]\n', 3, 21),
        ('[{"kind": "Person", "id": "x", "name": "X"}', 1, 44),
        ('[{"kind": "Person", "id": "x", "name": "X\n"}]', 1, 42),
        ("", 1, 1),
        ("[1, 2] trailing", 1, 8),
    ],
)
def test_malformed_json_gives_file_line_and_column(tmp_path: Path, text: str, line: int, column: int) -> None:
    root = _example(tmp_path)
    bad = root / "records" / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        build(root, tmp_path / "out")
    assert (caught.value.path, caught.value.line, caught.value.column) == (bad, line, column)
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{bad}:{line}:{column}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("encoding", "outcome"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "not valid UTF-8"),
        ("utf-16-be", "not valid UTF-8"),
        ("latin-1", "not valid UTF-8"),
        ("cp1251", "not valid UTF-8"),
        ("utf-8-sig", None),
    ],
)
def test_wrong_encodings_are_named_and_a_utf8_bom_is_accepted(
    tmp_path: Path, encoding: str, outcome: str | None
) -> None:
    root = _example(tmp_path)
    entities = root / "records" / "entities.json"
    text = entities.read_text(encoding="utf-8").replace("Anna Petrova", "Anna Petrová Дмитриевна", 1)
    entities.write_bytes(text.encode(encoding, errors="replace"))
    out = tmp_path / "out"
    if outcome is None:
        build(root, out, formats=FAST_FORMATS)
        assert "Anna Petrová Дмитриевна" in (out / "exilekg.nq").read_text(encoding="utf-8")
        return
    with pytest.raises(CorpusError, match=outcome) as caught:
        build(root, out)
    assert caught.value.path == entities
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert str(entities) in result.output and outcome in result.output
    assert "Traceback" not in result.output


def test_a_text_in_a_wrong_encoding_is_named(tmp_path: Path) -> None:
    root = _example(tmp_path)
    text = root / "texts" / "riga-congress.txt"
    text.write_bytes(text.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises((CorpusError, ValidationError)) as caught:
        build(root, tmp_path / "out")
    assert "UTF-16" in str(caught.value)
    result = CliRunner().invoke(cli, ["build", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_jsonl_record_may_hold_a_line_separator(tmp_path: Path) -> None:
    # U+2028 and U+0085 are legal raw in JSON strings, and json.dumps(ensure_ascii=False) writes them raw;
    # a JSON Lines reader must split on "\n" only.
    root = _example(tmp_path)
    record = {"kind": "Person", "id": "odd-name", "name": "Odd\u2028Name\x85Here"}
    (root / "records" / "more.jsonl").write_text(
        json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    build(root, tmp_path / "out", formats=FAST_FORMATS)
    quads = ox_quads(tmp_path / "out" / "exilekg.nq")
    assert "Odd\u2028Name\x85Here" in {o[1] for _, _, o, _ in quads if o[0] == "literal"}


# -- cycles, self-references, many references --------------------------------------------------------------


def _add_records(root: Path, records: list[dict[str, Any]], name: str = "extra.json") -> None:
    (root / "records" / name).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def _set_field(root: Path, record_id: str, field: str, value: Any) -> None:
    path = root / "records" / "entities.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in records if r["id"] == record_id)[field] = value
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    "cycle",
    [
        [("riga", "riga")],
        [("riga", "latvia"), ("latvia", "riga")],
        [("riga", "latvia"), ("latvia", "vilnius"), ("vilnius", "riga")],
    ],
    ids=["self", "two", "three"],
)
def test_containment_cycles_build_cleanly(tmp_path: Path, cycle: list[tuple[str, str]]) -> None:
    root = _example(tmp_path)
    for place, container in cycle:
        _set_field(root, place, "containedIn", container)
    out = tmp_path / "out"
    try:
        build(root, out)
    except ValidationError as error:
        assert any(p.location.pointer and p.location.pointer.endswith("/containedIn") for p in error.problems)
        return
    quads = assert_dumps_agree(out, ALL_FORMATS)
    contained = {(s, o[1]) for s, p, o, _ in quads if p == "http://schema.org/containedInPlace"}
    base = "https://example.org/exilekg/place/"
    assert {(base + a, base + b) for a, b in cycle} <= contained


def test_a_relation_whose_subject_is_its_object(tmp_path: Path) -> None:
    root = _example(tmp_path)
    _add_records(
        root,
        [
            {
                "kind": "Relation",
                "id": "petrova-knows-herself",
                "relation": "knows",
                "subject": "anna-petrova",
                "object": "anna-petrova",
                "curatorNote": "a self-reference, on purpose",
            }
        ],
    )
    out = tmp_path / "out"
    try:
        build(root, out)
    except ValidationError as error:
        assert any(p.location.pointer in ("/0", "/0/object") for p in error.problems)
        return
    quads = assert_dumps_agree(out, ALL_FORMATS)
    anna = "https://example.org/exilekg/person/anna-petrova"
    assert (anna, "http://schema.org/knows", ("iri", anna, "")) in triples(quads)


def _many_relations(count: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": "Relation",
            "id": f"knows-{n}",
            "relation": "knows",
            "subject": "pavel-orlov",
            "object": "anna-petrova",
            "curatorNote": "generated",
        }
        for n in range(count)
    ]


MANY = int(os.environ.get("EXILEKG_HOSTILE_MANY", "5000"))


def test_many_records_referencing_one_entity(tmp_path: Path) -> None:
    """MANY relations on one pair of persons (100,000 with EXILEKG_HOSTILE_MANY=100000: about a minute)."""
    root = _example(tmp_path)
    _add_records(root, _many_relations(MANY))
    out = tmp_path / "out"
    started = time.perf_counter()
    result = build(root, out, formats=(RdfFormat.NQUADS,))
    seconds = time.perf_counter() - started
    assert result.facts == 16 + MANY
    # Linear: about 0.5 ms a record (schema validation dominates), with a wide margin for slow machines.
    assert seconds < 5 + MANY * 0.003, seconds
    direct = "<https://example.org/exilekg/person/pavel-orlov> <http://schema.org/knows> "
    text = (out / "exilekg.nq").read_text(encoding="utf-8")
    assert text.count(direct) == 1  # the direct triple stated by every record is written once


# -- interrupted builds -------------------------------------------------------------------------------------


def _large_corpus(root: Path, people: int) -> None:
    shutil.copytree(EXAMPLE, root)
    records: list[dict[str, Any]] = []
    for n in range(people):
        records.append({"kind": "Person", "id": f"person-{n}", "name": f"Person Number {n}"})
        records.append(
            {
                "kind": "Relation",
                "id": f"person-{n}-member",
                "relation": "memberOf",
                "subject": f"person-{n}",
                "object": "free-voices-foundation",
                "roleName": "member",
                "startDate": "2022",
                "curatorNote": "generated for the interruption test",
            }
        )
    _add_records(root, records, "generated.json")


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_a_killed_build_leaves_the_previous_outputs_intact(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _large_corpus(root, 1500)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "exilekg", "build", str(root), "--out", str(out), "-q"]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
    full = time.perf_counter() - started
    before = _snapshot(out)
    assert set(before) == {output_name(f) for f in ALL_FORMATS} | {"void.ttl"}
    # A different corpus, so that a build that did finish would change the files.
    (root / "records" / "generated.json").write_text(
        (root / "records" / "generated.json").read_text(encoding="utf-8").replace("Number", "No."),
        encoding="utf-8",
    )
    # Builds are byte-identical, so the new corpus's outputs are known beforehand; a build killed
    # after its renames (while exiting) legitimately leaves them.
    finished = tmp_path / "finished"
    subprocess.run([*command[:-4], str(root), "--out", str(finished), "-q"], check=True, env=env, timeout=120)
    new = _snapshot(finished)
    assert new != before
    killed = 0
    for fraction in (0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * fraction)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait(timeout=60)
        after = _snapshot(out)
        dumps = {name: content for name, content in after.items() if not name.startswith(".")}
        leftovers = set(after) - set(dumps)
        assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers), leftovers
        which = {
            n: "old" if v == before.get(n) else "new" if v == new.get(n) else "?" for n, v in dumps.items()
        }
        assert dumps in (before, new), f"a killed build left a mixture of old and new outputs: {which}"
        before = dumps  # once the new outputs are in place, later kills must keep them
    assert killed >= 3, f"the build ({full:.1f} s) finished before most kills"
    # The next build clears what the killed ones left behind.
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_only_exilekg_errors_escape(tmp_path: Path) -> None:
    # A smoke test of the oracle itself: a corpus folder that is a file.
    (tmp_path / "corpus").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ExilekgError):
        build(tmp_path / "corpus", tmp_path / "out")


# -- a corpus reads only its own files, within limits ---------------------------------------------------
#
# Each attack runs the real command line on a real corpus copy with real FIFOs, devices, /proc
# files and symbolic links, and asserts the located message and that no output was written.

SECRET = "exilekg-hostile-secret-8213"
TEXT = Path("texts") / "riga-congress.txt"
DOCUMENT = Path("documents") / "riga-congress.json"
CORPUS_COMMANDS = ("validate", "build", "suggest", "stats")


def _run(root: Path, command: str, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, so that a hang is a failure and not a stuck suite."""
    out = root.parent / "out"
    args = {
        "validate": ["validate", str(root)],
        "build": ["build", str(root), "--out", str(out), "-q"],
        "suggest": ["suggest", str(root)],
        "stats": ["stats", str(root)],
        "reconcile": ["reconcile", str(root), "--service", "http://127.0.0.1:9/never", "--no-cache", "-q"],
    }[command]
    env = {**os.environ, "EXILEKG_HOSTILE": SECRET, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "exilekg", *args, *extra],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"exilekg {command} hung on the hostile corpus")


def _refused(root: Path, command: str, *needles: str, extra: tuple[str, ...] = ()) -> str:
    result = _run(root, command, *extra)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and SECRET not in output, output
    for needle in needles:
        assert needle in output, output
    assert not (root.parent / "out").exists(), "a refused corpus wrote outputs"
    return output


def _deep(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


@pytest.mark.parametrize("depth", [500, 10_000])
@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
@pytest.mark.parametrize("command", [*CORPUS_COMMANDS, "reconcile"])
def test_deep_nesting_is_refused_with_its_line(tmp_path: Path, depth: int, name: str, command: str) -> None:
    root = _example(tmp_path)
    record = '{"kind": "Person", "id": "deep", "name": "Deep", "x": ' + _deep(depth) + "}"
    path = root / "records" / name
    path.write_text(record + "\n" if name.endswith(".jsonl") else f"[\n{record}\n]", encoding="utf-8")
    line = 1 if name.endswith(".jsonl") else 2
    # The level-65 bracket breaks the limit of 64: the record is level 1 in JSON Lines, 2 in a list.
    column = record.index("[") + (64 if name.endswith(".jsonl") else 63)
    _refused(root, command, f"{path}:{line}:{column}", "nested deeper than the limit of 64 levels", "hint:")


def test_deep_nesting_in_corpus_json_and_a_document(tmp_path: Path) -> None:
    root = _example(tmp_path)
    meta = root / "corpus.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace("{", '{"x": ' + _deep(10_000) + ",", 1))
    _refused(root, "build", f"{meta}:1:", "nested deeper than the limit")
    shutil.copy(EXAMPLE / "corpus.json", meta)
    document = root / DOCUMENT
    document.write_text(document.read_text(encoding="utf-8").replace("{", '{"x": ' + _deep(700) + ",", 1))
    _refused(root, "validate", f"{document}:1:", "nested deeper than the limit")


@pytest.mark.parametrize("digits", ["9" * 5000, "-" + "1" * 101])
@pytest.mark.parametrize("name", ["big.json", "big.jsonl"])
@pytest.mark.parametrize("command", [*CORPUS_COMMANDS, "reconcile"])
def test_huge_integers_are_refused_with_their_line(
    tmp_path: Path, digits: str, name: str, command: str
) -> None:
    root = _example(tmp_path)
    record = '{"kind": "Person", "id": "big", "name": "Big", "x": 1.5, "y": ' + digits + "}"
    path = root / "records" / name
    path.write_text(record + "\n" if name.endswith(".jsonl") else f"[{record}]", encoding="utf-8")
    column = record.index(digits) + 1 + (0 if name.endswith(".jsonl") else 1)
    count = len(digits.lstrip("-"))
    _refused(root, command, f"{path}:1:{column}", f"an integer of {count:,} digits", "limit of 100")


def test_integers_beyond_64_bits_within_the_limit_still_build(tmp_path: Path) -> None:
    root = _example(tmp_path)
    _add_records(root, [{"kind": "Person", "id": "wide", "name": "Wide", "x": 10**40}])
    with pytest.raises(ValidationError):  # "x" is no field of a Person: read, then refused by name
        build(root, tmp_path / "out")


@pytest.mark.parametrize("command", CORPUS_COMMANDS)
def test_a_fifo_as_text_is_refused_without_blocking(tmp_path: Path, command: str) -> None:
    root = _example(tmp_path)
    (root / TEXT).unlink()
    os.mkfifo(root / TEXT)
    _refused(root, command, str(root / DOCUMENT), "/text", "a FIFO (named pipe), not a regular file")


@pytest.mark.parametrize("command", [*CORPUS_COMMANDS, "reconcile"])
def test_a_fifo_as_record_file_is_refused_without_blocking(tmp_path: Path, command: str) -> None:
    root = _example(tmp_path)
    os.mkfifo(root / "records" / "pipe.jsonl")
    _refused(root, command, str(root / "records" / "pipe.jsonl"), "a FIFO (named pipe)")


def test_a_fifo_as_corpus_json_is_refused(tmp_path: Path) -> None:
    root = _example(tmp_path)
    (root / "corpus.json").unlink()
    os.mkfifo(root / "corpus.json")
    _refused(root, "validate", str(root / "corpus.json"), "a FIFO")


@pytest.mark.parametrize("follow", [False, True])
@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/environ"])
@pytest.mark.parametrize("command", CORPUS_COMMANDS)
def test_devices_and_proc_files_as_texts_are_refused(
    tmp_path: Path, target: str, follow: bool, command: str
) -> None:
    root = _example(tmp_path)
    (root / TEXT).unlink()
    (root / TEXT).symlink_to(target)
    extra = ("--follow-symlinks",) if follow else ()
    reason = "system file" if follow else "symbolic link that leads out of"
    _refused(root, command, str(root / DOCUMENT), "/text", reason, extra=extra)


@pytest.mark.parametrize("follow", [False, True])
@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/environ"])
def test_devices_and_proc_files_as_record_files_are_refused(
    tmp_path: Path, target: str, follow: bool
) -> None:
    root = _example(tmp_path)
    (root / "records" / "x.jsonl").symlink_to(target)
    extra = ("--follow-symlinks",) if follow else ()
    reason = "system file" if follow else "symbolic link that leads out of"
    _refused(root, "build", str(root / "records" / "x.jsonl"), reason, extra=extra)


def _outside(tmp_path: Path, name: str, content: str) -> Path:
    target = tmp_path / "elsewhere" / name
    target.parent.mkdir()
    target.write_text(content, encoding="utf-8")
    return target


@pytest.mark.parametrize("command", CORPUS_COMMANDS)
def test_a_text_linked_out_of_the_corpus_is_refused_unless_links_are_followed(
    tmp_path: Path, command: str
) -> None:
    root = _example(tmp_path)
    target = _outside(tmp_path, "riga.txt", (root / TEXT).read_text(encoding="utf-8"))
    (root / TEXT).unlink()
    (root / TEXT).symlink_to(target)
    _refused(root, command, str(root / DOCUMENT), f"leads out of {root / 'texts'}", "--follow-symlinks")
    result = _run(root, command, "--follow-symlinks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_record_file_linked_out_of_the_corpus_is_refused(tmp_path: Path) -> None:
    root = _example(tmp_path)
    record = {"kind": "Person", "id": "outsider", "name": SECRET}
    target = _outside(tmp_path, "people.jsonl", json.dumps(record) + "\n")
    (root / "records" / "people.jsonl").symlink_to(target)
    _refused(root, "build", str(root / "records" / "people.jsonl"), "leads out of")
    result = _run(root, "build", "--follow-symlinks")
    assert result.returncode == 0, result.stderr
    assert SECRET in (tmp_path / "out" / "exilekg.nq").read_text(encoding="utf-8")


def test_a_records_folder_linked_out_of_the_corpus_is_refused(tmp_path: Path) -> None:
    root = _example(tmp_path)
    shutil.move(root / "records", tmp_path / "records-elsewhere")
    (root / "records").symlink_to(tmp_path / "records-elsewhere")
    _refused(root, "validate", "leads out of", "--follow-symlinks")


def test_links_inside_the_corpus_are_followed(tmp_path: Path) -> None:
    root = _example(tmp_path)
    shutil.move(root / TEXT, root / "riga.txt")
    (root / TEXT).symlink_to(Path("..") / "riga.txt")
    build(root, tmp_path / "out", formats=FAST_FORMATS)


@pytest.mark.parametrize("name", ["../../elsewhere/riga.txt", "/etc/hostname"])
def test_a_text_name_never_climbs_out_even_when_links_are_followed(tmp_path: Path, name: str) -> None:
    root = _example(tmp_path)
    _outside(tmp_path, "riga.txt", SECRET)
    document = root / DOCUMENT
    data = json.loads(document.read_text(encoding="utf-8"))
    data["text"] = name
    document.write_text(json.dumps(data), encoding="utf-8")
    for command in CORPUS_COMMANDS:
        output = _refused(root, command, str(document), "/text", extra=("--follow-symlinks",))
        # The record schema may refuse such a name before any reading is tried.
        assert "the path leads out of" in output or "is not well-formed" in output, output
    corpus = read_corpus(root, policy=ReadPolicy(follow_symlinks=True))
    with pytest.raises(CorpusError, match="the path leads out of") as caught:
        corpus.text(next(d for d in corpus.documents if d.source.path == document))
    assert (caught.value.path, caught.value.pointer) == (document, "/text")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = _example(tmp_path)
    (root / TEXT).unlink()
    with (root / TEXT).open("wb") as sparse:  # 300 MiB that take no disk space
        sparse.truncate(300 * 1024 * 1024)
    _refused(
        root, "validate", str(root / DOCUMENT), "more than the limit of 268,435,456 bytes", "--max-file-size"
    )
    records = root / "records" / "entities.json"
    size = records.stat().st_size
    shutil.copy(EXAMPLE / TEXT, root / TEXT)
    _refused(root, "build", f"{records}: the file is {size:,} bytes", extra=("--max-file-size", "1K"))
    assert _run(root, "validate", "--max-file-size", "10M").returncode == 0
    with pytest.raises(CorpusError, match="more than the limit of 100 bytes"):
        build(root, tmp_path / "out", policy=ReadPolicy(max_file_size=100))


def test_a_bad_max_file_size_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE), "--max-file-size", "lots"])
    assert result.exit_code == 2 and "not a size such as" in result.output


@pytest.mark.parametrize("change", ["vanish", "rewrite"])
def test_a_text_that_changes_during_a_build_writes_nothing(tmp_path: Path, change: str) -> None:
    root = _example(tmp_path)
    out = tmp_path / "out"
    build(root, out, formats=FAST_FORMATS)
    before = _snapshot(out)
    text = root / TEXT

    def meddle(stage: str) -> None:
        # Validation has read the text; the stages after it read it again.
        if stage == "mentions":
            if change == "vanish":
                text.unlink()
            else:
                text.write_text(text.read_text(encoding="utf-8") + " More.", encoding="utf-8")

    expected = "is not in" if change == "vanish" else "changed while the corpus was being read"
    with pytest.raises(CorpusError, match=expected):
        build(root, out, formats=FAST_FORMATS, progress=meddle)
    assert _snapshot(out) == before


def test_publish_texts_shows_no_text_from_outside_the_folder(tmp_path: Path, example_build: Path) -> None:
    from exilekg.publish import publish

    texts = tmp_path / "texts"
    shutil.copytree(EXAMPLE / "texts", texts)
    # The linked file holds the very text the build used, so only confinement keeps it out.
    target = _outside(tmp_path, "riga.txt", (texts / "riga-congress.txt").read_text(encoding="utf-8"))
    (texts / "riga-congress.txt").unlink()
    (texts / "riga-congress.txt").symlink_to(target)
    os.mkfifo(texts / "pipe.txt")
    (texts / "zero.txt").symlink_to("/dev/zero")
    result = publish(example_build, tmp_path / "site", texts_dir=texts)
    warnings = "\n".join(result.warnings)
    assert f"{texts / 'riga-congress.txt'}: a symbolic link that leads out of" in warnings
    assert "riga-congress" not in "".join(
        p.name for p in (tmp_path / "site").rglob("*") if "riga-congress.txt" in p.name
    )
    followed = publish(
        example_build, tmp_path / "site2", texts_dir=texts, policy=ReadPolicy(follow_symlinks=True)
    )
    assert "riga-congress.txt: a symbolic link" not in "\n".join(followed.warnings)
    command = CliRunner().invoke(
        cli, ["publish", str(example_build), "--site", str(tmp_path / "site3"), "--texts", str(texts), "-q"]
    )
    assert command.exit_code == 0 and "leads out of" in command.output


def test_a_review_file_gets_the_same_limits(tmp_path: Path) -> None:
    from exilekg.reconcile.review import read_review

    review = tmp_path / "review.json"
    review.write_text('{"exilekgReview": 1, "x": ' + _deep(5000) + "}", encoding="utf-8")
    with pytest.raises(ReconcileError, match="nested deeper than the limit") as caught:
        read_review(review)
    assert (caught.value.path, caught.value.line) == (review, 1)
    review.unlink()
    os.mkfifo(review)
    with pytest.raises(ReconcileError, match="a FIFO"):
        read_review(review)


# -- no traceback for anything unexpected ---------------------------------------------------------------


def _failing_group() -> click.Group:
    """The command line's group with one more command whose code has a real bug in it."""

    @click.group(cls=ExilekgGroup)
    @click.option("--debug", is_flag=True)
    def group(debug: bool) -> None:
        pass

    @group.command("divide")
    def divide() -> None:
        print(1 // len(SECRET[:0]))

    return group


def test_an_unexpected_error_is_one_line_with_a_report_hint() -> None:
    result = CliRunner().invoke(_failing_group(), ["divide"])
    assert result.exit_code == INTERNAL_ERROR_STATUS
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines[
        0
    ] == f"Error: unexpected error (a bug in exilekg {__version__}): ZeroDivisionError: " + repr(
        "integer division or modulo by zero"
    )
    assert "please report this at" in lines[1] and "--debug" in lines[1]


def test_debug_shows_the_traceback() -> None:
    result = CliRunner().invoke(_failing_group(), ["--debug", "divide"])
    assert isinstance(result.exception, ZeroDivisionError)
    process = subprocess.run(
        [sys.executable, "-m", "exilekg", "--debug", "build", str(EXAMPLE), "--out", "/dev/null/x"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # --debug changes nothing for errors exilekg expects: still one located message.
    assert process.returncode == 1 and "Traceback" not in process.stderr
    assert "--debug" in CliRunner().invoke(cli, ["--help"]).output
