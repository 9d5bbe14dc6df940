"""The program's state as plain values the store loads and saves (no I/O here).

The engine never mutates a value it was given: it clones an account, lot or order
before writing to it (see ``engine._Tx``), so a refused action leaves the caller's
state untouched and a preview is simply an apply whose result is thrown away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from .calendar import (
    LAUNCH,
    end_of_day_exclusive,
    notice_effective_date,
    notice_redeem_until,
    notice_takes_effect,
    redemption_window_end,
)
from .money import ZERO, points_value


class Role(StrEnum):
    AGENT = "agent"
    COMPLIANCE = "compliance"
    TEAM_LEAD = "team_lead"
    SERVICE = "service"
    #: the rewards@ mailbox's gateway process (R27; the gateway itself is still to come)
    MAIL_GATEWAY = "mail_gateway"


class Status(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    TERMINATED = "terminated"
    TERMINATED_FOR_CAUSE = "terminated_for_cause"


class Tier(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class EntryType(StrEnum):
    EARN = "earn"
    REFERRAL_BONUS = "referral_bonus"
    REDEMPTION = "redemption"
    REFUND = "refund"
    REVERSAL = "reversal"
    EXPIRY = "expiry"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    VOID = "void"
    ADJUSTMENT = "adjustment"
    FORFEIT = "forfeit"


class NoticeKind(StrEnum):
    CREDIT = "credit"
    REVERSAL = "reversal"
    VOID = "void"
    EXPIRY = "expiry"
    TRANSFER = "transfer"
    FORFEIT = "forfeit"


#: R24: which notice each kind of movement sends (a redemption sends none).
NOTICE_FOR: dict[EntryType, NoticeKind | None] = {
    EntryType.EARN: NoticeKind.CREDIT,
    EntryType.REFERRAL_BONUS: NoticeKind.CREDIT,
    EntryType.ADJUSTMENT: NoticeKind.CREDIT,
    EntryType.REFUND: NoticeKind.CREDIT,
    EntryType.REDEMPTION: None,
    EntryType.REVERSAL: NoticeKind.REVERSAL,
    EntryType.EXPIRY: NoticeKind.EXPIRY,
    EntryType.TRANSFER_OUT: NoticeKind.TRANSFER,
    EntryType.TRANSFER_IN: NoticeKind.TRANSFER,
    EntryType.VOID: NoticeKind.VOID,
    EntryType.FORFEIT: NoticeKind.FORFEIT,
}


class SourceKind(StrEnum):
    ORDER = "order"
    REFERRAL = "referral"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    OBJECTION = "objection"
    ABUSE_CASE = "abuse_case"
    EXPIRY = "expiry"
    CLOSING = "closing"


class TransferReason(StrEnum):
    LEFT_ORGANISATION = "left_organisation"
    REASSIGNMENT = "reassignment"
    OTHER = "other"


class ClosedBy(StrEnum):
    CUSTOMER = "customer"
    PROVIDER = "provider"
    PROVIDER_FOR_CAUSE = "provider_for_cause"


class CaseStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"


# Tiers (R7): thresholds of spend, earn rate per EUR, referral bonus.
SILVER_FROM = Decimal("20000.00")
GOLD_FROM = Decimal("70000.00")
RATE = {Tier.BRONZE: 1, Tier.SILVER: 2, Tier.GOLD: 3}
REFERRAL_BONUS = {Tier.BRONZE: 5000, Tier.SILVER: 7000, Tier.GOLD: 10000}
#: R26: adjustments of more than this many points either way need a team lead's approval.
ADJUSTMENT_APPROVAL_ABOVE = 10000
#: R26: adjustments without approval add up over this much elapsed time, per account
ADJUSTMENT_WINDOW = timedelta(hours=720)


def tier_for(spend: Decimal) -> Tier:
    """R7: bronze below 20,000.00, silver up to 69,999.99, gold from 70,000.00."""
    if spend >= GOLD_FROM:
        return Tier.GOLD
    if spend >= SILVER_FROM:
        return Tier.SILVER
    return Tier.BRONZE


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and in which role (R27). `role` is None for a person with no role."""

    name: str
    role: Role | None

    def label(self) -> str:
        return self.name


class Source(NamedTuple):
    """Why points moved: the order, referral, transfer, adjustment, objection or case."""

    kind: SourceKind
    ref: str


class Allocation(NamedTuple):
    """`points` of one lot taken (or returned) by one ledger entry."""

    lot: str
    points: int


