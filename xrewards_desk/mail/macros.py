"""Macros (issue 19 item 5): a reply template, a decision and a status applied to a case
in one step, after a preview of all three (Zendesk's macros; GLOSSARY.md: "Textbaustein
mit Aktion"). No Qt: the definitions, who may apply each (R27, the domain's matrix),
when each applies to a case, and the plan it makes there (the reply's template and real
figures, the decision's command, the status after), which the desktop's dialog
(``ui/cases/macros.py``) previews and queues, decision first.

The figures are the case's own: the order the case names (``XO-…`` in its subject or
mails) or one of the customer's open orders with the engine's pending points
(:func:`~xrewards_desk.store.read.orders.pending_points`, R4, R7, R8); the objection's
notice, deadline and points (R25, R26); the transfer request of the case (R20, R21).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from xrewards_desk.contract import commands as c
from xrewards_desk.contract.records import MailCaseStatusName
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.model import Actor
from xrewards_desk.domain.permissions import may
from xrewards_desk.mail.replies import Figures, format_day, format_points
from xrewards_desk.store.read.cases import CaseDetail, ObjectionInfo
from xrewards_desk.store.read.customers import customer_page
from xrewards_desk.store.read.objections import NoticeFacts, notice_facts
from xrewards_desk.store.read.orders import OrderInfo, customer_orders
from xrewards_desk.store.read.transfers import (
    TransferCheck,
    TransferInfo,
    approval_check,
    transfer_requests,
)

ORDER_PENDING = "order_pending"
OBJECTION_UPHELD = "objection_upheld"
OBJECTION_LATE = "objection_late"
TRANSFER_APPROVED = "transfer_approved"
TRANSFER_REFUSED = "transfer_refused"

#: what a macro is about: an open order, an objection to a notice, a transfer request
Concerns = Literal["order", "objection", "transfer"]


@dataclass(frozen=True, slots=True)
class Macro:
    """One macro: its name, the reply template, the decision's command (None: a reply
    only), the case's status after it, and what it is about."""

    name: str
    label_en: str
    label_de: str
    template: str
    decision: str | None
    status: MailCaseStatusName
    concerns: Concerns

    def label(self, language: str) -> str:
        return self.label_de if language.startswith("de") else self.label_en

    @property
    def commands(self) -> tuple[str, ...]:
        """Every command it queues (R27 must allow each): the decision, the reply, the
        status."""
        return (*((self.decision,) if self.decision else ()), "queue_reply",
                "set_mail_case_status")


#: the macros that ship, in the order a menu shows them
MACROS: tuple[Macro, ...] = (
    Macro(ORDER_PENDING, "Points come after payment and delivery",
          "X-Points kommen nach Zahlung und Lieferung", "order_pending", None, "waiting",
          "order"),
    Macro(OBJECTION_UPHELD, "Objection in time, upheld",
          "Einwendung fristgerecht, stattgegeben", "objection_upheld", "uphold_objection",
          "closed", "objection"),
    Macro(OBJECTION_LATE, "Objection late", "Einwendung verspätet", "objection_late",
          "answer_objection_late", "closed", "objection"),
    Macro(TRANSFER_APPROVED, "Transfer approved", "Übertragung genehmigt",
          "transfer_approved", "approve_transfer", "closed", "transfer"),
    Macro(TRANSFER_REFUSED, "Transfer refused", "Übertragung abgelehnt",
          "transfer_refused", "reject_transfer", "closed", "transfer"),
)

BY_NAME: dict[str, Macro] = {x.name: x for x in MACROS}


def _say(language: str, en: str, de: str) -> str:
    return de if language.startswith("de") else en


def why_not_allowed(macro: Macro, role: str | None, language: str) -> str:
    """R27: "" where `role` may send every command of the macro; else the rule's sentence
    of the first it may not (for a disabled choice's tooltip)."""
    for command in macro.commands:
        permission = may(role, command)
        if not permission:
            return permission.text(language)
    return ""


# --------------------------------------------------------------------------- the facts

#: an order number as the shop writes it (XO-2025-003782)
ORDER_NUMBER = re.compile(r"\bXO-\d{4}-\d{3,}\b", re.IGNORECASE)


