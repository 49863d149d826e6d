"""Writing a curator's decisions from a review file into the records, as ``sameAs`` with provenance.

An accepted candidate's IRI is added to the record's ``sameAs``, and an entry to its
``reconciliation`` list says which service proposed it, when, with what score, and who
decided (``curator``, or ``auto-match`` for ``--auto-accept-match``). A rejected candidate
gets a ``rejected`` entry, so later runs do not propose it again. Applying the same review
twice changes nothing the second time. A decision that would replace or withdraw a link
already in ``sameAs`` is refused with an error, never carried out silently: such a change
is the curator's to make by hand.

Records are edited in place (:mod:`.jsonedit`), so their files keep their layout, and the
edited corpus is validated before anything is written; all files are replaced together.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.atomic import atomic_files
from exilekg.corpus import Corpus, Record, Source, read_corpus
from exilekg.errors import Location, Problem, ReconcileError, ValidationError
from exilekg.kinds import ENTITY_KINDS
from exilekg.reconcile.jsonedit import set_member
from exilekg.reconcile.review import read_review
from exilekg.reconcile.spec import WIKIDATA_IDENTIFIER_SPACE, in_identifier_space
from exilekg.validation import validate

__all__ = ["AcceptReport", "accept_review"]


@dataclass
class AcceptReport:
    """What applying a review did (or, with nothing to do, found)."""

    accepted: list[tuple[str, str]] = field(default_factory=list)
    """(record id, IRI) newly added to sameAs."""
    rejected: list[tuple[str, str]] = field(default_factory=list)
    """(record id, IRI) newly remembered as rejected."""
    unchanged: int = 0
    """Decisions the records already held."""
    undecided: int = 0
    """Entities of the review with no decision (and none taken automatically)."""
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        changed = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''} changed"
        return (
            f"{len(self.accepted)} link{'s' if len(self.accepted) != 1 else ''} accepted, "
            f"{len(self.rejected)} candidate{'s' if len(self.rejected) != 1 else ''} rejected, "
            f"{self.unchanged} already recorded, {self.undecided} entities undecided; {changed}"
        )


@dataclass
class _Edit:
    records: list[Record]
    same_as: list[str]
    entries: list[dict[str, Any]]


def _in_space(iri: str, space: str) -> bool:
    return in_identifier_space(iri, space)


def _normal(iri: str, space: str) -> str:
    """Wikidata's https and /wiki/ spellings of an item, as its entity IRI (for comparisons only)."""
    if space == WIKIDATA_IDENTIFIER_SPACE and _in_space(iri, space):
        return WIKIDATA_IDENTIFIER_SPACE + iri.rstrip("/").rsplit("/", 1)[-1]
    return iri


