"""Can a window open here? Asked before Qt starts (no PySide6 import), because Qt itself
answers a missing display or missing system libraries by aborting the process (exit 134)
with a message about its platform plugins that tells a person nothing they can act on.

`window_problem()` returns None where the app can start, else one sentence saying why not
and what to do (a display, the offscreen platform with --screenshots, or the Debian
packages a real window needs).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: platforms that need no display: Qt renders into memory, a framebuffer or VNC
HEADLESS = frozenset({"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs",
                      "vkkhrdisplay"})

#: what Qt's xcb platform plugin loads, with the Debian package of each
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
)

WITHOUT_WINDOW = ("or render the views without a window: "
                  "QT_QPA_PLATFORM=offscreen xrewards-desk --demo --screenshots DIR")


def window_problem(env: Mapping[str, str] | None = None,
                   libraries: Sequence[tuple[str, str]] = XCB_LIBRARIES) -> str | None:
    """None if a window can open (or none is needed), else the sentence saying why not."""
    env = os.environ if env is None else env
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None  # Windows and macOS always have their one platform
    wanted = [p.split(":", 1)[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    wanted = [p for p in wanted if p]
    if any(p in HEADLESS for p in wanted):
        return None
    wayland = bool(env.get("WAYLAND_DISPLAY"))
    if wayland and (not wanted or any(p.startswith("wayland") for p in wanted)):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return ("there is no display to open a window on (neither DISPLAY nor "
                "WAYLAND_DISPLAY is set): start it from a desktop session or over ssh -X, "
                + WITHOUT_WINDOW)
    missing = [(name, package) for name, package in libraries if not _loads(name)]
    if missing:
        return ("a window needs system libraries this machine lacks ("
                + ", ".join(name for name, _p in missing) + "): install them (Debian, "
                "Ubuntu: sudo apt-get install " + " ".join(p for _n, p in missing) + "), "
                + WITHOUT_WINDOW)
    if not _x_answers(display):
        return (f"the display {display} does not answer: check DISPLAY (and that the X "
                f"server runs and lets you in), {WITHOUT_WINDOW}")
    return None


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
        return True
    except OSError:
        inside = getattr(sys, "_MEIPASS", None)  # the bundle may carry it
        return inside is not None and any(Path(inside).rglob(name))


def _x_answers(display: str) -> bool:
    """Whether an X server lets us in at `display` (libxcb's own connect, then closed).
    Without libxcb there is nothing to ask with: Qt's plugin cannot load either, which the
    library check names."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.restype = ctypes.c_int
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.restype = None
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return bool(connection) and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection:
            xcb.xcb_disconnect(connection)
