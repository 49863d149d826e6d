"""``exilekg serve``: a preview server that answers like the nginx and Apache configurations do.

Requests resolve as :func:`resolve` says: an existing file as itself; an IRI-shaped
path (no extension) as the page's HTML, Turtle or JSON-LD by content negotiation;
a node hanging off a record (``/person/x/evidence/1``) with a 303 redirect to the
record. It is a preview, not a production server: it binds to loopback by default.
"""

from __future__ import annotations

import re
import shutil
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from exilekg.errors import PublishError
from exilekg.publish.negotiate import MEDIA_TYPES, VARIANTS, negotiate
from exilekg.publish.store import RECORD_SEGMENTS
from exilekg.serving import LocalServer, QuietHandler, serve_forever

__all__ = ["Resolution", "SiteServer", "make_server", "resolve", "serve_forever", "sub_node_pattern"]


def sub_node_pattern() -> str:
    """The regular expression (anchored, no leading slash) of a path below a record: group 1 is the record."""
    segments = "|".join(sorted(RECORD_SEGMENTS))
    return rf"^((?:{segments})/[^/]+)/.+$"


_SUB_NODE = re.compile(sub_node_pattern())


@dataclass(frozen=True)
class Resolution:
    """What a path resolves to: a file with its headers, a redirect, or nothing (``status`` 404)."""

    status: int
    file: Path | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _content_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lstrip(".").lower(), "application/octet-stream")


def _inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def resolve(root: Path, url_path: str, accept: str | None) -> Resolution:
    """How the site in ``root`` answers a GET of ``url_path`` (percent-encoded, query allowed)."""
    root = root.resolve()
    path = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path)
    relative = path.lstrip("/")
    if any(part in ("..", ".") for part in relative.split("/")) or "\\" in relative or "\0" in relative:
        return Resolution(HTTPStatus.NOT_FOUND)
    target = root / relative
    if not _inside(root, target):
        return Resolution(HTTPStatus.NOT_FOUND)
    if target.is_dir():
        index = target / "index.html"
        if index.is_file():
            return Resolution(HTTPStatus.OK, index, _content_type(index))
        return Resolution(HTTPStatus.NOT_FOUND)
    if target.is_file():
        return Resolution(HTTPStatus.OK, target, _content_type(target))
    if relative and not relative.endswith("/"):
        negotiated = _negotiated(target, accept)
        if negotiated is not None:
            return negotiated
    match = _SUB_NODE.match(relative)
    if match and (root / f"{match.group(1)}.html").is_file():
        return Resolution(HTTPStatus.SEE_OTHER, headers={"Location": f"/{match.group(1)}", "Vary": "Accept"})
    return Resolution(HTTPStatus.NOT_FOUND)


def _negotiated(target: Path, accept: str | None) -> Resolution | None:
    """The variant of ``target`` (``.html``, ``.ttl``, ``.jsonld`` beside it) that ``accept``
    prefers, or None when it has none."""
    # Record ids may hold dots, so any path whose variants exist negotiates, extension or not.
    available = [v for v in VARIANTS if target.with_name(f"{target.name}.{v.extension}").is_file()]
    if not available:
        return None
    chosen = negotiate(accept)
    if chosen not in available:
        chosen = available[0]
    file = target.with_name(f"{target.name}.{chosen.extension}")
    links = ", ".join(
        f'<{target.name}.{v.extension}>; rel="alternate"; type="{v.media_type}"' for v in available
    )
    return Resolution(
        HTTPStatus.OK,
        file,
        _content_type(file),
        {"Vary": "Accept", "Content-Location": file.name, "Link": links},
    )


class _Handler(QuietHandler):
    server: SiteServer
    server_version = "exilekg-serve"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        found = resolve(self.server.root, self.path, self.headers.get("Accept"))
        if found.status == HTTPStatus.NOT_FOUND:
            page = self.server.root / "404.html"
            found = Resolution(HTTPStatus.NOT_FOUND, page if page.is_file() else None, MEDIA_TYPES["html"])
        self.send_response(found.status)
        for name, value in found.headers.items():
            self.send_header(name, value)
        if found.file is None:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", found.content_type or "application/octet-stream")
        self.send_header("Content-Length", str(found.file.stat().st_size))
        self.end_headers()
        if with_body:
            with found.file.open("rb") as body:
                shutil.copyfileobj(body, self.wfile)


class SiteServer(LocalServer):
    """A threading HTTP server over one published site folder."""

    def __init__(self, root: Path, host: str, port: int, quiet: bool = False) -> None:
        self.root = root.resolve()
        super().__init__((host, port), _Handler, quiet=quiet)


def make_server(
    site_dir: Path | str, *, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False
) -> SiteServer:
    """A server for the site in ``site_dir``; port 0 picks a free one (see :attr:`SiteServer.url`)."""
    root = Path(site_dir)
    if not (root / "index.html").is_file():
        raise PublishError(
            "not a published site: it has no index.html",
            path=root,
            hint="write one with `exilekg publish BUILD_DIR --site SITE_DIR`",
        )
    try:
        return SiteServer(root, host, port, quiet=quiet)
    except OSError as exc:
        raise PublishError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
