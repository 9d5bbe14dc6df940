"""Replies through the mail gateway on the desktop (issue 20), against the real reference
server on 127.0.0.1 with the demo program: "Send" in the reply dialog queues the reply
through the desk's outbox with its final Message-ID and the thread's In-Reply-To and
References; the case shows each reply's state as the gateway records it (the server's
words where refused); a reply that may have been sent is decided with two buttons;
compliance reads only; the status bar shows the gateway's state after a sync.

Expected values come from the server's store by plain SQL and from the contract agreed
with the gateway, never from the widgets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.case_harness import (
    WAIT,
    cases_template,  # noqa: F401  (the demo synced, once)
    open_case,
    reload,
    signed_in,
    sync,
)
from tests.demo_fixture import Demo
from tests.server_harness import PASSWORD, Server
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.model import Role
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.cases.case import CaseView
from xrewards_desk.ui.cases.reply import ReplyDialog
from xrewards_desk.ui.qt import QApplication


def _thread(server: Server) -> tuple[int, list[str], str, str]:
    """A demo case that is not closed, with at least two mails in: its id, its mails'
    Message-IDs in the order they came, the last one in, and its first sender."""
    with server.store.session() as s:
        for case in s.scalars(select(m.MailCase).where(
                m.MailCase.status != m.MailCaseStatus.CLOSED).order_by(m.MailCase.id)):
            mails = s.scalars(select(m.MailMessage).where(
                m.MailMessage.case_id == case.id).order_by(
                m.MailMessage.received_at, m.MailMessage.id)).all()
            incoming = [x for x in mails if not x.outgoing]
            if len(incoming) >= 2 and all(x.received_at for x in mails) and \
                    incoming[0].sender:
                return (case.id, [x.message_id for x in mails], incoming[-1].message_id,
                        incoming[0].sender)
    raise AssertionError("the demo has no case with a thread")


def _gateway(server: Server) -> Any:
    server.service.add_user("gateway", "Postfach-Anbindung", Role.MAIL_GATEWAY, PASSWORD,
                            "en")
    return server.as_("gateway")


def _replies(server: Server, case_id: int) -> list[m.MailMessage]:
    with server.store.session() as s:
        rows = s.scalars(select(m.MailMessage).where(
            m.MailMessage.case_id == case_id, m.MailMessage.send_state.is_not(None))
            .order_by(m.MailMessage.id)).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def _row_of(view: CaseView, message: int) -> int:
    assert view.detail is not None
    return next(i for i, t in enumerate(view.detail.timeline)
                if t.kind == "mail_out" and t.ref.id == message)


def test_send_queues_a_threaded_reply_and_the_case_follows_its_state(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        case_id, thread, last_in, sender = _thread(server)
        gateway = _gateway(server)
        view = open_case(qtbot, anna, case_id)
        assert view.detail is not None
        reply = ReplyDialog(anna.desk, view.detail, view)
        qtbot.addWidget(reply)
        assert reply.send_button.isEnabled()
        assert reply.to.text() == sender
        subject = reply.subject.text()
        reply.send()
        assert reply.result() == ReplyDialog.DialogCode.Accepted
        sync(qtbot, anna.desk)
        [queued] = _replies(server, case_id)
        # the contract: a final Message-ID of the mailbox's domain, In-Reply-To the last
        # mail in, References the thread ending with it
        assert reply.message_id == queued.message_id
        assert re.fullmatch(r"<[^<>@\s]+@xpoints\.example>", queued.message_id)
        assert queued.in_reply_to == last_in
        assert queued.references == [*[x for x in thread if x != last_in], last_in]
        assert (queued.recipient, queued.send_state, queued.sender) == \
            (sender, m.ReplyState.QUEUED, "anna")
        assert queued.subject == "Re: " + re.sub(r"^(re|aw):\s*", "", subject,
                                                 flags=re.IGNORECASE)
        reload(qtbot, view)
        row = _row_of(view, queued.id)
        item = view.detail.timeline[row]
        assert view.item_kind(item) == "reply queued"
        # the gateway takes it, then loses track of it between DATA and Sent
        for state, detail in (("sending", ""), ("unknown", "not found in Sent")):
            gateway.ok({"type": "set_reply_state", "message": queued.id, "state": state,
                        "at": server.clock.now().isoformat(), "detail": detail})
        sync(qtbot, anna.desk)
        reload(qtbot, view)
        row = _row_of(view, queued.id)
        item = view.detail.timeline[row]
        assert view.item_kind(item) == "reply may have been sent"
        assert view.item_summary(item).endswith("— not found in Sent")
        view.timeline_table.selectRow(row)
        qtbot.waitUntil(lambda: view.was_sent_button.isVisible(), timeout=WAIT)
        assert view.send_again_button.isVisible() and view.was_sent_button.isEnabled()
        assert "may have been sent" in view.reading.toPlainText()
        view.was_sent_button.click()
        sync(qtbot, anna.desk)
        [sent] = _replies(server, case_id)
        assert sent.send_state is m.ReplyState.SENT
        with server.store.session() as s:
            case = s.get(m.MailCase, case_id)
            assert case is not None and case.status is m.MailCaseStatus.WAITING
        reload(qtbot, view)
        row = _row_of(view, sent.id)
        view.timeline_table.selectRow(row)
        assert view.item_kind(view.detail.timeline[row]) == "reply sent"
        assert "sent at" in view.reading.toPlainText()
        assert not view.was_sent_button.isVisible()


def test_a_refused_reply_shows_the_servers_words_and_compliance_reads_only(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        case_id, _thread_ids, _last, sender = _thread(server)
        gateway = _gateway(server)
        anna = ApiClient(server.base)
        anna.sign_in("anna", demo.password("anna"))
        answer = anna.command({"type": "queue_reply", "case": case_id,
                               "message_id": "<refused@xpoints.example>",
                               "to": sender, "subject": "Re: x", "body": "y"})
        message = int(answer.created or 0)
        words = "550 5.1.1 Recipient address rejected"
        for state, detail in (("sending", ""), ("refused", words)):
            gateway.ok({"type": "set_reply_state", "message": message, "state": state,
                        "at": server.clock.now().isoformat(), "detail": detail})
        sync(qtbot, clara.desk)
        view = open_case(qtbot, clara, case_id)
        row = _row_of(view, message)
        assert view.detail is not None
        item = view.detail.timeline[row]
        assert view.item_kind(item) == "reply refused"
        assert view.item_summary(item) == f"Re: x — {words}"
        view.timeline_table.selectRow(row)
        assert words in view.reading.toPlainText()
        assert not view.was_sent_button.isVisible()
        # compliance reads only: no Send (R27, as the contract extends it)
        reply = ReplyDialog(clara.desk, view.detail, view)
        qtbot.addWidget(reply)
        assert not reply.send_button.isEnabled()
        assert reply.send_button.toolTip() == \
            "Only support agents and team leads may send replies (R27)."


def test_the_status_bar_shows_the_gateways_state_after_a_sync(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,  # noqa: F811
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "t",
                      "tessa") as tessa:
        bar = tessa.window.syncbar
        assert not bar.gateway.isVisible()  # no gateway has reported: nothing shown
        _gateway(server).ok({"type": "report_gateway_state", "connected": True,
                             "last_taken_at": server.clock.now().isoformat(),
                             "waiting": 2, "detail": "IDLE on INBOX"})
        sync(qtbot, tessa.desk)
        qtbot.waitUntil(lambda: bar.gateway.isVisible(), timeout=WAIT)
        # taken the day it reported: the time alone, in Berlin (NOW is 09:30 there)
        when = f"{server.clock.now().astimezone(BERLIN):%H:%M}"
        assert bar.gateway.text() == \
            f"● Mailbox: connected · 2 replies waiting · last mail {when}"
        assert "IDLE on INBOX" in bar.gateway.toolTip()
        server.as_("gateway").ok({"type": "report_gateway_state", "connected": False,
                                  "waiting": 1, "detail": "connection refused"})
        sync(qtbot, tessa.desk)
        qtbot.waitUntil(lambda: "not connected" in bar.gateway.text(), timeout=WAIT)
        assert bar.gateway.text() == \
            "○ Mailbox: not connected · 1 reply waiting · no mail taken yet"
