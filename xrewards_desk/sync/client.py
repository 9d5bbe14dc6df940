"""The desktop's client of the API: one `requests` session, timeouts on every call,
urllib3's Retry with backoff for idempotent reads, and commands retried only with the
same Idempotency-Key (so a retry can never apply a command twice)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import requests
from pydantic import ValidationError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..contract import commands as c
from ..contract import records as r
from ..contract.common import API, Model

#: (connect, read) seconds
TIMEOUT = (5.0, 30.0)
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: a sign-in the server is too busy to check (429 busy) is sent this often in all, after
#: the Retry-After it names (at most BUSY_WAIT seconds)
BUSY_TRIES = 4
BUSY_WAIT = 5.0

_M = TypeVar("_M", bound=Model)


class Offline(Exception):
    """The server could not be reached (down, network gone, or only errors back)."""


class BadAnswer(Offline):
    """The server answered, but not as the contract says it answers (another version of
    the server, or a proxy's page in its place): nothing is taken from such an answer."""


class NotSignedIn(Exception):
    """No token, or the server no longer accepts it (401): sign in again."""


@dataclass(frozen=True)
class Refused(Exception):
    """The server answered a 4xx with a problem: nothing was applied."""

    status: int
    code: str
    message: str
    message_de: str | None = None
    details: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _as(model: type[_M], answer: Any) -> _M:
    """`answer` (parsed JSON) checked against the contract's `model`, strictly."""
    try:
        return model.model_validate(answer)
    except ValidationError as exc:
        raise BadAnswer(f"the server's answer is not a {model.__name__}: "
                        f"{exc.error_count()} error(s), first {exc.errors()[0]['msg']}"
                        ) from exc


def _retry_after(response: requests.Response) -> float:
    """The seconds a 429 asks to wait (1 if it names none; at most BUSY_WAIT)."""
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.0), BUSY_WAIT)
    except ValueError:
        return 1.0


