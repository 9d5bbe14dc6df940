"""Every setting, declared once with its type, default and label; kept in an INI file in
the user's settings folder (never a token: that lives in the keyring). Some are a
person's own (the inbox's saved views): kept under the setting's key and the signed-in
person's name, so two people sharing a computer each find their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrewards_desk.domain.deadlines import STATES, DeadlineError, ServiceTargets
from xrewards_desk.ui.qt import QT_TRANSLATE_NOOP, QObject, QSettings, Signal


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    #: shown in the settings dialog (translated there, context "Settings")
    label: str
    choices: tuple[tuple[str, str], ...] = ()


API_URL = Setting("api/url", str, "", str(QT_TRANSLATE_NOOP("Settings", "API address")))
USER = Setting("api/user", str, "", str(QT_TRANSLATE_NOOP("Settings", "User name")))
LANGUAGE = Setting("ui/language", str, "system",
                   str(QT_TRANSLATE_NOOP("Settings", "Language")),
                   (("system", str(QT_TRANSLATE_NOOP("Settings", "As the system"))),
                    ("en", "English"), ("de", "Deutsch")))
SYNC_MINUTES = Setting("sync/minutes", int, 5,
                       str(QT_TRANSLATE_NOOP("Settings", "Sync in the background every (minutes)")))

WATCH_FOLDER = Setting("mail/watch_folder", str, "",
                       str(QT_TRANSLATE_NOOP("Settings", "Import e-mails from this folder")))
AGENT_SIGNATURE = Setting("mail/signature", str, "",
                          str(QT_TRANSLATE_NOOP("Settings", "Name under replies")))

#: issue 22: mails, drafts and evidence files of closed cases leave this desktop after so
#: many calendar months (sync/retention.py; they stay on the server)
RETENTION_MONTHS = Setting(
    "privacy/retention_months", int, 24,
    str(QT_TRANSLATE_NOOP("Settings", "Remove files of closed cases from this desktop "
                                      "after (months)")))

# the German states by their own names (ISO 3166-2:DE codes, as domain/deadlines.STATES)
STATE_NAMES = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg",
    "HB": "Bremen", "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen", "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz",
    "SL": "Saarland", "SN": "Sachsen", "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}
assert set(STATE_NAMES) == set(STATES)

# the inbox's service targets (domain/deadlines.py), in working days after the day a
# mail came in, and the state whose holidays count beside the national ones
FIRST_RESPONSE_DAYS = Setting(
    "service/first_response_days", int, ServiceTargets().first_response_days,
    str(QT_TRANSLATE_NOOP("Settings", "First reply due within (working days)")))
RESOLUTION_DAYS = Setting(
    "service/resolution_days", int, ServiceTargets().resolution_days,
    str(QT_TRANSLATE_NOOP("Settings", "Case resolved within (working days)")))
HOLIDAY_STATE = Setting(
    "service/holiday_state", str, "",
    str(QT_TRANSLATE_NOOP("Settings", "Public holidays of")),
    (("", str(QT_TRANSLATE_NOOP("Settings", "Germany (national holidays only)"))),
     *sorted(STATE_NAMES.items(), key=lambda item: item[1])))
TARGETS = (FIRST_RESPONSE_DAYS, RESOLUTION_DAYS, HOLIDAY_STATE)

#: a person's own: the inbox's saved views (JSON; ui/cases/inbox.py reads it)
SAVED_VIEWS = Setting("inbox/saved_views", str, "{}", "")

ALL = (API_URL, USER, LANGUAGE, SYNC_MINUTES, WATCH_FOLDER, AGENT_SIGNATURE,
       RETENTION_MONTHS, *TARGETS)


def targets_of(values: dict[str, Any]) -> ServiceTargets:
    """The service targets from the targets' values by key (raises DeadlineError where
    the domain refuses them)."""
    state = values[HOLIDAY_STATE.key]
    return ServiceTargets(values[FIRST_RESPONSE_DAYS.key], values[RESOLUTION_DAYS.key],
                          state or None)


class Settings(QObject):
    #: a setting's key, when a different value was kept
    changed = Signal(str)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._q = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, setting: Setting) -> Any:
        value = self._q.value(setting.key, setting.default)
        try:
            value = setting.type(value)
        except (TypeError, ValueError):
            return setting.default
        if setting.choices and value not in {c for c, _label in setting.choices}:
            return setting.default
        return value

    def set(self, setting: Setting, value: Any) -> None:
        before = self.get(setting)
        self._q.setValue(setting.key, setting.type(value))
        self._q.sync()
        if self.get(setting) != before:
            self.changed.emit(setting.key)

    def targets(self) -> ServiceTargets:
        """The inbox's service targets; the defaults where the file holds what the domain
        refuses (edited by hand)."""
        try:
            return targets_of({s.key: self.get(s) for s in TARGETS})
        except DeadlineError:
            return ServiceTargets()

    @staticmethod
    def _own_key(setting: Setting, person: str) -> str:
        return f"{setting.key}/{person}"

    def own(self, setting: Setting, person: str) -> Any:
        """`person`'s own value of `setting` (its default where they have none)."""
        value = self._q.value(self._own_key(setting, person), setting.default)
        try:
            return setting.type(value)
        except (TypeError, ValueError):
            return setting.default

    def set_own(self, setting: Setting, person: str, value: Any) -> None:
        self._q.setValue(self._own_key(setting, person), setting.type(value))
        self._q.sync()
