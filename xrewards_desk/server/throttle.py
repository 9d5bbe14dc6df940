"""The sign-in throttle: failures counted atomically in the database, checked before any
password is hashed (security.Policy says how much each count slows).

A sign-in takes its place under three keys in one short transaction, each with a single
upsert that both checks and counts: the (name, address) pair, the address, and the name.
It is counted as failed from that moment; if the password turns out right, the pair's count
is cleared, the address's and name's take their one back, and the pair is remembered as
known (the name's ceiling does not apply to it). Concurrent guesses therefore cannot all
pass the check before any of them is counted, and several server processes share the
counts (nothing here relies on a lock in the process).

Keys are SHA-256 hashes of the kind, the name as typed and the address, so the table holds
no typed text (a password typed as the name included), and a name that exists is stored
exactly like one that does not. Rows are void once their window has passed and are
deleted soon after (:func:`purge`), so the table holds at most the last hour's keys.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..store.types import Instant
from .security import Policy

TABLE: Table = m.SignInFailure.__table__  # type: ignore[assignment]
PAIR, ADDRESS, NAME, KNOWN = "pair", "address", "name", "known"


def source(host: str | None) -> str:
    """The address a sign-in is counted under: an IPv4 address as it is, an IPv6 one by
    its /64 network (one subscriber's usual share), anything else as given."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def key(kind: str, name: str, address: str = "") -> str:
    """The row's key: nothing typed is stored, and every key has the same length."""
    return hashlib.sha256(f"{kind}\x00{name}\x00{address}".encode()).hexdigest()


class Throttled(Exception):
    """The attempt was not checked: try again in `retry_after` seconds."""

    def __init__(self, kind: str, retry_after: int) -> None:
        super().__init__(f"{kind}: retry after {retry_after} s")
        self.kind = kind
        self.retry_after = retry_after


@dataclass(frozen=True)
class Claim:
    """A sign-in counted under its keys, not yet settled."""

    name: str
    address: str


def _seconds(delta: timedelta) -> int:
    """Retry-After: whole seconds, rounded up, at least one."""
    return max(1, math.ceil(delta.total_seconds()))


def _at(value: datetime) -> ColumnElement[Any]:
    return literal(value, Instant())


def _upsert(s: Session) -> Any:
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(TABLE)
    if dialect == "sqlite":
        return sqlite.insert(TABLE)
    raise NotImplementedError(f"the sign-in throttle does not know {dialect}")


def _take(s: Session, kind: str, row_key: str, now: datetime, policy: Policy, *,
          free: int, most: timedelta, ceiling: int | None = None) -> None:
    """Count one attempt under `row_key` if it may be checked now, else raise Throttled.

    One statement checks and counts: an insert, or on a row that is there an update whose
    WHERE is the check (a void row counts afresh). The database serialises statements on
    one row, so of concurrent attempts each sees the count the one before left."""
    c = TABLE.c
    void = c.expires_at <= _at(now)
    allowed = or_(void, c.next_at <= _at(now) if ceiling is None else c.count < ceiling)
    statement = _upsert(s).values(
        key=row_key, kind=kind, count=1, next_at=now, expires_at=now + policy.window)
    statement = statement.on_conflict_do_update(
        index_elements=[c.key],
        set_={"count": case((void, 1), else_=c.count + 1),
              "expires_at": _at(now + policy.window)},
        where=allowed).returning(c.count)
    count = s.execute(statement).scalar_one_or_none()
    if count is None:
        row = s.get(m.SignInFailure, row_key)
        assert row is not None  # the upsert found it there and did not count
        wait = row.expires_at - now if ceiling is not None else row.next_at - now
        raise Throttled(kind, _seconds(wait))
    if ceiling is None:
        # the row is this transaction's now: nobody else's attempt reads it meanwhile
        s.execute(update(TABLE).where(c.key == row_key).values(
            next_at=now + policy.delay(count, free, most)))


def claim(s: Session, name: str, address: str, now: datetime, policy: Policy) -> Claim:
    """Count an attempt as failed under the pair, the address and the name, or raise
    Throttled (and count nothing: the caller's transaction is rolled back)."""
    known = s.get(m.SignInFailure, key(KNOWN, name, address))
    is_known = known is not None and known.expires_at > now
    _take(s, PAIR, key(PAIR, name, address), now, policy, free=policy.pair_free,
          most=policy.pair_max)
    _take(s, ADDRESS, key(ADDRESS, "", address), now, policy, free=policy.address_free,
          most=policy.address_max)
    _take(s, NAME, key(NAME, name), now, policy, free=0, most=timedelta(0),
          ceiling=None if is_known else policy.name_ceiling)
    return Claim(name, address)


def succeeded(s: Session, attempt: Claim, now: datetime, policy: Policy) -> None:
    """The password was right: the pair starts afresh, the address and the name take
    back the one attempt counted, and the pair is known from now on."""
    c = TABLE.c
    # the rows in the order claim takes them (pair, address, name): two transactions
    # never wait for each other's rows in a circle
    s.execute(delete(TABLE).where(c.key == key(PAIR, attempt.name, attempt.address)))
    for row_key in (key(ADDRESS, "", attempt.address), key(NAME, attempt.name)):
        s.execute(update(TABLE).where(c.key == row_key, c.count > 0)
                  .values(count=c.count - 1))
    known = key(KNOWN, attempt.name, attempt.address)
    until = now + policy.known_for
    s.execute(_upsert(s).values(key=known, kind=KNOWN, count=0, next_at=now,
                                expires_at=until)
              .on_conflict_do_update(index_elements=[c.key],
                                     set_={"expires_at": _at(until)}))


def purge(s: Session, now: datetime, limit: int = 1000) -> int:
    """Delete up to `limit` void rows; rows another transaction holds are left for the
    next time (PostgreSQL skips them rather than waiting, so this never deadlocks with a
    sign-in). The number deleted."""
    c = TABLE.c
    void = (select(c.key).where(c.expires_at <= _at(now)).limit(limit)
            .with_for_update(skip_locked=True))
    keys = list(s.scalars(void))
    if keys:
        s.execute(delete(TABLE).where(c.key.in_(keys), c.expires_at <= _at(now)))
    return len(keys)
