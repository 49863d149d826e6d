"""Loading into real stores over real HTTP: counts, replace, errors, retries, a killed connection."""

from __future__ import annotations

import http.server
import json
import re
import shlex
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
import requests
from click.testing import CliRunner

from exilekg import StoreError, build
from exilekg.cli import cli
from exilekg.stores import Auth, Endpoint, load, select, update

from ..conftest import EXAMPLE, REPO

HOSTILE = 'Quote " back\\slash\nnew line <tag> Кириллица 🙂 \u202eRTL'


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("corpus") / "c"
    shutil.copytree(EXAMPLE, corpus)
    people = corpus / "records" / "entities.json"
    records = json.loads(people.read_text("utf-8"))
    records.append({"kind": "Person", "id": "hostile", "name": HOSTILE})
    people.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    out = tmp_path_factory.mktemp("out")
    build(corpus, out)
    return out


def dump_quads(out: Path) -> set[tuple[str, str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in pyoxigraph.parse(path=str(out / "exilekg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    }


def store_quads(url: str) -> set[tuple[str, str, str, str]]:
    """Every quad in the store's named graphs, as N-Triples-ish strings (Virtuoso's own graphs left out)."""
    rows = select(url, "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    out = set()
    for row in rows:
        g = row["g"]["value"]
        if not g.startswith(("https://example.org/", "urn:exilekg:")):
            continue
        o = row["o"]
        if o["type"] == "uri":
            obj = str(pyoxigraph.NamedNode(o["value"]))
        else:
            dt = o.get("datatype")
            lang = o.get("xml:lang")
            if dt == "http://www.w3.org/2001/XMLSchema#boolean":
                # Virtuoso answers booleans in their other canonical form, "1" and "0".
                o = {**o, "value": {"1": "true", "0": "false"}.get(o["value"], o["value"])}
            obj = str(
                pyoxigraph.Literal(o["value"], language=lang)
                if lang
                else pyoxigraph.Literal(o["value"], datatype=pyoxigraph.NamedNode(dt))
                if dt
                else pyoxigraph.Literal(o["value"])
            )
        out.add((f"<{row['s']['value']}>", f"<{row['p']['value']}>", obj, f"<{g}>"))
    return out


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    for row in select(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        if row["g"]["value"].startswith(("https://example.org/", "urn:exilekg:")):
            update(url, f"DROP SILENT GRAPH <{row['g']['value']}>")
    return url


def test_load_then_replace_keeps_exact_content(store: str, hostile_build: Path) -> None:
    report = load(hostile_build, store, replace=True)
    assert report.sent == report.counted
    assert len(report.sent) == 3
    assert store_quads(store) == dump_quads(hostile_build)
    again = load(hostile_build, store, replace=True)
    assert again.counted == report.counted
    assert store_quads(store) == dump_quads(hostile_build)
    names = select(
        store,
        "SELECT ?n WHERE { GRAPH ?g { <https://example.org/exilekg/person/hostile> "
        "<http://schema.org/name> ?n } }",
    )
    assert [row["n"]["value"] for row in names] == [HOSTILE]


def _many_graphs(path: Path, graphs: int, triples: int) -> set[tuple[str, str, str, str]]:
    """A dump of ``graphs`` small graphs (more than one count query asks about) and its quads."""
    quads = {
        (
            f"<https://example.org/many/s/{g}/{t}>",
            "<https://example.org/p>",
            str(pyoxigraph.Literal(f"{HOSTILE} {g} {t}")),
            f"<https://example.org/many/graph/{g}>",
        )
        for g in range(graphs)
        for t in range(triples)
    }
    path.write_text("".join(" ".join(q) + " .\n" for q in sorted(quads)), encoding="utf-8")
    return quads


@pytest.mark.parametrize("replace", [False, True])
def test_many_graphs_are_sent_and_counted_in_few_requests(store: str, tmp_path: Path, replace: bool) -> None:
    graphs = 230  # the counts of 200 graphs go in one query
    quads = _many_graphs(tmp_path / "many.nq", graphs, 3)
    report = load(tmp_path / "many.nq", store, replace=replace)
    assert report.counted == report.sent == {f"https://example.org/many/graph/{g}": 3 for g in range(graphs)}
    assert {q for q in store_quads(store) if "/many/" in q[3]} == quads
    if store.endswith("/sparql"):  # Virtuoso: a Graph Store request per graph, the counts together
        assert report.requests < graphs + 20
    else:  # Oxigraph: every graph in one request to its bulk loader
        assert report.requests < 20
    # Chunks that cut graphs apart, and graphs that share a chunk.
    again = load(tmp_path / "many.nq", store, replace=True, chunk_triples=7)
    assert again.counted == report.sent
    assert {q for q in store_quads(store) if "/many/" in q[3]} == quads


def test_a_graph_with_a_blank_node_in_the_store_is_still_replaced(oxigraph_url: str, tmp_path: Path) -> None:
    # DELETE DATA cannot name a blank node: such graphs are staged and swapped in instead.
    graph = "https://example.org/graph/blank"
    update(oxigraph_url, f"INSERT DATA {{ GRAPH <{graph}> {{ _:b <https://example.org/p> 'old' }} }}")
    nt = tmp_path / "new.nt"
    nt.write_text('<https://example.org/x> <https://example.org/p> "new" .\n', encoding="utf-8")
    assert load(nt, oxigraph_url, graph=graph, replace=True).counted == {graph: 1}
    rows = select(oxigraph_url, f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert [(r["s"]["value"], r["o"]["value"]) for r in rows] == [("https://example.org/x", "new")]
    assert not select(
        oxigraph_url,
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:exilekg:staging')) }",
    )


def test_add_without_replace(store: str, tmp_path: Path) -> None:
    nt = tmp_path / "extra.nt"
    nt.write_text(
        '<https://example.org/x> <https://example.org/p> "one" .\n'
        '<https://example.org/x> <https://example.org/p> "two" .\n'
    )
    graph = "https://example.org/graph/extra"
    assert load(nt, store, graph=graph).counted == {graph: 2}
    nt.write_text('<https://example.org/x> <https://example.org/p> "three" .\n')
    assert load(nt, store, graph=graph).counted == {graph: 3}


def test_triples_without_graph_need_one(oxigraph_url: str, example_build: Path) -> None:
    with pytest.raises(StoreError, match="--graph"):
        load(example_build / "exilekg.nt", oxigraph_url)


def test_refusal_shows_the_servers_message(oxigraph_url: str) -> None:
    with pytest.raises(StoreError) as info:
        update(oxigraph_url, "THIS IS NOT SPARQL")
    assert "HTTP 400" in str(info.value)
    assert len(str(info.value)) > len("POST ... was refused with HTTP 400: ") + 10


class FlakyProxy(http.server.ThreadingHTTPServer):
    """Answers 503 to the first ``failures`` requests, then relays to the real store."""

    def __init__(self, target: str, failures: int) -> None:
        self.target = target
        self.failures = failures
        self.seen = 0
        super().__init__(("127.0.0.1", 0), _Relay)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Relay(http.server.BaseHTTPRequestHandler):
    server: FlakyProxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def relay(self) -> None:
        self.server.seen += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        if self.server.seen <= self.server.failures:
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"busy")
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        answer = requests.request(
            self.command, self.server.target + self.path, data=body, headers=headers, timeout=30
        )
        self.send_response(answer.status_code)
        for key in ("Content-Type",):
            if key in answer.headers:
                self.send_header(key, answer.headers[key])
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_PUT = relay


@pytest.fixture
def flaky(oxigraph_url: str) -> Iterator[FlakyProxy]:
    proxy = FlakyProxy(oxigraph_url, failures=2)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def test_retries_on_5xx(flaky: FlakyProxy, oxigraph_url: str, example_build: Path) -> None:
    endpoint = Endpoint(f"{flaky.url}/query", f"{flaky.url}/update", f"{flaky.url}/store", "oxigraph")
    report = load(example_build, endpoint, replace=True, retries=3)
    assert report.sent == report.counted
    assert flaky.seen > 2


def test_gives_up_after_retries(flaky: FlakyProxy, example_build: Path) -> None:
    endpoint = Endpoint(f"{flaky.url}/query", f"{flaky.url}/update", f"{flaky.url}/store", "oxigraph")
    with pytest.raises(StoreError, match="HTTP 503"):
        load(example_build, endpoint, retries=1)


class Cutter:
    """A TCP relay that cuts the first connection carrying more than ``limit`` bytes upstream."""

    def __init__(self, target_port: int, limit: int) -> None:
        self.target_port = target_port
        self.limit = limit
        self.cut = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.pipe, args=(client,), daemon=True).start()

    def pipe(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        sent = 0

        def back() -> None:
            try:
                while data := upstream.recv(65536):
                    client.sendall(data)
            except OSError:
                pass
            finally:
                client.close()

        threading.Thread(target=back, daemon=True).start()
        try:
            while data := client.recv(65536):
                sent += len(data)
                if not self.cut and sent > self.limit:
                    self.cut = True
                    upstream.sendall(data[: len(data) // 2])
                    break
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            client.close()
            upstream.close()


@pytest.mark.slow
@pytest.mark.parametrize("product", ["generic", "oxigraph"])
def test_a_replace_cut_halfway_leaves_the_store_as_it_was(
    oxigraph_url: str, hostile_build: Path, example_build: Path, tmp_path: Path, product: str
) -> None:
    for row in select(oxigraph_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        update(oxigraph_url, f"DROP SILENT GRAPH <{row['g']['value']}>")
    load(example_build, oxigraph_url, replace=True)
    before = store_quads(oxigraph_url)
    if product == "generic":  # each graph staged, 100 triples a request; cut while staging
        source, limit = hostile_build, 20_000
    else:  # only the difference, in one request of about 90 kB after 20 kB of reading; cut inside it
        source, limit = tmp_path / "many.nq", 50_000
        _many_graphs(source, 230, 3)
    cutter = Cutter(int(oxigraph_url.rsplit(":", 1)[1]), limit=limit)
    base = f"http://127.0.0.1:{cutter.port}"
    endpoint = Endpoint(f"{base}/query", f"{base}/update", f"{base}/store", product)
    with pytest.raises(StoreError, match="connection"):
        load(source, endpoint, replace=True, retries=0, chunk_triples=100)
    assert cutter.cut
    assert store_quads(oxigraph_url) == before


def test_password_never_appears(virtuoso_url: str, example_build: Path) -> None:
    secret = "s3cret-Pa55"
    auth = Auth("dba", secret, "digest")
    assert secret not in repr(auth)
    with pytest.raises(StoreError) as info:
        load(example_build, virtuoso_url, auth=auth, retries=0)
    assert secret not in str(info.value)
    assert "401" in str(info.value)


def test_digest_auth_on_virtuoso(virtuoso_url: str, example_build: Path) -> None:
    report = load(example_build, virtuoso_url, auth=Auth("dba", "dba", "digest"), replace=True)
    assert report.sent == report.counted


def test_cli_load(oxigraph_url: str, example_build: Path) -> None:
    result = CliRunner().invoke(cli, ["load", str(example_build), "--endpoint", oxigraph_url, "--replace"])
    assert result.exit_code == 0, result.output
    assert "counts checked" in result.output
    bad = CliRunner().invoke(cli, ["load", str(example_build / "exilekg.ttl"), "--endpoint", oxigraph_url])
    assert bad.exit_code == 1 and "--graph" in bad.output and "Traceback" not in bad.output


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_oxigraph_bulk_load_as_documented(example_build: Path, tmp_path: Path) -> None:
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph command is not installed (pip install oxigraph)")
    pattern = r"^oxigraph load --location (\S+) --file dist/example/exilekg.nq$"
    documented = re.search(pattern, _readme(), re.M)
    assert documented, "the README shows no 'oxigraph load' command"
    location = tmp_path / "db"
    command = documented.group(0).replace(documented.group(1), str(location))
    command = command.replace("dist/example/exilekg.nq", str(example_build / "exilekg.nq"))
    subprocess.run([binary, *shlex.split(command)[1:]], check=True, capture_output=True, timeout=120)
    store = pyoxigraph.Store(str(location))
    assert len(store) == len(dump_quads(example_build))
    dataset = rdflib.Dataset()
    dataset.parse(example_build / "exilekg.nq", format="nquads")
    assert len(store) == len(dataset)


def test_readme_store_examples_run(
    oxigraph_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python_blocks = re.findall(r"```python\n(.*?)```", _readme(), re.DOTALL)
    blocks = [b for b in python_blocks if b.startswith("# needs a store")]
    assert blocks, "the README shows no Python example that loads into a store"
    monkeypatch.chdir(REPO)
    for block in blocks:
        code = block.replace("http://127.0.0.1:7878", oxigraph_url).replace("dist/", f"{tmp_path}/")
        exec(compile(code, "README.md", "exec"), {})
    assert int(select(oxigraph_url, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"]) > 0
