"""``exilekg store``: housekeeping of a SPARQL store that ``exilekg load`` writes to."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from exilekg.stores import STALE_AFTER, Auth, cleanup

__all__ = ["DURATION", "Duration", "auth_from", "auth_options", "store_group"]

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


class Duration(click.ParamType[float]):
    """A length of time: ``90``, ``90s``, ``30m``, ``1h``, ``2d`` (seconds when no unit is given)."""

    name = "duration"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, int | float):
            return float(value)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", str(value).lower())
        if match is None or match.group(2) not in _UNITS:
            self.fail(f"{value!r} is not a duration such as 90s, 30m, 1h or 2d", param, ctx)
        return float(match.group(1)) * _UNITS[match.group(2)]


DURATION = Duration()


def auth_from(user: str | None, password: str | None, scheme: str) -> Auth | None:
    """Credentials from the command line's options, asking for the password when not given."""
    if user is None:
        return None
    if password is None:
        password = click.prompt("Password", hide_input=True, err=True)
    return Auth(user, password or "", "digest" if scheme == "digest" else "basic")


def auth_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--user``, ``--password`` (or ``EXILEKG_PASSWORD``) and ``--auth`` to a command
    that talks to a store; :func:`auth_from` makes them one :class:`~exilekg.stores.Auth`."""
    for option in (
        click.option(
            "--auth", "scheme", type=click.Choice(["basic", "digest"]), default="basic", show_default=True
        ),
        click.option("--password", envvar="EXILEKG_PASSWORD", help="Password (or set EXILEKG_PASSWORD)."),
        click.option("--user", help="User name for HTTP authentication."),
    ):
        command = option(command)
    return command


@click.group("store")
def store_group() -> None:
    """Look after a SPARQL store that exilekg loads into."""


@store_group.command("cleanup")
@click.argument("endpoint")
@click.option(
    "--older-than",
    type=DURATION,
    default=f"{STALE_AFTER:g}s",
    show_default="1h",
    help="Drop staging graphs older than this (90s, 30m, 1h, 2d); younger ones may be a running load's.",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be dropped.")
@auth_options
@click.option(
    "--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds per request."
)
def cleanup_command(
    endpoint: str,
    older_than: float,
    dry_run: bool,
    user: str | None,
    password: str | None,
    scheme: str,
    timeout: float,
) -> None:
    """Drop the staging graphs that killed or crashed loads left in the store at ENDPOINT: those
    older than --older-than, and those whose load ran on this machine in a process that is gone."""
    auth = auth_from(user, password, scheme)
    dropped = cleanup(endpoint, older_than=older_than, auth=auth, timeout=timeout, dry_run=dry_run)
    for graph in dropped:
        click.echo(f"{graph.iri}\t{graph.stale_because(older_than)}")
    verb = "would drop" if dry_run else "dropped"
    click.echo(f"{verb} {len(dropped)} staging graph{'s' if len(dropped) != 1 else ''}", err=True)
