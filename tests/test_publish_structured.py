"""The JSON-LD each page embeds, held to Google's documented structured-data properties.

Google's required and recommended properties are data below, with the page that
documents them; the tests check every article, person, event and dataset page of
the example and seed sites (and a variant of the example with an image URL, an
event without a place and a dated corpus) against them, against what the pages
must carry whatever Google says, against ``exilekg check``, and read every embedded
block with pyld and rdflib at their default settings (inline context, no loader).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from pyld import jsonld

from exilekg.cli import cli
from exilekg.pipeline import build
from exilekg.publish import publish

from .conftest import EXAMPLE, SEED_CORPUS

SCHEMA = "http://schema.org/"


@dataclass(frozen=True)
class Requirements:
    """One structured-data feature as Google documents it: dotted paths into the item's JSON."""

    source: str
    required: tuple[str, ...]
    recommended: tuple[str, ...]


GOOGLE: dict[str, Requirements] = {
    # https://developers.google.com/search/docs/appearance/structured-data/article
    # ("There are no required properties"; author.name and author.url under author.)
    "Article": Requirements(
        "https://developers.google.com/search/docs/appearance/structured-data/article",
        required=(),
        recommended=(
            "author",
            "author.name",
            "author.url",
            "dateModified",
            "datePublished",
            "headline",
            "image",
        ),
    ),
    # https://developers.google.com/search/docs/appearance/structured-data/profile-page
    "ProfilePage": Requirements(
        "https://developers.google.com/search/docs/appearance/structured-data/profile-page",
        required=("mainEntity", "mainEntity.name"),
        recommended=(
            "dateCreated",
            "dateModified",
            "mainEntity.agentInteractionStatistic",
            "mainEntity.alternateName",
            "mainEntity.description",
            "mainEntity.identifier",
            "mainEntity.image",
            "mainEntity.interactionStatistic",
            "mainEntity.sameAs",
        ),
    ),
    # https://developers.google.com/search/docs/appearance/structured-data/event
    # (location.address is required for a Place, location.url for a VirtualLocation; ours are Places.)
    "Event": Requirements(
        "https://developers.google.com/search/docs/appearance/structured-data/event",
        required=("location", "location.address", "name", "startDate"),
        recommended=(
            "description",
            "endDate",
            "eventAttendanceMode",
            "eventStatus",
            "image",
            "location.name",
            "offers",
            "organizer",
            "organizer.name",
            "organizer.url",
            "performer",
            "previousStartDate",
        ),
    ),
    # https://developers.google.com/search/docs/appearance/structured-data/dataset
    "Dataset": Requirements(
        "https://developers.google.com/search/docs/appearance/structured-data/dataset",
        required=("description", "name"),
        recommended=(
            "alternateName",
            "citation",
            "creator",
            "creator.name",
            "distribution",
            "distribution.contentUrl",
            "distribution.encodingFormat",
            "funder",
            "hasPart",
            "identifier",
            "includedInDataCatalog",
            "isAccessibleForFree",
            "isPartOf",
            "keywords",
            "license",
            "measurementTechnique",
            "sameAs",
            "spatialCoverage",
            "temporalCoverage",
            "url",
            "variableMeasured",
            "version",
        ),
    ),
}

