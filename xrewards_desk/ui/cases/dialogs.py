"""The dialogs of the case work: recording an objection to a notice (R25) with its deadline
and an in-time or late badge, deciding it (uphold, reject, answer as late, goodwill: R25,
R26), an objection to changed terms (R28) and closing an account on request (R23), each
showing the forfeited balance before it is recorded, and a manual case for an objection
by phone or letter, its receipt time typed in.

Every dialog only builds a command (the contract's model); the caller queues it
(:mod:`.commands`). The
figures come from the domain, so the dialog says what the server will decide."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from html import escape as html_escape
from typing import Any

from pydantic import ValidationError

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.calendar import (
    BERLIN,
    berlin_date,
    notice_effective_date,
    notice_redeem_until,
    notice_takes_effect,
    objection_deadline,
    objection_in_time,
)
from xrewards_desk.store.read.cases import MailInfo, NoticeChoice, ObjectionInfo
from xrewards_desk.store.read.objections import NoticeFacts
from xrewards_desk.ui.cases.advice import advice_label, advise, late_reason
from xrewards_desk.ui.qt import (
    QCheckBox,
    QComboBox,
    QCoreApplication,
    QDate,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    Qt,
    QTime,
    QWidget,
)
from xrewards_desk.ui.shell.commands import words
from xrewards_desk.ui.widgets import forms
from xrewards_desk.ui.widgets.i18n import Fmt, four_digit_years
from xrewards_desk.ui.widgets.models import ALERT, Column, RowsModel, table_view

GOOD = "#15803d"


def badge(widget: QWidget, fmt: Fmt, sent_at: datetime, received_at: datetime) -> tuple[
        bool, str]:
    """R25 in words: in time or late, with the receipt time and the deadline."""
    deadline = objection_deadline(sent_at)
    received = fmt.when(received_at)
    if objection_in_time(sent_at, received_at):
        text = QCoreApplication.translate(
            "CaseText", "In time: received %1, the deadline is %2 (R25)")
        return True, text.replace("%1", received).replace("%2", fmt.date(deadline))
    text = QCoreApplication.translate("CaseText",
                                      "Late: received %1, the deadline was %2 (R25)")
    return False, text.replace("%1", received).replace("%2", fmt.date(deadline))


def badge_html(ok: bool, text: str) -> str:
    color = GOOD if ok else ALERT.name()
    return f'<span style="color:{color}; font-weight:600">{text}</span>'


def notice_kind(widget: QWidget, kind: str | None) -> str:
    words = {"credit": QCoreApplication.translate("CaseText", "credit"),
             "expiry": QCoreApplication.translate("CaseText", "expiry"),
             "reversal": QCoreApplication.translate("CaseText", "reversal"),
             "void": QCoreApplication.translate("CaseText", "void"),
             "transfer": QCoreApplication.translate("CaseText", "transfer"),
             "forfeit": QCoreApplication.translate("CaseText", "forfeit")}
    return words.get(kind or "", kind or "")


def berlin_edit(at: datetime | None) -> QDateTimeEdit:
    """A date-time field read and written as Berlin wall time, in the UI's language with
    a four-digit year (06.12.2026 09:30; 06/12/2026 09:30 in English)."""
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    four_digit_years(edit, with_time=True)
    if at is not None:
        local = at.astimezone(BERLIN)
        edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                   QTime(local.hour, local.minute, local.second)))
    return edit


def berlin_value(edit: QDateTimeEdit) -> datetime:
    value = edit.dateTime()
    d, t = value.date(), value.time()
    return datetime.combine(date(d.year(), d.month(), d.day()),
                            time(t.hour(), t.minute(), t.second()), BERLIN)


_buttons = forms.ok_cancel


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b91c1c;")
    label.setWordWrap(True)
    label.setObjectName("error")
    return label


class _CommandDialog(QDialog):
    """A dialog that builds one command; OK builds it (the contract checks every value)
    and says why not where it cannot."""

    def __init__(self, parent: QWidget | None, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.body: c.Command | None = None
        self.error = _error_label()
        self.buttons = _buttons(self)

    def build(self) -> c.Command | str:  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def accept(self) -> None:
        try:
            built = self.build()
        except ValidationError as exc:
            built = words(exc)
        if isinstance(built, str):
            self.error.setText(built)
            return
        self.body = built
        super().accept()


# --------------------------------------------------------------------------- R25


class RecordObjectionDialog(_CommandDialog):
    """Pick the notice the customer objects to; the receipt time is the mail's own."""

    def __init__(self, fmt: Fmt, case_id: int, notices: Sequence[NoticeChoice],
                 mails: Sequence[MailInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent, "record_objection")
        self.setWindowTitle(self.tr("Objection to a notice"))
        self.fmt = fmt
        self.case_id = case_id
        # a mail of unknown receipt dates nothing (R25); its case refuses before this
        self.mails = [x for x in mails if not x.outgoing and x.received_at is not None]
        self.mail = QComboBox()
        for mail in self.mails:
            self.mail.addItem(self.mail_label(mail), mail.id)
        self.mail.currentIndexChanged.connect(lambda _i: self.update_badge())
        self.notices: RowsModel[NoticeChoice] = RowsModel([
            Column(lambda: self.tr("Sent"), lambda n: fmt.when(n.sent_at)),
            Column(lambda: self.tr("Notice"), lambda n: notice_kind(self, n.kind)),
            Column(lambda: self.tr("Points"), lambda n: fmt.signed(n.points), right=True),
            Column(lambda: self.tr("Balance stated"), lambda n: fmt.points(n.balance),
                   right=True),
            Column(lambda: self.tr("Deadline"), lambda n: fmt.date(n.deadline)),
            Column(lambda: self.tr("For this mail"), lambda n: self.tr("in time")
                   if self.timely(n) else self.tr("late"),
                   foreground=lambda n: None if self.timely(n) else ALERT),
        ], self)
        self.notices.set_rows(notices)
        self.table = table_view(self.notices, "notices")
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_badge())
        self.table.setMinimumSize(640, 240)
        self.badge = forms.label("badge")
        self.badge.setTextFormat(Qt.TextFormat.RichText)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Received with"), self.mail)
        forms.column(self, form, QLabel(self.tr("The notice the customer objects to:")),
                           (self.table, 1), self.figures, self.badge, self.error, self.buttons)
        if notices:
            self.table.selectRow(0)
        self.update_badge()

    def mail_label(self, mail: MailInfo) -> str:
        where = {"received": self.tr("our mailbox's Received: header"),
                 "date": self.tr("the sender's Date: header (no Received: header)"),
                 "typed": self.tr("typed in by hand (the mail held no readable date)")}.get(
            mail.received_from, mail.received_from)
        if mail.channel != "email":
            where = self.tr("typed in by hand (%1)").replace("%1", mail.channel)
        sender = mail.sender or self.tr("sender unknown")
        return f"{self.fmt.when(mail.received_at)} · {sender} · {where}"

    def timely(self, notice: NoticeChoice) -> bool:
        received = self.received()
        return received is not None and notice.in_time(received)

    def received(self) -> datetime | None:
        i = self.mail.currentIndex()
        return self.mails[i].received_at if 0 <= i < len(self.mails) else None

    def notice(self) -> NoticeChoice | None:
        return self.notices.row(self.table.currentIndex())

    def update_badge(self) -> None:
        self.notices.layoutChanged.emit()
        notice, received = self.notice(), self.received()
        if notice is None or received is None:
            self.badge.setText(self.tr("Pick a notice."))
            self.figures.setText("")
            return
        ok, text = badge(self, self.fmt, notice.sent_at, received)
        self.badge.setText(badge_html(ok, text))
        lots = "; ".join(
            self.tr("%1: %2 points usable until %3").replace("%1", lot).replace(
                "%2", self.fmt.points(left)).replace("%3", self.fmt.date(until))
            for lot, left, until in notice.lots)
        self.figures.setText(self.tr("It stated %1 points and a balance of %2.").replace(
            "%1", self.fmt.signed(notice.points)).replace(
            "%2", self.fmt.points(notice.balance)) + (" " + lots if lots else ""))

    def build(self) -> c.Command | str:
        notice, received = self.notice(), self.received()
        if notice is None:
            return self.tr("Pick the notice the customer objects to.")
        if received is None:
            return self.tr("The case has no received mail to date the objection.")
        if received < notice.sent_at:
            return self.tr("The mail arrived before the notice was sent; pick another "
                           "notice.")
        return c.RecordObjection(type="record_objection", notice=notice.id,
                                 received_at=received, case=self.case_id)


