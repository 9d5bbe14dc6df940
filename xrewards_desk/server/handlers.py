"""Every command of R27 and every shop event, each checked by role, applied through the
rules engine and the store, and told to the change feed.

A handler runs inside one transaction (opened by :mod:`.service`); raising an
:class:`~.errors.ApiError` or a :class:`~xrewards_desk.domain.refusals.Refusal` rolls it
all back. A command that decides on a record names the version it was decided on; a
newer version in the store makes it ``stale_version`` (409), naming who changed the record
and when.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..contract import commands as c
from ..contract.common import FORBIDDEN, RECEIPT_UNKNOWN, STALE_VERSION
from ..contract.records import Address
from ..domain import actions as a
from ..domain import permissions, workflow
from ..domain.calendar import (
    notice_effective_date,
    notice_redeem_until,
    objection_deadline,
    objection_in_time,
)
from ..domain.engine import (
    Written,
    adjustment_needs_approval,
    check_adjustment,
    check_transfer,
    needs,
)
from ..domain.model import Actor, CaseStatus, ClosedBy
from ..domain.refusals import Code, Refusal
from ..store.ledger import Saved, StoreLookup, apply_saving
from . import abuse_signals
from .errors import ApiError, unknown
from .feed import Feed


@dataclass
class Ctx:
    """One command's transaction: who acts, when, and what it touched."""

    session: Session
    feed: Feed
    actor: Actor
    now: datetime
    touched: list[tuple[str, str]] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    created: str | None = None
    pending: bool = False
    #: where new referral codes come from (the demo passes a seeded one)
    rng: random.Random = field(default_factory=secrets.SystemRandom)
    message: str = ""
    subject: str = ""

    def touch(self, kind: str, key: object) -> None:
        self.feed.touch(kind, key)
        self.touched.append((kind, str(key)))

    def add(self, kind: str, row: Any, created: bool = True) -> None:
        """Store a new record and tell the feed; where `created`, it is what the command
        made (its id in the answer)."""
        self.session.add(row)
        self.session.flush()
        if created:
            self.created = str(row.id)
        self.touch(kind, row.id)

    def apply(self, action: a.Action) -> Written:
        """Apply an engine action; tell the feed everything it changed and wrote.

        The engine reads and writes through Core, so the ORM's pending changes are flushed
        first and everything it holds is expired after (it reloads on the next access)."""
        self.session.flush()
        written, saved = apply_saving(self.session, action)
        self.session.expire_all()
        self.applied(written, saved)
        return written

    def applied(self, written: Written, saved: Saved) -> None:
        for kind, keys in (("account", saved.accounts), ("discount", saved.discounts),
                           ("lot", saved.lots), ("order", saved.orders),
                           ("abuse_case", saved.cases)):
            for key in keys:
                self.touch(kind, key)
        if saved.program:
            self.touch("program", 1)
        for entry in written.entries:
            self.touch("entry", entry.id)
            self.entries.append(entry.id)
        for notice in written.notices:
            self.touch("notice", notice.id)
        if written.claims:
            ids = self.session.scalars(
                select(m.ClaimRow.id).order_by(m.ClaimRow.id.desc())
                .limit(len(written.claims))).all()
            for claim_id in sorted(ids):
                self.touch("claim", claim_id)


def forbidden(name: str, permission: permissions.Permission) -> ApiError:
    """403 ``forbidden``: who asked, in which role, and the rule's sentence (R27)."""
    role = permission.role
    en, de = permissions.ROLE_NAMES[role] if role is not None else ("no role", "ohne Rolle")
    return ApiError(FORBIDDEN, f"{name} ({en}) may not {permission.what}. "
                    f"{permission.reason}",
                    f"{name} ({de}) darf nicht {permission.what_de}. {permission.reason_de}",
                    role=role.value if role is not None else "none",
                    command=permission.command)


def check_role(actor: Actor, command: str) -> None:
    """R27: refuse a command the actor's role may not send (403 ``forbidden``)."""
    permission = permissions.may(actor.role, command)
    if not permission:
        raise forbidden(actor.name, permission)


def stale(ctx: Ctx, kind: str, key: object, have: int, sent: int) -> ApiError:
    """409 stale_version, naming the last person who changed the record and when."""
    subject = f"{kind}:{key}"
    last = ctx.session.scalars(
        select(m.AuditRecord).where(m.AuditRecord.subject == subject,
                                    m.AuditRecord.outcome == "applied")
        .order_by(m.AuditRecord.id.desc()).limit(1)).first()
    who = last.actor if last else "the shop's systems or the passing of time"
    when = last.at.isoformat() if last else None
    return ApiError(
        STALE_VERSION,
        f"{kind.replace('_', ' ').capitalize()} {key} was changed by {who}"
        f"{' at ' + when if when else ''} after you read it (version {sent}, now {have}); "
        "look at it again and decide anew.",
        f"{kind} {key} wurde nach dem Lesen geändert ({who}{', ' + when if when else ''}; "
        f"Version {sent}, jetzt {have}); bitte erneut prüfen und entscheiden.",
        record=subject, version=have, sent=sent, changed_by=who, changed_at=when)


def _get(ctx: Ctx, model: type[Any], key: object, kind: str, kind_de: str,
         version: int | None = None, record: str | None = None) -> Any:
    """The record, else 404 in its words; where `version` is sent, the record (of kind
    `record`, else `kind`) is the command's subject and must still be that version (409
    ``stale_version``)."""
    row = ctx.session.get(model, key)
    if row is None:
        raise unknown(kind, key, kind_de)
    if version is not None:
        if row.version != version:
            raise stale(ctx, record or kind, key, row.version, version)
        ctx.subject = f"{record or kind}:{key}"
    return row


def _invalid(en: str, de: str, step: workflow.Step) -> ApiError:
    """``invalid_state``: the workflow's reason why the record cannot take this step."""
    return ApiError("invalid_state", f"{en}: {step.reason}", f"{de}: {step.reason_de}")


