"""Issue 18 item 7, a demo that is safe to start, against the real server over HTTP.

The attack: the demo's passwords used to follow from its public seed (DEMO_SEED, in the
source), so anyone who could reach a demo server could sign in as its compliance officer
with ``demo-clara-`` and four letters any copy of the code computes. Now each build makes
random passwords, keeps them in a 0600 file in the data folder (the desktop's demo mode
reads them there), and `serve` prints them only to a terminal: the desktop writes the
server's output to server.log, which CI prints when a run fails."""

from __future__ import annotations

import argparse
import os
import pty
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import update

from tests.demo_fixture import AT, NOW, TODAY, Demo
from tests.server_harness import running
from xrewards_desk.clock import SettableClock
from xrewards_desk.server import cli, demo_passwords
from xrewards_desk.server.demo import DEMO_SEED, STAFF, build_demo, ensure_demo
from xrewards_desk.server.security import hash_password
from xrewards_desk.server.service import Service
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.ui.shell.demo import DemoServer

SMALL = {"accounts": 40, "organisations": 8}


def seed_password(name: str, seed: int = DEMO_SEED) -> str:
    """What the demo used to set (server/demo.py before this fix), as anyone could
    compute it from the source."""
    rng = random.Random(f"xrewards-demo-passwords:{seed}")
    for user, *_ in STAFF:
        suffix = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(4))
        if user == name:
            return f"demo-{name}-{suffix}"
    raise KeyError(name)


def _sign_in(base: str, name: str, password: str) -> int:
    return requests.post(f"{base}/sign-in", json={"user": name, "password": password},
                         timeout=30).status_code


def _small_demo(folder: Path) -> Service:
    service = Service(Store.open(sqlite_url(folder / "server.sqlite")), SettableClock(NOW),
                      folder)
    build_demo(service, TODAY, time_of_day=AT, **SMALL)
    return service


def test_each_build_has_its_own_passwords_and_the_seed_gives_none(tmp_path: Path) -> None:
    first, second = _small_demo(tmp_path / "a"), _small_demo(tmp_path / "b")
    try:
        kept = demo_passwords.read(tmp_path / "a")
        other = demo_passwords.read(tmp_path / "b")
        names = [name for name, *_ in STAFF]
        assert sorted(kept) == sorted(other) == sorted(names)
        assert all(kept[name] != other[name] for name in names)  # random per build
        assert len(set(kept.values())) == len(names)
        for folder in (tmp_path / "a", tmp_path / "b"):
            assert demo_passwords.path(folder).stat().st_mode & 0o777 == 0o600
        with running(first.store, tmp_path / "a", start=NOW, people=False) as server:
            for name in names:
                # the attack: the password the public seed gives is refused ...
                assert _sign_in(server.base, name, seed_password(name)) == 401
                # ... the one in the data folder's file is taken
                assert _sign_in(server.base, name, kept[name]) == 200
            assert _sign_in(server.base, "clara", other["clara"]) == 401
    finally:
        first.store.close()
        second.store.close()


def test_a_demo_built_with_the_seeds_passwords_gets_new_ones(tmp_path: Path) -> None:
    """A demo built before the fix: its users still have the seed's passwords and the
    data folder has no file. Starting it (ensure_demo) sets new random ones, keeps them
    in the file, and signs the users out; the seed's passwords no longer work."""
    folder = tmp_path / "old"
    service = _small_demo(folder)
    try:
        demo_passwords.path(folder).unlink()
        with service.store.session() as s:
            for name, *_ in STAFF:
                s.execute(update(m.User).where(m.User.name == name).values(
                    password_hash=hash_password(seed_password(name), n=service.scrypt_n)))
        old_token = service.sign_in("clara", seed_password("clara")).token
        info = ensure_demo(service)
        kept = demo_passwords.read(folder)
        assert demo_passwords.path(folder).stat().st_mode & 0o777 == 0o600
        assert {u.name: u.password for u in info.users} == kept
        assert not info.built and info.passwords_file == demo_passwords.path(folder)
        with running(service.store, folder, start=NOW, people=False) as server:
            assert _sign_in(server.base, "clara", seed_password("clara")) == 401
            assert _sign_in(server.base, "clara", kept["clara"]) == 200
            assert requests.get(f"{server.base}/me", timeout=30, headers={
                "Authorization": f"Bearer {old_token}"}).status_code == 401
        assert ensure_demo(service).users == info.users  # kept from then on
    finally:
        service.store.close()


def _demo_folder(demo: Demo, data: Path) -> None:
    """A data folder holding the demo as `serve --demo` leaves it: the store, the
    evidence files and the passwords' file."""
    data.mkdir(parents=True)
    with sqlite3.connect(demo.db) as src, sqlite3.connect(data / "server.sqlite") as dst:
        src.backup(dst)  # a consistent copy: the template is open, in WAL mode
    src.close()
    dst.close()
    if (demo.data / "evidence").exists():
        shutil.copytree(demo.data / "evidence", data / "evidence")
    shutil.copy2(demo_passwords.path(demo.data), demo_passwords.path(data))


