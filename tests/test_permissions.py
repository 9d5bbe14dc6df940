"""The domain's matrix of R27 (domain/permissions.py) and its workflows
(domain/workflow.py), checked against RULES.md by hand.

The server, the engine and the desktop read the matrix; the tables here are written out
from RULES.md R27 (and R21, R22, R25, R26), not read from the code."""

from __future__ import annotations

import pytest

from xrewards_desk.domain.model import Role
from xrewards_desk.domain.permissions import COMMANDS, MATRIX, READS, allowed_commands, may
from xrewards_desk.domain.workflow import (
    ClaimState,
    MailCaseStatus,
    ObjectionStatus,
    ReplyState,
    RequestStatus,
    case_after_assigned,
    case_after_mail_in,
    case_after_reply_sent,
    claim_step,
    objection_step,
    rejected_as,
    reply_resolvable,
    reply_step,
    request_step,
)

AGENT_MAY = {
    # R27 agent: handles e-mail cases; records and decides objections; requests
    # adjustments (goodwill included) and transfers; reports suspected abuse; closes an
    # account on the customer's request. R28: records objections to changed terms.
    "create_mail_case", "assign_mail_case", "note_mail_case", "set_mail_case_status",
    # notes on the customer: every person at a desk (issue 19)
    "note_customer",
    "link_mail_case", "record_reply_sent", "record_objection", "uphold_objection",
    "reject_objection", "answer_objection_late", "grant_goodwill", "object_to_terms",
    "request_adjustment", "request_transfer", "report_suspicion", "close_account",
    # handling e-mail cases: the receipt time of a mail no header dates (R25)
    "set_mail_receipt",
    # handling e-mail cases through the mailbox (issue 20): replies are sent through the
    # mail gateway, and a person decides on one that may have been sent
    "queue_reply", "resolve_reply",
    # reads everything; uploads the evidence of transfers
    "read_change_feed", "mark_presence", "see_presence", "upload_evidence", "read_evidence",
    # reads everything: the mail gateway's state too
    "read_gateway_state",
}
EXPECTED: dict[Role, set[str]] = {
    Role.AGENT: AGENT_MAY,
    # all an agent may, plus approving or rejecting transfers and reserved adjustments,
    # provider termination with notice (of an account, and of the program), the audit
    # view; claims are followed up by the back office; the abuse queue is read by team
    # leads too
    Role.TEAM_LEAD: AGENT_MAY | {"approve_adjustment", "reject_adjustment",
                                 "approve_transfer", "reject_transfer", "terminate_account",
                                 "end_program", "set_claim_state", "read_audit",
                                 "verify_audit", "read_abuse_queue"},
    # reads everything; opens, confirms and dismisses abuse cases; terminates for cause;
    # the audit view; follows up claims
    Role.COMPLIANCE: {"note_customer", "open_abuse_case", "confirm_self_referral",
                      "dismiss_abuse_case",
                      "terminate_for_cause", "set_claim_state", "read_audit", "verify_audit",
                      "read_abuse_queue", "preview_abuse_decision", "read_change_feed",
                      "mark_presence", "see_presence", "upload_evidence", "read_evidence",
                      "read_gateway_state"},
    # the shop's systems: registrations and order events, nothing else
    Role.SERVICE: {"register", "order_placed", "order_paid", "order_delivered",
                   "order_cancelled"},
    # the mail gateway: files each mail as a case with its attachments as evidence, reads
    # the replies waiting to be sent, records each reply's outcome, reports its own state
    Role.MAIL_GATEWAY: {"create_mail_case", "upload_evidence", "read_replies_to_send",
                        "record_reply_sent", "set_reply_state", "report_gateway_state"},
}


@pytest.mark.parametrize("role", list(Role))
def test_the_matrix_is_r27(role: Role) -> None:
    assert allowed_commands(role) == EXPECTED[role]
    assert allowed_commands(role.value) == EXPECTED[role]  # as a session names it


def test_no_role_and_an_unknown_role_may_nothing() -> None:
    for nobody in (None, "", "admin"):
        assert allowed_commands(nobody) == frozenset()
        refused = may(nobody, "request_transfer")
        assert not refused and refused.role is None


def test_the_matrix_has_no_command_twice_and_knows_no_other() -> None:
    assert not set(COMMANDS) & set(READS)
    assert set(MATRIX) == set(COMMANDS) | set(READS)
    with pytest.raises(KeyError):
        may(Role.AGENT, "delete_everything")


def test_the_reasons_say_who_may_in_both_languages() -> None:
    refused = may(Role.AGENT, "approve_transfer")
    assert not refused
    assert refused.why_not("en") == "Only team leads may approve transfers (R21, R27)."
    assert refused.why_not("de") == ("Nur Teamleitungen dürfen Übertragungen genehmigen "
                                     "(R21, R27).")
    allowed = may("team_lead", "approve_transfer")
    assert allowed and allowed.why_not("de") == ""
    assert allowed.text("en") == "Team leads may approve transfers (R21, R27)."
    two = may(Role.COMPLIANCE, "request_transfer")
    assert two.text("en") == "Only support agents and team leads may request transfers (R27)."
    assert two.text("de") == "Nur Support und Teamleitungen dürfen Übertragungen beantragen (R27)."
    one = may(Role.TEAM_LEAD, "open_abuse_case")
    assert one.text("de") == "Nur Compliance darf Missbrauchsfälle eröffnen (R27)."
    gateway = may(Role.MAIL_GATEWAY, "note_mail_case")
    assert gateway.text("en") == ("Only support agents and team leads may write notes on "
                                  "cases (R27).")