def _account(ctx: Ctx, account: str | None) -> None:
    """404 for an account named that is not in the store."""
    if account is not None:
        _get(ctx, m.AccountRow, account, "account", "Das X-Konto")


def _evidence(ctx: Ctx, shas: list[str]) -> None:
    """404 for an evidence file named that was not uploaded."""
    for sha in dict.fromkeys(shas):
        _get(ctx, m.EvidenceFile, sha, "evidence", "Die Beweisdatei")


def _decide(ctx: Ctx, kind: str, row: Any, **values: Any) -> None:
    """Who decided the record and when, with `values` (its status, its reason)."""
    row.decided_by = ctx.actor.name
    row.decided_at = ctx.now
    for name, value in values.items():
        setattr(row, name, value)
    ctx.session.flush()
    ctx.touch(kind, row.id)


def _actor_named(session: Session, name: str) -> Actor:
    role = session.scalars(select(m.User.role).where(m.User.name == name)).first()
    return Actor(name, role)


# --------------------------------------------------------------------------- e-mail cases


def create_mail_case(ctx: Ctx, cmd: c.CreateMailCase) -> None:
    s = ctx.session
    mail = cmd.mail
    existing = s.scalars(select(m.MailMessage).where(
        m.MailMessage.message_id == mail.message_id)).first()
    if existing is not None:
        ctx.message = f"mail {mail.message_id} is already in a case; nothing new was made"
        ctx.created = str(existing.case_id)
        ctx.subject = f"mail_case:{existing.case_id}"
        return
    _evidence(ctx, [att.sha256 for att in mail.attachments if att.sha256])
    account = cmd.account
    _account(ctx, account)
    parents = [ref for ref in [mail.in_reply_to, *mail.references] if ref]
    case_id = None
    if parents:
        case_id = s.scalars(select(m.MailMessage.case_id).where(
            m.MailMessage.message_id.in_(parents)).order_by(m.MailMessage.id)).first()
    if case_id is None:
        if account is None and mail.sender is not None:
            account = s.scalars(select(m.AccountRow.id).where(
                m.AccountRow.email_key == mail.sender.casefold())).first()
        new = m.MailCase(subject=mail.subject[:998], status=m.MailCaseStatus.NEW,
                         account_id=account, opened_at=ctx.now)
        s.add(new)
        s.flush()
        case_id = new.id
        ctx.created = str(case_id)
    else:
        case = s.get(m.MailCase, case_id)
        # a reply reopens a closed case
        if case is not None and workflow.case_after_mail_in(case.status) != case.status:
            case.status = workflow.case_after_mail_in(case.status)
        if case is not None and case.account_id is None and account is not None:
            case.account_id = account
        ctx.message = f"joined case {case_id} (a reply to one of its mails)"
        ctx.created = str(case_id)
    message = m.MailMessage(
        case_id=case_id, message_id=mail.message_id, in_reply_to=mail.in_reply_to,
        references=list(mail.references), outgoing=False, received_at=mail.received_at,
        received_from=m.ReceivedFrom(mail.received_from), channel=mail.channel,
        sender=mail.sender, subject=mail.subject, body=mail.body,
        attachments=[m.MailAttachment(seq=i, label=att.label, evidence_sha256=att.sha256,
                                      refused=att.refused)
                     for i, att in enumerate(mail.attachments)])
    ctx.touch("mail_case", case_id)
    ctx.add("mail_message", message, created=False)
    ctx.subject = f"mail_case:{case_id}"


def _mail_case(ctx: Ctx, case_id: int, version: int | None = None) -> m.MailCase:
    case: m.MailCase = _get(ctx, m.MailCase, case_id, "case", "Den Fall", version,
                            "mail_case")
    ctx.subject = f"mail_case:{case_id}"
    return case


def assign_mail_case(ctx: Ctx, cmd: c.AssignMailCase) -> None:
    case = _mail_case(ctx, cmd.case, cmd.version)
    if cmd.assignee is not None and ctx.session.scalars(
            select(m.User.id).where(m.User.name == cmd.assignee, m.User.active)).first() is None:
        raise unknown("user", cmd.assignee, "Die Person")
    case.assigned_to = cmd.assignee
    case.status = workflow.case_after_assigned(case.status)
    ctx.touch("mail_case", case.id)


def note_mail_case(ctx: Ctx, cmd: c.NoteMailCase) -> None:
    _mail_case(ctx, cmd.case)
    ctx.add("case_note", m.CaseNote(case_id=cmd.case, at=ctx.now, author=ctx.actor.name,
                                    text=cmd.text))


def note_customer(ctx: Ctx, cmd: c.NoteCustomer) -> None:
    _account(ctx, cmd.account)
    ctx.add("customer_note", m.CustomerNote(account_id=cmd.account, at=ctx.now,
                                            author=ctx.actor.name, text=cmd.text))


def set_mail_case_status(ctx: Ctx, cmd: c.SetMailCaseStatus) -> None:
    case = _mail_case(ctx, cmd.case, cmd.version)
    case.status = m.MailCaseStatus(cmd.status)
    ctx.touch("mail_case", case.id)


def link_mail_case(ctx: Ctx, cmd: c.LinkMailCase) -> None:
    case = _mail_case(ctx, cmd.case, cmd.version)
    _account(ctx, cmd.account)
    case.account_id = cmd.account
    ctx.touch("mail_case", case.id)


