"""Signs of a self-referral (R22, T6): each referral scored from what its two accounts
share, every sign with a short sentence naming both values.

:func:`score` is pure: plain data in (:class:`Party`, :class:`FirstOrder`), signals out,
no store. :func:`load_party`, :func:`load_first_order` and :func:`rescore` next to it read
the rows and keep the ``abuse_signals`` table equal to what :func:`score` says, inside the
caller's transaction; :func:`ranked` reads the compliance queue.

Kinds and weights (the score of a referral is the sum of its signals' weights):

======================================  ======  ==========================================
kind                                    weight  when
======================================  ======  ==========================================
``same_email``                          40      the same e-mail address (case ignored)
``first_order_placed_by_referrer``      40      the invitee's first order (R18) was
                                                placed by the referrer
``first_order_paid_by_referrer``        40      ... or paid by the referrer
``email_plus``                          35      the same mailbox once a ``+tag`` is removed
``email_dots``                          35      the same local part once dots are removed,
                                                at the same domain (gmail-style)
``email_lookalike``                     30      the same local part once look-alike letters
                                                are read alike (``rn``/``m``, ``1``/``l``,
                                                ``0``/``o``, ``vv``/``w``, a ``1`` added),
                                                at the same domain
``same_device``                         30      the same sign-up device fingerprint
``same_payment``                        30      a payment fingerprint on orders of both
``same_address``                        25      a delivery address in common (case,
                                                spaces, punctuation, umlauts and
                                                Straße/Str./Strasse ignored)
``email_other_domain``                  20      the same local part at another domain
                                                (not a generic one such as info, office,
                                                einkauf, buchhaltung, kontakt, service)
``same_name``                           20      the same name (case, umlauts as ae/oe/ue,
                                                ß as ss, spaces and the order of first and
                                                last name ignored)
``same_phone``                          20      the same phone number (digits only;
                                                +49, 0049 and a leading 0 read alike)
``same_ip``                             15      the same sign-up IP address
``same_billing_account``                15      one billing account, but two organisations
======================================  ======  ==========================================

Colleagues (T2.4): colleagues of one organisation may refer each other, so sharing an
organisation is no sign, nor is sharing its billing account. What a workplace shares
(its delivery address, its office network's IP, a company card's payment fingerprint)
is no sign between colleagues by itself either: between two accounts of one organisation,
``same_address``, ``same_ip`` and ``same_payment`` count only alongside a sign that is
personal (an e-mail, name, phone or device sign, or a first order placed or paid by the
referrer). Between accounts of different organisations they always count.

Only the e-mail sign that fits best is given: ``same_email``, else ``email_plus``, else
``email_dots``, else ``email_lookalike``, else ``email_other_domain``.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from xrewards_desk.store import models as m

from ..domain.model import CaseStatus
from ..store.folding import fold

#: kind → weight (see the module's docstring)
WEIGHTS: dict[str, int] = {
    "same_email": 40,
    "first_order_placed_by_referrer": 40,
    "first_order_paid_by_referrer": 40,
    "email_plus": 35,
    "email_dots": 35,
    "email_lookalike": 30,
    "same_device": 30,
    "same_payment": 30,
    "same_address": 25,
    "email_other_domain": 20,
    "same_name": 20,
    "same_phone": 20,
    "same_ip": 15,
    "same_billing_account": 15,
}
#: what colleagues of one organisation share through their workplace (T2.4)
WORKPLACE = frozenset({"same_address", "same_ip", "same_payment"})
#: signs that say nothing about a person by themselves
_NOT_PERSONAL = WORKPLACE | {"same_billing_account"}
#: local parts of shared mailboxes: the same one at two domains is no sign
GENERIC_LOCAL_PARTS = frozenset({
    "info", "office", "einkauf", "buchhaltung", "kontakt", "service", "mail", "admin",
    "post", "contact", "sales", "vertrieb", "bestellung", "bestellungen", "order", "orders",
    "purchasing", "accounting", "billing", "rechnung", "rechnungen", "team", "hello",
    "hallo", "zentrale", "empfang", "verwaltung", "support", "noreply", "no-reply",
})


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str
    country: str = "DE"

    def __str__(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


@dataclass(frozen=True)
class Party:
    """One side of a referral, as the abuse review compares it (R22)."""

    id: str
    name: str
    email: str
    organisation: str
    billing_account: str
    phone: str | None = None
    addresses: tuple[Address, ...] = ()
    #: the payment fingerprints on the account's orders
    payment_fingerprints: tuple[str, ...] = ()
    signup_ip: str | None = None
    device_fingerprint: str | None = None


@dataclass(frozen=True)
class FirstOrder:
    """The invitee's first order (R18): who placed it and who paid it (customer numbers)."""

    id: str
    placed_by: str | None = None
    paid_by: str | None = None


