"""A build spliced unit by unit: unchanged units copied from the previous dumps, the others mapped."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter, ne, or_
from pathlib import Path
from typing import IO

import orjson

from exilekg.anchor import NormalizedText
from exilekg.check.checker import Checker
from exilekg.corpus import Corpus, Record
from exilekg.formats import RdfFormat
from exilekg.incremental.digests import mentions_digest, unit_digest
from exilekg.incremental.files import BinaryOut, OldDumps, Parts, Unspliceable
from exilekg.incremental.jsonld import Layout, Span, fresh_nodes, write_jsonld
from exilekg.incremental.names import Entry, NameChange
from exilekg.incremental.state import BuildState, Numbers, Reuse, UnitState, encode_units
from exilekg.incremental.text import TextSplicer, find_trig, find_turtle
from exilekg.manifest import OutputDigest
from exilekg.map import Mapper, Unit
from exilekg.mentions import MentionList, entity_names, find_mentions
from exilekg.progress import Progress
from exilekg.terms import RDF, Quad
from exilekg.validation import ValidationReport
from exilekg.writers._oxworker import Statements
from exilekg.writers.jsonld import _OutputCheck
from exilekg.writers.lines import LineWriter, TripleRuns
from exilekg.writers.oxigraph import Conversion

__all__ = [
    "OneDocument",
    "Spliced",
    "UnitMapping",
    "count_subjects",
    "finding_of",
    "mapped_state",
    "names_digest",
    "place_statements",
    "recorded",
    "write_spliced",
]


class OneDocument(Mapping[str, MentionList]):
    """The mentions of the one document being mapped, found already for its digest (a mapper's
    mentions, set before each unit is mapped)."""

    def __init__(self) -> None:
        self.id: str | None = None
        self.mentions: MentionList | None = None

    def __getitem__(self, key: str) -> MentionList:
        if key != self.id or self.mentions is None:
            raise KeyError(key)
        return self.mentions

    def __contains__(self, key: object) -> bool:
        return key == self.id and self.mentions is not None

    def __iter__(self) -> Iterator[str]:
        return iter([self.id] if self.id is not None and self.mentions is not None else [])

    def __len__(self) -> int:
        return 1 if self.id is not None and self.mentions is not None else 0


class UnitMapping:
    """Units mapped one at a time into their N-Triples and N-Quads text, each checked by ``checker``
    as it streams past, the mentions of a unit's document set in ``current`` (the mapper's)."""

    def __init__(self, current: OneDocument, checker: Checker) -> None:
        self.current, self.checker = current, checker
        self._nt, self._nq = Parts(), Parts()
        self._lines = LineWriter([self._nt], [self._nq])
        self.last: object = None
        """The subject of the last quad mapped; None once a unit is known to end its subjects' runs."""

    def map(self, unit: Unit, mentions: MentionList | None) -> tuple[list[Quad], str, str, int]:
        """``unit``'s quads, their N-Triples and N-Quads text, and how many of them repeat a triple
        of their run (N-Triples gives it once). :class:`Unspliceable` when a subject's run goes on
        from the unit before: neither unit's text would hold it whole."""
        self.current.id, self.current.mentions = unit.id, mentions
        quads = list(self.checker.watch(unit.quads()))
        self.current.id = self.current.mentions = None
        if quads:
            if quads[0][0] == self.last:
                raise Unspliceable(f"the run of <{quads[0][0]}> spans two units")
            self.last = quads[-1][0]
        repeats = TripleRuns().repeats(quads)
        self._lines.write_many(quads, repeats)
        return quads, self._nt.take(), self._nq.take(), len(repeats)


@dataclass
class Spliced:
    """What a spliced write counted (what :class:`~exilekg.pipeline.BuildResult` reports)."""

    graphs: Counter[str]
    classes: Counter[str]
    subjects: int
    quads: int
    triples: int
    units: dict[str, UnitState]
    reuse: Reuse
    digests: dict[RdfFormat, OutputDigest]
    """The digests of the dumps written here (not those pyoxigraph's workers wrote)."""
    jsonld: dict[str, Span]
    """Where each graph's nodes lie in the JSON-LD dump."""
    numbers: Numbers
    """How the units' graphs, classes and TriG lines are numbered."""
    entity_names: list[Entry]
    """The table of entity names the documents' mentions were found with."""
    encoded_units: bytes | None = None
    """:attr:`units` encoded for the state with :attr:`numbers` (:func:`encode_units`), if they were."""
    workers: int = 1
    """The processes that mapped the units (:mod:`exilekg.sharded`), 1 for this one."""