def set_mail_receipt(ctx: Ctx, cmd: c.SetMailReceipt) -> None:
    """The receipt time of a mail no header dated, typed in by an agent (R25)."""
    case = _mail_case(ctx, cmd.case)
    message = ctx.session.get(m.MailMessage, cmd.message)
    if message is None or message.case_id != case.id or message.outgoing:
        raise unknown("mail", cmd.message, "Die Mail")
    if message.received_from not in (m.ReceivedFrom.UNKNOWN, m.ReceivedFrom.TYPED):
        raise ApiError("invalid_state",
                       f"The receipt time of mail {cmd.message} comes from its own headers; it "
                       "is not changed by hand.",
                       f"Der Eingangszeitpunkt der Mail {cmd.message} stammt aus ihren "
                       "Kopfzeilen und wird nicht von Hand geändert.")
    if cmd.received_at > ctx.now:
        raise ApiError("invalid_state", "A mail cannot have been received in the future.",
                       "Eine Mail kann nicht in der Zukunft eingegangen sein.")
    message.received_at = cmd.received_at
    message.received_from = m.ReceivedFrom.TYPED
    ctx.message = f"receipt time of mail {message.id} set by hand"
    ctx.touch("mail_message", message.id)
    ctx.touch("mail_case", case.id)


def receipt_unknown(session: Session, case_id: int | None) -> m.MailMessage | None:
    """A received mail of the case whose receipt time nobody knows yet, if any."""
    if case_id is None:
        return None
    return session.scalars(select(m.MailMessage).where(
        m.MailMessage.case_id == case_id, m.MailMessage.outgoing.is_(False),
        m.MailMessage.received_at.is_(None)).order_by(m.MailMessage.id)).first()


def _receipt_known(ctx: Ctx, case_id: int | None, named: bool = False) -> None:
    """R25 counts from when a mail was received: while a mail of the case has no receipt
    time, no objection in the case is recorded or decided. `named`: the command names the
    case, which must exist."""
    if named and case_id is not None:
        _mail_case(ctx, case_id)
    mail = receipt_unknown(ctx.session, case_id)
    if mail is not None:
        raise ApiError(RECEIPT_UNKNOWN,
                       f"When mail {mail.id} of case {case_id} was received is unknown; set "
                       "its receipt time first: R25 counts from it.",
                       f"Wann die Mail {mail.id} des Vorgangs {case_id} eingegangen ist, ist "
                       "unbekannt; zuerst den Eingangszeitpunkt setzen: R25 rechnet ab ihm.",
                       case=case_id, mail=mail.id)


def _message_id_free(ctx: Ctx, message_id: str) -> None:
    """409 ``already_exists`` where a mail of any case has this Message-ID."""
    if ctx.session.scalars(select(m.MailMessage.id).where(
            m.MailMessage.message_id == message_id)).first() is not None:
        raise ApiError("already_exists", f"A mail with Message-ID {message_id} exists.",
                       f"Eine Mail mit der Message-ID {message_id} gibt es schon.")


def record_reply_sent(ctx: Ctx, cmd: c.RecordReplySent) -> None:
    case = _mail_case(ctx, cmd.case)
    _message_id_free(ctx, cmd.message_id)
    message = m.MailMessage(
        case_id=case.id, message_id=cmd.message_id, in_reply_to=None, references=[],
        outgoing=True, received_at=cmd.sent_at, received_from=m.ReceivedFrom.DATE,
        sender=ctx.actor.name, subject=cmd.subject, body=cmd.body, attachments=[])
    if workflow.case_after_reply_sent(case.status) != case.status:
        case.status = workflow.case_after_reply_sent(case.status)
    ctx.add("mail_message", message, created=False)
    ctx.touch("mail_case", case.id)


# --------------------------------------------------------------------------- replies out


def queue_reply(ctx: Ctx, cmd: c.QueueReply) -> None:
    """A reply for the mail gateway to send, stored in its case as ``queued`` with the
    headers it goes out with. Until it is sent, its time is when it was queued."""
    case = _mail_case(ctx, cmd.case)
    _message_id_free(ctx, cmd.message_id)
    message = m.MailMessage(
        case_id=case.id, message_id=cmd.message_id, in_reply_to=cmd.in_reply_to,
        references=list(cmd.references), outgoing=True, received_at=ctx.now,
        received_from=m.ReceivedFrom.DATE, sender=ctx.actor.name, subject=cmd.subject,
        body=cmd.body, attachments=[], send_state=m.ReplyState.QUEUED, send_detail="",
        send_attempts=0, send_at=ctx.now, queued_at=ctx.now, recipient=cmd.to)
    ctx.add("mail_message", message)
    ctx.touch("mail_case", case.id)
    ctx.subject = f"mail_case:{case.id}"


def _reply(ctx: Ctx, message_id: int) -> m.MailMessage:
    """A reply of a case (a mail out), else 409 ``unknown_mail``."""
    message = ctx.session.get(m.MailMessage, message_id)
    if message is None or not message.outgoing:
        raise unknown("mail", message_id, "Die Antwort")
    ctx.subject = f"mail_case:{message.case_id}"
    return message


def _reply_sent(ctx: Ctx, message: m.MailMessage, at: datetime) -> None:
    """The reply went out at `at`: its time is that, and its case waits for the customer
    (as a reply recorded as sent does)."""
    message.received_at = at
    case = ctx.session.get(m.MailCase, message.case_id)
    assert case is not None  # a mail belongs to its case
    if workflow.case_after_reply_sent(case.status) != case.status:
        case.status = workflow.case_after_reply_sent(case.status)
    ctx.touch("mail_case", case.id)


def set_reply_state(ctx: Ctx, cmd: c.SetReplyState) -> None:
    """The mail gateway records what became of a reply, step by step of the workflow;
    a temporary refusal queues it again with one attempt more."""
    message = _reply(ctx, cmd.message)
    target = m.ReplyState(cmd.state)
    step = workflow.reply_step(message.send_state, target)
    if not step:
        raise _invalid(f"Reply {cmd.message}", f"Antwort {cmd.message}", step)
    if target is m.ReplyState.QUEUED:
        message.send_attempts += 1
    message.send_state = target
    message.send_at = cmd.at
    message.send_detail = cmd.detail
    if target is m.ReplyState.SENT:
        _reply_sent(ctx, message, cmd.at)
    ctx.session.flush()
    ctx.touch("mail_message", message.id)
    ctx.message = f"reply {message.id} {target.value}"


