"""Where the application keeps things: one module over platformdirs.

Everything lives under one folder per purpose (data, logs, settings), readable by the
user alone (0700). `--data-dir DIR` puts all three under DIR (tests and demos)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_log_dir

from xrewards_desk.resources import resources

APP = "xrewards-desk"


def _private(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


@dataclass(frozen=True)
class Paths:
    data: Path
    logs: Path
    config: Path

    @classmethod
    def default(cls, root: Path | None = None) -> Paths:
        if root is not None:
            return cls(data=root, logs=root / "logs", config=root / "config")
        return cls(data=Path(user_data_dir(APP, appauthor=False)),
                   logs=Path(user_log_dir(APP, appauthor=False)),
                   config=Path(user_config_dir(APP, appauthor=False)))

    def demo(self) -> Paths:
        """The demo's own folders, apart from real customer data."""
        return Paths(data=self.data / "demo", logs=self.logs, config=self.config / "demo")

    def made(self) -> Paths:
        for folder in (self.data, self.logs, self.config):
            _private(folder)
        return self

    @property
    def local_store(self) -> Path:
        return self.data / "desk.sqlite"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.ini"

    @property
    def log_file(self) -> Path:
        return self.logs / "xrewards-desk.log"


__all__ = ["APP", "Paths", "resources"]
