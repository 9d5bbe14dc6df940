"""The reference API over real HTTP (127.0.0.1, an ephemeral port), on SQLite and on
PostgreSQL: sign-in, idempotency, stale versions, request and approval with four eyes,
expiry as the clock moves, bad input, evidence judged by its bytes, the audit chain.
Expected values are worked out by hand from RULES.md."""

from __future__ import annotations

import hashlib
import zlib
from datetime import timedelta

from sqlalchemy import func, select, text, update

from tests.server_harness import PASSWORD, Server, earn, register
from xrewards_desk.server import security
from xrewards_desk.server.cli import main as cli_main
from xrewards_desk.store import audit
from xrewards_desk.store import models as m

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def count(server: Server, model: type) -> int:
    with server.store.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# --------------------------------------------------------------------------- sign-in


def test_sign_in_gives_a_token_that_is_stored_only_hashed(server: Server) -> None:
    response = server.sign_in("anna")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40 and response.json()["role"] == "agent"
    with server.store.session() as s:
        stored = s.scalars(select(m.ApiToken.token_hash)).all()
        hashes = s.scalars(select(m.User.password_hash)).all()
    assert security.token_hash(token) in stored and token not in stored
    assert all(h and h.startswith("scrypt$") and PASSWORD not in h for h in hashes)
    me = server.as_("anna").get("/me")
    assert me.json()["name"] == "anna"


def test_no_token_a_wrong_token_and_an_expired_token_are_401(server: Server) -> None:
    import requests

    assert requests.get(server.base + "/me", timeout=10).status_code == 401
    bad = requests.get(server.base + "/me", headers={"Authorization": "Bearer nope"},
                       timeout=10)
    assert bad.status_code == 401 and bad.json()["code"] == "unauthenticated"
    client = server.as_("anna")
    server.later(hours=12, seconds=1)  # tokens live 12 hours
    expired = client.get("/me")
    assert expired.status_code == 401 and "expired" in expired.json()["message"]


def test_failed_sign_ins_slow_the_name_from_that_address_down(server: Server) -> None:
    """security.Policy: three failures of a name from an address cost nothing; then each
    attempt waits 1 s, 2 s, 4 s ... (at most 5 minutes) after the one before, answered at
    once with 429 and Retry-After, never slept; a success starts the pair afresh."""
    for _ in range(3):
        assert server.sign_in("anna", "wrong").status_code == 401
    waits = []
    for _ in range(11):
        held = server.sign_in("anna")  # even the right password is not checked yet
        assert held.status_code == 429 and held.json()["code"] == "too_many_attempts"
        assert held.json()["details"]["limit"] == "pair"
        waits.append(int(held.headers["Retry-After"]))
        assert held.json()["details"]["retry_after"] == waits[-1]
        server.later(seconds=waits[-1] - 1)
        assert server.sign_in("anna", "wrong").status_code == 429  # a second early
        server.later(seconds=1)
        assert server.sign_in("anna", "wrong").status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert "try again in 5 minutes" in server.sign_in("anna").json()["message"]
    server.later(minutes=5)
    assert server.sign_in("anna").status_code == 200
    for _ in range(3):  # afresh: three free failures again
        assert server.sign_in("anna", "wrong").status_code == 401
    assert server.sign_in("anna", "wrong").status_code == 429
    # an unknown name is counted and answered alike
    for _ in range(3):
        assert server.sign_in("nobody", "x").status_code == 401
    unknown = server.sign_in("nobody", "x")
    assert unknown.status_code == 429 and unknown.headers["Retry-After"] == "1"


# --------------------------------------------------------------------------- commands