UPHOLD, REJECT, LATE, GOODWILL = "uphold", "reject", "late", "goodwill"


class DecideObjectionDialog(_CommandDialog):
    """Uphold (an adjustment citing the objection), reject, answer as late, or goodwill."""

    def __init__(self, fmt: Fmt, objection: ObjectionInfo, decision: str,
                 parent: QWidget | None = None, *, now: Callable[[], datetime],
                 facts: NoticeFacts | None = None) -> None:
        super().__init__(parent, "decide_objection")
        self.fmt = fmt
        self.objection = objection
        self.decision = decision
        self.now = now
        titles = {UPHOLD: self.tr("Uphold the objection"),
                  REJECT: self.tr("Reject the objection"),
                  LATE: self.tr("Answer the objection as late"),
                  GOODWILL: self.tr("Goodwill on a late objection")}
        self.setWindowTitle(titles[decision])
        form = QFormLayout()
        self.about = QLabel()
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setWordWrap(True)
        if objection.notice_sent_at is not None:
            ok, text = badge(self, fmt, objection.notice_sent_at, objection.received_at)
            stated = self.tr("Notice %1 of %2 (%3): %4 points, balance %5").replace(
                "%1", objection.notice_id or "").replace(
                "%2", fmt.when(objection.notice_sent_at)).replace(
                "%3", notice_kind(self, objection.notice_kind)).replace(
                "%4", fmt.signed(objection.notice_points or 0)).replace(
                "%5", fmt.points(objection.notice_balance or 0))
            self.about.setText(f"{stated}<br>{badge_html(ok, text)}")
        form.addRow(self.about)
        # R25: what the notice reported, and the decision and reason the rules support
        self.advice = advise(fmt, facts)
        form.addRow(advice_label(self.advice, decision))
        self.points = QSpinBox()
        self.points.setObjectName("points")
        self.points.setRange(-10_000_000, 10_000_000)
        self.points.setGroupSeparatorShown(True)
        if objection.notice_points:
            self.points.setValue(abs(objection.notice_points))
        self.points.valueChanged.connect(lambda _v: self.update_hint())
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(90)
        if self.advice.reason and self.advice.suggested == decision:
            self.reason.setPlainText(self.advice.reason)
        elif decision == LATE and not objection.in_time and objection.deadline is not None:
            self.reason.setPlainText(late_reason(fmt, objection.deadline))
        self.hint = forms.label("hint")
        # goodwill larger than what the objection concerns is confirmed, naming both
        self.more_than_notice = QCheckBox()
        self.more_than_notice.setObjectName("more_than_notice")
        self.more_than_notice.setVisible(False)
        if decision in (UPHOLD, GOODWILL):
            form.addRow(self.tr("Points to credit (negative: to take)"), self.points)
        if decision == GOODWILL:
            form.addRow(self.more_than_notice)
        form.addRow(self.tr("Reason") if decision != LATE else self.tr("Note (optional)"),
                    self.reason)
        forms.column(self, form, self.hint, self.error, self.buttons)
        self.update_hint()
        self.setMinimumWidth(560)

    def exceeds_notice(self) -> int | None:
        """The points of the notice objected to, where the credit asked for is larger."""
        concerned = self.objection.notice_points
        points = self.points.value()
        if self.decision != GOODWILL or concerned is None or points <= 0:
            return None
        return abs(concerned) if points > abs(concerned) else None

    def update_hint(self) -> None:
        points = self.points.value()
        concerned = self.exceeds_notice()
        self.more_than_notice.setVisible(concerned is not None)
        if concerned is not None:
            self.more_than_notice.setText(self.tr(
                "Credit %1 points although the notice objected to concerned %2 points "
                "(%3)").replace("%1", self.fmt.points(points)).replace(
                "%2", self.fmt.points(concerned)).replace(
                "%3", notice_kind(self, self.objection.notice_kind)))
        else:
            self.more_than_notice.setChecked(False)
        need = self.objection.approval(points, self.now(), self.decision == GOODWILL)
        if self.decision == GOODWILL:
            self.hint.setText(self.tr(
                "Goodwill always waits for the approval of a team lead other than you "
                "(R26)."))
        elif self.decision == UPHOLD and (need.needs_approval or need.counted):
            # R26's figures: the earlier unapproved adjustments, the sum with this one, the limit
            text = self.tr(
                "The adjustment waits for a team lead's approval (R26): adjustments made "
                "without approval in the last 720 hours: %n, together %1 points; with this "
                "one %2 points, more than %3. The objection stays open until then.", "",
                len(need.counted)) if need.needs_approval else self.tr(
                "The adjustment is written at once and cites the objection in the ledger "
                "(R25). Adjustments made without approval in the last 720 hours: %n, "
                "together %1 points; with this one %2 points, not more than %3 (R26).", "",
                len(need.counted))
            self.hint.setText(text.replace("%1", self.fmt.points(need.earlier)).replace(
                "%2", self.fmt.points(need.total)).replace("%3", self.fmt.points(need.limit)))
        elif self.decision == UPHOLD:
            self.hint.setText(self.tr("The adjustment is written at once and cites the "
                                      "objection in the ledger (R25)."))
        elif self.decision == LATE:
            self.hint.setText(self.tr("The notice counts as approved (R25)."))
        else:
            self.hint.setText("")

    def build(self) -> c.Command | str:
        o = self.objection
        reason = self.reason.toPlainText().strip()
        if self.decision in (UPHOLD, GOODWILL):
            if self.points.value() == 0:
                return self.tr("Enter the points to credit (not 0).")
            if not reason:
                return self.tr("Give a reason.")
            if self.exceeds_notice() is not None and not self.more_than_notice.isChecked():
                return self.tr("The goodwill is larger than what the notice concerned: "
                               "confirm it, or lower the points.")
            if self.decision == UPHOLD:
                return c.UpholdObjection(type="uphold_objection", objection=o.id,
                                         version=o.version, points=self.points.value(),
                                         reason=reason)
            return c.GrantGoodwill(type="grant_goodwill", objection=o.id, version=o.version,
                                   points=self.points.value(), reason=reason)
        if self.decision == REJECT:
            if not reason:
                return self.tr("Give a reason.")
            return c.RejectObjection(type="reject_objection", objection=o.id,
                                     version=o.version, reason=reason)
        return c.AnswerObjectionLate(type="answer_objection_late", objection=o.id,
                                     version=o.version, reason=reason)


