"""Issue 22, done when: after a headless sync of the demo, no customer's e-mail address, name
or IBAN can be found in any file the desktop wrote in its data folder (the store, its WAL,
its copies), and plain SQLite cannot open the store."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.demo_fixture import Demo
from tests.ui_harness import demo_server
from xrewards_desk.store import db
from xrewards_desk.store.folding import fold
from xrewards_desk.store.keys import ENV, DeskKey, parse_key
from xrewards_desk.store.local import open_local

EXE = str(Path(sys.executable).with_name("xrewards-desk"))
#: an IBAN as written in text: two letters, two check digits, 11 to 30 letters and digits,
#: with or without groups of four
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")


def _customer_words(server_db: Path) -> set[str]:
    """Every demo customer's name and e-mail address (as written and as the search index
    folds them), and every IBAN in any text the server holds about them."""
    conn = sqlite3.connect(f"file:{server_db}?mode=ro", uri=True)
    try:
        words: set[str] = set()
        for name, email in conn.execute("SELECT name, email FROM accounts"):
            words |= {name, fold(name), email}
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE '%VIRTUAL%'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                       if r[2].upper() in {"TEXT", "VARCHAR", "JSON", ""}
                       or r[2].upper().startswith("VARCHAR")]
            for column in columns:
                for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}" '
                                             f'WHERE "{column}" IS NOT NULL'):
                    if isinstance(value, str):
                        words |= {m.group(0) for m in IBAN.finditer(value)}
    finally:
        conn.close()
    return {w for w in words if len(w) >= 6}


def _found_in(folder: Path, words: set[str]) -> dict[str, list[str]]:
    """The words found in the raw bytes of each file under `folder`, by file."""
    needles = {w: w.encode() for w in words}
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        content = path.read_bytes()
        hits = sorted(w for w, b in needles.items() if b in content)
        if hits:
            found[str(path.relative_to(folder))] = hits[:5]
    return found


def test_after_a_headless_sync_of_the_demo_no_customer_data_is_in_the_desktops_files(
        demo: Demo, tmp_path: Path) -> None:
    data = tmp_path / "desk"
    with demo_server(demo, tmp_path / "server") as server:
        words = _customer_words(tmp_path / "server" / "server.sqlite")
        assert len([w for w in words if "@" in w]) >= 100  # the demo's customers, all
        env = {**os.environ, "XREWARDS_PASSWORD": demo.password("anna")}
        done = subprocess.run(
            [EXE, "sync", "--api", server.base.removesuffix("/v1"), "--user", "anna",
             "--data-dir", str(data)], capture_output=True, text=True, timeout=600,
            env=env, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr

    store_file = data / "desk.sqlite"
    key = DeskKey(parse_key(os.environ[ENV]), "environment")
    # the store holds the customers (the sync worked) ...
    store = open_local(data)
    try:
        with store.session(write=True) as s:
            count = s.execute(text("SELECT count(*) FROM accounts")).scalar()
            assert count is not None and count >= 100
            # a write whose pages (accounts' rows: names, e-mails) stay in the WAL while
            # the store is open
            s.execute(text("UPDATE accounts SET version = version + 1 WHERE rowid IN "
                           "(SELECT rowid FROM accounts ORDER BY rowid LIMIT 200)"))
        assert (data / "desk.sqlite-wal").stat().st_size > 0
        backup = db.backup_sqlite(store.engine, "test", key=key)  # a copy aside
        # ... and no file of the desktop shows any of them: the store, its WAL (while
        # open), the copy aside, and whatever else the sync wrote in the folder
        assert _found_in(data, words) == {}
    finally:
        store.close()
    assert _found_in(data, words) == {}
    assert backup.exists()

    for path in (store_file, backup):
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            sqlite3.connect(path).execute("SELECT count(*) FROM accounts").fetchone()
