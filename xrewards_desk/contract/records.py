"""The change feed: every record the desktop keeps a copy of, as the server sends it.

``GET /v1/changes?after=CURSOR&limit=N`` answers a :class:`ChangePage`; each
:class:`Change` carries one record's whole current state (``data``), or ``None`` where the
record was deleted. The desktop upserts them in order, one transaction a page. The audit
log is not in the feed (ARCHITECTURE.md).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..domain import model as d
from .common import NAMED, Day, Id, Instant, Model, Money, Points, RecordId

# the domain's named values as the wire has them (their member, or its value: common.NAMED)
CaseStatus = Annotated[d.CaseStatus, NAMED]
EntryType = Annotated[d.EntryType, NAMED]
NoticeKind = Annotated[d.NoticeKind, NAMED]
Role = Annotated[d.Role, NAMED]
SourceKind = Annotated[d.SourceKind, NAMED]
Status = Annotated[d.Status, NAMED]
TransferReason = Annotated[d.TransferReason, NAMED]

ClaimStateName = Literal["open", "invoiced", "paid", "written_off"]
RequestStatusName = Literal["pending", "approved", "rejected", "withdrawn"]
ObjectionStatusName = Literal["recorded", "upheld", "rejected", "late", "goodwill"]
MailCaseStatusName = Literal["new", "open", "waiting", "closed"]


class Organisation(Model):
    id: Id
    name: str


class BillingAccount(Model):
    id: Id
    organisation: Id
    name: str


class Address(Model):
    street: Annotated[str, Field(min_length=1, max_length=200)]
    postcode: Annotated[str, Field(min_length=1, max_length=16)]
    city: Annotated[str, Field(min_length=1, max_length=200)]
    #: ISO 3166-1 alpha-2
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "DE"


class UnapprovedAdjustment(Model):
    """R26: one adjustment applied without a team lead's approval, counted for 720 hours."""

    at: Instant
    points: Points


class Account(Model):
    id: Id
    organisation: Id
    billing_account: Id
    name: str
    email: str
    phone: str | None = None
    language: str = "de"
    addresses: list[Address] = Field(default_factory=list)
    registered_at: Instant
    status: Status
    status_at: Instant | None = None
    referral_code: str | None = None
    referred_by: Id | None = None
    referral_void: bool = False
    signup_ip: str | None = None
    device_fingerprint: str | None = None
    spend: Money
    debt: Points
    claims: Money
    has_completed_order: bool
    first_order: Id | None = None
    #: R23: when a provider's notice was given; the account stays active until it takes
    #: effect (the desktop's engine computes the dates from it)
    notice_at: Instant | None = None
    #: R26: the adjustments applied without approval in the last 720 hours
    unapproved_adjustments: list[UnapprovedAdjustment] = Field(default_factory=list)
    version: int


class Discount(Model):
    account: Id
    code: str
    registered_at: Instant
    valid_until: Day
    used_on: Id | None = None
    voided: bool = False


class Lot(Model):
    id: RecordId
    account: Id
    seq: int
    credited_at: Instant
    usable_until: Day
    expires_at: Instant
    points: Points
    remaining: Points
    source_kind: SourceKind
    source_ref: str
    root: RecordId
    parent: RecordId | None = None
    redeemed: Points = 0
    void_claimant: Id | None = None


class Allocation(Model):
    lot: RecordId
    points: Points


class Cancellation(Model):
    """One cancellation of an order, in full or in part: when the shop's event arrived
    (None for a total a store held before cancellations were recorded one by one) and the
    EUR of the discounted net value it cancelled; `in_full` where nothing was left."""

    at: Instant | None = None
    amount: Money
    in_full: bool = False


class Order(Model):
    id: Id
    account: Id
    placed_at: Instant
    placed_by: Id | None = None
    paid_by: Id | None = None
    payment_fingerprint: str | None = None
    net: Money
    discount: Money
    cancelled: Money
    #: each cancellation, in the order they arrived; their amounts add up to `cancelled`
    cancellations: list[Cancellation] = Field(default_factory=list)
    redeemed: Points
    #: R13/R14: the lots the points still redeemed on it came from, in consumption order
    redemption: list[Allocation] = Field(default_factory=list)
    paid_at: Instant | None = None
    delivered_at: Instant | None = None
    completed_at: Instant | None = None
    #: R2/R3/R8: whether its completion counted, and the rate it earned at (the tier held
    #: just before it completed: 1 bronze, 2 silver, 3 gold)
    earning: bool = False
    rate: Points = 0
    credited: Points = 0
    #: the lot its credit made
    lot: RecordId | None = None
    spend_added: Money
    #: R19/R16: the referrer's bonus this first order paid (0 once reversed), and its lot
    bonus_account: Id | None = None
    bonus_lot: RecordId | None = None
    bonus_credited: Points = 0


