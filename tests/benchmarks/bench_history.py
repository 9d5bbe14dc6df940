"""The ledger history of one account with 100,000 entries, in a temporary SQLite store.

Builds the store with bulk inserts (no engine: the rows are made directly, consistent
with each other: lots drawn first-in first-out, balances that add up, a notice with its
lot figures for every movement but a redemption), with as many entries again of 1,000
other accounts interleaved, so the big account's rows are spread over the table as in a
real store. Then times the read side (xrewards_desk.store.read: customers, history,
statement) as the desktop calls it, median of several runs after a warm-up, and prints
SQLite's query plans.

    .venv/bin/python tests/benchmarks/bench_history.py [--entries 100000] [--runs 15]
        [--without-index] [--db PATH] [--plans]

``--without-index`` drops the indexes migration 0005 added, to show what they are for.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from xrewards_desk.domain.calendar import lot_expiry, usable_until
from xrewards_desk.domain.model import EntryType, NoticeKind, SourceKind, Status
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.store.read import customers, explanation, history, statement
from xrewards_desk.store.read.history import HistoryFilter

BIG = "XR-0000001"
OTHERS = 1000
START = datetime(2021, 1, 4, 8, 0, tzinfo=UTC)
#: what migration 0005 adds
NEW_INDEXES = ("ix_ledger_entries_history", "ix_notices_entry_id", "ix_lots_account_expiry")


class Builder:
    """Rows of the ledger tables for several accounts, kept consistent per account."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.allocations: list[dict[str, Any]] = []
        self.lots: dict[str, dict[str, Any]] = {}
        self.notices: list[dict[str, Any]] = []
        self.figures: list[dict[str, Any]] = []
        self.next: dict[str, list[int]] = {}  # account -> [entry, lot, notice]
        self.held: dict[str, list[str]] = {}  # account -> lot ids with points left, FIFO
        self.balance: dict[str, int] = {}

    def _entry(self, account: str, at: datetime, kind: EntryType, points: int,
               source: tuple[SourceKind, str], allocations: list[tuple[str, int]]) -> None:
        counters = self.next.setdefault(account, [1, 1, 1])
        entry_id = f"{account}/E{counters[0]}"
        self.entries.append({"id": entry_id, "account_id": account, "seq": counters[0],
                             "at": at, "type": kind, "points": points,
                             "source_kind": source[0], "source_ref": source[1], "note": ""})
        counters[0] += 1
        self.balance[account] = self.balance.get(account, 0) + points
        for i, (lot, p) in enumerate(allocations):
            self.allocations.append({"entry_id": entry_id, "seq": i, "lot_id": lot,
                                     "points": p})
        if kind is not EntryType.REDEMPTION:
            held = self.held.get(account, [])
            balance = self.balance[account]
            notice_id = f"{account}/N{counters[2]}"
            self.notices.append({"id": notice_id, "account_id": account, "seq": counters[2],
                                 "kind": _NOTICE[kind], "sent_at": at, "entry_id": entry_id,
                                 "points": points, "balance": balance})
            counters[2] += 1
            for i, lot in enumerate(held[:3]):
                self.figures.append({"notice_id": notice_id, "seq": i, "lot_id": lot,
                                     "remaining": self.lots[lot]["remaining"],
                                     "usable_until": self.lots[lot]["usable_until"]})

    def earn(self, account: str, at: datetime, points: int, order: str) -> None:
        counters = self.next.setdefault(account, [1, 1, 1])
        lot_id = f"{account}/L{counters[1]}"
        self.lots[lot_id] = {
            "id": lot_id, "account_id": account, "seq": counters[1], "credited_at": at,
            "usable_until": usable_until(at), "expires_at": lot_expiry(at), "points": points,
            "remaining": points, "source_kind": SourceKind.ORDER, "source_ref": order,
            "root": lot_id, "parent": None, "redeemed": 0, "transferred": [],
            "void_claimant": None}
        counters[1] += 1
        self.held.setdefault(account, []).append(lot_id)
        self._entry(account, at, EntryType.EARN, points, (SourceKind.ORDER, order),
                    [(lot_id, points)])

    def take(self, account: str, at: datetime, points: int, kind: EntryType,
             source: tuple[SourceKind, str]) -> None:
        held = self.held.get(account, [])
        taken: list[tuple[str, int]] = []
        need = points
        while need and held:
            lot = self.lots[held[0]]
            k = min(need, lot["remaining"])
            lot["remaining"] -= k
            if kind is EntryType.REDEMPTION:
                lot["redeemed"] += k
            taken.append((lot["id"], k))
            need -= k
            if lot["remaining"] == 0:
                held.pop(0)
        if taken:
            self._entry(account, at, kind, -sum(p for _, p in taken), source, taken)

    def expire(self, account: str, at: datetime) -> None:
        """Every lot of the account that expired by `at`, at its own instant (R10)."""
        held = self.held.get(account, [])
        while held and self.lots[held[0]]["expires_at"] <= at:
            lot = self.lots[held.pop(0)]
            left = lot["remaining"]
            lot["remaining"] = 0
            self._entry(account, lot["expires_at"], EntryType.EXPIRY, -left,
                        (SourceKind.EXPIRY, lot["id"]), [(lot["id"], left)])


