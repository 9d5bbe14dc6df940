"""The compliance queue over HTTP: referrals ranked by their signs of a self-referral
(R22, T6). ``GET /v1/abuse/referrals?min_score=N&limit=M`` answers a
:class:`ReferralQueue` (roles ``compliance`` and ``team_lead``). The signals themselves
also reach every desktop through the change feed (kind ``abuse_signal``)."""

from __future__ import annotations

from pydantic import Field

from .common import Id, Model


class QueueAccount(Model):
    id: Id
    name: str
    email: str
    organisation: Id


class QueueSignal(Model):
    kind: str
    weight: int
    #: a short sentence naming both values
    evidence: str


class ScoredReferral(Model):
    referrer: QueueAccount
    invitee: QueueAccount
    #: the sum of the signals' weights
    score: int
    signals: list[QueueSignal] = Field(default_factory=list)
    #: whether an abuse case is open on the referral (or on the invitee's account)
    case_open: bool = False
    open_cases: list[Id] = Field(default_factory=list)


class ReferralQueue(Model):
    min_score: int
    #: how many referrals reach `min_score` (the page holds at most `limit` of them)
    total: int
    referrals: list[ScoredReferral]
