"""Service targets of the rewards@ mailbox in working days (Arbeitstage), in Europe/Berlin.

A mail received on day D is due for its first reply, and its case for resolution, at the
end of the N-th working day after D: Saturdays, Sundays and public holidays do not count,
the national ones always and those of one German state when one is set (the holidays come
from the `holidays` library). A mail received on a Saturday with a target of one working
day is due at the end of Monday (or of Tuesday when Monday is a holiday).

These are the service's own targets, not a rule of the program: the customer's deadline
to object (R25) is a calendar month and lives in `calendar.objection_deadline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from functools import lru_cache

from .calendar import berlin_date, end_of_day_exclusive, require_aware

#: The German states whose own holidays may count beside the national ones (ISO 3166-2:DE).
STATES: tuple[str, ...] = (
    "BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST",
    "TH",
)


class DeadlineError(ValueError):
    """A target or a state the service calendar cannot use."""


@dataclass(frozen=True)
class ServiceTargets:
    """The mailbox's targets: the first reply and the resolution, in working days after the
    day the mail came in; `state` adds that state's holidays (None: the national ones)."""

    first_response_days: int = 1
    resolution_days: int = 5
    state: str | None = None

    def __post_init__(self) -> None:
        for name in ("first_response_days", "resolution_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
                raise DeadlineError(f"{name} must be a whole number of working days from 1 "
                                    f"to 60, not {value!r}")
        if self.state is not None and self.state not in STATES:
            raise DeadlineError(f"unknown German state {self.state!r}; one of "
                                f"{', '.join(STATES)}")


@lru_cache(maxsize=64)
def _holidays(year: int, state: str | None) -> frozenset[date]:
    import holidays  # ~35 ms of imports: when a deadline is first counted (issue 23)

    found = holidays.country_holidays("DE", subdiv=state, years=year)
    return frozenset(found)


def holiday_name(day: date, state: str | None = None) -> str | None:
    """The public holiday on `day` (English name), or None."""
    import holidays

    found = holidays.country_holidays("DE", subdiv=state, years=day.year)
    name = found.get(day)
    return str(name) if name else None


def is_working_day(day: date, state: str | None = None) -> bool:
    """Monday to Friday and not a public holiday (national, plus `state`'s)."""
    return day.weekday() < 5 and day not in _holidays(day.year, state)


def nth_working_day_after(day: date, n: int, state: str | None = None) -> date:
    """The n-th working day after `day` (n ≥ 1; `day` itself never counts)."""
    if n < 1:
        raise DeadlineError(f"n must be at least 1, not {n}")
    current, counted = day, 0
    while counted < n:
        current += timedelta(days=1)
        if is_working_day(current, state):
            counted += 1
    return current


def due_after(received_at: datetime, days: int, state: str | None = None) -> datetime:
    """The instant a target of `days` working days runs out for a mail received at
    `received_at`: the end (the next day's 00:00, Berlin) of the days-th working day after
    the Berlin date it came in."""
    last = nth_working_day_after(berlin_date(require_aware(received_at)), days, state)
    return end_of_day_exclusive(last)


class Urgency(Enum):
    """How a deadline stands at an instant: passed, running out today, or later."""

    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    LATER = "later"


def urgency(due: datetime, now: datetime) -> Urgency:
    """OVERDUE once `now` reached `due`; DUE_TODAY when its last day is today (Berlin)."""
    if require_aware(now) >= require_aware(due):
        return Urgency.OVERDUE
    if berlin_date(due - timedelta(microseconds=1)) == berlin_date(now):
        return Urgency.DUE_TODAY
    return Urgency.LATER


@dataclass(frozen=True)
class CaseDue:
    """What a case owes and by when: the first reply (None once one was sent) and the
    resolution (None once closed)."""

    first_response: datetime | None
    resolution: datetime | None

    @property
    def next(self) -> datetime | None:
        """The earliest deadline still running (None: nothing owed)."""
        due = [d for d in (self.first_response, self.resolution) if d is not None]
        return min(due) if due else None


def case_due(received_at: datetime, replied: bool, closed: bool,
             targets: ServiceTargets) -> CaseDue:
    """A case's service deadlines from the time its first mail came in."""
    return CaseDue(
        None if replied or closed else due_after(received_at, targets.first_response_days,
                                                 targets.state),
        None if closed else due_after(received_at, targets.resolution_days, targets.state))
