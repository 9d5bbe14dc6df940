"""Sync benchmark against the demo program: the server as its own process
(`xrewards-desk serve --demo`), a desktop's initial sync into an empty local store, then
an incremental sync of the last 10,000 changes. Not part of CI.

    .venv/bin/python tests/benchmarks/bench_sync.py [--data-dir DIR]   # DIR keeps the demo

Prints records per second (the bare pipeline floor in ARCHITECTURE.md is about 29,000/s
on this kind of machine), the incremental time, and the local store's size per 100,000
ledger entries.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import Syncer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="the server's folder (kept, reused)")
    parser.add_argument("--incremental", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server_dir = args.data_dir or Path(tmp) / "server"
        port_file = Path(tmp) / "port"
        exe = Path(sys.executable).with_name("xrewards-desk")
        server = subprocess.Popen([exe, "serve", "--demo", "--port", "0", "--port-file",
                                   str(port_file), "--data-dir", str(server_dir)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            while not port_file.exists():
                if server.poll() is not None:
                    raise RuntimeError("the server stopped")
                time.sleep(0.1)
            assert server.stdout is not None
            banner = ""
            while "Sign in with:" not in banner or "anna" not in banner:
                banner += server.stdout.readline()
            password = re.search(r"anna\s+/\s+(\S+)", banner)
            assert password is not None
            client = ApiClient(f"http://127.0.0.1:{port_file.read_text()}")
            client.sign_in("anna", password.group(1))

            local_path = Path(tmp) / "desk.sqlite"
            local = Store.open(sqlite_url(local_path))
            sync = Syncer(local, client, client.base, "anna")
            t0 = time.perf_counter()
            n = sync.pull()
            seconds = time.perf_counter() - t0
            print(f"initial sync: {n:,} changes in {seconds:.2f} s = {n / seconds:,.0f}/s "
                  f"(bare pipeline floor: about 29,000/s)")

            cursor = int(sync.cursor())
            with local.session() as s:
                s.get(m.SyncState, sync.api).cursor = str(max(0, cursor - args.incremental))  # type: ignore[union-attr]
            t0 = time.perf_counter()
            again = sync.pull()
            seconds = time.perf_counter() - t0
            print(f"incremental sync: {again:,} changes in {seconds:.2f} s "
                  f"(target: 10,000 in under 3 s)")

            with local.session() as s:
                entries = s.scalar(select(func.count()).select_from(m.LedgerEntry)) or 0
            local.close()
            size = sum(p.stat().st_size for p in Path(tmp).glob("desk.sqlite*"))
            print(f"local store: {size / 2**20:.1f} MiB for {entries:,} ledger entries = "
                  f"{size / 2**20 / entries * 100_000:.0f} MiB per 100,000 entries "
                  "(everything else included)")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
