"""Many server processes on one PostgreSQL store (issue 21 item 1), as real processes.

``serve --workers 4`` on a fresh PostgreSQL database: four uvicorn worker processes behind
one port on 127.0.0.1. Eight client threads send shop events (orders placed, paid and
delivered: each earns, R4/R8) and staff commands (notes on customers) touching the same
four accounts, each with its own Idempotency-Key, retrying with the same key whenever the
connection fails; a ninth thread reads the change feed from its cursor all the while, and
a desktop (the real Syncer into a real SQLite file) pulls meanwhile. Midway one worker is
killed with SIGKILL: the commands it had in flight are lost with their connection (their
transactions rolled back by the database) and retried against the others.

Then: every key applied exactly once (in the database and, resent, over the API: the
same answer, nothing new in the feed); the feed read concurrently is the feed read
afterwards, in the same order, nothing skipped and nothing twice; two desktops end equal
to the server record by record. And on SQLite, ``--workers 2`` is refused in one sentence.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from tests.test_cli_errors import one_sentence
from tests.test_operations import _add_users, _register, _token, scrape, value
from tests.test_serve_cli import EXE, _env
from tests.test_serve_cli import PASSWORD as CLI_PASSWORD
from xrewards_desk import exits
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient, Offline
from xrewards_desk.sync.runner import Syncer

WORKERS = 4
CLIENTS = 8
ACCOUNTS = [f"XR-{n}" for n in range(1, 5)]
#: per client: orders (three shop events each) and notes on customers
ORDERS, NOTES = 6, 6


def _workers(parent: int) -> list[int]:
    """The uvicorn worker processes of the serve process `parent` (spawned children, not
    multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == parent and "spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def _until(what: Callable[[], bool], seconds: float, why: str) -> None:
    deadline = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < deadline, why
        time.sleep(0.1)


def _ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/ready", timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


class Sender:
    """One client: its own connections; a request whose connection fails (its worker
    killed) is sent again with the same key until it is answered."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base = base
        self.tokens = tokens
        self.http = requests.Session()
        self.retried = 0

    def send(self, who: str, path: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Idempotency-Key": key}
        for _attempt in range(50):
            try:
                answer = self.http.post(f"{self.base}{path}", json=body, headers=headers,
                                        timeout=60)
            except requests.ConnectionError:
                self.retried += 1
                self.http.close()  # its pooled connections may be to the dead worker
                self.http = requests.Session()
                time.sleep(0.05)
                continue
            assert answer.status_code == 200, (key, answer.status_code, answer.text)
            return answer.json()  # type: ignore[no-any-return]
        raise AssertionError(f"{key} was never answered")


def _plan(client: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(who, path, key, body) of one client's work, in its order: orders on the shared
    accounts, each placed, paid and delivered (it completes and earns: R4, R8), and notes
    on the same customers in between."""
    work: list[tuple[str, str, str, dict[str, Any]]] = []
    for n in range(ORDERS):
        account = ACCOUNTS[(client + n) % len(ACCOUNTS)]
        order = f"O-{client}-{n}"
        work += [
            ("shop", "/shop/events", f"{order}-placed",
             {"type": "order_placed", "order": order, "account": account,
              "placed_at": "2026-12-06T09:00:00+01:00", "net": f"{10 + client + n}.00"}),
            ("shop", "/shop/events", f"{order}-paid", {"type": "order_paid", "order": order}),
            ("shop", "/shop/events", f"{order}-delivered",
             {"type": "order_delivered", "order": order})]
        if n < NOTES:
            key = f"note-{client}-{n}"
            work.append(("anna", "/commands", key,
                         {"type": "note_customer", "account": account, "text": key}))
    return work


def _read_feed(base: str, token: str, after: str = "0") -> tuple[list[int], str]:
    seqs: list[int] = []
    while True:
        page = requests.get(f"{base}/changes", params={"after": after, "limit": 50},
                            headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert page.status_code == 200, page.text
        body = page.json()
        seqs += [c["seq"] for c in body["changes"]]
        after = body["next"]
        if not body["more"]:
            return seqs, after


#: what the server and a desktop must hold alike, by table: the columns compared
COMPARED: dict[Any, tuple[str, ...]] = {
    m.AccountRow: ("id", "status", "spend", "debt", "claims_total", "has_completed_order",
                   "version"),
    m.LotRow: ("id", "account_id", "points", "remaining", "credited_at", "expires_at"),
    m.LedgerEntry: ("id", "account_id", "seq", "at", "type", "points", "source_kind",
                    "source_ref"),
    m.LotAllocation: ("entry_id", "lot_id", "points"),
    m.OrderRow: ("id", "account_id", "net", "paid_at", "delivered_at", "completed_at",
                 "credited", "lot_id"),
    m.CustomerNote: ("id", "account_id", "author", "text"),
}


def _records(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.session() as s:
        for model, columns in COMPARED.items():
            cols = [getattr(model, c) for c in columns]
            out[model.__tablename__] = [tuple(r) for r in s.execute(
                select(*cols).order_by(*cols[:2]))]
        out["balances"] = [tuple(r) for r in s.execute(
            select(m.LotRow.account_id, func.sum(m.LotRow.remaining))
            .group_by(m.LotRow.account_id).order_by(m.LotRow.account_id))]
    return out


@pytest.mark.slow
def test_four_workers_on_postgresql_one_killed_lose_and_double_nothing(
        tmp_path: Path, postgres_backend: Any) -> None:
    store = postgres_backend.new_store()
    url: str = store.engine.url.render_as_string(hide_password=False)
    folder = tmp_path / "server-data"
    _add_users(folder, url)
    metrics = tmp_path / "metrics"
    port_file = tmp_path / "port"
    serve = subprocess.Popen(
        [EXE, "serve", "--db", url, "--data-dir", str(folder), "--port", "0",
         "--port-file", str(port_file), "--workers", str(WORKERS), "--graceful-timeout", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**_env(), "PROMETHEUS_MULTIPROC_DIR": str(metrics)})
    desks = [Store.open(sqlite_url(tmp_path / f"desk-{n}.sqlite")) for n in (1, 2)]
    try:
        _until(port_file.exists, 120, "serve did not announce its port")
        base = f"http://127.0.0.1:{port_file.read_text()}/v1"
        _until(lambda: len(_workers(serve.pid)) == WORKERS and _ready(base), 120,
               "the workers did not start")
        tokens = {who: _token(base, who) for who in ("shop", "anna")}
        setup = Sender(base, tokens)
        for account in ACCOUNTS:
            setup.send("shop", "/shop/events", f"register-{account}", _register(account))

        plans = [_plan(n) for n in range(CLIENTS)]
        total = sum(len(p) for p in plans)
        done = Counter[str]()
        answers: dict[str, dict[str, Any]] = {}
        lock = threading.Lock()
        stop = threading.Event()
        failures: list[BaseException] = []
        read: list[int] = []
        desk_client = ApiClient(base.removesuffix("/v1"), retries=0, sleep=lambda _s: None)
        desk_client.sign_in("anna", CLI_PASSWORD)
        live_desk = Syncer(desks[0], desk_client, base, "anna")

        def client(n: int) -> None:
            sender = Sender(base, tokens)
            try:
                for who, path, key, body in plans[n]:
                    answer = sender.send(who, path, key, body)
                    with lock:
                        answers[key] = answer
                        done["sent"] += 1
                        done["retried"] += sender.retried
                        sender.retried = 0
            except BaseException as exc:  # reported by the test below
                failures.append(exc)

        def reader() -> None:
            after = "0"
            while True:
                last_round = stop.is_set()
                try:
                    seqs, after = _read_feed(base, tokens["anna"], after)
                    read.extend(seqs)
                    live_desk.pull()
                except (requests.ConnectionError, Offline):
                    pass  # its worker was killed: the next round asks another
                if last_round:
                    return
                time.sleep(0.02)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        feed_reader = threading.Thread(target=reader)
        for thread in [*threads, feed_reader]:
            thread.start()
        _until(lambda: done["sent"] >= total // 2 or bool(failures), 120,
               "half the work was not done")
        victim = _workers(serve.pid)[0]
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=180)
        stop.set()
        feed_reader.join(timeout=120)
        assert not failures, failures
        assert done["sent"] == total
        # the supervisor put a new worker in the killed one's place
        _until(lambda: victim not in _workers(serve.pid)
               and len(_workers(serve.pid)) == WORKERS, 60, "no worker replaced the killed one")

        # every key applied exactly once: in the database ...
        keys = [key for plan in plans for _w, _p, key, _b in plan]
        with store.session() as s:
            kept = Counter(s.scalars(select(m.IdempotencyRecord.key)))
            notes = Counter(s.scalars(select(m.CustomerNote.text)))
            earned = Counter(s.scalars(select(m.LedgerEntry.source_ref).where(
                m.LedgerEntry.type == "earn")))
            orders = s.scalar(select(func.count()).select_from(m.OrderRow))
        assert all(kept[key] == 1 for key in keys) and len(kept) == len(keys) + len(ACCOUNTS)
        assert sorted(notes) == sorted(k for k in keys if k.startswith("note-"))
        assert set(notes.values()) == {1}
        order_ids = [f"O-{c}-{n}" for c in range(CLIENTS) for n in range(ORDERS)]
        assert orders == len(order_ids)
        # R8: each order delivered once earns once (a doubled delivery would earn twice)
        assert {ref: earned[ref] for ref in order_ids} == dict.fromkeys(order_ids, 1)

        # ... and over the API: each key resent gets its first answer, and writes nothing
        feed_before, cursor = _read_feed(base, tokens["anna"])
        resender = Sender(base, tokens)
        for plan in plans:
            for who, path, key, body in plan[::4]:
                assert resender.send(who, path, key, body) == answers[key], key
        assert _read_feed(base, tokens["anna"], cursor)[0] == []

        # the feed read while it was written: the whole feed, in order, nothing twice
        assert read == sorted(set(read)), "the reader saw a change twice or out of order"
        assert read == feed_before[:len(read)], "the reader skipped a change"
        assert len(read) > 0.9 * len(feed_before)

        # every desktop that syncs ends equal to the server, record by record
        late_client = ApiClient(base.removesuffix("/v1"), retries=2, sleep=lambda _s: None)
        late_client.sign_in("anna", CLI_PASSWORD)
        late_desk = Syncer(desks[1], late_client, base, "anna")
        live_desk.pull()
        late_desk.pull()
        server_records = _records(store)
        assert len(server_records["ledger_entries"]) == len(order_ids)
        for desk in desks:
            assert _records(desk) == server_records

        # the metrics of all workers in one scrape: the commands each answered, summed
        samples = scrape(base)
        applied = sum(value(samples, "xrewards_commands_total", source=source, type=kind,
                            outcome="applied", code="")
                      for source, kinds in (("shop", ("order_placed", "order_paid",
                                                      "order_delivered", "register")),
                                            ("staff", ("note_customer",)))
                      for kind in kinds)
        # a command the killed worker committed but did not answer is counted by none
        assert total + len(ACCOUNTS) - CLIENTS <= applied <= total + len(ACCOUNTS)
    finally:
        if serve.poll() is None:
            serve.send_signal(signal.SIGTERM)
        out, _ = serve.communicate(timeout=60)
        for desk in desks:
            desk.close()
        store.close()
    assert serve.returncode == 0, out
    assert "Traceback" not in out.replace("SIGKILL", ""), out


def test_workers_on_sqlite_are_refused_in_one_sentence(tmp_path: Path) -> None:
    done = subprocess.run([EXE, "serve", "--data-dir", str(tmp_path / "data"), "--port", "0",
                           "--workers", "2"], capture_output=True, text=True, timeout=120,
                          env=_env())
    one_sentence(done, exits.USAGE, "--workers 2", "SQLite", "PostgreSQL")
    assert not (tmp_path / "data").exists()  # nothing made that was not asked for