class Entry(Model):
    id: RecordId
    account: Id
    seq: int
    at: Instant
    type: EntryType
    points: Points
    source_kind: SourceKind
    source_ref: str
    note: str = ""
    allocations: list[Allocation] = Field(default_factory=list)


class NoticeLot(Model):
    lot: RecordId
    remaining: Points
    usable_until: Day


class Notice(Model):
    id: RecordId
    account: Id
    seq: int
    kind: NoticeKind
    sent_at: Instant
    entry: RecordId
    points: Points
    balance: Points
    lots: list[NoticeLot] = Field(default_factory=list)


class Claim(Model):
    id: int
    account: Id
    at: Instant
    amount: Money
    source_kind: SourceKind
    source_ref: str
    reason: str
    state: ClaimStateName
    state_at: Instant | None = None
    state_by: str | None = None
    version: int


class AbuseCase(Model):
    id: Id
    accounts: list[Id]
    invitee: Id | None = None
    opened_at: Instant
    opened_by: str
    status: CaseStatus
    decided_by: str | None = None
    decided_at: Instant | None = None
    reason: str = ""
    mail_case: int | None = None
    version: int


class AbuseSignal(Model):
    id: int
    referrer: Id
    invitee: Id
    kind: str
    weight: int
    evidence: str
    found_at: Instant


class Suspicion(Model):
    """An agent's report of suspected abuse, for compliance."""

    id: int
    account: Id
    case: int | None = None
    text: str
    reported_by: str
    at: Instant


class Attachment(Model):
    seq: int
    label: str
    sha256: str | None = None
    refused: str | None = None


class MailMessage(Model):
    id: int
    case: int
    message_id: str
    in_reply_to: str | None = None
    references: list[str] = Field(default_factory=list)
    outgoing: bool = False
    #: None while no header dates the mail (``received_from`` ``unknown``); ``typed``:
    #: an agent set it afterwards (R25 counts from it)
    received_at: Instant | None
    #: ``internaldate``: the mailbox's own date of arrival, where the mail gateway took a
    #: mail with neither a Received: nor a Date: header (marked on the case)
    received_from: Literal["received", "date", "internaldate", "typed", "unknown"]
    channel: Literal["email", "phone", "letter"] = "email"
    #: None: the mail named no sender address
    sender: str | None
    subject: str
    body: str
    attachments: list[Attachment] = Field(default_factory=list)
    #: a reply sent through the mail gateway (issue 20): its state (None for a mail in
    #: and for a reply recorded as sent by hand), the SMTP server's last words, how many
    #: temporary refusals it met, when its state was last set, when it was queued, and its recipient
    send_state: Literal["queued", "sending", "sent", "refused", "unknown"] | None = None
    send_detail: str = ""
    send_attempts: int = 0
    send_at: Instant | None = None
    queued_at: Instant | None = None
    to: str | None = None


class MailCase(Model):
    id: int
    subject: str
    status: MailCaseStatusName
    account: Id | None = None
    assigned_to: str | None = None
    opened_at: Instant
    version: int


class CaseNote(Model):
    id: int
    case: int
    at: Instant
    author: str
    text: str


class CustomerNote(Model):
    id: int
    account: str
    at: Instant
    author: str
    text: str


class Objection(Model):
    id: int
    kind: Literal["notice", "terms"]
    account: Id
    case: int | None = None
    notice: RecordId | None = None
    received_at: Instant
    deadline: Day | None = None
    status: ObjectionStatusName
    recorded_by: str
    decided_by: str | None = None
    decided_at: Instant | None = None
    reason: str = ""
    version: int


class AdjustmentRequest(Model):
    id: int
    account: Id
    points: Points
    reason: str
    goodwill: bool
    objection: int | None = None
    case: int | None = None
    requested_by: str
    requested_at: Instant
    status: RequestStatusName
    decided_by: str | None = None
    decided_at: Instant | None = None
    decision_reason: str = ""
    entry: RecordId | None = None
    version: int


