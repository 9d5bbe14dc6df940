"""The local store's outbox: the commands a desktop has decided on and not yet sent, each
with its idempotency key chosen once, when it is stored (ARCHITECTURE.md: the server does a
command once, however often it is sent). :meth:`.runner.Syncer.push` sends them in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from xrewards_desk.clock import Clock, SystemClock
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store


class LocalOutbox:
    """Writes commands to a local store's outbox as `user`, created as of `clock` (the
    system's by default): what :meth:`.runner.Syncer.enqueue` does, and what a mail hook
    offline uses without a server at hand; the next sync pushes them."""

    def __init__(self, store: Store, user: str, clock: Clock | None = None) -> None:
        self.store = store
        self.user = user
        self.clock: Clock = clock if clock is not None else SystemClock()

    def enqueue(self, body: dict[str, Any], evidence: Sequence[str] = (),
                after: int | None = None) -> int:
        """Store a command to send (its key chosen now, once); returns its outbox id.
        `evidence`: the SHA-256 of the evidence files it cites, uploaded before it;
        `after`: a command it depends on (not sent if that one is refused)."""
        with self.store.session() as s:
            row = m.OutboxCommand(idempotency_key=str(uuid.uuid4()), kind=body["type"],
                                  payload=body, evidence=list(evidence),
                                  created_at=self.clock.now(), created_by=self.user,
                                  state=m.OutboxState.PENDING, attempts=0, after=after)
            s.add(row)
            s.flush()
            return row.id

    def enqueue_chain(self, bodies: Sequence[dict[str, Any]]) -> list[int]:
        """Several commands in one transaction, each after the first: the first decides
        whether the others go (a macro: its decision, then its status and reply)."""
        ids: list[int] = []
        with self.store.session() as s:
            for body in bodies:
                row = m.OutboxCommand(idempotency_key=str(uuid.uuid4()), kind=body["type"],
                                      payload=body, evidence=[],
                                      created_at=self.clock.now(), created_by=self.user,
                                      state=m.OutboxState.PENDING, attempts=0,
                                      after=ids[0] if ids else None)
                s.add(row)
                s.flush()
                ids.append(row.id)
        return ids


__all__ = ["LocalOutbox"]
