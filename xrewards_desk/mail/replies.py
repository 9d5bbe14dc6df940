"""Replies to the rewards@ mailbox, filled with the real figures of a case (no Qt, no I/O
but reading the template files).

A template is a UTF-8 file ``resources/templates/replies/<de|en>/<name>.txt``: a first line
``Subject: ...``, a blank line, then the body, with :class:`string.Template` placeholders
(``${received}``, ``${points}`` …) named after the fields of :class:`Figures`. What a
template needs is what its file names: :func:`render` fills exactly those placeholders and
refuses (:class:`MissingFigure`) when one of them has no figure, so no reply ever says
"None". It also refuses figures that contradict the rules the reply states
(:class:`InconsistentFigures`): an objection answered as in time that was late (R25), a
deadline that is not the notice's, a terms objection after its month (R28).

Dates are Berlin calendar dates, "28.02.2025" in German and "28 Feb 2025" in English;
points are "1.234" in German and "1,234" in English. The words are those of
../shared/GLOSSARY.md (Einwendung against a notice, Widerspruch against changed terms,
Gutschrift, Verfall, Kulanz).

:func:`draft` wraps a rendered reply into an RFC 5322 message marked ``X-Unsent: 1``, so
that a mail client opens it as a draft for the agent to check and send, threaded under the
customer's message.
"""

from __future__ import annotations

import email.utils
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import default

from xrewards_desk.domain import formatting
from xrewards_desk.domain.calendar import (
    BERLIN,
    end_of_day_exclusive,
    objection_deadline,
    objection_in_time,
    require_aware,
    terms_objection_deadline,
)
from xrewards_desk.domain.model import RATE, NoticeKind, Tier
from xrewards_desk.domain.workflow import ObjectionStatus, objection_decisions
from xrewards_desk.resources import resource

#: the reply templates, in the order a menu shows them
TEMPLATES: tuple[str, ...] = (
    "acknowledge",
    "objection_upheld",
    "objection_upheld_pending",
    "objection_rejected",
    "objection_late",
    "goodwill_granted",
    "terms_objection",
    "closed",
    "balance",
    "order_pending",
    "transfer_approved",
    "transfer_refused",
)

LANGUAGES: tuple[str, ...] = ("de", "en")

#: the message ids of drafts: a domain that can never be a real one (RFC 6761)
MSGID_DOMAIN = "xrewards-desk.invalid"

_LABELS: dict[str, tuple[str, str]] = {
    "acknowledge": ("Acknowledge receipt", "Eingangsbestätigung"),
    "objection_upheld": ("Objection upheld", "Einwendung stattgegeben"),
    "objection_upheld_pending": ("Objection upheld, awaiting a team lead's approval",
                                 "Einwendung stattgegeben, Freigabe der Teamleitung ausstehend"),
    "objection_rejected": ("Objection rejected", "Einwendung abgelehnt"),
    "objection_late": ("Objection late, notice deemed approved",
                       "Einwendung verspätet, Mitteilung gilt als genehmigt"),
    "goodwill_granted": ("Late objection, goodwill credit",
                         "Verspätete Einwendung, Gutschrift aus Kulanz"),
    "terms_objection": ("Objection to changed terms, participation ended",
                        "Widerspruch gegen geänderte Teilnahmebedingungen, Teilnahme beendet"),
    "closed": ("Account closed at the customer's request",
               "X-Konto auf Wunsch des Kunden geschlossen"),
    "balance": ("Balance", "Punktestand"),
    "order_pending": ("Points after payment and delivery",
                      "X-Points nach Zahlung und Lieferung"),
    "transfer_approved": ("Transfer approved", "Übertragung genehmigt"),
    "transfer_refused": ("Transfer refused", "Übertragung abgelehnt"),
}

