"""The IMAP side, through ``imapclient``: the inbox's new messages by UID, marking one as
taken (moved to a folder, or the keyword), waiting for mail (IDLE where the server offers
it), and the Sent folder (a copy of each reply appended with \\Seen; a reply looked up by
its Message-ID after a crash).

Every failure of the connection (dropped, refused, timed out, a protocol error) is a
:class:`MailboxDown`: the runner connects again later and nothing taken is lost, since a
message is marked only after the server answered its case."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, NamedTuple, TypeVar, cast

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from .config import REFUSED_FLAG, Imap

_T = TypeVar("_T")
TIMEOUT = 30.0


class MailboxDown(Exception):
    """The IMAP server cannot be reached or dropped the connection; the message says how
    (never with a password)."""


class Fetched(NamedTuple):
    """A message of the inbox as fetched: its bytes and the server's date of arrival."""

    uid: int
    data: bytes
    internaldate: datetime | None


def _words(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__)[:300]


@contextmanager
def _down(what: str) -> Iterator[None]:
    try:
        yield
    except (IMAPClientError, OSError, ssl.SSLError, EOFError) as exc:
        raise MailboxDown(f"{what}: {_words(exc)}") from exc


class Mailbox:
    def __init__(self, config: Imap, password: str, timeout: float = TIMEOUT) -> None:
        self.config = config
        self._password = password
        self.timeout = timeout
        self.client: IMAPClient | None = None
        self.uidvalidity = 0
        self.can_idle = False
        self.can_move = False

    # ----------------------------------------------------------------- connection
    def connect(self) -> None:
        c = self.config
        where = f"the IMAP server {c.host}:{c.port}"
        self.close()
        with _down(f"{where} cannot be reached"):
            context = ssl.create_default_context()
            client = IMAPClient(c.host, port=c.port, ssl=c.security == "tls",
                                ssl_context=context if c.security == "tls" else None,
                                timeout=self.timeout)
        try:
            with _down(f"{where} refused STARTTLS"):
                if c.security == "starttls":
                    client.starttls(context)
            with _down(f"{where} refused the sign-in of {c.user}"):
                client.login(c.user, self._password)
            client.normalise_times = False  # INTERNALDATE with its zone
            with _down(f"{where}: the folders cannot be opened"):
                caps = set(client.capabilities())
                self.can_idle = c.idle and b"IDLE" in caps
                self.can_move = b"MOVE" in caps
                for folder in (c.taken_folder, c.sent):
                    if folder and not client.folder_exists(folder):
                        client.create_folder(folder)
                self.uidvalidity = int(client.select_folder(c.inbox)[b"UIDVALIDITY"])
        except BaseException:
            _quietly(client.logout)
            raise
        self.client = client

    @property
    def connected(self) -> bool:
        return self.client is not None

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            _quietly(client.logout)

    def _call(self, what: str, work: Callable[[IMAPClient], _T]) -> _T:
        """`work` on the connection; on any failure the connection is dropped (the next
        round connects anew) and MailboxDown raised."""
        if self.client is None:
            raise MailboxDown("not connected to the IMAP server")
        try:
            with _down(what):
                return work(self.client)
        except MailboxDown:
            self.close()
            raise

    # ----------------------------------------------------------------- mail in
    def new_uids(self, after: int) -> list[int]:
        """The inbox's UIDs above `after` not yet taken nor refused, oldest first."""
        criteria: list[Any] = ["UID", f"{after + 1}:*", "NOT", "KEYWORD", REFUSED_FLAG]
        if not self.config.taken_folder:
            criteria += ["NOT", "KEYWORD", self.config.taken_flag]
        found = self._call("searching the inbox failed",
                           lambda c: c.search(criteria))
        return sorted(int(uid) for uid in found if int(uid) > after)  # n:* may list n-1

    def size(self, uid: int) -> int | None:
        answer = self._call("reading a message's size failed",
                            lambda c: c.fetch([uid], [b"RFC822.SIZE"]))
        entry = answer.get(uid)
        return int(entry[b"RFC822.SIZE"]) if entry and b"RFC822.SIZE" in entry else None

    def fetch(self, uid: int) -> Fetched | None:
        """The message's bytes (read without setting \\Seen) and INTERNALDATE; None if it
        is gone (expunged meanwhile)."""
        answer = self._call("fetching a message failed", lambda c: c.fetch(
            [uid], [b"BODY.PEEK[]", b"INTERNALDATE"]))
        entry = answer.get(uid)
        if not entry or b"BODY[]" not in entry:
            return None
        when = entry.get(b"INTERNALDATE")
        return Fetched(uid, bytes(entry[b"BODY[]"]),
                       when if isinstance(when, datetime) else None)

    def mark_taken(self, uid: int) -> None:
        """Filed as a case: moved to the taken folder, or given the taken keyword."""
        folder = self.config.taken_folder
        if not folder:
            self._call("marking a message as taken failed",
                       lambda c: c.add_flags([uid], [self.config.taken_flag], silent=True))
            return

        def move(c: IMAPClient) -> None:
            if self.can_move:
                c.move([uid], folder)
            else:
                c.copy([uid], folder)
                c.add_flags([uid], [b"\\Deleted"], silent=True)
                c.uid_expunge([uid])

        self._call("moving a message to the taken folder failed", move)

    def mark_refused(self, uid: int) -> None:
        """No mail at all (the file import refuses it too): kept where it is, never tried
        again."""
        self._call("marking a message as refused failed",
                   lambda c: c.add_flags([uid], [REFUSED_FLAG], silent=True))

    def wait(self, seconds: float, stop: Callable[[], bool]) -> None:
        """Until new mail arrives, `seconds` pass, or `stop()` says so: IDLE where the
        server offers it, else a sleep (the runner polls)."""
        deadline = time.monotonic() + seconds
        if not self.can_idle:
            while not stop() and time.monotonic() < deadline:
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
            return

        def idle(c: IMAPClient) -> None:
            c.idle()
            try:
                while not stop() and time.monotonic() < deadline:
                    left = max(0.05, min(1.0, deadline - time.monotonic()))
                    if any(len(r) > 1 and r[1] == b"EXISTS" for r in c.idle_check(left)):
                        return
            finally:
                c.idle_done()

        self._call("waiting for mail (IDLE) failed", idle)

    # ----------------------------------------------------------------- Sent
    def append_sent(self, data: bytes, when: datetime) -> None:
        self._call(f"saving the copy in {self.config.sent} failed", lambda c: c.append(
            self.config.sent, data, flags=[b"\\Seen"], msg_time=when))

    def in_sent(self, message_id: str) -> bool:
        """Whether Sent holds a message with this Message-ID."""
        inbox, sent = self.config.inbox, self.config.sent

        def look(c: IMAPClient) -> bool:
            c.select_folder(sent, readonly=True)
            try:
                found = c.search(["HEADER", "Message-ID", message_id])
                if not found:
                    return False
                # the server's search is by substring: the header itself must match
                heads = c.fetch(found, [b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
                return any(message_id.encode() in cast(bytes, next(iter(
                    v for k, v in entry.items() if k.startswith(b"BODY[HEADER")), b""))
                    for entry in heads.values())
            finally:
                self.uidvalidity = int(c.select_folder(inbox)[b"UIDVALIDITY"])

        return self._call(f"looking a reply up in {sent} failed", look)


def _quietly(action: Callable[[], object]) -> None:
    with suppress(IMAPClientError, OSError, EOFError):  # ssl, timeouts, aborts among them
        action()
