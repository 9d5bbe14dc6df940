"""The gateway's loop: take new mail, send the replies waiting, report its state, wait.

Mail in, per message of the inbox above the last UID taken (oldest first): fetch, file
(evidence, then ``create_mail_case`` under the key sha256(bytes)), and only when the server
has answered mark it as taken and remember its UID. A crash anywhere before the mark
files it again on the next start under the same key: the server answers with the case it
made, and nothing is doubled. The API gone: the mail waits in the mailbox.

Replies out, per reply the server lists (queued or sending, oldest first):

- ``queued`` (and its backoff over): ``set_reply_state sending``, one SMTP attempt, then
  on acceptance a copy APPENDed to Sent (\\Seen) and ``sent`` with the server's answer;
  a 4xx or a failed connection ``queued`` again (tried after a backoff that doubles); a
  5xx ``refused`` with the server's words; a connection lost while handing the message
  over ``unknown``.
- ``sending`` that this process is not sending: left by a gateway that stopped. Sent is
  searched for its Message-ID: found, it was accepted (the copy is appended only after
  acceptance) and is recorded ``sent``; not found, it is ``unknown``: the case asks a
  person, and it is never sent again without one.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from ...contract.commands import ReplyToSend
from ...sync.client import ApiClient, NotSignedIn, Offline, Refused
from ..parse import MAX_MAIL_BYTES, MalformedMail
from .config import GatewayConfig, Secrets
from .inbound import file_mail, prepare
from .mailbox import Mailbox, MailboxDown
from .outbound import Outcome, compose, deliver
from .state import GatewayState

log = logging.getLogger("xrewards.mail.gateway")
#: replies asked for at once
REPLIES_LIMIT = 50


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Hooks:
    """Points in the work where a test stops the process (a real SIGKILL): after the
    server answered a mail's case and before it is marked taken; after the SMTP server
    accepted a reply and before its copy is in Sent; after the copy, before ``sent``."""

    filed: Callable[[int, str | None], None] = lambda _uid, _case: None
    accepted: Callable[[int], None] = lambda _message: None
    #: after the copy is in Sent, before the server records the reply as sent
    copied: Callable[[int], None] = lambda _message: None


@dataclass
class Status:
    connected: bool = False
    last_taken_at: datetime | None = None
    waiting: int = 0
    detail: str = "starting"
    reported: tuple[Any, ...] | None = None
    reported_at: float = 0.0
    problems: list[str] = field(default_factory=list)


class Gateway:
    def __init__(self, config: GatewayConfig, secrets: Secrets, *,
                 hooks: Hooks | None = None, api: ApiClient | None = None,
                 clock: Callable[[], datetime] = _now) -> None:
        self.config = config
        self._secrets = secrets
        self.hooks = hooks or Hooks()
        self.clock = clock
        self.api = api or ApiClient(config.api, retries=2)
        self.mailbox = Mailbox(config.imap, secrets.imap_password)
        config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.state = GatewayState(config.data_dir)
        self.status = Status()
        #: a temporary failure of the API or of the mailbox: not before this (monotonic)
        self.resume_at = 0.0
        self.failures = 0
        #: reply -> (attempts made here, not before this monotonic time)
        self.backoff: dict[int, tuple[int, float]] = {}
        self.stopping = threading.Event()

    # ----------------------------------------------------------------- the loop
    def run(self, once: bool = False) -> None:
        """Rounds until stop() (SIGTERM) or, with `once`, a single round."""
        log.info("mail gateway starting: IMAP %s:%s (%s) as %s, SMTP %s:%s (%s), API %s as %s",
                 self.config.imap.host, self.config.imap.port, self.config.imap.security,
                 self.config.imap.user, self.config.smtp.host, self.config.smtp.port,
                 self.config.smtp.security, self.config.api, self.config.api_user)
        try:
            while not self.stopping.is_set():
                self.round()
                if once:
                    break
                self.wait()
        finally:
            self.mailbox.close()
            log.info("mail gateway stopped")

    def stop(self) -> None:
        self.stopping.set()

    def round(self) -> None:
        problems: list[str] = []
        if time.monotonic() >= self.resume_at:
            try:
                self._signed_in()
                if not self.mailbox.connected:
                    self.mailbox.connect()
                    log.info("connected to the mailbox %s (UIDVALIDITY %s)",
                             self.config.imap.inbox, self.mailbox.uidvalidity)
                self.take_mail()
                self.send_replies()
                self.failures = 0
            except MailboxDown as exc:
                problems.append(str(exc))
                self._later(f"the mailbox: {exc}")
            except Offline as exc:
                problems.append(f"the API at {self.config.api} cannot be reached ({exc}); "
                                "mail waits in the mailbox")
                self._later(f"the API: {exc}")
            except NotSignedIn as exc:
                self.api.token = None
                problems.append(f"not signed in to the API as {self.config.api_user}: {exc}")
                self._later(f"the sign-in: {exc}")
            except Refused as exc:  # the sign-in refused (a wrong password, locked out)
                problems.append(f"the API refused the gateway: {exc}")
                self._later(f"the API refused: {exc}")
        else:
            problems = self.status.problems
        self.status.connected = self.mailbox.connected
        self.status.problems = problems
        self.status.detail = "; ".join(problems) or "taking mail and sending replies"
        self.report()

    def _later(self, why: str) -> None:
        self.failures += 1
        delay = min(self.config.retry_seconds * 2 ** (self.failures - 1),
                    self.config.retry_max_seconds)
        self.resume_at = time.monotonic() + delay
        log.warning("%s; trying again in %.1f s", why, delay)

    def wait(self) -> None:
        seconds = self.config.replies_seconds
        if not self.mailbox.can_idle:
            seconds = min(seconds, self.config.imap.poll_seconds)
        if time.monotonic() < self.resume_at:
            seconds = min(seconds, self.resume_at - time.monotonic())
        if self.mailbox.connected:
            try:
                self.mailbox.wait(max(0.05, seconds), self.stopping.is_set)
                return
            except MailboxDown as exc:
                log.warning("%s", exc)
        self.stopping.wait(max(0.05, seconds))

    def _signed_in(self) -> None:
        if self.api.token is None:
            self.api.sign_in(self.config.api_user, self._secrets.api_password)
            log.info("signed in to %s as %s", self.config.api, self.config.api_user)

    def _api(self, work: Callable[[], Any]) -> Any:
        """`work` against the API, signed in again once if the token has run out."""
        try:
            return work()
        except NotSignedIn:
            self.api.token = None
            self._signed_in()
            return work()

    # ----------------------------------------------------------------- mail in
    def take_mail(self) -> int:
        """File every new message of the inbox; how many were taken."""
        box, folder = self.mailbox, self.config.imap.inbox
        taken = 0
        for uid in box.new_uids(self.state.last_uid(folder, box.uidvalidity)):
            if self.stopping.is_set():
                break
            size = box.size(uid)
            if size is not None and size > MAX_MAIL_BYTES:
                self._refuse(uid, f"it is {size / 2**20:.1f} MiB; a mail may be at most "
                                  f"{MAX_MAIL_BYTES // 2**20} MiB")
                continue
            fetched = box.fetch(uid)
            if fetched is None:  # expunged meanwhile
                continue
            label = f"{folder} UID {uid}"
            try:
                filing = prepare(fetched.data, fetched.internaldate, label)
            except MalformedMail as exc:
                self._refuse(uid, str(exc))
                continue
            try:
                result = self._api(partial(file_mail, self.api, filing))
            except Refused as exc:
                self._refuse(uid, f"the server refused its case: {exc}")
                continue
            self.hooks.filed(uid, result.created)
            box.mark_taken(uid)
            self.state.taken(folder, box.uidvalidity, uid)
            self.status.last_taken_at = self.clock()
            taken += 1
            log.info("filed %s (%s) from %s as case %s%s", label, filing.mail.message_id,
                     filing.mail.sender or "an unknown sender", result.created,
                     f"; {'; '.join(filing.notes)}" if filing.notes else "")
        return taken

    def _refuse(self, uid: int, why: str) -> None:
        log.warning("%s UID %s is not filed: %s; it stays in the mailbox, flagged",
                    self.config.imap.inbox, uid, why)
        self.mailbox.mark_refused(uid)
        self.state.taken(self.config.imap.inbox, self.mailbox.uidvalidity, uid)

    # ----------------------------------------------------------------- replies out
    def send_replies(self) -> None:
        replies: list[ReplyToSend] = self._api(
            lambda: self.api.replies_to_send(REPLIES_LIMIT))
        self.status.waiting = len(replies)
        for reply in replies:
            if self.stopping.is_set():
                return
            if reply.state == "sending":
                self.recover(reply)
            elif self.backoff.get(reply.message, (0, 0.0))[1] <= time.monotonic():
                self.send(reply)
        self.status.waiting = len(self._api(lambda: self.api.replies_to_send(REPLIES_LIMIT)))

    def _set(self, reply: ReplyToSend, state: str, detail: str) -> None:
        body = {"type": "set_reply_state", "message": reply.message, "state": state,
                "at": self.clock().isoformat(), "detail": detail[:4000]}
        # one key per step, kept through the client's retries (a lost answer is replayed)
        key = f"gateway-reply-{reply.message}-{state}-{uuid.uuid4()}"
        self._api(lambda: self.api.command(body, key=key))
        log.info("reply %s (%s, case %s): %s%s", reply.message, reply.message_id,
                 reply.case, state, f": {detail}" if detail else "")

    def send(self, reply: ReplyToSend) -> Outcome:
        self._set(reply, "sending", "")
        at = self.clock()
        data = compose(reply, self.config.smtp.from_address, at)
        outcome = deliver(self.config.smtp, self._secrets.smtp_password,
                          self.config.smtp.from_address, reply.to, data)
        if outcome.kind == "sent":
            self.hooks.accepted(reply.message)
            self.backoff.pop(reply.message, None)
            try:
                self.mailbox.append_sent(data, at)
                detail = outcome.detail
                self.hooks.copied(reply.message)
            except MailboxDown as exc:  # accepted all the same: said, and not sent again
                detail = f"{outcome.detail}; no copy in {self.config.imap.sent}: {exc}"
            self._set(reply, "sent", detail)
        elif outcome.kind == "temporary":
            made = self.backoff.get(reply.message, (0, 0.0))[0] + 1
            delay = min(self.config.retry_seconds * 2 ** (made - 1),
                        self.config.retry_max_seconds)
            self.backoff[reply.message] = (made, time.monotonic() + delay)
            self._set(reply, "queued", f"{outcome.detail}; tried again in {delay:.0f} s")
        else:
            self.backoff.pop(reply.message, None)
            self._set(reply, outcome.kind, outcome.detail)
        return outcome

    def recover(self, reply: ReplyToSend) -> None:
        """A reply left ``sending`` by a gateway that stopped: sent if Sent has it, else
        unknown (it may have been accepted); never sent again here."""
        if self.mailbox.in_sent(reply.message_id):
            self._set(reply, "sent", f"found in {self.config.imap.sent} after the gateway "
                                     "restarted: the SMTP server had accepted it")
        else:
            self._set(reply, "unknown",
                      f"the gateway stopped while sending it and {self.config.imap.sent} has "
                      "no copy: the SMTP server may have accepted it; a person decides "
                      "whether to send it again")

    # ----------------------------------------------------------------- state
    def report(self) -> None:
        s = self.status
        now = time.monotonic()
        facts = (s.connected, s.last_taken_at, s.waiting, s.detail)
        if facts == s.reported and now - s.reported_at < self.config.report_seconds:
            return
        body = {"type": "report_gateway_state", "connected": s.connected,
                "last_taken_at": s.last_taken_at.isoformat() if s.last_taken_at else None,
                "waiting": s.waiting, "detail": s.detail[:4000]}
        try:
            if self.api.token is not None:
                self._api(lambda: self.api.command(body))
                s.reported, s.reported_at = facts, now
        except (Offline, NotSignedIn, Refused) as exc:
            log.warning("the gateway's state could not be reported: %s", exc)
