"""Macros on the desktop (issue 19 item 5), against the real reference server on 127.0.0.1
with the demo program: a macro shows the reply (the case's real figures in the
customer's language), the decision and the status before anything happens; OK queues
the decision, the status and the reply through the outbox, and after a sync the server,
the case and the customer's timeline hold them as the reply flow of the day records them.

Expected values come from the server's store by plain SQL and from RULES.md by hand (R4,
R5, R7, R8: the pending points; R25, R26: the uphold; R21: transfers; R27: who may),
never from the widgets."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.case_harness import (
    WAIT,
    Agent,
    cases_template,  # noqa: F401  (the demo synced, once)
    open_case,
    reload,
    send,
    signed_in,
    sync,
)
from tests.demo_fixture import NOW, Demo
from tests.server_harness import Server
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.calendar import BERLIN, objection_deadline, objection_in_time
from xrewards_desk.domain.model import RATE, Tier
from xrewards_desk.mail.macros import BY_NAME, why_not_allowed
from xrewards_desk.store import models as m
from xrewards_desk.store.read.customers import customer_page
from xrewards_desk.store.read.orders import order_named, pending_points
from xrewards_desk.store.read.timeline import Filter, Kind, timeline

pytest.importorskip("PySide6.QtWidgets")

from tests.test_ui_language import Catalogue, english_left
from xrewards_desk.ui.cases.case import CaseView
from xrewards_desk.ui.cases.macros import MacroDialog
from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.translations import ts_file


def _macro(qtbot: Any, view: CaseView, name: str) -> MacroDialog:
    """The case view's Macros… (the button's own slot), the macro picked."""
    view.macro_dialog = None
    assert view.macro_button.isEnabled()
    view.open_macros(name)
    qtbot.waitUntil(lambda: view.macro_dialog is not None, timeout=WAIT)
    dialog = view.macro_dialog
    assert isinstance(dialog, MacroDialog) and dialog.isVisible()
    assert dialog.macro.currentData() == name
    return dialog


def _ok(qtbot: Any, agent: Agent, dialog: MacroDialog) -> None:
    assert dialog.ok.isEnabled(), dialog.problem.text()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.ok.click()
    sync(qtbot, agent.desk)


def _replies(server: Server, case_id: int) -> list[m.MailMessage]:
    with server.store.session() as s:
        rows = s.scalars(select(m.MailMessage).where(
            m.MailMessage.case_id == case_id, m.MailMessage.outgoing).order_by(
            m.MailMessage.id)).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def _case(server: Server, case_id: int) -> m.MailCase:
    with server.store.session() as s:
        case = s.get(m.MailCase, case_id)
        assert case is not None
        s.expunge(case)
        return case


def _open_order(server: Server, language: str) -> tuple[str, str, str, Decimal, Tier]:
    """An open order (R4: not both paid and delivered, not cancelled in full) of an
    active customer speaking `language` that has no case yet and whose other orders are
    all complete: its number, the account, its e-mail, its R5 base worked out from the
    row, and the tier R7 gives the account's spend."""
    with server.store.session() as s:
        for order in s.scalars(select(m.OrderRow).where(
                m.OrderRow.completed_at.is_(None)).order_by(m.OrderRow.id)):
            account = s.get(m.AccountRow, order.account_id)
            assert account is not None
            left = order.net - order.discount - order.cancelled
            others = s.scalars(select(m.OrderRow.id).where(
                m.OrderRow.account_id == account.id, m.OrderRow.id != order.id,
                m.OrderRow.completed_at.is_(None))).first()
            cases = s.scalars(select(m.MailCase.id).where(
                m.MailCase.account_id == account.id)).first()
            if left <= 0 or others is not None or cases is not None or \
                    account.status != "active" or account.language != language or \
                    order.placed_at < datetime(2025, 1, 1, tzinfo=BERLIN):
                continue
            # R5: the base is the net after discount and cancellations, less the points
            # still redeemed on it (100 points = 1.00 EUR)
            base = max(Decimal("0.00"), left - Decimal(order.redeemed) / 100)
            # R7: bronze below 20,000.00, silver to 69,999.99, gold from 70,000.00
            spend = account.spend
            tier = Tier.GOLD if spend >= 70000 else Tier.SILVER if spend >= 20000 \
                else Tier.BRONZE
            if base > 1:
                return order.id, account.id, account.email, base, tier
    raise AssertionError("the demo has no open order fit for the test")


