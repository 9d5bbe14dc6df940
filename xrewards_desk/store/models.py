"""The store's tables: SQLAlchemy 2.0 declarative models with typed ``Mapped[...]`` columns.

The same models serve the server's store (SQLite or PostgreSQL) and each desktop's local
copy (SQLite). Records of the rules engine (accounts, lots, orders, ledger entries,
notices, claims, abuse cases) keep the engine's own string ids, so the server and every
desktop name a record alike; records people create (e-mail cases, requests, notes) get
integer ids from the server.

Every record a person decides on carries a ``version`` (SQLAlchemy's version counter):
saving a decision made on an older version fails instead of overwriting (409
``stale_version`` over HTTP). Money is :class:`~.types.Money` (exact), instants are
:class:`~.types.Instant` (aware), points are integers.

The schema is created by Alembic migrations only (``store/migrations``), never by
``create_all``, so that every store, old or new, has the same history.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from ..domain.model import (
    CaseStatus,
    EntryType,
    NoticeKind,
    Role,
    SourceKind,
    Status,
    TransferReason,
)
from ..domain.workflow import (
    ClaimState,
    MailCaseStatus,
    ObjectionStatus,
    ReplyState,
    RequestStatus,
)
from .types import Instant, Money

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    """A string column holding the enum's values (not its member names), checked."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True)


class ObjectionKind(enum.StrEnum):
    NOTICE = "notice"
    TERMS = "terms"


class ReceivedFrom(enum.StrEnum):
    """Where a mail's receipt time came from (R25 measures it): our `Received:` header,
    or, failing that, the sender's own `Date:`; for a mail with neither, `unknown` (no
    time) until an agent types it in, then `typed` (migration 0008)."""

    RECEIVED = "received"
    DATE = "date"
    #: the mailbox's own date of arrival (IMAP INTERNALDATE), through the mail gateway
    #: (migration 0014)
    INTERNALDATE = "internaldate"
    TYPED = "typed"
    UNKNOWN = "unknown"


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: Instant(),
        Decimal: Money(),
        date: Date(),
        str: String(200),
        int: Integer(),
        bool: Boolean(),
    }


class Versioned:
    """A record a person decides on: each save bumps `version`, and saving over a newer
    version than the one read fails (StaleDataError) instead of overwriting it."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the program


class ProgramRow(Base, Versioned):
    """The program itself (one row): launch and, after R23's provider termination, its end."""

    __tablename__ = "program"
    id: Mapped[int] = mapped_column(primary_key=True)
    launch: Mapped[datetime]
    ended_at: Mapped[datetime | None]


# --------------------------------------------------------------------------- customers


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str]
    accounts: Mapped[list[AccountRow]] = relationship(back_populates="organisation",
                                                      viewonly=True)


class BillingAccount(Base):
    __tablename__ = "billing_accounts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str]


class AccountRow(Base, Versioned):
    """A customer account: the person, the engine's state of it (R7–R23), and the data the
    abuse review compares (R22: addresses, phone, sign-up IP and device)."""

    __tablename__ = "accounts"
    #: the customer number, e.g. XR-0004711 (the engine's account id)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    billing_account_id: Mapped[str] = mapped_column(ForeignKey("billing_accounts.id"),
                                                    index=True)
    name: Mapped[str] = mapped_column(default="")
    email: Mapped[str] = mapped_column(String(320))
    #: lower-cased e-mail for exact look-ups
    email_key: Mapped[str] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="de")
    registered_at: Mapped[datetime]
    status: Mapped[Status] = mapped_column(_enum(Status, "account_status"))
    status_at: Mapped[datetime | None]
    referral_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    referred_by: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    referral_void: Mapped[bool] = mapped_column(default=False)
    signup_ip: Mapped[str | None] = mapped_column(String(64))
    device_fingerprint: Mapped[str | None] = mapped_column(String(128))
    # the engine's state (domain.model.Account)
    spend: Mapped[Decimal]
    debt: Mapped[int] = mapped_column(default=0)
    claims_total: Mapped[Decimal]
    next_lot: Mapped[int] = mapped_column(default=1)
    next_entry: Mapped[int] = mapped_column(default=1)
    next_notice: Mapped[int] = mapped_column(default=1)
    has_completed_order: Mapped[bool] = mapped_column(default=False)
    first_order: Mapped[str | None] = mapped_column(String(64))
    first_order_candidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: R23: when a provider's notice was given (the account stays active until it takes
    #: effect at the end of the month its four weeks reach)
    notice_at: Mapped[datetime | None]
    #: R26: [ISO instant, size] of each adjustment applied without approval in the last
    #: 720 hours, oldest first
    unapproved_adjustments: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)

    organisation: Mapped[Organisation] = relationship(back_populates="accounts")
    addresses: Mapped[list[DeliveryAddress]] = relationship(
        order_by="DeliveryAddress.id", cascade="all, delete-orphan")
    lots: Mapped[list[LotRow]] = relationship(order_by="LotRow.seq", viewonly=True)
    discount: Mapped[DiscountCode | None] = relationship(viewonly=True)


