"""``exilekg stats``: what a corpus holds, and what its texts name that no record covers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from exilekg.cli.options import corpus_argument, read_options, texts_option
from exilekg.corpus import ReadPolicy
from exilekg.stats import Stats, corpus_stats

__all__ = ["stats_command"]


def _print(stats: Stats) -> None:
    click.echo("entities")
    for kind, count in sorted(stats.entities.items()):
        click.echo(f"  {kind:<14}{count:6d}")
    click.echo("facts")
    for kind, count in sorted(stats.facts.items()):
        click.echo(f"  {kind:<14}{count:6d}")
    click.echo("facts per document")
    for doc, counts in sorted(stats.facts_per_document.items()):
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
        click.echo(f"  {doc}: {sum(counts.values())} ({parts})")
    if stats.mentions_per_document:
        click.echo("mentions per document")
        for doc, count in sorted(stats.mentions_per_document.items()):
            click.echo(f"  {doc}: {count}")
    if stats.quads is not None:
        click.echo(f"graph: {stats.quads} quads, {stats.triples} distinct triples")
    if stats.texts_read:
        share = f"{100 * stats.evidence_share:.1f}%"
        click.echo(f"evidence verified: {stats.evidence_verified} of {stats.evidence_total} ({share})")
    else:
        click.echo(f"evidence verified: not checked (no texts); {stats.evidence_total} phrases")
    if stats.problems:
        click.echo(f"validation problems: {stats.problems} (run exilekg validate)")
    unrecorded = sum(len(v) for v in stats.unrecorded_names.values())
    click.echo(
        f"names without a record: {unrecorded}"
        + (f" ({len(stats.left_out)} left out with a reason)" if stats.left_out else "")
    )
    for doc, names in sorted(stats.unrecorded_names.items()):
        click.echo(f"  {doc}: " + "; ".join(f"{name} ({count})" for name, count in names))


@click.command("stats")
@corpus_argument
@texts_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@read_options
def stats_command(corpus_dir: Path, texts_dir: Path | None, as_json: bool, policy: ReadPolicy) -> None:
    """Entities and facts per kind and per document of CORPUS_DIR, evidence verified, and the
    names its texts use that have no record (names listed in left-out-names.json excepted)."""
    stats = corpus_stats(corpus_dir, texts_dir=texts_dir, policy=policy)
    if as_json:
        click.echo(json.dumps(stats.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print(stats)
