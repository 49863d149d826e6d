"""Writing the pages of the site: one per record, the home page, the indexes, the vocabulary, server files."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import jinja2

from exilekg import __version__
from exilekg.formats import RdfFormat
from exilekg.map import LICENSES
from exilekg.publish.links import ENTITY_SEGMENTS
from exilekg.publish.model import SiteModel
from exilekg.publish.negotiate import MEDIA_TYPES, VARIANTS
from exilekg.publish.render import (
    _environment,
    _human_size,
    _initial,
    hosted_context,
    slice_jsonld,
    slice_turtle,
)
from exilekg.publish.server import sub_node_pattern
from exilekg.publish.store import Store, Triple
from exilekg.publish.structured import page_jsonld
from exilekg.publish.views import Link
from exilekg.publish.vocab import class_label, prefixed, vocab_terms, vocab_ttl_path
from exilekg.resources import context_path
from exilekg.terms import DCAT, DCTERMS, IRI, SCHEMA, VOID

__all__ = ["INDEXES", "IndexPage", "SiteWriter"]


@dataclass(frozen=True)
class IndexPage:
    file: str
    title: str
    segments: tuple[str, ...]
    intro: str


INDEXES: tuple[IndexPage, ...] = (
    IndexPage("people.html", "People", ("person",), "Everyone the articles and records name."),
    IndexPage(
        "organizations.html",
        "Organisations",
        ("organization",),
        "Organisations, media and state bodies.",
    ),
    IndexPage(
        "groups.html",
        "Groups",
        ("collective",),
        "Diasporas, communities of emigrants, refugees and other groups of people that are not "
        "organisations.",
    ),
    IndexPage("places.html", "Places", ("place",), "Countries, cities and neighbourhoods."),
    IndexPage(
        "events.html", "Events", ("event",), "Congresses, protests, elections and other events, by date."
    ),
    IndexPage("works.html", "Works", ("work",), "Reports, studies, appeals and other works cited."),
    IndexPage(
        "articles.html", "Articles", ("document",), "The articles the graph is built from, newest first."
    ),
    IndexPage(
        "facts.html",
        "Facts",
        ("relation", "designation", "epithet", "quotation", "claim"),
        "Relations, designations, labels (rhetoric), quotations and claims, each with its sources.",
    ),
)
"""The index pages of records by kind; statistics, the A–Z and the vocabulary have their own."""

_NAV: tuple[tuple[str, str], ...] = (
    ("index.html", "Home"),
    ("people.html", "People"),
    ("organizations.html", "Organisations"),
    ("groups.html", "Groups"),
    ("places.html", "Places"),
    ("events.html", "Events"),
    ("articles.html", "Articles"),
    ("statistics.html", "Statistics"),
    ("names.html", "A–Z"),
    ("vocab.html", "Vocabulary"),
)


class SiteWriter:
    """One publish run: renders into ``root`` (the temporary folder) and counts what it writes."""

    def __init__(self, model: SiteModel, root: Path, out_dir: Path, base_url: str, site_dir: Path) -> None:
        self.model = model
        self.store: Store = model.store
        self.root = root
        self.out_dir = out_dir
        self.base_url = base_url
        self.site_dir = site_dir
        self.env = _environment()
        self.pages = 0
        self.records = 0
        self.files = 0
        self.sitemap: list[str] = []
        self.warnings: list[str] = []
        dataset = IRI(f"{self.store.base}dataset")
        self.dataset = dataset
        self.dataset_title = (
            self.store.text(dataset, SCHEMA.name) or self.store.text(dataset, DCTERMS.title) or "exilekg"
        )
        license_iri = self.store.value(dataset, SCHEMA.license) or self.store.value(dataset, DCTERMS.license)
        self.license = self._license_link(str(license_iri)) if license_iri else None
        self.page_urls = {page: self.page_url(page) for page in model.page_set}

    def prepare(self) -> None:
        """Make now what record pages read from every page (for processes that share this writer)."""
        self.model.prepare()
        self._records_in_graph()

    def page_url(self, page: IRI) -> str:
        """Where the page of a record is on the site (its canonical URL, without extension)."""
        return f"{self.base_url}{urllib.parse.quote(self.model.path(page))}"

    def embedded(self, page: IRI, triples: Sequence[Triple]) -> dict[str, Any]:
        return page_jsonld(self.store, page, triples, self.page_urls, self.base_url)

    # -- files -----------------------------------------------------------------------------------

    def write(self, relative: str, content: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
        self.files += 1

    def copy(self, source: Path, relative: str) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        self.files += 1

    def render(
        self, relative: str, template: str, canonical: str | None, *, root: str | None = None, **context: Any
    ) -> None:
        if root is None:
            root = "../" * relative.count("/")
            nav = [(self.model.relative(relative, file), text, file == relative) for file, text in _NAV]
        else:
            nav = [(root + file, text, False) for file, text in _NAV]
        page = self.env.get_template(template).render(
            root=root,
            here=relative,
            nav=nav,
            dataset_title=self.dataset_title,
            license=self.license,
            exilekg_version=__version__,
            canonical=canonical,
            **context,
        )
        self.write(relative, page)
        self.pages += 1
        if canonical is not None:
            self.sitemap.append(canonical)

    def _license_link(self, iri: str) -> Link:
        names = {url: name for name, url in LICENSES.items()}
        name = names.get(iri)
        return Link(name.upper() if name else iri, iri, external=True)

    # -- pages of records --------------------------------------------------------------------------

    def record_page(self, page: IRI) -> None:
        view = self.model.record(page)
        triples = self.store.slices.get(page, [])
        data = slice_jsonld(triples)
        self.write(f"{view.path}.ttl", slice_turtle(triples))
        self.write(f"{view.path}.jsonld", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        holds: list[Link] = []
        if view.segment == "graph":
            holds = [self.model.link(f"{view.path}.html", r) for r in self._records_in_graph().get(page, [])]
        self.render(
            f"{view.path}.html",
            "record.html",
            self.page_url(page),
            view=view,
            jsonld=self.embedded(page, triples),
            alternates=self._alternates(view.path),
            holds=holds,
        )
        self.records += 1

    def _alternates(self, path: str) -> list[tuple[str, str, str]]:
        name = path.rsplit("/", 1)[-1]
        return [
            (f"{name}.ttl", "text/turtle", "Turtle"),
            (f"{name}.jsonld", "application/ld+json", "JSON-LD"),
        ]

    _graph_records: dict[IRI, list[IRI]] | None = None

    def _records_in_graph(self) -> dict[IRI, list[IRI]]:
        if self._graph_records is None:
            found: dict[IRI, list[IRI]] = defaultdict(list)
            for page, graphs in self.store.page_graphs().items():
                for g in graphs:
                    if g != page:
                        found[g].append(page)
            self._graph_records = {
                g: sorted(records, key=lambda r: (self.model.segment(r), self.model.label(r), r))
                for g, records in found.items()
            }
        return self._graph_records

    # -- the home page -------------------------------------------------------------------------------

    def home(self) -> None:
        s = self.store
        ds = self.dataset
        triples = self.store.slices.get(ds, [])
        data = slice_jsonld(triples)
        self.write("dataset.ttl", slice_turtle(triples))
        self.write("dataset.jsonld", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        self.records += 1

        def count(predicate: IRI) -> str | None:
            return s.text(ds, predicate)

        classes = self._classes()
        dumps = self._dump_rows()
        maintainer_link = self._maintainer_link()
        indexes = [
            (
                index.file,
                index.title,
                sum(1 for p in self.model.page_set if self.model.segment(p) in index.segments),
            )
            for index in INDEXES
        ]
        indexes.append(("statistics.html", "Statistics", len(self.model.series)))
        graphs = [self.model.link("index.html", g) for g in self.model.pages_of("graph")]
        example = next(iter(self.model.pages_of("person", *ENTITY_SEGMENTS)), None)
        context: dict[str, Any] = dict(
            title=self.dataset_title,
            description=s.text(ds, SCHEMA.description) or s.text(ds, DCTERMS.description),
            version=s.text(ds, SCHEMA.version) or s.text(ds, DCAT.version),
            identifier=s.text(ds, SCHEMA.identifier),
            maintainer=maintainer_link,
            triples=count(VOID.triples),
            entities=count(VOID.entities),
            documents=count(VOID.documents),
            classes=classes,
            dumps=dumps,
            indexes=indexes,
            graphs=graphs,
            base=s.base,
            base_url=self.base_url,
            example=(self.model.path(example), self.model.label(example)) if example else None,
            jsonld=self.embedded(ds, triples),
            alternates=[
                ("dataset.ttl", "text/turtle", "Turtle"),
                ("dataset.jsonld", "application/ld+json", "JSON-LD"),
            ],
        )
        self.render("index.html", "home.html", self.base_url, **context)
        self.render("dataset.html", "home.html", f"{self.base_url}dataset", **context)

    def _classes(self) -> list[tuple[str, str, int]]:
        """The classes of the dataset's entities (label, prefixed name, count), most entities first."""
        s = self.store
        classes = []
        for part in s.iris(self.dataset, VOID.classPartition):
            cls = s.value(part, VOID["class"])
            number = s.text(part, VOID.entities)
            if isinstance(cls, IRI) and number is not None:
                classes.append((class_label(cls), prefixed(cls), int(number)))
        classes.sort(key=lambda item: (-item[2], item[0]))
        return classes

    def _dump_rows(self) -> list[tuple[str, str, str, str]]:
        """The dumps the site holds (title, path, media type, size), by path."""
        s = self.store
        dumps = []
        for dist in s.iris(self.dataset, DCAT.distribution):
            url = s.value(dist, DCAT.downloadURL)
            media = s.value(dist, DCAT.mediaType)
            if not isinstance(url, IRI):
                continue
            name = url.rsplit("/", 1)[-1]
            file = self.root / "dump" / name
            if not file.is_file():
                continue
            media_type = str(media).split("/media-types/", 1)[-1] if media else ""
            dumps.append(
                (
                    s.text(dist, DCTERMS.title) or name,
                    f"dump/{name}",
                    media_type,
                    _human_size(file.stat().st_size),
                )
            )
        dumps.sort(key=lambda item: item[1])
        return dumps

    def _maintainer_link(self) -> Link | None:
        s = self.store
        maintainer = s.value(self.dataset, SCHEMA.maintainer)
        if not isinstance(maintainer, IRI):
            return None
        url = s.value(maintainer, SCHEMA.url)
        return Link(
            s.text(maintainer, SCHEMA.name) or str(maintainer),
            str(url) if isinstance(url, IRI) else None,
            external=isinstance(url, IRI),
        )

    # -- indexes -------------------------------------------------------------------------------------

    def index_page(self, index: IndexPage) -> None:
        here = index.file
        groups: list[tuple[str, list[dict[str, Any]]]] = []
        for segment in index.segments:
            pages = self.model.pages_of(segment)
            if segment in ("event", "document"):
                pages.sort(key=lambda p: self.model._date_key(p), reverse=segment == "document")
            items = [self._index_item(here, page) for page in pages]
            if items:
                groups.append(
                    (self.model.kind_label(pages[0]) + "s" if len(index.segments) > 1 else "", items)
                )
        self.render(
            here, "list.html", f"{self.base_url}{here}", title=index.title, intro=index.intro, groups=groups
        )

    def _index_item(self, here: str, page: IRI) -> dict[str, Any]:
        s = self.store
        notes: list[str] = []
        types = [t for t in self.model.type_labels(page) if t not in ("Thing",)]
        specific = [
            t for t in types if t.lower() not in (self.model.segment(page), "organization", "article", "role")
        ]
        if specific:
            notes.append(", ".join(specific))
        for predicate in (SCHEMA.startDate, SCHEMA.datePublished, SCHEMA.jobTitle):
            value = s.text(page, predicate)
            if value:
                notes.append(value)
        for predicate in (SCHEMA.location, SCHEMA.containedInPlace, SCHEMA.author):
            for other in s.iris(page, predicate):
                notes.append(self.model.label(other))
        return {
            "link": self.model.link(here, page),
            "notes": notes,
            "description": s.text(page, SCHEMA.description),
        }

    def names_page(self) -> None:
        here = "names.html"
        letters: dict[str, list[tuple[str, Link, str | None, str | None]]] = defaultdict(list)
        seen: set[tuple[str, IRI]] = set()
        for name, lang, page in self.model.all_names():
            if (name, page) in seen:
                continue
            seen.add((name, page))
            main = self.model.label(page)
            letters[_initial(name)].append(
                (
                    name,
                    Link(name, self.model.href(here, page), lang=lang),
                    main if main != name else None,
                    self.model.kind_label(page),
                )
            )
        ordered = sorted(letters, key=lambda letter: (not letter.isascii(), letter == "#", letter))
        groups = [
            # Pages sharing a name in the order of their links: the names come in no fixed order.
            (letter, [item[1:] for item in sorted(letters[letter], key=_name_order)])
            for letter in ordered
        ]
        self.render(here, "names.html", f"{self.base_url}{here}", title="A–Z of names", groups=groups)

    def statistics_page(self) -> None:
        here = "statistics.html"
        figures = [
            self.model.figure(here, series, number) for number, series in enumerate(self.model.series, 1)
        ]
        self.render(here, "statistics.html", f"{self.base_url}{here}", title="Statistics", figures=figures)

    def vocab_page(self) -> None:
        self.copy(vocab_ttl_path(), "vocab.ttl")
        import rdflib

        graph = rdflib.Graph()
        graph.parse(vocab_ttl_path(), format="turtle")
        document = _in_order(json.loads(graph.serialize(format="json-ld")))
        self.write("vocab.jsonld", json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        here = "vocab.html"

        def term_link(iri: str) -> Link:
            return Link(
                prefixed(iri),
                self.model.href(here, IRI(iri))
                or (f"https://schema.org/{iri[len(str(SCHEMA)) :]}" if iri.startswith(str(SCHEMA)) else None),
                external=iri.startswith(str(SCHEMA)),
            )

        terms = [
            {
                "term": term,
                "parents": [term_link(p) for p in term.parents],
                "domains": [term_link(p) for p in term.domains],
                "ranges": [term_link(p) for p in term.ranges],
            }
            for term in vocab_terms()
        ]
        self.render(
            here,
            "vocab.html",
            f"{self.base_url}vocab",
            title="The exilekg vocabulary",
            terms=terms,
            alternates=[
                ("vocab.ttl", "text/turtle", "Turtle"),
                ("vocab.jsonld", "application/ld+json", "JSON-LD"),
            ],
        )

    def not_found_page(self) -> None:
        # Served for any missing path, at any depth, so its links must not be relative.
        site_root = urllib.parse.urlsplit(self.base_url).path
        self.render("404.html", "404.html", None, root=site_root, site_root=site_root)

    # -- dumps, sitemap, server files ----------------------------------------------------------------

    def dumps(self) -> None:
        for fmt in RdfFormat:
            source = self.out_dir / f"exilekg.{fmt.extension}"
            if source.is_file():
                self.copy(source, f"dump/{source.name}")
        self.copy(self.out_dir / "void.ttl", "void.ttl")
        self.copy(self.out_dir / "void.ttl", "dump/void.ttl")
        self.copy(context_path(), "context.jsonld")
        hosted = hosted_context(self.out_dir / "exilekg.jsonld")
        if hosted is not None:  # built with --jsonld-context: the site serves that URL
            if hosted.startswith(self.base_url) and len(hosted) > len(self.base_url):
                self.copy(context_path(), hosted[len(self.base_url) :])
            else:
                self.warnings.append(
                    f"exilekg.jsonld names the context {hosted}, which is not under {self.base_url}: "
                    "serve vocab/context.jsonld at that URL yourself"
                )

    def sitemap_files(self) -> None:
        urls = "".join(f"  <url><loc>{xml_escape(url)}</loc></url>\n" for url in sorted(set(self.sitemap)))
        self.write(
            "sitemap.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n",
        )
        self.write("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self.base_url}sitemap.xml\n")

    def server_files(self) -> None:
        prefix = urllib.parse.urlsplit(self.base_url).path or "/"
        context: dict[str, Any] = dict(
            prefix=prefix,
            base=self.store.base,
            base_url=self.base_url,
            site_dir=str(self.site_dir.resolve()),
            sub_node=sub_node_pattern()[1:],  # the configs put the prefix before it
            media_types=sorted(MEDIA_TYPES.items()),
            variants=VARIANTS,
        )
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("exilekg", "templates"),
            autoescape=False,  # server configuration, not HTML; values are our own paths and URLs
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        for template, target in (
            ("server/htaccess", ".htaccess"),
            ("server/nginx.conf", "server-config/nginx.conf"),
            ("server/README.txt", "server-config/README.txt"),
        ):
            self.write(target, env.get_template(template).render(**context))

    def stylesheet(self) -> None:
        self.write("style.css", self.env.loader.get_source(self.env, "style.css")[0])  # type: ignore[union-attr]


def _in_order(value: Any) -> Any:
    """rdflib's JSON-LD with every unordered array sorted: rdflib gives nodes and values in the order
    of its hash sets, which changes from run to run. ``@list`` arrays are RDF lists and keep theirs."""
    if isinstance(value, dict):
        return {
            key: [_in_order(item) for item in item_list] if key == "@list" else _in_order(item_list)
            for key, item_list in value.items()
        }
    if isinstance(value, list):
        return sorted((_in_order(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _name_order(item: tuple[str, Link, str | None, str | None]) -> tuple[str, str, str]:
    name, link, _, _ = item
    return name.casefold(), name, link.href or ""
