"""The desktop's read side of the case work: the case inbox, one case's timeline, the
objections list, a customer's notices to object to, and the team leads' approval queue,
as plain frozen dataclasses (no Qt, no live ORM objects). The UI calls these from its
store worker.

Deadlines and the in-time test are the domain's (R25: :func:`objection_deadline`,
:func:`objection_in_time`), so a screen says exactly what the server will decide. What
waits in the local outbox for a case (a note, a decision taken offline) is part of its
timeline, marked as not yet sent, so nothing typed seems lost.

Text search over cases folds case and umlauts as the customer search does (``xr_fold``,
registered on the desktop's SQLite connections).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.engine import Connection

from xrewards_desk.domain.calendar import BERLIN, objection_deadline, objection_in_time
from xrewards_desk.domain.deadlines import CaseDue, ServiceTargets, case_due
from xrewards_desk.domain.engine import AdjustmentSum, adjustment_sum_of
from xrewards_desk.store import models as m
from xrewards_desk.store.folding import fold
from xrewards_desk.store.ledger import unapproved_adjustments
from xrewards_desk.store.tables import (
    ACCOUNTS,
    ADJUSTMENTS,
    CASE_NOTES,
    EVIDENCE,
    MAIL_ATTACHMENTS,
    MAIL_CASES,
    MAIL_MESSAGES,
    NOTICE_LOTS,
    NOTICES,
    OBJECTIONS,
    OUTBOX,
    TRANSFERS,
    USERS,
    Db,
    connection,
)

#: commands that belong to a case's timeline while they wait in the outbox
CASE_COMMANDS = ("note_mail_case", "assign_mail_case", "set_mail_case_status",
                 "link_mail_case", "record_reply_sent", "queue_reply", "record_objection",
                 "object_to_terms", "close_account", "request_adjustment",
                 "request_transfer", "report_suspicion")
OBJECTION_COMMANDS = ("uphold_objection", "reject_objection", "answer_objection_late",
                      "grant_goodwill")



def staff_names(db: Db) -> dict[str, str]:
    """User name → display name (for "decided by Tessa Lindqvist")."""
    return {name: display for name, display in connection(db).execute(
        select(USERS.c.name, USERS.c.display_name))}


# --------------------------------------------------------------------------- the inbox


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: int
    status: str
    subject: str
    account_id: str | None
    customer: str
    sender: str
    assigned_to: str | None
    opened_at: datetime
    last_at: datetime | None
    mails: int
    open_objections: int
    version: int
    #: when its first mail came in (the case's opening where no mail is dated)
    first_in_at: datetime | None = None
    #: when the first reply to it was sent (None: not answered yet)
    replied_at: datetime | None = None
    #: R25: the earliest deadline of an objection recorded on it and not decided yet
    objection_deadline: date | None = None

    def age(self, now: datetime) -> timedelta:
        return now - self.opened_at

    def due(self, targets: ServiceTargets) -> CaseDue:
        """The service deadlines it runs against (domain/deadlines.py)."""
        return case_due(self.first_in_at or self.opened_at, self.replied_at is not None,
                        self.status == m.MailCaseStatus.CLOSED.value, targets)


@dataclass(frozen=True, slots=True)
class CaseFilter:
    status: str | None = None       # a MailCaseStatus value, "active" (all but closed), None
    text: str = ""
    assignee: str | None = None


ACTIVE = "active"


def _sent(mail: Any) -> ColumnElement[bool]:
    """A reply that went out: recorded as sent by hand (no send state), or sent through
    the mail gateway (issue 20); one queued, being sent, refused or that may have been
    sent has not answered the customer."""
    return or_(mail.send_state.is_(None), mail.send_state == m.ReplyState.SENT.value)


def case_rows(db: Db, f: CaseFilter = CaseFilter(), limit: int = 1000) -> list[CaseRow]:
    """The inbox, newest activity first: status, subject, customer, first sender,
    assignee, opening time, the latest mail, how many mails and open objections."""
    conn = connection(db)
    case, mail = MAIL_CASES.c, MAIL_MESSAGES.c
    first_sender = (select(mail.sender).where(mail.case_id == case.id, mail.outgoing.is_(False))
                    .order_by(mail.received_at, mail.id).limit(1).scalar_subquery())
    last_at = (select(func.max(mail.received_at)).where(mail.case_id == case.id)
               .scalar_subquery())
    mails = (select(func.count()).select_from(MAIL_MESSAGES).where(mail.case_id == case.id)
             .scalar_subquery())
    open_objections = (select(func.count()).select_from(OBJECTIONS).where(
        OBJECTIONS.c.case_id == case.id, OBJECTIONS.c.status == m.ObjectionStatus.RECORDED.value)
        .scalar_subquery())
    first_in = (select(func.min(mail.received_at)).where(mail.case_id == case.id,
                                                         mail.outgoing.is_(False))
                .scalar_subquery())
    replied = (select(func.min(mail.received_at)).where(mail.case_id == case.id,
                                                        mail.outgoing.is_(True), _sent(mail))
               .scalar_subquery())
    deadline = (select(func.min(OBJECTIONS.c.deadline)).where(
        OBJECTIONS.c.case_id == case.id, OBJECTIONS.c.status == m.ObjectionStatus.RECORDED.value)
        .scalar_subquery())
    query = (select(case.id, case.status, case.subject, case.account_id,
                    func.coalesce(ACCOUNTS.c.name, "").label("customer"),
                    func.coalesce(first_sender, "").label("sender"), case.assigned_to,
                    case.opened_at, last_at.label("last_at"), mails.label("mails"),
                    open_objections.label("open_objections"), case.version,
                    first_in.label("first_in"), replied.label("replied"),
                    deadline.label("deadline"))
             .select_from(MAIL_CASES.outerjoin(ACCOUNTS, ACCOUNTS.c.id == case.account_id)))
    if f.status == ACTIVE:
        query = query.where(MAIL_CASES.c.status != m.MailCaseStatus.CLOSED.value)
    elif f.status:
        query = query.where(MAIL_CASES.c.status == f.status)
    if f.assignee:
        query = query.where(MAIL_CASES.c.assigned_to == f.assignee)
    text = fold(f.text)
    if text:
        folded = conn.dialect.name == "sqlite"

        def like(column: Any) -> Any:
            return (func.xr_fold(column) if folded else func.lower(column)).contains(
                text, autoescape=True)

        in_mail = select(mail.id).where(mail.case_id == case.id, or_(
            like(mail.sender), like(mail.subject), like(mail.body))).exists()
        query = query.where(or_(like(MAIL_CASES.c.subject), like(ACCOUNTS.c.name),
                                like(MAIL_CASES.c.account_id), like(ACCOUNTS.c.email), in_mail))
    query = query.order_by(func.coalesce(last_at, MAIL_CASES.c.opened_at).desc(),
                           MAIL_CASES.c.id.desc()).limit(limit)
    return [CaseRow(r.id, str(r.status), r.subject, r.account_id, r.customer, r.sender,
                    r.assigned_to, r.opened_at, r.last_at, r.mails, r.open_objections,
                    r.version, r.first_in, r.replied, r.deadline)
            for r in conn.execute(query)]


# --------------------------------------------------------------------------- one case


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    label: str
    sha256: str | None
    media_type: str | None
    size: int | None
    refused: str | None
    local_path: str | None


@dataclass(frozen=True, slots=True)
class MailInfo:
    id: int
    message_id: str
    outgoing: bool
    #: None while no header dates the mail and nobody has typed it in (R25)
    received_at: datetime | None
    #: received, date, typed (by an agent, afterwards) or unknown
    received_from: str
    channel: str
    #: None: the mail named no sender address
    sender: str | None
    subject: str
    body: str
    attachments: tuple[AttachmentInfo, ...]
    #: a reply through the mail gateway (issue 20): queued, sending, sent, refused or
    #: unknown (may have been sent); None for a mail in and a reply recorded by hand
    send_state: str | None = None
    #: the SMTP server's last words
    send_detail: str = ""
    send_attempts: int = 0
    #: when the state was last set
    send_at: datetime | None = None
    recipient: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectionInfo:
    id: int
    kind: str
    account_id: str
    case_id: int | None
    notice_id: str | None
    notice_kind: str | None
    notice_sent_at: datetime | None
    notice_points: int | None
    notice_balance: int | None
    received_at: datetime
    deadline: date | None
    in_time: bool
    status: str
    recorded_by: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    version: int
    #: an adjustment that waits for a team lead (R26), if any
    pending_request: int | None
    pending_points: int | None
    pending_goodwill: bool
    #: R26: the account's adjustments applied without approval (instant, size), which an
    #: uphold adds up with
    account_adjustments: tuple[tuple[datetime, int], ...] = ()

    def approval(self, points: int, at: datetime, goodwill: bool = False) -> AdjustmentSum:
        """R26: whether an adjustment of `points` at `at` for this objection needs a team
        lead, with the adjustments it adds up with."""
        return adjustment_sum_of(self.account_adjustments, at, points, goodwill)

    @property
    def open(self) -> bool:
        return self.status == m.ObjectionStatus.RECORDED.value


@dataclass(frozen=True, slots=True, kw_only=True)
class Requested:
    """A request that waits for a team lead (R21, R26): who filed it and when, and the
    decision on it."""

    requested_by: str
    requested_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


def decision(row: Any) -> dict[str, Any]:
    """A request row's :class:`Requested` fields."""
    return {"requested_by": row.requested_by, "requested_at": row.requested_at,
            "status": str(row.status), "decided_by": row.decided_by,
            "decided_at": row.decided_at, "decision_reason": row.decision_reason or ""}


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjustmentInfo(Requested):
    id: int
    account_id: str
    points: int
    reason: str
    goodwill: bool
    objection_id: int | None
    case_id: int | None
    entry_id: str | None
    version: int


