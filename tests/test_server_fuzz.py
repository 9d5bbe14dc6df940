"""Schemathesis against the server's own OpenAPI document, over real HTTP, signed in as
each role (R27): whatever the generated requests hold, the answer is never a 5xx.

A bounded number of examples per operation (CI: 12; XREWARDS_FUZZ_EXAMPLES sets it), so
the run stays fast; every request carries a fresh Idempotency-Key."""

from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from tests.server_harness import PEOPLE, Server, earn, register

EXAMPLES = int(os.environ.get("XREWARDS_FUZZ_EXAMPLES", "12"))


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_no_generated_request_gets_a_server_error(server: Server, person: str) -> None:
    register(server, "XR-1")
    register(server, "XR-2")
    earn(server, "XR-1", "O-1", "250.00")
    schema = schemathesis.openapi.from_url(server.base + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    token = server.as_(person).token
    seen: Counter[tuple[str, int]] = Counter()
    for operation in operations:
        if operation.label == "POST /v1/sign-out":
            continue  # it would end the very sign-in the other calls use (tested below)
        _fuzz(operation, token, seen)
    # signed in all along: the operations were reached past authentication
    assert any(status != 401 for (label, status) in seen if label != "GET /v1/health"), seen
    bye = server.as_(person)
    import requests

    assert requests.post(server.base + "/sign-out", headers=bye.headers(),
                         timeout=10).status_code == 204
    assert bye.get("/me").status_code == 401


def _fuzz(operation, token: str, seen: Counter[tuple[str, int]]) -> None:  # type: ignore[no-untyped-def]
    label = operation.label

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(case=operation.as_strategy())
    def call(case) -> None:  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {token}",
                   "Idempotency-Key": f"fuzz-{uuid.uuid4()}"}
        response = case.call(headers=headers, timeout=30)
        seen[(label, response.status_code)] += 1
        assert response.status_code < 500, (
            f"{label} answered {response.status_code}: {response.text[:500]}")

    call()