def test_the_engine_refuses_with_the_same_matrix() -> None:
    """The engine's own role check (R27) reads the matrix: the mail gateway may file
    cases, but the engine refuses its transfer request as `forbidden`, with the sentence
    of the matrix."""
    from datetime import datetime

    from xrewards_desk.domain import Actor, Code, Refusal, State, TransferRequest
    from xrewards_desk.domain.calendar import BERLIN
    from xrewards_desk.domain.engine import check_transfer
    from xrewards_desk.domain.model import Program, TransferReason

    at = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)
    request = TransferRequest(at, Actor("gateway", Role.MAIL_GATEWAY), "A", "B", 5,
                              TransferReason.OTHER, 0, "j")
    with pytest.raises(Refusal) as refused:
        check_transfer(State(Program(at), {}), request)
    assert refused.value.code is Code.FORBIDDEN
    assert refused.value.message_en == "gateway (mail_gateway) may not request transfers."


# --------------------------------------------------------------------------- workflows


def test_claims_go_open_invoiced_paid_or_written_off() -> None:
    """R22: a claim is invoiced or written off; an invoiced one paid or written off."""
    steps = {(a, b) for a in ClaimState for b in ClaimState if claim_step(a, b)}
    assert steps == {("open", "invoiced"), ("open", "written_off"),
                     ("invoiced", "paid"), ("invoiced", "written_off")}
    assert claim_step("paid", "open").why_not("en") == \
        "The claim is paid; it cannot become open (R22)."
    assert claim_step("open", "paid").why_not("de") == \
        "Der Anspruch ist offen und kann nicht bezahlt werden (R22)."


def test_objections_in_time_are_upheld_or_rejected_late_ones_answered_as_late() -> None:
    """R25: in time, an objection is upheld or rejected; late, the notice counts as
    approved: it is answered as late or granted as goodwill; decided once."""
    recorded = ObjectionStatus.RECORDED
    in_time = {d for d in ObjectionStatus if objection_step(recorded, True, d)}
    late = {d for d in ObjectionStatus if objection_step(recorded, False, d)}
    assert in_time == {ObjectionStatus.UPHELD, ObjectionStatus.REJECTED}
    assert late == {ObjectionStatus.LATE, ObjectionStatus.GOODWILL}
    assert objection_step(recorded, False, "rejected", "28.02.2025").why_not("en") == (
        "The objection is late (deadline 28.02.2025): answer it as late, or ask for "
        "goodwill (R25).")
    for decided in ObjectionStatus:
        if decided is not recorded:
            assert not objection_step(decided, True, "upheld")


def test_requests_are_decided_once_by_a_team_lead_other_than_the_requester() -> None:
    """R21, R26, R27: a team lead approves or rejects; not their own request (four eyes);
    the requester's own rejection is a withdrawal."""
    for kind in ("adjustment", "transfer"):
        assert request_step(kind, Role.TEAM_LEAD, "tessa", "anna", "pending", approve=True)
        assert not request_step(kind, Role.AGENT, "ben", "anna", "pending", approve=True)
        own = request_step(kind, Role.TEAM_LEAD, "tessa", "tessa", "pending", approve=True)
        assert not own and "four eyes" in own.why_not("en")
        assert "Vier-Augen-Prinzip" in own.why_not("de")
        # rejecting one's own is a withdrawal, so it is not refused
        assert request_step(kind, Role.TEAM_LEAD, "tessa", "tessa", "pending", approve=False)
        for done in ("approved", "rejected", "withdrawn"):
            assert not request_step(kind, Role.TEAM_LEAD, "tessa", "anna", done, approve=True)
    assert rejected_as("tessa", "tessa") is RequestStatus.WITHDRAWN
    assert rejected_as("tessa", "anna") is RequestStatus.REJECTED
    assert request_step("transfer", Role.AGENT, "ben", "anna", "pending",
                        approve=True).why_not("en") == \
        "Only team leads may approve transfers (R21, R27)."


def test_cases_open_when_assigned_wait_after_a_reply_and_reopen_on_a_mail() -> None:
    assert case_after_assigned("new") is MailCaseStatus.OPEN
    assert case_after_assigned("waiting") is MailCaseStatus.WAITING
    assert case_after_reply_sent("open") is MailCaseStatus.WAITING
    assert case_after_reply_sent("closed") is MailCaseStatus.CLOSED
    assert case_after_mail_in("closed") is MailCaseStatus.OPEN
    assert case_after_mail_in("waiting") is MailCaseStatus.WAITING


def test_replies_go_queued_sending_then_sent_refused_unknown_or_queued_again() -> None:
    """Issue 20 (the contract agreed with the mail gateway): the gateway takes a queued
    reply to send it; a reply being sent was accepted, refused for good, lost between
    the SMTP server and Sent (unknown), or refused for now (queued again). Nothing
    follows sent, refused or unknown by the gateway; a person decides an unknown one."""
    steps = {(a.value, b.value) for a in ReplyState for b in ReplyState if reply_step(a, b)}
    assert steps == {("queued", "sending"), ("sending", "sent"), ("sending", "refused"),
                     ("sending", "unknown"), ("sending", "queued")}
    assert reply_step("sent", "sending").why_not("en") == \
        "The reply is sent; it cannot become being sent."
    assert reply_step("unknown", "sent").why_not("de") == \
        "Die Antwort ist möglicherweise gesendet und kann nicht gesendet werden."
    # a reply recorded as sent by hand is not the gateway's
    assert not reply_step(None, "sending")
    assert "by hand" in reply_step(None, "sending").why_not("en")
    assert {s.value for s in ReplyState if reply_resolvable(s)} == {"unknown"}
    assert not reply_resolvable(None)
    assert reply_resolvable("refused").why_not("en") == (
        "The reply is refused; only a reply that may have been sent is decided by hand.")
