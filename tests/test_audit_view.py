"""The audit view (R27: team leads and compliance) against the real reference server on
127.0.0.1 with the demo program (pytest-qt, offscreen): the filters narrow the list, pages
load on demand, the detail is the record's JSON, "Verify chain" reports an intact chain,
then the record edited or deleted by hand in the server's store; an agent is refused by
the view and by the server; offline, the view says so.

Expected records come from the server's store by plain SQL, never from the widgets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text

from tests.demo_fixture import Demo
from tests.server_harness import Client, Server, register
from tests.ui_harness import DeskTemplate, build_template, demo_server
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.store import audit
from xrewards_desk.store import models as m
from xrewards_desk.sync import audit_head
from xrewards_desk.sync.client import ApiClient, Refused

pytest.importorskip("PySide6.QtWidgets")

from tests.case_harness import local_desk, sign_in
from xrewards_desk.ui.qt import QApplication, QDate
from xrewards_desk.ui.review.audit import AuditView
from xrewards_desk.ui.widgets.pickers import NO_DATE

WAIT = 60_000


@pytest.fixture(scope="session")
def audit_template(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> DeskTemplate:
    return build_template(demo, tmp_path_factory.mktemp("audit-template"))


@contextmanager
def audit_view(qtbot: Any, qapp: QApplication, demo: Demo, template: DeskTemplate,
               server: Server, folder: Path, user: str) -> Iterator[AuditView]:
    """An audit view on a desktop of its own (a copy of the synced demo store, for the
    staff's names) signed in as `user` against `server`."""
    with local_desk(qapp, template, folder) as desk:
        sign_in(desk, demo, server, user)
        view = AuditView(desk)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitUntil(lambda: bool(view.names), timeout=WAIT)  # the staff's names
        yield view


def qdate(d: date | None) -> QDate:
    return NO_DATE if d is None else QDate(d.year, d.month, d.day)


def show(qtbot: Any, view: AuditView, *, actor: str = "", action: str = "",
         account: str = "", since: date | None = None, until: date | None = None,
         everything: bool = True) -> list[int]:
    """Set the filters as a person would, load, and (with `everything`) every page."""
    view.person.setCurrentIndex(view.person.findData(actor))
    view.action.setCurrentIndex(view.action.findData(action))
    view.customer.setText(account)
    view.since.setDate(qdate(since))
    view.until.setDate(qdate(until))
    assert view.person.currentData() == actor and view.action.currentData() == action
    view.refresh()
    qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
    while everything and view.more:
        count = len(view.model.rows)
        view.more_button.click()
        qtbot.waitUntil(lambda n=count: view.loaded and len(view.model.rows) > n,
                        timeout=WAIT)
    return [r.id for r in view.model.rows]


def ids(server: Server, *where: Any) -> list[int]:
    with server.store.session() as s:
        return list(s.scalars(select(m.AuditRecord.id).where(*where)
                              .order_by(m.AuditRecord.id)))


def naming(server: Server, account: str) -> list[int]:
    """The records whose subject is the account or one of whose detail's values names
    the customer number as a whole word (SQLite's json_tree and GLOB)."""
    boundary = "[^0-9A-Za-z_-]"
    with server.store.session() as s:
        return list(s.scalars(text(
            "SELECT id FROM audit_log WHERE subject = :subject UNION "
            "SELECT a.id FROM audit_log a, json_tree(a.detail) t WHERE t.type = 'text' "
            "AND (' ' || t.atom || ' ') GLOB :pattern ORDER BY 1"),
            {"subject": f"account:{account}",
             "pattern": f"*{boundary}{account}[^0-9A-Za-z_]*"}))


def start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def test_the_filters_narrow_the_log(qtbot: Any, qapp: QApplication, demo: Demo,
                                    audit_template: DeskTemplate, tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            audit_view(qtbot, qapp, demo, audit_template, server, tmp_path / "d",
                       "tessa") as view:
        assert view.pages.currentIndex() == 0  # a team lead sees the log
        a = m.AuditRecord
        # by person
        tessa = ids(server, a.actor == "tessa")
        assert tessa and show(qtbot, view, actor="tessa") == tessa
        assert {r.actor for r in view.model.rows} == {"tessa"}
        assert view.model.rows[0].role == "team_lead"
        # by action
        approvals = ids(server, a.action == "approve_transfer")
        assert approvals and show(qtbot, view, action="approve_transfer") == approvals
        # by person and action together
        assert show(qtbot, view, actor="ben", action="request_transfer") == ids(
            server, a.actor == "ben", a.action == "request_transfer")
        # by customer: the transfer's source, named in the command and in its entries
        with server.store.session() as s:
            request = s.scalars(select(m.TransferRequestRow).order_by(
                m.TransferRequestRow.id)).first()
            assert request is not None
            source = request.source_id
        expected = naming(server, source)
        shown = show(qtbot, view, account=source)
        assert shown == expected
        assert any(r.action == "approve_transfer" for r in view.model.rows)
        assert any(r.action == "register" for r in view.model.rows)
        # a customer number is matched whole: its first digits name nobody
        assert naming(server, source[:-1]) == []
        assert show(qtbot, view, account=source[:-1]) == []
        assert "0 records" in view.status.text()
        # by customer, where only a note's text names the number (the referrer of the
        # demo's first reported self-referral)
        with server.store.session() as s:
            report = s.scalars(select(m.AuditRecord).where(
                a.action == "report_suspicion").order_by(a.id)).first()
            assert report is not None
        named = [w.strip("(),.;") for w in report.detail["command"]["text"].split()
                 if w.strip("(),.;").startswith("XR-")]
        referrer = next(n for n in named if n != report.detail["command"]["account"])
        assert report.id in naming(server, referrer)
        assert show(qtbot, view, account=referrer) == naming(server, referrer)
        # by period: 05.10. to 06.10. (Berlin days; "to" includes its day)
        since, until = date(2026, 10, 5), date(2026, 10, 6)
        period = ids(server, a.at >= start(since), a.at < start(date(2026, 10, 7)))
        assert period and show(qtbot, view, since=since, until=until) == period
        # and with a person
        assert show(qtbot, view, actor="ben", since=since, until=until) == ids(
            server, a.actor == "ben", a.at >= start(since), a.at < start(date(2026, 10, 7)))

        # paged: a page, then "Load more" appends the next
        view.page_size = 50
        registrations = ids(server, a.action == "register")
        first = show(qtbot, view, action="register", everything=False)
        assert first == registrations[:50] and view.more
        assert view.more_button.isEnabled()
        assert "Load more" in view.status.text()
        view.more_button.click()
        qtbot.waitUntil(lambda: view.loaded and len(view.model.rows) == 100, timeout=WAIT)
        assert [r.id for r in view.model.rows] == registrations[:100]

        # the detail pane: the selected record's detail, pretty-printed JSON
        view.page_size = 200
        show(qtbot, view, action="approve_transfer")
        view.table.selectRow(0)
        row = view.model.rows[0]
        with server.store.session() as s:
            stored = s.get(m.AuditRecord, row.id)
            assert stored is not None
            detail = stored.detail
        body = view.detail.toPlainText()
        assert body.startswith(f"Record #{row.id},")
        assert json.loads(body.split("\n\n", 1)[1]) == detail
        assert '\n  "command": {' in body  # indented, one key a line
        assert row.case == ""  # a transfer's approval names no case
        # a mail case's records show their case
        show(qtbot, view, action="assign_mail_case")
        assert all(r.case == f"#{r.subject.split(':')[1]}" for r in view.model.rows)


def test_verify_reports_intact_then_the_record_broken_by_hand(
        qtbot: Any, qapp: QApplication, demo: Demo, audit_template: DeskTemplate,
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            audit_view(qtbot, qapp, demo, audit_template, server, tmp_path / "d",
                       "clara") as view:
        def verify() -> str:
            answered = view.verification
            view.verify_button.click()
            qtbot.waitUntil(lambda: not view.verifying and view.verification is not answered,
                            timeout=WAIT)
            return view.chain.text()

        with server.store.session() as s:
            count = s.scalar(select(func.count()).select_from(m.AuditRecord))
        assert verify() == f"Chain intact: {count:,} records checked."
        answer = view.verification
        assert answer is not None
        assert (answer.ok, answer.checked, answer.first_broken, answer.breaks) \
            == (True, count, None, [])
        # the server signed the demo's records when it started (issue 18 item 5)
        assert answer.signed is not None and answer.signed.record == count
        assert answer.unsigned == 0

        # someone edits one record's detail in the server's store
        target = ids(server, m.AuditRecord.actor == "tessa")[0]
        with server.store.session() as s:
            s.execute(text("UPDATE audit_log SET detail = json_set(detail, '$.created', "
                           "'edited by hand') WHERE id = :id"), {"id": target})
        said = verify()
        assert said.startswith(f"First broken record: #{target} (edited).")
        assert f"the {target - 1:,} records before it hold" in said
        assert view.verification is not None
        broken = view.verification.first_broken
        assert broken is not None and broken.id == target and broken.reason == "edited"
        with server.store.session() as s:
            at = s.scalar(select(m.AuditRecord.at).where(m.AuditRecord.id == target))
        assert broken.at == at

        # ... or deletes one (an earlier one): the first break is now that gap
        missing = target - 10
        with server.store.session() as s:
            s.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": missing})
        assert verify().startswith(f"First broken record: #{missing} (missing).")


def test_an_agent_is_refused_by_the_view_and_the_server(
        qtbot: Any, qapp: QApplication, demo: Demo, audit_template: DeskTemplate,
        tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            audit_view(qtbot, qapp, demo, audit_template, server, tmp_path / "d",
                       "anna") as view:
        assert view.pages.currentIndex() == 1
        assert view.refusal.text() == "The audit log is for team leads and compliance (R27)."
        view.refresh()
        assert view.loaded and view.model.rows == []
        view.verify()
        assert view.verification is None and not view.verifying
        client = view.desk.session.client
        for call in (lambda: client.audit(), client.audit_verify):
            with pytest.raises(Refused) as refused:
                call()
            assert refused.value.status == 403 and refused.value.code == "forbidden"


def test_offline_the_view_says_so(qtbot: Any, qapp: QApplication, demo: Demo,
                                  audit_template: DeskTemplate, tmp_path: Path) -> None:
    with demo_server(demo, tmp_path / "server") as server, \
            audit_view(qtbot, qapp, demo, audit_template, server, tmp_path / "d",
                       "tessa") as view:
        shown = show(qtbot, view, actor="tessa")
        session = view.desk.session
        session.client = ApiClient("http://127.0.0.1:9", session.client.token, retries=0,
                                   timeout=(0.5, 0.5))
        view.refresh()
        assert not view.loaded  # asked off the GUI thread: the window goes on
        qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
        assert "cannot be reached now (offline)" in view.status.text()
        assert [r.id for r in view.model.rows] == shown  # what it showed stays
        view.verify_button.click()
        qtbot.waitUntil(lambda: not view.verifying, timeout=WAIT)
        assert "offline" in view.chain.text()


# --------------------------------------------------------------------------- signed head


def test_the_desktop_warns_when_the_signed_head_it_saw_is_gone(
        qtbot: Any, qapp: QApplication, demo: Demo, audit_template: DeskTemplate,
        tmp_path: Path) -> None:
    """Issue 18 item 5: the view remembers the newest signed checkpoint it saw (in the
    desktop's store) and asks the server whether its chain still has that record with
    that hash. Someone deletes the newest records and the checkpoints that signed them:
    the database alone then shows no break, but the desktop warns."""
    with demo_server(demo, tmp_path / "server") as server, \
            audit_view(qtbot, qapp, demo, audit_template, server, tmp_path / "d",
                       "clara") as view:
        def checked() -> audit_head.HeadCheck:
            view.head_check = None
            view.check_head()
            qtbot.waitUntil(lambda: view.head_check is not None and not view.head_checking,
                            timeout=WAIT)
            assert view.head_check is not None
            return view.head_check

        def seen() -> audit_head.SeenHead:
            head = audit_head.remembered(view.desk.store, view.desk.session.api)
            assert head is not None
            return head

        with server.store.session() as s:
            demo_head = audit.head(s)
        first = checked()  # the first look: the server's head is remembered
        assert first.status == "first" and not first.warning
        assert (seen().record, seen().head_hash) == demo_head
        assert view.head.text().startswith(f"Signed head: record {demo_head[0]} (")

        # three more records, signed as the server's job does each minute
        signed = server.sign_in("shop", demo.password("shop")).json()
        server.clients["shop"] = Client(server.base, signed["token"], "shop",
                                        datetime.fromisoformat(signed["expires_at"]))
        for n in (1, 2, 3):
            register(server, f"XR-99{n}")
        server.service.audit_checkpoint()
        later = checked()
        assert later.status == "holds" and seen().record == demo_head[0] + 3
        remembered = seen()
        assert view.head.text().endswith(
            "the server's log still contains what this desktop saw before.")

        # the attack: the newest two records and the checkpoint naming them deleted
        with server.store.session() as s:
            s.execute(delete(m.AuditRecord).where(m.AuditRecord.id > demo_head[0] + 1))
            s.execute(delete(m.AuditCheckpoint).where(
                m.AuditCheckpoint.record > demo_head[0] + 1))
            key = server.service.audit_key
            assert key is not None
            assert audit.check(s, {key.key_id: key.public}).ok  # nothing shows there
        gone = checked()
        assert gone.status == "gone" and gone.warning and gone.found is None
        when = view.desk.fmt().when(remembered.at)
        assert view.head.text() == (
            f"Warning: the server's audit log no longer contains record {remembered.record} "
            f"as this desktop saw it signed ({when}): records were deleted since. Tell the "
            "administrator and keep this desktop's store as evidence.")
        assert "#b91c1c" in view.head.styleSheet()
        assert seen() == remembered  # the warning stays until someone looks into it
