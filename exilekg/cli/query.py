"""``exilekg query`` and ``exilekg queries``: SPARQL over a build's dumps or an endpoint."""

from __future__ import annotations

import click

from exilekg.sparql import OutputFormat, QueryEngine, QueryKind, named_queries, named_query, open_source

__all__ = ["queries_command", "query_command"]


def _params(ctx: click.Context, option: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", ctx=ctx, param=option)
        params[name.strip()] = text
    return params


@click.command("query")
@click.argument("source", nargs=-1, required=True)
@click.argument("query_arg", metavar="QUERY")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    callback=_params,
    metavar="NAME=VALUE",
    help="Bind a parameter, as an RDF term (never pasted into the query). Repeatable. "
    "A value in <...> or starting with https:// or urn: is an IRI, any other a literal.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    help="table (default), csv, tsv, json (SPARQL 1.1 Results JSON) or ttl "
    "(the default for CONSTRUCT and DESCRIBE).",
)
@click.option(
    "--engine",
    type=click.Choice([e.value for e in QueryEngine]),
    default=QueryEngine.AUTO.value,
    show_default=True,
    help="In-process engine for dumps: auto is pyoxigraph when installed, else rdflib.",
)
@click.option(
    "--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0.1), help="Endpoint timeout, s."
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let a query run on dumps follow SERVICE clauses to other hosts (refused by default: "
    "they send the query, and values from the data, away).",
)
def query_command(
    source: tuple[str, ...],
    query_arg: str,
    params: dict[str, str],
    fmt: str | None,
    engine: str,
    timeout: float,
    allow_service: bool,
) -> None:
    """Run QUERY on SOURCE and print the answer.

    SOURCE is an output folder of `exilekg build`, one or more dump files, or the URL of a SPARQL
    endpoint (Virtuoso's /sparql, an Oxigraph server's root or /query, any other). The named
    queries answer however the data was loaded: in named graphs, or all in the default graph.

    QUERY is the name of a named query (`exilekg queries` lists them), a .rq file, or SPARQL text.
    """
    given = source[0] if len(source) == 1 else list(source)
    with open_source(
        given, engine=QueryEngine(engine), timeout=timeout, allow_service=allow_service
    ) as opened:
        result = opened.run(query_arg, params)
        if len(result) == 0 and result.kind is not QueryKind.ASK and not opened.holds_triples:
            click.echo(
                f"note: {' '.join(source)} holds no triples, so no query can answer: "
                "load a build into it first (exilekg load DIR --endpoint URL)",
                err=True,
            )
    chosen = OutputFormat(fmt) if fmt else OutputFormat.TURTLE if result.kind.is_graph else OutputFormat.TABLE
    click.echo(result.render(chosen), nl=False)


@click.command("queries")
@click.argument("name", required=False)
def queries_command(name: str | None) -> None:
    """List the named queries with their parameters, or print the query NAME in full."""
    if name is not None:
        click.echo(named_query(name).text, nl=False)
        return
    for shipped in named_queries():
        click.echo(f"{shipped.name}  {shipped.description}")
        for param in shipped.params:
            optional = " (optional)" if param.optional else ""
            click.echo(f"    --param {param.name}=...{optional}  {param.description}")
        click.echo()
    click.echo("Run one: exilekg query SOURCE NAME --param NAME=VALUE; see one: exilekg queries NAME")
