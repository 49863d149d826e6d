"""``exilekg check``: RDF files against the vocabularies they use, and optionally SHACL shapes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

from exilekg.check import CheckResult, check_file, check_shacl
from exilekg.errors import ExilekgError
from exilekg.formats import RdfFormat

__all__ = ["check_command"]

_FORMATS = [f.extension for f in RdfFormat]


@dataclass
class _Tally:
    files: int = 0
    triples: int = 0
    unreadable: int = 0
    warnings: int = 0
    rules: Counter[str] = field(default_factory=Counter)

    def summary(self, checks: str) -> str:
        """The closing line; raises :class:`click.ClickException` (exit status 1) if anything failed."""
        files = f"{self.files} file{'s' if self.files != 1 else ''}"
        total = sum(self.rules.values())
        unread = f"{self.unreadable} of {files} could not be read" if self.unreadable else ""
        warned = (
            f"; {self.warnings} warning{'s' if self.warnings != 1 else ''} (lenient)" if self.warnings else ""
        )
        if total:
            by_rule = ", ".join(f"{rule} {count}" for rule, count in sorted(self.rules.items()))
            more = f"; {unread}" if unread else ""
            raise click.ClickException(
                f"{total} violation{'s' if total != 1 else ''} in {files} ({self.triples} triples): "
                f"{by_rule}{more}{warned}"
            )
        if unread:
            raise click.ClickException(
                f"{unread}; no violations in the others ({self.triples} triples){warned}"
            )
        return f"ok: {files}, {self.triples} triples, no violations of their {checks}{warned}"


def _check_one(
    path: Path,
    tally: _Tally,
    *,
    fmt: RdfFormat | None,
    base: str | None,
    lenient: bool,
    shacl: bool,
    shapes: Path | None,
) -> None:
    """Check one file and print what it breaks; an unreadable one is printed and counted."""
    try:
        results: list[CheckResult] = [check_file(path, fmt=fmt, base=base, lenient=lenient)]
        if shacl:
            results.append(check_shacl(path, shapes, fmt=fmt, base=base))
    except ExilekgError as exc:
        click.echo(f"Error: {exc}", err=True)
        tally.unreadable += 1
        return
    tally.triples += results[0].triples
    if results[0].triples == 0:
        click.echo(
            f"{path}: warning: no triples (is it the format its extension, or --format, names?)", err=True
        )
    for warning in results[0].warnings:
        click.echo(f"{path}: warning: {warning}")
        tally.warnings += 1
    for result in results:
        for violation in result.violations:
            click.echo(f"{path}: {violation}")
            tally.rules[violation.rule] += 1


@click.command("check")
@click.argument("dumps", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(_FORMATS),
    help="Read every file in this format, whatever its extension (needed to read standard input, -).",
)
@click.option("--base", help="Resolve relative IRIs against this IRI (default: each file's own file: URL).")
@click.option(
    "--lenient",
    is_flag=True,
    help="schema.org's data model: text where an entity or a value is expected is a warning, "
    "not a violation.",
)
@click.option(
    "--shacl",
    is_flag=True,
    help="Also validate against SHACL shapes with pySHACL (needs: pip install 'exilekg[shacl]').",
)
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The SHACL shapes file to use with --shacl (default: exilekg's vocab/shapes.ttl).",
)
def check_command(
    dumps: tuple[Path, ...],
    fmt: str | None,
    base: str | None,
    lenient: bool,
    shacl: bool,
    shapes: Path | None,
) -> None:
    """Check each RDF file DUMP against schema.org and the exilekg vocabulary.

    DUMP is a file (.ttl, .nt, .nq, .trig, .jsonld, .rdf), - for standard input (with --format), or
    an output folder of `exilekg build` (its best dump and void.ttl). Prints one line per violation
    (file, subject, term, rule, message), checks every file even when one cannot be read, and ends
    with a summary; exits with status 1 if any file has a violation or cannot be read.
    """
    if shapes is not None and not shacl:
        raise click.UsageError("--shapes only applies with --shacl")
    if shacl and any(str(path) == "-" for path in dumps):
        raise click.UsageError("--shacl reads each file twice, which standard input cannot be: give a file")
    chosen = RdfFormat.from_extension(fmt) if fmt else None
    tally = _Tally(files=len(dumps))
    for path in dumps:
        _check_one(path, tally, fmt=chosen, base=base, lenient=lenient, shacl=shacl, shapes=shapes)
    checks = "vocabularies and SHACL shapes" if shacl else "vocabularies"
    click.echo(tally.summary(checks))
