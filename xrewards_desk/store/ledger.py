"""The rules engine's state in the store: load what an action touches, apply it through
:mod:`xrewards_desk.domain`, save what it wrote, all in one transaction.

No action replays a history (ARCHITECTURE.md, "State without replay"): ``needs()`` names
the accounts, orders and abuse cases an action reads, :class:`StoreLookup` loads just
those as the engine's plain values, and :func:`save` writes back only what the engine
changed. The engine never mutates what it was given (copy-on-write), so "changed" is
simply "not the object that was loaded".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
    AbuseCaseAccount,
    AbuseCaseRow,
    AccountRow,
    BillingAccount,
    ClaimRow,
    DiscountCode,
    EngineEvent,
    LedgerEntry,
    LotAllocation,
    LotRow,
    NoticeLot,
    NoticeRow,
    OrderRow,
    Organisation,
    ProgramRow,
)

PROGRAM_ROW = 1


def _seq(record_id: str, marker: str) -> int:
    """The number in an engine id such as ``XR-1/E12`` (marker ``/E``)."""
    return int(record_id.rpartition(marker)[2])


def discount_code_for(account_id: str) -> str:
    """The invitee's discount code (R18); one per account, so derived from its id."""
    return f"R10-{account_id}"


# --------------------------------------------------------------------------- rows to values


def _lot(row: LotRow) -> Lot:
    return Lot(row.id, row.account_id, row.seq, row.credited_at, row.usable_until,
               row.expires_at, row.points, row.remaining, Source(row.source_kind, row.source_ref),
               row.root, row.parent, row.redeemed,
               tuple((str(a), str(lot)) for a, lot in row.transferred), row.void_claimant)


def _account(row: AccountRow, lots: Iterable[LotRow], discount: DiscountCode | None,
             open_cases: Iterable[str]) -> Account:
    return Account(
        id=row.id, org=row.organisation_id, billing=row.billing_account_id, email=row.email,
        registered_at=row.registered_at, status=row.status, status_at=row.status_at,
        spend=row.spend, debt=row.debt,
        lots=sorted((_lot(r) for r in lots), key=Lot.sort_key),
        next_lot=row.next_lot, next_entry=row.next_entry, next_notice=row.next_notice,
        referred_by=row.referred_by, referral_void=row.referral_void,
        discount=None if discount is None else Discount(
            discount.valid_until, discount.registered_at, discount.used_on, discount.voided),
        has_completed_order=row.has_completed_order, first_order=row.first_order,
        first_order_candidates=tuple(row.first_order_candidates),
        open_cases=frozenset(open_cases), claims=row.claims_total,
    )


def _order(row: OrderRow) -> Order:
    return Order(
        row.id, row.account_id, row.placed_at, row.net, row.discount, row.cancelled,
        row.redeemed, tuple(Allocation(str(lot), int(points)) for lot, points in row.redemption),
        row.paid_at, row.delivered_at, row.completed_at, row.earning, row.rate, row.credited,
        row.lot_id, row.spend_added, row.bonus_account, row.bonus_lot, row.bonus_credited)


def _case(row: AbuseCaseRow) -> AbuseCase:
    return AbuseCase(row.id, tuple(a.account_id for a in row.accounts), row.opened_at,
                     row.opened_by, row.invitee_id, row.status)


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


def _set_account(row: AccountRow, acc: Account) -> None:
    row.email = acc.email
    row.status = acc.status
    row.status_at = acc.status_at
    row.spend = acc.spend
    row.debt = acc.debt
    row.claims_total = acc.claims
    row.next_lot = acc.next_lot
    row.next_entry = acc.next_entry
    row.next_notice = acc.next_notice
    row.referred_by = acc.referred_by
    row.referral_void = acc.referral_void
    row.has_completed_order = acc.has_completed_order
    row.first_order = acc.first_order
    row.first_order_candidates = list(acc.first_order_candidates)


