"""The sync in the status bar: online/offline, the last sync, commands waiting in the
outbox, a progress bar while a sync runs, "Sync now", and the refused commands; and the
mail gateway's state as the last sync read it (connected, the last mail taken, the
replies waiting), where the server has one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.sync.status import Status
from xrewards_desk.ui.qt import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
    Signal,
)
from xrewards_desk.ui.widgets.i18n import Fmt

if TYPE_CHECKING:  # the contract and the store's read models: not before the first paint
    from xrewards_desk.contract.commands import GatewayState
    from xrewards_desk.store.read.lookups import Refusal


class SyncBar(QWidget):
    sync_requested = Signal()
    refusals_requested = Signal()

    def __init__(self, fmt: Callable[[], Fmt]) -> None:
        super().__init__()
        self.setObjectName("syncbar")
        self.fmt = fmt
        self.status = Status()
        #: the commands waiting in the outbox, once the store has told (None until then:
        #: the label stays empty rather than say 0 while the store is still opening)
        self.waiting: int | None = None
        self.refusals: list[Refusal] = []
        self.online = QLabel()
        self.last = QLabel()
        self.outbox = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.gateway = QLabel()
        self.gateway.setObjectName("gateway_state")
        self.gateway.hide()
        self.gateway_state: GatewayState | None = None
        self.refused = QToolButton()
        self.refused.hide()  # shown where the outbox has refused commands
        self.refused.clicked.connect(self.refusals_requested)
        self.sync = QPushButton()
        self.sync.clicked.connect(self.sync_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.online, self.last, self.outbox, self.refused, self.progress,
                       self.gateway):
            layout.addWidget(widget)
            layout.addSpacing(12)
        layout.addStretch(1)
        layout.addWidget(self.sync)
        self.retranslate()

    def retranslate(self) -> None:
        self.sync.setText(self.tr("Sync now"))
        self.sync.setToolTip(self.tr("Send the outbox and fetch the server's changes (F5)"))
        self.show_status(self.status)
        if self.waiting is not None:
            self.show_outbox(self.waiting, self.refusals)
        self.show_gateway(self.gateway_state)

    def show_status(self, status: Status) -> None:
        self.status = status
        if status.syncing:
            self.online.setText("⟳ " + self.tr("Syncing…"))
        elif status.online:
            self.online.setText("● " + self.tr("Online"))
        else:
            self.online.setText("○ " + self.tr("Offline"))
        self.online.setToolTip(status.last_error or "")
        self.online.setStyleSheet("color: #15803d;" if status.online else "color: #b45309;")
        when = status.last_success
        self.last.setText(self.tr("Last sync: %1").replace("%1", self._when(when))
                          if when else self.tr("Not synced yet"))
        if not status.syncing:
            self.progress.hide()

    def _when(self, when: datetime) -> str:
        return self.fmt().when(when)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.show()
        if total <= 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, max(total, done))
            self.progress.setValue(done)
        self.progress.setFormat(self.tr("%1 change(s)", "", done).replace(
            "%1", self.fmt().number(done)))

    def show_outbox(self, waiting: int, refusals: list[Refusal]) -> None:
        self.waiting = waiting
        self.refusals = refusals
        self.outbox.setText(self.tr("Outbox: %1 waiting").replace(
            "%1", self.fmt().number(waiting)))
        self.refused.setText(self.tr("Refused: %1").replace(
            "%1", self.fmt().number(len(refusals))))
        self.refused.setVisible(bool(refusals))
        self.refused.setStyleSheet("color: #b91c1c; font-weight: bold;")

    def show_gateway(self, state: GatewayState | None) -> None:
        """The mail gateway's last report; nothing where there is none (no gateway, or a
        server without one)."""
        self.gateway_state = state
        self.gateway.setVisible(state is not None)
        if state is None:
            return
        f = self.fmt()
        mark = "● " if state.connected else "○ "
        text = self.tr("Mailbox: connected") if state.connected else self.tr(
            "Mailbox: not connected")
        taken = state.last_taken_at
        # the time alone where the last mail came the day of the report (room is short)
        when = f.when(taken) if taken is not None else ""
        if taken is not None and taken.astimezone(BERLIN).date() == \
                state.reported_at.astimezone(BERLIN).date():
            when = f"{taken.astimezone(BERLIN):%H:%M}"
        last = (self.tr("last mail %1").replace("%1", when) if taken is not None
                else self.tr("no mail taken yet"))
        waiting = self.tr("%n reply(s) waiting", "", state.waiting)
        # what matters most first: where room runs out, the end is cut (all in the tooltip)
        line = f"{mark}{text} · {waiting} · {last}"
        self.gateway.setText(line)
        self.gateway.setToolTip(line + "\n" + self.tr(
            "The mail gateway reported at %1: %2").replace(
            "%1", f.when(state.reported_at)).replace("%2", state.detail or "—"))
        self.gateway.setStyleSheet("color: #15803d;" if state.connected
                                   else "color: #b91c1c;")
