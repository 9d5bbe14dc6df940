"""The demo's passwords: random for every build, kept in one file readable by its owner
only (mode 0600) in the demo's data folder, never derived from anything public.

They used to follow from the demo's seed, which is in the source: anyone who knew the seed
knew every password of every demo server. Now `serve --demo` makes new ones when it builds
the demo (and for a demo built before, whose users still had the seed's passwords), writes
them here before any user exists, and prints them only to a terminal; the desktop's demo
mode reads them from here to sign in.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

FILE_NAME = "demo-passwords.json"
#: letters and digits nobody confuses (no l/1, o/0, i)
_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


class DemoPasswordsError(RuntimeError):
    """The file is missing or unreadable; the message says which and where."""


def new_password() -> str:
    """Four groups of four, about 79 bits: ``k7mq-3xtp-9wbd-fh2r``."""
    return "-".join("".join(secrets.choice(_LETTERS) for _ in range(4)) for _ in range(4))


def path(folder: Path) -> Path:
    return folder / FILE_NAME


def write(folder: Path, passwords: Mapping[str, str]) -> Path:
    """Replace the file in `folder` (made, mode 0700, if missing) by `passwords`, created
    with mode 0600 so no other user can read it even for a moment; returns its path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = path(folder)
    temporary = target.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"about": "The demo's users and passwords, made at random when the demo "
                   "was built. Keep this file to yourself.",
                   "passwords": dict(sorted(passwords.items()))}, out, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)
    return target


def read(folder: Path) -> dict[str, str]:
    """The passwords kept in `folder` (DemoPasswordsError if there are none)."""
    where = path(folder)
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DemoPasswordsError(f"the demo's passwords are not in {where}: start the "
                                 "demo server (serve --demo) with this data folder") from exc
    except (OSError, ValueError) as exc:
        raise DemoPasswordsError(f"cannot read the demo's passwords from {where}: "
                                 f"{exc}") from exc
    passwords = data.get("passwords") if isinstance(data, dict) else None
    if not isinstance(passwords, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in passwords.items()):
        raise DemoPasswordsError(f"{where} does not hold the demo's passwords")
    return dict(passwords)


__all__ = ["FILE_NAME", "DemoPasswordsError", "new_password", "path", "read", "write"]
