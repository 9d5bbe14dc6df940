"""Issue 18 item 7: commands already waiting in a desktop's outbox with values the strict
contract now refuses (queued by a desktop of before, when ``"25"`` and ``10.0`` passed as
points) come back as refused with the server's words, never lost silently, and do not
hold up the commands queued after them. Over HTTP against the real server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from tests.server_harness import PASSWORD, Server, register
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import Syncer

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.store.read.lookups import outbox_summary


def _queued_before(store: Any, payload: dict[str, Any]) -> int:
    """An outbox row as a desktop of before wrote it (its payload unchecked by today's
    contract)."""
    with store.session() as s:
        row = m.OutboxCommand(idempotency_key=str(uuid.uuid4()), kind=payload["type"],
                              payload=payload, evidence=[], created_at=datetime.now(UTC),
                              created_by="anna", state=m.OutboxState.PENDING, attempts=0)
        s.add(row)
        s.flush()
        return row.id


def _adjustment(points: Any) -> dict[str, Any]:
    return {"type": "request_adjustment", "account": "XR-1", "points": points,
            "reason": "Kulanz nach Telefonat"}


def test_queued_commands_the_strict_contract_refuses_come_back_refused_in_its_words(
        server: Server, sqlite_backend: Any) -> None:
    register(server, "XR-1")
    local = sqlite_backend.new_store()
    try:
        client = ApiClient(server.base.removesuffix("/v1"), retries=2,
                           sleep=lambda _s: None)
        client.sign_in("anna", PASSWORD)
        sync = Syncer(local, client, server.base, "anna")
        stale = [_queued_before(local, _adjustment(points)) for points in ("25", 10.0, True)]
        fine = sync.enqueue(_adjustment(25))
        pushed = sync.push()
        assert pushed.refused == stale and pushed.done == [fine] and pushed.left == 0
        with local.session() as s:
            rows = {row.id: row for row in s.scalars(select(m.OutboxCommand))}
        for command in stale:
            row = rows[command]
            assert row.state is m.OutboxState.REFUSED and row.refusal_code == "malformed"
            assert row.refusal_message is not None
            assert row.refusal_message.startswith("request_adjustment.points: Input should "
                                                  "be a valid integer"), row.refusal_message
            assert row.response is not None and row.response["code"] == "malformed"
            assert row.payload == _adjustment(row.payload["points"])  # kept as it was
        assert rows[fine].state is m.OutboxState.DONE
        # the desktop's list of refused commands shows each with the server's sentence
        with local.session() as s:
            waiting, refused = outbox_summary(s)
        assert waiting == 0
        assert sorted(r.id for r in refused) == stale
        assert all(r.code == "malformed" and "points" in r.message for r in refused)
        # and only the well-formed one reached the server: one request of 25 points
        with server.store.session() as s:
            requests = list(s.scalars(select(m.AdjustmentRequest)))
        assert [r.points for r in requests] == [25]
    finally:
        local.close()
