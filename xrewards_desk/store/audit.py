"""The audit log: append-only, each record hashing the one before it, and its head signed.

A record's hash is SHA-256 over the previous record's hash and the record's own content
(its id, time, who, role, action, subject, outcome, details) in canonical JSON, so editing
a record breaks its own hash, and deleting one breaks the next record's link.

A hash chain alone does not stop someone who can write to the database: they can edit a
record and recompute every hash after it, or delete the newest records. So the server
signs the chain's head with an Ed25519 key it keeps outside the database (a
:class:`SigningKey`): a checkpoint names the newest record and its hash, with a sequence
number, the time and the key's id (:func:`checkpoint_message`), at least every minute of
activity and at shutdown (:func:`write_checkpoint`). :func:`check` walks the records and
the checkpoints with the public key and lists every break: a record edited (its hash does
not match its content, or the next record still links to its old hash), records missing
(a gap in the numbers), records rewritten with their hashes recomputed (a signed head
that the chain no longer has), records cut off at the end (a signed head the chain no
longer reaches), checkpoints missing, forged or signed by another key. What nobody can
see from the database alone is the newest records deleted together with the newest
checkpoints; desktops remember the last signed head they saw for that, and anyone can
keep a copy of one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import Table, Text, insert, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from .models import AuditCheckpoint, AuditRecord

GENESIS = "0" * 64


def _content(record: AuditRecord) -> str:
    return _content_of({
        "id": record.id, "at": record.at, "actor": record.actor, "role": record.role,
        "action": record.action, "subject": record.subject, "outcome": record.outcome,
        "detail": record.detail})


def _content_of(values: Mapping[str, Any]) -> str:
    return json.dumps({
        "id": values["id"], "at": values["at"].isoformat(), "actor": values["actor"],
        "role": values["role"], "action": values["action"], "subject": values["subject"],
        "outcome": values["outcome"], "detail": values["detail"],
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, record: AuditRecord) -> str:
    return hashlib.sha256((prev_hash + _content(record)).encode()).hexdigest()


_HEAD = select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)
_TABLE = cast(Table, AuditRecord.__table__)


class Chain:
    """The chain extended in memory from its end as read once (:func:`head`), for a
    writer holding the writers' lock (server/feed.py ``serialise``), which no other
    writer, in this process or another, can take before this one commits: records with
    the ids, content and hashes :func:`append` would give them, kept in :attr:`rows` and
    inserted at once by :meth:`write` (one statement for all), not read back one by one.
    A new transaction reads the end again: nothing is carried from one to the next."""

    def __init__(self, session: Session) -> None:
        self.id, self.hash = head(session)
        self.rows: list[dict[str, Any]] = []

    def append(self, *, at: datetime, actor: str, role: str | None, action: str,
               subject: str, outcome: str, detail: dict[str, Any] | None = None) -> None:
        row = {"id": self.id + 1, "at": at.astimezone(UTC), "actor": actor, "role": role,
               "action": action, "subject": subject, "outcome": outcome,
               "detail": json.loads(json.dumps(detail or {}, default=str))}
        # hashed as the record reads back: the instant in UTC, the details through JSON
        digest = hashlib.sha256((self.hash + _content_of(row)).encode()).hexdigest()
        self.rows.append({**row, "prev_hash": self.hash, "hash": digest})
        self.id, self.hash = row["id"], digest

    def write(self, session: Session) -> None:
        """Insert the records appended so far, in their order (one executemany)."""
        if self.rows:
            session.connection().execute(insert(_TABLE), self.rows)
            self.rows = []


def append(session: Session, *, at: datetime, actor: str, role: str | None, action: str,
           subject: str, outcome: str, detail: dict[str, Any] | None = None) -> AuditRecord:
    """Add one record at the end of the chain (the caller serialises writers)."""
    last = session.execute(_HEAD).first()
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
    """One break in the log, by record number, and why.

    `kind`: ``edited`` (a record's content no longer matches its hash, or its hash was
    recomputed: the next record, or a signed checkpoint, still has the old one),
    ``missing`` (records absent from the numbers), ``truncated`` (records a signed
    checkpoint reached are gone from the end), ``bad_signature`` (a checkpoint whose
    signature does not verify: forged or altered), ``unknown_key`` (a checkpoint signed
    by a key not given), ``missing_checkpoint`` (a gap in the checkpoints' numbers).
    `record` is the first record concerned, `through` the last where it is a range; `at`
    the time where the break shows; `checkpoint` the checkpoint's number, if one shows it."""

    record: int
    reason: str
    kind: str = "edited"
    at: datetime | None = None
    through: int | None = None
    checkpoint: int | None = None

    @property
    def records(self) -> str:
        """"record 12" or "records 12–15"."""
        if self.through is None or self.through == self.record:
            return f"record {self.record}"
        return f"records {self.record}–{self.through}"


def _walk(session: Session, wanted: set[int]) -> tuple[int, int, list[Broken],
                                                        dict[int, str]]:
    """Walk the records in order: (records read, the last record's number, the breaks
    among the records themselves, the stored hash of each record in `wanted`)."""
    breaks: list[Broken] = []
    hashes: dict[int, str] = {}
    edited: set[int] = set()
    prev: AuditRecord | None = None
    prev_id = 0
    read = 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)
                                  .execution_options(yield_per=1000)):
        read += 1
        if record.id in wanted:
            hashes[record.id] = record.hash or ""
        if record.id != prev_id + 1:
            breaks.append(Broken(prev_id + 1, f"{_span(prev_id + 1, record.id - 1)} "
                                 f"missing (the next one is {record.id})", "missing",
                                 record.at, through=record.id - 1))
        own_ok = record.hash == chain_hash(record.prev_hash or "", record)
        if not own_ok:
            edited.add(record.id)
            breaks.append(Broken(record.id, "its content does not match its hash "
                                            "(the record was edited)", "edited", record.at))
        elif record.id == prev_id + 1:
            before = prev.hash if prev is not None else GENESIS
            if record.prev_hash != before:
                culprit = prev if prev is not None else record
                if culprit.id not in edited:
                    edited.add(culprit.id)
                    breaks.append(Broken(
                        culprit.id,
                        f"its hash was recomputed after an edit: record {record.id} still "
                        "links to the hash it had" if prev is not None else
                        "it does not begin the chain (its link to the record before "
                        "was changed)", "edited", culprit.at))
        prev, prev_id = record, record.id
        session.expunge(record)
    return read, prev_id, breaks, hashes


