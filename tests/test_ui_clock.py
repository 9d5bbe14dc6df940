"""One clock on the desk (ARCHITECTURE.md, "One clock"): a desktop (offscreen) signed in
to the real reference server with the demo moves its own clock and the server's
SettableClock, and what it shows follows, as the server tests move time.

The demo's account under a provider's notice (given 04.11.2026, eight working days before
the demo's Monday 16.11.2026): R23, 04.11. + 28 days = 02.12.2026 → effective 31.12.2026
(the month's end); active until the end of that day, terminated at the start of
01.01.2027, may redeem through 31.12. + 3 months = 31.03.2027, and everything left
expires at the start of 01.04.2027."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.case_harness import WAIT, Agent, signed_in, sync
from tests.demo_fixture import NOW, Demo
from tests.server_harness import Server
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.model import Status
from xrewards_desk.store import models as m

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.customers.page import CustomerView
from xrewards_desk.ui.customers.search import SearchView
from xrewards_desk.ui.qt import QApplication

#: R23 for the demo's running notice (worked out above)
GIVEN, EFFECTIVE, REDEEM_UNTIL = date(2026, 11, 4), date(2026, 12, 31), date(2027, 3, 31)


def _berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


@contextmanager
def _desk(qtbot: Any, qapp: QApplication, demo: Demo, template: DeskTemplate,
          folder: Path) -> Iterator[tuple[Server, Agent, SettableClock]]:
    with demo_server(demo, folder / "server") as server, \
            signed_in(qtbot, qapp, demo, template, server, folder / "desk",
                      "anna") as agent:
        clock = agent.desk.clock
        assert isinstance(clock, SettableClock) and clock.now() == server.clock.now() == NOW
        yield server, agent, clock


def _move(qtbot: Any, demo: Demo, server: Server, agent: Agent, clock: SettableClock,
          to: datetime) -> None:
    """Both clocks to `to`; signed in again (the token of 12 hours has run out, as it
    would overnight) and synced."""
    server.clock.set(to)
    clock.set(to)
    password = demo.info.password("anna")
    assert password is not None
    agent.session.sign_in(password)
    sync(qtbot, agent.desk)


def _running_notice(agent: Agent) -> str:
    store = agent.desk.store
    assert store is not None
    with store.session() as s:
        found = s.scalars(select(m.AccountRow.id).where(
            m.AccountRow.notice_at.is_not(None),
            m.AccountRow.status == Status.ACTIVE)).all()
    assert len(found) == 1, found
    return found[0]


def _local(agent: Agent, account: str) -> m.AccountRow:
    store = agent.desk.store
    assert store is not None
    with store.session() as s:
        row = s.get(m.AccountRow, account)
        assert row is not None
        return row


def _page(qtbot: Any, agent: Agent, account: str) -> CustomerView:
    """The customer's page, opened or reloaded as of the desk's clock."""
    agent.window.open_customer(account)
    page = agent.window.customers[account]
    assert isinstance(page, CustomerView)
    page.loaded = False
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    return page


def _flags(qtbot: Any, agent: Agent, account: str) -> str:
    """The search row's flags of `account`, searched as of the desk's clock."""
    desk = agent.desk
    assert desk.store is not None
    view = SearchView(desk.tasks, desk.store, desk.fmt, desk.now)
    qtbot.addWidget(view)
    view.field.setText(account)
    qtbot.waitUntil(lambda: any(r.id == account for r in view.model.rows)
                    and not view.pending, timeout=WAIT)
    row = next(r for r in view.model.rows if r.id == account)
    return view._flags(row)


def test_a_notice_takes_effect_as_the_desk_and_the_server_move_their_clocks(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """R23 as time passes on both sides: the last minute of the effective date the account
    is still active under notice; a minute later the server has written it terminated,
    the sync brings that and the page and the search say so with the last day to redeem;
    the day after that day everything left has expired and the page says the last day
    was. The sync notes its last success by the desk's clock."""
    with _desk(qtbot, qapp, demo, cases_template, tmp_path) as (server, agent, clock):
        account = _running_notice(agent)
        page = _page(qtbot, agent, account)
        running = ("Notice given 04 Nov 2026: active until 31 Dec 2026, may redeem until "
                   "31 Mar 2027 (T8.3, T8.4, R23)")
        assert running in page.ending.text()

        # 31.12.2026 23:59 Berlin: the effective date's last minute, still active (R23)
        _move(qtbot, demo, server, agent, clock, _berlin(2026, 12, 31, 23, 59))
        assert _local(agent, account).status is Status.ACTIVE
        page = _page(qtbot, agent, account)
        assert running in page.ending.text()
        assert _flags(qtbot, agent, account).startswith(
            "notice given 04 Nov 2026: active until 31 Dec 2026, may redeem until "
            "31 Mar 2027")
        assert agent.session.syncer.status.last_success == _berlin(2026, 12, 31, 23, 59)
        assert "Last sync: 31 Dec 2026 23:59" in agent.window.syncbar.last.text()

        # 01.01.2027 00:00 Berlin: terminated at the start of the day after the
        # effective date, written by the server as time passed and brought by the sync
        _move(qtbot, demo, server, agent, clock, _berlin(2027, 1, 1))
        row = _local(agent, account)
        assert row.status is Status.TERMINATED
        assert row.status_at == _berlin(2027, 1, 1)
        page = _page(qtbot, agent, account)
        assert page.page is not None and not page.page.under_notice
        assert page.page.redeem_last_day == REDEEM_UNTIL
        assert ("Terminated: may redeem until 31 Mar 2027, then the points left expire "
                "(T8.4, R23)") in page.ending.text()
        assert _flags(qtbot, agent, account).startswith(
            "terminated: may redeem until 31 Mar 2027")
        assert "Last sync: 01 Jan 2027 00:00" in agent.window.syncbar.last.text()

        # 01.04.2027 00:00 Berlin: the day after the last day to redeem, everything
        # left has expired (R23) and the page says the last day was
        _move(qtbot, demo, server, agent, clock, _berlin(2027, 4, 1))
        page = _page(qtbot, agent, account)
        assert page.page is not None and page.page.balance == 0
        assert ("Terminated: the last day to redeem was 31 Mar 2027 (T8.4, R23)"
                in page.ending.text())


def test_the_desk_reads_its_clock_before_the_sync_brings_anything(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """Only the desk's clock moved past the effective date (no sync, the local store
    still says active): the page and the search already count the notice as taken
    effect (R23), since the views read the desk's clock; moved back, the notice runs."""
    with _desk(qtbot, qapp, demo, cases_template, tmp_path) as (_server, agent, clock):
        account = _running_notice(agent)
        clock.set(_berlin(2027, 1, 1))
        page = _page(qtbot, agent, account)
        assert _local(agent, account).status is Status.ACTIVE
        assert ("Terminated: may redeem until 31 Mar 2027, then the points left expire "
                "(T8.4, R23)") in page.ending.text()
        assert _flags(qtbot, agent, account).startswith(
            "terminated: may redeem until 31 Mar 2027")
        clock.set(_berlin(2026, 12, 31, 23, 59))
        page = _page(qtbot, agent, account)
        assert "Notice given 04 Nov 2026: active until 31 Dec 2026" in page.ending.text()
