"""Small reads the desktop makes beside its views: where a ledger entry's source leads
(a case, another account), a customer by number or e-mail, the staff's display names and
who may work cases, and the local outbox's state. Each takes an open session (the
caller's lane opens it) and returns plain values, never ORM objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xrewards_desk.domain import permissions
from xrewards_desk.store import models as m


def source_case(s: Session, kind: str, ref: str) -> int | None:
    """The case an objection or an adjustment came from (``objection-12``,
    ``adjustment-5``), if any."""
    number = ref.rpartition("-")[2]
    if not number.isdigit():
        return None
    if kind == "objection":
        objection = s.get(m.Objection, int(number))
        return objection.case_id if objection is not None else None
    if kind == "adjustment":
        request = s.get(m.AdjustmentRequest, int(number))
        return request.case_id if request is not None else None
    return None


def other_account(s: Session, account_id: str, kind: str, ref: str) -> str | None:
    """The other account a ledger entry's source names (the referral's other side, a
    transfer's other party, another customer's order), if any."""
    if kind == "referral":
        row = s.get(m.AccountRow, ref)
        return str(row.id) if row is not None and row.id != account_id else None
    if kind == "transfer" and ref.isdigit():
        req = s.get(m.TransferRequestRow, int(ref))
        if req is not None:
            return str(req.target_id if req.source_id == account_id else req.source_id)
    if kind == "order":
        order = s.get(m.OrderRow, ref)
        if order is not None and order.account_id != account_id:
            return str(order.account_id)
    return None


def find_customer(s: Session, text: str) -> tuple[str, str] | None:
    """A customer by number (any case) or e-mail (folded) in the local store: (id,
    e-mail); None for empty text or no such customer."""
    text = text.strip()
    if not text:
        return None
    row = s.execute(select(m.AccountRow.id, m.AccountRow.email).where(
        (func.upper(m.AccountRow.id) == text.upper())
        | (m.AccountRow.email_key == text.casefold()))).first()
    return (row[0], row[1]) if row is not None else None


def staff_names(s: Session) -> dict[str, str]:
    """Each member of staff's sign-in name and the name shown for them."""
    return {name: shown for name, shown in s.execute(
        select(m.User.name, m.User.display_name))}


def case_workers(s: Session) -> list[tuple[str, str]]:
    """The active staff who may work cases (R27: may assign them), as (sign-in name,
    name shown), by the name shown: whom the inbox can assign a case to."""
    rows = s.execute(select(m.User.name, m.User.display_name, m.User.role)
                     .where(m.User.active).order_by(m.User.display_name, m.User.name))
    return [(name, shown) for name, shown, role in rows
            if permissions.may(role, "assign_mail_case").allowed]


@dataclass(frozen=True)
class Refusal:
    """A command the server refused, with its reason."""

    id: int
    kind: str
    created_at: datetime
    code: str
    message: str


def outbox_summary(s: Session) -> tuple[int, list[Refusal]]:
    """Commands waiting in the local outbox, and the refused ones with their reasons
    (newest first)."""
    waiting = s.scalar(select(func.count()).select_from(m.OutboxCommand).where(
        m.OutboxCommand.state.in_([m.OutboxState.PENDING, m.OutboxState.SENDING]))) or 0
    refused = [Refusal(row.id, row.kind, row.created_at, row.refusal_code or "",
                       row.refusal_message or "")
               for row in s.scalars(select(m.OutboxCommand).where(
                   m.OutboxCommand.state == m.OutboxState.REFUSED).order_by(
                   m.OutboxCommand.id.desc()))]
    return waiting, refused


@dataclass(frozen=True)
class OutboxAnswer:
    """The server's answer to a command of the local outbox: its state (done, refused,
    withdrawn) and, for a refusal, the reason."""

    id: int
    state: str
    message: str

    @property
    def refused(self) -> bool:
        return self.state == m.OutboxState.REFUSED.value

    @property
    def done(self) -> bool:
        return self.state == m.OutboxState.DONE.value


def outbox_answers(s: Session, ids: Iterable[int], german: bool = False) -> list[OutboxAnswer]:
    """The commands of `ids` the server has answered, in the order they were queued
    (those still waiting or being sent are left out); a refusal's reason in German where
    asked for and the server gave one, else its message, else its code."""
    waiting = (m.OutboxState.PENDING, m.OutboxState.SENDING)
    answers = []
    for row in s.scalars(select(m.OutboxCommand).where(
            m.OutboxCommand.id.in_(list(ids)), m.OutboxCommand.state.not_in(waiting))
            .order_by(m.OutboxCommand.id)):
        message = ""
        if row.state == m.OutboxState.REFUSED:
            response = row.response or {}
            message = str((response.get("message_de") if german else None)
                          or row.refusal_message or row.refusal_code or "")
        answers.append(OutboxAnswer(row.id, str(row.state), message))
    return answers
