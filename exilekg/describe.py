"""``void.ttl``: the dataset described with VoID and DCAT (counts, license, publisher, distributions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from exilekg.check import checked
from exilekg.corpus import Corpus
from exilekg.formats import RdfFormat
from exilekg.iris import Minter
from exilekg.manifest import SPDX
from exilekg.map import date_literal
from exilekg.terms import DCAT, DCTERMS, IRI, PREFIXES, PROV, RDF, SCHEMA, VOID, XSD, Literal, Quad
from exilekg.writers import dump, serialize
from exilekg.writers.base import LABELS

if TYPE_CHECKING:
    from exilekg.pipeline import BuildResult

__all__ = ["describe_dataset", "void_quads"]

_VCARD = "http://www.w3.org/2006/vcard/ns#"
_FOAF = "http://xmlns.com/foaf/0.1/"


def _count(value: int) -> Literal:
    return Literal(str(value), XSD.integer)


def void_quads(corpus: Corpus, result: BuildResult) -> Iterator[Quad]:
    """The description's quads, each subject's as one run (so its Turtle gives each node once)."""
    mint = Minter(str(corpus.meta["base"]))
    ds = mint.dataset()
    g = IRI(f"{mint.base}void")
    meta = corpus.meta
    parts = [(IRI(f"{ds}#class-{_slug(cls)}"), cls, count) for cls, count in sorted(result.classes.items())]
    dists = [
        (IRI(f"{ds}#distribution-{fmt.extension}"), fmt, IRI(f"{mint.base}dump/{path.name}"))
        for fmt, path in sorted(result.outputs.items(), key=lambda item: item[0].extension)
    ]
    publisher = meta.get("publisher")
    contact = _contact_of(meta.get("maintainer"))
    yield from _dataset(
        ds, corpus, result, g, publisher=isinstance(publisher, dict), contact=contact is not None
    )
    for part, _, _ in parts:
        yield ds, VOID.classPartition, part, g
    for graph in sorted(result.graphs):
        yield ds, VOID.subset, IRI(graph), g
    for dist, _, download in dists:
        yield ds, DCAT.distribution, dist, g
        yield ds, VOID.dataDump, download, g
    if isinstance(publisher, dict):
        yield from _agent(IRI(f"{ds}#publisher"), publisher, g)
    if contact is not None:
        yield from _contact(IRI(f"{ds}#contact"), contact, g)
    for part, cls, count in parts:
        yield part, VOID["class"], IRI(cls), g
        yield part, VOID.entities, _count(count), g
    for graph, count in sorted(result.graphs.items()):
        yield IRI(graph), RDF.type, VOID.Dataset, g
        yield IRI(graph), VOID.triples, _count(count), g
    if result.build_id is not None:
        # The build's manifest: which outputs belong to it (see exilekg.manifest).
        node = _build_node(ds, result.build_id)
        yield node, RDF.type, PROV.Activity, g
        yield node, DCTERMS.identifier, Literal(result.build_id), g
    for dist, fmt, download in dists:
        yield from _distribution(dist, fmt, download, meta, result, g)
        digest = result.digests.get(fmt)
        if digest is not None:
            yield from _checksum(IRI(f"{dist}-sha256"), digest.sha256, g)


def _contact_of(maintainer: Any) -> dict[str, Any] | None:
    """The corpus's maintainer when it gives a way to reach it (an email or a URL)."""
    if isinstance(maintainer, dict) and ("email" in maintainer or "url" in maintainer):
        return maintainer
    return None


def _checksum(checksum: IRI, sha256: str, g: IRI) -> Iterator[Quad]:
    yield checksum, RDF.type, SPDX.Checksum, g
    yield checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256, g
    yield checksum, SPDX.checksumValue, Literal(sha256, XSD.hexBinary), g