def recorded(
    units: dict[str, UnitState],
    digests: dict[RdfFormat, OutputDigest],
    jsonld: dict[str, Span],
    numbers: Numbers,
    entity_names: list[Entry],
    reason: str | None,
    workers: int,
) -> Spliced:
    """What a first incremental build mapped in ``workers`` processes counted: every unit mapped,
    counted in order as :func:`write_spliced` counts them."""
    totals = _Totals()
    for state in units.values():
        totals.add(state)
    reuse = Reuse(reason, len(units), len(units))
    return totals.spliced(units, reuse, digests, jsonld, numbers, entity_names, None, workers)


def write_spliced(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    streams: dict[RdfFormat, IO[str]],
    written: dict[RdfFormat, Path],
    previous: BuildState | None,
    reason: str | None,
    jsonld_context: str | None,
    reporter: Progress,
) -> Spliced:
    """Map ``corpus`` unit by unit into ``streams`` (which must include N-Triples and N-Quads),
    copying from the dumps in ``out`` the text of every unit whose digest ``previous`` records.
    ``written`` names the files the streams write into (read back to find each unit in them)."""
    conversions: dict[RdfFormat, Conversion] = {}
    if previous is None:
        # Everything is to be mapped: Turtle and TriG are written as a full build writes them, by
        # pyoxigraph in worker processes that read the N-Triples and N-Quads files as they grow
        # (a spool of their own would write that text twice), and each unit is found in them
        # afterwards.
        for fmt, text in ((RdfFormat.TURTLE, RdfFormat.NTRIPLES), (RdfFormat.TRIG, RdfFormat.NQUADS)):
            if fmt in streams:
                # Each unit is found in its output where the conversion saw pyoxigraph write it.
                source = (streams[text], written[text])
                conversions[fmt] = Conversion(streams[fmt], fmt, out, source, find_statements=True)
    try:
        with ExitStack() as stack, ExitStack() as writing:
            writer = _UnitWriter(
                corpus, report, OldDumps(out, stack), streams, conversions, previous, jsonld_context
            )
            # The writing threads end before the previous dumps they copy from are closed.
            writing.callback(writer.abandon)
            reporter.stage("map and write", unit="triples")
            for unit in writer.mapper.units():
                reporter.advance(writer.write(unit).quads)
            result = writer.finish(streams, conversions, reason, reporter)
        place_statements(conversions, result.units)
        return result
    except BaseException:
        for conversion in conversions.values():
            conversion.abort()  # no worker outlives a failed build
        raise


def place_statements(conversions: Mapping[RdfFormat, Conversion], units: Mapping[str, UnitState]) -> None:
    """Each unit placed in the Turtle and TriG that ``conversions`` wrote (and found the statements
    of) from the units' N-Triples and N-Quads, in order."""
    if RdfFormat.TURTLE in conversions:
        find_turtle(_statements(conversions[RdfFormat.TURTLE]), units.values())
    if RdfFormat.TRIG in conversions:
        find_trig(_statements(conversions[RdfFormat.TRIG]), units.values())


def _statements(conversion: Conversion) -> Statements:
    if conversion.statements is None:
        raise Unspliceable("the conversion did not say where its statements are")
    return conversion.statements


