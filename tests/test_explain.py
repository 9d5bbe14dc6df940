"""Explain (xrewards_desk/domain/explain.py): where a balance comes from, in German and
English, each sentence tied to what it explains (its entries and their types, its claims,
the account's facts).

The histories are made by the real engine in a real store (tests/test_views.py builds
them); the sentences expected are written out by hand from ../shared/RULES.md and
../shared/GLOSSARY.md, the rule cited beside each. The property tests at the end explain
every account of random action sequences (tests/test_properties.py's generator, and one of
self-referrals made here) and check that every entry, every claim, a void discount code and
the account's ending are covered, in both languages; a mix test shows that they reach
every entry type, every kind of claim and every ending.
"""

from __future__ import annotations

import random
from collections import Counter
from contextlib import suppress
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.people import CORA, SAM, SHOP, TESS, TIM
from tests.test_properties import STARTS, Choices, Drawn, Seeded, play
from tests.test_views import _referral, at, build, order
from xrewards_desk.domain import (
    BERLIN,
    Action,
    Adjust,
    AdjustmentRequest,
    ApproveTransfer,
    Cancel,
    Close,
    ClosedBy,
    ConfirmSelfReferral,
    Deliver,
    Pay,
    PlaceOrder,
    Refusal,
    Register,
    TransferReason,
    TransferRequest,
)
from xrewards_desk.domain.explain import (
    ClaimKind,
    Sentence,
    Topic,
    claim_kind,
    entry_label,
    explain,
    format_date,
    format_money,
    format_number,
    format_points,
)
from xrewards_desk.domain.memory import MemoryStore
from xrewards_desk.domain.model import Claim, EntryType, Status
from xrewards_desk.store.db import Store
from xrewards_desk.store.ledger import Ledger
from xrewards_desk.store.models import ClaimRow
from xrewards_desk.store.read import accounts, explanation

T = EntryType
BALANCE = (Topic.BALANCE,)
UNTIL = (Topic.USABLE_UNTIL,)


def sentences(store: Store, account: str, now_: object, language: str) -> list[Sentence]:
    with store.session() as s:
        return explanation.explanation(s, account, now_, language)  # type: ignore[arg-type]


def claim_ids(store: Store, account: str) -> list[str]:
    """The ids the store gave an account's claims, in the order written."""
    with store.session() as s:
        return [str(i) for i in s.scalars(select(ClaimRow.id)
                                           .where(ClaimRow.account_id == account)
                                           .order_by(ClaimRow.at, ClaimRow.id))]


def test_numbers_and_dates_per_language() -> None:
    assert format_number(1234567, "de") == "1.234.567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(-1500, "de") == "-1.500"
    assert format_points(1, "de") == "1 X-Point" and format_points(2, "de") == "2 X-Points"
    assert format_points(1, "en") == "1 point" and format_points(1234, "en") == "1,234 points"
    assert format_date(date(2026, 3, 31), "en") == format_date(date(2026, 3, 31), "de") \
        == "31.03.2026"
    assert entry_label(EntryType.EXPIRY, "de") == "Verfall"
    assert entry_label(EntryType.TRANSFER_IN, "de-DE") == "Übertragung von Kollegen"
    assert entry_label(EntryType.REDEMPTION, "fr") == "Redemption"  # not German: English
    assert format_money(Decimal("1234.5"), "de") == "1.234,50 €"
    assert format_money(Decimal("1234.5"), "en") == "€1,234.50"
    assert format_money(Decimal("-0.05"), "en") == "-€0.05"


def test_a_in_english_and_german(store: Store) -> None:
    """A (tests/test_views.py): 1,000 + 500 + 234 earned on O1, O2, O3 (R7, R8); 300
    redeemed on R1 from A/L1 (R13); A/L1's 700 left expired 04.02.2026 (R9, R10);
    balance 500 + 234 = 734 (R11), in A/L2 (usable until 10.03.2026, credited by E2) and
    A/L3 (until 14.10.2026, credited by E4)."""
    build(store)
    now = at(2026, 2, 20)
    assert sentences(store, "A", now, "en") == [
        Sentence("You earned 1,734 points from 3 orders between 03.02.2025 and 14.10.2025.",
                 ("A/E1", "A/E2", "A/E4"), (T.EARN,)),
        Sentence("You paid for 1 order with 300 points on 01.04.2025.", ("A/E3",),
                 (T.REDEMPTION,)),
        Sentence("700 points from 1 credit expired on 04.02.2026.", ("A/E5",), (T.EXPIRY,)),
        Sentence("Your balance is 734 points.", ("A/E2", "A/E4"), topics=BALANCE),
        Sentence("500 points are usable until 10.03.2026.", ("A/E2",), topics=UNTIL),
        Sentence("234 points are usable until 14.10.2026.", ("A/E4",), topics=UNTIL),
    ]
    assert [s.text for s in sentences(store, "A", now, "de")] == [
        "Für 3 Bestellungen haben Sie zwischen dem 03.02.2025 und dem 14.10.2025 "
        "Gutschriften über insgesamt 1.734 X-Points erhalten.",
        "Sie haben am 01.04.2025 bei 1 Bestellung 300 X-Points eingelöst.",
        "700 X-Points aus 1 Gutschrift sind am 04.02.2026 verfallen.",
        "Ihr Kontostand beträgt 734 X-Points.",
        "500 X-Points sind gültig bis 10.03.2026.",
        "234 X-Points sind gültig bis 14.10.2026.",
    ]


