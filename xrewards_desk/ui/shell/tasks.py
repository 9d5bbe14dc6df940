"""Work off the GUI thread. Two lanes: one thread serialises every use of the local store
(SQLite allows one writer; reads queue behind it), a small pool does network calls. A
sync runs on the network lane and hands each piece of its store work (reading the cursor
or the outbox, writing a page, storing an answer) to the store lane's executor, waiting
for it there (:mod:`..sync.runner`, ``lane=``), so no other thread opens the store. A
task's result or error comes back to the GUI thread through a queued signal; the work
function never touches a widget. Expected failures (offline, refused, bad input) are
handed to `on_error`; anything else is a bug: a task without an error callback hands it to
`unexpected` (the app's reporter, :mod:`.errors`: a dialog and a scrubbed log entry), or,
without one, logs it with its trace.

A view reads the store through :meth:`Tasks.query`: ``fn(session)`` runs on the store lane
in a session the query opens and closes, and with a `key` only the newest query of that
key is answered: asking again (the agent typed on, a sync changed the record, the filter
moved) makes every earlier answer of the key stale, never delivered, and an earlier query
still waiting in the lane is not even run. Network work takes a `key` the same way.

:attr:`Tasks.busy` holds from a task's asking until its answer (or error, or its being
dropped as stale) has been handed over on the GUI thread, not only until its worker is done:
whoever waits for it to go idle sees the answer applied."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from xrewards_desk.ui.qt import QObject, Signal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xrewards_desk.store.db import Store

log = logging.getLogger(__name__)
R = TypeVar("R")


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted from workers arrive there queued."""

    done = Signal(object, object)  # callback, value


class _Parcel:
    """A callback and the task's other callables, carried to the GUI thread together so
    that they are released there (see Tasks._submit)."""

    __slots__ = ("callback", "keep")

    def __init__(self, callback: Callable[[Any], None] | None, *keep: Any) -> None:
        self.callback = callback
        self.keep = keep

    def __call__(self, value: Any) -> None:
        if self.callback is not None:
            self.callback(value)


class Tasks:
    def __init__(self) -> None:
        self._relay = _Relay()
        self._relay.done.connect(self._deliver)
        # The workers run at the GUI thread's own OS priority. A lower one (nice 5, as
        # they had until 06.12.2026) turned against the window under load: a worker
        # holding the interpreter lock waited longest for a core while the GUI thread
        # waited for the lock (bench_stall.py with three busy processes beside it: the
        # demo's full sync 47-69 ms worst gap and 10-11 s at nice 5, 31-37 ms and
        # 5-6 s at the same priority).
        self.store = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.net = ThreadPoolExecutor(max_workers=3, thread_name_prefix="net")
        #: tasks asked for whose answer has not been handed over on the GUI thread yet
        self._pending = 0
        self._lock = threading.Lock()
        self.closed = False
        #: where a failure of a task without an error callback goes (on the GUI thread)
        self.unexpected: Callable[[BaseException], Any] | None = None
        #: per key, the ticket of the newest task asked for (read and written on the GUI
        #: thread; the lanes only read it, to skip work already superseded)
        self._newest: dict[Hashable, int] = {}
        self._tickets = 0

    def _deliver(self, callback: Callable[[Any], None] | _Parcel | None, value: Any) -> None:
        """On the GUI thread: a task's answer handed over; only then is it no longer
        pending."""
        try:
            if callback is not None:
                callback(value)
        finally:
            self._settled()

    def _settled(self) -> None:
        with self._lock:
            self._pending -= 1

    def _current(self, key: Hashable, ticket: int) -> bool:
        return key is None or self._newest.get(key) == ticket

    def _answer(self, key: Hashable, ticket: int,
                callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
        """`callback`, called only while its ticket is still the newest of `key` (then the
        key is forgotten: nothing of it waits any more)."""
        if key is None:
            return callback

        def newest_only(value: Any) -> None:
            if self._newest.get(key) != ticket:
                return  # superseded: a later task of the key answers
            del self._newest[key]
            if callback is not None:
                callback(value)

        return newest_only

    def _submit(self, pool: ThreadPoolExecutor, work: Callable[[], Any],
                done: Callable[[Any], None] | None,
                error: Callable[[BaseException], None] | None,
                key: Hashable = None) -> Future[Any]:
        if self.closed:
            # the app is closing: a view reacting to its own teardown asks for nothing
            dropped: Future[Any] = Future()
            dropped.cancel()
            return dropped
        ticket = 0
        if key is not None:
            self._tickets += 1
            ticket = self._newest[key] = self._tickets
            done = self._answer(key, ticket, done)
            error = self._answer(key, ticket, error if error is not None
                                 else self._unexpected)
        with self._lock:
            self._pending += 1
        # The callables travel in a box the worker empties: what they hold (views, their
        # timers) must never be released last on a worker thread, where Qt cannot destroy
        # a timer ("Timers cannot be stopped from another thread"); the GUI thread, which
        # gets them with the answer, lets go of them there.
        box: list[Any] = [work, done, error]
        del work, done, error

        def run() -> Any:
            parcel = _Parcel(None, *box)
            box.clear()
            job, answer, failed = parcel.keep
            handler: Any = None
            try:
                if not self._current(key, ticket):
                    value: Any = None  # asked again meanwhile: this answer would be dropped
                else:
                    value = job()
                    parcel.callback = answer
            except BaseException as exc:  # handed to the GUI thread, not lost in a worker
                handler = failed
                if handler is None:
                    handler = self.unexpected
                    if handler is None or self.closed:
                        log.exception("background task failed")
                parcel.callback = handler
                value = exc
            del job, answer, failed, handler
            if not self.closed:
                self._relay.done.emit(parcel, value)  # pending until delivered
            else:
                self._settled()  # closing: not handed over
            del parcel
            return None if isinstance(value, BaseException) else value

        return pool.submit(run)

    def _unexpected(self, exc: BaseException) -> None:
        if self.unexpected is not None:
            self.unexpected(exc)
        else:
            log.error("background task failed", exc_info=exc)

    def on_store(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
                 error: Callable[[BaseException], None] | None = None, *,
                 key: Hashable = None) -> Future[Any]:
        return self._submit(self.store, work, done, error, key)

    def on_net(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
               error: Callable[[BaseException], None] | None = None, *,
               key: Hashable = None) -> Future[Any]:
        return self._submit(self.net, work, done, error, key)

    def query(self, store: Store, fn: Callable[[Session], R],
              done: Callable[[R], None] | None = None,
              error: Callable[[BaseException], None] | None = None, *,
              key: Hashable = None) -> Future[Any]:
        """``fn(session)`` on the store lane in a session opened (and closed) for it; its
        result to `done` on the GUI thread. With `key`, a later query (or task) of the
        same key supersedes this one: its answer, or its error, is then never delivered.
        Call from the GUI thread."""

        def work() -> R:
            with store.session() as s:
                return fn(s)

        return self._submit(self.store, work, done, error, key)

    def forget(self, key: Hashable) -> None:
        """Drop whatever answer of `key` is still to come (a view closing, a field
        cleared)."""
        self._newest.pop(key, None)

    def waiting(self, key: Hashable) -> bool:
        """Whether an answer of `key` is still to come."""
        return key in self._newest

    @property
    def busy(self) -> bool:
        """Whether an answer asked for is still to be handed over on the GUI thread (False
        once shut down: nothing more is waited for)."""
        with self._lock:
            return self._pending > 0 and not self.closed

    def shutdown(self) -> None:
        self.closed = True
        self.net.shutdown(wait=True, cancel_futures=True)
        self.store.shutdown(wait=True, cancel_futures=True)
