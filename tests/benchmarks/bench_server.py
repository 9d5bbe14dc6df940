"""Throughput of the reference server over real HTTP beside the floor, measured in the same
run. Not part of CI.

The project: `xrewards-desk serve` as its own process (as in use); the client sends the
shop's events one by one with `requests`, then pulls the whole change feed.
The floor: a bare FastAPI endpoint, also its own uvicorn process, that inserts and
commits one row per POST into the same kind of database (SQLite in WAL mode with
synchronous=NORMAL, as the store sets it; PostgreSQL through psycopg), sent the same
bodies with the same headers, the same number of times, by the same client.

    .venv/bin/python tests/benchmarks/bench_server.py --accounts 300
    XREWARDS_TEST_PG_URL=postgresql+psycopg://... .venv/bin/python tests/benchmarks/bench_server.py

SQLite always; PostgreSQL too where XREWARDS_TEST_PG_URL (or --pg URL) names a server
whose user may create databases (two fresh ones are made for the run and dropped after).
Each account: a registration, then two orders placed, paid and delivered (7 events); so
300 accounts are 2,100 events. Then the same number of other accounts' events again in
batches (``--batch``, 100 a POST, ``POST /v1/shop/events/batch``: one transaction each;
the floor inserts a batch's rows by executemany in one transaction). Prints, per
database and way, events/s for the project and the floor, and ``ratio to floor: X.XX``:
the project's time over the floor's for the same number of events (1.00 is the floor).
The sequential events are then sent again with the same keys: the server answers each
from its Idempotency-Key, which measures the project's fixed path (sign-in, validation,
the key's lookup) apart from the rules and the writes.
``--workers N`` runs the server as N processes on PostgreSQL (the client stays one).
For the batches it also prints the whole machine's CPU per event (every process, from
/proc/stat) and the events/s that the machine's cores could give at that cost.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

PASSWORD = "benchmark-password"
WARM_UP = 20


def _wait_port(process: subprocess.Popen[bytes], port_file: Path, what: str) -> str:
    deadline = time.monotonic() + 120
    while not port_file.exists():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"the {what} did not start")
        time.sleep(0.05)
    return port_file.read_text()


@contextmanager
def project(folder: Path, db: str | None, workers: int = 1) -> Iterator[str]:
    """`xrewards-desk serve` over `db` (SQLite in `folder` if None), with `workers`
    processes (``serve --workers``, PostgreSQL only); its API's base."""
    exe = Path(sys.executable).with_name("xrewards-desk")
    env = {**os.environ, "XREWARDS_PASSWORD": PASSWORD}
    common = ["--data-dir", str(folder)] + (["--db", db] if db else [])
    for name, role in (("shop", "service"), ("anna", "agent")):
        subprocess.run([exe, "users", "add", name, "--role", role, *common], env=env,
                       check=True, capture_output=True)
    port_file = folder / "port"
    many = ["--workers", str(workers)] if workers > 1 else []
    server = subprocess.Popen([exe, "serve", "--port", "0", "--port-file", str(port_file),
                               *many, *common], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{_wait_port(server, port_file, 'server')}/v1"
        _wait_ready(server, base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)


def _wait_ready(process: subprocess.Popen[bytes], base: str) -> None:
    """Until the server answers /ready: under --workers the port is announced once it is
    bound, before a worker process accepts on it."""
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{base}/ready", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("the server did not get ready")
        time.sleep(0.1)


@contextmanager
def floor(folder: Path, db: str) -> Iterator[str]:
    """The floor's server (this script with ``--floor-serve``) over `db`; its base."""
    port_file = folder / "floor-port"
    server = subprocess.Popen([sys.executable, __file__, "--floor-serve", db,
                               "--port-file", str(port_file)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{_wait_port(server, port_file, 'floor')}"
    finally:
        server.terminate()
        server.wait(timeout=60)


def floor_serve(db: str, port_file: Path) -> None:
    """A bare FastAPI app: POST /events inserts the body as one row and commits."""
    import json

    import uvicorn
    from fastapi import Body, FastAPI

    lock = threading.Lock()  # one connection, as one writer (the requests come one by one)
    if db.startswith("sqlite:"):
        import sqlite3

        conn: Any = sqlite3.connect(db.removeprefix("sqlite:"), check_same_thread=False,
                                    isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        insert = "INSERT INTO events (body) VALUES (?)"

        def write(text: str) -> int:
            conn.execute("BEGIN")
            row = conn.execute(insert + " RETURNING id", (text,)).fetchone()
            conn.execute("COMMIT")
            return int(row[0])

        def write_many(texts: list[str]) -> list[dict[str, Any]]:
            conn.execute("BEGIN")
            conn.executemany(insert, [(text,) for text in texts])
            conn.execute("COMMIT")
            return [{"status": 200} for _ in texts]
    else:
        import psycopg

        conn = psycopg.connect(db)
        conn.execute("CREATE TABLE events (id bigserial PRIMARY KEY, body jsonb NOT NULL)")
        conn.commit()

        def write(text: str) -> int:
            row = conn.execute("INSERT INTO events (body) VALUES (%s) RETURNING id",
                               (text,)).fetchone()
            conn.commit()
            return int(row[0])

        def write_many(texts: list[str]) -> list[dict[str, Any]]:
            with conn.cursor() as cursor:
                cursor.executemany("INSERT INTO events (body) VALUES (%s)",
                                   [(text,) for text in texts])
            conn.commit()
            return [{"status": 200} for _ in texts]

    app = FastAPI()

    @app.post("/events")
    def event(body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
        with lock:
            return {"applied": True, "id": write(json.dumps(body))}

    @app.post("/events/batch")
    def events(body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008
        with lock:
            return {"answers": write_many([json.dumps(x["event"]) for x in body["events"]])}

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0,
                                           log_level="warning"))

    def announce() -> None:
        while not server.started:
            time.sleep(0.05)
        tmp = port_file.with_suffix(".part")
        tmp.write_text(str(server.servers[0].sockets[0].getsockname()[1]))
        tmp.replace(port_file)

    threading.Thread(target=announce, daemon=True).start()
    server.run()


def shop_events(accounts: int, prefix: str = "XR") -> list[dict[str, Any]]:
    """7 events an account: registered, two orders placed, paid and delivered."""
    bodies: list[dict[str, Any]] = []
    for i in range(accounts):
        account = f"{prefix}-{i:07d}"
        bodies.append({"type": "register", "account": account,
                       "organisation": f"ORG-{prefix}-{i // 5}",
                       "organisation_name": f"Firma {i // 5} GmbH",
                       "billing_account": f"BA-{prefix}-{i // 5}",
                       "billing_account_name": f"Einkauf {i // 5}",
                       "name": f"Kunde {i}", "email": f"kunde{i}@firma.example"})
        for n in (1, 2):
            order = f"O-{prefix}-{i}-{n}"
            bodies += [{"type": "order_placed", "order": order, "account": account,
                        "placed_at": datetime.now(UTC).isoformat(),
                        "net": f"{100 + i % 900}.{n}0"},
                       {"type": "order_paid", "order": order},
                       {"type": "order_delivered", "order": order}]
    return bodies


def send_all(http: requests.Session, url: str, bodies: list[dict[str, Any]],
             headers: dict[str, str], keys: list[str] | None = None) -> float:
    """Seconds to POST each body in turn (each must be answered 200), each with its
    Idempotency-Key from `keys` (new ones if None)."""
    keys = keys or [str(uuid.uuid4()) for _ in bodies]
    t0 = time.perf_counter()
    for body, key in zip(bodies, keys, strict=True):
        answer = http.post(url, json=body, timeout=60,
                           headers={**headers, "Idempotency-Key": key})
        if answer.status_code != 200:
            raise RuntimeError(f"{body['type']}: {answer.status_code} {answer.text}")
    return time.perf_counter() - t0


def send_batches(http: requests.Session, url: str, bodies: list[dict[str, Any]],
                 headers: dict[str, str], size: int) -> float:
    """Seconds to POST the bodies in batches of `size`, in order, each event with its own
    key (every batch answered 200, every event in it 200)."""
    t0 = time.perf_counter()
    for start in range(0, len(bodies), size):
        events = [{"key": str(uuid.uuid4()), "event": body}
                  for body in bodies[start:start + size]]
        answer = http.post(url, json={"events": events}, headers=headers, timeout=600)
        if answer.status_code != 200:
            raise RuntimeError(f"batch: {answer.status_code} {answer.text[:500]}")
        refused = [a for a in answer.json()["answers"] if a["status"] != 200]
        if refused:
            raise RuntimeError(f"batch: refused {refused[0]}")
    return time.perf_counter() - t0


def measure(name: str, project_db: str | None, floor_db: str, folder: Path,
            accounts: int, batch: int, workers: int) -> None:
    bodies = shop_events(accounts)
    batched = shop_events(accounts, prefix="XB")
    warm = shop_events(max(1, WARM_UP // 7), prefix="WARM")
    http = requests.Session()
    bearer = {"Authorization": "Bearer x"}
    with floor(folder, floor_db) as base:
        send_all(http, f"{base}/events", warm, bearer)
        floor_seconds = send_all(http, f"{base}/events", bodies, bearer)
        floor_batched = send_batches(http, f"{base}/events/batch", batched, bearer, batch)
    with project(folder, project_db, workers) as base:
        def token(user: str) -> str:
            answer = http.post(f"{base}/sign-in", json={"user": user, "password": PASSWORD},
                               timeout=60)
            answer.raise_for_status()
            return str(answer.json()["token"])

        shop = {"Authorization": f"Bearer {token('shop')}"}
        send_all(http, f"{base}/shop/events", warm, shop)
        keys = [str(uuid.uuid4()) for _ in bodies]
        seconds = send_all(http, f"{base}/shop/events", bodies, shop, keys)
        # the same POSTs again: each answered from its Idempotency-Key (signed in,
        # validated, the key looked up; no rules run, nothing written)
        replayed = send_all(http, f"{base}/shop/events", bodies, shop, keys)
        busy_before, database_before = machine_busy(), database_busy()
        seconds_batched = send_batches(http, f"{base}/shop/events/batch", batched, shop,
                                       batch)
        busy = machine_busy() - busy_before
        database = database_busy() - database_before
        feed = pull_feed(http, base, {"Authorization": f"Bearer {token('anna')}"})
    n = len(bodies)
    processes = f"{workers} process{'es' if workers > 1 else ''}"
    print(f"store: {name}, {processes}; sequential (one event a POST)")
    print(f"  project: {n:,} shop events in {seconds:.2f} s = {n / seconds:,.0f}/s "
          f"({1000 * seconds / n:.2f} ms each, one at a time)")
    print(f"  floor:   {n:,} POSTs in {floor_seconds:.2f} s = {n / floor_seconds:,.0f}/s "
          f"({1000 * floor_seconds / n:.2f} ms each, one row committed per POST)")
    print(f"ratio to floor: {seconds / floor_seconds:.2f}", flush=True)
    print(f"  of which the fixed path: the same {n:,} POSTs again, answered from their "
          f"Idempotency-Keys (signed in, validated, nothing run or written): "
          f"{1000 * replayed / n:.2f} ms each = {replayed / floor_seconds:.2f}x the floor; "
          f"rules and writes: {1000 * (seconds - replayed) / n:.2f} ms each")
    print(f"store: {name}, {processes}; batched ({batch} events a POST, one transaction)")
    print(f"  project: {n:,} shop events in {seconds_batched:.2f} s = "
          f"{n / seconds_batched:,.0f}/s")
    print(f"  floor:   {n:,} rows in {floor_batched:.2f} s = {n / floor_batched:,.0f}/s "
          f"({batch} rows inserted by executemany and committed per POST)")
    print(f"ratio to floor: {seconds_batched / floor_batched:.2f}", flush=True)
    if busy > 0:
        cores = os.cpu_count() or 1
        print(f"  the machine's CPU while batched (every process: server, database, client): "
              f"{1000 * busy / n:.2f} ms an event, so at most {cores * n / busy:,.0f} events/s "
              f"on its {cores} cores at that cost")
        if project_db is not None and database > 0:
            print(f"    of which PostgreSQL's own processes: {1000 * database / n:.2f} ms an "
                  f"event")
    print(f"  change feed: {feed[0]:,} changes pulled in {feed[1]:.2f} s = "
          f"{feed[0] / feed[1]:,.0f}/s (pages of 1,000)")


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent so far, all cores and processes (Linux's
    /proc/stat: user, nice, system, irq and softirq time); 0 where there is no such file."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def database_busy() -> float:
    """Seconds of CPU spent so far by the processes named ``postgres`` (the database
    server's; Linux's /proc); 0 where there are none."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        name, rest = text[text.index("(") + 1:].split(")", 1)
        if name == "postgres":
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def pull_feed(http: requests.Session, base: str, headers: dict[str, str]) -> tuple[int, float]:
    after, changes = "0", 0
    t0 = time.perf_counter()
    while True:
        page = http.get(f"{base}/changes", params={"after": after, "limit": 1000},
                        headers=headers, timeout=120).json()
        changes += len(page["changes"])
        after = page["next"]
        if not page["more"]:
            return changes, time.perf_counter() - t0


@contextmanager
def pg_databases(url: str) -> Iterator[tuple[str, str]]:
    """Two fresh databases on the server of `url`: the project's (an SQLAlchemy URL) and
    the floor's (a libpq URL); dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"xr_bench_{os.getpid()}_{kind}" for kind in ("project", "floor")]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        project_url = base.set(database=names[0]).render_as_string(hide_password=False)
        floor_url = (base.set(drivername="postgresql", database=names[1])
                     .render_as_string(hide_password=False))
        yield project_url, floor_url
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--pg", default=os.environ.get("XREWARDS_TEST_PG_URL"),
                        help="a PostgreSQL server's SQLAlchemy URL (default: "
                             "XREWARDS_TEST_PG_URL; without it only SQLite is measured)")
    parser.add_argument("--batch", type=int, default=100,
                        help="events per POST in the batched run (default 100)")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes on PostgreSQL (serve --workers; SQLite: 1)")
    parser.add_argument("--floor-serve", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--port-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_serve:
        floor_serve(args.floor_serve, args.port_file)
        return 0
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sqlite"
        folder.mkdir()
        measure("SQLite (WAL)", None, f"sqlite:{folder / 'floor.sqlite'}", folder,
                args.accounts, args.batch, 1)
    if args.pg:
        with tempfile.TemporaryDirectory() as tmp, pg_databases(args.pg) as (p, f):
            measure("PostgreSQL", p, f, Path(tmp), args.accounts, args.batch, args.workers)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
