"""The start (issue 23, item 1): the main window paints before the store, the contract,
the demo's server and the libraries of views not yet open are imported (each in a fresh
interpreter, as a person's start is), and ``XREWARDS_EXIT_AFTER_PAINT=1`` makes the app
quit right after that first paint (tests/benchmarks/bench_start.py counts on it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWidgets")

#: what the window never waits for: the store (SQLAlchemy, Alembic), the contract
#: (pydantic), the server and its demo, the chart's and the evidence viewer's Qt modules,
#: the mail parser, the public holidays, the keyring
LATER = ("alembic", "sqlalchemy", "pydantic", "fastapi", "uvicorn", "holidays", "keyring",
         "requests", "PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
         "xrewards_desk.contract.commands", "xrewards_desk.contract.records",
         "xrewards_desk.store.db", "xrewards_desk.store.models",
         "xrewards_desk.server.demo", "xrewards_desk.server.app",
         "xrewards_desk.mail.parse", "xrewards_desk.sync.client")

#: as `xrewards-desk` runs up to its window's first paint: the command line parsed, the
#: start-up's modules, the window made and shown, its paint processed; then what is loaded
PAINTED = """
import json, sys
from xrewards_desk.app import _parser
args = _parser().parse_args(["--data-dir", sys.argv[1], "--language", "en"])
from xrewards_desk.ui.shell import main, settings as st
from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.shell.main_window import MainWindow
from xrewards_desk.ui.shell.paths import Paths
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets.i18n import Language

app = QApplication(sys.argv[:1])
paths = Paths.default(args.gui_data_dir).made()
language = Language(app)
language.switch("en")
desk = Desk(tasks=Tasks(), paths=paths, settings=st.Settings(paths.settings_file),
            language=language)
