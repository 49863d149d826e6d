"""Incremental builds: what each piece of the graph was made from, and the splicing of outputs.

A build with ``incremental=True`` maps the corpus a :class:`~exilekg.map.Unit` at a time (the
dataset, each document, each record) and records, in ``exilekg.state.json`` beside the dumps, a
digest of every unit's inputs and where the unit's text sits in the N-Triples, N-Quads and JSON-LD
it wrote. The next such build into the same folder digests the units again: a unit whose digest
is unchanged is not mapped; its text is copied from the previous dumps, and only the units whose
inputs changed are mapped, checked and formatted. Turtle and TriG are written by pyoxigraph from the
spliced N-Triples and N-Quads text, as a full build writes them. The dumps are byte for byte those a
full build writes (the tests compare both on random edits).

What a unit's digest covers, and why (see :func:`unit_digest`): the unit's record as read; the kind
of every id its record (or a fact stating about it) names, because a reference's IRI is minted from
the referenced record's kind and a reference to an id no record has is left out; the facts that
state a triple in its run (a relation's direct triple sits in its subject's run); the anchors
validation found for its evidence in the documents' texts (editing a text moves them, or unverifies
them); and, for a document, the mentions found in its text, which depend on the text, its language
and the corpus-wide table of entity names mention finding uses (a renamed or added entity changes
them). Digesting the mentions found rather than those inputs re-maps exactly the documents whose
mentions changed; finding is skipped for a document whose text, language and name table are those
the state recorded (``finding``), whose mentions are then those found before.

What every unit depends on (the corpus metadata with its base IRI, exilekg's version and code, the
libraries that write outputs and find mentions, the build's options) is the state's ``inputs``:
when they differ, the build is a full one and says why (:attr:`Reuse.reason`).

The vocabulary check sees the quads of the units mapped, as they are mapped: the others were
checked when they were. A violation that only shows between a changed unit and an unchanged one
(a domain or range whose type another unit gives) is found by the next full build.

The state names the build (``void.ttl``'s build id) and each dump's size; a folder whose dumps are not
the ones it describes (another build, an edit, a build killed between renames) gets a full build.
State and outputs are replaced together (:mod:`exilekg.atomic`): a killed build leaves both as they were.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from operator import itemgetter, ne
from pathlib import Path
from typing import IO, Any

import orjson

from exilekg._version import __version__
from exilekg.check.checker import Checker
from exilekg.corpus import Corpus, Record
from exilekg.errors import SerializationError
from exilekg.formats import RdfFormat
from exilekg.jsonld import context_value, raise_for_output
from exilekg.manifest import OutputDigest, read_manifest
from exilekg.map import Mapper, Unit
from exilekg.mentions import Mention, MentionList, entity_names, find_mentions
from exilekg.progress import Progress
from exilekg.terms import PREFIXES, RDF, Quad
from exilekg.validation import ValidationReport
from exilekg.writers._oxworker import convert
from exilekg.writers.jsonld import Grouped, _node, _OutputCheck
from exilekg.writers.lines import LineWriter, TripleRuns
from exilekg.writers.oxigraph import Conversion

__all__ = [
    "STATE_NAME",
    "BuildState",
    "Loadable",
    "Reuse",
    "Spliced",
    "UnitState",
    "Unspliceable",
    "build_inputs",
    "changed_graph_lines",
    "graph_digests",
    "mentions_digest",
    "read_loadable",
    "read_state",
    "unit_digest",
    "usable_state",
    "write_spliced",
]

STATE_NAME = "exilekg.state.json"
"""The file beside the dumps that an incremental build reads and writes."""

_STATE_VERSION = 1

_PACKAGE = Path(__file__).resolve().parent

_INDENT = b"\n    "
_NODE_INDENT = b"\n        "
_NODE_SEPARATOR = b",\n        "


@dataclass
class Reuse:
    """How a build with ``incremental=True`` went: ``reason`` says why it was a full one (None when
    it reused the previous build); ``units`` the units of the corpus, ``mapped`` those it mapped."""

    reason: str | None
    units: int = 0
    mapped: int = 0

    @property
    def incremental(self) -> bool:
        return self.reason is None


@dataclass
class UnitState:
    """Where one unit's text sits in each dump, and what it counts."""

    digest: str
    nt: tuple[int, int]
    nq: tuple[int, int]
    nodes: list[tuple[str, str, int, int]]
    """Graph, subject, offset and length of each JSON-LD node object of the unit."""
    graphs: dict[str, int]
    classes: dict[str, int]
    subjects: int
    quads: int
    triples: int
    runs: int = 0
    """Subject runs: the unit's statements in Turtle."""
    trig_runs: int = 0
    """Runs of one subject in one graph: the unit's statements in TriG."""
    ttl: tuple[int, int] = (0, 0)
    trig: tuple[int, int] = (0, 0)
    """The unit's TriG from its first statement to the end of its last (graph switches included)."""
    trig_first: str = ""
    """The TriG line opening the graph of the unit's first statement (``<g> {``)."""
    trig_last: str = ""
    """The TriG line that opened the graph of the unit's last statement."""
    finding: str = ""
    """A document's: what finding its mentions read (entity names, text and language digests)."""
    found: str = ""
    """A document's: the digest of the mentions found (see :func:`mentions_digest`)."""


