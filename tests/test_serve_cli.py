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


def test_serve_signs_its_audit_log_with_a_key_it_makes_and_refuses_one_open_to_others(
        tmp_path: Path) -> None:
    """Issue 18 item 5: the first start makes audit-signing-key.pem (0600) in the data
    folder; the public key is served and printed; the records are signed at shutdown, and
    audit verify checks them with the folder's key. A key file others can read stops
    the server, and verification, with one sentence."""
    subprocess.run([EXE, "users", "add", "anna", "--role", "agent", "--data-dir",
                    str(tmp_path)], env=_env(), check=True, capture_output=True, timeout=60)
    key_file = tmp_path / "audit-signing-key.pem"
    assert not key_file.exists()
    process, base = start_server(tmp_path)
    try:
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        served = requests.get(f"{base}/audit/public-key", timeout=10).json()
        token = requests.post(f"{base}/sign-in", json={"user": "anna", "password": PASSWORD},
                              timeout=30).json()["token"]
        refused = requests.post(f"{base}/commands", json={
            "type": "request_adjustment", "account": "XR-1", "points": 5, "reason": "a"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k1"},
            timeout=30)
        assert refused.status_code >= 400  # no such account: refused, and audited
    finally:
        out = stop(process)
    assert f"made a new audit signing key at {key_file} (mode 0600, key " \
           f"{served['key_id']})" in out
    printed = subprocess.run([EXE, "audit", "public-key", "--data-dir", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0
    assert printed.stdout == (f"# Ed25519 audit key {served['key_id']} (from {key_file})\n"
                              + served["public_key"])
    done = subprocess.run([EXE, "audit", "verify", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(
        "audit log intact: 1 records, each linked to the one before; 1 of 1 signed "
        f"checkpoints hold (key from {key_file}), the newest (1) signs record 1 at ")

    key_file.chmod(0o644)
    sentence = (f"the audit signing key {key_file} is open to other users (mode 0644): make "
                f"it readable by the server's user alone (chmod 600 {key_file}) and start "
                "again")
    again = subprocess.run([EXE, "serve", "--port", "0", "--data-dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=60, env=_env())
    assert again.returncode == 1 and sentence in again.stderr
    assert "Traceback" not in again.stderr
    checked = subprocess.run([EXE, "audit", "verify", "--data-dir", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1 and sentence in checked.stderr
    # named by the environment: the same rule
    other = tmp_path / "elsewhere.pem"
    other.write_bytes(key_file.read_bytes())
    other.chmod(0o640)
    named = subprocess.run([EXE, "serve", "--port", "0", "--data-dir", str(tmp_path)],
                           capture_output=True, text=True, timeout=60,
                           env={**_env(), "XREWARDS_AUDIT_KEY_FILE": str(other)})
    assert named.returncode == 1 and "(mode 0640)" in named.stderr
