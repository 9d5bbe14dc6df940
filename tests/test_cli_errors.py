"""A newcomer's mistakes on the command line, each run as the real `xrewards-desk` process
(the real server on 127.0.0.1 where one is needed): each ends in one sentence on standard
error that says what to do, an exit code of its kind (xrewards_desk/exits.py), no
traceback, and nothing made that was not asked for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.demo_fixture import Demo
from tests.server_harness import PASSWORD, Server, earn, register, running
from tests.stores import SqliteBackend
from xrewards_desk import exits
from xrewards_desk.domain.model import EntryType
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.cli import ENTRY_WORDS
from xrewards_desk.ui.shell.display import XCB_LIBRARIES, window_problem

EXE = str(Path(sys.executable).with_name("xrewards-desk"))
#: what urllib3 and requests say about a failed connection, which a person cannot act on
INTERNALS = ("HTTPConnection", "Max retries", "urllib3", "NewConnectionError", "Errno")


def cli(*args: str, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a person runs it, but without a terminal (a new session, stdin not a
    terminal): whatever it would ask for, it cannot."""
    full = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    full.pop("XREWARDS_PASSWORD", None)
    full.update(env or {})
    return subprocess.run([EXE, *args], input=stdin if stdin is not None else "",
                          capture_output=True, text=True, timeout=120, env=full,
                          start_new_session=True)


def one_sentence(done: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """The one line a failure prints (notes aside), with its exit code and `words`."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, (done.returncode, done.stderr)
    lines = [x for x in done.stderr.splitlines() if x.strip() and not x.startswith("note:")]
    assert len(lines) == 1, done.stderr
    (line,) = lines
    assert line.startswith("xrewards-desk"), line
    for word in words:
        assert word in line, (word, line)
    return line


@pytest.fixture
def api(sqlite_backend: SqliteBackend, tmp_path: Path) -> Iterator[Server]:
    """The reference server on 127.0.0.1 over a fresh SQLite store, with the harness's
    people (anna is an agent; failed sign-ins are not slept here, only recorded)."""
    store = sqlite_backend.new_store()
    try:
        with running(store, tmp_path / "server-data") as srv:
            yield srv
    finally:
        store.close()


def root(server: Server) -> str:
    return server.base.removesuffix("/v1")


def free_port() -> int:
    """A port nothing listens on (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- passwords
def test_sync_without_a_password_and_without_a_terminal(api: Server, tmp_path: Path) -> None:
    done = cli("sync", "--api", root(api), "--user", "anna", "--data-dir",
               str(tmp_path / "desk"))
    one_sentence(done, exits.SIGN_IN, "no password for anna", "--password-stdin",
                 "XREWARDS_PASSWORD")


def test_an_empty_password_on_standard_input(api: Server, tmp_path: Path) -> None:
    done = cli("sync", "--api", root(api), "--user", "anna", "--password-stdin",
               "--data-dir", str(tmp_path / "desk"), stdin="")
    one_sentence(done, exits.SIGN_IN, "standard input held no password")
    # nothing reached the server: no failed sign-in was counted, for anna or anyone
    with api.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.SignInFailure)) == 0


def test_a_wrong_password_then_a_try_while_refused(api: Server, tmp_path: Path) -> None:
    data = str(tmp_path / "desk")
    wrong = cli("sync", "--api", root(api), "--user", "anna", "--password-stdin",
                "--data-dir", data, stdin="not the password\n")
    one_sentence(wrong, exits.SIGN_IN, "signing in as anna failed",
                 "the user name or password is wrong", "try again")
    for _ in range(2):  # three failures from this address: the next waits a second
        assert api.sign_in("anna", "still not it").status_code == 401
    fourth = cli("sync", "--api", root(api), "--user", "anna", "--password-stdin",
                 "--data-dir", data, stdin="not the password\n")
    one_sentence(fourth, exits.SIGN_IN, "refused for now",
                 "Too many failed sign-ins for this name from this address; try again in "
                 "1 second.")
    # meanwhile the right password is refused the same way, not checked
    right = cli("sync", "--api", root(api), "--user", "anna", "--password-stdin",
                "--data-dir", data, stdin=PASSWORD + "\n")
    one_sentence(right, exits.SIGN_IN, "Too many failed sign-ins")
    api.later(seconds=1)
    assert api.sign_in("anna").status_code == 200


def test_users_add_without_a_password_and_of_a_taken_name(tmp_path: Path) -> None:
    nobody = cli("users", "add", "anna", "--role", "agent", "--data-dir", str(tmp_path))
    one_sentence(nobody, exits.SIGN_IN, "no password for anna", "--password-stdin")
    added = cli("users", "add", "anna", "--role", "agent", "--password-stdin",
                "--data-dir", str(tmp_path), stdin="a long enough password\n")
    assert added.returncode == 0 and added.stdout.strip() == "added anna (agent)"
    again = cli("users", "add", "anna", "--role", "compliance", "--password-stdin",
                "--data-dir", str(tmp_path), stdin="another long password\n")
    one_sentence(again, exits.REFUSED, "there is already a user anna", "another name")
    assert "UNIQUE" not in again.stderr


