"""``exilekg publish`` and ``exilekg serve``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from exilekg.cli.options import read_options
from exilekg.corpus import ReadPolicy
from exilekg.publish import make_server, publish, serve_forever

__all__ = ["publish_command", "serve_command"]


def _stage_printer(quiet: bool) -> Callable[[str], None] | None:
    if quiet or not sys.stderr.isatty():
        return None
    return lambda stage: click.echo(f"exilekg: {stage}…", err=True)


@click.command("publish")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--site",
    "site_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site into (replaced whole if an earlier publish wrote it).",
)
@click.option(
    "--base-url",
    help="Where the site will be hosted, for canonical links, the sitemap and the server "
    "configuration (default: the corpus base IRI).",
)
@click.option(
    "--texts",
    "texts_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding the articles' texts, or the corpus folder, to show evidence in its sentence.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Processes that write the pages (default: one per core for a large site read from the "
    "build's query index, else one).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
@read_options
def publish_command(
    out_dir: Path,
    site_dir: Path,
    base_url: str | None,
    texts_dir: Path | None,
    workers: int | None,
    quiet: bool,
    policy: ReadPolicy,
) -> None:
    """Write the static site of the build in OUT_DIR to --site."""
    result = publish(
        out_dir,
        site_dir,
        base_url=base_url,
        texts_dir=texts_dir,
        progress=_stage_printer(quiet),
        policy=policy,
        workers=workers,
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())


@click.command("serve")
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
def serve_command(site_dir: Path, port: int, host: str, quiet: bool) -> None:
    """Preview the site in SITE_DIR, with the content negotiation of the server configuration."""
    server = make_server(site_dir, host=host, port=port, quiet=quiet)
    click.echo(f"serving {site_dir} at {server.url} (Ctrl-C stops)", err=True)
    serve_forever(server)
