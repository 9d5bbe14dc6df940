"""Every table exports to CSV as it reads on screen (issue 19): the column titles and the
cells in the UI's language, as the model words them. German spreadsheets read a comma as
the decimal sign, so the German file separates its fields with ";" (as German Excel and
LibreOffice expect); the English one with ",". A UTF-8 byte order mark lets a
spreadsheet know the encoding (umlauts, the euro sign)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from xrewards_desk.ui.qt import QCoreApplication, QFileDialog, QWidget
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
