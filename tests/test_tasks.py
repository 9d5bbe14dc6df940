"""The worker lanes (ui/shell/tasks.py) after the app closed: a view reacting to its own
teardown (a selection cleared as its model goes) may still ask for work; that is dropped
quietly instead of raising inside Qt's event loop."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.shell.tasks import Tasks


def test_work_asked_for_after_shutdown_is_dropped(qapp: QApplication) -> None:
    tasks = Tasks()
    ran: list[str] = []
    tasks.on_store(lambda: ran.append("before")).result(timeout=10)
    tasks.shutdown()
    store = tasks.on_store(lambda: ran.append("store"))
    net = tasks.on_net(lambda: ran.append("net"))
    assert store.cancelled() and net.cancelled()
    assert ran == ["before"]
    assert not tasks.busy


def test_a_query_opens_its_session_on_the_store_lane_and_answers_the_newest_only(
        qtbot: Any, qapp: QApplication, tmp_path: Path) -> None:
    """Tasks.query: fn(session) on the store lane in a session it opens; with a key, a
    later query of the key supersedes an earlier one, whose answer (or error) never
    arrives, and which is not even run if it still waits in the lane."""
    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    tasks = Tasks()
    try:
        gate = threading.Event()
        tasks.on_store(lambda: gate.wait(10))  # holds the lane while the queries queue
        ran: list[str] = []
        answers: list[tuple[str, Any]] = []

        def ask(name: str, key: str, fail: bool = False) -> None:
            def fn(s: Session) -> tuple[str, str]:
                ran.append(name)
                if fail:
                    raise ValueError(name)
                return name, threading.current_thread().name
            tasks.query(store, fn, lambda value: answers.append(("done", value)),
                        lambda exc: answers.append(("error", str(exc))), key=key)

        ask("first", "search")
        ask("second", "search", fail=True)
        ask("third", "search")
        ask("other", "cases")
        assert tasks.waiting("search") and tasks.waiting("cases")
        gate.set()
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
        qtbot.wait(50)
        assert ran == ["third", "other"]  # the superseded ones were not run
        assert sorted(answers) == [("done", ("other", "store_0")),
                                   ("done", ("third", "store_0"))]
        assert not tasks.waiting("search") and not tasks.waiting("cases")

        # one already running when asked again: it runs, its answer is dropped
        gate.clear()
        started = threading.Event()
        answers.clear()

        def slow(_s: Session) -> str:
            started.set()
            gate.wait(10)
            return "old"

        tasks.query(store, slow, lambda v: answers.append(("done", v)), key="search")
        assert started.wait(10)
        tasks.query(store, lambda _s: "new", lambda v: answers.append(("done", v)),
                    key="search")
        gate.set()
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
        qtbot.wait(50)
        assert answers == [("done", "new")]

        # the newest one's error arrives; a forgotten key's answer does not
        answers.clear()
        ask("broken", "search", fail=True)
        qtbot.waitUntil(lambda: answers == [("error", "broken")], timeout=10_000)
        gate.clear()
        tasks.on_store(lambda: gate.wait(10))
        ask("forgotten", "search")
        tasks.forget("search")
        gate.set()
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
        qtbot.wait(50)
        assert answers == [("error", "broken")]
        # without a key every answer arrives
        both: list[int] = []
        tasks.query(store, lambda s: 1, both.append)
        tasks.query(store, lambda s: 2, both.append)
        qtbot.waitUntil(lambda: both == [1, 2], timeout=10_000)
    finally:
        tasks.shutdown()
        store.close()


def test_busy_lasts_until_the_answer_is_handed_over_on_the_gui_thread(
        qtbot: Any, qapp: QApplication) -> None:
    """Tasks.busy holds from the asking until the answer (or the error) has reached its
    callback on the GUI thread, not only until the worker is done: whoever waits for idle
    (a view's spinner, a test) then finds the answer applied. A callback asking for more
    keeps it busy until that answer too."""
    tasks = Tasks()
    try:
        answers: list[Any] = []
        future = tasks.on_store(lambda: 41 + 1, answers.append)
        assert future.result(timeout=10) == 42  # the worker is done, and has sent it...
        assert answers == [] and tasks.busy  # ...but no event loop has handed it over yet
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
        assert answers == [42]

        errors: list[BaseException] = []
        failed = tasks.on_net(lambda: 1 // 0, answers.append, errors.append)
        assert failed.result(timeout=10) is None and failed.done()
        assert errors == [] and tasks.busy
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
        assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)

        def more(value: int) -> None:
            answers.append(value)
            tasks.on_net(lambda: value + 1, answers.append)

        tasks.on_store(lambda: 1, more).result(timeout=10)
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
        assert answers == [42, 1, 2]
    finally:
        tasks.shutdown()
    assert not tasks.busy
