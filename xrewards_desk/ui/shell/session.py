"""A signed-in session: the local store, the API client, the token, and the syncer; and
the controller that runs syncs off the GUI thread and reports to the status bar.

The API client (`requests`) and the syncer (the sync's modules, the API contract and
pydantic under them) are made when first used: at the start a session only looks in the
keyring for a kept token, and without one nothing talks to the server until the sign-in
(issue 23: the start's memory). :meth:`Session.prepare` makes them on a worker once
signed in, so that the GUI thread never imports them."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xrewards_desk.clock import Clock, SystemClock
from xrewards_desk.domain.permissions import may
from xrewards_desk.store.read import lookups
from xrewards_desk.sync.credentials import Tokens
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.status import Status
from xrewards_desk.ui.qt import QObject, QTimer, Signal
from xrewards_desk.ui.shell.tasks import Tasks

if TYPE_CHECKING:
    from xrewards_desk.contract.commands import GatewayState
    from xrewards_desk.contract.records import Staff
    from xrewards_desk.store.db import Store
    from xrewards_desk.sync.client import ApiClient
    from xrewards_desk.sync.runner import Syncer

log = logging.getLogger(__name__)

#: changes a page while the app syncs: decoding a page's JSON holds the interpreter lock,
#: and pages of 1,000 held it up to about 55 ms, long enough to stall the window
PAGE = 250


@dataclass
class Person:
    name: str
    display_name: str
    role: str


class Session:
    """The local store, the API at `api` as `user`, where their token is kept
    (`tokens`), who they are once signed in (`person`). `client` (default: an ApiClient of
    `api`, made when first used) and `syncer` are made when first asked for."""

    def __init__(self, store: Store, api: str, user: str, client: ApiClient | None = None,
                 tokens: Tokens | None = None, person: Person | None = None, *,
                 data: Path | None = None, clock: Clock | None = None) -> None:
        self.store = store
        self.api = api
        self.user = user
        self.tokens = tokens if tokens is not None else Tokens()
        self.person = person
        #: the data folder whose evidence/ the outbox's files are read from (default: the
        #: local store's folder)
        self.data = data
        #: the desk's one clock, which the syncer notes its times by
        self.clock = clock if clock is not None else SystemClock()
        self._client = client
        self._syncer: Syncer | None = None
        self._making = threading.Lock()

    @property
    def client(self) -> ApiClient:
        """The API client (made at the first use: its module imports `requests` and the
        contract)."""
        with self._making:
            if self._client is None:
                from xrewards_desk.sync.client import ApiClient

                self._client = ApiClient(self.api)
            return self._client

    @client.setter
    def client(self, client: ApiClient) -> None:
        self._client = client

    @property
    def syncer(self) -> Syncer:
        """Push and pull against the API (made at the first use, with the client)."""
        client = self.client
        with self._making:
            if self._syncer is None:
                from xrewards_desk.sync.runner import Syncer

                self._syncer = Syncer(self.store, client, client.base, self.user,
                                      clock=self.clock)
            return self._syncer

    def prepare(self) -> None:
        """Make the client and the syncer now (on a worker, once signed in), so that the
        GUI thread, which reads the syncer's status next, never imports their modules."""
        _ = self.syncer

    def evidence(self) -> EvidenceFolder:
        folder = self.data
        if folder is None:
            database = self.store.engine.url.database
            folder = Path(database).parent if database else Path.cwd()
        return EvidenceFolder.of(folder, self.store)

    def kept_token(self) -> str | None:
        """The token the keyring (or this process's memory) keeps for this API and user."""
        return self.tokens.get(self.api, self.user)

    def resume_or_keep(self) -> bool:
        """:meth:`resume`; where a token is kept and the server cannot be reached, work
        on the local store with that token and sync later (True as well)."""
        token = self.kept_token()
        if token is None:
            return False
        from xrewards_desk.sync.client import Offline  # loaded: a token is kept

        try:
            return self.resume()
        except Offline:
            self.client.token = token
            return True

    def resume(self) -> bool:
        """Use a token from the keyring if the server still accepts it (only then is the
        API client made: without a kept token nothing is asked of the server). Raises
        sync.client.Offline when a token is kept and the server cannot be reached."""
        token = self.kept_token()
        if token is None:
            return False
        from xrewards_desk.sync.client import NotSignedIn

        self.client.token = token
        try:
            self.person = _person(self.client.me())
        except NotSignedIn:
            self.client.token = None
            return False
        return True

    def sign_in(self, password: str) -> Person:
        self.client.sign_in(self.user, password)
        assert self.client.token is not None
        self.tokens.put(self.api, self.user, self.client.token)
        self.person = _person(self.client.me())
        return self.person


