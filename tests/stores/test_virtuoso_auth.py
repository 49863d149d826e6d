"""A stock Virtuoso (its anonymous SPARQL user may read, not update) as the README shows it:
updates with credentials go to /sparql-auth, a permission error names the GRANT that fixes it and
is not retried, and ``--timeout`` bounds every request."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from exilekg import StoreError
from exilekg.cli import cli
from exilekg.stores import Auth, Endpoint, load, staging_graphs

from .conftest import Virtuoso

DBA = Auth("dba", "dba", "digest")


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self.sent.append((str(method), str(url)))
        return super().request(method, url, *args, **kwargs)


def test_replace_with_digest_credentials_on_a_stock_virtuoso(
    stock_virtuoso: Virtuoso, example_build: Path
) -> None:
    session = CountingSession()
    report = load(example_build, stock_virtuoso.url, auth=DBA, replace=True, session=session)
    assert report.sent == report.counted
    updates = [url for method, url in session.sent if method == "POST"]
    assert updates and all(url.endswith("/sparql-auth") for url in updates)
    assert load(example_build, stock_virtuoso.url, auth=DBA, replace=True).counted == report.counted
    assert staging_graphs(stock_virtuoso.url) == []


def test_anonymous_update_is_a_permission_error_with_the_grant(
    stock_virtuoso: Virtuoso, example_build: Path
) -> None:
    session = CountingSession()
    with pytest.raises(StoreError) as info:
        load(example_build, stock_virtuoso.url, replace=True, retries=4, session=session)
    message = str(info.value)
    assert "permission denied" in message
    assert 'GRANT SPARQL_UPDATE TO "SPARQL";' in message
    assert "GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT" in message
    assert "--user dba --auth digest" in message
    assert "check that the store is running" not in message
    refused = [url for method, url in session.sent if method == "PUT"]
    assert len(refused) == 1, f"a permission error was retried: {refused}"


def test_a_user_without_the_grant_is_named(stock_virtuoso: Virtuoso, example_build: Path) -> None:
    stock_virtuoso.isql("DB.DBA.USER_CREATE ('reader', 'readerpw');\nGRANT SPARQL_SELECT TO \"reader\";\n")
    with pytest.raises(StoreError) as info:
        load(example_build, stock_virtuoso.url, replace=True, auth=Auth("reader", "readerpw", "digest"))
    assert 'GRANT SPARQL_UPDATE TO "reader";' in str(info.value)
    assert "readerpw" not in str(info.value)


def test_cli_load_with_timeout_and_credentials(stock_virtuoso: Virtuoso, example_build: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            *("load", str(example_build), "--endpoint", stock_virtuoso.url, "--replace"),
            *("--user", "dba", "--auth", "digest", "--password", "dba", "--timeout", "30"),
        ],
    )
    assert result.exit_code == 0, result.output
    refused = CliRunner().invoke(cli, ["load", str(example_build), "--endpoint", stock_virtuoso.url])
    assert refused.exit_code == 1
    assert "GRANT SPARQL_UPDATE" in refused.output and "Traceback" not in refused.output


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and reads requests, and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    listener.close()
    for connection in held:
        connection.close()


def test_timeout_bounds_each_request_to_a_virtuoso_endpoint(silent_server: str, example_build: Path) -> None:
    endpoint = Endpoint.detect(silent_server, auth=DBA, timeout=0.5)
    assert endpoint.product == "virtuoso" and endpoint.update_url is not None
    assert endpoint.update_url.endswith("/sparql-auth")
    started = time.monotonic()
    with pytest.raises(StoreError, match=r"timed out after 0\.5 s") as info:
        load(example_build, endpoint, auth=DBA, timeout=0.5, retries=1)
    assert "--timeout" in str(info.value)
    assert time.monotonic() - started < 20
