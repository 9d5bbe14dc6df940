"""The rules engine's state in the store: load what an action touches, apply it through
:mod:`xrewards_desk.domain`, save what it wrote, all in one transaction.

No action replays a history (ARCHITECTURE.md, "State without replay"): ``needs()`` names
the accounts, orders and abuse cases an action reads, :class:`StoreLookup` loads just
those as the engine's plain values, and :func:`save` writes back only what the engine
changed. The engine never mutates what it was given (copy-on-write), so "changed" is
simply "not the object that was loaded".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.actions import Action
from ..domain.calendar import LAUNCH
from ..domain.engine import Written, apply, needs
from ..domain.model import (
    AbuseCase,
    Account,
    Allocation,
    CaseStatus,
    Claim,
    Discount,
    Entry,
    Event,
    Lot,
    LotFigure,
    Notice,
    Order,
    Program,
    Source,
    State,
)
from .db import Store
from .models import (
    ClaimRow,
    ClaimState,
    EngineEvent,
    LedgerEntry,
    NoticeRow,
)
from .tables import (
    ABUSE_ACCOUNTS,
    ABUSE_CASES,
    ACCOUNTS,
    ALLOCATIONS,
    BILLING,
    CLAIMS,
    DISCOUNTS,
    ENTRIES,
    EVENTS,
    LOTS,
    NOTICE_LOTS,
    NOTICES,
    ORDERS,
    ORGANISATIONS,
    PROGRAM,
)

PROGRAM_ROW = 1

_T = TypeVar("_T")


def _seq(record_id: str, marker: str) -> int:
    """The number in an engine id such as ``XR-1/E12`` (marker ``/E``)."""
    return int(record_id.rpartition(marker)[2])


def discount_code_for(account_id: str) -> str:
    """The invitee's discount code (R18); one per account, so derived from its id."""
    return f"R10-{account_id}"


class StaleState(StaleDataError):
    """Someone else saved an account between this transaction's read and its write."""


# --------------------------------------------------------------------------- rows to values


def _lot(row: Row[Any]) -> Lot:
    return Lot(row.id, row.account_id, row.seq, row.credited_at, row.usable_until,
               row.expires_at, row.points, row.remaining, Source(row.source_kind, row.source_ref),
               row.root, row.parent, row.redeemed,
               tuple((str(a), str(lot)) for a, lot in row.transferred), row.void_claimant)


def _account(row: Row[Any], lots: Iterable[Row[Any]], open_cases: Iterable[str]) -> Account:
    return Account(
        id=row.id, org=row.organisation_id, billing=row.billing_account_id, email=row.email,
        registered_at=row.registered_at, status=row.status, status_at=row.status_at,
        spend=row.spend, debt=row.debt,
        lots=sorted((_lot(r) for r in lots), key=Lot.sort_key),
        next_lot=row.next_lot, next_entry=row.next_entry, next_notice=row.next_notice,
        referred_by=row.referred_by, referral_void=row.referral_void,
        discount=None if row.valid_until is None else Discount(
            row.valid_until, row.discount_registered_at, row.used_on, row.voided),
        has_completed_order=row.has_completed_order, first_order=row.first_order,
        first_order_candidates=tuple(row.first_order_candidates),
        open_cases=frozenset(open_cases), claims=row.claims_total,
        notice_at=row.notice_at,
        unapproved_adjustments=unapproved_adjustments(row.unapproved_adjustments),
    )


def unapproved_adjustments(stored: Iterable[Sequence[Any]]) -> tuple[tuple[datetime, int], ...]:
    """R26's [ISO instant, size] pairs as stored (JSON) to the engine's values."""
    return tuple((datetime.fromisoformat(at), int(size)) for at, size in stored)


def stored_adjustments(marks: Iterable[tuple[datetime, int]]) -> list[list[Any]]:
    return [[at.astimezone(UTC).isoformat(), size] for at, size in marks]


def _order(row: Row[Any]) -> Order:
    return Order(
        row.id, row.account_id, row.placed_at, row.net, row.discount, row.cancelled,
        row.redeemed, tuple(Allocation(str(lot), int(points)) for lot, points in row.redemption),
        row.paid_at, row.delivered_at, row.completed_at, row.earning, row.rate, row.credited,
        row.lot_id, row.spend_added, row.bonus_account, row.bonus_lot, row.bonus_credited)


