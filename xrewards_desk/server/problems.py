"""One error shape and strict JSON: every 4xx the API answers is the contract's
:class:`~xrewards_desk.contract.common.Problem` (``code``, ``message``), FastAPI's and
Starlette's own refusals included, and a JSON body is read strictly before any model sees it.

Strict JSON (RFC 8259 as written, nothing a lenient parser lets through):

* UTF-8 only, without a byte order mark (RFC 8259 §8.1: "MUST NOT add a byte order mark");
* no key twice in one object (§4 leaves duplicates to the receiver; Python keeps the last
  silently, so ``{"points": 5, "points": 50000}`` meant what a reviewer did not see);
* no ``NaN``/``Infinity``, no number longer than :data:`MAX_NUMBER_CHARS` characters (a
  5,000-digit integer costs quadratic time to convert), no text with a lone surrogate
  (no database stores one), and nesting at most :data:`MAX_DEPTH` deep (a 100,000-deep
  array exhausted the parser's recursion).

A body that breaks one of these is refused with 422 ``malformed`` and a sentence saying
which rule and where; nothing of it is applied.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from ..contract.common import (
    IDEMPOTENCY_REQUIRED,
    MALFORMED,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    Problem,
)

#: how deep objects and arrays may nest in a request body (a command nests 4 deep)
MAX_DEPTH = 32
#: the longest number a body may hold, in characters (ids and points have at most 10
#: digits; an audit cursor 19)
MAX_NUMBER_CHARS = 40
IDEMPOTENCY_HEADER = "Idempotency-Key"
_BOM = b"\xef\xbb\xbf"


class _Refused(ValueError):
    """A strict-JSON rule broken inside the parser's hooks."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(f"the key {json.dumps(key)[:80]} appears twice in one object")
            seen.add(key)
    return result


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} characters (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} characters (at most {MAX_NUMBER_CHARS})")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text} is out of range")
    return value


def _constant(text: str) -> Any:
    raise _Refused(f"{text} is not JSON")


def _check_tree(value: Any) -> None:
    """Nesting depth and lone surrogates, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise _Refused(f"objects and arrays nest deeper than {MAX_DEPTH} levels")
            for key, item in node.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise _Refused(f"objects and arrays nest deeper than {MAX_DEPTH} levels")
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _check_text(node)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _Refused("a text holds a lone surrogate (an unpaired \\ud800-\\udfff "
                           "escape), which is no character") from exc


def loads(body: bytes) -> Any:
    """`body` parsed as strict JSON (see the module); json.JSONDecodeError with the rule
    it breaks otherwise (FastAPI answers that as a malformed body)."""
    if body.startswith(_BOM):
        raise json.JSONDecodeError("the body starts with a byte order mark (U+FEFF); send "
                                   "UTF-8 without one", "", 0)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not UTF-8", "", exc.start) from exc
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_int,
                           parse_float=_float, parse_constant=_constant)
        _check_tree(value)
    except json.JSONDecodeError:
        raise
    except _Refused as exc:
        raise json.JSONDecodeError(str(exc), text, 0) from exc
    except RecursionError as exc:
        raise json.JSONDecodeError(f"objects and arrays nest deeper than {MAX_DEPTH} "
                                   "levels", text, 0) from exc
    return value


class StrictRequest(Request):
    """A request whose JSON body is parsed by :func:`loads`."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """Routes whose JSON bodies are read by :class:`StrictRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictRequest(request.scope, request.receive))

        return strict


def problem(status: int, code: str, message: str, message_de: str | None = None,
            headers: dict[str, str] | None = None, **details: Any) -> JSONResponse:
    body = Problem(code=code, message=message, message_de=message_de, details=details)
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc if p != "body")


def _missing_key(errors: list[dict[str, Any]]) -> bool:
    return any(list(e.get("loc", ()))[:2] == ["header", IDEMPOTENCY_HEADER]
               and e.get("type") in ("missing", "string_too_short") for e in errors)


async def malformed(_request: Request, exc: Exception) -> JSONResponse:
    """422 ``malformed`` for a body, query, path or header the contract refuses; the first
    error in the message, each of them (where, what, which kind) in ``details.errors``.
    A missing Idempotency-Key is 400 ``idempotency_key_required``, as it always was."""
    assert isinstance(exc, RequestValidationError)
    errors = [dict(e) for e in exc.errors()]
    if _missing_key(errors):
        return problem(400, IDEMPOTENCY_REQUIRED, "Send an Idempotency-Key header with every "
                       "command, so a retry cannot apply it twice.",
                       "Jeder Befehl braucht einen Idempotency-Key.")
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        reason = (first.get("ctx") or {}).get("error", "it does not parse")
        message = f"The request body is not valid JSON: {reason}."
        message_de = f"Der Inhalt der Anfrage ist kein gültiges JSON: {reason}."
    else:
        where = _where(first.get("loc", ()))
        what = str(first.get("msg", "invalid"))
        message = f"{where}: {what}" if where else what
        message_de = None
    listed = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
               "type": str(e.get("type", ""))} for e in errors[:20]]
    return problem(422, MALFORMED, message, message_de, errors=listed)


def _methods(request: Request) -> list[str]:
    """Every method some route takes at the request's path (Starlette's own 405 names
    only the first route matching it: /v1/presence takes GET and POST)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _child = route.matches(request.scope)
        if match is not Match.NONE and isinstance(route, BaseRoute):
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own refusals (no such address, a method the address does
    not take, a body that is no form) as problems, their status and headers kept."""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    headers = dict(exc.headers) if exc.headers else None
    if status == 405:
        headers = {**(headers or {}), "Allow": ", ".join(_methods(request))}
    if status == 404:
        return problem(404, NOT_FOUND, "There is nothing at this address; the API's "
                       "addresses are listed in /v1/openapi.json.",
                       "Unter dieser Adresse gibt es nichts.", headers)
    if status == 405:
        allowed = (headers or {}).get("Allow", "")
        return problem(405, METHOD_NOT_ALLOWED, f"This address does not take that method"
                       f"{'; it takes ' + allowed if allowed else ''}.",
                       "Diese Adresse nimmt diese Methode nicht an.", headers)
    detail = exc.detail if isinstance(exc.detail, str) else "The request was refused."
    if status == 400:
        return problem(400, MALFORMED, f"The request is malformed: {detail.rstrip('.')}.",
                       "Die Anfrage ist fehlerhaft.", headers)
    return problem(status, f"http_{status}", detail, None, headers)


def install(app: FastAPI) -> None:
    """Strict JSON bodies for the routes added after this, and the handlers above."""
    app.router.route_class = StrictJsonRoute
    app.add_exception_handler(RequestValidationError, malformed)
    app.add_exception_handler(StarletteHTTPException, http_error)