@dataclass(frozen=True, slots=True)
class PendingCommand:
    """A command for this case still in the outbox (or refused there)."""

    id: int
    kind: str
    created_at: datetime
    created_by: str
    state: str
    payload: dict[str, Any]
    refusal: str | None


@dataclass(frozen=True, slots=True)
class TransferBrief:
    """A transfer request filed from the case (T5)."""

    id: int
    source: str
    target: str
    points: int
    reason: str
    status: str
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class TimelineItem:
    at: datetime
    kind: str            # mail_in, mail_out, note, objection, decision, adjustment, pending
    who: str
    title: str
    text: str
    ref: Any = None      # the MailInfo / ObjectionInfo / AdjustmentInfo / PendingCommand


@dataclass(frozen=True, slots=True)
class CustomerBrief:
    id: str
    name: str
    email: str
    status: str
    language: str
    version: int


@dataclass(frozen=True, slots=True)
class CaseDetail:
    id: int
    subject: str
    status: str
    account: CustomerBrief | None
    assigned_to: str | None
    opened_at: datetime
    version: int
    mails: tuple[MailInfo, ...]
    notes: tuple[tuple[datetime, str, str], ...]
    objections: tuple[ObjectionInfo, ...]
    adjustments: tuple[AdjustmentInfo, ...]
    pending: tuple[PendingCommand, ...]
    timeline: tuple[TimelineItem, ...]
    staff: dict[str, str]

    @property
    def sender(self) -> str:
        incoming = [x for x in self.mails if not x.outgoing]
        return (incoming[0].sender or "") if incoming else ""

    @property
    def receipt_unknown(self) -> MailInfo | None:
        """A received mail whose receipt time nobody knows yet: until it is set, no
        objection in the case is recorded or decided (R25 counts from it)."""
        return next((x for x in self.mails if not x.outgoing and x.received_at is None),
                    None)

    @property
    def first_mail(self) -> MailInfo | None:
        incoming = [x for x in self.mails if not x.outgoing]
        return incoming[0] if incoming else None

    def who(self, name: str | None) -> str:
        return self.staff.get(name or "", name or "")


def _customer(conn: Connection, account_id: str | None) -> CustomerBrief | None:
    if account_id is None:
        return None
    row = conn.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.email, ACCOUNTS.c.status,
                              ACCOUNTS.c.language, ACCOUNTS.c.version)
                       .where(ACCOUNTS.c.id == account_id)).first()
    if row is None:
        return None
    return CustomerBrief(row.id, row.name, row.email, str(row.status), row.language,
                         row.version)


def _objections(conn: Connection, *where: Any) -> list[ObjectionInfo]:
    pending = (select(ADJUSTMENTS.c.id, ADJUSTMENTS.c.points, ADJUSTMENTS.c.goodwill,
                      ADJUSTMENTS.c.objection_id)
               .where(ADJUSTMENTS.c.status == m.RequestStatus.PENDING.value)
               .subquery())
    query = (select(OBJECTIONS, NOTICES.c.kind.label("notice_kind"),
                    NOTICES.c.sent_at.label("notice_sent_at"),
                    NOTICES.c.points.label("notice_points"),
                    NOTICES.c.balance.label("notice_balance"),
                    pending.c.id.label("pending_id"), pending.c.points.label("pending_points"),
                    pending.c.goodwill.label("pending_goodwill"),
                    ACCOUNTS.c.unapproved_adjustments.label("account_adjustments"))
             .select_from(OBJECTIONS.outerjoin(NOTICES, NOTICES.c.id == OBJECTIONS.c.notice_id)
                          .outerjoin(pending, pending.c.objection_id == OBJECTIONS.c.id)
                          .outerjoin(ACCOUNTS, ACCOUNTS.c.id == OBJECTIONS.c.account_id))
             .where(*where).order_by(OBJECTIONS.c.id))
    found: dict[int, ObjectionInfo] = {}
    for r in conn.execute(query):
        if r.id in found:
            continue
        sent = r.notice_sent_at
        in_time = objection_in_time(sent, r.received_at) if sent is not None else \
            (r.deadline is not None and r.received_at.astimezone(BERLIN).date() <= r.deadline)
        found[r.id] = ObjectionInfo(
            r.id, str(r.kind), r.account_id, r.case_id, r.notice_id,
            None if r.notice_kind is None else str(r.notice_kind), sent, r.notice_points,
            r.notice_balance, r.received_at, r.deadline, in_time, str(r.status),
            r.recorded_by, r.decided_by, r.decided_at, r.reason or "", r.version,
            r.pending_id, r.pending_points, bool(r.pending_goodwill),
            unapproved_adjustments(r.account_adjustments or ()))
    return list(found.values())


