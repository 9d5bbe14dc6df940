"""The read side's view of a stored account, shared by the customer page, the search
results, the ledger history and the statement: the engine's account and program from a
store, R11's balances as of an instant, and the expiries due that are not written yet.

Every function takes a :class:`~sqlalchemy.orm.Session` or a
:class:`~sqlalchemy.engine.Connection` of a store (the desktop's local SQLite copy, or the
server's store) and reads it in SQLAlchemy Core; the UI calls them from worker threads.

Balances are R11's, as of the instant asked: the remaining points of the lots not
expired by then, minus debt. A lot whose expiry instant has passed counts as expired even
where its ``expiry`` entry is not written yet (R10: the engine writes expiries lazily; the
server writes them as time passes, a desktop sees them at its next sync). A lot's points
expire at its own instant (R9) or at R23's window end where that comes first
(:func:`window_end`, from the domain's account and program). These sums run in the
database over an index (``ix_lots_account_expiry``) rather than through the engine's
``as_of``, which costs an account with thousands of lots a notice per expiry listing
every lot. A past balance is the ledger's sum up to the instant plus the expiries due by
then that are not written yet. The local store keeps only the records of the change feed:
the engine's counters, an order's redemption lots and a lot's transfer pieces keep their
defaults there, and nothing here reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.engine import Connection, Row

from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.domain.model import (
    Account,
    Allocation,
    Discount,
    Entry,
    EntryType,
    Lot,
    Program,
    Source,
    SourceKind,
    Status,
)
from xrewards_desk.store.ledger import unapproved_adjustments
from xrewards_desk.store.tables import (
    ACCOUNTS,
    BILLING,
    ENTRIES,
    LOTS,
    ORGANISATIONS,
    PROGRAM,
    Db,
    connection,
)

#: "expiring soon" on the search results and the customer page: expiring after now and at
#: or before now + 30 days (as the demo counts them)
SOON = timedelta(days=30)


def stored_program(conn: Connection) -> Program:
    row = conn.execute(select(PROGRAM.c.launch, PROGRAM.c.ended_at)).first()
    return Program() if row is None else Program(row.launch, row.ended_at)


def _lot(row: Row[Any]) -> Lot:
    return Lot(row.id, row.account_id, row.seq, row.credited_at, row.usable_until,
               row.expires_at, row.points, row.remaining,
               Source(row.source_kind, row.source_ref), row.root, row.parent, row.redeemed,
               (), row.void_claimant)


#: a lot's columns but its transfer pieces (JSON, and not in a desktop's store)
_LOT_COLUMNS = tuple(c for c in LOTS.c if c.name != "transferred")


def held_lots(conn: Connection, account_ids: Sequence[str],
               due_by: datetime | None = None) -> dict[str, list[Row[Any]]]:
    """The lots with points left (R11: only they make up a balance or can expire),
    oldest credit first; with `due_by`, only those whose own expiry instant is at or
    before it (R9)."""
    found: dict[str, list[Row[Any]]] = {a: [] for a in account_ids}
    if not account_ids:
        return found
    query = select(*_LOT_COLUMNS).where(LOTS.c.account_id.in_(account_ids),
                                        LOTS.c.remaining > 0)
    if due_by is not None:
        query = query.where(LOTS.c.expires_at <= due_by)
    for row in conn.execute(query.order_by(LOTS.c.account_id, LOTS.c.credited_at,
                                           LOTS.c.seq)):
        found[row.account_id].append(row)
    return found


def stored_account(row: Row[Any], lots: Iterable[Row[Any]] = (), discount: Discount | None = None,
             candidates: tuple[str, ...] = ()) -> Account:
    """The engine's account from a stored row and (some of) its lots with points left."""
    return Account(
        id=row.id, org=row.organisation_id, billing=row.billing_account_id, email=row.email,
        registered_at=row.registered_at, status=row.status, status_at=row.status_at,
        spend=row.spend, debt=row.debt,
        lots=sorted((_lot(r) for r in lots), key=Lot.sort_key),
        referred_by=row.referred_by, referral_void=row.referral_void, discount=discount,
        has_completed_order=row.has_completed_order, first_order=row.first_order,
        first_order_candidates=candidates, claims=row.claims_total, notice_at=row.notice_at,
        unapproved_adjustments=unapproved_adjustments(row.unapproved_adjustments))


