"""Saved mails into e-mail cases, against the real reference server on 127.0.0.1: the
outbox carries one create_mail_case per mail, its evidence uploaded first; a reply joins
its case; the same file twice makes no second case; a broken mail writes nothing; and the
headless ``xrewards-desk cases import`` as a real process, online and offline."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server_harness import PASSWORD, Server, earn, register
from xrewards_desk.mail import MalformedMail
from xrewards_desk.mail.importer import import_mail
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.outbox import LocalOutbox
from xrewards_desk.sync.runner import Syncer

MAILS = Path(__file__).parent / "mails"
EXE = str(Path(sys.executable).with_name("xrewards-desk"))
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")
#: what is not a mail at all: refused (issue 15 item 9 takes every other sample)
BROKEN = ["not_a_mail.eml", "empty.eml"]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def local(sqlite_backend):  # type: ignore[no-untyped-def]
    store = sqlite_backend.new_store()
    yield store
    store.close()


def syncer(server: Server, store: Store, user: str = "anna") -> Syncer:
    client = ApiClient(server.base.removesuffix("/v1"), retries=2, sleep=lambda _s: None)
    client.sign_in(user, PASSWORD)
    return Syncer(store, client, server.base, user)


def server_cases(server: Server) -> list[tuple[int, str | None, list[str]]]:
    """Each case on the server: its id, its customer, and its mails' Message-IDs."""
    with server.store.session() as s:
        return [(case.id, case.account_id, [msg.message_id for msg in case.messages])
                for case in s.scalars(select(m.MailCase).order_by(m.MailCase.id))]


def outbox_rows(store: Store) -> list[m.OutboxCommand]:
    with store.session() as s:
        return list(s.scalars(select(m.OutboxCommand).order_by(m.OutboxCommand.id)))


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_reply_joins_the_case_of_the_mail_it_answers(server: Server, local: Store,
                                                       tmp_path: Path) -> None:
    register(server, "XR-1", org="HOFFMANN", email="Petra.Hoffmann@hoffmann-gmbh.example")
    sync = syncer(server, local)
    sync.pull()
    evidence = EvidenceFolder(tmp_path)
    first = import_mail(MAILS / "case_first.eml", store=local, evidence=evidence,
                        syncer_or_outbox=sync, user="anna")
    reply = import_mail(MAILS / "case_reply.eml", store=local, evidence=evidence,
                        syncer_or_outbox=sync, user="anna")
    # the sender's address is XR-1's, matched case-blind in the local store
    assert first.customer == reply.customer == "XR-1"
    assert not first.duplicate and not reply.duplicate
    rows = outbox_rows(local)
    assert [r.id for r in rows] == [first.queued, reply.queued]
    assert [r.kind for r in rows] == ["create_mail_case"] * 2
    assert rows[1].payload["mail"]["in_reply_to"] == "<case-first-0303@hoffmann-gmbh.example>"
    assert rows[0].payload["account"] == "XR-1"
    pushed = sync.push(evidence=evidence.reader)
    assert pushed.done == [first.queued, reply.queued] and pushed.left == 0
    (case, account, messages), = server_cases(server)
    assert account == "XR-1"
    assert messages == ["<case-first-0303@hoffmann-gmbh.example>",
                        "<case-reply-0303@hoffmann-gmbh.example>"]
    # both answers name that case
    assert [r.response["created"] for r in outbox_rows(local)] == [str(case)] * 2  # type: ignore[index]


def test_the_same_file_twice_makes_no_second_case(server: Server, local: Store,
                                                  tmp_path: Path) -> None:
    sync = syncer(server, local)
    evidence = EvidenceFolder(tmp_path)
    path = MAILS / "several_received.eml"

    def again() -> Any:
        return import_mail(path, store=local, evidence=evidence, syncer_or_outbox=sync,
                           user="anna")

    first = again()
    waiting = again()  # still in the outbox: reported, not enqueued again
    assert waiting.duplicate and waiting.queued == first.queued and waiting.case is None
    assert len(outbox_rows(local)) == 1
    sync.push(evidence=evidence.reader)
    (case, _account, messages), = server_cases(server)
    sent = again()  # answered: the case the server named
    assert sent.duplicate and sent.case == case and sent.queued is None
    sync.pull()
    pulled = again()  # now in the local store's cases
    assert pulled.duplicate and pulled.case == case
    assert len(outbox_rows(local)) == 1 and messages == ["<einwendung-0228@fischer-ag.example>"]
    # the same mail, enqueued by hand once more: the server makes nothing new either
    sync.enqueue(outbox_rows(local)[0].payload)
    sync.push(evidence=evidence.reader)
    assert [c[0] for c in server_cases(server)] == [case]
    assert outbox_rows(local)[1].response["created"] == str(case)  # type: ignore[index]


