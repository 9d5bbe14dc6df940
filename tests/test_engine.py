"""The engine's API beyond the vectors: refusals change nothing, request and approval
checks, sources and allocations, notices' figures, previews and "as of" queries.
Expected values are worked out by hand from RULES.md."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal

import pytest

from tests.people import CORA, SAM, SHOP, TESS, TIM
from xrewards_desk.domain import (
    BERLIN,
    Adjust,
    AdjustmentRequest,
    Advance,
    ApproveTransfer,
    Cancel,
    Close,
    ClosedBy,
    Code,
    ConfirmSelfReferral,
    Deliver,
    EndProgram,
    EntryType,
    ObjectToTerms,
    Pay,
    PlaceOrder,
    Refusal,
    Register,
    SourceKind,
    Status,
    TransferReason,
    TransferRequest,
    adjustment_needs_approval,
    adjustment_sum_of,
    apply,
    as_of,
    check_transfer,
    needs,
)
from xrewards_desk.domain.memory import MemoryStore


def at(month: int, day: int, hour: int = 10, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


def earn(store: MemoryStore, order: str, account: str, net: str, when: datetime) -> None:
    store.run(PlaceOrder(when, SHOP, order, account, Decimal(net)))
    store.run(Pay(when.replace(hour=11), SHOP, order))
    store.run(Deliver(when.replace(hour=12), SHOP, order))


@pytest.fixture
def store() -> MemoryStore:
    """A and B colleagues (ACME, ACME-1); A earned 1000 on 10.01. and 2000 on 10.02.2025."""
    s = MemoryStore()
    s.run(Register(at(1, 2), SHOP, "A", "ACME", "ACME-1", "a@acme.example"))
    s.run(Register(at(1, 2), SHOP, "B", "ACME", "ACME-1", "b@acme.example"))
    earn(s, "O1", "A", "1000.00", at(1, 10))
    earn(s, "O2", "A", "2000.00", at(2, 10))
    return s


def test_a_refused_action_changes_nothing(store: MemoryStore) -> None:
    before = copy.deepcopy((store.accounts, store.orders, dict(store.ledger)))
    with pytest.raises(Refusal) as refused:
        # R12: 3000 points on a 10.00 EUR order exceed 100 × 10.00 = 1000 points
        store.run(PlaceOrder(at(3, 1), SHOP, "X", "A", Decimal("10.00"), redeem=3000))
    assert refused.value.code is Code.EXCEEDS_ORDER_VALUE
    assert (store.accounts, store.orders, dict(store.ledger)) == before


def test_refusals_read_out_in_english_and_german(store: MemoryStore) -> None:
    with pytest.raises(Refusal) as refused:
        store.run(PlaceOrder(at(3, 1), SHOP, "X", "A", Decimal("100.00"), redeem=5000))
    r = refused.value
    assert r.code is Code.INSUFFICIENT_POINTS
    assert r.message("en") == ("Account A has a balance of 3000 points, so 5000 points cannot"
                               " be taken from it.")
    assert r.message("de") == ("Das X-Konto A hat ein Guthaben von 3000 X-Points; 5000 X-Points"
                               " können nicht abgebucht werden.")


def test_every_refusal_code_has_a_sentence_in_both_languages() -> None:
    for code in Code:
        r = Refusal(code)
        assert r.message_en and r.message_de and r.message_en != r.message_de


def test_transfer_request_check_and_approval_check(store: MemoryStore) -> None:
    request = TransferRequest(at(3, 1), SAM, "A", "B", 3000, TransferReason.LEFT_ORGANISATION,
                              evidence=1)
    state = store.state_of("A", "B")
    check_transfer(state, request)  # R21: the request is fine without an approver
    with pytest.raises(Refusal) as refused:
        check_transfer(state, request, approver=SAM)
    assert refused.value.code is Code.NOT_TEAM_LEAD
    own = TransferRequest(at(3, 1), TESS, "A", "B", 100, TransferReason.OTHER,
                          justification="merge")
    with pytest.raises(Refusal) as refused:
        check_transfer(state, own, approver=TESS)
    assert refused.value.code is Code.FOUR_EYES
    # Between request and approval A redeems 500 points (a 5.00 EUR order): the approval
    # re-checks the balance at that moment (R21), 2500 < 3000.
    store.run(PlaceOrder(at(3, 2), SHOP, "O3", "A", Decimal("5.00"), redeem=500))
    with pytest.raises(Refusal) as refused:
        store.run(ApproveTransfer(at(3, 3), TESS, request))
    assert refused.value.code is Code.INSUFFICIENT_POINTS


def test_entries_carry_their_source_and_the_lots_they_drew_from(store: MemoryStore) -> None:
    # R13: 1500 points: 1000 from the 10.01. lot, 500 from the 10.02. lot
    written = store.run(PlaceOrder(at(3, 1), SHOP, "O3", "A", Decimal("20.00"), redeem=1500))
    (redemption,) = written.entries
    assert redemption.type is EntryType.REDEMPTION and redemption.points == -1500
    assert redemption.source.kind is SourceKind.ORDER and redemption.source.ref == "O3"
    assert [(a.lot, a.points) for a in redemption.allocations] == [("A/L1", 1000),
                                                                   ("A/L2", 500)]
    assert written.notices == ()  # R24: a redemption sends no notice
    # R14: cancelling 10.00 of 20.00 leaves 10.00 = 1000 points; 500 return, newest first
    written = store.run(Cancel(at(3, 2), SHOP, "O3", Decimal("10.00")))
    (refund,) = written.entries
    assert refund.type is EntryType.REFUND and refund.points == 500
    assert [(a.lot, a.points) for a in refund.allocations] == [("A/L2", 500)]
    (notice,) = written.notices
    # R24: the refund's credit notice states the balance (1500 + 500) and the lots
    assert notice.kind.value == "credit" and notice.balance == 2000
    assert [(f.lot, f.remaining, f.usable_until.isoformat()) for f in notice.lots] == [
        ("A/L2", 2000, "2026-02-10")]


def test_a_confirmed_self_referral_reaches_the_colleague_who_received_the_bonus() -> None:
    s = MemoryStore()
    s.run(Register(at(1, 2), SHOP, "A", "ACME", "ACME-1", "anna@acme.example"))
    s.run(Register(at(1, 2), SHOP, "A2", "ACME", "ACME-1", "colleague@acme.example"))
    earn(s, "O1", "A", "1000.00", at(1, 5))
    s.run(Register(at(1, 6), SHOP, "I", "PRIV", "PRIV-1", "anna@mail.example", referred_by="A"))
    earn(s, "O2", "I", "200.00", at(1, 7))  # R19: A (bronze) gets 5000
    # R20: 5500 leave A first-in first-out: 1000 of the earn lot, 4500 of the bonus lot
    s.run(ApproveTransfer(at(1, 8), TESS, TransferRequest(
        at(1, 8), SAM, "A", "A2", 5500, TransferReason.LEFT_ORGANISATION, evidence=1)))
    # A2 redeems 3000: 1000 of the earn lot's piece, 2000 of the bonus piece (R13)
    s.run(PlaceOrder(at(1, 9), SHOP, "O3", "A2", Decimal("30.00"), redeem=3000))
    confirm = ConfirmSelfReferral(at(1, 10), CORA, "I")
    assert needs(confirm, s).accounts == {"I", "A", "A2"}
    written = s.run(confirm)
    # R22: A2's 2500 left of the bonus piece and A's 500 left of the bonus lot are void;
    # the 2000 redeemed of it are a claim of 20.00 EUR against A, wherever they went.
    voids = {e.account: e.points for e in written.entries if e.type is EntryType.VOID}
    assert voids == {"A": -500, "A2": -2500}
    assert s.accounts["A"].claims == Decimal("20.00")
    assert s.accounts["A2"].claims == Decimal("0.00")
    assert s.accounts["A"].balance == 0 and s.accounts["A2"].balance == 0
    assert s.accounts["I"].discount is not None and s.accounts["I"].discount.voided
    # O3 cancelled in full (R14): its 3000 points return to their lots, newest consumption
    # first: 2000 to the voided bonus piece, void again at once (R22), so A's claim falls
    # by 20.00 to 0.00; 1000 to the earn piece, which A2 keeps.
    written = s.run(Cancel(at(1, 11), SHOP, "O3"))
    assert [(e.account, e.type.value, e.points) for e in written.entries] == [
        ("A2", "refund", 3000), ("A2", "void", -2000)]
    assert s.accounts["A"].claims == Decimal("0.00")
    assert s.accounts["A2"].balance == 1000
    # I's first order cancelled later does not reverse the bonus a second time (R16, R22)
    written = s.run(Cancel(at(1, 12), SHOP, "O2"))
    assert [(e.account, e.type.value) for e in written.entries] == [("I", "reversal")]


def test_as_of_sees_expiry_without_changing_the_state(store: MemoryStore) -> None:
    state = store.state_of("A")
    # R9/R10: the 10.01.2025 lot is usable through 10.01.2026 and gone at 11.01. 00:00
    assert as_of(state, "A", datetime(2026, 1, 10, 23, 59, tzinfo=BERLIN)).balance == 3000
    later = as_of(state, "A", datetime(2026, 1, 11, 0, 0, tzinfo=BERLIN))
    assert later.balance == 2000
    assert [(f.remaining, f.usable_until.isoformat()) for f in later.lots] == [
        (2000, "2026-02-10")]
    assert state.accounts["A"].balance == 3000


def test_a_preview_is_an_apply_that_is_not_saved(store: MemoryStore) -> None:
    state = store.state_of("A")
    preview = apply(state, Close(at(3, 1), SAM, "A", ClosedBy.CUSTOMER))
    # R23: closing forfeits the whole balance at once
    assert [(e.type, e.points) for e in preview.written.entries] == [(EntryType.FORFEIT, -3000)]
    assert store.accounts["A"].status is Status.ACTIVE and store.accounts["A"].balance == 3000


def test_adjustments_above_ten_thousand_need_approval() -> None:
    def req(points: int, goodwill: bool = False) -> AdjustmentRequest:
        return AdjustmentRequest(at(1, 1), SAM, "A", points, "correction", goodwill=goodwill)

    assert not adjustment_needs_approval(req(10000), None)
    assert not adjustment_needs_approval(req(-10000), None)
    assert adjustment_needs_approval(req(10001), None)
    assert adjustment_needs_approval(req(-10001), None)
    assert adjustment_needs_approval(req(1, goodwill=True), None)


def test_unapproved_adjustments_add_up_over_720_hours() -> None:
    # R26's example: after +6,000 and -3,000, +2,000 makes 11,000 and needs a team lead,
    # +1,000 makes 10,000, which is not more
    marks = ((at(2, 1), 6000), (at(2, 5), 3000))
    need = adjustment_sum_of(marks, at(2, 10), 2000)
    assert (need.earlier, need.total, need.needs_approval) == (9000, 11000, True)
    need = adjustment_sum_of(marks, at(2, 10), 1000)
    assert (need.total, need.needs_approval) == (10000, False)
    # a debit counts by its size
    assert adjustment_sum_of(marks, at(2, 10), -2000).total == 11000
    # 720 hours of elapsed time: 01.03 10:00 CET to 31.03 11:00 CEST is exactly 720 hours
    # across the switch to summer time, so +6,000 no longer counts then, one second
    # earlier it does
    march = ((at(3, 1), 6000), (at(3, 3), 4000))
    just_before = datetime.fromisoformat("2025-03-31T10:59:59+02:00")
    exactly = datetime.fromisoformat("2025-03-31T11:00:00+02:00")
    assert adjustment_sum_of(march, just_before, 1).total == 10001
    assert adjustment_sum_of(march, exactly, 1).total == 4001
    # goodwill always needs one, whatever the sum
    assert adjustment_sum_of((), at(2, 10), 1, goodwill=True).needs_approval


def test_a_compliance_officer_cannot_adjust(store: MemoryStore) -> None:
    with pytest.raises(Refusal) as refused:
        store.run(Adjust(at(3, 1), CORA, AdjustmentRequest(at(3, 1), CORA, "A", 10, "x")))
    assert refused.value.code is Code.FORBIDDEN
    assert refused.value.message_en == "cora (compliance) may not request adjustments."


def test_objection_to_changed_terms_ends_participation(store: MemoryStore) -> None:
    # R28: change notice 2025-02-15, objection received 2025-03-15 (deadline) → in time
    late = ObjectToTerms(at(3, 20), SAM, "A", at(2, 15), at(3, 16))
    with pytest.raises(Refusal) as refused:
        store.run(late)
    assert refused.value.code is Code.OBJECTION_LATE
    written = store.run(ObjectToTerms(at(3, 20), SAM, "A", at(2, 15), at(3, 15, 23)))
    assert [(e.type, e.points) for e in written.entries] == [(EntryType.FORFEIT, -3000)]
    assert store.accounts["A"].status is Status.CLOSED


def test_after_the_program_ends(store: MemoryStore) -> None:
    store.run(EndProgram(at(3, 1), TESS))
    # R23: nothing more is earned, no transfers; redeem through 01.06.2025
    earn(store, "O3", "A", "100.00", at(3, 5))
    assert store.accounts["A"].balance == 3000
    assert store.accounts["A"].spend == Decimal("3000.00")
    with pytest.raises(Refusal) as refused:
        store.run(ApproveTransfer(at(3, 6), TIM, TransferRequest(
            at(3, 6), SAM, "A", "B", 10, TransferReason.LEFT_ORGANISATION, evidence=1)))
    assert refused.value.code is Code.ACCOUNT_NOT_ACTIVE
    store.run(PlaceOrder(datetime(2025, 6, 1, 23, 59, tzinfo=BERLIN), SHOP, "O4", "A",
                         Decimal("5.00"), redeem=500))
    with pytest.raises(Refusal) as refused:
        store.run(PlaceOrder(datetime(2025, 6, 2, 0, 0, tzinfo=BERLIN), SHOP, "O5", "A",
                             Decimal("5.00"), redeem=1))
    assert refused.value.code is Code.ACCOUNT_NOT_ACTIVE
    # at the start of 02.06.2025 everything left (2500) expires, lot by lot (R10, R23);
    # the refused order wrote nothing, so time passing writes it
    store.run(Advance(datetime(2025, 6, 2, 0, 0, tzinfo=BERLIN), ("A",)))
    assert [(e.type.value, e.points) for e in store.ledger["A"]][-2:] == [
        ("expiry", -500), ("expiry", -2000)]


def test_an_adjustment_after_the_redemption_window_expires_at_its_credit_not_before(
        store: MemoryStore) -> None:
    """Found by the property tests (CI profile): an adjustment credited after R23's window
    closed got an expiry entry dated at the window's end, before the credit itself."""
    store.run(EndProgram(at(3, 1), TESS))
    # R23: the window runs through 01.06.2025; everything left expires at 02.06.2025 00:00
    late = at(7, 1)
    store.run(Adjust(late, SAM, AdjustmentRequest(late, SAM, "A", 500, "correction")))
    store.run(Advance(late, ("A",)))
    entries = store.ledger["A"]
    assert [(e.type.value, e.points) for e in entries][-2:] == [
        ("adjustment", 500), ("expiry", -500)]
    # R10: each entry at or after the one before; the late lot expires at its own credit
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert entries[-1].at == late
    assert as_of(store.state_of("A"), "A", late).balance == 0
