"""A reply to the customer: a template in German or English filled with the case's real
figures (name, dates, points, deadline, the rule), for the agent to edit and "Send"
through the mail gateway (``queue_reply``, with its final Message-ID and the thread's
In-Reply-To and References; issue 20), or, without a gateway, copy or save as an ``.eml``
draft addressed to the sender and "Record as sent" (``record_reply_sent``)."""

from __future__ import annotations

import email.utils
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.mail.replies import (
    TEMPLATES,
    Figures,
    InconsistentFigures,
    MissingFigure,
    draft,
    label,
    render,
    reply_subject,
)
from xrewards_desk.store.read.cases import CaseDetail, ObjectionInfo
from xrewards_desk.store.read.customers import customer_page
from xrewards_desk.ui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access, forms

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Facts:
    """What a reply may state beyond the case: the balance now and what expires next."""

    balance: int | None
    expiring_points: int | None
    next_expiry: date | None


def load_facts(s: Session, account_id: str | None, now: datetime) -> Facts:
    """The customer's balance and next expiry (read in an open session, on the store
    lane: :meth:`.tasks.Tasks.query`)."""
    if account_id is None:
        return Facts(None, None, None)
    page = customer_page(s, account_id, now)
    if page is None:
        return Facts(None, None, None)
    lots = [lot for lot in page.lots if lot.remaining > 0]
    first = min((lot.usable_until for lot in lots), default=None)
    expiring = sum(lot.remaining for lot in lots if lot.usable_until == first) if first \
        else None
    return Facts(page.balance, expiring, first)


def suggested(detail: CaseDetail) -> tuple[str, ObjectionInfo | None]:
    """The template that fits the case's latest objection (or account state)."""
    objection = detail.objections[-1] if detail.objections else None
    if detail.account is not None and detail.account.status == "closed":
        return "closed", objection
    if objection is None:
        return "acknowledge", None
    if objection.kind == "terms":
        return "terms_objection", objection
    if objection.open and objection.pending_request is not None:
        return "objection_upheld_pending", objection
    return {"upheld": "objection_upheld", "rejected": "objection_rejected",
            "late": "objection_late", "goodwill": "goodwill_granted"}.get(
        objection.status, "acknowledge"), objection


def figures_for(detail: CaseDetail, objection: ObjectionInfo | None, facts: Facts,
                language: str, agent: str, now: datetime) -> Figures:
    mail = detail.first_mail
    points = None
    awaiting = None
    if objection is not None:
        granted = [a for a in detail.adjustments if a.objection_id == objection.id
                   and a.status in ("approved", "pending")]
        points = granted[-1].points if granted else objection.pending_points
        awaiting = objection.pending_request is not None or bool(
            granted and granted[-1].status == "pending")
    name = detail.account.name if detail.account is not None else (
        (mail.sender or "") if mail else "")
    return Figures(
        name=name, language=language, agent=agent,
        received=objection.received_at if objection is not None else (
            mail.received_at if mail else None),
        notice_sent=objection.notice_sent_at if objection else None,
        notice_kind=objection.notice_kind if objection else None,
        notice_points=objection.notice_points if objection else None,
        deadline=objection.deadline if objection else None, points=points,
        balance=facts.balance, reason=objection.reason if objection else "",
        today=now.astimezone(BERLIN).date(), expiring_points=facts.expiring_points,
        next_expiry=facts.next_expiry, awaiting_approval=awaiting)


#: the rewards@ mailbox the mail gateway sends from (an INI key of its own, set where the
#: mailbox is not the usual one): the domain of the Message-IDs made for replies
MAILBOX = st.Setting("mail/mailbox", str, "rewards@xpoints.example", "Mailbox address")

#: the most Message-IDs a reply's References carries (the contract's limit): the first
#: and the latest, as RFC 5322 3.6.4 suggests where a thread grows long
MAX_REFERENCES = 200