def _span(first: int, last: int) -> str:
    return f"record {first} is" if first == last else f"records {first}–{last} are"


def verify(session: Session) -> tuple[int, Broken | None]:
    """The records' own chain, without the checkpoints: (records read, the first break
    or None). :func:`check` lists every break, checkpoints included."""
    read, _last, breaks, _hashes = _walk(session, set())
    return read, min(breaks, key=lambda b: b.record) if breaks else None


# --------------------------------------------------------------------------- signing

#: what a checkpoint's signature covers, besides its fields (changes with their form)
CHECKPOINT_FORMAT = "xrewards-audit-checkpoint/1"


def key_id(public: Ed25519PublicKey) -> str:
    """A key's short name: the first 16 hex digits of SHA-256 over its 32 raw bytes."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_pem(text: str | bytes) -> Ed25519PublicKey:
    """A public key in PEM (``-----BEGIN PUBLIC KEY-----``); ValueError otherwise."""
    key = serialization.load_pem_public_key(text.encode() if isinstance(text, str) else text)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the key is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class SigningKey:
    """The server's Ed25519 private key (read from a file or the environment, never
    from the database: server/audit_keys.py)."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()


def checkpoint_message(seq: int, record: int, head_hash: str, at: datetime,
                       key: str) -> bytes:
    """The bytes a checkpoint's signature covers (canonical JSON)."""
    return json.dumps({"format": CHECKPOINT_FORMAT, "seq": seq, "record": record,
                       "head": head_hash, "at": at.astimezone(UTC).isoformat(), "key": key},
                      sort_keys=True, separators=(",", ":")).encode()


