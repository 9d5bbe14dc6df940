"""Pull and push: the change feed into the local store, the outbox to the server.

Each is split into two halves that never share a thread's work:

- the **network half** (:class:`Fetcher`, and the HTTP of a push): asks the server,
  parses its answer and checks each record against the contract; it never touches the
  database;
- the **store half** (:class:`Applier`, and reading and marking the outbox): everything
  that reads or writes the local store, run on one thread, the *store lane*.

On the desktop the sync runs on the network lane and hands every piece of store work to
the store lane (``lane=``, the executor whose one thread uses the store), so the store has
one writer and never waits on SQLite's busy timeout. Headless (the ``sync`` command, the
tests) the caller's own thread is the store lane and a helper thread fetches; the same two
halves either way.

- **Pull**: pages from the stored cursor; each page and the new cursor in one transaction.
  An initial pull (empty cursor) fills the store in bulk (:mod:`.fill`): the search
  index's triggers suspended and the secondary indexes dropped with its first page, and
  both built once at the end. It answers what it wrote (:class:`Pulled`: how many
  changes, and the records by kind and id).
- **Push**: the outbox oldest first. A command is marked ``sending`` (committed) before it
  goes out and keeps its Idempotency-Key, so after any failure, a lost answer or a killed
  process, the next push sends it again and the server answers the first answer instead
  of applying it twice. A refusal is stored with its code and sentence for the agent.
  A command never sent (no attempt yet) can be withdrawn.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator, KeysView, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from xrewards_desk.store import models as m

from ..clock import Clock, SystemClock
from ..store.db import Store
from . import checking, fill, search_index, validation
from .apply import Prepared, forget, prepare, write
from .checking import PageChecker
from .client import ApiClient, Offline, Refused
from .outbox import LocalOutbox
from .status import Status as Status  # kept here too: where it was always imported from

Progress = Callable[[int, int], None]

_SYNC_STATE = cast(Table, m.SyncState.__table__)

#: changes asked for per page: the server's most. Each page is one transaction, and
#: on a large store most of a transaction's cost is writing the index pages it touched;
#: pages of 5,000 touch many of them more than once (measured at 100,000 accounts: a
#: commit 22 ms a page of 1,000, 42 ms a page of 5,000)
PAGE = 5000
#: the refusal code of a command not sent because the one it went with was refused
NOT_SENT = "not_sent"
_STATE_DE = {m.OutboxState.REFUSED: "abgelehnt", m.OutboxState.WITHDRAWN: "zurückgezogen"}
#: while the local store is filled from nothing (SQLite): a page cache of 256 MiB
#: instead of 2 MiB (the B-tree pages of every index are read back again and again),
#: and the WAL folded into the database every 400 MiB instead of every 4 MiB: each
#: checkpoint writes every page changed since into the file and syncs it, holding up
#: the next page meanwhile, and a page changed by several transactions in between is
#: written once (at 100,000 accounts: 21.7 s waiting for commits every 200 MiB, 15.4 s
#: every 400 MiB; every 800 MiB gained nothing more)
SPARSE_CHECKPOINTS = "wal_autocheckpoint = 100000"
FILL_PRAGMAS = ("cache_size = -262144", SPARSE_CHECKPOINTS)
#: what filling changes, read from the connection before and set back after: the store
#: gave it its own settings (an encrypted store's connection keeps 256 MiB of decrypted
#: pages, store/db.py CIPHER_CACHE_KIB), which SQLite's defaults set back instead had cut
#: to 2 MiB for every later use of that pooled connection (the search, the next sync: at
#: 100,000 accounts the incremental sync of 10,000 changes right after the initial one
#: took 2.3 s on an encrypted store with 2 MiB)
FILLED_PRAGMAS = ("cache_size", "wal_autocheckpoint")
#: the page cache (KiB) of every other pull's connection, where its own is smaller, set
#: back when the pull ends: a page of upserts walks the B-trees of every table and index
#: it writes, again for each page, and with SQLite's 2 MiB each walk read its pages from
#: the file again (the 10,000 changes of bench_sync's incremental sync at 100,000
#: accounts: 0.63 -> 0.55 s of CPU writing them; 64 MiB gained nothing more)
PULL_CACHE_KIB = 32 * 1024

_P = ParamSpec("_P")
_T = TypeVar("_T")


class _CollectorPause:
    """The cyclic garbage collector paused while a page is parsed, checked and written.
    A page of 5,000 changes makes hundreds of thousands of objects that live until it
    is written (its JSON, the validated records, the rows); counted as survivors, they
    set off full collections that scan every object of the process again and again
    (parsing the pages took twice as long with them). What the page leaves behind is
    freed by reference counting when it is done, and the collector runs as usual in
    between. The fetching and the applying threads pause it at once: it runs again
    when the last of them is done (counted, so one does not switch it on under the
    other)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if not self._holders:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if not self._holders and self._was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


