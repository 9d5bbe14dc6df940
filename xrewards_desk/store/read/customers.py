"""The desktop's read side: what the customer page, the search results and the ledger
history show, as plain frozen dataclasses (no Qt, no live ORM objects).

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

The ledger history is paged for accounts with 100,000 entries: a page is one indexed
range read plus a few look-ups by the page's entry ids, and its running balances (the
account's real balance after each entry, whatever the filter) are summed in the database
through the covering index ``ix_ledger_entries_history`` (migration 0005).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO, Any, cast

from sqlalchemy import ColumnElement, Table, and_, case, func, or_, select, union_all
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from xrewards_desk.domain.calendar import (
    BERLIN,
    berlin_date,
    end_of_day_exclusive,
    require_aware,
    start_of_day,
)
from xrewards_desk.domain.engine import discount_status
from xrewards_desk.domain.explain import Sentence, entry_label, explain, is_german
from xrewards_desk.domain.model import (
    GOLD_FROM,
    RATE,
    REFERRAL_BONUS,
    SILVER_FROM,
    Account,
    Allocation,
    CaseStatus,
    Claim,
    Discount,
    Entry,
    EntryType,
    Lot,
    NoticeKind,
    Program,
    Source,
    SourceKind,
    Status,
    Tier,
)
from xrewards_desk.store.ledger import unapproved_adjustments
from xrewards_desk.store.models import (
    AbuseCaseAccount,
    AbuseCaseRow,
    AccountRow,
    AdjustmentRequest,
    BillingAccount,
    ClaimRow,
    ClaimState,
    DiscountCode,
    LedgerEntry,
    LotAllocation,
    LotRow,
    MailCase,
    MailCaseStatus,
    NoticeLot,
    NoticeRow,
    Objection,
    ObjectionStatus,
    OrderRow,
    Organisation,
    ProgramRow,
    RequestStatus,
    TransferRequestRow,
)
from xrewards_desk.store.search import Hit

Db = Session | Connection

#: "expiring soon" on the search results and the customer page: expiring after now and at
#: or before now + 30 days (as the demo counts them)
SOON = timedelta(days=30)
#: at most about this many points in a balance chart (two per bucket: its low and high)
SERIES_POINTS = 1000
#: rows read at a time when the whole history is written out (CSV, statement)
_CHUNK = 2000
#: scalar subqueries per statement when summing the gaps between a page's entries
#: (PostgreSQL takes at most 1,664 columns, SQLite 2,000)
_GAPS_PER_STATEMENT = 400


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


ACCOUNTS = _table(AccountRow)
ORGANISATIONS = _table(Organisation)
BILLING = _table(BillingAccount)
DISCOUNTS = _table(DiscountCode)
LOTS = _table(LotRow)
ENTRIES = _table(LedgerEntry)
ALLOCATIONS = _table(LotAllocation)
NOTICES = _table(NoticeRow)
NOTICE_LOTS = _table(NoticeLot)
CLAIMS = _table(ClaimRow)
ORDERS = _table(OrderRow)
PROGRAM = _table(ProgramRow)
MAIL_CASES = _table(MailCase)
OBJECTIONS = _table(Objection)
ABUSE_CASES = _table(AbuseCaseRow)
ABUSE_ACCOUNTS = _table(AbuseCaseAccount)
ADJUSTMENTS = _table(AdjustmentRequest)
TRANSFERS = _table(TransferRequestRow)


def _conn(db: Db) -> Connection:
    return db.connection() if isinstance(db, Session) else db


# =========================================================================== the domain's view


def _program(conn: Connection) -> Program:
    row = conn.execute(select(PROGRAM.c.launch, PROGRAM.c.ended_at)).first()
    return Program() if row is None else Program(row.launch, row.ended_at)


def _lot(row: Row[Any]) -> Lot:
    return Lot(row.id, row.account_id, row.seq, row.credited_at, row.usable_until,
               row.expires_at, row.points, row.remaining,
               Source(row.source_kind, row.source_ref), row.root, row.parent, row.redeemed,
               (), row.void_claimant)


#: a lot's columns but its transfer pieces (JSON, and not in a desktop's store)
_LOT_COLUMNS = tuple(c for c in LOTS.c if c.name != "transferred")


def _held_lots(conn: Connection, account_ids: Sequence[str],
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


def _account(row: Row[Any], lots: Iterable[Row[Any]] = (), discount: Discount | None = None,
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
    found: datetime | None = _conn(db).execute(
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
class _Held:
    """An account's points as of now: R11's balance, its debt, and what expires within
    SOON."""

    balance: int
    debt: int
    expiring_soon: int
    window: datetime | None


def _holdings(conn: Connection, program: Program, accounts: Sequence[Account],
              now: datetime) -> dict[str, _Held]:
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
        found[acc.id] = _Held(held - acc.debt, acc.debt, expiring, window)
    return found


def _pending_expiries(conn: Connection, program: Program, acc: Account, before: datetime,
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
    for lot in _held_lots(conn, [acc.id], due_by)[acc.id]:
        when = expiry_instant(lot.expires_at, lot.credited_at, window)
        if when < before or (inclusive and when == before):
            due.append((when, lot.credited_at, lot.seq, lot.id, lot.remaining))
    due.sort()
    return [Entry("", acc.id, when, EntryType.EXPIRY, -left, Source(SourceKind.EXPIRY, lot_id),
                  (Allocation(lot_id, left),))
            for when, _credited, _seq, lot_id, left in due]


# =========================================================================== search results


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """One account found by a search, with what an agent must see at a glance."""

    #: the customer number
    id: str
    name: str
    email: str
    organisation: str
    status: Status
    tier: Tier
    #: R11, as of now: may be negative (debt)
    balance: int
    debt: int
    #: an open e-mail case or an undecided objection for the account
    open_case: bool
    #: an open abuse case involving the account (R21, R22)
    abuse_review: bool
    #: points that expire after now and within 30 days (0 if none)
    expiring_30_days: int
    #: what the search matched (see :class:`~.search.Hit`)
    matched: str = ""
    how: str = ""
    #: R23: while a provider's notice runs (the account is still active): when it was
    #: given, its effective date and the last day to redeem after it
    notice_at: datetime | None = None
    notice_effective: date | None = None
    notice_redeem_until: date | None = None
    #: R23: the last day to redeem, where a window applies (terminated, program ended)
    redeem_until: date | None = None

    @property
    def in_debt(self) -> bool:
        return self.debt > 0

    @property
    def under_notice(self) -> bool:
        return self.notice_effective is not None


def _open_case_accounts(conn: Connection, account_ids: Sequence[str]) -> set[str]:
    mail = (select(MAIL_CASES.c.account_id)
            .where(MAIL_CASES.c.account_id.in_(account_ids),
                   MAIL_CASES.c.status != MailCaseStatus.CLOSED))
    objections = (select(OBJECTIONS.c.account_id)
                  .where(OBJECTIONS.c.account_id.in_(account_ids),
                         OBJECTIONS.c.status == ObjectionStatus.RECORDED))
    return {r[0] for r in conn.execute(union_all(mail, objections))}


def _abuse_accounts(conn: Connection, account_ids: Sequence[str]) -> set[str]:
    rows = conn.execute(
        select(ABUSE_ACCOUNTS.c.account_id)
        .join(ABUSE_CASES, ABUSE_CASES.c.id == ABUSE_ACCOUNTS.c.case_id)
        .where(ABUSE_ACCOUNTS.c.account_id.in_(account_ids),
               ABUSE_CASES.c.status == CaseStatus.OPEN))
    return {r[0] for r in rows}


def customer_rows(db: Db, hits: Sequence[Hit], now: datetime) -> list[CustomerRow]:
    """The rows of a search result, in the hits' order (an account gone since is left
    out). Five queries, however many hits."""
    now = require_aware(now)
    conn = _conn(db)
    ids = list(dict.fromkeys(h.account_id for h in hits))
    if not ids:
        return []
    program = _program(conn)
    rows = {r.id: r for r in conn.execute(
        select(ACCOUNTS, ORGANISATIONS.c.name.label("organisation_name"))
        .outerjoin(ORGANISATIONS, ORGANISATIONS.c.id == ACCOUNTS.c.organisation_id)
        .where(ACCOUNTS.c.id.in_(ids)))}
    accounts = {i: as_of_status(_account(row), now) for i, row in rows.items()}
    held = _holdings(conn, program, list(accounts.values()), now)
    cases = _open_case_accounts(conn, list(rows))
    abuse = _abuse_accounts(conn, list(rows))
    hit_of = {h.account_id: h for h in reversed(hits)}
    result = []
    for account_id in ids:
        row = rows.get(account_id)
        if row is None:
            continue
        acc, h, hit = accounts[account_id], held[account_id], hit_of[account_id]
        result.append(CustomerRow(
            id=account_id, name=row.name, email=row.email,
            organisation=row.organisation_name or "", status=acc.status, tier=acc.tier,
            balance=h.balance, debt=h.debt, open_case=account_id in cases,
            abuse_review=account_id in abuse, expiring_30_days=h.expiring_soon,
            matched=hit.matched, how=hit.how, **_notice_fields(acc),
            redeem_until=last_day_to_redeem(h.window)))
    return result


def _notice_fields(acc: Account) -> dict[str, Any]:
    """R23: a running provider's notice (the account still active): when it was given,
    its effective date and the last day to redeem after it; all None otherwise."""
    running = acc.under_notice
    return {"notice_at": acc.notice_at if running else None,
            "notice_effective": acc.notice_effective() if running else None,
            "notice_redeem_until": acc.notice_redeem_until() if running else None}


# =========================================================================== customer page


@dataclass(frozen=True, slots=True)
class Profile:
    #: the customer number
    id: str
    name: str
    email: str
    phone: str | None
    language: str
    registered_at: datetime
    status: Status
    #: when the status last changed (closing or termination took effect)
    status_at: datetime | None
    referral_code: str | None


@dataclass(frozen=True, slots=True)
class Colleague:
    """An account sharing the billing account: R20 allows transfers between them."""

    id: str
    name: str
    email: str
    status: Status
    balance: int


@dataclass(frozen=True, slots=True)
class Named:
    """An organisation or a billing account."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ClaimInfo:
    """R22: EUR owed after a confirmed abuse case, as the back office follows it up."""

    claim_id: int
    at: datetime
    amount: Decimal
    reason: str
    state: ClaimState
    state_at: datetime | None
    state_by: str | None
    source_kind: SourceKind
    source_ref: str
    #: the version a decision on it must name
    version: int


