"""The Qt names the application uses, in one place: every other module imports from here.

Qt Widgets, QtCharts (from pyside6-addons), QtPdf and QtPdfWidgets (from pyside6-pdf, for
the evidence viewer) and nothing that needs a web engine. QtCharts and QtPdf are imported
when one of their names is first asked for (the chart, the evidence viewer), not with
this module: the window paints without them (issue 23).

Every name is looked up in its Qt module when first asked for (``from
xrewards_desk.ui.qt import QLabel`` or ``qt.QLabel``), then kept here: PySide6 makes a Qt
class's Python type, with its enums, at the first use of its name, and the names of views
not yet open (3 MB for all of them) wait until those views' modules are imported."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6 import __version__ as PYSIDE6_VERSION


def _keep_constants_alive() -> None:
    """PySide6 6.12's ``Signal.emit()`` hands back True (or None) without the reference
    it gives away, so every emit from Python takes one reference of True; on Python 3.11,
    where True, False and None are not immortal, the process aborts with ``bool_dealloc``
    once the count reaches zero, after some thousands of signals (a long sync's progress).
    Python 3.12 made them immortal; here they get 2**40 references more, what as many
    ``Py_INCREF`` would give, which no process emits signals enough to use up
    (tests/test_qt_signals.py)."""
    if sys.version_info >= (3, 12) or tuple(
            int(part) for part in PYSIDE6_VERSION.split(".")[:2]) < (6, 12):
        return
    import ctypes

    for constant in (True, False, None):  # ob_refcnt is a Py_ssize_t at the object's start
        ctypes.c_ssize_t.from_address(id(constant)).value += 1 << 40


_keep_constants_alive()

if TYPE_CHECKING:
    from PySide6.QtCharts import (
        QChart,
        QChartView,
        QDateTimeAxis,
        QLineSeries,
        QValueAxis,
    )
    from PySide6.QtCore import (
        QT_TRANSLATE_NOOP,
        QAbstractTableModel,
        QBuffer,
        QByteArray,
        QCoreApplication,
        QDate,
        QDateTime,
        QEvent,
        QFileSystemWatcher,
        QIODevice,
        QItemSelectionModel,
        QLibraryInfo,
        QLocale,
        QMarginsF,
        QModelIndex,
        QObject,
        QPersistentModelIndex,
        QPoint,
        QPointF,
        QRectF,
        QSettings,
        QSize,
        QSizeF,
        Qt,
        QTime,
        QTimer,
        QTranslator,
        QUrl,
        Signal,
        Slot,
        qVersion,
    )
    from PySide6.QtGui import (
        QAction,
        QActionGroup,
        QBrush,
        QCloseEvent,
        QColor,
        QDesktopServices,
        QFont,
        QGuiApplication,
        QIcon,
        QImage,
        QImageReader,
        QImageWriter,
        QKeySequence,
        QLinearGradient,
        QPageLayout,
        QPageSize,
        QPainter,
        QPainterPath,
        QPalette,
        QPdfWriter,
        QPen,
        QPixmap,
        QShortcut,
        QTextDocument,
    )
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QApplication,
        QBoxLayout,
        QCheckBox,
        QComboBox,
        QDateEdit,
        QDateTimeEdit,
        QDialog,
        QDialogButtonBox,
        QFileDialog,
        QFormLayout,
        QFrame,
        QGridLayout,
        QGroupBox,
        QHBoxLayout,
        QHeaderView,
        QLabel,
        QLayout,
        QLineEdit,
        QListWidget,
        QListWidgetItem,
        QMainWindow,
        QMenu,
        QMenuBar,
        QMessageBox,
        QPlainTextEdit,
        QProgressBar,
        QPushButton,
        QScrollArea,
        QSpinBox,
        QSplitter,
        QStackedWidget,
        QStatusBar,
        QTableView,
        QTableWidget,
        QTableWidgetItem,
        QTabWidget,
        QTextBrowser,
        QTextEdit,
        QToolBar,
        QToolButton,
        QVBoxLayout,
        QWidget,
    )



def _read_source_once() -> None:
    """PySide6 asks of every module imported after it whether its source names
    "PySide6" (shibokensupport's feature.py, for ``from __feature__ import``), through
    ``inspect.getsource``, which keeps every line of every such file in ``linecache``
    for the rest of the run: 26 MB of strings on the desktop's start, a sixth of its peak
    memory (issue 23). The same question, asked by reading the file's bytes once and
    keeping nothing; a module without a readable ``.py`` file goes the upstream way."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None or getattr(upstream, "reads_once", False):
        return

    def uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(upstream(module))

    uses_pyside.reads_once = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


_read_source_once()

#: the names imported when first used, and the Qt module of each
LATER = {
    "QChart": "PySide6.QtCharts", "QChartView": "PySide6.QtCharts",
    "QDateTimeAxis": "PySide6.QtCharts", "QLineSeries": "PySide6.QtCharts",
    "QValueAxis": "PySide6.QtCharts", "QPdfDocument": "PySide6.QtPdf",
    "QPdfView": "PySide6.QtPdfWidgets",
}


#: where every other name of __all__ is: Qt Core, Gui and Widgets (imported with this module)
_MODULES = (QtCore, QtGui, QtWidgets)


def __getattr__(name: str) -> Any:
    """A Qt name, from its module at the first use (then kept here); QtCharts' and QtPdf's
    import their module then."""
    if name in LATER:
        value = getattr(import_module(LATER[name]), name)
    elif name in __all__:
        value = next(getattr(module, name) for module in _MODULES if hasattr(module, name))
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "PYSIDE6_VERSION",
    "QT_TRANSLATE_NOOP",
    "QAbstractButton",
    "QAbstractItemView",
    "QAbstractTableModel",
    "QAction",
    "QActionGroup",
    "QApplication",
    "QBoxLayout",
    "QBrush",
    "QBuffer",
    "QByteArray",
    "QChart",
    "QChartView",
    "QCheckBox",
    "QCloseEvent",
    "QColor",
    "QComboBox",
    "QCoreApplication",
    "QDate",
    "QDateEdit",
    "QDateTime",
    "QDateTimeAxis",
    "QDateTimeEdit",
    "QDesktopServices",
    "QDialog",
    "QDialogButtonBox",
    "QEvent",
    "QFileDialog",
    "QFileSystemWatcher",
    "QFont",
    "QFormLayout",
    "QFrame",
    "QGridLayout",
    "QGroupBox",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QIODevice",
    "QIcon",
    "QImage",
    "QImageReader",
    "QImageWriter",
    "QItemSelectionModel",
    "QKeySequence",
    "QLabel",
    "QLayout",
    "QLibraryInfo",
    "QLineEdit",
    "QLineSeries",
    "QLinearGradient",
    "QListWidget",
    "QListWidgetItem",
    "QLocale",
    "QMainWindow",
    "QMarginsF",
    "QMenu",
    "QMenuBar",
    "QMessageBox",
    "QModelIndex",
    "QObject",
    "QPageLayout",
    "QPageSize",
    "QPainter",
    "QPainterPath",
    "QPalette",
    "QPdfDocument",
    "QPdfView",
    "QPdfWriter",
    "QPen",
    "QPersistentModelIndex",
    "QPixmap",
    "QPlainTextEdit",
    "QPoint",
    "QPointF",
    "QProgressBar",
    "QPushButton",
    "QRectF",
    "QScrollArea",
    "QSettings",
    "QShortcut",
    "QSize",
    "QSizeF",
    "QSpinBox",
    "QSplitter",
    "QStackedWidget",
    "QStatusBar",
    "QTabWidget",
    "QTableView",
    "QTableWidget",
    "QTableWidgetItem",
    "QTextBrowser",
    "QTextDocument",
    "QTextEdit",
    "QTime",
    "QTimer",
    "QToolBar",
    "QToolButton",
    "QTranslator",
    "QUrl",
    "QVBoxLayout",
    "QValueAxis",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
    "qVersion",
]
