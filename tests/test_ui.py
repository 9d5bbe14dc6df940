"""The desktop application with pytest-qt, offscreen, on the demo program synced from the
real reference server: search → open → ledger → "balance as of" → export; sync progress
and the refusal list; the demo's role switcher; every view in German.

Expected values come from the store by plain SQL and from RULES.md (R11: the balance is
the sum of the ledger's movements), never from what the widgets printed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate, build_template, demo_server
from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.store.search import search
from xrewards_desk.sync.client import ApiClient

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.customers.page import CustomerView
from xrewards_desk.ui.qt import QApplication, QDate, QLabel, Qt
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.dialogs import RefusalsDialog, SettingsDialog
from xrewards_desk.ui.shell.main import MemoryTokens
from xrewards_desk.ui.shell.main_window import Desk, MainWindow
from xrewards_desk.ui.shell.paths import Paths
from xrewards_desk.ui.shell.session import Session, SyncController
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets.i18n import Fmt, Language

WAIT = 60_000


@pytest.fixture(scope="session")
def desk_template(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> DeskTemplate:
    return build_template(demo, tmp_path_factory.mktemp("desk-template"))


def make_desk(qapp: QApplication, folder: Path, store: Store, language: str = "en",
              demo: bool = False) -> Desk:
    paths = Paths.default(folder).made()
    lang = Language(qapp)
    lang.switch(language)
    return Desk(tasks=Tasks(), paths=paths, settings=st.Settings(paths.settings_file),
                language=lang, demo=demo, store=store, clock=SettableClock(NOW))


@pytest.fixture
def desk(qapp: QApplication, tmp_path: Path, desk_template: DeskTemplate) -> Iterator[Desk]:
    local = tmp_path / "desk.sqlite"
    Store_copy(desk_template.local, local)
    store = Store.open(sqlite_url(local))
    d = make_desk(qapp, tmp_path / "app", store)
    yield d
    d.tasks.shutdown()
    d.language.switch("en")
    store.close()


def Store_copy(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)


def window_for(qtbot: Any, desk: Desk) -> MainWindow:
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    window.ready()
    return window


def balance_until(store: Store, account: str, before: datetime) -> int:
    """R11: the balance is the sum of the ledger's movements up to that instant."""
    with store.session() as s:
        return int(s.scalar(select(func.coalesce(func.sum(m.LedgerEntry.points), 0)).where(
            m.LedgerEntry.account_id == account, m.LedgerEntry.at < before)) or 0)


def busiest_account(store: Store) -> tuple[str, int]:
    with store.session() as s:
        row = s.execute(select(m.LedgerEntry.account_id, func.count()).group_by(
            m.LedgerEntry.account_id).order_by(func.count().desc()).limit(1)).one()
        return str(row[0]), int(row[1])


# --------------------------------------------------------------------------- the flow

