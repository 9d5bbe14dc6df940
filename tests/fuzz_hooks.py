"""Schemathesis hooks and checks for tests/test_server_fuzz.py (loaded by ``st run``
through tests/schemathesis.toml's ``hooks``).

* Every command gets a fresh Idempotency-Key where the generated one is well formed: the
  generator repeats short values ("0") across different bodies, which the server rightly
  refuses as a reused key (422 ``idempotency_key_reused``); a client never does that.
  A malformed or missing key is sent as generated (it must be refused).
* Every 4xx answer is the contract's problem (``code`` and ``message``, JSON), also where
  the OpenAPI document cannot say so (404/405 of addresses and methods it does not list).
* An evidence upload the schema calls valid may still be refused for its bytes (R21's
  file types, which no schema can describe): then it is 422 ``unsupported_file``, never
  ``malformed``.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis

KEY = "Idempotency-Key"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers
    if not headers or KEY not in headers:
        return
    value = headers[KEY]
    if isinstance(value, str) and 1 <= len(value) <= 200 and value.isascii() \
            and value.isprintable():
        headers[KEY] = f"fuzz-{uuid.uuid4()}"


@schemathesis.check
def every_refusal_is_a_problem(ctx: Any, response: Any, case: Any) -> bool | None:
    if not 400 <= response.status_code < 500:
        return None
    kind = response.headers.get("content-type") or response.headers.get("Content-Type")
    kind = kind[0] if isinstance(kind, list) else kind
    assert kind and kind.startswith("application/json"), (
        f"a {response.status_code} answered as {kind!r}, not the contract's problem")
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("code"), str) and body["code"] \
        and isinstance(body.get("message"), str) and body["message"], (
        f"a {response.status_code} without code and message: {response.text[:300]}")
    return True


@schemathesis.check
def evidence_refused_for_its_bytes_only(ctx: Any, response: Any, case: Any) -> bool | None:
    if case.operation.label != "POST /v1/evidence" or response.status_code != 422:
        return None
    mode = getattr(getattr(getattr(case, "meta", None), "generation", None), "mode", None)
    if mode is not None and not mode.is_positive:
        return None
    code = response.json().get("code")
    assert code == "unsupported_file", (
        f"a schema-valid upload refused as {code!r}: {response.text[:300]}")
    return True
