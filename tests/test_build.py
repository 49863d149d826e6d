"""End-to-end builds: every format parses, all formats agree, rebuilds are byte-identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import isomorphic

import exilekg
import exilekg.outputs as exilekg_outputs
from exilekg import RdfFormat, SerializationError, ValidationError, build, build_dataset, read_corpus
from exilekg.atomic import LEGACY_AGE
from exilekg.pipeline import ALL_FORMATS, output_name
from exilekg.terms import IRI, Literal, Quad
from exilekg.writers import ntriples_term

from .conftest import EXAMPLE, REPO, imported_by, parse_dataset

GOLDEN = REPO / "tests" / "golden" / "example.nq"

OX_FORMATS = {
    RdfFormat.TURTLE: pyoxigraph.RdfFormat.TURTLE,
    RdfFormat.NTRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
    RdfFormat.NQUADS: pyoxigraph.RdfFormat.N_QUADS,
    RdfFormat.TRIG: pyoxigraph.RdfFormat.TRIG,
}


def quad_set(dataset: rdflib.Dataset) -> set[tuple[object, ...]]:
    return {(s, p, o, g) for s, p, o, g in dataset.quads((None, None, None, None))}


def merged(dataset: rdflib.Dataset) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def test_build_writes_every_format_and_void(example_build: Path) -> None:
    for fmt in ALL_FORMATS:
        assert (example_build / output_name(fmt)).stat().st_size > 0
    void = rdflib.Graph().parse(example_build / "void.ttl")
    triples = next(void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#triples")))
    nquads = parse_dataset(example_build / "exilekg.nq")
    assert int(triples) == len(quad_set(nquads))


@pytest.mark.parametrize("fmt", list(OX_FORMATS))
def test_every_dump_parses_with_pyoxigraph(example_build: Path, fmt: RdfFormat) -> None:
    quads = list(pyoxigraph.parse(path=str(example_build / output_name(fmt)), format=OX_FORMATS[fmt]))
    assert quads


def test_jsonld_parses_with_pyoxigraph_given_the_local_context(example_build: Path) -> None:
    document = json.loads((example_build / "exilekg.jsonld").read_text(encoding="utf-8"))
    quads = list(pyoxigraph.parse(json.dumps(document), format=pyoxigraph.RdfFormat.JSON_LD))
    assert len(quads) == len(quad_set(parse_dataset(example_build / "exilekg.nq")))


def test_all_formats_of_one_build_are_isomorphic(example_build: Path) -> None:
    reference = parse_dataset(example_build / "exilekg.nq")
    for fmt in (RdfFormat.TRIG, RdfFormat.JSONLD):
        assert quad_set(parse_dataset(example_build / output_name(fmt))) == quad_set(reference), fmt
    for fmt in (RdfFormat.TURTLE, RdfFormat.NTRIPLES):
        graph = rdflib.Graph().parse(example_build / output_name(fmt), format=fmt.rdflib_name)
        assert isomorphic(graph, merged(reference)), fmt


def test_example_graph_matches_the_golden_graph(example_build: Path) -> None:
    built = parse_dataset(example_build / "exilekg.nq")
    golden = rdflib.Dataset()
    golden.parse(GOLDEN, format="nquads")
    missing = quad_set(golden) - quad_set(built)
    extra = quad_set(built) - quad_set(golden)
    assert not missing and not extra, (sorted(map(str, missing))[:5], sorted(map(str, extra))[:5])


def test_rebuild_is_byte_identical(example_build: Path, tmp_path: Path) -> None:
    build(EXAMPLE, tmp_path)
    for fmt in ALL_FORMATS:
        assert (tmp_path / output_name(fmt)).read_bytes() == (
            example_build / output_name(fmt)
        ).read_bytes(), fmt
    assert (tmp_path / "void.ttl").read_bytes() == (example_build / "void.ttl").read_bytes()


def test_no_blank_nodes_in_any_output(example_build: Path) -> None:
    for s, p, o, _ in parse_dataset(example_build / "exilekg.trig").quads((None, None, None, None)):
        assert not isinstance(s, rdflib.BNode) and not isinstance(o, rdflib.BNode), (s, p, o)


def test_format_subset(tmp_path: Path) -> None:
    result = build(EXAMPLE, tmp_path, formats=[RdfFormat.NQUADS])
    assert set(result.outputs) == {RdfFormat.NQUADS}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exilekg.nq", "void.ttl"]


def test_failed_build_leaves_earlier_outputs_untouched(example_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(example_copy, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    facts = example_copy / "records" / "facts.json"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace('"anna-petrova"', '"nobody"', 1), encoding="utf-8"
    )
    with pytest.raises(ValidationError):
        build(example_copy, out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_build_checks_its_own_graph_and_keeps_earlier_outputs_on_a_violation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mapping bug cannot be caused through records, so one is planted: the mapper's stream
    # gains a schema.org property that does not exist.
    out = tmp_path / "out"
    build(EXAMPLE, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    mapped = exilekg_outputs.map_corpus

    def faulty(*args: Any, **kwargs: Any) -> Iterator[Quad]:
        quads = list(mapped(*args, **kwargs))
        subject, _, _, graph = quads[0]
        yield from quads
        yield (subject, IRI("http://schema.org/favouriteColour"), Literal("red"), graph)

    monkeypatch.setattr(exilekg_outputs, "map_corpus", faulty)
    with pytest.raises(SerializationError, match="favouriteColour"):
        build(EXAMPLE, out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_build_without_texts_says_what_it_could_not_check(example_copy: Path, tmp_path: Path) -> None:
    import shutil

    shutil.rmtree(example_copy / "texts")
    result = build(example_copy, tmp_path)
    assert result.report.evidence_verified == 0
    assert any("evidence phrases" in line for line in result.report.skipped)
    graph = parse_dataset(tmp_path / "exilekg.nq")
    verified = rdflib.URIRef("https://w3id.org/exilekg/vocab#verified")
    flags = {o.toPython() for _, p, o, _ in graph.quads((None, verified, None, None))}
    assert flags == {False}


def test_build_dataset_gives_an_rdflib_dataset() -> None:
    dataset = build_dataset(read_corpus(EXAMPLE))
    graphs = {g.identifier for g in dataset.graphs() if len(g)}
    assert rdflib.URIRef("https://example.org/exilekg/graph/corpus") in graphs
    assert rdflib.URIRef("https://example.org/exilekg/graph/document/riga-congress") in graphs


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    dead = _dead_pid()
    leftovers = [
        tmp_path / f".exilekg.nq.{dead}.abc123.tmp",
        tmp_path / f".exilekg.ttl.source.{dead}.x_1y2z3.tmp",
        tmp_path / f".void.ttl.{dead}.q9q9q9q9.tmp",
    ]
    for leftover in leftovers:
        leftover.write_text("half a dump")
    unrelated = [tmp_path / ".notes.tmp", tmp_path / f".notes.txt.{dead}.abc.tmp"]
    for path in unrelated:
        path.write_text("mine")
    build(EXAMPLE, tmp_path)
    assert [p for p in leftovers if p.exists()] == []
    assert all(p.exists() for p in unrelated)


def test_a_live_builds_temporary_files_are_kept(tmp_path: Path) -> None:
    # Another build writing into the same folder right now: its files must survive this build.
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as other:
        try:
            live = tmp_path / f".exilekg.nq.{other.pid}.abc123.tmp"
            live.write_text("being written")
            build(EXAMPLE, tmp_path)
            assert live.read_text() == "being written"
        finally:
            other.kill()
    other.wait()
    build(EXAMPLE, tmp_path)  # now its writer is dead
    assert not live.exists()


def test_a_file_older_than_its_writers_process_is_a_leftover(tmp_path: Path) -> None:
    # The pid in the name now belongs to a process started after the file last changed:
    # the id was reused, the writer is gone.
    leftover = tmp_path / f".exilekg.nq.{os.getppid()}.abc123.tmp"
    leftover.write_text("half a dump")
    if not Path(f"/proc/{os.getppid()}/stat").exists():
        pytest.skip("no /proc to tell when a process started")
    os.utime(leftover, (1_000_000, 1_000_000))
    build(EXAMPLE, tmp_path)
    assert not leftover.exists()


def test_temporary_files_without_a_pid_are_removed_only_when_old(tmp_path: Path) -> None:
    fresh = tmp_path / ".exilekg.nq.abc123.tmp"
    old = tmp_path / ".exilekg.nt.def456.tmp"
    for path in (fresh, old):
        path.write_text("of an earlier version")
    stale = time.time() - LEGACY_AGE - 60
    os.utime(old, (stale, stale))
    build(EXAMPLE, tmp_path)
    assert fresh.exists()
    assert not old.exists()


# -- what the dumps hold ---------------------------------------------------------------------------

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"


def _void_value(void: list[Any], subject: str, predicate: str) -> list[str]:
    return [q.object.value for q in void if q.subject.value == subject and q.predicate.value == predicate]


@pytest.mark.parametrize("which", ["example", "seed"])
def test_triple_only_dumps_hold_each_triple_once_and_void_counts_them(
    which: str, request: pytest.FixtureRequest
) -> None:
    out: Path = request.getfixturevalue(f"{which}_build")
    lines = (out / "exilekg.nt").read_text(encoding="utf-8").splitlines()
    quads = list(pyoxigraph.parse(path=out / "exilekg.nq"))
    triples = {pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads}
    assert len(lines) == len(set(lines)) == len(triples)
    assert sum(1 for _ in pyoxigraph.parse(path=out / "exilekg.ttl")) == len(triples)
    # Each subject's statements come as one run, so Turtle gives each subject one block.
    runs = [q.subject for index, q in enumerate(quads) if index == 0 or q.subject != quads[index - 1].subject]
    assert len(runs) == len(set(runs))

    void = list(pyoxigraph.parse(path=out / "void.ttl"))
    base = [q.object.value for q in void if q.predicate.value == f"{VOID}uriSpace"]
    dataset = next(q.subject.value for q in void if q.predicate.value == f"{VOID}uriSpace")
    assert _void_value(void, dataset, f"{VOID}triples") == [str(len(triples))]
    subjects = {q.subject.value for q in quads if q.subject.value.startswith(base[0])}
    assert _void_value(void, dataset, f"{VOID}entities") == [str(len(subjects))]
    graphs = _void_value(void, dataset, f"{VOID}subset")
    assert sum(int(_void_value(void, g, f"{VOID}triples")[0]) for g in graphs) == len(quads)
    for extension, title in (("nt", "N-Triples"), ("ttl", "Turtle"), ("nq", "N-Quads"), ("trig", "TriG")):
        dist = f"{dataset}#distribution-{extension}"
        assert _void_value(void, dist, f"{DCTERMS}title") == [title]
        counted = _void_value(void, dist, f"{VOID}triples")
        assert counted == ([str(len(triples))] if extension in ("nt", "ttl") else [])


def test_seed_triples_stated_in_two_graphs_are_one_line(seed_build: Path) -> None:
    quads = list(pyoxigraph.parse(path=seed_build / "exilekg.nq"))
    triples = {pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads}
    assert len(triples) < len(quads)  # the seed states some triples in two graphs


def test_void_gives_publisher_contact_dates_and_access_url(example_copy: Path, tmp_path: Path) -> None:
    meta_path = example_copy / "corpus.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["maintainer"]["email"] = "team@example.org"
    meta["publisher"] = {"name": "Exile Press", "url": "https://example.org/press"}
    meta["issued"] = "2025-01-15"
    meta["modified"] = "2025-03-01"
    meta["accessURL"] = "https://example.org/exilekg/dataset"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    build(example_copy, tmp_path)
    void = list(pyoxigraph.parse(path=tmp_path / "void.ttl"))
    dataset = "https://example.org/exilekg/dataset"
    assert _void_value(void, dataset, f"{DCTERMS}issued") == ["2025-01-15"]
    assert _void_value(void, dataset, f"{DCTERMS}modified") == ["2025-03-01"]
    (publisher,) = _void_value(void, dataset, f"{DCTERMS}publisher")
    assert _void_value(void, publisher, "http://xmlns.com/foaf/0.1/name") == ["Exile Press"]
    (contact,) = _void_value(void, dataset, f"{DCAT}contactPoint")
    assert _void_value(void, contact, "http://www.w3.org/2006/vcard/ns#hasEmail") == [
        "mailto:team@example.org"
    ]
    assert _void_value(void, f"{dataset}#distribution-nq", f"{DCAT}accessURL") == [meta["accessURL"]]


def test_map_corpus_with_the_report_gives_exactly_the_build_quads(example_build: Path) -> None:
    corpus = read_corpus(EXAMPLE)
    report = exilekg.validate(corpus)
    mapped = [
        f"<{s}> <{p}> {ntriples_term(o)} <{g}> .\n" for s, p, o, g in exilekg.map_corpus(corpus, report)
    ]
    assert "".join(mapped) == (example_build / "exilekg.nq").read_text(encoding="utf-8")


def test_jsonld_context_url_names_a_hosted_context(tmp_path: Path) -> None:
    url = "https://example.org/exilekg/context.jsonld"
    build(EXAMPLE, tmp_path, formats=[RdfFormat.JSONLD, RdfFormat.NQUADS], jsonld_context=url)
    document = json.loads((tmp_path / "exilekg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == url
    from exilekg.jsonld import context_value

    document["@context"] = context_value()  # what a server of that URL gives
    read = set(pyoxigraph.parse(json.dumps(document).encode("utf-8"), format=pyoxigraph.RdfFormat.JSON_LD))
    assert read == set(pyoxigraph.parse(path=tmp_path / "exilekg.nq"))


def test_publish_serves_the_hosted_context_at_its_url(tmp_path: Path) -> None:
    from exilekg.publish import publish

    out = tmp_path / "out"
    build(EXAMPLE, out, jsonld_context="https://example.org/exilekg/contexts/v1.jsonld")
    result = publish(out, tmp_path / "site", texts_dir=EXAMPLE)
    served = json.loads((tmp_path / "site" / "contexts" / "v1.jsonld").read_text(encoding="utf-8"))
    assert served == json.loads((REPO / "vocab" / "context.jsonld").read_text(encoding="utf-8"))
    assert result.warnings == []


def test_a_build_of_valid_records_imports_no_http_client_jsonld_processor_jsonschema_or_rdflib(
    tmp_path: Path,
) -> None:
    """These are imported where they are needed (fetching, reading JSON-LD, describing a refused
    record, the rdflib engine, SHACL): a build without them starts about 0.35 s sooner."""
    argv = ["build", str(EXAMPLE), "--out", str(tmp_path / "out"), "--quiet"]
    assert imported_by(argv, ("pyld", "requests", "jsonschema", "rdflib")) == []
    assert (tmp_path / "out" / "exilekg.jsonld").stat().st_size > 0


def test_a_refused_record_is_still_described_by_jsonschema(example_copy: Path, tmp_path: Path) -> None:
    entities = example_copy / "records" / "entities.json"
    records = json.loads(entities.read_text(encoding="utf-8"))
    records[0]["name"] = 42
    entities.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        build(example_copy, tmp_path / "out")
    assert any("/0/name" in str(p.location) for p in caught.value.problems), caught.value.problems


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names descriptors through /proc")
@pytest.mark.parametrize("workers", [1, 2])
def test_n_triples_and_n_quads_are_synced_beside_the_build_before_the_commit(
    example_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    # By the thread that digests them, while JSON-LD is written: the commit's own sync (each file
    # is synced there again, whoever synced it first) then finds them on disk.
    from exilekg import sharded
    from exilekg.atomic import AtomicFiles

    monkeypatch.setattr(sharded, "CHUNKS_PER_WORKER", 20)  # the example corpus is split

    synced: list[str] = []
    early: list[str] = []
    fsync, commit = os.fsync, AtomicFiles.commit

    def spy(fd: int) -> None:
        synced.append(str(Path(f"/proc/self/fd/{fd}").readlink()))
        fsync(fd)

    def spied_commit(files: AtomicFiles) -> None:
        early.extend(target.name for _, tmp, target in files.pending if str(tmp) in synced)
        commit(files)

    monkeypatch.setattr(os, "fsync", spy)
    monkeypatch.setattr(AtomicFiles, "commit", spied_commit)
    result = build(example_copy, tmp_path / "out", workers=workers)
    assert result.workers == workers
    assert {"exilekg.nq", "exilekg.nt"} <= set(early)
