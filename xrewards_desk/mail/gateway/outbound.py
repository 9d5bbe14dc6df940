"""Replies out: a queued reply as the mail it goes out as (its Message-ID, In-Reply-To and
References as the desk made them), and one delivery over SMTP (``smtplib``) judged by the
server's answer:

- ``sent``: the server accepted the message at the end of DATA (its answer kept);
- ``temporary``: a 4xx answer, or the connection failed before the message was handed
  over: tried again later;
- ``refused``: a 5xx answer to the sender, the recipient or the message: for good;
- ``unknown``: the connection dropped while the message was being handed over (after
  DATA): it may have been accepted, so it is not sent again without a person.

Trouble with the gateway's own sign-in (a wrong SMTP password, 530/535) is ``temporary``:
it is the gateway's to fix, not the reply's fault."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal

from ...contract.commands import ReplyToSend
from .config import Smtp

TIMEOUT = 30.0
Kind = Literal["sent", "temporary", "refused", "unknown"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    #: the server's answer ("250 2.0.0 Ok: queued as 4B7"), or what failed
    detail: str


def compose(reply: ReplyToSend, from_address: str, at: datetime) -> bytes:
    """The reply as it goes out (and into Sent): CRLF line ends, UTF-8 text."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = from_address
    msg["To"] = reply.to
    msg["Subject"] = reply.subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = reply.message_id
    if reply.in_reply_to:
        msg["In-Reply-To"] = reply.in_reply_to
    if reply.references:
        msg["References"] = " ".join(reply.references)
    msg.set_content(reply.body)
    return msg.as_bytes()


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"[:4000]


def _judged(code: int, text: bytes | str, auth: bool = False) -> Outcome:
    if 200 <= code < 300:
        return Outcome("sent", _answer(code, text))
    if 500 <= code < 600 and not auth:
        return Outcome("refused", _answer(code, text))
    return Outcome("temporary", _answer(code, text))


def deliver(config: Smtp, password: str | None, sender: str, to: str,
            data: bytes, timeout: float = TIMEOUT) -> Outcome:
    """One attempt to hand `data` to the SMTP server for `to`."""
    handing_over = False
    try:
        context = ssl.create_default_context()
        smtp = (smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
                if config.security == "tls"
                else smtplib.SMTP(config.host, config.port, timeout=timeout))
        try:
            smtp.ehlo()
            if config.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if config.user:
                try:
                    smtp.login(config.user, password or "")
                except smtplib.SMTPResponseException as exc:
                    return _judged(exc.smtp_code, exc.smtp_error, auth=True)
            code, text = smtp.mail(sender)
            if code != 250:
                return _judged(code, text)
            code, text = smtp.rcpt(to)
            if code not in (250, 251):
                return _judged(code, text)
            handing_over = True
            code, text = smtp.data(data)
            handing_over = False
            return _judged(code, text)
        finally:
            _goodbye(smtp)
    except smtplib.SMTPResponseException as exc:  # a refusal at DATA, or at connecting
        return _judged(exc.smtp_code, exc.smtp_error)
    except (smtplib.SMTPException, OSError) as exc:
        what = str(exc) or type(exc).__name__
        if handing_over:
            return Outcome("unknown", f"the connection to the SMTP server failed while the "
                                      f"message was being handed over ({what}); it may "
                                      "have been accepted")
        return Outcome("temporary", f"the SMTP server {config.host}:{config.port} could "
                                    f"not be reached or dropped the connection ({what})")


def _goodbye(smtp: smtplib.SMTP) -> None:
    """QUIT, whatever it answers: the outcome was decided before it."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
