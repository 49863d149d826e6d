"""Warnings about document records that are valid but unlikely to be right.

``exilekg validate`` reports them without failing: a headline that reads like site
boilerplate ("logo", "Skip to content", a date, a byline, a photo credit), a publication date
that cannot be (an epoch placeholder, a date in the future or after the page was fetched, a
date far from the one in the document's URL), and a publisher whose site is not the URL's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Set
from datetime import date, timedelta
from urllib.parse import urlsplit

import orjson

from exilekg.corpus import Corpus, Record
from exilekg.errors import Problem
from exilekg.ingest.dates import placeholder, url_date
from exilekg.ingest.header import is_metadata
from exilekg.ingest.sites import site_label
from exilekg.ingest.text import compact

__all__ = ["document_warnings"]

_FAR = timedelta(days=45)


def document_warnings(
    corpus: Corpus,
    *,
    today: date | None = None,
    fine: Set[str] = frozenset(),
    found_fine: set[str] | None = None,
) -> list[Problem]:
    """Every warning about the corpus's document records.

    ``fine``: the keys of headline checks an earlier run found nothing in (an incremental build's
    previous one), not made again; ``found_fine`` is given the keys of those this run found nothing in.
    """
    organizations = {r.id: r.data for r in corpus.records if r.kind == "Organization" and r.id}
    problems: list[Problem] = []
    for document in corpus.documents:
        problems.extend(_headline(document, organizations, fine, found_fine))
        problems.extend(_date(document, today))
        problems.extend(_publisher(document, organizations))
    return problems


def _warning(document: Record, pointer: str, message: str, hint: str) -> Problem:
    return Problem(document.source.locate(pointer), message, hint, "plausibility")


def _headline(
    document: Record,
    organizations: dict[str, dict[str, object]],
    fine: Set[str],
    found_fine: set[str] | None,
) -> Iterator[Problem]:
    headline = document.data.get("headline")
    if not isinstance(headline, str) or not headline.strip():
        return
    publisher = document.data.get("publisher")
    organization = publisher if isinstance(publisher, dict) else organizations.get(str(publisher))
    name = organization.get("name") if isinstance(organization, dict) else None
    names = [name] if isinstance(name, str) else []
    host = _host(document.data.get("url"))
    key = _headline_key(headline, names, host) if fine or found_fine is not None else None
    why = None if key is not None and key in fine else _headline_problem(headline, names, host)
    if why is None:
        if key is not None and found_fine is not None:
            found_fine.add(key)
        return
    yield _warning(
        document, "/headline", f"the headline {headline[:80]!r} {why}", "put the article's own title here"
    )


def _headline_problem(headline: str, names: list[str], host: str | None) -> str | None:
    """What is wrong with a headline, given its publisher's names and its URL's host; None if nothing."""
    folded = compact(headline)
    if is_metadata(headline):
        return "looks like page furniture or metadata, not a title"
    if any(compact(n) == folded for n in names) or (
        host and folded == compact(site_label(f"http://{host}/"))
    ):
        return "is the publisher's name (a masthead?), not a title"
    if len(headline.split()) == 1:
        return "is one word (a section label or a logo?)"
    return None


def _headline_key(headline: str, names: list[str], host: str | None) -> str | None:
    """What the headline check reads; None for what JSON cannot hold (a lone surrogate)."""
    try:
        return hashlib.blake2b(orjson.dumps([headline, names, host]), digest_size=16).hexdigest()
    except TypeError:
        return None


def _day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _date(document: Record, today: date | None) -> Iterator[Problem]:
    data = document.data
    published = _day(data.get("datePublished"))
    if published is None:
        return
    why = placeholder(published, today=today)
    if why:
        yield _warning(
            document, "/datePublished", f"the date {published} is {why}", "check the article's date"
        )
        return
    snapshot = data.get("snapshot")
    retrieved = _day(snapshot.get("retrieved")) if isinstance(snapshot, dict) else None
    if retrieved is not None and published > retrieved + timedelta(days=1):
        yield _warning(
            document, "/datePublished", f"the date {published} is after the page was fetched ({retrieved})",
            "check the article's date",
        )  # fmt: skip
    url = data.get("url")
    in_url = _day(url_date(url)) if isinstance(url, str) and _host(url) else None
    if in_url is not None and abs(in_url - published) > _FAR:
        yield _warning(
            document, "/datePublished", f"the date {published} is far from the date in the URL ({in_url})",
            "check which one is the publication date",
        )  # fmt: skip


def _host(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:  # "http://[" and the like: invalid, which validation reports
        return None


def _publisher(document: Record, organizations: dict[str, dict[str, object]]) -> Iterator[Problem]:
    data = document.data
    url, publisher = data.get("url"), data.get("publisher")
    if not isinstance(url, str):
        return
    organization = publisher if isinstance(publisher, dict) else organizations.get(str(publisher))
    site = organization.get("url") if isinstance(organization, dict) else None
    site_host, url_host = _host(site), _host(url)
    if not site_host or not url_host:
        return
    if site_label(f"http://{site_host}/") != site_label(f"http://{url_host}/"):
        message = f"the publisher's site ({site_host}) is not the site of the document's URL ({url_host})"
        yield _warning(document, "/publisher", message, "check the publisher, or the URL")
