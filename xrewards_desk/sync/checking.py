"""Checking pages of the change feed in a process of their own.

A pull overlaps its halves: while the store's half writes one page, the network half
fetches the next, parses it and checks every record against the contract
(:func:`.apply.prepare`). In one process both halves need the interpreter lock: the
writing thread gives it up at every row's ``sqlite3_step`` and then waits for the
checking thread to hand it back, so a page of 5,000 changes took 0.40–0.46 s to write
while the next was checked against 0.28–0.33 s alone (100,000 accounts, 2 cores), and a
pull was no faster overlapped than one page after the other.

So the desk hands each page's text, as fetched, to a helper process (this module's
:func:`serve`, started as ``xrewards-desk`` with :data:`ARGUMENT`), which parses it,
checks it and gathers its rows exactly as :func:`.apply.prepare` does in process
(converted to the tuples written, :meth:`.apply.Batch.freeze`), and hands back the
result pickled (a page of 5,000 at 100,000 accounts: about 1 MB, 5 ms to make there,
3 ms to read here, where checking and converting it took about 140 ms). The fetching,
the token and the store stay in the desk's process: the helper gets page text and
nothing else, no secret in its environment, and nothing on its command line but
:data:`ARGUMENT`.

Everything falls back to checking in process, page by page, so nothing a pull does
depends on the helper: while it starts (about half a second; the first pages of the
session are checked here meanwhile), if it cannot start, if it dies or does not answer
within :data:`ANSWER_SECONDS` (it is stopped then and started again at the next pull), and
for a page it cannot check (text that is not a page, a record the contract refuses: the
page is checked here again, so a refusal is raised or retried exactly as before). The
helper ends when the desk's process closes its end of the pipe, whether it exits or is
killed. ``XREWARDS_PAGE_CHECKER=0`` keeps all checking in process.
"""

from __future__ import annotations

import gc
import io
import json
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from typing import IO, Any

from ..contract import records as r
from .apply import Prepared, forget, prepare
from .validation import nul_free

log = logging.getLogger(__name__)

#: the command line argument that makes ``xrewards-desk`` the page checker
ARGUMENT = "--page-checker-process"
#: the environment variable that keeps all checking in process where it is "0"
SWITCH = "XREWARDS_PAGE_CHECKER"
#: how long a page may take to be checked before the helper is given up (a page of
#: 5,000 changes takes about a tenth of a second)
ANSWER_SECONDS = 60.0

# frames: one byte saying what, four bytes of length (big-endian), then the body
_HEAD = struct.Struct(">cI")
_PAGE = b"P"  # desk -> helper: a page's text
_DONE = b"D"  # desk -> helper: the pull ended (forget what writing rows remembered)
_READY = b"R"  # helper -> desk: started, ready for pages
_CHECKED = b"K"  # helper -> desk: (next, more, Prepared), pickled
_REFUSED = b"X"  # helper -> desk: this page could not be checked here (why, as text)


def _read(stream: IO[bytes]) -> tuple[bytes, bytes] | None:
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        return None
    what, size = _HEAD.unpack(head)
    body = stream.read(size) if size else b""
    if len(body) < size:
        return None
    return what, body


def _write(stream: IO[bytes], what: bytes, body: bytes = b"") -> None:
    stream.write(_HEAD.pack(what, len(body)))
    if body:
        stream.write(body)
    stream.flush()


# --------------------------------------------------------------------------- the helper


def is_page(page: Any) -> bool:
    """Whether parsed text has the shape of a page of the change feed."""
    return isinstance(page, dict) and {"changes", "next", "more"} <= page.keys()


def check(text: bytes) -> tuple[str, bool, Prepared]:
    """What the helper makes of a page's text: its cursor, whether more follow, and its
    records checked and gathered (:func:`.apply.prepare`); raises where the text is not
    a page or a record is refused."""
    page = json.loads(text)
    if not is_page(page):
        raise ValueError("the text is not a page of the change feed")
    prepared = prepare(page["changes"], nul_free=nul_free(text))
    # a member of staff was checked as an instance of a class made at run time
    # (validation.trusted), which does not pickle: handed over as the model itself
    prepared.steps = [(r.Staff.model_validate(step[0].model_dump()), step[1])
                      if isinstance(step, tuple) and isinstance(step[0], r.Staff) else step
                      for step in prepared.steps]
    return str(page["next"]), bool(page["more"]), prepared