def test_an_expiry_not_written_yet_is_explained_as_expired(store: Store) -> None:
    """R10: on 12.03.2026 A/L2 (500, credited by E2) has expired at 11.03.2026 00:00 though
    no entry says so yet: two credits expired, 1,200 points, and 234 are left."""
    build(store)
    assert sentences(store, "A", at(2026, 3, 12), "en")[2:] == [
        Sentence("1,200 points from 2 credits expired between 04.02.2026 and 11.03.2026.",
                 ("A/E5", "A/E2"), (T.EXPIRY,)),
        Sentence("Your balance is 234 points.", ("A/E4",), topics=BALANCE),
        Sentence("234 points are usable until 14.10.2026.", ("A/E4",), topics=UNTIL),
    ]


def test_debt_after_a_reversal(store: Store) -> None:
    """B: 2,000 earned (R8), 1,500 redeemed, then the order is cancelled in full: the
    reversal takes 2,000 (R15), 500 from its own lot, 1,500 become debt, which the next
    credits pay first (R11)."""
    build(store)
    now = at(2025, 3, 1)
    assert sentences(store, "B", now, "en") == [
        Sentence("You earned 2,000 points from 1 order on 01.02.2025.", ("B/E1",), (T.EARN,)),
        Sentence("You paid for 1 order with 1,500 points on 10.02.2025.", ("B/E2",),
                 (T.REDEMPTION,)),
        Sentence("Because 1 order was cancelled after it was credited, 2,000 points were "
                 "taken back on 15.02.2025.", ("B/E3",), (T.REVERSAL,)),
        Sentence("Your balance is -1,500 points: a debt of 1,500 points, because points "
                 "taken back had already been used; your next credits pay it off first.",
                 ("B/E3",), topics=BALANCE),
    ]
    assert [s.text for s in sentences(store, "B", now, "de")] == [
        "Für 1 Bestellung haben Sie am 01.02.2025 eine Gutschrift über 2.000 X-Points "
        "erhalten.",
        "Sie haben am 10.02.2025 bei 1 Bestellung 1.500 X-Points eingelöst.",
        "Wegen der Stornierung von 1 Bestellung nach der Gutschrift wurden 2.000 X-Points "
        "am 15.02.2025 zurückgenommen (Stornierung der Gutschrift).",
        "Ihr Kontostand beträgt -1.500 X-Points (Minussaldo): Zurückgenommene X-Points "
        "waren bereits eingelöst, und Ihre nächsten Gutschriften gleichen die 1.500 "
        "X-Points zuerst aus.",
    ]


def test_referral_bonus_and_void_with_a_claim(store: Store) -> None:
    """R: 1,000 earned; the bronze referral bonus of 5,000 when F's first order completed
    on 20.03.2025 (R7, R19); 1,500 redeemed (R13: 1,000 from the order's lot, 500 of the
    bonus); the self-referral confirmed on 25.03.2025 voids the bonus's 4,500 left
    (R22, "nichtig"), and the 500 of it already redeemed become a claim of 500 / 100 =
    5.00 EUR against R, the referrer (R22, "Anspruch auf Wertersatz"). F's code was never
    used (F's order of 100.00 was placed without it): it is void, with no claim (R22)."""
    led = _referral(store)
    order(led, "FO1", "F", "100.00", at(2025, 3, 20))
    led.run(PlaceOrder(at(2025, 3, 22), SHOP, "RO2", "R", Decimal("15.00"), redeem=1500))
    led.run(ConfirmSelfReferral(at(2025, 3, 25), CORA, "F"))
    now = at(2025, 4, 1)
    (claim,) = claim_ids(store, "R")
    assert claim_ids(store, "F") == []
    assert sentences(store, "R", now, "en") == [
        Sentence("You earned 1,000 points from 1 order on 03.02.2025.", ("R/E1",), (T.EARN,)),
        Sentence("You received 5,000 points in referral bonuses for 1 customer you referred "
                 "on 20.03.2025.", ("R/E2",), (T.REFERRAL_BONUS,)),
        Sentence("You paid for 1 order with 1,500 points on 22.03.2025.", ("R/E3",),
                 (T.REDEMPTION,)),
        Sentence("After an abuse review, 4,500 points were declared void on 25.03.2025.",
                 ("R/E4",), (T.VOID,), topics=(Topic.BONUS_VOID,)),
        Sentence("Because an abuse review confirmed on 25.03.2025 that your referral of "
                 "customer F was a self-referral, your referral bonus is void; for the 500 "
                 "points of it already used we claim €5.00 from you.", (), (), (claim,),
                 (Topic.BONUS_VOID,)),
        Sentence("Your balance is 0 points.", (), topics=BALANCE),
    ]
    assert [s.text for s in sentences(store, "R", now, "de")] == [
        "Für 1 Bestellung haben Sie am 03.02.2025 eine Gutschrift über 1.000 X-Points "
        "erhalten.",
        "Für 1 Empfehlung haben Sie am 20.03.2025 eine Gutschrift über 5.000 X-Points "
        "erhalten.",
        "Sie haben am 22.03.2025 bei 1 Bestellung 1.500 X-Points eingelöst.",
        "Nach einer Missbrauchsprüfung wurden 4.500 X-Points am 25.03.2025 für nichtig "
        "erklärt.",
        "Weil eine Missbrauchsprüfung am 25.03.2025 Ihre Empfehlung des Kunden F als "
        "Selbstempfehlung bestätigt hat, ist Ihre Gutschrift für die Empfehlung nichtig; für "
        "die bereits eingelösten 500 X-Points haben wir einen Anspruch auf Wertersatz von "
        "5,00 € gegen Sie.",
        "Ihr Kontostand beträgt 0 X-Points.",
    ]
    assert sentences(store, "F", now, "en")[1] == Sentence(
        "Because an abuse review confirmed that your registration through a referral was a "
        "self-referral, your discount code is void and can no longer be used.", (),
        topics=(Topic.DISCOUNT_VOID,))
    assert sentences(store, "F", now, "de")[1].text == (
        "Weil eine Missbrauchsprüfung Ihre Registrierung über eine Empfehlung als "
        "Selbstempfehlung bestätigt hat, ist Ihr Rabatt-Code nichtig und kann nicht mehr "
        "verwendet werden.")


