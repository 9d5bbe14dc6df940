"""POST /v1/shop/events/batch over real HTTP, on SQLite and on PostgreSQL: shop events
applied in order in one transaction, each once per its own key and answered as it would be
alone; a refusal in the middle does not stop the others; a replay answers the same and
writes nothing; the feed has each change once. Expected values worked out from RULES.md."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import func, select

from tests.server_harness import Server, register
from xrewards_desk.contract.commands import BATCH_MAX
from xrewards_desk.store import models as m


def batch(server: Server, events: list[tuple[str, dict[str, Any]]],
          who: str = "shop") -> requests.Response:
    client = server.as_(who)
    return requests.post(server.base + "/shop/events/batch", headers=client.headers(),
                         json={"events": [{"key": k, "event": e} for k, e in events]},
                         timeout=60)


def entries(server: Server, account: str) -> list[tuple[str, int]]:
    with server.store.session() as s:
        return [(str(t.value), p) for t, p in s.execute(
            select(m.LedgerEntry.type, m.LedgerEntry.points)
            .where(m.LedgerEntry.account_id == account).order_by(m.LedgerEntry.seq))]


def order_events(server: Server, order: str, account: str, net: str) -> list[dict[str, Any]]:
    return [{"type": "order_placed", "order": order, "account": account,
             "placed_at": server.clock.now().isoformat(), "net": net},
            {"type": "order_paid", "order": order},
            {"type": "order_delivered", "order": order}]


def test_a_batch_applies_in_order_and_a_refusal_in_the_middle_stops_nothing(
        server: Server) -> None:
    register(server, "XR-1")
    placed, paid, delivered = order_events(server, "O-1", "XR-1", "100.50")
    stranger = {"type": "order_placed", "order": "O-9", "account": "XR-404",
                "placed_at": server.clock.now().isoformat(), "net": "10.00"}
    events = [("b-1", placed), ("b-2", stranger), ("b-3", paid), ("b-4", delivered)]
    first = batch(server, events)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [a["key"] for a in body["answers"]] == ["b-1", "b-2", "b-3", "b-4"]
    # ARCHITECTURE.md: 409 where a rule refused the command
    assert [a["status"] for a in body["answers"]] == [200, 409, 200, 200]
    assert body["applied"] == 3 and body["refused"] == 1
    # the refusal is the one a single event gets (R: unknown_account), word for word
    alone = server.as_("shop").shop(stranger, key="alone-1")
    assert alone.status_code == 409
    assert body["answers"][1]["problem"] == alone.json()
    assert body["answers"][1]["problem"]["code"] == "unknown_account"
    # R4: placed, paid and delivered: complete; R7/R8: bronze earns 1 point per EUR of
    # the base, floor(100.50 x 1) = 100, in one earn entry (R9: one lot)
    delivered_answer = body["answers"][3]["result"]
    assert delivered_answer["type"] == "order_delivered"
    assert delivered_answer["entries"] == ["XR-1/E1"]
    assert entries(server, "XR-1") == [("earn", 100)]
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.OrderRow)) == 1  # O-9 not kept
        audit = s.execute(select(m.AuditRecord.action, m.AuditRecord.outcome)
                          .order_by(m.AuditRecord.id.desc()).limit(5)).all()[::-1]
    # the audit log in the batch's order, the refusal in its place (and the single after)
    assert audit == [("order_placed", "applied"), ("order_placed", "refused:unknown_account"),
                     ("order_paid", "applied"), ("order_delivered", "applied"),
                     ("order_placed", "refused:unknown_account")]


def test_a_replayed_batch_answers_the_same_and_the_feed_has_each_change_once(
        server: Server) -> None:
    events: list[tuple[str, dict[str, Any]]] = [
        ("r-0", {"type": "register", "account": "XR-2", "organisation": "ORG-2",
                 "organisation_name": "ORG-2 GmbH", "billing_account": "BA-2",
                 "billing_account_name": "BA-2 Einkauf", "name": "Person XR-2",
                 "email": "xr-2@org-2.example"})]
    events += [(f"r-{i + 1}", e) for i, e in enumerate(order_events(server, "O-2", "XR-2",
                                                                    "250.00"))]
    events.append(("r-4", {"type": "order_paid", "order": "O-404"}))  # R: unknown_order
    first = batch(server, events)
    assert first.status_code == 200, first.text
    assert [a["status"] for a in first.json()["answers"]] == [200, 200, 200, 200, 409]
    assert first.json()["answers"][4]["problem"]["code"] == "unknown_order"
    feed = server.changes()
    again = batch(server, events)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert server.changes() == feed  # nothing written by the replay
    # R8: floor(250.00 x 1) = 250 points, once
    assert entries(server, "XR-2") == [("earn", 250)]
    seqs = [c["seq"] for c in feed]
    assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs)
    # each record's change once per event that changed it: the entry and its lot once
    kinds = [(c["kind"], c["id"]) for c in feed]
    assert kinds.count(("entry", "XR-2/E1")) == 1
    assert kinds.count(("lot", "XR-2/L1")) == 1
    assert kinds.count(("account", "XR-2")) == 3  # registered, placed (R18's first
    # order candidate), completed (spend)
    # the feed's last word on each record is what the store holds
    entry = [c for c in feed if c["kind"] == "entry"][-1]["data"]
    assert entry["points"] == 250 and entry["type"] == "earn"


def test_a_key_kept_with_another_event_is_refused_for_that_event_alone(
        server: Server) -> None:
    register(server, "XR-3")
    placed = order_events(server, "O-3", "XR-3", "20.00")[0]
    single = server.as_("shop").shop(placed, key="k-3")
    assert single.status_code == 200
    other = {**placed, "order": "O-4"}
    answer = batch(server, [("k-3", other), ("k-4", other), ("k-4", other)])
    assert answer.status_code == 200, answer.text
    statuses = [a["status"] for a in answer.json()["answers"]]
    # the reused key is refused as a single event would be; the new key applies once, and
    # its repeat within the batch replays the same answer
    alone = server.as_("shop").shop(other, key="k-3")
    assert statuses == [alone.status_code, 200, 200]
    assert answer.json()["answers"][0]["problem"] == alone.json()
    assert answer.json()["answers"][1] == {**answer.json()["answers"][2], "key": "k-4"}
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.OrderRow)) == 2


def test_a_batch_too_large_or_empty_is_refused_whole(server: Server) -> None:
    register(server, "XR-5")
    placed = order_events(server, "O-5", "XR-5", "1.00")[0]
    too_many = batch(server, [(f"t-{i}", {**placed, "order": f"O-5-{i}"})
                              for i in range(BATCH_MAX + 1)])
    assert too_many.status_code == 422
    assert batch(server, []).status_code == 422
    with server.store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.OrderRow)) == 0


def test_a_staff_member_s_batch_is_refused_event_by_event(server: Server) -> None:
    register(server, "XR-6")
    placed = order_events(server, "O-6", "XR-6", "5.00")[0]
    answer = batch(server, [("s-1", placed)], who="anna")
    assert answer.status_code == 200
    (only,) = answer.json()["answers"]
    # R27: the shop's events are the service role's
    assert only["status"] == 403 and only["problem"]["code"] == "forbidden"