# --------------------------------------------------------------------------- R28, R23


class TermsObjectionDialog(_CommandDialog):
    """R28: a Widerspruch to changed terms; in time it ends participation and forfeits
    the balance, which the dialog states before anything is recorded."""

    def __init__(self, fmt: Fmt, case_id: int | None, account_id: str, name: str,
                 balance: int, received_at: datetime | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, "terms_objection")
        self.setWindowTitle(self.tr("Objection to changed terms"))
        self.fmt = fmt
        self.case_id = case_id
        self.account_id = account_id
        self.balance = balance
        self.change_sent = berlin_edit(None)
        self.change_sent.setObjectName("change_sent")
        self.change_sent.dateTimeChanged.connect(lambda _d: self.update_badge())
        self.received = berlin_edit(received_at)
        self.received.setObjectName("received")
        self.received.dateTimeChanged.connect(lambda _d: self.update_badge())
        self.consequence = forms.label("consequence")
        self.consequence.setTextFormat(Qt.TextFormat.RichText)
        self.consequence.setText(
            "<b>" + self.tr("Recording this ends %1's participation (T7.1, R28): the "
                            "account is closed and its balance of %2 points is forfeited "
                            "at once (R23).").replace("%1", name).replace(
                "%2", fmt.points(balance)) + "</b>")
        self.badge = QLabel()
        self.badge.setTextFormat(Qt.TextFormat.RichText)
        self.badge.setWordWrap(True)
        self.confirm = QCheckBox(self.tr("I have shown the customer this consequence"))
        self.confirm.setObjectName("confirm")
        form = QFormLayout()
        form.addRow(self.tr("Customer"), QLabel(f"{name} ({account_id})"))
        form.addRow(self.tr("Change notice sent (Berlin)"), self.change_sent)
        form.addRow(self.tr("Objection received (Berlin)"), self.received)
        forms.column(self, form, self.badge, self.consequence, self.confirm, self.error,
                           self.buttons)
        self.setMinimumWidth(560)
        self.update_badge()

    def update_badge(self) -> None:
        sent, received = berlin_value(self.change_sent), berlin_value(self.received)
        if received < sent:
            self.badge.setText(badge_html(False, self.tr(
                "The objection cannot be received before the change notice was sent.")))
            return
        ok, _text = badge(self, self.fmt, sent, received)
        deadline = self.fmt.date(objection_deadline(sent))
        text = (self.tr("In time (deadline %1): participation ends.") if ok else self.tr(
            "Late (the deadline was %1): the changed terms apply; nothing ends."))
        self.badge.setText(badge_html(ok, text.replace("%1", deadline)))

    def build(self) -> c.Command | str:
        sent, received = berlin_value(self.change_sent), berlin_value(self.received)
        if received < sent:
            return self.tr("The objection cannot be received before the change notice was "
                           "sent.")
        if not self.confirm.isChecked():
            return self.tr("Confirm that you have shown the customer the consequence.")
        return c.ObjectToTerms(type="object_to_terms", account=self.account_id,
                               change_sent=sent, received_at=received, case=self.case_id)


