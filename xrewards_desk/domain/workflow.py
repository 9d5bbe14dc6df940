"""Which step may follow which, once: claims (R22), objections (R25), adjustment and
transfer requests (R21, R26) and e-mail cases. The server refuses a step the workflow does
not allow; the desktop enables and explains its buttons with the same answers.

Each answer is a :class:`Step`: whether it may be taken and, where not, why, in English
and German.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import Role
from .permissions import may


class ClaimState(StrEnum):
    """R22 claims as the back office follows them up."""

    OPEN = "open"
    INVOICED = "invoiced"
    PAID = "paid"
    WRITTEN_OFF = "written_off"


class RequestStatus(StrEnum):
    """An adjustment (R26) or transfer (R21) request."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ObjectionStatus(StrEnum):
    """An objection (R25): recorded, then decided once."""

    RECORDED = "recorded"
    UPHELD = "upheld"
    REJECTED = "rejected"
    LATE = "late"
    GOODWILL = "goodwill"


class MailCaseStatus(StrEnum):
    """An e-mail case to rewards@."""

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Step:
    """Whether a step may be taken now; where not, why (English, German)."""

    ok: bool
    reason: str = ""
    reason_de: str = ""

    def __bool__(self) -> bool:
        return self.ok

    def why_not(self, language: str = "en") -> str:
        if self.ok:
            return ""
        return self.reason_de if language.startswith("de") else self.reason


OK = Step(True)

# --------------------------------------------------------------------------- claims (R22)

#: a claim is invoiced or written off; an invoiced one is paid or written off; a paid or
#: written-off claim is done
CLAIM_STEPS: dict[ClaimState, frozenset[ClaimState]] = {
    ClaimState.OPEN: frozenset({ClaimState.INVOICED, ClaimState.WRITTEN_OFF}),
    ClaimState.INVOICED: frozenset({ClaimState.PAID, ClaimState.WRITTEN_OFF}),
    ClaimState.PAID: frozenset(),
    ClaimState.WRITTEN_OFF: frozenset(),
}
_CLAIM_DE = {ClaimState.OPEN: "offen", ClaimState.INVOICED: "in Rechnung gestellt",
             ClaimState.PAID: "bezahlt", ClaimState.WRITTEN_OFF: "abgeschrieben"}


def claim_step(state: ClaimState | str, target: ClaimState | str) -> Step:
    """Whether a claim in `state` may become `target`."""
    here, there = ClaimState(state), ClaimState(target)
    if there in CLAIM_STEPS[here]:
        return OK
    en = here.value.replace("_", " ")
    return Step(False, f"The claim is {en}; it cannot become "
                f"{there.value.replace('_', ' ')} (R22).",
                f"Der Anspruch ist {_CLAIM_DE[here]} und kann nicht "
                f"{_CLAIM_DE[there]} werden (R22).")


def claim_open(state: ClaimState | str) -> bool:
    """Whether a claim in `state` still has a step to take."""
    return bool(CLAIM_STEPS[ClaimState(state)])


# --------------------------------------------------------------------------- objections (R25)

#: the decision each command records
OBJECTION_DECISIONS: dict[str, ObjectionStatus] = {
    "uphold_objection": ObjectionStatus.UPHELD,
    "reject_objection": ObjectionStatus.REJECTED,
    "answer_objection_late": ObjectionStatus.LATE,
    "grant_goodwill": ObjectionStatus.GOODWILL,
}
#: R25: an objection in time is upheld or rejected; a late one is answered as late (the
#: notice counts as approved) or granted as goodwill
IN_TIME_DECISIONS = frozenset({ObjectionStatus.UPHELD, ObjectionStatus.REJECTED})
LATE_DECISIONS = frozenset({ObjectionStatus.LATE, ObjectionStatus.GOODWILL})


def objection_decisions(in_time: bool) -> frozenset[ObjectionStatus]:
    return IN_TIME_DECISIONS if in_time else LATE_DECISIONS


def objection_step(status: ObjectionStatus | str, in_time: bool,
                   decision: ObjectionStatus | str, deadline: str = "") -> Step:
    """Whether an objection in `status`, in time or not (R25), may be decided as
    `decision`. `deadline` (as shown, "28.02.2025") goes into the reason."""
    now, to = ObjectionStatus(status), ObjectionStatus(decision)
    if now is not ObjectionStatus.RECORDED:
        return Step(False, f"The objection was already decided ({now.value}).",
                    "Über die Einwendung wurde schon entschieden.")
    if to in objection_decisions(in_time):
        return OK
    when = f" (deadline {deadline})" if deadline else ""
    when_de = f" (Frist {deadline})" if deadline else ""
    if in_time:
        return Step(False, f"The objection is in time{when}: uphold or reject it (R25).",
                    f"Die Einwendung ist fristgerecht{when_de}: stattgeben oder ablehnen "
                    "(R25).")
    return Step(False, f"The objection is late{when}: answer it as late, or ask for "
                "goodwill (R25).",
                f"Die Einwendung ist verspätet{when_de}: als verspätet beantworten oder "
                "Kulanz beantragen (R25).")


# --------------------------------------------------------------------------- requests (R21, R26)

#: a pending request is approved, rejected, or withdrawn by the one who filed it
REQUEST_STEPS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.PENDING: frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED,
                                      RequestStatus.WITHDRAWN}),
    RequestStatus.APPROVED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
}
_RULE = {"adjustment": "R26", "transfer": "R21"}


def request_pending(status: RequestStatus | str) -> Step:
    """Whether a request in `status` still waits for a decision."""
    if RequestStatus(status) is RequestStatus.PENDING:
        return OK
    return Step(False, f"The request was already decided ({RequestStatus(status).value}).",
                "Über den Antrag wurde schon entschieden.")


