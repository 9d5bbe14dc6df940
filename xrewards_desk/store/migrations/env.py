"""Alembic's environment: always run through :mod:`xrewards_desk.store.db`, which hands
over an open connection (``config.attributes["connection"]``), so migrations use the same
engine set-up (SQLite pragmas, the search folding function) as the app."""

from __future__ import annotations

from alembic import context

from xrewards_desk.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when run by hand without db.py
    raise RuntimeError("run migrations through xrewards_desk.store.db.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
