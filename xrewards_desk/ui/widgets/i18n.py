"""Languages: English and German. The translation comes from resources/translations
(Qt .qm files made from the .ts sources); dates, points and amounts are formatted per the
chosen language (1.234,56 € in German, €1,234.56 in English).

English needs a file too: it holds only the plural forms of the counts (`tr("%Ln
record(s)", "", n)` → "1 record", "2 records"), which lupdate collects with -pluralonly."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.formatting import format_day, format_money, format_number
from xrewards_desk.ui.qt import QApplication, QDateTimeEdit, QLibraryInfo, QLocale, QTranslator
from xrewards_desk.ui.shell.paths import resources

LANGUAGES = ("en", "de")
#: the desk's minus sign in figures (U+2212: as wide as a plus, aligned in a column)
MINUS = "\u2212"


def system_language() -> str:
    name = QLocale.system().name()  # e.g. "de_DE"
    return "de" if name.startswith("de") else "en"


def resolve(setting: str) -> str:
    return setting if setting in LANGUAGES else system_language()


class Language:
    """The installed translators; `switch` replaces them (widgets then retranslate)."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.code = "en"
        self._translators: list[QTranslator] = []

    def switch(self, code: str) -> bool:
        """Install `code`'s translations; False if its file is missing (English shown)."""
        for translator in self._translators:
            self.app.removeTranslator(translator)
        self._translators = []
        self.code = code
        QLocale.setDefault(locale_for(code))
        ours = QTranslator(self.app)
        found = ours.load(str(resources() / "translations" / f"xrewards_{code}.qm"))
        if found:
            self.app.installTranslator(ours)
            self._translators.append(ours)
        if code == "en":
            return True  # the source language: without its plural forms it still reads
        qt = QTranslator(self.app)  # Qt's own (standard buttons, dialogs)
        if qt.load(f"qtbase_{code}",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self.app.installTranslator(qt)
            self._translators.append(qt)
        return found


def locale_for(code: str) -> QLocale:
    return QLocale(QLocale.Language.German, QLocale.Country.Germany) if code == "de" \
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def picker_format(locale: QLocale | None = None, with_time: bool = False) -> str:
    """`locale`'s (default: the UI's) short date format with a four-digit year, and its
    time of day with `with_time`: dd.MM.yyyy (de), dd/MM/yyyy (en)."""
    chosen = locale if locale is not None else QLocale()
    text = chosen.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in text:
        text = text.replace("yy", "yyyy")
    if with_time:
        text += " " + chosen.timeFormat(QLocale.FormatType.ShortFormat)
    return text


def four_digit_years(edit: QDateTimeEdit, with_time: bool = False) -> None:
    """A date (or date and time) picker in the UI's language with a four-digit year."""
    edit.setDisplayFormat(picker_format(None, with_time))


class Fmt:
    """Numbers, amounts and dates as the chosen language writes them, with the desk's
    minus sign (−1.234): the program's one formatter (domain/formatting.py), so a table's
    cells are formatted without a QLocale each; the locale, for pickers and charts, is
    made when first asked. :func:`fmt_for` hands out one per language."""

    def __init__(self, code: str) -> None:
        self.code = code

    @cached_property
    def locale(self) -> QLocale:
        return locale_for(self.code)

    def points(self, n: int) -> str:
        return format_number(n, self.code, minus=MINUS)

    def number(self, n: int) -> str:
        """A count or any whole number, grouped: 213.241 (de), 213,241 (en)."""
        return self.points(n)

    def size(self, n: int) -> str:
        """A file's size in bytes, exact and grouped: 1.023 B (de), 1,023 B (en)."""
        return f"{self.number(n)} B"

    def picker_format(self, with_time: bool = False) -> str:
        """The display format of a date picker: the locale's short form with a
        four-digit year (06.12.2026 in German, 06/12/2026 in English)."""
        return picker_format(self.locale, with_time)

    def chart_dates(self) -> str:
        """The date format of a chart's time axis."""
        return "dd.MM.yyyy" if self.code == "de" else "dd MMM yyyy"

    def signed(self, n: int) -> str:
        return f"+{self.points(n)}" if n > 0 else self.points(n)

    def money(self, amount: Decimal) -> str:
        """Exact, from the Decimal: 1.234,56 € (de) or €1,234.56 (en)."""
        return format_money(amount, self.code, minus=MINUS)

    def date(self, day: date | None) -> str:
        """06.12.2026 (de), 06 Dec 2026 (en)."""
        return "" if day is None else format_day(day, self.code, english="dd MMM yyyy")

    def when(self, at: datetime | None) -> str:
        """An instant, in Berlin time."""
        if at is None:
            return ""
        local = at.astimezone(BERLIN)
        return f"{self.date(local.date())} {local:%H:%M}"


@cache
def fmt_for(code: str) -> Fmt:
    """The one formatter of a language (the views ask for it per cell)."""
    return Fmt(code)