def _set_lot(row: LotRow, lot: Lot) -> None:
    row.account_id = lot.account
    row.seq = lot.seq
    row.credited_at = lot.credited_at
    row.usable_until = lot.usable_until
    row.expires_at = lot.expires_at
    row.points = lot.points
    row.remaining = lot.remaining
    row.source_kind = lot.source.kind
    row.source_ref = lot.source.ref
    row.root = lot.root
    row.parent = lot.parent
    row.redeemed = lot.redeemed
    row.transferred = [list(piece) for piece in lot.transferred]
    row.void_claimant = lot.void_claimant


def _set_order(row: OrderRow, order: Order) -> None:
    row.account_id = order.account
    row.placed_at = order.placed_at
    row.net = order.net
    row.discount = order.discount
    row.cancelled = order.cancelled
    row.redeemed = order.redeemed
    row.redemption = [[a.lot, a.points] for a in order.redemption]
    row.paid_at = order.paid_at
    row.delivered_at = order.delivered_at
    row.completed_at = order.completed_at
    row.earning = order.earning
    row.rate = order.rate
    row.credited = order.credited
    row.lot_id = order.lot
    row.spend_added = order.spend_added
    row.bonus_account = order.bonus_account
    row.bonus_lot = order.bonus_lot
    row.bonus_credited = order.bonus_credited


# --------------------------------------------------------------------------- loading


class StoreLookup:
    """The engine's :class:`~xrewards_desk.domain.engine.Lookup` over one session.

    Each value is loaded once per transaction; the loaded objects and their rows are kept
    so that :func:`save` can tell what the engine changed (it clones before writing)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.accounts: dict[str, Account | None] = {}
        self.account_rows: dict[str, AccountRow] = {}
        self.lot_rows: dict[str, LotRow] = {}
        self.discount_rows: dict[str, DiscountCode] = {}
        self.orders: dict[str, Order | None] = {}
        self.order_rows: dict[str, OrderRow] = {}
        self.cases: dict[str, AbuseCase | None] = {}
        self.case_rows: dict[str, AbuseCaseRow] = {}
        self._program: tuple[Program, ProgramRow] | None = None

    def program(self) -> Program:
        if self._program is None:
            row = self.session.get(ProgramRow, PROGRAM_ROW)
            if row is None:
                row = ProgramRow(id=PROGRAM_ROW, launch=LAUNCH, ended_at=None)
                self.session.add(row)
            self._program = (Program(row.launch, row.ended_at), row)
        return self._program[0]

    def account(self, account_id: str) -> Account | None:
        if account_id in self.accounts:
            return self.accounts[account_id]
        row = self.session.get(AccountRow, account_id)
        acc = None
        if row is not None:
            lots = self.session.scalars(
                select(LotRow).where(LotRow.account_id == account_id)).all()
            discount = self.session.get(DiscountCode, account_id)
            open_cases = self.session.scalars(
                select(AbuseCaseAccount.case_id)
                .join(AbuseCaseRow, AbuseCaseRow.id == AbuseCaseAccount.case_id)
                .where(AbuseCaseAccount.account_id == account_id,
                       AbuseCaseRow.status == CaseStatus.OPEN)).all()
            acc = _account(row, lots, discount, open_cases)
            self.account_rows[account_id] = row
            self.lot_rows.update((r.id, r) for r in lots)
            if discount is not None:
                self.discount_rows[account_id] = discount
        self.accounts[account_id] = acc
        return acc

    def order(self, order_id: str) -> Order | None:
        if order_id not in self.orders:
            row = self.session.get(OrderRow, order_id)
            if row is not None:
                self.order_rows[order_id] = row
            self.orders[order_id] = None if row is None else _order(row)
        return self.orders[order_id]

    def case(self, case_id: str) -> AbuseCase | None:
        if case_id not in self.cases:
            row = self.session.get(AbuseCaseRow, case_id)
            if row is not None:
                self.case_rows[case_id] = row
            self.cases[case_id] = None if row is None else _case(row)
        return self.cases[case_id]

    def state_of(self, *account_ids: str) -> State:
        accounts = {}
        for account_id in account_ids:
            acc = self.account(account_id)
            if acc is not None:
                accounts[account_id] = acc
        return State(self.program(), accounts, {}, {})


# --------------------------------------------------------------------------- saving


def _ensure_parents(session: Session, acc: Account) -> None:
    """A new account's organisation and billing account, created with their ids as names
    where the shop's registration did not bring them first."""
    if session.get(Organisation, acc.org) is None:
        session.add(Organisation(id=acc.org, name=acc.org))
        session.flush()
    if session.get(BillingAccount, acc.billing) is None:
        session.add(BillingAccount(id=acc.billing, organisation_id=acc.org, name=acc.billing))
        session.flush()


