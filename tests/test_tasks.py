"""The worker lanes (ui/tasks.py) after the app closed: a view reacting to its own
teardown (a selection cleared as its model goes) may still ask for work; that is dropped
quietly instead of raising inside Qt's event loop."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.tasks import Tasks


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