@dataclass(frozen=True, slots=True)
class LotInfo:
    """A lot with points left as of now (R9)."""

    lot_id: str
    credited_at: datetime
    #: its last usable Berlin date, and the instant its points expire: R9's, or R23's
    #: window end where that comes first
    usable_until: date
    expires_at: datetime
    points: int
    remaining: int
    source_kind: SourceKind
    source_ref: str
    expiring_within_30_days: bool

    @property
    def expiring_soon(self) -> bool:
        return self.expiring_within_30_days


@dataclass(frozen=True, slots=True)
class DiscountInfo:
    """R18: the invitee's 10 % code."""

    code: str
    valid_until: date
    used_on: str | None
    voided: bool
    #: "usable", "used", "expired", "void", or "first_order_only" (R18: another order was
    #: placed first)
    state: str
    #: None if it can be used on a new order now; otherwise why not (the engine's words)
    unavailable: str | None

    @property
    def usable(self) -> bool:
        return self.unavailable is None


@dataclass(frozen=True, slots=True)
class ReferralInfo:
    """One side of a referral (R17, R19)."""

    id: str
    name: str
    registered_at: datetime
    #: the referral was voided after a confirmed self-referral (R22)
    void: bool


@dataclass(frozen=True, slots=True)
class CaseCounts:
    #: e-mail cases linked to the account and not closed
    mail_cases: int
    #: objections recorded and not decided yet (R25, R28)
    objections: int
    #: open abuse cases involving the account
    abuse_cases: int
    pending_adjustments: int
    #: pending transfer requests from or to the account
    pending_transfers: int

    @property
    def total(self) -> int:
        return (self.mail_cases + self.objections + self.abuse_cases
                + self.pending_adjustments + self.pending_transfers)


