"""The ``exilekg`` command line: argument parsing only; the library does the work.

Library errors become click errors here, in one place, so every command prints
them as ``Error: <file>:<line> <pointer>: <message>`` plus a hint, without a
traceback, and exits with status 1.
"""

from __future__ import annotations

from typing import Any

import click

from exilekg import __version__
from exilekg.cli.build import build_command, validate_command
from exilekg.cli.check import check_command
from exilekg.cli.ingest import ingest_command
from exilekg.cli.init import init_command
from exilekg.cli.load import load_command
from exilekg.cli.publish import publish_command, serve_command
from exilekg.cli.query import queries_command, query_command
from exilekg.cli.reconcile import reconcile_command, serve_reconcile_command
from exilekg.cli.stats import stats_command
from exilekg.cli.suggest import suggest_command
from exilekg.errors import ExilekgError

__all__ = ["ExilekgGroup", "cli", "main"]


class ExilekgGroup(click.Group):
    """A click group that turns :class:`ExilekgError` into a clean message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExilekgError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=ExilekgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exilekg")
def cli() -> None:
    """Build, check, query and publish the exilekg knowledge graph."""


for command in (
    build_command,
    validate_command,
    check_command,
    init_command,
    ingest_command,
    suggest_command,
    stats_command,
    load_command,
    query_command,
    queries_command,
    publish_command,
    serve_command,
    reconcile_command,
    serve_reconcile_command,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="exilekg")
