"""Throughput of the reference server over real HTTP: the server runs as its own process
(`xrewards-desk serve`, as in use), the client sends the shop's events one by one with
`requests`, then pulls the whole change feed. Not part of CI.

    .venv/bin/python tests/benchmarks/bench_server.py --accounts 300
    .venv/bin/python tests/benchmarks/bench_server.py --accounts 300 --db postgresql+psycopg://...

Each account: a registration, then two orders placed, paid and delivered (7 events); so
300 accounts are 2,100 events. Prints events/s, the feed's size and its pull rate.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

PASSWORD = "benchmark-password"


def start(folder: Path, db: str | None) -> tuple[subprocess.Popen[bytes], str]:
    exe = Path(sys.executable).with_name("xrewards-desk")
    env = {**os.environ, "XREWARDS_PASSWORD": PASSWORD}
    common = ["--data-dir", str(folder)] + (["--db", db] if db else [])
    for name, role in (("shop", "service"), ("anna", "agent")):
        subprocess.run([exe, "users", "add", name, "--role", role, *common], env=env,
                       check=True, capture_output=True)
    port_file = folder / "port"
    server = subprocess.Popen([exe, "serve", "--port", "0", "--port-file", str(port_file),
                               *common], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not port_file.exists():
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port_file.read_text()}/v1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--db", help="an SQLAlchemy URL (default: SQLite in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server, base = start(Path(tmp), args.db)
        try:
            http = requests.Session()

            def token(name: str) -> str:
                answer = http.post(f"{base}/sign-in", json={"user": name, "password": PASSWORD},
                                   timeout=30)
                answer.raise_for_status()
                return str(answer.json()["token"])

            shop = {"Authorization": f"Bearer {token('shop')}"}
            events = 0
            t0 = time.perf_counter()
            for i in range(args.accounts):
                account = f"XR-{i:07d}"
                bodies = [{"type": "register", "account": account,
                           "organisation": f"ORG-{i // 5}",
                           "organisation_name": f"Firma {i // 5} GmbH",
                           "billing_account": f"BA-{i // 5}",
                           "billing_account_name": f"Einkauf {i // 5}",
                           "name": f"Kunde {i}", "email": f"kunde{i}@firma.example"}]
                for n in (1, 2):
                    order = f"O-{i}-{n}"
                    bodies += [{"type": "order_placed", "order": order, "account": account,
                                "placed_at": datetime.now(UTC).isoformat(),
                                "net": f"{100 + i % 900}.{n}0"},
                               {"type": "order_paid", "order": order},
                               {"type": "order_delivered", "order": order}]
                for body in bodies:
                    answer = http.post(f"{base}/shop/events", json=body, timeout=30,
                                       headers={**shop, "Idempotency-Key": str(uuid.uuid4())})
                    if answer.status_code != 200:
                        raise RuntimeError(f"{body['type']}: {answer.status_code} {answer.text}")
                    events += 1
            seconds = time.perf_counter() - t0
            print(f"store: {args.db or 'SQLite'}")
            print(f"shop events: {events:,} in {seconds:.1f} s = {events / seconds:,.0f}/s "
                  f"({1000 * seconds / events:.1f} ms each, one at a time)")

            anna = {"Authorization": f"Bearer {token('anna')}"}
            after, changes = "0", 0
            t0 = time.perf_counter()
            while True:
                page = http.get(f"{base}/changes", params={"after": after, "limit": 1000},
                                headers=anna, timeout=60).json()
                changes += len(page["changes"])
                after = page["next"]
                if not page["more"]:
                    break
            seconds = time.perf_counter() - t0
            print(f"change feed: {changes:,} changes pulled in {seconds:.2f} s = "
                  f"{changes / seconds:,.0f}/s (pages of 1,000)")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
