"""Calendar rules of the program, all in Europe/Berlin (R9, R18, R23, R25).

Every function here is pure and cheap, so that an agent-facing screen can call it
directly ("valid until 15.03.2026", "the deadline was 28.02.2025").
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

BERLIN = ZoneInfo("Europe/Berlin")

#: R2: the program starts on 2024-08-01 00:00 in Berlin (T1.4).
LAUNCH = datetime(2024, 8, 1, tzinfo=BERLIN)


class NaiveDatetimeError(ValueError):
    """An instant without a time zone reached the rules, which only take aware instants."""


def require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetimeError(f"instant {at.isoformat()} has no time zone")
    return at


def berlin_date(at: datetime) -> date:
    """The calendar date an instant falls on in Berlin."""
    return require_aware(at).astimezone(BERLIN).date()


@lru_cache(maxsize=8192)
def start_of_day(day: date) -> datetime:
    """The first instant of a Berlin calendar date (DST-correct)."""
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def end_of_day_exclusive(day: date) -> datetime:
    """The instant a Berlin calendar date ends: the start of the next day."""
    return start_of_day(day + timedelta(days=1))


def add_months(day: date, months: int) -> date:
    """The same calendar date `months` later, clamped to the month's end (31.01 + 1 = 28/29.02)."""
    result: date = day + relativedelta(months=months)
    return result


@lru_cache(maxsize=8192)
def _usable_until_for(day: date) -> date:
    return add_months(day, 12)


def usable_until(credited_at: datetime) -> date:
    """R9: a lot credited at `credited_at` is usable through this Berlin date (29.02 → 28.02)."""
    return _usable_until_for(berlin_date(credited_at))


@lru_cache(maxsize=8192)
def _expiry_for(day: date) -> datetime:
    return end_of_day_exclusive(_usable_until_for(day))


def lot_expiry(credited_at: datetime) -> datetime:
    """R9/R10: the instant a lot expires: the start of the day after its last usable day."""
    return _expiry_for(berlin_date(credited_at))


def discount_valid_until(registered_at: datetime) -> date:
    """R18: the invitee's code is valid through the same date twelve months after registration."""
    return usable_until(registered_at)


def discount_valid_at(registered_at: datetime, at: datetime) -> bool:
    """R18: whether the invitee's code can still be used at `at`."""
    return require_aware(at) < lot_expiry(registered_at)


def redemption_window_until(effective: datetime) -> date:
    """R23: after a provider's termination or the program's end, points can be redeemed
    through the same calendar date three months after the effective date."""
    return add_months(berlin_date(effective), 3)


def redemption_window_end(effective: datetime) -> datetime:
    """R23: the instant everything left expires after a termination with notice or the end."""
    return end_of_day_exclusive(redemption_window_until(effective))


#: R23 (T8.3): a provider's notice runs at least this long, then to the end of that month.
NOTICE_PERIOD = timedelta(days=28)


def notice_effective_date(given_at: datetime) -> date:
    """R23: a provider's notice given at `given_at` takes effect at the end of the month in
    which the Berlin date of `given_at` plus 28 days falls (06.12.2026 → 31.01.2027)."""
    reached = berlin_date(given_at) + NOTICE_PERIOD
    return add_months(reached.replace(day=1), 1) - timedelta(days=1)


def notice_takes_effect(given_at: datetime) -> datetime:
    """R23: the instant an account under notice becomes `terminated`: the start of the day
    after the effective date."""
    return end_of_day_exclusive(notice_effective_date(given_at))


def notice_redeem_until(given_at: datetime) -> date:
    """R23: the last Berlin date on which an account terminated with notice redeems: the
    effective date plus three months (31.01.2027 → 30.04.2027)."""
    return add_months(notice_effective_date(given_at), 3)


def objection_deadline(sent_at: datetime) -> date:
    """R25: the last Berlin date on which an objection to a notice sent at `sent_at` is in time."""
    return add_months(berlin_date(sent_at), 1)


def objection_in_time(sent_at: datetime, received_at: datetime) -> bool:
    """R25: an objection counts if our mailbox received it by the end of the deadline date."""
    return require_aware(received_at) < end_of_day_exclusive(objection_deadline(sent_at))


def terms_objection_deadline(change_sent_at: datetime) -> date:
    """R28: an objection to changed terms counts within one month of the change notice."""
    return objection_deadline(change_sent_at)
