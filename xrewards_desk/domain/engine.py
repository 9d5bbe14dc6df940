"""The rules engine: ``apply(state, action)`` returns the new state and what it wrote.

The state holds only the accounts an action touches (see :func:`needs`), so no action
replays a history. The input state is never modified: accounts, lots and orders are
cloned before they are written (copy on write), so a refused action changes nothing and
a preview is an apply whose outcome is not saved.

Expiry is lazy and exact: before an action at ``t`` touches an account, every lot that
expired at or before ``t`` is written off with an ``expiry`` entry dated at its own expiry
instant (R10); after the action, a lot that received points while already expired (R14)
expires again at ``t``.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, TypeVar

from . import actions as act
from .calendar import (
    berlin_date,
    discount_valid_at,
    discount_valid_until,
    end_of_day_exclusive,
    lot_expiry,
    objection_deadline,
    objection_in_time,
    require_aware,
    terms_objection_deadline,
    usable_until,
)
from .model import (
    ADJUSTMENT_APPROVAL_ABOVE,
    NOTICE_FOR,
    RATE,
    REFERRAL_BONUS,
    AbuseCase,
    Account,
    Actor,
    Allocation,
    CaseStatus,
    Claim,
    ClosedBy,
    Discount,
    Entry,
    EntryType,
    Event,
    Lot,
    LotFigure,
    Notice,
    Order,
    Program,
    Source,
    SourceKind,
    State,
    Status,
    Tier,
    TransferReason,
    counted_adjustments,
    tier_for,
)
from .money import ZERO, discount_value, discounted, max_points_for, points_for, points_value
from .permissions import may
from .refusals import Code, Refusal


class MissingState(LookupError):
    """The caller did not load an account, order or case the action needs (a bug, not a rule)."""


@dataclass(frozen=True, slots=True)
class Written:
    """What one action wrote, in the order it was written."""

    entries: tuple[Entry, ...] = ()
    lots: tuple[Lot, ...] = ()
    notices: tuple[Notice, ...] = ()
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    state: State
    written: Written


# --------------------------------------------------------------------------- the transaction

_Value = TypeVar("_Value", Account, Order, AbuseCase)


def _for_write(mine: dict[str, _Value], theirs: dict[str, _Value], key: str,
               what: str) -> _Value:
    """The transaction's own copy of a loaded value, cloned on its first write."""
    value = mine.get(key)
    if value is None:
        loaded = theirs.get(key)
        if loaded is None:
            raise MissingState(f"{what} {key} was not loaded")
        value = loaded.clone()
        mine[key] = value
    return value



