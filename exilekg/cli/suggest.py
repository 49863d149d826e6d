"""``exilekg suggest``: names the articles mention that the corpus has no record for."""

from __future__ import annotations

from pathlib import Path

import click

from exilekg.cli.options import read_options
from exilekg.corpus import ReadPolicy
from exilekg.suggest import read_corpus, suggest

__all__ = ["suggest_command"]


@click.command("suggest")
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the articles' texts (default: texts/ in the corpus folder).",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="List only names mentioned at least this often in a document.",
)
@read_options
def suggest_command(corpus_dir: Path, texts_dir: Path | None, min_count: int, policy: ReadPolicy) -> None:
    """List, per document of CORPUS_DIR, the names its text uses that match no entity, most frequent first."""
    corpus = read_corpus(corpus_dir, texts_dir=texts_dir, policy=policy)
    for document_id, suggestions in suggest(corpus.texts, corpus.known_names, min_count=min_count).items():
        click.echo(document_id)
        if not suggestions:
            click.echo("  (no unknown names)")
        for name, frequency in suggestions:
            click.echo(f"  {frequency:4d}  {name}")
