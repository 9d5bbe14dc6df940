"""R23 on the desk: the provider-termination dialog states the notice's effective date and
the last day to redeem before anything is recorded (and records no second notice while one
runs); the customer page and the search results flag an account under notice with both
dates and a terminated one with its last day to redeem. R25 in the demo: an objection to
an expiry on schedule is rejected citing T4.5, only an error is upheld, and the decision
dialog pre-fills the reason from what the notice reported.

Every expected date is worked out by hand from RULES.md (R23: the Berlin date of the
notice plus 28 days, to that month's end; plus three months to redeem)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.case_harness import WAIT, as_command, local_desk
from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate
from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN, berlin_date
from xrewards_desk.domain.model import EntryType, Status
from xrewards_desk.store import models as m
from xrewards_desk.store.read.cases import objection_rows
from xrewards_desk.store.read.customers import customer_page, customer_rows
from xrewards_desk.store.read.objections import notice_facts
from xrewards_desk.store.search import search
from xrewards_desk.ui.cases.dialogs import REJECT, UPHOLD, DecideObjectionDialog, TerminateDialog
from xrewards_desk.ui.qt import QApplication, QDialogButtonBox, QLabel
from xrewards_desk.ui.widgets.i18n import Fmt


def _berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


def _label(dialog: Any, name: str) -> str:
    found = dialog.findChild(QLabel, name)
    assert found is not None, name
    return str(found.text())


def test_the_dialog_states_the_notice_dates_before_anything_is_recorded(
        qtbot: Any, qapp: QApplication) -> None:
    """R23: given 06.12.2026 → 06.12. + 28 days = 03.01.2027 → effective 31.01.2027,
    terminated from 01.02.2027, redeem through 31.01. + 3 months = 30.04.2027."""
    clock = SettableClock(_berlin(2026, 12, 6, 14, 30))
    dialog = TerminateDialog(Fmt("de"), "XR-1", "Anna Beispiel", 7, 1234, False, clock.now())
    qtbot.addWidget(dialog)
    assert "31.01.2027" in _label(dialog, "effective")
    assert "30.04.2027" in _label(dialog, "redeem_until")
    text = _label(dialog, "consequence")
    for part in ("31.01.2027", "01.02.2027", "30.04.2027", "1.234", "T8.3", "T8.4"):
        assert part in text, part
    dialog.accept()
    assert dialog.body is None  # no reason, not confirmed: nothing recorded
    dialog.reason.setText("Rahmenvertrag beendet")
    dialog.confirm.setChecked(True)
    dialog.accept()
    assert dialog.body == as_command({"type": "terminate_account", "account": "XR-1",
                                      "version": 7, "reason": "Rahmenvertrag beendet"})

    english = TerminateDialog(Fmt("en"), "XR-1", "Anna Beispiel", 7, 1234, False, clock.now())
    qtbot.addWidget(english)
    assert "31 Jan 2027" in _label(english, "effective")
    assert "30 Apr 2027" in _label(english, "redeem_until")

    # R23's second example: given 03.12.2026 → 31.12.2026; redeem through 31.03.2027
    clock.set(_berlin(2026, 12, 3, 9))
    dialog = TerminateDialog(Fmt("de"), "XR-1", "A", 7, 0, False, clock.now())
    qtbot.addWidget(dialog)
    assert "31.12.2026" in _label(dialog, "effective")
    assert "31.03.2027" in _label(dialog, "redeem_until")

    # the Berlin date counts: 03.12.2026 23:30 UTC is 04.12.2026 00:30 in Berlin, and
    # 04.12. + 28 days = 01.01.2027 → effective 31.01.2027 (the UTC date would give
    # 31.12.2026); redeem through 30.04.2027
    clock.set(datetime(2026, 12, 3, 23, 30, tzinfo=UTC))
    dialog = TerminateDialog(Fmt("de"), "XR-1", "A", 7, 0, False, clock.now())
    qtbot.addWidget(dialog)
    assert "31.01.2027" in _label(dialog, "effective")
    assert "30.04.2027" in _label(dialog, "redeem_until")


def test_a_running_notice_is_stated_and_no_second_one_is_offered(
        qtbot: Any, qapp: QApplication) -> None:
    """R23: while a notice runs (given 06.12.2026: until the end of 31.01.2027) the
    dialog names its dates and records nothing (the server would answer invalid_state);
    from 01.02.2027 00:00 Berlin it has taken effect and the dialog is the usual one."""
    given = _berlin(2026, 12, 6, 10)
    clock = SettableClock(_berlin(2027, 1, 15, 9))
    for at in (_berlin(2027, 1, 15, 9), _berlin(2027, 1, 31, 23, 59)):
        clock.set(at)
        dialog = TerminateDialog(Fmt("de"), "XR-1", "A", 7, 500, False, clock.now(),
                                 notice_at=given)
        qtbot.addWidget(dialog)
        assert dialog.running
        text = _label(dialog, "consequence")
        for part in ("06.12.2026", "31.01.2027", "30.04.2027", "invalid_state"):
            assert part in text, part
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok) is None
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close) is not None
        assert not dialog.reason.isVisibleTo(dialog) and not dialog.confirm.isVisibleTo(dialog)
        dialog.accept()
        assert dialog.body is None and "R23" in dialog.error.text()
    # taken effect: a new notice now (01.02.2027 + 28 days = 01.03.2027 → 31.03.2027,
    # redeem through 30.06.2027); the customer page no longer offers it (terminated)
    clock.set(_berlin(2027, 2, 1))
    dialog = TerminateDialog(Fmt("de"), "XR-1", "A", 7, 500, False, clock.now(),
                             notice_at=given)
    qtbot.addWidget(dialog)
    assert not dialog.running
    assert "31.03.2027" in _label(dialog, "effective")
    assert "30.06.2027" in _label(dialog, "redeem_until")
    # termination for cause during a notice applies at once (R23): it is offered
    cause = TerminateDialog(Fmt("de"), "XR-1", "A", 7, 500, True, _berlin(2027, 1, 15),
                            notice_at=given)
    qtbot.addWidget(cause)
    assert not cause.running
    assert cause.buttons.button(QDialogButtonBox.StandardButton.Ok) is not None


# --------------------------------------------------------------------------- the demo


#: 8 working days before Monday 16.11.2026: 13., 12., 11., 10., 9., 6., 5., 4.11.2026;
#: 04.11. + 28 days = 02.12.2026 → effective 31.12.2026, redeem through 31.03.2027
RUNNING_GIVEN, RUNNING_EFFECTIVE, RUNNING_REDEEM = (
    date(2026, 11, 4), date(2026, 12, 31), date(2027, 3, 31))
#: 70 working days (14 weeks) before Monday 16.11.2026: Monday 10.08.2026; + 28 days =
#: 07.09.2026 → effective 30.09.2026, terminated from 01.10.2026, redeem through the same
#: calendar date three months on: 30.12.2026 (not the month's end: R23 clamps only where
#: the date does not exist)
ENDED_GIVEN, ENDED_REDEEM = date(2026, 8, 10), date(2026, 12, 30)


def _desk_on_demo(qapp: QApplication, demo: Demo, folder: Path) -> Any:
    """A desktop (not signed in) on a copy of the demo's store: the same tables and
    search index a desktop's synced store has (the feed carrying the notice is checked
    on its own below)."""
    return local_desk(qapp, DeskTemplate(demo, folder, demo.db, ""), folder / "desk")


def _notice_accounts(store: Any) -> tuple[str, str]:
    with store.session() as s:
        rows = s.execute(select(m.AccountRow.id, m.AccountRow.status, m.AccountRow.notice_at)
                         .where(m.AccountRow.notice_at.is_not(None))).all()
    running = [r for r in rows if r.status is Status.ACTIVE]
    ended = [r for r in rows if r.status is Status.TERMINATED]
    assert len(running) == 1 and len(ended) == 1, rows
    assert berlin_date(running[0].notice_at) == RUNNING_GIVEN
    assert berlin_date(ended[0].notice_at) == ENDED_GIVEN
    return running[0].id, ended[0].id


def test_the_demo_has_a_notice_running_today_and_one_that_took_effect(demo: Demo) -> None:
    """R23 in the demo's server store: one account under notice (still active), one
    terminated at the start of the day after its effective date, written by time's
    passing, within its three months to redeem."""
    running, ended = _notice_accounts(demo.service.store)
    with demo.service.store.session() as s:
        row = s.get(m.AccountRow, ended)
        assert row is not None and row.status_at == _berlin(2026, 10, 1)
        page = customer_page(s, running, NOW)
        assert page is not None and page.under_notice
        assert (page.notice_effective, page.notice_redeem_until) == (RUNNING_EFFECTIVE,
                                                                    RUNNING_REDEEM)
        page = customer_page(s, ended, NOW)
        assert page is not None and not page.under_notice
        assert page.profile.status is Status.TERMINATED
        assert page.redeem_last_day == ENDED_REDEEM
        # the change feed carries both, so a desktop's sync has them
        for account, status in ((running, "active"), (ended, "terminated")):
            change = s.scalars(select(m.ChangeRow).where(
                m.ChangeRow.kind == "account", m.ChangeRow.record_id == account)
                .order_by(m.ChangeRow.seq.desc()).limit(1)).one()
            assert change.data is not None and change.data["status"] == status
            assert change.data["notice_at"] is not None
    assert demo.info.counts["accounts_under_notice"] == 1
    assert demo.info.counts["accounts_terminated"] == 1


def test_the_customer_page_and_search_flag_the_notice(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    """The page and the search rows of the demo's account under notice carry both dates
    (English and German), the terminated one its last day to redeem; and once the
    effective date has passed the read model counts the account terminated although the
    store (a desktop's before its next sync) still says active (as of 01.01.2027)."""
    from xrewards_desk.ui.customers.page import CustomerView
    from xrewards_desk.ui.customers.search import SearchView

    with _desk_on_demo(qapp, demo, tmp_path) as desk:
        assert desk.store is not None
        running, ended = _notice_accounts(desk.store)
        expected = {
            running: ("Notice given 04 Nov 2026: active until 31 Dec 2026, may redeem until "
                      "31 Mar 2027 (T8.3, T8.4, R23)",
                      "notice given 04 Nov 2026: active until 31 Dec 2026, may redeem until "
                      "31 Mar 2027"),
            ended: ("Terminated: may redeem until 30 Dec 2026, then the points left expire "
                    "(T8.4, R23)", "terminated: may redeem until 30 Dec 2026")}
        german = {
            running: ("Gekündigt am 04.11.2026: aktiv bis 31.12.2026, letzter Tag der "
                      "Einlösung 31.03.2027 (T8.3, T8.4, R23)",
                      "gekündigt am 04.11.2026: aktiv bis 31.12.2026, letzter Tag der "
                      "Einlösung 31.03.2027"),
            ended: ("Gekündigt: letzter Tag der Einlösung 30.12.2026, danach verfallen die "
                    "restlichen X-Points (T8.4, R23)",
                    "gekündigt: letzter Tag der Einlösung 30.12.2026")}
        for account in (running, ended):
            desk.language.switch("en")
            page = CustomerView(desk, account)
            qtbot.addWidget(page)
            qtbot.waitUntil(lambda p=page: p.loaded, timeout=WAIT)
            assert page.ending.isVisibleTo(page)
            assert expected[account][0] in page.ending.text()
            search_view = SearchView(desk.tasks, desk.store, desk.fmt, lambda: NOW)
            qtbot.addWidget(search_view)
            search_view.field.setText(account)
            qtbot.waitUntil(lambda v=search_view: bool(v.model.rows) and not v.pending,
                            timeout=WAIT)
            row = next(r for r in search_view.model.rows if r.id == account)
            assert search_view._flags(row).startswith(expected[account][1])
            desk.language.switch("de")
            page.retranslate()
            assert german[account][0] in page.ending.text()
            assert search_view._flags(row).startswith(german[account][1])
        desk.language.switch("en")
        # as of 01.01.2027 00:00 Berlin the notice has taken effect (R23), sync or not
        later = _berlin(2027, 1, 1)
        with desk.store.session() as s:
            assert s.get(m.AccountRow, running).status is Status.ACTIVE  # type: ignore[union-attr]
            row = customer_rows(s, search(s, running), later)[0]
            page_later = customer_page(s, running, later)
        assert row.status is Status.TERMINATED and not row.under_notice
        assert row.redeem_until == RUNNING_REDEEM
        assert page_later is not None and page_later.profile.status is Status.TERMINATED
        assert page_later.redeem_last_day == RUNNING_REDEEM


def test_the_demo_upholds_only_an_error_and_rejects_an_expiry_on_schedule(
        demo: Demo) -> None:
    """R25 (T3.9, T4.5): no objection to an expiry on schedule is upheld as an error; the
    demo rejects one citing T4.5; the one it upholds is a debit the data shows wrong (its
    order was completed and never cancelled)."""
    upheld, rejected_expiries = [], []
    with demo.service.store.session() as s:
        objections = s.scalars(select(m.Objection).where(
            m.Objection.kind == m.ObjectionKind.NOTICE)).all()
        for objection in objections:
            facts = notice_facts(s, objection.notice_id)
            assert facts is not None
            if facts.expiry:
                assert facts.expiry_on_schedule  # the engine's expiries are never early
            if objection.status is m.ObjectionStatus.UPHELD:
                assert not facts.expiry
                assert facts.entry_type is EntryType.ADJUSTMENT and facts.points < 0
                order = s.get(m.OrderRow, objection.reason.split("Bestellung ")[1].split()[0])
                assert order is not None and order.account_id == objection.account_id
                assert order.completed_at is not None and order.cancelled == 0
                assert order.id in facts.note  # the debit named that order
                upheld.append(objection)
            if objection.status is m.ObjectionStatus.REJECTED and facts.expiry:
                assert "T4.5" in objection.reason or "T8.4" in objection.reason
                assert "T4.2" not in objection.reason
                rejected_expiries.append(objection)
    assert len(upheld) == 1 and rejected_expiries


def test_the_decision_dialog_prefills_the_reason_from_the_notice(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    """An open objection to an expiry on schedule in the demo: the reject dialog
    pre-fills a reason citing T4.5 with the lot's dates; the uphold dialog pre-fills
    nothing and warns that there is no error."""
    with _desk_on_demo(qapp, demo, tmp_path) as desk:
        assert desk.store is not None
        with desk.store.session() as s:
            found = [(r.objection, notice_facts(s, r.objection.notice_id))
                     for r in objection_rows(s, None, NOW)]
        expiry = [(o, f) for o, f in found if o.open and o.in_time and f is not None
                  and f.expiry_on_schedule]
        assert expiry, [(o.id, o.notice_kind) for o, _f in found]
        objection, facts = expiry[0]
        assert facts is not None
        lot = facts.lots[0]
        for code in ("de", "en"):
            desk.language.switch(code)
            fmt = Fmt(code)
            reject = DecideObjectionDialog(fmt, objection, REJECT, None, now=lambda: NOW,
                                           facts=facts)
            qtbot.addWidget(reject)
            reason = reject.reason.toPlainText()
            assert "T4.5" in reason and "T4.2" not in reason
            assert fmt.date(lot.usable_until) in reason
            reject.accept()
            assert reject.body == as_command({"type": "reject_objection",
                                              "objection": objection.id,
                                              "version": objection.version,
                                              "reason": reason})
            uphold = DecideObjectionDialog(fmt, objection, UPHOLD, None, now=lambda: NOW,
                                           facts=facts)
            qtbot.addWidget(uphold)
            assert uphold.reason.toPlainText() == ""
            warning = _label(uphold, "facts")
            assert "T4.5" in warning
            assert ("no error to uphold" in warning if code == "en"
                    else "kein Fehler" in warning)
        desk.language.switch("en")
