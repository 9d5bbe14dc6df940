"""The audit head a desktop remembers, as Certificate Transparency's clients remember
signed tree heads: the newest signed checkpoint of the server's audit chain it saw, and
the server's public key as first seen, kept per server in the local store
(``seen_audit_heads``; not in the keyring).

Each time the audit view opens (team leads and compliance), the desktop asks the server
whether its chain still has the remembered record with the remembered hash, and for its
newest checkpoint (``GET /v1/audit/consistency``), and checks that checkpoint's signature
with the key it remembered. It warns when the record is gone or has another hash (the log
was cut short or rewritten since), when the newest checkpoint is older than the one it saw
(checkpoints deleted), when the signature does not hold, or when the server signs with
another key; otherwise it remembers the newer checkpoint. Nothing here runs on the GUI
thread: :func:`remembered` and :func:`remember` on the store lane, :func:`ask` on the
network lane, :func:`judge` anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from xrewards_desk.store import audit
from xrewards_desk.store import models as m

from ..contract.commands import AuditCheckpoint, AuditConsistency, AuditPublicKey
from ..store.db import Store
from .client import ApiClient

Status = Literal["first", "holds", "gone", "older", "bad_signature", "key_changed",
                 "unsigned"]
#: the statuses that are a warning (the others: nothing to say, or a note)
WARNINGS = frozenset({"gone", "older", "bad_signature", "key_changed"})


@dataclass(frozen=True)
class SeenHead:
    """A signed checkpoint as a desktop remembers it, with the key it was signed by."""

    api: str
    public_key: str
    key_id: str
    seq: int
    record: int
    head_hash: str
    at: datetime
    signature: str


@dataclass(frozen=True)
class HeadCheck:
    """What :func:`judge` found: `status`, the head remembered before (`seen`), the
    server's newest checkpoint (`now`), the hash the server's chain has at the
    remembered record now (`found`, None: no such record), and the key the server signs
    with now (`key_id`)."""

    status: Status
    seen: SeenHead | None
    now: AuditCheckpoint | None
    found: str | None
    key_id: str
    public_key: str

    @property
    def warning(self) -> bool:
        return self.status in WARNINGS


def remembered(store: Store, api: str) -> SeenHead | None:
    with store.session() as s:
        row = s.get(m.SeenAuditHead, api)
        if row is None:
            return None
        return SeenHead(row.api, row.public_key, row.key_id, row.seq, row.record,
                        row.head_hash, row.at, row.signature)


def ask(client: ApiClient,
        seen: SeenHead | None) -> tuple[AuditPublicKey, AuditConsistency]:
    """The server's public key, and its answer for the remembered head (for none, record
    0 with the genesis hash, which every chain has)."""
    key = client.audit_public_key()
    record, head_hash = (seen.record, seen.head_hash) if seen else (0, audit.GENESIS)
    return key, client.audit_consistency(record, head_hash)


def _holds(checkpoint: AuditCheckpoint, public_pem: str) -> bool:
    row = m.AuditCheckpoint(seq=checkpoint.seq, record=checkpoint.record,
                            head_hash=checkpoint.hash, at=checkpoint.at,
                            key_id=checkpoint.key_id, signature=checkpoint.signature)
    try:
        public = audit.load_public_pem(public_pem)
    except ValueError:
        return False
    return row.key_id == audit.key_id(public) and audit.signature_holds(row, public)


def judge(seen: SeenHead | None, key: AuditPublicKey, answer: AuditConsistency) -> HeadCheck:
    """What the server's answers say about the head remembered (no I/O)."""
    now = answer.checkpoint
    public = seen.public_key if seen else key.public_key

    def check(status: Status) -> HeadCheck:
        return HeadCheck(status, seen, now, answer.found, key.key_id, key.public_key)

    if seen is not None and key.key_id != seen.key_id:
        return check("key_changed")
    if seen is not None and not answer.contains:
        return check("gone")
    if now is None:
        return check("older" if seen is not None else "unsigned")
    if not _holds(now, public):
        return check("bad_signature")
    if seen is not None and now.seq < seen.seq:
        return check("older")
    return check("holds" if seen is not None else "first")


def remember(store: Store, api: str, result: HeadCheck, at: datetime) -> bool:
    """Keep the server's newest checkpoint as the head seen, if it held and is newer
    than the one remembered; whether it was kept."""
    now = result.now
    if result.status not in ("first", "holds") or now is None:
        return False
    if result.seen is not None and now.seq <= result.seen.seq:
        return False
    with store.session() as s:
        row = s.get(m.SeenAuditHead, api)
        if row is None:
            row = m.SeenAuditHead(api=api, public_key=result.public_key)
            s.add(row)
        row.key_id = now.key_id
        row.seq = now.seq
        row.record = now.record
        row.head_hash = now.hash
        row.at = now.at
        row.signature = now.signature
        row.seen_at = at
    return True