def signature_holds(checkpoint: AuditCheckpoint, public: Ed25519PublicKey) -> bool:
    message = checkpoint_message(checkpoint.seq, checkpoint.record, checkpoint.head_hash,
                                 checkpoint.at, checkpoint.key_id)
    try:
        public.verify(bytes.fromhex(checkpoint.signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


class CheckpointRefused(Exception):
    """The chain no longer holds what the last checkpoint signed: the server does not
    sign over it (the message says what is wrong; ``audit verify`` lists it all)."""


def head(session: Session) -> tuple[int, str]:
    """The chain's newest record and its hash ((0, GENESIS) for an empty chain)."""
    last = session.execute(_HEAD).first()
    return (last.id, last.hash or GENESIS) if last else (0, GENESIS)


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc())
                           .limit(1)).first()


def hash_at(session: Session, record: int) -> str | None:
    """The stored hash of record `record` (GENESIS for 0; None if there is no such)."""
    if record == 0:
        return GENESIS
    return session.scalar(select(AuditRecord.hash).where(AuditRecord.id == record))


def write_checkpoint(session: Session, key: SigningKey, at: datetime
                     ) -> AuditCheckpoint | None:
    """Sign the chain's head as the next checkpoint (None if the last one already names
    it). The next number is read and inserted in one transaction: the sequence number is
    the primary key, so a second process writing the same number fails on commit
    (IntegrityError) and tries again with the next; the caller retries.

    Before signing, the last checkpoint must still hold: signed by this key (if it is
    this key's), its record still in the chain with the hash it signed. Otherwise
    :class:`CheckpointRefused`, so the server never signs over a rewritten or shortened
    chain."""
    last = latest_checkpoint(session)  # first, so the head read next is at least as new
    record, head_hash = head(session)
    if record == 0:
        return None  # an empty chain: nothing to sign, nothing to cut off
    if last is not None:
        if last.record == record and last.head_hash == head_hash:
            return None
        if last.key_id == key.key_id and not signature_holds(last, key.public):
            raise CheckpointRefused(f"checkpoint {last.seq}'s signature does not verify")
        if hash_at(session, last.record) != last.head_hash:
            raise CheckpointRefused(
                f"the chain no longer has record {last.record} as checkpoint {last.seq} "
                "signed it (edited, or deleted)")
    seq = last.seq + 1 if last is not None else 1
    at = at.astimezone(UTC)
    checkpoint = AuditCheckpoint(
        seq=seq, record=record, head_hash=head_hash, at=at, key_id=key.key_id,
        signature=key.sign(checkpoint_message(seq, record, head_hash, at, key.key_id)))
    session.add(checkpoint)
    session.flush()
    return checkpoint


@dataclass(frozen=True)
class Report:
    """:func:`check`'s answer."""

    #: records read, and the newest record's number (0: none)
    records: int
    last_record: int
    #: checkpoints read, and how many hold (signature verified and the chain has its head)
    checkpoints: int
    holding: int
    #: the newest checkpoint whose signature verified: its number, record and time
    signed_seq: int | None
    signed_through: int | None
    signed_at: datetime | None
    #: whether signatures were checked (False: no public key was given)
    keys_checked: bool
    breaks: list[Broken] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def unsigned(self) -> int:
        """Records after the newest signed checkpoint (signed within a minute)."""
        return max(0, self.last_record - (self.signed_through or 0))


