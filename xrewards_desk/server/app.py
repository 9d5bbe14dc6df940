"""The reference API over HTTP (FastAPI): routes, authentication, and errors as problems.

Statuses (ARCHITECTURE.md): 422 malformed input (a value of the wrong type, strict JSON
broken: problems.py; each error in ``details.errors``), 400 a missing Idempotency-Key or a
body that is no form, 401 no or expired token, 403 ``forbidden``, 404 an unknown id in the
path or no such address, 405 a method the address does not take, 409 a rule or state
refused the command, 413 an oversized body or file (limits.py), 429 too many failed
sign-ins or the server busy checking passwords, with Retry-After. Every error body is the
contract's problem, with ``code`` and ``message``. A 5xx is a bug, but for 503 from
``/v1/ready`` (the database unreachable or its schema not this program's).

For an operator (docs/operations.md): ``/v1/health`` (the process answers),
``/v1/ready`` (and its database is usable), ``/metrics`` (Prometheus, metrics.py; with a
metrics token only for who sends it), and an ``X-Request-ID`` on every answer.
"""


import inspect
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from anyio import to_thread
from fastapi import Depends, FastAPI, File, Header, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError

from .. import __version__
from ..contract import abuse as q
from ..contract import commands as c
from ..contract import filetypes
from ..contract import records as r
from ..contract.common import API, IDEMPOTENCY_REQUIRED, UNAUTHENTICATED, Instant, Problem
from ..store.db import current_revision, head_revision, known_revisions
from . import problems, throttle
from .errors import ApiError
from .limits import DEFAULT_MAX_BODY, BodyLimit
from .metrics import Instrument, Metrics, token_matches
from .service import Person, Service

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (400, 401, 403, 404, 409, 413, 422, 429)}
#: required where the server requires it (a missing one is 400 idempotency_key_required)
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)]
#: the problem's code of a 503 from /v1/ready
NOT_READY = "not_ready"
#: a route's parameter of this type is the signed-in person (see :func:`_signed`)
Signed = Annotated[Person, "the signed-in person"]
#: where a signed route's request keeps its bearer token until the person is looked up
_TOKEN = "xrewards.bearer_token"


