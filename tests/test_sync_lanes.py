"""One writer of the local store: the desktop's sync runs on the network lane and hands
every piece of its store work (the outbox read and marked, the cursor read, each page
written, the fill finished) to the store lane (ui/shell/tasks.py), so it never opens a SQLite
connection of its own and never waits on SQLite's lock.

Shown against the real reference server on 127.0.0.1 and a real SQLite file: while a long
store task holds a write transaction, a sync is started; every connection opened or used
meanwhile is opened or used on the store lane's thread, SQLite's busy timeout is 0 (a
second writer would fail at once with "database is locked" instead of waiting up to 30 s
as the app's setting allows), and the sync finishes right after the store task."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from tests.server_harness import Server, earn, register
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.shell.main import MemoryTokens
from xrewards_desk.ui.shell.session import Session, SyncController
from xrewards_desk.ui.shell.tasks import Tasks

#: how long the store task holds its write transaction
HOLD = 2.0


def test_a_sync_while_the_store_lane_is_busy_waits_for_the_lane_not_for_sqlite(
        qtbot: Any, qapp: QApplication, server: Server, tmp_path: Path) -> None:
    if server.store.dialect != "sqlite":
        pytest.skip("the desktop's local store is SQLite; the server's store is not the point")
    for i in range(1, 6):
        register(server, f"XR-{i}")
        earn(server, f"XR-{i}", f"O-{i}", "100.00")
    local = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    uses: list[tuple[str, str]] = []  # (event, thread) of every connection opened or used

    def record(what: str) -> Any:
        return lambda *_args: uses.append((what, threading.current_thread().name))

    def no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout = 0")  # a clash raises at once

    event.listen(local.engine, "connect", no_busy_wait)
    local.engine.dispose()  # the connections opened so far had the app's 30 s
    for name in ("connect", "checkout"):
        event.listen(local.engine, name, record(name))
    event.listen(local.engine, "before_cursor_execute", record("execute"))
    tasks = Tasks()
    try:
        api = server.base.removesuffix("/v1")
        session = Session(local, api, "anna", ApiClient(api), MemoryTokens())
        session.sign_in("correct horse battery staple")
        sync = SyncController(tasks, session)
        held = threading.Event()
        released: list[float] = []

        def long_store_task() -> None:  # an agent's request queued, slowly
            with local.session() as s:
                s.add(m.OutboxCommand(
                    idempotency_key="held-1", kind="request_adjustment",
                    payload={"type": "request_adjustment", "account": "XR-1", "points": 70,
                             "reason": "queued while the lane was busy"},
                    evidence=[], created_at=server.clock.now(), created_by="anna",
                    state=m.OutboxState.PENDING, attempts=0))
                s.flush()  # the write lock taken
                held.set()
                time.sleep(HOLD)
            released.append(time.perf_counter())

        uses.clear()
        tasks.on_store(long_store_task)
        assert held.wait(10)
        outcome: list[Any] = []  # the summary, or the failure's sentence
        sync.finished.connect(outcome.append)
        sync.failed.connect(outcome.append)
        started = time.perf_counter()
        assert sync.sync_now()
        qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
        finished = time.perf_counter()
        summary = outcome[0]
        assert isinstance(summary, dict), summary  # not "The sync failed: OperationalError"

        # the command queued by the store task went out, then the whole feed came in,
        # the request the command made with it (it is pushed before the pull)
        with server.store.session() as s:
            feed = s.scalar(select(func.count()).select_from(m.ChangeRow))
            request = s.scalar(select(m.AdjustmentRequest.id))
        assert summary["pushed"] == 1 and summary["refused"] == 0
        assert summary["pulled"] == feed
        assert summary["changed"]["adjustment_request"] == {str(request)}
        assert summary["changed"]["account"] == {f"XR-{i}" for i in range(1, 6)}
        # waited for the store task, then ran without stalling: far from the 30 s a
        # busy timeout would have hidden (here there is none: a clash would have failed)
        assert released and started < released[0]
        assert finished - released[0] < 10, f"{finished - released[0]:.1f} s after the task"
        # every connection of the sync was opened and used on the store lane, none on the
        # network lane (or the GUI thread)
        threads = {thread for _what, thread in uses}
        assert uses and {what for what, _thread in uses} >= {"checkout", "execute"}
        assert all(thread.startswith("store") for thread in threads), threads
        assert len(threads) == 1  # the lane is one thread
        with local.session() as s:
            assert s.scalar(select(m.OutboxCommand.state)) is m.OutboxState.DONE
            assert s.scalar(select(func.count()).select_from(m.AccountRow)) == 5
    finally:
        tasks.shutdown()
        local.close()