def test_evidence_is_uploaded_before_the_command_citing_it(server: Server, local: Store,
                                                           tmp_path: Path) -> None:
    sync = syncer(server, local)
    evidence = EvidenceFolder(tmp_path)
    result = import_mail(MAILS / "thunderbird_mixed_pdf_png.eml", store=local,
                         evidence=evidence, syncer_or_outbox=sync, user="anna")
    assert [(a["name"], a["type"], a["sha256"]) for a in result.as_json()["attachments"]] == [
        ("Rechnung 4711.pdf", "application/pdf", sha(PDF)),
        ("Bildschirmfoto.png", "image/png", sha(PNG))]
    # kept locally: named by SHA-256, private, the label beside it
    folder = tmp_path / "evidence"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for digest, data in ((sha(PDF), PDF), (sha(PNG), PNG)):
        assert (folder / digest).read_bytes() == data
        assert stat.S_IMODE((folder / digest).stat().st_mode) == 0o600
    assert evidence.reader(sha(PDF)) == (PDF, "Rechnung 4711.pdf")
    (row,) = outbox_rows(local)
    assert row.evidence == [sha(PDF), sha(PNG)]
    sync.push(evidence=evidence.reader)
    with server.store.session() as s:
        files = {e.sha256: (e.media_type, e.label) for e in s.scalars(select(m.EvidenceFile))}
        assert files == {sha(PDF): ("application/pdf", "Rechnung 4711.pdf"),
                         sha(PNG): ("image/png", "Bildschirmfoto.png")}
        (message,) = s.scalars(select(m.MailMessage))
        assert [(a.label, a.evidence_sha256) for a in message.attachments] == [
            ("Rechnung 4711.pdf", sha(PDF)), ("Bildschirmfoto.png", sha(PNG))]
        # R25: the receipt time is the Received: header's, 10:15:02 +0100
        assert message.received_at.isoformat() == "2025-03-03T09:15:02+00:00"
        assert message.sender == "juergen.mueller@mueller-gmbh.example"


def test_a_refused_attachment_is_recorded_and_never_written(server: Server, local: Store,
                                                            tmp_path: Path) -> None:
    sync = syncer(server, local)
    evidence = EvidenceFolder(tmp_path)
    result = import_mail(MAILS / "disguised_attachments.eml", store=local, evidence=evidence,
                         syncer_or_outbox=sync, user="anna")
    out = result.as_json()
    assert [a["name"] for a in out["refused_attachments"]] == ["Rechnung.pdf", "Belege.pdf"]
    assert [(a["name"], a["type"]) for a in out["attachments"]] == [("scan.txt",
                                                                     "application/pdf")]
    # only the PDF (named scan.txt) is on disk; the executable and the zip never were
    assert files_in(tmp_path / "evidence") == sorted([sha(PDF), f"{sha(PDF)}.json"])
    sync.push(evidence=evidence.reader)
    with server.store.session() as s:
        (message,) = s.scalars(select(m.MailMessage))
        kept = [(a.label, a.evidence_sha256, a.refused is not None) for a in message.attachments]
        assert kept == [("Rechnung.pdf", None, True), ("Belege.pdf", None, True),
                        ("scan.txt", sha(PDF), False)]
        assert "judged by its content" in (message.attachments[0].refused or "")
        assert list(s.scalars(select(m.EvidenceFile.sha256))) == [sha(PDF)]


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_mail_writes_nothing(local: Store, tmp_path: Path, name: str) -> None:
    evidence = EvidenceFolder(tmp_path)
    with pytest.raises(MalformedMail, match=name.replace(".", r"\.")):
        import_mail(MAILS / name, store=local, evidence=evidence,
                    syncer_or_outbox=LocalOutbox(local, "anna"), user="anna")
    assert outbox_rows(local) == []
    assert files_in(tmp_path / "evidence") == []


