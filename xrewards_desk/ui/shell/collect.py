"""Python's garbage collector only on the GUI thread.

A cycle of Python objects that holds a Qt object (a view, a timer, a model kept by a
closure) is freed by whichever thread happens to trigger the collector: on a worker of
the lanes (ui/shell/tasks.py), that deletes the Qt object from the wrong thread, which Qt
answers later with a crash in the GUI thread's event loop ("Timers cannot be stopped from
another thread", a segmentation fault during a sync). So the automatic collector is
switched off and a timer on the GUI thread collects instead (the pattern of
GitFourchette and of OpenCue's GUI, for the same reason): generation by generation, as
the automatic collector would by its thresholds, so that a tick costs a young
generation's scan, not the whole heap's. Reference counting still frees everything that
is not a cycle at once, on whatever thread lets it go."""

from __future__ import annotations

import gc

from xrewards_desk.ui.qt import QObject, QTimer

#: how often the GUI thread looks whether to collect (ms)
INTERVAL_MS = 500


def collect_due() -> int:
    """Collect the generations whose thresholds are passed, as the automatic collector
    would (gen 0 by allocations, an older one by the collections of the one below); the
    objects found unreachable."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    generation = -1
    for g in range(3):
        if counts[g] > thresholds[g]:
            generation = g
        else:
            break
    return gc.collect(generation) if generation >= 0 else 0


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
        """What is due now, on the GUI thread (the timer's tick)."""
        return collect_due()

    def stop(self) -> None:
        """The timer stops and the collector is switched back on (the app is quitting)."""
        self.timer.stop()
        gc.enable()
        gc.collect()
