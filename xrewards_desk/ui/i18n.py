"""Languages: English and German. The translation comes from resources/translations
(Qt .qm files made from the .ts sources); dates, points and amounts are formatted per the
chosen language (1.234,56 € in German, €1,234.56 in English)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ..domain.calendar import BERLIN
from .paths import resources
from .qt import QApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = ("en", "de")


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
        if code == "en":
            return True
        ours = QTranslator(self.app)
        found = ours.load(str(resources() / "translations" / f"xrewards_{code}.qm"))
        if found:
            self.app.installTranslator(ours)
            self._translators.append(ours)
        qt = QTranslator(self.app)  # Qt's own (standard buttons, dialogs)
        if qt.load(f"qtbase_{code}",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self.app.installTranslator(qt)
            self._translators.append(qt)
        return found


def locale_for(code: str) -> QLocale:
    return QLocale(QLocale.Language.German, QLocale.Country.Germany) if code == "de" \
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


class Fmt:
    """Numbers, amounts and dates as the chosen language writes them."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.locale = locale_for(code)
        self.group = "." if code == "de" else ","
        self.point = "," if code == "de" else "."

    def points(self, n: int) -> str:
        text = f"{abs(n):,}".replace(",", self.group)
        return f"−{text}" if n < 0 else text

    def signed(self, n: int) -> str:
        return f"+{self.points(n)}" if n > 0 else self.points(n)

    def money(self, amount: Decimal) -> str:
        """Exact, from the Decimal: 1.234,56 € (de) or €1,234.56 (en)."""
        value = amount.quantize(Decimal("0.01"))
        sign = "−" if value < 0 else ""
        whole, cents = f"{abs(value):.2f}".split(".")
        whole = f"{int(whole):,}".replace(",", self.group)
        if self.code == "de":
            return f"{sign}{whole}{self.point}{cents} €"
        return f"{sign}€{whole}{self.point}{cents}"

    def date(self, day: date | None) -> str:
        if day is None:
            return ""
        return day.strftime("%d.%m.%Y") if self.code == "de" else day.strftime("%d %b %Y")

    def when(self, at: datetime | None) -> str:
        """An instant, in Berlin time."""
        if at is None:
            return ""
        local = at.astimezone(BERLIN)
        return f"{self.date(local.date())} {local:%H:%M}"