def test_the_desktops_demo_signs_in_from_the_file_and_its_log_holds_no_password(
        demo: Demo, tmp_path: Path) -> None:
    """The desktop's demo mode (ui/shell/demo.py): the server's output goes to server.log, which
    names where the passwords are and holds none of them; the desktop signs in with the
    password it reads from the 0600 file."""
    server = DemoServer(tmp_path / "demo")
    _demo_folder(demo, server.data)
    server.progress_file.write_text("0.500\n")  # left by an earlier start: not this one's
    told: list[float | None] = []
    url = server.start(timeout=180, waiting=lambda _seconds, share: told.append(share))
    # the demo was found, not built: no progress was written, and the old file was gone
    assert all(share is None for share in told) and not server.progress_file.exists()
    try:
        anna = server.user("anna")
        assert anna.password == demo.password("anna")
        client = ApiClient(url)
        client.sign_in("anna", anna.password)
        assert client.token
        for name in ("clara", "tessa"):
            assert _sign_in(url + "/v1", name, server.user(name).password or "") == 200
    finally:
        server.stop()
    log = server.log.read_text(encoding="utf-8")
    assert "Sign in as:" in log and str(demo_passwords.path(server.data)) in log
    assert not any(user.password and user.password in log for user in demo.info.users)
    assert "warning" not in log.lower()  # it listens on 127.0.0.1: nothing to warn of


def test_serve_prints_the_passwords_to_a_terminal_and_warns_off_loopback(
        demo: Demo, tmp_path: Path) -> None:
    """At a terminal (a pseudo-terminal here) the banner shows the passwords; --host with
    another address than loopback is warned about on stderr."""
    data = tmp_path / "server"
    _demo_folder(demo, data)
    port_file = data / "port"
    leader, follower = pty.openpty()
    exe = str(Path(sys.executable).with_name("xrewards-desk"))
    process = subprocess.Popen(
        [exe, "serve", "--demo", "--host", "0.0.0.0", "--port", "0", "--port-file",
         str(port_file), "--data-dir", str(data)],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while not port_file.exists() or b"kept in" not in seen:
            assert process.poll() is None and time.monotonic() < deadline, seen
            ready, _w, _x = select.select([leader], [], [], 0.1)
            if ready:
                seen += os.read(leader, 65536)
        base = f"http://127.0.0.1:{port_file.read_text()}/v1"
        assert _sign_in(base, "clara", demo.password("clara")) == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
        os.close(leader)
    text = seen.decode("utf-8", errors="replace")
    assert "Sign in with:" in text
    for user in demo.info.users:
        assert user.password is not None and user.password in text
    warning = err.decode("utf-8", errors="replace")
    assert "warning: the demo listens on 0.0.0.0, not only on this machine" in warning


@pytest.mark.parametrize(("given", "demo", "host", "warned"), [
    (None, True, "127.0.0.1", False),     # --demo alone: loopback
    ("127.0.0.1", True, "127.0.0.1", False),
    ("::1", True, "::1", False),
    ("localhost", True, "localhost", False),
    ("192.0.2.10", True, "192.0.2.10", True),
    ("0.0.0.0", False, "0.0.0.0", False),  # a real server where its operator says
])
def test_the_demo_listens_on_loopback_unless_told(given: str | None, demo: bool, host: str,
                                                  warned: bool,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli._host(argparse.Namespace(host=given, demo=demo)) == host
    assert ("warning: the demo listens on" in capsys.readouterr().err) is warned


def test_the_builds_progress_goes_whole_through_its_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """`serve --progress-file` replaces the file whole with each share ("0.420" and a
    newline, no ".part" left); the desktop's DemoServer reads it back and takes a
    missing, unreadable or out-of-range file as no figure. A file that cannot be written
    is said once in the log and the build goes on. serve --demo says in one line that it
    is building when the build begins (with or without the file). Without --demo the
    option is refused in one sentence."""
    from xrewards_desk import app, exits

    server = DemoServer(tmp_path / "demo")
    server.folder.mkdir()
    assert server.build_progress() is None  # nothing said yet
    write = cli._progress_writer(server.progress_file)
    write(0.42)
    assert server.progress_file.read_text(encoding="ascii") == "0.420\n"
    assert server.build_progress() == 0.42
    assert [p.name for p in server.folder.iterdir()] == ["build-progress"]
    write(1.0)
    assert server.build_progress() == 1.0
    for text in ("", "x", "1.5", "-0.1", "nan", "\x00"):
        server.progress_file.write_text(text)
        assert server.build_progress() is None, text

    nowhere = cli._progress_writer(tmp_path / "no-such-folder" / "build-progress")
    with caplog.at_level("WARNING"):
        nowhere(0.1)
        nowhere(0.2)
    said = [r for r in caplog.records if "cannot write the demo's progress" in r.message]
    assert len(said) == 1

    # what serve --demo is told as it builds: one line when the build begins, each share
    # into the file where --progress-file names one
    said: list[str] = []
    told = cli._demo_progress(said.append, server.progress_file)
    for share in (0.0, 0.01, 0.5, 1.0):
        told(share)
        assert server.build_progress() == share
    assert len(said) == 1 and said[0].startswith("building the demo program")
    silent = cli._demo_progress(said.append, None)
    silent(0.0)
    silent(0.3)
    assert len(said) == 2

    code = app.main(["serve", "--progress-file", str(server.progress_file), "--data-dir",
                     str(tmp_path / "data")])
    assert code == exits.USAGE
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--progress-file" in err and "--demo" in err
    assert not (tmp_path / "data").exists()  # refused before anything was made