def save(session: Session, lookup: StoreLookup, state: State, written: Written) -> None:
    """Write back what the engine changed (new objects only) and what it wrote."""
    program, program_row = lookup._program or (None, None)
    if program_row is not None and state.program is not program:
        program_row.launch = state.program.launch
        program_row.ended_at = state.program.ended_at

    new_accounts = []
    for account_id, acc in state.accounts.items():
        if acc is lookup.accounts.get(account_id):
            continue
        row = lookup.account_rows.get(account_id)
        if row is None:
            _ensure_parents(session, acc)
            row = AccountRow(id=acc.id, organisation_id=acc.org,
                             billing_account_id=acc.billing, email=acc.email,
                             email_key=acc.email.casefold(), registered_at=acc.registered_at,
                             name="")
            session.add(row)
            lookup.account_rows[account_id] = row
            new_accounts.append(row)
        _set_account(row, acc)
    if new_accounts:
        session.flush()  # accounts before what refers to them (PostgreSQL checks at once)

    for account_id, acc in state.accounts.items():
        loaded = lookup.accounts.get(account_id)
        if acc is loaded:
            continue
        _save_discount(session, lookup, acc)
        unchanged = {id(lot) for lot in loaded.lots} if loaded is not None else set()
        for lot in acc.lots:
            if id(lot) in unchanged:
                continue
            lot_row = lookup.lot_rows.get(lot.id)
            if lot_row is None:
                lot_row = LotRow(id=lot.id)
                session.add(lot_row)
                lookup.lot_rows[lot.id] = lot_row
            _set_lot(lot_row, lot)

    for order_id, order in state.orders.items():
        if order is lookup.orders.get(order_id):
            continue
        order_row = lookup.order_rows.get(order_id)
        if order_row is None:
            order_row = OrderRow(id=order.id)
            session.add(order_row)
            lookup.order_rows[order_id] = order_row
        _set_order(order_row, order)

    for case_id, case in state.cases.items():
        if case is lookup.cases.get(case_id):
            continue
        case_row = lookup.case_rows.get(case_id)
        if case_row is None:
            case_row = AbuseCaseRow(
                id=case.id, invitee_id=case.invitee, opened_at=case.opened_at,
                opened_by=case.opened_by, status=case.status,
                accounts=[AbuseCaseAccount(account_id=a, position=i)
                          for i, a in enumerate(case.accounts)])
            session.add(case_row)
            lookup.case_rows[case_id] = case_row
        case_row.status = case.status
    session.flush()  # lots and orders before the entries that cite them

    _write(session, written)


def _save_discount(session: Session, lookup: StoreLookup, acc: Account) -> None:
    d = acc.discount
    if d is None:
        return
    row = lookup.discount_rows.get(acc.id)
    if row is None:
        row = DiscountCode(account_id=acc.id, code=discount_code_for(acc.id))
        session.add(row)
        lookup.discount_rows[acc.id] = row
    row.registered_at = d.registered_at
    row.valid_until = d.valid_until
    row.used_on = d.used_on
    row.voided = d.voided


