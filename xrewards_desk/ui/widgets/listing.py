"""What the queue views share (objections, approvals, claims, abuse review, transfers): a
table of rows read from the local store on the store lane, the selected row kept across
refreshes, and, where the view has one, a "Show:" choice above the table that reads the
rows again when it changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from xrewards_desk.ui import qt
from xrewards_desk.ui.widgets.forms import refill
from xrewards_desk.ui.widgets.models import RowsModel, keep_place

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xrewards_desk.ui.shell.desk import Desk


class ListView(qt.QWidget):
    """A queue of rows. A subclass makes ``model`` and ``table`` and reads its rows in
    :meth:`refresh`; it shows an answer with :meth:`place`."""

    model: RowsModel[Any]
    table: qt.QTableView
    # made where the view has a "Show:" choice (`filter_name`)
    filter: qt.QComboBox
    filter_label: qt.QLabel

    def __init__(self, desk: Desk, name: str, filter_name: str = "") -> None:
        super().__init__()
        self.setObjectName(name)
        self.desk = desk
        # whether an answer of the store has been shown yet
        self.loaded = False
        if filter_name:  # the "Show:" choice, and its label
            self.filter = qt.QComboBox()
            self.filter.setObjectName(filter_name)
            self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
            self.filter_label = qt.QLabel()

    def refresh(self) -> None:
        raise NotImplementedError

    def read(self, work: Callable[[Session], Any], done: Callable[[Any], None]) -> None:
        """Read the rows on the store lane (`work`) and show them (`done`), an older
        answer dropped when a newer read was asked for; nothing while no store is open."""
        store = self.desk.store
        if store is not None:
            self.desk.tasks.query(store, work, done, key=(self, "rows"))

    def filter_row(self) -> qt.QHBoxLayout:
        """The "Show:" label and choice, left-aligned, for the subclass to add to."""
        row = qt.QHBoxLayout()
        row.addWidget(self.filter_label)
        row.addWidget(self.filter)
        row.addStretch(1)
        return row

    def retranslate_filter(self, choices: Iterable[tuple[Any, str]], default: Any) -> None:
        refill(self.filter, choices, default=default)
        self.filter_label.setText(qt.QCoreApplication.translate("ListView", "Show:"))

    def place(self, rows: Sequence[Any],
              ident: Callable[[Any], Any] = lambda row: getattr(row, "id", None), *,
              or_first: bool = False) -> bool:
        """Show the store's answer, keeping the selected row where it is still there (with
        `or_first`, the first row where it is not); whether it was kept."""
        kept = keep_place(self.table, self.model, rows, ident, or_first=or_first)
        self.loaded = True
        return kept
