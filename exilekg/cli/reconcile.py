"""``exilekg reconcile`` and ``exilekg serve-reconcile``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from exilekg.cli.build import StageBars
from exilekg.cli.options import read_options
from exilekg.corpus import ReadPolicy
from exilekg.kinds import ENTITY_KINDS, RELATIONS
from exilekg.progress import Progress
from exilekg.reconcile import (
    WIKIDATA_ENDPOINT,
    QueryCache,
    ReconciliationClient,
    accept_review,
    default_cache_dir,
    default_review_path,
    make_reconcile_server,
    reconcile_corpus,
    serve_reconcile_forever,
)

__all__ = ["reconcile_command", "serve_reconcile_command"]


def _progress(quiet: bool) -> Progress | None:
    if quiet or not sys.stderr.isatty():
        return None
    return StageBars(lambda text: click.echo(text, err=True, nl=False))


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left or not right:
            raise click.BadParameter(f"{value!r} is not NAME=ID", param_hint=option)
        out.append((left, right))
    return out


@click.command("reconcile")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--service",
    default=WIKIDATA_ENDPOINT,
    show_default=True,
    help="The Reconciliation Service API endpoint to ask (Wikidata's by default).",
)
@click.option(
    "--accept",
    "accept_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Write the decisions of this review file into the records (asks no service).",
)
@click.option(
    "--auto-accept-match",
    "auto_accept",
    type=click.FloatRange(min=0),
    help="Also accept, where the curator left an entity undecided, the candidate the service flags as a "
    "match with at least this score. Without --accept: ask the service, then apply the new review so.",
)
@click.option(
    "--review",
    "review_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the review (JSON, and a Markdown table beside it); default: "
    "reconcile-review.json in the corpus folder.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder of answers kept between runs (default: {default_cache_dir()}).",
)
@click.option("--no-cache", is_flag=True, help="Keep no answers and use none.")
@click.option("--refresh", is_flag=True, help="Ask the service again even what the cache holds.")
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(min=1),
    help="Queries per request (default: the service's batchSize, else 10).",
)
@click.option(
    "--rate",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="At most this many requests per second (0: no limit).",
)
@click.option(
    "--retries",
    default=4,
    show_default=True,
    type=click.IntRange(min=0),
    help="Retries of a failed request, with exponential backoff.",
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds to wait for an answer.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(sorted(ENTITY_KINDS)),
    help="Ask only for records of this kind (repeatable).",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="KIND=TYPE",
    help="The service's type for a kind, e.g. Person=Q5 (repeatable).",
)
@click.option(
    "--property",
    "props",
    multiple=True,
    metavar="KIND.RELATION=PID",
    help="The service's property for a relation, e.g. Person.exiledIn=P551 (repeatable).",
)
@click.option("--no-properties", is_flag=True, help="Send names and types only, no properties.")
@click.option(
    "--limit", default=5, show_default=True, type=click.IntRange(min=1), help="Candidates asked for per name."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (it is drawn only on a terminal).")
@read_options
def reconcile_command(
    corpus_dir: Path,
    service: str,
    accept_file: Path | None,
    auto_accept: float | None,
    review_file: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    refresh: bool,
    batch_size: int | None,
    rate: float,
    retries: int,
    timeout: float,
    kinds: tuple[str, ...],
    types: tuple[str, ...],
    props: tuple[str, ...],
    no_properties: bool,
    limit: int,
    quiet: bool,
    policy: ReadPolicy,
) -> None:
    """Link CORPUS_DIR's entities to a reconciliation service (Wikidata by default).

    Without --accept: ask the service about every entity not yet linked to it and write a
    review file of candidates (score, match flag, type, description); no record changes.
    Mark candidates "accept" or "reject" in it, then run again with --accept REVIEW_FILE to
    write the accepted identifiers into the records as sameAs, with where and when they
    were matched.
    """
    if accept_file is not None:
        _accept(corpus_dir, accept_file, auto_accept, policy)
        return
    property_map = _property_map(props)
    type_map = _type_map(types)
    cache = None if no_cache else QueryCache(cache_dir or default_cache_dir())
    client = ReconciliationClient(
        service, rate=rate, retries=retries, timeout=timeout, cache=cache, refresh=refresh
    )
    review = review_file or default_review_path(corpus_dir)
    result = reconcile_corpus(
        corpus_dir,
        client,
        review=review,
        kinds=kinds or None,
        types=type_map,
        properties=property_map,
        send_properties=not no_properties,
        limit=limit,
        batch_size=batch_size,
        progress=_progress(quiet),
        policy=policy,
    )
    click.echo(result.summary())
    if auto_accept is not None:
        _accept(corpus_dir, review, auto_accept, policy)


def _accept(corpus_dir: Path, review: Path, auto_accept: float | None, policy: ReadPolicy) -> None:
    report = accept_review(corpus_dir, review, auto_accept_match=auto_accept, policy=policy)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary())


def _property_map(props: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """--property KIND.RELATION=PID options as {(kind, relation): pid}."""
    property_map: dict[tuple[str, str], str] = {}
    for left, pid in _pairs(props, "--property"):
        kind, dot, relation = left.partition(".")
        if not dot or kind not in ENTITY_KINDS or (relation not in RELATIONS and relation != "containedIn"):
            raise click.BadParameter(
                f"{left!r} is not KIND.RELATION (e.g. Person.exiledIn)", param_hint="--property"
            )
        property_map[(kind, relation)] = pid
    return property_map


def _type_map(types: tuple[str, ...]) -> dict[str, str]:
    """--type KIND=TYPE options as {kind: type}."""
    type_map = dict(_pairs(types, "--type"))
    for kind in type_map:
        if kind not in ENTITY_KINDS and kind.split("/", 1)[0] not in ENTITY_KINDS:
            raise click.BadParameter(f"{kind!r} is not a record kind", param_hint="--type")
    return type_map


@click.command("serve-reconcile")
@click.argument("out_dir", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--site-url",
    help="Where the published site is hosted (publish's --base-url): entity views lead there "
    "(default: the graph's base IRI).",
)
@click.option("--name", help="The service's name in OpenRefine (default: exilekg and the graph's base IRI).")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
def serve_reconcile_command(
    out_dir: Path, port: int, host: str, site_url: str | None, name: str | None, quiet: bool
) -> None:
    """Serve the graph built in OUT_DIR as a Reconciliation Service API v0.2 endpoint.

    Add the printed URL in OpenRefine (Reconcile > Start reconciling > Add standard service)
    to match a column of names against the graph's people, organisations, places, events
    and works.
    """
    server = make_reconcile_server(out_dir, host=host, port=port, name=name, site=site_url, quiet=quiet)
    click.echo(
        f"reconciliation service for {len(server.index.entities)} entities at {server.url} (Ctrl-C stops)",
        err=True,
    )
    serve_reconcile_forever(server)
