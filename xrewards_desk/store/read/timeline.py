"""One timeline per customer (issue 19): everything that happened to an account, newest
first, as plain frozen rows for the desk to word in its language: mails in and replies
out, cases opened, notes (on a case or on the customer), objections and their decisions,
transfers, adjustments, abuse cases, R22 claims, notices, and each order's milestones
(placed, paid, delivered, completed with its credit, cancelled in full or in part).

Filterable by kind (`Kind`, the groups a person picks from) and by a Berlin-date period.
The rows carry what a sentence needs (points, an amount, a status, who) and a reference
the desk opens (`ref`: a case, an order, a transfer ...); no wording lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.engine import Connection

from xrewards_desk.domain.calendar import start_of_day
from xrewards_desk.store import models as m
from xrewards_desk.store import tables as T
from xrewards_desk.store.tables import Db


class Kind(StrEnum):
    """What a person filters the timeline by."""

    MAIL = "mail"
    CASE = "case"
    NOTE = "note"
    OBJECTION = "objection"
    TRANSFER = "transfer"
    ADJUSTMENT = "adjustment"
    ABUSE = "abuse"
    CLAIM = "claim"
    NOTICE = "notice"
    ORDER = "order"


@dataclass(frozen=True)
class Item:
    """One thing that happened. `event` names it within its kind (mail: in/out; order:
    placed/paid/delivered/completed/cancelled; a request: requested/approved/rejected/
    withdrawn; ...); `ref` is (what, id) for the desk to open."""

    at: datetime
    kind: Kind
    event: str
    text: str = ""
    points: int | None = None
    amount: Decimal | None = None
    status: str | None = None
    who: str | None = None
    #: a notice's balance after the movement it reports (R24)
    balance: int | None = None
    ref: tuple[str, str] | None = None


@dataclass(frozen=True)
class Filter:
    """Which kinds (empty: all) and which Berlin dates (both ends included)."""

    kinds: frozenset[Kind] = frozenset()
    since: date | None = None
    until: date | None = None

    def wants(self, kind: Kind) -> bool:
        return not self.kinds or kind in self.kinds


EVERYTHING = Filter()


_CANCEL = T.table(m.OrderCancellation)
_CUSTOMER_NOTE = T.table(m.CustomerNote)


def _decided(status: str) -> str:
    return {"upheld": "upheld", "rejected": "rejected", "late": "late",
            "approved": "approved", "withdrawn": "withdrawn"}.get(status, status)


def _mails(conn: Connection, account_id: str) -> Iterator[Item]:
    cases = select(T.MAIL_CASES.c.id).where(T.MAIL_CASES.c.account_id == account_id)
    mail = T.MAIL_MESSAGES.c
    rows = conn.execute(
        select(mail.id, mail.case_id, mail.outgoing, mail.received_at, mail.sender,
               mail.subject, mail.channel)
        .where(mail.case_id.in_(cases), mail.received_at.is_not(None)))
    for r in rows:
        yield Item(r.received_at, Kind.MAIL, "out" if r.outgoing else "in", r.subject,
                   who=r.sender, status=r.channel, ref=("case", str(r.case_id)))


def _cases(conn: Connection, account_id: str) -> Iterator[Item]:
    case = T.MAIL_CASES.c
    for r in conn.execute(select(case.id, case.opened_at, case.subject, case.status,
                                 case.assigned_to).where(case.account_id == account_id)):
        yield Item(r.opened_at, Kind.CASE, "opened", r.subject, status=str(r.status),
                   who=r.assigned_to, ref=("case", str(r.id)))


def _notes(conn: Connection, account_id: str) -> Iterator[Item]:
    cases = select(T.MAIL_CASES.c.id).where(T.MAIL_CASES.c.account_id == account_id)
    note = T.CASE_NOTES.c
    for r in conn.execute(select(note.case_id, note.at, note.author, note.text)
                          .where(note.case_id.in_(cases))):
        yield Item(r.at, Kind.NOTE, "case", r.text, who=r.author, ref=("case", str(r.case_id)))
    for n in conn.execute(select(_CUSTOMER_NOTE.c.at, _CUSTOMER_NOTE.c.author,
                                 _CUSTOMER_NOTE.c.text)
                          .where(_CUSTOMER_NOTE.c.account_id == account_id)):
        yield Item(n.at, Kind.NOTE, "customer", n.text, who=n.author)
    # a note written here and still waiting in the outbox (nothing typed seems lost)
    for w in conn.execute(select(T.OUTBOX.c.created_at, T.OUTBOX.c.created_by,
                                 T.OUTBOX.c.payload)
                          .where(T.OUTBOX.c.kind == "note_customer",
                                 T.OUTBOX.c.state.in_((m.OutboxState.PENDING,
                                                       m.OutboxState.SENDING)))):
        if w.payload.get("account") == account_id:
            yield Item(w.created_at, Kind.NOTE, "waiting", str(w.payload.get("text", "")),
                       who=w.created_by)


def _objections(conn: Connection, account_id: str) -> Iterator[Item]:
    for r in conn.execute(select(T.OBJECTIONS).where(T.OBJECTIONS.c.account_id == account_id)):
        ref = ("case", str(r.case_id)) if r.case_id is not None else None
        yield Item(r.received_at, Kind.OBJECTION, "recorded", r.reason or "",
                   status=str(r.kind), who=r.recorded_by, ref=ref)
        if r.decided_at is not None:
            yield Item(r.decided_at, Kind.OBJECTION, _decided(str(r.status)), r.reason or "",
                       who=r.decided_by, ref=ref)


def _requests(conn: Connection, table: Table, kind: Kind, where: ColumnElement[bool],
              ref: Callable[[Any], tuple[str, str] | None],
              points: Callable[[Any], int]) -> Iterator[Item]:
    for r in conn.execute(select(table).where(where)):
        text = r.reason if kind is Kind.ADJUSTMENT else (r.justification or str(r.reason))
        yield Item(r.requested_at, kind, "requested", text, points=points(r),
                   status=str(r.status), who=r.requested_by, ref=ref(r))
        if r.decided_at is not None:
            yield Item(r.decided_at, kind, _decided(str(r.status)), r.decision_reason or "",
                       points=points(r), who=r.decided_by, ref=ref(r))


def _adjustments(conn: Connection, account_id: str) -> Iterator[Item]:
    return _requests(conn, T.ADJUSTMENTS, Kind.ADJUSTMENT, T.ADJUSTMENTS.c.account_id == account_id,
                     lambda r: ("case", str(r.case_id)) if r.case_id is not None else None,
                     lambda r: int(r.points))


def _transfers(conn: Connection, account_id: str) -> Iterator[Item]:
    # points leave the source and reach the target: signed as this account sees them
    return _requests(
        conn, T.TRANSFERS, Kind.TRANSFER,
        or_(T.TRANSFERS.c.source_id == account_id, T.TRANSFERS.c.target_id == account_id),
        lambda r: ("transfer", str(r.id)),
        lambda r: -int(r.points) if r.source_id == account_id else int(r.points))


def _abuse(conn: Connection, account_id: str) -> Iterator[Item]:
    ids = select(T.ABUSE_ACCOUNTS.c.case_id).where(T.ABUSE_ACCOUNTS.c.account_id == account_id)
    for r in conn.execute(select(T.ABUSE_CASES).where(T.ABUSE_CASES.c.id.in_(ids))):
        yield Item(r.opened_at, Kind.ABUSE, "opened", "", status=str(r.status),
                   who=r.opened_by, ref=("abuse", r.id))
        if r.decided_at is not None:
            yield Item(r.decided_at, Kind.ABUSE, str(r.status), r.reason or "",
                       who=r.decided_by, ref=("abuse", r.id))


def _claims(conn: Connection, account_id: str) -> Iterator[Item]:
    for r in conn.execute(select(T.CLAIMS).where(T.CLAIMS.c.account_id == account_id)):
        yield Item(r.at, Kind.CLAIM, "raised", r.reason, amount=r.amount,
                   status=str(r.state), ref=("claim", str(r.id)))
        if r.state_at is not None:
            yield Item(r.state_at, Kind.CLAIM, str(r.state), "", amount=r.amount,
                       who=r.state_by, ref=("claim", str(r.id)))


def _notices(conn: Connection, account_id: str) -> Iterator[Item]:
    for r in conn.execute(select(T.NOTICES).where(T.NOTICES.c.account_id == account_id)):
        yield Item(r.sent_at, Kind.NOTICE, str(r.kind), "", points=r.points,
                   balance=r.balance, ref=("notice", r.id))
    acc = conn.execute(select(T.ACCOUNTS.c.notice_at, T.ACCOUNTS.c.status, T.ACCOUNTS.c.status_at)
                       .where(T.ACCOUNTS.c.id == account_id)).first()
    if acc is not None and acc.notice_at is not None:
        yield Item(acc.notice_at, Kind.NOTICE, "termination", "", ref=("customer", account_id))


def _cancellations(conn: Connection,
                   order_ids: list[str]) -> dict[str, list[tuple[datetime, Decimal]]]:
    """Each order's cancellations with their time (a total an older store held, of no
    known time, has no place on a timeline)."""
    found: dict[str, list[tuple[datetime, Decimal]]] = {}
    if order_ids:
        for r in conn.execute(select(_CANCEL.c.order_id, _CANCEL.c.at, _CANCEL.c.amount)
                              .where(_CANCEL.c.order_id.in_(order_ids),
                                     _CANCEL.c.at.is_not(None))):
            found.setdefault(r.order_id, []).append((r.at, r.amount))
    return found


def _orders(conn: Connection, account_id: str) -> Iterator[Item]:
    rows = list(conn.execute(select(T.ORDERS).where(T.ORDERS.c.account_id == account_id)))
    cancelled = _cancellations(conn, [r.id for r in rows])
    for r in rows:
        ref = ("order", r.id)
        yield Item(r.placed_at, Kind.ORDER, "placed", "", amount=r.net,
                   points=-r.redeemed if r.redeemed else None, ref=ref)
        if r.paid_at is not None:
            yield Item(r.paid_at, Kind.ORDER, "paid", "", ref=ref)
        if r.delivered_at is not None:
            yield Item(r.delivered_at, Kind.ORDER, "delivered", "", ref=ref)
        if r.completed_at is not None:
            yield Item(r.completed_at, Kind.ORDER, "completed", "", points=r.credited,
                       ref=ref)
        for at, amount in cancelled.get(r.id, []):
            yield Item(at, Kind.ORDER, "cancelled", "", amount=amount, ref=ref)


_SOURCES: dict[Kind, Callable[[Connection, str], Iterable[Item]]] = {
    Kind.MAIL: _mails, Kind.CASE: _cases, Kind.NOTE: _notes, Kind.OBJECTION: _objections,
    Kind.TRANSFER: _transfers, Kind.ADJUSTMENT: _adjustments, Kind.ABUSE: _abuse,
    Kind.CLAIM: _claims, Kind.NOTICE: _notices, Kind.ORDER: _orders,
}


def timeline(db: Db, account_id: str, f: Filter = EVERYTHING) -> list[Item]:
    """The account's timeline, newest first (ties: in the order of `Kind`)."""
    conn = T.connection(db)
    start = start_of_day(f.since) if f.since else None
    end = start_of_day(date.fromordinal(f.until.toordinal() + 1)) if f.until else None
    items = [item for kind, source in _SOURCES.items() if f.wants(kind)
             for item in source(conn, account_id)
             if (start is None or item.at >= start) and (end is None or item.at < end)]
    order = {k: i for i, k in enumerate(Kind)}
    items.sort(key=lambda i: (i.at, -order[i.kind]), reverse=True)
    return items
