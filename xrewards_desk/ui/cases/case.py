"""One case: its customer, status and assignee, a timeline of mails, notes, objections,
decisions and replies (with what still waits in the outbox), internal notes, and the
case work: objections to a notice (R25) and their decisions (R26), an objection to
changed terms (R28), replies, and closing the account on request (R23)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.model import Actor
from xrewards_desk.domain.workflow import ObjectionStatus, objection_step
from xrewards_desk.store.changes import Changes
from xrewards_desk.store.read.cases import (
    CaseDetail,
    MailInfo,
    NoticeChoice,
    ObjectionInfo,
    TimelineItem,
    case_detail,
    customers_by_email,
    notices_of,
)
from xrewards_desk.store.read.customers import customer_page
from xrewards_desk.store.read.objections import NoticeFacts, notice_facts
from xrewards_desk.ui.cases.dialogs import (
    GOODWILL,
    LATE,
    REJECT,
    UPHOLD,
    CloseAccountDialog,
    DecideObjectionDialog,
    RecordObjectionDialog,
    SetReceiptDialog,
    TermsObjectionDialog,
    badge,
    badge_html,
    notice_kind,
)
from xrewards_desk.ui.cases.inbox import status_text
from xrewards_desk.ui.qt import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.presence import Presence, presence_label
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.models import ALERT, WARN, Column, RowsModel, table_view

#: each decision's button, by the command it sends and the objection's state it leads
#: to (R25, R27: who may send it and which step may follow which are the domain's)
DECISIONS: dict[str, tuple[str, ObjectionStatus]] = {
    UPHOLD: ("uphold_objection", ObjectionStatus.UPHELD),
    REJECT: ("reject_objection", ObjectionStatus.REJECTED),
    LATE: ("answer_objection_late", ObjectionStatus.LATE),
    GOODWILL: ("grant_goodwill", ObjectionStatus.GOODWILL),
}
STATUSES = ("new", "open", "waiting", "closed")

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class CaseView(QWidget):
    open_customer = Signal(str)
    title_changed = Signal(str)
    reply_requested = Signal(object)    # CaseView

    def __init__(self, desk: Desk, case_id: int) -> None:
        super().__init__()
        self.setObjectName("case")
        self.desk = desk
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.suggestions: list[tuple[str, str, str]] = []
        #: the macro dialog last opened (window-modal, not blocking)
        self.macro_dialog: QWidget | None = None
        self.loaded = False
        #: answers shown (the first load, and each refresh's)
        self.loads = 0
        f = desk.fmt

        self.presence = Presence(desk, self)
        self.presence_label = presence_label(self.presence)
        self.header = forms.label("case_header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.linkActivated.connect(self._link)

        # status, assignee, customer
        self.status = QComboBox()
        self.status.setObjectName("case_status")
        self.status_button = QPushButton()
        self.status_button.clicked.connect(self.set_status)
        self.assign_button = forms.button("assign_me", self.assign_me)
        self.link_field = QLineEdit()
        self.link_field.setObjectName("link_customer")
        self.link_field.returnPressed.connect(self.link_customer)
        self.link_suggest = QComboBox()
        self.link_suggest.setObjectName("link_suggestions")
        self.link_button = QPushButton()
        self.link_button.clicked.connect(self.link_customer)
        self.status_label, self.link_label = QLabel(), QLabel()
        controls = forms.row(self.status_label, self.status, self.status_button,
                             forms.Space(16), self.assign_button, forms.Space(16),
                             self.link_label, self.link_field, self.link_suggest,
                             self.link_button, 1)

        # the case work
        self.objection_button = forms.button("record_objection", self.record_objection)
        self.terms_button = forms.button("terms_objection", self.terms_objection)
        self.reply_button = forms.button("reply", lambda: self.reply_requested.emit(self))
        # a reply, a decision and a status in one step, after a preview (issue 19)
        self.macro_button = forms.button("macros", lambda: self.open_macros())
        macro_shortcut = QShortcut(QKeySequence("Ctrl+Shift+M"), self)
        macro_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        macro_shortcut.activated.connect(self.open_macros)
        self.close_button = forms.button("close_account", self.close_account)
        self.transfer_button = forms.button("transfer", self.transfer)
        self.suspicion_button = forms.button("report_suspicion", self.report_suspicion)
        self.receipt_button = forms.button("set_receipt", self.set_receipt)
        # the case's own work, then what it asks of the customer's account: two rows, so
        # that the German words fit a window of 1280 px (one row needed 1,375)
        work = forms.column(None, forms.row(
            self.objection_button, self.terms_button, self.reply_button, self.macro_button,
            self.receipt_button, 1), forms.row(
            self.transfer_button, self.close_button, self.suspicion_button, 1))
        work.setContentsMargins(0, 0, 0, 0)
        # R25 counts from a mail's receipt: while one is unknown, said in plain sight
        self.receipt_notice = forms.label("receipt_unknown")
        self.receipt_notice.setStyleSheet(f"color: {ALERT.name()};")
        self.receipt_notice.hide()

        # the timeline and the selected item
        self.timeline: RowsModel[TimelineItem] = RowsModel([
            Column(lambda: self.tr("When"), lambda t: f().when(t.at)),
            Column(lambda: self.tr("What"), self.item_kind,
                   foreground=lambda t: WARN if t.kind == "pending" else None),
            Column(lambda: self.tr("Who"), lambda t: t.who, tooltip=lambda t: t.who),
            Column(lambda: self.tr("Summary"), self.item_summary,
                   tooltip=self.item_summary),
        ], self)
        self.timeline_table = table_view(self.timeline, "timeline")
        # a sender's long address must not push the summary out of sight: the column
        # keeps a width of its own, cut at the end, the whole address in its tooltip
        who = self.timeline_table.horizontalHeader()
        who.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.timeline_table.setColumnWidth(2, 170)
        self.timeline_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self.show_item())
        self.reading = QTextBrowser()
        self.reading.setObjectName("reading")
        self.reading.setOpenLinks(False)
        self.reading.anchorClicked.connect(lambda url: self._link(url.toString()))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.timeline_table)

        # objections and their decisions
        self.objections: RowsModel[ObjectionInfo] = RowsModel([
            Column(lambda: self.tr("Objection"), lambda o: str(o.id), right=True),
            Column(lambda: self.tr("Kind"), lambda o: self.tr("notice") if o.kind == "notice"
                   else self.tr("changed terms")),
            Column(lambda: self.tr("Notice"), lambda o: (
                f"{notice_kind(self, o.notice_kind)} {f().when(o.notice_sent_at)}"
                if o.notice_id else "")),
            Column(lambda: self.tr("Received"), lambda o: f().when(o.received_at)),
            Column(lambda: self.tr("Deadline"), lambda o: f().date(o.deadline)),
            Column(lambda: self.tr("In time"), lambda o: self.tr("in time") if o.in_time
                   else self.tr("late"), foreground=lambda o: None if o.in_time else ALERT),
            Column(lambda: self.tr("State"), self.objection_state),
        ], self)
        self.objection_table = table_view(self.objections, "objections")
        self.objection_table.setMaximumHeight(120)
        self.objection_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self.update_decisions())
        self.uphold_button = forms.button("uphold", lambda: self.decide(UPHOLD))
        self.reject_button = forms.button("reject", lambda: self.decide(REJECT))
        self.late_button = forms.button("answer_late", lambda: self.decide(LATE))
        self.goodwill_button = forms.button("goodwill", lambda: self.decide(GOODWILL))
        self.objection_badge = forms.label("objection_badge")
        self.objection_badge.setTextFormat(Qt.TextFormat.RichText)
        decisions = QHBoxLayout()
        for button in (self.uphold_button, self.reject_button, self.late_button,
                       self.goodwill_button):
            decisions.addWidget(button)
        decisions.addWidget(self.objection_badge, 1)
        self.objection_box = QGroupBox()
        box = QVBoxLayout(self.objection_box)
        box.addWidget(self.objection_table)
        box.addLayout(decisions)

        # internal notes
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setMaximumHeight(64)
        self.note.setTabChangesFocus(True)
        self.note_button = forms.button("add_note", self.add_note)
        note_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.note)
        note_shortcut.activated.connect(self.add_note)
        notes = forms.row((self.note, 1), self.note_button)

        self.message = forms.label("message")
        self.withdraw_button = forms.button("withdraw", self.withdraw)
        self.withdraw_button.hide()
        # a reply that may have been sent: a person says what became of it (issue 20)
        self.was_sent_button = forms.button("reply_was_sent", lambda: self.resolve(True))
        self.send_again_button = forms.button("reply_send_again", lambda: self.resolve(False))
        resolve = forms.row(self.was_sent_button, self.send_again_button)
        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.addWidget(self.reading, 1)
        reading_layout.addWidget(self.withdraw_button, 0, Qt.AlignmentFlag.AlignRight)
        reading_layout.addLayout(resolve)
        split.addWidget(reading)
        split.setSizes([520, 640])

        forms.column(self, self.header, self.presence_label, controls, work, self.receipt_notice,
                           (split, 1), self.objection_box, notes, self.message)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.status_label.setText(self.tr("Status:"))
        current = self.status.currentData()
        self.status.clear()
        for value in STATUSES:
            self.status.addItem(status_text(self, value), value)
        if current is not None:
            self.status.setCurrentIndex(max(0, self.status.findData(current)))
        self.status_button.setText(self.tr("Set"))
        self.assign_button.setText(self.tr("Assign to me"))
        self.link_label.setText(self.tr("Customer:"))
        self.link_field.setPlaceholderText(self.tr("customer number"))
        self.link_button.setText(self.tr("Link"))
        self.objection_button.setText(self.tr("Objection to a notice…"))
        self.terms_button.setText(self.tr("Objection to changed terms…"))
        self.reply_button.setText(self.tr("Reply…"))
        self.macro_button.setText(self.tr("Macros…"))
        self.close_button.setText(self.tr("Close account (opt-out)…"))
        self.suspicion_button.setText(self.tr("Report suspected abuse…"))
        self.transfer_button.setText(self.tr("Transfer points…"))
        self.receipt_button.setText(self.tr("Set receipt time…"))
        self.uphold_button.setText(self.tr("Uphold…"))
        self.reject_button.setText(self.tr("Reject…"))
        self.late_button.setText(self.tr("Answer as late…"))
        self.goodwill_button.setText(self.tr("Goodwill…"))
        self.objection_box.setTitle(self.tr("Objections in this case"))
        self.note.setPlaceholderText(self.tr("Internal note (Ctrl+Enter adds it)"))
        self.note_button.setText(self.tr("Add note"))
        self.withdraw_button.setText(self.tr("Withdraw (not sent yet)"))
        self.was_sent_button.setText(self.tr("It was sent"))
        self.send_again_button.setText(self.tr("Send it again"))
        self.timeline.retranslate()
        self.objections.retranslate()
        self.show_detail()

    def item_kind(self, t: TimelineItem) -> str:
        if t.kind == "mail_in":
            mail: MailInfo = t.ref
            return self.tr("mail received") if mail.channel == "email" else {
                "phone": self.tr("phone call (typed in)"),
                "letter": self.tr("letter (typed in)")}.get(mail.channel, mail.channel)
        if t.kind == "pending":
            state = t.ref.state
            return self.tr("refused") if state == "refused" else self.tr("waiting to be sent")
        if t.kind == "mail_out":
            return self.reply_state(t.ref)
        return {"note": self.tr("note"),
                "transfer": self.tr("transfer request"),
                "objection": self.tr("objection recorded"), "decision": self.tr("decision"),
                "adjustment": self.tr("adjustment")}.get(t.kind, t.kind)

    def reply_state(self, mail: MailInfo) -> str:
        """What became of a reply (issue 20): recorded as sent by hand, or its state in
        the mail gateway."""
        return {None: self.tr("reply sent"), "sent": self.tr("reply sent"),
                "queued": self.tr("reply queued"), "sending": self.tr("reply being sent"),
                "refused": self.tr("reply refused"),
                "unknown": self.tr("reply may have been sent")}.get(
            mail.send_state, mail.send_state or "")

    def item_summary(self, t: TimelineItem) -> str:
        f = self.desk.fmt()
        if t.kind == "mail_out" and t.ref.send_state in ("refused", "unknown") \
                and t.ref.send_detail:
            return f"{t.title} — {t.ref.send_detail}"
        if t.kind in ("mail_in", "mail_out"):
            return t.title
        if t.kind == "note":
            return t.text.splitlines()[0] if t.text else ""
        if t.kind == "objection":
            o: ObjectionInfo = t.ref
            return (self.tr("to notice %1 (deadline %2)").replace("%1", o.notice_id or "")
                    .replace("%2", f.date(o.deadline)) if o.kind == "notice"
                    else self.tr("to changed terms"))
        if t.kind == "decision":
            return f"{self.objection_state(t.ref)}: {t.text}"
        if t.kind == "transfer":
            x = t.ref
            return self.tr("%1 point(s) from %2 to %3, %4", "", abs(x.points)).replace(
                "%1", f.points(x.points)).replace("%2", x.source).replace(
                "%3", x.target).replace("%4", self.request_state(x.status))
        if t.kind == "adjustment":
            a = t.ref
            return self.tr("%1 point(s), %2", "", abs(a.points)).replace(
                "%1", f.signed(a.points)).replace(
                "%2", self.request_state(a.status))
        if t.kind == "pending":
            p = t.ref
            text = self.command_name(p.kind)
            return f"{text}: {p.refusal}" if p.refusal else text
        return t.text

    def command_name(self, kind: str) -> str:
        return {"note_mail_case": self.tr("note"), "assign_mail_case": self.tr("assignment"),
                "set_mail_case_status": self.tr("status"),
                "link_mail_case": self.tr("customer link"),
                "record_reply_sent": self.tr("reply"),
                "queue_reply": self.tr("reply to send"),
                "record_objection": self.tr("objection"),
                "object_to_terms": self.tr("objection to changed terms"),
                "close_account": self.tr("closing the account"),
                "uphold_objection": self.tr("uphold"), "reject_objection": self.tr("reject"),
                "answer_objection_late": self.tr("answer as late"),
                "grant_goodwill": self.tr("goodwill"),
                "request_adjustment": self.tr("adjustment"),
                "approve_transfer": self.tr("approve the transfer"),
                "reject_transfer": self.tr("reject the transfer")}.get(kind, kind)

    def request_state(self, status: str) -> str:
        return {"pending": self.tr("waits for a team lead"), "approved": self.tr("approved"),
                "rejected": self.tr("rejected"), "withdrawn": self.tr("withdrawn")}.get(
            status, status)

    def objection_state(self, o: ObjectionInfo) -> str:
        if o.open and o.pending_request is not None:
            return self.tr("waits for a team lead (R26)")
        names = {"recorded": self.tr("open"), "upheld": self.tr("upheld"),
                 "rejected": self.tr("rejected"), "late": self.tr("answered as late"),
                 "goodwill": self.tr("goodwill granted")}
        text = names.get(o.status, o.status)
        if o.decided_by and self.detail is not None:
            text += " · " + self.detail.who(o.decided_by)
        return text

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        store = self.desk.store
        if store is None:
            return
        case_id = self.case_id

        def work(s: Session) -> tuple[CaseDetail | None, list[tuple[str, str, str]]]:
            detail = case_detail(s, case_id)
            suggestions: list[tuple[str, str, str]] = []
            if detail is not None and detail.account is None and detail.sender:
                exact, suggestions = customers_by_email(s, detail.sender)
                if exact is not None:
                    suggestions = [(exact, "", detail.sender)]
            return detail, suggestions

        self.desk.tasks.query(store, work, self._loaded, key=(self, "detail"))

    def concerns(self, changes: Changes) -> bool:
        """This case's records, its customer's, and this desk's commands answered (the
        timeline shows what still waits in the outbox)."""
        account = self.detail.account.id if self.detail is not None and \
            self.detail.account is not None else None
        return changes.outbox or changes.case(self.case_id) or changes.account(account) \
            or changes.any("staff")

    def _loaded(self, answer: tuple[CaseDetail | None, list[Any]]) -> None:
        self.detail, self.suggestions = answer
        self.loaded = True
        self.loads += 1
        selected = self.timeline_table.currentIndex().row()
        chosen = self.objection_table.currentIndex().row()
        if self.detail is None:
            self.header.setText(self.tr("Case %1 is not in the local store (yet).").replace(
                "%1", str(self.case_id)))
            return
        if not self.presence.watching:
            self.presence.watch(f"mail_case:{self.case_id}")
        self.timeline.set_rows(self.detail.timeline)
        self.objections.set_rows(self.detail.objections)
        if self.detail.timeline:
            self.timeline_table.selectRow(selected if 0 <= selected < len(
                self.detail.timeline) else len(self.detail.timeline) - 1)
        if self.detail.objections:
            self.objection_table.selectRow(chosen if 0 <= chosen < len(
                self.detail.objections) else 0)
        self.show_detail()
        self.title_changed.emit(self.tr("Case %1").replace("%1", str(self.case_id)))

    def me(self) -> str:
        session = self.desk.session
        person = session.person if session is not None else None
        return person.name if person is not None else ""

    def show_detail(self) -> None:
        d = self.detail
        if d is None:
            return
        f = self.desk.fmt()
        if d.account is not None:
            who = (f'<a href="customer:{d.account.id}">{html.escape(d.account.name)} '
                   f'({d.account.id})</a>')
            if d.account.status != "active":
                who += f" · {html.escape(d.account.status)}"
        else:
            who = f'<span style="color:{ALERT.name()}">' + self.tr(
                "not linked to a customer") + "</span>"
        assignee = d.who(d.assigned_to) if d.assigned_to else self.tr("nobody")
        self.header.setText(
            f"<h2>{html.escape(d.subject)} <small>#{d.id}</small></h2>"
            + self.tr("%1 · customer %2 · assigned to %3 · opened %4").replace(
                "%1", html.escape(status_text(self, d.status))).replace("%2", who).replace(
                "%3", html.escape(assignee)).replace("%4", f.when(d.opened_at)))
        self.status.setCurrentIndex(max(0, self.status.findData(d.status)))
        self.link_suggest.clear()
        for account, name, email in self.suggestions:
            self.link_suggest.addItem(f"{account} {name} <{email}>".strip(), account)
        self.link_suggest.setVisible(bool(self.suggestions))
        # R27: each button asks the domain whether the person may send its command
        has_customer = d.account is not None
        for button, command in ((self.status_button, "set_mail_case_status"),
                                (self.assign_button, "assign_mail_case"),
                                (self.link_button, "link_mail_case"),
                                (self.note_button, "note_mail_case"),
                                (self.reply_button, "record_reply_sent")):
            button.setEnabled(access.allowed(self.desk, command))
            button.setToolTip(access.why_not(self.desk, command))
        self.assign_button.setEnabled(self.assign_button.isEnabled()
                                      and d.assigned_to != self.me())
        # R27: a macro answers the customer, so it needs who may send replies
        why = access.why_not(self.desk, "queue_reply")
        self.macro_button.setEnabled(not why)
        self.macro_button.setToolTip(why or self.tr(
            "A reply, a decision and a status in one step, shown before anything happens "
            "(Ctrl+Shift+M)"))
        for button, command in ((self.objection_button, "record_objection"),
                                (self.terms_button, "object_to_terms"),
                                (self.close_button, "close_account"),
                                (self.suspicion_button, "report_suspicion"),
                                (self.transfer_button, "request_transfer")):
            why = access.why_not(self.desk, command)
            button.setEnabled(not why and has_customer)
            button.setToolTip(why or ("" if has_customer else self.tr(
                "Link the case to a customer first.")))
        if has_customer and d.account is not None and d.account.status != "active":
            for button in (self.terms_button, self.close_button, self.transfer_button):
                button.setEnabled(False)
                button.setToolTip(self.tr("The account is no longer active."))
        unknown = self.receipt_unknown_text()
        self.receipt_notice.setText(unknown)
        self.receipt_notice.setVisible(bool(unknown))
        if unknown:
            for button in (self.objection_button, self.terms_button):
                button.setEnabled(False)
                button.setToolTip(unknown)
        settable = any(not x.outgoing and x.channel == "email"
                       and x.received_from in ("unknown", "typed") for x in d.mails)
        self.receipt_button.setVisible(settable)
        self.receipt_button.setEnabled(access.allowed(self.desk, "set_mail_receipt"))
        self.receipt_button.setToolTip(access.why_not(self.desk, "set_mail_receipt"))
        self.objection_box.setVisible(bool(d.objections))
        self.update_decisions()
        self.show_item()

    def show_item(self) -> None:
        item = self.timeline.row(self.timeline_table.currentIndex())
        self.withdraw_button.setVisible(item is not None and item.kind == "pending"
                                        and item.ref.state == "pending")
        unsure = item is not None and item.kind == "mail_out" \
            and item.ref.send_state == "unknown"
        why = access.why_not(self.desk, "resolve_reply")
        for button in (self.was_sent_button, self.send_again_button):
            button.setVisible(unsure)
            button.setEnabled(not why)
            button.setToolTip(why)
        if item is None or self.detail is None:
            self.reading.setHtml("")
            return
        self.reading.setHtml(self.item_html(item))

    def resolve(self, sent: bool) -> None:
        """Say what became of a reply that may have been sent: it reached the customer,
        or the mail gateway sends it again."""
        item = self.timeline.row(self.timeline_table.currentIndex())
        if item is None or item.kind != "mail_out" or item.ref.send_state != "unknown":
            return
        problem = self.desk.outbox.send(c.ResolveReply(type="resolve_reply",
                                                       message=item.ref.id, sent=sent))
        self.message.setText(problem or (self.tr("Recorded as sent.") if sent else self.tr(
            "The reply is queued to be sent again.")))

    def withdraw(self) -> None:
        """Take back a command that has not been sent (the outbox's withdraw refuses one
        that may have reached the server)."""
        item = self.timeline.row(self.timeline_table.currentIndex())
        if item is None or item.kind != "pending":
            return

        def done(ok: bool) -> None:
            self.message.setText(self.tr("Withdrawn.") if ok else self.tr(
                "It may have reached the server already; it cannot be withdrawn."))
            self.refresh()

        self.desk.outbox.withdraw(item.ref.id, done)

    def reply_state_html(self, mail: MailInfo) -> str:
        """A reply's state through the mail gateway, with the SMTP server's words."""
        f = self.desk.fmt()
        e = html.escape
        words = f" — {e(mail.send_detail)}" if mail.send_detail else ""
        tries = (" " + self.tr("(%n temporary refusal(s))", "", mail.send_attempts)
                 if mail.send_attempts else "")
        if mail.send_state == "sent":
            return self.tr("sent at %1").replace("%1", f.when(mail.received_at)) + words
        if mail.send_state == "queued":
            return self.tr("queued: the mail gateway sends it") + tries + words
        if mail.send_state == "sending":
            return self.tr("being sent since %1").replace("%1", f.when(mail.send_at)) + tries
        if mail.send_state == "refused":
            return (f'<span style="color:{ALERT.name()}">' + self.tr(
                "refused by the mail server") + f"{words}</span>")
        return (f'<span style="color:{ALERT.name()}">' + self.tr(
            "may have been sent: the mail gateway lost track of it while sending; say "
            "whether it reached the customer") + f"{words}</span>")

    def item_html(self, item: TimelineItem) -> str:
        f = self.desk.fmt()
        e = html.escape
        if item.kind in ("mail_in", "mail_out"):
            mail: MailInfo = item.ref
            warn, alert = WARN.name(), ALERT.name()
            if mail.channel != "email":
                color, said = warn, self.tr(
                    "typed in by hand (%1); the receipt time was entered by staff").replace(
                    "%1", e(mail.channel))
            elif mail.received_from == "unknown":
                color, said = alert, self.tr(
                    "unknown: the mail holds no readable Received: or Date: header; set it "
                    "with “Set receipt time…”")
            elif mail.received_from == "typed":
                color, said = warn, self.tr("typed in by hand: the mail held no readable date")
            elif mail.received_from == "internaldate":
                color, said = warn, self.tr(
                    "from our mailbox's date of arrival: the mail had neither a Received: "
                    "nor a Date: header")
            elif mail.received_from == "date":
                color, said = warn, self.tr(
                    "from the sender's Date: header: the mail had no Received: header of "
                    "our mailbox")
            else:
                color, said = "", self.tr("from our mailbox's Received: header")
            source = f'<span style="color:{color}">{said}</span>' if color else said
            sender = e(self.detail.who(mail.sender) if mail.outgoing and self.detail
                       else mail.sender) if mail.sender else (
                f'<span style="color:{ALERT.name()}">' + self.tr(
                    "sender unknown: the mail names no address; link the case to a "
                    "customer by hand") + "</span>")
            if mail.outgoing and mail.send_state is not None:
                rows = [(self.tr("Sent by"), sender),
                        (self.tr("To"), e(mail.recipient or "")),
                        (self.tr("State"), self.reply_state_html(mail))]
            else:
                rows = [(self.tr("From") if not mail.outgoing else self.tr("Sent by"), sender),
                        (self.tr("Received") if not mail.outgoing else self.tr("Sent"),
                         (f"{f.when(mail.received_at)} ({source})" if mail.received_at
                          else source) if not mail.outgoing
                         else f.when(mail.received_at))]
            rows += [(self.tr("Subject"), e(mail.subject)),
                     (self.tr("Message-ID"), e(mail.message_id))]
            head = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
            parts = []
            for a in mail.attachments:
                if a.refused:
                    parts.append(f'<li><span style="color:{ALERT.name()}">{e(a.label)}: '
                                 + self.tr("refused") + f" — {e(a.refused)}</span></li>")
                else:
                    size = f" · {f.size(a.size)}" if a.size is not None else ""
                    parts.append(f"<li>{e(a.label)} · {e(a.media_type or '')}{size} · "
                                 f"SHA-256 {e((a.sha256 or '')[:16])}…</li>")
            heading = self.tr("Attachments (evidence)")
            files = (f"<p><b>{heading}</b></p><ul>" + "".join(parts) + "</ul>") if parts \
                else ""
            body = e(mail.body).replace("\n", "<br>")
            return f"<table>{head}</table><hr><p>{body}</p>{files}"
        if item.kind == "objection" or item.kind == "decision":
            o: ObjectionInfo = item.ref
            lines = []
            if o.notice_sent_at is not None:
                ok, text = badge(self, f, o.notice_sent_at, o.received_at)
                lines.append(self.tr("Notice %1 (%2) sent %3: %4 points, balance %5").replace(
                    "%1", e(o.notice_id or "")).replace(
                    "%2", notice_kind(self, o.notice_kind)).replace(
                    "%3", f.when(o.notice_sent_at)).replace(
                    "%4", f.signed(o.notice_points or 0)).replace(
                    "%5", f.points(o.notice_balance or 0)))
                lines.append(badge_html(ok, e(text)))
            else:
                lines.append(self.tr("Objection to changed terms, received %1").replace(
                    "%1", f.when(o.received_at)))
            lines.append(self.tr("State: %1").replace("%1", e(self.objection_state(o))))
            if o.reason:
                lines.append(self.tr("Reason: %1").replace("%1", e(o.reason)))
            return "<br>".join(lines)
        if item.kind == "pending":
            p = item.ref
            state = (f'<span style="color:{ALERT.name()}">' + self.tr("refused by the server")
                     + f": {e(p.refusal or '')}</span>" if p.state == "refused"
                     else self.tr("waits in the outbox; it is sent with the next sync"))
            return (f"<b>{e(self.command_name(p.kind))}</b><br>{state}<br>"
                    + e(str(p.payload.get("text") or p.payload.get("reason") or "")))
        if item.kind == "adjustment":
            a = item.ref
            text = self.tr("Adjustment of %1 point(s) (%2), asked by %3; %4", "",
                           abs(a.points)).replace(
                "%1", f.signed(a.points)).replace(
                "%2", self.tr("goodwill") if a.goodwill else self.tr("correction")).replace(
                "%3", e(self.detail.who(a.requested_by) if self.detail else "")).replace(
                "%4", e(self.request_state(a.status)))
            return f"{text}<br>{e(a.reason)}"
        return e(item.text).replace("\n", "<br>")

    # ------------------------------------------------------------------ decisions
    def selected_objection(self) -> ObjectionInfo | None:
        return self.objections.row(self.objection_table.currentIndex())

    def update_decisions(self) -> None:
        o = self.selected_objection()
        buttons = {UPHOLD: self.uphold_button, REJECT: self.reject_button,
                   LATE: self.late_button, GOODWILL: self.goodwill_button}
        for button in buttons.values():
            button.setEnabled(False)
            button.setToolTip("")
        if o is None:
            self.objection_badge.setText("")
            return
        f = self.desk.fmt()
        if o.notice_sent_at is not None:
            ok, text = badge(self, f, o.notice_sent_at, o.received_at)
            self.objection_badge.setText(badge_html(ok, html.escape(text)))
        else:
            self.objection_badge.setText(html.escape(self.objection_state(o)))
        unknown = self.receipt_unknown_text()
        if unknown and o.open:
            self.objection_badge.setText(badge_html(False, html.escape(unknown)))
            for button in buttons.values():
                button.setToolTip(unknown)
            return
        refused = {key: access.why_not(self.desk, DECISIONS[key][0]) for key in buttons}
        if any(refused.values()):
            for key, button in buttons.items():
                button.setToolTip(refused[key])
            return
        if not o.open or o.kind != "notice":
            why = self.tr("Decided: %1").replace("%1", self.objection_state(o))
            for button in buttons.values():
                button.setToolTip(why)
            return
        if o.pending_request is not None:
            for button in buttons.values():
                button.setToolTip(self.tr("An adjustment for it waits for a team lead (R26)."))
            return
        # R25: which decision may follow, the domain's workflow
        deadline = f.date(o.deadline)
        for key, button in buttons.items():
            step = objection_step(ObjectionStatus.RECORDED, o.in_time, DECISIONS[key][1])
            button.setEnabled(bool(step))
            if step:
                continue
            if o.in_time:
                button.setToolTip(self.tr("In time (deadline %1): uphold or reject it.")
                                  .replace("%1", deadline))
            else:
                button.setToolTip(self.tr("Late: the deadline was %1 (R25). Answer it as "
                                          "late, or ask for goodwill.").replace("%1", deadline))

    def open_macros(self, macro: str | None = None) -> None:
        """The macro dialog on what the case's customer, orders and transfer requests
        are now (read on the store lane); on OK its commands are queued."""
        from xrewards_desk.mail.macros import case_facts
        from xrewards_desk.ui.cases.macros import MacroDialog

        d = self.detail
        if d is None or not self.macro_button.isEnabled():
            return
        person, role = access.person(self.desk), access.role_of(self.desk)
        # whose approval of a transfer the engine checks (R21): the person at the desk
        actor = Actor(person.name, role) if person is not None and role is not None \
            else None
        now = self.desk.now()

        def show(facts: Any) -> None:
            if self.detail is None:
                return
            dialog = MacroDialog(self.desk, self.detail, facts, self, macro)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(self.sent)
            self.macro_dialog = dialog
            dialog.open()

        self.desk.tasks.query(self.desk.local(), lambda s: case_facts(s, d, now, actor),
                              show, key=(self, "dialog"))

    def decide(self, decision: str) -> None:
        o = self.selected_objection()
        if o is None:
            return
        notice = o.notice_id

        def show(facts: NoticeFacts | None) -> None:
            # R25: the dialog states what the notice reported and pre-fills the reason
            # the rules support
            dialog = DecideObjectionDialog(self.desk.fmt(), o, decision, self,
                                           now=self.desk.now, facts=facts)
            if dialog.exec() and dialog.body is not None:
                self.send(dialog.body)

        self.desk.tasks.query(self.desk.local(), lambda s: notice_facts(s, notice), show,
                              key=(self, "dialog"))

    # ------------------------------------------------------------------ commands
    def send(self, command: c.Command | Callable[[], c.Command],
             evidence: tuple[str, ...] = ()) -> None:
        """Queue `command` (or what it builds from what was typed: why not, if it cannot
        be built, shown above the case)."""
        problem = self.desk.outbox.send(command, evidence, done=lambda _id: self.sent())
        if problem is not None:
            self.message.setText(problem)

    def sent(self) -> None:
        self.message.setText(self.tr("Queued; it is sent with this sync and shown here when "
                                     "the server has it."))
        self.refresh()

    def set_status(self) -> None:
        if self.detail is None:
            return
        status = self.status.currentData()
        if status == self.detail.status:
            return
        self.send(c.SetMailCaseStatus(type="set_mail_case_status", case=self.case_id,
                                      version=self.detail.version, status=status))

    def assign_me(self) -> None:
        if self.detail is None or not self.me():
            return
        self.send(c.AssignMailCase(type="assign_mail_case", case=self.case_id,
                                   version=self.detail.version, assignee=self.me()))

    def link_customer(self) -> None:
        if self.detail is None:
            return
        account = self.link_field.text().strip().upper() or self.link_suggest.currentData()
        if not account:
            self.message.setText(self.tr("Enter a customer number, or pick a suggestion."))
            return
        version = self.detail.version
        self.send(lambda: c.LinkMailCase(type="link_mail_case", case=self.case_id,
                                         version=version, account=account))
        self.link_field.clear()

    def add_note(self) -> None:
        text = self.note.toPlainText().strip()
        if not text:
            return
        self.send(lambda: c.NoteMailCase(type="note_mail_case", case=self.case_id,
                                         text=text))
        self.note.clear()

    def _link(self, target: str) -> None:
        if target.startswith("customer:"):
            self.open_customer.emit(target.split(":", 1)[1])

    def record_objection(self) -> None:
        d = self.detail
        if d is None or d.account is None:
            return
        account = d.account.id

        def show(notices: list[NoticeChoice]) -> None:
            if self.detail is None:
                return
            dialog = RecordObjectionDialog(self.desk.fmt(), self.case_id, notices,
                                           self.detail.mails, self)
            if dialog.exec() and dialog.body is not None:
                self.send(dialog.body)

        self.desk.tasks.query(self.desk.local(), lambda s: notices_of(s, account), show,
                              key=(self, "dialog"))

    def transfer(self) -> None:
        """T5: points to a colleague, with evidence from the case's attachments or disk
        (the dialog queues the request itself)."""
        from xrewards_desk.ui.transfers.request import TransferDialog

        d = self.detail
        if d is None or d.account is None:
            return
        files = [(a.label, a.sha256) for mail in d.mails for a in mail.attachments
                 if a.sha256 and not a.refused]
        dialog = TransferDialog(self.desk, d.account.id, self.case_id, files, self)
        dialog.queued.connect(lambda _id: self.sent())
        dialog.exec()

    def report_suspicion(self) -> None:
        """R27: agents report a suspicion; compliance decides on it (T6)."""
        from xrewards_desk.ui.cases.objections import ReasonDialog

        d = self.detail
        if d is None or d.account is None:
            return
        dialog = ReasonDialog(self.tr("Report suspected abuse"),
                              self.tr("What makes you suspect a self-referral"), True, self)
        if dialog.exec():
            account, text = d.account.id, dialog.text()
            self.send(lambda: c.ReportSuspicion(type="report_suspicion", account=account,
                                                case=self.case_id, text=text))

    def _with_balance(self, then: Any) -> None:
        """`then(detail, its customer, balance)` once the customer's balance is read."""
        d = self.detail
        if d is None or d.account is None:
            return
        account, now = d.account.id, self.desk.now()

        def work(s: Session) -> int | None:
            page = customer_page(s, account, now)
            return page.balance if page is not None else None

        def show(balance: int | None) -> None:
            d = self.detail
            if d is not None and d.account is not None:
                then(d, d.account, balance or 0)

        self.desk.tasks.query(self.desk.local(), work, show, key=(self, "dialog"))

    def _ask(self, dialog: Any) -> None:
        """A dialog that builds a command: sent if it was accepted with one."""
        if dialog.exec() and dialog.body is not None:
            self.send(dialog.body)

    def terms_objection(self) -> None:
        def show(d: CaseDetail, account: Any, balance: int) -> None:
            mail = d.first_mail
            self._ask(TermsObjectionDialog(
                self.desk.fmt(), self.case_id, account.id, account.name, balance,
                mail.received_at if mail else self.desk.now(), self))

        self._with_balance(show)

    def receipt_unknown_text(self) -> str:
        """The sentence that stops objection work while a mail's receipt is unknown."""
        if self.detail is None or self.detail.receipt_unknown is None:
            return ""
        return self.tr("When a mail of this case was received is unknown (it holds no "
                       "readable Received: or Date: header). Set its receipt time before an "
                       "objection in this case is recorded or decided: R25 counts from it.")

    def set_receipt(self) -> None:
        d = self.detail
        if d is not None:
            self._ask(SetReceiptDialog(self.desk.fmt(), self.case_id, d.mails,
                                       self.desk.now(), d.opened_at, self))

    def close_account(self) -> None:
        def show(_d: CaseDetail, account: Any, balance: int) -> None:
            self._ask(CloseAccountDialog(self.desk.fmt(), self.case_id, account.id,
                                         account.name, account.version, balance, self))

        self._with_balance(show)
