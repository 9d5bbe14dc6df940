"""The desktop under test: the demo program served by the real reference server on
127.0.0.1 and synced into a desktop's local store once per session; each test copies that
store and builds its own window (offscreen, see conftest)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.demo_fixture import NOW, Demo
from tests.server_harness import Server, running
from xrewards_desk.store.db import Store, sqlite_url
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import Syncer


@dataclass
class DeskTemplate:
    demo: Demo
    folder: Path
    #: the demo synced into a desktop's store, as anna
    local: Path
    api: str


def copy_server(demo: Demo, folder: Path) -> tuple[Path, Path]:
    """A copy of the demo's server store and evidence folder to change freely."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "server.sqlite"
    shutil.copy(demo.db, db)
    data = folder / "data"
    if demo.data.exists():
        shutil.copytree(demo.data, data, dirs_exist_ok=True)
    return db, data


@contextmanager
def demo_server(demo: Demo, folder: Path) -> Iterator[Server]:
    db, data = copy_server(demo, folder)
    store = Store.open(sqlite_url(db))
    try:
        with running(store, data, start=NOW, people=False) as server:
            yield server
    finally:
        store.close()


def build_template(demo: Demo, folder: Path) -> DeskTemplate:
    local = folder / "desk.sqlite"
    with demo_server(demo, folder / "server") as server:
        store = Store.open(sqlite_url(local))
        client = ApiClient(server.base)
        password = demo.password("anna")
        client.sign_in("anna", password)
        Syncer(store, client, "demo", "anna").pull()
        store.close()
        api = server.base
    return DeskTemplate(demo, folder, local, api)