def create_app(service: Service, *, tick_seconds: float | None = 60.0,
               checkpoint_seconds: float | None = 60.0,
               max_body: int = DEFAULT_MAX_BODY,
               metrics_token: str | None = None) -> FastAPI:
    """The API over `service`; `max_body`: the largest request body but an evidence
    upload, in bytes; `tick_seconds` runs the expiry job that often (None: off);
    `checkpoint_seconds`: how often the audit chain's head is signed when it moved (also
    at start and at shutdown; None: only then); `metrics_token`: what ``/metrics`` wants
    as a bearer token (None: it answers anyone who reaches it)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        _checkpoint(service)  # what was written while no server ran, signed now
        if checkpoint_seconds and service.audit_key is not None:
            def sign() -> None:
                while not stop.wait(checkpoint_seconds):
                    _checkpoint(service)
            threading.Thread(target=sign, name="audit-checkpoints", daemon=True).start()
        if tick_seconds:
            def tick() -> None:
                while not stop.wait(tick_seconds):
                    try:
                        service.advance_all()
                    except Exception:  # a bug: logged with its trace, the job goes on
                        log.exception("the expiry job failed")
            threading.Thread(target=tick, name="expiry-job", daemon=True).start()
        yield
        stop.set()
        # at shutdown: the last records signed, in a thread (it waits for the write lock
        # of a command still running, while the loop answers what is left to answer)
        await to_thread.run_sync(_checkpoint, service)

    app = FastAPI(title="X-Points rewards API", version=__version__, lifespan=lifespan,
                  openapi_url=f"{API}/openapi.json", docs_url=f"{API}/docs",
                  redoc_url=None)

    async def bearer_token(request: Request,
                           credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                  Depends(bearer)]) -> str | None:
        """A signed route's token, read on the event loop; the person is looked up where
        the route runs (:func:`_signed`)."""
        token = credentials.credentials if credentials else None
        request.scope[_TOKEN] = token
        return token

    class SignedRoutes(problems.StrictJsonRoute):
        def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
            super().__init__(path, _signed(endpoint, bearer_token, service), **kwargs)

    app.add_middleware(BodyLimit, max_body=max_body)
    metrics = Metrics(service.store)
    metrics.count_commands(service)
    # added last, so outermost: it sees the 413s of BodyLimit too
    app.add_middleware(Instrument, metrics=metrics, routes=lambda: app.router.routes)
    problems.install(app)  # strict JSON bodies; every 4xx a problem (problems.py)
    app.router.route_class = SignedRoutes
    schema = head_revision()

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429 and "retry_after" in exc.details:
            headers = {"Retry-After": str(exc.details["retry_after"])}
        return JSONResponse(exc.problem().model_dump(mode="json"), status_code=exc.status,
                            headers=headers)

    @app.exception_handler(RequestValidationError)
    async def refused_input(request: Request, exc: Exception) -> Response:
        """A signed route answers 401 before it judges its input (as when the person was
        a dependency of its own): the token is checked first, in a worker thread."""
        if _TOKEN in request.scope:
            try:
                await to_thread.run_sync(service.person, request.scope[_TOKEN])
            except ApiError as refused:
                return await api_error(request, refused)
        return await problems.malformed(request, exc)

    def key_of(key: str) -> str:
        if not key:
            raise ApiError(IDEMPOTENCY_REQUIRED, "Send an Idempotency-Key header with every "
                           "command, so a retry cannot apply it twice.",
                           "Jeder Befehl braucht einen Idempotency-Key.")
        return key

    @app.get(f"{API}/health")
    async def health() -> dict[str, str]:  # on the event loop: no worker thread needed
        return {"status": "ok", "version": __version__}

    @app.get(f"{API}/ready", responses={503: {"model": Problem}})
    def ready() -> JSONResponse:
        """200 when the database answers and has this program's schema (its newest
        migration); else 503 with one sentence why (no sign-in needed)."""
        reason = _not_ready(service, schema)
        if reason is not None:
            return JSONResponse(Problem(code=NOT_READY, message=reason).model_dump(mode="json"),
                                status_code=503, headers={"Retry-After": "5"})
        return JSONResponse({"status": "ready", "schema": schema})

    @app.get("/metrics", include_in_schema=False)
    def prometheus(request: Request) -> Response:
        if not token_matches(metrics_token, request.headers.get("authorization")):
            raise ApiError(UNAUTHENTICATED, "Send the metrics token as a bearer token.",
                           "Bitte das Metrik-Token als Bearer-Token senden.")
        body, kind = metrics.exposition()
        return Response(body, media_type=kind)

    @app.post(f"{API}/sign-in", responses=ERRORS)
    async def sign_in(body: c.SignIn, request: Request) -> c.Token:
        """429 with Retry-After when the name or address is throttled or the server is
        busy checking other passwords (security.Policy)."""
        address = throttle.source(request.client.host if request.client else None)
        try:
            return await service.sign_in_async(body.user, body.password, address)
        except ApiError as refused:
            metrics.sign_in_failures.labels(refused.code).inc()
            raise

    @app.post(f"{API}/sign-out", status_code=204, responses=ERRORS)
    def sign_out(credentials: Annotated[HTTPAuthorizationCredentials | None,
                                        Depends(bearer)]) -> None:
        if credentials is not None:
            service.sign_out(credentials.credentials)

    @app.get(f"{API}/me", responses=ERRORS)
    def me(who: Signed) -> r.Staff:
        return r.Staff(name=who.name, display_name=who.display_name, role=who.role,
                       active=True)

    @app.get(f"{API}/changes", responses={200: {"model": r.ChangePage}, **ERRORS},
             response_class=Response)
    def changes(who: Signed, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
                limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> Response:
        service.require(who, "read_change_feed")
        return Response(service.changes(after, limit), media_type="application/json")

    def answer(who: Person, key: str, parsed: c.Command | c.ShopEvent,
               shop: bool) -> JSONResponse:
        """The body as validated here is what the service applies (not validated twice)."""
        result = service.run(who, key_of(key), parsed.model_dump(mode="json"), shop, parsed)
        return JSONResponse(result.body, status_code=result.status)

    @app.post(f"{API}/commands", responses={200: {"model": c.CommandResult}, **ERRORS})
    def command(who: Signed, body: c.Command, key: IdempotencyKey) -> JSONResponse:
        return answer(who, key, body, shop=False)

    @app.post(f"{API}/shop/events", responses={200: {"model": c.CommandResult}, **ERRORS})
    def shop_event(who: Signed, body: c.ShopEvent, key: IdempotencyKey) -> JSONResponse:
        return answer(who, key, body, shop=True)

    @app.post(f"{API}/shop/events/batch",
              responses={200: {"model": c.ShopEventBatchResult}, **ERRORS})
    def shop_event_batch(who: Signed, body: c.ShopEventBatch) -> JSONResponse:
        """Shop events applied in order in one transaction, each once per its own key
        (``events[].key``), each answered as it would be alone (``answers[]``: applied, or
        refused with its rule's code); a refusal does not stop the others. At most
        ``BATCH_MAX`` events (more: 422), and within the body limit (413). The answer is
        :class:`~..contract.commands.ShopEventBatchResult`."""
        answers = service.run_batch(who, [(item.key, item.event.model_dump(mode="json"),
                                           item.event) for item in body.events])
        out = [{"key": item.key, "status": answer.status,
                **({"result": answer.body} if answer.status == 200
                   else {"problem": answer.body})}
               for item, answer in zip(body.events, answers, strict=True)]
        applied = sum(1 for a in answers if a.status == 200)
        return JSONResponse({"answers": out, "applied": applied,
                             "refused": len(answers) - applied})

    @app.get(f"{API}/abuse-cases/{{case}}/preview", responses=ERRORS)
    def preview(who: Signed,
                case: Annotated[str, Path(min_length=1, max_length=64,
                                          pattern=r"^[A-Za-z0-9_.:-]+$")]) -> c.Preview:
        return service.preview_confirm(who, case)

    # no control characters: PostgreSQL refuses a NUL in text outright (a 500 schemathesis
    # found), and no name, action or customer number holds one
    Name = Annotated[str | None, Query(min_length=1, max_length=64,
                                       pattern=r"^[^\x00-\x1f\x7f]+$")]

    @app.get(f"{API}/abuse/referrals", responses=ERRORS)
    def abuse_referrals(who: Signed, min_score: Annotated[int, Query(ge=0, le=10**6)] = 1,
                        limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> q.ReferralQueue:
        return service.abuse_queue(who, min_score, limit)

    @app.get(f"{API}/audit", responses=ERRORS)
    def audit(who: Signed, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
              limit: Annotated[int, Query(ge=1, le=5000)] = 500,
              actor: Name = None, action: Name = None, account: Name = None,
              since: Annotated[Instant | None, Query()] = None,
              until: Annotated[Instant | None, Query()] = None) -> c.AuditPage:
        """Oldest first; `actor`, `action` exact; `account`: the records whose subject is
        that account or whose detail names the customer number; `since` inclusive,
        `until` exclusive (instants with their offset)."""
        return service.audit_page(who, after, limit, actor=actor, action=action,
                                  account=account, since=since, until=until)

    @app.get(f"{API}/audit/verify", responses=ERRORS)
    def audit_verify(who: Signed) -> c.AuditVerification:
        return service.audit_verify(who)

    @app.get(f"{API}/audit/public-key", responses=ERRORS)
    def audit_public_key() -> c.AuditPublicKey:
        """The key the audit checkpoints are signed with (no sign-in needed)."""
        return service.audit_public_key()

    @app.get(f"{API}/audit/consistency", responses=ERRORS)
    def audit_consistency(who: Signed, record: Annotated[int, Query(ge=0, le=2**62)],
                          hash: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")],
                          ) -> c.AuditConsistency:
        """Whether the chain still has record `record` with hash `hash` (record 0 is the
        empty chain's genesis, 64 zeros), and the newest signed checkpoint."""
        return service.audit_consistency(who, record, hash)

    Record = Annotated[str, Query(min_length=3, max_length=100, pattern=c.RECORD_REF)]

    @app.post(f"{API}/presence", responses=ERRORS)
    def mark_present(who: Signed, body: c.PresenceMark) -> c.PresenceList:
        """The signed-in person has the record open (for 90 s); answers who else has."""
        return service.mark_present(who, body.record)

    @app.get(f"{API}/presence", responses=ERRORS)
    def present(who: Signed, record: Record) -> c.PresenceList:
        return service.present(who, record)

    @app.get(f"{API}/mailbox/replies", responses=ERRORS)
    def replies_to_send(who: Signed, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                        ) -> list[c.ReplyToSend]:
        """The replies queued or being sent, oldest first (the mail gateway's only)."""
        return service.replies_to_send(who, limit)

    @app.get(f"{API}/mailbox/state", responses=ERRORS)
    def gateway_state(who: Signed) -> c.GatewayState:
        """What the mail gateway last reported about itself (404 before it has)."""
        return service.gateway_state(who)

    @app.post(f"{API}/evidence", responses=ERRORS)
    def upload(who: Signed, file: Annotated[UploadFile, File()]) -> r.Evidence:
        data = file.file.read(filetypes.MAX_BYTES + 1)
        return service.upload(who, data, file.filename or "file")

    @app.get(f"{API}/evidence/{{sha256}}", responses={200: {"content": {
        t: {} for t in filetypes.ACCEPTED}}, **ERRORS}, response_class=FileResponse)
    def download(who: Signed,
                 sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]) -> FileResponse:
        row, path = service.download(who, sha256)
        return FileResponse(path, media_type=row.media_type, filename=row.label,
                            content_disposition_type="attachment")

    return app


def _signed(endpoint: Callable[..., Any], token: Callable[..., Any],
            service: Service) -> Callable[..., Any]:
    """`endpoint` with its :data:`Signed` parameter (if it has one) taken by the
    dependency `token` (async: it only reads the header) and turned into the person by
    ``service.person`` (or 401) in the thread the route runs in, before the route's own
    code.

    FastAPI runs a plain function dependency in a worker thread of its own, so a route
    that took the person as one went to the thread pool twice a request. A request whose
    input is refused has its token checked first all the same (``refused_input`` in
    :func:`create_app`), so a 401 comes before a 422 as it did."""
    signature = inspect.signature(endpoint)
    names = [name for name, p in signature.parameters.items() if p.annotation is Signed]
    if not names:
        return endpoint
    (name,) = names
    assert not inspect.iscoroutinefunction(endpoint), "a signed route is a plain def"

    def signed(**values: Any) -> Any:
        values[name] = service.person(values[name])
        return endpoint(**values)

    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(signed, attribute, getattr(endpoint, attribute))
    parameters = [p.replace(annotation=Annotated[str | None, Depends(token)])
                  if p.name == name else p for p in signature.parameters.values()]
    signed.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters)
    return signed


def _not_ready(service: Service, schema: str) -> str | None:
    """Why the server cannot serve now, in one sentence without the database's address,
    a path or an error's text (those go to the log); None when it can."""
    try:
        have = current_revision(service.store.engine)
    except SQLAlchemyError as exc:
        log.warning("not ready: the database cannot be reached (%s: %s)",
                    type(exc).__name__, str(getattr(exc, "orig", None) or exc).splitlines()[0])
        return "the database cannot be reached"
    if have == schema:
        return None
    if have is None:
        return "the database has no schema: start the server on it once to create it"
    if have in known_revisions():
        return (f"the database has the older schema {have}, this server needs {schema}: "
                "upgrade it (xrewards-desk db upgrade)")
    return f"the database has the schema {have}, newer than this server knows ({schema})"


def _checkpoint(service: Service) -> None:
    try:
        service.audit_checkpoint()
    except Exception:  # a bug or the database gone: logged with its trace, the app goes on
        log.exception("signing the audit chain's head failed")