class DeliveryAddress(Base):
    __tablename__ = "delivery_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    street: Mapped[str]
    postcode: Mapped[str] = mapped_column(String(16))
    city: Mapped[str]
    country: Mapped[str] = mapped_column(String(2), default="DE")
    #: folded street, postcode and city, for comparing addresses (R22 signals)
    key: Mapped[str] = mapped_column(String(400), index=True)


class DiscountCode(Base):
    """R18: the invitee's 10 % code."""

    __tablename__ = "discount_codes"
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    registered_at: Mapped[datetime]
    valid_until: Mapped[date]
    used_on: Mapped[str | None] = mapped_column(String(64))
    voided: Mapped[bool] = mapped_column(default=False)


# --------------------------------------------------------------------------- orders and lots


class OrderRow(Base):
    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    #: the order's own placement time, from the shop's event (R2 reads it)
    placed_at: Mapped[datetime]
    #: who placed it and who paid it (customer numbers; R22 compares them)
    placed_by: Mapped[str | None] = mapped_column(String(64))
    paid_by: Mapped[str | None] = mapped_column(String(64))
    payment_fingerprint: Mapped[str | None] = mapped_column(String(128), index=True)
    net: Mapped[Decimal]
    discount: Mapped[Decimal]
    cancelled: Mapped[Decimal]
    redeemed: Mapped[int] = mapped_column(default=0)
    #: [[lot id, points], ...] in consumption order (R13)
    redemption: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    paid_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    earning: Mapped[bool] = mapped_column(default=False)
    rate: Mapped[int] = mapped_column(default=0)
    credited: Mapped[int] = mapped_column(default=0)
    lot_id: Mapped[str | None] = mapped_column(String(80))
    spend_added: Mapped[Decimal]
    bonus_account: Mapped[str | None] = mapped_column(String(64))
    bonus_lot: Mapped[str | None] = mapped_column(String(80))
    bonus_credited: Mapped[int] = mapped_column(default=0)


class OrderCancellation(Base):
    """One cancellation of an order, in full or in part, as the shop's event gave it
    (migration 0012): when it arrived and the EUR of the discounted net value it took (the
    engine's figure). ``orders.cancelled`` is their total. `at` is None only for the total
    a store held before cancellations were recorded one by one (its time is not known)."""

    __tablename__ = "order_cancellations"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    #: the cancellation's number within its order, from 1, in the order they arrived
    seq: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime | None]
    amount: Mapped[Decimal]
    #: nothing of the order was left after it (R14–R16, R18 treat that case apart)
    in_full: Mapped[bool] = mapped_column(default=False)


class LotRow(Base):
    """R9: one credit's points with its credit time and expiry."""

    __tablename__ = "lots"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    seq: Mapped[int]
    credited_at: Mapped[datetime]
    usable_until: Mapped[date]
    expires_at: Mapped[datetime]
    points: Mapped[int]
    remaining: Mapped[int]
    source_kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind, "source_kind"))
    source_ref: Mapped[str]
    #: the lot a transferred piece came from first (R20); not indexed: nothing reads
    #: lots by it (migration 0018)
    root: Mapped[str] = mapped_column(String(80))
    parent: Mapped[str | None] = mapped_column(String(80))
    redeemed: Mapped[int] = mapped_column(default=0)
    #: [[account, lot id], ...]: pieces moved out by transfers (R20)
    transferred: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    void_claimant: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("account_id", "seq"),
                      Index("ix_lots_expires_at", "expires_at"),
                      # an account's balance and what expires soon, summed from the index
                      # alone (store/read/customers.py, migration 0005)
                      Index("ix_lots_account_expiry", "account_id", "expires_at",
                            "remaining"))