@dataclass
class BuildState:
    """What ``exilekg.state.json`` holds."""

    inputs: dict[str, Any]
    build_id: str
    sizes: dict[str, int]
    units: dict[str, UnitState]
    graphs: dict[str, str] = field(default_factory=dict)
    """Each named graph's digest: changed when any quad of the graph may have."""

    def to_bytes(self) -> bytes:
        graph_table: dict[str, int] = {}
        class_table: dict[str, int] = {}
        line_table: dict[str, int] = {}

        def lid(line: str) -> int:
            return line_table.setdefault(line, len(line_table))

        def gid(g: str) -> int:
            return graph_table.setdefault(g, len(graph_table))

        def cid(c: str) -> int:
            return class_table.setdefault(c, len(class_table))

        units = {
            key: [
                u.digest,
                *u.nt,
                *u.nq,
                [[gid(g), s, start, length] for g, s, start, length in u.nodes],
                [[gid(g), n] for g, n in u.graphs.items()],
                [[cid(c), n] for c, n in u.classes.items()],
                u.subjects,
                u.quads,
                u.triples,
                u.runs,
                u.trig_runs,
                *u.ttl,
                *u.trig,
                lid(u.trig_first),
                lid(u.trig_last),
                u.finding,
                u.found,
            ]
            for key, u in self.units.items()
        }
        return orjson.dumps(
            {
                "version": _STATE_VERSION,
                "inputs": self.inputs,
                "build": self.build_id,
                "sizes": self.sizes,
                "graphTable": list(graph_table),
                "classTable": list(class_table),
                "lineTable": list(line_table),
                "graphs": self.graphs,
                "units": units,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> BuildState:
        raw = orjson.loads(data)
        if raw.get("version") != _STATE_VERSION:
            raise ValueError(f"state version {raw.get('version')!r}, not {_STATE_VERSION}")
        graph_table: list[str] = raw["graphTable"]
        class_table: list[str] = raw["classTable"]
        line_table: list[str] = raw["lineTable"]
        units: dict[str, UnitState] = {}
        for key, row in raw["units"].items():
            digest, nt0, nt1, nq0, nq1, nodes, graphs, classes, subjects, quads, triples = row[:11]
            runs, trig_runs, ttl0, ttl1, trig0, trig1, first, last, finding, found = row[11:]
            units[key] = UnitState(
                digest,
                (nt0, nt1),
                (nq0, nq1),
                [(graph_table[g], s, start, length) for g, s, start, length in nodes],
                {graph_table[g]: n for g, n in graphs},
                {class_table[c]: n for c, n in classes},
                subjects,
                quads,
                triples,
                runs,
                trig_runs,
                (ttl0, ttl1),
                (trig0, trig1),
                line_table[first],
                line_table[last],
                finding,
                found,
            )
        return cls(raw["inputs"], raw["build"], raw["sizes"], units, raw["graphs"])


def read_state(out: Path) -> BuildState | str:
    """The state of the build in ``out``, or why there is none to use."""
    path = out / STATE_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return f"no {STATE_NAME} in {out} (the previous build was not incremental)"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror})"
    try:
        return BuildState.from_bytes(data)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        return f"{path} is damaged ({exc})"


def _code_digest() -> str:
    """The digest of exilekg's own files: any change to the code may change what it maps and writes."""
    sha = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix not in {".pyc"} and "__pycache__" not in path.parts:
            sha.update(str(path.relative_to(_PACKAGE)).encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:32]


_LIBRARIES = (
    "pyoxigraph",
    "orjson",
    "pyahocorasick",
    "pymorphy3",
    "pymorphy3-dicts-ru",
    "pymorphy3-dicts-uk",
)
"""What writes Turtle, TriG and JSON-LD, and what mention finding matches and inflects names with."""


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def build_inputs(corpus: Corpus, formats: Sequence[RdfFormat], jsonld_context: str | None) -> dict[str, Any]:
    """What every unit's quads and text depend on: a change to any of these means a full build."""
    libraries = {name: _version(name) for name in _LIBRARIES}
    return {
        "exilekg": __version__,
        "code": _code_digest(),  # mapping, vocabulary checks, writers: all of them shape the bytes
        "libraries": libraries,
        "formats": sorted(fmt.extension for fmt in formats),
        "jsonld_context": jsonld_context,
        # The base IRI mints every IRI, and the dataset description is the first unit's.
        "meta": hashlib.sha256(
            orjson.dumps(corpus.meta, option=orjson.OPT_SORT_KEYS, default=str)
        ).hexdigest(),
        "texts": corpus.has_texts,
        "base": str(corpus.meta["base"]),
    }


