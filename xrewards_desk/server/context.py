"""What every handler works with: the command's context (the session, the actor, the clock,
the feed and what the command made or touched), the role check against R27's matrix, the
version check of a record decided on, and the lookups that answer 404 with the record's
name."""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..contract import records as r
from ..contract.common import FORBIDDEN, STALE_VERSION, Model
from ..domain import actions as a
from ..domain import permissions, workflow
from ..domain.engine import (
    Written,
)
from ..domain.model import Actor, Order
from ..domain.money import CENT
from ..store.ledger import Saved, StoreLookup, apply_saving, order_values
from .errors import ApiError, unknown
from .feed import (
    READ,
    Feed,
    ReadBack,
    entry_of,
    lot_of,
    notice_of,
    order_record,
    serialise,
)

if TYPE_CHECKING:
    from ..store.db import Store


class Writes:
    """The store's writing transactions, one at a time: within this process by a lock
    (so threads queue here rather than on a database connection each), across processes
    by :func:`serialise`. Re-entrant: a thread holding it may open another."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.RLock()

    def __enter__(self) -> bool:
        return self.lock.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.lock.__exit__(*exc)  # type: ignore[arg-type]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One writing transaction, serialised with every other writer of the store."""
        with self.lock, self.store.session(write=True) as s:
            serialise(s)
            yield s


@dataclass
class Ctx:
    """One command's transaction: who acts, when, and what it touched."""

    session: Session
    feed: Feed
    actor: Actor
    now: datetime
    touched: list[tuple[str, str]] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    created: str | None = None
    pending: bool = False
    #: where new referral codes come from (the demo passes a seeded one)
    rng: random.Random = field(default_factory=secrets.SystemRandom)
    message: str = ""
    subject: str = ""
    #: the engine's values as this transaction loaded and saved them, kept across its
    #: actions where one transaction runs many (a batch, the demo); None: each action
    #: loads its own
    lookup: StoreLookup | None = None

    def touch(self, kind: str, key: object, record: Model | ReadBack | None = READ, *,
              beside: bool = False) -> None:
        """`kind` `key` changed by the handler (besides the engine): told to the feed, and
        forgotten by the transaction's lookup, which reads it again when next asked;
        `beside`: the handler wrote only what the engine's value does not hold (its row's
        other columns, or rows of other tables), so the lookup's value still holds."""
        if self.lookup is not None and not beside:
            self.lookup.forget(kind, str(key))
        self._told(kind, key, record)

    def _told(self, kind: str, key: object, record: Model | ReadBack | None = READ) -> None:
        self.feed.touch(kind, key, record)
        self.touched.append((kind, str(key)))

    def add(self, kind: str, row: Any, created: bool = True) -> None:
        """Store a new record and tell the feed; where `created`, it is what the command
        made (its id in the answer)."""
        self.session.add(row)
        self.session.flush()
        if created:
            self.created = str(row.id)
        self.touch(kind, row.id)

    def apply(self, action: a.Action) -> Written:
        """Apply an engine action; tell the feed everything it changed and wrote.

        The engine reads and writes through Core, so the ORM's pending changes are flushed
        first, and what the ORM holds of the rows the engine changed is expired after (it
        reloads on the next access); the rest of what it holds stays valid."""
        self.session.flush()
        if self.lookup is None:
            self.lookup = StoreLookup(self.session)
        written, saved = apply_saving(self.session, action, self.lookup)
        _expire(self.session, saved)
        self.applied(written, saved)
        return written

    def applied(self, written: Written, saved: Saved) -> None:
        """Tell the feed what the engine saved: its lots, entries and notices as the
        values it wrote, the accounts, orders, cases it changed to be read back."""
        lots = {lot.id: lot for lot in saved.lot_values}
        for kind, keys in (("account", saved.accounts), ("discount", saved.discounts),
                           ("lot", saved.lots), ("order", saved.orders),
                           ("abuse_case", saved.cases)):
            for key in keys:
                if kind == "lot" and key in lots:
                    self._told(kind, key, lot_of(lots[key]))
                elif kind == "order":
                    self._told(kind, key, self.order_record(key))
                else:
                    self._told(kind, key)
        if saved.program:
            self._told("program", 1)
        for entry in written.entries:
            self._told("entry", entry.id, entry_of(entry))
            self.entries.append(entry.id)
        for notice in written.notices:
            self._told("notice", notice.id, notice_of(notice))
        if written.claims:
            ids = self.session.scalars(
                select(m.ClaimRow.id).order_by(m.ClaimRow.id.desc())
                .limit(len(written.claims))).all()
            for claim_id in sorted(ids):
                self._told("claim", claim_id)


    def order_record(self, order_id: str) -> Model | ReadBack:
        """The order as the feed carries it, from the engine's value as saved and the
        columns beside it as this transaction holds them; read back where the lookup
        holds no such columns or the order was cancelled (its record lists the
        cancellations' rows)."""
        lookup = self.lookup
        order = lookup.orders.get(order_id) if lookup is not None else None
        beside = lookup.order_beside.get(order_id) if lookup is not None else None
        if order is None or beside is None or order.cancelled:
            return READ
        return order_of(order, beside)


