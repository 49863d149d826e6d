"""What ``exilekg.state.json`` holds, what a build may reuse of it, and which graphs changed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from exilekg._version import __version__
from exilekg.corpus import Corpus
from exilekg.formats import RdfFormat
from exilekg.incremental.files import mapped_file
from exilekg.incremental.names import Entry
from exilekg.manifest import read_manifest
from exilekg.resources import schemas_dir, vocab_dir
from exilekg.validation.known import Known

__all__ = [
    "STATE_NAME",
    "BuildState",
    "Loadable",
    "Numbering",
    "Numbers",
    "Reuse",
    "UnitState",
    "build_inputs",
    "changed_graph_lines",
    "changed_units",
    "encode_units",
    "graph_digests",
    "read_loadable",
    "read_state",
    "unit_lines",
    "usable_state",
]

STATE_NAME = "exilekg.state.json"
"""The file beside the dumps that an incremental build reads and writes."""

_STATE_VERSION = 5

_PACKAGE = Path(__file__).resolve().parents[1]


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


class Numbering:
    """Names numbered in the order they were first met. A build's numbering is kept by the next one,
    so that the units it copies keep their numbers as they are (the names of units since removed
    stay numbered: a few bytes each, in a state that a build without it writes afresh)."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.names = list(names)
        self._ids = {name: i for i, name in enumerate(self.names)}

    def id(self, name: str) -> int:
        found = self._ids.get(name)
        if found is None:
            found = self._ids[name] = len(self.names)
            self.names.append(name)
        return found

    def ids(self, counts: Mapping[str, int]) -> list[int]:
        """``counts`` as one flat list, each name's number and then its count."""
        out: list[int] = []
        for name, count in counts.items():
            out += (self.id(name), count)
        return out

    def counts(self, flat: list[int]) -> dict[str, int]:
        names = self.names
        numbers = flat[::2]
        # A negative number would name a name counted from the end: a damaged state read as sound.
        if numbers and (min(numbers) < 0 or max(numbers) >= len(names)):
            raise ValueError(f"a count names none of the {len(names)} numbered names")
        return {names[i]: n for i, n in zip(numbers, flat[1::2], strict=True)}

    def name(self, number: int) -> str:
        if not 0 <= number < len(self.names):
            raise ValueError(f"{number!r} names none of the {len(self.names)} numbered names")
        return self.names[number]


@dataclass
class Numbers:
    """The numberings a state writes its units with."""

    graphs: Numbering = field(default_factory=Numbering)
    classes: Numbering = field(default_factory=Numbering)
    lines: Numbering = field(default_factory=Numbering)


@dataclass
class UnitState:
    """Where one unit's text sits in each dump, and what it counts."""

    digest: str
    nt: tuple[int, int]
    nq: tuple[int, int]
    nodes: list[int]
    """Each JSON-LD node object of the unit, three numbers a node: its graph's number
    (:attr:`BuildState.numbers`), its offset counted from the start of its graph's nodes in the
    dump (:attr:`BuildState.jsonld`), and its length. A graph copied whole moves none of them; a
    graph laid out again sets them in place."""
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
    encoded: tuple[Numbers, list[int], list[int]] | None = field(default=None, repr=False, compare=False)
    """``graphs`` and ``classes`` as read, with the numbering they were written in."""


