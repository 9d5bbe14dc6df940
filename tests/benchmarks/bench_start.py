"""Start-up benchmark: from launch to a painted window, the desktop beside a bare Qt window
(its floor), each started as its own process, five times each, offscreen.

    .venv/bin/python tests/benchmarks/bench_start.py [--data-dir DIR] [--runs N]

- **floor**: a bare PySide6 ``QMainWindow`` of 1280×800 with a ``QTableView`` (a model of
  100 rows × 6 columns) as its central widget, until it has painted;
- **desktop**: ``xrewards-desk --data-dir DIR`` on a local store already synced with the
  demo program as anna (its server, ``serve --demo`` in its own process, keeps running;
  the app signs in with ``$XREWARDS_PASSWORD`` as it allows headlessly, and takes the
  store's key from ``$XREWARDS_STORE_KEY``, as a start without a keyring does: a first
  start, not counted, moves the plain synced store over encrypted), until its main
  window has painted (``XREWARDS_EXIT_AFTER_PAINT=1``: the app quits right after that
  first paint and prints ``painted after N ms``).

The two kinds of run take turns, so that a change of the machine's load falls on both.
Each run's time to its window painted is the moment its ``painted`` line arrives, counted
from the spawn (the process's own figure since its start in /proc is printed beside it);
its wall time is from the spawn to its exit (the app's includes its worker finishing what
it started: the store opened, the keyring asked for a kept token; the sign-in with
``$XREWARDS_PASSWORD``, and with it the API client, the contract and the views' modules,
would come after the paint, and the app has quit by then). Two peaks of memory: the
whole run's (``os.wait4``'s ``ru_maxrss``, measured by a small runner process that
starts each child) and the one by the first paint (VmHWM, printed by the child then).
Prints each run, the medians, then ``ratio to floor: X.XX`` (the desktop's median time
to paint over the floor's) and ``rss ratio: X.XX`` (its median peak RSS over the whole
run over the floor's), each with ``ABOVE TARGET`` when over 4.00 and 2.00 (issue 23), and
``rss ratio at paint: X.XX``. Exits 0 whatever the figures (CI prints them without
failing on them); 1 if a run could not be made.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import start_server

#: the targets of issue 23: the desktop's start over the bare window's
TIME_TARGET = 4.0
RSS_TARGET = 2.0
#: no run takes longer than this (s)
LIMIT = 60

#: the floor: a bare QMainWindow with a QTableView, quitting after its first paint, as
#: the app does with XREWARDS_EXIT_AFTER_PAINT=1 (the same event filter, the same line)
FLOOR = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
model = QStandardItemModel(100, 6)
for row in range(100):
    for column in range(6):
        model.setItem(row, column, QStandardItem(f"{row}.{column}"))
table = QTableView()
table.setModel(model)
window.setCentralWidget(table)


class Clock(QObject):
    painted = False

    def eventFilter(self, watched, event):
        if not self.painted and event.type() == QEvent.Type.Paint \\
                and watched.isWidgetType() and watched.window() is window:
            self.painted = True
            QTimer.singleShot(0, self.finish)
        return False

    def finish(self):
        app.removeEventFilter(self)
        peak = next(int(line.split()[1]) for line in open("/proc/self/status")
                    if line.startswith("VmHWM:"))
        print(f"painted; peak RSS {peak / 1024:.0f} MB", flush=True)
        app.exit(0)


clock = Clock()
app.installEventFilter(clock)
window.show()
sys.exit(app.exec())
"""


#: runs one process from spawn to exit and prints what it measured as JSON. A process of
#: its own, small: a child's peak RSS (``ru_maxrss``) starts from the memory of the process
#: that forked it (Linux keeps the forked copy's high-water mark across the exec), and this
#: benchmark's own process, with Qt and the store imported, is larger than the bare window
RUNNER = """
import json, os, re, select, subprocess, sys, time

limit, command = float(sys.argv[1]), sys.argv[2:]
started = time.perf_counter()
child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
painted, output, errors, streams = None, b"", b"", [child.stdout, child.stderr]
while streams:
    if time.perf_counter() - started > limit and child.poll() is None:
        child.kill()
        errors += b"ran more than the limit"
    ready, _w, _x = select.select(streams, [], [], 0.5)
    for stream in ready:
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            streams.remove(stream)
        elif stream is child.stdout:
            output += chunk
            if painted is None and b"painted" in output:
                painted = time.perf_counter() - started
        else:
            errors += chunk
_pid, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - started
own = re.search(rb"painted after (\\d+) ms", output)
at_paint = re.search(rb"peak RSS (\\d+) MB", output)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "painted": painted,
                  "wall": wall, "rss": usage.ru_maxrss / 1024,
                  "own": int(own.group(1)) / 1000 if own else None,
                  "at_paint": int(at_paint.group(1)) if at_paint else None,
                  "errors": errors.decode(errors="replace")[-2000:]}))
"""


@dataclass
class Run:
    painted: float  # seconds from the spawn to the "painted" line
    wall: float  # seconds from the spawn to the exit
    rss: float  # the child's peak RSS over its whole run (MB; ru_maxrss is in KiB on Linux)
    at_paint: float  # its peak RSS when it had painted (MB; VmHWM, as it printed it)
    own: float | None  # the child's own figure since its start (s), where it prints one


