"""The settable clock of tests and the demo: moved on by Berlin's wall clock, as Python's
``+`` counts, and never left at a time the wall clock skips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from xrewards_desk.clock import SettableClock

BERLIN = ZoneInfo("Europe/Berlin")


def test_an_hour_after_one_on_the_spring_night_is_three_in_berlin() -> None:
    # 30.03.2025: at 02:00 CET the clocks in Berlin go forward to 03:00 CEST; 02:00-02:59
    # does not exist there
    clock = SettableClock(datetime(2025, 3, 30, 1, 0, tzinfo=BERLIN))
    after = clock.advance(timedelta(hours=1))
    assert after.tzinfo is BERLIN
    assert (after.hour, after.utcoffset()) == (3, timedelta(hours=2))
    assert after == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)  # the same instant, either zone


def test_a_day_keeps_the_time_on_the_wall_clock_across_the_change() -> None:
    # 29.03.2025 09:00 CET + one day = 30.03.2025 09:00 CEST: 23 hours passed
    clock = SettableClock(datetime(2025, 3, 29, 9, 0, tzinfo=BERLIN))
    after = clock.advance(timedelta(days=1))
    assert (after.day, after.hour, after.utcoffset()) == (30, 9, timedelta(hours=2))
    assert after == datetime(2025, 3, 30, 7, 0, tzinfo=UTC)


def test_an_hour_into_the_autumn_night_is_the_first_half_past_two() -> None:
    # 26.10.2025: at 03:00 CEST the clocks go back to 02:00 CET; 02:30 comes twice, and
    # an hour after 01:30 CEST is the first of them (00:30 UTC)
    clock = SettableClock(datetime(2025, 10, 26, 1, 30, tzinfo=BERLIN))
    after = clock.advance(timedelta(hours=1))
    assert (after.hour, after.minute, after.utcoffset()) == (2, 30, timedelta(hours=2))
    # (Python compares a time of the repeated hour unequal to other zones: in UTC)
    assert after.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_a_clock_in_utc_moves_by_elapsed_time() -> None:
    clock = SettableClock(datetime(2025, 3, 30, 0, 30, tzinfo=UTC))
    assert clock.advance(timedelta(hours=1)) == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
