"""The retention sweep (sync/retention.py, issue 22 item 4) at start and daily, on the
store lane, never on the GUI thread; "now" is the desk's clock (tests move it)."""

from __future__ import annotations

import logging
from pathlib import Path

from xrewards_desk.ui.qt import QObject, QTimer, Signal
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.desk import Desk

log = logging.getLogger(__name__)

DAY_MS = 24 * 60 * 60 * 1000


def retention_months(desk: Desk) -> int:
    from xrewards_desk.sync.retention import months_or_default

    return months_or_default(desk.settings.get(st.RETENTION_MONTHS))


class Retention(QObject):
    """Sweeps when started and every day after; `swept` carries the sweep's Swept."""

    swept = Signal(object)

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.timer = QTimer(self)
        self.timer.setInterval(DAY_MS)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        if not self.timer.isActive():
            self.timer.start()
            self.run()

    def run(self) -> None:
        from xrewards_desk.sync.retention import sweep

        desk, store = self.desk, self.desk.store
        if store is None:
            return
        months, now, data = retention_months(desk), desk.now(), desk.paths.data
        folder = str(desk.settings.get(st.WATCH_FOLDER) or "")
        watched = Path(folder) if folder else None
        desk.tasks.on_store(lambda: sweep(store, data, now, months, watched),
                            self.swept.emit, self._failed, key=(self, "sweep"))

    @staticmethod
    def _failed(exc: BaseException) -> None:  # tried again tomorrow; nothing is lost
        log.warning("the retention sweep failed: %s", exc)