def test_a_bonus_spent_in_full_leaves_no_void_entry_but_a_claim(store: Store) -> None:
    """The demo's case (Elisa Bruno): the referrer spends the whole bonus before the case
    is confirmed. R's 1,000 (03.02.2025) and 5,000 bonus (20.03.2025, R19) pay 6,000 for
    an order of 60.00 on 22.03.2025 (R12, R13); on 25.03.2025 the confirmed self-referral
    finds nothing left to void (no `void` entry), and the 5,000 redeemed of the bonus
    become a claim of 50.00 EUR (R22). Closing by the customer on 26.03.2025 forfeits
    nothing, as nothing is left (R23)."""
    led = _referral(store)
    order(led, "FO1", "F", "100.00", at(2025, 3, 20))
    led.run(PlaceOrder(at(2025, 3, 22), SHOP, "RO2", "R", Decimal("60.00"), redeem=6000))
    led.run(ConfirmSelfReferral(at(2025, 3, 25), CORA, "F"))
    led.run(Close(at(2025, 3, 26), SAM, "R", ClosedBy.CUSTOMER))
    (claim,) = claim_ids(store, "R")
    assert sentences(store, "R", at(2025, 4, 1), "en")[2:] == [
        Sentence("You paid for 1 order with 6,000 points on 22.03.2025.", ("R/E3",),
                 (T.REDEMPTION,)),
        Sentence("Because an abuse review confirmed on 25.03.2025 that your referral of "
                 "customer F was a self-referral, your referral bonus is void; for the 5,000 "
                 "points of it already used we claim €50.00 from you.", (), (), (claim,),
                 (Topic.BONUS_VOID,)),
        Sentence("You ended your participation on 26.03.2025: your account is closed and no "
                 "longer earns or redeems points.", (), topics=(Topic.CLOSED,)),
        Sentence("Your balance is 0 points.", (), topics=BALANCE),
    ]
    assert [s.text for s in sentences(store, "R", at(2025, 4, 1), "de")[3:5]] == [
        "Weil eine Missbrauchsprüfung am 25.03.2025 Ihre Empfehlung des Kunden F als "
        "Selbstempfehlung bestätigt hat, ist Ihre Gutschrift für die Empfehlung nichtig; für "
        "die bereits eingelösten 5.000 X-Points haben wir einen Anspruch auf Wertersatz von "
        "50,00 € gegen Sie.",
        "Sie haben Ihre Teilnahme am 26.03.2025 beendet: Ihr X-Konto ist geschlossen, es "
        "werden keine X-Points mehr gutgeschrieben oder eingelöst.",
    ]


