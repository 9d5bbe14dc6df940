"""The desktop's store key and the encrypted store (issue 22, item 1): where a data folder's
key comes from, and a SQLCipher store that plain SQLite cannot read, Alembic migrates, and
whose copy aside before an upgrade is encrypted too."""

from __future__ import annotations

import base64
import sqlite3
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text

from xrewards_desk.store import db
from xrewards_desk.store.db import Store, StoreError, current_revision, known_revisions
from xrewards_desk.store.keys import (
    ENV,
    PLAIN_HEADER,
    DeskKey,
    KeyUnavailable,
    WrongPassphrase,
    desk_key,
    forget_key,
    parse_key,
    wrapped_file,
)

HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


# -- the key itself ----------------------------------------------------------------------

def test_the_store_and_file_keys_are_derived_apart_and_the_secret_is_never_shown() -> None:
    key = DeskKey(bytes.fromhex(HEX), "environment")
    assert len(key.store_key) == 32 and len(key.file_key) == 32
    assert key.store_key != key.file_key != key.secret
    assert key.store_key == DeskKey(bytes.fromhex(HEX), "keyring").store_key  # a function
    assert HEX not in repr(key) and key.store_key.hex() not in repr(key)
    with pytest.raises(ValueError):
        DeskKey(b"short", "memory")


def test_the_environment_key_is_hex_or_base64_and_a_bad_one_is_refused_in_a_sentence(
        ) -> None:
    raw = bytes.fromhex(HEX)
    assert parse_key(HEX) == raw
    assert parse_key(HEX.upper()) == raw
    assert parse_key(base64.b64encode(raw).decode()) == raw
    assert parse_key(base64.urlsafe_b64encode(raw).decode()) == raw
    for bad in ("", "abc", HEX[:-2], HEX[:-1] + "g", base64.b64encode(raw[:16]).decode()):
        with pytest.raises(KeyUnavailable) as caught:
            parse_key(bad)
        message = str(caught.value)
        assert message.startswith(f"{ENV} is not a store key") and "64 hexadecimal" in message
        assert not bad or bad not in message  # the value given is never repeated


# -- where it comes from -----------------------------------------------------------------

def test_the_demo_key_is_new_each_time_and_held_in_memory(tmp_path: Path) -> None:
    one, two = desk_key(tmp_path, demo=True), desk_key(tmp_path, demo=True)
    assert one.source == two.source == "memory" and one.secret != two.secret
    assert list(tmp_path.iterdir()) == []


def test_the_environment_key_is_used_as_given(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, HEX)
    key = desk_key(tmp_path)
    assert key == DeskKey(bytes.fromhex(HEX), "environment")
    monkeypatch.setenv(ENV, "not a key")
    with pytest.raises(KeyUnavailable, match=f"^{ENV} is not a store key"):
        desk_key(tmp_path)


def test_without_keyring_environment_or_passphrase_the_error_says_what_to_do(
        tmp_path: Path, no_env_key: None) -> None:
    with pytest.raises(KeyUnavailable) as caught:
        desk_key(tmp_path)
    assert "no usable keyring" in str(caught.value) and ENV in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_passphrase_wraps_a_new_key_beside_the_store_and_opens_it_again(
        tmp_path: Path, no_env_key: None) -> None:
    key = desk_key(tmp_path, passphrase=lambda: "correct horse battery")
    assert key.source == "passphrase"
    wrapped = wrapped_file(tmp_path)
    content = wrapped.read_bytes()
    assert stat.S_IMODE(wrapped.stat().st_mode) == 0o600
    # never the plain key on disk: not the secret, nor either key made from it, in any form
    for secret in (key.secret, key.store_key, key.file_key):
        for form in (secret, secret.hex().encode(), base64.b64encode(secret)):
            assert form not in content
    again = desk_key(tmp_path, passphrase=lambda: "correct horse battery")
    assert again == key
    with pytest.raises(WrongPassphrase, match="try again"):
        desk_key(tmp_path, passphrase=lambda: "wrong horse")
    with pytest.raises(KeyUnavailable, match="passphrase"):
        desk_key(tmp_path)  # the file is there, but nobody can be asked
    assert forget_key(tmp_path) == [f"the wrapped store key {wrapped}"]
    assert not wrapped.exists()


