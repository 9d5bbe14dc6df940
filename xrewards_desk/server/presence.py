"""Who has which record open (R27's "someone else is working on this"), kept in the
database so that every server process sees every mark."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..clock import Clock
from ..store.db import Store

if TYPE_CHECKING:
    from .service import Person

log = logging.getLogger(__name__)

#: how long a mark of "I have this record open" lasts (the desktop renews it every 20 s)
PRESENCE_LIFETIME = timedelta(seconds=90)
#: records one person can be marked on at once (the oldest mark goes first)
PRESENCE_PER_PERSON = 50


class PresenceBoard:
    """Who has which record open, in the database (``presence_marks``) so that every
    server process sees every mark: a mark lasts PRESENCE_LIFETIME and is renewed by the
    next; a mark not renewed in time is ignored, and deleted at most once a minute. Not
    audited, not in the change feed, and not serialised with the writers (each mark is
    one upsert of its own row)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._pruned_at: datetime | None = None

    def _upsert(self, s: Session) -> Any:
        if s.get_bind().dialect.name == "postgresql":
            return postgresql.insert(m.PresenceMark)
        return sqlite.insert(m.PresenceMark)

    def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < timedelta(minutes=1):
            return
        self._pruned_at = now
        table = m.PresenceMark
        try:
            with self.store.session(write=True) as s:
                gone = (select(table.record, table.user_name)
                        .where(table.last <= now - PRESENCE_LIFETIME).limit(1000)
                        .with_for_update(skip_locked=True))
                for record, name in s.execute(gone).all():
                    s.execute(delete(table).where(table.record == record,
                                                  table.user_name == name,
                                                  table.last <= now - PRESENCE_LIFETIME))
        except OperationalError as exc:  # housekeeping only: the next minute tries again
            log.info("presence: old marks not deleted this time (%s)", type(exc).__name__)

    def mark(self, person: Person, record: str) -> None:
        now = self.clock.now()
        self._prune(now)
        table = m.PresenceMark
        with self.store.session(write=True) as s:
            insert = self._upsert(s).values(record=record, user_name=person.name,
                                            display_name=person.display_name, since=now,
                                            last=now)
            s.execute(insert.on_conflict_do_update(
                index_elements=[table.record, table.user_name],
                set_={"since": case((table.last <= now - PRESENCE_LIFETIME,
                                     insert.excluded.since), else_=table.since),
                      "last": insert.excluded.last,
                      "display_name": insert.excluded.display_name}))
            mine = s.scalars(select(table.record).where(
                table.user_name == person.name, table.last > now - PRESENCE_LIFETIME)
                .order_by(table.last.desc(), table.record).offset(PRESENCE_PER_PERSON)).all()
            if mine:  # the oldest marks beyond the most one person can have
                s.execute(delete(table).where(table.user_name == person.name,
                                              table.record.in_(mine)))

    def others(self, record: str, me: str) -> list[tuple[str, str, datetime]]:
        """Everyone but `me` with `record` open now (name, display name, since), the
        longest-open first."""
        now = self.clock.now()
        table = m.PresenceMark
        with self.store.session() as s:
            return [(x.user_name, x.display_name, x.since) for x in s.scalars(
                select(table).where(table.record == record, table.user_name != me,
                                    table.last > now - PRESENCE_LIFETIME)
                .order_by(table.since, table.user_name))]
