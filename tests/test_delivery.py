"""Delivery: the application icon in every size desktops use, the Linux .desktop entry,
`--version` from the package metadata (and without it), and the About dialog's libraries."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from xrewards_desk.resources import resource

pytest.importorskip("PySide6.QtWidgets")

from xrewards_desk.ui.qt import QApplication, QImage, QImageReader, Qt
from xrewards_desk.ui.shell import icon
from xrewards_desk.ui.shell.about import AboutDialog, bundled_libraries, licence_of
from xrewards_desk.ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = resource("xrewards-desk.desktop")


# --------------------------------------------------------------------------- icon
#: Qt's antialiasing rounds by one unit differently on different processors (its SIMD
#: paths): 12 of 576 pixels of the 24 px icon differed by 1 between two machines. A change
#: to the drawing moves whole edges and colours by far more.
ROUNDING = 2


def _largest_difference(a: QImage, b: QImage) -> int:
    """The largest difference of any channel of any pixel (sizes must match)."""
    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    b = b.convertToFormat(QImage.Format.Format_ARGB32)
    assert a.size() == b.size()
    return max((abs(((pa >> k) & 255) - ((pb >> k) & 255))
                for y in range(a.height()) for x in range(a.width())
                if (pa := a.pixel(x, y)) != (pb := b.pixel(x, y)) for k in (0, 8, 16, 24)),
               default=0)


def test_the_committed_icons_are_what_the_script_draws(qapp: QApplication,
                                                       tmp_path: Path) -> None:
    written = icon.write_icons(tmp_path)
    assert {p.name for p in written} == {
        *(f"xrewards-desk-{s}.png" for s in icon.SIZES), "xrewards-desk.png",
        "xrewards-desk.ico"}
    for size in icon.SIZES:
        committed = QImage(str(resource("icons", f"xrewards-desk-{size}.png")))
        assert (committed.width(), committed.height()) == (size, size)
        fresh = QImage(str(tmp_path / f"xrewards-desk-{size}.png"))
        assert _largest_difference(committed, fresh) <= ROUNDING, f"regenerate {size}"
    main = QImage(str(resource("icons", "xrewards-desk.png")))
    assert (main.width(), main.height()) == (256, 256)


def test_the_icon_is_a_blue_tile_with_a_white_mark_on_transparency(qapp: QApplication
                                                                   ) -> None:
    image = icon.render(64).convertToFormat(QImage.Format.Format_ARGB32)
    assert image.pixelColor(0, 0).alpha() == 0  # the rounded corner
    centre = image.pixelColor(int(64 * 0.465), int(64 * 0.465))
    assert centre.red() > 240 and centre.green() > 240 and centre.blue() > 240  # the X
    edge = image.pixelColor(32, 5)
    assert edge.blue() > edge.red() + 60 and edge.alpha() == 255  # the deep blue


def test_the_ico_holds_every_size_up_to_256(qapp: QApplication) -> None:
    path = resource("icons", "xrewards-desk.ico")
    data = path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(icon.ICO_SIZES))
    reader = QImageReader(str(path))
    sizes = []
    for i in range(reader.imageCount()):
        reader.jumpToImage(i)
        image = reader.read()
        sizes.append(image.width())
    assert sizes == list(icon.ICO_SIZES)


def test_the_window_and_the_app_carry_the_icon(qapp: QApplication) -> None:
    app_icon = icon.app_icon()
    sizes = {(s.width(), s.height()) for s in app_icon.availableSizes()}
    assert {(s, s) for s in icon.SIZES} <= sizes


# --------------------------------------------------------------------------- .desktop
def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep case
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_names_the_app_its_command_and_its_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == entry["Name[de]"] == "X-Points Desk"
    assert entry["Comment"] and entry["Comment[de]"] and \
        entry["Comment"] != entry["Comment[de]"]
    assert entry["Exec"] == "xrewards-desk"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Office;Finance;"
    assert entry["StartupWMClass"] == "xrewards-desk" == icon.NAME
    assert (resource("icons") / f"{entry['Icon']}.png").is_file()
    # the app says it is this desktop file (main.run_gui)
    source = (ROOT / "xrewards_desk" / "ui" / "shell" / "main.py").read_text()
    assert "setDesktopFileName(NAME)" in source and 'setApplicationName("xrewards-desk")' \
        in source


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_the_desktop_entry_is_valid() -> None:
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


# --------------------------------------------------------------------------- --version
def test_version_is_the_package_metadata() -> None:
    done = subprocess.run([sys.executable, "-m", "xrewards_desk", "--version"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"xrewards-desk {metadata.version('xrewards-desk')}"


#: a bundle without dist-info: importlib.metadata knows no xrewards-desk, then the app runs
NO_METADATA = """
import importlib.metadata as md, runpy, sys
real = md.version
def version(name):
    if name.replace("_", "-").lower() == "xrewards-desk":
        raise md.PackageNotFoundError(name)
    return real(name)
