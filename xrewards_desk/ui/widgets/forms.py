"""Small builders for the parts of forms and panes that every room makes alike: a named
label (word-wrapped, in a colour, hidden until it has something to say), a named button
wired to its action, panes split with a handle, and a choice box refilled in the current
language that keeps what was chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from xrewards_desk.ui.qt import (
    QBoxLayout,
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)


def label(name: str = "", *, wrap: bool = True, color: QColor | str | None = None,
          align: Qt.AlignmentFlag | None = None, hidden: bool = False) -> QLabel:
    """A label named `name` (for tests and style), word-wrapped unless told otherwise."""
    made = QLabel()
    if name:
        made.setObjectName(name)
    made.setWordWrap(wrap)
    if color is not None:
        made.setStyleSheet(f"color: {QColor(color).name()};")
    if align is not None:
        made.setAlignment(align)
    if hidden:  # never shown by hand: a label without a parent would open a window
        made.hide()
    return made


def button(name: str, clicked: Callable[[], Any], text: str = "") -> QPushButton:
    """A push button named `name` that calls `clicked`."""
    made = QPushButton(text)
    made.setObjectName(name)
    made.clicked.connect(clicked)
    return made


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """A dialog's OK and Cancel, wired to its accept and reject."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def splitter(*parts: tuple[QWidget, int], vertical: bool = False) -> QSplitter:
    """`parts` (a widget and its first size in pixels) side by side, or one above the
    other, with a handle between each two to move."""
    made = QSplitter(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
    for widget, _size in parts:
        made.addWidget(widget)
    made.setSizes([size for _widget, size in parts])
    return made


def refill(combo: QComboBox, choices: Iterable[tuple[Any, str]],
           default: Any = None) -> None:
    """Put `choices` (value, words) into `combo` again, in the current language, keeping
    the value chosen (or `default` where none was), without telling its listeners: the
    choice has not changed."""
    chosen = combo.currentData()
    quiet = combo.blockSignals(True)
    try:
        combo.clear()
        for value, words in choices:
            combo.addItem(words, value)
        combo.setCurrentIndex(max(0, combo.findData(default if chosen is None else chosen)))
    finally:
        combo.blockSignals(quiet)


@dataclass(frozen=True)
class Space:
    """A fixed gap of `pixels` between two parts of a row or column."""

    pixels: int


#: a part of :func:`column` or :func:`row`: a widget or a layout, with how much of the
#: room left it takes as (part, n); a bare number is an empty stretch of that weight, a
#: :class:`Space` a fixed gap
Part = QWidget | QLayout | tuple[QWidget | QLayout, int] | int | Space


def _lay_out(layout: QBoxLayout, parts: Iterable[Part]) -> None:
    for part in parts:
        if isinstance(part, int):
            layout.addStretch(part)
            continue
        if isinstance(part, Space):
            layout.addSpacing(part.pixels)
            continue
        item, stretch = part if isinstance(part, tuple) else (part, 0)
        if isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)


def column(owner: QWidget | None, *parts: Part) -> QVBoxLayout:
    """`parts` top to bottom, in a layout of `owner`'s own where given (a view: its bar
    of filters, the table taking the room, a line below)."""
    layout = QVBoxLayout(owner) if owner is not None else QVBoxLayout()
    _lay_out(layout, parts)
    return layout


def row(*parts: Part) -> QHBoxLayout:
    """`parts` left to right (a bar of filters or buttons)."""
    layout = QHBoxLayout()
    _lay_out(layout, parts)
    return layout