def _write(session: Session, written: Written) -> None:
    for e in written.entries:
        session.add(LedgerEntry(
            id=e.id, account_id=e.account, seq=_seq(e.id, "/E"), at=e.at, type=e.type,
            points=e.points, source_kind=e.source.kind, source_ref=e.source.ref, note=e.note,
            allocations=[LotAllocation(seq=i, lot_id=a.lot, points=a.points)
                         for i, a in enumerate(e.allocations)]))
    if written.entries:
        session.flush()  # entries before the notices that cite them
    for n in written.notices:
        session.add(NoticeRow(
            id=n.id, account_id=n.account, seq=_seq(n.id, "/N"), kind=n.kind,
            sent_at=n.sent_at, entry_id=n.entry, points=n.points, balance=n.balance,
            lots=[NoticeLot(seq=i, lot_id=f.lot, remaining=f.remaining,
                            usable_until=f.usable_until) for i, f in enumerate(n.lots)]))
    for c in written.claims:
        session.add(ClaimRow(account_id=c.account, at=c.at, amount=c.amount,
                             source_kind=c.source.kind, source_ref=c.source.ref,
                             reason=c.reason))
    for ev in written.events:
        session.add(EngineEvent(account_id=ev.account, at=ev.at, code=ev.code,
                                message=ev.message))
    session.flush()


# --------------------------------------------------------------------------- the API


def apply_in(session: Session, action: Action) -> Written:
    """Apply one action inside the caller's transaction (the server adds its own records
    to the same transaction). On a refusal nothing is written and the refusal is raised."""
    lookup = StoreLookup(session)
    program = lookup.program()
    outcome = apply(needs(action, lookup).state(program, lookup), action)
    save(session, lookup, outcome.state, outcome.written)
    return outcome.written


class Ledger:
    """The engine over a store, one transaction an action: what the conformance runner,
    the server and the demo generator drive."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def _reading(self) -> Iterator[StoreLookup]:
        with self.store.session() as session:
            yield StoreLookup(session)

    def run(self, action: Action) -> Written:
        with self.store.session() as session:
            return apply_in(session, action)

    # Lookup, each read in a transaction of its own
    def account(self, account_id: str) -> Account | None:
        with self._reading() as lookup:
            return lookup.account(account_id)

    def order(self, order_id: str) -> Order | None:
        with self._reading() as lookup:
            return lookup.order(order_id)

    def case(self, case_id: str) -> AbuseCase | None:
        with self._reading() as lookup:
            return lookup.case(case_id)

    def state_of(self, *account_ids: str) -> State:
        with self._reading() as lookup:
            return lookup.state_of(*account_ids)

    def entries_of(self, account_id: str) -> list[Entry]:
        with self.store.session() as session:
            rows = session.scalars(select(LedgerEntry).where(LedgerEntry.account_id == account_id)
                                   .options(selectinload(LedgerEntry.allocations))
                                   .order_by(LedgerEntry.seq)).all()
            return [_entry(r) for r in rows]

    def notices_of(self, account_id: str) -> list[Notice]:
        with self.store.session() as session:
            rows = session.scalars(select(NoticeRow).where(NoticeRow.account_id == account_id)
                                   .options(selectinload(NoticeRow.lots))
                                   .order_by(NoticeRow.seq)).all()
            return [_notice(r) for r in rows]

    def claims_of(self, account_id: str) -> list[Claim]:
        with self.store.session() as session:
            rows = session.scalars(select(ClaimRow).where(ClaimRow.account_id == account_id)
                                   .order_by(ClaimRow.id)).all()
            return [_claim(r) for r in rows]

    def events(self) -> list[Event]:
        with self.store.session() as session:
            rows = session.scalars(select(EngineEvent).order_by(EngineEvent.id)).all()
            return [Event(r.account_id, r.at, r.code, r.message) for r in rows]


__all__ = ["Ledger", "StoreLookup", "apply_in", "discount_code_for", "save"]