class CloseAccountDialog(_CommandDialog):
    """R23 (T1.7, T8.2): closing on the customer's request forfeits the balance at once."""

    def __init__(self, fmt: Fmt, case_id: int | None, account_id: str, name: str,
                 version: int, balance: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, "close_account")
        self.setWindowTitle(self.tr("Close the account (opt-out)"))
        self.case_id = case_id
        self.account_id = account_id
        self.version = version
        warning = QLabel("<b>" + self.tr(
            "Closing %1's account on their request forfeits its balance of %2 points at "
            "once (R23); it cannot be undone.").replace("%1", name).replace(
            "%2", fmt.points(balance)) + "</b>")
        warning.setObjectName("consequence")
        warning.setWordWrap(True)
        warning.setTextFormat(Qt.TextFormat.RichText)
        self.reason = QLineEdit(self.tr("Opt-out at the customer's request"))
        self.reason.setObjectName("reason")
        self.confirm = QCheckBox(self.tr("I have shown the customer the forfeited balance"))
        self.confirm.setObjectName("confirm")
        form = QFormLayout()
        form.addRow(self.tr("Customer"), QLabel(f"{name} ({account_id})"))
        form.addRow(self.tr("Reason"), self.reason)
        forms.column(self, form, warning, self.confirm, self.error, self.buttons)
        self.setMinimumWidth(520)

    def build(self) -> c.Command | str:
        if not self.confirm.isChecked():
            return self.tr("Confirm that you have shown the customer the forfeited balance.")
        reason = self.reason.text().strip()
        if not reason:
            return self.tr("Give a reason.")
        return c.CloseAccount(type="close_account", account=self.account_id,
                              version=self.version, reason=reason, case=self.case_id)


