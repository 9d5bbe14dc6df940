"""The settable clock of tests and the demo lets time pass as time, not as a wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from xrewards_desk.clock import SettableClock

BERLIN = ZoneInfo("Europe/Berlin")


def test_an_hour_after_one_on_the_spring_night_is_three_in_berlin() -> None:
    # 30.03.2025: at 02:00 CET the clocks in Berlin go forward to 03:00 CEST
    clock = SettableClock(datetime(2025, 3, 30, 1, 0, tzinfo=BERLIN))
    after = clock.advance(timedelta(hours=1))
    assert after.tzinfo is BERLIN
    assert (after.hour, after.utcoffset()) == (3, timedelta(hours=2))
    assert after == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)  # the same instant, either zone


def test_an_hour_after_two_on_the_autumn_night_is_two_again() -> None:
    # 26.10.2025: at 03:00 CEST the clocks go back to 02:00 CET; 02:30 happens twice
    clock = SettableClock(datetime(2025, 10, 26, 0, 30, tzinfo=UTC))  # 02:30 CEST
    clock.set(clock.now().astimezone(BERLIN))
    after = clock.advance(timedelta(hours=1))
    assert (after.hour, after.minute, after.utcoffset()) == (2, 30, timedelta(hours=1))
    # (an instant of the repeated hour compares unequal to other zones in Python: in UTC)
    assert after.astimezone(UTC) == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)


def test_a_day_is_twenty_four_hours_across_the_change() -> None:
    clock = SettableClock(datetime(2025, 3, 29, 12, 0, tzinfo=BERLIN))
    after = clock.advance(timedelta(days=1))
    start = datetime(2025, 3, 29, 12, 0, tzinfo=BERLIN)
    assert after.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=1)
    assert after.hour == 13  # 24 hours, one of them skipped by the wall clock