GAPS: dict[tuple[str, str], str] = {
    # Properties the graph has no value for on some pages: the page leaves them out rather than guess.
    ("Article", "author"): "an article whose byline names nobody has no author",
    ("Article", "author.name"): "follows author",
    ("Article", "author.url"): "follows author",
    ("Article", "datePublished"): "an article whose date the source does not give has none",
    ("Article", "dateModified"): "corpora record when an article was published, not when it was edited",
    ("Article", "image"): "images are recorded by caption and credit; one without a URL is left out",
    ("ProfilePage", "dateCreated"): "the corpus does not record when a record was created",
    ("ProfilePage", "dateModified"): "the corpus does not record when a record was changed",
    ("ProfilePage", "mainEntity.agentInteractionStatistic"): "not a social network: no counts of posts",
    ("ProfilePage", "mainEntity.interactionStatistic"): "not a social network: no follower counts",
    ("ProfilePage", "mainEntity.image"): "the corpus has no portraits",
    ("ProfilePage", "mainEntity.alternateName"): "only where the articles give another name",
    ("ProfilePage", "mainEntity.description"): "only where a record describes the person",
    ("ProfilePage", "mainEntity.sameAs"): "only where reconciliation linked the person to Wikidata",
    ("Event", "startDate"): "an event whose date the articles do not give has none",
    ("Event", "location"): "an event whose place the articles do not give has no location",
    ("Event", "location.address"): "places are named and placed in their country, without postal addresses",
    ("Event", "location.name"): "follows location",
    ("Event", "description"): "only where a record describes the event",
    ("Event", "endDate"): "only where the articles give an end",
    ("Event", "eventAttendanceMode"): "the articles do not say whether an event was online",
    ("Event", "eventStatus"): "only for events announced for the future",
    ("Event", "image"): "the corpus has no images of events",
    ("Event", "offers"): "congresses and protests are not ticketed in the data",
    ("Event", "organizer"): "only where the articles name the organiser",
    ("Event", "organizer.name"): "follows organizer",
    ("Event", "organizer.url"): "follows organizer",
    ("Event", "performer"): "the data has attendees, not performers",
    ("Event", "previousStartDate"): "no event in the data was rescheduled",
    ("Dataset", "alternateName"): "a corpus has one title",
    ("Dataset", "citation"): "no paper describes the dataset",
    ("Dataset", "funder"): "corpus.json has no funder",
    ("Dataset", "hasPart"): "the named graphs are VoID subsets, not datasets of their own",
    ("Dataset", "includedInDataCatalog"): "the dataset belongs to no catalogue",
    ("Dataset", "isAccessibleForFree"): "not stated by corpus.json (the license says more)",
    ("Dataset", "isPartOf"): "the dataset is whole",
    ("Dataset", "keywords"): "corpus.json has no keywords",
    ("Dataset", "measurementTechnique"): "corpus.json does not say how records were curated",
    ("Dataset", "sameAs"): "the dataset has no other home",
    ("Dataset", "spatialCoverage"): "not stated by corpus.json",
    ("Dataset", "temporalCoverage"): "not stated by corpus.json",
    ("Dataset", "variableMeasured"): "the variables are per observation, not the dataset's",
}
"""Google properties a page may lack, each with the reason; anything else missing fails."""


# -- reading the pages ------------------------------------------------------------------------------------


_SCRIPT = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.S)


def embedded(page: Path) -> dict[str, Any]:
    found = _SCRIPT.findall(page.read_text(encoding="utf-8"))
    assert len(found) == 1, page
    data: dict[str, Any] = json.loads(found[0])
    return data


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type", [])
    return value if isinstance(value, list) else [value]


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def has_path(node: dict[str, Any], path: str) -> bool:
    """Whether ``node`` gives ``path`` (``author.name``) as Google reads it: nested, not by reference."""
    head, _, rest = path.partition(".")
    if head not in node:
        return False
    if not rest:
        return True
    return all(isinstance(v, dict) and has_path(v, rest) for v in _items(node[head]))


def main_item(data: dict[str, Any], feature: str, iri: str) -> dict[str, Any]:
    """The page's item for ``feature``: the top-level node of that type (the page's own record)."""
    for node in data["@graph"]:
        if feature in _types(node) and (feature == "ProfilePage" or node.get("@id") == iri):
            return dict(node)
    raise AssertionError(f"no top-level {feature} item for {iri}")


@dataclass(frozen=True)
class Built:
    name: str
    out: Path
    site: Path
    base: str

    def pages(self, folder: str) -> list[Path]:
        return sorted((self.site / folder).glob("*.html"))

    def iri(self, page: Path) -> str:
        stem = page.relative_to(self.site).with_suffix("").as_posix()
        return self.base + ("dataset" if stem == "index" else stem)

    @functools.cached_property
    def graph(self) -> rdflib.Graph:
        graph = rdflib.Graph()
        dataset = rdflib.Dataset()
        dataset.parse(self.out / "exilekg.nq", format="nquads")
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        graph.parse(self.out / "void.ttl", format="turtle")
        return graph


def _variant(root: Path) -> Path:
    """The example corpus with an image URL, an event without a place, a person with a Wikidata link
    and a corpus that states its publisher and dates."""
    corpus = root / "corpus"
    shutil.copytree(EXAMPLE, corpus)
    meta = json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))
    meta.update(
        publisher={"name": "Exile Data Cooperative", "url": "https://data.example/"},
        issued="2025-01-10",
        modified="2025-10-01",
    )
    (corpus / "corpus.json").write_text(json.dumps(meta), encoding="utf-8")
    document = json.loads((corpus / "documents" / "berlin-survey.json").read_text(encoding="utf-8"))
    document["images"][0]["url"] = "https://images.example/kreuzberg.jpg"
    (corpus / "documents" / "berlin-survey.json").write_text(json.dumps(document), encoding="utf-8")
    entities = json.loads((corpus / "records" / "entities.json").read_text(encoding="utf-8"))
    entities.append(
        {
            "kind": "Event",
            "id": "unplaced-vigil",
            "name": "Vigil somewhere",
            "type": "protest",
            "startDate": "2025-03-01",
        }
    )
    for entity in entities:
        if entity["id"] == "anna-petrova":
            entity["sameAs"] = ["http://www.wikidata.org/entity/Q4115189"]
    (corpus / "records" / "entities.json").write_text(json.dumps(entities), encoding="utf-8")
    return corpus


