"""The published site: every page and link, the embedded JSON-LD, content negotiation over HTTP,
escaping of hostile values, and what a reader sees in headless Chromium."""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pyld import jsonld

from exilekg.cli import cli
from exilekg.errors import PublishError
from exilekg.pipeline import build
from exilekg.publish import make_server, negotiate, publish
from exilekg.publish.texts import snippet_from_text

from .conftest import EXAMPLE, REPO

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ATTRIBUTE = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"


# -- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(example_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site") / "site"
    publish(example_build, target, texts_dir=EXAMPLE)
    return target


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus plus records whose every text field is markup."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    shutil.copytree(EXAMPLE, corpus)
    entities_path, facts_path = corpus / "records" / "entities.json", corpus / "records" / "facts.json"
    entities = json.loads(entities_path.read_text(encoding="utf-8"))
    entities.append(
        {
            "kind": "Person",
            "id": "hostile",
            "name": HOSTILE,
            "alternateNames": ["</script><script>alert(2)</script>"],
            "description": f"{HOSTILE_ATTRIBUTE} & </p><!--",
        }
    )
    entities_path.write_text(json.dumps(entities, ensure_ascii=False), encoding="utf-8")
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    note = {"curatorNote": f"{HOSTILE} a test record"}
    facts.append(
        {
            "kind": "Relation",
            "id": "hostile-in-riga",
            "relation": "exiledIn",
            "subject": "hostile",
            "object": "riga",
            "roleName": "<b>role</b>",
            **note,
        }
    )
    for year, value in (("2024", 5), ("2025", 7)):
        facts.append(
            {
                "kind": "Observation",
                "id": f"hostile-{year}",
                "measure": "<script>alert(3)</script>",
                "value": value,
                "unit": "<i>%</i>",
                "date": year,
                "about": ["hostile"],
                **note,
            }
        )
    facts_path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    build(corpus, root / "out")
    publish(root / "out", root / "site", texts_dir=corpus)
    return root / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    running = make_server(site, port=0, quiet=True)
    running.start_in_thread()
    yield running.url
    running.shutdown()
    running.server_close()


@pytest.fixture(scope="module")
def hostile_server(hostile_site: Path) -> Iterator[str]:
    running = make_server(hostile_site, port=0, quiet=True)
    running.start_in_thread()
    yield running.url
    running.shutdown()
    running.server_close()


# -- reading pages ---------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Links, ids, scripts and visible text of one HTML page (SVG inside it included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[str | None, str]] = []
        self.handlers: list[str] = []
        self._script: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "xlink:href"):
            if values.get(name):
                self.links.append(str(values[name]))
        if values.get("id"):
            self.ids.add(str(values["id"]))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self._script = values.get("type") or ""
            self._script_text = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def _site_prefix(root: Path) -> tuple[str, str]:
    """The site's base URL and its path, read back from the home page's canonical link."""
    text = (root / "index.html").read_text(encoding="utf-8")
    start = text.index('<link rel="canonical" href="') + len('<link rel="canonical" href="')
    base_url = text[start : text.index('"', start)]
    return base_url, urllib.parse.urlsplit(base_url).path


def _target(root: Path, page: Path, link: str) -> tuple[Path, str] | None:
    """The file a link leads to (and its fragment), or None for a link outside the site."""
    base_url, prefix = _site_prefix(root)
    parts = urllib.parse.urlsplit(link)
    if link.startswith(base_url):
        path = urllib.parse.unquote(parts.path)[len(prefix) :]
    elif parts.scheme or parts.netloc:
        return None
    elif parts.path.startswith("/"):
        path = urllib.parse.unquote(parts.path)[len(prefix) :]
    elif not parts.path:
        path = page.relative_to(root).as_posix()
    else:
        here = posixpath.dirname(page.relative_to(root).as_posix())
        path = posixpath.normpath(posixpath.join(here, urllib.parse.unquote(parts.path)))
    file = root / path if path else root / "index.html"
    if file.is_dir():
        file = file / "index.html"
    if not file.is_file() and file.with_name(file.name + ".html").is_file():
        file = file.with_name(file.name + ".html")  # an IRI-shaped URL: content negotiation serves the page
    return file, parts.fragment


