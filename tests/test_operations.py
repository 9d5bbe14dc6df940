"""What an operator relies on (issue 21, item 4), against the real server on 127.0.0.1:
``/v1/health`` and ``/v1/ready`` (the database reachable, its schema this program's),
the Prometheus metrics at ``/metrics``, JSON logs that hold no secret, and a SIGTERM
that lets a command in flight finish, answered, or leaves it for the client's retry,
never half applied.

The readiness and metrics tests run on each backend (the ``server`` fixture). The
SIGTERM tests run ``xrewards-desk serve`` on PostgreSQL, where a test can lock a table
against writes and so keep a command waiting inside its transaction as long as it likes
(on SQLite a command that has read and then meets another writer is refused at once,
SQLITE_BUSY, instead of waiting: no way to hold one mid-transaction from outside)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, func, select, text

from tests.server_harness import PASSWORD, Server, register, running
from tests.test_serve_cli import EXE, _env, start_server
from tests.test_serve_cli import PASSWORD as CLI_PASSWORD
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, head_revision, known_revisions, sqlite_url

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(base: str, token: str | None = None) -> Samples:
    """Every sample of /metrics, by name and labels (parsed with prometheus-client's own
    parser: the exposition is valid text format)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.get(base.removesuffix("/v1") + "/metrics", headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(answer.text)
            for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# ------------------------------------------------------------------ health and readiness
def test_ready_says_when_the_store_lacks_a_migration_and_recovers(server: Server) -> None:
    """A store stamped one revision back (as an older program left it) is not ready: 503
    with one sentence naming both schemas, no address or path; stamped back to the head,
    it is ready again. Health answers throughout: the process is alive either way."""
    head, previous = head_revision(), known_revisions()[-2]
    ready = requests.get(server.base + "/ready", timeout=30)
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "schema": head}

    with server.store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": previous})
    try:
        behind = requests.get(server.base + "/ready", timeout=30)
        assert behind.status_code == 503, behind.text
        assert behind.headers["Retry-After"] == "5"
        problem = behind.json()
        assert problem["code"] == "not_ready"
        assert problem["message"] == (
            f"the database has the older schema {previous}, this server needs {head}: "
            "upgrade it (xrewards-desk db upgrade)")
        assert "\n" not in problem["message"]
        url = server.store.engine.url
        for secret in (str(url.database), url.host, url.password, str(server.service.data_dir)):
            assert not secret or secret not in behind.text, secret
        assert requests.get(server.base + "/health", timeout=30).json()["status"] == "ok"
    finally:
        with server.store.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert requests.get(server.base + "/ready", timeout=30).status_code == 200


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_ready_is_503_while_the_database_cannot_be_reached(tmp_path: Path, kind: str) -> None:
    """A database that cannot be opened (a SQLite file in a folder that is not there, a
    PostgreSQL port nobody listens on): alive, not ready, and the answer names neither the
    path, the host nor the password. The metrics still answer, without the feed head."""
    secret = "s3cret-pass-Xq7"
    url = (sqlite_url(tmp_path / "gone" / "server.sqlite") if kind == "sqlite" else
           f"postgresql+psycopg://xr:{secret}@127.0.0.1:{_closed_port()}/xr_store")
    store = Store(create_engine(url, connect_args={"connect_timeout": 5}
                                if kind == "postgresql" else {}))
    try:
        with running(store, tmp_path / "data", people=False) as srv:
            assert requests.get(srv.base + "/health", timeout=30).status_code == 200
            ready = requests.get(srv.base + "/ready", timeout=30)
            assert ready.status_code == 503, ready.text
            assert ready.json()["message"] == "the database cannot be reached"
            for hidden in (secret, "gone", str(tmp_path), "127.0.0.1", "xr_store"):
                assert hidden not in ready.text, hidden
            samples = scrape(srv.base)
            assert not any(name == "xrewards_change_feed_head" for name, _ in samples)
            assert value(samples, "xrewards_http_requests_total", method="GET",
                         route="/v1/ready", status="503") == 1
    finally:
        store.close()


