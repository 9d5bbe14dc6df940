"""Mails into cases from the desktop: files dropped or picked, and a watched folder.

The parsing and the outbox are :mod:`xrewards_desk.mail` (no Qt), the same code the
headless ``xrewards-desk cases import`` runs. Work on files and the store runs on the
store lane; a watched folder's mails, once taken, move to its ``imported/`` (or, when
refused, ``refused/``) subfolder so they are never taken twice; a taken one is kept there
sealed with the store's file key (issue 22), never plain."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xrewards_desk.mail.importer import import_mail
from xrewards_desk.mail.parse import MalformedMail
from xrewards_desk.store.db import Store
from xrewards_desk.store.vault import file_key_of
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.sync.retention import seal_kept_mail, sealed_file
from xrewards_desk.ui.qt import QFileSystemWatcher, QObject, QTimer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Imported:
    """One file's outcome, for the status bar and the import dialog."""

    name: str
    error: str | None = None
    duplicate: bool = False
    case: int | None = None
    queued: int | None = None
    customer: str | None = None
    warning: str | None = None
    refused: list[str] = field(default_factory=list)


def import_files(paths: list[Path], store: Store, data: Path, syncer: Any,
                 user: str) -> list[Imported]:
    """Import each file (on the store lane); a bad one never stops the others."""
    evidence = EvidenceFolder.of(data, store)
    results = []
    for path in paths:
        if sealed_file(path):  # taken before, sealed, and a kill came before its move
            results.append(Imported(path.name, duplicate=True))
            continue
        try:
            result = import_mail(path, store=store, evidence=evidence,
                                 syncer_or_outbox=syncer, user=user)
        except (MalformedMail, OSError) as exc:
            results.append(Imported(path.name, error=str(exc)))
            continue
        mail = result.mail
        # what the mail lacks (no receipt time, no sender, cut off): said, not refused
        said = "; ".join([*([mail.warning] if mail.warning else []), *mail.missing])
        results.append(Imported(
            path.name, duplicate=result.duplicate, case=result.case, queued=result.queued,
            customer=result.customer, warning=said or None,
            refused=[f"{a.name}: {a.refused}" for a in mail.refused_attachments]))
    return results


def tidy(paths: list[Path], results: list[Imported], key: bytes | None = None) -> None:
    """Each taken file into ``imported/``, sealed with the store's file `key` (issue 22;
    the plain original removed once the sealed copy is written), each refused one into
    ``refused/`` as it is, for the person to look at."""
    for path, result in zip(paths, results, strict=True):
        target = path.parent / ("refused" if result.error else "imported")
        target.mkdir(mode=0o700, exist_ok=True)
        try:
            if result.error or key is None or sealed_file(path):
                shutil.move(str(path), target / path.name)
            else:
                seal_kept_mail(path, path.read_bytes(), target / path.name, key)
        except OSError as exc:
            log.warning("could not move %s: %s", path.name, exc)


class MailWatcher(QObject):
    """Imports the .eml files that appear in a folder (a mail client's export, or a
    mail hook's drop folder), then moves each into ``imported/`` or ``refused/``."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.folder: Path | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(500)  # a file being written settles first
        self.timer.timeout.connect(self.scan)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _p: self.timer.start())
        self.busy = False

    def watch(self, folder: str) -> None:
        for old in self.watcher.directories():
            self.watcher.removePath(old)
        self.folder = Path(folder) if folder else None
        if self.folder is None:
            return
        if not self.folder.is_dir():
            log.warning("the watched mail folder does not exist: %s", self.folder)
            self.folder = None
            return
        self.watcher.addPath(str(self.folder))
        self.timer.start()

    def pending(self) -> list[Path]:
        if self.folder is None:
            return []
        return sorted(p for p in self.folder.iterdir()
                      if p.is_file() and p.suffix.lower() == ".eml")

    def scan(self) -> None:
        paths = self.pending()
        if not paths or self.busy:
            return
        self.busy = True

        def done(results: list[Imported]) -> None:
            if len(results) != len(paths):
                self.busy = False
                return
            # the files move on the store lane too, never on the GUI thread
            key = file_key_of(self.window.desk.store)
            self.window.desk.tasks.on_store(lambda: tidy(paths, results, key), moved)

        def moved(_none: None) -> None:
            self.busy = False
            if self.pending():
                self.timer.start()

        self.window.import_mails(paths, done=done)
