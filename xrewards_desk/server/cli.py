"""``xrewards-desk serve``, ``xrewards-desk users add`` and ``xrewards-desk audit verify``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ..domain.model import Role

DEFAULT_PORT = 8765


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the reference rewards API (FastAPI)")
    serve.add_argument("--db", metavar="URL",
                       help="the store (an SQLAlchemy URL or a SQLite path); default: "
                            "server.sqlite in the data folder")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"the port (default {DEFAULT_PORT}; 0 picks a free one)")
    serve.add_argument("--demo", action="store_true",
                       help="fill an empty store with the demo program and its users")
    serve.add_argument("--data-dir", type=Path, metavar="DIR",
                       help="where the store and evidence files live")
    serve.add_argument("--port-file", type=Path, metavar="FILE",
                       help="write the port listened on to FILE once ready (for --port 0)")

    users = commands.add_parser("users", help="staff who may sign in to the server")
    users_commands = users.add_subparsers(dest="users_command", metavar="SUBCOMMAND")
    add = users_commands.add_parser(
        "add", help="add a member of staff (password from XREWARDS_PASSWORD or asked)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--display-name")
    add.add_argument("--language", default="de", choices=["de", "en"])
    add.add_argument("--db", metavar="URL")
    add.add_argument("--data-dir", type=Path, metavar="DIR")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")

    audit = commands.add_parser("audit", help="the server's audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    verify = audit_commands.add_parser(
        "verify", help="check the hash chain; name the first edited or deleted record")
    verify.add_argument("--db", metavar="URL")
    verify.add_argument("--data-dir", type=Path, metavar="DIR")


def data_dir(given: Path | None) -> Path:
    if given is not None:
        return given
    from platformdirs import user_data_dir

    return Path(user_data_dir("xrewards-server", appauthor=False))


def store_url(db: str | None, folder: Path) -> str:
    from ..store.db import sqlite_url

    if db is None:
        return sqlite_url(folder / "server.sqlite")
    return db if "://" in db else sqlite_url(db)


def main(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return serve(args)
    if args.command == "users" and args.users_command == "add":
        return add_user(args)
    if args.command == "audit" and args.audit_command == "verify":
        return verify_audit(args)
    print(f"xrewards-desk {args.command}: say what to do (see --help)", file=sys.stderr)
    return 2


def _open(args: argparse.Namespace) -> tuple[object, Path]:
    from ..store.db import Store

    folder = data_dir(args.data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Store.open(store_url(args.db, folder)), folder


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..clock import SystemClock
    from ..store.db import Store, StoreError
    from .app import create_app
    from .service import Service

    try:
        store, folder = _open(args)
    except StoreError as exc:
        print(f"xrewards-desk serve: {exc}", file=sys.stderr)
        return 1
    assert isinstance(store, Store)
    service = Service(store, SystemClock(), folder)
    if args.demo:
        from .demo import ensure_demo

        info = ensure_demo(service)
        print(info.banner(), flush=True)
    app = create_app(service)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info")
    server = uvicorn.Server(config)
    if args.port_file is not None:
        _announce_port(server, args.port_file)
    server.run()
    store.close()
    return 0


def _announce_port(server: object, path: Path) -> None:
    """Write the port once uvicorn listens (with --port 0 only the OS knows it)."""
    import threading
    import time

    def wait() -> None:
        while not getattr(server, "started", False):
            time.sleep(0.05)
        sockets = server.servers[0].sockets  # type: ignore[attr-defined]
        tmp = path.with_suffix(".part")
        tmp.write_text(str(sockets[0].getsockname()[1]))
        tmp.replace(path)

    threading.Thread(target=wait, daemon=True).start()


def add_user(args: argparse.Namespace) -> int:
    from ..clock import SystemClock
    from ..store.db import Store
    from .service import Service

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = os.environ.get("XREWARDS_PASSWORD") or getpass.getpass(
            f"Password for {args.name}: ")
    if len(password) < 10:
        print("xrewards-desk users add: the password must have at least 10 characters",
              file=sys.stderr)
        return 1
    store, folder = _open(args)
    assert isinstance(store, Store)
    try:
        Service(store, SystemClock(), folder).add_user(
            args.name, args.display_name or args.name, Role(args.role), password,
            args.language)
    except Exception as exc:  # the name exists, the database is unreachable, ...
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(f"xrewards-desk users add: {reason}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"added {args.name} ({args.role})")
    return 0


def verify_audit(args: argparse.Namespace) -> int:
    from ..store import audit
    from ..store.db import Store

    store, _folder = _open(args)
    assert isinstance(store, Store)
    try:
        with store.session() as session:
            checked, broken = audit.verify(session)
    finally:
        store.close()
    if broken is None:
        print(f"audit log intact: {checked} records, each linked to the one before")
        return 0
    print(f"audit log broken at record {broken.record}: {broken.reason} "
          f"({checked} records before it hold)")
    return 1
