"""The orders tab of the customer page and an order number typed in search (issue 19
item 1), on the demo: the agent answers "where are my points for order X?" from the app.
The figures are the store's read (store/read/orders.py, whose sums tests/test_orders.py
works out by hand); here: that the screen shows them, in English and German."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.case_harness import WAIT, local_desk
from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate
from xrewards_desk.domain.model import EntryType
from xrewards_desk.store import models as m
from xrewards_desk.store.read.history import HistoryFilter, history_page
from xrewards_desk.store.read.orders import customer_orders
from xrewards_desk.ui.qt import QApplication

ACCOUNT = "XR-1004387"  # the customer of the demo's case 21
ORDER = "XO-2025-003782"


def _page(qtbot: Any, desk: Any, account: str) -> Any:
    from xrewards_desk.ui.customers.page import CustomerView
    page = CustomerView(desk, account)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    return page


def test_the_orders_tab_answers_where_the_points_are(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    with local_desk(qapp, DeskTemplate(demo, tmp_path, demo.db, ""), tmp_path / "desk") as desk:
        assert desk.store is not None
        page = _page(qtbot, desk, ACCOUNT)
        assert page.orders.loads == 0  # read when its tab is shown
        page.show_order(ORDER)
        qtbot.waitUntil(lambda: page.orders.loads == 1, timeout=WAIT)
        with desk.store.session() as s:
            expected = customer_orders(s, ACCOUNT, NOW)
        assert page.orders.model.rows == expected
        chosen = page.orders.model.row(page.orders.table.currentIndex())
        assert chosen is not None and chosen.id == ORDER and chosen.state == "completed"
        detail = page.orders.detail.toPlainText()
        assert f"{ORDER} — completed" in detail
        # the credit with the tier and rate R8 used, as the store recorded them
        assert chosen.tier is not None and chosen.rate is not None
        rate = f"{chosen.tier.value}, {chosen.rate} point{'s' if chosen.rate > 1 else ''} per euro"
        assert f"{chosen.credited:,} points on" in detail and rate in detail, detail
        assert "ledger entr" in detail
        # the link to its ledger entries switches to the ledger with them highlighted
        own = tuple(e.id for e in chosen.entries if e.account == ACCOUNT)
        page.orders.show_entries.emit(own)
        assert page.tabs.currentWidget() is page.ledger
        # the ledger shows the rate on the credit (R8)
        with desk.store.session() as s:
            rows = history_page(s, ACCOUNT, HistoryFilter(), 0, 500)
        earn = next(r for r in rows if r.type is EntryType.EARN and r.source_ref == ORDER)
        assert earn.rate == chosen.rate and earn.points == chosen.credited
        words = "point" if chosen.rate == 1 else "points"
        assert page.ledger.source(earn) == f"order {ORDER} ({chosen.rate} {words} per euro)"
        desk.language.switch("de")
        page.retranslate()
        assert page.tabs.tabText(page.tabs.indexOf(page.orders)) == "Bestellungen"
        german = page.orders.detail.toPlainText()
        assert "abgeschlossen" in german and "completed" not in german


def test_an_open_order_states_its_pending_points_and_that_they_can_change(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    with local_desk(qapp, DeskTemplate(demo, tmp_path, demo.db, ""), tmp_path / "desk") as desk:
        assert desk.store is not None
        with desk.store.session() as s:
            open_order = s.execute(
                select(m.OrderRow.id, m.OrderRow.account_id).join(m.AccountRow)
                .where(m.OrderRow.completed_at.is_(None), m.OrderRow.paid_at.is_(None),
                       m.OrderRow.delivered_at.is_not(None), m.OrderRow.cancelled == 0,
                       m.AccountRow.status == "active")
                .order_by(m.OrderRow.id).limit(1)).one()
            info = next(o for o in customer_orders(s, open_order.account_id, NOW) or []
                        if o.id == open_order.id)
        assert info.missing == ("payment",) and info.pending is not None
        page = _page(qtbot, desk, open_order.account_id)
        page.show_order(open_order.id)
        qtbot.waitUntil(lambda: page.orders.loads == 1, timeout=WAIT)
        row = page.orders.model.rows.index(info)
        f = desk.fmt()
        assert page.orders.model.data(page.orders.model.index(row, 10)) == \
            f"{f.points(info.pending.points)} pending"
        assert page.orders.model.data(page.orders.model.index(row, 1)) == "open: not paid"
        detail = page.orders.detail.toPlainText()
        assert f"{open_order.id} will earn {f.points(info.pending.points)} point" in detail
        assert "once paid; delivered " in detail
        assert "The figure can change until the order completes" in detail


def test_an_order_number_typed_in_search_opens_the_order(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    from xrewards_desk.ui.customers.search import SearchView

    with local_desk(qapp, DeskTemplate(demo, tmp_path, demo.db, ""), tmp_path / "desk") as desk:
        assert desk.store is not None
        view = SearchView(desk.tasks, desk.store, desk.fmt, lambda: NOW)
        qtbot.addWidget(view)
        view.field.setText(ORDER.lower())  # as typed, in any case
        qtbot.waitUntil(lambda: view.order is not None and not view.pending, timeout=WAIT)
        assert view.order == (ORDER, ACCOUNT)
        assert view.model.rows[0].id == ACCOUNT
        assert view.info.text() == f"Order {ORDER} of customer {ACCOUNT}: Enter opens the order."
        with qtbot.waitSignal(view.open_order, timeout=WAIT) as opened:
            view._open_current()
        assert opened.args == [ACCOUNT, ORDER]