def order_numbers(detail: CaseDetail) -> list[str]:
    """The order numbers the case names: its subject first, then its mails in, newest
    first (each once, upper case)."""
    texts = [detail.subject]
    for mail in reversed([x for x in detail.mails if not x.outgoing]):
        texts += [mail.subject, mail.body]
    found = [hit.upper() for text in texts for hit in ORDER_NUMBER.findall(text or "")]
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the macros read beside the case (on the store lane): the customer's balance
    now and orders, the case's transfer requests with the engine's check of an approval
    by the person at the desk (R21), and the notice facts of each objection (R25)."""

    balance: int | None
    orders: tuple[OrderInfo, ...]
    transfers: tuple[TransferInfo, ...]
    checks: dict[int, TransferCheck]
    notices: dict[int, NoticeFacts]


def case_facts(s: Session, detail: CaseDetail, now: datetime,
               approver: Actor | None) -> CaseFacts:
    """Read in an open session (:meth:`~xrewards_desk.ui.shell.tasks.Tasks.query`)."""
    account = detail.account.id if detail.account is not None else None
    page = customer_page(s, account, now) if account is not None else None
    orders = customer_orders(s, account, now) if account is not None else None
    ids = [t.ref.id for t in detail.timeline if t.kind == "transfer"]
    transfers = transfer_requests(s, None, ids=ids) if ids else []
    checks = {x.id: approval_check(s, x, approver, now) for x in transfers
              if x.pending and approver is not None}
    notices = {o.id: facts for o in detail.objections
               if (facts := notice_facts(s, o.notice_id)) is not None}
    return CaseFacts(page.balance if page is not None else None, tuple(orders or ()),
                     tuple(transfers), checks, notices)


def open_orders(facts: CaseFacts) -> list[OrderInfo]:
    """The customer's orders that wait for payment or delivery and would earn points
    (R4, the engine's pending points), newest placed first."""
    return [o for o in facts.orders if o.state == "open" and o.pending is not None
            and o.pending.points > 0]


def candidates(macro: Macro, detail: CaseDetail, facts: CaseFacts) -> list[
        OrderInfo | ObjectionInfo | TransferInfo]:
    """What the macro can be applied to in this case, the likeliest first: the open
    order the case names, else the customer's open orders; the open objections to a
    notice in time (upheld) or late (late), none waiting for a team lead; the case's
    transfer requests waiting for a decision."""
    if macro.concerns == "order":
        orders = open_orders(facts)
        named = order_numbers(detail)
        return sorted(orders, key=lambda o: named.index(o.id) if o.id in named
                      else len(named))
    if macro.concerns == "objection":
        in_time = macro.name == OBJECTION_UPHELD
        return [o for o in detail.objections if o.open and o.kind == "notice"
                and o.in_time == in_time and o.pending_request is None]
    return [x for x in facts.transfers if x.pending]


def why_not_here(macro: Macro, detail: CaseDetail, facts: CaseFacts, language: str) -> str:
    """"" where the macro applies to the case; else why not, in `language`."""
    if detail.account is None:
        return _say(language, "Link the case to a customer first.",
                    "Verknüpfen Sie den Vorgang zuerst mit einem Kunden.")
    if macro.concerns == "objection" and detail.receipt_unknown is not None:
        return _say(language, "When a mail of this case was received is unknown: set its "
                    "receipt time first (R25 counts from it).",
                    "Wann eine Mail dieses Vorgangs eingegangen ist, ist unbekannt: zuerst "
                    "den Eingangszeitpunkt setzen (R25 rechnet ab ihm).")
    if candidates(macro, detail, facts):
        return ""
    if macro.concerns == "order":
        named = {o.id: o for o in facts.orders}
        done = next((named[n] for n in order_numbers(detail) if n in named), None)
        if done is not None and done.state == "completed":
            return _say(language, "Order {0} is complete ({1}): {2} points were credited "
                        "(R4).", "Die Bestellung {0} ist abgeschlossen ({1}): {2} X-Points "
                        "wurden gutgeschrieben (R4).").format(
                done.id, format_day(done.completed_at, language) if done.completed_at else
                "", format_points(done.credited, language))
        return _say(language, "The customer has no open order that would earn points (R4).",
                    "Der Kunde hat keine offene Bestellung, die X-Points brächte (R4).")
    if macro.name == OBJECTION_UPHELD:
        return _say(language, "No open objection to a notice in time in this case (R25).",
                    "Keine offene fristgerechte Einwendung in diesem Vorgang (R25).")
    if macro.name == OBJECTION_LATE:
        return _say(language, "No open late objection to a notice in this case (R25).",
                    "Keine offene verspätete Einwendung in diesem Vorgang (R25).")
    return _say(language, "No transfer request of this case waits for a decision (R21).",
                "Kein Übertragungsantrag dieses Vorgangs wartet auf eine Entscheidung (R21).")


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class Plan:
    """What a macro does to a case: the reply (template and figures), what builds the
    decision's command (None: none; building it may raise pydantic's ValidationError, a
    reason missing or too long), and the status after it (None: the case has it already).
    `awaiting_approval`: the uphold waits for a team lead (R26)."""

    macro: Macro
    template: str
    figures: Figures
    decision: Callable[[], c.Command] | None
    status: MailCaseStatusName | None
    awaiting_approval: bool = False


def _who(name: str, account: str) -> str:
    return f"{name} ({account})" if name and name != account else account


def plan(macro: Macro, detail: CaseDetail, facts: CaseFacts,
         chosen: OrderInfo | ObjectionInfo | TransferInfo, *, language: str, agent: str,
         now: datetime, reason: str = "") -> Plan:
    """The macro applied to `chosen` (one of :func:`candidates`), with the reply in
    `language` signed by `agent`. `reason`: the uphold's, the refusal's, or the late
    answer's note. A missing figure shows when the reply is rendered."""
    mail = detail.first_mail
    name = detail.account.name if detail.account is not None else (
        (mail.sender or "") if mail else "")
    received = mail.received_at if mail is not None else None
    status: MailCaseStatusName = macro.status
    base = Figures(name=name, language=language, agent=agent, received=received,
                   notice_sent=None, notice_kind=None, notice_points=None, deadline=None,
                   points=None, balance=facts.balance, reason=reason,
                   today=now.astimezone(BERLIN).date())
    decision: Callable[[], c.Command] | None = None
    template = macro.template
    awaiting = False
    if isinstance(chosen, OrderInfo):
        pending = chosen.pending
        figures = replace(base, order=chosen.id, order_placed=chosen.placed_at,
                          missing=chosen.missing,
                          pending_points=pending.points if pending else None,
                          tier=pending.tier.value if pending else None,
                          rate=pending.rate if pending else None)
    elif isinstance(chosen, ObjectionInfo):
        o = chosen
        points = abs(o.notice_points) if o.notice_points else None
        if macro.decision == "uphold_objection":
            # R26: by the account's unapproved adjustments of the last 720 hours
            awaiting = points is not None and o.approval(points, now).needs_approval
            if awaiting:
                template, status = "objection_upheld_pending", "waiting"
            credit = points or 0
            decision = lambda: c.UpholdObjection(  # noqa: E731
                type="uphold_objection", objection=o.id, version=o.version, points=credit,
                reason=reason)
        else:
            decision = lambda: c.AnswerObjectionLate(  # noqa: E731
                type="answer_objection_late", objection=o.id, version=o.version,
                reason=reason)
            points = None
        balance = facts.balance
        if points is not None and balance is not None and not awaiting:
            balance += points  # R25: the adjustment credits the points at once
        figures = replace(base, received=o.received_at, notice_sent=o.notice_sent_at,
                          notice_kind=o.notice_kind, notice_points=o.notice_points,
                          deadline=o.deadline, points=points, balance=balance,
                          awaiting_approval=awaiting)
    else:
        x = chosen
        if macro.decision == "reject_transfer":
            decision = lambda: c.DecideTransfer(  # noqa: E731
                type="reject_transfer", request=x.id, version=x.version, reason=reason)
        else:
            decision = lambda: c.DecideTransfer(  # noqa: E731
                type="approve_transfer", request=x.id, version=x.version, reason="")
        figures = replace(base, points=x.points, source=_who(x.source_name, x.source_id),
                          target=_who(x.target_name, x.target_id))
    return Plan(macro, template, figures, decision,
                status if status != detail.status else None, awaiting)


def needs_reason(macro: Macro) -> bool:
    """Whether the macro's decision states a reason the person must give (an uphold:
    R25; a refusal: the reply says why); a late answer's note is optional."""
    return macro.decision in ("uphold_objection", "reject_transfer")


__all__ = [
    "BY_NAME", "MACROS", "OBJECTION_LATE", "OBJECTION_UPHELD", "ORDER_NUMBER", "ORDER_PENDING",
    "TRANSFER_APPROVED", "TRANSFER_REFUSED", "CaseFacts", "Macro", "Plan", "candidates",
    "case_facts", "needs_reason", "open_orders", "order_numbers", "plan",
    "why_not_allowed", "why_not_here",
]
