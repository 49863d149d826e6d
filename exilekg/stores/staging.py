"""Staging graphs: names that tell a dead load's leftovers from a running load's, and their cleanup."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exilekg.sparql.endpoint import Auth, Endpoint
from exilekg.stores.client import _Client, _endpoint
from exilekg.terms import IRI

__all__ = ["STAGING_PREFIX", "STALE_AFTER", "StagingGraph", "cleanup", "staging_graphs"]


STAGING_PREFIX = "urn:exilekg:staging:"
"""The marker every staging graph's IRI starts with; see :class:`StagingGraph` for the rest."""

STALE_AFTER = 3600.0
"""Seconds after which a staging graph is taken as a dead load's leftover wherever it was made."""

_STAGING = re.compile(
    re.escape(STAGING_PREFIX)
    + r"(?P<time>\d{8}T\d{6}(?:\.\d{1,6})?Z):(?P<host>[0-9a-f]+)-(?P<pid>\d+):(?P<load>[0-9a-f-]+):\d+"
)
_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"
_DROP_BATCH = 500
"""Staging graphs dropped per request when cleaning up."""


@dataclass(frozen=True)
class StagingGraph:
    """A staging graph found in a store, read from its name
    ``urn:exilekg:staging:<UTC time>:<host>-<pid>:<load id>:<n>``."""

    iri: str
    created: datetime | None
    """When the load that made it started; None for a name without a time (older exilekg)."""
    host: str | None
    """A digest of the machine (and process namespace) the load ran on."""
    pid: int | None
    load_id: str | None

    @classmethod
    def parse(cls, iri: str) -> StagingGraph:
        match = _STAGING.fullmatch(iri)
        if match is None:
            return cls(iri, None, None, None, None)
        text = match["time"]
        created = datetime.strptime(text if "." in text else text[:-1] + ".0Z", _TIME_FORMAT)
        return cls(iri, created.replace(tzinfo=UTC), match["host"], int(match["pid"]), match["load"])

    def age(self, now: datetime | None = None) -> float | None:
        """Seconds since the load that made it started."""
        if self.created is None:
            return None
        return ((now or datetime.now(UTC)) - self.created).total_seconds()

    def stale_because(self, older_than: float, now: datetime | None = None) -> str | None:
        """Why this is a dead load's leftover, or None if its load may still be running."""
        age = self.age(now)
        if age is None:
            return "its name carries no time (made by an older exilekg)"
        if self.host == _host_id() and self.pid is not None and not _alive(self.pid):
            return f"process {self.pid} on this machine, which made it, is gone"
        if age > older_than:
            return f"made {_duration(age)} ago"
        return None


class _StagingNames:
    """The staging graph names of one load: its start, its machine and process, and a load id."""

    def __init__(self) -> None:
        created = datetime.now(UTC).strftime(_TIME_FORMAT)
        self.prefix = f"{STAGING_PREFIX}{created}:{_host_id()}-{os.getpid()}:{uuid.uuid4()}:"
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count - 1}"


_HOST_ID: list[str] = []


def _host_id() -> str:
    """This machine and process namespace, as a short digest: a process id means the same
    process only within one (a container has its own)."""
    if not _HOST_ID:
        parts = [socket.gethostname()]
        with contextlib.suppress(OSError):
            parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
        with contextlib.suppress(OSError):
            parts.append(str(Path("/proc/self/ns/pid").stat().st_ino))
        _HOST_ID.append(hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12])
    return _HOST_ID[0]


def _alive(pid: int) -> bool:
    """Whether a process of this machine is running; a zombie (killed, not yet waited for) is not.
    Where this cannot be known, it is taken as running, so that only age makes its graphs stale."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _list_staging(client: _Client) -> list[StagingGraph]:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), %s)) }"
    rows = client.select(query % f'"{STAGING_PREFIX}"')
    return sorted((StagingGraph.parse(str(IRI(row["g"]["value"]))) for row in rows), key=lambda g: g.iri)


def _drop(client: _Client, graphs: Iterable[str]) -> None:
    """Drop graphs, a few hundred per update request."""
    names = list(graphs)
    for start in range(0, len(names), _DROP_BATCH):
        batch = names[start : start + _DROP_BATCH]
        client.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in batch))


def _cleanup(client: _Client, older_than: float) -> list[StagingGraph]:
    now = datetime.now(UTC)
    stale = [g for g in _list_staging(client) if g.stale_because(older_than, now) is not None]
    _drop(client, (g.iri for g in stale))
    return stale


def staging_graphs(
    url: str | Endpoint, *, auth: Auth | None = None, timeout: float = 60.0
) -> list[StagingGraph]:
    """Every staging graph in the store, of live loads and of dead ones."""
    return _list_staging(_Client(_endpoint(url, auth, timeout), auth, None, 2, timeout))


def cleanup(
    url: str | Endpoint,
    *,
    older_than: float = STALE_AFTER,
    auth: Auth | None = None,
    timeout: float = 60.0,
    dry_run: bool = False,
) -> list[StagingGraph]:
    """Drop the staging graphs that dead loads left in the store, and return them: those older than
    ``older_than`` seconds, those made on this machine by a process that is gone, and those named
    without a time. Staging graphs of a load that may still run are kept. ``dry_run`` drops nothing."""
    client = _Client(_endpoint(url, auth, timeout), auth, None, 2, timeout)
    if dry_run:
        now = datetime.now(UTC)
        return [g for g in _list_staging(client) if g.stale_because(older_than, now) is not None]
    return _cleanup(client, older_than)