class LedgerEntry(Base):
    """One movement of points (R24) with its source and the lots it touched."""

    __tablename__ = "ledger_entries"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    #: the entry's number within its account, in the order written
    seq: Mapped[int]
    at: Mapped[datetime]
    type: Mapped[EntryType] = mapped_column(_enum(EntryType, "entry_type"))
    points: Mapped[int]
    source_kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind, "entry_source_kind"))
    source_ref: Mapped[str]
    note: Mapped[str] = mapped_column(Text, default="")
    allocations: Mapped[list[LotAllocation]] = relationship(
        order_by="LotAllocation.seq", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("account_id", "seq"),
                      Index("ix_ledger_entries_source", "source_kind", "source_ref"),
                      # the history of one account, paged, filtered and summed from the
                      # index alone (store/read/customers.py, migration 0005)
                      Index("ix_ledger_entries_history", "account_id", "seq", "type", "at",
                            "points"))


class LotAllocation(Base):
    """`points` of one lot taken or returned by one ledger entry."""

    __tablename__ = "lot_allocations"
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(80), index=True)
    points: Mapped[int]


class NoticeRow(Base):
    """R24: a notice as sent, with the figures it stated."""

    __tablename__ = "notices"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    seq: Mapped[int]
    kind: Mapped[NoticeKind] = mapped_column(_enum(NoticeKind, "notice_kind"))
    sent_at: Mapped[datetime]
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.id"))
    points: Mapped[int]
    balance: Mapped[int]
    lots: Mapped[list[NoticeLot]] = relationship(order_by="NoticeLot.seq",
                                                 cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("account_id", "seq"),
                      # the notice of each entry a history page shows (migration 0005)
                      Index("ix_notices_entry_id", "entry_id"))


class NoticeLot(Base):
    """One lot as a notice stated it: remaining points and "usable until"."""

    __tablename__ = "notice_lots"
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(80))
    remaining: Mapped[int]
    usable_until: Mapped[date]


class ClaimRow(Base, Versioned):
    """R22: EUR owed after a confirmed self-referral, followed up by the back office."""

    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    at: Mapped[datetime]
    amount: Mapped[Decimal]
    source_kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind, "claim_source_kind"))
    source_ref: Mapped[str]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ClaimState] = mapped_column(_enum(ClaimState, "claim_state"),
                                              default=ClaimState.OPEN)
    state_at: Mapped[datetime | None]
    state_by: Mapped[str | None] = mapped_column(String(64))


class EngineEvent(Base):
    """Something the engine decided that is not a movement (e.g. a referral without
    effect, R17)."""

    __tablename__ = "engine_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    at: Mapped[datetime]
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)


# --------------------------------------------------------------------------- people


class User(Base, Versioned):
    """A member of staff (or the shop's service account) and their role (R27)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str]
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    language: Mapped[str] = mapped_column(String(8), default="de")
    #: a slow KDF's output with its parameters and salt; never the password
    password_hash: Mapped[str | None] = mapped_column(String(400))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A signed-in session: only the token's SHA-256 is kept, never the token."""

    __tablename__ = "api_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SignInFailure(Base):
    """Sign-ins counted as failed, per key (server/throttle.py): a (name, address) pair,
    an address, or a name; and, as kind ``known``, a (name, address) that signed in.

    The key is a SHA-256 of the kind, name and address, so the table holds no typed text
    and a name that exists looks like one that does not. A row is void once `expires_at`
    has passed (counting starts afresh) and is deleted soon after."""

    __tablename__ = "sign_in_failures"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: pair, address, name or known
    kind: Mapped[str] = mapped_column(String(8))
    count: Mapped[int]
    #: the next attempt under this key is checked no earlier
    next_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class IdempotencyRecord(Base):
    """The first answer to a command, kept under its Idempotency-Key (per person)."""

    __tablename__ = "idempotency_keys"
    user_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class ChangeRow(Base):
    """The server's change feed: each changed record's whole state, in commit order."""

    __tablename__ = "changes"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Suspicion(Base):
    """An agent's report of suspected abuse, for compliance to look at (R27)."""

    __tablename__ = "suspicions"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mail_cases.id"))
    text: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


# --------------------------------------------------------------------------- evidence


class EvidenceFile(Base):
    """A file kept as evidence, addressed by its SHA-256; the type comes from its bytes."""

    __tablename__ = "evidence_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    #: the name it arrived under: a label only, never a path
    label: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str | None] = mapped_column(String(64))
    #: where the desktop keeps its copy, relative to its data folder (None: not fetched)
    local_path: Mapped[str | None] = mapped_column(String(255))


# --------------------------------------------------------------------------- e-mail cases


class MailCase(Base, Versioned):
    """A case from the rewards@ mailbox: one or more mails, notes, and what was decided."""

    __tablename__ = "mail_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(998))
    status: Mapped[MailCaseStatus] = mapped_column(_enum(MailCaseStatus, "mail_case_status"),
                                                   default=MailCaseStatus.NEW)
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    messages: Mapped[list[MailMessage]] = relationship(order_by="MailMessage.received_at",
                                                       back_populates="case")
    notes: Mapped[list[CaseNote]] = relationship(order_by="CaseNote.at")