@dataclass(frozen=True, slots=True)
class CustomerPage:
    as_of: datetime
    profile: Profile
    organisation: Named
    billing: Named
    #: the other accounts of the same billing account, by customer number (R20)
    colleagues: tuple[Colleague, ...]
    #: R6/R7: spend (EUR), the tier it gives, its earn rate and referral bonus
    tier: Tier
    spend: Decimal
    rate: int
    referral_bonus: int
    #: the next tier and the spend it still needs (None at gold)
    next_tier: Tier | None
    spend_to_next: Decimal | None
    #: R11 as of now (negative in debt), and the debt
    balance: int
    debt: int
    #: R23: the last instant points can be redeemed, where a window applies
    redeem_until: datetime | None
    #: the sum of the open R22 claims' movements (the account's claims total)
    claims_total: Decimal
    claims: tuple[ClaimInfo, ...]
    #: oldest credit first (R13: the order they are used in)
    lots: tuple[LotInfo, ...]
    expiring_30_days: int
    discount: DiscountInfo | None
    #: who referred the customer (`void`: this referral was voided, R22), and whom the
    #: customer referred, oldest first
    referrer: ReferralInfo | None
    referred: tuple[ReferralInfo, ...]
    cases: CaseCounts
    #: R23: while a provider's notice runs (the account is still active): when it was
    #: given, its effective date and the last day to redeem after it
    notice_at: datetime | None = None
    notice_effective: date | None = None
    notice_redeem_until: date | None = None
    #: R23: when the provider's notice was given, also once it has taken effect (None for
    #: an account terminated before notices ran to a month's end)
    notice_given_at: datetime | None = None
    #: R23: the last day to redeem, where a window applies (terminated, program ended)
    redeem_last_day: date | None = None

    @property
    def under_notice(self) -> bool:
        return self.notice_effective is not None


def next_tier(tier: Tier, spend: Decimal) -> tuple[Tier | None, Decimal | None]:
    """R7: the next tier and the spend it still needs (silver from 20,000.00, gold from
    70,000.00 EUR); (None, None) at gold."""
    following = {Tier.BRONZE: (Tier.SILVER, SILVER_FROM), Tier.SILVER: (Tier.GOLD, GOLD_FROM)}
    nxt = following.get(tier)
    if nxt is None:
        return None, None
    return nxt[0], max(Decimal("0.00"), nxt[1] - spend)


