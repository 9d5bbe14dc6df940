"""The window and the local store's key (issue 22): About says where the key came from, in
English and German, and the passphrase dialog refuses what cannot be used."""

from __future__ import annotations

from typing import Any

from xrewards_desk.ui.qt import QApplication
from xrewards_desk.ui.shell.about import AboutDialog, key_sentence
from xrewards_desk.ui.shell.dialogs import PassphraseDialog
from xrewards_desk.ui.widgets.i18n import Language


def test_about_says_where_the_key_of_the_local_data_came_from(qtbot: Any,
                                                              qapp: QApplication) -> None:
    language = Language(qapp)
    try:
        for source, english in (("keyring", "kept in the system keyring"),
                                ("environment", "XREWARDS_STORE_KEY"),
                                ("passphrase", "protected by your passphrase"),
                                ("memory", "held in memory for this run only"),
                                (None, "not encrypted")):
            language.switch("en")
            dialog = AboutDialog(None, source, opened=True)
            qtbot.addWidget(dialog)
            assert english in dialog.protection.text()
            language.switch("de")
            assert key_sentence(source).startswith("Die lokalen Daten")
        not_open = AboutDialog(None, None, opened=False)  # before the store is open
        qtbot.addWidget(not_open)
        assert not not_open.protection.isVisibleTo(not_open)
    finally:
        language.switch("en")


def test_the_passphrase_dialog_refuses_an_empty_or_mistyped_passphrase(
        qtbot: Any, qapp: QApplication) -> None:
    new = PassphraseDialog("/data", new=True)
    qtbot.addWidget(new)
    new.accept()
    assert new.error.text() == "Enter the passphrase." and new.result() == 0
    new.passphrase.setText("correct horse")
    new.again.setText("correct hose")
    new.accept()
    assert "differ" in new.error.text() and new.result() == 0
    new.again.setText("correct horse")
    new.accept()
    assert new.result() == 1

    known = PassphraseDialog("/data", new=False, wrong=True)
    qtbot.addWidget(known)
    assert known.error.text() == "The passphrase is wrong. Try again."
    assert not known.again.isVisibleTo(known)  # asked once where it is not new
    known.passphrase.setText("anything")
    known.accept()
    assert known.result() == 1