def test_a_used_discount_claimed_then_no_longer_owed(store: Store) -> None:
    """F uses the 10 % code on its first order of 250.00 (R18: 250.00 - 225.00 = 25.00
    off) on 05.03.2025; the self-referral is confirmed on 10.03.2025 before the order
    completes: the used code becomes a claim of 25.00 EUR against F, the invitee (R22).
    The order is cancelled in full on 12.03.2025: a void code never comes back, and what
    it took off is no longer owed (claim -25.00), so nothing is claimed in all. F is
    terminated for cause with the confirmation (R22, R23): nothing to forfeit."""
    led = _referral(store)
    led.run(PlaceOrder(at(2025, 3, 5), SHOP, "FO1", "F", Decimal("250.00"),
                       use_discount=True))
    led.run(ConfirmSelfReferral(at(2025, 3, 10), CORA, "F", ("F",)))
    led.run(Cancel(at(2025, 3, 12), SHOP, "FO1"))
    used, cancelled = claim_ids(store, "F")
    assert sentences(store, "F", at(2025, 4, 1), "en") == [
        Sentence("Because an abuse review confirmed on 10.03.2025 that your registration "
                 "through a referral was a self-referral, your discount code is void; we "
                 "claim the €25.00 it took off order FO1 from you.", (), (), (used,),
                 (Topic.DISCOUNT_VOID,)),
        Sentence("Order FO1, on which you had used the void discount code, was cancelled in "
                 "full on 12.03.2025, so its discount is no longer owed: our claim falls by "
                 "€25.00.", (), (), (cancelled,), (Topic.DISCOUNT_VOID,)),
        Sentence("In all, we no longer claim anything from you.", (), (), (used, cancelled),
                 (Topic.CLAIMS_TOTAL,)),
        Sentence("We terminated your participation for cause on 10.03.2025: your account no "
                 "longer earns or redeems points.", (), topics=(Topic.TERMINATED_FOR_CAUSE,)),
        Sentence("There have been no movements on your account yet; your balance is 0 "
                 "points.", (), topics=BALANCE),
    ]
    assert [s.text for s in sentences(store, "F", at(2025, 4, 1), "de")[:4]] == [
        "Weil eine Missbrauchsprüfung am 10.03.2025 Ihre Registrierung über eine Empfehlung "
        "als Selbstempfehlung bestätigt hat, ist Ihr Rabatt-Code nichtig; für die 25,00 € "
        "Rabatt auf die Bestellung FO1 haben wir einen Anspruch auf Wertersatz gegen Sie.",
        "Die Bestellung FO1, auf die Sie den nichtigen Rabatt-Code angewendet hatten, wurde "
        "am 12.03.2025 vollständig storniert; der Rabatt ist nicht mehr zu ersetzen, und "
        "unser Anspruch auf Wertersatz sinkt um 25,00 €.",
        "Insgesamt besteht kein Anspruch auf Wertersatz mehr gegen Sie.",
        "Wir haben Ihre Teilnahme am 10.03.2025 aus wichtigem Grund gekündigt: Es werden "
        "keine X-Points mehr gutgeschrieben oder eingelöst.",
    ]


def test_transfer_goodwill_and_forfeit(store: Store) -> None:
    """W earns 1,000 (03.02.2025), transfers 400 to colleague G (R20, 01.03.2025), gets
    250 as goodwill (R25/R26, 05.03.2025), and closes the account on 01.04.2025: the
    850 left are forfeited (R23, closing by the customer). G's 400 keep the original
    credit's date: usable until 03.02.2026 (R20)."""
    led = Ledger(store)
    for account in ("W", "G"):
        led.run(Register(at(2025, 1, 2), SHOP, account, "ORG", "BA", f"{account}@x.example"))
    order(led, "W1", "W", "1000.00", at(2025, 2, 3))
    led.run(ApproveTransfer(at(2025, 3, 1), TESS, TransferRequest(
        at(2025, 3, 1), SAM, "W", "G", 400, TransferReason.OTHER,
        justification="reorganisation", ref="17")))
    led.run(Adjust(at(2025, 3, 5), TESS, AdjustmentRequest(
        at(2025, 3, 5), SAM, "W", 250, "late parcel", goodwill=True), approver=TESS))
    led.run(Close(at(2025, 4, 1), SAM, "W", ClosedBy.CUSTOMER))
    now = at(2025, 4, 2)
    assert sentences(store, "W", now, "en") == [
        Sentence("You earned 1,000 points from 1 order on 03.02.2025.", ("W/E1",), (T.EARN,)),
        Sentence("As a goodwill gesture we credited 250 points to your account on "
                 "05.03.2025.", ("W/E3",), (T.ADJUSTMENT,)),
        Sentence("You transferred 400 points to colleagues in your organisation in "
                 "1 transfer on 01.03.2025.", ("W/E2",), (T.TRANSFER_OUT,)),
        Sentence("You ended your participation on 01.04.2025: your account is closed, and "
                 "850 points were forfeited on 01.04.2025.", ("W/E4",), (T.FORFEIT,),
                 topics=(Topic.CLOSED,)),
        Sentence("Your balance is 0 points.", (), topics=BALANCE),
    ]
    assert [s.text for s in sentences(store, "W", now, "de")] == [
        "Für 1 Bestellung haben Sie am 03.02.2025 eine Gutschrift über 1.000 X-Points "
        "erhalten.",
        "Aus Kulanz haben wir Ihnen 250 X-Points am 05.03.2025 gutgeschrieben.",
        "Durch 1 Übertragung an Kollegen Ihrer Organisation haben Sie 400 X-Points am "
        "01.03.2025 abgegeben.",
        "Sie haben Ihre Teilnahme am 01.04.2025 beendet: Ihr X-Konto ist geschlossen, und "
        "850 X-Points sind am 01.04.2025 verfallen.",
        "Ihr Kontostand beträgt 0 X-Points.",
    ]
    assert sentences(store, "G", now, "de") == [
        Sentence("Durch 1 Übertragung von Kollegen Ihrer Organisation haben Sie 400 X-Points "
                 "am 01.03.2025 erhalten.", ("G/E1",), (T.TRANSFER_IN,)),
        Sentence("Ihr Kontostand beträgt 400 X-Points.", ("G/E1",), topics=BALANCE),
        Sentence("400 X-Points sind gültig bis 03.02.2026.", ("G/E1",), topics=UNTIL),
    ]


