"""The store: SQLAlchemy 2.0 models, Alembic migrations, the engine's state in the
database, and (on the desktop's SQLite copy) search. Imports ``domain``, never ``ui``."""

from .db import Store, StoreError, sqlite_url
from .ledger import Ledger, apply_in

__all__ = ["Ledger", "Store", "StoreError", "apply_in", "sqlite_url"]
