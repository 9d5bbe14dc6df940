"""Screens that speak one language: every view, opened through the menus as each demo role
(agent anna, compliance clara, team lead tessa), walked widget by widget with German
active: no text (labels, buttons, tabs, window titles, menus, table headers and cells,
tooltips, placeholders) may be an English source string of the translation catalogue
whose German differs. Once with German from the start, once after a live switch from
English (as Settings does it), so that a text set once when a view was made shows up.
The walk is the screenshots' own (ui/shell/screenshots.py), against the real reference server
with the demo; the menu bar and the role menu are checked on their own."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.case_harness import WAIT, cases_template, local_desk, sign_in, window_of
from tests.demo_fixture import Demo
from tests.ui_harness import DeskTemplate, demo_server

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMenuBar,
    QModelIndex,
    QPlainTextEdit,
    QProgressBar,
    Qt,
    QTextDocument,
    QTextEdit,
    QWidget,
)
from xrewards_desk.ui.shell.main import Starter
from xrewards_desk.ui.shell.main_window import MainWindow
from xrewards_desk.ui.shell.screenshots import ROLES, VIEWS, Screenshots
from xrewards_desk.ui.shell.session import SyncController
from xrewards_desk.ui.translations import ts_file

__all__ = ["cases_template"]  # the session's synced demo store, shared with the case tests

#: placeholders in a source string: %1, %n, %Ln
PLACEHOLDER = re.compile(r"%L?(?:\d+|n)")
#: symbols a text may start with ("● Online") or end with ("Type:")
EDGES = " \t●○⟳•▸–—:…"


def mnemonic_free(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def norm(text: str) -> str:
    return mnemonic_free(text).strip(EDGES)


@dataclass
class Catalogue:
    """The English source strings whose German translation differs."""

    exact: set[str] = field(default_factory=set)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    #: how many characters of a source with placeholders are its own words
    literal: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, ts: Path) -> Catalogue:
        cat = cls()
        same: set[str] = set()
        pairs: list[tuple[str, str]] = []
        for message in ET.parse(ts).getroot().iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None:
                continue
            forms = [f.text or "" for f in translation.findall("numerusform")] or \
                [translation.text or ""]
            for form in forms:
                if not form:
                    continue
                if norm(form) == norm(source) or PLACEHOLDER.sub("%n", form) == \
                        PLACEHOLDER.sub("%n", source):
                    same.add(norm(source))  # spelled alike in both languages
                else:
                    pairs.append((source, form))
        for source, _form in pairs:
            key = norm(source)
            if not key or key in same:
                continue
            if PLACEHOLDER.search(source):
                literal = PLACEHOLDER.sub("", mnemonic_free(source))
                if sum(c.isalpha() for c in literal) < 4:
                    continue  # "%1 (%2)": nothing of a language in it
                parts = [re.escape(p).replace(r"\(s\)", "s?")  # "point(s)": point, points
                         for p in PLACEHOLDER.split(key)]
                pattern = re.compile("(?:.+?)".join(parts), re.S)
                cat.patterns.append((pattern, source))
                cat.literal[source] = len("".join(PLACEHOLDER.split(key)))
            elif sum(c.isalpha() for c in key) >= 2:
                cat.exact.add(key)
        return cat

    def english(self, text: str) -> str | None:
        """The catalogue's source string `text` shows (a line or a part of one), if any."""
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            pieces = {line, *re.split(r" · |: |; | — ", line)}
            for piece in pieces:
                piece = norm(piece)
                if piece in self.exact:
                    return piece
                for pattern, source in self.patterns:
                    # the source's own words must be much of it: "Case 25" is "Case %1",
                    # a customer's subject "Objection to your notice of …" is not
                    # "Objection %1"
                    if pattern.fullmatch(piece) and \
                            self.literal[source] >= 0.4 * len(piece):
                        return source
        return None