@dataclass(frozen=True)
class Signal:
    kind: str
    weight: int
    evidence: str


@dataclass(frozen=True)
class Scored:
    """A referral with its signals, as the compliance queue ranks it."""

    referrer: str
    invitee: str
    signals: tuple[Signal, ...] = field(default_factory=tuple)

    @property
    def score(self) -> int:
        return total(self.signals)


def total(signals: Iterable[Signal]) -> int:
    return sum(s.weight for s in signals)


# --------------------------------------------------------------------------- normal forms

_SPELL_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_STREET = re.compile(r"stra(?:ss|ß)e\b|str\b\.?")
_NOT_WORD = re.compile(r"[\W_]+")
_LOOKALIKE = (("rn", "m"), ("vv", "w"), ("1", "l"), ("0", "o"))


def name_key(name: str) -> tuple[str, ...]:
    """`Müller, Max` and `max MUELLER` alike: umlauts spelled out, case, accents,
    punctuation and the order of the words ignored."""
    spelled = fold(unicodedata.normalize("NFC", name).casefold().translate(_SPELL_OUT))
    return tuple(sorted(w for w in _NOT_WORD.split(spelled) if w))


def address_key(address: Address) -> str:
    """`Hauptstr. 5a`, `Hauptstraße 5 a` and `HAUPTSTRASSE 5A` alike (with postcode,
    city and country)."""
    text = fold(unicodedata.normalize(
        "NFC", f"{address.street} {address.postcode} {address.city} {address.country}")
        .casefold().translate(_SPELL_OUT))
    return _NOT_WORD.sub("", _STREET.sub("str ", text))


def phone_key(phone: str | None) -> str | None:
    """Digits only, international: `+49 171 2345678`, `0049 171 2345678` and
    `0171 2345678` alike (a leading 0 is read as Germany's)."""
    if not phone:
        return None
    text = phone.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("+"):
        key = digits
    elif digits.startswith("00"):
        key = digits[2:]
    elif digits.startswith("0"):
        key = "49" + digits[1:]
    else:
        key = digits
    return key if len(key) >= 6 else None


def ip_key(ip: str | None) -> str | None:
    if not ip or not ip.strip():
        return None
    try:
        return ipaddress.ip_address(ip.strip()).compressed
    except ValueError:
        return ip.strip().casefold()


def _split(email: str) -> tuple[str, str]:
    local, _, domain = email.strip().casefold().rpartition("@")
    return local, domain


def _lookalike_forms(local: str) -> set[str]:
    def read(text: str) -> str:
        for seen, meant in _LOOKALIKE:
            text = text.replace(seen, meant)
        return text
    forms = {read(local)}
    if local.endswith("1"):
        forms.add(read(local[:-1]))
    return forms