#: what a notice was about (R24), as a reply names it: GLOSSARY.md's words
_NOTICE_KINDS: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.CREDIT: ("credit", "Gutschrift"),
    NoticeKind.EXPIRY: ("expiry", "Verfall"),
    NoticeKind.REVERSAL: ("reversal of a credit", "Stornierung der Gutschrift"),
    NoticeKind.VOID: ("void after abuse review", "nichtig nach Missbrauchsprüfung"),
    NoticeKind.TRANSFER: ("transfer", "Übertragung"),
    NoticeKind.FORFEIT: ("forfeited on termination", "verfallen bei Kündigung"),
}

#: every figure in plain words, for the agent who has to supply it
_FIGURE_WORDS: dict[str, tuple[str, str]] = {
    "name": ("the customer's name", "der Name des Kunden"),
    "agent": ("the name of the agent signing the reply",
              "der Name der Person, die die Antwort unterschreibt"),
    "received": ("the date the customer's message was received",
                 "das Eingangsdatum der Nachricht des Kunden"),
    "notice_sent": ("the date the notice was sent", "das Versanddatum der Mitteilung"),
    "notice_kind": ("what the notice was about (credit, expiry …)",
                    "die Art der Mitteilung (Gutschrift, Verfall …)"),
    "notice_points": ("the points the notice stated", "die X-Points der Mitteilung"),
    "deadline": ("the deadline for objections to the notice",
                 "die Frist für Einwendungen gegen die Mitteilung"),
    "points": ("the points credited", "die gutgeschriebenen X-Points"),
    "balance": ("the account's balance", "der Punktestand des X-Kontos"),
    "reason": ("the reason for the decision", "die Begründung der Entscheidung"),
    "change_sent": ("the date the notice of changed terms was sent",
                    "das Versanddatum der Änderungsmitteilung"),
    "today": ("the date the balance is stated for", "der Stichtag des Punktestands"),
    "expiring_points": ("the points that expire next", "die als Nächstes verfallenden X-Points"),
    "next_expiry": ("the last day the expiring points can be used",
                    "der letzte Gültigkeitstag der verfallenden X-Points"),
    "order": ("the order number", "die Bestellnummer"),
    "order_placed": ("the date the order was placed", "das Bestelldatum"),
    "missing": ("what the order still waits for (payment, delivery)",
                "worauf die Bestellung noch wartet (Zahlung, Lieferung)"),
    "pending_points": ("the points the order would earn on completion",
                       "die ausstehenden X-Points der Bestellung"),
    "tier": ("the customer's tier", "die Status-Stufe des Kunden"),
    "rate": ("the points per euro of the tier", "die X-Points je Euro der Status-Stufe"),
    "source": ("the X-account the points leave", "das abgebende X-Konto"),
    "target": ("the X-account the points go to", "das empfangende X-Konto"),
}

#: R7's tiers as a reply names them: GLOSSARY.md's words
_TIERS: dict[Tier, tuple[str, str]] = {
    Tier.BRONZE: ("bronze", "Bronze"),
    Tier.SILVER: ("silver", "Silber"),
    Tier.GOLD: ("gold", "Gold"),
}

#: what an open order waits for (R4), as a reply names it
_MISSING: dict[str, tuple[str, str]] = {
    "payment": ("the payment", "die Zahlung"),
    "delivery": ("the delivery", "die Lieferung"),
}

#: placeholders of a template that are left out, with the line that holds them, when the
#: first of them has no figure (None or 0): the balance's expiry sentence
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "balance": ("expiring_points", "next_expiry"),
}

class MissingFigure(ValueError):
    """A template names a figure the case did not supply.

    ``template`` and ``figure`` are the names; the message says in the figures' language
    what is missing, in plain words."""

    def __init__(self, template: str, figure: str, language: str = "en") -> None:
        self.template = template
        self.figure = figure
        german = _language(language) == "de"
        words = _FIGURE_WORDS.get(figure, (figure, figure))[1 if german else 0]
        if german:
            text = f"Für die Antwort „{label(template, 'de')}“ fehlt eine Angabe: {words}."
        else:
            text = f"The reply “{label(template, 'en')}” is missing a figure: {words}."
        super().__init__(text)


class InconsistentFigures(ValueError):
    """The figures contradict what the template states (R25, R26, R28)."""


