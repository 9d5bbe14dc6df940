"""The store's own promises, on SQLite and PostgreSQL: exact money, aware instants,
versions that refuse a stale save, and an action that is refused writes nothing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm.exc import StaleDataError

from tests.people import SHOP
from xrewards_desk.domain import BERLIN, Code, Deliver, Pay, PlaceOrder, Refusal, Register
from xrewards_desk.domain.model import EntryType, SourceKind
from xrewards_desk.store.ledger import Ledger
from xrewards_desk.store.models import (
    AccountRow,
    ClaimRow,
    ClaimState,
    LedgerEntry,
    LotRow,
    NoticeRow,
    OrderRow,
)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


@pytest.fixture
def ledger(store):  # type: ignore[no-untyped-def]
    """Customer A (ACME) earned on order O1 of 1,234.56 EUR net, completed 10.01.2025:
    R7 bronze earns 1 point per full EUR, so one lot of 1,234 points (R9: usable through
    10.01.2026, expiring at the start of 11.01.2026, Berlin)."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "A", "ACME", "ACME-1", "a@acme.example"))
    led.run(PlaceOrder(at(2025, 1, 10), SHOP, "O1", "A", Decimal("1234.56")))
    led.run(Pay(at(2025, 1, 10, 11), SHOP, "O1"))
    led.run(Deliver(at(2025, 1, 10, 12), SHOP, "O1"))
    return led


def _claim(account: str = "A", amount: str = "12.34") -> ClaimRow:
    return ClaimRow(account_id=account, at=at(2025, 2, 1), amount=Decimal(amount),
                    source_kind=SourceKind.ABUSE_CASE, source_ref="case-1", reason="test")


def test_money_is_exact_both_ways(ledger: Ledger) -> None:
    amounts = ["0.01", "0.10", "12345678.91", "-250.05", "99999999.99"]
    with ledger.store.session() as s:
        s.add_all(_claim(amount=a) for a in amounts)
    with ledger.store.session() as s:
        got = s.scalars(select(ClaimRow.amount).order_by(ClaimRow.id)).all()
        spend = s.get(AccountRow, "A").spend  # type: ignore[union-attr]
    assert got == [Decimal(a) for a in amounts]
    assert all(type(g) is Decimal for g in got)
    assert spend == Decimal("1234.56") and type(spend) is Decimal


def test_a_float_or_a_fraction_of_a_cent_is_refused_and_nothing_is_written(
        ledger: Ledger) -> None:
    for bad in (12.34, Decimal("0.001")):
        with pytest.raises(StatementError, match=r"float|fractions of a cent"), \
                ledger.store.session() as s:
            s.add(_claim())
            s.add(ClaimRow(account_id="A", at=at(2025, 2, 1), amount=bad,  # type: ignore[arg-type]
                           source_kind=SourceKind.ABUSE_CASE, source_ref="c", reason="r"))
    with ledger.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ClaimRow)) == 0


def test_instants_must_be_aware_and_come_back_as_the_same_instant(ledger: Ledger) -> None:
    with pytest.raises(StatementError, match="no time zone"), ledger.store.session() as s:
        s.add(ClaimRow(account_id="A", at=datetime(2025, 2, 1, 10), amount=Decimal("1.00"),
                       source_kind=SourceKind.ABUSE_CASE, source_ref="c", reason="r"))
    with ledger.store.session() as s:
        placed = s.get(OrderRow, "O1").placed_at  # type: ignore[union-attr]
    assert placed == at(2025, 1, 10) and placed.utcoffset() is not None


def test_a_decision_on_a_stale_version_is_refused(ledger: Ledger) -> None:
    """Two people read the same claim (each in a transaction of their own, as the app
    reads); both decide; the second to save loses, and nothing of theirs overwrites."""
    with ledger.store.session() as s:
        s.add(_claim())
    with ledger.store.session() as s:
        mine = s.scalars(select(ClaimRow)).one()
    with ledger.store.session() as s:
        theirs = s.scalars(select(ClaimRow)).one()
    assert mine.version == theirs.version == 1
    with ledger.store.session() as s:
        s.add(mine)
        mine.state = ClaimState.INVOICED
    with pytest.raises(StaleDataError), ledger.store.session() as s:
        s.add(theirs)
        theirs.state = ClaimState.WRITTEN_OFF
    with ledger.store.session() as s:
        row = s.scalars(select(ClaimRow)).one()
        assert (row.state, row.version) == (ClaimState.INVOICED, 2)


def _counts(ledger: Ledger) -> tuple[int, ...]:
    with ledger.store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0
                     for t in (LedgerEntry, LotRow, NoticeRow, OrderRow, AccountRow))


def test_a_refused_action_writes_nothing_not_even_a_due_expiry(ledger: Ledger) -> None:
    before = _counts(ledger)
    version = ledger.account("A")
    # 12.01.2026: the lot expired at the start of 11.01.2026 (R9, R10), so the balance is 0
    # and redeeming 100 points is refused (R12 insufficient_points) - and the expiry that
    # the engine would write first is not written either.
    with pytest.raises(Refusal) as refused:
        ledger.run(PlaceOrder(at(2026, 1, 12), SHOP, "O2", "A", Decimal("50.00"), redeem=100))
    assert refused.value.code is Code.INSUFFICIENT_POINTS
    assert _counts(ledger) == before
    assert ledger.account("A") == version
    # An accepted action at the same instant writes the expiry first, at its own instant.
    ledger.run(PlaceOrder(at(2026, 1, 12), SHOP, "O2", "A", Decimal("50.00")))
    entries = ledger.entries_of("A")
    assert [(e.type, e.points) for e in entries] == [(EntryType.EARN, 1234),
                                                     (EntryType.EXPIRY, -1234)]
    assert entries[-1].at == at(2026, 1, 11, 0)