class MailMessage(Base):
    """One mail of a case, in or out. `received_at` is what R25 measures; None while no
    header dates the mail and no agent has typed it in (`received_from` `unknown`).
    `sender` is None where the mail named no sender address."""

    __tablename__ = "mail_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mail_cases.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    outgoing: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime | None]
    received_from: Mapped[ReceivedFrom] = mapped_column(_enum(ReceivedFrom, "received_from"))
    #: ``email``; ``phone`` or ``letter`` for a message typed in by hand, whose receipt
    #: time the agent entered (migration 0006)
    channel: Mapped[str] = mapped_column(String(16), default="email", server_default="email")
    sender: Mapped[str | None] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(998))
    body: Mapped[str] = mapped_column(Text)
    #: a reply sent through the mail gateway (migration 0014): its state (NULL for a mail
    #: in and a reply recorded as sent by hand), the SMTP server's last words, the
    #: temporary refusals it met, when its state was last set, when it was queued, its recipient
    send_state: Mapped[ReplyState | None] = mapped_column(_enum(ReplyState, "reply_state"),
                                                          index=True)
    send_detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    send_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    send_at: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]
    recipient: Mapped[str | None] = mapped_column(String(320))
    case: Mapped[MailCase] = relationship(back_populates="messages")
    attachments: Mapped[list[MailAttachment]] = relationship(order_by="MailAttachment.seq")


class GatewayStateRow(Base):
    """What the mail gateway last reported about itself (one row, id 1; migration 0014):
    not a record of the change feed, read by ``GET /v1/mailbox/state``."""

    __tablename__ = "gateway_state"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    connected: Mapped[bool]
    last_taken_at: Mapped[datetime | None]
    waiting: Mapped[int]
    detail: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime]
    reported_by: Mapped[str] = mapped_column(String(64))


class PresenceMark(Base):
    """Who has which record open (server only; migration 0016): in the database so that
    every server process sees every mark. A mark lasts 90 s after its last renewal; an
    expired one is ignored and deleted later. Not in the change feed, not audited."""

    __tablename__ = "presence_marks"
    record: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str]
    #: since when without a break
    since: Mapped[datetime]
    #: the last renewal
    last: Mapped[datetime] = mapped_column(index=True)


class MailAttachment(Base):
    """An attachment of a mail: kept as evidence, or refused (and recorded why)."""

    __tablename__ = "mail_attachments"
    message_id: Mapped[int] = mapped_column(ForeignKey("mail_messages.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    evidence_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_files.sha256"))
    refused: Mapped[str | None] = mapped_column(Text)


class CaseNote(Base):
    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mail_cases.id"), index=True)
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class CustomerNote(Base):
    """A note on a customer rather than on one case (issue 19; migration 0013)."""

    __tablename__ = "customer_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class Objection(Base, Versioned):
    """An objection to a notice (R25, within one month of its sending) or to changed
    terms (R28)."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ObjectionKind] = mapped_column(_enum(ObjectionKind, "objection_kind"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mail_cases.id"), index=True)
    notice_id: Mapped[str | None] = mapped_column(ForeignKey("notices.id"))
    received_at: Mapped[datetime]
    deadline: Mapped[date | None]
    status: Mapped[ObjectionStatus] = mapped_column(_enum(ObjectionStatus, "objection_status"),
                                                    default=ObjectionStatus.RECORDED)
    recorded_by: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- requests


class AdjustmentRequest(Base, Versioned):
    """R26: an adjustment of an account's points, applied at once or after approval."""

    __tablename__ = "adjustment_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    goodwill: Mapped[bool] = mapped_column(default=False)
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objections.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mail_cases.id"))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime]
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "adjustment_status"),
                                                  default=RequestStatus.PENDING, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[str | None] = mapped_column(String(80))


class TransferRequestRow(Base, Versioned):
    """R20/R21: a transfer of points between colleagues, with evidence, for a team lead."""

    __tablename__ = "transfer_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    target_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    points: Mapped[int]
    reason: Mapped[TransferReason] = mapped_column(_enum(TransferReason, "transfer_reason"))
    justification: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mail_cases.id"))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime]
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "transfer_status"),
                                                  default=RequestStatus.PENDING, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[TransferEvidence]] = relationship(order_by="TransferEvidence.seq",
                                                            cascade="all, delete-orphan")


