"""The mailbox's service targets in working days (issue 19: the inbox knows its deadlines),
worked out by hand on the 2026/2027 calendar: weekends, national holidays, one state's
holiday, and a deadline across the change to summer time. All in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.deadlines import (
    DeadlineError,
    ServiceTargets,
    Urgency,
    due_after,
    holiday_name,
    is_working_day,
    nth_working_day_after,
    urgency,
)


def berlin(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


def test_a_saturday_mail_is_due_at_the_end_of_monday() -> None:
    # Sat 05.12.2026: Sunday does not count, Monday 07.12 is the first working day.
    assert due_after(berlin(2026, 12, 5, 9), 1) == berlin(2026, 12, 8)


def test_christmas_and_the_weekend_after_it_do_not_count() -> None:
    # Thu 24.12.2026 (Heiligabend is no public holiday, but the day itself never counts);
    # Fri 25.12 and Sat 26.12 are holidays, Sun 27.12 is Sunday: Mon 28.12 is the first
    # working day after it, Tue 29.12 the second.
    assert holiday_name(date(2026, 12, 25)) is not None
    assert is_working_day(date(2026, 12, 24))
    assert due_after(berlin(2026, 12, 24, 10), 1) == berlin(2026, 12, 29)
    assert nth_working_day_after(date(2026, 12, 24), 2) == date(2026, 12, 29)


def test_a_state_holiday_counts_only_where_it_is_set() -> None:
    # Corpus Christi, Thu 04.06.2026: a holiday in Bavaria, not nationally.
    assert is_working_day(date(2026, 6, 4))
    assert not is_working_day(date(2026, 6, 4), "BY")
    assert due_after(berlin(2026, 6, 3, 16), 1) == berlin(2026, 6, 5)
    assert due_after(berlin(2026, 6, 3, 16), 1, "BY") == berlin(2026, 6, 6)
    # Reformation Day, Sat 31.10.2026 in Saxony falls on a weekend anyway; All Saints'
    # Day is a Sunday in 2026: a Friday mail is due on Monday in BY as nationally.
    assert due_after(berlin(2026, 10, 30, 12), 1, "BY") == berlin(2026, 11, 3)


def test_easter_and_the_change_to_summer_time() -> None:
    # Thu 25.03.2027, two working days: Good Friday 26.03 and Easter Monday 29.03 are
    # holidays, the weekend between them too; Tue 30.03 and Wed 31.03 count. Summer time
    # began on Sun 28.03.2027, so the end of 31.03 is 22:00 UTC.
    due = due_after(berlin(2027, 3, 25, 11), 2)
    assert due == berlin(2027, 4, 1)
    assert due.astimezone(UTC) == datetime(2027, 3, 31, 22, tzinfo=UTC)


def test_resolution_in_five_working_days_from_a_monday() -> None:
    # Mon 07.12.2026 + 5 working days: Tue 08, Wed 09, Thu 10, Fri 11, Mon 14.12.
    days = ServiceTargets().resolution_days
    assert due_after(berlin(2026, 12, 7, 8), days) == berlin(2026, 12, 15)


def test_a_late_evening_mail_counts_from_its_berlin_date() -> None:
    # 23:30 UTC on Thu 10.12.2026 is 00:30 on Fri 11.12 in Berlin: due at the end of
    # Mon 14.12 (read as Thursday it would be the end of Friday); 23:30 UTC on Sun 13.12
    # is Monday 14.12 in Berlin: due at the end of Tue 15.12.
    assert due_after(datetime(2026, 12, 10, 23, 30, tzinfo=UTC), 1) == berlin(2026, 12, 15)
    assert due_after(datetime(2026, 12, 13, 23, 30, tzinfo=UTC), 1) == berlin(2026, 12, 16)


def test_urgency_of_a_deadline() -> None:
    due = berlin(2026, 12, 8)  # the end of Mon 07.12.2026
    assert urgency(due, berlin(2026, 12, 6, 23, 59)) is Urgency.LATER
    assert urgency(due, berlin(2026, 12, 7, 0, 0)) is Urgency.DUE_TODAY
    assert urgency(due, berlin(2026, 12, 7, 23, 59)) is Urgency.DUE_TODAY
    assert urgency(due, berlin(2026, 12, 8, 0, 0)) is Urgency.OVERDUE


@pytest.mark.parametrize("kwargs", [
    {"first_response_days": 0}, {"resolution_days": -1}, {"resolution_days": 61},
    {"first_response_days": True}, {"state": "XX"}, {"state": "by"},
])
def test_targets_refuse_what_they_cannot_use(kwargs: dict[str, object]) -> None:
    with pytest.raises(DeadlineError):
        ServiceTargets(**kwargs)  # type: ignore[arg-type]


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        due_after(datetime(2026, 12, 7, 8), 1)


def test_a_case_owes_a_first_reply_and_a_resolution() -> None:
    from xrewards_desk.domain.deadlines import case_due

    targets = ServiceTargets(first_response_days=1, resolution_days=5)
    # in on Thu 24.12.2026: the first reply by the end of Mon 28.12, the resolution by the
    # end of Mon 04.01.2027 (28, 29, 30, 31.12 and, past New Year's Day, 04.01)
    due = case_due(berlin(2026, 12, 24, 10), replied=False, closed=False, targets=targets)
    assert due.first_response == berlin(2026, 12, 29)
    assert due.resolution == berlin(2027, 1, 5)
    assert due.next == due.first_response
    answered = case_due(berlin(2026, 12, 24, 10), replied=True, closed=False, targets=targets)
    assert answered.first_response is None and answered.next == berlin(2027, 1, 5)
    closed = case_due(berlin(2026, 12, 24, 10), replied=False, closed=True, targets=targets)
    assert closed.next is None