def test_a_failure_while_enqueueing_takes_back_the_evidence(local: Store,
                                                             tmp_path: Path) -> None:
    class Broken:
        def enqueue(self, body: dict[str, Any], evidence: Any = ()) -> int:
            raise OSError("disk full")

    evidence = EvidenceFolder(tmp_path)
    evidence.put(PNG, "already here.png")  # kept before: not taken back
    with pytest.raises(OSError, match="disk full"):
        import_mail(MAILS / "thunderbird_mixed_pdf_png.eml", store=local, evidence=evidence,
                    syncer_or_outbox=Broken(), user="anna")
    assert files_in(tmp_path / "evidence") == sorted([sha(PNG), f"{sha(PNG)}.json"])
    assert outbox_rows(local) == []


def test_suggestions_from_the_senders_domain_but_not_for_free_mail(server: Server,
                                                                  local: Store,
                                                                  tmp_path: Path) -> None:
    for n, email in enumerate(["ute@fischer-ag.example", "max@fischer-ag.example",
                               "someone@gmail.com", "eva@other.example"], 1):
        register(server, f"XR-{n}", email=email)
    syncer(server, local).pull()
    evidence = EvidenceFolder(tmp_path)
    # tom.fischer@fischer-ag.example is no customer; two colleagues share the domain
    fischer = import_mail(MAILS / "several_received.eml", store=local, evidence=evidence,
                          user="anna")
    assert fischer.customer is None
    assert [(s.account, s.email) for s in fischer.suggestions] == [
        ("XR-1", "ute@fischer-ag.example"), ("XR-2", "max@fischer-ag.example")]
    gmail = (MAILS / "case_first.eml").read_bytes().replace(
        b"petra.hoffmann@hoffmann-gmbh.example", b"petra.h@gmail.com")
    free = import_mail(gmail, name="gmail.eml", store=local, evidence=evidence, user="anna")
    assert free.customer is None and free.suggestions == []
    assert [r.created_by for r in outbox_rows(local)] == ["anna", "anna"]


# --------------------------------------------------------------------------- the CLI