# -- the files -------------------------------------------------------------------------------------------


@functools.cache
def _nquads(example_build: Path) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(example_build / "exilekg.nq", format="nquads")
    return dataset


def _page_iris(example_build: Path) -> set[str]:
    base = "https://example.org/exilekg/"
    segments = (
        "person organization collective place event work document"
        " relation designation observation quotation claim"
    )
    found = set()
    for s, _, _, _ in _nquads(example_build).quads((None, None, None, None)):
        path = str(s)[len(base) :].split("#")[0]
        head = path.split("/")
        if head[0] in segments.split() and len(head) >= 2:
            found.add(f"{base}{head[0]}/{head[1]}")
    return found


def test_every_record_has_a_page_with_turtle_and_jsonld(site: Path, example_build: Path) -> None:
    iris = _page_iris(example_build)
    assert len(iris) == 24 + 16 + 2  # the example's entities, facts and articles
    for iri in iris:
        path = iri[len("https://example.org/exilekg/") :]
        for ext in ("html", "ttl", "jsonld"):
            assert (site / f"{path}.{ext}").is_file(), f"{path}.{ext}"
    for name in (
        "index.html",
        "dataset.html",
        "people.html",
        "organizations.html",
        "groups.html",
        "places.html",
        "events.html",
        "articles.html",
        "statistics.html",
        "names.html",
        "vocab.html",
        "sitemap.xml",
        "robots.txt",
        ".htaccess",
        "server-config/nginx.conf",
        "style.css",
        "graph/corpus.html",
    ):
        assert (site / name).is_file(), name


def test_dumps_sit_where_void_says(site: Path) -> None:
    void = rdflib.Graph().parse(site / "void.ttl")
    dumps = [str(o) for o in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))]
    assert len(dumps) == 5
    for url in dumps:
        assert url.startswith("https://example.org/exilekg/dump/")
        assert (site / url[len("https://example.org/exilekg/") :]).is_file(), url


