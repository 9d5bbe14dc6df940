"""Where a balance comes from, in plain German or English (pure: no I/O).

``explain(entries, lots, now, language)`` turns an account's ledger into a few sentences an
agent can paste into a reply: what was credited (orders, referral bonuses, transfers,
corrections, refunds), what was taken (redemptions, transfers, reversals, corrections,
expiries, voids, forfeits), what is claimed after an abuse review and why (R22: a void
referral bonus, a void discount code), how participation ended or is ending (R23: closed
by the customer, terminated for cause, terminated with notice and its redemption window,
or a notice still running), the balance with its debt (R11, R15), and what expires next
(R9). Each sentence names what it explains: the ledger entries it summarises (or the
entries that credited the lots it speaks of, so a screen can show the movements behind
it), their entry types, the claims it covers and the account's facts (:class:`Topic`), so
a test can check that nothing is left out.

The words are those of ../shared/GLOSSARY.md (Gutschrift, Einlösung, verfallen,
Übertragung, nichtig, Minussaldo …); dates are Berlin calendar dates (dd.mm.yyyy in both
languages, as the program's letters write them), numbers 1.234 in German and 1,234 in
English. A language other than German is answered in English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from .calendar import (
    berlin_date,
    end_of_day_exclusive,
    notice_effective_date,
    notice_redeem_until,
    redemption_window_until,
    require_aware,
)
from .formatting import LETTER_DATE, format_day, format_money, format_number, is_german
from .model import Account, Claim, Entry, EntryType, Lot, SourceKind, Status

#: how many "usable until" dates the last sentences name before summing up the rest
UPCOMING = 3

#: entry types that create a lot of the account (R9, R20): the lot's crediting entry
CREDITING = frozenset({EntryType.EARN, EntryType.REFERRAL_BONUS, EntryType.ADJUSTMENT,
                       EntryType.TRANSFER_IN})

GOODWILL_NOTE = "goodwill: "
#: how the engine names the order of a used discount in its claim (R22)
DISCOUNT_CLAIM_PREFIX = "discount used on order "


class Topic(StrEnum):
    """A fact of the account that a sentence explains, beside its entries and claims."""

    #: R11: the balance (and its debt, R15)
    BALANCE = "balance"
    #: R9/R23: the next "usable until" dates
    USABLE_UNTIL = "usable_until"
    #: R22: a referral bonus declared void after an abuse review
    BONUS_VOID = "bonus_void"
    #: R22: the invitee's discount code void after an abuse review
    DISCOUNT_VOID = "discount_void"
    #: R22: what is claimed in all, where there is more than one claim
    CLAIMS_TOTAL = "claims_total"
    #: R23/R28: the customer ended their participation (closing)
    CLOSED = "closed"
    #: R23: the provider terminated the participation for cause
    TERMINATED_FOR_CAUSE = "terminated_for_cause"
    #: R23: the provider's termination with notice has taken effect (the redemption window)
    TERMINATED = "terminated"
    #: R23: the provider gave notice; it has not taken effect yet
    UNDER_NOTICE = "under_notice"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an explanation and what it explains: the ledger entries it
    summarises (or that credited the lots it speaks of), the entry types it explains, the
    claims it covers (by their ids) and the account's facts."""

    text: str
    entry_ids: tuple[str, ...]
    entry_types: tuple[EntryType, ...] = ()
    claim_ids: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()


# --------------------------------------------------------------------------- formatting


def format_points(points: int, language: str) -> str:
    """"1.234 X-Points" / "1,234 points" (singular for exactly one)."""
    number = format_number(points, language)
    if is_german(language):
        return f"{number} X-Point" if abs(points) == 1 else f"{number} X-Points"
    return f"{number} point" if abs(points) == 1 else f"{number} points"


def format_date(day: date, language: str) -> str:
    """The program's letters write dates as 31.03.2026, in German and English alike."""
    return format_day(day, language, english=LETTER_DATE)


_LABELS: dict[EntryType, tuple[str, str]] = {
    EntryType.EARN: ("Credit for an order", "Gutschrift für eine Bestellung"),
    EntryType.REFERRAL_BONUS: ("Referral bonus", "Gutschrift für eine Empfehlung"),
    EntryType.REDEMPTION: ("Redemption", "Einlösung"),
    EntryType.REFUND: ("Redeemed points returned", "Rückbuchung eingelöster X-Points"),
    EntryType.REVERSAL: ("Reversal of a credit", "Stornierung der Gutschrift"),
    EntryType.EXPIRY: ("Expiry", "Verfall"),
    EntryType.TRANSFER_OUT: ("Transfer to a colleague", "Übertragung an Kollegen"),
    EntryType.TRANSFER_IN: ("Transfer from a colleague", "Übertragung von Kollegen"),
    EntryType.VOID: ("Void after abuse review", "nichtig nach Missbrauchsprüfung"),
    EntryType.ADJUSTMENT: ("Correction", "Korrektur"),
    EntryType.FORFEIT: ("Forfeited at the end of participation",
                        "verfallen bei Kündigung"),
}


