"""The objection decision dialog tells the agent R26's sum before anything is sent, and
asks to confirm goodwill larger than what the objection concerns. Each figure is worked
out by hand from RULES.md."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.store.read.cases import ObjectionInfo
from xrewards_desk.ui.cases.dialogs import GOODWILL, UPHOLD, DecideObjectionDialog
from xrewards_desk.ui.widgets.i18n import Fmt

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=BERLIN)


def objection(points: int, adjustments: tuple[tuple[datetime, int], ...] = (),
              in_time: bool = True) -> ObjectionInfo:
    """An objection to an expiry notice of `points` points sent 20.11.2026."""
    sent = datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN)
    return ObjectionInfo(
        id=7, kind="notice", account_id="XR-1004848", case_id=3, notice_id="XR-1004848/N9",
        notice_kind="expiry", notice_sent_at=sent, notice_points=-points,
        notice_balance=1200, received_at=sent + timedelta(days=3), deadline=None,
        in_time=in_time, status="recorded", recorded_by="anna", decided_by=None,
        decided_at=None, reason="", version=1, pending_request=None, pending_points=None,
        pending_goodwill=False, account_adjustments=adjustments)


def dialog(qtbot: Any, info: ObjectionInfo, decision: str) -> DecideObjectionDialog:
    d = DecideObjectionDialog(Fmt("en"), info, decision, now=lambda: NOW)
    qtbot.addWidget(d)
    return d


def test_an_uphold_states_the_sum_it_adds_up_with(qtbot: Any) -> None:
    # R26: +6,000 on 01.12. and -3,000 on 03.12. without approval (both within 720 hours
    # of 06.12.): an uphold of +3,000 makes 12,000 and waits; +1,000 makes 10,000, which
    # is not more, and is written at once
    marks = ((datetime(2026, 12, 1, 10, tzinfo=BERLIN), 6000),
             (datetime(2026, 12, 3, 10, tzinfo=BERLIN), 3000))
    d = dialog(qtbot, objection(479, marks), UPHOLD)
    d.points.setValue(3000)
    hint = d.hint.text()
    assert "waits for a team lead" in hint
    assert "720 hours: 2, together 9,000 points" in hint and "12,000 points" in hint
    d.points.setValue(1000)
    assert "written at once" in d.hint.text() and "10,000 points, not more" in d.hint.text()
    # in German, with the German grouping
    de = DecideObjectionDialog(Fmt("de"), objection(479, marks), UPHOLD, now=lambda: NOW)
    qtbot.addWidget(de)
    de.points.setValue(3000)
    assert "12.000" in de.hint.text()


def test_adjustments_older_than_720_hours_do_not_count(qtbot: Any) -> None:
    # R26: 720 hours of elapsed time before 06.12.2026 10:00 is 06.11.2026 10:00: an
    # adjustment then no longer counts, one a minute later does
    marks = ((datetime(2026, 11, 6, 10, 0, tzinfo=BERLIN), 9000),
             (datetime(2026, 11, 6, 10, 1, tzinfo=BERLIN), 500))
    d = dialog(qtbot, objection(479, marks), UPHOLD)
    d.points.setValue(9600)
    assert "720 hours: 1, together 500 points" in d.hint.text()
    assert "10,100 points" in d.hint.text()
    d.points.setValue(9500)
    assert "written at once" in d.hint.text()


def test_goodwill_above_the_notice_is_confirmed_naming_both_figures(qtbot: Any) -> None:
    # the case: +100 goodwill for an 83-point expiry
    d = dialog(qtbot, objection(83, in_time=False), GOODWILL)
    d.points.setValue(100)
    d.reason.setPlainText("long-standing customer")
    assert not d.more_than_notice.isHidden()
    assert "100 points" in d.more_than_notice.text()
    assert "83 points" in d.more_than_notice.text()
    d.accept()
    assert d.body is None and "confirm" in d.error.text()  # nothing sent unconfirmed
    d.more_than_notice.setChecked(True)
    d.accept()
    assert d.body is not None and d.body.points == 100
    # at or below what the notice concerned, nothing to confirm
    d2 = dialog(qtbot, objection(83, in_time=False), GOODWILL)
    d2.points.setValue(83)
    d2.reason.setPlainText("long-standing customer")
    assert d2.more_than_notice.isHidden()
    d2.accept()
    assert d2.body is not None and d2.body.points == 83