def _email_signal(referrer: str, invitee: str) -> Signal | None:
    r_local, r_domain = _split(referrer)
    i_local, i_domain = _split(invitee)
    if not r_local or not i_local:
        return None
    said = f"invitee e-mail {invitee} is referrer's {referrer}"
    if (r_local, r_domain) == (i_local, i_domain):
        return Signal("same_email", WEIGHTS["same_email"],
                      f"invitee and referrer both registered with the e-mail {invitee}")
    r_box, i_box = r_local.split("+", 1)[0], i_local.split("+", 1)[0]
    if r_domain == i_domain:
        if r_box == i_box and r_box:
            return Signal("email_plus", WEIGHTS["email_plus"], f"{said} with a +tag")
        if r_box.replace(".", "") == i_box.replace(".", "") and r_box.replace(".", ""):
            return Signal("email_dots", WEIGHTS["email_dots"],
                          f"{said} with its dots moved")
        if _lookalike_forms(r_box) & _lookalike_forms(i_box):
            return Signal("email_lookalike", WEIGHTS["email_lookalike"],
                          f"{said} with look-alike letters")
        return None
    if r_box == i_box and len(r_box) >= 3 and r_box not in GENERIC_LOCAL_PARTS:
        return Signal("email_other_domain", WEIGHTS["email_other_domain"],
                      f"{said} at another domain")
    return None


# --------------------------------------------------------------------------- scoring


def score(referrer: Party, invitee: Party, first_order: FirstOrder | None) -> list[Signal]:
    """Every sign that `invitee` is `referrer` under another e-mail address (R22), the
    e-mail's first, then in a fixed order; ``[]`` for an honest-looking referral."""
    found: list[Signal] = []

    def add(kind: str, evidence: str) -> None:
        found.append(Signal(kind, WEIGHTS[kind], evidence))

    email = _email_signal(referrer.email, invitee.email)
    if email is not None:
        found.append(email)
    if first_order is not None:
        if first_order.placed_by == referrer.id:
            add("first_order_placed_by_referrer",
                f"invitee's first order {first_order.id} was placed by the referrer "
                f"{referrer.id}")
        if first_order.paid_by == referrer.id:
            add("first_order_paid_by_referrer",
                f"invitee's first order {first_order.id} was paid by the referrer "
                f"{referrer.id}")
    r_device, i_device = ((p.device_fingerprint or "").strip() for p in (referrer, invitee))
    if r_device and r_device == i_device:
        add("same_device", f"invitee signed up on device {i_device}, as the referrer did")
    shared_cards = sorted(set(referrer.payment_fingerprints) & set(invitee.payment_fingerprints)
                          - {""})
    if shared_cards:
        add("same_payment", f"invitee paid with payment fingerprint {shared_cards[0]}, "
            "which the referrer paid with too"
            + (f" (and {len(shared_cards) - 1} more)" if len(shared_cards) > 1 else ""))
    r_addresses = {address_key(a): a for a in referrer.addresses}
    for address in invitee.addresses:
        theirs = r_addresses.get(address_key(address))
        if theirs is not None:
            add("same_address", f"invitee delivery address {address} is referrer's "
                f"{theirs}")
            break
    r_name, i_name = name_key(referrer.name), name_key(invitee.name)
    if r_name and r_name == i_name:
        add("same_name", f"invitee name {invitee.name} is referrer's {referrer.name}")
    r_phone, i_phone = phone_key(referrer.phone), phone_key(invitee.phone)
    if r_phone is not None and r_phone == i_phone:
        add("same_phone", f"invitee phone {invitee.phone} is referrer's {referrer.phone}")
    r_ip, i_ip = ip_key(referrer.signup_ip), ip_key(invitee.signup_ip)
    if r_ip is not None and r_ip == i_ip:
        add("same_ip", f"invitee signed up from IP {invitee.signup_ip}, as the referrer did "
            f"({referrer.signup_ip})")
    colleagues = referrer.organisation == invitee.organisation
    if referrer.billing_account == invitee.billing_account and not colleagues:
        add("same_billing_account",
            f"invitee's billing account {invitee.billing_account} is referrer's "
            f"{referrer.billing_account}, though invitee is in organisation "
            f"{invitee.organisation} and referrer in {referrer.organisation}")
    if colleagues and not any(s.kind not in _NOT_PERSONAL for s in found):
        found = [s for s in found if s.kind not in WORKPLACE]  # T2.4: the workplace's
    return found


