"""The demo's history as the shop makes it: the queue of what happens when, the clock
moved from event to event, and the shop's events (registrations, orders, payments,
deliveries, cancellations)."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN, add_months, berlin_date
from xrewards_desk.domain.model import (
    Actor,
    Role,
    Status,
    ending_instant,
)
from xrewards_desk.domain.money import discounted, max_points_for
from xrewards_desk.server.demo.people import HISTORY_MONTHS
from xrewards_desk.server.demo.planner import PAID, PLACED, Customer, Order, Planner, money
from xrewards_desk.server.demo.runner import Runner
from xrewards_desk.server.service import Person, Service
from xrewards_desk.store import models as m

SHOP = Actor("shop", Role.SERVICE)
Event = tuple[datetime, int, Callable[..., None], tuple[Any, ...]]


def working_day_before(day: date, n: int) -> date:
    """The n-th working day (Mon–Fri) before `day`."""
    while n > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def berlin_at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BERLIN)


def german_date(day: datetime | date) -> str:
    if isinstance(day, datetime):
        day = day.astimezone(BERLIN).date()
    return day.strftime("%d.%m.%Y")


class Shop:
    """The shop's history, in order: each event on the queue runs at its time, with the
    clock set to it; the staff's work (:class:`.staff.Staff` and on) joins the same queue."""

    def __init__(self, service: Service, clock: SettableClock, seed: int, today: date,
                 end: datetime, accounts: int, organisations: int, exact: bool,
                 order_factor: float) -> None:
        self.service = service
        self.clock = clock
        self.seed = seed
        self.today = today
        self.end = end
        self.history_end = datetime(today.year, today.month, today.day, tzinfo=BERLIN)
        self.start = datetime.combine(add_months(today, -HISTORY_MONTHS), time(0),
                                      tzinfo=BERLIN)
        self.plan_rng = random.Random(f"{seed}:plan")
        self.rng = random.Random(f"{seed}:run")
        self.staff_rng = random.Random(f"{seed}:staff")
        #: the provider's notices and the debit in error draw from their own source, so
        #: that they leave the other staff work as it was
        self.notice_rng = random.Random(f"{seed}:notice")
        self.planner = Planner(self.plan_rng, self.start, self.history_end, accounts,
                                organisations)
        self.order_factor = order_factor
        self.runner = Runner(service, clock, exact, random.Random(f"{seed}:codes"))
        self.queue: list[Event] = []
        self.counter = 0
        self.by_id: dict[str, Customer] = {}
        self.orders: dict[str, Order] = {}
        self.order_numbers: dict[int, int] = {}
        self.persons: dict[str, Person] = {}
        self.notes: dict[str, Any] = {}
        #: the staff's passwords (build_demo makes them, at random)
        self.passwords: dict[str, str] = {}
        #: accounts with a transfer request: they redeem nothing until it is decided
        self.frozen: set[str] = set()
        self.registered: set[str] = set()
        self.inactive: set[str] = set()

    # ---------------------------------------------------------------- scheduling
    def shop_time(self, at: datetime, weekend: float = 0.06) -> datetime:
        return self.planner.working_time(at, weekend, self.rng)

    def staff_time(self, at: datetime) -> datetime:
        """Staff work on weekdays; their randomness is their own, so that changing what
        they do leaves the shop's history as it was."""
        return self.planner.working_time(at, 0.0, self.staff_rng)

    def at(self, when: datetime, fn: Callable[..., None], *args: Any) -> None:
        self.counter += 1
        heapq.heappush(self.queue, (when, self.counter, fn, args))

    def new_day(self, day: date) -> None:
        """The periodic job writes the expiries due at midnight (R10) a minute later, and
        R23's changes: a provider's notice taking effect at the start of the day after its
        effective date, a window to redeem closing. (The demo does not end the
        program.)"""
        if day.day == 1:
            self.runner.commit()  # a transaction a month keeps what waits in memory small
        tick = berlin_at(day, 0, 1)
        if tick > self.end:
            return
        lots = m.LotRow
        due = self.s.execute(select(lots.id).where(lots.remaining > 0,
                                                   lots.expires_at <= tick).limit(1)).first()
        ends = due is None and bool(self.notes.get("notice_accounts")) and any(
            when is not None and when <= tick
            for when in (ending_instant(*row) for row in self.s.execute(Service._ending())))
        if due is not None or ends:
            self.clock.set(tick)
            self.runner.advance()

    # ---------------------------------------------------------------- reading the store
    @property
    def s(self) -> Session:
        return self.runner.session

    def balance(self, account: str) -> int:
        now = self.clock.now()
        held = self.s.execute(select(func.coalesce(func.sum(m.LotRow.remaining), 0)).where(
            m.LotRow.account_id == account, m.LotRow.expires_at > now)).scalar_one()
        debt = self.s.execute(select(m.AccountRow.debt).where(
            m.AccountRow.id == account)).scalar_one()
        return int(held) - int(debt)

    def balances(self, after: datetime | None = None) -> Callable[[str], int]:
        """Every account's balance now (R11), counting only lots still usable after
        `after` where given: one query instead of one per account."""
        lots, accounts = m.LotRow, m.AccountRow
        held: dict[str, int] = {
            account: int(points) for account, points in self.s.execute(
                select(lots.account_id, func.sum(lots.remaining)).where(
                    lots.remaining > 0, lots.expires_at > (after or self.clock.now()))
                .group_by(lots.account_id)).all()}
        debt: dict[str, int] = {account: int(points) for account, points in self.s.execute(
            select(accounts.id, accounts.debt).where(accounts.debt > 0)).all()}
        return lambda account: int(held.get(account, 0)) - int(debt.get(account, 0))

    def active(self, account: str) -> bool:
        """Whether the account is registered and active (statuses change only through the
        staff's commands here, which put an account in `self.inactive`)."""
        return account in self.registered and account not in self.inactive

    def version(self, model: Any, key: Any) -> int:
        return int(self.s.execute(select(model.version).where(model.id == key)).scalar_one())

    # ---------------------------------------------------------------- the shop
    def register(self, p: Customer) -> None:
        rng = self.rng
        code = None
        if p.referral != "none":
            referrer = self.referrer_for(p)
            later = self.clock.now() + timedelta(days=7)
            if referrer is None and p.plant is not None and later < self.history_end:
                # the referrer cannot refer yet (R17): the self-referral comes a week later
                self.at(later, self.register, p)
                return
            if referrer is not None:
                code = self.s.execute(select(m.AccountRow.referral_code).where(
                    m.AccountRow.id == referrer)).scalar_one()
        body: dict[str, Any] = {
            "type": "register", "account": p.id, "organisation": p.org.id,
            "organisation_name": p.org.name, "billing_account": p.billing,
            "billing_account_name": dict(p.org.billing)[p.billing], "name": p.name,
            "email": p.email, "phone": p.phone, "language": p.language,
            "addresses": p.addresses, "signup_ip": p.ip, "device_fingerprint": p.device}
        if code:
            body["referral_code"] = code
        if p.plant is None and rng.random() < 0.03:
            body.pop("device_fingerprint")  # an old app version sent none
        if self.runner.run(SHOP, body, shop=True) is None:
            return
        self.registered.add(p.id)
        # the orders follow the registration (a self-referral may have come later)
        shift = self.clock.now() - p.registered
        for n, when in enumerate(p.orders):
            self.at(when + shift, self.place, p, n, False)

    def referrer_for(self, p: Customer) -> str | None:
        rng = self.rng
        accounts = m.AccountRow
        eligible = select(accounts.id).where(accounts.status == Status.ACTIVE,
                                             accounts.has_completed_order.is_(True))
        if p.plant is not None:
            ref = p.plant.referrer.id
            ok = self.s.execute(eligible.where(accounts.id == ref)).first()
            return ref if ok else None
        if p.referral == "colleague":
            ids = self.s.scalars(eligible.where(accounts.organisation_id == p.org.id)
                                 .order_by(accounts.id)).all()
        elif p.referral == "partner":
            ids = self.s.scalars(eligible.where(accounts.organisation_id != p.org.id)
                                 .order_by(accounts.id)).all()
        else:  # a colleague who cannot refer yet: kept, but refused (R17)
            ids = self.s.scalars(select(accounts.id).where(
                accounts.organisation_id == p.org.id,
                accounts.has_completed_order.is_(False)).order_by(accounts.id)).all()
        return rng.choice(ids) if ids else None

    def order_id(self, when: datetime) -> str:
        year = when.astimezone(BERLIN).year
        self.order_numbers[year] = self.order_numbers.get(year, 0) + self.rng.randint(1, 6)
        return f"XO-{year}-{self.order_numbers[year]:06d}"

    def net_for(self, p: Customer) -> Decimal:
        rng = self.rng
        median = 420.0 * p.org.order_scale * (9.0 if p.key else 2.2 if p.rate >= 4.0 else 1.0)
        value = median * rng.lognormvariate(0, 0.95)
        if rng.random() < 0.02:
            value *= rng.uniform(8, 25)  # the occasional large project
        return money(min(max(value, 12.5), 48_000.0))

    def place(self, p: Customer, n: int, redeem_all: bool) -> None:
        rng = self.rng
        if not self.active(p.id):
            return
        now = self.clock.now()
        net = self.net_for(p)
        returns = p.returns == n and not redeem_all
        if returns:
            net = max(net, money(rng.uniform(2500, 9000)))
        use_discount = False
        if p.placed == 0:
            discount = self.s.execute(select(m.DiscountCode.used_on, m.DiscountCode.voided,
                                             m.DiscountCode.valid_until).where(
                m.DiscountCode.account_id == p.id)).first()
            use_discount = (discount is not None and discount.used_on is None
                            and not discount.voided
                            and discount.valid_until >= berlin_date(now)
                            and (p.plant is not None or rng.random() < 0.85))
        net_after = discounted(net) if use_discount else net
        redeem = None
        if redeem_all:
            balance = self.balance(p.id)
            if balance > 0:
                if net_after * 100 < balance:
                    net = money(float((balance + 99) // 100) * rng.uniform(1.1, 1.6))
                    net_after = discounted(net) if use_discount else net
                redeem = min(balance, max_points_for(net_after))
        elif p.id not in self.frozen and rng.random() < 0.24:
            balance = self.balance(p.id)
            if balance >= 500:
                limit = min(balance, max_points_for(net_after))
                share = 1.0 if rng.random() < 0.3 else rng.uniform(0.25, 0.95)
                redeem = int(limit * share) // 100 * 100 or limit
        order = Order(self.order_id(now), p, net_after, now, returns=returns,
                       first=p.placed == 0)
        body: dict[str, Any] = {
            "type": "order_placed", "order": order.id, "account": p.id,
            "placed_at": (now - timedelta(seconds=rng.randint(0, 90))).isoformat(),
            "net": str(net)}
        if use_discount:
            body["use_discount"] = True
        if redeem:
            body["redeem"] = redeem
        card = rng.random() < 0.6
        plant = p.plant
        if order.first and plant is not None and PLACED in plant.signals:
            body["placed_by"] = plant.referrer.id
        elif rng.random() < 0.03 and len(p.org.people) > 1:
            colleague = rng.choice(p.org.people)
            if colleague.id in self.registered and colleague is not p:
                body["placed_by"] = colleague.id
        if card:
            body["payment_fingerprint"] = (p.org.company_card if p.org.company_card
                                           and rng.random() < 0.5 else p.card)
        if self.runner.run(SHOP, body, shop=True) is None:
            return
        p.placed += 1
        self.orders[order.id] = order
        self.lifecycle(order, card)

    def lifecycle(self, order: Order, card: bool) -> None:
        rng = self.rng
        placed = order.placed
        work = self.shop_time
        p = order.person
        quick = order.first and p.plant is not None
        delivered = work(placed + timedelta(days=rng.uniform(4, 9) if quick else
                                            rng.triangular(3, 28, 8)), weekend=0.02)
        if card or quick or rng.random() < 0.5:
            paid = placed + timedelta(minutes=rng.uniform(1, 40))
        else:  # on invoice, after delivery
            paid = work(delivered + timedelta(days=rng.uniform(8, 35)), weekend=0.0)
        x = rng.random()
        if not quick and x < 0.03:
            self.at(placed + timedelta(hours=rng.uniform(2, 60)), self.cancel, order, None)
        elif not quick and x < 0.05:
            self.at(min(paid, delivered) - timedelta(minutes=1)
                    if min(paid, delivered) - placed > timedelta(hours=2)
                    else placed + timedelta(hours=1), self.cancel, order, 0.3)
        self.at(paid, self.pay, order)
        self.at(delivered, self.deliver, order)
        completed = max(paid, delivered)
        y = rng.random()
        if order.returns:
            self.at(work(completed + timedelta(days=rng.uniform(2, 6))), self.place, p, -1,
                    True)
            self.at(work(completed + timedelta(days=rng.uniform(12, 30))), self.cancel,
                    order, None)
        elif not quick and y < 0.025:
            self.at(work(completed + timedelta(days=rng.uniform(3, 40))), self.cancel, order,
                    0.4)
        elif not quick and y < 0.034:
            self.at(work(completed + timedelta(days=rng.uniform(5, 30))), self.cancel, order,
                    None)

    def pay(self, order: Order) -> None:
        if order.full_cancel or order.paid:
            return
        p = order.person
        body: dict[str, Any] = {"type": "order_paid", "order": order.id}
        plant = p.plant
        if order.first and plant is not None and PAID in plant.signals:
            body["paid_by"] = plant.referrer.id
            body["payment_fingerprint"] = plant.referrer.card
        if self.runner.run(SHOP, body, shop=True) is not None:
            order.paid = True
            self.completed(order)

    def deliver(self, order: Order) -> None:
        if order.full_cancel or order.delivered:
            return
        if self.runner.run(SHOP, {"type": "order_delivered", "order": order.id},
                           shop=True) is not None:
            order.delivered = True
            self.completed(order)

    def completed(self, order: Order) -> None:
        if not (order.paid and order.delivered) or order.completed:
            return
        order.completed = True
        plant = order.person.plant
        if order.first and plant is not None and plant.index == 0:
            # the referrer spends the bonus at once, so confirming the case leaves a claim
            referrer = plant.referrer
            self.at(self.shop_time(self.clock.now() + timedelta(days=3)),
                    self.place, referrer, -1, True)

    def cancel(self, order: Order, share: float | None) -> None:
        rng = self.rng
        if order.full_cancel or order.remaining <= 0:
            return
        body: dict[str, Any] = {"type": "order_cancelled", "order": order.id}
        amount = None
        if share is not None:
            amount = money(float(order.remaining) * rng.uniform(0.1, share + 0.1))
            if amount <= 0 or amount >= order.remaining:
                amount = None
        if amount is not None:
            body["net"] = str(amount)
        if self.runner.run(SHOP, body, shop=True) is None:
            return
        if amount is None:
            order.full_cancel = True
            order.cancelled = order.net_after
        else:
            order.cancelled += amount

