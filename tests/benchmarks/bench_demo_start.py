"""How long `xrewards-desk serve --demo` takes until it listens: on a fresh data folder
(the demo is built, the first start) and on the folder it built (the warm start), each
as its own process; prints both and ``ratio to warm start: X.XX`` (issue 21 item 3: at
most 4). Not part of CI.

``--split`` then builds the demo twice more in this process, on fresh SQLite stores: once
plain, once with SQLAlchemy's execution events timing every statement, and prints where
the build's time goes: executing statements (SQLAlchemy's execution of a statement and
SQLite's work under it), of that the driver's own part, and the rest (the rules,
handlers, validation, the audit chain, the ORM's bookkeeping). The rest is what the
build would still take if the store cost nothing; the line ``outside the store over the
4x budget: X.XX`` compares it with four warm starts.

    .venv/bin/python tests/benchmarks/bench_demo_start.py [--runs 2] [--warm-runs 3] [--split]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from xrewards_desk.domain.calendar import BERLIN


def start(folder: Path) -> float:
    """Seconds from starting `serve --demo` on `folder` until its port file is written
    (it listens then); the server is stopped after."""
    exe = Path(sys.executable).with_name("xrewards-desk")
    port_file = folder / "port"
    port_file.unlink(missing_ok=True)
    t0 = time.perf_counter()
    server = subprocess.Popen([exe, "serve", "--demo", "--data-dir", str(folder), "--port", "0",
                               "--port-file", str(port_file)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        while not port_file.exists():
            if server.poll() is not None:
                raise RuntimeError("serve --demo stopped: "
                                   + (server.stderr.read() if server.stderr else b"").decode())
            if time.perf_counter() - t0 > 600:
                raise RuntimeError("serve --demo did not listen within 10 minutes")
            time.sleep(0.02)
        return time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=60)


def split_build(timed: bool) -> dict[str, float]:
    """Build the demo in this process on a fresh SQLite store (the server's own paths, as
    `serve --demo` does); with `timed`, every statement's execution is timed through
    SQLAlchemy's events. Seconds: the build, and with `timed` the statements' execution,
    the driver's part of it, and the number of statements."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from xrewards_desk.clock import SystemClock
    from xrewards_desk.server.demo import build_demo
    from xrewards_desk.server.service import Service
    from xrewards_desk.store.db import Store, sqlite_url

    figures = {"executing": 0.0, "driver": 0.0, "statements": 0.0}
    depth = [0]
    began = [0.0, 0.0]
    clock = time.perf_counter

    def before(*_args: object) -> None:
        depth[0] += 1
        if depth[0] == 1:
            began[0] = clock()

    def after(*_args: object) -> None:
        depth[0] -= 1
        if depth[0] == 0:
            figures["executing"] += clock() - began[0]
            figures["statements"] += 1

    def before_cursor(*_args: object) -> None:
        began[1] = clock()

    def after_cursor(*_args: object) -> None:
        figures["driver"] += clock() - began[1]

    hooks = [("before_execute", before), ("after_execute", after),
             ("before_cursor_execute", before_cursor), ("after_cursor_execute", after_cursor)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(sqlite_url(Path(tmp) / "demo.sqlite"))
        service = Service(store, SystemClock(), Path(tmp) / "data")
        today = datetime.now(BERLIN).date()
        if timed:
            for name, hook in hooks:
                event.listen(Engine, name, hook)
        try:
            t0 = clock()
            build_demo(service, today)
            figures["build"] = clock() - t0
        finally:
            if timed:
                for name, hook in hooks:
                    event.remove(Engine, name, hook)
            store.close()
    return figures


def split(warm: float) -> None:
    plain = split_build(timed=False)["build"]
    timed = split_build(timed=True)
    executing, driver, n = timed["executing"], timed["driver"], int(timed["statements"])
    outside = timed["build"] - executing
    print(f"the build in this process: {plain:.2f} s; {timed['build']:.2f} s with every "
          f"statement timed (load {load()})")
    print(f"  executing statements: {executing:.2f} s ({n:,} statements, "
          f"{1e6 * executing / max(n, 1):.0f} µs each), of which in SQLite's driver "
          f"{driver:.2f} s")
    print(f"  outside the store (rules, handlers, validation, audit chain, the ORM's "
          f"bookkeeping): {outside:.2f} s")
    budget = 4 * warm
    print(f"  4 warm starts: {budget:.2f} s")
    print(f"outside the store over the 4x budget: {outside / budget:.2f}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="first starts (fresh folders)")
    parser.add_argument("--warm-runs", type=int, default=3, help="starts on a built demo")
    parser.add_argument("--split", action="store_true",
                        help="then split the build's time in this process (two more builds)")
    args = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average "
          f"{load()}", flush=True)
    firsts, warms = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            folder = Path(tmp) / f"demo-{run}"
            firsts.append(start(folder))
            print(f"  first start: {firsts[-1]:.2f} s (load {load()})", flush=True)
        for _ in range(args.warm_runs):
            warms.append(start(Path(tmp) / "demo-0"))
            print(f"  warm start:  {warms[-1]:.2f} s (load {load()})", flush=True)
    first, warm = statistics.median(firsts), statistics.median(warms)
    print(f"first start (median of {len(firsts)}): {first:.2f} s; warm start (median of "
          f"{len(warms)}): {warm:.2f} s")
    print(f"ratio to warm start: {first / warm:.2f}")
    if args.split:
        split(warm)
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
