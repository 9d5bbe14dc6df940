"""Where the server's audit signing key comes from: a file readable by the server's user
alone, or the environment; never the database (store/audit.py signs with it).

The server looks, in this order, at:

1. ``--audit-key-file FILE`` (``serve``), or ``XREWARDS_AUDIT_KEY_FILE``: a PEM file
   (PKCS#8, unencrypted) holding an Ed25519 private key;
2. ``XREWARDS_AUDIT_KEY``: the same PEM text, or the key's 32 raw bytes in base64;
3. ``audit-signing-key.pem`` in the data folder, made (0600) on the first start when
   nothing else names a key.

A key file must belong to the user the server runs as and must not be readable or
writable by its group or by others (mode 0600 or 0400): one that is, is refused with a
sentence saying what to do, and the server does not start. Anyone verifying needs only
the public key (``xrewards-desk audit public-key``, ``GET /v1/audit/public-key``).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..store.audit import SigningKey

ENV_KEY = "XREWARDS_AUDIT_KEY"
ENV_KEY_FILE = "XREWARDS_AUDIT_KEY_FILE"
#: the key's file in the data folder, when nothing else names one
DEFAULT_NAME = "audit-signing-key.pem"


class AuditKeyError(Exception):
    """A key that cannot be used; the message is one sentence saying what to do."""


def parse_key(data: bytes, where: str) -> SigningKey:
    """An Ed25519 private key from PEM, or from its 32 raw bytes in base64."""
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(text, password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise AuditKeyError(
            f"{where} holds no usable audit signing key ({exc}): give an Ed25519 private key "
            "in PEM (unencrypted PKCS#8) or its 32 bytes in base64") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"{where} holds a key that is not Ed25519: give an Ed25519 "
                            "private key in PEM (unencrypted PKCS#8)")
    return SigningKey(key)


def check_private(path: Path) -> None:
    """Refuse a key file that others could read or change, or that is not the user's."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise AuditKeyError(f"there is no audit signing key at {path}: name an existing "
                            "file, or leave the setting out to have one made in the data "
                            "folder") from exc
    if os.name != "posix":
        return
    mode = info.st_mode & 0o777
    if mode & 0o077:
        raise AuditKeyError(
            f"the audit signing key {path} is open to other users (mode {mode:04o}): make "
            f"it readable by the server's user alone (chmod 600 {path}) and start again")
    if info.st_uid != os.geteuid():
        raise AuditKeyError(
            f"the audit signing key {path} belongs to another user (uid {info.st_uid}): it "
            f"must belong to the user the server runs as (uid {os.geteuid()})")


def read_key_file(path: Path) -> SigningKey:
    check_private(path)
    return parse_key(path.read_bytes(), str(path))


def create_key_file(path: Path) -> SigningKey:
    """A new key in a new file (0600; an existing file is never overwritten)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return SigningKey(key)


def named_key(given: Path | None, env: Mapping[str, str]) -> tuple[SigningKey, str] | None:
    """The key a setting names (the option, then the environment), and where it came
    from; None when nothing names one."""
    if given is not None:
        return read_key_file(given), str(given)
    text, file = env.get(ENV_KEY), env.get(ENV_KEY_FILE)
    if text and file:
        raise AuditKeyError(f"both {ENV_KEY} and {ENV_KEY_FILE} are set: set only one of "
                            "them")
    if text:
        return parse_key(text.encode(), ENV_KEY), ENV_KEY
    if file:
        return read_key_file(Path(file)), file
    return None


def server_key(folder: Path, given: Path | None = None,
               env: Mapping[str, str] | None = None) -> tuple[SigningKey, str, bool]:
    """The server's key, where it is, and whether it was made now: a named one, else the
    data folder's file, made there (0600) on the first start."""
    named = named_key(given, os.environ if env is None else env)
    if named is not None:
        return named[0], named[1], False
    path = folder / DEFAULT_NAME
    if path.exists():
        return read_key_file(path), str(path), False
    return create_key_file(path), str(path), True
