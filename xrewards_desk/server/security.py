"""Passwords, tokens and the brakes on guessing.

Passwords are hashed with scrypt (a slow, memory-hard KDF from the standard library) with
a random salt per user, and compared in constant time. A bearer token is 32 random bytes;
only its SHA-256 is stored. Failed sign-ins for a name, known or not, make the next
attempt wait longer (doubling from 0.25 s, at most 8 s), and after ten in a row the name is
refused for five minutes (429); a success clears the count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
TOKEN_LIFETIME = timedelta(hours=12)
LOCK_AFTER = 10
LOCK_FOR = timedelta(minutes=5)


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=128 * n * SCRYPT_R * 2, dklen=32)
    salt_text = base64.b64encode(salt).decode()
    digest_text = base64.b64encode(digest).decode()
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt_text}${digest_text}"


def verify_password(password: str, stored: str | None) -> bool:
    """True if `password` matches; a missing or malformed hash never matches."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), maxmem=128 * int(n) * int(r) * 2,
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def delay_after(failures: int) -> float:
    """Seconds to wait before answering a sign-in after `failures` failed ones."""
    if failures <= 0:
        return 0.0
    return float(min(8.0, 0.25 * 2 ** (failures - 1)))


def locked(failures: int, last_at: datetime, now: datetime) -> bool:
    return failures >= LOCK_AFTER and now - last_at < LOCK_FOR