def entry_label(kind: EntryType, language: str) -> str:
    """A short name of an entry type for a table, a CSV file or a statement."""
    en, de = _LABELS[kind]
    return de if is_german(language) else en


# --------------------------------------------------------------------------- phrases


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _when(days: Sequence[date], german: bool) -> str:
    first, last = min(days), max(days)
    if first == last:
        return f"am {format_date(first, 'de')}" if german else f"on {format_date(first, 'en')}"
    if german:
        return f"zwischen dem {format_date(first, 'de')} und dem {format_date(last, 'de')}"
    return f"between {format_date(first, 'en')} and {format_date(last, 'en')}"


@dataclass(slots=True)
class _Group:
    entries: list[Entry]
    #: what is counted ("5 orders"): distinct source refs, or entries
    units: int
    points: int
    days: list[date]
    ids: tuple[str, ...]


def _group(entries: list[Entry], by_source: bool, extra_days: Iterable[date] = (),
           extra_ids: Iterable[str] = (), extra_points: int = 0,
           extra_units: int = 0) -> _Group:
    units = len({e.source.ref for e in entries}) if by_source else len(entries)
    return _Group(entries, units + extra_units, sum(e.points for e in entries) + extra_points,
                  [berlin_date(e.at) for e in entries] + list(extra_days),
                  tuple(e.id for e in entries) + tuple(extra_ids))


def _was(points: int) -> str:
    return "was" if points == 1 else "were"


@dataclass(frozen=True, slots=True)
class _Say:
    """What a group's sentence is made of: n units, the points (positive), their
    formatted form and when."""

    n: int
    points: int
    p: str
    when: str
    german: bool


def _earned(s: _Say) -> str:
    if s.german:
        if s.n == 1:
            return f"Für 1 Bestellung haben Sie {s.when} eine Gutschrift über {s.p} erhalten."
        return (f"Für {s.n} Bestellungen haben Sie {s.when} Gutschriften über insgesamt "
                f"{s.p} erhalten.")
    return f"You earned {s.p} from {_count(s.n, 'order', 'orders')} {s.when}."


def _referrals(s: _Say) -> str:
    if s.german:
        what = "eine Gutschrift über" if s.n == 1 else "Gutschriften über insgesamt"
        return (f"Für {_count(s.n, 'Empfehlung', 'Empfehlungen')} haben Sie {s.when} "
                f"{what} {s.p} erhalten.")
    return (f"You received {s.p} in referral bonuses for "
            f"{_count(s.n, 'customer', 'customers')} you referred {s.when}.")


def _transfers_in(s: _Say) -> str:
    if s.german:
        return (f"Durch {_count(s.n, 'Übertragung', 'Übertragungen')} von Kollegen Ihrer "
                f"Organisation haben Sie {s.p} {s.when} erhalten.")
    return (f"You received {s.p} from colleagues in your organisation in "
            f"{_count(s.n, 'transfer', 'transfers')} {s.when}.")


def _goodwill(s: _Say) -> str:
    if s.german:
        return f"Aus Kulanz haben wir Ihnen {s.p} {s.when} gutgeschrieben."
    return f"As a goodwill gesture we credited {s.p} to your account {s.when}."


def _objection(s: _Say) -> str:
    if s.german:
        return (f"Aufgrund Ihrer {'Einwendung' if s.n == 1 else f'{s.n} Einwendungen'} "
                f"haben wir Ihnen {s.p} {s.when} gutgeschrieben.")
    return (f"After your {'objection' if s.n == 1 else f'{s.n} objections'} we credited "
            f"{s.p} {s.when}.")


def _corrections_in(s: _Say) -> str:
    if s.german:
        return (f"Mit {_count(s.n, 'Korrektur', 'Korrekturen')} wurden Ihnen {s.p} "
                f"{s.when} gutgeschrieben.")
    return f"{_count(s.n, 'correction', 'corrections')} credited {s.p} {s.when}."


def _refunds(s: _Say) -> str:
    if s.german:
        return (f"Nach der Stornierung von {_count(s.n, 'Bestellung', 'Bestellungen')}, "
                f"die mit X-Points bezahlt {'war' if s.n == 1 else 'waren'}, wurden Ihnen "
                f"{s.p} {s.when} zurückgebucht.")
    return (f"{s.p} you had redeemed came back to you {s.when}, when "
            f"{_count(s.n, 'order', 'orders')} paid with points {_was(s.n)} cancelled.")


