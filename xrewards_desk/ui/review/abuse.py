"""Compliance's work (T6, R22): referrals ranked by the score of their self-referral
signals, the two accounts side by side with the matching rows highlighted, opening an
abuse case (which blocks transfers, R21), confirming it after the engine's exact preview
(worked out on the local store's state on the store lane, works offline: the lots voided
in each account, transferred ones included, EUR claims, the discount voided only if it
was unused, the terminations for cause ticked) or dismissing it with a reason; and the
claims with their state.

Who may act (R27): compliance opens, confirms and dismisses abuse cases; compliance and
team leads follow up claims. For everyone else the buttons are disabled and say who can.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from xrewards_desk.contract import commands as c
from xrewards_desk.contract.records import ClaimStateName
from xrewards_desk.domain.model import Actor
from xrewards_desk.domain.workflow import claim_open, claim_step
from xrewards_desk.store.changes import Changes
from xrewards_desk.store.read.abuse import (
    ROWS,
    ClaimRowInfo,
    Comparison,
    ConfirmPreview,
    Party,
    ReferralRow,
    claim_rows,
    comparison,
    confirm_preview,
    referral_queue,
)
from xrewards_desk.ui import qt
from xrewards_desk.ui.cases.objections import ReasonDialog
from xrewards_desk.ui.shell.commands import words
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.presence import Presence, presence_label
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.listing import ListView
from xrewards_desk.ui.widgets.models import ALERT, SOON, Column, RowsModel, table_view
from xrewards_desk.ui.widgets.table_csv import CsvButton
from xrewards_desk.ui.widgets.wording import claim_reason, signal_sentence


def row_label(name: str) -> str:
    words = {"name": qt.QCoreApplication.translate("AbuseText", "Name"),
             "email": qt.QCoreApplication.translate("AbuseText", "E-mail"),
             "phone": qt.QCoreApplication.translate("AbuseText", "Phone"),
             "addresses": qt.QCoreApplication.translate("AbuseText", "Delivery addresses"),
             "organisation": qt.QCoreApplication.translate("AbuseText", "Organisation"),
             "billing": qt.QCoreApplication.translate("AbuseText", "Billing account"),
             "payments": qt.QCoreApplication.translate("AbuseText", "Payment fingerprints"),
             "signup_ip": qt.QCoreApplication.translate("AbuseText", "Sign-up IP"),
             "device": qt.QCoreApplication.translate("AbuseText", "Device"),
             "first_order": qt.QCoreApplication.translate("AbuseText", "First order")}
    return words.get(name, name)


def signal_name(kind: str) -> str:
    """A signal of a self-referral (R22) in words."""
    words = {
        "same_email": qt.QCoreApplication.translate("AbuseText", "same e-mail"),
        "email_plus": qt.QCoreApplication.translate("AbuseText", "e-mail with a +tag"),
        "email_dots": qt.QCoreApplication.translate("AbuseText", "e-mail with dots moved"),
        "email_lookalike": qt.QCoreApplication.translate("AbuseText", "look-alike e-mail"),
        "email_other_domain": qt.QCoreApplication.translate(
            "AbuseText", "same e-mail name at another domain"),
        "same_name": qt.QCoreApplication.translate("AbuseText", "same name"),
        "same_address": qt.QCoreApplication.translate("AbuseText", "same delivery address"),
        "same_phone": qt.QCoreApplication.translate("AbuseText", "same phone"),
        "same_billing_account": qt.QCoreApplication.translate(
            "AbuseText", "one billing account, two organisations"),
        "same_payment": qt.QCoreApplication.translate("AbuseText", "same payment"),
        "same_ip": qt.QCoreApplication.translate("AbuseText", "same sign-up IP"),
        "same_device": qt.QCoreApplication.translate("AbuseText", "same device"),
        "first_order_placed_by_referrer": qt.QCoreApplication.translate(
            "AbuseText", "first order placed by the referrer"),
        "first_order_paid_by_referrer": qt.QCoreApplication.translate(
            "AbuseText", "first order paid by the referrer"),
    }
    return words.get(kind, kind)


def case_state(status: str | None) -> str:
    words = {"open": qt.QCoreApplication.translate("AbuseText", "case open"),
             "confirmed": qt.QCoreApplication.translate("AbuseText", "confirmed"),
             "dismissed": qt.QCoreApplication.translate("AbuseText", "dismissed")}
    return words.get(status or "", "")


def claim_state(state: str) -> str:
    words = {"open": qt.QCoreApplication.translate("AbuseText", "open"),
             "invoiced": qt.QCoreApplication.translate("AbuseText", "invoiced"),
             "paid": qt.QCoreApplication.translate("AbuseText", "paid"),
             "written_off": qt.QCoreApplication.translate("AbuseText", "written off")}
    return words.get(state, state)


class ConfirmDialog(qt.QDialog):
    """What confirming does (R22), shown before it is confirmed: every line is read from
    the engine's outcome of the confirmation on the local state (:func:`confirm_preview`),
    worked out again on the store lane whenever a termination for cause is ticked."""

    #: the accounts to terminate changed: the view works out the preview again
    terminate_changed = qt.Signal()

    def __init__(self, fmt: Any, language: str, row: ReferralRow, preview: ConfirmPreview,
                 parent: qt.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm_abuse")
        self.setWindowTitle(self.tr("Confirm the self-referral"))
        self.fmt = fmt
        self.language = language
        self.row = row
        self.preview = preview
        self.body: c.ConfirmSelfReferral | None = None
        self.summary = forms.label("preview")
        self.summary.setTextFormat(qt.Qt.TextFormat.RichText)
        self.terminate_referrer = qt.QCheckBox(self.tr("Also terminate %1 for cause (R23: "
                                                       "balance forfeited)").replace(
            "%1", f"{row.referrer_name} ({row.referrer})"))
        self.terminate_invitee = qt.QCheckBox(self.tr("Also terminate %1 for cause (R23: "
                                                      "balance forfeited)").replace(
            "%1", f"{row.invitee_name} ({row.invitee})"))
        for box in (self.terminate_referrer, self.terminate_invitee):
            box.toggled.connect(self._terminate_toggled)
        self.reason = qt.QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(80)
        self.error = forms.label("error")
        self.error.setStyleSheet("color: #b91c1c;")
        self.buttons = qt.QDialogButtonBox(qt.QDialogButtonBox.StandardButton.Ok
                                           | qt.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        forms.column(self, self.summary, self.terminate_referrer, self.terminate_invitee,
                     qt.QLabel(self.tr("Reason")), self.reason, self.error, self.buttons)
        # a floor for the wrapped preview; the layout widens it for a longer check box (a
        # minimum set on the dialog itself would cut the German one off)
        self.summary.setMinimumWidth(600)
        self.show_preview(preview)

    def terminate(self) -> tuple[str, ...]:
        """The accounts ticked for termination for cause, referrer first."""
        return tuple(a for box, a in ((self.terminate_referrer, self.row.referrer),
                                      (self.terminate_invitee, self.row.invitee))
                     if box.isChecked())

    @property
    def current(self) -> bool:
        """The preview shown is the one for the ticks as they are."""
        return self.preview.terminate == self.terminate()

    def _terminate_toggled(self) -> None:
        self.error.setText("")
        self._update_ok()
        if not self.current:
            self.summary.setText(html.escape(self.tr("Working out the engine's preview…")))
            self.terminate_changed.emit()
        else:
            self.show_preview(self.preview)

    def show_preview(self, preview: ConfirmPreview) -> None:
        """Show the engine's outcome (the view calls this with each new one)."""
        self.preview = preview
        if self.current:
            self.summary.setText("<br>".join(html.escape(x) for x in self.lines()))
            self.error.setText("" if preview.ok else self.tr(
                "The engine refuses this: %1").replace("%1", preview.message(self.language)))
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(qt.QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.current and self.preview.ok)

    def lines(self) -> list[str]:
        """The preview in words, one line each, all from the engine's outcome."""
        p, fmt = self.preview, self.fmt
        lines = [self.tr("Confirming case %1 does exactly this (the engine's preview, "
                         "R22):").replace("%1", p.case)]
        if not p.ok:
            return lines
        for void in p.voids:
            lots = ", ".join(
                self.tr("%1 (%2, transferred from %3)").replace("%1", lot.lot).replace(
                    "%2", fmt.points(lot.points)).replace("%3", lot.transferred_from)
                if lot.transferred_from else f"{lot.lot} ({fmt.points(lot.points)})"
                for lot in void.lots)
            lines.append(self.tr("%1: %Ln point(s) voided (lots %2)", "", void.points)
                         .replace("%1", void.account).replace("%2", lots))
        if not p.voids:
            lines.append(self.tr("No points are left to void."))
        for claim in p.claims:
            amount = fmt.money(claim.amount)
            if claim.kind == "bonus":
                text = self.tr("%1: a claim of %2 for %Ln redeemed point(s) of the referral "
                               "bonus", "", claim.points)
            elif claim.kind == "discount":
                text = self.tr("%1: a claim of %2 for the discount code used on order "
                               "%3").replace("%3", claim.order or "")
            else:
                text = self.tr("%1: a claim of %2 (%3)").replace("%3", claim_reason(claim.reason))
            lines.append(text.replace("%1", claim.account).replace("%2", amount))
        if p.discount_voided:
            lines.append(self.tr("The invitee's unused discount code is voided."))
        for end in p.terminations:
            lines.append(self.tr("%1 is terminated for cause: %Ln point(s) forfeited (R23).",
                                 "", end.forfeited).replace("%1", end.account))
        if p.cases_closed:
            lines.append(self.tr("Closed as confirmed: %1").replace(
                "%1", ", ".join(p.cases_closed)))
        return lines

    def accept(self) -> None:
        if not (self.current and self.preview.ok):
            return
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.error.setText(self.tr("Give a reason."))
            return
        try:
            self.body = c.ConfirmSelfReferral(
                type="confirm_self_referral", case=self.preview.case,
                version=self.preview.version, terminate=list(self.preview.terminate),
                reason=reason)
        except ValidationError as exc:
            self.error.setText(words(exc))
            return
        super().accept()


