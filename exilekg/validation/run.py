"""The order of the checks: each record's characters and schema first, then, for the records that
passed, its dates and languages, names and references, and last the evidence in the texts."""

from __future__ import annotations

from exilekg.corpus import Corpus, Record
from exilekg.kinds import ENTITY_KINDS, FACT_KINDS
from exilekg.validation.characters import check_characters, suspects
from exilekg.validation.evidence import check_texts
from exilekg.validation.fields import check_fields, check_name_lengths, find_fields, plan_of
from exilekg.validation.known import Known, record_key
from exilekg.validation.references import check_references, index_ids
from exilekg.validation.report import ValidationReport, short
from exilekg.validation.rules import check_rules
from exilekg.validation.schemas import schema_name, schema_problems

__all__ = ["validate"]


def validate(corpus: Corpus, *, known: Known | None = None) -> ValidationReport:
    """Check ``corpus`` and return every problem found (never raises for bad records).

    ``known``: what an earlier validation of the same code found (see :mod:`.known`); the records
    and phrases it holds are not checked again. Given, even empty, the report's ``known`` holds what
    this validation found, for the next one (when the corpus passed).
    """
    report = ValidationReport()
    meta = Record(corpus.meta, corpus.meta_source, "Corpus")
    check_characters(report, meta)  # corpus.json's strings reach the dumps too (title, description ...)
    schema_problems(report, meta, "corpus")
    records = list(corpus.all_records())
    keys, passed = _trusted(records, known)
    """``id`` of the records an earlier validation found to pass their own checks."""
    # No keys without ``known``: then none are kept.
    report.record_keys = {id(r): (r, key) for r, key in zip(records, keys, strict=False) if key is not None}
    checked = [record for record in records if id(record) not in passed]
    suspected = suspects(checked)
    failed = {id(record) for record in checked if not _well_formed(report, record, suspected)}
    """``id`` of the records with problems so far: deeper checks would only echo them."""

    index = index_ids(report, corpus)
    for record in records:
        if id(record) not in failed:
            _check_record(report, record, index, own=id(record) not in passed)
    new = Known() if known is not None else None
    check_texts(report, corpus, failed, known, new)
    _warn_of_documents(report, corpus, known, new)
    # An inline record's fields are checked with its document and on their own: one line each.
    report.problems = list(dict.fromkeys(report.problems))
    if new is not None and report.ok:
        # A corpus that passed: every record passed its own checks.
        new.records = frozenset(key for key in keys if key is not None)
        report.known = new
    return report


def _trusted(records: list[Record], known: Known | None) -> tuple[list[str | None], set[int]]:
    """Each record's key (none without ``known``), and ``id`` of those ``known`` holds."""
    if known is None:
        return [], set()
    keys = [record_key(record) for record in records]
    return keys, {id(record) for record, key in zip(records, keys, strict=True) if key in known.records}


def _warn_of_documents(
    report: ValidationReport, corpus: Corpus, known: Known | None, new: Known | None
) -> None:
    # Imported here: the ingest package's header rules judge what looks like boilerplate, and
    # the ingest package itself validates what it writes, so a top-level import would be circular.
    from exilekg.ingest.plausibility import document_warnings

    fine: set[str] | None = set() if new is not None else None
    headlines = known.headlines if known is not None else frozenset()
    report.warnings.extend(document_warnings(corpus, fine=headlines, found_fine=fine))
    if new is not None and fine is not None:
        new.headlines = frozenset(fine)


def _check_record(report: ValidationReport, record: Record, index: dict[str, Record], *, own: bool) -> None:
    """The deeper checks of a well-formed record: its references, and unless an earlier validation
    found it to pass them (``own`` False), those that depend on it alone."""
    if own:
        fields = find_fields(record.data, plan_of(record))
        if fields:
            check_fields(report, record, fields)
        if record.kind in ENTITY_KINDS:
            check_name_lengths(report, record)
    check_references(report, record, index)
    if own:
        check_rules(report, record)
        _check_sourced(report, record)


def _check_sourced(report: ValidationReport, record: Record) -> None:
    data = record.data
    if record.kind in FACT_KINDS and "evidence" not in data and "curatorNote" not in data:
        report.add(
            record.source,
            "",
            f"the {record.kind} {record.id!r} has no evidence",
            'add "evidence": [{"document": ..., "exact": "a few words of it"}], '
            'or "curatorNote": "why it is known without a source"',
            code="evidence",
        )


def _well_formed(report: ValidationReport, record: Record, suspected: set[int]) -> bool:
    """Whether ``record`` has a known kind, meets its schema and holds only characters RDF can carry."""
    clean = id(record) not in suspected or check_characters(report, record)
    if record.kind == "Document":
        return schema_problems(report, record, schema_name(record.kind)) and clean
    if record.inline:
        return clean  # an inline record is checked by its document's schema
    if record.kind in ENTITY_KINDS or record.kind in FACT_KINDS:
        return schema_problems(report, record, schema_name(record.kind)) and clean
    kinds = ", ".join([*ENTITY_KINDS, *FACT_KINDS])
    got = record.data.get("kind")
    message = "the record has no 'kind'" if got is None else f"unknown kind {short(got)}"
    report.add(record.source, "/kind" if got is not None else "", message, f"use one of: {kinds}")
    return False
