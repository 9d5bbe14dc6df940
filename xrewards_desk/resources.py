"""The one way to find what the application loads at run time (translations, reply
templates, icons): from a source checkout, or from a PyInstaller bundle. No Qt here, so
the mail hook and the server can use it too."""

from __future__ import annotations

import sys
from pathlib import Path


def resources() -> Path:
    """The resources folder, from a source checkout or from a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """A file or folder under the resources folder."""
    return resources().joinpath(*parts)
