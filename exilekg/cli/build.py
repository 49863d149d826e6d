"""``exilekg build`` and ``exilekg validate``."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from exilekg.cli.options import corpus_argument, read_options, texts_option
from exilekg.corpus import ReadPolicy, read_corpus
from exilekg.formats import RdfFormat
from exilekg.pipeline import ALL_FORMATS, build
from exilekg.progress import Progress
from exilekg.validation import validate

__all__ = ["StageBars", "build_command", "validate_command"]

_FORMAT_CHOICES = [f.extension for f in ALL_FORMATS]


def _count(n: int) -> str:
    """1234567 as 1.2M, 45000 as 45k: short enough for a bar's line."""
    for scale, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if n >= scale:
            return f"{n / scale:.1f}{suffix}"
    return str(n)


class StageBars:
    """A :class:`~exilekg.progress.Progress` that draws one bar per stage of a build.

    Each stage's line is redrawn in place (carriage return) at most every ``interval``
    seconds and left on screen, with its time, when the next stage starts. Stages whose
    total is not known beforehand show a count instead of a bar. ``write`` takes text
    for the terminal (stderr in the CLI); the library itself never prints.
    """

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        width: int | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write = write
        self.width = width if width is not None else shutil.get_terminal_size((80, 24)).columns
        self.interval = interval
        self.clock = clock
        self.name: str | None = None
        self.total: int | None = None
        self.unit = ""
        self.done = 0
        self.started = 0.0
        self.drawn = 0.0
        self.last_length = 0

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        self._close_line()
        self.name, self.total, self.unit, self.done = name, total, unit, 0
        self.started = self.clock()
        self._draw()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        if self.clock() - self.drawn >= self.interval:
            self._draw()

    def finish(self) -> None:
        self._close_line()

    def line(self) -> str:
        """The current stage's line, as it would be drawn now."""
        elapsed = self.clock() - self.started
        name = f"{self.name:<14}"
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            done = min(self.done, self.total)
            tail = (
                f" {100 * done // self.total:3d}% {_count(done)}/{_count(self.total)}{unit} {elapsed:5.1f}s"
            )
            room = max(10, min(30, self.width - 64))  # the same for every line: bars line up
            filled = room * done // self.total
            return f"{name} [{'#' * filled}{'-' * (room - filled)}]{tail}"
        count = f" {_count(self.done)}{unit}" if self.done else ""
        return f"{name}{count} {elapsed:5.1f}s"

    def _draw(self) -> None:
        if self.name is None:
            return
        text = self.line()[: max(1, self.width - 1)]
        pad = " " * max(0, self.last_length - len(text))
        self.write(f"\r{text}{pad}")
        self.last_length = len(text)
        self.drawn = self.clock()

    def _close_line(self) -> None:
        if self.name is None:
            return
        if self.total:
            self.done = self.total
        self._draw()
        self.write("\n")
        self.name, self.last_length = None, 0


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _progress(quiet: bool) -> Progress | None:
    """Bars on stderr when it is a terminal and --quiet was not given; nothing otherwise."""
    if quiet or not _stderr_is_terminal():
        return None
    return StageBars(lambda text: click.echo(text, err=True, nl=False))


@click.command("build")
@corpus_argument
@texts_option
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
@click.option(
    "--jsonld-context",
    "jsonld_context",
    metavar="URL",
    help="Name this hosted JSON-LD context in exilekg.jsonld instead of carrying the context inline "
    "(serve vocab/context.jsonld there; exilekg publish does when the URL is under the site's base).",
)
@click.option(
    "--index/--no-index",
    default=False,
    show_default=True,
    help="Also write the query index exilekg.index/ beside the dumps, which query and publish open "
    "instead of parsing them (or run `exilekg index OUT` later).",
)
@click.option(
    "--require-texts",
    is_flag=True,
    help="Fail, writing nothing, when a document's text is not there (the graph would lack its "
    "mentions and evidence positions).",
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Map only the documents and records whose inputs changed since the last --incremental build "
    "into --out, and splice the rest from its dumps (same bytes as a full build; exilekg.state.json "
    "records what each piece was made from). Falls back to a full build, saying why.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Processes that map, check and format the corpus, a range of documents and records each "
    "(same bytes as one process); 0: one per core. Each holds its share of the corpus: memory grows "
    "with them.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars (they are drawn only on a terminal).")
@read_options
def build_command(
    corpus_dir: Path,
    texts_dir: Path | None,
    out_dir: Path,
    formats: tuple[str, ...],
    jsonld_context: str | None,
    index: bool,
    require_texts: bool,
    incremental: bool,
    workers: int,
    quiet: bool,
    policy: ReadPolicy,
) -> None:
    """Validate CORPUS_DIR, map it to RDF and write the dumps into --out.

    On a terminal, a progress bar per stage is drawn on stderr; --quiet silences it.
    """
    chosen = [RdfFormat.from_extension(f) for f in formats] or list(ALL_FORMATS)
    result = build(
        corpus_dir,
        out_dir,
        texts_dir=texts_dir,
        formats=chosen,
        progress=_progress(quiet),
        jsonld_context=jsonld_context,
        policy=policy,
        index=index,
        require_texts=require_texts,
        incremental=incremental,
        workers=workers,
    )
    if result.unsharded is not None:
        click.echo(f"mapped in one process: {result.unsharded}", err=True)
    for line in result.left_out:
        click.echo(f"left out of the graph: {line}", err=True)
    if result.left_out:
        click.echo(
            "  to include them: give the articles' folder with --texts DIR "
            "(--require-texts makes a build without them fail)",
            err=True,
        )
    for line in result.report.skipped:
        click.echo(f"not checked: {line}", err=True)
    for warning in result.report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())


@click.command("validate")
@corpus_argument
@texts_option
@read_options
def validate_command(corpus_dir: Path, texts_dir: Path | None, policy: ReadPolicy) -> None:
    """Check CORPUS_DIR and print every problem; exit 1 if there is any."""
    report = validate(read_corpus(corpus_dir, texts_dir=texts_dir, policy=policy))
    for line in report.skipped:
        click.echo(f"not checked: {line}", err=True)
    for problem in report.problems:
        click.echo(str(problem))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.problems:
        count = len(report.problems)
        raise click.ClickException(f"{count} problem{'s' if count != 1 else ''} found")
    click.echo(f"ok: {report.evidence_verified} of {report.evidence_total} evidence phrases located")


@click.command("index")
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
def index_command(out_dir: Path) -> None:
    """Write the query index of the build in OUT_DIR (exilekg.index/), from its dumps.

    For a folder built with --no-index; a build writes its index itself. The index is tied to the
    build: when the dumps are rebuilt without it, readers ignore it and parse the dumps.
    """
    from exilekg.index import write_index

    click.echo(f"wrote {write_index(out_dir)}")
