"""Drafting document records from the articles users have: plain text, saved pages, URLs.

:func:`extract` reads one article's text and drafts its document record (see
``schemas/document.schema.json``) from what the text itself says: the headline and a
subtitle, the byline, the publication date, the original URL, the publisher, the cited
works, image credits, the language and the word count. Nothing is guessed: a field the
text does not state is left out and named in ``missing``, and each drafted field says
where it came from (:attr:`Extraction.sources`). :func:`ingest` writes such drafts into
a corpus folder (made by :func:`init_corpus`), beside the texts, so that a curator only
has to review and complete them.

The package, one module per concern:

* :mod:`~exilekg.ingest.text`: ids, words, language, lines and site boilerplate;
* :mod:`~exilekg.ingest.header`: the header fields of a text (headline, byline, date ...);
* :mod:`~exilekg.ingest.dates`, :mod:`~exilekg.ingest.bylines`, :mod:`~exilekg.ingest.sites`
  (URL and publisher), :mod:`~exilekg.ingest.credits` (citations and image credits);
* :mod:`~exilekg.ingest.html`: saved pages (main text by trafilatura, metadata from markup);
* :mod:`~exilekg.ingest.fetch`: fetching a URL;
* :mod:`~exilekg.ingest.store`: writing and merging drafts, shared author and publisher records;
* :mod:`~exilekg.ingest.plausibility`: the warnings ``exilekg validate`` gives about drafts.

Rules worth knowing when reading a draft:

* ``wordCount`` is the number of ``\\w+`` runs (Unicode letters, digits and ``_``) in the
  whole stored text, markup and URLs included: crude, but reproducible by anyone.
* Inline records get ids from their names (``Alexander Finiarel`` becomes
  ``alexander-finiarel``; a publisher with a URL is named by its host), and citations get
  ``<document id>.ref-<n>``.
"""

from __future__ import annotations

from exilekg.ingest.draft import EXPECTED_FIELDS, Extraction, PageMeta
from exilekg.ingest.fetch import USER_AGENT, Fetched, fetch_page
from exilekg.ingest.header import extract, extract_text
from exilekg.ingest.scaffold import init_corpus
from exilekg.ingest.store import DRAFTS_DIR, IngestResult, ingest
from exilekg.ingest.text import HEADER_LINES, count_words, detect_language, slugify

__all__ = [
    "DRAFTS_DIR",
    "EXPECTED_FIELDS",
    "HEADER_LINES",
    "USER_AGENT",
    "Extraction",
    "Fetched",
    "IngestResult",
    "PageMeta",
    "count_words",
    "detect_language",
    "extract",
    "extract_text",
    "fetch_page",
    "ingest",
    "init_corpus",
    "slugify",
]