def _redemptions(s: _Say) -> str:
    if s.german:
        return (f"Sie haben {s.when} bei {_count(s.n, 'Bestellung', 'Bestellungen')} "
                f"{s.p} eingelöst.")
    return f"You paid for {_count(s.n, 'order', 'orders')} with {s.p} {s.when}."


def _transfers_out(s: _Say) -> str:
    if s.german:
        return (f"Durch {_count(s.n, 'Übertragung', 'Übertragungen')} an Kollegen Ihrer "
                f"Organisation haben Sie {s.p} {s.when} abgegeben.")
    return (f"You transferred {s.p} to colleagues in your organisation in "
            f"{_count(s.n, 'transfer', 'transfers')} {s.when}.")


def _reversals(s: _Say) -> str:
    if s.german:
        return (f"Wegen der Stornierung von {_count(s.n, 'Bestellung', 'Bestellungen')} "
                f"nach der Gutschrift wurden {s.p} {s.when} zurückgenommen (Stornierung der "
                f"Gutschrift).")
    return (f"Because {_count(s.n, 'order', 'orders')} {_was(s.n)} cancelled after "
            f"{'it was' if s.n == 1 else 'they were'} credited, {s.p} {_was(s.points)} "
            f"taken back {s.when}.")


def _bonus_reversals(s: _Say) -> str:
    if s.german:
        return (f"Weil die erste Bestellung von {s.n} von Ihnen empfohlenen Kunden "
                f"storniert wurde, wurden {s.p} Ihrer Gutschrift für die "
                f"Empfehlung {s.when} zurückgenommen (Stornierung der Gutschrift).")
    return (f"Because the first order of {_count(s.n, 'customer', 'customers')} you "
            f"referred was cancelled, {s.p} of referral bonus {_was(s.points)} taken back "
            f"{s.when}.")


def _corrections_out(s: _Say) -> str:
    if s.german:
        return f"Mit {_count(s.n, 'Korrektur', 'Korrekturen')} wurden {s.p} {s.when} abgezogen."
    return f"{_count(s.n, 'correction', 'corrections')} deducted {s.p} {s.when}."


def _expiries(s: _Say) -> str:
    if s.german:
        return (f"{s.p} aus {_count(s.n, 'Gutschrift', 'Gutschriften')} "
                f"{'ist' if s.points == 1 else 'sind'} {s.when} verfallen.")
    return (f"{s.p} from {_count(s.n, 'credit', 'credits')} "
            f"expired {s.when}.")


def _voids(s: _Say) -> str:
    if s.german:
        return f"Nach einer Missbrauchsprüfung wurden {s.p} {s.when} für nichtig erklärt."
    return f"After an abuse review, {s.p} {_was(s.points)} declared void {s.when}."


def _forfeits(s: _Say) -> str:
    """A forfeit whose reason is not known (no account given)."""
    if s.german:
        return (f"Mit dem Ende Ihrer Teilnahme {'ist' if s.points == 1 else 'sind'} "
                f"{s.p} {s.when} verfallen.")
    return (f"With the end of your participation, {s.p} {_was(s.points)} forfeited "
            f"{s.when}.")


def _on(day: date | None, german: bool) -> str:
    """" on 01.04.2025" / " am 01.04.2025", or nothing where the date is not known."""
    if day is None:
        return ""
    return f" am {format_date(day, 'de')}" if german else f" on {format_date(day, 'en')}"


def _closed(since: date | None) -> Callable[[_Say], str]:
    """R23/R28: the customer ended the participation; the balance was forfeited at once."""
    def say(s: _Say) -> str:
        if s.german:
            return (f"Sie haben Ihre Teilnahme{_on(since, True)} beendet: Ihr X-Konto ist "
                    f"geschlossen, und {s.p} {'ist' if s.points == 1 else 'sind'} {s.when} "
                    f"verfallen.")
        return (f"You ended your participation{_on(since, False)}: your account is closed, "
                f"and {s.p} {_was(s.points)} forfeited {s.when}.")
    return say


def _for_cause(since: date | None) -> Callable[[_Say], str]:
    """R23: terminated for cause; the balance was forfeited at once."""
    def say(s: _Say) -> str:
        if s.german:
            return (f"Wir haben Ihre Teilnahme{_on(since, True)} aus wichtigem Grund "
                    f"gekündigt: {s.p} {'ist' if s.points == 1 else 'sind'} {s.when} "
                    f"verfallen.")
        return (f"We terminated your participation for cause{_on(since, False)}: {s.p} "
                f"{_was(s.points)} forfeited {s.when}.")
    return say


# --------------------------------------------------------------------------- claims (R22)


