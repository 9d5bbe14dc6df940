"""`--screenshots DIR`: drive the app through every view as each demo role (agent anna,
compliance clara, team lead tessa) in English and then in German (a live switch, as
Settings does it), save each as `<view>-<role>-<language>.png`, then quit. Each step waits
(without blocking the GUI thread) until the view has its data. The same walk, with a
`visit` callback instead of a folder, is what the tests use to look at every view."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from xrewards_desk.domain.permissions import PEOPLE, may
from xrewards_desk.ui.qt import QApplication, QTimer, QWidget

#: a search the demo always answers with several customers
QUERY = "müller"
STEP_TIMEOUT_MS = 60_000

#: the demo's roles, as a session names them (R27's people: agent, compliance, team lead)
ROLES: tuple[str, ...] = tuple(role.value for role in PEOPLE)
LANGUAGES = ("en", "de")
#: the role as it appears in a file name
ROLE_FILES = {role: role.removeprefix("team_") for role in ROLES}


def _who_may(command: str) -> tuple[str, ...]:
    """The demo roles that see a view, by the command it is for (R27)."""
    return tuple(role for role in ROLES if may(role, command))


#: every view rendered, in this order, with the roles that have it: the ones the domain's
#: matrix lets send the view's command (R27)
VIEWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("search", ROLES), ("customer", ROLES), ("ledger", ROLES), ("orders", ROLES),
    ("timeline", ROLES), ("explain", ROLES),
    ("cases", ROLES), ("case", ROLES), ("objection-decision", _who_may("uphold_objection")),
    ("reply", _who_may("record_reply_sent")), ("macro", _who_may("queue_reply")),
    ("objections", ROLES),
    ("approvals", _who_may("approve_adjustment")),
    ("transfers", _who_may("approve_transfer")), ("abuse", _who_may("read_abuse_queue")),
    ("claims", _who_may("set_claim_state")), ("audit", _who_may("read_audit")),
    ("refused", ROLES), ("settings", ROLES), ("about", ROLES),
)


def file_name(view: str, role: str, language: str) -> str:
    return f"{view}-{ROLE_FILES[role]}-{language}.png"


def file_names(languages: Sequence[str] = LANGUAGES,
               roles: Sequence[str] = ROLES) -> list[str]:
    """Every file a full run writes, in the order it writes them."""
    return [file_name(view, role, language) for language in languages for role in roles
            for view, have in VIEWS if role in have]


#: a step: (what it shows, or None for a step that only prepares), do, ready, what to grab
Step = tuple[tuple[str, str, str] | None, Callable[[], None], Callable[[], bool],
             Callable[[], QWidget | None]]


class Screenshots:
    def __init__(self, window: Any, folder: Path | None,
                 languages: Sequence[str] = LANGUAGES, roles: Sequence[str] = ROLES,
                 visit: Callable[[str, str, str, QWidget], None] | None = None,
                 finished: Callable[[], None] | None = None) -> None:
        self.window = window
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.languages = tuple(languages)
        self.roles = tuple(roles)
        self.visit = visit
        self.finished = finished
        self.steps: list[Step] = []
        self.written: list[Path] = []
        self.customer: Any = None
        self.case: Any = None
        #: the views shown, as (view, role, language), in order
        self.shown: list[tuple[str, str, str]] = []
        #: why the walk stopped early (with a `finished` callback), if it did
        self.failure: str | None = None

    def start(self) -> None:
        for language in self.languages:
            self.steps.append((None, partial(self._language, language), lambda: True,
                               lambda: None))
            for role in self.roles:
                self.steps.append((None, partial(self._as_role, role),
                                   partial(self._role_shown, role), lambda: None))
                for view, have in VIEWS:
                    if role in have:
                        act, ready, target = self._view(view)
                        self.steps.append(((view, role, language), act, ready, target))
        QTimer.singleShot(0, self._next)

    def _view(self, name: str) -> tuple[Callable[[], None], Callable[[], bool],
                                        Callable[[], QWidget | None]]:
        w = self.window

        def window() -> QWidget:
            return w  # type: ignore[no-any-return]

        def dialog(object_name: str) -> Callable[[], QWidget | None]:
            return lambda: self._dialog(object_name)

        views: dict[str, tuple[Callable[[], None], Callable[[], bool],
                               Callable[[], QWidget | None]]] = {
            "search": (self._search, lambda: bool(w.search.model.rows)
                       and not w.search.pending, window),
            "customer": (self._open_first, self._customer_loaded, window),
            "ledger": (self._ledger, self._ledger_loaded, window),
            "orders": (self._orders, self._orders_loaded, window),
            "timeline": (self._timeline, lambda: self.customer.timeline.loads > 0, window),
            "explain": (self._explain, lambda: self._dialog("explain") is not None
                        and self.customer.explainer.loaded, dialog("explain")),
            "cases": (lambda: self._menu(w.cases_action),
                      lambda: bool(w.inbox.loaded and w.inbox.model.rows), window),
            "case": (self._case, self._case_loaded, window),
            "objection-decision": (self._decision,
                                   lambda: self._dialog("decide_objection") is not None,
                                   dialog("decide_objection")),
            "reply": (self._reply, lambda: self._dialog("reply_dialog") is not None,
                      dialog("reply_dialog")),
            "macro": (self._macro, self._macro_ready, dialog("macro_dialog")),
            "objections": (lambda: self._menu(w.objections_action), lambda: bool(
                w.objections is not None and w.objections.loaded), window),
            "approvals": (lambda: self._menu(w.approvals_action), lambda: bool(
                w.approvals is not None and w.approvals.loaded), window),
            "transfers": (lambda: self._show_view("transfers"),
                          lambda: self._view_ready("transfers", self._evidence_shown),
                          window),
            "abuse": (lambda: self._show_view("abuse"),
                      lambda: self._view_ready("abuse", self._compared), window),
            "claims": (lambda: self._show_view("claims"),
                       lambda: self._view_ready("claims", lambda v: bool(v.model.rows)),
                       window),
            "audit": (self._audit, lambda: self._view_ready("audit", self._audit_ready),
                      window),
            "refused": (self._refusals, lambda: self._dialog("refusals") is not None,
                        dialog("refusals")),
            "settings": (self._settings, lambda: self._dialog("settings") is not None,
                         dialog("settings")),
            "about": (self._about, lambda: self._dialog("about") is not None,
                      dialog("about")),
        }
        return views[name]

    # ------------------------------------------------------------------ language, role
    def _language(self, code: str) -> None:
        """As Settings does it: the translation switched live, every view retranslated."""
        self._close_dialogs()
        self.window.switch_language(code)

    def _as_role(self, role: str) -> None:
        """Sign in as the demo user of `role` (the Role menu), unless already so."""
        self._close_dialogs()
        if not self._role_is(role):
            self.window.role_actions[role].trigger()

    def _role_is(self, role: str) -> bool:
        session = self.window.desk.session
        return session is not None and session.person is not None \
            and session.person.role == role

    def _role_shown(self, role: str) -> bool:
        return self._role_is(role) and self.window.shown_role == role

    # ------------------------------------------------------------------ views
    def _menu(self, action: Any) -> None:
        """A view opened as a person would: its action in the View menu."""
        self._close_dialogs()
        assert action in self.window.view_menu.actions() and action.isVisible()
        action.trigger()

    def _search(self) -> None:
        self._close_dialogs()
        search = self.window.search
        self._menu(self.window.find_action)
        if search.field.text() != QUERY:
            search.field.setText(QUERY)

    def _open_first(self) -> None:
        """The customer found with the most to show: the highest balance."""
        w = self.window
        rows = w.search.model.rows
        best = max(range(len(rows)), key=lambda i: rows[i].balance)
        w.search.table.selectRow(best)
        w.open_customer(rows[best].id)
        self.customer = w.tabs.currentWidget()
        self.customer.show_overview()

    def _customer_loaded(self) -> bool:
        return self.customer is not None and self.customer.loaded

    def _ledger(self) -> None:
        self.window.tabs.setCurrentWidget(self.customer)
        self.customer.show_ledger()

    def _orders(self) -> None:
        self.window.tabs.setCurrentWidget(self.customer)
        self.customer.show_orders()

    def _orders_loaded(self) -> bool:
        """Loaded, with an order chosen for its detail: an open one (its pending points)
        where there is one, else the newest."""
        orders = self.customer.orders
        if orders.loads == 0 or not orders.model.rows:
            return False
        if not orders.table.currentIndex().isValid():
            rows = orders.model.rows
            chosen = next((i for i, o in enumerate(rows) if o.state == "open"), 0)
            orders.table.selectRow(chosen)
        return True

    def _timeline(self) -> None:
        self.window.tabs.setCurrentWidget(self.customer)
        self.customer.show_timeline()

    def _ledger_loaded(self) -> bool:
        ledger = self.customer.ledger
        if ledger.loaded and ledger.model.rows and not ledger.table.currentIndex().isValid():
            # a redemption shows the lots it drew from; else the newest entry
            rows = ledger.model.rows
            pick = next((i for i, r in enumerate(rows) if r.type == "redemption"), 0)
            ledger.table.selectRow(pick)
        return bool(ledger.loaded) and bool(ledger.as_of_result.text())

    def _explain(self) -> None:
        self._close_dialogs()
        self.customer.explain(modal=False)

    def _refusals(self) -> None:
        self._close_dialogs()
        from xrewards_desk.ui.shell.dialogs import RefusalsDialog

        dialog = RefusalsDialog(self.window.syncbar.refusals, self.window.desk.fmt,
                                self.window)
        dialog.show()

    def _settings(self) -> None:
        self._close_dialogs()
        from xrewards_desk.ui.shell.dialogs import SettingsDialog

        dialog = SettingsDialog(self.window.desk.settings, self.window)
        dialog.show()

    def _about(self) -> None:
        self._close_dialogs()
        from xrewards_desk.ui.shell.about import AboutDialog

        AboutDialog(self.window).show()

    def _case(self) -> None:
        """The open case with an objection that is still open: the busiest view."""
        w = self.window
        rows = w.inbox.model.rows
        pick = next((i for i, r in enumerate(rows) if r.open_objections), 0)
        w.inbox.table.selectRow(pick)
        w.open_case(rows[pick].id)
        self.case = w.tabs.currentWidget()

    def _case_loaded(self) -> bool:
        case = self.case
        if case is None or not case.loaded:
            return False
        # the mail the objection came with, read in the right pane
        rows = case.timeline.rows
        pick = next((i for i, r in enumerate(rows) if r.kind == "mail_in"), 0)
        if case.timeline_table.currentIndex().row() != pick:
            case.timeline_table.selectRow(pick)
        return True

    def _decision(self) -> None:
        """The decision the facts of the notice objected to support (an expiry on
        schedule: reject, T4.5; a late objection: answered as late), with the reason the
        dialog pre-fills from those facts."""
        from xrewards_desk.store.read.objections import NoticeFacts, notice_facts
        from xrewards_desk.ui.cases.advice import advise
        from xrewards_desk.ui.cases.dialogs import LATE, REJECT, DecideObjectionDialog

        self._close_dialogs()
        objection = self.case.selected_objection()
        if objection is None:
            return
        desk = self.window.desk
        store, notice = desk.store, objection.notice_id

        def show(facts: NoticeFacts | None) -> None:
            suggested = advise(desk.fmt(), facts).suggested
            decision = (suggested or REJECT) if objection.in_time else LATE
            DecideObjectionDialog(desk.fmt(), objection, decision, self.case, now=desk.now,
                                  facts=facts).show()

        desk.tasks.query(store, lambda s: notice_facts(s, notice), show)

    def _reply(self) -> None:
        self._close_dialogs()
        from xrewards_desk.ui.cases.reply import Facts, ReplyDialog

        dialog = ReplyDialog(self.window.desk, self.case.detail, self.window,
                             Facts(None, None, None))
        dialog.template.setCurrentIndex(max(0, dialog.template.findData("acknowledge")))
        dialog.show()

    def _macro(self) -> None:
        """The macro for the case's open objection (the case shown has one): the reply,
        the decision and the status before anything happens."""
        self._close_dialogs()
        from xrewards_desk.mail.macros import OBJECTION_UPHELD

        self.case.open_macros(OBJECTION_UPHELD)

    def _macro_ready(self) -> bool:
        """Open, with the reason an agent would type (the reply quotes it)."""
        dialog = self._dialog("macro_dialog")
        if dialog is None:
            return False
        if not dialog.reason.toPlainText():  # type: ignore[attr-defined]
            dialog.reason.setPlainText(  # type: ignore[attr-defined]
                "Mit dem Kunden anhand der Mitteilung geprüft."
                if self.window.desk.language.code == "de"
                else "Checked against the notice with the customer.")
            return False
        return True

    def _show_view(self, key: str) -> None:
        self._menu(self.window.role_views[key].action)

    def _view_ready(self, key: str, ready: Callable[[Any], bool]) -> bool:
        page = self.window.role_views[key].page
        if page is None or not page.loaded:
            return False
        return ready(page)

    @staticmethod
    def _compared(page: Any) -> bool:
        if page.model.rows and page.compared is None:
            page.table.selectRow(0)
        return page.compared is not None

    def _audit(self) -> None:
        """An agent's commands (the demo's staff work, not the shop's events), the first
        one's detail, and the chain verified."""
        self._show_view("audit")
        page = self.window.role_views["audit"].page
        page.person.setCurrentIndex(max(0, page.person.findData("anna")))
        page.refresh()
        QTimer.singleShot(0, page.verify)

    @staticmethod
    def _audit_ready(page: Any) -> bool:
        anna = page.person.findData("anna")
        if anna >= 0 and page.person.currentIndex() != anna:
            page.person.setCurrentIndex(anna)  # the names arrived: filter, reload
            page.refresh()
            return False
        if not page.loaded or not page.model.rows or page.verification is None:
            return False
        if not page.table.currentIndex().isValid():
            page.table.selectRow(0)
        return True

    @staticmethod
    def _evidence_shown(page: Any) -> bool:
        """The queue with a request whose evidence is a PDF, shown beside it."""
        if not page.model.rows:
            return False
        if page.evidence_kind == "pdf":
            return True
        with_pdf = [x for x in page.model.rows
                    if any((e.media_type or "") == "application/pdf" for e in x.evidence)]
        if with_pdf and page.selected() is not with_pdf[0]:
            page.select_request(with_pdf[0].id)
        return not with_pdf and bool(page.evidence_kind)

    # ------------------------------------------------------------------ plumbing
    def _dialog(self, name: str) -> QWidget | None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == name and widget.isVisible():
                return widget
        return None

    def _close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible():
                widget.close()

    def _done(self) -> None:
        self._close_dialogs()
        if self.finished is not None:
            self.finished()
            return
        print("\n".join(str(p) for p in self.written))
        QApplication.exit(0)

    def _fail(self, message: str) -> None:
        print(f"xrewards-desk: {message}", file=sys.stderr)
        if self.finished is not None:
            self.failure = message
            self.finished()
            return
        QApplication.exit(1)

    def _next(self) -> None:
        if not self.steps:
            self._done()
            return
        shows, act, ready, target = self.steps.pop(0)
        what = "-".join(shows) if shows else "the role or language switch"
        try:
            act()
        except Exception as exc:  # a broken step ends the walk with its reason
            self._fail(f"the {what} view failed: {exc!r}")
            return
        waited = [0]

        def poll() -> None:
            try:
                now_ready = ready()
            except Exception as exc:
                self._fail(f"the {what} view failed: {exc!r}")
                return
            if now_ready:
                if shows is None:
                    QTimer.singleShot(0, self._next)
                else:  # one more turn of the event loop so that layouts settle
                    QTimer.singleShot(150, lambda: self._save(shows, target()))
                return
            waited[0] += 50
            if waited[0] > STEP_TIMEOUT_MS:
                self._fail(f"the {what} view did not get its data in time")
                return
            QTimer.singleShot(50, poll)

        QTimer.singleShot(50, poll)

    def _save(self, shows: tuple[str, str, str], widget: QWidget | None) -> None:
        view, role, language = shows
        if widget is None:
            self._fail(f"the {view} view ({role}, {language}) is not shown")
            return
        self.shown.append(shows)
        if self.visit is not None:
            try:
                self.visit(view, role, language, widget)
            except Exception as exc:
                self._fail(f"looking at the {view} view ({role}, {language}) failed: "
                           f"{exc!r}")
                return
        if self.folder is not None:
            path = self.folder / file_name(view, role, language)
            if not widget.grab().save(str(path)):
                self._fail(f"could not write {path}")
                return
            self.written.append(path)
        self._next()
