"""Which outputs belong to one build: their SHA-256 digests and sizes, and the build's id.

A build lists its dumps in ``void.ttl``, each ``dcat:Distribution`` with an ``spdx:checksum``
(SHA-256) and a ``dcat:byteSize``, and names itself as the ``prov:Activity`` that generated the
dataset, with a *build id*: a digest of its outputs' names and digests, so that the same corpus
built twice gets the same id (and byte-identical outputs), and any change to a dump changes it.
The query index (:mod:`exilekg.index`) records the build id it was made from.

:func:`check_outputs` compares a folder with its ``void.ttl``: a dump ``void.ttl`` does not list
(left by an earlier build, or copied in) or one whose size is not the size it lists means that the
folder's outputs come from different builds. Sizes, not digests, are compared on each read, so that
opening a large build stays instant; the digests are there for ``sha256sum`` and for
:func:`verify_outputs`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.errors import ExilekgError
from exilekg.formats import RdfFormat
from exilekg.terms import DCAT, DCTERMS, PROV, RDF, Namespace

__all__ = [
    "SPDX",
    "Manifest",
    "OutputDigest",
    "build_id",
    "check_outputs",
    "digest_and_sync",
    "digest_file",
    "digest_files",
    "ensure_consistent",
    "read_manifest",
    "verify_outputs",
]

SPDX = Namespace("http://spdx.org/rdf/terms#")

DUMP_NAMES: tuple[str, ...] = tuple(
    f"exilekg.{fmt.extension}"
    for fmt in (RdfFormat.TURTLE, RdfFormat.NTRIPLES, RdfFormat.NQUADS, RdfFormat.TRIG, RdfFormat.JSONLD)
)
"""The file names of a build's dumps, whichever formats it wrote."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class OutputDigest:
    """One output file's SHA-256 (hex) and size in bytes."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """What ``void.ttl`` says a build wrote: its id and each dump's digest, by file name."""

    build_id: str
    outputs: dict[str, OutputDigest] = field(default_factory=dict)


def digest_file(path: Path) -> OutputDigest:
    """The file's SHA-256 and size, read a megabyte at a time."""
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return OutputDigest(sha.hexdigest(), size)


def digest_and_sync(path: Path, fd: int) -> OutputDigest:
    """:func:`digest_file` of a complete output, which is then synced through ``fd`` (its open
    descriptor): for a thread beside the build (both let go of the interpreter), so that the
    commit's own sync finds the file on disk."""
    digest = digest_file(path)
    os.fsync(fd)
    return digest


def digest_files(paths: Sequence[Path]) -> list[OutputDigest]:
    """:func:`digest_file` of each path, side by side in threads (hashlib lets go of the
    interpreter while it digests): on several cores, in the time of the largest."""
    if len(paths) <= 1:
        return [digest_file(path) for path in paths]
    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(digest_file, paths))