_INPUT_NAMES = {
    "exilekg": "exilekg's version",
    "code": "exilekg's code",
    "libraries": "the versions of the libraries that write outputs or find mentions",
    "formats": "the formats asked for",
    "jsonld_context": "the JSON-LD context option",
    "meta": "the corpus metadata (corpus.json)",
    "texts": "whether the texts are given",
    "base": "the corpus's base IRI",
}


def usable_state(out: Path, inputs: dict[str, Any]) -> BuildState | str:
    """The previous build's state if this build can reuse it, or why it cannot."""
    state = read_state(out)
    if isinstance(state, str):
        return state
    changed = [
        _INPUT_NAMES.get(k, k)
        for k in sorted(set(inputs) | set(state.inputs))
        if inputs.get(k) != state.inputs.get(k)
    ]
    if changed:
        return f"{', '.join(changed)} changed since the previous build"
    manifest = read_manifest(out)
    if manifest is None or manifest.build_id != state.build_id:
        return f"the outputs in {out} are not those of the build {STATE_NAME} describes"
    for name, size in state.sizes.items():
        path = out / name
        if not path.is_file() or path.stat().st_size != size:
            return f"{path} is not the file the previous build wrote"
    return state


@dataclass
class Loadable:
    """A build folder's state, checked to describe the dumps beside it, for ``load --changed``."""

    folder: Path
    state: BuildState

    @property
    def base(self) -> str:
        return str(self.state.inputs["base"])


def read_loadable(folder: Path) -> Loadable:
    """The state of the build in ``folder``; :class:`~exilekg.errors.StoreError` if there is none
    that describes its dumps."""
    from exilekg.errors import StoreError

    hint = "build it with `exilekg build --incremental`, which records each graph's digest"
    state = read_state(folder)
    if isinstance(state, str):
        raise StoreError(f"--changed cannot tell which graphs changed: {state}", path=folder, hint=hint)
    manifest = read_manifest(folder)
    stale = [
        name
        for name, size in state.sizes.items()
        if not (folder / name).is_file() or (folder / name).stat().st_size != size
    ]
    if manifest is None or manifest.build_id != state.build_id or stale or "base" not in state.inputs:
        raise StoreError(
            f"--changed cannot tell which graphs changed: {STATE_NAME} does not describe the dumps "
            f"in {folder}",
            path=folder,
            hint=hint,
        )
    return Loadable(folder, state)


def changed_graph_lines(folder: Path, state: BuildState, wanted: set[str]) -> dict[str, list[str]]:
    """The N-Triples lines of each graph of ``wanted``, each distinct line once, read from the parts of
    the build's N-Quads that hold them (the units that put quads in those graphs)."""
    lines: dict[str, dict[str, None]] = {g: {} for g in sorted(wanted)}
    if not wanted:
        return {}
    with ExitStack() as stack:
        data = _mapped_file(folder / "exilekg.nq", stack)
        for unit in state.units.values():
            if wanted.isdisjoint(unit.graphs):
                continue
            start, length = unit.nq
            text = bytes(data[start : start + length]).decode("utf-8")
            # Lines exilekg wrote: "<s> <p> object <g> .", the graph IRI last.
            for line in text.splitlines():
                head, _, graph = line[:-2].rpartition(" ")
                target = graph[1:-1]
                if target in wanted:
                    lines[target][f"{head} ."] = None
    return {g: list(v) for g, v in lines.items()}


def _strings(value: Any, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)


def _record_digest(record: Record, kinds: Mapping[str, str], sha: Any) -> None:
    data = record.data
    sha.update(record.kind.encode())
    sha.update(orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str))
    # A reference's IRI is minted from the referenced record's kind, and ids no record has are left
    # out: the kind (or absence) of every string the record holds stands for all its references.
    strings: list[str] = []
    _strings(data, strings)
    sha.update(orjson.dumps([kinds.get(s) for s in strings]))


def _mention_key(mention: Mention) -> list[Any]:
    return [mention.entity, mention.start, mention.end, mention.exact, mention.prefix, mention.suffix]


