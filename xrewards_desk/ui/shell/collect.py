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

#: how often the GUI thread looks whether to collect (ms): often enough that a young
#: collection stays short while a worker allocates at start-up's pace (looking each
#: 500 ms, the first look found 86,000-97,000 young objects and took 35-51 ms,
#: bench_stall.py; the automatic collector would have collected them 700 at a time)
INTERVAL_MS = 100
#: a full collection waits for this many times the gen-1 collections the threshold
#: says: as far apart in time as when the timer looked each 500 ms (a full collection
#: walks every object not frozen; CPython's own collector spaces them out too)
FULL_SPACING = 5


def collect_due(full_spacing: int = FULL_SPACING) -> int:
    """Collect the generations whose thresholds are passed, as the automatic collector
    would (gen 0 by allocations, an older one by the collections of the one below; the
    full one waits `full_spacing` times its threshold); the objects found unreachable."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    generation = -1
    for g in range(3):
        if counts[g] > thresholds[g] * (full_spacing if g == 2 else 1):
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