def run_once(command: list[str], env: dict[str, str]) -> Run:
    """One process from spawn to exit (through RUNNER): when it said it painted, when it
    ended, its peak RSS."""
    answer = subprocess.run([sys.executable, "-I", "-S", "-c", RUNNER, str(LIMIT), *command],
                            env=env, capture_output=True, text=True, timeout=LIMIT + 30)
    if answer.returncode != 0:
        raise RuntimeError(f"the runner failed: {answer.stderr.strip()[-500:]}")
    result = json.loads(answer.stdout)
    if result["code"] != 0 or result["painted"] is None:
        lines = [line for line in result["errors"].strip().splitlines()
                 if "propagateSizeHints" not in line]
        raise RuntimeError(f"{Path(command[0]).name} exited {result['code']} without "
                           f"painting: " + " / ".join(lines[-5:]))
    return Run(result["painted"], result["wall"], result["rss"], result["at_paint"] or 0.0,
               result["own"])


def synced_store(url: str, password: str, app_dir: Path) -> int:
    """The app's folder (--data-dir) with a local store synced as anna, and the
    settings the app starts from (the API address, the user); how many changes."""
    from xrewards_desk.store.db import Store, sqlite_url
    from xrewards_desk.sync.client import ApiClient
    from xrewards_desk.sync.runner import Syncer
    from xrewards_desk.ui.qt import QCoreApplication
    from xrewards_desk.ui.shell import settings as st
    from xrewards_desk.ui.shell.paths import Paths

    paths = Paths.default(app_dir).made()
    client = ApiClient(url)
    client.sign_in("anna", password)
    store = Store.open(sqlite_url(paths.local_store))
    try:
        pulled = Syncer(store, client, client.base, "anna").pull()
    finally:
        store.close()
    _app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    settings = st.Settings(paths.settings_file)
    settings.set(st.API_URL, url)
    settings.set(st.USER, "anna")
    settings.set(st.LANGUAGE, "en")
    return int(pulled.count)


def median(runs: list[Run], what: str) -> float:
    return statistics.median(getattr(run, what) for run in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path,
                        help="the server's folder (the demo is built there once, then reused)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    args = parser.parse_args()
    args.accounts = 0  # start_server's demo
    # stopped from outside (CI's time limit): the server process is stopped too
    signal.signal(signal.SIGTERM, lambda _n, _f: sys.exit(1))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    exe = Path(sys.executable).with_name("xrewards-desk")
    floor_runs: list[Run] = []
    desk_runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        server, url, password = start_server(args, tmp)
        try:
            changes = synced_store(url, password, tmp / "app")
            print(f"server: the demo served from its own process; a local store synced with "
                  f"{changes:,} changes as anna (in {time.perf_counter() - started:.1f} s)")
            # the local store's key from the environment, as a headless start takes it
            # (this machine has no usable keyring: without a key the app stops at its
            # passphrase dialog and never opens the store)
            desk_env = {**env, "XREWARDS_EXIT_AFTER_PAINT": "1",
                        "XREWARDS_PASSWORD": password,
                        "XREWARDS_STORE_KEY": os.urandom(32).hex()}
            desk_command = [str(exe), "--data-dir", str(tmp / "app")]
            moved = run_once(desk_command, desk_env)  # the first start encrypts the store
            print(f"a first start moved the plain store over encrypted (exit "
                  f"{moved.wall * 1000:.0f} ms, peak {moved.rss:.0f} MB; not counted)")
            for number in range(1, args.runs + 1):
                floor_run = run_once([sys.executable, "-c", FLOOR], env)
                floor_runs.append(floor_run)
                desk_run = run_once(desk_command, desk_env)
                desk_runs.append(desk_run)
                print(f"run {number}: floor painted {floor_run.painted * 1000:.0f} ms "
                      f"({floor_run.at_paint:.0f} MB), exit {floor_run.wall * 1000:.0f} ms "
                      f"(peak {floor_run.rss:.0f} MB); desktop painted "
                      f"{desk_run.painted * 1000:.0f} ms (its own figure "
                      f"{(desk_run.own or 0) * 1000:.0f} ms; {desk_run.at_paint:.0f} MB), exit "
                      f"{desk_run.wall * 1000:.0f} ms (peak {desk_run.rss:.0f} MB)")
        except Exception as exc:
            print(f"bench_start: no figure: {exc}", file=sys.stderr)
            return 1
        finally:
            server.terminate()
            server.wait(timeout=30)
    for name, runs in (("floor (bare QMainWindow + QTableView)", floor_runs),
                       ("desktop (xrewards-desk, synced demo store)", desk_runs)):
        print(f"{name}: median painted {median(runs, 'painted') * 1000:.0f} ms (peak RSS "
              f"{median(runs, 'at_paint'):.0f} MB by then), exit {median(runs, 'wall') * 1000:.0f}"
              f" ms, peak RSS {median(runs, 'rss'):.0f} MB over {len(runs)} runs")
    ratio = median(desk_runs, "painted") / median(floor_runs, "painted")
    rss_ratio = median(desk_runs, "rss") / median(floor_runs, "rss")
    print(f"ratio to floor: {ratio:.2f}" + (" ABOVE TARGET" if ratio > TIME_TARGET else ""))
    print(f"rss ratio: {rss_ratio:.2f}" + (" ABOVE TARGET" if rss_ratio > RSS_TARGET else ""))
    print(f"rss ratio at paint: "
          f"{median(desk_runs, 'at_paint') / median(floor_runs, 'at_paint'):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
