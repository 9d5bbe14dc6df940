"""The search index during a bulk fill: its triggers suspended, then rebuilt once (a
desktop's initial sync, :mod:`xrewards_desk.sync.fill`; the server's demo build).

Migration 0002's triggers keep the index current row by row; an account's document is
recomputed for every order inserted, about 220 µs a row, which dominated an initial
sync. Migration 0004 lets them be suspended: while ``search_suspended`` holds its row,
they do nothing, and the index is behind the rows until :func:`rebuild` writes it again
from the live rows in a few set-based statements (as 0002 indexes an existing store).

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


def supported(conn: Connection) -> bool:
    """Whether this store's index can be suspended (a SQLite store at 0004 or newer)."""
    if conn.dialect.name != "sqlite":
        return False
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_suspended'"
    ).first() is not None


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


__all__ = ["pending", "rebuild", "supported", "suspend"]