def resolve_reply(ctx: Ctx, cmd: c.ResolveReply) -> None:
    """A person decides what became of a reply that may have been sent: it was (its time
    is when the gateway lost track of it), or it is queued to be sent again."""
    message = _reply(ctx, cmd.message)
    step = workflow.reply_resolvable(message.send_state)
    if not step:
        raise _invalid(f"Reply {cmd.message}", f"Antwort {cmd.message}", step)
    if cmd.sent:
        message.send_state = m.ReplyState.SENT
        _reply_sent(ctx, message, message.send_at or ctx.now)
    else:
        message.send_state = m.ReplyState.QUEUED
        message.send_detail = ""
    message.send_at = ctx.now
    ctx.session.flush()
    ctx.touch("mail_message", message.id)
    ctx.message = (f"reply {message.id} recorded as sent" if cmd.sent
                   else f"reply {message.id} queued to be sent again")


def report_gateway_state(ctx: Ctx, cmd: c.ReportGatewayState) -> None:
    """The mail gateway's state, kept in one row (not a record of the change feed)."""
    row = ctx.session.get(m.GatewayStateRow, 1)
    if row is None:
        row = m.GatewayStateRow(id=1)
        ctx.session.add(row)
    row.connected = cmd.connected
    row.last_taken_at = cmd.last_taken_at
    row.waiting = cmd.waiting
    row.detail = cmd.detail
    row.reported_at = ctx.now
    row.reported_by = ctx.actor.name
    ctx.session.flush()
    ctx.subject = "mail_gateway:state"


# --------------------------------------------------------------------------- objections


def record_objection(ctx: Ctx, cmd: c.RecordObjection) -> None:
    notice = _get(ctx, m.NoticeRow, cmd.notice, "notice", "Die Mitteilung")
    _receipt_known(ctx, cmd.case, named=True)
    if cmd.received_at < notice.sent_at:
        raise ApiError("invalid_state", "An objection cannot be received before the notice "
                       "was sent.", "Ein Einwand kann nicht vor der Mitteilung eingehen.")
    deadline = objection_deadline(notice.sent_at)
    objection = m.Objection(
        kind=m.ObjectionKind.NOTICE, account_id=notice.account_id, case_id=cmd.case,
        notice_id=notice.id, received_at=cmd.received_at, deadline=deadline,
        status=m.ObjectionStatus.RECORDED, recorded_by=ctx.actor.name)
    ctx.add("objection", objection)
    in_time = objection_in_time(notice.sent_at, cmd.received_at)
    ctx.message = (f"in time: the deadline is {deadline:%d.%m.%Y}" if in_time else
                   f"late: the deadline was {deadline:%d.%m.%Y} (R25)")
    ctx.subject = f"objection:{objection.id}"


def _objection(ctx: Ctx, objection_id: int, version: int,
               decision: m.ObjectionStatus) -> tuple[m.Objection, m.NoticeRow]:
    """The objection to decide as `decision`, where R25's workflow allows it: recorded
    and not decided yet; in time it is upheld or rejected, late it is answered as late
    or granted as goodwill. Upholding a late one is left to the engine, whose refusal
    is R26's own (``objection_late``)."""
    objection = _get(ctx, m.Objection, objection_id, "objection", "Den Einwand", version)
    if objection.status is not m.ObjectionStatus.RECORDED:
        raise _invalid(f"Objection {objection_id}", f"Einwendung {objection_id}",
                       workflow.objection_step(objection.status, True, decision))
    _receipt_known(ctx, objection.case_id)
    if objection.kind is not m.ObjectionKind.NOTICE or objection.notice_id is None:
        raise ApiError("invalid_state", "Only an objection to a notice is decided this way.",
                       "Nur Einwände gegen Mitteilungen werden so entschieden.")
    notice = ctx.session.get(m.NoticeRow, objection.notice_id)
    assert notice is not None
    in_time = objection_in_time(notice.sent_at, objection.received_at)
    step = workflow.objection_step(objection.status, in_time, decision,
                                   f"{objection.deadline:%d.%m.%Y}")
    if not step and not (decision is m.ObjectionStatus.UPHELD and not in_time):
        raise _invalid(f"Objection {objection_id}", f"Einwendung {objection_id}", step)
    return objection, notice


def _adjustment(ctx: Ctx, row: m.AdjustmentRequest, requested_by: Actor,
                objection: tuple[m.Objection, m.NoticeRow] | None) -> a.AdjustmentRequest:
    ref = None
    if objection is not None:
        obj, notice = objection
        ref = a.ObjectionRef(notice.sent_at, obj.received_at, f"objection-{obj.id}")
    return a.AdjustmentRequest(row.requested_at, requested_by, row.account_id, row.points,
                               row.reason, ref, row.goodwill, f"adjustment-{row.id}")


def _request_adjustment(ctx: Ctx, account: str, points: int, reason: str, goodwill: bool,
                        case: int | None,
                        objection: tuple[m.Objection, m.NoticeRow] | None) -> m.AdjustmentRequest:
    """R26: applied at once, or stored for a team lead where it needs approval."""
    if ctx.session.get(m.AccountRow, account) is None:
        raise Refusal(Code.UNKNOWN_ACCOUNT, account=account)
    if case is not None:
        _mail_case(ctx, case)
    row = m.AdjustmentRequest(
        account_id=account, points=points, reason=reason, goodwill=goodwill,
        objection_id=objection[0].id if objection else None, case_id=case,
        requested_by=ctx.actor.name, requested_at=ctx.now, status=m.RequestStatus.PENDING)
    ctx.session.add(row)
    ctx.session.flush()
    request = _adjustment(ctx, row, ctx.actor, objection)
    ctx.created = str(row.id)  # told to the feed once decided or queued, below
    lookup = StoreLookup(ctx.session)
    if adjustment_needs_approval(request, lookup.account(account)):
        check_adjustment(needs(a.Adjust(ctx.now, ctx.actor, request), lookup)
                         .state(lookup.program(), lookup), request)
        ctx.pending = True
        ctx.message = "waits for a team lead's approval (R26)"
    else:
        written = ctx.apply(a.Adjust(ctx.now, ctx.actor, request))
        row.status = m.RequestStatus.APPROVED
        row.decided_by = ctx.actor.name
        row.decided_at = ctx.now
        row.entry_id = written.entries[-1].id if written.entries else None
    ctx.session.flush()
    ctx.touch("adjustment_request", row.id)
    return row