def test_the_same_key_applies_once_and_answers_the_same(server: Server) -> None:
    register(server, "XR-1")
    anna = server.as_("anna")
    body = {"type": "request_adjustment", "account": "XR-1", "points": 300,
            "reason": "goodwill for a late delivery"}
    first = anna.command(body, key="adjust-1")
    again = anna.command(body, key="adjust-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    # R26: 300 points need no approval, so one adjustment entry of +300 and no more
    with server.store.session() as s:
        entries = s.scalars(select(m.LedgerEntry.points).where(
            m.LedgerEntry.account_id == "XR-1")).all()
    assert entries == [300]
    other = anna.command({**body, "points": 301}, key="adjust-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert count(server, m.LedgerEntry) == 1
    import requests

    missing = requests.post(server.base + "/commands", headers=anna.headers(), json=body,
                            timeout=10)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    assert count(server, m.LedgerEntry) == 1


def test_a_refusal_is_answered_the_same_on_a_retry_and_writes_nothing(server: Server) -> None:
    register(server, "XR-1")
    anna = server.as_("anna")
    # R26: taking 10 points from a balance of 0 is refused
    body = {"type": "request_adjustment", "account": "XR-1", "points": -10, "reason": "fix"}
    first = anna.command(body, key="k")
    assert first.status_code == 409 and first.json()["code"] == "insufficient_points"
    assert anna.command(body, key="k").json() == first.json()
    assert count(server, m.LedgerEntry) == 0 and count(server, m.AdjustmentRequest) == 0


def test_a_decision_on_a_stale_version_is_409_naming_who_changed_it(server: Server) -> None:
    register(server, "XR-1")
    anna, ben = server.as_("anna"), server.as_("ben")
    created = anna.ok({"type": "create_mail_case", "mail": {
        "message_id": "<m1@kunde.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "received", "sender": "xr-1@org-1.example",
        "subject": "Punkte fehlen", "body": "Hallo ..."}})
    case = int(created["created"])
    ben.ok({"type": "assign_mail_case", "case": case, "version": 1, "assignee": "ben"})
    stale = anna.command({"type": "set_mail_case_status", "case": case, "version": 1,
                          "status": "closed"})
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["code"] == "stale_version"
    assert problem["details"]["changed_by"] == "ben" and "ben" in problem["message"]
    with server.store.session() as s:
        row = s.get(m.MailCase, case)
        assert row is not None and (row.status.value, row.version) == ("open", 2)


def test_a_transfer_needs_another_team_lead_and_keeps_the_lots_dates(server: Server) -> None:
    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "500.00")  # bronze: 500 points (R7, R8), credited 03.03.2025
    shop_note = server.as_("tessa").upload(PDF, "Austritt.pdf").json()
    tessa, tomasz = server.as_("tessa"), server.as_("tomasz")
    filed = tessa.ok({"type": "request_transfer", "source": "XR-1", "target": "XR-2",
                      "points": 200, "reason": "left_organisation",
                      "evidence": [shop_note["sha256"]]})
    assert filed["pending_approval"] is True
    request = int(filed["created"])
    own = tessa.command({"type": "approve_transfer", "request": request, "version": 1})
    assert own.status_code == 409 and own.json()["code"] == "four_eyes"  # R21
    agent = server.as_("anna").command({"type": "approve_transfer", "request": request,
                                        "version": 1})
    assert agent.status_code == 403 and agent.json()["code"] == "forbidden"  # R27
    approved = tomasz.ok({"type": "approve_transfer", "request": request, "version": 1})
    assert len(approved["entries"]) == 2  # transfer_out and transfer_in
    with server.store.session() as s:
        lots = {lot.account_id: lot for lot in s.scalars(select(m.LotRow)).all()}
    # R20: the target's lot keeps the credit time and "usable until" 03.03.2026 (R9)
    assert lots["XR-2"].points == 200 and lots["XR-1"].remaining == 300
    assert lots["XR-2"].credited_at == lots["XR-1"].credited_at
    assert lots["XR-2"].usable_until.isoformat() == "2026-03-03"


def test_expiry_is_written_as_the_clock_moves_and_reaches_the_feed(server: Server) -> None:
    register(server, "XR-1")
    earn(server, "XR-1", "O-1", "100.00")  # 100 points, usable through 03.03.2026 (R9)
    before = [c for c in server.changes() if c["kind"] == "entry"]
    assert [c["data"]["type"] for c in before] == ["earn"]
    server.clock.set(server.clock.now() + timedelta(days=366))  # 04.03.2026 09:00
    entries = [c for c in server.changes() if c["kind"] == "entry"]
    assert [(c["data"]["type"], c["data"]["points"]) for c in entries] == [
        ("earn", 100), ("expiry", -100)]
    # R10: dated at the lot's own expiry instant, the start of 04.03.2026 in Berlin
    assert entries[-1]["data"]["at"] == "2026-03-03T23:00:00Z"
    notices = [c["data"]["kind"] for c in server.changes() if c["kind"] == "notice"]
    assert notices == ["credit", "expiry"]


def test_the_feed_pages_in_order_without_gaps(server: Server) -> None:
    for i in range(1, 6):
        register(server, f"XR-{i}")
    seqs = [c["seq"] for c in server.changes()]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    page = server.as_("anna").get("/changes", after=0, limit=3).json()
    assert len(page["changes"]) == 3 and page["more"] is True
    assert page["next"] == str(page["changes"][-1]["seq"])
    shop = server.as_("shop").get("/changes")
    assert shop.status_code == 403  # the shop's systems send events, nothing else (R27)


# --------------------------------------------------------------------------- bad input


def test_malformed_input_is_a_clear_4xx_and_writes_nothing(server: Server) -> None:
    import requests

    register(server, "XR-1")
    anna = server.as_("anna")
    before = (count(server, m.ChangeRow), count(server, m.LedgerEntry))
    raw = requests.post(server.base + "/commands", data=b"{not json",
                        headers={**anna.headers("k1"), "Content-Type": "application/json"},
                        timeout=10)
    assert raw.status_code == 422 and raw.json()["code"] == "malformed"
    wrong_type = anna.command({"type": "request_adjustment", "account": "XR-1",
                               "points": "many", "reason": "x"})
    assert wrong_type.status_code == 422 and "points" in wrong_type.json()["message"]
    float_money = server.as_("shop").shop({
        "type": "order_placed", "order": "O-1", "account": "XR-1",
        "placed_at": "2025-03-03T09:00:00+01:00", "net": 12.345})
    assert float_money.status_code == 422
    naive = server.as_("shop").shop({
        "type": "order_placed", "order": "O-1", "account": "XR-1",
        "placed_at": "2025-03-03T09:00:00", "net": "12.00"})
    assert naive.status_code == 422
    unknown_kind = anna.command({"type": "make_me_rich", "account": "XR-1"})
    assert unknown_kind.status_code == 422
    extra = anna.command({"type": "request_adjustment", "account": "XR-1", "points": 5,
                          "reason": "x", "approved_by": "anna"})
    assert extra.status_code == 422  # unknown fields are refused, not ignored
    unknown_account = anna.command({"type": "request_adjustment", "account": "XR-404",
                                    "points": 5, "reason": "x"})
    assert unknown_account.status_code == 409
    assert unknown_account.json()["code"] == "unknown_account"
    assert anna.get("/abuse-cases/AC-404/preview").status_code == 403  # agents: no
    assert server.as_("clara").get("/abuse-cases/AC-404/preview").status_code == 404
    assert anna.get("/evidence/" + "0" * 64).status_code == 404
    assert (count(server, m.ChangeRow), count(server, m.LedgerEntry)) == before


def test_evidence_is_judged_by_its_bytes_not_its_name(server: Server) -> None:
    anna = server.as_("anna")
    renamed = anna.upload(PDF, "photo.png")
    assert renamed.status_code == 200
    assert renamed.json()["media_type"] == "application/pdf"
    assert renamed.json()["label"] == "photo.png"
    assert renamed.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    image = anna.upload(png(), "scan.pdf")
    assert image.json()["media_type"] == "image/png"
    mail = anna.upload(b"From: a@b.example\r\nDate: Mon, 3 Mar 2025 09:00:00 +0100\r\n"
                       b"Subject: x\r\n\r\nbody\r\n", "note.txt")
    assert mail.json()["media_type"] == "message/rfc822"
    text_file = anna.upload(b"just some words", "evidence.pdf")
    assert text_file.status_code == 422 and text_file.json()["code"] == "unsupported_file"
    assert "by its content" in text_file.json()["message"]
    huge = anna.upload(b"%PDF-" + b"0" * (20 * 1024 * 1024), "big.pdf")
    assert huge.status_code == 413 and huge.json()["code"] == "file_too_large"
    assert count(server, m.EvidenceFile) == 3
    back = anna.get(f"/evidence/{renamed.json()['sha256']}")
    assert back.status_code == 200 and back.content == PDF
    assert back.headers["content-type"] == "application/pdf"
    # a file is stored under its hash, never under the name it came with
    stored = sorted(p.name for p in server.service.evidence_dir.rglob("*") if p.is_file())
    assert "photo.png" not in stored and hashlib.sha256(PDF).hexdigest() in stored


# --------------------------------------------------------------------------- audit


def test_every_command_is_audited_and_the_chain_catches_edits_and_deletions(
        server: Server, capsys) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    anna = server.as_("anna")
    anna.ok({"type": "request_adjustment", "account": "XR-1", "points": 5, "reason": "a"})
    anna.command({"type": "approve_adjustment", "request": 1, "version": 2})  # refused
    records = server.as_("tessa").get("/audit").json()["records"]
    assert [(r["actor"], r["action"], r["outcome"]) for r in records] == [
        ("shop", "register", "applied"), ("anna", "request_adjustment", "applied"),
        ("anna", "approve_adjustment", "refused:forbidden")]
    assert anna.get("/audit").status_code == 403  # R27: team leads and compliance only
    with server.store.session() as s:
        assert audit.verify(s) == (3, None)
    url = server.store.engine.url.render_as_string(hide_password=False)
    assert cli_main_verify(url) == 0
    assert "intact: 3 records" in capsys.readouterr().out

    with server.store.session() as s:  # someone edits record 2 in the database
        s.execute(update(m.AuditRecord).where(m.AuditRecord.id == 2).values(actor="ben"))
    assert cli_main_verify(url) == 1
    assert "broken at record 2" in capsys.readouterr().out
    with server.store.session() as s:  # ... or deletes it
        s.execute(update(m.AuditRecord).where(m.AuditRecord.id == 2).values(actor="anna"))
        s.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert cli_main_verify(url) == 1
    assert "record 2 is missing" in capsys.readouterr().out


def cli_main_verify(url: str) -> int:
    from xrewards_desk.app import _parser

    return cli_main(_parser().parse_args(["audit", "verify", "--db", url]))


def test_the_expiry_job_writes_expiries_without_anyone_asking(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """ARCHITECTURE.md, "Time passes on the server": a periodic job writes expiries (and
    their notices) as the clock moves, before any read."""
    import time

    import requests

    from tests.server_harness import running

    with running(store, tmp_path / "data", tick_seconds=0.05) as srv:
        assert requests.get(srv.base + "/health", timeout=10).json()["status"] == "ok"
        register(srv, "XR-1")
        earn(srv, "XR-1", "O-1", "100.00")  # usable through 03.03.2026 (R9)
        srv.clock.set(srv.clock.now() + timedelta(days=366))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with srv.store.session() as s:
                kinds = s.scalars(select(m.LedgerEntry.type)).all()
            if len(kinds) == 2:
                break
            time.sleep(0.05)
        assert [k.value for k in kinds] == ["earn", "expiry"]


def test_every_page_of_the_feed_is_a_valid_change_page(server: Server) -> None:
    """The feed is served from stored JSON without validating it again: every page must
    still parse as the contract's ChangePage, every record as its kind's model."""
    from xrewards_desk.contract.records import RECORDS, ChangePage

    register(server, "XR-1")
    earn(server, "XR-1", "O-1", "120.00")
    server.as_("anna").upload(PDF, "a.pdf")
    server.as_("anna").ok({"type": "create_mail_case", "mail": {
        "message_id": "<p@k.example>", "received_at": "2025-03-03T08:00:00+01:00",
        "received_from": "date", "sender": "xr-1@org-1.example", "subject": "s",
        "body": "b"}})
    after, kinds = "0", set()
    while True:
        raw = server.as_("anna").get("/changes", after=after, limit=4)
        page = ChangePage.model_validate_json(raw.content)
        for change in page.changes:
            assert change.data is not None
            assert type(change.data) is RECORDS[change.kind]
            kinds.add(change.kind)
        after = page.next
        if not page.more:
            break
    assert {"account", "lot", "order", "entry", "notice", "evidence", "mail_case",
            "mail_message", "staff", "organisation", "billing_account"} <= kinds


def test_a_registration_saves_the_new_account_once_more_than_the_engine(server: Server) -> None:
    """The engine writes the account (version 1); the shop's details follow in one save."""
    register(server, "XR-1", phone="+49 30 1234567")
    with server.store.session() as s:
        row = s.get(m.AccountRow, "XR-1")
        assert row is not None and row.version == 2 and row.phone == "+49 30 1234567"
        assert row.referral_code and row.referral_code.startswith("XP-")


def test_a_new_users_password_is_hashed_before_the_writers_lock_is_taken(
        server: Server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """scrypt takes about 80 ms: while it runs, another writer can still take the lock."""
    import threading

    from xrewards_desk.domain.model import Role

    real = security.hash_password
    free: list[bool] = []

    def watched(password: str, **kwargs: object) -> str:
        lock = server.service.write_lock.lock

        def writer() -> None:
            taken = lock.acquire(timeout=2)
            if taken:
                lock.release()
            free.append(taken)

        other = threading.Thread(target=writer)
        other.start()
        other.join()
        return real(password, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(security, "hash_password", watched)
    server.service.add_user("neu", "Neu", Role.AGENT, PASSWORD, "de")
    assert free == [True]
    assert server.sign_in("neu").status_code == 200
