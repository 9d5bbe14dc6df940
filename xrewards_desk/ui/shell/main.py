"""Start-up: `xrewards-desk` (asks for the API address once, then for sign-in; with
`$XREWARDS_PASSWORD` set it signs in with that, as the headless commands do) and
`xrewards-desk --demo` (the reference server as a child process with the demo program,
synced and signed in as a demo user). `--screenshots DIR` renders each main view to PNG
and exits."""

from __future__ import annotations

import argparse
import gc
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xrewards_desk.clock import SystemClock
from xrewards_desk.domain.model import Role
from xrewards_desk.prompt import PASSWORD_ENV
from xrewards_desk.sync.credentials import Tokens
from xrewards_desk.ui.qt import QApplication, QEvent, QObject, QTimer, QWidget, Signal
from xrewards_desk.ui.shell import errors
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.collect import GuiThreadCollector
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.icon import NAME, app_icon
from xrewards_desk.ui.shell.main_window import MainWindow, import_views
from xrewards_desk.ui.shell.paths import Paths
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets.i18n import Fmt, Language, resolve

if TYPE_CHECKING:
    from xrewards_desk.ui.shell.demo import DemoServer
    from xrewards_desk.ui.shell.session import Session

# The store (SQLAlchemy) and the session are imported where they are first used: on the
# start-up's worker, after the window has painted and says what it waits for. The API
# client (requests), the syncer and the contract (pydantic) and the views' modules follow
# once the person is signed in (a kept token the server accepts, or a password), on the
# worker that signed in, before the window is made ready (issue 23).

log = logging.getLogger("xrewards_desk")

#: set to 1, the app quits right after its main window's first paint and prints how long
#: that took since the process started (tests/benchmarks/bench_start.py)
EXIT_AFTER_PAINT_ENV = "XREWARDS_EXIT_AFTER_PAINT"
#: when this module was imported: the process's start where /proc cannot tell it
_IMPORTED = time.perf_counter()


