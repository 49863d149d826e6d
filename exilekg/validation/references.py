"""References between records: ids that exist, once each, and point at a record of a kind the field
allows (:attr:`exilekg.kinds.Kind.references`, and :data:`exilekg.kinds.RELATIONS` for a Relation's
two ends); evidence that names a document."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from exilekg.corpus import Corpus, Record
from exilekg.kinds import KINDS, RELATIONS
from exilekg.validation.report import ValidationReport

__all__ = ["check_references", "index_ids"]


def index_ids(report: ValidationReport, corpus: Corpus) -> dict[str, Record]:
    """Every record by id; an id used twice is reported (an inline record repeated as it is is one)."""
    index: dict[str, Record] = {}
    for record in corpus.all_records():
        rid = record.id
        if rid is None:
            continue
        first = index.get(rid)
        if first is None:
            index[rid] = record
        elif first.kind == record.kind and first.data == record.data and record.kind != "Document":
            continue  # the same inline record repeated in several documents is one record
        else:
            where = first.source.locate("/id")
            report.add(
                record.source,
                "/id",
                f"duplicate id {rid!r}: already used by a {first.kind} at {where}",
                "ids are unique across the whole corpus; rename one of them",
                code="duplicate",
            )
    return index


def check_references(report: ValidationReport, record: Record, index: dict[str, Record]) -> None:
    """Every reference field and evidence item of ``record`` against the records of ``index``."""
    data = record.data
    for name, allowed in _reference_fields(record).items():
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            target = index.get(value)
            if target is not None and target.kind in allowed:
                continue
        elif _resolves(value, allowed, index):
            continue
        _report_references(report, record, name, value, allowed, index)
    _check_evidence_documents(report, record, index)


def _reference_fields(record: Record) -> Mapping[str, frozenset[str]]:
    if record.kind == "Relation":
        relation = record.data.get("relation")
        return _relation_fields(relation if isinstance(relation, str) else "")
    kind = KINDS.get(record.kind)
    return _NONE if kind is None else kind.references


_NONE: Mapping[str, frozenset[str]] = {}


@cache
def _relation_fields(relation: str) -> dict[str, frozenset[str]]:
    spec = RELATIONS.get(relation)
    return {} if spec is None else {"subject": spec.subjects, "object": spec.objects}


def _resolves(value: Any, allowed: frozenset[str], index: dict[str, Record]) -> bool:
    """Whether every id of a reference field names a record of an allowed kind (the usual case)."""
    for ref in value if isinstance(value, list) else (value,):
        if isinstance(ref, str):
            target = index.get(ref)
            if target is None or target.kind not in allowed:
                return False
        elif not isinstance(ref, dict):
            return False  # let _refs decide what it is
    return True


def _report_references(
    report: ValidationReport,
    record: Record,
    name: str,
    value: Any,
    allowed: frozenset[str],
    index: dict[str, Record],
) -> None:
    for sub, ref in _refs(value):
        if sub.endswith("/id") or sub == "/id":
            continue  # an inline record is its own target
        target = index.get(ref)
        pointer = f"/{name}{sub}"
        if target is None:
            report.add(
                record.source, pointer, f"unknown id {ref!r}", _suggest_ids(ref, index), code="reference"
            )
        elif target.kind not in allowed:
            what = f"the relation {record.data.get('relation')!r}" if record.kind == "Relation" else name
            report.add(
                record.source,
                pointer,
                f"{ref!r} is a {target.kind}, but {what} needs a {' or '.join(sorted(allowed))} here",
                "point at a record of the right kind",
                code="reference",
            )


def _refs(value: Any) -> Iterator[tuple[str, str]]:
    """(sub-pointer, id) for a reference field holding an id, a list of ids or inline records."""
    if isinstance(value, str):
        yield "", value
    elif isinstance(value, dict) and isinstance(value.get("id"), str):
        yield "/id", value["id"]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for sub, ref in _refs(item):
                yield f"/{index}{sub}", ref


def _check_evidence_documents(report: ValidationReport, record: Record, index: dict[str, Record]) -> None:
    items = record.data.get("evidence")
    if not isinstance(items, list):
        return
    for number, item in enumerate(item for item in items if isinstance(item, dict)):
        doc = item.get("document")
        if not isinstance(doc, str):
            continue
        target = index.get(doc)
        if target is not None and target.kind == "Document":
            continue
        pointer = f"/evidence/{number}/document"
        if target is None:
            report.add(
                record.source,
                pointer,
                f"evidence names an unknown document {doc!r}",
                _suggest_ids(doc, index),
                code="reference",
            )
        else:
            report.add(
                record.source,
                pointer,
                f"evidence must name a document, and {doc!r} is a {target.kind}",
                "give the id of a record in documents/",
                code="reference",
            )


def _suggest_ids(ref: str, index: dict[str, Record]) -> str:
    close = difflib.get_close_matches(ref, list(index), n=3, cutoff=0.6)
    return (
        f"did you mean {' or '.join(map(repr, close))}?"
        if close
        else "define a record with that id, or fix the reference"
    )
