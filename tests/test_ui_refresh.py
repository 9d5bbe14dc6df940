"""Refresh after a sync as the anchors do it (issue 17 item 5): the pull reports which
records it wrote, the desk reads which customers and cases they belong to, and only the
open views that show one of them load again, keeping the selected row and the scroll; a
hidden view is marked stale and loads when it is shown. A desktop (offscreen) signed in to
the real reference server with the demo; the change comes from another session of the
server, as a colleague's would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.case_harness import WAIT, Agent, signed_in, sync
from tests.demo_fixture import Demo
from tests.server_harness import Client, Server
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.store import models as m
from xrewards_desk.store.changes import LIMIT, touched

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.customers.page import CustomerView
from xrewards_desk.ui.qt import QApplication


def _two_customers(agent: Agent) -> tuple[str, str]:
    """An active customer with a long history (more entries than the ledger shows at
    once), and an active one of another organisation that the first's page does not
    name (no colleague, no referral between them)."""
    store = agent.desk.store
    assert store is not None
    with store.session() as s:
        counted = s.execute(
            select(m.LedgerEntry.account_id, func.count().label("n"))
            .join(m.AccountRow, m.AccountRow.id == m.LedgerEntry.account_id)
            .where(m.AccountRow.status == "active")
            .group_by(m.LedgerEntry.account_id).order_by(func.count().desc(),
                                                         m.LedgerEntry.account_id)).first()
        assert counted is not None and counted[1] >= 25, counted
        first = s.get(m.AccountRow, counted[0])
        assert first is not None
        unrelated = [m.AccountRow.status == "active",
                     m.AccountRow.organisation_id != first.organisation_id,
                     m.AccountRow.referred_by.is_(None)]
        if first.referred_by is not None:
            unrelated.append(m.AccountRow.id != first.referred_by)
        other = s.scalars(select(m.AccountRow.id).where(*unrelated)
                          .order_by(m.AccountRow.id)).first()
        assert other is not None
        return first.id, other


def _colleague(server: Server, demo: Demo) -> Client:
    """Another session of the server (anna signed in elsewhere): what it sends reaches the
    desk only with a sync."""
    signed = server.sign_in("anna", demo.password("anna")).json()
    return Client(server.base, signed["token"], "anna",
                  datetime.fromisoformat(signed["expires_at"]))


def _adjust(client: Client, account: str, reason: str) -> None:
    """A small adjustment asked for on `account` (R21: a record of the account)."""
    client.ok({"type": "request_adjustment", "account": account, "points": 5,
               "reason": reason})


def _open(qtbot: Any, agent: Agent, account: str) -> CustomerView:
    agent.window.open_customer(account)
    page = agent.window.customers[account]
    assert isinstance(page, CustomerView)
    qtbot.waitUntil(lambda: page.loaded and page.ledger.loaded, timeout=WAIT)
    return page


def test_a_sync_refreshes_only_the_views_it_concerns_and_keeps_their_place(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Any) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "desk",
                      "anna") as agent:
        window = agent.window
        changed, unrelated = _two_customers(agent)
        other = _open(qtbot, agent, unrelated)
        page = _open(qtbot, agent, changed)
        assert window.tabs.currentWidget() is page
        # the changed customer's ledger: an entry far down selected, scrolled to it
        page.tabs.setCurrentWidget(page.ledger)
        table = page.ledger.table
        qtbot.waitUntil(lambda: len(page.ledger.model.rows) >= 25, timeout=WAIT)
        table.selectRow(22)
        table.scrollTo(page.ledger.model.index(22, 0))
        qtbot.wait(50)
        selected = page.ledger.model.rows[22].id
        scroll = table.verticalScrollBar().value()
        assert scroll > 0  # the table does scroll: its place is worth keeping

        colleague = _colleague(server, demo)
        _adjust(colleague, changed, "refresh test: shown page")
        loads, ledger_loads, other_loads = page.loads, page.ledger.model.loads, other.loads
        sync(qtbot, agent.desk)
        qtbot.waitUntil(lambda: page.loads == loads + 1
                        and page.ledger.model.loads == ledger_loads + 1, timeout=WAIT)
        qtbot.wait(300)  # time for a needless load of the other page to show
        assert other.loads == other_loads  # its customer did not change
        assert page.loads == loads + 1
        current = page.ledger.model.row(table.currentIndex())
        assert current is not None and current.id == selected
        assert table.verticalScrollBar().value() == scroll

        # hidden: marked stale, loaded when shown again
        window.tabs.setCurrentWidget(other)
        qtbot.wait(50)
        _adjust(colleague, changed, "refresh test: hidden page")
        loads, other_loads = page.loads, other.loads
        sync(qtbot, agent.desk)
        qtbot.waitUntil(lambda: page in window.stale, timeout=WAIT)
        qtbot.wait(300)
        assert (page.loads, other.loads) == (loads, other_loads)
        window.tabs.setCurrentWidget(page)
        qtbot.waitUntil(lambda: page.loads == loads + 1, timeout=WAIT)
        assert page not in window.stale
        assert other.loads == other_loads

        # a sync that brings nothing loads nothing
        loads = page.loads
        sync(qtbot, agent.desk)
        qtbot.wait(300)
        assert page.loads == loads


def test_changed_records_are_traced_to_their_customers_and_cases(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Any) -> None:
    """What concerns whom: an entry its account, a mail its case, a transfer both of its
    accounts and its case; a record no longer there, the program, or more records than
    are looked up one by one concern every view."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "desk",
                      "anna") as agent:
        store = agent.desk.store
        assert store is not None
        with store.session() as s:
            entry = s.scalars(select(m.LedgerEntry).order_by(m.LedgerEntry.id)).first()
            mail = s.scalars(select(m.MailMessage).order_by(m.MailMessage.id)).first()
            transfer = s.scalars(select(m.TransferRequestRow).order_by(
                m.TransferRequestRow.id)).first()
            assert entry is not None and mail is not None and transfer is not None
            changes = touched(s, {"entry": [entry.id], "mail_message": [str(mail.id)],
                                  "transfer_request": [str(transfer.id)],
                                  "staff": ["ben"]})
            assert not changes.everything
            assert changes.accounts == {entry.account_id, transfer.source_id,
                                        transfer.target_id}
            assert changes.cases == {mail.case_id} | (
                {transfer.case_id} if transfer.case_id is not None else set())
            assert changes.account(entry.account_id) and changes.case(mail.case_id)
            assert changes.any("staff") and not changes.any("claim")
            assert touched(s, {"entry": ["no-such-entry"]}).everything
            assert touched(s, {"program": ["1"]}).everything
            assert touched(s, {"entry": [str(i) for i in range(LIMIT + 1)]}).everything
            assert not touched(s, {})

