"""Fresh stores for tests, on SQLite always and on PostgreSQL when one is reachable.

Each backend migrates one template store per test session and hands every test a copy:
a copied file on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. The PostgreSQL leg
reads its server from ``XREWARDS_TEST_PG_URL`` (``.ci/run`` sets it up with
``.ci/postgres``); where it is unset or unreachable the leg skips, except with
``CI=true``, where it fails: CI must run it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from xrewards_desk.store.db import Store, sqlite_url

PG_ENV = "XREWARDS_TEST_PG_URL"


class SqliteBackend:
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite"
        Store.open(sqlite_url(self.template)).close()
        self.counter = itertools.count(1)

    def empty_url(self) -> str:
        """Where a new store can be made from nothing (by a test, at any revision)."""
        return sqlite_url(self.folder / f"empty-{next(self.counter)}.sqlite")

    def new_store(self) -> Store:
        path = self.folder / f"store-{next(self.counter)}.sqlite"
        shutil.copyfile(self.template, path)
        return Store.open(sqlite_url(path))

    def close(self) -> None:
        pass


class PostgresBackend:
    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"xr_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.made: list[str] = []
        self._create(self.template, template=None)
        Store.open(self._url(self.template)).close()
        self.counter = itertools.count(1)

    def _url(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _create(self, database: str, template: str | None) -> None:
        """Make a database (from the template); PostgreSQL refuses while another session
        is still leaving the template (55006 object_in_use), so that is tried again."""
        suffix = f' TEMPLATE "{template}"' if template else ""
        for attempt in range(20):
            try:
                with self.admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
                    conn.execute(text(f'CREATE DATABASE "{database}"{suffix}'))
                break
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != "55006" or attempt == 19:
                    raise
                time.sleep(0.1)
        self.made.append(database)

    def empty_url(self) -> str:
        database = f"{self.prefix}_{next(self.counter)}"
        self._create(database, template=None)
        return self._url(database)

    def new_store(self) -> Store:
        database = f"{self.prefix}_{next(self.counter)}"
        self._create(database, self.template)
        return Store.open(self._url(database))

    def close(self) -> None:
        """Drop the test databases. FORCE ends our own leftover sessions; a server process
        of another role (an autovacuum worker) cannot be ended by us, so a database it is
        in is tried again for a few seconds, then left with a warning: cleaning up must
        not fail the tests."""
        import warnings

        for database in reversed(self.made):
            for attempt in range(30):
                try:
                    with self.admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                    break
                except DBAPIError as exc:
                    if attempt == 29:
                        warnings.warn(f"test database {database} left behind: {exc.orig}",
                                      stacklevel=1)
                    time.sleep(0.2)
        self.admin.dispose()


def postgres_or_skip() -> PostgresBackend:
    """The PostgreSQL backend, or a skip (a failure under CI=true) saying why not."""
    url = os.environ.get(PG_ENV)
    in_ci = os.environ.get("CI", "").lower() == "true"
    reason = None
    if not url:
        reason = f"no PostgreSQL for the store tests: {PG_ENV} is not set"
    else:
        try:
            return PostgresBackend(url)
        except Exception as exc:  # the server is down, the role is missing, ...
            reason = f"PostgreSQL at {make_url(url).render_as_string()} unreachable: {exc}"
    if in_ci:
        pytest.fail(f"{reason} (CI=true: the PostgreSQL leg must run)", pytrace=False)
    pytest.skip(reason)


def read_sqlite(path: Path, *, timeout: float = 5.0) -> Any:
    """A read-only DB-API connection to a SQLite store file: plain as a test or the server
    made it, or a desktop's store encrypted with the tests' key (conftest sets
    XREWARDS_STORE_KEY; store/local.py moves a plain desktop store over at its start)."""
    from xrewards_desk.store.db import cipher_connect
    from xrewards_desk.store.keys import ENV, DeskKey, parse_key
    from xrewards_desk.store.local import is_plain

    uri = f"file:{path}?mode=ro"
    if is_plain(path):
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    key = DeskKey(parse_key(os.environ[ENV]), "environment")
    return cipher_connect(uri, key, uri=True, timeout=timeout)
