"""Migrations (issue 3, item 3): a store made by an older program is upgraded when it is
opened, after a copy of it was put aside; a store newer than the program is refused."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from xrewards_desk.app import main
from xrewards_desk.domain.model import Status
from xrewards_desk.store import db
from xrewards_desk.store.db import Store, StoreError, current_revision, known_revisions
from xrewards_desk.store.ledger import Ledger

FIRST = known_revisions()[0]
HEAD = known_revisions()[-1]
CREDITED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def _first_schema_store(url: str) -> None:
    """A store as the first release wrote it: schema FIRST, one customer with one lot of
    1,200 points and its credit entry. Plain SQL with that schema's columns, so the test
    keeps meaning the first schema whatever the models become."""
    engine = db.make_engine(url)
    db.upgrade(engine, FIRST)
    sqlite = engine.dialect.name == "sqlite"
    at = CREDITED.replace(tzinfo=None) if sqlite else CREDITED
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (id, name) VALUES ('ORG-1', 'Müller GmbH')"))
        conn.execute(text("INSERT INTO billing_accounts (id, organisation_id, name) "
                          "VALUES ('BA-1', 'ORG-1', 'Müller GmbH Einkauf')"))
        conn.execute(text(
            "INSERT INTO accounts (id, organisation_id, billing_account_id, name, email, "
            "email_key, language, registered_at, status, referral_void, spend, debt, "
            "claims_total, next_lot, next_entry, next_notice, has_completed_order, "
            "first_order_candidates, version) VALUES ('XR-0000001', 'ORG-1', 'BA-1', "
            "'Jürgen Müller', 'j.mueller@mueller.example', 'j.mueller@mueller.example', 'de', "
            ":at, 'active', false, 0, 0, 0, 2, 2, 1, false, '[]', 1)"), {"at": at})
        conn.execute(text(
            "INSERT INTO lots (id, account_id, seq, credited_at, usable_until, expires_at, "
            "points, remaining, source_kind, source_ref, root, redeemed, transferred) VALUES "
            "('XR-0000001/L1', 'XR-0000001', 1, :at, '2026-03-31', :expires, 1200, 1200, "
            "'adjustment', 'R-1', 'XR-0000001/L1', 0, '[]')"),
            {"at": at, "expires": datetime(2026, 3, 31, 22, 0, tzinfo=UTC).replace(
                tzinfo=None) if sqlite else datetime(2026, 3, 31, 22, 0, tzinfo=UTC)})
        conn.execute(text(
            "INSERT INTO ledger_entries (id, account_id, seq, at, type, points, source_kind, "
            "source_ref, note) VALUES ('XR-0000001/E1', 'XR-0000001', 1, :at, 'adjustment', "
            "1200, 'adjustment', 'R-1', '')"), {"at": at})
    engine.dispose()


def test_there_is_a_migration_to_upgrade_over() -> None:
    assert len(known_revisions()) >= 2, "the first schema plus at least one upgrade"


def test_the_files_name_the_migrations_as_alembic_walks_them() -> None:
    """Store.open tells a current store by the versions' file names (no Alembic imported,
    issue 23): they must name every migration, in Alembic's order."""
    assert db.known_by_files() == known_revisions()


