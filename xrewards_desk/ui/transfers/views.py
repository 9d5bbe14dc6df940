"""Transfers of points between colleagues (T5, R20, R21): the dialog an agent files a
request with, and the team leads' queue that approves or rejects it with the evidence
beside it.

The dialog offers only the source's colleagues of the same organisation and billing
account, checks the request with the engine on the local store as the fields change (the
newest answer wins), says the engine's refusal in the UI's language, and previews the lots
that would move, first-in first-out with their own "usable until" dates (R13, R20).
Evidence comes from the case's attachments or from disk; a file is judged by its bytes
(:mod:`xrewards_desk.contract.filetypes`) and kept in the evidence folder, and the command
is queued with the files it cites, so they are uploaded before it.

The queue shows each request's evidence (images, and PDFs through QtPdf), from the local
evidence folder or downloaded once and kept there. An approval is checked again on the
current local state first (R21); the server checks it anyway. The person who filed a
request cannot approve it (four eyes), and only a team lead may approve (R27)."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xrewards_desk.contract import commands as c
from xrewards_desk.contract import filetypes
from xrewards_desk.domain.model import Actor, TransferReason
from xrewards_desk.domain.permissions import role_of
from xrewards_desk.domain.workflow import request_step
from xrewards_desk.store import models as m
from xrewards_desk.store.read.cases import staff_names
from xrewards_desk.store.read.transfers import (
    DECIDED,
    PENDING,
    REASONS,
    Colleagues,
    LotMove,
    Party,
    TransferAsk,
    TransferCheck,
    TransferInfo,
    TransferReview,
    TransferTarget,
    approval_check,
    check_request,
    review_request,
    transfer_colleagues,
    transfer_requests,
)
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.ui.cases.objections import ReasonDialog
from xrewards_desk.ui.qt import (
    QComboBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPdfDocument,
    QPdfView,
    QPixmap,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    Qt,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.commands import build
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access
from xrewards_desk.ui.widgets.models import ALERT, Column, RowsModel, table_view

SHA_ROLE = int(Qt.ItemDataRole.UserRole)
#: the live check waits this long after the last change (ms)
DEBOUNCE = 150
#: the queue's column of the names (source → target), the one that stretches and elides
NAMES_COLUMN = 3
#: which side of a transfer the dialog's customer is on (T5.2: either may ask)
SOURCE, TARGET = "source", "target"


def reason_text(reason: str) -> str:
    """R21's reasons in words (a fixed context, so every view shows the same words)."""
    words = {
        "left_organisation": QCoreApplication.translate(
            "TransferText", "The source left the organisation (T5.2)"),
        "reassignment": QCoreApplication.translate(
            "TransferText", "Reassignment within the organisation (T5.2)"),
        "other": QCoreApplication.translate(
            "TransferText", "Another reason, at our discretion (T5)"),
    }
    return words.get(reason, reason)


def reason_short(reason: str) -> str:
    words = {"left_organisation": QCoreApplication.translate("TransferText", "left"),
             "reassignment": QCoreApplication.translate("TransferText", "reassignment"),
             "other": QCoreApplication.translate("TransferText", "other")}
    return words.get(reason, reason)




def _place(name: str, key: str) -> str:
    """An organisation or billing account: its name and id, or the id alone."""
    return f"{name} ({key})" if name and name != key else key


def _person(desk: Desk) -> Any:
    session = desk.session
    return session.person if session is not None else None


def _actor(person: Any) -> Actor | None:
    if person is None:
        return None
    return Actor(person.name, role_of(person.role))


def _evidence_folder(desk: Desk) -> EvidenceFolder:
    """The folder the outbox reads the files it uploads from (the session's data folder,
    which the app sets to its data path)."""
    session = desk.session
    if session is not None:
        folder: EvidenceFolder = session.evidence()
        return folder
    return EvidenceFolder(desk.paths.data)


# =========================================================================== the request