class ClaimKind(StrEnum):
    """Why a claim was written (R22), from its account, amount and source."""

    #: the referrer's void bonus had already been used: its value (points / 100)
    BONUS_USED = "bonus_used"
    #: the invitee's void discount code had been used: the discount's value
    DISCOUNT_USED = "discount_used"
    #: the order the void code was used on was cancelled in full: no longer owed
    DISCOUNT_CANCELLED = "discount_cancelled"
    #: used points of a void bonus came back with a cancellation and were void at once
    VOID_REFUNDED = "void_refunded"


def claim_kind(claim: Claim) -> ClaimKind:
    """R22: a claim against the invitee is for the discount, one against anybody else for
    the bonus; a negative one lowers what is owed (a cancelled order, refunded points)."""
    if claim.amount < 0:
        if claim.source.kind is SourceKind.ORDER:
            return ClaimKind.DISCOUNT_CANCELLED
        return ClaimKind.VOID_REFUNDED
    if claim.source.ref == f"referral:{claim.account}":
        return ClaimKind.DISCOUNT_USED
    return ClaimKind.BONUS_USED


def _referred(claim: Claim) -> str | None:
    """The invitee a claim's abuse case is about ("referral:K-1002" -> "K-1002")."""
    kind, _, invitee = claim.source.ref.partition(":")
    return invitee if claim.source.kind is SourceKind.ABUSE_CASE and kind == "referral" \
        and invitee else None


def _claim_text(claim: Claim, account: Account | None, language: str) -> str:
    german = is_german(language)
    kind = claim_kind(claim)
    money = format_money(abs(claim.amount), language)
    day = format_date(berlin_date(claim.at), language)
    points = format_points(int(abs(claim.amount) * 100), language)
    if kind is ClaimKind.BONUS_USED:
        invitee = _referred(claim)
        if german:
            whom = f" des Kunden {invitee}" if invitee else ""
            return (f"Weil eine Missbrauchsprüfung am {day} Ihre Empfehlung{whom} als "
                    f"Selbstempfehlung bestätigt hat, ist Ihre Gutschrift für die Empfehlung "
                    f"nichtig; für die bereits eingelösten {points} haben wir einen Anspruch "
                    f"auf Wertersatz von {money} gegen Sie.")
        whom = f" of customer {invitee}" if invitee else ""
        return (f"Because an abuse review confirmed on {day} that your referral{whom} was a "
                f"self-referral, your referral bonus is void; for the {points} of it "
                f"already used we claim {money} from you.")
    if kind is ClaimKind.DISCOUNT_USED:
        order: str | None = None
        if claim.reason.startswith(DISCOUNT_CLAIM_PREFIX):
            order = claim.reason.removeprefix(DISCOUNT_CLAIM_PREFIX)
        elif account is not None and account.discount is not None:
            order = account.discount.used_on
        if german:
            on = f"die Bestellung {order}" if order else "Ihre erste Bestellung"
            return (f"Weil eine Missbrauchsprüfung am {day} Ihre Registrierung über eine "
                    f"Empfehlung als Selbstempfehlung bestätigt hat, ist Ihr Rabatt-Code "
                    f"nichtig; für die {money} Rabatt auf {on} haben wir einen Anspruch auf "
                    f"Wertersatz gegen Sie.")
        on = f"order {order}" if order else "your first order"
        return (f"Because an abuse review confirmed on {day} that your registration through "
                f"a referral was a self-referral, your discount code is void; we claim the "
                f"{money} it took off {on} from you.")
    if kind is ClaimKind.DISCOUNT_CANCELLED:
        order = claim.source.ref
        if german:
            return (f"Die Bestellung {order}, auf die Sie den nichtigen Rabatt-Code angewendet "
                    f"hatten, wurde am {day} vollständig storniert; der Rabatt ist nicht mehr "
                    f"zu ersetzen, und unser Anspruch auf Wertersatz sinkt um {money}.")
        return (f"Order {order}, on which you had used the void discount code, was cancelled "
                f"in full on {day}, so its discount is no longer owed: our claim falls by "
                f"{money}.")
    if german:
        return (f"{points} aus der nichtigen Gutschrift für die Empfehlung, die bereits "
                f"eingelöst waren, wurden am {day} nach der Stornierung einer Bestellung "
                f"zurückgebucht und sofort für nichtig erklärt; unser Anspruch auf Wertersatz "
                f"sinkt um {money}.")
    return (f"{points} of the void referral bonus that had been used came back on {day} when "
            f"an order paid with them was cancelled; they were declared void at once, so our "
            f"claim falls by {money}.")


