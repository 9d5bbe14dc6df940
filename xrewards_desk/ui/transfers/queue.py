"""The team leads' queue of transfer requests between colleagues (T5, R20, R21): each
request with the engine's review beside it and its evidence (:mod:`.evidence`); approve
or reject it.

An approval is checked again on the current local state first (R21); the server checks it
anyway. The person who filed a request cannot approve it (four eyes), and only a team lead
may approve (R27): the domain's workflow says so, and the buttons' tooltips say why not.
Every read goes through :meth:`.tasks.Tasks.query` with a key, so the newest refresh,
selection or sync answers and nothing older."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.model import Actor
from xrewards_desk.domain.permissions import role_of
from xrewards_desk.domain.workflow import request_step
from xrewards_desk.store.read.lookups import OutboxAnswer, outbox_answers, staff_names
from xrewards_desk.store.read.transfers import (
    DECIDED,
    PENDING,
    TransferCheck,
    TransferInfo,
    TransferReview,
    approval_check,
    review_request,
    transfer_requests,
)
from xrewards_desk.ui.cases.objections import ReasonDialog
from xrewards_desk.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.transfers.evidence import EvidencePane
from xrewards_desk.ui.transfers.request import reason_short, reason_text
from xrewards_desk.ui.widgets import access
from xrewards_desk.ui.widgets.forms import button, label, refill, splitter
from xrewards_desk.ui.widgets.models import ALERT, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.table_csv import CsvButton


def _place(name: str, key: str) -> str:
    """An organisation or billing account: its name and id, or the id alone."""
    return f"{name} ({key})" if name and name != key else key


def _actor(desk: Desk) -> Actor | None:
    """The signed-in person as the engine's actor, or None."""
    person = access.person(desk)
    return Actor(person.name, role_of(person.role)) if person is not None else None


