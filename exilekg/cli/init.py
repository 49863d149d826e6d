"""``exilekg init``: start a new corpus folder."""

from __future__ import annotations

from pathlib import Path

import click

from exilekg.ingest.scaffold import CORPUS_FOLDERS, TO_FILL, init_corpus

__all__ = ["init_command"]


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The corpus's title (default: the folder's name).")
@click.option("--base", help="The base IRI of the graph's identifiers, ending with '/'.")
def init_command(folder: Path, title: str | None, base: str | None) -> None:
    """Create FOLDER as an empty corpus: corpus.json to complete, documents/, records/, texts/.

    Then add articles with: exilekg ingest ARTICLE... --into FOLDER
    """
    meta = init_corpus(folder, title=title, base=base)
    click.echo(f"created {meta} and {', '.join(f'{name}/' for name in CORPUS_FOLDERS)} in {folder}")
    click.echo(f"  fill in corpus.json: {', '.join(TO_FILL)}")
    click.echo(f"  then: exilekg ingest ARTICLE... --into {folder}")
