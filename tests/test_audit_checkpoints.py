"""The audit log against someone who can write to the server's database (issue 18 item 5):
each attack made by hand in the real store behind the real server on 127.0.0.1, then
found by ``GET /v1/audit/verify`` and by ``xrewards-desk audit verify`` with the public
key exported from the server (never anything read from the database).

Records come from commands over HTTP (a shop's ``register`` writes one record each);
checkpoints from Service.audit_checkpoint, which the server's job calls every minute the
head moved (called here where a test wants one, so the numbers are known; the job itself
is tested on its own). The attacker knows the hash algorithm (store/audit.py is public)
but not the signing key."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.server_harness import Server, new_audit_key, register, running
from xrewards_desk.app import _parser
from xrewards_desk.server.cli import main as cli_main
from xrewards_desk.server.service import Service
from xrewards_desk.store import audit
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store


@pytest.fixture
def signing(store: Store, tmp_path: Path) -> Iterator[Server]:
    with running(store, tmp_path / "data", checkpoint_seconds=None) as srv:
        yield srv


def records(server: Server, first: int, last: int, accounts: int = 0) -> None:
    """Audit records `first`..`last`, one `register` each, over HTTP (customer numbers
    from `accounts` + `first` on)."""
    for n in range(first, last + 1):
        register(server, f"XR-{accounts + n}")
    with server.store.session() as s:
        assert audit.head(s)[0] == last


def newest_checkpoint(server: Server) -> dict[str, Any] | None:
    answer = server.as_("tessa").get("/audit/consistency", record=0, hash=audit.GENESIS)
    assert answer.status_code == 200, answer.text
    return answer.json()["checkpoint"]  # type: ignore[no-any-return]


def signed_through(server: Server, record: int) -> dict[str, Any]:
    """Sign the head (as the server's job does each minute); its checkpoint (JSON)."""
    server.service.audit_checkpoint()
    checkpoint = newest_checkpoint(server)
    assert checkpoint is not None and checkpoint["record"] == record, checkpoint
    return checkpoint


def rewrite(server: Server, first: int, **values: Any) -> None:
    """The attack: change record `first` and recompute every hash from it to the end,
    so that each record matches its content and links to the one before."""
    with server.store.session() as s:
        rows = s.scalars(select(m.AuditRecord).where(m.AuditRecord.id >= first)
                         .order_by(m.AuditRecord.id)).all()
        prev = s.scalar(select(m.AuditRecord.hash).where(m.AuditRecord.id == first - 1))
        for row in rows:
            if row.id == first:
                for name, value in values.items():
                    setattr(row, name, value)
            row.prev_hash = prev
            row.hash = audit.chain_hash(prev or audit.GENESIS, row)
            prev = row.hash


def verified(server: Server) -> dict[str, Any]:
    answer = server.as_("clara").get("/audit/verify")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def breaks(answer: dict[str, Any]) -> list[tuple[str, int, int | None, int | None]]:
    return [(b["reason"], b["id"], b["through"], b["checkpoint"]) for b in answer["breaks"]]


def public_key_file(server: Server, folder: Path) -> Path:
    """The server's public key as anyone gets it: without signing in."""
    answer = requests.get(server.base + "/audit/public-key", timeout=10)
    assert answer.status_code == 200, answer.text
    key = answer.json()
    assert key["algorithm"] == "Ed25519"
    assert key["key_id"] == server.service.audit_key.key_id  # type: ignore[union-attr]
    path = folder / "audit-public.pem"
    path.write_text(key["public_key"])
    return path


def cli_verify(server: Server, *extra: str) -> int:
    url = server.store.engine.url.render_as_string(hide_password=False)
    return cli_main(_parser().parse_args(["audit", "verify", "--db", url, *extra]))


# --------------------------------------------------------------------------- the attacks


def test_a_record_edited_with_the_hashes_after_it_recomputed_is_exposed_by_the_checkpoint(
        signing: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = signing
    records(server, 1, 30)
    first = signed_through(server, 30)
    records(server, 31, 60)
    second = signed_through(server, 60)
    assert (first["seq"], second["seq"]) == (1, 2)
    answer = verified(server)
    assert answer["ok"] and answer["breaks"] == [] and answer["checkpoints"] == 2
    assert answer["signed"] == second and answer["unsigned"] == 0

    rewrite(server, 40, actor="ben")  # record 40 edited, records 40..60 recomputed
    with server.store.session() as s:
        assert audit.verify(s) == (60, None)  # the hash chain alone holds: the old check
    answer = verified(server)
    # checkpoint 1 (record 30) still holds; checkpoint 2 signed another hash for 60
    assert not answer["ok"]
    assert breaks(answer) == [("edited", 31, 60, 2)]
    assert answer["first_broken"]["message"].startswith(
        "Records 31–60: rewritten with their hashes recomputed: checkpoint 2 signed hash "
        f"{second['hash'][:12]}… for record 60")

    key = public_key_file(server, tmp_path)
    capsys.readouterr()
    assert cli_verify(server, "--public-key", str(key)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("audit log broken at record 31: 1 break in 60 records")
    assert out[1].startswith("  records 31–60: edited: rewritten with their hashes recomputed")
    # without a key the command line does not take the database's word for it
    assert cli_verify(server) == 2
    assert "the store has 2 signed checkpoints, and no public key was given to check " \
           "them with: give --public-key FILE" in capsys.readouterr().err


def test_the_newest_records_deleted_show_as_cut_off_after_the_checkpoint(
        signing: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = signing
    records(server, 1, 20)
    checkpoint = signed_through(server, 20)
    with server.store.session() as s:
        s.execute(delete(m.AuditRecord).where(m.AuditRecord.id >= 16))
        assert audit.verify(s) == (15, None)  # what is left is a chain that holds
    answer = verified(server)
    assert breaks(answer) == [("truncated", 16, 20, 1)]
    assert answer["first_broken"]["message"] == (
        f"Records 16–20: records 16–20 are gone from the end: checkpoint 1 signed record 20 "
        f"at {checkpoint['at'].replace('Z', '+00:00')}, the chain now ends at 15")
    assert cli_verify(server, "--public-key", str(public_key_file(server, tmp_path))) == 1
    assert "  records 16–20: truncated: records 16–20 are gone from the end" in \
        capsys.readouterr().out
    # the server does not sign over the shortened chain
    records(server, 16, 17, accounts=100)
    assert server.service.audit_checkpoint() is None
    with server.store.session() as s:
        assert audit.latest_checkpoint(s).seq == 1  # type: ignore[union-attr]


def test_several_breaks_are_all_listed_by_number(
        signing: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = signing
    for last in (10, 20, 30, 40, 50):
        records(server, last - 9, last)
        signed_through(server, last)
    with server.store.session() as s:
        # record 5 deleted; record 12's content edited (its hash left as it was)
        s.execute(delete(m.AuditRecord).where(m.AuditRecord.id == 5))
        s.execute(update(m.AuditRecord).where(m.AuditRecord.id == 12)
                  .values(subject="account:XR-999"))
        # checkpoint 2 (record 20) altered to name another hash; checkpoint 3 deleted
        s.execute(update(m.AuditCheckpoint).where(m.AuditCheckpoint.seq == 2)
                  .values(head_hash="f" * 64))
        s.execute(delete(m.AuditCheckpoint).where(m.AuditCheckpoint.seq == 3))
        # checkpoint 4 re-signed by the attacker's own key
        forger = new_audit_key()
        row = s.get(m.AuditCheckpoint, 4)
        assert row is not None
        row.key_id = forger.key_id
        row.signature = forger.sign(audit.checkpoint_message(
            row.seq, row.record, row.head_hash, row.at, row.key_id))
        # records 46..50 cut off
        s.execute(delete(m.AuditRecord).where(m.AuditRecord.id >= 46))
    answer = verified(server)
    assert breaks(answer) == [
        ("missing", 5, 5, None),
        ("edited", 12, None, None),
        ("bad_signature", 20, None, 2),
        ("missing_checkpoint", 40, None, 3),   # shown where the next one (4) signs
        ("unknown_key", 40, None, 4),
        ("truncated", 46, 50, 5),
    ]
    assert answer["first_broken"]["id"] == 5 and answer["checked"] == 44
    assert cli_verify(server, "--public-key", str(public_key_file(server, tmp_path))) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("audit log broken at record 5: 6 breaks in 44 records")
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "record 5", "record 12", "record 20", "record 40", "record 40", "records 46–50"]


def test_only_team_leads_and_compliance_ask_but_anyone_gets_the_public_key(
        signing: Server) -> None:
    server = signing
    records(server, 1, 3)
    checkpoint = signed_through(server, 3)
    anna = server.as_("anna")
    assert anna.get("/audit/consistency", record=3, hash=checkpoint["hash"]).status_code == 403
    assert anna.get("/audit/verify").status_code == 403
    answer = server.as_("tessa").get("/audit/consistency", record=3,
                                     hash=checkpoint["hash"]).json()
    assert answer == {"record": 3, "hash": checkpoint["hash"], "contains": True,
                      "found": checkpoint["hash"], "last_record": 3, "checkpoint": checkpoint}
    other = server.as_("tessa").get("/audit/consistency", record=9, hash="a" * 64).json()
    assert (other["contains"], other["found"]) == (False, None)
    bad = server.as_("tessa").get("/audit/consistency", record=3, hash="xyz")
    assert bad.status_code == 422
    assert requests.get(server.base + "/audit/public-key", timeout=10).status_code == 200


# --------------------------------------------------------------------------- the job


def test_the_server_signs_the_head_while_records_come_and_at_shutdown(
        store: Store, tmp_path: Path) -> None:
    """The job signs the head when it moved (every 0.05 s here; a minute by default),
    never twice the same head; stopping the server signs the last records."""
    with running(store, tmp_path / "data", checkpoint_seconds=0.05) as server:
        assert newest_checkpoint(server) is None  # an empty chain: nothing to sign
        records(server, 1, 5)
        deadline = time.monotonic() + 20
        while (newest_checkpoint(server) or {}).get("record") != 5:
            assert time.monotonic() < deadline, "the job signed nothing"
            time.sleep(0.05)
        time.sleep(0.3)
        assert newest_checkpoint(server)["record"] == 5  # type: ignore[index]
        with store.session() as s:
            before = audit.latest_checkpoint(s).seq  # type: ignore[union-attr]
        server.service.audit_checkpoint = lambda: None  # type: ignore[method-assign]
        records(server, 6, 7)  # the job stopped signing: nothing covers 6 and 7 yet
        key = server.service.audit_key
        assert key is not None
        del server.service.audit_checkpoint  # back to the class's method for shutdown
    with store.session() as s:
        last = audit.latest_checkpoint(s)
        assert last is not None and (last.record, last.seq) == (7, before + 1)
        report = audit.check(s, {key.key_id: key.public})
    assert report.ok and report.holding == report.checkpoints == before + 1


# --------------------------------------------------------------------------- scale-out


def test_two_server_processes_sharing_the_key_append_one_sequence_of_checkpoints(
        backend: Any, tmp_path: Path) -> None:
    """Two services, each with its own engine on the same database and the same key, sign
    concurrently while records are written through both: the checkpoints' numbers come
    from the database (its primary key), one sequence without gaps, every one holding."""
    first_store = backend.new_store()
    second_store = Store.open(first_store.engine.url.render_as_string(hide_password=False))
    key = new_audit_key()
    services = []
    try:
        for n, store in enumerate((first_store, second_store)):
            service = Service(store, first_clock(), tmp_path / f"data{n}", scrypt_n=2**10)
            service.audit_key = key
            services.append(service)
        stop = threading.Event()
        errors: list[BaseException] = []

        def sign(service: Service) -> None:
            while not stop.wait(0.002):
                try:
                    service.audit_checkpoint()
                except BaseException as exc:  # reported below
                    errors.append(exc)
                    return

        threads = [threading.Thread(target=sign, args=(s,)) for s in services for _ in (1, 2)]
        for thread in threads:
            thread.start()
        for n in range(1, 41):
            append(services[n % 2], n)
        time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        services[0].audit_checkpoint()
        with first_store.session() as s:
            seqs = list(s.scalars(select(m.AuditCheckpoint.seq)
                                  .order_by(m.AuditCheckpoint.seq)))
            report = audit.check(s, {key.key_id: key.public})
        assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 2
        assert report.ok and report.holding == len(seqs) and report.signed_through == 40
    finally:
        second_store.close()
        first_store.close()


def append(service: Service, n: int) -> None:
    """Record `n` through `service`. Two engines writing one SQLite file: a transaction
    that read before the other wrote cannot write (``database is locked``), and two
    appends can pick the same number on PostgreSQL; the records' own appending across
    processes is the scale-out issue's, so the test writes each record again until it
    lands. The checkpoints are what is tested here."""
    for _attempt in range(200):
        try:
            with service.write_lock, service.store.session() as s:
                audit.append(s, at=service.clock.now(), actor="shop", role="service",
                             action="register", subject=f"account:XR-{n}",
                             outcome="applied")
            return
        except (OperationalError, IntegrityError):
            time.sleep(0.005)
    raise AssertionError(f"record {n} could not be written")


def first_clock() -> Any:
    from tests.server_harness import START
    from xrewards_desk.clock import SettableClock

    return SettableClock(START)
