"""The whole pipeline in one call: read, validate, map, write every output atomically."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from exilekg.atomic import AtomicFiles, atomic_files, releasing, remove_leftovers
from exilekg.collector import paused
from exilekg.corpus import Corpus, ReadPolicy, read_corpus
from exilekg.describe import describe_dataset
from exilekg.errors import CorpusError, OutputError
from exilekg.formats import RdfFormat
from exilekg.incremental import (
    STATE_NAME,
    BuildState,
    Reuse,
    Spliced,
    Unspliceable,
    build_inputs,
    changed_units,
    graph_digests,
    unit_lines,
    usable_state,
    write_spliced,
)
from exilekg.incremental.splice import names_digest, recorded
from exilekg.index import (
    KEYS_FILE,
    IndexedDump,
    index_build_id,
    index_path,
    make_index,
    remove_index,
    update_index,
)
from exilekg.index import install as install_index
from exilekg.index import remove_leftovers as remove_index_leftovers
from exilekg.kinds import ENTITY_KINDS, FACT_KINDS
from exilekg.manifest import OutputDigest, build_id, digest_files
from exilekg.map import map_corpus
from exilekg.mentions import entity_names
from exilekg.outputs import write_outputs
from exilekg.processes import beside
from exilekg.progress import Progress, StageCallback, as_progress
from exilekg.sharded import Prepared, Unshardable, prepare, worker_count
from exilekg.validation import ValidationReport, validate
from exilekg.validation.known import Known
from exilekg.writers import WriterEngine, to_dataset

if TYPE_CHECKING:
    import rdflib

__all__ = ["ALL_FORMATS", "BuildResult", "build", "build_dataset", "output_name"]

ALL_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.NTRIPLES,
    RdfFormat.NQUADS,
    RdfFormat.TRIG,
    RdfFormat.JSONLD,
)


def output_name(fmt: RdfFormat) -> str:
    return f"exilekg.{fmt.extension}"


@dataclass
class BuildResult:
    """What a build wrote and counted.

    ``quads`` counts the statements of the named graphs (what N-Quads, TriG and JSON-LD hold);
    ``triples`` the distinct triples (what N-Triples and Turtle hold): fewer when a triple is
    stated in two graphs. ``graphs`` gives each graph's triples, ``classes`` each class's subjects.
    """

    out_dir: Path
    outputs: dict[RdfFormat, Path]
    report: ValidationReport
    entities: int
    facts: int
    documents: int
    triples: int
    seconds: float
    classes: Counter[str] = field(default_factory=Counter)
    graphs: Counter[str] = field(default_factory=Counter)
    quads: int = 0
    subjects: int = 0
    """Distinct subjects with an IRI under the corpus's base: VoID's entities of the dataset."""
    digests: dict[RdfFormat, OutputDigest] = field(default_factory=dict)
    """Each dump's SHA-256 and size, as ``void.ttl`` lists them."""
    build_id: str | None = None
    """The id ``void.ttl`` and the query index carry (see :mod:`exilekg.manifest`)."""
    index: Path | None = None
    """The query index written beside the dumps (see :mod:`exilekg.index`), if one was."""
    left_out: list[str] = field(default_factory=list)
    """The parts of the graph the build could not make, and why (documents without their texts)."""
    reuse: Reuse | None = None
    """With ``incremental=True``: whether the build reused the previous one, and if not why
    (see :mod:`exilekg.incremental`)."""
    workers: int = 1
    """The processes that mapped the corpus: 1 when the build's own did (see :mod:`exilekg.sharded`)."""
    unsharded: str | None = None
    """Why a build asked to map in several processes mapped in one, if it did."""

    def summary(self) -> str:
        text = (
            f"{self.entities} entities, {self.facts} facts, {self.documents} documents, "
            f"{self.quads} quads, {self.triples} distinct triples in {self.seconds:.2f} s"
        )
        if self.reuse is not None:
            if self.reuse.incremental:
                text += f" (incremental: {self.reuse.mapped} of {self.reuse.units} units mapped)"
            else:
                text += f" (full build: {self.reuse.reason})"
        return text