@dataclass(frozen=True)
class Figures:
    """The facts of a case a reply states. Instants must carry a time zone; they are
    stated as their Berlin calendar date.

    ``deadline`` is the last Berlin date an objection to the notice was in time (R25,
    :func:`~xrewards_desk.domain.calendar.objection_deadline`); ``next_expiry`` is the last
    day the ``expiring_points`` can be used (R9: they expire at the start of the next day).
    """

    name: str
    language: str
    agent: str
    received: datetime | None
    notice_sent: datetime | None
    notice_kind: str | None
    notice_points: int | None
    deadline: date | None
    points: int | None
    balance: int | None
    reason: str = ""
    change_sent: datetime | None = None
    today: date | None = None
    expiring_points: int | None = None
    next_expiry: date | None = None
    #: R26: whether the adjustment upholding the objection waits for a team lead (the
    #: request's own state: by its size together with the account's other adjustments,
    #: so a reply never judges it by a limit of its own)
    awaiting_approval: bool | None = None
    #: an open order (R4): its number, when it was placed, what it waits for
    #: ("payment", "delivery"), and the engine's pending points at the tier held now and
    #: that tier's rate (R7, R8)
    order: str | None = None
    order_placed: datetime | None = None
    missing: tuple[str, ...] | None = None
    pending_points: int | None = None
    tier: str | None = None
    rate: int | None = None
    #: a transfer (R20, R21): the accounts the points leave and go to, as named to the
    #: customer ("Name (X-…)")
    source: str | None = None
    target: str | None = None


# --------------------------------------------------------------------------- formatting


def _language(language: str) -> str:
    code = language.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"no reply templates in language {language!r} (only de, en)")
    return code


def label(name: str, language: str) -> str:
    """The name of a template as a menu shows it, in German or English."""
    if name not in _LABELS:
        raise ValueError(f"unknown reply template {name!r}")
    en, de = _LABELS[name]
    return de if _language(language) == "de" else en


def format_points(value: int, language: str) -> str:
    """1.234 in German, 1,234 in English (a minus sign for a debt)."""
    return formatting.format_number(value, _language(language))


def format_day(day: date, language: str) -> str:
    """28.02.2025 in German, 28 Feb 2025 in English."""
    return formatting.format_day(day, _language(language))


def _day_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return require_aware(value).astimezone(BERLIN).date()
    return value


def notice_kind_words(kind: str, language: str) -> str:
    """A notice's kind (R24: credit, expiry …) as a reply names it."""
    try:
        member = NoticeKind(kind.strip().lower())
    except ValueError:
        raise ValueError(f"unknown notice kind {kind!r}") from None
    en, de = _NOTICE_KINDS[member]
    return de if _language(language) == "de" else en


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True, slots=True)
class _Template:
    subject: string.Template
    body: string.Template

    def identifiers(self) -> list[str]:
        return list(dict.fromkeys(self.subject.get_identifiers()
                                  + self.body.get_identifiers()))


def template_path(name: str, language: str) -> str:
    """Where a template's file is (for an error message or an editor)."""
    return str(resource("templates", "replies", _language(language), name + ".txt"))


def _load(name: str, language: str) -> _Template:
    if name not in TEMPLATES:
        raise ValueError(f"unknown reply template {name!r}")
    path = resource("templates", "replies", _language(language), name + ".txt")
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    head, blank, body = text.partition("\n\n")
    if not blank or "\n" in head or not head.startswith("Subject: "):
        raise ValueError(f"{path}: the first line must be 'Subject: ...', then a blank line")
    subject, content = string.Template(head[len("Subject: "):].strip()), string.Template(body)
    for part in (subject, content):
        if not part.is_valid():
            raise ValueError(f"{path}: a '$' that is not a placeholder (write '$$')")
    loaded = _Template(subject, content)
    unknown = [i for i in loaded.identifiers() if i not in _FIGURE_WORDS]
    if unknown:
        raise ValueError(f"{path}: unknown placeholders {', '.join(unknown)}")
    return loaded


def placeholders(name: str, language: str) -> frozenset[str]:
    """The figures a template's file names, subject and body."""
    return frozenset(_load(name, language).identifiers())


