"""What the signed-in person may do, as the desktop shows it: views and buttons ask the
domain's matrix (R27, domain/permissions.py) and workflows (domain/workflow.py), and a
disabled button's tooltip is the rule's sentence in the desk's language. No role is
named in ui/: a view decides by asking :func:`may`."""

from __future__ import annotations

from typing import Any

from xrewards_desk.domain import permissions
from xrewards_desk.domain.model import Role
from xrewards_desk.domain.workflow import Step
from xrewards_desk.ui.shell.desk import Desk


def person(desk: Desk) -> Any:
    """The signed-in person (contract.Token-like: name, display_name, role), or None."""
    session = desk.session
    return session.person if session is not None else None


def role_of(desk: Desk) -> Role | None:
    """The signed-in person's role, or None (not signed in, or a role the program lacks)."""
    who = person(desk)
    return permissions.role_of(who.role) if who is not None else None


def name_of(desk: Desk) -> str:
    who = person(desk)
    return str(who.name) if who is not None else ""


def language(desk: Desk) -> str:
    return str(desk.language.code)


def may(desk: Desk, command: str) -> permissions.Permission:
    """R27: whether the signed-in person may send `command` (or use a read of the
    matrix), with the rule's sentence."""
    return permissions.may(role_of(desk), command)


def allowed(desk: Desk, command: str) -> bool:
    return may(desk, command).allowed


def why_not(desk: Desk, command: str) -> str:
    """"" where the signed-in person may send `command`; else the rule's sentence in the
    desk's language, for the tooltip of a disabled button."""
    return may(desk, command).why_not(language(desk))


def step_why_not(desk: Desk, step: Step) -> str:
    """"" where a workflow's step may be taken; else why not, in the desk's language."""
    return step.why_not(language(desk))
