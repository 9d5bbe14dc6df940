"""Issue 22 item 4: the files of closed cases leave the desktop after a number of calendar
months (Europe/Berlin), counted from the case's last activity; the clock is moved, never
slept on. A real store (each backend) and real files."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.workflow import MailCaseStatus
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store
from xrewards_desk.store.vault import Vault, is_sealed
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.retention import (
    DEFAULT_MONTHS,
    cutoff,
    months_or_default,
    seal_kept_mail,
    sweep,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def mail(message_id: str) -> bytes:
    return (f"From: kunde@example.com\r\nMessage-ID: {message_id}\r\nSubject: Punkte\r\n"
            "\r\nWo sind meine Punkte?\r\n").encode()


def test_the_cutoff_counts_calendar_months_in_berlin() -> None:
    # the end of a month falls to the shorter month's end
    assert cutoff(berlin(2026, 8, 31, 10), 6) == berlin(2026, 2, 28, 10)
    # wall-clock time across the change to summer time: 12:00 CET <- 12:00 CET, and an
    # instant given in UTC is counted on Berlin's calendar (23:30 UTC is the next day)
    assert cutoff(berlin(2026, 10, 25, 12), 7) == berlin(2026, 3, 25, 12)
    assert cutoff(datetime.fromisoformat("2026-11-30T23:30+00:00"), 1) == \
        berlin(2026, 11, 1, 0, 30)
    assert cutoff(berlin(2026, 12, 6, 12), 24) == berlin(2024, 12, 6, 12)
    # a setting edited by hand outside the dialog's bounds counts as the default
    assert [months_or_default(v) for v in (0, 241, -3, "12", None, 1, 240)] == \
        [DEFAULT_MONTHS] * 5 + [1, 240]


def test_files_of_closed_cases_go_once_rested_and_what_is_needed_stays(
        store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    evidence = EvidenceFolder(data)  # a plain store: plain files (Vault without a key)
    a, b, c, d = (evidence.put(PDF + f"%{x}\n".encode(), f"{x}.pdf") for x in "ABCD")
    watched = tmp_path / "inbox"
    (watched / "imported").mkdir(parents=True)
    for name, message_id in (("one.eml", "<m1@x>"), ("two.eml", "<m2@x>"),
                             ("three.eml", "<m3@x>")):
        (watched / "imported" / name).write_bytes(mail(message_id))
    with store.session() as s:
        for sha in (a, b, c, d):
            s.add(m.EvidenceFile(sha256=sha, media_type="application/pdf", size=80,
                                 label="x.pdf", uploaded_at=berlin(2024, 11, 20)))
        one = m.MailCase(subject="1", status=MailCaseStatus.CLOSED,
                         opened_at=berlin(2024, 11, 20, 9))
        two = m.MailCase(subject="2", status=MailCaseStatus.CLOSED,
                         opened_at=berlin(2024, 11, 1, 9))
        three = m.MailCase(subject="3", status=MailCaseStatus.OPEN,
                           opened_at=berlin(2020, 1, 2, 9))
        s.add_all([one, two, three])
        s.flush()
        for case, message_id, at, files in ((one, "<m1@x>", berlin(2024, 12, 6, 11), (a, b)),
                                            (two, "<m2@x>", berlin(2024, 11, 2, 9), (c,)),
                                            (three, "<m3@x>", berlin(2020, 1, 2, 9), (d,))):
            msg = m.MailMessage(case_id=case.id, message_id=message_id, received_at=at,
                                received_from=m.ReceivedFrom.RECEIVED, sender="k@example.com",
                                subject="Punkte", body="…")
            s.add(msg)
            s.flush()
            s.add_all([m.MailAttachment(message_id=msg.id, seq=i, label="x.pdf",
                                        evidence_sha256=sha) for i, sha in enumerate(files)])
        # case two's last activity is a note, an hour after the first cutoff below
        s.add(m.CaseNote(case_id=two.id, at=berlin(2024, 12, 6, 13), author="sam",
                         text="closed"))
        # B is also cited by a command still waiting in the outbox
        s.add(m.OutboxCommand(idempotency_key="k1", kind="request_transfer", payload={},
                              evidence=[b], created_at=berlin(2026, 12, 1), created_by="sam"))

    clock = SettableClock(berlin(2026, 12, 6, 12))
    # 24 months back: 06.12.2024 12:00. Case one (last mail 11:00) is due, case two (last
    # note 13:00) not yet, case three is open
    first = sweep(store, data, clock.now(), 24, watched)
    assert (first.cases, first.evidence, first.mails) == (1, 1, 1)
    assert first.before == berlin(2024, 12, 6, 12)
    assert [evidence.has(x) for x in (a, b, c, d)] == [False, True, True, True]
    assert not (data / "evidence" / f"{a}.json").exists()  # its label went with it
    assert sorted(p.name for p in (watched / "imported").iterdir()) == ["three.eml",
                                                                        "two.eml"]
    # the clock moves an hour and a second: 06.12.2024 13:00:01 is the cutoff now
    clock.advance(timedelta(hours=1, seconds=1))
    second = sweep(store, data, clock.now(), 24, watched)
    assert (second.cases, second.evidence, second.mails) == (2, 1, 1)
    assert [evidence.has(x) for x in (a, b, c, d)] == [False, True, False, True]
    assert sorted(p.name for p in (watched / "imported").iterdir()) == ["three.eml"]
    # the outbox's command answered: B is needed no more
    with store.session() as s:
        command = s.get(m.OutboxCommand, 1)
        assert command is not None
        command.state = m.OutboxState.DONE
    third = sweep(store, data, clock.now(), 24, watched)
    assert third.evidence == 1 and not evidence.has(b) and evidence.has(d)
    # a longer setting keeps the rest: 36 months back is 06.12.2023
    assert sweep(store, data, clock.now(), 36, watched).cases == 0


def test_a_taken_mail_is_kept_sealed_under_its_name(tmp_path: Path) -> None:
    key = os.urandom(32)
    watched = tmp_path / "inbox"
    (watched / "imported").mkdir(parents=True)
    os.chmod(watched, 0o755)
    taken = watched / "new.eml"
    taken.write_bytes(mail("<new@x>"))
    seal_kept_mail(taken, taken.read_bytes(), watched / "imported" / "new.eml", key)
    kept = (watched / "imported" / "new.eml").read_bytes()
    assert not taken.exists() and is_sealed(kept) and b"kunde@example.com" not in kept
    assert sorted(p.name for p in watched.iterdir()) == ["imported"]  # no temporary left
    assert stat.S_IMODE(watched.stat().st_mode) == 0o755  # the person's folder as it was
    assert Vault(key).read(watched / "imported" / "new.eml", "mail:new.eml") == \
        mail("<new@x>")
    # sealed for its name: under another name it does not open
    os.replace(watched / "imported" / "new.eml", watched / "imported" / "old.eml")
    with pytest.raises(ValueError, match="for another file"):
        Vault(key).read(watched / "imported" / "old.eml", "mail:old.eml")


def test_a_watched_folders_mail_is_kept_sealed_and_a_sealed_leftover_moves_on(
        store: Store, tmp_path: Path) -> None:
    """tidy() with the store's file key: a taken mail is kept sealed in imported/, a
    refused one stays as it is in refused/ (for the person to read); a mail a kill left
    sealed in the folder (sealed, not yet moved) is not taken again but moved on."""
    from xrewards_desk.ui.cases.mail_import import import_files, tidy

    mails = Path(__file__).parent / "mails"
    key = os.urandom(32)
    folder = tmp_path / "drop"
    folder.mkdir()
    one, two = (mails / "html_only.eml").read_bytes(), (mails / "empty.eml").read_bytes()
    (folder / "one.eml").write_bytes(one)
    (folder / "two.eml").write_bytes(two)
    Vault(key).write(folder / "three.eml", mail("<left@x>"), "mail:three.eml",
                     private_folder=False)
    left = (folder / "three.eml").read_bytes()
    paths = sorted(folder.glob("*.eml"))
    results = import_files(paths, store, tmp_path / "data", None, "anna")
    assert [(r.name, r.error is None, r.duplicate) for r in results] == [
        ("one.eml", True, False), ("three.eml", True, True), ("two.eml", False, False)]
    tidy(paths, results, key)
    assert not list(folder.glob("*.eml"))
    kept = (folder / "imported" / "one.eml").read_bytes()
    assert is_sealed(kept) and one not in kept
    assert Vault(key).read(folder / "imported" / "one.eml", "mail:one.eml") == one
    assert (folder / "imported" / "three.eml").read_bytes() == left  # moved as it was
    assert (folder / "refused" / "two.eml").read_bytes() == two
