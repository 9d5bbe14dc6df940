"""The desktop's client of the API: one `requests` session, timeouts on every call,
urllib3's Retry with backoff for idempotent reads, and commands retried only with the
same Idempotency-Key (so a retry can never apply a command twice)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..contract.common import API

#: (connect, read) seconds
TIMEOUT = (5.0, 30.0)
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: a sign-in the server is too busy to check (429 busy) is sent this often in all, after
#: the Retry-After it names (at most BUSY_WAIT seconds)
BUSY_TRIES = 4
BUSY_WAIT = 5.0


class Offline(Exception):
    """The server could not be reached (down, network gone, or only errors back)."""


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
    def sign_in(self, user: str, password: str) -> dict[str, Any]:
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
        answer = self._answer(response)
        self.token = answer["token"]
        return answer  # type: ignore[no-any-return]

    def _post_sign_in(self, user: str, password: str) -> requests.Response:
        try:
            return self.http.post(self.base + "/sign-in",
                                  json={"user": user, "password": password},
                                  timeout=self.timeout)
        except requests.RequestException as exc:
            raise Offline(str(exc)) from exc

    def me(self) -> dict[str, Any]:
        return self._get("/me")  # type: ignore[no-any-return]

    def changes(self, after: str, limit: int = 1000) -> dict[str, Any]:
        return self._get("/changes", after=after, limit=limit)  # type: ignore[no-any-return]

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

        return self._retrying(lambda: self.http.get(  # type: ignore[no-any-return]
            self.base + "/changes", params={"after": after, "limit": str(limit)},
            headers=self._headers(), timeout=self.timeout), text)

    def audit(self, after: int | str = 0, limit: int = 500, *, actor: str | None = None,
              action: str | None = None, account: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
        """A page of the server's audit log (team leads and compliance, R27), oldest
        first: ``{"records": [...], "next": cursor, "more": bool}``. `since` and `until`
        must be aware; None leaves a filter out."""
        params: dict[str, Any] = {"after": str(after), "limit": str(limit)}
        for name, value in (("actor", actor), ("action", action), ("account", account)):
            if value:
                params[name] = value
        for name, when in (("since", since), ("until", until)):
            if when is not None:
                if when.tzinfo is None:
                    raise ValueError(f"{name} must be an aware instant")
                params[name] = when.isoformat()
        return self._get("/audit", **params)  # type: ignore[no-any-return]

    def audit_verify(self) -> dict[str, Any]:
        """The server walks its audit chain and checkpoints: ``{"ok", "checked",
        "first_broken", "breaks", "checkpoints", "signed", "unsigned", "key_id"}``."""
        return self._get("/audit/verify")  # type: ignore[no-any-return]

    def audit_public_key(self) -> dict[str, Any]:
        """The key the server signs its audit checkpoints with: ``{"algorithm", "key_id",
        "public_key"}`` (PEM)."""
        return self._get("/audit/public-key")  # type: ignore[no-any-return]

    def audit_consistency(self, record: int, hash_: str) -> dict[str, Any]:
        """Whether the server's audit chain still has `record` with `hash_`, and its
        newest signed checkpoint."""
        return self._get("/audit/consistency",  # type: ignore[no-any-return]
                         record=record, hash=hash_)

    def mark_present(self, record: str) -> dict[str, Any]:
        """Mark the signed-in person as having `record` ("mail_case:12") open for 90 s;
        answers who else has it open (``{"record", "others": [...]}``). Marking again is
        harmless, so it is retried like a read (no Idempotency-Key)."""
        return self._retrying(lambda: self.http.post(  # type: ignore[no-any-return]
            self.base + "/presence", json={"record": record}, headers=self._headers(),
            timeout=self.timeout))

    def present(self, record: str) -> dict[str, Any]:
        """Who else has `record` open now."""
        return self._get("/presence", record=record)  # type: ignore[no-any-return]

    def command(self, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        return self._post("/commands", key or str(uuid.uuid4()), json=body)  # type: ignore[no-any-return]

    def abuse_preview(self, case: str) -> dict[str, Any]:
        """R22: what confirming the abuse case would do (the engine's outcome, not saved;
        compliance only)."""
        from urllib.parse import quote

        return self._get(f"/abuse-cases/{quote(case, safe='')}/preview")  # type: ignore[no-any-return]

    def upload(self, data: bytes, label: str) -> dict[str, Any]:
        import hashlib

        key = hashlib.sha256(data).hexdigest()
        return self._post("/evidence", key, files={"file": (label, data)})  # type: ignore[no-any-return]

    def evidence(self, sha: str) -> bytes:
        """The bytes of the evidence file `sha` (404 ``unknown_record`` if the server has
        none); errors, retries and timeouts as for every other read. The caller checks the
        bytes against their SHA-256 before keeping them."""

        def content(response: requests.Response) -> bytes:
            if not 200 <= response.status_code < 300:
                self._answer(response)  # raises what it raises for every other call
            return response.content

        return self._retrying(lambda: self.http.get(  # type: ignore[no-any-return]
            f"{self.base}/evidence/{sha}", headers=self._headers(), timeout=self.timeout),
            content)


def _problem(response: requests.Response) -> Refused:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return Refused(response.status_code, str(body.get("code", f"http_{response.status_code}")),
                   str(body.get("message", response.reason or "refused")),
                   body.get("message_de"), body.get("details"))
