"""Passwords, tokens and the brakes on guessing.

Passwords are hashed with scrypt (a slow, memory-hard KDF from the standard library) with
a random salt per user, and compared in constant time. A bearer token is 32 random bytes;
only its SHA-256 is stored.

Hashing runs on a :class:`HashPool` of as many threads as the machine has cores, with a
bounded number of sign-ins waiting for it; a sign-in that finds it full is answered at once
(429, ``busy``), never queued without end.

Guessing is slowed by :class:`Policy` (the server's throttle, throttle.py, applies it):
growing delays per (name, address) and per address, and a high ceiling per name across
all addresses that does not apply where the name signed in before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
TOKEN_LIFETIME = timedelta(hours=12)


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


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class HashPool:
    """Password hashing off the request threads: `workers` threads (the cores), and at
    most `capacity` sign-ins holding a slot (hashing or waiting to) at once.

    :meth:`try_slot` never waits: a full pool is for the caller to answer as busy. scrypt
    releases the interpreter lock, so the hashes run in parallel with request handling."""

    def __init__(self, workers: int | None = None, waiting: int | None = None) -> None:
        self.workers = workers or cores()
        self.capacity = self.workers + (self.workers * 3 if waiting is None else waiting)
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._pool = ThreadPoolExecutor(max_workers=self.workers,
                                        thread_name_prefix="password-hash")

    def try_slot(self) -> bool:
        """Take a slot if one is free (True), else False at once."""
        return self._slots.acquire(blocking=False)

    def release(self) -> None:
        self._slots.release()

    def verify(self, password: str, stored: str) -> Future[bool]:
        return self._pool.submit(verify_password, password, stored)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class Policy:
    """How failed sign-ins slow the next ones down. Every count is of failures within
    `window` of the last one (a key quiet that long starts afresh); a sign-in is counted
    as failed from the moment it is checked until it succeeds, so concurrent guesses use
    up the free attempts at once instead of each passing the check.

    - per (name, address): `pair_free` attempts cost nothing; from then each attempt
      waits 1 s, 2 s, 4 s, ... (at most `pair_max`) after the one before;
    - per address, over all names: the same from `address_free` on, at most `address_max`;
    - per name, over all addresses: after `name_ceiling` failures the name is refused
      from every address it has not signed in from within `known_for`, until the window
      has passed; where it has, it goes on as before (so nobody locks a colleague out).
    """

    window: timedelta = timedelta(hours=1)
    pair_free: int = 3
    pair_max: timedelta = timedelta(minutes=5)
    address_free: int = 30
    address_max: timedelta = timedelta(minutes=1)
    name_ceiling: int = 100
    known_for: timedelta = timedelta(days=30)

    @staticmethod
    def delay(count: int, free: int, most: timedelta) -> timedelta:
        """The wait before the next attempt once `count` attempts are counted."""
        if count < free:
            return timedelta(0)
        return min(most, timedelta(seconds=2 ** min(count - free, 30)))


POLICY = Policy()