class _Tx:
    """One action's working copy: clones what it writes, records what it wrote."""

    def __init__(self, state: State, at: datetime) -> None:
        self.base = state
        self.at = require_aware(at)
        self.program = state.program
        self.accounts: dict[str, Account] = {}
        self.orders: dict[str, Order] = {}
        self.cases: dict[str, AbuseCase] = {}
        self.fresh: set[int] = set()
        self.entries: list[Entry] = []
        self.lots: list[Lot] = []
        self.notices: list[Notice] = []
        self.claims: list[Claim] = []
        self.events: list[Event] = []
        self.refunded = False
        # Every read and write is as of `at`: expiries due by then are written first (R10).
        for account_id in state.accounts:
            self.advance(account_id)

    # reading -----------------------------------------------------------------
    def peek(self, account_id: str) -> Account | None:
        acc = self.accounts.get(account_id)
        return acc if acc is not None else self.base.accounts.get(account_id)

    def known(self, account_id: str) -> Account:
        acc = self.peek(account_id)
        if acc is None:
            raise Refusal(Code.UNKNOWN_ACCOUNT, account=account_id)
        return acc

    def peek_order(self, order_id: str) -> Order | None:
        order = self.orders.get(order_id)
        return order if order is not None else self.base.orders.get(order_id)

    def peek_case(self, case_id: str) -> AbuseCase | None:
        case = self.cases.get(case_id)
        return case if case is not None else self.base.cases.get(case_id)

    # writing -----------------------------------------------------------------
    def account(self, account_id: str) -> Account:
        return _for_write(self.accounts, self.base.accounts, account_id, "account")

    def order(self, order_id: str) -> Order:
        return _for_write(self.orders, self.base.orders, order_id, "order")

    def case(self, case_id: str) -> AbuseCase:
        return _for_write(self.cases, self.base.cases, case_id, "case")

    def lot_at(self, acc: Account, index: int) -> Lot:
        """The lot at `index`, cloned once for writing."""
        lot = acc.lots[index]
        if id(lot) not in self.fresh:
            lot = lot.clone()
            acc.lots[index] = lot
            self.fresh.add(id(lot))
        return lot

    def lot(self, acc: Account, lot_id: str) -> Lot:
        for index, lot in enumerate(acc.lots):
            if lot.id == lot_id:
                return self.lot_at(acc, index)
        raise MissingState(f"lot {lot_id} is not in account {acc.id}")

    def outcome(self) -> Outcome:
        base = self.base
        state = State(
            program=self.program,
            accounts={**base.accounts, **self.accounts} if self.accounts else base.accounts,
            orders={**base.orders, **self.orders} if self.orders else base.orders,
            cases={**base.cases, **self.cases} if self.cases else base.cases,
        )
        return Outcome(state, Written(tuple(self.entries), tuple(self.lots),
                                      tuple(self.notices), tuple(self.claims),
                                      tuple(self.events)))

    # movements ---------------------------------------------------------------
    def entry(self, acc: Account, kind: EntryType, points: int, source: Source,
              allocations: Iterable[Allocation], at: datetime | None = None,
              note: str = "") -> Entry:
        when = self.at if at is None else at
        entry = Entry(f"{acc.id}/E{acc.next_entry}", acc.id, when, kind, points, source,
                      tuple(allocations), note)
        acc.next_entry += 1
        self.entries.append(entry)
        notice_kind = NOTICE_FOR[kind]
        if notice_kind is not None:
            figures = []
            held = 0
            for lot in acc.lots:
                if lot.remaining > 0:
                    held += lot.remaining
                    figures.append(LotFigure(lot.id, lot.remaining, lot.usable_until))
            notice = Notice(f"{acc.id}/N{acc.next_notice}", acc.id, notice_kind, when,
                            entry.id, points, held - acc.debt, tuple(figures))
            acc.next_notice += 1
            self.notices.append(notice)
        return entry

    def new_lot(self, acc: Account, points: int, source: Source,
                credited_at: datetime | None = None, until: date | None = None,
                expires_at: datetime | None = None, root: str | None = None,
                parent: str | None = None) -> Lot:
        credited = self.at if credited_at is None else credited_at
        lot_id = f"{acc.id}/L{acc.next_lot}"
        lot = Lot(
            lot_id, acc.id, acc.next_lot, credited,
            usable_until(credited) if until is None else until,
            lot_expiry(credited) if expires_at is None else expires_at,
            points, points, source, lot_id if root is None else root, parent,
        )
        acc.next_lot += 1
        self.fresh.add(id(lot))
        insort(acc.lots, lot, key=Lot.sort_key)
        self.lots.append(lot)
        return lot

    def pay_debt(self, acc: Account, lot: Lot) -> None:
        """R11: a credit pays off debt first; those points count as redeemed (R22)."""
        paid = min(acc.debt, lot.remaining)
        if paid:
            acc.debt -= paid
            lot.remaining -= paid
            lot.redeemed += paid

    def credit(self, acc: Account, kind: EntryType, points: int, source: Source,
               note: str = "") -> Lot:
        """A credit (R9): a new lot, debt paid first (R11), its entry and notice."""
        lot = self.new_lot(acc, points, source)
        self.pay_debt(acc, lot)
        self.entry(acc, kind, points, source, (Allocation(lot.id, points),), note=note)
        return lot

    def take(self, acc: Account, points: int, first: str | None = None,
             redeem: bool = False) -> tuple[list[Allocation], int]:
        """Take points first-in first-out (R13), from `first` before the others (R15).

        Returns the allocations and what could not be taken.
        """
        allocations: list[Allocation] = []
        need = points
        indices: list[int] = list(range(len(acc.lots)))
        if first is not None:
            for i, lot in enumerate(acc.lots):
                if lot.id == first:
                    indices.remove(i)
                    indices.insert(0, i)
                    break
        for i in indices:
            if need == 0:
                break
            if acc.lots[i].remaining <= 0:
                continue
            lot = self.lot_at(acc, i)
            k = min(need, lot.remaining)
            lot.remaining -= k
            if redeem:
                lot.redeemed += k
            allocations.append(Allocation(lot.id, k))
            need -= k
        return allocations, need

    def take_back(self, acc: Account, points: int, own_lot: str | None, source: Source,
                  note: str = "") -> None:
        """R15/R16: a reversal: the own lot first, then FIFO, the rest becomes debt."""
        allocations, short = self.take(acc, points, first=own_lot)
        acc.debt += short
        self.entry(acc, EntryType.REVERSAL, -points, source, allocations, note=note)

    # time --------------------------------------------------------------------
    def window_end(self, acc: Account) -> datetime | None:
        """R23: when everything left expires after a termination or the program's end."""
        ends = [e for e in (acc.redemption_window_end(), self.program.redemption_window_end())
                if e is not None]
        return min(ends) if ends else None

    def due(self, acc: Account, t: datetime) -> list[tuple[datetime, int]]:
        """The lots with points left whose expiry (R9) or window end (R23) is at or before t."""
        if acc.status is Status.ACTIVE and self.program.ended_at is None:
            # lots are kept in credit order and expiry follows the credit date (R9, R20)
            found: list[tuple[datetime, int]] = []
            for i, lot in enumerate(acc.lots):
                if lot.expires_at > t:
                    break
                if lot.remaining > 0:
                    found.append((lot.expires_at, i))
            return found
        window = self.window_end(acc) if acc.status in (Status.ACTIVE, Status.TERMINATED) else None
        due: list[tuple[datetime, int]] = []
        for i, lot in enumerate(acc.lots):
            if lot.remaining <= 0:
                continue
            when = lot.expires_at if window is None or lot.expires_at < window else window
            # a lot credited after the window closed (an adjustment) expires at once, at
            # its credit, never before it
            when = max(when, lot.credited_at)
            if when <= t:
                due.append((when, i))
        return due

    def advance(self, account_id: str) -> None:
        """R10: write the expiries that fell due at or before now, at their own instants."""
        acc = self.peek(account_id)
        if acc is None:
            return
        takes_effect = acc.terminates_at()
        if takes_effect is not None and takes_effect <= self.at:
            # R23: the provider's notice takes effect at the start of the day after its
            # effective date, written when time passes, like an expiry
            acc = self.account(account_id)
            acc.status = Status.TERMINATED
            acc.status_at = takes_effect
        due = self.due(acc, self.at)
        if not due:
            return
        acc = self.account(account_id)
        due.sort(key=lambda d: (d[0], acc.lots[d[1]].sort_key()))
        for when, i in due:
            self.expire(acc, i, min(when, self.at))

    def expire(self, acc: Account, index: int, at: datetime) -> None:
        lot = self.lot_at(acc, index)
        left = lot.remaining
        lot.remaining = 0
        self.entry(acc, EntryType.EXPIRY, -left, Source(SourceKind.EXPIRY, lot.id),
                   (Allocation(lot.id, left),), at=at)

    def settle(self) -> None:
        """After an action: points returned to an expired lot expire again at once (R14),
        and points returned to a closed account are forfeited at once (R23). Only a refund
        returns points to a lot that may be expired or to an account that is not active."""
        if not self.refunded:
            return
        for acc in list(self.accounts.values()):
            if acc.status in (Status.CLOSED, Status.TERMINATED_FOR_CAUSE):
                self.forfeit(acc, Source(SourceKind.CLOSING, acc.id))
                continue
            for _when, i in sorted(self.due(acc, self.at),
                                   key=lambda d: acc.lots[d[1]].sort_key()):
                self.expire(acc, i, self.at)

    def forfeit(self, acc: Account, source: Source) -> None:
        left = sum(lot.remaining for lot in acc.lots)
        if left <= 0:
            return
        allocations, _ = self.take(acc, left)
        self.entry(acc, EntryType.FORFEIT, -left, source, allocations)


# --------------------------------------------------------------------------- predicates


def may_earn(program: Program, acc: Account, at: datetime) -> bool:
    """R3/R23: only active accounts earn, and nothing is earned after the program ends."""
    return acc.status is Status.ACTIVE and not program.ended(at)


