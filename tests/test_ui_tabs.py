"""The main window's tab bar at 1280 x 800: each demo role (agent anna, compliance clara,
team lead tessa) signed in against the real demo server with every view its View menu
offers open, beside the customer with the longest name and the newest case, sees all its
tabs, in English and in German, without the tab bar's scroll arrows (the team lead's lost
its last tabs behind them in German). A view's tab says its words in full; only a
customer's name may be cut short, and then its tooltip has it whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.case_harness import WAIT, signed_in
from tests.demo_fixture import Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.model import Role
from xrewards_desk.store import models as m
from xrewards_desk.ui.qt import QApplication, QKeySequence, Qt, QToolButton, QWidget
from xrewards_desk.ui.shell.main_window import MainWindow

USERS = {Role.AGENT: "anna", Role.COMPLIANCE: "clara", Role.TEAM_LEAD: "tessa"}


def unfitting(window: MainWindow) -> list[str]:
    """What of the tab bar does not fit the window: tabs past its right edge, the sum of
    the tabs' widths beyond the window's, a scroll arrow shown."""
    bar = window.tabs.tabBar()
    problems = []
    needed = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    if needed > window.tabs.width():
        problems.append(f"the tabs need {needed} px of {window.tabs.width()}: " + ", ".join(
            f"{bar.tabText(i)} {bar.tabSizeHint(i).width()}" for i in range(bar.count())))
    for i in range(bar.count()):
        if bar.tabRect(i).right() >= bar.width():
            problems.append(f"tab {bar.tabText(i)!r} ends past the bar's right edge")
    arrows = [b for b in bar.findChildren(QToolButton) if b.isVisibleTo(bar)
              and b.arrowType() != Qt.ArrowType.NoArrow]
    if arrows:
        problems.append(f"{len(arrows)} scroll arrows shown")
    return problems


def focused(qapp: QApplication, window: MainWindow) -> QWidget:
    """Where a key goes: the focused widget, else the shown tab's view."""
    widget = qapp.focusWidget()
    return widget if widget is not None else window.tabs.currentWidget()


@pytest.mark.parametrize("role", list(USERS))
def test_every_tab_of_every_role_fits_1280_px_in_english_and_german(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path, role: Role) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "d",
                      USERS[role]) as person:
        window, desk = person.window, person.desk
        assert desk.store is not None
        with desk.store.session() as s:
            longest = s.execute(select(m.AccountRow.id, m.AccountRow.name).order_by(
                func.length(m.AccountRow.name).desc(), m.AccountRow.id).limit(1)).one()
            newest = s.scalar(select(func.max(m.MailCase.id)))
        assert len(longest.name) > 20 and newest is not None
        # every view the role's View menu offers, opened from it as a person would
        views = [a for a in window.view_menu.actions() if a.isVisible()]
        for action in views:
            action.trigger()
        window.open_customer(longest.id)
        customer = window.customers[longest.id]
        window.open_case(newest)
        case = window.cases[newest]
        qtbot.waitUntil(lambda: customer.loaded and case.loaded, timeout=WAIT)
        assert window.tabs.count() == len(views) + 2
        bar = window.tabs.tabBar()
        for language in ("en", "de"):
            window.switch_language(language)
            qtbot.wait(50)  # the layout follows the new words
            assert (window.width(), window.height()) == (1280, 800)
            assert not unfitting(window), (role, language, unfitting(window))
            # a view's tab says its words whole
            for i in range(bar.count()):
                if window.tabs.widget(i) is not customer:
                    assert "…" not in bar.tabText(i), bar.tabText(i)
            # the customer's tab is cut short, its tooltip says it whole
            shown = bar.tabText(window.tabs.indexOf(customer))
            assert shown.endswith("…") and longest.name.startswith(shown[:-1]), shown
            tip = bar.tabToolTip(window.tabs.indexOf(customer))
            assert tip == f"{longest.name} ({longest.id})"
            # the keys still move between the tabs, from the first to the last and round
            window.tabs.setCurrentIndex(0)
            for i in [*range(1, bar.count()), 0]:
                qtbot.keyClick(focused(qapp, window), Qt.Key.Key_PageDown,
                               Qt.KeyboardModifier.ControlModifier)
                assert window.tabs.currentIndex() == i, language
            qtbot.keyClick(focused(qapp, window), Qt.Key.Key_PageUp,
                           Qt.KeyboardModifier.ControlModifier)
            assert window.tabs.currentIndex() == bar.count() - 1
            qtbot.keyClick(focused(qapp, window), Qt.Key.Key_Tab,
                           Qt.KeyboardModifier.ControlModifier)
            assert window.tabs.currentIndex() == 0
            assert window.find_action.shortcut() == QKeySequence(
                QKeySequence.StandardKey.Find)
        window.switch_language("en")
