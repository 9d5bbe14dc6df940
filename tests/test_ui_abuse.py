"""Compliance's work in the desktop (pytest-qt, offscreen) against the real reference
server on 127.0.0.1 with the demo: the abuse queue with both accounts side by side, a
confirmed self-referral voiding and claiming exactly what the engine's preview (worked
out on the desktop's own store) said and terminating the accounts chosen (R22, R23), a
used code claimed and an unused one voided, a dismissal, a claim followed up to paid,
an agent's report of a suspicion, and the buttons each role gets (R27).

Expected values come from the server's store by plain SQL and from RULES.md."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.case_harness import WAIT, Agent, as_command, outcome, send, signed_in, sync
from tests.demo_fixture import Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.store import models as m

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.review.abuse import AbuseView, ClaimsView, ConfirmDialog


def abuse_view(qtbot: Any, agent: Agent) -> AbuseView:
    agent.window.show_view("abuse")
    view = agent.window.role_views["abuse"].page
    assert isinstance(view, AbuseView)
    qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
    return view


def select_pair(qtbot: Any, view: AbuseView, invitee: str) -> None:
    row = next(i for i, r in enumerate(view.model.rows) if r.invitee == invitee)
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: view.compared is not None
                    and view.compared.invitee.id == invitee, timeout=WAIT)


def preview_dialog(qtbot: Any, view: AbuseView, invitee: str) -> ConfirmDialog:
    """The confirm dialog of the pair's open case, with the engine's first preview."""
    select_pair(qtbot, view, invitee)
    view.last_dialog = None
    view.confirm()
    qtbot.waitUntil(lambda: view.last_dialog is not None, timeout=WAIT)
    dialog = view.last_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def tick(qtbot: Any, dialog: ConfirmDialog, box: Any) -> None:
    """Tick a termination; the preview is worked out again on the store lane."""
    box.setChecked(True)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    qtbot.waitUntil(lambda: dialog.current, timeout=WAIT)


def test_a_confirmed_self_referral_is_what_the_preview_said(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """R22: confirming voids what is left of the bonus lots and claims what was spent,
    exactly as the preview listed; the invitee's code was used on its first order, so the
    preview claims its value from the invitee and voids no code. The accounts ticked are
    terminated for cause, their balance forfeited as the preview said (R23)."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        with server.store.session() as s:
            case = s.scalars(select(m.AbuseCaseRow).where(
                m.AbuseCaseRow.status == "open", m.AbuseCaseRow.invitee_id.is_not(None))
                .order_by(m.AbuseCaseRow.id)).first()
            assert case is not None, "the demo holds an open abuse case on a referral"
            invitee = case.invitee_id
            assert invitee is not None
            referrer = s.get(m.AccountRow, invitee).referred_by  # type: ignore[union-attr]
            case_id = case.id
            claims_before = s.scalar(select(func.count()).select_from(m.ClaimRow)) or 0
            code = s.get(m.DiscountCode, invitee)
            assert code is not None and code.used_on is not None and not code.voided, \
                "the demo's open case is on an invitee who used the code"
            used = s.get(m.OrderRow, code.used_on)
            assert used is not None and used.discount > 0
            used_id, value = used.id, used.discount
        view = abuse_view(qtbot, clara)
        select_pair(qtbot, view, invitee)
        assert view.compared.referrer.id == referrer  # type: ignore[union-attr]
        assert view.confirm_button.isEnabled() and view.dismiss_button.isEnabled()
        assert not view.open_button.isEnabled()  # a case is open already
        dialog = preview_dialog(qtbot, view, invitee)
        preview = dialog.preview
        assert preview.ok and preview.case == case_id and preview.terminate == ()
        # R22: a used code is a claim of its value against the invitee, and not voided
        lines = dialog.lines()
        fmt = clara.desk.fmt()
        assert (f"{invitee}: a claim of {fmt.money(value)} for the discount code used on "
                f"order {used_id}") in lines
        assert not any("voided." in line for line in lines)
        assert not preview.discount_voided
        assert [(c.account, c.amount) for c in preview.claims if c.kind == "discount"] == [
            (invitee, value)]
        voided = sum(v.points for v in preview.voids)
        claimed = sum((c.amount for c in preview.claims), Decimal(0))
        dialog.accept()
        assert dialog.body is None and dialog.error.text()  # a reason is needed
        dialog.reason.setPlainText("same device, address and payment (T6)")
        tick(qtbot, dialog, dialog.terminate_invitee)
        assert dialog.preview.terminate == (invitee,)
        [ended] = dialog.preview.terminations
        assert ended.account == invitee
        assert any(line.startswith(f"{invitee} is terminated for cause") for line in
                   dialog.lines())
        # the termination changes nothing of the void and the claims (R22 comes first)
        assert (dialog.preview.voids, dialog.preview.claims) == (preview.voids,
                                                                 preview.claims)
        dialog.accept()
        assert dialog.body is not None and dialog.body.terminate == [invitee]
        command = send(qtbot, clara, dialog.body)
        assert outcome(clara.desk, command).state is m.OutboxState.DONE
        with server.store.session() as s:
            row = s.get(m.AbuseCaseRow, case_id)
            assert row is not None and row.status == "confirmed" and row.decided_by == "clara"
            voids = s.scalars(select(m.LedgerEntry).where(
                m.LedgerEntry.type == m.EntryType.VOID,
                m.LedgerEntry.source_ref == case_id)).all()
            assert -sum(e.points for e in voids) == voided
            new_claims = s.scalars(select(m.ClaimRow).order_by(m.ClaimRow.id)
                                   .offset(claims_before)).all()
            assert sum((c.amount for c in new_claims), Decimal(0)) == claimed
            forfeits = s.scalars(select(m.LedgerEntry).where(
                m.LedgerEntry.type == m.EntryType.FORFEIT,
                m.LedgerEntry.account_id == invitee)).all()
            assert -sum(e.points for e in forfeits) == ended.forfeited
            terminated = s.get(m.AccountRow, invitee)
            assert terminated is not None and terminated.status == "terminated_for_cause"
            kept = s.get(m.AccountRow, referrer)
            assert kept is not None and kept.status == "active"
        sync(qtbot, clara.desk)
        view.refresh()
        qtbot.waitUntil(lambda: all(r.invitee != invitee or r.open_case is None
                                    for r in view.model.rows), timeout=WAIT)