def window_end(program: Program, acc: Account) -> datetime | None:
    """R23: the instant everything left expires after a provider's termination with
    notice or the program's end (the earlier of the two), as the engine applies it: to
    active and terminated accounts. None where no window applies."""
    if acc.status not in (Status.ACTIVE, Status.TERMINATED):
        return None
    ends = [e for e in (acc.redemption_window_end(), program.redemption_window_end())
            if e is not None]
    return min(ends) if ends else None


def as_of_status(acc: Account, now: datetime) -> Account:
    """R23: the account as time has changed it by `now`: one whose provider's notice took
    effect (the start of the day after its effective date) is `terminated` from that
    instant, whether or not the server's time-passing job has written it yet (a desktop
    sees that at its next sync). Changes `acc` in place and returns it."""
    takes_effect = acc.terminates_at()
    if takes_effect is not None and takes_effect <= now:
        acc.status, acc.status_at = Status.TERMINATED, takes_effect
    return acc


def provider_notice(db: Db, account_id: str) -> datetime | None:
    """R23: when a provider's notice was given to the account; None if none was."""
    found: datetime | None = connection(db).execute(
        select(ACCOUNTS.c.notice_at).where(ACCOUNTS.c.id == account_id)).scalar()
    return found


def last_day_to_redeem(window: datetime | None) -> date | None:
    """R23: the last Berlin date of a redemption window that ends at `window` (the start
    of the next day); None where no window applies."""
    return None if window is None else berlin_date(window - timedelta(microseconds=1))


def expiry_instant(expires_at: datetime, credited_at: datetime,
                   window: datetime | None) -> datetime:
    """When a lot's points expire: its own expiry (R9), or R23's window end where that
    comes first, never before the lot's credit (as the engine's expiry does)."""
    if window is None or expires_at < window:
        return expires_at
    return max(window, credited_at)


@dataclass(frozen=True, slots=True)
class Held:
    """An account's points as of now: R11's balance, its debt, and what expires within
    SOON."""

    balance: int
    debt: int
    expiring_soon: int
    window: datetime | None


def holdings(conn: Connection, program: Program, accounts: Sequence[Account],
              now: datetime) -> dict[str, Held]:
    """R10/R11 for several accounts at once, summed in the database: the remaining points
    of lots not expired by `now`, minus debt; and those that expire after now and within
    30 days. A lot's own expiry instant decides (R9), unless an R23 window ends first:
    then everything left expires at the window's end."""
    if not accounts:
        return {}
    soon = now + SOON
    lots = LOTS.c
    alive = lots.expires_at > now
    rows = conn.execute(
        select(lots.account_id,
               func.sum(case((alive, lots.remaining), else_=0)),
               func.sum(case((and_(alive, lots.expires_at <= soon), lots.remaining),
                             else_=0)))
        .where(lots.account_id.in_([a.id for a in accounts]), lots.remaining > 0)
        .group_by(lots.account_id))
    sums = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in rows}
    found = {}
    for acc in accounts:
        held, expiring = sums.get(acc.id, (0, 0))
        window = window_end(program, acc)
        if window is not None and window <= now:
            held = expiring = 0  # everything left expired at the window's end
        elif window is not None and window <= soon:
            expiring = held  # everything left expires at the window's end, within 30 days
        found[acc.id] = Held(held - acc.debt, acc.debt, expiring, window)
    return found


