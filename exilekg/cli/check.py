"""``exilekg check``: RDF files against the vocabularies they use, and optionally SHACL shapes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from exilekg.check import check_file, check_shacl

__all__ = ["check_command"]


@click.command("check")
@click.argument("dumps", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
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
def check_command(dumps: tuple[Path, ...], shacl: bool, shapes: Path | None) -> None:
    """Check each RDF file DUMP against schema.org and the exilekg vocabulary.

    Prints one line per violation (file, subject, term, rule, message) and a
    summary; exits with status 1 if there is any violation. The format comes
    from the file's extension (.ttl, .nt, .nq, .trig, .jsonld).
    """
    if shapes is not None and not shacl:
        raise click.UsageError("--shapes only applies with --shacl")
    rules: Counter[str] = Counter()
    triples = 0
    for path in dumps:
        results = [check_file(path)]
        if shacl:
            results.append(check_shacl(path, shapes))
        triples += results[0].triples
        for result in results:
            for violation in result.violations:
                click.echo(f"{path}: {violation}")
                rules[violation.rule] += 1
    files = f"{len(dumps)} file{'s' if len(dumps) != 1 else ''}"
    total = sum(rules.values())
    if total:
        by_rule = ", ".join(f"{rule} {count}" for rule, count in sorted(rules.items()))
        raise click.ClickException(
            f"{total} violation{'s' if total != 1 else ''} in {files} ({triples} triples): {by_rule}"
        )
    checks = "vocabularies and SHACL shapes" if shacl else "vocabularies"
    click.echo(f"ok: {files}, {triples} triples, no violations of their {checks}")
