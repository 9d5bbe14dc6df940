"""A saved mail into the outbox: parsed, its evidence kept, its sender matched to a
customer of the local store, and one ``create_mail_case`` command enqueued.

The server makes the case (or joins the case the mail's In-Reply-To/References name, and
never makes a second one for a Message-ID); :meth:`.sync.runner.Syncer.push` uploads the
evidence files the command cites before sending it. All or nothing: a mail that cannot be
parsed, or a command the contract refuses, writes nothing; a failure while writing takes
back the evidence files it wrote, and the command is stored in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import select

from xrewards_desk.store import models as m

from ..contract.commands import CreateMailCase
from ..store.db import Store
from ..sync.evidence import EvidenceFolder
from ..sync.outbox import LocalOutbox
from .parse import MAX_MAIL_BYTES, MalformedMail, ParsedMail, parse_eml

#: domains many unrelated people write from: a same-domain suggestion would be noise
FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "web.de", "gmx.de", "gmx.net", "gmx.at", "gmx.ch",
    "t-online.de", "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.com",
    "live.de", "msn.com", "yahoo.com", "yahoo.de", "ymail.com", "icloud.com", "me.com",
    "mac.com", "aol.com", "aol.de", "freenet.de", "arcor.de", "posteo.de", "mailbox.org",
    "mail.de", "online.de", "email.de", "proton.me", "protonmail.com", "gmx.com",
    "mail.com", "yandex.ru", "mail.ru",
})
SUGGESTIONS = 5
#: MailIn's limits (contract/commands.py)
BODY_LIMIT = 20_000
SUBJECT_LIMIT = 998
ATTACHMENT_LIMIT = 50
SHORT = 255
_WAITING_OR_SENT = (m.OutboxState.PENDING, m.OutboxState.SENDING, m.OutboxState.DONE)


class Outbox(Protocol):
    """What enqueues a command: :class:`.sync.runner.Syncer`, or
    :class:`~xrewards_desk.sync.outbox.LocalOutbox` (a local store without a server at hand:
    a mail hook offline)."""

    def enqueue(self, body: dict[str, Any], evidence: Sequence[str] = ()) -> int: ...


@dataclass(frozen=True)
class Suggestion:
    """A customer the mail may be from (the same company's domain)."""

    account: str
    name: str
    email: str


@dataclass(frozen=True)
class ImportResult:
    file: str
    mail: ParsedMail
    #: the customer whose e-mail is the sender's (the local store), if exactly one
    customer: str | None
    #: otherwise up to five customers of the sender's domain (none for free-mail domains)
    suggestions: list[Suggestion]
    #: the Message-ID was already in the local store or the outbox: nothing was written
    duplicate: bool
    #: the case, where known (a duplicate's existing case, or the server's answer)
    case: int | None
    #: the outbox command carrying the mail while it waits (for a duplicate: the one
    #: already waiting, if any)
    queued: int | None
    #: what was shortened to fit the contract (a very long body, many attachments)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        mail = self.mail
        return {
            "file": self.file, "case": self.case, "queued": self.queued,
            "duplicate": self.duplicate, "message_id": mail.message_id,
            "sender": mail.sender, "sender_name": mail.sender_name,
            "received_at": mail.received_at.isoformat() if mail.received_at else None,
            "received_from": mail.received_from, "customer": self.customer,
            "suggestions": [{"account": s.account, "name": s.name, "email": s.email}
                            for s in self.suggestions],
            "warning": mail.warning,
            "attachments": [{"name": a.name, "type": a.media_type, "sha256": a.sha256}
                            for a in mail.accepted_attachments],
            "refused_attachments": [{"name": a.name, "reason": a.refused}
                                    for a in mail.refused_attachments],
            "missing": mail.missing,
            "notes": self.notes,
        }


def read_mail(source: Path | str | bytes, name: str | None = None) -> tuple[bytes, str]:
    """The bytes of a mail and the name to report it by; OSError if it cannot be read."""
    if isinstance(source, bytes):
        return source, name or ""
    path = Path(source)
    label = name or path.name
    if path.stat().st_size > MAX_MAIL_BYTES:
        size = path.stat().st_size / 2**20
        raise MalformedMail(f"{label} is {size:.1f} MiB; a mail may be at most "
                            f"{MAX_MAIL_BYTES // 2**20} MiB.")
    return path.read_bytes(), label


def _short(text: str | None) -> str | None:
    if text is None or len(text) <= SHORT:
        return text
    return text[:SHORT - 1] + "…"


def command_for(mail: ParsedMail, account: str | None,
                label: str = "the mail") -> tuple[dict[str, Any], list[str], list[str]]:
    """The ``create_mail_case`` body for `mail` (checked against the contract), the
    evidence it cites, and notes on what had to be shortened. MalformedMail if the
    contract refuses it."""
    notes: list[str] = []
    body = mail.body
    if len(body) > BODY_LIMIT:
        marker = (f"\n\n[… {len(body) - BODY_LIMIT + 200:,} more characters not shown; "
                  "the case keeps the first part of the text]")
        body = body[:BODY_LIMIT - len(marker)] + marker
        notes.append(f"the body was shortened to {BODY_LIMIT:,} characters")
    kept = mail.attachments[:ATTACHMENT_LIMIT]
    if len(mail.attachments) > ATTACHMENT_LIMIT:
        notes.append(f"only the first {ATTACHMENT_LIMIT} of {len(mail.attachments)} "
                     "attachments were kept")
    attachments = [{"label": a.name[:SHORT], "sha256": a.sha256 if a.accepted else None,
                    "refused": _short(a.refused)} for a in kept]
    raw = {"type": "create_mail_case", "account": account, "mail": {
        "message_id": mail.message_id, "in_reply_to": mail.in_reply_to,
        "references": mail.references, "received_at": mail.received_at,
        "received_from": mail.received_from, "sender": mail.sender,
        "subject": mail.subject[:SUBJECT_LIMIT], "body": body, "attachments": attachments}}
    try:
        checked = CreateMailCase.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "the mail"
        raise MalformedMail(f"{label} cannot become a case: {where}: "
                            f"{first.get('msg', 'not accepted')}.") from None
    evidence = list(dict.fromkeys(a.sha256 for a in kept if a.accepted))
    return checked.model_dump(mode="json"), evidence, notes


def match_sender(store: Store, sender: str | None) -> tuple[str | None, list[Suggestion]]:
    """The one customer of the local store with the sender's e-mail, else suggestions:
    those sharing it (several), or up to five of the same domain (not for free mail).
    Nothing for a mail without a sender address: it is linked by hand."""
    if sender is None:
        return None, []
    key = sender.casefold()
    with store.session() as s:
        exact = list(s.execute(select(m.AccountRow.id, m.AccountRow.name, m.AccountRow.email)
                               .where(m.AccountRow.email_key == key)
                               .order_by(m.AccountRow.id).limit(SUGGESTIONS + 1)))
        if len(exact) == 1:
            return exact[0][0], []
        if exact:
            return None, [Suggestion(*row) for row in exact[:SUGGESTIONS]]
        domain = key.rsplit("@", 1)[-1]
        if not domain or domain in FREE_MAIL:
            return None, []
        rows = s.execute(select(m.AccountRow.id, m.AccountRow.name, m.AccountRow.email)
                         .where(m.AccountRow.email_key.endswith("@" + domain,
                                                                autoescape=True))
                         .order_by(m.AccountRow.id).limit(SUGGESTIONS))
        return None, [Suggestion(*row) for row in rows]


def known(store: Store, message_id: str) -> tuple[bool, int | None, int | None]:
    """Whether a Message-ID is already here: in a case of the local store, or in the
    outbox (waiting, or sent and answered); with its case and waiting command, if any."""
    with store.session() as s:
        case = s.scalars(select(m.MailMessage.case_id).where(
            m.MailMessage.message_id == message_id)).first()
        if case is not None:
            return True, case, None
        rows = s.execute(select(m.OutboxCommand.id, m.OutboxCommand.state,
                                m.OutboxCommand.response).where(
            m.OutboxCommand.kind == "create_mail_case",
            m.OutboxCommand.state.in_(_WAITING_OR_SENT),
            m.OutboxCommand.payload["mail"]["message_id"].as_string() == message_id,
        ).order_by(m.OutboxCommand.id))
        for command, state, response in rows:
            if state is m.OutboxState.DONE:
                return True, created_case(response), None
            return True, None, command
    return False, None, None


def created_case(response: dict[str, Any] | None) -> int | None:
    """The case a ``create_mail_case`` answer names (CommandResult.created)."""
    created = (response or {}).get("created")
    try:
        return int(created) if created is not None else None
    except (TypeError, ValueError):
        return None


def import_mail(source: Path | str | bytes, *, store: Store, evidence: EvidenceFolder,
                syncer_or_outbox: Outbox | None = None, user: str,
                name: str | None = None) -> ImportResult:
    """Parse a mail (a path or its bytes), keep its accepted attachments in `evidence`,
    match its sender in the local `store`, and enqueue one ``create_mail_case``. A mail
    without a sender address or a readable date is taken all the same: its case says
    "sender unknown" or "receipt time unknown" until an agent links or sets it.

    A Message-ID already in the store or the outbox is reported as a duplicate and
    nothing is written. MalformedMail (a ValueError) if the mail cannot be taken, OSError
    if the file cannot be read; either way nothing is written. The command goes to
    `syncer_or_outbox` (a Syncer), or without one to the store's outbox as `user`."""
    data, label = read_mail(source, name)
    mail = parse_eml(data, label)
    customer, suggestions = match_sender(store, mail.sender)
    body, cited, notes = command_for(mail, customer, label or "the mail")
    duplicate, case, waiting = known(store, mail.message_id)
    if duplicate:
        return ImportResult(label, mail, customer, suggestions, True, case, waiting, notes)
    written: list[str] = []
    try:
        for attachment in mail.accepted_attachments:
            if attachment.sha256 in cited and not evidence.has(attachment.sha256):
                evidence.put(attachment.data, attachment.name)
                written.append(attachment.sha256)
        outbox = syncer_or_outbox or LocalOutbox(store, user)
        command = outbox.enqueue(body, cited)
    except BaseException:
        for sha in written:
            evidence.remove(sha)
        raise
    return ImportResult(label, mail, customer, suggestions, False, None, command, notes)
