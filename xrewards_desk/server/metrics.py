"""Prometheus metrics of the reference server (prometheus-client), served at ``/metrics``
on the API's port, and the middleware that measures every request and gives it an id.

The names (each with the ``xrewards_`` prefix; docs/operations.md lists them):

* ``http_requests_total{method,route,status}``: answers by the route's template
  (``/v1/abuse-cases/{case}/preview``, never the id in it), ``unmatched`` for an address
  the API does not have;
* ``http_request_duration_seconds{method,route}``: a histogram of the time to answer;
* ``http_requests_in_progress{method,route}``: requests being answered now;
* ``commands_total{source,type,outcome,code}``: commands (``source="staff"``) and shop
  events (``source="shop"``) applied (``outcome="applied"``, ``code=""``) or refused
  (``outcome="refused"``, ``code`` the rule's or the application's code), each counted
  once: a retry answered from its Idempotency-Key is not counted again;
* ``sign_in_failures_total{code}``: sign-ins answered with a wrong name or password
  (``unauthenticated``), a throttled name or address (``too_many_attempts``) or a full
  hash pool (``busy``);
* ``change_feed_head``: the change feed's newest sequence number, read from the
  database at each scrape (so it is right whichever process wrote it);
* ``build_info{version}``: 1, with the program's version.

The registry is the app's own (one per :func:`~.app.create_app`). In one process the
counters are that process's since its start, as Prometheus expects of a restartable
target. With several worker processes behind one port (``serve --workers N``), each
scrape reaches one of them, so they use prometheus-client's multi-process mode: where
``PROMETHEUS_MULTIPROC_DIR`` names a folder (serve sets one up; it must be empty when the
workers start), every process writes its values into files there and ``/metrics`` sums
them (counters and histograms over every worker that ever ran, the requests in progress
over the living ones). A worker that stopped is forgotten by the living ones (a killed one
at the next scrape).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match

from xrewards_desk.store import models as m

from .. import __version__
from .limits import App, Message, Receive, Scope, Send
from .logs import REQUEST_ID

if TYPE_CHECKING:
    from ..store.db import Store
    from .idempotency import Answer
    from .service import Service

log = logging.getLogger(__name__)

PREFIX = "xrewards_"
#: seconds; from a read of one row to an evidence upload or a page of 5,000 changes
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: a client's own request id is taken if it is this plain (it goes into every log line)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
REQUEST_ID_HEADER = "X-Request-ID"


class Metrics:
    """The server's metrics in a registry of their own."""

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        #: the folder of multi-process mode (None: this process's values only)
        self.shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.requests = Counter(f"{PREFIX}http_requests", "HTTP answers by route and status",
                                ["method", "route", "status"], registry=r)
        self.duration = Histogram(f"{PREFIX}http_request_duration_seconds",
                                  "Time to answer an HTTP request, by route",
                                  ["method", "route"], buckets=BUCKETS, registry=r)
        self.in_progress = Gauge(f"{PREFIX}http_requests_in_progress",
                                 "HTTP requests being answered now, by route",
                                 ["method", "route"], registry=r,
                                 multiprocess_mode="livesum")
        self.commands = Counter(f"{PREFIX}commands",
                                "Commands and shop events applied or refused, by type",
                                ["source", "type", "outcome", "code"], registry=r)
        self.sign_in_failures = Counter(f"{PREFIX}sign_in_failures",
                                        "Sign-ins refused, by the problem's code", ["code"],
                                        registry=r)
        self.process_wide = [FeedHead(store), BuildInfo()]
        for collector in self.process_wide:
            r.register(collector)
        if self.shared is not None:
            forget_dead(self.shared)

    def exposition(self) -> tuple[bytes, str]:
        """The text format's body and its content type: this process's registry, or in
        multi-process mode every worker's values summed from the shared folder."""
        if self.shared is None:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        forget_dead(self.shared)
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path=self.shared)  # type: ignore[no-untyped-call]
        for collector in self.process_wide:
            merged.register(collector)
        return generate_latest(merged), CONTENT_TYPE_LATEST

    def count_commands(self, service: Service) -> None:
        """Count each command and shop event as the service answers it (its `answered`
        observers), so that an answer replayed for a repeated Idempotency-Key is not
        counted twice."""
        commands = self.commands

        def counted(body: dict[str, Any], shop: bool, answer: Answer) -> None:
            source = "shop" if shop else "staff"
            kind = str(body.get("type", ""))
            if answer.status == 200:
                commands.labels(source, kind, "applied", "").inc()
            else:
                commands.labels(source, kind, "refused", str(answer.body.get("code"))).inc()

        service.answered.append(counted)


