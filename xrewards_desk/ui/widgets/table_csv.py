"""Every table exports to CSV as it reads on screen (issue 19): the column titles and the
cells in the UI's language, as the model words them. German spreadsheets read a comma as
the decimal sign, so the German file separates its fields with ";" (as German Excel and
LibreOffice expect); the English one with ",". A UTF-8 byte order mark lets a
spreadsheet know the encoding (umlauts, the euro sign).

A view adds its export with one line: ``CsvButton(self, self.model, "cases", desk.fmt,
desk.now)``: a button "Export CSV…" proposing ``cases-2026-12-06.csv`` (the day by the
desk's clock, in Berlin), the file in the formatter's language."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from xrewards_desk.domain.calendar import berlin_date
from xrewards_desk.ui.qt import QCoreApplication, QEvent, QFileDialog, QPushButton, QWidget
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import RowsModel


def delimiter(language: str) -> str:
    return ";" if language.startswith("de") else ","


def write_table(model: RowsModel[Any], stream: IO[str], language: str,
                rows: Sequence[Any] | None = None) -> int:
    """The model's titles and cells (or only `rows` of it) as CSV on `stream` (opened
    with newline=""). Returns the number of rows written."""
    writer = csv.writer(stream, delimiter=delimiter(language))
    writer.writerow([c.title() for c in model.columns])
    chosen = model.rows if rows is None else rows
    for row in chosen:
        writer.writerow([c.text(row) for c in model.columns])
    return len(chosen)


def save_table(model: RowsModel[Any], path: Path, language: str) -> int:
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        return write_table(model, out, language)


def ask_and_save(parent: QWidget, model: RowsModel[Any], name: str,
                 language: str) -> Path | None:
    """Ask where (a save dialog proposing `name`), write there; None when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("TableCsv", "Export CSV"), name,
        QCoreApplication.translate("TableCsv", "CSV files (*.csv)"))
    if not chosen:
        return None
    path = Path(chosen)
    save_table(model, path, language)
    return path


class CsvButton(QPushButton):
    """"Export CSV…" for a view's table: asks where, then writes `model` as it reads now
    in the language of `fmt`; the file name proposed is `stem` and today's date."""

    def __init__(self, view: QWidget, model: RowsModel[Any], stem: str,
                 fmt: Callable[[], Fmt], now: Callable[[], datetime]) -> None:
        super().__init__(view)
        self.setObjectName(f"{stem}_csv")
        self.view, self.model, self.stem, self.fmt, self.now = view, model, stem, fmt, now
        self.clicked.connect(lambda: self.export())
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(QCoreApplication.translate("TableCsv", "Export CSV…"))
        self.setToolTip(QCoreApplication.translate(
            "TableCsv", "Save the table as it is shown (a CSV file for spreadsheets)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def export(self, path: Path | None = None) -> Path | None:
        """Write the table to `path`, or where the person picks (None: cancelled)."""
        language = self.fmt().code
        if path is None:
            name = f"{self.stem}-{berlin_date(self.now()).isoformat()}.csv"
            return ask_and_save(self.view, self.model, name, language)
        save_table(self.model, path, language)
        return path
