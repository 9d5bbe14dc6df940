"""The signed-in person of a route, looked up in the thread the route runs in (app.py's
``_signed``): one trip to the thread pool a request, and the answers as they were when the
person was a dependency of its own, a 401 before anything the input would be refused for
(ARCHITECTURE.md's statuses: 401 no or expired token, 422 malformed input, 400 a missing
Idempotency-Key)."""

from __future__ import annotations

import threading
from typing import Any

import anyio.to_thread
import pytest
import requests

from tests.server_harness import Server, register
from xrewards_desk.server.service import Person

NO_TOKEN = "Sign in first (no bearer token was sent)."
NOT_VALID = "This sign-in is not valid; sign in again."
EXPIRED = "This sign-in has expired; sign in again."
#: a shop event the contract refuses (no such type), and one it takes
REFUSED_EVENT = {"type": "order_teleported", "order": "O-1"}
EVENT = {"type": "order_paid", "order": "O-nothing"}


def _post(server: Server, path: str, body: Any, authorization: str | None,
          key: str | None = "k-1") -> requests.Response:
    headers = {"Authorization": authorization} if authorization else {}
    if key is not None:
        headers["Idempotency-Key"] = key
    return requests.post(server.base + path, json=body, headers=headers, timeout=30)


def _get(server: Server, path: str, authorization: str | None,
         **params: Any) -> requests.Response:
    headers = {"Authorization": authorization} if authorization else {}
    return requests.get(server.base + path, headers=headers, params=params, timeout=30)


def _unauthenticated(answer: requests.Response, message: str) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "unauthenticated"
    assert answer.json()["message"] == message
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_bad_token_is_401_before_the_input_is_judged(server: Server) -> None:
    """No token, a token nobody has, and an expired one: 401 whether the body, the query
    or the Idempotency-Key is also wrong (the token is checked first, as before)."""
    shop = server.as_("shop")
    valid = f"Bearer {shop.token}"
    server.later(hours=12, seconds=1)  # tokens live 12 hours
    for authorization, message in ((None, NO_TOKEN), ("Bearer nope", NOT_VALID),
                                   (valid, EXPIRED)):
        _unauthenticated(_post(server, "/shop/events", REFUSED_EVENT, authorization),
                         message)
        _unauthenticated(_post(server, "/shop/events", EVENT, authorization, key=None),
                         message)
        _unauthenticated(_post(server, "/shop/events", EVENT, authorization), message)
        _unauthenticated(_post(server, "/shop/events/batch", {"events": []},
                               authorization), message)
        _unauthenticated(_get(server, "/changes", authorization, limit=0), message)
        _unauthenticated(_get(server, "/me", authorization), message)


def test_with_a_valid_token_the_input_is_judged(server: Server) -> None:
    """The same requests signed in: 422 malformed, 400 for the missing key."""
    authorization = f"Bearer {server.as_('shop').token}"
    refused = _post(server, "/shop/events", REFUSED_EVENT, authorization)
    assert refused.status_code == 422 and refused.json()["code"] == "malformed"
    no_key = _post(server, "/shop/events", EVENT, authorization, key=None)
    assert no_key.status_code == 400
    assert no_key.json()["code"] == "idempotency_key_required"
    empty = _post(server, "/shop/events/batch", {"events": []}, authorization)
    assert empty.status_code == 422 and empty.json()["code"] == "malformed"
    reader = f"Bearer {server.as_('anna').token}"
    assert _get(server, "/changes", reader, limit=0).status_code == 422
    # and a role that may not: 403 after a valid sign-in (R27: a shop event is the
    # service role's)
    forbidden = _post(server, "/shop/events", EVENT, reader)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"


def test_a_shop_event_goes_to_the_thread_pool_once(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shop event's person and its command run in one trip to a worker thread (they
    were two: the person's dependency, then the route), never on the event loop."""
    hops: list[str] = []
    threads: dict[str, int] = {}
    to_worker = anyio.to_thread.run_sync
    person, loop_thread = server.service.person, -1

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal loop_thread
        loop_thread = threading.get_ident()
        hops.append(getattr(function, "__name__", repr(function)))
        return await to_worker(function, *args, **kwargs)

    def looked_up(token: str | None) -> Person:
        threads["person"] = threading.get_ident()
        return person(token)

    shop = server.as_("shop")
    register(server, "XR-HOP-1")
    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    monkeypatch.setattr(server.service, "person", looked_up)
    shop.ok({"type": "order_placed", "order": "O-HOP-1", "account": "XR-HOP-1",
             "placed_at": server.clock.now().isoformat(), "net": "10.00"}, shop=True)
    assert len(hops) == 1, hops
    assert threads["person"] != loop_thread
