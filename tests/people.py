"""The people who act in the engine tests, with their roles (R27)."""

from xrewards_desk.domain import Actor, Role

SHOP = Actor("shop", Role.SERVICE)
SAM = Actor("sam", Role.AGENT)
TESS = Actor("tess", Role.TEAM_LEAD)
TIM = Actor("tim", Role.TEAM_LEAD)
CORA = Actor("cora", Role.COMPLIANCE)
