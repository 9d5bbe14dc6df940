"""Calendar and money rules, with values worked out by hand from RULES.md."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from xrewards_desk.domain import (
    BERLIN,
    MoneyError,
    discount_valid_until,
    discount_value,
    discounted,
    lot_expiry,
    objection_deadline,
    objection_in_time,
    redemption_window_until,
    to_money,
    usable_until,
)
from xrewards_desk.domain.calendar import NaiveDatetimeError


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


@pytest.mark.parametrize(("credited", "until"), [
    (berlin(2025, 3, 15, 14, 0), date(2026, 3, 15)),     # R9: same date twelve months later
    (berlin(2028, 2, 29, 10, 0), date(2029, 2, 28)),     # R9: 29 February → 28 February
    (berlin(2024, 2, 29, 23, 59), date(2025, 2, 28)),
    (berlin(2025, 12, 31, 23, 30), date(2026, 12, 31)),  # the Berlin date, not UTC's
    # 2025-03-14T23:30Z is 2025-03-15 00:30 in Berlin: credited on the 15th
    (datetime(2025, 3, 14, 23, 30, tzinfo=UTC), date(2026, 3, 15)),
    # 2025-07-01T22:30Z is 2025-07-02 00:30 in Berlin (summer time, +02:00)
    (datetime(2025, 7, 1, 22, 30, tzinfo=UTC), date(2026, 7, 2)),
])
def test_usable_until_is_the_berlin_date_twelve_months_later(credited: datetime,
                                                              until: date) -> None:
    assert usable_until(credited) == until


def test_a_lot_expires_at_the_start_of_the_next_berlin_day_across_dst() -> None:
    # R9: credited 2025-03-29 (winter time); usable through 2026-03-29, which is the day
    # summer time starts; expires 2026-03-30 00:00 +02:00 = 2026-03-29T22:00Z.
    expiry = lot_expiry(berlin(2025, 3, 29, 12, 0))
    assert expiry == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    # credited in summer time, expiring in winter time: 2025-10-26 00:00 +02:00 → usable
    # through 2026-10-26, expiry 2026-10-27 00:00 +01:00 = 2026-10-26T23:00Z
    assert lot_expiry(berlin(2025, 10, 26, 0, 0)) == datetime(2026, 10, 26, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(("sent", "deadline"), [
    (berlin(2025, 1, 31, 10, 0), date(2025, 2, 28)),   # R25: clamped to the month's end
    (berlin(2024, 1, 31, 10, 0), date(2024, 2, 29)),   # leap year
    (berlin(2025, 3, 31, 9, 0), date(2025, 4, 30)),
    (berlin(2024, 12, 31, 23, 59), date(2025, 1, 31)),
    (berlin(2025, 3, 15, 9, 0), date(2025, 4, 15)),
    # sent 2025-05-31T22:30Z = 2025-06-01 00:30 Berlin: the notice's date is 1 June
    (datetime(2025, 5, 31, 22, 30, tzinfo=UTC), date(2025, 7, 1)),
])
def test_objection_deadline(sent: datetime, deadline: date) -> None:
    assert objection_deadline(sent) == deadline


def test_objection_in_time_until_the_end_of_the_deadline_in_berlin() -> None:
    sent = berlin(2025, 3, 15, 9, 0)
    # R25: deadline 2025-04-15, end of day Berlin = 2025-04-15T22:00Z (summer time)
    assert objection_in_time(sent, datetime(2025, 4, 15, 21, 59, 59, tzinfo=UTC))
    assert not objection_in_time(sent, datetime(2025, 4, 15, 22, 0, tzinfo=UTC))
    assert objection_in_time(sent, sent + timedelta(seconds=1))


def test_naive_instants_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        usable_until(datetime(2025, 1, 1, 12, 0))


@pytest.mark.parametrize(("effective", "until"), [
    (berlin(2025, 6, 1, 0, 0), date(2025, 9, 1)),      # R23: three months after
    (berlin(2025, 11, 30, 12, 0), date(2026, 2, 28)),  # clamped to February's end
])
def test_redemption_window(effective: datetime, until: date) -> None:
    assert redemption_window_until(effective) == until


def test_discount_valid_until() -> None:
    # R18: valid through the same date twelve months after registration
    assert discount_valid_until(berlin(2025, 2, 1, 9, 0)) == date(2026, 2, 1)


@pytest.mark.parametrize(("net", "after", "value"), [
    ("1000.00", "900.00", "100.00"),
    ("10.15", "9.14", "1.01"),   # 10.15 × 0.90 = 9.135 → 9.14 (half up)
    ("0.05", "0.05", "0.00"),    # 0.045 → 0.05
    ("0.15", "0.14", "0.01"),    # 0.135 → 0.14
    ("19999.99", "17999.99", "2000.00"),  # 17999.991 → 17999.99
])
def test_discount_rounds_half_up_to_cents(net: str, after: str, value: str) -> None:
    assert discounted(Decimal(net)) == Decimal(after)
    assert discount_value(Decimal(net)) == Decimal(value)


@pytest.mark.parametrize("bad", [12.5, "12.345", "abc", "NaN", "Infinity", True, "1e400x"])
def test_money_refuses_floats_and_fractions_of_a_cent(bad: object) -> None:
    with pytest.raises(MoneyError):
        to_money(bad)  # type: ignore[arg-type]


def test_money_accepts_exact_amounts() -> None:
    assert to_money("12.5") == Decimal("12.50")
    assert to_money(3) == Decimal("3.00")
    assert str(to_money(" 0.10 ")) == "0.10"
