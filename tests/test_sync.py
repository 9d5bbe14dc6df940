"""Sync over real HTTP against the reference server: pull from the cursor, push the
outbox once, and keep every command through lost answers, a server that is down, and a
decision made stale meanwhile. Each proves nothing is lost and nothing applied twice."""

from __future__ import annotations

import gc
import socket
import sqlite3
import threading

import pytest
from sqlalchemy import select

from tests.server_harness import Server, earn, register
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient, Offline
from xrewards_desk.sync.runner import Pulled, Syncer


@pytest.fixture
def local(sqlite_backend):  # type: ignore[no-untyped-def]
    store = sqlite_backend.new_store()
    yield store
    store.close()


def syncer(server: Server, store, user: str = "anna") -> Syncer:  # type: ignore[no-untyped-def]
    client = ApiClient(server.base.removesuffix("/v1"), retries=2, sleep=lambda _s: None)
    client.sign_in(user, "correct horse battery staple")
    return Syncer(store, client, server.base, user)


def entries(server: Server, account: str) -> list[int]:
    with server.store.session() as s:
        return list(s.scalars(select(m.LedgerEntry.points).where(
            m.LedgerEntry.account_id == account).order_by(m.LedgerEntry.seq)))


def test_pull_from_the_cursor_then_only_what_is_new(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    sync = syncer(server, local)
    seen: list[tuple[int, int]] = []
    first = sync.pull(progress=lambda done, total: seen.append((done, total)), limit=3).count
    assert first > 3 and seen[-1] == (first, first)
    assert sync.status.online and sync.status.last_success is not None
    earn(server, "XR-1", "O-1", "100.00")
    pulled = sync.pull()
    assert pulled.count == len([c for c in server.changes()]) - first
    # what changed, by kind and id: the order, and its credit (R8: 100.00 EUR at bronze
    # earns 100 points, a lot and an entry, the account's first of each) with its notice
    # (R24); the account's spend grew (R6)
    assert pulled.changed == {"order": {"O-1"}, "account": {"XR-1"}, "lot": {"XR-1/L1"},
                              "entry": {"XR-1/E1"}, "notice": {"XR-1/N1"}}
    assert pulled.ids("order") == {"O-1"} and pulled.ids("claim") == frozenset()
    with local.session() as s:
        assert [e.points for e in s.scalars(select(m.LedgerEntry))] == [100]
    assert sync.pull() == Pulled(0, {})


def test_the_ids_a_pull_gathers_are_out_of_the_collectors_way(server: Server,
                                                              local) -> None:  # type: ignore[no-untyped-def]
    """An initial sync gathers every record's id (about 1.2 million at 100,000
    accounts); a full collection walks a set of them entry by entry with the
    interpreter lock held (250 ms a collection at the end of that sync, the window
    frozen meanwhile, bench_stall.py --why). Each kind's ids are the keys of a dict
    holding only strings and None, which the collector does not track at all."""
    for n in range(1, 4):
        register(server, f"XR-{n}")
    earn(server, "XR-2", "O-1", "100.00")
    pulled = syncer(server, local).pull(limit=2)  # many pages, their ids gathered
    assert pulled.ids("account") == {"XR-1", "XR-2", "XR-3"}
    assert pulled.ids("order") == {"O-1"}
    for kind, ids in pulled.changed.items():
        held = [o for o in gc.get_referents(ids) if isinstance(o, dict)]
        assert len(held) == 1 and set(held[0]) == set(ids), kind
        assert not gc.is_tracked(held[0]), kind
    gc.collect()  # a full collection leaves them untracked
    assert not any(gc.is_tracked(o) for ids in pulled.changed.values()
                   for o in gc.get_referents(ids))


def test_a_command_is_pushed_once_even_when_its_answer_was_lost(server: Server,
                                                                local) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    sync = syncer(server, local)
    command = sync.enqueue({"type": "request_adjustment", "account": "XR-1", "points": 70,
                            "reason": "fix"})
    pushed = sync.push()
    assert pushed.done == [command] and pushed.left == 0
    # The process died after the server applied it, before the answer was stored: the
    # command is still "sending" locally; the next push sends it again, same key.
    with local.session() as s:
        row = s.get(m.OutboxCommand, command)
        assert row is not None
        first_answer = row.response
        row.state = m.OutboxState.SENDING
        row.response = None
    assert sync.push().done == [command]
    with local.session() as s:
        assert s.get(m.OutboxCommand, command).response == first_answer  # type: ignore[union-attr]
    assert entries(server, "XR-1") == [70]  # R26: applied once


def test_work_done_offline_is_pushed_when_the_server_returns(server: Server,
                                                             local) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    sync = syncer(server, local)
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    online = sync.client
    sync.client = ApiClient(dead, online.token, retries=1, sleep=lambda _s: None)
    command = sync.enqueue({"type": "request_adjustment", "account": "XR-1", "points": 30,
                            "reason": "offline"})
    with pytest.raises(Offline):
        sync.push()
    assert not sync.status.online and sync.status.last_error
    assert [r.id for r in sync.waiting()] == [command]  # kept, not lost
    assert not sync.withdraw(command)  # it may have left; it cannot be withdrawn now
    sync.client = online
    assert sync.push().done == [command]
    assert entries(server, "XR-1") == [30]


def test_a_decision_made_stale_meanwhile_comes_back_refused_and_visible(server: Server,
                                                                       local) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    anna = server.as_("anna")
    case = int(anna.ok({"type": "create_mail_case", "mail": {
        "message_id": "<st@k.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "received", "sender": "xr-1@org-1.example", "subject": "s",
        "body": "b"}})["created"])
    sync = syncer(server, local)
    sync.pull()
    command = sync.enqueue({"type": "set_mail_case_status", "case": case, "version": 1,
                            "status": "closed"})
    server.as_("ben").ok({"type": "assign_mail_case", "case": case, "version": 1,
                          "assignee": "ben"})
    pushed = sync.push()
    assert pushed.refused == [command]
    with local.session() as s:
        row = s.get(m.OutboxCommand, command)
        assert row is not None and row.state is m.OutboxState.REFUSED
        assert row.refusal_code == "stale_version" and "ben" in (row.refusal_message or "")


def test_a_command_never_sent_can_be_withdrawn(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    sync = syncer(server, local)
    command = sync.enqueue({"type": "request_adjustment", "account": "XR-1", "points": 5,
                            "reason": "oops"})
    assert sync.withdraw(command)
    assert sync.push().done == [] and entries(server, "XR-1") == []


def test_a_client_killed_between_sending_and_storing_the_answer_loses_nothing(
        server: Server, local, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A real client process is killed with SIGKILL after the server applied its command
    and before it stored the answer; restarted, it sends the command again under the same
    key and the server answers from its first answer: applied once, answer kept."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    register(server, "XR-1")
    sync = syncer(server, local)
    command = sync.enqueue({"type": "request_adjustment", "account": "XR-1", "points": 40,
                            "reason": "crash test"})
    local.close()  # the child process owns the store now
    marker = tmp_path / "answered"
    url = local.engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("crash_client.py")),
         server.base.removesuffix("/v1"), "anna", "correct horse battery staple", url,
         str(marker)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.stdout.read() if child.stdout else b""
        assert time.monotonic() < deadline, "the client never got its answer"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert entries(server, "XR-1") == [40]  # the server applied it

    from xrewards_desk.store.db import Store

    restarted = Store.open(url)
    try:
        again = Syncer(restarted, sync.client, sync.api, "anna")
        with restarted.session() as s:
            row = s.get(m.OutboxCommand, command)
            assert row is not None and row.state is m.OutboxState.SENDING
            assert row.response is None  # the answer was lost with the process
        assert again.push().done == [command]
        with restarted.session() as s:
            row = s.get(m.OutboxCommand, command)
            assert row is not None and row.state is m.OutboxState.DONE
            assert row.response is not None and len(row.response["entries"]) == 1
    finally:
        restarted.close()
    assert entries(server, "XR-1") == [40]  # and not twice


def test_evidence_is_uploaded_before_the_command_that_cites_it(server: Server,
                                                               local) -> None:  # type: ignore[no-untyped-def]
    """A transfer filed offline with a scan from disk: the file goes first, then the
    request that cites it (R21: left_organisation needs evidence)."""
    import hashlib

    from tests.test_server import PDF

    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "100.00")
    sync = syncer(server, local, "tessa")
    sha = hashlib.sha256(PDF).hexdigest()
    command = sync.enqueue({"type": "request_transfer", "source": "XR-1", "target": "XR-2",
                            "points": 60, "reason": "left_organisation",
                            "evidence": [sha]}, evidence=[sha])
    read: list[str] = []

    def files(wanted: str) -> tuple[bytes, str]:
        read.append(wanted)
        return PDF, "Kündigung.pdf"

    assert sync.push(evidence=files).done == [command]
    assert read == [sha]
    with server.store.session() as s:
        stored = s.get(m.EvidenceFile, sha)
        request = s.scalars(select(m.TransferRequestRow)).one()
        assert stored is not None and stored.label == "Kündigung.pdf"
        assert [e.sha256 for e in request.evidence] == [sha]


# --------------------------------------------------------------------------- search index


def _searchable_day(server: Server) -> list[str]:
    """Accounts and orders the index is made of, renamed and moved meanwhile; returns
    queries that find them."""
    register(server, "XR-1", name="Jürgen Müller")
    register(server, "XR-2", org="ORG-2", billing="BA-2", name="Anna-Lena Weiß",
             phone="+49 30 1234567")
    register(server, "XR-3", org="ORG-2", billing="BA-3", name="Olaf Mueller")
    for i in range(4, 12):
        register(server, f"XR-{i}", org=f"ORG-{i % 3}", billing=f"BA-{i % 3}0",
                 name=f"Kunde Nummer {i}")
    for i, account in enumerate(("XR-1", "XR-1", "XR-2", "XR-3", "XR-7"), 1):
        earn(server, account, f"WO-{1000 + i}", f"{40 + i}.00")
    return ["mueller", "müller", "MÜLLER", "weiss", "anna", "mü", "ku", "org-2",
            "wo-1003", "WO-1001", "xr-7", "Mxller", "Nummer 1", "einkauf", "1234567"]


def _index(store) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(
            "SELECT account_id, doc, name, email, phone, referral_code, organisation, "
            "billing_account FROM search_doc ORDER BY account_id"))]