_CLAIM_TOPIC = {ClaimKind.BONUS_USED: Topic.BONUS_VOID,
                ClaimKind.VOID_REFUNDED: Topic.BONUS_VOID,
                ClaimKind.DISCOUNT_USED: Topic.DISCOUNT_VOID,
                ClaimKind.DISCOUNT_CANCELLED: Topic.DISCOUNT_VOID}


def _claims(claims: Sequence[tuple[str, Claim]], account: Account | None,
            language: str) -> list[Sentence]:
    """R22: one sentence per claim (what and why, in EUR), the total where there are
    several, and a void discount code that left no claim."""
    german = is_german(language)
    sentences = [Sentence(_claim_text(claim, account, language), (), (), (claim_id,),
                          (_CLAIM_TOPIC[claim_kind(claim)],))
                 for claim_id, claim in claims]
    if len(claims) > 1:
        total = sum((c.amount for _i, c in claims), Decimal("0.00"))
        if total > 0:
            money = format_money(total, language)
            text = (f"Insgesamt haben wir einen Anspruch auf Wertersatz von {money} gegen Sie."
                    if german else f"In all, we claim {money} from you.")
        else:
            text = ("Insgesamt besteht kein Anspruch auf Wertersatz mehr gegen Sie."
                    if german else "In all, we no longer claim anything from you.")
        sentences.append(Sentence(text, (), (), tuple(i for i, _c in claims),
                                  (Topic.CLAIMS_TOTAL,)))
    discount = None if account is None else account.discount
    claimed = any(_CLAIM_TOPIC[claim_kind(c)] is Topic.DISCOUNT_VOID for _i, c in claims)
    if discount is not None and discount.voided and not claimed:
        text = ("Weil eine Missbrauchsprüfung Ihre Registrierung über eine Empfehlung als "
                "Selbstempfehlung bestätigt hat, ist Ihr Rabatt-Code nichtig und kann nicht "
                "mehr verwendet werden." if german else
                "Because an abuse review confirmed that your registration through a referral "
                "was a self-referral, your discount code is void and can no longer be used.")
        sentences.append(Sentence(text, (), (), (), (Topic.DISCOUNT_VOID,)))
    return sentences


# --------------------------------------------------------------------------- ending (R23)


@dataclass(frozen=True, slots=True)
class Ending:
    """How the account's participation ended, or is ending, as of an instant (R23)."""

    topic: Topic
    #: the Berlin date the status last changed (closing, termination), where known
    since: date | None = None
    #: a provider's notice: the date it was given, its effective date, the last day to redeem
    given: date | None = None
    effective: date | None = None
    redeem_until: date | None = None


def ending(account: Account, now: datetime) -> Ending | None:
    """R23 as of `now`: closed by the customer, terminated for cause, terminated with
    notice (in effect once its effective date has ended, even where the status is not
    written yet, like an expiry), under notice, or None for an account that simply runs."""
    now = require_aware(now)
    since = None if account.status_at is None else berlin_date(account.status_at)
    if account.status is Status.CLOSED:
        return Ending(Topic.CLOSED, since)
    if account.status is Status.TERMINATED_FOR_CAUSE:
        return Ending(Topic.TERMINATED_FOR_CAUSE, since)
    notice = account.notice_at
    if notice is not None and (account.status is Status.TERMINATED or notice <= now):
        effective = notice_effective_date(notice)
        in_effect = (account.status is Status.TERMINATED
                     or end_of_day_exclusive(effective) <= now)
        return Ending(Topic.TERMINATED if in_effect else Topic.UNDER_NOTICE, since,
                      berlin_date(notice), effective, notice_redeem_until(notice))
    if account.status is Status.TERMINATED:
        # terminated at once (before notices ran to a month's end): the window ran from then
        if account.status_at is None:
            return Ending(Topic.TERMINATED)
        return Ending(Topic.TERMINATED, since, None, since,
                      redemption_window_until(account.status_at))
    return None


