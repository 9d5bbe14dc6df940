"""An inbox that knows its deadlines (issue 19 item 4), on the demo with the desk's clock
set (tests/demo_fixture.NOW: Monday 16.11.2026, 09:30 in Berlin).

The service targets are the desk's settings (domain/deadlines.py: the first reply and the
resolution in working days after the Berlin day the first mail came in, due at the end of
that working day; Saturdays, Sundays and public holidays do not count). The expected
dates below are counted by hand on the calendar of November 2026 from the demo's cases
(their first mail, whether a reply went out, whether they are closed):

- case 41, first mail Fri 13.11. 03:10, no reply: first reply 1 working day → end of
  Mon 16.11. (today: amber); resolution 5 → Mon 16., Tue 17., Wed 18., Thu 19., Fri 20.11.
- case 40, first mail Thu 12.11. 18:36, no reply: first reply → end of Fri 13.11.
  (overdue: red); an objection recorded on it with the R25 deadline 03.12.2026.
- case 34, first mail Tue 10.11., answered the same day: the resolution is what it owes,
  Wed 11., Thu 12., Fri 13., Mon 16., Tue 17.11.
- case 24, first mail Wed 04.11., answered: resolution Thu 5., Fri 6., Mon 9., Tue 10.,
  Wed 11.11. (overdue).
- case 39 is closed: it owes nothing.

Buß- und Bettag (Wed 18.11.2026) is a public holiday in Saxony only, so with the holidays
of SN a deadline running over it moves a day."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.case_harness import WAIT, local_desk, signed_in, sync
from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.deadlines import ServiceTargets, holiday_name
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.ui.cases.inbox import NEWEST, URGENCY, CasesView, SavedView, saved_views
from xrewards_desk.ui.qt import QApplication, QColor, QItemSelectionModel, Qt
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.dialogs import SettingsDialog
from xrewards_desk.ui.shell.main import MemoryTokens
from xrewards_desk.ui.shell.session import Person, Session
from xrewards_desk.ui.widgets.models import ALERT, SOON, WARN
from xrewards_desk.ui.widgets.table_csv import CsvButton

pytest.importorskip("PySide6.QtWidgets")

DUE, OBJECTION = 8, 9  # the inbox's columns "Due" and "Objection deadline"
CLOSED = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17, 39}  # the demo's closed cases


@contextmanager
def demo_desk(qapp: QApplication, demo: Demo, folder: Path,
              person: Person | None = None) -> Iterator[Desk]:
    """A desk on a copy of the demo, its clock at NOW; with `person`, a session of theirs
    that is never online (what they queue stays in the outbox)."""
    with local_desk(qapp, DeskTemplate(demo, folder, demo.db, ""), folder / "desk") as desk:
        if person is not None:
            assert desk.store is not None
            api = "http://127.0.0.1:9"
            desk.session = Session(desk.store, api, person.name, ApiClient(api),
                                   MemoryTokens(), person=person)
        yield desk


def shown(qtbot: Any, view: CasesView, status: str = "", sort: str = NEWEST) -> None:
    """The inbox with `status` ("" all cases) in the order `sort`, once its answer is in."""
    view.status.setCurrentIndex(view.status.findData(status))
    view.sort.setCurrentIndex(view.sort.findData(sort))
    loads = view.loads
    view.reload()
    qtbot.waitUntil(lambda: view.loads > loads, timeout=WAIT)


def inbox(qtbot: Any, desk: Desk, status: str = "", sort: str = NEWEST) -> CasesView:
    view = CasesView(desk)
    qtbot.addWidget(view)
    shown(qtbot, view, status, sort)
    return view


def cell(view: CasesView, case: int, column: int,
         role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> Any:
    row = next(i for i, r in enumerate(view.model.rows) if r.id == case)
    value = view.model.data(view.model.index(row, column), role)
    return value.color() if role in (Qt.ItemDataRole.BackgroundRole,
                                     Qt.ItemDataRole.ForegroundRole) and value else value


def colour(view: CasesView, case: int) -> tuple[QColor | None, QColor | None]:
    return (cell(view, case, DUE, Qt.ItemDataRole.BackgroundRole),
            cell(view, case, DUE, Qt.ItemDataRole.ForegroundRole))


def test_each_case_shows_what_is_due_when_in_working_days(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    with demo_desk(qapp, demo, tmp_path) as desk:
        assert desk.settings.targets() == ServiceTargets(1, 5, None)  # the defaults
        view = inbox(qtbot, desk)
        assert cell(view, 41, DUE) == "Reply today"
        assert colour(view, 41) == (SOON, WARN)  # amber: its last day is today
        assert cell(view, 41, DUE, Qt.ItemDataRole.ToolTipRole) == (
            "First reply: by the end of 16 Nov 2026 (1 working day)\n"
            "Resolution: by the end of 20 Nov 2026 (5 working days)")
        assert cell(view, 40, DUE) == "Reply overdue (13 Nov 2026)"
        assert colour(view, 40) == (None, ALERT)
        assert cell(view, 40, OBJECTION) == "03 Dec 2026"  # R25, the objection's deadline
        assert cell(view, 40, OBJECTION, Qt.ItemDataRole.ToolTipRole) == (
            "1 open objection; the earliest deadline (R25): 03 Dec 2026")
        assert cell(view, 34, DUE) == "Resolve by 17 Nov 2026"  # answered: resolution
        assert colour(view, 34) == (None, None)
        assert cell(view, 24, DUE) == "Resolution overdue (11 Nov 2026)"
        assert colour(view, 24) == (None, ALERT)
        assert cell(view, 39, DUE) == "" and colour(view, 39) == (None, None)
        assert cell(view, 39, OBJECTION) == ""
        # the one clock moves on to Tuesday: 41's reply is overdue, 34 is due today
        desk.clock.set(datetime(2026, 11, 17, 9, 0, tzinfo=BERLIN))  # type: ignore[attr-defined]
        assert cell(view, 41, DUE) == "Reply overdue (16 Nov 2026)"
        assert colour(view, 41) == (None, ALERT)
        assert cell(view, 34, DUE) == "Resolve today" and colour(view, 34) == (SOON, WARN)
        # at the stroke of midnight Wednesday 34's resolution is overdue
        desk.clock.set(datetime(2026, 11, 18, 0, 0, tzinfo=BERLIN))  # type: ignore[attr-defined]
        assert cell(view, 34, DUE) == "Resolution overdue (17 Nov 2026)"


def test_most_urgent_first(qtbot: Any, qapp: QApplication, demo: Demo,
                           tmp_path: Path) -> None:
    """Overdue first (the longest overdue first), then by the next deadline, the closed
    cases (owing nothing) last. By hand, the earliest next deadlines at NOW: 13 (first
    mail Wed 28.10. late evening: reply by Thu 29.10.), 14 (Thu 29.10.: Fri 30.10.), 15
    (Fri 30.10.: Mon 02.11.), then 19 and 18 (both Tue 03.11.: Wed 04.11.; 19 has the
    newer activity)."""
    with demo_desk(qapp, demo, tmp_path) as desk:
        view = inbox(qtbot, desk)
        newest = [r.id for r in view.model.rows]
        assert newest[0] == 41 and len(newest) == 41
        shown(qtbot, view, sort=URGENCY)
        urgent = [r.id for r in view.model.rows]
        assert sorted(urgent) == sorted(newest)
        assert urgent[:5] == [13, 14, 15, 19, 18]
        assert all("overdue" in cell(view, case, DUE)
                   for case in urgent[:5])
        # the cases owing nothing come last, in the order of their newest activity
        assert urgent[-len(CLOSED):] == [c for c in newest if c in CLOSED]
        nexts = [view.dues[c].next for c in urgent[:-len(CLOSED)]]
        assert all(a is not None and b is not None and a <= b
                   for a, b in pairwise(nexts))
        # case 41 (due today) after every overdue case and before those due later
        due_41 = urgent.index(41)
        assert all("overdue" in cell(view, c, DUE)
                   for c in urgent[:due_41])


def test_the_states_holidays_move_a_due_date(qtbot: Any, qapp: QApplication, demo: Demo,
                                             tmp_path: Path) -> None:
    """With 3 working days for the first reply, case 41 (first mail Fri 13.11.) is due at
    the end of Wed 18.11. nationally; with Saxony's holidays Buß- und Bettag (18.11.2026)
    does not count: Thu 19.11. Its resolution moves from Fri 20.11. to Mon 23.11. Bavaria
    has no holiday that week. The inbox reads again when the settings change."""
    assert holiday_name(date(2026, 11, 18), "SN") is not None
    assert holiday_name(date(2026, 11, 18)) is None
    with demo_desk(qapp, demo, tmp_path) as desk:
        view = inbox(qtbot, desk, status="new")

        def after(setting: st.Setting, value: Any) -> None:
            loads = view.loads
            desk.settings.set(setting, value)
            qtbot.waitUntil(lambda: view.loads > loads, timeout=WAIT)

        after(st.FIRST_RESPONSE_DAYS, 3)
        assert cell(view, 41, DUE) == "Reply by 18 Nov 2026"
        after(st.HOLIDAY_STATE, "SN")
        assert desk.settings.targets() == ServiceTargets(3, 5, "SN")
        assert cell(view, 41, DUE) == "Reply by 19 Nov 2026"
        assert cell(view, 41, DUE, Qt.ItemDataRole.ToolTipRole).endswith(
            "Resolution: by the end of 23 Nov 2026 (5 working days)")
        after(st.HOLIDAY_STATE, "BY")
        assert cell(view, 41, DUE) == "Reply by 18 Nov 2026"


def test_the_settings_dialog_keeps_the_targets_the_domain_takes(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    with demo_desk(qapp, demo, tmp_path) as desk:
        dialog = SettingsDialog(desk.settings)
        qtbot.addWidget(dialog)
        dialog.editors[st.API_URL.key].setText("https://rewards.example/api")
        dialog.editors[st.USER.key].setText("anna")
        state = dialog.editors[st.HOLIDAY_STATE.key]
        # none (national only) and the 16 states by their German names
        assert state.count() == 17 and state.itemData(0) == ""
        assert state.itemText(state.findData("BY")) == "Bayern"
        assert state.itemText(state.findData("TH")) == "Thüringen"
        assert dialog.editors[st.FIRST_RESPONSE_DAYS.key].value() == 1
        assert dialog.editors[st.RESOLUTION_DAYS.key].value() == 5
        # 61 working days is more than ServiceTargets takes: its words, nothing kept
        dialog.editors[st.FIRST_RESPONSE_DAYS.key].setValue(61)
        state.setCurrentIndex(state.findData("BY"))
        dialog.accept()
        assert dialog.result() == 0
        assert "first_response_days must be a whole number of working days from 1 to 60" \
            in dialog.error.text()
        again = st.Settings(desk.paths.settings_file)
        assert again.get(st.API_URL) == "" and again.targets() == ServiceTargets()
        dialog.editors[st.FIRST_RESPONSE_DAYS.key].setValue(2)
        dialog.editors[st.RESOLUTION_DAYS.key].setValue(7)
        dialog.accept()
        assert dialog.result() == 1
        assert st.Settings(desk.paths.settings_file).targets() == ServiceTargets(2, 7, "BY")
        # a hand-edited file the domain refuses reads as the defaults
        desk.paths.settings_file.write_text(
            "[service]\nfirst_response_days=9\nresolution_days=0\nholiday_state=XX\n")
        assert st.Settings(desk.paths.settings_file).targets() == ServiceTargets()


def test_three_cases_assigned_at_once_queue_three_commands(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """Anna (agent, R27: may assign) chooses cases 41, 38 and 34 and assigns them to Ben:
    one assign_mail_case each, with the case's version as the desk holds it (the demo's:
    41 was never changed, 1; 38 assigned once, 2; 34 assigned and answered, 3); the
    server takes all three."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as anna:
        view = anna.window.inbox
        qtbot.waitUntil(lambda: view.loaded and bool(view.model.rows), timeout=WAIT)
        assert not view.assign_button.isEnabled()  # nothing chosen yet
        versions = {r.id: r.version for r in view.model.rows}
        assert (versions[41], versions[38], versions[34]) == (1, 2, 3)
        selection = view.table.selectionModel()
        for i, row in enumerate(view.model.rows):
            if row.id in (41, 38, 34):
                selection.select(view.model.index(i, 0),
                                 QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        assert [r.id for r in view.chosen()] == [41, 38, 34]
        assert view.chosen_label.text() == "3 cases chosen:"
        assert view.assign_button.isEnabled() and view.status_button.isEnabled()
        view.people.setCurrentIndex(view.people.findData("ben"))
        anna.desk.sync.running = True  # type: ignore[union-attr]  # hold the push back
        view.assign_button.click()
        qtbot.waitUntil(lambda: len(view.queued) == 3, timeout=WAIT)
        assert view.message.text() == "3 cases changed; sent with this sync."
        assert anna.desk.store is not None
        with anna.desk.store.session() as s:
            queued = list(s.scalars(select(m.OutboxCommand).where(
                m.OutboxCommand.id.in_(view.queued)).order_by(m.OutboxCommand.id)))
            assert [q.payload for q in queued] == [
                {"type": "assign_mail_case", "case": 41, "version": 1, "assignee": "ben"},
                {"type": "assign_mail_case", "case": 38, "version": 2, "assignee": "ben"},
                {"type": "assign_mail_case", "case": 34, "version": 3, "assignee": "ben"}]
            assert {q.state for q in queued} == {m.OutboxState.PENDING}
            assert {q.created_by for q in queued} == {"anna"}
        anna.desk.sync.running = False  # type: ignore[union-attr]
        sync(qtbot, anna.desk)
        with anna.desk.store.session() as s:
            assert {q.state for q in s.scalars(select(m.OutboxCommand).where(
                m.OutboxCommand.id.in_(view.queued)))} == {m.OutboxState.DONE}
            cases = {c.id: c for c in s.scalars(select(m.MailCase).where(
                m.MailCase.id.in_([41, 38, 34])))}
            assert {c.assigned_to for c in cases.values()} == {"ben"}
            assert (cases[41].version, cases[38].version, cases[34].version) == (2, 3, 4)


def test_saved_views_are_a_persons_own_and_survive_a_restart(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    anna = Person("anna", "Anna Berger", "agent")
    with demo_desk(qapp, demo, tmp_path, anna) as desk:
        view = inbox(qtbot, desk)
        view.status.setCurrentIndex(view.status.findData("new"))
        view.field.setText("punkte")
        view.sort.setCurrentIndex(view.sort.findData(URGENCY))
        view.views.setEditText("Neue, dringend")
        view.save_view()
        assert view.message.text() == "View “Neue, dringend” saved."
        kept = SavedView("new", False, "punkte", URGENCY)
        # read back from the file, as the next start of the app does
        again = st.Settings(desk.paths.settings_file)
        assert saved_views(again, "anna") == {"Neue, dringend": kept}
        assert saved_views(again, "ben") == {}  # Ben's inbox does not show Anna's views
        desk.settings = again
        fresh = inbox(qtbot, desk)
        assert [fresh.views.itemText(i) for i in range(fresh.views.count())] == [
            "Neue, dringend"]
        assert fresh.status.currentData() != "new"
        loads = fresh.loads
        fresh.views.textActivated.emit("Neue, dringend")
        qtbot.waitUntil(lambda: fresh.loads > loads, timeout=WAIT)
        assert fresh.view_now() == kept
        assert fresh.model.rows and all(r.status == "new" for r in fresh.model.rows)
        nexts = [fresh.dues[r.id].next for r in fresh.model.rows]
        assert nexts == sorted(nexts)  # type: ignore[type-var]  # the urgent order
        fresh.delete_view("Neue, dringend")
        assert saved_views(st.Settings(desk.paths.settings_file), "anna") == {}
        assert fresh.views.count() == 0


def test_compliance_reads_the_inbox_but_changes_no_case(
        qtbot: Any, qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    """R27: compliance reads the cases; assigning, status and links are the desk's."""
    with demo_desk(qapp, demo, tmp_path, Person("clara", "Clara", "compliance")) as desk:
        view = inbox(qtbot, desk)
        view.table.selectRow(0)
        assert view.chosen()
        for button in (view.assign_me_button, view.assign_button, view.status_button,
                       view.link_button):
            assert not button.isEnabled()
            assert button.toolTip()  # the rule's sentence
        assert view.save_view_button.isEnabled()  # her own views she keeps


def test_the_inbox_exports_as_it_reads_in_german(qtbot: Any, qapp: QApplication,
                                                 demo: Demo, tmp_path: Path) -> None:
    with demo_desk(qapp, demo, tmp_path) as desk:
        view = inbox(qtbot, desk, status="new")
        desk.language.switch("de")
        view.retranslate()
        assert view.csv.text() == "CSV exportieren…"
        out = view.csv.export(tmp_path / "vorgaenge.csv")
        assert out is not None
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert table[0] == ["Vorgang", "Status", "Betreff", "Kunde", "Absender",
                            "Zugewiesen an", "Alter", "Letzte E-Mail", "Fällig",
                            "Einwendungsfrist"]
        assert len(table) == len(view.model.rows) + 1
        by_case = {row[0]: row for row in table[1:]}
        assert by_case["41"][1] == "neu" and by_case["41"][8] == "Antwort heute"
        assert by_case["25"][8] == "Antwort überfällig (09.11.2026)"  # Fri 06.11. + 1
        assert by_case["25"][9] == "24.11.2026"


def test_every_table_has_its_csv_export(qtbot: Any, qapp: QApplication, demo: Demo,
                                        tmp_path: Path) -> None:
    from xrewards_desk.ui.cases.objections import ObjectionsView
    from xrewards_desk.ui.customers.search import SearchView
    from xrewards_desk.ui.review.abuse import AbuseView, ClaimsView
    from xrewards_desk.ui.transfers.queue import TransfersView

    with demo_desk(qapp, demo, tmp_path) as desk:
        assert desk.store is not None
        views = [ObjectionsView(desk), AbuseView(desk), ClaimsView(desk),
                 TransfersView(desk), SearchView(desk.tasks, desk.store, desk.fmt, desk.now)]
        for view in views:
            qtbot.addWidget(view)
            button = view.findChild(CsvButton)
            assert button is not None and button.text() == "Export CSV…"
            out = button.export(tmp_path / f"{button.stem}.csv")
            assert out is not None
            header = next(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
            assert header == [c.title() for c in button.model.columns]
        assert [v.findChild(CsvButton).stem for v in views] == [  # type: ignore[union-attr]
            "objections", "referrals", "claims", "transfers", "customers"]
    assert NOW.weekday() == 0  # the module's dates count from a Monday


def choose(view: CasesView, cases: tuple[int, ...]) -> None:
    """Choose `cases` in the inbox (as Ctrl+click would), and only them."""
    selection = view.table.selectionModel()
    selection.clearSelection()
    for i, row in enumerate(view.model.rows):
        if row.id in cases:
            selection.select(view.model.index(i, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)


def test_status_and_link_for_several_cases(qtbot: Any, qapp: QApplication, demo: Demo,
                                           tmp_path: Path) -> None:
    """One command per case that changes, with its version; a case already so is left
    alone and said so; an unknown customer changes nothing (offline: the commands wait in
    the outbox)."""
    with demo_desk(qapp, demo, tmp_path, Person("anna", "Anna Berger", "agent")) as desk:
        view = inbox(qtbot, desk)
        # 34 and 32 wait for the customer (version 3), 31 is new and unlinked (version 1)
        choose(view, (34, 32, 31))
        assert [r.id for r in view.chosen()] == [34, 32, 31]

        def queued_now() -> list[dict[str, Any]]:
            assert desk.store is not None
            with desk.store.session() as s:
                return [q.payload for q in s.scalars(select(m.OutboxCommand).where(
                    m.OutboxCommand.id.in_(view.queued)).order_by(m.OutboxCommand.id))]

        view.set_status("waiting")
        qtbot.waitUntil(lambda: len(view.queued) == 1, timeout=WAIT)
        assert view.message.text() == ("1 case changed; sent with this sync. "
                                       "2 cases already were and stay as they are.")
        assert queued_now() == [
            {"type": "set_mail_case_status", "case": 31, "version": 1, "status": "waiting"}]
        choose(view, (34, 31))
        assert [r.id for r in view.chosen()] == [34, 31]
        view.customer.setText("XR-0000000")
        view.link_button.click()
        qtbot.waitUntil(lambda: view.message.text() == "No customer XR-0000000.",
                        timeout=WAIT)
        assert view.customer.text() == "XR-0000000"  # kept to correct; nothing queued
        assert len(queued_now()) == 1
        view.customer.setText("xr-1004137")  # Kamil Wójcik (case 40's), in lower case
        view.link_button.click()
        qtbot.waitUntil(lambda: len(view.queued) == 2, timeout=WAIT)
        assert queued_now() == [
            {"type": "link_mail_case", "case": 34, "version": 3, "account": "XR-1004137"},
            {"type": "link_mail_case", "case": 31, "version": 1, "account": "XR-1004137"}]
        assert view.customer.text() == ""
