"""Explain (xrewards_desk/domain/explain.py): where a balance comes from, in German and
English, each sentence tied to the entries it summarises.

The histories are made by the real engine in a real store (tests/test_views.py builds
them); the sentences expected are written out by hand from ../shared/RULES.md and
../shared/GLOSSARY.md, the rule cited beside each.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.people import CORA, SAM, SHOP, TESS
from tests.test_views import _referral, at, build, order
from xrewards_desk.domain import (
    Adjust,
    AdjustmentRequest,
    ApproveTransfer,
    Close,
    ClosedBy,
    ConfirmSelfReferral,
    PlaceOrder,
    Register,
    TransferReason,
    TransferRequest,
)
from xrewards_desk.domain.explain import (
    Sentence,
    entry_label,
    explain,
    format_date,
    format_number,
    format_points,
)
from xrewards_desk.domain.model import EntryType
from xrewards_desk.store import views
from xrewards_desk.store.db import Store
from xrewards_desk.store.ledger import Ledger


def sentences(store: Store, account: str, now_: object, language: str) -> list[Sentence]:
    with store.session() as s:
        return views.explanation(s, account, now_, language)  # type: ignore[arg-type]


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


def test_a_in_english_and_german(store: Store) -> None:
    """A (tests/test_views.py): 1,000 + 500 + 234 earned on O1, O2, O3 (R7, R8); 300
    redeemed on R1 from A/L1 (R13); A/L1's 700 left expired 04.02.2026 (R9, R10);
    balance 500 + 234 = 734 (R11), in A/L2 (usable until 10.03.2026, credited by E2) and
    A/L3 (until 14.10.2026, credited by E4)."""
    build(store)
    now = at(2026, 2, 20)
    assert sentences(store, "A", now, "en") == [
        Sentence("You earned 1,734 points from 3 orders between 03.02.2025 and 14.10.2025.",
                 ("A/E1", "A/E2", "A/E4")),
        Sentence("You paid for 1 order with 300 points on 01.04.2025.", ("A/E3",)),
        Sentence("700 points from 1 credit expired on 04.02.2026.", ("A/E5",)),
        Sentence("Your balance is 734 points.", ("A/E2", "A/E4")),
        Sentence("500 points are usable until 10.03.2026.", ("A/E2",)),
        Sentence("234 points are usable until 14.10.2026.", ("A/E4",)),
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
                 ("A/E5", "A/E2")),
        Sentence("Your balance is 234 points.", ("A/E4",)),
        Sentence("234 points are usable until 14.10.2026.", ("A/E4",)),
    ]


def test_debt_after_a_reversal(store: Store) -> None:
    """B: 2,000 earned (R8), 1,500 redeemed, then the order is cancelled in full: the
    reversal takes 2,000 (R15), 500 from its own lot, 1,500 become debt, which the next
    credits pay first (R11)."""
    build(store)
    now = at(2025, 3, 1)
    assert sentences(store, "B", now, "en") == [
        Sentence("You earned 2,000 points from 1 order on 01.02.2025.", ("B/E1",)),
        Sentence("You paid for 1 order with 1,500 points on 10.02.2025.", ("B/E2",)),
        Sentence("Because 1 order was cancelled after it was credited, 2,000 points were "
                 "taken back on 15.02.2025.", ("B/E3",)),
        Sentence("Your balance is -1,500 points: a debt of 1,500 points, because points "
                 "taken back had already been used; your next credits pay it off first.",
                 ("B/E3",)),
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


def test_referral_bonus_and_void(store: Store) -> None:
    """R: 1,000 earned; the bronze referral bonus of 5,000 when F's first order completed
    on 20.03.2025 (R7, R19); 1,500 redeemed (R13: 1,000 from the order's lot, 500 of the
    bonus); the self-referral confirmed on 25.03.2025 voids the bonus's 4,500 left
    (R22, "nichtig")."""
    led = _referral(store)
    order(led, "FO1", "F", "100.00", at(2025, 3, 20))
    led.run(PlaceOrder(at(2025, 3, 22), SHOP, "RO2", "R", Decimal("15.00"), redeem=1500))
    led.run(ConfirmSelfReferral(at(2025, 3, 25), CORA, "F"))
    now = at(2025, 4, 1)
    assert sentences(store, "R", now, "en") == [
        Sentence("You earned 1,000 points from 1 order on 03.02.2025.", ("R/E1",)),
        Sentence("You received 5,000 points in referral bonuses for 1 customer you referred "
                 "on 20.03.2025.", ("R/E2",)),
        Sentence("You paid for 1 order with 1,500 points on 22.03.2025.", ("R/E3",)),
        Sentence("After an abuse review, 4,500 points were declared void on 25.03.2025.",
                 ("R/E4",)),
        Sentence("Your balance is 0 points.", ()),
    ]
    assert [s.text for s in sentences(store, "R", now, "de")] == [
        "Für 1 Bestellung haben Sie am 03.02.2025 eine Gutschrift über 1.000 X-Points "
        "erhalten.",
        "Für 1 Empfehlung haben Sie am 20.03.2025 eine Gutschrift über 5.000 X-Points "
        "erhalten.",
        "Sie haben am 22.03.2025 bei 1 Bestellung 1.500 X-Points eingelöst.",
        "Nach einer Missbrauchsprüfung wurden 4.500 X-Points am 25.03.2025 für nichtig "
        "erklärt.",
        "Ihr Kontostand beträgt 0 X-Points.",
    ]


def test_transfer_goodwill_and_forfeit(store: Store) -> None:
    """W earns 1,000 (03.02.2025), transfers 400 to colleague G (R20, 01.03.2025), gets
    250 as goodwill (R25/R26, 05.03.2025), and closes the account on 01.04.2025: the
    850 left are forfeited (R23). G's 400 keep the original credit's date: usable until
    03.02.2026 (R20)."""
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
        Sentence("You earned 1,000 points from 1 order on 03.02.2025.", ("W/E1",)),
        Sentence("As a goodwill gesture we credited 250 points to your account on "
                 "05.03.2025.", ("W/E3",)),
        Sentence("You transferred 400 points to colleagues in your organisation in "
                 "1 transfer on 01.03.2025.", ("W/E2",)),
        Sentence("With the end of your participation, 850 points were forfeited on "
                 "01.04.2025.", ("W/E4",)),
        Sentence("Your balance is 0 points.", ()),
    ]
    assert [s.text for s in sentences(store, "W", now, "de")] == [
        "Für 1 Bestellung haben Sie am 03.02.2025 eine Gutschrift über 1.000 X-Points "
        "erhalten.",
        "Aus Kulanz haben wir Ihnen 250 X-Points am 05.03.2025 gutgeschrieben.",
        "Durch 1 Übertragung an Kollegen Ihrer Organisation haben Sie 400 X-Points am "
        "01.03.2025 abgegeben.",
        "Mit dem Ende Ihrer Teilnahme sind 850 X-Points am 01.04.2025 verfallen.",
        "Ihr Kontostand beträgt 0 X-Points.",
    ]
    assert sentences(store, "G", now, "de") == [
        Sentence("Durch 1 Übertragung von Kollegen Ihrer Organisation haben Sie 400 X-Points "
                 "am 01.03.2025 erhalten.", ("G/E1",)),
        Sentence("Ihr Kontostand beträgt 400 X-Points.", ("G/E1",)),
        Sentence("400 X-Points sind gültig bis 03.02.2026.", ("G/E1",)),
    ]


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
        "Weitere 900 X-Points sind länger gültig, längstens bis 01.06.2026.", ("N/E4", "N/E5"))


def test_a_termination_window_shortens_the_dates(store: Store) -> None:
    """R23: terminated with notice on 10.01.2026, everything is usable through 10.04.2026
    at the latest, whatever the lot's own date (01.12.2026)."""
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "T", "T-ORG", "T-1", "t@example.com"))
    order(led, "T1", "T", "800.00", at(2025, 12, 1))
    led.run(Close(at(2026, 1, 10), TESS, "T", ClosedBy.PROVIDER))
    assert sentences(store, "T", at(2026, 2, 1), "en")[-1] == Sentence(
        "800 points are usable until 10.04.2026.", ("T/E1",))
    assert sentences(store, "T", at(2026, 4, 12), "en")[-2:] == [
        Sentence("800 points from 1 credit expired on 11.04.2026.", ("T/E1",)),
        Sentence("Your balance is 0 points.", ()),
    ]


def test_explain_directly_and_an_empty_account(store: Store) -> None:
    led = Ledger(store)
    led.run(Register(at(2025, 1, 2), SHOP, "Z", "Z-ORG", "Z-1", "z@example.com"))
    acc = led.account("Z")
    assert acc is not None
    assert explain(led.entries_of("Z"), acc.lots, at(2025, 2, 1), "de") == [
        Sentence("Auf Ihrem X-Konto gab es noch keine Buchungen; Ihr Kontostand beträgt "
                 "0 X-Points.", ())]
    assert sentences(store, "nobody", at(2025, 2, 1), "en") == []
