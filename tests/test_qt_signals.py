"""Signals cannot kill the desktop: PySide6 6.12's ``Signal.emit()`` drops one reference
to True at every call, and on Python 3.11, where True is not immortal, a process aborted
with ``bool_dealloc`` once the count reached zero (a 100,000-account sync's progress
signals did). ``ui/qt.py`` gives True, False and None enough references; a real process
emits more signals than True had references and must exit cleanly."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
from xrewards_desk.ui import qt

class Emitter(qt.QObject):
    bare = qt.Signal()
    counted = qt.Signal(int)

app = qt.QCoreApplication([])
emitter = Emitter()
heard = []
emitter.bare.connect(lambda: heard.append(1))
emitter.counted.connect(heard.append)
rounds = min(sys.getrefcount(True), 1 << 20) + 20_000  # more than True had, if unguarded
for i in range(rounds):
    emitter.bare.emit()
    emitter.counted.emit(i)
assert len(heard) == 2 * rounds
print("emitted", 2 * rounds)
"""


def test_more_emits_than_true_has_references_leave_the_process_alive() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("emitted ")
