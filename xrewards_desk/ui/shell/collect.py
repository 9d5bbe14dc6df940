"""Python's garbage collector only on the GUI thread.

A cycle of Python objects that holds a Qt object (a view, a timer, a model kept by a
closure) is freed by whichever thread happens to trigger the collector: on a worker of
the lanes (ui/shell/tasks.py), that deletes the Qt object from the wrong thread, which Qt
answers later with a crash in the GUI thread's event loop ("Timers cannot be stopped from
another thread", a segmentation fault during a sync). So the automatic collector is
switched off and a timer on the GUI thread collects instead, every second (the pattern
of GitFourchette and of OpenCue's GUI, for the same reason). Reference counting still
frees everything that is not a cycle at once, on whatever thread lets it go."""

from __future__ import annotations

import gc

from xrewards_desk.ui.qt import QObject, QTimer

#: how often the GUI thread collects (ms)
INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    @staticmethod
    def collect() -> int:
        """Collect now (on the thread that calls it: the GUI thread's timer, or the end
        of a test)."""
        return gc.collect()

    def stop(self) -> None:
        """The timer stops and the collector is switched back on (the app is quitting)."""
        self.timer.stop()
        gc.enable()
        gc.collect()
