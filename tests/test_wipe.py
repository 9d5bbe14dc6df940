"""Issue 22 item 4: ``xrewards-desk signout --wipe`` as a real process removes the local
store with its copies, its key and every file of the desktop in the data folder, says what
it removed (counted by folder) and leaves what is not the desktop's alone."""

from __future__ import annotations

import os
from pathlib import Path

from tests.server_harness import PASSWORD, Server, register
from tests.test_sync_cli import run
from xrewards_desk.store.keys import DeskKey, parse_key
from xrewards_desk.store.vault import is_sealed
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.wipe import held

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_signout_wipe_removes_the_store_its_copies_key_and_files(server: Server,
                                                                  tmp_path: Path) -> None:
    register(server, "XR-1", name="Jürgen Müller")
    data = tmp_path / "desk"
    api = server.base.removesuffix("/v1")
    done = run("sync", "--api", api, "--user", "anna", "--password-stdin",
               "--data-dir", str(data), stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    # the key the test's environment gives the store (tests/conftest.py)
    key = DeskKey(parse_key(os.environ["XREWARDS_STORE_KEY"]), "environment")
    evidence = EvidenceFolder(data, key.file_key)
    shas = [evidence.put(PDF + b"%" + bytes([65 + i]) + b"\n", f"Rechnung {i}.pdf")
            for i in range(3)]
    assert all(is_sealed((data / "evidence" / s).read_bytes()) for s in shas)
    # a copy made before a migration, its WAL, a kept mail, the demo's folder
    (data / "desk.before-upgrade-0015-20261206T120000.sqlite").write_bytes(b"copy")
    (data / "desk.before-upgrade-0015-20261206T120000.sqlite-wal").write_bytes(b"wal")
    # what a move into an encrypted store that was killed midway leaves (store/local.py)
    for leftover in ("desk.sqlite.encrypting", "desk.sqlite.encrypting-journal",
                     "desk.sqlite.plain"):
        (data / leftover).write_bytes(b"SQLite format 3\x00 plain leftover")
    (data / "mails").mkdir()
    (data / "mails" / "one.eml").write_bytes(b"sealed mail")
    (data / "demo" / "server").mkdir(parents=True)
    (data / "demo" / "server" / "server.sqlite").write_bytes(b"demo")
    # not the desktop's: left alone
    (data / "mail-gateway").mkdir()
    (data / "mail-gateway" / "state.json").write_text("{}")
    (data / "my notes.txt").write_text("mine")
    store_files = sorted(p.name for p in data.iterdir() if p.name.startswith("desk.sqlite"))
    assert "desk.sqlite" in store_files

    wiped = run("signout", "--wipe", "--data-dir", str(data))
    assert wiped.returncode == 0, wiped.stderr
    lines = wiped.stdout.splitlines()
    # the store (+ whatever -wal/-shm it had) and the two copy files; 3 x (file + label);
    # one mail; one demo file
    stores = len(store_files) + 2
    total = stores + 6 + 1 + 1
    # no keyring in the tests: the token was kept in the sync's memory only
    assert lines[0] == "there was no sign-in to end; the local customer data was removed"
    assert lines[1] == (f"removed {total} files: the local store and its copies ({stores} "
                        f"files) in {data}; demo/ (1 file); evidence/ (6 files); mails/ "
                        "(1 file)")
    assert lines[-1] == (f"left alone in {data} (not the desktop's customer data): "
                         "mail-gateway/, my notes.txt")
    assert sorted(p.name for p in data.iterdir()) == ["mail-gateway", "my notes.txt"]
    assert held(data) == []

    again = run("signout", "--wipe", "--data-dir", str(data))
    assert again.returncode == 1
    assert "there was no sign-in to end" in again.stderr
    assert "there is no local customer data to remove" in again.stderr
