"""The Qt names the application uses, in one place: every other module imports from here.

Qt Widgets, QtCharts (from pyside6-addons) and nothing that needs a web engine."""

from __future__ import annotations

__all__ = [name for name in dir() if name.startswith("Q") or name in {"Qt", "Signal", "Slot"}]