@dataclass
class BuildState:
    """What ``exilekg.state.json`` holds."""

    inputs: dict[str, Any]
    build_id: str
    sizes: dict[str, int]
    units: dict[str, UnitState]
    graphs: dict[str, str] = field(default_factory=dict)
    """Each named graph's digest: changed when any quad of the graph may have."""
    validated: Known = field(default_factory=Known)
    """What the build's validation found, trusted by the next one."""
    jsonld: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Where each graph's node objects lie in the JSON-LD dump: offset and length."""
    numbers: Numbers = field(default_factory=Numbers)
    """How graphs, classes and TriG lines are numbered in the units (and in :attr:`UnitState.nodes`)."""
    entity_names: list[Entry] = field(default_factory=list)
    """The table of entity names the documents' mentions were found with (see :class:`NameChange`)."""
    encoded_units: bytes | None = field(default=None, repr=False, compare=False)
    """:attr:`units` as :func:`encode_units` wrote them with :attr:`numbers`, if they were already."""

    def to_bytes(self) -> bytes:
        numbers = self.numbers
        units = self.encoded_units
        if units is None:
            units = encode_units(self.units, numbers)
        graphs = numbers.graphs
        jsonld = [[graphs.id(g), start, length] for g, (start, length) in self.jsonld.items()]
        return orjson.dumps(
            {
                "version": _STATE_VERSION,
                "inputs": self.inputs,
                "build": self.build_id,
                "sizes": self.sizes,
                "jsonld": jsonld,
                "graphTable": graphs.names,
                "classTable": numbers.classes.names,
                "lineTable": numbers.lines.names,
                "graphs": self.graphs,
                "units": orjson.Fragment(units),
                "validated": self.validated.to_json(),
                "entityNames": self.entity_names,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> BuildState:
        raw = orjson.loads(data)
        if raw.get("version") != _STATE_VERSION:
            raise _OtherVersion(f"state version {raw.get('version')!r}, not {_STATE_VERSION}")
        numbers = Numbers(
            Numbering(raw["graphTable"]), Numbering(raw["classTable"]), Numbering(raw["lineTable"])
        )
        graphs, classes, lines = numbers.graphs, numbers.classes, numbers.lines
        n_graphs = len(graphs.names)
        units: dict[str, UnitState] = {}
        for key, row in raw["units"].items():
            digest, nt0, nt1, nq0, nq1, nodes, graph_counts, class_counts, subjects, quads, triples = row[:11]
            runs, trig_runs, ttl0, ttl1, trig0, trig1, first, last, finding, found = row[11:]
            units[key] = UnitState(
                digest,
                (nt0, nt1),
                (nq0, nq1),
                _node_list(nodes, n_graphs),
                graphs.counts(graph_counts),
                classes.counts(class_counts),
                subjects,
                quads,
                triples,
                runs,
                trig_runs,
                (ttl0, ttl1),
                (trig0, trig1),
                lines.name(first),
                lines.name(last),
                finding,
                found,
                (numbers, graph_counts, class_counts),
            )
        return cls(
            raw["inputs"],
            raw["build"],
            raw["sizes"],
            units,
            raw["graphs"],
            Known.from_json(raw["validated"]),
            {graphs.names[g]: (start, length) for g, start, length in raw["jsonld"]},
            numbers,
            _entity_names(raw["entityNames"]),
        )


def encode_units(units: Mapping[str, UnitState], numbers: Numbers) -> bytes:
    """The units as the state file holds them (a JSON object, by key), numbered with ``numbers``,
    which gain the names they did not have yet.

    Its own step so that a build can encode them once they are final, while it waits for its dumps'
    threads, before it knows the digests the rest of the state holds."""
    graphs, classes, lid = numbers.graphs, numbers.classes, numbers.lines.id
    rows = {}
    for key, u in units.items():
        encoded = u.encoded
        if encoded is not None and encoded[0] is numbers:
            graph_counts, class_counts = encoded[1], encoded[2]
        else:
            graph_counts, class_counts = graphs.ids(u.graphs), classes.ids(u.classes)
        rows[key] = [
            u.digest,
            *u.nt,
            *u.nq,
            u.nodes,
            graph_counts,
            class_counts,
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
    return orjson.dumps(rows)


def _node_list(nodes: list[int], graphs: int) -> list[int]:
    """A unit's node list as read, checked to be three numbers a node, each graph one of ``graphs``."""
    # min() and max() also refuse a list that mixes numbers with anything else.
    if nodes and (len(nodes) % 3 or min(nodes) < 0 or max(nodes[::3]) >= graphs):
        raise ValueError("a unit's JSON-LD nodes are not three numbers each, naming a graph")
    return nodes


def _entity_names(raw: Any) -> list[Entry]:
    """The table of entity names as read, checked to be an id, a kind and a list of names each."""
    if not isinstance(raw, list):
        raise ValueError("the table of entity names is not a list")
    table: list[Entry] = []
    for entry in raw:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and isinstance(entry[1], str)
            and isinstance(entry[2], list)
            and all(isinstance(name, str) for name in entry[2])
        ):
            raise ValueError("an entry of the table of entity names is not an id, a kind and names")
        table.append((entry[0], entry[1], entry[2]))
    return table


class _OtherVersion(ValueError):
    """A state file of another layout than this version's."""


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
    except _OtherVersion:
        return f"{path} was written by another version of exilekg"
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        return f"{path} is damaged ({exc})"


def _code_digest() -> str:
    """The digest of exilekg's own files: any change to the code may change what it maps and writes,
    and to its schemas and vocabularies what it accepts and checks."""
    sha = hashlib.sha256()
    # A checkout keeps schemas/ and vocab/ beside the package, a wheel inside it (then they are
    # read twice, which is harmless).
    for folder in (_PACKAGE, schemas_dir(), vocab_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in {".pyc"} and "__pycache__" not in path.parts:
                sha.update(f"{folder.name}/{path.relative_to(folder)}\0".encode())
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
        data = mapped_file(folder / "exilekg.nq", stack)
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


def changed_units(previous: BuildState, current: BuildState) -> tuple[list[UnitState], list[UnitState]]:
    """The units of ``previous`` that ``current`` changed or dropped, and those of ``current`` that
    are new or changed: the others' text is the same bytes in both builds' dumps."""
    old, new = previous.units, current.units
    before = [unit for key, unit in old.items() if key not in new or new[key].digest != unit.digest]
    after = [unit for key, unit in new.items() if key not in old or old[key].digest != unit.digest]
    return before, after


def unit_lines(nquads: Path, units: Sequence[UnitState]) -> list[str]:
    """The N-Quads lines of ``units``, read from the dump at ``nquads`` they sit in."""
    lines: list[str] = []
    with ExitStack() as stack:
        data = mapped_file(nquads, stack)
        for unit in units:
            start, length = unit.nq
            lines.extend(bytes(data[start : start + length]).decode("utf-8").splitlines(keepends=True))
    return lines
