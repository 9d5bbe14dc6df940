"""The search index's triggers can be suspended while a bulk fill writes, and the index
rebuilt once afterwards (SQLite only; on PostgreSQL this revision does nothing).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:30:00

Shape:

- ``search_suspended(id = 1, since)``: while it holds its one row, every trigger of 0002
  does nothing; ``search_doc`` and both FTS tables are then stale and must be rebuilt
  from the live rows before the row is deleted (``xrewards_desk.sync.search_index``). The
  row is written in the same transaction as the first rows the triggers skip, and deleted
  in the same transaction as the rebuild, so a crash in between leaves the row, and with
  it the record that the index is behind: whoever writes next finishes and rebuilds.
  The desktop's initial sync uses it: each account or order inserted through the
  triggers costs about 220 µs (the document is recomputed per order), the set-based
  rebuild a fraction of that.
- The triggers of 0002 again, each with the guard ``NOT EXISTS (SELECT 1 FROM
  search_suspended)`` added to its ``WHEN`` (one B-tree probe of a table of at most one
  row). Their bodies are 0002's, read from that revision rather than copied, so the
  document stays defined in one place (0002's ``search_source`` view).

A later migration that rebuilds ``accounts``, ``orders``, ``organisations`` or
``billing_accounts`` must create the triggers of this revision again (``_triggers()``
below), not 0002's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

revision = '0004'
down_revision = '0003'

GUARD = "NOT EXISTS (SELECT 1 FROM search_suspended)"


def _revision_0002() -> ModuleType:
    path = Path(__file__).with_name("0002_search_index.py")
    spec = importlib.util.spec_from_file_location("xrewards_migration_0002", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _guarded(body: str) -> str:
    """``AFTER … ON t [WHEN c] BEGIN … END`` with the guard and-ed to its WHEN."""
    head, sep, rest = body.partition(" BEGIN ")
    assert sep and rest.endswith(" END"), body
    before, when, condition = head.partition(" WHEN ")
    guarded = f"{before} WHEN ({condition}) AND {GUARD}" if when else f"{head} WHEN {GUARD}"
    return f"{guarded} BEGIN {rest}"


def _triggers() -> dict[str, str]:
    """Every trigger of the index, by name, each suspended while search_suspended has
    its row."""
    original: dict[str, str] = _revision_0002()._triggers()
    return {name: _guarded(body) for name, body in original.items()}


def _replace(triggers: dict[str, str]) -> None:
    for name, body in triggers.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("""
        CREATE TABLE search_suspended (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            since TEXT NOT NULL
        )""")
    _replace(_triggers())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM search_suspended").first() is not None:
        # the index is behind the rows: rebuild it (as 0002 built it) before the
        # triggers go back to unconditional
        columns = ", ".join(_revision_0002()._COLUMNS)
        op.execute("DELETE FROM search_doc")
        op.execute(f"INSERT INTO search_doc({columns}) "
                   f"SELECT {columns} FROM search_source ORDER BY account_id")
        op.execute("INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')")
        op.execute("INSERT INTO search_prefix(search_prefix) VALUES ('rebuild')")
    _replace(_revision_0002()._triggers())
    op.execute("DROP TABLE search_suspended")