def may_redeem(program: Program, acc: Account, at: datetime) -> bool:
    """R3/R23: active accounts redeem; after a termination with notice or the program's end,
    only through the redemption window."""
    if acc.status is Status.ACTIVE:
        end = program.redemption_window_end()
        return end is None or at < end
    if acc.status is Status.TERMINATED:
        ends = [e for e in (acc.redemption_window_end(), program.redemption_window_end())
                if e is not None]
        return at < min(ends)
    return False


def may_place_orders(acc: Account) -> bool:
    """R3: closed accounts and those terminated for cause cannot place orders."""
    return acc.status in (Status.ACTIVE, Status.TERMINATED)


def refer_blocker(program: Program, acc: Account, at: datetime) -> str | None:
    """R17: why the account cannot refer at `at` ("program_ended", "not_active",
    "no_completed_order"), or None when it can: only active accounts refer, after their
    own first order completed, while the program runs."""
    if program.ended(at):
        return "program_ended"
    if acc.status is not Status.ACTIVE:
        return "not_active"
    if not acc.has_completed_order:
        return "no_completed_order"
    return None


def can_refer(program: Program, acc: Account, at: datetime) -> bool:
    """R17: only active accounts refer, after their own first order completed, while the
    program runs."""
    return refer_blocker(program, acc, at) is None


def discount_status(acc: Account, at: datetime) -> str | None:
    """R18: why the account's code cannot be used on a new order now, or None if it can."""
    d = acc.discount
    if d is None or d.voided:
        return "no code"
    if d.used_on is not None:
        return f"already used on order {d.used_on}"
    if not discount_valid_at(d.registered_at, at):
        return f"expired after {d.valid_until.isoformat()}"
    if acc.first_order is not None or acc.first_order_candidates:
        return "it applies only to the first order"
    return None


_DISCOUNT_WHY_DE = {
    "no code": "kein Code",
    "it applies only to the first order": "er gilt nur für die erste Bestellung",
}


def _require(actor: Actor, command: str) -> None:
    """R27: refuse (`forbidden`) an actor whose role may not send `command` (the matrix
    of domain/permissions.py, the same the server and the desktop read)."""
    permission = may(actor.role, command)
    if not permission:
        raise Refusal(Code.FORBIDDEN, person=actor.name, role=actor.role or "no role",
                      what=permission.what, what_de=permission.what_de)


def _not_active(acc: Account, what: str, what_de: str) -> Refusal:
    return Refusal(Code.ACCOUNT_NOT_ACTIVE, account=acc.id, status=acc.status.value,
                   what=what, what_de=what_de)


def _invalid(why: str, why_de: str) -> Refusal:
    return Refusal(Code.INVALID_AMOUNT, why=why, why_de=why_de)


def _invalid_state(why: str, why_de: str) -> Refusal:
    return Refusal(Code.INVALID_STATE, why=why, why_de=why_de)


# --------------------------------------------------------------------------- registration


def _register(tx: _Tx, a: act.Register) -> None:
    _require(a.actor, "register")
    if tx.peek(a.account) is not None:
        raise Refusal(Code.ALREADY_EXISTS, what=f"Account {a.account}",
                      what_de=f"Das X-Konto {a.account}")
    for name, value in (("account", a.account), ("organisation", a.org),
                        ("billing account", a.billing)):
        if not value.strip():
            raise Refusal(Code.MALFORMED, why=f"the {name} is empty")
    acc = Account(a.account, a.org, a.billing, a.email, a.at)
    tx.accounts[acc.id] = acc
    if a.referred_by is not None:
        referrer = tx.peek(a.referred_by)
        if (referrer is None or referrer.id == acc.id
                or not can_refer(tx.program, referrer, a.at)):
            refusal = Refusal(Code.REFERRER_NOT_ELIGIBLE, referrer=a.referred_by)
            tx.events.append(Event(acc.id, a.at, Code.REFERRER_NOT_ELIGIBLE.value,
                                   refusal.message_en))
        else:
            acc.referred_by = referrer.id
            acc.discount = Discount(discount_valid_until(a.at), a.at)


# --------------------------------------------------------------------------- orders


def _place_order(tx: _Tx, a: act.PlaceOrder) -> None:
    _require(a.actor, "order_placed")
    if tx.peek_order(a.order) is not None:
        raise Refusal(Code.ALREADY_EXISTS, what=f"Order {a.order}",
                      what_de=f"Die Bestellung {a.order}")
    acc = tx.known(a.account)
    if not may_place_orders(acc):
        raise _not_active(acc, "place orders", "bestellen")
    if a.redeem is not None and not may_redeem(tx.program, acc, a.at):
        raise _not_active(acc, "redeem points", "X-Points einlösen")
    if a.use_discount:
        why = discount_status(acc, a.at)
        if why is not None:
            raise Refusal(Code.DISCOUNT_UNAVAILABLE, account=acc.id, why=why,
                          why_de=_DISCOUNT_WHY_DE.get(why, why))
    if a.net <= ZERO:
        raise _invalid(f"an order's net value must be above 0.00 EUR, not {a.net}",
                       f"der Nettowert muss über 0,00 EUR liegen, nicht {a.net}")
    if a.redeem is not None and a.redeem < 1:
        raise _invalid("at least 1 point must be redeemed",
                       "es muss mindestens 1 X-Point eingelöst werden")
    net_after = discounted(a.net) if a.use_discount else a.net
    redeem = a.redeem or 0
    if redeem and redeem > acc.balance:
        raise Refusal(Code.INSUFFICIENT_POINTS, account=acc.id, balance=acc.balance,
                      points=redeem)
    if redeem > max_points_for(net_after):
        raise Refusal(Code.EXCEEDS_ORDER_VALUE, limit=max_points_for(net_after),
                      net=net_after, points=redeem)

    acc = tx.account(a.account)
    order = Order(a.order, acc.id, a.at, a.net,
                  discount_value(a.net) if a.use_discount else ZERO)
    tx.orders[order.id] = order
    if a.use_discount and acc.discount is not None:
        acc.discount.used_on = order.id
    if acc.first_order is None:
        acc.first_order_candidates = (*acc.first_order_candidates, order.id)
    if redeem:
        allocations, short = tx.take(acc, redeem, redeem=True)
        assert short == 0, "balance was checked"
        order.redeemed = redeem
        order.redemption = tuple(allocations)
        tx.entry(acc, EntryType.REDEMPTION, -redeem, Source(SourceKind.ORDER, order.id),
                 allocations)


