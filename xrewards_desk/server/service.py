"""The reference server's work, apart from HTTP: sign-in, commands with idempotency,
audit and change feed, evidence files, and time passing.

One lock serialises every write, across every server process on the store
(context.Writes: a lock in the process, and on PostgreSQL a transaction-scoped advisory
lock, feed.serialise): commands are applied one at a time, the change feed's sequence
numbers are appended in commit order, and the audit chain has one end. Reads do not take
it. Everything the processes share is in the database (tokens, sign-in throttles,
Idempotency-Keys, the audit chain and its checkpoints, evidence records, presence marks)
or in the data folder (evidence files), never in a process's memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from anyio import to_thread
from pydantic import TypeAdapter
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from xrewards_desk.store import audit
from xrewards_desk.store import models as m

from ..clock import Clock
from ..contract import abuse as q
from ..contract import commands as c
from ..contract import filetypes
from ..contract import records as r
from ..contract.common import (
    BUSY,
    FILE_TOO_LARGE,
    TOO_MANY_ATTEMPTS,
    UNAUTHENTICATED,
    UNSUPPORTED_FILE,
)
from ..domain import actions as a
from ..domain.calendar import redemption_window_end
from ..domain.engine import apply, needs
from ..domain.model import Actor, EntryType, Role, Status, ending_instant
from ..domain.permissions import may
from ..domain.refusals import Refusal
from ..domain.workflow import REPLIES_TO_SEND, ReplyState
from ..store.db import Store
from ..store.ledger import StoreLookup
from . import abuse_signals, idempotency, security, throttle
from .context import Ctx, Writes, check_role, forbidden
from .errors import ApiError
from .feed import Feed
from .feed import page as feed_page
from .handlers import HANDLERS, invitee_of
from .idempotency import Answer
from .presence import PresenceBoard

log = logging.getLogger(__name__)

COMMAND = TypeAdapter(c.Command)
#: shop events whose handlers write nothing before the engine has accepted the action
#: (``Ctx.apply`` comes first, and the engine raises before it saves): a refusal leaves
#: nothing behind, so within a batch they need no savepoint
ATOMIC = frozenset({"order_placed", "order_paid", "order_delivered", "order_cancelled"})
SHOP_EVENT = TypeAdapter(c.ShopEvent)
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    """Who a valid token belongs to."""

    id: int
    name: str
    display_name: str
    role: Role
    language: str

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)


def _canonical(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class _Attempt:
    """A sign-in counted and checked against the throttle, its password not yet hashed:
    the user's id if the name can sign in, and the hash to compare with (a dummy's for a
    name that cannot, so that both take as long)."""

    claim: throttle.Claim
    user_id: int | None
    stored: str


class Service:
    def __init__(self, store: Store, clock: Clock, data_dir: Path,
                 scrypt_n: int = security.SCRYPT_N, *,
                 hashes: security.HashPool | None = None,
                 policy: security.Policy = security.POLICY) -> None:
        """`scrypt_n` is the KDF's cost (tests lower it to keep hundreds of sign-ins fast;
        never below 2**10); `hashes` the pool passwords are hashed on (one sized to the
        cores by default); `policy` how failed sign-ins slow the next ones down."""
        self.scrypt_n = max(scrypt_n, 2**10)
        self.store = store
        self.clock = clock
        self.data_dir = data_dir
        self.evidence_dir = data_dir / "evidence"
        self.evidence_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        #: every writing transaction, one at a time across all server processes
        self.write_lock = Writes(store)
        self.hashes = hashes or security.HashPool()
        self.policy = policy
        #: what the password for a name that cannot sign in is compared with (never
        #: matches: nobody knows what was hashed), so that it takes as long as a real one
        self._dummy_hash = security.hash_password(secrets.token_urlsafe(32), n=self.scrypt_n)
        self._purged_at: datetime | None = None
        #: (the feed's last seq, the next instant anything can fall due) after the last
        #: run of advance_all: nothing to do before then while the feed stays there
        self._quiet: tuple[int, datetime] | None = None
        self.presence = PresenceBoard(store, clock)
        #: told of each command and shop event once it is answered (not a replay of an
        #: Idempotency-Key's answer): (its body, shop or not, the answer); the metrics
        self.answered: list[Callable[[dict[str, Any], bool, Answer], None]] = []
        #: the Ed25519 key the audit chain's checkpoints are signed with (serve reads it
        #: from a file or the environment, server/audit_keys.py); None: none are written
        self.audit_key: audit.SigningKey | None = None

    # ----------------------------------------------------------------- people
    def add_user(self, name: str, display_name: str, role: Role, password: str,
                 language: str = "de") -> None:
        # hashed before the writers' lock is taken (scrypt takes about 80 ms, which every
        # other writer, in any process, would wait for)
        password_hash = security.hash_password(password, n=self.scrypt_n)
        with self.write_lock.session() as s:
            s.add(m.User(name=name, display_name=display_name, role=role, language=language,
                         password_hash=password_hash,
                         active=True,
                         created_at=self.clock.now()))
            s.flush()
            feed = Feed(s)
            feed.touch("staff", name)
            feed.flush(self.clock.now())

    # ----------------------------------------------------------------- sign-in
    async def sign_in_async(self, name: str, password: str, address: str) -> c.Token:
        """Sign in from `address` (the HTTP route's way). Nothing waits on a thread: the
        throttle's check and the token's write take a worker thread for a short
        transaction each, and the password is hashed on the hash pool, with no database
        connection held meanwhile. A full pool, or a throttled name or address, is
        answered at once with 429 and when to try again; nothing is slept."""
        self._hash_slot()
        try:
            attempt = await to_thread.run_sync(self._sign_in_check, name, address)
            ok = await asyncio.wrap_future(self.hashes.verify(password, attempt.stored))
            return await to_thread.run_sync(self._sign_in_settle, attempt, ok)
        finally:
            self.hashes.release()

    def sign_in(self, name: str, password: str, address: str = "local") -> c.Token:
        """The same steps for a caller without an event loop (scripts, tests)."""
        self._hash_slot()
        try:
            attempt = self._sign_in_check(name, address)
            ok = self.hashes.verify(password, attempt.stored).result()
            return self._sign_in_settle(attempt, ok)
        finally:
            self.hashes.release()

    def _hash_slot(self) -> None:
        if not self.hashes.try_slot():
            raise ApiError(BUSY, "The server is checking many sign-ins at once; try again "
                           "in a second.", "Der Server prüft gerade viele Anmeldungen; bitte "
                           "in einer Sekunde erneut versuchen.", retry_after=1)

    def _sign_in_check(self, name: str, address: str) -> _Attempt:
        """Count the attempt (throttle.claim) and read what to compare the password
        with, in one short transaction; a name that cannot sign in is counted the same."""
        now = self.clock.now()
        self._purge_throttle(now)
        try:
            with self.write_lock.session() as s:
                claim = throttle.claim(s, name, address, now, self.policy)
                user = s.scalars(select(m.User).where(m.User.name == name)).first()
                if user is not None and user.active and user.password_hash:
                    return _Attempt(claim, user.id, user.password_hash)
                return _Attempt(claim, None, self._dummy_hash)
        except throttle.Throttled as held:
            raise _too_many(held) from held

    def _sign_in_settle(self, attempt: _Attempt, ok: bool) -> c.Token:
        """A wrong password stays counted as the check counted it; a right one gets a
        token and is taken off the counts."""
        wrong = ApiError(UNAUTHENTICATED, "The user name or password is wrong.",
                         "Benutzername oder Passwort ist falsch.")
        if not ok or attempt.user_id is None:
            raise wrong
        now = self.clock.now()
        with self.write_lock.session() as w:
            user = w.get(m.User, attempt.user_id)
            if user is None or not user.active:  # deactivated meanwhile
                raise wrong
            throttle.succeeded(w, attempt.claim, now, self.policy)
            token = security.new_token()
            expires = now + security.TOKEN_LIFETIME
            w.add(m.ApiToken(token_hash=security.token_hash(token), user_id=user.id,
                             created_at=now, expires_at=expires))
            return c.Token(token=token, expires_at=expires, user=user.name,
                           display_name=user.display_name, role=user.role.value,
                           language=user.language)

    def _purge_throttle(self, now: datetime) -> None:
        """Void throttle rows deleted, at most once a minute (the table stays small)."""
        if self._purged_at is not None and now - self._purged_at < timedelta(minutes=1):
            return
        self._purged_at = now
        with self.write_lock.session() as s:
            throttle.purge(s, now)

    def sign_out(self, token: str) -> None:
        with self.write_lock.session() as s:
            row = s.get(m.ApiToken, security.token_hash(token))
            if row is not None:
                s.delete(row)

    def person(self, token: str | None) -> Person:
        if not token:
            raise ApiError(UNAUTHENTICATED, "Sign in first (no bearer token was sent).",
                           "Bitte zuerst anmelden.")
        with self.store.session() as s:
            row = s.execute(_PERSON, {"k": security.token_hash(token)}).first()
        if row is None or not row.active:
            raise ApiError(UNAUTHENTICATED, "This sign-in is not valid; sign in again.",
                           "Diese Anmeldung ist ungültig; bitte neu anmelden.")
        if row.expires_at <= self.clock.now():
            raise ApiError(UNAUTHENTICATED, "This sign-in has expired; sign in again.",
                           "Diese Anmeldung ist abgelaufen; bitte neu anmelden.")
        return Person(row.id, row.name, row.display_name, row.role, row.language)

    @staticmethod
    def require(person: Person, command: str) -> None:
        """R27: refuse (403 ``forbidden``) what the person's role may not do, by the
        domain's matrix (a read of :data:`~..domain.permissions.READS` or a command)."""
        permission = may(person.role, command)
        if not permission:
            raise forbidden(person.name, permission)

    # ----------------------------------------------------------------- commands
    def run(self, person: Person, key: str, body: dict[str, Any], shop: bool,
            parsed: Any = None) -> Answer:
        """Apply one command (or shop event) once per Idempotency-Key.

        The key is stored in the same transaction as what the command wrote (or, for a
        refusal, as its audit record), so no crash can leave a command applied without its
        key, and a retry after any failure either replays the answer or applies it once.
        Time passing for the accounts a command touches is the engine's own first step;
        the other accounts' expiries are written by the job and before feed reads.

        `parsed` is `body` as its contract model where the caller has it already (the
        HTTP route validated it), else `body` is validated here. The key is looked up
        once, in the writing transaction, under the writers' lock (a kept key's answer
        is replayed from there, whichever process kept it)."""
        request_hash = _canonical(body)
        if parsed is None:
            parsed = (SHOP_EVENT if shop else COMMAND).validate_python(body)
        with self.write_lock:
            try:
                answer = self._run_once(person, key, request_hash, parsed, body)
            except idempotency.Replayed as replayed:  # another process applied it meanwhile
                if replayed.error is not None:
                    raise replayed.error from None
                assert replayed.answer is not None
                return replayed.answer
        for observer in self.answered:
            observer(body, shop, answer)
        return answer

    def _run_once(self, person: Person, key: str, request_hash: str, parsed: Any,
                  body: dict[str, Any]) -> Answer:
        now = self.clock.now()

        def kept(answer_in: Callable[[Session, audit.Chain], Answer]) -> Answer:
            """One writing transaction: the key looked at again under the lock, the
            answer, its audit records, and the answer kept under the key."""
            with self.write_lock.session() as s:
                idempotency.not_seen(s, person, key, request_hash)
                chain = audit.Chain(s)
                answer = answer_in(s, chain)
                chain.write(s)
                idempotency.remember(s, [idempotency.kept(person, key, request_hash, answer, now)])
            return answer

        try:
            return kept(lambda s, chain: self._applied(s, person, parsed, body, now, chain))
        except ApiError as error:
            refusal = error
            return kept(lambda _s, chain: self._refused(person, parsed, body, now, refusal,
                                                        chain))

    @staticmethod
    def _applied(s: Session, person: Person, parsed: Any, body: dict[str, Any],
                 now: datetime, chain: audit.Chain,
                 lookup: StoreLookup | None = None) -> Answer:
        """Apply a parsed command in `s`, with its audit record; its answer (an
        :class:`ApiError` where it is refused, with nothing of it left in `s`'s ORM).
        `lookup`: the engine's values as the transaction holds them (a batch's)."""
        actor = person.actor
        ctx = Ctx(s, Feed(s), actor, now, lookup=lookup)
        handle(ctx, parsed)
        result = c.CommandResult(
            type=parsed.type, applied_at=now,
            touched=[c.Touched(kind=k, id=i) for k, i in dict.fromkeys(ctx.touched)],
            entries=ctx.entries, created=ctx.created, pending_approval=ctx.pending,
            message=ctx.message)
        chain.append(at=now, actor=actor.name,
                     role=actor.role.value if actor.role else None, action=parsed.type,
                     subject=ctx.subject, outcome="applied",
                     detail={"command": body, "created": ctx.created, "entries": ctx.entries})
        return Answer(200, result.model_dump(mode="json"))

    @staticmethod
    def _refused(person: Person, parsed: Any, body: dict[str, Any], now: datetime,
                 error: ApiError, chain: audit.Chain) -> Answer:
        """The audit record of a refused command onto `chain`; the refusal as its answer."""
        actor = person.actor
        chain.append(at=now, actor=actor.name, role=actor.role.value if actor.role else None,
                     action=parsed.type, subject=_subject_of(body),
                     outcome=f"refused:{error.code}",
                     detail={"command": body, "message": error.message})
        return Answer(error.status, error.problem().model_dump(mode="json"))

    def run_batch(self, person: Person, events: list[tuple[str, dict[str, Any]]]
                  | list[tuple[str, dict[str, Any], Any]]) -> list[Answer]:
        """Apply shop events in their order in one transaction, each once per its own
        Idempotency-Key: one answer each, in their order, exactly as :meth:`run` would
        answer the event alone (applied; refused with its rule's code; a kept key's
        answer replayed, or 409 ``idempotency_mismatch`` for a kept key sent with another
        event). A refusal leaves nothing of its event (a savepoint, where its handler
        could write before the rules refuse it) and the others go on; only a failure of
        the database fails the batch, and then none of it is applied.

        An event is (key, body) or (key, body, its parsed model). What repeats is done
        once for the batch: the keys are looked up in one statement (under the writers'
        lock), the audit chain's end is read once, and its records, like the keys kept,
        are inserted in one statement each before the commit."""
        answers: list[Answer] = []
        fresh: list[tuple[dict[str, Any], Answer]] = []
        kept: list[dict[str, Any]] = []
        with self.write_lock.session() as s:
            seen = idempotency.kept_answers(s, person, {event[0] for event in events})
            chain = audit.Chain(s)
            # the engine's values loaded once for the batch: an account's next event starts
            # from what its last one saved (read again after a refusal, which may have
            # rolled back what was loaded or saved since)
            lookup = StoreLookup(s)
            for event in events:
                key, body = event[0], event[1]
                request_hash = _canonical(body)
                known = seen.get(key)
                if known is not None:
                    try:
                        answers.append(idempotency.replay(known, request_hash))
                    except ApiError as mismatch:
                        answers.append(Answer(mismatch.status,
                                              mismatch.problem().model_dump(mode="json")))
                    continue
                parsed = event[2] if len(event) > 2 else SHOP_EVENT.validate_python(body)
                now = self.clock.now()
                savepoint = None if parsed.type in ATOMIC else s.begin_nested()
                try:
                    answer = self._applied(s, person, parsed, body, now, chain, lookup)
                    if savepoint is not None:
                        savepoint.commit()
                except ApiError as error:
                    if savepoint is not None:
                        savepoint.rollback()
                    lookup = StoreLookup(s)
                    answer = self._refused(person, parsed, body, now, error, chain)
                kept.append(idempotency.kept(person, key, request_hash, answer, now))
                seen[key] = (request_hash, answer)  # a key repeated later in the batch
                answers.append(answer)
                fresh.append((body, answer))
            chain.write(s)
            idempotency.remember(s, kept)
        for body, answer in fresh:
            for observer in self.answered:
                observer(body, True, answer)
        return answers

    def preview_confirm(self, person: Person, case_id: str) -> c.Preview:
        """R22: exactly what confirming the case would do, from the engine, not saved."""
        self.require(person, "preview_abuse_decision")
        now = self.clock.now()
        with self.store.session() as s:
            row = s.get(m.AbuseCaseRow, case_id)
            if row is None:
                raise ApiError("unknown_record", f"There is no abuse case {case_id}.",
                               f"Den Missbrauchsfall {case_id} gibt es nicht.", http_status=404)
            invitee = invitee_of(s, row)
            action = a.ConfirmSelfReferral(now, person.actor, invitee, (), "preview")
            lookup = StoreLookup(s)
            state = needs(action, lookup).state(lookup.program(), lookup)
            try:
                outcome = apply(state, action)
            except Refusal as refusal:
                raise ApiError.from_refusal(refusal) from refusal
            written = outcome.written
            # R22: only an unused code is voided; a used one is a claim of its value instead
            # (the engine marks both void, so "voided" is read against the code before)
            before = state.accounts.get(invitee)
            unused = bool(before and before.discount and not before.discount.voided
                          and before.discount.used_on is None)
            invitee_after = outcome.state.accounts.get(invitee)
            return c.Preview(
                case=case_id, version=row.version, at=now,
                voided=[c.PreviewLot(account=e.account, lot=al.lot, points=al.points)
                        for e in written.entries if e.type is EntryType.VOID
                        for al in e.allocations],
                claims=[{"account": cl.account, "amount": f"{cl.amount:.2f}",
                         "reason": cl.reason} for cl in written.claims],
                discount_voided=unused and bool(invitee_after and invitee_after.discount
                                                and invitee_after.discount.voided),
                entries=[{"account": e.account, "type": e.type.value, "points": e.points,
                          "at": e.at.isoformat()} for e in written.entries])

    # ----------------------------------------------------------------- time
    def advance_all(self, limit: int = 500) -> int:
        """Write the expiries (and their notices) that fell due by now, for every account,
        in batches; returns how many accounts moved. Called before commands, before reads
        of the feed, and by the periodic job.

        Finding what is due scans every lot that ever expired and every account (tens of
        milliseconds at 100,000 accounts), which made each page of the feed cost that. So
        after each run the service remembers the feed's last sequence number and the next
        instant anything can fall due (a lot with points left expiring, an R23 window
        closing); until the clock reaches that instant, a run that finds the feed where
        it left it does nothing: every change to lots, accounts and the program is
        appended to the feed, so an unchanged feed means an unchanged due set."""
        now = self.clock.now()
        moved = 0
        with self.write_lock:
            with self.store.session() as s:
                head = self._feed_head(s)
            if self._quiet is not None and self._quiet[0] == head and now < self._quiet[1]:
                return 0
            while True:
                with self.write_lock.session() as s:
                    due = self._due_accounts(s, now, limit)
                    if not due:
                        break
                    feed = Feed(s)
                    ctx = Ctx(s, feed, Actor("clock", None), now)
                    ctx.apply(a.Advance(now, tuple(due)))
                    if not ctx.touched:
                        break  # due by the query, but the engine had nothing to write
                    feed.flush(now)
                    moved += len(due)
            with self.store.session() as s:
                self._quiet = (self._feed_head(s), self._next_due(s, now))
            return moved

    @staticmethod
    def _feed_head(s: Session) -> int:
        return s.scalar(select(func.max(m.ChangeRow.seq))) or 0

    @staticmethod
    def _next_due(s: Session, now: datetime) -> datetime:
        """The first instant after `now` at which :meth:`_due_accounts` can find more
        than it finds at `now`, as long as nothing is written meanwhile."""
        lots = m.LotRow
        later = [s.scalar(select(lots.expires_at).where(lots.remaining > 0,
                                                        lots.expires_at > now)
                          .order_by(lots.expires_at).limit(1))]
        program = s.get(m.ProgramRow, 1)
        if program is not None and program.ended_at is not None:
            later.append(redemption_window_end(program.ended_at))
        later.extend(ending_instant(*row) for row in s.execute(Service._ending()).all())
        return min((t for t in later if t is not None and t > now), default=_NEVER)

    @staticmethod
    def _ending() -> Select[Status, datetime | None, datetime | None]:
        """R23: accounts under a provider's notice, and terminated ones with points left."""
        acc, lots = m.AccountRow, m.LotRow
        held = select(lots.id).where(lots.account_id == acc.id, lots.remaining > 0).exists()
        return select(acc.status, acc.status_at, acc.notice_at).where(
            ((acc.status == Status.ACTIVE) & acc.notice_at.is_not(None))
            | ((acc.status == Status.TERMINATED) & held))

    @staticmethod
    def _due_accounts(s: Session, now: datetime, limit: int) -> list[str]:
        """Accounts with points left in a lot that expired (R9, R10), or whose R23 window
        closed: after a termination with notice, or after the program's end; and accounts
        whose provider's notice takes effect (R23)."""
        lots = m.LotRow
        due = select(lots.account_id).where(lots.remaining > 0, lots.expires_at <= now)
        ids = dict.fromkeys(s.scalars(due.limit(limit * 20)).all())
        program = s.get(m.ProgramRow, 1)
        if program is not None and program.ended_at is not None \
                and redemption_window_end(program.ended_at) <= now:
            ids.update(dict.fromkeys(s.scalars(
                select(lots.account_id).where(lots.remaining > 0).limit(limit * 20)).all()))
        ending = Service._ending().add_columns(m.AccountRow.id)
        for status, status_at, notice_at, account_id in s.execute(ending).all():
            # R23: a notice taking effect, or the window after it closing
            when = ending_instant(status, status_at, notice_at)
            if when is not None and when <= now:
                ids[account_id] = None
        if len(ids) > limit:
            return list(ids)[:limit]
        return list(ids)

    # ----------------------------------------------------------------- feed, audit
    def changes(self, after: int, limit: int) -> bytes:
        """A page of the feed as JSON (the shape of :class:`ChangePage`), after the
        expiries due by now are written (:func:`.feed.page`)."""
        self.advance_all()
        with self.store.engine.connect() as conn:
            return feed_page(conn, after, limit)

    def audit_page(self, person: Person, after: int, limit: int, *,
                   actor: str | None = None, action: str | None = None,
                   account: str | None = None, since: datetime | None = None,
                   until: datetime | None = None) -> c.AuditPage:
        """A page of the audit log, oldest first, narrowed by the filters
        (:func:`~xrewards_desk.store.audit.records`); `next` is the last id returned."""
        self.require(person, "read_audit")
        with self.store.session() as s:
            rows, more = audit.records(s, after=after, limit=limit, actor=actor,
                                       action=action, account=account, since=since,
                                       until=until)
            return c.AuditPage(
                records=[c.AuditRecord(id=r.id, at=r.at, actor=r.actor, role=r.role,
                                       action=r.action, subject=r.subject, outcome=r.outcome,
                                       detail=r.detail, hash=r.hash or "") for r in rows],
                next=str(rows[-1].id if rows else after), more=more)

    def audit_verify(self, person: Person) -> c.AuditVerification:
        """The records and the checkpoints walked with this server's public key, every
        break listed (as ``xrewards-desk audit verify`` does with the key it is given)."""
        self.require(person, "verify_audit")
        key = self.audit_key
        keys = {key.key_id: key.public} if key is not None else {}
        with self.store.session() as s:
            report = audit.check(s, keys)
            signed = (s.get(m.AuditCheckpoint, report.signed_seq)
                      if report.signed_seq is not None else None)
            breaks = [c.BrokenRecord(id=b.record, at=b.at, reason=b.kind,  # type: ignore[arg-type]
                                     message=f"{b.records.capitalize()}: {b.reason}",
                                     through=b.through, checkpoint=b.checkpoint)
                      for b in report.breaks]
            return c.AuditVerification(
                ok=report.ok, checked=report.records,
                first_broken=breaks[0] if breaks else None, breaks=breaks,
                checkpoints=report.checkpoints,
                signed=_checkpoint(signed) if signed is not None else None,
                unsigned=report.unsigned, key_id=key.key_id if key is not None else None)

    def audit_checkpoint(self, attempts: int = 8) -> m.AuditCheckpoint | None:
        """Sign the audit chain's head as the next checkpoint, if it moved since the last
        (the app does so at least every minute and at shutdown). The sequence number is
        the table's primary key: when another server process wrote the same number first,
        the insert fails and this tries again on the chain as it is then. Nothing is
        signed over a chain that no longer holds what the last checkpoint signed (logged;
        ``audit verify`` names it)."""
        key = self.audit_key
        if key is None:
            return None
        for attempt in range(attempts):
            try:
                # the lock keeps this process's commands from meeting it mid-transaction
                # (SQLite refuses a write after a read once another write came between);
                # the order across processes is the database's primary key
                with self.write_lock.session() as s:
                    written = audit.write_checkpoint(s, key, self.clock.now())
                    if written is not None:
                        s.expunge(written)
                return written
            except audit.CheckpointRefused as refused:
                log.error("the audit chain is not signed further: %s (run xrewards-desk "
                          "audit verify)", refused)
                return None
            except (IntegrityError, OperationalError) as exc:  # another process was first
                if attempt == attempts - 1:
                    raise
                log.info("audit checkpoint: tried again (%s)", type(exc).__name__)
                time.sleep(0.01 * 2**attempt)
        return None

    def audit_public_key(self) -> c.AuditPublicKey:
        key = self.audit_key
        if key is None:
            raise ApiError("unknown_record", "This server signs no audit checkpoints (it "
                           "was started without an audit key).", "Dieser Server signiert "
                           "keine Prüfpunkte des Audit-Protokolls.", http_status=404)
        return c.AuditPublicKey(algorithm="Ed25519", key_id=key.key_id,
                                public_key=audit.public_pem(key.public))

    def audit_consistency(self, person: Person, record: int,
                          hash_: str) -> c.AuditConsistency:
        """Whether the chain still has record `record` with hash `hash_` (a desktop asks
        for the head it last saw), and the newest signed checkpoint."""
        self.require(person, "read_audit")
        with self.store.session() as s:
            latest = audit.latest_checkpoint(s)  # first: the head read next is as new
            found = audit.hash_at(s, record)
            last, _head = audit.head(s)
            return c.AuditConsistency(
                record=record, hash=hash_, contains=found == hash_, found=found,
                last_record=last, checkpoint=_checkpoint(latest) if latest else None)

    # ----------------------------------------------------------------- presence
    def mark_present(self, person: Person, record: str) -> c.PresenceList:
        self.require(person, "mark_presence")
        self.presence.mark(person, record)
        return self.present(person, record)

    def present(self, person: Person, record: str) -> c.PresenceList:
        self.require(person, "see_presence")
        return c.PresenceList(record=record, others=[
            c.Present(name=name, display_name=display_name, since=since)
            for name, display_name, since in self.presence.others(record, person.name)])

    # ----------------------------------------------------------------- abuse queue
    def abuse_queue(self, person: Person, min_score: int, limit: int) -> q.ReferralQueue:
        """Referrals ranked by their signs of a self-referral (R22), for compliance and
        team leads."""
        self.require(person, "read_abuse_queue")
        with self.store.session() as s:
            page, total = abuse_signals.ranked(s, min_score, limit)
            ids = {x for p in page for x in (p.referrer, p.invitee)}
            accounts = {row.id: row for row in s.scalars(
                select(m.AccountRow).where(m.AccountRow.id.in_(ids)))} if ids else {}
            cases = abuse_signals.open_cases(s, [(p.invitee, p.referrer) for p in page])

            def account(key: str) -> q.QueueAccount:
                row = accounts[key]
                return q.QueueAccount(id=row.id, name=row.name, email=row.email,
                                      organisation=row.organisation_id)

            return q.ReferralQueue(min_score=min_score, total=total, referrals=[
                q.ScoredReferral(
                    referrer=account(p.referrer), invitee=account(p.invitee), score=p.score,
                    signals=[q.QueueSignal(kind=x.kind, weight=x.weight, evidence=x.evidence)
                             for x in p.signals],
                    case_open=bool(cases.get(p.invitee)),
                    open_cases=cases.get(p.invitee, []))
                for p in page])

    # ----------------------------------------------------------------- the mail gateway
    def replies_to_send(self, person: Person, limit: int) -> list[c.ReplyToSend]:
        """The replies queued or being sent, oldest first (the mail gateway's only)."""
        self.require(person, "read_replies_to_send")
        mail = m.MailMessage
        with self.store.session() as s:
            rows = s.scalars(select(mail).where(mail.send_state.in_(REPLIES_TO_SEND))
                             .order_by(mail.queued_at, mail.id).limit(limit)).all()
            return [c.ReplyToSend(
                message=x.id, case=x.case_id, message_id=x.message_id,
                in_reply_to=x.in_reply_to, references=list(x.references),
                to=x.recipient or "", subject=x.subject, body=x.body,
                state=_queued_or_sending(x.send_state), attempts=x.send_attempts,
                queued_at=x.queued_at or x.received_at or self.clock.now()) for x in rows]

    def gateway_state(self, person: Person) -> c.GatewayState:
        """What the mail gateway last reported (404 ``unknown_record`` before it has)."""
        self.require(person, "read_gateway_state")
        with self.store.session() as s:
            row = s.get(m.GatewayStateRow, 1)
            if row is None:
                raise ApiError("unknown_record", "The mail gateway has not reported yet.",
                               "Die Postfach-Anbindung hat sich noch nicht gemeldet.",
                               http_status=404)
            return c.GatewayState(connected=row.connected, last_taken_at=row.last_taken_at,
                                  waiting=row.waiting, detail=row.detail,
                                  reported_at=row.reported_at, reported_by=row.reported_by)

    # ----------------------------------------------------------------- evidence
    def evidence_path(self, sha: str) -> Path:
        return self.evidence_dir / sha[:2] / sha

    def upload(self, person: Person, data: bytes, label: str) -> r.Evidence:
        self.require(person, "upload_evidence")
        # the name is a label only: no folders, no control characters, at most 255
        printable = "".join(ch for ch in (label or "") if ch.isprintable())
        label = Path(printable.replace("\\", "/")).name[:255] or "file"
        if len(data) > filetypes.MAX_BYTES:  # read up to one byte past it: its size unknown
            most = filetypes.MAX_BYTES // 2**20
            raise ApiError(FILE_TOO_LARGE, f"{label} is larger than {most} MiB; evidence "
                           f"files may be at most {most} MiB.", f"{label} ist größer als "
                           f"{most} MiB; Nachweise dürfen höchstens {most} MiB groß sein.",
                           limit=filetypes.MAX_BYTES)
        why = filetypes.refusal(data, label)
        if why is not None:
            raise ApiError(UNSUPPORTED_FILE, why, filetypes.refusal(data, label, "de"))
        media_type = filetypes.sniff(data)
        assert media_type is not None
        sha = hashlib.sha256(data).hexdigest()
        now = self.clock.now()
        with self.write_lock.session() as s:
            row = s.get(m.EvidenceFile, sha)
            if row is None:
                path = self.evidence_path(sha)
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                tmp = path.with_suffix(".part")
                tmp.write_bytes(data)
                tmp.chmod(0o600)
                tmp.replace(path)
                row = m.EvidenceFile(sha256=sha, media_type=media_type, size=len(data),
                                     label=label, uploaded_at=now, uploaded_by=person.name)
                s.add(row)
                feed = Feed(s)
                feed.touch("evidence", sha)
                feed.flush(now)
                audit.append(s, at=now, actor=person.name, role=person.role.value,
                             action="upload_evidence", subject=f"evidence:{sha}",
                             outcome="applied", detail={"label": label, "size": len(data),
                                                        "media_type": media_type})
            return r.Evidence(sha256=row.sha256, media_type=row.media_type,
                                      size=row.size, label=row.label,
                                      uploaded_at=row.uploaded_at,
                                      uploaded_by=row.uploaded_by)

    def download(self, person: Person, sha: str) -> tuple[m.EvidenceFile, Path]:
        self.require(person, "read_evidence")
        with self.store.session() as s:
            row = s.get(m.EvidenceFile, sha)
            if row is None or not self.evidence_path(sha).exists():
                raise ApiError("unknown_record", f"There is no evidence file {sha}.",
                               f"Die Beweisdatei {sha} gibt es nicht.", http_status=404)
            return row, self.evidence_path(sha)


#: a token's person, in one statement
_PERSON = (select(m.User.id, m.User.name, m.User.display_name, m.User.role,
                  m.User.language, m.User.active, m.ApiToken.expires_at)
           .join(m.ApiToken, m.ApiToken.user_id == m.User.id)
           .where(m.ApiToken.token_hash == bindparam("k")))


def _checkpoint(row: m.AuditCheckpoint) -> c.AuditCheckpoint:
    return c.AuditCheckpoint(seq=row.seq, record=row.record, hash=row.head_hash, at=row.at,
                             key_id=row.key_id, signature=row.signature)


def _in_words(seconds: int) -> tuple[str, str]:
    """A wait in English and German: seconds up to two minutes, then minutes."""
    if seconds == 1:
        return "1 second", "1 Sekunde"
    if seconds <= 120:
        return f"{seconds} seconds", f"{seconds} Sekunden"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes", f"{minutes} Minuten"


def _too_many(held: throttle.Throttled) -> ApiError:
    wait, wait_de = _in_words(held.retry_after)
    if held.kind == throttle.PAIR:
        en = f"Too many failed sign-ins for this name from this address; try again in {wait}."
        de = (f"Zu viele fehlgeschlagene Anmeldungen für diesen Namen von dieser Adresse; "
              f"bitte in {wait_de} erneut versuchen.")
    elif held.kind == throttle.ADDRESS:
        en = f"Too many failed sign-ins from this address; try again in {wait}."
        de = (f"Zu viele fehlgeschlagene Anmeldungen von dieser Adresse; bitte in {wait_de} "
              "erneut versuchen.")
    else:
        en = ("Too many failed sign-ins for this name from many addresses; from an address "
              f"it has not signed in from lately, try again in {wait}.")
        de = ("Zu viele fehlgeschlagene Anmeldungen für diesen Namen von vielen Adressen; "
              "von einer Adresse, von der er sich zuletzt nicht angemeldet hat, bitte in "
              f"{wait_de} erneut versuchen.")
    return ApiError(TOO_MANY_ATTEMPTS, en, de, retry_after=held.retry_after,
                    limit=held.kind)


def handle(ctx: Ctx, command: Any) -> None:
    """One parsed command or shop event in `ctx`'s transaction: R27's check (403
    ``forbidden``), its handler, a refusal of the rules as an :class:`ApiError`; then what
    it touched into the feed. The demo runs its events through here too."""
    check_role(ctx.actor, command.type)
    try:
        HANDLERS[command.type](ctx, command)
    except Refusal as refusal:
        raise ApiError.from_refusal(refusal) from refusal
    ctx.feed.flush(ctx.now)


def _queued_or_sending(state: ReplyState | None) -> Literal["queued", "sending"]:
    """A reply the gateway is to send is queued or being sent (the query asked for those)."""
    return "sending" if state is ReplyState.SENDING else "queued"


def _subject_of(body: dict[str, Any]) -> str:
    for key, kind in (("case", "case"), ("objection", "objection"), ("request", "request"),
                      ("claim", "claim"), ("account", "account"), ("order", "order")):
        if key in body:
            return f"{kind}:{body[key]}"
    return ""
