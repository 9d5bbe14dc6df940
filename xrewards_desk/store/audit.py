"""The audit log: append-only, each record hashing the one before it.

A record's hash is SHA-256 over the previous record's hash and the record's own content
(its id, time, who, role, action, subject, outcome, details) in canonical JSON, so editing
a record breaks its own hash, and deleting one breaks the next record's link.
:func:`verify` walks the chain and names the first record that does not hold.
(Deleting the newest records leaves a shorter chain that still holds; the server also
counts what it appended, see the README.)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from .models import AuditRecord

GENESIS = "0" * 64


def _content(record: AuditRecord) -> str:
    return json.dumps({
        "id": record.id, "at": record.at.isoformat(), "actor": record.actor,
        "role": record.role, "action": record.action, "subject": record.subject,
        "outcome": record.outcome, "detail": record.detail,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, record: AuditRecord) -> str:
    return hashlib.sha256((prev_hash + _content(record)).encode()).hexdigest()


def append(session: Session, *, at: datetime, actor: str, role: str | None, action: str,
           subject: str, outcome: str, detail: dict[str, Any] | None = None) -> AuditRecord:
    """Add one record at the end of the chain (the caller serialises writers)."""
    last = session.execute(
        select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)
    ).first()
    # hashed as it will read back: the instant in UTC, the details through JSON
    record = AuditRecord(id=(last.id + 1) if last else 1, at=at.astimezone(UTC),
                         actor=actor, role=role, action=action, subject=subject,
                         outcome=outcome,
                         detail=json.loads(json.dumps(detail or {}, default=str)))
    record.prev_hash = (last.hash or GENESIS) if last else GENESIS
    record.hash = chain_hash(record.prev_hash, record)
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class Broken:
    """The first record that does not hold, and why: `kind` is ``missing`` (an id is
    absent) or ``edited`` (its content, or its link to the record before, no longer
    matches); `at` is the time of the record where the break shows (for a missing one,
    the record after the gap)."""

    record: int
    reason: str
    kind: str = "edited"
    at: datetime | None = None


def verify(session: Session) -> tuple[int, Broken | None]:
    """Walk the chain: (records checked, the first broken one or None)."""
    prev_hash = GENESIS
    expected_id = 1
    checked = 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)
                                  .execution_options(yield_per=1000)):
        if record.id != expected_id:
            return checked, Broken(expected_id, f"record {expected_id} is missing "
                                                f"(the next one is {record.id})",
                                   "missing", record.at)
        if record.prev_hash != prev_hash:
            return checked, Broken(record.id, "its link to the record before does not match "
                                              "(that record was deleted or edited)",
                                   "edited", record.at)
        if record.hash != chain_hash(prev_hash, record):
            return checked, Broken(record.id, "its content does not match its hash "
                                              "(the record was edited)", "edited", record.at)
        prev_hash = record.hash
        expected_id += 1
        checked += 1
    return checked, None


def _names(text: str, account: str) -> bool:
    """Whether `text` names the customer number `account` as a whole (XR-12 is not named
    by XR-123; XR-12/E3, an entry of it, names it)."""
    return re.search(rf"(?<![\w-]){re.escape(account)}(?![\w])", text) is not None


def records(session: Session, *, after: int = 0, limit: int = 500, actor: str | None = None,
            action: str | None = None, account: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            ) -> tuple[list[AuditRecord], bool]:
    """Records after id `after`, oldest first, at most `limit`, and whether more match.

    `actor` and `action` match exactly; `since` (inclusive) and `until` (exclusive) bound
    the time; `account` keeps the records whose subject is that account or whose detail
    names the customer number (a command's fields, the entries it wrote, a note's text).
    The database narrows by a LIKE on the detail's JSON text; each candidate is then
    checked for the whole number, so one page may scan several batches."""
    query = select(AuditRecord, cast(AuditRecord.detail, Text).label("detail_text"))
    if actor:
        query = query.where(AuditRecord.actor == actor)
    if action:
        query = query.where(AuditRecord.action == action)
    if since is not None:
        query = query.where(AuditRecord.at >= since)
    if until is not None:
        query = query.where(AuditRecord.at < until)
    if account:
        escaped = account.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(or_(AuditRecord.subject == f"account:{account}",
                                cast(AuditRecord.detail, Text).like(f"%{escaped}%",
                                                                    escape="\\")))
    found: list[AuditRecord] = []
    cursor = after
    batch = limit + 1 if not account else max(4 * limit, 500)
    while len(found) <= limit:
        rows = session.execute(query.where(AuditRecord.id > cursor)
                               .order_by(AuditRecord.id).limit(batch)).all()
        for record, text in rows:
            if not account or record.subject == f"account:{account}" \
                    or _names(text or "", account):
                found.append(record)
                if len(found) > limit:
                    break
        if len(rows) < batch:
            break
        cursor = rows[-1][0].id
    return found[:limit], len(found) > limit
