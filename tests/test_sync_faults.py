"""Sync through a proxy that injects faults: 500s, timeouts, connections dropped in the
middle of a page and of a command, answers lost after the server applied a command.
Each run must end with the local store equal to the server's, and every command applied
exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.fault_proxy import proxy
from tests.server_harness import PASSWORD, Server, earn, register
from xrewards_desk.server.feed import LOADERS
from xrewards_desk.store import models as m
from xrewards_desk.sync.client import ApiClient
from xrewards_desk.sync.runner import Syncer


@pytest.fixture
def local(sqlite_backend):  # type: ignore[no-untyped-def]
    store = sqlite_backend.new_store()
    yield store
    store.close()


def _same(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    keys = {(c["kind"], c["id"]) for c in server.changes()}
    with server.store.session() as theirs, local.session() as ours:
        for kind, key in keys:
            assert LOADERS[kind](ours, key) == LOADERS[kind](theirs, key), (kind, key)
        for model in (m.LedgerEntry, m.LotAllocation, m.NoticeLot, m.AccountRow):
            count = select(func.count()).select_from(model)
            assert ours.scalar(count) == theirs.scalar(count)


def test_pulling_through_500s_timeouts_and_dropped_pages(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    for i in range(1, 7):
        register(server, f"XR-{i}")
        earn(server, f"XR-{i}", f"O-{i}", f"{100 * i}.00")
    with proxy(server.base.removesuffix("/v1")) as (url, faults):
        client = ApiClient(url, retries=4, timeout=(2.0, 0.5))
        client.sign_in("anna", PASSWORD)
        faults.plan = [("/changes", "500"), ("/changes", "drop_after"),
                       ("/changes", "slow"), ("/changes", "drop_before"),
                       ("/changes", "500")]
        sync = Syncer(local, client, server.base, "anna")
        sync.pull(limit=5)
        assert [f for _, f in faults.used] == ["500", "drop_after", "slow", "drop_before",
                                               "500"]
    _same(server, local)


def test_a_command_whose_answer_is_lost_is_applied_once(server: Server, local) -> None:  # type: ignore[no-untyped-def]
    register(server, "XR-1")
    with proxy(server.base.removesuffix("/v1")) as (url, faults):
        client = ApiClient(url, retries=4, timeout=(2.0, 5.0), sleep=lambda _s: None)
        client.sign_in("anna", PASSWORD)
        sync = Syncer(local, client, server.base, "anna")
        first = sync.enqueue({"type": "request_adjustment", "account": "XR-1", "points": 11,
                              "reason": "a"})
        second = sync.enqueue({"type": "request_adjustment", "account": "XR-1",
                               "points": 22, "reason": "b"})
        third = sync.enqueue({"type": "request_adjustment", "account": "XR-1", "points": 33,
                              "reason": "c"})
        # the first: applied, answer replaced by a 500; the second: applied, connection
        # dropped half-way through the answer; the third: refused at the door, then sent
        faults.plan = [("/commands", "500_after"), ("/commands", "drop_after"),
                       ("/commands", "500")]
        pushed = sync.push()
        assert pushed.done == [first, second, third] and pushed.left == 0
        assert len(faults.used) == 3
        sync.pull()
    with server.store.session() as s:
        points = s.scalars(select(m.LedgerEntry.points).order_by(m.LedgerEntry.seq)).all()
    assert points == [11, 22, 33]  # R26: each applied once, in order
    _same(server, local)
