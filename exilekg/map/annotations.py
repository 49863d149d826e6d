"""Web Annotations: the evidence of every record and the mentions found in the documents' texts.

Offsets are xsd:integer, not the Web Annotation model's xsd:nonNegativeInteger: stores such as
Oxigraph keep only xsd:integer, so the finer type would not survive a load and a query.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from exilekg.anchor import Anchor
from exilekg.corpus import Record
from exilekg.iris import Minter
from exilekg.map.ids import RecordIris
from exilekg.map.literals import text
from exilekg.mentions import AmbiguousMention, Mention, MentionList
from exilekg.terms import EXILEKG, IRI, OA, RDF, XSD, Literal, Quad
from exilekg.validation import EvidenceKey

__all__ = ["AnnotationMapping"]


class AnnotationMapping(RecordIris):
    """Evidence and mention annotations, each in the graph of the document it points into."""

    anchors: Mapping[EvidenceKey, Anchor]

    def document_mentions(
        self, doc_id: str, mentions: Sequence[Mention], bodies: Mapping[str, IRI]
    ) -> Iterator[Quad]:
        """An annotation per occurrence, in the document's graph (``schema:mentions`` is in its run)."""
        g = self.mint.document_graph(doc_id)
        d = self.mint.document(doc_id)
        for mention in mentions:
            ann = self.mint.mention(doc_id, mention.start, mention.end)
            target = Minter.part(ann, "target")
            quote = Minter.part(ann, "quote")
            position = Minter.part(ann, "position")
            yield ann, RDF.type, OA.Annotation, g
            yield ann, RDF.type, EXILEKG.Mention, g
            yield ann, OA.motivatedBy, OA.identifying, g
            yield ann, OA.hasBody, bodies[mention.entity], g
            yield ann, OA.hasTarget, target, g
            yield target, RDF.type, OA.SpecificResource, g
            yield target, OA.hasSource, d, g
            yield target, OA.hasSelector, quote, g
            yield target, OA.hasSelector, position, g
            # The quote's triples written here rather than by _quote: a generator fewer per mention.
            yield quote, OA.exact, Literal(mention.exact), g
            if mention.prefix:
                yield quote, OA.prefix, Literal(mention.prefix), g
            if mention.suffix:
                yield quote, OA.suffix, Literal(mention.suffix), g
            yield quote, RDF.type, OA.TextQuoteSelector, g
            yield position, RDF.type, OA.TextPositionSelector, g
            yield position, OA.start, Literal(str(mention.start), XSD.integer), g
            yield position, OA.end, Literal(str(mention.end), XSD.integer), g
        if isinstance(mentions, MentionList):
            for occurrence in mentions.ambiguous:
                yield from self.ambiguous_mention(doc_id, occurrence)

    def ambiguous_mention(self, doc_id: str, occurrence: AmbiguousMention) -> Iterator[Quad]:
        """A name several entities carry: questioned, with each candidate as a body, and no
        ``schema:mentions`` (nothing is resolved silently)."""
        g = self.mint.document_graph(doc_id)
        ann = self.mint.mention(doc_id, occurrence.start, occurrence.end)
        target = Minter.part(ann, "target")
        quote = Minter.part(ann, "quote")
        position = Minter.part(ann, "position")
        yield ann, RDF.type, OA.Annotation, g
        yield ann, RDF.type, EXILEKG.AmbiguousMention, g
        yield ann, OA.motivatedBy, OA.questioning, g
        for candidate in occurrence.candidates:
            yield ann, OA.hasBody, self.iri(candidate), g
        yield ann, OA.hasTarget, target, g
        yield target, RDF.type, OA.SpecificResource, g
        yield target, OA.hasSource, self.mint.document(doc_id), g
        yield target, OA.hasSelector, quote, g
        yield target, OA.hasSelector, position, g
        yield quote, RDF.type, OA.TextQuoteSelector, g
        yield quote, OA.exact, Literal(occurrence.exact), g
        if occurrence.prefix:
            yield quote, OA.prefix, Literal(occurrence.prefix), g
        if occurrence.suffix:
            yield quote, OA.suffix, Literal(occurrence.suffix), g
        yield position, RDF.type, OA.TextPositionSelector, g
        yield position, OA.start, Literal(str(occurrence.start), XSD.integer), g
        yield position, OA.end, Literal(str(occurrence.end), XSD.integer), g

    def evidence(self, record: Record, body: IRI) -> Iterator[Quad]:
        rid = record.data["id"]
        for number, item in enumerate(record.data.get("evidence", [])):
            doc_id = item["document"]
            g = self.mint.document_graph(doc_id)
            ann = self.mint.evidence(body, number + 1)
            target = Minter.part(ann, "target")
            quote = Minter.part(ann, "quote")
            anchor = self.anchors.get((rid, number))
            yield ann, RDF.type, OA.Annotation, g
            yield ann, RDF.type, EXILEKG.Evidence, g
            yield ann, OA.motivatedBy, OA.describing, g
            yield ann, OA.hasBody, body, g
            yield ann, OA.hasTarget, target, g
            yield ann, EXILEKG.verified, Literal("true" if anchor else "false", XSD.boolean), g
            yield target, RDF.type, OA.SpecificResource, g
            yield target, OA.hasSource, self.mint.document(doc_id), g
            yield target, OA.hasSelector, quote, g
            position = Minter.part(ann, "position") if anchor is not None else None
            if position is not None:
                yield target, OA.hasSelector, position, g
            yield quote, RDF.type, OA.TextQuoteSelector, g
            if anchor is not None and position is not None:
                yield from _quote(quote, anchor.exact, anchor.prefix, anchor.suffix, g)
                yield position, RDF.type, OA.TextPositionSelector, g
                yield position, OA.start, Literal(str(anchor.start), XSD.integer), g
                yield position, OA.end, Literal(str(anchor.end), XSD.integer), g
            else:
                yield from _quote(quote, item["exact"], item.get("prefix"), item.get("suffix"), g)


def _quote(quote: IRI, exact: str, prefix: str | None, suffix: str | None, g: IRI) -> Iterator[Quad]:
    yield quote, OA.exact, text(exact), g
    if prefix:
        yield quote, OA.prefix, text(prefix), g
    if suffix:
        yield quote, OA.suffix, text(suffix), g