def check(session: Session, keys: Mapping[str, Ed25519PublicKey] | None) -> Report:
    """Walk the records and the checkpoints and list every break, by record number.

    `keys` maps key ids to the public keys to verify with (None: signatures are not
    checked, each checkpoint is taken as it is; the command line refuses that when
    there are checkpoints). The keys are the caller's: never read from the database."""
    checkpoints = list(session.scalars(select(AuditCheckpoint)
                                       .order_by(AuditCheckpoint.seq)))
    for checkpoint in checkpoints:
        session.expunge(checkpoint)
    read, last, breaks, hashes = _walk(session, {c.record for c in checkpoints})
    # the checkpoints' own numbers
    expected = 1
    for checkpoint in checkpoints:
        if checkpoint.seq != expected:
            breaks.append(Broken(
                checkpoint.record,
                f"checkpoint{'s' if checkpoint.seq - expected > 1 else ''} "
                f"{expected}{'' if checkpoint.seq - expected == 1 else f'–{checkpoint.seq - 1}'}"
                f" {'is' if checkpoint.seq - expected == 1 else 'are'} missing (deleted "
                f"from the database; the next one, {checkpoint.seq}, signs record "
                f"{checkpoint.record})", "missing_checkpoint", checkpoint.at,
                checkpoint=expected))
        expected = checkpoint.seq + 1
    # signatures
    signed: list[AuditCheckpoint] = []
    for checkpoint in checkpoints:
        if keys is None:
            signed.append(checkpoint)
            continue
        public = keys.get(checkpoint.key_id)
        if public is None:
            breaks.append(Broken(
                checkpoint.record, f"checkpoint {checkpoint.seq} (record "
                f"{checkpoint.record}) names key {checkpoint.key_id}, not the key given "
                f"({', '.join(sorted(keys)) or 'none'}): it cannot be trusted",
                "unknown_key", checkpoint.at, checkpoint=checkpoint.seq))
        elif not signature_holds(checkpoint, public):
            breaks.append(Broken(
                checkpoint.record, f"checkpoint {checkpoint.seq} (record "
                f"{checkpoint.record}): its signature does not verify with key "
                f"{checkpoint.key_id} (the checkpoint was forged or altered)",
                "bad_signature", checkpoint.at, checkpoint=checkpoint.seq))
        else:
            signed.append(checkpoint)
    # what the signed heads say about the chain now
    holding = 0
    matched_through = 0
    rewritten: Broken | None = None
    later = 0
    reached = max(signed, key=lambda c: (c.record, c.seq), default=None)
    for checkpoint in sorted(signed, key=lambda c: (c.record, c.seq)):
        if checkpoint.record > last:
            continue  # cut off at the end: below
        if checkpoint.record == 0:
            holding += 1
            continue
        stored = hashes.get(checkpoint.record)
        if stored is None:
            continue  # the record is missing: a break of its own already
        if stored == checkpoint.head_hash:
            holding += 1
            matched_through = checkpoint.record
            if rewritten is not None:
                breaks.append(_rewritten(rewritten, later))
            rewritten, later = None, 0
        elif rewritten is None:
            rewritten = Broken(
                matched_through + 1,
                f"rewritten with their hashes recomputed: checkpoint {checkpoint.seq} "
                f"signed hash {checkpoint.head_hash[:12]}… for record {checkpoint.record}, "
                f"the chain now has {stored[:12]}… there", "edited", checkpoint.at,
                through=checkpoint.record, checkpoint=checkpoint.seq)
        else:
            later += 1
    if rewritten is not None:
        breaks.append(_rewritten(rewritten, later))
    if reached is not None and reached.record > last:
        breaks.append(Broken(
            last + 1, f"{_span(last + 1, reached.record)} gone from the end: checkpoint "
            f"{reached.seq} signed record {reached.record} at {reached.at.isoformat()}, "
            f"the chain now ends at {last}", "truncated", reached.at,
            through=reached.record, checkpoint=reached.seq))
    newest = max(signed, key=lambda c: c.seq, default=None)
    return Report(records=read, last_record=last, checkpoints=len(checkpoints),
                  holding=holding, signed_seq=newest.seq if newest else None,
                  signed_through=newest.record if newest else None,
                  signed_at=newest.at if newest else None, keys_checked=keys is not None,
                  breaks=sorted(breaks, key=lambda b: (b.record, b.checkpoint or 0)))


def _rewritten(first: Broken, later: int) -> Broken:
    tail = (f"; {later} later checkpoint{'s' if later > 1 else ''} no longer match either"
            if later else "")
    return Broken(first.record, first.reason + tail, first.kind, first.at, first.through,
                  first.checkpoint)


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
    query = select(AuditRecord, sql_cast(AuditRecord.detail, Text).label("detail_text"))
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
                                sql_cast(AuditRecord.detail, Text).like(f"%{escaped}%",
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