class _UnitWriter:
    """One spliced write: each unit whose digest the previous state records is copied from the
    previous dumps, the others are mapped, checked and written; counts and offsets are kept."""

    def __init__(
        self,
        corpus: Corpus,
        report: ValidationReport,
        old: OldDumps,
        streams: dict[RdfFormat, IO[str]],
        conversions: dict[RdfFormat, Conversion],
        previous: BuildState | None,
        jsonld_context: str | None,
    ) -> None:
        self.corpus, self.report, self.old, self.previous = corpus, report, old, previous
        self.jsonld_context = jsonld_context
        self.turtle = conversions.get(RdfFormat.TURTLE)
        self.trig = conversions.get(RdfFormat.TRIG)
        self.with_jsonld = RdfFormat.JSONLD in streams
        self.found = find_mentions(corpus)
        self.current = OneDocument()
        self.mapper = Mapper(corpus, report.anchors, self.current)
        self.checker = Checker()
        self.mapping = UnitMapping(self.current, self.checker)
        self.output_check = _OutputCheck()
        self.base = str(corpus.meta["base"])
        self.units: dict[str, UnitState] = {}
        # Each fresh JSON-LD node by graph (and, once laid out, the copies in those graphs), its
        # offset in the old file or in `fresh`.
        self.nodes: dict[str, list[Layout]] = {}
        self.fresh = bytearray()
        self.seen_nodes: set[tuple[str, str]] = set()
        self.copied: dict[str, UnitState] = {}
        self.numbers = previous.numbers if previous is not None else Numbers()
        self.totals = _Totals()
        self.mapped = 0
        self.entity_names: list[Entry] = list(entity_names(corpus))
        self.names = names_digest(self.entity_names)
        # With another table of names, only the documents whose text holds a name that changed
        # need their mentions found again: the previous finding, as it was written, is recognised.
        self.name_change: NameChange | None = None
        self.previous_names: str | None = None
        if previous is not None:
            self.name_change = NameChange(previous.entity_names, self.entity_names)
            self.previous_names = names_digest(previous.entity_names)
        # Last: each starts a writing thread, which abandon() ends.
        self.nt_out = BinaryOut(streams[RdfFormat.NTRIPLES])
        self.nq_out = BinaryOut(streams[RdfFormat.NQUADS])
        self.splicer = TextSplicer(streams, old) if previous is not None else None

    def write(self, unit: Unit) -> UnitState:
        """``unit`` copied or mapped into the outputs; its state."""
        known = self.previous.units.get(unit.key) if self.previous is not None else None
        finding, found_digest, doc_mentions = self._finding(unit, known)
        digest = unit_digest(unit, self.mapper, self.report, found_digest or None)
        if known is not None and known.digest == digest:
            state = self._copy(unit, known, digest)
        else:
            if finding and doc_mentions is None:
                doc_mentions = self.found[str(unit.id)]
            state = self._map(unit, digest, doc_mentions)
        state.finding, state.found = finding, found_digest
        self.totals.add(state)
        if unit.key in self.units:
            raise Unspliceable(f"two units are keyed {unit.key!r}")
        self.units[unit.key] = state
        return state

    def _finding(self, unit: Unit, known: UnitState | None) -> tuple[str, str, MentionList | None]:
        """For a document with a text: what finding its mentions reads, their digest, and the
        mentions if they had to be found again."""
        finding = finding_of(self.corpus, unit, self.found, self.names)
        if not finding:
            return "", "", None
        if known is not None and known.finding == finding:
            return finding, known.found, None
        assert unit.record is not None  # a document's unit
        if (
            known is not None
            and self.name_change is not None
            and known.finding == f"{self.previous_names}{finding[len(self.names) :]}"
            and not self.name_change.may_change(
                self._normalized(unit.record), unit.record.data.get("language")
            )
        ):
            return finding, known.found, None
        mentions = self.found[str(unit.id)]
        return finding, mentions_digest(mentions, self.mapper.kinds), mentions

    def _normalized(self, document: Record) -> NormalizedText | None:
        text = self.corpus.text(document)
        return text.normalized if text is not None else None

    def _copy(self, unit: Unit, known: UnitState, digest: str) -> UnitState:
        """An unchanged unit: its text copied from the previous dumps."""
        self.mapper.skip(unit)
        state = UnitState(
            digest,
            self.nt_out.copy(self.old.file("exilekg.nt"), *known.nt),
            self.nq_out.copy(self.old.file("exilekg.nq"), *known.nq),
            [],
            known.graphs,
            known.classes,
            known.subjects,
            known.quads,
            known.triples,
            known.runs,
            known.trig_runs,
        )
        if self.splicer is not None:
            self.splicer.copy(known, state)
        # The previous state's nodes: where their graph is laid out again, moved in place.
        state.nodes = known.nodes
        state.encoded = known.encoded  # its counts as the state holds them, written back as read
        self.copied[unit.key] = state
        self.mapping.last = None  # a copied unit is known to end its subjects' runs
        return state

    def _map(self, unit: Unit, digest: str, mentions: MentionList | None) -> UnitState:
        """A changed unit: mapped, checked as it streams past, and written to every output."""
        self.mapped += 1
        quads, new_nt, new_nq, repeats = self.mapping.map(unit, mentions)
        state = mapped_state(
            digest,
            self.nt_out.write(new_nt.encode("utf-8")),
            self.nq_out.write(new_nq.encode("utf-8")),
            quads,
            repeats,
            self.base,
        )
        if not quads:
            return state
        if self.turtle is not None:
            self.turtle.write(new_nt)
        if self.trig is not None:
            self.trig.write(new_nq)
        if self.splicer is not None:
            self.splicer.fresh(state, new_nt, new_nq)
        if self.with_jsonld:
            fresh_nodes(
                quads,
                state,
                self.nodes,
                self.seen_nodes,
                self.fresh,
                self.output_check,
                self.jsonld_context,
                self.numbers.graphs,
            )
        return state

    def abandon(self) -> None:
        """The digests' threads ended, should the write have failed (a no-op once finished)."""
        self.nt_out.abandon()
        self.nq_out.abandon()
        if self.splicer is not None:
            self.splicer.abandon()

    def finish(
        self,
        streams: dict[RdfFormat, IO[str]],
        conversions: dict[RdfFormat, Conversion],
        reason: str | None,
        reporter: Progress,
    ) -> Spliced:
        """Every output completed; what the write counted."""
        if self.checker.violations():
            from exilekg.check.files import checked

            # The same error a full build raises, from the same checker.
            corpus, anchors = self.corpus, self.report.anchors
            list(checked(q for unit in Mapper(corpus, anchors, self.found).units() for q in unit.quads()))
        # The other outputs are complete: their threads copy, digest and sync the rest beside the JSON-LD.
        self.nt_out.end()
        self.nq_out.end()
        if self.splicer is not None:
            self.splicer.end()
        laid_out = None
        if self.with_jsonld:
            kept = self._kept_graphs()
            reporter.stage("write JSON-LD", sum(len(v) for v in self.nodes.values()), "nodes")
            laid_out = write_jsonld(
                streams[RdfFormat.JSONLD], self.nodes, self.fresh, self.old, self.jsonld_context, kept
            )
        # A rebuild's units are final once laid out: their rows are encoded while the dumps'
        # threads finish copying and digesting (a first build's are found in Turtle and TriG later).
        encoded = encode_units(self.units, self.numbers) if not conversions else None
        # Whole before Turtle and TriG are told their text is all there: their workers read it
        # from these files, which the threads may still be writing.
        digests = {RdfFormat.NTRIPLES: self.nt_out.close(), RdfFormat.NQUADS: self.nq_out.close()}
        for conversion in conversions.values():
            conversion.finish(reporter)
        if self.splicer is not None:
            digests.update(self.splicer.finish())
        if laid_out is not None:
            digests[RdfFormat.JSONLD] = laid_out.digest
        return self.totals.spliced(
            self.units,
            Reuse(reason, len(self.units), self.mapped),
            digests,
            laid_out.spans if laid_out is not None else {},
            self.numbers,
            self.entity_names,
            encoded,
        )

    def _kept_graphs(self) -> dict[str, Span]:
        """The JSON-LD graphs whose nodes are all the previous build's, each with its span in the
        previous dump; the copied nodes of every other graph put beside its fresh ones.

        A graph is kept when no unit that was not copied made nodes in it, in this build or the
        previous one: then its nodes are those the previous build laid out, in the same order. (The
        previous build found no node made twice, or it would have kept no state.) A unit makes
        nodes in exactly the graphs it puts quads in."""
        previous = self.previous
        if previous is None:
            return {}
        changed = set(self.nodes)
        for key, unit in previous.units.items():
            if key not in self.copied:
                changed.update(unit.graphs)
        spans, names = previous.jsonld, self.numbers.graphs.names
        for copy in self.copied.values():
            if changed.isdisjoint(copy.graphs):
                continue
            flat = copy.nodes
            for i in range(0, len(flat), 3):
                g = names[flat[i]]
                if g not in changed:
                    continue
                span = spans.get(g)
                if span is None:
                    raise Unspliceable(f"the previous state does not place graph <{g}> in the JSON-LD")
                # The layout reads its @id from the previous dump if it must (and finds there a
                # fresh node of the same subject).
                entry = ("", False, span[0] + flat[i + 1], flat[i + 2], (flat, i))
                self.nodes.setdefault(g, []).append(entry)
        return {g: span for g, span in spans.items() if g not in changed}