md.version = version
sys.argv = ["xrewards-desk", "--version"]
runpy.run_module("xrewards_desk", run_name="__main__", alter_sys=True)
"""


def test_version_without_metadata_falls_back_to_the_source_version(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", NO_METADATA], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "xrewards-desk 0.0.0+source"


# --------------------------------------------------------------------------- About
def test_the_libraries_are_the_runtime_dependencies_walked_recursively() -> None:
    libraries = bundled_libraries()
    assert libraries is not None
    names = {lib.name.lower().replace("_", "-") for lib in libraries}
    # direct dependencies, and theirs (fastapi → starlette, pydantic → pydantic-core)
    assert {"fastapi", "starlette", "pydantic", "pydantic-core", "sqlalchemy",
            "pyside6-essentials", "shiboken6", "psycopg-binary"} <= names
    # no test extras, and not the app itself
    assert not {"pytest", "hypothesis", "ruff", "mypy", "pytest-qt"} & names
    assert "xrewards-desk" not in names
    for lib in libraries:
        assert lib.version == metadata.version(lib.name)
    by_name = {lib.name.lower(): lib for lib in libraries}
    assert by_name["fastapi"].licence == "MIT"


def test_a_licence_from_classifiers_or_none() -> None:
    class Meta:
        def __init__(self, **fields: Any) -> None:
            self.fields = fields

        def get_all(self, key: str, failobj: Any = None) -> Any:
            value = self.fields.get(key.replace("-", "_"))
            if value is None:
                return failobj
            return value if isinstance(value, list) else [value]

    assert licence_of(Meta(License_Expression="MIT")) == "MIT"  # type: ignore[arg-type]
    assert licence_of(Meta(License="BSD")) == "BSD"  # type: ignore[arg-type]
    assert licence_of(Meta(  # type: ignore[arg-type]
        License="Copyright (c) 2020 someone\n\nPermission is hereby granted…",
        Classifier=["License :: OSI Approved :: MIT License",
                    "Programming Language :: Python"])) == "MIT License"
    assert licence_of(Meta(Classifier=["Topic :: Office"])) is None  # type: ignore[arg-type]


def test_the_about_dialog_names_the_version_qt_pyside_and_every_library(
        qtbot: Any) -> None:
    from PySide6 import __version__ as pyside

    from xrewards_desk import __version__
    from xrewards_desk.ui.qt import qVersion

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "about"
    assert __version__ in dialog.version.text()
    rows = dialog.rows()
    assert ("Qt", qVersion()) == rows[0][:2] and ("PySide6", pyside) == rows[1][:2]
    libraries = bundled_libraries()
    assert libraries is not None
    assert len(rows) == 3 + len(libraries)
    assert all(row[2] for row in rows)  # a licence, or "see its files"


def test_without_metadata_the_table_says_so(qtbot: Any) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.fill(None)
    rows = dialog.rows()
    assert len(rows) == 4 and "no package metadata" in rows[3][2]


def test_about_is_reachable_from_the_window_with_f1(qtbot: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_ui import make_desk

    shown: list[str] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self.objectName()))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    from xrewards_desk.store.db import Store, sqlite_url

    store = Store.open(sqlite_url(tmp_path / "desk.sqlite"))
    desk = make_desk(app, tmp_path / "app", store)
    try:
        window = MainWindow(desk)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        assert window.about_action in window.help_menu.actions()  # shown with its key
        assert window.about_action.shortcut().toString() == "F1"
        qtbot.keyClick(window, Qt.Key.Key_F1)
        assert shown == ["about"]
    finally:
        desk.tasks.shutdown()
        store.close()
