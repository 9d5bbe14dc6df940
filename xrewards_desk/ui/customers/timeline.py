"""One timeline per customer (issue 19): mails in and replies out, cases, notes,
objections and decisions, transfers, adjustments, abuse cases, claims, notices and the
orders' milestones, newest first; filtered by kind and by period, exported to CSV as it
reads. Activating a row opens what it refers to (a case, a customer, an order)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from xrewards_desk.contract import commands as c
from xrewards_desk.store.read.timeline import Filter, Item, Kind, timeline
from xrewards_desk.ui import qt
from xrewards_desk.ui.customers.tab import CustomerTab
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access
from xrewards_desk.ui.widgets.models import ALERT, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.pickers import NO_DATE, date_edit, pydate

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

class TimelineView(CustomerTab):
    open_case = qt.Signal(int)
    open_customer = qt.Signal(str)
    open_order = qt.Signal(str)

    def __init__(self, desk: Desk, account_id: str) -> None:
        super().__init__(desk, account_id, "timeline")
        f = desk.fmt
        self.model: RowsModel[Item] = RowsModel([
            Column(lambda: self.tr("When"), lambda i: f().when(i.at)),
            Column(lambda: self.tr("Kind"), lambda i: self.kind_text(i.kind)),
            Column(lambda: self.tr("What"), lambda i: self.event_text(i)),
            Column(lambda: self.tr("Points"),
                   lambda i: "" if i.points is None else f().signed(i.points), right=True,
                   foreground=lambda i: ALERT if (i.points or 0) < 0 else None),
            Column(lambda: self.tr("Amount"),
                   lambda i: "" if i.amount is None else f().money(i.amount), right=True),
            Column(lambda: self.tr("By"), lambda i: i.who or ""),
            Column(lambda: self.tr("Details"), lambda i: i.text, tooltip=lambda i: i.text),
        ], self)
        self.table = table_view(self.model, "timeline-table")
        self.table.activated.connect(lambda index: self.open(self.model.row(index)))

        self.kinds: dict[Kind, qt.QCheckBox] = {}
        kinds = qt.QHBoxLayout()
        kinds.setSpacing(8)
        for kind in Kind:
            box = qt.QCheckBox()
            box.setObjectName(f"kind-{kind.value}")
            box.setChecked(True)
            box.toggled.connect(lambda _on: self.refresh())
            self.kinds[kind] = box
            kinds.addWidget(box)
        kinds.addStretch(1)
        self.since, self.until = date_edit("since"), date_edit("until")
        self.since.dateChanged.connect(lambda _d: self.refresh())
        self.until.dateChanged.connect(lambda _d: self.refresh())
        self.labels = [qt.QLabel(), qt.QLabel()]
        self.all_button = qt.QPushButton()
        self.all_button.clicked.connect(self.show_all)
        self.csv = qt.QPushButton()
        self.csv.clicked.connect(lambda: self.export_csv())
        self.message = qt.QLabel()
        # a note on the customer (every desk sees it, issue 19); Ctrl+Enter adds it
        self.note = qt.QPlainTextEdit()
        self.note.setObjectName("customer-note")
        self.note.setMaximumHeight(56)
        self.note.setTabChangesFocus(True)
        self.note_button = qt.QPushButton()
        self.note_button.setObjectName("add-customer-note")
        self.note_button.clicked.connect(self.add_note)
        shortcut = qt.QShortcut(qt.QKeySequence("Ctrl+Return"), self.note)
        shortcut.activated.connect(self.add_note)
        self.note_message = qt.QLabel()
        self.note_message.setWordWrap(True)
        note_row = qt.QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.note_button)
        period = qt.QHBoxLayout()
        for widget in (self.labels[0], self.since, self.labels[1], self.until,
                       self.all_button):
            period.addWidget(widget)
        period.addWidget(self.message, 1)
        period.addWidget(self.csv)

        layout = qt.QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addLayout(period)
        layout.addWidget(self.table, 1)
        layout.addLayout(note_row)
        layout.addWidget(self.note_message)
        self.retranslate()

    # ------------------------------------------------------------------ words
    def retranslate(self) -> None:
        for kind, box in self.kinds.items():
            box.setText(self.kind_text(kind))
        self.labels[0].setText(self.tr("From"))
        self.labels[1].setText(self.tr("to"))
        self.all_button.setText(self.tr("Show everything"))
        self.csv.setText(self.tr("Export CSV…"))
        self.note.setPlaceholderText(self.tr("Note on the customer, for every desk "
                                             "(Ctrl+Enter adds it)"))
        self.note_button.setText(self.tr("Add note"))
        self._count()
        # R27 as the domain's matrix says it: every person at a desk may
        self.note_button.setEnabled(access.allowed(self.desk, "note_customer"))
        self.note_button.setToolTip(access.why_not(self.desk, "note_customer"))
        self.model.retranslate()

    def kind_text(self, kind: Kind) -> str:
        return {
            Kind.MAIL: self.tr("Mail"), Kind.CASE: self.tr("Case"), Kind.NOTE: self.tr("Note"),
            Kind.OBJECTION: self.tr("Objection"), Kind.TRANSFER: self.tr("Transfer"),
            Kind.ADJUSTMENT: self.tr("Adjustment"), Kind.ABUSE: self.tr("Abuse case"),
            Kind.CLAIM: self.tr("Claim"), Kind.NOTICE: self.tr("Notice"),
            Kind.ORDER: self.tr("Order"),
        }[kind]

    def event_text(self, item: Item) -> str:
        """What happened, in a few words (the details column carries the text)."""
        kind, event = item.kind, item.event
        if kind is Kind.MAIL:
            return self.tr("Mail received") if event == "in" else self.tr("Reply sent")
        if kind is Kind.CASE:
            return self.tr("Case %1 opened").replace("%1", item.ref[1] if item.ref else "")
        if kind is Kind.NOTE:
            if event == "customer":
                return self.tr("Note on the customer")
            if event == "waiting":
                return self.tr("Note on the customer (waiting to be sent)")
            return self.tr("Note on case %1").replace("%1", item.ref[1] if item.ref else "")
        if kind is Kind.NOTICE:
            return {"credit": self.tr("Notice of a credit"),
                    "reversal": self.tr("Notice of a reversal"),
                    "void": self.tr("Notice of a void"),
                    "expiry": self.tr("Notice of an expiry"),
                    "transfer": self.tr("Notice of a transfer"),
                    "forfeit": self.tr("Notice of a forfeit"),
                    "termination": self.tr("Notice of termination given (R23)"),
                    }.get(event, event)
        if kind is Kind.ORDER:
            order = item.ref[1] if item.ref else ""
            return {"placed": self.tr("Order %1 placed"), "paid": self.tr("Order %1 paid"),
                    "delivered": self.tr("Order %1 delivered"),
                    "completed": self.tr("Order %1 completed"),
                    "cancelled": self.tr("Order %1 cancelled (in part or in full)"),
                    }.get(event, event).replace("%1", order)
        return {"recorded": self.tr("Recorded"), "upheld": self.tr("Upheld"),
                "rejected": self.tr("Rejected"), "late": self.tr("Answered as late"),
                "requested": self.tr("Requested"), "approved": self.tr("Approved"),
                "withdrawn": self.tr("Withdrawn"), "opened": self.tr("Opened"),
                "raised": self.tr("Claim raised"), "invoiced": self.tr("Invoiced"),
                "paid": self.tr("Paid"), "written_off": self.tr("Written off"),
                "dismissed": self.tr("Dismissed"), "confirmed": self.tr("Confirmed"),
                "open": self.tr("Reopened"),
                }.get(event, event)

    # ------------------------------------------------------------------ data
    def current_filter(self) -> Filter:
        chosen = frozenset(k for k, box in self.kinds.items() if box.isChecked())
        return Filter(chosen if chosen != frozenset(Kind) else frozenset(),
                      pydate(self.since.date()), pydate(self.until.date()))

    def refresh(self) -> None:
        chosen = self.current_filter()
        if not any(box.isChecked() for box in self.kinds.values()):
            self._show([])
            return
        account = self.account_id

        def work(s: Session) -> list[Item]:
            return timeline(s, account, chosen)

        self.desk.tasks.query(self.desk.local(), work, self._show, key=(self, "timeline"))

    def _show(self, items: list[Item]) -> None:
        self.loads += 1
        self.model.set_rows(items)
        self._count()

    def _count(self) -> None:
        if self.loads:
            self.message.setText(self.tr("%n event(s)", "", len(self.model.rows)))

    def show_all(self) -> None:
        for box in self.kinds.values():
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
        for edit in (self.since, self.until):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        self.refresh()

    def open(self, item: Item | None) -> None:
        if item is None or item.ref is None:
            return
        what, ident = item.ref
        if what == "case":
            self.open_case.emit(int(ident))
        elif what == "order":
            self.open_order.emit(ident)
        elif what == "customer" and ident != self.account_id:
            self.open_customer.emit(ident)

    def add_note(self) -> None:
        text = self.note.toPlainText().strip()
        if not text:
            return
        problem = self.desk.outbox.send(
            lambda: c.NoteCustomer(type="note_customer", account=self.account_id, text=text),
            done=lambda _id: self._noted())
        if problem is not None:
            self.note_message.setText(problem)
            return
        self.note.clear()

    def _noted(self) -> None:
        self.note_message.setText(self.tr("Queued; it is sent with this sync."))
        self.refresh()

    def export_csv(self, path: Path | None = None) -> Path | None:
        return self.export_table(self.model, "timeline", path)
