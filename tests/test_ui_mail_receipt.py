"""Issue 15 item 9 in the desktop (pytest-qt, offscreen), against the real reference
server on 127.0.0.1 with the demo: a mail without any date and without a sender address
becomes a case; while a mail of a case has no receipt time, the case says so in plain
sight and recording or deciding an objection in it is disabled with that sentence (R25
counts from the receipt); the agent types the time in (marked as typed) and the decision
opens as R25 says."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.case_harness import WAIT, Agent, as_command, open_case, reload, send, signed_in, sync
from tests.demo_fixture import NOW, Demo
from tests.server_harness import Client, Server
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.calendar import objection_in_time
from xrewards_desk.store import models as m

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.cases.dialogs import RecordObjectionDialog, SetReceiptDialog
from xrewards_desk.ui.qt import QApplication

MAILS = Path(__file__).resolve().parent / "mails"
SENTENCE = ("When a mail of this case was received is unknown (it holds no readable "
            "Received: or Date: header). Set its receipt time before an objection in this "
            "case is recorded or decided: R25 counts from it.")


def import_bytes(qtbot: Any, agent: Agent, path: Path) -> None:
    results: list[Any] = []
    agent.window.import_mails([path], done=results.extend)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT)
    assert results[0].error is None, results[0].error
    sync(qtbot, agent.desk)


def case_of(server: Server, message_id: str) -> int:
    with server.store.session() as s:
        case = s.scalars(select(m.MailMessage.case_id).where(
            m.MailMessage.message_id == message_id)).one()
        return int(case)


def test_a_mail_without_date_or_sender_is_a_case_whose_objections_wait_for_its_receipt(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as agent:
        # eight_bit_name_only.eml: no address in From:, no readable date: taken all the
        # same, the import says what it lacks
        results: list[Any] = []
        agent.window.import_mails([MAILS / "eight_bit_name_only.eml"], done=results.extend)
        qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT)
        (taken,) = results
        assert taken.error is None and taken.case is None and taken.queued is not None
        assert "receipt time is unknown" in (taken.warning or "")
        assert "no sender address" in (taken.warning or "")
        sync(qtbot, agent.desk)
        case_id = case_of(server, "<eight-bit@schaefer.example>")
        view = open_case(qtbot, agent, case_id)
        assert view.detail is not None and view.detail.account is None
        (mail,) = view.detail.mails
        assert (mail.sender, mail.received_at, mail.received_from) == (None, None, "unknown")
        assert not view.receipt_notice.isHidden() and view.receipt_notice.text() == SENTENCE
        assert not view.objection_button.isEnabled()
        reading = view.reading.toPlainText()
        assert "sender unknown: the mail names no address" in reading
        assert "unknown: the mail holds no readable Received: or Date: header" in reading
        # linked to a customer by hand; the objection stays disabled, with the sentence
        with server.store.session() as s:
            account = s.scalars(select(m.AccountRow.id).where(
                m.AccountRow.status == "active").order_by(m.AccountRow.id)).first()
        send(qtbot, agent, {"type": "link_mail_case", "case": case_id,
                            "version": view.detail.version, "account": account})
        reload(qtbot, view)
        assert view.detail.account is not None and view.detail.account.id == account
        assert not view.objection_button.isEnabled()
        assert view.objection_button.toolTip() == SENTENCE
        assert not view.terms_button.isEnabled()
        assert view.receipt_button.isVisible() and view.receipt_button.isEnabled()
        # the agent types the time in; it may not lie ahead of now
        dialog = SetReceiptDialog(agent.desk.fmt(), case_id, view.detail.mails, NOW,
                                  view.detail.opened_at, view)
        qtbot.addWidget(dialog)
        from xrewards_desk.ui.cases.dialogs import berlin_edit

        ahead = berlin_edit(NOW + timedelta(days=1))
        dialog.received.setDateTime(ahead.dateTime())
        dialog.accept()
        assert dialog.body is None
        assert dialog.error.text() == "A mail cannot have been received in the future."
        typed = (NOW - timedelta(days=2)).replace(second=0, microsecond=0)
        dialog.received.setDateTime(berlin_edit(typed).dateTime())
        dialog.accept()
        assert dialog.body == as_command({"type": "set_mail_receipt", "case": case_id,
                                          "message": mail.id,
                                          "received_at": typed.isoformat()})
        send(qtbot, agent, dialog.body)
        reload(qtbot, view)
        (mail,) = view.detail.mails
        assert (mail.received_at, mail.received_from) == (typed, "typed")
        assert view.receipt_notice.isHidden() and view.objection_button.isEnabled()
        view.timeline_table.selectRow(0)
        assert "typed in by hand: the mail held no readable date" in \
            view.reading.toPlainText()
        # the objection dialog dates it from the typed time, marked as typed
        record = RecordObjectionDialog(agent.desk.fmt(), case_id, [], view.detail.mails,
                                       view)
        qtbot.addWidget(record)
        assert "typed in by hand (the mail held no readable date)" in record.mail.itemText(0)


def test_deciding_an_objection_waits_while_a_mail_of_its_case_has_no_receipt_time(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """A demo case with an open objection in time; the customer's reply without any
    date joins it: uphold, reject, late and goodwill are disabled with the sentence
    (the server refuses them too); once the time is set, R25 opens uphold and reject."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as agent:
        with server.store.session() as s:
            pending = select(m.AdjustmentRequest.objection_id).where(
                m.AdjustmentRequest.status == m.RequestStatus.PENDING,
                m.AdjustmentRequest.objection_id.is_not(None))
            chosen = None
            for o in s.scalars(select(m.Objection).where(
                    m.Objection.status == m.ObjectionStatus.RECORDED,
                    m.Objection.kind == m.ObjectionKind.NOTICE,
                    m.Objection.case_id.is_not(None), m.Objection.id.not_in(pending))
                    .order_by(m.Objection.id)):
                notice = s.get(m.NoticeRow, o.notice_id)
                first = s.scalars(select(m.MailMessage).where(
                    m.MailMessage.case_id == o.case_id,
                    m.MailMessage.outgoing.is_(False)).order_by(m.MailMessage.id)).first()
                if notice is not None and first is not None and first.sender and \
                        objection_in_time(notice.sent_at, o.received_at):
                    chosen = (o.id, o.case_id, first.message_id, first.sender)
                    break
        assert chosen is not None
        objection_id, case_id, parent, sender = chosen
        reply = tmp_path / "reply.eml"
        reply.write_bytes(
            f"From: {sender}\nTo: rewards@xrewards.example\nSubject: Re: Einwendung\n"
            f"Message-ID: <undated-reply@kunde.example>\nIn-Reply-To: {parent}\n\n"
            "Ich bleibe bei meiner Einwendung.\n".encode())
        import_bytes(qtbot, agent, reply)
        assert case_of(server, "<undated-reply@kunde.example>") == case_id
        view = open_case(qtbot, agent, case_id)
        assert view.detail is not None
        row = next(i for i, o in enumerate(view.detail.objections) if o.id == objection_id)
        view.objection_table.selectRow(row)
        objection = view.detail.objections[row]
        assert objection.open and objection.in_time
        buttons = (view.uphold_button, view.reject_button, view.late_button,
                   view.goodwill_button)
        assert [b.isEnabled() for b in buttons] == [False] * 4
        assert {b.toolTip() for b in buttons} == {SENTENCE}
        assert SENTENCE in view.objection_badge.text()
        assert not view.receipt_notice.isHidden()
        # the server refuses it too, in words (a command sent past the disabled button)
        signed = server.sign_in("anna", demo.password("anna")).json()
        anna = Client(server.base, signed["token"], "anna",
                      datetime.fromisoformat(signed["expires_at"]))
        refused = anna.command({
            "type": "reject_objection", "objection": objection_id,
            "version": objection.version, "reason": "r"})
        assert refused.status_code == 409 and refused.json()["code"] == "receipt_unknown"
        undated = next(x for x in view.detail.mails if x.received_at is None)
        received = (NOW - timedelta(hours=1)).replace(second=0, microsecond=0)
        send(qtbot, agent, as_command({"type": "set_mail_receipt", "case": case_id,
                                       "message": undated.id,
                                       "received_at": received.isoformat()}))
        reload(qtbot, view)
        row = next(i for i, o in enumerate(view.detail.objections) if o.id == objection_id)
        view.objection_table.selectRow(row)
        view.update_decisions()
        # R25: the objection was in time, so uphold and reject (not late, not goodwill)
        assert [b.isEnabled() for b in buttons] == [True, True, False, False]
        assert view.receipt_notice.isHidden()
