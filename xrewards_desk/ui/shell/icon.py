"""The application icon, drawn with Qt: a deep blue rounded square, a white "X" and a
small gold points coin. `render(size)` draws one size; the files in resources/icons are
made with

    python -m xrewards_desk.ui.shell.icon resources/icons

(PNGs of every size desktops use, `xrewards-desk.png` at 256 and a multi-size
`xrewards-desk.ico` for Windows). `app_icon()` is what the window and the app show."""

from __future__ import annotations

import struct
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xrewards_desk.resources import resource
from xrewards_desk.ui.qt import QColor, QIcon, QPixmap, Qt

if TYPE_CHECKING:
    from xrewards_desk.ui.qt import QImage

# the names only drawing uses are imported there: the app's start reads the icon's files
# and draws nothing (ui/qt.py makes a Qt name's type at its first use)

NAME = "xrewards-desk"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: the sizes in the .ico (its format stops at 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

BLUE_TOP = QColor(0x1F, 0x4E, 0xB4)
BLUE_BOTTOM = QColor(0x12, 0x2B, 0x6E)
GOLD = QColor(0xF5, 0xB7, 0x2E)
GOLD_EDGE = QColor(0xB9, 0x7A, 0x0B)


def render(size: int) -> QImage:
    """The icon at `size` × `size` pixels, antialiased, on a transparent background."""
    from xrewards_desk.ui.qt import (
        QImage,
        QLinearGradient,
        QPainter,
        QPainterPath,
        QPen,
        QPointF,
        QRectF,
    )

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    # the tile: a rounded square with a little margin, a top-to-bottom blue gradient
    margin = max(0.5, s * 0.04)
    tile = QRectF(margin, margin, s - 2 * margin, s - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomLeft())
    gradient.setColorAt(0.0, BLUE_TOP)
    gradient.setColorAt(1.0, BLUE_BOTTOM)
    path = QPainterPath()
    path.addRoundedRect(tile, s * 0.2, s * 0.2)
    painter.fillPath(path, gradient)
    # the "X": two white strokes with round caps, a little up and left of the centre
    pen = QPen(QColor("white"))
    pen.setWidthF(max(1.6, s * 0.13))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    lo, hi = s * 0.27, s * 0.66
    painter.drawLine(QPointF(lo, lo), QPointF(hi, hi))
    painter.drawLine(QPointF(hi, lo), QPointF(lo, hi))
    # the coin, bottom right, over the X's end (from 24 px: at 16 it would be a smudge)
    if size >= 24:
        radius = s * 0.17
        centre = QPointF(s * 0.72, s * 0.72)
        ring = QPen(BLUE_BOTTOM)
        ring.setWidthF(s * 0.035)
        painter.setPen(ring)
        painter.setBrush(GOLD)
        painter.drawEllipse(centre, radius + s * 0.0175, radius + s * 0.0175)
        edge = QPen(GOLD_EDGE)
        edge.setWidthF(max(1.0, s * 0.025))
        painter.setPen(edge)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, radius * 0.62, radius * 0.62)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    from xrewards_desk.ui.qt import QBuffer

    buffer = QBuffer()
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(buffer.data().data())


def ico_bytes(sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """A multi-size .ico with PNG entries (Windows Vista and later read them). Qt's ICO
    writer stores one image a file, so the container is written here."""
    images = [png_bytes(render(size)) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, png in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        data += png
    return header + entries + data


def write_icons(folder: Path) -> list[Path]:
    """Every file of resources/icons into `folder`; returns what it wrote."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        path = folder / f"{NAME}-{size}.png"
        path.write_bytes(png_bytes(render(size)))
        written.append(path)
    main = folder / f"{NAME}.png"
    main.write_bytes(png_bytes(render(256)))
    ico = folder / f"{NAME}.ico"
    ico.write_bytes(ico_bytes())
    return [*written, main, ico]


def app_icon() -> QIcon:
    """The icon with every size from resources/icons (drawn, if the files are missing)."""
    icon = QIcon()
    for size in SIZES:
        path = resource("icons", f"{NAME}-{size}.png")
        if path.exists():
            icon.addFile(str(path))
        else:
            icon.addPixmap(QPixmap.fromImage(render(size)))
    return icon


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m xrewards_desk.ui.shell.icon FOLDER", file=sys.stderr)
        return 2
    from xrewards_desk.ui.qt import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["icon", "-platform", "offscreen"])
    assert app is not None
    for path in write_icons(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
