"""Files of the desktop encrypted at rest (issue 22 item 2): evidence, kept mails, labels.

A sealed file is ``XRV1`` (the format's magic and version), a random 96-bit nonce, then
the AES-256-GCM ciphertext with its 16-byte tag. The associated data is the magic and the
file's *purpose* (``evidence:<sha256>``, ``mail:<name>``, ...), so a file copied over
another's name does not open: it was sealed for another purpose. The key is the data
folder's file key (:attr:`xrewards_desk.store.keys.DeskKey.file_key`, 32 bytes).

Writes are atomic: a temporary file in the same folder, written, flushed, fsynced, made
0600, then :func:`os.replace` onto the name; the folder is made 0700. Reads decrypt in
memory only. A file that fails authentication raises :class:`VaultError` and nothing on
disk is changed.

A :class:`Vault` without a key (beside a plain store, such as PostgreSQL in tests) reads
and writes plain bytes; one with a key reads a plain file of an earlier version only where
asked to (``plain_ok``), and :meth:`Vault.seal_plain` re-writes it sealed."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from .db import Store

MAGIC = b"XRV1"
NONCE = 12
TAG = 16
HEADER = len(MAGIC) + NONCE


class VaultError(ValueError):
    """A sealed file that cannot be opened: not this format, changed, sealed with another
    key, or sealed for another purpose (another file's name)."""


def _aead(key: bytes) -> AESGCM:
    if len(key) != 32:
        raise ValueError(f"a file key is 32 bytes, not {len(key)}")
    return AESGCM(key)


def _ad(purpose: str) -> bytes:
    if not purpose:
        raise ValueError("a sealed file needs a purpose (its kind and name)")
    return MAGIC + b"\0" + purpose.encode("utf-8")


def is_sealed(blob: bytes) -> bool:
    return blob[:len(MAGIC)] == MAGIC


def seal(key: bytes, purpose: str, data: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return MAGIC + nonce + _aead(key).encrypt(nonce, data, _ad(purpose))


def unseal(key: bytes, purpose: str, blob: bytes, where: str = "the file") -> bytes:
    if not is_sealed(blob):
        raise VaultError(f"{where} is not an encrypted file of this desktop (no "
                         f"{MAGIC.decode()} header)")
    if len(blob) < HEADER + TAG:
        raise VaultError(f"{where} is cut short ({len(blob)} bytes)")
    nonce = blob[len(MAGIC):HEADER]
    try:
        return _aead(key).decrypt(nonce, blob[HEADER:], _ad(purpose))
    except InvalidTag:
        raise VaultError(f"{where} does not open: it was changed, sealed with another "
                         "key or for another file; it was left as it is") from None


def write_atomic(path: Path, data: bytes, *, private_folder: bool = True) -> None:
    """`data` into `path` at once (never half-written), 0600, its folder 0700 (left as it
    is with `private_folder` False: a folder of the person's, such as a watched one)."""
    folder = path.parent
    if private_folder:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:16]}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Vault:
    """Seals and opens files with one key (or none: plain)."""

    def __init__(self, key: bytes | None) -> None:
        if key is not None:
            _aead(key)
        self.key = key

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def write(self, path: Path, data: bytes, purpose: str, *,
              private_folder: bool = True) -> None:
        write_atomic(path, data if self.key is None else seal(self.key, purpose, data),
                     private_folder=private_folder)

    def open_bytes(self, blob: bytes, purpose: str, where: str = "the file", *,
                   plain_ok: bool = False) -> tuple[bytes, bool]:
        """The plaintext of `blob`, and whether it was plain (a file of an earlier
        version, accepted only with `plain_ok` or by a vault without a key)."""
        if self.key is None:
            if is_sealed(blob):
                raise VaultError(f"{where} is encrypted, and this desktop has no key "
                                 "for its files")
            return blob, True
        if not is_sealed(blob) and plain_ok:
            return blob, True
        return unseal(self.key, purpose, blob, where), False

    def read(self, path: Path, purpose: str, *, plain_ok: bool = False) -> bytes:
        """The plaintext of `path`, in memory; FileNotFoundError, or VaultError (nothing
        changed)."""
        return self.open_bytes(path.read_bytes(), purpose, path.name, plain_ok=plain_ok)[0]

    def seal_plain(self, path: Path, purpose: str) -> bool:
        """Re-write a plain file (an earlier version's) sealed; True if it was."""
        if self.key is None:
            return False
        blob = path.read_bytes()
        if is_sealed(blob):
            return False
        self.write(path, blob, purpose)
        return True


def file_key_of(store: Store | None) -> bytes | None:
    """The file key of a store's data folder (its DeskKey's ``file_key``); None for a
    plain store (or none), whose folder's files stay plain."""
    if store is None or store.key is None:
        return None
    return store.key.file_key