def _remove_leftovers(out: Path) -> None:
    """Delete the temporary files an earlier, killed build left in ``out`` (never a live build's)."""
    remove_leftovers(out, [output_name(fmt) for fmt in ALL_FORMATS] + ["void.ttl", STATE_NAME])
    remove_index_leftovers(out)


def _count_kinds(corpus: Corpus) -> tuple[int, int]:
    ids_by_kind: dict[str, set[str]] = {}
    for record in corpus.records:
        if record.id is not None:
            ids_by_kind.setdefault(record.kind, set()).add(record.id)
    entities = sum(len(v) for k, v in ids_by_kind.items() if k in ENTITY_KINDS)
    facts = sum(len(v) for k, v in ids_by_kind.items() if k in FACT_KINDS)
    return entities, facts


def build_dataset(corpus: Corpus, report: ValidationReport | None = None) -> rdflib.Dataset:
    """The corpus as an rdflib Dataset (validating it first unless a report is given)."""
    report = report or validate(corpus)
    report.raise_for_problems()
    return to_dataset(map_corpus(corpus, report))


def build(
    corpus_dir: Path | str,
    out_dir: Path | str,
    *,
    texts_dir: Path | str | None = None,
    formats: Iterable[RdfFormat] = ALL_FORMATS,
    progress: Progress | StageCallback | None = None,
    engine: WriterEngine = WriterEngine.FAST,
    jsonld_context: str | None = None,
    policy: ReadPolicy | None = None,
    index: bool = False,
    require_texts: bool = False,
    incremental: bool = False,
    workers: int = 1,
) -> BuildResult:
    """Read, validate and map the corpus, and write the dumps and ``void.ttl`` into ``out_dir``.

    Without the documents' texts the graph lacks their mention annotations and the position
    selectors of evidence: :attr:`BuildResult.left_out` says so, and ``require_texts=True``
    makes such a build fail with :class:`~exilekg.errors.CorpusError` before writing anything.

    Raises :class:`~exilekg.errors.ValidationError` (with every problem) before
    writing anything when the corpus is invalid, and :class:`~exilekg.errors.OutputError`
    when an output cannot be written. Each output replaces its earlier version only once
    it is completely written. ``progress`` is told of each stage, either as a
    :class:`~exilekg.progress.Progress` or as a callback of stage names.
    ``engine=WriterEngine.RDFLIB`` writes every format with rdflib's serializers (the
    reference the default engine is tested against; a hundred times slower).
    ``jsonld_context`` names a hosted JSON-LD context by URL in ``exilekg.jsonld`` instead
    of carrying the context inline. ``policy`` bounds what reading the corpus may do
    (:class:`~exilekg.corpus.ReadPolicy`: file size, JSON nesting, links out of the corpus).

    ``void.ttl`` lists the dumps with their SHA-256 digests and the build's id; dumps of formats
    this build did not write are removed, so the folder holds one build's outputs. With ``index``
    the query index ``exilekg.index/`` is written too (see :mod:`exilekg.index`); without it
    (the default: writing the index costs about twice the rest of a large build), an earlier
    build's index is removed.

    With ``incremental`` the build records what each piece of the graph was made from in
    ``exilekg.state.json``, and a later incremental build into the same folder maps only the
    documents and records whose inputs changed, copying the rest of the dumps from the previous
    ones: the outputs are the same bytes a full build writes (see :mod:`exilekg.incremental`).
    When it cannot reuse the previous build (changed options or code, no or damaged state, other
    outputs in the folder) it makes a full one; :attr:`BuildResult.reuse` says which, and why.

    ``workers`` processes (0: one per core) map, check and format the corpus, a range of its
    documents and records each, for the same bytes as one process (see :mod:`exilekg.sharded`); the
    default maps in the build's own process. A corpus whose split could change the outputs is built
    in one process (:attr:`BuildResult.unsharded` says why). An incremental build with no previous
    build to splice maps every unit in ``workers`` processes too, and records the state one process
    records; a rebuild that splices, and the rdflib engine, map in one process.
    """
    reporter = as_progress(progress)
    try:
        # The earlier outputs' blocks are freed beside the freeing of the build's own memory.
        with releasing(), paused():
            return _build(
                corpus_dir,
                out_dir,
                texts_dir,
                formats,
                reporter,
                engine,
                jsonld_context,
                policy,
                index,
                require_texts,
                incremental,
                workers,
            )
    finally:
        reporter.finish()


