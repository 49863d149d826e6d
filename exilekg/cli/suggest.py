"""``exilekg suggest``: names the articles mention that the corpus has no record for."""

from __future__ import annotations

from pathlib import Path

import click

from exilekg.cli.options import read_options
from exilekg.corpus import ReadPolicy, read_corpus
from exilekg.suggest import draft_records, iter_lines, suggest_corpus, transliteration_patch, write_json

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
@click.option(
    "--drafts",
    "drafts_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write skeleton entity records for the names listed to this JSON file, to review and "
    "move into records/.",
)
@click.option(
    "--patch",
    "patch_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JSON Patches (RFC 6902) that add each transliterated name as its entity's local "
    "name, one patch per record file.",
)
@read_options
def suggest_command(
    corpus_dir: Path,
    texts_dir: Path | None,
    min_count: int,
    drafts_file: Path | None,
    patch_file: Path | None,
    policy: ReadPolicy,
) -> None:
    """List, per document of CORPUS_DIR, the names its text uses that match no entity, most
    frequent first, in their dictionary form; names listed in left-out-names.json are left out."""
    corpus = read_corpus(corpus_dir, texts_dir=texts_dir, policy=policy)
    suggestions = suggest_corpus(corpus, min_count=min_count)
    for line in iter_lines(suggestions):
        click.echo(line)
    if drafts_file is not None:
        drafts = draft_records(corpus, suggestions)
        write_json(drafts_file, drafts)
        click.echo(f"{len(drafts)} draft records written to {drafts_file}", err=True)
    if patch_file is not None:
        patch = transliteration_patch(corpus, suggestions)
        write_json(patch_file, patch)
        click.echo(f"{sum(map(len, patch.values()))} local names to add written to {patch_file}", err=True)