class TransferEvidence(Base):
    __tablename__ = "transfer_evidence"
    request_id: Mapped[int] = mapped_column(ForeignKey("transfer_requests.id"),
                                            primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_files.sha256"))


# --------------------------------------------------------------------------- abuse review


class AbuseCaseRow(Base, Versioned):
    """An abuse review on one account, or on a referral (both of its accounts) (R22)."""

    __tablename__ = "abuse_cases"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the invitee where the case is on a referral
    invitee_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"))
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus, "abuse_case_status"))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    mail_case_id: Mapped[int | None] = mapped_column(ForeignKey("mail_cases.id"))
    accounts: Mapped[list[AbuseCaseAccount]] = relationship(
        order_by="AbuseCaseAccount.position", cascade="all, delete-orphan")


class AbuseCaseAccount(Base):
    __tablename__ = "abuse_case_accounts"
    case_id: Mapped[str] = mapped_column(ForeignKey("abuse_cases.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True,
                                            index=True)
    position: Mapped[int]


class AbuseSignal(Base):
    """One sign of a self-referral between a referrer and an invitee, with its evidence."""

    __tablename__ = "abuse_signals"
    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    invitee_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    weight: Mapped[int]
    evidence: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("invitee_id", "referrer_id", "kind"),)


# --------------------------------------------------------------------------- audit, sync


class AuditRecord(Base):
    """Who did what, when, in which role (server only; not in the change feed)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), index=True)
    outcome: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the chain: this record's SHA-256 over the previous one's and its own content
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed checkpoint of the audit chain's head (server only): Ed25519 over its
    sequence number, the record it names, that record's hash, its time and the key's id
    (:func:`~xrewards_desk.store.audit.checkpoint_message`). The key never is in the
    database; the sequence number is the primary key, so server processes sharing the
    key append one sequence in the database's order (a second insert of a number fails)."""

    __tablename__ = "audit_checkpoints"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     primary_key=True, autoincrement=False)
    #: the newest audit record when signed (0: the chain was empty)
    record: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    #: the Ed25519 signature, hex
    signature: Mapped[str] = mapped_column(String(128))


class SeenAuditHead(Base):
    """The newest signed audit checkpoint a desktop saw, per server (desktop only): the
    audit view warns when the server's chain no longer contains it. The server's public
    key is kept with it as first seen, so a checkpoint signed by another key is noticed."""

    __tablename__ = "seen_audit_heads"
    api: Mapped[str] = mapped_column(String(400), primary_key=True)
    public_key: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    record: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    signature: Mapped[str] = mapped_column(String(128))
    seen_at: Mapped[datetime]


class SyncState(Base):
    """The desktop's position in the server's change feed (one row per server)."""

    __tablename__ = "sync_state"
    api: Mapped[str] = mapped_column(String(400), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(200))
    last_success: Mapped[datetime | None]
    user_name: Mapped[str | None] = mapped_column(String(64))


class OutboxCommand(Base):
    """A decision taken on the desktop, waiting to reach the server exactly once."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: evidence files the command cites, uploaded before it
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    state: Mapped[OutboxState] = mapped_column(_enum(OutboxState, "outbox_state"),
                                               default=OutboxState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None]
    refusal_code: Mapped[str | None] = mapped_column(String(64))
    refusal_message: Mapped[str | None] = mapped_column(Text)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: sent only once this command was applied (a macro's reply after its decision): if
    #: that one is refused or withdrawn, this one is not sent (migration 0015)
    after: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


__all__ = [
    "AbuseCaseAccount",
    "AbuseCaseRow",
    "AbuseSignal",
    "AccountRow",
    "AdjustmentRequest",
    "ApiToken",
    "AuditRecord",
    "Base",
    "BillingAccount",
    "CaseNote",
    "ChangeRow",
    "ClaimRow",
    "ClaimState",
    "DeliveryAddress",
    "DiscountCode",
    "EngineEvent",
    "EvidenceFile",
    "GatewayStateRow",
    "IdempotencyRecord",
    "LedgerEntry",
    "LotAllocation",
    "LotRow",
    "MailAttachment",
    "MailCase",
    "MailCaseStatus",
    "MailMessage",
    "NoticeLot",
    "NoticeRow",
    "Objection",
    "ObjectionKind",
    "ObjectionStatus",
    "OrderCancellation",
    "OrderRow",
    "Organisation",
    "OutboxCommand",
    "OutboxState",
    "PresenceMark",
    "ProgramRow",
    "ReceivedFrom",
    "ReplyState",
    "RequestStatus",
    "SignInFailure",
    "Suspicion",
    "SyncState",
    "TransferEvidence",
    "TransferRequestRow",
    "User",
]