def _adjustments(conn: Connection, *where: Any) -> list[AdjustmentInfo]:
    return [AdjustmentInfo(id=r.id, account_id=r.account_id, points=r.points, reason=r.reason,
                           goodwill=r.goodwill, objection_id=r.objection_id,
                           case_id=r.case_id, entry_id=r.entry_id, version=r.version,
                           **decision(r))
            for r in conn.execute(select(ADJUSTMENTS).where(*where).order_by(ADJUSTMENTS.c.id))]


def _mails(conn: Connection, case_id: int) -> list[MailInfo]:
    rows = list(conn.execute(select(MAIL_MESSAGES).where(MAIL_MESSAGES.c.case_id == case_id)
                             .order_by(MAIL_MESSAGES.c.received_at, MAIL_MESSAGES.c.id)))
    attachments: dict[int, list[AttachmentInfo]] = {}
    if rows:
        query = (select(MAIL_ATTACHMENTS, EVIDENCE.c.media_type, EVIDENCE.c.size,
                        EVIDENCE.c.local_path)
                 .select_from(MAIL_ATTACHMENTS.outerjoin(
                     EVIDENCE, EVIDENCE.c.sha256 == MAIL_ATTACHMENTS.c.evidence_sha256))
                 .where(MAIL_ATTACHMENTS.c.message_id.in_([r.id for r in rows]))
                 .order_by(MAIL_ATTACHMENTS.c.message_id, MAIL_ATTACHMENTS.c.seq))
        for a in conn.execute(query):
            attachments.setdefault(a.message_id, []).append(AttachmentInfo(
                a.label, a.evidence_sha256, a.media_type, a.size, a.refused, a.local_path))
    return [MailInfo(r.id, r.message_id, r.outgoing, r.received_at, str(r.received_from),
                     r.channel, r.sender, r.subject, r.body,
                     tuple(attachments.get(r.id, ())),
                     str(r.send_state) if r.send_state is not None else None, r.send_detail,
                     r.send_attempts, r.send_at, r.recipient)
            for r in rows]


def _pending(conn: Connection, case_id: int, objection_ids: Sequence[int]) -> list[
        PendingCommand]:
    """Outbox commands citing this case or one of its objections, not yet done."""
    rows = conn.execute(select(OUTBOX).where(
        OUTBOX.c.state.in_([m.OutboxState.PENDING.value, m.OutboxState.SENDING.value,
                             m.OutboxState.REFUSED.value]),
        OUTBOX.c.kind.in_(CASE_COMMANDS + OBJECTION_COMMANDS + ("create_mail_case",)))
        .order_by(OUTBOX.c.id))
    found = []
    for r in rows:
        payload = r.payload or {}
        if payload.get("case") == case_id or (
                r.kind in OBJECTION_COMMANDS and payload.get("objection") in objection_ids):
            found.append(PendingCommand(r.id, r.kind, r.created_at, r.created_by,
                                        str(r.state), payload, r.refusal_message))
    return found


