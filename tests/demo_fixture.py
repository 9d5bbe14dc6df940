"""The full demo program, built once per test session (about 40 s) into a template store;
tests read it, and copy it to change anything. Shared by the demo tests and the desktop's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest

from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.server import demo_passwords
from xrewards_desk.server.demo import DemoInfo, build_demo
from xrewards_desk.server.service import Service
from xrewards_desk.store.db import Store, sqlite_url

#: a Monday; the demo's history runs up to it
TODAY = date(2026, 11, 16)
AT = time(9, 30)
NOW = datetime.combine(TODAY, AT, tzinfo=BERLIN)
MIDNIGHT = datetime.combine(TODAY, time(0), tzinfo=BERLIN)


@dataclass
class Demo:
    service: Service
    info: DemoInfo
    db: Path
    data: Path

    def password(self, name: str) -> str:
        """`name`'s password as the desktop's demo mode reads it: from the 0600 file the
        build wrote in the demo's data folder (random for each build, issue 18 item 7)."""
        return demo_passwords.read(self.data)[name]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The full demo, built once; tests read it, and copy it to change anything."""
    folder = tmp_path_factory.mktemp("demo-template")
    store = Store.open(sqlite_url(folder / "demo.sqlite"))
    service = Service(store, SettableClock(NOW), folder / "data")
    info = build_demo(service, TODAY, time_of_day=AT)
    yield Demo(service, info, folder / "demo.sqlite", folder / "data")
    store.close()
