"""The audit view (R27: team leads and compliance): the server's audit log, read online
(it is not in the change feed, ARCHITECTURE.md), filtered by person, action, customer
number and period, a page at a time ("Load more"), the selected record's detail as JSON,
and "Verify chain", which has the server walk the hash chain and its signed checkpoints
and lists every break by record number. Above, whether the server's chain still contains
the signed head this desktop last saw (sync/audit_head.py), with a warning when it does
not. Every call runs on the network lane; offline, the view says so and keeps what it
showed."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, get_args

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.store.read.lookups import staff_names
from xrewards_desk.sync import audit_head
from xrewards_desk.sync.client import NotSignedIn, Offline, Refused
from xrewards_desk.ui.qt import (
    QComboBox,
    QFont,
    QFormLayout,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.models import ALERT, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.pickers import date_edit, pydate, qdate
from xrewards_desk.ui.widgets.wording import action_name, role_name

log = logging.getLogger(__name__)

#: records a page (the view asks for the next page with "Load more")
PAGE = 200


@dataclass(frozen=True)
class AuditRow:
    """One audit record as the view shows it (plain data, from the contract's
    :class:`~..contract.commands.AuditRecord`)."""

    id: int
    at: datetime
    actor: str
    role: str | None
    action: str
    subject: str
    outcome: str
    case: str
    detail: dict[str, Any]
    hash: str

    @property
    def refused(self) -> bool:
        return self.outcome.startswith("refused")


def case_of(subject: str, detail: dict[str, Any]) -> str:
    """The case a record belongs to: its subject's e-mail or abuse case, or the case its
    command names ("#12", "AC-00001"); "" for none."""
    kind, _, ident = subject.partition(":")
    if kind == "mail_case" and ident:
        return f"#{ident}"
    if kind == "abuse_case" and ident:
        return ident
    command = detail.get("command")
    case = command.get("case") if isinstance(command, dict) else None
    if isinstance(case, int):
        return f"#{case}"
    return str(case) if case else ""


def row_of(record: c.AuditRecord) -> AuditRow:
    return AuditRow(id=record.id, at=record.at, actor=record.actor, role=record.role,
                    action=record.action, subject=record.subject, outcome=record.outcome,
                    case=case_of(record.subject, record.detail), detail=record.detail,
                    hash=record.hash)


def actions() -> list[str]:
    """Every action the audit log records: the commands, the shop's events, uploads."""
    names = {"upload_evidence"}
    for union in (c.Command, c.ShopEvent):
        for model in get_args(get_args(union)[0]):
            names.update(get_args(model.model_fields["type"].annotation))
    return sorted(names)


def numbers(broken: c.BrokenRecord) -> str:
    """A break's records: "#12" or "#12–15"."""
    first, last = broken.id, broken.through
    return f"#{first}" if last in (None, first) else f"#{first}–{last}"


def start_of(day: date) -> datetime:
    """The first instant of a Berlin calendar day."""
    return datetime.combine(day, time(0), tzinfo=BERLIN)


