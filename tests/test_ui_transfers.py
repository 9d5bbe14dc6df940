"""Transfers of points between colleagues in the desktop (pytest-qt, offscreen), against
the real reference server on 127.0.0.1 with the demo program (T5, R20, R21): an agent
files one from a case with a PDF from disk (a file only named .pdf is refused), a team
lead on another desktop approves it, both accounts' ledgers show it and the target's new
lots keep their original "usable until" dates; the filer cannot approve their own request
(four eyes); a transfer from an account under an open abuse case is refused; the
colleague picker offers only the same organisation and billing account; "other" needs a
justification; a second team lead deciding a request already decided is told who did.

Every command goes through the app's outbox and the server's commands; expected values
come from RULES.md and from the stores by plain SQL, never from the widgets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.case_harness import (
    WAIT,
    Agent,
    as_command,
    outcome,
    send,
    signed_in,
    sync,
    waiting,
)
from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.model import CaseStatus, SourceKind, Status
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store

pytest.importorskip("PySide6.QtWidgets")
pytest.importorskip("PySide6.QtPdf")

from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    Qt,
    QTextDocument,
    QTimer,
)
from xrewards_desk.ui.transfers.queue import TransfersView
from xrewards_desk.ui.transfers.request import TransferDialog


def minimal_pdf(text: str = "Confirmation of leaving") -> bytes:
    """A real one-page PDF 1.4, its cross-reference table at the right offsets."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


# --------------------------------------------------------------------------- by SQL


def held_lots(store: Store, account: str) -> list[m.LotRow]:
    """R13: the account's lots with points left and not expired by NOW, oldest first."""
    with store.session() as s:
        rows = list(s.scalars(select(m.LotRow).where(
            m.LotRow.account_id == account, m.LotRow.remaining > 0,
            m.LotRow.expires_at > NOW).order_by(m.LotRow.credited_at, m.LotRow.seq)))
        s.expunge_all()
        return rows


def balance(store: Store, account: str) -> int:
    with store.session() as s:
        debt = s.scalar(select(m.AccountRow.debt).where(m.AccountRow.id == account)) or 0
    return sum(lot.remaining for lot in held_lots(store, account)) - int(debt)


def colleagues(store: Store, account: str) -> list[str]:
    """R20: active accounts of the same organisation AND the same billing account."""
    with store.session() as s:
        me = s.get(m.AccountRow, account)
        assert me is not None
        return sorted(s.scalars(select(m.AccountRow.id).where(
            m.AccountRow.organisation_id == me.organisation_id,
            m.AccountRow.billing_account_id == me.billing_account_id,
            m.AccountRow.status == Status.ACTIVE, m.AccountRow.id != account)))


def under_open_case(store: Store) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(m.AbuseCaseAccount.account_id).join(
            m.AbuseCaseRow, m.AbuseCaseRow.id == m.AbuseCaseAccount.case_id).where(
            m.AbuseCaseRow.status == CaseStatus.OPEN)))


def in_transfers(store: Store) -> set[str]:
    with store.session() as s:
        rows = s.execute(select(m.TransferRequestRow.source_id,
                                m.TransferRequestRow.target_id)).all()
    return {x for row in rows for x in row}


def pick_source(store: Store, with_case: bool) -> tuple[str, int | None]:
    """An active account with at least two lots held, a colleague to transfer to, no open
    abuse case and no transfer yet; with `with_case`, one of its cases too."""
    blocked = under_open_case(store) | in_transfers(store)
    with store.session() as s:
        cases = dict(s.execute(select(m.MailCase.account_id, func.min(m.MailCase.id))
                               .where(m.MailCase.account_id.is_not(None))
                               .group_by(m.MailCase.account_id)).all())
        candidates = list(s.scalars(select(m.AccountRow.id).where(
            m.AccountRow.status == Status.ACTIVE, m.AccountRow.debt == 0)
            .order_by(m.AccountRow.id)))
    for account in candidates:
        if account in blocked or (with_case and account not in cases):
            continue
        lots = held_lots(store, account)
        if len(lots) >= 2 and colleagues(store, account):
            return account, cases.get(account)
    raise AssertionError("the demo has no such account")


