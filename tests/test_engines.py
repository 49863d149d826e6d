"""The fast writers against the reference: every dump of the fast engine is isomorphic to rdflib's.

The fast engine writes N-Triples and N-Quads with f-strings, Turtle and TriG through
pyoxigraph, and JSON-LD directly; the ``rdflib`` engine writes every format with rdflib's
serializers. Both build the example corpus and a small generated benchmark corpus, and
each format of one must hold exactly the graph of the other.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import isomorphic

import exilekg.writers.oxigraph as serialize_module
from exilekg import RdfFormat, build
from exilekg.errors import SerializationError
from exilekg.pipeline import ALL_FORMATS, output_name
from exilekg.terms import IRI, XSD, Literal, Quad
from exilekg.writers import ENGINES, QuadSink, dump, serialize
from exilekg.writers.oxigraph import Conversion

from .conftest import EXAMPLE, REPO, parse_dataset


def load_generator() -> ModuleType:
    """benchmarks/generate.py as a module (the benchmarks folder is not a package)."""
    name = "exilekg_benchmarks_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["example", "generated"])
def builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same corpus built by each engine: engine name to output folder."""
    if request.param == "example":
        corpus = EXAMPLE
    else:
        corpus = load_generator().generate(3, tmp_path_factory.mktemp("generated") / "corpus")
    outs = {}
    for engine in ENGINES:
        out = tmp_path_factory.mktemp(f"{request.param}-{engine.value}")
        build(corpus, out, engine=engine)
        outs[engine.value] = out
    return outs


def rdflib_graph(path: Path) -> rdflib.Graph:
    """The triples of a dump, graph names dropped."""
    graph = rdflib.Graph()
    for s, p, o, _ in parse_dataset(path).quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def exact_quads(path: Path) -> set[str]:
    """The dump's quads as pyoxigraph reads them, lexical forms untouched (graph names dropped for
    triple formats)."""
    fmt = RdfFormat.from_path(path)
    if fmt is RdfFormat.JSONLD:
        text = json.dumps(json.loads(path.read_text(encoding="utf-8")))
        return {str(q) for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.JSON_LD)}
    ox_format = pyoxigraph.RdfFormat.from_extension(fmt.extension)
    assert ox_format is not None
    return {str(q) for q in pyoxigraph.parse(path=str(path), format=ox_format)}


@pytest.mark.parametrize("fmt", ALL_FORMATS, ids=lambda f: f.extension)
def test_fast_dumps_are_isomorphic_to_rdflib_dumps(builds: dict[str, Path], fmt: RdfFormat) -> None:
    fast, reference = builds["fast"] / output_name(fmt), builds["rdflib"] / output_name(fmt)
    assert fast.read_bytes() != b""
    if fmt.supports_datasets:
        left, right = parse_dataset(fast), parse_dataset(reference)
        assert {q for q in left.quads((None, None, None, None))} == {
            q for q in right.quads((None, None, None, None))
        }
    assert isomorphic(rdflib_graph(fast), rdflib_graph(reference))
    assert exact_quads(fast) == exact_quads(reference)


def test_both_engines_count_the_same_triples(builds: dict[str, Path]) -> None:
    # void.ttl also lists each dump's digest, which differs: the engines lay the Turtle out apart.
    def counts(path: Path) -> list[tuple[str, str]]:
        graph = rdflib.Graph().parse(path, format="turtle")
        void = "http://rdfs.org/ns/void#"
        return sorted(
            (str(p), str(o)) for _, p, o in graph if str(p).startswith(void) and isinstance(o, rdflib.Literal)
        )

    fast, reference = counts(builds["fast"] / "void.ttl"), counts(builds["rdflib"] / "void.ttl")
    assert fast == reference and any(p.endswith("#triples") for p, _ in fast)


