"""Every conformance vector, replayed through the store instead of memory (issue 3, item 2):
each action loads the state it touches from the database, applies it through the engine,
and saves what it wrote in one transaction. The results must equal the vectors'."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED
from xrewards_desk.conformance import run_vector, vector_files
from xrewards_desk.domain.memory import MemoryStore
from xrewards_desk.store.ledger import Ledger

OURS = sorted(vector_files([ROOT / "tests" / "vectors"]))
PUBLIC = sorted(vector_files([SHARED / "vectors"])) if (SHARED / "vectors").is_dir() else []


def _replay(backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    stores = []

    def fresh() -> Ledger:
        store = backend.new_store()
        stores.append(store)
        return Ledger(store)

    try:
        result = run_vector(path, fresh)
    finally:
        for store in stores:
            store.close()
    assert result.malformed is None, result.malformed
    assert result.mismatch is None, result.line()


@pytest.mark.skipif(not PUBLIC, reason="../shared/vectors is not beside this checkout")
@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.stem)
def test_public_vector_through_the_store(backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    _replay(backend, path)


@pytest.mark.parametrize("path", OURS, ids=lambda p: p.stem)
def test_our_vector_through_the_store(backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    _replay(backend, path)


@pytest.mark.parametrize("path", OURS + PUBLIC, ids=lambda p: p.stem)
def test_the_store_keeps_exactly_what_memory_keeps(sqlite_backend, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Stronger than the vectors' checks: after a whole vector, every account (with its
    lots, discount, open cases), order, case, ledger entry, notice and claim loaded back
    from the store equals the in-memory run's, field by field."""
    memories: list[MemoryStore] = []
    ledgers: list[Ledger] = []

    def memory() -> MemoryStore:
        memories.append(MemoryStore())
        return memories[-1]

    def stored() -> Ledger:
        ledgers.append(Ledger(sqlite_backend.new_store()))
        return ledgers[-1]

    try:
        assert run_vector(path, memory).passed
        assert run_vector(path, stored).passed
        mem, led = memories[0], ledgers[0]
        for account_id, acc in mem.accounts.items():
            assert led.account(account_id) == acc
            assert led.entries_of(account_id) == mem.entries_of(account_id)
            assert led.notices_of(account_id) == mem.notices_of(account_id)
            assert led.claims_of(account_id) == mem.claims_of(account_id)
        for order_id, order in mem.orders.items():
            assert led.order(order_id) == order
        for case_id, case in mem.cases.items():
            assert led.case(case_id) == case
        assert led.events() == mem.events
        assert led.state_of().program == mem.program
    finally:
        for ledger in ledgers:
            ledger.store.close()
