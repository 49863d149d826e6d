"""Requests to a SPARQL 1.1 store over HTTP: retried with backoff, counted, and errors explained."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import requests

from exilekg.errors import StoreError
from exilekg.sparql.endpoint import Auth, Endpoint, safe_url

__all__ = ["SentCallback", "count_triples", "select", "update"]


_LONG_QUERY = 2000
"""Characters above which a query is POSTed as a form instead of sent in the URL."""

_COUNTED_TOGETHER = 200
"""Graphs counted by one query."""

SentCallback = Callable[[int, int], None]
"""Told how many triples a load has sent so far, and how many it will send in all."""


class _Client:
    """Requests to one store, retried with backoff, and counted."""

    def __init__(
        self,
        endpoint: Endpoint,
        auth: Auth | None,
        session: requests.Session | None,
        retries: int,
        timeout: float = 120.0,
    ) -> None:
        self.endpoint = endpoint
        self.auth = auth.requests_auth() if auth else None
        self.auth_user = auth.user if auth else None
        self.http = session or requests.Session()
        self.retries = retries
        self.timeout = timeout
        self.requests = 0

    def send(self, method: str, url: str, *, retry: bool = True, **kwargs: Any) -> requests.Response:
        """One HTTP request, retried with backoff on connection errors, time-outs and 5xx (unless
        ``retry`` is false); 4xx answers and permission errors raise at once."""
        delay = 0.5
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            self.requests += 1
            try:
                response = self.http.request(method, url, auth=self.auth, timeout=self.timeout, **kwargs)
            except requests.ConnectionError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            except requests.Timeout:
                problem = f"the request timed out after {self.timeout:g} s"
            else:
                if response.status_code < 400:
                    return response
                message = _message(response)
                denied = _permission_denied(response.status_code, message)
                if denied:
                    raise StoreError(
                        f"{method} {safe_url(url)} was refused: permission denied "
                        f"(HTTP {response.status_code}: {message})",
                        hint=self._grant_hint(),
                    )
                if response.status_code < 500:
                    raise StoreError(
                        f"{method} {safe_url(url)} was refused with HTTP {response.status_code}: {message}",
                        hint=_hint_for(response.status_code),
                    )
                problem = f"HTTP {response.status_code}: {message}"
            if attempt < attempts - 1:
                time.sleep(delay)
                delay *= 2
        raise StoreError(
            f"{method} {safe_url(url)} failed after {attempts} attempt(s): {problem}",
            hint="check that the store is running and reachable"
            + (", or give a longer --timeout" if "timed out" in problem else ""),
        )

    def _grant_hint(self) -> str:
        """How to give the user the load runs as the right to update the store."""
        if self.endpoint.product != "virtuoso":
            return "give credentials of a user that may update the store with --user and --password"
        user = self.auth_user or "SPARQL"
        grants = (
            f'GRANT SPARQL_UPDATE TO "{user}"; '
            f'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "{user}"; '
            f'GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "{user}";'
        )
        if self.auth_user is None:
            return (
                "Virtuoso's anonymous SPARQL user may not update: give a user that may "
                "(--user dba --auth digest, which sends updates to /sparql-auth), or let the "
                f"anonymous user update by running, as dba in isql-vt: {grants}"
            )
        return (
            f"user {user} may not update: as dba in isql-vt run {grants} "
            f"(Virtuoso 7.2.8 and later also need DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 3);)"
        )

    def _url(self, url: str | None, what: str) -> str:
        if url is None:
            raise StoreError(
                f"{safe_url(self.endpoint.url)} has no {what} endpoint that exilekg knows of",
                hint="give the store's SPARQL endpoint URL, e.g. http://host:8890/sparql or http://host:7878",
            )
        return url

    def _query(self, query: str, accept: str) -> requests.Response:
        # A long query (counts of many graphs) goes as a form POST, which both Oxigraph and
        # Virtuoso read, rather than in a URL longer than a server or proxy may take.
        headers = {"Accept": accept}
        if len(query) > _LONG_QUERY:
            return self.send("POST", self.endpoint.query_url, data={"query": query}, headers=headers)
        return self.send("GET", self.endpoint.query_url, params={"query": query}, headers=headers)

    def select(self, query: str) -> list[dict[str, Any]]:
        response = self._query(query, "application/sparql-results+json")
        try:
            bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
        except (ValueError, KeyError) as exc:
            raise StoreError(f"the store's answer is not SPARQL JSON results ({exc})") from None
        return bindings

    def update(self, statement: str, *, retry: bool = True) -> None:
        # A form POST: Virtuoso reads it, and it hangs on application/sparql-update bodies too.
        field_name = "query" if self.endpoint.product == "virtuoso" else "update"
        url = self._url(self.endpoint.update_url, "SPARQL Update")
        self.send("POST", url, retry=retry, data={field_name: statement})

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    def counts(self, graphs: Iterable[str]) -> dict[str, int]:
        """The triples of each graph, asked :data:`_COUNTED_TOGETHER` graphs a query: a request
        per graph took as long as sending the graphs did."""
        wanted = list(graphs)
        found = dict.fromkeys(wanted, 0)
        for start in range(0, len(wanted), _COUNTED_TOGETHER):
            values = " ".join(f"<{g}>" for g in wanted[start : start + _COUNTED_TOGETHER])
            query = (
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                "GROUP BY ?g"
            )
            for row in self.select(query):
                found[row["g"]["value"]] = int(row["n"]["value"])
        return found

    def select_tsv(self, query: str) -> bytes:
        """A SELECT query's answer as SPARQL TSV, whose terms are written as in N-Triples."""
        return self._query(query, "text/tab-separated-values").content

    def post_quads(self, body: str | Iterable[bytes], *, transaction: bool = False) -> None:
        """N-Quads into Oxigraph's dataset endpoint: as one transaction, or with its bulk loader
        (``no_transaction``), several times faster and without one, which a load into staging
        graphs, swapped in one update at the end, does not need."""
        self.send(
            "POST",
            self._url(self.endpoint.graph_store_url, "Graph Store Protocol"),
            params={} if transaction else {"no_transaction": ""},
            data=body.encode("utf-8") if isinstance(body, str) else body,
            headers={"Content-Type": "application/n-quads; charset=utf-8"},
        )

    def put_or_post(self, method: str, graph: str, body: str) -> None:
        self.send(
            method,
            self._url(self.endpoint.graph_store_url, "Graph Store Protocol"),
            params={"graph": graph} if self.endpoint.product != "virtuoso" else {"graph-uri": graph},
            data=body.encode("utf-8"),
            headers={"Content-Type": "text/turtle; charset=utf-8"},
        )


