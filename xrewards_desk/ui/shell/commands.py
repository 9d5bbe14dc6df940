"""Decisions taken in the app: built as the contract's command models (a value of the
wrong type or out of range never gets that far), written to the local outbox as their
JSON on the store lane (nothing typed is lost, online or not), then pushed by a sync. What
the server refuses lands in the refused list and in the case's timeline, with its reason."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from xrewards_desk.ui.qt import QObject, Signal

if TYPE_CHECKING:  # pydantic and the contract: imported once a command is built
    from pydantic import BaseModel, ValidationError

    from xrewards_desk.contract.commands import Command
    from xrewards_desk.sync.runner import Syncer
    from xrewards_desk.ui.shell.desk import Desk

log = logging.getLogger(__name__)

_M = TypeVar("_M", bound="BaseModel")


def words(exc: ValidationError) -> str:
    """Why values are not a command the server would take, in plain words (the
    contract's first complaint, and where)."""
    first = exc.errors()[0]
    where = ".".join(str(x) for x in first.get("loc", ()) if not isinstance(x, int))
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))


def build(make: Callable[[], _M]) -> _M | str:
    """The command `make` builds, or why it cannot be built (:func:`words`)."""
    from pydantic import ValidationError

    try:
        return make()
    except ValidationError as exc:
        return words(exc)


class Outbox(QObject):
    """Queue commands for the signed-in session and push them at once when online."""

    queued = Signal(int)        # outbox id
    failed = Signal(str)

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def send(self, command: Command | Callable[[], Command], evidence: Sequence[str] = (),
             done: Callable[[int], None] | None = None) -> str | None:
        """Queue `command` (or what `command()` builds from what someone typed); returns
        why it cannot be sent (nothing queued), or None. The outbox keeps the command's
        JSON, as it goes to the server."""
        built = build(command) if callable(command) else command
        if isinstance(built, str):
            return built
        body = built.model_dump(mode="json")
        return self._queue(lambda syncer: [syncer.enqueue(body, list(evidence))],
                           None if done is None else lambda ids: done(ids[0]))

    def send_chain(self, commands: Sequence[Command],
                   done: Callable[[list[int]], None] | None = None) -> str | None:
        """Queue several commands at once, the others sent only if the first is applied
        (a macro: its decision, then its status and its reply: a refused decision keeps
        the reply from going out). Returns why not (nothing queued), or None."""
        bodies = [c.model_dump(mode="json") for c in commands]
        return self._queue(lambda syncer: syncer.enqueue_chain(bodies), done)

    def _queue(self, enqueue: Callable[[Syncer], list[int]],
               done: Callable[[list[int]], None] | None) -> str | None:
        """Run `enqueue` on the store lane with the session's syncer; announce what it
        queued and sync at once. Returns why not (nothing queued), or None."""
        session = self.desk.session
        if session is None:
            return self.tr("Not signed in.")
        syncer = session.syncer

        def queued(ids: list[int]) -> None:
            for command_id in ids:
                self.queued.emit(command_id)
            if done is not None:
                done(ids)
            if self.desk.sync is not None:
                self.desk.sync.refresh_outbox()
                self.desk.sync.sync_now()

        def failed(exc: BaseException) -> None:
            log.error("could not queue a command", exc_info=exc)
            self.failed.emit(self.tr("The command could not be stored: %1").replace(
                "%1", type(exc).__name__))

        self.desk.tasks.on_store(lambda: enqueue(syncer), queued, failed)
        return None

    def withdraw(self, command_id: int, done: Callable[[bool], None]) -> None:
        session = self.desk.session
        if session is None:
            done(False)
            return
        syncer = session.syncer

        def after(ok: bool) -> None:
            done(ok)
            if self.desk.sync is not None:
                self.desk.sync.refresh_outbox()

        self.desk.tasks.on_store(lambda: syncer.withdraw(command_id), after)