def run(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env.pop("XREWARDS_PASSWORD", None)
    if password is not None:
        env["XREWARDS_PASSWORD"] = password
    return subprocess.run([EXE, *args], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120, env=env)


def dead_api() -> str:
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_the_cli_prints_a_line_per_file_and_fails_for_a_malformed_one(server: Server,
                                                                      tmp_path: Path) -> None:
    api = server.base.removesuffix("/v1")
    data = tmp_path / "desk"
    done = run("cases", "import", str(MAILS / "case_first.eml"), str(MAILS / "not_a_mail.eml"),
               str(MAILS / "thunderbird_mixed_pdf_png.eml"), str(MAILS / "case_first.eml"),
               "--json", "--data-dir", str(data), "--api", api, "--user", "anna",
               password=PASSWORD)
    assert done.returncode == 1, done.stderr
    first, broken, mixed, twice = (json.loads(line) for line in done.stdout.splitlines())
    cases = server_cases(server)
    assert [c[2] for c in cases] == [
        ["<case-first-0303@hoffmann-gmbh.example>"],
        ["<8f1c2d3e-4711-4a5b-9c0d-1e2f3a4b5c6d@mueller-gmbh.example>"]]
    assert first["case"] == cases[0][0] and mixed["case"] == cases[1][0]
    assert first["file"] == str(MAILS / "case_first.eml")
    assert first["queued"] is None and first["duplicate"] is False
    assert first["received_at"] == "2025-03-03T07:10:00+00:00"  # 08:10:00 +0100
    assert first["received_from"] == "received" and first["warning"] is None
    assert first["sender"] == "petra.hoffmann@hoffmann-gmbh.example"
    assert broken == {"file": str(MAILS / "not_a_mail.eml"),
                      "error": "not_a_mail.eml is not an e-mail message: it does not begin "
                               "with mail headers."}
    assert [a["sha256"] for a in mixed["attachments"]] == [sha(PDF), sha(PNG)]
    # the same file again in one run: a duplicate of the command just queued, then sent
    assert twice["duplicate"] is True and twice["case"] == cases[0][0]
    assert "memory for this session only" in done.stderr  # no keyring here: told so
    # readable lines without --json; a duplicate alone is no failure
    again = run("cases", "import", str(MAILS / "case_first.eml"), "--data-dir", str(data),
                "--api", api, "--user", "anna", password=PASSWORD)
    assert again.returncode == 0, again.stderr
    assert f"already imported, case {cases[0][0]}" in again.stdout
    assert len(server_cases(server)) == 2


def test_offline_the_mail_waits_in_the_outbox_and_sync_sends_it(server: Server,
                                                                 tmp_path: Path) -> None:
    data = tmp_path / "desk"
    mail = str(MAILS / "thunderbird_mixed_pdf_png.eml")
    offline = run("cases", "import", mail, "--json", "--data-dir", str(data),
                  "--api", dead_api(), "--user", "anna", password=PASSWORD)
    assert offline.returncode == 0, offline.stderr
    (line,) = (json.loads(x) for x in offline.stdout.splitlines())
    assert line["case"] is None and isinstance(line["queued"], int)
    assert "cannot be reached" in offline.stderr and "wait in the outbox" in offline.stderr
    # without a password and not at a terminal: never asked, still queued
    nobody = run("cases", "import", str(MAILS / "case_first.eml"), "--json", "--data-dir",
                 str(data), "--api", server.base.removesuffix("/v1"), "--user", "anna")
    assert nobody.returncode == 0 and "not signed in" in nobody.stderr
    assert json.loads(nobody.stdout)["case"] is None
    assert server_cases(server) == []
    listed = json.loads(run("outbox", "--json", "--data-dir", str(data)).stdout)
    assert [(r["kind"], r["state"]) for r in listed] == [("create_mail_case", "pending")] * 2
    # the headless sync pushes the outbox, reading the evidence from the data folder
    api = server.base.removesuffix("/v1")
    synced = run("sync", "--api", api, "--user", "anna", "--json", "--data-dir", str(data),
                 password=PASSWORD)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["pushed"] == 2
    cases = server_cases(server)
    assert [c[2] for c in cases] == [
        ["<8f1c2d3e-4711-4a5b-9c0d-1e2f3a4b5c6d@mueller-gmbh.example>"],
        ["<case-first-0303@hoffmann-gmbh.example>"]]
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.EvidenceFile)) == 2
    # the pulled case is in the local store now: importing again says which
    known = run("cases", "import", mail, "--json", "--data-dir", str(data))
    assert known.returncode == 0, known.stderr
    assert json.loads(known.stdout)["duplicate"] is True
    assert json.loads(known.stdout)["case"] == cases[0][0]


# --------------------------------------------------------------------------- item 9: taken,
# not refused, wherever a person can still act on the mail


def mail_rows(server: Server, case: int) -> list[m.MailMessage]:
    with server.store.session() as s:
        rows = list(s.scalars(select(m.MailMessage).where(m.MailMessage.case_id == case)
                              .order_by(m.MailMessage.id)))
        for row in rows:
            s.expunge(row)
        return rows


