"""A plain local store left by an older version is moved over into an encrypted one on the
first start of this one (issue 22, item 3), and a kill at any step of the move leaves one
readable store that loses nothing: a real process is killed (SIGKILL, by itself at the
step XREWARDS_TEST_STOP_AT names) at each step, then started again."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from xrewards_desk.store import db, folding
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.store.keys import ENV, PLAIN_HEADER, DeskKey, parse_key
from xrewards_desk.store.local import STEPS, STOP_AT_ENV, encrypt_plain, is_plain, open_local
from xrewards_desk.store.search import search

EMAIL = "j.mueller@mueller.example"
#: accounts written before the WAL was last folded, and after it (only in the -wal file)
IN_FILE, IN_WAL = 40, 7


def _plain_store(folder: Path) -> dict[str, int]:
    """A plain store as the previous version left it: rows in the file and, written last,
    rows only in its -wal (the writer still had it open). Its row counts per table."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder.parent / (folder.name + "-writing")
    work.mkdir()
    store = Store.open(sqlite_url(work / "desk.sqlite"))
    insert = text(
        "INSERT INTO accounts (id, organisation_id, billing_account_id, name, email, "
        "email_key, language, registered_at, status, referral_void, spend, debt, "
        "claims_total, next_lot, next_entry, next_notice, has_completed_order, "
        "first_order_candidates, version) VALUES (:id, 'ORG-1', 'BA-1', :name, :email, "
        ":email, 'de', '2025-03-04 09:30:00', 'active', 0, 0, 0, 0, 1, 1, 1, 0, '[]', 1)")
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (id, name) VALUES ('ORG-1', 'Müller')"))
        conn.execute(text("INSERT INTO billing_accounts (id, organisation_id, name) "
                          "VALUES ('BA-1', 'ORG-1', 'Müller Einkauf')"))
        for n in range(1, IN_FILE + 1):
            conn.execute(insert, {"id": f"XR-{n:07d}", "name": f"Jürgen Müller {n}",
                                  "email": f"{n}.{EMAIL}"})
    store.close()  # the last connection folds the WAL into the file
    writer = sqlite3.connect(work / "desk.sqlite", isolation_level=None)
    folding.register(writer)  # the search index's triggers call it
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    for n in range(IN_FILE + 1, IN_FILE + IN_WAL + 1):
        writer.execute(insert.text, {"id": f"XR-{n:07d}", "name": f"Jürgen Müller {n}",
                                     "email": f"{n}.{EMAIL}"})
    counts = _counts(writer)
    # the files as a crash of that version would leave them: the store and its -wal
    for name in ("desk.sqlite", "desk.sqlite-wal"):
        shutil.copyfile(work / name, folder / name)
    writer.close()
    shutil.rmtree(work)
    return counts


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%'")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _readable_stores(folder: Path, key: DeskKey) -> dict[str, dict[str, int]]:
    """The row counts of every file in `folder` that can be read as a store (plain, or
    with `key`), by name."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(("-wal", "-shm", "-journal")) or not path.stat().st_size:
            continue
        try:
            conn = (sqlite3.connect(f"file:{path}?mode=ro", uri=True) if is_plain(path)
                    else db.cipher_connect(f"file:{path}?mode=ro", key, uri=True))
        except db.sqlite_errors("DatabaseError"):
            continue  # a partial copy, or overwritten: not a store
        try:
            found[path.name] = _counts(conn)
        except db.sqlite_errors("DatabaseError"):
            pass
        finally:
            conn.close()
    return found


def _start(folder: Path, stop_at: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, STOP_AT_ENV: stop_at or ""}
    code = ("from pathlib import Path\nfrom xrewards_desk.store.local import open_local\n"
            f"open_local(Path({str(folder)!r})).close()\nprint('opened')")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)


def _assert_moved(folder: Path, key: DeskKey, counts: dict[str, int]) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["desk.sqlite"]
    store = folder / "desk.sqlite"
    assert not store.read_bytes().startswith(PLAIN_HEADER)
    assert EMAIL.encode() not in store.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(store).execute("SELECT count(*) FROM accounts").fetchone()
    conn = db.cipher_connect(store, key)
    try:
        assert _counts(conn) == counts
    finally:
        conn.close()


def test_a_plain_store_is_moved_over_at_first_start_and_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    counts = _plain_store(folder)
    assert counts["accounts"] == IN_FILE + IN_WAL and (folder / "desk.sqlite-wal").exists()
    key = DeskKey(parse_key(os.environ[ENV]), "environment")

    store = open_local(folder)
    try:
        assert store.key == key
        with store.session() as s:  # the rows that were only in the -wal came through
            assert s.execute(text("SELECT name FROM accounts WHERE id = :id"),
                             {"id": f"XR-{IN_FILE + IN_WAL:07d}"}).scalar() == \
                f"Jürgen Müller {IN_FILE + IN_WAL}"
            hits = search(s, f"{IN_FILE + 1}.{EMAIL}")  # the search index came along
            assert [h.account_id for h in hits][:1] == [f"XR-{IN_FILE + 1:07d}"]
    finally:
        store.close()
    for name in ("desk.sqlite-wal", "desk.sqlite-shm"):  # the encrypted store's own
        (folder / name).unlink(missing_ok=True)
    _assert_moved(folder, key, counts)
    assert encrypt_plain(folder / "desk.sqlite", key) is False  # nothing more to do


def test_plain_copies_aside_are_encrypted_too(tmp_path: Path) -> None:
    """The copy an older version put aside before an upgrade is plain customer data too."""
    folder = tmp_path / "data"
    counts = _plain_store(folder)
    aside = folder / "desk.before-upgrade-0015-20261101T090000Z.sqlite"
    conn = sqlite3.connect(folder / "desk.sqlite")
    conn.execute("VACUUM INTO ?", (str(aside),))
    conn.close()
    open_local(folder).close()
    key = DeskKey(parse_key(os.environ[ENV]), "environment")
    assert not is_plain(aside) and EMAIL.encode() not in aside.read_bytes()
    copy = db.cipher_connect(aside, key)
    assert _counts(copy) == counts
    copy.close()


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_of_the_move_leaves_one_readable_store(
        tmp_path: Path, step: str) -> None:
    folder = tmp_path / "data"
    counts = _plain_store(folder)
    key = DeskKey(parse_key(os.environ[ENV]), "environment")

    killed = _start(folder, step)
    assert killed.returncode == -signal.SIGKILL, (step, killed.stdout, killed.stderr)
    # what the kill left: the store, readable and complete (plain before the swap,
    # encrypted after it). Besides it, what the next start removes: the encrypted copy
    # before it was renamed over the store, and the plain file's second name, which is
    # the store itself (linked) or the plain store waiting to be overwritten (swapped;
    # unreadable once the first zeros are written)
    readable = _readable_stores(folder, key)
    assert readable.pop("desk.sqlite") == counts, sorted(p.name for p in folder.iterdir())
    assert is_plain(folder / "desk.sqlite") == (STEPS.index(step) < STEPS.index("swapped"))
    leftovers = {}
    if step in {"copied", "checked", "synced", "linked"}:
        leftovers["desk.sqlite.encrypting"] = counts
        assert not is_plain(folder / "desk.sqlite.encrypting")
    if step in {"linked", "swapped"}:
        leftovers["desk.sqlite.plain"] = counts
    assert readable == leftovers, step

    again = _start(folder, None)
    assert again.returncode == 0 and again.stdout.strip() == "opened", again.stderr
    for name in ("desk.sqlite-wal", "desk.sqlite-shm"):
        (folder / name).unlink(missing_ok=True)
    _assert_moved(folder, key, counts)