def pending_expiries(conn: Connection, program: Program, acc: Account, before: datetime,
                      inclusive: bool) -> list[Entry]:
    """The expiries due by `before` that the ledger does not hold yet, as the engine will
    write them (R10: lazily, before the next action on the account): one ``expiry``
    entry per lot with points left, dated at the instant it expired, earliest first, ties
    in R13's order. (Not through the engine itself: each expiry it writes sends a notice
    listing every lot held, which costs the square of the lots for an account that has
    not been touched for a while.) Their ids are empty: they are not written yet."""
    window = window_end(program, acc)
    due_by = None if window is not None and window <= before else before
    due = []
    for lot in held_lots(conn, [acc.id], due_by)[acc.id]:
        when = expiry_instant(lot.expires_at, lot.credited_at, window)
        if when < before or (inclusive and when == before):
            due.append((when, lot.credited_at, lot.seq, lot.id, lot.remaining))
    due.sort()
    return [Entry("", acc.id, when, EntryType.EXPIRY, -left, Source(SourceKind.EXPIRY, lot_id),
                  (Allocation(lot_id, left),))
            for when, _credited, _seq, lot_id, left in due]


def named_account(account_id: str, *columns: Any) -> Select[Any]:
    """The account's row with its organisation's and billing account's names
    (``organisation_name``, ``billing_name``; None where that row is not in the store),
    and `columns` of further tables the caller joins."""
    return (select(ACCOUNTS, ORGANISATIONS.c.name.label("organisation_name"),
                   BILLING.c.name.label("billing_name"), *columns)
            .outerjoin(ORGANISATIONS, ORGANISATIONS.c.id == ACCOUNTS.c.organisation_id)
            .outerjoin(BILLING, BILLING.c.id == ACCOUNTS.c.billing_account_id)
            .where(ACCOUNTS.c.id == account_id))


def account_state(db: Db, account_id: str, *,
                  with_lots: bool = True) -> tuple[Program, Account] | None:
    """The program and the engine's account with its lots that hold points (or none):
    what :func:`~xrewards_desk.domain.explain.explain` and previews take. The engine's
    counters and first-order candidates are not in a desktop's store and keep their
    defaults. None for an unknown account."""
    conn = connection(db)
    row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.id == account_id)).first()
    if row is None:
        return None
    lots = held_lots(conn, [account_id])[account_id] if with_lots else []
    return stored_program(conn), stored_account(row, lots)


def alive_lots(lots: Iterable[Row[Any]], window: datetime | None,
           now: datetime) -> Iterator[tuple[Row[Any], datetime, date]]:
    """The lots not expired by `now`, each with the instant its points expire and its
    last usable Berlin date (R9, or R23's window where that ends first)."""
    for lot in lots:
        expires = expiry_instant(lot.expires_at, lot.credited_at, window)
        if expires > now:
            yield lot, expires, min(lot.usable_until,
                                    berlin_date(expires - timedelta(microseconds=1)))


def balance_until(conn: Connection, program: Program, acc: Account, t: datetime,
                  inclusive: bool) -> int:
    """R10/R11: the ledger's sum up to `t` (at or before it, or only before it) plus the
    expiries due by then that are not written yet."""
    e = ENTRIES.c
    when = e.at <= t if inclusive else e.at < t
    written = conn.execute(select(func.coalesce(func.sum(e.points), 0))
                           .where(e.account_id == acc.id, when)).scalar_one()
    pending = pending_expiries(conn, program, acc, t, inclusive)
    return int(written) + sum(x.points for x in pending)


__all__ = [
    "SOON",
    "Db",
    "Held",
    "account_state",
    "alive_lots",
    "as_of_status",
    "balance_until",
    "expiry_instant",
    "held_lots",
    "holdings",
    "last_day_to_redeem",
    "named_account",
    "pending_expiries",
    "provider_notice",
    "stored_account",
    "stored_program",
    "window_end",
]