def adjust_for_objection(ctx: Ctx, cmd: c.UpholdObjection | c.GrantGoodwill) -> None:
    """Upholding (in time, R25) or goodwill (late) credits through an adjustment (R26); an
    upheld objection is decided once its adjustment is applied, at once or on approval."""
    goodwill = cmd.type == "grant_goodwill"
    objection = _objection(ctx, cmd.objection, cmd.version, m.ObjectionStatus.GOODWILL
                           if goodwill else m.ObjectionStatus.UPHELD)
    obj, _notice = objection
    row = _request_adjustment(ctx, obj.account_id, cmd.points, cmd.reason, goodwill,
                              obj.case_id, objection)
    if not goodwill and row.status is m.RequestStatus.APPROVED:
        _decide_objection(ctx, obj, m.ObjectionStatus.UPHELD, cmd.reason)
    ctx.subject = f"objection:{obj.id}"


def _decide_objection(ctx: Ctx, obj: m.Objection, status: m.ObjectionStatus,
                      reason: str) -> None:
    _decide(ctx, "objection", obj, status=status, reason=reason)


def close_objection(ctx: Ctx, cmd: c.RejectObjection | c.AnswerObjectionLate) -> None:
    """Rejected (in time, no error) or answered as late (R25): decided with its reason."""
    status = (m.ObjectionStatus.REJECTED if cmd.type == "reject_objection"
              else m.ObjectionStatus.LATE)
    obj, _notice = _objection(ctx, cmd.objection, cmd.version, status)
    _decide_objection(ctx, obj, status, cmd.reason)


def object_to_terms(ctx: Ctx, cmd: c.ObjectToTerms) -> None:
    _receipt_known(ctx, cmd.case, named=True)
    _account(ctx, cmd.account)
    ctx.apply(a.ObjectToTerms(ctx.now, ctx.actor, cmd.account, cmd.change_sent,
                              cmd.received_at))
    obj = m.Objection(kind=m.ObjectionKind.TERMS, account_id=cmd.account, case_id=cmd.case,
                      received_at=cmd.received_at, status=m.ObjectionStatus.UPHELD,
                      recorded_by=ctx.actor.name, decided_by=ctx.actor.name,
                      decided_at=ctx.now, reason="R28: participation ended")
    ctx.add("objection", obj)
    ctx.subject = f"account:{cmd.account}"


# --------------------------------------------------------------------------- adjustments


def request_adjustment(ctx: Ctx, cmd: c.RequestAdjustment) -> None:
    ctx.subject = f"account:{cmd.account}"
    _request_adjustment(ctx, cmd.account, cmd.points, cmd.reason, cmd.goodwill, cmd.case,
                        None)


def _pending(ctx: Ctx, model: type[Any], key: int, version: int, kind: str) -> Any:
    row = _get(ctx, model, key, "request", "Den Antrag", version, kind)
    pending = workflow.request_pending(row.status)
    if not pending:
        raise _invalid(f"Request {key}", f"Antrag {key}", pending)
    return row


def _rejected(ctx: Ctx, row: Any, reason: str) -> m.RequestStatus:
    """A rejection needs its reason; the requester's own rejection is a withdrawal."""
    if not reason:
        raise ApiError("reason_required", "Say why the request is rejected.",
                       "Bitte den Grund der Ablehnung angeben.")
    return workflow.rejected_as(ctx.actor.name, row.requested_by)


def decide_adjustment(ctx: Ctx, cmd: c.DecideAdjustment) -> None:
    row: m.AdjustmentRequest = _pending(ctx, m.AdjustmentRequest, cmd.request, cmd.version,
                                        "adjustment_request")
    objection = None
    if row.objection_id is not None:
        obj = ctx.session.get(m.Objection, row.objection_id)
        assert obj is not None and obj.notice_id is not None
        notice = ctx.session.get(m.NoticeRow, obj.notice_id)
        assert notice is not None
        objection = (obj, notice)
    if cmd.type == "approve_adjustment":
        request = _adjustment(ctx, row, _actor_named(ctx.session, row.requested_by), objection)
        written = ctx.apply(a.Adjust(ctx.now, ctx.actor, request, ctx.actor))
        row.status = m.RequestStatus.APPROVED
        row.entry_id = written.entries[-1].id if written.entries else None
        if objection is not None:
            _decide_objection(ctx, objection[0], m.ObjectionStatus.GOODWILL if row.goodwill
                              else m.ObjectionStatus.UPHELD, row.reason)
    else:
        row.status = _rejected(ctx, row, cmd.reason)
    _decide(ctx, "adjustment_request", row, decision_reason=cmd.reason)


# --------------------------------------------------------------------------- transfers


def _transfer(row: m.TransferRequestRow, requested_by: Actor) -> a.TransferRequest:
    return a.TransferRequest(row.requested_at, requested_by, row.source_id, row.target_id,
                             row.points, row.reason, len(row.evidence), row.justification,
                             f"transfer-{row.id}")