# --------------------------------------------------------------------------- manual case


class SetReceiptDialog(_CommandDialog):
    """The receipt time of a mail that holds no readable date, typed in from the
    mailbox's own records and marked as typed in (R25 counts from it)."""

    def __init__(self, fmt: Fmt, case_id: int, mails: Sequence[MailInfo], now: datetime,
                 opened_at: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent, "set_receipt")
        self.setWindowTitle(self.tr("Set the receipt time"))
        self.case_id = case_id
        self.now = now
        self.mails = [x for x in mails if not x.outgoing and x.channel == "email"
                      and x.received_from in ("unknown", "typed")]
        self.mail = QComboBox()
        self.mail.setObjectName("mail")
        for mail in self.mails:
            sender = mail.sender or self.tr("sender unknown")
            self.mail.addItem(f"{sender} · {mail.subject}", mail.id)
        # not later than the case was opened: the mail was in the mailbox by then
        first = self.mails[0] if self.mails else None
        self.received = berlin_edit(first.received_at if first and first.received_at
                                    else min(now, opened_at))
        self.received.setObjectName("received")
        explain = QLabel(self.tr(
            "The mail holds no readable Received: or Date: header. Type in when it reached "
            "our mailbox, from the mailbox's own records (its log, the mail program's list), "
            "in Berlin time. The case shows it as typed in by hand; the deadline of an "
            "objection in it counts from it (R25)."))
        explain.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Mail"), self.mail)
        form.addRow(self.tr("Received (Berlin)"), self.received)
        forms.column(self, explain, form, self.error, self.buttons)
        self.setMinimumWidth(560)

    def build(self) -> c.Command | str:
        message = self.mail.currentData()
        if message is None:
            return self.tr("No mail of this case lacks its receipt time.")
        received = berlin_value(self.received)
        if received > self.now:
            return self.tr("A mail cannot have been received in the future.")
        return c.SetMailReceipt(type="set_mail_receipt", case=self.case_id, message=message,
                                received_at=received)


