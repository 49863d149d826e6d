"""Record pages written by several processes: each page depends on the store alone, so the pages
can be shared out and the site is the same bytes however many processes wrote it.

The workers are forked from the publishing process once everything every page reads is ready
(the store, the series of figures, the texts' table, which records each graph holds), so they
start at once and share it; a worker reopens the query index for itself, since a RocksDB handle
does not survive a fork. Each writes every ``n``-th page into the same temporary folder and returns
what it counted; the counts, the sitemap and the warnings are merged in page order, as one
process would have made them. Forking needs a POSIX system: elsewhere the pages are written here.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from exilekg.collector import Aging
from exilekg.processes import available_cores, can_fork
from exilekg.publish.pages import SiteWriter
from exilekg.publish.store import IndexStore
from exilekg.terms import IRI

__all__ = ["AUTO_PAGES", "default_workers", "write_record_pages"]

AUTO_PAGES = 2000
"""Pages below which a publish left to choose (``workers=None``) writes them in one process:
starting the workers would cost more than it saves."""


def default_workers(writer: SiteWriter, pages: int) -> int:
    """One worker per core for a large site read from the query index, else one.

    Read from the dumps, every worker would come to hold its own copy of the pages of the store
    it reads (a forked process copies what it touches), and a large store is the case to avoid.
    """
    if pages < AUTO_PAGES or not isinstance(writer.store, IndexStore):
        return 1
    return available_cores()


@dataclass
class _Share:
    """What one worker wrote and counted; page numbers say where its lines go in the merge."""

    pages: int = 0
    records: int = 0
    files: int = 0
    sitemap: list[tuple[int, int, str]] = field(default_factory=list)
    warnings: list[tuple[int, int, str]] = field(default_factory=list)
    text_warnings: list[tuple[int, int, str]] = field(default_factory=list)


_WORK: tuple[SiteWriter, list[IRI], int] | None = None
"""The writer, the pages and the number of workers, set before forking (a forked worker has them)."""


def _start(parent: int) -> None:
    from exilekg.writers._oxworker import die_with_parent

    die_with_parent(parent)  # a worker must not go on writing pages for a publish that is gone
    assert _WORK is not None
    store = _WORK[0].store
    if isinstance(store, IndexStore):
        store.reopen()


def _write_share(first: int) -> _Share:
    assert _WORK is not None
    writer, pages, step = _WORK
    texts = writer.model.texts
    writer.pages = writer.records = writer.files = 0
    writer.sitemap, writer.warnings, texts.warnings = [], [], []
    share = _Share()
    with Aging() as aging:
        for number in range(first, len(pages), step):
            writer.record_page(pages[number])
            for lines, target in (
                (writer.sitemap, share.sitemap),
                (writer.warnings, share.warnings),
                (texts.warnings, share.text_warnings),
            ):
                target.extend((number, k, line) for k, line in enumerate(lines))
                lines.clear()
            aging.step()
    share.pages, share.records, share.files = writer.pages, writer.records, writer.files
    return share


def write_record_pages(writer: SiteWriter, pages: list[IRI], workers: int) -> None:
    """``writer.record_page`` of every page, by ``workers`` processes (one: in this process)."""
    if workers <= 1 or len(pages) < 2 or not can_fork():
        with Aging() as aging:
            for page in pages:
                writer.record_page(page)
                aging.step()
        return
    global _WORK
    # What every page reads, made once here for all the workers to share.
    writer.prepare()
    _WORK = (writer, pages, workers)
    try:
        context = multiprocessing.get_context("fork")
        # Frozen before the fork: the workers' collections leave the shared objects' pages alone.
        with (
            Aging(),
            ProcessPoolExecutor(
                workers, mp_context=context, initializer=_start, initargs=(os.getpid(),)
            ) as pool,
        ):
            shares = list(pool.map(_write_share, range(workers)))
    finally:
        _WORK = None
    _merge(writer, shares)


def _merge(writer: SiteWriter, shares: list[_Share]) -> None:
    """The workers' counts, sitemap lines and warnings into ``writer``, in page order."""
    texts = writer.model.texts
    for share in shares:
        writer.pages += share.pages
        writer.records += share.records
        writer.files += share.files
    writer.sitemap.extend(line for _, _, line in sorted(s for share in shares for s in share.sitemap))
    writer.warnings.extend(line for _, _, line in sorted(w for share in shares for w in share.warnings))
    # A text's warning is given once, at the first page that reads the text (as one process gives
    # it): several workers may each have read it.
    found = sorted(w for share in shares for w in share.text_warnings)
    texts.warnings.extend(dict.fromkeys(line for _, _, line in found if line not in texts.warnings))
