"""R27 on the desk, derived from the domain's matrix: each demo role (agent anna,
compliance clara, team lead tessa) signs in to an offscreen desk against the real demo
server, and the views its menu offers, the case's buttons, the customer page's
termination, the abuse and claims buttons are exactly what ``may`` allows; a button the
role may not use says the rule's sentence (English, and German after a switch)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.case_harness import WAIT, Agent, signed_in
from tests.demo_fixture import Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.model import Role
from xrewards_desk.domain.permissions import may
from xrewards_desk.ui.cases.case import CaseView
from xrewards_desk.ui.customers.page import CustomerView
from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.review.abuse import AbuseView, ClaimsView

USERS = {Role.AGENT: "anna", Role.COMPLIANCE: "clara", Role.TEAM_LEAD: "tessa"}
#: each view of the menu and the command it is for (R27: a transfer queue for those who
#: approve transfers, the approvals for those who approve adjustments, the abuse queue
#: for those who read it, the claims for those who follow them up, the audit log)
VIEW_COMMANDS = {"transfers": "approve_transfer", "abuse": "read_abuse_queue",
                 "claims": "set_claim_state", "audit": "read_audit"}


def _check(button: Any, role: Role, command: str, ready: bool = True) -> None:
    """Enabled where the role may and the record is ready for it; where the role may
    not, disabled with the domain's sentence as its tooltip."""
    permission = may(role, command)
    if permission:
        assert button.isEnabled() == ready, (role, command)
    else:
        assert not button.isEnabled(), (role, command)
        assert button.toolTip() == permission.reason, (role, command, button.toolTip())


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_sees_what_the_matrix_allows(qtbot: Any, qapp: QApplication, demo: Demo,
                                               cases_template: DeskTemplate,
                                               tmp_path: Path, role: Role) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "d",
                      USERS[role]) as person:
        window = person.window
        # the menu: the role's views, derived from the matrix
        shown = {key for key, view in window.role_views.items() if view.action.isVisible()}
        assert shown == {key for key, command in VIEW_COMMANDS.items() if may(role, command)}
        assert window.approvals_action.isVisible() == bool(may(role, "approve_adjustment"))
        expected = {Role.AGENT: set(), Role.COMPLIANCE: {"abuse", "claims", "audit"},
                    Role.TEAM_LEAD: {"transfers", "abuse", "claims", "audit"}}
        assert shown == expected[role]  # R27, by hand

        # a case linked to a customer: the desk's buttons
        case = _linked_case(qtbot, person)
        for button, command in ((case.status_button, "set_mail_case_status"),
                                (case.link_button, "link_mail_case"),
                                (case.note_button, "note_mail_case"),
                                (case.reply_button, "record_reply_sent"),
                                (case.suspicion_button, "report_suspicion")):
            _check(button, role, command)

        # the customer page: termination with notice or for cause (R23, R27)
        assert case.detail is not None and case.detail.account is not None
        account = case.detail.account.id
        window.open_customer(account)
        page = window.customers[account]
        assert isinstance(page, CustomerView)
        qtbot.waitUntil(lambda: page.page is not None, timeout=WAIT)
        may_terminate = bool(may(role, "terminate_account") or may(role, "terminate_for_cause"))
        assert page.terminate_button.isVisibleTo(page) == may_terminate
        if may(role, "terminate_for_cause"):
            assert page.terminate_button.text() == "Terminate for cause…"
        elif may_terminate:
            assert page.terminate_button.text() == "Terminate with notice…"

        # the review views of those who have them
        if "abuse" in shown:
            window.show_view("abuse")
            abuse = window.role_views["abuse"].page
            assert isinstance(abuse, AbuseView)
            qtbot.waitUntil(lambda: abuse.loaded and bool(abuse.model.rows), timeout=WAIT)
            abuse.table.selectRow(0)
            for button, command in ((abuse.open_button, "open_abuse_case"),
                                    (abuse.confirm_button, "confirm_self_referral"),
                                    (abuse.dismiss_button, "dismiss_abuse_case")):
                if not may(role, command):
                    _check(button, role, command)
        if "claims" in shown:
            window.show_view("claims")
            claims = window.role_views["claims"].page
            assert isinstance(claims, ClaimsView)
            qtbot.waitUntil(lambda: claims.loaded and bool(claims.model.rows), timeout=WAIT)
            row = next(i for i, c in enumerate(claims.model.rows) if c.state == "open")
            claims.table.selectRow(row)
            # R22: an open claim is invoiced or written off, not paid
            assert claims.buttons["invoiced"].isEnabled()
            assert claims.buttons["written_off"].isEnabled()
            assert not claims.buttons["paid"].isEnabled()

        # the rule's sentence in German after a switch
        refused = next((c for c in ("note_mail_case", "approve_transfer", "open_abuse_case")
                        if not may(role, c)), None)
        assert refused is not None
        window.switch_language("de")
        try:
            case.show_detail()
            if refused == "note_mail_case":
                assert case.note_button.toolTip() == may(role, refused).reason_de
                assert case.note_button.toolTip().startswith("Nur Support und Teamleitungen")
        finally:
            window.switch_language("en")


def _linked_case(qtbot: Any, person: Agent) -> CaseView:
    inbox = person.window.inbox
    if inbox is None:
        person.window.show_cases()
        inbox = person.window.inbox
    assert inbox is not None
    qtbot.waitUntil(lambda: inbox.loaded and bool(inbox.model.rows), timeout=WAIT)
    for row in inbox.model.rows:
        person.window.open_case(row.id)
        view = person.window.cases[row.id]
        assert isinstance(view, CaseView)
        qtbot.waitUntil(lambda v=view: v.loaded and v.detail is not None, timeout=WAIT)
        if view.detail is not None and view.detail.account is not None \
                and view.detail.account.status == "active":
            return view
    raise AssertionError("no case of the demo is linked to an active customer")
