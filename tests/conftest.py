"""Test-wide settings.

Hypothesis runs a bounded profile in CI (CI=true) and a longer one by hand
(HYPOTHESIS_PROFILE=thorough).
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.home import Home

# No test touches the person's real keyring unless it starts one of its own.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
# With no keyring, the desktop's encrypted local store (issue 22) takes its key from the
# environment: one fixed test key for the session, in this process and those it starts.
os.environ["XREWARDS_STORE_KEY"] = "7e57" * 16
# Qt renders offscreen in tests; it must be set before Qt is first imported, or a test
# run without a display aborts silently.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.register_profile("thorough", max_examples=3000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# No test touches the real home folder either: HOME and every XDG folder (hence each
# platformdirs location: data, config, cache, state, logs) point into one temporary folder
# for the whole session, in this process and every process a test starts. The real home's
# folders of this program are listed now and compared when the session ends
# (pytest_sessionfinish below): anything written there fails the run.
HOME = Home.redirect()

ROOT = Path(__file__).resolve().parent.parent
#: ../shared beside the checkout; absent in a user's clone, where its tests skip.
SHARED = ROOT.parent / "shared"


# --------------------------------------------------------------------------- stores
import gc  # noqa: E402

import pytest  # noqa: E402

from xrewards_desk.ui.shell.collect import collect_due  # noqa: E402

# Python's collector runs on the test's (the GUI) thread only, as in the app
# (ui/shell/collect.py): a cycle holding a Qt object freed by a lane's worker thread
# crashed Qt's event loop in a later test ("Fatal Python error: Segmentation fault" in a
# sync, "Timers cannot be stopped from another thread").
gc.disable()


@pytest.fixture(autouse=True)
def _collect_on_this_thread() -> object:
    yield
    # what the thresholds say is due, not the whole heap after every test; once a test,
    # not each 100 ms as the app looks, so a full collection as the threshold says
    collect_due(full_spacing=1)


@pytest.fixture(scope="session", autouse=True)
def _page_checker_started() -> object:
    """The desk's page checker (xrewards_desk/sync/checking.py) started once for the
    session and waited for, so every pull of more than one page checks its pages there,
    as a desk's pulls do once it runs (the in-process path: test_sync_checking.py)."""
    from xrewards_desk.sync import checking

    if checking.PageChecker.wanted():
        checker = checking.shared()
        checker.start()
        checker._ready.wait(30)
    yield


from tests.case_harness import cases_template  # noqa: E402, F401  (the demo synced, once)
from tests.demo_fixture import demo  # noqa: E402, F401  (the demo, built once a session)
from tests.stores import PostgresBackend, SqliteBackend, postgres_or_skip  # noqa: E402


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> SqliteBackend:
    return SqliteBackend(tmp_path_factory.mktemp("stores"))


@pytest.fixture(scope="session")
def postgres_backend():  # type: ignore[no-untyped-def]
    backend = postgres_or_skip()
    yield backend
    backend.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> SqliteBackend | PostgresBackend:
    """Each store test runs on SQLite, and on PostgreSQL where one is reachable."""
    name = "sqlite_backend" if request.param == "sqlite" else "postgres_backend"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def store(backend):  # type: ignore[no-untyped-def]
    """A fresh, empty store at the newest schema, on each backend."""
    s = backend.new_store()
    yield s
    s.close()


@pytest.fixture
def server(store, tmp_path):  # type: ignore[no-untyped-def]
    """The reference server on 127.0.0.1 over a fresh store (each backend), its clock at
    Monday 03.03.2025 09:00 Berlin, with the people of tests.server_harness.PEOPLE."""
    from tests.server_harness import running

    with running(store, tmp_path / "server-data") as srv:
        yield srv


# --------------------------------------------------------------------------- markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark as `slow` what builds the demo, starts processes or runs for seconds (see
    tests/slow.py); `pytest -m "not slow"` is the edit-test loop, CI runs everything."""
    from tests.slow import is_slow

    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)


# --------------------------------------------------------------------------- the home
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    written = HOME.written()
    if written:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print("\nThe test run wrote under the real home folder " + str(HOME.real) + ":\n  "
              + "\n  ".join(written), flush=True)
    HOME.remove()