def _entry(row: LedgerEntry) -> Entry:
    return Entry(row.id, row.account_id, row.at, row.type, row.points,
                 Source(row.source_kind, row.source_ref),
                 tuple(Allocation(a.lot_id, a.points) for a in row.allocations), row.note)


def _notice(row: NoticeRow) -> Notice:
    return Notice(row.id, row.account_id, row.kind, row.sent_at, row.entry_id, row.points,
                  row.balance,
                  tuple(LotFigure(f.lot_id, f.remaining, f.usable_until) for f in row.lots))


def _claim(row: ClaimRow) -> Claim:
    return Claim(row.account_id, row.at, row.amount, Source(row.source_kind, row.source_ref),
                 row.reason)


# --------------------------------------------------------------------------- values to rows


def _account_values(acc: Account) -> dict[str, Any]:
    return {
        "email": acc.email, "status": acc.status, "status_at": acc.status_at,
        "spend": acc.spend, "debt": acc.debt, "claims_total": acc.claims,
        "next_lot": acc.next_lot, "next_entry": acc.next_entry, "next_notice": acc.next_notice,
        "referred_by": acc.referred_by, "referral_void": acc.referral_void,
        "has_completed_order": acc.has_completed_order, "first_order": acc.first_order,
        "first_order_candidates": list(acc.first_order_candidates),
        "notice_at": acc.notice_at,
        "unapproved_adjustments": stored_adjustments(acc.unapproved_adjustments),
    }


def _lot_values(lot: Lot) -> dict[str, Any]:
    return {
        "id": lot.id, "account_id": lot.account, "seq": lot.seq,
        "credited_at": lot.credited_at, "usable_until": lot.usable_until,
        "expires_at": lot.expires_at, "points": lot.points, "remaining": lot.remaining,
        "source_kind": lot.source.kind, "source_ref": lot.source.ref, "root": lot.root,
        "parent": lot.parent, "redeemed": lot.redeemed,
        "transferred": [list(piece) for piece in lot.transferred],
        "void_claimant": lot.void_claimant,
    }


def order_values(order: Order) -> dict[str, Any]:
    return {
        "id": order.id, "account_id": order.account, "placed_at": order.placed_at,
        "net": order.net, "discount": order.discount, "cancelled": order.cancelled,
        "redeemed": order.redeemed, "redemption": [[a.lot, a.points] for a in order.redemption],
        "paid_at": order.paid_at, "delivered_at": order.delivered_at,
        "completed_at": order.completed_at, "earning": order.earning, "rate": order.rate,
        "credited": order.credited, "lot_id": order.lot, "spend_added": order.spend_added,
        "bonus_account": order.bonus_account, "bonus_lot": order.bonus_lot,
        "bonus_credited": order.bonus_credited,
    }


#: an order's columns that the engine's value does not hold
ORDER_BESIDE = ("placed_by", "paid_by", "payment_fingerprint")


# --------------------------------------------------------------------------- loading

_ACCOUNT_QUERY = (
    select(ACCOUNTS, DISCOUNTS.c.valid_until,
           DISCOUNTS.c.registered_at.label("discount_registered_at"), DISCOUNTS.c.used_on,
           DISCOUNTS.c.voided)
    .outerjoin(DISCOUNTS, DISCOUNTS.c.account_id == ACCOUNTS.c.id)
    .where(ACCOUNTS.c.id == bindparam("account"))
)
_LOTS_QUERY = select(LOTS).where(LOTS.c.account_id == bindparam("account"))
_OPEN_CASES_QUERY = (
    select(ABUSE_ACCOUNTS.c.case_id)
    .join(ABUSE_CASES, ABUSE_CASES.c.id == ABUSE_ACCOUNTS.c.case_id)
    .where(ABUSE_ACCOUNTS.c.account_id == bindparam("account"),
           ABUSE_CASES.c.status == CaseStatus.OPEN)
)