@pytest.fixture(scope="module", params=["example", "variant", "seed"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp(f"structured-{request.param}")
    texts: Path | None = None
    if request.param == "seed":
        texts, corpus = request.getfixturevalue("seeds_dir"), SEED_CORPUS
        out: Path = request.getfixturevalue("seed_build")
    elif request.param == "variant":
        corpus = _variant(root)
        out = root / "out"
        build(corpus, out)
    else:
        corpus, out = EXAMPLE, request.getfixturevalue("example_build")
    publish(out, root / "site", texts_dir=texts or corpus)
    base = json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))["base"]
    return Built(request.param, out, root / "site", base)


# -- Google's properties ----------------------------------------------------------------------------------


def _feature_pages(built: Built) -> Iterator[tuple[str, Path]]:
    for folder, feature in (("document", "Article"), ("person", "ProfilePage"), ("event", "Event")):
        for page in built.pages(folder):
            yield feature, page
    yield "Dataset", built.site / "index.html"
    yield "Dataset", built.site / "dataset.html"


def test_every_page_kind_meets_googles_required_and_recommended_properties(built: Built) -> None:
    missing: dict[tuple[str, str], int] = {}
    checked: dict[str, int] = {}
    for feature, page in _feature_pages(built):
        item = main_item(embedded(page), feature, built.iri(page))
        rules = GOOGLE[feature]
        for path in (*rules.required, *rules.recommended):
            if not has_path(item, path):
                missing[(feature, path)] = missing.get((feature, path), 0) + 1
        checked[feature] = checked.get(feature, 0) + 1
    assert set(checked) == set(GOOGLE), checked
    unexplained = sorted(set(missing) - set(GAPS))
    assert not unexplained, f"missing with no reason in GAPS ({built.name}): {unexplained}"


def test_gaps_name_only_documented_properties() -> None:
    for feature, path in GAPS:
        rules = GOOGLE[feature]
        assert path in (*rules.required, *rules.recommended), (feature, path)


# -- what each page kind carries ------------------------------------------------------------------------


def _agent(value: Any) -> bool:
    return isinstance(value, dict) and bool(_types(value)) and "name" in value


def test_articles_name_their_authors_publishers_dates_and_images(built: Built) -> None:
    graph = built.graph
    for page in built.pages("document"):
        iri = rdflib.URIRef(built.iri(page))
        item = main_item(embedded(page), "Article", str(iri))
        for key, predicate in (("author", "author"), ("publisher", "publisher")):
            expected = set(graph.objects(iri, rdflib.URIRef(SCHEMA + predicate)))
            values = _items(item.get(key, []))
            assert len(values) == len(expected), (page, key)
            assert all(_agent(v) for v in values), (page, key, values)
        if (iri, rdflib.URIRef(SCHEMA + "datePublished"), None) in graph:
            assert isinstance(item["datePublished"], str), page
        located = [
            image
            for image in graph.objects(iri, rdflib.URIRef(SCHEMA + "image"))
            if (image, rdflib.URIRef(SCHEMA + "contentUrl"), None) in graph
        ]
        images = _items(item.get("image", []))
        assert len(images) == len(located), page
        for image in images:
            assert image["url"] == image["contentUrl"], page
            assert "ImageObject" in _types(image), page


def test_an_image_with_a_url_is_embedded_and_one_without_is_left_out(built: Built) -> None:
    if built.name == "seed":
        pytest.skip("the example and its variant have the image in question")
    page = built.site / "document" / "berlin-survey.html"
    data = embedded(page)
    item = main_item(data, "Article", "https://example.org/exilekg/document/berlin-survey")
    if built.name == "variant":
        assert item["image"]["url"] == "https://images.example/kreuzberg.jpg"
        assert item["image"]["contentUrl"] == "https://images.example/kreuzberg.jpg"
        assert item["image"]["caption"] == "Protest in Berlin-Kreuzberg"
        return
    # Without a URL a search engine rejects the image: the embedded JSON-LD leaves it out,
    # the page shows its caption and credit, and the JSON-LD file beside the page keeps it.
    assert "image" not in item
    assert not any("ImageObject" in _types(node) for node in data["@graph"])
    assert "ImageObject" in page.with_suffix(".jsonld").read_text(encoding="utf-8")
    assert "Protest in Berlin-Kreuzberg" in page.read_text(encoding="utf-8")


