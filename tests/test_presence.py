"""Who has a record open, over real HTTP (the reference server on loopback, its clock
moved by the test), and the desktop's :class:`Presence` polling it (pytest-qt, offscreen).

A mark lasts 90 s on the server, kept in memory; the asker is never listed."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from tests.server_harness import Server
from xrewards_desk.contract.commands import PresenceList
from xrewards_desk.sync.client import ApiClient, Offline


def mark(server: Server, who: str, record: str) -> requests.Response:
    client = server.as_(who)
    return requests.post(server.base + "/presence", headers=client.headers(),
                         json={"record": record}, timeout=30)


def others(server: Server, who: str, record: str) -> list[dict[str, Any]]:
    response = server.as_(who).get("/presence", record=record)
    assert response.status_code == 200, response.text
    assert response.json()["record"] == record
    return response.json()["others"]  # type: ignore[no-any-return]


def test_two_people_see_each_other_until_the_mark_expires(server: Server) -> None:
    record = "transfer_request:3"
    opened = server.clock.now()
    assert mark(server, "anna", record).status_code == 200
    assert others(server, "anna", record) == []  # the asker is never listed
    server.later(seconds=30)
    answer = mark(server, "tessa", record)
    assert answer.status_code == 200
    # marking answers who else has it open: anna, since she opened it
    assert [(p["name"], p["display_name"]) for p in answer.json()["others"]] == [
        ("anna", "Anna")]
    assert datetime.fromisoformat(answer.json()["others"][0]["since"]) == opened
    assert [p["name"] for p in others(server, "anna", record)] == ["tessa"]
    # a third person sees both, the longest-open first, each with their "since"
    assert [(p["name"], datetime.fromisoformat(p["since"]))
            for p in others(server, "ben", record)] == [
        ("anna", opened), ("tessa", opened + timedelta(seconds=30))]
    # other records are not affected
    assert others(server, "ben", "mail_case:12") == []

    # anna renews at 80 s; tessa does not: at 121 s tessa's mark (made at 30 s) is gone
    server.later(seconds=50)
    mark(server, "anna", record)
    server.later(seconds=40)
    assert [p["name"] for p in others(server, "ben", record)] == ["anna"]
    # a renewed mark keeps its "since"
    assert datetime.fromisoformat(others(server, "ben", record)[0]["since"]) == opened
    # 90 s after anna's last mark, nobody has it open
    server.later(seconds=50)
    assert others(server, "ben", record) == []
    # opening it again starts a new "since"
    mark(server, "anna", record)
    assert datetime.fromisoformat(others(server, "ben", record)[0]["since"]) \
        == server.clock.now()


def test_presence_input_and_roles(server: Server) -> None:
    for bad in ("", "mail_case", "mail case:1", "Mail_case:1", "mail_case:", "x" * 101):
        assert mark(server, "anna", bad).status_code == 422, bad
        assert server.as_("anna").get("/presence", record=bad).status_code == 422, bad
    assert server.as_("anna").get("/presence").status_code == 422  # record is required
    assert requests.get(server.base + "/presence", params={"record": "claim:1"},
                        timeout=30).status_code == 401
    # R27: the shop's systems send their events, nothing else
    assert mark(server, "shop", "claim:1").status_code == 403
    for record in ("abuse_case:AC-00001", "claim:7", "mail_case:12", "account:XR-1"):
        assert mark(server, "clara", record).status_code == 200, record


def test_the_client_calls(server: Server) -> None:
    from tests.server_harness import PASSWORD

    anna, ben = ApiClient(server.base), ApiClient(server.base)
    anna.sign_in("anna", PASSWORD)
    ben.sign_in("ben", PASSWORD)
    assert anna.mark_present("abuse_case:AC-1") == PresenceList(record="abuse_case:AC-1",
                                                                 others=[])
    assert [p.name for p in ben.mark_present("abuse_case:AC-1").others] == ["anna"]
    assert [p.name for p in anna.present("abuse_case:AC-1").others] == ["ben"]
    down = ApiClient("http://127.0.0.1:9", anna.token, retries=0, timeout=(0.5, 0.5))
    with pytest.raises(Offline):
        down.mark_present("abuse_case:AC-1")


# --------------------------------------------------------------------------- desktop

pytest.importorskip("PySide6.QtWidgets")


def test_the_presence_helper_emits_the_other_person(qtbot: Any, server: Server) -> None:
    from tests.server_harness import PASSWORD
    from xrewards_desk.ui.shell.presence import Presence, presence_text
    from xrewards_desk.ui.shell.tasks import Tasks

    tasks = Tasks()
    try:
        ben = ApiClient(server.base)
        ben.sign_in("ben", PASSWORD)
        ben.mark_present("mail_case:12")
        anna = ApiClient(server.base)
        anna.sign_in("anna", PASSWORD)
        presence = Presence(SimpleNamespace(tasks=tasks, session=SimpleNamespace(
            client=anna)), interval_ms=100)
        seen: list[list[Any]] = []
        presence.others.connect(seen.append)
        with qtbot.waitSignal(presence.others, timeout=10_000) as blocker:
            presence.watch("mail_case:12")
        assert [p.display_name for p in blocker.args[0]] == ["Ben"]
        assert presence_text(blocker.args[0]) == "Also open by Ben"
        # anna's own mark reached the server
        assert [p.name for p in ben.present("mail_case:12").others] == ["anna"]
        # nothing changes: no second signal; ben's mark expires: an empty list
        qtbot.wait(400)
        assert len(seen) == 1
        server.later(seconds=91)
        qtbot.waitUntil(lambda: len(seen) == 2 and seen[-1] == [], timeout=10_000)
        presence.stop()
        assert not presence.watching
        # offline: silent, no signal, no error
        offline = ApiClient("http://127.0.0.1:9", anna.token, retries=0, timeout=(0.3, 0.3))
        down = Presence(SimpleNamespace(tasks=tasks, session=SimpleNamespace(
            client=offline)), interval_ms=100)
        quiet: list[Any] = []
        down.others.connect(quiet.append)
        down.watch("mail_case:12")
        qtbot.wait(600)
        assert quiet == []
        down.stop()
    finally:
        tasks.shutdown()


def test_presence_text() -> None:
    from xrewards_desk.ui.shell.presence import presence_text

    assert presence_text([]) == ""
    assert presence_text(["Ben Schuster"]) == "Also open by Ben Schuster"
    assert presence_text(["Ben Schuster", "Tessa Lindqvist"]) == \
        "Also open by Ben Schuster and Tessa Lindqvist"
    assert presence_text(["A", "B", "C"]) == "Also open by A, B and C"
