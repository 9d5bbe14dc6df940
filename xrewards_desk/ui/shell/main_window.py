"""The main window: a menu bar of the views and commands (each with its key), customer
search (Ctrl+F from anywhere), customers and cases in tabs, the sync and who is signed in
(in which role) in the status bar, and in demo mode a menu to switch the role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from xrewards_desk.domain.permissions import PEOPLE
from xrewards_desk.ui import qt
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.statusbar import SyncBar
from xrewards_desk.ui.widgets import access, forms
from xrewards_desk.ui.widgets.i18n import resolve
from xrewards_desk.ui.widgets.wording import role_name

if TYPE_CHECKING:
    from xrewards_desk.store.changes import Changes
    from xrewards_desk.ui.cases.mail_import import MailWatcher
    from xrewards_desk.ui.customers.search import SearchView
    from xrewards_desk.ui.shell.retention import Retention

#: the views' modules (with the store's read models, SQLAlchemy and the contract under
#: them): imported once the window has painted, by the start-up's worker (import_views),
#: where each view is first made (issue 23)
VIEWS = ("xrewards_desk.store.changes", "xrewards_desk.ui.customers.search",
         "xrewards_desk.ui.cases.inbox", "xrewards_desk.ui.cases.case",
         "xrewards_desk.ui.cases.mail_import", "xrewards_desk.ui.cases.objections",
         "xrewards_desk.ui.cases.dialogs", "xrewards_desk.ui.review.abuse")


def import_views() -> None:
    """Import the modules of the views the window shows once ready: off the GUI thread
    (the start-up's worker, while the store opens), so that neither the first paint nor
    ready() waits for them."""
    for name in VIEWS:
        import_module(name)


_Page = TypeVar("_Page", bound=qt.QWidget)

# the widest (px) a customer's name is written on its tab, the rest elided; the tab's
# tooltip has the whole name and the account: with every view of a team lead open, a
# customer and a case still fit a 1280 px window beside them, in German too
NAME_TAB_WIDTH = 150


@dataclass
class RoleView:
    """A view for some roles only (R27): its menu action, made when first shown; shown to
    whoever the domain's matrix lets send `command`, the command the view is for."""

    key: str
    command: str
    make: Callable[[], qt.QWidget]
    # the menu's words for it
    title: Callable[[], str]
    tooltip: Callable[[], str]
    action: qt.QAction
    # its tab's shorter words (the menu's may be long: "Ansprüche auf Wertersatz")
    tab: Callable[[], str]
    page: qt.QWidget | None = None


class StartPage(qt.QWidget):
    """Shown while the app gets ready (demo server starting, first sync)."""

    def __init__(self) -> None:
        super().__init__()
        self.message = qt.QLabel()
        self.message.setAlignment(qt.Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.bar = qt.QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setFixedWidth(400)  # wide enough that the percent stays readable
        layout = qt.QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.bar, 0, qt.Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)


class MainWindow(qt.QMainWindow):
    role_requested = qt.Signal(str)
    language_changed = qt.Signal()

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.setObjectName("main")
        self.resize(1280, 800)
        self.stack = qt.QStackedWidget()
        self.start = StartPage()
        self.stack.addWidget(self.start)
        self.tabs = qt.QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_shown)
        #: open views a sync changed while they were hidden: refreshed when shown
        self.stale: list[qt.QWidget] = []
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.search: SearchView | None = None
        self.customers: dict[str, qt.QWidget] = {}
        self.cases: dict[int, qt.QWidget] = {}
        self.inbox: Any = None
        self.objections: Any = None
        self.approvals: Any = None
        #: the views that stay open (the first tabs), refreshed after every sync
        self.fixed: list[qt.QWidget] = []
        desk.outbox.failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        #: the watched mail folder's importer, made when the window is ready
        self.watcher: MailWatcher | None = None
        #: the retention sweep (issue 22), started when the window is ready
        self.retention: Retention | None = None

        # the views and commands in a menu bar, each with its key shown beside it (a row of
        # buttons lost its last ones at 1280 px in German)
        self.find_action = self._action(self.focus_search, qt.QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(qt.Qt.ShortcutContext.ApplicationShortcut)
        self.sync_action = self._action(self.sync_now, "F5")
        self.settings_action = self._action(self.open_settings, "Ctrl+,",
                                            qt.QAction.MenuRole.PreferencesRole)
        self.about_action = self._action(self.show_about, "F1", qt.QAction.MenuRole.AboutRole)
        self.refused_action = self._action(self.show_refusals)
        self.wipe_action = self._action(self.wipe_local)
        self.wipe_action.setObjectName("wipe_action")
        self.wipe_action.setEnabled(not desk.demo)  # the demo rebuilds itself each start
        self.quit_action = self._action(self.close, qt.QKeySequence.StandardKey.Quit,
                                        qt.QAction.MenuRole.QuitRole)
        self.cases_action = self._action(self.show_cases, "F2")
        self.objections_action = self._action(self.show_objections, "F3")
        self.approvals_action = self._action(self.show_approvals, "F4")
        #: views shown to some roles only (R27), each with its menu action
        self.role_views: dict[str, RoleView] = {}
        self._role_view("transfers", "F6", "approve_transfer", self._make_transfers,
                        lambda: self.tr("Transfers"),
                        lambda: self.tr("Transfer requests waiting for a team lead (F6)"),
                        lambda: self.tr("Transfers"))
        self._role_view("abuse", "F7", "read_abuse_queue", self._make_abuse,
                        lambda: self.tr("Abuse review"),
                        lambda: self.tr("Referrals ranked by their signs of self-referral "
                                        "(F7)"),
                        lambda: self.tr("Abuse review", "tab"))
        self._role_view("claims", "F8", "set_claim_state", self._make_claims,
                        lambda: self.tr("Claims"),
                        lambda: self.tr("Claims after abuse, and their state (F8)"),
                        lambda: self.tr("Claims", "tab"))
        self._role_view("audit", "F9", "read_audit", self._make_audit,
                        lambda: self.tr("Audit"),
                        lambda: self.tr("Every command: who, role, when, what (F9)"),
                        lambda: self.tr("Audit", "tab"))
        bar = self.menuBar()
        bar.setObjectName("menus")
        self.desk_menu = bar.addMenu("")
        self.desk_menu.setObjectName("desk_menu")
        for action in (self.sync_action, self.refused_action):
            self.desk_menu.addAction(action)
        self.desk_menu.addSeparator()
        self.desk_menu.addAction(self.settings_action)
        self.desk_menu.addSeparator()
        self.desk_menu.addAction(self.wipe_action)
        self.desk_menu.addAction(self.quit_action)
        self.view_menu = bar.addMenu("")
        self.view_menu.setObjectName("view_menu")
        for action in (self.find_action, self.cases_action, self.objections_action,
                       self.approvals_action, *[v.action for v in self.role_views.values()]):
            self.view_menu.addAction(action)
        # the demo's role switcher: sign in as the demo user of another role
        self.role_menu = bar.addMenu("")
        self.role_menu.setObjectName("role_menu")
        self.role_menu.menuAction().setVisible(desk.demo)
        self.role_group = qt.QActionGroup(self)
        self.role_group.setExclusive(True)
        self.role_actions: dict[str, qt.QAction] = {}
        for number, role in enumerate(PEOPLE, 1):
            action = qt.QAction(self)
            action.setCheckable(True)
            action.setData(role.value)
            action.setShortcut(qt.QKeySequence(f"Ctrl+Shift+{number}"))
            action.setEnabled(desk.demo)
            action.triggered.connect(lambda _c=False, r=role.value: self.role_requested.emit(r))
            self.role_group.addAction(action)
            self.role_menu.addAction(action)
            self.role_actions[role.value] = action
        self.help_menu = bar.addMenu("")
        self.help_menu.setObjectName("help_menu")
        self.help_menu.addAction(self.about_action)
        #: the role whose views the menus show (set by show_person)
        self.shown_role: str | None = None
        close_tab = qt.QShortcut(qt.QKeySequence.StandardKey.Close, self)
        close_tab.activated.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        # the next and the previous tab, as browsers and office programs have them (the tab
        # widget itself knows Ctrl+Tab and Ctrl+Shift+Tab only)
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = qt.QShortcut(qt.QKeySequence(keys), self)
            shortcut.activated.connect(lambda s=step: self.next_tab(s))

        self.syncbar = SyncBar(desk.fmt)
        self.syncbar.sync_requested.connect(self.sync_now)
        self.syncbar.refusals_requested.connect(self.show_refusals)
        self.statusBar().addPermanentWidget(self.syncbar, 1)
        # who is signed in, in which role
        self.person = forms.label("person", wrap=False)
        self.statusBar().addPermanentWidget(self.person)
        self.retranslate()

    # ------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        """Every text the window and its views show, in the current language (after a
        switch in Settings nothing stays in the old one)."""
        self.setWindowTitle(self.tr("X-Points Desk") + (" — " + self.tr("Demo")
                                                       if self.desk.demo else ""))
        self.desk_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.role_menu.setTitle(self.tr("&Role"))
        self.help_menu.setTitle(self.tr("&Help"))
        for action, text, tip in (
                (self.find_action, self.tr("Search"), self.tr("Find a customer (Ctrl+F)")),
                (self.sync_action, self.tr("Sync now"),
                 self.tr("Send the outbox and fetch the server's changes (F5)")),
                (self.settings_action, self.tr("Settings…"), ""),
                (self.about_action, self.tr("About X-Points Desk"),
                 self.tr("About X-Points Desk: version and libraries (F1)")),
                (self.refused_action, self.tr("Refused commands…"), ""),
                (self.quit_action, self.tr("Quit"), ""),
                (self.wipe_action, self.tr("Sign out and remove local data…"),
                 self.tr("Remove the local store, its key, evidence and mails from this "
                         "computer; the server keeps everything")),
                (self.cases_action, self.tr("Cases"), self.tr("The case inbox (F2)")),
                (self.objections_action, self.tr("Objections"),
                 self.tr("Objections by deadline (F3)")),
                (self.approvals_action, self.tr("Approvals"),
                 self.tr("Adjustments waiting for a team lead (F4)")),
                *[(v.action, v.title(), v.tooltip()) for v in self.role_views.values()]):
            action.setText(text)
            action.setToolTip(tip or text)
            action.setStatusTip(tip)
        for role, action in self.role_actions.items():
            action.setText(role_name(role))
        self.show_person()
        if self.search is not None:
            self.search.retranslate()
        for page, (title, action) in self._view_tabs().items():
            self._label(page, title, action.toolTip())
        # every view made so far, whether its tab is open or not
        pages = [self.inbox, self.objections, self.approvals,
                 *[v.page for v in self.role_views.values()],
                 *self.customers.values(), *self.cases.values()]
        for page in pages:
            if page is not None and hasattr(page, "retranslate"):
                page.retranslate()
        for number, case in self.cases.items():
            self._case_tab(number, case, self.case_title(number))
        self.syncbar.retranslate()

    def switch_language(self, code: str) -> None:
        """Install `code`'s translation and show every text in it at once."""
        if code != self.desk.language.code:
            self.desk.language.switch(code)
            self.retranslate()
            # a combo box sizes itself to its items when first shown: after a switch it
            # follows the new, often longer words ("Warten auf Genehmigung")
            first_show = qt.QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow
            for combo in self.findChildren(qt.QComboBox):
                if combo.sizeAdjustPolicy() == first_show:
                    combo.setSizeAdjustPolicy(qt.QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.language_changed.emit()

    def case_title(self, number: int) -> str:
        return self.tr("Case %1").replace("%1", str(number))

    # ------------------------------------------------------------------ tabs
    def next_tab(self, step: int) -> None:
        """The tab `step` places on (round from the last to the first), its view focused."""
        if self.stack.currentWidget() is not self.tabs or self.tabs.count() == 0:
            return
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        page = self.tabs.currentWidget()
        if page is not None:
            page.setFocus()

    def _view_tabs(self) -> dict[qt.QWidget, tuple[str, qt.QAction]]:
        """Each view made so far (not a customer's or a case's): its tab's words and the
        menu action that shows it (whose tooltip, with the key, is the tab's)."""
        views = [(self.search, self.tr("Search"), self.find_action),
                 (self.inbox, self.tr("Cases"), self.cases_action),
                 (self.objections, self.tr("Objections"), self.objections_action),
                 (self.approvals, self.tr("Approvals"), self.approvals_action),
                 *[(v.page, v.tab(), v.action) for v in self.role_views.values()]]
        return {page: (title, action) for page, title, action in views if page is not None}

    def _label(self, page: qt.QWidget, text: str, tip: str, width: int | None = None
               ) -> None:
        """`page`'s tab, if open, says `text` (elided to `width` px if given; a name's "&"
        written as itself, not as a mnemonic) with `tip` as its tooltip."""
        index = self.tabs.indexOf(page)
        if index < 0:
            return
        if width is not None:
            text = self.tabs.tabBar().fontMetrics().elidedText(
                text, qt.Qt.TextElideMode.ElideRight, width)
        self.tabs.setTabText(index, text.replace("&", "&&"))
        self.tabs.setTabToolTip(index, tip)

    def _customer_tab(self, account_id: str, page: qt.QWidget, name: str) -> None:
        whole = account_id if name in ("", account_id) else f"{name} ({account_id})"
        self._label(page, name or account_id, whole, NAME_TAB_WIDTH)

    def _case_tab(self, number: int, page: qt.QWidget, title: str) -> None:
        detail = getattr(page, "detail", None)
        subject = getattr(detail, "subject", "") if detail is not None else ""
        self._label(page, title, f"{title}: {subject}" if subject else title)

    def show_person(self) -> None:
        session = self.desk.session
        person = session.person if session is not None else None
        if person is None:
            self.person.setText("")
            return
        self.person.setText(self.tr("Signed in: %1 (%2)").replace(
            "%1", person.display_name).replace("%2", role_name(person.role)))
        if person.role in self.role_actions:
            self.role_actions[person.role].setChecked(True)
        lead = access.allowed(self.desk, "approve_adjustment")  # the approvals view
        self.approvals_action.setVisible(lead)
        if self.approvals is not None and not lead and self.tabs.indexOf(self.approvals) >= 0:
            self.tabs.removeTab(self.tabs.indexOf(self.approvals))
        for view in self.role_views.values():
            allowed = access.allowed(self.desk, view.command)
            view.action.setVisible(allowed)
            if view.page is not None and not allowed and self.tabs.indexOf(view.page) >= 0:
                self.tabs.removeTab(self.tabs.indexOf(view.page))
        # every open view offers what the new role may do (a customer page kept the
        # previous role's "Terminate" button)
        for page in [*self.customers.values(), *self.cases.values(), self.approvals,
                     *[v.page for v in self.role_views.values()]]:
            if page is not None and hasattr(page, "update_buttons"):
                page.update_buttons()
            if page is not None and hasattr(page, "show_detail"):
                page.show_detail()
            elif page is not None and hasattr(page, "show_item"):
                page.show_item()
        self.shown_role = person.role

    # ------------------------------------------------------------------ start
    def starting(self, message: str) -> None:
        self.start.message.setText(message)
        self.start.bar.setRange(0, 0)  # busy, no figure
        self.stack.setCurrentWidget(self.start)

    def building(self, percent: int) -> None:
        """The demo server's first start: how far its build of the demo is."""
        self.start.message.setText(self.tr(
            "Building the demo program (only at its first start; later starts reuse it)…"))
        self.start.bar.setRange(0, 100)
        self.start.bar.setFormat(self.tr("%p%"))
        self.start.bar.setValue(percent)
        self.stack.setCurrentWidget(self.start)

    def ready(self) -> None:
        from xrewards_desk.ui.cases.inbox import CasesView
        from xrewards_desk.ui.cases.mail_import import MailWatcher
        from xrewards_desk.ui.customers.search import SearchView

        desk = self.desk
        assert desk.store is not None
        if self.search is None:
            self.search = self._linked(SearchView(desk.tasks, desk.store, desk.fmt, desk.now))
            self.search.open_order.connect(self.open_order)
            self._pinned(0, self.search)
        if self.inbox is None:
            self.inbox = self._linked(CasesView(desk))
            self.inbox.import_requested.connect(self.import_mails)
            self.inbox.import_dialog_requested.connect(self.import_dialog)
            self.inbox.manual_requested.connect(self.manual_case)
            self._pinned(1, self.inbox)
            self.inbox.reload()
        if self.watcher is None:
            self.watcher = MailWatcher(self)
        self.watcher.watch(desk.settings.get(st.WATCH_FOLDER))
        if self.retention is None:
            from xrewards_desk.ui.shell.retention import Retention

            self.retention = Retention(desk, self)
        self.retention.start()
        if desk.sync is not None:
            desk.sync.status.connect(self.syncbar.show_status)
            desk.sync.progress.connect(self.syncbar.show_progress)
            desk.sync.outbox.connect(self.syncbar.show_outbox)
            desk.sync.gateway.connect(self.syncbar.show_gateway)
            desk.sync.finished.connect(self.synced)
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
        from xrewards_desk.ui.customers.page import CustomerView

        self._open_tab(self.customers, account_id,
                       lambda: self._linked(CustomerView(self.desk, account_id)),
                       lambda page, text: self._customer_tab(account_id, page, text),
                       account_id)

    def open_order(self, account_id: str, order_id: str) -> None:
        """The customer's page on its orders tab, `order_id` selected (issue 19)."""
        from xrewards_desk.ui.customers.page import CustomerView

        self.open_customer(account_id)
        page = self.customers[account_id]
        if isinstance(page, CustomerView):
            page.show_order(order_id)

    def show_cases(self) -> None:
        if self.inbox is None:
            return
        self.tabs.setCurrentWidget(self.inbox)
        self.inbox.focus_field()

    def _fixed_tab(self, page: qt.QWidget) -> None:
        if self.tabs.indexOf(page) < 0:
            title, action = self._view_tabs()[page]
            self.tabs.insertTab(len([p for p in self.fixed if self.tabs.indexOf(p) >= 0]),
                                page, "")
            self._label(page, title, action.toolTip())
        if page not in self.fixed:
            self.fixed.append(page)
        if page in self.stale:  # refreshed here anyway
            self.stale.remove(page)
        self.tabs.setCurrentWidget(page)
        page.refresh()  # type: ignore[attr-defined]
        page.setFocus()

    def show_objections(self) -> None:
        from xrewards_desk.ui.cases.objections import ObjectionsView

        if self.desk.store is None:
            return
        if self.objections is None:
            self.objections = self._linked(ObjectionsView(self.desk))
        self._fixed_tab(self.objections)

    def show_approvals(self) -> None:
        from xrewards_desk.ui.cases.objections import ApprovalsView

        session = self.desk.session
        if self.desk.store is None or session is None or session.person is None \
                or not access.allowed(self.desk, "approve_adjustment"):
            return
        if self.approvals is None:
            self.approvals = self._linked(ApprovalsView(self.desk))
        self._fixed_tab(self.approvals)

    def _action(self, slot: Callable[[], object],
                key: str | qt.QKeySequence.StandardKey | None = None,
                role: qt.QAction.MenuRole | None = None) -> qt.QAction:
        """A menu action calling `slot`, with its key (shown beside it in the menu) and,
        where macOS moves it to the application menu, its role there."""
        action = qt.QAction(self)
        if key is not None:
            action.setShortcut(qt.QKeySequence(key))
        if role is not None:
            action.setMenuRole(role)
        action.triggered.connect(slot)
        return action

    def _role_view(self, key: str, shortcut: str, command: str,
                   make: Callable[[], qt.QWidget], title: Callable[[], str],
                   tooltip: Callable[[], str], tab: Callable[[], str]) -> None:
        action = qt.QAction(self)
        action.setShortcut(qt.QKeySequence(shortcut))
        action.setVisible(False)
        action.triggered.connect(lambda: self.show_view(key))
        self.role_views[key] = RoleView(key, command, make, title, tooltip, action, tab)

    def show_view(self, key: str) -> None:
        view = self.role_views[key]
        session = self.desk.session
        if self.desk.store is None or session is None or session.person is None \
                or not access.allowed(self.desk, view.command):
            return
        if view.page is None:
            view.page = view.make()
        self._fixed_tab(view.page)

    def _make_abuse(self) -> qt.QWidget:
        from xrewards_desk.ui.review.abuse import AbuseView

        return self._linked(AbuseView(self.desk))

    def _make_transfers(self) -> qt.QWidget:
        from xrewards_desk.ui.transfers.queue import TransfersView

        return self._linked(TransfersView(self.desk))

    def _make_audit(self) -> qt.QWidget:
        from xrewards_desk.ui.review.audit import AuditView

        return AuditView(self.desk)

    def _make_claims(self) -> qt.QWidget:
        from xrewards_desk.ui.review.abuse import ClaimsView

        return self._linked(ClaimsView(self.desk))

    def open_case(self, case_id: int) -> None:
        from xrewards_desk.ui.cases.case import CaseView

        def make() -> CaseView:
            view = self._linked(CaseView(self.desk, case_id))
            view.reply_requested.connect(self.reply)
            return view

        self._open_tab(self.cases, case_id, make,
                       lambda page, text: self._case_tab(case_id, page, text),
                       self.case_title(case_id))

    def _pinned(self, index: int, page: qt.QWidget) -> None:
        """One of the first tabs, which stay open (no close button) and are refreshed
        after every sync."""
        self.tabs.insertTab(index, page, "")
        self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide,
                                        None)
        title, action = self._view_tabs()[page]
        self._label(page, title, action.toolTip())
        self.fixed.append(page)

    def _linked(self, page: _Page) -> _Page:
        """`page` with its requests to open a customer or a case sent to this window."""
        for name, slot in (("open_customer", self.open_customer),
                           ("open_case", self.open_case)):
            signal: Any = getattr(page, name, None)
            if hasattr(signal, "connect"):  # a signal; AbuseView's open_case is a command
                signal.connect(slot)
        return page

    def _open_tab(self, pages: dict[Any, Any], key: Any, make: Callable[[], Any],
                  label: Callable[[qt.QWidget, str], None], title: str) -> None:
        """Show the tab of `key` (a customer's, a case's), made once and kept in `pages`;
        its title (`label` writes it) follows what the page says it is."""
        page = pages.get(key)
        if page is None:
            page = pages[key] = make()
            self.tabs.addTab(page, "")
            label(page, title)
            page.title_changed.connect(lambda text, p=page: label(p, text))
        self.tabs.setCurrentWidget(page)
        page.setFocus()

    def reply(self, view: Any) -> None:
        from xrewards_desk.ui.cases.reply import ReplyDialog, load_facts

        detail = view.detail
        if detail is None or self.desk.store is None:
            return
        store, now = self.desk.store, self.desk.now()
        account = detail.account.id if detail.account is not None else None

        def show(facts: Any) -> None:
            ReplyDialog(self.desk, detail, self, facts).exec()
            view.refresh()

        self.desk.tasks.query(store, lambda s: load_facts(s, account, now), show,
                              key=(self, "reply facts"))

    # ------------------------------------------------------------------ mail
    def import_dialog(self) -> None:
        names, _filter = qt.QFileDialog.getOpenFileNames(
            self, self.tr("Import e-mails"), "", self.tr("E-mail messages (*.eml);;All files (*)"))
        if names:
            self.import_mails([Path(n) for n in names])

    def import_mails(self, paths: list[Path], done: Callable[[list[Any]], None] | None = None
                     ) -> None:
        """Import saved mails on the store lane; each file's outcome in the status bar
        and, where any was refused, in a dialog."""
        from xrewards_desk.ui.cases.mail_import import import_files

        desk = self.desk
        if desk.store is None or desk.session is None:
            return
        store, data, user = desk.store, desk.paths.data, desk.session.user
        syncer = desk.session.syncer

        def work() -> list[Any]:
            return import_files(paths, store, data, syncer, user)

        def show(results: list[Any]) -> None:
            self.show_imports(results)
            if done is not None:
                done(results)
            if desk.sync is not None:
                desk.sync.refresh_outbox()
                desk.sync.sync_now()
            if self.inbox is not None:
                self.inbox.reload()

        desk.tasks.on_store(work, show)

    def show_imports(self, results: list[Any]) -> None:
        self.last_imports = results
        imported = [r for r in results if r.error is None and not r.duplicate]
        duplicates = [r for r in results if r.error is None and r.duplicate]
        refused = [r for r in results if r.error is not None]
        self.statusBar().showMessage(self.tr(
            "Imported %1 mails; %2 already known; %3 refused").replace(
            "%1", str(len(imported))).replace("%2", str(len(duplicates))).replace(
            "%3", str(len(refused))), 15_000)
        warnings = [f"{r.name}: {r.warning}" for r in imported if r.warning]
        refused_text = self.tr("attachment refused")
        problems = [f"{r.name}: {r.error}" for r in refused] + [
            f"{r.name}: {refused_text}: {a}" for r in imported for a in r.refused]
        if (problems or warnings) and not self.desk.quiet:
            qt.QMessageBox.warning(self, self.tr("Import of e-mails"),
                                   "\n".join(problems + warnings))

    def manual_case(self) -> None:
        from xrewards_desk.store.read.lookups import find_customer
        from xrewards_desk.ui.cases.dialogs import ManualCaseDialog

        store = self.desk.store
        if store is None:
            return

        def lookup(text: str, done: Callable[[tuple[str, str] | None], None]) -> None:
            self.desk.tasks.query(store, lambda s: find_customer(s, text), done,
                                  key=(self, "manual case customer"))

        dialog = ManualCaseDialog(self.desk.now(), lookup, self)
        if dialog.exec() and dialog.body is not None:
            problem = self.desk.outbox.send(dialog.body, done=lambda _id: (
                self.inbox.reload() if self.inbox is not None else None))
            if problem is not None:
                self.statusBar().showMessage(problem, 10_000)

    def close_tab(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is None or page is self.search or page is self.inbox:
            return
        self.tabs.removeTab(index)
        if page in self.stale:
            self.stale.remove(page)
        if page in (self.objections, self.approvals,
                    *[v.page for v in self.role_views.values()]):
            return  # kept, opened again with its key
        for key, value in list(self.customers.items()):
            if value is page:
                del self.customers[key]
        for number, case in list(self.cases.items()):
            if case is page:
                del self.cases[number]
        page.deleteLater()

    def open_pages(self) -> list[qt.QWidget]:
        """The views open in a tab that a sync may change (the search asks anew as the
        agent types)."""
        return [page for page in [*self.customers.values(), *self.cases.values(),
                                  self.inbox, self.objections, self.approvals,
                                  *[v.page for v in self.role_views.values()]]
                if page is not None and self.tabs.indexOf(page) >= 0]

    def refresh_open(self) -> None:
        """Every open view again (the shown one now, the others when shown)."""
        from xrewards_desk.store.changes import Changes

        self.refresh_changed(Changes(everything=True))

    def synced(self, summary: dict[str, Any]) -> None:
        """After a sync: which accounts and cases its records belong to (read on the
        store lane), then the open views that show any of them refresh."""
        from xrewards_desk.store.changes import touched

        store = self.desk.store
        changed = summary.get("changed") or {}
        answered = bool(summary.get("pushed") or summary.get("refused"))
        if store is None or not (changed or answered):
            return  # nothing new: every view stays as it is

        def refresh(changes: Changes) -> None:
            self.refresh_changed(replace(changes, outbox=answered))

        self.desk.tasks.query(store, lambda s: touched(s, changed), refresh,
                              key=(self, "changes"))

    def refresh_changed(self, changes: Changes) -> None:
        """Each open view the changes concern (its `concerns`; a view without one: any
        change) refreshes, keeping its selection and scroll: the shown one now, a hidden
        one when it is shown again."""
        current = self.tabs.currentWidget()
        for page in self.open_pages():
            concerns = getattr(page, "concerns", None)
            if not (concerns(changes) if concerns is not None else bool(changes)):
                continue
            if page is current:
                page.refresh()  # type: ignore[attr-defined]
            elif page not in self.stale:
                self.stale.append(page)

    def _tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is not None and page in self.stale:
            self.stale.remove(page)
            page.refresh()  # type: ignore[attr-defined]

    def sync_now(self) -> None:
        if self.desk.sync is not None:
            self.desk.sync.sync_now()

    def show_refusals(self) -> None:
        from xrewards_desk.ui.shell.dialogs import RefusalsDialog

        RefusalsDialog(self.syncbar.refusals, self.desk.fmt, self).exec()

    def open_settings(self) -> None:
        from xrewards_desk.ui.shell.dialogs import SettingsDialog

        dialog = SettingsDialog(self.desk.settings, self)
        if dialog.exec():
            self.switch_language(resolve(self.desk.settings.get(st.LANGUAGE)))
            if self.desk.sync is not None:
                self.desk.sync.set_interval(self.desk.settings.get(st.SYNC_MINUTES))
            if self.watcher is not None:
                self.watcher.watch(self.desk.settings.get(st.WATCH_FOLDER))

    def wipe_local(self) -> None:
        """File ▸ Sign out and remove local data… (ui/shell/wipe.py)."""
        from xrewards_desk.ui.shell.wipe import Wiper

        if self.retention is not None:
            self.retention.timer.stop()
        wiper = Wiper(self.desk, self)
        wiper.failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        wiper.start()

    def show_about(self) -> None:
        from xrewards_desk.ui.shell.about import AboutDialog

        store = self.desk.store
        AboutDialog(self, store.key.source if store is not None and store.key else None,
                    opened=store is not None).exec()

    def closeEvent(self, event: qt.QCloseEvent) -> None:
        super().closeEvent(event)

    def grab_to(self, path: Path) -> Any:
        return self.grab().save(str(path))
