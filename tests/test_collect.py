"""The GUI thread's garbage collector (ui/shell/collect.py): the generation it collects
is the one the thresholds say is due, and a full collection waits FULL_SPACING times
longer than the threshold, since the timer looks five times as often as it did (how
long the window waits for it is measured by tests/benchmarks/bench_stall.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from xrewards_desk.ui.shell.collect import FULL_SPACING, collect_due


@pytest.fixture
def collected() -> Iterator[list[int]]:
    """The generations collected while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.collect()  # every count from zero
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


def _counts(gen1_collections: int, gen0_collections: int) -> list[list[int]]:
    """Counts set by collecting: `gen1_collections` collections of generation 1 (each
    adds one to generation 2's count), then `gen0_collections` of generation 0 (each adds
    one to generation 1's), then more new objects than generation 0's threshold."""
    for _ in range(gen1_collections):
        gc.collect(1)
    for _ in range(gen0_collections):
        gc.collect(0)
    kept: list[list[int]] = [[] for _ in range(gc.get_threshold()[0] + 300)]  # alive
    return kept


def _due(collected: list[int], gen1_collections: int, gen0_collections: int,
         full_spacing: int = FULL_SPACING) -> list[int]:
    """The generations `collect_due` collects with the counts `_counts` sets."""
    kept = _counts(gen1_collections, gen0_collections)
    collected.clear()
    collect_due(full_spacing)
    del kept
    return list(collected)


def test_the_young_generation_alone_when_only_its_threshold_is_passed(
        collected: list[int]) -> None:
    assert _due(collected, 0, 0) == [0]


def test_generation_one_when_generation_zero_was_collected_past_its_threshold(
        collected: list[int]) -> None:
    threshold1 = gc.get_threshold()[1]
    assert _due(collected, 0, threshold1 + 1) == [1]


def test_a_full_collection_waits_for_spacing_times_the_threshold(
        collected: list[int]) -> None:
    _, threshold1, threshold2 = gc.get_threshold()
    # past generation 2's threshold, not past it times FULL_SPACING: generation 1 only
    kept = _counts(threshold2 + 1, threshold1 + 1)
    assert threshold2 < gc.get_count()[2] <= threshold2 * FULL_SPACING
    collected.clear()
    collect_due()
    assert collected == [1]
    del kept

    gc.collect()
    kept = _counts(threshold2 * FULL_SPACING + 1, threshold1 + 1)
    collected.clear()
    collect_due()
    assert collected == [2]
    del kept


def test_nothing_when_no_threshold_is_passed(collected: list[int]) -> None:
    gc.collect()
    collected.clear()
    assert collect_due() == 0
    assert collected == []


def test_the_tests_own_collections_take_the_threshold_as_it_is(
        collected: list[int]) -> None:
    # tests/conftest.py collects once a test, not each 100 ms: no spacing there
    _, threshold1, threshold2 = gc.get_threshold()
    assert _due(collected, threshold2 + 1, threshold1 + 1, full_spacing=1) == [2]
