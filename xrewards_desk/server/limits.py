"""Request bodies bounded before anything reads them: a pure ASGI middleware.

A body larger than its route's limit is refused with 413 and the contract's problem body
before authentication, before parsing and before the rest of it is read: at once when
``Content-Length`` says so, else as soon as the bytes received (chunked, or more than
was declared) pass the limit. The answer closes the connection, so the client's remaining
bytes are never read. Evidence uploads have their own, larger limit; every other body
(JSON) the server's (1 MiB unless configured: ``serve --max-body`` or XREWARDS_MAX_BODY).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..contract import filetypes
from ..contract.common import API, FILE_TOO_LARGE, TOO_LARGE, Problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

#: a JSON body's limit unless the server is told otherwise
DEFAULT_MAX_BODY = 2**20
#: what a multipart upload may add around an evidence file of the largest size
MULTIPART_ALLOWANCE = 64 * 1024
EVIDENCE_PATH = f"{API}/evidence"


def parse_size(text: str) -> int:
    """Bytes from ``1048576``, ``512KiB``, ``1MiB`` (also K/KB, M/MB as binary units);
    ValueError with a sentence for anything else or under 1 KiB."""
    found = re.fullmatch(r"\s*(\d{1,12})\s*(k|kb|kib|m|mb|mib)?\s*", text, re.IGNORECASE)
    if found is None:
        raise ValueError(f"{text!r} is not a size: give bytes, or KiB/MiB, e.g. 1MiB")
    unit = (found.group(2) or "").lower()
    size = int(found.group(1)) * (2**20 if unit.startswith("m") else
                                  2**10 if unit.startswith("k") else 1)
    if size < 1024:
        raise ValueError(f"{text.strip()} is too small for a request body: give at least "
                         "1KiB")
    return size


def _words(size: int) -> tuple[str, str]:
    if size % 2**20 == 0:
        return f"{size // 2**20} MiB", f"{size // 2**20} MiB"
    if size % 2**10 == 0:
        return f"{size // 2**10} KiB", f"{size // 2**10} KiB"
    return f"{size:,} bytes", f"{size:,} Bytes".replace(",", ".")


@dataclass(frozen=True)
class _Limit:
    size: int
    problem: bytes


def _json_limit(size: int) -> _Limit:
    en, de = _words(size)
    problem = Problem(code=TOO_LARGE, message=f"The request body is larger than {en}, the "
                      "most this server takes; nothing of it was read or applied.",
                      message_de=f"Die Anfrage ist größer als {de}, mehr nimmt dieser Server "
                      "nicht an; nichts davon wurde gelesen oder ausgeführt.",
                      details={"limit": size})
    return _Limit(size, json.dumps(problem.model_dump(mode="json")).encode())


def _evidence_limit() -> _Limit:
    most = filetypes.MAX_BYTES // 2**20
    problem = Problem(code=FILE_TOO_LARGE, message=f"The upload is larger than {most} MiB; "
                      f"evidence files may be at most {most} MiB.",
                      message_de=f"Die Datei ist größer als {most} MiB; Nachweise dürfen "
                      f"höchstens {most} MiB groß sein.",
                      details={"limit": filetypes.MAX_BYTES})
    return _Limit(filetypes.MAX_BYTES + MULTIPART_ALLOWANCE,
                  json.dumps(problem.model_dump(mode="json")).encode())


class BodyLimit:
    """Wraps the app: bodies over the limit never reach it (see the module)."""

    def __init__(self, app: App, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.json = _json_limit(max_body)
        self.evidence = _evidence_limit()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (self.evidence if scope["path"] == EVIDENCE_PATH
                 and scope["method"] == "POST" else self.json)
        declared = _content_length(scope)
        if declared is not None and declared > limit.size:
            await _refuse(send, limit)
            return
        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.size:
                    refused = True
                    if not started:
                        await _refuse(send, limit)
                    # the app stops reading: to it the client has gone
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # the 413 has gone out; what the app answers after is dropped
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise  # the app's own error, not one of reading a body it was denied


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server refuses such a request itself
    return None


async def _refuse(send: Send, limit: _Limit) -> None:
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(limit.problem)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": limit.problem})