def build_id(outputs: Mapping[str, OutputDigest]) -> str:
    """The id of a build that wrote ``outputs``: a digest of their names and digests."""
    lines = "".join(f"{name} {digest.sha256} {digest.size}\n" for name, digest in sorted(outputs.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:32]


def read_manifest(out_dir: Path) -> Manifest | None:
    """The manifest ``void.ttl`` in ``out_dir`` holds; None when there is no ``void.ttl`` or it
    names no build id (it was written before builds had one) or cannot be read."""
    import pyoxigraph as ox

    void = out_dir / "void.ttl"
    if not void.is_file():
        return None
    try:
        # Parsed as a stream (the parser raises as it meets an error): the manifest is a few
        # statements of a description that holds a block per graph, some 2 MB at 10M triples.
        triples = ox.parse(path=void, format=ox.RdfFormat.TURTLE, base_iri=void.resolve().as_uri())
        by_subject, downloads, checksums, activities = _described(triples)
    except (OSError, SyntaxError, ValueError):
        return None
    ident: str | None = None
    for subject, values in by_subject.items():
        if subject in activities and str(DCTERMS.identifier) in values:
            ident = values[str(DCTERMS.identifier)]
    if ident is None:
        return None
    outputs: dict[str, OutputDigest] = {}
    for dist, url in downloads.items():
        checksum = by_subject.get(checksums.get(dist, ""), {})
        value = checksum.get(str(SPDX.checksumValue))
        size = by_subject.get(dist, {}).get(str(DCAT.byteSize))
        if value is None or size is None or not size.isdigit():
            continue
        outputs[url.rsplit("/", 1)[-1]] = OutputDigest(value, int(size))
    return Manifest(ident, outputs)


_MANIFEST_PREDICATES = frozenset(
    str(term)
    for term in (DCTERMS.identifier, DCAT.downloadURL, DCAT.byteSize, SPDX.checksum, SPDX.checksumValue)
)
"""What the manifest is read from, besides the type of the build's activity."""


def _described(
    triples: Iterable[Any],
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str], set[str]]:
    """Of void.ttl's triples, each named subject's values of the manifest's predicates, each
    distribution's download URL and checksum node, and the named ``prov:Activity`` nodes; every
    other statement (the graphs' and classes' partitions, nearly all of them) is passed over as it
    is parsed, so that reading a large build's manifest keeps no more than the manifest."""
    import pyoxigraph as ox

    by_subject: dict[str, dict[str, str]] = {}
    downloads: dict[str, str] = {}
    checksums: dict[str, str] = {}
    activities: set[str] = set()
    wanted, rdf_type, activity = _MANIFEST_PREDICATES, str(RDF.type), str(PROV.Activity)
    download, checksum = str(DCAT.downloadURL), str(SPDX.checksum)
    for triple in triples:
        p = triple.predicate.value
        if p != rdf_type and p not in wanted:
            continue
        s, o = triple.subject, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == rdf_type:
            if isinstance(o, ox.NamedNode) and o.value == activity:
                activities.add(s.value)
            continue
        by_subject.setdefault(s.value, {})[p] = o.value if isinstance(o, ox.NamedNode | ox.Literal) else ""
        if p == download and isinstance(o, ox.NamedNode):
            downloads[s.value] = o.value
        elif p == checksum and isinstance(o, ox.NamedNode):
            checksums[s.value] = o.value
    return by_subject, downloads, checksums, activities


def check_outputs(out_dir: Path) -> list[str]:
    """What makes the folder's dumps not one build's (empty when they are, or when its
    ``void.ttl`` has no manifest to compare with): one sentence per file."""
    return _problems(out_dir, read_manifest(out_dir))


def _problems(out_dir: Path, manifest: Manifest | None) -> list[str]:
    if manifest is None:
        return []
    problems: list[str] = []
    for name in DUMP_NAMES:
        path = out_dir / name
        listed = manifest.outputs.get(name)
        if not path.is_file():  # a dump left out is no mix: the others still belong together
            continue
        if listed is None:
            problems.append(
                f"{name} is not an output of the build void.ttl describes (an earlier build left it)"
            )
        elif path.stat().st_size != listed.size:
            problems.append(
                f"{name} has changed since the build void.ttl describes ({listed.size} bytes listed)"
            )
    return problems


def verify_outputs(out_dir: Path) -> list[str]:
    """As :func:`check_outputs`, and each listed dump's SHA-256 compared too (reads every dump)."""
    manifest = read_manifest(out_dir)
    problems = _problems(out_dir, manifest)
    if manifest is None:
        return problems
    for name, listed in sorted(manifest.outputs.items()):
        path = out_dir / name
        if (
            path.is_file()
            and path.stat().st_size == listed.size
            and digest_file(path).sha256 != listed.sha256
        ):
            problems.append(f"{name} does not have the SHA-256 void.ttl lists for it")
    return problems


def ensure_consistent(out_dir: Path, error: type[ExilekgError]) -> Manifest | None:
    """Raise ``error`` when the folder's dumps come from different builds, naming the files; else
    the manifest they were compared with (None when ``void.ttl`` holds none), for the caller to use
    rather than read again."""
    manifest = read_manifest(out_dir)
    problems = _problems(out_dir, manifest)
    if problems:
        raise error(
            "the folder's outputs come from different builds: " + "; ".join(problems),
            path=out_dir,
            hint="build into it again (`exilekg build CORPUS --out DIR`), or delete the files "
            "void.ttl does not list",
        )
    return manifest
