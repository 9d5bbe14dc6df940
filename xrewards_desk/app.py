"""The command line: ``xrewards-desk``.

Subcommands so far:
    xrewards-desk rules check PATH...   run conformance vectors through the rules engine
    xrewards-desk --version
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xrewards-desk",
        description="Back-office desktop of the X-Points rewards program.",
    )
    parser.add_argument("--version", action="version", version=f"xrewards-desk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    rules = commands.add_parser("rules", help="the rules engine")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    check = rules_commands.add_parser(
        "check", help="run conformance vectors (files or folders of *.json)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "rules" and args.rules_command == "check":
        from .conformance import main as conformance_main

        return conformance_main(args.paths)
    if args.command == "rules":
        parser.parse_args(["rules", "--help"])
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