def _discount_state(d: Discount, unavailable: str | None) -> str:
    if d.voided:
        return "void"
    if d.used_on is not None:
        return "used"
    if unavailable is None:
        return "usable"
    if unavailable.startswith("expired"):
        return "expired"
    return "first_order_only"


def _first_order_candidates(conn: Connection, account_id: str) -> tuple[str, ...]:
    """R18: the orders that may still become the first one (the engine's list is not in a
    desktop's store): the account's orders not cancelled in full before completion."""
    o = ORDERS.c
    rows = conn.execute(select(o.id).where(
        o.account_id == account_id,
        or_(o.completed_at.is_not(None), o.net - o.discount - o.cancelled > 0))
        .order_by(o.placed_at, o.id))
    return tuple(r[0] for r in rows)


def _count(conn: Connection, table: FromClause, *where: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def customer_page(db: Db, account_id: str, now: datetime) -> CustomerPage | None:
    """Everything the customer page shows, as of `now`; None for an unknown account."""
    now = require_aware(now)
    conn = _conn(db)
    row = conn.execute(
        select(ACCOUNTS, ORGANISATIONS.c.name.label("organisation_name"),
               BILLING.c.name.label("billing_name"), DISCOUNTS.c.code.label("discount_code"),
               DISCOUNTS.c.registered_at.label("discount_registered_at"),
               DISCOUNTS.c.valid_until, DISCOUNTS.c.used_on, DISCOUNTS.c.voided)
        .outerjoin(ORGANISATIONS, ORGANISATIONS.c.id == ACCOUNTS.c.organisation_id)
        .outerjoin(BILLING, BILLING.c.id == ACCOUNTS.c.billing_account_id)
        .outerjoin(DISCOUNTS, DISCOUNTS.c.account_id == ACCOUNTS.c.id)
        .where(ACCOUNTS.c.id == account_id)).first()
    if row is None:
        return None
    program = _program(conn)
    colleague_rows = conn.execute(
        select(ACCOUNTS).where(ACCOUNTS.c.billing_account_id == row.billing_account_id,
                               ACCOUNTS.c.id != account_id)
        .order_by(ACCOUNTS.c.id)).all()
    lot_rows = _held_lots(conn, [account_id])[account_id]

    discount = None
    candidates: tuple[str, ...] = ()
    if row.valid_until is not None:
        discount = Discount(row.valid_until, row.discount_registered_at, row.used_on,
                            row.voided)
        if row.first_order is None:
            candidates = tuple(row.first_order_candidates) or _first_order_candidates(
                conn, account_id)
    acc = as_of_status(_account(row, (), discount, candidates), now)
    others = [as_of_status(_account(c), now) for c in colleague_rows]
    held = _holdings(conn, program, [acc, *others], now)
    mine = held[acc.id]
    colleagues = tuple(Colleague(c.id, c.name, c.email, c.status, held[c.id].balance)
                       for c in colleague_rows)
    # R10: an expired lot is gone, whether or not its expiry entry is written yet
    lot_infos = [LotInfo(lot.id, lot.credited_at, last_day, expires, lot.points,
                         lot.remaining, lot.source_kind, lot.source_ref,
                         expires <= now + SOON)
                 for lot, expires, last_day in _alive(lot_rows, mine.window, now)]

    claims = tuple(
        ClaimInfo(c.id, c.at, c.amount, c.reason, c.state, c.state_at, c.state_by,
                  c.source_kind, c.source_ref, c.version)
        for c in conn.execute(select(CLAIMS).where(CLAIMS.c.account_id == account_id)
                              .order_by(CLAIMS.c.at, CLAIMS.c.id)))

    referrer = None
    if row.referred_by is not None:
        ref = conn.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.registered_at)
                           .where(ACCOUNTS.c.id == row.referred_by)).first()
        if ref is not None:
            referrer = ReferralInfo(ref.id, ref.name, ref.registered_at, row.referral_void)
    referred = tuple(
        ReferralInfo(r.id, r.name, r.registered_at, r.referral_void)
        for r in conn.execute(
            select(ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.registered_at,
                   ACCOUNTS.c.referral_void)
            .where(ACCOUNTS.c.referred_by == account_id)
            .order_by(ACCOUNTS.c.registered_at, ACCOUNTS.c.id)))

    cases = CaseCounts(
        mail_cases=_count(conn, MAIL_CASES, MAIL_CASES.c.account_id == account_id,
                          MAIL_CASES.c.status != MailCaseStatus.CLOSED),
        objections=_count(conn, OBJECTIONS, OBJECTIONS.c.account_id == account_id,
                          OBJECTIONS.c.status == ObjectionStatus.RECORDED),
        abuse_cases=_count(
            conn, ABUSE_ACCOUNTS.join(ABUSE_CASES,
                                      ABUSE_CASES.c.id == ABUSE_ACCOUNTS.c.case_id),
            ABUSE_ACCOUNTS.c.account_id == account_id,
            ABUSE_CASES.c.status == CaseStatus.OPEN),
        pending_adjustments=_count(conn, ADJUSTMENTS, ADJUSTMENTS.c.account_id == account_id,
                                   ADJUSTMENTS.c.status == RequestStatus.PENDING),
        pending_transfers=_count(conn, TRANSFERS,
                                 or_(TRANSFERS.c.source_id == account_id,
                                     TRANSFERS.c.target_id == account_id),
                                 TRANSFERS.c.status == RequestStatus.PENDING),
    )
    discount_info = None
    if discount is not None:
        why = discount_status(acc, now)
        discount_info = DiscountInfo(row.discount_code, discount.valid_until, discount.used_on,
                                     discount.voided, _discount_state(discount, why), why)
    following, to_next = next_tier(acc.tier, acc.spend)
    return CustomerPage(
        as_of=now,
        profile=Profile(row.id, row.name, row.email, row.phone, row.language,
                        row.registered_at, acc.status, row.status_at, row.referral_code),
        organisation=Named(row.organisation_id, row.organisation_name or ""),
        billing=Named(row.billing_account_id, row.billing_name or ""),
        colleagues=colleagues,
        tier=acc.tier, spend=acc.spend, rate=RATE[acc.tier],
        referral_bonus=REFERRAL_BONUS[acc.tier], next_tier=following,
        spend_to_next=to_next,
        balance=mine.balance, debt=mine.debt, redeem_until=mine.window,
        claims_total=row.claims_total, claims=claims, lots=tuple(lot_infos),
        expiring_30_days=mine.expiring_soon, discount=discount_info,
        referrer=referrer, referred=referred, cases=cases, **_notice_fields(acc),
        notice_given_at=acc.notice_at, redeem_last_day=last_day_to_redeem(mine.window))


