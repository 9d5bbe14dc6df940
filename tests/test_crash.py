"""A crash never loses a command: the real desktop app (`python -m xrewards_desk`,
offscreen), signed in to the real reference server (its own process), imports a watched
mail folder into its outbox with the server stopped, and is killed with SIGKILL in the
middle of an import. Then:

- the local SQLite file passes `PRAGMA integrity_check`;
- every mail the app moved to `imported/` (its way of saying "taken") has its command in
  the outbox, and every command there is whole (it validates against the contract) and
  there once;
- started again, with the server back, the app imports the rest (the mails it had already
  taken before the kill are known by their Message-ID and not taken twice) and pushes
  everything: the server ends with exactly one case per mail.

No hook in the app: it is configured as a person would (its settings file: API address,
user, watched folder; the password in $XREWARDS_PASSWORD) and observed from outside (the
files in the folders, the SQLite files)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.stores import read_sqlite
from xrewards_desk.contract.commands import CreateMailCase
from xrewards_desk.store.db import sqlite_errors

pytest.importorskip("PySide6.QtWidgets")

PASSWORD = "crash-test-password-1"
USER = "agent1"
WAVE_1 = 40    # imported and pushed while the server is up
WAVE_2A = 100  # imported with the server stopped, moved to imported/ before the kill
WAVE_2B = 200  # the batch the kill interrupts
TOTAL = WAVE_1 + WAVE_2A + WAVE_2B


def mail(i: int) -> bytes:
    return (
        "Received: from mx.example.org (mx.example.org [192.0.2.7])\r\n"
        "\tby mail.xrewards.example (Postfix) with ESMTPS id 4ZB0\r\n"
        f"\tfor <rewards@xrewards.example>; Mon, 3 Mar 2025 08:{i // 60 % 60:02d}:"
        f"{i % 60:02d} +0100\r\n"
        f"From: Kundin {i} <kundin{i}@example.org>\r\n"
        "To: rewards@xrewards.example\r\n"
        f"Subject: Frage zu meinen Punkten ({i})\r\n"
        "Date: Mon, 3 Mar 2025 08:00:00 +0100\r\n"
        f"Message-ID: <crash-{i}@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Guten Tag, wo sind meine Punkte? Mail Nummer {i}.\r\n" + "Gruß\r\n" * 20
    ).encode()


def drop(folder: Path, staging: Path, numbers: range) -> None:
    """Mails appear in the watched folder whole (written aside, then renamed in)."""
    staging.mkdir(exist_ok=True)
    for i in numbers:
        (staging / f"mail-{i:04d}.eml").write_bytes(mail(i))
    for i in numbers:
        os.replace(staging / f"mail-{i:04d}.eml", folder / f"mail-{i:04d}.eml")


def until(condition: Callable[[], object], seconds: float, what: str,
          alive: Sequence[subprocess.Popen[bytes]] = ()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for process in alive:
            assert process.poll() is None, f"{process.args!r} ended while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    connection = read_sqlite(db)  # the desktop's store is encrypted (issue 22)
    try:
        return connection.execute(sql).fetchall()  # type: ignore[no-any-return]
    except sqlite_errors("OperationalError"):  # the table is not there yet
        return []
    finally:
        connection.close()


def outbox(db: Path) -> list[tuple[object, ...]]:
    return query(db, "SELECT id, state, payload FROM outbox WHERE kind = 'create_mail_case' "
                     "ORDER BY id")


def message_id(number: int) -> str:
    return f"<crash-{number}@example.org>"


class Run:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.server_db = root / "server.sqlite"
        self.data = root / "desk"
        self.inbox = root / "inbox"
        self.inbox.mkdir()
        self.staging = root / "staging"
        self.local = self.data / "desk.sqlite"
        self.env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                    "XREWARDS_PASSWORD": PASSWORD,
                    "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
        self.processes: list[subprocess.Popen[bytes]] = []
        self.server: subprocess.Popen[bytes] | None = None

    def command(self, *args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "xrewards_desk", *args], env=self.env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    def start_server(self) -> str:
        port_file = self.root / "port"
        port_file.unlink(missing_ok=True)
        self.server = self.popen("serve", "--db", str(self.server_db), "--data-dir",
                                 str(self.root / "server-data"), "--port", "0",
                                 "--port-file", str(port_file))
        until(port_file.exists, 30, "the server's port", [self.server])
        return f"http://127.0.0.1:{int(port_file.read_text())}"

    def stop_server(self) -> None:
        assert self.server is not None
        self.server.terminate()
        self.server.wait(timeout=15)
        self.server = None

    def configure(self, api: str) -> None:
        config = self.data / "config"
        config.mkdir(parents=True, exist_ok=True, mode=0o700)
        (config / "settings.ini").write_text(
            f"[api]\nurl={api}\nuser={USER}\n\n[mail]\nwatch_folder={self.inbox}\n\n"
            "[ui]\nlanguage=en\n", encoding="utf-8")

    def start_app(self) -> subprocess.Popen[bytes]:
        return self.popen("--data-dir", str(self.data), "--language", "en")

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.root / f"process-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen([sys.executable, "-m", "xrewards_desk", *args],
                                   env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes.append(process)
        return process

    def pending_files(self) -> list[Path]:
        return sorted(self.inbox.glob("*.eml"))

    def imported_files(self) -> list[Path]:
        return sorted((self.inbox / "imported").glob("*.eml"))

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    r = Run(tmp_path)
    yield r
    r.close()


def numbers_of(paths: list[Path]) -> set[int]:
    return {int(p.stem.split("-")[1]) for p in paths}


def test_sigkill_while_importing_loses_no_command_and_duplicates_none(run: Run) -> None:
    started = time.monotonic()
    run.command("users", "add", USER, "--role", "agent", "--db", str(run.server_db))
    api = run.start_server()
    run.configure(api)
    app = run.start_app()

    # wave 1, online: taken, moved to imported/, pushed
    drop(run.inbox, run.staging, range(0, WAVE_1))
    until(lambda: len(run.imported_files()) == WAVE_1, 40, "wave 1 imported", [app])
    until(lambda: sum(1 for row in outbox(run.local) if row[1] == "done") == WAVE_1, 20,
          "wave 1 pushed", [app])

    # the server goes away; wave 2a is taken into the outbox and moved to imported/
    run.stop_server()
    drop(run.inbox, run.staging, range(WAVE_1, WAVE_1 + WAVE_2A))
    until(lambda: len(outbox(run.local)) > WAVE_1, 20, "wave 2a being imported", [app])
    # wave 2b lands while 2a is imported: the next batch, the one the kill interrupts
    drop(run.inbox, run.staging, range(WAVE_1 + WAVE_2A, TOTAL))
    until(lambda: len(run.imported_files()) == WAVE_1 + WAVE_2A, 30, "wave 2a moved", [app])
    before_2b = WAVE_1 + WAVE_2A
    until(lambda: len(outbox(run.local)) >= before_2b + WAVE_2B // 3, 30,
          "wave 2b under way", [app])
    app.send_signal(signal.SIGKILL)
    app.wait(timeout=10)
    killed_at = len(outbox(run.local)) - before_2b
    assert 1 <= killed_at <= WAVE_2B - 1, f"the kill came after {killed_at} of wave 2b"

    # the local store after the kill
    assert query(run.local, "PRAGMA integrity_check") == [("ok",)]
    rows = outbox(run.local)
    ids = []
    for _id, state, payload in rows:
        assert isinstance(payload, str)
        command = CreateMailCase.model_validate(json.loads(payload))  # whole, or not at all
        ids.append(command.mail.message_id)
        # "sending": a push was under way when the server went (sent again, same key)
        assert state in {"pending", "sending", "done"}
    assert len(ids) == len(set(ids)), "a mail twice in the outbox"
    states = {state: sum(1 for row in rows if row[1] == state) for _i, state, _p in rows}
    imported = numbers_of(run.imported_files())
    assert {message_id(n) for n in imported} <= set(ids), \
        "a mail moved to imported/ whose command is not in the outbox"
    assert len(imported) == WAVE_1 + WAVE_2A
    left = numbers_of(run.pending_files())
    assert imported | left == set(range(TOTAL)) and not imported & left
    in_outbox_not_moved = set(ids) - {message_id(n) for n in imported}
    assert len(in_outbox_not_moved) == killed_at  # taken, the file not yet moved

    # again, with the server back (on a new port: the settings say where)
    api = run.start_server()
    run.configure(api)
    app = run.start_app()
    until(lambda: not run.pending_files(), 40, "the rest imported", [app])
    until(lambda: len(outbox(run.local)) == TOTAL and all(
        row[1] == "done" for row in outbox(run.local)), 40, "every command pushed", [app])
    assert query(run.local, "PRAGMA integrity_check") == [("ok",)]
    assert len(run.imported_files()) == TOTAL

    # the server: one case per mail, none lost, none twice
    messages = query(run.server_db, "SELECT message_id FROM mail_messages")
    assert sorted(str(m[0]) for m in messages) == sorted(message_id(n) for n in range(TOTAL))
    assert query(run.server_db, "SELECT count(*) FROM mail_cases") == [(TOTAL,)]
    seconds = time.monotonic() - started
    print(f"\ncrash test: {TOTAL} mails; killed after {killed_at} of the {WAVE_2B} in the "
          f"interrupted batch ({before_2b + killed_at} commands in the outbox, "
          f"{WAVE_1 + WAVE_2A} files moved; {states}); after the restart {TOTAL} cases on the "
          f"server; {seconds:.1f} s")
    app.terminate()
    app.wait(timeout=15)
