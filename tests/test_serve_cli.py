"""`xrewards-desk serve` and `xrewards-desk users add` as real processes: the console
script, an ephemeral port announced in a file, sign-in over HTTP, a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

EXE = str(Path(sys.executable).with_name("xrewards-desk"))
PASSWORD = "a long enough password"


def _env() -> dict[str, str]:
    return {**os.environ, "XREWARDS_PASSWORD": PASSWORD}


def start_server(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    port_file = data_dir / "port"
    process = subprocess.Popen(
        [EXE, "serve", "--port", "0", "--port-file", str(port_file), "--data-dir",
         str(data_dir), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=_env())
    deadline = time.monotonic() + 120
    while not port_file.exists():
        if process.poll() is not None:
            raise AssertionError(f"serve exited: {process.stdout.read() if process.stdout else ''}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("serve did not announce its port")
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text()}/v1"


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    return out


def test_serve_with_a_user_added_on_the_command_line(tmp_path: Path) -> None:
    added = subprocess.run([EXE, "users", "add", "anna", "--role", "agent", "--display-name",
                            "Anna Becker", "--data-dir", str(tmp_path)], env=_env(),
                           capture_output=True, text=True, timeout=60)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added anna (agent)"
    short = subprocess.run([EXE, "users", "add", "ben", "--role", "agent", "--data-dir",
                            str(tmp_path)], env={**os.environ, "XREWARDS_PASSWORD": "short"},
                           capture_output=True, text=True, timeout=60)
    assert short.returncode == 1 and "at least 10 characters" in short.stderr

    process, base = start_server(tmp_path)
    try:
        assert requests.get(f"{base}/health", timeout=10).json()["status"] == "ok"
        token = requests.post(f"{base}/sign-in", json={"user": "anna", "password": PASSWORD},
                              timeout=30).json()["token"]
        me = requests.get(f"{base}/me", headers={"Authorization": f"Bearer {token}"},
                          timeout=10).json()
        assert (me["name"], me["display_name"], me["role"]) == ("anna", "Anna Becker",
                                                                "agent")
        assert requests.get(f"{base}/openapi.json", timeout=10).json()["info"]["title"]
    finally:
        out = stop(process)
    # uvicorn shuts down cleanly on SIGTERM, then re-raises the signal, as is conventional
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Finished server process" in out
    # the store is the user's alone, and no token or password is in it in plain text
    store = tmp_path / "server.sqlite"
    assert oct(store.stat().st_mode & 0o777) == "0o600"
    content = store.read_bytes()
    assert PASSWORD.encode() not in content and token.encode() not in content


def test_audit_verify_on_the_command_line(tmp_path: Path) -> None:
    subprocess.run([EXE, "users", "add", "anna", "--role", "agent", "--data-dir",
                    str(tmp_path)], env=_env(), check=True, capture_output=True, timeout=60)
    done = subprocess.run([EXE, "audit", "verify", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "audit log intact: 0 records" in done.stdout