def thread_headers(detail: CaseDetail) -> tuple[str | None, list[str]]:
    """In-Reply-To (the case's last mail in) and References (the thread: every mail in
    and every reply that went out, oldest first, ending with In-Reply-To) for a reply."""
    incoming = [x for x in detail.mails if not x.outgoing]
    parent = _one_id(incoming[-1].message_id) if incoming else None
    chain = [_one_id(x.message_id) for x in detail.mails
             if not x.outgoing or x.send_state in (None, "sent", "unknown")]
    refs = [ref for ref in dict.fromkeys(chain) if ref and ref != parent]
    if parent:
        refs.append(parent)
    if len(refs) > MAX_REFERENCES:
        refs = [refs[0], *refs[-(MAX_REFERENCES - 1):]]
    return parent or None, refs


def _one_id(message_id: str) -> str:
    """A Message-ID as one header value: no spaces or line breaks, in angle brackets."""
    text = "".join(ch for ch in message_id if ch.isprintable() and not ch.isspace())
    return f"<{text.strip('<>')}>" if text.strip("<>") else ""


def mailbox_domain(mailbox: str) -> str:
    """The domain of the mailbox's address, for the Message-IDs of replies."""
    domain = mailbox.rpartition("@")[2].strip().strip("<>").lower()
    return domain or "xpoints.example"


