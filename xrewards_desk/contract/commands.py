"""Commands: every decision staff take, and the shop's events, as sent to the server.

``POST /v1/commands`` takes one :data:`Command` (``type`` says which) with an
``Idempotency-Key`` header; the server checks the person's role (R27) and the rules, and
answers a :class:`CommandResult` or a :class:`~.common.Problem`. A command that decides on
a record names the ``version`` it was decided on; a newer one makes it ``stale_version``.
``POST /v1/shop/events`` takes one :data:`ShopEvent` from the ``service`` role.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .common import Id, Instant, Key, Model, Money, Points, Problem, RecordId, ShortText, Text
from .records import Address, ClaimStateName, MailCaseStatusName, TransferReason

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Field(min_length=1, max_length=4000)]


# --------------------------------------------------------------------------- e-mail cases


class AttachmentIn(Model):
    label: ShortText
    #: the evidence file it was kept as (uploaded first), or None where it was refused
    sha256: Sha256 | None = None
    refused: ShortText | None = None


class MailIn(Model):
    """A parsed mail (the parser lives on the desktop and in the mail hook)."""

    message_id: Annotated[str, Field(min_length=3, max_length=998)]
    in_reply_to: Annotated[str, Field(max_length=998)] | None = None
    references: list[Annotated[str, Field(max_length=998)]] = Field(default_factory=list,
                                                                   max_length=200)
    #: None, with ``received_from`` ``unknown``, where no header of the mail dates it: an
    #: agent sets it (:class:`SetMailReceipt`) before an objection in the case is recorded
    #: or decided (R25)
    received_at: Instant | None
    #: ``internaldate``: the mail gateway's IMAP server's own date of arrival (a mail with
    #: neither a Received: nor a Date: header, taken from the mailbox)
    received_from: Literal["received", "date", "internaldate", "unknown"]
    #: ``phone`` or ``letter``: typed in by an agent, ``received_at`` as they entered it
    channel: Literal["email", "phone", "letter"] = "email"
    #: None: the mail names no sender address (the case is linked to a customer by hand)
    sender: Annotated[str, Field(min_length=3, max_length=320)] | None
    subject: Annotated[str, Field(max_length=998)]
    body: Text
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _receipt_known_or_said_unknown(self) -> MailIn:
        if (self.received_at is None) != (self.received_from == "unknown"):
            raise ValueError("received_at is null exactly when received_from is 'unknown'")
        if self.channel != "email" and (self.received_at is None or self.sender is None):
            raise ValueError("a message typed in by hand has a receipt time and a sender")
        return self


class CreateMailCase(Model):
    """A received mail: a new case, or the case its In-Reply-To/References name. The same
    Message-ID twice makes nothing new."""

    type: Literal["create_mail_case"]
    mail: MailIn
    account: Id | None = None


class AssignMailCase(Model):
    type: Literal["assign_mail_case"]
    case: Key
    version: Version
    assignee: Annotated[str, Field(max_length=64)] | None


class NoteMailCase(Model):
    type: Literal["note_mail_case"]
    case: Key
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


class NoteCustomer(Model):
    """A note on the customer, not on one case (issue 19): what every desk should know."""

    type: Literal["note_customer"]
    account: Id
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


class SetMailCaseStatus(Model):
    type: Literal["set_mail_case_status"]
    case: Key
    version: Version
    status: MailCaseStatusName


class LinkMailCase(Model):
    """Ties a case to the customer it is about."""

    type: Literal["link_mail_case"]
    case: Key
    version: Version
    account: Id | None


class SetMailReceipt(Model):
    """The receipt time of a mail that holds no readable date, typed in by an agent (from
    the mailbox's own records) and marked as typed in; R25 counts from it. A time read from
    the mail's own headers is not changed by hand."""

    type: Literal["set_mail_receipt"]
    case: Key
    #: the mail (its record id in the case)
    message: Key
    received_at: Instant


class RecordReplySent(Model):
    type: Literal["record_reply_sent"]
    case: Key
    message_id: Annotated[str, Field(min_length=3, max_length=998)]
    sent_at: Instant
    to: Annotated[str, Field(min_length=3, max_length=320)]
    subject: Annotated[str, Field(max_length=998)]
    body: Text


#: a header's value as it goes out in a mail: no line break, no control character (a
#: line break would add headers of its own)
HeaderText = Annotated[str, Field(max_length=998, pattern=r"^[^\x00-\x1f\x7f]*$")]
#: a Message-ID the desk made for a reply (``email.utils.make_msgid``): ``<left@right>``
MessageId = Annotated[str, Field(min_length=3, max_length=998,
                                 pattern=r"^<[^<>@\s]+@[^<>@\s]+>$")]
#: a mail's Message-ID as another program wrote it, for In-Reply-To and References
ParentId = Annotated[str, Field(min_length=1, max_length=998,
                                pattern=r"^[^\x00-\x20\x7f]+$")]
MailAddress = Annotated[str, Field(min_length=3, max_length=320,
                               pattern=r"^[^@\s\x00-\x1f\x7f<>,;]+@[^@\s\x00-\x1f\x7f<>,;]+$")]
ReplyStateName = Literal["queued", "sending", "sent", "refused", "unknown"]


class QueueReply(Model):
    """A reply for the mail gateway to send (issue 20), with the headers it goes out with:
    its final Message-ID (made by the desk), In-Reply-To (the case's last mail in) and
    References (the thread). Stored in the case as ``queued``."""

    type: Literal["queue_reply"]
    case: Key
    message_id: MessageId
    in_reply_to: ParentId | None = None
    references: list[ParentId] = Field(default_factory=list, max_length=200)
    to: MailAddress
    subject: HeaderText
    body: Text


class SetReplyState(Model):
    """The mail gateway records what became of a reply: taken to be sent (``sending``),
    accepted (``sent``, at `at`), refused for good (``refused``), refused for now
    (``queued`` again, one attempt more) or lost between the SMTP server and Sent
    (``unknown``: it may have been sent). `detail`: the SMTP server's words."""

    type: Literal["set_reply_state"]
    message: Key
    state: ReplyStateName
    at: Instant
    detail: Annotated[str, Field(max_length=4000)] = ""


class ResolveReply(Model):
    """A person decides what became of a reply that may have been sent: it was (`sent`),
    or it is sent again (queued)."""

    type: Literal["resolve_reply"]
    message: Key
    sent: bool


class ReportGatewayState(Model):
    """The mail gateway's state as it last reported it (kept, not in the change feed)."""

    type: Literal["report_gateway_state"]
    connected: bool
    last_taken_at: Instant | None = None
    waiting: Annotated[int, Field(ge=0, le=10**9)]
    detail: Annotated[str, Field(max_length=4000)] = ""


class ReplyToSend(Model):
    """``GET /v1/mailbox/replies`` answers a JSON array of these, the replies in state
    queued or sending, oldest first: one the gateway is to send (or finish sending).
    `message` is its record's id in the case (what ``set_reply_state`` names)."""

    message: int
    case: int
    message_id: str
    in_reply_to: str | None
    references: list[str]
    to: str
    subject: str
    body: str
    state: Literal["queued", "sending"]
    attempts: int
    queued_at: Instant


class GatewayState(Model):
    """``GET /v1/mailbox/state``: what the mail gateway last reported, and when."""

    connected: bool
    last_taken_at: Instant | None
    waiting: int
    detail: str
    reported_at: Instant
    reported_by: str


# --------------------------------------------------------------------------- objections


class RecordObjection(Model):
    """An objection to a notice (R25), as received by mail (its receipt time counts)."""

    type: Literal["record_objection"]
    notice: RecordId
    received_at: Instant
    case: Key | None = None


class UpholdObjection(Model):
    """R25/R26: an adjustment citing the objection; where it takes the sum of the account's
    unapproved adjustments of the last 720 hours past 10,000 points, it waits for a team
    lead."""

    type: Literal["uphold_objection"]
    objection: Key
    version: Version
    points: Points
    reason: Reason


class RejectObjection(Model):
    type: Literal["reject_objection"]
    objection: Key
    version: Version
    reason: Reason


class AnswerObjectionLate(Model):
    type: Literal["answer_objection_late"]
    objection: Key
    version: Version
    reason: Annotated[str, Field(max_length=4000)] = ""


class GrantGoodwill(Model):
    """R25: a late objection granted as goodwill, which a team lead approves (R26)."""

    type: Literal["grant_goodwill"]
    objection: Key
    version: Version
    points: Points
    reason: Reason


class ObjectToTerms(Model):
    """R28: a Widerspruch to changed terms; in time it ends participation (balance forfeited)."""

    type: Literal["object_to_terms"]
    account: Id
    change_sent: Instant
    received_at: Instant
    case: Key | None = None


# --------------------------------------------------------------------------- adjustments


class RequestAdjustment(Model):
    type: Literal["request_adjustment"]
    account: Id
    points: Points
    reason: Reason
    goodwill: bool = False
    case: Key | None = None


class DecideAdjustment(Model):
    type: Literal["approve_adjustment", "reject_adjustment"]
    request: Key
    version: Version
    reason: Annotated[str, Field(max_length=4000)] = ""


# --------------------------------------------------------------------------- transfers


class RequestTransfer(Model):
    """R20/R21: points between colleagues, with evidence, for a team lead to approve."""

    type: Literal["request_transfer"]
    source: Id
    target: Id
    points: Points
    reason: TransferReason
    justification: Annotated[str, Field(max_length=4000)] = ""
    evidence: list[Sha256] = Field(default_factory=list, max_length=20)
    case: Key | None = None


class DecideTransfer(Model):
    type: Literal["approve_transfer", "reject_transfer"]
    request: Key
    version: Version
    reason: Annotated[str, Field(max_length=4000)] = ""


# --------------------------------------------------------------------------- abuse


class ReportSuspicion(Model):
    """An agent's report of suspected abuse, noted on the case for compliance."""

    type: Literal["report_suspicion"]
    account: Id
    case: Key | None = None
    text: Reason


class OpenAbuseCase(Model):
    type: Literal["open_abuse_case"]
    account: Id
    on_referral: bool = False
    mail_case: Key | None = None


class ConfirmSelfReferral(Model):
    """R22: voids what the referral gained and claims what was spent; optionally
    terminates accounts for cause."""

    type: Literal["confirm_self_referral"]
    case: Id
    version: Version
    terminate: list[Id] = Field(default_factory=list, max_length=10)
    reason: Reason


class DismissAbuseCase(Model):
    type: Literal["dismiss_abuse_case"]
    case: Id
    version: Version
    reason: Reason


class TerminateForCause(Model):
    type: Literal["terminate_for_cause"]
    account: Id
    version: Version
    reason: Reason


# --------------------------------------------------------------------------- accounts, claims


class SetClaimState(Model):
    type: Literal["set_claim_state"]
    claim: Key
    version: Version
    state: ClaimStateName


class CloseAccount(Model):
    """R23: closing on the customer's request (the balance is forfeited)."""

    type: Literal["close_account"]
    account: Id
    version: Version
    reason: Reason
    case: Key | None = None


class TerminateAccount(Model):
    """R23: the provider's termination with notice (a three-month redemption window)."""

    type: Literal["terminate_account"]
    account: Id
    version: Version
    reason: Reason


class EndProgram(Model):
    """R23: the provider ends the whole program."""

    type: Literal["end_program"]
    version: Version
    reason: Reason


Command = Annotated[
    CreateMailCase | AssignMailCase | NoteMailCase | NoteCustomer | SetMailCaseStatus
    | LinkMailCase
    | SetMailReceipt | RecordReplySent | QueueReply | SetReplyState | ResolveReply
    | ReportGatewayState | RecordObjection | UpholdObjection | RejectObjection
    | AnswerObjectionLate | GrantGoodwill | ObjectToTerms | RequestAdjustment
    | DecideAdjustment | RequestTransfer | DecideTransfer | ReportSuspicion
    | OpenAbuseCase | ConfirmSelfReferral | DismissAbuseCase | TerminateForCause
    | SetClaimState | CloseAccount | TerminateAccount | EndProgram,
    Field(discriminator="type"),
]


# --------------------------------------------------------------------------- the shop


class Register(Model):
    type: Literal["register"]
    account: Id
    organisation: Id
    organisation_name: Annotated[str, Field(min_length=1, max_length=200)]
    billing_account: Id
    billing_account_name: Annotated[str, Field(min_length=1, max_length=200)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]
    phone: Annotated[str, Field(max_length=64)] | None = None
    language: Literal["de", "en"] = "de"
    addresses: list[Address] = Field(default_factory=list, max_length=20)
    #: the referral link's code the customer came through, if any
    referral_code: Annotated[str, Field(max_length=32)] | None = None
    signup_ip: Annotated[str, Field(max_length=64)] | None = None
    device_fingerprint: Annotated[str, Field(max_length=128)] | None = None


class OrderPlaced(Model):
    type: Literal["order_placed"]
    order: Id
    account: Id
    #: the order's own placement time (R2 reads it); the server's clock decides the rest
    placed_at: Instant
    net: Money
    use_discount: bool = False
    redeem: Points | None = None
    placed_by: Id | None = None
    payment_fingerprint: Annotated[str, Field(max_length=128)] | None = None


class OrderPaid(Model):
    type: Literal["order_paid"]
    order: Id
    paid_by: Id | None = None
    payment_fingerprint: Annotated[str, Field(max_length=128)] | None = None


class OrderDelivered(Model):
    type: Literal["order_delivered"]
    order: Id


class OrderCancelled(Model):
    type: Literal["order_cancelled"]
    order: Id
    #: EUR of the discounted net value cancelled; None cancels all that is left
    net: Money | None = None


ShopEvent = Annotated[
    Register | OrderPlaced | OrderPaid | OrderDelivered | OrderCancelled,
    Field(discriminator="type"),
]


# --------------------------------------------------------------------------- answers


class Touched(Model):
    kind: str
    id: str


class CommandResult(Model):
    """What a command did: the records it created or changed (their new states follow in
    the change feed), the ledger entries it wrote, and a pending request where one waits
    for approval."""

    type: str
    applied_at: Instant
    touched: list[Touched] = Field(default_factory=list)
    entries: list[RecordId] = Field(default_factory=list)
    #: the id of what was created (a case, an objection, a request), where there is one
    created: str | None = None
    pending_approval: bool = False
    message: str = ""


#: the most shop events one batch may hold (more: 422, nothing applied)
BATCH_MAX = 1000


class BatchedEvent(Model):
    """One shop event of a batch, with its own Idempotency-Key (as the header of a single
    event: a retry with the same key and event replays its answer)."""

    key: Annotated[str, Field(min_length=1, max_length=200)]
    event: ShopEvent


class ShopEventBatch(Model):
    """Shop events applied in their order in one transaction (``POST /v1/shop/events/
    batch``), at most :data:`BATCH_MAX`."""

    events: list[BatchedEvent] = Field(min_length=1, max_length=BATCH_MAX)


class BatchAnswer(Model):
    """One event's answer, as ``POST /v1/shop/events`` would give it alone: `status` 200
    with `result`, or the refusal's status with its `problem` (the rule's code)."""

    key: str
    status: int
    result: CommandResult | None = None
    problem: Problem | None = None


class ShopEventBatchResult(Model):
    """The answers in the order of the events; how many were applied and refused."""

    answers: list[BatchAnswer]
    applied: int
    refused: int


class PreviewLot(Model):
    account: Id
    lot: RecordId
    points: Points


class Preview(Model):
    """What confirming a self-referral would do, computed by the engine and not saved."""

    case: Id
    version: int
    at: Instant
    voided: list[PreviewLot]
    claims: list[dict[str, Any]]
    discount_voided: bool
    entries: list[dict[str, Any]]


class SignIn(Model):
    user: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class Token(Model):
    token: str
    expires_at: Instant
    user: str
    display_name: str
    role: str
    language: str


class AuditRecord(Model):
    id: int
    at: Instant
    actor: str
    role: str | None
    action: str
    subject: str
    outcome: str
    detail: dict[str, Any]
    hash: str


class AuditPage(Model):
    records: list[AuditRecord]
    next: str
    more: bool


#: the kinds of break ``audit verify`` lists (store/audit.py's Broken)
BreakKind = Literal["edited", "missing", "truncated", "bad_signature", "unknown_key",
                    "missing_checkpoint"]


class BrokenRecord(Model):
    """One break in the audit log, by record number: ``edited`` (a record's content no
    longer matches its hash, or its hash was recomputed: the next record or a signed
    checkpoint still has the old one), ``missing`` (absent from the numbers),
    ``truncated`` (records a signed checkpoint reached are gone from the end),
    ``bad_signature``, ``unknown_key`` or ``missing_checkpoint`` (a checkpoint forged,
    signed by another key, or deleted). `id` is the first record concerned, `through`
    the last where it is a range; `at` the time where the break shows; `checkpoint` the
    number of the checkpoint that shows it."""

    id: int
    at: Instant | None
    reason: BreakKind
    message: str
    through: int | None = None
    checkpoint: int | None = None


class AuditCheckpoint(Model):
    """A signed checkpoint of the audit chain's head: Ed25519 (hex) over
    store/audit.py's checkpoint_message of its number, the record, the record's hash,
    the time and the key's id."""

    seq: int
    record: int
    hash: str
    at: Instant
    key_id: str
    signature: str


class AuditPublicKey(Model):
    """``GET /v1/audit/public-key`` (no sign-in needed): the key checkpoints are
    verified with, as PEM (SubjectPublicKeyInfo), and its id (the first 16 hex digits of
    SHA-256 over its 32 raw bytes)."""

    algorithm: Literal["Ed25519"]
    key_id: str
    public_key: str


class AuditConsistency(Model):
    """``GET /v1/audit/consistency?record=N&hash=H``: whether the chain still has record
    `record` with hash `hash` (`found`: the hash it has there, None if no such record),
    its newest record now, and the newest signed checkpoint."""

    record: int
    hash: str
    contains: bool
    found: str | None
    last_record: int
    checkpoint: AuditCheckpoint | None


class AuditVerification(Model):
    """``GET /v1/audit/verify``: the records and the signed checkpoints walked with the
    server's public key. `breaks` lists every break (oldest record first);
    `first_broken` is the first of them. `signed` is the newest checkpoint whose
    signature holds, `unsigned` the records after it (signed within a minute)."""

    ok: bool
    checked: int
    first_broken: BrokenRecord | None
    breaks: list[BrokenRecord] = Field(default_factory=list)
    checkpoints: int = 0
    signed: AuditCheckpoint | None = None
    unsigned: int = 0
    key_id: str | None = None


#: a record someone can have open: its kind, then its id ("transfer_request:3",
#: "abuse_case:AC-00001", "claim:7", "mail_case:12")
RECORD_REF = r"^[a-z][a-z_]{0,39}:[A-Za-z0-9][A-Za-z0-9_./:-]*$"
RecordRef = Annotated[str, Field(min_length=3, max_length=100, pattern=RECORD_REF)]


class PresenceMark(Model):
    """``POST /v1/presence``: the signed-in person has `record` open (for 90 s)."""

    record: RecordRef


class Present(Model):
    name: str
    display_name: str
    #: since when they have had it open without a break
    since: Instant


class PresenceList(Model):
    """Who else has `record` open now (the asker is never listed)."""

    record: str
    others: list[Present]


