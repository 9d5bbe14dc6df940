"""Ledger history: every entry with date, type, points and the running balance, its
source (a click opens it) and the notice sent with the figures it stated; for
redemptions, transfers, reversals and voids the lots they drew from. Filters by type and
period, a "balance as of" date, export to CSV and to a PDF statement. Pages of 200 entries
are fetched as the table scrolls."""

from __future__ import annotations

import html
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.model import EntryType
from xrewards_desk.store.read.history import (
    HistoryFilter,
    HistoryRow,
    history_count,
    history_page,
    write_csv,
)
from xrewards_desk.store.read.lookups import other_account, source_case
from xrewards_desk.store.read.statement import balance_as_of, statement
from xrewards_desk.ui import qt
from xrewards_desk.ui.customers.statement import render_statement
from xrewards_desk.ui.customers.tab import CustomerTab
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import forms
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import ALERT, Column, PagedModel, Place, table_view
from xrewards_desk.ui.widgets.panes import above_detail
from xrewards_desk.ui.widgets.pickers import date_edit, pydate, qdate

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

def end_of(day: date) -> datetime:
    """The last instant of a Berlin calendar day (the balance "as of" that day)."""
    return datetime.combine(day, time(23, 59, 59, 999999), tzinfo=BERLIN)


class LedgerView(CustomerTab):
    open_customer = qt.Signal(str)
    open_case = qt.Signal(int)

    def __init__(self, desk: Desk, account_id: str) -> None:
        super().__init__(desk, account_id, "ledger")
        self.filter = HistoryFilter()
        store = desk.local()
        f = desk.fmt

        def count(s: Session) -> int:
            return history_count(s, account_id, self.filter)

        def fetch(s: Session, offset: int, limit: int) -> list[HistoryRow]:
            return history_page(s, account_id, self.filter, offset, limit)

        self.model: PagedModel[HistoryRow] = PagedModel([
            Column(lambda: self.tr("Date"), lambda r: f().when(r.at)),
            Column(lambda: self.tr("Type"), lambda r: self.entry_type(r.type)),
            Column(lambda: self.tr("Points"), lambda r: f().signed(r.points), right=True,
                   foreground=lambda r: ALERT if r.points < 0 else None),
            Column(lambda: self.tr("Balance"), lambda r: f().points(r.balance), right=True),
            Column(lambda: self.tr("Source"), lambda r: self.source(r)),
            Column(lambda: self.tr("Notice"), lambda r: self.notice(r)),
        ], desk.tasks, store, count, fetch, page=200, parent=self)
        self.model.on_loaded = self._loaded
        #: where the table stood when a refresh was asked for (put back when it arrives)
        self.place: Place[HistoryRow] | None = None

        self.types = qt.QComboBox()
        self.types.currentIndexChanged.connect(lambda _i: self._filter())
        self.since = date_edit()
        self.until = date_edit()
        self.since.dateChanged.connect(lambda _d: self._filter())
        self.until.dateChanged.connect(lambda _d: self._filter())
        self.as_of = date_edit(empty=False)
        self.as_of.setDate(qdate(desk.now().astimezone(BERLIN).date()))
        self.as_of.dateChanged.connect(lambda _d: self._as_of())
        self.as_of_result = qt.QLabel()
        self.csv = qt.QPushButton()
        self.csv.clicked.connect(lambda: self.export_csv())
        self.pdf = qt.QPushButton()
        self.pdf.clicked.connect(lambda: self.export_pdf())
        self.labels = [qt.QLabel() for _ in range(4)]
        controls = qt.QHBoxLayout()
        for widget in (self.labels[0], self.types, self.labels[1], self.since,
                       self.labels[2], self.until):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.csv)
        controls.addWidget(self.pdf)
        as_of = forms.row(self.labels[3], self.as_of, (self.as_of_result, 1))

        self.table = table_view(self.model, fit=False, row_height=24)
        for column, width in enumerate((140, 150, 90, 90, 220)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._detail(cur))
        self.table.activated.connect(self._open_source)
        split, self.detail = above_detail(self.table, lambda url: self._link(url.toString()))
        self.message = qt.QLabel()
        forms.column(self, controls, as_of, (split, 1), self.message)
        self.highlighted: tuple[str, ...] = ()
        self.retranslate()

    @property
    def loaded(self) -> bool:
        return self.model.loaded

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        for label, text in zip(self.labels, (self.tr("Type:"), self.tr("From:"),
                                             self.tr("To:"), self.tr("Balance as of:")),
                               strict=True):
            label.setText(text)
        self.csv.setText(self.tr("Export CSV…"))
        self.pdf.setText(self.tr("PDF statement…"))
        for edit in (self.since, self.until, self.as_of):  # a four-digit year
            edit.setDisplayFormat(self.desk.fmt().picker_format())
        forms.refill(self.types, [(None, self.tr("All types")),
                                  *((kind.value, self.entry_type(kind)) for kind in EntryType)])
        # the type column as wide as the longest type in this language ("Gutschrift
        # (Empfehlungsbonus)" was cut at a fixed width)
        metrics = self.table.fontMetrics()
        widest = max(metrics.horizontalAdvance(self.entry_type(k)) for k in EntryType)
        self.table.setColumnWidth(1, max(150, widest + 24))
        self.model.retranslate()
        # what was worded when it arrived: the count, the balance as of, the entry's detail
        if self.model.loaded:
            self._show_count()
        self._as_of()
        self._detail(self.table.currentIndex())

    def entry_type(self, kind: str) -> str:
        return {
            "earn": self.tr("credit (order)"), "referral_bonus": self.tr("referral bonus"),
            "redemption": self.tr("redemption"), "refund": self.tr("refund"),
            "reversal": self.tr("reversal"), "expiry": self.tr("expiry"),
            "transfer_out": self.tr("transfer out"), "transfer_in": self.tr("transfer in"),
            "void": self.tr("void"), "adjustment": self.tr("adjustment"),
            "forfeit": self.tr("forfeit"),
        }.get(str(kind), str(kind))

    def source(self, r: HistoryRow) -> str:
        kinds = {"order": self.tr("order"), "referral": self.tr("referral"),
                 "transfer": self.tr("transfer"), "adjustment": self.tr("adjustment"),
                 "objection": self.tr("objection"), "abuse_case": self.tr("abuse case"),
                 "expiry": self.tr("expiry"), "closing": self.tr("closing")}
        text = f"{kinds.get(str(r.source_kind), str(r.source_kind))} {r.source_ref}"
        if r.rate:  # an order's credit: the rate R8 used
            text += " " + self.tr("(%Ln point(s) per euro)", "", r.rate)
        return text

    def notice(self, r: HistoryRow) -> str:
        n = r.notice
        if n is None:
            return ""
        f = self.desk.fmt()
        return self.tr("sent %1: %2 points, balance %3").replace("%1", f.when(n.sent_at)) \
            .replace("%2", f.points(n.points)).replace("%3", f.points(n.balance))

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        self.place = None
        self.model.reload()
        self._as_of()

    def refresh(self) -> None:
        """The same filter again, as many rows as were fetched, the selected entry and
        the scroll kept (a sync changed the account)."""
        if self.place is None:
            self.place = Place(self.table, self.model, _entry_id)
        self.model.reload(keep=len(self.model.rows))
        self._as_of()

    def _filter(self) -> None:
        kind = self.types.currentData()
        self.filter = HistoryFilter(
            types=frozenset({EntryType(kind)}) if kind else None,
            period_from=pydate(self.since.date()), period_to=pydate(self.until.date()))
        self.place = None
        self.model.reload()

    def _loaded(self) -> None:
        self._show_count()
        place, self.place = self.place, None
        if place is not None:
            place.restore(self.model, _entry_id)
        if (place is None or place.selected is None) and self.highlighted:
            self.highlight(self.highlighted)

    def _show_count(self) -> None:
        self.message.setText(self.tr("Entries: %1").replace(
            "%1", self.desk.fmt().points(self.model.total)))

    def _as_of(self) -> None:
        day = pydate(self.as_of.date())
        if day is None:
            return
        account = self.account_id
        self.desk.tasks.query(
            self.desk.local(), lambda s: balance_as_of(s, account, end_of(day)),
            lambda n: self.as_of_result.setText(
                self.tr("%1 point(s) at the end of %2", "", abs(n))
                .replace("%1", self.desk.fmt().points(n))
                .replace("%2", self.desk.fmt().date(day))), key=(self, "as of"))

    def highlight(self, ids: tuple[str, ...]) -> None:
        """Select the first of these entries among the rows fetched so far."""
        self.highlighted = ids
        for i, row in enumerate(self.model.rows):
            if row.id in ids:
                self.table.selectRow(i)
                self.table.scrollTo(self.model.index(i, 0))
                return

    def _detail(self, index: Any) -> None:
        row = self.model.row(index)
        if row is None:
            self.detail.clear()
            return
        f: Fmt = self.desk.fmt()
        e = html.escape
        source, note, notice = self.tr("Source"), self.tr("Note"), self.tr("Notice")
        until = self.tr("usable until")
        parts = [f"<b>{e(self.entry_type(row.type))}</b> {e(f.signed(row.points))} · "
                 f"{e(f.when(row.at))} · {e(row.id)}"]
        parts.append(f"{e(source)}: <a href='{e(str(row.source_kind))}:"
                     f"{e(row.source_ref)}'>{e(self.source(row))}</a>")
        if row.note:
            parts.append(f"{e(note)}: {e(row.note)}")
        if row.allocations:
            lots = "".join(f"<li>{e(a.lot_id)}: {e(f.points(a.points))} "
                           f"({e(until)} {e(f.date(a.usable_until))})</li>"
                           for a in row.allocations)
            title = self.tr("Lots drawn from") if row.points < 0 else self.tr("Credited to")
            parts.append(f"{e(title)}:<ul>{lots}</ul>")
        if row.notice is not None:
            n = row.notice
            lots = "".join(f"<li>{e(x.lot_id)}: {e(f.points(x.remaining))} "
                           f"({e(until)} {e(f.date(x.usable_until))})</li>"
                           for x in n.lots)
            parts.append(f"{e(notice)}: {e(self.notice(row))}"
                         + (f"<ul>{lots}</ul>" if lots else ""))
        self.detail.setHtml("<br>".join(parts))

    def _open_source(self, index: Any) -> None:
        row = self.model.row(index)
        if row is not None:
            self._link(f"{row.source_kind}:{row.source_ref}")

    def _link(self, link: str) -> None:
        """A referral's, a transfer's or another's order's account opens as a customer;
        an objection's or an adjustment's case opens as a case (looked up on the store
        lane); other sources get their views with the next workflows."""
        kind, _sep, ref = link.partition(":")
        account = self.account_id

        def opened(target: str | int | None) -> None:
            if isinstance(target, int):
                self.open_case.emit(target)
            elif target:
                self.open_customer.emit(target)
            else:
                self.message.setText(self.tr("%1 %2: no other customer or case to open.")
                                     .replace("%1", kind).replace("%2", ref))

        def work(s: Session) -> str | int | None:
            return source_case(s, kind, ref) or other_account(s, account, kind, ref)

        self.desk.tasks.query(self.desk.local(), work, opened, key=(self, "link"))

    # ------------------------------------------------------------------ export
    def _save_as(self, title: str, suggested: str, kinds: str) -> Path | None:
        """The file the user chose to write, or None where they cancelled."""
        name, _ = qt.QFileDialog.getSaveFileName(self, title, suggested, kinds)
        return Path(name) if name else None

    def export_csv(self, path: Path | None = None) -> None:
        path = path or self._save_as(self.tr("Export CSV"), f"{self.account_id}-ledger.csv",
                                     self.tr("CSV files (*.csv)"))
        if path is None:
            return
        account, filt, language = self.account_id, self.filter, self.desk.language.code

        def work(s: Session) -> Path:
            with open(path, "w", newline="", encoding="utf-8") as out:
                write_csv(s, account, filt, out, language)
            return path

        self.desk.tasks.query(self.desk.local(), work, lambda p: self.message.setText(
            self.tr("Exported to %1").replace("%1", str(p))),
            lambda exc: self.message.setText(self.tr("The export failed: %1")
                                             .replace("%1", str(exc))))

    def export_pdf(self, path: Path | None = None) -> None:
        path = path or self._save_as(self.tr("PDF statement"),
                                     f"{self.account_id}-statement.pdf",
                                     self.tr("PDF files (*.pdf)"))
        if path is None:
            return
        account, language = self.account_id, self.desk.language.code
        since, until, now = self.filter.period_from, self.filter.period_to, self.desk.now()

        def work(s: Session) -> Any:
            return statement(s, account, since, until, now, language)

        def done(data: Any) -> None:
            if data is None:
                self.message.setText(self.tr("No customer %1 in the local store.")
                                     .replace("%1", account))
                return
            render_statement(data, path, language)
            self.message.setText(self.tr("Statement written to %1").replace("%1", str(path)))

        self.desk.tasks.query(self.desk.local(), work, done, lambda exc: self.message.setText(
            self.tr("The statement failed: %1").replace("%1", str(exc))))


def _entry_id(row: HistoryRow) -> str:
    return row.id