def reply_language(detail: CaseDetail, name: str) -> QComboBox:
    """The languages a reply is written in, the customer's chosen (German where the
    customer has neither)."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem("Deutsch", "de")
    combo.addItem("English", "en")
    customer = detail.account.language if detail.account is not None else "de"
    combo.setCurrentIndex(max(0, combo.findData(customer if customer in ("de", "en")
                                                else "de")))
    return combo


class ReplyDialog(QDialog):
    def __init__(self, desk: Desk, detail: CaseDetail, parent: QWidget | None = None,
                 facts: Facts | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reply_dialog")
        self.setWindowTitle(self.tr("Reply to the customer"))
        self.desk = desk
        self.detail = detail
        self.facts = facts or Facts(None, None, None)
        template, self.objection = suggested(detail)
        person = desk.session.person if desk.session is not None else None
        self.agent = desk.settings.get(st.AGENT_SIGNATURE) or (
            person.display_name if person is not None else "")
        self.language = reply_language(detail, "reply_language")
        self.template = QComboBox()
        self.template.setObjectName("reply_template")
        self.fill_templates(template)
        self.language.currentIndexChanged.connect(lambda _i: self.fill_templates(
            self.template.currentData()))
        self.template.currentIndexChanged.connect(lambda _i: self.fill())
        self.to = QLineEdit(detail.sender)
        self.to.setObjectName("reply_to")
        self.subject = QLineEdit()
        self.subject.setObjectName("reply_subject")
        self.body = QPlainTextEdit()
        self.body.setObjectName("reply_body")
        self.body.setMinimumSize(640, 320)
        self.problem = forms.label("reply_problem")
        self.problem.setStyleSheet("color: #b91c1c;")
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("send_reply")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.send_button.setEnabled(access.allowed(desk, "queue_reply"))
        self.send_button.setToolTip(access.why_not(desk, "queue_reply") or self.tr(
            "The mail gateway sends it from the mailbox, threaded; the case shows its state."))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton(self.tr("Save as .eml draft…"))
        self.save_button.clicked.connect(lambda: self.save())
        self.sent_button = QPushButton(self.tr("Record as sent"))
        self.sent_button.setObjectName("record_sent")
        self.sent_button.clicked.connect(self.record_sent)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Template"), self.template)
        form.addRow(self.tr("To"), self.to)
        form.addRow(self.tr("Subject"), self.subject)
        buttons = QHBoxLayout()
        for button in (self.send_button, self.copy_button, self.save_button,
                       self.sent_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        forms.column(self, form, (self.body, 1), self.problem, buttons)
        self.message_id: str | None = None
        self.fill()

    def fill_templates(self, keep: str | None) -> None:
        language = self.language.currentData()
        self.template.blockSignals(True)
        self.template.clear()
        for name in TEMPLATES:
            self.template.addItem(label(name, language), name)
        self.template.setCurrentIndex(max(0, self.template.findData(keep)))
        self.template.blockSignals(False)
        if hasattr(self, "body"):
            self.fill()

    def fill(self) -> None:
        figures = figures_for(self.detail, self.objection, self.facts,
                              self.language.currentData(), self.agent, self.desk.now())
        try:
            subject, body = render(self.template.currentData(), figures)
        except (MissingFigure, InconsistentFigures) as exc:
            self.problem.setText(str(exc))
            self.subject.setText(self.detail.subject)
            self.body.setPlainText("")
            return
        self.problem.setText("")
        self.subject.setText(subject)
        self.body.setPlainText(body)

    def text(self) -> str:
        return f"{self.subject.text()}\n\n{self.body.toPlainText()}"

    def copy(self) -> None:
        QApplication.clipboard().setText(self.body.toPlainText())
        self.problem.setText(self.tr("The reply is on the clipboard."))

    def eml(self) -> tuple[bytes, str]:
        mail = self.detail.mails[-1] if self.detail.mails else None
        refs = [x.message_id for x in self.detail.mails]
        return draft(sender="rewards@xpoints.example", to=self.to.text().strip(),
                     subject=self.subject.text(), body=self.body.toPlainText(),
                     in_reply_to=mail.message_id if mail else None, references=refs,
                     at=self.desk.now())

    def save(self, path: Path | None = None) -> Path | None:
        if not self.body.toPlainText().strip():
            self.problem.setText(self.tr("The reply is empty."))
            return None
        if path is None:
            from platformdirs import user_documents_dir

            name, _f = QFileDialog.getSaveFileName(
                self, self.tr("Save the reply as a draft"),
                str(Path(user_documents_dir()) / f"reply-case-{self.detail.id}.eml"),
                self.tr("E-mail messages (*.eml)"))
            if not name:
                return None
            path = Path(name)
        # a draft saved here is for a mail program, so plain, where the person chose; never
        # in the data folder, which holds the desktop's encrypted files only (issue 22)
        if path.resolve().is_relative_to(self.desk.paths.data.resolve()):
            self.problem.setText(self.tr(
                "The app's data folder keeps only encrypted files: save the draft in "
                "another folder."))
            return None
        data, self.message_id = self.eml()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        self.problem.setText(self.tr("Saved: %1").replace("%1", str(path)))
        return path

    def send(self) -> None:
        """Queue the reply for the mail gateway with its final headers (issue 20)."""
        to = self.to.text().strip()
        if not self.body.toPlainText().strip() or not to:
            self.problem.setText(self.tr("Write the reply and its address first."))
            return
        domain = mailbox_domain(str(self.desk.settings.get(MAILBOX) or ""))
        message_id = email.utils.make_msgid(domain=domain)
        in_reply_to, references = thread_headers(self.detail)
        case = self.detail.id
        subject, text = reply_subject(self.subject.text()), self.body.toPlainText()
        problem = self.desk.outbox.send(lambda: c.QueueReply(
            type="queue_reply", case=case, message_id=message_id, in_reply_to=in_reply_to,
            references=references, to=to, subject=subject, body=text))
        if problem is not None:
            self.problem.setText(problem)
            return
        self.message_id = message_id
        self.accept()

    def record_sent(self) -> None:
        to = self.to.text().strip()
        if not self.body.toPlainText().strip() or not to:
            self.problem.setText(self.tr("Write the reply and its address first."))
            return
        if self.message_id is None:
            _data, self.message_id = self.eml()
        case, message_id, sent_at = self.detail.id, self.message_id, self.desk.now()
        subject, text = self.subject.text(), self.body.toPlainText()
        problem = self.desk.outbox.send(lambda: c.RecordReplySent(
            type="record_reply_sent", case=case, message_id=message_id, sent_at=sent_at,
            to=to, subject=subject, body=text))
        if problem is not None:
            self.problem.setText(problem)
            return
        self.accept()