# ------------------------------------------------------------------ metrics
def test_metrics_count_a_command_a_refusal_and_a_failed_sign_in(server: Server) -> None:
    register(server, "XR-1")
    anna = server.as_("anna")
    before = scrape(server.base)

    # R26: an agent's adjustment of +25 is applied (as a request); its retry with the same
    # Idempotency-Key is answered from the record and is not a second command
    body = {"type": "request_adjustment", "account": "XR-1", "points": 25, "reason": "Kulanz"}
    first = anna.command(body, key="metrics-1")
    assert first.status_code == 200, first.text
    assert anna.command(body, key="metrics-1").json() == first.json()
    # R26: taking 1,000 points from a balance of 0 is refused
    refused = anna.command({**body, "points": -1000})
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_points"
    assert server.sign_in("anna", "not the password").status_code == 401
    # a route with an id in it is counted by its template; an unknown address as such
    assert server.as_("clara").get("/abuse-cases/CASE-NOPE/preview").status_code == 404
    assert requests.get(server.base + "/no-such-address", timeout=30).status_code == 404

    after = scrape(server.base)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    staff = {"source": "staff", "type": "request_adjustment"}
    assert delta("xrewards_commands_total", **staff, outcome="applied", code="") == 1
    assert delta("xrewards_commands_total", **staff, outcome="refused",
                 code="insufficient_points") == 1
    assert value(after, "xrewards_commands_total", source="shop", type="register",
                 outcome="applied", code="") == 1
    assert delta("xrewards_sign_in_failures_total", code="unauthenticated") == 1
    commands = {"method": "POST", "route": "/v1/commands"}
    assert delta("xrewards_http_requests_total", **commands, status="200") == 2
    assert delta("xrewards_http_requests_total", **commands, status="409") == 1
    assert delta("xrewards_http_request_duration_seconds_count", **commands) == 3
    assert delta("xrewards_http_request_duration_seconds_bucket", **commands, le="+Inf") == 3
    assert delta("xrewards_http_request_duration_seconds_sum", **commands) > 0
    assert value(after, "xrewards_http_requests_in_progress", **commands) == 0
    assert delta("xrewards_http_requests_total", method="GET",
                 route="/v1/abuse-cases/{case}/preview", status="404") == 1
    assert delta("xrewards_http_requests_total", method="GET", route="unmatched",
                 status="404") == 1
    assert not any("CASE-NOPE" in v or "no-such" in v
                   for _, labels in after for _, v in labels)

    changes = server.changes()
    head = scrape(server.base)
    assert value(head, "xrewards_change_feed_head") == max(c["seq"] for c in changes) > 0
    assert value(head, "xrewards_build_info", version=_version()) == 1


def _version() -> str:
    from xrewards_desk import __version__

    return __version__


def test_each_answer_carries_a_request_id_the_clients_if_plain(server: Server) -> None:
    mine = requests.get(server.base + "/health", headers={"X-Request-ID": "lb-7f3a.01"},
                        timeout=30)
    assert mine.headers["X-Request-ID"] == "lb-7f3a.01"
    for odd in ("has space", "x" * 65, "semi;colon"):
        made = requests.get(server.base + "/health", headers={"X-Request-ID": odd},
                            timeout=30).headers["X-Request-ID"]
        assert made != odd and len(made) == 32 and int(made, 16) >= 0
    a, b = (requests.get(server.base + "/ready", timeout=30).headers["X-Request-ID"]
            for _ in range(2))
    assert a != b


# ------------------------------------------------------------------ the process
def _add_users(folder: Path, url: str | None = None) -> None:
    db = ["--db", url] if url else []
    for name, role in (("shop", "service"), ("anna", "agent")):
        added = subprocess.run([EXE, "users", "add", name, "--role", role, "--data-dir",
                                str(folder), *db], env=_env(), capture_output=True, text=True,
                               timeout=120)
        assert added.returncode == 0, added.stderr


def _token(base: str, name: str) -> str:
    answer = requests.post(f"{base}/sign-in", json={"user": name, "password": CLI_PASSWORD},
                           timeout=60)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def _register(account: str) -> dict[str, Any]:
    return {"type": "register", "account": account, "organisation": "ORG-1",
            "organisation_name": "ORG-1 GmbH", "billing_account": "BA-1",
            "billing_account_name": "BA-1 Einkauf", "name": f"Person {account}",
            "email": f"{account.lower()}@org-1.example"}


