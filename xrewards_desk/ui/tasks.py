"""Work off the GUI thread. Two lanes: one thread serialises every use of the local store
(SQLite allows one writer; reads queue behind it), a small pool does network calls. A
sync runs on the network lane and hands each piece of its store work (reading the cursor
or the outbox, writing a page, storing an answer) to the store lane's executor, waiting
for it there (:mod:`..sync.runner`, ``lane=``), so no other thread opens the store. A
task's result or error comes back to the GUI thread through a queued signal; the work
function never touches a widget. Expected failures (offline, refused, bad input) are
handed to `on_error`; anything else is a bug: a task without an error callback hands it to
`unexpected` (the app's reporter, :mod:`.errors`: a dialog and a scrubbed log entry), or,
without one, logs it with its trace."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from .qt import QObject, Signal

log = logging.getLogger(__name__)


def _lower_priority() -> None:
    """Workers yield the CPU to the GUI thread when both want it (Linux: per thread)."""
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted from workers arrive there queued."""

    done = Signal(object, object)  # callback, value


class Tasks:
    def __init__(self) -> None:
        self._relay = _Relay()
        self._relay.done.connect(self._deliver)
        self.store = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store",
                                        initializer=_lower_priority)
        self.net = ThreadPoolExecutor(max_workers=3, thread_name_prefix="net",
                                      initializer=_lower_priority)
        self._pending = 0
        self._lock = threading.Lock()
        self.closed = False
        #: where a failure of a task without an error callback goes (on the GUI thread)
        self.unexpected: Callable[[BaseException], Any] | None = None

    @staticmethod
    def _deliver(callback: Callable[[Any], None] | None, value: Any) -> None:
        if callback is not None:
            callback(value)

    def _submit(self, pool: ThreadPoolExecutor, work: Callable[[], Any],
                done: Callable[[Any], None] | None,
                error: Callable[[BaseException], None] | None) -> Future[Any]:
        if self.closed:
            # the app is closing: a view reacting to its own teardown asks for nothing
            dropped: Future[Any] = Future()
            dropped.cancel()
            return dropped
        with self._lock:
            self._pending += 1

        def run() -> Any:
            try:
                value = work()
            except BaseException as exc:  # handed to the GUI thread, not lost in a worker
                handler = error
                if handler is None:
                    handler = self.unexpected
                    if handler is None or self.closed:
                        log.exception("background task failed")
                if not self.closed:
                    self._relay.done.emit(handler, exc)
                return None
            finally:
                with self._lock:
                    self._pending -= 1
            if not self.closed:
                self._relay.done.emit(done, value)
            return value

        return pool.submit(run)

    def on_store(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
                 error: Callable[[BaseException], None] | None = None) -> Future[Any]:
        return self._submit(self.store, work, done, error)

    def on_net(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
               error: Callable[[BaseException], None] | None = None) -> Future[Any]:
        return self._submit(self.net, work, done, error)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def shutdown(self) -> None:
        self.closed = True
        self.net.shutdown(wait=True, cancel_futures=True)
        self.store.shutdown(wait=True, cancel_futures=True)
