"""The query index: a build's graph in a persistent pyoxigraph store beside its dumps.

``exilekg build`` (or :func:`write_index` for a folder built earlier) leaves ``exilekg.index/``
in the output folder: a RocksDB store holding exactly what ``exilekg query`` would read from the
folder's dumps (its best dump, :data:`~exilekg.rdf.DUMP_PREFERENCE`, and ``void.ttl`` in
``{base}void``), plus ``build-id``, the id of the build (:mod:`exilekg.manifest`) it was made
from. Queries, ``publish`` and ``stats`` open it read-only instead of parsing the dumps, so
answering takes milliseconds and memory that does not grow with the graph.

The store is made in a temporary folder beside its target and renamed into place, so a reader
sees a whole index or none; an index whose build id is not the one ``void.ttl`` names (the dumps
were rebuilt without it, or a killed build replaced them) is stale, and is never opened: readers
fall back to the dumps.

Beside the store, ``keys.sqlite`` holds the *key table*: every name, alternate name, headline and
identifier of the graph with its subject, property and graph, keyed by its text lowercased as
SPARQL's ``LCASE`` lowercases it (the store computes it). The named queries look their entity
parameter up with a ``FILTER`` over all of these, which a store on disk pays for on every call;
:mod:`exilekg.sparql.lookup` asks this table instead, which answers from an SQLite index.
"""

from __future__ import annotations

import io
import mmap
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox

from exilekg.atomic import discard
from exilekg.errors import ExilekgError, OutputError
from exilekg.manifest import Manifest, ensure_consistent, read_manifest

__all__ = [
    "BUILD_ID_FILE",
    "INDEX_NAME",
    "KEYS_FILE",
    "KEY_PROPERTIES",
    "IndexedDump",
    "KeyTable",
    "index_path",
    "line_slices",
    "make_index",
    "open_index",
    "remove_index",
    "update_index",
    "write_index",
    "write_keys",
]

INDEX_NAME = "exilekg.index"
BUILD_ID_FILE = "build-id"
KEYS_FILE = "keys.sqlite"

KEY_PROPERTIES = tuple(
    f"http://schema.org/{name}" for name in ("identifier", "name", "alternateName", "headline")
)
"""The properties an entity parameter is looked up by (the named queries' lookups use some of
these, "did you mean" all of them)."""

_KEY_QUERY = """SELECT ?node ?key ?graph (LCASE(STR(?key)) AS ?fold)
WHERE {{ {graphs} GRAPH ?graph {{ ?node <{property}> ?key }} }}"""

IndexedDump = tuple[Path, "ox.RdfFormat", str, "str | None"]
"""A file to load: where to read it now, its format, its base IRI, and the graph a triple-only
file's triples go into (None for a format with graphs)."""


def index_path(out_dir: Path) -> Path:
    return out_dir / INDEX_NAME