def process_age() -> float:
    """Seconds since this process started: from its start time in /proc (Linux, to 10 ms),
    elsewhere since this module was imported."""
    try:
        stat = Path("/proc/self/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, starttime
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED


def peak_rss() -> float | None:
    """This process's peak resident memory so far (MB; VmHWM in /proc), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class PaintClock(QObject):
    """$XREWARDS_EXIT_AFTER_PAINT=1: when the main window (or any widget in it) has
    painted for the first time, print ``painted after N ms`` (since the process started)
    and its peak memory so far (``peak RSS N MB``, where /proc tells it), then quit."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.painted = False
        #: printed and quit (before the main loop ran, when the paint came in a dialog's)
        self.finished = False
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.painted and event.type() == QEvent.Type.Paint \
                and isinstance(watched, QWidget) and watched.window() is self.window:
            self.painted = True
            QTimer.singleShot(0, self._finish)  # after the whole window's paint
        return False

    def _finish(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        peak = peak_rss()
        print(f"painted after {process_age() * 1000:.0f} ms"
              + (f"; peak RSS {peak:.0f} MB" if peak is not None else ""), flush=True)
        self.finished = True
        QApplication.exit(0)  # every event loop, a dialog's too (quit() may be refused)


def settle_heap() -> None:
    """Move what start-up made (modules, Qt wrappers, settings) out of the cyclic garbage
    collector's way: a full collection walks every tracked object with the interpreter
    lock held, and with the start-up heap in it one took 50–90 ms, a visible stall of the
    window while a sync allocated on a worker. Only the young generations are collected
    first: a full collection here was itself the start's longest stall (100–300 ms on the
    GUI thread as the window became ready, bench_stall.py); what the old generation holds
    of start-up's cyclic garbage stays, frozen with the rest."""
    gc.collect(1)
    gc.freeze()


def freeze_imports() -> None:
    """What the start-up's worker imported (modules, classes, functions: they live as
    long as the app) out of the collector's way at once, so that a full collection due on
    the GUI thread while the start goes on does not walk them (issue 23 item 3). Freezing
    frees nothing and takes no time, so the worker may do it."""
    gc.freeze()


def signed_in_work(session: Session, fmt: Callable[[], Fmt]) -> None:
    """On the worker that signed `session` in, before the window is made ready: the API
    client and the syncer (requests, the sync's modules, the contract and pydantic), the
    views' modules and the number formats of the language (babel's locale data, 4 MB and
    16 ms at the first number), then all of it frozen. Not before the sign-in: a start
    that stops at the sign-in (or before it) needs none of them (issue 23: the start's
    memory), and the GUI thread, which makes the views next, loads none of them."""
    session.prepare()
    import_views()
    fmt().number(0)
    freeze_imports()


class MemoryTokens(Tokens):
    """The demo's tokens: its server lives for one run, so nothing goes to the keyring."""

    def _usable(self) -> bool:
        return False


def setup_logging(paths: Paths) -> None:
    handler = logging.handlers.RotatingFileHandler(paths.log_file, maxBytes=2_000_000,
                                                   backupCount=5, encoding="utf-8")
    os.chmod(paths.log_file, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class Starter(QObject):
    """Gets the app from an empty window to a signed-in, synced one, off the GUI thread."""

    progress = Signal(str)
    # the demo server's build of the demo, in percent (its first start only)
    building = Signal(int)
    ready = Signal()
    failed = Signal(str)

    def __init__(self, desk: Desk, window: MainWindow, args: argparse.Namespace) -> None:
        super().__init__()
        self.desk = desk
        self.window = window
        self.args = args
        self.server: DemoServer | None = None
        self.progress.connect(window.starting)
        self.building.connect(window.building)
        self.failed.connect(self._failed)
        self.ready.connect(self._ready)
        window.role_requested.connect(self.switch_role)

    # ------------------------------------------------------------------ demo
    def start_demo(self) -> None:
        from xrewards_desk.ui.shell.demo import ROLE_USERS, DemoServer

        desk = self.desk
        self.server = DemoServer(desk.paths.data)
        self.window.starting(self.tr("Starting the demo server…"))

        def work() -> Session:
            from xrewards_desk.store.local import open_local
            from xrewards_desk.sync.client import ApiClient
            from xrewards_desk.ui.shell.session import PAGE, Session

            assert self.server is not None
            # what those imports made (the contract's models, SQLAlchemy's) out of the
            # young generations at once: collected on the GUI thread each 100 ms, they
            # were the start's longest stall (ui/shell/collect.py)
            freeze_imports()
            shown = -1

            def waiting(_seconds: float, share: float | None) -> None:
                nonlocal shown
                if share is not None and int(100 * share) != shown:
                    shown = int(100 * share)
                    self.building.emit(shown)

            url = self.server.start(waiting=waiting)
            local = desk.paths.local_store
            for path in local.parent.glob(local.name + "*"):  # a fresh copy every start
                path.unlink()
            store = open_local(desk.paths.data, demo=True)  # a new key in memory each run
            desk.store = store
            user = self.server.user(ROLE_USERS[Role.AGENT])  # from its 0600 file
            session = Session(store, url, user.name, ApiClient(url), MemoryTokens(),
                              data=desk.paths.data, clock=desk.clock)
            assert user.password is not None
            session.sign_in(user.password)
            signed_in_work(session, desk.fmt)
            self.progress.emit(self.tr("Syncing the demo program…"))
            session.syncer.pull(progress=lambda done, _total: self.progress.emit(
                self.tr("Syncing the demo program… %1 changes").replace(
                    "%1", desk.fmt().points(done))), lane=desk.tasks.store,
                limit=PAGE)  # the app's pages: decoding a larger one stalls the window
            return session

        desk.tasks.on_net(work, self._signed_in, self._start_failed)

    def switch_role(self, role: str) -> None:
        from xrewards_desk.ui.shell.demo import ROLE_USERS  # loaded: the demo runs

        session = self.desk.session
        server = self.server
        if session is None or not self.desk.demo or server is None:
            return

        def work() -> None:
            user = server.user(ROLE_USERS[Role(role)])  # the demo's 0600 file
            assert user.password is not None
            session.user = user.name
            session.syncer.user = user.name
            session.sign_in(user.password)

        def refused(exc: BaseException) -> None:
            self.window.statusBar().showMessage(str(exc), 8000)
            self.window.show_person()  # the Role menu shows the role still signed in

        self.desk.tasks.on_net(work, lambda _r: self.window.show_person(), refused)

    # ------------------------------------------------------------------ real use
    def start_real(self) -> None:
        desk = self.desk
        if not desk.settings.get(st.API_URL) or not desk.settings.get(st.USER):
            from xrewards_desk.ui.shell.dialogs import SettingsDialog

            dialog = SettingsDialog(desk.settings, self.window, first_start=True)
            if not dialog.exec():
                QApplication.quit()
                return
        api, user = desk.settings.get(st.API_URL), desk.settings.get(st.USER)
        self.window.starting(self.tr("Opening the local store…"))
        self._open_real(api, user, None)

    def _open_real(self, api: str, user: str, passphrase: str | None) -> None:
        """Open the local store with its key (store/keys.py), moving a plain one over
        first, then resume the sign-in; all on the worker. A key behind a passphrase comes
        back here once the passphrase is asked (on the GUI thread)."""
        desk = self.desk

        def moving() -> None:
            self.progress.emit(self.tr("Encrypting the local store (once; a large store "
                                       "takes a few minutes)…"))

        def work() -> tuple[Session, bool]:
            from xrewards_desk.store.local import open_local
            from xrewards_desk.ui.shell.session import Session

            store = open_local(desk.paths.data, moving=moving, passphrase=None
                               if passphrase is None else lambda: passphrase)
            desk.store = store
            # no API client yet: it is made when the server is first asked (a kept token)
            session = Session(store, api, user, tokens=Tokens(), data=desk.paths.data,
                              clock=desk.clock)
            resumed = session.resume_or_keep()
            if resumed:
                signed_in_work(session, desk.fmt)
            else:
                freeze_imports()
            return session, resumed

        def failed(exc: BaseException) -> None:
            from xrewards_desk.store.keys import PassphraseNeeded, WrongPassphrase

            if not isinstance(exc, PassphraseNeeded | WrongPassphrase):
                self._start_failed(exc)
                return
            from xrewards_desk.ui.shell.dialogs import PassphraseDialog

            dialog = PassphraseDialog(str(desk.paths.data),
                                      new=isinstance(exc, PassphraseNeeded) and exc.new,
                                      wrong=isinstance(exc, WrongPassphrase),
                                      parent=self.window)
            if not dialog.exec():
                QApplication.quit()
                return
            self.window.starting(self.tr("Opening the local store…"))
            self._open_real(api, user, dialog.passphrase.text())

        desk.tasks.on_net(work, self._opened, failed)

    def _opened(self, result: tuple[Session, bool]) -> None:
        session, resumed = result
        if resumed:
            self._signed_in(session)
            return
        password = os.environ.get(PASSWORD_ENV)
        if password:  # as the headless commands do; the dialog if it is refused

            def refused(exc: BaseException) -> None:
                log.warning("signing in with $%s failed (%s); asking", PASSWORD_ENV,
                            type(exc).__name__)
                self._ask_password(session)

            def work() -> None:
                session.sign_in(password)
                signed_in_work(session, self.desk.fmt)

            self.desk.tasks.on_net(work, lambda _r: self._signed_in(session), refused)
            return
        self._ask_password(session)

    def _ask_password(self, session: Session) -> None:
        def attempt(password: str, answer: Any) -> None:
            def work() -> None:
                session.sign_in(password)
                signed_in_work(session, self.desk.fmt)

            def problem(exc: BaseException) -> None:
                from xrewards_desk.sync.client import NotSignedIn, Offline

                if isinstance(exc, NotSignedIn):
                    answer(str(exc) or self.tr("Wrong user name or password."))
                elif isinstance(exc, Offline):
                    answer(self.tr("The server cannot be reached: %1").replace("%1", str(exc)))
                else:
                    answer(str(exc))

            self.desk.tasks.on_net(work, lambda _r: answer(None), problem)

        from xrewards_desk.ui.shell.dialogs import SignInDialog

        dialog = SignInDialog(session.api, session.user, attempt, self.window)
        if dialog.exec():
            self._signed_in(session)
        else:
            QApplication.quit()

    # ------------------------------------------------------------------ common
    def _signed_in(self, session: Session) -> None:
        from xrewards_desk.ui.shell.session import SyncController

        desk = self.desk
        desk.session = session
        if session.tokens.warning and not desk.demo:
            self.window.statusBar().showMessage(session.tokens.warning, 15000)
        elif not desk.demo and desk.store is not None:  # where the store's key came from
            from xrewards_desk.ui.shell.about import key_sentence

            self.window.statusBar().showMessage(
                key_sentence(desk.store.key.source if desk.store.key else None), 10000)
        desk.sync = SyncController(desk.tasks, session, desk.settings.get(st.SYNC_MINUTES))
        desk.sync.last = session.syncer.status
        self.ready.emit()
        if not desk.demo:
            desk.sync.sync_now()

    def _ready(self) -> None:
        self.window.ready()
        settle_heap()
        if self.args.screenshots is not None:
            from xrewards_desk.ui.shell.screenshots import Screenshots

            self.shots = Screenshots(self.window, Path(self.args.screenshots))
            self.shots.start()

    def _start_failed(self, exc: BaseException) -> None:
        log.error("start-up failed", exc_info=exc)
        self.failed.emit(str(exc))

    def _failed(self, message: str) -> None:
        self.window.starting(self.tr("The application could not start: %1").replace(
            "%1", message))
        self.window.start.bar.hide()
        if self.args.screenshots is not None:
            print(f"xrewards-desk: {message}", file=sys.stderr)
            QApplication.exit(1)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("xrewards-desk")
    app.setOrganizationName("xrewards")
    app.setDesktopFileName(NAME)  # resources/xrewards-desk.desktop (StartupWMClass)
    icon = app_icon()
    app.setWindowIcon(icon)
    # cycles holding Qt objects are freed on the GUI thread only (ui/shell/collect.py)
    collector = GuiThreadCollector(app)
    paths = Paths.default(args.gui_data_dir)
    if args.demo:
        paths = paths.demo()
    paths.made()
    setup_logging(paths)
    settings = st.Settings(paths.settings_file)
    language = Language(app)
    language.switch(args.language or resolve(settings.get(st.LANGUAGE)))
    tasks = Tasks()
    # the one clock, built once: every view, dialog, the sync and the mail read it
    desk = Desk(tasks=tasks, paths=paths, settings=settings, language=language,
                demo=args.demo, quiet=args.screenshots is not None, clock=SystemClock())
    window = MainWindow(desk)
    window.setWindowIcon(icon)
    reporter = errors.install(paths.log_file, quiet=desk.quiet, parent=window, tasks=tasks)
    clock = PaintClock(window) if os.environ.get(EXIT_AFTER_PAINT_ENV) == "1" else None
    window.show()
    starter = Starter(desk, window, args)
    if args.demo:
        starter.start_demo()
    else:
        starter.start_real()
    code = 0 if clock is not None and clock.finished else app.exec()
    tasks.shutdown()
    collector.stop()
    starter.stop()
    if desk.store is not None:
        desk.store.close()
    reporter.uninstall()
    return code
