"""The desktop's local store, encrypted: opened with its data folder's key, and a plain
store left by an older version moved over on the first start of this one.

Moving a plain store over (``encrypt_plain``) is made so that a crash at any point leaves
exactly one readable store and loses nothing; each step names the state it leaves:

1. ``settled``: the plain store's WAL is folded into its file and the WAL switched off, so
   the file alone is the whole store (no plain -wal/-shm is left to be replayed later);
2. ``copied``: ``sqlcipher_export`` into ``desk.sqlite.encrypting``, a new 0600 file
   encrypted with the key (a crash so far: the plain store is untouched and the partial
   copy is thrown away at the next start);
3. ``checked``: the copy passes ``integrity_check`` and has, table by table, the plain
   store's row counts (else it is thrown away and the plain store stays);
4. ``synced``: the copy fsync'd;
5. ``linked``: the plain store gets a second name, ``desk.sqlite.plain`` (a hard link: the
   same file, nothing copied);
6. ``swapped``: the copy renamed over ``desk.sqlite`` (atomic; the folder fsync'd). Before
   it, ``desk.sqlite`` is the plain store; after it, the encrypted one;
7. ``shredding``/``shredded``: ``desk.sqlite.plain`` overwritten with zeros and fsync'd;
8. ``removed``: then removed.

At each start the folder is read for what a crash left: the header of ``desk.sqlite``
tells which side of the swap it stopped on (a plain SQLite file starts with
``SQLite format 3``; an encrypted one with random salt). On the plain side the partial copy
and the second name are dropped (the name is the plain store itself: it is unlinked, never
overwritten) and the move starts again; on the encrypted side the plain file left under the
second name is overwritten and removed.

Overwriting is what a program can do: on an SSD or a copy-on-write file system the old
blocks may survive it. The WAL's plain pages are folded into the store and the WAL
truncated, not overwritten (SQLite owns it while it is open).
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from .db import Store, cipher_connect, cipher_module, make_engine, sqlite_url
from .keys import PLAIN_HEADER, STORE_NAME, DeskKey, desk_key

#: test hook: the process kills itself (SIGKILL) when it reaches the step of this name
STOP_AT_ENV = "XREWARDS_TEST_STOP_AT"
STEPS = ("settled", "copied", "checked", "synced", "linked", "swapped", "shredding",
         "shredded", "removed")

_COPY = ".encrypting"
_PLAIN = ".plain"
_CHUNK = 1 << 20


class EncryptionFailed(Exception):
    """The encrypted copy of a plain store did not match it; the plain store is kept."""


def _reached(step: str) -> None:
    if os.environ.get(STOP_AT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def is_plain(path: Path) -> bool:
    """Whether `path` is a plain (unencrypted) SQLite file."""
    try:
        with path.open("rb") as f:
            return f.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def shred(path: Path) -> None:
    """Overwrite `path` with zeros to its length, fsync it, then remove it."""
    if not path.exists():
        return
    size = path.stat().st_size
    zeros = bytes(_CHUNK)
    fd = os.open(path, os.O_WRONLY)
    try:
        written = 0
        while written < size:
            written += os.write(fd, zeros[:min(_CHUNK, size - written)])
            _reached("shredding")
        os.fsync(fd)
    finally:
        os.close(fd)
    _reached("shredded")
    path.unlink()
    _fsync_folder(path.parent)
    _reached("removed")


def _tables(conn: sqlite3.Connection, schema: str = "main") -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        f"SELECT name FROM {schema}.sqlite_schema WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
            for name in names}


def _settle(path: Path) -> dict[str, int]:
    """Fold the plain store's WAL into its file, switch the WAL off; its row counts."""
    in_use = EncryptionFailed(f"{path} is in use by another program (an older xrewards-desk "
                              "still running?): close it and start again")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "delete":
            raise in_use
        counts = _tables(conn)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise in_use from exc
        raise
    finally:
        conn.close()
    return counts