def test_sitemap_lists_every_page_and_each_resolves(site: Path, example_build: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = [
        line.split("<loc>")[1].split("</loc>")[0] for line in sitemap.splitlines() if "<loc>" in line
    ]
    assert set(_page_iris(example_build)) <= set(locations)
    for url in locations:
        found = _target(site, site / "index.html", url)
        assert found is not None and found[0].is_file(), url


def test_every_link_resolves_and_every_page_is_reachable(site: Path) -> None:
    pages = {path: _parse(path) for path in _html_files(site)}
    broken = []
    reachable = {site / "index.html"}
    queue = [site / "index.html"]
    while queue:
        page = queue.pop()
        for link in pages[page].links:
            found = _target(site, page, link)
            if found is None:
                continue
            file, fragment = found
            if not file.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
            elif fragment and file.suffix == ".html" and fragment not in pages[file].ids:
                broken.append(f"{page.relative_to(site)} → {link} (no #{fragment})")
            elif file.suffix == ".html" and file not in reachable:
                reachable.add(file)
                queue.append(file)
    assert not broken, "\n".join(broken)
    # Every page but the 404 page is reachable from the home page by links alone.
    assert set(pages) - reachable == {site / "404.html"}
    # The links of pages nothing links to are checked as well.
    for page in set(pages) - reachable:
        for link in pages[page].links:
            found = _target(site, page, link)
            assert found is None or found[0].is_file(), f"{page} → {link}"


def _slice(example_build: Path, iri: str) -> rdflib.Graph:
    """The page's slice, afresh from the N-Quads dump and void.ttl: the subject is the IRI or below it."""
    graph = rdflib.Graph()
    void = rdflib.Dataset()
    void.graph(rdflib.URIRef("urn:x-test:void")).parse(example_build / "void.ttl", format="turtle")
    for source in (_nquads(example_build), void):
        for s, p, o, _ in source.quads((None, None, None, None)):
            text = str(s)
            if text == iri or text.startswith((iri + "/", iri + "#")):
                graph.add((s, p, o))
    return graph


def _to_graph(document: dict[str, object]) -> rdflib.Graph:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return rdflib.Graph().parse(data=nquads, format="nquads")


_S = rdflib.Namespace("http://schema.org/")
_DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
_DCT = rdflib.Namespace("http://purl.org/dc/terms/")
_FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
_RESTATED = {
    _S.creator: (_S.maintainer,),
    _S.publisher: (_DCT.publisher, _S.maintainer),
    _S.datePublished: (_DCT.issued,),
    _S.dateModified: (_DCT.modified,),
    _S.distribution: (_DCAT.distribution,),
    _S.contentUrl: (_DCAT.downloadURL,),
    _S.name: (_DCT.title, _FOAF.name),
    _S.license: (_DCT.license,),
    _S.url: (_FOAF.homepage, _S.contentUrl),
}
"""What the embedded JSON-LD says in schema.org's words that the graph says in DCAT, Dublin Core or FOAF."""


def _said(graph: rdflib.Graph, triple: tuple[rdflib.term.Node, ...], site: Path) -> bool:
    """Whether the graph states ``triple`` or the page may state it for search engines."""
    s, p, o = triple
    if triple in graph or any((s, source, o) in graph for source in _RESTATED.get(p, ())):
        return True
    if p == _S.url and str(o).startswith("https://example.org/exilekg/"):
        found = site / str(o)[len("https://example.org/exilekg/") :]
        return found.with_name(found.name + ".html").is_file() or str(o).endswith("/dataset")
    if p == rdflib.RDF.type and o == _S.DataDownload:
        return (s, rdflib.RDF.type, _DCAT.Distribution) in graph
    if p == rdflib.RDF.type and o == _S.Organization:
        return (s, rdflib.RDF.type, _FOAF.Agent) in graph
    if p == _S.encodingFormat:
        return any(str(m).endswith("/" + str(o)) for m in graph.objects(s, _DCAT.mediaType))
    if p == _S.mainEntity:  # a person's page as a ProfilePage
        return str(s) == f"{o}.html"
    return p == rdflib.RDF.type and o == _S.ProfilePage and str(s).endswith(".html")


def test_embedded_jsonld_is_the_pages_slice_and_what_search_engines_need(
    site: Path, example_build: Path
) -> None:
    everything = rdflib.Graph().parse(example_build / "void.ttl", format="turtle")
    for s, p, o, _ in _nquads(example_build).quads((None, None, None, None)):
        everything.add((s, p, o))
    checked = 0
    for path in _html_files(site):
        scripts = [text for kind, text in _parse(path).scripts if kind == "application/ld+json"]
        if not scripts:
            continue
        assert len(scripts) == 1
        assert "</" not in scripts[0] and "<" not in scripts[0]
        document = json.loads(scripts[0])
        stem = path.relative_to(site).with_suffix("").as_posix()
        iri = "https://example.org/exilekg/" + ("dataset" if stem == "index" else stem)
        expected = _slice(example_build, iri)
        embedded = _to_graph(document)
        assert len(expected) > 0, iri
        # The slice, but for images without a URL (search engines reject them), and only
        # statements the graph makes or restates besides.
        imageless = {t for t in expected if (t[0], rdflib.RDF.type, _S.ImageObject) in expected}
        imageless |= {t for t in expected if t[1] == _S.image}
        assert set(expected) - imageless <= set(embedded), iri
        unsaid = [t for t in set(embedded) - set(expected) if not _said(everything, t, site)]
        assert not unsaid, (iri, unsaid)
        beside = path.with_suffix(".jsonld") if stem != "index" else site / "dataset.jsonld"
        assert set(_to_graph(json.loads(beside.read_text(encoding="utf-8")))) == set(expected), iri
        turtle = rdflib.Graph().parse(beside.with_suffix(".ttl"), format="turtle")
        assert set(turtle) == set(expected), iri
        checked += 1
    assert checked == 42 + 3 + 2  # records, graphs, the dataset twice (home and dataset.html)


def test_pages_show_facts_evidence_in_context_and_mentions(site: Path) -> None:
    text = (site / "person" / "anna-petrova.html").read_text(encoding="utf-8")
    assert "<h1>Anna Petrova</h1>" in text
    # The evidence phrase in its sentence from the text (more than the 32 characters a quote selector keeps).
    assert (
        "<mark>designated a &#34;foreign agent&#34; by the Russian Ministry of Justice</mark> in March 2023."
        in text
    )
    assert '<h2 id="mentions">Mentioned in</h2>' in text
    assert 'Exiles Gather in Riga for a Second Congress</a> <span class="count">2 mentions</span>' in text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text and "Free Voices Foundation</text>" in text
    observation = (site / "observation" / "nrc-2025-against-war.html").read_text(encoding="utf-8")
    assert 'class="pygal-chart"' in observation
    assert (
        '<th scope="row"><a href="nrc-2023-against-war.html">2023</a></th><td class="num">33%</td>'
        in observation
    )


def test_without_texts_evidence_keeps_the_selectors_context(example_build: Path, tmp_path: Path) -> None:
    publish(example_build, tmp_path / "site")
    text = (tmp_path / "site" / "person" / "anna-petrova.html").read_text(encoding="utf-8")
    # The quote selector keeps 32 characters either side, cut mid-word; the text would end the sentence.
    assert (
        "<mark>designated a &#34;foreign agent&#34; by the Russian Ministry of Justice</mark>"
        " in March 2023. Among the speak…" in text
    )


def test_snippets_refuse_a_text_that_changed() -> None:
    text = "The chair, Anna Petrova, spoke. Then the vote."
    assert snippet_from_text(text, 11, 23, "Anna Petrova") is not None
    assert snippet_from_text(text.replace("Anna", "Anja"), 11, 23, "Anna Petrova") is None


# -- safety ----------------------------------------------------------------------------------------------


def test_hostile_values_are_text_and_no_page_has_a_script(hostile_site: Path) -> None:
    page = (hostile_site / "person" / "hostile.html").read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    for path in _html_files(hostile_site):
        parsed = _parse(path)
        assert [kind for kind, _ in parsed.scripts if kind != "application/ld+json"] == [], path
        assert parsed.handlers == [], path
        for _, body in parsed.scripts:
            assert "<" not in body, path
    data = json.loads(next(body for _, body in _parse(hostile_site / "person" / "hostile.html").scripts))
    person = data["@graph"][0]["mainEntity"]  # the page is a ProfilePage of the person
    assert person["name"] == HOSTILE


# -- serving ---------------------------------------------------------------------------------------------


def _get(url: str, accept: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("text/turtle, */*;q=0.1", "text/turtle"),
        ("image/png", "text/html"),
    ],
)
def test_an_iri_answers_by_accept_header(server: str, accept: str | None, media_type: str) -> None:
    status, headers, body = _get(server + "person/anna-petrova", accept)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media_type
    assert headers["Vary"] == "Accept"
    if media_type == "text/turtle":
        graph = rdflib.Graph().parse(data=body.decode(), format="turtle")
        assert (rdflib.URIRef("https://example.org/exilekg/person/anna-petrova"), None, None) in graph
    elif media_type == "application/ld+json":
        assert json.loads(body)["@graph"]
    else:
        assert b"<h1>Anna Petrova</h1>" in body


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("", "text/html"),
        ("person/anna-petrova.ttl", "text/turtle"),
        ("person/anna-petrova.jsonld", "application/ld+json"),
        ("dump/exilekg.nq", "application/n-quads"),
        ("dump/exilekg.trig", "application/trig"),
        ("dataset", "text/html"),
        ("vocab", "text/html"),
        ("sitemap.xml", "application/xml"),
        ("style.css", "text/css"),
    ],
)
def test_files_have_their_media_types(server: str, path: str, media_type: str) -> None:
    status, headers, _ = _get(server + path)
    assert (status, headers["Content-Type"].split(";")[0]) == (200, media_type)