@dataclass(slots=True)
class Lot:
    """R9: one credit's points, its credit time and its expiry.

    A lot moved by a transfer arrives as a new lot with the original credit time and expiry
    (R20) and remembers its `parent` and `root`, so a void (R22) can follow it.
    """

    id: str
    account: str
    seq: int
    credited_at: datetime
    #: R9: the last Berlin date it can be used, and the instant it expires (the next midnight)
    usable_until: date
    expires_at: datetime
    points: int
    remaining: int
    source: Source
    root: str
    parent: str | None = None
    #: points of this lot that paid for orders or paid off debt, net of refunds (R22 claims)
    redeemed: int = 0
    #: pieces moved out by transfers: (account, lot id)
    transferred: tuple[tuple[str, str], ...] = ()
    #: R22: set when the lot was voided; the account the claims for it are against
    void_claimant: str | None = None

    @property
    def voided(self) -> bool:
        return self.void_claimant is not None

    def clone(self) -> Lot:
        return Lot(self.id, self.account, self.seq, self.credited_at, self.usable_until,
                   self.expires_at,
                   self.points, self.remaining, self.source, self.root, self.parent,
                   self.redeemed, self.transferred, self.void_claimant)

    def sort_key(self) -> tuple[datetime, int]:
        """R13: oldest credit time first; ties: the lot created first."""
        return (self.credited_at, self.seq)


@dataclass(slots=True)
class Discount:
    """R18: the invitee's 10 % code."""

    valid_until: date
    registered_at: datetime
    used_on: str | None = None
    voided: bool = False


def termination_window_end(status_at: datetime | None,
                           notice_at: datetime | None) -> datetime | None:
    """R23: the instant everything left expires on an account terminated with notice: the
    start of the day after the effective date plus three months. An account terminated
    before notices ran to a month's end (no `notice_at`) keeps its window from the
    instant it was terminated."""
    if notice_at is not None:
        return end_of_day_exclusive(notice_redeem_until(notice_at))
    return None if status_at is None else redemption_window_end(status_at)


def counted_adjustments(marks: Iterable[tuple[datetime, int]],
                        at: datetime) -> tuple[tuple[datetime, int], ...]:
    """R26: of (instant, size) marks of adjustments applied without approval, those less
    than 720 hours (elapsed time) before `at`."""
    since = at - ADJUSTMENT_WINDOW
    return tuple(m for m in marks if since < m[0] <= at)


def ending_instant(status: Status, status_at: datetime | None,
                   notice_at: datetime | None) -> datetime | None:
    """R23: the next instant time's passing changes an account that was given notice: the
    notice taking effect while it is active, its redemption window closing once it is
    terminated; None for any other account."""
    if status is Status.ACTIVE:
        return None if notice_at is None else notice_takes_effect(notice_at)
    if status is Status.TERMINATED:
        return termination_window_end(status_at, notice_at)
    return None


@dataclass(slots=True)
class Account:
    id: str
    org: str
    billing: str
    email: str
    registered_at: datetime
    status: Status = Status.ACTIVE
    #: when the status last changed (closing or termination takes effect at that instant)
    status_at: datetime | None = None
    spend: Decimal = ZERO
    debt: int = 0
    lots: list[Lot] = field(default_factory=list)
    next_lot: int = 1
    next_entry: int = 1
    next_notice: int = 1
    #: the referrer whose link was used, where the referral was accepted (R17)
    referred_by: str | None = None
    referral_void: bool = False
    discount: Discount | None = None
    #: R17: whether one of its own orders has completed
    has_completed_order: bool = False
    #: R18: the first order, once it completed
    first_order: str | None = None
    #: orders placed before the first order is known, oldest first, none cancelled in full
    first_order_candidates: tuple[str, ...] = ()
    open_cases: frozenset[str] = frozenset()
    claims: Decimal = ZERO
    #: R23: when a provider's notice was given; the account stays active until it takes
    #: effect (`terminates_at`), then becomes `terminated`
    notice_at: datetime | None = None
    #: R26: (instant, size) of each adjustment applied without a team lead's approval,
    #: oldest first; only those of the last 720 hours matter, older ones are dropped
    unapproved_adjustments: tuple[tuple[datetime, int], ...] = ()

    def clone(self) -> Account:
        return Account(
            self.id, self.org, self.billing, self.email, self.registered_at, self.status,
            self.status_at, self.spend, self.debt, list(self.lots), self.next_lot,
            self.next_entry, self.next_notice, self.referred_by, self.referral_void,
            None if self.discount is None else Discount(
                self.discount.valid_until, self.discount.registered_at,
                self.discount.used_on, self.discount.voided),
            self.has_completed_order, self.first_order, self.first_order_candidates,
            self.open_cases, self.claims, self.notice_at, self.unapproved_adjustments,
        )

    @property
    def balance(self) -> int:
        """R11: the remaining points of unexpired lots, minus any debt."""
        return sum(lot.remaining for lot in self.lots) - self.debt

    @property
    def tier(self) -> Tier:
        return tier_for(self.spend)

    def lot(self, lot_id: str) -> Lot:
        for lot in self.lots:
            if lot.id == lot_id:
                return lot
        raise KeyError(lot_id)

    def redemption_window_end(self) -> datetime | None:
        """R23: after a provider's termination, the instant everything left expires."""
        if self.status is not Status.TERMINATED:
            return None
        return termination_window_end(self.status_at, self.notice_at)

    @property
    def under_notice(self) -> bool:
        """R23: a provider's notice was given and has not yet taken effect."""
        return self.status is Status.ACTIVE and self.notice_at is not None

    def terminates_at(self) -> datetime | None:
        """R23: the instant an account under notice becomes `terminated`, else None."""
        if self.status is not Status.ACTIVE or self.notice_at is None:
            return None
        return notice_takes_effect(self.notice_at)

    def notice_effective(self) -> date | None:
        """R23: the effective date of the provider's notice, if one was given."""
        return None if self.notice_at is None else notice_effective_date(self.notice_at)

    def notice_redeem_until(self) -> date | None:
        """R23: the last day to redeem after the provider's notice takes effect."""
        return None if self.notice_at is None else notice_redeem_until(self.notice_at)

    def unapproved_adjustments_before(self, at: datetime) -> tuple[tuple[datetime, int], ...]:
        """R26: the adjustments applied without approval less than 720 hours before `at`."""
        return counted_adjustments(self.unapproved_adjustments, at)


