"""Only as long as needed (issue 22 item 4): the desktop's files of closed cases go after a
number of calendar months (a setting, 24 by default); the server keeps them.

A case is closed when its status is ``closed``; it has *rested* since its last activity:
the latest of its opening, its mails (received, queued, sent) and its notes (the desktop
holds no time of closing; the closing is the last thing done to a closed case, so this is
the same day or earlier, never later). Once that moment lies `months` calendar months
back, counted in Europe/Berlin (python-dateutil's relativedelta: 31.08. less six months is
28.02.), what the desktop keeps of the case goes:

- the evidence files its mails carried, and those of its decided transfer requests, unless
  something still needing them cites them too (a case not yet due, a pending transfer
  request, a command waiting in the outbox);
- the sealed copies of its mails a watched folder keeps in ``imported/``.

The store's records stay (they are the server's, refilled by each sync). A file removed is
fetched again from the server when it is opened and the server still serves it.

:func:`sweep` also seals what an earlier version left plain (evidence, kept mails). It runs
on the store lane at start and daily (ui/shell/retention.py), never on the GUI thread.
"""

from __future__ import annotations

import email.parser
import email.policy
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.workflow import MailCaseStatus
from xrewards_desk.store import models as m

from ..store.db import Store
from ..store.vault import MAGIC, Vault, VaultError, file_key_of, is_sealed
from .evidence import EvidenceFolder

log = logging.getLogger(__name__)

DEFAULT_MONTHS = 24
#: the settings dialog's bounds (a spin box); a value outside them counts as the default
LOWEST, HIGHEST = 1, 240
_WAITING = (m.OutboxState.PENDING, m.OutboxState.SENDING)


def months_or_default(value: object) -> int:
    return value if isinstance(value, int) and LOWEST <= value <= HIGHEST else DEFAULT_MONTHS


def cutoff(now: datetime, months: int) -> datetime:
    """The instant `months` calendar months before `now`, in Europe/Berlin."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    return now.astimezone(BERLIN) - relativedelta(months=months)


@dataclass(frozen=True)
class Swept:
    """What one sweep did."""

    before: datetime
    cases: int = 0
    evidence: int = 0
    mails: int = 0
    #: plain files of an earlier version re-written sealed
    sealed: int = 0


def _latest(times: Iterable[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def rested(store: Store, before: datetime) -> set[int]:
    """The closed cases whose last activity lies before `before`."""
    with store.session() as s:
        cases: dict[int, datetime] = {case: at for case, at in s.execute(
            select(m.MailCase.id, m.MailCase.opened_at).where(
                m.MailCase.status == MailCaseStatus.CLOSED))}
        if not cases:
            return set()
        last: dict[int, datetime] = dict(cases)
        mails = s.execute(select(m.MailMessage.case_id, m.MailMessage.received_at,
                                 m.MailMessage.queued_at, m.MailMessage.send_at)
                          .where(m.MailMessage.case_id.in_(cases)))
        for case, *times in mails:
            last[case] = _latest([last[case], *times]) or last[case]
        notes = s.execute(select(m.CaseNote.case_id, m.CaseNote.at)
                          .where(m.CaseNote.case_id.in_(cases)))
        for case, at in notes:
            last[case] = max(last[case], at)
    return {case for case, at in last.items() if at < before}


def _evidence_of(store: Store, due: set[int]) -> tuple[set[str], set[str]]:
    """The evidence of the `due` cases, and the evidence something else still needs."""
    with store.session() as s:
        attached = s.execute(select(m.MailMessage.case_id, m.MailAttachment.evidence_sha256)
                             .join(m.MailAttachment,
                                   m.MailAttachment.message_id == m.MailMessage.id)
                             .where(m.MailAttachment.evidence_sha256.is_not(None)))
        transfers = s.execute(select(m.TransferRequestRow.case_id,
                                     m.TransferRequestRow.status, m.TransferEvidence.sha256)
                              .join(m.TransferEvidence,
                                    m.TransferEvidence.request_id == m.TransferRequestRow.id))
        going: set[str] = set()
        needed: set[str] = set()
        for case, sha in attached:
            if sha is not None:
                (going if case in due else needed).add(sha)
        for request_case, status, cited in transfers:
            pending = status == m.RequestStatus.PENDING
            (going if request_case in due and not pending else needed).add(cited)
        for waiting in s.scalars(select(m.OutboxCommand.evidence)
                               .where(m.OutboxCommand.state.in_(_WAITING))):
            needed.update(waiting or ())
    return going, needed


def _message_id(data: bytes) -> str | None:
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    value = headers.get("Message-ID")
    return str(value).strip() if value else None


def _mail_purpose(path: Path) -> str:
    return f"mail:{path.name}"


def seal_kept_mail(path: Path, data: bytes, target: Path, key: bytes | None) -> None:
    """A taken mail (`data`, read from `path`) into the watched folder's ``imported/`` as
    `target`, sealed with `key`: sealed in its place first (a temporary file put over it),
    then moved, each step atomic, so that a mail is never both waiting and kept, and a
    kill leaves it plain and waiting (taken again as a duplicate) or sealed (moved on)."""
    Vault(key).write(path, data, _mail_purpose(target), private_folder=False)
    os.replace(path, target)


def sealed_file(path: Path) -> bool:
    """Whether `path` is already sealed (a taken mail a kill left before its move)."""
    try:
        with path.open("rb") as f:
            return is_sealed(f.read(len(MAGIC)))
    except OSError:
        return False


def _kept_mails(watched: Path | None) -> list[Path]:
    folder = watched / "imported" if watched is not None else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _sweep_mails(store: Store, watched: Path | None, vault: Vault,
                 due: set[int]) -> tuple[int, int]:
    removed = sealed = 0
    due_ids: set[str] | None = None
    for path in _kept_mails(watched):
        try:
            data = path.read_bytes()
            if vault.encrypted and not is_sealed(data):
                vault.write(path, data, _mail_purpose(path))
                sealed += 1
            else:
                data = vault.read(path, _mail_purpose(path))
        except (OSError, VaultError) as exc:
            log.warning("the kept mail %s was not looked at: %s", path.name, exc)
            continue
        if not due:
            continue
        if due_ids is None:
            with store.session() as s:
                due_ids = set(s.scalars(select(m.MailMessage.message_id).where(
                    m.MailMessage.case_id.in_(due))))
        if _message_id(data) in due_ids:
            path.unlink()
            removed += 1
    return removed, sealed


def sweep(store: Store, data_dir: Path, now: datetime, months: int,
          watched: Path | None = None) -> Swept:
    """Remove the files of closed cases rested `months` calendar months by `now`, and seal
    what an earlier version left plain (see the module's text)."""
    before = cutoff(now, months_or_default(months))
    key = file_key_of(store)
    folder = EvidenceFolder(data_dir, key)
    sealed = folder.seal_plain()
    due = rested(store, before)
    evidence = 0
    if due:
        going, needed = _evidence_of(store, due)
        for sha in sorted(going - needed):
            if folder.has(sha):
                folder.remove(sha)
                evidence += 1
    mails, mails_sealed = _sweep_mails(store, watched, Vault(key), due)
    swept = Swept(before, len(due), evidence, mails, sealed + mails_sealed)
    log.info("retention: %d closed cases rested since before %s; %d evidence files and %d "
             "kept mails removed; %d plain files sealed", swept.cases, before.isoformat(),
             evidence, mails, swept.sealed)
    return swept