def test_nodes_below_a_record_redirect_and_missing_paths_are_404(server: str) -> None:
    status, headers, _ = _get(server + "relation/petrova-chairs-fvf/evidence/1", "text/turtle")
    assert (status, headers["Location"]) == (303, "/relation/petrova-chairs-fvf")
    status, headers, body = _get(server + "person/nobody")
    assert status == 404 and b"Not found" in body
    assert _get(server + "../../etc/passwd")[0] == 404
    status, headers, body = _get(server + "person/anna-petrova", "text/turtle", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_negotiation_prefers_html_on_ties() -> None:
    assert negotiate("*/*").extension == "html"
    assert negotiate("application/ld+json;q=0.8, text/turtle;q=0.8").extension == "ttl"
    assert negotiate("text/html;q=0, */*").extension == "ttl"


# -- publishing ------------------------------------------------------------------------------------------


def test_base_url_moves_links_not_identifiers(example_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    result = CliRunner().invoke(
        cli, ["publish", str(example_build), "--site", str(target), "--base-url", "https://kg.example.net/x"]
    )
    assert result.exit_code == 0, result.output
    assert "pages" in result.output
    page = (target / "person" / "anna-petrova.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://kg.example.net/x/person/anna-petrova">' in page
    assert "https://example.org/exilekg/person/anna-petrova" in page  # the IRI itself stays
    assert "https://kg.example.net/x/person/anna-petrova" in (target / "sitemap.xml").read_text(
        encoding="utf-8"
    )
    assert "RewriteBase /x/" in (target / ".htaccess").read_text(encoding="utf-8")
    assert "location /x/ {" in (target / "server-config" / "nginx.conf").read_text(encoding="utf-8")


def test_publish_gives_the_same_files_whatever_the_hash_seed(example_build: Path, tmp_path: Path) -> None:
    # rdflib iterates hash sets: without care, node order and ns1/ns2 prefixes change per process.
    sites = []
    for seed in ("1", "2"):
        target = tmp_path / "site"  # the same path twice: the server configurations name it
        shutil.rmtree(target, ignore_errors=True)
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "exilekg", "publish", str(example_build), "--site", str(target)]
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)
        sites.append({p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    assert [name for name in sites[0] if sites[0][name] != sites[1][name]] == []
    assert b"ns1:" not in sites[0][Path("dataset.ttl")]


def test_publish_replaces_its_own_site_and_nothing_else(example_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    publish(example_build, target)
    (target / "stale.html").write_text("old", encoding="utf-8")
    publish(example_build, target)
    assert not (target / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left beside it
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(PublishError, match="not written by exilekg publish"):
        publish(example_build, mine)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep"
    with pytest.raises(PublishError, match="must not contain each other"):
        publish(example_build, example_build / "site")


# -- what a reader sees: headless Chromium -----------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed (run .ci/install-publish.sh)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def _artifacts() -> Path:
    folder = Path(os.environ.get("EXILEKG_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _browse(url: str, tmp_path: Path, *args: str) -> str:
    # Each run gets its own profile: a second Chromium started on the profile of one still shutting
    # down can crash. /dev/shm is small in containers, the usual cause of a headless Chromium killed
    # by SIGSEGV or SIGBUS; --disable-dev-shm-usage keeps its shared memory in /tmp.
    for attempt in range(3):
        profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
        command = [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
        # A browser killed by a signal is a fault of the browser, not an answer about the page: it
        # is tried again, twice at most; a non-zero exit of its own fails at once.
        if done.returncode >= 0 or attempt == 2:
            break
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _dom(url: str, tmp_path: Path) -> tuple[str, _Page]:
    dom = _browse(url, tmp_path, "--dump-dom")
    page = _Page()
    page.feed(dom)
    return dom, page


def test_chromium_home_page(server: str, tmp_path: Path) -> None:
    dom, page = _dom(server, tmp_path)
    assert "<title>exilekg example corpus · exilekg example corpus</title>" in dom
    assert "<h1>exilekg example corpus</h1>" in dom
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in dom
    assert 'href="dump/exilekg.nq"' in dom
    for link in page.links:
        if not urllib.parse.urlsplit(link).scheme:
            assert _get(urllib.parse.urljoin(server, link))[0] == 200, link
    shot = _artifacts() / "publish-home.png"
    _browse(server, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.stat().st_size > 10_000


def test_chromium_entity_page(server: str, tmp_path: Path) -> None:
    url = server + "person/anna-petrova"
    dom, page = _dom(url, tmp_path)
    assert "<title>Anna Petrova · exilekg example corpus</title>" in dom
    assert "<h1>Anna Petrova</h1>" in dom
    assert '<span lang="ru">Анна Петрова</span>' in dom
    assert "<mark>lived in exile in Riga since 2022</mark>" in dom
    assert 'href="../organization/free-voices-foundation.html">Free Voices Foundation</a>' in dom
    for link in page.links:
        if not urllib.parse.urlsplit(link).scheme:
            assert _get(urllib.parse.urljoin(url, link))[0] == 200, link
    for name, size in (("publish-person.png", "1280,2000"), ("publish-person-phone.png", "390,2400")):
        shot = _artifacts() / name
        _browse(url, tmp_path, f"--screenshot={shot}", f"--window-size={size}")
        assert shot.stat().st_size > 10_000


def test_chromium_shows_hostile_names_as_text(hostile_server: str, tmp_path: Path) -> None:
    dom, page = _dom(hostile_server + "person/hostile", tmp_path)
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in dom
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert [kind for kind, _ in page.scripts if kind != "application/ld+json"] == []
    _browse(
        hostile_server + "person/hostile",
        tmp_path,
        f"--screenshot={_artifacts() / 'publish-hostile.png'}",
        "--window-size=1280,1600",
    )


# -- the shipped nginx configuration, run for real ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def nginx_site(example_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site published for a sub-path, behind nginx running the snippet the site ships."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    if nginx is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (run .ci/install-publish.sh)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    root = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/kg/"
    publish(example_build, root / "site", base_url=base_url)
    snippet = (root / "site" / "server-config" / "nginx.conf").read_text(encoding="utf-8")
    map_block = snippet[snippet.index("map $http_accept") : snippet.index("# 2.")]
    location = snippet[snippet.index("location /kg/ {") :]
    temp = " ".join(
        f"{name}_temp_path {root / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would drop to nobody, who cannot read pytest's private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(
        f"daemon off; {user} worker_processes 1; pid {root / 'nginx.pid'}; error_log {root / 'error.log'};\n"
        f"events {{ worker_connections 32; }}\nhttp {{ access_log off; {temp}\n{map_block}\n"
        f"server {{ listen 127.0.0.1:{port};\n{location}\n}} }}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [nginx, "-c", str(root / "nginx.conf"), "-p", str(root)], stderr=subprocess.PIPE
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx refused the shipped configuration: {process.stderr.read().decode()}")  # type: ignore[union-attr]
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("path", "accept", "status", "media_type"),
    [
        ("person/anna-petrova", "text/html,*/*;q=0.8", 200, "text/html"),
        ("person/anna-petrova", "text/turtle", 200, "text/turtle"),
        ("person/anna-petrova", "application/ld+json", 200, "application/ld+json"),
        ("person/anna-petrova.ttl", None, 200, "text/turtle"),
        ("", None, 200, "text/html"),
        ("dump/exilekg.nq", None, 200, "application/n-quads"),
        ("person/nobody", None, 404, "text/html"),
    ],
)
def test_the_nginx_snippet_negotiates_like_serve(
    nginx_site: str, path: str, accept: str | None, status: int, media_type: str
) -> None:
    got_status, headers, _ = _get(nginx_site + path, accept)
    assert (got_status, headers["Content-Type"].split(";")[0]) == (status, media_type)
    if status == 200 and "." not in path.rsplit("/", 1)[-1] and path:
        assert headers["Vary"] == "Accept"


def test_the_nginx_snippet_redirects_annotation_iris(nginx_site: str) -> None:
    status, headers, _ = _get(nginx_site + "relation/petrova-chairs-fvf/evidence/1")
    assert status == 303
    assert headers["Location"].endswith("/kg/relation/petrova-chairs-fvf")


_SITE_PATH = st.lists(
    st.sampled_from(["person", "a", "b", "evidence", "x.html", "1"]), min_size=1, max_size=4
).map("/".join)


@given(_SITE_PATH, _SITE_PATH)
def test_links_between_site_files_are_those_relpath_gives(from_file: str, to_file: str) -> None:
    from exilekg.publish.links import SiteLinks

    expected = posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")
    assert SiteLinks.relative(from_file, to_file) == expected


def test_a_site_is_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Two publishes of one build, in processes hashing strings differently, write the same files:
    the A-Z of names lists namesakes in one order (they once came in the order of a set)."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    shutil.copytree(EXAMPLE, corpus)
    namesakes = [
        {"kind": "Person", "id": f"namesake-{n}", "name": f"Namesake {n}", "alternateNames": ["Namesake"]}
        for n in range(8)
    ]
    (corpus / "records" / "namesakes.json").write_text(json.dumps(namesakes), encoding="utf-8")
    build(corpus, out)
    sites = []
    for seed in ("1", "2"):
        site = tmp_path / "site"  # one path for both: the server configurations name it
        subprocess.run(
            [sys.executable, "-m", "exilekg", "publish", str(out), "--site", str(site), "--quiet"],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        sites.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    assert [name for name in sites[0] if sites[0][name] != sites[1][name]] == []


def test_a_long_series_is_charted_in_part_on_its_points_pages_and_whole_on_statistics(tmp_path: Path) -> None:
    """Each observation's page charts the figures around it, so a site's size grows with its
    records, not with the square of a series' length; the statistics page has every figure."""
    corpus, out, site = tmp_path / "corpus", tmp_path / "out", tmp_path / "site"
    shutil.copytree(EXAMPLE, corpus)
    points = [
        {
            "kind": "Observation",
            "id": f"long-series-{year}",
            "measure": "a long measure",
            "value": year - 1950,
            "unit": "percent",
            "population": "Russians living in Germany",
            "date": str(year),
            "curatorNote": "A made-up series for this test.",
        }
        for year in range(1960, 2020)
    ]
    (corpus / "records" / "long-series.json").write_text(json.dumps(points), encoding="utf-8")
    build(corpus, out)
    publish(out, site)

    def rows(page: Path) -> list[str]:
        html = page.read_text(encoding="utf-8")
        figure = html[html.index("a long measure") :]
        return re.findall(r"<th scope=\"row\"><a [^>]*>([^<]*)</a>", figure[: figure.index("</figure>")])

    middle = rows(site / "observation" / "long-series-1990.html")
    assert len(middle) == 24 and "1990" in middle and middle[0] < "1990" < middle[-1]
    first = rows(site / "observation" / "long-series-1960.html")
    assert len(first) == 24 and "1960" in first[0]
    page = (site / "observation" / "long-series-1990.html").read_text(encoding="utf-8")
    assert "of the series&#39; 60 figures" in page and 'href="../statistics.html#figure-' in page
    assert len(rows(site / "statistics.html")) == 60


@pytest.mark.parametrize("with_index", [True, False])
def test_a_site_written_by_two_processes_is_the_one_written_by_one(
    example_build: Path, tmp_path: Path, with_index: bool
) -> None:
    folder = tmp_path / "out"
    shutil.copytree(example_build, folder)
    if not with_index:
        shutil.rmtree(folder / "exilekg.index", ignore_errors=True)
    sites, results = [], []
    for workers in (1, 2):
        site = tmp_path / "site"  # one path for both: the server configurations name it
        results.append(publish(folder, site, texts_dir=EXAMPLE, workers=workers))
        sites.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    assert [name for name in sites[0] if sites[0][name] != sites[1][name]] == []
    one, two = results
    assert (one.pages, one.records, one.files, one.warnings) == (
        two.pages,
        two.records,
        two.files,
        two.warnings,
    )
