"""The customer search results and the customer page, as plain frozen dataclasses (no
Qt, no live ORM objects), read from a store as of an instant (see
:mod:`~xrewards_desk.store.read.accounts` for the balances' rules). The ledger history is
in :mod:`~xrewards_desk.store.read.history`, the statement and the balance chart in
:mod:`~xrewards_desk.store.read.statement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause

from xrewards_desk.domain.calendar import require_aware
from xrewards_desk.domain.engine import discount_status, refer_blocker
from xrewards_desk.domain.model import (
    GOLD_FROM,
    RATE,
    REFERRAL_BONUS,
    SILVER_FROM,
    Account,
    CaseStatus,
    Discount,
    SourceKind,
    Status,
    Tier,
)
from xrewards_desk.store.models import (
    ClaimState,
    MailCaseStatus,
    ObjectionStatus,
    RequestStatus,
)
from xrewards_desk.store.read.accounts import (
    SOON,
    alive_lots,
    as_of_status,
    held_lots,
    holdings,
    last_day_to_redeem,
    named_account,
    stored_account,
    stored_program,
)
from xrewards_desk.store.search import Hit
from xrewards_desk.store.tables import (
    ABUSE_ACCOUNTS,
    ABUSE_CASES,
    ACCOUNTS,
    ADJUSTMENTS,
    CLAIMS,
    DISCOUNTS,
    MAIL_CASES,
    OBJECTIONS,
    ORDERS,
    ORGANISATIONS,
    TRANSFERS,
    Db,
    connection,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunningNotice:
    """R23: while a provider's notice runs (the account is still active): when it was
    given, its effective date and the last day to redeem after it; all None otherwise
    (:func:`_running_notice`)."""

    notice_at: datetime | None = None
    notice_effective: date | None = None
    notice_redeem_until: date | None = None

    @property
    def under_notice(self) -> bool:
        return self.notice_effective is not None


@dataclass(frozen=True, slots=True)
class CustomerRow(RunningNotice):
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
    #: R23: the last day to redeem, where a window applies (terminated, program ended)
    redeem_until: date | None = None

    @property
    def in_debt(self) -> bool:
        return self.debt > 0


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
    conn = connection(db)
    ids = list(dict.fromkeys(h.account_id for h in hits))
    if not ids:
        return []
    program = stored_program(conn)
    rows = {r.id: r for r in conn.execute(
        select(ACCOUNTS, ORGANISATIONS.c.name.label("organisation_name"))
        .outerjoin(ORGANISATIONS, ORGANISATIONS.c.id == ACCOUNTS.c.organisation_id)
        .where(ACCOUNTS.c.id.in_(ids)))}
    accounts = {i: as_of_status(stored_account(row), now) for i, row in rows.items()}
    held = holdings(conn, program, list(accounts.values()), now)
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
            matched=hit.matched, how=hit.how, **_running_notice(acc),
            redeem_until=last_day_to_redeem(h.window)))
    return result


def _running_notice(acc: Account) -> dict[str, Any]:
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
class CustomerPage(RunningNotice):
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
    #: R23: when the provider's notice was given, also once it has taken effect (None for
    #: an account terminated before notices ran to a month's end)
    notice_given_at: datetime | None = None
    #: R23: the last day to redeem, where a window applies (terminated, program ended)
    redeem_last_day: date | None = None
    #: R17: why the customer cannot refer now (engine.refer_blocker), None if they can
    refer_blocker: str | None = None

    @property
    def balance_value(self) -> Decimal:
        """R12: what the balance is worth, 100 points = 1.00 EUR (0 in debt)."""
        return (Decimal(max(self.balance, 0)) / 100).quantize(Decimal("0.01"))


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
    conn = connection(db)
    row = conn.execute(
        named_account(account_id, DISCOUNTS.c.code.label("discount_code"),
                      DISCOUNTS.c.registered_at.label("discount_registered_at"),
                      DISCOUNTS.c.valid_until, DISCOUNTS.c.used_on, DISCOUNTS.c.voided)
        .outerjoin(DISCOUNTS, DISCOUNTS.c.account_id == ACCOUNTS.c.id)).first()
    if row is None:
        return None
    program = stored_program(conn)
    colleague_rows = conn.execute(
        select(ACCOUNTS).where(ACCOUNTS.c.billing_account_id == row.billing_account_id,
                               ACCOUNTS.c.id != account_id)
        .order_by(ACCOUNTS.c.id)).all()
    lot_rows = held_lots(conn, [account_id])[account_id]

    discount = None
    candidates: tuple[str, ...] = ()
    if row.valid_until is not None:
        discount = Discount(row.valid_until, row.discount_registered_at, row.used_on,
                            row.voided)
        if row.first_order is None:
            candidates = tuple(row.first_order_candidates) or _first_order_candidates(
                conn, account_id)
    acc = as_of_status(stored_account(row, (), discount, candidates), now)
    others = [as_of_status(stored_account(c), now) for c in colleague_rows]
    held = holdings(conn, program, [acc, *others], now)
    mine = held[acc.id]
    colleagues = tuple(Colleague(c.id, c.name, c.email, c.status, held[c.id].balance)
                       for c in colleague_rows)
    # R10: an expired lot is gone, whether or not its expiry entry is written yet
    lot_infos = [LotInfo(lot.id, lot.credited_at, last_day, expires, lot.points,
                         lot.remaining, lot.source_kind, lot.source_ref,
                         expires <= now + SOON)
                 for lot, expires, last_day in alive_lots(lot_rows, mine.window, now)]

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
        referrer=referrer, referred=referred, cases=cases, **_running_notice(acc),
        notice_given_at=acc.notice_at, redeem_last_day=last_day_to_redeem(mine.window),
        refer_blocker=refer_blocker(program, acc, now))


__all__ = [
    "CaseCounts",
    "ClaimInfo",
    "Colleague",
    "CustomerPage",
    "CustomerRow",
    "DiscountInfo",
    "LotInfo",
    "Named",
    "Profile",
    "ReferralInfo",
    "RunningNotice",
    "customer_page",
    "customer_rows",
    "next_tier",
]