def test_users_help_names_password_stdin() -> None:
    done = cli("users", "--help")
    assert done.returncode == 0 and "--password-stdin" in done.stdout
    assert "--password-stdin" in cli("users", "add", "--help").stdout


# --------------------------------------------------------------------------- addresses
def test_an_api_address_with_a_wrong_path(api: Server, tmp_path: Path) -> None:
    done = cli("sync", "--api", root(api) + "/v2", "--user", "anna", "--password-stdin",
               "--data-dir", str(tmp_path / "desk"), stdin=PASSWORD + "\n")
    one_sentence(done, exits.UNREACHABLE, f"what answers at {root(api)}/v2 is not the "
                 "X-Points API", "answered 404", "has no path")


def test_an_api_address_without_http(api: Server, tmp_path: Path) -> None:
    bare = root(api).removeprefix("http://")
    done = cli("sync", "--api", bare, "--user", "anna", "--password-stdin", "--data-dir",
               str(tmp_path / "desk"), stdin=PASSWORD + "\n")
    one_sentence(done, exits.USAGE, f"'{bare}' is not a web address", "http://")
    assert not (tmp_path / "desk").exists()  # refused before anything was made
    mail = cli("cases", "import", "x.eml", "--api", bare, "--data-dir", str(tmp_path / "m"))
    one_sentence(mail, exits.USAGE, "is not a web address")


def test_an_unreachable_server_in_words(tmp_path: Path) -> None:
    address = f"http://127.0.0.1:{free_port()}"
    done = cli("sync", "--api", address, "--user", "anna", "--password-stdin", "--data-dir",
               str(tmp_path / "desk"), stdin="whatever it is\n")
    line = one_sentence(done, exits.UNREACHABLE, f"the server at {address} cannot be reached",
                        "connection refused", "check the address", "the outbox waits")
    assert not any(word in line for word in INTERNALS), line
    unknown = cli("sync", "--api", "http://no-such-host.invalid:8765", "--user", "anna",
                  "--password-stdin", "--data-dir", str(tmp_path / "desk"),
                  stdin="whatever it is\n")
    line = one_sentence(unknown, exits.UNREACHABLE, "its host name is not known")
    assert not any(word in line for word in INTERNALS), line


def test_serve_on_a_port_already_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = cli("serve", "--port", port, "--data-dir", str(tmp_path / "srv"))
    one_sentence(done, exits.REFUSED, f"cannot listen on 127.0.0.1:{port}", "--port")
    assert not (tmp_path / "srv").exists()


def test_serve_with_a_body_limit_that_is_no_size(tmp_path: Path) -> None:
    done = cli("serve", "--max-body", "huge", "--data-dir", str(tmp_path / "srv"))
    one_sentence(done, exits.USAGE, "--max-body: 'huge' is not a size", "1MiB")
    small = cli("serve", "--data-dir", str(tmp_path / "srv"),
                env={"XREWARDS_MAX_BODY": "100"})
    one_sentence(small, exits.USAGE, "XREWARDS_MAX_BODY: 100 is too small", "1KiB")
    assert not (tmp_path / "srv").exists()  # refused before anything was made


# --------------------------------------------------------------------------- stores
def test_audit_verify_on_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    fresh = {"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")}
    missing = tmp_path / "no-server"
    done = cli("audit", "verify", "--data-dir", str(missing), env=fresh)
    one_sentence(done, exits.REFUSED, f"there is no server store at {missing}",
                 "--data-dir", "--db")
    by_path = cli("audit", "verify", "--db", str(tmp_path / "none.sqlite"), env=fresh)
    one_sentence(by_path, exits.REFUSED, "there is no server store at")
    assert not missing.exists() and not (tmp_path / "none.sqlite").exists()
    assert list(home.iterdir()) == []  # no data folder, no evidence folder


def test_search_ledger_and_signout_before_any_sync(tmp_path: Path) -> None:
    nowhere = tmp_path / "nothing-yet"
    for command in (["search", "müller"], ["ledger", "XR-1"], ["outbox"]):
        done = cli(*command, "--data-dir", str(nowhere))
        one_sentence(done, exits.REFUSED, f"there is no local store in {nowhere}",
                     "xrewards-desk sync --api URL --user NAME")
    signout = cli("signout", "--data-dir", str(nowhere))
    one_sentence(signout, exits.REFUSED, "there was no sign-in to end", "nothing changed")
    assert not nowhere.exists()

    empty = tmp_path / "empty"  # a store no sync has filled (a mail hook ran first)
    empty.mkdir()
    Store.open(sqlite_url(empty / "desk.sqlite")).close()
    search = cli("search", "müller", "--data-dir", str(empty))
    one_sentence(search, exits.REFUSED, "is empty", "xrewards-desk sync --api URL --user NAME")
    ledger = cli("ledger", "xr-1", "--data-dir", str(empty))
    one_sentence(ledger, exits.REFUSED, "no account XR-1", "it is empty")