def _build(
    corpus_dir: Path | str,
    out_dir: Path | str,
    texts_dir: Path | str | None,
    formats: Iterable[RdfFormat],
    reporter: Progress,
    engine: WriterEngine,
    jsonld_context: str | None,
    policy: ReadPolicy | None,
    index: bool,
    require_texts: bool,
    incremental: bool,
    workers: int,
) -> BuildResult:
    started = time.perf_counter()
    reporter.stage("read")
    corpus = read_corpus(corpus_dir, texts_dir=texts_dir, policy=policy)
    left_out = texts_left_out(corpus)
    if left_out and require_texts:
        raise CorpusError(
            f"{'; '.join(left_out)}, and --require-texts was given",
            path=corpus.root,
            hint="give the articles' folder with --texts DIR (or put the texts in texts/ beside the records)",
        )
    reporter.stage("validate")
    out = Path(out_dir)
    wanted = tuple(dict.fromkeys(formats))
    # An incremental build reads the previous state first: its validation is trusted again.
    plan = _splice_plan(corpus, out, wanted, engine, jsonld_context) if incremental else None
    # A rebuild maps few units: in this process. A first incremental build maps them all.
    split = plan is None or plan.records
    count = worker_count(workers) if engine is WriterEngine.FAST and split else 1
    report, prepared = _validate(corpus, plan.known if plan is not None else None, count)
    report.raise_for_problems()
    try:
        if plan is not None:
            result = _write_incremental(
                corpus, report, out, wanted, reporter, engine, jsonld_context, index, plan, count
            )
        else:
            args = (corpus, report, out, wanted, reporter, engine, jsonld_context, index)
            try:
                result = _write(*args, None, count, prepared)
            except Unshardable as exc:
                result = _write(*args)
                result.unsharded = str(exc)
            (out / STATE_NAME).unlink(missing_ok=True)  # it describes an earlier build's outputs
    except OSError as exc:
        raise OutputError.from_os_error(exc) from exc
    result.seconds = time.perf_counter() - started
    result.left_out = left_out
    return result


def _validate(corpus: Corpus, known: Known | None, workers: int) -> tuple[ValidationReport, Prepared | None]:
    """``corpus`` validated (trusting ``known``); for a build mapped in ``workers`` processes, what
    they share made meanwhile, in this process, while a forked one validates
    (:func:`~exilekg.processes.beside`): mapping needs only the anchors of validation, given
    afterwards. 1M triples, eight builds taken in turns: mapping began at 1.26 s so, 1.49 s with
    the two one after the other (medians)."""
    if workers < 2 or known is not None:
        # A validation that trusts an earlier one keeps its records by identity: it stays here.
        return validate(corpus, known=known), None

    def checked() -> tuple[ValidationReport, dict[Path, str]]:
        return validate(corpus), corpus.text_digests()

    def made() -> Prepared | None:
        try:
            return prepare(corpus)
        except Exception:  # an invalid corpus may break it; a valid one is prepared again
            return None

    (report, digests), prepared = beside(checked, made)
    if report.ok:
        corpus.read_elsewhere(digests)  # later reads must find the bytes validation checked
    return report, prepared


