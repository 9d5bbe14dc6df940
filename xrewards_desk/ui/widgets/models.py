"""Table models over plain row objects (dataclasses), never live ORM objects.

Rows are kept in the order the store's read gave them (no sorting by header: the reads
order them as the staff need). A cell's text comes from its column's function, which
formats with the view's :class:`.i18n.Fmt` (one per language, made once). A refresh
keeps the place: :func:`keep_place` puts the selection back on the same row (by its id)
and the scroll where it was."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from xrewards_desk.ui.qt import (
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

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xrewards_desk.store.db import Store
    from xrewards_desk.ui.shell.tasks import Tasks

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
    history of 100,000 entries opens with its first page. `count(session)` and
    `fetch(session, offset, limit)` run through :meth:`.tasks.Tasks.query` under the
    model's key: a reload supersedes every answer asked for before it."""

    def __init__(self, columns: Sequence[Column[T]], tasks: Tasks, store: Store,
                 count: Callable[[Session], int],
                 fetch: Callable[[Session, int, int], list[T]],
                 page: int = 200, parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.tasks = tasks
        self.store = store
        self.count = count
        self.fetch = fetch
        self.page = page
        self.total = 0
        self.loading = False
        self.loaded = False
        self.on_loaded: Callable[[], None] | None = None
        #: answers shown (first pages, whole reloads)
        self.loads = 0
        self.key: Hashable = (self, "rows")

    def reload(self, keep: int = 0) -> None:
        """The first page again (a filter changed); with `keep`, as many rows as that
        (at least a page), so a refresh shows the rows scrolled to before. Until the
        answer comes the old rows stay (a refresh does not blink)."""
        self.loaded = False
        self.loading = True
        if not keep:
            self.set_rows([])
        count, fetch, size = self.count, self.fetch, max(self.page, keep)
        self.tasks.query(self.store, lambda s: (count(s), fetch(s, 0, size)),
                         self._first, self._failed, key=self.key)

    def _first(self, answer: tuple[int, list[T]]) -> None:
        self.total, rows = answer
        self.loading = False
        self.set_rows(rows)
        self.loaded = True
        self.loads += 1
        if self.on_loaded is not None:
            self.on_loaded()

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.loaded = True
        raise exc

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self.loading = True
        offset, fetch, page = len(self.rows), self.fetch, self.page
        self.tasks.query(self.store, lambda s: fetch(s, offset, page),
                         lambda rows: self._more(offset, rows), self._failed, key=self.key)

    def _more(self, offset: int, rows: list[T]) -> None:
        self.loading = False
        if offset != len(self.rows):
            return
        if rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        else:
            self.total = len(self.rows)


class Place(Generic[T]):
    """Where a table stood: the selected row's id and the scroll, to put back after its
    rows were replaced (:func:`keep_place`)."""

    def __init__(self, table: QTableView, model: RowsModel[T],
                 ident: Callable[[T], Any]) -> None:
        self.table = table
        current = model.row(table.currentIndex())
        self.selected = ident(current) if current is not None else None
        self.column = max(0, table.currentIndex().column())
        self.scroll = table.verticalScrollBar().value()
        self.across = table.horizontalScrollBar().value()

    def restore(self, model: RowsModel[T], ident: Callable[[T], Any]) -> bool:
        """The same row selected again (if it is still there) and the scroll as it was;
        whether the row was found."""
        found = False
        if self.selected is not None:
            for i, row in enumerate(model.rows):
                if ident(row) == self.selected:
                    self.table.setCurrentIndex(model.index(i, self.column))
                    self.table.selectRow(i)
                    found = True
                    break
        self.table.verticalScrollBar().setValue(self.scroll)
        self.table.horizontalScrollBar().setValue(self.across)
        return found


def keep_place(table: QTableView, model: RowsModel[T], rows: Sequence[T],
               ident: Callable[[T], Any] = lambda row: getattr(row, "id", None), *,
               or_first: bool = False) -> bool:
    """Replace the table's rows, keeping the selected row (found again by `ident`) and
    the scroll position; whether the selected row is still there. With `or_first`, the
    first row is selected where it is not (and there are rows)."""
    place = Place(table, model, ident)
    model.set_rows(rows)
    kept = place.restore(model, ident)
    if or_first and rows and not kept:
        table.selectRow(0)
    return kept


def table_view(model: Any, name: str = "", *, fit: bool = True,
               row_height: int = 22) -> QTableView:
    """The app's read-only table: whole rows selected one at a time, compact rows
    (`row_height` pixels), columns fitted to their contents (or, without `fit`, as wide
    as the view or the agent sets them), the last one stretched."""
    view = QTableView()
    if name:
        view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(
        QHeaderView.ResizeMode.ResizeToContents if fit else QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(row_height)
    return view