def expected_moves(store: Store, account: str, points: int) -> list[tuple[int, date,
                                                                          datetime]]:
    """R13/R20: what leaves the source first-in first-out: (points, usable until, credit
    time) per lot."""
    moves = []
    left = points
    for lot in held_lots(store, account):
        if left == 0:
            break
        take = min(left, lot.remaining)
        moves.append((take, lot.usable_until, lot.credited_at))
        left -= take
    assert left == 0
    return moves


# --------------------------------------------------------------------------- helpers


def dialog_for(qtbot: Any, agent: Agent, source: str, case: int | None = None,
               attachments: list[tuple[str, str]] | None = None) -> TransferDialog:
    dialog = TransferDialog(agent.desk, source, case, attachments or [], None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded and not dialog.checking, timeout=WAIT)
    return dialog


def settle(qtbot: Any, dialog: TransferDialog) -> None:
    """Wait for the live check of the fields as they are now."""
    qtbot.waitUntil(lambda: not dialog.checking and dialog.files_pending == 0,
                    timeout=WAIT)


def choose(dialog: TransferDialog, reason: str) -> None:
    dialog.reason.setCurrentIndex(dialog.reason.findData(reason))


def queue_of(qtbot: Any, agent: Agent) -> TransfersView:
    view = TransfersView(agent.desk)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.refresh()
    qtbot.waitUntil(lambda: view.loaded, timeout=WAIT)
    return view


@dataclass(frozen=True)
class Filed:
    id: int
    version: int
    target: str
    points: int
    reason: str
    justification: str
    case: int | None
    status: str
    evidence: list[str]


def request_row(store: Store, **where: Any) -> Filed:
    """The newest transfer request on the server matching `where`."""
    with store.session() as s:
        row = s.scalars(select(m.TransferRequestRow).filter_by(**where)
                        .order_by(m.TransferRequestRow.id.desc())).first()
        assert row is not None
        return Filed(row.id, row.version, row.target_id, row.points, str(row.reason),
                     row.justification, row.case_id, str(row.status),
                     [e.sha256 for e in row.evidence])


