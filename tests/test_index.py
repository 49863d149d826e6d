"""The build's manifest (void.ttl's digests and build id) and the query index beside the dumps."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from exilekg import RdfFormat, build, index
from exilekg.cli import cli
from exilekg.errors import OutputError, QueryError
from exilekg.index import INDEX_NAME, KEYS_FILE, line_slices, make_index, open_index, write_index
from exilekg.manifest import (
    build_id,
    check_outputs,
    digest_file,
    ensure_consistent,
    read_manifest,
    verify_outputs,
)
from exilekg.pipeline import output_name
from exilekg.publish import publish
from exilekg.publish.store import IndexStore, MemoryStore, read_store
from exilekg.rdf import build_dumps
from exilekg.rdf.read import OXIGRAPH_FORMATS
from exilekg.sparql import IndexSource, OxigraphSource, QueryEngine, named_queries, open_dumps, open_source

from .conftest import EXAMPLE

_PICK = {
    "entity": "http://schema.org/Person",
    "person": "http://schema.org/Person",
    "organization": "http://schema.org/Organization",
    "place": "http://schema.org/Country",
    "producer": "http://schema.org/Organization",
}


def _first_of(source: OxigraphSource, cls: str) -> str:
    found = source.run(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{cls}> }} }} ORDER BY ?s LIMIT 1")
    assert found.rows, cls
    return str(found.rows[0]["s"])


def _answers_agree(folder: Path) -> int:
    """Every named query (required parameters bound to an entity of the build) answers the same on
    the index as on the dumps; how many rows they gave in all."""
    rows = 0
    with open_source(folder) as indexed, open_dumps(build_dumps(folder), QueryEngine.OXIGRAPH) as dumps:
        assert isinstance(indexed, IndexSource) and not isinstance(dumps, IndexSource)
        for shipped in named_queries():
            params = {p.name: _first_of(dumps, _PICK[p.name]) for p in shipped.params if not p.optional}
            a, b = indexed.run(shipped, params), dumps.run(shipped, params)
            assert a.vars == b.vars, shipped.name
            assert Counter(a.terms) == Counter(b.terms), shipped.name
            rows += len(a)
        everything = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert Counter(indexed.run(everything).terms) == Counter(dumps.run(everything).terms)
    return rows


def test_void_lists_each_dump_with_its_digest_and_the_build_id(example_build: Path) -> None:
    manifest = read_manifest(example_build)
    assert manifest is not None
    names = {output_name(fmt) for fmt in RdfFormat if (example_build / output_name(fmt)).is_file()}
    assert set(manifest.outputs) == names
    for name, listed in manifest.outputs.items():
        data = (example_build / name).read_bytes()
        assert listed.sha256 == hashlib.sha256(data).hexdigest() and listed.size == len(data)
    assert manifest.build_id == build_id(manifest.outputs)
    assert (example_build / INDEX_NAME / "build-id").read_text().strip() == manifest.build_id
    assert check_outputs(example_build) == [] and verify_outputs(example_build) == []


def test_the_manifest_is_read_from_its_own_statements(example_build: Path, tmp_path: Path) -> None:
    """Only the manifest's statements count, wherever void.ttl puts them: the build's activity may
    have other types too, and a description whose text breaks after the manifest is no manifest."""
    listed = read_manifest(example_build)
    assert listed is not None
    assert ensure_consistent(example_build, OutputError) == listed
    text = (example_build / "void.ttl").read_text(encoding="utf-8")
    activity = next(line.split()[0] for line in text.splitlines() if " a prov:Activity" in line)
    folder = tmp_path / "typed"
    folder.mkdir()
    extra = f"{activity} a <http://www.w3.org/ns/prov#SoftwareAgent> .\n"
    (folder / "void.ttl").write_text(text + extra, encoding="utf-8")
    assert read_manifest(folder) == listed
    (folder / "void.ttl").write_text(text + '<urn:x:a> <urn:x:b> "unclosed .\n', encoding="utf-8")
    assert read_manifest(folder) is None


def test_the_same_corpus_gets_the_same_build_id(example_build: Path, tmp_path: Path) -> None:
    result = build(EXAMPLE, tmp_path, index=True)
    first = read_manifest(example_build)
    assert first is not None and result.build_id == first.build_id
    assert (tmp_path / "void.ttl").read_bytes() == (example_build / "void.ttl").read_bytes()


def test_index_answers_as_the_dumps_on_the_example(example_build: Path) -> None:
    assert _answers_agree(example_build) > 0


def test_index_answers_as_the_dumps_on_the_seeds(seed_build: Path) -> None:
    assert _answers_agree(seed_build) > 0


def test_index_answers_as_a_turtle_only_dump(tmp_path: Path) -> None:
    build(EXAMPLE, tmp_path, formats=[RdfFormat.TURTLE], index=True)
    assert _answers_agree(tmp_path) > 0


def test_subset_build_removes_the_earlier_builds_other_dumps(tmp_path: Path) -> None:
    build(EXAMPLE, tmp_path, index=True)
    build(EXAMPLE, tmp_path, formats=[RdfFormat.TURTLE], index=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exilekg.index", "exilekg.ttl", "void.ttl"]
    assert check_outputs(tmp_path) == []
    with open_source(tmp_path) as source:
        assert isinstance(source, IndexSource) and source.run("ASK { ?s ?p ?o }").boolean


def test_a_dump_of_another_build_is_refused(example_build: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(example_build, folder)
    build(EXAMPLE, tmp_path / "nq", formats=[RdfFormat.NQUADS])
    shutil.copy(tmp_path / "nq" / "void.ttl", folder / "void.ttl")  # void.ttl of a build without .ttl
    problems = check_outputs(folder)
    assert any("exilekg.ttl is not an output" in p for p in problems)
    with pytest.raises(QueryError, match="different builds"):
        open_source(folder)
    result = CliRunner().invoke(cli, ["query", str(folder), "ASK { ?s ?p ?o }"])
    assert result.exit_code == 1 and "different builds" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["publish", str(folder), "--site", str(tmp_path / "site")])
    assert result.exit_code != 0 and "different builds" in result.output


def test_a_changed_dump_is_refused(example_build: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(example_build, folder)
    with (folder / "exilekg.nq").open("a", encoding="utf-8") as stream:
        stream.write("<urn:x:a> <urn:x:b> <urn:x:c> <urn:x:g> .\n")
    assert any("exilekg.nq has changed" in p for p in check_outputs(folder))
    with pytest.raises(QueryError, match="different builds"):
        open_source(folder)


def test_a_stale_index_is_not_opened(example_build: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(example_build, folder)
    (folder / INDEX_NAME / "build-id").write_text("0" * 32 + "\n", encoding="utf-8")
    assert open_index(folder) is None
    with open_source(folder) as source:  # the dumps, read as before
        assert not isinstance(source, IndexSource) and source.run("ASK { ?s ?p ?o }").boolean


def test_no_index_build_removes_an_earlier_index(tmp_path: Path) -> None:
    build(EXAMPLE, tmp_path, index=True)
    assert (tmp_path / INDEX_NAME).is_dir()
    result = build(EXAMPLE, tmp_path)
    assert result.index is None and not (tmp_path / INDEX_NAME).exists()
    with open_source(tmp_path) as source:
        assert not isinstance(source, IndexSource)


def test_index_command_indexes_an_existing_build(tmp_path: Path) -> None:
    build(EXAMPLE, tmp_path, index=False)
    result = CliRunner().invoke(cli, ["index", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert open_index(tmp_path) is not None
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left
    assert _answers_agree(tmp_path) > 0


def test_index_command_needs_a_manifest(tmp_path: Path) -> None:
    build(EXAMPLE, tmp_path, index=False)
    (tmp_path / "void.ttl").unlink()
    with pytest.raises(OutputError, match="no build manifest"):
        write_index(tmp_path)
    result = CliRunner().invoke(cli, ["index", str(tmp_path)])
    assert result.exit_code == 1 and "no build manifest" in result.output


def test_query_cli_on_a_bare_dump_still_works(example_build: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(example_build / "exilekg.nq"), "ASK { ?s ?p ?o }"])
    assert result.exit_code == 0, result.output


def test_publish_reads_the_index_as_it_reads_the_dumps(example_build: Path, tmp_path: Path) -> None:
    from_index = read_store(example_build)
    folder = tmp_path / "out"
    shutil.copytree(example_build, folder)
    shutil.rmtree(folder / INDEX_NAME)
    from_dumps = read_store(folder)
    assert isinstance(from_index, IndexStore) and isinstance(from_dumps, MemoryStore)
    assert from_index.base == from_dumps.base and from_index.pages() == from_dumps.pages()
    for page in from_dumps.pages():
        triples = from_dumps.slices.get(page)
        assert from_index.slices.get(page) == triples, page
        for node in {t[0] for t in triples} | {t[2] for t in triples if isinstance(t[2], str)}:
            assert from_index.by_subject.get(node) == from_dumps.by_subject.get(node), node
            assert from_index.by_object.get(node) == from_dumps.by_object.get(node), node


def test_a_site_published_from_the_index_is_the_one_published_from_the_dumps(
    example_build: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    shutil.copytree(example_build, folder)
    shutil.rmtree(folder / INDEX_NAME)
    sites = []
    for source in (example_build, folder):
        site = tmp_path / "site"  # one path for both: the server configurations name it
        publish(source, site)
        sites.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    assert [name for name in sites[0] if sites[0][name] != sites[1][name]] == []


def test_digest_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 3_000_000)
    digest = digest_file(path)
    assert digest.size == 3_000_000 and digest.sha256 == hashlib.sha256(b"x" * 3_000_000).hexdigest()


def _stored(folder: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(folder / "store"))
    try:
        return set(store)
    finally:
        del store


@pytest.mark.parametrize("parts", [1, 2, 3, 7, 50])
def test_line_slices_are_whole_lines_covering_the_file(tmp_path: Path, parts: int) -> None:
    path = tmp_path / "lines.nq"
    lines = [f'<urn:s:{i}> <urn:p> "{"x" * (i % 13)}\\n" .\n'.encode() for i in range(40)]
    path.write_bytes(b"".join(lines))
    runs = line_slices(path, parts)
    assert runs[0][0] == 0 and runs[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in pairwise(runs)) and len(runs) <= parts
    data = path.read_bytes()
    assert all(data[start:end].endswith(b"\n") for start, end in runs)
    assert [line for start, end in runs for line in data[start:end].splitlines(keepends=True)] == lines


@pytest.mark.parametrize("fmt", [RdfFormat.NQUADS, RdfFormat.NTRIPLES])
def test_an_index_loaded_in_slices_holds_what_one_load_holds(
    example_build: Path, tmp_path: Path, fmt: RdfFormat
) -> None:
    source = tmp_path / f"dump.{fmt.extension}"
    shutil.copy(example_build / output_name(fmt), source)
    graph = None if fmt.supports_datasets else "urn:graph"
    loads = [(source, OXIGRAPH_FORMATS[fmt], source.as_uri(), graph)]
    assert len(line_slices(source, 3)) == 3
    whole = _stored(make_index(tmp_path / "one", loads, "id", workers=1))
    assert whole == _stored(make_index(tmp_path / "many", loads, "id", workers=3))
    assert len(whole) > 1000


def test_an_index_compacted_while_its_key_table_is_written_holds_what_one_load_holds(
    example_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "dump.nq"
    shutil.copy(example_build / output_name(RdfFormat.NQUADS), source)
    loads = [(source, OXIGRAPH_FORMATS[RdfFormat.NQUADS], source.as_uri(), None)]
    one = make_index(tmp_path / "one", loads, "id", workers=1)
    compactions: list[object] = []
    optimize = ox.Store.optimize

    def compact(store: ox.Store) -> None:
        compactions.append(store)
        optimize(store)

    monkeypatch.setattr(ox.Store, "optimize", compact)
    monkeypatch.setattr(index, "_SLICE_BYTES", 64 << 10)  # many loads for one thread: compacted
    many = make_index(tmp_path / "many", loads, "id", workers=1)
    assert len(compactions) == 1
    assert _stored(many) == _stored(one)
    assert _keys(many) == _keys(one) and len(_keys(one)) > 50


def _keys(folder: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(folder / KEYS_FILE)
    try:
        return sorted(connection.execute("SELECT * FROM keys"), key=repr)
    finally:
        connection.close()


def test_a_dump_with_blank_nodes_is_loaded_whole(example_build: Path, tmp_path: Path) -> None:
    source = tmp_path / "dump.nq"
    # One blank node named at both ends of the file: in two slices it would become two nodes.
    source.write_bytes(
        b"_:shared <urn:p> <urn:o> .\n"
        + (example_build / output_name(RdfFormat.NQUADS)).read_bytes()
        + b"<urn:s> <urn:q> _:shared .\n"
    )
    loads = [(source, OXIGRAPH_FORMATS[RdfFormat.NQUADS], source.as_uri(), None)]
    quads = _stored(make_index(tmp_path / "many", loads, "id", workers=3))
    blank = {term for q in quads for term in (q.subject, q.object) if isinstance(term, ox.BlankNode)}
    assert len(blank) == 1