def texts_left_out(corpus: Corpus) -> list[str]:
    """What a build of ``corpus`` cannot make for want of texts, in words; empty when every document
    has its text."""
    without = [doc.id or "" for doc in corpus.documents if not corpus.has_texts or "text" not in doc.data]
    if not without:
        return []
    which = (
        f"all {len(without)} documents"
        if len(without) == len(corpus.documents)
        else (
            f"{len(without)} of {len(corpus.documents)} documents ({', '.join(without[:5])}"
            f"{', ...' if len(without) > 5 else ''})"
        )
    )
    reason = "no texts folder" if not corpus.has_texts else "no text file named"
    return [
        f"mentions of entities in {which} ({reason})",
        f"the position selectors and verification of the evidence in {which}",
    ]


@dataclass
class _SplicePlan:
    """What an incremental build found before validating: why it cannot splice (``reason``), or the
    build's inputs and the previous state (``previous``, None with ``why`` when there is none to use)."""

    reason: str | None
    inputs: dict[str, object] = field(default_factory=dict)
    previous: BuildState | None = None
    why: str | None = None

    @property
    def known(self) -> Known | None:
        """What validation may trust: the previous build's findings, or nothing (then recorded for
        the next build); None for a build that will not splice, and so records nothing."""
        if self.reason is not None:
            return None
        return self.previous.validated if self.previous is not None else Known()

    @property
    def records(self) -> bool:
        """Whether the build maps every unit to record the state, with no previous one to splice."""
        return self.reason is None and self.previous is None


def _splice_plan(
    corpus: Corpus,
    out: Path,
    formats: tuple[RdfFormat, ...],
    engine: WriterEngine,
    jsonld_context: str | None,
) -> _SplicePlan:
    if engine is not WriterEngine.FAST:
        return _SplicePlan("the rdflib engine writes each dump whole")
    if RdfFormat.NTRIPLES not in formats or RdfFormat.NQUADS not in formats:
        return _SplicePlan("incremental builds keep N-Triples and N-Quads, which the others are spliced from")
    inputs = build_inputs(corpus, formats, jsonld_context)
    found = usable_state(out, inputs)
    if isinstance(found, str):
        return _SplicePlan(None, inputs, None, found)
    return _SplicePlan(None, inputs, found)


def _write_incremental(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    formats: tuple[RdfFormat, ...],
    reporter: Progress,
    engine: WriterEngine,
    jsonld_context: str | None,
    index: bool,
    plan: _SplicePlan,
    workers: int = 1,
) -> BuildResult:
    """A build that reuses the previous one's outputs where their inputs are unchanged, or a full
    one that records what the next can reuse (in ``workers`` processes); a full one without state
    where splicing cannot work."""
    reason = plan.reason
    if reason is None:
        args = (corpus, report, out, formats, reporter, engine, jsonld_context, index)
        splice = (plan.previous, plan.why, plan.inputs)
        try:
            if workers > 1 and plan.records:
                try:
                    return _write(*args, splice, workers)
                except Unshardable as exc:
                    result = _write(*args, splice)
                    result.unsharded = str(exc)
                    return result
            return _write(*args, splice)
        except Unspliceable as exc:
            reason = f"this corpus cannot be spliced: {exc}"
    result = _write(corpus, report, out, formats, reporter, engine, jsonld_context, index)
    (out / STATE_NAME).unlink(missing_ok=True)
    result.reuse = Reuse(reason)
    return result