def ok_button(dialog: TransferDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


# --------------------------------------------------------------------------- the tests


def test_a_transfer_from_a_case_is_approved_and_keeps_its_dates(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """An agent files a transfer from a case with a PDF from disk (a file only named .pdf
    is refused and not kept); a team lead on another desktop sees the PDF and approves;
    both ledgers show it and the new lots keep their "usable until" dates (R20); a second
    team lead deciding it afterwards is told who decided first (stale_version)."""
    real = tmp_path / "Austrittsbestaetigung.pdf"
    real.write_bytes(minimal_pdf())
    fake = tmp_path / "Scan.pdf"
    fake.write_bytes(b"Dies ist kein PDF, die Datei heisst nur so.\n")
    sha = hashlib.sha256(real.read_bytes()).hexdigest()
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "anna",
                      "anna") as anna:
        source, case = pick_source(server.store, with_case=True)
        assert case is not None
        dialog = dialog_for(qtbot, anna, source, case)

        # the picker: exactly the active colleagues of the same organisation and billing
        # account (R20), the source left out; the points default to the whole balance
        offered = sorted(dialog.target.itemData(i) for i in range(dialog.target.count()))
        assert offered == colleagues(server.store, source)
        whole = balance(server.store, source)
        assert dialog.points.value() == whole

        # evidence from disk, judged by its bytes
        dialog.add_files([fake, real])
        settle(qtbot, dialog)
        assert "Scan.pdf is not a PDF, PNG, JPEG or e-mail message" in \
            dialog.file_error.text()
        assert dialog.chosen_evidence() == [sha]
        folder = EvidenceFolder(anna.desk.paths.data)
        assert folder.has(sha)
        assert not folder.has(hashlib.sha256(fake.read_bytes()).hexdigest())

        # two lots or more move, oldest first, each keeping its own dates (R13, R20)
        lots = held_lots(server.store, source)
        points = lots[0].remaining + 1
        target = dialog.target.itemData(dialog.target.count() - 1)
        dialog.target.setCurrentIndex(dialog.target.count() - 1)
        dialog.points.setValue(points)
        choose(dialog, "left_organisation")
        settle(qtbot, dialog)
        assert dialog.answer is not None and dialog.answer.ok, dialog.verdict.text()
        expected = expected_moves(server.store, source, points)
        assert [(x.points, x.usable_until, x.credited_at) for x in dialog.moves.rows] == \
            expected
        assert len(expected) >= 2

        with qtbot.waitSignal(dialog.queued, timeout=WAIT) as queued:
            ok_button(dialog).click()
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.body is not None and dialog.body.evidence == [sha]
        sync(qtbot, anna.desk)
        assert outcome(anna.desk, queued.args[0]).state is m.OutboxState.DONE
        row = request_row(server.store, source_id=source, requested_by="anna")
        assert (row.target, row.points, row.case, row.status, row.evidence) == (
            target, points, case, "pending", [sha])
        with server.store.session() as s:
            kept = s.get(m.EvidenceFile, sha)
            assert kept is not None and kept.media_type == "application/pdf"

        # an agent sees the queue but cannot decide (R21, R27)
        mine = queue_of(qtbot, anna)
        assert mine.select_request(row.id)
        assert not mine.approve_button.isEnabled()
        assert mine.approve_button.toolTip() == \
            "Only team leads may approve transfers (R21, R27)."  # the domain's sentence

        with signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "tomasz",
                       "tomasz") as tomasz, \
                signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "tessa",
                          "tessa") as tessa:
            lead = queue_of(qtbot, tomasz)
            assert lead.select_request(row.id)
            # the PDF is not on this desktop: downloaded, checked, kept, and shown
            qtbot.waitUntil(lambda: lead.evidence_kind == "pdf", timeout=WAIT)
            assert lead.evidence_shown == sha
            assert lead.pdf_document.pageCount() >= 1
            assert EvidenceFolder(tomasz.desk.paths.data).has(sha)
            assert lead.approve_button.isEnabled()
            lead.approve_button.click()
            qtbot.waitUntil(lambda: bool(lead.sent) or "Not approved" in
                            lead.message.text(), timeout=WAIT)
            assert lead.sent, lead.message.text()
            sync(qtbot, tomasz.desk)
            qtbot.waitUntil(lambda: not lead.sent, timeout=WAIT)
            assert row.id not in lead.refusals
            with server.store.session() as s:
                decided = s.get(m.TransferRequestRow, row.id)
                assert decided is not None
                assert (str(decided.status), decided.decided_by) == ("approved", "tomasz")

            # tessa read it before tomasz decided: her approval is refused, naming him
            late = queue_of(qtbot, tessa)
            assert late.select_request(row.id)
            late.approve_button.click()
            qtbot.waitUntil(lambda: row.id in late.refusals, timeout=WAIT)
            assert "tomasz" in late.refusals[row.id]
            assert "tomasz" in late.message.text()
            with tessa.desk.store.session() as s:  # type: ignore[union-attr]
                refused = s.scalars(select(m.OutboxCommand).where(
                    m.OutboxCommand.kind == "approve_transfer")).one()
                assert refused.refusal_code == "stale_version"

        # both ledgers, in the agent's local store after a sync
        sync(qtbot, anna.desk)
        ref = f"transfer-{row.id}"
        assert anna.desk.store is not None
        with anna.desk.store.session() as s:
            entries = {(e.account_id, str(e.type), e.points) for e in s.scalars(
                select(m.LedgerEntry).where(m.LedgerEntry.source_ref == ref))}
            assert entries == {(source, "transfer_out", -points),
                               (target, "transfer_in", points)}
            arrived = list(s.scalars(select(m.LotRow).where(
                m.LotRow.account_id == target, m.LotRow.source_kind == SourceKind.TRANSFER,
                m.LotRow.source_ref == ref).order_by(m.LotRow.seq)))
        # R20: a transfer never extends validity
        assert [(x.points, x.usable_until, x.credited_at) for x in arrived] == expected
        assert balance(anna.desk.store, source) == whole - points


