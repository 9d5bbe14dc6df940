"""The sync's state as the UI shows it: a module of its own, light, so that the status bar
can show it before the syncer (SQLAlchemy, the contract) is imported (issue 23)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Status:
    """What the UI shows: online or not, syncing, and when the last sync succeeded."""

    online: bool = False
    syncing: bool = False
    last_success: datetime | None = None
    last_error: str | None = None
