"""Figures as the program writes them in German and English: whole numbers grouped
(1.234 / 1,234), euro amounts exact from the Decimal (1.234,56 € / €1,234.56) and calendar
dates (06.12.2026 / 6 Dec 2026), from the CLDR data of Babel.

One formatter for the layers without Qt: the explanation of a balance (domain/explain.py)
and the replies (mail/replies.py) call it, and the desk's :class:`~xrewards_desk.ui.widgets.
i18n.Fmt` formats its cells with it (its pickers and charts keep Qt's QLocale). It lives in
``domain`` because the explanation does, and ``domain`` imports nothing of ours: a module
above it would turn that rule around. It is pure like the rest of ``domain`` (no Qt, no
store, no I/O but Babel reading its own locale data, as ``calendar`` reads tzdata).

German is ``de`` (or any ``de-…``); every other language is written in English. English is
Babel's ``en``: its abbreviated months are Jan … Dec, as the letters have always written
them (``en_GB`` writes "Sept").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal

#: how the program's letters write a date, in German and English alike: 31.03.2026
LETTER_DATE = "dd.MM.yyyy"
#: an English date in a reply: 28 Feb 2025
SHORT_DATE = "d MMM yyyy"

_CENT = Decimal("0.01")


def is_german(language: str) -> bool:
    return language.strip().lower().startswith("de")


def _locale(language: str) -> str:
    return "de_DE" if is_german(language) else "en"


def format_number(value: int, language: str, minus: str = "-") -> str:
    """1.234 in German, 1,234 in English; `minus` before a negative value."""
    return _babel_decimal(value, locale=_locale(language)).replace("-", minus, 1)


def format_money(amount: Decimal, language: str, minus: str = "-") -> str:
    """EUR, exact from the Decimal to the cent: 1.234,56 € in German, €1,234.56 in
    English; `minus` before a negative amount (an amount that rounds to 0 has none)."""
    value = amount.quantize(_CENT) + 0  # + 0: a negative zero becomes 0.00
    text = _babel_currency(value, "EUR", locale=_locale(language))
    return text.replace("\xa0", " ").replace("-", minus, 1)


def format_day(day: date, language: str, english: str = SHORT_DATE) -> str:
    """A calendar date: 06.12.2026 in German, in English as the pattern `english` (a CLDR
    date pattern) writes it: 6 Dec 2026 by default."""
    if is_german(language):
        return _babel_date(day, LETTER_DATE, locale="de_DE")
    return _babel_date(day, english, locale="en")


__all__ = ["LETTER_DATE", "SHORT_DATE", "format_day", "format_money", "format_number",
           "is_german"]