def test_four_eyes_and_a_justification_for_another_reason(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """'Other' without a justification is refused by the dialog with the engine's
    sentence (justification_required); a team lead who filed a request cannot approve
    it: the button says so, and forced through the outbox the server refuses it
    (four_eyes, R21)."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "tessa",
                      "tessa") as tessa:
        source, _case = pick_source(server.store, with_case=False)
        dialog = dialog_for(qtbot, tessa, source)
        choose(dialog, "other")
        assert dialog.justification.isEnabled()
        dialog.points.setValue(100)
        settle(qtbot, dialog)
        sentence = "A transfer for another reason needs a written justification."
        assert dialog.answer is not None and dialog.answer.code == "justification_required"
        assert sentence in dialog.verdict.text()
        ok_button(dialog).click()
        settle(qtbot, dialog)
        qtbot.waitUntil(lambda: dialog.error.text() == sentence, timeout=WAIT)
        assert dialog.result() != QDialog.DialogCode.Accepted and dialog.body is None
        assert waiting(tessa.desk) == 0

        # the other reasons need no justification: the field is off for them
        choose(dialog, "reassignment")
        assert not dialog.justification.isEnabled()
        settle(qtbot, dialog)
        assert dialog.answer is not None and dialog.answer.code == "evidence_required"

        choose(dialog, "other")
        dialog.justification.setPlainText("Orders are placed centrally from now on.")
        settle(qtbot, dialog)
        assert dialog.answer is not None and dialog.answer.ok
        with qtbot.waitSignal(dialog.queued, timeout=WAIT):
            ok_button(dialog).click()
        sync(qtbot, tessa.desk)
        row = request_row(server.store, source_id=source, requested_by="tessa")
        assert (row.reason, row.justification, row.points) == (
            "other", "Orders are placed centrally from now on.", 100)

        view = queue_of(qtbot, tessa)
        assert view.select_request(row.id)
        assert not view.approve_button.isEnabled()
        assert "four eyes, R21" in view.approve_button.toolTip()
        forced = send(qtbot, tessa, {"type": "approve_transfer", "request": row.id,
                                     "version": row.version})
        assert outcome(tessa.desk, forced).refusal_code == "four_eyes"
        with server.store.session() as s:
            still = s.get(m.TransferRequestRow, row.id)
            assert still is not None and str(still.status) == "pending"


def test_an_open_abuse_case_stops_a_transfer_and_the_viewer_shows_the_evidence(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """R21: an account under an open abuse case cannot send points (abuse_case_open, the
    engine's sentence in the dialog, and the server's refusal through the outbox); the
    evidence viewer shows the demo's PNG and PDF evidence, downloaded and kept."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "anna",
                      "anna") as anna:
        held = sorted(a for a in under_open_case(server.store)
                      if colleagues(server.store, a))
        if not held:  # none in the demo: compliance opens one
            account = pick_source(server.store, with_case=False)[0]
            with signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "clara",
                           "clara") as clara:
                opened = send(qtbot, clara, {"type": "open_abuse_case", "account": account})
                assert outcome(clara.desk, opened).state is m.OutboxState.DONE
            sync(qtbot, anna.desk)
            held = [account]
        source = held[0]
        dialog = dialog_for(qtbot, anna, source)
        choose(dialog, "other")
        dialog.justification.setPlainText("Moving to the new buyer.")
        dialog.points.setValue(1)
        settle(qtbot, dialog)
        assert dialog.answer is not None and dialog.answer.code == "abuse_case_open"
        assert "is under an open abuse review" in dialog.verdict.text()
        ok_button(dialog).click()
        settle(qtbot, dialog)
        qtbot.waitUntil(lambda: "open abuse review" in dialog.error.text(), timeout=WAIT)
        assert dialog.body is None
        forced = send(qtbot, anna, {
            "type": "request_transfer", "source": source,
            "target": colleagues(server.store, source)[0], "points": 1, "reason": "other",
            "justification": "Moving to the new buyer."})
        assert outcome(anna.desk, forced).refusal_code == "abuse_case_open"

        # the viewer: a PNG and a PDF of the demo's pending requests
        view = queue_of(qtbot, anna)
        shown: dict[str, str] = {}
        for item in view.model.rows:
            for i, e in enumerate(item.evidence):
                if e.media_type in shown.values() or e.media_type not in (
                        "image/png", "application/pdf"):
                    continue
                assert view.select_request(item.id)
                view.evidence_list.setCurrentRow(i)
                kind = "image" if e.media_type == "image/png" else "pdf"
                qtbot.waitUntil(lambda e=e, kind=kind: view.evidence_shown == e.sha256
                                and view.evidence_kind == kind, timeout=WAIT)
                if kind == "pdf":
                    assert view.pdf_document.pageCount() >= 1
                    assert view.viewer.currentWidget() is view.pdf_view
                else:
                    pixmap = view.image_label.pixmap()
                    assert not pixmap.isNull() and pixmap.width() > 0
                    assert view.viewer.currentWidget() is view.image_area
                assert EvidenceFolder(anna.desk.paths.data).has(e.sha256)
                shown[e.sha256] = e.media_type
        assert sorted(shown.values()) == ["application/pdf", "image/png"]