HOSTILE: list[Quad] = [
    (
        IRI("https://example.org/a"),
        IRI("http://schema.org/name"),
        Literal('quote " backslash \\ newline \n return \r tab \t nul-free ünïcödé 𝄞'),
        IRI("https://example.org/graph/1"),
    ),
    (
        IRI("https://example.org/a"),
        IRI("http://schema.org/alternateName"),
        Literal("Алексей", language="ru"),
        IRI("https://example.org/graph/1"),
    ),
    (
        IRI("https://example.org/a"),
        IRI("http://schema.org/wordCount"),
        Literal("+007", IRI(str(XSD.integer))),
        IRI("https://example.org/graph/2"),
    ),
    (
        IRI("https://example.org/a"),
        IRI("http://schema.org/sameAs"),
        IRI("https://example.org/x?q=1#frag"),
        IRI("https://example.org/graph/2"),
    ),
    (
        IRI("https://example.org/b/with.dot."),
        IRI("http://schema.org/dateCreated"),
        Literal("2020-01-01T10:00:00.000+01:00", IRI(str(XSD.dateTime))),
        IRI("https://example.org/graph/1"),
    ),
]


@pytest.mark.parametrize(
    "fmt", [f for f in ALL_FORMATS if f is not RdfFormat.JSONLD], ids=lambda f: f.extension
)
def test_awkward_terms_survive_every_format_exactly(fmt: RdfFormat, tmp_path: Path) -> None:
    """Escapes, language tags, non-canonical lexical forms and odd local names, through both engines.

    (JSON-LD is left out: its writer checks every node against the output schemas, which these
    made-up nodes do not meet; the corpora above cover it.)
    """
    for engine in ENGINES:
        dump(HOSTILE, tmp_path / engine.value / output_name(fmt), engine=engine)
    assert exact_quads(tmp_path / "fast" / output_name(fmt)) == exact_quads(
        tmp_path / "rdflib" / output_name(fmt)
    )


def test_serialize_to_a_string_matches_dump(tmp_path: Path) -> None:
    for fmt in (RdfFormat.TURTLE, RdfFormat.TRIG):
        dump(HOSTILE, tmp_path / output_name(fmt))
        assert serialize(HOSTILE, fmt) == (tmp_path / output_name(fmt)).read_text(encoding="utf-8")


def test_turtle_uses_our_prefixes() -> None:
    text = serialize(HOSTILE, RdfFormat.TURTLE)
    assert "@prefix schema: <http://schema.org/> ." in text
    assert "schema:alternateName" in text


def test_one_sink_writes_every_format_at_once() -> None:
    streams = {fmt: io.StringIO() for fmt in ALL_FORMATS if fmt is not RdfFormat.JSONLD}
    sink = QuadSink(streams)  # type: ignore[arg-type]
    assert sink.consume(HOSTILE) == len(HOSTILE)
    sink.close()
    for fmt, stream in streams.items():
        assert stream.getvalue() == serialize(HOSTILE, fmt), fmt


# -- Turtle and TriG in worker processes ------------------------------------------------------------

WORKER_FORMATS = (RdfFormat.TURTLE, RdfFormat.TRIG)


