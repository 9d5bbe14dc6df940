"""An account's ledger history as the desktop shows and exports it: pages of entries with
their running balances, the lots each touched and the notice sent (R24), and the whole
history as CSV.

The history is paged for accounts with 100,000 entries: a page is one indexed range read
plus a few look-ups by the page's entry ids, and its running balances (the account's real
balance after each entry, whatever the filter) are summed in the database through the
covering index ``ix_ledger_entries_history`` (migration 0005).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from xrewards_desk.domain.calendar import BERLIN, end_of_day_exclusive, start_of_day
from xrewards_desk.domain.explain import entry_label, is_german
from xrewards_desk.domain.model import EntryType, NoticeKind, SourceKind
from xrewards_desk.store.tables import (
    ALLOCATIONS,
    ENTRIES,
    LOTS,
    NOTICE_LOTS,
    NOTICES,
    ORDERS,
    Db,
    connection,
)

#: rows read at a time when the whole history is written out (CSV, statement)
_CHUNK = 2000
#: scalar subqueries per statement when summing the gaps between a page's entries
#: (PostgreSQL takes at most 1,664 columns, SQLite 2,000)
_GAPS_PER_STATEMENT = 400


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Which entries a history shows: some types (None: all), and a period of Berlin
    calendar dates, both ends included (None: open)."""

    types: frozenset[EntryType] | None = None
    period_from: date | None = None
    period_to: date | None = None

    def __post_init__(self) -> None:
        if self.types is not None and not isinstance(self.types, frozenset):
            object.__setattr__(self, "types", frozenset(self.types))


ALL = HistoryFilter()


@dataclass(frozen=True, slots=True)
class NoticeLotInfo:
    lot_id: str
    remaining: int
    usable_until: date


@dataclass(frozen=True, slots=True)
class NoticeInfo:
    """R24: the notice sent for an entry, with the figures it stated."""

    notice_id: str
    kind: NoticeKind
    sent_at: datetime
    points: int
    #: the balance the notice stated
    balance: int
    lots: tuple[NoticeLotInfo, ...]


@dataclass(frozen=True, slots=True)
class DrawnLot:
    """Points of one lot an entry drew from (redemption, transfer out, reversal, void,
    expiry, forfeit, negative correction), returned to (refund) or created (credit,
    transfer in)."""

    lot_id: str
    points: int
    #: None where the lot is not in this store
    usable_until: date | None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    #: the entry's id (e.g. XR-0000001/E12) and its number within the account
    id: str
    seq: int
    at: datetime
    type: EntryType
    #: signed: credits positive, what was taken negative
    points: int
    #: the account's real balance after this entry (the ledger's running sum, R11),
    #: whatever the filter shows
    balance: int
    source_kind: SourceKind
    source_ref: str
    note: str
    #: the notice sent for it (R24; a redemption sends none)
    notice: NoticeInfo | None
    #: the lots it drew from, returned to or created, in the order used (R13)
    allocations: tuple[DrawnLot, ...] = field(default=())
    #: for an order's credit: the points per euro it earned at (R8: the tier before the
    #: order), where the store knows it
    rate: int | None = None


def _conditions(account_id: str, f: HistoryFilter) -> list[ColumnElement[bool]]:
    e = ENTRIES.c
    where: list[ColumnElement[bool]] = [e.account_id == account_id]
    if f.types is not None:
        where.append(e.type.in_(sorted(f.types)))
    if f.period_from is not None:
        where.append(e.at >= start_of_day(f.period_from))
    if f.period_to is not None:
        where.append(e.at < end_of_day_exclusive(f.period_to))
    return where


def history_count(db: Db, account_id: str, f: HistoryFilter = ALL) -> int:
    """How many entries the filter shows (for the table's row count)."""
    if f.types is not None and not f.types:
        return 0
    conn = connection(db)
    return int(conn.execute(select(func.count()).select_from(ENTRIES)
                            .where(*_conditions(account_id, f))).scalar_one())


_PAGE_COLUMNS = (ENTRIES.c.id, ENTRIES.c.seq, ENTRIES.c.at, ENTRIES.c.type, ENTRIES.c.points,
                 ENTRIES.c.source_kind, ENTRIES.c.source_ref, ENTRIES.c.note)