def test_terminated_for_cause_forfeits(store: Store) -> None:
    """W earns 1,000 (03.02.2025); compliance terminates it for cause on 01.03.2025: the
    1,000 are forfeited at once (R23, "aus wichtigem Grund")."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "W", "ORG", "BA", "w@x.example"))
    order(led, "W1", "W", "1000.00", at(2025, 2, 3))
    led.run(Close(at(2025, 3, 1), CORA, "W", ClosedBy.PROVIDER_FOR_CAUSE))
    assert sentences(store, "W", at(2025, 3, 2), "en")[1] == Sentence(
        "We terminated your participation for cause on 01.03.2025: 1,000 points were "
        "forfeited on 01.03.2025.", ("W/E2",), (T.FORFEIT,),
        topics=(Topic.TERMINATED_FOR_CAUSE,))
    assert sentences(store, "W", at(2025, 3, 2), "de")[1].text == (
        "Wir haben Ihre Teilnahme am 01.03.2025 aus wichtigem Grund gekündigt: 1.000 X-Points "
        "sind am 01.03.2025 verfallen.")


def test_the_next_dates_then_the_rest(store: Store) -> None:
    """Five credits on five dates (R9: each usable for twelve months): the three next
    "usable until" dates one by one, then the rest in one sentence with the last date."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "N", "N-ORG", "N-1", "n@example.com"))
    for month in range(1, 6):
        order(led, f"N{month}", "N", f"{month}00.00", at(2025, month + 1, 1))
    assert [s.text for s in sentences(store, "N", at(2025, 7, 1), "en")[-5:]] == [
        "Your balance is 1,500 points.",
        "100 points are usable until 01.02.2026.",
        "200 points are usable until 01.03.2026.",
        "300 points are usable until 01.04.2026.",
        "A further 900 points are usable for longer, the last of them until 01.06.2026.",
    ]
    assert sentences(store, "N", at(2025, 7, 1), "de")[-1] == Sentence(
        "Weitere 900 X-Points sind länger gültig, längstens bis 01.06.2026.", ("N/E4", "N/E5"),
        topics=UNTIL)


def test_a_notice_running_as_in_r23(store: Store) -> None:
    """R23's own example: notice given on 06.12.2026 runs four weeks (03.01.2027) to that
    month's end: effective 31.01.2027; the customer then redeems through 30.04.2027. While
    it runs the account stays active; T's 800 points of 01.11.2026 (R9: until 01.11.2027)
    are usable through 30.04.2027 at the latest."""
    led = Ledger(store)
    led.run(Register(at(2026, 1, 2), SHOP, "T", "T-ORG", "T-1", "t@example.com"))
    order(led, "T1", "T", "800.00", at(2026, 11, 1))
    led.run(Close(at(2026, 12, 6), TESS, "T", ClosedBy.PROVIDER))
    now = at(2026, 12, 6, 12)
    assert sentences(store, "T", now, "en")[-2:] == [
        Sentence("800 points are usable until 30.04.2027.", ("T/E1",), topics=UNTIL),
        Sentence("On 06.12.2026 we gave notice terminating your participation at the end of "
                 "31.01.2027: until then everything goes on as before; after that no more "
                 "points are earned, and you can redeem yours through 30.04.2027, the last "
                 "day to redeem.", (), topics=(Topic.UNDER_NOTICE,)),
    ]
    assert [s.text for s in sentences(store, "T", now, "de")[-2:]] == [
        "800 X-Points sind gültig bis 30.04.2027.",
        "Am 06.12.2026 haben wir Ihre Teilnahme zum 31.01.2027 gekündigt: Bis dahin läuft "
        "alles wie bisher weiter; danach werden keine X-Points mehr gutgeschrieben, und Sie "
        "können Ihre X-Points noch bis zum 30.04.2027 einlösen (letzter Tag der Einlösung).",
    ]