# --------------------------------------------------------------------------- the store


def load_party(session: Session, account_id: str) -> Party | None:
    """An account as :func:`score` compares it: three indexed reads (the account, its
    delivery addresses, the payment fingerprints of its orders)."""
    row = session.get(m.AccountRow, account_id)
    if row is None:
        return None
    addresses = session.execute(
        select(m.DeliveryAddress.street, m.DeliveryAddress.postcode, m.DeliveryAddress.city,
               m.DeliveryAddress.country).where(m.DeliveryAddress.account_id == account_id)
        .order_by(m.DeliveryAddress.id)).all()
    cards = session.scalars(
        select(m.OrderRow.payment_fingerprint).where(
            m.OrderRow.account_id == account_id, m.OrderRow.payment_fingerprint.is_not(None))
        .distinct()).all()
    return Party(
        id=row.id, name=row.name, email=row.email, organisation=row.organisation_id,
        billing_account=row.billing_account_id, phone=row.phone,
        addresses=tuple(Address(*a) for a in addresses),
        payment_fingerprints=tuple(sorted(c for c in cards if c)),
        signup_ip=row.signup_ip, device_fingerprint=row.device_fingerprint)


def first_order_id(row: m.AccountRow) -> str | None:
    """R18: the first order once it completed, else the oldest placed and not cancelled in
    full."""
    if row.first_order is not None:
        return row.first_order
    candidates = row.first_order_candidates or []
    return str(candidates[0]) if candidates else None


def load_first_order(session: Session, invitee: m.AccountRow) -> FirstOrder | None:
    key = first_order_id(invitee)
    order = session.get(m.OrderRow, key) if key is not None else None
    if order is None:
        return None
    return FirstOrder(order.id, order.placed_by, order.paid_by)


@dataclass(frozen=True)
class Rescored:
    """What :func:`rescore` changed: the signals written or updated, and those deleted
    (ids, for the change feed)."""

    written: tuple[int, ...] = ()
    deleted: tuple[int, ...] = ()

    @property
    def changed(self) -> tuple[int, ...]:
        return (*self.deleted, *self.written)


def signals_of(session: Session, invitee_id: str) -> Scored | None:
    """The referral of `invitee_id` scored from the store as it is now (nothing written);
    None where the account was not referred."""
    invitee_row = session.get(m.AccountRow, invitee_id)
    if invitee_row is None or invitee_row.referred_by is None:
        return None
    referrer = load_party(session, invitee_row.referred_by)
    invitee = load_party(session, invitee_id)
    if referrer is None or invitee is None:
        return None
    signals = score(referrer, invitee, load_first_order(session, invitee_row))
    return Scored(referrer.id, invitee.id, tuple(signals))


def rescore(session: Session, invitee_id: str, now: datetime) -> Rescored:
    """Score the referral of `invitee_id` again and make ``abuse_signals`` say so: new
    signals inserted (found now), changed ones updated (keeping when they were first
    found), ones no longer true deleted. One indexed look-up of the pair's stored signals;
    the caller touches :attr:`Rescored.changed` for the change feed."""
    scored = signals_of(session, invitee_id)
    rows = session.scalars(select(m.AbuseSignal).where(
        m.AbuseSignal.invitee_id == invitee_id).order_by(m.AbuseSignal.id)).all()
    want = {} if scored is None else {s.kind: s for s in scored.signals}
    referrer = None if scored is None else scored.referrer
    deleted: list[int] = []
    written: list[int] = []
    kept: set[str] = set()
    for row in rows:
        signal = want.get(row.kind)
        if signal is None or row.referrer_id != referrer:
            deleted.append(row.id)
            session.delete(row)
            continue
        kept.add(row.kind)
        if (row.weight, row.evidence) != (signal.weight, signal.evidence):
            row.weight, row.evidence = signal.weight, signal.evidence
            written.append(row.id)
    new = [m.AbuseSignal(referrer_id=referrer, invitee_id=invitee_id, kind=s.kind,
                         weight=s.weight, evidence=s.evidence, found_at=now)
           for kind, s in want.items() if kind not in kept]
    if deleted:
        session.flush()  # the unique (invitee, referrer, kind) frees before inserting
    session.add_all(new)
    session.flush()
    written.extend(row.id for row in new)
    return Rescored(tuple(sorted(written)), tuple(deleted))


