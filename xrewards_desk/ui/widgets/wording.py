"""The server's codes in the UI's language: what the audit log records (its action
codes), the staff's roles (R27), the signs of a self-referral the server scores (R22), and
the reasons of claims the engine writes (R22). The server sends codes and values; the
desktop words them here, translated with Qt (context "Wording").

A code the table does not know yet is still shown readably: its words with spaces
("new_action" → "new action"). Signals and claim reasons come from the server as English
sentences with their values in them (``abuse_signals.score``, the engine's claims): each
known form is read back into its values and worded again; a sentence of an unknown form
is shown as the server wrote it."""

from __future__ import annotations

import re
from collections.abc import Callable

from xrewards_desk.domain.model import Role
from xrewards_desk.domain.permissions import role_of
from xrewards_desk.ui.qt import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "Wording"


def _t(text: object) -> str:
    """`text` (marked with QT_TRANSLATE_NOOP("Wording", …)) in the UI's language."""
    return QCoreApplication.translate(CONTEXT, str(text))


def readable(code: str) -> str:
    """An unknown code in words: "set_claim_state" → "set claim state"."""
    return " ".join(code.replace("_", " ").split())


# --------------------------------------------------------------------------- audit actions

#: every action the audit log records: the commands and the shop's events (their `type`),
#: uploads of evidence, and the demo's marker record (server/demo.py MARKER)
ACTIONS: dict[str, object] = {
    "answer_objection_late": QT_TRANSLATE_NOOP("Wording", "Answer an objection as late"),
    "approve_adjustment": QT_TRANSLATE_NOOP("Wording", "Approve an adjustment"),
    "approve_transfer": QT_TRANSLATE_NOOP("Wording", "Approve a transfer"),
    "assign_mail_case": QT_TRANSLATE_NOOP("Wording", "Assign a case"),
    "close_account": QT_TRANSLATE_NOOP("Wording", "Close an account"),
    "confirm_self_referral": QT_TRANSLATE_NOOP("Wording", "Confirm a self-referral"),
    "create_mail_case": QT_TRANSLATE_NOOP("Wording", "File an e-mail as a case"),
    "dismiss_abuse_case": QT_TRANSLATE_NOOP("Wording", "Dismiss an abuse case"),
    "end_program": QT_TRANSLATE_NOOP("Wording", "End the program"),
    "grant_goodwill": QT_TRANSLATE_NOOP("Wording", "Grant goodwill"),
    "link_mail_case": QT_TRANSLATE_NOOP("Wording", "Link a case to a customer"),
    "note_mail_case": QT_TRANSLATE_NOOP("Wording", "Add a note to a case"),
    "note_customer": QT_TRANSLATE_NOOP("Wording", "Add a note to a customer"),
    "queue_reply": QT_TRANSLATE_NOOP("Wording", "Queue a reply for the mail gateway"),
    "set_reply_state": QT_TRANSLATE_NOOP("Wording", "Mail gateway: a reply's sending state"),
    "resolve_reply": QT_TRANSLATE_NOOP("Wording", "Decide a reply that may have been sent"),
    "report_gateway_state": QT_TRANSLATE_NOOP("Wording", "Mail gateway: its state reported"),
    "object_to_terms": QT_TRANSLATE_NOOP("Wording", "Record an objection to changed terms"),
    "open_abuse_case": QT_TRANSLATE_NOOP("Wording", "Open an abuse case"),
    "order_cancelled": QT_TRANSLATE_NOOP("Wording", "Order cancelled (shop)"),
    "order_delivered": QT_TRANSLATE_NOOP("Wording", "Order delivered (shop)"),
    "order_paid": QT_TRANSLATE_NOOP("Wording", "Order paid (shop)"),
    "order_placed": QT_TRANSLATE_NOOP("Wording", "Order placed (shop)"),
    "record_objection": QT_TRANSLATE_NOOP("Wording", "Record an objection"),
    "record_reply_sent": QT_TRANSLATE_NOOP("Wording", "Record a reply's sending"),
    "register": QT_TRANSLATE_NOOP("Wording", "Registration (shop)"),
    "reject_adjustment": QT_TRANSLATE_NOOP("Wording", "Reject an adjustment"),
    "reject_objection": QT_TRANSLATE_NOOP("Wording", "Reject an objection"),
    "reject_transfer": QT_TRANSLATE_NOOP("Wording", "Reject a transfer"),
    "report_suspicion": QT_TRANSLATE_NOOP("Wording", "Report suspected abuse"),
    "request_adjustment": QT_TRANSLATE_NOOP("Wording", "Request an adjustment"),
    "request_transfer": QT_TRANSLATE_NOOP("Wording", "Request a transfer"),
    "set_claim_state": QT_TRANSLATE_NOOP("Wording", "Change a claim's state"),
    "set_mail_case_status": QT_TRANSLATE_NOOP("Wording", "Change a case's status"),
    "set_mail_receipt": QT_TRANSLATE_NOOP("Wording", "Enter a mail's receipt time"),
    "terminate_account": QT_TRANSLATE_NOOP("Wording", "Terminate with notice"),
    "terminate_for_cause": QT_TRANSLATE_NOOP("Wording", "Terminate for cause"),
    "uphold_objection": QT_TRANSLATE_NOOP("Wording", "Uphold an objection"),
    "upload_evidence": QT_TRANSLATE_NOOP("Wording", "Upload evidence"),
    "demo_built": QT_TRANSLATE_NOOP("Wording", "Demo data built"),
}