def _absent(value: object) -> bool:
    return value is None or (isinstance(value, (str, tuple)) and not (
        value.strip() if isinstance(value, str) else value))


def tier_words(tier: str, language: str) -> str:
    """A tier (R7) as a reply names it: silver / Silber."""
    try:
        member = Tier(tier.strip().lower())
    except ValueError:
        raise ValueError(f"unknown tier {tier!r}") from None
    en, de = _TIERS[member]
    return de if _language(language) == "de" else en


def missing_words(missing: Sequence[str], language: str) -> str:
    """What an open order waits for (R4) in words: "the payment and the delivery"."""
    german = _language(language) == "de"
    parts = []
    for what in missing:
        if what not in _MISSING:
            raise ValueError(f"an order cannot wait for {what!r} (only payment, delivery)")
        parts.append(_MISSING[what][1 if german else 0])
    return (" und " if german else " and ").join(parts)


def _values(name: str, needed: Sequence[str], figures: Figures) -> dict[str, str]:
    lang = _language(figures.language)
    out: dict[str, str] = {}
    for figure in needed:
        value = getattr(figures, figure)
        if _absent(value):
            raise MissingFigure(name, figure, lang)
        if isinstance(value, (date, datetime)):
            out[figure] = format_day(_day_of(value), lang)
        elif isinstance(value, bool):  # never a figure; keeps it from reading as 1
            raise TypeError(f"{figure} must not be a bool")
        elif isinstance(value, int):
            out[figure] = format_points(value, lang)
        elif figure == "notice_kind":
            out[figure] = notice_kind_words(str(value), lang)
        elif figure == "tier":
            out[figure] = tier_words(str(value), lang)
        elif figure == "missing":
            out[figure] = missing_words(tuple(value), lang)
        else:
            out[figure] = " ".join(str(value).split())  # one line, no stray breaks
    return out


#: the decision on an objection each reply answers
_DECISIONS: dict[str, ObjectionStatus] = {
    "objection_upheld": ObjectionStatus.UPHELD,
    "objection_upheld_pending": ObjectionStatus.UPHELD,
    "objection_rejected": ObjectionStatus.REJECTED,
    "objection_late": ObjectionStatus.LATE,
    "goodwill_granted": ObjectionStatus.GOODWILL,
}


def _check(name: str, used: frozenset[str], figures: Figures) -> None:
    """Refuse figures that contradict what the template states."""
    received, sent = figures.received, figures.notice_sent
    if "deadline" in used and sent is not None and figures.deadline is not None:
        expected = objection_deadline(sent)
        if figures.deadline != expected:
            raise InconsistentFigures(
                f"the deadline {figures.deadline.isoformat()} is not the notice's "
                f"(R25: {expected.isoformat()} for a notice sent {_day_of(sent).isoformat()})")
    decision = _DECISIONS.get(name)
    if decision is not None and received is not None and sent is not None:
        if require_aware(received) < require_aware(sent):
            raise InconsistentFigures("the objection was received before the notice was sent")
        # R25: the decisions that may follow an objection in time, or a late one (the
        # domain's workflow)
        in_time = objection_in_time(sent, received)
        if decision not in objection_decisions(in_time):
            if in_time:
                raise InconsistentFigures(
                    f"the objection was in time (R25): {name} is for a late one")
            raise InconsistentFigures(
                "the objection was late (R25): answer it as late, or grant it as goodwill")
    if name == "terms_objection" and received is not None and figures.change_sent is not None:
        until = end_of_day_exclusive(terms_objection_deadline(figures.change_sent))
        if not figures.change_sent <= received < until:
            raise InconsistentFigures(
                "the objection to changed terms was not received within one month of the "
                "notice of change (R28): it does not end the participation")
    if "points" in used and figures.points is not None and figures.points <= 0:
        raise InconsistentFigures("the points credited must be more than 0")
    if name == "objection_upheld_pending" and figures.awaiting_approval is not True:
        raise InconsistentFigures(
            "the adjustment does not wait for a team lead's approval (R26): answer it as "
            "upheld")
    if name == "objection_upheld" and figures.awaiting_approval is True:
        raise InconsistentFigures(
            "the adjustment waits for a team lead's approval (R26): nothing is credited "
            "yet, answer it as upheld and awaiting approval")
    if "pending_points" in used and figures.pending_points is not None \
            and figures.pending_points <= 0:
        raise InconsistentFigures("the order would earn no points: there are no pending "
                                  "points to state")
    if "rate" in used and figures.tier is not None and figures.rate is not None \
            and RATE.get(Tier(figures.tier)) != figures.rate:
        raise InconsistentFigures(
            f"the rate {figures.rate} is not the {figures.tier} tier's (R7)")
    if ("next_expiry" in used and figures.next_expiry is not None
            and figures.today is not None and figures.next_expiry < figures.today):
        raise InconsistentFigures("the next expiry lies before the date of the balance")


