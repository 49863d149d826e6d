"""``exilekg build`` and ``exilekg validate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exilekg.build import ALL_FORMATS, build
from exilekg.formats import RdfFormat
from exilekg.load import load_corpus
from exilekg.validate import validate

__all__ = ["build_command", "validate_command"]

_FORMAT_CHOICES = [f.extension for f in ALL_FORMATS]


def _stage_printer(quiet: bool) -> object:
    if quiet or not sys.stderr.isatty():
        return None
    return lambda stage: click.echo(f"exilekg: {stage}…", err=True)


@click.command("build")
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the articles' texts (default: texts/ beside the records).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the dumps and void.ttl into.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(_FORMAT_CHOICES),
    help="Write only these formats (repeatable; default: all).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
def build_command(
    corpus_dir: Path, texts_dir: Path | None, out_dir: Path, formats: tuple[str, ...], quiet: bool
) -> None:
    """Validate CORPUS_DIR, map it to RDF and write the dumps into --out."""
    chosen = [RdfFormat.from_extension(f) for f in formats] or list(ALL_FORMATS)
    printer = _stage_printer(quiet)
    result = build(corpus_dir, out_dir, texts_dir=texts_dir, formats=chosen, progress=printer)  # type: ignore[arg-type]
    for line in result.report.skipped:
        click.echo(f"not checked: {line}", err=True)
    click.echo(result.summary())


@click.command("validate")
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the articles' texts (default: texts/ beside the records).",
)
def validate_command(corpus_dir: Path, texts_dir: Path | None) -> None:
    """Check CORPUS_DIR and print every problem; exit 1 if there is any."""
    report = validate(load_corpus(corpus_dir, texts_dir=texts_dir))
    for line in report.skipped:
        click.echo(f"not checked: {line}", err=True)
    for problem in report.problems:
        click.echo(str(problem))
    if report.problems:
        count = len(report.problems)
        raise click.ClickException(f"{count} problem{'s' if count != 1 else ''} found")
    click.echo(f"ok: {report.evidence_verified} of {report.evidence_total} evidence phrases located")