class TransfersView(QWidget):
    """The team leads' queue of transfer requests (R21), with the evidence of the one
    selected; approve or reject it. `refresh()` reloads; `loaded` is set by the first
    answer."""

    open_case = Signal(int)
    open_customer = Signal(str)
    #: the column of the names (source → target), the one that stretches and elides
    NAMES_COLUMN = 3

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk, self.loaded = desk, False
        self.setObjectName("transfers")
        #: sign-in name → the name shown
        self.staff: dict[str, str] = {}
        #: outbox id → request id, for decisions sent from here
        self.sent: dict[int, int] = {}
        #: request id → the server's refusal of a decision sent from here
        self.refusals: dict[int, str] = {}
        #: the engine's review of the selected pending request (R20, R21), and its ask
        self.review: TransferReview | None = None
        #: whether `review` was loaded since the last refresh of the queue
        self.review_fresh = False
        f = desk.fmt
        self.model: RowsModel[TransferInfo] = RowsModel([
            Column(lambda: self.tr("Request"), lambda x: str(x.id), right=True),
            Column(lambda: self.tr("Requested"), lambda x: f().when(x.requested_at)),
            Column(lambda: self.tr("By"), lambda x: self.who(x.requested_by)),
            Column(lambda: self.tr("Source → target"), lambda x: (
                f"{x.source_name or x.source_id} → {x.target_name or x.target_id}"),
                tooltip=lambda x: (f"{x.source_name} ({x.source_id}) → "
                                   f"{x.target_name} ({x.target_id})")),
            Column(lambda: self.tr("Points"), lambda x: f().points(x.points), right=True),
            Column(lambda: self.tr("Reason"), lambda x: reason_short(x.reason),
                   tooltip=lambda x: reason_text(x.reason)),
            Column(lambda: self.tr("State"), lambda x: self.state(x),
                   foreground=lambda x: ALERT if x.id in self.refusals else None),
        ], self)
        self.table = table_view(self.model, "transfer_table")
        # the names take what room is left, elided at the end (the pair with the account
        # numbers is the tooltip, and the pane below says it in full), so that the points
        # and the state are never pushed out of sight
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(self.NAMES_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_item())
        self.table.activated.connect(self._activated)
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("transfer_filter")
        self.show_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.reading = QTextBrowser()
        self.reading.setObjectName("transfer_reading")
        self.reading.setOpenLinks(False)
        self.reading.anchorClicked.connect(lambda url: self._link(url.toString()))
        # the evidence of the request selected, and the viewer (its parts named for tests)
        self.evidence = EvidencePane(desk)
        self.evidence_list, self.viewer = self.evidence.list, self.evidence.viewer
        self.pdf_document, self.pdf_view = self.evidence.pdf_document, self.evidence.pdf_view
        self.image_label, self.image_area = (self.evidence.image_label,
                                             self.evidence.image_area)

        split = splitter((splitter((self.table, 260), (self.reading, 340), vertical=True),
                          760), (self.evidence, 440))

        self.approve_button = button("approve_transfer", self.approve)
        self.reject_button = button("reject_transfer", self.reject)
        self.message = label("message")
        self.filter_label = label(wrap=False)
        top, buttons = QHBoxLayout(), QHBoxLayout()
        parts: tuple[tuple[QHBoxLayout, QWidget, int], ...] = (
            (top, self.filter_label, 0), (top, self.show_filter, 0),
            (buttons, self.approve_button, 0), (buttons, self.reject_button, 0),
            (buttons, self.message, 1))
        for row, widget, stretch in parts:
            row.addWidget(widget, stretch)
        top.addStretch(1)
        top.addWidget(CsvButton(self, self.model, "transfers", f, desk.now))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        if desk.sync is not None:
            desk.sync.finished.connect(lambda _summary: self._synced())
        self.retranslate()

    # ------------------------------------------------------------------ words
    def who(self, name: str | None) -> str:
        return self.staff.get(name or "", name or "")

    def state(self, x: TransferInfo) -> str:
        if x.id in self.refusals and x.pending:
            return self.tr("your decision was refused")
        return {"pending": self.tr("waits for a team lead (R21)"),
                "approved": self.tr("approved"), "rejected": self.tr("rejected"),
                "withdrawn": self.tr("withdrawn")}.get(x.status, x.status)

    @property
    def evidence_kind(self) -> str:
        """What shows the evidence picked: "pdf", "image", "mail", or "" (a message)."""
        return self.evidence.kind

    @property
    def evidence_shown(self) -> str | None:
        """The SHA-256 of the evidence on screen, if any."""
        return self.evidence.shown

    def retranslate(self) -> None:
        refill(self.show_filter, ((PENDING, self.tr("Waiting for approval")),
                                  (DECIDED, self.tr("Decided")), ("", self.tr("All"))),
               PENDING)
        self.model.retranslate()
        for widget, words in ((self.filter_label, self.tr("Show:")),
                              (self.approve_button, self.tr("Approve")),
                              (self.reject_button, self.tr("Reject…"))):
            widget.setText(words)
        self.evidence.retranslate()
        self.show_item()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """The queue again, as the filter says; the newest refresh wins."""
        store, show, data = (self.desk.store, self.show_filter.currentData() or None,
                             self.desk.paths.data)
        if store is not None:
            self.desk.tasks.query(
                store, lambda s: (transfer_requests(s, show, data), staff_names(s)),
                lambda answer: self._show(*answer), key=(self, "rows"))

    def _show(self, items: list[TransferInfo], staff: dict[str, str]) -> None:
        self.review_fresh = False  # the state may have changed (a sync): review again
        self.staff = staff
        before = self.selected()
        self.model.set_rows(items)
        self.loaded = True
        if items:
            ids = [x.id for x in items]
            row = ids.index(before.id) if before is not None and before.id in ids else 0
            self.table.selectRow(row)
        self.show_item()

    def selected(self) -> TransferInfo | None:
        return self.model.row(self.table.currentIndex())

    def select_request(self, request_id: int) -> bool:
        for i, x in enumerate(self.model.rows):
            if x.id == request_id:
                self.table.selectRow(i)
                self.show_item()
                return True
        return False

    # ------------------------------------------------------------------ one request
    def why_not(self, item: TransferInfo, approve: bool = True) -> str:
        """Why the signed-in person cannot approve (or reject) `item`, or "" if they can."""
        if not item.pending:
            return self.tr("Decided: %1").replace("%1", self.state(item))
        # R21, R27, the domain's workflow: team leads approve, never their own request
        # (four eyes); they reject, and so may the one who filed it: the server records
        # that rejection as a withdrawal
        return access.step_why_not(self.desk, request_step(
            "transfer", access.role_of(self.desk), access.name_of(self.desk),
            item.requested_by, "pending", approve=approve))

    def show_item(self) -> None:
        item = self.selected()
        whys = ("", "") if item is None else (self.why_not(item), self.why_not(item, False))
        for push, why in zip((self.approve_button, self.reject_button), whys, strict=True):
            push.setEnabled(item is not None and not why)
            push.setToolTip(why)
        if item is None:
            self.reading.setHtml("<p>" + html.escape(self.tr(
                "No transfer request waits for approval.")) + "</p>")
            self.evidence.show_files(())
            return
        self.reading.setHtml(self.item_html(item))
        self.load_review(item)
        self.evidence.show_files(item.evidence)

    def item_html(self, item: TransferInfo) -> str:
        f = self.desk.fmt()
        e = html.escape
        title = self.tr("%1 points from %2 to %3").replace("%1", f.points(item.points)) \
            .replace("%2", f'<a href="customer:{e(item.source_id)}">'
                           f"{e(item.source_name)} ({e(item.source_id)})</a>") \
            .replace("%3", f'<a href="customer:{e(item.target_id)}">'
                           f"{e(item.target_name)} ({e(item.target_id)})</a>")
        asked = self.tr("Requested by %1 on %2").replace("%1", e(self.who(
            item.requested_by))).replace("%2", f.when(item.requested_at))
        parts = [f"<h3>{title}</h3>", f"<p>{asked}</p>",
                 "<p><b>" + e(self.tr("Reason")) + "</b>: " + e(reason_text(item.reason))
                 + "</p>"]
        if item.justification:
            parts.append("<p><b>" + e(self.tr("Justification")) + "</b>: "
                         + e(item.justification) + "</p>")
        if item.case_id is not None:
            parts.append(f'<p><a href="case:{item.case_id}">'
                         + e(self.tr("Case %1").replace("%1", str(item.case_id)))
                         + f"</a> {e(item.case_subject)}</p>")
        if not item.evidence:
            parts.append("<p>" + e(self.tr("No evidence attached.")) + "</p>")
        if item.pending:
            parts.append(self.review_html(item))
        if not item.pending:
            decided = self.tr("%1 by %2 on %3").replace("%1", self.state(item)).replace(
                "%2", e(self.who(item.decided_by))).replace("%3", f.when(item.decided_at))
            parts.append(f"<p><b>{decided}</b></p>")
            if item.decision_reason:
                parts.append(f"<p>{e(item.decision_reason)}</p>")
        refusal = self.refusals.get(item.id)
        if refusal:
            parts.append(f'<p style="color:{ALERT.name()}"><b>'
                         + e(self.tr("The server refused your decision")) + "</b>: "
                         + e(refusal) + "</p>")
        return "".join(parts)

    # ------------------------------------------------------------------ the review
    def load_review(self, item: TransferInfo) -> None:
        """The engine's review of a pending request on the store lane (R20, R21): the
        source's balance now, both accounts' organisation and billing account, and the
        lots its approval would move. The newest selection wins."""
        key = (self, "review")
        self.desk.tasks.forget(key)  # a review of the request selected before is stale
        if not item.pending:
            return
        review = self.review
        if review is not None and (review.request_id, review.version) == (
                item.id, item.version) and self.review_fresh:
            return
        store = self.desk.store
        if store is None:
            return
        now, actor = self.desk.now(), _actor(self.desk)
        self.desk.tasks.query(store, lambda s: review_request(s, item, now, actor),
                              self._reviewed, key=key)

    def _reviewed(self, review: TransferReview | None) -> None:
        self.review = review
        self.review_fresh = True
        item = self.selected()
        if item is not None and review is not None and item.id == review.request_id:
            self.reading.setHtml(self.item_html(item))

    def review_html(self, item: TransferInfo) -> str:
        """The review as lines a team lead reads before approving (R20, R21)."""
        e = html.escape
        r = self.review
        if r is None or (r.request_id, r.version) != (item.id, item.version):
            return "<p><i>" + e(self.tr("Checking the request with the engine…")) + "</i></p>"
        f = self.desk.fmt()
        good, bad = "#15803d", ALERT.name()

        def line(ok: bool, text: str) -> str:
            mark = "✓" if ok else "✗"
            return (f'<p style="margin:2px 0"><span style="color:{good if ok else bad}">'
                    f"<b>{mark}</b> {e(text)}</span></p>")

        parts = ["<h4>" + e(self.tr("Before approving (R20, R21)")) + "</h4>"]
        balance = r.source.balance
        parts.append('<p style="margin:2px 0"><b>' + e(self.tr(
            "Balance of the source now: %1 points").replace(
            "%1", f.points(balance) if balance is not None else "?")) + "</b> ("
            + e(r.source.label()) + ")</p>")
        # R20: the same organisation and the same billing account, each named
        src, dst = r.source, r.target
        for same, alike, unlike, here, there in (
                (r.same_organisation,
                 self.tr("Organisation: the same for both accounts, %1"),
                 self.tr("Organisation: not the same (R20): source %1, target %2"),
                 _place(src.organisation_name, src.organisation_id),
                 _place(dst.organisation_name, dst.organisation_id)),
                (r.same_billing_account,
                 self.tr("Billing account: the same for both accounts, %1"),
                 self.tr("Billing account: not the same (R20): source %1, target %2"),
                 _place(src.billing_account_name, src.billing_account_id),
                 _place(dst.billing_account_name, dst.billing_account_id))):
            parts.append(line(same, alike.replace("%1", here) if same
                              else unlike.replace("%1", here).replace("%2", there)))
        check = r.check
        if not check.ok:
            parts.append(line(False, self.tr("The engine refuses the approval now: %1")
                              .replace("%1", check.message(self.desk.language.code))))
            return "".join(parts)
        total = sum(x.points for x in check.moves)
        parts.append("<p style=\"margin:6px 0 2px 0\">" + e(self.tr(
            "The lots that would move, oldest first (R13), each keeping its dates (R20): "
            "%1 points in %n lot(s)", "", len(check.moves)).replace(
            "%1", f.points(total))) + "</p>")
        head = "".join(f"<th align=\"{'right' if right else 'left'}\">{e(t)}</th>"
                       for t, right in ((self.tr("From lot"), False),
                                        (self.tr("Points"), True),
                                        (self.tr("Credited"), False),
                                        (self.tr("Usable until"), False)))
        rows = "".join(
            f"<tr><td>{e(x.source_lot)}</td><td align=\"right\">{e(f.points(x.points))}</td>"
            f"<td>{e(f.when(x.credited_at))}</td><td><b>{e(f.date(x.usable_until))}</b></td>"
            "</tr>" for x in check.moves)
        parts.append(f'<table cellspacing="0" cellpadding="3" border="0">'
                     f"<tr>{head}</tr>{rows}</table>")
        if r.approver is not None:
            parts.append(line(True, self.tr("The engine allows your approval now.")))
        return "".join(parts)

    def _link(self, target: str) -> None:
        kind, _sep, key = target.partition(":")
        if kind == "customer":
            self.open_customer.emit(key)
        elif kind == "case" and key.isdigit():
            self.open_case.emit(int(key))

    def _activated(self, index: Any) -> None:
        item = self.model.row(index)
        if item is not None and item.case_id is not None:
            self.open_case.emit(item.case_id)

    # ------------------------------------------------------------------ deciding
    def approve(self) -> None:
        """Check the approval on the current local state first (R21: the balance now,
        four eyes); queue it only if the engine allows it."""
        item = self.selected()
        actor = _actor(self.desk)
        store = self.desk.store
        if item is None or actor is None or store is None:
            return
        now = self.desk.now()

        def answered(answer: TransferCheck) -> None:
            if not answer.ok:
                self.message.setText(self.tr("Not approved: %1").replace(
                    "%1", answer.message(self.desk.language.code)))
                return
            self.send(item, c.DecideTransfer(type="approve_transfer", request=item.id,
                                             version=item.version, reason=""))

        # asked twice (a double click), only the newest answer queues the decision
        self.desk.tasks.query(store, lambda s: approval_check(s, item, actor, now),
                              answered, key=(self, "approve"))

    def reject(self) -> None:
        item = self.selected()
        if item is None:
            return
        dialog = ReasonDialog(self.tr("Reject the transfer"), self.tr("Reason"), True, self)
        if not dialog.exec():
            return
        reason = dialog.text()
        self.send(item, lambda: c.DecideTransfer(type="reject_transfer", request=item.id,
                                                 version=item.version, reason=reason))

    def send(self, item: TransferInfo,
             command: c.Command | Callable[[], c.Command]) -> None:
        self.refusals.pop(item.id, None)

        def queued(command_id: int) -> None:
            self.sent[command_id] = item.id
            self.message.setText(self.tr("Queued; it is sent with this sync."))

        problem = self.desk.outbox.send(command, done=queued)
        if problem is not None:
            self.message.setText(problem)

    def _synced(self) -> None:
        """After a sync: the server's answers to the decisions sent from here, and the
        queue as it is now."""
        store = self.desk.store
        if store is None or not self.sent:
            self.refresh()
            return
        sent, german = list(self.sent), self.desk.language.code == "de"
        # a later sync's answers cover this one's: only the newest are read
        self.desk.tasks.query(store, lambda s: outbox_answers(s, sent, german),
                              self._answers, key=(self, "answers"))

    def _answers(self, answers: list[OutboxAnswer]) -> None:
        for answer in answers:
            request = self.sent.pop(answer.id, None)
            if request is None:
                continue
            if answer.refused:
                self.refusals[request] = answer.message
                self.message.setText(self.tr("The server refused the decision on request "
                                             "%1: %2").replace("%1", str(request))
                                     .replace("%2", answer.message))
            elif answer.done:
                self.message.setText(self.tr("The server took the decision on request %1.")
                                     .replace("%1", str(request)))
        self.refresh()