def serve() -> int:
    """The helper's loop: a page's text in on standard input, its checked records out on
    standard output, until standard input ends. Anything else the process would print
    goes to standard error."""
    source = sys.stdin.buffer
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    gc.disable()  # what a page makes lives until it is handed over; freed by counting
    _write(sink, _READY)
    while True:
        frame = _read(source)
        if frame is None:
            return 0
        what, body = frame
        if what == _DONE:
            forget()
            gc.collect()
            continue
        try:
            answer = pickle.dumps(check(body), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the desk checks this page itself and says why
            _write(sink, _REFUSED, f"{type(exc).__name__}: {exc}"[:2000].encode())
            continue
        _write(sink, _CHECKED, answer)


# --------------------------------------------------------------------------- the desk's side


def _command() -> list[str]:
    if getattr(sys, "frozen", False):  # the bundle: its own executable takes the argument
        return [sys.executable, ARGUMENT]
    return [sys.executable, "-m", "xrewards_desk", ARGUMENT]


def _environment() -> dict[str, str]:
    """The desk's environment without anything that could be a secret."""
    secret = ("PASSWORD", "PASSPHRASE", "TOKEN", "SECRET", "KEY", "CREDENTIAL")
    return {name: value for name, value in os.environ.items()
            if not any(word in name.upper() for word in secret)}


class PageChecker:
    """The desk's end of the helper process: started on demand, kept for the session,
    used by one page at a time (a lock), given up on any trouble and started again
    later; :meth:`check` answers None wherever the page must be checked in process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()
        self.started = 0  # helpers started (the tests count them)

    @staticmethod
    def wanted() -> bool:
        return os.environ.get(SWITCH, "1") != "0"

    def start(self) -> None:
        """Start the helper if none runs (without waiting for it to be ready)."""
        if not self.wanted():
            return
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self._stop()
            try:
                process = subprocess.Popen(
                    _command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=None, env=_environment(), close_fds=True,
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
            except OSError as exc:
                log.warning("the page checker did not start (%s); pages are checked in "
                            "process", exc)
                return
            self._process = process
            self._ready = ready = threading.Event()
            self.started += 1
        threading.Thread(target=self._await_ready, args=(process, ready),
                         name="page-checker-start", daemon=True).start()

    @staticmethod
    def _await_ready(process: subprocess.Popen[bytes], ready: threading.Event) -> None:
        assert process.stdout is not None
        frame = _read(process.stdout)
        if frame is not None and frame[0] == _READY:
            ready.set()
        else:
            log.warning("the page checker did not get ready; pages are checked in process")
            process.kill()

    def check(self, text: bytes) -> tuple[str, bool, Prepared] | None:
        """The page checked by the helper, or None (not ready, gone, or it refused the
        page): then the caller checks it itself."""
        if not self._ready.is_set():
            return None
        with self._lock:
            process = self._process
            if process is None or not self._ready.is_set():
                return None
            assert process.stdin is not None and process.stdout is not None
            watchdog = threading.Timer(ANSWER_SECONDS, process.kill)
            watchdog.daemon = True
            watchdog.start()
            try:
                _write(process.stdin, _PAGE, text)
                frame = _read(process.stdout)
            except OSError:
                frame = None
            finally:
                watchdog.cancel()
            if frame is None:
                log.warning("the page checker stopped answering; pages are checked in "
                            "process until the next pull starts it again")
                self._stop()
                return None
            what, body = frame
            if what != _CHECKED:
                log.info("the page checker passed a page back: %s",
                         body.decode(errors="replace"))
                return None
        try:
            return _loads(body)
        except Exception as exc:  # a bug, or a helper not ours: this page is checked here
            log.warning("what the page checker handed over was refused (%s); the page is "
                        "checked in process", exc)
            return None

    def done(self) -> None:
        """The pull ended: the helper forgets what it remembered for it."""
        with self._lock:
            process = self._process
            if process is None or not self._ready.is_set():
                return
            try:
                assert process.stdin is not None
                _write(process.stdin, _DONE)
            except OSError:
                self._stop()

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        ready = self._ready.is_set()
        self._ready.clear()
        if process is None:
            return
        if not ready:  # still starting: nothing to finish
            process.kill()
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Unpickler(pickle.Unpickler):
    """Reads what the helper hands over, and refuses any class but those a checked page
    is made of (the rows are text and numbers; a member of staff is a contract model with
    an instant): what the server sent decides values, never which code runs here."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or module.startswith(_ALLOWED_PACKAGES):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the page checker handed over {module}.{name}")


_ALLOWED = {("datetime", "datetime"), ("datetime", "timezone"), ("datetime", "timedelta"),
            ("datetime", "date"), ("zoneinfo", "ZoneInfo"), ("zoneinfo._zoneinfo", "ZoneInfo"),
            ("decimal", "Decimal"), ("copyreg", "_reconstructor"), ("builtins", "object"),
            ("builtins", "set"), ("builtins", "frozenset")}
_ALLOWED_PACKAGES = ("xrewards_desk.sync.apply", "xrewards_desk.contract.",
                     "xrewards_desk.domain.model")


def _loads(body: bytes) -> tuple[str, bool, Prepared]:
    """A checked page as the helper handed it over (the caller pauses the collector: a
    page's rows are hundreds of thousands of objects, all kept)."""
    value: Any = _Unpickler(io.BytesIO(body)).load()
    next_cursor, more, prepared = value
    if not isinstance(prepared, Prepared):
        raise pickle.UnpicklingError("the page checker handed over something else")
    return str(next_cursor), bool(more), prepared


_shared: PageChecker | None = None
_shared_lock = threading.Lock()


def shared() -> PageChecker:
    """The process's page checker (one helper for every pull of the session)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = PageChecker()
            import atexit

            atexit.register(_shared.close)
        return _shared


__all__ = ["ARGUMENT", "PageChecker", "check", "is_page", "serve", "shared"]