_SUBJECT = itemgetter(0)
_GRAPH = itemgetter(3)


def names_digest(table: Sequence[Entry]) -> str:
    """The digest of a table of entity names, which a document's finding names (:func:`finding_of`)."""
    return hashlib.blake2b(orjson.dumps(list(table)), digest_size=16).hexdigest()


def finding_of(corpus: Corpus, unit: Unit, found: Mapping[str, MentionList], names: str) -> str:
    """What finding the mentions of ``unit`` reads, when it is a document with a text (``found``
    has its mentions): the digest ``names`` of the table of entity names, and its text's SHA-256 and
    language; "" for any other unit. The same finding finds the same mentions."""
    if unit.id is None or unit.record is None or not unit.key.startswith("document "):
        return ""
    if unit.id not in found:
        return ""
    return f"{names} {corpus.text_sha256(unit.record) or ''} {unit.record.data.get('language')}"


def mapped_state(
    digest: str, nt: tuple[int, int], nq: tuple[int, int], quads: Sequence[Quad], repeats: int, base: str
) -> UnitState:
    """The state of a unit mapped into ``quads`` (of which ``repeats`` repeat their run's triples),
    its text at ``nt`` and ``nq`` (offset and length) in the N-Triples and N-Quads; its JSON-LD
    nodes and its places in Turtle and TriG are filled in later."""
    if not quads:
        return UnitState(digest, nt, nq, [], {}, {}, 0, 0, 0)
    rdf_type = RDF.type
    # Once per unit of a first build (26,652 at 1M): the passes over its quads are made in C where
    # they can be, and terms become plain strings once per graph or class, not once per quad.
    subjects = list(map(_SUBJECT, quads))
    graphs = list(map(_GRAPH, quads))
    new_subject = list(map(ne, subjects[1:], subjects[:-1]))
    return UnitState(
        digest,
        nt,
        nq,
        [],
        {str(g): n for g, n in Counter(graphs).items()},
        {str(c): n for c, n in Counter([q[2] for q in quads if q[1] == rdf_type]).items()},
        count_subjects(quads, base),
        len(quads),
        len(quads) - repeats,
        1 + sum(new_subject),
        1 + sum(map(or_, new_subject, map(ne, graphs[1:], graphs[:-1]))),  # TriG's runs
    )


