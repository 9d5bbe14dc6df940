"""Actions: everything that can happen to the program, each with who acts and when.

Who acts, and in which role, is part of the action (R27): the engine checks roles,
four eyes (R21, R26) and every other rule itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .model import Actor, ClosedBy, TransferReason


@dataclass(frozen=True, slots=True)
class Step:
    """What every staff or shop action has: when it happens and who acts (R27)."""

    at: datetime
    actor: Actor


@dataclass(frozen=True, slots=True)
class OrderStep(Step):
    """A step of one order's life, named by the order alone."""

    order: str


@dataclass(frozen=True, slots=True)
class Register(Step):
    account: str
    org: str
    billing: str
    email: str
    referred_by: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceOrder(OrderStep):
    account: str
    #: net value before the discount code
    net: Decimal
    use_discount: bool = False
    #: points paid with (R12); None for none (0 is refused as invalid_amount)
    redeem: int | None = None


@dataclass(frozen=True, slots=True)
class Pay(OrderStep):
    """The shop reports an order fully paid: one half of completing it (R4)."""


@dataclass(frozen=True, slots=True)
class Deliver(OrderStep):
    """The shop reports an order delivered: the other half of completing it (R4)."""


@dataclass(frozen=True, slots=True)
class Cancel(OrderStep):
    """Cancels `net` EUR of the discounted net value; None cancels all that is left."""

    net: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """R20/R21: a request to move points between colleagues, filed by an agent or team lead."""

    at: datetime
    requested_by: Actor
    source: str
    target: str
    points: int
    reason: TransferReason
    evidence: int = 0
    justification: str = ""
    #: the request's id where it is stored, cited as the entries' source
    ref: str = ""


@dataclass(frozen=True, slots=True)
class ApproveTransfer(Step):
    """A team lead's approval: every refusal of R20 is checked again, in order (R21)."""

    request: TransferRequest


@dataclass(frozen=True, slots=True)
class ObjectionRef:
    """The notice an objection answers (sent) and when our mailbox received it (R25)."""

    sent: datetime
    received: datetime
    ref: str = ""


@dataclass(frozen=True, slots=True)
class AdjustmentRequest:
    at: datetime
    requested_by: Actor
    account: str
    points: int
    reason: str
    objection: ObjectionRef | None = None
    goodwill: bool = False
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Adjust(Step):
    """R26: apply an adjustment; `approver` is needed for goodwill and where the sum of the
    account's unapproved adjustments of the last 720 hours would pass 10,000 points."""

    request: AdjustmentRequest
    approver: Actor | None = None


@dataclass(frozen=True, slots=True)
class OpenAbuseCase(Step):
    """Compliance opens a case on an account, or on the referral of `invitee` (R21, R22)."""

    case: str
    account: str
    on_referral: bool = False


@dataclass(frozen=True, slots=True)
class DismissAbuseCase(Step):
    case: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ConfirmSelfReferral(Step):
    """R22: compliance confirms that `invitee`'s referral was a self-referral."""

    invitee: str
    terminate: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Close(Step):
    """R23: closing by the customer, termination with notice, or termination for cause."""

    account: str
    by: ClosedBy


@dataclass(frozen=True, slots=True)
class EndProgram(Step):
    """R23 (T7.2): the provider ends the program, effective at `at`."""



@dataclass(frozen=True, slots=True)
class ObjectToTerms(Step):
    """R28: an objection to changed terms ends the customer's participation (as R23)."""

    account: str
    change_sent: datetime
    received: datetime


@dataclass(frozen=True, slots=True)
class Advance:
    """Let time pass to `at` for `accounts`: writes the expiries that fell due (R10, R23)."""

    at: datetime
    accounts: tuple[str, ...]


Action = (
    Register | PlaceOrder | Pay | Deliver | Cancel | ApproveTransfer | Adjust | OpenAbuseCase
    | DismissAbuseCase | ConfirmSelfReferral | Close | EndProgram | ObjectToTerms | Advance
)
