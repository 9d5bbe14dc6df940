"""What the gateway keeps between runs: per IMAP folder its UIDVALIDITY and the last UID
taken, in a small JSON file of its data folder, written atomically (a new file, fsynced,
renamed over the old one), so that a crash leaves the old state or the new one.

The state only saves work: a message above the last UID whose case the server already has
is filed again under the same idempotency key and the server answers with that case."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

FILE = "gateway-state.json"


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    last_uid: int


class GatewayState:
    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE
        self.folders: dict[str, FolderState] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):  # unreadable: start over (the keys make it harmless)
            self.damaged = True
            return
        for name, entry in (data.get("folders") or {}).items():
            try:
                self.folders[name] = FolderState(int(entry["uidvalidity"]),
                                                 int(entry["last_uid"]))
            except (KeyError, TypeError, ValueError):
                continue

    damaged = False

    def last_uid(self, folder: str, uidvalidity: int) -> int:
        """The last UID taken from `folder`, 0 if none or if its UIDVALIDITY changed (the
        server numbered its messages anew)."""
        known = self.folders.get(folder)
        return known.last_uid if known and known.uidvalidity == uidvalidity else 0

    def taken(self, folder: str, uidvalidity: int, uid: int) -> None:
        known = self.folders.get(folder)
        if known and known.uidvalidity == uidvalidity and known.last_uid >= uid:
            return
        self.folders[folder] = FolderState(uidvalidity, uid)
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"folders": {name: {"uidvalidity": f.uidvalidity, "last_uid": f.last_uid}
                            for name, f in sorted(self.folders.items())}}
        fd, tmp = tempfile.mkstemp(prefix=".gateway-state-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
