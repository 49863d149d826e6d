"""``exilekg load``: send a build or a dump to a SPARQL 1.1 store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exilekg.cli.store import DURATION, auth_from, auth_options
from exilekg.stores import STALE_AFTER, load

__all__ = ["load_command"]


@click.command("load")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--endpoint",
    required=True,
    help="The store: e.g. http://127.0.0.1:7878 (Oxigraph) or http://127.0.0.1:8890/sparql (Virtuoso).",
)
@click.option("--graph", help="Load everything into this graph IRI (needed for .nt and .ttl dumps).")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the graphs' content, all at once in one update, only once all new content is loaded.",
)
@click.option(
    "--changed",
    is_flag=True,
    help="Send only the graphs that changed since this build folder's dataset was last loaded into the "
    "store (the folder of an `exilekg build --incremental`), replacing them, and dropping graphs gone "
    "from the build, all at once as --replace does.",
)
@auth_options
@click.option(
    "--chunk",
    type=click.IntRange(min=1),
    help="Triples per request [default: 5000 of one graph; 100000 of many graphs to an Oxigraph "
    "server's bulk loader].",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds each request may take before it is retried.",
)
@click.option(
    "--stale-after",
    type=DURATION,
    default=f"{STALE_AFTER:g}s",
    show_default="1h",
    help="Drop other loads' staging graphs older than this first (those of dead processes here at once).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def load_command(
    source: Path,
    endpoint: str,
    graph: str | None,
    replace: bool,
    changed: bool,
    user: str | None,
    password: str | None,
    scheme: str,
    chunk: int | None,
    timeout: float,
    stale_after: float,
    quiet: bool,
) -> None:
    """Load SOURCE (an output folder or a dump file) into the store at --endpoint, one named graph
    at a time with the Graph Store Protocol (to an Oxigraph server, many graphs a request to its
    bulk loader), and check each graph's triple count afterwards."""
    auth = auth_from(user, password, scheme)
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(length=1, label="loading", file=sys.stderr if show else None) as bar:

        def progress(done: int, total: int) -> None:
            if show:
                bar.length = total
                bar.update(done - bar.pos)

        report = load(
            source,
            endpoint,
            graph=graph,
            replace=replace,
            changed=changed,
            auth=auth,
            chunk_triples=chunk,
            timeout=timeout,
            stale_after=stale_after,
            progress=progress,
        )
    click.echo(
        f"loaded {report.triples} triples in {len(report.sent)} graphs with {report.requests} requests "
        f"in {report.seconds:.2f} s; counts checked"
    )
    if report.unchanged is not None:
        dropped = f", {len(report.dropped)} dropped" if report.dropped else ""
        click.echo(f"{report.unchanged} graphs unchanged since the last load, not sent{dropped}")
