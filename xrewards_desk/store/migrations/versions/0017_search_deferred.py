"""The search index's documents can be brought up to date once at the end of a batch of
writes instead of row by row (SQLite only; on PostgreSQL this revision does nothing).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00

Why: each trigger of 0002 that rewrites a document runs inside the statement that wrote
the row (an order's INSERT, say), and a statement with triggers runs under a statement
savepoint; FTS5 writes its pending terms to disk as a new segment at every savepoint
(SQLite 3.40, ``fts5SavepointMethod``). So every order a sync page inserted wrote two
tiny segments, which the automerge then merged again: 420 µs a document, where the same
documents rewritten by one statement cost 100 µs (measured on the demo's store: a
page's 800 new orders, SQLite 3.40.1).

Shape:

- ``search_deferred(id = 1)``: while it holds its one row, the triggers that rewrite
  documents note the accounts instead, in
- ``search_dirty(account_id)``; ``xrewards_desk.store.search_index.catch_up`` rewrites
  those documents in one statement, in docid order (FTS5 also writes a segment when a
  rowid comes below the last one it wrote), empties the table and deletes the row.
  Both happen in the caller's transaction (the sync writes a page between them), so a
  committed store never holds the row: a crash rolls the row back with the page.
- The triggers of 0004 again, each statement rewriting documents made two: one noting
  the accounts it selects while ``search_deferred`` has its row, one rewriting them
  while it has none. The bodies are 0002's, made with this ``refresh``, so which change
  touches which accounts stays defined in one place, and each change still fires one
  trigger (a second trigger per row cost 10 µs on every account updated, even with its
  ``WHEN`` false). The triggers on ``search_doc`` (the FTS tables) and on an account's
  delete are as 0004 left them.

A later migration that rebuilds ``accounts``, ``orders``, ``organisations`` or
``billing_accounts`` must create the triggers of this revision again (``_triggers()``
below).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from alembic import op

revision = '0017'
down_revision = '0016'

DEFERRED = "EXISTS (SELECT 1 FROM search_deferred)"


def _revision(name: str) -> ModuleType:
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"xrewards_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _refresh(r0002: ModuleType) -> Callable[[str], str]:
    """0002's refresh of the accounts `where` selects, made two: while deferred, note them
    in ``search_dirty``; else rewrite their documents as before."""
    def refresh(where: str) -> str:
        noted = (f"INSERT OR IGNORE INTO search_dirty(account_id) SELECT account_id FROM "
                 f"(SELECT id AS account_id, organisation_id, billing_account_id "
                 f"FROM accounts) WHERE ({where}) AND {DEFERRED};")
        rewritten: str = r0002._refresh(f"({where}) AND NOT {DEFERRED}")
        return f"{noted} {rewritten}"
    return refresh


def _triggers() -> dict[str, str]:
    """Every trigger of the index, by name: 0004's, each rewriting documents only while
    not deferred and noting their accounts while deferred."""
    r0002, r0004 = _revision("0002_search_index.py"), _revision("0004_search_suspend.py")
    triggers: dict[str, str] = r0002._triggers(refresh=_refresh(r0002))
    return {name: r0004._guarded(body) for name, body in triggers.items()}


def _replace(drop: dict[str, str], create: dict[str, str]) -> None:
    for name in drop:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name, body in create.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE search_deferred (id INTEGER PRIMARY KEY CHECK (id = 1))")
    op.execute("CREATE TABLE search_dirty (account_id VARCHAR(64) PRIMARY KEY) "
               "WITHOUT ROWID")
    _replace(_triggers(), _triggers())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _replace(_triggers(), _revision("0004_search_suspend.py")._triggers())
    op.execute("DROP TABLE search_dirty")
    op.execute("DROP TABLE search_deferred")