def action_name(code: str) -> str:
    """An audit record's action in the UI's language; an unknown code in its words."""
    text = ACTIONS.get(code)
    return _t(text) if text is not None else readable(code)


# --------------------------------------------------------------------------- roles

#: every role of the program (R27, domain/permissions.py), as the desk names it; German
#: per GLOSSARY.md
ROLES: dict[Role, object] = {
    Role.AGENT: QT_TRANSLATE_NOOP("Wording", "Support agent"),
    Role.TEAM_LEAD: QT_TRANSLATE_NOOP("Wording", "Team lead"),
    Role.COMPLIANCE: QT_TRANSLATE_NOOP("Wording", "Compliance"),
    Role.SERVICE: QT_TRANSLATE_NOOP("Wording", "Service"),
    Role.MAIL_GATEWAY: QT_TRANSLATE_NOOP("Wording", "Mail gateway"),
}


def role_name(role: Role | str | None) -> str:
    """A role ("team_lead") in the UI's language; one the program lacks as given, none
    as ""."""
    known = role_of(role)
    return _t(ROLES[known]) if known is not None else str(role or "")


# --------------------------------------------------------------------------- signals

Words = Callable[[re.Match[str]], str]

_SAID = r"invitee e-mail (?P<invitee>\S+) is referrer's (?P<referrer>\S+)"


def _fill(text: object, *keys: str) -> Words:
    """Words from a marked text with %1, %2 … filled from the match's groups `keys`."""
    def words(m: re.Match[str]) -> str:
        out = _t(text)
        for i, key in enumerate(keys, 1):
            out = out.replace(f"%{i}", m[key])
        return out
    return words


def _payment(m: re.Match[str]) -> str:
    text = _t(PAID).replace("%1", m["payment"])
    more = int(m["more"]) if m["more"] else 0
    if more:
        text += " " + QCoreApplication.translate("Wording", "(And %Ln more in common.)", "",
                                                 more)
    return text


PAID = QT_TRANSLATE_NOOP("Wording", "The invitee paid with payment fingerprint %1, as the "
                                    "referrer did.")