def mentions_digest(mentions: MentionList, kinds: Mapping[str, str]) -> str:
    """The digest of the mentions found in a document's text, with the kinds of the entities they
    name (their annotations' bodies are those entities' IRIs)."""
    entities = [m.entity for m in mentions]
    ambiguous = [
        [list(a.candidates), a.start, a.end, a.exact, a.prefix, a.suffix] for a in mentions.ambiguous
    ]
    for a in mentions.ambiguous:
        entities.extend(a.candidates)
    found = orjson.dumps([[_mention_key(m) for m in mentions], ambiguous, [kinds.get(e) for e in entities]])
    return hashlib.blake2b(found, digest_size=16).hexdigest()


def unit_digest(
    unit: Unit,
    mapper: Mapper,
    report: ValidationReport,
    mentions: str | None,
) -> str:
    """The digest of everything ``unit``'s quads are made from (beyond the build's ``inputs``)."""
    sha = hashlib.blake2b(digest_size=16)
    sha.update(unit.key.encode())
    kinds = mapper.kinds
    if unit.record is not None:
        _record_digest(unit.record, kinds, sha)
        rid = unit.record.id
        # Evidence positions and verification come from the texts, through validation's anchors.
        for number in range(len(unit.record.data.get("evidence", []) or [])):
            anchor = report.anchors.get((rid or "", number))
            sha.update(repr(anchor).encode())
    elif unit.id is not None:
        sha.update(str(kinds.get(unit.id)).encode())  # a subject no record maps: its IRI's kind
    if unit.id is not None:
        # Facts stating a triple about this unit's subject put it in this unit's run: what of them
        # that triple is made from (its predicate, object and graph).
        stated = [
            [
                r.kind,
                r.id,
                r.data.get("relation"),
                r.data.get("object"),
                kinds.get(r.data.get("object") or ""),
                bool(r.data.get("former")),
                [item.get("document") for item in r.data.get("evidence", [])[:1]],
            ]
            for r in mapper.stating(unit.id)
        ]
        sha.update(orjson.dumps(stated, default=str))
    if mentions is not None:
        # The mentions found in the text (see mentions_digest): they change with the text and with
        # the corpus-wide table of entity names.
        sha.update(mentions.encode())
    return sha.hexdigest()


class Unspliceable(Exception):
    """The corpus maps one subject in two units, which splicing cannot keep apart (a full build must)."""


