"""Panes the views share: a table above the details of its current row."""

from __future__ import annotations

from collections.abc import Callable

from xrewards_desk.ui.qt import QSplitter, Qt, QTableView, QTextBrowser, QUrl


def above_detail(table: QTableView, on_link: Callable[[QUrl], None],
                 stretch: tuple[int, int] = (3, 1)) -> tuple[QSplitter, QTextBrowser]:
    """A table above the details of its current row: the splitter to lay out, and the
    detail pane, whose links go to `on_link` (never followed by the pane itself)."""
    detail = QTextBrowser()
    detail.setOpenLinks(False)
    detail.anchorClicked.connect(on_link)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(table)
    split.addWidget(detail)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    return split, detail
