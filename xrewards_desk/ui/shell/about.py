"""About X-Points Desk: its name, version and purpose, and the libraries it ships with
their versions and licences, read from the installed distributions' metadata (the runtime
dependencies of ``xrewards-desk``, walked recursively; no test extras), plus Qt and
PySide6 themselves."""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from importlib import metadata

from xrewards_desk import __version__
from xrewards_desk.ui.qt import (
    PYSIDE6_VERSION,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    qVersion,
)
from xrewards_desk.ui.shell.icon import app_icon

ROOT = "xrewards-desk"


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    #: an SPDX expression or the licence's name; None when the metadata names none
    licence: str | None


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    values = meta.get_all(key) or []
    return str(values[0]).strip() if values else ""


def licence_of(meta: metadata.PackageMetadata) -> str | None:
    """License-Expression, else a one-line License field, else the License :: classifiers,
    else the first line of a License field that holds the whole text."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    text = _field(meta, "License")
    if text and "\n" not in text and len(text) <= 80 and text.upper() != "UNKNOWN":
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    classifiers = [c for c in classifiers if c not in {"OSI Approved", ""}]
    if classifiers:
        return ", ".join(dict.fromkeys(classifiers))
    if text and text.upper() != "UNKNOWN":
        first = text.splitlines()[0].strip()
        return first if len(first) <= 60 else first[:59] + "…"
    return None


def _requirements(dist: metadata.Distribution, extras: frozenset[str]
                  ) -> list[tuple[str, frozenset[str]]]:
    """The distributions `dist` needs at run time with the given extras: (name, extras)."""
    found = []
    for line in dist.requires or []:
        try:
            from packaging.requirements import InvalidRequirement, Requirement
        except ImportError:  # a bundle without packaging: markers only for extras
            found.extend(_crude(line, extras))
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        marker = requirement.marker
        if marker is not None and not any(
                marker.evaluate({"extra": extra}) for extra in (extras or {""})):
            continue
        found.append((requirement.name, frozenset(requirement.extras)))
    return found


def _crude(line: str, extras: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    spec, _, marker = line.partition(";")
    wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
    if wanted and not set(wanted) & extras:
        return []
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
    if match is None:
        return []
    named = frozenset(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
    return [(match.group(1), named)]


def bundled_libraries(root: str = ROOT) -> list[Library] | None:
    """Every distribution `root` needs at run time, recursively, sorted by name; None when
    `root` has no metadata (a bundle built without it)."""
    try:
        start = metadata.distribution(root)
    except metadata.PackageNotFoundError:
        return None
    seen: dict[str, Library] = {}
    queue = _requirements(start, frozenset())
    visited: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, extras = queue.pop()
        key = _canonical(name)
        if (key, extras) in visited:
            continue
        visited.add((key, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a marker that does not apply here, or not shipped
        meta = dist.metadata
        seen[key] = Library(_field(meta, "Name") or name, dist.version, licence_of(meta))
        queue.extend(_requirements(dist, extras))
    return sorted(seen.values(), key=lambda lib: lib.name.casefold())


def qt_libraries() -> list[Library]:
    """Qt and PySide6 (the Qt libraries come inside PySide6's wheels, under its licence),
    and the Python that runs them."""
    try:
        licence = licence_of(metadata.distribution("pyside6-essentials").metadata)
    except metadata.PackageNotFoundError:
        licence = None
    licence = licence or "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"
    return [Library("Qt", qVersion(), licence), Library("PySide6", PYSIDE6_VERSION, licence),
            Library("Python", platform.python_version(), "PSF-2.0")]


def key_sentence(source: str | None) -> str:
    """How the local data is protected: where its key came from (store/keys.py)."""
    words = {
        "keyring": QCoreApplication.translate(
            "LocalData", "The local data is encrypted; its key is kept in the system "
                         "keyring."),
        "environment": QCoreApplication.translate(
            "LocalData", "The local data is encrypted; its key comes from the "
                         "XREWARDS_STORE_KEY variable."),
        "passphrase": QCoreApplication.translate(
            "LocalData", "The local data is encrypted; its key is protected by your "
                         "passphrase."),
        "memory": QCoreApplication.translate(
            "LocalData", "The demo's local data is encrypted with a key held in memory "
                         "for this run only."),
    }
    return words.get(source or "", QCoreApplication.translate(
        "LocalData", "The local data is not encrypted."))


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, key_source: str | None = None,
                 opened: bool = False) -> None:
        """`key_source`: where the local store's key came from, once it is `opened`."""
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(self.tr("About X-Points Desk"))
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        name = QLabel(self.tr("X-Points Desk"))
        name.setObjectName("name")
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        name.setFont(font)
        self.version = QLabel(self.tr("Version %1").replace("%1", __version__))
        self.version.setObjectName("version")
        what = QLabel(self.tr(
            "The back-office desktop of the X-Points rewards program: balances, "
            "objections, transfers and abuse review."))
        what.setWordWrap(True)
        self.protection = QLabel(key_sentence(key_source) if opened else "")
        self.protection.setObjectName("protection")
        self.protection.setWordWrap(True)
        self.protection.setVisible(opened)
        heading = QVBoxLayout()
        for widget in (name, self.version, what, self.protection):
            heading.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addLayout(heading, 1)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("libraries")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Library"), self.tr("Version"), self.tr("Licence")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.fill(bundled_libraries())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("Bundled libraries")))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 520)

    def fill(self, libraries: list[Library] | None) -> None:
        rows: list[tuple[str, str, str]] = [
            (lib.name, lib.version, lib.licence or "") for lib in qt_libraries()]
        if libraries is None:
            rows.append((self.tr("(the other libraries)"), "",
                         self.tr("not listed: this build carries no package metadata")))
        else:
            rows += [(lib.name, lib.version, lib.licence or self.tr("see its files"))
                     for lib in libraries]
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def rows(self) -> list[tuple[str, str, str]]:
        """The table's text (for tests)."""
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]
