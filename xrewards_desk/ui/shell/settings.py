"""Every setting, declared once with its type, default and label; kept in an INI file in
the user's settings folder (never a token: that lives in the keyring)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrewards_desk.ui.qt import QT_TRANSLATE_NOOP, QSettings


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

ALL = (API_URL, USER, LANGUAGE, SYNC_MINUTES, WATCH_FOLDER, AGENT_SIGNATURE)


class Settings:
    def __init__(self, path: Path) -> None:
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
        self._q.setValue(setting.key, setting.type(value))
        self._q.sync()