def _open_order(tx: _Tx, order_id: str, actor: Actor, command: str) -> Order:
    _require(actor, command)
    found = tx.peek_order(order_id)
    if found is None:
        raise Refusal(Code.UNKNOWN_ORDER, order=order_id)
    if found.fully_cancelled:
        raise _invalid_state(f"order {order_id} was cancelled",
                     f"die Bestellung {order_id} wurde storniert")
    return tx.order(order_id)


def _pay_or_deliver(tx: _Tx, a: act.Pay | act.Deliver) -> None:
    """Half of completing an order (R4): it completes once it is both paid and delivered,
    at the later of the two."""
    paid = isinstance(a, act.Pay)
    order = _open_order(tx, a.order, a.actor, "order_paid" if paid else "order_delivered")
    if (order.paid_at if paid else order.delivered_at) is not None:
        raise _invalid_state(f"order {order.id} is already {'paid' if paid else 'delivered'}",
                             f"die Bestellung {order.id} ist bereits "
                             f"{'bezahlt' if paid else 'geliefert'}")
    if paid:
        order.paid_at = a.at
    else:
        order.delivered_at = a.at
    if order.paid_at is not None and order.delivered_at is not None:
        _complete(tx, order)


def _complete(tx: _Tx, order: Order) -> None:
    """R4: paid and delivered; R2/R3/R8: credit at the tier held just before (R19 bonus)."""
    at = tx.at
    order.completed_at = at
    acc = tx.account(order.account)
    acc.has_completed_order = True
    if (order.placed_at >= tx.program.launch and may_earn(tx.program, acc, at)):
        base = order.base
        order.earning = True
        order.rate = RATE[acc.tier]
        order.spend_added = base
        points = points_for(base, order.rate)
        acc.spend += base
        if points > 0:
            lot = tx.credit(acc, EntryType.EARN, points, Source(SourceKind.ORDER, order.id))
            order.lot = lot.id
            order.credited = points
    if acc.first_order is None and acc.first_order_candidates[:1] == (order.id,):
        _first_order_completed(tx, acc, order)


def _first_order_completed(tx: _Tx, acc: Account, order: Order) -> None:
    """R18/R19: the first order is fixed; the referrer gets the bonus of their tier."""
    acc.first_order = order.id
    acc.first_order_candidates = ()
    if acc.referred_by is None or acc.referral_void or not order.earning:
        return
    referrer = tx.peek(acc.referred_by)
    if referrer is None:
        raise MissingState(f"referrer {acc.referred_by} was not loaded")
    if not may_earn(tx.program, referrer, tx.at):
        return
    referrer = tx.account(referrer.id)
    bonus = REFERRAL_BONUS[referrer.tier]
    lot = tx.credit(referrer, EntryType.REFERRAL_BONUS, bonus,
                    Source(SourceKind.REFERRAL, acc.id))
    order.bonus_account = referrer.id
    order.bonus_lot = lot.id
    order.bonus_credited = bonus


def _cancel(tx: _Tx, a: act.Cancel) -> None:
    order = _open_order(tx, a.order, a.actor, "order_cancelled")
    left = order.remaining_net
    amount = left if a.net is None else a.net
    if amount <= ZERO or amount > left:
        raise _invalid(f"between 0.01 and {left} EUR of order {order.id} can be cancelled,"
                       f" not {amount}",
                       f"von Bestellung {order.id} können 0,01 bis {left} EUR storniert"
                       f" werden, nicht {amount}")
    acc = tx.account(order.account)
    order.cancelled += amount
    full = order.remaining_net == ZERO
    source = Source(SourceKind.ORDER, order.id)

    # R14: points above 100 × the remaining net value return, newest consumption first.
    excess = order.redeemed - max_points_for(order.remaining_net)
    if excess > 0:
        returned: list[Allocation] = []
        kept = list(order.redemption)
        need = excess
        while need:
            last = kept.pop()
            k = min(need, last.points)
            lot = tx.lot(acc, last.lot)
            lot.remaining += k
            lot.redeemed -= k
            returned.append(Allocation(last.lot, k))
            if k < last.points:
                kept.append(Allocation(last.lot, last.points - k))
            need -= k
        order.redeemed -= excess
        order.redemption = tuple(kept)
        tx.entry(acc, EntryType.REFUND, excess, source, returned)
        tx.refunded = True
        _void_again(tx, acc, returned)

    if order.completed_at is None:
        if full:
            if acc.discount is not None and acc.discount.used_on == order.id:
                if acc.discount.voided:
                    # R22: a void code never comes back; what it took off this order is
                    # no longer owed once the order is cancelled in full
                    _claim(tx, acc, -order.discount, Source(SourceKind.ORDER, order.id),
                           f"discount of cancelled order {order.id} no longer owed")
                else:
                    acc.discount.used_on = None  # R18: the code comes back
            if order.id in acc.first_order_candidates:
                acc.first_order_candidates = tuple(
                    o for o in acc.first_order_candidates if o != order.id)
                head = acc.first_order_candidates[:1]
                if head:
                    nxt = tx.peek_order(head[0])
                    if nxt is None:
                        raise MissingState(f"order {head[0]} was not loaded")
                    if nxt.completed_at is not None:
                        _first_order_completed(tx, acc, tx.order(nxt.id))
        return

    # R15: after completion, spend falls and a reversal takes back what the base no longer earns.
    if order.earning:
        base = order.base
        acc.spend -= order.spend_added - base
        order.spend_added = base
        keep = points_for(base, order.rate)
        back = order.credited - keep
        if back > 0:
            tx.take_back(acc, back, order.lot, source)
            order.credited = keep
    # R16: the invitee's first order cancelled in full reverses the referrer's bonus.
    if full and order.bonus_account is not None and order.bonus_credited > 0:
        referrer = tx.account(order.bonus_account)
        tx.take_back(referrer, order.bonus_credited, order.bonus_lot,
                     Source(SourceKind.REFERRAL, acc.id))
        order.bonus_credited = 0


# --------------------------------------------------------------------------- transfers