class _Parts:
    """A text target that keeps what is written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.write = self.parts.append

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


class _OneDocument(Mapping[str, MentionList]):
    """The mentions of the one document being mapped, found already for its digest."""

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


class _Old:
    """The previous build's dumps, mapped into memory to copy unchanged units' text from."""

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.maps: dict[str, mmap.mmap | bytes] = {}
        self.out = out
        self.stack = stack

    def data(self, name: str) -> mmap.mmap | bytes:
        data = self.maps.get(name)
        if data is None:
            data = self.maps[name] = _mapped_file(self.out / name, self.stack)
        return data

    def slice(self, name: str, start: int, length: int) -> bytes:
        return self.data(name)[start : start + length]


class _Binary:
    """An output text stream written as bytes, counting its offset and digesting what it writes.

    Copies from the previous build's file that follow each other there are written as one.
    """

    def __init__(self, stream: IO[str]) -> None:
        stream.flush()
        self.raw = stream.buffer  # type: ignore[attr-defined]
        self.offset = 0
        self.sha = hashlib.sha256()
        self.source: mmap.mmap | bytes = b""
        self.pending: tuple[int, int] | None = None

    def write(self, data: bytes) -> tuple[int, int]:
        if self.pending is not None:
            self._copy_pending()
        start = self.offset
        self.raw.write(data)
        self.sha.update(data)
        self.offset += len(data)
        return start, len(data)

    def copy(self, source: mmap.mmap | bytes, start: int, length: int) -> tuple[int, int]:
        """Write ``length`` bytes of ``source`` from ``start``; where they are in this file."""
        at = self.offset
        if self.pending is not None and self.source is source and self.pending[1] == start:
            self.pending = (self.pending[0], start + length)
        else:
            if self.pending is not None:
                self._copy_pending()
            self.source, self.pending = source, (start, start + length)
        self.offset += length
        return at, length

    def copy_joined(
        self, joint: bytes, source: mmap.mmap | bytes, start: int, length: int
    ) -> tuple[int, int]:
        """``joint``, then a copy: one copy with the last when ``source`` has ``joint`` between them."""
        if (
            self.pending is not None
            and self.source is source
            and self.pending[1] + len(joint) == start
            and source[self.pending[1] : start] == joint
        ):
            self.pending = (self.pending[0], start + length)
            at = self.offset + len(joint)
            self.offset += len(joint) + length
            return at, length
        if joint:
            self.write(joint)
        return self.copy(source, start, length)

    def _copy_pending(self) -> None:
        assert self.pending is not None
        with memoryview(self.source) as whole, whole[self.pending[0] : self.pending[1]] as view:
            self.raw.write(view)
            self.sha.update(view)
        self.pending = None

    def close(self) -> OutputDigest:
        """Write what is pending; the digest of everything written."""
        if self.pending is not None:
            self._copy_pending()
        return OutputDigest(self.sha.hexdigest(), self.offset)


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
    with ExitStack() as stack:
        return _write_spliced(
            corpus, report, out, streams, written, previous, reason, jsonld_context, reporter, stack
        )


def _write_spliced(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    streams: dict[RdfFormat, IO[str]],
    written: dict[RdfFormat, Path],
    previous: BuildState | None,
    reason: str | None,
    jsonld_context: str | None,
    reporter: Progress,
    stack: ExitStack,
) -> Spliced:
    conversions: dict[RdfFormat, Conversion] = {}
    if previous is None:
        # Everything is to be mapped: Turtle and TriG are written as a full build writes them, by
        # pyoxigraph in worker processes, and each unit is found in them afterwards.
        for fmt in (RdfFormat.TURTLE, RdfFormat.TRIG):
            if fmt in streams:
                conversions[fmt] = Conversion(streams[fmt], fmt, out)
    try:
        result = _map_units(
            corpus, report, out, streams, conversions, previous, reason, jsonld_context, reporter, stack
        )
        if RdfFormat.TURTLE in conversions:
            _find_turtle(written[RdfFormat.TURTLE], result.units.values())
        if RdfFormat.TRIG in conversions:
            _find_trig(written[RdfFormat.TRIG], result.units.values())
        return result
    except BaseException:
        for conversion in conversions.values():
            conversion.abort()  # no worker outlives a failed build
        raise


def _map_units(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    streams: dict[RdfFormat, IO[str]],
    conversions: dict[RdfFormat, Conversion],
    previous: BuildState | None,
    reason: str | None,
    jsonld_context: str | None,
    reporter: Progress,
    stack: ExitStack,
) -> Spliced:
    old = _Old(out, stack)
    turtle = conversions.get(RdfFormat.TURTLE)
    trig = conversions.get(RdfFormat.TRIG)
    splicer = _Splicer(streams, old) if previous is not None else None
    nt_out = _Binary(streams[RdfFormat.NTRIPLES])
    nq_out = _Binary(streams[RdfFormat.NQUADS])
    with_jsonld = RdfFormat.JSONLD in streams
    nt_parts, nq_parts = _Parts(), _Parts()
    lines = LineWriter([nt_parts], [nq_parts])
    found = find_mentions(corpus)
    current = _OneDocument()
    mapper = Mapper(corpus, report.anchors, current)
    checker = Checker()
    output_check = _OutputCheck()
    base = str(corpus.meta["base"])
    rdf_type = RDF.type

    units: dict[str, UnitState] = {}
    # Each JSON-LD node: graph -> [(subject, fresh?, offset, length)], offsets in the old file or `fresh`.
    nodes: dict[str, list[tuple[str, bool, int, int]]] = {}
    fresh = bytearray()
    seen_nodes: set[tuple[str, str]] = set()
    totals = _Totals()
    last_subject: object = None
    mapped = 0
    reporter.stage("map and write", unit="triples")
    names = hashlib.blake2b(orjson.dumps(list(entity_names(corpus))), digest_size=16).hexdigest()
    for unit in mapper.units():
        known = previous.units.get(unit.key) if previous is not None else None
        doc_mentions: MentionList | None = None
        finding = found_digest = ""
        if (
            unit.id is not None
            and unit.record is not None
            and unit.key.startswith("document ")
            and unit.id in found
        ):
            # Mention finding reads the text and the corpus-wide table of entity names (and the
            # document's language): with all three as before, its mentions are those found before.
            text = corpus.text(unit.record)
            finding = f"{names} {text.sha256 if text else ''} {unit.record.data.get('language')}"
            if known is not None and known.finding == finding:
                found_digest = known.found
            else:
                doc_mentions = found[unit.id]
                found_digest = mentions_digest(doc_mentions, mapper.kinds)
        digest = unit_digest(unit, mapper, report, found_digest or None)
        if known is not None and known.digest == digest:
            mapper.skip(unit)
            state = UnitState(
                digest,
                nt_out.copy(old.data("exilekg.nt"), *known.nt),
                nq_out.copy(old.data("exilekg.nq"), *known.nq),
                [],
                known.graphs,
                known.classes,
                known.subjects,
                known.quads,
                known.triples,
                known.runs,
                known.trig_runs,
            )
            if splicer is not None:
                splicer.copy(known, state)
            for g, s, start, length in known.nodes:
                if (g, s) in seen_nodes:
                    raise Unspliceable(f"<{s}> in graph <{g}> is made by two units")
                seen_nodes.add((g, s))
                nodes.setdefault(g, []).append((s, False, start, length))
                state.nodes.append((g, s, start, length))
            last_subject = None  # a copied unit is known to end its subjects' runs
        else:
            mapped += 1
            if finding and doc_mentions is None:
                doc_mentions = found[str(unit.id)]
            current.id, current.mentions = unit.id, doc_mentions
            quads = list(checker.watch(unit.quads()))
            current.id = current.mentions = None
            if not quads:
                state = UnitState(digest, nt_out.write(b""), nq_out.write(b""), [], {}, {}, 0, 0, 0)
            else:
                if quads[0][0] == last_subject:
                    raise Unspliceable(f"the run of <{quads[0][0]}> spans two units")
                last_subject = quads[-1][0]
                repeats = TripleRuns().repeats(quads)
                lines.write_many(quads, repeats)
                new_nt, new_nq = nt_parts.take(), nq_parts.take()
                state = UnitState(
                    digest,
                    nt_out.write(new_nt.encode("utf-8")),
                    nq_out.write(new_nq.encode("utf-8")),
                    [],
                    dict(Counter(str(q[3]) for q in quads)),
                    dict(Counter(str(q[2]) for q in quads if q[1] == rdf_type)),
                    _subjects(quads, base),
                    len(quads),
                    len(quads) - len(repeats),
                    _runs(list(map(_SUBJECT, quads))),
                    _runs(list(zip(map(_SUBJECT, quads), map(_GRAPH, quads), strict=True))),
                )
                if turtle is not None:
                    turtle.write(new_nt)
                if trig is not None:
                    trig.write(new_nq)
                if splicer is not None:
                    splicer.fresh(state, new_nt, new_nq)
                if with_jsonld:
                    _fresh_nodes(quads, state, nodes, seen_nodes, fresh, output_check, jsonld_context)
        state.finding, state.found = finding, found_digest
        totals.add(state)
        if unit.key in units:
            raise Unspliceable(f"two units are keyed {unit.key!r}")
        units[unit.key] = state
        reporter.advance(state.quads)
    violations = checker.violations()
    if violations:
        from exilekg.check.files import checked

        # The same error a full build raises, from the same checker.
        list(checked(q for unit in Mapper(corpus, report.anchors, found).units() for q in unit.quads()))
    jsonld_digest = None
    if with_jsonld:
        reporter.stage("write JSON-LD", sum(len(v) for v in nodes.values()), "nodes")
        jsonld_digest = _write_jsonld(streams[RdfFormat.JSONLD], nodes, fresh, old, units, jsonld_context)
    for conversion in conversions.values():
        conversion.finish(reporter)
    digests = {RdfFormat.NTRIPLES: nt_out.close(), RdfFormat.NQUADS: nq_out.close()}
    if splicer is not None:
        digests.update(splicer.finish())
    if jsonld_digest is not None:
        digests[RdfFormat.JSONLD] = jsonld_digest
    reuse = Reuse(reason, len(units), mapped)
    return Spliced(
        totals.graphs, totals.classes, totals.subjects, totals.quads, totals.triples, units, reuse, digests
    )


_SUBJECT = itemgetter(0)
_GRAPH = itemgetter(3)


def _runs(keys: Sequence[object]) -> int:
    """How many runs of equal keys ``keys`` makes."""
    if not keys:
        return 0
    return 1 + sum(map(bool, map(ne, keys[1:], keys[:-1])))


@cache
def _header(output: str) -> bytes:
    """The prefix lines pyoxigraph starts a non-empty Turtle or TriG document with."""
    sample = (
        b"<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:g> .\n"
        if output == "trig"
        else b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"
    )
    buffer = io.BytesIO()
    convert(sample, buffer, output, PREFIXES)
    text = buffer.getvalue()
    cut = text.find(b"<urn:x:")
    return text[:cut]


def _converted(text: str, output: str) -> bytes:
    """``text`` (N-Triples or N-Quads) as Turtle or TriG statements, without the prefix lines."""
    buffer = io.BytesIO()
    convert(text.encode("utf-8"), buffer, output, PREFIXES)
    body = buffer.getvalue()
    header = _header(output)
    if not body.startswith(header):
        raise Unspliceable(f"pyoxigraph began a {output} document with other prefixes")
    return body[len(header) :]


class _Splicer:
    """Turtle and TriG from the previous build's statements and the changed units', converted alone.

    pyoxigraph writes a subject's run as one statement starting on a line of its own, and TriG
    opens a graph block (``<g> {``) whenever the graph changes: so the document of the whole stream
    is the prefix lines, then each unit's statements, with a graph block closed and opened between
    two units whose graphs differ.
    """

    def __init__(self, streams: dict[RdfFormat, IO[str]], old: _Old) -> None:
        self.old = old
        self.ttl = _Binary(streams[RdfFormat.TURTLE]) if RdfFormat.TURTLE in streams else None
        self.trig = _Binary(streams[RdfFormat.TRIG]) if RdfFormat.TRIG in streams else None
        self.graph = ""

    def copy(self, known: UnitState, state: UnitState) -> None:
        if self.ttl is not None and known.ttl[1]:
            self._turtle_start()
            state.ttl = self.ttl.copy(self.old.data("exilekg.ttl"), *known.ttl)
        if self.trig is not None and known.trig[1]:
            self._trig_switch(known.trig_first)
            state.trig = self.trig.copy(self.old.data("exilekg.trig"), *known.trig)
            state.trig_first, state.trig_last = known.trig_first, known.trig_last
            self.graph = known.trig_last

    def fresh(self, state: UnitState, nt: str, nq: str) -> None:
        if self.ttl is not None and nt:
            body = _converted(nt, "turtle")
            self._turtle_start()
            state.ttl = self.ttl.write(body)
        if self.trig is not None and nq:
            body = _converted(nq, "trig")
            first_end = body.find(b"\n")
            first = body[:first_end]
            if not first.endswith(b" {") or not body.endswith(b"\n}\n"):
                raise Unspliceable("pyoxigraph wrote TriG outside graph blocks")
            inner = body[first_end + 1 : -2]
            switch = inner.rfind(b"\n}\n")
            last = inner[switch + 3 : inner.find(b"\n", switch + 3)] if switch >= 0 else first
            self._trig_switch(first.decode("utf-8"))
            state.trig = self.trig.write(inner)
            state.trig_first, state.trig_last = first.decode("utf-8"), last.decode("utf-8")
            self.graph = state.trig_last

    def _turtle_start(self) -> None:
        assert self.ttl is not None
        if not self.ttl.offset:
            self.ttl.write(_header("turtle"))

    def _trig_switch(self, first: str) -> None:
        """Start the document, or close the graph block open, before a unit starting in ``first``."""
        assert self.trig is not None
        if not self.trig.offset:
            self.trig.write(_header("trig"))
        if first != self.graph:
            self.trig.write((b"}\n" if self.graph else b"") + first.encode("utf-8") + b"\n")

    def finish(self) -> dict[RdfFormat, OutputDigest]:
        digests = {}
        if self.ttl is not None:
            digests[RdfFormat.TURTLE] = self.ttl.close()
        if self.trig is not None:
            if self.graph:
                self.trig.write(b"}\n")
            digests[RdfFormat.TRIG] = self.trig.close()
        return digests


def _mapped_file(path: Path, stack: ExitStack) -> mmap.mmap | bytes:
    if not path.stat().st_size:
        return b""
    stream = stack.enter_context(path.open("rb"))
    data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    stack.callback(data.close)
    return data


_TURTLE_STATEMENT = re.compile(rb"^[^\t@\n]", re.MULTILINE)
_TRIG_LINE = re.compile(rb"^(\t?)[^\t@\n]", re.MULTILINE)


def _find_turtle(path: Path, units: Iterable[UnitState]) -> None:
    """Each unit's statements in the Turtle pyoxigraph wrote from the whole stream."""
    with ExitStack() as stack:
        data = _mapped_file(path, stack)
        starts = [m.start() for m in _TURTLE_STATEMENT.finditer(data)]
        end = len(data)
        k = 0
        for state in units:
            n = state.runs
            if not n:
                continue
            if k + n > len(starts):
                raise Unspliceable("the Turtle holds fewer statements than the units' subjects")
            start = starts[k]
            state.ttl = (start, (starts[k + n] if k + n < len(starts) else end) - start)
            k += n
        if k != len(starts):
            raise Unspliceable("the Turtle holds more statements than the units' subjects")


def _find_trig(path: Path, units: Iterable[UnitState]) -> None:
    """Each unit's statements, and the graphs they are in, in the TriG pyoxigraph wrote."""
    with ExitStack() as stack:
        data = _mapped_file(path, stack)
        blocks: list[tuple[int, int, str]] = []  # start, end, the line opening its graph
        graph = ""
        open_start = -1
        for m in _TRIG_LINE.finditer(data):
            at = m.start()
            if open_start >= 0:
                blocks.append((open_start, at, graph))
                open_start = -1
            if m.group(1):
                open_start = at
            elif data[at : at + 1] != b"}":
                graph = bytes(data[at : data.find(b"\n", at)]).decode("utf-8")
        if open_start >= 0:
            blocks.append((open_start, len(data), graph))
        k = 0
        for state in units:
            n = state.trig_runs
            if not n:
                continue
            if k + n > len(blocks):
                raise Unspliceable("the TriG holds fewer statements than the units' runs")
            first, last = blocks[k], blocks[k + n - 1]
            state.trig = (first[0], last[1] - first[0])
            state.trig_first, state.trig_last = first[2], last[2]
            k += n
        if k != len(blocks):
            raise Unspliceable("the TriG holds more statements than the units' runs")


class _Totals:
    def __init__(self) -> None:
        self.graphs: Counter[str] = Counter()
        self.classes: Counter[str] = Counter()
        self.subjects = 0
        self.quads = 0
        self.triples = 0

    def add(self, state: UnitState) -> None:
        self.graphs.update(state.graphs)
        self.classes.update(state.classes)
        self.subjects += state.subjects
        self.quads += state.quads
        self.triples += state.triples


def _subjects(quads: Sequence[Quad], base: str) -> int:
    """Runs of subjects under ``base``: each subject's quads are one run, so these are distinct subjects."""
    count = 0
    last: object = None
    for q in quads:
        s = q[0]
        if s != last:
            last = s
            if s.startswith(base):
                count += 1
    return count


def _fresh_nodes(
    quads: Sequence[Quad],
    state: UnitState,
    nodes: dict[str, list[tuple[str, bool, int, int]]],
    seen: set[tuple[str, str]],
    fresh: bytearray,
    check: _OutputCheck,
    context: str | None,
) -> None:
    grouped = Grouped()
    grouped.add_many(quads)
    for g, subjects in grouped.graphs.items():
        for s, props in subjects.items():
            key = (str(g), str(s))
            if key in seen:
                raise Unspliceable(f"<{s}> in graph <{g}> is made by two units")
            seen.add(key)
            node = _node(s, props)
            if not check.ok([node]):
                raise_for_output(
                    {"@context": context_value(context), "@graph": [{"@id": str(g), "@graph": [node]}]}
                )
                raise SerializationError("the JSON-LD to write breaks its output schemas")
            try:
                text = orjson.dumps(node, option=orjson.OPT_INDENT_2).replace(b"\n", _NODE_INDENT)
            except orjson.JSONEncodeError as exc:
                raise SerializationError(f"JSON-LD cannot hold a value of graph <{g}>: {exc}") from exc
            start = len(fresh)
            fresh += text
            nodes.setdefault(key[0], []).append((key[1], True, start, len(text)))
            state.nodes.append((key[0], key[1], start, -len(text) - 1))  # placed once written


def _write_jsonld(
    stream: IO[str],
    nodes: dict[str, list[tuple[str, bool, int, int]]],
    fresh: bytearray,
    old: _Old,
    units: dict[str, UnitState],
    context: str | None,
) -> OutputDigest:
    """The JSON-LD document as :mod:`exilekg.writers.jsonld` lays it out, from node objects already
    written: graphs sorted, each graph's nodes sorted by ``@id``."""
    target = _Binary(stream)
    previous = old.data("exilekg.jsonld") if any(not f for v in nodes.values() for _, f, _, _ in v) else b""
    placed: dict[tuple[str, str], tuple[int, int]] = {}
    header = orjson.dumps(context_value(context), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  ")
    target.write(b'{\n  "@context": ' + header + b',\n  "@graph": [')
    graphs = sorted(nodes)
    for index, g in enumerate(graphs):
        target.write(
            (b"," if index else b"")
            + _INDENT
            + b'{\n      "@id": '
            + orjson.dumps(g)
            + b',\n      "@graph": [\n        '
        )
        for k, (s, is_fresh, start, length) in enumerate(sorted(nodes[g])):
            joint = _NODE_SEPARATOR if k else b""
            if is_fresh:
                if joint:
                    target.write(joint)
                placed[(g, s)] = target.write(bytes(fresh[start : start + length]))
            else:
                placed[(g, s)] = target.copy_joined(joint, previous, start, length)
        target.write(b"\n      ]\n    }")
    target.write(b"\n  ]\n}\n" if graphs else b"]\n}\n")
    for state in units.values():
        state.nodes = [(g, s, *placed[(g, s)]) for g, s, _, _ in state.nodes]
    return target.close()


def graph_digests(units: Mapping[str, UnitState], inputs: Mapping[str, Any]) -> dict[str, str]:
    """Each graph's digest, from the build's inputs and the digests of the units that put quads in
    it, in order: equal digests mean equal quads (same unit inputs, same code and options)."""
    common = orjson.dumps(inputs, option=orjson.OPT_SORT_KEYS)
    shas: dict[str, Any] = {}
    for key, state in units.items():
        for g in state.graphs:
            sha = shas.get(g)
            if sha is None:
                sha = shas[g] = hashlib.blake2b(common, digest_size=16)
            sha.update(f"{key}\0{state.digest}\n".encode())
    return {g: sha.hexdigest() for g, sha in sorted(shas.items())}
