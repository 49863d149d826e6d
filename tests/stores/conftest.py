"""Real triple stores for the tests: Oxigraph (from the ``oxigraph`` PyPI package) and Virtuoso
Open Source 7 (Debian's ``virtuoso-opensource-7-bin``), each started on 127.0.0.1 on a free port
and stopped by its pid. Outside CI a missing store skips its tests; under ``CI=true`` it fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..servers import free_port, oxigraph_server, stop, wait_until_up


def missing(what: str, how: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed, and CI must run these tests ({how})")
    pytest.skip(f"{what} is not installed ({how})")


@pytest.fixture(scope="session")
def oxigraph_url() -> Iterator[str]:
    yield from oxigraph_server(missing)


@pytest.fixture(scope="module")
def own_oxigraph_url() -> Iterator[str]:
    """An Oxigraph server of the test module's own, for data the shared one must not hold."""
    yield from oxigraph_server(missing)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
DefaultIsolation = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
DefaultGraph = http://localhost:{http_port}/dataspace
"""


@dataclass
class Virtuoso:
    url: str
    isql_port: int

    def isql(self, script: str) -> None:
        """Run SQL as dba with Virtuoso's own client."""
        isql = shutil.which("isql-vt")
        assert isql is not None
        subprocess.run(
            [isql, f"127.0.0.1:{self.isql_port}", "dba", "dba"],
            input=script.encode(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )


def virtuoso_server(folder: Path, grants: str) -> Iterator[Virtuoso]:
    """A Virtuoso of its own on 127.0.0.1 in ``folder``, given ``grants`` as dba, stopped by its pid."""
    binary = shutil.which("virtuoso-t")
    if binary is None or shutil.which("isql-vt") is None:
        missing("Virtuoso", "apt-get install virtuoso-opensource-7-bin, as .ci/install-stores.sh does")
    isql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, isql_port=isql_port, http_port=http_port))
    process = subprocess.Popen(
        [str(binary), "-f", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = Virtuoso(f"http://127.0.0.1:{http_port}/sparql", isql_port)
        wait_until_up(server.url, process, 60)
        if grants:
            server.isql(grants)
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="session")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The anonymous SPARQL user may update, as the Graph Store endpoint without -auth needs.
    grants = (
        'GRANT SPARQL_UPDATE TO "SPARQL";\nGRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";\n'
    )
    for server in virtuoso_server(tmp_path_factory.mktemp("virtuoso"), grants):
        yield server.url


@pytest.fixture(scope="module")
def stock_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso as installed: its anonymous SPARQL user may read, not update; dba may do all."""
    yield from virtuoso_server(tmp_path_factory.mktemp("stock-virtuoso"), "")


def virtuoso_log(folder: Path) -> str:
    log = folder / "virtuoso.log"
    return log.read_text(errors="replace")[-2000:] if log.exists() else ""
