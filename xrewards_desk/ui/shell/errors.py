"""Bugs a person can act on: an unhandled exception (in a slot, in a thread, in a
background task without an error callback) shows a dialog that says what happened in plain
words, where the log file is, and offers the details to copy, scrubbed of anything secret
or personal; the same scrubbed report goes to the log. The app keeps running: the dialog is
not modal, and a second error while it is open is added to it.

In quiet mode (screenshots, tests) nothing blocks: the report is logged and printed to
standard error.

    reporter = install(log_file, quiet=False, parent=window)   # the hooks, once
    reporter.report(exc)                                      # from anywhere"""

from __future__ import annotations

import logging
import platform
import re
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from xrewards_desk import __version__
from xrewards_desk.ui.qt import (
    PYSIDE6_VERSION,
    QDialog,
    QDialogButtonBox,
    QGuiApplication,
    QLabel,
    QObject,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    qVersion,
)

log = logging.getLogger("xrewards_desk.errors")

REMOVED = "[removed]"
#: what a report must never carry, in the order applied (the longer forms first)
_SECRETS: list[tuple[re.Pattern[str], str]] = [
    # "Authorization: Bearer abc…", "bearer abc…"
    (re.compile(r"(?i)\b(bearer)\s+[^\s'\",;]+"), r"\1 " + REMOVED),
    # password=…, "password": "…", token: …, secret=…, api_key=…
    (re.compile(r"(?i)\b(passw(?:or)?d|pwd|secret|token|api[_-]?key|authorization)"
                r"(['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}]+"), r"\1\2" + REMOVED),
    # e-mail addresses
    (re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"), REMOVED),
    # customer numbers
    (re.compile(r"(?i)\bXR-\d+"), REMOVED),
    # IBANs, with or without their groups of four
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"), REMOVED),
    # JSON web tokens
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]*"), REMOVED),
]
#: 32 or more hex or base64 characters (a token or a key, told from a path in `_run`)
_RUN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")


def _run(match: re.Match[str]) -> str:
    text = match.group(0)
    digit = any(c.isdigit() for c in text)
    if re.fullmatch(r"[0-9a-fA-F]{32,}", text):
        return REMOVED  # a hex key or hash
    if "/" not in text:
        return REMOVED if digit and any(c.isalpha() for c in text) else text  # URL-safe
    # standard base64 has "/" but no "_" or "-"; a path (…/site-packages/…) has them
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text)
    return REMOVED if digit and mixed and not set("_-") & set(text) else text


def scrub(text: str) -> str:
    """`text` without bearer tokens, passwords, long hex or base64 runs, e-mail addresses,
    customer numbers and IBANs (each replaced by ``[removed]``)."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return _RUN.sub(_run, text)


def report_text(exc: BaseException, where: str = "") -> str:
    """The report of a bug: versions, platform, the exception's type and traceback,
    scrubbed."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    lines = [
        f"X-Points Desk {__version__}",
        f"Python {platform.python_version()} ({platform.python_implementation()})",
        f"Qt {qVersion()}, PySide6 {PYSIDE6_VERSION}",
        f"Platform: {platform.platform()}",
    ]
    if where:
        lines.append(f"Where: {where}")
    lines += [f"Error: {type(exc).__module__}.{type(exc).__qualname__}", "", trace.rstrip()]
    return scrub("\n".join(lines))


class ErrorDialog(QDialog):
    """What went wrong, in plain words; the log's place; the details and "Copy details"."""

    def __init__(self, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_dialog")
        self.setWindowTitle(self.tr("X-Points Desk: an error"))
        self.setModal(False)
        self.reports: list[str] = []
        self.message = QLabel(self.tr(
            "Something went wrong in X-Points Desk. Your work in the outbox is safe."))
        self.message.setWordWrap(True)
        self.count = QLabel()
        self.where = QLabel(self.tr("The details are also in the log file: %1").replace(
            "%1", str(log_file)))
        self.where.setObjectName("log_path")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setObjectName("details")
        self.hint = QLabel(self.tr(
            "The details hold no passwords, tokens, e-mail addresses or customer numbers. "
            "You can send them to your support contact."))
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.setObjectName("copy_details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.message, self.count, self.where, self.details, self.hint,
                       buttons):
            layout.addWidget(widget)
        self.resize(640, 420)

    def add(self, report: str) -> None:
        self.reports.append(report)
        self.details.setPlainText(self.text())
        self.count.setVisible(len(self.reports) > 1)
        self.count.setText(self.tr("%Ln error(s) since this window opened.", "",
                                   len(self.reports)))

    def text(self) -> str:
        return ("\n\n" + "-" * 40 + "\n\n").join(self.reports)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.text())


#: reports an open dialog takes; more are logged only (an error in a paint event repeats)
MAX_SHOWN = 20


class Reporter(QObject):
    """Reports bugs from any thread; the dialog is shown on the GUI thread."""

    _reported = Signal(str)

    def __init__(self, log_file: Path, quiet: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.quiet = quiet
        self.window = parent
        self.dialog: ErrorDialog | None = None
        self._reported.connect(self._show)  # queued when emitted from a worker
        self._previous: tuple[Any, Any] | None = None

    def report(self, exc: BaseException, where: str = "") -> str:
        """Log the scrubbed report and show it (or print it, when quiet); any thread."""
        try:
            text = report_text(exc, where)
        except Exception:  # the reporter must never raise in an excepthook
            text = f"X-Points Desk {__version__}\nError: {type(exc).__name__}"
        log.error("unexpected error\n%s", text)
        if self.quiet:
            print(f"xrewards-desk: unexpected error\n{text}", file=sys.stderr)
        else:
            self._reported.emit(text)
        return text

    def _show(self, text: str) -> None:
        if self.dialog is None:
            self.dialog = ErrorDialog(self.log_file, self.window)
            self.dialog.finished.connect(self._closed)
        if len(self.dialog.reports) < MAX_SHOWN:
            self.dialog.add(text)
        self.dialog.show()
        if QGuiApplication.platformName() != "offscreen":  # which has no stacking order
            self.dialog.raise_()

    def _closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    # ------------------------------------------------------------------ hooks
    def _excepthook(self, kind: type[BaseException], exc: BaseException,
                    tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.report(exc)

    def _threadhook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        self.report(args.exc_value, where=f"thread {name}")

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._threadhook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None


def install(log_file: Path, quiet: bool = False, parent: QWidget | None = None,
            tasks: Any = None) -> Reporter:
    """Install `sys.excepthook` and `threading.excepthook`, and make `tasks` (a
    :class:`.tasks.Tasks`) hand its unexpected errors to the same reporter."""
    reporter = Reporter(log_file, quiet, parent)
    reporter.install()
    if tasks is not None:
        tasks.unexpected = reporter.report
    return reporter

