"""Objections by deadline (open, due within 7 days, late, decided), and the team leads'
approval queue for the adjustments R26 reserves, with the objection and the mail beside
each. The person who asked for an adjustment cannot approve it: the button says so, and
the server refuses it anyway (``four_eyes``)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.workflow import request_step
from xrewards_desk.store.changes import Changes
from xrewards_desk.store.read.cases import (
    DECIDED,
    DUE_SOON,
    LATE,
    OPEN,
    ApprovalItem,
    ObjectionRow,
    approval_queue,
    objection_rows,
)
from xrewards_desk.ui import qt
from xrewards_desk.ui.cases.dialogs import badge, badge_html, notice_kind
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.listing import ListView
from xrewards_desk.ui.widgets.models import ALERT, SOON, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.table_csv import CsvButton

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class ObjectionsView(ListView):
    open_case = qt.Signal(int)
    open_customer = qt.Signal(str)

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, "objections", "objection_filter")
        f = desk.fmt
        self.model: RowsModel[ObjectionRow] = RowsModel([
            Column(lambda: self.tr("Deadline"), lambda r: f().date(r.objection.deadline),
                   background=lambda r: SOON if r.due_within(desk.now()) else None),
            Column(lambda: self.tr("In time"), lambda r: self.tr("in time")
                   if r.objection.in_time else self.tr("late"),
                   foreground=lambda r: None if r.objection.in_time else ALERT),
            Column(lambda: self.tr("State"), lambda r: self.state(r)),
            Column(lambda: self.tr("Customer"), lambda r: f"{r.customer} "
                   f"({r.objection.account_id})"),
            Column(lambda: self.tr("Notice"), lambda r: (
                f"{notice_kind(self, r.objection.notice_kind)} "
                f"{f().when(r.objection.notice_sent_at)}" if r.objection.notice_id
                else self.tr("changed terms"))),
            Column(lambda: self.tr("Received"), lambda r: f().when(r.objection.received_at)),
            Column(lambda: self.tr("Case"), lambda r: (
                f"#{r.objection.case_id} {r.case_subject}" if r.objection.case_id else "")),
        ], self)
        self.table = table_view(self.model, "objection_table")
        self.table.activated.connect(self._activated)
        self.info = qt.QLabel()
        top = self.filter_row()
        top.addWidget(CsvButton(self, self.model, "objections", f, desk.now))
        forms.column(self, top, (self.table, 1), self.info)
        self.retranslate()

    def retranslate(self) -> None:
        self.retranslate_filter(((OPEN, self.tr("Open")),
                                 (DUE_SOON, self.tr("Due within 7 days")),
                                 (LATE, self.tr("Late, not answered")),
                                 (DECIDED, self.tr("Decided")), ("", self.tr("All"))), OPEN)
        self.model.retranslate()
        self.info.setText(self.tr("Objections: %1 (the earliest deadline first)").replace(
            "%1", self.desk.fmt().number(len(self.model.rows))))

    def state(self, r: ObjectionRow) -> str:
        o = r.objection
        if o.open and o.pending_request is not None:
            return self.tr("waits for a team lead (R26)")
        return {"recorded": self.tr("open"), "upheld": self.tr("upheld"),
                "rejected": self.tr("rejected"), "late": self.tr("answered as late"),
                "goodwill": self.tr("goodwill granted")}.get(o.status, o.status)

    def refresh(self) -> None:
        show, now = self.filter.currentData(), self.desk.now()
        self.read(lambda s: objection_rows(s, show or None, now), self._show)

    def concerns(self, changes: Changes) -> bool:
        """Objections, their cases and customers, and the notices they name."""
        return changes.any("objection", "mail_case", "account", "notice",
                           "adjustment_request")

    def _show(self, rows: list[ObjectionRow]) -> None:
        self.place(rows, lambda r: r.objection.id)
        self.retranslate()

    def _activated(self, index: Any) -> None:
        row = self.model.row(index)
        if row is None:
            return
        if row.objection.case_id is not None:
            self.open_case.emit(row.objection.case_id)
        else:
            self.open_customer.emit(row.objection.account_id)


class ReasonDialog(qt.QDialog):
    def __init__(self, title: str, prompt: str, required: bool,
                 parent: qt.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reason_dialog")
        self.setWindowTitle(title)
        self.required = required
        self.reason = qt.QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.error = qt.QLabel()
        self.error.setStyleSheet("color: #b91c1c;")
        buttons = qt.QDialogButtonBox(qt.QDialogButtonBox.StandardButton.Ok
                                      | qt.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = qt.QFormLayout()
        form.addRow(prompt, self.reason)
        forms.column(self, form, self.error, buttons)

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def accept(self) -> None:
        if self.required and not self.text():
            self.error.setText(self.tr("Give a reason."))
            return
        super().accept()


class ApprovalsView(ListView):
    """Pending adjustments (R26) for team leads, each with its objection and mail."""

    open_case = qt.Signal(int)
    open_customer = qt.Signal(str)

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, "approvals")
        f = desk.fmt
        self.model: RowsModel[ApprovalItem] = RowsModel([
            Column(lambda: self.tr("Request"), lambda x: str(x.request.id), right=True),
            Column(lambda: self.tr("Asked"), lambda x: f().when(x.request.requested_at)),
            Column(lambda: self.tr("By"), lambda x: self.who(x.request.requested_by)),
            Column(lambda: self.tr("Customer"), lambda x: f"{x.customer} "
                   f"({x.request.account_id})"),
            Column(lambda: self.tr("Points"), lambda x: f().signed(x.request.points),
                   right=True),
            Column(lambda: self.tr("Kind"), lambda x: self.tr("goodwill")
                   if x.request.goodwill else self.tr("sum %1 points (R26)").replace(
                       "%1", f().points(x.approval.total))),
            Column(lambda: self.tr("Reason"), lambda x: x.request.reason),
        ], self)
        self.staff: dict[str, str] = {}
        self.table = table_view(self.model, "approval_table")
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_item())
        self.table.activated.connect(self._activated)
        self.reading = qt.QTextBrowser()
        self.reading.setObjectName("approval_reading")
        split = qt.QSplitter(qt.Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.reading)
        split.setSizes([260, 380])
        self.approve_button = forms.button("approve", lambda: self.decide(True))
        self.reject_button = forms.button("reject_request", lambda: self.decide(False))
        self.message = forms.label("message")
        buttons = forms.row(self.approve_button, self.reject_button, (self.message, 1))
        forms.column(self, (split, 1), buttons)
        self.retranslate()

    def who(self, name: str | None) -> str:
        return self.staff.get(name or "", name or "")

    def retranslate(self) -> None:
        self.approve_button.setText(self.tr("Approve"))
        self.reject_button.setText(self.tr("Reject…"))
        self.model.retranslate()
        self.show_item()

    def refresh(self) -> None:
        def work(s: Session) -> tuple[list[ApprovalItem], dict[str, str]]:
            from xrewards_desk.store.read.cases import staff_names

            return approval_queue(s), staff_names(s)

        self.read(work, lambda answer: self._show(*answer))

    def concerns(self, changes: Changes) -> bool:
        """Requests, the objections and mails they rest on, the customers' balances,
        and commands of this desk answered (a decision refused)."""
        return changes.outbox or changes.any("adjustment_request", "objection",
                                             "mail_case", "mail_message", "account",
                                             "entry", "staff")

    def _show(self, items: list[ApprovalItem], staff: dict[str, str]) -> None:
        self.staff = staff
        selected = self.table.currentIndex().row()
        kept = self.place(items, lambda i: i.request.id)
        if items and not kept:
            self.table.selectRow(selected if 0 <= selected < len(items) else 0)
        self.show_item()

    def selected(self) -> ApprovalItem | None:
        return self.model.row(self.table.currentIndex())

    def show_item(self) -> None:
        item = self.selected()
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(False)
            button.setToolTip("")
        if item is None:
            self.reading.setHtml("<p>" + html.escape(self.tr(
                "Nothing waits for approval.")) + "</p>")
            return
        # R26, R27: the domain's workflow says who may decide a request, and when
        me, asked = access.name_of(self.desk), item.request.requested_by
        for button, approve in ((self.approve_button, True), (self.reject_button, False)):
            why = access.step_why_not(self.desk, request_step(
                "adjustment", access.role_of(self.desk), me, asked, item.request.status,
                approve))
            button.setEnabled(not why)
            button.setToolTip(why)
        self.reading.setHtml(self.item_html(item))

    def why_approval(self, item: ApprovalItem) -> str:
        """R26: why the adjustment waits for a team lead, with the figures the agent saw."""
        f = self.desk.fmt()
        need = item.approval
        if need.goodwill:
            return self.tr("Goodwill: every goodwill adjustment needs a team lead other "
                           "than the person who asked for it (R26).")
        return self.tr(
            "R26: adjustments made without approval in the 720 hours before it: %n, "
            "together %1 points; with this one %2 points, more than %3.", "",
            len(need.counted)).replace("%1", f.points(need.earlier)).replace(
            "%2", f.points(need.total)).replace("%3", f.points(need.limit))

    def item_html(self, item: ApprovalItem) -> str:
        f = self.desk.fmt()
        e = html.escape
        r = item.request
        title = self.tr("Adjustment of %1 points for %2").replace(
            "%1", f.signed(r.points)).replace("%2", f"{item.customer} ({r.account_id})")
        asked = self.tr("Asked by %1 on %2: %3").replace(
            "%1", self.who(r.requested_by)).replace("%2", f.when(r.requested_at)).replace(
            "%3", r.reason)
        parts = [f"<h3>{e(title)}</h3>", f"<p>{e(asked)}</p>",
                 f"<p>{e(self.why_approval(item))}</p>"]
        o = item.objection
        if o is not None and o.notice_sent_at is not None:
            ok, text = badge(self, f, o.notice_sent_at, o.received_at)
            parts.append("<p><b>" + e(self.tr("Objection %1").replace("%1", str(o.id)))
                         + "</b>: " + e(self.tr(
                             "to notice %1 (%2) of %3, which stated %4 points and a balance "
                             "of %5").replace("%1", o.notice_id or "").replace(
                             "%2", notice_kind(self, o.notice_kind)).replace(
                             "%3", f.when(o.notice_sent_at)).replace(
                             "%4", f.signed(o.notice_points or 0)).replace(
                             "%5", f.points(o.notice_balance or 0)))
                         + "<br>" + badge_html(ok, e(text)) + "</p>")
        if item.mail is not None:
            mail = item.mail
            parts.append("<hr><p><b>" + e(self.tr("The mail")) + "</b>: "
                         + e((mail.sender or self.tr("sender unknown"))
                             + f" · {f.when(mail.received_at)} · {mail.subject}")
                         + "</p><p>" + e(mail.body).replace("\n", "<br>") + "</p>")
        return "".join(parts)

    def decide(self, approve: bool) -> None:
        item = self.selected()
        if item is None:
            return
        r = item.request
        reason = ""
        if not approve:
            dialog = ReasonDialog(self.tr("Reject the adjustment"), self.tr("Reason"), True,
                                  self)
            if not dialog.exec():
                return
            reason = dialog.text()
        problem = self.desk.outbox.send(lambda: c.DecideAdjustment(
            type="approve_adjustment" if approve else "reject_adjustment", request=r.id,
            version=r.version, reason=reason), done=lambda _id: self._queued())
        if problem is not None:
            self.message.setText(problem)

    def _queued(self) -> None:
        self.message.setText(self.tr("Queued; it is sent with this sync."))
        self.refresh()

    def _activated(self, index: Any) -> None:
        item = self.model.row(index)
        if item is not None and item.request.case_id is not None:
            self.open_case.emit(item.request.case_id)