class _Here(Executor):
    """Work run at once on the caller's thread, its outcome as a finished future: the
    store lane of a headless sync (the caller's thread is the only user of the store)."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args,
               **kwargs: _P.kwargs) -> Future[_T]:
        done: Future[_T] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed over like a worker's: raised by result()
            done.set_exception(exc)
        return done


def _pragmas(conn: Connection, pragmas: Sequence[str]) -> None:
    if conn.dialect.name == "sqlite":
        for pragma in pragmas:
            conn.exec_driver_sql(f"PRAGMA {pragma}")


@dataclass
class Pushed:
    done: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    left: int = 0


class _Ids:
    """The ids a pull wrote, by kind, kept where the cyclic garbage collector does not
    look: a dict whose keys are strings and whose values are None is untracked by the
    collector (CPython untracks a dict holding only untracked objects), while a set of
    strings is one tracked object that every full collection walks entry by entry,
    reading each string's header. An initial sync of 100,000 accounts gathers about
    1.2 million ids; held in sets, each full collection (one every few seconds, as the
    pages' objects pass through) walked them all with the interpreter lock held, on the
    store lane: 16 ms at the start of the sync, 250 ms by its end, and the window
    stood still meanwhile (bench_stall.py --why, 2-core VM at load 5-7: every gap of
    more than 100 ms was such a collection). What :class:`Pulled` hands out are
    read-only views of these dicts (set-like: ``in``, ``len``, iteration, ``==`` with a
    set), so no copy is made at the end either (freezing 1.2 million ids into
    frozensets is itself one long call holding the lock)."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, None]] = {}

    def add(self, records: Mapping[str, Sequence[str]]) -> None:
        for kind, ids in records.items():
            self._by_kind.setdefault(kind, {}).update(dict.fromkeys(ids))

    def views(self) -> dict[str, KeysView[str]]:
        return {kind: ids.keys() for kind, ids in self._by_kind.items()}


@dataclass(frozen=True)
class Pulled:
    """What a pull wrote into the local store: how many changes, and which records,
    by kind (``"account"``, ``"entry"``, ``"mail_case"``, … as the feed names them) and
    id (as text, as the feed keys them), written or deleted, each kind's as a read-only
    set (kept out of the garbage collector's way, :class:`_Ids`). An initial sync names
    every record of the program."""

    count: int = 0
    changed: Mapping[str, AbstractSet[str]] = field(default_factory=dict)

    def ids(self, kind: str) -> AbstractSet[str]:
        """The ids of the records of `kind` that changed (none: empty)."""
        return self.changed.get(kind, frozenset())


@dataclass
class Page:
    """A page of the feed, fetched and checked, not written yet: the cursor after it,
    whether more follow, and its records gathered for writing."""

    next: str
    more: bool
    prepared: Prepared
    #: checked in the page checker's process (:mod:`.checking`), not in this one
    aside: bool = False


class Fetcher:
    """The network half of a pull: a page asked for, parsed and checked against the
    contract (:func:`.apply.prepare`), by the page checker's process where one is ready
    (:mod:`.checking`), else here; never touching the database."""

    def __init__(self, client: ApiClient, checker: PageChecker | None = None) -> None:
        self.client = client
        #: the helper process that checks pages (:mod:`.checking`), where there is one
        self.checker = checker

    def page(self, after: str, limit: int) -> Page:
        text = self.client.changes_text(after, limit)
        with _collector_paused():
            checked = self.checker.check(text) if self.checker is not None else None
            if checked is not None:
                return Page(*checked, aside=True)
            page, nul_free = self._parse(text, after, limit)
            prepared = prepare(page["changes"], nul_free=nul_free)
        return Page(str(page["next"]), bool(page["more"]), prepared)

    def _parse(self, text: bytes, after: str,
               limit: int) -> tuple[dict[str, Any], bool]:
        """A page's text parsed, and whether that text is NUL-free (:mod:`.validation`).
        Text that does not parse as a page (an answer cut off in a way the connection
        did not notice) is asked for again, with retries, and checked in full."""
        try:
            page = json.loads(text)
        except ValueError:
            page = None
        if checking.is_page(page):
            return page, validation.nul_free(text)
        return self.client.changes(after, limit), False


class Applier:
    """The store half of a pull, each call on the store lane: the cursor read (and
    whether a fill is pending), each page written with its cursor in one transaction,
    the fill finished, the connection given back. One connection for the whole pull,
    used on that thread only, and never left in a transaction between calls (other
    store work runs in between on the desktop)."""

    def __init__(self, store: Store, api: str, user: str, clock: Clock) -> None:
        self.store = store
        self.api = api
        self.user = user
        self.clock = clock
        self.conn: Connection | None = None
        self.filling = False
        self.suspend = False
        self.usual: tuple[str, ...] = ()
        #: a pull after the fill: its own cache and checkpoint settings, set back when it
        #: ends, and the WAL folded in on the store's own thread then
        self.fold_aside = False

    def start(self) -> str:
        """Open the connection; the cursor to pull after."""
        conn = self.conn = self.store.engine.connect()
        with conn.begin():
            if conn.dialect.name == "sqlite":
                self.usual = tuple(
                    f"{name} = {int(conn.exec_driver_sql(f'PRAGMA {name}').scalar_one())}"
                    for name in FILLED_PRAGMAS)
            table = _SYNC_STATE
            cursor = conn.scalar(select(table.c.cursor).where(table.c.api == self.api))
            after = cursor or "0"
            self.suspend = after == "0"
            self.filling = self.suspend or fill.pending(conn)
            if conn.dialect.name == "sqlite" and not self.filling:
                cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
                page = int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
                if (-cache if cache < 0 else cache * page // 1024) < PULL_CACHE_KIB:
                    _pragmas(conn, (f"cache_size = -{PULL_CACHE_KIB}",))
                # the WAL folded in every 400 MiB, as while filling, and the rest after
                # the pull on the store's own thread (Store.fold_wal_soon)
                _pragmas(conn, (SPARSE_CHECKPOINTS,))
                self.fold_aside = True
        return after

    def apply(self, page: Page) -> int:
        """Write a page and its cursor in one transaction; how many changes."""
        conn = self.conn
        assert conn is not None
        with conn.begin():
            if self.filling:
                _pragmas(conn, FILL_PRAGMAS)
            if self.suspend and page.prepared.changes:
                self.filling = fill.begin(conn, self.clock.now())
                self.suspend = False
            # after filling, the search documents a page touches are rewritten once at
            # its end (store.search_index), not row by row
            deferred = not self.filling and search_index.defer(conn)
            with _collector_paused():
                applied = write(conn, page.prepared)
            if deferred:
                search_index.catch_up(conn)
            self._save_cursor(conn, page.next)
        if self.fold_aside and page.more and page.aside:
            # what this page wrote is folded into the file beside the next page's writes:
            # with the pages checked in the page checker's process a core is to spare for
            # it (at 100,000 accounts the fold after the pull took 0.11 s instead of
            # 0.18 s, the pull itself no longer); checked in this process, the fold took
            # the core the checking needed, and the pull took longer (0.81 s against 0.69)
            self.store.fold_wal_soon()
        return applied

    def finish(self) -> None:
        """Build what a fill left for the end (:func:`.fill.finish`), if one is pending."""
        assert self.conn is not None
        with self.conn.begin():
            fill.finish(self.conn)

    def close(self) -> None:
        """After filling, SQLite's usual settings back and the WAL folded in (after
        another pull, the usual page cache back); the connection given back, and what
        writing pages remembered forgotten."""
        conn = self.conn
        if conn is None:
            return
        self.conn = None
        try:
            if conn.dialect.name == "sqlite" and not conn.in_transaction():
                if self.filling or self.fold_aside:
                    _pragmas(conn, self.usual)
                if self.filling:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
            forget()
            if self.fold_aside:
                self.store.fold_wal_soon()

    def _save_cursor(self, conn: Connection, cursor: str) -> None:
        """The position after a page, in the page's transaction."""
        table = _SYNC_STATE
        values = {"cursor": cursor, "user_name": self.user, "last_success": self.clock.now()}
        done = conn.execute(table.update().where(table.c.api == self.api), [values])
        if not done.rowcount:
            conn.execute(table.insert(), [{"api": self.api, **values}])


class Syncer:
    """Pull and push for one server and user. `lane` (of :meth:`pull` and :meth:`push`):
    the executor whose one thread uses the store (the desktop's store lane); the calling
    thread is then the network lane, doing only HTTP, parsing and checking, and waits
    for the store lane's part. Without it the calling thread does the store's part
    itself (headless: the only user of the store). `clock`: the desk's one clock (the
    system's by default), for the times it notes (last success, a command's creation and
    answer)."""

    def __init__(self, store: Store, client: ApiClient, api: str, user: str,
                 on_status: Callable[[Status], None] | None = None,
                 clock: Clock | None = None) -> None:
        self.store = store
        self.client = client
        self.api = api
        self.user = user
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.status = Status()
        self.on_status = on_status or (lambda _s: None)
        #: the helper process that checks pulled pages (:mod:`.checking`), started by the
        #: first pull of more than one page and kept for the session; None where it is
        #: switched off
        self.checker = checking.shared() if checking.PageChecker.wanted() else None

    def _set(self, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(self.status, name, value)
        self.on_status(self.status)

    # ----------------------------------------------------------------- cursor
    def cursor(self) -> str:
        with self.store.session() as s:
            row = s.get(m.SyncState, self.api)
            return row.cursor if row is not None and row.cursor else "0"

    # ----------------------------------------------------------------- pull
    def pull(self, progress: Progress | None = None, limit: int = PAGE,
             lane: Executor | None = None) -> Pulled:
        """Fetch and apply every change after the cursor; returns how many and which
        records (:class:`Pulled`).

        Each page and its cursor are one transaction, and pages are committed in order.
        Fetching and applying overlap: while the store's half (:class:`Applier`) writes
        and commits one page, the network half (:class:`Fetcher`) asks for the next one,
        parses it and checks it against the contract (:func:`.apply.prepare`, no
        database; from the first pull of more than one page in the page checker's
        process, :mod:`.checking`, so that checking does not hold the interpreter lock
        the writing thread needs). A commit is one call into SQLite that holds no
        interpreter lock, and on a large store it is a sixth of the time (writing the
        pages it changed; a fill folds the WAL into the file every 400 MiB, a later pull
        leaves that to the store's own thread, page by page where the pages were checked
        in the page checker, Store.fold_wal_soon). With `lane` (the desktop) this thread
        fetches and the lane applies; without it a helper thread fetches and this one
        applies. A page that fails to arrive or to check leaves the pages before it
        written, with their cursor.

        From an empty cursor the local store is filled in bulk (:mod:`.fill`): the search
        index's triggers are suspended and the secondary indexes dropped with the first
        page, and both are built once at the end (an interrupted fill stays pending, and
        the next pull goes on filling and finishes it). While filling, the connection
        keeps a larger page cache and checkpoints its WAL less often
        (:data:`FILL_PRAGMAS`), and folds the WAL back in at the end."""
        self._set(syncing=True)
        store_lane: Executor = lane if lane is not None else _Here()
        helper = None if lane is not None else ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="pull")
        fetch_lane: Executor = helper if helper is not None else _Here()
        fetcher = Fetcher(self.client, self.checker)
        applier = Applier(self.store, self.api, self.user, self.clock)
        applied = 0
        changed = _Ids()
        fetching: Future[Page] | None = None
        applying: Future[int] | None = None
        writing: Page | None = None  # the page `applying` writes

        def stored() -> None:  # the page handed to the store lane is written
            nonlocal applied, applying, writing
            assert applying is not None and writing is not None
            applied += applying.result()
            changed.add(writing.prepared.records)
            applying = writing = None

        try:
            after = store_lane.submit(applier.start).result()
            fetching = fetch_lane.submit(fetcher.page, after, limit)
            while True:
                page = fetching.result()
                if page.more:  # the next page is fetched while this one is written
                    if self.checker is not None:
                        self.checker.start()  # if none runs (checked here until ready)
                    fetching = fetch_lane.submit(fetcher.page, page.next, limit)
                if applying is not None:
                    stored()
                    if progress is not None:
                        progress(applied, applied + limit)
                applying, writing = store_lane.submit(applier.apply, page), page
                if not page.more:
                    break
            stored()
            if progress is not None:
                progress(applied, applied)
            store_lane.submit(applier.finish).result()
            self._set(online=True, last_success=self.clock.now(), last_error=None)
            return Pulled(applied, changed.views())
        except Offline as exc:
            self._set(online=False, last_error=str(exc))
            raise
        finally:
            if applying is not None:  # a page handed over is stored before giving up;
                with suppress(Exception):  # the error that stopped the pull is the one
                    applying.result()
            if helper is not None:
                helper.shutdown(wait=True, cancel_futures=True)
            if self.checker is not None:
                self.checker.done()
            try:
                store_lane.submit(applier.close).result()
            finally:
                self._set(syncing=False)

    # ----------------------------------------------------------------- outbox
    def enqueue(self, body: dict[str, Any], evidence: Sequence[str] = ()) -> int:
        """Store a command to send (its key chosen now, once), as the user signed in now;
        returns its outbox id."""
        return LocalOutbox(self.store, self.user, self.clock).enqueue(body, evidence)

    def enqueue_chain(self, bodies: Sequence[dict[str, Any]]) -> list[int]:
        """Commands sent only if the first is applied (:meth:`LocalOutbox.enqueue_chain`)."""
        return LocalOutbox(self.store, self.user, self.clock).enqueue_chain(bodies)

    def withdraw(self, command_id: int) -> bool:
        """Withdraw a command that was never sent; False if it may have reached the server."""
        with self.store.session() as s:
            row = s.get(m.OutboxCommand, command_id)
            if row is None or row.state is not m.OutboxState.PENDING or row.attempts:
                return False
            row.state = m.OutboxState.WITHDRAWN
            return True

    def waiting(self) -> list[m.OutboxCommand]:
        with self.store.session() as s:
            return list(s.scalars(select(m.OutboxCommand).where(m.OutboxCommand.state.in_(
                [m.OutboxState.PENDING, m.OutboxState.SENDING])).order_by(m.OutboxCommand.id)))

    def _left(self) -> int:
        with self.store.session() as s:
            return s.scalar(select(func.count()).select_from(m.OutboxCommand).where(
                m.OutboxCommand.state.in_([m.OutboxState.PENDING,
                                           m.OutboxState.SENDING]))) or 0

    def _sending(self, command_id: int) -> bool | None:
        """Mark a command ``sending`` before it goes out (committed); False if it was
        withdrawn meanwhile; None if the command it depends on was refused or withdrawn:
        then it is refused here, never sent (a macro's reply after a refused decision)."""
        with self.store.session() as s:
            live = s.get(m.OutboxCommand, command_id)
            assert live is not None
            if live.state not in (m.OutboxState.PENDING, m.OutboxState.SENDING):
                return False
            first = s.get(m.OutboxCommand, live.after) if live.after is not None else None
            if first is not None and first.state in (m.OutboxState.REFUSED,
                                                     m.OutboxState.WITHDRAWN):
                live.state = m.OutboxState.REFUSED
                live.refusal_code = NOT_SENT
                live.refusal_message = (f"Not sent: it went with command {first.id} "
                                        f"({first.kind}), which was {first.state.value}.")
                live.response = {"code": NOT_SENT, "message": live.refusal_message,
                                 "message_de": f"Nicht gesendet: es gehörte zu Befehl "
                                               f"{first.id} ({first.kind}), der "
                                               f"{_STATE_DE[first.state]} wurde."}
                live.answered_at = self.clock.now()
                return None
            live.state = m.OutboxState.SENDING
            live.attempts += 1
            return True

    def _answered(self, command_id: int, state: m.OutboxState, answer: dict[str, Any],
                  code: str | None, message: str | None) -> None:
        """The server's answer to a command, stored with it."""
        with self.store.session() as s:
            live = s.get(m.OutboxCommand, command_id)
            assert live is not None
            live.state = state
            live.response = answer
            live.refusal_code = code
            live.refusal_message = message
            live.answered_at = self.clock.now()

    def push(self, progress: Progress | None = None,
             evidence: Callable[[str], tuple[bytes, str]] | None = None,
             answered: Callable[[int], None] | None = None,
             lane: Executor | None = None) -> Pushed:
        """Send the outbox oldest first; stops at the first command that gets no answer.
        The outbox is read and each outcome stored on `lane` (see :class:`Syncer`), the
        files and commands sent from this thread. `answered(id)` runs after the server
        answered and before the answer is stored (the crash test kills the process
        there)."""
        store_lane: Executor = lane if lane is not None else _Here()
        result = Pushed()
        todo = store_lane.submit(self.waiting).result()
        self._set(syncing=True)
        try:
            for n, row in enumerate(todo, 1):
                go = store_lane.submit(self._sending, row.id).result()
                if go is None:  # the command it went with was refused: not sent
                    result.refused.append(row.id)
                    continue
                if not go:
                    continue  # withdrawn meanwhile
                try:
                    for sha in row.evidence:  # files first, then the command citing them
                        if evidence is None:
                            raise RuntimeError(f"no way to read evidence {sha}")
                        data, label = evidence(sha)
                        self.client.upload(data, label)
                    answer: dict[str, Any] = self.client.command(
                        row.payload, row.idempotency_key).model_dump(mode="json")
                    state, code, message = m.OutboxState.DONE, None, None
                except Refused as refusal:
                    answer = {"code": refusal.code, "message": refusal.message,
                              "message_de": refusal.message_de,
                              "details": refusal.details or {}}
                    state, code, message = (m.OutboxState.REFUSED, refusal.code,
                                            refusal.message)
                if answered is not None:
                    answered(row.id)
                store_lane.submit(self._answered, row.id, state, answer, code,
                                  message).result()
                (result.done if state is m.OutboxState.DONE else result.refused).append(row.id)
                if progress is not None:
                    progress(n, len(todo))
            self._set(online=True, last_error=None)
        except Offline as exc:
            self._set(online=False, last_error=str(exc))
            raise
        finally:
            try:
                result.left = store_lane.submit(self._left).result()
            finally:
                self._set(syncing=False)
        return result
