"""A client of any Reconciliation Service API v0.2 endpoint: batches, a rate limit, retries, a cache.

Queries go as the spec's primary form, an HTTP POST of the form field ``queries`` holding a
JSON query batch. Connection failures, ``429`` and ``5xx`` answers are retried with
exponential backoff (urllib3's ``Retry``, honouring ``Retry-After``); requests are spaced
to at most ``rate`` per second. Every answer is checked (:func:`~.spec.check_result_batch`)
before anything is kept, and kept per query in a :class:`QueryCache`, so that a rerun asks
the service nothing it has asked before, even when the batches fall differently.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from exilekg import __version__
from exilekg.atomic import write_text
from exilekg.errors import ReconcileError
from exilekg.reconcile.spec import Candidate, Manifest, check_result_batch

__all__ = ["CachedResult", "QueryCache", "RateLimiter", "ReconciliationClient", "default_cache_dir"]

USER_AGENT = f"exilekg/{__version__} (reconciliation client; https://w3id.org/exilekg)"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/exilekg/reconcile``, or ``~/.cache/exilekg/reconcile``."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "exilekg" / "reconcile"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class CachedResult:
    """The candidates a service gave for one query, and when it gave them."""

    candidates: list[Candidate]
    fetched: str
    """ISO 8601 date-time (UTC) of the answer."""
    from_cache: bool


class QueryCache:
    """Answers on disk, one file per (service, query), written atomically.

    A file is named by the SHA-256 of the service URL and the query's canonical JSON, so
    the same question is found again whatever batch it comes in, and two processes can
    share a cache folder without locking (each file is complete or absent).
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _path(self, service: str, kind: str, payload: Any) -> Path:
        digest = hashlib.sha256(f"{kind}\n{service}\n{_canonical(payload)}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.json"

    def get(self, service: str, kind: str, payload: Any) -> dict[str, Any] | None:
        path = self._path(service, kind, payload)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # absent, or damaged by something other than us: ask again
        return data if isinstance(data, dict) else None

    def put(self, service: str, kind: str, payload: Any, value: dict[str, Any]) -> None:
        record = {"service": service, "kind": kind, "request": payload, **value}
        write_text(
            self._path(service, kind, payload), json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        )


class RateLimiter:
    """At most ``rate`` calls of :meth:`wait` per second, spaced evenly (``rate <= 0``: no limit)."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            if now < self._next:
                self.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


@dataclass
class ClientStats:
    """What a client did: HTTP requests sent, and queries answered from the service or the cache."""

    requests: int = 0
    queries_sent: int = 0
    cache_hits: int = 0
    retries: int = 0
    seconds_waiting: float = 0.0


@dataclass
class ReconciliationClient:
    """Talks to one reconciliation service at ``url``.

    ``rate`` is the most requests per second (including retries' first attempts), ``retries``
    how often a failed request is tried again, ``backoff`` the first wait in seconds (doubled
    each retry), ``cache`` where answers are kept (None: nowhere), ``refresh`` whether to ask
    again even what the cache holds (the new answers replace the old).
    """

    url: str
    rate: float = 2.0
    retries: int = 4
    backoff: float = 0.5
    timeout: float = 60.0
    cache: QueryCache | None = None
    refresh: bool = False
    session: requests.Session | None = None
    stats: ClientStats = field(default_factory=ClientStats)

    def __post_init__(self) -> None:
        self._limiter = RateLimiter(self.rate)
        http = self.session or requests.Session()
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            backoff_factor=self.backoff,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=None,  # POST too: a reconciliation query changes nothing
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = _Adapter(self, max_retries=retry)
        http.mount("http://", adapter)
        http.mount("https://", adapter)
        http.headers.setdefault("User-Agent", USER_AGENT)
        http.headers["User-Agent"] = USER_AGENT
        self._http = http
        self._manifest: Manifest | None = None

    # -- HTTP ----------------------------------------------------------------------------------

    def _send(self, method: str, data: Mapping[str, str] | None = None) -> Any:
        started = time.monotonic()
        self._limiter.wait()
        self.stats.seconds_waiting += time.monotonic() - started
        self.stats.requests += 1
        try:
            response = self._http.request(
                method, self.url, data=data, timeout=self.timeout, headers={"Accept": "application/json"}
            )
        except requests.RequestException as exc:
            raise ReconcileError(
                f"cannot reach the reconciliation service at {self.url}: {_reason(exc)}",
                hint="check the URL and the network; answers already received are in the cache",
            ) from None
        if response.status_code >= 400:
            raise ReconcileError(
                f"the reconciliation service at {self.url} answered HTTP {response.status_code}"
                + (
                    f" after {self.retries} retries"
                    if response.status_code in (429, 500, 502, 503, 504)
                    else ""
                )
                + (f": {response.text.strip()[:200]}" if response.text.strip() else ""),
                hint="try again later, or with a lower --rate; answers already received are in the cache",
            )
        try:
            return response.json()
        except ValueError:
            raise ReconcileError(
                f"the reconciliation service at {self.url} answered something that is not JSON "
                f"({response.headers.get('Content-Type', 'no content type')}: {response.text[:80]!r})",
                hint="check that the URL is a Reconciliation Service API endpoint; nothing was written",
            ) from None

    # -- the API ---------------------------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The service's manifest (asked once per client; kept in the cache like answers)."""
        if self._manifest is not None:
            return self._manifest
        cached = self.cache.get(self.url, "manifest", None) if self.cache and not self.refresh else None
        if cached is not None and isinstance(cached.get("manifest"), dict):
            data = cached["manifest"]
        else:
            data = self._send("GET")
            Manifest.parse(self.url, data)  # check before keeping
            if self.cache is not None:
                self.cache.put(self.url, "manifest", None, {"manifest": data, "fetched": _now()})
        self._manifest = Manifest.parse(self.url, data)
        return self._manifest

    def reconcile(
        self,
        queries: Mapping[str, dict[str, Any]],
        *,
        batch_size: int = 10,
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, CachedResult]:
        """The candidates for each query (keyed as ``queries`` is), asking only what the cache lacks.

        Queries are sent ``batch_size`` to a request. A failure raises
        :class:`ReconcileError`; the batches answered before it stay in the cache.
        """
        out: dict[str, CachedResult] = {}
        missing: list[str] = []
        for key, query in queries.items():
            cached = self.cache.get(self.url, "query", query) if self.cache and not self.refresh else None
            if cached is not None:
                try:
                    candidates = check_result_batch(self.url, {"q": 1}, {"q": {"result": cached["result"]}})[
                        "q"
                    ]
                except (ReconcileError, KeyError):
                    cached = None
                else:
                    out[key] = CachedResult(candidates, str(cached.get("fetched") or _now()), True)
                    self.stats.cache_hits += 1
                    if progress is not None:
                        progress(1)
                    continue
            missing.append(key)
        size = max(1, batch_size)
        for start in range(0, len(missing), size):
            keys = missing[start : start + size]
            batch = {f"q{index}": queries[key] for index, key in enumerate(keys)}
            answer = self._send("POST", {"queries": json.dumps(batch, ensure_ascii=False)})
            checked = check_result_batch(self.url, batch, answer)
            fetched = _now()
            self.stats.queries_sent += len(batch)
            for index, key in enumerate(keys):
                candidates = checked[f"q{index}"]
                out[key] = CachedResult(candidates, fetched, False)
                if self.cache is not None:
                    raw = answer[f"q{index}"]["result"]
                    self.cache.put(self.url, "query", queries[key], {"result": raw, "fetched": fetched})
            if progress is not None:
                progress(len(keys))
        return {key: out[key] for key in queries}


class _Adapter(HTTPAdapter):
    """An adapter whose retries the client counts."""

    def __init__(self, client: ReconciliationClient, **kwargs: Any) -> None:
        self._client = client
        super().__init__(**kwargs)

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().send(request, *args, **kwargs)
        history = getattr(response.raw, "retries", None)
        if history is not None:
            self._client.stats.retries += len(history.history)
        return response


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.exceptions.RetryError):
        return "it kept failing after every retry"
    if isinstance(exc, requests.ConnectionError):
        return "the connection failed"
    if isinstance(exc, requests.Timeout):
        return "it did not answer in time"
    return type(exc).__name__
