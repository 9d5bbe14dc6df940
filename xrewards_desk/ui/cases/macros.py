"""A macro applied to a case (issue 19 item 5): the reply, the decision and the status in
one step, after a preview of all three; nothing happens before OK. The macros, who may
apply each (R27) and when each applies are :mod:`xrewards_desk.mail.macros`'; this dialog
shows the plan (the reply filled with the case's real figures in the customer's
language, the decision as a sentence with its figures and rule, the status change) and
on OK queues the decision first, then the status, then the reply, each through the
desk's outbox: "Send" through the mail gateway (``queue_reply``, threaded as the reply
dialog does) or, without a gateway, copied for the agent to send and recorded as sent
(``record_reply_sent``). What the server refuses shows in the case's timeline, as every
refusal does."""

from __future__ import annotations

import email.utils
import html

from pydantic import ValidationError

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.mail.macros import (
    BY_NAME,
    MACROS,
    CaseFacts,
    Macro,
    Plan,
    candidates,
    needs_reason,
    plan,
    why_not_allowed,
    why_not_here,
)
from xrewards_desk.mail.replies import (
    InconsistentFigures,
    MissingFigure,
    draft,
    render,
    reply_subject,
)
from xrewards_desk.store.read.cases import CaseDetail, ObjectionInfo
from xrewards_desk.store.read.orders import OrderInfo
from xrewards_desk.store.read.transfers import TransferInfo
from xrewards_desk.ui.cases.advice import REJECT, UPHOLD, advise, late_reason
from xrewards_desk.ui.cases.inbox import status_text
from xrewards_desk.ui.cases.reply import (
    MAILBOX,
    mailbox_domain,
    reply_language,
    thread_headers,
)
from xrewards_desk.ui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.commands import words
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.models import ALERT

Chosen = OrderInfo | ObjectionInfo | TransferInfo

#: how the reply goes: through the mail gateway, or sent by the agent and recorded
GATEWAY, BY_HAND = "queue_reply", "record_reply_sent"


class MacroDialog(QDialog):
    """Pick a macro and what it concerns; the preview shows the reply, the decision and
    the status; OK queues them (decision first). `queued` holds the outbox's answers to
    what was sent (None: queued)."""

    def __init__(self, desk: Desk, detail: CaseDetail, facts: CaseFacts,
                 parent: QWidget | None = None, macro: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("macro_dialog")
        self.setWindowTitle(self.tr("Apply a macro"))
        self.desk, self.detail, self.facts = desk, detail, facts
        self.plan: Plan | None = None
        self.queued: list[str | None] = []
        person = access.person(desk)
        self.agent = desk.settings.get(st.AGENT_SIGNATURE) or (
            person.display_name if person is not None else "")
        code = access.language(desk)

        self.macro = QComboBox()
        self.macro.setObjectName("macro")
        for x in MACROS:
            self.macro.addItem(x.label(code), x.name)
        self.concerning = QComboBox()
        self.concerning.setObjectName("macro_concerning")
        self.language = reply_language(detail, "macro_language")
        self.channel = QComboBox()
        self.channel.setObjectName("macro_channel")
        self.channel.addItem(self.tr("Send through the mail gateway"), GATEWAY)
        self.channel.addItem(self.tr("I send it myself: copy it and record it as sent"),
                             BY_HAND)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("macro_reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(64)
        self.subject = QLineEdit()
        self.subject.setObjectName("macro_subject")
        self.subject.setReadOnly(True)
        self.body = QPlainTextEdit()
        self.body.setObjectName("macro_body")
        self.body.setReadOnly(True)
        self.body.setMinimumSize(640, 230)
        self.decision = forms.label("macro_decision")
        self.decision.setTextFormat(Qt.TextFormat.RichText)
        self.status = forms.label("macro_status")
        self.problem = forms.label("macro_problem", color=ALERT)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        form = QFormLayout()
        form.addRow(self.tr("Macro"), self.macro)
        form.addRow(self.tr("Concerning"), self.concerning)
        self.reason_label = QLabel(self.tr("Reason"))
        form.addRow(self.reason_label, self.reason)
        form.addRow(self.tr("Reply in"), self.language)
        form.addRow(self.tr("Reply goes"), self.channel)
        reply_box = QGroupBox(self.tr("1. The reply to the customer"))
        reply_layout = QVBoxLayout(reply_box)
        reply_layout.addWidget(self.subject)
        reply_layout.addWidget(self.body, 1)
        decision_box = QGroupBox(self.tr("2. The decision"))
        QVBoxLayout(decision_box).addWidget(self.decision)
        status_box = QGroupBox(self.tr("3. The case's status"))
        QVBoxLayout(status_box).addWidget(self.status)
        forms.column(self, form, (reply_box, 1), decision_box, status_box, self.problem,
                     self.buttons)
        self.setMinimumWidth(720)

        self.macro.currentIndexChanged.connect(lambda _i: self.choose())
        self.concerning.currentIndexChanged.connect(lambda _i: self.prefill())
        self.language.currentIndexChanged.connect(lambda _i: self.preview())
        self.reason.textChanged.connect(self.preview)
        first = macro if macro in BY_NAME else next(
            (x.name for x in MACROS if not self.why_not(x)), MACROS[0].name)
        self.macro.setCurrentIndex(max(0, self.macro.findData(first)))
        self.choose()

    # ------------------------------------------------------------------ choosing
    def current(self) -> Macro:
        return BY_NAME[str(self.macro.currentData())]

    def why_not(self, macro: Macro) -> str:
        """Why `macro` cannot be applied here: R27 first, then the case's facts."""
        code = access.language(self.desk)
        role = access.role_of(self.desk)
        return why_not_allowed(macro, role.value if role is not None else None, code) or \
            why_not_here(macro, self.detail, self.facts, code)

    def chosen(self) -> Chosen | None:
        items = candidates(self.current(), self.detail, self.facts)
        i = self.concerning.currentIndex()
        return items[i] if 0 <= i < len(items) else None

    def choose(self) -> None:
        """Fill what the macro picked can concern, the likeliest first."""
        macro = self.current()
        self.concerning.blockSignals(True)
        self.concerning.clear()
        for item in candidates(macro, self.detail, self.facts):
            self.concerning.addItem(self.item_label(item))
        self.concerning.blockSignals(False)
        self.concerning.setEnabled(self.concerning.count() > 1)
        shown = macro.decision is not None
        self.reason.setVisible(shown)
        self.reason_label.setVisible(shown)
        self.reason_label.setText(self.tr("Note (optional)") if shown and not
                                  needs_reason(macro) else self.tr("Reason"))
        self.prefill()

    def item_label(self, item: Chosen) -> str:
        f = self.desk.fmt()
        if isinstance(item, OrderInfo):
            return self.tr("Order %1 of %2").replace("%1", item.id).replace(
                "%2", f.date(berlin_date(item.placed_at)))
        if isinstance(item, ObjectionInfo):
            return self.tr("Objection %1 to notice %2, received %3").replace(
                "%1", str(item.id)).replace("%2", item.notice_id or "").replace(
                "%3", f.when(item.received_at))
        return self.tr("Transfer request %1: %2 points").replace(
            "%1", str(item.id)).replace("%2", f.points(item.points))

    def prefill(self) -> None:
        """The reason the rules support (R25's advice for an uphold, the late note),
        else empty for the person to write."""
        item, macro, f = self.chosen(), self.current(), self.desk.fmt()
        text = ""
        if isinstance(item, ObjectionInfo):
            advice = advise(f, self.facts.notices.get(item.id))
            if macro.decision == "uphold_objection" and advice.suggested == UPHOLD:
                text = advice.reason
            elif macro.decision == "answer_objection_late" and item.deadline is not None:
                text = late_reason(f, item.deadline)
        self.reason.blockSignals(True)
        self.reason.setPlainText(text)
        self.reason.blockSignals(False)
        self.preview()

    # ------------------------------------------------------------------ the preview
    def preview(self) -> None:
        macro, item = self.current(), self.chosen()
        self.plan = None
        self.subject.clear()
        self.body.clear()
        self.decision.setText("")
        self.status.setText("")
        why = self.why_not(macro)
        if why or item is None:
            self.problem.setText(why)
            self.ok.setEnabled(False)
            self.ok.setToolTip(why)
            return
        reason = self.reason.toPlainText().strip()
        made = plan(macro, self.detail, self.facts, item,
                    language=str(self.language.currentData()), agent=self.agent,
                    now=self.desk.now(), reason=reason)
        self.decision.setText(self.decision_html(made, item))
        self.status.setText(self.status_sentence(made))
        problem = self.decision_problem(made, item, reason)
        try:
            subject, body = render(made.template, made.figures)
        except (MissingFigure, InconsistentFigures) as exc:
            problem = problem or str(exc)
            subject, body = "", ""
        self.subject.setText(subject)
        self.body.setPlainText(body)
        if problem:
            self.refuse(problem)
            return
        self.plan = made
        self.problem.setText("")
        self.ok.setEnabled(True)
        self.ok.setToolTip("")

    def refuse(self, why: str) -> None:
        self.problem.setText(why)
        self.ok.setEnabled(False)
        self.ok.setToolTip(why)

    def decision_problem(self, made: Plan, item: Chosen, reason: str) -> str:
        """What keeps OK from being pressed, beyond the reply's figures."""
        if needs_reason(made.macro) and not reason:
            return self.tr("Give a reason: the reply states it.")
        if made.decision is not None:
            try:
                made.decision()
            except ValidationError as exc:  # the contract's limits: a reason too long
                return words(exc)
        if isinstance(item, TransferInfo) and made.macro.decision == "approve_transfer":
            check = self.facts.checks.get(item.id)
            if check is not None and not check.ok:
                return self.tr("Not approved: %1").replace(
                    "%1", check.message(access.language(self.desk)))
        return ""

    def decision_html(self, made: Plan, item: Chosen) -> str:
        """The decision as a sentence with its figures and rule."""
        f, e = self.desk.fmt(), html.escape
        if isinstance(item, OrderInfo):
            pending = item.pending
            waits = {("payment", "delivery"): self.tr("the payment and the delivery"),
                     ("payment",): self.tr("the payment"),
                     ("delivery",): self.tr("the delivery")}.get(item.missing, "")
            tier = {"bronze": self.tr("bronze"), "silver": self.tr("silver"),
                    "gold": self.tr("gold")}.get(pending.tier.value if pending else "", "")
            return e(self.tr(
                "No decision. The reply states order %1's pending points: %2 at the tier "
                "held now, %3 (%4 per euro); the order waits for %5 (R4, R8). The figure can "
                "still change before the order completes.").replace("%1", item.id).replace(
                "%2", f.points(pending.points if pending else 0)).replace(
                "%3", tier).replace("%4", str(pending.rate if pending else 0)).replace(
                "%5", waits))
        if isinstance(item, ObjectionInfo):
            if made.macro.decision == "uphold_objection":
                points = made.figures.points or 0
                text = e(self.tr(
                    "Uphold objection %1 to notice %2 (sent %3, deadline %4, in time): "
                    "an adjustment of %5 points citing the objection (R25).").replace(
                    "%1", str(item.id)).replace("%2", item.notice_id or "").replace(
                    "%3", f.when(item.notice_sent_at)).replace(
                    "%4", f.date(item.deadline)).replace("%5", f.signed(points)))
                need = item.approval(points, self.desk.now())
                if made.awaiting_approval:
                    text += "<br>" + e(self.tr(
                        "The adjustment waits for a team lead's approval (R26): "
                        "adjustments made without approval in the last 720 hours: %n, "
                        "together %1 points; with this one %2 points, more than %3. The "
                        "objection stays open until then.", "", len(need.counted)).replace(
                        "%1", f.points(need.earlier)).replace(
                        "%2", f.points(need.total)).replace("%3", f.points(need.limit)))
                else:
                    text += "<br>" + e(self.tr(
                        "It is written at once; the new balance is %1 points.").replace(
                        "%1", f.points(made.figures.balance or 0)))
                advice = advise(f, self.facts.notices.get(item.id))
                if advice.suggested == REJECT:
                    text += (f'<br><span style="color:{ALERT.name()}; font-weight:600">'
                             + e(self.tr("The notice follows the rules: there is no error "
                                         "to uphold.")) + "</span>")
                return text
            return e(self.tr(
                "Answer objection %1 as late: received %2, the deadline for notice %3 was "
                "%4; the notice counts as approved (R25).").replace(
                "%1", str(item.id)).replace("%2", f.when(item.received_at)).replace(
                "%3", item.notice_id or "").replace("%4", f.date(item.deadline)))
        if made.macro.decision == "approve_transfer":
            return e(self.tr(
                "Approve transfer request %1: %2 points from %3 to %4, oldest lots first, "
                "each keeping its dates (R20, R21).").replace("%1", str(item.id)).replace(
                "%2", f.points(item.points)).replace("%3", item.source_id).replace(
                "%4", item.target_id))
        return e(self.tr(
            "Reject transfer request %1: the %2 points stay on %3 (R21).").replace(
            "%1", str(item.id)).replace("%2", f.points(item.points)).replace(
            "%3", item.source_id))

    def status_sentence(self, made: Plan) -> str:
        now = status_text(self, self.detail.status)
        if made.status is None:
            return self.tr("Stays %1.").replace("%1", now)
        return self.tr("From %1 to %2.").replace("%1", now).replace(
            "%2", status_text(self, made.status))

    # ------------------------------------------------------------------ OK
    def commands(self, made: Plan) -> list[c.Command]:
        """Decision, status, reply: in this order through the outbox (the status goes
        before a reply recorded as sent, which itself moves the case on)."""
        d = self.detail
        out: list[c.Command] = []
        if made.decision is not None:
            out.append(made.decision())
        if made.status is not None:
            out.append(c.SetMailCaseStatus(type="set_mail_case_status", case=d.id,
                                           version=d.version, status=made.status))
        to, subject = d.sender, reply_subject(self.subject.text())
        text = self.body.toPlainText()
        if self.channel.currentData() == GATEWAY:
            domain = mailbox_domain(str(self.desk.settings.get(MAILBOX) or ""))
            in_reply_to, references = thread_headers(d)
            out.append(c.QueueReply(
                type="queue_reply", case=d.id, message_id=email.utils.make_msgid(
                    domain=domain), in_reply_to=in_reply_to, references=references,
                to=to, subject=subject, body=text))
        else:
            mail = d.mails[-1] if d.mails else None
            _raw, message_id = draft(sender=str(self.desk.settings.get(MAILBOX) or ""),
                                     to=to, subject=subject, body=text,
                                     in_reply_to=mail.message_id if mail else None,
                                     references=[x.message_id for x in d.mails],
                                     at=self.desk.now())
            out.append(c.RecordReplySent(type="record_reply_sent", case=d.id,
                                         message_id=message_id, sent_at=self.desk.now(),
                                         to=to, subject=subject, body=text))
        return out

    def accept(self) -> None:
        made = self.plan
        if made is None:
            return
        if not self.detail.sender:
            self.refuse(self.tr("The case has no sender's address to reply to."))
            return
        try:
            commands = self.commands(made)
        except ValidationError as exc:
            self.refuse(words(exc))
            return
        why = access.why_not(self.desk, str(self.channel.currentData()))
        if why:
            self.refuse(why)
            return
        if self.channel.currentData() == BY_HAND:
            QApplication.clipboard().setText(self.body.toPlainText())
        if made.decision is not None:
            # in one go: the status and the reply are sent only if the decision is
            # applied (a refused decision never leaves a reply that announces it)
            problems = [self.desk.outbox.send_chain(commands)]
        else:
            problems = [self.desk.outbox.send(command) for command in commands]
        self.queued.extend(problems)
        problem = next((p for p in problems if p is not None), None)
        if problem is not None:
            self.refuse(problem)
            return
        super().accept()
