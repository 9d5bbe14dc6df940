"""The desk: what every view needs, handed to each one (the lanes, the paths and settings,
the language, the local store and the signed-in session, the outbox and the one clock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from xrewards_desk.clock import Clock, SystemClock
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.shell.commands import Outbox
from xrewards_desk.ui.shell.paths import Paths
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets.i18n import Fmt, Language, fmt_for

if TYPE_CHECKING:  # opened off the GUI thread once the window has painted (issue 23)
    from xrewards_desk.store.db import Store
    from xrewards_desk.ui.shell.session import Session, SyncController


@dataclass
class Desk:
    """What every view needs: the lanes, the paths and settings, the language, the store
    and the signed-in session, the outbox, and the one clock."""

    tasks: Tasks
    paths: Paths
    settings: st.Settings
    language: Language
    demo: bool = False
    #: no modal message boxes (screenshots, tests): outcomes go to the status bar only
    quiet: bool = False
    store: Store | None = None
    session: Session | None = None
    sync: SyncController | None = None
    #: the one clock (ARCHITECTURE.md): views, dialogs, the sync and the mail read "now"
    #: from it; tests pass a SettableClock and move it
    clock: Clock = field(default_factory=SystemClock)
    #: decisions into the local outbox, pushed at once (made with the desk)
    outbox: Outbox = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self)

    def fmt(self) -> Fmt:
        """The formatter of the desk's language (one per language, made once)."""
        return fmt_for(self.language.code)

    def now(self) -> datetime:
        """The clock's now (a callable to hand to views and dialogs: ``desk.now``)."""
        return self.clock.now()

    def local(self) -> Store:
        """The local store. A view that reads it is made once it is open (signed in)."""
        if self.store is None:
            raise RuntimeError("the local store is not open yet")
        return self.store