def test_an_agent_answers_where_are_my_points_with_the_macro(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    """Issue 19's Done-when: the customer asks about an open order; the agent opens the
    case, the order is found by its number, the macro shows the engine's pending points
    with the tier and rate and what is missing, OK queues the reply and the status, and
    the case and the customer's timeline show the reply queued."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        order, account, address, base, tier = _open_order(server, "en")
        # the customer's mail, through the real server as the mailbox files it
        send(qtbot, anna, {"type": "create_mail_case", "mail": {
            "message_id": "<where-are-my-points@customer.example>",
            "received_at": NOW.isoformat(), "received_from": "received",
            "sender": address, "subject": f"No points for order {order.lower()}",
            "body": f"Hello, where are my points for {order}? Thanks"}})
        with server.store.session() as s:
            case_id = s.scalars(select(m.MailMessage.case_id).where(
                m.MailMessage.message_id == "<where-are-my-points@customer.example>")).one()
            assert s.get(m.MailCase, case_id).account_id == account  # type: ignore[union-attr]
        view = open_case(qtbot, anna, case_id)
        assert view.macro_button.isEnabled()
        # the order number typed in search names the order and its customer
        assert anna.desk.store is not None
        with anna.desk.store.session() as s:
            assert order_named(s, order.lower()) == (order, account)
            pending = pending_points(s, order, anna.desk.now())
        assert pending is not None
        # R8: floor(base × rate) at the tier held now, R7's rate
        expected = math.floor(base * RATE[tier])
        assert (pending.points, pending.tier, pending.rate) == (expected, tier,
                                                                RATE[tier])
        dialog = _macro(qtbot, view, "order_pending")
        assert dialog.concerning.currentText().startswith(f"Order {order} of ")
        assert dialog.language.currentData() == "en"   # the customer's language
        body = dialog.body.toPlainText()
        with server.store.session() as s:
            row = s.get(m.OrderRow, order)
            assert row is not None
            missing = [w for w, at in (("payment", row.paid_at), ("delivery",
                                                                  row.delivered_at))
                       if at is None]
        assert dialog.subject.text() == \
            f"Your order {order}: points after payment and delivery"
        for words in (f"would earn {expected:,} points", f"current tier {tier.value}",
                      f"{RATE[tier]} points per euro",
                      "still waiting for " + " and ".join(f"the {w}" for w in missing) + ".",
                      "paid in full and delivered", "it can change"):
            assert words in body, (words, body)
        assert f"{expected:,}" in dialog.decision.text()
        assert dialog.status.text() == "From new to waiting for customer."
        # nothing happened before OK
        assert _replies(server, case_id) == []
        _ok(qtbot, anna, dialog)
        [reply] = _replies(server, case_id)
        assert (reply.send_state, reply.recipient, reply.body) == (
            m.ReplyState.QUEUED, address, body)
        assert reply.subject == f"Re: Your order {order}: points after payment and delivery"
        assert _case(server, case_id).status is m.MailCaseStatus.WAITING
        reload(qtbot, view)
        assert view.detail is not None and view.detail.status == "waiting"
        outgoing = [t for t in view.detail.timeline if t.kind == "mail_out"]
        assert [view.item_kind(t) for t in outgoing] == ["reply queued"]
        with anna.desk.store.session() as s:
            mails = timeline(s, account, Filter(frozenset({Kind.MAIL})))
        assert [(x.event, x.text) for x in mails if x.event == "out"] == [
            ("out", reply.subject)]


def _objection(server: Server, in_time: bool) -> tuple[int, int, int, str]:
    """An open objection to a notice (R25: in time or late by its receipt and the
    notice's sending) with no adjustment waiting for a team lead (R26), with its case:
    objection, case, the notice's points, account."""
    with server.store.session() as s:
        for o in s.scalars(select(m.Objection).where(
                m.Objection.status == m.ObjectionStatus.RECORDED,
                m.Objection.notice_id.is_not(None)).order_by(m.Objection.id)):
            notice = s.get(m.NoticeRow, o.notice_id)
            assert notice is not None and o.case_id is not None
            waiting = s.scalars(select(m.AdjustmentRequest.id).where(
                m.AdjustmentRequest.objection_id == o.id,
                m.AdjustmentRequest.status == m.RequestStatus.PENDING)).first()
            if objection_in_time(notice.sent_at, o.received_at) == in_time and \
                    waiting is None:
                return o.id, o.case_id, notice.points, o.account_id
    raise AssertionError("no such objection in the demo")


def test_objection_macros_uphold_in_time_and_answer_late(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        # in time: upheld with the notice's points (R25), written at once (R26: the
        # account has no other unapproved adjustments of the last 720 hours)
        objection, case_id, points, account = _objection(server, True)
        view = open_case(qtbot, anna, case_id)
        assert anna.desk.store is not None
        with anna.desk.store.session() as s:
            page = customer_page(s, account, anna.desk.now())
            assert page is not None
            before = page.balance
        dialog = _macro(qtbot, view, "objection_upheld")
        assert "(R25)" in dialog.decision.text()
        assert f"{abs(points):,}" in dialog.decision.text()
        if not dialog.reason.toPlainText():
            # the facts support no uphold: the person must say why (the reply states it)
            assert not dialog.ok.isEnabled()
            assert dialog.problem.text() == "Give a reason: the reply states it."
            dialog.reason.setPlainText("The points were taken in error.")
        reason = dialog.reason.toPlainText().strip()
        body = dialog.body.toPlainText()
        for words in (f"credited {abs(points):,} points",
                      f"new balance is {before + abs(points):,} points",
                      f"Reason: {reason}", "in time"):
            assert words in body, (words, body)
        assert dialog.status.text().endswith("to closed.")
        _ok(qtbot, anna, dialog)
        with server.store.session() as s:
            row = s.get(m.Objection, objection)
            assert row is not None and row.status is m.ObjectionStatus.UPHELD
            adjustment = s.scalars(select(m.AdjustmentRequest).where(
                m.AdjustmentRequest.objection_id == objection)).one()
            assert (adjustment.points, adjustment.reason) == (abs(points), reason)
        [reply] = _replies(server, case_id)
        assert reply.body == body and reply.send_state is m.ReplyState.QUEUED
        assert _case(server, case_id).status is m.MailCaseStatus.CLOSED
        with anna.desk.store.session() as s:
            page = customer_page(s, account, anna.desk.now())
            assert page is not None and page.balance == before + abs(points)

        # late: answered as late (R25), the notice counts as approved
        objection, case_id, _points, _account = _objection(server, False)
        view = open_case(qtbot, anna, case_id)
        # the uphold is not offered on a late objection (R25), and says why
        dialog = _macro(qtbot, view, "objection_upheld")
        assert not dialog.ok.isEnabled()
        assert "No open objection to a notice in time" in dialog.problem.text()
        dialog.reject()
        dialog = _macro(qtbot, view, "objection_late")
        with server.store.session() as s:
            o = s.get(m.Objection, objection)
            notice = s.get(m.NoticeRow, o.notice_id)  # type: ignore[union-attr]
            assert o is not None and notice is not None
            deadline = objection_deadline(notice.sent_at)
        body = dialog.body.toPlainText()
        assert f"deadline ended on {deadline:%-d %b %Y}" in body, dialog.problem.text()
        assert "deemed approved" in body
        assert "(R25)" in dialog.decision.text()
        _ok(qtbot, anna, dialog)
        with server.store.session() as s:
            o = s.get(m.Objection, objection)
            assert o is not None and o.status is m.ObjectionStatus.LATE
        [reply] = _replies(server, case_id)
        assert reply.body == body
        assert _case(server, case_id).status is m.MailCaseStatus.CLOSED


def _transfer_case(server: Server, filed_by: str) -> tuple[int, int, int]:
    """A pending transfer request filed from a case by `filed_by`: request, case,
    points."""
    with server.store.session() as s:
        row = s.scalars(select(m.TransferRequestRow).where(
            m.TransferRequestRow.status == m.RequestStatus.PENDING,
            m.TransferRequestRow.requested_by == filed_by,
            m.TransferRequestRow.case_id.is_not(None)).order_by(
            m.TransferRequestRow.id)).first()
        assert row is not None and row.case_id is not None
        return row.id, row.case_id, row.points


def test_a_team_lead_approves_and_refuses_transfers_with_macros(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    # R21, R27: only team leads decide transfers; an agent is told so
    assert why_not_allowed(BY_NAME["transfer_approved"], "agent", "en") == \
        "Only team leads may approve transfers (R21, R27)."
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "t",
                      "tessa") as tessa:
        # anna filed it: tessa may approve (four eyes, R21)
        request, case_id, points = _transfer_case(server, "anna")
        view = open_case(qtbot, tessa, case_id)
        dialog = _macro(qtbot, view, "transfer_approved")
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        body = dialog.body.toPlainText()
        assert "We have approved your request" in body
        assert f"to transfer {points:,} points from the X-account " in body
        assert "(R20, R21)" in dialog.decision.text()
        _ok(qtbot, tessa, dialog)
        with server.store.session() as s:
            row = s.get(m.TransferRequestRow, request)
            assert row is not None and row.status is m.RequestStatus.APPROVED
            assert row.decided_by == "tessa"
        [reply] = _replies(server, case_id)
        assert reply.body == body and reply.send_state is m.ReplyState.QUEUED
        assert _case(server, case_id).status is m.MailCaseStatus.CLOSED

        # ben filed this one: refused with a reason the reply states
        request, case_id, points = _transfer_case(server, "ben")
        view = open_case(qtbot, tessa, case_id)
        dialog = _macro(qtbot, view, "transfer_refused")
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        assert not dialog.ok.isEnabled()   # a refusal says why
        dialog.reason.setPlainText("The evidence does not show the colleague left.")
        body = dialog.body.toPlainText()
        assert "unable to carry out the transfer" in body
        assert "Reason: The evidence does not show the colleague left." in body
        assert f"{points:,} points" in body
        _ok(qtbot, tessa, dialog)
        with server.store.session() as s:
            row = s.get(m.TransferRequestRow, request)
            assert row is not None and row.status is m.RequestStatus.REJECTED
            assert row.decision_reason == "The evidence does not show the colleague left."
        [reply] = _replies(server, case_id)
        assert reply.body == body
        assert _case(server, case_id).status is m.MailCaseStatus.CLOSED


def test_compliance_cannot_apply_a_reply_macro(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        _objection_id, case_id, _points, _account = _objection(server, True)
        view = open_case(qtbot, clara, case_id)
        assert not view.macro_button.isEnabled()
        assert view.macro_button.toolTip() == \
            "Only support agents and team leads may send replies (R27)."
        view.open_macros()   # the shortcut's slot: nothing opens
        assert view.macro_dialog is None


def test_the_macro_preview_in_german(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        anna.desk.language.switch("de")
        _objection_id, case_id, _points, _account = _objection(server, False)
        view = open_case(qtbot, anna, case_id)
        view.retranslate()
        dialog = _macro(qtbot, view, "objection_late")
        dialog.language.setCurrentIndex(dialog.language.findData("de"))
        assert dialog.windowTitle() == "Textbaustein mit Aktion anwenden"
        assert [dialog.macro.itemText(i) for i in range(dialog.macro.count())] == [
            "X-Points kommen nach Zahlung und Lieferung",
            "Einwendung fristgerecht, stattgegeben", "Einwendung verspätet",
            "Übertragung genehmigt", "Übertragung abgelehnt"]
        assert dialog.body.toPlainText().startswith("Guten Tag ")
        assert "gilt der mitgeteilte Punktestand als genehmigt" in dialog.body.toPlainText()
        assert "verspätet" in dialog.decision.text() and "(R25)" in dialog.decision.text()
        assert dialog.status.text().startswith("Von ")
        left = english_left(Catalogue.load(ts_file("de")), [dialog])
        assert left == []
        # the transfer macros are the team leads' (R27), said in German
        dialog.macro.setCurrentIndex(dialog.macro.findData("transfer_approved"))
        assert not dialog.ok.isEnabled()
        assert dialog.problem.text() == \
            "Nur Teamleitungen dürfen Übertragungen genehmigen (R21, R27)."
        dialog.reject()