# Statements built once: building one per call cost more than running it.
_PROGRAM_QUERY = select(PROGRAM).where(PROGRAM.c.id == PROGRAM_ROW)
_ORDER_QUERY = select(ORDERS).where(ORDERS.c.id == bindparam("order"))
_CASE_QUERY = select(ABUSE_CASES).where(ABUSE_CASES.c.id == bindparam("case"))
_CASE_ACCOUNTS_QUERY = (select(ABUSE_ACCOUNTS.c.account_id)
                        .where(ABUSE_ACCOUNTS.c.case_id == bindparam("case"))
                        .order_by(ABUSE_ACCOUNTS.c.position))
_ORGANISATION_QUERY = select(ORGANISATIONS.c.id).where(ORGANISATIONS.c.id == bindparam("org"))
_BILLING_QUERY = select(BILLING.c.id).where(BILLING.c.id == bindparam("billing"))
_UPDATE_ACCOUNT = update(ACCOUNTS).where(ACCOUNTS.c.id == bindparam("k_id"),
                                         ACCOUNTS.c.version == bindparam("k_version"))
_UPDATE_LOT = update(LOTS).where(LOTS.c.id == bindparam("k_id"))
_UPDATE_ORDER = update(ORDERS).where(ORDERS.c.id == bindparam("k_id"))
_UPDATE_CASE = update(ABUSE_CASES).where(ABUSE_CASES.c.id == bindparam("k_id"))
_UPDATE_DISCOUNT = update(DISCOUNTS).where(DISCOUNTS.c.account_id == bindparam("k_id"))
_UPDATE_PROGRAM = update(PROGRAM).where(PROGRAM.c.id == PROGRAM_ROW)


