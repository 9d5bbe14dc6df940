"""Builds the demo into a store (:func:`build_demo`, :func:`ensure_demo` for ``serve
--demo``): the staff's timetable, the run from the first day to today, the counts, and the
users' passwords."""

from __future__ import annotations

import gc
import heapq
import logging
import time as _time
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN, berlin_date, end_of_day_exclusive
from xrewards_desk.domain.model import (
    CaseStatus,
    EntryType,
    Status,
)
from xrewards_desk.server import demo_passwords, security
from xrewards_desk.server.demo.cases import Cases
from xrewards_desk.server.demo.people import (
    DEMO_ACCOUNTS,
    DEMO_ORGANISATIONS,
    DEMO_SEED,
    STAFF,
    DemoInfo,
    demo_users,
)
from xrewards_desk.server.demo.shop import berlin_at, working_day_before
from xrewards_desk.server.service import Service
from xrewards_desk.store import audit, search_index
from xrewards_desk.store import models as m

log = logging.getLogger(__name__)


#: the audit action that marks a store as holding the demo (its detail: seed, day, counts)
MARKER = "demo_built"
class Builder(Cases):
    """The whole demo: the plan registered, the staff's timetable, the run to today."""

    #: told how far the run is, a fraction from 0 to 1, each time it passes a whole
    #: percent (``serve --progress-file``; the desktop's start page shows it)
    progress: Callable[[float], None] | None = None

    def run(self) -> None:
        self.planner.plan(self.order_factor)
        for person in self.planner.people:
            self.by_id[person.id] = person
            self.at(person.registered, self.register, person)
        self.schedule_staff()
        first = self.start.date()
        done = self.days_done(first)
        shown = -1
        day = first - timedelta(days=1)

        def next_day() -> None:
            nonlocal day, shown
            day += timedelta(days=1)
            self.new_day(day)
            if self.progress is not None:
                index = min((day - first).days, len(done) - 1)
                percent = int(100 * done[index])
                if percent != shown:
                    shown = percent
                    self.progress(done[index])

        try:
            while self.queue:
                when, _n, fn, args = heapq.heappop(self.queue)
                if when >= self.history_end:
                    break
                when_day = when.astimezone(BERLIN).date()
                while day < when_day:
                    next_day()
                self.clock.set(when)
                fn(*args)
            while day < self.today:
                next_day()
        except BaseException:
            self.runner.abort()
            raise
        self.runner.commit()
        self.clock.set(self.end)
        self.service.advance_all()

    def days_done(self, first: date) -> list[float]:
        """For each day from `first` to today, the share of the run done by its start: a
        day weighs one plus the customers registered by then (each of them may order),
        so the share grows as the work does, not as the calendar."""
        days = (self.today - first).days + 1
        joining = [0] * days
        for person in self.planner.people:
            index = (person.registered.astimezone(BERLIN).date() - first).days
            joining[min(max(index, 0), days - 1)] += 1
        weights, customers = [], 0
        for joined in joining:
            customers += joined
            weights.append(1 + customers)
        total, done, shares = sum(weights), 0, []
        for weight in weights:
            shares.append(done / total)
            done += weight
        return shares

    # ---------------------------------------------------------------- staff
    def schedule_staff(self) -> None:
        t = self.today
        rng = self.staff_rng

        def when(days_back: int, hour: int, minute: int | None = None) -> datetime:
            day = working_day_before(t, days_back)
            return berlin_at(day, hour, rng.randint(0, 59) if minute is None else minute,
                       rng.randint(0, 59))

        # the staff exist from the start
        self.at(self.start + timedelta(hours=6), self.add_staff)
        # a confirmed self-referral with its claims, a dismissed case, an open case
        self.at(when(40, 10), self.abuse_confirmed_report)
        self.at(when(26, 11), self.abuse_dismissed)
        self.at(when(5, 14), self.abuse_open)
        # transfers decided in the past, and four pending
        self.at(when(30, 10), self.transfer_history, "reassignment", "tessa", "approve")
        self.at(when(24, 9), self.transfer_history, "left_organisation", "tomasz", "approve")
        self.at(when(18, 15), self.transfer_history, "other", "tessa", "reject")
        for k, reason in enumerate(("left_organisation", "reassignment", "left_organisation",
                                    "other")):
            self.at(when(7 - k, 9 + k), self.transfer_pending, reason, k)
        # adjustments: a small one applied at once, a large one waiting for a team lead
        self.at(when(15, 11), self.adjustment_small)
        self.at(when(3, 10), self.adjustment_large)
        # objections: in time and late, some decided
        for k, (late, outcome) in enumerate(((False, "open"), (False, "open"),
                                             (False, "uphold"), (False, "reject"),
                                             (True, "open"), (True, "open"),
                                             (True, "late"), (True, "goodwill"))):
            self.at(when(1 + (k * 5) % 9, 8 + k % 8), self.objection, late, outcome, k)
        # the customer closes an account
        self.at(when(9, 10), self.close_request)
        # R23: a provider's notice that took effect (the account redeems its last points
        # now) and one that still runs today; a debit booked in error, which the customer
        # objects to (upheld above, the one error in the data). Their times draw nothing
        # from the staff's randomness.
        self.at(berlin_at(working_day_before(t, 70), 10, 40), self.provider_notice, False)
        self.at(berlin_at(working_day_before(t, 8), 11, 20), self.provider_notice, True)
        self.at(berlin_at(working_day_before(t, 6), 14, 5), self.adjustment_in_error)
        # questions by mail: older ones answered and closed, newer ones open
        topics = ("balance", "expiry", "missing_points", "discount", "statement", "tier",
                  "expiry", "balance", "missing_points", "redeem")
        for k in range(8):
            self.at(when(28 - k * 2, 9 + k % 7), self.question, topics[k % len(topics)],
                    "closed", k)
        for k in range(14):
            state = ("new", "new", "open", "waiting", "new", "open", "new")[k % 7]
            self.at(when(12 - k * 12 // 14, 8 + (k * 3) % 9), self.question,
                    topics[(k + 3) % len(topics)], state, 100 + k)

    # ---------------------------------------------------------------- counts
    def plants(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """The planted self-referrals that were registered with their referral."""
        with self.service.store.session() as s:
            return tuple((p.plant.referrer.id, p.id, p.plant.signals)
                         for p in self.planner.people if p.plant is not None
                         and referrer_of(s, p.id) == p.plant.referrer.id)

    def counts(self) -> dict[str, int]:
        now = self.end
        with self.service.store.session() as s:
            def n(query: Any) -> int:
                return int(s.execute(query).scalar_one())
            count = func.count()
            a, o, lot, e = m.AccountRow, m.OrderRow, m.LotRow, m.LedgerEntry
            soon = now + timedelta(days=30)
            objections = s.execute(select(m.Objection.received_at, m.Objection.deadline,
                                          m.Objection.status).where(
                m.Objection.kind == m.ObjectionKind.NOTICE)).all()
            in_time = [ob for ob in objections if ob.deadline is not None
                       and ob.received_at < end_of_day_exclusive(ob.deadline)]
            two_billing = n(select(count).select_from(select(m.BillingAccount.organisation_id)
                                                      .group_by(m.BillingAccount
                                                                .organisation_id)
                                                      .having(count > 1).subquery()))
            return {
                "accounts": n(select(count).select_from(a)),
                "organisations": n(select(count).select_from(m.Organisation)),
                "billing_accounts": n(select(count).select_from(m.BillingAccount)),
                "organisations_with_two_billing_accounts": two_billing,
                "orders": n(select(count).select_from(o)),
                "orders_completed": n(select(count).select_from(o).where(
                    o.completed_at.is_not(None))),
                "orders_open": n(select(count).select_from(o).where(
                    o.completed_at.is_(None), o.cancelled < o.net - o.discount)),
                "orders_cancelled_in_full": n(select(count).select_from(o).where(
                    o.cancelled > 0, o.cancelled == o.net - o.discount)),
                "orders_cancelled_in_part": n(select(count).select_from(o).where(
                    o.cancelled > 0, o.cancelled < o.net - o.discount)),
                "redemptions": n(select(count).select_from(e).where(
                    e.type == EntryType.REDEMPTION)),
                "referrals": n(select(count).select_from(a).where(a.referred_by.is_not(None))),
                "referrals_refused": n(select(count).select_from(m.EngineEvent).where(
                    m.EngineEvent.code == "referrer_not_eligible")),
                "planted_self_referrals": sum(
                    1 for p in self.planner.people if p.plant is not None
                    and referrer_of(s, p.id) == p.plant.referrer.id),
                "lots": n(select(count).select_from(lot)),
                "expiries": n(select(count).select_from(e).where(e.type == EntryType.EXPIRY)),
                "lots_expiring_30d": n(select(count).select_from(lot).where(
                    lot.remaining > 0, lot.expires_at > now, lot.expires_at <= soon)),
                "accounts_expiring_30d": n(select(func.count(func.distinct(lot.account_id)))
                                           .where(lot.remaining > 0, lot.expires_at > now,
                                                  lot.expires_at <= soon)),
                "accounts_in_debt": n(select(count).select_from(a).where(a.debt > 0)),
                "accounts_silver_or_gold": n(select(count).select_from(a).where(
                    a.spend >= Decimal("20000.00"))),
                "accounts_gold": n(select(count).select_from(a).where(
                    a.spend >= Decimal("70000.00"))),
                "accounts_closed": n(select(count).select_from(a).where(
                    a.status == Status.CLOSED)),
                "accounts_terminated_for_cause": n(select(count).select_from(a).where(
                    a.status == Status.TERMINATED_FOR_CAUSE)),
                "accounts_under_notice": n(select(count).select_from(a).where(
                    a.status == Status.ACTIVE, a.notice_at.is_not(None))),
                "accounts_terminated": n(select(count).select_from(a).where(
                    a.status == Status.TERMINATED)),
                "mail_cases": n(select(count).select_from(m.MailCase)),
                "mail_cases_open": n(select(count).select_from(m.MailCase).where(
                    m.MailCase.status != m.MailCaseStatus.CLOSED)),
                "mail_messages": n(select(count).select_from(m.MailMessage)),
                "case_notes": n(select(count).select_from(m.CaseNote)),
                "evidence_files": n(select(count).select_from(m.EvidenceFile)),
                "objections": len(objections),
                "objections_in_time": len(in_time),
                "objections_late": len(objections) - len(in_time),
                "objections_open": sum(1 for ob in objections
                                       if ob.status is m.ObjectionStatus.RECORDED),
                "transfers": n(select(count).select_from(m.TransferRequestRow)),
                "transfers_pending": n(select(count).select_from(m.TransferRequestRow).where(
                    m.TransferRequestRow.status == m.RequestStatus.PENDING)),
                "adjustments_pending": n(select(count).select_from(m.AdjustmentRequest).where(
                    m.AdjustmentRequest.status == m.RequestStatus.PENDING)),
                "adjustments_pending_goodwill": n(
                    select(count).select_from(m.AdjustmentRequest).where(
                        m.AdjustmentRequest.status == m.RequestStatus.PENDING,
                        m.AdjustmentRequest.goodwill)),
                "abuse_signals": n(select(count).select_from(m.AbuseSignal)),
                "referrals_with_signals": n(select(func.count(func.distinct(
                    m.AbuseSignal.invitee_id)))),
                "abuse_cases": n(select(count).select_from(m.AbuseCaseRow)),
                "abuse_cases_open": n(select(count).select_from(m.AbuseCaseRow).where(
                    m.AbuseCaseRow.status == CaseStatus.OPEN)),
                "claims": n(select(count).select_from(m.ClaimRow)),
                "ledger_entries": n(select(count).select_from(e)),
                "notices": n(select(count).select_from(m.NoticeRow)),
                "changes": n(select(count).select_from(m.ChangeRow)),
                "audit_records": n(select(count).select_from(m.AuditRecord)),
                "events": self.runner.events,
                "refused": len(self.runner.refused),
            }


# --------------------------------------------------------------------------- entry points


def build_demo(service: Service, today: date, seed: int = DEMO_SEED, *,
               time_of_day: time | None = None, accounts: int = DEMO_ACCOUNTS,
               organisations: int = DEMO_ORGANISATIONS, exact: bool = False,
               order_factor: float = 1.0,
               progress: Callable[[float], None] | None = None) -> DemoInfo:
    """Fill an empty store with the demo program as of `today` (Berlin), through the
    service's own paths; the clock ends at `today` at `time_of_day` (09:00 if not given).

    `accounts` and `organisations` size it (the tests build small ones), `order_factor`
    scales how often customers order; `exact` writes the feed and audit log with
    :class:`Feed` and :func:`audit.append` themselves (slower, same records); `progress`
    is told the share of the run done (0 to 1) each time it passes a whole percent, and
    1 once the demo is built. The service's clock is the caller's again afterwards. The
    history runs from ``HISTORY_MONTHS`` before `today` up to its midnight, so
    `time_of_day` moves only the final clock."""
    started = _time.perf_counter()
    thresholds = gc.get_threshold()
    with service.store.session() as s:
        if s.execute(select(func.count()).select_from(m.AccountRow)).scalar_one():
            raise ValueError("build_demo fills an empty store; this one holds accounts")
        roles = {name: role for name, role in s.execute(select(m.User.name, m.User.role))}
    for name, _display, role, _language in STAFF:
        if name in roles and roles[name] is not role:
            raise ValueError(f"the demo's {name} is a {role.value}, but this store's {name} "
                             f"is a {roles[name].value}")
    if accounts < 2 or organisations < 1 or organisations > accounts:
        raise ValueError("the demo needs at least 2 accounts and at most one organisation "
                         "per account")
    end = datetime.combine(today, time_of_day or time(9, 0), tzinfo=BERLIN)
    # new passwords for this build, on disk (0600) before any user has them
    passwords = {name: demo_passwords.new_password()
                 for name, _display, _role, _language in STAFF if name not in roles}
    kept = demo_passwords.write(service.data_dir, passwords)
    original = service.clock
    clock = SettableClock(end)
    with service.write_lock:
        service.clock = clock
        # the build makes millions of short-lived objects: collecting less often saves ~8 %
        gc.set_threshold(50_000, 50, 100)
        try:
            builder = Builder(service, clock, seed, today, end, accounts, organisations,
                               exact, order_factor)
            builder.passwords = passwords
            builder.progress = progress
            clock.set(builder.start)
            # the search index's triggers rest during the build (an account's document
            # was recomputed for every order and every change of the account); the index
            # is written once from the built rows below, as a desktop's first sync does
            with service.store.session() as s:
                search_index.suspend(s.connection(), clock.now())
            builder.run()
            counts = builder.counts()
            plants = builder.plants()
            seconds = _time.perf_counter() - started
            existing = builder.notes.get("existing_users", [])
            with service.store.session() as s:
                search_index.rebuild(s.connection())
                audit.append(s, at=clock.now(), actor="demo", role=None, action=MARKER,
                             subject="program:1", outcome="applied",
                             detail={"seed": seed, "today": today.isoformat(),
                                     "counts": counts, "existing_users": existing,
                                     "plants": [[r, i, list(k)] for r, i, k in plants]})
        finally:
            service.clock = original
            gc.set_threshold(*thresholds)
    users = demo_users({n: p for n, p in passwords.items() if n not in existing})
    log.info("demo built in %.1f s: %s", seconds, counts)
    if progress is not None:
        progress(1.0)
    return DemoInfo(seed, today, users, counts, built=True, seconds=seconds, plants=plants,
                    passwords_file=kept)


def ensure_demo(service: Service,
                progress: Callable[[float], None] | None = None) -> DemoInfo:
    """The demo in the service's store: built relative to the service clock's Berlin
    date if the store has no accounts yet (telling `progress` how far, as
    :func:`build_demo` does), otherwise found (and never rebuilt)."""
    with service.store.session() as s:
        accounts = s.execute(select(func.count()).select_from(m.AccountRow)).scalar_one()
        marker = s.scalars(select(m.AuditRecord).where(m.AuditRecord.action == MARKER)
                           .order_by(m.AuditRecord.id.desc()).limit(1)).first()
        detail = dict(marker.detail) if marker is not None else None
    if detail is not None:
        seed = int(detail.get("seed", DEMO_SEED))
        existing = set(detail.get("existing_users", []))
        passwords = _kept_passwords(service, [name for name, *_ in STAFF
                                              if name not in existing])
        return DemoInfo(seed, date.fromisoformat(detail["today"]), demo_users(passwords),
                        dict(detail.get("counts", {})), built=False,
                        plants=tuple((r, i, tuple(k)) for r, i, k in detail.get("plants", [])),
                        passwords_file=demo_passwords.path(service.data_dir))
    if accounts:
        return DemoInfo(DEMO_SEED, None, (), built=False, foreign_accounts=int(accounts))
    now = service.clock.now()
    berlin = now.astimezone(BERLIN)
    return build_demo(service, berlin_date(now), DEMO_SEED,
                      time_of_day=berlin.time().replace(microsecond=0, tzinfo=None),
                      progress=progress)


def _kept_passwords(service: Service, names: list[str]) -> dict[str, str]:
    """The passwords of the demo's users `names` from the data folder's file; a user the
    file lacks (no file: a demo built before the passwords were random, whose users still
    have the ones the public seed gave them) gets a new random password, set in the store
    and kept in the file, and is signed out everywhere."""
    try:
        kept = demo_passwords.read(service.data_dir)
    except demo_passwords.DemoPasswordsError:
        kept = {}
    renew = {name: demo_passwords.new_password() for name in names if name not in kept}
    if renew:
        with service.write_lock, service.store.session() as s:
            for user in s.scalars(select(m.User).where(m.User.name.in_(renew))).all():
                user.password_hash = security.hash_password(renew[user.name],
                                                            n=service.scrypt_n)
                s.execute(delete(m.ApiToken).where(m.ApiToken.user_id == user.id))
        kept = {**kept, **renew}
        demo_passwords.write(service.data_dir, kept)
        log.warning("the demo users %s got new passwords, kept in %s", ", ".join(renew),
                    demo_passwords.path(service.data_dir))
    return {name: kept[name] for name in names if name in kept}


def referrer_of(s: Session, account: str) -> str | None:
    row = s.get(m.AccountRow, account)
    return None if row is None else row.referred_by
