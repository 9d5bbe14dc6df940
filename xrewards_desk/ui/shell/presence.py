"""Who else has a record open: the view showing a record marks it on the server every
20 s (a mark lasts 90 s there) and hears who else has it open.

``Presence(desk)``; ``watch("transfer_request:3")`` starts, ``stop()`` ends; the signal
``others(list[OtherPerson])`` fires when that list changes (an empty list when everyone
else has gone, or on stop). The calls run on the network lane; offline, or signed out, it
stays silent and tries again at the next tick."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from xrewards_desk.contract.commands import PresenceList
from xrewards_desk.sync.client import NotSignedIn, Offline, Refused
from xrewards_desk.ui.qt import QCoreApplication, QLabel, QObject, QTimer, Signal
from xrewards_desk.ui.shell.desk import Desk

log = logging.getLogger(__name__)

#: how often the mark is renewed and the list asked for (the server keeps a mark 90 s)
INTERVAL_MS = 20_000


@dataclass(frozen=True)
class OtherPerson:
    name: str
    display_name: str
    since: datetime


def presence_text(people: Iterable[OtherPerson | str]) -> str:
    """ "Also open by Ben Schuster" (and "A, B and C"); "" for nobody."""
    names = [p if isinstance(p, str) else p.display_name or p.name for p in people]
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else QCoreApplication.translate(
        "Presence", "%1 and %2").replace("%1", ", ".join(names[:-1])).replace(
        "%2", names[-1])
    return QCoreApplication.translate("Presence", "Also open by %1").replace("%1", joined)


class Presence(QObject):
    others = Signal(list)

    def __init__(self, desk: Desk, parent: QObject | None = None,
                 interval_ms: int = INTERVAL_MS) -> None:
        """`desk` gives `tasks` and `session` (its `client` is read at each tick, so a
        new sign-in is used at once)."""
        super().__init__(parent)
        self.desk = desk
        self.record: str | None = None
        self.current: list[OtherPerson] = []
        #: the key of this watcher's question to the server: a new record (or stop)
        #: supersedes the one still asked, whose answer is then never delivered
        self.key = ("presence", id(self))
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    @property
    def watching(self) -> bool:
        return self.record is not None

    @property
    def asking(self) -> bool:
        """Whether the server's answer to this watcher's question is still to come."""
        return self.desk.tasks.waiting(self.key)

    def watch(self, record: str) -> None:
        """Mark `record` ("mail_case:12") as open now and every interval until stop()."""
        if record == self.record:
            return
        self._reset()
        self.record = record
        self.timer.start()
        self._tick()

    def stop(self) -> None:
        self._reset()
        self.record = None
        self.timer.stop()

    def _reset(self) -> None:
        self.desk.tasks.forget(self.key)
        if self.current:
            self.current = []
            self.others.emit([])

    def _tick(self) -> None:
        session = self.desk.session
        record = self.record
        if record is None or session is None or self.asking:
            return
        client = session.client
        self.desk.tasks.on_net(lambda: client.mark_present(record), self._answer,
                               self._failed, key=self.key)

    def _answer(self, answer: PresenceList) -> None:
        people = [OtherPerson(p.name, p.display_name or p.name, p.since)
                  for p in answer.others]
        if people != self.current:
            self.current = people
            self.others.emit(list(people))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, (Offline, NotSignedIn, Refused)):
            # expected: nothing to show; the next tick tries again
            log.debug("presence for %s not renewed: %s", self.record, exc)
        else:
            log.error("presence for %s failed", self.record, exc_info=exc)


def presence_label(presence: Presence) -> QLabel:
    """A label that says who else has the record open ("Also open by Ben Schuster")."""
    label = QLabel()
    label.setObjectName("presence")
    label.setStyleSheet("color: #b45309; font-weight: 600;")
    presence.others.connect(lambda people: label.setText(presence_text(people)))
    return label