def test_a_mail_without_dates_is_a_case_whose_receipt_time_an_agent_sets(
        server: Server, local: Store, tmp_path: Path) -> None:
    """no_dates.eml: no Received:, no Date:. It becomes a case with the receipt time
    unknown; no objection in it is recorded until an agent types the time in (marked as
    typed); from then R25 counts from that time."""
    register(server, "XR-1", email="nina@roth.example")
    earn(server, "XR-1", "O-1", "100.00")  # notice XR-1/N1, sent 03.03.2025 09:00 Berlin
    sync = syncer(server, local)
    sync.pull()
    evidence = EvidenceFolder(tmp_path)
    result = import_mail(MAILS / "no_dates.eml", store=local, evidence=evidence,
                         syncer_or_outbox=sync, user="anna")
    out = result.as_json()
    assert (out["received_at"], out["received_from"]) == (None, "unknown")
    assert result.customer == "XR-1"  # the sender is known: matched as ever
    assert sync.push(evidence=evidence.reader).left == 0
    ((case, account, _ids),) = server_cases(server)
    assert account == "XR-1"
    (mail,) = mail_rows(server, case)
    assert (mail.received_at, mail.received_from) == (None, m.ReceivedFrom.UNKNOWN)
    anna = server.as_("anna")
    # R25 cannot be measured: recording an objection in the case is refused, in words
    objection = {"type": "record_objection", "notice": "XR-1/N1",
                 "received_at": "2025-03-20T10:00:00+01:00", "case": case}
    refused = anna.command(objection)
    assert refused.status_code == 409 and refused.json()["code"] == "receipt_unknown"
    assert "set its receipt time first" in refused.json()["message"]
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Objection)) == 0
    # the time typed in may not lie ahead of the server's clock (03.03.2025 09:00)
    ahead = anna.command({"type": "set_mail_receipt", "case": case, "message": mail.id,
                          "received_at": "2025-03-03T09:00:01+01:00"})
    assert ahead.status_code == 409 and ahead.json()["code"] == "invalid_state"
    server.later(days=40)
    anna = server.as_("anna")  # signed in again: the first sign-in has expired
    # the agent reads the mailbox's log: 03.04.2025 23:59 Berlin (+0200, summer time)
    anna.ok({"type": "set_mail_receipt", "case": case, "message": mail.id,
             "received_at": "2025-04-03T23:59:00+02:00"})
    (mail,) = mail_rows(server, case)
    assert mail.received_from is m.ReceivedFrom.TYPED
    assert mail.received_at == datetime(2025, 4, 3, 21, 59, tzinfo=UTC)
    # R25: sent 03.03.2025, so the deadline is 03.04.2025 end of day Berlin: in time
    recorded = anna.ok({**objection, "received_at": "2025-04-03T23:59:00+02:00"})
    assert "in time" in recorded["message"] and "03.04.2025" in recorded["message"]
    # the desktop gets the typed time through the change feed, marked as typed
    syncer(server, local).pull()
    with local.session() as s:
        here = s.get(m.MailMessage, mail.id)
        assert here is not None and here.received_from is m.ReceivedFrom.TYPED
        assert here.received_at == datetime(2025, 4, 3, 21, 59, tzinfo=UTC)


def test_no_objection_in_a_case_is_decided_while_one_of_its_mails_has_no_receipt_time(
        server: Server, local: Store, tmp_path: Path) -> None:
    """An objection recorded from the first mail; then a reply without any date joins the
    case: deciding the objection waits until the reply's receipt time is set. A time read
    from a mail's own Received: header is never changed by hand."""
    register(server, "XR-1", org="HOFFMANN", email="petra.hoffmann@hoffmann-gmbh.example")
    earn(server, "XR-1", "O-1", "100.00")
    sync = syncer(server, local)
    sync.pull()
    evidence = EvidenceFolder(tmp_path)
    import_mail(MAILS / "case_first.eml", store=local, evidence=evidence,
                syncer_or_outbox=sync, user="anna")
    sync.push(evidence=evidence.reader)
    ((case, _account, _ids),) = server_cases(server)
    anna = server.as_("anna")
    recorded = anna.ok({"type": "record_objection", "notice": "XR-1/N1",
                        "received_at": "2025-03-10T10:00:00+01:00", "case": case})
    objection = int(recorded["created"])
    # the customer's reply, saved without its Received: and Date: headers
    reply = b"".join(line for line in (MAILS / "case_reply.eml").read_bytes()
                     .splitlines(keepends=True)
                     if not line.startswith((b"Received:", b"Date:", b"\t", b" ")))
    assert b"In-Reply-To: <case-first-0303@hoffmann-gmbh.example>" in reply
    joined = import_mail(reply, name="reply.eml", store=local, evidence=evidence,
                         syncer_or_outbox=sync, user="anna")
    assert joined.mail.received_from == "unknown"
    sync.push(evidence=evidence.reader)
    first, undated = mail_rows(server, case)
    assert undated.received_at is None
    uphold = {"type": "uphold_objection", "objection": objection, "version": 1,
              "points": 50, "reason": "booked twice"}
    refused = anna.command(uphold)
    assert refused.status_code == 409 and refused.json()["code"] == "receipt_unknown"
    for kind in ("reject_objection", "answer_objection_late"):
        other = anna.command({"type": kind, "objection": objection, "version": 1,
                              "reason": "r"})
        assert other.status_code == 409 and other.json()["code"] == "receipt_unknown"
    with server.store.session() as s:
        assert s.get(m.Objection, objection).status is m.ObjectionStatus.RECORDED  # type: ignore[union-attr]
    # the first mail's time is its Received: header's: not changed by hand
    header = anna.command({"type": "set_mail_receipt", "case": case, "message": first.id,
                           "received_at": "2025-03-03T08:00:00+01:00"})
    assert header.status_code == 409 and header.json()["code"] == "invalid_state"
    anna.ok({"type": "set_mail_receipt", "case": case, "message": undated.id,
             "received_at": "2025-03-03T08:40:00+01:00"})
    assert len(anna.ok(uphold)["entries"]) == 1  # R25/R26: the adjustment is written


