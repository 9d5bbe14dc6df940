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
        """Let `by` pass: elapsed time, so that one hour after 01:00 in Berlin on the
        morning clocks go forward is 03:00 (Python's ``+`` on a zoned time counts on the
        wall clock and would give 02:00, a time that did not exist and that compares
        unequal to the same instant in another zone)."""
        with self._lock:
            zone = self._now.tzinfo
            self._now = (self._now.astimezone(UTC) + by).astimezone(zone)
            return self._now


class OffsetClock:
    """The system clock shifted by a fixed offset (the demo's "today" in tests)."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset
