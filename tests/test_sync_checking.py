"""Pages checked in a helper process (xrewards_desk/sync/checking.py): the same records
as checked in process, nothing lost when the helper refuses a page, dies, or outlives
nothing, and nothing secret handed to it. The helper is the real one: ``xrewards-desk``
started with its argument, over pipes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.server_harness import Server
from tests.test_sync import syncer
from tests.test_sync_apply import _busy_day
from xrewards_desk import app
from xrewards_desk.sync import checking
from xrewards_desk.sync.apply import Batch, Prepared
from xrewards_desk.sync.checking import PageChecker

LINUX = pytest.mark.skipif(not Path("/proc/self/environ").exists(),
                           reason="reads the helper's command line and environment in /proc")


def _ready(checker: PageChecker) -> PageChecker:
    checker.start()
    assert checker._ready.wait(30), "the page checker did not get ready"
    return checker


@pytest.fixture
def checker() -> Any:
    own = _ready(PageChecker())
    yield own
    own.close()


def _shape(prepared: Prepared) -> tuple[Any, ...]:
    """What a checked page holds, comparable: each batch's rows by table, the deletions,
    the staff, how many changes and which records."""
    return ([step.__getstate__() if isinstance(step, Batch) else step
             for step in prepared.steps], prepared.changes, prepared.records)


def _pages(server: Server, limit: int) -> list[bytes]:
    pages, after = [], "0"
    while True:
        answer = server.as_("anna").get("/changes", after=after, limit=limit)
        pages.append(answer.content)
        page = answer.json()
        after = page["next"]
        if not page["more"]:
            return pages


def test_the_helper_checks_every_page_as_the_desk_would(server: Server, checker) -> None:  # type: ignore[no-untyped-def]
    _busy_day(server)
    pages = _pages(server, 9)
    assert len(pages) > 5
    for page in pages:
        by_helper = checker.check(page)
        assert by_helper is not None
        here = checking.check(page)
        assert by_helper[:2] == here[:2]
        assert _shape(by_helper[2]) == _shape(here[2])
    assert checker.started == 1


def test_a_page_the_helper_refuses_is_left_to_the_desk_and_the_helper_goes_on(
        server: Server, checker) -> None:  # type: ignore[no-untyped-def]
    _busy_day(server)
    good = _pages(server, 1000)[0]
    for bad in (b"not json", b'{"changes": []}',
                b'{"changes": [{"seq": 1, "at": "2025-03-03T08:00:00Z", "kind": "account",'
                b' "id": "XR-9", "data": {"id": "XR-9"}}], "next": "1", "more": false}'):
        assert checker.check(bad) is None
    assert checker.check(good) is not None
    assert checker.started == 1  # the same helper all along


def test_a_helper_killed_is_given_up_and_started_again(server: Server, checker) -> None:  # type: ignore[no-untyped-def]
    _busy_day(server)
    page = _pages(server, 1000)[0]
    assert checker._process is not None
    os.kill(checker._process.pid, signal.SIGKILL)
    checker._process.wait(10)
    assert checker.check(page) is None  # checked in process meanwhile
    _ready(checker)
    assert checker.started == 2
    assert checker.check(page) is not None


def test_a_pull_through_the_helper_writes_what_a_pull_in_process_writes(
        server: Server, sqlite_backend, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _busy_day(server)
    stores = [sqlite_backend.new_store(), sqlite_backend.new_store()]
    try:
        helped = syncer(server, stores[0])
        assert helped.checker is not None
        _ready(helped.checker)
        calls = {"helper": 0}
        real = helped.checker.check

        def counted(page: bytes) -> Any:
            calls["helper"] += 1
            return real(page)

        monkeypatch.setattr(helped.checker, "check", counted)
        helped.pull(limit=9)
        assert calls["helper"] > 5
        monkeypatch.setenv(checking.SWITCH, "0")
        alone = syncer(server, stores[1])
        assert alone.checker is None
        alone.pull(limit=9)
        tables = [name for (name,) in stores[0].engine.connect().execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
            "'sqlite_%' AND name NOT LIKE 'search%' AND name != 'sync_state'"))]
        assert len(tables) > 20
        for table in tables:
            rows = []
            for store in stores:
                with store.engine.connect() as conn:
                    rows.append(sorted(map(tuple, conn.execute(text(
                        f'SELECT * FROM "{table}"'))), key=repr))
            assert rows[0] == rows[1], table
        assert rows[0] or tables  # compared something
    finally:
        for store in stores:
            store.close()


@LINUX
def test_the_helper_gets_its_argument_no_secret_and_a_lower_priority(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XREWARDS_PASSWORD", "hunter2-not-for-the-helper")
    monkeypatch.setenv("XREWARDS_STORE_KEY", "0" * 64)
    monkeypatch.setenv("XREWARDS_CHECK_VISIBLE", "kept")
    own = _ready(PageChecker())
    try:
        assert own._process is not None
        pid = own._process.pid
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert argv[-2:] == [checking.ARGUMENT.encode(), b""]
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        assert b"hunter2" not in environ and b"XREWARDS_STORE_KEY" not in environ
        assert b"XREWARDS_CHECK_VISIBLE=kept" in environ
        # below the desk's threads: on two cores it no longer takes the GUI thread's core
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(
            19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    finally:
        own.close()
    assert own._process is None


def test_the_argument_is_the_one_the_command_line_knows() -> None:
    assert app.PAGE_CHECKER == checking.ARGUMENT


def test_switched_off_no_helper_is_used(server: Server, sqlite_backend, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(checking.SWITCH, "0")
    store = sqlite_backend.new_store()
    try:
        assert syncer(server, store).checker is None
        own = PageChecker()
        own.start()
        assert own._process is None and own.check(b"{}") is None
    finally:
        store.close()


_DESK = """
import sys, time
from xrewards_desk.sync.checking import PageChecker
checker = PageChecker()
checker.start()
assert checker._ready.wait(30)
print(checker._process.pid, flush=True)
time.sleep(600)
"""


@LINUX
def test_the_helper_ends_when_the_desk_is_killed() -> None:
    desk = subprocess.Popen([sys.executable, "-c", _DESK], stdout=subprocess.PIPE)
    try:
        assert desk.stdout is not None
        helper = int(desk.stdout.readline())
        assert _alive(helper)
        desk.send_signal(signal.SIGKILL)
        desk.wait(10)
        deadline = time.monotonic() + 20
        while _alive(helper) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(helper), "the helper outlived the desk"
    finally:
        desk.kill()
        desk.wait()


def _alive(pid: int) -> bool:
    """Running (a zombie left for its new parent to reap counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_a_page_is_written_to_a_sqlite_store_only(postgres_backend) -> None:  # type: ignore[no-untyped-def]
    """The rows are converted for SQLite as the page is checked (Batch.freeze): another
    database is refused in words, and nothing is written."""
    from xrewards_desk.sync.apply import apply_changes

    store = postgres_backend.new_store()
    try:
        with store.session() as s, pytest.raises(ValueError, match="SQLite"):
            apply_changes(s.connection(), [{"seq": 1, "at": "2025-03-03T08:00:00Z",
                                            "kind": "organisation", "id": "ORG-9",
                                            "data": {"id": "ORG-9", "name": "Firma"}}])
        with store.session() as s:
            assert s.execute(text("SELECT count(*) FROM organisations")).scalar_one() == 0
    finally:
        store.close()


def test_a_pull_checked_by_the_helper_folds_the_wal_page_by_page(
        server: Server, sqlite_backend, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """After the fill, a pull whose pages the helper checked folds each page's WAL into the
    file beside the next page's writes (and the rest when it ends); checked in process,
    only when it ends (a fold beside the checking slowed the pull)."""
    from tests.server_harness import register

    _busy_day(server)
    store = sqlite_backend.new_store()
    try:
        folds = {"n": 0}
        real = store.fold_wal_soon

        def counted() -> None:
            folds["n"] += 1
            real()

        monkeypatch.setattr(store, "fold_wal_soon", counted)
        sync = syncer(server, store)
        assert sync.checker is not None
        _ready(sync.checker)
        sync.pull(limit=9)  # the fill: its own checkpoints, none of these
        assert folds["n"] == 0
        for n in range(6):
            register(server, f"XR-7{n}")
        pages = -(-sync.pull(limit=2).count // 2)
        assert pages >= 3
        assert folds["n"] == pages  # after each page but the last, and at the end
        for n in range(6):
            register(server, f"XR-8{n}")
        folds["n"] = 0
        monkeypatch.setenv(checking.SWITCH, "0")
        alone = syncer(server, store)
        assert alone.checker is None and alone.pull(limit=2).count > 2
        assert folds["n"] == 1  # at the end only
        store.folded()
    finally:
        store.close()


class _Runs:
    """Would run a command when unpickled."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("echo unpickled > /dev/null",))


def test_what_the_helper_hands_over_may_hold_values_not_code() -> None:
    """The desk unpickles only the classes a checked page is made of: a pickle naming any
    other callable (here os.system, or builtins.eval) is refused before it runs."""
    import pickle

    for evil in (_Runs(), eval):
        with pytest.raises(pickle.UnpicklingError):
            checking._loads(pickle.dumps(("1", False, evil)))
    with pytest.raises(pickle.UnpicklingError):
        checking._loads(pickle.dumps(("1", False, {"not": "a page"})))
