"""The preview of confirming a self-referral (store/abuse_views.confirm_preview): the
engine's own outcome of ``ConfirmSelfReferral`` on the stored state, not saved, over a
real store filled through the real engine (store/ledger.py), on SQLite and, where one is
reachable, PostgreSQL. Every expected value is worked out by hand from RULES.md.

The program (times in Berlin; bronze throughout, R7: 1 point per EUR, bonus 5,000):

- R and R2 are colleagues (R-ORG, billing R-1). R's order RO1 of 1,000.00 EUR completes
  03.02.2025: 1,000 points (lot R/L1, R8); R may refer from then on (R17).
- R refers F (01.03.2025); F gets the 10 % code (R18).
- F's first order FO1 of 200.00 EUR completes 10.03.2025 12:00, with the code or without
  it (each test says). With it, its value is 200.00 − 180.00 = 20.00 EUR (R18) and F earns
  on 180.00: 180 points; without it, 200 points. R gets the bronze bonus of 5,000 (R19,
  lot R/L2).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from tests.people import CORA, SAM, SHOP, TESS
from xrewards_desk.domain import (
    BERLIN,
    ApproveTransfer,
    Deliver,
    DismissAbuseCase,
    OpenAbuseCase,
    Pay,
    PlaceOrder,
    Register,
    TransferReason,
    TransferRequest,
)
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store
from xrewards_desk.store.ledger import Ledger
from xrewards_desk.store.read.abuse import (
    ConfirmPreview,
    PreviewClaim,
    PreviewTermination,
    PreviewVoid,
    VoidedLot,
    confirm_preview,
)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


WHEN = at(2025, 3, 25)


def order(led: Ledger, order_id: str, account: str, net: str, day: datetime,
          **kwargs: Any) -> None:
    """Placed at `day`, paid an hour and delivered two hours later (R4: completed then)."""
    led.run(PlaceOrder(day, SHOP, order_id, account, Decimal(net), **kwargs))
    led.run(Pay(day + timedelta(hours=1), SHOP, order_id))
    led.run(Deliver(day + timedelta(hours=2), SHOP, order_id))


def referral(store: Store, first_order: bool = True, use_code: bool = True) -> Ledger:
    led = Ledger(store)
    for account in ("R", "R2"):
        led.run(Register(at(2025, 1, 2), SHOP, account, "R-ORG", "R-1",
                         f"{account.lower()}@example.com"))
    order(led, "RO1", "R", "1000.00", at(2025, 2, 3))
    led.run(Register(at(2025, 3, 1), SHOP, "F", "F-ORG", "F-1", "f@example.com",
                     referred_by="R"))
    if first_order:
        order(led, "FO1", "F", "200.00", at(2025, 3, 10), use_discount=use_code)
    return led


def open_case(led: Ledger) -> None:
    led.run(OpenAbuseCase(at(2025, 3, 22), CORA, "case-1", "F", on_referral=True))


def preview(store: Store, terminate: tuple[str, ...] = (), actor: Any = CORA) -> (
        ConfirmPreview):
    with store.session() as s:
        return confirm_preview(s, "case-1", actor, WHEN, terminate)


def as_on_a_desktop(store: Store) -> None:
    """What the change feed leaves out of a desktop's store (sync/apply.py): a lot's pieces
    moved out by transfers, and the bonus lot an invitee's first order earned its referrer."""
    with store.session() as s:
        s.execute(update(m.LotRow).values(transferred=[]))
        s.execute(update(m.OrderRow).values(bonus_account=None, bonus_lot=None))


def snapshot(store: Store) -> tuple[Any, ...]:
    with store.session() as s:
        return (s.scalar(select(func.count()).select_from(m.LedgerEntry)),
                s.scalar(select(func.count()).select_from(m.ClaimRow)),
                s.scalar(select(func.count()).select_from(m.ProgramRow)),
                tuple(s.execute(select(m.LotRow.id, m.LotRow.remaining)
                                .order_by(m.LotRow.id))),
                tuple(s.execute(select(m.AccountRow.id, m.AccountRow.status,
                                       m.AccountRow.referral_void)
                                .order_by(m.AccountRow.id))),
                tuple(s.execute(select(m.DiscountCode.account_id, m.DiscountCode.voided))),
                tuple(s.execute(select(m.AbuseCaseRow.id, m.AbuseCaseRow.status))))