def _session(retries: int) -> requests.Session:
    session = requests.Session()
    retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                  backoff_factor=0.2, status_forcelist=sorted(RETRY_STATUSES),
                  allowed_methods=frozenset({"GET"}), raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, *, retries: int = 4,
                 sleep: Callable[[float], None] = time.sleep,
                 timeout: tuple[float, float] = TIMEOUT) -> None:
        root = base_url.rstrip("/")
        self.base = root if root.endswith(API) else root + API
        self.token = token
        self.retries = retries
        self.sleep = sleep
        self.timeout = timeout
        self.http = _session(retries)

    # ----------------------------------------------------------------- plumbing
    def _headers(self, key: str | None = None) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key:
            headers["Idempotency-Key"] = key
        return headers

    @staticmethod
    def _answer(response: requests.Response) -> Any:
        if response.status_code == 401:
            raise NotSignedIn(_problem(response).message)
        if 400 <= response.status_code < 500:
            raise _problem(response)
        if response.status_code >= 500:
            raise Offline(f"the server answered {response.status_code}")
        return response.json() if response.content else None

    def _retrying(self, send: Callable[[], requests.Response],
                  answer: Callable[[requests.Response], Any] | None = None) -> Any:
        """Send until an answer comes (backoff 0.2 s, doubling): connection errors, 5xx
        and answers cut off half-way are tried again; an answer is returned or raised."""
        delay = 0.2
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(delay)
                delay *= 2
            try:
                response = send()
                if response.status_code in RETRY_STATUSES:
                    last = Offline(f"the server answered {response.status_code}")
                    continue
                return (answer or self._answer)(response)
            except (requests.RequestException, ValueError) as exc:
                last = exc
        raise Offline(f"no answer after {self.retries + 1} tries: {last}") from last

    def _get(self, path: str, **params: Any) -> Any:
        """GET: urllib3's Retry covers failures before an answer starts; a body cut off
        half-way (a dropped connection) or unreadable is asked for again here."""
        return self._retrying(lambda: self.http.get(
            self.base + path, params=params, headers=self._headers(), timeout=self.timeout))

    def _post(self, path: str, key: str, **kwargs: Any) -> Any:
        """POST under one Idempotency-Key throughout: a lost answer is asked for again,
        never applied twice."""
        return self._retrying(lambda: self.http.post(
            self.base + path, headers=self._headers(key), timeout=self.timeout, **kwargs))

    # ----------------------------------------------------------------- the API
    def sign_in(self, user: str, password: str) -> c.Token:
        """A token, or NotSignedIn / Refused (429 too_many_attempts: the name or address
        waits). While the server is busy checking other passwords (429 busy), the sign-in
        is sent again after the wait it names, BUSY_TRIES times in all."""
        for _ in range(BUSY_TRIES - 1):
            response = self._post_sign_in(user, password)
            if response.status_code != 429 or _problem(response).code != "busy":
                break
            self.sleep(_retry_after(response))
        else:
            response = self._post_sign_in(user, password)
        if response.status_code == 401:
            raise NotSignedIn(_problem(response).message)
        answer = _as(c.Token, self._answer(response))
        self.token = answer.token
        return answer

    def _post_sign_in(self, user: str, password: str) -> requests.Response:
        try:
            return self.http.post(self.base + "/sign-in",
                                  json={"user": user, "password": password},
                                  timeout=self.timeout)
        except requests.RequestException as exc:
            raise Offline(str(exc)) from exc

    def me(self) -> r.Staff:
        return _as(r.Staff, self._get("/me"))

    def changes(self, after: str, limit: int = 1000) -> dict[str, Any]:
        """A page of the feed as JSON, not checked here: the puller checks each record
        against the contract itself, on its own terms (:func:`.apply.prepare`)."""
        answer = self._get("/changes", after=after, limit=limit)
        if not isinstance(answer, dict):
            raise BadAnswer("the server's answer is not a page of the change feed")
        return answer

    def changes_text(self, after: str, limit: int = 1000) -> bytes:
        """A page of the feed as the server sent it (JSON text, not parsed here): the
        puller parses it on its own thread, so that its helper thread, fetching the
        next page meanwhile, never holds the interpreter lock for long. Errors and
        retries as for :meth:`changes`; an answer cut off so that it does not parse is
        the caller's to ask for again (with :meth:`changes`)."""

        def text(response: requests.Response) -> bytes:
            if not 200 <= response.status_code < 300:
                self._answer(response)  # raises what it raises for every other call
            return response.content

        content: bytes = self._retrying(lambda: self.http.get(
            self.base + "/changes", params={"after": after, "limit": str(limit)},
            headers=self._headers(), timeout=self.timeout), text)
        return content

    def audit(self, after: int | str = 0, limit: int = 500, *, actor: str | None = None,
              action: str | None = None, account: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> c.AuditPage:
        """A page of the server's audit log (team leads and compliance, R27), oldest
        first, with the cursor to ask after next and whether there is more. `since` and
        `until` must be aware; None leaves a filter out."""
        params: dict[str, Any] = {"after": str(after), "limit": str(limit)}
        for name, value in (("actor", actor), ("action", action), ("account", account)):
            if value:
                params[name] = value
        for name, when in (("since", since), ("until", until)):
            if when is not None:
                if when.tzinfo is None:
                    raise ValueError(f"{name} must be an aware instant")
                params[name] = when.isoformat()
        return _as(c.AuditPage, self._get("/audit", **params))

    def audit_verify(self) -> c.AuditVerification:
        """The server walks its audit chain and checkpoints: whether it holds, every
        break, and the newest checkpoint whose signature holds."""
        return _as(c.AuditVerification, self._get("/audit/verify"))

    def audit_public_key(self) -> c.AuditPublicKey:
        """The key the server signs its audit checkpoints with (PEM) and its id."""
        return _as(c.AuditPublicKey, self._get("/audit/public-key"))

    def audit_consistency(self, record: int, hash_: str) -> c.AuditConsistency:
        """Whether the server's audit chain still has `record` with `hash_`, and its
        newest signed checkpoint."""
        return _as(c.AuditConsistency, self._get("/audit/consistency", record=record,
                                                 hash=hash_))

    def mark_present(self, record: str) -> c.PresenceList:
        """Mark the signed-in person as having `record` ("mail_case:12") open for 90 s;
        answers who else has it open. Marking again is harmless, so it is retried like a
        read (no Idempotency-Key)."""
        return _as(c.PresenceList, self._retrying(lambda: self.http.post(
            self.base + "/presence", json={"record": record}, headers=self._headers(),
            timeout=self.timeout)))

    def present(self, record: str) -> c.PresenceList:
        """Who else has `record` open now."""
        return _as(c.PresenceList, self._get("/presence", record=record))

    def command(self, body: c.Command | dict[str, Any],
                key: str | None = None) -> c.CommandResult:
        """Send a command (a contract model, or its JSON as the outbox keeps it) under
        `key` (a new one if None); the server's answer."""
        if isinstance(body, Model):
            body = body.model_dump(mode="json")
        return _as(c.CommandResult, self._post("/commands", key or str(uuid.uuid4()),
                                               json=body))

    def replies_to_send(self, limit: int = 50) -> list[c.ReplyToSend]:
        """The replies queued or being sent, oldest first (the mail gateway's read)."""
        answer = self._get("/mailbox/replies", limit=limit)
        if not isinstance(answer, list):
            raise BadAnswer("the server's answer is not a list of replies to send")
        return [_as(c.ReplyToSend, reply) for reply in answer]

    def gateway_state(self) -> c.GatewayState | None:
        """What the mail gateway last reported; None where it has not reported yet or the
        server has no such address (an older server: 404 either way)."""
        try:
            return _as(c.GatewayState, self._get("/mailbox/state"))
        except Refused as refused:
            if refused.status == 404:
                return None
            raise

    def abuse_preview(self, case: str) -> c.Preview:
        """R22: what confirming the abuse case would do (the engine's outcome, not saved;
        compliance only)."""
        from urllib.parse import quote

        return _as(c.Preview, self._get(f"/abuse-cases/{quote(case, safe='')}/preview"))

    def upload(self, data: bytes, label: str) -> r.Evidence:
        import hashlib

        key = hashlib.sha256(data).hexdigest()
        return _as(r.Evidence, self._post("/evidence", key, files={"file": (label, data)}))

    def evidence(self, sha: str) -> bytes:
        """The bytes of the evidence file `sha` (404 ``unknown_record`` if the server has
        none); errors, retries and timeouts as for every other read. The caller checks the
        bytes against their SHA-256 before keeping them."""

        def content(response: requests.Response) -> bytes:
            if not 200 <= response.status_code < 300:
                self._answer(response)  # raises what it raises for every other call
            return response.content

        data: bytes = self._retrying(lambda: self.http.get(
            f"{self.base}/evidence/{sha}", headers=self._headers(), timeout=self.timeout),
            content)
        return data


def _problem(response: requests.Response) -> Refused:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return Refused(response.status_code, str(body.get("code", f"http_{response.status_code}")),
                   str(body.get("message", response.reason or "refused")),
                   body.get("message_de"), body.get("details"))
