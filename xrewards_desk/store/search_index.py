"""The search index during bulk writes: during a fill its triggers suspended, then the
index rebuilt once (a desktop's initial sync, :mod:`xrewards_desk.sync.fill`; the server's
demo build); during a batch of writes into a filled store (a later sync's page) the
documents it touches rewritten once at its end (:func:`defer`, :func:`catch_up`).

Migration 0002's triggers keep the index current row by row; an account's document is
recomputed for every order inserted, about 220 µs a row, which dominated an initial
sync. Migration 0004 lets them be suspended: while ``search_suspended`` holds its row,
they do nothing, and the index is behind the rows until :func:`rebuild` writes it again
from the live rows in a few set-based statements (as 0002 indexes an existing store).

Migration 0017 lets the rewriting be deferred: while ``search_deferred`` holds its row,
the triggers note the accounts whose documents a change touched in ``search_dirty``, and
:func:`catch_up` rewrites them in one statement. Row by row, FTS5 wrote a segment for
each statement that changed a document (it flushes at every statement savepoint): 420 µs
a document against 100 µs in one statement, measured on the demo's store.

Crash safety comes from the transactions: :func:`suspend` runs in the transaction of the
first page it precedes, :func:`rebuild` deletes the row in the transaction that rebuilds.
A sync interrupted in between (offline, killed) leaves the row behind, so the triggers
stay suspended and the next pull, whatever its cursor, rebuilds at its end.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

#: search_doc's columns after docid, as 0002's search_source view names them
_COLUMNS = ("account_id, doc, name, email, phone, referral_code, organisation, "
            "billing_account")


def _has(conn: Connection, table: str) -> bool:
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).first() is not None


def supported(conn: Connection) -> bool:
    """Whether this store's index can be suspended (a SQLite store at 0004 or newer)."""
    return conn.dialect.name == "sqlite" and _has(conn, "search_suspended")


def pending(conn: Connection) -> bool:
    """Whether the triggers are suspended, i.e. the index must be rebuilt."""
    return supported(conn) and conn.exec_driver_sql(
        "SELECT 1 FROM search_suspended").first() is not None


def suspend(conn: Connection, since: datetime) -> bool:
    """Suspend the index's triggers in the caller's transaction, noting `since` (the
    desk's clock); False where the store cannot (then the triggers go on indexing row by
    row)."""
    if not supported(conn):
        return False
    conn.exec_driver_sql("INSERT OR IGNORE INTO search_suspended(id, since) VALUES (1, ?)",
                         (since.isoformat(),))
    return True


def rebuild(conn: Connection) -> bool:
    """If the triggers are suspended: write the index again from the live rows and let
    the triggers work again, in the caller's transaction. Returns whether it rebuilt."""
    if not pending(conn):
        return False
    # The triggers on search_doc are suspended too, so these statements leave the FTS
    # tables alone until both are rebuilt from search_doc in one pass each.
    conn.exec_driver_sql("DELETE FROM search_doc")
    conn.exec_driver_sql(f"INSERT INTO search_doc({_COLUMNS}) "
                         f"SELECT {_COLUMNS} FROM search_source ORDER BY account_id")
    conn.exec_driver_sql("INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')")
    conn.exec_driver_sql("INSERT INTO search_prefix(search_prefix) VALUES ('rebuild')")
    conn.exec_driver_sql("DELETE FROM search_suspended")
    return True


def defer(conn: Connection) -> bool:
    """Defer rewriting documents to :func:`catch_up`, in the caller's transaction, which
    must call it before it commits. False where the store cannot (not SQLite, a schema
    before 0017) or the triggers are suspended (a fill rebuilds everything anyway): then
    nothing changes."""
    if not supported(conn) or not _has(conn, "search_deferred") or pending(conn):
        return False
    conn.exec_driver_sql("INSERT OR IGNORE INTO search_deferred(id) VALUES (1)")
    return True


#: the documents of the noted accounts, rewritten where they changed: existing ones in
#: docid order, then new ones (their docids come after every other); FTS5 writes its
#: pending terms out whenever a rowid comes below the last one it wrote. The CROSS JOIN
#: keeps the few noted accounts the outer loop, instead of a scan of every account.
_FIELDS = _COLUMNS.split(", ")[1:]
_CATCH_UP = (
    f"INSERT INTO search_doc({_COLUMNS}) "
    f"SELECT s.account_id, {', '.join(f's.{c}' for c in _FIELDS)} "
    "FROM search_dirty AS d CROSS JOIN search_source AS s ON s.account_id = d.account_id "
    "LEFT JOIN search_doc AS was ON was.account_id = d.account_id "
    "WHERE true ORDER BY was.docid IS NULL, was.docid, d.account_id "
    f"ON CONFLICT(account_id) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _FIELDS)} "
    f"WHERE ({', '.join(f'search_doc.{c}' for c in _FIELDS)}) "
    f"IS NOT ({', '.join(f'excluded.{c}' for c in _FIELDS)})")


def catch_up(conn: Connection) -> int:
    """If rewriting was deferred: rewrite the documents of the accounts noted since, in
    one statement, and end the deferral, in the caller's transaction. Returns how many
    accounts were noted (0 where nothing was deferred)."""
    if not supported(conn) or not _has(conn, "search_deferred"):
        return 0
    if conn.exec_driver_sql("SELECT 1 FROM search_deferred").first() is None:
        return 0
    noted = int(conn.exec_driver_sql("SELECT count(*) FROM search_dirty").scalar_one())
    if noted:
        conn.exec_driver_sql(_CATCH_UP)
        conn.exec_driver_sql("DELETE FROM search_dirty")
    conn.exec_driver_sql("DELETE FROM search_deferred")
    return noted


__all__ = ["catch_up", "defer", "pending", "rebuild", "supported", "suspend"]