def _copy(path: Path, copy: Path, key: DeskKey) -> None:
    fd = os.open(copy, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    conn = cipher_module().connect(str(path), isolation_level=None)  # no key: plain
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key.attach(copy, "encrypted"))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def _check(copy: Path, key: DeskKey, counts: dict[str, int]) -> None:
    conn = cipher_connect(copy, key, isolation_level=None)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise EncryptionFailed(f"the encrypted copy fails SQLite's integrity check "
                                   f"({problems[0]}); the plain store was kept")
        copied = _tables(conn)
    finally:
        conn.close()
    if copied != counts:
        differ = sorted(n for n in counts.keys() | copied.keys()
                        if counts.get(n) != copied.get(n))
        raise EncryptionFailed(f"the encrypted copy differs from the plain store in "
                               f"{', '.join(differ)}; the plain store was kept")


def recover(path: Path) -> None:
    """Finish or undo what an interrupted move left (see the module's text)."""
    copy, plain = _sidecar(path, _COPY), _sidecar(path, _PLAIN)
    if is_plain(path):
        # before the swap: the copy is unfinished or unchecked; `plain` is the same file
        _remove(plain, copy, _sidecar(copy, "-journal"))
    elif path.exists():
        # after the swap: the encrypted store is whole; the plain one is left to shred
        _remove(copy, _sidecar(copy, "-journal"))
        shred(plain)


def encrypt_plain(path: Path, key: DeskKey) -> bool:
    """Move the plain store at `path` over into one encrypted with `key`, crash-safe (see
    the module's text); False when it was not plain (nothing to do but tidy up)."""
    recover(path)
    if not is_plain(path):
        return False
    copy, plain = _sidecar(path, _COPY), _sidecar(path, _PLAIN)
    counts = _settle(path)
    _reached("settled")
    for left in ("-wal", "-shm"):
        _remove(_sidecar(path, left))  # journal_mode DELETE removed them; empty if not
    _copy(path, copy, key)
    _reached("copied")
    try:
        _check(copy, key, counts)
    except Exception:
        _remove(copy, _sidecar(copy, "-journal"))
        raise
    _reached("checked")
    _fsync_file(copy)
    _fsync_folder(path.parent)
    _reached("synced")
    os.link(path, plain)
    _fsync_folder(path.parent)
    _reached("linked")
    os.replace(copy, path)
    _fsync_folder(path.parent)
    _reached("swapped")
    shred(plain)
    return True


def plain_copies(data_dir: Path) -> list[Path]:
    """The plain stores in a data folder: the store and its copies aside before upgrades
    (``desk.before-upgrade-*.sqlite``), as an older version left them."""
    stem, suffix = Path(STORE_NAME).stem, Path(STORE_NAME).suffix
    found = [data_dir / STORE_NAME, *sorted(data_dir.glob(f"{stem}.before-upgrade-*{suffix}"))]
    return [p for p in found if is_plain(p) or _sidecar(p, _PLAIN).exists()
            or _sidecar(p, _COPY).exists()]


def open_local(data_dir: Path, *, demo: bool = False,
               passphrase: Callable[[], str] | None = None,
               moving: Callable[[], None] | None = None) -> Store:
    """The data folder's local store, encrypted with its key (store/keys.py ``desk_key``):
    plain stores an older version left there are moved over first (`moving` is called
    before, to say so). Raises keys.KeyUnavailable or db.StoreError with a sentence."""
    key = desk_key(data_dir, demo=demo, passphrase=passphrase)
    left = plain_copies(data_dir)
    if left and moving is not None and any(is_plain(p) for p in left):
        moving()
    for path in left:
        encrypt_plain(path, key)
    return Store.open(sqlite_url(data_dir / STORE_NAME), key=key)


def reading_engine(data_dir: Path, *,
                   passphrase: Callable[[], str] | None = None) -> Engine:
    """An engine on the data folder's store as it is, for a quick read: a plain one (an
    older version's, not moved over yet) plainly, an encrypted one with the folder's key;
    nothing migrated or upgraded."""
    path = data_dir / STORE_NAME
    if is_plain(path):
        return make_engine(sqlite_url(path))
    return make_engine(sqlite_url(path), key=desk_key(data_dir, passphrase=passphrase))
