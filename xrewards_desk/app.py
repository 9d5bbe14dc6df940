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
    xrewards-desk orders CUSTOMER [--json]   a customer's orders and their pending points
    xrewards-desk cases import PATH... [--json]   saved mails into e-mail cases (mail hook)
    xrewards-desk mailbox run [--config FILE]     the mail gateway (IMAP in, SMTP out)
    xrewards-desk --version

Every refusal or error ends in one sentence on standard error saying what to do, and an
exit code of its kind (xrewards_desk/exits.py: 1 refused or not there, 2 usage, 3 sign-in,
4 no server answers, 5 no window can open, 70 a bug, 130 interrupted); never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .exits import DEBUG_ENV, INTERRUPTED, NO_DISPLAY, UNEXPECTED, USAGE, Failure, report

if TYPE_CHECKING:
    from .store.keys import DeskKey

#: :data:`.sync.checking.ARGUMENT` (kept here too, so the helper imports nothing more)
PAGE_CHECKER = "--page-checker-process"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xrewards-desk",
        description="Back-office desktop of the X-Points rewards program.",
    )
    parser.add_argument("--version", action="version", version=f"xrewards-desk {__version__}")
    from xrewards_desk.ui.shell.arguments import add_gui_arguments

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
    from .mail.gateway.cli import add_arguments as add_gateway_arguments
    from .server.cli import add_arguments
    from .sync.cli import add_arguments as add_sync_arguments

    add_arguments(commands)
    add_sync_arguments(commands)
    add_mail_arguments(commands)
    add_gateway_arguments(commands)
    return parser


def _desk_key_of(db: str) -> DeskKey | None:
    """The key of a desktop's encrypted store given by its path (its data folder's, from
    $XREWARDS_STORE_KEY, the keyring, or a passphrase asked at the terminal); None for a
    URL, a new file or a plain one."""
    from .prompt import read_passphrase
    from .store.keys import PassphraseNeeded, desk_key, store_is_encrypted

    path = Path(db)
    if "://" in db or not store_is_encrypted(path.parent) or path.name != "desk.sqlite":
        return None
    try:
        return desk_key(path.parent)
    except PassphraseNeeded:
        given = read_passphrase(new=False)
        if given is None:
            raise
        return desk_key(path.parent, passphrase=lambda: given)


def _db(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import ArgumentError, DatabaseError

    from .store.db import (
        Store,
        StoreError,
        current_revision,
        head_revision,
        make_engine,
        sqlite_url,
    )
    from .store.keys import KeyUnavailable

    url = args.db if "://" in args.db else sqlite_url(args.db)
    if "://" not in args.db and not Path(args.db).exists() and args.db_command == "status":
        print(f"xrewards-desk db status: no store at {args.db}", file=sys.stderr)
        return 1
    try:
        key = _desk_key_of(args.db)
        if args.db_command == "status":
            engine = make_engine(url, key=key)
            try:
                have = current_revision(engine)
            finally:
                engine.dispose()
            print(f"schema: {have or 'none (empty store)'}; newest known: {head_revision()}")
            return 0
        store = Store.open(url, copy_aside=not args.without_copy, key=key)
        store.close()
    except (StoreError, DatabaseError, ArgumentError, KeyUnavailable) as exc:
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
    try:
        return _dispatch(parser, args)
    except Failure as exc:
        return report(args, exc)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "rules" and args.rules_command == "check":
        from .conformance import main as conformance_main

        return conformance_main(args.paths)
    if args.command == "rules":
        raise Failure(USAGE, "say what to do: xrewards-desk rules check PATH... (see "
                             "xrewards-desk rules --help)")
    if args.command == "db" and args.db_command:
        return _db(args)
    if args.command == "db":
        raise Failure(USAGE, "say what to do: xrewards-desk db status|upgrade --db URL (see "
                             "xrewards-desk db --help)")
    if args.command in {"serve", "users", "audit"}:
        from .server.cli import main as server_main

        return server_main(args)
    if args.command in {"sync", "search", "ledger", "outbox", "signout", "orders"}:
        from .sync.cli import main as sync_main

        return sync_main(args)
    if args.command == "cases":
        from .mail.cli import main as mail_main

        return mail_main(args)
    if args.command == "mailbox":
        from .mail.gateway.cli import main as gateway_main

        return gateway_main(args)
    if args.command is None:
        from xrewards_desk.ui.shell.display import window_problem

        problem = window_problem()
        if problem is not None:  # Qt would abort (exit 134) with words about its plugins
            raise Failure(NO_DISPLAY, problem)
        from xrewards_desk.ui.shell.main import run_gui

        return run_gui(args)
    parser.print_help(sys.stderr)
    return USAGE


def run() -> int:
    """The console script: like main(), but output cut short (`| head`) ends quietly, Ctrl+C
    ends in a sentence, and an unexpected error (a bug) in one sentence too, unless
    XREWARDS_DEBUG=1 asks for its traceback."""
    import os

    if sys.argv[1:] == [PAGE_CHECKER]:  # the desk's helper process, nothing else loaded
        if hasattr(os, "nice"):  # the desk's own threads first, the GUI thread above all
            os.nice(10)
        from .sync.checking import serve

        return serve()
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("\nxrewards-desk: interrupted; what was finished is kept", file=sys.stderr)
        return INTERRUPTED
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        what = (str(exc).splitlines() or [""])[0][:200]
        print(f"xrewards-desk: an unexpected error ({type(exc).__name__}"
              f"{': ' + what if what else ''}); this is a bug, please report it with the "
              f"command you ran (run it again with {DEBUG_ENV}=1 for the details)",
              file=sys.stderr)
        return UNEXPECTED


if __name__ == "__main__":
    raise SystemExit(run())