class _Totals:
    def __init__(self) -> None:
        self.graphs: Counter[str] = Counter()
        self.classes: Counter[str] = Counter()
        self.subjects = 0
        self.quads = 0
        self.triples = 0

    def add(self, state: UnitState) -> None:
        # Counter.update's checks cost more than these few additions, once per unit.
        graphs, classes = self.graphs, self.classes
        for g, n in state.graphs.items():
            graphs[g] += n
        for c, n in state.classes.items():
            classes[c] += n
        self.subjects += state.subjects
        self.quads += state.quads
        self.triples += state.triples

    def spliced(
        self,
        units: dict[str, UnitState],
        reuse: Reuse,
        digests: dict[RdfFormat, OutputDigest],
        jsonld: dict[str, Span],
        numbers: Numbers,
        entity_names: list[Entry],
        encoded: bytes | None,
        workers: int = 1,
    ) -> Spliced:
        """What the write counted, with these totals."""
        return Spliced(
            self.graphs,
            self.classes,
            self.subjects,
            self.quads,
            self.triples,
            units,
            reuse,
            digests,
            jsonld,
            numbers,
            entity_names,
            encoded,
            workers,
        )


def count_subjects(quads: Sequence[Quad], base: str) -> int:
    """Runs of subjects under ``base``: each subject's quads are one run, so these are distinct subjects."""
    if not quads:
        return 0
    subjects = list(map(_SUBJECT, quads))
    firsts = compress(subjects[1:], map(ne, subjects[1:], subjects[:-1]))
    return sum(1 for s in (subjects[0], *firsts) if s.startswith(base))