def _write(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    formats: tuple[RdfFormat, ...],
    reporter: Progress,
    engine: WriterEngine,
    jsonld_context: str | None,
    index: bool,
    splice: tuple[BuildState | None, str | None, dict[str, object]] | None = None,
    workers: int = 1,
    prepared: Prepared | None = None,
) -> BuildResult:
    _remove_leftovers(out)
    outputs: dict[RdfFormat, Path] = {}
    reporter.stage("mentions")
    # Every output, void.ttl included, replaces its earlier version only once all are written.
    with atomic_files() as files:
        streams = {}
        for fmt in formats:
            path = out / output_name(fmt)
            streams[fmt] = files.open(path)
            outputs[fmt] = path
        entities, facts = _count_kinds(corpus)
        result = BuildResult(
            out_dir=out,
            outputs=outputs,
            report=report,
            entities=entities,
            facts=facts,
            documents=len(corpus.documents),
            triples=0,
            seconds=0.0,
        )
        spliced: Spliced | None = None
        known: dict[RdfFormat, OutputDigest] = {}
        if splice is not None:
            written = {fmt: files.written(path) for fmt, path in outputs.items()}
            spliced = _splice(
                corpus, report, out, streams, written, splice, jsonld_context, reporter, result, workers
            )
            known = spliced.digests
        else:
            sinks = {fmt: (streams[fmt], files.written(path)) for fmt, path in outputs.items()}
            whole = write_outputs(
                corpus, report, out, sinks, reporter, engine, jsonld_context, workers, prepared
            )
            result.triples, result.quads, result.subjects = whole.triples, whole.quads, whole.subjects
            result.classes, result.graphs, result.workers = whole.classes, whole.graphs, whole.workers
            known = whole.digests
        result.digests = _digests(files, outputs, known)
        result.build_id = build_id({path.name: result.digests[fmt] for fmt, path in outputs.items()})
        reporter.stage("describe")
        void_path = out / "void.ttl"
        describe_dataset(corpus, result, files.open(void_path))
        state = _state(result, outputs, spliced, splice)
        made = None
        if index:
            since = (splice[0], state) if splice is not None and splice[0] is not None and state else None
            made = _make_index(out, files, outputs, void_path, result.build_id, reporter, since)
        if state is not None:
            # Opened last, so renamed last: a build killed between the renames leaves a state whose
            # build id is not void.ttl's, which the next build does not trust.
            files.open_binary(out / STATE_NAME).write(state.to_bytes())
    result.index = _install_index(out, made)
    # Dumps of formats this build did not write are an earlier build's: they would be served with
    # this void.ttl as if they were its outputs.
    for fmt in ALL_FORMATS:
        if fmt not in outputs:
            (out / output_name(fmt)).unlink(missing_ok=True)
    return result


def _digests(
    files: AtomicFiles, outputs: dict[RdfFormat, Path], known: dict[RdfFormat, OutputDigest]
) -> dict[RdfFormat, OutputDigest]:
    """The manifest's digest of each dump: as it was written, or read back from its temporary
    file before the rename."""
    unknown = [fmt for fmt in outputs if fmt not in known]
    read_back = dict(zip(unknown, digest_files([files.written(outputs[f]) for f in unknown]), strict=True))
    return {fmt: known[fmt] if fmt in known else read_back[fmt] for fmt in outputs}


def _state(
    result: BuildResult,
    outputs: dict[RdfFormat, Path],
    spliced: Spliced | None,
    splice: tuple[BuildState | None, str | None, dict[str, object]] | None,
) -> BuildState | None:
    """What an incremental build records for the next one; None for a build that is not one."""
    if spliced is None or splice is None or result.build_id is None:
        return None
    return BuildState(
        dict(splice[2]),
        result.build_id,
        {path.name: result.digests[fmt].size for fmt, path in outputs.items()},
        spliced.units,
        graph_digests(spliced.units, splice[2]),
        result.report.known or Known(),
        spliced.jsonld,
        spliced.numbers,
        spliced.entity_names,
        spliced.encoded_units,
    )


