"""The command line: ``xrewards-desk``.

    xrewards-desk [--demo] [--screenshots DIR] [--language en|de] [--data-dir DIR]
                                        the desktop application (no subcommand)
Subcommands:
    xrewards-desk rules check PATH...   run conformance vectors through the rules engine
    xrewards-desk db status --db URL    the store's schema revision, and the newest known
    xrewards-desk db upgrade --db URL   upgrade a store (after copying it aside)
    xrewards-desk serve [--db URL] [--host H] [--port N] [--demo] [--data-dir DIR]
    xrewards-desk users add NAME --role ROLE
    xrewards-desk audit verify [--db URL]
    xrewards-desk sync --api URL --user NAME; search TEXT; ledger ACCOUNT; outbox; signout
    xrewards-desk cases import PATH... [--json]   saved mails into e-mail cases (mail hook)
    xrewards-desk --version
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xrewards-desk",
        description="Back-office desktop of the X-Points rewards program.",
    )
    parser.add_argument("--version", action="version", version=f"xrewards-desk {__version__}")
    from .ui.arguments import add_gui_arguments

    add_gui_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    rules = commands.add_parser("rules", help="the rules engine")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    check = rules_commands.add_parser(
        "check", help="run conformance vectors (files or folders of *.json)")
    check.add_argument("paths", nargs="+", metavar="PATH")

    db = commands.add_parser("db", help="the store: schema status and upgrades")
    db_commands = db.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    for name, text in (("status", "print the store's schema revision and the newest known"),
                       ("upgrade", "upgrade the store to the newest schema, copying it "
                                   "aside first")):
        sub = db_commands.add_parser(name, help=text)
        sub.add_argument("--db", required=True, metavar="URL",
                         help="an SQLAlchemy URL (sqlite:///PATH or postgresql+psycopg://...) "
                              "or the path of a SQLite file")
        if name == "upgrade":
            sub.add_argument("--without-copy", action="store_true",
                             help="upgrade without copying the store aside (you made a "
                                  "backup yourself, e.g. with pg_dump)")
    from .mail.cli import add_arguments as add_mail_arguments
    from .server.cli import add_arguments
    from .sync.cli import add_arguments as add_sync_arguments

    add_arguments(commands)
    add_sync_arguments(commands)
    add_mail_arguments(commands)
    return parser


def _db(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from .store.db import (
        Store,
        StoreError,
        current_revision,
        head_revision,
        make_engine,
        sqlite_url,
    )

    url = args.db if "://" in args.db else sqlite_url(args.db)
    if "://" not in args.db and not Path(args.db).exists() and args.db_command == "status":
        print(f"xrewards-desk db status: no store at {args.db}", file=sys.stderr)
        return 1
    try:
        if args.db_command == "status":
            engine = make_engine(url)
            try:
                have = current_revision(engine)
            finally:
                engine.dispose()
            print(f"schema: {have or 'none (empty store)'}; newest known: {head_revision()}")
            return 0
        store = Store.open(url, copy_aside=not args.without_copy)
        store.close()
    except (StoreError, OperationalError, ArgumentError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"xrewards-desk db {args.db_command}: {reason}", file=sys.stderr)
        return 1
    if store.upgraded_from is None:
        print(f"the store is current (schema {head_revision()})")
    else:
        where = f"; the old store was copied to {store.backup}" if store.backup else ""
        print(f"upgraded from schema {store.upgraded_from} to {head_revision()}{where}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "rules" and args.rules_command == "check":
        from .conformance import main as conformance_main

        return conformance_main(args.paths)
    if args.command == "rules":
        parser.parse_args(["rules", "--help"])
    if args.command == "db" and args.db_command:
        return _db(args)
    if args.command == "db":
        parser.parse_args(["db", "--help"])
    if args.command in {"serve", "users", "audit"}:
        from .server.cli import main as server_main

        return server_main(args)
    if args.command in {"sync", "search", "ledger", "outbox", "signout"}:
        from .sync.cli import main as sync_main

        return sync_main(args)
    if args.command == "cases":
        from .mail.cli import main as mail_main

        return mail_main(args)
    if args.command is None:
        from .ui.main import run_gui

        return run_gui(args)
    parser.print_help(sys.stderr)
    return 2


def run() -> int:
    """The console script: like main(), but output cut short (`| head`) ends quietly."""
    try:
        return main()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(run())
