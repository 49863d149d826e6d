"""Validating a read corpus: JSON Schemas first, then what a schema cannot say.

All problems of a run are collected into one :class:`ValidationReport`; nothing
stops at the first. The checks beyond the schemas: unknown and duplicate ids,
references to the wrong kind of record, impossible dates, ends before starts,
evidence pointing at unknown documents, and, when texts are given, evidence
phrases that do not occur in their document and texts whose SHA-256 changed.

One module per check: :mod:`.characters`, :mod:`.schemas` (and :mod:`.syntax`
for IRIs and language tags), :mod:`.fields` (dates, languages, names),
:mod:`.references`, :mod:`.evidence`; :mod:`.run` puts them in order and
:mod:`.report` holds what they find; :mod:`.known` what an incremental build's next
validation trusts of it.
"""

from __future__ import annotations

from exilekg.validation.known import Known
from exilekg.validation.report import EvidenceKey, ValidationReport
from exilekg.validation.run import validate
from exilekg.validation.schemas import validator_for
from exilekg.validation.syntax import iri_problem, language_problem

__all__ = [
    "EvidenceKey",
    "Known",
    "ValidationReport",
    "iri_problem",
    "language_problem",
    "validate",
    "validator_for",
]
