"""The server's side of the mail gateway (issue 20), over real HTTP on 127.0.0.1: the desk
queues a reply with its final headers, the gateway reads the replies to send and records
each one's outcome step by step, a person decides on a reply that may have been sent,
the gateway reports its state, and a mail dated by the mailbox is filed once.

The states and their steps are the contract agreed with the gateway (domain/workflow.py
REPLY_STEPS): queued -> sending; sending -> sent | refused | unknown | queued (a temporary
refusal, one attempt more); a person turns unknown into sent or queued. A sent reply
makes its case wait for the customer, as a reply recorded as sent does."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server_harness import PASSWORD, Server
from xrewards_desk.domain.model import Role
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient

MAIL = {"message_id": "<frage@kunde.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "received", "sender": "kunde@kunde.example",
        "subject": "Punkte fehlen", "body": "Wo sind meine Punkte?"}


def _gateway(server: Server) -> None:
    server.service.add_user("gateway", "Postfach-Anbindung", Role.MAIL_GATEWAY, PASSWORD,
                            "en")


def _case(server: Server) -> int:
    return int(server.as_("anna").ok({"type": "create_mail_case", "mail": MAIL})["created"])


def _queue(server: Server, case: int, n: int = 1, who: str = "anna") -> int:
    answer = server.as_(who).ok({
        "type": "queue_reply", "case": case, "message_id": f"<reply{n}@rewards.example>",
        "in_reply_to": "<frage@kunde.example>", "references": ["<frage@kunde.example>"],
        "to": "kunde@kunde.example", "subject": "Re: Punkte fehlen",
        "body": f"Ihre Punkte kommen ({n})."})
    return int(answer["created"])


def _set(server: Server, message: int, state: str, detail: str = "",
         at: str = "2025-03-03T10:15:00+01:00") -> Any:
    return server.as_("gateway").command({"type": "set_reply_state", "message": message,
                                          "state": state, "at": at, "detail": detail})


def _row(server: Server, message: int) -> m.MailMessage:
    with server.store.session() as s:
        row = s.get(m.MailMessage, message)
        assert row is not None
        s.expunge(row)
        return row


def _case_status(server: Server, case: int) -> str:
    with server.store.session() as s:
        row = s.get(m.MailCase, case)
        assert row is not None
        return row.status.value


def _feed_record(server: Server, message: int) -> dict[str, Any]:
    records = [c["data"] for c in server.changes()
               if c["kind"] == "mail_message" and c["id"] == str(message)]
    return records[-1]  # type: ignore[no-any-return]


def test_a_queued_reply_waits_with_its_headers_for_the_gateway(server: Server) -> None:
    _gateway(server)
    case = _case(server)
    reply = _queue(server, case)
    row = _row(server, reply)
    assert (row.outgoing, row.send_state, row.send_attempts, row.recipient) == \
        (True, m.ReplyState.QUEUED, 0, "kunde@kunde.example")
    assert row.queued_at == server.clock.now()
    # not sent yet: the case still waits for the desk, not for the customer
    assert _case_status(server, case) == "new"
    replies = server.as_("gateway").get("/mailbox/replies", limit=10)
    assert replies.status_code == 200, replies.text
    assert replies.json() == [{
        "message": reply, "case": case, "message_id": "<reply1@rewards.example>",
        "in_reply_to": "<frage@kunde.example>", "references": ["<frage@kunde.example>"],
        "to": "kunde@kunde.example", "subject": "Re: Punkte fehlen",
        "body": "Ihre Punkte kommen (1).", "state": "queued", "attempts": 0,
        "queued_at": "2025-03-03T08:00:00Z"}]
    # the change feed carries the state to every desktop
    record = _feed_record(server, reply)
    assert (record["send_state"], record["to"], record["send_attempts"]) == \
        ("queued", "kunde@kunde.example", 0)
    # and the audit log has the command
    with server.store.session() as s:
        audit = s.scalars(select(m.AuditRecord).where(
            m.AuditRecord.action == "queue_reply")).one()
        assert (audit.actor, audit.outcome, audit.subject) == \
            ("anna", "applied", f"mail_case:{case}")


def test_replies_are_listed_oldest_first_and_only_while_queued_or_sending(
        server: Server) -> None:
    _gateway(server)
    case = _case(server)
    first = _queue(server, case, 1)
    server.later(minutes=5)
    second = _queue(server, case, 2, who="tessa")  # team leads send replies too
    server.later(minutes=5)
    third = _queue(server, case, 3)
    assert _set(server, second, "sending").status_code == 200
    assert _set(server, second, "sent", "250 2.0.0 Ok: queued as 4F2").status_code == 200
    assert _set(server, first, "sending").status_code == 200
    listed = server.as_("gateway").get("/mailbox/replies").json()
    assert [(x["message"], x["state"]) for x in listed] == [(first, "sending"),
                                                            (third, "queued")]
    assert [x["message"] for x in server.as_("gateway").get(
        "/mailbox/replies", limit=1).json()] == [first]
    # the client's typed read
    client = ApiClient(server.base, server.as_("gateway").token)
    typed = client.replies_to_send()
    assert [(x.message, x.state, x.queued_at) for x in typed] == [
        (first, "sending", server.clock.now().replace(minute=0)),
        (third, "queued", server.clock.now())]


def test_sent_sets_the_time_and_makes_the_case_wait_for_the_customer(server: Server) -> None:
    _gateway(server)
    case = _case(server)
    reply = _queue(server, case)
    assert _set(server, reply, "sending", at="2025-03-03T10:14:00+01:00").status_code == 200
    assert _row(server, reply).send_state is m.ReplyState.SENDING
    answer = _set(server, reply, "sent", "250 2.0.0 Ok: queued as 4F2",
                  at="2025-03-03T10:15:00+01:00")
    assert answer.status_code == 200, answer.text
    row = _row(server, reply)
    assert row.send_state is m.ReplyState.SENT
    assert row.send_detail == "250 2.0.0 Ok: queued as 4F2"
    # its time is when the SMTP server accepted it (09:15 UTC), as record_reply_sent's is
    assert row.received_at is not None
    assert row.received_at.isoformat() == "2025-03-03T09:15:00+00:00"
    assert _case_status(server, case) == "waiting"
    record = _feed_record(server, reply)
    assert (record["send_state"], record["received_at"]) == ("sent", "2025-03-03T09:15:00Z")
    assert server.as_("gateway").get("/mailbox/replies").json() == []


def test_a_temporary_refusal_queues_it_again_one_attempt_more(server: Server) -> None:
    _gateway(server)
    reply = _queue(server, _case(server))
    for detail in ("421 4.7.0 Try again later", "451 4.3.0 Local error"):
        assert _set(server, reply, "sending").status_code == 200
        assert _set(server, reply, "queued", detail).status_code == 200
    row = _row(server, reply)
    assert (row.send_state, row.send_attempts, row.send_detail) == \
        (m.ReplyState.QUEUED, 2, "451 4.3.0 Local error")
    listed = server.as_("gateway").get("/mailbox/replies").json()
    assert [(x["state"], x["attempts"]) for x in listed] == [("queued", 2)]
    assert _set(server, reply, "sending").status_code == 200
    assert _set(server, reply, "sent", "250 Ok").status_code == 200
    assert _row(server, reply).send_attempts == 2


def test_a_permanent_refusal_keeps_the_servers_words_and_ends_there(server: Server) -> None:
    _gateway(server)
    case = _case(server)
    reply = _queue(server, case)
    _set(server, reply, "sending")
    words = "550 5.1.1 <kunde@kunde.example>: Recipient address rejected"
    assert _set(server, reply, "refused", words).status_code == 200
    row = _row(server, reply)
    assert (row.send_state, row.send_detail) == (m.ReplyState.REFUSED, words)
    assert _case_status(server, case) == "new"  # nothing reached the customer
    assert _feed_record(server, reply)["send_detail"] == words
    for state in ("sending", "sent", "queued", "unknown", "refused"):
        refused = _set(server, reply, state)
        assert refused.status_code == 409, (state, refused.text)
        assert refused.json()["code"] == "invalid_state"


#: every step the contract does not allow, from each state: 409 invalid_state
ALLOWED = {("queued", "sending"), ("sending", "sent"), ("sending", "refused"),
           ("sending", "unknown"), ("sending", "queued")}
#: how a reply reaches each state from queued
PATHS = {"queued": [], "sending": ["sending"], "sent": ["sending", "sent"],
         "refused": ["sending", "refused"], "unknown": ["sending", "unknown"]}


@pytest.mark.parametrize("here", list(PATHS))
def test_every_step_the_workflow_lacks_is_refused_and_changes_nothing(
        server: Server, here: str) -> None:
    _gateway(server)
    case = _case(server)
    reply = _queue(server, case)
    for state in PATHS[here]:
        assert _set(server, reply, state).status_code == 200
    before = _row(server, reply)
    status = _case_status(server, case)
    for there in PATHS:
        if (here, there) in ALLOWED:
            continue
        refused = _set(server, reply, there)
        assert refused.status_code == 409, (here, there, refused.text)
        problem = refused.json()
        assert problem["code"] == "invalid_state"
        assert problem["message"].startswith(f"Reply {reply}: The reply is ")
        assert problem["message_de"].startswith(f"Antwort {reply}: Die Antwort ist ")
        after = _row(server, reply)
        assert (after.send_state, after.send_attempts, after.send_at, after.send_detail,
                after.received_at) == (before.send_state, before.send_attempts,
                                       before.send_at, before.send_detail, before.received_at)
        assert _case_status(server, case) == status


def test_the_gateway_records_only_replies_it_was_given(server: Server) -> None:
    _gateway(server)
    case = _case(server)
    by_hand = server.as_("anna").ok({
        "type": "record_reply_sent", "case": case, "message_id": "<hand@rewards.example>",
        "sent_at": "2025-03-03T09:30:00+01:00", "to": "kunde@kunde.example",
        "subject": "Re: Punkte fehlen", "body": "Erledigt."})
    with server.store.session() as s:
        hand = s.scalars(select(m.MailMessage.id).where(
            m.MailMessage.message_id == "<hand@rewards.example>")).one()
        mail_in = s.scalars(select(m.MailMessage.id).where(
            m.MailMessage.message_id == MAIL["message_id"])).one()
    assert by_hand["type"] == "record_reply_sent"
    assert _row(server, hand).send_state is None  # a reply recorded by hand has no state
    refused = _set(server, hand, "sending")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_state"
    assert "by hand" in refused.json()["message"]
    for missing in (mail_in, 9999):  # a mail in is no reply; no such mail at all
        answer = _set(server, missing, "sending")
        assert answer.status_code == 409 and answer.json()["code"] == "unknown_mail"


def test_a_reply_that_may_have_been_sent_is_decided_by_a_person(server: Server) -> None:
    _gateway(server)
    case = _case(server)
    again, was_sent = _queue(server, case, 1), _queue(server, case, 2)
    for reply in (again, was_sent):
        _set(server, reply, "sending", at="2025-03-03T09:05:00+01:00")
        _set(server, reply, "unknown", "not found in Sent after a restart",
             at="2025-03-03T09:20:00+01:00")
    assert _feed_record(server, again)["send_state"] == "unknown"
    # only the desk decides; the gateway and compliance may not
    for who in ("gateway", "clara"):
        forbidden = server.as_(who).command({"type": "resolve_reply", "message": again,
                                             "sent": False})
        assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    server.later(hours=1)
    assert server.as_("anna").ok({"type": "resolve_reply", "message": again,
                                  "sent": False})["message"].endswith("sent again")
    row = _row(server, again)
    assert (row.send_state, row.send_detail) == (m.ReplyState.QUEUED, "")
    assert [x["message"] for x in server.as_("gateway").get("/mailbox/replies").json()] \
        == [again]
    assert _case_status(server, case) == "new"
    server.as_("tessa").ok({"type": "resolve_reply", "message": was_sent, "sent": True})
    row = _row(server, was_sent)
    assert row.send_state is m.ReplyState.SENT
    # its time is when the gateway lost track of it: the closest the program knows
    assert row.received_at is not None
    assert row.received_at.isoformat() == "2025-03-03T08:20:00+00:00"
    assert _case_status(server, case) == "waiting"
    # decided once: neither reply may be decided again
    for reply in (again, was_sent):
        refused = server.as_("anna").command({"type": "resolve_reply", "message": reply,
                                              "sent": True})
        assert refused.status_code == 409 and refused.json()["code"] == "invalid_state"


def test_who_may_queue_record_and_read(server: Server) -> None:
    """R27 as the contract extends it: the desk (agents, team leads) queues replies,
    compliance reads only; only the gateway records outcomes and reads the queue."""
    _gateway(server)
    case = _case(server)
    body = {"type": "queue_reply", "case": case, "message_id": "<c@rewards.example>",
            "to": "kunde@kunde.example", "subject": "Re", "body": "x"}
    for who in ("clara", "gateway", "shop"):
        answer = server.as_(who).command(body)
        assert answer.status_code == 403, (who, answer.text)
    reply = _queue(server, case)
    for who in ("anna", "tessa", "clara"):
        answer = server.as_(who).command({"type": "set_reply_state", "message": reply,
                                          "state": "sending",
                                          "at": "2025-03-03T10:00:00+01:00"})
        assert answer.status_code == 403, (who, answer.text)
        assert server.as_(who).get("/mailbox/replies").status_code == 403
        assert server.as_(who).command({
            "type": "report_gateway_state", "connected": True, "waiting": 0}
        ).status_code == 403
    assert _row(server, reply).send_state is m.ReplyState.QUEUED
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.MailMessage).where(
            m.MailMessage.send_state.is_not(None))) == 1


@pytest.mark.parametrize("change", [
    {"message_id": "reply-without-brackets@rewards.example"},
    {"message_id": "<two@at@rewards.example>"},
    {"subject": "Re: x\r\nBcc: everyone@example.org"},
    {"to": "kunde@kunde.example\r\nBcc: x@y.example"},
    {"to": "Kunde <kunde@kunde.example>"},
    {"to": "a@b.example, c@d.example"},
    {"in_reply_to": "<a@b>\r\nX-Evil: 1"},
    {"references": ["<a@b> <c@d>"]},
])
def test_a_reply_whose_headers_would_break_the_mail_is_refused(
        server: Server, change: dict[str, Any]) -> None:
    """The values go into the mail's headers as they are: a line break would add headers
    of its own, so each is one value on one line (422, nothing stored)."""
    case = _case(server)
    body = {"type": "queue_reply", "case": case, "message_id": "<ok@rewards.example>",
            "to": "kunde@kunde.example", "subject": "Re", "body": "x", **change}
    answer = server.as_("anna").command(body)
    assert answer.status_code == 422, answer.text
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.MailMessage)) == 1


def test_a_reply_to_no_case_or_with_a_message_id_taken_is_refused(server: Server) -> None:
    case = _case(server)
    _queue(server, case)
    taken = server.as_("anna").command({
        "type": "queue_reply", "case": case, "message_id": "<reply1@rewards.example>",
        "to": "kunde@kunde.example", "subject": "Re", "body": "again"})
    assert taken.status_code == 409 and taken.json()["code"] == "already_exists"
    missing = server.as_("anna").command({
        "type": "queue_reply", "case": 77, "message_id": "<n@rewards.example>",
        "to": "kunde@kunde.example", "subject": "Re", "body": "x"})
    assert missing.status_code == 409 and missing.json()["code"] == "unknown_case"


def test_the_gateway_reports_its_state_for_the_desk_to_see(server: Server) -> None:
    _gateway(server)
    for who in ("anna", "tessa", "clara"):  # nothing reported yet
        assert server.as_(who).get("/mailbox/state").status_code == 404
    client = ApiClient(server.base, server.as_("tessa").token)
    assert client.gateway_state() is None
    feed_before = len(server.changes())
    server.later(minutes=3)
    report = {"type": "report_gateway_state", "connected": True,
              "last_taken_at": "2025-03-03T09:01:30+01:00", "waiting": 2,
              "detail": "IDLE on INBOX"}
    server.as_("gateway").ok(report)
    expected = {"connected": True, "last_taken_at": "2025-03-03T08:01:30Z", "waiting": 2,
                "detail": "IDLE on INBOX", "reported_at": "2025-03-03T08:03:00Z",
                "reported_by": "gateway"}
    for who in ("anna", "tessa", "clara"):
        answer = server.as_(who).get("/mailbox/state")
        assert answer.status_code == 200 and answer.json() == expected
    assert server.as_("gateway").get("/mailbox/state").status_code == 403
    # the latest report replaces the one before; none reaches the change feed
    server.later(minutes=1)
    server.as_("gateway").ok({**report, "connected": False, "last_taken_at": None,
                              "waiting": 0, "detail": "connection refused"})
    state = client.gateway_state()
    assert state is not None
    assert (state.connected, state.last_taken_at, state.waiting, state.detail) == \
        (False, None, 0, "connection refused")
    assert state.reported_at == server.clock.now()
    assert len(server.changes()) == feed_before
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.GatewayStateRow)) == 1


def test_a_mail_dated_by_the_mailbox_is_filed_once_by_its_bytes(server: Server) -> None:
    """Mail in: the gateway files each mail with create_mail_case under the SHA-256 of
    its bytes; the same key again (a crash before the mail was flagged) answers the first
    answer and makes nothing new. A mail with neither Received: nor Date: is dated by
    the IMAP server's INTERNALDATE, marked as such."""
    _gateway(server)
    raw = b"From: kunde@kunde.example\r\nSubject: ohne Datum\r\n\r\nHallo\r\n"
    key = hashlib.sha256(raw).hexdigest()
    body = {"type": "create_mail_case", "mail": {
        "message_id": "<ohne-datum@kunde.example>",
        "received_at": "2025-03-03T08:42:00+01:00", "received_from": "internaldate",
        "sender": "kunde@kunde.example", "subject": "ohne Datum", "body": "Hallo"}}
    gateway = server.as_("gateway")
    first = gateway.command(body, key=key)
    assert first.status_code == 200, first.text
    server.later(minutes=2)
    again = gateway.command(body, key=key)
    assert again.status_code == 200 and again.json() == first.json()
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.MailCase)) == 1
        row = s.scalars(select(m.MailMessage)).one()
        assert row.received_from is m.ReceivedFrom.INTERNALDATE
    record = next(c["data"] for c in server.changes() if c["kind"] == "mail_message")
    assert (record["received_from"], record["received_at"]) == \
        ("internaldate", "2025-03-03T07:42:00Z")
    # the same key for other bytes is a mistake, not a second mail
    other = gateway.command({**body, "mail": {**body["mail"], "body": "Anders"}}, key=key)
    assert other.status_code == 422
    assert json.loads(other.text)["code"] == "idempotency_key_reused"


def test_the_inbox_counts_a_reply_as_answered_only_once_it_was_sent(server: Server) -> None:
    """The inbox's first reply (the deadlines' clock, store/read/cases.case_rows): a reply
    queued, being sent, refused or that may have been sent has not answered the customer;
    a sent one has, at the time the SMTP server accepted it."""
    from xrewards_desk.store.read.cases import case_rows

    def replied() -> Any:
        with server.store.session() as s:
            return next(r for r in case_rows(s) if r.id == case).replied_at

    _gateway(server)
    case = _case(server)
    reply = _queue(server, case)
    assert replied() is None
    _set(server, reply, "sending")
    assert replied() is None
    _set(server, reply, "unknown")
    assert replied() is None
    refused = _queue(server, case, 2)
    _set(server, refused, "sending")
    _set(server, refused, "refused", "550 no such user")
    assert replied() is None
    server.later(hours=2)
    server.as_("anna").ok({"type": "resolve_reply", "message": reply, "sent": True})
    assert replied().isoformat() == "2025-03-03T09:15:00+00:00"  # the gateway's `at`