def rejected_as(person: str, requested_by: str) -> RequestStatus:
    """A rejection by the person who filed the request is a withdrawal."""
    return RequestStatus.WITHDRAWN if person == requested_by else RequestStatus.REJECTED


def request_step(kind: str, role: Role | str | None, person: str, requested_by: str,
                 status: RequestStatus | str, approve: bool) -> Step:
    """Whether `person` in `role` may approve (or, `approve` False, reject) a `kind`
    ("adjustment" or "transfer") request filed by `requested_by`: it is pending, the role
    may decide it (R27), and an approver is not the one who asked (four eyes, R21/R26)."""
    pending = request_pending(status)
    if not pending:
        return pending
    permission = may(role, f"{'approve' if approve else 'reject'}_{kind}")
    if not permission:
        return Step(False, permission.reason, permission.reason_de)
    if approve and person == requested_by:
        rule = _RULE[kind]
        noun, noun_de = (("adjustment", "Korrektur") if kind == "adjustment"
                         else ("transfer", "Übertragung"))
        return Step(False, f"You asked for this {noun}; another team lead must approve it "
                    f"(four eyes, {rule}).",
                    f"Sie haben diese {noun_de} beantragt; eine andere Teamleitung muss sie "
                    f"genehmigen (Vier-Augen-Prinzip, {rule}).")
    return OK


# --------------------------------------------------------------------------- e-mail cases

#: the statuses a person may set by hand, in the order they follow each other
CASE_STATUSES: tuple[MailCaseStatus, ...] = (MailCaseStatus.NEW, MailCaseStatus.OPEN,
                                             MailCaseStatus.WAITING, MailCaseStatus.CLOSED)


def case_after_assigned(status: MailCaseStatus | str) -> MailCaseStatus:
    """Assigning a new case opens it."""
    here = MailCaseStatus(status)
    return MailCaseStatus.OPEN if here is MailCaseStatus.NEW else here


def case_after_reply_sent(status: MailCaseStatus | str) -> MailCaseStatus:
    """A reply sent makes the case wait for the customer, unless it was closed."""
    here = MailCaseStatus(status)
    return here if here is MailCaseStatus.CLOSED else MailCaseStatus.WAITING


def case_after_mail_in(status: MailCaseStatus | str) -> MailCaseStatus:
    """A customer's mail to a closed case reopens it."""
    here = MailCaseStatus(status)
    return MailCaseStatus.OPEN if here is MailCaseStatus.CLOSED else here


# --------------------------------------------------------------------------- replies out

class ReplyState(StrEnum):
    """A reply sent through the mail gateway (issue 20). A reply recorded as sent by hand
    has no state: it was sent outside the program."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    REFUSED = "refused"
    #: the gateway died between handing it to the SMTP server and keeping its copy in
    #: Sent: it may have been sent, and a person decides (never sent twice silently)
    UNKNOWN = "unknown"


#: what the gateway may record after each state: it takes a queued reply to send it;
#: a reply being sent was accepted, refused for good, may have been sent, or was
#: refused for now (queued again, to be tried later)
REPLY_STEPS: dict[ReplyState, frozenset[ReplyState]] = {
    ReplyState.QUEUED: frozenset({ReplyState.SENDING}),
    ReplyState.SENDING: frozenset({ReplyState.SENT, ReplyState.REFUSED, ReplyState.UNKNOWN,
                                   ReplyState.QUEUED}),
    ReplyState.SENT: frozenset(),
    ReplyState.REFUSED: frozenset(),
    ReplyState.UNKNOWN: frozenset(),
}
#: the replies the gateway still has to send (or finish sending)
REPLIES_TO_SEND = (ReplyState.QUEUED, ReplyState.SENDING)
_REPLY_EN = {ReplyState.QUEUED: "queued", ReplyState.SENDING: "being sent",
             ReplyState.SENT: "sent", ReplyState.REFUSED: "refused",
             ReplyState.UNKNOWN: "may have been sent"}
_REPLY_DE = {ReplyState.QUEUED: "in der Warteschlange", ReplyState.SENDING: "wird gesendet",
             ReplyState.SENT: "gesendet", ReplyState.REFUSED: "abgelehnt",
             ReplyState.UNKNOWN: "möglicherweise gesendet"}


def reply_step(state: ReplyState | str | None, target: ReplyState | str) -> Step:
    """Whether the gateway may record a reply in `state` (None: recorded as sent by hand)
    as `target`."""
    there = ReplyState(target)
    if state is None:
        return Step(False, "The reply was recorded as sent by hand; the mail gateway does "
                    "not send it.", "Die Antwort wurde von Hand als gesendet erfasst; die "
                    "Postfach-Anbindung sendet sie nicht.")
    here = ReplyState(state)
    if there in REPLY_STEPS[here]:
        return OK
    return Step(False, f"The reply is {_REPLY_EN[here]}; it cannot become "
                f"{_REPLY_EN[there]}.",
                f"Die Antwort ist {_REPLY_DE[here]} und kann nicht {_REPLY_DE[there]} "
                "werden.")


def reply_resolvable(state: ReplyState | str | None) -> Step:
    """Whether a person may say what became of a reply: only one that may have been sent
    (the gateway cannot know), as sent or to be sent again."""
    if state is not None and ReplyState(state) is ReplyState.UNKNOWN:
        return OK
    here = _REPLY_EN[ReplyState(state)] if state is not None else "recorded as sent"
    here_de = (_REPLY_DE[ReplyState(state)] if state is not None
               else "von Hand als gesendet erfasst")
    return Step(False, f"The reply is {here}; only a reply that may have been sent is "
                "decided by hand.", f"Die Antwort ist {here_de}; nur über eine möglicherweise "
                "gesendete Antwort wird von Hand entschieden.")
