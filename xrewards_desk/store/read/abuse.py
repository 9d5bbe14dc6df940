"""The desktop's read side of compliance's work (T6, R22): referrals ranked by the score
of their self-referral signals, the two accounts side by side with the fields a signal
matched, abuse cases, and claims with their state (open, invoiced, paid, written off);
and the preview of confirming a case (R22), the engine's own outcome on the local state.
Plain frozen dataclasses; the UI calls these on its store worker.

The signals are the server's (``abuse_signals``, in the change feed), each with its
evidence; colleagues of one organisation may refer each other (T2.4), so the server
never counts a shared organisation as one. What a signal matched is shown by field:
:data:`FIELDS` maps each kind to the rows of the comparison it highlights."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xrewards_desk.domain.actions import ConfirmSelfReferral
from xrewards_desk.domain.engine import apply, needs
from xrewards_desk.domain.model import (
    Account,
    Actor,
    CaseStatus,
    EntryType,
    Order,
    Program,
    SourceKind,
    Status,
)
from xrewards_desk.domain.refusals import Refusal
from xrewards_desk.store.ledger import StoreLookup
from xrewards_desk.store.tables import (
    ABUSE_ACCOUNTS,
    ABUSE_CASES,
    ABUSE_SIGNALS,
    ACCOUNTS,
    ADDRESSES,
    BILLING,
    CLAIMS,
    LOTS,
    ORDERS,
    ORGANISATIONS,
    PROGRAM,
    SUSPICIONS,
    Db,
    connection,
)

#: the comparison's rows, in order
ROWS = ("name", "email", "phone", "addresses", "organisation", "billing", "payments",
        "signup_ip", "device", "first_order")
#: which rows a signal's kind highlights
FIELDS: dict[str, tuple[str, ...]] = {
    "same_name": ("name",), "same_email": ("email",), "email_lookalike": ("email",),
    "email_plus": ("email",), "email_dots": ("email",),
    "email_other_domain": ("email",), "same_address": ("addresses",),
    "same_phone": ("phone",), "same_billing_account": ("billing",),
    "same_payment": ("payments",), "same_ip": ("signup_ip",), "same_device": ("device",),
    "first_order_placed_by_referrer": ("first_order",),
    "first_order_paid_by_referrer": ("first_order",),
}



@dataclass(frozen=True, slots=True)
class SignalInfo:
    kind: str
    weight: int
    evidence: str
    found_at: datetime


@dataclass(frozen=True, slots=True)
class CaseInfo:
    id: str
    status: str
    opened_by: str
    opened_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str
    version: int
    accounts: tuple[str, ...]
    invitee: str | None
    mail_case: int | None


@dataclass(frozen=True, slots=True)
class ReferralRow:
    referrer: str
    referrer_name: str
    invitee: str
    invitee_name: str
    score: int
    signals: tuple[SignalInfo, ...]
    #: the newest abuse case on the pair (or on the invitee), if any
    case: CaseInfo | None
    void: bool

    @property
    def open_case(self) -> CaseInfo | None:
        return self.case if self.case is not None and self.case.status == "open" else None


def _cases(conn: Connection, *where: Any) -> list[CaseInfo]:
    rows = list(conn.execute(select(ABUSE_CASES).where(*where).order_by(ABUSE_CASES.c.opened_at)))
    members: dict[str, list[str]] = defaultdict(list)
    if rows:
        for r in conn.execute(select(ABUSE_ACCOUNTS)
                              .where(ABUSE_ACCOUNTS.c.case_id.in_([x.id for x in rows]))
                              .order_by(ABUSE_ACCOUNTS.c.case_id, ABUSE_ACCOUNTS.c.position)):
            members[r.case_id].append(r.account_id)
    return [CaseInfo(r.id, str(r.status), r.opened_by, r.opened_at, r.decided_by,
                     r.decided_at, r.reason or "", r.version, tuple(members[r.id]),
                     r.invitee_id, r.mail_case_id) for r in rows]


def referral_queue(db: Db, min_score: int = 1, limit: int = 500) -> list[ReferralRow]:
    """Referrals with signals, the highest score first (ties: the newest signal first)."""
    conn = connection(db)
    pairs: dict[tuple[str, str], list[SignalInfo]] = defaultdict(list)
    for r in conn.execute(select(ABUSE_SIGNALS)
                          .order_by(ABUSE_SIGNALS.c.weight.desc(), ABUSE_SIGNALS.c.id)):
        pairs[(r.referrer_id, r.invitee_id)].append(SignalInfo(r.kind, r.weight, r.evidence,
                                                               r.found_at))
    ranked = sorted(((sum(s.weight for s in sigs), max(s.found_at for s in sigs), pair,
                      sigs) for pair, sigs in pairs.items()),
                    key=lambda x: (-x[0], -x[1].timestamp()))
    ranked = [x for x in ranked if x[0] >= min_score][:limit]
    # an open case is reviewed whatever its score (a case an agent's report led to)
    seen = {pair for _s, _f, pair, _sigs in ranked}
    for info in _cases(conn, ABUSE_CASES.c.status == "open"):
        invitee = info.invitee or (info.accounts[-1] if info.accounts else None)
        if invitee is None:
            continue
        referrer = conn.execute(select(ACCOUNTS.c.referred_by).where(
            ACCOUNTS.c.id == invitee)).scalar() if info.invitee else None
        pair = (referrer or "", invitee)
        if pair not in seen and (referrer, invitee) not in seen:
            ranked.append((0, info.opened_at, pair, []))
            seen.add(pair)
    if not ranked:
        return []
    ids = {a for _s, _f, pair, _sigs in ranked for a in pair if a}
    accounts = {r.id: r for r in conn.execute(select(
        ACCOUNTS.c.id, ACCOUNTS.c.name, ACCOUNTS.c.referral_void).where(ACCOUNTS.c.id.in_(ids)))}
    by_account: dict[str, CaseInfo] = {}
    for info in _cases(conn, ABUSE_CASES.c.id.in_(select(ABUSE_ACCOUNTS.c.case_id).where(
            ABUSE_ACCOUNTS.c.account_id.in_(ids)))):
        for account in info.accounts:
            by_account[account] = info  # the newest wins (opened_at order)
    out = []
    for score, _found, (referrer, invitee), sigs in ranked:
        out.append(ReferralRow(
            referrer, accounts[referrer].name if referrer in accounts else "",
            invitee, accounts[invitee].name if invitee in accounts else "", score,
            tuple(sigs), by_account.get(invitee), bool(accounts[invitee].referral_void)
            if invitee in accounts else False))
    return out


@dataclass(frozen=True, slots=True)
class Party:
    """One side of the comparison: each row's values as text; the first order as facts
    (order, placed by, paid by), which the desk words in its language."""

    id: str
    values: dict[str, str]
    first_order: tuple[str, str, str | None] | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    referrer: Party
    invitee: Party
    signals: tuple[SignalInfo, ...]
    highlighted: frozenset[str]
    case: CaseInfo | None
    suspicions: tuple[tuple[datetime, str, str], ...]


def _party(conn: Connection, account_id: str, first_order: bool) -> Party:
    acc = conn.execute(select(ACCOUNTS, ORGANISATIONS.c.name.label("org_name"),
                              BILLING.c.name.label("billing_name"))
                       .select_from(ACCOUNTS
                                    .join(ORGANISATIONS,
                                          ORGANISATIONS.c.id == ACCOUNTS.c.organisation_id)
                                    .join(BILLING, BILLING.c.id == ACCOUNTS.c.billing_account_id))
                       .where(ACCOUNTS.c.id == account_id)).one()
    addresses = [f"{a.street}, {a.postcode} {a.city}" for a in conn.execute(
        select(ADDRESSES).where(ADDRESSES.c.account_id == account_id).order_by(ADDRESSES.c.id))]
    payments = sorted({r.payment_fingerprint for r in conn.execute(
        select(ORDERS.c.payment_fingerprint).where(
            ORDERS.c.account_id == account_id,
            ORDERS.c.payment_fingerprint.is_not(None)))})
    first: tuple[str, str, str | None] | None = None
    if first_order:
        order = conn.execute(select(ORDERS).where(ORDERS.c.account_id == account_id)
                             .order_by(ORDERS.c.placed_at).limit(1)).first()
        if order is not None:
            first = (order.id, order.placed_by or account_id, order.paid_by)
    return Party(account_id, {
        "name": acc.name, "email": acc.email, "phone": acc.phone or "",
        "addresses": "\n".join(addresses),
        "organisation": f"{acc.org_name} ({acc.organisation_id})",
        "billing": f"{acc.billing_name} ({acc.billing_account_id})",
        "payments": "\n".join(payments), "signup_ip": acc.signup_ip or "",
        "device": acc.device_fingerprint or ""}, first)


def comparison(db: Db, referrer: str, invitee: str) -> Comparison:
    conn = connection(db)
    signals = tuple(SignalInfo(r.kind, r.weight, r.evidence, r.found_at)
                    for r in conn.execute(select(ABUSE_SIGNALS).where(
                        ABUSE_SIGNALS.c.referrer_id == referrer,
                        ABUSE_SIGNALS.c.invitee_id == invitee)
                        .order_by(ABUSE_SIGNALS.c.weight.desc())))
    cases = _cases(conn, ABUSE_CASES.c.id.in_(select(ABUSE_ACCOUNTS.c.case_id).where(
        ABUSE_ACCOUNTS.c.account_id == invitee)))
    suspicions = tuple((r.at, r.reported_by, r.text) for r in conn.execute(
        select(SUSPICIONS).where(SUSPICIONS.c.account_id.in_([referrer, invitee]))
        .order_by(SUSPICIONS.c.at)))
    return Comparison(_party(conn, referrer, False), _party(conn, invitee, True), signals,
                      frozenset(f for s in signals for f in FIELDS.get(s.kind, ())),
                      cases[-1] if cases else None, suspicions)


def open_cases(db: Db) -> list[CaseInfo]:
    return _cases(connection(db), ABUSE_CASES.c.status == "open")


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True, slots=True)
class ClaimRowInfo:
    id: int
    account_id: str
    customer: str
    at: datetime
    amount: Decimal
    reason: str
    state: str
    state_at: datetime | None
    state_by: str | None
    version: int


def claim_rows(db: Db, state: str | None = None, account: str | None = None) -> list[
        ClaimRowInfo]:
    """R22 claims, the newest first, with their state and who changed it."""
    conn = connection(db)
    query = (select(CLAIMS, ACCOUNTS.c.name.label("customer"))
             .select_from(CLAIMS.join(ACCOUNTS, ACCOUNTS.c.id == CLAIMS.c.account_id)))
    if state:
        query = query.where(CLAIMS.c.state == state)
    if account:
        query = query.where(CLAIMS.c.account_id == account)
    return [ClaimRowInfo(r.id, r.account_id, r.customer, r.at, r.amount, r.reason or "",
                         str(r.state), r.state_at, r.state_by, r.version)
            for r in conn.execute(query.order_by(CLAIMS.c.at.desc(), CLAIMS.c.id))]


def claims_total(db: Db, state: str = "open") -> Decimal:
    conn = connection(db)
    return Decimal(conn.execute(select(func.coalesce(func.sum(CLAIMS.c.amount), 0)).where(
        CLAIMS.c.state == state)).scalar() or 0)


# --------------------------------------------------------------------------- the preview


class _LocalLookup(StoreLookup):
    """The engine's state as the local store holds it, for a preview: nothing is written.

    The change feed carries every lot, order, discount and case, but not three of the
    engine's working links; they are read back from the records that carry the same facts:

    - a lot's pieces moved out by transfers (``Lot.transferred``): the lots whose
      ``parent`` it is (R20: a transferred lot names the lot it came from);
    - the referrer's bonus lot of an invitee's first order (``Order.bonus_account``,
      ``bonus_lot``): the referrer's lot credited with the source ``referral`` naming the
      invitee (R19; one bonus per invitee, on the first order).

    Where the store holds the links themselves (the server's store), they are kept."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._linked: set[str] = set()

    def program(self) -> Program:
        if self._program is None:
            row = self.conn.execute(select(PROGRAM.c.launch, PROGRAM.c.ended_at)).first()
            self._program = Program() if row is None else Program(row.launch, row.ended_at)
        return self._program

    def account(self, account_id: str) -> Account | None:
        acc = super().account(account_id)
        if acc is None or account_id in self._linked:
            return acc
        self._linked.add(account_id)
        parent = LOTS.alias("parent")
        pieces: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for lot_id, child_account, child in self.conn.execute(
                select(LOTS.c.parent, LOTS.c.account_id, LOTS.c.id)
                .join(parent, parent.c.id == LOTS.c.parent)
                .where(parent.c.account_id == account_id)
                .order_by(LOTS.c.account_id, LOTS.c.seq)):
            pieces[lot_id].append((child_account, child))
        for lot in acc.lots:
            if not lot.transferred and lot.id in pieces:
                lot.transferred = tuple(pieces[lot.id])
        return acc

    def order(self, order_id: str) -> Order | None:
        order = super().order(order_id)
        if order is None or order.bonus_lot is not None:
            return order
        invitee = self.account(order.account)
        if invitee is None or invitee.referred_by is None or invitee.first_order != order.id:
            return order
        bonus = self.conn.execute(select(LOTS.c.account_id, LOTS.c.id).where(
            LOTS.c.account_id == invitee.referred_by,
            LOTS.c.source_kind == SourceKind.REFERRAL, LOTS.c.source_ref == invitee.id,
            LOTS.c.parent.is_(None)).order_by(LOTS.c.seq).limit(1)).first()
        if bonus is not None:
            order.bonus_account, order.bonus_lot = bonus.account_id, bonus.id
        return order


@dataclass(frozen=True, slots=True)
class VoidedLot:
    lot: str
    points: int
    #: the lot it was transferred out of (R20), or None for a lot of the account's own
    transferred_from: str | None


@dataclass(frozen=True, slots=True)
class PreviewVoid:
    """What is left of the affected lots of one account, removed (R22)."""

    account: str
    points: int
    lots: tuple[VoidedLot, ...]


@dataclass(frozen=True, slots=True)
class PreviewClaim:
    """A claim in EUR against the account that gained by the abuse (R22). `kind` says what
    for: ``bonus`` (redeemed points of the referral bonus, `points` of them), ``discount``
    (the invitee's code used on `order`), or ``other`` (`reason` says)."""

    account: str
    amount: Decimal
    kind: str
    reason: str
    points: int = 0
    order: str | None = None


@dataclass(frozen=True, slots=True)
class PreviewTermination:
    """An account terminated for cause (R23): its balance forfeited."""

    account: str
    forfeited: int


@dataclass(frozen=True, slots=True)
class ConfirmPreview:
    """What confirming a self-referral would do: the engine's ``apply`` of
    :class:`~xrewards_desk.domain.actions.ConfirmSelfReferral` on the local store's state,
    its outcome read and thrown away. Every field is read from that outcome; or, where the
    engine refuses, its code and sentences (and nothing else)."""

    case: str
    version: int
    at: datetime
    invitee: str
    referrer: str | None
    terminate: tuple[str, ...]
    voids: tuple[PreviewVoid, ...] = ()
    claims: tuple[PreviewClaim, ...] = ()
    #: the invitee's code was unused and is now void (a used one is a claim instead)
    discount_voided: bool = False
    terminations: tuple[PreviewTermination, ...] = ()
    #: the open abuse cases the confirmation closes as confirmed
    cases_closed: tuple[str, ...] = ()
    code: str | None = None
    message_en: str = ""
    message_de: str = ""

    @property
    def ok(self) -> bool:
        return self.code is None

    def message(self, language: str = "en") -> str:
        return self.message_de if language.startswith("de") else self.message_en


def confirm_preview(session: Session, case_id: str, actor: Actor, at: datetime,
                    terminate: tuple[str, ...] = ()) -> ConfirmPreview:
    """R22: exactly what confirming abuse case `case_id` at `at` would do, with the
    accounts in `terminate` terminated for cause (R23): the engine applies the action to
    the state loaded from the local store and the outcome is not saved. Reads only."""
    conn = connection(session)
    row = conn.execute(select(ABUSE_CASES.c.version, ABUSE_CASES.c.status).where(
        ABUSE_CASES.c.id == case_id)).first()
    lookup = _LocalLookup(session)
    case = lookup.case(case_id)
    if row is None or case is None or case.status is not CaseStatus.OPEN:
        return ConfirmPreview(case_id, row.version if row else 0, at, "", None, terminate,
                              code="unknown_case",
                              message_en=f"Case {case_id} is not open.",
                              message_de=f"Der Fall {case_id} ist nicht offen.")
    # the case's own invitee, or its one account (the engine refuses one not referred)
    invitee = case.invitee or case.accounts[0]
    loaded = lookup.account(invitee)
    referrer = loaded.referred_by if loaded is not None else None
    action = ConfirmSelfReferral(at, actor, invitee, terminate, "preview")
    state = needs(action, lookup).state(lookup.program(), lookup)
    try:
        outcome = apply(state, action)
    except Refusal as refusal:
        return ConfirmPreview(case_id, row.version, at, invitee, referrer, terminate,
                              code=refusal.code.value, message_en=refusal.message_en,
                              message_de=refusal.message_de)
    written = outcome.written
    after = outcome.state

    def origin(account: str, lot_id: str) -> str | None:
        acc = after.accounts.get(account)
        lot = next((x for x in acc.lots if x.id == lot_id), None) if acc else None
        return lot.parent if lot is not None else None

    voids: dict[str, list[VoidedLot]] = defaultdict(list)
    forfeited: dict[str, int] = defaultdict(int)
    for entry in written.entries:
        if entry.type is EntryType.VOID:
            voids[entry.account] += [VoidedLot(al.lot, al.points, origin(entry.account, al.lot))
                                     for al in entry.allocations]
        elif entry.type is EntryType.FORFEIT:
            forfeited[entry.account] += -entry.points
    order = (state.orders.get(loaded.first_order) if loaded is not None
             and loaded.first_order else None)
    bonus_account = order.bonus_account if order is not None else None
    before_discount = loaded.discount if loaded is not None else None
    claims = []
    for claim in written.claims:
        if claim.account == bonus_account:
            claims.append(PreviewClaim(claim.account, claim.amount, "bonus", claim.reason,
                                       points=int(claim.amount * 100)))
        elif claim.account == invitee and before_discount is not None \
                and before_discount.used_on is not None:
            claims.append(PreviewClaim(claim.account, claim.amount, "discount", claim.reason,
                                       order=before_discount.used_on))
        else:
            claims.append(PreviewClaim(claim.account, claim.amount, "other", claim.reason))
    invitee_after = after.accounts.get(invitee)
    discount_after = invitee_after.discount if invitee_after is not None else None
    discount_voided = (before_discount is not None and not before_discount.voided
                       and before_discount.used_on is None
                       and discount_after is not None and discount_after.voided)
    terminations = tuple(
        PreviewTermination(account, forfeited.get(account, 0)) for account in terminate
        if (acc := after.accounts.get(account)) is not None
        and acc.status is Status.TERMINATED_FOR_CAUSE)
    closed = tuple(sorted(
        case_id for case_id, c in after.cases.items()
        if c.status is CaseStatus.CONFIRMED
        and (before := state.cases.get(case_id)) is not None
        and before.status is CaseStatus.OPEN))
    return ConfirmPreview(
        case_id, row.version, at, invitee, referrer, terminate,
        voids=tuple(PreviewVoid(account, sum(x.points for x in lots), tuple(lots))
                    for account, lots in voids.items()),
        claims=tuple(claims), discount_voided=discount_voided, terminations=terminations,
        cases_closed=closed)