def test_a_request_already_waiting_from_the_source_is_shown(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """A second request from the same account is allowed (R21 does not forbid it) but is
    most often the first filed twice: the dialog names the one already waiting."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "a",
                      "anna") as agent:
        with server.store.session() as s:
            pending = s.scalars(select(m.TransferRequestRow).where(
                m.TransferRequestRow.status == m.RequestStatus.PENDING)
                .order_by(m.TransferRequestRow.id)).first()
            assert pending is not None, "the demo holds pending transfers"
            source, request = pending.source_id, pending.id
            calm = s.scalars(select(m.AccountRow.id).where(
                m.AccountRow.status == "active",
                m.AccountRow.id.not_in(select(m.TransferRequestRow.source_id).where(
                    m.TransferRequestRow.status == m.RequestStatus.PENDING)))
                .order_by(m.AccountRow.id)).first()
        dialog = dialog_for(qtbot, agent, source)
        assert dialog.waiting.isVisibleTo(dialog)
        assert f"request {request}," in dialog.waiting.text()
        other = dialog_for(qtbot, agent, calm)  # type: ignore[arg-type]
        assert not other.waiting.isVisibleTo(other)


# --------------------------------------------------------------------------- T5.2 both ways

#: demo case 33: a mail from the colleague who is to receive the points ("Bitte Punkte auf
#: Kollegen umbuchen"), naming the giver by account number
RECIPIENTS_CASE = 33


def named_in_case(store: Store, case: int, among: list[str]) -> list[str]:
    """The accounts of `among` that the case's incoming mails name (by plain SQL)."""
    with store.session() as s:
        text = " ".join(s.scalars(select(m.MailMessage.body).where(
            m.MailMessage.case_id == case, m.MailMessage.outgoing.is_(False))))
    return [x for x in among if x in text]


def drive_modal(qtbot: Any, parent: Any, steps: Any) -> list[BaseException]:
    """Run `steps(dialog)` on the TransferDialog `parent` opens modally next (the case's
    'Transfer points…' button calls exec()); a failing step closes it, and is returned."""
    failures: list[BaseException] = []

    def drive() -> None:
        dialog = parent.findChild(TransferDialog)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, drive)
            return
        try:
            steps(dialog)
        except BaseException as exc:  # the test fails below, with this
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, drive)
    return failures