def order_of(order: Order, beside: dict[str, Any]) -> r.Order:
    """An order's feed record from the engine's value and its other columns, each as the
    store gives it back (instants in UTC, euros to the cent)."""
    values = order_values(order)
    for name in ("placed_at", "paid_at", "delivered_at", "completed_at"):
        if values[name] is not None:
            values[name] = values[name].astimezone(UTC)
    for name in ("net", "discount", "cancelled", "spend_added"):
        values[name] = values[name].quantize(CENT)
    return order_record(SimpleNamespace(**values, **beside), [])


#: the ORM's classes of the rows the engine saves, by :class:`Saved`'s field
_SAVED_MODELS: tuple[tuple[str, Any], ...] = (
    ("accounts", m.AccountRow), ("lots", m.LotRow), ("orders", m.OrderRow),
    ("cases", m.AbuseCaseRow), ("discounts", m.DiscountCode))


def _expire(session: Session, saved: Saved) -> None:
    """Expire what the session holds of the rows the engine just wrote through Core."""
    held = session.identity_map
    if not len(held):
        return
    for field_name, model in _SAVED_MODELS:
        mapper = sa_inspect(model)
        for key in getattr(saved, field_name):
            row = held.get(mapper.identity_key_from_primary_key((key,)))
            if row is not None:
                session.expire(row)
    if saved.program:
        row = held.get(sa_inspect(m.ProgramRow).identity_key_from_primary_key((1,)))
        if row is not None:
            session.expire(row)


def forbidden(name: str, permission: permissions.Permission) -> ApiError:
    """403 ``forbidden``: who asked, in which role, and the rule's sentence (R27)."""
    role = permission.role
    en, de = permissions.ROLE_NAMES[role] if role is not None else ("no role", "ohne Rolle")
    return ApiError(FORBIDDEN, f"{name} ({en}) may not {permission.what}. "
                    f"{permission.reason}",
                    f"{name} ({de}) darf nicht {permission.what_de}. {permission.reason_de}",
                    role=role.value if role is not None else "none",
                    command=permission.command)


def check_role(actor: Actor, command: str) -> None:
    """R27: refuse a command the actor's role may not send (403 ``forbidden``)."""
    permission = permissions.may(actor.role, command)
    if not permission:
        raise forbidden(actor.name, permission)


def stale(ctx: Ctx, kind: str, key: object, have: int, sent: int) -> ApiError:
    """409 stale_version, naming the last person who changed the record and when."""
    subject = f"{kind}:{key}"
    last = ctx.session.scalars(
        select(m.AuditRecord).where(m.AuditRecord.subject == subject,
                                    m.AuditRecord.outcome == "applied")
        .order_by(m.AuditRecord.id.desc()).limit(1)).first()
    who = last.actor if last else "the shop's systems or the passing of time"
    when = last.at.isoformat() if last else None
    return ApiError(
        STALE_VERSION,
        f"{kind.replace('_', ' ').capitalize()} {key} was changed by {who}"
        f"{' at ' + when if when else ''} after you read it (version {sent}, now {have}); "
        "look at it again and decide anew.",
        f"{kind} {key} wurde nach dem Lesen geändert ({who}{', ' + when if when else ''}; "
        f"Version {sent}, jetzt {have}); bitte erneut prüfen und entscheiden.",
        record=subject, version=have, sent=sent, changed_by=who, changed_at=when)


def _get(ctx: Ctx, model: type[Any], key: object, kind: str, kind_de: str,
         version: int | None = None, record: str | None = None) -> Any:
    """The record, else 404 in its words; where `version` is sent, the record (of kind
    `record`, else `kind`) is the command's subject and must still be that version (409
    ``stale_version``)."""
    row = ctx.session.get(model, key)
    if row is None:
        raise unknown(kind, key, kind_de)
    if version is not None:
        if row.version != version:
            raise stale(ctx, record or kind, key, row.version, version)
        ctx.subject = f"{record or kind}:{key}"
    return row


def _invalid(en: str, de: str, step: workflow.Step) -> ApiError:
    """``invalid_state``: the workflow's reason why the record cannot take this step."""
    return ApiError("invalid_state", f"{en}: {step.reason}", f"{de}: {step.reason_de}")


def _account(ctx: Ctx, account: str | None) -> None:
    """404 for an account named that is not in the store."""
    if account is not None:
        _get(ctx, m.AccountRow, account, "account", "Das X-Konto")


def _evidence(ctx: Ctx, shas: list[str]) -> None:
    """404 for an evidence file named that was not uploaded."""
    for sha in dict.fromkeys(shas):
        _get(ctx, m.EvidenceFile, sha, "evidence", "Die Beweisdatei")


def _decide(ctx: Ctx, kind: str, row: Any, **values: Any) -> None:
    """Who decided the record and when, with `values` (its status, its reason)."""
    row.decided_by = ctx.actor.name
    row.decided_at = ctx.now
    for name, value in values.items():
        setattr(row, name, value)
    ctx.session.flush()
    ctx.touch(kind, row.id)


def _actor_named(session: Session, name: str) -> Actor:
    role = session.scalars(select(m.User.role).where(m.User.name == name)).first()
    return Actor(name, role)