def test_a_termination_window_shortens_the_dates(store: Store) -> None:
    """R23: notice given on 10.01.2026 reaches 07.02.2026 after four weeks: effective at
    the end of February, 28.02.2026; the customer redeems through 28.05.2026 at the
    latest, whatever the lot's own date (01.12.2026), and what is left expires on
    29.05.2026. The account becomes terminated at the start of 01.03.2026 even where that
    is not written yet (as an expiry, R10)."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "T", "T-ORG", "T-1", "t@example.com"))
    order(led, "T1", "T", "800.00", at(2025, 12, 1))
    led.run(Close(at(2026, 1, 10), TESS, "T", ClosedBy.PROVIDER))
    assert sentences(store, "T", at(2026, 2, 1), "en")[-2] == Sentence(
        "800 points are usable until 28.05.2026.", ("T/E1",), topics=UNTIL)
    assert sentences(store, "T", at(2026, 3, 1, 0, 0), "en")[-1] == Sentence(
        "With notice given on 10.01.2026 we terminated your participation effective "
        "28.02.2026: since then no points are earned, but you can still redeem yours through "
        "28.05.2026, the last day to redeem; what is left then expires.", (),
        topics=(Topic.TERMINATED,))
    assert sentences(store, "T", at(2026, 3, 1), "de")[-1].text == (
        "Mit Kündigung vom 10.01.2026 haben wir Ihre Teilnahme zum 28.02.2026 beendet: "
        "Seitdem werden keine X-Points mehr gutgeschrieben, Sie können Ihre X-Points aber "
        "noch bis zum 28.05.2026 einlösen (letzter Tag der Einlösung); was dann übrig ist, "
        "verfällt.")
    assert sentences(store, "T", at(2026, 5, 30), "en")[-3:] == [
        Sentence("800 points from 1 credit expired on 29.05.2026.", ("T/E1",), (T.EXPIRY,)),
        Sentence("Your balance is 0 points.", (), topics=BALANCE),
        Sentence("With notice given on 10.01.2026 we terminated your participation effective "
                 "28.02.2026: the last day to redeem was 28.05.2026, and what was left "
                 "expired the day after.", (), topics=(Topic.TERMINATED,)),
    ]
    assert sentences(store, "T", at(2026, 5, 30), "de")[-1].text == (
        "Mit Kündigung vom 10.01.2026 haben wir Ihre Teilnahme zum 28.02.2026 beendet: Der "
        "letzte Tag der Einlösung war der 28.05.2026; was übrig war, ist am Tag danach "
        "verfallen.")


def test_explain_directly_and_an_empty_account(store: Store) -> None:
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "Z", "Z-ORG", "Z-1", "z@example.com"))
    acc = led.account("Z")
    assert acc is not None
    assert explain(led.entries_of("Z"), acc.lots, at(2025, 2, 1), "de") == [
        Sentence("Auf Ihrem X-Konto gab es noch keine Buchungen; Ihr Kontostand beträgt "
                 "0 X-Points.", (), topics=BALANCE)]
    assert sentences(store, "nobody", at(2025, 2, 1), "en") == []


# --------------------------------------------------------------------------- properties
#
# Every account of a generated run is explained, as of the run's last instant and as of a
# later one (lots lapse, a notice takes effect, a window closes), in English and German.


def claims_with_ids(store: MemoryStore, account: str) -> list[tuple[str, Claim]]:
    """The account's claims as the store keeps them, each with an id (the memory store has
    none; the real store numbers them)."""
    return [(f"{account}/C{i}", c) for i, c in enumerate(store.claims_of(account), 1)]


def notice_dates(given: datetime) -> tuple[date, date]:
    """R23, worked out from its text: the Berlin date of `given` plus 28 days, to the end of
    that month (the effective date); then the same date three months on, clamped to the
    month's end (the last day to redeem)."""
    reached = given.astimezone(BERLIN).date() + timedelta(days=28)
    effective = reached.replace(day=1) + relativedelta(months=1) - timedelta(days=1)
    return effective, effective + relativedelta(months=3)


def window_until(store: MemoryStore, account: str) -> date | None:
    """The last day to redeem after a termination or the program's end, as the store's
    explanation passes it (R23)."""
    end = accounts.window_end(store.program, store.accounts[account])
    return None if end is None else (end - timedelta(microseconds=1)).astimezone(BERLIN).date()