class FeedHead(Collector):
    """``xrewards_change_feed_head``, read at each scrape; left out (and logged) while
    the database cannot be read."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def describe(self) -> Iterable[Metric]:
        return ()  # registering must not read the database

    def collect(self) -> Iterable[Metric]:
        try:
            with self.store.session() as s:
                head = s.scalar(select(func.max(m.ChangeRow.seq))) or 0
        except SQLAlchemyError as exc:
            log.warning("the change feed's head could not be read (%s)", type(exc).__name__)
            return
        yield GaugeMetricFamily(f"{PREFIX}change_feed_head",
                                "The change feed's newest sequence number", value=head)


class BuildInfo(Collector):
    """``xrewards_build_info{version}``: 1 (the same from every process)."""

    def describe(self) -> Iterable[Metric]:
        return self.collect()

    def collect(self) -> Iterable[Metric]:
        info = GaugeMetricFamily(f"{PREFIX}build_info", "The program's version",
                                 labels=["version"])
        info.add_metric([__version__], 1)
        yield info


_LIVE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db")


def forget_dead(folder: str) -> None:
    """Multi-process mode: drop the live gauges of worker processes that are gone (a
    stopped worker forgets its own at exit; a killed one cannot)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for pid in {int(found.group(1)) for name in names
                if (found := _LIVE_FILE.fullmatch(name))}:
        if pid != os.getpid() and not _alive(pid):
            process_gone(pid, folder)


def process_gone(pid: int, folder: str) -> None:
    """Multi-process mode: the worker `pid` stopped (its live gauges no longer count)."""
    multiprocess.mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Whether `authorization` ("Bearer …") carries the metrics token (any, without one)."""
    if expected is None:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              expected.encode())


class Instrument:
    """A pure ASGI middleware, outermost: every request gets an id (the client's
    ``X-Request-ID`` if plain, else a new one), answered in the same header and set in
    :data:`~.logs.REQUEST_ID` for the log lines it causes; its route, status and time go
    into `metrics`."""

    def __init__(self, app: App, metrics: Metrics,
                 routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes
        #: the template of each path met that is a route's whole template (bounded by the
        #: routes: an address with an id in it, or none of the API's, is looked up)
        self._fixed: dict[tuple[str, str], str] = {}
        #: the series of each (method, route) and (method, route, status) met, as
        #: ``labels`` gives them (bounded by the methods, routes and statuses)
        self._timed: dict[tuple[str, str], tuple[Any, Any]] = {}
        self._counted: dict[tuple[str, str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        # each request runs in a task of its own, with its own copy of the context: the
        # id stays set for the error log a failure writes after this returns
        REQUEST_ID.set(request_id)
        method = scope["method"] if scope["method"] in METHODS else "other"
        route = self._route(scope)
        status = 500  # an exception before any answer is the server error middleware's 500
        started_answer = False

        async def answer(message: Message) -> None:
            nonlocal status, started_answer
            if message["type"] == "http.response.start":
                started_answer = True
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        duration, in_progress = self._series(method, route)
        in_progress.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, answer)
        except asyncio.CancelledError:
            # uvicorn's graceful timeout ran out (serve --graceful-timeout): the route's
            # work, in its thread, commits or rolls back whole; the client is told to
            # send it again, with its Idempotency-Key, to the server that takes over
            if not started_answer:
                await answer({"type": "http.response.start", "status": 503,
                              "headers": _STOPPING_HEADERS})
                await send({"type": "http.response.body", "body": _STOPPING})
            raise
        finally:
            duration.observe(time.perf_counter() - started)
            in_progress.dec()
            self._answered(method, route, str(status)).inc()

    def _series(self, method: str, route: str) -> tuple[Any, Any]:
        """The request duration's and in-progress series of `method` and `route`."""
        series = self._timed.get((method, route))
        if series is None:
            series = (self.metrics.duration.labels(method, route),
                      self.metrics.in_progress.labels(method, route))
            self._timed[method, route] = series
        return series

    def _answered(self, method: str, route: str, status: str) -> Any:
        counter = self._counted.get((method, route, status))
        if counter is None:
            counter = self.metrics.requests.labels(method, route, status)
            self._counted[method, route, status] = counter
        return counter

    def _route(self, scope: Scope) -> str:
        """The template of the route the path belongs to (any method), else
        ``unmatched``: an unknown address must not make a series of its own. A path that
        is a route's whole template is remembered (the routes are all made before the
        app serves, so the same path finds the same route)."""
        root, path = scope.get("root_path", ""), scope["path"]
        known = self._fixed.get((root, path))
        if known is not None:
            return known
        for route in self.routes():
            found, _ = route.matches(scope)
            if found is not Match.NONE:
                template = str(getattr(route, "path", "unmatched"))
                if path in (template, root + template):
                    self._fixed[root, path] = template
                return template
        return "unmatched"


_STOPPING = json.dumps({
    "code": "shutting_down",
    "message": "The server stopped before it could answer; send the request again (a "
               "command with the same Idempotency-Key: it is applied once).",
    "message_de": "Der Server wurde beendet, bevor er antworten konnte; bitte die Anfrage "
                  "erneut senden (einen Befehl mit demselben Idempotency-Key).",
    "details": {}}).encode()
_STOPPING_HEADERS = [(b"content-type", b"application/json"), (b"retry-after", b"5"),
                     (b"connection", b"close"),
                     (b"content-length", str(len(_STOPPING)).encode())]


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1")
            if _REQUEST_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex
