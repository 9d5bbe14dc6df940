"""Refusals: one code from RULES.md (or the application's own) and a sentence to read out.

Every refused action raises :class:`Refusal` before anything is written, so a refused
action changes nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Code(StrEnum):
    # RULES.md, "Error codes"
    INSUFFICIENT_POINTS = "insufficient_points"
    EXCEEDS_ORDER_VALUE = "exceeds_order_value"
    ACCOUNT_NOT_ACTIVE = "account_not_active"
    NOT_SAME_ORGANISATION = "not_same_organisation"
    DIFFERENT_BILLING_ACCOUNT = "different_billing_account"
    SAME_ACCOUNT = "same_account"
    EVIDENCE_REQUIRED = "evidence_required"
    JUSTIFICATION_REQUIRED = "justification_required"
    FOUR_EYES = "four_eyes"
    NOT_TEAM_LEAD = "not_team_lead"
    ABUSE_CASE_OPEN = "abuse_case_open"
    OBJECTION_LATE = "objection_late"
    DISCOUNT_UNAVAILABLE = "discount_unavailable"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_ORDER = "unknown_order"
    INVALID_AMOUNT = "invalid_amount"
    FORBIDDEN = "forbidden"
    # recorded on a registration that is kept (R17), never raised
    REFERRER_NOT_ELIGIBLE = "referrer_not_eligible"
    # the application's own: not rules of the program
    ALREADY_EXISTS = "already_exists"
    INVALID_STATE = "invalid_state"
    UNKNOWN_CASE = "unknown_case"
    MALFORMED = "malformed"


RULE_CODES = frozenset(
    c for c in Code if c not in {Code.ALREADY_EXISTS, Code.INVALID_STATE, Code.UNKNOWN_CASE,
                                 Code.MALFORMED}
)

# (English, German) templates; fields are filled from the refusal's details.
_MESSAGES: dict[Code, tuple[str, str]] = {
    Code.INSUFFICIENT_POINTS: (
        "Account {account} has a balance of {balance} points, so {points} points cannot be"
        " taken from it.",
        "Das X-Konto {account} hat ein Guthaben von {balance} X-Points; {points} X-Points"
        " können nicht abgebucht werden.",
    ),
    Code.EXCEEDS_ORDER_VALUE: (
        "Points pay at most the order's net value: {limit} points for {net} EUR, not {points}.",
        "X-Points decken höchstens den Nettowert der Bestellung: {limit} X-Points für {net} EUR,"
        " nicht {points}.",
    ),
    Code.ACCOUNT_NOT_ACTIVE: (
        "Account {account} is {status}; it cannot {what}.",
        "Das X-Konto {account} ist {status_de}; es kann nicht {what_de}.",
    ),
    Code.NOT_SAME_ORGANISATION: (
        "Points move only within one organisation: {source} belongs to {source_org},"
        " {target} to {target_org}.",
        "X-Points können nur innerhalb einer Organisation übertragen werden: {source} gehört"
        " zu {source_org}, {target} zu {target_org}.",
    ),
    Code.DIFFERENT_BILLING_ACCOUNT: (
        "Points move only within one billing account: {source} is billed to {source_billing},"
        " {target} to {target_billing}.",
        "X-Points können nur innerhalb eines Rechnungskontos übertragen werden: {source} gehört"
        " zu {source_billing}, {target} zu {target_billing}.",
    ),
    Code.SAME_ACCOUNT: (
        "The source and the target of a transfer must be two different accounts.",
        "Quelle und Ziel einer Übertragung müssen zwei verschiedene X-Konten sein.",
    ),
    Code.EVIDENCE_REQUIRED: (
        "A transfer for the reason '{reason}' needs at least one piece of evidence.",
        "Eine Übertragung aus dem Grund '{reason}' braucht mindestens einen Nachweis.",
    ),
    Code.JUSTIFICATION_REQUIRED: (
        "A transfer for another reason needs a written justification.",
        "Eine Übertragung aus sonstigem Grund braucht eine schriftliche Begründung.",
    ),
    Code.FOUR_EYES: (
        "{person} asked for this and cannot also approve it; another team lead must.",
        "{person} hat dies beantragt und kann es nicht selbst genehmigen; eine andere"
        " Teamleitung muss es tun.",
    ),
    Code.NOT_TEAM_LEAD: (
        "This needs the approval of a team lead; {person} is not one.",
        "Dies braucht die Genehmigung einer Teamleitung; {person} ist keine.",
    ),
    Code.ABUSE_CASE_OPEN: (
        "Account {account} is under an open abuse review; no points move until compliance"
        " decides.",
        "Für das X-Konto {account} läuft eine Missbrauchsprüfung; bis Compliance entscheidet,"
        " werden keine X-Points übertragen.",
    ),
    Code.OBJECTION_LATE: (
        "The objection is late: the deadline was {deadline}, it was received on {received}."
        " The notice counts as approved.",
        "Die Einwendung ist verspätet: die Frist endete am {deadline}, eingegangen ist sie am"
        " {received}. Die Mitteilung gilt als genehmigt.",
    ),
    Code.DISCOUNT_UNAVAILABLE: (
        "Account {account} has no discount code it can use on this order ({why}).",
        "Das X-Konto {account} hat keinen Rabatt-Code, der für diese Bestellung gilt ({why_de}).",
    ),
    Code.UNKNOWN_ACCOUNT: (
        "There is no account {account}.",
        "Es gibt kein X-Konto {account}.",
    ),
    Code.UNKNOWN_ORDER: (
        "There is no order {order}.",
        "Es gibt keine Bestellung {order}.",
    ),
    Code.INVALID_AMOUNT: (
        "The amount is not valid: {why}.",
        "Der Betrag ist ungültig: {why_de}.",
    ),
    Code.FORBIDDEN: (
        "{person} ({role}) may not {what}.",
        "{person} ({role}) darf nicht {what_de}.",
    ),
    Code.REFERRER_NOT_ELIGIBLE: (
        "Account {referrer} cannot refer yet (its first order has not completed, or it is not"
        " active): the registration is kept, without discount or bonus.",
        "Das X-Konto {referrer} kann noch nicht empfehlen (erste Bestellung nicht abgeschlossen"
        " oder Konto nicht aktiv): die Registrierung bleibt, ohne Rabatt und Bonus.",
    ),
    Code.ALREADY_EXISTS: (
        "{what} already exists.",
        "{what_de} existiert bereits.",
    ),
    Code.INVALID_STATE: (
        "This cannot be done now: {why}.",
        "Das ist jetzt nicht möglich: {why_de}.",
    ),
    Code.UNKNOWN_CASE: (
        "There is no open abuse case {case}.",
        "Es gibt keinen offenen Missbrauchsfall {case}.",
    ),
    Code.MALFORMED: (
        "The request is malformed: {why}.",
        "Die Anfrage ist fehlerhaft: {why_de}.",
    ),
}

STATUS_DE = {
    "active": "aktiv",
    "closed": "geschlossen",
    "terminated": "gekündigt",
    "terminated_for_cause": "aus wichtigem Grund gekündigt",
}


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        # A German field falls back to its English one, anything else to a placeholder.
        if key.endswith("_de") and key[:-3] in self:
            return str(self[key[:-3]])
        return "?"


class Refusal(Exception):
    """An action the rules refuse. Nothing was written."""

    def __init__(self, code: Code, **details: Any) -> None:
        self.code = code
        self.details = details
        fields = _Defaulting(details)
        if "status" in details and "status_de" not in details:
            fields["status_de"] = STATUS_DE.get(str(details["status"]), str(details["status"]))
        en, de = _MESSAGES[code]
        self.message_en = en.format_map(fields)
        self.message_de = de.format_map(fields)
        super().__init__(f"{code.value}: {self.message_en}")

    def message(self, language: str = "en") -> str:
        return self.message_de if language.startswith("de") else self.message_en
