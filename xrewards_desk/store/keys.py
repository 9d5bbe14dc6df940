"""The key of a desktop's data folder: its local store (SQLCipher) and its files (AES-GCM).

Each data folder has one random 256-bit secret. From it two keys are derived with
HKDF-SHA256, one for the store (SQLCipher's raw key: no slow PBKDF2 at each connection, the
secret is random already) and one for files, so that neither use can stand in for the other.

Where the secret is kept, first match wins:

1. demo mode: made at random and held in memory (the demo rebuilds its store at each start);
2. ``XREWARDS_STORE_KEY`` set: 64 hexadecimal digits or the base64 of 32 bytes (headless use,
   CI); the person who set it keeps it;
3. a wrapped key beside the store (``desk.key``): the secret under AES-GCM with a key made
   from a passphrase by scrypt; the passphrase is asked through the given callable;
4. the OS keyring (service ``xrewards-desk``, one entry per data folder, by its resolved
   path), made there on first use;
5. no usable keyring: a new wrapped key, when a passphrase can be asked.

Never a plain key on disk, never in a log, an exception message or a command line.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

SERVICE = "xrewards-desk"
ENV = "XREWARDS_STORE_KEY"
#: the local store's file in a data folder, and the wrapped key beside it
STORE_NAME = "desk.sqlite"
WRAPPED_NAME = "desk.key"
#: the first 16 bytes of every plain SQLite file; an encrypted one starts with random salt
PLAIN_HEADER = b"SQLite format 3\x00"

Source = Literal["keyring", "environment", "passphrase", "memory"]
SOURCES: tuple[Source, ...] = ("keyring", "environment", "passphrase", "memory")

_SECRET_BYTES = 32
_WRAP_AAD = b"xrewards-desk wrapped key v1"
#: scrypt's cost: 2**17 x 8 x 128 bytes = 128 MiB and about half a second, once at start
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**17, 8, 1


class KeyUnavailable(Exception):
    """No key could be had for a data folder; the message says what to do."""


class PassphraseNeeded(KeyUnavailable):
    """The key is (or is to be) wrapped with a passphrase and none can be asked here: the
    caller may ask for one (`new`: a new passphrase, to be typed twice) and call again."""

    def __init__(self, message: str, *, new: bool) -> None:
        super().__init__(message)
        self.new = new


class WrongPassphrase(KeyUnavailable):
    """The passphrase given does not open the wrapped key (it may be asked again)."""


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class DeskKey:
    """A data folder's secret and where it came from. Its repr never shows the secret."""

    secret: bytes = field(repr=False)
    source: Source

    def __post_init__(self) -> None:
        if len(self.secret) != _SECRET_BYTES:
            raise ValueError(f"a desk key is {_SECRET_BYTES} bytes, not {len(self.secret)}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown key source {self.source!r}")

    @classmethod
    def generate(cls, source: Source) -> DeskKey:
        return cls(secrets.token_bytes(_SECRET_BYTES), source)

    @property
    def store_key(self) -> bytes:
        """SQLCipher's raw key for the local store (32 bytes)."""
        return _derive(self.secret, b"xrewards-desk store")

    @property
    def file_key(self) -> bytes:
        """The AES-256-GCM key for the folder's files (evidence, mails, drafts)."""
        return _derive(self.secret, b"xrewards-desk files")

    def pragma(self) -> str:
        """The statement that opens an encrypted store on a new connection (never logged)."""
        return f"PRAGMA key = \"x'{self.store_key.hex()}'\""

    def attach(self, path: Path | str, schema: str) -> str:
        """ATTACH of another file encrypted with this key (for sqlcipher_export)."""
        quoted = str(path).replace("'", "''")
        return f"ATTACH DATABASE '{quoted}' AS {schema} KEY \"x'{self.store_key.hex()}'\""


# -- where a key comes from ---------------------------------------------------------------

def parse_key(value: str) -> bytes:
    """The 32 bytes of ``XREWARDS_STORE_KEY``: 64 hexadecimal digits or base64."""
    text = value.strip()
    if len(text) == 2 * _SECRET_BYTES:
        with contextlib.suppress(ValueError):
            return bytes.fromhex(text)
    for altchars in (b"+/", b"-_"):
        with contextlib.suppress(binascii.Error, ValueError):
            raw = base64.b64decode(text, altchars=altchars, validate=True)
            if len(raw) == _SECRET_BYTES:
                return raw
    raise KeyUnavailable(
        f"{ENV} is not a store key: it must be 64 hexadecimal digits or the base64 of 32 "
        "bytes (make one with: python -c \"import secrets; print(secrets.token_hex(32))\")")


def keyring_usable() -> bool:
    """Whether the OS keyring has a real backend (not keyring's null or fail one)."""
    import keyring

    backend = keyring.get_keyring()
    priority = getattr(backend, "priority", 0)
    name = type(backend).__module__
    return not ((priority is not None and priority <= 0) or name.endswith((".fail", ".null")))


def _entry(data_dir: Path) -> str:
    return f"store-key|{data_dir.expanduser().resolve()}"


def wrapped_file(data_dir: Path) -> Path:
    return data_dir / WRAPPED_NAME