@dataclass(slots=True)
class Order:
    id: str
    account: str
    placed_at: datetime
    #: net value before the discount code
    net: Decimal
    discount: Decimal = ZERO
    cancelled: Decimal = ZERO
    #: points still redeemed on it (R5, R14), and from which lots, in consumption order
    redeemed: int = 0
    redemption: tuple[Allocation, ...] = ()
    paid_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    #: whether its completion counted (R2, R3): base added to spend, points at `rate`
    earning: bool = False
    rate: int = 0
    credited: int = 0
    lot: str | None = None
    spend_added: Decimal = ZERO
    #: R19: the referrer's bonus paid when this first order completed
    bonus_account: str | None = None
    bonus_lot: str | None = None
    bonus_credited: int = 0

    def clone(self) -> Order:
        return Order(self.id, self.account, self.placed_at, self.net, self.discount,
                     self.cancelled, self.redeemed, self.redemption, self.paid_at,
                     self.delivered_at, self.completed_at, self.earning, self.rate,
                     self.credited, self.lot, self.spend_added, self.bonus_account,
                     self.bonus_lot, self.bonus_credited)

    @property
    def net_after_discount(self) -> Decimal:
        return self.net - self.discount

    @property
    def remaining_net(self) -> Decimal:
        return self.net_after_discount - self.cancelled

    @property
    def fully_cancelled(self) -> bool:
        return self.remaining_net <= ZERO

    @property
    def base(self) -> Decimal:
        """R5: net after discount, minus cancelled value, minus points still redeemed."""
        return max(ZERO, self.remaining_net - points_value(self.redeemed))


@dataclass(slots=True)
class AbuseCase:
    """An abuse review on one account, or on a referral (covering both of its accounts)."""

    id: str
    accounts: tuple[str, ...]
    opened_at: datetime
    opened_by: str
    invitee: str | None = None
    status: CaseStatus = CaseStatus.OPEN

    def clone(self) -> AbuseCase:
        return AbuseCase(self.id, self.accounts, self.opened_at, self.opened_by,
                         self.invitee, self.status)


@dataclass(slots=True)
class Program:
    launch: datetime = LAUNCH
    ended_at: datetime | None = None

    def ended(self, at: datetime) -> bool:
        return self.ended_at is not None and self.ended_at <= at

    def redemption_window_end(self) -> datetime | None:
        return None if self.ended_at is None else redemption_window_end(self.ended_at)


@dataclass(slots=True)
class State:
    """The state of the accounts an action touches, their orders and abuse cases."""

    program: Program = field(default_factory=Program)
    accounts: dict[str, Account] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    cases: dict[str, AbuseCase] = field(default_factory=dict)


class Entry(NamedTuple):
    """One ledger entry: signed points, their source, and the lots they came from or went to."""

    id: str
    account: str
    at: datetime
    type: EntryType
    points: int
    source: Source
    allocations: tuple[Allocation, ...] = ()
    note: str = ""


class LotFigure(NamedTuple):
    lot: str
    remaining: int
    usable_until: date


class Notice(NamedTuple):
    """R24: a notice to the customer, with the figures it stated."""

    id: str
    account: str
    kind: NoticeKind
    sent_at: datetime
    entry: str
    points: int
    balance: int
    lots: tuple[LotFigure, ...]


class Claim(NamedTuple):
    """R22: EUR owed by the customer after a confirmed abuse case."""

    account: str
    at: datetime
    amount: Decimal
    source: Source
    reason: str


class Event(NamedTuple):
    """Something decided that is not a movement, e.g. a referral kept without effect (R17)."""

    account: str
    at: datetime
    code: str
    message: str