class StoreLookup:
    """The engine's :class:`~xrewards_desk.domain.engine.Lookup` over one transaction.

    Each value is loaded once per transaction and kept, so that :func:`save` can tell what
    the engine changed (it clones before writing) and which version it read."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.conn = session.connection()
        self.accounts: dict[str, Account | None] = {}
        self.versions: dict[str, int] = {}
        self.has_discount: set[str] = set()
        self.orders: dict[str, Order | None] = {}
        #: an order's columns besides the engine's value (who placed and paid it, the
        #: card), as stored: the change feed's record is its value with these
        self.order_beside: dict[str, dict[str, Any]] = {}
        self.cases: dict[str, AbuseCase | None] = {}
        self._program: Program | None = None

    def program(self) -> Program:
        if self._program is None:
            row = self.conn.execute(_PROGRAM_QUERY).first()
            if row is None:
                self.conn.execute(insert(PROGRAM), {"id": PROGRAM_ROW, "launch": LAUNCH,
                                                    "ended_at": None, "version": 1})
                self._program = Program(LAUNCH, None)
            else:
                self._program = Program(row.launch, row.ended_at)
        return self._program

    def account(self, account_id: str) -> Account | None:
        if account_id in self.accounts:
            return self.accounts[account_id]
        key = {"account": account_id}
        row = self.conn.execute(_ACCOUNT_QUERY, key).first()
        acc = None
        if row is not None:
            lots = self.conn.execute(_LOTS_QUERY, key).all()
            open_cases = self.conn.execute(_OPEN_CASES_QUERY, key).scalars().all()
            acc = _account(row, lots, open_cases)
            self.versions[account_id] = row.version
            if row.valid_until is not None:
                self.has_discount.add(account_id)
        self.accounts[account_id] = acc
        return acc

    def order(self, order_id: str) -> Order | None:
        if order_id not in self.orders:
            row = self.conn.execute(_ORDER_QUERY, {"order": order_id}).first()
            self.orders[order_id] = None if row is None else _order(row)
            if row is not None:
                self.order_beside[order_id] = {name: row._mapping[name]
                                               for name in ORDER_BESIDE}
        return self.orders[order_id]

    def case(self, case_id: str) -> AbuseCase | None:
        if case_id not in self.cases:
            row = self.conn.execute(_CASE_QUERY, {"case": case_id}).first()
            case = None
            if row is not None:
                accounts = self.conn.execute(_CASE_ACCOUNTS_QUERY,
                                             {"case": case_id}).scalars().all()
                case = AbuseCase(row.id, tuple(accounts), row.opened_at, row.opened_by,
                                 row.invitee_id, row.status)
            self.cases[case_id] = case
        return self.cases[case_id]

    def took(self, state: State, saved: Saved) -> None:
        """Hold what :func:`save` just wrote as this transaction's values, so that a later
        action in the same transaction (a batch of events, the demo's run) starts from
        them instead of reading them again: the store now holds exactly these (the engine
        is their only writer; a handler writing such a row besides it has it forgotten,
        :meth:`forget`), and an account's version is the one its update set."""
        for key in saved.accounts:
            self.accounts[key] = state.accounts[key]
            self.versions[key] = self.versions.get(key, 0) + 1  # new: inserted as 1
        for key in saved.orders:
            self.orders[key] = state.orders[key]
        for key in saved.cases:
            self.cases[key] = state.cases[key]
        if saved.program:
            self._program = state.program

    def bumped(self, account_id: str) -> None:
        """The account's row was updated besides the engine (columns its value does not
        hold) with its version one up, as the ORM saves: the update over it expects that."""
        if account_id in self.versions:
            self.versions[account_id] += 1

    def forget(self, kind: str, key: str) -> None:
        """Read the record of `kind` (the change feed's word) `key` from the store again
        when next asked: something besides the engine wrote it in this transaction."""
        if kind == "account":
            self.accounts.pop(key, None)
            self.versions.pop(key, None)
            self.has_discount.discard(key)
        elif kind == "order":
            self.orders.pop(key, None)
            self.order_beside.pop(key, None)
        elif kind == "abuse_case":
            self.cases.pop(key, None)
        elif kind == "program":
            self._program = None
        elif kind in ("lot", "discount"):  # part of an account's value: all read again
            self.accounts.clear()
            self.versions.clear()
            self.has_discount.clear()

    def state_of(self, *account_ids: str) -> State:
        accounts = {}
        for account_id in account_ids:
            acc = self.account(account_id)
            if acc is not None:
                accounts[account_id] = acc
        return State(self.program(), accounts, {}, {})


# --------------------------------------------------------------------------- saving


def _ensure_parents(conn: Connection, acc: Account) -> None:
    """A new account's organisation and billing account, created with their ids as names
    where the shop's registration did not bring them first."""
    if conn.execute(_ORGANISATION_QUERY, {"org": acc.org}).first() is None:
        conn.execute(insert(ORGANISATIONS), {"id": acc.org, "name": acc.org})
    if conn.execute(_BILLING_QUERY, {"billing": acc.billing}).first() is None:
        conn.execute(insert(BILLING), {"id": acc.billing, "organisation_id": acc.org,
                                       "name": acc.billing})


def _update_account(conn: Connection, acc: Account, version: int) -> None:
    """Save an account over the version this transaction read, or fail (StaleState)."""
    done = conn.execute(_UPDATE_ACCOUNT, {"k_id": acc.id, "k_version": version,
                                          "version": version + 1, **_account_values(acc)})
    if done.rowcount != 1:
        raise StaleState(f"account {acc.id} was changed by someone else meanwhile")


@dataclass(frozen=True, slots=True)
class Saved:
    """Which stored values one action changed: what the server's change feed carries."""

    accounts: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()
    orders: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    discounts: tuple[str, ...] = ()
    program: bool = False
    #: the lots written (new or changed), as saved, in the order of `lots`
    lot_values: tuple[Lot, ...] = ()


def _changed(now: Mapping[str, _T],
             loaded: Mapping[str, _T | None]) -> Iterator[tuple[str, _T, _T | None]]:
    """The values the engine changed, each with the one loaded (None: new). The engine
    never mutates what it was given, so "changed" is "not the object that was loaded"."""
    for key, value in now.items():
        before = loaded.get(key)
        if value is not before:
            yield key, value, before


def save(session: Session, lookup: StoreLookup, state: State, written: Written) -> Saved:
    """Write back what the engine changed (new objects only) and what it wrote."""
    conn = lookup.conn
    changed_accounts: list[str] = []
    discounts: list[str] = []
    program_changed = False
    if lookup._program is not None and state.program is not lookup._program:
        conn.execute(_UPDATE_PROGRAM.values(version=PROGRAM.c.version + 1),
                     {"launch": state.program.launch, "ended_at": state.program.ended_at})
        program_changed = True

    new_lots: list[dict[str, Any]] = []
    changed_lots: list[dict[str, Any]] = []
    new_values: list[Lot] = []
    changed_values: list[Lot] = []
    for account_id, acc, loaded in _changed(state.accounts, lookup.accounts):
        changed_accounts.append(account_id)
        if loaded is None:
            _ensure_parents(conn, acc)
            conn.execute(insert(ACCOUNTS), {
                "id": acc.id, "organisation_id": acc.org, "billing_account_id": acc.billing,
                "email_key": acc.email.casefold(), "registered_at": acc.registered_at,
                "name": "", "language": "de", "version": 1, **_account_values(acc)})
            unchanged: set[int] = set()
        else:
            _update_account(conn, acc, lookup.versions[account_id])
            unchanged = {id(lot) for lot in loaded.lots}
        if _save_discount(conn, lookup, acc):
            discounts.append(account_id)
        for lot in acc.lots:
            if id(lot) in unchanged:
                continue
            known = loaded is not None and any(old.id == lot.id for old in loaded.lots)
            (changed_lots if known else new_lots).append(_lot_values(lot))
            (changed_values if known else new_values).append(lot)
    if new_lots:
        conn.execute(insert(LOTS), new_lots)
    if changed_lots:
        conn.execute(_UPDATE_LOT, [{**values, "k_id": values["id"]} for values in changed_lots])

    orders: list[str] = []
    for order_id, order, loaded_order in _changed(state.orders, lookup.orders):
        orders.append(order_id)
        values = order_values(order)
        if loaded_order is None:
            conn.execute(insert(ORDERS), values)
        else:
            conn.execute(_UPDATE_ORDER, {**values, "k_id": order_id})

    cases: list[str] = []
    for case_id, case, loaded_case in _changed(state.cases, lookup.cases):
        cases.append(case_id)
        if loaded_case is None:
            conn.execute(insert(ABUSE_CASES), {
                "id": case.id, "invitee_id": case.invitee, "opened_at": case.opened_at,
                "opened_by": case.opened_by, "status": case.status, "reason": "",
                "version": 1})
            conn.execute(insert(ABUSE_ACCOUNTS), [
                {"case_id": case.id, "account_id": a, "position": i}
                for i, a in enumerate(case.accounts)])
        else:
            conn.execute(_UPDATE_CASE.values(version=ABUSE_CASES.c.version + 1),
                         {"k_id": case_id, "status": case.status})

    _write(conn, written)
    return Saved(tuple(changed_accounts),
                 tuple(v["id"] for v in new_lots) + tuple(v["id"] for v in changed_lots),
                 tuple(orders), tuple(cases), tuple(discounts), program_changed,
                 tuple(new_values) + tuple(changed_values))


def _save_discount(conn: Connection, lookup: StoreLookup, acc: Account) -> bool:
    """Save the account's discount code if it has one (whether or not it changed)."""
    d = acc.discount
    if d is None:
        return False
    values = {"registered_at": d.registered_at, "valid_until": d.valid_until,
              "used_on": d.used_on, "voided": d.voided}
    if acc.id in lookup.has_discount:
        conn.execute(_UPDATE_DISCOUNT, {**values, "k_id": acc.id})
    else:
        conn.execute(insert(DISCOUNTS), {"account_id": acc.id,
                                         "code": discount_code_for(acc.id), **values})
        lookup.has_discount.add(acc.id)
    return True


def _write(conn: Connection, written: Written) -> None:
    if written.entries:
        conn.execute(insert(ENTRIES), [
            {"id": e.id, "account_id": e.account, "seq": _seq(e.id, "/E"), "at": e.at,
             "type": e.type, "points": e.points, "source_kind": e.source.kind,
             "source_ref": e.source.ref, "note": e.note} for e in written.entries])
        allocations = [{"entry_id": e.id, "seq": i, "lot_id": a.lot, "points": a.points}
                       for e in written.entries for i, a in enumerate(e.allocations)]
        if allocations:
            conn.execute(insert(ALLOCATIONS), allocations)
    if written.notices:
        conn.execute(insert(NOTICES), [
            {"id": n.id, "account_id": n.account, "seq": _seq(n.id, "/N"), "kind": n.kind,
             "sent_at": n.sent_at, "entry_id": n.entry, "points": n.points,
             "balance": n.balance} for n in written.notices])
        figures = [{"notice_id": n.id, "seq": i, "lot_id": f.lot, "remaining": f.remaining,
                    "usable_until": f.usable_until}
                   for n in written.notices for i, f in enumerate(n.lots)]
        if figures:
            conn.execute(insert(NOTICE_LOTS), figures)
    if written.claims:
        conn.execute(insert(CLAIMS), [
            {"account_id": c.account, "at": c.at, "amount": c.amount,
             "source_kind": c.source.kind, "source_ref": c.source.ref, "reason": c.reason,
             "state": ClaimState.OPEN, "version": 1} for c in written.claims])
    if written.events:
        conn.execute(insert(EVENTS), [
            {"account_id": ev.account, "at": ev.at, "code": ev.code, "message": ev.message}
            for ev in written.events])


# --------------------------------------------------------------------------- the API


def apply_in(session: Session, action: Action) -> Written:
    """Apply one action inside the caller's transaction (the server adds its own records
    to the same transaction). On a refusal nothing is written and the refusal is raised."""
    return apply_saving(session, action)[0]


def apply_saving(session: Session, action: Action,
                 lookup: StoreLookup | None = None) -> tuple[Written, Saved]:
    """As :func:`apply_in`, also saying which stored values changed. `lookup`: the
    transaction's own, kept across its actions (it then holds what this one saved),
    else one for this action alone."""
    if lookup is None:
        lookup = StoreLookup(session)
    program = lookup.program()
    outcome = apply(needs(action, lookup).state(program, lookup), action)
    saved = save(session, lookup, outcome.state, outcome.written)
    lookup.took(outcome.state, saved)
    return outcome.written, saved


class Ledger:
    """The engine over a store, one transaction an action: what the conformance runner,
    the server and the demo generator drive."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _read(self, ask: Callable[[StoreLookup], _T]) -> _T:
        """`ask` of a lookup over a transaction of its own."""
        with self.store.session() as session:
            return ask(StoreLookup(session))

    def _of_account(self, model: Any, account_id: str, order: Any,
                    value: Callable[[Any], _T], *load: Any) -> list[_T]:
        """`value` of each of the account's rows of `model`, in `order` (with the eager
        loads `load`), read in a transaction of its own."""
        with self.store.session() as session:
            rows = session.scalars(select(model).where(model.account_id == account_id)
                                   .options(*load).order_by(order)).all()
            return [value(r) for r in rows]

    def run(self, action: Action) -> Written:
        with self.store.session() as session:
            return apply_in(session, action)

    # Lookup, each read in a transaction of its own
    def account(self, account_id: str) -> Account | None:
        return self._read(lambda lookup: lookup.account(account_id))

    def order(self, order_id: str) -> Order | None:
        return self._read(lambda lookup: lookup.order(order_id))

    def case(self, case_id: str) -> AbuseCase | None:
        return self._read(lambda lookup: lookup.case(case_id))

    def state_of(self, *account_ids: str) -> State:
        return self._read(lambda lookup: lookup.state_of(*account_ids))

    def entries_of(self, account_id: str) -> list[Entry]:
        return self._of_account(LedgerEntry, account_id, LedgerEntry.seq, _entry,
                                selectinload(LedgerEntry.allocations))

    def notices_of(self, account_id: str) -> list[Notice]:
        return self._of_account(NoticeRow, account_id, NoticeRow.seq, _notice,
                                selectinload(NoticeRow.lots))

    def claims_of(self, account_id: str) -> list[Claim]:
        return self._of_account(ClaimRow, account_id, ClaimRow.id, _claim)

    def events(self) -> list[Event]:
        with self.store.session() as session:
            rows = session.scalars(select(EngineEvent).order_by(EngineEvent.id)).all()
            return [Event(r.account_id, r.at, r.code, r.message) for r in rows]

__all__ = ["Ledger", "StoreLookup", "apply_in", "discount_code_for", "save"]
