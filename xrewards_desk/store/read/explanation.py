"""A stored account's explanation: :func:`~xrewards_desk.domain.explain.explain` over its
whole ledger as the engine's entries, for the customer page's explain dialog.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from xrewards_desk.domain.calendar import require_aware
from xrewards_desk.domain.explain import Sentence, explain
from xrewards_desk.domain.model import Allocation, Claim, Discount, Entry, Source
from xrewards_desk.store.read.accounts import account_state, last_day_to_redeem, window_end
from xrewards_desk.store.tables import ALLOCATIONS, CLAIMS, DISCOUNTS, ENTRIES, Db, connection


def ledger_entries(db: Db, account_id: str) -> list[Entry]:
    """The account's whole ledger as the engine's entries, in the order written (for
    :func:`~xrewards_desk.domain.explain.explain`)."""
    conn = connection(db)
    e, a = ENTRIES.c, ALLOCATIONS.c
    allocations: dict[str, list[Allocation]] = {}
    for entry_id, lot_id, points in conn.execute(
            select(a.entry_id, a.lot_id, a.points).join(ENTRIES, e.id == a.entry_id)
            .where(e.account_id == account_id).order_by(e.seq, a.seq)):
        allocations.setdefault(entry_id, []).append(Allocation(lot_id, points))
    return [Entry(entry_id, account_id, at, kind, points, Source(source_kind, source_ref),
                  tuple(allocations.get(entry_id, ())), note)
            for entry_id, at, kind, points, source_kind, source_ref, note in conn.execute(
                select(e.id, e.at, e.type, e.points, e.source_kind, e.source_ref, e.note)
                .where(e.account_id == account_id).order_by(e.seq))]


def explanation(db: Db, account_id: str, now: datetime, language: str) -> list[Sentence]:
    """:func:`~xrewards_desk.domain.explain.explain` for a stored account as of `now`
    (its whole ledger, its lots with points left, R23's window where one applies, its
    status and notice, its discount code and its R22 claims, each by its id); [] for an
    unknown account."""
    now = require_aware(now)
    conn = connection(db)
    known = account_state(conn, account_id)
    if known is None:
        return []
    program, acc = known
    code = conn.execute(select(DISCOUNTS).where(DISCOUNTS.c.account_id == account_id)).first()
    if code is not None:
        acc.discount = Discount(code.valid_until, code.registered_at, code.used_on,
                                code.voided)
    claims = [(str(c.id), Claim(c.account_id, c.at, c.amount,
                                Source(c.source_kind, c.source_ref), c.reason))
              for c in conn.execute(select(CLAIMS).where(CLAIMS.c.account_id == account_id)
                                    .order_by(CLAIMS.c.at, CLAIMS.c.id))]
    return explain(ledger_entries(conn, account_id), acc.lots, now, language,
                   window_until=last_day_to_redeem(window_end(program, acc)), account=acc,
                   claims=claims)


__all__ = ["explanation", "ledger_entries"]