def store_is_encrypted(data_dir: Path) -> bool:
    """Whether the folder holds a store that is not plain SQLite (so needs its old key)."""
    store = data_dir / STORE_NAME
    try:
        with store.open("rb") as f:
            head = f.read(len(PLAIN_HEADER))
    except FileNotFoundError:
        return False
    return bool(head) and head != PLAIN_HEADER


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap(secret: bytes, passphrase: str, *, n: int = _SCRYPT_N) -> bytes:
    """The wrapped-key file's content: the secret under AES-GCM, its key from scrypt."""
    if not passphrase:
        raise KeyUnavailable("an empty passphrase cannot protect the store: give one")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _scrypt(passphrase, salt, n, _SCRYPT_R, _SCRYPT_P)
    sealed = AESGCM(kek).encrypt(nonce, secret, _WRAP_AAD)
    b64 = base64.b64encode
    return json.dumps({"version": 1, "kdf": "scrypt", "n": n, "r": _SCRYPT_R, "p": _SCRYPT_P,
                       "salt": b64(salt).decode(), "nonce": b64(nonce).decode(),
                       "wrapped": b64(sealed).decode()}, indent=1).encode()


def unwrap(content: bytes, passphrase: str) -> bytes:
    try:
        doc = json.loads(content)
        salt, nonce, sealed = (base64.b64decode(doc[k]) for k in ("salt", "nonce", "wrapped"))
        n, r, p = int(doc["n"]), int(doc["r"]), int(doc["p"])
        if doc.get("version") != 1 or doc.get("kdf") != "scrypt":
            raise ValueError("unknown format")
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise KeyUnavailable(f"the wrapped store key is damaged ({exc}); the store cannot be "
                             "opened without it: restore the file, or remove the data folder "
                             "and sync again") from None
    kek = _scrypt(passphrase, salt, n, r, p)
    try:
        secret = AESGCM(kek).decrypt(nonce, sealed, _WRAP_AAD)
    except InvalidTag:
        raise WrongPassphrase("the passphrase does not open this data folder's store key: "
                              "try again") from None
    if len(secret) != _SECRET_BYTES:
        raise KeyUnavailable("the wrapped store key is damaged (wrong length)")
    return secret


def _write_private(path: Path, content: bytes) -> None:
    """Write a new 0600 file completely, then put it in place (never half a key file)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(part, path)


def _from_passphrase(data_dir: Path, passphrase: Callable[[], str] | None,
                     *, new: bool) -> DeskKey:
    if passphrase is None:
        if new:
            raise PassphraseNeeded(
                "no usable keyring on this machine to keep the store key in: set "
                f"{ENV} (64 hexadecimal digits), or start the app where a passphrase can be "
                "asked", new=True)
        raise PassphraseNeeded(
            f"the store key of {data_dir} is protected by a passphrase, which cannot be asked "
            f"here: start the app where it can be asked, or set {ENV}", new=False)
    if new:
        key = DeskKey.generate("passphrase")
        _write_private(wrapped_file(data_dir), wrap(key.secret, passphrase()))
        return key
    return DeskKey(unwrap(wrapped_file(data_dir).read_bytes(), passphrase()), "passphrase")


def _from_keyring(data_dir: Path) -> DeskKey | None:
    """The folder's key from the keyring, made there if the folder has none yet; None when
    the keyring refuses to keep a new one."""
    import keyring
    from keyring.errors import KeyringError

    entry = _entry(data_dir)
    try:
        kept = keyring.get_password(SERVICE, entry)
    except KeyringError as exc:
        raise KeyUnavailable(f"the keyring could not be read ({type(exc).__name__}): unlock "
                             f"it and start again, or set {ENV}") from None
    if kept is not None:
        try:
            return DeskKey(base64.b64decode(kept, validate=True), "keyring")
        except (binascii.Error, ValueError):
            raise KeyUnavailable(f"the keyring's store key for {data_dir} is damaged; the "
                                 "store cannot be opened without it: remove the data folder "
                                 "and sync again") from None
    if store_is_encrypted(data_dir):
        raise KeyUnavailable(
            f"the store in {data_dir} is encrypted, but this keyring has no key for it: set "
            f"{ENV} to its key, or remove the data folder and sync again")
    key = DeskKey.generate("keyring")
    try:
        keyring.set_password(SERVICE, entry, base64.b64encode(key.secret).decode())
    except KeyringError:
        return None
    return key


def desk_key(data_dir: Path, *, demo: bool = False,
             passphrase: Callable[[], str] | None = None) -> DeskKey:
    """The key of the data folder `data_dir` (see the module's text for the order).
    Raises KeyUnavailable, with a sentence saying what to do, where no source works."""
    if demo:
        return DeskKey.generate("memory")
    from_env = os.environ.get(ENV)
    if from_env:
        return DeskKey(parse_key(from_env), "environment")
    if wrapped_file(data_dir).exists():
        return _from_passphrase(data_dir, passphrase, new=False)
    if keyring_usable():
        key = _from_keyring(data_dir)
        if key is not None:
            return key
    elif store_is_encrypted(data_dir):
        raise KeyUnavailable(
            f"the store in {data_dir} is encrypted and there is no usable keyring on this "
            f"machine: set {ENV} to its key")
    return _from_passphrase(data_dir, passphrase, new=True)


def forget_key(data_dir: Path) -> list[str]:
    """Remove the folder's key (keyring entry and wrapped file); what was removed, in words.
    The environment's key is the person's own and is left alone."""
    removed: list[str] = []
    wrapped = wrapped_file(data_dir)
    for path in (wrapped, wrapped.with_name(wrapped.name + ".part")):
        if path.exists():
            path.unlink()
            removed.append(f"the wrapped store key {path}")
    if keyring_usable():
        import keyring
        from keyring.errors import KeyringError

        with contextlib.suppress(KeyringError):  # no entry: nothing to remove
            keyring.delete_password(SERVICE, _entry(data_dir))
            removed.append(f"the store key in the keyring for {data_dir}")
    return removed
