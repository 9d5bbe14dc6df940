"""The desk names the staff's roles in one place (ui/widgets/wording.role_name): the menu
of the demo's roles, the status bar's "Signed in: … (role)" and the audit log's Role
column. Every role of R27 (domain/model.Role, the matrix of domain/permissions.py) has a
name, the mail gateway included, and the German ones are GLOSSARY.md's words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.domain.model import Role
from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.widgets.i18n import Language
from xrewards_desk.ui.widgets.wording import ROLES, role_name


@pytest.fixture
def german(qapp: QApplication) -> Iterator[Language]:
    chosen = Language(qapp)
    assert chosen.switch("de")
    yield chosen
    chosen.switch("en")


def test_every_role_has_a_name(qapp: QApplication) -> None:
    assert set(ROLES) == set(Role)
    assert {role: role_name(role.value) for role in Role} == {
        Role.AGENT: "Support agent", Role.COMPLIANCE: "Compliance",
        Role.TEAM_LEAD: "Team lead", Role.SERVICE: "Service",
        Role.MAIL_GATEWAY: "Mail gateway"}
    # a role the program lacks is shown as the server sent it; none as nothing
    assert role_name("auditor") == "auditor"
    assert role_name(None) == ""


def test_the_role_names_in_german(german: Language) -> None:
    # GLOSSARY.md: Support, Teamleitung, Compliance; the shop's systems "Shop-System";
    # the mail gateway "Postfach-Anbindung"
    assert {role: role_name(role) for role in Role} == {
        Role.AGENT: "Support", Role.COMPLIANCE: "Compliance",
        Role.TEAM_LEAD: "Teamleitung", Role.SERVICE: "Shop-System",
        Role.MAIL_GATEWAY: "Postfach-Anbindung"}