def check_transfer(state: State, request: act.TransferRequest,
                   approver: Actor | None = None) -> None:
    """R20/R21: raise the first refusal that applies to a transfer request (and, with an
    approver, to its approval), in RULES.md's order; return if it may go ahead.

    Balances are read as of the request's instant, expiries included."""
    _check_transfer(_Tx(state, request.at), request, approver)


def _check_transfer(tx: _Tx, r: act.TransferRequest, approver: Actor | None) -> None:
    _require(r.requested_by, "request_transfer")
    if r.source == r.target:
        raise Refusal(Code.SAME_ACCOUNT)
    src = tx.known(r.source)
    dst = tx.known(r.target)
    if src.org != dst.org:
        raise Refusal(Code.NOT_SAME_ORGANISATION, source=src.id, target=dst.id,
                      source_org=src.org, target_org=dst.org)
    if src.billing != dst.billing:
        raise Refusal(Code.DIFFERENT_BILLING_ACCOUNT, source=src.id, target=dst.id,
                      source_billing=src.billing, target_billing=dst.billing)
    for acc in (src, dst):
        # as of the check itself: an approval after the program ended is refused (R21, R23)
        if not may_earn(tx.program, acc, tx.at):
            raise _not_active(acc, "send or receive transfers",
                              "X-Points senden oder empfangen")
    for acc in (src, dst):
        if acc.open_cases:
            raise Refusal(Code.ABUSE_CASE_OPEN, account=acc.id)
    if r.points < 1:
        raise _invalid("a transfer moves at least 1 point",
                       "eine Übertragung umfasst mindestens 1 X-Point")
    if r.points > src.balance:
        raise Refusal(Code.INSUFFICIENT_POINTS, account=src.id, balance=src.balance,
                      points=r.points)
    if r.reason in (TransferReason.LEFT_ORGANISATION, TransferReason.REASSIGNMENT):
        if r.evidence < 1:
            raise Refusal(Code.EVIDENCE_REQUIRED, reason=r.reason.value)
    elif not r.justification.strip():
        raise Refusal(Code.JUSTIFICATION_REQUIRED)
    if approver is not None:
        _check_approver(r.requested_by, approver, "approve_transfer")


def _check_approver(requester: Actor, approver: Actor | None, command: str) -> None:
    """R21/R26/R27: the approver may approve (a team lead) and is not the person who
    asked."""
    if approver is None or not may(approver.role, command):
        raise Refusal(Code.NOT_TEAM_LEAD, person=approver.name if approver else "nobody")
    if approver.name == requester.name:
        raise Refusal(Code.FOUR_EYES, person=approver.name)


def _transfer(tx: _Tx, a: act.ApproveTransfer) -> None:
    r = a.request
    _check_transfer(tx, r, a.actor)
    src = tx.account(r.source)
    dst = tx.account(r.target)
    source = Source(SourceKind.TRANSFER, r.ref or f"{src.id}->{dst.id}@{a.at.isoformat()}")
    taken, short = tx.take(src, r.points)
    assert short == 0, "balance was checked"
    arrived: list[Allocation] = []
    for piece in taken:
        origin = tx.lot(src, piece.lot)
        lot = tx.new_lot(dst, piece.points, source, credited_at=origin.credited_at,
                         until=origin.usable_until, expires_at=origin.expires_at,
                         root=origin.root, parent=origin.id)
        origin.transferred = (*origin.transferred, (dst.id, lot.id))
        arrived.append(Allocation(lot.id, piece.points))
    # R11: arriving points pay off the receiver's debt first, oldest first.
    for piece in arrived:
        if dst.debt == 0:
            break
        tx.pay_debt(dst, tx.lot(dst, piece.lot))
    tx.entry(src, EntryType.TRANSFER_OUT, -r.points, source, taken)
    tx.entry(dst, EntryType.TRANSFER_IN, r.points, source, arrived)


# --------------------------------------------------------------------------- adjustments


@dataclass(frozen=True)
class AdjustmentSum:
    """R26: what decides whether an adjustment needs a team lead: goodwill, or its size
    added to the account's adjustments applied without approval in the last 720 hours."""

    #: (instant, size) of each unapproved adjustment of the last 720 hours, oldest first
    counted: tuple[tuple[datetime, int], ...]
    #: the size of the adjustment asked for
    points: int
    goodwill: bool
    limit: int = ADJUSTMENT_APPROVAL_ABOVE

    @property
    def earlier(self) -> int:
        return sum(size for _at, size in self.counted)

    @property
    def total(self) -> int:
        """The counted adjustments' sizes plus this one's."""
        return self.earlier + self.points

    @property
    def needs_approval(self) -> bool:
        return self.goodwill or self.total > self.limit


def adjustment_sum(request: act.AdjustmentRequest, account: Account | None) -> AdjustmentSum:
    """R26 for `request` on `account` as it stands (None: an account with no history)."""
    marks = () if account is None else account.unapproved_adjustments
    return adjustment_sum_of(marks, request.at, request.points, request.goodwill)


def adjustment_sum_of(marks: Iterable[tuple[datetime, int]], at: datetime, points: int,
                      goodwill: bool = False) -> AdjustmentSum:
    """R26 for an adjustment of `points` asked for at `at` on an account whose unapproved
    adjustments are `marks` (as a screen has them, before anything is sent)."""
    return AdjustmentSum(counted_adjustments(marks, at), abs(points), goodwill)


def adjustment_needs_approval(request: act.AdjustmentRequest, account: Account | None) -> bool:
    """R26: every goodwill adjustment, and one that takes the sum of the account's
    unapproved adjustments of the last 720 hours past 10,000 points."""
    return adjustment_sum(request, account).needs_approval


def check_adjustment(state: State, request: act.AdjustmentRequest,
                     approver: Actor | None = None, approving: bool = False) -> None:
    """R26: raise the first refusal for an adjustment request (`approving`: and its
    approval), in RULES.md's order."""
    _check_adjustment(_Tx(state, request.at), request, approver, approving)


