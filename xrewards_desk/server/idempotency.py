"""Idempotency-Keys (issue 18): the answer to each person's command kept under the key it
came with, so that a retry gets the same answer and the command is applied once, whichever
server process the retry reaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..contract.common import IDEMPOTENCY_MISMATCH
from .errors import ApiError

if TYPE_CHECKING:
    from .service import Person


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


_KEYS: Table = m.IdempotencyRecord.__table__  # type: ignore[assignment]
_SEEN = select(_KEYS.c.request_hash, _KEYS.c.status_code, _KEYS.c.response).where(
    _KEYS.c.user_name == bindparam("u"), _KEYS.c.key == bindparam("k"))


def replay(kept: tuple[str, Answer], request_hash: str) -> Answer:
    """A kept key's answer, where it was kept with this command (409
    ``idempotency_mismatch`` where with another)."""
    if kept[0] != request_hash:
        raise ApiError(IDEMPOTENCY_MISMATCH,
                       "This Idempotency-Key was used for a different command; "
                       "use a new key for a new command.",
                       "Dieser Idempotency-Key gehört zu einem anderen Befehl.")
    return kept[1]


def seen_answer(s: Session, person: Person, key: str, request_hash: str) -> Answer | None:
    """The answer kept under the person's Idempotency-Key, if any (409
    ``idempotency_mismatch`` for a key kept with another command)."""
    row = s.execute(_SEEN, {"u": person.name, "k": key}).first()
    if row is None:
        return None
    return replay((row.request_hash, Answer(row.status_code, row.response)), request_hash)


def kept_answers(s: Session, person: Person, keys: set[str]
                 ) -> dict[str, tuple[str, Answer]]:
    """The person's kept keys among `keys`, in one statement: key → (its command's
    hash, its answer)."""
    if not keys:
        return {}
    rows = s.execute(select(_KEYS.c.key, _KEYS.c.request_hash, _KEYS.c.status_code,
                            _KEYS.c.response)
                     .where(_KEYS.c.user_name == person.name, _KEYS.c.key.in_(keys)))
    return {row.key: (row.request_hash, Answer(row.status_code, row.response)) for row in rows}


def kept(person: Person, key: str, request_hash: str, answer: Answer,
          now: datetime) -> dict[str, Any]:
    """The row keeping `answer` under the person's key."""
    return {"user_name": person.name, "key": key, "request_hash": request_hash,
            "status_code": answer.status, "response": answer.body, "created_at": now}


def remember(s: Session, rows: list[dict[str, Any]]) -> None:
    """Keep the answers under their keys, in the transaction of what they answer (one
    statement for all)."""
    if rows:
        s.connection().execute(insert(_KEYS), rows)


class Replayed(Exception):
    """The key turned out kept once the writer's lock was held: another server process
    applied the command between this one's first look and its lock."""

    def __init__(self, answer: Answer | None = None, error: ApiError | None = None) -> None:
        super().__init__()
        self.answer = answer
        self.error = error


def not_seen(s: Session, person: Person, key: str, request_hash: str) -> None:
    """Look again, under the writers' lock (serialise): a command is applied only where
    its key is not kept yet, whichever server process got it first."""
    try:
        seen = seen_answer(s, person, key, request_hash)
    except ApiError as mismatch:
        raise Replayed(error=mismatch) from None
    if seen is not None:
        raise Replayed(answer=seen)
