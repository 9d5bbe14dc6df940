"""The dialog an agent files a transfer of points between colleagues with (T5, R20, R21).

It offers only the source's colleagues of the same organisation and billing account,
checks the request with the engine on the local store as the fields change (the newest
answer wins: :meth:`.tasks.Tasks.query` with a key), says the engine's refusal in the UI's
language, and previews the lots that would move, first-in first-out with their own
"usable until" dates (R13, R20). Evidence comes from the case's attachments or from disk
(:mod:`.evidence`), and the command is queued with the files it cites, so they are
uploaded before it. A team lead decides it in the queue (:mod:`.queue`)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.model import TransferReason
from xrewards_desk.store.read.transfers import (
    PENDING,
    REASONS,
    Colleagues,
    LotMove,
    Party,
    TransferAsk,
    TransferCheck,
    TransferInfo,
    TransferTarget,
    check_request,
    transfer_colleagues,
    transfer_requests,
)
from xrewards_desk.ui.qt import (
    QComboBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.commands import build
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.transfers.evidence import (
    Judged,
    evidence_folder,
    evidence_item,
    judge,
    shas,
)
from xrewards_desk.ui.widgets import access
from xrewards_desk.ui.widgets.forms import label
from xrewards_desk.ui.widgets.models import ALERT, Column, RowsModel, table_view

#: the live check waits this long after the last change (ms)
DEBOUNCE = 150
#: which side of a transfer the dialog's customer is on (T5.2: either may ask)
SOURCE, TARGET = "source", "target"
#: the colour of a quiet note, and of a warning
NOTE, WARNING = "#57534e", "#b45309"


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
        self.not_offered = label("transfer_not_offered", color=NOTE, hidden=True)
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
        for name, sha in attachments:
            self._add_item(name, sha, checked=False)
        self.evidence.itemChanged.connect(lambda _item: self.changed())
        self.add_button = QPushButton(self.tr("Add file…"))
        self.add_button.setObjectName("add_evidence")
        self.add_button.clicked.connect(self.add_file)
        self.file_error = label("file_error", color=ALERT)
        self.waiting = label("transfer_waiting", color=WARNING, hidden=True)
        self.verdict = label("transfer_check")
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
        self.error = label("error", color=ALERT)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        files = QHBoxLayout()
        files.addWidget(self.evidence, 1)
        files.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        self.form = QFormLayout()
        # one row each for the fixed customer and the picker; the side shows one of each
        for words, field in (
                (self.tr("This customer"), self.side), (self.tr("From"), self.source_label),
                (self.tr("From"), self.source_pick), (self.tr("To"), self.target),
                (self.tr("To"), self.target_label), ("", self.not_offered),
                (self.tr("Points"), self.points), (self.tr("Reason"), self.reason),
                (self.tr("Justification"), self.justification),
                (self.tr("Evidence"), files), ("", self.file_error)):
            self.form.addRow(words, field)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        for widget in (self.waiting, self.verdict, QLabel(self.tr(
                "The lots that move, oldest first, keeping their dates (R13, R20):"))):
            layout.addWidget(widget)
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
        self.desk.tasks.query(
            store, lambda s: (transfer_colleagues(s, customer, now, case),
                              transfer_requests(s, PENDING)),
            lambda answer: self._loaded(*answer), key=(self, "load"))

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
        self.desk.tasks.forget(self.check_key)  # an answer to the fields before is stale
        self.timer.start()

    def chosen_evidence(self) -> list[str]:
        ticked = [sha for i, sha in enumerate(shas(self.evidence))
                  if self.evidence.item(i).checkState() == Qt.CheckState.Checked]
        return list(dict.fromkeys(ticked))

    def ask(self) -> TransferAsk:
        person = access.person(self.desk)
        reason = str(self.reason.currentData())
        return TransferAsk(self.source_id, self.target_id, self.points.value(), reason,
                           len(self.chosen_evidence()),
                           self.justification.toPlainText().strip() if reason == "other"
                           else "", person.name if person is not None else "",
                           person.role if person is not None else None)

    @property
    def check_key(self) -> tuple[object, str]:
        """The live check's key (:meth:`.tasks.Tasks.query`): a newer check, or a change
        of the fields, makes every earlier answer stale."""
        return (self, "check")

    @property
    def checking(self) -> bool:
        """Whether the answer shown is not for the fields as they are now: a change waits
        for its check, or the check's answer is still to come."""
        return self.timer.isActive() or self.desk.tasks.waiting(self.check_key)

    # ------------------------------------------------------------------ evidence
    def _add_item(self, name: str, sha: str, checked: bool) -> None:
        held = shas(self.evidence)
        if sha in held:
            if checked:
                self.evidence.item(held.index(sha)).setCheckState(Qt.CheckState.Checked)
            return
        item = evidence_item(f"{name} · SHA-256 {sha[:12]}…", sha)
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
        folder, chosen, language = (evidence_folder(self.desk), list(paths),
                                    self.desk.language.code)
        self.files_pending += 1
        # on the store lane: the evidence folder is written there, in turn with the outbox
        self.desk.tasks.on_store(lambda: judge(folder, chosen, language),
                                 self._files_added, self._files_failed)

    def _files_added(self, answers: list[Judged]) -> None:
        self.files_pending -= 1
        refused = []
        for name, sha, why in answers:
            if sha is not None:
                self._add_item(name, sha, checked=True)
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
        missing = self.missing()
        if missing:  # nothing the engine could check yet
            self.desk.tasks.forget(self.check_key)
            self.answer = None
            self.verdict.setText(f"<span>{html.escape(missing)}</span>")
            self.moves.set_rows([])
            return
        ask, now = self.ask(), self.desk.now()
        self.desk.tasks.query(store, lambda s: check_request(s, ask, now), self._checked,
                              key=self.check_key)

    def _checked(self, answer: TransferCheck) -> None:
        """The check of the fields as they are (an answer to fields since changed never
        arrives: the key)."""
        self.answer = answer
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
        folder = evidence_folder(self.desk)
        # files held here are uploaded before the command; the others are the server's
        # already (a case's attachments arrive through the feed)
        upload = [sha for sha in evidence if folder.has(sha)]
        problem = self.desk.outbox.send(body, evidence=upload, done=self.queued.emit)
        if problem is not None:
            self.error.setText(problem)
            return
        self.body = body
        super().accept()