#: kind → (the server's sentence, read back; its words in the UI's language)
SIGNALS: dict[str, tuple[re.Pattern[str], Words]] = {
    "same_email": (
        re.compile(r"invitee and referrer both registered with the e-mail (?P<email>\S+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee and the referrer both registered "
                                           "with the e-mail %1."), "email")),
    "email_plus": (
        re.compile(_SAID + r" with a \+tag"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's e-mail %1 is the referrer's %2 "
                                           "with a +tag."), "invitee", "referrer")),
    "email_dots": (
        re.compile(_SAID + r" with its dots moved"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's e-mail %1 is the referrer's %2 "
                                           "with its dots moved."), "invitee", "referrer")),
    "email_lookalike": (
        re.compile(_SAID + r" with look-alike letters"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's e-mail %1 is the referrer's %2 "
                                           "with look-alike letters."),
              "invitee", "referrer")),
    "email_other_domain": (
        re.compile(_SAID + r" at another domain"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's e-mail %1 is the referrer's %2 "
                                           "at another domain."), "invitee", "referrer")),
    "first_order_placed_by_referrer": (
        re.compile(r"invitee's first order (?P<order>\S+) was placed by the referrer "
                   r"(?P<referrer>\S+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's first order %1 was placed by the "
                                           "referrer %2."), "order", "referrer")),
    "first_order_paid_by_referrer": (
        re.compile(r"invitee's first order (?P<order>\S+) was paid by the referrer "
                   r"(?P<referrer>\S+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's first order %1 was paid by the "
                                           "referrer %2."), "order", "referrer")),
    "same_device": (
        re.compile(r"invitee signed up on device (?P<device>.+), as the referrer did"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee signed up on device %1, as the "
                                           "referrer did."), "device")),
    "same_payment": (
        re.compile(r"invitee paid with payment fingerprint (?P<payment>\S+), which the "
                   r"referrer paid with too(?: \(and (?P<more>\d+) more\))?"),
        _payment),
    "same_address": (
        re.compile(r"invitee delivery address (?P<invitee>.+?) is referrer's "
                   r"(?P<referrer>.+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's delivery address %1 is the "
                                           "referrer's %2."), "invitee", "referrer")),
    "same_name": (
        re.compile(r"invitee name (?P<invitee>.+?) is referrer's (?P<referrer>.+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's name %1 is the referrer's %2."),
              "invitee", "referrer")),
    "same_phone": (
        re.compile(r"invitee phone (?P<invitee>.+?) is referrer's (?P<referrer>.+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's phone %1 is the referrer's %2."),
              "invitee", "referrer")),
    "same_ip": (
        re.compile(r"invitee signed up from IP (?P<invitee>\S+), as the referrer did "
                   r"\((?P<referrer>[^)]*)\)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee signed up from IP %1, as the "
                                           "referrer did (%2)."), "invitee", "referrer")),
    "same_billing_account": (
        re.compile(r"invitee's billing account (?P<invitee>\S+) is referrer's "
                   r"(?P<referrer>\S+), though invitee is in organisation (?P<io>\S+) and "
                   r"referrer in (?P<ro>\S+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "The invitee's billing account %1 is the "
                                           "referrer's %2, though the invitee is in "
                                           "organisation %3 and the referrer in %4."),
              "invitee", "referrer", "io", "ro")),
}


def signal_sentence(kind: str, evidence: str) -> str:
    """A signal's evidence in the UI's language, with the values the server named; a
    sentence of a form not known here as the server wrote it."""
    known = SIGNALS.get(kind)
    found = known[0].fullmatch(evidence.strip()) if known is not None else None
    if known is None or found is None:
        return evidence
    return known[1](found)


# --------------------------------------------------------------------------- claim reasons


def _bonus_redeemed(m: re.Match[str]) -> str:
    return QCoreApplication.translate("Wording", "Referral bonus redeemed: %Ln point(s)", "",
                                      int(m["points"]))


def _void_refunded(m: re.Match[str]) -> str:
    return QCoreApplication.translate(
        "Wording", "Redeemed points of a voided lot refunded: %Ln point(s)", "",
        int(m["points"]))


#: the reasons the engine gives its claims (domain/engine.py `_claim`), read back
CLAIM_REASONS: dict[str, tuple[re.Pattern[str], Words]] = {
    "bonus_redeemed": (
        re.compile(r"referral bonus redeemed: (?P<points>\d+) points"), _bonus_redeemed),
    "discount_used": (
        re.compile(r"discount used on order (?P<order>\S+)"),
        _fill(QT_TRANSLATE_NOOP("Wording", "Discount code used on order %1"), "order")),
    "discount_no_longer_owed": (
        re.compile(r"discount of cancelled order (?P<order>\S+) no longer owed"),
        _fill(QT_TRANSLATE_NOOP("Wording", "Discount of the cancelled order %1 no longer "
                                           "owed"), "order")),
    "void_refunded": (
        re.compile(r"redeemed points of a voided lot refunded: (?P<points>\d+) points"),
        _void_refunded),
}


def claim_reason(reason: str) -> str:
    """A claim's reason in the UI's language; one of a form not known here as given."""
    for pattern, words in CLAIM_REASONS.values():
        found = pattern.fullmatch(reason.strip())
        if found is not None:
            return words(found)
    return reason