def test_search_open_ledger_balance_as_of_and_export(qtbot: Any, desk: Desk,
                                                     tmp_path: Path) -> None:
    window = window_for(qtbot, desk)
    assert desk.store is not None
    view = window.search
    assert view is not None
    qtbot.keyClicks(view.field, "mueller")  # QTest types ASCII; ü is folded to ue anyway
    qtbot.waitUntil(lambda: bool(view.model.rows) and not view.pending, timeout=WAIT)
    with desk.store.session() as s:
        expected = [h.account_id for h in search(s, "mueller", limit=50)]
    assert [r.id for r in view.model.rows] == expected

    # the keyboard alone: Down into the results, Enter opens the customer
    qtbot.keyClick(view.field, Qt.Key.Key_Down)
    assert view.table.currentIndex().row() == 0
    # the first customer found with some history: Down to it, Enter opens it
    with desk.store.session() as s:
        counts = dict(s.execute(select(m.LedgerEntry.account_id, func.count()).group_by(
            m.LedgerEntry.account_id)).all())
    k = next(i for i, r in enumerate(view.model.rows) if counts.get(r.id, 0) >= 3)
    for _ in range(k):
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.table.currentIndex().row() == k
    first = view.model.rows[k]
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: first.id in window.customers, timeout=WAIT)
    page = window.customers[first.id]
    assert isinstance(page, CustomerView)
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    assert page.page is not None and page.page.profile.name == first.name
    assert window.tabs.currentWidget() is page

    # the ledger: every entry, the running balance after each (R11)
    account = first.id
    page.show_ledger()
    ledger = page.ledger
    qtbot.waitUntil(lambda: ledger.loaded, timeout=WAIT)
    with desk.store.session() as s:
        total = s.scalar(select(func.count()).select_from(m.LedgerEntry).where(
            m.LedgerEntry.account_id == account))
        entries = s.execute(select(m.LedgerEntry.id, m.LedgerEntry.seq, m.LedgerEntry.points)
                            .where(m.LedgerEntry.account_id == account)).all()
    assert ledger.model.total == total
    for row in ledger.model.rows:
        assert row.balance == sum(p for _i, seq, p in entries if seq <= row.seq)

    # "balance as of" a day in the middle of the history
    with desk.store.session() as s:
        ats = sorted(s.scalars(select(m.LedgerEntry.at).where(
            m.LedgerEntry.account_id == account)))
    day = ats[len(ats) // 2].astimezone(BERLIN).date()
    ledger.as_of.setDate(QDate(day.year, day.month, day.day))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)
    want = Fmt("en").points(balance_until(desk.store, account, end))
    qtbot.waitUntil(lambda: ledger.as_of_result.text().startswith(f"{want} points"),
                    timeout=WAIT)

    # export: CSV with every entry, and a PDF statement (type from the bytes)
    target = tmp_path / "ledger.csv"
    ledger.export_csv(target)
    qtbot.waitUntil(lambda: "Exported" in ledger.message.text(), timeout=WAIT)
    with open(target, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + total
    pdf = tmp_path / "statement.pdf"
    ledger.export_pdf(pdf)
    qtbot.waitUntil(lambda: "Statement written" in ledger.message.text(), timeout=WAIT)
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_type_filter_keeps_the_real_running_balance(qtbot: Any, desk: Desk) -> None:
    assert desk.store is not None
    account, _n = busiest_account(desk.store)
    window = window_for(qtbot, desk)
    window.open_customer(account)
    page = window.customers[account]
    ledger = page.ledger  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ledger.loaded, timeout=WAIT)
    index = ledger.types.findData("redemption")
    if index < 0 or not _has(desk.store, account, m.EntryType.REDEMPTION):
        pytest.skip("the busiest demo account has no redemption")
    ledger.types.setCurrentIndex(index)
    qtbot.waitUntil(lambda: ledger.loaded and all(r.type == "redemption"
                                                  for r in ledger.model.rows), timeout=WAIT)
    with desk.store.session() as s:
        entries = s.execute(select(m.LedgerEntry.seq, m.LedgerEntry.points).where(
            m.LedgerEntry.account_id == account)).all()
    assert ledger.model.rows
    for row in ledger.model.rows:
        # R11: the balance after the redemption counts every movement before it, not
        # only the redemptions shown
        assert row.balance == sum(p for seq, p in entries if seq <= row.seq)
        assert row.allocations, "a redemption names the lots it drew from (R13)"
        assert sum(lot.points for lot in row.allocations) == -row.points


def _has(store: Store, account: str, kind: m.EntryType) -> bool:
    with store.session() as s:
        return bool(s.scalar(select(func.count()).select_from(m.LedgerEntry).where(
            m.LedgerEntry.account_id == account, m.LedgerEntry.type == kind)))