def check_explained(store: MemoryStore, now: datetime, reached: Counter[str]) -> None:
    """Each account's explanation covers every entry (by id and type), every claim (by
    id), a void discount code and how participation ended or is ending (R22, R23), in
    English and German alike; counts in `reached` what it saw."""
    for account_id, acc in sorted(store.accounts.items()):
        entries = store.entries_of(account_id)
        claims = claims_with_ids(store, account_id)
        told = {language: explain(entries, acc.lots, now, language,
                                  window_until=window_until(store, account_id),
                                  account=acc, claims=claims)
                for language in ("en", "de")}
        en, de = told["en"], told["de"]
        # German is as complete as English: sentence by sentence, tied to the same things
        assert [(s.entry_ids, s.entry_types, s.claim_ids, s.topics) for s in en] == \
            [(s.entry_ids, s.entry_types, s.claim_ids, s.topics) for s in de]
        # and in German words only (GLOSSARY.md), English in English ones
        assert not {"points", "point", "you", "your", "the", "claim"} & {
            w.strip(".,:;") for s in de for w in s.text.split()}, [s.text for s in de]
        assert not {"Sie", "Ihr", "Ihre", "X-Points", "der", "wurden"} & {
            w.strip(".,:;") for s in en for w in s.text.split()}, [s.text for s in en]
        ids = {e.id for e in entries}
        for sentence in en:
            assert set(sentence.entry_ids) <= ids, (sentence, ids)
            assert set(sentence.claim_ids) <= {i for i, _c in claims}, sentence
        for e in entries:
            assert any(e.id in s.entry_ids and e.type in s.entry_types for s in en), (
                f"{e} not explained: {en}")
            reached[f"entry:{e.type.value}"] += 1
        for claim_id, claim in claims:
            (said,) = [s for s in en if s.claim_ids == (claim_id,)]
            # R22: the amount in EUR, and why
            assert format_money(abs(claim.amount), "en") in said.text, (said, claim)
            assert format_money(abs(claim.amount), "de") in de[en.index(said)].text
            reached[f"claim:{claim_kind(claim).value}"] += 1
        if len(claims) > 1:
            assert any(s.claim_ids == tuple(i for i, _c in claims) for s in en)
        topics = [t for s in en for t in s.topics]
        assert topics.count(Topic.BALANCE) == 1
        if acc.discount is not None and acc.discount.voided:
            assert Topic.DISCOUNT_VOID in topics, en
            reached["discount_void"] += 1
        forfeits = [s for s in en if T.FORFEIT in s.entry_types]
        if acc.status in (Status.CLOSED, Status.TERMINATED_FOR_CAUSE):
            # R23: closing by the customer, termination for cause, with what it forfeited
            ending = Topic(acc.status.value)
            assert topics.count(ending) == 1, en
            assert all(ending in s.topics for s in forfeits), en
            reached[f"ending:{ending.value}"] += 1
            reached[f"ending:{ending.value}:forfeit"] += bool(forfeits)
        elif acc.notice_at is not None:
            # R23: a notice, in effect or still running, with its dates
            effective, last = notice_dates(acc.notice_at)
            running = now < datetime.combine(effective + timedelta(days=1), datetime.min.time(),
                                             tzinfo=BERLIN)
            if acc.status is Status.ACTIVE and acc.notice_at > now:
                continue
            kind = Topic.UNDER_NOTICE if running and acc.status is Status.ACTIVE \
                else Topic.TERMINATED
            (said,) = [s for s in en if s.topics == (kind,)]
            assert en[-1] == said and format_date(effective, "en") in said.text \
                and format_date(last, "en") in said.text, (said, effective, last)
            assert format_date(last, "de") in de[-1].text
            reached[f"ending:{kind.value}"] += 1
        else:
            assert not {Topic.CLOSED, Topic.TERMINATED_FOR_CAUSE, Topic.TERMINATED,
                        Topic.UNDER_NOTICE} & set(topics), en


def explain_run(store: MemoryStore, end: datetime, later_days: int,
                reached: Counter[str]) -> None:
    check_explained(store, end, reached)
    check_explained(store, end + timedelta(days=later_days), reached)


# --------------------------------------------------------------------------- self-referrals


def self_referral(choices: Choices) -> tuple[MemoryStore, datetime]:
    """A run around one self-referral (R17–R22), every step drawn: R earns, refers F; F
    orders with or without the code, and the order completes or not (the bonus, R19); R
    redeems some of its points and transfers some to colleague X, who redeems some;
    compliance confirms the case, terminating nobody, F or both; afterwards orders paid
    with points or with the code may be cancelled in full (R14, R22: refunds into void
    lots, a code no longer owed). Refused steps (none is meant to be) change nothing."""
    store = MemoryStore()
    now = choices.pick(STARTS[2:4])

    def run(action: Action) -> None:
        with suppress(Refusal):
            store.run(action)

    def later(hours: int = 48) -> datetime:
        nonlocal now
        now += timedelta(hours=choices.integer(1, hours))
        return now

    def complete(order_id: str) -> None:
        run(Pay(later(), SHOP, order_id))
        run(Deliver(later(), SHOP, order_id))

    def points(account: str) -> int:
        return max(0, store.accounts[account].balance)

    run(Register(now, SHOP, "R", "org1", "bill1", "r@org1.example"))
    run(Register(now, SHOP, "X", "org1", "bill1", "x@org1.example"))
    run(PlaceOrder(later(), SHOP, "RO1", "R", Decimal(choices.integer(1, 3000))))
    complete("RO1")
    run(Register(later(), SHOP, "F", "org2", "bill3", "f@org2.example", referred_by="R"))
    coded = choices.integer(0, 1) == 1
    run(PlaceOrder(later(), SHOP, "FO1", "F", Decimal(choices.integer(1, 2000)),
                   use_discount=coded))
    if choices.integer(0, 3) > 0:
        complete("FO1")  # R gets the bonus (R19)
    paid: list[str] = []
    for n in range(choices.integer(0, 2)):
        if points("R") >= 1:
            redeem = choices.integer(1, points("R"))
            run(PlaceOrder(later(), SHOP, f"RP{n}", "R", Decimal(redeem) / 100 + 1,
                           redeem=redeem))
            paid.append(f"RP{n}")
    if points("R") >= 1 and choices.integer(0, 1):
        run(ApproveTransfer(later(), TIM, TransferRequest(
            now, SAM, "R", "X", choices.integer(1, points("R")), TransferReason.OTHER,
            justification="team merger", ref="T1")))
        if points("X") >= 1 and choices.integer(0, 1):
            redeem = choices.integer(1, points("X"))
            run(PlaceOrder(later(), SHOP, "XP", "X", Decimal(redeem) / 100, redeem=redeem))
            paid.append("XP")
    terminate = choices.pick([(), ("F",), ("F", "R")])
    run(ConfirmSelfReferral(later(), CORA, "F", terminate, "same person"))
    for order_id in [*paid, "FO1"]:
        if choices.integer(0, 1):
            run(Cancel(later(), SHOP, order_id))
    return store, later(24 * 30)


