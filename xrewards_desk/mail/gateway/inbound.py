"""Mail in: a message of the mailbox into one ``create_mail_case``, as the file import
makes it (:func:`..importer.command_for`), with two differences:

- the receipt time: the topmost Received:, else Date: (marked, as the file import marks
  it), else the IMAP server's INTERNALDATE, marked ``internaldate``: through the gateway a
  mail's receipt time is never unknown;
- the customer: the gateway has no store of its own, so the command names none and the
  server matches the sender's address to a customer (as it does for any mail without one).

Its accepted attachments are uploaded as evidence first (each under its SHA-256), then the
command is sent under the Idempotency-Key ``sha256(the message's bytes)``: a retry, a
restart after a crash or a second gateway taking the same message gets the first answer,
never a second case."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...contract.commands import CommandResult
from ...sync.client import ApiClient
from ..importer import command_for
from ..parse import UNKNOWN_RECEIPT_WARNING, ParsedMail, parse_eml

INTERNALDATE_WARNING = ("neither a Received: nor a Date: header holds a readable date; the "
                        "receipt time is when the mailbox received the mail (its IMAP "
                        "INTERNALDATE)")


@dataclass(frozen=True)
class Filing:
    """A message ready to be filed: its command, the evidence the command cites, and
    the idempotency key that makes filing it again harmless."""

    mail: ParsedMail
    body: dict[str, Any]
    evidence: list[str]
    key: str
    notes: list[str]


def with_internaldate(mail: ParsedMail, internaldate: datetime | None) -> ParsedMail:
    """`mail` with the IMAP INTERNALDATE as its receipt time where no header dates it."""
    if mail.received_from != "unknown" or internaldate is None:
        return mail
    when = internaldate if internaldate.tzinfo else internaldate.replace(tzinfo=UTC)
    warning = (mail.warning or "").replace(UNKNOWN_RECEIPT_WARNING, INTERNALDATE_WARNING)
    return dataclasses.replace(mail, received_at=when.astimezone(UTC),
                               received_from="internaldate", warning=warning or None)


def prepare(data: bytes, internaldate: datetime | None, label: str) -> Filing:
    """The filing of a message's bytes; MalformedMail (a ValueError) if it is no mail the
    program can take (the file import refuses the same)."""
    mail = with_internaldate(parse_eml(data, label), internaldate)
    body, cited, notes = command_for(mail, None, label)
    return Filing(mail, body, cited, hashlib.sha256(data).hexdigest(), notes)


def file_mail(api: ApiClient, filing: Filing) -> CommandResult:
    """Upload the evidence the command cites, then send the command; the server's answer
    (the case in ``created``). Offline, NotSignedIn or Refused as the client raises them:
    then nothing is to be marked as taken."""
    left = set(filing.evidence)
    for attachment in filing.mail.accepted_attachments:
        if attachment.sha256 in left:  # once per file, however often it is attached
            api.upload(attachment.data, attachment.name)
            left.discard(attachment.sha256)
    return api.command(filing.body, key=filing.key)
