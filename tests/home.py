"""The test session's home folder: HOME and the XDG folders (so every platformdirs
location) point into a temporary folder, and what this program keeps under the real home is
listed at the start and compared at the end (tests/conftest.py fails the run if it
changed)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: the names this program (and Qt, for its organisation "xrewards") gives its folders
PREFIXES = ("xrewards", ".xrewards")

#: the variables that name the home and its folders
VARIABLES = ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")

Listing = dict[str, tuple[int, int]]


def bases(env: dict[str, str] | os._Environ[str], home: Path) -> list[Path]:
    """Where platformdirs puts an application's folders under `env` (Linux, BSD: the XDG
    folders or their defaults; the home itself for anything else)."""

    def xdg(name: str, default: str) -> Path:
        value = env.get(name, "")
        return Path(value) if value and os.path.isabs(value) else home / default

    return [home, xdg("XDG_DATA_HOME", ".local/share"), xdg("XDG_CONFIG_HOME", ".config"),
            xdg("XDG_CACHE_HOME", ".cache"), xdg("XDG_STATE_HOME", ".local/state"),
            home / "Library" / "Application Support", home / "Library" / "Caches",
            home / "Library" / "Logs", home / "Library" / "Preferences"]


def listing(folders: list[Path]) -> Listing:
    """Every file and folder of this program's under `folders`, with its size and mtime."""
    out: Listing = {}
    for base in folders:
        try:
            entries = [p for p in base.iterdir() if p.name.startswith(PREFIXES)]
        except OSError:
            continue
        for top in entries:
            for path in [top, *(top.rglob("*") if top.is_dir() else [])]:
                try:
                    st = path.lstat()
                except OSError:
                    continue
                out[str(path)] = (st.st_size if path.is_file() else 0, st.st_mtime_ns)
    return out


@dataclass
class Home:
    real: Path
    folders: list[Path]
    before: Listing
    temporary: Path | None = None
    saved: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def watching(cls, real: Path, env: dict[str, str] | os._Environ[str]) -> Home:
        folders = bases(env, real)
        return cls(real, folders, listing(folders))

    @classmethod
    def redirect(cls) -> Home:
        """List the real home's folders of this program, then point HOME and XDG_* of this
        process (and so of every process it starts) into a new temporary folder."""
        home = cls.watching(Path(os.path.expanduser("~")), os.environ)
        temporary = Path(tempfile.mkdtemp(prefix="xrewards-tests-home-"))
        home.temporary = temporary
        for name, value in (("HOME", temporary),
                            ("XDG_DATA_HOME", temporary / ".local" / "share"),
                            ("XDG_CONFIG_HOME", temporary / ".config"),
                            ("XDG_CACHE_HOME", temporary / ".cache"),
                            ("XDG_STATE_HOME", temporary / ".local" / "state")):
            home.saved[name] = os.environ.get(name)
            os.environ[name] = str(value)
        return home

    def written(self) -> list[str]:
        """What changed under the real home's folders of this program since the start."""
        after = listing(self.folders)
        return sorted({*(p for p in after if self.before.get(p) != after[p]),
                       *(f"{p} (removed)" for p in self.before if p not in after)})

    def remove(self) -> None:
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)
