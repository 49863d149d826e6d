"""Rendering helpers of the site: a page's RDF slice as Turtle and JSON-LD, JSON inside HTML, templates."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from exilekg.jsonld import inline_context
from exilekg.publish.store import Triple
from exilekg.rdf.convert import to_oxigraph
from exilekg.terms import IRI, PREFIXES
from exilekg.writers import jsonld_document

__all__ = ["hosted_context", "script_json", "slice_jsonld", "slice_turtle"]


_SLICE_GRAPH = IRI("urn:x-exilekg:slice")


def hosted_context(dump: Path) -> str | None:
    """The URL of the hosted context a JSON-LD dump names, or None (an inline context, or no dump)."""
    if not dump.is_file():
        return None
    with dump.open("rb") as stream:
        head = stream.read(4096).decode("utf-8", "replace")
    found = re.match(r'\{\s*"@context"\s*:\s*"([^"]+)"', head)
    return found[1] if found else None


def slice_jsonld(triples: Sequence[Triple]) -> dict[str, Any]:
    """A page's slice as compact JSON-LD with the context inlined, so search engines need fetch nothing."""
    document = jsonld_document((s, p, o, _SLICE_GRAPH) for s, p, o in triples)
    nodes = document["@graph"][0]["@graph"] if document["@graph"] else []
    return inline_context({"@context": document["@context"], "@graph": nodes})


def slice_turtle(triples: Sequence[Triple]) -> str:
    """A page's slice as Turtle, written by pyoxigraph with the dumps' prefixes.

    pyoxigraph writes the triples in the order given (a subject's triples grouped as they come):
    the slice's order, so a page's Turtle is the same bytes from one publish to the next. It took
    a tenth of the time rdflib's serializer did, which sorted and computed a qualified name per term.
    """
    import pyoxigraph as ox

    text = io.BytesIO()
    ox.serialize(
        [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), to_oxigraph(o)) for s, p, o in triples],
        text,
        ox.RdfFormat.TURTLE,
        prefixes=PREFIXES,
    )
    return text.getvalue().decode("utf-8")


def script_json(data: Any) -> Markup:
    """JSON to put inside ``<script type="application/ld+json">``.

    ``<`` ``>`` and ``&`` become JSON escapes, so no ``</script>`` or ``<!--`` in the
    data can end the block or change how the HTML parser reads it; the JSON means the same.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("exilekg", "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["svg"] = lambda markup: Markup(markup)
    return env


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def _initial(name: str) -> str:
    for ch in unicodedata.normalize("NFKD", name):
        if ch.isalpha():
            return ch.upper()
        if ch.isdigit():
            return "0–9"
    return "#"