def case_detail(db: Db, case_id: int) -> CaseDetail | None:
    conn = connection(db)
    case = conn.execute(select(MAIL_CASES).where(MAIL_CASES.c.id == case_id)).first()
    if case is None:
        return None
    staff = staff_names(conn)
    mails = _mails(conn, case_id)
    notes = [(r.at, r.author, r.text) for r in conn.execute(
        select(CASE_NOTES).where(CASE_NOTES.c.case_id == case_id)
        .order_by(CASE_NOTES.c.at, CASE_NOTES.c.id))]
    objections = _objections(conn, OBJECTIONS.c.case_id == case_id)
    adjustments = _adjustments(conn, ADJUSTMENTS.c.case_id == case_id)
    pending = _pending(conn, case_id, [o.id for o in objections])

    items: list[TimelineItem] = []
    for mail in mails:
        # a mail of unknown receipt stands where the case was opened
        items.append(TimelineItem(mail.received_at or case.opened_at,
                                  "mail_out" if mail.outgoing else "mail_in",
                                  staff.get(mail.sender or "", mail.sender or ""), mail.subject,
                                  mail.body, mail))
    for at, author, text in notes:
        items.append(TimelineItem(at, "note", staff.get(author, author), "", text))
    for o in objections:
        items.append(TimelineItem(o.received_at, "objection", staff.get(o.recorded_by,
                                                                       o.recorded_by),
                                  o.notice_id or "", "", o))
        if o.decided_at is not None:
            items.append(TimelineItem(o.decided_at, "decision",
                                      staff.get(o.decided_by or "", o.decided_by or ""),
                                      o.status, o.reason, o))
    for adj in adjustments:
        items.append(TimelineItem(adj.requested_at, "adjustment",
                                  staff.get(adj.requested_by, adj.requested_by),
                                  adj.status, adj.reason, adj))
    for t in conn.execute(select(TRANSFERS).where(TRANSFERS.c.case_id == case_id)
                          .order_by(TRANSFERS.c.id)):
        items.append(TimelineItem(t.requested_at, "transfer",
                                  staff.get(t.requested_by, t.requested_by), str(t.status),
                                  t.decision_reason or t.justification or "",
                                  TransferBrief(t.id, t.source_id, t.target_id, t.points,
                                                str(t.reason), str(t.status),
                                                t.decided_by, t.decided_at)))
    for p in pending:
        items.append(TimelineItem(p.created_at, "pending", staff.get(p.created_by,
                                                                     p.created_by),
                                  p.kind, str(p.payload.get("text") or p.payload.get(
                                      "reason") or ""), p))
    items.sort(key=lambda x: x.at)
    return CaseDetail(case.id, case.subject, str(case.status),
                      _customer(conn, case.account_id), case.assigned_to, case.opened_at,
                      case.version, tuple(mails), tuple(notes), tuple(objections),
                      tuple(adjustments), tuple(pending), tuple(items), staff)


# --------------------------------------------------------------------------- notices


@dataclass(frozen=True, slots=True)
class NoticeChoice:
    """A notice a customer may object to, with the figures it stated."""

    id: str
    kind: str
    sent_at: datetime
    points: int
    balance: int
    deadline: date
    lots: tuple[tuple[str, int, date], ...]

    def in_time(self, received_at: datetime) -> bool:
        return objection_in_time(self.sent_at, received_at)


def notices_of(db: Db, account_id: str, limit: int = 500) -> list[NoticeChoice]:
    """A customer's notices, newest first, with each one's R25 deadline."""
    conn = connection(db)
    rows = list(conn.execute(select(NOTICES).where(NOTICES.c.account_id == account_id)
                             .order_by(NOTICES.c.seq.desc()).limit(limit)))
    lots: dict[str, list[tuple[str, int, date]]] = {}
    if rows:
        for x in conn.execute(select(NOTICE_LOTS).where(
                NOTICE_LOTS.c.notice_id.in_([r.id for r in rows]))
                .order_by(NOTICE_LOTS.c.notice_id, NOTICE_LOTS.c.seq)):
            lots.setdefault(x.notice_id, []).append((x.lot_id, x.remaining, x.usable_until))
    return [NoticeChoice(r.id, str(r.kind), r.sent_at, r.points, r.balance,
                         objection_deadline(r.sent_at), tuple(lots.get(r.id, ())))
            for r in rows]


# --------------------------------------------------------------------------- objections


OPEN, DUE_SOON, LATE, DECIDED = "open", "due_soon", "late", "decided"


@dataclass(frozen=True, slots=True)
class ObjectionRow:
    objection: ObjectionInfo
    customer: str
    case_subject: str

    def due_within(self, now: datetime, days: int = 7) -> bool:
        o = self.objection
        return (o.open and o.in_time and o.deadline is not None
                and o.deadline <= now.astimezone(BERLIN).date() + timedelta(days=days))


