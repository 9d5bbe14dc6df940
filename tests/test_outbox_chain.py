"""Commands queued together (a macro: its decision, then its status change and its reply)
go only if the first is applied: a refused decision never lets a reply that announces it
reach the customer. Over HTTP against the real server, the desktop's outbox in SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.server_harness import PASSWORD, Server, register
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import NOT_SENT, Syncer


def _syncer(server: Server, local: Any) -> Syncer:
    client = ApiClient(server.base.removesuffix("/v1"), retries=2, sleep=lambda _s: None)
    client.sign_in("anna", PASSWORD)
    return Syncer(local, client, server.base, "anna")


def _note(account: str, text: str) -> dict[str, Any]:
    return {"type": "note_customer", "account": account, "text": text}


def test_the_rest_of_a_chain_is_not_sent_when_its_first_command_is_refused(
        server: Server, sqlite_backend: Any) -> None:
    register(server, "XR-1")
    local = sqlite_backend.new_store()
    try:
        sync = _syncer(server, local)
        # the first: an objection decided that does not exist (refused: 404 unknown)
        first, second, third = sync.enqueue_chain([
            {"type": "reject_objection", "objection": 4242, "version": 1,
             "reason": "the notice follows the rules"},
            _note("XR-1", "status after the decision"),
            _note("XR-1", "the reply announcing it")])
        alone = sync.enqueue(_note("XR-1", "queued on its own"))
        pushed = sync.push()
        assert pushed.refused == [first, second, third] and pushed.done == [alone]
        with local.session() as s:
            rows = {r.id: r for r in s.scalars(select(m.OutboxCommand))}
        assert rows[first].refusal_code not in (None, NOT_SENT)
        for command in (second, third):
            assert rows[command].state is m.OutboxState.REFUSED
            assert rows[command].refusal_code == NOT_SENT
            assert rows[command].attempts == 0  # never went out
            assert rows[command].refusal_message == (
                f"Not sent: it went with command {first} (reject_objection), which was "
                "refused.")
        with server.store.session() as s:
            notes = list(s.scalars(select(m.CustomerNote.text)))
        assert notes == ["queued on its own"]  # the chain's notes never reached the server
    finally:
        local.close()


def test_a_chain_whose_first_command_is_applied_is_sent_whole(
        server: Server, sqlite_backend: Any) -> None:
    register(server, "XR-1")
    local = sqlite_backend.new_store()
    try:
        sync = _syncer(server, local)
        ids = sync.enqueue_chain([_note("XR-1", "first"), _note("XR-1", "second")])
        pushed = sync.push()
        assert pushed.done == ids and pushed.refused == []
        with server.store.session() as s:
            assert list(s.scalars(select(m.CustomerNote.text).order_by(m.CustomerNote.id))) \
                == ["first", "second"]
    finally:
        local.close()


def test_a_withdrawn_first_command_keeps_the_rest_back(
        server: Server, sqlite_backend: Any) -> None:
    register(server, "XR-1")
    local = sqlite_backend.new_store()
    try:
        sync = _syncer(server, local)
        first, second = sync.enqueue_chain([_note("XR-1", "decision"), _note("XR-1", "reply")])
        assert sync.withdraw(first)
        pushed = sync.push()
        assert pushed.refused == [second] and pushed.done == []
        with server.store.session() as s:
            assert list(s.scalars(select(m.CustomerNote.text))) == []
    finally:
        local.close()
