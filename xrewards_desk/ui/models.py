"""Table models over plain row objects (dataclasses), never live ORM objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QBrush,
    QColor,
    QHeaderView,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTableView,
)

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

WARN = QColor("#b45309")
ALERT = QColor("#b91c1c")
SOON = QColor("#fef3c7")


@dataclass(frozen=True)
class Column(Generic[T]):
    title: Callable[[], str]  # translated when asked, so a language switch shows at once
    text: Callable[[T], str]
    right: bool = False
    tooltip: Callable[[T], str | None] | None = None
    background: Callable[[T], QColor | None] | None = None
    foreground: Callable[[T], QColor | None] | None = None
    sort: Callable[[T], Any] | None = None


class RowsModel(QAbstractTableModel, Generic[T]):
    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, index: Index) -> T | None:
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) \
            else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            color = column.background(row)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            color = column.foreground(row)
            return QBrush(color) if color is not None else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort or self.columns[column].text
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def retranslate(self) -> None:
        """Headers and cells again in the current language (cells word codes per
        language: types, states)."""
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
            if self.rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self.rows) - 1, len(self.columns) - 1))


class PagedModel(RowsModel[T]):
    """Rows fetched a page at a time on the store lane (`canFetchMore`/`fetchMore`), so a
    history of 100,000 entries opens with its first page; a reload makes answers to
    earlier requests stale."""

    def __init__(self, columns: Sequence[Column[T]], tasks: Any,
                 count: Callable[[], int], fetch: Callable[[int, int], list[T]],
                 page: int = 200, parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.tasks = tasks
        self.count = count
        self.fetch = fetch
        self.page = page
        self.total = 0
        self.generation = 0
        self.loading = False
        self.loaded = False
        self.on_loaded: Callable[[], None] | None = None

    def reload(self) -> None:
        self.generation += 1
        generation = self.generation
        self.loaded = False
        self.loading = True
        self.set_rows([])
        count, fetch, page = self.count, self.fetch, self.page
        self.tasks.on_store(lambda: (count(), fetch(0, page)),
                            lambda answer: self._first(generation, answer),
                            lambda exc: self._failed(generation, exc))

    def _first(self, generation: int, answer: tuple[int, list[T]]) -> None:
        if generation != self.generation:
            return
        self.total, rows = answer
        self.loading = False
        self.set_rows(rows)
        self.loaded = True
        if self.on_loaded is not None:
            self.on_loaded()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self.generation:
            self.loading = False
            self.loaded = True
            raise exc

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self.loading = True
        generation, offset, fetch, page = self.generation, len(self.rows), self.fetch, \
            self.page
        self.tasks.on_store(lambda: fetch(offset, page),
                            lambda rows: self._more(generation, offset, rows),
                            lambda exc: self._failed(generation, exc))

    def _more(self, generation: int, offset: int, rows: list[T]) -> None:
        if generation != self.generation or offset != len(self.rows):
            return
        self.loading = False
        if rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        else:
            self.total = len(self.rows)


def table_view(model: Any, name: str = "") -> QTableView:
    """The app's read-only table: whole rows selected one at a time, compact rows,
    columns fitted to their contents, the last one stretched."""
    view = QTableView()
    if name:
        view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(22)
    return view
