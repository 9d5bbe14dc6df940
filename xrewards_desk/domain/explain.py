"""Where a balance comes from, in plain German or English (pure: no I/O).

``explain(entries, lots, now, language)`` turns an account's ledger into a few sentences an
agent can paste into a reply: what was credited (orders, referral bonuses, transfers,
corrections, refunds), what was taken (redemptions, transfers, reversals, corrections,
expiries, voids, forfeits), the balance with its debt (R11, R15), and what expires next
(R9). Each sentence names the ledger entries it summarises, or the entries that credited
the lots it speaks of, so a screen can show the movements behind it.

The words are those of ../shared/GLOSSARY.md (Gutschrift, Einlösung, verfallen,
Übertragung, nichtig, Minussaldo …); dates are Berlin calendar dates (dd.mm.yyyy in both
languages, as the program's letters write them), numbers 1.234 in German and 1,234 in
English. A language other than German is answered in English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import berlin_date, end_of_day_exclusive, require_aware
from .model import Entry, EntryType, Lot, SourceKind

#: how many "usable until" dates the last sentences name before summing up the rest
UPCOMING = 3

#: entry types that create a lot of the account (R9, R20): the lot's crediting entry
CREDITING = frozenset({EntryType.EARN, EntryType.REFERRAL_BONUS, EntryType.ADJUSTMENT,
                       EntryType.TRANSFER_IN})

GOODWILL_NOTE = "goodwill: "


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an explanation and the ledger entries it summarises."""

    text: str
    entry_ids: tuple[str, ...]


# --------------------------------------------------------------------------- formatting


def is_german(language: str) -> bool:
    return language.strip().lower().startswith("de")


def format_number(value: int, language: str) -> str:
    """1.234 in German, 1,234 in English; a minus sign for negative values."""
    text = f"{value:,}"
    return text.replace(",", ".") if is_german(language) else text


def format_points(points: int, language: str) -> str:
    """"1.234 X-Points" / "1,234 points" (singular for exactly one)."""
    number = format_number(points, language)
    if is_german(language):
        return f"{number} X-Point" if abs(points) == 1 else f"{number} X-Points"
    return f"{number} point" if abs(points) == 1 else f"{number} points"


def format_date(day: date, language: str) -> str:
    """The program's letters write dates as 31.03.2026, in German and English alike."""
    return day.strftime("%d.%m.%Y")


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
    if s.german:
        return (f"Mit dem Ende Ihrer Teilnahme {'ist' if s.points == 1 else 'sind'} "
                f"{s.p} {s.when} verfallen.")
    return (f"With the end of your participation, {s.p} {_was(s.points)} forfeited "
            f"{s.when}.")


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


def explain(entries: Iterable[Entry], lots: Iterable[Lot], now: datetime, language: str,
            *, window_until: date | None = None, upcoming: int = UPCOMING) -> list[Sentence]:
    """Sentences that explain the account's balance as of `now`.

    `entries` is the account's whole ledger in the order written (the balance is their
    sum, R11), `lots` its lots as stored. A lot with points left whose last usable day
    ended at or before `now` has expired even where its `expiry` entry is not written yet
    (R10): it is counted as expired and not in the balance. `window_until` is R23's last
    day to redeem after a termination with notice or the program's end, where one
    applies: no lot is usable after it. Sentences come in this order: credits, then what
    was taken, then the balance, then the next "usable until" dates (at most `upcoming`,
    then one sentence for the rest).
    """
    now = require_aware(now)
    german = is_german(language)
    ledger = list(entries)
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

    groups: list[tuple[_Group, Callable[[_Say], str]]] = [
        (_group(by_type[EntryType.EARN], by_source=True), _earned),
        (_group(by_type[EntryType.REFERRAL_BONUS], by_source=True), _referrals),
        (_group(by_type[EntryType.TRANSFER_IN], by_source=False), _transfers_in),
        (_group(goodwill, by_source=False), _goodwill),
        (_group(upheld, by_source=False), _objection),
        (_group(corrected_in, by_source=False), _corrections_in),
        (_group(by_type[EntryType.REFUND], by_source=True), _refunds),
        (_group(by_type[EntryType.REDEMPTION], by_source=True), _redemptions),
        (_group(by_type[EntryType.TRANSFER_OUT], by_source=False), _transfers_out),
        (_group(order_reversals, by_source=True), _reversals),
        (_group(bonus_reversals, by_source=True), _bonus_reversals),
        (_group(corrected_out, by_source=False), _corrections_out),
        (_group(expiries, by_source=True,
                extra_days=[_last_day(lot, window_until) + timedelta(days=1)
                            for lot in lapsed],
                extra_ids=[credited_by[lot.id] for lot in lapsed if lot.id in credited_by],
                extra_points=-sum(lot.remaining for lot in lapsed),
                extra_units=len(lapsed_ids - written_expiries)),
         _expiries),
        (_group(by_type[EntryType.VOID], by_source=False), _voids),
        (_group(by_type[EntryType.FORFEIT], by_source=False), _forfeits),
    ]
    sentences: list[Sentence] = []
    for group, phrase in groups:
        if not group.days:
            continue
        points = abs(group.points)
        say = _Say(group.units, points, format_points(points, language),
                   _when(group.days, german), german)
        sentences.append(Sentence(phrase(say), group.ids))

    balance = sum(e.points for e in ledger) - sum(lot.remaining for lot in lapsed)
    held = sum(lot.remaining for lot in live)
    debt = max(0, held - balance)
    sentences.append(_balance(balance, held, debt, ledger, live, credited_by, language))
    sentences.extend(_upcoming(live, credited_by, window_until, language, upcoming))
    return sentences


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
        return Sentence(text, ids)
    ids = tuple(credited_by[lot.id] for lot in live if lot.id in credited_by)
    if not ledger:
        text = ("Auf Ihrem X-Konto gab es noch keine Buchungen; Ihr Kontostand beträgt "
                f"{b}." if german else
                f"There have been no movements on your account yet; your balance is {b}.")
    else:
        text = f"Ihr Kontostand beträgt {b}." if german else f"Your balance is {b}."
    return Sentence(text, ids)


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
                                              if lot.id in credited_by)))
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
                                              if lot.id in credited_by)))
    return sentences


__all__ = [
    "CREDITING",
    "UPCOMING",
    "Sentence",
    "entry_label",
    "explain",
    "format_date",
    "format_number",
    "format_points",
    "is_german",
]