def _check_adjustment(tx: _Tx, r: act.AdjustmentRequest, approver: Actor | None,
                      approving: bool) -> None:
    _require(r.requested_by, "request_adjustment")
    acc = tx.known(r.account)
    if acc.status is not Status.ACTIVE:
        raise _not_active(acc, "receive adjustments", "korrigiert werden")
    if r.points == 0:
        raise _invalid("an adjustment of 0 points changes nothing",
                       "eine Korrektur um 0 X-Points ändert nichts")
    if r.objection is not None and not r.goodwill and not objection_in_time(
            r.objection.sent, r.objection.received):
        raise Refusal(Code.OBJECTION_LATE,
                      deadline=objection_deadline(r.objection.sent).strftime("%d.%m.%Y"),
                      received=berlin_date(r.objection.received).strftime("%d.%m.%Y"))
    if r.points < 0 and -r.points > acc.balance:
        raise Refusal(Code.INSUFFICIENT_POINTS, account=acc.id, balance=acc.balance,
                      points=-r.points)
    if approving and (adjustment_needs_approval(r, acc) or approver is not None):
        _check_approver(r.requested_by, approver, "approve_adjustment")


def _adjust(tx: _Tx, a: act.Adjust) -> None:
    r = a.request
    _check_adjustment(tx, r, a.approver, approving=True)
    acc = tx.account(r.account)
    if r.objection is not None:
        source = Source(SourceKind.OBJECTION, r.objection.ref or r.ref)
    else:
        source = Source(SourceKind.ADJUSTMENT, r.ref)
    note = ("goodwill: " if r.goodwill else "") + r.reason
    if r.points > 0:
        tx.credit(acc, EntryType.ADJUSTMENT, r.points, source, note=note)
    else:
        allocations, short = tx.take(acc, -r.points)
        assert short == 0, "balance was checked"
        tx.entry(acc, EntryType.ADJUSTMENT, r.points, source, allocations, note=note)
    if a.approver is None:
        # R26: counted towards the next 720 hours' sum; older ones no longer matter
        acc.unapproved_adjustments = (*acc.unapproved_adjustments_before(tx.at),
                                      (tx.at, abs(r.points)))


# --------------------------------------------------------------------------- abuse


def _open_case(tx: _Tx, a: act.OpenAbuseCase) -> None:
    _require(a.actor, "open_abuse_case")
    acc = tx.known(a.account)
    if tx.peek_case(a.case) is not None:
        raise Refusal(Code.ALREADY_EXISTS, what=f"Case {a.case}", what_de=f"Der Fall {a.case}")
    accounts: tuple[str, ...] = (acc.id,)
    if a.on_referral:
        if acc.referred_by is None:
            raise _invalid_state(f"account {acc.id} was not referred by anyone",
                         f"das X-Konto {acc.id} wurde von niemandem empfohlen")
        accounts = (acc.id, acc.referred_by)
    tx.cases[a.case] = AbuseCase(a.case, accounts, a.at, a.actor.name,
                                 acc.id if a.on_referral else None)
    for account_id in accounts:
        target = tx.account(account_id)
        target.open_cases = target.open_cases | {a.case}


def _close_case(tx: _Tx, case_id: str, status: CaseStatus) -> None:
    case = tx.case(case_id)
    case.status = status
    for account_id in case.accounts:
        acc = tx.account(account_id)
        acc.open_cases = acc.open_cases - {case_id}


def _dismiss_case(tx: _Tx, a: act.DismissAbuseCase) -> None:
    _require(a.actor, "dismiss_abuse_case")
    case = tx.peek_case(a.case)
    if case is None or case.status is not CaseStatus.OPEN:
        raise Refusal(Code.UNKNOWN_CASE, case=a.case)
    _close_case(tx, a.case, CaseStatus.DISMISSED)


def bonus_lineage(state: State, account_id: str, lot_id: str) -> Iterator[tuple[str, str]]:
    """The lot and every lot transferred out of it, wherever it went: (account, lot)."""
    stack = [(account_id, lot_id)]
    while stack:
        acc_id, lid = stack.pop()
        acc = state.accounts.get(acc_id)
        if acc is None:
            raise MissingState(f"account {acc_id} was not loaded")
        lot = acc.lot(lid)
        yield acc_id, lid
        stack.extend(reversed(lot.transferred))


def _confirm_self_referral(tx: _Tx, a: act.ConfirmSelfReferral) -> None:
    """R22: void what the referral gained; claim what was already used of it."""
    _require(a.actor, "confirm_self_referral")
    invitee = tx.known(a.invitee)
    if invitee.referred_by is None or invitee.referral_void:
        raise _invalid_state(f"account {invitee.id} has no referral to confirm",
                     f"das X-Konto {invitee.id} hat keine Empfehlung, die zu bestätigen wäre")
    for account_id in a.terminate:
        tx.known(account_id)
    referrer_id = invitee.referred_by
    case_source = Source(SourceKind.ABUSE_CASE, f"referral:{invitee.id}")
    order = tx.peek_order(invitee.first_order) if invitee.first_order else None

    # the referrer's bonus and every lot transferred out of it
    if order is not None and order.bonus_account is not None and order.bonus_lot is not None:
        lineage = list(bonus_lineage(_view_state(tx), order.bonus_account, order.bonus_lot))
        redeemed = 0
        voids: dict[str, list[Allocation]] = {}
        for acc_id, lot_id in lineage:
            acc = tx.account(acc_id)
            lot = tx.lot(acc, lot_id)
            redeemed += lot.redeemed
            lot.void_claimant = order.bonus_account
            if lot.remaining > 0:
                voids.setdefault(acc_id, []).append(Allocation(lot.id, lot.remaining))
                lot.remaining = 0
        for acc_id, allocations in voids.items():
            tx.entry(tx.account(acc_id), EntryType.VOID, -sum(x.points for x in allocations),
                     case_source, allocations)
        if redeemed:
            _claim(tx, tx.account(order.bonus_account), points_value(redeemed), case_source,
                   f"referral bonus redeemed: {redeemed} points")
        # the bonus is settled by the void: a later cancellation does not reverse it (R16)
        tx.order(order.id).bonus_credited = 0

    # the invitee's discount: void if unused, a claim of its value if used
    inv = tx.account(invitee.id)
    inv.referral_void = True
    if inv.discount is not None:
        used_on = inv.discount.used_on
        used = tx.peek_order(used_on) if used_on else None
        if used is not None and used.discount > ZERO:
            _claim(tx, inv, used.discount, case_source, f"discount used on order {used.id}")
        inv.discount.voided = True

    for acc_id in (invitee.id, referrer_id):
        party = tx.peek(acc_id)
        for case_id in sorted(party.open_cases) if party else ():
            _close_case(tx, case_id, CaseStatus.CONFIRMED)
    for account_id in a.terminate:
        _terminate_for_cause(tx, tx.account(account_id))


