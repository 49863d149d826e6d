"""The ``exilekg`` command line: argument parsing only; the library does the work.

Library errors become click errors here, in one place, so every command prints
them as ``Error: <file>:<line> <pointer>: <message>`` plus a hint, without a
traceback, and exits with status 1. Any other exception is a bug: it is printed as
one line with a request to report it, and exits with status 70 (``EX_SOFTWARE``);
``exilekg --debug`` shows its traceback instead.

Commands load lazily (click's documented ``LazyGroup`` pattern): :data:`COMMANDS` names each
command's module, and a module is imported only when its command runs, so ``exilekg --help``
and ``--version`` import click and this table, not the library.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from exilekg._version import __version__

__all__ = ["COMMANDS", "INTERNAL_ERROR_STATUS", "ExilekgGroup", "InternalError", "cli", "main"]

INTERNAL_ERROR_STATUS = 70
"""The exit status of an unexpected error (``EX_SOFTWARE`` of sysexits.h)."""

COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": ("exilekg.cli.build", "build_command", "Validate a corpus, map it to RDF and write the dumps."),
    "validate": ("exilekg.cli.build", "validate_command", "Check a corpus and print every problem."),
    "check": ("exilekg.cli.check", "check_command", "Check RDF files against schema.org and exilekg."),
    "init": ("exilekg.cli.init", "init_command", "Create an empty corpus folder to ingest articles into."),
    "ingest": ("exilekg.cli.ingest", "ingest_command", "Draft a document record for each article."),
    "suggest": ("exilekg.cli.suggest", "suggest_command", "List the names the texts use without a record."),
    "stats": ("exilekg.cli.stats", "stats_command", "Entities, facts, evidence and graph size of a corpus."),
    "load": ("exilekg.cli.load", "load_command", "Load an output folder or a dump into a SPARQL store."),
    "query": ("exilekg.cli.query", "query_command", "Run QUERY on SOURCE and print the answer."),
    "queries": ("exilekg.cli.query", "queries_command", "List the named queries, or print one in full."),
    "publish": ("exilekg.cli.publish", "publish_command", "Write the static site of a build."),
    "serve": ("exilekg.cli.publish", "serve_command", "Preview a site, with content negotiation."),
    "reconcile": ("exilekg.cli.reconcile", "reconcile_command", "Link entities to a reconciliation service."),
    "serve-reconcile": (
        "exilekg.cli.reconcile",
        "serve_reconcile_command",
        "Serve a build as a reconciliation service.",
    ),
}
"""Each command: the module and attribute of its click command, and the line ``--help`` shows for it."""


class ExilekgGroup(click.Group):
    """A click group whose commands load when run, and that turns :class:`ExilekgError` into a
    clean message and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute, _ = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{module}.{attribute} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table, so that ``--help`` imports no command's module."""
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            # The one place library errors become messages (imported here: --help needs none).
            from exilekg.errors import ExilekgError

            if isinstance(exc, ExilekgError):
                raise click.ClickException(str(exc)) from None
            if ctx.params.get("debug"):
                raise
            raise InternalError(exc) from None


class InternalError(click.ClickException):
    """An exception exilekg did not expect: a bug, shown as one line with a request to report it."""

    exit_code = INTERNAL_ERROR_STATUS

    def __init__(self, exc: BaseException) -> None:
        detail = " ".join(str(exc).split())
        if len(detail) > 200:  # the message may quote input; a short excerpt is enough to report
            detail = detail[:199] + "…"
        text = type(exc).__name__ + (f": {detail!r}" if detail else "")
        super().__init__(
            f"unexpected error (a bug in exilekg {__version__}): {text}\n"
            f"    hint: please report this at {_report_url()} with the command you ran; "
            "`exilekg --debug ...` shows the traceback"
        )


def _report_url() -> str:
    """Where to report a bug: the package's "Issues" project URL, else its home page."""
    from importlib import metadata

    try:
        urls = metadata.metadata("exilekg").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    found = dict(url.split(", ", 1) for url in urls if ", " in url)
    return found.get("Issues") or found.get("Homepage") or "the exilekg issue tracker"


@click.group(cls=ExilekgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exilekg")
@click.option(
    "--debug",
    is_flag=True,
    envvar="EXILEKG_DEBUG",
    help="Show the traceback of an unexpected error instead of a one-line message.",
)
def cli(debug: bool) -> None:
    """Build, check, query and publish the exilekg knowledge graph."""


def main() -> None:
    cli(prog_name="exilekg")
