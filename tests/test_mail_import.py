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
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.server_harness import PASSWORD, Server, register
from xrewards_desk.mail import MalformedMail
from xrewards_desk.mail.importer import LocalOutbox, import_mail
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.runner import Syncer

MAILS = Path(__file__).parent / "mails"
EXE = str(Path(sys.executable).with_name("xrewards-desk"))
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")
BROKEN = ["not_a_mail.eml", "empty.eml", "no_from.eml", "from_without_address.eml",
          "no_dates.eml", "truncated_multipart.eml"]


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
    done = run("cases", "import", str(MAILS / "case_first.eml"), str(MAILS / "no_dates.eml"),
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
    assert broken == {"file": str(MAILS / "no_dates.eml"),
                      "error": "no_dates.eml has neither a Received: nor a Date: header with "
                               "a readable date, so when it was received is unknown."}
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