def _splice(
    corpus: Corpus,
    report: ValidationReport,
    out: Path,
    streams: dict[RdfFormat, IO[str]],
    written: dict[RdfFormat, Path],
    splice: tuple[BuildState | None, str | None, dict[str, object]],
    jsonld_context: str | None,
    reporter: Progress,
    result: BuildResult,
    workers: int = 1,
) -> Spliced:
    """The outputs spliced from the previous build's and the changed units', counted in ``result``;
    without a previous build, every unit mapped in ``workers`` processes."""
    previous, reason, _ = splice
    if previous is None and workers > 1:
        outputs = {fmt: (stream, written[fmt]) for fmt, stream in streams.items()}
        table = list(entity_names(corpus))
        made = write_outputs(
            corpus,
            report,
            out,
            outputs,
            reporter,
            WriterEngine.FAST,
            jsonld_context,
            workers,
            record=names_digest(table),
        )
        assert made.units is not None  # recorded
        spliced = recorded(made.units, made.digests, made.jsonld, made.numbers, table, reason, made.workers)
    else:
        spliced = write_spliced(
            corpus, report, out, streams, written, previous, reason, jsonld_context, reporter
        )
    result.triples, result.quads, result.subjects = spliced.triples, spliced.quads, spliced.subjects
    result.classes, result.graphs, result.reuse = spliced.classes, spliced.graphs, spliced.reuse
    result.workers = spliced.workers
    return spliced


def _install_index(out: Path, made: Path | None) -> Path | None:
    """The index built beside the outputs put in place, or an earlier build's removed."""
    try:
        if made is None:
            remove_index(out)
            return None
        return install_index(out, made)
    finally:
        if made is not None and made.exists():
            shutil.rmtree(made, ignore_errors=True)


def _make_index(
    out: Path,
    files: AtomicFiles,
    outputs: dict[RdfFormat, Path],
    void_path: Path,
    ident: str,
    reporter: Progress,
    since: tuple[BuildState, BuildState] | None = None,
) -> Path:
    """The query index of what is about to be committed: the dump ``exilekg query`` would read
    from the folder (the first of :data:`~exilekg.rdf.DUMP_PREFERENCE`) and ``void.ttl``, read
    from their temporary files under their final names' base IRIs and graphs.

    ``since`` (an incremental build's previous and new states): when the folder's index is the
    previous build's and few graphs changed, that index is brought up to date instead."""
    from exilekg.rdf.read import DUMP_PREFERENCE, OXIGRAPH_FORMATS

    reporter.stage("index")
    fmt = next(f for f in DUMP_PREFERENCE if f in outputs)
    final = outputs[fmt]
    graph = None if fmt.supports_datasets else final.resolve().as_uri()
    base = str(next(iter(_void_space(files.written(void_path)))))
    void: IndexedDump = (
        files.written(void_path),
        OXIGRAPH_FORMATS[RdfFormat.TURTLE],
        void_path.resolve().as_uri(),
        f"{base}void",
    )
    if since is not None and fmt is RdfFormat.NQUADS and RdfFormat.JSONLD in outputs:
        # With JSON-LD written, the splice has checked that each node of a graph is one unit's.
        previous, state = since
        if index_build_id(out) == previous.build_id and (index_path(out) / KEYS_FILE).is_file():
            before, after = changed_units(previous, state)
            # Rewriting much of the graph costs more than loading it afresh, which also compacts it.
            if sum(u.quads for u in before + after) * _UPDATE_SHARE <= sum(
                u.quads for u in state.units.values()
            ):
                removed = unit_lines(out / final.name, before)
                added = unit_lines(files.written(final), after)
                return update_index(out, index_path(out), removed, added, void, ident)
    loads = [(files.written(final), OXIGRAPH_FORMATS[fmt], final.resolve().as_uri(), graph), void]
    return make_index(out, loads, ident)


_UPDATE_SHARE = 10
"""An incremental build brings its index up to date when the units it changed hold at most a tenth
of the quads; beyond, it writes the index afresh."""


def _void_space(path: Path) -> list[str]:
    import pyoxigraph as ox

    from exilekg.terms import VOID

    return [
        t.object.value
        for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE)
        if t.predicate.value == str(VOID.uriSpace)
    ]
