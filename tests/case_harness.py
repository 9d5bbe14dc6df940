"""A desktop signed in against the real reference server with the demo (pytest-qt,
offscreen): a copy of the demo synced once per session, its own window, and helpers to
push a command through the app's outbox and wait for the sync. Shared by the desktop's
workflow tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import func, select

from tests.demo_fixture import NOW, Demo
from tests.server_harness import Server
from tests.ui_harness import DeskTemplate, build_template
from xrewards_desk.clock import SettableClock
from xrewards_desk.contract.commands import Command
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.main import MemoryTokens
from xrewards_desk.ui.shell.main_window import Desk, MainWindow
from xrewards_desk.ui.shell.paths import Paths
from xrewards_desk.ui.shell.session import Session, SyncController
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets.i18n import Language

WAIT = 60_000

_COMMAND: TypeAdapter[Command] = TypeAdapter(Command)


def as_command(body: dict[str, Any]) -> Command:
    """A command written out as its JSON (as a test states it by hand), read strictly
    into the contract's model the app builds: for comparing with what a dialog built,
    or sending through the app's outbox."""
    return _COMMAND.validate_python(body)


@pytest.fixture(scope="session")
def cases_template(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> DeskTemplate:
    return build_template(demo, tmp_path_factory.mktemp("cases-template"))


@dataclass
class Agent:
    desk: Desk
    window: MainWindow
    session: Session


def _copy(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)


@contextmanager
def local_desk(qapp: QApplication, template: DeskTemplate, folder: Path, *,
               data_folder: bool = False) -> Iterator[Desk]:
    """A desktop of its own on a copy of the synced demo store, not signed in yet; its
    lanes shut down and its store closed at the end. With `data_folder`, `folder` is the
    desktop's data folder and the store is where the app keeps it (``desk.sqlite`` in
    it, beside evidence and settings); else the data folder is `folder`/app."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = Paths.default(folder if data_folder else folder / "app").made()
    local = paths.local_store if data_folder else folder / "desk.sqlite"
    _copy(template.local, local)
    store = Store.open(sqlite_url(local))
    language = Language(qapp)
    language.switch("en")
    desk = Desk(tasks=Tasks(), paths=paths, settings=st.Settings(paths.settings_file),
                language=language, store=store, clock=SettableClock(NOW), quiet=True)
    try:
        yield desk
    finally:
        desk.tasks.shutdown()
        store.close()
        # the translators are the application's: a test that switched to German leaves
        # English behind for the next one
        language.switch("en")


def sign_in(desk: Desk, demo: Demo, server: Server, user: str) -> Session:
    """`user` signed in against `server` with the demo's password."""
    assert desk.store is not None
    api = server.base.removesuffix("/v1")
    session = Session(desk.store, api, user, ApiClient(api), MemoryTokens(),
                      data=desk.paths.data, clock=desk.clock)
    password = demo.password(user)
    session.sign_in(password)
    desk.session = session
    return session


def window_of(qtbot: Any, desk: Desk) -> MainWindow:
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    window.ready()
    return window


@contextmanager
def signed_in(qtbot: Any, qapp: QApplication, demo: Demo, template: DeskTemplate,
              server: Server, folder: Path, user: str) -> Iterator[Agent]:
    """A desktop of its own (a copy of the synced demo store) signed in as `user`."""
    with local_desk(qapp, template, folder) as desk:
        session = sign_in(desk, demo, server, user)
        desk.sync = SyncController(desk.tasks, session)
        window = window_of(qtbot, desk)
        sync(qtbot, desk)
        yield Agent(desk, window, session)


def waiting(desk: Desk) -> int:
    assert desk.store is not None
    with desk.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(m.OutboxCommand).where(
            m.OutboxCommand.state.in_([m.OutboxState.PENDING, m.OutboxState.SENDING])))
            or 0)


def sync(qtbot: Any, desk: Desk) -> None:
    """Push and pull until nothing waits (a queued command starts a sync by itself)."""
    assert desk.sync is not None
    qtbot.waitUntil(lambda: not desk.sync.running, timeout=WAIT)  # type: ignore[union-attr]
    with qtbot.waitSignal(desk.sync.finished, timeout=WAIT):
        desk.sync.sync_now()
    qtbot.waitUntil(lambda: not desk.sync.running and waiting(desk) == 0,  # type: ignore[union-attr]
                    timeout=WAIT)


def send(qtbot: Any, agent: Agent, body: Command | dict[str, Any]) -> int:
    """A command (a model, or its JSON) through the app's outbox, pushed; returns its
    outbox id."""
    ids: list[int] = []
    built = as_command(body) if isinstance(body, dict) else body
    assert agent.desk.outbox.send(built, done=ids.append) is None
    qtbot.waitUntil(lambda: bool(ids), timeout=WAIT)
    sync(qtbot, agent.desk)
    return ids[0]


def outcome(desk: Desk, command: int) -> m.OutboxCommand:
    assert desk.store is not None
    with desk.store.session() as s:
        row = s.get(m.OutboxCommand, command)
        assert row is not None
        return row


def open_case(qtbot: Any, agent: Agent, case_id: int) -> Any:
    """The case opened in `agent`'s window (a CaseView), once its detail has loaded."""
    agent.window.open_case(case_id)
    view = agent.window.cases[case_id]
    qtbot.waitUntil(lambda: view.loaded and view.detail is not None, timeout=WAIT)
    return view


def reload(qtbot: Any, view: Any) -> None:
    """A case view read again from the store, waited for."""
    loads = view.loads
    view.refresh()
    qtbot.waitUntil(lambda: view.loads == loads + 1 and view.loaded
                    and view.detail is not None, timeout=WAIT)

