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

The package's parts: :mod:`~exilekg.incremental.state` the state file and what a build may reuse;
:mod:`~exilekg.incremental.digests` the units' digests; :mod:`~exilekg.incremental.splice` the
unit-by-unit write; :mod:`~exilekg.incremental.files` the dumps' bytes; :mod:`~exilekg.incremental.text`
Turtle and TriG; :mod:`~exilekg.incremental.jsonld` JSON-LD.
"""

from __future__ import annotations

from exilekg.incremental.digests import mentions_digest, unit_digest
from exilekg.incremental.files import Unspliceable
from exilekg.incremental.splice import Spliced, write_spliced
from exilekg.incremental.state import (
    STATE_NAME,
    BuildState,
    Loadable,
    Reuse,
    UnitState,
    build_inputs,
    changed_graph_lines,
    changed_units,
    graph_digests,
    read_loadable,
    read_state,
    unit_lines,
    usable_state,
)

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
    "changed_units",
    "graph_digests",
    "mentions_digest",
    "read_loadable",
    "read_state",
    "unit_digest",
    "unit_lines",
    "usable_state",
    "write_spliced",
]