class TransferRequest(Model):
    id: int
    source: Id
    target: Id
    points: Points
    reason: TransferReason
    justification: str = ""
    case: int | None = None
    evidence: list[str] = Field(default_factory=list)
    requested_by: str
    requested_at: Instant
    status: RequestStatusName
    decided_by: str | None = None
    decided_at: Instant | None = None
    decision_reason: str = ""
    version: int


class Evidence(Model):
    sha256: str
    media_type: str
    size: int
    label: str
    uploaded_at: Instant
    uploaded_by: str | None = None


class Staff(Model):
    """A member of staff as the desktop shows them (never their password)."""

    name: str
    display_name: str
    role: Role
    active: bool


class Program(Model):
    launch: Instant
    ended_at: Instant | None = None
    version: int


class _Change(Model):
    """One record's whole state after a change (``data``), or None: it was deleted."""

    seq: int
    at: Instant
    id: str


class OrganisationChange(_Change):
    kind: Literal["organisation"]
    data: Organisation | None


class BillingAccountChange(_Change):
    kind: Literal["billing_account"]
    data: BillingAccount | None


class AccountChange(_Change):
    kind: Literal["account"]
    data: Account | None


class DiscountChange(_Change):
    kind: Literal["discount"]
    data: Discount | None


class LotChange(_Change):
    kind: Literal["lot"]
    data: Lot | None


class OrderChange(_Change):
    kind: Literal["order"]
    data: Order | None


class EntryChange(_Change):
    kind: Literal["entry"]
    data: Entry | None


class NoticeChange(_Change):
    kind: Literal["notice"]
    data: Notice | None


class ClaimChange(_Change):
    kind: Literal["claim"]
    data: Claim | None


class AbuseCaseChange(_Change):
    kind: Literal["abuse_case"]
    data: AbuseCase | None


class AbuseSignalChange(_Change):
    kind: Literal["abuse_signal"]
    data: AbuseSignal | None


class SuspicionChange(_Change):
    kind: Literal["suspicion"]
    data: Suspicion | None


class MailCaseChange(_Change):
    kind: Literal["mail_case"]
    data: MailCase | None


class MailMessageChange(_Change):
    kind: Literal["mail_message"]
    data: MailMessage | None


class CaseNoteChange(_Change):
    kind: Literal["case_note"]
    data: CaseNote | None


class CustomerNoteChange(_Change):
    kind: Literal["customer_note"]
    data: CustomerNote | None


class ObjectionChange(_Change):
    kind: Literal["objection"]
    data: Objection | None


class AdjustmentRequestChange(_Change):
    kind: Literal["adjustment_request"]
    data: AdjustmentRequest | None


class TransferRequestChange(_Change):
    kind: Literal["transfer_request"]
    data: TransferRequest | None


class EvidenceChange(_Change):
    kind: Literal["evidence"]
    data: Evidence | None


class StaffChange(_Change):
    kind: Literal["staff"]
    data: Staff | None


class ProgramChange(_Change):
    kind: Literal["program"]
    data: Program | None


Change = Annotated[
    OrganisationChange
    | BillingAccountChange
    | AccountChange
    | DiscountChange
    | LotChange
    | OrderChange
    | EntryChange
    | NoticeChange
    | ClaimChange
    | AbuseCaseChange
    | AbuseSignalChange
    | SuspicionChange
    | MailCaseChange
    | MailMessageChange
    | CaseNoteChange
    | CustomerNoteChange
    | ObjectionChange
    | AdjustmentRequestChange
    | TransferRequestChange
    | EvidenceChange
    | StaffChange
    | ProgramChange,
    Field(discriminator="kind"),
]

RECORDS: dict[str, type[Model]] = {
    "organisation": Organisation,
    "billing_account": BillingAccount,
    "account": Account,
    "discount": Discount,
    "lot": Lot,
    "order": Order,
    "entry": Entry,
    "notice": Notice,
    "claim": Claim,
    "abuse_case": AbuseCase,
    "abuse_signal": AbuseSignal,
    "suspicion": Suspicion,
    "mail_case": MailCase,
    "mail_message": MailMessage,
    "case_note": CaseNote,
    "customer_note": CustomerNote,
    "objection": Objection,
    "adjustment_request": AdjustmentRequest,
    "transfer_request": TransferRequest,
    "evidence": Evidence,
    "staff": Staff,
    "program": Program,
}
KINDS = tuple(RECORDS)


class ChangePage(Model):
    """A page of the feed. ``next`` is the cursor to ask with next time; ``more`` says
    whether there was more than ``limit`` to send."""

    changes: list[Change]
    next: str
    more: bool
