"""``exilekg ingest``: draft document records from articles (plain text, saved pages, URLs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from exilekg.ingest import IngestResult, ingest
from exilekg.ingest.fetch import is_url

__all__ = ["ingest_command"]

_LABELS = {
    "headline": "headline",
    "authors": "author",
    "datePublished": "date",
    "publisher": "publisher",
    "url": "url",
    "language": "language",
}
_STATUS = {
    "new": "wrote",
    "updated": "updated",
    "unchanged": "unchanged",
    "replaced": "replaced",
}


@click.command("ingest")
@click.argument("articles", nargs=-1, required=True)
@click.option(
    "--into",
    "corpus_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The corpus folder to add the articles to (made by exilekg init).",
)
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to copy the texts into (default: texts/ in the corpus folder).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace the records of articles ingested before, instead of merging the new draft into them.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was drafted and what is missing as JSON.")
def ingest_command(
    articles: tuple[str, ...], corpus_dir: Path, texts_dir: Path | None, overwrite: bool, as_json: bool
) -> None:
    """Draft a document record for each ARTICLE and add it to the corpus.

    An ARTICLE is a plain-text file, a saved web page (.html, .htm) or the URL of a page
    (http:// or https://), which is fetched. Only what an article states is filled in; each
    field says where it came from. An article ingested before is merged: the fields you
    edited are kept. Review each record before building.
    """
    sources: list[Path | str] = [a if is_url(a) else Path(a) for a in articles]
    results = ingest(sources, corpus_dir, texts_dir=texts_dir, overwrite=overwrite)
    if as_json:
        click.echo(json.dumps([_as_json(r) for r in results], ensure_ascii=False, indent=2))
        return
    for result in results:
        click.echo(f"{result.source}: {_STATUS[result.status]} {result.document}")
        origins = result.extraction.sources
        found = [f"{_LABELS[k]} ({where})" for k, where in origins.items() if k in _LABELS]
        if found:
            click.echo(f"  found: {'; '.join(found)}")
        if result.missing:
            click.echo(f"  could not find: {', '.join(_LABELS.get(m, m) for m in result.missing)}")
        if result.kept:
            click.echo(f"  kept as edited: {', '.join(result.kept)}")
        for note in result.notes:
            click.echo(f"  note: {note}")
        for path in result.records:
            click.echo(f"  new record: {path}")


def _as_json(result: IngestResult) -> dict[str, Any]:
    return {
        "source": str(result.source),
        "status": result.status,
        "id": result.id,
        "document": str(result.document),
        "text": str(result.text),
        "snapshot": str(result.snapshot) if result.snapshot else None,
        "record": result.extraction.record,
        "sources": dict(result.extraction.sources),
        "missing": list(result.missing),
        "notes": list(result.notes),
        "kept": list(result.kept),
        "updated": list(result.updated_fields),
        "records": [str(p) for p in result.records],
    }
