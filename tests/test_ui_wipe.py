"""Issue 22 item 4 in the window (pytest-qt, offscreen): File ▸ "Sign out and remove local
data…" names what goes, refuses while unsent commands would be lost without a second
confirmation, removes the store, its copies and every file of the desktop on the store
lane and closes the window; the retention sweep runs on the store lane by the desk's
clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.case_harness import cases_template, local_desk, window_of  # noqa: F401 (fixture)
from tests.ui_harness import DeskTemplate
from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.outbox import LocalOutbox
from xrewards_desk.ui.qt import QApplication, QLabel
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.retention import Retention
from xrewards_desk.ui.shell.wipe import Wiper

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@contextmanager
def desk_in(qapp: QApplication, template: DeskTemplate, root: Path) -> Iterator[Desk]:
    """A desktop whose store, evidence and settings are in the data folder `root`."""
    with local_desk(qapp, template, root, data_folder=True) as desk:
        yield desk


def test_sign_out_and_remove_local_data(qtbot: Any, qapp: QApplication,
                                        cases_template: DeskTemplate,  # noqa: F811
                                        tmp_path: Path) -> None:
    root = tmp_path / "desk"
    with desk_in(qapp, cases_template, root) as desk:
        store = desk.local()
        evidence = EvidenceFolder.of(root, store)
        for i in range(3):
            evidence.put(PDF + f"%{i}\n".encode(), f"Beleg {i}.pdf")
        (root / "desk.before-upgrade-0015-20261206T120000.sqlite").write_bytes(b"copy")
        LocalOutbox(store, "anna").enqueue({"type": "note_mail_case", "case": 1,
                                            "text": "noch nicht gesendet"})
        window = window_of(qtbot, desk)
        assert window.wipe_action.isEnabled()
        assert window.wipe_action.text() == "Sign out and remove local data…"
        assert window.wipe_action in window.desk_menu.actions()

        window.wipe_action.trigger()
        qtbot.waitUntil(lambda: window.findChild(Wiper) is not None
                        and window.findChild(Wiper).dialog is not None, timeout=30_000)
        wiper = window.findChild(Wiper)
        dialog = wiper.dialog
        what = dialog.findChild(QLabel, "wipe_what").text()
        assert str(root) in what
        assert "• 3 evidence files" in what
        assert "the local store, its copies and its key" in what
        unsent = dialog.findChild(QLabel, "wipe_unsent").text()
        assert unsent.startswith("1 command in the outbox has not reached the server yet")
        # without the second confirmation nothing happens
        assert not dialog.remove.isEnabled()
        dialog.accept()
        assert dialog.isVisible() and desk.store is not None
        assert dialog.lost is not None
        dialog.lost.setChecked(True)
        assert dialog.remove.isEnabled()
        with qtbot.waitSignal(wiper.finished, timeout=30_000) as done:
            dialog.remove.click()
        removed = done.args[0]
        # the store and its copy (and any -wal/-shm), 3 x (file + label); the settings
        # and logs folders are not customer data and stay
        assert removed.files >= 2 + 6
        assert removed.parts[1:] == ["evidence/ (6 files)"]
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
        assert desk.store is None and desk.session is None
        left = sorted(p.name for p in root.iterdir())
        assert left == ["config", "logs"], left


def test_the_retention_sweep_runs_on_the_store_lane_by_the_desks_clock(
        qtbot: Any, qapp: QApplication, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with desk_in(qapp, cases_template, tmp_path / "desk") as desk:
        desk.settings.set(st.RETENTION_MONTHS, 1)
        retention = Retention(desk)
        with qtbot.waitSignal(retention.swept, timeout=30_000) as first:
            retention.start()
        # one calendar month before the demo's now (Monday 16.11.2026 09:30 Berlin)
        assert first.args[0].before == datetime(2026, 10, 16, 9, 30, tzinfo=BERLIN)
        assert retention.timer.isActive() and retention.timer.interval() == 86_400_000
        assert isinstance(desk.clock, SettableClock)
        desk.clock.advance(timedelta(days=1))
        with qtbot.waitSignal(retention.swept, timeout=30_000) as second:
            retention.run()
        assert second.args[0].before - first.args[0].before == timedelta(days=1)
        # a value outside the dialog's bounds, written by hand, counts as 24 months
        desk.settings.set(st.RETENTION_MONTHS, 0)
        with qtbot.waitSignal(retention.swept, timeout=30_000) as third:
            retention.run()
        assert third.args[0].before == datetime(2024, 11, 17, 9, 30, tzinfo=BERLIN)