class TransferDialog(QDialog):
    """File a transfer request for `account_id`, the customer of a case (or of the page
    it is opened from), optionally for that case (`case_id`).

    T5.2 gives the right to either party: the customer either gives the points (the
    source: the agent picks the colleague who receives them) or receives them (the
    target: the agent picks the colleague who gives them, each shown with their balance).
    `side` fixes which to start with ("source" or "target"); by default the customer
    gives, unless the dialog comes from a case and the customer has no points to give
    while a colleague has some. A colleague the case's mails name by account number is
    prefilled. Only colleagues of the same organisation and billing account are offered
    (R20); the organisation's others are named with the reason.

    `attachments` are the case's evidence files as (label, sha256), offered as ticks.
    OK checks the request with the engine once more, then queues it through the outbox
    with the files that are held here (they are uploaded first); `queued` carries the
    outbox id. `body` is the command sent."""

    queued = Signal(int)
    checked = Signal(object)  # TransferCheck, the newest answer

    def __init__(self, desk: Desk, account_id: str, case_id: int | None = None,
                 attachments: Sequence[tuple[str, str]] = (),
                 parent: QWidget | None = None, side: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transfer_dialog")
        self.desk = desk
        self.customer_id = account_id
        self.side_asked = side
        self.colleagues: Colleagues | None = None
        self.pending: list[TransferInfo] = []
        self.case_id = case_id
        self.body: c.RequestTransfer | None = None
        self.upload: list[str] = []
        self.answer: TransferCheck | None = None
        self.asked = 0         # the newest check asked for
        self.answered = 0      # the check `answer` belongs to
        self.loaded = False
        self.accept_when_checked = False
        self.points_touched = False
        self.targets: list[TransferTarget] = []
        self.balance: int | None = None
        self.files_pending = 0
        self.setWindowTitle(self.tr("Transfer points between colleagues"))

        self.side = QComboBox()
        self.side.setObjectName("transfer_side")
        self.side.addItem(self.tr("gives the points (source)"), SOURCE)
        self.side.addItem(self.tr("receives the points (target)"), TARGET)
        self.side.setCurrentIndex(1 if side == TARGET else 0)
        self.side.currentIndexChanged.connect(lambda _i: self._side_changed())
        self.source_label = QLabel(account_id)
        self.source_label.setObjectName("transfer_source")
        self.source_pick = QComboBox()
        self.source_pick.setObjectName("transfer_source_pick")
        self.source_pick.setPlaceholderText(self.tr("Choose the colleague who gives the "
                                                    "points"))
        self.source_pick.currentIndexChanged.connect(lambda _i: self._party_changed())
        self.target = QComboBox()
        self.target.setObjectName("transfer_target")
        self.target.currentIndexChanged.connect(lambda _i: self._party_changed())
        self.target_label = QLabel(account_id)
        self.target_label.setObjectName("transfer_target_fixed")

        for picker in (self.source_pick, self.target):
            picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            picker.setMinimumContentsLength(30)
        self.not_offered = QLabel()
        self.not_offered.setObjectName("transfer_not_offered")
        self.not_offered.setWordWrap(True)
        self.not_offered.setStyleSheet("color: #57534e;")
        self.not_offered.hide()
        self.points = QSpinBox()
        self.points.setObjectName("transfer_points")
        self.points.setRange(0, 100_000_000)
        self.points.setGroupSeparatorShown(True)
        self.points.valueChanged.connect(lambda _v: self._points_changed())
        self.reason = QComboBox()
        self.reason.setObjectName("transfer_reason")
        for reason in REASONS:
            self.reason.addItem(reason_text(reason), reason)
        self.reason.currentIndexChanged.connect(lambda _i: self._reason_changed())
        self.justification = QPlainTextEdit()
        self.justification.setObjectName("transfer_justification")
        self.justification.setTabChangesFocus(True)
        self.justification.setMaximumHeight(80)
        self.justification.textChanged.connect(self.changed)
        self.evidence = QListWidget()
        self.evidence.setObjectName("transfer_evidence")
        self.evidence.setMaximumHeight(110)
        for label, sha in attachments:
            self._add_item(label, sha, checked=False)
        self.evidence.itemChanged.connect(lambda _item: self.changed())
        self.add_button = QPushButton(self.tr("Add file…"))
        self.add_button.setObjectName("add_evidence")
        self.add_button.clicked.connect(self.add_file)
        self.file_error = QLabel()
        self.file_error.setObjectName("file_error")
        self.file_error.setWordWrap(True)
        self.file_error.setStyleSheet(f"color: {ALERT.name()};")

        self.waiting = QLabel()
        self.waiting.setObjectName("transfer_waiting")
        self.waiting.setWordWrap(True)
        self.waiting.setStyleSheet("color: #b45309;")
        self.waiting.hide()
        self.verdict = QLabel()
        self.verdict.setObjectName("transfer_check")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        f = desk.fmt
        self.moves: RowsModel[LotMove] = RowsModel([
            Column(lambda: self.tr("From lot"), lambda x: x.source_lot),
            Column(lambda: self.tr("Points"), lambda x: f().points(x.points), right=True),
            Column(lambda: self.tr("Credited"), lambda x: f().when(x.credited_at)),
            Column(lambda: self.tr("Usable until"), lambda x: f().date(x.usable_until)),
        ], self)
        self.preview = table_view(self.moves, "transfer_preview")
        self.preview.setMinimumHeight(120)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ALERT.name()};")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        self.form = form
        form.addRow(self.tr("This customer"), self.side)
        # one row each for the fixed customer and the picker; the side shows one of each
        form.addRow(self.tr("From"), self.source_label)
        form.addRow(self.tr("From"), self.source_pick)
        form.addRow(self.tr("To"), self.target)
        form.addRow(self.tr("To"), self.target_label)
        form.addRow("", self.not_offered)
        form.addRow(self.tr("Points"), self.points)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Justification"), self.justification)
        files = QHBoxLayout()
        files.addWidget(self.evidence, 1)
        files.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("Evidence"), files)
        form.addRow("", self.file_error)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.waiting)
        layout.addWidget(self.verdict)
        layout.addWidget(QLabel(self.tr("The lots that move, oldest first, keeping their "
                                        "dates (R13, R20):")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 700)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE)
        self.timer.timeout.connect(self.recheck)
        self._show_side()
        self._reason_changed()
        refused = access.why_not(desk, "request_transfer")  # R27, the domain's matrix
        if refused:
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)
            ok.setToolTip(refused)
        self.load()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        store, customer, case, now = (self.desk.store, self.customer_id, self.case_id,
                                      self.desk.now())
        if store is None:
            return

        def work() -> tuple[Colleagues | None, list[TransferInfo]]:
            with store.session() as s:
                return (transfer_colleagues(s, customer, now, case),
                        transfer_requests(s, PENDING))

        self.desk.tasks.on_store(work, lambda answer: self._loaded(*answer))

    def _party_text(self, p: Party, email: bool = False) -> str:
        """Name, account number and balance first (so that a narrow picker still shows
        the balance), the e-mail address last where asked for."""
        text = p.label()
        if p.balance is not None:
            text += " · " + self.tr("balance %1 points").replace(
                "%1", self.desk.fmt().points(p.balance))
        if email and p.email:
            text += f" · {p.email}"
        return text

    def _loaded(self, colleagues: Colleagues | None,
                pending: Sequence[TransferInfo] = ()) -> None:
        """The customer and their colleagues (R20) with balances; `pending`: the requests
        that wait for a team lead (one for the same source is allowed, but is most often
        the same request filed twice)."""
        self.colleagues = colleagues
        self.pending = list(pending)
        offered = colleagues.offered if colleagues is not None else ()
        self.targets = [TransferTarget(p.id, p.name, p.email) for p in offered]
        customer = colleagues.customer if colleagues is not None else None
        self.balance = customer.balance if customer is not None else None
        text = self._party_text(customer) if customer is not None else self.customer_id
        for fixed in (self.source_label, self.target_label):
            fixed.setText(text)
            fixed.setToolTip(self._party_text(customer, email=True) if customer is not None
                             else "")
        named = colleagues.named if colleagues is not None else ()
        prefill = named[0] if len(named) == 1 else None
        for picker, empty in ((self.target, 0), (self.source_pick, -1)):
            picker.blockSignals(True)
            picker.clear()
            for p in offered:
                picker.addItem(self._party_text(p), p.id)
                picker.setItemData(picker.count() - 1, self._party_text(p, email=True),
                                   Qt.ItemDataRole.ToolTipRole)
            found = picker.findData(prefill) if prefill is not None else -1
            picker.setCurrentIndex(found if found >= 0 else (empty if offered else -1))
            picker.blockSignals(False)
        if (self.side_asked is None and self.case_id is not None and customer is not None
                and (customer.balance or 0) <= 0
                and any((p.balance or 0) > 0 for p in offered)):
            # nothing to give: the customer writes as the one who receives (T5.2)
            self.side.blockSignals(True)
            self.side.setCurrentIndex(self.side.findData(TARGET))
            self.side.blockSignals(False)
        self._show_not_offered()
        self._show_side()
        self._default_points()
        self._show_waiting()
        self.loaded = True
        self.recheck()

    def _show_not_offered(self) -> None:
        others = self.colleagues.not_offered if self.colleagues is not None else ()
        why = {"different_billing_account": self.tr("another billing account"),
               "account_not_active": self.tr("not active")}
        text = self.tr("Only colleagues of the same organisation and billing account are "
                       "offered (R20).")
        if others:  # a count here, the names in the tooltip: a large organisation
            text += " " + self.tr("%n other account(s) of the organisation not offered "
                                  "(another billing account, or not active).", "",
                                  len(others))
        self.not_offered.setText(text)
        self.not_offered.setToolTip("\n".join(
            f"{p.label()}: {why.get(code, code)}" for p, code in others))
        self.not_offered.show()

    # ------------------------------------------------------------------ the parties
    def side_value(self) -> str:
        return str(self.side.currentData() or SOURCE)

    @property
    def source_id(self) -> str:
        """The account that gives the points: the customer, or the colleague picked."""
        if self.side_value() == SOURCE:
            return self.customer_id
        return str(self.source_pick.currentData() or "")

    @property
    def target_id(self) -> str:
        """The account that receives the points: the colleague picked, or the customer."""
        if self.side_value() == TARGET:
            return self.customer_id
        return str(self.target.currentData() or "")

    def source_party(self) -> Party | None:
        c = self.colleagues
        if c is None:
            return None
        return next((p for p in (c.customer, *c.offered) if p.id == self.source_id), None)

    def _show_side(self) -> None:
        gives = self.side_value() == SOURCE
        for widget, shown in ((self.source_label, gives), (self.source_pick, not gives),
                              (self.target, gives), (self.target_label, not gives)):
            self.form.setRowVisible(widget, shown)

    def _side_changed(self) -> None:
        self._show_side()
        self._party_changed()

    def _party_changed(self) -> None:
        self._default_points()
        self._show_waiting()
        self.changed()

    def _default_points(self) -> None:
        """Until the agent types a number: the whole balance of the source (T5.2)."""
        source = self.source_party()
        if self.points_touched or source is None or source.balance is None:
            return
        self.points.blockSignals(True)
        self.points.setValue(max(0, source.balance))
        self.points.blockSignals(False)

    def _show_waiting(self) -> None:
        source, target = self.source_id, self.target_id
        waiting = [x for x in self.pending if (source and x.source_id == source)
                   or (self.side_value() == TARGET and x.target_id == target)]
        f = self.desk.fmt()
        self.waiting.setVisible(bool(waiting))
        self.waiting.setText("\n".join(
            self.tr("Already waiting for a team lead: request %1, %2 points from %3 to %4, "
                    "filed %5 by %6.").replace("%1", str(x.id)).replace(
                "%2", f.points(x.points)).replace(
                "%3", f"{x.source_name} ({x.source_id})").replace(
                "%4", f"{x.target_name} ({x.target_id})").replace(
                "%5", f.when(x.requested_at)).replace("%6", x.requested_by)
            for x in waiting))

    def missing(self) -> str:
        """What the agent has still to choose before the engine can check, or ""."""
        if not self.source_id:
            return self.tr("Choose the colleague who gives the points.")
        if not self.target_id:
            return self.tr("No colleague of the same organisation and billing account can "
                           "receive the points (R20).")
        return ""

    # ------------------------------------------------------------------ fields
    def _points_changed(self) -> None:
        self.points_touched = True
        self.changed()

    def _reason_changed(self) -> None:
        other = self.reason.currentData() == "other"
        self.justification.setEnabled(other)
        self.justification.setPlaceholderText(
            self.tr("Required: why we transfer at our discretion") if other
            else self.tr("Only for another reason"))
        self.changed()

    def changed(self) -> None:
        self.asked += 1  # an answer to anything asked before is stale now
        self.timer.start()

    def chosen_evidence(self) -> list[str]:
        chosen = []
        for i in range(self.evidence.count()):
            item = self.evidence.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(str(item.data(SHA_ROLE)))
        return list(dict.fromkeys(chosen))

    def ask(self) -> TransferAsk:
        person = _person(self.desk)
        reason = str(self.reason.currentData())
        return TransferAsk(self.source_id, self.target_id, self.points.value(), reason,
                           len(self.chosen_evidence()),
                           self.justification.toPlainText().strip() if reason == "other"
                           else "", person.name if person is not None else "",
                           person.role if person is not None else None)

    @property
    def checking(self) -> bool:
        """Whether the answer shown is not for the fields as they are now."""
        return self.answered != self.asked or self.timer.isActive()

    # ------------------------------------------------------------------ evidence
    def _add_item(self, label: str, sha: str, checked: bool) -> None:
        for i in range(self.evidence.count()):
            item = self.evidence.item(i)
            if item.data(SHA_ROLE) == sha:
                if checked:
                    item.setCheckState(Qt.CheckState.Checked)
                return
        item = QListWidgetItem(f"{label} · SHA-256 {sha[:12]}…")
        item.setData(SHA_ROLE, sha)
        item.setToolTip(sha)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.evidence.addItem(item)

    def add_file(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Evidence for the transfer"), "",
            self.tr("Evidence (*.pdf *.png *.jpg *.jpeg *.eml);;All files (*)"))
        if names:
            self.add_files([Path(n) for n in names])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Judge each file by its bytes; keep the accepted ones in the evidence folder
        (ticked), and name the refused ones with the reason (not kept)."""
        folder = _evidence_folder(self.desk)
        chosen = list(paths)
        language = self.desk.language.code

        def work() -> list[tuple[str, str | None, str | None]]:
            answers: list[tuple[str, str | None, str | None]] = []
            for path in chosen:
                label = path.name
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    answers.append((label, None, f"{label}: {exc.strerror or exc}"))
                    continue
                why = filetypes.refusal(data, label, language)
                if why is not None:
                    answers.append((label, None, why))
                    continue
                answers.append((label, folder.put(data, label), None))
            return answers

        self.files_pending += 1
        self.desk.tasks.on_store(work, self._files_added, self._files_failed)

    def _files_added(self, answers: list[tuple[str, str | None, str | None]]) -> None:
        self.files_pending -= 1
        refused = []
        for label, sha, why in answers:
            if sha is not None:
                self._add_item(label, sha, checked=True)
                self.upload.append(sha)
            elif why is not None:
                refused.append(why)
        self.file_error.setText("\n".join(refused))
        self.changed()

    def _files_failed(self, exc: BaseException) -> None:
        self.files_pending -= 1
        self.file_error.setText(str(exc))

    # ------------------------------------------------------------------ the check
    def recheck(self) -> None:
        self.timer.stop()
        store = self.desk.store
        if store is None or not self.loaded:
            return
        generation = self.asked
        missing = self.missing()
        if missing:  # nothing the engine could check yet
            self.answer = None
            self.answered = generation
            self.verdict.setText(f"<span>{html.escape(missing)}</span>")
            self.moves.set_rows([])
            return
        ask, now = self.ask(), self.desk.now()

        def work() -> TransferCheck:
            with store.session() as s:
                return check_request(s, ask, now)

        self.desk.tasks.on_store(work, lambda answer: self._checked(generation, answer))

    def _checked(self, generation: int, answer: TransferCheck) -> None:
        if generation != self.asked:
            return  # the fields changed meanwhile; a newer check is on its way
        self.answer = answer
        self.answered = generation
        self.show_check(answer)
        self.checked.emit(answer)
        if self.accept_when_checked:
            self.accept_when_checked = False
            self.finish()

    def show_check(self, answer: TransferCheck) -> None:
        f = self.desk.fmt()
        if answer.ok:
            total = sum(x.points for x in answer.moves)
            text = self.tr("The engine allows it: %1 points in %n lot(s), each usable until "
                           "its own date (R20). A team lead approves it (R21).", "",
                           len(answer.moves)).replace("%1", f.points(total))
            self.verdict.setText(f'<span style="color:#15803d">{html.escape(text)}</span>')
            self.moves.set_rows(answer.moves)
        else:
            text = answer.message(self.desk.language.code)
            self.verdict.setText(f'<span style="color:{ALERT.name()}; font-weight:600">'
                                 f"{html.escape(text)}</span>")
            self.moves.set_rows([])

    # ------------------------------------------------------------------ OK
    def accept(self) -> None:
        if self.files_pending:
            self.error.setText(self.tr("A file is still being read; try again in a moment."))
            return
        missing = self.missing() if self.loaded else ""
        if missing:
            self.error.setText(missing)
            return
        if self.checking or self.answer is None:
            self.accept_when_checked = True
            self.recheck()
            return
        self.finish()

    def finish(self) -> None:
        answer = self.answer
        if answer is None:
            return
        if not answer.ok:
            self.error.setText(answer.message(self.desk.language.code))
            return
        ask = self.ask()
        evidence = self.chosen_evidence()
        body = build(lambda: c.RequestTransfer(
            type="request_transfer", source=ask.source, target=ask.target,
            points=ask.points, reason=TransferReason(ask.reason),
            justification=ask.justification, evidence=evidence, case=self.case_id))
        if isinstance(body, str):
            self.error.setText(body)
            return
        folder = _evidence_folder(self.desk)
        # files held here are uploaded before the command; the others are the server's
        # already (a case's attachments arrive through the feed)
        upload = [sha for sha in evidence if folder.has(sha)]
        problem = self.desk.outbox.send(body, evidence=upload, done=self.queued.emit)
        if problem is not None:
            self.error.setText(problem)
            return
        self.body = body
        super().accept()


# =========================================================================== the queue


class TransfersView(QWidget):
    """The team leads' queue of transfer requests (R21), with the evidence of the one
    selected; approve or reject it. `refresh()` reloads; `loaded` is set by the first
    answer."""

    open_case = Signal(int)
    open_customer = Signal(str)

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.setObjectName("transfers")
        self.desk = desk
        self.generation = 0
        self.loaded = False
        self.staff: dict[str, str] = {}
        #: outbox id → request id, for decisions sent from here
        self.sent: dict[int, int] = {}
        #: request id → the server's refusal of a decision sent from here
        self.refusals: dict[int, str] = {}
        self.evidence_generation = 0
        self.evidence_shown: str | None = None
        self.evidence_kind = ""
        self.image: QPixmap | None = None
        #: the engine's review of the selected pending request (R20, R21), and its ask
        self.review: TransferReview | None = None
        self.review_generation = 0
        #: whether `review` was loaded since the last refresh of the queue
        self.review_fresh = False
        f = desk.fmt

        self.show_filter = QComboBox()
        self.show_filter.setObjectName("transfer_filter")
        self.show_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.model: RowsModel[TransferInfo] = RowsModel([
            Column(lambda: self.tr("Request"), lambda x: str(x.id), right=True),
            Column(lambda: self.tr("Requested"), lambda x: f().when(x.requested_at),
                   sort=lambda x: x.requested_at),
            Column(lambda: self.tr("By"), lambda x: self.who(x.requested_by)),
            Column(lambda: self.tr("Source → target"), lambda x: (
                f"{x.source_name or x.source_id} → {x.target_name or x.target_id}"),
                tooltip=lambda x: (f"{x.source_name} ({x.source_id}) → "
                                   f"{x.target_name} ({x.target_id})")),
            Column(lambda: self.tr("Points"), lambda x: f().points(x.points), right=True,
                   sort=lambda x: x.points),
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
        header.setSectionResizeMode(NAMES_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_item())
        self.table.activated.connect(self._activated)
        self.reading = QTextBrowser()
        self.reading.setObjectName("transfer_reading")
        self.reading.setOpenLinks(False)
        self.reading.anchorClicked.connect(lambda url: self._link(url.toString()))
        self.evidence_list = QListWidget()
        self.evidence_list.setObjectName("evidence_list")
        self.evidence_list.setMaximumHeight(90)
        self.evidence_list.currentRowChanged.connect(lambda _r: self.show_evidence())

        # the viewer: a message, an image, a PDF, or an e-mail's text
        self.viewer = QStackedWidget()
        self.viewer.setObjectName("evidence_viewer")
        self.evidence_message = QLabel()
        self.evidence_message.setObjectName("evidence_message")
        self.evidence_message.setWordWrap(True)
        self.evidence_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label = QLabel()
        self.image_label.setObjectName("evidence_image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_area = QScrollArea()
        self.image_area.setWidget(self.image_label)
        self.image_area.setWidgetResizable(True)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("evidence_pdf")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.mail_text = QPlainTextEdit()
        self.mail_text.setObjectName("evidence_mail")
        self.mail_text.setReadOnly(True)
        for page in (self.evidence_message, self.image_area, self.pdf_view, self.mail_text):
            self.viewer.addWidget(page)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.table)
        left.addWidget(self.reading)
        left.setSizes([260, 340])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.evidence_heading = QLabel()
        right_layout.addWidget(self.evidence_heading)
        right_layout.addWidget(self.evidence_list)
        right_layout.addWidget(self.viewer, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([760, 440])

        self.approve_button = QPushButton()
        self.approve_button.setObjectName("approve_transfer")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button = QPushButton()
        self.reject_button.setObjectName("reject_transfer")
        self.reject_button.clicked.connect(self.reject)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        self.filter_label = QLabel()
        top.addWidget(self.filter_label)
        top.addWidget(self.show_filter)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.message, 1)
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

    def retranslate(self) -> None:
        current = self.show_filter.currentData()
        self.show_filter.blockSignals(True)
        self.show_filter.clear()
        for value, text in ((PENDING, self.tr("Waiting for approval")),
                            (DECIDED, self.tr("Decided")), ("", self.tr("All"))):
            self.show_filter.addItem(text, value)
        self.show_filter.setCurrentIndex(max(0, self.show_filter.findData(
            current if current is not None else PENDING)))
        self.show_filter.blockSignals(False)
        self.filter_label.setText(self.tr("Show:"))
        self.approve_button.setText(self.tr("Approve"))
        self.reject_button.setText(self.tr("Reject…"))
        self.evidence_heading.setText(self.tr("Evidence"))
        self.model.retranslate()
        self.show_item()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        store = self.desk.store
        if store is None:
            return
        self.generation += 1
        generation, show, data = self.generation, self.show_filter.currentData(), \
            self.desk.paths.data

        def work() -> tuple[list[TransferInfo], dict[str, str]]:
            with store.session() as s:
                return transfer_requests(s, show or None, data), staff_names(s)

        self.desk.tasks.on_store(work, lambda answer: self._show(generation, *answer))

    def _show(self, generation: int, items: list[TransferInfo],
              staff: dict[str, str]) -> None:
        if generation != self.generation:
            return
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
    def why_not(self, item: TransferInfo) -> str:
        """Why the signed-in person cannot decide `item`, or "" if they can."""
        if not item.pending:
            return self.tr("Decided: %1").replace("%1", self.state(item))
        # R21, R27: who may approve, and not their own request (four eyes): the domain's
        return access.step_why_not(self.desk, request_step(
            "transfer", access.role_of(self.desk), access.name_of(self.desk),
            item.requested_by, "pending", approve=True))

    def show_item(self) -> None:
        item = self.selected()
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(False)
            button.setToolTip("")
        if item is None:
            self.reading.setHtml("<p>" + html.escape(self.tr(
                "No transfer request waits for approval.")) + "</p>")
            self.evidence_list.clear()
            self.show_message(self.tr("No evidence to show."))
            return
        why = self.why_not(item)
        self.approve_button.setEnabled(not why)
        self.approve_button.setToolTip(why)
        # team leads reject (R27); the one who filed it may too: the server records their
        # rejection as a withdrawal (the domain's workflow)
        not_rejected = why if not item.pending else access.step_why_not(
            self.desk, request_step("transfer", access.role_of(self.desk),
                                    access.name_of(self.desk), item.requested_by,
                                    "pending", approve=False))
        self.reject_button.setEnabled(not not_rejected)
        self.reject_button.setToolTip(not_rejected)
        self.reading.setHtml(self.item_html(item))
        self.load_review(item)
        shas = [self.evidence_list.item(i).data(SHA_ROLE)
                for i in range(self.evidence_list.count())]
        fmt = self.desk.fmt()
        if shas == [e.sha256 for e in item.evidence]:
            # the same files: only their words follow the language (sizes grouped per locale)
            for i, e in enumerate(item.evidence):
                kind = filetypes.LABELS.get(e.media_type, e.media_type)
                self.evidence_list.item(i).setText(f"{e.label} · {kind} · {fmt.size(e.size)}")
        else:
            self.evidence_list.blockSignals(True)
            self.evidence_list.clear()
            for e in item.evidence:
                kind = filetypes.LABELS.get(e.media_type, e.media_type)
                entry = QListWidgetItem(f"{e.label} · {kind} · {fmt.size(e.size)}")
                entry.setData(SHA_ROLE, e.sha256)
                entry.setToolTip(e.sha256)
                self.evidence_list.addItem(entry)
            self.evidence_list.blockSignals(False)
            if item.evidence:
                self.evidence_list.setCurrentRow(0)
            self.show_evidence()

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
        self.review_generation += 1
        if not item.pending:
            return
        review = self.review
        if review is not None and (review.request_id, review.version) == (
                item.id, item.version) and self.review_fresh:
            return
        store = self.desk.store
        if store is None:
            return
        generation, now, actor = self.review_generation, self.desk.now(), _actor(
            _person(self.desk))

        def work() -> TransferReview | None:
            with store.session() as s:
                return review_request(s, item, now, actor)

        self.desk.tasks.on_store(work, lambda answer: self._reviewed(generation, answer))

    def _reviewed(self, generation: int, review: TransferReview | None) -> None:
        if generation != self.review_generation:
            return
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
        if r.same_organisation:
            parts.append(line(True, self.tr(
                "Organisation: the same for both accounts, %1").replace(
                "%1", _place(r.source.organisation_name, r.source.organisation_id))))
        else:
            parts.append(line(False, self.tr(
                "Organisation: not the same (R20): source %1, target %2").replace(
                "%1", _place(r.source.organisation_name, r.source.organisation_id)).replace(
                "%2", _place(r.target.organisation_name, r.target.organisation_id))))
        if r.same_billing_account:
            parts.append(line(True, self.tr(
                "Billing account: the same for both accounts, %1").replace(
                "%1", _place(r.source.billing_account_name, r.source.billing_account_id))))
        else:
            parts.append(line(False, self.tr(
                "Billing account: not the same (R20): source %1, target %2").replace(
                "%1", _place(r.source.billing_account_name,
                             r.source.billing_account_id)).replace(
                "%2", _place(r.target.billing_account_name,
                             r.target.billing_account_id))))
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

    # ------------------------------------------------------------------ the viewer
    def show_message(self, text: str) -> None:
        self.evidence_message.setText(text)
        self.viewer.setCurrentWidget(self.evidence_message)
        self.evidence_kind = ""

    def show_evidence(self) -> None:
        """Show the selected file: from the evidence folder, or downloaded (on the
        network lane), checked against its SHA-256 and kept there. The newest pick wins."""
        item = self.selected()
        row = self.evidence_list.currentRow()
        self.evidence_generation += 1
        generation = self.evidence_generation
        self.evidence_shown = None
        if item is None or not 0 <= row < len(item.evidence):
            self.show_message(self.tr("No evidence to show."))
            return
        info = item.evidence[row]
        folder = EvidenceFolder(self.desk.paths.data)
        session = self.desk.session
        client = session.client if session is not None else None

        def work() -> tuple[str, bytes, str]:
            if folder.has(info.sha256):
                return info.sha256, folder.read(info.sha256), str(folder.path(info.sha256))
            if client is None:
                raise LookupError("not signed in, and the file is not held here")
            data = client.evidence(info.sha256)
            if hashlib.sha256(data).hexdigest() != info.sha256:
                raise ValueError("the downloaded file does not match its SHA-256")
            folder.put(data, info.label)
            return info.sha256, data, str(folder.path(info.sha256))

        self.show_message(self.tr("Fetching %1…").replace("%1", info.label))
        self.desk.tasks.on_net(work, lambda answer: self._fetched(generation, *answer),
                               lambda exc: self._fetch_failed(generation, info.label, exc))

    def _fetched(self, generation: int, sha: str, data: bytes, path: str) -> None:
        if generation != self.evidence_generation:
            return
        kind = filetypes.sniff(data)
        self.evidence_shown = sha
        if kind == filetypes.PDF:
            self.pdf_document.close()
            error = self.pdf_document.load(path)
            if error != QPdfDocument.Error.None_ or self.pdf_document.pageCount() < 1:
                self.show_message(self.tr("The PDF cannot be shown (%1).").replace(
                    "%1", str(error.name)))
                return
            self.viewer.setCurrentWidget(self.pdf_view)
            self.evidence_kind = "pdf"
        elif kind in (filetypes.PNG, filetypes.JPEG):
            pixmap = QPixmap()
            if not pixmap.loadFromData(data):
                self.show_message(self.tr("The image cannot be shown."))
                return
            self.image = pixmap
            self.viewer.setCurrentWidget(self.image_area)
            self.evidence_kind = "image"
            self._scale_image()
        elif kind == filetypes.EMAIL:
            self.mail_text.setPlainText(data[:200_000].decode("utf-8", "replace"))
            self.viewer.setCurrentWidget(self.mail_text)
            self.evidence_kind = "mail"
        else:
            self.show_message(self.tr("This file is not a PDF, image or e-mail message."))

    def _scale_image(self) -> None:
        if self.image is None:
            return
        room = self.image_area.viewport().size()
        pixmap = self.image
        if pixmap.width() > room.width() or pixmap.height() > room.height():
            pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(pixmap)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.evidence_kind == "image":
            self._scale_image()

    def _fetch_failed(self, generation: int, label: str, exc: BaseException) -> None:
        if generation != self.evidence_generation:
            return
        self.show_message(self.tr("%1 cannot be fetched: %2").replace("%1", label).replace(
            "%2", str(exc)))

    # ------------------------------------------------------------------ deciding
    def approve(self) -> None:
        """Check the approval on the current local state first (R21: the balance now,
        four eyes); queue it only if the engine allows it."""
        item = self.selected()
        actor = _actor(_person(self.desk))
        store = self.desk.store
        if item is None or actor is None or store is None:
            return
        now = self.desk.now()

        def work() -> TransferCheck:
            with store.session() as s:
                return approval_check(s, item, actor, now)

        def answered(answer: TransferCheck) -> None:
            if not answer.ok:
                self.message.setText(self.tr("Not approved: %1").replace(
                    "%1", answer.message(self.desk.language.code)))
                return
            self.send(item, c.DecideTransfer(type="approve_transfer", request=item.id,
                                             version=item.version, reason=""))

        self.desk.tasks.on_store(work, answered)

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
        if store is None:
            self.refresh()
            return
        if not self.sent:
            self.refresh()
            return
        sent = dict(self.sent)
        german = self.desk.language.code == "de"

        def work() -> list[tuple[int, str, str]]:
            answers = []
            with store.session() as s:
                for command_id in sent:
                    row = s.get(m.OutboxCommand, command_id)
                    if row is None:
                        continue
                    state = str(row.state)
                    text = ""
                    if row.state is m.OutboxState.REFUSED:
                        response = row.response or {}
                        text = str((response.get("message_de") if german else None)
                                   or row.refusal_message or row.refusal_code or "")
                    answers.append((command_id, state, text))
            return answers

        self.desk.tasks.on_store(work, self._answers)

    def _answers(self, answers: list[tuple[int, str, str]]) -> None:
        for command_id, state, text in answers:
            if state in (m.OutboxState.PENDING.value, m.OutboxState.SENDING.value):
                continue
            request = self.sent.pop(command_id)
            if state == m.OutboxState.REFUSED.value:
                self.refusals[request] = text
                self.message.setText(self.tr("The server refused the decision on request "
                                             "%1: %2").replace("%1", str(request))
                                     .replace("%2", text))
            elif state == m.OutboxState.DONE.value:
                self.message.setText(self.tr("The server took the decision on request %1.")
                                     .replace("%1", str(request)))
        self.refresh()