_NOTICE = {EntryType.EARN: NoticeKind.CREDIT, EntryType.EXPIRY: NoticeKind.EXPIRY}


def build(store: Store, entries: int, seed: int = 20250301) -> datetime:
    """The big account with `entries` entries (or one or two more: an action may write
    expiries before its own entry) and OTHERS accounts with as many between them;
    returns the instant of the last entry."""
    rng = random.Random(seed)
    b = Builder()
    accounts = [BIG] + [f"XR-{i:07d}" for i in range(2, OTHERS + 2)]
    step = timedelta(minutes=2 * 5 * 365 * 24 * 60 // max(1, 2 * entries))
    at = START
    order = 0
    counts = {a: 0 for a in accounts}

    def act(account: str) -> None:
        nonlocal order
        b.expire(account, at)
        r = rng.random()
        held = b.balance.get(account, 0)
        if r < 0.55 or held == 0:
            order += 1
            b.earn(account, at, rng.randint(20, 2000), f"O-{order:08d}")
        else:
            order += 1
            b.take(account, at, rng.randint(1, min(held, 1500)), EntryType.REDEMPTION,
                   (SourceKind.ORDER, f"O-{order:08d}"))

    while counts[BIG] < entries:
        at += step
        n = len(b.entries)
        act(BIG)
        counts[BIG] += len(b.entries) - n
        act(rng.choice(accounts[1:]))
    with store.engine.begin() as conn:
        from xrewards_desk.store import models as m

        conn.execute(insert(m.Organisation.__table__),
                     [{"id": f"ORG-{i}", "name": f"Firma {i} GmbH"} for i in range(100)])
        conn.execute(insert(m.BillingAccount.__table__),
                     [{"id": f"BA-{i}", "organisation_id": f"ORG-{i}", "name": f"Einkauf {i}"}
                      for i in range(100)])
        conn.execute(insert(m.AccountRow.__table__), [
            {"id": a, "organisation_id": f"ORG-{i % 100}", "billing_account_id": f"BA-{i % 100}",
             "name": f"Kunde {i}", "email": f"k{i}@example.com", "email_key": f"k{i}@example.com",
             "language": "de", "registered_at": START - timedelta(days=30),
             "status": Status.ACTIVE, "spend": Decimal("1000.00"), "debt": 0,
             "claims_total": Decimal("0.00"), "has_completed_order": True,
             "first_order_candidates": [], "version": 1} for i, a in enumerate(accounts)])
        for table, rows in ((m.LotRow, list(b.lots.values())), (m.LedgerEntry, b.entries),
                            (m.LotAllocation, b.allocations), (m.NoticeRow, b.notices),
                            (m.NoticeLot, b.figures)):
            for i in range(0, len(rows), 20000):
                conn.execute(insert(table.__table__), rows[i:i + 20000])
        conn.exec_driver_sql("ANALYZE")
    return at


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    fn()  # warm-up
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--without-index", action="store_true")
    parser.add_argument("--db", type=Path, help="keep the store here (built if missing)")
    parser.add_argument("--plans", action="store_true", help="print SQLite's query plans")
    args = parser.parse_args(argv)

    path = args.db or Path(tempfile.mkdtemp(prefix="bench-history-")) / "history.sqlite"
    fresh = not path.exists()
    store = Store.open(sqlite_url(path))
    if fresh:
        t0 = time.perf_counter()
        last = build(store, args.entries)
        print(f"built {path} in {time.perf_counter() - t0:.1f} s")
    else:
        with store.engine.connect() as conn:
            last = conn.execute(text("SELECT max(at) FROM ledger_entries")).scalar_one()
            last = datetime.fromisoformat(str(last)).replace(tzinfo=UTC)
    if args.without_index:
        with store.engine.begin() as conn:
            for name in NEW_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        print("without the indexes of migration 0005:", ", ".join(NEW_INDEXES))
    now = last + timedelta(hours=1)
    with store.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM ledger_entries WHERE account_id = :a"),
                             {"a": BIG}).scalar_one()
        print(f"{BIG}: {total:,} entries; "
              f"{conn.execute(text('SELECT count(*) FROM ledger_entries')).scalar_one():,} in "
              f"the store; SQLite {conn.exec_driver_sql('select sqlite_version()').scalar()}")
        last_day = last.date()
        month = HistoryFilter(None, last_day - timedelta(days=30), last_day)
        redemptions = HistoryFilter(frozenset({EntryType.REDEMPTION}))
        rare = HistoryFilter(frozenset({EntryType.EXPIRY}), date(2023, 1, 1), date(2023, 6, 30))
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("history_count, no filter", lambda: history.history_count(conn, BIG)),
            ("history_page first 200, newest first",
             lambda: history.history_page(conn, BIG, history.ALL, 0, 200)),
            ("history_page first 50, newest first",
             lambda: history.history_page(conn, BIG, history.ALL, 0, 50)),
            ("history_page first 200, oldest first",
             lambda: history.history_page(conn, BIG, history.ALL, 0, 200, newest_first=False)),
            ("history_page at offset 50,000",
             lambda: history.history_page(conn, BIG, history.ALL, 50_000, 200)),
            ("history_count, redemptions", lambda: history.history_count(conn, BIG, redemptions)),
            ("history_page first 200, redemptions",
             lambda: history.history_page(conn, BIG, redemptions, 0, 200)),
            ("history_count, last 30 days", lambda: history.history_count(conn, BIG, month)),
            ("history_page first 200, last 30 days",
             lambda: history.history_page(conn, BIG, month, 0, 200)),
            ("history_page first 200, expiries in H1 2023",
             lambda: history.history_page(conn, BIG, rare, 0, 200)),
            ("balance_as_of a year ago",
             lambda: statement.balance_as_of(conn, BIG, now - timedelta(days=365))),
            ("customer_page", lambda: customers.customer_page(conn, BIG, now)),
            ("customer_rows of 50 accounts", lambda: customers.customer_rows(
                conn, [_hit(f"XR-{i:07d}") for i in range(1, 51)], now)),
            ("statement of the last month", lambda: statement.statement(
                conn, BIG, last_day - timedelta(days=30), last_day, now, "de")),
            ("balance_series (~1,000 points)", lambda: statement.balance_series(conn, BIG)),
        ]
        print(f"{'ms (median of ' + str(args.runs) + ')':<48}{'':>10}")
        for label, fn in cases:
            ms, result = timed(fn, args.runs)
            shown = len(result) if isinstance(result, list) else (
                result if isinstance(result, int) else "")
            print(f"{label:<48}{ms:>10.2f}   {shown}")
        for label, fn in [
                ("write_csv, all entries", lambda: history.write_csv(conn, BIG, history.ALL,
                                                                   _Null(), "de")),
                ("explanation (whole ledger)",
                 lambda: explanation.explanation(conn, BIG, now, "de"))]:
            ms, _ = timed(fn, 3)
            print(f"{label:<48}{ms:>10.2f}")
        if args.plans:
            _plans(conn)
    store.close()
    if args.db is None:
        shutil.rmtree(path.parent)  # the temporary store (about 300 MB)
    return 0


