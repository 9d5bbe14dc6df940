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
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.case_harness import WAIT, Agent, outcome, send, signed_in, sync, waiting
from tests.demo_fixture import NOW, Demo
from tests.ui_harness import DeskTemplate, demo_server
from xrewards_desk.domain.model import CaseStatus, SourceKind, Status
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store

pytest.importorskip("PySide6.QtWidgets")
pytest.importorskip("PySide6.QtPdf")

from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.ui.qt import QApplication, QDialog, QDialogButtonBox
from xrewards_desk.ui.transfer_views import TransferDialog, TransfersView


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
        assert dialog.body is not None and dialog.body["evidence"] == [sha]
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
        assert mine.approve_button.toolTip() == "Only a team lead may approve (R21, R27)."

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
