"""Customer search: results as the agent types (the query runs on the store lane; a newer
query makes older answers stale, so the table never flickers back), fully usable from
the keyboard (Down moves into the results, Enter opens the customer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.store.db import Store
from xrewards_desk.store.read.customers import CustomerRow, customer_rows
from xrewards_desk.store.read.orders import order_named
from xrewards_desk.store.search import search
from xrewards_desk.ui.qt import (
    QEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QObject,
    Qt,
    QTimer,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets import forms
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import ALERT, SOON, WARN, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.table_csv import CsvButton

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEBOUNCE_MS = 120


def run_search(s: Session, text: str, now: datetime, limit: int = 50) -> list[CustomerRow]:
    return customer_rows(s, search(s, text, limit=limit), now)


def search_answer(s: Session, text: str, now: datetime) -> tuple[list[CustomerRow],
                                                                 tuple[str, str] | None]:
    """The customers found, and the order an order number typed names (issue 19): its
    customer first among the rows."""
    rows = run_search(s, text, now)
    order = order_named(s, text)
    if order is not None and not any(r.id == order[1] for r in rows):
        rows = [*customer_rows(s, search(s, order[1], limit=1), now), *rows]
    return rows, order


class SearchView(QWidget):
    open_customer = Signal(str)
    #: (customer, order number): an order number was typed and Enter pressed
    open_order = Signal(str, str)

    def __init__(self, tasks: Tasks, store: Store, fmt: Callable[[], Fmt],
                 now: Callable[[], datetime]) -> None:
        super().__init__()
        self.setObjectName("search")
        self.tasks = tasks
        self.store = store
        self.fmt = fmt
        self.now = now
        #: the search's key (Tasks.query): a newer query makes older answers stale
        self.key = (self, "search")
        self.last_text = ""
        #: the order the newest query's text names, with its customer
        self.order: tuple[str, str] | None = None

        self.field = QLineEdit()
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        self.info = QLabel()
        self.model: RowsModel[CustomerRow] = RowsModel(self._columns(), self)
        self.table = table_view(self.model, fit=False, row_height=24)
        self.table.activated.connect(self._activated)
        self.table.installEventFilter(self)

        forms.column(self, self.field, forms.row((self.info, 1), CsvButton(
            self, self.model, "customers", fmt, now)), (self.table, 1))

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._query)
        self.field.textChanged.connect(lambda _t: self.timer.start())
        self.field.returnPressed.connect(self._open_current)
        self.retranslate()

    def _columns(self) -> list[Column[CustomerRow]]:
        f = self.fmt
        return [
            Column(lambda: self.tr("Customer number"), lambda r: r.id),
            Column(lambda: self.tr("Name"), lambda r: r.name),
            Column(lambda: self.tr("E-mail"), lambda r: r.email),
            Column(lambda: self.tr("Organisation"), lambda r: r.organisation),
            Column(lambda: self.tr("Tier"), lambda r: self.tier(r.tier)),
            Column(lambda: self.tr("Balance"), lambda r: f().points(r.balance), right=True,
                   foreground=lambda r: ALERT if r.balance < 0 else None),
            Column(lambda: self.tr("Flags"), self._flags, tooltip=self._flags_tip,
                   background=lambda r: SOON if r.expiring_30_days else None,
                   foreground=lambda r: WARN if r.abuse_review or self.ending(r) else None),
        ]

    def tier(self, tier: str) -> str:
        return {"bronze": self.tr("Bronze"), "silver": self.tr("Silver"),
                "gold": self.tr("Gold")}.get(tier, tier)

    def _flags(self, r: CustomerRow) -> str:
        flags = [self.ending(r)] if self.ending(r) else []
        if r.open_case:
            flags.append(self.tr("open case"))
        if r.abuse_review:
            flags.append(self.tr("abuse review"))
        if r.debt:
            flags.append(self.tr("debt"))
        if r.expiring_30_days:
            flags.append(self.tr("%1 points expire within 30 days").replace(
                "%1", self.fmt().points(r.expiring_30_days)))
        return " · ".join(flags)

    def ending(self, r: CustomerRow) -> str:
        """R23: a running provider's notice with both dates, or a terminated account's
        last day to redeem; "" for any other account."""
        f = self.fmt()
        if r.notice_effective is not None:
            return self.tr("notice given %1: active until %2, may redeem until %3").replace(
                "%1", f.date(berlin_date(r.notice_at)) if r.notice_at else "").replace(
                "%2", f.date(r.notice_effective)).replace("%3", f.date(r.notice_redeem_until))
        if str(r.status) != "terminated" or r.redeem_until is None:
            return ""
        if r.redeem_until < berlin_date(self.now()):
            return self.tr("terminated: the last day to redeem was %1").replace(
                "%1", f.date(r.redeem_until))
        return self.tr("terminated: may redeem until %1").replace(
            "%1", f.date(r.redeem_until))

    def _flags_tip(self, r: CustomerRow) -> str | None:
        return self._flags(r) or None

    def retranslate(self) -> None:
        self.field.setPlaceholderText(self.tr(
            "Search customers: number, name, e-mail, organisation, order number (Ctrl+F)"))
        self.model.retranslate()
        if self.model.rows:
            self._fit_columns()  # the headers' new words ("Status-Stufe") fit
        self._show_info()

    # ------------------------------------------------------------------ querying
    def focus_field(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _query(self) -> None:
        text = self.field.text().strip()
        self.last_text = text
        if not text:
            self.tasks.forget(self.key)
            self.order = None
            self.model.set_rows([])
            self._show_info()
            return
        now = self.now()
        self.tasks.query(self.store, lambda s: search_answer(s, text, now),
                         lambda answer: self._answer(*answer), self._failed, key=self.key)

    @property
    def pending(self) -> bool:
        """Whether the newest query's answer is still to come."""
        return self.tasks.waiting(self.key)

    def _fit_columns(self) -> None:
        """Each column as wide as its header and cells (a long e-mail cut at 320 px)."""
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)
            width = self.table.columnWidth(column)
            self.table.setColumnWidth(column, min(width, 320))

    def _answer(self, rows: list[CustomerRow],
                order: tuple[str, str] | None = None) -> None:
        self.order = order
        self.model.set_rows(rows)
        if rows:
            self._fit_columns()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
        self._show_info()

    def _failed(self, exc: BaseException) -> None:
        self.model.set_rows([])
        self.info.setText(self.tr("The search failed: %1").replace("%1", str(exc)))

    def _show_info(self) -> None:
        if not self.last_text:
            self.info.setText(self.tr("Type to search; Enter opens the customer."))
        elif self.order is not None:
            self.info.setText(self.tr("Order %1 of customer %2: Enter opens the order.")
                              .replace("%1", self.order[0]).replace("%2", self.order[1]))
        elif not self.model.rows:
            self.info.setText(self.tr("No customer found for “%1”.").replace(
                "%1", self.last_text))
        else:
            self.info.setText(self.tr("Customers found: %1 (Enter opens the selected one)")
                              .replace("%1", str(len(self.model.rows))))

    # ------------------------------------------------------------------ keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if watched is self.field and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                if self.model.rows:
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.selectRow(0)
                return True
            if watched is self.table and key == Qt.Key.Key_Up and \
                    self.table.currentIndex().row() <= 0:
                self.field.setFocus()
                return True
            if watched is self.table and event.matches(QKeySequence.StandardKey.Find):  # type: ignore[attr-defined]
                self.focus_field()
                return True
        return super().eventFilter(watched, event)

    def _activated(self, index: Any) -> None:
        row = self.model.row(index)
        if row is not None:
            self.open_customer.emit(row.id)

    def _open_current(self) -> None:
        if self.timer.isActive() or self.pending:
            # Enter typed before the answer: open the first hit once it arrives
            self.timer.stop()
            self._query()
            text = self.last_text

            def when_ready() -> None:
                if text != self.last_text:
                    return  # typed on: that query's answer counts
                if self.pending:
                    QTimer.singleShot(20, when_ready)
                else:
                    self._open_current()

            QTimer.singleShot(20, when_ready)
            return
        if self.order is not None and not self.table.hasFocus():
            order, account = self.order
            self.open_order.emit(account, order)
            return
        index = self.table.currentIndex()
        row = self.model.row(index) if index.isValid() else \
            (self.model.rows[0] if self.model.rows else None)
        if row is not None:
            self.open_customer.emit(row.id)