def _void_again(tx: _Tx, acc: Account, returned: list[Allocation]) -> None:
    """R22: points refunded into a voided lot are void at once, and no longer count as
    redeemed, so the claim against the account that gained them falls by their value."""
    voids: list[Allocation] = []
    for piece in returned:
        lot = tx.lot(acc, piece.lot)
        if lot.void_claimant is None:
            continue
        lot.remaining -= piece.points
        voids.append(piece)
        claimant = tx.peek(lot.void_claimant)
        if claimant is None:
            raise MissingState(f"account {lot.void_claimant} was not loaded")
        _claim(tx, tx.account(claimant.id), -points_value(piece.points), lot.source,
               f"redeemed points of a voided lot refunded: {piece.points} points")
    if voids:
        tx.entry(acc, EntryType.VOID, -sum(v.points for v in voids),
                 Source(SourceKind.ABUSE_CASE, voids[0].lot), voids)


def _claim(tx: _Tx, acc: Account, amount: Decimal, source: Source, reason: str) -> None:
    acc.claims += amount
    tx.claims.append(Claim(acc.id, tx.at, amount, source, reason))


def _view_state(tx: _Tx) -> State:
    return State(tx.program, {**tx.base.accounts, **tx.accounts},
                 {**tx.base.orders, **tx.orders}, {**tx.base.cases, **tx.cases})


# --------------------------------------------------------------------------- ending


def _terminate_for_cause(tx: _Tx, acc: Account) -> None:
    if acc.status in (Status.CLOSED, Status.TERMINATED_FOR_CAUSE):
        raise _not_active(acc, "be terminated", "gekündigt werden")
    acc.status = Status.TERMINATED_FOR_CAUSE
    acc.status_at = tx.at
    tx.forfeit(acc, Source(SourceKind.CLOSING, acc.id))


def _close(tx: _Tx, a: act.Close) -> None:
    if a.by is ClosedBy.CUSTOMER:
        _require(a.actor, "close_account")
    elif a.by is ClosedBy.PROVIDER:
        _require(a.actor, "terminate_account")
    else:
        _require(a.actor, "terminate_for_cause")
    acc = tx.known(a.account)
    allowed = (Status.ACTIVE,) if a.by is ClosedBy.PROVIDER else (Status.ACTIVE,
                                                                  Status.TERMINATED)
    if acc.status not in allowed:
        raise _not_active(acc, "be closed", "geschlossen werden")
    if a.by is ClosedBy.PROVIDER and acc.under_notice:
        effective = acc.notice_effective()
        assert effective is not None
        raise _invalid_state(
            f"a notice is already running; it takes effect at the end of "
            f"{effective:%d.%m.%Y}",
            f"eine Kündigung läuft bereits; sie wird zum Ende des {effective:%d.%m.%Y} "
            f"wirksam")
    acc = tx.account(a.account)
    if a.by is ClosedBy.CUSTOMER:
        acc.status = Status.CLOSED
        acc.status_at = a.at
        tx.forfeit(acc, Source(SourceKind.CLOSING, acc.id))
    elif a.by is ClosedBy.PROVIDER:
        # R23: the account stays active until the notice takes effect (see _Tx.advance)
        acc.notice_at = a.at
    else:
        _terminate_for_cause(tx, acc)


def _end_program(tx: _Tx, a: act.EndProgram) -> None:
    _require(a.actor, "end_program")
    if tx.program.ended_at is not None:
        raise _invalid_state("the program has already ended", "das Programm ist bereits beendet")
    tx.program = Program(tx.program.launch, a.at)


def _object_to_terms(tx: _Tx, a: act.ObjectToTerms) -> None:
    """R28: an objection to changed terms, in time, ends participation as closing (R23)."""
    _require(a.actor, "object_to_terms")
    acc = tx.known(a.account)
    if acc.status not in (Status.ACTIVE, Status.TERMINATED):
        raise _not_active(acc, "be closed", "geschlossen werden")
    if a.received >= end_of_day_exclusive(terms_objection_deadline(a.change_sent)):
        raise Refusal(Code.OBJECTION_LATE,
                      deadline=terms_objection_deadline(a.change_sent).strftime("%d.%m.%Y"),
                      received=berlin_date(a.received).strftime("%d.%m.%Y"))
    _close(tx, act.Close(a.at, a.actor, a.account, ClosedBy.CUSTOMER))


# --------------------------------------------------------------------------- entry points


def apply(state: State, action: act.Action) -> Outcome:
    """Apply one action to the state of the accounts it touches.

    Returns the new state and what was written, or raises :class:`Refusal` (nothing
    written, `state` unchanged)."""
    tx = _Tx(state, action.at)
    match action:
        case act.Advance():
            pass  # every loaded account is brought up to the action's instant below
        case act.Register():
            _register(tx, action)
        case act.PlaceOrder():
            _place_order(tx, action)
        case act.Pay() | act.Deliver():
            _pay_or_deliver(tx, action)
        case act.Cancel():
            _cancel(tx, action)
        case act.ApproveTransfer():
            _transfer(tx, action)
        case act.Adjust():
            _adjust(tx, action)
        case act.OpenAbuseCase():
            _open_case(tx, action)
        case act.DismissAbuseCase():
            _dismiss_case(tx, action)
        case act.ConfirmSelfReferral():
            _confirm_self_referral(tx, action)
        case act.Close():
            _close(tx, action)
        case act.EndProgram():
            _end_program(tx, action)
        case act.ObjectToTerms():
            _object_to_terms(tx, action)
        case _:
            raise TypeError(f"not an action: {action!r}")
    tx.settle()
    return tx.outcome()


# --------------------------------------------------------------------------- what to load


class Lookup(Protocol):
    """Where :func:`needs` finds what is stored (the store, or the runner's memory)."""

    def account(self, account_id: str) -> Account | None: ...

    def order(self, order_id: str) -> Order | None: ...

    def case(self, case_id: str) -> AbuseCase | None: ...


