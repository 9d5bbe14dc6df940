"""The reference server for tests: real uvicorn on 127.0.0.1 (an ephemeral port), a real
store (SQLite, or PostgreSQL where the store tests run there), a clock the test moves, and
a small `requests` client. No mocks of HTTP."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import uvicorn
from requests.adapters import HTTPAdapter

from xrewards_desk.clock import SettableClock
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.domain.model import Role
from xrewards_desk.server.app import create_app
from xrewards_desk.server.limits import DEFAULT_MAX_BODY
from xrewards_desk.server.service import Service
from xrewards_desk.store.audit import SigningKey
from xrewards_desk.store.db import Store

#: the people of the server tests, one or more per role of R27
PEOPLE: dict[str, Role] = {
    "shop": Role.SERVICE,
    "anna": Role.AGENT,
    "ben": Role.AGENT,
    "tessa": Role.TEAM_LEAD,
    "tomasz": Role.TEAM_LEAD,
    "clara": Role.COMPLIANCE,
}
PASSWORD = "correct horse battery staple"
START = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)


@dataclass
class Client:
    base: str
    token: str
    name: str
    expires_at: datetime

    def headers(self, key: str | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}"}
        if key is not None:
            h["Idempotency-Key"] = key
        return h

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base + path, headers=self.headers(), params=params,
                            timeout=30)

    def command(self, body: dict[str, Any], key: str | None = None,
                path: str = "/commands") -> requests.Response:
        key = key or f"{self.name}-{uuid.uuid4()}"
        return requests.post(self.base + path, headers=self.headers(key), json=body,
                             timeout=30)

    def shop(self, body: dict[str, Any], key: str | None = None) -> requests.Response:
        return self.command(body, key, "/shop/events")

    def ok(self, body: dict[str, Any], shop: bool = False) -> dict[str, Any]:
        response = self.shop(body) if shop else self.command(body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def upload(self, data: bytes, name: str) -> requests.Response:
        return requests.post(self.base + "/evidence", headers=self.headers(),
                             files={"file": (name, data)}, timeout=30)


@dataclass
class Server:
    base: str
    service: Service
    clock: SettableClock
    store: Store
    clients: dict[str, Client] = field(default_factory=dict)

    def sign_in(self, name: str, password: str = PASSWORD,
                source: str | None = None) -> requests.Response:
        """POST /sign-in, from the loopback address `source` (e.g. 127.0.0.7: the server
        sees a different client address) or from 127.0.0.1."""
        with requests.Session() as http:
            if source is not None:
                http.mount("http://", FromAddress(source))
            return http.post(self.base + "/sign-in",
                             json={"user": name, "password": password}, timeout=30)

    def as_(self, name: str) -> Client:
        """A signed-in client; signs in again once the clock has passed its token's life."""
        client = self.clients.get(name)
        if client is None or self.clock.now() >= client.expires_at:
            response = self.sign_in(name)
            assert response.status_code == 200, response.text
            client = Client(self.base, response.json()["token"], name,
                            datetime.fromisoformat(response.json()["expires_at"]))
            self.clients[name] = client
        return client

    def later(self, **delta: float) -> datetime:
        return self.clock.advance(timedelta(**delta))

    def changes(self, who: str = "anna") -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        after = "0"
        while True:
            page = self.as_(who).get("/changes", after=after, limit=500).json()
            out.extend(page["changes"])
            after = page["next"]
            if not page["more"]:
                return out


def new_audit_key() -> SigningKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return SigningKey(Ed25519PrivateKey.generate())


class FromAddress(HTTPAdapter):
    """Connections from a given local address: any of 127.0.0.0/8 reaches the server on
    127.0.0.1, and the server sees it as the client's address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@contextmanager
def running(store: Store, data_dir: Path, start: datetime = START,
            tick_seconds: float | None = None, people: bool = True,
            audit_key: SigningKey | None = None,
            checkpoint_seconds: float | None = 60.0, scrypt_n: int = 2**10,
            max_body: int = DEFAULT_MAX_BODY) -> Iterator[Server]:
    """`people=False` for a store that has its staff already (the demo's). The audit
    chain's head is signed with `audit_key` (a new key if None) every
    `checkpoint_seconds` it moved, at start and at shutdown, as `serve` does. Passwords
    are hashed at `scrypt_n` (the least by default, for speed; security.SCRYPT_N for the
    real cost); `max_body` is the JSON body limit (limits.py)."""
    clock = SettableClock(start)
    service = Service(store, clock, data_dir, scrypt_n=scrypt_n)
    service.audit_key = audit_key or new_audit_key()
    for name, role in PEOPLE.items() if people else ():
        service.add_user(name, name.capitalize(), role, PASSWORD, "en")
    app = create_app(service, tick_seconds=tick_seconds,
                     checkpoint_seconds=checkpoint_seconds, max_body=max_body)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name="test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Server(f"http://127.0.0.1:{port}/v1", service, clock, store)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        service.hashes.close()


def register(server: Server, account: str, org: str = "ORG-1", billing: str = "BA-1",
             **extra: Any) -> dict[str, Any]:
    body = {"type": "register", "account": account, "organisation": org,
            "organisation_name": f"{org} GmbH", "billing_account": billing,
            "billing_account_name": f"{billing} Einkauf", "name": f"Person {account}",
            "email": f"{account.lower()}@{org.lower()}.example", **extra}
    return server.as_("shop").ok(body, shop=True)


def earn(server: Server, account: str, order: str, net: str) -> None:
    """An order placed, paid and delivered now: it completes and earns (R4, R8)."""
    shop = server.as_("shop")
    shop.ok({"type": "order_placed", "order": order, "account": account,
             "placed_at": server.clock.now().isoformat(), "net": net}, shop=True)
    shop.ok({"type": "order_paid", "order": order}, shop=True)
    shop.ok({"type": "order_delivered", "order": order}, shop=True)
