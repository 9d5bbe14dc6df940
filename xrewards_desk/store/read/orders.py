"""A customer's orders as the agent answers "where are my points for order X?" (issue 19):
each order's dates, cancellations, net, discount code, points redeemed and the lots they
came from, the credit with the tier and rate it earned at, the referral bonus it paid,
and the ledger entries and notices linked to it; for an order not complete yet, what is
missing and the points it would earn if it completed now.

Plain frozen dataclasses, no Qt; every function takes a Session or a Connection of a
store (the desktop's local copy, or the server's) and only reads.

The pending points are the engine's own: the shop's missing events (payment, delivery or
both) are applied now to the state loaded from the store, through
:func:`~xrewards_desk.domain.engine.apply`, the path the server credits a completed order
by (R4, R5, R8), and the outcome is thrown away. So the figure is at the tier the account
holds now; R8 takes the tier held just before the order completes, so it can change
(:attr:`PendingPoints.may_change`).

What a record does not say is read from the ledger: the lots points were redeemed from
are the redemption entry's, less what refunds returned (R13, R14); the referral bonus is
the referrer's ``referral_bonus`` entry for the invitee and the reversals of it (R16,
R19). The tier and rate are the order's own (what the server recorded at completion);
a desktop that synced the order before they travelled has them as 0 until the order
changes again, and says so (``rate`` None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from xrewards_desk.domain.actions import Action, Deliver, Pay
from xrewards_desk.domain.calendar import require_aware
from xrewards_desk.domain.engine import apply, may_earn, needs
from xrewards_desk.domain.model import (
    RATE,
    REFERRAL_BONUS,
    Actor,
    EntryType,
    NoticeKind,
    Order,
    Role,
    SourceKind,
    State,
    Tier,
    tier_for,
)
from xrewards_desk.domain.refusals import Refusal
from xrewards_desk.store import models as m
from xrewards_desk.store.read.abuse import _LocalLookup

Db = Session | Connection

#: who the preview pretends sends the shop's missing events (R27: the service role)
_SHOP = Actor("\x00preview", Role.SERVICE)
#: the tier each earn rate and each referral bonus belongs to (R7)
_TIER_OF_RATE = {rate: tier for tier, rate in RATE.items()}
_TIER_OF_BONUS = {bonus: tier for tier, bonus in REFERRAL_BONUS.items()}


#: an order's state: ``open`` (placed, not both paid and delivered, not cancelled in
#: full, R4), ``completed`` (paid and delivered, even if cancelled in part since),
#: ``cancelled`` (nothing of it left, before or after it completed)
OrderState = Literal["open", "completed", "cancelled"]
#: what an open order waits for before it completes (R4)
Missing = Literal["payment", "delivery"]
#: why an order earns nothing although it completes (R2, R3, R23)
NoEarning = Literal["placed_before_launch", "account_not_active", "program_ended"]
#: what can change pending points before the order completes (R8): ``other_order``
#: (another open order may complete first and lift the tier), ``cancellation`` (lowers
#: the base, R5, R15), ``notice`` (the provider's notice takes effect first, R23)
Change = Literal["other_order", "cancellation", "notice"]


@dataclass(frozen=True, slots=True)
class CancellationInfo:
    """One cancellation: when (None: a total kept before they were recorded one by one),
    how much of the discounted net value, whether nothing was left after it, and the
    ledger entries written at that instant for it (R14 refund, R15 reversal, R16 the
    referrer's reversal)."""

    at: datetime | None
    amount: Decimal
    in_full: bool
    entries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RedeemedLot:
    """Points still redeemed on the order from one lot (R13), and the lot's last day."""

    lot: str
    points: int
    usable_until: date | None = None


@dataclass(frozen=True, slots=True)
class LinkedEntry:
    """A ledger entry of the order (R24), in any of the accounts it moved points in."""

    id: str
    account: str
    at: datetime
    type: EntryType
    points: int
    #: the notice it sent (R24), if any
    notice: str | None


@dataclass(frozen=True, slots=True)
class LinkedNotice:
    """The notice an entry of the order sent (R24)."""

    id: str
    account: str
    kind: NoticeKind
    sent_at: datetime
    points: int
    entry: str


@dataclass(frozen=True, slots=True)
class ReferralBonus:
    """R19: the bonus the invitee's first order paid its referrer; R16: what a full
    cancellation took back (`reversed`, a positive number of points)."""

    referrer: str
    points: int
    at: datetime
    tier: Tier | None
    reversed: int
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PendingPoints:
    """What an order not complete would earn if what is missing arrived now: the engine's
    credit (R5 base, R8 rate of the tier held now, floor), or 0 with the reason where the
    order would earn nothing. The figure can change before the order completes
    (`may_change`, always True; `changes` names what applies to this order)."""

    as_of: datetime
    points: int
    base: Decimal
    #: the tier the account holds now and its rate (R7); rate 0 where nothing is earned
    tier: Tier
    rate: int
    no_earning: NoEarning | None
    changes: tuple[Change, ...]
    may_change: bool = True


# --------------------------------------------------------------------------- the answer


@dataclass(frozen=True, slots=True)
class OrderInfo:
    """One order as the agent is asked about it (issue 19 item 1)."""

    id: str
    account: str
    state: OrderState
    placed_at: datetime
    paid_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    #: net value before the discount code, the code's value, and after it (R18)
    net: Decimal
    discount_code: str | None
    discount: Decimal
    net_after_discount: Decimal
    cancelled: Decimal
    cancellations: tuple[CancellationInfo, ...]
    remaining_net: Decimal
    #: points still redeemed on it (R12, after R14's returns) and the lots they came from
    redeemed: int
    redeemed_lots: tuple[RedeemedLot, ...]
    #: R5's earning base as the order stands
    base: Decimal
    #: what is missing before it completes (R4); empty once complete or cancelled
    missing: tuple[Missing, ...]
    #: whether its completion counted (R2, R3); the points first credited (the earn
    #: entry) and still held after reversals (R15); the tier and rate it earned at (R8:
    #: the tier held just before it completed), None where not known or nothing earned
    earning: bool
    credited: int
    kept: int
    tier: Tier | None
    rate: int | None
    credited_at: datetime | None
    spend_added: Decimal
    referral_bonus: ReferralBonus | None
    entries: tuple[LinkedEntry, ...]
    notices: tuple[LinkedNotice, ...]
    pending: PendingPoints | None


def _session(db: Db) -> Session:
    return db if isinstance(db, Session) else Session(bind=db)


def _conn(db: Db) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def customer_orders(db: Db, account_id: str, now: datetime) -> list[OrderInfo] | None:
    """Every order of the account, newest placed first, with pending points as of `now`
    for those not complete; None for an account not in the store."""
    now = require_aware(now)
    conn = _conn(db)
    if conn.execute(select(m.AccountRow.id).where(m.AccountRow.id == account_id)).first() \
            is None:
        return None
    ids = conn.execute(select(m.OrderRow.id).where(m.OrderRow.account_id == account_id)
                       .order_by(m.OrderRow.placed_at.desc(), m.OrderRow.id.desc())
                       ).scalars().all()
    return _orders(db, ids, now)


def order_detail(db: Db, order_id: str, now: datetime) -> OrderInfo | None:
    """One order by its exact number, or None."""
    found = _orders(db, [order_id], require_aware(now))
    return found[0] if found else None


def order_named(db: Db, number: str) -> tuple[str, str] | None:
    """(order number, customer) of the order a number typed in a search box names (as
    typed, upper or lower case, surrounding blanks ignored), or None; cheap enough for
    every keystroke (one lookup by primary key)."""
    raw = number.strip()
    if not raw:
        return None
    found = _conn(db).execute(select(m.OrderRow.id, m.OrderRow.account_id).where(
        m.OrderRow.id.in_({raw, raw.upper(), raw.lower()})).order_by(m.OrderRow.id)
        .limit(1)).first()
    return None if found is None else (found.id, found.account_id)


def find_order(db: Db, number: str, now: datetime) -> OrderInfo | None:
    """The order a number typed in a search box names (see :func:`order_named`), or None."""
    named = order_named(db, number)
    return None if named is None else order_detail(db, named[0], now)


def pending_points(db: Db, order_id: str, now: datetime) -> PendingPoints | None:
    """The points the order would earn if what is missing (payment, delivery or both)
    arrived at `now`, the engine's figure; None for an unknown order, one complete, or
    one cancelled in full."""
    now = require_aware(now)
    session = _session(db)
    lookup = _LocalLookup(session)
    order = lookup.order(order_id)
    if order is None or order.completed_at is not None or order.fully_cancelled:
        return None
    steps: list[Action] = []
    if order.paid_at is None:
        steps.append(Pay(now, _SHOP, order_id))
    if order.delivered_at is None:
        steps.append(Deliver(now, _SHOP, order_id))
    program = lookup.program()
    state: State = needs(steps[0], lookup).state(program, lookup)
    try:
        for action in steps:
            state = apply(state, action).state
    except Refusal:  # the engine would not take the shop's event now
        return None
    done = state.orders[order_id]
    acc = state.accounts[done.account]
    no_earning: NoEarning | None = None
    if not done.earning:
        no_earning = ("placed_before_launch" if done.placed_at < program.launch
                      else "program_ended" if program.ended(now)
                      else "account_not_active")
    loaded = lookup.account(done.account)
    # the tier the account holds now: before the preview's own credit added its base
    tier = tier_for(loaded.spend) if loaded is not None else acc.tier
    changes: list[Change] = ["cancellation"]
    others = _conn(db).execute(select(m.OrderRow.id).where(
        m.OrderRow.account_id == done.account, m.OrderRow.id != order_id,
        m.OrderRow.completed_at.is_(None), m.OrderRow.cancelled
        < m.OrderRow.net - m.OrderRow.discount).limit(1)).first()
    if others is not None:
        changes.insert(0, "other_order")
    if loaded is not None and loaded.under_notice and may_earn(program, loaded, now):
        changes.append("notice")
    return PendingPoints(now, done.credited, done.base, tier, done.rate, no_earning,
                         tuple(changes))


# --------------------------------------------------------------------------- reading


def _orders(db: Db, ids: Sequence[str], now: datetime) -> list[OrderInfo]:
    if not ids:
        return []
    conn = _conn(db)
    o = m.OrderRow
    rows: dict[str, Row[Any]] = {r.id: r for r in conn.execute(select(o).where(o.id.in_(ids)))}
    if not rows:
        return []
    accounts = {r.account_id for r in rows.values()}
    codes = {account: code for account, code in conn.execute(
        select(m.DiscountCode.account_id, m.DiscountCode.code).where(
            m.DiscountCode.account_id.in_(accounts)))}
    # R19: the invitees whose first order is among these, and their referrers
    firsts: dict[str, str] = {first: referrer for first, referrer in conn.execute(
        select(m.AccountRow.first_order, m.AccountRow.referred_by).where(
            m.AccountRow.id.in_(accounts), m.AccountRow.first_order.in_(ids),
            m.AccountRow.referred_by.is_not(None)))
        if first is not None and referrer is not None}
    cancellations: dict[str, list[tuple[datetime | None, Decimal, bool]]] = {}
    c = m.OrderCancellation
    for order_id, at, amount, in_full in conn.execute(
            select(c.order_id, c.at, c.amount, c.in_full).where(c.order_id.in_(ids))
            .order_by(c.order_id, c.seq)):
        cancellations.setdefault(order_id, []).append((at, amount, in_full))
    entries = _entries(conn, rows, firsts)
    notices = _notices(conn, [e.id for es in entries.values() for e in es])
    redeemed_lots = _redeemed_lots(conn, ids)
    out = []
    for order_id in ids:
        row = rows.get(order_id)
        if row is None:
            continue
        mine = entries.get(order_id, [])
        linked = tuple(LinkedEntry(e.id, e.account_id, e.at, e.type, e.points,
                                   notices[e.id].id if e.id in notices else None)
                       for e in mine)
        out.append(_info(db, row, now, codes.get(row.account_id),
                         cancellations.get(order_id, []), linked,
                         tuple(notices[e.id] for e in mine if e.id in notices),
                         redeemed_lots.get(order_id, ()), order_id in firsts))
    return out


def _entries(conn: Connection, rows: dict[str, Row[Any]],
             firsts: dict[str, str]) -> dict[str, list[Row[Any]]]:
    """Each order's ledger entries (source: the order), and for an invitee's first order
    (`firsts`: order and referrer) the referrer's entries for the invitee (R16, R19), in
    the order they were written."""
    e = m.LedgerEntry
    found: dict[str, list[Row[Any]]] = {}
    for row in conn.execute(select(e).where(e.source_kind == SourceKind.ORDER,
                                            e.source_ref.in_(list(rows)))
                            .order_by(e.at, e.account_id, e.seq)):
        found.setdefault(row.source_ref, []).append(row)
    invitees = {row.account_id: row.id for row in rows.values() if row.id in firsts}
    if invitees:
        for row in conn.execute(select(e).where(
                e.source_kind == SourceKind.REFERRAL, e.source_ref.in_(list(invitees)),
                e.type.in_((EntryType.REFERRAL_BONUS, EntryType.REVERSAL)))
                .order_by(e.at, e.account_id, e.seq)):
            if row.account_id == firsts[invitees[row.source_ref]]:
                found.setdefault(invitees[row.source_ref], []).append(row)
        for order_id, mine in found.items():  # the order's own account first at an instant
            own = rows[order_id].account_id
            mine.sort(key=lambda x: (x.at, x.account_id != own, x.account_id, x.seq))
    return found


def _notices(conn: Connection, entry_ids: list[str]) -> dict[str, LinkedNotice]:
    n = m.NoticeRow
    out: dict[str, LinkedNotice] = {}
    for i in range(0, len(entry_ids), 500):
        for row in conn.execute(select(n).where(n.entry_id.in_(entry_ids[i:i + 500]))):
            out[row.entry_id] = LinkedNotice(row.id, row.account_id, row.kind, row.sent_at,
                                             row.points, row.entry_id)
    return out


def _redeemed_lots(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[RedeemedLot, ...]]:
    """R13/R14 from the ledger: each order's redemption entry took points from lots in
    consumption order; its refunds returned some. What is left, per lot, in that order."""
    e, a = m.LedgerEntry, m.LotAllocation
    taken: dict[str, dict[str, int]] = {}
    for order_id, kind, lot, points in conn.execute(
            select(e.source_ref, e.type, a.lot_id, a.points).join(a, a.entry_id == e.id)
            .where(e.source_kind == SourceKind.ORDER, e.source_ref.in_(list(ids)),
                   e.type.in_((EntryType.REDEMPTION, EntryType.REFUND)))
            .order_by(e.seq, a.seq)):
        lots = taken.setdefault(order_id, {})
        lots[lot] = lots.get(lot, 0) + (points if kind is EntryType.REDEMPTION else -points)
    every = {lot for lots in taken.values() for lot in lots}
    until = {lot: day for lot, day in conn.execute(
        select(m.LotRow.id, m.LotRow.usable_until).where(m.LotRow.id.in_(every)))}
    return {order_id: tuple(RedeemedLot(lot, points, until.get(lot))
                            for lot, points in lots.items() if points > 0)
            for order_id, lots in taken.items()}


def _info(db: Db, row: Row[Any], now: datetime, code: str | None,
          cancellations: list[tuple[datetime | None, Decimal, bool]],
          entries: tuple[LinkedEntry, ...], notices: tuple[LinkedNotice, ...],
          redeemed_lots: tuple[RedeemedLot, ...], first_of_invitee: bool) -> OrderInfo:
    after_discount = row.net - row.discount
    remaining = after_discount - row.cancelled
    recorded = sum((x[1] for x in cancellations), Decimal("0.00"))
    if recorded < row.cancelled:  # a total the store holds without its rows
        cancellations = [(None, row.cancelled - recorded, remaining <= 0), *cancellations]
    cancelled = tuple(
        CancellationInfo(at, amount, in_full, tuple(
            e.id for e in entries if at is not None and e.at == at
            and e.type in (EntryType.REFUND, EntryType.REVERSAL)))
        for at, amount, in_full in cancellations)
    state: OrderState
    if remaining <= 0:
        state = "cancelled"
    elif row.completed_at is not None:
        state = "completed"
    else:
        state = "open"
    missing: tuple[Missing, ...] = ()
    if state == "open":
        wanted: tuple[tuple[Missing, datetime | None], ...] = (
            ("payment", row.paid_at), ("delivery", row.delivered_at))
        missing = tuple(what for what, at in wanted if at is None)
    earn = next((e for e in entries if e.type is EntryType.EARN and e.account == row.account_id),
                None)
    reversed_points = -sum(e.points for e in entries if e.type is EntryType.REVERSAL
                           and e.account == row.account_id)
    credited = earn.points if earn is not None else 0
    rate = row.rate or None
    # R5, as the engine's order computes it
    base = Order(row.id, row.account_id, row.placed_at, row.net, row.discount, row.cancelled,
                 row.redeemed).base
    return OrderInfo(
        id=row.id, account=row.account_id, state=state, placed_at=row.placed_at,
        paid_at=row.paid_at, delivered_at=row.delivered_at, completed_at=row.completed_at,
        net=row.net, discount_code=code if row.discount > 0 else None, discount=row.discount,
        net_after_discount=after_discount, cancelled=row.cancelled, cancellations=cancelled,
        remaining_net=max(Decimal("0.00"), remaining), redeemed=row.redeemed,
        redeemed_lots=redeemed_lots, base=base, missing=missing,
        earning=row.earning or earn is not None, credited=credited,
        kept=max(0, credited - reversed_points),
        tier=_TIER_OF_RATE.get(rate) if rate else None, rate=rate,
        credited_at=earn.at if earn is not None else None, spend_added=row.spend_added,
        referral_bonus=_bonus(entries, row.account_id) if first_of_invitee else None,
        entries=entries, notices=notices,
        pending=pending_points(db, row.id, now) if state == "open" else None)


def _bonus(entries: tuple[LinkedEntry, ...], invitee: str) -> ReferralBonus | None:
    paid = next((e for e in entries if e.type is EntryType.REFERRAL_BONUS), None)
    if paid is None:
        return None
    back = [e for e in entries if e.account == paid.account and e.type is EntryType.REVERSAL]
    return ReferralBonus(paid.account, paid.points, paid.at, _TIER_OF_BONUS.get(paid.points),
                         -sum(e.points for e in back), (paid.id, *(e.id for e in back)))


__all__ = [
    "CancellationInfo",
    "Change",
    "LinkedEntry",
    "LinkedNotice",
    "Missing",
    "NoEarning",
    "OrderInfo",
    "OrderState",
    "PendingPoints",
    "RedeemedLot",
    "ReferralBonus",
    "customer_orders",
    "find_order",
    "order_detail",
    "order_named",
    "pending_points",
]