def _hit(account: str) -> Any:
    from xrewards_desk.store.search import Hit

    return Hit(account, "", "", "", "customer_number", "exact", account, 1)


class _Null:
    def write(self, s: str) -> int:
        return len(s)


def _plans(conn: Any) -> None:
    """SQLite's plans of the statements a page runs (as store/read/history.py builds
    them)."""
    keys = "SELECT seq FROM ledger_entries WHERE account_id = :a {} ORDER BY seq DESC LIMIT 200"
    statements = [
        ("a page's keys", keys.format("")),
        ("a page's keys, by type", keys.format("AND type IN ('redemption')")),
        ("a page's keys, by period",
         keys.format("AND at >= '2023-01-01' AND at < '2023-02-01'")),
        ("a page's rows", "SELECT id, seq, at, type, points, source_kind, source_ref, note "
         "FROM ledger_entries WHERE account_id = :a AND seq IN (5, 6, 7)"),
        ("running sum before a page",
         "SELECT coalesce(sum(points), 0) FROM ledger_entries "
         "WHERE account_id = :a AND seq < 99000"),
        ("count, by period", "SELECT count(*) FROM ledger_entries WHERE account_id = :a "
         "AND at >= '2023-01-01' AND at < '2023-02-01'"),
        ("balance as of", "SELECT coalesce(sum(points), 0) FROM ledger_entries "
         "WHERE account_id = :a AND at <= '2023-01-01'"),
        ("notices of a page", "SELECT * FROM notices WHERE entry_id IN ('a', 'b')"),
        ("allocations of a page", "SELECT l.entry_id, l.lot_id, l.points, lots.usable_until "
         "FROM lot_allocations AS l LEFT JOIN lots ON lots.id = l.lot_id "
         "WHERE l.entry_id IN ('a', 'b') ORDER BY l.entry_id, l.seq"),
        ("balance and expiring soon (lots)",
         "SELECT account_id, sum(CASE WHEN expires_at > '2025-06-01' THEN remaining ELSE 0 "
         "END) FROM lots WHERE account_id IN (:a) AND remaining > 0 GROUP BY account_id"),
        ("lots due by an instant", "SELECT id FROM lots WHERE account_id = :a "
         "AND remaining > 0 AND expires_at <= '2024-06-01'"),
    ]
    for label, sql in statements:
        print(f"\n{label}:")
        for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), {"a": BIG}):
            print("   ", row[-1])


if __name__ == "__main__":
    raise SystemExit(main())
