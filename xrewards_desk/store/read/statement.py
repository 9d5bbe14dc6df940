"""An account's balance at an instant, its balance over time for the chart, and the data
of its statement (Kontoauszug) for a period of Berlin dates, written-out expiries and the
ones due but not written yet alike (R10; see :mod:`~xrewards_desk.store.read.accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from xrewards_desk.domain.calendar import (
    berlin_date,
    end_of_day_exclusive,
    require_aware,
    start_of_day,
)
from xrewards_desk.domain.explain import entry_label
from xrewards_desk.domain.model import EntryType, SourceKind
from xrewards_desk.store.read.accounts import (
    account_state,
    alive_lots,
    balance_until,
    held_lots,
    holdings,
    named_account,
    pending_expiries,
    stored_account,
    stored_program,
)
from xrewards_desk.store.read.history import HistoryFilter, iter_history
from xrewards_desk.store.tables import (
    ENTRIES,
    Db,
    connection,
)

#: at most about this many points in a balance chart (two per bucket: its low and high)
SERIES_POINTS = 1000

def balance_as_of(db: Db, account_id: str, at: datetime) -> int:
    """R10/R11: the balance as of `at`: every entry at or before `at`, and no lot whose
    expiry instant is at or before `at`, whether or not its expiry entry is written yet.
    0 for an unknown account."""
    at = require_aware(at)
    conn = connection(db)
    known = account_state(conn, account_id, with_lots=False)
    if known is None:
        return 0
    return balance_until(conn, known[0], known[1], at, inclusive=True)



def balance_series(db: Db, account_id: str,
                   max_points: int = SERIES_POINTS) -> list[tuple[datetime, int]]:
    """The balance after each entry, for a chart: at most about `max_points` points. A
    long history is cut into buckets of consecutive entries, each giving its lowest and
    its highest balance in the order they occurred, so peaks and troughs survive; the
    first and the last entry are always kept. The running sum is read from the covering
    index; only the instants of the points kept are read from the table."""
    conn = connection(db)
    e = ENTRIES.c
    ledger = conn.execute(select(e.seq, e.points).where(e.account_id == account_id)
                          .order_by(e.seq)).all()
    n = len(ledger)
    kept: list[tuple[int, int]] = []  # (seq, balance)
    balance = 0
    if n <= max_points:
        for seq, points in ledger:
            balance += points
            kept.append((seq, balance))
    else:
        buckets = max(1, (max_points - 2) // 2)
        size = -(-(n - 2) // buckets)  # entries per bucket, the first and last aside
        low = high = (0, 0)
        for i, (seq, points) in enumerate(ledger):
            balance += points
            point = (seq, balance)
            if i == 0 or i == n - 1:
                if i == n - 1 and i > 1:
                    kept.extend([low] if low == high else sorted((low, high)))
                kept.append(point)
            elif (i - 1) % size == 0:
                if i > 1:
                    kept.extend([low] if low == high else sorted((low, high)))
                low = high = point
            else:
                if balance < low[1]:
                    low = point
                if balance > high[1]:
                    high = point
    at: dict[int, datetime] = {}
    seqs = [seq for seq, _ in kept]
    for i in range(0, len(seqs), 500):
        at.update(conn.execute(select(e.seq, e.at).where(
            e.account_id == account_id, e.seq.in_(seqs[i:i + 500]))).all())
    return [(at[seq], bal) for seq, bal in kept]


# =========================================================================== statement


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement on a statement. `id` is None for an expiry that fell due in the
    period but is not written to the ledger yet (R10: it has happened all the same)."""

    id: str | None
    at: datetime
    #: the Berlin calendar date of `at`
    day: date
    type: EntryType
    #: the entry type in the statement's language
    label: str
    points: int
    #: the balance after it
    balance: int
    source_kind: SourceKind
    source_ref: str
    note: str


@dataclass(frozen=True, slots=True)
class StatementLot:
    lot_id: str
    credited_at: datetime
    usable_until: date
    remaining: int
    source_kind: SourceKind


@dataclass(frozen=True, slots=True)
class Statement:
    """The data of a customer's statement (Kontoauszug) for a period of Berlin dates."""

    account_id: str
    name: str
    email: str
    organisation: str
    billing_account: str
    language: str
    #: as asked (None: since the first entry / up to now)
    period_from: date | None
    period_to: date | None
    generated_at: datetime
    #: the balance before the period's first day began, and at the end of its last day
    #: (or now, for a period that has not ended): opening + the entries' points = closing
    opening: int
    closing: int
    #: the period's credits (sum of positive points) and debits (sum of negative points)
    credits: int
    debits: int
    entries: tuple[StatementLine, ...]
    #: the lots usable as of `generated_at` with their dates (R9), oldest credit first
    lots: tuple[StatementLot, ...]
    #: R11 as of `generated_at`
    balance: int
    debt: int
    #: R23: the last instant points can be redeemed, where a window applies
    redeem_until: datetime | None


def statement(db: Db, account_id: str, period_from: date | None, period_to: date | None,
              now: datetime, language: str) -> Statement | None:
    """A statement of `period_from` to `period_to` (Berlin dates, both included; None
    leaves that end open) as of `now`; None for an unknown account."""
    now = require_aware(now)
    if period_from is not None and period_to is not None and period_to < period_from:
        raise ValueError(f"the period ends ({period_to}) before it starts ({period_from})")
    conn = connection(db)
    row = conn.execute(named_account(account_id)).first()
    if row is None:
        return None
    program = stored_program(conn)
    acc = stored_account(row)
    end = now if period_to is None else min(end_of_day_exclusive(period_to), now)
    start = None if period_from is None else min(start_of_day(period_from), end)
    opening = 0 if start is None else balance_until(conn, program, acc, start,
                                                     inclusive=False)
    lines = [StatementLine(r.id, r.at, berlin_date(r.at), r.type,
                           entry_label(r.type, language), r.points, r.balance,
                           r.source_kind, r.source_ref, r.note)
             for r in iter_history(conn, account_id, HistoryFilter(None, period_from, None),
                                    allocations=False, notices=False)
             if r.at < end]
    balance = lines[-1].balance if lines else opening
    for e in pending_expiries(conn, program, acc, end, inclusive=False):
        if start is not None and e.at < start:
            continue
        balance += e.points
        lines.append(StatementLine(None, e.at, berlin_date(e.at), e.type,
                                   entry_label(e.type, language), e.points, balance,
                                   e.source.kind, e.source.ref, e.note))
    held = holdings(conn, program, [acc], now)[acc.id]
    lots = alive_lots(held_lots(conn, [account_id])[account_id], held.window, now)
    return Statement(
        account_id=row.id, name=row.name, email=row.email,
        organisation=row.organisation_name or "", billing_account=row.billing_name or "",
        language=language, period_from=period_from, period_to=period_to, generated_at=now,
        opening=opening, closing=balance_until(conn, program, acc, end, inclusive=False),
        credits=sum(x.points for x in lines if x.points > 0),
        debits=sum(x.points for x in lines if x.points < 0),
        entries=tuple(lines),
        lots=tuple(StatementLot(lot.id, lot.credited_at, last_day, lot.remaining,
                                lot.source_kind) for lot, _expires, last_day in lots),
        balance=held.balance, debt=held.debt, redeem_until=held.window)


__all__ = [
    "SERIES_POINTS",
    "Statement",
    "StatementLine",
    "StatementLot",
    "balance_as_of",
    "balance_series",
    "statement",
]
