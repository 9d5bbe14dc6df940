"""Settings, sign-in and the list of refused commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xrewards_desk.domain.deadlines import DeadlineError
from xrewards_desk.ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from xrewards_desk.ui.shell import settings as st
from xrewards_desk.ui.widgets import forms
from xrewards_desk.ui.widgets.i18n import Fmt
from xrewards_desk.ui.widgets.models import Column, RowsModel, table_view

if TYPE_CHECKING:
    from xrewards_desk.store.read.lookups import Refusal


def _error_line(text: str = "") -> QLabel:
    """The red line under a dialog's form saying what to correct."""
    line = forms.label("error", color="#b91c1c")
    line.setText(text)
    return line


class SettingsDialog(QDialog):
    """Each declared setting with its label; the API address and the service targets
    (domain/deadlines.ServiceTargets) are checked before anything is kept."""

    def __init__(self, settings: st.Settings, parent: QWidget | None = None,
                 first_start: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("settings")
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        form = QFormLayout()
        self.editors: dict[str, Any] = {}
        for setting in st.ALL:
            label = self.translate_label(setting.label)
            if setting.choices:
                editor: Any = QComboBox()
                for value, text in setting.choices:
                    editor.addItem(self.translate_label(text), value)
                editor.setCurrentIndex(max(0, editor.findData(settings.get(setting))))
            elif setting.type is int:
                editor = QSpinBox()
                editor.setRange(1, 240)
                editor.setValue(settings.get(setting))
            else:
                editor = QLineEdit(settings.get(setting))
            if setting is st.API_URL:
                editor.setPlaceholderText("https://rewards.example/api")
            self.editors[setting.key] = editor
            form.addRow(label, editor)
        self.error = _error_line()
        buttons = forms.ok_cancel(self)
        layout = QVBoxLayout(self)
        if first_start:
            intro = QLabel(self.tr("Welcome. Enter the address of the rewards API and your "
                                   "user name once; they are kept in your settings."))
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def translate_label(self, text: str) -> str:
        from xrewards_desk.ui.qt import QCoreApplication

        return QCoreApplication.translate("Settings", text)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for setting in st.ALL:
            editor = self.editors[setting.key]
            if isinstance(editor, QComboBox):
                out[setting.key] = editor.currentData()
            elif isinstance(editor, QSpinBox):
                out[setting.key] = editor.value()
            else:
                out[setting.key] = editor.text().strip()
        return out

    def accept(self) -> None:
        values = self.values()
        url = values[st.API_URL.key]
        if url and not url.startswith(("http://", "https://")):
            self.error.setText(self.tr("The API address must start with http:// or https://."))
            return
        if not url or not values[st.USER.key]:
            self.error.setText(self.tr("Enter the API address and your user name."))
            return
        try:
            st.targets_of(values)
        except DeadlineError as exc:
            self.error.setText(self.tr("The service targets cannot be used: %1").replace(
                "%1", str(exc)))
            return
        for setting in st.ALL:
            self.settings.set(setting, values[setting.key])
        super().accept()


class SignInDialog(QDialog):
    """The password for the API; the check runs off the GUI thread (`attempt`)."""

    def __init__(self, api: str, user: str,
                 attempt: Callable[[str, Callable[[str | None], None]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signin")
        self.attempt = attempt
        self.setWindowTitle(self.tr("Sign in"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("API"), QLabel(api))
        form.addRow(self.tr("User"), QLabel(user))
        form.addRow(self.tr("Password"), self.password)
        self.error = _error_line()
        self.buttons = forms.ok_cancel(self)
        forms.column(self, form, self.error, self.buttons)

    def accept(self) -> None:
        password = self.password.text()
        if not password:
            self.error.setText(self.tr("Enter your password."))
            return
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Signing in…"))
        self.attempt(password, self._answer)

    def _answer(self, problem: str | None) -> None:
        self.buttons.setEnabled(True)
        if problem is None:
            self.password.clear()
            super().accept()
        else:
            self.error.setText(problem)
            self.password.selectAll()
            self.password.setFocus()


class PassphraseDialog(QDialog):
    """The passphrase that protects the local store's key where no keyring keeps it (a
    `new` one typed twice). It only collects the text: the key is made or opened off the
    GUI thread (scrypt takes about half a second)."""

    def __init__(self, folder: str, new: bool, wrong: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphrase")
        self.new = new
        self.setWindowTitle(self.tr("Passphrase of the local data"))
        intro = QLabel(self.tr(
            "This computer has no keyring to keep the key of the encrypted local data in. "
            "Choose a passphrase: it is asked at each start, and without it the local data "
            "cannot be read (it can be synced again from the server).") if new else self.tr(
            "The key of the encrypted local data is protected by a passphrase. Enter it to "
            "open the local data."))
        intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Data folder"), QLabel(folder))
        form.addRow(self.tr("Passphrase"), self.passphrase)
        if new:
            form.addRow(self.tr("Passphrase again"), self.again)
        self.error = _error_line(self.tr("The passphrase is wrong. Try again.") if wrong
                                 else "")
        forms.column(self, intro, form, self.error, forms.ok_cancel(self))
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        given = self.passphrase.text()
        if not given:
            self.error.setText(self.tr("Enter the passphrase."))
            return
        if self.new and given != self.again.text():
            self.error.setText(self.tr("The two passphrases differ. Type the same one twice."))
            return
        super().accept()


class RefusalsDialog(QDialog):
    """Commands the server refused, with its reasons, for the agent to act on."""

    def __init__(self, refusals: list[Refusal], fmt: Callable[[], Fmt],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refusals")
        self.setWindowTitle(self.tr("Refused commands"))
        self.resize(760, 320)
        model: RowsModel[Refusal] = RowsModel([
            Column(lambda: self.tr("When"), lambda r: fmt().when(r.created_at)),
            Column(lambda: self.tr("Command"), lambda r: r.kind),
            Column(lambda: self.tr("Code"), lambda r: r.code),
            Column(lambda: self.tr("Reason"), lambda r: r.message,
                   tooltip=lambda r: r.message),
        ], self)
        model.set_rows(refusals)
        table = table_view(model)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        text = QLabel(self.tr("The server refused these commands; none of them was "
                              "applied. Look at the reason, then act again if needed.")
                      if refusals else self.tr("No refused commands."))
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(table)
        layout.addWidget(buttons)