def account_state(db: Db, account_id: str, *,
                  with_lots: bool = True) -> tuple[Program, Account] | None:
    """The program and the engine's account with its lots that hold points (or none):
    what :func:`~xrewards_desk.domain.explain.explain` and previews take. The engine's
    counters and first-order candidates are not in a desktop's store and keep their
    defaults. None for an unknown account."""
    conn = _conn(db)
    row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.id == account_id)).first()
    if row is None:
        return None
    lots = _held_lots(conn, [account_id])[account_id] if with_lots else []
    return _program(conn), _account(row, lots)


def _alive(lots: Iterable[Row[Any]], window: datetime | None,
           now: datetime) -> Iterator[tuple[Row[Any], datetime, date]]:
    """The lots not expired by `now`, each with the instant its points expire and its
    last usable Berlin date (R9, or R23's window where that ends first)."""
    for lot in lots:
        expires = expiry_instant(lot.expires_at, lot.credited_at, window)
        if expires > now:
            yield lot, expires, min(lot.usable_until,
                                    berlin_date(expires - timedelta(microseconds=1)))


def ledger_entries(db: Db, account_id: str) -> list[Entry]:
    """The account's whole ledger as the engine's entries, in the order written (for
    :func:`~xrewards_desk.domain.explain.explain`)."""
    conn = _conn(db)
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


# =========================================================================== balances


def balance_as_of(db: Db, account_id: str, at: datetime) -> int:
    """R10/R11: the balance as of `at`: every entry at or before `at`, and no lot whose
    expiry instant is at or before `at`, whether or not its expiry entry is written yet.
    0 for an unknown account."""
    at = require_aware(at)
    conn = _conn(db)
    known = account_state(conn, account_id, with_lots=False)
    if known is None:
        return 0
    return _balance_until(conn, known[0], known[1], at, inclusive=True)


def _balance_until(conn: Connection, program: Program, acc: Account, t: datetime,
                   inclusive: bool) -> int:
    e = ENTRIES.c
    when = e.at <= t if inclusive else e.at < t
    written = conn.execute(select(func.coalesce(func.sum(e.points), 0))
                           .where(e.account_id == acc.id, when)).scalar_one()
    pending = _pending_expiries(conn, program, acc, t, inclusive)
    return int(written) + sum(x.points for x in pending)


def balance_series(db: Db, account_id: str,
                   max_points: int = SERIES_POINTS) -> list[tuple[datetime, int]]:
    """The balance after each entry, for a chart: at most about `max_points` points. A
    long history is cut into buckets of consecutive entries, each giving its lowest and
    its highest balance in the order they occurred, so peaks and troughs survive; the
    first and the last entry are always kept. The running sum is read from the covering
    index; only the instants of the points kept are read from the table."""
    conn = _conn(db)
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


