"""The desktop application's command-line options (kept apart so that `--help` and the
headless subcommands never import Qt)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_gui_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true",
                        help="start with the reference server and the demo program")
    parser.add_argument("--screenshots", metavar="DIR",
                        help="render each main view to a PNG file in DIR, then exit")
    parser.add_argument("--language", choices=["en", "de"],
                        help="the language of this run (default: the settings, else the "
                             "system's)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", dest="gui_data_dir",
                        help="keep data, logs and settings under DIR")
