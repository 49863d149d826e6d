"""Writing the static site: each page as HTML, Turtle and JSON-LD, the indexes, the dumps, the server files.

The site is written into a fresh folder beside ``SITE_DIR`` and swapped in when
complete, so a reader (or a web server) never sees half a site. A folder that
``SITE_DIR`` already names is replaced only if an earlier publish wrote it (it
holds the marker file :data:`MARKER`): publishing must never wipe a folder of
someone's own files because of a typo in ``--site``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from exilekg import __version__
from exilekg.corpus import ReadPolicy
from exilekg.errors import PublishError
from exilekg.publish.model import SiteModel
from exilekg.publish.pages import INDEXES, SiteWriter
from exilekg.publish.parallel import default_workers, write_record_pages
from exilekg.publish.render import slice_jsonld, slice_turtle
from exilekg.publish.store import read_store
from exilekg.publish.texts import TextLibrary

__all__ = ["INDEXES", "MARKER", "PublishResult", "publish", "slice_jsonld", "slice_turtle"]

MARKER = ".exilekg-site"
"""The file that marks a folder as a published site, which a later publish may replace."""


@dataclass
class PublishResult:
    """What a publish wrote."""

    site_dir: Path
    base_url: str
    pages: int
    """HTML pages written, indexes included."""
    records: int
    """Pages of records, the dataset and graphs: each also written as Turtle and JSON-LD."""
    files: int
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.pages} pages ({self.records} with Turtle and JSON-LD), {self.files} files "
            f"in {self.seconds:.2f} s"
        )


def _normalise_base_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise PublishError(
            f"--base-url must be an absolute http(s) URL without query or fragment, not {base_url!r}",
            hint="for example https://example.org/exilekg/",
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def _swap_in(tmp: Path, site: Path) -> None:
    """Replace ``site`` with ``tmp`` in two renames, the old site removed only afterwards."""
    old: Path | None = None
    if site.exists():
        old = site.with_name(f".{site.name}.old-{os.getpid()}-{int(time.time() * 1000)}")
        site.rename(old)
    try:
        tmp.rename(site)
    except OSError:
        if old is not None:
            old.rename(site)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_site_dir(site: Path, out_dir: Path) -> None:
    if site.exists():
        if not site.is_dir():
            raise PublishError("the site path exists and is not a folder", path=site)
        if any(site.iterdir()) and not (site / MARKER).is_file():
            raise PublishError(
                "the site folder is not empty and was not written by exilekg publish",
                path=site,
                hint="publish into a new or empty folder; a folder exilekg wrote before is replaced whole",
            )
    resolved_site, resolved_out = site.resolve(), out_dir.resolve()
    if (
        resolved_out == resolved_site
        or resolved_site in resolved_out.parents
        or resolved_out in resolved_site.parents
    ):
        raise PublishError(
            "the site folder and the build folder must not contain each other",
            path=site,
            hint="replacing the site would delete the build, or the build would be published into itself",
        )


def publish(
    out_dir: Path | str,
    site_dir: Path | str,
    *,
    base_url: str | None = None,
    texts_dir: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    policy: ReadPolicy | None = None,
    workers: int | None = None,
) -> PublishResult:
    """Write the static site of the build in ``out_dir`` to ``site_dir``.

    ``base_url`` is where the site will be hosted (default: the corpus base IRI);
    it makes the absolute URLs (canonical links, sitemap, server configuration),
    while the data keeps its IRIs. ``texts_dir`` holds the articles' texts (or a
    corpus folder with them), for evidence shown in its sentence; only its own regular files
    are read, within ``policy`` (:class:`~exilekg.corpus.ReadPolicy`).

    ``workers`` processes write the record pages (see :mod:`exilekg.publish.parallel`); by
    default one per core for a site of more than 2,000 pages read from a query index, else one.
    The site is the same bytes whatever the number.
    """
    started = time.perf_counter()
    say = progress or (lambda _stage: None)
    out, site = Path(out_dir), Path(site_dir)
    if texts_dir is not None and not Path(texts_dir).is_dir():
        raise PublishError("the texts folder does not exist", path=texts_dir)
    _check_site_dir(site, out)
    say("read")
    store = read_store(out)
    url = _normalise_base_url(base_url or store.base)
    texts = TextLibrary(Path(texts_dir) if texts_dir is not None else None, policy or ReadPolicy())
    model = SiteModel(store, texts)
    site.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site.name}.", suffix=".tmp", dir=site.parent))
    try:
        writer = SiteWriter(model, tmp, out, url, site)
        writer.write(
            MARKER, f"written by exilekg {__version__} publish; replaced whole by the next publish\n"
        )
        writer.stylesheet()
        writer.dumps()
        say("pages")
        pages = [page for page in store.pages() if store.segment(page) != "dataset"]
        write_record_pages(writer, pages, default_workers(writer, len(pages)) if workers is None else workers)
        writer.home()
        say("indexes")
        for index in INDEXES:
            writer.index_page(index)
        writer.names_page()
        writer.statistics_page()
        writer.vocab_page()
        writer.not_found_page()
        writer.sitemap_files()
        writer.server_files()
        # mkdtemp's 0700 would hide the whole site from a web server running as another user.
        tmp.chmod(0o755)
        say("swap")
        _swap_in(tmp, site)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PublishResult(
        site_dir=site,
        base_url=url,
        pages=writer.pages,
        records=writer.records,
        files=writer.files,
        seconds=time.perf_counter() - started,
        warnings=[*texts.warnings, *writer.warnings],
    )