@pytest.mark.slow
def test_json_logs_are_one_object_a_line_and_hold_no_secret(tmp_path: Path) -> None:
    """serve --log-format json: every line it writes parses as one JSON object with time,
    level, logger and message; a request's access line has its request id, method, path
    and status; no password, no bearer token, no metrics token appears anywhere. The
    metrics token of --metrics-token-file is required at /metrics."""
    _add_users(tmp_path)
    metrics_token = uuid.uuid4().hex + uuid.uuid4().hex
    token_file = tmp_path / "metrics-token"
    token_file.write_text(metrics_token + "\n")
    wrong_password = "Wrong-Password-4711"
    process, base = start_server(tmp_path, "--log-format", "json",
                                 "--metrics-token-file", str(token_file))
    try:
        assert requests.post(f"{base}/sign-in", json={"user": "anna",
                                                      "password": wrong_password},
                             timeout=60).status_code == 401
        anna, shop = _token(base, "anna"), _token(base, "shop")
        answer = requests.post(f"{base}/shop/events", json=_register("XR-1"), timeout=60,
                               headers={"Authorization": f"Bearer {shop}",
                                        "Idempotency-Key": "log-1",
                                        "X-Request-ID": "test-req-42"})
        assert answer.status_code == 200, answer.text
        assert requests.get(f"{base}/me", headers={"Authorization": f"Bearer {anna}"},
                            timeout=60).status_code == 200
        root = base.removesuffix("/v1")
        assert requests.get(f"{root}/metrics", timeout=30).status_code == 401
        assert requests.get(f"{root}/metrics", timeout=30, headers={
            "Authorization": f"Bearer {metrics_token[:-1]}x"}).status_code == 401
        samples = scrape(base, metrics_token)
        assert value(samples, "xrewards_sign_in_failures_total", code="unauthenticated") == 1
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=60)
    assert process.returncode in (0, -signal.SIGTERM), out

    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert lines and all(isinstance(line, dict) for line in lines)
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
        assert line["time"].endswith("+00:00") and line["level"] in (
            "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), line
    access = [line for line in lines if line.get("request_id") == "test-req-42"]
    assert access and access[-1]["logger"] == "uvicorn.access", lines
    assert (access[-1]["method"], access[-1]["path"], access[-1]["status"]) == (
        "POST", "/v1/shop/events", 200)
    assert any(line["message"].startswith("made a new audit signing key") for line in lines)
    assert any("Finished server process" in line["message"] for line in lines)
    for secret in (CLI_PASSWORD, wrong_password, anna, shop, metrics_token, PASSWORD):
        assert secret not in out


def _in_flight(base: str, route: str) -> bool:
    samples = scrape(base)
    return value(samples, "xrewards_http_requests_in_progress", method="POST",
                 route=route) >= 1


def _pg_server_store(postgres_backend: Any) -> str:
    """A fresh PostgreSQL store for a serve process: its URL (with the password)."""
    store = postgres_backend.new_store()
    url: str = store.engine.url.render_as_string(hide_password=False)
    store.close()
    return url


def _held_command(tmp_path: Path, url: str, graceful: str, hold_after_sigterm: float,
                  ) -> tuple[dict[str, Any], str]:
    """Start serve on the PostgreSQL store `url`, lock the organisations table against
    writes (reads go on), send one shop event (key ``slow-1``): it reads, then waits
    inside its transaction to insert its organisation. SIGTERM the server then, release
    the lock `hold_after_sigterm` seconds later. What the client got, and serve's output."""
    _add_users(tmp_path, url)
    process, base = start_server(tmp_path, "--db", url, "--graceful-timeout", graceful)
    shop = _token(base, "shop")
    got: dict[str, Any] = {}

    def send() -> None:
        try:
            got["answer"] = requests.post(
                f"{base}/shop/events", json=_register("XR-7"), timeout=120,
                headers={"Authorization": f"Bearer {shop}", "Idempotency-Key": "slow-1"})
        except requests.ConnectionError as exc:
            got["error"] = exc

    engine = create_engine(url)
    try:
        with engine.connect() as lock:
            lock.execute(text("LOCK TABLE organisations IN EXCLUSIVE MODE"))
            client = threading.Thread(target=send)
            client.start()
            deadline = time.monotonic() + 30
            while not _in_flight(base, "/v1/shop/events"):
                assert time.monotonic() < deadline, "the event never reached the server"
                time.sleep(0.05)
            _waits_for_lock(lock)
            process.send_signal(signal.SIGTERM)
            time.sleep(hold_after_sigterm)
            assert process.poll() is None, "serve quit with a command in flight"
            # no new work is taken meanwhile: the listening socket is closed
            with pytest.raises(requests.ConnectionError):
                requests.get(f"{base}/health", timeout=5)
            lock.rollback()
    finally:
        engine.dispose()
    client.join(timeout=60)
    out, _ = process.communicate(timeout=60)
    assert process.returncode in (0, -signal.SIGTERM), out
    return got, out


def _waits_for_lock(lock: Any) -> None:
    """Until the server's insert waits for the table lock (pg_locks: not granted)."""
    deadline = time.monotonic() + 30
    while not lock.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted "
                               "AND relation = 'organisations'::regclass")):
        assert time.monotonic() < deadline, "the event never waited for the lock"
        time.sleep(0.05)


