"""The server's logs as JSON (``serve --log-format json``): one object a line, with
``time`` (UTC, RFC 3339), ``level``, ``logger``, ``message``, and ``request_id`` where the
line belongs to a request (metrics.py gives every request one, or takes the client's
``X-Request-ID``). uvicorn's access lines also carry ``client``, ``method``, ``path`` and
``status``.

Nothing here adds a secret: a line says what the program logged, and the program logs no
password, token or key (sign-in bodies and the Authorization header are never logged; the
access line's path is the address and its query, which never holds either)."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

#: the request a line belongs to: set by the instrumenting middleware (metrics.py) for
#: each request, carried into the worker threads that run the routes
REQUEST_ID: ContextVar[str | None] = ContextVar("xrewards_request_id", default=None)

LogFormat = Literal["text", "json"]


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (a traceback goes into ``exception``)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            client, method, path, _version, status = args
            line["message"] = f"{method} {path} {status}"
            line.update(client=client, method=method, path=path, status=status)
        else:
            line["message"] = record.getMessage()
        request_id = REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def json_config(level: str = "INFO") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for JSON lines on standard error: the program's
    own loggers (through the root) and uvicorn's, the access log included."""
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "root": {"handlers": ["json"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": level, "propagate": True},
        },
    }