def objection_rows(db: Db, show: str | None = None, now: datetime | None = None) -> list[
        ObjectionRow]:
    """Objections to notices and to terms, by deadline (the earliest first). `show`:
    ``open`` (not decided), ``due_soon`` (open, in time, deadline within 7 days), ``late``
    (open and received after the deadline), ``decided``; None for all."""
    conn = connection(db)
    names = dict(conn.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.name).where(
        ACCOUNTS.c.id.in_(select(OBJECTIONS.c.account_id)))).all())
    subjects = dict(conn.execute(select(MAIL_CASES.c.id, MAIL_CASES.c.subject).where(
        MAIL_CASES.c.id.in_(select(OBJECTIONS.c.case_id)))).all())
    rows = [ObjectionRow(o, names.get(o.account_id, ""), subjects.get(o.case_id or -1, ""))
            for o in _objections(conn)]
    if show == OPEN:
        rows = [r for r in rows if r.objection.open]
    elif show == DUE_SOON:
        assert now is not None
        rows = [r for r in rows if r.due_within(now)]
    elif show == LATE:
        rows = [r for r in rows if r.objection.open and not r.objection.in_time]
    elif show == DECIDED:
        rows = [r for r in rows if not r.objection.open]
    rows.sort(key=lambda r: (r.objection.deadline or date.max, r.objection.id))
    return rows


# --------------------------------------------------------------------------- approvals


@dataclass(frozen=True, slots=True)
class ApprovalItem:
    """An adjustment waiting for a team lead (R26), with what it rests on."""

    request: AdjustmentInfo
    customer: str
    balance_hint: str
    objection: ObjectionInfo | None
    mail: MailInfo | None
    case_subject: str
    #: R26: the sum that sent it to a team lead, as of when it was asked for
    approval: AdjustmentSum


def approval_queue(db: Db) -> list[ApprovalItem]:
    conn = connection(db)
    requests = _adjustments(conn, ADJUSTMENTS.c.status == m.RequestStatus.PENDING.value)
    if not requests:
        return []
    objections = {o.id: o for o in _objections(conn, OBJECTIONS.c.id.in_(
        [r.objection_id for r in requests if r.objection_id is not None]))}
    accounts = {row.id: row for row in conn.execute(
        select(ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.unapproved_adjustments).where(
            ACCOUNTS.c.id.in_([r.account_id for r in requests])))}
    items = []
    for r in requests:
        mail = None
        subject = ""
        if r.case_id is not None:
            mails = [x for x in _mails(conn, r.case_id) if not x.outgoing]
            mail = mails[-1] if mails else None
            subject = conn.execute(select(MAIL_CASES.c.subject).where(
                MAIL_CASES.c.id == r.case_id)).scalar() or ""
        account = accounts.get(r.account_id)
        marks = unapproved_adjustments(account.unapproved_adjustments) if account else ()
        items.append(ApprovalItem(
            r, account.name if account else "", "", objections.get(r.objection_id or -1),
            mail, subject, adjustment_sum_of(marks, r.requested_at, r.points, r.goodwill)))
    return items


def customers_by_email(db: Db, address: str, limit: int = 5) -> tuple[str | None, list[
        tuple[str, str, str]]]:
    """The customer whose e-mail is `address` (casefolded), and otherwise up to `limit`
    of the same domain as suggestions: (id, name, e-mail)."""
    conn = connection(db)
    key = address.strip().casefold()
    exact = conn.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.email_key == key)).scalar()
    if exact is not None:
        return exact, []
    domain = key.rpartition("@")[2]
    if not domain:
        return None, []
    rows = conn.execute(select(ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.email).where(
        ACCOUNTS.c.email_key.like(f"%@{domain}", escape="\\")).order_by(ACCOUNTS.c.id).limit(limit))
    return None, [(r.id, r.name, r.email) for r in rows]


__all__ = [
    "ACTIVE", "DECIDED", "DUE_SOON", "LATE", "OPEN", "AdjustmentInfo", "ApprovalItem",
    "AttachmentInfo", "CaseDetail", "CaseFilter", "CaseRow", "CustomerBrief", "MailInfo",
    "NoticeChoice", "ObjectionInfo", "ObjectionRow", "PendingCommand", "TimelineItem",
    "TransferBrief",
    "approval_queue", "case_detail", "case_rows", "customers_by_email",
    "notices_of", "objection_rows", "staff_names",
]
