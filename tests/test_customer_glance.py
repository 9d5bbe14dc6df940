"""The customer page answers the usual questions above the fold (issue 19 item 2): the
balance and what it is worth (R12: 100 points = 1.00 EUR), the referral code and whether
the customer may refer now (R17, with the reason when not), and what is open (cases,
objections, transfers, adjustments, abuse cases, claims), in English and German."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.case_harness import WAIT, local_desk
from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate
from xrewards_desk.domain.engine import refer_blocker
from xrewards_desk.domain.model import Account, Program, Status
from xrewards_desk.store.read.customers import customer_page
from xrewards_desk.ui.qt import QApplication

BERLIN_NOW = NOW


def test_refer_blocker_names_each_reason_of_r17() -> None:
    start = datetime(2025, 1, 1, tzinfo=NOW.tzinfo)
    program = Program()
    acc = Account("XR-1", "O", "B", "a@example.com", start)
    assert refer_blocker(program, acc, NOW) == "no_completed_order"
    acc.has_completed_order = True
    assert refer_blocker(program, acc, NOW) is None
    acc.status = Status.CLOSED
    assert refer_blocker(program, acc, NOW) == "not_active"
    ended = Program(ended_at=start)
    assert refer_blocker(ended, acc, NOW) == "program_ended"


def _page(qtbot: Any, desk: Any, account: str) -> Any:
    from xrewards_desk.ui.customers.page import CustomerView
    page = CustomerView(desk, account)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    return page


def test_the_glance_in_english_and_german(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    with local_desk(qapp, DeskTemplate(demo, tmp_path, demo.db, ""), tmp_path / "desk") as desk:
        assert desk.store is not None
        # an active account with an order completed and an open claim; one whose first
        # order has not completed; one terminated for cause (the demo's)
        with desk.store.session() as s:
            referring = customer_page(s, "XR-1003765", NOW)
            newcomer = customer_page(s, "XR-1001923", NOW)
            for_cause = customer_page(s, "XR-1004486", NOW)
        assert referring and newcomer and for_cause
        assert referring.refer_blocker is None
        assert newcomer.refer_blocker == "no_completed_order"
        assert for_cause.refer_blocker == "not_active"
        # R12: 100 points = 1.00 EUR
        assert referring.balance_value == (Decimal(referring.balance) / 100).quantize(
            Decimal("0.01"))

        page = _page(qtbot, desk, "XR-1003765")
        text = page.glance.text()
        euros = f"{referring.balance_value:,.2f}"
        assert f"worth €{euros}" in text, text
        assert f"Referral code <b>{referring.profile.referral_code}</b>: may refer" in text
        # the invoiced claim is not settled yet (R22): it is open work
        assert "1 open claim, " in text and f"€{referring.claims_total:,.2f}" in text
        desk.language.switch("de")
        page.retranslate()
        german = page.glance.text()
        assert "Wert " in german and "darf empfehlen" in german, german
        assert "open" not in german.replace("Open", "")
        desk.language.switch("en")

        page = _page(qtbot, desk, "XR-1001923")
        assert "cannot refer yet: no order of theirs has completed (R17)" in page.glance.text()
        page = _page(qtbot, desk, "XR-1004486")
        assert "cannot refer: the account is not active (R17)" in page.glance.text()
