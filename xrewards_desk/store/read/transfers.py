"""The desktop's read side of transfers between colleagues (R20, R21, T5): the requests
waiting for a team lead and those decided, each with its evidence files; the colleagues a
source may transfer to; and the engine's check and preview of a request on the local
store's state, as plain frozen dataclasses (no Qt, no live ORM objects). The UI calls
these from its store worker.

The check is the domain's own (:func:`~xrewards_desk.domain.engine.check_transfer`), so the
dialog refuses early with the sentence the server would send. The preview applies the
approval to a copy of the two accounts' state (:func:`~xrewards_desk.domain.engine.apply`
never changes its input) and reads the lots the target would get: first-in first-out
(R13), each with its original credit time and "usable until" date (R20). Nothing here
writes.

The local store holds what the change feed carries: the accounts with their lots, the
abuse cases and their accounts (R21), the staff and their roles. The engine's counters are
not in it; the preview sets the target's next lot number past its stored lots, so the new
lots never share an id with old ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xrewards_desk.domain.actions import ApproveTransfer, TransferRequest
from xrewards_desk.domain.engine import apply, as_of, check_transfer
from xrewards_desk.domain.model import (
    Account,
    Actor,
    CaseStatus,
    Program,
    Role,
    State,
    Status,
    TransferReason,
)
from xrewards_desk.domain.refusals import Code, Refusal
from xrewards_desk.store import models as m
from xrewards_desk.store.read.accounts import account_state
from xrewards_desk.store.read.cases import Requested, decision

Db = Session | Connection

# the tables read here, in Core (the rows become plain dataclasses, never ORM objects)
_TR, _TE, _EV, _ACC, _LOT, _CASE, _ABUSE, _ABUSE_ACC, _USER, _ORG, _BILL, _MAIL = (
    cast(Table, row.__table__) for row in (
        m.TransferRequestRow, m.TransferEvidence, m.EvidenceFile, m.AccountRow, m.LotRow,
        m.MailCase, m.AbuseCaseRow, m.AbuseCaseAccount, m.User, m.Organisation,
        m.BillingAccount, m.MailMessage))

#: R21: the reasons a transfer may name, in the order the dialog offers them
REASONS = (TransferReason.LEFT_ORGANISATION.value, TransferReason.REASSIGNMENT.value,
           TransferReason.OTHER.value)
#: the reasons that give the customer a right to the transfer and need evidence (T5.2)
NEED_EVIDENCE = (TransferReason.LEFT_ORGANISATION.value, TransferReason.REASSIGNMENT.value)
#: who the preview pretends approves, where no approver is asked about (never the filer)
_PREVIEW_APPROVER = Actor("\x00preview", Role.TEAM_LEAD)


def _conn(db: Db) -> Connection:
    return db.connection() if isinstance(db, Session) else db


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class EvidenceInfo:
    sha256: str
    label: str
    media_type: str
    size: int
    #: the local copy's path (the evidence folder's, or the store's note of one), or None
    #: where it is not fetched yet
    local_path: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferInfo(Requested):
    id: int
    source_id: str
    source_name: str
    target_id: str
    target_name: str
    points: int
    reason: str
    justification: str
    case_id: int | None
    case_subject: str
    version: int
    evidence: tuple[EvidenceInfo, ...]

    @property
    def pending(self) -> bool:
        return self.status == m.RequestStatus.PENDING.value


PENDING, DECIDED = "pending", "decided"


def transfer_requests(db: Db, show: str | None = PENDING, data_dir: Path | None = None,
                      ids: Sequence[int] | None = None, limit: int = 1000) -> list[
        TransferInfo]:
    """Transfer requests with their evidence: ``pending`` (the oldest first, as a queue),
    ``decided`` (the newest decision first), or None for all (newest first). With
    `data_dir`, a file held in its ``evidence/`` folder gets that path as `local_path`."""
    conn = _conn(db)
    src = _ACC.alias("src")
    dst = _ACC.alias("dst")
    query = (select(_TR, func.coalesce(src.c.name, "").label("source_name"),
                    func.coalesce(dst.c.name, "").label("target_name"),
                    func.coalesce(_CASE.c.subject, "").label("case_subject"))
             .select_from(_TR.outerjoin(src, src.c.id == _TR.c.source_id)
                          .outerjoin(dst, dst.c.id == _TR.c.target_id)
                          .outerjoin(_CASE, _CASE.c.id == _TR.c.case_id)))
    if show == PENDING:
        query = query.where(_TR.c.status == m.RequestStatus.PENDING.value).order_by(
            _TR.c.requested_at, _TR.c.id)
    elif show == DECIDED:
        query = query.where(_TR.c.status != m.RequestStatus.PENDING.value).order_by(
            func.coalesce(_TR.c.decided_at, _TR.c.requested_at).desc(), _TR.c.id.desc())
    else:
        query = query.order_by(_TR.c.requested_at.desc(), _TR.c.id.desc())
    if ids is not None:
        query = query.where(_TR.c.id.in_(list(ids)))
    rows = list(conn.execute(query.limit(limit)))
    evidence = _evidence(conn, [r.id for r in rows], data_dir)
    return [TransferInfo(id=r.id, source_id=r.source_id, source_name=r.source_name,
                         target_id=r.target_id, target_name=r.target_name, points=r.points,
                         reason=str(r.reason), justification=r.justification or "",
                         case_id=r.case_id, case_subject=r.case_subject, version=r.version,
                         evidence=tuple(evidence.get(r.id, ())), **decision(r))
            for r in rows]


def transfer_request(db: Db, request_id: int, data_dir: Path | None = None) -> (
        TransferInfo | None):
    found = transfer_requests(db, None, data_dir, ids=[request_id], limit=1)
    return found[0] if found else None


def _local(sha: str, stored: str | None, data_dir: Path | None) -> str | None:
    if data_dir is not None:
        path = Path(data_dir) / "evidence" / sha
        if path.is_file():
            return str(path)
    if stored:
        path = Path(stored)
        if not path.is_absolute() and data_dir is not None:
            path = Path(data_dir) / path
        if path.is_file():
            return str(path)
    return None


def _evidence(conn: Connection, request_ids: Sequence[int],
              data_dir: Path | None) -> dict[int, list[EvidenceInfo]]:
    found: dict[int, list[EvidenceInfo]] = {}
    if not request_ids:
        return found
    query = (select(_TE.c.request_id, _TE.c.sha256, _EV.c.label, _EV.c.media_type,
                    _EV.c.size, _EV.c.local_path)
             .select_from(_TE.outerjoin(_EV, _EV.c.sha256 == _TE.c.sha256))
             .where(_TE.c.request_id.in_(list(request_ids)))
             .order_by(_TE.c.request_id, _TE.c.seq))
    for r in conn.execute(query):
        found.setdefault(r.request_id, []).append(EvidenceInfo(
            r.sha256, r.label or r.sha256, r.media_type or "", int(r.size or 0),
            _local(r.sha256, r.local_path, data_dir)))
    return found


def evidence_info(db: Db, sha: str, data_dir: Path | None = None) -> EvidenceInfo | None:
    """One evidence file the store knows of (from the feed, or uploaded from here)."""
    r = _conn(db).execute(select(_EV).where(_EV.c.sha256 == sha)).first()
    if r is None:
        return None
    return EvidenceInfo(r.sha256, r.label, r.media_type, int(r.size),
                        _local(r.sha256, r.local_path, data_dir))


# --------------------------------------------------------------------------- colleagues


@dataclass(frozen=True, slots=True)
class TransferTarget:
    """An active colleague of the source: same organisation and same billing account."""

    id: str
    name: str
    email: str


def transfer_targets(db: Db, source_id: str) -> list[TransferTarget]:
    """R20: the accounts a source may transfer to: active, of the source's organisation
    and billing account, the source itself left out. Empty for an unknown source."""
    conn = _conn(db)
    source = conn.execute(select(_ACC.c.organisation_id, _ACC.c.billing_account_id)
                          .where(_ACC.c.id == source_id)).first()
    if source is None:
        return []
    rows = conn.execute(select(_ACC.c.id, _ACC.c.name, _ACC.c.email).where(
        _ACC.c.organisation_id == source.organisation_id,
        _ACC.c.billing_account_id == source.billing_account_id,
        _ACC.c.status == Status.ACTIVE.value, _ACC.c.id != source_id)
        .order_by(_ACC.c.name, _ACC.c.id))
    return [TransferTarget(r.id, r.name, r.email) for r in rows]


# --------------------------------------------------------------------------- parties


@dataclass(frozen=True, slots=True)
class Party:
    """An account as a transfer sees it: who, where it belongs (R20: organisation and
    billing account), its status (R3) and its balance as of the time asked (R11, the
    engine's ``as_of``; None where the store cannot say)."""

    id: str
    name: str
    email: str
    organisation_id: str
    organisation_name: str
    billing_account_id: str
    billing_account_name: str
    status: str
    balance: int | None

    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id


def _parties(conn: Connection, where: Any, at: datetime | None, db: Db,
             limit: int | None = None) -> list[Party]:
    query = (select(_ACC.c.id, _ACC.c.name, _ACC.c.email, _ACC.c.organisation_id,
                    func.coalesce(_ORG.c.name, "").label("org_name"),
                    _ACC.c.billing_account_id,
                    func.coalesce(_BILL.c.name, "").label("bill_name"), _ACC.c.status)
             .select_from(_ACC.outerjoin(_ORG, _ORG.c.id == _ACC.c.organisation_id)
                          .outerjoin(_BILL, _BILL.c.id == _ACC.c.billing_account_id))
             .where(where).order_by(_ACC.c.name, _ACC.c.id))
    if limit is not None:
        query = query.limit(limit)
    return [Party(r.id, r.name or "", r.email or "", r.organisation_id, r.org_name,
                  r.billing_account_id, r.bill_name, str(r.status),
                  source_balance(db, r.id, at) if at is not None else None)
            for r in conn.execute(query)]


def party(db: Db, account_id: str, at: datetime | None) -> Party | None:
    """One account with its organisation, billing account and balance as of `at`."""
    found = _parties(_conn(db), _ACC.c.id == account_id, at, db)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Colleagues:
    """Who a case's customer may exchange points with (R20), for the request dialog:
    `offered` are the active accounts of the customer's organisation and billing account
    (either side of a transfer); `not_offered` the organisation's other accounts, each
    with the refusal code the engine would name (``different_billing_account``,
    ``account_not_active``); `named` the offered ids the case's incoming mails name (the
    customer writes "X-Konto XR-…" of the colleague), so the dialog can prefill one."""

    customer: Party
    offered: tuple[Party, ...]
    not_offered: tuple[tuple[Party, str], ...]
    named: tuple[str, ...]


#: at most this many colleagues are listed (each balance is the engine's, one by one)
MAX_COLLEAGUES = 200


def _named(conn: Connection, case_id: int | None, ids: Sequence[str]) -> tuple[str, ...]:
    if case_id is None or not ids:
        return ()
    text = "\n".join(f"{r.subject}\n{r.body}" for r in conn.execute(
        select(_MAIL.c.subject, _MAIL.c.body).where(_MAIL.c.case_id == case_id,
                                                    _MAIL.c.outgoing.is_(False))))
    return tuple(x for x in ids if re.search(rf"(?<![\w-]){re.escape(x)}(?![\w-])", text))


def transfer_colleagues(db: Db, account_id: str, at: datetime,
                        case_id: int | None = None) -> Colleagues | None:
    """R20: the customer of a case and the colleagues of its organisation, with their
    balances as of `at`; None for an unknown account."""
    conn = _conn(db)
    customer = party(db, account_id, at)
    if customer is None:
        return None
    others = _parties(conn, (_ACC.c.organisation_id == customer.organisation_id)
                      & (_ACC.c.id != account_id), at, db, MAX_COLLEAGUES)
    offered, not_offered = [], []
    for p in others:
        if p.billing_account_id != customer.billing_account_id:
            not_offered.append((p, Code.DIFFERENT_BILLING_ACCOUNT.value))
        elif p.status != Status.ACTIVE.value:
            not_offered.append((p, Code.ACCOUNT_NOT_ACTIVE.value))
        else:
            offered.append(p)
    return Colleagues(customer, tuple(offered), tuple(not_offered),
                      _named(conn, case_id, [p.id for p in offered]))


# --------------------------------------------------------------------------- the engine


def staff_role(db: Db, name: str) -> Role | None:
    role = _conn(db).execute(select(_USER.c.role).where(_USER.c.name == name)).scalar()
    return None if role is None else Role(role)


def engine_account(db: Db, account_id: str) -> tuple[Program, Account] | None:
    """The program and the engine's account as the local store has it, with the open
    abuse cases it is under (R21) and its next lot number past its stored lots."""
    loaded = account_state(db, account_id)
    if loaded is None:
        return None
    program, acc = loaded
    conn = _conn(db)
    acc.open_cases = frozenset(conn.execute(
        select(_ABUSE_ACC.c.case_id).join(_ABUSE, _ABUSE.c.id == _ABUSE_ACC.c.case_id)
        .where(_ABUSE_ACC.c.account_id == account_id,
               _ABUSE.c.status == CaseStatus.OPEN.value)).scalars())
    last = conn.execute(select(func.max(_LOT.c.seq)).where(
        _LOT.c.account_id == account_id)).scalar()
    acc.next_lot = max(acc.next_lot, int(last or 0) + 1)
    return program, acc


def transfer_state(db: Db, *account_ids: str) -> State:
    """The engine's state of the accounts a transfer touches (unknown ones left out, so
    the engine names them ``unknown_account``)."""
    program: Program | None = None
    accounts: dict[str, Account] = {}
    for account_id in dict.fromkeys(account_ids):
        loaded = engine_account(db, account_id)
        if loaded is not None:
            program, accounts[account_id] = loaded
    return State(program or Program(), accounts, {}, {})


@dataclass(frozen=True, slots=True)
class LotMove:
    """Points of one of the source's lots that arrive as a new lot of the target (R20)."""

    source_lot: str
    points: int
    credited_at: datetime
    usable_until: date
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TransferCheck:
    """The engine's answer on a transfer: its refusal (code and sentences), or the lots
    that would move; and the source's balance as of the check."""

    code: str | None
    message_en: str
    message_de: str
    source_balance: int | None
    moves: tuple[LotMove, ...] = ()
    details: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.code is None

    def message(self, language: str = "en") -> str:
        return self.message_de if language.startswith("de") else self.message_en


@dataclass(frozen=True, slots=True)
class TransferAsk:
    """A transfer as the dialog or the queue has it, for :func:`check_request`."""

    source: str
    target: str
    points: int
    reason: str
    evidence: int
    justification: str
    requested_by: str
    #: the requester's role where known (the signed-in person's); else from the store
    requested_role: str | None = None


def _refused(refusal: Refusal, balance: int | None) -> TransferCheck:
    return TransferCheck(refusal.code.value, refusal.message_en, refusal.message_de, balance,
                         (), tuple((k, str(v)) for k, v in sorted(refusal.details.items())))


def check_request(db: Db, ask: TransferAsk, at: datetime, approver: Actor | None = None,
                  requested_at: datetime | None = None) -> TransferCheck:
    """R20/R21 on the local state as of `at`: the first refusal that applies (with an
    `approver`, to the approval too, four eyes included), or the preview of the lots that
    move. `requested_at` is a stored request's own time (the approval re-checks it at `at`,
    as the server does)."""
    try:
        reason = TransferReason(ask.reason)
    except ValueError:
        refusal = Refusal(Code.MALFORMED, why=f"unknown reason {ask.reason!r}",
                          why_de=f"unbekannter Grund {ask.reason!r}")
        return _refused(refusal, None)
    role_name = ask.requested_role
    role = Role(role_name) if role_name else staff_role(db, ask.requested_by)
    requester = Actor(ask.requested_by, role)
    request = TransferRequest(requested_at or at, requester, ask.source, ask.target,
                              ask.points, reason, ask.evidence, ask.justification,
                              "transfer-preview")
    state = transfer_state(db, ask.source, ask.target)
    balance = (as_of(state, ask.source, at).balance if ask.source in state.accounts
               else None)
    try:
        # the check runs as of `at`: balances and expiries then, as the server's
        check_transfer(state, TransferRequest(at, requester, ask.source, ask.target,
                                              ask.points, reason, ask.evidence,
                                              ask.justification), approver)
        outcome = apply(state, ApproveTransfer(at, approver or _PREVIEW_APPROVER, request))
    except Refusal as refusal:
        return _refused(refusal, balance)
    moves = tuple(LotMove(lot.parent or lot.root, lot.points, lot.credited_at,
                          lot.usable_until, lot.expires_at)
                  for lot in outcome.written.lots if lot.account == ask.target)
    return TransferCheck(None, "", "", balance, moves)


def source_balance(db: Db, account_id: str, at: datetime) -> int | None:
    """R11: the account's balance as of `at` (expiries due by then included)."""
    state = transfer_state(db, account_id)
    return as_of(state, account_id, at).balance if account_id in state.accounts else None


def approval_check(db: Db, request: TransferInfo, approver: Actor, at: datetime) -> (
        TransferCheck):
    """A team lead's approval re-checked on the current local state (R21): every refusal
    of R20 again, then ``not_team_lead`` and ``four_eyes``."""
    return check_request(db, TransferAsk(request.source_id, request.target_id,
                                         request.points, request.reason,
                                         len(request.evidence), request.justification,
                                         request.requested_by), at, approver,
                         request.requested_at)


@dataclass(frozen=True, slots=True)
class TransferReview:
    """What a team lead weighs before approving a request (R20, R21), on the local state
    as of the time asked: both accounts (the source's balance now; organisation and
    billing account of each) and the engine's answer on the approval: its refusal, or the
    lots that would move, first-in first-out with their own dates (R13, R20). `approver`
    is whose approval was checked; None where the person asking may not approve (an
    agent, or the filer), so the preview runs without one: the lots still show."""

    request_id: int
    version: int
    source: Party
    target: Party
    check: TransferCheck
    approver: str | None

    @property
    def same_organisation(self) -> bool:
        return self.source.organisation_id == self.target.organisation_id

    @property
    def same_billing_account(self) -> bool:
        return self.source.billing_account_id == self.target.billing_account_id


def review_request(db: Db, request: TransferInfo, at: datetime,
                   approver: Actor | None = None) -> TransferReview | None:
    """The team lead's pane for `request`: the engine's preview of its approval (R21: a
    check in full, then the approval applied to a copy of the state, nothing saved).
    An `approver` who may not approve it (not a team lead, or the filer) is left out of
    the check, so that the lots that would move still show. None if an account is
    unknown to the store."""
    source = party(db, request.source_id, at)
    target = party(db, request.target_id, at)
    if source is None or target is None:
        return None
    decider = approver if (approver is not None and approver.role is Role.TEAM_LEAD
                           and approver.name != request.requested_by) else None
    ask = TransferAsk(request.source_id, request.target_id, request.points, request.reason,
                      len(request.evidence), request.justification, request.requested_by)
    answer = check_request(db, ask, at, decider, request.requested_at)
    return TransferReview(request.id, request.version, source, target, answer,
                          decider.name if decider is not None else None)


__all__ = [
    "DECIDED", "MAX_COLLEAGUES", "NEED_EVIDENCE", "PENDING", "REASONS", "Colleagues",
    "EvidenceInfo", "LotMove", "Party", "TransferAsk", "TransferCheck", "TransferInfo",
    "TransferReview", "TransferTarget", "approval_check", "check_request",
    "engine_account", "evidence_info", "party", "review_request", "source_balance",
    "staff_role", "transfer_colleagues", "transfer_request", "transfer_requests",
    "transfer_state", "transfer_targets",
]
