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
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..contract import commands as c
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
    adjustment_needs_approval,
    check_adjustment,
    check_transfer,
    needs,
)
from ..domain.model import Actor, CaseStatus, ClosedBy
from ..domain.refusals import Code, Refusal
from ..store.ledger import StoreLookup
from . import abuse_signals
from .context import (
    Ctx,
    _account,
    _actor_named,
    _decide,
    _evidence,
    _get,
    _invalid,
    stale,
)
from .errors import ApiError
from .mail_handlers import (
    _mail_case,
    _receipt_known,
    assign_mail_case,
    create_mail_case,
    link_mail_case,
    note_customer,
    note_mail_case,
    queue_reply,
    record_reply_sent,
    report_gateway_state,
    resolve_reply,
    set_mail_case_status,
    set_mail_receipt,
    set_reply_state,
)

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
    # what the shop told besides the engine's values, in one statement each (the account
    # was never loaded into the session: nothing there to keep in step)
    s.execute(_SET_PROFILE, {"k": ev.account, "name": ev.name, "phone": ev.phone,
                             "language": ev.language, "signup_ip": ev.signup_ip,
                             "device_fingerprint": ev.device_fingerprint,
                             "referral_code": referral_code_for(s, ctx.rng)})
    if ev.addresses:
        s.execute(_ADD_ADDRESS, [{"account_id": ev.account, "street": ad.street,
                                  "postcode": ad.postcode, "city": ad.city,
                                  "country": ad.country, "key": address_key(ad)}
                                 for ad in ev.addresses])
    ctx.created = ev.account
    ctx.touch("account", ev.account, beside=True)  # the profile: no value of the engine's
    if ctx.lookup is not None:
        ctx.lookup.bumped(ev.account)
    if referrer is not None and s.scalar(_REFERRED_BY, {"k": ev.account}) is not None:
        rescore(ctx, [ev.account])


_ACCOUNTS = cast(Table, m.AccountRow.__table__)
#: the shop's details over the engine's new account: its second version, as the ORM saves
_SET_PROFILE = (update(_ACCOUNTS).where(_ACCOUNTS.c.id == bindparam("k"))
                .values(version=_ACCOUNTS.c.version + 1))
_ADD_ADDRESS = insert(cast(Table, m.DeliveryAddress.__table__))
_REFERRED_BY = select(_ACCOUNTS.c.referred_by).where(_ACCOUNTS.c.id == bindparam("k"))


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
    row = ctx.session.get(m.OrderRow, order)  # loaded now, or expired by Ctx.apply
    assert row is not None  # the engine knew the order
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
    # what the shop told besides the engine's values, in one statement (the order is
    # new: the session holds nothing of it to keep in step)
    ctx.session.execute(_SET_PLACED, {"k": ev.order, "placed_at": ev.placed_at,
                                      "placed_by": ev.placed_by,
                                      "payment_fingerprint": ev.payment_fingerprint})
    held = ctx.lookup.orders.get(ev.order) if ctx.lookup is not None else None
    if ctx.lookup is not None and held is not None:  # the order as now stored, to the feed
        ctx.lookup.orders[ev.order] = replace(held, placed_at=ev.placed_at)
        ctx.lookup.order_beside[ev.order] = {
            "placed_by": ev.placed_by, "paid_by": None,
            "payment_fingerprint": ev.payment_fingerprint}
        ctx.touch("order", ev.order, ctx.order_record(ev.order), beside=True)
    ctx.created = ev.order
    _order_evidence(ctx, ev.order, ev.account, first_order_changed=ev.placed_by is not None,
                    new_card=ev.payment_fingerprint is not None and not _card_known(
                        ctx.session, ev.account, ev.payment_fingerprint, ev.order))


_ORDERS = cast(Table, m.OrderRow.__table__)
_SET_PLACED = update(_ORDERS).where(_ORDERS.c.id == bindparam("k"))


def order_paid(ctx: Ctx, ev: c.OrderPaid) -> None:
    ctx.subject = f"order:{ev.order}"
    ctx.apply(a.Pay(ctx.now, ctx.actor, ev.order))
    if ev.paid_by is None and not ev.payment_fingerprint:
        return  # nothing of the shop's own to keep, nothing to rescore (the engine's
        # change of the order is in the feed already, Ctx.applied)
    row = _order_row(ctx, ev.order)
    row.paid_by = ev.paid_by
    card_changed = bool(ev.payment_fingerprint) and ev.payment_fingerprint != \
        row.payment_fingerprint
    if ev.payment_fingerprint:
        row.payment_fingerprint = ev.payment_fingerprint
    ctx.session.flush()
    ctx.touch("order", ev.order, beside=True)  # who paid, the card: not the engine's
    if ctx.lookup is not None:  # its record is read back until the order is loaded again
        ctx.lookup.order_beside.pop(ev.order, None)
    _order_evidence(ctx, row.id, row.account_id, first_order_changed=ev.paid_by is not None,
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
    row = ctx.session.get(m.OrderRow, order_id)  # expired by Ctx.apply if it was held
    assert row is not None and before is not None  # the engine knew the order
    c = m.OrderCancellation
    seq = int(ctx.session.execute(select(func.coalesce(func.max(c.seq), 0))
                                  .where(c.order_id == order_id)).scalar_one()) + 1
    ctx.session.add(c(order_id=order_id, seq=seq, at=ctx.now, amount=row.cancelled - before,
                      in_full=row.cancelled >= row.net - row.discount))
    ctx.session.flush()
    ctx.touch("order", order_id, beside=True)  # a row of its own table


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


def _order_evidence(ctx: Ctx, order: str, account_id: str, first_order_changed: bool,
                    new_card: bool) -> None:
    """After an order event: rescore the referral whose evidence it may change. Who placed
    or paid the invitee's first order changes its own referral; a payment fingerprint new
    to the account changes every referral it is in, as invitee or as referrer."""
    if not (first_order_changed or new_card):
        return
    account = ctx.session.get(m.AccountRow, account_id)
    if account is None:
        return
    invitees: list[str] = []
    if account.referred_by is not None and (
            new_card or abuse_signals.first_order_id(account) == order):
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