def test_opening_a_current_store_imports_no_alembic(tmp_path: Path) -> None:
    """Issue 23: Alembic (~190 ms of imports) only where a migration runs. A store made
    current first, then opened in a fresh interpreter: no alembic module is loaded."""
    import subprocess
    import sys

    path = tmp_path / "desk.sqlite"
    Store.open(db.sqlite_url(path)).close()
    code = ("import sys\nfrom xrewards_desk.store.db import Store, sqlite_url\n"
            f"Store.open(sqlite_url({str(path)!r})).close()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_opening_a_first_schema_sqlite_store_copies_it_aside_then_upgrades(
        sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_backend.empty_url()
    _first_schema_store(url)
    path = Path(url.removeprefix("sqlite+pysqlite:///"))
    before = path.read_bytes()

    store = Store.open(url)
    try:
        assert current_revision(store.engine) == HEAD
        assert store.upgraded_from == FIRST
        # the copy: beside the store, the user's alone, still at the first schema
        assert store.backup is not None and store.backup.parent == path.parent
        assert FIRST in store.backup.name
        assert stat.S_IMODE(store.backup.stat().st_mode) == 0o600
        with sqlite3.connect(store.backup) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
            assert copy.execute("SELECT name FROM accounts").fetchall() == [("Jürgen Müller",)]
        copy.close()
        assert len(before) > 0
        # the data came through: R11, the balance is the lot's 1,200 remaining points
        acc = Ledger(store).account("XR-0000001")
        assert acc is not None and acc.balance == 1200 and acc.status is Status.ACTIVE
        assert [lot.usable_until.isoformat() for lot in acc.lots] == ["2026-03-31"]
    finally:
        store.close()

    # Opening it again: current, so no second copy.
    again = Store.open(url)
    assert again.backup is None and again.upgraded_from is None
    again.close()


def test_opening_a_first_schema_store_upgrades_it_on_each_database(
        backend) -> None:  # type: ignore[no-untyped-def]
    url = backend.empty_url()
    _first_schema_store(url)
    store = Store.open(url)
    try:
        assert current_revision(store.engine) == HEAD
        # the copy: a file beside it on SQLite, a database made from it on PostgreSQL
        assert store.backup is not None
        if backend.name == "postgresql":
            backend.made.append(str(store.backup))
            copy_url = make_url(url).set(database=str(store.backup))
            copy = db.make_engine(copy_url.render_as_string(hide_password=False))
        else:
            copy = db.make_engine(db.sqlite_url(store.backup))
        assert current_revision(copy) == FIRST
        with copy.connect() as conn:
            assert conn.execute(text("SELECT name FROM accounts")).all() == [("Jürgen Müller",)]
        copy.dispose()
        acc = Ledger(store).account("XR-0000001")
        assert acc is not None and acc.balance == 1200
        assert Ledger(store).entries_of("XR-0000001")[0].points == 1200
    finally:
        store.close()


def test_a_store_newer_than_the_program_is_refused_and_left_alone(
        sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_backend.empty_url()
    Store.open(url).close()
    path = Path(url.removeprefix("sqlite+pysqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(StoreError, match="newer than this program"):
        Store.open(url)
    assert sorted(p.name for p in path.parent.iterdir()) == before  # no copy, no change
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)
    conn.close()


def test_an_older_store_is_not_upgraded_when_the_caller_says_not_to(
        sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_backend.empty_url()
    engine = db.make_engine(url)
    db.upgrade(engine, FIRST)
    engine.dispose()
    with pytest.raises(StoreError, match="older schema"):
        Store.open(url, upgrade_older=False)
    engine = db.make_engine(url)
    assert current_revision(engine) == FIRST
    engine.dispose()


def test_a_new_sqlite_store_is_private(sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_backend.empty_url()
    path = Path(url.removeprefix("sqlite+pysqlite:///"))
    Store.open(url).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_db_command_reports_and_upgrades(sqlite_backend, capsys) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_backend.empty_url()
    path = url.removeprefix("sqlite+pysqlite:///")
    _first_schema_store(url)
    assert main(["db", "status", "--db", path]) == 0
    assert capsys.readouterr().out == f"schema: {FIRST}; newest known: {HEAD}\n"
    assert main(["db", "upgrade", "--db", path]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"upgraded from schema {FIRST} to {HEAD}; the old store was copied to ")
    assert main(["db", "upgrade", "--db", path]) == 0
    assert capsys.readouterr().out == f"the store is current (schema {HEAD})\n"
    assert main(["db", "status", "--db", path + ".missing"]) == 1
    assert "no store at" in capsys.readouterr().err


def test_the_migrations_build_exactly_the_models(store) -> None:  # type: ignore[no-untyped-def]
    """Alembic's autogenerate finds nothing to change between the models and a store
    migrated to the newest revision, on each database: the two cannot drift."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from xrewards_desk.store.models import Base

    def ours(name: str | None, type_: str, _parent: object) -> bool:
        return type_ != "table" or name in Base.metadata.tables

    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": ours, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_table_rebuilt_by_an_upgrade_keeps_the_rows_that_point_at_it(
        backend) -> None:  # type: ignore[no-untyped-def]
    """Migration 0008 rebuilds ``mail_messages`` on SQLite (batch mode: the table is made
    again, the old one dropped) while ``mail_attachments`` points at it: with foreign keys
    on, that drop failed on any store holding a mail with an attachment (the demo's)."""
    url = backend.empty_url()
    engine = db.make_engine(url)
    db.upgrade(engine, "0007")
    sqlite = engine.dialect.name == "sqlite"
    at = CREDITED.replace(tzinfo=None) if sqlite else CREDITED
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO evidence_files (sha256, media_type, size, label, uploaded_at) "
            "VALUES (:sha, 'application/pdf', 10, 'rechnung.pdf', :at)"),
            {"sha": "a" * 64, "at": at})
        conn.execute(text(
            "INSERT INTO mail_cases (id, subject, status, opened_at, version) "
            "VALUES (1, 'Meine Punkte', 'open', :at, 1)"), {"at": at})
        conn.execute(text(
            "INSERT INTO mail_messages (id, case_id, message_id, \"references\", outgoing, "
            "received_at, received_from, sender, subject, body, channel) VALUES (1, 1, "
            "'<m1@kunde.example>', '[]', false, :at, 'received', 'k@kunde.example', "
            "'Meine Punkte', 'Guten Tag', 'email')"), {"at": at})
        conn.execute(text(
            "INSERT INTO mail_attachments (message_id, seq, label, evidence_sha256) "
            "VALUES (1, 1, 'rechnung.pdf', :sha)"), {"sha": "a" * 64})
    engine.dispose()
    store = Store.open(url)
    try:
        assert current_revision(store.engine) == HEAD
        with store.engine.connect() as conn:
            assert conn.execute(text(
                "SELECT m.sender, a.label FROM mail_attachments a "
                "JOIN mail_messages m ON m.id = a.message_id")).all() == [
                ("k@kunde.example", "rechnung.pdf")]
            if sqlite:  # the store's own pragma is back on, and nothing dangles
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        if backend.name == "postgresql" and store.backup is not None:
            backend.made.append(str(store.backup))
    finally:
        store.close()


def test_migration_0014_gives_replies_a_send_state_and_mails_the_mailboxs_date(
        backend) -> None:  # type: ignore[no-untyped-def]
    """Issue 20: a store of revision 0013 with a mail in and a reply recorded by hand is
    upgraded; both keep their rows, with no send state (neither went through the mail
    gateway), no attempts and no words. After it, a mail may be dated ``internaldate``
    and a reply be ``queued``; other values are still refused by the CHECK constraints.
    Going back to 0013 is refused while a mail went through the gateway."""
    from alembic import command
    from sqlalchemy.exc import IntegrityError

    url = backend.empty_url()
    engine = db.make_engine(url)
    db.upgrade(engine, "0013")
    sqlite = engine.dialect.name == "sqlite"
    at = CREDITED.replace(tzinfo=None) if sqlite else CREDITED
    mail = ("INSERT INTO mail_messages (id, case_id, message_id, \"references\", outgoing, "
            "received_at, received_from, sender, subject, body, channel) VALUES (:id, 1, "
            ":mid, '[]', :out, :at, :src, 'k@kunde.example', 'Meine Punkte', 'x', 'email')")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO mail_cases (id, subject, status, opened_at, version) "
                          "VALUES (1, 'Meine Punkte', 'open', :at, 1)"), {"at": at})
        conn.execute(text(mail), {"id": 1, "mid": "<m1@kunde.example>", "out": False,
                                  "at": at, "src": "received"})
        conn.execute(text(mail), {"id": 2, "mid": "<r1@rewards.example>", "out": True,
                                  "at": at, "src": "date"})
    engine.dispose()
    store = Store.open(url)
    try:
        assert current_revision(store.engine) == HEAD
        with store.engine.begin() as conn:
            assert conn.execute(text(
                "SELECT id, send_state, send_attempts, send_detail, send_at, queued_at, "
                "recipient FROM mail_messages ORDER BY id")).all() == [
                (1, None, 0, "", None, None, None), (2, None, 0, "", None, None, None)]
            assert conn.execute(text("SELECT COUNT(*) FROM gateway_state")).scalar() == 0
            conn.execute(text(mail), {"id": 3, "mid": "<m2@kunde.example>", "out": False,
                                      "at": at, "src": "internaldate"})
            conn.execute(text("UPDATE mail_messages SET send_state = 'queued' WHERE id = 2"))
        for bad in ("UPDATE mail_messages SET send_state = 'lost' WHERE id = 2",
                    "UPDATE mail_messages SET received_from = 'imap' WHERE id = 1"):
            with pytest.raises(IntegrityError), store.engine.begin() as conn:
                conn.execute(text(bad))
        with pytest.raises(RuntimeError, match=r"^2 mail\(s\) went through the mail "
                           "gateway"), store.engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0013")
        assert current_revision(store.engine) == HEAD  # nothing was changed
        with store.engine.begin() as conn:  # without them, it goes back
            conn.execute(text("DELETE FROM mail_messages WHERE id = 3"))
            conn.execute(text("UPDATE mail_messages SET send_state = NULL"))
            command.downgrade(db._alembic_config(conn), "0013")
        assert current_revision(store.engine) == "0013"
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT id, received_from FROM mail_messages "
                                     "ORDER BY id")).all() == [(1, "received"), (2, "date")]
        if backend.name == "postgresql" and store.backup is not None:
            backend.made.append(str(store.backup))
    finally:
        store.close()