def _dataset(
    ds: IRI, corpus: Corpus, result: BuildResult, g: IRI, *, publisher: bool, contact: bool
) -> Iterator[Quad]:
    """The dataset's own statements (its partitions, subsets and distributions follow them)."""
    meta = corpus.meta
    yield ds, RDF.type, VOID.Dataset, g
    yield ds, RDF.type, DCAT.Dataset, g
    yield ds, DCTERMS.title, Literal(meta["title"]), g
    if "description" in meta:
        yield ds, DCTERMS.description, Literal(meta["description"]), g
    yield ds, DCTERMS.license, IRI(meta["license"]), g
    yield ds, DCAT.version, Literal(meta["version"]), g
    yield ds, SCHEMA.version, Literal(meta["version"]), g
    for key, prop in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
        if key in meta:
            yield ds, prop, date_literal(meta[key]), g
    if publisher:
        yield ds, DCTERMS.publisher, IRI(f"{ds}#publisher"), g
    if contact:
        yield ds, DCAT.contactPoint, IRI(f"{ds}#contact"), g
    yield ds, VOID.uriSpace, Literal(str(meta["base"])), g
    # The union of the named graphs: each distinct triple once (a triple two graphs state is one).
    yield ds, VOID.triples, _count(result.triples), g
    yield ds, VOID.entities, _count(result.subjects), g
    yield ds, VOID.documents, _count(result.documents), g
    if result.build_id is not None:
        yield ds, PROV.wasGeneratedBy, _build_node(ds, result.build_id), g


def _distribution(
    dist: IRI, fmt: RdfFormat, download: IRI, meta: dict[str, Any], result: BuildResult, g: IRI
) -> Iterator[Quad]:
    yield dist, RDF.type, DCAT.Distribution, g
    yield dist, DCAT.mediaType, IRI(f"https://www.iana.org/assignments/media-types/{fmt.media_type}"), g
    yield dist, DCAT.downloadURL, download, g
    if "accessURL" in meta:
        yield dist, DCAT.accessURL, IRI(meta["accessURL"]), g
    yield dist, DCTERMS.title, Literal(LABELS[fmt]), g
    yield dist, DCTERMS.license, IRI(meta["license"]), g
    if not fmt.supports_datasets:  # a triple-only dump holds the distinct triples
        yield dist, VOID.triples, _count(result.triples), g
    digest = result.digests.get(fmt)
    if digest is not None:
        yield (
            dist,
            DCAT.byteSize,
            _count(digest.size),
            g,
        )  # xsd:integer: a store would make a derived type one
        yield dist, SPDX.checksum, IRI(f"{dist}-sha256"), g
        if result.build_id is not None:
            yield dist, PROV.wasGeneratedBy, _build_node(IRI(str(dist).split("#", 1)[0]), result.build_id), g


def _build_node(ds: IRI, build_id: str) -> IRI:
    return IRI(f"{ds}#build-{build_id}")


def _agent(node: IRI, agent: dict[str, Any], g: IRI) -> Iterator[Quad]:
    yield node, RDF.type, IRI(f"{_FOAF}Agent"), g
    yield node, IRI(f"{_FOAF}name"), Literal(agent["name"]), g
    if "url" in agent:
        yield node, IRI(f"{_FOAF}homepage"), IRI(agent["url"]), g


def _contact(node: IRI, maintainer: dict[str, Any], g: IRI) -> Iterator[Quad]:
    yield node, RDF.type, IRI(f"{_VCARD}Kind"), g
    yield node, IRI(f"{_VCARD}fn"), Literal(maintainer["name"]), g
    if "email" in maintainer:
        yield node, IRI(f"{_VCARD}hasEmail"), IRI(f"mailto:{maintainer['email']}"), g
    if "url" in maintainer:
        yield node, IRI(f"{_VCARD}hasURL"), IRI(maintainer["url"]), g


def _slug(iri: str) -> str:
    """``schema-Person`` for schema:Person: the prefix keeps same-named classes of two vocabularies apart."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            iri = f"{prefix}-{iri[len(namespace) :]}"
            break
    return "".join(ch if ch.isalnum() else "-" for ch in iri)


def describe_dataset(corpus: Corpus, result: BuildResult, out: IO[str] | None = None) -> None:
    """Write ``void.ttl`` beside the dumps, or its Turtle onto ``out`` when given."""
    if out is None:
        dump(void_quads(corpus, result), result.out_dir / "void.ttl")
    else:
        out.write(serialize(checked(void_quads(corpus, result)), RdfFormat.TURTLE))