def test_people_give_name_description_and_same_as_where_known(built: Built) -> None:
    graph = built.graph
    for page in built.pages("person"):
        iri = rdflib.URIRef(built.iri(page))
        profile = main_item(embedded(page), "ProfilePage", str(iri))
        person = profile["mainEntity"]
        assert person["@id"] == str(iri) and "Person" in _types(person), page
        assert profile["@id"] == f"{iri}.html"
        assert person["name"], page
        for key in ("description", "sameAs"):
            expected = {str(o) for o in graph.objects(iri, rdflib.URIRef(SCHEMA + key))}
            given = {
                v if isinstance(v, str) else v.get("@value", v.get("@id"))
                for v in _items(person.get(key, []))
            }
            assert given == expected, (page, key)


def test_events_name_their_location_and_never_emit_an_invalid_one(built: Built) -> None:
    graph = built.graph
    for page in built.pages("event"):
        iri = rdflib.URIRef(built.iri(page))
        item = main_item(embedded(page), "Event", str(iri))
        places = set(graph.objects(iri, rdflib.URIRef(SCHEMA + "location")))
        if not places:
            assert "location" not in item, page
            continue
        for location in _items(item["location"]):
            assert isinstance(location, dict) and location["name"] and _types(location), (page, location)
        assert len(_items(item["location"])) == len(places)
    if built.name == "variant":
        unplaced = main_item(
            embedded(built.site / "event" / "unplaced-vigil.html"),
            "Event",
            "https://example.org/exilekg/event/unplaced-vigil",
        )
        assert "location" not in unplaced and unplaced["startDate"] == "2025-03-01"


def test_the_dataset_page_is_a_schema_dataset(built: Built) -> None:
    dumps = sorted(path.name for path in (built.site / "dump").glob("exilekg.*"))
    for page in (built.site / "index.html", built.site / "dataset.html"):
        item = main_item(embedded(page), "Dataset", built.base + "dataset")
        assert 50 <= len(item["description"]) <= 5000  # Google's bounds
        assert item["name"] and item["license"].startswith("https://creativecommons.org/")
        assert _agent(item["creator"]) and _agent(item["publisher"])
        downloads = _items(item["distribution"])
        assert sorted(d["contentUrl"].rsplit("/", 1)[-1] for d in downloads) == dumps
        for download in downloads:
            assert "DataDownload" in _types(download)
            assert re.fullmatch(r"(application|text)/[a-z+-]+", download["encodingFormat"]), download
        assert item["url"] == built.base + "dataset"
        if built.name == "variant":
            assert item["dateModified"] == "2025-10-01" and item["datePublished"] == "2025-01-10"
            assert item["publisher"]["name"] == "Exile Data Cooperative"
            assert item["publisher"]["url"] == "https://data.example/"
        else:  # the corpus states no dates: none is made up
            assert "dateModified" not in item


# -- readable by anyone, and right by the project's own checker -----------------------------------------


def test_embedded_jsonld_reads_alike_in_pyld_and_rdflib_and_passes_check(
    built: Built, tmp_path: Path
) -> None:
    files = []
    for number, page in enumerate(sorted(built.site.rglob("*.html"))):
        text = _SCRIPT.findall(page.read_text(encoding="utf-8"))
        if not text:
            continue
        data = json.loads(text[0])
        assert isinstance(data["@context"], dict), page  # inline: nothing to fetch
        nquads = jsonld.to_rdf(data, {"format": "application/n-quads"})
        by_pyld = rdflib.Graph().parse(data=nquads, format="nquads")
        by_rdflib = rdflib.Graph().parse(data=text[0], format="json-ld")
        assert len(by_pyld) > 0 and set(by_pyld) == set(by_rdflib), page
        assert not any(isinstance(term, rdflib.BNode) for triple in by_pyld for term in triple), page
        file = tmp_path / f"{number}.jsonld"
        file.write_text(text[0], encoding="utf-8")
        files.append(str(file))
    result = CliRunner().invoke(cli, ["check", *files])
    assert result.exit_code == 0, result.output[-3000:]
    assert f"ok: {len(files)} files" in result.output
