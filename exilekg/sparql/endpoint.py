"""SPARQL 1.1 stores over HTTP: where one answers queries, updates and Graph Store requests
(:class:`Endpoint`, found once by one probe), and querying it as a :class:`Source`.

``exilekg query URL`` runs queries here, and ``exilekg load`` (:mod:`exilekg.stores`) sends
triples to the same :class:`Endpoint`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import rdflib
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from exilekg.errors import QueryError, StoreError
from exilekg.rdf import rdflib_statements
from exilekg.sparql.prepare import (
    _POSITION,
    Prepared,
    QueryKind,
    _locate_syntax_error,
    _original_column,
    _syntax_error,
    _with_values,
)
from exilekg.sparql.results import QueryResult, ResultTerm, _graph, _literal, _select, result_term
from exilekg.sparql.sources import QueryEngine, Source
from exilekg.terms import IRI, BlankNode

__all__ = ["Auth", "Endpoint", "Layout", "safe_url"]

_MAX_GET = 6000
"""Longest query sent in a GET URL; longer ones go as a form POST (never application/sparql-query,
on which Virtuoso hangs)."""

_VIRTUOSO_ERROR = re.compile(r"SPARQL compiler, line (\d+): (.*)", re.DOTALL)

_PROBE_TIMEOUT = 10.0
"""Seconds a probe (``ASK {}``) may take: a store that needs longer for it is taken as absent."""

_Triple = tuple[ResultTerm, ResultTerm, ResultTerm]


@dataclass(frozen=True)
class Auth:
    """HTTP credentials. The password is never shown: not in repr, errors or logs."""

    user: str
    password: str = field(repr=False)
    scheme: Literal["basic", "digest"] = "basic"

    def requests_auth(self) -> AuthBase:
        if self.scheme == "digest":
            return HTTPDigestAuth(self.user, self.password)
        return HTTPBasicAuth(self.user, self.password)

    def __repr__(self) -> str:
        return f"Auth(user={self.user!r}, password='***', scheme={self.scheme!r})"


@dataclass(frozen=True)
class Layout:
    """Where a store takes each kind of request, and which product it is."""

    query_url: str
    update_url: str | None
    graph_store_url: str | None
    product: str = "generic"
    """``oxigraph``, ``virtuoso`` or ``generic``."""
    query_params: Mapping[str, str] = field(default_factory=dict)
    """Parameters every query adds: Oxigraph's ``union-default-graph`` when given by its root."""


def _virtuoso(sparql_url: str, auth: Auth | None) -> Layout:
    """Virtuoso's layout: with credentials, updates and Graph Store requests go to its
    authenticated endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``), where they run as
    that user; without, to ``/sparql`` and ``/sparql-graph-crud`` as its anonymous ``SPARQL`` user,
    which a stock Virtuoso lets read only."""
    root = sparql_url[: -len("/sparql")]
    if auth is not None:
        return Layout(sparql_url, root + "/sparql-auth", root + "/sparql-graph-crud-auth", "virtuoso")
    return Layout(sparql_url, sparql_url, root + "/sparql-graph-crud", "virtuoso")


