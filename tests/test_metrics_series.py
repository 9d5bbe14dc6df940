"""The metrics middleware keeps each request's series (metrics.Instrument remembers the
template of a path that is a route's whole template, and the series it counted in): the
same address met again, by another method, with another status or with another id in it
is counted where the first one was, and an unknown address stays ``unmatched``."""

from __future__ import annotations

import requests

from tests.server_harness import Server
from tests.test_operations import scrape, value


def test_repeated_addresses_are_counted_in_their_own_series(server: Server) -> None:
    anna = server.as_("anna")
    before = scrape(server.base)
    record = {"record": "account:XR-1"}
    for _ in range(3):
        assert anna.get("/presence", **record).status_code == 200
    marked = requests.post(server.base + "/presence", json=record, headers=anna.headers(),
                           timeout=30)
    assert marked.status_code == 200, marked.text
    assert requests.get(server.base + "/presence", params=record, timeout=30).status_code == 401
    for case in ("CASE-1", "CASE-2"):
        assert server.as_("clara").get(f"/abuse-cases/{case}/preview").status_code == 404
    for _ in range(2):
        assert requests.get(server.base + "/no-such-address", timeout=30).status_code == 404
    after = scrape(server.base)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    presence = {"route": "/v1/presence"}
    assert delta("xrewards_http_requests_total", method="GET", **presence, status="200") == 3
    assert delta("xrewards_http_requests_total", method="GET", **presence, status="401") == 1
    assert delta("xrewards_http_requests_total", method="POST", **presence, status="200") == 1
    assert delta("xrewards_http_request_duration_seconds_count", method="GET", **presence) == 4
    assert value(after, "xrewards_http_requests_in_progress", method="GET", **presence) == 0
    assert delta("xrewards_http_requests_total", method="GET",
                 route="/v1/abuse-cases/{case}/preview", status="404") == 2
    assert delta("xrewards_http_requests_total", method="GET", route="unmatched",
                 status="404") == 2
