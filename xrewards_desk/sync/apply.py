"""Applying the server's change feed to the desktop's local store.

Each change carries one record's whole state (:mod:`xrewards_desk.contract.records`); it is
upserted into the same table the server keeps it in (the models are shared), children
(an entry's allocations, a notice's lot figures, a mail's attachments, a transfer's
evidence, a case's accounts, an account's addresses) replaced with it. A page is applied
in the caller's transaction, together with the new cursor, so a crash never leaves half a
page or a cursor ahead of the data.

Local-only columns (the engine's counters) keep their defaults: the desktop never applies
actions itself; it previews through the engine on states it loads, and its decisions go
to the server as commands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..contract import records as r
from ..contract.records import RECORDS
from ..store import models as m


def _t(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    statement = sqlite_insert(table)
    columns = [c for c in rows[0] if c not in keys]
    if columns:
        statement = statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in columns})
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    conn.execute(statement, rows)


def _replace_children(conn: Connection, table: Table, parent_column: str, parent: Any,
                      rows: list[dict[str, Any]]) -> None:
    conn.execute(delete(table).where(table.c[parent_column] == parent))
    if rows:
        conn.execute(table.insert(), rows)


# Each kind: the record's model, and how to write it (values as the model validated them).

def _organisation(conn: Connection, x: r.Organisation) -> None:
    _upsert(conn, _t(m.Organisation), [{"id": x.id, "name": x.name}])


def _billing(conn: Connection, x: r.BillingAccount) -> None:
    _upsert(conn, _t(m.BillingAccount), [{"id": x.id, "organisation_id": x.organisation,
                                          "name": x.name}])


def _account(conn: Connection, x: r.Account) -> None:
    _upsert(conn, _t(m.AccountRow), [{
        "id": x.id, "organisation_id": x.organisation, "billing_account_id": x.billing_account,
        "name": x.name, "email": x.email, "email_key": x.email.casefold(), "phone": x.phone,
        "language": x.language, "registered_at": x.registered_at, "status": x.status,
        "status_at": x.status_at, "referral_code": x.referral_code,
        "referred_by": x.referred_by, "referral_void": x.referral_void,
        "signup_ip": x.signup_ip, "device_fingerprint": x.device_fingerprint,
        "spend": x.spend, "debt": x.debt, "claims_total": x.claims,
        "has_completed_order": x.has_completed_order, "first_order": x.first_order,
        "version": x.version, "next_lot": 1, "next_entry": 1, "next_notice": 1,
        "first_order_candidates": []}])
    from ..store.folding import fold

    _replace_children(conn, _t(m.DeliveryAddress), "account_id", x.id, [
        {"account_id": x.id, "street": a.street, "postcode": a.postcode, "city": a.city,
         "country": a.country, "key": fold(f"{a.street} {a.postcode} {a.city} {a.country}")}
        for a in x.addresses])


def _discount(conn: Connection, x: r.Discount) -> None:
    _upsert(conn, _t(m.DiscountCode), [{
        "account_id": x.account, "code": x.code, "registered_at": x.registered_at,
        "valid_until": x.valid_until, "used_on": x.used_on, "voided": x.voided}])


def _lot(conn: Connection, x: r.Lot) -> None:
    _upsert(conn, _t(m.LotRow), [{
        "id": x.id, "account_id": x.account, "seq": x.seq, "credited_at": x.credited_at,
        "usable_until": x.usable_until, "expires_at": x.expires_at, "points": x.points,
        "remaining": x.remaining, "source_kind": x.source_kind, "source_ref": x.source_ref,
        "root": x.root, "parent": x.parent, "redeemed": x.redeemed, "transferred": [],
        "void_claimant": x.void_claimant}])


def _order(conn: Connection, x: r.Order) -> None:
    _upsert(conn, _t(m.OrderRow), [{
        "id": x.id, "account_id": x.account, "placed_at": x.placed_at,
        "placed_by": x.placed_by, "paid_by": x.paid_by,
        "payment_fingerprint": x.payment_fingerprint, "net": x.net, "discount": x.discount,
        "cancelled": x.cancelled, "redeemed": x.redeemed, "redemption": [],
        "paid_at": x.paid_at, "delivered_at": x.delivered_at, "completed_at": x.completed_at,
        "earning": False, "rate": 0, "credited": x.credited, "spend_added": x.spend_added,
        "bonus_credited": 0}])


def _entry(conn: Connection, x: r.Entry) -> None:
    _upsert(conn, _t(m.LedgerEntry), [{
        "id": x.id, "account_id": x.account, "seq": x.seq, "at": x.at, "type": x.type,
        "points": x.points, "source_kind": x.source_kind, "source_ref": x.source_ref,
        "note": x.note}])
    _replace_children(conn, _t(m.LotAllocation), "entry_id", x.id, [
        {"entry_id": x.id, "seq": i, "lot_id": a.lot, "points": a.points}
        for i, a in enumerate(x.allocations)])


def _notice(conn: Connection, x: r.Notice) -> None:
    _upsert(conn, _t(m.NoticeRow), [{
        "id": x.id, "account_id": x.account, "seq": x.seq, "kind": x.kind,
        "sent_at": x.sent_at, "entry_id": x.entry, "points": x.points,
        "balance": x.balance}])
    _replace_children(conn, _t(m.NoticeLot), "notice_id", x.id, [
        {"notice_id": x.id, "seq": i, "lot_id": f.lot, "remaining": f.remaining,
         "usable_until": f.usable_until} for i, f in enumerate(x.lots)])


def _claim(conn: Connection, x: r.Claim) -> None:
    _upsert(conn, _t(m.ClaimRow), [{
        "id": x.id, "account_id": x.account, "at": x.at, "amount": x.amount,
        "source_kind": x.source_kind, "source_ref": x.source_ref, "reason": x.reason,
        "state": m.ClaimState(x.state), "state_at": x.state_at, "state_by": x.state_by,
        "version": x.version}])


def _abuse_case(conn: Connection, x: r.AbuseCase) -> None:
    _upsert(conn, _t(m.AbuseCaseRow), [{
        "id": x.id, "invitee_id": x.invitee, "opened_at": x.opened_at,
        "opened_by": x.opened_by, "status": x.status, "decided_by": x.decided_by,
        "decided_at": x.decided_at, "reason": x.reason, "mail_case_id": x.mail_case,
        "version": x.version}])
    _replace_children(conn, _t(m.AbuseCaseAccount), "case_id", x.id, [
        {"case_id": x.id, "account_id": a, "position": i} for i, a in enumerate(x.accounts)])


def _abuse_signal(conn: Connection, x: r.AbuseSignal) -> None:
    _upsert(conn, _t(m.AbuseSignal), [{
        "id": x.id, "referrer_id": x.referrer, "invitee_id": x.invitee, "kind": x.kind,
        "weight": x.weight, "evidence": x.evidence, "found_at": x.found_at}])


def _suspicion(conn: Connection, x: r.Suspicion) -> None:
    _upsert(conn, _t(m.Suspicion), [{
        "id": x.id, "account_id": x.account, "case_id": x.case, "text": x.text,
        "reported_by": x.reported_by, "at": x.at}])


def _mail_case(conn: Connection, x: r.MailCase) -> None:
    _upsert(conn, _t(m.MailCase), [{
        "id": x.id, "subject": x.subject, "status": m.MailCaseStatus(x.status),
        "account_id": x.account, "assigned_to": x.assigned_to, "opened_at": x.opened_at,
        "version": x.version}])


def _mail_message(conn: Connection, x: r.MailMessage) -> None:
    _upsert(conn, _t(m.MailMessage), [{
        "id": x.id, "case_id": x.case, "message_id": x.message_id,
        "in_reply_to": x.in_reply_to, "references": list(x.references),
        "outgoing": x.outgoing, "received_at": x.received_at,
        "received_from": m.ReceivedFrom(x.received_from), "sender": x.sender,
        "subject": x.subject, "body": x.body}])
    _replace_children(conn, _t(m.MailAttachment), "message_id", x.id, [
        {"message_id": x.id, "seq": a.seq, "label": a.label, "evidence_sha256": a.sha256,
         "refused": a.refused} for a in x.attachments])


def _case_note(conn: Connection, x: r.CaseNote) -> None:
    _upsert(conn, _t(m.CaseNote), [{"id": x.id, "case_id": x.case, "at": x.at,
                                    "author": x.author, "text": x.text}])


def _objection(conn: Connection, x: r.Objection) -> None:
    _upsert(conn, _t(m.Objection), [{
        "id": x.id, "kind": m.ObjectionKind(x.kind), "account_id": x.account,
        "case_id": x.case, "notice_id": x.notice, "received_at": x.received_at,
        "deadline": x.deadline, "status": m.ObjectionStatus(x.status),
        "recorded_by": x.recorded_by, "decided_by": x.decided_by,
        "decided_at": x.decided_at, "reason": x.reason, "version": x.version}])


def _adjustment(conn: Connection, x: r.AdjustmentRequest) -> None:
    _upsert(conn, _t(m.AdjustmentRequest), [{
        "id": x.id, "account_id": x.account, "points": x.points, "reason": x.reason,
        "goodwill": x.goodwill, "objection_id": x.objection, "case_id": x.case,
        "requested_by": x.requested_by, "requested_at": x.requested_at,
        "status": m.RequestStatus(x.status), "decided_by": x.decided_by,
        "decided_at": x.decided_at, "decision_reason": x.decision_reason,
        "entry_id": x.entry, "version": x.version}])


def _transfer(conn: Connection, x: r.TransferRequest) -> None:
    _upsert(conn, _t(m.TransferRequestRow), [{
        "id": x.id, "source_id": x.source, "target_id": x.target, "points": x.points,
        "reason": x.reason, "justification": x.justification, "case_id": x.case,
        "requested_by": x.requested_by, "requested_at": x.requested_at,
        "status": m.RequestStatus(x.status), "decided_by": x.decided_by,
        "decided_at": x.decided_at, "decision_reason": x.decision_reason,
        "version": x.version}])
    _replace_children(conn, _t(m.TransferEvidence), "request_id", x.id, [
        {"request_id": x.id, "seq": i, "sha256": sha} for i, sha in enumerate(x.evidence)])


def _evidence(conn: Connection, x: r.Evidence) -> None:
    _upsert(conn, _t(m.EvidenceFile), [{
        "sha256": x.sha256, "media_type": x.media_type, "size": x.size, "label": x.label,
        "uploaded_at": x.uploaded_at, "uploaded_by": x.uploaded_by}])


def _staff(conn: Connection, x: r.Staff, at: datetime) -> None:
    table = _t(m.User)
    known = conn.execute(select(table.c.id).where(table.c.name == x.name)).first()
    values = {"display_name": x.display_name, "role": x.role, "active": x.active}
    if known is None:
        conn.execute(table.insert(), [{"name": x.name, "language": "de", "version": 1,
                                       "password_hash": None, "created_at": at, **values}])
    else:
        conn.execute(table.update().where(table.c.name == x.name), [values])


def _program(conn: Connection, x: r.Program) -> None:
    _upsert(conn, _t(m.ProgramRow), [{"id": 1, "launch": x.launch, "ended_at": x.ended_at,
                                      "version": x.version}])


WRITERS: dict[str, Callable[[Connection, Any], None]] = {
    "organisation": _organisation, "billing_account": _billing, "account": _account,
    "discount": _discount, "lot": _lot, "order": _order, "entry": _entry,
    "notice": _notice, "claim": _claim, "abuse_case": _abuse_case,
    "abuse_signal": _abuse_signal, "suspicion": _suspicion, "mail_case": _mail_case,
    "mail_message": _mail_message, "case_note": _case_note, "objection": _objection,
    "adjustment_request": _adjustment, "transfer_request": _transfer,
    "evidence": _evidence, "program": _program,
}
#: the table to delete from when a change says a record is gone
TABLES: dict[str, type[Any]] = {
    "organisation": m.Organisation, "billing_account": m.BillingAccount,
    "account": m.AccountRow, "discount": m.DiscountCode, "lot": m.LotRow,
    "order": m.OrderRow, "entry": m.LedgerEntry, "notice": m.NoticeRow, "claim": m.ClaimRow,
    "abuse_case": m.AbuseCaseRow, "abuse_signal": m.AbuseSignal, "suspicion": m.Suspicion,
    "mail_case": m.MailCase, "mail_message": m.MailMessage, "case_note": m.CaseNote,
    "objection": m.Objection, "adjustment_request": m.AdjustmentRequest,
    "transfer_request": m.TransferRequestRow, "evidence": m.EvidenceFile,
}
assert set(WRITERS) | {"staff"} == set(RECORDS)


def apply_changes(conn: Connection, changes: Iterable[dict[str, Any]]) -> int:
    """Upsert a page of changes (as the server sent them, JSON) in order; returns how many.
    Each record is validated against its contract model first: a malformed page raises
    and, in the caller's transaction, writes nothing."""
    n = 0
    for change in changes:
        kind = change["kind"]
        model = RECORDS[kind]
        data = change.get("data")
        if data is None:
            _delete(conn, kind, change["id"])
        elif kind == "staff":
            _staff(conn, cast(r.Staff, model.model_validate(data)),
                   datetime.fromisoformat(change["at"]))
        else:
            WRITERS[kind](conn, model.model_validate(data))
        n += 1
    return n


def _delete(conn: Connection, kind: str, key: str) -> None:
    if kind == "staff":
        table = _t(m.User)
        conn.execute(table.update().where(table.c.name == key), [{"active": False}])
        return
    table = _t(TABLES[kind])
    column = next(iter(table.primary_key.columns))
    value: Any = int(key) if column.type.python_type is int else key
    conn.execute(delete(table).where(column == value))


__all__ = ["apply_changes"]