class AuditView(QWidget):
    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.setObjectName("audit")
        self.desk = desk
        #: the key of the log's pages on the network lane: a reload supersedes the page
        #: still asked for, whose answer is then never delivered
        self.key = ("audit", id(self))
        self.loaded = False
        self.page_size = PAGE
        #: the last page's cursor, and whether the server has more after it
        self.after = "0"
        self.more = False
        #: what the status line says instead of the count (loading, offline, refused)
        self.message = ""
        #: the last verification's answer, None before the first
        self.verification: c.AuditVerification | None = None
        self.verifying = False
        #: what the server said of the signed head this desktop remembers (None: not
        #: asked yet this session), and whether it is being asked
        self.head_check: audit_head.HeadCheck | None = None
        self.head_checking = False
        self.head_asked = False
        #: user name -> display name, from the local store's staff
        self.names: dict[str, str] = {}
        f = desk.fmt

        self.person = QComboBox()
        self.person.setObjectName("audit_person")
        self.action = QComboBox()
        self.action.setObjectName("audit_action")
        self.customer = QLineEdit()
        self.customer.setObjectName("audit_customer")
        self.customer.setClearButtonEnabled(True)
        self.since = date_edit("audit_since")
        self.until = date_edit("audit_until")
        today = desk.now().astimezone(BERLIN).date()
        start = today - timedelta(days=30)
        self.since.setDate(qdate(start))
        self.apply_button = forms.button("audit_apply", self.refresh)
        # a change of filter reloads after a pause, so typing a number asks once
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(300)
        self.debounce.timeout.connect(self.refresh)
        self.person.currentIndexChanged.connect(lambda _i: self.debounce.start())
        self.action.currentIndexChanged.connect(lambda _i: self.debounce.start())
        self.since.dateChanged.connect(lambda _d: self.debounce.start())
        self.until.dateChanged.connect(lambda _d: self.debounce.start())
        self.customer.returnPressed.connect(self.refresh)

        self.model: RowsModel[AuditRow] = RowsModel([
            Column(lambda: self.tr("#"), lambda r: str(r.id), right=True),
            Column(lambda: self.tr("When"), lambda r: f().when(r.at)),
            Column(lambda: self.tr("Who"), lambda r: self.who(r.actor)),
            Column(lambda: self.tr("Role"), lambda r: role_name(r.role)),
            Column(lambda: self.tr("Action"), lambda r: action_name(r.action),
                   tooltip=lambda r: r.action),
            Column(lambda: self.tr("Record"), lambda r: r.subject),
            Column(lambda: self.tr("Outcome"), lambda r: self.outcome_text(r.outcome),
                   foreground=lambda r: ALERT if r.refused else None),
            Column(lambda: self.tr("Case"), lambda r: r.case),
        ], self)
        self.table = table_view(self.model, "audit_table")
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.show_detail(current))
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("audit_detail")
        self.detail.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.detail.setFont(mono)

        self.more_button = QPushButton()
        self.more_button.setObjectName("audit_more")
        self.more_button.setEnabled(False)
        self.more_button.clicked.connect(self.load_more)
        self.verify_button = forms.button("audit_verify", self.verify)
        self.status = forms.label("audit_status")
        self.chain = forms.label("audit_chain")
        self.chain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.head = forms.label("audit_head")
        self.head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        filters = QFormLayout()
        self.person_label, self.action_label, self.customer_label, self.period_label = (
            QLabel(), QLabel(), QLabel(), QLabel())
        filters.addRow(self.person_label, self.person)
        filters.addRow(self.action_label, self.action)
        filters.addRow(self.customer_label, self.customer)
        self.to_label = QLabel()
        period = forms.row(self.since, self.to_label, self.until, 1, self.apply_button)
        filters.addRow(self.period_label, period)
        buttons = forms.row(self.more_button, (self.status, 1), self.verify_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        work = QWidget()
        work_layout = QVBoxLayout(work)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.addWidget(self.head)
        work_layout.addLayout(filters)
        work_layout.addWidget(splitter, 1)
        work_layout.addLayout(buttons)
        work_layout.addWidget(self.chain)

        self.refusal = forms.label("audit_refusal")
        self.refusal.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(work)
        self.pages.addWidget(self.refusal)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.retranslate()
        self.load_people()
        self.update_buttons()

    # ----------------------------------------------------------------- words
    def retranslate(self) -> None:
        people = sorted(((name, f"{shown} ({name})" if shown != name else name)
                         for name, shown in self.names.items()),
                        key=lambda item: item[1].lower())
        forms.refill(self.person, [("", self.tr("Anyone")), *people], default="")
        named = sorted(((a, action_name(a)) for a in actions()),
                       key=lambda item: item[1].lower())
        forms.refill(self.action, [("", self.tr("Any action")), *named], default="")
        for edit in (self.since, self.until):  # 06.12.2026 (de), 06/12/2026 (en)
            edit.setDisplayFormat(self.desk.fmt().picker_format())
        self.customer.setPlaceholderText(self.tr("Customer number, e.g. XR-1002836"))
        self.person_label.setText(self.tr("Person:"))
        self.action_label.setText(self.tr("Action:"))
        self.customer_label.setText(self.tr("Customer:"))
        self.period_label.setText(self.tr("Period:"))
        self.to_label.setText(self.tr("to"))
        self.apply_button.setText(self.tr("Show"))
        self.more_button.setText(self.tr("Load more"))
        self.verify_button.setText(self.tr("Verify chain"))
        self.verify_button.setToolTip(self.tr(
            "The server checks that each record's hash covers the one before it, from the "
            "first record on"))
        self.refusal.setText(self.tr(
            "The audit log is for team leads and compliance (R27)."))
        self.model.retranslate()
        self._show_status()
        self._show_chain()
        self._show_head()

    def who(self, actor: str) -> str:
        shown = self.names.get(actor)
        return f"{shown} ({actor})" if shown and shown != actor else actor

    def outcome_text(self, outcome: str) -> str:
        if outcome == "applied":
            return self.tr("applied")
        if outcome.startswith("refused:"):
            return self.tr("refused: %1").replace("%1", outcome.removeprefix("refused:"))
        return outcome

    # ----------------------------------------------------------------- role
    @property
    def allowed(self) -> bool:
        return access.allowed(self.desk, "read_audit")  # R27, the domain's matrix

    def update_buttons(self) -> None:
        """Shows the log or, for other roles, that it is not theirs (the window calls this
        when the person changes)."""
        was = self.pages.currentIndex() == 0
        self.pages.setCurrentIndex(0 if self.allowed else 1)
        if self.allowed and not was:
            self.refresh()

    def load_people(self) -> None:
        store = self.desk.store
        if store is None:
            return

        def done(names: dict[str, str]) -> None:
            self.names = names
            self.retranslate()

        self.desk.tasks.query(store, staff_names, done)

    # ----------------------------------------------------------------- the log
    def filters(self) -> dict[str, Any]:
        """The filters as the client's `audit` takes them (None: not narrowed)."""
        since, until = pydate(self.since.date()), pydate(self.until.date())
        return {"actor": self.person.currentData() or None,
                "action": self.action.currentData() or None,
                "account": self.customer.text().strip() or None,
                "since": start_of(since) if since else None,
                "until": start_of(until + timedelta(days=1)) if until else None}

    def refresh(self) -> None:
        """Load the first page for the filters as they stand."""
        self.debounce.stop()
        self.desk.tasks.forget(self.key)
        self.loaded = False
        self.more = False
        self.more_button.setEnabled(False)
        if not self.allowed or self.desk.session is None:
            self.pages.setCurrentIndex(1)
            self.model.set_rows([])
            self.loaded = True
            return
        self.pages.setCurrentIndex(0)
        self._ask("0", first=True)
        if not self.head_asked:
            self.check_head()

    def load_more(self) -> None:
        if not self.loaded or not self.more:
            return
        self.loaded = False
        self.more_button.setEnabled(False)
        self._ask(self.after, first=False)

    def _ask(self, after: str, first: bool) -> None:
        session = self.desk.session
        if session is None:
            self.loaded = True
            return
        client, size, filters = session.client, self.page_size, self.filters()
        self.message = self.tr("Reading the audit log from the server…")
        self._show_status()
        self.desk.tasks.on_net(lambda: client.audit(after, size, **filters),
                               lambda page: self._page(first, page), self._failed,
                               key=self.key)

    def _page(self, first: bool, page: c.AuditPage) -> None:
        rows = [row_of(r) for r in page.records]
        if first:
            self.model.set_rows(rows)
            self.detail.setPlainText("")
        elif rows:
            start = len(self.model.rows)
            self.model.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self.model.rows.extend(rows)
            self.model.endInsertRows()
        self.after = page.next
        self.more = page.more
        self.more_button.setEnabled(self.more)
        self.message = ""
        self.loaded = True
        self._show_status()

    def _failed(self, exc: BaseException) -> None:
        self.loaded = True
        self.more_button.setEnabled(self.more)
        self.message = self.problem(exc)
        if isinstance(exc, Refused) and exc.status == 403:
            self.pages.setCurrentIndex(1)
        self._show_status()

    def problem(self, exc: BaseException) -> str:
        """An expected failure in plain words (a bug is logged with its trace)."""
        if isinstance(exc, Offline):
            return self.tr("The audit log is kept on the server, which cannot be reached "
                           "now (offline). Try again when the connection is back.")
        if isinstance(exc, NotSignedIn):
            return self.tr("The server no longer accepts this sign-in; sign in again to "
                           "read the audit log.")
        if isinstance(exc, Refused):
            if exc.status == 403:
                return self.tr("The audit log is for team leads and compliance (R27).")
            return self.tr("The server refused: %1").replace("%1", exc.message)
        log.error("reading the audit log failed", exc_info=exc)
        return self.tr("Reading the audit log failed: %1").replace("%1", str(exc))

    def _show_status(self) -> None:
        if self.message:
            self.status.setText(self.message)
            return
        if not self.loaded:
            self.status.setText("")
            return
        count = len(self.model.rows)
        self.status.setText(
            self.tr("%Ln record(s) shown; more with “Load more”", "", count) if self.more
            else self.tr("%Ln record(s)", "", count))

    def selected(self) -> AuditRow | None:
        return self.model.row(self.table.currentIndex())

    def show_detail(self, index: Any = None) -> None:
        row = self.model.row(index) if index is not None else self.selected()
        if row is None:
            self.detail.setPlainText("")
            return
        head = self.tr("Record #%1, %2 by %3: %4").replace("%1", str(row.id)).replace(
            "%2", self.desk.fmt().when(row.at)).replace("%3", self.who(row.actor)).replace(
            "%4", action_name(row.action))
        digest = self.tr("Hash: %1").replace("%1", row.hash)
        self.detail.setPlainText(
            f"{head}\n{digest}\n\n"
            + json.dumps(row.detail, indent=2, ensure_ascii=False, sort_keys=True))

    # ----------------------------------------------------------------- the chain
    def verify(self) -> None:
        session = self.desk.session
        if session is None or not self.allowed or self.verifying:
            return
        client = session.client
        self.verifying = True
        self.verify_button.setEnabled(False)
        self.chain.setText(self.tr("The server is checking the chain…"))

        def done(answer: c.AuditVerification) -> None:
            self.verifying = False
            self.verify_button.setEnabled(True)
            self.verification = answer
            self._show_chain()

        def failed(exc: BaseException) -> None:
            self.verifying = False
            self.verify_button.setEnabled(True)
            self.verification = None
            self.chain.setText(self.problem(exc))

        self.desk.tasks.on_net(client.audit_verify, done, failed)
        self.check_head()

    def chain_text(self) -> str:
        answer = self.verification
        if answer is None:
            return ""
        checked = answer.checked
        broken = answer.first_broken
        if answer.ok or broken is None:
            return self.tr("Chain intact: %Ln record(s) checked.", "", checked)
        text = self.tr("First broken record: #%1 (%2).").replace(
            "%1", str(broken.id)).replace("%2", self.break_name(broken.reason))
        if broken.at is not None:
            before = max(0, broken.id - 1)
            text += " " + self.tr("The break shows at %1; the %Ln record(s) before it hold.",
                                  "", before).replace("%1", self.desk.fmt().when(broken.at))
        breaks = answer.breaks or [broken]
        if len(breaks) > 1:
            text += "\n" + self.tr("Every break (%Ln): ", "", len(breaks)) + "; ".join(
                f"{numbers(b)} {self.break_name(b.reason)}" for b in breaks)
        return text

    def break_name(self, reason: str) -> str:
        return {"edited": self.tr("edited"), "missing": self.tr("missing"),
                "truncated": self.tr("cut off after a checkpoint"),
                "bad_signature": self.tr("checkpoint's signature does not hold"),
                "unknown_key": self.tr("checkpoint signed by an unknown key"),
                "missing_checkpoint": self.tr("checkpoint missing"),
                }.get(reason, reason)

    def _show_chain(self) -> None:
        if self.verification is not None:
            text = self.chain_text()
            self.chain.setText(text)
            broken = self.verification.first_broken
            self.chain.setStyleSheet("" if self.verification.ok else "color: #b91c1c;")
            self.chain.setToolTip("\n".join(b.message for b in (
                self.verification.breaks or ([broken] if broken else []))))

    # ----------------------------------------------------------------- the signed head
    def check_head(self) -> None:
        """Ask whether the server's chain still contains the signed head this desktop
        remembers (store lane, then network lane, then store lane to remember a newer
        one); warn above the log if it does not."""
        session, store = self.desk.session, self.desk.store
        if session is None or store is None or not self.allowed or self.head_checking:
            return
        self.head_asked = True
        self.head_checking = True
        client, api = session.client, session.api

        def failed(exc: BaseException) -> None:
            self.head_checking = False
            if not isinstance(exc, Offline | NotSignedIn | Refused):
                log.error("checking the audit head failed", exc_info=exc)

        def seen(head: audit_head.SeenHead | None) -> None:
            self.desk.tasks.on_net(lambda: audit_head.ask(client, head),
                                   lambda answer: asked(head, answer), failed)

        def asked(head: audit_head.SeenHead | None,
                  answer: tuple[c.AuditPublicKey, c.AuditConsistency]) -> None:
            result = audit_head.judge(head, *answer)
            now = self.desk.now()
            self.desk.tasks.on_store(lambda: audit_head.remember(store, api, result, now),
                                     lambda _kept: judged(result), failed)

        def judged(result: audit_head.HeadCheck) -> None:
            self.head_checking = False
            self.head_check = result
            self._show_head()

        self.desk.tasks.on_store(lambda: audit_head.remembered(store, api), seen, failed)

    def head_text(self) -> str:
        result = self.head_check
        if result is None:
            return ""
        seen, now = result.seen, result.now
        when = self.desk.fmt().when
        if result.status == "gone" and seen is not None:
            text = (self.tr("Warning: the server's audit log no longer contains record %1 "
                            "as this desktop saw it signed (%2): records were deleted since.")
                    if result.found is None else
                    self.tr("Warning: the server's audit log no longer contains record %1 "
                            "as this desktop saw it signed (%2): records were rewritten "
                            "since."))
            return (text.replace("%1", str(seen.record)).replace("%2", when(seen.at))
                    + " " + self.tr("Tell the administrator and keep this desktop's store "
                                    "as evidence."))
        if result.status == "older" and seen is not None:
            return self.tr(
                "Warning: the server's newest signed checkpoint (%1) is older than the one "
                "this desktop saw (%2, record %3, %4): checkpoints were deleted.").replace(
                "%1", str(now.seq) if now else "—").replace("%2", str(seen.seq)).replace(
                "%3", str(seen.record)).replace("%4", when(seen.at))
        if result.status == "bad_signature":
            return self.tr("Warning: the server's newest audit checkpoint is not signed by "
                           "the key this desktop knows (%1): it was forged or altered."
                           ).replace("%1", seen.key_id if seen else result.key_id)
        if result.status == "key_changed" and seen is not None:
            return self.tr("Warning: the server now signs its audit log with another key "
                           "(%1; this desktop knows %2). Unless the key was replaced on "
                           "purpose, the log may have been signed anew.").replace(
                "%1", result.key_id).replace("%2", seen.key_id)
        if result.status == "unsigned" or now is None:
            return self.tr("The server has not signed its audit log yet.")
        if result.status == "first":
            return self.tr("Signed head: record %1 (%2), key %3; this desktop remembers it "
                           "and warns if the server's log no longer contains it.").replace(
                "%1", str(now.record)).replace("%2", when(now.at)).replace(
                "%3", now.key_id)
        return self.tr("Signed head: record %1 (%2), key %3; the server's log still "
                       "contains what this desktop saw before.").replace(
            "%1", str(now.record)).replace("%2", when(now.at)).replace("%3", now.key_id)

    def _show_head(self) -> None:
        result = self.head_check
        self.head.setText(self.head_text())
        self.head.setVisible(result is not None)
        self.head.setStyleSheet("color: #b91c1c; font-weight: bold;"
                                if result is not None and result.warning else "")
