"""Filling the local store from nothing: what the rows need is kept, the rest is built
once at the end.

An initial sync writes every record of the program, page after page, into tables that
keep growing. Row by row, two kinds of structure cost most of that:

- the search index's triggers (:mod:`.search_index`): an account's document is computed
  again for every order inserted;
- the secondary B-tree indexes (an account's orders, a lot's account and expiry, an
  entry's source, ...): each row inserted lands on a random leaf of each of them, so on
  a large store a page of 5,000 changes dirtied about 14,000 pages (58 MB written to
  the WAL and again into the file), against 33 MB without them (measured at 1.5 million
  changes of the 100,000-account program).

So :func:`begin` suspends the triggers and drops those secondary indexes, in the
transaction of the first page; :func:`finish` creates every index the models declare
that the store lacks, then rebuilds the search index, in one transaction, and ends the
suspension. Primary keys and unique constraints stay (the upserts and foreign keys need
them), and so does every index the fill itself reads by: a child table's index on its
parent (:data:`.apply.CHILDREN`), used to replace an account's addresses.

Crash safety is the search index's: the drop happens in the transaction that writes
``search_suspended``'s row, and the indexes come back in the transaction that deletes
it. A fill interrupted in between (offline, killed) leaves the row, so the next pull,
whatever its cursor, goes on filling and finishes. Meanwhile the store answers every
query, some of them without an index (slowly), and search finds nothing new.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.engine import Connection

from ..store.models import Base
from . import search_index
from .apply import CHILDREN, TABLES

#: the tables a fill writes
FILLED = frozenset({model.__tablename__ for model in TABLES.values()} | set(CHILDREN)
                   | {"users", "program"})


def deferred() -> list[Index]:
    """The indexes a fill drops: every non-unique index of the tables it writes, except
    a child table's index on its parent column."""
    out = []
    for table in Base.metadata.sorted_tables:
        if table.name not in FILLED:
            continue
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            first = next(iter(index.columns)).name
            if index.unique or CHILDREN.get(table.name) == first:
                continue
            out.append(index)
    return out


def pending(conn: Connection) -> bool:
    """Whether a fill was begun and not finished."""
    return search_index.pending(conn)


def begin(conn: Connection, since: datetime) -> bool:
    """Begin filling at `since` (the desk's clock), in the caller's transaction (that of
    the first page); False where the store cannot (then everything stays, row by row)."""
    if not search_index.suspend(conn, since):
        return False
    quote = conn.dialect.identifier_preparer.quote
    for index in deferred():
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {quote(str(index.name))}")
    return True


def finish(conn: Connection) -> bool:
    """If a fill is pending: create the indexes the store lacks, rebuild the search
    index and end the fill, in the caller's transaction. Returns whether it did."""
    if not pending(conn):
        return False
    for index in deferred():
        index.create(conn, checkfirst=True)
    search_index.rebuild(conn)
    return True


__all__ = ["FILLED", "begin", "deferred", "finish", "pending"]
