"""Explain: where the balance comes from, in German or English, each sentence tied to its
ledger entries or claims, ready to paste into a reply: credits and what was taken, the R22
claims in EUR and why, a void discount code, how participation ended or is ending (R23),
the balance and the next "usable until" dates."""

from __future__ import annotations

from datetime import datetime

from xrewards_desk.domain.explain import Sentence
from xrewards_desk.store.db import Store
from xrewards_desk.store.read.explanation import explanation
from xrewards_desk.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGuiApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    Qt,
    QWidget,
    Signal,
)
from xrewards_desk.ui.shell.tasks import Tasks
from xrewards_desk.ui.widgets import forms


class ExplainDialog(QDialog):
    show_entries = Signal(object)  # tuple of entry ids

    def __init__(self, tasks: Tasks, store: Store, account_id: str, now: datetime,
                 language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explain")
        self.tasks, self.store, self.account_id, self.now = tasks, store, account_id, now
        self.setWindowTitle(self.tr("Explain the balance of %1").replace("%1", account_id))
        self.resize(720, 420)
        self.language = QComboBox()
        self.language.addItem("Deutsch", "de")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if language.startswith("de") else 1)
        self.language.currentIndexChanged.connect(lambda _i: self.load())
        self.sentences = QListWidget()
        self.sentences.setWordWrap(True)
        self.sentences.setSpacing(3)
        self.sentences.itemActivated.connect(self._activated)
        self.hint = QLabel(self.tr("Each sentence names the ledger entries behind it: "
                                   "double-click one to see them in the ledger."))
        self.hint.setToolTip(self.tr("A sentence about a claim names the claim's number "
                                     "(as the list of claims shows it) when you point at "
                                     "it."))
        self.hint.setWordWrap(True)
        copy = QPushButton(self.tr("Copy text"))
        copy.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        top = forms.row(QLabel(self.tr("Language of the reply:")), self.language, 1)
        forms.column(self, top, (self.sentences, 1), self.hint, buttons)
        self.text = ""
        self.loaded = False
        self.load()

    def load(self) -> None:
        self.loaded = False
        account, now, language = self.account_id, self.now, self.language.currentData()
        # the engine's sentences for the stored account (its claims, status, notice and
        # termination window included), in the language picked last
        self.tasks.query(self.store, lambda s: explanation(s, account, now, language),
                         self._show, key=(self, "sentences"))

    def _show(self, sentences: list[Sentence]) -> None:
        self.sentences.clear()
        for sentence in sentences:
            item = QListWidgetItem(sentence.text)
            item.setData(Qt.ItemDataRole.UserRole, sentence.entry_ids)
            item.setToolTip(self._tip(sentence))
            self.sentences.addItem(item)
        self.text = " ".join(s.text for s in sentences)
        self.loaded = True

    def _tip(self, sentence: Sentence) -> str:
        """The ledger entries and the R22 claims (by number) a sentence explains."""
        lines = []
        if sentence.entry_ids:
            lines.append(", ".join(sentence.entry_ids[:20])
                         + (" …" if len(sentence.entry_ids) > 20 else ""))
        if sentence.claim_ids:
            lines.append(self.tr("Claim %1").replace("%1", ", ".join(sentence.claim_ids)))
        return "\n".join(lines)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.text)

    def _activated(self, item: QListWidgetItem) -> None:
        ids = item.data(Qt.ItemDataRole.UserRole)
        if ids:
            self.show_entries.emit(tuple(ids))

