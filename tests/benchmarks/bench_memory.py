"""Memory at a million (issue 23 item 4): the desktop's main window on a local store of
1,000,000 accounts, searched, its results scrolled, and the customer page of an account
with 100,000 ledger entries opened with its chart, its ledger history scrolled. Prints the
resident memory after each step and the peak (target: under 300 MB). Not part of CI.

    .venv/bin/python tests/benchmarks/bench_memory.py [--db PATH] [--accounts N]
    .venv/bin/python tests/benchmarks/bench_memory.py --encrypted   # plain, then SQLCipher

``--encrypted`` measures the same steps twice, each in a process of its own: on the plain
store, then on an encrypted copy of it opened with a ``DeskKey`` as the desktop opens its
store (store/local.py ``open_local``: ``Store.open(url, key=...)``, so with the encrypted
connections' page cache, ``CIPHER_CACHE_KIB``), and prints the two side by side. The copy
is ``bench_search.py``'s (``<store>-encrypted.sqlite`` beside the store, made by
``encrypt_plain`` as a plain store is moved over at the first start, with the same fixed
key), so either benchmark reuses the one the other made. ``--encrypted-only`` skips the
plain run; ``--cipher-cache-mib N`` measures with another page cache than the store's.

The store is made once and kept (default ``/work/bench-cache/memory-N.sqlite``; reused
whenever present, since making the million takes minutes on two cores): the accounts,
organisations, billing accounts, orders and search index of ``bench_search.py``'s
generator (the same seed), then the ledger of ``bench_history.py``'s builder given to
existing accounts: XR-0000001 with 100,000 entries (and their lots, allocations, notices
and lot figures) and as many again spread over the next 1,000 accounts, every lot that
expired by now expired (as the server writes them: a synced store has nothing due).

The measurement runs in a process of its own (the store's making leaves its memory
behind): the real ``MainWindow`` of 1280×800, offscreen, on a ``Desk`` with the store (no
server: nothing is synced), made ready as the app makes it; then 24 searches typed into
its search field (names, organisations, e-mail fragments, customer numbers, prefixes, a
typo), the result list scrolled to its end after each; then the big account's page (its
overview with the balance chart, then the ledger history, scrolled to the end 50 times:
its model fetches 200 rows a time, so 10,000 rows are loaded), its orders and timeline.
Each step waits until the store's worker has answered. The resident memory is read from
/proc (VmRSS now, VmHWM the peak so far), with the connections the store's engine holds and
the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

if TYPE_CHECKING:
    from xrewards_desk.store.keys import DeskKey

#: the peak resident memory the issue allows (MB)
TARGET = 300
#: the account given 100,000 entries, and how many others share as many
BIG = "XR-0000001"
OTHERS = 1000
SEED = 20250301
#: no step takes longer than this (s)
LIMIT = 300

QUERIES = ("müller", "schmidt", "mueller", "bäckerei", "gmbh", "XR-0000001", "XR-0500000",
           "XR-0999999", "anna", "lukas", "@gmail", "example", "mu", "sc", "k", "schmdit",
           "wagner", "hoffmann", "berlin", "einkauf", "weber", "schäfer", "koch", "XP-")


def build(path: Path, accounts: int) -> None:
    """The store at `path`: bench_search's accounts, then bench_history's ledger."""
    from bench_history import START, Builder
    from bench_search import generate
    from sqlalchemy import insert

    from xrewards_desk.domain.model import EntryType, SourceKind
    from xrewards_desk.store import models as m
    from xrewards_desk.store.db import Store, sqlite_url

    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    generate(path, accounts, SEED)
    print(f"made {accounts:,} accounts in {time.perf_counter() - started:.0f} s", flush=True)
    rng = random.Random(SEED)
    b = Builder()
    others = [f"XR-{i:07d}" for i in range(2, min(accounts, OTHERS + 1) + 1)]
    entries = min(100_000, accounts)
    step = (5 * 365 * 24 * 60) // max(1, 2 * entries)
    at = START
    order = 0

    def act(account: str) -> None:
        nonlocal order
        b.expire(account, at)
        held = b.balance.get(account, 0)
        order += 1
        if rng.random() < 0.55 or held == 0:
            b.earn(account, at, rng.randint(20, 2000), f"L-{order:08d}")
        else:
            b.take(account, at, rng.randint(1, min(held, 1500)), EntryType.REDEMPTION,
                   (SourceKind.ORDER, f"L-{order:08d}"))

    while b.next.get(BIG, [1])[0] - 1 < entries:
        at += timedelta(minutes=step)
        act(BIG)
        act(rng.choice(others))
    now = datetime.now(UTC)
    for account in (BIG, *others):  # current, as a synced store is: nothing left due
        b.expire(account, now)
    store = Store.open(sqlite_url(path))
    try:
        with store.engine.begin() as conn:
            for table, rows in ((m.LotRow, list(b.lots.values())), (m.LedgerEntry, b.entries),
                                (m.LotAllocation, b.allocations), (m.NoticeRow, b.notices),
                                (m.NoticeLot, b.figures)):
                for i in range(0, len(rows), 20000):
                    conn.execute(insert(table.__table__), rows[i:i + 20000])  # type: ignore[attr-defined]
            conn.exec_driver_sql("ANALYZE")
    finally:
        store.close()
    print(f"gave {BIG} {b.next[BIG][0] - 1:,} entries ({len(b.entries):,} in all) in "
          f"{time.perf_counter() - started:.0f} s in all", flush=True)


def rss() -> tuple[float, float]:
    """This process's resident memory now and its peak so far (MB)."""
    now = peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def encrypted_copy(path: Path) -> tuple[Path, DeskKey]:
    """bench_search's encrypted copy of the store at `path` (made there once, or again when
    the store is newer than it) and its key."""
    from bench_search import encrypted_copy as copy

    target = path.with_name(f"{path.stem}-encrypted{path.suffix}")
    fresh = target.exists() and target.stat().st_mtime >= path.stat().st_mtime
    made: tuple[Path, DeskKey] = copy(path, reuse=fresh)
    return made


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(path: Path, encrypted: bool, cache_mib: int | None, out: Path | None) -> int:
    """The window on the store at `path` (`encrypted`: bench_search's encrypted copy, opened
    with its key), driven step by step; prints each step's memory (and writes it to `out`)."""
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"{'started':<44} rss {rss()[0]:6.0f} MB, peak {rss()[1]:6.0f} MB", flush=True)
    from xrewards_desk.store import db
    from xrewards_desk.store.db import Store, sqlite_url
    from xrewards_desk.ui.qt import QApplication, QModelIndex
    from xrewards_desk.ui.shell import settings as st
    from xrewards_desk.ui.shell.collect import GuiThreadCollector
    from xrewards_desk.ui.shell.main import settle_heap
    from xrewards_desk.ui.shell.main_window import Desk, MainWindow, import_views
    from xrewards_desk.ui.shell.paths import Paths
    from xrewards_desk.ui.shell.tasks import Tasks
    from xrewards_desk.ui.widgets.i18n import Language

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    collector = GuiThreadCollector(app)

    def until(done: Callable[[], bool], what: str) -> None:
        started = time.perf_counter()
        while not done():
            app.processEvents()
            time.sleep(0.002)
            if time.perf_counter() - started > LIMIT:
                raise RuntimeError(f"{what} took more than {LIMIT} s")
        app.processEvents()

    key: DeskKey | None = None
    if encrypted:
        path, key = encrypted_copy(path)
        if cache_mib is not None:
            db.CIPHER_CACHE_KIB = cache_mib * 1024
        print(f"encrypted: {path}, page cache {db.CIPHER_CACHE_KIB // 1024} MiB a connection",
              flush=True)
    steps: list[dict[str, object]] = []

    def report(step: str) -> None:
        now, peak = rss()
        pool = store.engine.pool
        connections = pool.checkedin() + pool.checkedout()  # type: ignore[attr-defined]
        print(f"{step:<44} rss {now:6.0f} MB, peak {peak:6.0f} MB, {connections} "
              f"connection(s), {load()}", flush=True)
        steps.append({"step": step, "rss": now, "peak": peak, "connections": connections})

    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.default(Path(folder)).made()
        language = Language(app)
        language.switch("en")
        tasks = Tasks()
        desk = Desk(tasks=tasks, paths=paths, settings=st.Settings(paths.settings_file),
                    language=language)
        window = MainWindow(desk)
        window.resize(1280, 800)
        window.show()
        until(window.isVisible, "showing the window")
        store = desk.store = Store.open(sqlite_url(path), key=key)
        try:
            import_views()
            window.ready()
            settle_heap()
            until(lambda: not tasks.busy, "the window's first reads")
            report("window ready on the store")
            search = window.search
            assert search is not None
            for query in QUERIES:
                search.field.setText(query)
                until(lambda: not search.timer.isActive() and not search.pending
                      and not tasks.busy, f"searching {query!r}")
                search.table.scrollToBottom()
                app.processEvents()
            report(f"{len(QUERIES)} searches, results scrolled")
            window.open_customer(BIG)
            page = window.customers[BIG]
            until(lambda: not tasks.busy, "the customer page")
            report(f"customer page of {BIG} (overview, chart)")
            tabs = page.tabs  # type: ignore[attr-defined]
            ledger = page.ledger  # type: ignore[attr-defined]
            tabs.setCurrentWidget(ledger)
            table, rows = ledger.table, ledger.model
            until(lambda: not tasks.busy and rows.loaded, "the ledger history")
            for _ in range(50):  # at the end the view asks for the next page, as here
                table.scrollToBottom()
                app.processEvents()
                if rows.canFetchMore(QModelIndex()):
                    rows.fetchMore(QModelIndex())
                # the lane is idle a moment before the page it read is handed over
                until(lambda: not tasks.busy and not rows.loading, "scrolling the ledger")
            report(f"ledger scrolled ({rows.rowCount():,} rows loaded)")
            for name in ("orders", "timeline"):
                tabs.setCurrentWidget(getattr(page, name))
                until(lambda: not tasks.busy, f"the {name} tab")
                report(f"its {name} tab")
        finally:
            window.close()
            tasks.shutdown()
            store.close()
            collector.stop()
    _now, peak = rss()
    print(f"peak RSS: {peak:.0f} MB (target {TARGET})"
          + (" ABOVE TARGET" if peak > TARGET else ""), flush=True)
    if out is not None:
        out.write_text(json.dumps(steps))
    return 0