def test_a_long_history_is_fetched_a_page_at_a_time(qtbot: Any, desk: Desk) -> None:
    assert desk.store is not None
    account, n = busiest_account(desk.store)
    window = window_for(qtbot, desk)
    window.open_customer(account)
    ledger = window.customers[account].ledger  # type: ignore[attr-defined]
    ledger.model.page = 3
    ledger.reload()
    qtbot.waitUntil(lambda: ledger.loaded, timeout=WAIT)
    # the first answer is one page; the view asks for more as it is scrolled
    assert n > 6 and ledger.model.total == n and len(ledger.model.rows) <= n

    def scrolled_to_the_end() -> bool:
        ledger.table.scrollToBottom()
        if ledger.model.canFetchMore():
            ledger.model.fetchMore()
        return len(ledger.model.rows) == n

    qtbot.waitUntil(scrolled_to_the_end, timeout=WAIT)
    seqs = [r.seq for r in ledger.model.rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == n  # newest first, no gaps
    assert not ledger.model.canFetchMore()


# --------------------------------------------------------------------------- sync

def test_sync_progress_and_refusals_against_the_real_server(qtbot: Any, qapp: QApplication,
                                                          demo: Demo, tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server:
        store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
        desk = make_desk(qapp, tmp_path / "app", store)
        try:
            api = server.base.removesuffix("/v1")
            session = Session(store, api, "anna", ApiClient(api), MemoryTokens())
            password = demo.password("anna")
            session.sign_in(password)
            desk.session = session
            desk.sync = SyncController(desk.tasks, session)
            window = window_for(qtbot, desk)
            progress: list[tuple[int, int]] = []
            desk.sync.progress.connect(lambda d, t: progress.append((d, t)))
            with qtbot.waitSignal(desk.sync.finished, timeout=120_000) as done:
                assert desk.sync.sync_now()
                assert not desk.sync.sync_now(), "one sync at a time"
            with server.store.session() as s:
                changes = s.scalar(select(func.count()).select_from(m.ChangeRow))
            assert done.args[0]["pulled"] == changes
            assert progress and progress[-1][0] == changes
            qtbot.waitUntil(lambda: window.syncbar.status.online
                            and not window.syncbar.progress.isVisible(), timeout=WAIT)
            assert "Online" in window.syncbar.online.text()
            assert window.syncbar.status.last_success is not None

            # an agent may not approve a transfer (R27): the server refuses, the app shows it
            session.syncer.enqueue({"type": "approve_transfer", "request": 1, "version": 1})
            qtbot.waitUntil(lambda: window.syncbar.waiting == 0, timeout=WAIT)
            desk.sync.refresh_outbox()
            qtbot.waitUntil(lambda: window.syncbar.waiting == 1, timeout=WAIT)
            assert window.syncbar.outbox.text() == "Outbox: 1 waiting"
            with qtbot.waitSignal(desk.sync.finished, timeout=WAIT):
                desk.sync.sync_now()
            qtbot.waitUntil(lambda: len(window.syncbar.refusals) == 1, timeout=WAIT)
            refusal = window.syncbar.refusals[0]
            assert refusal.code == "forbidden" and refusal.kind == "approve_transfer"
            assert window.syncbar.refused.isVisible()
            dialog = RefusalsDialog(window.syncbar.refusals, desk.fmt, window)
            qtbot.addWidget(dialog)
            table = dialog.findChild(type(window.search.table))  # type: ignore[union-attr]
            assert table.model().rowCount() == 1
            assert table.model().index(0, 2).data() == "forbidden"
        finally:
            desk.tasks.shutdown()
            store.close()


def test_offline_shows_in_the_status_bar_and_nothing_is_lost(qtbot: Any, desk: Desk) -> None:
    assert desk.store is not None
    api = "http://127.0.0.1:9"  # nothing listens on the discard port
    session = Session(desk.store, api, "anna", ApiClient(api, "t", retries=0), MemoryTokens())
    desk.session = session
    desk.sync = SyncController(desk.tasks, session)
    window = window_for(qtbot, desk)
    session.syncer.enqueue({"type": "request_adjustment", "account": "XR-0000001",
                            "points": 10, "reason": "offline"})
    with qtbot.waitSignal(desk.sync.failed, timeout=WAIT):
        desk.sync.sync_now()
    qtbot.waitUntil(lambda: "Offline" in window.syncbar.online.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.syncbar.waiting == 1, timeout=WAIT)


# --------------------------------------------------------------------------- roles

def test_the_demo_role_switcher_signs_in_as_each_role(qtbot: Any, qapp: QApplication,
                                                      demo: Demo, tmp_path: Path,
                                                      desk_template: DeskTemplate) -> None:
    from xrewards_desk.ui.shell.main import Starter

    with demo_server(demo, tmp_path / "server") as server:
        Store_copy(desk_template.local, tmp_path / "desk.sqlite")
        store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
        desk = make_desk(qapp, tmp_path / "app", store, demo=True)
        try:
            api = server.base.removesuffix("/v1")
            session = Session(store, api, "anna", ApiClient(api), MemoryTokens())
            password = demo.password("anna")
            session.sign_in(password)
            desk.session = session
            window = window_for(qtbot, desk)
            starter = Starter(desk, window, _Args())
            # the demo server's folder as the desktop's demo has it: the passwords' 0600
            # file in its data folder (issue 18 item 7), here the test demo's
            from xrewards_desk.ui.shell.demo import DemoServer
            (tmp_path / "demo-server").mkdir()
            (tmp_path / "demo-server" / "server").symlink_to(demo.data)
            starter.server = DemoServer(tmp_path / "demo-server")
            # the Role menu of the demo: one checkable action per role
            assert window.role_menu.menuAction().isVisible()
            assert [a.data() for a in window.role_menu.actions()] == [
                "agent", "compliance", "team_lead"]
            assert window.role_actions["agent"].isChecked()
            assert "Anna" in window.person.text()  # in the status bar
            assert window.person in window.statusBar().findChildren(QLabel)
            for role, name, shown in (("compliance", "clara", "Compliance"),
                                      ("team_lead", "tessa", "Team lead"),
                                      ("agent", "anna", "Support agent")):
                window.role_actions[role].trigger()
                qtbot.waitUntil(lambda n=name: session.person is not None
                                and session.person.name == n, timeout=WAIT)
                qtbot.waitUntil(lambda s=shown: f"({s})" in window.person.text(),
                                timeout=WAIT)
                assert session.client.me().role == role
                assert window.role_actions[role].isChecked()
            del starter
        finally:
            desk.tasks.shutdown()
            store.close()


def test_the_start_page_shows_how_far_the_demos_build_is(qtbot: Any, desk: Desk) -> None:
    """The demo server's first start: the start page's bar shows the build's percent (the
    desktop reads it from the server's progress file); any other step is busy without a
    figure again. In German the percent has its space."""
    window = window_for(qtbot, desk)
    bar = window.start.bar
    window.starting("Starting the demo server…")
    assert window.stack.currentWidget() is window.start and bar.maximum() == 0  # busy
    window.building(42)
    assert window.stack.currentWidget() is window.start
    assert (bar.minimum(), bar.maximum(), bar.value(), bar.text()) == (0, 100, 42, "42%")
    assert window.start.message.text() == ("Building the demo program (only at its first "
                                           "start; later starts reuse it)…")
    window.starting("Syncing the demo program…")
    assert bar.maximum() == 0 and window.start.message.text() == "Syncing the demo program…"
    assert desk.language.switch("de"), "the German translation file is missing"
    window.building(7)
    assert bar.text() == "7 %"
    assert window.start.message.text().startswith("Das Demo-Programm wird erzeugt")


def test_the_role_switcher_is_for_the_demo_only(qtbot: Any, desk: Desk) -> None:
    window = window_for(qtbot, desk)
    assert not window.role_menu.menuAction().isVisible()
    assert not any(a.isEnabled() for a in window.role_actions.values())


class _Args:
    screenshots = None


# --------------------------------------------------------------------------- languages

def test_every_view_in_german(qtbot: Any, desk: Desk, tmp_path: Path) -> None:
    assert desk.language.switch("de"), "the German translation file is missing"
    window = window_for(qtbot, desk)
    assert window.tabs.tabText(0) == "Suche"
    assert window.syncbar.sync.text() == "Jetzt synchronisieren"
    view = window.search
    assert view is not None
    view.field.setText("müller")
    qtbot.waitUntil(lambda: bool(view.model.rows) and not view.pending, timeout=WAIT)
    headers = [view.model.headerData(i, Qt.Orientation.Horizontal)
               for i in range(view.model.columnCount())]
    assert headers[:3] == ["Kundennummer", "Name", "E-Mail"]
    window.open_customer(view.model.rows[0].id)
    page = window.tabs.currentWidget()
    assert isinstance(page, CustomerView)
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    assert page.tabs.tabText(1) == "Kontoverlauf"
    assert page.balance_box.title() == "Status-Stufe und Kontostand"
    page.show_ledger()
    qtbot.waitUntil(lambda: page.ledger.loaded, timeout=WAIT)
    assert page.ledger.csv.text() == "CSV exportieren…"
    page.explain(modal=False)
    assert page.explainer is not None
    qtbot.waitUntil(lambda: page.explainer.loaded, timeout=WAIT)  # type: ignore[union-attr]
    assert page.explainer.windowTitle().startswith("Kontostand erklären")  # type: ignore[union-attr]
    settings = SettingsDialog(desk.settings, window)
    qtbot.addWidget(settings)
    assert settings.windowTitle() == "Einstellungen"
    # the case work: the inbox, a case with an objection, the objections by deadline
    assert window.tabs.tabText(1) == "Vorgänge"
    inbox = window.inbox
    qtbot.waitUntil(lambda: inbox.loaded and bool(inbox.model.rows), timeout=WAIT)
    row = next(r for r in inbox.model.rows if r.open_objections)
    assert inbox.model.index(inbox.model.rows.index(row), 1).data() in (
        "neu", "in Bearbeitung", "wartet auf Kunden")
    window.open_case(row.id)
    case = window.cases[row.id]
    qtbot.waitUntil(lambda: case.loaded and case.detail is not None, timeout=WAIT)  # type: ignore[attr-defined]
    assert case.objection_button.text() == "Einwendung gegen eine Mitteilung…"  # type: ignore[attr-defined]
    badge = case.objection_badge.text()  # type: ignore[attr-defined]
    assert "Fristgerecht" in badge or "Verspätet" in badge
    window.show_objections()
    qtbot.waitUntil(lambda: window.objections.loaded, timeout=WAIT)
    assert window.tabs.tabText(window.tabs.indexOf(window.objections)) == "Einwendungen"
    # amounts and dates as German writes them
    f = desk.fmt()
    from decimal import Decimal

    assert f.money(Decimal("1234.56")) == "1.234,56 €"
    assert f.points(-1234) == "−1.234"
    assert f.date(date(2025, 2, 28)) == "28.02.2025"


def test_no_string_is_left_untranslated() -> None:
    from xrewards_desk.ui import translations

    assert translations.check("de") == []


def test_the_compiled_translation_matches_its_source(tmp_path: Path) -> None:
    import subprocess

    from xrewards_desk.ui import translations

    ts = translations.ts_file("de")
    fresh = tmp_path / "fresh.qm"
    subprocess.run([translations.tool("pyside6-lrelease"), "-silent", str(ts), "-qm",
                    str(fresh)], check=True)
    assert fresh.read_bytes() == ts.with_suffix(".qm").read_bytes(), \
        "run: python -m xrewards_desk.ui.translations release"


# --------------------------------------------------------------------------- settings

def test_settings_refuse_a_bad_address_and_change_nothing(qtbot: Any, desk: Desk) -> None:
    dialog = SettingsDialog(desk.settings, first_start=True)
    qtbot.addWidget(dialog)
    dialog.editors[st.API_URL.key].setText("ftp://rewards.example")
    dialog.editors[st.USER.key].setText("anna")
    dialog.accept()
    assert "http://" in dialog.error.text() and dialog.result() == 0
    assert desk.settings.get(st.API_URL) == "" and desk.settings.get(st.USER) == ""
    dialog.editors[st.API_URL.key].setText("https://rewards.example/api")
    dialog.editors[st.SYNC_MINUTES.key].setValue(7)
    language = dialog.editors[st.LANGUAGE.key]
    language.setCurrentIndex(language.findData("de"))
    dialog.accept()
    assert dialog.result() == 1
    again = st.Settings(desk.paths.settings_file)  # read back from the file
    assert again.get(st.API_URL) == "https://rewards.example/api"
    assert again.get(st.USER) == "anna" and again.get(st.SYNC_MINUTES) == 7
    assert again.get(st.LANGUAGE) == "de"
    assert "token" not in desk.paths.settings_file.read_text().lower()


def test_a_setting_of_the_wrong_type_falls_back_to_its_default(desk: Desk) -> None:
    desk.paths.settings_file.write_text("[sync]\nminutes=soon\n[ui]\nlanguage=fr\n")
    settings = st.Settings(desk.paths.settings_file)
    assert settings.get(st.SYNC_MINUTES) == 5 and settings.get(st.LANGUAGE) == "system"


def test_a_customer_is_worked_from_the_keyboard(qtbot: Any, desk: Desk) -> None:
    assert desk.store is not None
    account, _n = busiest_account(desk.store)
    window = window_for(qtbot, desk)
    window.open_customer(account)
    page = window.customers[account]
    assert isinstance(page, CustomerView)
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    page.tabs.setFocus()
    qtbot.keyClick(page.tabs, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.ledger
    qtbot.keyClick(page.tabs, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentIndex() == 0
    qtbot.keyClick(page.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.explainer is not None and page.explainer.loaded,
                    timeout=WAIT)
    assert page.explainer is not None and page.explainer.sentences.count() > 0
    # Ctrl+F from the customer goes back to the search field
    page.explainer.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(page.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.search
    # Ctrl+W closes the customer's tab
    window.open_customer(account)
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_W,
                   Qt.KeyboardModifier.ControlModifier)
    assert account not in window.customers