def ranked(session: Session, min_score: int, limit: int,
           ) -> tuple[list[Scored], int]:
    """The compliance queue: referrals with a score of at least `min_score`, highest
    first (then by invitee), at most `limit`; and how many reach `min_score` in all. With
    `min_score` 0, referrals without any signal are listed too (score 0)."""
    sig = m.AbuseSignal
    per_pair = (select(sig.invitee_id.label("invitee"), sig.referrer_id.label("referrer"),
                       func.sum(sig.weight).label("score"))
                .group_by(sig.invitee_id, sig.referrer_id).subquery())
    if min_score > 0:
        pairs = select(per_pair.c.invitee, per_pair.c.referrer, per_pair.c.score).where(
            per_pair.c.score >= min_score)
    else:
        a = m.AccountRow
        pairs = (select(a.id.label("invitee"), a.referred_by.label("referrer"),
                        func.coalesce(per_pair.c.score, 0).label("score"))
                 .outerjoin(per_pair, and_(per_pair.c.invitee == a.id,
                                           per_pair.c.referrer == a.referred_by))
                 .where(a.referred_by.is_not(None)))
    listed = pairs.subquery()
    count = session.scalar(select(func.count()).select_from(listed)) or 0
    page = session.execute(select(listed.c.invitee, listed.c.referrer, listed.c.score)
                           .order_by(listed.c.score.desc(), listed.c.invitee)
                           .limit(limit)).all()
    invitees = [p.invitee for p in page]
    by_pair: dict[tuple[str, str], list[Signal]] = {}
    if invitees:
        for row in session.scalars(select(sig).where(sig.invitee_id.in_(invitees))
                                   .order_by(sig.weight.desc(), sig.kind)):
            by_pair.setdefault((row.invitee_id, row.referrer_id), []).append(
                Signal(row.kind, row.weight, row.evidence))
    return ([Scored(p.referrer, p.invitee, tuple(by_pair.get((p.invitee, p.referrer), ())))
             for p in page], int(count))


def open_cases(session: Session, pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Invitee → the open abuse cases on its referral: a case on the referral itself, or
    on the invitee's account alone (which is about its referral, R22)."""
    invitees = [invitee for invitee, _referrer in pairs]
    if not invitees:
        return {}
    case, member = m.AbuseCaseRow, m.AbuseCaseAccount
    found: dict[str, list[str]] = {}
    for case_id, invitee in session.execute(
            select(case.id, case.invitee_id).where(case.status == CaseStatus.OPEN,
                                                   case.invitee_id.in_(invitees))):
        if invitee is not None:
            found.setdefault(invitee, []).append(case_id)
    for case_id, account in session.execute(
            select(case.id, member.account_id).join(member, member.case_id == case.id)
            .where(case.status == CaseStatus.OPEN, case.invitee_id.is_(None),
                   member.account_id.in_(invitees))):
        found.setdefault(account, []).append(case_id)
    return {k: sorted(set(v)) for k, v in found.items()}


__all__ = ["GENERIC_LOCAL_PARTS", "WEIGHTS", "WORKPLACE", "Address", "FirstOrder", "Party",
           "Rescored", "Scored", "Signal", "address_key", "first_order_id", "load_first_order",
           "load_party", "name_key", "open_cases", "phone_key", "ranked", "rescore", "score",
           "signals_of", "total"]
