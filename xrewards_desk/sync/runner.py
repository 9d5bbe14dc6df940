"""Pull and push: the change feed into the local store, the outbox to the server.

- **Pull**: pages from the stored cursor; each page and the new cursor in one transaction.
  An initial pull (empty cursor) fills the store in bulk (:mod:`.fill`): the search
  index's triggers suspended and the secondary indexes dropped with its first page, and
  both built once at the end.
- **Push**: the outbox oldest first. A command is marked ``sending`` (committed) before it
  goes out and keeps its Idempotency-Key, so after any failure, a lost answer or a killed
  process, the next push sends it again and the server answers the first answer instead
  of applying it twice. A refusal is stored with its code and sentence for the agent.
  A command never sent (no attempt yet) can be withdrawn.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from ..store import models as m
from ..store.db import Store
from . import fill, validation
from .apply import forget, prepare, write
from .client import ApiClient, Offline, Refused

Progress = Callable[[int, int], None]

_SYNC_STATE = cast(Table, m.SyncState.__table__)

#: changes asked for per page: the server's most. Each page is one transaction, and
#: on a large store most of a transaction's cost is writing the index pages it touched;
#: pages of 5,000 touch many of them more than once (measured at 100,000 accounts: a
#: commit 22 ms a page of 1,000, 42 ms a page of 5,000)
PAGE = 5000
#: while the local store is filled from nothing (SQLite): a page cache of 256 MiB
#: instead of 2 MiB (the B-tree pages of every index are read back again and again),
#: and the WAL folded into the database every 400 MiB instead of every 4 MiB: each
#: checkpoint writes every page changed since into the file and syncs it, holding up
#: the next page meanwhile, and a page changed by several transactions in between is
#: written once (at 100,000 accounts: 21.7 s waiting for commits every 200 MiB, 15.4 s
#: every 400 MiB; every 800 MiB gained nothing more)
FILL_PRAGMAS = ("cache_size = -262144", "wal_autocheckpoint = 100000")
#: SQLite's defaults, back after filling
USUAL_PRAGMAS = ("cache_size = -2000", "wal_autocheckpoint = 1000")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a page is parsed, checked and written.
    A page of 5,000 changes makes hundreds of thousands of objects that live until it
    is written (its JSON, the validated records, the rows); counted as survivors, they
    set off full collections that scan every object of the process again and again
    (parsing the pages took twice as long with them). What the page leaves behind is
    freed by reference counting when it is done, and the collector runs as usual in
    between."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _pragmas(conn: Connection, pragmas: Sequence[str]) -> None:
    if conn.dialect.name == "sqlite":
        for pragma in pragmas:
            conn.exec_driver_sql(f"PRAGMA {pragma}")


@dataclass
class Status:
    """What the UI shows: online or not, syncing, and when the last sync succeeded."""

    online: bool = False
    syncing: bool = False
    last_success: datetime | None = None
    last_error: str | None = None


@dataclass
class Pushed:
    done: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    left: int = 0


class Syncer:
    def __init__(self, store: Store, client: ApiClient, api: str, user: str,
                 on_status: Callable[[Status], None] | None = None) -> None:
        self.store = store
        self.client = client
        self.api = api
        self.user = user
        self.status = Status()
        self.on_status = on_status or (lambda _s: None)

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
    def pull(self, progress: Progress | None = None, limit: int = PAGE) -> int:
        """Fetch and apply every change after the cursor; returns how many.

        Each page and its cursor are one transaction, and pages are committed in order.
        Three things overlap: the next page is fetched (on a helper thread, the only user
        of the HTTP session meanwhile) while this one is checked and written, and this
        one is checked against the contract (:func:`.apply.prepare`, no database) while
        the previous page's transaction commits on another helper thread, the only user
        of the connection meanwhile; the page is written once that commit is done. A
        commit is one call into SQLite that holds no interpreter lock, and on a large
        store it is a sixth of the time (writing the pages it changed, and now and then
        folding the WAL into the file).

        From an empty cursor the local store is filled in bulk (:mod:`.fill`): the search
        index's triggers are suspended and the secondary indexes dropped with the first
        page, and both are built once at the end (an interrupted fill stays pending, and
        the next pull goes on filling and finishes it). While filling, the connection
        keeps a larger page cache and checkpoints its WAL less often
        (:data:`FILL_PRAGMAS`), and folds the WAL back in at the end."""
        self._set(syncing=True)
        applied = 0
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull")
        committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-commit")
        committing: Future[None] | None = None
        conn = self.store.engine.connect()
        filling = False
        try:
            after = self.cursor()
            suspend = after == "0"
            with conn.begin():
                filling = suspend or fill.pending(conn)
            upcoming = fetcher.submit(self.client.changes_text, after, limit)
            while True:
                with _collector_paused():
                    page, nul_free = self._parse(upcoming.result(), after, limit)
                    if page["more"]:
                        upcoming = fetcher.submit(self.client.changes_text, page["next"],
                                                  limit)
                    prepared = prepare(page["changes"], nul_free=nul_free)
                if committing is not None:
                    committing.result()  # the previous page is stored
                    committing = None
                    if progress is not None:
                        progress(applied, applied + limit)
                transaction = conn.begin()
                try:
                    if filling:
                        _pragmas(conn, FILL_PRAGMAS)
                    if suspend and page["changes"]:
                        filling = fill.begin(conn)
                        suspend = False
                    with _collector_paused():
                        applied += write(conn, prepared)
                    self._save_cursor(conn, page["next"])
                except BaseException:
                    transaction.rollback()
                    raise
                committing = committer.submit(transaction.commit)
                after = page["next"]
                if not page["more"]:
                    break
            committing.result()
            committing = None
            if progress is not None:
                progress(applied, applied)
            with conn.begin():
                fill.finish(conn)
            self._set(online=True, last_success=datetime.now(UTC), last_error=None)
            return applied
        except Offline as exc:
            self._set(online=False, last_error=str(exc))
            raise
        finally:
            if committing is not None:  # a page handed over is stored before giving up;
                with suppress(Exception):  # the error that stopped the pull is the one
                    committing.result()
            fetcher.shutdown(wait=True, cancel_futures=True)
            committer.shutdown(wait=True)
            forget()
            try:
                if filling and conn.dialect.name == "sqlite" and not conn.in_transaction():
                    _pragmas(conn, USUAL_PRAGMAS)
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
                self._set(syncing=False)

    def _parse(self, text: bytes, after: str,
               limit: int) -> tuple[dict[str, Any], bool]:
        """A page's text parsed here, on the puller's own thread (the helper thread only
        waits for the network), and whether that text is NUL-free (:mod:`.validation`).
        Text that does not parse as a page (an answer cut off in a way the connection
        did not notice) is asked for again, with retries, and checked in full."""
        try:
            page = json.loads(text)
        except ValueError:
            page = None
        if isinstance(page, dict) and {"changes", "next", "more"} <= page.keys():
            return page, validation.nul_free(text)
        return self.client.changes(after, limit), False

    def _save_cursor(self, conn: Connection, cursor: str) -> None:
        """The position after a page, in the page's transaction."""
        table = _SYNC_STATE
        values = {"cursor": cursor, "user_name": self.user, "last_success": datetime.now(UTC)}
        done = conn.execute(table.update().where(table.c.api == self.api), [values])
        if not done.rowcount:
            conn.execute(table.insert(), [{"api": self.api, **values}])

    # ----------------------------------------------------------------- outbox
    def enqueue(self, body: dict[str, Any], evidence: Sequence[str] = ()) -> int:
        """Store a command to send (its key chosen now, once); returns its outbox id."""
        with self.store.session() as s:
            row = m.OutboxCommand(idempotency_key=str(uuid.uuid4()), kind=body["type"],
                                  payload=body, evidence=list(evidence),
                                  created_at=datetime.now(UTC), created_by=self.user,
                                  state=m.OutboxState.PENDING, attempts=0)
            s.add(row)
            s.flush()
            return row.id

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

    def push(self, progress: Progress | None = None,
             evidence: Callable[[str], tuple[bytes, str]] | None = None,
             answered: Callable[[int], None] | None = None) -> Pushed:
        """Send the outbox oldest first; stops at the first command that gets no answer.
        `answered(id)` runs after the server answered and before the answer is stored
        (the crash test kills the process there)."""
        result = Pushed()
        todo = self.waiting()
        self._set(syncing=True)
        try:
            for n, row in enumerate(todo, 1):
                with self.store.session() as s:
                    live = s.get(m.OutboxCommand, row.id)
                    assert live is not None
                    if live.state not in (m.OutboxState.PENDING, m.OutboxState.SENDING):
                        continue  # withdrawn meanwhile
                    live.state = m.OutboxState.SENDING
                    live.attempts += 1
                try:
                    for sha in row.evidence:  # files first, then the command citing them
                        if evidence is None:
                            raise RuntimeError(f"no way to read evidence {sha}")
                        data, label = evidence(sha)
                        self.client.upload(data, label)
                    answer: dict[str, Any] = self.client.command(row.payload,
                                                                 row.idempotency_key)
                    state, code, message = m.OutboxState.DONE, None, None
                except Refused as refusal:
                    answer = {"code": refusal.code, "message": refusal.message,
                              "message_de": refusal.message_de,
                              "details": refusal.details or {}}
                    state, code, message = (m.OutboxState.REFUSED, refusal.code,
                                            refusal.message)
                if answered is not None:
                    answered(row.id)
                with self.store.session() as s:
                    live = s.get(m.OutboxCommand, row.id)
                    assert live is not None
                    live.state = state
                    live.response = answer
                    live.refusal_code = code
                    live.refusal_message = message
                    live.answered_at = datetime.now(UTC)
                (result.done if state is m.OutboxState.DONE else result.refused).append(row.id)
                if progress is not None:
                    progress(n, len(todo))
            self._set(online=True, last_error=None)
        except Offline as exc:
            self._set(online=False, last_error=str(exc))
            raise
        finally:
            result.left = len(self.waiting())
            self._set(syncing=False)
        return result