def request_transfer(ctx: Ctx, cmd: c.RequestTransfer) -> None:
    _evidence(ctx, cmd.evidence)
    if cmd.case is not None:
        _mail_case(ctx, cmd.case)
    row = m.TransferRequestRow(
        source_id=cmd.source, target_id=cmd.target, points=cmd.points, reason=cmd.reason,
        justification=cmd.justification, case_id=cmd.case, requested_by=ctx.actor.name,
        requested_at=ctx.now, status=m.RequestStatus.PENDING,
        evidence=[m.TransferEvidence(seq=i, sha256=sha)
                  for i, sha in enumerate(dict.fromkeys(cmd.evidence))])
    request = _transfer(row, ctx.actor)
    lookup = StoreLookup(ctx.session)
    check_transfer(needs(a.ApproveTransfer(ctx.now, ctx.actor, request), lookup)
                   .state(lookup.program(), lookup), request)
    ctx.add("transfer_request", row)
    ctx.pending = True
    ctx.message = "waits for a team lead's approval (R21)"
    ctx.subject = f"transfer_request:{row.id}"


def decide_transfer(ctx: Ctx, cmd: c.DecideTransfer) -> None:
    row: m.TransferRequestRow = _pending(ctx, m.TransferRequestRow, cmd.request, cmd.version,
                                         "transfer_request")
    if cmd.type == "approve_transfer":
        request = _transfer(row, _actor_named(ctx.session, row.requested_by))
        ctx.apply(a.ApproveTransfer(ctx.now, ctx.actor, request))
        row.status = m.RequestStatus.APPROVED
    else:
        row.status = _rejected(ctx, row, cmd.reason)
    _decide(ctx, "transfer_request", row, decision_reason=cmd.reason)


# --------------------------------------------------------------------------- abuse


def report_suspicion(ctx: Ctx, cmd: c.ReportSuspicion) -> None:
    _account(ctx, cmd.account)
    if cmd.case is not None:
        _mail_case(ctx, cmd.case)
        ctx.add("case_note", m.CaseNote(
            case_id=cmd.case, at=ctx.now, author=ctx.actor.name,
            text=f"Suspected abuse reported to compliance: {cmd.text}"), created=False)
    ctx.add("suspicion", m.Suspicion(account_id=cmd.account, case_id=cmd.case, text=cmd.text,
                                     reported_by=ctx.actor.name, at=ctx.now))
    ctx.subject = f"account:{cmd.account}"


def open_abuse_case(ctx: Ctx, cmd: c.OpenAbuseCase) -> None:
    if cmd.mail_case is not None:
        _mail_case(ctx, cmd.mail_case)
    n = (ctx.session.scalar(select(func.count()).select_from(m.AbuseCaseRow)) or 0) + 1
    while ctx.session.get(m.AbuseCaseRow, f"AC-{n:05d}") is not None:
        n += 1
    case_id = f"AC-{n:05d}"
    ctx.apply(a.OpenAbuseCase(ctx.now, ctx.actor, case_id, cmd.account, cmd.on_referral))
    row = ctx.session.get(m.AbuseCaseRow, case_id)
    assert row is not None
    row.mail_case_id = cmd.mail_case
    ctx.session.flush()
    ctx.created = case_id
    ctx.subject = f"abuse_case:{case_id}"
    ctx.touch("abuse_case", case_id)


def invitee_of(session: Session, row: m.AbuseCaseRow) -> str:
    """The invitee whose referral a case is about: the case's own, or its one account's
    where that account was referred."""
    if row.invitee_id is not None:
        return row.invitee_id
    account = session.get(m.AccountRow, row.accounts[0].account_id)
    if account is None or account.referred_by is None:
        raise ApiError("invalid_state", f"Case {row.id} is on an account that was not "
                       "referred, so there is no self-referral to confirm.",
                       f"Der Fall {row.id} betrifft ein nicht empfohlenes X-Konto.")
    return account.id



def _decided(ctx: Ctx, case_ids: list[str], reason: str) -> None:
    for case_id in case_ids:
        row = ctx.session.get(m.AbuseCaseRow, case_id)
        if row is not None and row.decided_at is None:
            _decide(ctx, "abuse_case", row, reason=reason)
        else:
            ctx.touch("abuse_case", case_id)


def confirm_self_referral(ctx: Ctx, cmd: c.ConfirmSelfReferral) -> None:
    row = _get(ctx, m.AbuseCaseRow, cmd.case, "abuse_case", "Den Missbrauchsfall", cmd.version)
    if row.status is not CaseStatus.OPEN:
        raise ApiError("unknown_case", f"Case {cmd.case} is not open.",
                       f"Der Fall {cmd.case} ist nicht offen.", case=cmd.case)
    ctx.apply(a.ConfirmSelfReferral(ctx.now, ctx.actor, invitee_of(ctx.session, row),
                                    tuple(cmd.terminate), cmd.reason))
    closed = [case for kind, case in ctx.touched if kind == "abuse_case"]
    _decided(ctx, list(dict.fromkeys([cmd.case, *closed])), cmd.reason)


def dismiss_abuse_case(ctx: Ctx, cmd: c.DismissAbuseCase) -> None:
    _get(ctx, m.AbuseCaseRow, cmd.case, "abuse_case", "Den Missbrauchsfall", cmd.version)
    ctx.apply(a.DismissAbuseCase(ctx.now, ctx.actor, cmd.case, cmd.reason))
    _decided(ctx, [cmd.case], cmd.reason)


# --------------------------------------------------------------------------- accounts, claims

def set_claim_state(ctx: Ctx, cmd: c.SetClaimState) -> None:
    row = _get(ctx, m.ClaimRow, cmd.claim, "claim", "Die Forderung", cmd.version)
    target = m.ClaimState(cmd.state)
    step = workflow.claim_step(row.state, target)
    if not step:
        raise _invalid(f"Claim {cmd.claim}", f"Anspruch {cmd.claim}", step)
    row.state = target
    row.state_at = ctx.now
    row.state_by = ctx.actor.name
    ctx.session.flush()
    ctx.touch("claim", row.id)


