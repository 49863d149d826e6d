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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.atomic import atomic_files
from exilekg.corpus import Corpus, ReadPolicy, Record, Source, read_corpus, read_file
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
    policy: ReadPolicy | None = None,
) -> AcceptReport:
    """Write the decisions of the review file at ``review_path`` into the corpus's records.

    ``auto_accept_match``: also accept, for an entity the curator left undecided, the one
    candidate the service flagged as a match with at least this score (never one rejected
    before). Raises :class:`ReconcileError` for a decision the records contradict (a
    different link already in ``sameAs`` for that service, several accepted candidates for
    one entity, a rejected link still in ``sameAs``), listing all of them, and
    :class:`ValidationError` if the edited records would not validate; nothing is written then.
    ``policy`` bounds how the corpus is read (:class:`~exilekg.corpus.ReadPolicy`).
    """
    review_path = Path(review_path)
    document = read_review(review_path)
    service = document["service"]
    review = _Review(review_path, service["identifierSpace"], service["url"], auto_accept_match)
    corpus = read_corpus(corpus_dir, policy=policy)
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
        date = str(entity.get("queried") or document.get("created") or "")
        links = _Links.of(found[0].data, review.space)
        if _decide(review, _Decision(entity, pointer, date), links, report, conflicts):
            edits[rid] = _Edit(found, links.same_as, links.entries)
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


@dataclass(frozen=True)
class _Review:
    """The review file and the service its candidates come from."""

    path: Path
    space: str
    url: str
    auto_accept_match: float | None


@dataclass(frozen=True)
class _Decision:
    """One entity of the review: its candidates, where it is in the file and the date it was queried."""

    entity: dict[str, Any]
    pointer: str
    date: str

    @property
    def rid(self) -> str:
        return str(self.entity["id"])

    @property
    def candidates(self) -> list[dict[str, Any]]:
        return [c for c in self.entity["candidates"] if isinstance(c, dict)]


@dataclass
class _Links:
    """A record's links to the service as they stand, updated as decisions are applied."""

    same_as: list[str]
    entries: list[dict[str, Any]]
    linked: set[str]
    rejected_before: set[str]

    @classmethod
    def of(cls, data: dict[str, Any], space: str) -> _Links:
        same_as = [v for v in data.get("sameAs", []) if isinstance(v, str)]
        entries = [dict(e) for e in data.get("reconciliation", []) if isinstance(e, dict)]
        return cls(
            same_as,
            entries,
            {_normal(v, space) for v in same_as if _in_space(v, space)},
            {_normal(str(e.get("iri")), space) for e in entries if e.get("status") == "rejected"},
        )


def _decide(
    review: _Review, decision: _Decision, links: _Links, report: AcceptReport, conflicts: list[Problem]
) -> bool:
    """Apply one entity's decisions to ``links``; whether its record changes."""
    candidates = decision.candidates
    chosen = [(n, c, "curator") for n, c in enumerate(candidates) if c.get("decision") == "accept"]
    if not chosen and review.auto_accept_match is not None:
        chosen = _auto_chosen(review, decision, links, review.auto_accept_match, report)
    rejections = [(n, c) for n, c in enumerate(candidates) if c.get("decision") == "reject"]
    if not chosen and not rejections:
        report.undecided += 1
        return False
    if len(chosen) > 1:
        conflicts.append(
            Problem(
                _where(review.path, decision.pointer),
                f"{len(chosen)} candidates of {decision.rid!r} are accepted",
                "accept one candidate per entity (a second link to the same service would say two of "
                "its entities are one)",
            )
        )
        return False
    changed = False
    for n, candidate, by in chosen:
        changed |= _accept(review, decision, links, (n, candidate, by), report, conflicts)
    for n, candidate in rejections:
        changed |= _reject(review, decision, links, (n, candidate), report, conflicts)
    return changed


def _auto_chosen(
    review: _Review, decision: _Decision, links: _Links, threshold: float, report: AcceptReport
) -> list[tuple[int, dict[str, Any], str]]:
    """The one undecided candidate flagged as a match with a high enough score, if exactly one is."""
    flagged = [
        (n, c, "auto-match")
        for n, c in enumerate(decision.candidates)
        if c.get("decision") is None
        and c.get("match") is True
        and isinstance(c.get("score"), int | float)
        and c["score"] >= threshold
        and _normal(c["iri"], review.space) not in links.rejected_before
    ]
    if len(flagged) > 1:
        report.warnings.append(
            f"{review.path}: {decision.pointer}: {len(flagged)} candidates of {decision.rid!r} are flagged "
            "as matches; none accepted automatically"
        )
    return flagged if len(flagged) == 1 else []


