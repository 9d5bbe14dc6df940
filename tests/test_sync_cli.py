"""Headless sync as a real process against the server on 127.0.0.1: sync, search, ledger,
outbox, sign out with wipe; private files, no token in any of them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.server_harness import PASSWORD, Server, earn, register

EXE = str(Path(sys.executable).with_name("xrewards-desk"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env.pop("XREWARDS_PASSWORD", None)
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=env)


def test_sync_search_ledger_outbox_and_wipe(server: Server, tmp_path: Path) -> None:
    register(server, "XR-1", name="Jürgen Müller")
    earn(server, "XR-1", "O-1", "250.00")  # bronze: 250 points (R7, R8)
    data = tmp_path / "desk"
    api = server.base.removesuffix("/v1")
    done = run("sync", "--api", api, "--user", "anna", "--password-stdin", "--json",
               "--data-dir", str(data), stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["pulled"] > 5 and summary["pushed"] == 0
    assert "memory for this session only" in done.stderr  # no keyring here: told so

    found = json.loads(run("search", "mueller", "--json", "--data-dir", str(data)).stdout)
    assert [f["account"] for f in found] == ["XR-1"]
    ledger = json.loads(run("ledger", "XR-1", "--json", "--data-dir", str(data)).stdout)
    assert ledger["balance"] == 250
    assert [(e["type"], e["points"]) for e in ledger["entries"]] == [("earn", 250)]
    missing = run("ledger", "XR-404", "--data-dir", str(data))
    assert missing.returncode == 1 and "no account XR-404" in missing.stderr
    assert json.loads(run("outbox", "--json", "--data-dir", str(data)).stdout) == []

    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "desk.sqlite").stat().st_mode) == 0o600
    for path in data.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes()

    wiped = run("signout", "--wipe", "--data-dir", str(data))
    assert wiped.returncode == 0 and "removed" in wiped.stdout
    assert not any(p.name.startswith("desk.sqlite") for p in data.iterdir())