class ManualCaseDialog(_CommandDialog):
    """A case for an objection by phone or letter: its receipt time typed in and marked
    as such (the message's channel)."""

    def __init__(self, now: datetime, lookup: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, "manual_case")
        self.setWindowTitle(self.tr("New case by phone or letter"))
        #: `lookup(text, done)`: finds (account id, e-mail) or None on the local store, off
        #: the GUI thread, and calls `done` with it
        self.lookup = lookup
        self.found: tuple[str, str] | None = None
        self.looked_up = ""
        self.channel = QComboBox()
        self.channel.addItem(self.tr("Phone call"), "phone")
        self.channel.addItem(self.tr("Letter"), "letter")
        self.customer = QLineEdit()
        self.customer.setObjectName("customer")
        self.customer.setPlaceholderText(self.tr("customer number or e-mail"))
        self.customer.editingFinished.connect(self.find_customer)
        self.customer_found = forms.label("customer_found", wrap=False)
        self.subject = QLineEdit()
        self.subject.setObjectName("subject")
        self.received = berlin_edit(now)
        self.received.setObjectName("received")
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setTabChangesFocus(True)
        marked = QLabel(self.tr("The receipt time is typed in by you and shown as such; "
                                "for a letter, the day it reached us (R25)."))
        marked.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Customer"), self.customer)
        form.addRow("", self.customer_found)
        form.addRow(self.tr("Subject"), self.subject)
        form.addRow(self.tr("Received (Berlin)"), self.received)
        form.addRow(self.tr("What the customer said"), self.summary)
        forms.column(self, form, marked, self.error, self.buttons)
        self.setMinimumWidth(560)

    def find_customer(self, then: Any = None) -> None:
        text = self.customer.text().strip()

        def done(found: tuple[str, str] | None) -> None:
            if text != self.customer.text().strip():
                return  # typed on meanwhile
            self.found, self.looked_up = found, text
            self.customer_found.setText(
                f"{found[0]} <{found[1]}>" if found else self.tr(
                    "No customer with that number or e-mail in the local store."))
            if then is not None:
                then()

        self.lookup(text, done)

    def accept(self) -> None:
        if self.looked_up != self.customer.text().strip():
            self.find_customer(then=self.accept)  # checked first, off the GUI thread
            return
        super().accept()

    def build(self) -> c.Command | str:
        found = self.found
        if found is None:
            return self.tr("No customer with that number or e-mail in the local store.")
        account, email = found
        subject = self.subject.text().strip()
        summary = self.summary.toPlainText().strip()
        if not subject or not summary:
            return self.tr("Enter a subject and what the customer said.")
        return c.CreateMailCase(type="create_mail_case", account=account, mail=c.MailIn(
            message_id=f"<manual-{uuid.uuid4()}@xrewards-desk.invalid>",
            received_at=berlin_value(self.received), received_from="received",
            channel=self.channel.currentData(), sender=email, subject=subject,
            body=summary))