def test_a_transfer_filed_from_the_recipients_case(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """T5.2: the potential recipient may ask as well as the giver. From demo case 33, the
    receiving colleague's mail, the agent opens 'Transfer points…': the customer is the
    target (fixed), the giver is picked among the colleagues of the same organisation
    and billing account (R20), each shown with their balance (R11), prefilled with the
    one the mail names; the preview is the engine's first-in first-out (R13, R20); OK
    queues it through the outbox and the server holds the request with this case. A
    recipient with nothing to give starts on the receiving side by itself."""
    with demo_server(demo, tmp_path / "server") as server, \
            signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "anna",
                      "anna") as anna:
        with server.store.session() as s:
            case = s.get(m.MailCase, RECIPIENTS_CASE)
            assert case is not None and case.account_id is not None
            recipient = case.account_id
        offered = colleagues(server.store, recipient)
        named = named_in_case(server.store, RECIPIENTS_CASE, offered)
        assert len(named) == 1, "the demo's mail names the colleague who gives"
        source = named[0]
        source_balance = balance(server.store, source)
        points = 1000
        assert source_balance >= points
        expected = expected_moves(server.store, source, points)
        with server.store.session() as s:
            me = s.get(m.AccountRow, recipient)
            assert me is not None
            elsewhere = sorted(set(s.scalars(select(m.AccountRow.id).where(
                m.AccountRow.organisation_id == me.organisation_id,
                m.AccountRow.id != recipient))) - set(offered))
            waiting_before = list(s.scalars(select(m.TransferRequestRow.id).where(
                m.TransferRequestRow.status == m.RequestStatus.PENDING,
                m.TransferRequestRow.source_id == source)))

        from tests.test_ui_cases import open_case

        view = open_case(qtbot, anna, RECIPIENTS_CASE)
        assert view.detail is not None and view.detail.account is not None
        assert view.detail.account.id == recipient
        assert view.transfer_button.isEnabled()
        seen: dict[str, Any] = {}

        def steps(dialog: TransferDialog) -> None:
            qtbot.waitUntil(lambda: dialog.loaded and not dialog.checking, timeout=WAIT)
            # R11: with points to give the customer starts as the giver; with none, as
            # the one who receives
            seen["side"] = dialog.side_value()
            assert seen["side"] == ("target" if balance(server.store, recipient) <= 0
                                    else "source")
            dialog.side.setCurrentIndex(dialog.side.findData("target"))
            assert dialog.target_label.isVisibleTo(dialog)
            assert not dialog.target.isVisibleTo(dialog)
            assert dialog.source_pick.isVisibleTo(dialog)
            assert recipient in dialog.target_label.text()
            picks = [dialog.source_pick.itemData(i)
                     for i in range(dialog.source_pick.count())]
            assert sorted(picks) == offered  # R20: same organisation and billing account
            for account in elsewhere:  # the organisation's others, named with why not
                assert account in dialog.not_offered.toolTip()
            shown = dialog.source_pick.itemText(dialog.source_pick.findData(source))
            assert f"balance {source_balance:,} points" in shown
            assert dialog.source_id == source  # prefilled: the one the mail names
            assert dialog.target_id == recipient
            assert dialog.points.value() == source_balance  # the giver's whole balance
            for request in waiting_before:
                assert f"request {request}," in dialog.waiting.text()
            dialog.points.setValue(points)
            choose(dialog, "other")
            dialog.justification.setPlainText("Orders are placed centrally from now on.")
            attachments = [dialog.evidence.item(i) for i in range(dialog.evidence.count())]
            assert attachments, "the case's attachment is offered as evidence"
            attachments[0].setCheckState(Qt.CheckState.Checked)
            settle(qtbot, dialog)
            assert dialog.answer is not None and dialog.answer.ok, dialog.verdict.text()
            assert [(x.points, x.usable_until, x.credited_at)
                    for x in dialog.moves.rows] == expected
            seen["evidence"] = dialog.chosen_evidence()
            with qtbot.waitSignal(dialog.queued, timeout=WAIT) as queued:
                ok_button(dialog).click()
            seen["queued"] = queued.args[0]
            seen["body"] = dialog.body

        failures = drive_modal(qtbot, view, steps)
        view.transfer_button.click()  # exec(): returns when the dialog closes
        assert not failures, failures
        assert seen["body"] == as_command({
            "type": "request_transfer", "source": source, "target": recipient,
            "points": points, "reason": "other",
            "justification": "Orders are placed centrally from now on.",
            "evidence": seen["evidence"], "case": RECIPIENTS_CASE})
        sync(qtbot, anna.desk)
        assert outcome(anna.desk, seen["queued"]).state is m.OutboxState.DONE
        row = request_row(server.store, source_id=source, requested_by="anna")
        assert (row.target, row.points, row.reason, row.case, row.status,
                row.evidence) == (recipient, points, "other", RECIPIENTS_CASE, "pending",
                                  seen["evidence"])

        # a recipient whose balance is 0 starts on the receiving side, the giver named in
        # its mail prefilled
        with server.store.session() as s:
            zero = [(c.id, c.account_id, r.source_id) for c, r in s.execute(
                select(m.MailCase, m.TransferRequestRow).join(
                    m.TransferRequestRow, m.TransferRequestRow.case_id == m.MailCase.id)
                .where(m.MailCase.account_id == m.TransferRequestRow.target_id)
                .order_by(m.MailCase.id)).all()
                if balance(server.store, c.account_id) <= 0  # type: ignore[arg-type]
                and balance(server.store, r.source_id) > 0]
        assert zero, "the demo has a recipient's case with a balance of 0"
        case_id, account, giver = zero[0]
        assert named_in_case(server.store, case_id,
                             colleagues(server.store, account)) == [giver]  # type: ignore[arg-type]
        dialog = dialog_for(qtbot, anna, account, case_id)  # type: ignore[arg-type]
        assert dialog.side_value() == "target"
        assert (dialog.source_id, dialog.target_id) == (giver, account)
        assert dialog.points.value() == balance(server.store, giver)


