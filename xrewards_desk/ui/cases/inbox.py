"""The case inbox: the rewards@ mailbox as cases, with status, assignee, age and customer;
search over sender, subject, customer and text; mails imported by drag and drop, a file
dialog or a watched folder; a manual case for an objection by phone or letter.

Each row says what the case owes and by when (the first reply, else the resolution, in
working days after its first mail: domain/deadlines.py, with the targets and the state's
holidays from the settings), coloured when due today (amber) or overdue (red), and the
earliest deadline of an objection recorded on it (R25). The rows come newest activity
first or most urgent first (overdue, then by the next deadline, cases owing nothing
last). Several cases chosen at once are assigned, given a status or linked to a customer
with one command each (with each case's version), as one case's buttons would. A
person keeps named views (the filters and the order) in the settings file under their
own name."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xrewards_desk.contract import commands as c
from xrewards_desk.contract.records import MailCaseStatusName
from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.domain.deadlines import CaseDue, ServiceTargets, Urgency, urgency
from xrewards_desk.store.changes import Changes
from xrewards_desk.store.read.cases import ACTIVE, CaseFilter, CaseRow, case_rows
from xrewards_desk.store.read.lookups import case_workers, find_customer
from xrewards_desk.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QCoreApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.commands import words
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.models import (
    ALERT,
    SOON,
    WARN,
    Column,
    RowsModel,
    keep_place,
    table_view,
)
from xrewards_desk.ui.widgets.table_csv import CsvButton

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


NEWEST = "newest"
URGENCY = "urgency"


def by_urgency(rows: Sequence[CaseRow], dues: dict[int, CaseDue]) -> list[CaseRow]:
    """The most urgent first: by the next deadline a case runs against (so every overdue
    case comes before every other, the longest overdue first), cases owing nothing last;
    among equals the order given (newest activity first)."""
    never = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: dues[r.id].next or never)


def last_day(due: datetime) -> date:
    """The Berlin day a deadline runs out at the end of (it is that day's end, the next
    day's 00:00)."""
    return berlin_date(due - timedelta(microseconds=1))


@dataclass(frozen=True)
class SavedView:
    """A named view of the inbox: its filters and its order."""

    status: str = ACTIVE
    mine: bool = False
    text: str = ""
    sort: str = NEWEST

    @classmethod
    def of(cls, raw: Any) -> SavedView | None:
        """A view from what the settings file holds (None where it is not one)."""
        if not isinstance(raw, dict):
            return None
        status, mine, text, sort = (raw.get("status", ACTIVE), raw.get("mine", False),
                                    raw.get("text", ""), raw.get("sort", NEWEST))
        if not (isinstance(status, str) and isinstance(mine, bool) and isinstance(text, str)
                and sort in (NEWEST, URGENCY)):
            return None
        return cls(status, mine, text, sort)


def saved_views(settings: st.Settings, person: str) -> dict[str, SavedView]:
    """`person`'s saved views by name (what the file holds that is not a view is left out)."""
    try:
        raw = json.loads(settings.own(st.SAVED_VIEWS, person))
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    views = {str(name): SavedView.of(view) for name, view in raw.items()}
    return {name: view for name, view in sorted(views.items()) if view is not None}


def keep_views(settings: st.Settings, person: str, views: dict[str, SavedView]) -> None:
    settings.set_own(st.SAVED_VIEWS, person, json.dumps(
        {name: asdict(view) for name, view in sorted(views.items())}, ensure_ascii=False))


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
        #: each shown case's service deadlines, by case id (made with the rows)
        self.dues: dict[int, CaseDue] = {}
        #: the outcome of the last action on the chosen cases
        self.queued: list[int] = []
        self.setAcceptDrops(True)

        self.status = QComboBox()
        self.status.setObjectName("case_status_filter")
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.mine = QCheckBox()
        self.mine.toggled.connect(lambda _on: self.reload())
        self.sort = QComboBox()
        self.sort.setObjectName("case_sort")
        self.sort.currentIndexChanged.connect(lambda _i: self.reload())
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

        # saved views: a name typed or picked in the box, kept or deleted with the buttons
        self.views = QComboBox()
        self.views.setObjectName("saved_views")
        self.views.setEditable(True)
        self.views.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.views.setMinimumContentsLength(16)
        self.views.textActivated.connect(self.apply_view)
        self.save_view_button = forms.button("save_view", lambda: self.save_view())
        self.delete_view_button = forms.button("delete_view", lambda: self.delete_view())
        self.views_label = QLabel()

        now, f = desk.now, desk.fmt
        self.model: RowsModel[CaseRow] = RowsModel([
            Column(lambda: self.tr("Case"), lambda r: str(r.id), right=True),
            Column(lambda: self.tr("Status"), lambda r: status_text(self, r.status),
                   foreground=lambda r: WARN if r.status == "new" else None),
            Column(lambda: self.tr("Subject"), lambda r: r.subject, tooltip=lambda r: r.subject),
            Column(lambda: self.tr("Customer"), self.customer_text,
                   tooltip=self.customer_text,
                   foreground=lambda r: ALERT if not r.account_id else None),
            Column(lambda: self.tr("Sender"), lambda r: r.sender or self.tr("sender unknown"),
                   tooltip=lambda r: r.sender or None),
            Column(lambda: self.tr("Assignee"), lambda r: r.assigned_to or "—"),
            Column(lambda: self.tr("Age"), lambda r: age_text(self, r.opened_at, now()),
                   right=True),
            Column(lambda: self.tr("Last mail"), lambda r: f().when(r.last_at)),
            Column(lambda: self.tr("Due"), self.due_text, tooltip=self.due_tooltip,
                   background=lambda r: SOON if self.urgency(r) is Urgency.DUE_TODAY
                   else None, foreground=self.due_color),
            Column(lambda: self.tr("Objection deadline"), self.objection_text,
                   tooltip=self.objection_tooltip,
                   foreground=lambda r: ALERT if r.open_objections else None),
        ], self)
        self.table = table_view(self.model, "case_table")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # the subject gets the room: a long customer name or sender address is cut
        # (whole in its tooltip)
        for column, width in ((3, 195), (4, 140)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_a: self.update_buttons())

        # the cases chosen: assign, status, link; one command per case
        self.chosen_label = QLabel()
        self.assign_me_button = forms.button("bulk_assign_me", lambda: self.assign_to(
            access.name_of(self.desk)))
        self.people = QComboBox()
        self.people.setObjectName("bulk_people")
        self.assign_button = forms.button("bulk_assign", lambda: self.assign_to(
            self.people.currentData()))
        self.new_status = QComboBox()
        self.new_status.setObjectName("bulk_status")
        self.status_button = forms.button("bulk_status_set", lambda: self.set_status(
            self.new_status.currentData()))
        self.customer = QLineEdit()
        self.customer.setObjectName("bulk_customer")
        self.customer.setMaximumWidth(150)
        self.link_button = forms.button("bulk_link", lambda: self.link(self.customer.text()))
        self.message = forms.label("bulk_message")
        self.csv = CsvButton(self, self.model, "cases", desk.fmt, desk.now)

        self.status_label = QLabel()
        self.sort_label = QLabel()
        top = forms.row(self.status_label, self.status, self.mine, (self.field, 1),
                        self.import_button, self.manual_button)
        views = forms.row(self.sort_label, self.sort, self.views_label, self.views,
                          self.save_view_button, self.delete_view_button, 1, self.csv)
        bulk = forms.row(self.chosen_label, self.assign_me_button, self.people,
                         self.assign_button, self.new_status, self.status_button,
                         self.customer, self.link_button, (self.message, 1))
        forms.column(self, top, views, (self.table, 1), bulk, self.info)
        desk.settings.changed.connect(self._setting_changed)
        self.retranslate()
        self.show_views()

    def retranslate(self) -> None:
        statuses = (("new", self.tr("New")), ("open", self.tr("In progress")),
                    ("waiting", self.tr("Waiting for customer")), ("closed", self.tr("Closed")))
        forms.refill(self.status, ((ACTIVE, self.tr("Open cases")), *statuses,
                                   ("", self.tr("All cases"))), default=ACTIVE)
        forms.refill(self.new_status, statuses, default="open")
        forms.refill(self.sort, ((NEWEST, self.tr("Newest activity first")),
                                 (URGENCY, self.tr("Most urgent first"))), default=NEWEST)
        self.status_label.setText(self.tr("Show:"))
        self.sort_label.setText(self.tr("Order:"))
        self.sort.setToolTip(self.tr(
            "Most urgent first: overdue cases, then by the next deadline; cases that owe "
            "nothing last"))
        self.mine.setText(self.tr("Mine only"))
        self.field.setPlaceholderText(self.tr(
            "Search cases: sender, subject, customer, text"))
        self.import_button.setText(self.tr("Import e-mails…"))
        self.import_button.setToolTip(self.tr(
            "Import .eml files (or drop them here); the receipt time comes from the mail"))
        self.manual_button.setText(self.tr("New case (phone or letter)…"))
        words: tuple[tuple[QLabel | QPushButton, str], ...] = (
            (self.views_label, self.tr("View:")), (self.save_view_button, self.tr("Save view")),
            (self.delete_view_button, self.tr("Delete view")),
            (self.assign_me_button, self.tr("Assign to me")),
            (self.assign_button, self.tr("Assign")), (self.status_button, self.tr("Set status")),
            (self.link_button, self.tr("Link")))
        for widget, text in words:
            widget.setText(text)
        line = self.views.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Name of a view"))
        self.save_view_button.setToolTip(self.tr(
            "Keep the filters and the order under the name in the box (yours only)"))
        self.customer.setPlaceholderText(self.tr("Customer number"))
        for part in (self.csv, self.model):
            part.retranslate()
        self._show_count()
        self.update_buttons()

    # ------------------------------------------------------------------ deadlines
    def targets(self) -> ServiceTargets:
        return self.desk.settings.targets()

    def urgency(self, row: CaseRow) -> Urgency | None:
        due = self.dues.get(row.id)
        if due is None or due.next is None:
            return None
        return urgency(due.next, self.desk.now())

    def customer_text(self, row: CaseRow) -> str:
        return f"{row.customer} ({row.account_id})" if row.account_id \
            else self.tr("not linked")

    def due_color(self, row: CaseRow) -> QColor | None:
        """Red once overdue, amber on its last day."""
        state = self.urgency(row)
        return ALERT if state is Urgency.OVERDUE else WARN if state is Urgency.DUE_TODAY \
            else None

    def due_text(self, row: CaseRow) -> str:
        """What the case owes next and by when: the first reply while none was sent, then
        the resolution; empty for a closed case."""
        due = self.dues.get(row.id)
        if due is None or due.next is None:
            return ""
        reply = due.next == due.first_response
        day = self.desk.fmt().date(last_day(due.next))
        state = urgency(due.next, self.desk.now())
        if state is Urgency.OVERDUE:
            text = self.tr("Reply overdue (%1)") if reply else self.tr("Resolution overdue (%1)")
        elif state is Urgency.DUE_TODAY:
            text = self.tr("Reply today") if reply else self.tr("Resolve today")
        else:
            text = self.tr("Reply by %1") if reply else self.tr("Resolve by %1")
        return text.replace("%1", day)

    def due_tooltip(self, row: CaseRow) -> str | None:
        due = self.dues.get(row.id)
        if due is None or due.next is None:
            return None
        f, targets = self.desk.fmt(), self.targets()
        lines = []
        if due.first_response is not None:
            lines.append(self.tr("First reply: by the end of %1 (%n working day(s))", "",
                                 targets.first_response_days).replace(
                "%1", f.date(last_day(due.first_response))))
        if due.resolution is not None:
            lines.append(self.tr("Resolution: by the end of %1 (%n working day(s))", "",
                                 targets.resolution_days).replace(
                "%1", f.date(last_day(due.resolution))))
        return "\n".join(lines)

    def objection_text(self, row: CaseRow) -> str:
        if row.objection_deadline is None:
            return ""
        day = self.desk.fmt().date(row.objection_deadline)
        return day if row.open_objections <= 1 else f"{day} (+{row.open_objections - 1})"

    def objection_tooltip(self, row: CaseRow) -> str | None:
        if row.objection_deadline is None:
            return None
        return self.tr("%n open objection(s); the earliest deadline (R25): %1", "",
                       row.open_objections).replace(
            "%1", self.desk.fmt().date(row.objection_deadline))

    def _setting_changed(self, key: str) -> None:
        if key in {s.key for s in st.TARGETS}:
            self.reload()

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
        f, targets, sort = self.current_filter(), self.targets(), self.sort.currentData()

        def read(s: Any) -> tuple[list[CaseRow], dict[int, CaseDue], list[tuple[str, str]]]:
            rows = case_rows(s, f)
            dues = {r.id: r.due(targets) for r in rows}
            return (by_urgency(rows, dues) if sort == URGENCY else rows), dues, case_workers(s)

        self.desk.tasks.query(store, read, self._show, key=(self, "rows"))

    def refresh(self) -> None:
        self.reload()

    def concerns(self, changes: Changes) -> bool:
        """Whether a sync's changes touch the inbox: a case, its mails or notes, an
        objection (counted per case), a customer's name, the staff."""
        return changes.any("mail_case", "mail_message", "case_note", "objection", "account",
                           "user")

    def _show(self, answer: tuple[list[CaseRow], dict[int, CaseDue],
                                  list[tuple[str, str]]]) -> None:
        rows, self.dues, workers = answer
        chosen = {r.id for r in self.chosen()}
        keep_place(self.table, self.model, rows)
        if len(chosen) > 1:  # several chosen stay chosen across a refresh
            for i, row in enumerate(rows):
                if row.id in chosen:
                    self.table.selectionModel().select(
                        self.model.index(i, 0), self.table.selectionModel().SelectionFlag.Select
                        | self.table.selectionModel().SelectionFlag.Rows)
        forms.refill(self.people, workers)
        self.loaded = True
        self.loads += 1
        self._show_count()
        self.update_buttons()

    def _show_count(self) -> None:
        self.info.setText(self.tr("Cases: %1").replace(
            "%1", self.desk.fmt().number(len(self.model.rows))))

    def selected(self) -> int | None:
        index = self.table.currentIndex()
        row = self.model.row(index)
        return row.id if row is not None else None

    def chosen(self) -> list[CaseRow]:
        """The cases selected (several with Ctrl or Shift), in the table's order."""
        rows = (self.model.row(i) for i in sorted(self.table.selectionModel().selectedRows(),
                                                  key=lambda i: i.row()))
        return [r for r in rows if r is not None]

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

    # ------------------------------------------------------------------ chosen cases
    def update_buttons(self) -> None:
        """R27: each action asks the matrix whether the person may send its command; all
        need a case chosen."""
        chosen = self.chosen()
        self.chosen_label.setText(self.tr("%n case(s) chosen:", "", len(chosen)))
        me = access.name_of(self.desk)
        for button, command in ((self.assign_me_button, "assign_mail_case"),
                                (self.assign_button, "assign_mail_case"),
                                (self.status_button, "set_mail_case_status"),
                                (self.link_button, "link_mail_case")):
            why = access.why_not(self.desk, command)
            button.setEnabled(not why and bool(chosen))
            button.setToolTip(why or ("" if chosen else self.tr(
                "Choose cases in the list first (Ctrl or Shift for several).")))
        if not me:
            self.assign_me_button.setEnabled(False)

    def assign_to(self, person: str | None) -> None:
        if not person:
            self.message.setText(self.tr("Pick the person to assign the cases to."))
            return
        self.queue(lambda r: None if r.assigned_to == person else c.AssignMailCase(
            type="assign_mail_case", case=r.id, version=r.version, assignee=person))

    def set_status(self, status: MailCaseStatusName | None) -> None:
        if not status:
            return
        self.queue(lambda r: None if r.status == status else c.SetMailCaseStatus(
            type="set_mail_case_status", case=r.id, version=r.version, status=status))

    def link(self, text: str) -> None:
        """Link the chosen cases to the customer typed (a number or an e-mail address),
        once the local store knows the customer: an unknown one changes nothing."""
        text = text.strip()
        if not text or self.desk.store is None:
            self.message.setText(self.tr("Enter a customer number."))
            return

        def found(customer: tuple[str, str] | None) -> None:
            if customer is None:
                self.message.setText(self.tr("No customer %1.").replace("%1", text))
                return
            account = customer[0]
            if self.queue(lambda r: None if r.account_id == account else c.LinkMailCase(
                    type="link_mail_case", case=r.id, version=r.version, account=account)):
                self.customer.clear()

        self.desk.tasks.query(self.desk.store, lambda s: find_customer(s, text), found,
                              key=(self, "customer"))

    def queue(self, make: Callable[[CaseRow], c.Command | None]) -> bool:
        """One command per chosen case (None: the case is already so), each with the
        case's version, into the outbox; one message when all are queued. Nothing is
        queued if one of them cannot be built."""
        chosen = self.chosen()
        try:
            made = [make(r) for r in chosen]
        except ValidationError as exc:
            self.message.setText(words(exc))
            return False
        commands = [command for command in made if command is not None]
        skipped = len(chosen) - len(commands)
        self.queued = []
        if not commands:
            self.message.setText(self.tr(
                "Nothing to change: the chosen cases are as asked already."))
            return True

        def done(command_id: int) -> None:
            self.queued.append(command_id)
            if len(self.queued) == len(commands):
                text = self.tr("%n case(s) changed; sent with this sync.", "", len(commands))
                if skipped:
                    text += " " + self.tr(
                        "%n case(s) already were and stay as they are.", "", skipped)
                self.message.setText(text)
                self.reload()

        for command in commands:
            problem = self.desk.outbox.send(command, done=done)
            if problem is not None:
                self.message.setText(problem)
                return False
        return True

    # ------------------------------------------------------------------ saved views
    def person(self) -> str:
        return access.name_of(self.desk)

    def show_views(self) -> None:
        person = self.person()
        names = list(saved_views(self.desk.settings, person)) if person else []
        typed = self.views.currentText()
        quiet = self.views.blockSignals(True)
        self.views.clear()
        self.views.addItems(names)
        self.views.setEditText(typed)
        self.views.blockSignals(quiet)
        for widget in (self.views, self.save_view_button, self.delete_view_button):
            widget.setEnabled(bool(person))

    def view_now(self) -> SavedView:
        return SavedView(self.status.currentData() or "", self.mine.isChecked(),
                         self.field.text().strip(), self.sort.currentData() or NEWEST)

    def save_view(self, name: str | None = None) -> None:
        person = self.person()
        name = (self.views.currentText() if name is None else name).strip()
        if not person or not name:
            self.message.setText(self.tr("Type a name for the view first."))
            return
        views = saved_views(self.desk.settings, person)
        views[name] = self.view_now()
        keep_views(self.desk.settings, person, views)
        self.show_views()
        self.views.setCurrentIndex(self.views.findText(name))
        self.message.setText(self.tr("View “%1” saved.").replace("%1", name))

    def delete_view(self, name: str | None = None) -> None:
        person = self.person()
        name = (self.views.currentText() if name is None else name).strip()
        views = saved_views(self.desk.settings, person) if person else {}
        if name not in views:
            self.message.setText(self.tr("There is no view “%1”.").replace("%1", name))
            return
        del views[name]
        keep_views(self.desk.settings, person, views)
        self.views.setEditText("")
        self.show_views()
        self.message.setText(self.tr("View “%1” deleted.").replace("%1", name))

    def apply_view(self, name: str) -> None:
        """Show the inbox as the view `name` keeps it (one reload)."""
        view = saved_views(self.desk.settings, self.person()).get(name)
        if view is None:
            return
        widgets = (self.status, self.mine, self.field, self.sort)
        quiet = [w.blockSignals(True) for w in widgets]
        try:
            self.status.setCurrentIndex(max(0, self.status.findData(view.status)))
            self.mine.setChecked(view.mine)
            self.field.setText(view.text)
            self.sort.setCurrentIndex(max(0, self.sort.findData(view.sort)))
        finally:
            for w, q in zip(widgets, quiet, strict=True):
                w.blockSignals(q)
        self.reload()

    # ------------------------------------------------------------------ drops
    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        paths = eml_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_requested.emit(paths)
