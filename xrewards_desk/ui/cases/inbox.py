"""The case inbox: the rewards@ mailbox as cases, with status, assignee, age and customer;
search over sender, subject, customer and text; mails imported by drag and drop, a file
dialog or a watched folder; a manual case for an objection by phone or letter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from xrewards_desk.store.changes import Changes
from xrewards_desk.store.read.cases import ACTIVE, CaseFilter, CaseRow, case_rows
from xrewards_desk.ui.qt import (
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import forms
from xrewards_desk.ui.widgets.models import ALERT, WARN, Column, RowsModel, keep_place, table_view

DEBOUNCE_MS = 150


def status_text(widget: QWidget, status: str) -> str:
    words = {"new": QCoreApplication.translate("CaseText", "new"),
             "open": QCoreApplication.translate("CaseText", "in progress"),
             "waiting": QCoreApplication.translate("CaseText", "waiting for customer"),
             "closed": QCoreApplication.translate("CaseText", "closed")}
    return words.get(status, status)


def age_text(widget: QWidget, opened: datetime, now: datetime) -> str:
    seconds = max(0, int((now - opened).total_seconds()))
    if seconds < 3600:
        return QCoreApplication.translate("CaseText", "%1 min").replace("%1", str(seconds // 60))
    if seconds < 86400:
        return QCoreApplication.translate("CaseText", "%1 h").replace("%1", str(seconds // 3600))
    return QCoreApplication.translate("CaseText", "%1 d").replace("%1", str(seconds // 86400))


def eml_paths(urls: Any) -> list[Path]:
    """The local .eml files among dropped URLs (the bytes decide later whether each is a
    mail; the name only picks what to try)."""
    found = []
    for url in urls:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_dir():
                found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml"))
            else:
                found.append(path)
    return found


class CasesView(QWidget):
    open_case = Signal(int)
    import_requested = Signal(object)   # [Path]
    import_dialog_requested = Signal()
    manual_requested = Signal()

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.setObjectName("cases")
        self.desk = desk
        self.loaded = False
        #: answers shown (each reload's rows)
        self.loads = 0
        self.setAcceptDrops(True)

        self.status = QComboBox()
        self.status.setObjectName("case_status_filter")
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.mine = QCheckBox()
        self.mine.toggled.connect(lambda _on: self.reload())
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.reload)
        self.field = QLineEdit()
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(lambda _t: self.timer.start())
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_dialog_requested.emit)
        self.manual_button = QPushButton()
        self.manual_button.clicked.connect(self.manual_requested.emit)
        self.info = QLabel()

        now = desk.now
        self.model: RowsModel[CaseRow] = RowsModel([
            Column(lambda: self.tr("Case"), lambda c: str(c.id), right=True),
            Column(lambda: self.tr("Status"), lambda c: status_text(self, c.status),
                   foreground=lambda c: WARN if c.status == "new" else None),
            Column(lambda: self.tr("Subject"), lambda c: c.subject),
            Column(lambda: self.tr("Customer"), lambda c: (
                f"{c.customer} ({c.account_id})" if c.account_id else self.tr("not linked")),
                foreground=lambda c: ALERT if not c.account_id else None),
            Column(lambda: self.tr("Sender"), lambda c: c.sender or self.tr("sender unknown"),
                   tooltip=lambda c: c.sender or None),
            Column(lambda: self.tr("Assignee"), lambda c: c.assigned_to or "—"),
            Column(lambda: self.tr("Age"), lambda c: age_text(self, c.opened_at, now()),
                   right=True),
            Column(lambda: self.tr("Last mail"), lambda c: desk.fmt().when(c.last_at)),
            Column(lambda: self.tr("Objections"), lambda c: str(c.open_objections)
                   if c.open_objections else "", right=True,
                   foreground=lambda c: ALERT if c.open_objections else None),
        ], self)
        self.table = table_view(self.model, "case_table")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # the subject gets the room: a long sender address is cut (whole in its tooltip)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(4, 230)
        self.table.activated.connect(self._activated)

        top = QHBoxLayout()
        self.status_label = QLabel()
        top.addWidget(self.status_label)
        top.addWidget(self.status)
        top.addWidget(self.mine)
        top.addWidget(self.field, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.manual_button)
        forms.column(self, top, (self.table, 1), self.info)
        self.retranslate()

    def retranslate(self) -> None:
        forms.refill(self.status, ((ACTIVE, self.tr("Open cases")), ("new", self.tr("New")),
                                   ("open", self.tr("In progress")),
                                   ("waiting", self.tr("Waiting for customer")),
                                   ("closed", self.tr("Closed")), ("", self.tr("All cases"))),
                     default=ACTIVE)
        self.status_label.setText(self.tr("Show:"))
        self.mine.setText(self.tr("Mine only"))
        self.field.setPlaceholderText(self.tr(
            "Search cases: sender, subject, customer, text"))
        self.import_button.setText(self.tr("Import e-mails…"))
        self.import_button.setToolTip(self.tr(
            "Import .eml files (or drop them here); the receipt time comes from the mail"))
        self.manual_button.setText(self.tr("New case (phone or letter)…"))
        self.model.retranslate()
        self._show_count()

    # ------------------------------------------------------------------ data
    def current_filter(self) -> CaseFilter:
        person = self.desk.session.person if self.desk.session is not None else None
        return CaseFilter(status=self.status.currentData() or None,
                          text=self.field.text().strip(),
                          assignee=person.name if self.mine.isChecked() and person else None)

    def reload(self) -> None:
        store = self.desk.store
        if store is None:
            return
        f = self.current_filter()
        self.desk.tasks.query(store, lambda s: case_rows(s, f), self._show, key=(self, "rows"))

    def refresh(self) -> None:
        self.reload()

    def concerns(self, changes: Changes) -> bool:
        """Whether a sync's changes touch the inbox: a case, its mails or notes, an
        objection (counted per case), a customer's name."""
        return changes.any("mail_case", "mail_message", "case_note", "objection", "account")

    def _show(self, rows: list[CaseRow]) -> None:
        keep_place(self.table, self.model, rows)
        self.loaded = True
        self.loads += 1
        self._show_count()

    def _show_count(self) -> None:
        self.info.setText(self.tr("Cases: %1").replace(
            "%1", self.desk.fmt().number(len(self.model.rows))))

    def selected(self) -> int | None:
        index = self.table.currentIndex()
        row = self.model.row(index)
        return row.id if row is not None else None

    def _activated(self, index: Any) -> None:
        row = self.model.row(index)
        if row is not None:
            self.open_case.emit(row.id)

    def focus_field(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Down and self.field.hasFocus() and self.model.rows:
            self.table.setFocus()
            self.table.selectRow(0)
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ drops
    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = eml_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_requested.emit(paths)
