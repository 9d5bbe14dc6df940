"""The tests leave the home folder alone: every platformdirs location points into the
session's temporary folder (tests/conftest.py, tests/home.py), the check at the session's end
notices a file written under a watched home, and the commands that used to make folders
under the home (`audit verify --db`, `users add --db`, reading commands before a sync) make
none under a fresh one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs

from tests.conftest import HOME
from tests.home import Home
from xrewards_desk.ui.shell.paths import Paths

EXE = str(Path(sys.executable).with_name("xrewards-desk"))


def test_every_platformdirs_location_is_the_sessions() -> None:
    assert HOME.temporary is not None
    temporary = HOME.temporary.resolve()
    places = [Path(f(app, appauthor=False)) for app in ("xrewards-desk", "xrewards-server")
              for f in (platformdirs.user_data_dir, platformdirs.user_config_dir,
                        platformdirs.user_cache_dir, platformdirs.user_state_dir,
                        platformdirs.user_log_dir)]
    paths = Paths.default(None)
    places += [paths.data, paths.logs, paths.config, Path.home(), Path("~").expanduser()]
    for place in places:
        assert place.resolve().is_relative_to(temporary), place
        assert HOME.real == temporary or not place.resolve().is_relative_to(
            HOME.real.resolve() / ".local"), place


def test_the_check_notices_what_is_written_under_a_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}  # a home of its own, with the XDG defaults
    (tmp_path / ".config" / "xrewards-desk").mkdir(parents=True)
    (tmp_path / ".config" / "xrewards-desk" / "settings.json").write_text("{}")
    (tmp_path / ".config" / "other-program").mkdir()
    home = Home.watching(tmp_path, env)
    assert home.written() == []
    (tmp_path / ".config" / "other-program" / "x").write_text("not ours")
    assert home.written() == []  # other programs' folders are theirs
    evidence = tmp_path / ".local" / "share" / "xrewards-server" / "evidence"
    evidence.mkdir(parents=True)
    assert str(evidence) in home.written()
    (tmp_path / ".config" / "xrewards-desk" / "settings.json").write_text('{"a": 1}')
    assert str(tmp_path / ".config" / "xrewards-desk" / "settings.json") in home.written()


def test_the_commands_make_nothing_under_a_fresh_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update({"HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    env.pop("XREWARDS_PASSWORD", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True,
                              timeout=120, env=env)

    store = tmp_path / "server.sqlite"
    added = run("users", "add", "anna", "--role", "agent", "--db", str(store),
                "--password-stdin", stdin="a long enough password\n")
    assert added.returncode == 0, added.stderr
    verified = run("audit", "verify", "--db", str(store))
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stderr
    for args in (["audit", "verify"], ["search", "x"], ["ledger", "XR-1"], ["signout"]):
        assert run(*args).returncode == 1  # no store, no sign-in: said, nothing made
    assert list(home.rglob("*")) == []