class Endpoint(Source):
    """A SPARQL 1.1 store: queried with the SPARQL Protocol, loaded with the Graph Store Protocol.

    ``url`` is a query endpoint (Virtuoso's ``/sparql``, Oxigraph's ``/query``, any other) or the
    root of an Oxigraph server, as ``exilekg load`` and ``exilekg query`` take it. Its layout is
    found once, when first needed: a URL ending in ``/sparql`` is Virtuoso's (Graph Store at
    ``/sparql-graph-crud``; with credentials, updates at ``/sparql-auth`` and the Graph Store at
    ``/sparql-graph-crud-auth``); one ending in ``/query`` is Oxigraph's
    (``/update``, ``/store`` beside it); any other is probed with ``ASK {}`` at its ``/query``,
    then its ``/sparql``. An Oxigraph server given by its root is queried with the union of the
    named graphs as default graph, as in-process. Give ``update_url`` and ``graph_store_url``
    (and ``product``) to name the layout yourself; no probe is made then.

    Store quirks handled: Virtuoso hangs on POSTed ``application/sparql-query`` (queries go as
    GET, long ones as a form POST), writes typed literals as ``typed-literal``, answers ASK as a
    one-row SELECT of ``__ASK_RETVAL``, and may repeat rows of a ``SELECT DISTINCT`` when
    OPTIONALs leave variables unbound (the rows are made distinct here).
    """

    def __init__(
        self,
        url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        product: str = "generic",
        *,
        timeout: float = 60.0,
        auth: Auth | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.auth = auth
        self._owns_session = session is None
        self.http = session or requests.Session()
        self._layout: Layout | None = None
        if update_url is not None or graph_store_url is not None:
            self._layout = Layout(url, update_url, graph_store_url, product)

    @classmethod
    def detect(
        cls,
        url: str,
        *,
        auth: Auth | None = None,
        session: requests.Session | None = None,
        timeout: float = 60.0,
    ) -> Endpoint:
        """The store at ``url`` with its layout found now; :class:`StoreError` if it has none a
        load can use (no Graph Store endpoint found)."""
        endpoint = cls(url, auth=auth, session=session, timeout=timeout)
        if endpoint.layout.graph_store_url is None:
            raise StoreError(
                f"{safe_url(url)} answers neither as Oxigraph (/query) nor as a /sparql endpoint",
                hint="give the store's SPARQL endpoint URL, e.g. http://host:8890/sparql or http://host:7878",
            )
        return endpoint

    # -- the layout, found once ----------------------------------------------------------------

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._layout = self._find_layout()
        return self._layout

    @property
    def query_url(self) -> str:
        return self.layout.query_url

    @property
    def update_url(self) -> str | None:
        return self.layout.update_url

    @property
    def graph_store_url(self) -> str | None:
        return self.layout.graph_store_url

    @property
    def product(self) -> str:
        return self.layout.product

    def _probe(self, url: str) -> requests.Response | None:
        """The answer to ``ASK {}`` at ``url``, or None where it is not a success; a
        :class:`StoreError` where nothing answers at all."""
        try:
            response = self.http.get(
                url,
                params={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                auth=self._requests_auth,
                timeout=min(self.timeout, _PROBE_TIMEOUT),
            )
        except requests.RequestException as exc:
            raise _unreachable(self.url, exc) from None
        return response if response.ok else None

    @property
    def _requests_auth(self) -> AuthBase | None:
        return self.auth.requests_auth() if self.auth is not None else None

    def _find_layout(self) -> Layout:
        base = self.url.rstrip("/")
        if base.endswith("/sparql"):
            return _virtuoso(base, self.auth)
        if base.endswith("/query"):
            root = base[: -len("/query")]
            return Layout(self.url, f"{root}/update", f"{root}/store", "oxigraph")
        oxigraph = self._probe(f"{base}/query")
        if oxigraph is not None:
            if oxigraph.headers.get("Server", "").startswith("Oxigraph"):
                return Layout(
                    f"{base}/query",
                    f"{base}/update",
                    f"{base}/store",
                    "oxigraph",
                    {"union-default-graph": ""},
                )
            return Layout(f"{base}/query", f"{base}/update", f"{base}/store")
        try:
            virtuoso = self._probe(f"{base}/sparql")
        except StoreError:  # answered at /query, so reachable: no /sparql there
            virtuoso = None
        if virtuoso is not None:
            return _virtuoso(f"{base}/sparql", self.auth)
        return Layout(self.url, None, None)

    # -- the Source side -----------------------------------------------------------------------

    @property
    def engine(self) -> QueryEngine | None:
        return None

    def close(self) -> None:
        if self._owns_session:
            self.http.close()

    def _request(self, prepared: Prepared, text: str, accept: str) -> requests.Response:
        url, extra = self.layout.query_url, dict(self.layout.query_params)
        headers = {"Accept": accept}
        try:
            if len(text) <= _MAX_GET:
                response = self.http.get(
                    url,
                    params={**extra, "query": text},
                    headers=headers,
                    auth=self._requests_auth,
                    timeout=self.timeout,
                )
            else:
                response = self.http.post(
                    url,
                    params=extra,
                    data={"query": text},
                    headers=headers,
                    auth=self._requests_auth,
                    timeout=self.timeout,
                )
        except requests.RequestException as exc:
            raise _unreachable(self.url, exc) from None
        if response.status_code >= 300:
            message = _excerpt(response.content.decode("utf-8", "replace").split("\n\nSPARQL query:")[0])
            if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 404):
                raise _endpoint_syntax_error(prepared, text, message)
            raise StoreError(
                f"{safe_url(self.url)} answered HTTP {response.status_code}: {message}",
                hint="check the endpoint URL" if response.status_code == 404 else None,
            )
        return response

    def execute(self, prepared: Prepared) -> QueryResult:
        text = _with_values(prepared.text, prepared.shape, prepared.bindings)
        kind = prepared.shape.kind
        if kind.is_graph:
            response = self._request(prepared, text, "application/n-triples, text/turtle;q=0.9")
            return _graph(kind, _parse_graph(self.url, response))
        response = self._request(prepared, text, "application/sparql-results+json")
        try:
            document = response.json()
            if kind is QueryKind.ASK:
                return QueryResult(kind, (), (), _ask_answer(document))
            vars_ = [str(v) for v in document["head"]["vars"]]
            rows = [
                tuple(_from_json(binding[v]) if v in binding else None for v in vars_)
                for binding in document["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreError(
                f"{safe_url(self.url)} did not answer with SPARQL JSON results ({type(exc).__name__}: {exc})"
            ) from None
        if prepared.shape.distinct:
            rows = list(dict.fromkeys(rows))
        return _select(vars_, rows)


def safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _unreachable(url: str, exc: requests.RequestException) -> StoreError:
    return StoreError(
        f"cannot reach the SPARQL endpoint {safe_url(url)} ({type(exc).__name__})",
        hint="check the URL and that the store is running",
    )


def _endpoint_syntax_error(prepared: Prepared, sent: str, message: str) -> QueryError:
    """A query the endpoint rejected, with the line and column it names where it names them."""
    located = _locate_syntax_error(prepared)
    if located is not None:
        return located
    line = column = None
    oxigraph = _POSITION.match(message)
    virtuoso = _VIRTUOSO_ERROR.search(message)
    if oxigraph is not None:
        line, column, message = int(oxigraph.group(1)), int(oxigraph.group(2)), oxigraph.group(3)
        column = _original_column(prepared.text, prepared.shape, prepared.bindings, line, column)
    elif virtuoso is not None:
        line, message = int(virtuoso.group(1)), virtuoso.group(2)
    error = _syntax_error(prepared, message, line, column)
    if line is not None and column is None:  # a line without a column: name the line only
        lines = sent.splitlines()
        hint = f"line {line}: “{lines[line - 1].strip()[:60]}”" if 0 < line <= len(lines) else None
        return QueryError(error.message, path=prepared.path, line=line if prepared.path else None, hint=hint)
    return error


def _ask_answer(document: Mapping[str, Any]) -> bool:
    if "boolean" in document:
        return bool(document["boolean"])
    # Virtuoso answers ASK in JSON as a SELECT of one variable, __ASK_RETVAL, 1 or 0.
    bindings = document["results"]["bindings"]
    value = str(bindings[0]["__ASK_RETVAL"]["value"]) if bindings else "0"
    return value in ("1", "true")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def _from_json(binding: Mapping[str, str]) -> ResultTerm:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return BlankNode(value)
    if kind in ("literal", "typed-literal"):  # typed-literal: Virtuoso's pre-1.1 JSON
        return _literal(value, binding.get("datatype"), binding.get("xml:lang"))
    raise KeyError(f"unknown term type {kind!r}")


def _parse_graph(url: str, response: requests.Response) -> Iterator[_Triple]:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    readers = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
    fmt = readers.get(media, "nt")
    graph = rdflib.Graph()
    try:
        graph.parse(data=response.content.decode("utf-8"), format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        raise StoreError(
            f"cannot read the {media or 'untyped'} answer of {safe_url(url)}: {_excerpt(str(exc))}"
        ) from None
    for s, p, o, _ in rdflib_statements(graph):
        yield s, p, result_term(o)
