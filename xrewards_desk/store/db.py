"""Opening a store: the engine set-up, Alembic migrations, and a copy aside before any
upgrade.

``Store.open(url)`` creates a new store at the newest schema, opens a current one as it
is, and upgrades an older one after copying it aside: on SQLite a consistent copy through
SQLite's backup API beside the file; on PostgreSQL a new database made from the store as
its template (``CREATE DATABASE … TEMPLATE``), which needs the CREATEDB right and nobody
else connected. Where no copy can be made, nothing is upgraded and the error says what
to do. A store newer than this program is refused, never touched.

With a ``DeskKey`` (store/keys.py) a SQLite store is a SQLCipher file: every connection is
made by ``sqlcipher3`` and keyed before anything else runs, and the copy aside before an
upgrade is made with the same key. Without one it is plain SQLite (the reference server's
store, the tests' own stores).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from xrewards_desk.store import folding

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # Alembic is imported where a migration runs or is listed (~190 ms)
    from concurrent.futures import ThreadPoolExecutor

    from alembic.config import Config

    from xrewards_desk.store.keys import DeskKey

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(Exception):
    """A store that cannot be opened as it is; the message says why and what to do."""


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> list[str]:
    """Every migration, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def sqlite_url(path: Path | str) -> str:
    return f"sqlite+pysqlite:///{Path(path)}"


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    folding.register(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(url: str, *, key: DeskKey | None = None, **kwargs: Any) -> Engine:
    """An engine with the store's set-up: on SQLite, foreign keys on, WAL, and the search
    folding functions the index triggers call; with `key`, a SQLCipher file opened with it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _private_file(Path(database))
        if key is not None:
            kwargs = {**kwargs, **_sqlcipher_args(database or ":memory:", key)}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        # pysqlite's own transaction handling would defer BEGIN; let SQLAlchemy emit it.
        event.listen(engine, "connect", _sqlite_autocommit_off)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if key is not None:
        raise StoreError("only a SQLite store can be encrypted with a desk key")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def cipher_module() -> Any:
    """``sqlcipher3.dbapi2``: the stdlib sqlite3 module built on SQLCipher 4."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def cipher_connect(path: Path | str, key: DeskKey, **kwargs: Any) -> Any:
    """A sqlcipher3 connection to `path`, keyed before any other statement; a wrong key or
    a file that is not this store fails here ("file is not a database")."""
    connection = cipher_module().connect(str(path), **kwargs)
    try:
        # a wrong key is told by the exception; SQLCipher's own log would repeat it on stderr
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(key.pragma())
        connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except Exception:
        connection.close()
        raise
    return connection


def as_sqlite(raw: object) -> sqlite3.Connection | None:
    """`raw` if it is a SQLite DB-API connection: the stdlib's, or sqlcipher3's (the same
    module built on SQLCipher, so the same API); else None."""
    if isinstance(raw, sqlite3.Connection):
        return raw
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None and isinstance(raw, cipher.Connection):
        return cast(sqlite3.Connection, raw)
    return None


def sqlite_errors(name: str) -> tuple[type[Exception], ...]:
    """The stdlib's SQLite error class `name` (e.g. "OperationalError") and sqlcipher3's,
    if it is loaded: what an ``except`` on a SQLite DB-API connection must catch."""
    found: list[type[Exception]] = [getattr(sqlite3, name)]
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None:
        found.append(getattr(cipher, name))
    return tuple(found)


#: the page cache of an encrypted store's connection (KiB, as SQLite's negative
#: cache_size): SQLCipher decrypts each page it reads from the file, where a plain store's
#: come from the OS cache, so the decrypted pages a search reads again are kept here. It
#: grows as pages are read and stays, so it is memory the desktop holds (one connection:
#: the store lane's). 1,000,000 accounts, 06.12.2026, 2-core VM at load 2, SQLCipher 4.12:
#: search p95 (bench_search.py --encrypted) 40.6 ms with SQLCipher's 8 MB, 15.5 ms with
#: 32 MiB, 14.7 ms with 256 MiB (plain 10.2 ms); the window's peak (bench_memory.py
#: --encrypted) 277 MB with 32 MiB, 510 MB with 256 MiB (plain 238 MB; target 300). With
#: 32 MiB on SQLCipher 4.19 (SQLite 3.53.4), same day, load 0.5: p95 7.8 ms, plain 9.1 ms
#: (0.87x). mmap_size cannot help (SQLCipher never maps an encrypted file);
#: cipher_memory_security is off by default (4.12 and 4.19).
CIPHER_CACHE_KIB = 32 * 1024


def _cached_connect(database: str, key: DeskKey) -> Any:
    connection = cipher_connect(database, key, check_same_thread=False)
    connection.execute(f"PRAGMA cache_size = -{CIPHER_CACHE_KIB}")
    return connection


def _sqlcipher_args(database: str, key: DeskKey) -> dict[str, Any]:
    """create_engine's arguments for a SQLCipher store: the pysqlite dialect over the
    sqlcipher3 module (its errors are SQLAlchemy's DBAPI errors as usual), with connections
    made keyed by a creator: the key never is in the URL, which SQLAlchemy may log."""
    return {"module": cipher_module(), "creator": lambda: _cached_connect(database, key)}


def _sqlite_autocommit_off(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None


#: the execution option of a transaction that writes (Store.session(write=True))
WRITE = "xrewards_write"


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a transaction that will write: it waits (the busy
    timeout) for another process's write to end and then reads what it wrote; a deferred
    one that read first and then tries to write after another process committed is
    refused at once by SQLite ("database is locked": its snapshot is stale), whatever
    the timeout."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE)
                         else "BEGIN")


def _private_file(path: Path) -> None:
    """Customer data on a laptop: the folder 0700, the file (and WAL files) 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def known_by_files() -> list[str]:
    """Every migration, oldest first, from the names of the files in migrations/versions
    (``NNNN_what.py`` holds revision ``NNNN``, each the next of the one before; a test
    holds them to Alembic's own list): so that opening a current store imports no
    Alembic."""
    return sorted(path.name.split("_", 1)[0]
                  for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision (Alembic's table read plainly, as Alembic reads it);
    None for an empty store."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    if len(rows) > 1:
        raise StoreError(f"this store has {len(rows)} schema revisions at once "
                         f"({', '.join(str(r[0]) for r in rows)}); it was not made by "
                         "xrewards-desk")
    return str(rows[0][0]) if rows else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the store to `revision` in one transaction.

    On SQLite a migration in batch mode makes a table again and drops the old one, which
    fails with foreign keys on wherever another table's rows point at it. SQLite's own
    procedure for that (https://sqlite.org/lang_altertable.html, "other kinds of table
    schema changes"): foreign keys off for the upgrade, outside its transaction, then
    `PRAGMA foreign_key_check` before the commit: a row left dangling rolls it all back."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection if sqlite else None
        if raw is not None:  # before BEGIN: inside a transaction the pragma does nothing
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                from alembic import command

                command.upgrade(_alembic_config(connection), revision)
                if sqlite:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if dangling:
                        raise StoreError(
                            f"the upgrade would leave {len(dangling)} row(s) pointing at "
                            f"nothing (first: table {dangling[0][0]}, row {dangling[0][1]}); "
                            "nothing was changed")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def backup_sqlite(engine: Engine, revision: str, now: datetime | None = None,
                  key: DeskKey | None = None) -> Path:
    """A consistent copy of a SQLite store beside it, named for its revision and the time;
    with `key` (the store's), encrypted with it like the store."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise StoreError("an in-memory store cannot be copied aside")
    source = Path(database)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.stem}.before-upgrade-{revision}-{stamp}{source.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(
            f"{source.stem}.before-upgrade-{revision}-{stamp}-{n}{source.suffix}")
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    if key is None:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return target
    # SQLCipher's backup API copies pages between databases keyed alike: the copy is
    # encrypted with the same key, never a plain one
    src = cipher_connect(source, key)
    try:
        dst = cipher_connect(target, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def backup_postgres(engine: Engine, revision: str, now: datetime | None = None) -> str:
    """A copy of a PostgreSQL store as a new database on the same server; its name."""
    source = engine.url.database
    if not source:
        raise StoreError("the PostgreSQL URL names no database")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    target = f"{source[:30]}_before_{revision}_{stamp}"
    engine.dispose()  # our own connections would block the copy
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            quoted = admin.dialect.identifier_preparer.quote
            conn.exec_driver_sql(f"CREATE DATABASE {quoted(target)} TEMPLATE {quoted(source)}")
    except Exception as exc:
        raise StoreError(
            f"the store has the older schema {revision} and could not be copied aside before "
            f"upgrading ({type(exc).__name__}: {str(exc).splitlines()[0]}). Stop everything "
            "connected to it, or back it up with pg_dump and then run "
            "'xrewards-desk db upgrade --db URL --without-copy'") from exc
    finally:
        admin.dispose()
    return target


@dataclass
class Store:
    """An open, current store: its engine and a session factory."""

    engine: Engine
    #: where the store was copied before an upgrade on opening, if it was: a file beside a
    #: SQLite store, or the name of a PostgreSQL database
    backup: Path | str | None = None
    upgraded_from: str | None = None
    #: the data folder's key of an encrypted (SQLCipher) store; None for a plain one. Its
    #: ``file_key`` encrypts the folder's files.
    key: DeskKey | None = None

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._folding = threading.Lock()
        self._folder: ThreadPoolExecutor | None = None
        self._fold_waiting = False

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @classmethod
    def open(cls, url: str, *, upgrade_older: bool = True, copy_aside: bool = True,
             key: DeskKey | None = None, **engine_kwargs: Any) -> Store:
        """Open the store at `url`, creating or upgrading its schema as needed.

        `copy_aside=False` upgrades without a copy: for an operator who made their own.
        `key`: a SQLite store encrypted with SQLCipher (made so if it is new)."""
        engine = make_engine(url, key=key, **engine_kwargs)
        try:
            try:
                have = current_revision(engine)
            except DatabaseError as exc:
                if key is None or "not a database" not in str(exc.orig):
                    raise
                raise StoreError(
                    f"{engine.url.database} cannot be read as a local store with this data "
                    f"folder's key (from the {key.source}): it was encrypted with another "
                    "key, or it is damaged or not a store; move it aside and sync "
                    "again") from exc
            known = known_by_files()
            head = known[-1]
            if have is not None and have not in known:
                raise StoreError(
                    f"this store has schema {have}, which is newer than this program knows "
                    f"(newest {head}); use a newer xrewards-desk")
            backup: Path | str | None = None
            if have is None:
                upgrade(engine)
            elif have != head:
                if not upgrade_older:
                    raise StoreError(f"this store has the older schema {have}; "
                                     f"upgrade it to {head} first")
                if copy_aside and engine.dialect.name == "sqlite":
                    backup = backup_sqlite(engine, have, key=key)
                elif copy_aside and engine.dialect.name == "postgresql":
                    backup = backup_postgres(engine, have)
                elif copy_aside:
                    raise StoreError(f"cannot copy a {engine.dialect.name} store aside; back "
                                     "it up, then upgrade it with --without-copy")
                upgrade(engine)
            return cls(engine, backup, have if have not in (None, head) else None, key)
        except Exception:
            engine.dispose()
            raise

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, rolled back otherwise.
        `write`: it will write, so on SQLite it takes the write lock at its start (BEGIN
        IMMEDIATE), waiting for another process's writer rather than failing later."""
        with self._sessions() as session, session.begin():
            if write:
                session.connection(execution_options={WRITE: True})
            yield session

    def fold_wal_soon(self) -> None:
        """Have the WAL folded into the file on the store's own thread (SQLite's PASSIVE
        checkpoint, on a connection of its own), off the thread that wrote it; at most one
        waits. SQLite's way for a writer that should not wait for its checkpoints: a pull
        after the fill checkpoints its connection only every 400 MiB and asks for this
        when it ends (sync/runner.py), so its last commit does not wait for the disk
        (0.20-0.26 s at 100,000 accounts) and the desk reads the new rows from the WAL
        meanwhile. PASSIVE waits for no reader or writer; what it cannot fold yet, the
        next checkpoint does. Nothing on other databases."""
        if self.dialect != "sqlite":
            return
        with self._folding:
            if self._fold_waiting:
                return
            if self._folder is None:
                from concurrent.futures import ThreadPoolExecutor

                self._folder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal")
            self._fold_waiting = True
            self._folder.submit(self._fold)

    def _fold(self) -> None:
        with self._folding:
            self._fold_waiting = False
        try:
            conn = self.engine.raw_connection()
            try:
                conn.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                conn.close()
        except Exception as exc:  # the next automatic checkpoint folds it in instead
            log.warning("folding the WAL into the store failed: %s", exc)

    def folded(self) -> None:
        """Wait until the checkpoints asked for are done (a benchmark's measure, a test)."""
        with self._folding:
            folder = self._folder
        if folder is not None:
            folder.submit(lambda: None).result()

    def close(self) -> None:
        with self._folding:
            folder, self._folder = self._folder, None
        if folder is not None:  # a checkpoint under way ends before its connection goes
            folder.shutdown(wait=True)
        self.engine.dispose()
