"""The desktop's read side (xrewards_desk/store/read/: accounts, customers, history,
statement) over a real store filled through the real engine (store/ledger.py), on SQLite
and, where one is reachable, PostgreSQL.

Every expected value is worked out by hand from ../shared/RULES.md; the rule is cited.

The program (times in Berlin):

- A (ACME / ACME-1) registers 02.01.2025. Order O1, 1,000.00 EUR, completed 03.02.2025
  12:00: bronze earns 1 point per EUR (R7, R8) = 1,000 (lot A/L1, R9: usable until
  03.02.2026, expires 04.02.2026 00:00). O2, 500.50 EUR, completed 10.03.2025 12:00:
  floor(500.50) = 500 (A/L2, until 10.03.2026). R1 on 01.04.2025 pays 300 points (R12),
  first-in first-out from A/L1 (R13). O3, 234.99 EUR, completed 14.10.2025 12:00: 234
  (A/L3, until 14.10.2026). Time passes to 05.02.2026: A/L1's 700 left expire at
  04.02.2026 00:00 (R10). Ledger and running balance (R11):
  E1 earn +1,000 → 1,000; E2 earn +500 → 1,500; E3 redemption −300 → 1,200;
  E4 earn +234 → 1,434; E5 expiry −700 → 734. Spend 1,735.49 EUR (R6).
- B (ACME / ACME-1, A's colleague) earns 2,000 on OB1 (2,000.00 EUR, 01.02.2025),
  redeems 1,500 (10.02.2025), then OB1 is cancelled in full (15.02.2025): the reversal
  takes 2,000 (R15), 500 from its own lot, 1,500 become debt: balance −1,500. Compliance
  opens an abuse case on B (20.02.2025).
- C has an open e-mail case; D an undecided objection; E a closed case and an upheld
  objection (no open case).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from tests.people import CORA, SAM, SHOP, TESS
from xrewards_desk.domain import (
    BERLIN,
    Adjust,
    AdjustmentRequest,
    Advance,
    Cancel,
    Close,
    ClosedBy,
    ConfirmSelfReferral,
    Deliver,
    OpenAbuseCase,
    Pay,
    PlaceOrder,
    Register,
)
from xrewards_desk.domain.model import EntryType, NoticeKind, SourceKind, Status, Tier
from xrewards_desk.store.db import Store
from xrewards_desk.store.ledger import Ledger
from xrewards_desk.store.models import (
    AccountRow,
    ClaimState,
    MailCase,
    MailCaseStatus,
    Objection,
    ObjectionKind,
    ObjectionStatus,
)
from xrewards_desk.store.read import customers, history, statement
from xrewards_desk.store.read.history import ALL, DrawnLot, HistoryFilter, NoticeLotInfo
from xrewards_desk.store.search import Hit


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def order(led: Ledger, order_id: str, account: str, net: str, day: datetime,
          **kwargs: Any) -> None:
    """Placed at `day`, paid an hour and delivered two hours later (R4: completed then)."""
    led.run(PlaceOrder(day, SHOP, order_id, account, Decimal(net), **kwargs))
    led.run(Pay(day + timedelta(hours=1), SHOP, order_id))
    led.run(Deliver(day + timedelta(hours=2), SHOP, order_id))


def build(store: Store) -> Ledger:
    led = Ledger(store)
    for account, org, billing in (("A", "ACME", "ACME-1"), ("B", "ACME", "ACME-1"),
                                  ("A2", "ACME", "ACME-2"), ("C", "C-ORG", "C-1"),
                                  ("D", "D-ORG", "D-1"), ("E", "E-ORG", "E-1")):
        led.run(Register(at(2025, 1, 2), SHOP, account, org, billing,
                         f"{account.lower()}@example.com"))
    order(led, "O1", "A", "1000.00", at(2025, 2, 3))
    order(led, "OB1", "B", "2000.00", at(2025, 2, 1))
    led.run(PlaceOrder(at(2025, 2, 10), SHOP, "RB", "B", Decimal("1500.00"), redeem=1500))
    led.run(Cancel(at(2025, 2, 15), SHOP, "OB1"))
    led.run(OpenAbuseCase(at(2025, 2, 20), CORA, "case-1", "B"))
    order(led, "O2", "A", "500.50", at(2025, 3, 10))
    led.run(PlaceOrder(at(2025, 4, 1), SHOP, "R1", "A", Decimal("100.00"), redeem=300))
    order(led, "O3", "A", "234.99", at(2025, 10, 14))
    led.run(Advance(at(2026, 2, 5), ("A",)))
    with store.session() as s:
        for account, name in (("A", "Jürgen Müller"), ("B", "Berta Brandt"),
                              ("A2", "Anton Zwei")):
            s.execute(update(AccountRow).where(AccountRow.id == account).values(name=name))
        s.add_all([
            MailCase(subject="Wo sind meine Punkte?", status=MailCaseStatus.OPEN,
                     account_id="C", opened_at=at(2026, 2, 1)),
            MailCase(subject="Danke", status=MailCaseStatus.CLOSED, account_id="E",
                     opened_at=at(2026, 1, 5)),
            Objection(kind=ObjectionKind.NOTICE, account_id="D", received_at=at(2026, 2, 2),
                      status=ObjectionStatus.RECORDED, recorded_by="sam"),
            Objection(kind=ObjectionKind.NOTICE, account_id="E", received_at=at(2026, 1, 6),
                      status=ObjectionStatus.UPHELD, recorded_by="sam"),
        ])
    return led


@pytest.fixture
def led(store: Store) -> Ledger:
    return build(store)


def page(led: Ledger, f: HistoryFilter = ALL, offset: int = 0, limit: int = 100,
         **kwargs: Any) -> list[history.HistoryRow]:
    with led.store.session() as s:
        return history.history_page(s, "A", f, offset, limit, **kwargs)


def count(led: Ledger, f: HistoryFilter = ALL) -> int:
    with led.store.session() as s:
        return history.history_count(s, "A", f)


# --------------------------------------------------------------------------- history


def test_history_pages_newest_first_with_running_balances(led: Ledger) -> None:
    # R11: the balance after each entry is the ledger's running sum (see the docstring)
    assert count(led) == 5
    assert [(r.id, r.points, r.balance) for r in page(led, limit=2)] == [
        ("A/E5", -700, 734), ("A/E4", 234, 1434)]
    assert [(r.id, r.balance) for r in page(led, offset=2, limit=2)] == [
        ("A/E3", 1200), ("A/E2", 1500)]
    assert [(r.id, r.balance) for r in page(led, offset=4, limit=2)] == [("A/E1", 1000)]
    assert page(led, offset=5, limit=2) == []
    assert [(r.seq, r.balance) for r in page(led, offset=1, limit=3, newest_first=False)] == [
        (2, 1500), (3, 1200), (4, 1434)]


def test_a_type_filter_keeps_the_real_running_balance(led: Ledger) -> None:
    """Only the credits are shown, but each keeps the account's balance after it: E4's
    1,434 includes the redemption E3 that the filter hides (R11)."""
    earns = HistoryFilter(frozenset({EntryType.EARN}))
    assert count(led, earns) == 3
    assert [(r.id, r.balance) for r in page(led, earns)] == [
        ("A/E4", 1434), ("A/E2", 1500), ("A/E1", 1000)]
    assert [(r.id, r.balance) for r in page(led, earns, offset=1, limit=1)] == [
        ("A/E2", 1500)]
    taken = HistoryFilter({EntryType.REDEMPTION, EntryType.EXPIRY})  # any iterable
    assert taken.types == frozenset({EntryType.REDEMPTION, EntryType.EXPIRY})
    assert [(r.id, r.balance) for r in page(led, taken, newest_first=False)] == [
        ("A/E3", 1200), ("A/E5", 734)]
    assert count(led, HistoryFilter(frozenset())) == 0 and page(led, HistoryFilter(
        frozenset())) == []


def test_a_period_filter_counts_berlin_calendar_dates(led: Ledger) -> None:
    spring = HistoryFilter(None, date(2025, 3, 1), date(2025, 4, 30))
    assert count(led, spring) == 2
    assert [(r.id, r.balance) for r in page(led, spring)] == [("A/E3", 1200), ("A/E2", 1500)]
    # R9/R10: the expiry is written at 04.02.2026 00:00 Berlin (23:00 UTC the day before):
    # it belongs to the 4th, not the 3rd
    assert count(led, HistoryFilter(period_to=date(2026, 2, 3))) == 4
    assert [r.id for r in page(led, HistoryFilter(period_from=date(2026, 2, 4)))] == ["A/E5"]
    both = HistoryFilter(frozenset({EntryType.EARN}), date(2025, 3, 10), date(2025, 10, 14))
    assert [(r.id, r.balance) for r in page(led, both)] == [("A/E4", 1434), ("A/E2", 1500)]


def test_a_redemption_shows_the_lots_it_drew_from(led: Ledger) -> None:
    """R13: the 300 points of R1 came from the oldest lot, A/L1 (usable until 03.02.2026,
    R9); a redemption sends no notice (R24)."""
    redemption = page(led, HistoryFilter(frozenset({EntryType.REDEMPTION})))[0]
    assert (redemption.id, redemption.points, redemption.source_kind,
            redemption.source_ref) == ("A/E3", -300, SourceKind.ORDER, "R1")
    assert redemption.allocations == (DrawnLot("A/L1", 300, date(2026, 2, 3)),)
    assert redemption.notice is None
    credit = page(led, HistoryFilter(frozenset({EntryType.EARN})), limit=1)[0]
    assert credit.allocations == (DrawnLot("A/L3", 234, date(2026, 10, 14)),)
    assert credit.notice is not None and credit.notice.kind is NoticeKind.CREDIT


def test_the_notice_of_an_expiry_with_the_figures_it_stated(led: Ledger) -> None:
    """R10/R24: the expiry notice is sent at the expiry instant and states the 700 points
    that expired, the balance left (500 + 234 = 734) and each lot with its date."""
    expiry = page(led, limit=1)[0]
    assert expiry.type is EntryType.EXPIRY and expiry.at == at(2026, 2, 4, 0)
    assert expiry.allocations == (DrawnLot("A/L1", 700, date(2026, 2, 3)),)
    notice = expiry.notice
    assert notice is not None
    assert (notice.kind, notice.sent_at, notice.points, notice.balance) == (
        NoticeKind.EXPIRY, at(2026, 2, 4, 0), -700, 734)
    assert notice.lots == (NoticeLotInfo("A/L2", 500, date(2026, 3, 10)),
                           NoticeLotInfo("A/L3", 234, date(2026, 10, 14)))


def test_pages_of_a_longer_history_add_up(store: Store) -> None:
    """Sixty credits of 1..60 points, every third one redeemed again in part: the running
    balance after each entry is the sum of all entries up to it (R11), on any page, in
    either direction, with and without a filter."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "L", "L-ORG", "L-1", "l@example.com"))
    for i in range(1, 61):
        order(led, f"L{i}", "L", f"{i}.00", at(2025, 2, 1) + timedelta(days=i))
        if i % 3 == 0:
            led.run(PlaceOrder(at(2025, 2, 1, 20) + timedelta(days=i), SHOP, f"LR{i}", "L",
                               Decimal("5.00"), redeem=i // 3))
    entries = led.entries_of("L")
    running, expected = 0, {}
    for e in entries:
        running += e.points
        expected[e.id] = running
    with store.session() as s:
        for f in (ALL, HistoryFilter(frozenset({EntryType.REDEMPTION})),
                  HistoryFilter(frozenset({EntryType.EARN}), date(2025, 3, 1),
                                date(2025, 3, 20))):
            total = history.history_count(s, "L", f)
            for newest_first in (True, False):
                seen = []
                for offset in range(0, total, 7):
                    seen += history.history_page(s, "L", f, offset, 7,
                                               newest_first=newest_first)
                assert len(seen) == total
                assert all(r.balance == expected[r.id] for r in seen)
                assert [r.seq for r in seen] == sorted((r.seq for r in seen),
                                                       reverse=newest_first)
    assert len(entries) == 80 and running == sum(range(1, 61)) - sum(range(1, 21))


def test_views_take_a_session_or_a_connection(led: Ledger) -> None:
    with led.store.engine.connect() as conn:
        rows = history.history_page(conn, "A", ALL, 0, 1)
        assert history.history_count(conn, "A") == 5
    assert [r.id for r in rows] == ["A/E5"]


# --------------------------------------------------------------------------- balances


def test_balance_as_of_before_and_after_an_expiry(led: Ledger) -> None:
    """R10: as of t, a lot whose expiry instant is at or before t is not counted."""
    with led.store.session() as s:
        def bal(t: datetime) -> int:
            return statement.balance_as_of(s, "A", t)

        assert bal(at(2025, 1, 1)) == 0
        assert bal(at(2025, 2, 3, 12)) == 1000  # E1 at that very instant counts
        assert bal(at(2025, 4, 1, 9, 59)) == 1500
        assert bal(at(2025, 4, 1)) == 1200
        # the written expiry of A/L1 at 04.02.2026 00:00
        assert bal(at(2026, 2, 3, 23, 59)) == 1434
        assert bal(at(2026, 2, 4, 0)) == 734
        # A/L2 expires 11.03.2026 00:00 (R9), and nothing has written its expiry yet:
        # as of then it is gone all the same
        assert bal(at(2026, 3, 10, 23, 59)) == 734
        assert bal(at(2026, 3, 11, 0)) == 234
        assert bal(at(2027, 1, 1)) == 0
        assert statement.balance_as_of(s, "nobody", at(2026, 1, 1)) == 0
        # a debt is a negative balance (R15)
        assert statement.balance_as_of(s, "B", at(2025, 2, 16)) == -1500


def test_balance_series_and_its_downsampling(led: Ledger) -> None:
    with led.store.session() as s:
        series = statement.balance_series(s, "A")
        small = statement.balance_series(s, "A", max_points=4)
    assert series == [(at(2025, 2, 3, 12), 1000), (at(2025, 3, 10, 12), 1500),
                      (at(2025, 4, 1), 1200), (at(2025, 10, 14, 12), 1434),
                      (at(2026, 2, 4, 0), 734)]
    # four points: the first, the last, and the one bucket between them gives its
    # highest (1,500) and lowest (1,200) in the order they happened
    assert small == [series[0], series[1], series[2], series[4]]


# --------------------------------------------------------------------------- customers


def _hit(account: str) -> Hit:
    return Hit(account, "", "", "", "customer_number", "exact", account, 1)


def test_customer_rows_and_their_flags(led: Ledger) -> None:
    now = at(2026, 2, 20)
    with led.store.session() as s:
        rows = customers.customer_rows(s, [_hit(a) for a in ("A", "B", "C", "nobody", "D", "E",
                                                         "A")], now)
    got = {r.id: r for r in rows}
    assert [r.id for r in rows] == ["A", "B", "C", "D", "E"]
    a, b = got["A"], got["B"]
    assert (a.name, a.email, a.organisation, a.tier, a.status) == (
        "Jürgen Müller", "a@example.com", "ACME", Tier.BRONZE, Status.ACTIVE)
    # R11: A/L2 500 + A/L3 234; A/L2 expires 11.03.2026 00:00, within 30 days of 20.02
    assert (a.balance, a.debt, a.in_debt, a.expiring_30_days) == (734, 0, False, 500)
    assert (a.open_case, a.abuse_review) == (False, False)
    # R15: B's debt of 1,500; the open abuse case on B (R21, R22)
    assert (b.balance, b.debt, b.in_debt, b.abuse_review, b.open_case) == (
        -1500, 1500, True, True, False)
    assert got["C"].open_case and got["D"].open_case and not got["E"].open_case
    assert not any(got[x].abuse_review for x in "CDE")
    assert (a.matched, a.how) == ("customer_number", "exact")


def test_customer_rows_from_a_real_search(led: Ledger) -> None:
    if led.store.dialect != "sqlite":
        pytest.skip("search is the desktop's local SQLite store only")
    from xrewards_desk.store.search import search

    with led.store.session() as s:
        rows = customers.customer_rows(s, search(s, "muller"), at(2026, 2, 20))
    assert [(r.id, r.balance, r.matched) for r in rows] == [("A", 734, "name")]


def test_customer_page_of_a(led: Ledger) -> None:
    now = at(2026, 2, 20)
    with led.store.session() as s:
        p = customers.customer_page(s, "A", now)
        assert customers.customer_page(s, "nobody", now) is None
    assert p is not None
    assert (p.profile.id, p.profile.name, p.profile.email, p.profile.status,
            p.profile.registered_at) == ("A", "Jürgen Müller", "a@example.com", Status.ACTIVE,
                                         at(2025, 1, 2))
    assert (p.organisation.id, p.billing.id) == ("ACME", "ACME-1")
    # R20: the colleague on the same billing account (not A2, on ACME-2), with its balance
    assert [(c.id, c.name, c.balance) for c in p.colleagues] == [("B", "Berta Brandt", -1500)]
    # R6/R7: 1,000.00 + 500.50 + 234.99 = 1,735.49 EUR; silver from 20,000.00
    assert (p.tier, p.spend, p.next_tier, p.spend_to_next) == (
        Tier.BRONZE, Decimal("1735.49"), Tier.SILVER, Decimal("18264.51"))
    assert (p.rate, p.referral_bonus) == (1, 5000)
    assert (p.balance, p.debt, p.expiring_30_days, p.redeem_until) == (734, 0, 500, None)
    assert [(x.lot_id, x.usable_until, x.points, x.remaining, x.source_ref,
             x.expiring_within_30_days) for x in p.lots] == [
        ("A/L2", date(2026, 3, 10), 500, 500, "O2", True),
        ("A/L3", date(2026, 10, 14), 234, 234, "O3", False)]
    assert p.lots[0].expires_at == at(2026, 3, 11, 0) and p.lots[0].expiring_soon
    assert p.discount is None and p.referrer is None and p.referred == ()
    assert p.cases.total == 0 and p.claims == ()


def test_customer_page_after_a_lot_lapsed_unwritten(led: Ledger) -> None:
    """R10: on 12.03.2026 A/L2 has expired although no expiry entry was written yet."""
    with led.store.session() as s:
        p = customers.customer_page(s, "A", at(2026, 3, 12))
    assert p is not None
    assert (p.balance, p.expiring_30_days) == (234, 0)
    assert [x.lot_id for x in p.lots] == ["A/L3"]


def test_customer_page_counts_cases(led: Ledger) -> None:
    with led.store.session() as s:
        b = customers.customer_page(s, "B", at(2026, 2, 20))
        c = customers.customer_page(s, "C", at(2026, 2, 20))
        d = customers.customer_page(s, "D", at(2026, 2, 20))
        e = customers.customer_page(s, "E", at(2026, 2, 20))
    assert b is not None and c is not None and d is not None and e is not None
    assert (b.cases.abuse_cases, b.debt, b.balance, b.lots) == (1, 1500, -1500, ())
    assert [x.id for x in b.colleagues] == ["A"]
    assert (c.cases.mail_cases, c.cases.objections, c.cases.total) == (1, 0, 1)
    assert (d.cases.mail_cases, d.cases.objections) == (0, 1)
    assert e.cases.total == 0


@pytest.mark.parametrize(("net", "tier", "following", "to_next"), [
    ("19999.99", Tier.BRONZE, Tier.SILVER, Decimal("0.01")),
    ("20000.00", Tier.SILVER, Tier.GOLD, Decimal("50000.00")),
    ("69999.99", Tier.SILVER, Tier.GOLD, Decimal("0.01")),
    ("70000.00", Tier.GOLD, None, None),
])
def test_tier_and_the_spend_to_the_next(store: Store, net: str, tier: Tier,
                                        following: Tier | None,
                                        to_next: Decimal | None) -> None:
    """R7: bronze below 20,000.00, silver from 20,000.00 up to 69,999.99, gold from
    70,000.00; R8: the first order earns at bronze, 1 point per EUR."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "S", "S-ORG", "S-1", "s@example.com"))
    order(led, "S1", "S", net, at(2025, 2, 3))
    with store.session() as s:
        p = customers.customer_page(s, "S", at(2025, 3, 1))
    assert p is not None
    assert (p.tier, p.next_tier, p.spend_to_next, p.balance) == (
        tier, following, to_next, int(Decimal(net)))


def _referral(store: Store) -> Ledger:
    """R earns 1,000 (03.02.2025), refers F (01.03.2025); F's first order completes
    20.03.2025, so R gets the bronze bonus of 5,000 (R19, lot R/L2). R redeems 1,500 on
    22.03.2025: 1,000 from R/L1, 500 from R/L2 (R13). Compliance confirms the
    self-referral on 25.03.2025 (R22): R/L2's 4,500 left are void, its 500 redeemed
    become a claim of 5.00 EUR against R; F's unused code is void."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "R", "R-ORG", "R-1", "r@example.com"))
    order(led, "RO1", "R", "1000.00", at(2025, 2, 3))
    led.run(Register(at(2025, 3, 1), SHOP, "F", "F-ORG", "F-1", "f@example.com",
                     referred_by="R"))
    return led


def test_referrals_and_the_discount_code(store: Store) -> None:
    led = _referral(store)
    with store.session() as s:
        f = customers.customer_page(s, "F", at(2025, 3, 2))
    # R18: the code is valid through the same date twelve months later
    assert f is not None and f.discount is not None
    assert (f.discount.code, f.discount.valid_until, f.discount.state, f.discount.usable) == (
        "R10-F", date(2026, 3, 1), "usable", True)
    assert f.referrer is not None and (f.referrer.id, f.referrer.void) == ("R", False)
    with store.session() as s:
        later = customers.customer_page(s, "F", at(2026, 3, 2))
    assert later is not None and later.discount is not None
    assert (later.discount.state, later.discount.usable) == ("expired", False)
    # R18: an order placed without the code makes that order the first one
    led.run(PlaceOrder(at(2025, 3, 5), SHOP, "FO0", "F", Decimal("50.00")))
    with store.session() as s:
        f = customers.customer_page(s, "F", at(2025, 3, 6))
    assert f is not None and f.discount is not None
    assert f.discount.state == "first_order_only"


def test_a_confirmed_self_referral_on_both_pages(store: Store) -> None:
    led = _referral(store)
    order(led, "FO1", "F", "100.00", at(2025, 3, 20))
    led.run(PlaceOrder(at(2025, 3, 22), SHOP, "RO2", "R", Decimal("15.00"), redeem=1500))
    led.run(ConfirmSelfReferral(at(2025, 3, 25), CORA, "F"))
    with store.session() as s:
        r = customers.customer_page(s, "R", at(2025, 4, 1))
        f = customers.customer_page(s, "F", at(2025, 4, 1))
        voids = history.history_page(s, "R", HistoryFilter(frozenset({EntryType.VOID})))
    assert r is not None and f is not None
    assert [(x.id, x.void) for x in r.referred] == [("F", True)]
    assert f.referrer is not None and (f.referrer.id, f.referrer.void) == ("R", True)
    assert f.discount is not None and f.discount.state == "void"
    assert (r.balance, r.claims_total) == (0, Decimal("5.00"))
    assert [(c.amount, c.state, c.state_by) for c in r.claims] == [
        (Decimal("5.00"), ClaimState.OPEN, None)]
    assert [(v.points, v.balance, v.allocations) for v in voids] == [
        (-4500, 0, (DrawnLot("R/L2", 4500, date(2026, 3, 20)),))]


def test_a_provider_termination_window_shortens_every_lot(store: Store) -> None:
    """R23: notice given on 10.01.2026 (+ 28 days = 07.02.2026) takes effect at the end of
    28.02.2026: active until then, terminated from 01.03.2026; points can be redeemed
    through 28.05.2026; everything left expires at 29.05.2026 00:00."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "T", "T-ORG", "T-1", "t@example.com"))
    order(led, "T1", "T", "800.00", at(2025, 12, 1))
    led.run(Close(at(2026, 1, 10), TESS, "T", ClosedBy.PROVIDER))
    with store.session() as s:
        running = customers.customer_page(s, "T", at(2026, 2, 20))
        p = customers.customer_page(s, "T", at(2026, 5, 10))
        gone = customers.customer_page(s, "T", at(2026, 5, 30))
        rows = customers.customer_rows(s, [_hit("T")], at(2026, 3, 1))
    assert running is not None and p is not None and gone is not None
    assert (running.profile.status, running.balance, running.redeem_until) == (
        Status.ACTIVE, 800, None)
    assert (p.profile.status, p.balance, p.expiring_30_days) == (Status.TERMINATED, 800, 800)
    assert p.redeem_until == at(2026, 5, 29, 0)
    assert [(x.usable_until, x.expires_at, x.expiring_soon) for x in p.lots] == [
        (date(2026, 5, 28), at(2026, 5, 29, 0), True)]
    assert (gone.balance, gone.lots) == (0, ())
    assert (rows[0].balance, rows[0].expiring_30_days) == (800, 0)  # 29.05 > 31.03


# --------------------------------------------------------------------------- exports


def test_write_csv(led: Ledger) -> None:
    out = io.StringIO(newline="")
    with led.store.session() as s:
        n = history.write_csv(s, "A", HistoryFilter(frozenset({EntryType.EARN})), out, "en")
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert n == 3 and len(rows) == 4
    assert rows[0][:8] == ["entry", "no", "date", "time", "type", "description", "points",
                           "balance"]
    # oldest first; O2 completed 10.03.2025 12:00 (CET, +01:00); balance after it 1,500
    assert rows[2] == ["A/E2", "2", "2025-03-10", "2025-03-10T12:00:00+01:00", "earn",
                       "Credit for an order", "500", "1500", "order", "O2", "", "credit",
                       "2025-03-10T12:00:00+01:00", "A/L2:500:2026-03-10"]
    german = io.StringIO(newline="")
    with led.store.session() as s:
        history.write_csv(s, "A", ALL, german, "de")
    lines = list(csv.reader(io.StringIO(german.getvalue())))
    assert lines[0][0] == "Buchung" and len(lines) == 6
    # the expiry at 04.02.2026 00:00 Berlin is on the 4th (R10), -700, balance 734
    assert lines[5][2:8] == ["2026-02-04", "2026-02-04T00:00:00+01:00", "expiry", "Verfall",
                             "-700", "734"]


def test_statement_of_a_period(led: Ledger) -> None:
    with led.store.session() as s:
        st = statement.statement(s, "A", date(2025, 3, 1), date(2025, 10, 31), at(2026, 2, 20),
                             "de")
    assert st is not None
    # before 01.03.2025 only E1 (1,000); in the period E2, E3, E4
    assert (st.opening, st.closing, st.credits, st.debits) == (1000, 1434, 734, -300)
    assert [(x.id, x.day, x.points, x.balance, x.label) for x in st.entries] == [
        ("A/E2", date(2025, 3, 10), 500, 1500, "Gutschrift für eine Bestellung"),
        ("A/E3", date(2025, 4, 1), -300, 1200, "Einlösung"),
        ("A/E4", date(2025, 10, 14), 234, 1434, "Gutschrift für eine Bestellung")]
    # the lots still usable as of 20.02.2026, and the balance then
    assert [(x.lot_id, x.usable_until, x.remaining) for x in st.lots] == [
        ("A/L2", date(2026, 3, 10), 500), ("A/L3", date(2026, 10, 14), 234)]
    assert (st.balance, st.name, st.organisation) == (734, "Jürgen Müller", "ACME")


def test_statement_with_an_expiry_not_written_yet(led: Ledger) -> None:
    """R10: A/L2 expired at 11.03.2026 00:00 with nothing written since; the statement of
    March shows it, without an entry id, and its balances add up."""
    with led.store.session() as s:
        st = statement.statement(s, "A", date(2026, 3, 1), date(2026, 3, 31), at(2026, 4, 1),
                             "en")
        open_ended = statement.statement(s, "A", None, None, at(2026, 4, 1), "en")
    assert st is not None and open_ended is not None
    assert (st.opening, st.closing) == (734, 234)
    assert [(x.id, x.at, x.type, x.points, x.balance, x.label) for x in st.entries] == [
        (None, at(2026, 3, 11, 0), EntryType.EXPIRY, -500, 234, "Expiry")]
    assert [x.lot_id for x in st.lots] == ["A/L3"]
    assert (open_ended.opening, open_ended.closing, len(open_ended.entries)) == (0, 234, 6)
    with led.store.session() as s, pytest.raises(ValueError):
        statement.statement(s, "A", date(2026, 3, 2), date(2026, 3, 1), at(2026, 4, 1), "en")


def test_a_transfer_and_a_goodwill_credit_in_the_history(store: Store) -> None:
    from xrewards_desk.domain import ApproveTransfer, TransferReason, TransferRequest

    led = Ledger(store)
    for account in ("W", "G"):
        led.run(Register(at(2025, 1, 2), SHOP, account, "ORG", "BA", f"{account}@x.example"))
    order(led, "W1", "W", "1000.00", at(2025, 2, 3))
    led.run(ApproveTransfer(at(2025, 3, 1), TESS, TransferRequest(
        at(2025, 3, 1), SAM, "W", "G", 400, TransferReason.OTHER,
        justification="reorganisation", ref="17")))
    led.run(Adjust(at(2025, 3, 5), TESS, AdjustmentRequest(
        at(2025, 3, 5), SAM, "W", 250, "late parcel", goodwill=True), approver=TESS))
    with store.session() as s:
        w = history.history_page(s, "W", ALL, 0, 10, newest_first=False)
        g = history.history_page(s, "G", ALL, 0, 10)
    assert [(r.type, r.points, r.balance, r.source_ref, r.note) for r in w] == [
        (EntryType.EARN, 1000, 1000, "W1", ""),
        (EntryType.TRANSFER_OUT, -400, 600, "17", ""),
        (EntryType.ADJUSTMENT, 250, 850, "", "goodwill: late parcel")]
    # R20: the arriving lot keeps the original credit's date
    assert [(r.type, r.points, r.balance, r.allocations) for r in g] == [
        (EntryType.TRANSFER_IN, 400, 400, (DrawnLot("G/L1", 400, date(2026, 2, 3)),))]
    assert w[1].allocations == (DrawnLot("W/L1", 400, date(2026, 2, 3)),)
