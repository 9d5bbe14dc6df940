"""The main window: customer search (Ctrl+F from anywhere), customers in tabs, the sync
in the status bar, and in demo mode a role switcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..domain.model import Role
from ..store.db import Store
from . import settings as st
from .dialogs import RefusalsDialog, SettingsDialog
from .i18n import Fmt, Language, resolve
from .paths import Paths
from .qt import (
    QAction,
    QCloseEvent,
    QComboBox,
    QKeySequence,
    QLabel,
    QMainWindow,
    QProgressBar,
    QShortcut,
    QStackedWidget,
    Qt,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .search_view import SearchView
from .session import Session, SyncController
from .statusbar import SyncBar
from .tasks import Tasks


@dataclass
class Desk:
    """What every view needs: the lanes, the paths and settings, the language, the store
    and the signed-in session, and the one clock."""

    tasks: Tasks
    paths: Paths
    settings: st.Settings
    language: Language
    demo: bool = False
    store: Store | None = None
    session: Session | None = None
    sync: SyncController | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def fmt(self) -> Fmt:
        return Fmt(self.language.code)


class StartPage(QWidget):
    """Shown while the app gets ready (demo server starting, first sync)."""

    def __init__(self) -> None:
        super().__init__()
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(400)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    role_requested = Signal(str)
    language_changed = Signal()

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.setObjectName("main")
        self.resize(1280, 800)
        self.stack = QStackedWidget()
        self.start = StartPage()
        self.stack.addWidget(self.start)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.search: SearchView | None = None
        self.customers: dict[str, QWidget] = {}

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("toolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.find_action.triggered.connect(self.focus_search)
        self.sync_action = QAction(self)
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_action.triggered.connect(self.sync_now)
        self.settings_action = QAction(self)
        self.settings_action.triggered.connect(self.open_settings)
        self.refused_action = QAction(self)
        self.refused_action.triggered.connect(self.show_refusals)
        for action in (self.find_action, self.sync_action, self.refused_action,
                       self.settings_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.person = QLabel()
        self.toolbar.addWidget(self.person)
        self.role_label = QLabel()
        self.roles = QComboBox()
        self.roles.setObjectName("roles")
        self.role_label.setVisible(desk.demo)
        self.roles.setVisible(desk.demo)
        self.role_label_action = self.toolbar.addWidget(self.role_label)
        self.roles_action = self.toolbar.addWidget(self.roles)
        self.role_label_action.setVisible(desk.demo)
        self.roles_action.setVisible(desk.demo)
        self.roles.activated.connect(lambda _i: self.role_requested.emit(
            self.roles.currentData()))
        close_tab = QShortcut(QKeySequence.StandardKey.Close, self)
        close_tab.activated.connect(lambda: self.close_tab(self.tabs.currentIndex()))

        self.syncbar = SyncBar(desk.fmt)
        self.syncbar.sync_requested.connect(self.sync_now)
        self.syncbar.refusals_requested.connect(self.show_refusals)
        self.statusBar().addPermanentWidget(self.syncbar, 1)
        self.retranslate()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("X-Points Desk") + (" — " + self.tr("Demo")
                                                       if self.desk.demo else ""))
        self.find_action.setText(self.tr("Search"))
        self.find_action.setToolTip(self.tr("Find a customer (Ctrl+F)"))
        self.sync_action.setText(self.tr("Sync now"))
        self.settings_action.setText(self.tr("Settings"))
        self.refused_action.setText(self.tr("Refused commands"))
        self.role_label.setText(self.tr("Demo role:"))
        current = self.roles.currentData()
        self.roles.clear()
        for role, text in ((Role.AGENT, self.tr("Support agent")),
                           (Role.COMPLIANCE, self.tr("Compliance")),
                           (Role.TEAM_LEAD, self.tr("Team lead"))):
            self.roles.addItem(text, role.value)
        if current is not None:
            self.roles.setCurrentIndex(max(0, self.roles.findData(current)))
        self.show_person()
        if self.search is not None:
            self.tabs.setTabText(0, self.tr("Search"))
            self.search.retranslate()
        for i in range(1, self.tabs.count()):
            page = self.tabs.widget(i)
            if page is not None and hasattr(page, "retranslate"):
                page.retranslate()
        self.syncbar.retranslate()

    def show_person(self) -> None:
        session = self.desk.session
        person = session.person if session is not None else None
        if person is None:
            self.person.setText("")
            return
        roles = {"agent": self.tr("Support agent"), "compliance": self.tr("Compliance"),
                 "team_lead": self.tr("Team lead"), "service": self.tr("Service")}
        self.person.setText(self.tr("Signed in: %1 (%2)").replace(
            "%1", person.display_name).replace("%2", roles.get(person.role, person.role)))
        self.roles.setCurrentIndex(max(0, self.roles.findData(person.role)))

    # ------------------------------------------------------------------ start
    def starting(self, message: str) -> None:
        self.start.message.setText(message)
        self.stack.setCurrentWidget(self.start)

    def ready(self) -> None:
        desk = self.desk
        assert desk.store is not None
        if self.search is None:
            self.search = SearchView(desk.tasks, desk.store, desk.fmt, desk.now)
            self.search.open_customer.connect(self.open_customer)
            self.tabs.insertTab(0, self.search, self.tr("Search"))
            self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide,
                                            None)
        if desk.sync is not None:
            desk.sync.status.connect(self.syncbar.show_status)
            desk.sync.progress.connect(self.syncbar.show_progress)
            desk.sync.outbox.connect(self.syncbar.show_outbox)
            desk.sync.finished.connect(lambda _s: self.refresh_open())
            desk.sync.refresh_outbox()
            self.syncbar.show_status(desk.sync.last)
        self.show_person()
        self.stack.setCurrentWidget(self.tabs)
        self.focus_search()

    # ------------------------------------------------------------------ actions
    def focus_search(self) -> None:
        if self.search is None:
            return
        self.tabs.setCurrentWidget(self.search)
        self.search.focus_field()

    def open_customer(self, account_id: str) -> None:
        from .customer_view import CustomerView

        page = self.customers.get(account_id)
        if page is None:
            page = CustomerView(self.desk, account_id)
            page.open_customer.connect(self.open_customer)
            self.customers[account_id] = page
            self.tabs.addTab(page, account_id)
            page.title_changed.connect(lambda title, p=page: self.tabs.setTabText(
                self.tabs.indexOf(p), title))
        self.tabs.setCurrentWidget(page)
        page.setFocus()

    def close_tab(self, index: int) -> None:
        if index <= 0:
            return
        page = self.tabs.widget(index)
        if page is None:
            return
        self.tabs.removeTab(index)
        for key, value in list(self.customers.items()):
            if value is page:
                del self.customers[key]
        page.deleteLater()

    def refresh_open(self) -> None:
        for page in self.customers.values():
            page.refresh()  # type: ignore[attr-defined]

    def sync_now(self) -> None:
        if self.desk.sync is not None:
            self.desk.sync.sync_now()

    def show_refusals(self) -> None:
        RefusalsDialog(self.syncbar.refusals, self.desk.fmt, self).exec()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.desk.settings, self)
        if dialog.exec():
            code = resolve(self.desk.settings.get(st.LANGUAGE))
            if code != self.desk.language.code:
                self.desk.language.switch(code)
                self.retranslate()
                self.language_changed.emit()
            if self.desk.sync is not None:
                self.desk.sync.set_interval(self.desk.settings.get(st.SYNC_MINUTES))

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)

    def grab_to(self, path: Path) -> Any:
        return self.grab().save(str(path))
