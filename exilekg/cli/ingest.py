"""``exilekg ingest``: draft document records from plain-text articles."""

from __future__ import annotations

from pathlib import Path

import click

from exilekg.ingest import ingest

__all__ = ["ingest_command"]

_LABELS = {
    "headline": "headline",
    "authors": "author",
    "datePublished": "date",
    "publisher": "publisher",
    "url": "url",
    "language": "language",
}


@click.command("ingest")
@click.argument("articles", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--into",
    "corpus_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The corpus folder to add the articles to.",
)
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to copy the texts into (default: texts/ in the corpus folder).",
)
@click.option("--overwrite", is_flag=True, help="Replace the records of articles ingested before.")
def ingest_command(
    articles: tuple[Path, ...], corpus_dir: Path, texts_dir: Path | None, overwrite: bool
) -> None:
    """Draft a document record for each ARTICLE (plain text) and add it to the corpus.

    Only what an article states is filled in; review each record before building.
    """
    for result in ingest(articles, corpus_dir, texts_dir=texts_dir, overwrite=overwrite):
        click.echo(f"{result.source}: wrote {result.document}")
        if result.missing:
            click.echo(f"  could not find: {', '.join(_LABELS.get(m, m) for m in result.missing)}")
        for note in result.notes:
            click.echo(f"  note: {note}")