class _SessionKeyring(KeyringBackend):
    """A keyring backend living in this process: the OS keyrings (Secret Service, Keychain,
    Windows Credential Locker) need a desktop session that a test machine does not have.
    It keeps passwords as keyring's API does; `desk_key` talks to it through that API."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


def test_the_keyring_keeps_one_key_per_data_folder(tmp_path: Path, no_env_key: None) -> None:
    before = keyring.get_keyring()
    ring = _SessionKeyring()
    keyring.set_keyring(ring)
    try:
        one, other = tmp_path / "one", tmp_path / "other"
        first = desk_key(one)
        assert first.source == "keyring" and desk_key(one) == first
        assert desk_key(other) != first
        assert [s for s, _ in ring.kept] == ["xrewards-desk", "xrewards-desk"]
        assert all(first.secret.hex() not in v for v in ring.kept.values())  # base64, kept
        assert forget_key(one) == [f"the store key in the keyring for {one}"]
        assert len(ring.kept) == 1
        # a store encrypted with the forgotten key is not given a new key silently
        Store.open(db.sqlite_url(one / "desk.sqlite"), key=first).close()
        with pytest.raises(KeyUnavailable, match="has no key for it"):
            desk_key(one)
    finally:
        keyring.set_keyring(before)


def test_an_encrypted_store_without_its_key_is_not_given_a_new_one(
        tmp_path: Path, no_env_key: None) -> None:
    Store.open(db.sqlite_url(tmp_path / "desk.sqlite"), key=DeskKey.generate("memory")).close()
    with pytest.raises(KeyUnavailable, match="encrypted and there is no usable keyring"):
        desk_key(tmp_path, passphrase=lambda: "anything")
    assert not wrapped_file(tmp_path).exists()


# -- the encrypted store -----------------------------------------------------------------

def test_an_encrypted_store_cannot_be_read_without_its_key(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    key = DeskKey.generate("memory")
    store = Store.open(db.sqlite_url(path), key=key)
    try:
        assert store.key is key
        assert current_revision(store.engine) == known_revisions()[-1]  # Alembic ran on it
        with store.session(write=True) as s:
            s.execute(text("INSERT INTO organisations (id, name) VALUES ('ORG-1', "
                           "'Geheim GmbH')"))
        with store.session() as s:
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.read_bytes().startswith(PLAIN_HEADER)
    assert b"Geheim" not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_schema").fetchall()
    with pytest.raises(StoreError, match="cannot be read as a local store with this data "):
        Store.open(db.sqlite_url(path), key=DeskKey.generate("memory"))
    again = Store.open(db.sqlite_url(path), key=key)
    with again.session() as s:
        assert s.execute(text("SELECT name FROM organisations")).scalar() == "Geheim GmbH"
    again.close()
    assert Store(again.engine).key is None  # a plain store's Store has none


def test_an_older_encrypted_store_is_copied_aside_encrypted_then_upgraded(
        tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite"
    key = DeskKey.generate("keyring")
    engine = db.make_engine(db.sqlite_url(path), key=key)
    db.upgrade(engine, known_revisions()[0])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (id, name) VALUES ('ORG-1', "
                          "'Kopie GmbH')"))
    engine.dispose()

    store = Store.open(db.sqlite_url(path), key=key)
    try:
        assert store.upgraded_from == known_revisions()[0]
        assert isinstance(store.backup, Path)
        copy = store.backup
    finally:
        store.close()
    content = copy.read_bytes()
    assert not content.startswith(PLAIN_HEADER) and b"Kopie" not in content
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(copy).execute("SELECT * FROM sqlite_schema").fetchall()
    opened = db.cipher_connect(copy, key)
    assert opened.execute("SELECT version_num FROM alembic_version").fetchall() == [
        (known_revisions()[0],)]
    assert opened.execute("SELECT name FROM organisations").fetchall() == [("Kopie GmbH",)]
    opened.close()


def test_the_sqlcipher_build_has_fts5_trigram_with_diacritics_removed() -> None:
    """The search index is FTS5 trigram (store/search.py); SQLCipher's SQLite must have it."""
    conn = db.cipher_module().connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='trigram remove_diacritics 1')")
    conn.execute("INSERT INTO t VALUES ('Jürgen Müller')")
    assert conn.execute("SELECT a FROM t WHERE t MATCH 'mull'").fetchall() == [
        ("Jürgen Müller",)]
    conn.close()


def test_the_headless_commands_without_a_key_say_what_to_do_and_change_nothing(
        tmp_path: Path) -> None:
    """No keyring, no XREWARDS_STORE_KEY, no terminal to ask a passphrase at (a new session,
    as test_cli_errors runs the commands): the command refuses in one sentence (exit 1) and
    leaves an older version's plain store as it was."""
    import os
    import subprocess
    import sys

    Store.open(db.sqlite_url(tmp_path / "desk.sqlite")).close()  # as the older version left it
    before = (tmp_path / "desk.sqlite").read_bytes()
    env = {k: v for k, v in os.environ.items() if k != ENV}
    done = subprocess.run([str(Path(sys.executable).with_name("xrewards-desk")), "outbox",
                           "--data-dir", str(tmp_path)], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, start_new_session=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert "no usable keyring" in done.stderr and ENV in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert (tmp_path / "desk.sqlite").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.sqlite"]