def plain(text: str) -> str:
    if "<" in text and ">" in text:
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def texts(top: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a person can see in `top` and its visible children:
    also the tooltips they would see on hovering and the menus they would open."""
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        where = f"{type(widget).__name__}({widget.objectName()})"
        yield where + " tooltip", widget.toolTip()
        if widget.isWindow():
            yield where + " title", widget.windowTitle()
        if isinstance(widget, QLabel):
            yield where, plain(widget.text())
        elif isinstance(widget, QAbstractButton):
            yield where, widget.text()
        elif isinstance(widget, QGroupBox):
            yield where, widget.title()
        elif isinstance(widget, QComboBox):
            if widget.objectName() == "reply_template":
                continue  # named in the reply's language, chosen beside it
            for i in range(widget.count()):
                yield where + " item", widget.itemText(i)
        elif isinstance(widget, QLineEdit):
            yield where + " placeholder", widget.placeholderText()
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            yield where + " placeholder", widget.placeholderText()
            if widget.isReadOnly():
                yield where, widget.toPlainText()
        elif isinstance(widget, QProgressBar):
            yield where, widget.text()
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                if not action.isVisible():
                    continue
                yield where + " menu", action.text()
                menu = action.menu()
                for item in menu.actions() if menu is not None else []:
                    if item.isVisible() and not item.isSeparator():
                        yield where + " menu item", item.text()
                        yield where + " menu item tooltip", item.toolTip()
                        yield where + " menu item status tip", item.statusTip()
        if hasattr(widget, "tabText") and hasattr(widget, "count"):  # tab bars
            for i in range(widget.count()):
                yield where + " tab", widget.tabText(i)
                yield where + " tab tooltip", widget.tabToolTip(i)
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            model = widget.model()
            if model is None:
                continue
            root = QModelIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # a list model's (QListWidget) is not callable from Python
                columns = 1
            for column in range(columns):
                yield where + " header", str(model.headerData(
                    column, Qt.Orientation.Horizontal) or "")
                for row in range(min(model.rowCount(root), 40)):
                    index = model.index(row, column)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = index.data(role)
                        if isinstance(value, str):
                            yield where + " cell", value


def english_left(catalogue: Catalogue, tops: list[QWidget]) -> list[str]:
    found = []
    for top in tops:
        for where, text in texts(top):
            if text and (source := catalogue.english(text)) is not None:
                found.append(f"{where}: {text!r} (the source {source!r})")
    return found


class _Args:
    screenshots = None


class _TestDemo:
    """Where the role menu finds a demo user's password: the test demo's users (the app's
    demo server reads them from the 0600 file its build wrote)."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo

    def user(self, name: str) -> Any:
        return next(u for u in self.demo.info.users if u.name == name)


def walk_in_german(qtbot: Any, qapp: QApplication, demo: Demo, template: DeskTemplate,
                   folder: Path, languages: tuple[str, ...]) -> list[str]:
    """The screenshots' walk through `languages` (the window made in the first), each
    German view checked; what English it found."""
    catalogue = Catalogue.load(ts_file("de"))
    assert len(catalogue.exact) > 300 and len(catalogue.patterns) > 50
    problems: list[str] = []
    with demo_server(demo, folder / "server") as server, \
            local_desk(qapp, template, folder / "desk") as desk:
        desk.demo = True
        assert desk.language.switch(languages[0])
        session = sign_in(desk, demo, server, "anna")
        desk.sync = SyncController(desk.tasks, session)
        window = window_of(qtbot, desk)
        starter = Starter(desk, window, _Args())
        starter.server = _TestDemo(demo)  # type: ignore[assignment]

        def visit(view: str, role: str, language: str, shown: QWidget) -> None:
            if language != "de":
                return
            tops = [window] + ([shown] if shown is not window else [])
            problems.extend(f"{view} as {role}: {p}"
                            for p in sorted(set(english_left(catalogue, tops))))

        finished: list[bool] = []
        shots = Screenshots(window, None, languages=languages, visit=visit,
                            finished=lambda: finished.append(True))
        shots.start()
        try:
            qtbot.waitUntil(lambda: bool(finished), timeout=20 * WAIT)
        finally:
            desk.language.switch("en")  # its translators off the shared application
        assert shots.failure is None, shots.failure
        assert shots.shown == [(view, role, language) for language in languages
                               for role in ROLES for view, have in VIEWS if role in have]
        del starter
    return problems


def test_every_view_as_every_role_speaks_german(qtbot: Any, qapp: QApplication, demo: Demo,
                                               cases_template: DeskTemplate,
                                               tmp_path: Path) -> None:
    problems = walk_in_german(qtbot, qapp, demo, cases_template, tmp_path, ("de",))
    assert not problems, "English left in German:\n" + "\n".join(problems)


def test_after_a_live_switch_from_english_nothing_stays_english(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    problems = walk_in_german(qtbot, qapp, demo, cases_template, tmp_path, ("en", "de"))
    assert not problems, "English left after switching to German:\n" + "\n".join(problems)


def test_the_catalogue_check_finds_english_and_passes_german() -> None:
    """The check itself: an English source found whole, in a line, with its placeholders
    filled; German, names, numbers and words spelled alike in both pass."""
    catalogue = Catalogue.load(ts_file("de"))
    assert catalogue.english("Search") == "Search"
    assert catalogue.english("Type:") == "Type"
    assert catalogue.english("Case 25") == "Case %1"
    assert catalogue.english("Source: expiry XR-1/L1\nNote: x") == "Source"
    assert catalogue.english("161,565 points at the end of 06 Dec 2026") is not None
    assert catalogue.english("1 point at the end of 06 Dec 2026") is not None
    assert catalogue.english("Objection to your notice of 03.11.2026 (credit)") is None
    for german in ("Suche", "Vorgang 25", "Frank Müller", "XR-1004854", "161.565", "Name",
                   "Online", "Version 1.2", "Kontostand am:"):
        assert catalogue.english(german) is None, german


# --------------------------------------------------------------------------- the menus

def test_the_views_are_in_menus_with_their_keys(qtbot: Any, qapp: QApplication,
                                                cases_template: DeskTemplate,
                                                tmp_path: Path) -> None:
    with local_desk(qapp, cases_template, tmp_path / "desk") as desk:
        window: MainWindow = window_of(qtbot, desk)
        assert window.findChildren(QMenuBar)
        keys = {action.text(): action.shortcut().toString()
                for action in window.view_menu.actions()}
        assert keys == {"Search": QKeySequence(QKeySequence.StandardKey.Find).toString(),
                        "Cases": "F2", "Objections": "F3", "Approvals": "F4",
                        "Transfers": "F6", "Abuse review": "F7", "Claims": "F8",
                        "Audit": "F9"}
        assert window.sync_action in window.desk_menu.actions()
        assert window.sync_action.shortcut().toString() == "F5"
        assert window.about_action in window.help_menu.actions()
        assert window.about_action.shortcut().toString() == "F1"
        assert window.settings_action in window.desk_menu.actions()
        # not signed in: no view for a role is offered; the role menu is the demo's only
        assert not window.role_menu.menuAction().isVisible()
        assert not any(v.action.isVisible() for v in window.role_views.values())
        desk.language.switch("de")
        window.retranslate()
        titles = [a.text() for a in window.menuBar().actions()]
        assert [mnemonic_free(t) for t in titles] == ["Datei", "Ansicht", "Rolle",
                                                      "Hilfe"]
        assert window.cases_action.text() == "Vorgänge"
        assert window.cases_action.shortcut().toString() == "F2"
        desk.language.switch("en")