# --------------------------------------------------------------------------- the lead's pane

#: demo request 5: XR-1002481 → XR-1003900, 3,100 points for a reassignment, filed
#: 2026-11-13; the source's lots as the demo writes them (checked below by SQL):
#:   lot 3: 5,000 referral points credited 03.11.2025, usable until 03.11.2026 (R9), so
#:          expired at the start of 04.11.2026 and none left (R10);
#:   lot 4: 5,000 referral points credited 05.01.2026 12:52 (Berlin), usable until
#:          05.01.2027, all left;
#:   lot 5: 86 order points credited 06.07.2026 14:36 (Berlin), usable until 06.07.2027.
KNOWN_REQUEST = 5
KNOWN = ("XR-1002481", "XR-1003900", 3100)
#: R11 as of NOW (16.11.2026 09:30): 5,000 + 86, lot 3 expired on 04.11.2026
KNOWN_BALANCE = 5086
#: R13: the oldest unexpired lot first: all 3,100 from lot 4, which keeps its date (R20)
KNOWN_MOVES = [(3100, date(2027, 1, 5))]
#: a second request of 5,050 points: lot 4 whole, then 50 of lot 5 (R13), each keeping
#: its own "usable until" (R20)
SPANNING = 5050
SPANNING_MOVES = [(5000, date(2027, 1, 5)), (50, date(2027, 7, 6))]


def pane_of(qtbot: Any, agent: Agent, request: int) -> TransfersView:
    view = queue_of(qtbot, agent)
    assert view.select_request(request)
    qtbot.waitUntil(lambda: view.review is not None
                    and view.review.request_id == request, timeout=WAIT)
    return view