def history_page(db: Db, account_id: str, f: HistoryFilter = ALL, offset: int = 0,
                 limit: int = 100, *, newest_first: bool = True) -> list[HistoryRow]:
    """Rows `offset` to `offset + limit` of the filtered history, newest first (or oldest
    first), each with the running balance, its notice and the lots it touched."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    if limit == 0 or (f.types is not None and not f.types):
        return []
    conn = connection(db)
    order = ENTRIES.c.seq.desc() if newest_first else ENTRIES.c.seq.asc()
    keys = select(ENTRIES.c.seq).where(*_conditions(account_id, f)).order_by(order)
    rows = _rows(conn, account_id, keys.limit(limit).offset(offset))
    return _decorate(conn, account_id, rows, None)


def _rows(conn: Connection, account_id: str, keys: Any) -> list[Any]:
    """The entries whose seqs `keys` selects, in its order. The keys are read from the
    covering index alone (filters, order and offset never touch the table); then only
    the rows shown are read."""
    seqs = conn.execute(keys).scalars().all()
    if not seqs:
        return []
    by_seq = {r[1]: r for r in conn.execute(
        select(*_PAGE_COLUMNS).where(ENTRIES.c.account_id == account_id,
                                     ENTRIES.c.seq.in_(seqs)))}
    return [by_seq[seq] for seq in seqs]


def iter_history(conn: Connection, account_id: str, f: HistoryFilter,
                  **details: bool) -> Iterator[HistoryRow]:
    """The whole filtered history, oldest first, read in chunks (keyset on seq);
    `details` as :func:`_decorate` takes them."""
    if f.types is not None and not f.types:
        return
    anchor: tuple[int, int] | None = None
    where = _conditions(account_id, f)
    while True:
        keys = select(ENTRIES.c.seq).where(*where)
        if anchor is not None:
            keys = keys.where(ENTRIES.c.seq > anchor[0])
        rows = _rows(conn, account_id, keys.order_by(ENTRIES.c.seq).limit(_CHUNK))
        if not rows:
            return
        decorated = _decorate(conn, account_id, rows, anchor, **details)
        yield from decorated
        anchor = (decorated[-1].seq, decorated[-1].balance)
        if len(rows) < _CHUNK:
            return


def _running_balances(conn: Connection, account_id: str, rows: Sequence[Any],
                      anchor: tuple[int, int] | None) -> dict[int, int]:
    """seq -> the ledger's running sum after that entry, for the page's rows.

    The sum before the first row (or since `anchor`, a known (seq, balance)), then the
    sums of the entries between consecutive rows of the page (none when the page is
    unfiltered): ranges summed in the database over the covering index."""
    e = ENTRIES.c
    page = sorted((r[1], r[4]) for r in rows)  # (seq, points): see _PAGE_COLUMNS
    if anchor is None:
        start = int(conn.execute(select(func.coalesce(func.sum(e.points), 0)).where(
            e.account_id == account_id, e.seq < page[0][0])).scalar_one())
        previous = page[0][0] - 1  # nothing between the sum and the first row
    else:
        previous, start = anchor
    gaps: list[tuple[int, int]] = []
    last = previous
    for seq, _points in page:
        if seq - last > 1:
            gaps.append((last, seq))
        last = seq
    between: dict[tuple[int, int], int] = {}
    for i in range(0, len(gaps), _GAPS_PER_STATEMENT):
        chunk = gaps[i:i + _GAPS_PER_STATEMENT]
        sums = [select(func.coalesce(func.sum(e.points), 0))
                .where(e.account_id == account_id, e.seq > lo, e.seq < hi)
                .scalar_subquery() for lo, hi in chunk]
        values = conn.execute(select(*sums)).one()
        between.update(zip(chunk, (int(v) for v in values), strict=True))
    balances: dict[int, int] = {}
    balance, last = start, previous
    for seq, points in page:
        balance += between.get((last, seq), 0) + points
        balances[seq] = balance
        last = seq
    return balances


def _decorate(conn: Connection, account_id: str, rows: Sequence[Any],
              anchor: tuple[int, int] | None, *, allocations: bool = True,
              notices: bool = True, figures: bool = True) -> list[HistoryRow]:
    """History rows with their running balances and, as asked, the lots each entry
    touched, its notice, and the notice's lot figures."""
    if not rows:
        return []
    balances = _running_balances(conn, account_id, rows, anchor)
    ids = [r[0] for r in rows]
    drawn: dict[str, list[DrawnLot]] = {}
    if allocations:
        for entry_id, lot_id, points, until in conn.execute(
                select(ALLOCATIONS.c.entry_id, ALLOCATIONS.c.lot_id, ALLOCATIONS.c.points,
                       LOTS.c.usable_until)
                .outerjoin(LOTS, LOTS.c.id == ALLOCATIONS.c.lot_id)
                .where(ALLOCATIONS.c.entry_id.in_(ids))
                .order_by(ALLOCATIONS.c.entry_id, ALLOCATIONS.c.seq)):
            drawn.setdefault(entry_id, []).append(DrawnLot(lot_id, points, until))
    sent = (conn.execute(select(NOTICES).where(NOTICES.c.entry_id.in_(ids))).all()
            if notices else [])
    stated: dict[str, list[NoticeLotInfo]] = {}
    if sent and figures:
        for fig in conn.execute(select(NOTICE_LOTS)
                                .where(NOTICE_LOTS.c.notice_id.in_([n.id for n in sent]))
                                .order_by(NOTICE_LOTS.c.notice_id, NOTICE_LOTS.c.seq)):
            stated.setdefault(fig.notice_id, []).append(
                NoticeLotInfo(fig.lot_id, fig.remaining, fig.usable_until))
    notice_of = {n.entry_id: NoticeInfo(n.id, n.kind, n.sent_at, n.points, n.balance,
                                        tuple(stated.get(n.id, ())))
                 for n in sent}
    credited = {r[6] for r in rows if r[3] is EntryType.EARN}
    rates = {order: rate for order, rate in conn.execute(
        select(ORDERS.c.id, ORDERS.c.rate).where(ORDERS.c.id.in_(credited)))
        if rate} if credited else {}
    return [HistoryRow(entry_id, seq, at, kind, points, balances[seq], source_kind, source_ref,
                       note, notice_of.get(entry_id), tuple(drawn.get(entry_id, ())),
                       rates.get(source_ref) if kind is EntryType.EARN else None)
            for entry_id, seq, at, kind, points, source_kind, source_ref, note in rows]