def _accept(
    review: _Review,
    decision: _Decision,
    links: _Links,
    choice: tuple[int, dict[str, Any], str],
    report: AcceptReport,
    conflicts: list[Problem],
) -> bool:
    n, candidate, by = choice
    iri = candidate["iri"]
    key = _normal(iri, review.space)
    if links.linked and key not in links.linked:
        conflicts.append(
            Problem(
                _where(review.path, f"{decision.pointer}/candidates/{n}"),
                f"{decision.rid!r} is already linked to {', '.join(sorted(links.linked))}, not {iri}",
                "an accepted link is never replaced automatically: remove the old one from the "
                "record by hand if it is wrong, or reject this candidate",
            )
        )
        return False
    changed = False
    if key not in links.linked:
        links.same_as.append(iri)
        report.accepted.append((decision.rid, iri))
        changed = True
    previous = [e for e in links.entries if _normal(str(e.get("iri")), review.space) == key]
    if any(e.get("status") == "accepted" for e in previous):
        if key in links.linked:
            report.unchanged += 1
        return changed
    if previous:  # rejected before, accepted now: the curator changed their mind, explicitly
        report.warnings.append(f"{decision.rid!r}: {iri} was rejected before and is now accepted")
        links.entries = [e for e in links.entries if _normal(str(e.get("iri")), review.space) != key]
    links.entries.append(_entry(review, decision, candidate, "accepted", by))
    return True


def _reject(
    review: _Review,
    decision: _Decision,
    links: _Links,
    choice: tuple[int, dict[str, Any]],
    report: AcceptReport,
    conflicts: list[Problem],
) -> bool:
    n, candidate = choice
    iri = candidate["iri"]
    key = _normal(iri, review.space)
    if key in links.linked or key in {_normal(v, review.space) for v in links.same_as}:
        conflicts.append(
            Problem(
                _where(review.path, f"{decision.pointer}/candidates/{n}"),
                f"{decision.rid!r} is linked to {iri}, which this review rejects",
                "an accepted link is never withdrawn automatically: remove it from the record by hand",
            )
        )
        return False
    if key in links.rejected_before:
        report.unchanged += 1
        return False
    links.entries.append(_entry(review, decision, candidate, "rejected", "curator"))
    links.rejected_before.add(key)
    report.rejected.append((decision.rid, iri))
    return True


def _entry(
    review: _Review, decision: _Decision, candidate: dict[str, Any], status: str, by: str
) -> dict[str, Any]:
    """The ``reconciliation`` entry that records a decision (a rejection does not repeat the match flag)."""
    name = candidate.get("name")
    score = candidate.get("score")
    match = candidate.get("match")
    return {
        "iri": candidate["iri"],
        "status": status,
        "service": review.url,
        **({"date": decision.date} if decision.date else {}),
        **({"name": name} if isinstance(name, str) and name.strip() else {}),
        **({"score": score} if isinstance(score, int | float) else {}),
        **({"match": match} if status == "accepted" and isinstance(match, bool) else {}),
        "by": by,
    }


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
            new = _new_data(record.data, edit)
            members = [
                (k, new[k])
                for k in ("sameAs", "reconciliation")
                if k in new and new.get(k) != record.data.get(k)
            ]
            if record.source.line is not None:  # JSON Lines: the record is its line
                _edit_line(corpus, lines, record.source, members)
            else:
                _edit_document(corpus, texts, record.source, members)
            replaced[id(record)] = dataclasses.replace(record, data=new)
    for path, split in lines.items():
        texts[path] = "\n".join(split)
    _check(corpus, edits, replaced)
    with atomic_files() as files:
        for path, content in sorted(texts.items()):
            files.open(path).write(content)
            report.files.append(path)


def _check(corpus: Corpus, edits: dict[str, _Edit], replaced: dict[int, Record]) -> None:
    """Validate the corpus as it will be, so that no edit can leave an invalid record behind."""
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


def _edit_line(
    corpus: Corpus, lines: dict[Path, list[str]], source: Source, members: Sequence[tuple[str, Any]]
) -> None:
    """Set ``members`` in the JSON Lines record at ``source``, keeping its line ending."""
    assert source.line is not None  # only JSON Lines records come here
    path = source.path
    if path not in lines:
        lines[path] = _reread(path, corpus).decode("utf-8").split("\n")
    line = lines[path][source.line - 1]
    ending = "\r" if line.endswith("\r") else ""
    line = line.removesuffix("\r")
    for key, value in members:
        line = set_member(line, "", key, value)
    lines[path][source.line - 1] = line + ending


def _edit_document(
    corpus: Corpus, texts: dict[Path, str], source: Source, members: Sequence[tuple[str, Any]]
) -> None:
    """Set ``members`` in the record at ``source``'s pointer inside a JSON document."""
    text = texts.get(source.path)
    if text is None:
        text = _reread(source.path, corpus).decode("utf-8-sig")
    for key, value in members:
        text = set_member(text, source.pointer, key, value)
    texts[source.path] = text


def _inside(location: Location, source: Source) -> bool:
    """Whether a problem's location lies in the record at ``source``."""
    if location.path != source.path:
        return False
    if source.line is not None:
        return location.line == source.line
    pointer = location.pointer or ""
    return bool(pointer == source.pointer or pointer.startswith(source.pointer + "/"))


def _reread(path: Path, corpus: Corpus) -> bytes:
    """A record file read again for editing, within the limits it was first read with."""
    try:
        return read_file(path, inside=(corpus.root,), policy=corpus.policy)
    except FileNotFoundError:
        raise ReconcileError("the record file vanished before it could be edited", path=path) from None
