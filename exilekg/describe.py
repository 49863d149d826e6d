"""``void.ttl``: the dataset described with VoID and DCAT (counts, license, distributions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from exilekg.check import checked
from exilekg.corpus import Corpus
from exilekg.formats import RdfFormat
from exilekg.iris import Minter
from exilekg.serialize import dump, serialize
from exilekg.terms import DCAT, DCTERMS, IRI, PREFIXES, RDF, SCHEMA, VOID, XSD, Literal, Quad

if TYPE_CHECKING:
    from exilekg.build import BuildResult

__all__ = ["describe_dataset", "void_quads"]


def _count(value: int) -> Literal:
    return Literal(str(value), XSD.integer)


def void_quads(corpus: Corpus, result: BuildResult) -> Iterator[Quad]:
    mint = Minter(str(corpus.meta["base"]))
    ds = mint.dataset()
    g = IRI(f"{mint.base}void")
    meta = corpus.meta
    yield ds, RDF.type, VOID.Dataset, g
    yield ds, RDF.type, DCAT.Dataset, g
    yield ds, DCTERMS.title, Literal(meta["title"]), g
    if "description" in meta:
        yield ds, DCTERMS.description, Literal(meta["description"]), g
    yield ds, DCTERMS.license, IRI(meta["license"]), g
    yield ds, DCAT.version, Literal(meta["version"]), g
    yield ds, SCHEMA.version, Literal(meta["version"]), g
    yield ds, VOID.uriSpace, Literal(mint.base), g
    yield ds, VOID.triples, _count(result.triples), g
    yield ds, VOID.entities, _count(result.entities), g
    yield ds, VOID.documents, _count(result.documents), g
    for cls, count in sorted(result.classes.items()):
        part = IRI(f"{ds}#class-{_slug(cls)}")
        yield ds, VOID.classPartition, part, g
        yield part, VOID["class"], IRI(cls), g
        yield part, VOID.entities, _count(count), g
    for graph, count in sorted(result.graphs.items()):
        yield ds, VOID.subset, IRI(graph), g
        yield IRI(graph), RDF.type, VOID.Dataset, g
        yield IRI(graph), VOID.triples, _count(count), g
    for fmt, path in sorted(result.outputs.items(), key=lambda item: item[0].extension):
        dist = IRI(f"{ds}#distribution-{fmt.extension}")
        download = IRI(f"{mint.base}dump/{path.name}")
        yield ds, DCAT.distribution, dist, g
        yield ds, VOID.dataDump, download, g
        yield dist, RDF.type, DCAT.Distribution, g
        yield dist, DCAT.mediaType, IRI(f"https://www.iana.org/assignments/media-types/{fmt.media_type}"), g
        yield dist, DCAT.downloadURL, download, g
        yield dist, DCTERMS.title, Literal(f"exilekg dump as {fmt.name.title()}"), g
        yield dist, DCTERMS.license, IRI(meta["license"]), g


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
