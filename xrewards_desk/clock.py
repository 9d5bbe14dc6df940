"""One clock for the engine, the server and the UI (ARCHITECTURE.md, "One clock").

Everything that needs "now" takes a :class:`Clock`; tests and demos pass a
:class:`SettableClock`, production the :class:`SystemClock`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock:
    """A clock that stands still until it is moved (thread-safe: the server reads it from
    its worker threads while a test moves it)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock's start must be time-zone aware")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("the clock must be set to an aware instant")
        with self._lock:
            self._now = when

    def advance(self, by: timedelta) -> datetime:
        """Move on by `by` as Python's ``+`` counts on the clock's own wall clock (a day
        from 09:00 is 09:00 the next day, summer time or not), then read as the instant
        it names: a time the wall clock skips becomes the time after the skip (one hour
        after 01:00 in Berlin on the morning clocks go forward is 03:00, not a 02:00 that
        did not exist and that compares unequal to the same instant in UTC)."""
        with self._lock:
            zone = self._now.tzinfo
            self._now = (self._now + by).astimezone(UTC).astimezone(zone)
            return self._now
