"""Fetching an article's page over HTTP(S), when the user gives its URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from exilekg.errors import IngestError

# requests (0.05 s to import) only when a page is fetched: builds import this package for its
# header rules.
if TYPE_CHECKING:
    import requests

__all__ = ["MAX_PAGE_BYTES", "TIMEOUT", "USER_AGENT", "Fetched", "fetch_page", "is_url"]

TIMEOUT = (10.0, 30.0)
"""Seconds to connect, and to wait for each read."""

MAX_PAGE_BYTES = 20 * 1024 * 1024
"""A page larger than this is refused: no article needs it, and it would all be held in memory."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _user_agent() -> str:
    from exilekg import __version__

    return f"exilekg/{__version__} (article ingest; +https://pypi.org/project/exilekg/)"


USER_AGENT = _user_agent()


def is_url(value: str) -> bool:
    """Whether ``value`` is an http(s) URL rather than a file path."""
    return re.match(r"https?://[^\s/]+", value, re.IGNORECASE) is not None


@dataclass(frozen=True)
class Fetched:
    """A page fetched: its bytes, where it was asked for, the redirects followed, and when."""

    requested: str
    url: str
    """The address the page finally came from, after redirects."""
    redirects: tuple[str, ...]
    """Every address passed through, from the requested one to the final one."""
    content: bytes
    encoding: str | None
    retrieved: str
    """When it was fetched: an ISO 8601 date-time in UTC."""


def fetch_page(url: str, *, session: requests.Session | None = None) -> Fetched:
    """GET ``url`` following redirects; IngestError unless it answers 200 with an HTML page."""
    import requests

    http = session or requests.Session()
    try:
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
        response = http.get(url, headers=headers, timeout=TIMEOUT, allow_redirects=True, stream=True)
    except requests.exceptions.Timeout:
        raise IngestError(f"{url}: no answer within {TIMEOUT[1]:.0f} s", hint="try again later") from None
    except requests.exceptions.TooManyRedirects:
        raise IngestError(
            f"{url}: too many redirects", hint="open it in a browser and give the final URL"
        ) from None
    except requests.exceptions.RequestException as exc:
        raise IngestError(
            f"{url}: cannot fetch it ({type(exc).__name__})", hint="check the URL and the network"
        ) from None
    with response:
        if response.status_code != 200:
            raise IngestError(
                f"{url}: the server answered HTTP {response.status_code} {response.reason or ''}".rstrip(),
                hint="check the URL; a page behind a login can be saved in a browser and ingested as a file",
            )
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media not in _HTML_TYPES:
            raise IngestError(
                f"{url}: not an HTML page (Content-Type {media or 'missing'})",
                hint="give the URL of the article's web page; save other documents as plain text",
            )
        content = _read(response, url)
        declared = _declared_charset(response.headers.get("Content-Type", ""))
        redirects = (*(r.url for r in response.history), response.url)
    retrieved = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Fetched(url, response.url, redirects if len(redirects) > 1 else (), content, declared, retrieved)


def _read(response: requests.Response, url: str) -> bytes:
    import requests

    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_PAGE_BYTES:
                raise IngestError(
                    f"{url}: the page is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB",
                    hint="save the article from the browser and ingest the file",
                )
            chunks.append(chunk)
    except requests.exceptions.RequestException as exc:
        raise IngestError(f"{url}: the download broke off ({type(exc).__name__})", hint="try again") from None
    return b"".join(chunks)


def _declared_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None
