"""The role matrix of R27 over real HTTP: every role sends every command and shop event.
A person outside the command's roles gets 403 ``forbidden`` and nothing is written; a
person within them never gets 403 (the rules may still refuse, with 409).

The matrix is the domain's (domain/permissions.py), the one the server, the engine and
the desktop read; tests/test_permissions.py checks it line by line against RULES.md R27."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server_harness import PASSWORD, PEOPLE, Server, earn, register
from xrewards_desk.domain.model import Role
from xrewards_desk.domain.permissions import COMMANDS as MATRIX
from xrewards_desk.domain.permissions import READS, may
from xrewards_desk.store import models as m

#: every role of the matrix, with one person each (the mail gateway is added here: the
#: harness's people are staff and the shop)
GATEWAY = "gateway"
ONE_PER_ROLE = {role: next((n for n, r in PEOPLE.items() if r is role), GATEWAY)
                for role in Role}
EXPECTED: dict[Role, set[str]] = {
    role: {command for command in MATRIX if may(role, command)} for role in Role}


def _with_gateway(server: Server) -> None:
    server.service.add_user(GATEWAY, "Postfach-Anbindung", Role.MAIL_GATEWAY, PASSWORD, "en")


MAIL = {"message_id": "<matrix@kunde.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "received", "sender": "x@y.example", "subject": "s", "body": "b"}
COMMANDS: dict[str, dict[str, Any]] = {
    "create_mail_case": {"mail": MAIL},
    "assign_mail_case": {"case": 1, "version": 1, "assignee": None},
    "note_mail_case": {"case": 1, "text": "a note"},
    "note_customer": {"account": "XR-1", "text": "prefers English on the phone"},
    "set_mail_case_status": {"case": 1, "version": 1, "status": "open"},
    "link_mail_case": {"case": 1, "version": 1, "account": "XR-1"},
    "set_mail_receipt": {"case": 1, "message": 1, "received_at": "2025-03-03T08:00:00+01:00"},
    "record_reply_sent": {"case": 1, "message_id": "<reply@us.example>",
                          "sent_at": "2025-03-03T10:00:00+01:00", "to": "x@y.example",
                          "subject": "Re: s", "body": "answer"},
    "queue_reply": {"case": 1, "message_id": "<queued@us.example>", "in_reply_to": None,
                    "references": [], "to": "x@y.example", "subject": "Re: s",
                    "body": "answer"},
    "set_reply_state": {"message": 1, "state": "sending", "at": "2025-03-03T10:00:00+01:00",
                        "detail": ""},
    "resolve_reply": {"message": 1, "sent": True},
    "report_gateway_state": {"connected": True, "last_taken_at": None, "waiting": 0,
                             "detail": "IDLE"},
    "record_objection": {"notice": "XR-1/N1", "received_at": "2025-03-03T10:00:00+01:00"},
    "uphold_objection": {"objection": 1, "version": 1, "points": 10, "reason": "r"},
    "reject_objection": {"objection": 1, "version": 1, "reason": "r"},
    "answer_objection_late": {"objection": 1, "version": 1},
    "grant_goodwill": {"objection": 1, "version": 1, "points": 10, "reason": "r"},
    "object_to_terms": {"account": "XR-9", "change_sent": "2025-03-01T10:00:00+01:00",
                        "received_at": "2025-03-03T10:00:00+01:00"},
    "request_adjustment": {"account": "XR-1", "points": 5, "reason": "r"},
    "approve_adjustment": {"request": 1, "version": 1},
    "reject_adjustment": {"request": 1, "version": 1, "reason": "r"},
    "request_transfer": {"source": "XR-1", "target": "XR-2", "points": 5,
                         "reason": "other", "justification": "j"},
    "approve_transfer": {"request": 1, "version": 1},
    "reject_transfer": {"request": 1, "version": 1, "reason": "r"},
    "report_suspicion": {"account": "XR-1", "text": "looks like the same person"},
    "open_abuse_case": {"account": "XR-1"},
    "confirm_self_referral": {"case": "AC-00001", "version": 1, "reason": "r"},
    "dismiss_abuse_case": {"case": "AC-00001", "version": 1, "reason": "r"},
    "terminate_for_cause": {"account": "XR-1", "version": 1, "reason": "r"},
    "set_claim_state": {"claim": 1, "version": 1, "state": "invoiced"},
    "close_account": {"account": "XR-1", "version": 1, "reason": "r"},
    "terminate_account": {"account": "XR-1", "version": 1, "reason": "r"},
    "end_program": {"version": 1, "reason": "r"},
}
SHOP: dict[str, dict[str, Any]] = {
    "register": {"account": "XR-7", "organisation": "ORG-1", "organisation_name": "O",
                 "billing_account": "BA-1", "billing_account_name": "B", "name": "N",
                 "email": "n@o.example"},
    "order_placed": {"order": "O-9", "account": "XR-1",
                     "placed_at": "2025-03-03T08:00:00+01:00", "net": "10.00"},
    "order_paid": {"order": "O-9"},
    "order_delivered": {"order": "O-9"},
    "order_cancelled": {"order": "O-9"},
}


def test_the_table_covers_every_command_the_api_offers() -> None:
    from xrewards_desk.server.handlers import HANDLERS

    assert set(COMMANDS) | set(SHOP) == set(HANDLERS) == set(MATRIX)
    # every role may send something, and every command is someone's
    assert all(EXPECTED.values())
    assert set().union(*EXPECTED.values()) == set(MATRIX)


def _rows(server: Server) -> tuple[int, ...]:
    with server.store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0
                     for t in (m.ChangeRow, m.LedgerEntry, m.MailCase, m.AdjustmentRequest,
                               m.TransferRequestRow, m.AbuseCaseRow, m.Objection))


@pytest.mark.parametrize("role", list(Role))
def test_each_role_against_each_command(server: Server, role: Role) -> None:
    _with_gateway(server)
    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "100.00")
    person = server.as_(ONE_PER_ROLE[role])
    allowed = EXPECTED[role]
    outcomes: dict[str, int] = {}
    for kind, fields in [*COMMANDS.items(), *SHOP.items()]:
        before = _rows(server)
        body = {"type": kind, **fields}
        response = person.shop(body) if kind in SHOP else person.command(body)
        outcomes[kind] = response.status_code
        assert response.status_code < 500, (kind, response.text)
        if kind in allowed:
            assert response.status_code != 403, (role, kind, response.text)
        else:
            assert response.status_code == 403, (role, kind, response.text)
            assert response.json()["code"] == "forbidden"
            # the refusal names the rule's sentence: who may
            assert may(role, kind).reason in response.json()["message"]
            assert _rows(server) == before, (role, kind)
    # the matrix was exercised for real: at least one command of the role went through
    assert any(outcomes[k] == 200 for k in allowed), outcomes


# --------------------------------------------------------------------------- reads
#: the routes that are not commands, by the read of the matrix they need (R27: the audit
#: view is for team leads and compliance; any member of staff may say which record they
#: have open and see who else has; the mail gateway uploads the attachments it files)
SHA = "0" * 64
ROUTES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "read_change_feed": ("GET", "/changes", {}),
    "read_audit": ("GET", "/audit", {}),
    "verify_audit": ("GET", "/audit/verify", {}),
    "read_abuse_queue": ("GET", "/abuse/referrals", {}),
    # no such case: 404 for those who may ask, 403 for the others
    "preview_abuse_decision": ("GET", "/abuse-cases/AC-00001/preview", {}),
    "mark_presence": ("POST", "/presence", {"record": "mail_case:1"}),
    "see_presence": ("GET", "/presence", {"record": "mail_case:1"}),
    "upload_evidence": ("UPLOAD", "/evidence", {}),
    "read_evidence": ("GET", f"/evidence/{SHA}", {}),
    # the mail gateway's queue of replies; its state, which it has not reported yet
    # (404 for those who may ask)
    "read_replies_to_send": ("GET", "/mailbox/replies", {}),
    "read_gateway_state": ("GET", "/mailbox/state", {}),
}


def test_every_read_of_the_matrix_has_its_route() -> None:
    assert set(ROUTES) == set(READS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_against_each_read(server: Server, role: Role) -> None:
    import requests

    _with_gateway(server)
    person = server.as_(ONE_PER_ROLE[role])
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    for read, (method, path, params) in ROUTES.items():
        if method == "GET":
            response = person.get(path, **params)
        elif method == "UPLOAD":
            response = person.upload(pdf, "nachweis.pdf")
        else:
            response = requests.post(server.base + path, headers=person.headers(),
                                     json=params, timeout=30)
        if may(role, read):
            expected = (404 if "AC-00001" in path or SHA in path or path == "/mailbox/state"
                        else 200)
            assert response.status_code == expected, (role, path, response.text)
        else:
            assert response.status_code == 403, (role, path, response.text)
            assert response.json()["code"] == "forbidden"
            assert may(role, read).reason in response.json()["message"]