def test_an_unreadable_local_store(tmp_path: Path) -> None:
    (tmp_path / "desk.sqlite").write_bytes(b"not a database at all " * 100)
    done = cli("search", "müller", "--data-dir", str(tmp_path))
    one_sentence(done, exits.REFUSED, "cannot be read as a local store", "move it aside")


# --------------------------------------------------------------------------- the ledger
def test_ledger_takes_lowercase_numbers_and_prints_berlin_times(api: Server,
                                                               tmp_path: Path) -> None:
    register(api, "XR-1", name="Jürgen Müller")
    earn(api, "XR-1", "O-1", "250.00")   # 03.03.2025 09:00 Berlin (CET): bronze, 250 (R7, R8)
    api.later(days=130)                  # 11.07.2025 09:00 Berlin (CEST)
    earn(api, "XR-1", "O-2", "100.50")   # spend 350.50, still bronze: floor(100.50) = 100 (R8)
    data = str(tmp_path / "desk")
    synced = cli("sync", "--api", root(api), "--user", "anna", "--password-stdin",
                 "--data-dir", data, stdin=PASSWORD + "\n")
    assert synced.returncode == 0, synced.stderr
    done = cli("ledger", "xr-1", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "XR-1, times in Europe/Berlin:",
        "2025-03-03 09:00 +01:00  credit (order)       250  order:O-1",
        "2025-07-11 09:00 +02:00  credit (order)       100  order:O-2",
        "balance: 350 points",
    ]


def test_ledger_words_are_the_ledger_view_s() -> None:
    from xrewards_desk.ui.customers.ledger import LedgerView

    english = SimpleNamespace(tr=lambda text: text)  # the view's words before translation
    assert {kind.value: LedgerView.entry_type(english, kind)  # type: ignore[arg-type]
                           for kind in EntryType} == ENTRY_WORDS


# --------------------------------------------------------------------------- no display
def test_the_desktop_without_a_display(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    data = tmp_path / "gui"
    done = subprocess.run([EXE, "--demo", "--data-dir", str(data)], capture_output=True,
                          text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    line = one_sentence(done, exits.NO_DISPLAY, "there is no display",
                        "QT_QPA_PLATFORM=offscreen xrewards-desk --demo --screenshots DIR")
    assert "qt.qpa" not in done.stderr and done.returncode != 134, line
    assert not data.exists()  # said before anything was made


def test_the_desktop_with_a_display_that_does_not_answer(tmp_path: Path) -> None:
    number = next(n for n in range(64, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",
                                                            "QT_QPA_PLATFORM")}
    done = subprocess.run([EXE, "--demo", "--data-dir", str(tmp_path / "gui")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**env, "DISPLAY": f":{number}"})
    # which comes first depends on the machine: the libraries a window needs, or the display
    line = one_sentence(done, exits.NO_DISPLAY, "--screenshots DIR")
    assert f"the display :{number} does not answer" in line or "apt-get install" in line


def test_what_a_window_needs_in_words() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the X11 and Wayland checks are Linux's")
    assert window_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert window_problem({"QT_QPA_PLATFORM": "minimal;xcb"}) is None
    assert window_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    none = window_problem({})
    assert none is not None and "there is no display" in none
    # only Wayland asked for, but no Wayland session, nor X: no display either
    assert "no display" in (window_problem({"QT_QPA_PLATFORM": "wayland"}) or "")
    missing = window_problem({"DISPLAY": ":0"},
                             [("libxrewards-absent.so.9", "xrewards-absent9"),
                              *XCB_LIBRARIES[:1]])
    assert missing is not None
    assert "libxrewards-absent.so.9" in missing
    assert "sudo apt-get install xrewards-absent9" in missing
    assert "QT_QPA_PLATFORM=offscreen" in missing


# --------------------------------------------------------------------------- the banner
def test_the_banners_objections_add_up(demo: Demo) -> None:
    """The demo's banner: the objections in time and late make up all of them, and the open
    ones are a part of those (read back from the store by SQL)."""
    with demo.service.store.session() as s:
        total = s.scalar(select(func.count()).select_from(m.Objection))
        still_open = s.scalar(select(func.count()).select_from(m.Objection).where(
            m.Objection.status == m.ObjectionStatus.RECORDED))
    c = demo.info.counts
    assert c["objections_in_time"] + c["objections_late"] == c["objections"] == total
    assert 0 < c["objections_open"] == still_open < total
    assert (f"{total} objections ({c['objections_in_time']} in time, "
            f"{c['objections_late']} late; {still_open} of them still open)"
            in demo.info.banner())
