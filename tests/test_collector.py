"""exilekg.collector: the cyclic garbage collector paused for builds, aged for publishes."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from exilekg.collector import Aging, paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    """A garbage cycle only the collector can free; a weak reference to see whether it was."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    enabled = gc.isenabled()
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_paused_turns_the_collector_off_and_back_on() -> None:
    gc.enable()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_paused_restores_the_collector_when_the_block_raises() -> None:
    gc.enable()
    with pytest.raises(KeyError), paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_aging_freezes_what_exists_and_unfreezes_it_at_the_end() -> None:
    kept = [_Node() for _ in range(10)]
    with Aging(every=2):
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_a_cycle_a_step_drops_is_collected_before_the_freeze() -> None:
    gc.disable()  # only the steps' collections may free it
    with Aging(every=3) as aging:
        before = gc.get_freeze_count()
        dropped = _cycle()
        aging.step()
        aging.step()
        assert dropped() is not None  # not the third step yet
        aging.step()
        assert dropped() is None
        assert gc.get_freeze_count() >= before  # the survivors frozen, the cycle not among them


def test_survivors_are_frozen_every_few_steps() -> None:
    with Aging(every=2) as aging:
        start = gc.get_freeze_count()
        alive = [_Node() for _ in range(50)]
        aging.step()
        assert gc.get_freeze_count() == start  # one step: not yet
        aging.step()
        assert gc.get_freeze_count() >= start + len(alive)
    assert gc.get_freeze_count() == 0


def test_a_run_inside_another_leaves_the_unfreezing_to_the_outer_one() -> None:
    with Aging():
        with Aging() as inner:
            inner.step()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_every_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Aging(every=0)