#: who ends the participation, by command (R8, R23, R22)
_CLOSED_BY = {"close_account": ClosedBy.CUSTOMER, "terminate_account": ClosedBy.PROVIDER,
              "terminate_for_cause": ClosedBy.PROVIDER_FOR_CAUSE}


def close(ctx: Ctx, cmd: c.CloseAccount | c.TerminateAccount | c.TerminateForCause) -> None:
    """The customer closes the account (at once, possibly asked by mail), the provider
    gives notice (R23) or terminates it for cause."""
    _get(ctx, m.AccountRow, cmd.account, "account", "Das X-Konto", cmd.version)
    if isinstance(cmd, c.CloseAccount) and cmd.case is not None:
        _mail_case(ctx, cmd.case)
        ctx.subject = f"account:{cmd.account}"
    ctx.apply(a.Close(ctx.now, ctx.actor, cmd.account, _CLOSED_BY[cmd.type]))
    if cmd.type == "terminate_account":
        ctx.message = (f"notice given: the account stays active through "
                       f"{notice_effective_date(ctx.now):%d.%m.%Y} and may redeem through "
                       f"{notice_redeem_until(ctx.now):%d.%m.%Y} (R23)")


def end_program(ctx: Ctx, cmd: c.EndProgram) -> None:
    row = ctx.session.get(m.ProgramRow, 1)
    version = row.version if row is not None else 1
    if version != cmd.version:
        raise stale(ctx, "program", 1, version, cmd.version)
    ctx.subject = "program:1"
    ctx.apply(a.EndProgram(ctx.now, ctx.actor))


# --------------------------------------------------------------------------- the shop


def _upsert(ctx: Ctx, model: type[Any], key: str, kind: str, **values: Any) -> None:
    row = ctx.session.get(model, key)
    if row is None:
        ctx.session.add(model(id=key, **values))
    else:
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return
        for name, value in changed.items():
            setattr(row, name, value)
    ctx.session.flush()
    ctx.touch(kind, key)


def register(ctx: Ctx, ev: c.Register) -> None:
    s = ctx.session
    ctx.subject = f"account:{ev.account}"
    if s.get(m.AccountRow, ev.account) is not None:
        raise ApiError("already_exists", f"Account {ev.account} exists already.",
                       f"Das X-Konto {ev.account} gibt es schon.", account=ev.account)
    billing = s.get(m.BillingAccount, ev.billing_account)
    if billing is not None and billing.organisation_id != ev.organisation:
        raise ApiError("invalid_state", f"Billing account {ev.billing_account} belongs to "
                       f"organisation {billing.organisation_id}, not {ev.organisation}.",
                       f"Das Abrechnungskonto {ev.billing_account} gehört zu "
                       f"{billing.organisation_id}.")
    _upsert(ctx, m.Organisation, ev.organisation, "organisation", name=ev.organisation_name)
    _upsert(ctx, m.BillingAccount, ev.billing_account, "billing_account",
            organisation_id=ev.organisation, name=ev.billing_account_name)
    referrer = None
    if ev.referral_code:
        referrer = s.scalars(select(m.AccountRow.id).where(
            m.AccountRow.referral_code == ev.referral_code)).first()
        if referrer is None:
            ctx.message = (f"referral code {ev.referral_code} is unknown; "
                           "registered without a referral")
    ctx.apply(a.Register(ctx.now, ctx.actor, ev.account, ev.organisation, ev.billing_account,
                         ev.email, referrer))
    code = referral_code_for(s, ctx.rng)  # its query must not flush half the changes below
    row = s.get(m.AccountRow, ev.account)
    assert row is not None
    row.name = ev.name
    row.phone = ev.phone
    row.language = ev.language
    row.signup_ip = ev.signup_ip
    row.device_fingerprint = ev.device_fingerprint
    row.referral_code = code
    row.addresses = [m.DeliveryAddress(street=ad.street, postcode=ad.postcode, city=ad.city,
                                       country=ad.country, key=address_key(ad))
                     for ad in ev.addresses]
    s.flush()
    ctx.created = ev.account
    ctx.touch("account", ev.account)
    if row.referred_by is not None:
        rescore(ctx, [ev.account])


def referral_code_for(session: Session, rng: random.Random) -> str:
    while True:
        code = f"XP-{rng.getrandbits(32):08X}"
        if session.scalars(select(m.AccountRow.id).where(
                m.AccountRow.referral_code == code)).first() is None:
            return code


def address_key(address: Address) -> str:
    from ..store.folding import fold

    return fold(f"{address.street} {address.postcode} {address.city} {address.country}")


def _order_row(ctx: Ctx, order: str) -> m.OrderRow:
    """The order's row as the engine just wrote it (through Core)."""
    row = ctx.session.get(m.OrderRow, order)
    assert row is not None  # the engine knew the order
    ctx.session.refresh(row)
    return row


def order_placed(ctx: Ctx, ev: c.OrderPlaced) -> None:
    if ev.placed_at > ctx.now:
        raise ApiError("malformed", "An order cannot be placed in the future "
                       f"({ev.placed_at.isoformat()} is after {ctx.now.isoformat()}).",
                       "Eine Bestellung kann nicht in der Zukunft aufgegeben werden.",
                       http_status=422)
    ctx.subject = f"order:{ev.order}"
    ctx.apply(a.PlaceOrder(ctx.now, ctx.actor, ev.order, ev.account, ev.net, ev.use_discount,
                           ev.redeem))
    row = _order_row(ctx, ev.order)
    row.placed_at = ev.placed_at
    row.placed_by = ev.placed_by
    row.payment_fingerprint = ev.payment_fingerprint
    ctx.session.flush()
    ctx.created = ev.order
    _order_evidence(ctx, row, first_order_changed=ev.placed_by is not None,
                    new_card=ev.payment_fingerprint is not None and not _card_known(
                        ctx.session, row.account_id, ev.payment_fingerprint, ev.order))