def test_a_used_code_is_a_claim_of_its_value_and_not_voided(store: Store) -> None:
    """R22, with the code used on FO1 and the bonus partly transferred and redeemed.

    15.03.2025: R transfers 2,000 to R2 (R20, first-in first-out, R13): all 1,000 of R/L1
    (R2/L1), then 1,000 of the bonus lot R/L2 (R2/L2, transferred from R/L2). R/L2 holds
    4,000. 20.03.2025: R redeems 1,500 on RO2 (R12), all from R/L2: 2,500 left. 21.03.2025:
    R2 redeems 1,200 on R2O1: 1,000 from R2/L1, then 200 from R2/L2: 800 left.

    Confirming on 25.03.2025 voids what is left of the bonus lot and of the lot transferred
    out of it: R/L2 2,500 and R2/L2 800. Redeemed of them: 1,500 + 200 = 1,700 points, a
    claim of 17.00 EUR against R, who gained the bonus, though R2 spent 200 of them. F's
    code was used on FO1: a claim of its value, 20.00 EUR, against F, and no void of the
    code (it is not unused). The open case closes as confirmed."""
    led = referral(store, use_code=True)
    led.run(ApproveTransfer(at(2025, 3, 15), TESS, TransferRequest(
        at(2025, 3, 15), SAM, "R", "R2", 2000, TransferReason.OTHER,
        justification="R2 takes over the purchasing")))
    led.run(PlaceOrder(at(2025, 3, 20), SHOP, "RO2", "R", Decimal("15.00"), redeem=1500))
    led.run(PlaceOrder(at(2025, 3, 21), SHOP, "R2O1", "R2", Decimal("20.00"), redeem=1200))
    open_case(led)
    before = snapshot(store)

    p = preview(store)

    assert (p.ok, p.case, p.invitee, p.referrer, p.terminate) == (True, "case-1", "F", "R", ())
    assert sorted(p.voids, key=lambda v: v.account) == [
        PreviewVoid("R", 2500, (VoidedLot("R/L2", 2500, None),)),
        PreviewVoid("R2", 800, (VoidedLot("R2/L2", 800, "R/L2"),)),
    ]
    assert [(c.account, c.amount, c.kind, c.points, c.order) for c in p.claims] == [
        ("R", Decimal("17.00"), "bonus", 1700, None),
        ("F", Decimal("20.00"), "discount", 0, "FO1"),
    ]
    assert p.discount_voided is False
    assert (p.terminations, p.cases_closed) == ((), ("case-1",))
    assert snapshot(store) == before, "a preview writes nothing"

    # a desktop's store, without the engine's working links, previews the same
    as_on_a_desktop(store)
    assert preview(store) == p


def test_an_unused_code_is_voided_and_no_claim_of_it(store: Store) -> None:
    """R22, with FO1 placed without the code (R18: it was F's first order, so the code can
    no longer be used, but it was not). R redeems 1,500 on RO2 (20.03.2025), first-in
    first-out (R13): 1,000 from R/L1, 500 from the bonus lot R/L2: 4,500 left.

    Confirming voids R/L2's 4,500, claims the 500 redeemed as 5.00 EUR against R, and
    voids F's unused code: no claim against F."""
    led = referral(store, use_code=False)
    led.run(PlaceOrder(at(2025, 3, 20), SHOP, "RO2", "R", Decimal("15.00"), redeem=1500))
    open_case(led)

    p = preview(store)

    assert p.ok
    assert p.voids == (PreviewVoid("R", 4500, (VoidedLot("R/L2", 4500, None),)),)
    assert p.claims == (PreviewClaim("R", Decimal("5.00"), "bonus",
                                     "referral bonus redeemed: 500 points", points=500),)
    assert p.discount_voided is True
    as_on_a_desktop(store)
    assert preview(store) == p


def test_before_the_first_order_only_the_code_is_voided(store: Store) -> None:
    """R22 before F ordered at all: no bonus was credited (R19), so nothing is voided or
    claimed; the unused code is voided."""
    led = referral(store, first_order=False)
    open_case(led)

    p = preview(store)

    assert (p.ok, p.voids, p.claims, p.discount_voided) == (True, (), (), True)


def test_terminations_for_cause_forfeit_what_is_left(store: Store) -> None:
    """R22 with R23: confirming with F and R terminated for cause. The void comes first
    (R/L2's 5,000, nothing redeemed of it, so no claim against R); then each account's
    balance is forfeited: F's 180 points of FO1 (F/L1), R's 1,000 of RO1 (R/L1). F's code
    was used on FO1: the claim of 20.00 EUR stands."""
    led = referral(store, use_code=True)
    open_case(led)

    p = preview(store, ("R", "F"))

    assert p.ok and p.terminate == ("R", "F")
    assert p.voids == (PreviewVoid("R", 5000, (VoidedLot("R/L2", 5000, None),)),)
    assert [(c.account, c.amount, c.kind) for c in p.claims] == [
        ("F", Decimal("20.00"), "discount")]
    assert p.terminations == (PreviewTermination("R", 1000), PreviewTermination("F", 180))
    # without terminations, nothing is forfeited
    assert preview(store).terminations == ()


def test_a_refused_or_decided_case_previews_nothing(store: Store) -> None:
    """R27: only compliance confirms abuse (`forbidden`); a case no longer open has
    nothing to confirm."""
    led = referral(store)
    open_case(led)

    refused = preview(store, actor=SAM)
    assert (refused.ok, refused.code, refused.voids, refused.claims) == (
        False, "forbidden", (), ())
    assert refused.message_en and refused.message_de

    led.run(DismissAbuseCase(at(2025, 3, 23), CORA, "case-1", "colleagues"))
    closed = preview(store)
    assert (closed.ok, closed.code) == (False, "unknown_case")
    assert closed.message("de") == "Der Fall case-1 ist nicht offen."
