"""Date pickers of the filters: a calendar date as Qt's QDate and back, and a picker that
may be left empty ("—", no limit), shown with a four-digit year in the UI's language."""

from __future__ import annotations

from datetime import date

from xrewards_desk.ui.qt import QDate, QDateEdit

#: the date an empty picker holds (shown as its special value, "—")
NO_DATE = QDate(2000, 1, 1)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(picked: QDate) -> date | None:
    """The picked calendar date; None where the picker is empty."""
    return None if picked == NO_DATE else date(picked.year(), picked.month(), picked.day())


def date_edit(name: str = "", empty: bool = True) -> QDateEdit:
    """A date picker with a calendar popup, named `name` (for tests and style); with
    `empty`, it starts empty and may be emptied again (the earliest date, shown as "—")."""
    edit = QDateEdit()
    if name:
        edit.setObjectName(name)
    edit.setCalendarPopup(True)
    if empty:
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("—")
        edit.setDate(NO_DATE)
    return edit
