"""What exilekg asks of Python's cyclic garbage collector during long runs.

Each collection of the oldest generation walks every live object that may hold references. A
build makes no garbage cycles worth collecting, so it pauses the collector (:func:`paused`). A
publish does make some (a chart's objects point at each other), but what it keeps alive grows as it
goes: the rows of the nodes it has read, kept for the next pages (about half a million objects for
a 100k-triple site). Each full collection walked them all again, so that the collector's share of a
publish grew with the site (8% of a 100k-triple publish, 13% at 300k). :class:`Aging` collects what
the last pages made and then freezes the survivors (:func:`gc.freeze`): later collections walk only
what is newer, and what is frozen is still freed by reference counting when it is dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

__all__ = ["Aging", "paused"]


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration of the block.

    A build creates millions of small objects and frees them by reference counting;
    it makes no garbage cycles worth collecting, yet each generation-2 collection
    walks every live object (the whole corpus and grouping): a third of a large
    build's time went there. The collector's earlier state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Aging:
    """A long run of steps (pages) during which what survives is frozen every ``every`` steps.

    Used as a context manager: entering freezes what exists already (what every step reads, made
    before the run; in a process about to fork workers it also keeps the workers' collections from
    writing to the pages they share with it), and leaving unfreezes what was frozen, so that cycles
    among those objects can be collected again; a run inside another (a forked worker's, whose
    parent froze before forking) leaves that to the outer one. Only objects alive at a freeze are
    frozen: a cycle a step makes and drops is collected with that step's garbage, before the freeze.
    """

    def __init__(self, every: int = 8) -> None:
        if every < 1:
            raise ValueError("every must be at least 1")
        self.every = every
        self.steps = 0
        self.outermost = False

    def __enter__(self) -> Aging:
        self.outermost = gc.get_freeze_count() == 0
        gc.freeze()
        return self

    def step(self) -> None:
        """One step done: every ``every`` steps, its garbage collected and the survivors frozen."""
        self.steps += 1
        if self.steps % self.every == 0:
            gc.collect()
            gc.freeze()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.outermost:
            gc.unfreeze()
