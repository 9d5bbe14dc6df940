"""The change feed: what changed in a transaction, appended in commit order.

Handlers say what they touched (:meth:`Feed.touch`); before the transaction commits,
:meth:`Feed.flush` appends each touched record's whole state as one change. The engine's
ledger entries, notices and lots are built from exactly the values it saved (nothing
else writes them); every other record is read back from the store (one Core statement
for the engine's accounts and orders, the ORM for the rest), so that what a handler set
besides the engine is in the feed as the store holds it. The tests hold both ways to the
ORM's reading of the store.

Every writer is serialised (:func:`serialise`, across all server processes), and the
sequence numbers are drawn under it: they commit in their order, so a reader reading
``seq > cursor`` never skips a number that commits later and never sees one twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, Text, bindparam, insert, select, text
from sqlalchemy import cast as cast_text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from xrewards_desk.store import models as m

from ..contract import records as r
from ..contract.common import Model
from ..domain.model import Entry, Lot, Notice
from ..store.ledger import unapproved_adjustments

#: the key of the transaction-scoped advisory lock every writing transaction takes on
#: PostgreSQL (any 64-bit number no other program on the database uses: "xrewards")
WRITE_LOCK_KEY = 0x7872657761726473
_SERIALISED = "xrewards_serialised"


def serialise(session: Session) -> None:
    """Make `session`'s transaction the only writer of the store until it ends.

    On PostgreSQL: ``pg_advisory_xact_lock`` on :data:`WRITE_LOCK_KEY`, which waits for
    the writer holding it (in any process, on any machine) to commit or roll back, and is
    held by this transaction until its own commit or rollback (the server releases
    nothing itself: a process killed mid-transaction loses its connection, and the
    database rolls back and frees the lock). Taken as the transaction's first statement,
    every read after it sees what every earlier writer committed, so the engine's
    read-modify-write of an account, the change feed's sequence and the audit chain's
    end are each taken by one writer at a time, across all server processes.

    Why the feed needs no more than this (and no visibility watermark): the feed's
    sequence numbers are drawn (``nextval`` when a change row is inserted) while the lock
    is held, and the lock is released only after the commit became visible (PostgreSQL
    frees a transaction's locks after it has marked it committed). So the writer that
    draws number n+1 starts after the one that drew n committed: commits come in
    sequence order, and a reader that sees n+1 already sees n. A reader reading
    ``seq > cursor`` therefore never skips a number that commits later and never sees one
    twice. A rolled-back writer leaves a hole in the numbers that nothing will ever fill,
    which a reader rightly passes over. A watermark (readers served only up to the
    oldest sequence still in flight) would let writers of unrelated accounts run in
    parallel, but it needs a table of in-flight transactions that a killed process leaves
    behind, and the engine reads whole accounts and the program anyway: serial writers
    are what the rules' engine assumes, and one lock is what can be reasoned about.

    On SQLite the transaction began with ``BEGIN IMMEDIATE`` (``Store.session(write=
    True)``), which is the database's own single-writer lock. Taking it twice in one
    transaction is harmless (the second is not sent)."""
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_SERIALISED) is transaction:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    session.info[_SERIALISED] = transaction


def account_record(row: Any, addresses: list[r.Address]) -> r.Account:
    """An account as the feed carries it, from its row (ORM or Core) and its delivery
    addresses (in their order)."""
    return r.Account(
        id=row.id, organisation=row.organisation_id, billing_account=row.billing_account_id,
        name=row.name, email=row.email, phone=row.phone, language=row.language,
        addresses=addresses, registered_at=row.registered_at, status=row.status,
        status_at=row.status_at, referral_code=row.referral_code, referred_by=row.referred_by,
        referral_void=row.referral_void, signup_ip=row.signup_ip,
        device_fingerprint=row.device_fingerprint, spend=row.spend, debt=row.debt,
        claims=row.claims_total, has_completed_order=row.has_completed_order,
        first_order=row.first_order, notice_at=row.notice_at,
        unapproved_adjustments=[r.UnapprovedAdjustment(at=at, points=size) for at, size
                                in unapproved_adjustments(row.unapproved_adjustments)],
        version=row.version)


def _account(s: Session, key: str) -> Model | None:
    row = s.get(m.AccountRow, key)
    if row is None:
        return None
    return account_record(row, [r.Address(street=a.street, postcode=a.postcode, city=a.city,
                                          country=a.country) for a in row.addresses])


def _simple(model: type[Any], make: Callable[[Any], Model]) -> Callable[[Session, str],
                                                                           Model | None]:
    def load(s: Session, key: str) -> Model | None:
        pk: Any = int(key) if model.__table__.primary_key.columns.values()[0].type.python_type \
            is int else key
        row = s.get(model, pk)
        return None if row is None else make(row)
    return load


def entry_record(row: Any, allocations: list[r.Allocation]) -> r.Entry:
    """A ledger entry as the feed carries it, from its row (ORM or Core) and its
    allocations to lots (in their order)."""
    return r.Entry(id=row.id, account=row.account_id, seq=row.seq, at=row.at, type=row.type,
                   points=row.points, source_kind=row.source_kind, source_ref=row.source_ref,
                   note=row.note, allocations=allocations)


def notice_record(row: Any, lots: list[r.NoticeLot]) -> r.Notice:
    """A notice as the feed carries it, from its row (ORM or Core) and the lots it names."""
    return r.Notice(id=row.id, account=row.account_id, seq=row.seq, kind=row.kind,
                    sent_at=row.sent_at, entry=row.entry_id, points=row.points,
                    balance=row.balance, lots=lots)


def _with_children(model: Any, children: Any, make: Callable[[Any, list[Any]], Model],
                   child: Callable[[Any], Any]) -> Callable[[Session, str], Model | None]:
    """A record made from its row and its children's, loaded with it (in their order)."""
    def load(s: Session, key: str) -> Model | None:
        row = s.scalars(select(model).where(model.id == key)
                        .options(selectinload(children))).first()
        return None if row is None else make(row, [child(x) for x in getattr(row, children.key)])
    return load


def order_record(x: Any, cancellations: list[r.Cancellation]) -> r.Order:
    """An order as the feed carries it, from its row (ORM or Core) and its cancellations
    (``order_cancellations``, in their order)."""
    return r.Order(
        id=x.id, account=x.account_id, placed_at=x.placed_at, placed_by=x.placed_by,
        paid_by=x.paid_by, payment_fingerprint=x.payment_fingerprint, net=x.net,
        discount=x.discount, cancelled=x.cancelled, cancellations=cancellations,
        redeemed=x.redeemed,
        redemption=[r.Allocation(lot=str(lot), points=int(points))
                    for lot, points in x.redemption],
        paid_at=x.paid_at, delivered_at=x.delivered_at, completed_at=x.completed_at,
        earning=x.earning, rate=x.rate, credited=x.credited, lot=x.lot_id,
        spend_added=x.spend_added, bonus_account=x.bonus_account, bonus_lot=x.bonus_lot,
        bonus_credited=x.bonus_credited)


def _order(s: Session, key: str) -> Model | None:
    row = s.get(m.OrderRow, key)
    if row is None:
        return None
    c = m.OrderCancellation
    return order_record(row, [
        r.Cancellation(at=x.at, amount=x.amount, in_full=x.in_full)
        for x in s.scalars(select(c).where(c.order_id == key).order_by(c.seq))])


def _abuse_case(row: m.AbuseCaseRow) -> Model:
    return r.AbuseCase(id=row.id, accounts=[a.account_id for a in row.accounts],
                       invitee=row.invitee_id, opened_at=row.opened_at,
                       opened_by=row.opened_by, status=row.status, decided_by=row.decided_by,
                       decided_at=row.decided_at, reason=row.reason,
                       mail_case=row.mail_case_id, version=row.version)


def _mail_message(row: m.MailMessage) -> Model:
    return r.MailMessage(
        id=row.id, case=row.case_id, message_id=row.message_id, in_reply_to=row.in_reply_to,
        references=row.references, outgoing=row.outgoing, received_at=row.received_at,
        received_from=row.received_from.value, channel=cast(Any, row.channel),
        sender=row.sender, subject=row.subject, body=row.body,
        attachments=[r.Attachment(seq=a.seq, label=a.label, sha256=a.evidence_sha256,
                                  refused=a.refused) for a in row.attachments],
        send_state=row.send_state.value if row.send_state is not None else None,
        send_detail=row.send_detail, send_attempts=row.send_attempts, send_at=row.send_at,
        queued_at=row.queued_at, to=row.recipient)


def _transfer(row: m.TransferRequestRow) -> Model:
    return r.TransferRequest(
        id=row.id, source=row.source_id, target=row.target_id, points=row.points,
        reason=row.reason, justification=row.justification, case=row.case_id,
        evidence=[e.sha256 for e in row.evidence], requested_by=row.requested_by,
        requested_at=row.requested_at, status=row.status.value, decided_by=row.decided_by,
        decided_at=row.decided_at, decision_reason=row.decision_reason, version=row.version)


#: the records made from their row alone, an ORM object or a Core row alike (the demo
#: reads these through Core)
ROW_RECORDS: dict[str, Callable[[Any], Model]] = {
    "organisation": lambda x: r.Organisation(id=x.id, name=x.name),
    "billing_account": lambda x: r.BillingAccount(
        id=x.id, organisation=x.organisation_id, name=x.name),
    "discount": lambda x: r.Discount(
        account=x.account_id, code=x.code, registered_at=x.registered_at,
        valid_until=x.valid_until, used_on=x.used_on, voided=x.voided),
    "lot": lambda x: r.Lot(
        id=x.id, account=x.account_id, seq=x.seq, credited_at=x.credited_at,
        usable_until=x.usable_until, expires_at=x.expires_at, points=x.points,
        remaining=x.remaining, source_kind=x.source_kind, source_ref=x.source_ref,
        root=x.root, parent=x.parent, redeemed=x.redeemed, void_claimant=x.void_claimant),
}


LOADERS: dict[str, Callable[[Session, str], Model | None]] = {
    "organisation": _simple(m.Organisation, ROW_RECORDS["organisation"]),
    "billing_account": _simple(m.BillingAccount, ROW_RECORDS["billing_account"]),
    "account": _account,
    "discount": _simple(m.DiscountCode, ROW_RECORDS["discount"]),
    "lot": _simple(m.LotRow, ROW_RECORDS["lot"]),
    "order": _order,
    "entry": _with_children(m.LedgerEntry, m.LedgerEntry.allocations, entry_record,
                            lambda x: r.Allocation(lot=x.lot_id, points=x.points)),
    "notice": _with_children(m.NoticeRow, m.NoticeRow.lots, notice_record, lambda x: r.NoticeLot(
        lot=x.lot_id, remaining=x.remaining, usable_until=x.usable_until)),
    "claim": _simple(m.ClaimRow, lambda x: r.Claim(
        id=x.id, account=x.account_id, at=x.at, amount=x.amount, source_kind=x.source_kind,
        source_ref=x.source_ref, reason=x.reason, state=x.state.value, state_at=x.state_at,
        state_by=x.state_by, version=x.version)),
    "abuse_case": _simple(m.AbuseCaseRow, _abuse_case),
    "abuse_signal": _simple(m.AbuseSignal, lambda x: r.AbuseSignal(
        id=x.id, referrer=x.referrer_id, invitee=x.invitee_id, kind=x.kind, weight=x.weight,
        evidence=x.evidence, found_at=x.found_at)),
    "suspicion": _simple(m.Suspicion, lambda x: r.Suspicion(
        id=x.id, account=x.account_id, case=x.case_id, text=x.text,
        reported_by=x.reported_by, at=x.at)),
    "mail_case": _simple(m.MailCase, lambda x: r.MailCase(
        id=x.id, subject=x.subject, status=x.status.value, account=x.account_id,
        assigned_to=x.assigned_to, opened_at=x.opened_at, version=x.version)),
    "mail_message": _simple(m.MailMessage, _mail_message),
    "case_note": _simple(m.CaseNote, lambda x: r.CaseNote(
        id=x.id, case=x.case_id, at=x.at, author=x.author, text=x.text)),
    "customer_note": _simple(m.CustomerNote, lambda x: r.CustomerNote(
        id=x.id, account=x.account_id, at=x.at, author=x.author, text=x.text)),
    "objection": _simple(m.Objection, lambda x: r.Objection(
        id=x.id, kind=x.kind.value, account=x.account_id, case=x.case_id, notice=x.notice_id,
        received_at=x.received_at, deadline=x.deadline, status=x.status.value,
        recorded_by=x.recorded_by, decided_by=x.decided_by, decided_at=x.decided_at,
        reason=x.reason, version=x.version)),
    "adjustment_request": _simple(m.AdjustmentRequest, lambda x: r.AdjustmentRequest(
        id=x.id, account=x.account_id, points=x.points, reason=x.reason, goodwill=x.goodwill,
        objection=x.objection_id, case=x.case_id, requested_by=x.requested_by,
        requested_at=x.requested_at, status=x.status.value, decided_by=x.decided_by,
        decided_at=x.decided_at, decision_reason=x.decision_reason, entry=x.entry_id,
        version=x.version)),
    "transfer_request": _simple(m.TransferRequestRow, _transfer),
    "evidence": _simple(m.EvidenceFile, lambda x: r.Evidence(
        sha256=x.sha256, media_type=x.media_type, size=x.size, label=x.label,
        uploaded_at=x.uploaded_at, uploaded_by=x.uploaded_by)),
    "staff": lambda s, key: _staff(s, key),
    "program": _simple(m.ProgramRow, lambda x: r.Program(
        launch=x.launch, ended_at=x.ended_at, version=x.version)),
}


def _staff(s: Session, name: str) -> Model | None:
    row = s.scalars(select(m.User).where(m.User.name == name)).first()
    if row is None:
        return None
    return r.Staff(name=row.name, display_name=row.display_name, role=row.role,
                   active=row.active)


# --------------------------------------------------------------------------- built, not read


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def lot_of(lot: Lot) -> r.Lot:
    """A lot as the feed carries it, from the engine's value as it was saved."""
    return r.Lot(id=lot.id, account=lot.account, seq=lot.seq,
                 credited_at=_utc(lot.credited_at), usable_until=lot.usable_until,
                 expires_at=_utc(lot.expires_at), points=lot.points, remaining=lot.remaining,
                 source_kind=lot.source.kind, source_ref=lot.source.ref, root=lot.root,
                 parent=lot.parent, redeemed=lot.redeemed, void_claimant=lot.void_claimant)


def entry_of(entry: Entry) -> r.Entry:
    """A ledger entry as the feed carries it, from the engine's value as it was saved."""
    return r.Entry(id=entry.id, account=entry.account,
                   seq=int(entry.id.rpartition("/E")[2]), at=_utc(entry.at), type=entry.type,
                   points=entry.points, source_kind=entry.source.kind,
                   source_ref=entry.source.ref, note=entry.note,
                   allocations=[r.Allocation(lot=a.lot, points=a.points)
                                for a in entry.allocations])


def notice_of(notice: Notice) -> r.Notice:
    """A notice as the feed carries it, from the engine's value as it was saved."""
    return r.Notice(id=notice.id, account=notice.account,
                    seq=int(notice.id.rpartition("/N")[2]), kind=notice.kind,
                    sent_at=_utc(notice.sent_at), entry=notice.entry, points=notice.points,
                    balance=notice.balance,
                    lots=[r.NoticeLot(lot=f.lot, remaining=f.remaining,
                                      usable_until=f.usable_until) for f in notice.lots])


# --------------------------------------------------------------------------- read through Core

def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


CHANGES = _table(m.ChangeRow)
_T = {name: _table(model) for name, model in (
    ("accounts", m.AccountRow), ("addresses", m.DeliveryAddress), ("lots", m.LotRow),
    ("discounts", m.DiscountCode), ("orders", m.OrderRow),
    ("cancellations", m.OrderCancellation), ("entries", m.LedgerEntry),
    ("allocations", m.LotAllocation), ("notices", m.NoticeRow), ("notice_lots", m.NoticeLot),
    ("orgs", m.Organisation), ("billing", m.BillingAccount))}


def _by_id(table: Table, column: str = "id") -> Any:
    return select(table).where(table.c[column] == bindparam("k"))


def _joined(parent: Table, child: Table, link: str, order: str,
            fields: tuple[str, ...]) -> Any:
    """A record and its child rows in one statement (one row per child, or one row with
    the child's fields empty: its `order` column, ``child_key``, is empty then), children
    in their order."""
    return (select(parent, child.c[order].label("child_key"),
                   *(child.c[f].label(f"child_{f}") for f in fields))
            .outerjoin(child, child.c[link] == parent.c.id)
            .where(parent.c.id == bindparam("k")).order_by(child.c[order]))


_Q = {
    "account": _joined(_T["accounts"], _T["addresses"], "account_id", "id",
                       ("street", "postcode", "city", "country")),
    "discount": _by_id(_T["discounts"], "account_id"),
    "lot": _by_id(_T["lots"]),
    "order": _joined(_T["orders"], _T["cancellations"], "order_id", "seq",
                     ("at", "amount", "in_full")),
    "entry": _joined(_T["entries"], _T["allocations"], "entry_id", "seq",
                     ("lot_id", "points")),
    "notice": _joined(_T["notices"], _T["notice_lots"], "notice_id", "seq",
                      ("lot_id", "remaining", "usable_until")),
    "organisation": _by_id(_T["orgs"]),
    "billing_account": _by_id(_T["billing"]),
}


def _one(query: str, make: Callable[[Any], Model]) -> Callable[[Connection, str],
                                                                Model | None]:
    def load(conn: Connection, key: str) -> Model | None:
        row = conn.execute(_Q[query], {"k": key}).first()
        return None if row is None else make(row)
    return load


def _many(query: str, make: Callable[[Any, list[Any]], Model],
          child: Callable[[Any], Any]) -> Callable[[Connection, str], Model | None]:
    """A record made from its row and its children's (the rows of one outer join)."""
    def load(conn: Connection, key: str) -> Model | None:
        rows = conn.execute(_Q[query], {"k": key}).all()
        if not rows:
            return None
        return make(rows[0], [child(x) for x in rows if x.child_key is not None])
    return load


#: the feed's records of the engine's kinds, read through Core (one statement each): the
#: same values as :data:`LOADERS` (the tests compare them), made by the same functions
CORE_LOADERS: dict[str, Callable[[Connection, str], Model | None]] = {
    "account": _many("account", account_record, lambda x: r.Address(
        street=x.child_street, postcode=x.child_postcode, city=x.child_city,
        country=x.child_country)),
    "entry": _many("entry", entry_record, lambda x: r.Allocation(
        lot=x.child_lot_id, points=x.child_points)),
    "notice": _many("notice", notice_record, lambda x: r.NoticeLot(
        lot=x.child_lot_id, remaining=x.child_remaining, usable_until=x.child_usable_until)),
    "order": _many("order", order_record, lambda x: r.Cancellation(
        at=x.child_at, amount=x.child_amount, in_full=x.child_in_full)),
    **{kind: _one(kind, make) for kind, make in ROW_RECORDS.items()},
}


# --------------------------------------------------------------------------- served

#: on SQLite, each change of a page as the text the page carries, made by SQLite from the
#: stored row (no Python per row): ``at`` as RFC 3339 in UTC from the form the Instant
#: type stores (``YYYY-MM-DD HH:MM:SS.ffffff``; the fraction left out when it is zero, as
#: ``datetime.isoformat`` does), the kind and id quoted as JSON strings, the record's
#: stored JSON text as it is. A row whose ``at`` is in any other form comes out NULL, and
#: its page is made by :func:`_page_text` instead.
_PAGE_SQLITE = (
    "SELECT seq, CASE WHEN at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] "
    "[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]' THEN "
    "'{\"seq\":' || seq || ',\"at\":\"' || substr(at, 1, 10) || 'T' || substr(at, 12, 8) "
    "|| CASE substr(at, 21) WHEN '000000' THEN '' ELSE '.' || substr(at, 21) END "
    "|| 'Z\",\"kind\":' || json_quote(kind) || ',\"id\":' || json_quote(record_id) "
    "|| ',\"data\":' || coalesce(data, 'null') || '}' END "
    "FROM changes WHERE seq > ? ORDER BY seq LIMIT ?")


def page(conn: Connection, after: int, limit: int) -> bytes:
    """A page of the feed as JSON (the shape of :class:`~..contract.records.ChangePage`):
    the changes after sequence number `after`, at most `limit`, in their order. Each
    record was validated against its contract model when it was appended, so the page is
    built from the stored JSON text as it is, neither parsed nor validated again (the
    tests check the shape). On SQLite each change's text is made by the query itself
    (:data:`_PAGE_SQLITE`); elsewhere, or where a stored instant is not in the form
    expected, by :func:`_page_text` from the rows."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(_PAGE_SQLITE, (after, limit + 1)).all()
        if all(text is not None for _seq, text in rows):
            more = len(rows) > limit
            rows = rows[:limit]
            return _page(",".join(text for _seq, text in rows),
                         rows[-1][0] if rows else after, more)
    return _page_text(conn, after, limit)


def _page_text(conn: Connection, after: int, limit: int) -> bytes:
    """:func:`page` from the rows as the store's types read them."""
    c = CHANGES.c
    rows = conn.execute(select(c.seq, c.at, c.kind, c.record_id, cast_text(c.data, Text))
                        .where(c.seq > after).order_by(c.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    dumps = json.dumps
    changes = ",".join(
        f'{{"seq":{seq},"at":"{at.isoformat().replace("+00:00", "Z")}",'
        f'"kind":{dumps(kind)},"id":{dumps(record_id)},"data":{data or "null"}}}'
        for seq, at, kind, record_id, data in rows)
    return _page(changes, rows[-1].seq if rows else after, more)


def _page(changes: str, last: int, more: bool) -> bytes:
    return (f'{{"changes":[{changes}],"next":{json.dumps(str(last))},'
            f'"more":{"true" if more else "false"}}}').encode()


class ReadBack:
    """Marks a touched record to be read back from the store when the feed is flushed."""


#: what :meth:`Feed.touch` is given where the handler does not know the record whole
READ = ReadBack()


class Feed:
    """What one transaction touched, appended to the feed before it commits."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.touched: dict[tuple[str, str], Model | ReadBack | None] = {}

    def touch(self, kind: str, key: object, record: Model | ReadBack | None = READ) -> None:
        """`kind` `key` changed; `record` is its whole state where the caller built it
        from exactly what it wrote (the engine's entries, notices and lots), else it is
        read back at :meth:`flush`. A later touch replaces what an earlier one said; the
        change keeps the place of the first."""
        if kind not in LOADERS:
            raise KeyError(f"no change-feed record of kind {kind!r}")
        self.touched[(kind, str(key))] = record

    def flush(self, at: datetime) -> int:
        """Append one change per touched record, in the order touched; returns how many.
        The transaction is serialised first (if its writer has not already), so its
        sequence numbers are drawn under the lock it holds to its commit.

        Records the handlers built are taken as they are; the engine's other kinds are
        read back through one Core statement each (:data:`CORE_LOADERS`), the rest
        through the ORM after its pending changes are flushed and everything it holds is
        expired (read what the store holds, not what the ORM remembers)."""
        serialise(self.session)
        session = self.session
        session.flush()
        conn = session.connection()
        expired = False
        rows: list[dict[str, Any]] = []
        for (kind, key), known in self.touched.items():
            if not isinstance(known, ReadBack):
                record = known
            elif (core := CORE_LOADERS.get(kind)) is not None:
                record = core(conn, key)
            else:
                if not expired:
                    session.expire_all()
                    expired = True
                record = LOADERS[kind](session, key)
            rows.append({"at": at, "kind": kind, "record_id": key,
                         "data": None if record is None else record.model_dump(mode="json")})
        self.touched.clear()
        self.append(rows)
        return len(rows)

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Insert the changes, in their order, in one statement (their sequence numbers
        are drawn here)."""
        if rows:
            self.session.execute(insert(CHANGES), rows)
