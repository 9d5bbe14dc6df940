"""Remove a desktop's local data (issue 22 item 4): ``signout --wipe`` and the menu's
"Sign out and remove local data…".

What the desktop keeps in its data folder, and so what goes:

- the local store ``desk.sqlite`` with its ``-wal``, ``-shm`` and ``-journal``, and every
  copy made before a migration (``desk.before-upgrade-*.sqlite`` and theirs);
- the wrapped store key ``desk.key`` (and the keyring's entry, by
  :func:`xrewards_desk.store.keys.forget_key`, which the caller runs);
- the folders ``evidence/`` (evidence files and their labels), ``mails/`` and ``drafts/``;
- ``demo/``, the demo's own folder (its server's and desktop's files, made at each start).

Anything else in the folder (the mail gateway's folder, logs or settings a ``--data-dir``
put there, a file the user put there) is left alone and named. Sealed copies of taken
mails in a watched folder's ``imported/`` go too where the caller names that folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..store.vault import is_sealed

STORE = "desk.sqlite"
FOLDERS = ("evidence", "mails", "drafts", "demo")
#: the store, its SQLite side files, and what an interrupted move of a plain store into
#: an encrypted one can leave (store/local.py): the copy being made and the plain store's
#: second name
_STORE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".encrypting", ".encrypting-journal",
                   ".plain")


@dataclass
class Removed:
    """What a wipe removed: files (counted inside folders too) by where they were."""

    files: int = 0
    #: each removed folder or group with its count of files, in words
    parts: list[str] = field(default_factory=list)
    #: what is in the data folder and not the desktop's, left alone
    left: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        if not self.parts:
            return "no local data was found"
        return (f"removed {self.files} file{'s' if self.files != 1 else ''}: "
                + "; ".join(self.parts))


def _is_store_file(name: str) -> bool:
    if any(name == STORE + s for s in _STORE_SUFFIXES):
        return True
    stem, _, rest = name.partition(".before-upgrade-")
    return stem == "desk" and bool(rest) and any(
        name.endswith(".sqlite" + s) for s in _STORE_SUFFIXES)


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def held(folder: Path) -> list[Path]:
    """The desktop's own files and folders in the data folder `folder`."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if (p.is_file() and (_is_store_file(p.name)
                                       or p.name in ("desk.key", "desk.key.part")))
                  or (p.is_dir() and not p.is_symlink() and p.name in FOLDERS))


@dataclass(frozen=True)
class Part:
    """One thing a wipe removes: in words, its paths, and its count of files."""

    kind: str  # "store", "folder", "key", "mails"
    where: Path
    paths: tuple[Path, ...]
    files: int


def plan(folder: Path, watched: Iterable[Path] = ()) -> list[Part]:
    """What :func:`wipe` would remove (nothing removed): the store's files, each folder,
    the wrapped key, and the sealed mails of each watched folder's ``imported/``."""
    parts: list[Part] = []
    mine = held(folder)
    stores = tuple(p for p in mine if p.is_file() and not p.name.startswith("desk.key"))
    if stores:
        parts.append(Part("store", folder, stores, len(stores)))
    parts += [Part("folder", p, (p,), _count(p)) for p in mine if p.is_dir()]
    keys = tuple(p for p in mine if p.is_file() and p.name.startswith("desk.key"))
    if keys:
        parts.append(Part("key", folder, keys, len(keys)))
    for place in watched:
        imported = Path(place) / "imported"
        if imported.is_dir():
            sealed = tuple(sorted(p for p in imported.iterdir()
                                  if p.is_file() and _sealed(p)))
            if sealed:
                parts.append(Part("mails", imported, sealed, len(sealed)))
    return parts


def _plural(n: int, one: str) -> str:
    return f"{n} {one}{'s' if n != 1 else ''}"


def wipe(folder: Path, *, watched: Iterable[Path] = ()) -> Removed:
    """Remove the desktop's files in `folder` (see the module's text), and the sealed
    mails in each watched folder's ``imported/``; what was removed, counted."""
    removed = Removed()
    for part in plan(folder, watched):
        for path in part.paths:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        removed.files += part.files
        removed.parts.append({
            "store": f"the local store and its copies ({_plural(part.files, 'file')}) in "
                     f"{part.where}",
            "folder": f"{part.where.name}/ ({_plural(part.files, 'file')})",
            "key": "the wrapped store key",
            "mails": f"{_plural(part.files, 'taken mail')} in {part.where}",
        }[part.kind])
    if folder.is_dir():
        removed.left = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    return removed


def _sealed(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return is_sealed(f.read(8))
    except OSError:
        return False
