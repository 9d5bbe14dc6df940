"""How the demo writes: shop events and staff commands run through the server's own
handlers, many to a transaction, with the change feed read back through Core
(:class:`FastFeed`) and the audit chain extended in memory (:class:`audit.Chain`)."""

from __future__ import annotations

import logging
import random
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from xrewards_desk.clock import SettableClock
from xrewards_desk.domain import actions
from xrewards_desk.domain.model import (
    Actor,
)
from xrewards_desk.server.context import Ctx
from xrewards_desk.server.errors import ApiError
from xrewards_desk.server.feed import CORE_LOADERS, Feed
from xrewards_desk.server.service import (
    ATOMIC,
    COMMAND,
    SHOP_EVENT,
    Person,
    Service,
    _subject_of,
    handle,
)
from xrewards_desk.store import audit
from xrewards_desk.store import models as m
from xrewards_desk.store.ledger import StoreLookup

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the feed, kept

def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


TABLES: dict[str, Table] = {"changes": _table(m.ChangeRow), "audit": _table(m.AuditRecord)}

#: the feed's records of the engine's kinds read through Core (:data:`.feed.CORE_LOADERS`,
#: which the server's own feed uses)
FAST_LOADERS = CORE_LOADERS


class FastFeed(Feed):
    """A :class:`Feed` that hands its changes to `sink` instead of inserting them: the
    runner appends them, in order, before its transaction commits. Same records, same
    order, same ``at``."""

    def __init__(self, session: Session, sink: list[dict[str, Any]]) -> None:
        super().__init__(session)
        self.sink = sink

    def append(self, rows: list[dict[str, Any]]) -> None:
        self.sink.extend(rows)


# --------------------------------------------------------------------------- running events


class Runner:
    """Runs shop events and staff commands as :meth:`Service._run_once` does, many to a
    transaction (a savepoint each where a refusal could leave something behind)."""

    def __init__(self, service: Service, clock: SettableClock, exact: bool,
                 codes: random.Random) -> None:
        self.service = service
        self.clock = clock
        self.exact = exact
        #: the server's source of referral codes, seeded so the demo is the same each time
        self.codes = codes
        self._cm: Any = None
        self._session: Session | None = None
        self._chain: audit.Chain | None = None
        #: the engine's values as this transaction loaded and saved them (Ctx.lookup): a
        #: customer's next event starts from what the last one saved
        self._lookup: StoreLookup | None = None
        #: change-feed rows of this transaction, appended in order before it commits
        #: (nothing reads them meanwhile; its audit records wait in the chain likewise)
        self._changes: list[dict[str, Any]] = []
        self.refused: list[tuple[str, str, str]] = []
        self.events = 0

    @property
    def session(self) -> Session:
        if self._session is None:
            self._cm = self.service.store.session()
            self._session = self._cm.__enter__()
            if not self.exact:
                self._chain = audit.Chain(self._session)
            self._lookup = StoreLookup(self._session)
        return self._session

    def commit(self) -> None:
        if self._session is not None:
            conn = self._session.connection()
            if self._changes:
                conn.execute(insert(TABLES["changes"]), self._changes)
            if self._chain is not None:
                self._chain.write(self._session)
            self._changes.clear()
            cm, self._cm, self._session, self._chain = self._cm, None, None, None
            self._lookup = None
            cm.__exit__(None, None, None)

    def abort(self) -> None:
        self._changes.clear()
        if self._session is not None:
            cm, self._cm, self._session, self._chain = self._cm, None, None, None
            self._lookup = None
            cm.__exit__(RuntimeError, RuntimeError("demo build failed"), None)

    def _audit(self, **values: Any) -> None:
        if self._chain is not None:
            self._chain.append(**values)
        else:
            audit.append(self.session, **values)

    def run(self, actor: Actor, body: dict[str, Any], shop: bool = False) -> Ctx | None:
        """Apply one event or command now; the context it ran in, or None if refused."""
        s = self.session
        now = self.clock.now()
        parsed = (SHOP_EVENT if shop else COMMAND).validate_python(body)
        role = actor.role.value if actor.role else None
        feed = Feed(s) if self.exact else FastFeed(s, self._changes)
        ctx = Ctx(s, feed, actor, now, rng=self.codes, lookup=self._lookup)
        self.events += 1
        savepoint = None if parsed.type in ATOMIC else s.begin_nested()
        try:
            handle(ctx, parsed)
            self._audit(at=now, actor=actor.name, role=role, action=parsed.type,
                        subject=ctx.subject, outcome="applied",
                        detail={"command": body, "created": ctx.created,
                                "entries": ctx.entries})
            if savepoint is not None:
                savepoint.commit()
            return ctx
        except ApiError as error:
            if savepoint is not None:
                savepoint.rollback()
            s.expire_all()
            self._lookup = StoreLookup(s)
            self._audit(at=now, actor=actor.name, role=role, action=parsed.type,
                        subject=_subject_of(body), outcome=f"refused:{error.code}",
                        detail={"command": body, "message": error.message})
            self.refused.append((parsed.type, error.code, error.message))
            log.warning("demo: %s refused: %s %s", parsed.type, error.code, error.message)
            return None

    def advance(self) -> None:
        """What :meth:`Service.advance_all` does, in this transaction (with ``exact``, the
        service's own method after a commit)."""
        if self.exact:
            self.commit()
            self.service.advance_all()
            return
        s = self.session
        now = self.clock.now()
        while True:
            due = Service._due_accounts(s, now, 500)
            if not due:
                return
            feed = FastFeed(s, self._changes)
            ctx = Ctx(s, feed, Actor("clock", None), now, lookup=self._lookup)
            ctx.apply(actions.Advance(now, tuple(due)))
            if not ctx.touched:
                return  # as the service: a notice taking effect writes no entry, but counts
            feed.flush(now)
            if len(due) < 500:
                return  # a partial batch: nothing else was due

    def upload(self, person: Person, data: bytes, label: str) -> str:
        """Evidence goes through the service's own upload (a transaction of its own)."""
        self.commit()
        return self.service.upload(person, data, label).sha256