def _notice(end: Ending, now: datetime, language: str) -> Sentence:
    """R23: a termination with notice: when it was given, its effective date and the last
    day to redeem (still running, in effect, or over)."""
    german = is_german(language)

    def d(day: date | None) -> str:
        return "" if day is None else format_date(day, language)

    given, effective, until = d(end.given), d(end.effective), d(end.redeem_until)
    if end.topic is Topic.UNDER_NOTICE:
        text = (f"Am {given} haben wir Ihre Teilnahme zum {effective} gekündigt: Bis dahin "
                f"läuft alles wie bisher weiter; danach werden keine X-Points mehr "
                f"gutgeschrieben, und Sie können Ihre X-Points noch bis zum {until} einlösen "
                f"(letzter Tag der Einlösung)." if german else
                f"On {given} we gave notice terminating your participation at the end of "
                f"{effective}: until then everything goes on as before; after that no more "
                f"points are earned, and you can redeem yours through {until}, the last day "
                f"to redeem.")
        return Sentence(text, (), (), (), (Topic.UNDER_NOTICE,))
    if german:
        if end.given is not None:
            head = f"Mit Kündigung vom {given} haben wir Ihre Teilnahme zum {effective} beendet"
        elif end.effective is not None:
            head = f"Wir haben Ihre Teilnahme am {effective} gekündigt"
        else:
            head = "Wir haben Ihre Teilnahme gekündigt"
    elif end.given is not None:
        head = (f"With notice given on {given} we terminated your participation effective "
                f"{effective}")
    elif end.effective is not None:
        head = f"We terminated your participation on {effective}"
    else:
        head = "We terminated your participation"
    if end.redeem_until is None:
        tail = (": Es werden keine X-Points mehr gutgeschrieben." if german else
                ": no more points are earned.")
    elif now < end_of_day_exclusive(end.redeem_until):
        tail = (f": Seitdem werden keine X-Points mehr gutgeschrieben, Sie können Ihre "
                f"X-Points aber noch bis zum {until} einlösen (letzter Tag der Einlösung); "
                f"was dann übrig ist, verfällt." if german else
                f": since then no points are earned, but you can still redeem yours through "
                f"{until}, the last day to redeem; what is left then expires.")
    else:
        tail = (f": Der letzte Tag der Einlösung war der {until}; was übrig war, ist am Tag "
                f"danach verfallen." if german else
                f": the last day to redeem was {until}, and what was left expired the day "
                f"after.")
    return Sentence(head + tail, (), (), (), (Topic.TERMINATED,))


def _ended(end: Ending, language: str) -> Sentence:
    """R23: closed or terminated for cause with nothing left to forfeit."""
    german = is_german(language)
    if end.topic is Topic.CLOSED:
        text = (f"Sie haben Ihre Teilnahme{_on(end.since, True)} beendet: Ihr X-Konto ist "
                f"geschlossen, es werden keine X-Points mehr gutgeschrieben oder eingelöst."
                if german else
                f"You ended your participation{_on(end.since, False)}: your account is "
                f"closed and no longer earns or redeems points.")
    else:
        text = (f"Wir haben Ihre Teilnahme{_on(end.since, True)} aus wichtigem Grund "
                f"gekündigt: Es werden keine X-Points mehr gutgeschrieben oder eingelöst."
                if german else
                f"We terminated your participation for cause{_on(end.since, False)}: your "
                f"account no longer earns or redeems points.")
    return Sentence(text, (), (), (), (end.topic,))


# --------------------------------------------------------------------------- explain


def _crediting_entries(entries: Sequence[Entry]) -> dict[str, str]:
    """lot id -> the entry that created the lot (a credit, or a transfer's arrival)."""
    found: dict[str, str] = {}
    for e in entries:
        if e.type in CREDITING and e.points > 0:
            for a in e.allocations:
                found.setdefault(a.lot, e.id)
    return found


def _last_day(lot: Lot, window_until: date | None) -> date:
    return lot.usable_until if window_until is None else min(lot.usable_until, window_until)