def _indexes(store) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
            "ORDER BY name"))]


def _found(store, queries: list[str]) -> dict[str, list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    from xrewards_desk.store.search import search

    with store.engine.connect() as conn:
        return {q: [(h.account_id, h.matched, h.how) for h in search(conn, q)]
                for q in queries}


def test_an_initial_sync_rebuilds_the_index_once_to_what_the_triggers_would_hold(
        server: Server, sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    """The initial pull suspends the index's triggers and rebuilds the index at its end;
    the result equals a store whose triggers indexed every page row by row."""
    from xrewards_desk.sync import search_index
    from xrewards_desk.sync.apply import apply_changes

    queries = _searchable_day(server)
    by_triggers = sqlite_backend.new_store()
    bulk = sqlite_backend.new_store()
    try:
        after = "0"
        while True:  # the triggers at work: apply_changes alone never suspends them
            page = server.as_("anna").get("/changes", after=after, limit=9).json()
            with by_triggers.session() as s:
                apply_changes(s.connection(), page["changes"])
                assert not search_index.pending(s.connection())
            after = page["next"]
            if not page["more"]:
                break
        suspended: list[bool] = []

        def watch(done: int, total: int) -> None:
            with bulk.engine.connect() as conn:
                suspended.append(search_index.pending(conn))

        sync = syncer(server, bulk)
        assert sync.pull(progress=watch, limit=9).count > 40
        assert len(suspended) > 4 and all(suspended)  # suspended from the first page on
        with bulk.engine.connect() as conn:
            assert not search_index.pending(conn)
        assert _index(bulk) == _index(by_triggers)
        # every index the fill dropped is back, as the migrations made it
        assert _indexes(bulk) == _indexes(by_triggers)
        found = _found(bulk, queries)
        assert found == _found(by_triggers, queries)
        assert [a for a, _, _ in found["mueller"]] == ["XR-1", "XR-3"]
        assert found["wo-1003"][0][:2] == ("XR-2", "order")
        # and afterwards the triggers keep it current again, incrementally
        server.as_("shop").ok({"type": "order_placed", "order": "WO-2001", "account": "XR-5",
                               "placed_at": server.clock.now().isoformat(), "net": "10.00"},
                              shop=True)
        assert sync.pull().count > 0
        assert _found(bulk, ["wo-2001"])["wo-2001"][0][:2] == ("XR-5", "order")
    finally:
        by_triggers.close()
        bulk.close()


def test_later_pulls_write_each_pages_documents_once_as_the_triggers_would(
        server: Server, sqlite_backend, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """After the fill, each page defers the search documents it touches and writes them
    once at its end (migration 0017); page by page the index equals a store whose
    triggers wrote every row, and no page commits a deferral or a noted account."""
    from sqlalchemy import text

    from xrewards_desk.sync import search_index
    from xrewards_desk.sync.apply import apply_changes

    noted: list[int] = []  # accounts each page's catch-up wrote (the real one runs)
    catch_up = search_index.catch_up
    monkeypatch.setattr(search_index, "catch_up",
                        lambda conn: noted.append(catch_up(conn)) or noted[-1])
    register(server, "XR-20", name="Greta Schmidt")
    register(server, "XR-21", org="ORG-2", billing="BA-2", name="Karl Weiß")
    earn(server, "XR-20", "WO-3001", "12.00")
    by_triggers = sqlite_backend.new_store()
    desk = sqlite_backend.new_store()
    try:
        sync = syncer(server, desk)
        sync.pull()
        assert noted == []  # the fill rebuilds instead
        after = sync.cursor()
        with by_triggers.session() as s:
            apply_changes(s.connection(), server.as_("anna").get(
                "/changes", after="0", limit=1000).json()["changes"])
        queries = _searchable_day(server)  # more accounts and orders
        earn(server, "XR-20", "WO-3002", "13.00")  # an order for an account indexed before
        queries += ["schmidt", "wo-3001", "wo-3002", "karl weiss"]
        while True:
            page = server.as_("anna").get("/changes", after=after, limit=4).json()
            with by_triggers.session() as s:
                apply_changes(s.connection(), page["changes"])
            after = page["next"]
            if not page["more"]:
                break
        left: list[tuple[int, int]] = []

        def watch(done: int, total: int) -> None:
            with desk.engine.connect() as conn:
                left.append(tuple(conn.execute(text(  # type: ignore[arg-type]
                    "SELECT (SELECT count(*) FROM search_deferred), "
                    "(SELECT count(*) FROM search_dirty)")).one()))

        assert sync.pull(progress=watch, limit=4).count > 20
        assert len(left) > 5 and set(left) == {(0, 0)}
        assert len(noted) == len(left) and sum(noted) >= 11  # a page each; new accounts
        assert _index(desk) == _index(by_triggers)
        found = _found(desk, queries)
        assert found == _found(by_triggers, queries)
        assert [a for a, _, _ in found["mueller"]] == ["XR-1", "XR-3"]
        assert found["wo-1003"][0][:2] == ("XR-2", "order")
        assert found["wo-3002"][0][:2] == ("XR-20", "order")
    finally:
        by_triggers.close()
        desk.close()


class _DropsAfter(ApiClient):
    """A client whose connection goes for good after `pages` pages."""

    def __init__(self, base: str, pages: int) -> None:
        super().__init__(base, retries=0, sleep=lambda _s: None)
        self.pages = pages

    def changes_text(self, after: str, limit: int = 1000) -> bytes:
        if self.pages <= 0:
            raise Offline("the network went away")
        self.pages -= 1
        return super().changes_text(after, limit)


def test_an_interrupted_initial_sync_is_searchable_after_the_next_pull(
        server: Server, local) -> None:  # type: ignore[no-untyped-def]
    """Offline after three pages: those pages are kept, the index is marked behind (in
    the pages' own transactions), and the next pull, from the middle of the feed,
    finishes and rebuilds it to find everything."""
    from xrewards_desk.sync import fill, search_index

    queries = _searchable_day(server)
    complete = _indexes(local)
    dropped = {str(index.name) for index in fill.deferred()}
    assert {"ix_orders_account_id", "ix_lots_expires_at"} <= dropped
    assert "ix_delivery_addresses_account_id" not in dropped  # the fill reads by it
    client = _DropsAfter(server.base.removesuffix("/v1"), pages=3)
    client.sign_in("anna", "correct horse battery staple")
    sync = Syncer(local, client, server.base, "anna")
    with pytest.raises(Offline):
        sync.pull(limit=6)
    cursor = sync.cursor()
    assert cursor != "0"
    with local.engine.connect() as conn:
        assert search_index.pending(conn)
    with local.session() as s:  # the pages pulled are there, not yet in the index
        assert s.get(m.AccountRow, "XR-1") is not None
    assert _found(local, ["mueller"])["mueller"] == []
    assert {name for name, _, _ in _indexes(local)} == {
        name for name, _, _ in complete} - dropped  # dropped with the first page

    client.pages = 1000
    assert sync.pull(limit=6).count > 0
    with local.engine.connect() as conn:
        assert not search_index.pending(conn)
    assert _indexes(local) == complete
    found = _found(local, [*queries, "wo-1005"])
    assert [a for a, _, _ in found["mueller"]] == ["XR-1", "XR-3"]
    assert [a for a, _, _ in found["weiss"]] == ["XR-2"]
    assert found["wo-1005"] == [("XR-7", "order", "exact")]


def test_a_rebuild_pending_from_a_killed_sync_runs_even_with_nothing_new(
        server: Server, local) -> None:  # type: ignore[no-untyped-def]
    """A process killed after its last page and before the rebuild: the next pull gets
    no changes at all and still rebuilds the index."""
    from xrewards_desk.sync import fill, search_index

    _searchable_day(server)
    sync = syncer(server, local)
    finish = fill.finish
    fill.finish = lambda conn: False  # type: ignore[assignment]  # "killed" here
    try:
        assert sync.pull().count > 0
    finally:
        fill.finish = finish  # type: ignore[assignment]
    with local.engine.connect() as conn:
        assert search_index.pending(conn)
    assert sync.pull().count == 0
    assert [a for a, _, _ in _found(local, ["müller"])["müller"]] == ["XR-1", "XR-3"]


class _CutOnce(ApiClient):
    """A client whose second page arrives cut off without the connection noticing."""

    texts = 0

    def changes_text(self, after: str, limit: int = 1000) -> bytes:
        self.texts += 1
        text = super().changes_text(after, limit)
        return text[: len(text) // 2] if self.texts == 2 else text


def test_a_page_that_does_not_parse_is_asked_for_again(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    for i in range(1, 4):
        register(server, f"XR-{i}")
        earn(server, f"XR-{i}", f"O-{i}", "100.00")
    client = _CutOnce(server.base.removesuffix("/v1"), retries=2, sleep=lambda _s: None)
    client.sign_in("anna", "correct horse battery staple")
    sync = Syncer(local, client, server.base, "anna")
    assert sync.pull(limit=4).count == len(server.changes())
    assert client.texts > 2
    with local.session() as s:
        assert len(s.scalars(select(m.LedgerEntry)).all()) == 3


class _Corrupts(ApiClient):
    """A client whose second page holds one record that breaks the contract."""

    texts = 0

    def changes_text(self, after: str, limit: int = 1000) -> bytes:
        self.texts += 1
        text = super().changes_text(after, limit)
        if self.texts == 2:
            assert b'"status": "active"' in text
            text = text.replace(b'"status": "active"', b'"status": "sleeping"', 1)
        return text


def test_a_page_with_a_malformed_record_writes_nothing(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    """The record is refused by its contract model before its page's transaction
    begins: the pages before stay, with their cursor, and nothing of this one; the
    next pull, given the page as the server has it, goes on from there."""
    from pydantic import ValidationError

    for i in range(1, 9):
        register(server, f"XR-{i}")
    client = _Corrupts(server.base.removesuffix("/v1"), retries=2, sleep=lambda _s: None)
    client.sign_in("anna", "correct horse battery staple")
    sync = Syncer(local, client, server.base, "anna")
    with pytest.raises(ValidationError, match="status"):
        sync.pull(limit=10)
    first = server.changes()[:10]
    assert sync.cursor() == str(first[-1]["seq"])
    with local.session() as s:
        kept = set(s.scalars(select(m.AccountRow.id)))
    assert kept == {c["id"] for c in first if c["kind"] == "account"}
    assert sync.pull(limit=10).count > 0
    with local.session() as s:
        assert len(s.scalars(select(m.AccountRow.id)).all()) == 8


def test_an_incremental_pull_leaves_folding_the_wal_to_the_stores_own_thread(
        server: Server, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """After the fill, a pull's connection checkpoints only every 400 MiB, as a fill
    does; when the pull ends, the store's own thread folds the WAL into the file with a
    PASSIVE checkpoint (Store.fold_wal_soon), not the thread that pulled. Seen from
    outside: the pull's rows are in the WAL only until then (the store reads them
    there), and afterwards the database file alone, copied without its WAL, holds them."""
    import shutil

    from xrewards_desk.store.db import Store, sqlite_url

    register(server, "XR-WAL-1")
    earn(server, "XR-WAL-1", "WO-WAL-1", "120.00")
    path = tmp_path / "desk.sqlite"
    store = Store.open(sqlite_url(path))
    try:
        assert syncer(server, store).pull().count > 0  # the fill, folded in at its end
        store.folded()
        folds: list[str] = []
        fold = Store._fold

        def held(self: Store) -> None:  # the thread it runs on; held until let go
            folds.append(threading.current_thread().name)
            go.wait(30)
            fold(self)

        go = threading.Event()
        monkeypatch.setattr(Store, "_fold", held)
        earn(server, "XR-WAL-1", "WO-WAL-2", "80.00")
        assert syncer(server, store).pull().count > 0
        alone = tmp_path / "alone.sqlite"

        def orders_in_the_file_alone() -> set[str]:
            shutil.copyfile(path, alone)
            conn = sqlite3.connect(alone)
            try:
                return {r[0] for r in conn.execute("SELECT id FROM orders")}
            finally:
                conn.close()

        # the pull has ended and its commits folded nothing in
        assert orders_in_the_file_alone() == {"WO-WAL-1"}
        with store.session() as s:  # while the store sees its rows through the WAL
            assert s.get(m.OrderRow, "WO-WAL-2") is not None
        go.set()
        store.folded()
        assert orders_in_the_file_alone() == {"WO-WAL-1", "WO-WAL-2"}
        assert len(folds) == 1 and folds[0].startswith("wal")
        assert threading.current_thread().name not in folds
    finally:
        go.set()
        store.close()


def test_closing_the_store_waits_for_its_fold_and_a_failed_fold_is_only_logged(
        tmp_path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """Store.close lets a checkpoint under way end before the connections go; a
    checkpoint that fails (here: its connection cannot be had) is logged as a warning
    and leaves the store as it was, for the next automatic checkpoint to fold in."""
    import logging

    from xrewards_desk.store.db import Store, sqlite_url

    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    go, started, ended = threading.Event(), threading.Event(), threading.Event()
    fold = Store._fold
    runs: list[int] = []

    def held(self: Store) -> None:
        runs.append(1)
        started.set()
        go.wait(30)
        fold(self)
        ended.set()

    monkeypatch.setattr(Store, "_fold", held)
    store.fold_wal_soon()
    store.fold_wal_soon()  # at most one waits: this asks for nothing more
    assert started.wait(30)
    closing = threading.Thread(target=store.close)
    closing.start()
    closing.join(0.3)
    assert closing.is_alive() and not ended.is_set()  # close waits for the fold
    go.set()
    closing.join(30)
    assert not closing.is_alive() and ended.is_set()
    assert runs == [1]

    monkeypatch.setattr(Store, "_fold", fold)
    broken = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    try:
        def refuse() -> None:
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr(broken.engine, "raw_connection", refuse)
        with caplog.at_level(logging.WARNING, logger="xrewards_desk.store.db"):
            broken.fold_wal_soon()
            broken.folded()
        assert "folding the WAL into the store failed: unable to open database file" in (
            caplog.text)
    finally:
        monkeypatch.undo()
        broken.close()


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_after_an_initial_fill_the_stores_connections_keep_their_own_cache(
        server: Server, tmp_path, encrypted: bool) -> None:  # type: ignore[no-untyped-def]
    """A fill widens its connection's page cache and WAL checkpoint interval (FILL_PRAGMAS)
    and sets back what the connection had: an encrypted store's 256 MiB of decrypted
    pages (store/db.py CIPHER_CACHE_KIB), a plain one's SQLite defaults; not 2 MiB for
    both, which had left the pooled connection of an encrypted store decrypting again
    every page its searches read."""
    from xrewards_desk.store.db import CIPHER_CACHE_KIB, Store, sqlite_url
    from xrewards_desk.store.keys import DeskKey
    from xrewards_desk.sync.runner import FILL_PRAGMAS

    register(server, "XR-FILL-1")
    earn(server, "XR-FILL-1", "WO-FILL-1", "120.00")
    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"),
                       key=DeskKey.generate("memory") if encrypted else None)
    try:
        assert syncer(server, store).pull().count > 0
        with store.session() as s:  # the fill ran and is finished
            assert s.get(m.AccountRow, "XR-FILL-1") is not None
        # an incremental pull, which widens a smaller cache to PULL_CACHE_KIB, sets it
        # back too
        earn(server, "XR-FILL-1", "WO-FILL-2", "80.00")
        assert syncer(server, store).pull().count > 0
        pool = store.engine.pool
        held = [store.engine.connect() for _ in range(max(1, pool.checkedin()))]
        try:
            cache = -CIPHER_CACHE_KIB if encrypted else -2000
            assert str(cache) not in FILL_PRAGMAS[0]  # a cache the fill does not use
            for conn in held:
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == cache
                assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        finally:
            for conn in held:
                conn.close()
    finally:
        store.close()