# =========================================================================== CSV


_CSV_HEADER = {
    "en": ["entry", "no", "date", "time", "type", "description", "points", "balance",
           "source", "reference", "note", "notice", "notice_sent", "lots"],
    "de": ["Buchung", "Nr", "Datum", "Zeitpunkt", "Art", "Beschreibung", "X-Points", "Saldo",
           "Quelle", "Referenz", "Notiz", "Mitteilung", "Mitteilung_gesendet",
           "Gutschriftposten"],
}


def write_csv(db: Db, account_id: str, f: HistoryFilter, stream: IO[str],
              language: str) -> int:
    """The filtered history, oldest first, as CSV on `stream` (opened with newline=""):
    a header row in `language`, the Berlin date (ISO 8601, 2025-03-31) and the instant
    (ISO 8601 with its Berlin offset), points and running balance as integers, and the
    lots each entry touched as ``lot:points:usable-until`` joined by spaces. Returns the
    number of entries written."""
    conn = connection(db)
    writer = csv.writer(stream)
    writer.writerow(_CSV_HEADER["de" if is_german(language) else "en"])
    n = 0
    for row in iter_history(conn, account_id, f, figures=False):
        local = row.at.astimezone(BERLIN)
        writer.writerow([
            row.id, row.seq, local.date().isoformat(), local.isoformat(),
            row.type.value, entry_label(row.type, language), row.points, row.balance,
            row.source_kind.value, row.source_ref, row.note,
            "" if row.notice is None else row.notice.kind.value,
            "" if row.notice is None else row.notice.sent_at.astimezone(BERLIN).isoformat(),
            " ".join(f"{d.lot_id}:{d.points}:"
                     f"{'' if d.usable_until is None else d.usable_until.isoformat()}"
                     for d in row.allocations),
        ])
        n += 1
    return n


__all__ = [
    "ALL",
    "DrawnLot",
    "HistoryFilter",
    "HistoryRow",
    "NoticeInfo",
    "NoticeLotInfo",
    "history_count",
    "history_page",
    "iter_history",
    "write_csv",
]
