"""Demo mode: the reference server as a child process on 127.0.0.1.

It is started through the application's own executable and its `serve` subcommand (so a
bundled app can do the same), on a port the OS picks, with the demo program in the demo's
own folder; it is stopped when the app quits, and on Linux it is also told to stop if the
app dies without quitting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xrewards_desk.domain.model import Role
from xrewards_desk.server import demo_passwords

if TYPE_CHECKING:  # the demo's builder is ~200 ms of imports: only when a demo runs
    from xrewards_desk.server.demo import DemoUser

#: the demo user signed in first, and one per role for the role switcher
ROLE_USERS: dict[Role, str] = {Role.AGENT: "anna", Role.COMPLIANCE: "clara",
                               Role.TEAM_LEAD: "tessa"}


def self_command() -> list[str]:
    """How to run this application again: the bundle's executable, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "xrewards_desk"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class DemoServerError(RuntimeError):
    pass


@dataclass
class DemoServer:
    folder: Path
    process: subprocess.Popen[bytes] | None = None
    url: str | None = None

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def data(self) -> Path:
        """The server's data folder: its store, evidence and the demo's passwords."""
        return self.folder / "server"

    def user(self, name: str) -> DemoUser:
        """The demo user `name` with the password the server made for this demo, read
        from the data folder's 0600 file (never derived, never from the server's log);
        DemoPasswordsError if the file is missing or lacks them."""
        from xrewards_desk.server.demo import demo_users

        user = next(u for u in demo_users(demo_passwords.read(self.data)) if u.name == name)
        if user.password is None:
            raise demo_passwords.DemoPasswordsError(
                f"{demo_passwords.path(self.data)} holds no password for {name}")
        return user

    @property
    def progress_file(self) -> Path:
        """Where the server says how far its build of the demo is (``--progress-file``)."""
        return self.folder / "build-progress"

    def build_progress(self) -> float | None:
        """How far the server's build of the demo is (0 to 1), or None while it says
        nothing (starting, or a demo built before: no build)."""
        try:
            share = float(self.progress_file.read_text(encoding="ascii"))
        except (OSError, ValueError):
            return None
        return share if 0.0 <= share <= 1.0 else None

    def start(self, timeout: float = 600.0,
              waiting: Callable[[float, float | None], None] | None = None) -> str:
        """Start the server and wait until it listens; the first start builds the demo
        program (about 20 s on two cores). `waiting` is called every 0.1 s meanwhile with
        the seconds waited and how far the build is (:meth:`build_progress`). Returns its
        base URL."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        port_file = self.folder / "port"
        port_file.unlink(missing_ok=True)
        self.progress_file.unlink(missing_ok=True)
        with open(self.log, "ab") as log:
            os.chmod(self.log, 0o600)
            self.process = subprocess.Popen(
                [*self_command(), "serve", "--demo", "--host", "127.0.0.1", "--port", "0",
                 "--port-file", str(port_file), "--progress-file", str(self.progress_file),
                 "--data-dir", str(self.data)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if os.name == "posix" else None)
        started = time.monotonic()
        while not port_file.exists():
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace").strip().splitlines()[-5:]
                raise DemoServerError("the demo server stopped: " + " / ".join(tail))
            elapsed = time.monotonic() - started
            if elapsed > timeout:
                self.stop()
                raise DemoServerError(f"the demo server did not start within {timeout:.0f} s")
            if waiting is not None:
                waiting(elapsed, self.build_progress())
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{int(port_file.read_text())}"
        return self.url

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