def _message(response: requests.Response) -> str:
    """The store's answer in one line: Virtuoso's without the query it echoes, HTML without tags."""
    text = response.content.decode("utf-8", "replace").split("SPARQL query:")[0]
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= 500 else text[:499] + "…"


_PERMISSION = re.compile(r"\bSR186\b|\bSECURITY\b|permission denied|no permission", re.IGNORECASE)


def _permission_denied(status: int, message: str) -> bool:
    """Whether an answer says the user may not do this: Virtuoso answers HTTP 500 with ``SR186``
    (or 403 with ``SECURITY``) where a GRANT is missing; retrying cannot help."""
    return status in (403, 500) and _PERMISSION.search(message) is not None


def _hint_for(status: int) -> str:
    if status in (401, 403):
        return "give credentials with --user and --password (Virtuoso: digest auth, or GRANT SPARQL_UPDATE)"
    if status == 404:
        return "check the endpoint URL"
    return "the store's message above says what it could not accept"


def _endpoint(url: str | Endpoint, auth: Auth | None, timeout: float = 60.0) -> Endpoint:
    return url if isinstance(url, Endpoint) else Endpoint.detect(url, auth=auth, timeout=timeout)


def select(url: str | Endpoint, query: str, *, auth: Auth | None = None) -> list[dict[str, Any]]:
    """Run a SELECT query over HTTP; the SPARQL 1.1 JSON bindings (Virtuoso's typed-literal included)."""
    bindings = _Client(_endpoint(url, auth), auth, None, 2).select(query)
    for row in bindings:
        for value in row.values():
            if value.get("type") == "typed-literal":
                value["type"] = "literal"  # Virtuoso's pre-standard name for a typed literal
    return bindings


def update(url: str | Endpoint, statement: str, *, auth: Auth | None = None) -> None:
    """Run a SPARQL Update statement."""
    _Client(_endpoint(url, auth), auth, None, 2).update(statement)


def count_triples(url: str | Endpoint, graph: str, *, auth: Auth | None = None) -> int:
    return _Client(_endpoint(url, auth), auth, None, 2).count(graph)