def order_paid(ctx: Ctx, ev: c.OrderPaid) -> None:
    ctx.subject = f"order:{ev.order}"
    ctx.apply(a.Pay(ctx.now, ctx.actor, ev.order))
    row = _order_row(ctx, ev.order)
    row.paid_by = ev.paid_by
    card_changed = bool(ev.payment_fingerprint) and ev.payment_fingerprint != \
        row.payment_fingerprint
    if ev.payment_fingerprint:
        row.payment_fingerprint = ev.payment_fingerprint
    ctx.session.flush()
    ctx.touch("order", ev.order)
    _order_evidence(ctx, row, first_order_changed=ev.paid_by is not None,
                    new_card=card_changed)


def order_delivered(ctx: Ctx, ev: c.OrderDelivered) -> None:
    ctx.subject = f"order:{ev.order}"
    ctx.apply(a.Deliver(ctx.now, ctx.actor, ev.order))


def order_cancelled(ctx: Ctx, ev: c.OrderCancelled) -> None:
    ctx.subject = f"order:{ev.order}"
    # R18: cancelling the invitee's first order in full makes the next one its first
    order = ctx.session.get(m.OrderRow, ev.order)
    account = ctx.session.get(m.AccountRow, order.account_id) if order is not None else None
    first = (account is not None and account.referred_by is not None
             and abuse_signals.first_order_id(account) == ev.order)
    before = order.cancelled if order is not None else None
    ctx.apply(a.Cancel(ctx.now, ctx.actor, ev.order, ev.net))
    _record_cancellation(ctx, ev.order, before)
    if first and account is not None:
        again = ctx.session.get(m.AccountRow, account.id)
        if again is not None and abuse_signals.first_order_id(again) != ev.order:
            rescore(ctx, [account.id])


def _record_cancellation(ctx: Ctx, order_id: str, before: Decimal | None) -> None:
    """Keep the cancellation the engine just accepted as a row of its own (migration
    0012): its time (the server's clock, as for payment and delivery) and the EUR it
    cancelled, the engine's figure (what the event named, or all that was left), read
    as the growth of the order's total; the order goes to the feed with it."""
    row = ctx.session.get(m.OrderRow, order_id)
    assert row is not None and before is not None  # the engine knew the order
    ctx.session.refresh(row)
    c = m.OrderCancellation
    seq = int(ctx.session.execute(select(func.coalesce(func.max(c.seq), 0))
                                  .where(c.order_id == order_id)).scalar_one()) + 1
    ctx.session.add(c(order_id=order_id, seq=seq, at=ctx.now, amount=row.cancelled - before,
                      in_full=row.cancelled >= row.net - row.discount))
    ctx.session.flush()
    ctx.touch("order", order_id)


# --------------------------------------------------------------------------- abuse signals


def rescore(ctx: Ctx, invitees: list[str]) -> None:
    """Score these invitees' referrals again (R22) in this transaction and tell the feed
    every signal written, changed or deleted."""
    for invitee in dict.fromkeys(invitees):
        for signal in abuse_signals.rescore(ctx.session, invitee, ctx.now).changed:
            ctx.touch("abuse_signal", signal)


def _card_known(session: Session, account: str, card: str, order: str) -> bool:
    """Whether another order of `account` was paid with `card` already (indexed)."""
    return session.scalars(select(m.OrderRow.id).where(
        m.OrderRow.payment_fingerprint == card, m.OrderRow.account_id == account,
        m.OrderRow.id != order).limit(1)).first() is not None


def _order_evidence(ctx: Ctx, order: m.OrderRow, first_order_changed: bool,
                    new_card: bool) -> None:
    """After an order event: rescore the referral whose evidence it may change. Who placed
    or paid the invitee's first order changes its own referral; a payment fingerprint new
    to the account changes every referral it is in, as invitee or as referrer."""
    if not (first_order_changed or new_card):
        return
    account = ctx.session.get(m.AccountRow, order.account_id)
    if account is None:
        return
    invitees: list[str] = []
    if account.referred_by is not None and (
            new_card or abuse_signals.first_order_id(account) == order.id):
        invitees.append(account.id)
    if new_card:
        invitees.extend(ctx.session.scalars(select(m.AccountRow.id).where(
            m.AccountRow.referred_by == account.id).order_by(m.AccountRow.id)).all())
    if invitees:
        rescore(ctx, invitees)


HANDLERS: dict[str, Callable[[Ctx, Any], None]] = {
    "create_mail_case": create_mail_case, "assign_mail_case": assign_mail_case,
    "note_mail_case": note_mail_case, "note_customer": note_customer,
    "set_mail_case_status": set_mail_case_status,
    "link_mail_case": link_mail_case, "record_reply_sent": record_reply_sent,
    "set_mail_receipt": set_mail_receipt, "queue_reply": queue_reply,
    "set_reply_state": set_reply_state, "resolve_reply": resolve_reply,
    "report_gateway_state": report_gateway_state,
    "record_objection": record_objection, "uphold_objection": adjust_for_objection,
    "reject_objection": close_objection, "answer_objection_late": close_objection,
    "grant_goodwill": adjust_for_objection, "object_to_terms": object_to_terms,
    "request_adjustment": request_adjustment, "approve_adjustment": decide_adjustment,
    "reject_adjustment": decide_adjustment, "request_transfer": request_transfer,
    "approve_transfer": decide_transfer, "reject_transfer": decide_transfer,
    "report_suspicion": report_suspicion, "open_abuse_case": open_abuse_case,
    "confirm_self_referral": confirm_self_referral, "dismiss_abuse_case": dismiss_abuse_case,
    "terminate_for_cause": close, "set_claim_state": set_claim_state,
    "close_account": close, "terminate_account": close,
    "end_program": end_program, "register": register, "order_placed": order_placed,
    "order_paid": order_paid, "order_delivered": order_delivered,
    "order_cancelled": order_cancelled,
}
#: R27: every command has its line in the domain's matrix (check_role reads it)
assert set(HANDLERS) == set(permissions.COMMANDS)