def _temporary_dir(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{INDEX_NAME}.", suffix=".tmp", dir=out_dir))


def make_index(
    out_dir: Path, files: Sequence[IndexedDump], build_id: str, *, workers: int | None = None
) -> Path:
    """A new index of ``files`` in a temporary folder in ``out_dir`` (renamed by :func:`install`).

    An N-Triples or N-Quads file is loaded a run of whole lines at a time, by ``workers`` threads
    at once (by default one per core): pyoxigraph's bulk loader keeps to one core, its work
    (parsing, sorting, writing RocksDB files) is most of the time an index takes, and it holds a
    whole load's quads in memory.
    """
    tmp = _temporary_dir(out_dir)
    threads = workers or os.cpu_count() or 1
    try:
        store = ox.Store(str(tmp / "store"))
        loads = 0
        for path, fmt, base, graph in files:
            to_graph = ox.NamedNode(graph) if graph else None
            loads += _bulk_load(store, path, fmt, base, to_graph, threads, runs=workers or 1)
        # Each load leaves its own overlapping files, which every lookup then reads: measured on a
        # 1M build loaded in 16 runs, a named query took 0.47 s before compaction, 0.26 s after.
        # The key table's queries read the store meanwhile (RocksDB compacts beside its readers),
        # on the core the compaction leaves: 1M, 3.5-3.8 s for both one after the other, 3.1 s so.
        with ThreadPoolExecutor(1) as compacting:
            compacted = compacting.submit(store.optimize) if loads > threads else None
            write_keys(store, tmp / KEYS_FILE)
            if compacted is not None:
                compacted.result()
        store.flush()
        del store  # closes RocksDB, which a read-only opener needs
        (tmp / BUILD_ID_FILE).write_text(build_id + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def update_index(
    out_dir: Path,
    previous: Path,
    removed: Sequence[str],
    added: Sequence[str],
    void: IndexedDump,
    build_id: str,
) -> Path:
    """A new index in a temporary folder in ``out_dir`` (renamed by :func:`install`): the index
    ``previous`` without the quads of the N-Quads lines ``removed``, with those of ``added``, and
    with the description ``void`` loaded again: the quads :func:`make_index` gives the new dumps.

    For an incremental build, which knows the lines of the units it changed: the previous index is
    copied (RocksDB hard-links its files) and only those quads are written, and the key table's rows
    of their subjects. A quad must be the line of one unit only (as the units of a spliced build are:
    a node of a graph is made by one unit), or removing it for one would remove it for another.
    """
    tmp = _temporary_dir(out_dir)
    try:
        ox.Store.read_only(str(previous / "store")).backup(str(tmp / "store"))
        store = ox.Store(str(tmp / "store"))
        path, fmt, base, void_graph = void
        assert void_graph is not None
        gone, new = set(removed), set(added)
        dropped = list(ox.parse("".join(sorted(gone - new)).encode("utf-8"), ox.RdfFormat.N_QUADS))
        arrived = list(ox.parse("".join(sorted(new - gone)).encode("utf-8"), ox.RdfFormat.N_QUADS))
        for quad in dropped:
            store.remove(quad)
        store.extend(arrived)
        store.remove_graph(ox.NamedNode(void_graph))
        store.load(path=path, format=fmt, base_iri=base, to_graph=ox.NamedNode(void_graph))
        store.flush()
        shutil.copyfile(previous / KEYS_FILE, tmp / KEYS_FILE)
        nodes = sorted({(str(q.graph_name), str(q.subject)) for q in dropped + arrived})
        write_keys(store, tmp / KEYS_FILE, update=(nodes, f"<{void_graph}>"))
        del store
        (tmp / BUILD_ID_FILE).write_text(build_id + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


_LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
_SLICE_BYTES = 16 << 20
"""How much of a line-based dump one bulk load reads: some 70,000 of exilekg's quads. Measured on
a 1M build, loads of this size kept the index's peak memory at 170 MB (950 MB loading the file in
two halves) for 0.5 s more loading and the 2.6 s compaction they need."""


class _Slice(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file, read as a file of their own."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        read = self._file.readinto(memoryview(buffer)[: self._left]) or 0
        self._left -= read
        return read

    def close(self) -> None:
        self._file.close()
        super().close()


def line_slices(path: Path, parts: int) -> list[tuple[int, int]]:
    """``path`` cut into at most ``parts`` runs of whole lines, as (start, end) byte offsets.

    N-Triples and N-Quads escape every newline inside a term, so a run of whole lines is a document
    of its own, except for blank nodes: pyoxigraph gives a loaded document's blank nodes fresh
    names, so one label in two runs would become two nodes. A file with any is loaded whole
    (exilekg's dumps have none).
    """
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as file:
        for part in range(1, parts):
            file.seek(max(size * part // parts, cuts[-1]))
            file.readline()
            cuts.append(min(file.tell(), size))
    cuts.append(size)
    return [(start, end) for start, end in pairwise(cuts) if end > start]


def _may_have_blank_nodes(path: Path) -> bool:
    """Whether ``_:`` occurs anywhere in the file (a literal holding it is a false alarm)."""
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"_:") >= 0


def _bulk_load(
    store: ox.Store,
    path: Path,
    fmt: ox.RdfFormat,
    base: str,
    graph: ox.NamedNode | None,
    threads: int,
    *,
    runs: int,
) -> int:
    """Load ``path`` into ``store`` in at least ``runs`` runs where it can be cut; how many bulk
    loads that took."""
    # Lenient: the dumps are the build's own, their IRIs and language tags checked as the records
    # were validated and the terms minted. Not checking them again is about a tenth of a load
    # (1M quads: 11.9 s of CPU, 10.6 s lenient); the syntax is still checked.
    parts = 1
    if fmt in _LINE_FORMATS and not _may_have_blank_nodes(path):
        parts = max(-(-path.stat().st_size // _SLICE_BYTES), runs)
    if parts == 1:
        store.bulk_load(path=path, format=fmt, base_iri=base, to_graph=graph, lenient=True)
        return 1

    def load(run: tuple[int, int]) -> None:
        with io.BufferedReader(_Slice(path, *run), 1 << 20) as reader:
            store.bulk_load(reader, format=fmt, base_iri=base, to_graph=graph, lenient=True)

    cuts = line_slices(path, parts)
    with ThreadPoolExecutor(max_workers=min(threads, len(cuts))) as pool:
        for done in [pool.submit(load, cut) for cut in cuts]:
            done.result()
    return len(cuts)


def install(out_dir: Path, made: Path) -> Path:
    """Put the index made in ``made`` in place of the folder's index, whole: the old one is moved
    aside first, so a reader finds the old index, none (and reads the dumps), or the new one."""
    target = index_path(out_dir)
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{INDEX_NAME}.", suffix=".tmp", dir=out_dir))
        target.replace(old / "old")
    made.replace(target)
    if old is not None:
        # Freed beside what follows, in a build (a 1M-triple index: 0.1 s).
        discard([old])
    return target


def remove_index(out_dir: Path) -> None:
    """Delete the folder's index (a build that writes none leaves no stale one)."""
    target = index_path(out_dir)
    if target.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{INDEX_NAME}.", suffix=".tmp", dir=out_dir))
        target.replace(aside / "old")
        shutil.rmtree(aside, ignore_errors=True)


def remove_leftovers(out_dir: Path) -> None:
    """Delete the temporary index folders a killed build or ``index`` left behind."""
    if out_dir.is_dir():
        for leftover in out_dir.glob(f".{INDEX_NAME}.*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)


def _dump_files(out_dir: Path, error: type[ExilekgError]) -> list[IndexedDump]:
    from exilekg.rdf import build_dumps
    from exilekg.rdf.read import OXIGRAPH_FORMATS

    return [
        (dump.path, OXIGRAPH_FORMATS[dump.fmt], dump.base_iri, dump.graph)
        for dump in build_dumps(out_dir, error=error)
    ]


def write_index(out_dir: Path | str) -> Path:
    """(Re)make the query index of the build in ``out_dir`` from its dumps; its path.

    Raises :class:`~exilekg.errors.OutputError` when the folder is not a build with a manifest
    (``void.ttl`` with a build id) or its outputs come from different builds.
    """
    out = Path(out_dir)
    manifest = ensure_consistent(out, OutputError)
    if manifest is None:
        raise OutputError(
            "no build manifest here: void.ttl is missing or names no build id",
            path=out / "void.ttl",
            hint="build into the folder with a current `exilekg build CORPUS --out DIR`",
        )
    remove_leftovers(out)
    try:
        return install(out, make_index(out, _dump_files(out, OutputError), manifest.build_id))
    except OSError as exc:
        raise OutputError.from_os_error(exc) from exc


def index_build_id(out_dir: Path) -> str | None:
    try:
        return (index_path(out_dir) / BUILD_ID_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def open_index(out_dir: Path, manifest: Manifest | None = None) -> ox.Store | None:
    """The folder's index opened read-only, or None when it has none or it is stale. ``manifest``:
    the folder's, when the caller has read it already (:func:`~exilekg.manifest.ensure_consistent`
    gives it), else it is read here."""
    ident = index_build_id(out_dir)
    if ident is None:
        return None
    if manifest is None:
        manifest = read_manifest(out_dir)
    if manifest is None or manifest.build_id != ident:
        return None
    try:
        return ox.Store.read_only(str(index_path(out_dir) / "store"))
    except OSError:
        return None


def write_keys(
    store: ox.Store, path: Path, *, update: tuple[Sequence[tuple[str, str]], str] | None = None
) -> None:
    """The key table of ``store`` into a new SQLite file at ``path``; terms in N-Triples syntax.

    With ``update`` (``(graph, node)`` pairs, and a graph), the table at ``path`` is brought up to
    date for those nodes in those graphs and for the whole of that graph: their rows are replaced.
    """
    connection = sqlite3.connect(path)
    try:
        if update is None:
            connection.execute(
                "CREATE TABLE keys (fold TEXT, node TEXT NOT NULL, property TEXT NOT NULL,"
                " key TEXT NOT NULL, text TEXT NOT NULL, graph TEXT NOT NULL)"
            )
            wheres = [""]
        else:
            nodes, graph = update
            connection.executemany("DELETE FROM keys WHERE graph = ? AND node = ?", nodes)
            connection.execute("DELETE FROM keys WHERE graph = ?", (graph,))
            # One VALUES block per thousand nodes: the query stays small, the lookups direct.
            wheres = [f"VALUES ?graph {{ {graph} }}"] + [
                "VALUES (?graph ?node) { " + " ".join(f"({g} {n})" for g, n in nodes[k : k + 1000]) + " }"
                for k in range(0, len(nodes), 1000)
            ]
        for prop, where in ((prop, where) for prop in KEY_PROPERTIES for where in wheres):
            solutions = store.query(_KEY_QUERY.format(property=prop, graphs=where))
            assert isinstance(solutions, ox.QuerySolutions)
            connection.executemany(
                "INSERT INTO keys VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (
                        _value(row["fold"]),
                        str(row["node"]),
                        prop,
                        str(row["key"]),
                        row["key"].value,
                        str(row["graph"]),
                    )
                    for row in solutions
                ),
            )
        if update is None:
            connection.execute("CREATE INDEX keys_by_fold ON keys (fold)")
            connection.execute("CREATE INDEX keys_by_node ON keys (node)")
        connection.commit()
    finally:
        connection.close()


def _value(term: ox.Literal | None) -> str | None:
    # LCASE(STR(?key)) has no value for a blank node: no text matches it, only its subject.
    return None if term is None else term.value


KeyRow = tuple[str, str, str]
"""A subject, key and graph, each in N-Triples syntax."""


class KeyTable:
    """The key table of an index (:func:`write_keys`), opened read-only."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def close(self) -> None:
        self.connection.close()

    def rows(self, *, fold: str, node: str | None, properties: Sequence[str]) -> list[KeyRow]:
        """The keys among ``properties`` whose lowercased text is ``fold`` or whose subject is
        ``node`` (an IRI in N-Triples syntax), in the order of their terms (whatever order the table
        was written in: an index brought up to date holds its rows in another)."""
        marks = ", ".join("?" * len(properties))
        select = f"SELECT node, key, graph FROM keys WHERE property IN ({marks})"
        found = self.connection.execute(
            f"{select} AND fold = ? ORDER BY 1, 2, 3", (*properties, fold)
        ).fetchall()
        if node is not None:
            found += self.connection.execute(
                f"{select} AND node = ? ORDER BY 1, 2, 3", (*properties, node)
            ).fetchall()
        return [(str(n), str(k), str(g)) for n, k, g in found]

    def texts(self) -> list[str]:
        """The distinct texts of every key."""
        return [
            str(text) for (text,) in self.connection.execute("SELECT DISTINCT text FROM keys ORDER BY text")
        ]


def open_keys(out_dir: Path) -> KeyTable | None:
    """The key table of the folder's index; None when it has none (an index made before there was
    one). Only for an index :func:`open_index` opened."""
    path = index_path(out_dir) / KEYS_FILE
    if not path.is_file():
        return None
    try:
        return KeyTable(path)
    except sqlite3.Error:
        return None