def side_by_side(runs: dict[str, list[dict[str, object]]]) -> None:
    """Each step's resident memory and peak so far in each run, one line a step."""
    names = list(runs)
    print("\n" + f"{'MB':<44}" + "".join(f"{n + ' rss':>16}{n + ' peak':>16}" for n in names))
    for i, first in enumerate(runs[names[0]]):
        cells = "".join(f"{r[i]['rss']:>16.0f}{r[i]['peak']:>16.0f}" for r in runs.values()
                        if i < len(r))
        print(f"{first['step']!s:<44}{cells}")
    for name, steps in runs.items():
        peak = float(str(steps[-1]["peak"])) if steps else 0.0
        print(f"peak RSS {name}: {peak:.0f} MB (target {TARGET})"
              + (" ABOVE TARGET" if peak > TARGET else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="the store (made there if absent)")
    parser.add_argument("--encrypted", action="store_true",
                        help="measure on the plain store, then on an encrypted copy of it "
                             "(SQLCipher, as the desktop keeps it)")
    parser.add_argument("--encrypted-only", action="store_true",
                        help="measure on the encrypted copy only")
    parser.add_argument("--cipher-cache-mib", type=int,
                        help="the encrypted connections' page cache (MiB) instead of the "
                             "store's CIPHER_CACHE_KIB")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.db or Path(f"/work/bench-cache/memory-{args.accounts}.sqlite")
    if args.measure:
        return measure(path, args.encrypted_only, args.cipher_cache_mib, args.out)
    if path.exists():
        count = sqlite3.connect(path).execute("SELECT count(*) FROM accounts").fetchone()[0]
        print(f"reusing {path}: {count:,} accounts", flush=True)
    else:
        build(path, args.accounts)
    print(f"store: {sum(p.stat().st_size for p in path.parent.glob(path.name + '*')) / 2**20:,.0f} "
          f"MiB", flush=True)
    if not (args.encrypted or args.encrypted_only):
        return subprocess.run([sys.executable, __file__, "--db", str(path), "--measure"],
                              check=False).returncode
    encrypted_copy(path)  # made here, once, not inside a measured process
    import tempfile

    runs: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in ("plain", "encrypted"):
            if name == "plain" and args.encrypted_only:
                continue
            out = Path(folder) / f"{name}.json"
            command = [sys.executable, __file__, "--db", str(path), "--measure",
                       "--out", str(out)]
            if name == "encrypted":
                command.append("--encrypted-only")
                if args.cipher_cache_mib is not None:
                    command += ["--cipher-cache-mib", str(args.cipher_cache_mib)]
            print(f"\n== {name} ({load()}) ==", flush=True)
            if subprocess.run(command, check=False).returncode != 0:
                return 1
            runs[name] = json.loads(out.read_text())
    side_by_side(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