@pytest.mark.parametrize(("name", "shown"), [
    ("no_from.eml", ""), ("from_without_address.eml", "Undisclosed recipients")])
def test_a_mail_without_a_sender_address_is_a_case_linked_by_hand(
        server: Server, local: Store, tmp_path: Path, name: str, shown: str) -> None:
    register(server, "XR-1")
    sync = syncer(server, local)
    sync.pull()
    evidence = EvidenceFolder(tmp_path)
    result = import_mail(MAILS / name, store=local, evidence=evidence,
                         syncer_or_outbox=sync, user="anna")
    assert (result.customer, result.suggestions) == (None, [])
    assert result.as_json()["sender"] is None and result.as_json()["sender_name"] == shown
    sync.push(evidence=evidence.reader)
    ((case, account, _ids),) = server_cases(server)
    (mail,) = mail_rows(server, case)
    assert account is None and mail.sender is None
    # R25: Received: Mon, 3 Mar 2025 10:00:00 +0100
    assert mail.received_at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    server.as_("anna").ok({"type": "link_mail_case", "case": case, "version": 1,
                           "account": "XR-1"})
    assert server_cases(server)[0][1] == "XR-1"
    sync.pull()
    with local.session() as s:
        here = s.get(m.MailCase, case)
        assert here is not None and here.account_id == "XR-1"
        assert s.get(m.MailMessage, mail.id).sender is None  # type: ignore[union-attr]


def test_a_cut_off_mail_is_a_case_with_its_whole_parts(server: Server, local: Store,
                                                      tmp_path: Path) -> None:
    sync = syncer(server, local)
    evidence = EvidenceFolder(tmp_path)
    result = import_mail(MAILS / "truncated_multipart.eml", store=local, evidence=evidence,
                         syncer_or_outbox=sync, user="anna")
    assert result.as_json()["missing"] == result.mail.missing != []
    assert files_in(tmp_path / "evidence") == []  # the incomplete PDF is never kept
    sync.push(evidence=evidence.reader)
    ((case, _account, _ids),) = server_cases(server)
    (mail,) = mail_rows(server, case)
    assert mail.body == ("Rechnung anbei.\n\n[This mail is cut off: it ends inside the "
                         "attachment Rechnung.pdf, which is incomplete and was not kept; "
                         "anything after it is missing.]")
    with server.store.session() as s:
        (attachment,) = s.scalars(select(m.MailAttachment))
        assert (attachment.label, attachment.evidence_sha256) == ("Rechnung.pdf", None)
        assert (attachment.refused or "").startswith("Rechnung.pdf is cut off")
        assert s.scalar(select(func.count()).select_from(m.EvidenceFile)) == 0


def test_every_sample_that_is_a_mail_lands_as_a_case(server: Server, local: Store,
                                                    tmp_path: Path) -> None:
    """Odd but readable mails of real archives (bad charsets, missing headers, CRLF and
    LF mixed, 8-bit headers, odd or missing boundaries, cut off, no sender, no date):
    each is filed on the server; only the reply joins the case of the mail it answers."""
    sync = syncer(server, local)
    evidence = EvidenceFolder(tmp_path)
    names = sorted(p.name for p in MAILS.glob("*.eml") if p.name not in BROKEN)
    assert len(names) == 22
    results = [import_mail(MAILS / name, store=local, evidence=evidence,
                           syncer_or_outbox=sync, user="anna") for name in names]
    assert not any(r.duplicate for r in results)
    pushed = sync.push(evidence=evidence.reader)
    assert pushed.left == 0 and len(pushed.done) == 22
    cases = server_cases(server)
    assert len(cases) == 21  # case_reply.eml joins case_first.eml's case
    assert sorted(i for c in cases for i in c[2]) == sorted(r.mail.message_id for r in results)
