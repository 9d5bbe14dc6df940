"""Issue 18 item 6, each attack against the real server over HTTP: values of the wrong JSON
type, a byte order mark, duplicate keys, absurd nesting and numbers, bodies that do not
parse, and the addresses and methods FastAPI answers itself. Each is refused with the
contract's problem (``code``, ``message``), and nothing of it is applied (the change feed
holds nothing new). Before the fix ``"points": true`` was applied as a 1-point adjustment,
``"25"`` and ``10.0`` were taken as points, ``"case": "1"`` as case 1, a BOM and a
duplicate key passed, and the 400/404/405 bodies and a deep body's 400 had only
``detail``."""

from __future__ import annotations

import json
import uuid
from typing import Any

import requests

from tests.server_harness import Server, earn, register
from xrewards_desk.server.problems import MAX_DEPTH


def _post(server: Server, path: str, data: bytes, who: str = "anna",
          key: str | None = "fresh", **headers: str) -> requests.Response:
    sent = {**server.as_(who).headers(f"strict-{uuid.uuid4()}" if key == "fresh" else key),
            "Content-Type": "application/json", **headers}
    return requests.post(server.base + path, data=data, headers=sent, timeout=30)


def _problem(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    assert set(body) <= {"code", "message", "message_de", "details"}, body
    return body


def _adjustment(points: Any) -> dict[str, Any]:
    return {"type": "request_adjustment", "account": "XR-1", "points": points,
            "reason": "Kulanz nach Telefonat"}


def test_values_of_the_wrong_json_type_are_refused_and_nothing_is_applied(
        server: Server) -> None:
    register(server, "XR-1")
    before = len(server.changes())
    for points in (True, "25", 10.0, "1e3", None, [5]):
        body = _problem(_post(server, "/commands", json.dumps(_adjustment(points)).encode()),
                        422, "malformed")
        assert body["message"].startswith("request_adjustment.points:"), body
        assert body["details"]["errors"][0]["loc"][-1] == "points", body
    for case in ("1", 1.0, True):
        _problem(_post(server, "/commands", json.dumps(
            {"type": "note_mail_case", "case": case, "text": "Rückruf"}).encode()),
            422, "malformed")
    assert len(server.changes()) == before  # nothing of it was applied
    # the same command with an integer is taken: the route was reached, only types differ
    taken = _post(server, "/commands", json.dumps(_adjustment(25)).encode())
    assert taken.status_code == 200, taken.text
    assert len(server.changes()) > before


def test_money_and_instants_only_as_the_contract_writes_them(server: Server) -> None:
    """Money is a decimal string (12.50 as "12.50"), never a JSON number; an instant is
    RFC 3339 with its offset, never a number of seconds or a naive time."""
    register(server, "XR-1")
    before = len(server.changes())
    now = server.clock.now().isoformat()
    shop = "shop"
    for net in (250.0, 250, "2.5e2", "250.001", " 250.00"):
        body = _problem(_post(server, "/shop/events", json.dumps(
            {"type": "order_placed", "order": "O-9", "account": "XR-1", "placed_at": now,
             "net": net}).encode(), who=shop), 422, "malformed")
        assert "EUR as a string" in body["message"], body
    for placed_at in (1_741_000_000, "1741000000", "2025-03-03T09:00:00", "2025-03-03"):
        body = _problem(_post(server, "/shop/events", json.dumps(
            {"type": "order_placed", "order": "O-9", "account": "XR-1",
             "placed_at": placed_at, "net": "250.00"}).encode(), who=shop), 422, "malformed")
        assert "RFC 3339" in body["message"], body
    assert len(server.changes()) == before
    _problem(requests.get(server.base + "/audit", params={"until": "0.5"},
                          headers=server.as_("clara").headers(), timeout=30),
             422, "malformed")
    earn(server, "XR-1", "O-1", "250.00")  # the contract's own form is taken
    assert len(server.changes()) > before


def test_a_byte_order_mark_and_duplicate_keys_are_refused(server: Server) -> None:
    register(server, "XR-1")
    before = len(server.changes())
    good = json.dumps(_adjustment(5)).encode()
    body = _problem(_post(server, "/commands", b"\xef\xbb\xbf" + good), 422, "malformed")
    assert "byte order mark" in body["message"], body
    twice = (b'{"type": "request_adjustment", "account": "XR-1", "points": 5, '
             b'"points": 50000, "reason": "Kulanz"}')
    body = _problem(_post(server, "/commands", twice), 422, "malformed")
    assert '"points" appears twice' in body["message"], body
    nested_twice = (b'{"type": "create_mail_case", "mail": {"message_id": "<a@b>", '
                    b'"subject": "x", "subject": "y"}}')
    _problem(_post(server, "/commands", nested_twice), 422, "malformed")
    # the sign-in too: a second "user" must not change whose password is checked
    body = _problem(requests.post(server.base + "/sign-in", data=(
        b'{"user": "anna", "password": "x", "user": "ben"}'),
        headers={"Content-Type": "application/json"}, timeout=30), 422, "malformed")
    assert len(server.changes()) == before


def test_absurd_bodies_get_a_problem_not_a_crash(server: Server) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    body = _problem(_post(server, "/commands", deep), 422, "malformed")
    assert f"deeper than {MAX_DEPTH}" in body["message"], body
    just_over = json.dumps({"type": "note_mail_case", "case": 1,
                            "text": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)}).encode()
    _problem(_post(server, "/commands", just_over), 422, "malformed")
    digits = json.dumps(_adjustment(0)).replace('"points": 0',
                                                '"points": ' + "9" * 5000).encode()
    body = _problem(_post(server, "/commands", digits), 422, "malformed")
    assert "5,000 characters" in body["message"], body
    for text in (b'{"type": "request_adjustment", "points": NaN}',
                 b'{"type": "request_adjustment", "points": 1e999}',
                 b'{"type": "note_mail_case", "case": 1, "text": "\\ud800"}',
                 b'{"type": ', b"\xff\xfe{}", b"not json", b""):
        _problem(_post(server, "/commands", text), 422, "malformed")
    # an upload that is no form at all
    bad_form = requests.post(server.base + "/evidence", data=b"--x\r\nFalse--x--\r\n",
                             headers={**server.as_("anna").headers(),
                                      "Content-Type": "multipart/form-data; boundary=x"},
                             timeout=30)
    assert bad_form.status_code in (400, 422), bad_form.text
    _problem(bad_form, bad_form.status_code, "malformed")


