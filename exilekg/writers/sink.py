"""One quad stream to several formats at once, and the two ways in: :func:`serialize` and :func:`dump`."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from exilekg.atomic import atomic_path
from exilekg.errors import OutputError
from exilekg.formats import RdfFormat
from exilekg.progress import Progress
from exilekg.rdf.convert import quads_of
from exilekg.terms import Quad
from exilekg.writers.base import BATCH, Finisher, QuadWriter, Target, WriterEngine
from exilekg.writers.jsonld import JsonLdWriter
from exilekg.writers.lines import LineWriter, TripleRuns
from exilekg.writers.oxigraph import Conversion
from exilekg.writers.reference import RdflibWriter

if TYPE_CHECKING:
    import rdflib

__all__ = ["QuadSink", "dump", "serialize", "writer_for"]


class QuadSink:
    """Writes one quad stream to several formats at once, formatting or grouping each quad only once.

    ``streams`` maps each format to its text stream. With the fast engine, N-Triples and
    N-Quads are written by one line writer as the quads arrive; JSON-LD from a grouping of
    the quads; Turtle and TriG by pyoxigraph from the N-Triples or N-Quads text, in worker
    processes when that text is large and the stream is a file (the text is spooled to
    temporary files in ``spool_dir``, or the system's temporary folder, for them). Use it as a
    context manager (or call :meth:`abort` on failure) so that no worker outlives a failed write.

    The sink counts what passes: :attr:`quads`, and :attr:`triples`, the distinct triples that
    N-Triples and Turtle hold (a triple stated in two named graphs is one line there).
    ``jsonld_context`` names a hosted JSON-LD context by URL instead of carrying it inline.
    ``sources`` names the files the N-Triples and N-Quads streams write: a Turtle or TriG worker
    then reads that file as it grows rather than a spool of the same text.
    """

    def __init__(
        self,
        streams: dict[RdfFormat, IO[str]],
        engine: WriterEngine = WriterEngine.FAST,
        *,
        spool_dir: Path | None = None,
        jsonld_context: str | None = None,
        sources: dict[RdfFormat, Path] | None = None,
    ) -> None:
        self.writers: list[QuadWriter] = []
        self.finishers: list[Finisher] = []
        self.runs = TripleRuns()
        self.quads = 0
        self.triples = 0
        if engine is WriterEngine.RDFLIB:
            self.writers = [RdflibWriter(out, fmt, jsonld_context) for fmt, out in streams.items()]
            self.finishers = list(self.writers)
            return
        if RdfFormat.JSONLD in streams:
            # First to finish: any worker goes on writing Turtle and TriG meanwhile.
            self.writers.append(JsonLdWriter(streams[RdfFormat.JSONLD], jsonld_context))
            self.finishers.append(self.writers[-1])
        nt: list[Target] = [streams[RdfFormat.NTRIPLES]] if RdfFormat.NTRIPLES in streams else []
        nq: list[Target] = [streams[RdfFormat.NQUADS]] if RdfFormat.NQUADS in streams else []
        conversions: list[Conversion] = []
        known = sources or {}
        pairs = ((RdfFormat.TURTLE, RdfFormat.NTRIPLES, nt), (RdfFormat.TRIG, RdfFormat.NQUADS, nq))
        for fmt, text, targets in pairs:
            if fmt in streams:
                source = (streams[text], known[text]) if text in streams and text in known else None
                conversion = Conversion(streams[fmt], fmt, spool_dir, source)
                targets.append(conversion)
                conversions.append(conversion)
        self.finishers.extend(conversions)
        if nt or nq:
            lines = LineWriter(nt, nq)
            self.writers.append(lines)
            for conversion in conversions:
                conversion.lines = lines

    def __enter__(self) -> QuadSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: Any) -> None:
        if kind is not None:
            self.abort()

    def write_many(self, quads: Sequence[Quad]) -> None:
        repeats = self.runs.repeats(quads)
        self.quads += len(quads)
        self.triples += len(quads) - len(repeats)
        for writer in self.writers:
            writer.write_many(quads, repeats)

    def close(self, progress: Progress | None = None) -> None:
        try:
            for writer in self.finishers:
                if progress is None:
                    writer.close()
                else:
                    writer.finish(progress)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Stop writing: end any worker process; what was written stays incomplete."""
        for writer in self.finishers:
            writer.abort()

    def consume(self, quads: Iterable[Quad], progress: Callable[[int], None] | None = None) -> int:
        """Write every quad of ``quads`` (in batches) and return how many there were."""
        count = 0
        iterator = iter(quads)
        while batch := list(islice(iterator, BATCH)):
            self.write_many(batch)
            count += len(batch)
            if progress is not None:
                progress(len(batch))
        return count


class _SinkWriter(QuadWriter):
    def __init__(self, sink: QuadSink) -> None:
        self.sink = sink

    def write_many(self, quads: Sequence[Quad], repeats: Sequence[int] = ()) -> None:
        self.sink.write_many(quads)

    def close(self) -> None:
        self.sink.close()

    def finish(self, progress: Progress) -> None:
        self.sink.close(progress)

    def abort(self) -> None:
        self.sink.abort()


def writer_for(fmt: RdfFormat, out: IO[str], engine: WriterEngine = WriterEngine.FAST) -> QuadWriter:
    """A writer of ``fmt`` onto the text stream ``out``."""
    return _SinkWriter(QuadSink({fmt: out}, engine))


def _quads(source: Iterable[Quad] | rdflib.Dataset) -> Iterable[Quad]:
    # A Dataset exists only once rdflib is imported, which builds do without.
    if "rdflib" in sys.modules:
        import rdflib

        if isinstance(source, rdflib.Dataset):
            return quads_of(source)
    return cast("Iterable[Quad]", source)  # no Dataset exists without rdflib


def serialize(
    source: Iterable[Quad] | rdflib.Dataset,
    fmt: RdfFormat,
    *,
    engine: WriterEngine = WriterEngine.FAST,
    jsonld_context: str | None = None,
) -> str:
    """The quads (or an rdflib Dataset) as a string in ``fmt``."""
    buffer = io.StringIO()
    with QuadSink({fmt: buffer}, engine, jsonld_context=jsonld_context) as sink:
        sink.consume(_quads(source))
        sink.close()
    return buffer.getvalue()


def dump(
    source: Iterable[Quad] | rdflib.Dataset,
    path: Path | str,
    fmt: RdfFormat | None = None,
    *,
    engine: WriterEngine = WriterEngine.FAST,
    jsonld_context: str | None = None,
) -> None:
    """Write the quads to ``path`` atomically, in ``fmt`` or the format its extension names.

    Raises :class:`~exilekg.errors.OutputError` when the file cannot be written.
    """
    path = Path(path)
    fmt = fmt or RdfFormat.from_path(path)
    try:
        with atomic_path(path) as out, QuadSink({fmt: out}, engine, jsonld_context=jsonld_context) as sink:
            sink.consume(_quads(source))
            sink.close()
    except OSError as exc:
        raise OutputError.from_os_error(exc, path) from exc
