"""File ▸ "Sign out and remove local data…" (issue 22 item 4): what ``signout --wipe``
does, from the window.

What would go is counted on the store lane (with the outbox's unsent commands); a dialog
names it. Unsent commands are lost with the store: their count is shown, and the button
stays off until a second, explicit confirmation is ticked. The removal runs on the store
lane (the sign-in token forgotten, the store closed, its key forgotten, then
:func:`xrewards_desk.sync.wipe.wipe`); the window then says what was removed and closes,
which ends the app: the next start asks for a sign-in and syncs anew."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrewards_desk.ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QObject,
    QVBoxLayout,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.desk import Desk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Survey:
    """What a wipe would remove, counted, and the commands it would lose."""

    folder: Path
    store_files: int
    evidence: int
    mails: int
    other: int
    unsent: int


def _watched(desk: Desk) -> list[Path]:
    folder = str(desk.settings.get(st.WATCH_FOLDER) or "")
    return [Path(folder)] if folder else []


def survey(desk: Desk) -> Survey:
    """On the store lane: the parts :func:`wipe` would remove, and the unsent commands."""
    from xrewards_desk.store.read import lookups
    from xrewards_desk.sync.evidence import EvidenceFolder
    from xrewards_desk.sync.wipe import plan

    unsent = 0
    if desk.store is not None:
        with desk.store.session() as s:
            unsent = lookups.outbox_summary(s)[0]
    counts = {"store": 0, "evidence": 0, "mails": 0, "other": 0}
    for part in plan(desk.paths.data, _watched(desk)):
        if part.kind == "folder" and part.where.name == "evidence":
            # the files, not their sealed labels beside them
            counts["evidence"] += len(EvidenceFolder(desk.paths.data).held())
            continue
        kind = ("mails" if part.kind == "mails"
                or (part.kind == "folder" and part.where.name in ("mails", "drafts"))
                else "store" if part.kind in ("store", "key") else "other")
        counts[kind] += part.files
    return Survey(desk.paths.data, counts["store"], counts["evidence"], counts["mails"],
                  counts["other"], unsent)


class WipeDialog(QDialog):
    """Names what will go; with unsent commands, a second confirmation is required."""

    def __init__(self, found: Survey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wipe")
        self.setWindowTitle(self.tr("Sign out and remove local data"))
        lines = [
            self.tr("This signs you out and removes from this computer, in %1:").replace(
                "%1", str(found.folder)),
            "• " + self.tr("the local store, its copies and its key"),
            "• " + self.tr("%n evidence file(s)", "", found.evidence),
            "• " + self.tr("%n kept mail(s) and draft(s)", "", found.mails),
        ]
        if found.other:
            lines.append("• " + self.tr("%n other file(s) of the desktop", "", found.other))
        lines.append(self.tr("Everything stays on the server: signing in again syncs it "
                             "anew. The application quits afterwards."))
        intro = QLabel("\n".join(lines))
        intro.setObjectName("wipe_what")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.lost: QCheckBox | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.remove = buttons.addButton(self.tr("Remove local data"),
                                        QDialogButtonBox.ButtonRole.DestructiveRole)
        self.remove.setObjectName("wipe_remove")
        self.remove.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if found.unsent:
            warning = QLabel(self.tr(
                "%n command(s) in the outbox have not reached the server yet. They are "
                "lost if the local data is removed now; sync first to keep them.", "",
                found.unsent))
            warning.setObjectName("wipe_unsent")
            warning.setWordWrap(True)
            warning.setStyleSheet("color: #b91c1c;")
            self.lost = QCheckBox(self.tr("Remove all the same and lose %n unsent "
                                          "command(s)", "", found.unsent))
            self.lost.setObjectName("wipe_lose_unsent")
            self.lost.toggled.connect(self.remove.setEnabled)
            self.remove.setEnabled(False)
            layout.addWidget(warning)
            layout.addWidget(self.lost)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def accept(self) -> None:
        if self.lost is not None and not self.lost.isChecked():
            return  # refused without the second confirmation
        super().accept()


class Wiper(QObject):
    """Runs the whole sign-out-and-remove; `finished` carries what was removed (a
    :class:`~xrewards_desk.sync.wipe.Removed`), `failed` the error."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget,
                 quit_app: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.window = parent
        #: closing the main window ends the app (its last window)
        self.quit_app = quit_app or parent.close
        self.dialog: WipeDialog | None = None

    def start(self) -> None:
        """Count what would go (store lane), then ask."""
        sync = self.desk.sync
        if sync is not None and sync.running:
            self.failed.emit(self.tr("A sync is running; try again when it has finished."))
            return
        self.desk.tasks.on_store(lambda: survey(self.desk), self.ask,
                                 lambda exc: self.failed.emit(str(exc)))

    def ask(self, found: Survey) -> None:
        self.dialog = WipeDialog(found, self.window)
        self.dialog.accepted.connect(self.run)
        self.dialog.open()

    def run(self) -> None:
        from xrewards_desk.store.keys import forget_key
        from xrewards_desk.sync.wipe import wipe

        desk = self.desk
        if desk.sync is not None:
            desk.sync.timer.stop()
        session, store, data, watched = desk.session, desk.store, desk.paths.data, \
            _watched(desk)
        desk.session = desk.store = None

        def work() -> Any:
            if session is not None:
                for where in {session.api, session.api.removesuffix("/v1")}:
                    session.tokens.forget(where, session.user)
            if store is not None:
                store.close()
            keys = forget_key(data)
            removed = wipe(data, watched=watched)
            removed.parts += keys
            log.info("local data removed: %s", removed.sentence())
            return removed

        desk.tasks.on_store(work, self._done, lambda exc: self.failed.emit(str(exc)))

    def _done(self, removed: Any) -> None:
        self.finished.emit(removed)
        if not self.desk.quiet:
            QMessageBox.information(
                self.window, self.tr("Local data removed"),
                self.tr("%n file(s) were removed from this computer. You are signed out; "
                        "the application quits now.", "", removed.files))
        self.quit_app()
