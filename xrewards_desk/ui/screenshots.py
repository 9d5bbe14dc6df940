"""`--screenshots DIR`: drive the app through its main views with the demo data, save
each as a PNG, then quit. Each step waits (without blocking the GUI thread) until the view
has its data."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .qt import QApplication, QTimer, QWidget

#: a search the demo always answers with several customers
QUERY = "müller"
STEP_TIMEOUT_MS = 60_000


class Screenshots:
    def __init__(self, window: Any, folder: Path) -> None:
        self.window = window
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.steps: list[tuple[str, Callable[[], None], Callable[[], bool],
                               Callable[[], QWidget | None]]] = []
        self.written: list[Path] = []
        self.customer: Any = None
        #: (role, view) the next step waits for after switching the demo role
        self.wanted: tuple[str, str] | None = None

    def start(self) -> None:
        w = self.window
        self.steps = [
            ("search", lambda: self._search(QUERY),
             lambda: bool(w.search.model.rows) and not w.search.pending, lambda: w),
            ("customer", self._open_first, self._customer_loaded, lambda: w),
            ("ledger", self._ledger, self._ledger_loaded, lambda: w),
            ("explain", self._explain, lambda: self._dialog("explain") is not None,
             lambda: self._dialog("explain")),
            ("refused", self._refusals, lambda: self._dialog("refusals") is not None,
             lambda: self._dialog("refusals")),
            ("settings", self._settings, lambda: self._dialog("settings") is not None,
             lambda: self._dialog("settings")),
            ("about", self._about, lambda: self._dialog("about") is not None,
             lambda: self._dialog("about")),
            ("cases", self._cases, lambda: bool(w.inbox.loaded and w.inbox.model.rows),
             lambda: w),
            ("case", self._case, self._case_loaded, lambda: w),
            ("objection-decision", self._decision,
             lambda: self._dialog("decide_objection") is not None,
             lambda: self._dialog("decide_objection")),
            ("reply", self._reply, lambda: self._dialog("reply_dialog") is not None,
             lambda: self._dialog("reply_dialog")),
            ("objections", self._objections, lambda: bool(
                w.objections is not None and w.objections.loaded), lambda: w),
            ("abuse", lambda: self._as_role("compliance", "abuse"),
             lambda: self._view_ready("abuse", lambda v: v.compared is not None), lambda: w),
            ("claims", lambda: self._show_view("claims"),
             lambda: self._view_ready("claims", lambda v: bool(v.model.rows)), lambda: w),
            ("audit", self._audit, lambda: self._view_ready("audit", self._audit_ready),
             lambda: w),
            ("transfers", lambda: self._as_role("team_lead", "transfers"),
             lambda: self._view_ready("transfers", self._evidence_shown), lambda: w),
            ("customer-de", self._german, self._customer_loaded, lambda: w),
        ]
        QTimer.singleShot(0, self._next)

    # ------------------------------------------------------------------ steps
    def _search(self, text: str) -> None:
        self.window.focus_search()
        self.window.search.field.setText(text)

    def _open_first(self) -> None:
        """The customer found with the most to show: the highest balance."""
        w = self.window
        rows = w.search.model.rows
        best = max(range(len(rows)), key=lambda i: rows[i].balance)
        w.search.table.selectRow(best)
        w.open_customer(rows[best].id)
        self.customer = w.tabs.currentWidget()

    def _customer_loaded(self) -> bool:
        return self.customer is not None and self.customer.loaded

    def _ledger(self) -> None:
        self.customer.show_ledger()

    def _ledger_loaded(self) -> bool:
        ledger = self.customer.ledger
        if ledger.loaded and ledger.model.rows and not ledger.table.currentIndex().isValid():
            # a redemption shows the lots it drew from; else the newest entry
            rows = ledger.model.rows
            pick = next((i for i, r in enumerate(rows) if r.type == "redemption"), 0)
            ledger.table.selectRow(pick)
        return bool(ledger.loaded)

    def _explain(self) -> None:
        self.customer.explain(modal=False)

    def _refusals(self) -> None:
        self._close_dialogs()
        from .dialogs import RefusalsDialog

        dialog = RefusalsDialog(self.window.syncbar.refusals, self.window.desk.fmt,
                                self.window)
        dialog.show()

    def _settings(self) -> None:
        self._close_dialogs()
        from .dialogs import SettingsDialog

        dialog = SettingsDialog(self.window.desk.settings, self.window)
        dialog.show()

    def _about(self) -> None:
        self._close_dialogs()
        from .about import AboutDialog

        AboutDialog(self.window).show()

    def _cases(self) -> None:
        self._close_dialogs()
        self.window.show_cases()

    def _case(self) -> None:
        """The open case with an objection that is still open: the busiest view."""
        w = self.window
        rows = w.inbox.model.rows
        pick = next((i for i, r in enumerate(rows) if r.open_objections), 0)
        w.inbox.table.selectRow(pick)
        w.open_case(rows[pick].id)
        self.case = w.tabs.currentWidget()

    def _case_loaded(self) -> bool:
        case = getattr(self, "case", None)
        if case is None or not case.loaded:
            return False
        # the mail the objection came with, read in the right pane
        rows = case.timeline.rows
        pick = next((i for i, r in enumerate(rows) if r.kind == "mail_in"), 0)
        if case.timeline_table.currentIndex().row() != pick:
            case.timeline_table.selectRow(pick)
        return True

    def _decision(self) -> None:
        from .case_dialogs import UPHOLD, DecideObjectionDialog

        objection = self.case.selected_objection()
        if objection is None:
            return
        dialog = DecideObjectionDialog(self.window.desk.fmt(), objection, UPHOLD, self.case)
        dialog.reason.setPlainText("Verfall vor Ablauf der 12 Monate gebucht (T4.2); "
                                   "die Punkte werden neu gutgeschrieben.")
        dialog.show()

    def _reply(self) -> None:
        self._close_dialogs()
        from .reply_dialog import Facts, ReplyDialog

        dialog = ReplyDialog(self.window.desk, self.case.detail, self.window,
                             Facts(None, None, None))
        dialog.template.setCurrentIndex(max(0, dialog.template.findData("acknowledge")))
        dialog.show()

    def _objections(self) -> None:
        self._close_dialogs()
        self.window.show_objections()

    def _as_role(self, role: str, view: str) -> None:
        """Sign in as the demo user of `role` (the role switcher), then show `view`."""
        self._close_dialogs()
        w = self.window
        self.wanted = (role, view)
        w.role_requested.emit(role)

    def _role_is(self, role: str) -> bool:
        session = self.window.desk.session
        return session is not None and session.person is not None \
            and session.person.role == role

    def _show_view(self, key: str) -> None:
        self._close_dialogs()
        self.window.show_view(key)

    def _view_ready(self, key: str, ready: Callable[[Any], bool]) -> bool:
        w = self.window
        wanted = self.wanted
        if wanted is not None and wanted[1] == key:
            if not self._role_is(wanted[0]):
                return False
            self.wanted = None
            w.show_view(key)
        page = w.role_views[key].page
        if page is None or not page.loaded:
            return False
        if key == "abuse" and page.model.rows and page.compared is None:
            page.table.selectRow(0)
        return ready(page)

    def _audit(self) -> None:
        """An agent's commands (the demo's staff work, not the shop's events), the first
        one's detail, and the chain verified."""
        self._show_view("audit")
        page = self.window.role_views["audit"].page
        page.person.setCurrentIndex(max(0, page.person.findData("anna")))
        page.refresh()
        QTimer.singleShot(0, page.verify)

    @staticmethod
    def _audit_ready(page: Any) -> bool:
        anna = page.person.findData("anna")
        if anna >= 0 and page.person.currentIndex() != anna:
            page.person.setCurrentIndex(anna)  # the names arrived: filter, reload
            page.refresh()
            return False
        if not page.loaded or not page.model.rows or page.verification is None:
            return False
        if not page.table.currentIndex().isValid():
            page.table.selectRow(0)
        return True

    @staticmethod
    def _evidence_shown(page: Any) -> bool:
        """The queue with a request whose evidence is a PDF, shown beside it."""
        if not page.model.rows:
            return False
        if page.evidence_kind == "pdf":
            return True
        with_pdf = [x for x in page.model.rows
                    if any((e.media_type or "") == "application/pdf" for e in x.evidence)]
        if with_pdf and page.selected() is not with_pdf[0]:
            page.select_request(with_pdf[0].id)
        return not with_pdf and bool(page.evidence_kind)

    def _german(self) -> None:
        self._close_dialogs()
        self.window.desk.language.switch("de")
        self.window.retranslate()
        self.customer.show_overview()
        self.customer.refresh()

    # ------------------------------------------------------------------ plumbing
    def _dialog(self, name: str) -> QWidget | None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == name and widget.isVisible():
                return widget
        return None

    def _close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible():
                widget.close()

    def _next(self) -> None:
        if not self.steps:
            self._close_dialogs()
            print("\n".join(str(p) for p in self.written))
            QApplication.exit(0)
            return
        name, act, ready, target = self.steps.pop(0)
        act()
        waited = [0]

        def poll() -> None:
            if ready():
                # one more turn of the event loop so that layouts settle
                QTimer.singleShot(150, lambda: self._save(name, target()))
                return
            waited[0] += 50
            if waited[0] > STEP_TIMEOUT_MS:
                print(f"xrewards-desk: the {name} view did not get its data in time",
                      file=sys.stderr)
                QApplication.exit(1)
                return
            QTimer.singleShot(50, poll)

        QTimer.singleShot(50, poll)

    def _save(self, name: str, widget: QWidget | None) -> None:
        path = self.folder / f"{name}.png"
        if widget is None or not widget.grab().save(str(path)):
            print(f"xrewards-desk: could not write {path}", file=sys.stderr)
            QApplication.exit(1)
            return
        self.written.append(path)
        self._next()