def _earlier(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def explain(entries: Iterable[Entry], lots: Iterable[Lot], now: datetime, language: str,
            *, window_until: date | None = None, upcoming: int = UPCOMING,
            account: Account | None = None,
            claims: Iterable[tuple[str, Claim]] = ()) -> list[Sentence]:
    """Sentences that explain the account's balance as of `now`.

    `entries` is the account's whole ledger in the order written (the balance is their
    sum, R11), `lots` its lots as stored. A lot with points left whose last usable day
    ended at or before `now` has expired even where its `expiry` entry is not written yet
    (R10): it is counted as expired and not in the balance. `window_until` is R23's last
    day to redeem after a termination with notice or the program's end, where one
    applies: no lot is usable after it. `account`, where given, says how participation
    ended or is ending (R23: its status, status date and provider's notice; a notice also
    shortens the window) and whether its discount code is void (R22); `claims` are the
    account's R22 claims as (id, claim), in the order written.

    Sentences come in this order: credits, then what was taken, then the claims, then
    a closing or termination for cause (with what it forfeited), then the balance, then
    the next "usable until" dates (at most `upcoming`, then one sentence for the rest),
    then a termination with notice or a notice still running.
    """
    now = require_aware(now)
    ledger = list(entries)
    end = None if account is None else ending(account, now)
    if end is not None and end.topic in (Topic.TERMINATED, Topic.UNDER_NOTICE):
        window_until = _earlier(window_until, end.redeem_until)
    credited_by = _crediting_entries(ledger)
    held_lots = [lot for lot in lots if lot.remaining > 0]
    lapsed = [lot for lot in held_lots
              if end_of_day_exclusive(_last_day(lot, window_until)) <= now]
    lapsed_ids = {lot.id for lot in lapsed}
    live = [lot for lot in held_lots if lot.id not in lapsed_ids]

    by_type: dict[EntryType, list[Entry]] = {t: [] for t in EntryType}
    for e in ledger:
        by_type[e.type].append(e)
    # R25/R26: a correction credited as goodwill, one that upholds an objection, others
    goodwill: list[Entry] = []
    upheld: list[Entry] = []
    corrected_in: list[Entry] = []
    corrected_out: list[Entry] = []
    for e in by_type[EntryType.ADJUSTMENT]:
        if e.points < 0:
            corrected_out.append(e)
        elif e.note.startswith(GOODWILL_NOTE):
            goodwill.append(e)
        elif e.source.kind is SourceKind.OBJECTION:
            upheld.append(e)
        else:
            corrected_in.append(e)
    # R15 reverses an order's credit, R16 the referrer's bonus
    bonus_reversals = [e for e in by_type[EntryType.REVERSAL]
                       if e.source.kind is SourceKind.REFERRAL]
    order_reversals = [e for e in by_type[EntryType.REVERSAL]
                       if e.source.kind is not SourceKind.REFERRAL]
    expiries = by_type[EntryType.EXPIRY]
    written_expiries = {e.source.ref for e in expiries}

    # R23: a forfeit says why, where the account says how participation ended
    forfeit: Callable[[_Say], str] = _forfeits
    forfeit_topics: tuple[Topic, ...] = ()
    if end is not None and end.topic is Topic.CLOSED:
        forfeit, forfeit_topics = _closed(end.since), (Topic.CLOSED,)
    elif end is not None and end.topic is Topic.TERMINATED_FOR_CAUSE:
        forfeit, forfeit_topics = _for_cause(end.since), (Topic.TERMINATED_FOR_CAUSE,)

    adjustment = (EntryType.ADJUSTMENT,)
    groups: list[tuple[_Group, Callable[[_Say], str], tuple[EntryType, ...],
                       tuple[Topic, ...]]] = [
        (_group(by_type[EntryType.EARN], by_source=True), _earned, (EntryType.EARN,), ()),
        (_group(by_type[EntryType.REFERRAL_BONUS], by_source=True), _referrals,
         (EntryType.REFERRAL_BONUS,), ()),
        (_group(by_type[EntryType.TRANSFER_IN], by_source=False), _transfers_in,
         (EntryType.TRANSFER_IN,), ()),
        (_group(goodwill, by_source=False), _goodwill, adjustment, ()),
        (_group(upheld, by_source=False), _objection, adjustment, ()),
        (_group(corrected_in, by_source=False), _corrections_in, adjustment, ()),
        (_group(by_type[EntryType.REFUND], by_source=True), _refunds, (EntryType.REFUND,), ()),
        (_group(by_type[EntryType.REDEMPTION], by_source=True), _redemptions,
         (EntryType.REDEMPTION,), ()),
        (_group(by_type[EntryType.TRANSFER_OUT], by_source=False), _transfers_out,
         (EntryType.TRANSFER_OUT,), ()),
        (_group(order_reversals, by_source=True), _reversals, (EntryType.REVERSAL,), ()),
        (_group(bonus_reversals, by_source=True), _bonus_reversals, (EntryType.REVERSAL,), ()),
        (_group(corrected_out, by_source=False), _corrections_out, adjustment, ()),
        (_group(expiries, by_source=True,
                extra_days=[_last_day(lot, window_until) + timedelta(days=1)
                            for lot in lapsed],
                extra_ids=[credited_by[lot.id] for lot in lapsed if lot.id in credited_by],
                extra_points=-sum(lot.remaining for lot in lapsed),
                extra_units=len(lapsed_ids - written_expiries)),
         _expiries, (EntryType.EXPIRY,), ()),
        (_group(by_type[EntryType.VOID], by_source=False), _voids, (EntryType.VOID,),
         (Topic.BONUS_VOID,)),
    ]
    sentences = [_sentence(group, phrase, types, topics, language)
                 for group, phrase, types, topics in groups if group.days]
    sentences.extend(_claims(list(claims), account, language))
    forfeits = _group(by_type[EntryType.FORFEIT], by_source=False)
    if forfeits.days:
        sentences.append(_sentence(forfeits, forfeit, (EntryType.FORFEIT,), forfeit_topics,
                                   language))
    elif end is not None and end.topic in (Topic.CLOSED, Topic.TERMINATED_FOR_CAUSE):
        sentences.append(_ended(end, language))

    balance = sum(e.points for e in ledger) - sum(lot.remaining for lot in lapsed)
    held = sum(lot.remaining for lot in live)
    debt = max(0, held - balance)
    sentences.append(_balance(balance, held, debt, ledger, live, credited_by, language))
    sentences.extend(_upcoming(live, credited_by, window_until, language, upcoming))
    if end is not None and end.topic in (Topic.TERMINATED, Topic.UNDER_NOTICE):
        sentences.append(_notice(end, now, language))
    return sentences


def _sentence(group: _Group, phrase: Callable[[_Say], str], types: tuple[EntryType, ...],
              topics: tuple[Topic, ...], language: str) -> Sentence:
    german = is_german(language)
    points = abs(group.points)
    say = _Say(group.units, points, format_points(points, language),
               _when(group.days, german), german)
    return Sentence(phrase(say), group.ids, types, (), topics)


def _balance(balance: int, held: int, debt: int, ledger: Sequence[Entry], live: Sequence[Lot],
             credited_by: dict[str, str], language: str) -> Sentence:
    german = is_german(language)
    b = format_points(balance, language)
    if debt > 0:
        # R15: what a reversal could not take back is debt; R11: credits pay it off first
        ids = tuple(e.id for e in ledger if e.type is EntryType.REVERSAL)
        d = format_points(debt, language)
        if held > 0:
            h = format_points(held, language)
            text = (f"Ihr Kontostand beträgt {b}: {h} aus Ihren Gutschriften abzüglich eines "
                    f"Minussaldos von {d}, den Ihre nächsten Gutschriften zuerst ausgleichen."
                    if german else
                    f"Your balance is {b}: {h} held in your credits, less a debt of {d} "
                    f"that your next credits pay off first.")
        else:
            text = (f"Ihr Kontostand beträgt {b} (Minussaldo): Zurückgenommene X-Points "
                    f"waren bereits eingelöst, und Ihre nächsten Gutschriften gleichen "
                    f"die {d} zuerst aus."
                    if german else
                    f"Your balance is {b}: a debt of {d}, because points taken back had "
                    f"already been used; your next credits pay it off first.")
        return Sentence(text, ids, (), (), (Topic.BALANCE,))
    ids = tuple(credited_by[lot.id] for lot in live if lot.id in credited_by)
    if not ledger:
        text = ("Auf Ihrem X-Konto gab es noch keine Buchungen; Ihr Kontostand beträgt "
                f"{b}." if german else
                f"There have been no movements on your account yet; your balance is {b}.")
    else:
        text = f"Ihr Kontostand beträgt {b}." if german else f"Your balance is {b}."
    return Sentence(text, ids, (), (), (Topic.BALANCE,))


def _upcoming(live: Sequence[Lot], credited_by: dict[str, str], window_until: date | None,
              language: str, upcoming: int) -> list[Sentence]:
    """R9: the next lots by their last usable day, with what is left of them."""
    german = is_german(language)
    by_day: dict[date, list[Lot]] = {}
    for lot in sorted(live, key=lambda x: (_last_day(x, window_until), x.credited_at, x.seq)):
        by_day.setdefault(_last_day(lot, window_until), []).append(lot)
    days = sorted(by_day)
    sentences = []
    for day in days[:upcoming]:
        lots = by_day[day]
        points = sum(lot.remaining for lot in lots)
        p = format_points(points, language)
        d = format_date(day, language)
        if german:
            text = f"{p} {'ist' if points == 1 else 'sind'} gültig bis {d}."
        else:
            text = f"{p} {'is' if points == 1 else 'are'} usable until {d}."
        sentences.append(Sentence(text, tuple(credited_by[lot.id] for lot in lots
                                              if lot.id in credited_by), (), (),
                                  (Topic.USABLE_UNTIL,)))
    rest = [lot for day in days[upcoming:] for lot in by_day[day]]
    if rest:
        points = sum(lot.remaining for lot in rest)
        p = format_points(points, language)
        d = format_date(days[-1], language)
        if german:
            text = (f"Weitere {p} {'ist' if points == 1 else 'sind'} länger gültig, "
                    f"längstens bis {d}.")
        else:
            text = (f"A further {p} {'is' if points == 1 else 'are'} usable for longer, "
                    f"the last of them until {d}.")
        sentences.append(Sentence(text, tuple(credited_by[lot.id] for lot in rest
                                              if lot.id in credited_by), (), (),
                                  (Topic.USABLE_UNTIL,)))
    return sentences


__all__ = [
    "CREDITING",
    "UPCOMING",
    "ClaimKind",
    "Ending",
    "Sentence",
    "Topic",
    "claim_kind",
    "ending",
    "entry_label",
    "explain",
    "format_date",
    "format_money",
    "format_number",
    "format_points",
    "is_german",
]