class TerminateDialog(_CommandDialog):
    """R23: the provider's termination with notice (team leads: four weeks to a month's
    end, T8.3; the account stays active until the end of the effective date, then points
    can be redeemed through the effective date plus three months, T8.4) or for cause
    (compliance: the balance is forfeited at once); the consequence and the dates are
    stated before anything is recorded, computed by the domain's calendar. Where a notice
    already runs, the dialog says so and records nothing (a second one is invalid_state)."""

    def __init__(self, fmt: Fmt, account_id: str, name: str, version: int, balance: int,
                 for_cause: bool, now: datetime, parent: QWidget | None = None, *,
                 notice_at: datetime | None = None) -> None:
        super().__init__(parent, "terminate_account")
        self.account_id = account_id
        self.version = version
        self.for_cause = for_cause
        #: R23: a notice given before that has not taken effect by `now`
        self.running = not for_cause and notice_at is not None \
            and now < notice_takes_effect(notice_at)
        given = notice_at if self.running and notice_at is not None else now
        #: R23: the notice's effective date and the last day to redeem after it
        self.effective = notice_effective_date(given)
        self.redeem_until = notice_redeem_until(given)
        self.setWindowTitle(self.tr("Terminate for cause") if for_cause
                            else self.tr("Terminate with notice"))
        who = f"{name} ({account_id})"
        dates = QFormLayout()
        if for_cause:
            text = self.tr("Terminating %1 for cause forfeits the balance of %2 points at "
                           "once (T8.3, R23).").replace("%1", who).replace(
                "%2", fmt.points(balance))
        elif self.running:
            text = self.tr("A notice was already given to %1 on %2: the account stays "
                           "active until the end of %3 and may redeem until %4 (T8.3, "
                           "T8.4, R23). Another notice cannot be given while this one "
                           "runs (the server would refuse it: invalid_state).").replace(
                "%1", who).replace("%2", fmt.when(given)).replace(
                "%3", fmt.date(self.effective)).replace("%4", fmt.date(self.redeem_until))
        else:
            text = self.tr("Giving %1 notice now (four weeks to a month's end, T8.3): "
                           "until the end of %2 the account stays active and earns, "
                           "transfers and refers as before. From %3 it is terminated: "
                           "nothing more is earned, and the points left (%4 today) can be "
                           "redeemed through %5, then they expire (T8.4, R23).").replace(
                "%1", who).replace("%2", fmt.date(self.effective)).replace(
                "%3", fmt.date(berlin_date(notice_takes_effect(given)))).replace(
                "%4", fmt.points(balance)).replace("%5", fmt.date(self.redeem_until))
        if not for_cause:
            for key, label, day in (
                    ("effective", self.tr("Effective date"), self.effective),
                    ("redeem_until", self.tr("Last day to redeem"), self.redeem_until)):
                field = QLabel(f"<b>{html_escape(fmt.date(day))}</b>")
                field.setObjectName(key)
                dates.addRow(label, field)
        warning = QLabel("<b>" + html_escape(text) + "</b>")
        warning.setObjectName("consequence")
        warning.setWordWrap(True)
        warning.setTextFormat(Qt.TextFormat.RichText)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.confirm = QCheckBox(self.tr("I have checked the consequence"))
        self.confirm.setObjectName("confirm")
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        layout = forms.column(self, warning, dates)
        if self.running:
            # nothing to record: only a way out
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        else:
            layout.addLayout(form)
            layout.addWidget(self.confirm)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def build(self) -> c.Command | str:
        if self.running:
            return self.tr("A notice already runs; another one cannot be given (R23).")
        reason = self.reason.text().strip()
        if not reason:
            return self.tr("Give a reason.")
        if not self.confirm.isChecked():
            return self.tr("Confirm that you have checked the consequence.")
        if self.for_cause:
            return c.TerminateForCause(type="terminate_for_cause", account=self.account_id,
                                       version=self.version, reason=reason)
        return c.TerminateAccount(type="terminate_account", account=self.account_id,
                                  version=self.version, reason=reason)
