"""Bugs a person can act on (ui/shell/errors.py): an unhandled exception in a slot, in a thread or
in a background task without an error callback shows one dialog with the log file's place
and details to copy, scrubbed of tokens, passwords, e-mail addresses, customer numbers and
IBANs; the log holds the same scrubbed report; the window keeps working."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.ui.qt import QApplication, QGuiApplication, QTimer
from xrewards_desk.ui.shell.errors import ErrorDialog, Reporter, install, report_text, scrub
from xrewards_desk.ui.shell.main_window import Desk, MainWindow

TOKEN = "Zk3vQ9xY2bT7wL1mN8pR4sA6dF0gH5jK"  # 32 URL-safe characters, as the server makes
HEX = "0123456789abcdef0123456789abcdef"
SECRETS = (TOKEN, HEX, "anna.schmidt@example.de", "XR-1000042", "hunter2-hunter2",
           "DE89370400440532013000", "DE89 3704 0044 0532 0130 00")
MESSAGE = (f"sync refused: Authorization: Bearer {TOKEN} for anna.schmidt@example.de "
           f"(customer XR-1000042, IBAN DE89370400440532013000, DE89 3704 0044 0532 0130 00) "
           f"password=hunter2-hunter2 key {HEX}")


class Boom(RuntimeError):
    pass


def fail() -> None:
    raise Boom(MESSAGE)


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    from tests.test_ui import make_desk

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    desk = make_desk(app, tmp_path / "app", store)
    main = MainWindow(desk)
    qtbot.addWidget(main)
    main.show()
    yield main
    desk.tasks.shutdown()
    store.close()


@pytest.fixture
def reporter(window: MainWindow) -> Iterator[Reporter]:
    desk: Desk = window.desk
    handler = logging.FileHandler(desk.paths.log_file, encoding="utf-8")
    logging.getLogger().addHandler(handler)
    r = install(desk.paths.log_file, quiet=False, parent=window, tasks=desk.tasks)
    yield r
    r.uninstall()
    logging.getLogger().removeHandler(handler)
    handler.close()
    if r.dialog is not None:
        r.dialog.close()


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    assert "Boom" in text and "Traceback" in text and "[removed]" in text


def the_dialog(qtbot: Any, reporter: Reporter, reports: int = 1) -> ErrorDialog:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible()
                    and len(reporter.dialog.reports) >= reports, timeout=5000)
    assert reporter.dialog is not None
    return reporter.dialog


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_shows_one_dialog_with_scrubbed_details(
        qtbot: Any, window: MainWindow, reporter: Reporter) -> None:
    QTimer.singleShot(0, fail)
    dialog = the_dialog(qtbot, reporter)
    assert dialog.objectName() == "error_dialog" and not dialog.isModal()
    assert "Your work in the outbox is safe" in dialog.message.text()
    log_file = window.desk.paths.log_file
    assert str(log_file) in dialog.where.text()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert_clean(copied)
    assert "X-Points Desk" in copied and "Python 3" in copied and "Qt 6" in copied
    assert "Platform:" in copied
    logged = log_file.read_text(encoding="utf-8")
    assert_clean(logged)
    assert copied in logged  # the same report
    # a second error joins the open dialog: no storm of windows
    QTimer.singleShot(0, fail)
    the_dialog(qtbot, reporter, reports=2)
    assert len(window.findChildren(ErrorDialog)) == 1
    assert dialog.count.isVisible() and "2" in dialog.count.text()
    # the window is alive and answers: a timer fires, an action still works
    fired: list[bool] = []
    QTimer.singleShot(10, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=2000)
    assert window.isVisible()
    window.cases_action.trigger()  # no store-bound view yet: a no-op, but no error
    # closed, the next error opens a fresh dialog with only itself
    dialog.close()
    qtbot.waitUntil(lambda: reporter.dialog is None, timeout=2000)
    QTimer.singleShot(0, fail)
    assert len(the_dialog(qtbot, reporter).reports) == 1


@pytest.mark.qt_no_exception_capture
def test_a_task_without_error_callback_is_reported_the_same_way(
        qtbot: Any, window: MainWindow, reporter: Reporter) -> None:
    window.desk.tasks.on_store(fail)
    dialog = the_dialog(qtbot, reporter)
    assert_clean(dialog.text())
    assert "fail" in dialog.text()  # the worker's traceback, scrubbed
    assert_clean(window.desk.paths.log_file.read_text(encoding="utf-8"))
    # a task with its own error callback is not a bug: it goes there, not to the dialog
    handled: list[BaseException] = []
    window.desk.tasks.on_net(fail, error=handled.append)
    qtbot.waitUntil(lambda: bool(handled), timeout=5000)
    assert len(dialog.reports) == 1


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_thread_is_reported(qtbot: Any, window: MainWindow,
                                          reporter: Reporter) -> None:
    thread = threading.Thread(target=fail, name="mail-hook")
    thread.start()
    thread.join()
    dialog = the_dialog(qtbot, reporter)
    assert "thread mail-hook" in dialog.text()
    assert_clean(dialog.text())


def test_quiet_mode_never_blocks_it_logs_and_prints(qtbot: Any, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    r = Reporter(tmp_path / "x.log", quiet=True)
    try:
        fail()
    except Boom as exc:
        with caplog.at_level(logging.ERROR, logger="xrewards_desk.errors"):
            r.report(exc)
    QApplication.processEvents()
    assert r.dialog is None
    err = capsys.readouterr().err
    assert "unexpected error" in err
    assert_clean(err)
    assert_clean(caplog.text)


@pytest.mark.parametrize(("text", "kept"), [
    ("Bearer abc.def-ghi", "Bearer [removed]"),
    ("password: 'hunter2hunter2'", "password: '[removed]'"),
    ('{"password": "x"}', '{"password": "[removed]"}'),
    ("mail to a.b+c@sub.example.com now", "mail to [removed] now"),
    ("XR-1000042 and xr-7", "[removed] and [removed]"),
    ("IBAN GB82 WEST 1234 5698 7654 32.", "IBAN [removed]."),
    (f"key={HEX}", "key=[removed]"),
    (f"id {HEX.upper()}", "id [removed]"),
    ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo/YWJjZGVm+w==", "[removed]"),
    # what a traceback needs stays
    ('File "/x/.venv/lib/python3.11/site-packages/PySide6/QtWidgets/__init__.py", line 3',
     'File "/x/.venv/lib/python3.11/site-packages/PySide6/QtWidgets/__init__.py", line 3'),
    ("test_demo_starts_its_server_renders_every_view",
     "test_demo_starts_its_server_renders_every_view"),
])
def test_scrub(text: str, kept: str) -> None:
    assert scrub(text) == kept


def test_the_report_names_versions_and_the_exception() -> None:
    try:
        fail()
    except Boom as exc:
        text = report_text(exc, where="a slot")
    assert text.startswith("X-Points Desk ")
    assert "Where: a slot" in text and "Error: tests.test_errors.Boom" in text
    assert_clean(text)