def _person(me: Staff) -> Person:
    return Person(name=me.name, display_name=me.display_name or me.name, role=me.role.value)


class SyncController(QObject):
    """Push, then pull, on the network lane, their store work on the store lane (the
    store's one writer); never two at once."""

    status = Signal(object)      # Status
    progress = Signal(int, int)  # done, total (total 0: unknown)
    #: {"pulled": n, "pushed": n, "refused": n, "changed": {kind: frozenset(ids)}} (what
    #: the pull wrote, :attr:`.sync.runner.Pulled.changed`)
    finished = Signal(object)
    failed = Signal(str)
    outbox = Signal(int, object)  # waiting, [Refusal]
    #: the mail gateway's state after each sync (contract GatewayState), or None
    gateway = Signal(object)

    def __init__(self, tasks: Tasks, session: Session, minutes: int = 5) -> None:
        super().__init__()
        self.tasks = tasks
        self.session = session
        self.running = False
        #: asked for while one ran: another runs when it ends (a command queued meanwhile)
        self.again = False
        self.last = Status()
        session.syncer.on_status = self._status_from_worker
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        self.set_interval(minutes)

    def set_interval(self, minutes: int) -> None:
        self.timer.start(max(1, minutes) * 60_000)

    def _status_from_worker(self, status: Status) -> None:
        self.last = Status(status.online, status.syncing, status.last_success,
                           status.last_error)
        self.status.emit(self.last)

    def sync_now(self) -> bool:
        if self.running:
            self.again = True
            return False
        self.running = True
        self.again = False
        syncer = self.session.syncer
        evidence = self.session.evidence()

        store_lane = self.tasks.store

        def work() -> dict[str, Any]:  # on the network lane; the store's part on its lane
            pushed = syncer.push(progress=lambda d, t: self.progress.emit(d, t),
                                 evidence=evidence.reader, lane=store_lane)
            pulled = syncer.pull(progress=lambda d, t: self.progress.emit(d, t),
                                 limit=PAGE, lane=store_lane)
            return {"pulled": pulled.count, "pushed": len(pushed.done),
                    "refused": len(pushed.refused), "changed": pulled.changed,
                    "gateway": self.gateway_state()}

        self.tasks.on_net(work, self._done, self._failed)
        return True

    def gateway_state(self) -> GatewayState | None:
        """The mail gateway's state as it last reported it (issue 20), on the network
        lane during the sync, for those who may see it; None where it has not reported,
        the server has no such address, or the question failed (the sync does not)."""
        person = self.session.person
        if person is None or not may(person.role, "read_gateway_state"):
            return None
        from xrewards_desk.sync.client import NotSignedIn, Offline, Refused

        try:
            return self.session.client.gateway_state()
        except (Offline, NotSignedIn, Refused) as exc:
            log.info("the mail gateway's state could not be read: %s", exc)
            return None

    def _done(self, summary: dict[str, Any]) -> None:
        self.running = False
        self.gateway.emit(summary.get("gateway"))
        self.finished.emit(summary)
        self.refresh_outbox()
        if self.again:
            self.sync_now()

    def _failed(self, exc: BaseException) -> None:
        from xrewards_desk.sync.client import NotSignedIn, Offline  # loaded by the sync

        self.running = False
        self.again = False
        if isinstance(exc, Offline):
            message = self.tr("The server cannot be reached; your work waits in the outbox.")
        elif isinstance(exc, NotSignedIn):
            message = self.tr("The sign-in has expired; please sign in again.")
        else:
            log.error("sync failed", exc_info=exc)
            message = self.tr("The sync failed: %1").replace("%1", type(exc).__name__)
        self.last = Status(False, False, self.last.last_success, message)
        self.status.emit(self.last)
        self.failed.emit(message)
        self.refresh_outbox()

    def refresh_outbox(self) -> None:
        self.tasks.query(self.session.store, lookups.outbox_summary,
                         lambda result: self.outbox.emit(*result), key=(self, "outbox"))
