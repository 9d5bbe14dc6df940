"""The desktop as real processes: `xrewards-desk --demo --screenshots DIR` starts the
reference server as its child, syncs, renders every main view and stops the child; and a
full sync of the demo by the app's sync controller against a server in its own process,
the GUI thread's timer ticking meanwhile (how long it stalls is measured by
tests/benchmarks/bench_stall.py, beside a bare window's floor)."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.demo_fixture import Demo
from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import QApplication, QTimer
from xrewards_desk.ui.shell.main import MemoryTokens, settle_heap
from xrewards_desk.ui.shell.screenshots import file_names
from xrewards_desk.ui.shell.session import Session, SyncController
from xrewards_desk.ui.shell.tasks import Tasks

PNG = b"\x89PNG\r\n\x1a\n"
#: every view as each role in English and German (the screenshots' own list)
FILES = file_names()


def seed_demo_server(demo: Demo, folder: Path) -> None:
    """Put the session's demo where `--demo` keeps its server (so it is found, not rebuilt)."""
    folder.mkdir(parents=True)
    shutil.copy(demo.db, folder / "server.sqlite")
    if demo.data.exists():
        shutil.copytree(demo.data, folder, dirs_exist_ok=True)


#: the screenshots of dialogs, sized by their content; every other one is the main window
DIALOGS = {"about", "explain", "macro", "objection", "refused", "reply", "settings"}


def png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_demo_starts_its_server_renders_every_view_and_stops_it(demo: Demo,
                                                                tmp_path: Path) -> None:
    data = tmp_path / "app"
    seed_demo_server(demo, data / "demo" / "server")
    shots = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "xrewards_desk", "--demo", "--language",
                           "en", "--screenshots", str(shots), "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(FILES) == 2 * (15 + 15 + 20)  # per language: agent, compliance, team lead
    assert sorted(p.name for p in shots.iterdir()) == sorted(FILES)
    for name in FILES:
        path = shots / name
        assert path.exists(), f"no screenshot {name}"
        content = path.read_bytes()
        assert content.startswith(PNG)  # the type from the bytes
        width, height = png_size(content)
        assert width >= 300 and height >= 150
        # the main window is shot at 1280x800; a view whose controls need more (German
        # words are longer) widens the window, and the next screen would not fit
        if name.split("-")[0] not in DIALOGS:
            assert (width, height) == (1280, 800), f"{name} is {width}x{height}"
    # the child server was stopped with the app: its port no longer answers
    port = int((data / "demo" / "port").read_text())
    with socket.socket() as probe:
        probe.settimeout(2)
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    # the local store and logs are the user's alone
    assert (data / "demo").stat().st_mode & 0o077 == 0
    log = data / "logs" / "xrewards-desk.log"
    assert log.exists() and log.stat().st_mode & 0o077 == 0
    assert "Bearer" not in log.read_text() and "demo-anna" not in log.read_text()


def test_the_gui_thread_runs_while_the_demo_syncs_from_the_server_process(
        qapp: QApplication, demo: Demo, tmp_path: Path) -> None:
    server_dir = tmp_path / "server"
    seed_demo_server(demo, server_dir)
    port_file = tmp_path / "port"
    server = subprocess.Popen([sys.executable, "-m", "xrewards_desk", "serve", "--port", "0",
                               "--port-file", str(port_file), "--data-dir", str(server_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tasks = Tasks()
    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    try:
        deadline = time.monotonic() + 120
        while not port_file.exists():
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        api = f"http://127.0.0.1:{int(port_file.read_text())}"
        session = Session(store, api, "anna", ApiClient(api), MemoryTokens())
        password = demo.password("anna")
        session.sign_in(password)
        sync = SyncController(tasks, session)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        finished: list[Any] = []
        sync.finished.connect(finished.append)
        sync.failed.connect(finished.append)
        settle_heap()  # as the app does once its window is ready
        probe.start()
        last[0] = time.perf_counter()
        started = time.perf_counter()
        sync.sync_now()
        while not finished:
            qapp.processEvents()
            time.sleep(0.001)
            assert time.perf_counter() - started < 300
        probe.stop()
        assert isinstance(finished[0], dict), finished[0]
        with sqlite3.connect(server_dir / "server.sqlite") as conn:  # the whole feed
            feed = conn.execute(f"SELECT count(*) FROM {m.ChangeRow.__tablename__}").fetchone()
        assert finished[0]["pulled"] == feed[0] > 0
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(m.AccountRow)) == len(
                finished[0]["changed"]["account"]) > 0
        assert len(gaps) > 10  # the GUI thread's timer ran meanwhile
    finally:
        tasks.shutdown()
        store.close()
        server.terminate()
        server.wait(timeout=30)
