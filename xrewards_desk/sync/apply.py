"""Applying the server's change feed to the desktop's local store.

Each change carries one record's whole state (:mod:`xrewards_desk.contract.records`); it is
upserted into the same table the server keeps it in (the models are shared), children
(an entry's allocations, a notice's lot figures, a mail's attachments, a transfer's
evidence, a case's accounts, an account's addresses, an order's cancellations) replaced
with it. A page is applied in the caller's transaction, together with the new cursor, so
a crash never leaves half a page or a cursor ahead of the data.

Local-only columns (the engine's counters) keep their defaults: the desktop never applies
actions itself; it previews through the engine on states it loads, and its decisions go
to the server as commands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from itertools import islice
from operator import itemgetter
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Table, UniqueConstraint, delete, or_, select
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Connection, Dialect

from xrewards_desk.store import models as m

from ..contract import records as r
from ..contract.records import RECORDS
from ..store.folding import fold
from ..store.ledger import stored_adjustments
from ..store.types import Instant, Money
from .validation import validate


def _t(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


class _HasDialect(Protocol):
    """What a plan is made for: a connection, or :data:`_GATHER`."""

    @property
    def dialect(self) -> Dialect: ...


@dataclass(frozen=True)
class _Dialected:
    dialect: Dialect


class _Plan:
    """How rows of one table with these columns are written: the SQL, and the columns'
    bind processors (the same SQLAlchemy applies: aware instants to UTC text, money to
    cents, enums checked, JSON dumped), applied to a tuple per row. Executed through the
    DB-API's executemany, without SQLAlchemy's per-row parameter handling.

    Three processors are made cheaper: an instant on SQLite (:func:`_sqlite_instant`,
    half the time of :class:`~xrewards_desk.store.types.Instant` and SQLite's DATETIME
    processor together, checked against them when the plan is made); money on SQLite
    (:func:`_sqlite_cents`, a quarter of the time of
    :class:`~xrewards_desk.store.types.Money`'s processor, which it falls back to for
    anything but a finite Decimal of whole cents, likewise checked); and a JSON column
    given an empty list (the engine's working state the desktop never has), dumped once
    instead of once a row."""

    __slots__ = ("columns", "convert", "get", "split", "sql")

    def __init__(self, conn: _HasDialect, table: Table, columns: tuple[str, ...],
                 upsert: bool) -> None:
        dialect = conn.dialect
        quote = dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
        if upsert:
            keys = [c.name for c in table.primary_key.columns]
            others = [c for c in columns if c not in keys]
            target = ", ".join(quote(k) for k in keys)
            if others:
                # a row the store already holds as it is stays untouched: no index entry,
                # trigger or page of it is rewritten (a page pulled again, a change that
                # left its record as it was)
                sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in others)
                stored = ", ".join(f"{quote(table.name)}.{quote(c)}" for c in others)
                sent = ", ".join(f"excluded.{quote(c)}" for c in others)
                sql += (f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
                        f" WHERE ({stored}) IS NOT ({sent})")
            else:
                sql += f" ON CONFLICT ({target}) DO NOTHING"
        self.sql = sql
        self.columns = columns
        #: on SQLite, an upsert of rows with a one-column key is written split (_Split)
        self.split = (_Split(conn, table, columns, sql[:sql.index(" ON CONFLICT ")])
                      if upsert and dialect.name == "sqlite" and len(table.primary_key.columns) == 1
                      and " ON CONFLICT " in sql else None)
        self.get = itemgetter(*columns) if len(columns) > 1 else _one(columns[0])
        self.convert: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(columns):
            column_type = table.c[name].type
            process: Callable[[Any], Any] | None = (
                column_type.dialect_impl(dialect).bind_processor(dialect))
            if isinstance(column_type, Instant) and dialect.name == "sqlite":
                assert process is not None and all(
                    _sqlite_instant(probe) == process(probe) for probe in _PROBES)
                process = _sqlite_instant
            elif isinstance(column_type, Money) and dialect.name == "sqlite":
                assert process is not None
                process = _sqlite_cents(process)
                assert all(process(probe) == exact for probe, exact in _MONEY_PROBES)
            elif isinstance(column_type, JSON) and process is not None:
                process = _empty_list_once(process)
            if process is not None:
                self.convert.append((i, process))

    def values(self, rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
        get, convert = self.get, self.convert
        out = []
        for row in rows:  # each writer gives every row of a table the same columns
            values = list(get(row))
            for i, process in convert:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out


def _empty_list_once(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    empty = process([])
    return lambda value: empty if value == [] else process(value)


def _sqlite_instant(value: datetime | None) -> str | None:
    """An aware instant as the store keeps it on SQLite: its UTC time as
    ``YYYY-MM-DD HH:MM:SS.ffffff`` (what Instant and SQLite's DATETIME make of it)."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{value!r} has no time zone; instants must be aware")
    if offset:
        value = value - offset  # the UTC time (its offset still attached, not printed)
    return _DATETIME % (value.year, value.month, value.day, value.hour, value.minute,
                        value.second, value.microsecond)


def _sqlite_cents(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Money as the store keeps it on SQLite, integer cents: a finite Decimal of whole
    cents (what the contract's Money gives) scaled by a hundred; anything else (None, a
    fraction of a cent, NaN, another type) through the type's own `process`, which keeps
    or refuses it as it always did."""
    def cents(value: Any) -> Any:
        if type(value) is Decimal and value.is_finite():
            scaled = value.scaleb(2)
            if scaled == scaled.to_integral_value():
                return int(scaled)
        return process(value)
    return cents


#: amounts and their cents, checked when a plan is made
_MONEY_PROBES = ((None, None), (Decimal("0.00"), 0), (Decimal("-0.00"), 0),
                 (Decimal("12.5"), 1250), (Decimal("-2061.45"), -206145),
                 (Decimal("999999999999.99"), 99999999999999), (Decimal("7"), 700),
                 (Decimal("1E+2"), 10000))


#: SQLAlchemy's storage format for DATETIME on SQLite
_DATETIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


_PROBES = (None, datetime(2025, 3, 30, 0, 59, 59, 999999, tzinfo=UTC),
           datetime(2025, 3, 30, 3, 0, 0, 1, tzinfo=ZoneInfo("Europe/Berlin")),
           datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
           datetime(1, 1, 1, 12, tzinfo=UTC))


_PLANS: dict[tuple[str, tuple[str, ...], bool], _Plan] = {}


def _plan(conn: _HasDialect, table: Table, columns: tuple[str, ...], upsert: bool) -> _Plan:
    key = (table.name, columns, upsert)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _Plan(conn, table, columns, upsert)
    return plan


class _Split:
    """How an upsert of rows keyed by one column is written on SQLite as three plain
    statements, after one read of what the store holds of them: rows new to the store
    as a plain INSERT; rows stored with the same values in every indexed column as an
    UPDATE of the other columns only; the rest as the upsert.

    Why: SQLite rewrites the entry of every index whose column an UPDATE sets, whether
    its value changed or not, and an upsert sets them all: an account whose balance
    changed rewrote its six index entries, each on a random leaf page of a large store
    (at 100,000 accounts, 10,000 changes dirtied 25,112 pages, 5,100 fewer this way).
    And an INSERT ... ON CONFLICT of a new row cost four times a plain INSERT with
    foreign keys on (65 against 15 µs an account, SQLite 3.40)."""

    __slots__ = ("indexed", "insert", "key", "probe", "rest", "update")

    def __init__(self, conn: _HasDialect, table: Table, columns: tuple[str, ...],
                 insert: str) -> None:
        quote = conn.dialect.identifier_preparer.quote
        (key,) = [c.name for c in table.primary_key.columns]
        indexed = {c.name for index in table.indexes for c in index.columns}
        indexed |= {c.name for constraint in table.constraints
                    if isinstance(constraint, UniqueConstraint) for c in constraint.columns}
        indexed |= {c.name for c in table.columns if c.unique}
        watched = [c for c in columns if c in indexed and c != key]
        rest = [c for c in columns if c not in indexed and c != key]
        self.key = columns.index(key)
        self.indexed = itemgetter(*(columns.index(c) for c in watched)) if watched else None
        self.rest = [columns.index(c) for c in rest]
        self.insert = insert
        self.probe = (f"SELECT {', '.join(quote(c) for c in (key, *watched))} "
                      f"FROM {quote(table.name)} WHERE {quote(key)} IN "
                      "(SELECT value FROM json_each(?))")
        self.update = (f"UPDATE {quote(table.name)} SET "
                       f"{', '.join(f'{quote(c)} = ?' for c in rest)} "
                       f"WHERE {quote(key)} = ? AND ({', '.join(map(quote, rest))}) "
                       f"IS NOT ({', '.join('?' * len(rest))})") if rest else ""

    def write(self, conn: Connection, upsert: str, values: list[tuple[Any, ...]]) -> None:
        key, indexed, rest = self.key, self.indexed, self.rest
        stored: dict[Any, tuple[Any, ...]] = {
            row[0]: tuple(row[1:]) for row in conn.exec_driver_sql(
                self.probe, (json.dumps([v[key] for v in values]),))}
        new: list[tuple[Any, ...]] = []
        same_keys: list[tuple[Any, ...]] = []
        other: list[tuple[Any, ...]] = []
        for value in values:
            was = stored.get(value[key])
            if was is None:
                new.append(value)
            elif indexed is None or _as_tuple(indexed(value)) == was:
                if rest:
                    changed = [value[i] for i in rest]
                    same_keys.append((*changed, value[key], *changed))
            else:
                other.append(value)
        if new:
            conn.exec_driver_sql(self.insert, new)
        if same_keys:
            conn.exec_driver_sql(self.update, same_keys)
        if other:
            conn.exec_driver_sql(upsert, other)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    """What an itemgetter of one index gives, as the one-tuple a row read back is."""
    return value if isinstance(value, tuple) else (value,)


def _execute(conn: Connection, table: Table, columns: tuple[str, ...],
             values: list[tuple[Any, ...]], upsert: bool) -> None:
    """Rows already converted (:meth:`Batch.freeze`) written through the driver."""
    plan = _plan(conn, table, columns, upsert)
    if plan.split is not None:
        plan.split.write(conn, plan.sql, values)
    else:
        conn.exec_driver_sql(plan.sql, values)


#: what a page's rows are converted for where they are gathered (:meth:`Batch.freeze`):
#: the desk's store, SQLite through pysqlite (SQLCipher's module too), with SQLAlchemy's
#: own JSON serializer (:func:`~xrewards_desk.store.db.make_engine` sets none)
_GATHER = _Dialected(SQLiteDialect_pysqlite())


#: the tables whose rows are replaced with their parent record, and the column naming it
CHILDREN = {"delivery_addresses": "account_id", "lot_allocations": "entry_id",
            "notice_lots": "notice_id", "abuse_case_accounts": "case_id",
            "mail_attachments": "message_id", "transfer_evidence": "request_id",
            "order_cancellations": "order_id"}


class Batch:
    """The rows of a page, by table in the order first used: the last state of each
    record wins, its children replaced with it; written with one statement a table.

    Gathered as dicts (:meth:`upsert`, :meth:`replace`), then :meth:`freeze` turns each
    table's rows into the tuples written, converted by the columns' processors (
    :class:`_Plan`) where the page is checked: in the page checker's process
    (:mod:`.checking`) that work, a fifth of writing a page, leaves the writing process,
    and a page of tuples of text and numbers is handed over in a fifth of the time of one
    of dicts of instants and amounts. The desk's store is SQLite, plain or SQLCipher,
    both through pysqlite (:data:`_GATHER`); :func:`write` refuses any other."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[Table, dict[tuple[Any, ...], dict[str, Any]]]] = {}
        self.children: dict[str, tuple[Table, str, dict[Any, list[dict[str, Any]]]]] = {}
        self.order: list[tuple[str, str]] = []  # ("rows" | "children", table name)
        #: after :meth:`freeze`: per table in order, what, its name, the columns, and the
        #: rows as tuples (rows), or each parent's rows as tuples (children)
        self.frozen: list[tuple[str, str, tuple[str, ...], Any]] | None = None

    def upsert(self, table: Table, row: dict[str, Any]) -> None:
        if table.name not in self.rows:
            self.rows[table.name] = (table, {})
            self.order.append(("rows", table.name))
        self.rows[table.name][1][_primary_key(table)(row)] = row

    def replace(self, table: Table, parent: Any, rows: list[dict[str, Any]]) -> None:
        """The child rows of `parent` in `table` (a table of :data:`CHILDREN`)."""
        if table.name not in self.children:
            self.children[table.name] = (table, CHILDREN[table.name], {})
            self.order.append(("children", table.name))
        self.children[table.name][2][parent] = rows

    def freeze(self) -> None:
        """Every row as the tuple written (the gathered dicts are dropped)."""
        if self.frozen is not None:
            return
        frozen: list[tuple[str, str, tuple[str, ...], Any]] = []
        for what, table_name in self.order:
            name = str.__str__(table_name)  # plain text, as _names
            if what == "rows":
                table, by_key = self.rows[table_name]
                rows = list(by_key.values())
                plan = _plan(_GATHER, table, tuple(rows[0]), upsert=True)
                frozen.append((what, name, _names(plan.columns), plan.values(rows)))
            else:
                table, _column, by_parent = self.children[table_name]
                first = next((row for rows in by_parent.values() for row in rows), None)
                if first is None:  # parents without children: no columns to convert
                    frozen.append((what, name, (), {parent: [] for parent in by_parent}))
                    continue
                plan = _plan(_GATHER, table, tuple(first), upsert=False)
                frozen.append((what, name, _names(plan.columns),
                               {parent: plan.values(rows) for parent, rows in by_parent.items()}))
        self.frozen = frozen
        self.rows, self.children, self.order = {}, {}, []

    def write(self, conn: Connection) -> None:
        self.freeze()
        assert self.frozen is not None
        tables = m.Base.metadata.tables
        for what, name, columns, data in self.frozen:
            table = tables[name]
            if what == "rows":
                _execute(conn, table, columns, data, upsert=True)
                continue
            column = CHILDREN[name]
            by_parent: dict[Any, list[tuple[Any, ...]]] = data
            numbered = _numbered(table, column)
            if numbered:  # the old children a record no longer has, then its own
                seq = columns.index("seq") if columns else 0
                conn.exec_driver_sql(_delete_children(conn, table.name, column, True), [
                    (parent, json.dumps([row[seq] for row in rows]))
                    for parent, rows in by_parent.items()])
            else:  # the others: a parent's children replaced where they changed
                by_parent = _changed(conn, table, column, columns, by_parent)
                # the old children of each parent, by the child table's index on it
                # (CHILDREN), one parameter set a parent, through the driver:
                # building an IN of 500 parameters through SQLAlchemy cost more
                if by_parent:
                    conn.exec_driver_sql(
                        _delete_children(conn, table.name, column, False),
                        [(parent,) for parent in by_parent])
            fresh = [row for rows in by_parent.values() for row in rows]
            if fresh:  # numbered children as upserts: those unchanged stay untouched
                _execute(conn, table, columns, fresh, upsert=numbered)


def _names(columns: tuple[str, ...]) -> tuple[str, ...]:
    """Column names as plain text (a table's own are SQLAlchemy's ``quoted_name``, which
    the page checker's hand-over does not carry: checking.py)."""
    return tuple(str.__str__(name) for name in columns)


def _changed(conn: Connection, table: Table, column: str, columns: tuple[str, ...],
             by_parent: dict[Any, list[tuple[Any, ...]]]) -> dict[Any, list[tuple[Any, ...]]]:
    """The parents of `by_parent` whose children in `table` (not numbered) are not
    already stored as given, in the order written, with their children: one read for
    all of them, the stored rows compared with the given ones as they are written."""
    quote = conn.dialect.identifier_preparer.quote
    name, parent_column = quote(table.name), quote(column)
    if not columns:  # no columns to compare by: a parent with children stored is changed
        stored_any = {parent for parent, in conn.exec_driver_sql(
            f"SELECT DISTINCT {parent_column} FROM {name} WHERE {parent_column} IN "
            "(SELECT value FROM json_each(?))", (json.dumps(list(by_parent)),))}
        return {parent: [] for parent in by_parent if parent in stored_any}
    stored: dict[Any, list[tuple[Any, ...]]] = {}
    where = columns.index(column)
    for row in conn.exec_driver_sql(
            f"SELECT {', '.join(map(quote, columns))} FROM {name} WHERE {parent_column} "
            f"IN (SELECT value FROM json_each(?)) ORDER BY {parent_column}, rowid",
            (json.dumps(list(by_parent)),)):
        stored.setdefault(row[where], []).append(tuple(row))
    return {parent: children for parent, children in by_parent.items()
            if stored.get(parent, []) != children}


def _numbered(table: Table, column: str) -> bool:
    """Whether `table`'s children are keyed by their parent and a number (``seq``), so
    that a record sent again can be written as upserts, not deleted and inserted."""
    return [c.name for c in table.primary_key.columns] == [column, "seq"]


_DELETE_CHILDREN: dict[tuple[str, bool], str] = {}


def _delete_children(conn: Connection, table: str, column: str, numbered: bool) -> str:
    """The statement deleting the children of one parent from `table` (made once): all
    of them, or (`numbered`) those whose ``seq`` is not in a JSON list of the ones kept."""
    sql = _DELETE_CHILDREN.get((table, numbered))
    if sql is None:
        quote = conn.dialect.identifier_preparer.quote
        sql = f"DELETE FROM {quote(table)} WHERE {quote(column)} = ?"
        if numbered:
            sql += " AND seq NOT IN (SELECT value FROM json_each(?))"
        _DELETE_CHILDREN[(table, numbered)] = sql
    return sql


_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {}


def _primary_key(table: Table) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A row's primary key as a tuple (a getter built once per table)."""
    get = _KEYS.get(table.name)
    if get is None:
        names = [c.name for c in table.primary_key.columns]
        get = _KEYS[table.name] = itemgetter(*names) if len(names) > 1 else _one(names[0])
    return get


def _one(name: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    return lambda row: (row[name],)


# Each kind: the record's model, and how to write it (values as the model validated them).

def _organisation(b: Batch, x: r.Organisation) -> None:
    b.upsert(_t(m.Organisation), {"id": x.id, "name": x.name})


def _billing(b: Batch, x: r.BillingAccount) -> None:
    b.upsert(_t(m.BillingAccount), {"id": x.id, "organisation_id": x.organisation,
                                          "name": x.name})


def _account(b: Batch, x: r.Account) -> None:
    b.upsert(_t(m.AccountRow), {
        "id": x.id, "organisation_id": x.organisation, "billing_account_id": x.billing_account,
        "name": x.name, "email": x.email, "email_key": x.email.casefold(), "phone": x.phone,
        "language": x.language, "registered_at": x.registered_at, "status": x.status,
        "status_at": x.status_at, "referral_code": x.referral_code,
        "referred_by": x.referred_by, "referral_void": x.referral_void,
        "signup_ip": x.signup_ip, "device_fingerprint": x.device_fingerprint,
        "spend": x.spend, "debt": x.debt, "claims_total": x.claims,
        "has_completed_order": x.has_completed_order, "first_order": x.first_order,
        "version": x.version, "next_lot": 1, "next_entry": 1, "next_notice": 1,
        "first_order_candidates": [], "notice_at": x.notice_at,
        "unapproved_adjustments": stored_adjustments((u.at, u.points)
                                                     for u in x.unapproved_adjustments)})
    b.replace(_t(m.DeliveryAddress), x.id, [
        {"account_id": x.id, "street": a.street, "postcode": a.postcode, "city": a.city,
         "country": a.country, "key": _address_key(a.street, a.postcode, a.city, a.country)}
        for a in x.addresses])


#: the folded addresses (:func:`_address_key`) of the pull going on, at most
#: :data:`ADDRESS_KEYS` of them; emptied when the pull ends (:func:`forget`)
_address_keys: dict[tuple[str, str, str, str], str] = {}
#: how many folded addresses are kept; when full, the oldest eighth goes
ADDRESS_KEYS = 1 << 17


def _address_key(street: str, postcode: str, city: str, country: str) -> str:
    """An address folded for comparing (R22 signals), as the server keys it; an account
    is sent again with each change, its address with it, so the folded form is kept
    until the pull ends (:func:`forget`)."""
    parts = (street, postcode, city, country)
    key = _address_keys.get(parts)
    if key is None:
        if len(_address_keys) >= ADDRESS_KEYS:
            _drop(list(islice(_address_keys, ADDRESS_KEYS // 8)))
        key = _address_keys[parts] = fold(f"{street} {postcode} {city} {country}")
    return key


def _drop(keys: Iterable[tuple[str, str, str, str]]) -> None:
    """Folded addresses forgotten one statement each, so that the interpreter lock can
    pass to another thread in between (see :func:`forget`)."""
    for parts in keys:
        del _address_keys[parts]


def _discount(b: Batch, x: r.Discount) -> None:
    b.upsert(_t(m.DiscountCode), {
        "account_id": x.account, "code": x.code, "registered_at": x.registered_at,
        "valid_until": x.valid_until, "used_on": x.used_on, "voided": x.voided})


def _lot(b: Batch, x: r.Lot) -> None:
    b.upsert(_t(m.LotRow), {
        "id": x.id, "account_id": x.account, "seq": x.seq, "credited_at": x.credited_at,
        "usable_until": x.usable_until, "expires_at": x.expires_at, "points": x.points,
        "remaining": x.remaining, "source_kind": x.source_kind, "source_ref": x.source_ref,
        "root": x.root, "parent": x.parent, "redeemed": x.redeemed, "transferred": [],
        "void_claimant": x.void_claimant})


def _order(b: Batch, x: r.Order) -> None:
    b.upsert(_t(m.OrderRow), {
        "id": x.id, "account_id": x.account, "placed_at": x.placed_at,
        "placed_by": x.placed_by, "paid_by": x.paid_by,
        "payment_fingerprint": x.payment_fingerprint, "net": x.net, "discount": x.discount,
        "cancelled": x.cancelled, "redeemed": x.redeemed,
        "redemption": [[a.lot, a.points] for a in x.redemption],
        "paid_at": x.paid_at, "delivered_at": x.delivered_at, "completed_at": x.completed_at,
        "earning": x.earning, "rate": x.rate, "credited": x.credited, "lot_id": x.lot,
        "spend_added": x.spend_added, "bonus_account": x.bonus_account,
        "bonus_lot": x.bonus_lot, "bonus_credited": x.bonus_credited})
    b.replace(_t(m.OrderCancellation), x.id, [
        {"order_id": x.id, "seq": i, "at": c.at, "amount": c.amount, "in_full": c.in_full}
        for i, c in enumerate(x.cancellations, 1)])


def _entry(b: Batch, x: r.Entry) -> None:
    b.upsert(_t(m.LedgerEntry), {
        "id": x.id, "account_id": x.account, "seq": x.seq, "at": x.at, "type": x.type,
        "points": x.points, "source_kind": x.source_kind, "source_ref": x.source_ref,
        "note": x.note})
    b.replace(_t(m.LotAllocation), x.id, [
        {"entry_id": x.id, "seq": i, "lot_id": a.lot, "points": a.points}
        for i, a in enumerate(x.allocations)])


def _notice(b: Batch, x: r.Notice) -> None:
    b.upsert(_t(m.NoticeRow), {
        "id": x.id, "account_id": x.account, "seq": x.seq, "kind": x.kind,
        "sent_at": x.sent_at, "entry_id": x.entry, "points": x.points,
        "balance": x.balance})
    b.replace(_t(m.NoticeLot), x.id, [
        {"notice_id": x.id, "seq": i, "lot_id": f.lot, "remaining": f.remaining,
         "usable_until": f.usable_until} for i, f in enumerate(x.lots)])


def _claim(b: Batch, x: r.Claim) -> None:
    b.upsert(_t(m.ClaimRow), {
        "id": x.id, "account_id": x.account, "at": x.at, "amount": x.amount,
        "source_kind": x.source_kind, "source_ref": x.source_ref, "reason": x.reason,
        "state": m.ClaimState(x.state), "state_at": x.state_at, "state_by": x.state_by,
        "version": x.version})


def _abuse_case(b: Batch, x: r.AbuseCase) -> None:
    b.upsert(_t(m.AbuseCaseRow), {
        "id": x.id, "invitee_id": x.invitee, "opened_at": x.opened_at,
        "opened_by": x.opened_by, "status": x.status, "decided_by": x.decided_by,
        "decided_at": x.decided_at, "reason": x.reason, "mail_case_id": x.mail_case,
        "version": x.version})
    b.replace(_t(m.AbuseCaseAccount), x.id, [
        {"case_id": x.id, "account_id": a, "position": i} for i, a in enumerate(x.accounts)])


def _abuse_signal(b: Batch, x: r.AbuseSignal) -> None:
    b.upsert(_t(m.AbuseSignal), {
        "id": x.id, "referrer_id": x.referrer, "invitee_id": x.invitee, "kind": x.kind,
        "weight": x.weight, "evidence": x.evidence, "found_at": x.found_at})


def _suspicion(b: Batch, x: r.Suspicion) -> None:
    b.upsert(_t(m.Suspicion), {
        "id": x.id, "account_id": x.account, "case_id": x.case, "text": x.text,
        "reported_by": x.reported_by, "at": x.at})


def _mail_case(b: Batch, x: r.MailCase) -> None:
    b.upsert(_t(m.MailCase), {
        "id": x.id, "subject": x.subject, "status": m.MailCaseStatus(x.status),
        "account_id": x.account, "assigned_to": x.assigned_to, "opened_at": x.opened_at,
        "version": x.version})


def _mail_message(b: Batch, x: r.MailMessage) -> None:
    b.upsert(_t(m.MailMessage), {
        "id": x.id, "case_id": x.case, "message_id": x.message_id,
        "in_reply_to": x.in_reply_to, "references": list(x.references),
        "outgoing": x.outgoing, "received_at": x.received_at,
        "received_from": m.ReceivedFrom(x.received_from), "channel": x.channel,
        "sender": x.sender,
        "subject": x.subject, "body": x.body,
        "send_state": m.ReplyState(x.send_state) if x.send_state is not None else None,
        "send_detail": x.send_detail, "send_attempts": x.send_attempts,
        "send_at": x.send_at, "queued_at": x.queued_at, "recipient": x.to})
    b.replace(_t(m.MailAttachment), x.id, [
        {"message_id": x.id, "seq": a.seq, "label": a.label, "evidence_sha256": a.sha256,
         "refused": a.refused} for a in x.attachments])


def _case_note(b: Batch, x: r.CaseNote) -> None:
    b.upsert(_t(m.CaseNote), {"id": x.id, "case_id": x.case, "at": x.at,
                                    "author": x.author, "text": x.text})


def _customer_note(b: Batch, x: r.CustomerNote) -> None:
    b.upsert(_t(m.CustomerNote), {"id": x.id, "account_id": x.account, "at": x.at,
                                  "author": x.author, "text": x.text})


def _objection(b: Batch, x: r.Objection) -> None:
    b.upsert(_t(m.Objection), {
        "id": x.id, "kind": m.ObjectionKind(x.kind), "account_id": x.account,
        "case_id": x.case, "notice_id": x.notice, "received_at": x.received_at,
        "deadline": x.deadline, "status": m.ObjectionStatus(x.status),
        "recorded_by": x.recorded_by, "decided_by": x.decided_by,
        "decided_at": x.decided_at, "reason": x.reason, "version": x.version})


def _adjustment(b: Batch, x: r.AdjustmentRequest) -> None:
    b.upsert(_t(m.AdjustmentRequest), {
        "id": x.id, "account_id": x.account, "points": x.points, "reason": x.reason,
        "goodwill": x.goodwill, "objection_id": x.objection, "case_id": x.case,
        "requested_by": x.requested_by, "requested_at": x.requested_at,
        "status": m.RequestStatus(x.status), "decided_by": x.decided_by,
        "decided_at": x.decided_at, "decision_reason": x.decision_reason,
        "entry_id": x.entry, "version": x.version})


def _transfer(b: Batch, x: r.TransferRequest) -> None:
    b.upsert(_t(m.TransferRequestRow), {
        "id": x.id, "source_id": x.source, "target_id": x.target, "points": x.points,
        "reason": x.reason, "justification": x.justification, "case_id": x.case,
        "requested_by": x.requested_by, "requested_at": x.requested_at,
        "status": m.RequestStatus(x.status), "decided_by": x.decided_by,
        "decided_at": x.decided_at, "decision_reason": x.decision_reason,
        "version": x.version})
    b.replace(_t(m.TransferEvidence), x.id, [
        {"request_id": x.id, "seq": i, "sha256": sha} for i, sha in enumerate(x.evidence)])


def _evidence(b: Batch, x: r.Evidence) -> None:
    b.upsert(_t(m.EvidenceFile), {
        "sha256": x.sha256, "media_type": x.media_type, "size": x.size, "label": x.label,
        "uploaded_at": x.uploaded_at, "uploaded_by": x.uploaded_by})


def _staff(conn: Connection, x: r.Staff, at: datetime) -> None:
    table = _t(m.User)
    known = conn.execute(select(table.c.id).where(table.c.name == x.name)).first()
    values = {"display_name": x.display_name, "role": x.role, "active": x.active}
    if known is None:
        conn.execute(table.insert(), [{"name": x.name, "language": "de", "version": 1,
                                       "password_hash": None, "created_at": at, **values}])
    else:
        changed = or_(*(table.c[name].is_distinct_from(value) for name, value in values.items()))
        conn.execute(table.update().where(table.c.name == x.name, changed), [values])


def _program(b: Batch, x: r.Program) -> None:
    b.upsert(_t(m.ProgramRow), {"id": 1, "launch": x.launch, "ended_at": x.ended_at,
                                      "version": x.version})


WRITERS: dict[str, Callable[[Batch, Any], None]] = {
    "organisation": _organisation, "billing_account": _billing, "account": _account,
    "discount": _discount, "lot": _lot, "order": _order, "entry": _entry,
    "notice": _notice, "claim": _claim, "abuse_case": _abuse_case,
    "abuse_signal": _abuse_signal, "suspicion": _suspicion, "mail_case": _mail_case,
    "mail_message": _mail_message, "case_note": _case_note,
    "customer_note": _customer_note, "objection": _objection,
    "adjustment_request": _adjustment, "transfer_request": _transfer,
    "evidence": _evidence, "program": _program,
}
#: the table to delete from when a change says a record is gone
TABLES: dict[str, type[Any]] = {
    "organisation": m.Organisation, "billing_account": m.BillingAccount,
    "account": m.AccountRow, "discount": m.DiscountCode, "lot": m.LotRow,
    "order": m.OrderRow, "entry": m.LedgerEntry, "notice": m.NoticeRow, "claim": m.ClaimRow,
    "abuse_case": m.AbuseCaseRow, "abuse_signal": m.AbuseSignal, "suspicion": m.Suspicion,
    "mail_case": m.MailCase, "mail_message": m.MailMessage, "case_note": m.CaseNote,
    "customer_note": m.CustomerNote, "objection": m.Objection,
    "adjustment_request": m.AdjustmentRequest, "transfer_request": m.TransferRequestRow,
    "evidence": m.EvidenceFile,
}
assert set(WRITERS) | {"staff"} == set(RECORDS)


#: kinds in an order that writes what is referred to before what refers to it
ORDER = ("organisation", "billing_account", "staff", "evidence", "program", "account",
         "discount", "order", "lot", "entry", "notice", "claim", "mail_case", "mail_message",
         "case_note", "customer_note", "abuse_case", "abuse_signal", "suspicion", "objection",
         "adjustment_request", "transfer_request")
RANK = {kind: i for i, kind in enumerate(ORDER)}
assert set(ORDER) == set(RECORDS)


@dataclass
class Prepared:
    """A page checked against the contract and gathered, not written yet: what to do in
    order (a batch of rows, a record deleted, a member of staff), how many changes, and
    the records they are (their ids as text by kind, once each)."""

    steps: list[Batch | tuple[str, str] | tuple[r.Staff, datetime]]
    changes: int
    records: dict[str, list[str]] = field(default_factory=dict)


def prepare(changes: Iterable[dict[str, Any]], *, nul_free: bool = False) -> Prepared:
    """Check every record of a page against its contract model and gather what to
    write, touching no database: a malformed record raises here, before anything of the
    page is written. Within a page the last state of each record counts; the rows are
    gathered kind by kind (referred-to before referring), one statement a table.

    `nul_free`: the page was decoded from JSON text that :func:`.validation.nul_free`
    passed, so the records skip the contract's walk for NUL characters."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    n = 0
    for change in changes:
        key = (change["kind"], str(change["id"]))
        latest.pop(key, None)  # keep the order of the last state
        latest[key] = change
        n += 1
    steps: list[Batch | tuple[str, str] | tuple[r.Staff, datetime]] = []
    batch = Batch()
    records: dict[str, list[str]] = {}
    for (kind, record_id), change in sorted(latest.items(),
                                            key=lambda item: RANK[item[0][0]]):
        ids = records.get(kind)
        if ids is None:
            ids = records[kind] = []
        ids.append(record_id)
        model = RECORDS[kind]
        data = change.get("data")
        if data is None:
            steps.append(batch)
            batch = Batch()
            steps.append((kind, record_id))
        elif kind == "staff":
            steps.append((cast(r.Staff, validate(model, data, nul_free)),
                          datetime.fromisoformat(change["at"])))
        else:
            WRITERS[kind](batch, validate(model, data, nul_free))
    steps.append(batch)
    for step in steps:
        if isinstance(step, Batch):
            step.freeze()
    return Prepared(steps, n, records)


def write(conn: Connection, prepared: Prepared) -> int:
    """Write a prepared page in the caller's transaction; returns how many changes."""
    if conn.dialect.name != "sqlite" or getattr(conn.dialect, "_json_serializer", None):
        raise ValueError("the desk's local store is a SQLite file (its rows are converted "
                         "for SQLite as a page is checked)")
    # Within a page a record may refer to one whose last change comes later (an invitee
    # written before the referrer's newer state): foreign keys are checked at commit.
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for step in prepared.steps:
        if isinstance(step, Batch):
            step.write(conn)
        elif isinstance(step[0], r.Staff):
            _staff(conn, step[0], step[1])
        else:
            _delete(conn, step[0], step[1])
    return prepared.changes


def apply_changes(conn: Connection, changes: Iterable[dict[str, Any]]) -> int:
    """Apply a page of changes (as the server sent them, JSON) in the caller's
    transaction; returns how many. Every record is validated against its contract model
    first (:func:`prepare`): a malformed page raises and writes nothing."""
    return write(conn, prepare(changes))


def _delete(conn: Connection, kind: str, key: str) -> None:
    if kind == "staff":
        table = _t(m.User)
        conn.execute(table.update().where(table.c.name == key), [{"active": False}])
        return
    table = _t(TABLES[kind])
    column = next(iter(table.primary_key.columns))
    value: Any = int(key) if column.type.python_type is int else key
    if kind == "order":  # its cancellations go with it
        cancellations = _t(m.OrderCancellation)
        conn.execute(delete(cancellations).where(cancellations.c.order_id == value))
    conn.execute(delete(table).where(column == value))


def forget() -> None:
    """Drop what writing pages remembered (the folded addresses), one at a time: the
    100,000-account initial sync ends with 100,000 of them, and emptying them in one call
    (``functools.lru_cache``'s ``cache_clear``, as this was) frees half a million
    objects with the interpreter lock held, the window's longest stall at the sync's end
    (84 ms, bench_stall.py --why). Popped from the end, each a bytecode apart, the GUI
    thread gets the lock within its switch interval."""
    for _ in range(len(_address_keys)):
        _address_keys.popitem()


__all__ = ["Prepared", "apply_changes", "forget", "prepare", "write"]
