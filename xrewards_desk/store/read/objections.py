"""What the notice an objection is about reported (R24, R25), for deciding the objection:
the movement it announced and, for an expiry, each lot it took with the instant that lot
was due to expire under the rules (R9, T4.5; or R23's window end after a provider's
notice or the program's end, T8.4, where that came first).

An expiry written at or after every lot's due instant followed the rules (an expiry "on
schedule"; a refund into a lot already past its date expires again at once, R14): an
objection to it finds no error and is rejected citing T4.5. One written before would be
an error. Reads the desktop's local store (or the server's) in SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xrewards_desk.domain.model import (
    EntryType,
    NoticeKind,
    SourceKind,
    Status,
    termination_window_end,
)
from xrewards_desk.store.models import LedgerEntry, LotAllocation, LotRow, NoticeRow
from xrewards_desk.store.read.accounts import account_state

Db = Session | Connection

_NOTICES = cast(Table, NoticeRow.__table__)
_ENTRIES = cast(Table, LedgerEntry.__table__)
_ALLOCATIONS = cast(Table, LotAllocation.__table__)
_LOTS = cast(Table, LotRow.__table__)


@dataclass(frozen=True, slots=True)
class ExpiredLot:
    """A lot an expiry took, with when it was due to expire."""

    lot_id: str
    #: the points the expiry took from it
    points: int
    credited_at: datetime
    #: R9: its last usable Berlin date
    usable_until: date
    #: the instant it was due to expire: R9's, or R23's window end where that came first
    due_at: datetime
    #: True where R23's window end (T8.4) came before the lot's own date
    by_window: bool


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """A notice and the movement it announced."""

    notice_id: str
    kind: NoticeKind
    entry_type: EntryType
    #: when the movement was written
    at: datetime
    points: int
    source_kind: SourceKind
    source_ref: str
    note: str
    #: for an expiry: the lots it took, oldest credit first
    lots: tuple[ExpiredLot, ...] = ()

    @property
    def expiry(self) -> bool:
        return self.entry_type is EntryType.EXPIRY

    @property
    def expiry_on_schedule(self) -> bool:
        """T4.5 (R9, R10, R23): an expiry of lots that were all due by the time it was
        written: the notice is correct."""
        return self.expiry and bool(self.lots) and all(x.due_at <= self.at
                                                       for x in self.lots)

    @property
    def expiry_early(self) -> bool:
        """An expiry of a lot before it was due: an error the objection rightly names."""
        return self.expiry and any(x.due_at > self.at for x in self.lots)


def _window(db: Db, account_id: str) -> datetime | None:
    """R23: the instant everything left on the account expires after a provider's notice
    (T8.4) or the program's end (T7.2), the earlier of the two; None if neither applies.
    From the notice itself where one was given, so that it holds for an expiry written
    while the account was terminated, whatever its status now."""
    known = account_state(db, account_id, with_lots=False)
    if known is None:
        return None
    program, acc = known
    ends = [program.redemption_window_end()]
    if acc.notice_at is not None:
        ends.append(termination_window_end(None, acc.notice_at))
    elif acc.status is Status.TERMINATED:
        ends.append(acc.redemption_window_end())
    found = [e for e in ends if e is not None]
    return min(found) if found else None


def notice_facts(db: Db, notice_id: str | None) -> NoticeFacts | None:
    """The facts of notice `notice_id`; None for an unknown notice (or None)."""
    if notice_id is None:
        return None
    conn = db.connection() if isinstance(db, Session) else db
    row = conn.execute(
        select(_NOTICES.c.id, _NOTICES.c.account_id, _NOTICES.c.kind, _ENTRIES.c.type,
               _ENTRIES.c.at, _ENTRIES.c.points, _ENTRIES.c.source_kind,
               _ENTRIES.c.source_ref, _ENTRIES.c.note, _ENTRIES.c.id.label("entry_id"))
        .join(_ENTRIES, _ENTRIES.c.id == _NOTICES.c.entry_id)
        .where(_NOTICES.c.id == notice_id)).first()
    if row is None:
        return None
    lots: tuple[ExpiredLot, ...] = ()
    if row.type is EntryType.EXPIRY:
        window = _window(conn, row.account_id)
        lots = tuple(_expired(r, window) for r in conn.execute(
            select(_ALLOCATIONS.c.points, _LOTS.c.id, _LOTS.c.credited_at,
                   _LOTS.c.usable_until, _LOTS.c.expires_at)
            .join(_LOTS, _LOTS.c.id == _ALLOCATIONS.c.lot_id)
            .where(_ALLOCATIONS.c.entry_id == row.entry_id)
            .order_by(_LOTS.c.credited_at, _LOTS.c.seq)))
    return NoticeFacts(row.id, NoticeKind(row.kind), EntryType(row.type), row.at, row.points,
                       SourceKind(row.source_kind), row.source_ref, row.note or "", lots)


def _expired(r: Any, window: datetime | None) -> ExpiredLot:
    by_window = window is not None and window < r.expires_at
    due = max(window, r.credited_at) if by_window and window is not None else r.expires_at
    return ExpiredLot(r.id, abs(int(r.points)), r.credited_at, r.usable_until, due,
                      by_window)


__all__ = ["ExpiredLot", "NoticeFacts", "notice_facts"]