class AbuseView(ListView):
    """Referrals ranked by score, compared side by side, reviewed (compliance)."""

    open_customer = qt.Signal(str)

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, "abuse")
        self.compared: Comparison | None = None
        #: the confirm dialog shown last (tests and screenshots read it)
        self.last_dialog: ConfirmDialog | None = None
        self.model: RowsModel[ReferralRow] = RowsModel([
            Column(lambda: self.tr("Score"), lambda r: str(r.score), right=True,
                   background=lambda r: SOON if r.score >= 60 else None),
            Column(lambda: self.tr("Referrer"), lambda r: f"{r.referrer_name} ({r.referrer})"),
            Column(lambda: self.tr("Invitee"), lambda r: f"{r.invitee_name} ({r.invitee})"),
            Column(lambda: self.tr("Signals"), lambda r: ", ".join(
                signal_name(s.kind) for s in r.signals)),
            Column(lambda: self.tr("Case"), lambda r: (
                f"{r.case.id} · {case_state(r.case.status)}" if r.case else ""),
                foreground=lambda r: ALERT if r.open_case else None),
        ], self)
        self.table = table_view(self.model, "abuse_table")
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.compare())
        self.side = qt.QTableWidget(len(ROWS), 2)
        self.side.setObjectName("comparison")
        self.side.setEditTriggers(qt.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.side.horizontalHeader().setSectionResizeMode(qt.QHeaderView.ResizeMode.Stretch)
        self.side.setWordWrap(True)
        self.signals = qt.QTextBrowser()
        self.signals.setObjectName("signals")
        self.open_button = forms.button("open_abuse_case", self.open_case)
        self.confirm_button = forms.button("confirm_abuse_case", self.confirm)
        self.dismiss_button = forms.button("dismiss_abuse_case", self.dismiss)
        self.message = forms.label("message")
        self.presence = Presence(desk, self)
        self.presence_label = presence_label(self.presence)
        buttons = qt.QHBoxLayout()
        buttons.addWidget(self.presence_label)
        for button in (self.open_button, self.confirm_button, self.dismiss_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(CsvButton(self, self.model, "referrals", desk.fmt, desk.now))
        right = qt.QWidget()
        right_layout = qt.QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.side, 3)
        right_layout.addWidget(self.signals, 2)
        split = qt.QSplitter(qt.Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setSizes([560, 700])
        forms.column(self, (split, 1), buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.open_button.setText(self.tr("Open abuse case"))
        self.confirm_button.setText(self.tr("Preview and confirm…"))
        self.dismiss_button.setText(self.tr("Dismiss…"))
        self.side.setHorizontalHeaderLabels([self.tr("Referrer"), self.tr("Invitee")])
        self.side.setVerticalHeaderLabels([row_label(r) for r in ROWS])
        self.model.retranslate()
        self.update_buttons()

    def refresh(self) -> None:
        self.read(referral_queue, self._show)

    def concerns(self, changes: Changes) -> bool:
        """Referrals and their signs, abuse cases, claims, the accounts compared."""
        return changes.any("account", "abuse_signal", "abuse_case", "suspicion", "claim",
                           "order", "discount")

    def _show(self, rows: list[ReferralRow]) -> None:
        self.place(rows, lambda r: (r.referrer, r.invitee), or_first=True)
        self.compare()

    def selected(self) -> ReferralRow | None:
        return self.model.row(self.table.currentIndex())

    def compare(self) -> None:
        row = self.selected()
        if row is None:
            self.compared = None
            self.update_buttons()
            return
        self.desk.tasks.query(self.desk.local(),
                              lambda s: comparison(s, row.referrer, row.invitee),
                              self._compared, key=(self, "compared"))

    def first_order_text(self, party: Party) -> str:
        """The first order's facts in the desk's language."""
        if party.first_order is None:
            return ""
        order, placed_by, paid_by = party.first_order
        return self.tr("%1: placed by %2, paid by %3").replace("%1", order).replace(
            "%2", placed_by).replace("%3", paid_by or "—")

    def _compared(self, found: Comparison) -> None:
        row = self.selected()
        if row is None or (found.referrer.id, found.invitee.id) != (row.referrer, row.invitee):
            return
        self.compared = found
        if found.case is not None and found.case.status == "open":
            self.presence.watch(f"abuse_case:{found.case.id}")
        else:
            self.presence.stop()
        for i, name in enumerate(ROWS):
            for j, party in enumerate((found.referrer, found.invitee)):
                text = (self.first_order_text(party) if name == "first_order"
                        else party.values.get(name, ""))
                item = qt.QTableWidgetItem(text)
                if name in found.highlighted:
                    item.setBackground(SOON)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.side.setItem(i, j, item)
        self.side.resizeRowsToContents()
        e = html.escape
        parts = ["<ul>"] + [
            f"<li><b>{e(signal_name(s.kind))}</b> (+{s.weight}): "
            f"{e(signal_sentence(s.kind, s.evidence))}</li>"
            for s in found.signals] + ["</ul>"]
        if found.suspicions:
            parts.append("<p><b>" + e(self.tr("Reported by agents")) + "</b></p><ul>")
            parts += [f"<li>{e(self.desk.fmt().when(at))} {e(who)}: {e(text)}</li>"
                      for at, who, text in found.suspicions]
            parts.append("</ul>")
        self.signals.setHtml("".join(parts))
        self.update_buttons()

    def update_buttons(self) -> None:
        row = self.selected()
        has_open = row is not None and row.open_case is not None
        # R27: who may open, confirm and dismiss is the domain's matrix
        for button, command, ready in (
                (self.open_button, "open_abuse_case", row is not None and not has_open),
                (self.confirm_button, "confirm_self_referral", has_open),
                (self.dismiss_button, "dismiss_abuse_case", has_open)):
            why = access.why_not(self.desk, command)
            button.setEnabled(not why and ready)
            button.setToolTip(why or ("" if ready or row is None or has_open
                                      else self.tr("Open a case first.")))

    # ------------------------------------------------------------------ commands
    def _send(self, command: c.Command | Callable[[], c.Command]) -> None:
        problem = self.desk.outbox.send(command, done=lambda _id: self._queued())
        if problem is not None:
            self.message.setText(problem)

    def _queued(self) -> None:
        self.message.setText(self.tr("Queued; it is sent with this sync."))
        self.refresh()

    def open_case(self) -> None:
        row = self.selected()
        if row is None:
            return
        self._send(c.OpenAbuseCase(type="open_abuse_case", account=row.invitee,
                                   on_referral=True))

    def dismiss(self) -> None:
        row = self.selected()
        if row is None or row.open_case is None:
            return
        dialog = ReasonDialog(self.tr("Dismiss the abuse case"), self.tr("Reason"), True,
                              self)
        if dialog.exec():
            case, reason = row.open_case, dialog.text()
            self._send(lambda: c.DismissAbuseCase(type="dismiss_abuse_case", case=case.id,
                                                  version=case.version, reason=reason))

    def confirm(self) -> None:
        row = self.selected()
        session = self.desk.session
        person = session.person if session is not None else None
        store = self.desk.store
        if row is None or row.open_case is None or person is None or store is None:
            return
        case = row.open_case.id
        actor = Actor(person.name, access.role_of(self.desk))
        self.message.setText(self.tr("Working out the engine's preview…"))
        dialog: ConfirmDialog | None = None

        def preview(terminate: tuple[str, ...], shown: Any) -> None:
            now = self.desk.now()
            # the preview of the newest choice of accounts to terminate only
            self.desk.tasks.query(
                store, lambda s: confirm_preview(s, case, actor, now, terminate), shown,
                failed, key=(self, "preview"))

        def first(found: ConfirmPreview) -> None:
            nonlocal dialog
            self.message.setText("")
            dialog = ConfirmDialog(self.desk.fmt(), self.desk.language.code, row, found, self)
            dialog.terminate_changed.connect(
                lambda: preview(dialog.terminate(), dialog.show_preview) if dialog else None)
            self.last_dialog = dialog
            if self.desk.quiet:
                dialog.show()
                return
            if dialog.exec() and dialog.body is not None:
                self._send(dialog.body)

        def failed(exc: BaseException) -> None:
            self.message.setText(self.tr("The preview could not be worked out: %1").replace(
                "%1", str(exc)))
            if self.desk.tasks.unexpected is not None:
                self.desk.tasks.unexpected(exc)

        preview((), first)


class ClaimsView(ListView):
    """R22 claims with their state and who changed it; compliance and team leads move
    them on (open → invoiced → paid, or written off)."""

    open_customer = qt.Signal(str)

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk, "claims", "claim_filter")
        f = desk.fmt
        self.model: RowsModel[ClaimRowInfo] = RowsModel([
            Column(lambda: self.tr("Claim"), lambda c: str(c.id), right=True),
            Column(lambda: self.tr("Date"), lambda c: f().when(c.at)),
            Column(lambda: self.tr("Customer"), lambda c: f"{c.customer} ({c.account_id})"),
            Column(lambda: self.tr("Amount"), lambda c: f().money(c.amount), right=True),
            Column(lambda: self.tr("State"), lambda c: claim_state(c.state),
                   foreground=lambda c: ALERT if c.state == "open" else None),
            Column(lambda: self.tr("Changed"), lambda c: " · ".join(
                x for x in (f().when(c.state_at), c.state_by or "") if x)),
            Column(lambda: self.tr("Reason"), lambda c: claim_reason(c.reason),
                   tooltip=lambda c: claim_reason(c.reason)),
        ], self)
        self.table = table_view(self.model, "claim_table")
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_buttons())
        self.table.activated.connect(lambda i: self.open_customer.emit(
            self.model.rows[i.row()].account_id))
        self.buttons: dict[str, qt.QPushButton] = {}
        row = self.filter_row()
        states: tuple[ClaimStateName, ...] = ("invoiced", "paid", "written_off")
        for state in states:
            button = qt.QPushButton()
            button.setObjectName(f"claim_{state}")
            button.clicked.connect(lambda _c=False, s=state: self.set_state(s))
            self.buttons[state] = button
            row.addWidget(button)
        self.message = forms.label("message", wrap=False)
        self.presence = Presence(desk, self)
        self.presence_label = presence_label(self.presence)
        row.addWidget(CsvButton(self, self.model, "claims", f, desk.now))
        forms.column(self, row, (self.table, 1), self.presence_label, self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.retranslate_filter([("", self.tr("All claims")),
                                 *((state, claim_state(state)) for state in
                                   ("open", "invoiced", "paid", "written_off"))], "")
        self.buttons["invoiced"].setText(self.tr("Mark invoiced"))
        self.buttons["paid"].setText(self.tr("Mark paid"))
        self.buttons["written_off"].setText(self.tr("Write off"))
        self.model.retranslate()
        self.update_buttons()

    def refresh(self) -> None:
        state = self.filter.currentData() or None
        self.read(lambda s: claim_rows(s, state), self._show)

    def concerns(self, changes: Changes) -> bool:
        """Claims, and the customers they are owed by."""
        return changes.any("claim", "account", "abuse_case")

    def _show(self, rows: list[ClaimRowInfo]) -> None:
        self.place(rows, or_first=True)
        self.update_buttons()

    def selected(self) -> ClaimRowInfo | None:
        return self.model.row(self.table.currentIndex())

    def update_buttons(self) -> None:
        claim = self.selected()
        if claim is not None and claim_open(claim.state):
            self.presence.watch(f"claim:{claim.id}")
        else:
            self.presence.stop()
        # R27 (who follows up claims) and R22 (which state may follow which): the domain's
        why = access.why_not(self.desk, "set_claim_state")
        for state, button in self.buttons.items():
            ok = not why and claim is not None and bool(claim_step(claim.state, state))
            button.setEnabled(ok)
            button.setToolTip(why)

    def set_state(self, state: ClaimStateName) -> None:
        claim = self.selected()
        if claim is None:
            return
        problem = self.desk.outbox.send(
            c.SetClaimState(type="set_claim_state", claim=claim.id, version=claim.version,
                            state=state), done=lambda _id: self._queued())
        if problem is not None:
            self.message.setText(problem)

    def _queued(self) -> None:
        self.message.setText(self.tr("Queued; it is sent with this sync."))
        self.refresh()
