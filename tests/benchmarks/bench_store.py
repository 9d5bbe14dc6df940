"""Replay benchmark of the engine through the real store: the history bench_replay.py
generates, every action in a transaction of its own (load what it touches, apply, save),
on a SQLite file and optionally on PostgreSQL. Not part of CI.

    .venv/bin/python tests/benchmarks/bench_store.py --accounts 2000
    .venv/bin/python tests/benchmarks/bench_store.py --accounts 2000 \\
        --postgres postgresql+psycopg://xrewards_test:xrewards_test@127.0.0.1:5432/xrewards_test

At the end it checks the store against an in-memory replay of the same history: every
account's balance, lots and ledger must be equal, or the figures mean nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_replay import generate, machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from xrewards_desk.domain import Refusal
from xrewards_desk.domain.memory import MemoryStore
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.store.ledger import Ledger


def replay(ledger: Ledger | MemoryStore, actions: Sequence[object]) -> tuple[float, int]:
    refused = 0
    t0 = time.perf_counter()
    for action in actions:
        try:
            ledger.run(action)  # type: ignore[arg-type]
        except Refusal:
            refused += 1
    return time.perf_counter() - t0, refused


def check(ledger: Ledger, memory: MemoryStore, sample: int) -> None:
    ids = sorted(memory.accounts)[:sample]
    for account_id in ids:
        assert ledger.account(account_id) == memory.accounts[account_id], account_id
        assert ledger.entries_of(account_id) == memory.entries_of(account_id), account_id
    print(f"  checked: {len(ids)} accounts equal to the in-memory replay (state and ledger)")


def run(name: str, url: str, actions: Sequence[object], memory: MemoryStore,
        sample: int) -> None:
    store = Store.open(url)
    try:
        seconds, refused = replay(Ledger(store), actions)
        print(f"{name}: {len(actions):,} actions in {seconds:.1f} s = "
              f"{len(actions) / seconds:,.0f} actions/s ({refused:,} refused)")
        check(Ledger(store), memory, sample)
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20240901)
    parser.add_argument("--postgres", metavar="URL",
                        help="also replay on PostgreSQL, in a new database on this server")
    parser.add_argument("--check", type=int, default=500,
                        help="accounts compared with the in-memory replay")
    args = parser.parse_args(argv)

    print(machine())
    history = generate(args.accounts, args.seed)
    actions = history.actions
    print(f"history: {args.accounts:,} accounts, {len(actions):,} actions")
    memory = MemoryStore()
    seconds, _ = replay(memory, actions)
    print(f"memory: {len(actions) / seconds:,.0f} actions/s (for comparison)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        run("sqlite (WAL, synchronous=NORMAL)", sqlite_url(path), actions, memory, args.check)
        print(f"  file: {path.stat().st_size / 2**20:,.1f} MiB")
    if args.postgres:
        base = make_url(args.postgres)
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        database = "xr_bench_store"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {database}"))
        try:
            run("postgresql", base.set(database=database).render_as_string(False), actions,
                memory, args.check)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
