"""The mail gateway (issue 20) against real servers: Dovecot for IMAP (tests/mail_servers.py,
started on a loopback port), aiosmtpd for SMTP, and the reference API server on 127.0.0.1
(tests/server_harness.py) with a user of the mail gateway role (R27).

Faults (item 4): the IMAP connection dropped mid-fetch, the gateway killed with SIGKILL
(a real child process) between the server's commit and the taken mark, the API down for a
while, SMTP 421 and 451 then success, SMTP 550, the gateway killed after DATA and after
the copy in Sent. After each: one case per message, one copy per reply, nothing lost.
Mail in the wild (item 5): the project's sample mails through the gateway and through the
file import give the same cases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.mail_servers import Dovecot, SmtpServer, dovecot, smtp_server, tcp_proxy
from tests.server_harness import PASSWORD, Server, register, running
from xrewards_desk.domain.model import Role
from xrewards_desk.mail.gateway.config import TAKEN_FLAG, GatewayConfig, Imap, Secrets, Smtp
from xrewards_desk.mail.gateway.runner import Gateway
from xrewards_desk.mail.gateway.state import FILE as STATE_FILE
from xrewards_desk.mail.importer import import_mail
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.runner import Syncer

MAILS = Path(__file__).parent / "mails"
GATEWAY = "gateway"
FROM = "rewards@xpoints.example"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def api(sqlite_backend, tmp_path: Path) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    store = sqlite_backend.new_store()
    with running(store, tmp_path / "server") as server:
        server.service.add_user(GATEWAY, "Postfach-Anbindung", Role.MAIL_GATEWAY, PASSWORD,
                                "en")
        yield server
    store.close()


@pytest.fixture
def imap() -> Iterator[Dovecot]:
    with dovecot() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def settings(api: Server, imap: Dovecot, smtp: SmtpServer, data: Path, *,
             api_url: str | None = None, imap_port: int | None = None,
             **imap_extra: Any) -> GatewayConfig:
    return GatewayConfig(
        api=api_url or api.base.removesuffix("/v1"), api_user=GATEWAY,
        imap=Imap(host=imap.host, port=imap_port or imap.port, security="none",
                  user=imap.user, **imap_extra),
        smtp=Smtp(host=smtp.host, port=smtp.port, security="none", user=None,
                  from_address=FROM),
        data_dir=data, replies_seconds=0.2, report_seconds=60, retry_seconds=0.05,
        retry_max_seconds=0.2)


def gateway(config: GatewayConfig, imap: Dovecot) -> Gateway:
    return Gateway(config, Secrets(PASSWORD, imap.password),
                   api=ApiClient(config.api, retries=1, sleep=lambda _s: None))


def rounds(g: Gateway, until: Any, most: int = 40) -> None:
    """Rounds (each after the backoff the last one set) until `until()` holds."""
    for _ in range(most):
        g.round()
        if until():
            return
        time.sleep(max(0.0, g.resume_at - time.monotonic()) + 0.02)
    raise AssertionError("the gateway did not get there")


def cases(api: Server) -> list[tuple[int, str | None, list[str]]]:
    with api.store.session() as s:
        return [(c.id, c.account_id, [msg.message_id for msg in c.messages if not msg.outgoing])
                for c in s.scalars(select(m.MailCase).order_by(m.MailCase.id))]


def mail_rows(api: Server) -> dict[str, m.MailMessage]:
    with api.store.session() as s:
        rows = list(s.scalars(select(m.MailMessage).where(m.MailMessage.outgoing.is_(False))))
        for row in rows:
            _ = list(row.attachments)
            s.expunge(row)
        return {row.message_id: row for row in rows}


def reply_row(api: Server, message_id: str) -> m.MailMessage:
    with api.store.session() as s:
        row = s.scalars(select(m.MailMessage).where(
            m.MailMessage.message_id == message_id)).one()
        s.expunge(row)
        return row


def queue_reply(api: Server, case: int, parent: str) -> str:
    """An agent queues a reply to the mail `parent` of `case` (issue 20 item 3)."""
    message_id = make_msgid(domain="xpoints.example")
    api.as_("anna").ok({"type": "queue_reply", "case": case, "message_id": message_id,
                        "in_reply_to": parent, "references": [parent],
                        "to": "petra.hoffmann@hoffmann-gmbh.example",
                        "subject": "Re: Punkte fehlen", "body": "Guten Tag,\nerledigt.\n"})
    return message_id


def child(hook: str, config: GatewayConfig, imap: Dovecot) -> subprocess.Popen[str]:
    env = {**os.environ, "XREWARDS_GATEWAY_API_URL": config.api,
           "XREWARDS_GATEWAY_API_USER": GATEWAY,
           "XREWARDS_GATEWAY_IMAP_HOST": imap.host,
           "XREWARDS_GATEWAY_IMAP_PORT": str(config.imap.port),
           "XREWARDS_GATEWAY_IMAP_SECURITY": "none", "XREWARDS_GATEWAY_IMAP_USER": imap.user,
           "XREWARDS_GATEWAY_SMTP_HOST": config.smtp.host,
           "XREWARDS_GATEWAY_SMTP_PORT": str(config.smtp.port),
           "XREWARDS_GATEWAY_SMTP_SECURITY": "none", "XREWARDS_GATEWAY_SMTP_FROM_ADDRESS": FROM,
           "XREWARDS_GATEWAY_GATEWAY_DATA_DIR": str(config.data_dir),
           "XREWARDS_GATEWAY_API_PASSWORD": PASSWORD,
           "XREWARDS_GATEWAY_IMAP_PASSWORD": imap.password}
    return subprocess.Popen([sys.executable, "-m", "tests.gateway_child", hook], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def killed_at(process: subprocess.Popen[str], hook: str) -> str:
    """Wait for the child to reach `hook`, then SIGKILL it; the id it printed."""
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith(f"at {hook} "):
        process.kill()
        raise AssertionError(f"the child said {line!r}: {process.communicate()[1][-3000:]}")
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    return line.split()[2]


# --------------------------------------------------------------------------- mail in


def test_a_mail_becomes_one_case_and_is_marked_taken_once_filed(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    register(api, "XR-1", org="HOFFMANN", email="Petra.Hoffmann@hoffmann-gmbh.example")
    imap.append((MAILS / "case_first.eml").read_bytes())
    g = gateway(settings(api, imap, smtp, tmp_path), imap)
    g.round()
    # the server matched the sender to XR-1 (the gateway names no customer)
    assert cases(api) == [(1, "XR-1", ["<case-first-0303@hoffmann-gmbh.example>"])]
    (uid, flags, _data), = imap.messages("INBOX")
    assert TAKEN_FLAG.encode() in flags and b"\\Seen" not in flags  # read with PEEK
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert state["folders"]["INBOX"]["last_uid"] == uid
    # the reply joins the case; a second round takes nothing again
    imap.append((MAILS / "case_reply.eml").read_bytes())
    g.round()
    g.round()
    assert cases(api) == [(1, "XR-1", ["<case-first-0303@hoffmann-gmbh.example>",
                                       "<case-reply-0303@hoffmann-gmbh.example>"])]
    assert g.status.last_taken_at is not None and g.status.connected


def test_a_taken_folder_receives_each_filed_mail(api: Server, imap: Dovecot,
                                                 smtp: SmtpServer, tmp_path: Path) -> None:
    imap.append((MAILS / "several_received.eml").read_bytes())
    g = gateway(settings(api, imap, smtp, tmp_path, taken_folder="Taken"), imap)
    g.round()
    assert len(cases(api)) == 1
    assert imap.messages("INBOX") == [] and len(imap.messages("Taken")) == 1


def test_without_any_date_header_the_receipt_time_is_the_internaldate(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    arrived = datetime(2025, 3, 4, 8, 15, 30, tzinfo=UTC)
    imap.append((MAILS / "no_dates.eml").read_bytes(), when=arrived)
    gateway(settings(api, imap, smtp, tmp_path), imap).round()
    (row,) = mail_rows(api).values()
    # never unknown through the gateway (issue 20 item 2), marked as the server's date
    assert row.received_from is m.ReceivedFrom("internaldate")
    assert aware(row.received_at) == arrived


def test_a_message_that_is_no_mail_is_flagged_and_never_tried_again(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    imap.append(b"Just some text without headers\r\n")  # refused by the file import too
    imap.append((MAILS / "case_first.eml").read_bytes())
    g = gateway(settings(api, imap, smtp, tmp_path), imap)
    g.round()
    g.round()
    assert len(cases(api)) == 1
    flags = [f for _uid, f, _d in imap.messages("INBOX")]
    assert b"$XRewardsRefused" in flags[0] and TAKEN_FLAG.encode() in flags[1]


# --------------------------------------------------------------------------- faults, mail in


def test_the_imap_connection_dropped_mid_fetch_loses_and_doubles_nothing(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    for name in ("case_first.eml", "outlook_alternative.eml", "base64_latin1.eml"):
        imap.append((MAILS / name).read_bytes())
    with tcp_proxy(imap.host, imap.port) as proxy:
        g = gateway(settings(api, imap, smtp, tmp_path, imap_port=proxy.port), imap)
        proxy.cut_after(b"BODY[] {")  # the first message's bytes, cut half-way
        g.round()
        assert proxy.cuts == 1 and not g.mailbox.connected and cases(api) == []
        assert "fetching a message failed" in g.status.detail
        rounds(g, lambda: len(cases(api)) == 3)
        proxy.cut_after(b"BODY[] {")  # no message left to fetch: nothing to cut
        g.round()
    assert len(cases(api)) == 3
    assert all(TAKEN_FLAG.encode() in f for _u, f, _d in imap.messages("INBOX"))


def test_the_api_down_for_a_while_the_mail_waits_in_the_mailbox(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    imap.append((MAILS / "case_first.eml").read_bytes())
    host, port = api.base.removeprefix("http://").removesuffix("/v1").split(":")
    with tcp_proxy(host, int(port)) as proxy:
        g = gateway(settings(api, imap, smtp, tmp_path,
                             api_url=f"http://127.0.0.1:{proxy.port}"), imap)
        g.round()  # signed in, the mailbox open
        proxy.down = True
        imap.append((MAILS / "outlook_alternative.eml").read_bytes())
        imap.append((MAILS / "qp_windows1252.eml").read_bytes())
        for _ in range(3):
            g.round()
            time.sleep(max(0.0, g.resume_at - time.monotonic()))
        assert len(cases(api)) == 1
        assert "cannot be reached" in g.status.detail and "waits" in g.status.detail
        flags = [f for _u, f, _d in imap.messages("INBOX")]
        assert [TAKEN_FLAG.encode() in f for f in flags] == [True, False, False]
        proxy.down = False
        rounds(g, lambda: len(cases(api)) == 3)
    assert all(TAKEN_FLAG.encode() in f for _u, f, _d in imap.messages("INBOX"))


def test_killed_between_the_servers_commit_and_the_mark_makes_no_second_case(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    imap.append((MAILS / "thunderbird_mixed_pdf_png.eml").read_bytes())
    config = settings(api, imap, smtp, tmp_path)
    case = killed_at(child("filed", config, imap), "filed")
    # the server committed the case; the message is not marked and the state not moved
    assert [c[0] for c in cases(api)] == [int(case)]
    ((_uid, flags, _data),) = imap.messages("INBOX")
    assert TAKEN_FLAG.encode() not in flags and not (tmp_path / STATE_FILE).exists()
    # started again: filed again under the same key, the same case answered, then marked
    g = gateway(config, imap)
    g.round()
    assert [c[0] for c in cases(api)] == [int(case)]
    assert TAKEN_FLAG.encode() in imap.messages("INBOX")[0][1]
    with api.store.session() as s:
        assert s.scalars(select(m.EvidenceFile)).all()  # the attachments, once each


def test_a_second_gateway_on_the_same_mailbox_makes_no_second_case(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    for name in ("case_first.eml", "html_only.eml"):
        imap.append((MAILS / name).read_bytes())
    one = gateway(settings(api, imap, smtp, tmp_path / "one"), imap)
    two = gateway(settings(api, imap, smtp, tmp_path / "two"), imap)
    one.mailbox.connect()
    two.mailbox.connect()
    # both see the same new messages before either marks them
    assert one.mailbox.new_uids(0) == two.mailbox.new_uids(0) == [1, 2]
    one.round()
    two.take_mail()  # its search ran before: it files what one already filed
    assert len(cases(api)) == 2


# --------------------------------------------------------------------------- replies out


def filed_case(api: Server, imap: Dovecot, g: Gateway) -> tuple[int, str]:
    imap.append((MAILS / "case_first.eml").read_bytes())
    g.round()
    ((case, _account, (parent,)),) = cases(api)
    return case, parent


def test_a_reply_goes_out_threaded_with_a_copy_in_sent(api: Server, imap: Dovecot,
                                                       smtp: SmtpServer,
                                                       tmp_path: Path) -> None:
    g = gateway(settings(api, imap, smtp, tmp_path), imap)
    case, parent = filed_case(api, imap, g)
    message_id = queue_reply(api, case, parent)
    g.round()
    (got,) = smtp.handler.received
    assert got.recipients == ["petra.hoffmann@hoffmann-gmbh.example"] and got.sender == FROM
    mail = got.message
    assert mail["Message-ID"] == message_id and mail["In-Reply-To"] == parent
    assert mail["References"] == parent and mail["Subject"] == "Re: Punkte fehlen"
    ((_uid, flags, copy),) = imap.messages("Sent")
    assert b"\\Seen" in flags and copy.replace(b"\r\n", b"\n") == got.data.replace(b"\r\n", b"\n")
    row = reply_row(api, message_id)
    assert row.send_state is m.ReplyState.SENT
    assert row.send_detail == "250 2.0.0 Ok: queued as Q1"
    g.round()
    assert len(smtp.handler.received) == 1 and g.status.waiting == 0


def test_smtp_421_and_451_are_retried_with_backoff_then_sent_once(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    g = gateway(settings(api, imap, smtp, tmp_path), imap)
    case, parent = filed_case(api, imap, g)
    smtp.handler.plan += ["421 4.3.2 Service shutting down", "451 4.3.0 Try again later"]
    message_id = queue_reply(api, case, parent)
    g.round()
    row = reply_row(api, message_id)
    assert row.send_state is m.ReplyState.QUEUED and row.send_detail.startswith("421 4.3.2")
    rounds(g, lambda: reply_row(api, message_id).send_state is m.ReplyState.SENT)
    assert smtp.handler.answered[:2] == ["421 4.3.2 Service shutting down",
                                         "451 4.3.0 Try again later"]
    assert len(smtp.handler.received) == 1 and len(imap.messages("Sent")) == 1
    assert reply_row(api, message_id).send_attempts == 2


def test_smtp_550_is_refused_with_the_servers_words_and_never_retried(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    g = gateway(settings(api, imap, smtp, tmp_path), imap)
    case, parent = filed_case(api, imap, g)
    smtp.handler.plan.append("550 5.1.1 <petra.hoffmann@hoffmann-gmbh.example>: no such user")
    message_id = queue_reply(api, case, parent)
    g.round()
    g.round()
    row = reply_row(api, message_id)
    assert row.send_state is m.ReplyState.REFUSED
    assert row.send_detail == "550 5.1.1 <petra.hoffmann@hoffmann-gmbh.example>: no such user"
    assert smtp.handler.received == [] and imap.messages("Sent") == []
    assert len(smtp.handler.answered) == 1


def test_killed_after_data_the_reply_is_unknown_and_never_sent_twice(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    config = settings(api, imap, smtp, tmp_path)
    case, parent = filed_case(api, imap, gateway(config, imap))
    message_id = queue_reply(api, case, parent)
    killed_at(child("accepted", config, imap), "accepted")
    assert len(smtp.handler.received) == 1
    assert reply_row(api, message_id).send_state is m.ReplyState.SENDING
    g = gateway(config, imap)
    g.round()
    g.round()
    row = reply_row(api, message_id)
    assert row.send_state is m.ReplyState.UNKNOWN and "may have accepted" in row.send_detail
    assert len(smtp.handler.received) == 1 and imap.messages("Sent") == []


def test_killed_after_the_copy_in_sent_the_reply_is_found_and_recorded_sent(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    config = settings(api, imap, smtp, tmp_path)
    case, parent = filed_case(api, imap, gateway(config, imap))
    message_id = queue_reply(api, case, parent)
    killed_at(child("copied", config, imap), "copied")
    g = gateway(config, imap)
    g.round()
    row = reply_row(api, message_id)
    assert row.send_state is m.ReplyState.SENT and "found in Sent" in row.send_detail
    assert len(smtp.handler.received) == 1 and len(imap.messages("Sent")) == 1


# --------------------------------------------------------------------------- end to end


def test_end_to_end_a_customers_mail_a_desktop_sees_the_reply_goes_out(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path,
        sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    register(api, "XR-1", org="HOFFMANN", email="Petra.Hoffmann@hoffmann-gmbh.example")
    imap.append((MAILS / "case_first.eml").read_bytes())
    g = gateway(settings(api, imap, smtp, tmp_path / "gateway"), imap)
    g.round()
    desk = sqlite_backend.new_store()
    client = ApiClient(api.base.removesuffix("/v1"), retries=1, sleep=lambda _s: None)
    client.sign_in("anna", PASSWORD)
    Syncer(desk, client, api.base, "anna").pull()
    with desk.session() as s:
        (case,) = s.scalars(select(m.MailCase)).all()
        assert case.account_id == "XR-1"
        case_id = case.id
        (parent,) = [x.message_id for x in case.messages]
    message_id = queue_reply(api, case_id, parent)
    g.round()
    (got,) = smtp.handler.received
    assert got.message["In-Reply-To"] == parent and got.message["Message-ID"] == message_id
    assert len(imap.messages("Sent")) == 1
    Syncer(desk, client, api.base, "anna").pull()
    with desk.session() as s:
        reply = s.scalars(select(m.MailMessage).where(
            m.MailMessage.message_id == message_id)).one()
        assert reply.send_state is m.ReplyState.SENT
    desk.close()
    state = api.as_("tessa").get("/mailbox/state").json()
    assert state["connected"] is True and state["waiting"] == 0


# --------------------------------------------------------------------------- in the wild


BROKEN = {"not_a_mail.eml", "empty.eml"}
#: what a mail may carry: a forwarded mail and a large PDF, beside the project's samples
BIG_PDF = b"%PDF-1.4\n" + b"0" * (12 * 2**20) + b"\n%%EOF\n"


def big_mail() -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Einkauf <einkauf@big-attachments.example>"
    msg["To"] = FROM
    msg["Subject"] = "Rechnungen (groß)"
    msg["Date"] = "Tue, 04 Mar 2025 10:00:00 +0100"
    msg["Message-ID"] = "<big-0304@big-attachments.example>"
    msg.set_content("Anbei die Rechnungen.")
    msg.add_attachment(BIG_PDF, maintype="application", subtype="pdf", filename="scan.pdf")
    return msg.as_bytes()


def aware(when: datetime | None) -> datetime | None:
    """An instant as the store gives it back (SQLite: without its zone, in UTC)."""
    return when.replace(tzinfo=when.tzinfo or UTC) if when is not None else None


def shown(row: m.MailMessage) -> dict[str, Any]:
    return {"subject": row.subject, "body": row.body, "sender": row.sender,
            "in_reply_to": row.in_reply_to, "references": list(row.references),
            "received_at": aware(row.received_at), "received_from": row.received_from,
            "attachments": [(a.label, a.evidence_sha256, a.refused) for a in row.attachments]}


def test_mail_in_the_wild_gives_the_cases_the_file_import_gives(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path,
        sqlite_backend) -> None:  # type: ignore[no-untyped-def]
    names = sorted(p.name for p in MAILS.glob("*.eml") if p.name not in BROKEN)
    blobs = {name: (MAILS / name).read_bytes() for name in names}
    blobs["big.eml"] = big_mail()
    arrived = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
    for data in blobs.values():
        imap.append(data, when=arrived)
    for name in sorted(BROKEN):
        imap.append((MAILS / name).read_bytes() or b"\r\n")
    g = gateway(settings(api, imap, smtp, tmp_path / "gateway"), imap)
    g.round()
    through_gateway = mail_rows(api)
    # the same files through the file import, to a second server
    local = sqlite_backend.new_store()
    with running(sqlite_backend.new_store(), tmp_path / "other") as other:
        client = ApiClient(other.base.removesuffix("/v1"), retries=1, sleep=lambda _s: None)
        client.sign_in("anna", PASSWORD)
        sync = Syncer(local, client, other.base, "anna")
        evidence = EvidenceFolder(tmp_path / "desk")
        # the mails as the mailbox holds them (IMAP hands out CRLF line ends: a mail
        # without a Message-ID is named by those bytes on either path)
        held = [data for _u, flags, data in imap.messages("INBOX")
                if b"$XRewardsRefused" not in flags]
        assert len(held) == len(blobs)
        for n, data in enumerate(held):
            import_mail(data, store=local, evidence=evidence, syncer_or_outbox=sync,
                        user="anna", name=f"{n}.eml")
        assert sync.push(evidence=evidence.reader).left == 0
        through_import = mail_rows(other)
        assert len(cases(other)) == len(cases(api)) == len(blobs) - 1  # the reply joins
    local.close()
    assert sorted(through_gateway) == sorted(through_import)
    unknown = m.ReceivedFrom("unknown")
    for message_id, row in through_import.items():
        want = shown(row)
        if row.received_from is unknown:  # only the receipt time may come from the mailbox
            want["received_at"] = arrived
            want["received_from"] = m.ReceivedFrom("internaldate")
        assert shown(through_gateway[message_id]) == want, message_id
    assert any(r.received_from is unknown for r in through_import.values())
    big = through_gateway["<big-0304@big-attachments.example>"]
    assert [a.refused for a in big.attachments] == [None]
    flags = [f for _u, f, _d in imap.messages("INBOX")]
    assert sum(TAKEN_FLAG.encode() in f for f in flags) == len(blobs)
    assert sum(b"$XRewardsRefused" in f for f in flags) == len(BROKEN)


# --------------------------------------------------------------------------- the command


def command_env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("XREWARDS_GATEWAY")},
            "XREWARDS_GATEWAY_API_PASSWORD": PASSWORD}


def test_the_command_runs_a_round_from_a_file_and_keeps_secrets_out_of_its_log(
        api: Server, imap: Dovecot, smtp: SmtpServer, tmp_path: Path) -> None:
    imap.append((MAILS / "case_first.eml").read_bytes())
    config = tmp_path / "gateway.toml"
    config.write_text(f"""
