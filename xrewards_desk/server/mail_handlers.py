"""The handlers of the rewards@ mailbox: e-mail cases (filed, assigned, noted, linked, dated,
answered) and the replies the mail gateway sends (queued, sending, sent, refused, may have
been sent), and the gateway's reported state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..contract import commands as c
from ..contract.common import RECEIPT_UNKNOWN
from ..domain import workflow
from .context import (
    Ctx,
    _account,
    _evidence,
    _get,
    _invalid,
)
from .errors import ApiError, unknown

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