def test_fastapis_own_answers_are_problems(server: Server) -> None:
    anna = server.as_("anna")
    _problem(requests.get(server.base + "/no-such-thing", headers=anna.headers(),
                          timeout=30), 404, "not_found")
    refused = requests.delete(server.base + "/presence", headers=anna.headers(), timeout=30)
    _problem(refused, 405, "method_not_allowed")
    assert refused.headers["Allow"] == "GET, POST"  # both of the address's methods
    _problem(requests.get(server.base + "/changes", params={"after": "x"},
                          headers=anna.headers(), timeout=30), 422, "malformed")
    _problem(requests.get(server.base + "/changes", params={"after": "9" * 5000},
                          headers=anna.headers(), timeout=30), 422, "malformed")


def test_the_idempotency_key_is_required_and_documented_so(server: Server) -> None:
    register(server, "XR-1")
    before = len(server.changes())
    for key in (None, ""):
        sent = _post(server, "/commands", json.dumps(_adjustment(5)).encode(), key=key)
        _problem(sent, 400, "idempotency_key_required")
    assert len(server.changes()) == before
    document = requests.get(server.base + "/openapi.json", timeout=30).json()
    for path in ("/v1/commands", "/v1/shop/events"):
        header = next(p for p in document["paths"][path]["post"]["parameters"]
                      if p["name"] == "Idempotency-Key")
        assert header["in"] == "header" and header["required"] is True, header
    money = document["components"]["schemas"]["OrderPlaced"]["properties"]["net"]
    assert money["type"] == "string" and "pattern" in money, money


def test_a_nul_in_a_query_is_refused_not_a_crash(server: Server) -> None:
    """Schemathesis found it on PostgreSQL, which refuses a NUL in text outright: the
    audit query's names with a control character in them were a 500. They are a 422
    problem on both databases, and a name without one still answers."""
    lead = server.as_("tessa")
    for name in ("account", "actor", "action"):
        for value in ("XR-1\x00", "anna\r\n", "\x7f"):
            answer = lead.get("/audit", **{name: value})
            assert answer.status_code == 422, (name, value, answer.text)
            assert answer.json()["code"] == "malformed"
    assert lead.get("/audit", account="XR-1", actor="anna").status_code == 200