[api]
url = "{api.base.removesuffix('/v1')}"
user = "{GATEWAY}"
[imap]
host = "{imap.host}"
port = {imap.port}
security = "none"
user = "{imap.user}"
[smtp]
host = "{smtp.host}"
port = {smtp.port}
security = "none"
from_address = "{FROM}"
[gateway]
data_dir = "{tmp_path / 'data'}"
secrets_file = "{tmp_path / 'secrets.toml'}"
""")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'imap_password = "{imap.password}"\n')
    secrets.chmod(0o644)
    exe = str(Path(sys.executable).with_name("xrewards-desk"))
    env = command_env()
    loose = subprocess.run([exe, "mailbox", "run", "--once", "--config", str(config)],
                           env=env, capture_output=True, text=True, timeout=60)
    assert loose.returncode == 2 and "chmod 600" in loose.stderr
    assert "may be read by others (mode 0644)" in loose.stderr and cases(api) == []
    secrets.chmod(0o600)
    done = subprocess.run([exe, "mailbox", "run", "--once", "--config", str(config)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(cases(api)) == 1
    log = (tmp_path / "data" / "gateway.log").read_text()
    assert "filed INBOX UID 1" in log
    for secret in (PASSWORD, imap.password):
        assert secret not in log and secret not in done.stderr
    assert oct((tmp_path / "data" / "gateway.log").stat().st_mode & 0o777) == "0o600"


def test_a_secret_in_the_settings_file_is_refused(tmp_path: Path) -> None:
    from xrewards_desk.mail.gateway.config import ConfigError, load

    path = tmp_path / "gateway.toml"
    path.write_text('[imap]\nhost = "mail.example"\npassword = "hunter2"\n')
    with pytest.raises(ConfigError, match="a secret does not belong in the configuration"):
        load(path, env={})
    path.write_text('[api]\nurl = "http://127.0.0.1:8765"\nuser = "gateway"\n'
                    '[imap]\nhost = "mail.example"\nuser = "rewards"\n'
                    '[smtp]\nhost = "smtp.example"\nfrom_address = "rewards@x.example"\n')
    config = load(path, env={"XREWARDS_GATEWAY_IMAP_HOST": "imap.example"})
    # the environment wins; the ports follow the security (implicit TLS, STARTTLS)
    assert (config.imap.host, config.imap.port, config.smtp.port) == ("imap.example", 993,
                                                                       587)
    assert replace(config, data_dir=tmp_path).data_dir == tmp_path
    assert timedelta(seconds=config.replies_seconds) == timedelta(seconds=10)
