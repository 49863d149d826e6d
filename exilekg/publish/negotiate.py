"""Content negotiation: which of a page's files answers a request for its IRI.

One rule, used by ``exilekg serve`` and written into the nginx and Apache
configurations: a request for ``/{path}`` with no extension is answered by
``{path}.html``, ``{path}.ttl`` or ``{path}.jsonld``, chosen by the Accept
header's quality values; HTML wins ties and is the default, because a browser's
``*/*`` should get a page.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MEDIA_TYPES", "VARIANTS", "Variant", "negotiate", "parse_accept"]


@dataclass(frozen=True)
class Variant:
    extension: str
    media_type: str
    aliases: tuple[str, ...] = ()


VARIANTS: tuple[Variant, ...] = (
    Variant("html", "text/html", ("application/xhtml+xml",)),
    Variant("ttl", "text/turtle", ("application/x-turtle",)),
    Variant("jsonld", "application/ld+json", ("application/json",)),
)
"""The representations of every page, in order of preference on a tie."""

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nq": "application/n-quads",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "xml": "application/xml",
    "txt": "text/plain; charset=utf-8",
}
"""Content-Type per file extension, for every file a published site holds."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``(media range, quality)`` pairs of an Accept header; a missing header accepts everything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The quality the most specific matching range gives ``media_type``, and that specificity."""
    major = media_type.split("/", 1)[0]
    best: tuple[int, float] | None = None
    for media, quality in ranges:
        if media == media_type:
            specificity = 2
        elif media == f"{major}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, quality)
    return (best[1], best[0]) if best else (0.0, -1)


def negotiate(accept: str | None) -> Variant:
    """The variant to serve for an Accept header. Never refuses: with nothing acceptable, HTML."""
    ranges = parse_accept(accept)
    scored: list[tuple[float, int, int, Variant]] = []
    for order, variant in enumerate(VARIANTS):
        # The most specific range naming any of the variant's types decides, so "text/html;q=0, */*"
        # refuses HTML even though */* would accept its alias application/xhtml+xml.
        quality, specificity = max(
            (_quality(t, ranges) for t in (variant.media_type, *variant.aliases)),
            key=lambda qs: (qs[1], qs[0]),
        )
        # An explicit type outranks one reached through a wildcard at the same quality, so
        # "text/turtle, */*" (as some RDF clients send) gets Turtle rather than HTML.
        scored.append((quality, specificity, -order, variant))
    quality, _, _, variant = max(scored, key=lambda item: item[:3])
    return variant if quality > 0 else VARIANTS[0]