def render(name: str, figures: Figures) -> tuple[str, str]:
    """A template filled with the figures: (subject, body).

    Raises :class:`MissingFigure` when the template names a figure that is None (or an
    empty text), :class:`InconsistentFigures` when the figures contradict it, and
    ``ValueError`` for an unknown template, language or notice kind."""
    lang = _language(figures.language)
    template = _load(name, lang)
    body = template.body.template
    optional = _OPTIONAL.get(name, ())
    if optional and getattr(figures, optional[0]) in (None, 0):
        marks = tuple(f"${{{p}}}" for p in optional) + tuple(f"${p}" for p in optional)
        lines = [ln for ln in body.split("\n") if not any(m in ln for m in marks)]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    filled = _Template(template.subject, string.Template(body))
    used = filled.identifiers()
    values = _values(name, used, figures)
    _check(name, frozenset(used), figures)
    subject = " ".join(filled.subject.substitute(values).split())
    return subject, filled.body.substitute(values).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- drafts

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def reply_subject(subject: str) -> str:
    """"Re: " once before the original subject, whatever chain of Re:/AW: it had."""
    rest = _REPLY_PREFIX.sub("", " ".join(subject.split()))
    return f"Re: {rest}" if rest else "Re:"


def _msgid(value: str) -> str:
    text = "".join(value.split())
    if not text:
        raise ValueError("an empty message id")
    if not (text.startswith("<") and text.endswith(">")):
        text = f"<{text.strip('<>')}>"
    return text


def draft(*, sender: str, to: str, subject: str, body: str, in_reply_to: str | None,
          references: Sequence[str], at: datetime) -> tuple[bytes, str]:
    """An unsent reply as RFC 5322 bytes, and its Message-ID (in angle brackets).

    ``subject`` is the subject being answered or the rendered one: it gets "Re: " once.
    ``references`` is the thread so far, oldest first; ``in_reply_to`` (the message
    answered) is added at its end when missing (RFC 5322 3.6.4). Ids may come with or
    without angle brackets. ``at`` must carry a time zone."""
    message_id = email.utils.make_msgid(domain=MSGID_DOMAIN)
    chain = [_msgid(r) for r in references if r.strip()]
    parent = _msgid(in_reply_to) if in_reply_to and in_reply_to.strip() else None
    if parent is not None and parent not in chain:
        chain.append(parent)
    msg = EmailMessage(policy=default)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = reply_subject(subject)
    msg["Date"] = email.utils.format_datetime(require_aware(at))
    msg["Message-ID"] = message_id
    if parent is not None:
        msg["In-Reply-To"] = parent
    if chain:
        msg["References"] = " ".join(dict.fromkeys(chain))
    msg["X-Unsent"] = "1"
    msg.set_content(body, charset="utf-8")
    return msg.as_bytes(policy=default), message_id


__all__ = [
    "LANGUAGES", "MSGID_DOMAIN", "TEMPLATES", "Figures",
    "InconsistentFigures", "MissingFigure", "draft", "format_day", "format_points", "label",
    "missing_words", "notice_kind_words", "placeholders", "render", "reply_subject",
    "template_path", "tier_words",
]