@dataclass(slots=True)
class Needs:
    """The accounts, orders and cases an action reads or writes."""

    accounts: set[str] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)

    def state(self, program: Program, lookup: Lookup) -> State:
        accounts = {}
        for i in self.accounts:
            acc = lookup.account(i)
            if acc is not None:
                accounts[i] = acc
        orders = {}
        for i in self.orders:
            order = lookup.order(i)
            if order is not None:
                orders[i] = order
        cases = {}
        for i in self.cases:
            case = lookup.case(i)
            if case is not None:
                cases[i] = case
        return State(program, accounts, orders, cases)


def needs(action: act.Action, lookup: Lookup) -> Needs:
    """What must be loaded for `action`: one account, two for a transfer or a referral,
    and for a confirmed self-referral every account its bonus was transferred to."""
    n = Needs()
    match action:
        case act.Advance():
            n.accounts.update(action.accounts)
        case act.Register():
            n.accounts.add(action.account)
            if action.referred_by is not None:
                n.accounts.add(action.referred_by)
        case act.PlaceOrder():
            n.accounts.add(action.account)
            n.orders.add(action.order)
        case act.Pay() | act.Deliver() | act.Cancel():
            n.orders.add(action.order)
            order = lookup.order(action.order)
            if order is not None:
                n.accounts.add(order.account)
                if order.bonus_account is not None:
                    n.accounts.add(order.bonus_account)
                acc = lookup.account(order.account)
                if acc is not None:
                    n.orders.update(acc.first_order_candidates)
                    if acc.referred_by is not None:
                        n.accounts.add(acc.referred_by)
                    drawn = {a.lot for a in order.redemption}
                    n.accounts.update(lot.void_claimant for lot in acc.lots
                                      if lot.id in drawn and lot.void_claimant is not None)
        case act.ApproveTransfer():
            n.accounts.update((action.request.source, action.request.target))
        case act.Adjust():
            n.accounts.add(action.request.account)
        case act.OpenAbuseCase():
            n.accounts.add(action.account)
            n.cases.add(action.case)
            acc = lookup.account(action.account)
            if acc is not None and acc.referred_by is not None:
                n.accounts.add(acc.referred_by)
        case act.DismissAbuseCase():
            n.cases.add(action.case)
            case = lookup.case(action.case)
            if case is not None:
                n.accounts.update(case.accounts)
        case act.ConfirmSelfReferral():
            n.accounts.add(action.invitee)
            n.accounts.update(action.terminate)
            invitee = lookup.account(action.invitee)
            if invitee is not None:
                _needs_of_referral(n, invitee, lookup)
        case act.Close() | act.ObjectToTerms():
            n.accounts.add(action.account)
        case act.EndProgram():
            pass
    return n


def _needs_of_referral(n: Needs, invitee: Account, lookup: Lookup) -> None:
    referrer = invitee.referred_by
    if referrer is not None:
        n.accounts.add(referrer)
    for acc_id in (invitee.id, referrer):
        acc = lookup.account(acc_id) if acc_id else None
        if acc is not None:
            for case_id in acc.open_cases:
                n.cases.add(case_id)
                case = lookup.case(case_id)
                if case is not None:
                    n.accounts.update(case.accounts)
    for order_id in (invitee.first_order,
                     invitee.discount.used_on if invitee.discount else None):
        if order_id is not None:
            n.orders.add(order_id)
    order = lookup.order(invitee.first_order) if invitee.first_order else None
    if order is None or order.bonus_account is None or order.bonus_lot is None:
        return
    stack = [(order.bonus_account, order.bonus_lot)]
    while stack:
        acc_id, lot_id = stack.pop()
        n.accounts.add(acc_id)
        acc = lookup.account(acc_id)
        if acc is None:
            continue
        for lot in acc.lots:
            if lot.id == lot_id:
                stack.extend(lot.transferred)


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True, slots=True)
class DiscountView:
    valid_until: date
    used: bool


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account as of an instant, expiries included (R10)."""

    account: str
    at: datetime
    status: Status
    balance: int
    debt: int
    spend: Decimal
    tier: Tier
    lots: tuple[LotFigure, ...]
    discount: DiscountView | None
    can_refer: bool
    claims: Decimal
    open_cases: frozenset[str]
    #: R23: the last instant points can be redeemed, where a window applies
    redeem_until: datetime | None
    #: R23: while a provider's notice runs, its effective date and the last day to redeem
    #: after it (the account is active until the end of the effective date)
    notice_effective: date | None = None
    notice_redeem_until: date | None = None


def as_of(state: State, account_id: str, at: datetime) -> AccountView:
    """The account as of `at`: lots expired at or before `at` are not counted (R10)."""
    outcome = apply(state, act.Advance(at, (account_id,)))
    acc = outcome.state.accounts.get(account_id)
    if acc is None:
        raise Refusal(Code.UNKNOWN_ACCOUNT, account=account_id)
    program = outcome.state.program
    d = acc.discount
    window = None
    if acc.status is Status.TERMINATED:
        window = acc.redemption_window_end()
    if program.ended_at is not None and acc.status in (Status.ACTIVE, Status.TERMINATED):
        end = program.redemption_window_end()
        window = end if window is None or (end is not None and end < window) else window
    return AccountView(
        account=acc.id,
        at=at,
        status=acc.status,
        balance=acc.balance,
        debt=acc.debt,
        spend=acc.spend,
        tier=acc.tier,
        lots=tuple(LotFigure(lot.id, lot.remaining, lot.usable_until)
                   for lot in acc.lots if lot.remaining > 0),
        discount=None if d is None or d.voided else DiscountView(d.valid_until,
                                                                 d.used_on is not None),
        can_refer=can_refer(program, acc, at),
        claims=acc.claims,
        open_cases=acc.open_cases,
        redeem_until=window,
        notice_effective=acc.notice_effective(),
        notice_redeem_until=acc.notice_redeem_until(),
    )


__all__ = [
    "AccountView",
    "AdjustmentSum",
    "DiscountView",
    "Lookup",
    "MissingState",
    "Needs",
    "Outcome",
    "Written",
    "adjustment_needs_approval",
    "adjustment_sum",
    "adjustment_sum_of",
    "apply",
    "as_of",
    "bonus_lineage",
    "can_refer",
    "check_adjustment",
    "check_transfer",
    "discount_status",
    "may_earn",
    "may_redeem",
    "needs",
    "tier_for",
]
