"""The table models (ui/widgets/models.py): cells formatted with one formatter per language, no
QLocale made per cell; rows replaced by a refresh keep the selected row (by its id) and the
scroll position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import QApplication, QLocale, Qt
from xrewards_desk.ui.widgets import i18n
from xrewards_desk.ui.widgets.i18n import fmt_for
from xrewards_desk.ui.widgets.models import Column, RowsModel, keep_place, table_view


@dataclass(frozen=True)
class Row:
    id: str
    points: int


def _model() -> RowsModel[Row]:
    return RowsModel([
        Column(lambda: "Id", lambda r: r.id),
        Column(lambda: "Points", lambda r: fmt_for("de").points(r.points), right=True),
    ])


def test_cells_are_formatted_without_a_locale_each(qapp: QApplication,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = i18n.locale_for

    def counted(code: str) -> QLocale:
        made.append(code)
        return real(code)

    monkeypatch.setattr(i18n, "locale_for", counted)
    fmt_for.cache_clear()
    model = _model()
    model.set_rows([Row(f"XR-{i:07d}", 1000 * i) for i in range(500)])
    texts = [model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
             for r in range(500) for c in range(2)]
    assert texts[3] == "1.000" and texts[-1] == "499.000"  # German grouping
    assert made == []  # 1,000 cells, no QLocale
    assert fmt_for("de") is fmt_for("de") and fmt_for("en") is not fmt_for("de")
    assert fmt_for("de").picker_format() == "dd.MM.yyyy"  # the locale, made when asked
    assert made == ["de"]
    fmt_for("de").picker_format()
    assert made == ["de"]
    fmt_for.cache_clear()


def test_replaced_rows_keep_the_selected_row_and_the_scroll(qtbot: Any) -> None:
    model = _model()
    view = table_view(model)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    model.set_rows([Row(f"XR-{i:07d}", i) for i in range(200)])
    view.selectRow(120)
    view.scrollTo(model.index(120, 0))
    qtbot.wait(20)
    scroll = view.verticalScrollBar().value()
    assert scroll > 0
    # a refresh: a new row at the top, one gone further down, the selected one moved
    rows = [Row("XR-NEW", 1), *[Row(f"XR-{i:07d}", i) for i in range(200) if i != 50]]
    assert keep_place(view, model, rows)
    current = model.row(view.currentIndex())
    assert current is not None and current.id == "XR-0000120"
    assert view.currentIndex().row() == 120  # one more above it, one fewer: same index
    assert [i.row() for i in view.selectionModel().selectedRows()] == [120]
    assert view.verticalScrollBar().value() == scroll
    # the selected row gone: nothing selected, the scroll still kept
    assert not keep_place(view, model, [r for r in rows if r.id != "XR-0000120"])
    assert view.verticalScrollBar().value() == scroll
