"""Which tests are `slow`: they build the demo (about 40 s once a session, and every test
that reads it or a desktop synced from it), start processes (the command line, the server,
the desktop), or run for seconds on their own (property tests, the API fuzzer, the crash
test). tests/conftest.py marks them; `pytest -m "not slow"` runs the rest, the loop while
editing (docs/testing.md has its time). CI and the README's test command run everything.

A test is slow when it uses one of SLOW_FIXTURES (directly or through another fixture), when
its module is in SLOW_MODULES, or when its name (without parameters) is in SLOW_TESTS."""

from __future__ import annotations

import pytest

#: fixtures that build the demo or a desktop from it
SLOW_FIXTURES = frozenset({"demo", "cases_template"})

#: modules whose every test starts processes or runs for seconds
SLOW_MODULES = frozenset({
    "test_cli_errors",    # the command line as real processes, the server on 127.0.0.1
    "test_crash",         # the desktop as a process, killed and restarted
    "test_serve_cli",     # serve and users add as processes
    "test_sync_cli",      # the headless commands as processes
    "test_ui_process",    # --demo --screenshots as a process
    "test_server_fuzz",   # schemathesis over every operation and role
    "test_properties",    # hypothesis over random action sequences
    "test_home",          # the command line as processes under a fresh home
})

#: single tests of other modules that start a process or take seconds (measured with
#: `pytest --durations`: each above one second on the 2-core development machine)
SLOW_TESTS: dict[str, frozenset[str]] = {}


def is_slow(item: pytest.Item) -> bool:
    module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
    if module in SLOW_MODULES:
        return True
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    name = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
    return name in SLOW_TESTS.get(module, frozenset())
