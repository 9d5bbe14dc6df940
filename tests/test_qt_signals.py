"""Signals do not eat references: PySide6 6.12.0 dropped one reference to True (a
signal without arguments) or None at every ``emit()``, and on Python 3.11, where
True and None are not immortal, the process aborted with ``bool_dealloc`` once their
count reached zero: a long sync's progress signals killed the desktop. pyproject.toml
keeps that version out; this test fails on it."""

from __future__ import annotations

import sys

from xrewards_desk.ui import qt


class _Emitter(qt.QObject):
    bare = qt.Signal()
    counted = qt.Signal(int)
    texted = qt.Signal(str)


def test_emits_leave_the_reference_counts_of_true_and_none_alone(
        qapp: qt.QApplication) -> None:
    emitter = _Emitter()
    heard: list[object] = []
    emitter.bare.connect(lambda: heard.append(1))
    emitter.counted.connect(heard.append)
    emitter.texted.connect(heard.append)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(300):  # few enough that a leaking build does not reach zero here
        emitter.bare.emit()
        emitter.counted.emit(i)
        emitter.texted.emit("x")
    assert len(heard) == 900
    heard.clear()
    # a leak of one per emit would be 300 or more; the loop's own objects are a handful
    assert abs(sys.getrefcount(True) - true_before) < 50
    assert abs(sys.getrefcount(None) - none_before) < 50