def test_an_unused_code_is_voided_in_the_preview_and_in_german(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """R22: an invitee whose code is unused (its first order placed without it, or none
    yet): the preview voids the code and claims nothing for it, in English and German;
    confirming does exactly that."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        with server.store.session() as s:
            inv, code = m.AccountRow, m.DiscountCode
            invitee = s.scalars(select(inv.id).join(code, code.account_id == inv.id).where(
                inv.referred_by.is_not(None), inv.referral_void.is_(False),
                inv.status == "active", code.used_on.is_(None), code.voided.is_(False),
                inv.id.not_in(select(m.AbuseCaseAccount.account_id)))
                .order_by(inv.id)).first()
            assert invitee is not None, "the demo holds an invitee with an unused code"
            claims_before = s.scalar(select(func.count()).select_from(m.ClaimRow)) or 0
        send(qtbot, clara, {"type": "open_abuse_case", "account": invitee,
                            "on_referral": True})
        view = abuse_view(qtbot, clara)
        view.refresh()
        qtbot.waitUntil(lambda: any(r.invitee == invitee and r.open_case
                                    for r in view.model.rows), timeout=WAIT)
        dialog = preview_dialog(qtbot, view, invitee)
        preview = dialog.preview
        assert preview.ok and preview.discount_voided
        assert [c for c in preview.claims if c.account == invitee] == []
        lines = dialog.lines()
        assert "The invitee's unused discount code is voided." in lines
        assert not any("discount code used on order" in line for line in lines)
        dialog.close()
        # the same preview in German
        assert clara.desk.language.switch("de")
        try:
            german = preview_dialog(qtbot, view, invitee)
            text = german.summary.text()
            assert "Der nicht eingelöste Rabatt-Code des Eingeladenen wird nichtig." in text
            assert german.windowTitle() != "Confirm the self-referral"
            german.reason.setPlainText("Selbstempfehlung (T6)")
            german.accept()
            assert german.body is not None and german.body.terminate == []
            body = german.body
        finally:
            clara.desk.language.switch("en")
        send(qtbot, clara, body)
        with server.store.session() as s:
            voided = s.get(m.DiscountCode, invitee)
            assert voided is not None and voided.voided and voided.used_on is None
            new_claims = s.scalars(select(m.ClaimRow).order_by(m.ClaimRow.id)
                                   .offset(claims_before)).all()
            assert [(c.account_id, c.amount) for c in new_claims] == [
                (c.account, c.amount) for c in preview.claims]
            voids = s.scalars(select(m.LedgerEntry).where(
                m.LedgerEntry.type == m.EntryType.VOID,
                m.LedgerEntry.source_ref == preview.case)).all()
            assert -sum(e.points for e in voids) == sum(v.points for v in preview.voids)


def test_open_and_dismiss_a_case(qtbot: Any, qapp: QApplication, demo: Demo,
                                 cases_template: DeskTemplate, tmp_path: Path) -> None:
    """Opening a case on a referral covers both accounts (R21: no transfers meanwhile);
    dismissing it changes nothing else (R22)."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        with server.store.session() as s:
            invitee = s.scalars(select(m.AccountRow.id).where(
                m.AccountRow.referred_by.is_not(None), m.AccountRow.status == "active",
                m.AccountRow.id.not_in(select(m.AbuseCaseAccount.account_id)))
                .order_by(m.AccountRow.id)).first()
            assert invitee is not None
        # the queue lists referrals with signals and open cases; open one on this pair
        send(qtbot, clara, {"type": "open_abuse_case", "account": invitee,
                            "on_referral": True})
        view = abuse_view(qtbot, clara)
        qtbot.waitUntil(lambda: any(r.invitee == invitee and r.open_case
                                    for r in view.model.rows), timeout=WAIT)
        select_pair(qtbot, view, invitee)
        row = view.selected()
        assert row is not None and row.open_case is not None
        assert set(row.open_case.accounts) == {invitee, row.referrer}
        def ledger() -> tuple[int, int]:
            with server.store.session() as s:
                return (s.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0,
                        s.scalar(select(func.sum(m.LotRow.remaining))) or 0)

        before = ledger()
        send(qtbot, clara, {"type": "dismiss_abuse_case", "case": row.open_case.id,
                            "version": row.open_case.version, "reason": "colleagues"})
        with server.store.session() as s:
            case = s.get(m.AbuseCaseRow, row.open_case.id)
            assert case is not None and case.status == "dismissed"
        assert ledger() == before


def test_a_claim_is_followed_up_to_paid(qtbot: Any, qapp: QApplication, demo: Demo,
                                        cases_template: DeskTemplate, tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        clara.window.show_view("claims")
        view = clara.window.role_views["claims"].page
        assert isinstance(view, ClaimsView)
        qtbot.waitUntil(lambda: view.loaded and bool(view.model.rows), timeout=WAIT)
        row = next(i for i, c in enumerate(view.model.rows) if c.state == "invoiced")
        view.table.selectRow(row)
        claim = view.model.rows[row]
        assert view.buttons["paid"].isEnabled() and not view.buttons["invoiced"].isEnabled()
        view.set_state("paid")
        qtbot.waitUntil(lambda: "Queued" in view.message.text(), timeout=WAIT)
        sync(qtbot, clara.desk)
        with server.store.session() as s:
            after = s.get(m.ClaimRow, claim.id)
            assert after is not None and after.state == "paid" and after.state_by == "clara"
        view.refresh()
        qtbot.waitUntil(lambda: any(c.id == claim.id and c.state == "paid"
                                    for c in view.model.rows), timeout=WAIT)
        # a paid claim goes nowhere further
        view.table.selectRow(next(i for i, c in enumerate(view.model.rows)
                                  if c.id == claim.id))
        assert not any(b.isEnabled() for b in view.buttons.values())


def test_each_role_gets_the_abuse_actions_it_may_take(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """R27: compliance opens, confirms and dismisses; a team lead reads the queue with
    the buttons disabled and told why; an agent has no abuse view and reports a
    suspicion from a case instead (the server refuses an agent's abuse command)."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "t",
                      "tessa") as tessa, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        view = abuse_view(qtbot, tessa)
        assert view.model.rows
        view.table.selectRow(0)
        assert not view.confirm_button.isEnabled()
        assert "Compliance" in view.confirm_button.toolTip()
        assert not anna.window.role_views["abuse"].action.isVisible()
        refused = send(qtbot, anna, {"type": "open_abuse_case", "account": "XR-1000001"})
        assert outcome(anna.desk, refused).refusal_code == "forbidden"
        with server.store.session() as s:
            case = s.scalars(select(m.MailCase).where(
                m.MailCase.account_id.is_not(None)).order_by(m.MailCase.id)).first()
            assert case is not None
            account, case_id = case.account_id, case.id
        anna.window.open_case(case_id)
        page = anna.window.cases[case_id]
        qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)  # type: ignore[attr-defined]
        assert page.suspicion_button.isEnabled()  # type: ignore[attr-defined]
        send(qtbot, anna, {"type": "report_suspicion", "account": account, "case": case_id,
                           "text": "the same phone as the referrer"})
        with server.store.session() as s:
            reported = s.scalars(select(m.Suspicion).where(
                m.Suspicion.account_id == account)).all()
            assert any(r.reported_by == "anna" for r in reported)


def test_terminations_state_their_consequence_and_follow_the_roles(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """R23/R27: a team lead terminates with notice (four weeks to a month's end: given
    16.11.2026 (NOW), 16.11. + 28 days = 14.12.2026, so effective 31.12.2026; redeemable
    through 31.03.2027), compliance for cause; an agent sees no such button. The account
    stays active while the notice runs, and a second notice is not offered."""
    from tests.demo_fixture import NOW
    from xrewards_desk.ui.cases.dialogs import TerminateDialog
    from xrewards_desk.ui.customers.page import CustomerView
    from xrewards_desk.ui.widgets.i18n import Fmt

    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "t",
                      "tessa") as tessa, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        with server.store.session() as s:
            account = s.scalars(select(m.AccountRow).where(
                m.AccountRow.status == "active", m.AccountRow.notice_at.is_(None))
                .order_by(m.AccountRow.id.desc())).first()
            assert account is not None
            account_id, version, name = account.id, account.version, account.name
        for agent, shown in ((tessa, True), (anna, False)):
            agent.window.open_customer(account_id)
            page = agent.window.customers[account_id]
            assert isinstance(page, CustomerView)
            qtbot.waitUntil(lambda p=page: p.loaded, timeout=WAIT)
            assert page.terminate_button.isVisibleTo(page) is shown
        dialog = TerminateDialog(Fmt("de"), account_id, name, version, 1234, False, NOW)
        qtbot.addWidget(dialog)
        text = dialog.findChild(type(dialog.error), "consequence").text()  # type: ignore[union-attr]
        assert "31.12.2026" in text and "31.03.2027" in text and "1.234" in text
        dialog.reason.setText("contract ended")
        dialog.accept()
        assert dialog.body is None  # not confirmed yet
        dialog.confirm.setChecked(True)
        dialog.accept()
        assert dialog.body == as_command({"type": "terminate_account",
                                          "account": account_id, "version": version,
                                          "reason": "contract ended"})
        send(qtbot, tessa, dialog.body)
        with server.store.session() as s:
            after = s.get(m.AccountRow, account_id)
            assert after is not None and after.status == "active"  # until 31.12.2026
            assert after.notice_at is not None
            given = after.notice_at
        second = TerminateDialog(Fmt("de"), account_id, name, version + 1, 1234, False, NOW,
                                 notice_at=given)
        qtbot.addWidget(second)
        assert second.running
        second.accept()
        assert second.body is None


def test_every_signal_kind_the_server_scores_has_words_and_a_row(qapp: QApplication) -> None:
    """Each kind the server can write (server/abuse_signals.py) is named in words in the
    review and highlights a row of the comparison."""
    from xrewards_desk.server.abuse_signals import WEIGHTS
    from xrewards_desk.store.read.abuse import FIELDS, ROWS
    from xrewards_desk.ui.review.abuse import signal_name

    for kind in WEIGHTS:
        assert signal_name(kind) != kind, kind
        assert FIELDS.get(kind) and set(FIELDS[kind]) <= set(ROWS), kind
