"""One timeline per customer (issue 19 item 3), on the demo: case 21 ("No points for
order XO-2025-003782") as its customer's timeline tells it, filtered by kind and by
period, and the customer page's Timeline tab with its CSV export in the UI's language."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from tests.case_harness import WAIT, local_desk, signed_in, sync
from tests.demo_fixture import Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.store.read.timeline import Filter, Kind, timeline
from xrewards_desk.ui.qt import QApplication

ACCOUNT = "XR-1004387"  # the customer of the demo's case 21
ORDER = "XO-2025-003782"


@pytest.fixture
def conn(demo: Demo) -> Any:
    engine = create_engine(f"sqlite:///{demo.db}")
    with engine.connect() as c:
        yield c
    engine.dispose()


def test_case_21_as_its_customers_timeline_tells_it(conn: Any) -> None:
    items = timeline(conn, ACCOUNT)
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)
    assert {i.kind for i in items} >= {Kind.MAIL, Kind.CASE, Kind.NOTE, Kind.NOTICE, Kind.ORDER}
    mail = next(i for i in items if i.kind is Kind.MAIL and i.ref == ("case", "21"))
    assert mail.event == "in" and ORDER in mail.text
    opened = next(i for i in items if i.kind is Kind.CASE and i.ref == ("case", "21"))
    assert opened.at >= mail.at  # the case is opened from its first mail
    assert any(i.kind is Kind.NOTE and i.ref == ("case", "21") for i in items)
    # the order the customer asks about was placed, paid and delivered before it completed
    # (R6: both needed), and its credit is the one the credit notice of that instant
    # reported (R24): the answer to "where are my points" is on the timeline
    milestones = {i.event: i for i in items if i.ref == ("order", ORDER)}
    assert {"placed", "paid", "delivered", "completed"} <= milestones.keys()
    done = milestones["completed"]
    assert done.points is not None and done.points > 0
    notice = next(i for i in items if i.kind is Kind.NOTICE and i.event == "credit"
                  and i.at == done.at)
    assert notice.points == done.points
    assert milestones["placed"].at <= milestones["paid"].at <= done.at
    assert milestones["delivered"].at <= done.at


def test_filters_by_kind_and_by_berlin_period(conn: Any) -> None:
    everything = timeline(conn, ACCOUNT)
    notes = timeline(conn, ACCOUNT, Filter(frozenset({Kind.NOTE})))
    assert notes and all(i.kind is Kind.NOTE for i in notes)
    assert notes == [i for i in everything if i.kind is Kind.NOTE]
    two = timeline(conn, ACCOUNT, Filter(frozenset({Kind.MAIL, Kind.ORDER})))
    assert two == [i for i in everything if i.kind in (Kind.MAIL, Kind.ORDER)]
    day = berlin_date(next(i for i in everything if i.ref == ("case", "21")).at)
    that_day = timeline(conn, ACCOUNT, Filter(since=day, until=day))
    assert that_day and all(berlin_date(i.at) == day for i in that_day)
    assert that_day == [i for i in everything if berlin_date(i.at) == day]
    in_2025 = timeline(conn, ACCOUNT, Filter(since=date(2025, 1, 1), until=date(2025, 12, 31)))
    assert in_2025 == [i for i in everything if berlin_date(i.at).year == 2025]
    assert timeline(conn, "XR-NOBODY") == []


def test_the_timeline_tab_filters_and_exports_in_german(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    from xrewards_desk.ui.customers.page import CustomerView

    with local_desk(qapp, DeskTemplate(demo, tmp_path, demo.db, ""), tmp_path / "desk") as desk:
        page = CustomerView(desk, ACCOUNT)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
        assert page.timeline.loads == 0  # read only once its tab is shown
        page.show_timeline()
        qtbot.waitUntil(lambda: page.timeline.loads == 1, timeout=WAIT)
        rows = page.timeline.model.rows
        assert desk.store is not None
        with desk.store.session() as s:
            assert rows == timeline(s, ACCOUNT)
        for kind, box in page.timeline.kinds.items():
            box.setChecked(kind is Kind.MAIL)
        qtbot.waitUntil(lambda: all(i.kind is Kind.MAIL
                                    for i in page.timeline.model.rows), timeout=WAIT)
        mails = page.timeline.model.rows
        assert mails and len(mails) < len(rows)
        desk.language.switch("de")
        page.retranslate()
        assert page.timeline.kinds[Kind.MAIL].text() == "E-Mail"
        out = page.timeline.export_csv(tmp_path / "timeline.csv")
        assert out is not None
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with its mark, for spreadsheets
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert table[0][:3] == ["Wann", "Art", "Was"]
        assert len(table) == len(mails) + 1
        assert all(row[1] == "E-Mail" for row in table[1:])
        assert any(row[2] == "E-Mail erhalten" for row in table[1:])


def test_a_note_on_the_customer_reaches_every_desk_and_the_audit_log(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """Compliance (clara) writes a note on the customer's timeline: it shows at once as
    waiting to be sent, is pushed with the sync, comes back as the server's note with her
    name, reaches an agent's desktop (anna) with its next sync, and the server's audit log
    records it (issue 19 item 3; R27: every person at a desk may)."""
    from sqlalchemy import select

    from xrewards_desk.store import models as m
    from xrewards_desk.ui.customers.page import CustomerView

    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "c",
                      "clara") as clara:
        page = CustomerView(clara.desk, ACCOUNT)
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
        page.show_timeline()
        view = page.timeline
        qtbot.waitUntil(lambda: view.loads == 1, timeout=WAIT)
        assert view.note_button.isEnabled()
        clara.desk.sync.running = True  # type: ignore[union-attr]  # hold the push back
        view.note.setPlainText("Called about XO-2025-003782; explained R6.")
        view.add_note()
        qtbot.waitUntil(lambda: any(i.event == "waiting" for i in view.model.rows),
                        timeout=WAIT)
        assert view.note.toPlainText() == ""
        waiting_note = next(i for i in view.model.rows if i.event == "waiting")
        assert view.event_text(waiting_note) == "Note on the customer (waiting to be sent)"
        clara.desk.sync.running = False  # type: ignore[union-attr]
        sync(qtbot, clara.desk)
        view.refresh()
        qtbot.waitUntil(lambda: any(i.event == "customer" for i in view.model.rows),
                        timeout=WAIT)
        note = next(i for i in view.model.rows if i.event == "customer")
        assert note.who == "clara" and note.text == "Called about XO-2025-003782; explained R6."
        assert not any(i.event == "waiting" for i in view.model.rows)
        with server.store.session() as s:
            audited = s.scalars(select(m.AuditRecord).where(
                m.AuditRecord.action == "note_customer")).all()
        assert [(a.actor, a.outcome) for a in audited] == [("clara", "applied")]
        with signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                       "anna") as anna:
            assert anna.desk.store is not None
            with anna.desk.store.session() as s:
                notes = [i for i in timeline(s, ACCOUNT) if i.kind is Kind.NOTE
                         and i.event == "customer"]
            assert [(n.who, n.text) for n in notes] == [
                ("clara", "Called about XO-2025-003782; explained R6.")]