def test_the_approval_pane_shows_balance_lots_and_the_match(
        qtbot: Any, qapp: QApplication, demo: Demo, cases_template: DeskTemplate,
        tmp_path: Path) -> None:
    """The team lead's pane for a known request, worked out by hand from the rules: the
    source's balance now (R9–R11), organisation and billing account of both accounts
    (R20), and the lots the engine's preview of the approval would move, oldest first with
    their own "usable until" (R13, R20); a request spanning two lots; an agent sees the
    same figures; a pair of another billing account is shown as not matching."""
    source, target, points = KNOWN
    with demo_server(demo, tmp_path / "server") as server:
        # the facts the figures above were worked out from
        with server.store.session() as s:
            request = s.get(m.TransferRequestRow, KNOWN_REQUEST)
            assert request is not None
            assert (request.source_id, request.target_id, request.points,
                    str(request.status)) == (source, target, points, "pending")
            lots = [(x.seq, x.points, x.remaining, x.usable_until) for x in s.scalars(
                select(m.LotRow).where(m.LotRow.account_id == source)
                .order_by(m.LotRow.credited_at, m.LotRow.seq))]
            assert lots[-3:] == [(3, 5000, 0, date(2026, 11, 3)),
                                 (4, 5000, 5000, date(2027, 1, 5)),
                                 (5, 86, 86, date(2027, 7, 6))]
            accounts = {a.id: (a.organisation_id, a.billing_account_id, a.debt)
                        for a in s.scalars(select(m.AccountRow).where(
                            m.AccountRow.id.in_([source, target])))}
            assert accounts[source][2] == 0
            org, billing = accounts[source][:2]
            assert accounts[target][:2] == (org, billing)
            org_name = s.get(m.Organisation, org).name  # type: ignore[union-attr]
            billing_name = s.get(m.BillingAccount, billing).name  # type: ignore[union-attr]

        with signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "tomasz",
                       "tomasz") as tomasz:
            lead = pane_of(qtbot, tomasz, KNOWN_REQUEST)
            review = lead.review
            assert review is not None and review.check.ok, review
            assert review.source.balance == KNOWN_BALANCE
            assert [(x.points, x.usable_until) for x in review.check.moves] == KNOWN_MOVES
            assert review.same_organisation and review.same_billing_account
            assert review.approver == "tomasz"
            text = lead.reading.toPlainText()
            assert "Balance of the source now: 5,086 points" in text
            assert (f"Organisation: the same for both accounts, {org_name} ({org})"
                    in text)
            assert (f"Billing account: the same for both accounts, {billing_name} "
                    f"({billing})" in text)
            assert "3,100 points in 1 lot" in text
            assert "05 Jan 2027" in text
            assert "The engine allows your approval now." in text

            # a request spanning two lots, filed by an agent through the outbox
            with signed_in(qtbot, qapp, demo, cases_template, server, tmp_path / "anna",
                           "anna") as anna:
                filed = send(qtbot, anna, {
                    "type": "request_transfer", "source": source, "target": target,
                    "points": SPANNING, "reason": "other",
                    "justification": "Orders are placed centrally from now on."})
                assert outcome(anna.desk, filed).state is m.OutboxState.DONE
                spanning = request_row(server.store, source_id=source,
                                       requested_by="anna").id
                # the agent reads the same figures, without the approval's line
                mine = pane_of(qtbot, anna, spanning)
                assert mine.review is not None and mine.review.approver is None
                assert [(x.points, x.usable_until) for x in mine.review.check.moves] == \
                    SPANNING_MOVES
                text = mine.reading.toPlainText()
                assert "5,050 points in 2 lots" in text
                assert "05 Jan 2027" in text and "06 Jul 2027" in text
                assert "The engine allows your approval now." not in text
            sync(qtbot, tomasz.desk)
            lead = pane_of(qtbot, tomasz, spanning)
            assert lead.review is not None
            assert [(x.points, x.usable_until) for x in lead.review.check.moves] == \
                SPANNING_MOVES
            assert lead.review.source.balance == KNOWN_BALANCE

            # R20 in the pane: a pair of one organisation but two billing accounts
            from xrewards_desk.store.read.transfers import review_request

            with server.store.session() as s:
                pair = s.execute(select(m.AccountRow.id, m.AccountRow.billing_account_id,
                                        m.AccountRow.organisation_id)
                                 .where(m.AccountRow.status == Status.ACTIVE)
                                 .order_by(m.AccountRow.organisation_id,
                                           m.AccountRow.billing_account_id,
                                           m.AccountRow.id)).all()
            split = next((a, b) for a, b in pairwise(pair)
                         if a[2] == b[2] and a[1] != b[1])
            item = lead.selected()
            assert item is not None
            other = replace(item, source_id=split[0][0], target_id=split[1][0])
            assert tomasz.desk.store is not None
            with tomasz.desk.store.session() as s:
                crossed = review_request(s, other, NOW)
            assert crossed is not None
            assert crossed.same_organisation and not crossed.same_billing_account
            assert crossed.check.code == "different_billing_account"
            lead.review = crossed
            document = QTextDocument()
            document.setHtml(lead.review_html(other))
            text = document.toPlainText()
            assert "Billing account: not the same (R20)" in text
            assert f"({split[0][1]})" in text and f"({split[1][1]})" in text
            assert "Organisation: the same for both accounts" in text
            assert "The engine refuses the approval now" in text