def accept_review(
    corpus_dir: Path | str,
    review_path: Path | str,
    *,
    auto_accept_match: float | None = None,
) -> AcceptReport:
    """Write the decisions of the review file at ``review_path`` into the corpus's records.

    ``auto_accept_match``: also accept, for an entity the curator left undecided, the one
    candidate the service flagged as a match with at least this score (never one rejected
    before). Raises :class:`ReconcileError` for a decision the records contradict (a
    different link already in ``sameAs`` for that service, several accepted candidates for
    one entity, a rejected link still in ``sameAs``), listing all of them, and
    :class:`ValidationError` if the edited records would not validate; nothing is written then.
    """
    review_path = Path(review_path)
    document = read_review(review_path)
    service = document["service"]
    space: str = service["identifierSpace"]
    url: str = service["url"]
    corpus = read_corpus(corpus_dir)
    records: dict[str, list[Record]] = {}
    for record in corpus.records:
        if record.id is not None and record.kind in ENTITY_KINDS:
            records.setdefault(record.id, []).append(record)
    report = AcceptReport()
    conflicts: list[Problem] = []
    edits: dict[str, _Edit] = {}
    for index, entity in enumerate(document["entities"]):
        pointer = f"/entities/{index}"
        rid = entity["id"]
        found = records.get(rid)
        if not found:
            report.warnings.append(f"{review_path}: {pointer}: no record {rid!r} in the corpus; skipped")
            continue
        data = found[0].data
        same_as = [v for v in data.get("sameAs", []) if isinstance(v, str)]
        entries = [dict(e) for e in data.get("reconciliation", []) if isinstance(e, dict)]
        linked = {_normal(v, space) for v in same_as if _in_space(v, space)}
        rejected_before = {
            _normal(str(e.get("iri")), space) for e in entries if e.get("status") == "rejected"
        }
        candidates = [c for c in entity["candidates"] if isinstance(c, dict)]
        chosen = [(n, c, "curator") for n, c in enumerate(candidates) if c.get("decision") == "accept"]
        if not chosen and auto_accept_match is not None:
            flagged = [
                (n, c, "auto-match")
                for n, c in enumerate(candidates)
                if c.get("decision") is None
                and c.get("match") is True
                and isinstance(c.get("score"), int | float)
                and c["score"] >= auto_accept_match
                and _normal(c["iri"], space) not in rejected_before
            ]
            if len(flagged) == 1:
                chosen = flagged
            elif len(flagged) > 1:
                report.warnings.append(
                    f"{review_path}: {pointer}: {len(flagged)} candidates of {rid!r} are flagged as matches; "
                    "none accepted automatically"
                )
        rejections = [(n, c) for n, c in enumerate(candidates) if c.get("decision") == "reject"]
        if not chosen and not rejections:
            report.undecided += 1
            continue
        if len(chosen) > 1:
            conflicts.append(
                Problem(
                    _where(review_path, pointer),
                    f"{len(chosen)} candidates of {rid!r} are accepted",
                    "accept one candidate per entity (a second link to the same service would say two of "
                    "its entities are one)",
                )
            )
            continue
        date = str(entity.get("queried") or document.get("created") or "")
        changed = False
        for n, candidate, by in chosen:
            iri = candidate["iri"]
            key = _normal(iri, space)
            if linked and key not in linked:
                conflicts.append(
                    Problem(
                        _where(review_path, f"{pointer}/candidates/{n}"),
                        f"{rid!r} is already linked to {', '.join(sorted(linked))}, not {iri}",
                        "an accepted link is never replaced automatically: remove the old one from the "
                        "record by hand if it is wrong, or reject this candidate",
                    )
                )
                continue
            if key not in linked:
                same_as.append(iri)
                report.accepted.append((rid, iri))
                changed = True
            entry = {
                "iri": iri,
                "status": "accepted",
                "service": url,
                **({"date": date} if date else {}),
                **(
                    {"name": candidate["name"]}
                    if isinstance(candidate.get("name"), str) and candidate["name"].strip()
                    else {}
                ),
                **({"score": candidate["score"]} if isinstance(candidate.get("score"), int | float) else {}),
                **({"match": candidate["match"]} if isinstance(candidate.get("match"), bool) else {}),
                "by": by,
            }
            previous = [e for e in entries if _normal(str(e.get("iri")), space) == key]
            if any(e.get("status") == "accepted" for e in previous):
                if key in linked:
                    report.unchanged += 1
                continue
            if previous:  # rejected before, accepted now: the curator changed their mind, explicitly
                report.warnings.append(f"{rid!r}: {iri} was rejected before and is now accepted")
                entries = [e for e in entries if _normal(str(e.get("iri")), space) != key]
            entries.append(entry)
            changed = True
        for n, candidate in rejections:
            iri = candidate["iri"]
            key = _normal(iri, space)
            if key in linked or key in {_normal(v, space) for v in same_as}:
                conflicts.append(
                    Problem(
                        _where(review_path, f"{pointer}/candidates/{n}"),
                        f"{rid!r} is linked to {iri}, which this review rejects",
                        "an accepted link is never withdrawn automatically: remove it from the record "
                        "by hand",
                    )
                )
                continue
            if key in rejected_before:
                report.unchanged += 1
                continue
            entries.append(
                {
                    "iri": iri,
                    "status": "rejected",
                    "service": url,
                    **({"date": date} if date else {}),
                    **(
                        {"name": candidate["name"]}
                        if isinstance(candidate.get("name"), str) and candidate["name"].strip()
                        else {}
                    ),
                    **(
                        {"score": candidate["score"]}
                        if isinstance(candidate.get("score"), int | float)
                        else {}
                    ),
                    "by": "curator",
                }
            )
            rejected_before.add(key)
            report.rejected.append((rid, iri))
            changed = True
        if changed:
            edits[rid] = _Edit(found, same_as, entries)
    if conflicts:
        raise ReconcileError(
            "\n".join(str(p) for p in conflicts)
            + f"\n{len(conflicts)} decision{'s' if len(conflicts) != 1 else ''} of the review "
            "contradict the records",
            hint="nothing was written; fix the review file or the records and run --accept again",
        )
    if not edits:
        return report
    _write(corpus, edits, report)
    return report


def _where(path: Path, pointer: str) -> Location:
    return Location(path, pointer)


def _new_data(data: dict[str, Any], edit: _Edit) -> dict[str, Any]:
    out = dict(data)
    out["sameAs"] = edit.same_as
    out["reconciliation"] = edit.entries
    if not edit.same_as:
        del out["sameAs"]
    return out


def _write(corpus: Corpus, edits: dict[str, _Edit], report: AcceptReport) -> None:
    texts: dict[Path, str] = {}
    lines: dict[Path, list[str]] = {}
    replaced: dict[int, Record] = {}
    for edit in edits.values():
        for record in edit.records:
            path = record.source.path
            new = _new_data(record.data, edit)
            members = [
                (k, new[k])
                for k in ("sameAs", "reconciliation")
                if k in new and new.get(k) != record.data.get(k)
            ]
            if record.source.line is not None:  # JSON Lines: the record is its line
                if path not in lines:
                    lines[path] = path.read_text(encoding="utf-8").split("\n")
                line = lines[path][record.source.line - 1]
                ending = "\r" if line.endswith("\r") else ""
                line = line.removesuffix("\r")
                for key, value in members:
                    line = set_member(line, "", key, value)
                lines[path][record.source.line - 1] = line + ending
            else:
                text = texts.get(path)
                if text is None:
                    text = path.read_text(encoding="utf-8-sig")
                for key, value in members:
                    text = set_member(text, record.source.pointer, key, value)
                texts[path] = text
            replaced[id(record)] = dataclasses.replace(record, data=new)
    for path, split in lines.items():
        texts[path] = "\n".join(split)
    # Validate the corpus as it will be, so that no edit can leave an invalid record behind.
    edited = dataclasses.replace(
        corpus,
        records=[replaced.get(id(r), r) for r in corpus.records],
        texts_dir=None,
    )
    result = validate(edited)
    touched = [r.source for e in edits.values() for r in e.records]
    problems = [p for p in result.problems if any(_inside(p.location, source) for source in touched)]
    if problems:
        raise ValidationError(problems)
    with atomic_files() as files:
        for path, content in sorted(texts.items()):
            files.open(path).write(content)
            report.files.append(path)


def _inside(location: Location, source: Source) -> bool:
    """Whether a problem's location lies in the record at ``source``."""
    if location.path != source.path:
        return False
    if source.line is not None:
        return location.line == source.line
    pointer = location.pointer or ""
    return bool(pointer == source.pointer or pointer.startswith(source.pointer + "/"))