# =========================================================================== history


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Which entries a history shows: some types (None: all), and a period of Berlin
    calendar dates, both ends included (None: open)."""

    types: frozenset[EntryType] | None = None
    period_from: date | None = None
    period_to: date | None = None

    def __post_init__(self) -> None:
        if self.types is not None and not isinstance(self.types, frozenset):
            object.__setattr__(self, "types", frozenset(self.types))


ALL = HistoryFilter()


@dataclass(frozen=True, slots=True)
class NoticeLotInfo:
    lot_id: str
    remaining: int
    usable_until: date


@dataclass(frozen=True, slots=True)
class NoticeInfo:
    """R24: the notice sent for an entry, with the figures it stated."""

    notice_id: str
    kind: NoticeKind
    sent_at: datetime
    points: int
    #: the balance the notice stated
    balance: int
    lots: tuple[NoticeLotInfo, ...]


@dataclass(frozen=True, slots=True)
class DrawnLot:
    """Points of one lot an entry drew from (redemption, transfer out, reversal, void,
    expiry, forfeit, negative correction), returned to (refund) or created (credit,
    transfer in)."""

    lot_id: str
    points: int
    #: None where the lot is not in this store
    usable_until: date | None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    #: the entry's id (e.g. XR-0000001/E12) and its number within the account
    id: str
    seq: int
    at: datetime
    type: EntryType
    #: signed: credits positive, what was taken negative
    points: int
    #: the account's real balance after this entry (the ledger's running sum, R11),
    #: whatever the filter shows
    balance: int
    source_kind: SourceKind
    source_ref: str
    note: str
    #: the notice sent for it (R24; a redemption sends none)
    notice: NoticeInfo | None
    #: the lots it drew from, returned to or created, in the order used (R13)
    allocations: tuple[DrawnLot, ...] = field(default=())


def _conditions(account_id: str, f: HistoryFilter) -> list[ColumnElement[bool]]:
    e = ENTRIES.c
    where: list[ColumnElement[bool]] = [e.account_id == account_id]
    if f.types is not None:
        where.append(e.type.in_(sorted(f.types)))
    if f.period_from is not None:
        where.append(e.at >= start_of_day(f.period_from))
    if f.period_to is not None:
        where.append(e.at < end_of_day_exclusive(f.period_to))
    return where


def history_count(db: Db, account_id: str, f: HistoryFilter = ALL) -> int:
    """How many entries the filter shows (for the table's row count)."""
    if f.types is not None and not f.types:
        return 0
    conn = _conn(db)
    return int(conn.execute(select(func.count()).select_from(ENTRIES)
                            .where(*_conditions(account_id, f))).scalar_one())


_PAGE_COLUMNS = (ENTRIES.c.id, ENTRIES.c.seq, ENTRIES.c.at, ENTRIES.c.type, ENTRIES.c.points,
                 ENTRIES.c.source_kind, ENTRIES.c.source_ref, ENTRIES.c.note)


def history_page(db: Db, account_id: str, f: HistoryFilter = ALL, offset: int = 0,
                 limit: int = 100, *, newest_first: bool = True) -> list[HistoryRow]:
    """Rows `offset` to `offset + limit` of the filtered history, newest first (or oldest
    first), each with the running balance, its notice and the lots it touched."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    if limit == 0 or (f.types is not None and not f.types):
        return []
    conn = _conn(db)
    order = ENTRIES.c.seq.desc() if newest_first else ENTRIES.c.seq.asc()
    keys = select(ENTRIES.c.seq).where(*_conditions(account_id, f)).order_by(order)
    rows = _rows(conn, account_id, keys.limit(limit).offset(offset))
    return _decorate(conn, account_id, rows, None)


def _rows(conn: Connection, account_id: str, keys: Any) -> list[Any]:
    """The entries whose seqs `keys` selects, in its order. The keys are read from the
    covering index alone (filters, order and offset never touch the table); then only
    the rows shown are read."""
    seqs = conn.execute(keys).scalars().all()
    if not seqs:
        return []
    by_seq = {r[1]: r for r in conn.execute(
        select(*_PAGE_COLUMNS).where(ENTRIES.c.account_id == account_id,
                                     ENTRIES.c.seq.in_(seqs)))}
    return [by_seq[seq] for seq in seqs]


def _iter_history(conn: Connection, account_id: str, f: HistoryFilter,
                  **details: bool) -> Iterator[HistoryRow]:
    """The whole filtered history, oldest first, read in chunks (keyset on seq);
    `details` as :func:`_decorate` takes them."""
    if f.types is not None and not f.types:
        return
    anchor: tuple[int, int] | None = None
    where = _conditions(account_id, f)
    while True:
        keys = select(ENTRIES.c.seq).where(*where)
        if anchor is not None:
            keys = keys.where(ENTRIES.c.seq > anchor[0])
        rows = _rows(conn, account_id, keys.order_by(ENTRIES.c.seq).limit(_CHUNK))
        if not rows:
            return
        decorated = _decorate(conn, account_id, rows, anchor, **details)
        yield from decorated
        anchor = (decorated[-1].seq, decorated[-1].balance)
        if len(rows) < _CHUNK:
            return


def _running_balances(conn: Connection, account_id: str, rows: Sequence[Any],
                      anchor: tuple[int, int] | None) -> dict[int, int]:
    """seq -> the ledger's running sum after that entry, for the page's rows.

    The sum before the first row (or since `anchor`, a known (seq, balance)), then the
    sums of the entries between consecutive rows of the page (none when the page is
    unfiltered): ranges summed in the database over the covering index."""
    e = ENTRIES.c
    page = sorted((r[1], r[4]) for r in rows)  # (seq, points): see _PAGE_COLUMNS
    if anchor is None:
        start = int(conn.execute(select(func.coalesce(func.sum(e.points), 0)).where(
            e.account_id == account_id, e.seq < page[0][0])).scalar_one())
        previous = page[0][0] - 1  # nothing between the sum and the first row
    else:
        previous, start = anchor
    gaps: list[tuple[int, int]] = []
    last = previous
    for seq, _points in page:
        if seq - last > 1:
            gaps.append((last, seq))
        last = seq
    between: dict[tuple[int, int], int] = {}
    for i in range(0, len(gaps), _GAPS_PER_STATEMENT):
        chunk = gaps[i:i + _GAPS_PER_STATEMENT]
        sums = [select(func.coalesce(func.sum(e.points), 0))
                .where(e.account_id == account_id, e.seq > lo, e.seq < hi)
                .scalar_subquery() for lo, hi in chunk]
        values = conn.execute(select(*sums)).one()
        between.update(zip(chunk, (int(v) for v in values), strict=True))
    balances: dict[int, int] = {}
    balance, last = start, previous
    for seq, points in page:
        balance += between.get((last, seq), 0) + points
        balances[seq] = balance
        last = seq
    return balances


def _decorate(conn: Connection, account_id: str, rows: Sequence[Any],
              anchor: tuple[int, int] | None, *, allocations: bool = True,
              notices: bool = True, figures: bool = True) -> list[HistoryRow]:
    """History rows with their running balances and, as asked, the lots each entry
    touched, its notice, and the notice's lot figures."""
    if not rows:
        return []
    balances = _running_balances(conn, account_id, rows, anchor)
    ids = [r[0] for r in rows]
    drawn: dict[str, list[DrawnLot]] = {}
    if allocations:
        for entry_id, lot_id, points, until in conn.execute(
                select(ALLOCATIONS.c.entry_id, ALLOCATIONS.c.lot_id, ALLOCATIONS.c.points,
                       LOTS.c.usable_until)
                .outerjoin(LOTS, LOTS.c.id == ALLOCATIONS.c.lot_id)
                .where(ALLOCATIONS.c.entry_id.in_(ids))
                .order_by(ALLOCATIONS.c.entry_id, ALLOCATIONS.c.seq)):
            drawn.setdefault(entry_id, []).append(DrawnLot(lot_id, points, until))
    sent = (conn.execute(select(NOTICES).where(NOTICES.c.entry_id.in_(ids))).all()
            if notices else [])
    stated: dict[str, list[NoticeLotInfo]] = {}
    if sent and figures:
        for fig in conn.execute(select(NOTICE_LOTS)
                                .where(NOTICE_LOTS.c.notice_id.in_([n.id for n in sent]))
                                .order_by(NOTICE_LOTS.c.notice_id, NOTICE_LOTS.c.seq)):
            stated.setdefault(fig.notice_id, []).append(
                NoticeLotInfo(fig.lot_id, fig.remaining, fig.usable_until))
    notice_of = {n.entry_id: NoticeInfo(n.id, n.kind, n.sent_at, n.points, n.balance,
                                        tuple(stated.get(n.id, ())))
                 for n in sent}
    return [HistoryRow(entry_id, seq, at, kind, points, balances[seq], source_kind, source_ref,
                       note, notice_of.get(entry_id), tuple(drawn.get(entry_id, ())))
            for entry_id, seq, at, kind, points, source_kind, source_ref, note in rows]


# =========================================================================== CSV


_CSV_HEADER = {
    "en": ["entry", "no", "date", "time", "type", "description", "points", "balance",
           "source", "reference", "note", "notice", "notice_sent", "lots"],
    "de": ["Buchung", "Nr", "Datum", "Zeitpunkt", "Art", "Beschreibung", "X-Points", "Saldo",
           "Quelle", "Referenz", "Notiz", "Mitteilung", "Mitteilung_gesendet",
           "Gutschriftposten"],
}


def write_csv(db: Db, account_id: str, f: HistoryFilter, stream: IO[str],
              language: str) -> int:
    """The filtered history, oldest first, as CSV on `stream` (opened with newline=""):
    a header row in `language`, the Berlin date (ISO 8601, 2025-03-31) and the instant
    (ISO 8601 with its Berlin offset), points and running balance as integers, and the
    lots each entry touched as ``lot:points:usable-until`` joined by spaces. Returns the
    number of entries written."""
    conn = _conn(db)
    writer = csv.writer(stream)
    writer.writerow(_CSV_HEADER["de" if is_german(language) else "en"])
    n = 0
    for row in _iter_history(conn, account_id, f, figures=False):
        local = row.at.astimezone(BERLIN)
        writer.writerow([
            row.id, row.seq, local.date().isoformat(), local.isoformat(),
            row.type.value, entry_label(row.type, language), row.points, row.balance,
            row.source_kind.value, row.source_ref, row.note,
            "" if row.notice is None else row.notice.kind.value,
            "" if row.notice is None else row.notice.sent_at.astimezone(BERLIN).isoformat(),
            " ".join(f"{d.lot_id}:{d.points}:"
                     f"{'' if d.usable_until is None else d.usable_until.isoformat()}"
                     for d in row.allocations),
        ])
        n += 1
    return n


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
    conn = _conn(db)
    row = conn.execute(
        select(ACCOUNTS, ORGANISATIONS.c.name.label("organisation_name"),
               BILLING.c.name.label("billing_name"))
        .outerjoin(ORGANISATIONS, ORGANISATIONS.c.id == ACCOUNTS.c.organisation_id)
        .outerjoin(BILLING, BILLING.c.id == ACCOUNTS.c.billing_account_id)
        .where(ACCOUNTS.c.id == account_id)).first()
    if row is None:
        return None
    program = _program(conn)
    acc = _account(row)
    end = now if period_to is None else min(end_of_day_exclusive(period_to), now)
    start = None if period_from is None else min(start_of_day(period_from), end)
    opening = 0 if start is None else _balance_until(conn, program, acc, start,
                                                     inclusive=False)
    lines = [StatementLine(r.id, r.at, berlin_date(r.at), r.type,
                           entry_label(r.type, language), r.points, r.balance,
                           r.source_kind, r.source_ref, r.note)
             for r in _iter_history(conn, account_id, HistoryFilter(None, period_from, None),
                                    allocations=False, notices=False)
             if r.at < end]
    balance = lines[-1].balance if lines else opening
    for e in _pending_expiries(conn, program, acc, end, inclusive=False):
        if start is not None and e.at < start:
            continue
        balance += e.points
        lines.append(StatementLine(None, e.at, berlin_date(e.at), e.type,
                                   entry_label(e.type, language), e.points, balance,
                                   e.source.kind, e.source.ref, e.note))
    held = _holdings(conn, program, [acc], now)[acc.id]
    lots = _alive(_held_lots(conn, [account_id])[account_id], held.window, now)
    return Statement(
        account_id=row.id, name=row.name, email=row.email,
        organisation=row.organisation_name or "", billing_account=row.billing_name or "",
        language=language, period_from=period_from, period_to=period_to, generated_at=now,
        opening=opening, closing=_balance_until(conn, program, acc, end, inclusive=False),
        credits=sum(x.points for x in lines if x.points > 0),
        debits=sum(x.points for x in lines if x.points < 0),
        entries=tuple(lines),
        lots=tuple(StatementLot(lot.id, lot.credited_at, last_day, lot.remaining,
                                lot.source_kind) for lot, _expires, last_day in lots),
        balance=held.balance, debt=held.debt, redeem_until=held.window)


# =========================================================================== explain


def explanation(db: Db, account_id: str, now: datetime, language: str) -> list[Sentence]:
    """:func:`~xrewards_desk.domain.explain.explain` for a stored account as of `now`
    (its whole ledger, its lots with points left, R23's window where one applies, its
    status and notice, its discount code and its R22 claims, each by its id); [] for an
    unknown account."""
    now = require_aware(now)
    conn = _conn(db)
    known = account_state(conn, account_id)
    if known is None:
        return []
    program, acc = known
    end = window_end(program, acc)
    window = None if end is None else berlin_date(end - timedelta(microseconds=1))
    code = conn.execute(select(DISCOUNTS).where(DISCOUNTS.c.account_id == account_id)).first()
    if code is not None:
        acc.discount = Discount(code.valid_until, code.registered_at, code.used_on,
                                code.voided)
    claims = [(str(c.id), Claim(c.account_id, c.at, c.amount,
                                Source(c.source_kind, c.source_ref), c.reason))
              for c in conn.execute(select(CLAIMS).where(CLAIMS.c.account_id == account_id)
                                    .order_by(CLAIMS.c.at, CLAIMS.c.id))]
    return explain(ledger_entries(conn, account_id), acc.lots, now, language,
                   window_until=window, account=acc, claims=claims)


__all__ = [
    "SOON",
    "CaseCounts",
    "ClaimInfo",
    "Colleague",
    "CustomerPage",
    "CustomerRow",
    "DiscountInfo",
    "DrawnLot",
    "HistoryFilter",
    "HistoryRow",
    "LotInfo",
    "Named",
    "NoticeInfo",
    "NoticeLotInfo",
    "Profile",
    "ReferralInfo",
    "Statement",
    "StatementLine",
    "StatementLot",
    "account_state",
    "as_of_status",
    "balance_as_of",
    "balance_series",
    "customer_page",
    "customer_rows",
    "explanation",
    "history_count",
    "history_page",
    "last_day_to_redeem",
    "ledger_entries",
    "next_tier",
    "provider_notice",
    "statement",
    "write_csv",
]
