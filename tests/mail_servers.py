"""Real mail servers for the mail gateway's tests, on loopback ports:

- :func:`dovecot`: Debian's Dovecot (``dovecot-imapd``, installed by .ci/run) started in
  the foreground with a configuration generated here (``-c``): a Maildir in a temporary
  folder, one passwd-file user, plain-text sign-in on 127.0.0.1, IDLE and MOVE as Dovecot
  offers them. No system configuration is read or changed. Run by root (CI), the login
  processes run as Dovecot's own unprivileged users and the mailbox as ``dovecot``; run
  by anyone else, everything runs as that user.
- :func:`smtp_server`: ``aiosmtpd`` with a handler that keeps each message it accepted and
  answers the codes a test plans (421, 451, 550...) to the next DATA commands.
- :func:`tcp_proxy`: a TCP relay in front of either (or of the API) that a test can cut
  mid-stream or hold down.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

USER = "rewards"
PASSWORD = "mailbox password 7"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dovecot_binary() -> str:
    found = shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if Path(p).exists()),
        None)
    if found is None:
        message = ("dovecot is not installed (Debian: apt-get install dovecot-imapd; "
                   ".ci/run installs it)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    folder: Path

    def client(self) -> IMAPClient:
        c = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        c.login(self.user, self.password)
        return c

    def append(self, data: bytes, folder: str = "INBOX", when: Any = None) -> None:
        c = self.client()
        try:
            c.append(folder, data, msg_time=when)
        finally:
            c.logout()

    def messages(self, folder: str) -> list[tuple[int, set[bytes], bytes]]:
        """Each message of `folder`: its UID, flags and bytes."""
        c = self.client()
        try:
            if not c.folder_exists(folder):
                return []
            c.select_folder(folder, readonly=True)
            uids = c.search(["ALL"])
            got = c.fetch(uids, [b"FLAGS", b"BODY.PEEK[]"]) if uids else {}
            return [(uid, set(got[uid][b"FLAGS"]), bytes(got[uid][b"BODY[]"]))
                    for uid in sorted(got)]
        finally:
            c.logout()


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
instance_name = xrewards-test-{port}
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
"""


@contextmanager
def dovecot() -> Iterator[Dovecot]:
    binary = _dovecot_binary()
    # not under pytest's tmp_path: as root, Dovecot's unprivileged login processes must
    # reach its sockets, and pytest's folders are the user's alone
    base = Path(tempfile.mkdtemp(prefix="xrewards-dovecot-"))
    base.chmod(0o755)
    (base / "mail").mkdir()
    port = free_port()
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
        login_user, internal_user, internal_group = "dovenull", "dovecot", "dovecot"
        os.chown(base / "mail", uid, gid)
    else:
        me = pwd.getpwuid(os.geteuid())
        uid, gid = me.pw_uid, me.pw_gid
        login_user = internal_user = me.pw_name
        internal_group = str(gid)
    (base / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{base}/mail/{USER}\n")
    (base / "dovecot.conf").write_text(CONFIG.format(
        base=base, port=port, uid=uid, gid=gid, login_user=login_user,
        internal_user=internal_user, internal_group=internal_group))
    process = subprocess.Popen([binary, "-F", "-c", str(base / "dovecot.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot("127.0.0.1", port, USER, PASSWORD, base)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                server.client().logout()
                break
            except Exception as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() \
                        else ""
                    raise RuntimeError(f"dovecot did not start: {exc}\n{log[-2000:]}") from exc
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- SMTP


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


@dataclass
class SmtpHandler:
    """Keeps what it accepted; answers the next DATA commands with `plan`'s codes first
    (e.g. ["421 4.3.2 Service shutting down", "451 4.3.0 Try again later"])."""

    received: list[Received] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.plan:
                answer = self.plan.pop(0)
                self.answered.append(answer)
                return answer
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content or
                                                envelope.content)))
            answer = f"250 2.0.0 Ok: queued as Q{len(self.received)}"
            self.answered.append(answer)
            return answer


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: SmtpHandler


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


# --------------------------------------------------------------------------- TCP faults


class TcpProxy:
    """Relays 127.0.0.1:`port` to `upstream`. `cut_after(marker)`: the next time the
    server's side sends bytes containing `marker`, half of that chunk is relayed and both
    connections are closed (a connection dropped mid-answer). `down = True`: new
    connections are closed at once (the service is gone) and open ones are cut."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.marker: bytes | None = None
        self.cuts = 0
        self._down = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def down(self) -> bool:
        return self._down

    @down.setter
    def down(self, value: bool) -> None:
        self._down = value
        if value:
            with self.lock:
                for s in self.open:
                    with suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)
                self.open.clear()

    def cut_after(self, marker: bytes) -> None:
        self.marker = marker

    def close(self) -> None:
        self.listener.close()
        self.down = True

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._down:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.open += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, False),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True),
                             daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, from_server: bool) -> None:
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                marker = self.marker
                if from_server and marker is not None and marker in chunk:
                    self.marker = None
                    self.cuts += 1
                    target.sendall(chunk[:max(1, chunk.index(marker) + len(marker) + 20)])
                    break
                target.sendall(chunk)
        except OSError:
            pass
        for s in (source, target):
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@contextmanager
def tcp_proxy(host: str, port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy((host, port))
    try:
        yield proxy
    finally:
        proxy.close()
