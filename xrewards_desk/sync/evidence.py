"""The desktop's own copies of evidence files: ``DATA_DIR/evidence/<sha256>``.

A file is named by the SHA-256 of its plain bytes and written once, atomically (a
temporary file in the same folder, then :func:`os.replace`), readable by the user alone
(folder 0700, files 0600), and, beside an encrypted store, sealed with the data folder's
file key (:mod:`xrewards_desk.store.vault`, issue 22). Its label (the name it arrived
under, a name a customer chose) and its type are kept beside it in ``<sha256>.json``,
sealed the same way. Only what :mod:`xrewards_desk.contract.filetypes` accepts is ever
written: PDF, PNG, JPEG or an e-mail message, at most 20 MiB.

A plain file of an earlier version is still read (its SHA-256 checked) and is re-written
sealed the first time it is read, and by :meth:`EvidenceFolder.seal_plain` at start.

:meth:`EvidenceFolder.reader` is what :meth:`.runner.Syncer.push` asks for the files a
command cites, so that they are uploaded before it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..contract import filetypes
from ..store.vault import Vault, VaultError, file_key_of

if TYPE_CHECKING:
    from ..store.db import Store

log = logging.getLogger(__name__)

_SHA = re.compile(r"^[0-9a-f]{64}$")


class EvidenceMissing(LookupError):
    """A command cites an evidence file this desktop does not hold (or no longer holds
    intact)."""


class EvidenceFolder:
    def __init__(self, data_dir: Path, key: bytes | None = None) -> None:
        """`key`: the data folder's file key (``store.key.file_key``); None beside a
        plain store, whose files stay plain."""
        self.folder = Path(data_dir) / "evidence"
        self.vault = Vault(key)

    @classmethod
    def of(cls, data_dir: Path, store: Store | None) -> EvidenceFolder:
        """The evidence folder of `data_dir`, sealed with `store`'s file key if it has
        one."""
        return cls(data_dir, file_key_of(store))

    def path(self, sha: str) -> Path:
        if not _SHA.match(sha):
            raise ValueError(f"{sha!r} is not a SHA-256")
        return self.folder / sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes, label: str = "file") -> str:
        """Keep `data` (once); returns its SHA-256. A file that is not accepted evidence
        raises ValueError with the reason, and nothing is written."""
        why = filetypes.refusal(data, label)
        if why is not None:
            raise ValueError(why)
        media_type = filetypes.sniff(data)
        sha = hashlib.sha256(data).hexdigest()
        if not self.has(sha):
            self.vault.write(self.path(sha), data, f"evidence:{sha}")
        if not self._meta_path(sha).is_file():
            meta = {"label": label, "media_type": media_type, "size": len(data)}
            self.vault.write(self._meta_path(sha),
                             json.dumps(meta, ensure_ascii=False).encode("utf-8"),
                             f"evidence-label:{sha}")
        return sha

    def _meta_path(self, sha: str) -> Path:
        return self.folder / f"{self.path(sha).name}.json"

    def read(self, sha: str) -> bytes:
        """The bytes of `sha`, decrypted in memory; EvidenceMissing if they are not here
        or not intact (changed, sealed with another key or under another name). A plain
        file of an earlier version is re-written sealed."""
        path = self.path(sha)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise EvidenceMissing(f"evidence file {sha} is not in {self.folder}") from None
        try:
            data, plain = self.vault.open_bytes(blob, f"evidence:{sha}", f"evidence file "
                                                f"{sha}", plain_ok=True)
        except VaultError as exc:
            raise EvidenceMissing(str(exc)) from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise EvidenceMissing(f"evidence file {sha} in {self.folder} was changed; its "
                                  "bytes no longer match their SHA-256")
        if plain and self.vault.encrypted:
            self._seal_one(sha)
        return data

    def _seal_one(self, sha: str) -> int:
        sealed = 0
        try:
            sealed += self.vault.seal_plain(self.path(sha), f"evidence:{sha}")
            if self._meta_path(sha).is_file():
                sealed += self.vault.seal_plain(self._meta_path(sha),
                                                f"evidence-label:{sha}")
        except OSError as exc:
            log.warning("could not encrypt the evidence file %s: %s", sha, exc)
        return sealed

    def seal_plain(self) -> int:
        """Seal every plain file an earlier version left here (at start, on the store
        lane); the number of files re-written. Nothing without a key."""
        if not self.vault.encrypted or not self.folder.is_dir():
            return 0
        return sum(self._seal_one(sha) for sha in self.held())

    def held(self) -> list[str]:
        """The SHA-256 of every file kept here."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if _SHA.match(p.name))

    def meta(self, sha: str) -> dict[str, object]:
        try:
            blob = self._meta_path(sha).read_bytes()
            text, _plain = self.vault.open_bytes(blob, f"evidence-label:{sha}",
                                                 plain_ok=True)
            meta = json.loads(text.decode("utf-8"))
        except (OSError, ValueError):
            return {}
        return meta if isinstance(meta, dict) else {}

    def label(self, sha: str) -> str:
        value = self.meta(sha).get("label")
        return value if isinstance(value, str) and value else sha

    def reader(self, sha: str) -> tuple[bytes, str]:
        """For :meth:`Syncer.push`: the bytes and the label of `sha`."""
        return self.read(sha), self.label(sha)

    def remove(self, sha: str) -> None:
        """Forget a file (an import that did not finish takes back what it wrote)."""
        for path in (self.path(sha), self._meta_path(sha)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
