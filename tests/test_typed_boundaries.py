"""Typed boundaries (issue 17 item 3): the API client answers the contract's models, read
strictly, and refuses an answer that is not the contract; the desk builds the contract's
command models, and the outbox keeps their JSON.

The client talks to a real HTTP server on 127.0.0.1 that answers what the test sets (the
reference server never answers off the contract, so a stand-in has to); the outbox is the
real one, on a real SQLite store."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from xrewards_desk.contract import commands as c
from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.sync.client import ApiClient, BadAnswer, Offline

#: RFC 3339 with the offset, as the contract has instants (06.12.2026 09:00 Berlin)
AT = "2026-12-06T09:00:00+01:00"
RECORD = {"id": 1, "at": AT, "actor": "tessa", "role": "team_lead",
          "action": "request_adjustment", "subject": "account:XR-1", "outcome": "applied",
          "detail": {"command": {"type": "request_adjustment", "account": "XR-1"}},
          "hash": "ab" * 32}


@contextmanager
def stand_in(answers: dict[tuple[str, str], Any]) -> Iterator[tuple[str, list[Any]]]:
    """An HTTP server on 127.0.0.1 answering `answers[(method, path)]` as JSON (200), and
    what was posted to it (the body's JSON and the Idempotency-Key)."""
    posted: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            path = self.path.split("?", 1)[0]
            if method == "POST":
                length = int(self.headers.get("Content-Length", "0"))
                posted.append((json.loads(self.rfile.read(length)),
                               self.headers.get("Idempotency-Key")))
            body = json.dumps(answers[(method, path)]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posted
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_client_answers_the_contracts_models() -> None:
    answers = {
        ("GET", "/v1/me"): {"name": "tessa", "display_name": "Tessa", "role": "team_lead",
                            "active": True},
        ("GET", "/v1/audit"): {"records": [RECORD], "next": "1", "more": False},
        ("POST", "/v1/presence"): {"record": "mail_case:12", "others": [
            {"name": "ben", "display_name": "Ben", "since": AT}]},
        ("POST", "/v1/commands"): {"type": "record_objection", "applied_at": AT,
                                   "touched": [{"kind": "objection", "id": "3"}],
                                   "created": "3"},
    }
    with stand_in(answers) as (url, posted):
        client = ApiClient(url, "token", retries=0)
        assert client.me().role == "team_lead"
        page = client.audit()
        # the record's time is the contract's instant, not text to parse by hand
        assert page.records[0].at == datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
        assert page.records[0].at.utcoffset() is not None and not page.more
        assert [(p.name, p.since) for p in client.mark_present("mail_case:12").others] == [
            ("ben", datetime(2026, 12, 6, 8, 0, tzinfo=UTC))]
        command = c.RecordObjection(type="record_objection", notice="XR-1/N4",
                                    received_at=datetime(2026, 12, 6, 9, 0, tzinfo=BERLIN),
                                    case=12)
        answer = client.command(command, "key-1")
        assert (answer.created, answer.touched) == ("3", [c.Touched(kind="objection", id="3")])
    # a model goes out as its JSON: the instant in RFC 3339 with its offset, the case an
    # integer, under the key given
    assert posted == [({"record": "mail_case:12"}, None),
                      ({"type": "record_objection", "notice": "XR-1/N4", "received_at": AT,
                        "case": 12}, "key-1")]


@pytest.mark.parametrize(("method", "path", "answer"), [
    # no `active`: not a Staff
    ("GET", "/v1/me", {"name": "tessa", "display_name": "Tessa", "role": "team_lead"}),
    # an unknown role
    ("GET", "/v1/me", {"name": "x", "display_name": "X", "role": "boss", "active": True}),
    # a German date, not RFC 3339
    ("GET", "/v1/audit", {"records": [{**RECORD, "at": "06.12.2026 09:00"}], "next": "1",
                          "more": False}),
    # an instant without its offset
    ("GET", "/v1/audit", {"records": [{**RECORD, "at": "2026-12-06T09:00:00"}],
                          "next": "1", "more": False}),
    # a cursor as a number (strict: no conversion)
    ("GET", "/v1/audit", {"records": [], "next": 1, "more": False}),
    # the time applied as seconds
    ("POST", "/v1/commands", {"type": "note_mail_case", "applied_at": 1796630400}),
    # a list where an object belongs
    ("POST", "/v1/presence", ["ben"]),
])
def test_an_answer_off_the_contract_is_refused(method: str, path: str, answer: Any) -> None:
    with stand_in({(method, path): answer}) as (url, _posted):
        client = ApiClient(url, "token", retries=0)
        call = {"/v1/me": client.me, "/v1/audit": client.audit,
                "/v1/presence": lambda: client.mark_present("mail_case:12"),
                "/v1/commands": lambda: client.command(
                    c.NoteMailCase(type="note_mail_case", case=1, text="x"))}[path]
        with pytest.raises(BadAnswer) as refused:
            call()
    # an Offline: the callers that handle a server they cannot use handle this one too
    assert isinstance(refused.value, Offline)
    assert "is not a" in str(refused.value)


# --------------------------------------------------------------------------- the outbox

pytest.importorskip("PySide6.QtWidgets")


def test_the_outbox_keeps_the_commands_json_and_refuses_what_the_contract_refuses(
        qtbot: Any, qapp: Any, sqlite_backend: Any, tmp_path: Path) -> None:
    from sqlalchemy import select

    from xrewards_desk.clock import SettableClock
    from xrewards_desk.store import models as m
    from xrewards_desk.ui.shell import settings as st
    from xrewards_desk.ui.shell.desk import Desk
    from xrewards_desk.ui.shell.main import MemoryTokens
    from xrewards_desk.ui.shell.paths import Paths
    from xrewards_desk.ui.shell.session import Session
    from xrewards_desk.ui.shell.tasks import Tasks
    from xrewards_desk.ui.widgets.i18n import Language

    store = sqlite_backend.new_store()
    paths = Paths.default(tmp_path / "app").made()
    desk = Desk(tasks=Tasks(), paths=paths, settings=st.Settings(paths.settings_file),
                language=Language(qapp), store=store,
                clock=SettableClock(datetime(2026, 12, 6, 9, 0, tzinfo=BERLIN)))
    try:
        # signed in as far as the outbox cares; nothing is pushed (no sync controller)
        desk.session = Session(store, "http://127.0.0.1:9", "anna",
                               ApiClient("http://127.0.0.1:9", retries=0), MemoryTokens(),
                               clock=desk.clock)

        def rows() -> list[tuple[str, dict[str, Any]]]:
            with store.session() as s:
                return [(r.kind, r.payload) for r in s.scalars(
                    select(m.OutboxCommand).order_by(m.OutboxCommand.id))]

        # a note longer than the contract takes (20,000 characters): said in plain words,
        # nothing queued
        huge = "x" * 20_001
        said = desk.outbox.send(lambda: c.NoteMailCase(type="note_mail_case", case=12,
                                                       text=huge))
        assert said == "text: String should have at most 20000 characters"
        ids: list[int] = []
        received = datetime(2026, 12, 5, 16, 30, tzinfo=BERLIN)
        assert desk.outbox.send(c.SetMailReceipt(type="set_mail_receipt", case=12,
                                                 message=3, received_at=received),
                                done=ids.append) is None
        qtbot.waitUntil(lambda: bool(ids), timeout=10_000)
        # the JSON as it goes to the server: the instant with its Berlin offset
        assert rows() == [("set_mail_receipt", {
            "type": "set_mail_receipt", "case": 12, "message": 3,
            "received_at": "2026-12-05T16:30:00+01:00"})]
    finally:
        desk.tasks.shutdown()
        store.close()