def _written(url: str) -> tuple[int, int, list[int]]:
    """Accounts XR-7, its change records, and the statuses kept under key slow-1."""
    store = Store.open(url)
    try:
        with store.session() as s:
            accounts = s.scalar(select(func.count()).select_from(m.AccountRow)
                                .where(m.AccountRow.id == "XR-7")) or 0
            keys = s.scalars(select(m.IdempotencyRecord.status_code)
                             .where(m.IdempotencyRecord.key == "slow-1")).all()
            changes = s.scalar(select(func.count()).select_from(m.ChangeRow)
                               .where(m.ChangeRow.record_id == "XR-7")) or 0
            return accounts, changes, list(keys)
    finally:
        store.close()


@pytest.mark.slow
def test_sigterm_lets_the_command_in_flight_finish_and_answer(
        tmp_path: Path, postgres_backend: Any) -> None:
    """SIGTERM while a shop event waits inside its transaction: serve takes no new
    connection, waits (--graceful-timeout 20), the event commits and its answer reaches
    the client, then serve exits cleanly. The account, its change, its key: there, once."""
    url = _pg_server_store(postgres_backend)
    got, out = _held_command(tmp_path, url, "20", hold_after_sigterm=1.5)
    assert "error" not in got, got
    answer = got["answer"]
    assert answer.status_code == 200, answer.text
    assert answer.json()["type"] == "register"
    accounts, changes, keys = _written(url)
    assert (accounts, keys) == (1, [200]) and changes >= 1
    assert "Waiting for connections to close" in out and "Finished server process" in out


@pytest.mark.slow
def test_a_command_past_the_graceful_timeout_is_retried_never_half_applied(
        tmp_path: Path, postgres_backend: Any) -> None:
    """--graceful-timeout 1 and the table held 3 s after SIGTERM: serve stops waiting for
    the answer and tells the client 503 shutting_down with Retry-After (send it again),
    the command's transaction is whole either way, and the retry with the same
    Idempotency-Key on the restarted server ends with exactly one account, its change
    records once, one key."""
    url = _pg_server_store(postgres_backend)
    got, out = _held_command(tmp_path, url, "1", hold_after_sigterm=3.0)
    assert "error" not in got, got
    told = got["answer"]
    assert told.status_code == 503 and told.headers["Retry-After"] == "5", told.text
    assert told.json()["code"] == "shutting_down"
    assert "same Idempotency-Key" in told.json()["message"]
    assert "timeout graceful shutdown exceeded" in out
    accounts, changes, keys = _written(url)
    # all or nothing: the account with its change and key, or none of them
    assert (accounts, bool(changes), keys) in ((1, True, [200]), (0, False, []))

    (tmp_path / "port").unlink()
    process, base = start_server(tmp_path, "--db", url)
    try:
        retry = requests.post(f"{base}/shop/events", json=_register("XR-7"), timeout=60,
                              headers={"Authorization": f"Bearer {_token(base, 'shop')}",
                                       "Idempotency-Key": "slow-1"})
        assert retry.status_code == 200, retry.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    accounts_after, changes_after, keys_after = _written(url)
    assert (accounts_after, keys_after) == (1, [200])
    assert changes_after == (changes or changes_after)  # a replay writes nothing more
