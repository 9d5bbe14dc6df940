"""The desktop's own copies of evidence files: ``DATA_DIR/evidence/<sha256>``.

A file is named by the SHA-256 of its bytes and written once, atomically (a temporary
file in the same folder, then :func:`os.replace`), readable by the user alone (folder
0700, files 0600). Its label (the name it arrived under, a label only) and its type are
kept beside it in ``<sha256>.json``. Only what :mod:`xrewards_desk.contract.filetypes`
accepts is ever written: PDF, PNG, JPEG or an e-mail message, at most 20 MiB.

:meth:`EvidenceFolder.reader` is what :meth:`.runner.Syncer.push` asks for the files a
command cites, so that they are uploaded before it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from ..contract import filetypes

_SHA = re.compile(r"^[0-9a-f]{64}$")


class EvidenceMissing(LookupError):
    """A command cites an evidence file this desktop does not hold (or no longer holds
    intact)."""


class EvidenceFolder:
    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / "evidence"

    def _ready(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        return self.folder

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
        folder = self._ready()
        if not self.has(sha):
            self._write(folder, sha, data)
        if not (folder / f"{sha}.json").is_file():
            meta = {"label": label, "media_type": media_type, "size": len(data)}
            self._write(folder, f"{sha}.json",
                        json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        return sha

    @staticmethod
    def _write(folder: Path, name: str, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name[:16]}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def read(self, sha: str) -> bytes:
        """The bytes of `sha`; EvidenceMissing if they are not here or not intact."""
        try:
            data = self.path(sha).read_bytes()
        except FileNotFoundError:
            raise EvidenceMissing(f"evidence file {sha} is not in {self.folder}") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise EvidenceMissing(f"evidence file {sha} in {self.folder} was changed; its "
                                  "bytes no longer match their SHA-256")
        return data

    def label(self, sha: str) -> str:
        try:
            meta = json.loads((self.folder / f"{sha}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return sha
        value = meta.get("label") if isinstance(meta, dict) else None
        return value if isinstance(value, str) and value else sha

    def reader(self, sha: str) -> tuple[bytes, str]:
        """For :meth:`Syncer.push`: the bytes and the label of `sha`."""
        return self.read(sha), self.label(sha)

    def remove(self, sha: str) -> None:
        """Forget a file (an import that did not finish takes back what it wrote)."""
        for path in (self.path(sha), self.folder / f"{sha}.json"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