# --------------------------------------------------------------------------- the tests


@given(data=st.data())
def test_every_entry_and_claim_of_generated_accounts_is_explained(
        data: st.DataObject) -> None:
    """tests/test_properties.py's action sequences (every kind of action, refusals
    included): every entry, claim, void code and ending of every account is explained."""
    scenario = play(Drawn(data), checks=False)
    explain_run(scenario.store, scenario.now,
                data.draw(st.integers(0, 200), label="days later"), Counter())


@given(data=st.data())
def test_every_claim_of_generated_self_referrals_is_explained(data: st.DataObject) -> None:
    """Self-referrals with every kind of claim (R22): each is explained, in EUR, and why."""
    store, end = self_referral(Drawn(data))
    explain_run(store, end, data.draw(st.integers(0, 200), label="days later"), Counter())


#: the scenarios of the mix test, from fixed seeds, whatever the profile
MIX_RUNS = 400
MIX_SELF_REFERRALS = 200
#: what the mix test must have explained at least once
REACHED = (*(f"entry:{t.value}" for t in EntryType),
           *(f"claim:{k.value}" for k in ClaimKind),
           "discount_void", "ending:closed", "ending:closed:forfeit",
           "ending:terminated_for_cause", "ending:terminated_for_cause:forfeit",
           "ending:terminated", "ending:under_notice")


def test_the_generated_runs_reach_every_kind() -> None:
    """The generators of the two property tests above, from fixed seeds, explain every
    entry type, every kind of claim (R22), a void discount code and every ending (R23:
    closed with and without a forfeit, terminated for cause, terminated with notice and
    a notice still running): the property tests check what they claim to."""
    reached: Counter[str] = Counter()
    for seed in range(MIX_RUNS):
        rnd = random.Random(seed)
        scenario = play(Seeded(rnd), checks=False)
        explain_run(scenario.store, scenario.now, rnd.randint(0, 200), reached)
    for seed in range(MIX_SELF_REFERRALS):
        rnd = random.Random(10_000 + seed)
        store, end = self_referral(Seeded(rnd))
        explain_run(store, end, rnd.randint(0, 200), reached)
    print("\nexplained:\n" + "\n".join(f"{k:45} {n:6}" for k, n in sorted(reached.items())))
    missing = [k for k in REACHED if not reached[k]]
    assert not missing, f"never explained: {missing}\n{sorted(reached.items())}"


# --------------------------------------------------------------------------- the dialog


def test_the_dialog_shows_the_claim_in_english_and_german(qtbot: Any, store: Store,
                                                            tmp_path: Path) -> None:
    """ui/customers/explain.py over a real store, its sentences worked out on the store lane:
    the claim of the test above (R22: 5,000 used of a void bonus, 50.00 EUR) and the
    closing (R23) are listed, in English and, with the German translation installed, in
    German; the claim's sentence names its number. Rendered at 1280×800 for a look."""
    from xrewards_desk.ui.customers.explain import ExplainDialog
    from xrewards_desk.ui.qt import QApplication
    from xrewards_desk.ui.shell.tasks import Tasks
    from xrewards_desk.ui.widgets.i18n import Language

    led = _referral(store)
    order(led, "FO1", "F", "100.00", at(2025, 3, 20))
    led.run(PlaceOrder(at(2025, 3, 22), SHOP, "RO2", "R", Decimal("60.00"), redeem=6000))
    led.run(ConfirmSelfReferral(at(2025, 3, 25), CORA, "F"))
    led.run(Close(at(2025, 3, 26), SAM, "R", ClosedBy.CUSTOMER))
    (claim,) = claim_ids(store, "R")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    language = Language(app)
    tasks = Tasks()
    try:
        for code, title, claim_text, closed in (
                ("en", "Explain the balance of R", "we claim €50.00 from you",
                 "You ended your participation on 26.03.2025"),
                ("de", "Kontostand erklären: R",
                 "Anspruch auf Wertersatz von 50,00 € gegen Sie",
                 "Sie haben Ihre Teilnahme am 26.03.2025 beendet")):
            assert language.switch(code)
            dialog = ExplainDialog(tasks, store, "R", at(2025, 4, 1), code)
            qtbot.addWidget(dialog)
            dialog.resize(1280, 800)
            dialog.show()
            qtbot.waitUntil(lambda d=dialog: d.loaded, timeout=10_000)  # type: ignore[misc]
            assert dialog.windowTitle() == title
            items = [dialog.sentences.item(i) for i in range(dialog.sentences.count())]
            texts = [item.text() for item in items]
            assert texts == [s.text for s in sentences(store, "R", at(2025, 4, 1), code)]
            (said,) = [item for item in items if claim_text in item.text()]
            assert said.toolTip() == ("Claim " if code == "en" else "Anspruch ") + claim
            assert any(t.startswith(closed) for t in texts)
            assert claim_text in dialog.text
            dialog.grab().save(str(tmp_path / f"explain-{code}.png"))
            dialog.close()
    finally:
        language.switch("en")
        tasks.shutdown()
