"""No text of the contract may hold a NUL character (contract/common.py: ``Model``'s
check, run on every model's input; no database keeps one faithfully). The walk that looks
for one finds it at any depth, in keys as in values, and nowhere else."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from xrewards_desk.contract import commands as c
from xrewards_desk.contract.common import _has_nul


class Kind(StrEnum):
    PLAIN = "plain"
    NUL = "a\x00b"


def _reference(value: Any) -> bool:
    """What the walk must answer, by its definition: some string met holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_reference(k) or _reference(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_reference(v) for v in value)
    return False


TEXT = st.text(alphabet=st.sampled_from("ab\x00é\U0001f600"), max_size=4)
LEAF = TEXT | st.integers() | st.none() | st.booleans() | st.sampled_from(list(Kind)) \
    | st.binary(max_size=3)
KEY = TEXT | st.integers() | st.tuples(TEXT, st.integers())
VALUES = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner) | st.dictionaries(KEY, inner, max_size=4),
                      max_leaves=30)


@given(VALUES)
def test_the_walk_finds_a_nul_wherever_one_is(value: Any) -> None:
    assert _has_nul(value) is _reference(value)


def _batch(**event: Any) -> dict[str, Any]:
    paid = {"type": "order_paid", "order": "O-1", **event}
    return {"events": [{"key": "k-1", "event": {"type": "order_delivered", "order": "O-0"}},
                       {"key": "k-2", "event": paid}]}


@pytest.mark.parametrize("batch", [
    _batch(order="O-\x001"),
    _batch(paid_by="\x00"),
    _batch(**{"unknown\x00": "x"}),
    {"events": [{"key": "k-\x00", "event": {"type": "order_paid", "order": "O-1"}}]},
])
def test_a_nul_anywhere_in_a_batch_is_refused(batch: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="text must not contain NUL characters"):
        c.ShopEventBatch.model_validate(batch)
    assert c.ShopEventBatch.model_validate(_batch()).events[1].event.order == "O-1"
