"""The evidence of a transfer (T5, R21): the files a request cites, and the viewer the
team leads read them in.

A file added from disk is judged by its bytes (:mod:`xrewards_desk.contract.filetypes`),
never by its name, and kept in the evidence folder, from which the outbox uploads it before
the command that cites it. The viewer shows images, PDFs (through QtPdf) and e-mails as
text, from the local evidence folder or downloaded once on the network lane, checked
against its SHA-256 and kept there (sealed, issue 22); the newest pick wins
(:meth:`.tasks.Tasks.on_net` with a key). A file is decrypted in memory and shown from
there (a QBuffer for a PDF, the bytes for an image), never from a plain file on disk.
A file the desktop removed after the retention period (closed cases) is fetched again
from the server where it still serves it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xrewards_desk.contract import filetypes
from xrewards_desk.store.read.transfers import EvidenceInfo
from xrewards_desk.sync.evidence import EvidenceFolder
from xrewards_desk.ui.qt import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPdfDocument,
    QPdfView,
    QPixmap,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)
from xrewards_desk.ui.shell.desk import Desk
from xrewards_desk.ui.widgets.forms import label

#: where a list of evidence keeps each file's SHA-256
SHA_ROLE = int(Qt.ItemDataRole.UserRole)
#: an e-mail is shown as text up to this many bytes
MAIL_SHOWN = 200_000

#: a file from disk: (its name, its SHA-256 once kept, or why it was refused)
Judged = tuple[str, str | None, str | None]


def evidence_folder(desk: Desk) -> EvidenceFolder:
    """The folder the outbox reads the files it uploads from (the session's data folder,
    which the app sets to its data path)."""
    session = desk.session
    if session is not None:
        folder: EvidenceFolder = session.evidence()
        return folder
    return EvidenceFolder.of(desk.paths.data, desk.store)


def evidence_item(text: str, sha: str) -> QListWidgetItem:
    """A file in a list of evidence: `text`, its SHA-256 kept and in the tooltip."""
    item = QListWidgetItem(text)
    item.setData(SHA_ROLE, sha)
    item.setToolTip(sha)
    return item


def shas(files: QListWidget) -> list[str]:
    """The SHA-256 of each file in a list of evidence, in its order."""
    return [str(files.item(i).data(SHA_ROLE)) for i in range(files.count())]


def judge(folder: EvidenceFolder, paths: Sequence[Path], language: str) -> list[Judged]:
    """Read each file and judge it by its bytes: kept in `folder` if it is accepted
    evidence, else named with the reason in `language` (and not kept). Runs off the GUI
    thread."""
    answers: list[Judged] = []
    for path in paths:
        name = path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            answers.append((name, None, f"{name}: {exc.strerror or exc}"))
            continue
        why = filetypes.refusal(data, name, language)
        answers.append((name, None, why) if why is not None
                       else (name, folder.put(data, name), None))
    return answers


class NotHeld(LookupError):
    """The file is not on this desktop and the server could not give it now."""


class EvidencePane(QWidget):
    """A request's evidence files, and the one picked shown: a message, an image, a PDF,
    or an e-mail's text. `shown` is the SHA-256 on screen, `kind` what shows it ("pdf",
    "image", "mail", or "" for a message)."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.files: tuple[EvidenceInfo, ...] = ()
        self.shown: str | None = None
        self.kind = ""
        self.image: QPixmap | None = None
        self.heading = QLabel()
        self.list = QListWidget()
        self.list.setObjectName("evidence_list")
        self.list.setMaximumHeight(90)
        self.list.currentRowChanged.connect(lambda _r: self.show_picked())

        self.viewer = QStackedWidget()
        self.viewer.setObjectName("evidence_viewer")
        self.message = label("evidence_message", align=Qt.AlignmentFlag.AlignCenter)
        self.image_label = label("evidence_image", wrap=False,
                                 align=Qt.AlignmentFlag.AlignCenter)
        self.image_area = QScrollArea()
        self.image_area.setWidget(self.image_label)
        self.image_area.setWidgetResizable(True)
        self.pdf_document = QPdfDocument(self)
        #: the PDF on screen, decrypted in memory: the document reads it from here
        self.pdf_buffer: QBuffer | None = None
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("evidence_pdf")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.mail_text = QPlainTextEdit()
        self.mail_text.setObjectName("evidence_mail")
        self.mail_text.setReadOnly(True)
        for page in (self.message, self.image_area, self.pdf_view, self.mail_text):
            self.viewer.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.list):
            layout.addWidget(widget)
        layout.addWidget(self.viewer, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Evidence"))
        self.show_files(self.files)

    # ------------------------------------------------------------------ the files
    def _line(self, e: EvidenceInfo) -> str:
        return (f"{e.label} · {filetypes.LABELS.get(e.media_type, e.media_type)} · "
                f"{self.desk.fmt().size(e.size)}")

    def show_files(self, files: Sequence[EvidenceInfo]) -> None:
        """The files of a request; the first picked and shown. The same files again (a
        language switch, a refresh) keep the pick: only their words follow the language
        (sizes grouped per locale)."""
        self.files = tuple(files)
        if shas(self.list) == [e.sha256 for e in self.files]:
            for i, e in enumerate(self.files):
                self.list.item(i).setText(self._line(e))
            if not self.files:
                self.show_picked()
            return
        self.list.blockSignals(True)
        self.list.clear()
        for e in self.files:
            self.list.addItem(evidence_item(self._line(e), e.sha256))
        if self.files:
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.show_picked()

    # ------------------------------------------------------------------ the viewer
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.viewer.setCurrentWidget(self.message)
        self.kind = ""

    def show_picked(self) -> None:
        """Show the picked file: from the evidence folder, or downloaded (on the network
        lane), checked against its SHA-256 and kept there. The newest pick wins."""
        row = self.list.currentRow()
        key = (self, "evidence")
        self.shown = None
        if not 0 <= row < len(self.files):
            self.desk.tasks.forget(key)
            self.show_message(self.tr("No evidence to show."))
            return
        info = self.files[row]
        folder = evidence_folder(self.desk)
        session = self.desk.session
        client = session.client if session is not None else None

        def work() -> tuple[str, bytes]:
            if folder.has(info.sha256):
                return info.sha256, folder.read(info.sha256)
            if client is None:
                raise NotHeld("")  # said as "not signed in" in the desk's language
            try:
                data = client.evidence(info.sha256)
            except Exception as exc:
                raise NotHeld(str(exc)) from exc
            if hashlib.sha256(data).hexdigest() != info.sha256:
                raise ValueError("the downloaded file does not match its SHA-256")
            folder.put(data, info.label)
            return info.sha256, data

        self.show_message(self.tr("Fetching %1…").replace("%1", info.label))
        self.desk.tasks.on_net(work, lambda answer: self._fetched(*answer),
                               lambda exc: self._failed(info.label, exc), key=key)

    def _load_pdf(self, data: bytes) -> Any:
        """The PDF from memory (a QBuffer the document keeps reading); its error."""
        self.pdf_document.close()
        old, self.pdf_buffer = self.pdf_buffer, QBuffer(self)
        self.pdf_buffer.setData(QByteArray(data))
        self.pdf_buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_document.load(self.pdf_buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        return self.pdf_document.error()

    def _fetched(self, sha: str, data: bytes) -> None:
        kind = filetypes.sniff(data)
        self.shown = sha
        if kind == filetypes.PDF:
            error = self._load_pdf(data)
            if error != QPdfDocument.Error.None_ or self.pdf_document.pageCount() < 1:
                self.show_message(self.tr("The PDF cannot be shown (%1).").replace(
                    "%1", str(error.name)))
                return
            self.viewer.setCurrentWidget(self.pdf_view)
            self.kind = "pdf"
        elif kind in (filetypes.PNG, filetypes.JPEG):
            pixmap = QPixmap()
            if not pixmap.loadFromData(data):
                self.show_message(self.tr("The image cannot be shown."))
                return
            self.image = pixmap
            self.viewer.setCurrentWidget(self.image_area)
            self.kind = "image"
            self._scale_image()
        elif kind == filetypes.EMAIL:
            self.mail_text.setPlainText(data[:MAIL_SHOWN].decode("utf-8", "replace"))
            self.viewer.setCurrentWidget(self.mail_text)
            self.kind = "mail"
        else:
            self.show_message(self.tr("This file is not a PDF, image or e-mail message."))

    def _failed(self, name: str, exc: BaseException) -> None:
        if isinstance(exc, NotHeld):  # removed after the retention period, or never here
            from xrewards_desk.ui.shell.retention import retention_months

            months = retention_months(self.desk)
            self.show_message(self.tr(
                "%1 is not on this desktop: files of closed cases are removed from it "
                "after %n month(s) and stay on the server. It cannot be fetched from the "
                "server now (%2).", "", months).replace("%1", name).replace(
                    "%2", str(exc) or self.tr("not signed in")))
            return
        self.show_message(self.tr("%1 cannot be fetched: %2").replace("%1", name).replace(
            "%2", str(exc)))

    def _scale_image(self) -> None:
        if self.image is None:
            return
        room = self.image_area.viewport().size()
        pixmap = self.image
        if pixmap.width() > room.width() or pixmap.height() > room.height():
            pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(pixmap)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.kind == "image":
            self._scale_image()