@pytest.fixture
def workers_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turtle and TriG go to worker processes from the first quad, however small the output."""
    monkeypatch.setattr(serialize_module, "IN_PROCESS_LIMIT", 0)


def conversions(sink: QuadSink) -> list[Any]:
    return [w for w in sink.finishers if isinstance(w, Conversion)]


def test_worker_processes_write_the_same_bytes_as_the_in_process_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = load_generator().generate(3, tmp_path / "corpus")
    build(corpus, tmp_path / "in-process")
    monkeypatch.setattr(serialize_module, "IN_PROCESS_LIMIT", 0)
    build(corpus, tmp_path / "workers")
    for fmt in WORKER_FORMATS:
        name = output_name(fmt)
        written = (tmp_path / "workers" / name).read_bytes()
        assert written == (tmp_path / "in-process" / name).read_bytes(), name
    assert exact_quads(tmp_path / "workers" / "exilekg.trig") == exact_quads(
        tmp_path / "workers" / "exilekg.nq"
    )
    # The text the workers read was spooled beside the outputs, and removed with the build.
    assert sorted(p.name for p in (tmp_path / "workers").iterdir()) == sorted(
        [output_name(fmt) for fmt in ALL_FORMATS] + ["void.ttl"]
    )


@pytest.mark.parametrize("fmt", WORKER_FORMATS, ids=lambda f: f.extension)
def test_a_file_output_past_the_limit_is_written_by_a_worker(
    workers_always: None, tmp_path: Path, fmt: RdfFormat
) -> None:
    path = tmp_path / output_name(fmt)
    with path.open("w", encoding="utf-8") as out, QuadSink({fmt: out}) as sink:
        sink.write_many(HOSTILE)
        (conversion,) = conversions(sink)
        assert conversion.worker is not None and conversion.worker.poll() is None
        sink.close()
        assert conversion.worker.returncode == 0
    assert path.read_text(encoding="utf-8") == serialize(HOSTILE, fmt)


def test_an_in_memory_output_never_starts_a_worker(workers_always: None) -> None:
    buffer = io.StringIO()
    with QuadSink({RdfFormat.TURTLE: buffer}) as sink:
        sink.write_many(HOSTILE)
        assert [c.worker for c in conversions(sink)] == [None]
        sink.close()
    assert buffer.getvalue() == serialize(HOSTILE, RdfFormat.TURTLE)


def test_a_worker_that_fails_raises_with_pyoxigraphs_reason(workers_always: None, tmp_path: Path) -> None:
    with (tmp_path / "out.ttl").open("w", encoding="utf-8") as out, QuadSink({RdfFormat.TURTLE: out}) as sink:
        (conversion,) = conversions(sink)
        conversion.write("<http://example.org/s> <http://example.org/p> this is not N-Triples .\n")
        with pytest.raises(SerializationError, match="pyoxigraph could not write Turtle: SyntaxError"):
            sink.close()
        assert conversion.worker.returncode == 1


def test_aborting_a_sink_ends_its_workers(workers_always: None, tmp_path: Path) -> None:
    streams = {fmt: (tmp_path / output_name(fmt)).open("w", encoding="utf-8") for fmt in ALL_FORMATS}
    with pytest.raises(RuntimeError, match="mapping failed"), QuadSink(streams) as sink:  # type: ignore[arg-type]
        sink.write_many(HOSTILE)
        workers = [c.worker for c in conversions(sink)]
        assert len(workers) == 2 and all(w is not None and w.poll() is None for w in workers)
        raise RuntimeError("mapping failed")
    assert all(w.poll() is not None for w in workers)
    for stream in streams.values():
        stream.close()


# -- a triple given in two graphs is one N-Triples line ---------------------------------------------


def _runs_stream(data: Any) -> list[Quad]:
    """Subjects in runs; within a run, graphs change and a triple may come again in another graph."""
    from hypothesis import strategies as st

    quads: list[Quad] = []
    for number in range(data.draw(st.integers(1, 6))):
        subject = IRI(f"http://example.org/s{number}")
        used: set[tuple[str, str]] = set()
        for _ in range(data.draw(st.integers(1, 12))):
            triple = (IRI(f"http://example.org/p{data.draw(st.integers(0, 2))}"), IRI("http://example.org/o"))
            graph = IRI(f"http://example.org/g{data.draw(st.integers(0, 2))}")
            if (triple[0], graph) in used:
                continue  # mapping never gives one quad twice
            used.add((triple[0], graph))
            quads.append((subject, triple[0], triple[1], graph))
    return quads


def test_triple_runs_find_every_repeat_however_the_stream_is_cut() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from exilekg.writers.lines import TripleRuns

    @settings(max_examples=200, deadline=None)
    @given(st.data())
    def check(data: Any) -> None:
        quads = _runs_stream(data)
        seen: set[tuple[Any, ...]] = set()
        expected = []
        for index, quad in enumerate(quads):
            if quad[:3] in seen:
                expected.append(index)
            seen.add(quad[:3])
        runs, found, offset = TripleRuns(), [], 0
        while offset < len(quads):
            size = data.draw(st.integers(1, 8))
            found += [offset + k for k in runs.repeats(quads[offset : offset + size])]
            offset += size
        assert found == expected

    check()


def test_ntriples_give_a_triple_of_two_graphs_once_and_nquads_twice() -> None:
    s, p, o = IRI("http://example.org/s"), IRI("http://example.org/p"), IRI("http://example.org/o")
    g1, g2 = IRI("http://example.org/g1"), IRI("http://example.org/g2")
    quads: list[Quad] = [(s, p, o, g1), (s, RDF_TYPE, o, g1), (s, p, o, g2)]
    for engine in ENGINES:
        assert serialize(quads, RdfFormat.NTRIPLES, engine=engine).count("<http://example.org/p>") == 1
        assert serialize(quads, RdfFormat.NQUADS, engine=engine).count("<http://example.org/p>") == 2
        turtle = serialize(quads, RdfFormat.TURTLE, engine=engine)
        assert len(list(pyoxigraph.parse(turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))) == 2


RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_jsonld_nodes_are_laid_out_alike_whatever_their_order_and_the_shapes_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A node's layout is worked out once per shape (its predicates in order, its types): nodes of
    # one shape in another order, and nodes beyond the shapes kept, come out as a fresh layout does.
    from exilekg.terms import RDF, SCHEMA
    from exilekg.writers import jsonld as writer

    g = IRI("https://example.org/g")
    person, org = IRI(str(SCHEMA) + "Person"), IRI(str(SCHEMA) + "Organization")
    name, url = IRI(str(SCHEMA) + "name"), IRI(str(SCHEMA) + "url")
    date = Literal("2024-01-02", IRI(str(XSD) + "date"), None)

    def quads(order: int) -> list[Quad]:
        made: list[Quad] = []
        for i in range(6):
            s = IRI(f"https://example.org/n{order}-{i}")
            props = [
                (RDF.type, person if i % 2 else org),
                (RDF.type, org if i % 2 else person),
                (RDF.type, IRI("https://example.org/Kind")),  # no prefix: its IRI in full
                (name, Literal(f"N{i}", None, "ru" if i % 3 else None)),
                (url, IRI(f"https://example.org/u{i}")),
                (IRI(str(SCHEMA) + "foundingDate"), date),
            ]
            if order:
                props.reverse()
            made += [(s, p, o, g) for p, o in props]
        return made

    kept = writer.jsonld_document(quads(0) + quads(1))
    # A node of one type that has no prefix keeps its IRI whole, as a string.
    alone = writer.jsonld_document(
        [(IRI("https://example.org/k"), RDF.type, IRI("https://example.org/Kind"), g)]
    )
    assert alone["@graph"][0]["@graph"] == [
        {"@id": "https://example.org/k", "@type": "https://example.org/Kind"}
    ]
    nodes = kept["@graph"][0]["@graph"]
    assert nodes[0] == {
        "@id": "https://example.org/n0-0",
        "@type": ["Organization", "Person", "https://example.org/Kind"],
        "foundingDate": {"@value": "2024-01-02", "@type": "xsd:date"},
        "name": "N0",
        "url": {"@id": "https://example.org/u0"},
    }
    assert [list(n) for n in nodes[:6]] == [list(n) for n in nodes[6:]]
    assert [{k: v for k, v in n.items() if k != "@id"} for n in nodes[:6]] == [
        {k: v for k, v in n.items() if k != "@id"} for n in nodes[6:]
    ]
    monkeypatch.setattr(writer, "_SHAPES", {})
    monkeypatch.setattr(writer, "_TYPES", {})
    monkeypatch.setattr(writer, "_CACHED", 0)  # every layout worked out afresh
    assert writer.jsonld_document(quads(0) + quads(1)) == kept
    assert not writer._SHAPES and not writer._TYPES
