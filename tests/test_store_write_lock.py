"""A transaction that will write takes SQLite's write lock at its start (Store.session
(write=True): BEGIN IMMEDIATE), so another process's writer makes it wait and then read
what was written; a deferred one that read before the other committed is refused by
SQLite at once ("database is locked"), whatever the busy timeout. Two stores on one file
stand for two processes; the server's commands use the first kind."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url


def _note(s: object, n: int) -> None:
    s.add(m.ChangeRow(at=datetime.now(UTC), kind="note", record_id=str(n), data=None))  # type: ignore[attr-defined]


def _hold_write(store: Store, started: threading.Event, seconds: float) -> None:
    with store.session(write=True) as s:
        _note(s, 1)
        s.flush()
        started.set()
        time.sleep(seconds)


@pytest.mark.parametrize("write", [True, False])
def test_a_writing_transaction_waits_for_the_other_writer(tmp_path: Path, write: bool) -> None:
    url = sqlite_url(tmp_path / "store.sqlite")
    ours, theirs = Store.open(url), Store.open(url)
    try:
        started = threading.Event()
        other = threading.Thread(target=_hold_write, args=(theirs, started, 0.5))
        other.start()
        assert started.wait(5)
        try:
            with ours.session(write=write) as s:
                seen = s.scalar(select(func.count()).select_from(m.ChangeRow))
                time.sleep(0.7)  # the other commits meanwhile
                _note(s, 2)
            assert write, "a deferred transaction that read a stale snapshot was let write"
            assert seen == 1  # it began after the other committed, and saw its row
        except OperationalError as exc:
            assert not write, exc
            assert "locked" in str(exc)
        other.join()
    finally:
        ours.close()
        theirs.close()
