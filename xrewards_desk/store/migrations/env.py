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



def include_name(name: str | None, type_: str, _parent: dict[str, str | None]) -> bool:
    """Autogenerate compares the models' tables only: the search index of 0002 (tables,
    FTS5 shadow tables, a view) is not in the models and must not be dropped."""
    return type_ != "table" or name in Base.metadata.tables


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
