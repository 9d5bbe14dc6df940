"""The role matrix of R27 over real HTTP: every role sends every command and shop event.
A person outside the command's roles gets 403 ``forbidden`` and nothing is written; a
person within them never gets 403 (the rules may still refuse, with 409).

The expected table is written out here from RULES.md R27, not read from the server."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server_harness import PEOPLE, Server, earn, register
from xrewards_desk.store import models as m

AGENT_MAY = {
    # R27 agent: handles e-mail cases; records and decides objections; requests
    # adjustments (goodwill included) and transfers; reports suspected abuse; closes an
    # account on the customer's request. R28: records objections to changed terms.
    "create_mail_case", "assign_mail_case", "note_mail_case", "set_mail_case_status",
    "link_mail_case", "record_reply_sent", "record_objection", "uphold_objection",
    "reject_objection", "answer_objection_late", "grant_goodwill", "object_to_terms",
    "request_adjustment", "request_transfer", "report_suspicion", "close_account",
    # handling e-mail cases: the receipt time of a mail no header dates (R25)
    "set_mail_receipt",
}
EXPECTED: dict[str, set[str]] = {
    "agent": AGENT_MAY,
    # all an agent may, plus approving or rejecting transfers and reserved adjustments,
    # provider termination with notice (of an account, and of the program), claims
    "team_lead": AGENT_MAY | {"approve_adjustment", "reject_adjustment", "approve_transfer",
                              "reject_transfer", "terminate_account", "end_program",
                              "set_claim_state"},
    # opens, confirms and dismisses abuse cases; terminates for cause; follows up claims
    "compliance": {"open_abuse_case", "confirm_self_referral", "dismiss_abuse_case",
                   "terminate_for_cause", "set_claim_state"},
    # the shop's systems: registrations and order events, nothing else
    "service": {"register", "order_placed", "order_paid", "order_delivered",
                "order_cancelled"},
}

MAIL = {"message_id": "<matrix@kunde.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "received", "sender": "x@y.example", "subject": "s", "body": "b"}
COMMANDS: dict[str, dict[str, Any]] = {
    "create_mail_case": {"mail": MAIL},
    "assign_mail_case": {"case": 1, "version": 1, "assignee": None},
    "note_mail_case": {"case": 1, "text": "a note"},
    "set_mail_case_status": {"case": 1, "version": 1, "status": "open"},
    "link_mail_case": {"case": 1, "version": 1, "account": "XR-1"},
    "set_mail_receipt": {"case": 1, "message": 1, "received_at": "2025-03-03T08:00:00+01:00"},
    "record_reply_sent": {"case": 1, "message_id": "<reply@us.example>",
                          "sent_at": "2025-03-03T10:00:00+01:00", "to": "x@y.example",
                          "subject": "Re: s", "body": "answer"},
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
ROLE_OF = {name: role.value for name, role in PEOPLE.items()}
ONE_PER_ROLE = {role: next(n for n, r in ROLE_OF.items() if r == role)
                for role in EXPECTED}


def test_the_table_covers_every_command_the_api_offers() -> None:
    from xrewards_desk.server.handlers import HANDLERS

    assert set(COMMANDS) | set(SHOP) == set(HANDLERS)


def _rows(server: Server) -> tuple[int, ...]:
    with server.store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) or 0
                     for t in (m.ChangeRow, m.LedgerEntry, m.MailCase, m.AdjustmentRequest,
                               m.TransferRequestRow, m.AbuseCaseRow, m.Objection))


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_against_each_command(server: Server, role: str) -> None:
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
            assert _rows(server) == before, (role, kind)
    # the matrix was exercised for real: at least one command of the role went through
    assert any(outcomes[k] == 200 for k in allowed), outcomes


# --------------------------------------------------------------------------- reads
#: the routes that are not commands, and the roles that may use them (R27: the audit view
#: is for team leads and compliance; any member of staff may say which record they have
#: open and see who else has; the shop's systems only send their events)
STAFF = {"agent", "team_lead", "compliance"}
READS: dict[tuple[str, str], set[str]] = {
    ("GET", "/audit"): {"team_lead", "compliance"},
    ("GET", "/audit/verify"): {"team_lead", "compliance"},
    # the compliance queue of referrals scored for signs of a self-referral (R22)
    ("GET", "/abuse/referrals"): {"team_lead", "compliance"},
    ("POST", "/presence"): STAFF,
    ("GET", "/presence"): STAFF,
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_against_each_read(server: Server, role: str) -> None:
    import requests

    person = server.as_(ONE_PER_ROLE[role])
    for (method, path), allowed in READS.items():
        if method == "GET":
            response = person.get(path, record="mail_case:1")
        else:
            response = requests.post(server.base + path, headers=person.headers(),
                                     json={"record": "mail_case:1"}, timeout=30)
        if role in allowed:
            assert response.status_code == 200, (role, path, response.text)
        else:
            assert response.status_code == 403, (role, path, response.text)
            assert response.json()["code"] == "forbidden"
