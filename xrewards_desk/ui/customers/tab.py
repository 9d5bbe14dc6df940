"""What the customer page's tabs over one account share: the desk, the account, how many
times their rows arrived (tests wait on it), and the CSV export of their table named
after the account and today's Berlin date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xrewards_desk.domain.calendar import BERLIN
from xrewards_desk.ui.qt import QWidget
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets.models import RowsModel
from xrewards_desk.ui.widgets.table_csv import ask_and_save, save_table


class CustomerTab(QWidget):
    def __init__(self, desk: Desk, account_id: str, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.desk = desk
        self.account_id = account_id
        #: answers shown (the first, and each refresh's)
        self.loads = 0

    def export_table(self, model: RowsModel[Any], what: str,
                     path: Path | None = None) -> Path | None:
        """`model` as CSV in the UI's language: to `path`, or where the person picks
        (None when they cancel)."""
        language = self.desk.language.code
        if path is None:
            today = self.desk.now().astimezone(BERLIN).date().isoformat()
            return ask_and_save(self, model, f"{self.account_id}-{what}-{today}.csv", language)
        save_table(model, path, language)
        return path