window = MainWindow(desk)
window.starting("Opening the local store…")
window.show()
window.repaint()
app.processEvents()
print(json.dumps(sorted(sys.modules)))
desk.tasks.shutdown()
"""


def test_the_window_paints_before_the_store_and_the_contract_are_imported(
        tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PAINTED, str(tmp_path / "app")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "xrewards_desk.ui.shell.main_window" in loaded  # the check itself ran
    early = [name for name in LATER if name in loaded]
    assert early == [], f"imported before the window painted: {early}"


def test_the_views_modules_load_on_the_worker_and_work(tmp_path: Path) -> None:
    """What the window defers is still there when it is needed: import_views (the
    start-up's worker) loads every view's module, QtCharts' and QtPdf's names resolve
    through ui.qt, and the mail package's names through its parser."""
    code = ("from xrewards_desk.ui.shell.main_window import VIEWS, import_views\n"
            "import sys\nimport_views()\n"
            "assert all(name in sys.modules for name in VIEWS)\n"
            "from xrewards_desk.ui.qt import QChartView, QPdfView\n"
            "from xrewards_desk.mail import MalformedMail, parse_eml\n"
            "from xrewards_desk.sync.runner import Status\n"
            "from xrewards_desk.sync.status import Status as Light\n"
            "assert Status is Light and QChartView.__module__ == 'PySide6.QtCharts'\n"
            "assert QPdfView.__module__ == 'PySide6.QtPdfWidgets'\n"
            "assert MalformedMail.__module__ == 'xrewards_desk.mail.parse'\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_exit_after_paint_prints_the_time_and_quits(tmp_path: Path) -> None:
    """The app on a configured API where nothing listens (the discard port): it paints,
    prints how long that took, and quits with 0 while its worker opens the store."""
    from xrewards_desk.ui.qt import QApplication
    from xrewards_desk.ui.shell import settings as st
    from xrewards_desk.ui.shell.paths import Paths

    # a QApplication, not a bare QCoreApplication: the UI tests after this one in the same
    # run make widgets, which Qt refuses (abort) under a QCoreApplication
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    paths = Paths.default(tmp_path / "app").made()
    settings = st.Settings(paths.settings_file)
    settings.set(st.API_URL, "http://127.0.0.1:9")
    settings.set(st.USER, "anna")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XREWARDS_EXIT_AFTER_PAINT": "1"}
    env.pop("XREWARDS_PASSWORD", None)
    done = subprocess.run([sys.executable, "-m", "xrewards_desk", "--data-dir",
                           str(tmp_path / "app"), "--language", "en"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"painted after \d+ ms(; peak RSS \d+ MB)?", done.stdout.strip()), \
        done.stdout


def test_pyside_reads_an_imported_modules_source_without_keeping_it(tmp_path: Path) -> None:
    """PySide6 asks of each module imported after it whether its source names PySide6;
    ui.qt has it read the file and keep nothing (linecache held 26 MB at the start), and
    the answer is the same as PySide's own: 0 for a module naming it, -1 for one that
    does not (shibokensupport's feature dictionary)."""
    (tmp_path / "names_qt.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain.py").write_text("VALUE = 1\n")
    code = ("import linecache, sys\nsys.path.insert(0, sys.argv[1])\n"
            "import xrewards_desk.ui.qt\nimport names_qt, plain\n"
            "from shibokensupport.feature import pyside_feature_dict as seen\n"
            "kept = [name for name in linecache.cache if name.startswith(sys.argv[1])]\n"
            "print(seen['names_qt'], seen['plain'], kept)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 -1 []"


#: what a start that has not signed in yet never needs: the API client (requests), the
#: syncer and the contract (pydantic), the views' modules (main_window.VIEWS: imported on
#: the worker that signs in, before the window is made ready)
SIGNED_IN = ("requests", "pydantic", "xrewards_desk.contract.commands",
             "xrewards_desk.contract.records", "xrewards_desk.sync.client",
             "xrewards_desk.sync.runner")


def signed_in_only() -> tuple[str, ...]:
    from xrewards_desk.ui.shell.main_window import VIEWS

    return SIGNED_IN + VIEWS

#: `xrewards-desk` as a person starts it, with what was loaded (and whether babel's
#: locale data was) printed as the process ends, after its worker has finished
LOADED_AT_EXIT = """
import atexit, json, sys
def loaded():
    data = sys.modules.get("babel.localedata")
    print(json.dumps({"modules": sorted(sys.modules),
                      "locales": sorted(getattr(data, "_cache", {}))}))
atexit.register(loaded)
sys.argv = ["xrewards-desk", *sys.argv[1:]]
from xrewards_desk.app import run
raise SystemExit(run())
"""


def test_a_start_that_has_not_signed_in_loads_nothing_of_the_signed_in_window(
        tmp_path: Path) -> None:
    """Issue 23, the start's memory: up to its painted window, the store opened on the
    worker and the keyring asked for a kept token (there is none: nothing is asked of the
    server), the app has loaded neither the API client, the syncer, the contract, the
    views' modules nor babel's locale data (the status bar says no outbox count before the
    store has told one)."""
    from xrewards_desk.ui.qt import QApplication
    from xrewards_desk.ui.shell import settings as st
    from xrewards_desk.ui.shell.paths import Paths

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    paths = Paths.default(tmp_path / "app").made()
    settings = st.Settings(paths.settings_file)
    settings.set(st.API_URL, "http://127.0.0.1:9")  # the discard port: nothing answers
    settings.set(st.USER, "anna")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XREWARDS_EXIT_AFTER_PAINT": "1",
           "XREWARDS_STORE_KEY": "ab" * 32,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env.pop("XREWARDS_PASSWORD", None)
    done = subprocess.run([sys.executable, "-c", LOADED_AT_EXIT, "--data-dir",
                           str(tmp_path / "app"), "--language", "en"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("painted after ")
    seen = json.loads(lines[-1])
    loaded = set(seen["modules"])
    assert "xrewards_desk.store.local" in loaded and "keyring" in loaded  # the worker ran
    assert (tmp_path / "app" / "desk.sqlite").exists()  # and opened the store
    early = [name for name in signed_in_only() if name in loaded]
    assert early == [], f"loaded before a sign-in: {early}"
    assert seen["locales"] == []


def test_the_sign_in_work_loads_what_the_ready_window_needs(tmp_path: Path) -> None:
    """What the start leaves to the sign-in is loaded by the worker that signs in
    (signed_in_work), so that the GUI thread, which makes the views next, imports none of
    it: the client and the syncer made, the views' modules, the language's number formats.
    A session made without a client makes its ApiClient of its address when first asked."""
    code = """
import json, sys
from pathlib import Path
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.credentials import Tokens
from xrewards_desk.ui.shell.session import Session
from xrewards_desk.domain.formatting import format_number
assert "xrewards_desk.sync.client" not in sys.modules
store = Store.open(sqlite_url(Path(sys.argv[1]) / "desk.sqlite"))
session = Session(store, "http://127.0.0.1:9", "anna", tokens=Tokens())
from xrewards_desk.ui.shell.main import signed_in_work
class Fmt:
    def number(self, n):
        return format_number(n, "de", minus="-")
signed_in_work(session, Fmt)
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import Syncer
assert type(session.client) is ApiClient
assert session.client.base == ApiClient("http://127.0.0.1:9").base
assert type(session.syncer) is Syncer and session.syncer.client is session.client
data = sys.modules["babel.localedata"]
print(json.dumps({"modules": sorted(sys.modules), "locales": sorted(data._cache)}))
store.close()
"""
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    missing = [name for name in signed_in_only() if name not in seen["modules"]]
    assert missing == []
    assert "de" in seen["locales"]


def test_the_status_bar_says_no_outbox_count_before_the_store_has_told(qapp: Any) -> None:
    """Before the store has counted the outbox (the start), the status bar shows no count
    (it said "0 waiting" while the store was still opening, and formatting that 0 loaded
    babel's locale data, 4 MB, before the window painted); once told, the count and the
    refused commands show, in each language."""
    from xrewards_desk.ui.shell.statusbar import SyncBar
    from xrewards_desk.ui.widgets.i18n import fmt_for

    bar = SyncBar(lambda: fmt_for("en"))
    assert bar.outbox.text() == "" and bar.refused.isHidden()
    bar.retranslate()
    assert bar.outbox.text() == ""
    bar.show_outbox(1234, [])
    assert bar.outbox.text() == "Outbox: 1,234 waiting" and bar.refused.isHidden()
    bar.retranslate()
    assert bar.outbox.text() == "Outbox: 1,234 waiting"


def test_a_kept_token_and_no_server_start_on_the_local_store(tmp_path: Path) -> None:
    """A start with a kept token whose server cannot be reached works on the local store
    with that token and syncs later (resume_or_keep: True, the client holds the token);
    without a kept token nothing is asked of the server (False, no client made)."""
    import socket

    from xrewards_desk.store.db import Store, sqlite_url
    from xrewards_desk.sync.credentials import Tokens
    from xrewards_desk.ui.shell.session import Session

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        api = f"http://127.0.0.1:{probe.getsockname()[1]}"
    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    try:
        tokens = Tokens()
        tokens.memory[f"{api}|anna"] = "kept-token"
        kept = Session(store, api, "anna", tokens=tokens)
        assert kept.resume_or_keep() is True
        assert kept.client.token == "kept-token" and kept.person is None
        none = Session(store, api, "bert", tokens=tokens)
        assert none.resume_or_keep() is False
        assert none._client is None
    finally:
        store.close()
